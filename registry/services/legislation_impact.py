"""What an act's amendment or repeal reaches, and the statistics of the legislation registry.

Impact walks the in-memory legal graph once (acts based on the act, transitively, and the services
citing any of them), then reads only the columns it shows of the rows it names, in batches: the
derived acts, the services, the documents those services ask for or issue, and the standards
tables (one per providing unit) they appear in. Each item appears once, in full, in the flat lists;
the groups by owning institution name them by id or code. An impact of a framework law reaches tens
of thousands of records, so nothing here builds ORM objects (docs/benchmarks.md).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry import turkish
from registry.clock import today
from registry.models import (
    Document,
    Legislation,
    LegislationStatus,
    Service,
    ServiceDocument,
)
from registry.services import legal_graph
from registry.services import organization_tree as tree
from schemas.vocabularies import INTERNAL_LEGISLATION_TYPES, LEGISLATION_TYPES

_CHUNK = 2000


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def impact(session: Session, act: Legislation) -> dict[str, Any]:
    graph = legal_graph.current(session)
    derived, service_ids = graph.dependents([act.id])
    reach = set(derived) | {act.id}

    acts = _columns(
        session,
        sorted(derived),
        Legislation.id,
        Legislation.type_code,
        Legislation.number,
        Legislation.title,
        Legislation.status,
        Legislation.issuer_id,
    )
    services = _columns(
        session,
        sorted(service_ids),
        Service.id,
        Service.code,
        Service.name,
        Service.organization_id,
    )
    uses = _document_uses(session, [s.id for s in services])
    documents = _columns(session, sorted(uses), Document.id, Document.code, Document.name)

    org_ids = {s.organization_id for s in services} | {a.issuer_id for a in acts if a.issuer_id}
    owners, units = _institutions(session, org_ids)
    groups: dict[int | None, dict[str, list[Any]]] = {}

    def group(owner: int | None) -> dict[str, list[Any]]:
        return groups.setdefault(
            owner, {"legislation": [], "services": [], "documents": [], "standards_tables": []}
        )

    for row in acts:
        group(owners.get(row.issuer_id) if row.issuer_id else None)["legislation"].append(row.id)
    tables: dict[int, list[str]] = {}
    owner_of_service: dict[int, int | None] = {}
    for service in services:
        owner = owners.get(service.organization_id)
        owner_of_service[service.id] = owner
        group(owner)["services"].append(service.code)
        tables.setdefault(service.organization_id, []).append(service.code)
    for org_id in tables:
        group(owners.get(org_id))["standards_tables"].append(units[org_id][0])
    codes = {d.id: d.code for d in documents}
    service_codes = {s.id: s.code for s in services}
    for document_id, users in uses.items():
        for owner in {owner_of_service[user] for user in users}:
            group(owner)["documents"].append(codes[document_id])

    names = _names(session, {o for o in groups if o is not None})
    numbers = units | {o: names[o] for o in names}
    return {
        "id": act.id,
        "totals": {
            "legislation": len(acts),
            "services": len(services),
            "documents": len(documents),
            "standards_tables": len(tables),
            "institutions": len(groups),
        },
        "legislation": [
            {
                "id": row.id,
                "type": {"code": row.type_code, "name": LEGISLATION_TYPES[row.type_code]},
                "number": row.number,
                "title": row.title,
                "status": row.status,
                "issuer": numbers[row.issuer_id][0] if row.issuer_id in numbers else None,
                "depth": derived[row.id],
            }
            for row in acts
        ],
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "organization": units[s.organization_id][0],
                "cites": graph.cited(s.id, reach),
            }
            for s in services
        ],
        "documents": [
            {
                "code": d.code,
                "name": d.name,
                "services": sorted(service_codes[user] for user in uses[d.id]),
            }
            for d in documents
        ],
        "standards_tables": [
            {"organization": units[org_id][0], "name": units[org_id][1], "services": codes_}
            for org_id, codes_ in tables.items()
        ],
        "institutions": [
            {
                "institution": names[owner][0] if owner in names else None,
                "name": names[owner][1] if owner in names else None,
                **bucket,
            }
            for owner, bucket in sorted(
                groups.items(),
                key=lambda item: turkish.sort_key(names[item[0]][1]) if item[0] in names else "~",
            )
        ],
    }


def _columns(session: Session, ids: list[int], *columns: Any) -> list[Any]:
    """Rows of the given columns for the ids (the first column is the model's id), in id order."""
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows.extend(session.execute(select(*columns).where(columns[0].in_(chunk))))
    rows.sort(key=lambda row: row[0])
    return rows


def _document_uses(session: Session, service_ids: list[int]) -> dict[int, set[int]]:
    """Document id → the services (among those given) that ask for or issue it."""
    uses: dict[int, set[int]] = {}
    for chunk in _chunks(service_ids):
        for service_id, document_id in session.execute(
            select(ServiceDocument.service_id, ServiceDocument.document_id).where(
                ServiceDocument.service_id.in_(chunk)
            )
        ):
            uses.setdefault(document_id, set()).add(service_id)
    return uses


def _institutions(
    session: Session, org_ids: set[int]
) -> tuple[dict[int, int], dict[int, tuple[str, str]]]:
    """Each unit's institution id, and each unit's (DETSİS number, name), as of today."""
    found = tree.versions_at(session, org_ids, today())
    paths = tree.lineages(session, found, today())
    owners = {org_id: tree.institution_of(path).organization_id for org_id, path in paths.items()}
    units = {org_id: (number, version.name) for org_id, (number, version) in found.items()}
    missing = org_ids - found.keys()  # closed since, or not yet open: keep them addressable
    for org_id, number in tree.numbers_of(session, missing).items():
        owners[org_id] = org_id
        units[org_id] = (number, "")
    return owners, units


def _names(session: Session, org_ids: set[int]) -> dict[int, tuple[str, str]]:
    found = tree.versions_at(session, org_ids, today())
    return {org_id: (number, version.name) for org_id, (number, version) in found.items()}


def stats(session: Session) -> dict[str, Any]:
    """Counts by type × status, and by issuing institution (internal kinds counted apart)."""
    by_type: dict[int, dict[str, int]] = {}
    for type_code, status, count in session.execute(
        select(Legislation.type_code, Legislation.status, func.count()).group_by(
            Legislation.type_code, Legislation.status
        )
    ):
        by_type.setdefault(type_code, {"in_force": 0, "repealed": 0})[status] = count
    by_issuer_unit: dict[int | None, dict[str, int]] = {}
    for issuer_id, type_code, count in session.execute(
        select(Legislation.issuer_id, Legislation.type_code, func.count()).group_by(
            Legislation.issuer_id, Legislation.type_code
        )
    ):
        entry = by_issuer_unit.setdefault(issuer_id, {"internal": 0, "total": 0})
        entry["total"] += count
        if type_code in INTERNAL_LEGISLATION_TYPES:
            entry["internal"] += count
    owners, _ = _institutions(session, {i for i in by_issuer_unit if i is not None})
    by_institution: dict[int | None, dict[str, int]] = {}
    for issuer_id, counts in by_issuer_unit.items():
        owner = owners.get(issuer_id) if issuer_id is not None else None
        entry = by_institution.setdefault(owner, {"internal": 0, "total": 0})
        entry["internal"] += counts["internal"]
        entry["total"] += counts["total"]
    names = _names(session, {o for o in by_institution if o is not None})
    in_force = sum(c["in_force"] for c in by_type.values())
    repealed = sum(c["repealed"] for c in by_type.values())
    return {
        "total": in_force + repealed,
        "by_status": {
            LegislationStatus.IN_FORCE.value: in_force,
            LegislationStatus.REPEALED.value: repealed,
        },
        "by_type": [
            {
                "type": {"code": code, "name": LEGISLATION_TYPES[code]},
                **counts,
                "total": counts["in_force"] + counts["repealed"],
            }
            for code, counts in sorted(by_type.items())
        ],
        "by_issuer": sorted(
            (
                {
                    "institution": names.get(owner, (None, None))[0] if owner else None,
                    "name": names.get(owner, (None, None))[1] if owner else None,
                    **counts,
                }
                for owner, counts in by_institution.items()
            ),
            key=lambda entry: (-entry["internal"], -entry["total"], entry["name"] or ""),
        ),
    }
