"""Changing the organization tree: every change is a new dated version, never an overwrite.

Callers pass fields already shaped by ``schemas.organizations.UnitInputSchema`` (internal names:
``province_code``, ``address`` …, ``parent`` as a DETSİS number). These functions check what a
schema cannot see (the parent exists on that date, a move makes no cycle, the history stays
linear) and flush; committing is the caller's job.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import NO_PROVENANCE, Provenance
from registry.kernel import text, turkish
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.organizations import detsis
from registry.organizations.models import (
    CONTENT_FIELDS,
    Event,
    Organization,
    OrganizationLink,
    OrganizationVersion,
    Status,
)
from registry.organizations.tree import (
    MAX_DEPTH,
    current_version,
    number_of,
    organization_id,
    versions_at,
)

VERSIONED_FIELDS = CONTENT_FIELDS


def create_unit(
    session: Session,
    data: dict[str, Any],
    *,
    valid_from: date,
    detsis_no: str | None = None,
    provenance: Provenance = NO_PROVENANCE,
    reason: str | None = None,
    predecessors: Sequence[str] = (),
) -> Organization:
    """Register a new unit; assigns a fresh random DETSİS number unless an existing one is given."""
    parent_id = _parent_at(session, data.get("parent"), valid_from)
    refuse_same_name(session, data["name"], parent_id, valid_from)
    number = detsis.claim(session, detsis_no) if detsis_no else detsis.assign_random(session)
    organization = Organization(detsis_no=number)
    session.add(organization)
    session.flush()
    fields = {name: data.get(name) for name in VERSIONED_FIELDS}
    fields["kep_addresses"] = list(fields["kep_addresses"] or [])
    if fields["corresponds_externally"] is None:
        fields["corresponds_externally"] = True
    version = OrganizationVersion(
        organization_id=organization.id,
        version=1,
        valid_from=valid_from,
        valid_to=None,
        event=Event.CREATED,
        reason=reason,
        parent_id=parent_id,
        status=Status.ACTIVE,
        recorded_by=provenance.recorded_by,
        **fields,
    )
    _index_names(version)
    session.add(version)
    event = Event.SPLIT if len(predecessors) == 1 else Event.MERGED
    for predecessor in predecessors:
        _link(session, organization_id(session, predecessor), organization.id, event, valid_from)
    session.flush()
    after = version_record(session, version) | {"predecessors": list(predecessors)}
    _audit(session, number, "create", None, after, provenance)
    return organization


def update_unit(
    session: Session,
    detsis_no: str,
    changes: dict[str, Any],
    *,
    valid_from: date,
    provenance: Provenance = NO_PROVENANCE,
    reason: str | None = None,
    expected_version: int | None = None,
) -> OrganizationVersion:
    """Rename, re-contact or move a unit from ``valid_from`` on. Only changed fields count."""
    org_id, latest = _latest_for_change(session, detsis_no, valid_from, expected_version)
    if latest.status == Status.CLOSED:
        raise Conflict("Kapatılmış birim değiştirilemez; önce yeniden açın / the unit is closed.")
    new_parent = latest.parent_id
    if "parent" in changes:
        new_parent = _parent_at(session, changes["parent"], valid_from)
        if new_parent != latest.parent_id and new_parent is not None:
            _refuse_cycle(session, org_id, new_parent, valid_from)
    updates = {k: v for k, v in changes.items() if k in VERSIONED_FIELDS}
    if "kep_addresses" in updates:
        updates["kep_addresses"] = list(updates["kep_addresses"] or [])
    changed = {k for k, v in updates.items() if getattr(latest, k) != v}
    moved = new_parent != latest.parent_id
    if not changed and not moved:
        raise InvalidInput(
            "Değişiklik yok / the request changes nothing.",
            errors={"data": ["no field differs from the current record"]},
        )
    if moved or text.name_key(updates.get("name", latest.name)) != text.name_key(latest.name):
        refuse_same_name(
            session, updates.get("name", latest.name), new_parent, valid_from, exclude=org_id
        )
    event = Event.MOVED if moved else Event.RENAMED if "name" in changed else Event.UPDATED
    return _new_version(
        session, latest, valid_from, event, reason, provenance, parent_id=new_parent, **updates
    )


def close_unit(
    session: Session,
    detsis_no: str,
    *,
    valid_from: date,
    reason: str,
    successors: Sequence[str] = (),
    provenance: Provenance = NO_PROVENANCE,
    expected_version: int | None = None,
) -> OrganizationVersion:
    """Close a unit (its number stays reserved forever). Successors make it a merge or a split."""
    if not reason or not reason.strip():
        raise InvalidInput(
            "Kapatma gerekçesi zorunludur / a reason is required to close a unit.",
            errors={"reason": ["required"]},
        )
    org_id, latest = _latest_for_change(session, detsis_no, valid_from, expected_version)
    if latest.status == Status.CLOSED:
        raise Conflict("Birim zaten kapalı / the unit is already closed.")
    open_children = session.scalar(
        select(func.count())
        .select_from(OrganizationVersion)
        .where(
            OrganizationVersion.parent_id == org_id,
            OrganizationVersion.valid_to.is_(None),
            OrganizationVersion.status == Status.ACTIVE,
        )
    )
    if open_children:
        raise Conflict(
            f"Birimin {open_children} açık alt birimi var; önce taşıyın veya kapatın / "
            "the unit still has open sub-units: move or close them first.",
            errors={"target": ["has open sub-units"]},
        )
    successor_ids = [organization_id(session, number) for number in successors]
    if org_id in successor_ids:
        raise InvalidInput(
            "Bir birim kendisinin halefi olamaz / a unit cannot succeed itself.",
            errors={"successors": ["contains the unit itself"]},
        )
    live = versions_at(session, successor_ids, valid_from)
    for number, succ_id in zip(successors, successor_ids, strict=True):
        if succ_id not in live or live[succ_id][1].status != Status.ACTIVE:
            raise InvalidInput(
                f"Halef birim {number} o tarihte açık değil / successor not open.",
                errors={"successors": [f"{number} is not an open unit then"]},
            )
    event = (
        Event.SPLIT if len(successor_ids) > 1 else Event.MERGED if successor_ids else Event.CLOSED
    )
    for succ_id in successor_ids:
        _link(session, org_id, succ_id, event, valid_from)
    return _new_version(
        session,
        latest,
        valid_from,
        event,
        reason,
        provenance,
        {"successors": list(successors)},
        status=Status.CLOSED,
    )


def reopen_unit(
    session: Session,
    detsis_no: str,
    *,
    valid_from: date,
    reason: str | None = None,
    provenance: Provenance = NO_PROVENANCE,
) -> OrganizationVersion:
    _, latest = _latest_for_change(session, detsis_no, valid_from, None)
    if latest.status != Status.CLOSED:
        raise Conflict("Birim açık / the unit is not closed.")
    if latest.parent_id is not None:
        _parent_at(session, number_of(session, latest.parent_id), valid_from)
    refuse_same_name(
        session, latest.name, latest.parent_id, valid_from, exclude=latest.organization_id
    )
    return _new_version(
        session, latest, valid_from, Event.REOPENED, reason, provenance, status=Status.ACTIVE
    )


def refuse_same_name(
    session: Session,
    name: str,
    parent_id: int | None,
    since: date,
    *,
    exclude: int | None = None,
    open_ended_only: bool = False,
) -> None:
    """No two open units with the same name (``text.name_key``) under one parent on any day:
    a reader could not tell them apart. Checked against every version valid from ``since`` on,
    scheduled ones too (409, naming the unit already there)."""
    key = text.name_key(name)
    for number, version in _sibling_versions(
        session, parent_id, since, exclude=exclude, open_ended_only=open_ended_only
    ):
        if text.name_key(version.name) == key:
            raise Conflict(
                f"Aynı üst birimde '{version.name}' adlı bir birim var ({number}) / a unit of "
                f"that name already stands under the same parent ({number}).",
                errors={"data.name": [f"same name as unit {number}"]},
                extra={
                    "existing": {
                        "detsis_no": number,
                        "name": version.name,
                        "valid_from": version.valid_from.isoformat(),
                        "valid_to": version.valid_to.isoformat() if version.valid_to else None,
                    }
                },
            )


def _sibling_versions(
    session: Session,
    parent_id: int | None,
    since: date,
    *,
    exclude: int | None = None,
    open_ended_only: bool = False,
) -> list[tuple[str, OrganizationVersion]]:
    """``(detsis_no, version)`` of the open units under ``parent_id`` (None: the top level) on
    any day from ``since`` on, scheduled versions included: the names a new version valid from
    ``since`` would stand beside. ``open_ended_only`` keeps the versions with no end, the ones
    that overlap whatever day a change takes effect."""
    under = (
        OrganizationVersion.parent_id.is_(None)
        if parent_id is None
        else OrganizationVersion.parent_id == parent_id
    )
    ends = (
        OrganizationVersion.valid_to.is_(None)
        if open_ended_only
        else or_(
            OrganizationVersion.valid_to.is_(None),
            # ended after ``since``, and not a version replaced on its own first day
            (OrganizationVersion.valid_to > since)
            & (OrganizationVersion.valid_to > OrganizationVersion.valid_from),
        )
    )
    rows = session.execute(
        select(OrganizationVersion, Organization.detsis_no)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(
            under,
            ends,
            OrganizationVersion.status == Status.ACTIVE,
            OrganizationVersion.organization_id != (exclude or 0),
        )
    )
    return [(number, version) for version, number in rows]


def changes_latest(session: Session, detsis_no: str, changes: dict[str, Any]) -> bool:
    """Whether ``changes`` (loaded by the unit schemas) alter the unit's latest version, the one
    an approved change follows (scheduled versions included): a request that alters nothing is
    refused on submission, not first on approval."""
    org_id = organization_id(session, detsis_no)
    latest = session.scalars(
        select(OrganizationVersion)
        .where(OrganizationVersion.organization_id == org_id)
        .order_by(OrganizationVersion.version.desc())
        .limit(1)
    ).one()
    if "parent" in changes:
        parent = changes["parent"]
        if (organization_id(session, parent) if parent else None) != latest.parent_id:
            return True
    return any(
        getattr(latest, name) != (list(value or []) if name == "kep_addresses" else value)
        for name, value in changes.items()
        if name in VERSIONED_FIELDS
    )


def _latest_for_change(
    session: Session, detsis_no: str, valid_from: date, expected_version: int | None
) -> tuple[int, OrganizationVersion]:
    org_id = organization_id(session, detsis_no)
    latest = session.scalars(
        select(OrganizationVersion)
        .where(OrganizationVersion.organization_id == org_id)
        .order_by(OrganizationVersion.version.desc())
        .limit(1)
        .with_for_update()
    ).one()
    if expected_version is not None and latest.version != expected_version:
        raise Conflict(
            f"Kayıt {expected_version}. sürümden bu yana değişti (şimdi {latest.version}) / "
            "the record changed since the version this change is based on.",
            extra={"current_version": latest.version},
        )
    if valid_from < latest.valid_from:
        raise Conflict(
            f"Birimin {latest.valid_from.isoformat()} tarihli daha yeni bir sürümü var; değişiklik "
            "ondan önceye yazılamaz / a later version exists; a change cannot go before it.",
            errors={"effective_from": [f"must be on or after {latest.valid_from.isoformat()}"]},
        )
    return org_id, latest


def _new_version(
    session: Session,
    latest: OrganizationVersion,
    valid_from: date,
    event: Event,
    reason: str | None,
    provenance: Provenance,
    audit_extra: dict[str, Any] | None = None,
    **changes: Any,
) -> OrganizationVersion:
    before = version_record(session, latest)
    latest.valid_to = valid_from
    values = {name: getattr(latest, name) for name in (*VERSIONED_FIELDS, "parent_id", "status")}
    values.update(changes)
    version = OrganizationVersion(
        organization_id=latest.organization_id,
        version=latest.version + 1,
        valid_from=valid_from,
        valid_to=None,
        event=event.value,
        reason=reason,
        recorded_by=provenance.recorded_by,
        **values,
    )
    _index_names(version)
    session.add(version)
    session.flush()
    after = version_record(session, version) | (audit_extra or {})
    _audit(session, before["detsis_no"], event.value, before, after, provenance)
    return version


def version_record(session: Session, version: OrganizationVersion) -> dict[str, Any]:
    """Everything a version holds, by DETSİS numbers: what the audit trail and change feed carry."""
    numbers = dict(
        session.execute(
            select(Organization.id, Organization.detsis_no).where(
                Organization.id.in_({version.organization_id, version.parent_id or 0})
            )
        ).all()
    )
    record = {name: getattr(version, name) for name in VERSIONED_FIELDS}
    record.update(
        detsis_no=numbers[version.organization_id],
        parent=numbers.get(version.parent_id) if version.parent_id else None,
        version=version.version,
        valid_from=version.valid_from.isoformat(),
        valid_to=version.valid_to.isoformat() if version.valid_to else None,
        event=version.event,
        reason=version.reason,
        status=version.status,
    )
    return record


def _audit(
    session: Session,
    number: str,
    action: str,
    before: dict[str, Any] | None,
    after: dict[str, Any],
    provenance: Provenance,
) -> None:
    audit.record_change(session, "organization", number, action, before, after, provenance)


def _index_names(version: OrganizationVersion) -> None:
    version.search_text = turkish.fold(" ".join(filter(None, (version.name, version.short_name))))
    version.sort_key = turkish.sort_key(version.name)[:600]


def _parent_at(session: Session, parent: str | None, at: date) -> int | None:
    if parent is None:
        return None
    try:
        parent_id, version = current_version(session, parent, at)
    except InvalidInput as error:
        raise InvalidInput(error.detail, errors={"parent": ["malformed DETSİS number"]}) from error
    except NotFound as error:
        raise InvalidInput(
            f"Üst birim {parent} o tarihte kayıtlı değil / parent unit not found on that date.",
            errors={"parent": [f"no unit {parent} on {at.isoformat()}"]},
        ) from error
    if version.status != Status.ACTIVE:
        raise InvalidInput(
            f"Üst birim {parent} kapalı / the parent unit is closed.",
            errors={"parent": ["closed unit"]},
        )
    return parent_id


def _refuse_cycle(session: Session, org_id: int, new_parent_id: int, at: date) -> None:
    """A unit cannot move under itself or under one of its own descendants."""
    cursor: int | None = new_parent_id
    for _ in range(MAX_DEPTH * 2):
        if cursor is None:
            return
        if cursor == org_id:
            raise InvalidInput(
                "Birim kendi altına taşınamaz / a unit cannot move under itself "
                "or one of its sub-units.",
                errors={"parent": ["would make a cycle"]},
            )
        found = versions_at(session, [cursor], at).get(cursor)
        cursor = found[1].parent_id if found else None


def _link(session: Session, predecessor_id: int, successor_id: int, event: Event, on: date) -> None:
    exists = session.scalar(
        select(OrganizationLink.id).where(
            OrganizationLink.predecessor_id == predecessor_id,
            OrganizationLink.successor_id == successor_id,
        )
    )
    if exists is None:
        session.add(
            OrganizationLink(
                predecessor_id=predecessor_id,
                successor_id=successor_id,
                event=event.value,
                effective_on=on,
            )
        )
