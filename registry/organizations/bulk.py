"""Creating and changing many units at once (imports of whole trees), with the guarantees of
one-by-one.

``changes.create_unit`` does one unit in about ten statements; an institution's tree of 200,000
units would take most of an hour that way. Here the same rows are written in a few statements per
thousand units: numbers claimed (a given number never reused, a fresh one drawn at random),
identities, first versions and audit entries, all in the caller's transaction. Every unit is
validated beforehand exactly as a change request is (``UnitInputSchema``). ``change_units`` does
the same for dated renames and closures (merges) of many units, as ``changes.update_unit`` and
``changes.close_unit`` do them one by one: the version in force ends, a new one starts, and the
audit entry carries both.

Both refuse what the one-by-one path refuses, for the whole call at once: a parent not open on
its child's first day, two open units of one name under one parent on any day (``text.name_key``,
against the call and every version in the registry, scheduled ones included).

Why this module is long: each check of the one-by-one path (numbers, parents, names, successors,
closures) is redone here as a few set-based queries for a thousand rows, next to the writes it
guards; split apart, a reader could not see that a bulk write is checked like a single one.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, bindparam, insert, or_, select, update
from sqlalchemy.orm import Session

from registry.audit import ledger
from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.kernel import text
from registry.kernel.errors import Conflict, InvalidInput
from registry.kernel.folding import Folding
from registry.organizations import tree
from registry.organizations.detsis import HIGHEST, LOWEST, is_valid
from registry.organizations.models import (
    CONTENT_FIELDS,
    DetsisNumber,
    Event,
    Organization,
    OrganizationLink,
    OrganizationVersion,
    Status,
)

CHUNK = 1000


@dataclass(frozen=True)
class NewUnit:
    """A validated unit (``UnitInputSchema`` output, flat) and where it goes."""

    data: dict[str, Any]
    valid_from: date
    detsis_no: str | None = None  # keep this number (an existing unit being registered)
    parent_index: int | None = None  # the parent is an earlier item of the same call


def create_units(
    session: Session, units: Sequence[NewUnit], provenance: Provenance, reason: str | None = None
) -> list[str]:
    """Create the units in order; returns their DETSİS numbers. Nothing is committed here."""
    registered = _registered_parents(session, units)
    _refuse_same_names(session, units, registered)
    numbers = _claim_numbers(session, units)
    ids = _insert_identities(session, numbers)
    folding = Folding()
    parents = [
        ids[unit.parent_index]
        if unit.parent_index is not None
        else registered[unit.data["parent"]]
        if unit.data.get("parent")
        else None
        for unit in units
    ]
    versions = []
    records = []
    for index, unit in enumerate(units):
        fields = {name: unit.data.get(name) for name in CONTENT_FIELDS}
        fields["kep_addresses"] = list(fields["kep_addresses"] or [])
        if fields["corresponds_externally"] is None:
            fields["corresponds_externally"] = True
        versions.append(
            {
                **fields,
                "organization_id": ids[index],
                "version": 1,
                "valid_from": unit.valid_from,
                "valid_to": None,
                "event": Event.CREATED,
                "reason": reason,
                "parent_id": parents[index],
                "status": Status.ACTIVE,
                "recorded_by": provenance.recorded_by,
                "search_text": folding.fold(fields["name"], fields["short_name"]),
                "sort_key": folding.sort_key(str(fields["name"])),
            }
        )
        parent_no = (
            numbers[unit.parent_index] if unit.parent_index is not None else unit.data.get("parent")
        )
        records.append(
            audit.NewEntry(
                "organization",
                numbers[index],
                "create",
                None,
                {
                    **fields,
                    "detsis_no": numbers[index],
                    "parent": parent_no,
                    "version": 1,
                    "valid_from": unit.valid_from.isoformat(),
                    "valid_to": None,
                    "event": Event.CREATED,
                    "reason": reason,
                    "status": Status.ACTIVE,
                    "predecessors": [],
                },
            )
        )
    for start in range(0, len(versions), CHUNK):
        session.execute(insert(_table(OrganizationVersion)), versions[start : start + CHUNK])
    ledger.record_rows(
        session,
        (DetsisNumber.number, numbers),
        (Organization.id, ids),
        (OrganizationVersion.organization_id, ids),
    )
    audit.append_many(session, records, provenance, json_native=True)
    return numbers


@dataclass(frozen=True)
class UnitChange:
    """A dated change to a registered unit: new values of some of its fields (no move: a move
    checks the tree for cycles, one unit at a time), or with ``close`` its end, merged into the
    unit it names as successor (split among several)."""

    detsis_no: str
    valid_from: date
    reason: str | None = None
    fields: dict[str, Any] = field(default_factory=dict)
    close: bool = False
    successors: tuple[str, ...] = ()


def change_units(session: Session, changes: Sequence[UnitChange], provenance: Provenance) -> None:
    """Give each unit a new version from the change's date on, one change per unit per call,
    checked against the registry as it stands before the call. Nothing is committed here."""
    if not changes:
        return
    numbers = [change.detsis_no for change in changes]
    if len(set(numbers)) != len(numbers):
        raise InvalidInput(
            "Bir birim için tek değişiklik verilebilir / one change per unit in one call.",
            errors={"detsis_no": ["a unit is changed twice"]},
        )
    ids = tree.organization_ids(session, {*numbers, *(s for c in changes for s in c.successors)})
    latest = _latest_versions(session, [ids[number] for number in numbers])
    _check_changes(session, changes, ids, latest)
    parents = tree.numbers_of(session, {v["parent_id"] for v in latest.values() if v["parent_id"]})
    folding = Folding()
    ends: list[dict[str, Any]] = []
    versions: list[dict[str, Any]] = []
    links: list[dict[str, Any]] = []
    records: list[audit.NewEntry] = []
    for change in changes:
        old = latest[ids[change.detsis_no]]
        event, values = _changed(change, old)
        new = {
            **values,
            "organization_id": old["organization_id"],
            "version": old["version"] + 1,
            "valid_from": change.valid_from,
            "valid_to": None,
            "event": event.value,
            "reason": change.reason,
            "recorded_by": provenance.recorded_by,
            "search_text": folding.fold(values["name"], values["short_name"]),
            "sort_key": folding.sort_key(str(values["name"])),
        }
        ends.append({"old_id": old["id"], "new_valid_to": change.valid_from})
        versions.append(new)
        links.extend(
            {
                "predecessor_id": old["organization_id"],
                "successor_id": ids[successor],
                "event": event.value,
                "effective_on": change.valid_from,
            }
            for successor in change.successors
        )
        parent = parents.get(old["parent_id"]) if old["parent_id"] else None
        after = _version_record(new, change.detsis_no, parent)
        if change.close:
            after["successors"] = list(change.successors)
        records.append(
            audit.NewEntry(
                "organization",
                change.detsis_no,
                event.value,
                _version_record(old, change.detsis_no, parent),
                after,
            )
        )
    table = _table(OrganizationVersion)
    ending = (
        update(table)
        .where(table.c.id == bindparam("old_id"))
        .values(valid_to=bindparam("new_valid_to"))
    )
    for start in range(0, len(ends), CHUNK):
        session.execute(ending, ends[start : start + CHUNK])
    for start in range(0, len(versions), CHUNK):
        session.execute(insert(table), versions[start : start + CHUNK])
    for start in range(0, len(links), CHUNK):
        session.execute(insert(_table(OrganizationLink)), links[start : start + CHUNK])
    ledger.record_rows(
        session,
        (OrganizationVersion.organization_id, [ids[number] for number in numbers]),
        (OrganizationLink.predecessor_id, [ids[number] for number in numbers]),
    )
    audit.append_many(session, records, provenance, json_native=True)


def _latest_versions(session: Session, org_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Each unit's latest version (the open-ended one: a change always ends the previous), as a
    plain row, locked until the caller's transaction ends."""
    table = _table(OrganizationVersion)
    found: dict[int, dict[str, Any]] = {}
    for start in range(0, len(org_ids), CHUNK):
        rows = session.execute(
            select(table)
            .where(
                table.c.organization_id.in_(org_ids[start : start + CHUNK]),
                table.c.valid_to.is_(None),
            )
            .with_for_update()
        )
        found.update({row.organization_id: dict(row._mapping) for row in rows})
    return found


def _check_changes(
    session: Session,
    changes: Sequence[UnitChange],
    ids: dict[str, int],
    latest: dict[int, dict[str, Any]],
) -> None:
    """What ``changes.update_unit`` and ``changes.close_unit`` refuse, for the whole call."""
    closing = {ids[change.detsis_no] for change in changes if change.close}
    for change in changes:
        old = latest[ids[change.detsis_no]]
        if old["status"] == Status.CLOSED:
            raise Conflict(f"Birim {change.detsis_no} kapalı / the unit is closed.")
        if change.valid_from < old["valid_from"]:
            raise Conflict(
                f"Birim {change.detsis_no} için daha yeni bir sürüm var / a later version exists.",
                errors={"effective_from": [f"must be on or after {old['valid_from']}"]},
            )
        unknown = set(change.fields) - set(CONTENT_FIELDS)
        if unknown:
            raise InvalidInput(
                "Toplu değişiklik yalnızca birimin alanlarını değiştirir; taşıma tek tek yapılır "
                "/ a bulk change sets fields; a move goes one unit at a time.",
                errors={"data": [f"not a field of the unit: {sorted(unknown)}"]},
            )
        if change.close and not (change.reason or "").strip():
            raise InvalidInput(
                "Kapatma gerekçesi zorunludur / a reason is required to close a unit.",
                errors={"reason": ["required"]},
            )
        if change.detsis_no in change.successors or closing & {
            ids[successor] for successor in change.successors
        }:
            raise InvalidInput(
                f"Birim {change.detsis_no}: halef kapanan bir birim olamaz / a successor must "
                "stay open.",
                errors={"successors": ["closed by the same call, or the unit itself"]},
            )
    _check_successors_open(session, changes, ids)
    _refuse_same_names_on_rename(session, changes, ids, latest)
    table = _table(OrganizationVersion)
    ordered = sorted(closing)
    for start in range(0, len(ordered), CHUNK):
        children = session.execute(
            select(table.c.organization_id).where(
                table.c.parent_id.in_(ordered[start : start + CHUNK]),
                table.c.valid_to.is_(None),
                table.c.status == Status.ACTIVE,
            )
        )
        if any(child not in closing for child in children.scalars()):
            raise Conflict(
                "Açık alt birimi olan birim kapatılamaz / the unit still has open sub-units.",
                errors={"target": ["has open sub-units"]},
            )


def _check_successors_open(
    session: Session, changes: Sequence[UnitChange], ids: dict[str, int]
) -> None:
    """Each successor is open on the day of the change that names it (one read of their
    versions, not one per day)."""
    wanted = sorted({ids[s] for change in changes for s in change.successors})
    table = _table(OrganizationVersion)
    spans: dict[int, list[tuple[date, date | None, str]]] = {}
    for start in range(0, len(wanted), CHUNK):
        rows = session.execute(
            select(
                table.c.organization_id, table.c.valid_from, table.c.valid_to, table.c.status
            ).where(table.c.organization_id.in_(wanted[start : start + CHUNK]))
        )
        for org_id, valid_from, valid_to, status in rows:
            spans.setdefault(org_id, []).append((valid_from, valid_to, status))
    for change in changes:
        day = change.valid_from
        for successor in change.successors:
            if not any(
                begins <= day and (ends is None or day < ends) and status == Status.ACTIVE
                for begins, ends, status in spans.get(ids[successor], ())
            ):
                raise InvalidInput(
                    f"Halef birim {successor} {day} tarihinde açık değil / a successor is not "
                    "open then.",
                    errors={"successors": [f"{successor} is not an open unit on {day}"]},
                )


def _refuse_same_names_on_rename(
    session: Session,
    changes: Sequence[UnitChange],
    ids: dict[str, int],
    latest: dict[int, dict[str, Any]],
) -> None:
    """A rename may not give a unit the name of a sibling open on or after the rename's day
    (``changes.update_unit``), nor two units of the call one name under one parent."""
    renamed: dict[tuple[int | None, str], tuple[str, date]] = {}
    for change in changes:
        old = latest[ids[change.detsis_no]]
        new_name = change.fields.get("name")
        if change.close or not new_name or text.name_key(new_name) == text.name_key(old["name"]):
            continue
        key = (old["parent_id"], text.name_key(new_name))
        if key in renamed:
            raise Conflict(
                f"'{new_name}' adı aynı üst birimde iki birime veriliyor / the name is given to "
                "two units under one parent.",
                errors={"name": [f"{renamed[key][0]} and {change.detsis_no}"]},
            )
        renamed[key] = (change.detsis_no, change.valid_from)
    if not renamed:
        return
    for number, version in _open_versions_under(session, {parent for parent, _ in renamed}):
        found = renamed.get((version["parent_id"], text.name_key(version["name"])))
        if found is None or number == found[0]:  # the unit's own earlier name
            continue
        if version["valid_to"] is None or version["valid_to"] > found[1]:
            _same_name(number, version)


def _changed(change: UnitChange, old: dict[str, Any]) -> tuple[Event, dict[str, Any]]:
    """The event of the change and the new version's fields, status and parent."""
    values = {name: old[name] for name in (*CONTENT_FIELDS, "parent_id", "status")}
    values["kep_addresses"] = list(values["kep_addresses"] or [])
    if change.close:
        count = len(change.successors)
        event = Event.SPLIT if count > 1 else Event.MERGED if count else Event.CLOSED
        return event, {**values, "status": Status.CLOSED}
    changed = {name for name, value in change.fields.items() if old[name] != value}
    if not changed:
        raise InvalidInput(
            f"Birim {change.detsis_no}: değişiklik yok / the change changes nothing.",
            errors={"data": ["no field differs from the current record"]},
        )
    values.update(change.fields)
    if "kep_addresses" in change.fields:
        values["kep_addresses"] = list(values["kep_addresses"] or [])
    return (Event.RENAMED if "name" in changed else Event.UPDATED), values


def _version_record(row: dict[str, Any], number: str, parent: str | None) -> dict[str, Any]:
    """``changes.version_record`` of a plain row: what the audit trail keeps of a version."""
    return {
        **{name: row[name] for name in CONTENT_FIELDS},
        "detsis_no": number,
        "parent": parent,
        "version": row["version"],
        "valid_from": row["valid_from"].isoformat(),
        "valid_to": row["valid_to"].isoformat() if row["valid_to"] else None,
        "event": row["event"],
        "reason": row["reason"],
        "status": row["status"],
    }


def _claim_numbers(session: Session, units: Sequence[NewUnit]) -> list[str]:
    given = [u.detsis_no for u in units if u.detsis_no]
    for number in given:
        if not is_valid(number):
            raise InvalidInput(
                "Geçersiz DETSİS numarası / invalid DETSİS number.",
                errors={"detsis_no": [f"{number}: must be 8 digits, not starting with 0"]},
            )
    if len(set(given)) != len(given):
        raise Conflict("Aynı DETSİS numarası iki kez verilmiş / a number is given twice.")
    used = _already_used(session, given)
    if used:
        raise Conflict(
            f"DETSİS numarası {sorted(used)[0]} daha önce kullanılmış / has already been used.",
            errors={"detsis_no": ["already assigned; numbers are never reused"]},
        )
    taken = set(given)
    fresh_needed = len(units) - len(given)
    fresh: list[str] = []
    draw = secrets.SystemRandom()
    while len(fresh) < fresh_needed:
        want = fresh_needed - len(fresh)
        candidates = {str(draw.randint(LOWEST, HIGHEST)) for _ in range(want + 16)} - taken
        candidates -= _already_used(session, candidates)
        for number in list(candidates)[:want]:
            fresh.append(number)
            taken.add(number)
    pool = iter(fresh)
    numbers = [u.detsis_no or next(pool) for u in units]
    rows = [{"number": number} for number in numbers]
    for start in range(0, len(rows), CHUNK):
        session.execute(insert(_table(DetsisNumber)), rows[start : start + CHUNK])
    return numbers


def _already_used(session: Session, numbers: Sequence[str] | set[str]) -> set[str]:
    found: set[str] = set()
    ordered = sorted(numbers)
    for start in range(0, len(ordered), CHUNK):
        found.update(
            session.scalars(
                select(DetsisNumber.number).where(
                    DetsisNumber.number.in_(ordered[start : start + CHUNK])
                )
            )
        )
    return found


def _insert_identities(session: Session, numbers: list[str]) -> list[int]:
    """Insert the identities; their new ids, in the order of ``numbers`` (read back by number:
    ``RETURNING`` in parameter order costs SQLite one statement per row)."""
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        session.execute(insert(_table(Organization)), [{"detsis_no": n} for n in chunk])
        rows = session.execute(
            select(Organization.detsis_no, Organization.id).where(Organization.detsis_no.in_(chunk))
        )
        ids.update({number: org_id for number, org_id in rows})
    return [ids[number] for number in numbers]


def _registered_parents(session: Session, units: Sequence[NewUnit]) -> dict[str, int]:
    """DETSİS number → id of the registered parents. A parent exists on its child's first day
    (``changes.create_unit``): a registered one is open then, one given in the call comes
    before its child and starts no later."""
    for index, unit in enumerate(units):
        if unit.parent_index is None:
            continue
        if not 0 <= unit.parent_index < index:
            raise InvalidInput(
                "Üst birim alt biriminden önce verilir / a parent comes before its child.",
                errors={f"{index}.parent": [f"position {unit.parent_index}"]},
            )
        starts = units[unit.parent_index].valid_from
        if starts > unit.valid_from:
            raise InvalidInput(
                f"Üst birim {starts} tarihinde kuruluyor, alt biriminden sonra / the parent "
                "starts after its child.",
                errors={f"{index}.parent": [f"starts on {starts}, after {unit.valid_from}"]},
            )
    existing = tree.organization_ids(
        session,
        {u.data["parent"] for u in units if u.parent_index is None and u.data.get("parent")},
    )
    wanted: dict[date, set[int]] = {}  # existing parents must be open when the child starts
    for unit in units:
        if unit.parent_index is None and unit.data.get("parent"):
            wanted.setdefault(unit.valid_from, set()).add(existing[unit.data["parent"]])
    for day, parent_ids in wanted.items():
        open_then = {
            org_id
            for org_id, (_, version) in tree.versions_at(session, parent_ids, day).items()
            if version.status == Status.ACTIVE
        }
        closed = parent_ids - open_then
        if closed:
            number = tree.numbers_of(session, closed).popitem()[1]
            raise InvalidInput(
                f"Üst birim {number} {day} tarihinde açık değil / the parent is not open then.",
                errors={"parent": [f"{number} not open on {day}"]},
            )
    return existing


Sibling = int | None | tuple[str, int]  # a registered parent's id, the top, or a new unit


def _refuse_same_names(
    session: Session, units: Sequence[NewUnit], registered: dict[str, int]
) -> None:
    """No two open units of one name (``text.name_key``) under one parent on any day, as
    ``changes.refuse_same_name`` checks one unit: among the call's units, and against every
    open version under a registered parent (or at the top) valid on or after a unit's first
    day, scheduled ones included (409, naming the unit already there)."""
    first_day: dict[tuple[Sibling, str], date] = {}
    for index, unit in enumerate(units):
        parent: Sibling = (
            ("new", unit.parent_index)
            if unit.parent_index is not None
            else registered[unit.data["parent"]]
            if unit.data.get("parent")
            else None
        )
        key = (parent, text.name_key(unit.data["name"]))
        if key in first_day:
            raise Conflict(
                f"'{unit.data['name']}' adı aynı üst birimde iki kez verilmiş / the name is given "
                "twice under one parent.",
                errors={f"{index}.name": ["same name as an earlier unit of the call"]},
            )
        first_day[key] = unit.valid_from
    parents = {parent for parent, _ in first_day if not isinstance(parent, tuple)}
    for number, version in _open_versions_under(session, parents):
        since = first_day.get((version["parent_id"], text.name_key(version["name"])))
        if since is not None and (version["valid_to"] is None or version["valid_to"] > since):
            _same_name(number, version)


def _open_versions_under(
    session: Session, parents: Collection[int | None]
) -> list[tuple[str, dict[str, Any]]]:
    """``(detsis_no, version)`` of every open version (past, present, scheduled) under the
    given parents (None: the top of the tree), as plain rows."""
    table = _table(OrganizationVersion)
    columns = (
        table.c.organization_id,
        table.c.parent_id,
        table.c.name,
        table.c.valid_from,
        table.c.valid_to,
        Organization.detsis_no,
    )
    conditions = []
    if None in parents:
        conditions.append([table.c.parent_id.is_(None)])
    ordered = sorted(p for p in parents if p is not None)
    conditions.extend(
        [table.c.parent_id.in_(ordered[start : start + CHUNK])]
        for start in range(0, len(ordered), CHUNK)
    )
    found: list[tuple[str, dict[str, Any]]] = []
    for condition in conditions:
        rows = session.execute(
            select(*columns)
            .join(Organization, Organization.id == table.c.organization_id)
            .where(
                *condition,
                table.c.status == Status.ACTIVE,
                # not a version replaced on its own first day
                or_(table.c.valid_to.is_(None), table.c.valid_to > table.c.valid_from),
            )
        )
        found.extend((row.detsis_no, dict(row._mapping)) for row in rows)
    return found


def _same_name(number: str, version: dict[str, Any]) -> None:
    """The 409 ``changes.refuse_same_name`` gives, for a version read as a plain row."""
    raise Conflict(
        f"Aynı üst birimde '{version['name']}' adlı bir birim var ({number}) / a unit of that "
        f"name already stands under the same parent ({number}).",
        errors={"name": [f"same name as unit {number}"]},
        extra={
            "existing": {
                "detsis_no": number,
                "name": version["name"],
                "valid_from": version["valid_from"].isoformat(),
                "valid_to": version["valid_to"].isoformat() if version["valid_to"] else None,
            }
        },
    )


def _table(model: Any) -> Table:
    """The model's table, for Core inserts: the ORM's bulk path costs more per row."""
    return cast(Table, model.__table__)
