"""A unit's reference records for EBYS over HTTP: its managers, other identifiers, budget type,
officers, place and e-Yazışma package version, each as of a date (``?at=``) with its history.

Thin views: a query schema in, one use case, the representation out (JSON, or XML with
``Accept: application/xml``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask.views import MethodView

from registry.accounts import policy
from registry.accounts.auth import require_user
from registry.ebys import e_correspondence, identifiers, managers, officers
from registry.http.api import Blueprint
from registry.http.representations import negotiated
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.organizations import tree
from registry.reference import dated, places
from registry.reference.openapi import xml_answer
from registry.workflow.record_history import record_history
from schemas.ebys.unit_records import (
    BudgetProfileSchema,
    EypVersionSchema,
    IdentifierLookupSchema,
    IdentifiersSchema,
    ManagersSchema,
    OfficersSchema,
    PersonKeyInputSchema,
    PersonKeySchema,
)
from schemas.reference import AtSchema, UnitPlaceSchema
from schemas.workflow import RecordHistorySchema

blp = Blueprint(
    "ebys_units",
    __name__,
    url_prefix="/api/v1",
    description="Birimlerin yöneticileri, diğer tanıtıcıları, bütçe türü, işlem yetkilileri, yeri",
)
UNIT = "/organizations/<string:detsis_no>"


def _at(args: dict[str, Any]) -> date:
    return args.get("at") or today()


@blp.route(f"{UNIT}/managers")
class Managers(MethodView):
    @blp.doc(**xml_answer("Yoneticiler"))
    @blp.arguments(AtSchema, location="query")
    @blp.response(200, ManagersSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """Who held the unit's head post on ``at`` (IYEMKurumYoneticisiGetir)"""
        session = get_session()
        on = _at(args)
        posts = [managers.view(session, p) for p in managers.managers_on(session, detsis_no, on)]
        data = {"detsis_no": detsis_no, "at": on, "managers": posts}
        return negotiated(data, ManagersSchema(), "Yoneticiler")


@blp.route(f"{UNIT}/managers/history")
class ManagerHistory(MethodView):
    @blp.doc(**xml_answer("Yoneticiler"))
    @blp.response(200, ManagersSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, detsis_no: str) -> Any:
        """Every post of the unit, oldest first (closed records included, marked)"""
        session = get_session()
        posts = [managers.view(session, p) for p in managers.post_history(session, detsis_no)]
        data = {"detsis_no": detsis_no, "at": today(), "managers": posts}
        return negotiated(data, ManagersSchema(), "Yoneticiler")


@blp.route("/manager-posts/<string:post_id>/history")
class ManagerPostHistory(MethodView):
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, post_id: str) -> Any:
        """Every applied change of one post record"""
        row = dated.require(get_session(), managers.KIND, post_id)
        return record_history(managers.KIND.entity, post_id, row.organization_id)


@blp.route("/person-keys")
class PersonKeys(MethodView):
    @blp.arguments(PersonKeyInputSchema)
    @blp.response(200, PersonKeySchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    def post(self, data: dict[str, Any]) -> Any:
        """The person key of a national id or personnel number, for a manager post's request
        (nothing is stored: requests carry the key, never the id)"""
        policy.require_submitter(require_user())
        return {"person_key": managers.person_key_for(data["person_id"])}


def _dated_lookup(path: str, kind: dated.Kind[Any], schema: type, root: str, doc: str) -> None:
    """Register ``GET {UNIT}/{path}`` (as of ``at``) and ``GET {UNIT}/{path}/history``."""

    class Current(MethodView):
        @blp.doc(**xml_answer(root))
        @blp.arguments(AtSchema, location="query")
        @blp.response(200, schema)
        @blp.alt_response(404, response="NOT_FOUND")
        def get(self, args: dict[str, Any], detsis_no: str) -> Any:
            session = get_session()
            tree.organization_id(session, detsis_no)
            row = dated.as_of(session, kind, detsis_no, _at(args))
            return negotiated(kind.view(session, row), schema(), root)

    class History(MethodView):
        @blp.response(200, RecordHistorySchema)
        @blp.alt_response(404, response="NOT_FOUND")
        def get(self, detsis_no: str) -> Any:
            row = dated.require(get_session(), kind, detsis_no)
            return record_history(kind.entity, detsis_no, row.organization_id)

    Current.get.__doc__ = doc
    History.get.__doc__ = "Every applied change of the record"
    blp.route(f"{UNIT}/{path}", endpoint=path)(Current)
    blp.route(f"{UNIT}/{path}/history", endpoint=f"{path}_history")(History)


_dated_lookup(
    "identifiers",
    identifiers.IDENTIFIERS,
    IdentifiersSchema,
    "Taniticilar",
    "The unit's e-tebligat (UETS) address, old ledger number (kütük no) and tax number",
)
_dated_lookup(
    "budget-type",
    identifiers.BUDGET,
    BudgetProfileSchema,
    "ButceTuru",
    "The institution's budget type and legal personality",
)


@blp.route("/identifiers")
class IdentifierLookup(MethodView):
    @blp.doc(**xml_answer("TaniticiAramasi"))
    @blp.arguments(IdentifierLookupSchema, location="query")
    @blp.response(200, IdentifiersSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """The units with a kütük no, UETS address or tax number (the reverse lookup)"""
        session = get_session()
        field = next(k for k in ("kutuk_no", "uets", "tax_no") if args.get(k))
        rows = identifiers.lookup(session, field, args[field], _at(args))
        return negotiated(
            [identifiers.IDENTIFIERS.view(session, r) for r in rows],
            IdentifiersSchema(many=True),
            "TaniticiAramasi",
        )


@blp.route("/budget-types")
class BudgetTypes(MethodView):
    @blp.doc(**xml_answer("ButceTurleri"))
    @blp.arguments(AtSchema, location="query")
    @blp.response(200, BudgetProfileSchema(many=True))
    def get(self, args: dict[str, Any]) -> Any:
        """Every institution's budget type and legal personality (AnaKurumlarButceTurleri)"""
        session = get_session()
        rows = identifiers.budget_profiles(session, _at(args))
        return negotiated(
            [identifiers.BUDGET.view(session, r) for r in rows],
            BudgetProfileSchema(many=True),
            "ButceTurleri",
        )


@blp.route(f"{UNIT}/officers")
class Officers(MethodView):
    @blp.doc(**xml_answer("IslemYetkilileri"))
    @blp.arguments(AtSchema, location="query")
    @blp.response(200, OfficersSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """The accounts that keep the institution's records, with their work contact"""
        data = {
            "detsis_no": detsis_no,
            "officers": officers.officers_of(get_session(), detsis_no, _at(args)),
        }
        return negotiated(data, OfficersSchema(), "IslemYetkilileri")


@blp.route(f"{UNIT}/place")
class UnitPlace(MethodView):
    @blp.doc(**xml_answer("BulunduguYer"))
    @blp.arguments(AtSchema, location="query")
    @blp.response(200, UnitPlaceSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """The unit's place as EBYS systems store it: district, else province, else 0"""
        session = get_session()
        on = _at(args)
        _org_id, version = tree.current_version(session, detsis_no, on)
        number = places.place_number_of(session, version, on)
        place = places.view(session, places.get_place(session, number, on)) if number else None
        data = {"detsis_no": detsis_no, "place_id": number, "place": place}
        return negotiated(data, UnitPlaceSchema(), "BulunduguYer")


@blp.route(f"{UNIT}/eyp-version")
class UnitEypVersion(MethodView):
    @blp.doc(**xml_answer("EYazismaSurumu"))
    @blp.arguments(AtSchema, location="query")
    @blp.response(200, EypVersionSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], detsis_no: str) -> Any:
        """The e-Yazışma package version the unit's EBYS accepts (own or its institution's)"""
        data = e_correspondence.eyp_version_of(get_session(), detsis_no, _at(args))
        return negotiated(data, EypVersionSchema(), "EYazismaSurumu")


__all__ = ["blp"]
