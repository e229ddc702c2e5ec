"""Entity handlers: what the workflow needs to know about each kind of record.

The workflow service is generic; each entity (organization, legislation, service…) plugs in a
handler that validates a request's data, says which organization's subtree it touches, reports
the live record for diffs and optimistic locking, and applies an approved request.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

import marshmallow as ma
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.kernel.errors import InvalidInput
from registry.organizations import tree


@dataclass(frozen=True)
class Applied:
    entity: str
    id: str


class EntityHandler(Protocol):
    entity: str
    actions: frozenset[str]
    two_step: bool  # institution approval before the reviewer's (services)

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
    ) -> None:
        """Refuse (InvalidInput) data that could never be applied; nothing is written."""

    def scopes(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        """Organization ids whose subtrees the request touches (None: outside every subtree)."""

    def live(self, session: Session, target: str) -> tuple[int, dict[str, Any]]:
        """The record's current version number and representation."""

    def apply(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        effective_from: date,
        provenance: Provenance,
    ) -> Applied:
        """Make the change; raises InvalidInput if the data no longer fits the registry."""


def named_unit(session: Session, data: dict[str, Any], field: str) -> int | None:
    """The unit a request's data names in ``field`` (None when it names none), for scope checks.

    A unit closed since still counts: the request is scoped to where it was.
    """
    number = data.get(field)
    return tree.unit_id_for(session, number, f"data.{field}", open_only=False) if number else None


def load_data(schema: type[ma.Schema], data: dict[str, Any]) -> dict[str, Any]:
    """Load a request's data with the entity's schema; errors name the ``data.`` fields."""
    try:
        loaded: dict[str, Any] = schema().load(data)
    except ma.ValidationError as error:
        messages = error.messages if isinstance(error.messages, dict) else {"_": error.messages}
        raise InvalidInput(
            "Kayıt verisi geçersiz / the record data is invalid.",
            errors={
                f"data.{k}": v if isinstance(v, list) else [str(v)] for k, v in messages.items()
            },
        ) from error
    return loaded


def require_change(action: str, loaded: dict[str, Any]) -> None:
    """An update must name at least one field."""
    if action == "update" and not loaded:
        raise InvalidInput(
            "Değişiklik yok / the request changes nothing.",
            errors={"data": ["name at least one field to change"]},
        )


def require_reason(action: str, reason: str | None) -> None:
    """Closing a record needs a reason: it is kept in the history."""
    if action == "close" and not (reason and reason.strip()):
        raise InvalidInput(
            "Kapatma gerekçesi zorunludur / closing needs a reason.",
            errors={"reason": ["required to close a record"]},
        )
