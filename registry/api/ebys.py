"""EBYS lookups: letterhead, addressee, arz/rica, signatories, distribution lists, contact block,
KEP addresses and encryption certificates, one by one or for a whole letter in one call.

Every answer is JSON or, with ``Accept: application/xml``, XML valid against
``registry/data/ebys.xsd``; each carries an ETag (304 on ``If-None-Match``) and may be served
from a cache for a minute, or for a day while the registry cannot be reached.
"""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from registry.api.representations import negotiated
from registry.db import get_session
from registry.services.ebys import answers
from schemas.ebys import (
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

from . import Blueprint

blp = Blueprint(
    "ebys",
    __name__,
    url_prefix="/api/v1/ebys",
    description="EBYS: resmî yazışma için antet, muhatap, arz/rica, imza, dağıtım, iletişim, KEP",
)


@blp.route("/letterhead/<string:detsis_no>")
class Letterhead(MethodView):
    @blp.response(200, LinesSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, detsis_no: str) -> Any:
        """The letterhead (antet) of a letter the unit writes, line by line"""
        data = answers.letterhead(get_session(), detsis_no)
        return negotiated(data, LinesSchema(), "Antet")


@blp.route("/addressee/<string:detsis_no>")
class Addressee(MethodView):
    @blp.response(200, LinesSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, detsis_no: str) -> Any:
        """The addressee (muhatap) lines of a letter to the unit: capitals, dative case"""
        data = answers.addressee(get_session(), detsis_no)
        return negotiated(data, LinesSchema(), "Muhatap")


@blp.route("/courtesy")
class Courtesy(MethodView):
    @blp.arguments(CourtesyQuerySchema, location="query")
    @blp.response(200, CourtesySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, args: dict[str, Any]) -> Any:
        """ "Arz ederim.", "Rica ederim." or "Arz ve rica ederim." (see docs/ebys.md)"""
        data = answers.courtesy(get_session(), args["sender"], args["recipients"])
        return negotiated(data, CourtesySchema(), "ArzRica")


@blp.route("/signatories/<string:detsis_no>")
class Signatories(MethodView):
    @blp.response(200, SignatoriesSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, detsis_no: str) -> Any:
        """Who signs for the unit, left to right as on the page"""
        data = answers.signatories(get_session(), detsis_no)
        return negotiated(data, SignatoriesSchema(), "ImzaYetkilileri")


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


@blp.route("/contact/<string:detsis_no>")
class Contact(MethodView):
    @blp.response(200, ContactBlockSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, detsis_no: str) -> Any:
        """The sender's contact block: address, telephone, fax, e-mail, web, KEP, "Bilgi için" """
        data = answers.contact(get_session(), detsis_no)
        return negotiated(data, ContactBlockSchema(), "IletisimBilgisi")


@blp.route("/kep/<string:detsis_no>")
class Kep(MethodView):
    @blp.response(200, KepSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, detsis_no: str) -> Any:
        """KEP addresses, the unit's own or those of the nearest unit above (inherited_from)"""
        data = answers.kep(get_session(), detsis_no)
        return negotiated(data, KepSchema(), "KepAdresleri")


@blp.route("/certificate/<string:detsis_no>")
class Certificate(MethodView):
    @blp.response(200, UnitCertificateSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, detsis_no: str) -> Any:
        """The e-correspondence encryption certificate (own or inherited), with its facts"""
        data = answers.certificate(get_session(), detsis_no)
        return negotiated(data, UnitCertificateSchema(), "SifrelemeSertifikasi")


@blp.route("/correspondence")
class Correspondence(MethodView):
    @blp.arguments(CourtesyQuerySchema, location="query")
    @blp.response(200, CorrespondenceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, args: dict[str, Any]) -> Any:
        """Everything for one letter: letterhead, arz/rica, signatories, the sender's contact
        block, and each recipient's addressee, KEP addresses and certificate (≤ 100)"""
        data = answers.correspondence(get_session(), args["sender"], args["recipients"])
        return negotiated(data, CorrespondenceSchema(), "YaziBilgileri")
