"""Creating many units at once (imports of whole trees), with the guarantees of one-by-one.

``organization_changes.create_unit`` does one unit in about ten statements; an institution's tree
of 200,000 units would take most of an hour that way. Here the same rows are written in a few
statements per thousand units: numbers claimed (a given number never reused, a fresh one drawn
at random), identities, first versions and audit entries, all in the caller's transaction.
Every unit is validated beforehand exactly as a change request is (``UnitInputSchema``).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, cast

from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.kernel import turkish
from registry.kernel.errors import Conflict, InvalidInput
from registry.organizations import tree
from registry.organizations.detsis import HIGHEST, LOWEST, is_valid
from registry.organizations.models import (
    CONTENT_FIELDS,
    DetsisNumber,
    Event,
    Organization,
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
    numbers = _claim_numbers(session, units)
    ids = _insert_identities(session, numbers)
    parents = _parent_ids(session, units, ids, numbers)
    versions = []
    records = []
    for index, unit in enumerate(units):
        fields = {name: unit.data.get(name) for name in CONTENT_FIELDS}
        fields["kep_addresses"] = list(fields["kep_addresses"] or [])
        if fields["corresponds_externally"] is None:
            fields["corresponds_externally"] = True
        name_words = " ".join(filter(None, (fields["name"], fields["short_name"])))
        versions.append(
            {
                **fields,
                "organization_id": ids[index],
                "version": 1,
                "valid_from": unit.valid_from,
                "valid_to": None,
                "event": Event.CREATED.value,
                "reason": reason,
                "parent_id": parents[index],
                "status": Status.ACTIVE.value,
                "recorded_by": provenance.recorded_by,
                "search_text": turkish.fold(name_words),
                "sort_key": turkish.sort_key(str(fields["name"]))[:600],
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
                    "event": Event.CREATED.value,
                    "reason": reason,
                    "status": Status.ACTIVE.value,
                    "predecessors": [],
                },
            )
        )
    for start in range(0, len(versions), CHUNK):
        session.execute(insert(_table(OrganizationVersion)), versions[start : start + CHUNK])
    audit.append_many(session, records, provenance, json_native=True)
    return numbers


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
    ids: dict[str, int] = {}
    for start in range(0, len(numbers), CHUNK):
        chunk = numbers[start : start + CHUNK]
        session.execute(insert(_table(Organization)), [{"detsis_no": n} for n in chunk])
        rows = session.execute(
            select(Organization.detsis_no, Organization.id).where(Organization.detsis_no.in_(chunk))
        )
        ids.update({number: org_id for number, org_id in rows})
    return [ids[number] for number in numbers]


def _parent_ids(
    session: Session, units: Sequence[NewUnit], ids: list[int], numbers: list[str]
) -> list[int | None]:
    existing = tree.organization_ids(
        session,
        {u.data["parent"] for u in units if u.parent_index is None and u.data.get("parent")},
    )
    parents: list[int | None] = []
    wanted: dict[date, set[int]] = {}  # existing parents must be open when the child starts
    for unit in units:
        if unit.parent_index is not None:
            parents.append(ids[unit.parent_index])
        elif unit.data.get("parent"):
            parents.append(existing[unit.data["parent"]])
            wanted.setdefault(unit.valid_from, set()).add(existing[unit.data["parent"]])
        else:
            parents.append(None)
    for day, parent_ids in wanted.items():
        closed = parent_ids - tree.versions_at(session, parent_ids, day).keys()
        if closed:
            number = tree.numbers_of(session, closed).popitem()[1]
            raise InvalidInput(
                f"Üst birim {number} {day} tarihinde açık değil / the parent is not open then.",
                errors={"parent": [f"{number} not open on {day}"]},
            )
    return parents


def _table(model: Any) -> Table:
    """The model's table, for Core inserts: the ORM's bulk path costs more per row."""
    return cast(Table, model.__table__)
