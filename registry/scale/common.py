"""What the generators share: seeded draws, indexed names, and the bulk writer."""

from __future__ import annotations

import functools
import random
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select, text, update

from registry.kernel import turkish
from registry.kernel.db import Base

Row = dict[str, Any]
Progress = Callable[[str], None]

# Every generated record says where it came from (``recorded_by`` where the table has one).
RECORDED_BY = "registry generate"


def stream(seed: int, part: str) -> random.Random:
    """An independent random stream per part: more services never change the generated acts."""
    return random.Random(f"{seed}/{part}")


def weighted(rng: random.Random, pairs: Sequence[tuple[int, int]]) -> int:
    """A value of ``(value, weight)`` pairs, drawn by weight."""
    values = [value for value, _ in pairs]
    return rng.choices(values, weights=[weight for _, weight in pairs])[0]


def zipf(count: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights over ranks ``0 … count - 1``."""
    cumulative: list[float] = []
    total = 0.0
    for rank in range(count):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)
    return cumulative


def pick(
    rng: random.Random, population: Sequence[int], cumulative: list[float] | None, count: int
) -> list[int]:
    """Up to ``count`` distinct items, drawn by the cumulative weights (uniformly without)."""
    chosen: list[int] = []
    if not population:
        return chosen
    for _ in range(count * 10):
        if len(chosen) == count:
            break
        if cumulative is None:
            item = rng.choice(population)
        else:
            item = rng.choices(population, cum_weights=cumulative)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def day(rng: random.Random, first: date, last: date) -> date:
    """A day in ``[first, last]``."""
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def distinct(rng: random.Random, pool: Sequence[str], count: int) -> list[str]:
    """``count`` different words from ``pool``, numbered once the pool runs out."""
    words = rng.sample(pool, min(count, len(pool)))
    for extra in range(count - len(words)):
        words.append(f"{pool[extra % len(pool)]} {extra // len(pool) + 2}")
    return words


@functools.cache
def folded(text: str) -> str:
    return turkish.fold(text)


@functools.cache
def sort_key(name: str) -> str:
    """The sort key exactly as every write path stores it (cut to the column's 600)."""
    return turkish.sort_key(name)[:600]


def search_text(*parts: str | None) -> str:
    """The folded text the write paths store: non-empty parts joined by a space, then folded."""
    return turkish.fold(" ".join(filter(None, parts)))


class Sink:
    """Bulk Core inserts on one connection, in batches, with ids following what is there.

    Rows carry explicit ids (so foreign keys can be filled before anything is written); on
    PostgreSQL the id sequences are moved past them at the end.
    """

    def __init__(self, connection: Connection, batch: int, progress: Progress | None) -> None:
        self.connection = connection
        self.batch = batch
        self.progress = progress
        self.rows: dict[str, int] = {}
        self._next: dict[str, int] = {}

    def first_id(self, table: str) -> int:
        """The id the next row of ``table`` gets (one after the largest there or handed out)."""
        if table not in self._next:
            column = Base.metadata.tables[table].c.id
            self._next[table] = (self.connection.scalar(select(func.max(column))) or 0) + 1
        return self._next[table]

    def claim_ids(self, table: str, count: int) -> int:
        """Reserve ``count`` ids of ``table``; returns the first."""
        first = self.first_id(table)
        self._next[table] = first + count
        return first

    def insert(self, table: str, rows: Iterable[Row]) -> int:
        """Insert ``rows`` (every row with the same keys) in batches; returns how many."""
        statement = insert(Base.metadata.tables[table])
        count = 0
        chunk: list[Row] = []
        started = time.perf_counter()
        for row in rows:
            chunk.append(row)
            if len(chunk) == self.batch:
                self.connection.execute(statement, chunk)
                count += len(chunk)
                chunk = []
        if chunk:
            self.connection.execute(statement, chunk)
            count += len(chunk)
        self.rows[table] = self.rows.get(table, 0) + count
        if self.progress and count:
            seconds = time.perf_counter() - started
            self.progress(f"  {table}: {count:,} rows ({seconds:.1f} s)")
        return count

    def update(self, table: str, rows: Sequence[Row]) -> None:
        """``UPDATE table SET … WHERE id = :id`` for each row (every key but ``id`` is set)."""
        if not rows:
            return
        target = Base.metadata.tables[table]
        values: dict[str, Any] = {
            name: bindparam(f"new_{name}") for name in rows[0] if name != "id"
        }
        statement = update(target).where(target.c.id == bindparam("old_id")).values(values)
        renamed = [
            {("old_id" if name == "id" else f"new_{name}"): value for name, value in row.items()}
            for row in rows
        ]
        for start in range(0, len(renamed), self.batch):
            self.connection.execute(statement, renamed[start : start + self.batch])

    def finish(self) -> None:
        """Move PostgreSQL's id sequences past the explicit ids, then refresh the statistics."""
        if self.connection.dialect.name == "postgresql":
            for table in self._next:
                self.connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
        # The planner must know the new sizes: without it SQLite walks the wrong index.
        self.connection.execute(text("ANALYZE"))


class Recording(Sink):
    """A sink that keeps the rows instead of writing them, with ids as in an empty database:
    for a benchmark that changes some before writing them (``replay``)."""

    def __init__(self) -> None:
        self.batch = 0
        self.progress = None
        self.rows = {}
        self._next = {}
        self.steps: list[tuple[str, str, list[Row]]] = []

    def first_id(self, table: str) -> int:
        return self._next.setdefault(table, 1)

    def insert(self, table: str, rows: Iterable[Row]) -> int:
        kept = list(rows)
        self.steps.append(("insert", table, kept))
        self.rows[table] = self.rows.get(table, 0) + len(kept)
        return len(kept)

    def update(self, table: str, rows: Sequence[Row]) -> None:
        self.steps.append(("update", table, list(rows)))

    def finish(self) -> None:
        pass

    def table(self, name: str) -> list[Row]:
        """The rows to be inserted into ``name`` (to change them before ``replay``)."""
        return [
            row
            for step, table, rows in self.steps
            if step == "insert" and table == name
            for row in rows
        ]

    def replay(self, sink: Sink) -> None:
        """Write everything through ``sink``, in the order it was generated."""
        for step, table, rows in self.steps:
            if step == "insert":
                if "id" in Base.metadata.tables[table].c:
                    sink.first_id(table)  # so that ``finish`` moves its id sequence
                sink.insert(table, rows)
            else:
                sink.update(table, rows)
        sink.finish()
