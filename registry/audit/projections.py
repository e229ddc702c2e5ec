"""In-memory projections of the database: one per database in each process, kept current.

The legal graph and the document-name index are projections: built once from the tables, then
brought up to date from the audit trail before each use. Both need the same two things, kept here:

* one instance per database (engine) in the process, created on first use;
* inside a transaction that has written but not committed, a copy loaded once from that
  transaction's view and dropped when it ends, so uncommitted data never reaches the shared one;
* the sync itself (``Projection.sync``): read the audit head (one indexed row) and, if changes
  were applied since, hand the records they name to ``reload``.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, Self, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from registry.audit import trail as audit

T = TypeVar("T")
_SCRATCH_KEYS: set[str] = set()


class Projection:
    """Base of an in-memory projection: subclasses load everything, or reload what changed."""

    ENTITIES: tuple[str, ...] = ()  # the audit-trail entities it follows
    SCRATCH_KEY = ""  # where a transaction's own copy is kept in ``session.info``

    def __init__(self) -> None:
        self._seq: int | None = None
        self._lock = threading.Lock()

    @property
    def synced_seq(self) -> int | None:
        return self._seq

    def load_all(self, session: Session) -> None:
        raise NotImplementedError

    def reload(self, session: Session, changed: dict[str, set[str]]) -> None:
        """Reload the records named (entity → ids) by the audit entries since the last sync."""
        raise NotImplementedError

    def after_first_load(self) -> None:
        """Called once, after the shared projection's first full load."""

    def sync(self, session: Session) -> Self:
        """Bring the projection up to the last committed audit entry; cheap when nothing changed.

        In a transaction that has already written audit entries, answer from what was last
        synced (or, on a first load, from a copy kept until the transaction ends), so a rolled
        back transaction leaves nothing behind.
        """
        if audit.has_pending_entries(session):
            if self._seq is not None:
                return self
            return scratch(session, self.SCRATCH_KEY, lambda: self._fresh(session))
        head = audit.head_seq(session)
        with self._lock:
            if self._seq is None:
                self.load_all(session)
                self.after_first_load()
            elif head > self._seq:
                self.reload(session, audit.changed_since(session, self._seq, head, self.ENTITIES))
            self._seq = max(head, self._seq or 0)
        return self

    def _fresh(self, session: Session) -> Self:
        fresh = type(self)()
        fresh.load_all(session)
        return fresh


class PerDatabase(Generic[T]):
    """One ``T`` per database engine in this process, made by ``factory`` on first use."""

    def __init__(self, factory: Callable[[], T]) -> None:
        self._factory = factory
        self._instances: weakref.WeakKeyDictionary[Engine, T] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()

    def of(self, session: Session) -> T:
        engine = session.get_bind()
        assert isinstance(engine, Engine)
        with self._lock:
            instance = self._instances.get(engine)
            if instance is None:
                instance = self._instances[engine] = self._factory()
            return instance


def scratch(session: Session, key: str, load: Callable[[], T]) -> T:
    """``load()``, once per transaction of ``session``; dropped at commit or rollback."""
    _SCRATCH_KEYS.add(key)
    found = session.info.get(key)
    if found is None:
        found = session.info[key] = load()
    return found


@event.listens_for(Session, "after_commit")
@event.listens_for(Session, "after_rollback")
def _drop_scratch(session: Session) -> None:
    for key in _SCRATCH_KEYS:
        session.info.pop(key, None)
