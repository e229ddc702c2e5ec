"""Helpers for tests that run the registry as real processes (``registry serve`` nodes, the
index follower): calling them over HTTP, waiting for a condition, finding their children."""

from __future__ import annotations

import http.client
import json
import sys
import time
from pathlib import Path
from typing import Any

REGISTRY = str(Path(sys.executable).parent / "registry")


def call(port: int, method: str, path: str, body: Any = None, token: str = "") -> Any:
    """(status, parsed JSON body or None) of one request to 127.0.0.1:``port``."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    connection.request(method, path, json.dumps(body) if body is not None else None, headers)
    response = connection.getresponse()
    data = response.read()
    connection.close()
    return response.status, (json.loads(data) if data else None)


def until(check: Any, seconds: float) -> float:
    """Seconds until ``check()`` holds; fails the test after ``seconds``."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        if check():
            return time.monotonic() - started
        time.sleep(0.1)
    raise AssertionError(f"not within {seconds} s")


def children(pid: int) -> list[int]:
    """The process ids of ``pid``'s children (Linux ``/proc``)."""
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
