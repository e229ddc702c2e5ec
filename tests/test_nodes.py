"""Two app nodes on one PostgreSQL, as production runs them: separate processes, separate search
indexes. A change written through one node is served by the other, in the API and in search."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.postgres import ThrowawayPostgres, _free_port

REGISTRY = str(Path(sys.executable).parent / "registry")


def _call(port: int, method: str, path: str, body: Any = None, token: str = "") -> Any:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)


def _until(check: Any, seconds: float) -> float:
    """Seconds until ``check()`` holds; fails the test after ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s")


@pytest.fixture
def nodes(postgres: ThrowawayPostgres, tmp_path: Path) -> Iterator[dict[str, Any]]:
    database = f"nodes_{os.getpid()}"
    url = postgres.create_database(database, template="registry_template")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_SECRET_KEY": "nodes-test"}
    tokens = {}
    for name in ("reviewer", "reviewer2"):
        created = subprocess.run(
            [REGISTRY, "users", "create", "--name", name, "--role", "reviewer"],
            env={**env, "REGISTRY_INDEX_DIR": str(tmp_path / "cli")},
            capture_output=True,
            text=True,
            check=True,
        )
        tokens[name] = created.stdout.strip().splitlines()[-1]
    processes, ports = [], []
    for node in ("a", "b"):
        port = _free_port()
        node_env = {**env, "REGISTRY_INDEX_DIR": str(tmp_path / f"index-{node}")}
        processes.append(
            subprocess.Popen(
                [REGISTRY, "serve", "--port", str(port), "--workers", "2"],
                env=node_env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        )
        ports.append(port)
    try:
        for port in ports:
            _until(lambda p=port: _ready(p), 60)
        yield {"a": ports[0], "b": ports[1], "tokens": tokens, "servers": processes}
    finally:
        for process in processes:
            os.killpg(process.pid, 15)  # gunicorn, its workers and the index follower
            process.wait(timeout=30)
        postgres.drop_database(database)


def _ready(port: int) -> bool:
    try:
        status, body = _call(port, "GET", "/readyz")
    except OSError:
        return False
    return bool(status == 200 and body["checks"]["search"].startswith("ok"))


def test_a_change_through_one_node_is_served_by_the_other(nodes: dict[str, Any]) -> None:
    a, b, tokens = nodes["a"], nodes["b"], nodes["tokens"]
    status, request = _call(
        a,
        "POST",
        "/api/v1/change-requests",
        {
            "entity": "organization",
            "action": "create",
            "data": {"name": "Zümrüt Ovası Kalkınma Ajansı", "level": "central"},
        },
        tokens["reviewer"],
    )
    assert status == 201, request
    status, decided = _call(
        a, "POST", f"/api/v1/change-requests/{request['id']}/approve", {}, tokens["reviewer2"]
    )
    assert status == 200, decided
    number = decided["result"]["id"]

    api_lag = _until(lambda: _call(b, "GET", f"/api/v1/organizations/{number}")[0] == 200, 5)

    def found_by_search() -> bool:
        status, answer = _call(b, "GET", "/api/v1/search?q=zumrut+ovasi&type=organization")
        return status == 200 and any(hit["id"] == number for hit in answer["hits"])

    search_lag = _until(found_by_search, 15)
    print(
        f"node B served the new unit after {api_lag:.2f} s, found it by search after "
        f"{search_lag:.2f} s"
    )


def _children(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def _is_follower(pid: int) -> bool:
    return b"registry.search.follower" in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_a_worker_that_exits_leaves_the_nodes_index_follower_running(
    nodes: dict[str, Any],
) -> None:
    """gunicorn replaces workers (a reload, a crash); the node's one index follower stays."""
    server = nodes["servers"][0].pid
    (follower,) = [pid for pid in _children(server) if _is_follower(pid)]
    workers = [pid for pid in _children(server) if pid != follower]
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGTERM)  # a clean exit: the worker runs its exit handlers
    _until(lambda: workers[0] not in _children(server) and len(_children(server)) == 3, 30)
    time.sleep(1)
    assert follower in _children(server)
    assert _ready(nodes["a"])
