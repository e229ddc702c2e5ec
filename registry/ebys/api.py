"""EBYS lookups: letterhead, addressee, arz/rica, signatories, distribution lists, contact block,
KEP addresses and encryption certificates, one by one or for a whole letter in one call.

Every answer is JSON or, with ``Accept: application/xml``, XML valid against
``registry/data/ebys.xsd``; each carries an ETag (304 on ``If-None-Match``) and may be served
from a cache for a minute, or for a day while the registry cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import marshmallow as ma
from flask import Response, request
from flask.views import MethodView
from sqlalchemy.orm import Session

from registry.ebys import answer_cache, answers
from registry.http.answer_cache import Rendered
from registry.http.api import Blueprint
from registry.http.representations import negotiated, negotiated_response, wants_xml
from registry.kernel.clock import today
from registry.kernel.db import get_session
from schemas.ebys.lookups import (
    ContactBlockSchema,
    CorrespondenceSchema,
    CourtesyQuerySchema,
    CourtesySchema,
    DistributionListQuerySchema,
    DistributionListSchema,
    KepSchema,
    LinesSchema,
    SignatoriesSchema,
    UnitCertificateSchema,
)

blp = Blueprint(
    "ebys",
    __name__,
    url_prefix="/api/v1/ebys",
    description="EBYS: resmî yazışma için antet, muhatap, arz/rica, imza, dağıtım, iletişim, KEP",
)


# Dumping only: one instance each (a schema's construction costs more than its dump here).
COURTESY = CourtesySchema()
CORRESPONDENCE = CorrespondenceSchema()


# An answer of ``registry.ebys.answers`` (a view of ``registry.ebys.views``), dumped by its schema.
Answer = Mapping[str, object]


def _rendered(build: Callable[[], Answer], schema: ma.Schema, root: str) -> Response:
    """The answer as JSON or XML with its ETag, rendered once and kept while no unit or
    signatory changes (at most a minute): EBYS systems ask the same things all day."""

    def render() -> Rendered:
        return Rendered.of(negotiated_response(build(), schema, root))

    key = (request.path, request.query_string, wants_xml(), today())
    return answer_cache.rendered(get_session(), key, render).response()


def _unit_lookup(
    path: str,
    answer: Callable[[Session, str], Answer],
    schema: type[ma.Schema],
    root: str,
    doc: str,
) -> None:
    """Register ``GET /ebys/{path}/{detsis_no}``: one unit's answer, in JSON or XML."""

    dumper = schema()

    class UnitLookup(MethodView):
        @blp.response(200, schema)
        @blp.alt_response(404, response="NOT_FOUND")
        @blp.alt_response(410, response="GONE")
        def get(self, detsis_no: str) -> Any:
            return _rendered(lambda: answer(get_session(), detsis_no), dumper, root)

    UnitLookup.get.__doc__ = doc
    blp.route(f"/{path}/<string:detsis_no>", endpoint=path)(UnitLookup)


_unit_lookup(
    "letterhead",
    answers.letterhead,
    LinesSchema,
    "Antet",
    "The letterhead (antet) of a letter the unit writes, line by line",
)
_unit_lookup(
    "addressee",
    answers.addressee,
    LinesSchema,
    "Muhatap",
    "The addressee (muhatap) lines of a letter to the unit: capitals, dative case",
)
_unit_lookup(
    "signatories",
    answers.signatories,
    SignatoriesSchema,
    "ImzaYetkilileri",
    "Who signs for the unit, left to right as on the page",
)
_unit_lookup(
    "contact",
    answers.contact,
    ContactBlockSchema,
    "IletisimBilgisi",
    'The sender\'s contact block: address, telephone, fax, e-mail, web, KEP, "Bilgi için"',
)
_unit_lookup(
    "kep",
    answers.kep,
    KepSchema,
    "KepAdresleri",
    "KEP addresses, the unit's own or those of the nearest unit above (inherited_from)",
)
_unit_lookup(
    "certificate",
    answers.certificate,
    UnitCertificateSchema,
    "SifrelemeSertifikasi",
    "The e-correspondence encryption certificate (own or inherited), with its facts",
)


@blp.route("/courtesy")
class Courtesy(MethodView):
    @blp.arguments(CourtesyQuerySchema, location="query")
    @blp.response(200, CourtesySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, args: dict[str, Any]) -> Any:
        """ "Arz ederim.", "Rica ederim." or "Arz ve rica ederim." (see docs/ebys.md)"""
        return _rendered(
            lambda: answers.courtesy(get_session(), args["sender"], args["recipients"]),
            COURTESY,
            "ArzRica",
        )


@blp.route("/distribution-lists")
class DistributionLists(MethodView):
    @blp.arguments(DistributionListQuerySchema, location="query")
    @blp.response(200, DistributionListSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """The unit's distribution lists (dağıtım), with gereği and bilgi recipients"""
        data = answers.distribution_lists(get_session(), args["owner"])
        return negotiated(data, DistributionListSchema(many=True), "DagitimListeleri")


@blp.route("/distribution-lists/<int:list_id>")
class DistributionList(MethodView):
    @blp.response(200, DistributionListSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, list_id: int) -> Any:
        """One distribution list"""
        data = answers.distribution_list(get_session(), list_id)
        return negotiated(data, DistributionListSchema(), "DagitimListesi")


@blp.route("/correspondence")
class Correspondence(MethodView):
    @blp.arguments(CourtesyQuerySchema, location="query")
    @blp.response(200, CorrespondenceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, args: dict[str, Any]) -> Any:
        """Everything for one letter: letterhead, arz/rica, signatories, the sender's contact
        block, and each recipient's addressee, KEP addresses and certificate (≤ 100)"""
        return _rendered(
            lambda: answers.correspondence(get_session(), args["sender"], args["recipients"]),
            CORRESPONDENCE,
            "YaziBilgileri",
        )
