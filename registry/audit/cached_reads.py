"""Answers computed once and kept until the records they read change: whole-table statistics.

Some public reads aggregate a whole table (the service inventory's statistics, the legislation
statistics): one scan each, but a scan of 200,000 rows on every request lets a few anonymous
clients keep the database busy. Their answers change only when a record they read changes through
the workflow (which appends an audit entry) or when the day turns (the tree "as of today" moves
on), so each is a projection (``registry.audit.projections``): computed on first use, kept per
database in each process, and dropped when the audit trail names one of the entities it follows
or when the day changes. Checking costs one indexed read of the audit head per request; a change
shows in the next answer on every node.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Generic, TypeVar

from sqlalchemy.orm import Session

from registry.audit import projections
from registry.kernel import clock

T = TypeVar("T")


class CachedRead(projections.Projection, Generic[T]):
    """One computed answer, kept while nothing it follows changes and the day stays the same."""

    def __init__(self) -> None:
        super().__init__()
        self._value: tuple[int, date, T] | None = None  # (generation, day, answer)
        self._generation = 0  # bumped by each change it follows
        self._computing = threading.Lock()

    def load_all(self, session: Session) -> None:
        self._generation += 1

    def reload(self, session: Session, changed: dict[str, set[str]]) -> None:
        if changed:
            self._generation += 1

    def answer(self, session: Session, compute: Callable[[Session], T]) -> T:
        """The kept answer, or ``compute(session)`` kept from now on: one computation at a time
        per process, so a crowd asking at once after a change costs one scan, not one each."""
        synced = self.sync(session)
        # Read before computing: a change synced by another request meanwhile makes what is
        # computed here stale at once (kept under the old generation, never answered again).
        generation, today = synced._generation, clock.today()
        kept = synced._value
        if kept is not None and kept[:2] == (generation, today):
            return kept[2]
        with synced._computing:
            kept = synced._value
            if kept is not None and kept[:2] == (generation, today):
                return kept[2]
            value = compute(session)
            synced._value = (generation, today, value)
            return value


def per_database(*entities: str) -> projections.PerDatabase[CachedRead[T]]:
    """A ``CachedRead`` per database following ``entities`` of the audit trail."""

    class Following(CachedRead[T]):
        ENTITIES = entities
        SCRATCH_KEY = f"cached_read:{','.join(entities)}:{id(entities)}"

    return projections.PerDatabase(Following)
