"""The approval workflow over HTTP: submit, approve, reject, withdraw, list."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import func, select

from registry.accounts.auth import require_user
from registry.accounts.models import User
from registry.http.api import Blueprint
from registry.http.pages import offset_of
from registry.kernel.db import get_session, write_session
from registry.organizations import tree
from registry.workflow import service as workflow
from registry.workflow.models import ChangeRequest
from schemas.workflow import (
    ChangeRequestInputSchema,
    ChangeRequestQuerySchema,
    ChangeRequestSchema,
    TransitionInputSchema,
)

blp = Blueprint(
    "change_requests",
    __name__,
    url_prefix="/api/v1/change-requests",
    description="Değişiklik talepleri ve onay akışı (approval workflow)",
)

AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def representation(request: ChangeRequest, *, with_diff: bool = False) -> dict[str, Any]:
    """The request as the API shows it; call before commit so the diff is against the record."""
    session = get_session()
    steps = request.institutions
    names = user_names(
        session,
        {
            request.submitted_by,
            *(e.actor_id for e in request.events),
            *(s.approved_by for s in steps if s.approved_by is not None),
        },
    )
    numbers = tree.numbers_of(session, {s.institution_id for s in steps})
    data: dict[str, Any] = {
        "id": request.id,
        "entity": request.entity,
        "action": request.action,
        "target": request.target,
        "data": request.data,
        "reason": request.reason,
        "effective_from": request.effective_from,
        "base_version": request.base_version,
        "status": request.status,
        "submitted_by": names.get(request.submitted_by, ""),
        "submitted_at": request.submitted_at,
        "history": [
            {
                "from_status": e.from_status,
                "to_status": e.to_status,
                "by": names.get(e.actor_id, ""),
                "at": e.at,
                "note": e.note,
            }
            for e in request.events
        ],
        "institutions": [
            {
                "institution": numbers.get(s.institution_id),
                "approved_by": names.get(s.approved_by) if s.approved_by is not None else None,
                "approved_at": s.approved_at,
            }
            for s in steps
        ],
        "result": (
            {"entity": request.result_entity, "id": request.result_id}
            if request.result_id
            else None
        ),
    }
    if with_diff:
        data["diff"] = workflow.diff(session, request)
    return data


def user_names(session: Any, ids: set[int]) -> dict[int, str]:
    rows = session.execute(select(User.id, User.name).where(User.id.in_(ids))).all()
    return {user_id: f"{name} (#{user_id})" for user_id, name in rows}


@blp.route("")
class ChangeRequests(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(ChangeRequestInputSchema)
    @blp.response(201, ChangeRequestSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any]) -> Any:
        """Submit a change for review"""
        session = write_session()
        actor = require_user()
        request = workflow.submit(session, actor, workflow.Submission(**body))
        answer = representation(request, with_diff=True)
        session.commit()
        return answer

    @blp.doc(security=AUTH)
    @blp.arguments(ChangeRequestQuerySchema, location="query")
    @blp.response(200, ChangeRequestSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Change requests the caller may see, newest first"""
        actor = require_user()
        session = get_session()
        stmt = workflow.visible(session, actor)
        if args.get("status"):
            stmt = stmt.where(ChangeRequest.status == args["status"])
        if args.get("entity"):
            stmt = stmt.where(ChangeRequest.entity == args["entity"])
        pagination_parameters.item_count = session.scalar(
            select(func.count()).select_from(stmt.subquery())
        )
        page = session.scalars(
            stmt.order_by(ChangeRequest.id.desc())
            .offset(offset_of(pagination_parameters))
            .limit(pagination_parameters.page_size)
        ).all()
        return [representation(r) for r in page]


@blp.route("/<int:request_id>")
class ChangeRequestDetail(MethodView):
    @blp.doc(security=AUTH)
    @blp.response(200, ChangeRequestSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, request_id: int) -> Any:
        """One change request, with its diff against the live record"""
        actor = require_user()
        return representation(
            workflow.get_visible(get_session(), actor, request_id), with_diff=True
        )


def _transition(name: str, summary: str) -> type[MethodView]:
    class Transition(MethodView):
        @blp.doc(security=AUTH, summary=summary, description=TRANSITION_DOCS[name])
        @blp.arguments(TransitionInputSchema, required=False)
        @blp.response(200, ChangeRequestSchema)
        @blp.alt_response(401, response="UNAUTHORIZED")
        @blp.alt_response(403, response="FORBIDDEN")
        @blp.alt_response(404, response="NOT_FOUND")
        @blp.alt_response(409, response="CONFLICT")
        def post(self, body: dict[str, Any], request_id: int) -> Any:
            session = write_session()
            actor = require_user()
            reason = (body or {}).get("reason")
            if name == "approve":
                request = workflow.approve(session, actor, request_id, reason)
            elif name == "reject":
                request = workflow.reject(session, actor, request_id, reason)
            else:
                request = workflow.withdraw(session, actor, request_id, reason)
            answer = representation(request)
            session.commit()
            return answer

    Transition.__name__ = f"ChangeRequest{name.capitalize()}"
    return Transition


TRANSITION_DOCS = {
    "approve": "While `institutions` lists an institution that has not agreed (a service's "
    "providing institutions, old and new on a move; any other institution whose record the "
    "change alters), its approver approves for it; then a reviewer. Nobody approves their own "
    "request. The final approval applies the change atomically and returns `result`.",
    "reject": "Body `{reason}` (required).",
    "withdraw": "Only the submitter, while the request is open.",
}

for _name, _summary in (
    ("approve", "Approve; the final approval applies the change"),
    ("reject", "Reject with a reason"),
    ("withdraw", "Withdraw one's own open request"),
):
    blp.route(f"/<int:request_id>/{_name}", endpoint=_name)(_transition(_name, _summary))
