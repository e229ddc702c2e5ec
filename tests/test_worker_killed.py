"""A gunicorn worker killed in the middle of an approval: the change is applied whole or not at
all. The approval is caught mid-transaction (its rows written, waiting for the audit trail's head)
on a real node on PostgreSQL, and the worker holding that transaction is killed with SIGKILL."""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from sqlalchemy import func, select

from registry.app import create_app
from registry.audit import trail as audit
from registry.kernel.db import get_db
from registry.organizations.models import OrganizationVersion
from tests.factories import make_user
from tests.postgres import ThrowawayPostgres, _free_port
from tests.processes import REGISTRY, call, children, until

NAME = "Kehribar Vadisi Kalkınma Ajansı"


@pytest.fixture
def node(postgres: ThrowawayPostgres, tmp_path: Path) -> Iterator[dict[str, Any]]:
    database = f"killed_{os.getpid()}"
    url = postgres.create_database(database, template="registry_template")
    app = create_app({"DATABASE_URL": url, "TESTING": True, "SECRET_KEY": "x"})
    tokens = {}
    with get_db(app).sessionmaker() as session:
        for name in ("reviewer", "reviewer2"):
            _, tokens[name] = make_user(session, name=name, role="reviewer")
        session.commit()
    port = _free_port()
    server = subprocess.Popen(
        [REGISTRY, "serve", "--port", str(port), "--workers", "2", "--no-index-follower"],
        env={
            **os.environ,
            "REGISTRY_DATABASE_URL": url,
            "REGISTRY_INDEX_DIR": str(tmp_path / "index"),
            "REGISTRY_SECRET_KEY": "x",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        until(lambda: _alive(port), 60)
        yield {
            "app": app,
            "port": port,
            "tokens": tokens,
            "server": server,
            "dsn": postgres.dsn(database),
        }
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
        get_db(app).dispose()
        postgres.drop_database(database)


def _alive(port: int) -> bool:
    try:
        return bool(call(port, "GET", "/readyz")[0] == 200)
    except OSError:
        return False


def _blocked_backend(dsn: str) -> tuple[int, int] | None:
    """(backend pid, client port) of a transaction that has written a unit and now waits for a
    lock: an approval caught in the middle."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        row = connection.execute(
            """
            SELECT a.pid, a.client_port FROM pg_stat_activity a
            WHERE a.wait_event_type = 'Lock' AND a.datname = current_database()
              AND EXISTS (SELECT 1 FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
                          WHERE l.pid = a.pid AND c.relname = 'organization_versions'
                            AND l.mode = 'RowExclusiveLock')
            """
        ).fetchone()
    return (int(row[0]), int(row[1])) if row else None


def _backend_exists(dsn: str, pid: int) -> bool:
    with psycopg.connect(dsn, autocommit=True) as connection:
        found = connection.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,))
        return found.fetchone() is not None


def _process_with_local_port(candidates: list[int], port: int) -> int:
    """Which of these processes owns the TCP socket bound to this local port (via /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    for pid in candidates:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:[") and target[8:-1] in inodes:
                return pid
    raise AssertionError(f"no process owns local port {port}")


def _units_named(app: Any, name: str) -> int:
    with get_db(app).sessionmaker() as session:
        return int(
            session.scalar(select(func.count()).where(OrganizationVersion.name == name)) or 0
        )


def test_a_worker_killed_mid_approval_applies_nothing_and_the_approval_can_be_redone(
    node: dict[str, Any],
) -> None:
    app, port, tokens = node["app"], node["port"], node["tokens"]
    status, request = call(
        port,
        "POST",
        "/api/v1/change-requests",
        {"entity": "organization", "action": "create", "data": {"name": NAME, "level": "central"}},
        tokens["reviewer"],
    )
    assert status == 201, request
    with get_db(app).sessionmaker() as session:
        head_before = audit.head_seq(session)

    outcome: dict[str, Any] = {}

    def approve() -> None:
        try:
            outcome["answer"] = call(
                port,
                "POST",
                f"/api/v1/change-requests/{request['id']}/approve",
                {},
                tokens["reviewer2"],
            )
        except (OSError, http.client.HTTPException) as error:
            outcome["error"] = error

    # Hold the audit trail's head: the approval writes the unit, then waits here.
    holder = psycopg.connect(node["dsn"])
    holder.execute("SELECT * FROM audit_head WHERE id = 1 FOR UPDATE")
    approving = threading.Thread(target=approve)
    approving.start()
    until(lambda: _blocked_backend(node["dsn"]) is not None, 30)
    backend, client_port = _blocked_backend(node["dsn"])  # type: ignore[misc]
    worker = _process_with_local_port(children(node["server"].pid), client_port)
    os.kill(worker, signal.SIGKILL)
    killed_at = time.monotonic()
    approving.join(timeout=30)
    assert "error" in outcome, outcome  # the caller saw the connection drop, not a success
    # The orphaned session cannot commit (a commit comes only from its client), and PostgreSQL
    # ends it even while it still waits for the lock (client_connection_check_interval): its
    # transaction is rolled back and its locks are freed.
    until(lambda: not _backend_exists(node["dsn"], backend), 30)
    ended_after = time.monotonic() - killed_at
    holder.rollback()
    holder.close()

    assert _units_named(app, NAME) == 0
    with get_db(app).sessionmaker() as session:
        assert audit.head_seq(session) == head_before
        assert audit.verify(session).first_bad_seq is None
    status, still = call(
        port, "GET", f"/api/v1/change-requests/{request['id']}", None, tokens["reviewer"]
    )
    assert status == 200 and still["status"] == "submitted"

    # gunicorn has replaced the worker; the same approval now goes through, once.
    until(lambda: worker not in children(node["server"].pid), 30)
    status, decided = call(
        port, "POST", f"/api/v1/change-requests/{request['id']}/approve", {}, tokens["reviewer2"]
    )
    assert status == 200, decided
    assert _units_named(app, NAME) == 1
    with get_db(app).sessionmaker() as session:
        assert audit.head_seq(session) > head_before
        assert audit.verify(session).first_bad_seq is None
    print(
        f"killed worker {worker} mid-approval; its session ended {ended_after:.1f} s later with "
        "nothing applied; the approval was then redone, once"
    )
