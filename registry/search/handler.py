"""Change requests for the search synonym groups: one person proposes, another approves.

The groups change what every search finds, so they are published data like any record: the
working group's (no unit's), proposed by a reviewer and approved by another. The one record is
the whole set (``target`` ``all``), replaced by an ``update``.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry.kernel.errors import InvalidInput, NotFound
from registry.search import service
from registry.workflow.handling import Change, Proposal, RecordHandler
from schemas.search import SynonymsSchema

TARGET = "all"


def _the_one_record(_session: Session, proposal: Proposal) -> None:
    if proposal.target != TARGET:
        raise InvalidInput(
            "Eş anlamlı grupları tek kayıttır; hedef 'all' olmalı / the synonym groups are one "
            "record: the target is 'all'.",
            errors={"target": [f"must be {TARGET!r}"]},
        )


def _scopes(
    _session: Session, _action: str, _target: str | None, _data: dict[str, Any]
) -> list[int | None]:
    """No unit's: the working group's (coordinators do not propose them)."""
    return [None]


def _live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    if target != TARGET:
        raise NotFound(f"{target!r} diye bir eş anlamlı kaydı yok / no such synonyms record.")
    return service.synonyms_version(session), {"groups": service.synonym_groups(session)}


def _replace(session: Session, change: Change) -> str:
    service.save_synonyms(session, change.data["groups"], change.provenance)
    return TARGET


SYNONYMS = RecordHandler(
    entity=service.SYNONYMS,
    schemas={"update": SynonymsSchema},
    checks=(_the_one_record,),
    scopes=_scopes,
    live=_live,
    appliers={"update": _replace},
)
