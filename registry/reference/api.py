"""Reference data over HTTP: the Standard File Plan, places, categories and unit types.

Thin views: a query schema in, one use case, the record's representation out (JSON, or XML with
``Accept: application/xml``). ``?at=`` answers as of a date; ``…/history`` lists the changes.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView

from registry.http.api import Blueprint
from registry.http.pages import page_of
from registry.http.representations import negotiated
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.reference import code_tables, dated, file_plan, places
from registry.reference.openapi import xml_answer
from registry.workflow.record_history import record_history
from schemas.reference import (
    AtSchema,
    CategorySchema,
    FilePlanCodeQuerySchema,
    FilePlanCodeSchema,
    FilePlanQuerySchema,
    PlaceQuerySchema,
    PlaceSchema,
    UnitTypeSchema,
)
from schemas.workflow import RecordHistorySchema

blp = Blueprint(
    "file_plan",
    __name__,
    url_prefix="/api/v1/file-plan",
    description="Standart Dosya Planı (SDP): ortak ve kuruma özgü dosya planı kodları",
)


tables_blp = Blueprint(
    "reference_tables",
    __name__,
    url_prefix="/api/v1",
    description="Yerler (il, ilçe, ülke), kurum kategorileri ve birim türleri",
)


def _at(args: dict[str, Any]) -> date:
    return args.get("at") or today()


@blp.route("")
class FilePlan(MethodView):
    @blp.doc(**xml_answer("DosyaPlani"))
    @blp.arguments(FilePlanQuerySchema, location="query")
    @blp.response(200, FilePlanCodeSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """The common codes, with an institution's own codes when ``organization`` is given"""
        session = get_session()
        stmt = file_plan.list_codes(
            session, args.get("organization"), args.get("q"), _at(args), closed=args["closed"]
        )
        rows = page_of(session, stmt, pagination_parameters)
        return negotiated(
            [file_plan.view(session, row) for row in rows],
            FilePlanCodeSchema(many=True),
            "DosyaPlani",
        )


@blp.route("/<string:code>")
class FilePlanCode(MethodView):
    @blp.doc(**xml_answer("DosyaPlaniKodu"))
    @blp.arguments(FilePlanCodeQuerySchema, location="query")
    @blp.response(200, FilePlanCodeSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], code: str) -> Any:
        """One code as it stood on ``at``: the institution's own, else the common one"""
        session = get_session()
        row = file_plan.get_code(session, code, args.get("organization"), _at(args))
        return negotiated(file_plan.view(session, row), FilePlanCodeSchema(), "DosyaPlaniKodu")


@blp.route("/<string:code>/history")
class FilePlanCodeHistory(MethodView):
    @blp.arguments(FilePlanCodeQuerySchema, location="query")
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], code: str) -> Any:
        """Every applied change of the code (who did it: for those who may see the audit)"""
        session = get_session()
        key = file_plan.key_of(code, args.get("organization"))
        row = dated.require(session, file_plan.KIND, key)
        return record_history("file_plan_code", key, row.organization_id)


@tables_blp.route("/places")
class Places(MethodView):
    @tables_blp.doc(**xml_answer("Yerler"))
    @tables_blp.arguments(PlaceQuerySchema, location="query")
    @tables_blp.response(200, PlaceSchema(many=True))
    @tables_blp.paginate(max_page_size=2000)
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Provinces (by plate code), districts and countries, with telephone area codes"""
        session = get_session()
        stmt = places.list_places(
            session, args.get("kind"), args.get("province"), args.get("q"), _at(args)
        )
        rows = page_of(session, stmt, pagination_parameters)
        return negotiated(
            [places.view(session, row) for row in rows], PlaceSchema(many=True), "Yerler"
        )


@tables_blp.route("/places/<int:place_id>")
class PlaceDetail(MethodView):
    @tables_blp.doc(**xml_answer("Yer"))
    @tables_blp.arguments(AtSchema, location="query")
    @tables_blp.response(200, PlaceSchema)
    @tables_blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], place_id: int) -> Any:
        """One place as it stood on ``at``"""
        session = get_session()
        row = places.get_place(session, place_id, _at(args))
        return negotiated(places.view(session, row), PlaceSchema(), "Yer")


@tables_blp.route("/places/<int:place_id>/history")
class PlaceHistory(MethodView):
    @tables_blp.response(200, RecordHistorySchema)
    @tables_blp.alt_response(404, response="NOT_FOUND")
    def get(self, place_id: int) -> Any:
        """Every applied change of the place"""
        dated.require(get_session(), places.KIND, str(place_id))
        return record_history(places.KIND.entity, str(place_id), None)


def _code_table(
    path: str, kind: dated.Kind[Any], schema: type, root: str, entry_root: str, doc: str
) -> None:
    """Register ``GET /{path}``, ``/{path}/{id}`` and ``/{path}/{id}/history``."""

    class Table(MethodView):
        @tables_blp.doc(**xml_answer(root))
        @tables_blp.arguments(AtSchema, location="query")
        @tables_blp.response(200, schema(many=True))
        def get(self, args: dict[str, Any]) -> Any:
            session = get_session()
            rows = code_tables.table_rows(session, kind, _at(args))
            return negotiated([kind.view(session, r) for r in rows], schema(many=True), root)

    class Entry(MethodView):
        @tables_blp.doc(**xml_answer(entry_root))
        @tables_blp.arguments(AtSchema, location="query")
        @tables_blp.response(200, schema)
        @tables_blp.alt_response(404, response="NOT_FOUND")
        def get(self, args: dict[str, Any], code: int) -> Any:
            session = get_session()
            row = dated.as_of(session, kind, str(code), _at(args))
            return negotiated(kind.view(session, row), schema(), entry_root)

    class History(MethodView):
        @tables_blp.response(200, RecordHistorySchema)
        @tables_blp.alt_response(404, response="NOT_FOUND")
        def get(self, code: int) -> Any:
            dated.require(get_session(), kind, str(code))
            return record_history(kind.entity, str(code), None)

    Table.get.__doc__ = doc
    Entry.get.__doc__ = "One entry of the table, as it stood on ``at``"
    History.get.__doc__ = "Every applied change of the entry"
    tables_blp.route(f"/{path}", endpoint=f"{path}")(Table)
    tables_blp.route(f"/{path}/<int:code>", endpoint=f"{path}_entry")(Entry)
    tables_blp.route(f"/{path}/<int:code>/history", endpoint=f"{path}_history")(History)


_code_table(
    "categories",
    code_tables.CATEGORY,
    CategorySchema,
    "Kategoriler",
    "Kategori",
    "Institution categories (DETSİS type 1): code, name, plural, parent",
)
_code_table(
    "unit-types",
    code_tables.UNIT_TYPE,
    UnitTypeSchema,
    "BirimTurleri",
    "BirimTuru",
    "Unit types (DETSİS type 2) with the addressee fields (the ending cut, the text added)",
)
