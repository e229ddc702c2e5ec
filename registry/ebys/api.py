"""EBYS lookups: letterhead, addressee, arz/rica, signatories, distribution lists, contact block,
KEP addresses and encryption certificates, one by one or for a whole letter in one call.

Every answer is JSON or, with ``Accept: application/xml``, XML valid against
``registry/data/ebys.xsd``; each carries an ETag (304 on ``If-None-Match``) and may be served
from a cache for a minute, or for a day while the registry cannot be reached.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from importlib import resources
from typing import Any

import marshmallow as ma
from flask import Response, current_app, request
from flask.views import MethodView
from sqlalchemy.orm import Session

from registry.ebys import answer_cache, answers, e_correspondence
from registry.http.answer_cache import Rendered
from registry.http.api import Blueprint
from registry.http.representations import negotiated, negotiated_response, wants_xml
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput
from registry.reference import file_plan
from registry.reference.openapi import xml_answer
from schemas.ebys.lookups import (
    ContactBlockSchema,
    CorrespondenceQuerySchema,
    CorrespondenceSchema,
    CourtesyQuerySchema,
    CourtesySchema,
    DistributionListQuerySchema,
    DistributionListSchema,
    KepSchema,
    LetterDateSchema,
    LinesSchema,
    SignatoriesSchema,
    UnitCertificateSchema,
)
from schemas.ebys.unit_records import (
    CertificateChangeSchema,
    CertificateOwnerSchema,
    CertificateOwnersQuerySchema,
    DistributionBlockSchema,
    DistributionQuerySchema,
    EypVersionSchema,
    SinceQuerySchema,
)
from schemas.reference import RecordNumberQuerySchema, RecordNumberSchema

blp = Blueprint(
    "ebys",
    __name__,
    url_prefix="/api/v1/ebys",
    description="EBYS: resmî yazışma için antet, muhatap, arz/rica, imza, dağıtım, iletişim, KEP",
)


# Dumping only: one instance each (a schema's construction costs more than its dump here).
COURTESY = CourtesySchema()
CORRESPONDENCE = CorrespondenceSchema()
SIGNATORIES = SignatoriesSchema()


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
        @blp.doc(**xml_answer(root))
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


@blp.route("/signatories/<string:detsis_no>")
class UnitSignatories(MethodView):
    @blp.doc(**xml_answer("ImzaYetkilileri"))
    @blp.arguments(LetterDateSchema, location="query")
    @blp.response(200, SignatoriesSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """Who signs for the unit on the letter's date (``at``), left to right as on the page;
        a signatory naming a manager post signs as its holder then, or is marked ``vacant``"""
        return _rendered(
            lambda: answers.signatories(get_session(), detsis_no, args.get("at")),
            SIGNATORIES,
            "ImzaYetkilileri",
        )


@blp.route("/courtesy")
class Courtesy(MethodView):
    @blp.doc(**xml_answer("ArzRica"))
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
    @blp.doc(**xml_answer("DagitimListeleri"))
    @blp.arguments(DistributionListQuerySchema, location="query")
    @blp.response(200, DistributionListSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """The unit's distribution lists (dağıtım), with gereği and bilgi recipients"""
        data = answers.distribution_lists(get_session(), args["owner"])
        return negotiated(data, DistributionListSchema(many=True), "DagitimListeleri")


@blp.route("/distribution-lists/<int:list_id>")
class DistributionList(MethodView):
    @blp.doc(**xml_answer("DagitimListesi"))
    @blp.response(200, DistributionListSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, list_id: int) -> Any:
        """One distribution list"""
        data = answers.distribution_list(get_session(), list_id)
        return negotiated(data, DistributionListSchema(), "DagitimListesi")


@blp.route("/correspondence")
class Correspondence(MethodView):
    @blp.doc(**xml_answer("YaziBilgileri"))
    @blp.arguments(CorrespondenceQuerySchema, location="query")
    @blp.response(200, CorrespondenceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, args: dict[str, Any]) -> Any:
        """Everything for one letter: letterhead, arz/rica, signatories, the sender's contact
        block, and each recipient's addressee, KEP addresses and certificate (≤ 100)"""
        return _rendered(
            lambda: answers.correspondence(
                get_session(), args["sender"], args["recipients"], args.get("at")
            ),
            CORRESPONDENCE,
            "YaziBilgileri",
        )


@blp.route("/record-number")
class RecordNumber(MethodView):
    @blp.doc(**xml_answer("SayiDenetimi"))
    @blp.arguments(RecordNumberQuerySchema, location="query")
    @blp.response(200, RecordNumberSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Whether a letter's number (E-<DETSİS>-<file plan code>-<n>) names a unit open on
        ``on`` and a code of its institution's plan (or the common one) on that date"""
        check = file_plan.check_record_number(
            get_session(), args["value"], args.get("on") or today()
        )
        data = {**check.__dict__, "valid": check.valid}
        return negotiated(data, RecordNumberSchema(), "SayiDenetimi")


@blp.route("/eyp-versions")
class EypVersions(MethodView):
    @blp.doc(**xml_answer("EYazismaSurumleri"))
    @blp.arguments(SinceQuerySchema, location="query")
    @blp.response(200, EypVersionSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Institutions whose e-Yazışma package version changed in the registry since ``since``"""
        data = e_correspondence.eyp_changed_since(get_session(), args["since"])
        return negotiated(data, EypVersionSchema(many=True), "EYazismaSurumleri")


@blp.route("/certificates")
class Certificates(MethodView):
    @blp.doc(**xml_answer("Sertifikalar"))
    @blp.arguments(SinceQuerySchema, location="query")
    @blp.response(200, CertificateChangeSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Units whose own encryption certificate was registered, replaced or removed since
        ``since`` (the new certificate itself: ``/ebys/certificate/{detsis_no}``)"""
        data = e_correspondence.certificates_changed_since(get_session(), args["since"])
        return negotiated(data, CertificateChangeSchema(many=True), "Sertifikalar")


@blp.route("/certificate-owners")
class CertificateOwners(MethodView):
    @blp.doc(**xml_answer("SertifikaSahiplikleri"))
    @blp.arguments(CertificateOwnersQuerySchema, location="query")
    @blp.response(200, CertificateOwnerSchema(many=True))
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """Each unit of a subtree with the unit whose certificate it uses"""
        data = e_correspondence.certificate_owners(
            get_session(), args["organization"], args.get("at") or today()
        )
        return negotiated(data, CertificateOwnerSchema(many=True), "SertifikaSahiplikleri")


@blp.route("/distribution")
class Distribution(MethodView):
    @blp.doc(**xml_answer("Dagitim"))
    @blp.arguments(DistributionQuerySchema, location="query")
    @blp.response(200, DistributionBlockSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(410, response="GONE")
    def get(self, args: dict[str, Any]) -> Any:
        """The addressee ("DAĞITIM YERLERİNE" for several) and the "Dağıtım:" block with its
        Gereği and Bilgi recipients, for ``to``/``info`` numbers or a distribution ``list``"""
        session = get_session()
        if args.get("list_id") is not None:
            if args.get("action") or args.get("information"):
                raise InvalidInput(
                    "Ya liste ya alıcılar / a list or recipients, not both.",
                    errors={"list": ["not with to/info"]},
                )
            data = e_correspondence.distribution_of_list(session, args["list_id"])
        else:
            recipients = [
                e_correspondence.Recipient(n, "gereği") for n in args.get("action", [])
            ] + [e_correspondence.Recipient(n, "bilgi") for n in args.get("information", [])]
            data = e_correspondence.distribution(session, recipients)
        return negotiated(data, DistributionBlockSchema(), "Dagitim")


@blp.route("/schema.xsd")
class XmlSchema(MethodView):
    @blp.response(200, content_type="application/xml")
    def get(self) -> Any:
        """The XML Schema of the EBYS answers (``Accept: application/xml``)"""
        body = resources.files("registry").joinpath("data/ebys.xsd").read_bytes()
        return current_app.response_class(body, mimetype="application/xml")
