"""Change requests for organization units: create, update, close, move."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from sqlalchemy.orm import Session

from registry.kernel import text
from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations import changes, tree
from registry.organizations.models import Status
from registry.workflow.handling import (
    Change,
    Proposal,
    RecordHandler,
    changes_something,
    reason_to_close,
)
from schemas.common import DETSIS_PATTERN
from schemas.organizations import UnitInputSchema, UnitUpdateSchema


class MoveSchema(ma.Schema):
    parent = ma.fields.String(required=True, validate=ma.validate.Regexp(DETSIS_PATTERN))


class CloseSchema(ma.Schema):
    successors = ma.fields.List(
        ma.fields.String(validate=ma.validate.Regexp(DETSIS_PATTERN)), load_default=list
    )


def _parent_only_by_move(_session: Session, proposal: Proposal) -> None:
    if proposal.action == "update" and "parent" in proposal.data:
        raise InvalidInput(
            "Üst birim değişikliği 'move' ile istenir / use action 'move'.",
            errors={"data.parent": ["a new parent is a 'move' request"]},
        )


def _target_exists(session: Session, proposal: Proposal) -> None:
    if proposal.target is not None:
        tree.current_version(session, proposal.target, today())


def _named_units_exist(session: Session, proposal: Proposal) -> None:
    """The parent of a create or move, and a closed unit's successors."""
    if proposal.action in ("create", "move") and proposal.data.get("parent"):
        _must_exist(session, proposal.data["parent"], "data.parent")
    for number in proposal.data.get("successors", []) if proposal.action == "close" else []:
        _must_exist(session, number, "data.successors")


def _unique_name(session: Session, proposal: Proposal) -> None:
    """A create, rename or move may not put a second unit of one name under a parent. Checks are
    not told the day a request takes effect, so here only siblings with no end date count (they
    clash whatever the day); the approval checks again against the tree from that day on."""
    name = proposal.data.get("name")
    exclude: int | None = None
    if proposal.action == "create":
        parent = proposal.data.get("parent")
        parent_id = tree.organization_id(session, parent) if parent else None
    elif proposal.action in ("update", "move") and proposal.target is not None:
        exclude, current = tree.current_version(session, proposal.target, today())
        if proposal.action == "move":
            parent = proposal.data.get("parent")
            parent_id = tree.organization_id(session, parent) if parent else None
            name = current.name
        elif name is None or text.name_key(name) == text.name_key(current.name):
            return
        else:
            parent_id = current.parent_id
    else:
        return
    if name:
        changes.refuse_same_name(
            session, name, parent_id, today(), exclude=exclude, open_ended_only=True
        )


def _changes_something(session: Session, proposal: Proposal) -> None:
    """An update or move that leaves the unit's latest version as it is changes nothing."""
    if proposal.action in ("update", "move") and proposal.target is not None:
        if not changes.changes_latest(session, proposal.target, proposal.data):
            raise InvalidInput(
                "Değişiklik yok: önerilen her değer birimde zaten aynı / the request changes "
                "nothing: every proposed value is already the unit's.",
                errors={"data": ["no field differs from the unit's latest version"]},
            )


def _in_force_on_the_day(session: Session, proposal: Proposal) -> None:
    """A unit's successors must be open on the day it closes, like the unit itself."""
    if proposal.action != "close" or proposal.requested_from is None:
        return
    day = proposal.requested_from
    for number in proposal.data.get("successors", []):
        org_id = tree.organization_id(session, number)
        found = tree.versions_at(session, [org_id], day).get(org_id)
        if found is None or found[1].status != Status.ACTIVE:
            raise InvalidInput(
                f"{number} numaralı birim {day.strftime('%d.%m.%Y')} tarihinde açık değil / "
                "the successor is not open on that day.",
                errors={"data.successors": [f"{number} not open on {day.isoformat()}"]},
            )


def _touched(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """A closed unit's successors take over its work: their institutions agree too."""
    if action != "close":
        return []
    return [tree.organization_id(session, number) for number in data.get("successors") or []]


def _must_exist(session: Session, number: str, field: str) -> None:
    try:
        tree.organization_id(session, number)
    except (NotFound, InvalidInput) as error:
        raise InvalidInput(
            f"{number} numaralı birim yok / no such unit.", errors={field: [f"no unit {number}"]}
        ) from error


def _scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The unit itself; the parent of a create; the new parent of a move too."""
    parent = data.get("parent")
    if action == "create":
        return [tree.organization_id(session, parent) if parent else None]
    assert target is not None
    scopes: list[int | None] = [tree.organization_id(session, target)]
    if action == "move":
        scopes.append(tree.organization_id(session, parent) if parent else None)
    return scopes


def _live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    _, version = tree.current_version(session, target, today())
    return version.version, changes.version_record(session, version)


def _create(session: Session, change: Change) -> str:
    organization = changes.create_unit(
        session,
        change.data,
        valid_from=change.effective_from,
        reason=change.reason,
        provenance=change.provenance,
    )
    return organization.detsis_no


def _update(session: Session, change: Change) -> str:
    """An update, or a move (an update of the parent)."""
    assert change.target is not None
    changes.update_unit(
        session,
        change.target,
        change.data,
        valid_from=change.effective_from,
        reason=change.reason,
        provenance=change.provenance,
    )
    return change.target


def _close(session: Session, change: Change) -> str:
    assert change.target is not None
    changes.close_unit(
        session,
        change.target,
        valid_from=change.effective_from,
        reason=change.reason or "",
        successors=change.data["successors"],
        provenance=change.provenance,
    )
    return change.target


HANDLER = RecordHandler(
    entity="organization",
    schemas={
        "create": UnitInputSchema,
        "update": UnitUpdateSchema,
        "move": MoveSchema,
        "close": CloseSchema,
    },
    checks=(
        _parent_only_by_move,
        changes_something,
        reason_to_close("a unit"),
        _target_exists,
        _named_units_exist,
        _changes_something,
        _in_force_on_the_day,
        _unique_name,
    ),
    scopes=_scopes,
    touches=_touched,
    unchanged_by_live=False,  # changes follow the latest version: _changes_something compares
    live=_live,
    appliers={"create": _create, "update": _update, "move": _update, "close": _close},
)
