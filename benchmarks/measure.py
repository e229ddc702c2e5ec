"""What the benchmark scripts share: timing calls, percentiles, a throwaway database."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any


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
        from tests.postgres import ThrowawayPostgres

        server = ThrowawayPostgres().start()
        try:
            yield server.create_database(f"bench_{name}")
        finally:
            server.stop()
