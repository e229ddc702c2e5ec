"""Expensive public reads: one client may not hold every worker (429 with Retry-After past its
share of concurrent expensive reads, on the node too), and the pages stay bounded."""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from registry.app import create_app
from registry.catalogue import dataflows
from registry.http import ratelimit
from registry.kernel.db import get_db

CAPPED = ("/api/v1/reports/once-only", "/api/v1/dataflows", "/api/v1/dataflows?format=svg")


def limited(app: Flask, tmp_path: object, per_client: int, per_node: int) -> None:
    app.config.update(
        EXPENSIVE_READS_DIR=str(tmp_path),
        EXPENSIVE_READS_PER_CLIENT=per_client,
        EXPENSIVE_READS_PER_NODE=per_node,
    )


def test_a_client_past_its_concurrent_expensive_reads_gets_429(
    app: Flask, client: FlaskClient, tmp_path: object
) -> None:
    limited(app, tmp_path, per_client=1, per_node=3)
    with ratelimit.read_slot("127.0.0.1", app.config) as held:
        assert held  # this client's one expensive read, still running
        for path in CAPPED:
            refused = client.get(path)
            assert refused.status_code == 429, path
            assert refused.content_type == "application/problem+json"
            assert refused.headers["Retry-After"] == str(ratelimit.EXPENSIVE_RETRY_AFTER)
            assert " / too many of these reads at once" in refused.json["detail"]
        # another client is not held up by this one
        other = client.get(CAPPED[0], environ_overrides={"REMOTE_ADDR": "10.0.0.2"})
        assert other.status_code == 200
        assert client.get("/healthz").status_code == 200  # cheap reads are not capped
    assert client.get(CAPPED[0]).status_code == 200  # the slot is free again


def test_the_node_caps_all_clients_together(
    app: Flask, client: FlaskClient, tmp_path: object
) -> None:
    limited(app, tmp_path, per_client=2, per_node=2)
    with (
        ratelimit.read_slot("10.0.0.1", app.config) as first,
        ratelimit.read_slot("10.0.0.2", app.config) as second,
    ):
        assert first and second
        refused = client.get(CAPPED[1], environ_overrides={"REMOTE_ADDR": "10.0.0.3"})
        assert refused.status_code == 429 and refused.headers["Retry-After"]
    assert client.get(CAPPED[1], environ_overrides={"REMOTE_ADDR": "10.0.0.3"}).status_code == 200


def test_parallel_requests_of_one_client_beyond_its_share_are_refused(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Real concurrent requests (a database file or PostgreSQL: a connection each): while two
    of one client's reads are inside the view, its third is refused, and another client's read
    still gets through."""
    app = create_app(
        {"DATABASE_URL": database_url, "TESTING": True, "INDEX_DIR": str(tmp_path / "index")}
    )
    limited(app, tmp_path, per_client=2, per_node=4)
    inside, release = threading.Barrier(3), threading.Event()
    original = dataflows.once_only_page
    held = iter(range(2))

    def slow(*args: Any, **kwargs: Any) -> Any:
        if next(held, None) is not None:  # the first two wait inside, holding their slots
            inside.wait(timeout=10)
            release.wait(timeout=10)
        return original(*args, **kwargs)

    monkeypatch.setattr(dataflows, "once_only_page", slow)
    statuses: list[int] = []

    def call() -> None:
        statuses.append(app.test_client().get(CAPPED[0]).status_code)

    threads = [threading.Thread(target=call) for _ in range(2)]
    for thread in threads:
        thread.start()
    inside.wait(timeout=10)
    try:
        third = app.test_client().get(CAPPED[0])
        other = app.test_client().get(CAPPED[0], environ_overrides={"REMOTE_ADDR": "10.9.9.9"})
    finally:
        release.set()
        for thread in threads:
            thread.join(timeout=10)
        get_db(app).dispose()
    assert third.status_code == 429 and third.headers["Retry-After"]
    assert other.status_code == 200
    assert statuses == [200, 200]


def test_reports_are_pages_with_links(client: FlaskClient) -> None:
    answer = client.get("/api/v1/reports/once-only?page_size=10")
    assert answer.status_code == 200 and answer.json == []
    assert json.loads(answer.headers["X-Pagination"])["total"] == 0
    assert 'rel="first"' in answer.headers["Link"]
    too_big = client.get("/api/v1/dataflows?page_size=1001")
    assert too_big.status_code == 422
