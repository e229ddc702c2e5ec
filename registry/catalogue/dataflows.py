"""Data flows between institutions, and the documents the state could fetch itself (once-only).

Both follow from two facts the registry keeps: which institution issues a document (the
document's issuer, or the institution of a service that issues it) and which services ask
citizens to bring it. An edge runs from the issuing institution to the institution whose service
asks for the document: that is data one institution holds and another makes citizens carry.

Reads answer a page from the projection's tables (``dataflow_projection``), brought up to date
first; unit names are read for the page only. ``computed_*`` compute the same answers directly
from the records (everything at once: for tests and checks, never for a request).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypedDict

import networkx as nx
from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from registry.catalogue import dataflow_models as tables
from registry.catalogue import dataflow_projection as projection
from registry.catalogue.dataflow_projection import Need
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.organizations import tree

__all__ = ["Need", "needs"]


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


def needs(session: Session) -> list[Need]:
    """Every active service × required document with at least one issuing institution."""
    wanted = projection.needs_in(session, None, None)
    issued, _facts = projection.issuer_units(session, {need.document_id for need in wanted})
    return [need for need in wanted if need.document_id in issued]


# -- pages from the projection --


def unit_names(session: Session, units: set[int]) -> dict[int, str]:
    """Today's names of the units (and institutions) on one page; "" for a unit not open."""
    return {
        org_id: version.name
        for org_id, (_no, version) in tree.versions_at(session, units, today()).items()
    }


def once_only_page(
    session: Session, within: int | None, offset: int, limit: int
) -> tuple[list[OnceOnlyRow], int]:
    """One page of the report, by yearly volume, and how many rows there are in all; only the
    services of unit ``within`` and of the units under it if given."""
    projection.sync(session)
    stmt = select(tables.OnceOnlyRow)
    if within is not None:
        path = tree.path_at(session, within, today())
        prefix = "/" + "".join(f"{e.organization_id}/" for e in path) if path else f"/{within}/"
        stmt = stmt.where(
            or_(
                tables.OnceOnlyRow.unit_path.startswith(prefix, autoescape=True),
                tables.OnceOnlyRow.unit_id == within,
            )
        )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    found = list(
        session.scalars(
            stmt.order_by(
                tables.OnceOnlyRow.rank,
                tables.OnceOnlyRow.service_code,
                tables.OnceOnlyRow.document_code,
                tables.OnceOnlyRow.issuer_no,
            )
            .offset(offset)
            .limit(limit)
        )
    )
    names = unit_names(session, {r.issuer_id for r in found} | {r.issuer_unit_id for r in found})
    return [
        OnceOnlyRow(
            service=row.service_code,
            service_name=row.service_name,
            organization=row.organization_no,
            document=row.document_code,
            document_name=row.document_name,
            issuer=row.issuer_no,
            issuer_name=names.get(row.issuer_id, ""),
            issuer_unit=row.issuer_unit_no,
            issuer_unit_name=names.get(row.issuer_unit_id, ""),
            annual_volume=row.annual_volume,
            same_institution=row.same_institution,
        )
        for row in found
    ], total


def _edges(institution_id: int | None) -> Select[Any]:
    stmt = select(tables.DataflowEdge)
    if institution_id is not None:
        stmt = stmt.where(
            or_(
                tables.DataflowEdge.source_id == institution_id,
                tables.DataflowEdge.target_id == institution_id,
            )
        )
    return stmt


def flows_page(
    session: Session, institution_id: int | None, offset: int, limit: int
) -> tuple[nx.DiGraph[str], int]:
    """One page of the flows (by the numbers of the two institutions), the institutions on it,
    and how many flows there are in all; one institution's flows, in and out, if given."""
    projection.sync(session)
    stmt = _edges(institution_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    edges = list(
        session.scalars(
            stmt.order_by(tables.DataflowEdge.source_no, tables.DataflowEdge.target_no)
            .offset(offset)
            .limit(limit)
        )
    )
    return _graph(session, edges), total


def busiest_flows(
    session: Session, institution_id: int | None, limit: int
) -> tuple[nx.DiGraph[str], int]:
    """The ``limit`` flows with the most documents (a picture, a unit's page), and how many
    flows there are in all."""
    projection.sync(session)
    stmt = _edges(institution_id)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    edges = list(
        session.scalars(
            stmt.order_by(
                tables.DataflowEdge.document_count.desc(),
                tables.DataflowEdge.source_no,
                tables.DataflowEdge.target_no,
            ).limit(limit)
        )
    )
    return _graph(session, edges), total


def _graph(session: Session, edges: list[tables.DataflowEdge]) -> nx.DiGraph[str]:
    """Edges as a graph: nodes by Turkish name, edges in the order given."""
    names = unit_names(session, {e.source_id for e in edges} | {e.target_id for e in edges})
    numbers = {e.source_id: e.source_no for e in edges} | {e.target_id: e.target_no for e in edges}
    graph: nx.DiGraph[str] = nx.DiGraph()
    for org_id in sorted(numbers, key=lambda i: (turkish.sort_key(names.get(i, "")), numbers[i])):
        graph.add_node(numbers[org_id], name=names.get(org_id, ""))
    graph.graph["order"] = [(edge.source_no, edge.target_no) for edge in edges]
    for edge in edges:
        graph.add_edge(
            edge.source_no,
            edge.target_no,
            documents=edge.documents.split(";") if edge.documents else [],
            services=edge.services.split(";") if edge.services else [],
        )
    return graph


def as_json(graph: nx.DiGraph[str]) -> FlowGraphView:
    """Nodes by name; edges in the order of the page (networkx would group them by node)."""
    order = graph.graph.get("order") or list(graph.edges)
    return {
        "nodes": [{"detsis_no": n, "name": graph.nodes[n]["name"]} for n in graph.nodes],
        "edges": [
            {
                "from": u,
                "to": v,
                "documents": graph.edges[u, v]["documents"],
                "services": graph.edges[u, v]["services"],
            }
            for u, v in order
        ],
    }


# -- computed directly from the records (tests, checks) --


def computed_once_only(session: Session) -> list[OnceOnlyRow]:
    """The whole report computed from the records, in the order of the pages."""
    rows, placed = projection.rows_for(session, None, None)
    found = [
        OnceOnlyRow(
            service=row["service_code"],
            service_name=row["service_name"],
            organization=row["organization_no"],
            document=row["document_code"],
            document_name=row["document_name"],
            issuer=row["issuer_no"],
            issuer_name=placed[row["issuer_unit_id"]].institution.name,
            issuer_unit=row["issuer_unit_no"],
            issuer_unit_name=placed[row["issuer_unit_id"]].entry.name,
            annual_volume=row["annual_volume"],
            same_institution=row["same_institution"],
        )
        for row in rows
    ]
    found.sort(key=lambda r: (-(r.annual_volume or 0), r.service, r.document, r.issuer))
    return found


def computed_flows(session: Session) -> FlowGraphView:
    """Every flow computed from the records, edges by the two institutions' numbers."""
    rows, _placed = projection.rows_for(session, None, None)
    edges = sorted(projection.edges_of(rows), key=lambda e: (e["source_no"], e["target_no"]))
    names = unit_names(session, {e["source_id"] for e in edges} | {e["target_id"] for e in edges})
    numbers = {e["source_id"]: e["source_no"] for e in edges}
    numbers |= {e["target_id"]: e["target_no"] for e in edges}
    return {
        "nodes": [
            {"detsis_no": numbers[i], "name": names.get(i, "")}
            for i in sorted(numbers, key=lambda i: (turkish.sort_key(names.get(i, "")), numbers[i]))
        ],
        "edges": [
            {
                "from": e["source_no"],
                "to": e["target_no"],
                "documents": e["documents"].split(";"),
                "services": e["services"].split(";"),
            }
            for e in edges
        ],
    }
