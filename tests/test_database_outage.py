"""The database goes away and comes back: clean, quick 503s meanwhile, nothing half-written, and
the app recovers by itself. On a throwaway PostgreSQL of its own (the shared one keeps running)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask

from registry.app import create_app
from registry.kernel import migrate
from registry.kernel.db import get_db
from tests.factories import make_unit, make_user
from tests.postgres import ThrowawayPostgres


@pytest.fixture
def outage() -> Iterator[tuple[ThrowawayPostgres, Flask, dict[str, str]]]:
    server = ThrowawayPostgres().start()
    try:
        app = create_app(
            {"DATABASE_URL": server.create_database("outage"), "TESTING": True, "SECRET_KEY": "x"}
        )
        migrate.upgrade(get_db(app).engine)
        with get_db(app).sessionmaker() as session:
            interior = make_unit(session, "İçişleri Bakanlığı", category="Bakanlık")
            tokens = {"unit": interior}
            for name in ("reviewer", "reviewer2"):
                _, tokens[name] = make_user(session, name=name, role="reviewer")
            session.commit()
        yield server, app, tokens
        get_db(app).dispose()
    finally:
        server.stop()


def _timed(call: Any) -> tuple[Any, float]:
    started = time.monotonic()
    result = call()
    return result, time.monotonic() - started


def test_an_outage_gives_quick_503s_loses_nothing_and_heals(
    outage: tuple[ThrowawayPostgres, Flask, dict[str, str]],
) -> None:
    server, app, tokens = outage
    client = app.test_client()
    unit = f"/api/v1/organizations/{tokens['unit']}"
    first = client.get(unit)
    assert first.status_code == 200, first.data[:300]
    reviewer = {"Authorization": f"Bearer {tokens['reviewer']}"}
    body = {
        "entity": "organization",
        "action": "update",
        "target": tokens["unit"],
        "data": {"contact": {"phone": "0312 422 40 00"}},
    }

    server.pause()
    answer, seconds = _timed(lambda: client.get(unit))
    assert answer.status_code == 503 and seconds < 10
    print(f"read during the outage: 503 in {seconds:.2f} s")
    assert answer.mimetype == "application/problem+json"
    assert answer.headers["Retry-After"] == "5"
    ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json["checks"]["database"].startswith("unavailable")
    write, seconds = _timed(
        lambda: client.post("/api/v1/change-requests", json=body, headers=reviewer)
    )
    assert write.status_code == 503 and seconds < 10
    print(f"write during the outage: 503 in {seconds:.2f} s")
    page = client.get(f"/organizations/{tokens['unit']}")
    assert page.status_code == 503 and page.mimetype == "text/html"

    server.resume()
    assert client.get("/readyz").status_code == 200  # no restart of the app needed
    assert client.get(unit).status_code == 200
    # The write refused during the outage left nothing: no request was filed.
    listed = client.get("/api/v1/change-requests", headers=reviewer)
    assert listed.status_code == 200 and listed.json == []
    again = client.post("/api/v1/change-requests", json=body, headers=reviewer)
    assert again.status_code == 201
