"""Data flows between institutions (JSON, GraphML, SVG) and the once-only report (JSON, CSV).

Every answer is a page of the data-flow projection: the report by rows, the flows by edges
(``page``, ``page_size``; the total in ``X-Pagination``, the next and previous pages in
``Link``). The picture draws the busiest flows only: the whole state's flows do not fit one
picture, and drawing them would cost as much as computing them.
"""

from __future__ import annotations

import io
from typing import Any
from urllib.parse import urlencode

import networkx as nx
from flask import current_app, redirect, request
from flask.views import MethodView
from werkzeug.wrappers import Response

from registry.catalogue import dataflows, flow_picture
from registry.http.api import Blueprint
from registry.http.pages import offset_of
from registry.http.ratelimit import expensive_read
from registry.kernel import tabular
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput
from registry.organizations import tree
from registry.organizations.tree import PathEntry
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

PICTURE_EDGES = 40  # flows drawn in one picture: the busiest
FLOWS_PAGE, FLOWS_MAX_PAGE = 100, 1000  # edges
REPORT_PAGE, REPORT_MAX_PAGE = 500, 5000  # rows

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


def page_links(pagination: Any, total: int) -> dict[str, str]:
    """RFC 8288 ``Link`` to the first, previous, next and last pages, other arguments kept."""
    size = pagination.page_size
    last = max(1, -(-total // size))
    wanted = {"first": 1, "last": last}
    if pagination.page > 1:
        wanted["prev"] = min(pagination.page - 1, last)
    if pagination.page < last:
        wanted["next"] = pagination.page + 1
    kept = [(k, v) for k, v in request.args.items(multi=True) if k not in ("page", "page_size")]
    links = [
        f'<{request.path}?{urlencode([*kept, ("page", page), ("page_size", size)])}>; rel="{rel}"'
        for rel, page in wanted.items()
    ]
    return {"Link": ", ".join(links)}


def _institution(number: str | None) -> PathEntry | None:
    if not number:
        return None
    session = get_session()
    unit_id = tree.organization_id(session, number)
    return tree.institutions_of(session, [unit_id], today())[unit_id]


@blp.route("/dataflows")
class Dataflows(MethodView):
    @expensive_read
    @blp.arguments(DataflowQuerySchema, location="query")
    @blp.response(200, DataflowSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.paginate(page_size=FLOWS_PAGE, max_page_size=FLOWS_MAX_PAGE)
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Institutions, and an edge from the issuer of a document to each institution asking
        citizens for it, with the documents and services on it

        A page of edges (by the two DETSİS numbers) and the institutions on them. ``svg`` draws
        the busiest flows only (at most 40).
        """
        session = get_session()
        institution = _institution(args.get("organization"))
        within = institution.organization_id if institution else None
        if args["format"] == "svg":
            graph, total = dataflows.busiest_flows(session, within, PICTURE_EDGES)
        else:
            graph, total = dataflows.flows_page(
                session, within, offset_of(pagination_parameters), pagination_parameters.page_size
            )
        pagination_parameters.item_count = total
        if institution is not None and institution.detsis_no not in graph:
            graph.add_node(institution.detsis_no, name=institution.name)
        headers = page_links(pagination_parameters, total)
        if args["format"] == "graphml":
            body = current_app.response_class(_graphml(graph), mimetype="application/graphml+xml")
            return body, 200, headers
        if args["format"] == "svg":
            title = f"{institution.name}: veri akışları" if institution else ""
            if total > graph.number_of_edges():
                title = f"{title or 'Veri akışları'}: en yoğun {graph.number_of_edges()} / {total}"
            picture = flow_picture.draw(
                graph, institution.detsis_no if institution else None, title
            )
            return current_app.response_class(picture, mimetype="image/svg+xml"), 200, headers
        return dataflows.as_json(graph), 200, headers


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
    @expensive_read
    @blp.arguments(OnceOnlyQuerySchema, location="query")
    @blp.response(200, OnceOnlyRowSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    @blp.paginate(page_size=REPORT_PAGE, max_page_size=REPORT_MAX_PAGE)
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Documents citizens must bring although a public institution issues them

        One row per service, document and issuing institution, by the yearly volume of the
        service: the paper the state would save by fetching the document itself. Paginated
        (500 rows a page, at most 5,000), in CSV too.
        """
        if args["level"] == "data":
            pagination_parameters.item_count = 0  # the pages are the data-level report's
            return _to_data_level()
        if args["format"] == "xlsx":
            raise InvalidInput(
                "Bu rapor XLSX olarak yalnızca veri düzeyinde verilir / XLSX is given for "
                "level=data only.",
                errors={"format": ["json, csv"]},
            )
        session = get_session()
        number = args.get("organization")
        within = tree.organization_id(session, number) if number else None
        rows, total = dataflows.once_only_page(
            session, within, offset_of(pagination_parameters), pagination_parameters.page_size
        )
        pagination_parameters.item_count = total
        headers = page_links(pagination_parameters, total)
        if args["format"] == "csv":
            body = tabular.to_csv(
                [label for _, label in ONCE_ONLY_COLUMNS],
                ([getattr(row, key) for key, _ in ONCE_ONLY_COLUMNS] for row in rows),
            )
            response = current_app.response_class(body, mimetype="text/csv")
            response.headers["Content-Disposition"] = 'attachment; filename="once-only.csv"'
            return response, 200, headers
        return rows, 200, headers


def _to_data_level() -> Response:
    """The contract's ``?level=data`` names the metadata layer's report, served by its own view
    (the metadata context reads the catalogue, so the catalogue does not call it back)."""
    query = urlencode([(k, v) for k, v in request.args.items(multi=True) if k != "level"])
    return redirect(f"{request.script_root}/api/v1/reports/once-only-data?{query}", code=307)
