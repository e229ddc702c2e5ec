"""What the benchmark scripts share: timing calls, percentiles, a throwaway database, and
HTTP load on a ``registry serve`` (gunicorn) started for the run."""

from __future__ import annotations

import http.client
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tests.postgres import ThrowawayPostgres

ROOT = Path(__file__).resolve().parent.parent


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def timed(call: Callable[[], Any], repeat: int, warmup: int = 1) -> list[float]:
    """Milliseconds of each of ``repeat`` calls, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        call()
    times: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


@contextmanager
def database(backend: str, name: str) -> Iterator[str]:
    """A fresh, empty database URL; the PostgreSQL server is stopped and deleted at the end."""
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as directory:
        if backend == "sqlite":
            yield f"sqlite:///{Path(directory) / f'{name}.sqlite3'}"
            return
        server = ThrowawayPostgres().start()
        try:
            yield server.create_database(f"bench_{name}")
        finally:
            server.stop()


@dataclass
class Load:
    """What the clients of one ``throughput`` run saw: requests completed, in how long, and the
    latency of each (milliseconds, connection set-up included)."""

    requests: int
    seconds: float
    latencies: list[float]

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    def latency(self, share: float) -> float:
        return percentile(self.latencies, share)


@dataclass(frozen=True)
class Call:
    """One request of a load: a GET of ``path``, or a POST of ``body`` with ``headers``. The
    answer must be 200 and, when ``expect`` is given, contain it (a SOAP answer that says
    ``SonucHatali=false``), or the run stops."""

    path: str
    body: bytes | None = None
    headers: tuple[tuple[str, str], ...] = ()
    expect: bytes | None = None


Request = str | Call  # a bare path is a GET


def throughput(port: int, paths: Sequence[Request], seconds: float, clients: int) -> Load:
    """``clients`` concurrent keep-alive connections to 127.0.0.1, each going through ``paths``
    in turn from its own starting point, for ``seconds``."""
    stop = time.monotonic() + seconds
    turns = [slot * 37 for slot in range(clients)]

    def next_path(slot: int) -> Request | None:
        if time.monotonic() >= stop:
            return None
        turns[slot] += 1
        return paths[(turns[slot] - 1) % len(paths)]

    return _drive(port, clients, next_path)


def each_once(port: int, paths: Sequence[Request], clients: int) -> Load:
    """Every path requested once, in order, shared out among ``clients`` concurrent
    connections: a pass over a fixed workload, however long it takes."""
    queue = iter(paths)
    lock = threading.Lock()

    def next_path(_slot: int) -> Request | None:
        with lock:
            return next(queue, None)

    return _drive(port, clients, next_path)


def _drive(port: int, clients: int, next_path: Callable[[int], Request | None]) -> Load:
    """One thread and keep-alive connection per client, requesting ``next_path(slot)`` until it
    says None. A non-200 answer (or one without the call's ``expect``) stops every client and
    is raised here with its body, so a failing endpoint is never measured as a fast one."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors: list[str] = []

    def client(slot: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine = latencies[slot]
        try:
            while not errors and (item := next_path(slot)) is not None:
                call = Call(item) if isinstance(item, str) else item
                started = time.perf_counter()
                if call.body is None:
                    connection.request("GET", call.path)
                else:
                    connection.request("POST", call.path, call.body, dict(call.headers))
                response = connection.getresponse()
                body = response.read()
                mine.append((time.perf_counter() - started) * 1000)
                if response.status != 200:
                    errors.append(f"{call.path} → {response.status}: {body[:2000]!r}")
                elif call.expect is not None and call.expect not in body:
                    errors.append(f"{call.path} refused: {body[:2000]!r}")
        except Exception as error:  # reported by the caller's thread, not lost with this one
            errors.append(f"{type(error).__name__}: {error}")
        finally:
            connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    start = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - start
    if errors:
        raise RuntimeError(errors[0])
    flat = [value for values in latencies for value in values]
    return Load(len(flat), elapsed, flat)


def wait_ready(port: int, timeout: float = 60) -> None:
    """Until ``/healthz`` answers 200 (the workers have loaded the app and warmed up)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/healthz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    url: str, index_dir: str, workers: int, log: Path, follower: bool = False
) -> Iterator[int]:
    """``registry serve`` (gunicorn, sync workers; its index follower only if ``follower``) on a
    free loopback port; yields the port once it answers, stops the server (and its follower) at
    the end. Its stderr goes to ``log``."""
    port = free_port()
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": url,
        "REGISTRY_INDEX_DIR": index_dir,
        "REGISTRY_SECRET_KEY": "benchmark",
    }
    with open(log, "w") as stderr:
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "registry"),
                "serve",
                "--port",
                str(port),
                "--workers",
                str(workers),
                "--threads",
                "1",
                "--index-follower" if follower else "--no-index-follower",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=stderr,
            cwd=ROOT,
            start_new_session=True,  # so the follower process is stopped with the server
        )
        try:
            try:
                wait_ready(port)
            except RuntimeError:
                stderr.flush()
                print("server exit code:", server.poll(), "command:", server.args)
                print(log.read_text()[-3000:])
                raise
            yield port
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)
