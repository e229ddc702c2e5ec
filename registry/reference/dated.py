"""Dated records: every version of a reference record kept over ``[valid_from, valid_to)``.

EBYS systems file and address letters by codes they copy from the registry, and an old letter
must still be readable against the codes of its day, so nothing here is overwritten: a change
ends the record's current version on the day it takes effect and adds the next one (the way
``organizations`` keeps units). ``?at=`` reads the version in force on a date, the audit trail
(and so the change feed and the history) gets one entry per change, and a closed record keeps
its versions. Each kind of record is a ``Kind`` (its model, the fields a change may set, its
representation); ``dated_handler`` declares it to the workflow.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Generic, TypeVar

import marshmallow as ma
from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.organizations import tree
from registry.reference.models import Dated
from registry.workflow.handling import (
    Change,
    Check,
    Proposal,
    RecordHandler,
    Scopes,
    active_target,
    changes_something,
    reason_to_close,
)

R = TypeVar("R", bound=Dated)


@dataclass(frozen=True)
class Kind(Generic[R]):
    """One kind of dated record: what the engine needs to version it."""

    entity: str  # the change-request entity and the audit trail's name
    model: type[R]
    fields: tuple[str, ...]  # the columns a version carries over to the next
    view: Callable[[Session, R], dict[str, Any]]  # the representation (API, audit, feed)
    label: str  # "dosya planı kodu / file plan code": for messages
    derive: Callable[[R], None] | None = None  # sets the columns computed from the others


def in_force(model: type[Dated], on: date) -> Any:
    """SQL condition: the version answers for ``on`` (a zero-length version never does)."""
    return (model.valid_from <= on) & or_(model.valid_to.is_(None), model.valid_to > on)


def rows_on(kind: Kind[R], on: date) -> Select[R]:
    """The versions in force on ``on``, to be narrowed by the caller."""
    return select(kind.model).where(in_force(kind.model, on))


def latest(session: Session, kind: Kind[R], key: str) -> R | None:
    """The record's last version (open-ended, or the one a future change will end)."""
    model = kind.model
    return session.scalars(
        select(model).where(model.key == key).order_by(model.version.desc()).limit(1)
    ).first()


def require(session: Session, kind: Kind[R], key: str) -> R:
    """The last version; 404 when the record never existed."""
    found = latest(session, kind, key)
    if found is None:
        raise NotFound(f"Kayıt yok: {kind.label} {key} / no such record.")
    return found


def as_of(session: Session, kind: Kind[R], key: str, on: date | None = None) -> R:
    """The version in force on ``on`` (today by default); 404 when there was none."""
    model = kind.model
    found = session.scalars(
        rows_on(kind, on or today()).where(model.key == key).order_by(model.version.desc())
    ).first()
    if found is None:
        require(session, kind, key)
        raise NotFound(
            f"{kind.label} {key}: {(on or today()).strftime('%d.%m.%Y')} tarihinde kayıtlı "
            "değildi / the record did not exist on that date."
        )
    return found


def write(
    session: Session,
    kind: Kind[R],
    key: str | None,
    values: Mapping[str, Any],
    *,
    action: str,
    effective_from: date | None = None,
    provenance: Provenance = NO_PROVENANCE,
) -> R:
    """Add the record's next version (``create``, ``update`` or ``close``) from
    ``effective_from`` on, ending the current one that day; one audit entry. ``key`` None on a
    create: the record is numbered by its first row's id."""
    start = effective_from or today()
    previous = latest(session, kind, key) if key is not None else None
    if action == "create":
        if previous is not None and previous.status == RecordStatus.ACTIVE:
            raise Conflict(f"Kayıt zaten var: {kind.label} {key} / the record already exists.")
    elif previous is None:
        raise NotFound(f"Kayıt yok: {kind.label} {key} / no such record.")
    elif previous.status != RecordStatus.ACTIVE:
        raise Conflict(f"Kayıt kapatılmış: {kind.label} {key} / the record is closed.")
    if previous is not None and start < previous.valid_from:
        raise InvalidInput(
            f"Değişiklik {previous.valid_from.strftime('%d.%m.%Y')} tarihli son sürümden önce "
            "başlayamaz / a change cannot take effect before the record's last version.",
            errors={"effective_from": [f"on or after {previous.valid_from.isoformat()}"]},
        )
    row = kind.model()
    row.key = key or f"~{uuid.uuid4().hex[:30]}"
    row.version = previous.version + 1 if previous is not None else 1
    row.valid_from, row.valid_to = start, None
    row.status = RecordStatus.CLOSED if action == "close" else RecordStatus.ACTIVE
    for name in kind.fields:
        setattr(row, name, getattr(previous, name) if previous is not None else None)
    for name, value in values.items():
        setattr(row, name, value)
    if kind.derive is not None:
        kind.derive(row)
    before = kind.view(session, previous) if previous is not None else None
    if previous is not None:
        previous.valid_to = start
    session.add(row)
    session.flush()
    if key is None:
        row.key = str(row.id)
        session.flush()
    audit.record_change(
        session, kind.entity, row.key, action, before, kind.view(session, row), provenance
    )
    return row


def versions(session: Session, kind: Kind[R], key: str) -> list[R]:
    model = kind.model
    return list(session.scalars(select(model).where(model.key == key).order_by(model.version)))


# -- the workflow's declaration --

Values = Callable[[Session, dict[str, Any]], dict[str, Any]]  # request data → column values


def dated_handler(
    kind: Kind[R],
    *,
    schemas: tuple[type[ma.Schema], type[ma.Schema]],  # create, update
    key_for: Callable[[Session, dict[str, Any]], str | None],  # a create's key (None: numbered)
    values: Values,
    scopes: Scopes,
    checks: Sequence[Check] = (),
) -> RecordHandler:
    """A dated record kind as the workflow sees it: created, updated, closed (with a reason),
    each applied as a new version from the request's effective date."""

    def get(session: Session, target: str) -> R:
        return require(session, kind, target)

    def live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
        found = get(session, target)
        return found.version, kind.view(session, found)

    def created(session: Session, change: Change) -> str:
        key = key_for(session, change.data)
        return _write(session, key, change, "create")

    def updated(session: Session, change: Change) -> str:
        return _write(session, change.target, change, "update")

    def closed(session: Session, change: Change) -> str:
        return _write(session, change.target, change, "close")

    def _write(session: Session, key: str | None, change: Change, action: str) -> str:
        data = values(session, change.data) if action != "close" else {}
        row = write(
            session,
            kind,
            key,
            data,
            action=action,
            effective_from=change.effective_from,
            provenance=change.provenance,
        )
        return row.key

    def not_yet_there(session: Session, proposal: Proposal) -> None:
        if proposal.action != "create":
            return
        key = key_for(session, proposal.data)
        found = latest(session, kind, key) if key is not None else None
        if found is not None and found.status == RecordStatus.ACTIVE:
            raise Conflict(f"Kayıt zaten var: {kind.label} {key} / the record already exists.")

    return RecordHandler(
        entity=kind.entity,
        schemas={"create": schemas[0], "update": schemas[1], "close": ma.Schema},
        checks=(
            changes_something,
            reason_to_close(kind.label),
            active_target(get, "Kayıt kapatılmış / the record is closed.", {"target": ["closed"]}),
            *checks,
            not_yet_there,  # after the checks: malformed data is a 422 before a 409
        ),
        scopes=scopes,
        live=live,
        appliers={"create": created, "update": updated, "close": closed},
    )


def merged(session: Session, kind: Kind[R], proposal: Proposal, data: dict[str, Any]) -> dict:
    """The record's fields after the proposal (its column values ``data`` over the current
    version's): what a check of a combination of fields reads on an update."""
    current: dict[str, Any] = {}
    if proposal.target is not None:
        found = require(session, kind, proposal.target)
        current = {name: getattr(found, name) for name in kind.fields}
    return {**current, **data}


def everywhere(
    _session: Session, _action: str, _target: str | None, _data: dict[str, Any]
) -> list[int | None]:
    """National records (common codes, places, code tables): outside every institution's
    subtree, so only the central working group files and approves them."""
    return [None]


def owned_scopes(kind: Kind[Any], owner_field: str = "organization") -> Scopes:
    """A unit's record is in that unit's subtree: the owner of the target, and the unit the
    data names (a coordinator acts only inside their institution)."""

    def scopes(
        session: Session, _action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        found: list[int | None] = []
        if target is not None:
            found.append(require(session, kind, target).organization_id)
        owner = data.get(owner_field)
        if isinstance(owner, str):
            found.append(tree.unit_id_for(session, owner, f"data.{owner_field}", open_only=False))
        return found

    return scopes


def open_owner(kind: Kind[Any], owner_field: str = "organization") -> Check:
    """A unit's record is written only while the unit is open: a closed unit is a 422."""

    def check(session: Session, proposal: Proposal) -> None:
        owner = proposal.data.get(owner_field)
        if isinstance(owner, str):
            tree.unit_id_for(session, owner, f"data.{owner_field}")
        if proposal.target is not None:
            org_id = require(session, kind, proposal.target).organization_id
            found = tree.versions_at(session, [org_id], today()).get(org_id)
            if found is None or found[1].status != "active":
                raise InvalidInput(
                    "Birim kapatılmış; kaydı değiştirilemez / the unit is closed.",
                    errors={"target": ["closed unit"]},
                )

    return check
