"""Data flows between institutions (JSON, GraphML, SVG) and the once-only report (JSON, CSV)."""

from __future__ import annotations

import io
from typing import Any

import networkx as nx
from flask import current_app
from flask.views import MethodView

from registry.catalogue import dataflows, flow_picture
from registry.http.api import Blueprint
from registry.kernel import tabular
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.organizations import tree
from schemas.catalogue.dataflows import (
    DataflowQuerySchema,
    DataflowSchema,
    OnceOnlyQuerySchema,
    OnceOnlyRowSchema,
)

blp = Blueprint(
    "dataflows",
    __name__,
    url_prefix="/api/v1",
    description="Kurumlar arası veri akışları ve 'bir kez' (once-only) raporu",
)

ONCE_ONLY_COLUMNS = (
    ("service", "Hizmet kodu"),
    ("service_name", "Hizmet"),
    ("organization", "Hizmeti veren kurum (DETSİS)"),
    ("document", "Belge kodu"),
    ("document_name", "Belge"),
    ("issuer", "Belgeyi düzenleyen kurum (DETSİS)"),
    ("issuer_name", "Belgeyi düzenleyen kurum"),
    ("issuer_unit_name", "Belgeyi düzenleyen birim"),
    ("annual_volume", "Yıllık işlem sayısı"),
    ("same_institution", "Kendi belgesi"),
)


@blp.route("/dataflows")
class Dataflows(MethodView):
    @blp.arguments(DataflowQuerySchema, location="query")
    @blp.response(200, DataflowSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """Institutions, and an edge from the issuer of a document to each institution asking
        citizens for it, with the documents and services on it"""
        session = get_session()
        number = args.get("organization")
        institution = None
        if number:
            unit_id = tree.organization_id(session, number)
            institution = tree.institutions_of(session, [unit_id], today())[unit_id]
        graph = dataflows.flow_graph(session, institution.organization_id if institution else None)
        if institution is not None and institution.detsis_no not in graph:
            graph.add_node(institution.detsis_no, name=institution.name)
        if args["format"] == "graphml":
            return current_app.response_class(_graphml(graph), mimetype="application/graphml+xml")
        if args["format"] == "svg":
            picture = flow_picture.draw(
                graph,
                institution.detsis_no if institution else None,
                f"{institution.name}: veri akışları" if institution else "",
            )
            return current_app.response_class(picture, mimetype="image/svg+xml")
        return dataflows.as_json(graph)


def _graphml(graph: nx.DiGraph[str]) -> bytes:
    """GraphML through networkx's lxml writer; lists become ';'-joined text, with counts."""
    flat: nx.DiGraph[str] = nx.DiGraph()
    flat.add_nodes_from(graph.nodes(data=True))
    for source, target, data in graph.edges(data=True):
        flat.add_edge(
            source,
            target,
            documents=";".join(data["documents"]),
            services=";".join(data["services"]),
            document_count=len(data["documents"]),
            service_count=len(data["services"]),
        )
    buffer = io.BytesIO()
    nx.write_graphml_lxml(flat, buffer, encoding="utf-8")
    return buffer.getvalue()


@blp.route("/reports/once-only")
class OnceOnly(MethodView):
    @blp.arguments(OnceOnlyQuerySchema, location="query")
    @blp.response(200, OnceOnlyRowSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """Documents citizens must bring although a public institution issues them

        One row per service, document and issuing institution, by the yearly volume of the
        service: the paper the state would save by fetching the document itself.
        """
        session = get_session()
        number = args.get("organization")
        units = None
        if number:
            units = set(tree.subtree_ids(session, tree.organization_id(session, number), today()))
        rows = dataflows.once_only(session, units)
        if args["format"] == "csv":
            body = tabular.to_csv(
                [label for _, label in ONCE_ONLY_COLUMNS],
                ([getattr(row, key) for key, _ in ONCE_ONLY_COLUMNS] for row in rows),
            )
            response = current_app.response_class(body, mimetype="text/csv")
            response.headers["Content-Disposition"] = 'attachment; filename="once-only.csv"'
            return response
        return rows
