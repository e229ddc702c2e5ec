"""Two app nodes on one PostgreSQL, as production runs them: separate processes, separate search
indexes. A change written through one node is served by the other, in the API and in search."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.postgres import ThrowawayPostgres, _free_port
from tests.processes import REGISTRY, call, children, until


@pytest.fixture
def nodes(postgres: ThrowawayPostgres, tmp_path: Path) -> Iterator[dict[str, Any]]:
    database = f"nodes_{os.getpid()}"
    url = postgres.create_database(database, template="registry_template")
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_SECRET_KEY": "nodes-test"}
    tokens = {}
    for name in ("reviewer", "reviewer2"):
        created = subprocess.run(
            [REGISTRY, "users", "create", "--name", name, "--role", "reviewer"]
            + ["--person-id", f"24325150/{name}"],
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
            until(lambda p=port: _ready(p), 60)
        yield {"a": ports[0], "b": ports[1], "tokens": tokens, "servers": processes}
    finally:
        for process in processes:
            os.killpg(process.pid, 15)  # gunicorn, its workers and the index follower
            process.wait(timeout=30)
        postgres.drop_database(database)


def _ready(port: int) -> bool:
    try:
        status, body = call(port, "GET", "/readyz")
    except OSError:
        return False
    return bool(status == 200 and body["checks"]["search"].startswith("ok"))


def test_a_change_through_one_node_is_served_by_the_other(nodes: dict[str, Any]) -> None:
    a, b, tokens = nodes["a"], nodes["b"], nodes["tokens"]
    status, request = call(
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
    status, decided = call(
        a, "POST", f"/api/v1/change-requests/{request['id']}/approve", {}, tokens["reviewer2"]
    )
    assert status == 200, decided
    number = decided["result"]["id"]

    api_lag = until(lambda: call(b, "GET", f"/api/v1/organizations/{number}")[0] == 200, 5)

    def found_by_search() -> bool:
        status, answer = call(b, "GET", "/api/v1/search?q=zumrut+ovasi&type=organization")
        return status == 200 and any(hit["id"] == number for hit in answer["hits"])

    search_lag = until(found_by_search, 15)
    print(
        f"node B served the new unit after {api_lag:.2f} s, found it by search after "
        f"{search_lag:.2f} s"
    )


def _is_follower(pid: int) -> bool:
    return b"registry.search.follower" in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_a_worker_that_exits_leaves_the_nodes_index_follower_running(
    nodes: dict[str, Any],
) -> None:
    """gunicorn replaces workers (a reload, a crash); the node's one index follower stays."""
    server = nodes["servers"][0].pid
    (follower,) = [pid for pid in children(server) if _is_follower(pid)]
    workers = [pid for pid in children(server) if pid != follower]
    assert len(workers) == 2
    os.kill(workers[0], signal.SIGTERM)  # a clean exit: the worker runs its exit handlers
    until(lambda: workers[0] not in children(server) and len(children(server)) == 3, 30)
    time.sleep(1)
    assert follower in children(server)
    assert _ready(nodes["a"])
