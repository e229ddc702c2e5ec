"""The legal graph in memory: acts and the services citing them, kept current from the audit trail.

Nodes are legislation ids (positive) and services (negated service ids). Edges point from an upper
act to what depends on it: ``upper → lower`` for a basis link, ``act → -service`` for a citation.
So "derived" is a walk forward, "basis" a walk backward, and the impact of an act is everything
reachable from it. Each node also carries the unit that owns it (an act's issuer, a service's
provider) and each service the documents it asks for or issues, so the impact of an act can be
counted per institution without reading those rows.

Each process keeps one graph per database and never rebuilds it per request: before answering it
reads the audit trail's head (one indexed row) and, if changes were applied since it last looked,
reloads only the acts and services those changes touched. Every write to legislation and services
appends an audit entry (``registry.audit``), so several app nodes sharing one database all see a
change on their next request after it commits.

The graph only ever absorbs committed changes: in a transaction that has already written audit
entries, ``current`` answers from the graph as last synced (or, on a first load, from a scratch
load kept until the transaction ends), so a rolled-back transaction leaves no phantom edges.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import Iterable
from typing import Any, TypedDict

import networkx as nx
from flask import Flask
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from registry.audit import projections
from registry.catalogue.models import RecordStatus, Service, ServiceDocument, ServiceLegalBasis
from registry.kernel.db import get_db
from registry.legislation.models import Legislation, LegislationLink, LinkKind

logger = logging.getLogger(__name__)
TRACKED_ENTITIES = ("legislation", "service")
SCRATCH_KEY = "legal_graph_scratch"
_BATCH = 500


class GraphSize(TypedDict):
    acts: int
    services: int
    edges: int


class LegalGraph(projections.Projection):
    ENTITIES = TRACKED_ENTITIES
    SCRATCH_KEY = SCRATCH_KEY

    def __init__(self) -> None:
        super().__init__()
        self._graph: nx.DiGraph[int] = nx.DiGraph()
        self._units: dict[int, int | None] = {}  # node → owning unit (issuer or provider)
        self._documents: dict[int, list[int]] = {}  # service id → documents it asks for or issues

    def after_first_load(self) -> None:
        # The graph's millions of objects live as long as the process: keep them out of every
        # later garbage collection, which would otherwise scan them all (a pause of hundreds of
        # milliseconds at 100,000 acts; docs/benchmarks.md).
        gc.freeze()

    def reload(self, session: Session, changed: dict[str, set[str]]) -> None:
        self._reload_acts(session, sorted(int(i) for i in changed.get("legislation", ())))
        self._reload_services(session, sorted(changed.get("service", ())))

    # -- queries (callers sync first) --

    def has_act(self, act_id: int) -> bool:
        return act_id > 0 and act_id in self._graph

    def derived(self, act_id: int, depth: int | None) -> dict[int, int]:
        """Acts based on this one (transitively up to ``depth``): id → distance."""
        return self._walk(self._graph, act_id, depth)

    def basis(self, act_id: int, depth: int | None) -> dict[int, int]:
        """Acts this one is based on (transitively up to ``depth``): id → distance."""
        return self._walk(self._graph.reverse(copy=False), act_id, depth)

    def dependents(self, act_ids: Iterable[int]) -> tuple[dict[int, int], set[int]]:
        """Everything depending on any of the acts: (derived act → distance, service ids)."""
        acts: dict[int, int] = {}
        services: set[int] = set()
        with self._lock:
            for act_id in act_ids:
                if act_id not in self._graph:
                    continue
                lengths = nx.single_source_shortest_path_length(self._graph, act_id)
                for node, distance in lengths.items():
                    if node < 0:
                        services.add(-node)
                    elif node != act_id and distance < acts.get(node, distance + 1):
                        acts[node] = distance
        return acts, services

    def cited(self, service_id: int, among: set[int]) -> list[int]:
        """The acts in ``among`` that the service cites directly."""
        with self._lock:
            node = -service_id
            if node not in self._graph:
                return []
            return sorted(act for act in self._graph.predecessors(node) if act in among)

    def units_of(self, nodes: Iterable[int]) -> dict[int, int | None]:
        """Owning unit of each node (act id, or negated service id)."""
        with self._lock:
            return {node: self._units.get(node) for node in nodes}

    def documents_of(self, service_ids: Iterable[int]) -> dict[int, list[int]]:
        """Documents each service asks for or issues (as service-document rows, not graph nodes)."""
        with self._lock:
            return {s: self._documents.get(s, []) for s in service_ids}

    def would_cycle(self, act_id: int, uppers: Iterable[int]) -> int | None:
        """An upper act that already depends on ``act_id`` (basis there would close a cycle)."""
        with self._lock:
            if act_id not in self._graph:
                return None
            below = nx.descendants(self._graph, act_id)
        for upper in uppers:
            if upper == act_id or upper in below:
                return upper
        return None

    def size(self) -> GraphSize:
        with self._lock:
            services = sum(1 for node in self._graph if node < 0)
            return {
                "acts": self._graph.number_of_nodes() - services,
                "services": services,
                "edges": self._graph.number_of_edges(),
            }

    # -- loading --

    def _walk(self, graph: Any, act_id: int, depth: int | None) -> dict[int, int]:
        with self._lock:
            if act_id not in self._graph:
                return {}
            lengths = nx.single_source_shortest_path_length(graph, act_id, cutoff=depth)
        return {node: d for node, d in lengths.items() if node > 0 and node != act_id}

    def load_all(self, session: Session) -> None:
        graph: nx.DiGraph[int] = nx.DiGraph()
        units: dict[int, int | None] = {
            act: issuer
            for act, issuer in session.execute(select(Legislation.id, Legislation.issuer_id))
        }
        graph.add_nodes_from(units)
        graph.add_edges_from(
            (target, source)
            for source, target in session.execute(
                select(LegislationLink.source_id, LegislationLink.target_id).where(
                    LegislationLink.kind == LinkKind.BASIS
                )
            )
        )
        graph.add_edges_from(
            (act, -service)
            for service, act in session.execute(
                select(ServiceLegalBasis.service_id, ServiceLegalBasis.legislation_id)
                .join(Service, Service.id == ServiceLegalBasis.service_id)
                .where(Service.status == RecordStatus.ACTIVE)
            )
        )
        units.update(
            (-service, unit)
            for service, unit in session.execute(
                select(Service.id, Service.organization_id).where(
                    Service.status == RecordStatus.ACTIVE
                )
            )
        )
        documents: dict[int, list[int]] = {}
        for service, document in session.execute(
            select(ServiceDocument.service_id, ServiceDocument.document_id)
            .join(Service, Service.id == ServiceDocument.service_id)
            .where(Service.status == RecordStatus.ACTIVE)
        ):
            documents.setdefault(service, []).append(document)
        self._graph = graph
        self._units = units
        self._documents = documents

    def _reload_acts(self, session: Session, act_ids: list[int]) -> None:
        for start in range(0, len(act_ids), _BATCH):
            chunk = act_ids[start : start + _BATCH]
            for act_id in chunk:
                if act_id in self._graph:
                    uppers = [n for n in self._graph.predecessors(act_id) if n > 0]
                    self._graph.remove_edges_from((upper, act_id) for upper in uppers)
                else:
                    self._graph.add_node(act_id)
            self._units.update(
                (act, issuer)
                for act, issuer in session.execute(
                    select(Legislation.id, Legislation.issuer_id).where(Legislation.id.in_(chunk))
                )
            )
            self._graph.add_edges_from(
                (target, source)
                for source, target in session.execute(
                    select(LegislationLink.source_id, LegislationLink.target_id).where(
                        LegislationLink.kind == LinkKind.BASIS,
                        LegislationLink.source_id.in_(chunk),
                    )
                )
            )

    def _reload_services(self, session: Session, codes: list[str]) -> None:
        for start in range(0, len(codes), _BATCH):
            chunk = codes[start : start + _BATCH]
            rows = session.execute(
                select(Service.id, Service.status, Service.organization_id).where(
                    Service.code.in_(chunk)
                )
            ).all()
            for service_id, _status, _unit in rows:
                if -service_id in self._graph:
                    self._graph.remove_node(-service_id)
                self._units.pop(-service_id, None)
                self._documents.pop(service_id, None)
            active = [service_id for service_id, s, _ in rows if s == RecordStatus.ACTIVE]
            self._units.update(
                (-service_id, unit) for service_id, s, unit in rows if s == RecordStatus.ACTIVE
            )
            for service, document in session.execute(
                select(ServiceDocument.service_id, ServiceDocument.document_id).where(
                    ServiceDocument.service_id.in_(active)
                )
            ):
                self._documents.setdefault(service, []).append(document)
            self._graph.add_edges_from(
                (act, -service)
                for service, act in session.execute(
                    select(ServiceLegalBasis.service_id, ServiceLegalBasis.legislation_id).where(
                        ServiceLegalBasis.service_id.in_(active)
                    )
                )
            )


_CURRENT: projections.PerDatabase[LegalGraph] = projections.PerDatabase(LegalGraph)


def current(session: Session) -> LegalGraph:
    """This process's graph for the session's database, synced to the last committed change."""
    return _CURRENT.of(session).sync(session)


def warm(app: Flask) -> None:
    """Load the graph before the first request (a worker's start), so no caller waits for it.

    A database not yet migrated is logged and skipped: the first request then loads the graph.
    """
    try:
        with get_db(app).sessionmaker() as session:
            size = current(session).size()
    except SQLAlchemyError as error:
        logger.warning("legal graph not warmed: %s", error.__class__.__name__)
        return
    logger.info("legal graph warmed: %(acts)d acts, %(services)d services", size)
