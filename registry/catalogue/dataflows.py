"""Data flows between institutions, and the documents the state could fetch itself (once-only).

Both follow from two facts the registry keeps: which institution issues a document (the
document's issuer, or the institution of a service that issues it) and which services ask
citizens to bring it. An edge runs from the issuing institution to the institution whose service
asks for the document: that is data one institution holds and another makes citizens carry.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypedDict

import networkx as nx
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.catalogue.models import Document, DocumentRole, RecordStatus, Service, ServiceDocument
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.organizations import tree
from registry.organizations.tree import PathEntry


@dataclass
class Need:
    """A service asking citizens for a document that a public institution issues."""

    service_id: int
    service_code: str
    service_name: str
    unit_id: int
    annual_volume: int | None
    document_code: str
    document_name: str
    issuers: list[tuple[PathEntry, PathEntry]]  # (institution, unit) issuing the document
    asker: PathEntry  # the service's institution


class FlowNode(TypedDict):
    detsis_no: str  # an institution
    name: str


# "from" is a keyword: the edge's view is declared in the functional form.
FlowEdge = TypedDict(
    "FlowEdge",
    {
        "from": str,  # the institution issuing the documents
        "to": str,  # the institution whose services ask citizens for them
        "documents": list[str],
        "services": list[str],
    },
)


class FlowGraphView(TypedDict):
    nodes: list[FlowNode]
    edges: list[FlowEdge]


@dataclass(frozen=True)
class OnceOnlyRow:
    """A paper citizens bring to a service although a public institution issues it."""

    service: str
    service_name: str
    organization: str  # the service's institution
    document: str
    document_name: str
    issuer: str  # the issuing institution
    issuer_name: str
    issuer_unit: str
    issuer_unit_name: str
    annual_volume: int | None  # the service's yearly applications: papers it would save
    same_institution: bool  # the institution asks citizens for its own document


@dataclass
class Flow:
    documents: set[str] = field(default_factory=set)
    services: set[str] = field(default_factory=set)


def needs(session: Session) -> list[Need]:
    """Every active service × required document with at least one issuing institution."""
    issuer_units: dict[int, list[int]] = {}  # document → issuing units, the declared one first
    for document_id, issuer_id in session.execute(
        select(Document.id, Document.issuer_id).where(
            Document.issuer_id.is_not(None), Document.status == RecordStatus.ACTIVE
        )
    ):
        if issuer_id is not None:
            issuer_units.setdefault(document_id, []).append(issuer_id)
    for document_id, unit_id in session.execute(
        select(ServiceDocument.document_id, Service.organization_id)
        .join(Service, Service.id == ServiceDocument.service_id)
        .where(
            ServiceDocument.role == DocumentRole.ISSUED,
            Service.status == RecordStatus.ACTIVE,
        )
    ):
        issuer_units.setdefault(document_id, []).append(unit_id)
    rows = session.execute(
        select(
            Service.id,
            Service.code,
            Service.name,
            Service.organization_id,
            Service.annual_volume,
            Document.id,
            Document.code,
            Document.name,
        )
        .join(ServiceDocument, ServiceDocument.service_id == Service.id)
        .join(Document, Document.id == ServiceDocument.document_id)
        .where(
            ServiceDocument.role == DocumentRole.REQUIRED,
            Service.status == RecordStatus.ACTIVE,
            Document.id.in_(list(issuer_units)),
        )
    ).all()
    units = {row[3] for row in rows} | {u for units_ in issuer_units.values() for u in units_}
    institutions = tree.institutions_of(session, units, today())
    unit_entries = {
        org_id: PathEntry(org_id, number, version.name, version.category)
        for org_id, (number, version) in tree.versions_at(session, units, today()).items()
    }
    found: list[Need] = []
    for service_id, code, name, unit_id, volume, document_id, doc_code, doc_name in rows:
        issuers = _issuers(issuer_units[document_id], institutions, unit_entries)
        found.append(
            Need(
                service_id,
                code,
                name,
                unit_id,
                volume,
                doc_code,
                doc_name,
                issuers,
                institutions[unit_id],
            )
        )
    return found


def _issuers(
    units: list[int], institutions: dict[int, PathEntry], unit_entries: dict[int, PathEntry]
) -> list[tuple[PathEntry, PathEntry]]:
    """One (institution, unit) per issuing institution: the first unit named (the declared
    issuer before the units of issuing services), by institution name."""
    by_institution: dict[int, tuple[PathEntry, PathEntry]] = {}
    for unit in units:
        institution = institutions[unit]
        by_institution.setdefault(
            institution.organization_id, (institution, unit_entries.get(unit, institution))
        )
    return sorted(by_institution.values(), key=lambda pair: turkish.sort_key(pair[0].name))


def flow_graph(session: Session, institution_id: int | None = None) -> nx.DiGraph[str]:
    """Institutions (by DETSİS number) and the flows between them; one institution's if given."""
    graph: nx.DiGraph[str] = nx.DiGraph()
    flows: dict[tuple[str, str], Flow] = {}
    names: dict[str, str] = {}
    for need in needs(session):
        for issuer in {institution for institution, _unit in need.issuers}:
            if issuer.organization_id == need.asker.organization_id:
                continue  # within one institution: not a flow between institutions
            if institution_id is not None and institution_id not in (
                issuer.organization_id,
                need.asker.organization_id,
            ):
                continue
            flow = flows.setdefault((issuer.detsis_no, need.asker.detsis_no), Flow())
            flow.documents.add(need.document_code)
            flow.services.add(need.service_code)
            names[issuer.detsis_no] = issuer.name
            names[need.asker.detsis_no] = need.asker.name
    for number in sorted(names, key=lambda n: turkish.sort_key(names[n])):
        graph.add_node(number, name=names[number])
    for (source, target), flow in sorted(flows.items()):
        graph.add_edge(
            source, target, documents=sorted(flow.documents), services=sorted(flow.services)
        )
    return graph


# engine → (day, audit sequence, every flow); weak, so a disposed database takes its copy along
_CACHED: weakref.WeakKeyDictionary[Any, tuple[date, int, nx.DiGraph[str]]] = (
    weakref.WeakKeyDictionary()
)


def cached_flow_graph(session: Session, institution_id: int) -> nx.DiGraph[str]:
    """One institution's flows, cut from a per-process copy of every flow kept while the audit
    trail stands still: public unit pages show them, and building the whole graph reads every
    service's documents."""
    engine, day, seq = session.get_bind(), today(), audit.head_seq(session)
    cached = _CACHED.get(engine)
    if cached is not None and cached[:2] == (day, seq) and not audit.has_pending_entries(session):
        graph = cached[2]
    else:
        graph = flow_graph(session)
        if not audit.has_pending_entries(session):
            _CACHED[engine] = (day, seq, graph)
    number = tree.number_of(session, institution_id)
    edges = [(u, v) for u, v in graph.edges if number in (u, v)]
    return graph.edge_subgraph(edges).copy()


def as_json(graph: nx.DiGraph[str]) -> FlowGraphView:
    return {
        "nodes": [{"detsis_no": n, "name": graph.nodes[n]["name"]} for n in graph.nodes],
        "edges": [
            {"from": u, "to": v, "documents": d["documents"], "services": d["services"]}
            for u, v, d in graph.edges(data=True)
        ],
    }


def once_only(session: Session, unit_ids: set[int] | None = None) -> list[OnceOnlyRow]:
    """Papers citizens bring that an institution issues, by the yearly volume they would save."""
    rows: list[OnceOnlyRow] = []
    for need in needs(session):
        if unit_ids is not None and need.unit_id not in unit_ids:
            continue
        for issuer, unit in need.issuers:
            rows.append(
                OnceOnlyRow(
                    service=need.service_code,
                    service_name=need.service_name,
                    organization=need.asker.detsis_no,
                    document=need.document_code,
                    document_name=need.document_name,
                    issuer=issuer.detsis_no,
                    issuer_name=issuer.name,
                    issuer_unit=unit.detsis_no,
                    issuer_unit_name=unit.name,
                    annual_volume=need.annual_volume,
                    same_institution=need.asker.organization_id == issuer.organization_id,
                )
            )
    rows.sort(key=lambda r: (-(r.annual_volume or 0), r.service, r.document, r.issuer))
    return rows
