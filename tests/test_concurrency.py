"""Concurrent approvals against one real server: distinct numbers, nothing applied twice."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select
from werkzeug.serving import make_server

from registry.app import create_app
from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.kernel import migrate
from registry.kernel.db import get_db
from registry.workflow.models import ChangeRequest
from tests.postgres import ThrowawayPostgres
from tests.workflow_world import World, build_world

CREATES = 100


@pytest.fixture
def server_app(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Flask]:
    """An app on a database that several connections can share (a file, not :memory:)."""
    if backend == "sqlite":
        url = f"sqlite:///{tmp_path / 'concurrency.sqlite3'}"
    else:
        postgres: ThrowawayPostgres = request.getfixturevalue("postgres")
        url = postgres.create_database(
            f"registry_concurrency_{tmp_path.name[-12:]}".lower(), template="registry_template"
        )
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    if backend == "sqlite":
        migrate.upgrade(get_db(app).engine)
    yield app
    get_db(app).dispose()


@pytest.fixture
def served(server_app: Flask) -> Iterator[str]:
    server = make_server("127.0.0.1", 0, server_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)


def call(
    base: str, path: str, token: str, body: dict[str, Any] | None = None
) -> tuple[int, dict[str, Any]]:
    request = urllib.request.Request(
        base + path,
        method="POST",
        data=json.dumps(body or {}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_concurrent_approvals_assign_distinct_numbers_once(server_app: Flask, served: str) -> None:
    with get_db(server_app).sessionmaker() as session:
        world: World = build_world(session)
    coordinator, reviewers = (
        world.tokens["goc_coordinator"],
        [world.tokens["reviewer"], world.tokens["reviewer2"]],
    )
    ids = []
    for i in range(CREATES):
        status, body = call(
            served,
            "/api/v1/change-requests",
            coordinator,
            {
                "entity": "organization",
                "action": "create",
                "data": {"name": f"Eşzamanlı Birim {i}", "parent": world.yhgm, "level": "central"},
            },
        )
        assert status == 201, body
        ids.append(body["id"])

    # Every request is approved twice at once, by two reviewers: exactly one may win.
    jobs = [(request_id, token) for request_id in ids for token in reviewers]
    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(
            pool.map(
                lambda job: (
                    job[0],
                    *call(served, f"/api/v1/change-requests/{job[0]}/approve", job[1]),
                ),
                jobs,
            )
        )

    winners = [(rid, body) for rid, status, body in results if status == 200]
    losers = [status for _, status, _ in results if status != 200]
    assert len(winners) == CREATES and sorted(r for r, _ in winners) == sorted(ids)
    assert set(losers) == {409}, "the second approval of a request is an illegal transition"
    numbers = [body["result"]["id"] for _, body in winners]
    assert len(set(numbers)) == CREATES
    assert all(len(n) == 8 and n[0] != "0" and n.isdigit() for n in numbers)

    with get_db(server_app).sessionmaker() as session:
        applied = session.scalar(
            select(func.count()).select_from(AuditEntry).where(AuditEntry.request_id.in_(ids))
        )
        assert applied == CREATES, "each request applied exactly once"
        statuses = set(session.scalars(select(ChangeRequest.status)))
        assert statuses == {"approved"}
        assert audit.verify(session).first_bad_seq is None
