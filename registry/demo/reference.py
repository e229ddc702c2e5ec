"""Sample reference data for EBYS (``reference.json``): places and code tables from the packaged
lists, a common part of the file plan, Göç İdaresi's own codes, and the sample institutions'
managers (fictional people), identifiers, budget types and e-Yazışma versions.

Each record is written through the same use case as an approved request, with an audit entry;
a record already there is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, MutableMapping
from datetime import date
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.ebys import e_correspondence, identifiers, managers
from registry.ebys.models import ManagerPost
from registry.kernel import turkish
from registry.organizations import tree
from registry.reference import code_tables, dated, file_plan, places
from schemas.reference import Disposition


def load_reference(
    session: Session,
    numbers: Mapping[str, str],
    provenance: Provenance,
    counts: MutableMapping[str, int],
    valid_from: date,
) -> None:
    """Create the sample reference records that do not exist yet."""
    spec = json.loads(
        resources.files("registry.demo").joinpath("reference.json").read_text("utf-8")
    )
    for load in (places.load_packaged, code_tables.load_packaged):
        created, there = load(session, valid_from, provenance)
        counts["created"] += created
        counts["unchanged"] += there
    _file_plan(session, spec["file_plan_common"], None, valid_from, provenance, counts)
    for path, rows in spec["file_plan_own"].items():
        _file_plan(session, rows, numbers[path], valid_from, provenance, counts)
    for item in spec["managers"]:
        _manager(session, numbers[item["organization"]], item, provenance, counts)
    for kind, name in (
        (identifiers.IDENTIFIERS, "identifiers"),
        (identifiers.BUDGET, "budget_types"),
        (e_correspondence.EYP, "eyp_versions"),
    ):
        for item in spec[name]:
            number = numbers[item["organization"]]
            values = {k: v for k, v in item.items() if k != "organization"}
            _once(session, kind, number, values, valid_from, provenance, counts)


def _once(
    session: Session,
    kind: dated.Kind[Any],
    number: str,
    values: dict[str, Any],
    valid_from: date,
    provenance: Provenance,
    counts: MutableMapping[str, int],
) -> None:
    if dated.latest(session, kind, number) is not None:
        counts["unchanged"] += 1
        return
    values = {**values, "organization_id": tree.organization_id(session, number)}
    dated.write(
        session,
        kind,
        number,
        values,
        action="create",
        effective_from=valid_from,
        provenance=provenance,
    )
    counts["created"] += 1


def _file_plan(
    session: Session,
    rows: list[list[Any]],
    organization: str | None,
    valid_from: date,
    provenance: Provenance,
    counts: MutableMapping[str, int],
) -> None:
    for code, subject, unit_years, archive_years, disposition in rows:
        key = file_plan.key_of(code, organization)
        if dated.latest(session, file_plan.KIND, key) is not None:
            counts["unchanged"] += 1
            continue
        values = {
            "organization_id": tree.organization_id(session, organization)
            if organization
            else None,
            "code": code,
            "level": file_plan.level(code),
            "subject": subject,
            "retention_unit_years": unit_years,
            "retention_archive_years": archive_years,
            "disposition": Disposition.ALIASES[turkish.fold(disposition)] if disposition else None,
        }
        dated.write(
            session,
            file_plan.KIND,
            key,
            values,
            action="create",
            effective_from=valid_from,
            provenance=provenance,
        )
        counts["created"] += 1


def _manager(
    session: Session,
    number: str,
    item: dict[str, Any],
    provenance: Provenance,
    counts: MutableMapping[str, int],
) -> None:
    org_id = tree.organization_id(session, number)
    since = date.fromisoformat(item["since"])
    exists = session.scalar(
        select(ManagerPost.id).where(
            ManagerPost.organization_id == org_id, ManagerPost.since == since
        )
    )
    if exists is not None:
        counts["unchanged"] += 1
        return
    values = {
        "organization_id": org_id,
        "person_key": managers.person_key_for(f"{number}/{item['personnel_no']}"),
        "name": item["name"],
        "title": item["title"],
        "appointment": item["appointment"],
        "legal_basis": item["legal_basis"],
        "since": since,
        "until": date.fromisoformat(item["until"]) if item["until"] else None,
    }
    dated.write(
        session,
        managers.KIND,
        None,
        values,
        action="create",
        effective_from=since,
        provenance=provenance,
    )
    counts["created"] += 1
