"""Helpers for the reference-data tests: change requests filed and approved over HTTP."""

from __future__ import annotations

from typing import Any

from flask.testing import FlaskClient

from tests.workflow_world import World


def submit(client: FlaskClient, world: World, who: str, **body: Any) -> Any:
    return client.post("/api/v1/change-requests", json=body, headers=world.auth(who))


def applied(client: FlaskClient, world: World, who: str, **body: Any) -> str:
    """File a request as ``who`` and have a reviewer (another one when ``who`` is the first)
    approve it; the applied record's id."""
    response = submit(client, world, who, **body)
    assert response.status_code == 201, response.json
    approver = "reviewer2" if who == "reviewer" else "reviewer"
    decision = client.post(
        f"/api/v1/change-requests/{response.json['id']}/approve", headers=world.auth(approver)
    )
    assert decision.status_code == 200 and decision.json["status"] == "approved", decision.json
    return str(decision.json["result"]["id"])


def feed(client: FlaskClient, entity: str) -> list[dict[str, Any]]:
    """The change feed's entries of one kind of record, oldest first."""
    changes: list[dict[str, Any]] = []
    cursor = None
    while True:
        query = {"limit": 500, **({"since": cursor} if cursor else {})}
        page = client.get("/api/v1/changes", query_string=query).json
        changes.extend(c for c in page["changes"] if c["entity"] == entity)
        if not page["changes"]:
            return changes
        cursor = page["next_cursor"]
