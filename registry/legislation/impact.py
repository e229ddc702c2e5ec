"""What an act's amendment or repeal reaches, and the statistics of the legislation registry.

Impact walks the in-memory legal graph once: the acts based on the act, transitively, and the
services citing any of them, each with the unit that owns it and, for services, the documents
they ask for or issue (``legal_graph``). Every record is then counted for its owning institution,
with the documents and the standards tables (one per providing unit) the services appear in. That
overview reads no row of them from the database, whatever the size of the answer.

The details (titles, names, which acts each service cites) are read only when asked for, and then
only the columns shown, for the institution asked about or for all of them. An impact of a
framework law reaches tens of thousands of records (docs/benchmarks.md): its overview answers in a
fraction of a second, the complete list of its details is several megabytes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, NotRequired, TypedDict

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.catalogue.models import Document, Service
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.legislation import graph as legal_graph
from registry.legislation.models import Legislation, LegislationStatus
from registry.legislation.reading import LegislationTypeView
from registry.organizations import tree
from schemas.vocabularies import INTERNAL_LEGISLATION_TYPES, LEGISLATION_TYPES

_CHUNK = 2000
GROUP_KINDS = ("legislation", "services", "documents", "standards_tables")


class ImpactTotals(TypedDict):
    """What one institution owns in the impact, counted."""

    legislation: int
    services: int
    documents: int
    standards_tables: int


class ImpactOverall(ImpactTotals):
    institutions: int


class ImpactAct(TypedDict):
    id: int
    type: LegislationTypeView
    number: str | None
    title: str
    status: str
    issuer: str | None  # DETSİS number
    depth: int  # distance from the act asked about


class ImpactService(TypedDict):
    code: str
    name: str
    organization: str  # DETSİS number of the providing unit
    cites: list[int]  # the acts of the impact it cites directly


class ImpactDocument(TypedDict):
    code: str
    name: str
    services: list[str]  # codes of this institution's services using it


class ImpactTable(TypedDict):
    organization: str  # the unit whose standards table it is
    name: str
    services: list[str]


class ImpactGroup(TypedDict):
    """One owning institution's part: counted always, listed with ``details``."""

    institution: str | None
    name: str | None
    totals: ImpactTotals
    legislation: NotRequired[list[ImpactAct]]
    services: NotRequired[list[ImpactService]]
    documents: NotRequired[list[ImpactDocument]]
    standards_tables: NotRequired[list[ImpactTable]]


class Impact(TypedDict):
    id: int
    totals: ImpactOverall  # over all institutions, whatever the filter
    institutions: list[ImpactGroup]


class TypeStats(TypedDict):
    type: LegislationTypeView
    in_force: int
    repealed: int
    total: int


class IssuerStats(TypedDict):
    institution: str | None
    name: str | None
    internal: int  # institution-internal secondary legislation
    total: int


class LegislationStats(TypedDict):
    total: int
    by_status: dict[str, int]
    by_type: list[TypeStats]
    by_issuer: list[IssuerStats]


def _chunks(ids: Sequence[int]) -> Iterable[Sequence[int]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


@dataclass
class _Group:
    """What one institution owns in the impact: ids of acts and services, documents, table units."""

    acts: list[int] = field(default_factory=list)
    services: list[int] = field(default_factory=list)
    documents: dict[int, list[int]] = field(default_factory=dict)  # document → its services here
    tables: dict[int, list[int]] = field(default_factory=dict)  # providing unit → its services

    def totals(self) -> ImpactTotals:
        return {
            "legislation": len(self.acts),
            "services": len(self.services),
            "documents": len(self.documents),
            "standards_tables": len(self.tables),
        }


def impact(
    session: Session, act: Legislation, *, institution: int | None = None, details: bool = False
) -> Impact:
    """Everything depending on ``act``, by owning institution.

    ``institution`` (a unit id; a sub-unit stands for its institution) keeps that group only;
    ``details`` lists each group's records in full, not only their counts.
    """
    graph = legal_graph.current(session)
    derived, service_ids = graph.dependents([act.id])
    owner_units = graph.units_of([*derived, *(-s for s in service_ids)])
    uses: dict[int, set[int]] = {}  # document → the services (in the impact) using it
    for service_id, documents in graph.documents_of(service_ids).items():
        for document_id in documents:
            uses.setdefault(document_id, set()).add(service_id)
    units = {unit for unit in owner_units.values() if unit is not None}
    owners, unit_names = _institutions(session, units)

    groups: dict[int | None, _Group] = {}  # by institution
    group_by_unit: dict[int | None, _Group] = {}

    def group_of(unit: int | None) -> _Group:
        group = group_by_unit.get(unit)
        if group is None:
            owner = owners.get(unit) if unit is not None else None
            group = group_by_unit[unit] = groups.setdefault(owner, _Group())
        return group

    for act_id in sorted(derived):
        group_of(owner_units[act_id]).acts.append(act_id)
    for service_id in sorted(service_ids):
        unit = owner_units[-service_id]
        group = group_of(unit)
        group.services.append(service_id)
        if unit is not None:
            group.tables.setdefault(unit, []).append(service_id)
    for document_id in sorted(uses):
        for service_id in sorted(uses[document_id]):
            group_of(owner_units[-service_id]).documents.setdefault(document_id, []).append(
                service_id
            )

    if institution is not None:
        institution = _institutions(session, {institution})[0].get(institution, institution)
    names = _names(session, {owner for owner in groups if owner is not None})
    totals: ImpactOverall = {
        "legislation": len(derived),
        "services": len(service_ids),
        "documents": len(uses),
        "standards_tables": len({owner_units[-s] for s in service_ids} - {None}),
        "institutions": len(groups),
    }
    shown = [
        (owner, group)
        for owner, group in groups.items()
        if institution is None or owner == institution
    ]
    shown.sort(key=lambda item: turkish.sort_key(names[item[0]][1]) if item[0] in names else "~")
    listed: list[ImpactGroup] = [
        {
            "institution": names[owner][0] if owner in names else None,
            "name": names[owner][1] if owner in names else None,
            "totals": group.totals(),
        }
        for owner, group in shown
    ]
    if details:
        _Details.read(session, [group for _, group in shown], unit_names).fill(
            listed, [group for _, group in shown], derived, graph, reach={*derived, act.id}
        )
    return {"id": act.id, "totals": totals, "institutions": listed}


@dataclass
class _Details:
    """The shown columns of the acts, services and documents in the groups being listed."""

    acts: dict[int, Any]
    services: dict[int, Any]
    documents: dict[int, Any]
    units: dict[int, tuple[str, str]]

    @classmethod
    def read(
        cls, session: Session, groups: list[_Group], units: dict[int, tuple[str, str]]
    ) -> _Details:
        act_ids = sorted({a for g in groups for a in g.acts})
        service_ids = sorted({s for g in groups for s in g.services})
        document_ids = sorted({d for g in groups for d in g.documents})
        acts = _columns(
            session,
            act_ids,
            Legislation.id,
            Legislation.type_code,
            Legislation.number,
            Legislation.title,
            Legislation.status,
            Legislation.issuer_id,
        )
        services = _columns(
            session, service_ids, Service.id, Service.code, Service.name, Service.organization_id
        )
        documents = _columns(session, document_ids, Document.id, Document.code, Document.name)
        return cls(
            {row.id: row for row in acts},
            {row.id: row for row in services},
            {row.id: row for row in documents},
            units,
        )

    def fill(
        self,
        listed: list[ImpactGroup],
        groups: list[_Group],
        derived: dict[int, int],
        graph: legal_graph.LegalGraph,
        reach: set[int],
    ) -> None:
        """Add each group's records, in full, to its entry in ``listed``."""
        units = self.units
        for entry, group in zip(listed, groups, strict=True):
            entry["legislation"] = [
                {
                    "id": row.id,
                    "type": {"code": row.type_code, "name": LEGISLATION_TYPES[row.type_code]},
                    "number": row.number,
                    "title": row.title,
                    "status": row.status,
                    "issuer": units[row.issuer_id][0] if row.issuer_id in units else None,
                    "depth": derived[row.id],
                }
                for row in (self.acts[a] for a in group.acts)
            ]
            entry["services"] = [
                {
                    "code": row.code,
                    "name": row.name,
                    "organization": units[row.organization_id][0],
                    "cites": graph.cited(row.id, reach),
                }
                for row in (self.services[s] for s in group.services)
            ]
            entry["documents"] = [
                {
                    "code": self.documents[d].code,
                    "name": self.documents[d].name,
                    "services": sorted(self.services[s].code for s in users),
                }
                for d, users in group.documents.items()
            ]
            entry["standards_tables"] = [
                {
                    "organization": units[unit][0],
                    "name": units[unit][1],
                    "services": [self.services[s].code for s in users],
                }
                for unit, users in group.tables.items()
            ]


def _columns(session: Session, ids: list[int], *columns: Any) -> list[Any]:
    """Rows of the given columns for the ids (the first column is the model's id), in id order."""
    rows: list[Any] = []
    connection = session.connection()  # Core rows: the ORM's per-row processing is not needed
    for chunk in _chunks(ids):
        rows.extend(connection.execute(select(*columns).where(columns[0].in_(chunk))).all())
    rows.sort(key=lambda row: row[0])
    return rows


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


def stats(session: Session) -> LegislationStats:
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
            LegislationStatus.IN_FORCE: in_force,
            LegislationStatus.REPEALED: repealed,
        },
        "by_type": [
            {
                "type": {"code": code, "name": LEGISLATION_TYPES[code]},
                "in_force": counts["in_force"],
                "repealed": counts["repealed"],
                "total": counts["in_force"] + counts["repealed"],
            }
            for code, counts in sorted(by_type.items())
        ],
        "by_issuer": sorted(
            (
                {
                    "institution": names.get(owner, (None, None))[0] if owner else None,
                    "name": names.get(owner, (None, None))[1] if owner else None,
                    "internal": counts["internal"],
                    "total": counts["total"],
                }
                for owner, counts in by_institution.items()
            ),
            key=lambda entry: (-entry["internal"], -entry["total"], entry["name"] or ""),
        ),
    }
