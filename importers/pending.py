"""What is already waiting for review: an import files nothing twice.

A row the registry does not hold yet may still be asked for: by an earlier run of the same
import whose batch is not decided, or by someone's own change request. Filing it again would make
two requests for one unit, act or service; approving both would make two records (or fail the
second batch as a whole). So the importers look here first and report such a row as "already
pending in request N", and a row that needs a parent still pending waits for its approval.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.workflow.models import ChangeRequest, RequestStatus

OPEN = [status for status in RequestStatus if status.is_open]
Key = TypeVar("Key", bound=Hashable)


class OpenRequests:
    """The open change requests of one kind of record, read once per import."""

    def __init__(self, session: Session, entity: str) -> None:
        rows = session.execute(
            select(ChangeRequest.id, ChangeRequest.action, ChangeRequest.target, ChangeRequest.data)
            .where(ChangeRequest.entity == entity, ChangeRequest.status.in_(OPEN))
            .order_by(ChangeRequest.id)
        )
        self._targets: dict[str, int] = {}
        self._creates: list[tuple[int, dict[str, Any]]] = []
        for request_id, action, target, data in rows:
            if action == "create":
                self._creates.append((request_id, data or {}))
            elif target is not None:
                self._targets.setdefault(target, request_id)

    def touching(self, target: str) -> int | None:
        """The first open request that changes the record ``target``."""
        return self._targets.get(target)

    def creating(self, key: Callable[[dict[str, Any]], Key | None]) -> dict[Key, int]:
        """Open creates by ``key`` of their data (None: not comparable), the first of each."""
        found: dict[Key, int] = {}
        for request_id, data in self._creates:
            value = key(data)
            if value is not None:
                found.setdefault(value, request_id)
        return found
