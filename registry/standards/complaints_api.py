"""Complaints about service standards tables, the satisfaction survey, and its rates.

The public writes (filing a complaint, rating a service) need no account and are rate- and
size-limited per client. A complaint is read back with its tracking code and the access key shown
once at filing (header ``X-Access-Key``), or by the accounts of its places of application.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask.views import MethodView

from registry.accounts.auth import current_user, require_user
from registry.catalogue import services as records
from registry.http.api import Blueprint
from registry.http.pages import page_of
from registry.http.ratelimit import public_write
from registry.kernel import clock
from registry.kernel.db import get_session, write_session
from registry.kernel.errors import Unauthorized
from registry.organizations import tree
from registry.standards import (
    complaint_handling,
    complaint_views,
    complaints,
    rating_clients,
    surveys,
)
from registry.standards.models import Complaint
from schemas.standards.complaints import (
    ComplaintEventInputSchema,
    ComplaintFiledSchema,
    ComplaintInputSchema,
    ComplaintQuerySchema,
    ComplaintSchema,
    SatisfactionQuerySchema,
    SatisfactionSchema,
    SurveyInputSchema,
    SurveySchema,
)

blp = Blueprint(
    "complaints",
    __name__,
    url_prefix="/api/v1/complaints",
    description="Hizmet standartlarına ilişkin şikâyetler (complaints)",
)
surveys_blp = Blueprint(
    "surveys",
    __name__,
    url_prefix="/api/v1",
    description="Kamu hizmetleri memnuniyet anketi (KMA) ve memnuniyet oranları",
)

AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]
ACCESS_KEY_HEADER = "X-Access-Key"
_KEY_PARAMETER = {
    "in": "header",
    "name": ACCESS_KEY_HEADER,
    "required": False,
    "schema": {"type": "string"},
    "description": "The access key given when the complaint was filed (the citizen's way in); "
    "institution accounts send their Bearer token instead",
}


@blp.route("")
class Complaints(MethodView):
    @public_write("complaint")
    @blp.arguments(ComplaintInputSchema)
    @blp.response(201, ComplaintFiledSchema)
    @blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body: dict[str, Any]) -> Any:
        """File a complaint about a service standards table (no account needed)

        The answer carries the tracking code and the access key: the key is shown only here.
        """
        session = write_session()
        today = clock.today()
        filed = complaints.file_complaint(session, complaints.Filing(**body), today=today)
        answer = complaint_views.filed_view(session, filed, today)
        session.commit()
        return answer

    @blp.doc(security=AUTH)
    @blp.arguments(ComplaintQuerySchema, location="query")
    @blp.response(200, ComplaintSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Complaints with the caller's places of application (reviewers: all, without contact)

        Complaints past their due date are escalated first, so the list shows today's levels.
        """
        session = write_session()
        actor = require_user()
        today = clock.today()
        stmt = complaint_handling.visible(session, actor, today)
        complaints.escalate_overdue(session, today)  # before the query: levels decide who sees
        if args.get("status"):
            stmt = stmt.where(Complaint.status == args["status"])
        if args.get("level"):
            stmt = stmt.where(Complaint.level == args["level"])
        page = page_of(session, stmt.order_by(Complaint.id.desc()), pagination_parameters)
        accesses = complaint_handling.access_for(session, actor, page, today)
        answer = complaint_views.views(
            session, page, [(a.audience, a.actions) for a in accesses], today
        )
        session.commit()
        return answer


@blp.route("/<string:tracking_code>")
class ComplaintDetail(MethodView):
    @blp.doc(security=[{}, *AUTH], parameters=[_KEY_PARAMETER])
    @blp.response(200, ComplaintSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, tracking_code: str) -> Any:
        """A complaint: for the citizen with X-Access-Key, or for its institution's accounts

        A wrong code and a wrong key are the same 404.
        """
        session = write_session()
        today = clock.today()
        key = request.headers.get(ACCESS_KEY_HEADER, "")
        if key:
            complaint = complaint_handling.open_for_citizen(session, tracking_code, key, today)
            answer = complaint_views.view(
                session, complaint, complaint_views.Audience.CITIZEN, today
            )
        else:
            actor = current_user()
            if actor is None:
                raise Unauthorized(
                    f"Şikâyeti okumak için {ACCESS_KEY_HEADER} başlığında erişim anahtarını "
                    f"gönderin / send the access key in the {ACCESS_KEY_HEADER} header.",
                    errors={ACCESS_KEY_HEADER: ["required"]},
                    extra={"_headers": {"WWW-Authenticate": 'Bearer realm="registry"'}},
                )
            complaint, access = complaint_handling.open_for_staff(
                session, actor, tracking_code, today
            )
            answer = complaint_views.view(
                session, complaint, access.audience, today, access.actions
            )
        session.commit()
        return answer


@blp.route("/<string:tracking_code>/events")
class ComplaintEvents(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(ComplaintEventInputSchema)
    @blp.response(201, ComplaintSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any], tracking_code: str) -> Any:
        """Move a complaint on: in_review, answered (with the answer as note) or closed

        Only a coordinator or approver of the place of application the complaint is with now.
        """
        session = write_session()
        actor = require_user()
        today = clock.today()
        complaint = complaint_handling.record_event(
            session, actor, tracking_code, body["status"], body.get("note"), today
        )
        access = complaint_handling.access_to(session, actor, complaint, today)
        answer = complaint_views.view(session, complaint, access.audience, today, access.actions)
        session.commit()
        return answer


@surveys_blp.route("/surveys")
class Surveys(MethodView):
    @public_write("survey")
    @surveys_blp.arguments(SurveyInputSchema)
    @surveys_blp.response(201, SurveySchema)
    @surveys_blp.alt_response(409, response="CONFLICT")
    @surveys_blp.alt_response(413, response="REQUEST_ENTITY_TOO_LARGE")
    @surveys_blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def post(self, body: dict[str, Any]) -> Any:
        """Rate a service from 1 (not satisfied at all) to 5 (very satisfied); anonymous

        One rating per client (its address and user agent, kept only as a keyed hash), service
        and day: a second one that day is 409.
        """
        session = write_session()
        today = clock.today()
        response = surveys.submit(
            session,
            service=body["service"],
            score=body["score"],
            comment=body.get("comment"),
            client=rating_clients.request_client_key(body["service"], today),
            today=today,
        )
        answer = {
            "service": body["service"],
            "organization": tree.number_of(session, response.organization_id),
            "score": response.score,
            "comment": response.comment,
            "created_at": response.created_at,
        }
        session.commit()
        return answer


@surveys_blp.route("/stats/satisfaction")
class SatisfactionStats(MethodView):
    @surveys_blp.arguments(SatisfactionQuerySchema, location="query")
    @surveys_blp.response(200, SatisfactionSchema)
    @surveys_blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any]) -> Any:
        """Satisfaction rates: overall, for a unit's subtree, for a service, or broken down

        ``rate`` is the percentage of responses scoring 4 or 5, one decimal, null without
        responses. ``group_by`` adds one entry per institution, unit or service.
        """
        session = get_session()
        today = clock.today()
        organization = args.get("organization")
        org_id = tree.organization_id(session, organization) if organization else None
        service_id = (
            records.get_service(session, args["service"]).id if args.get("service") else None
        )
        overall = surveys.satisfaction(
            session, organization_id=org_id, service_id=service_id, at=today
        )
        answer: dict[str, Any] = {
            **overall.as_dict(),
            "organization": organization,
            "service": args.get("service"),
            "group_by": args.get("group_by"),
        }
        if args.get("group_by"):
            groups = surveys.breakdown(
                session, args["group_by"], organization_id=org_id, service_id=service_id, at=today
            )
            answer["groups"] = [group.as_dict() for group in groups]
        return answer
