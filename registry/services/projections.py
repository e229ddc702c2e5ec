"""In-memory projections of the database: one per database in each process, kept current.

The legal graph and the document-name index are projections: built once from the tables, then
brought up to date from the audit trail before each use. Both need the same two things, kept here:

* one instance per database (engine) in the process, created on first use;
* inside a transaction that has written but not committed, a copy loaded once from that
  transaction's view and dropped when it ends, so uncommitted data never reaches the shared one.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from typing import Generic, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

T = TypeVar("T")
_SCRATCH_KEYS: set[str] = set()


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
