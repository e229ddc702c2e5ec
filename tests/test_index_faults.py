"""The search index cannot be written (a full disk): the registry keeps taking writes, search
answers from the index as it was and says it is degraded, and the follower catches up by itself
once the disk has room again."""

from __future__ import annotations

import errno
import os
import resource
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.app import create_app
from registry.kernel.db import get_db
from registry.search import index, records
from tests.factories import make_unit, make_user
from tests.postgres import ThrowawayPostgres
from tests.processes import REGISTRY, until


def test_a_rebuild_that_fails_midway_keeps_the_current_index_and_leaves_no_half_build(
    app: Flask, client: FlaskClient, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_unit(session, "Adalet Bakanlığı", category="Bakanlık")
    session.commit()
    index_dir = app.config["INDEX_DIR"]
    index.rebuild(session, index_dir)
    session.rollback()
    before = index.current_path(index_dir)
    everything = records.everything

    def disk_fills_up(db: Session) -> Iterator[records.SearchDocument]:
        yield from everything(db)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(records, "everything", disk_fills_up)
    with pytest.raises(OSError, match="No space left"):
        index.rebuild(session, index_dir)
    session.rollback()
    assert index.current_path(index_dir) == before
    assert [p.name for p in Path(index_dir).glob("build-*")] == [before.name]  # type: ignore[union-attr]
    answer = client.get("/api/v1/search?q=adalet").json
    assert answer["source"] == "index" and answer["degraded"] is None and answer["total"] == 1


@pytest.fixture
def node(postgres: ThrowawayPostgres, tmp_path: Path) -> Iterator[dict[str, Any]]:
    """A node's web side in this process, its index follower as a separate process."""
    database = f"index_faults_{os.getpid()}"
    url = postgres.create_database(database, template="registry_template")
    index_dir = str(tmp_path / "index")
    app = create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "SECRET_KEY": "x",
            "INDEX_DIR": index_dir,
            "INDEX_STALE_AFTER": 1.0,
        }
    )
    with get_db(app).sessionmaker() as session:
        tokens = {"unit": make_unit(session, "İçişleri Bakanlığı", category="Bakanlık")}
        for name in ("reviewer", "reviewer2"):
            _, tokens[name] = make_user(session, name=name, role="reviewer")
        session.commit()
        index.rebuild(session, index_dir)
    follower = subprocess.Popen(
        [REGISTRY, "index-follow", "--interval", "0.5"],
        env={**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_INDEX_DIR": index_dir},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,  # not a file: a full "disk" would refuse the follower's log
        text=True,
    )
    try:
        yield {"app": app, "tokens": tokens, "follower": follower}
    finally:
        if follower.poll() is None:
            follower.send_signal(signal.SIGTERM)
            follower.communicate(timeout=30)
        get_db(app).dispose()
        postgres.drop_database(database)


def _create_unit(client: FlaskClient, tokens: dict[str, str], name: str) -> Any:
    created = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "create",
            "data": {"name": name, "level": "central"},
        },
        headers={"Authorization": f"Bearer {tokens['reviewer']}"},
    )
    assert created.status_code == 201, created.json
    return client.post(
        f"/api/v1/change-requests/{created.json['id']}/approve",
        json={},
        headers={"Authorization": f"Bearer {tokens['reviewer2']}"},
    )


class _Log:
    """What the follower has written to its stderr pipe so far, read without blocking."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        assert process.stderr is not None
        self.fd = process.stderr.fileno()
        os.set_blocking(self.fd, False)
        self.data = b""

    def read(self) -> str:
        while True:
            try:
                chunk = os.read(self.fd, 65536)
            except BlockingIOError:
                break
            if not chunk:
                break
            self.data += chunk
        return self.data.decode("utf-8", "replace")


def _found(client: FlaskClient, words: str, number: str) -> bool:
    answer = client.get(f"/api/v1/search?q={words}&type=organization").json
    return any(hit["id"] == number for hit in answer["hits"])


def test_a_full_disk_stops_the_index_not_the_registry(node: dict[str, Any]) -> None:
    client = node["app"].test_client()
    tokens, follower = node["tokens"], node["follower"]
    first = _create_unit(client, tokens, "Mercan Kıyısı Kalkınma Ajansı")
    assert first.status_code == 200
    until(lambda: _found(client, "mercan kiyisi", first.json["result"]["id"]), 15)

    # The disk is full: every write to a file by the follower fails (EFBIG, as ENOSPC would).
    # (The soft limit only: raising a hard limit again needs a privilege CI may not have.)
    _, hard = resource.prlimit(follower.pid, resource.RLIMIT_FSIZE)
    resource.prlimit(follower.pid, resource.RLIMIT_FSIZE, (0, hard))
    written = _create_unit(client, tokens, "Lacivert Dağları Kalkınma Ajansı")
    assert written.status_code == 200, written.json  # the registry takes writes as usual
    number = written.json["result"]["id"]
    assert client.get(f"/api/v1/organizations/{number}").status_code == 200

    def stale() -> bool:
        answer = client.get("/api/v1/search?q=kalkinma+ajansi").json
        return bool(answer["degraded"]) and answer["degraded"].startswith("stale index")

    until(stale, 15)
    # The follower has tried, and failed, to write since (not merely not tried yet).
    log = _Log(follower)
    until(lambda: "cannot write the index" in log.read(), 15)
    answer = client.get("/api/v1/search?q=kalkinma+ajansi").json
    assert answer["source"] == "index" and "1 changes behind" in answer["degraded"]
    assert not _found(client, "lacivert daglari", number)  # the index as it was
    ready = client.get("/readyz")
    assert ready.status_code == 200  # degraded search is reported, not a reason to stop traffic
    assert ready.json["checks"]["search"].startswith("degraded: stale index")
    page = client.get("/search?q=kalkinma+ajansi")
    assert "Arama dizini güncel değil" in page.get_data(as_text=True)
    assert follower.poll() is None  # the follower keeps trying

    resource.prlimit(follower.pid, resource.RLIMIT_FSIZE, (hard, hard))  # room again
    healed = until(lambda: _found(client, "lacivert daglari", number), 15)
    assert client.get("/api/v1/search?q=lacivert").json["degraded"] is None
    assert client.get("/readyz").json["checks"]["search"].startswith("ok")
    print(f"the follower caught up {healed:.2f} s after the disk had room again")

    assert "File too large" in log.read()
