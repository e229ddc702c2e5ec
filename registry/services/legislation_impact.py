"""What an act's amendment or repeal reaches, and the statistics of the legislation registry.

Impact walks the in-memory legal graph once (acts based on the act, transitively, and the services
citing any of them), then reads the rows it names in batches: the derived acts, the services, the
documents those services ask for or issue, and the standards tables (one per providing unit) they
appear in, grouped by the institution that owns each.
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
from registry.services import legislation_records as records
from registry.services import organization_tree as tree
from schemas.vocabularies import INTERNAL_LEGISLATION_TYPES, LEGISLATION_TYPES

_CHUNK = 500


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


class _Groups:
    """Impact entries bucketed by owning institution (organization id, or None)."""

    def __init__(self) -> None:
        self.buckets: dict[int | None, dict[str, list[Any]]] = {}

    def add(self, owner: int | None, kind: str, item: Any) -> None:
        bucket = self.buckets.setdefault(
            owner, {"legislation": [], "services": [], "documents": [], "standards_tables": []}
        )
        bucket[kind].append(item)


def impact(session: Session, act: Legislation) -> dict[str, Any]:
    graph = legal_graph.current(session)
    derived, service_ids = graph.dependents([act.id])
    reach = set(derived) | {act.id}

    acts = _rows(session, Legislation, sorted(derived))
    services = _rows(session, Service, sorted(service_ids))
    org_ids = {s.organization_id for s in services} | {a.issuer_id for a in acts if a.issuer_id}
    owners, units = _institutions(session, org_ids)

    groups = _Groups()
    for summary_row, row in zip(records.summaries(session, acts), acts, strict=True):
        owner = owners.get(row.issuer_id) if row.issuer_id else None
        groups.add(owner, "legislation", {**summary_row, "depth": derived[row.id]})

    codes = {s.id: s.code for s in services}
    tables: dict[int, list[str]] = {}
    for service in services:
        groups.add(
            owners.get(service.organization_id),
            "services",
            {
                "code": service.code,
                "name": service.name,
                "organization": units[service.organization_id][0],
                "cites": graph.cited(service.id, reach),
            },
        )
        tables.setdefault(service.organization_id, []).append(service.code)
    for org_id, table_services in tables.items():
        number, name = units[org_id]
        groups.add(
            owners.get(org_id),
            "standards_tables",
            {"organization": number, "name": name, "services": table_services},
        )

    documents = _documents(session, [s.id for s in services])
    service_owner = {s.id: owners.get(s.organization_id) for s in services}
    for document, users in documents:
        for owner in dict.fromkeys(service_owner[sid] for sid in users):
            groups.add(
                owner,
                "documents",
                {
                    "code": document.code,
                    "name": document.name,
                    "services": [codes[sid] for sid in users if service_owner[sid] == owner],
                },
            )

    names = _names(session, {o for o in groups.buckets if o is not None})
    institutions = [
        {
            "institution": names[owner][0] if owner in names else None,
            "name": names[owner][1] if owner in names else None,
            **bucket,
        }
        for owner, bucket in sorted(
            groups.buckets.items(),
            key=lambda item: turkish.sort_key(names[item[0]][1]) if item[0] in names else "~",
        )
    ]
    return {
        "id": act.id,
        "totals": {
            "legislation": len(acts),
            "services": len(services),
            "documents": len(documents),
            "standards_tables": len(tables),
            "institutions": len(institutions),
        },
        "legislation": [a.id for a in acts],
        "services": [s.code for s in services],
        "documents": [d.code for d, _ in documents],
        "standards_tables": [units[org_id][0] for org_id in tables],
        "institutions": institutions,
    }


def _rows(session: Session, model: Any, ids: list[int]) -> list[Any]:
    rows: list[Any] = []
    for chunk in _chunks(ids):
        rows.extend(session.scalars(select(model).where(model.id.in_(chunk)).order_by(model.id)))
    return rows


def _documents(session: Session, service_ids: list[int]) -> list[tuple[Document, list[int]]]:
    """Documents asked for or issued by the services, each with the services using it."""
    users: dict[int, list[int]] = {}
    for chunk in _chunks(service_ids):
        for service_id, document_id in session.execute(
            select(ServiceDocument.service_id, ServiceDocument.document_id).where(
                ServiceDocument.service_id.in_(chunk)
            )
        ):
            users.setdefault(document_id, [])
            if service_id not in users[document_id]:
                users[document_id].append(service_id)
    documents = _rows(session, Document, sorted(users))
    return [(d, users[d.id]) for d in documents]


def _institutions(
    session: Session, org_ids: set[int]
) -> tuple[dict[int, int], dict[int, tuple[str, str]]]:
    """Each unit's institution id, and each unit's (DETSİS number, name), as of today."""
    found = tree.versions_at(session, org_ids, today())
    paths = tree.lineages(session, found, today())
    owners = {org_id: tree.institution_of(path).organization_id for org_id, path in paths.items()}
    units = {org_id: (number, version.name) for org_id, (number, version) in found.items()}
    for org_id in org_ids - found.keys():  # closed since, or not yet open: keep it addressable
        owners[org_id] = org_id
        units[org_id] = (tree.number_of(session, org_id), "")
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
