"""Batches of change requests filed by importers: list, look at, approve or reject as a whole."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask.views import MethodView
from sqlalchemy.orm import Session

from registry.accounts.auth import require_user
from registry.accounts.models import User
from registry.http.api import Blueprint
from registry.http.pages import page_of
from registry.kernel.db import get_session, write_session
from registry.workflow import batches
from registry.workflow import service as workflow
from registry.workflow.models import ChangeBatch
from registry.workflow.requests_api import user_names
from schemas.workflow import ChangeBatchSchema, ChangeBatchSummarySchema, TransitionInputSchema

blp = Blueprint(
    "change_batches",
    __name__,
    url_prefix="/api/v1/change-batches",
    description="İçe aktarılan toplu değişiklik talepleri (batches of change requests)",
)
AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


def representation(batch: ChangeBatch, *, with_requests: bool) -> dict[str, Any]:
    session = get_session()
    lines = batch.summary.get("lines", {})
    data: dict[str, Any] = {
        "id": batch.id,
        "importer": batch.importer,
        "source": batch.source,
        "source_sha256": batch.source_sha256,
        "submitted_by": user_names(session, {batch.submitted_by}).get(batch.submitted_by, ""),
        "submitted_at": batch.submitted_at,
        "status": batch.status,
        "counts": batches.counts(batch),
        "summary": {key: value for key, value in batch.summary.items() if key != "lines"},
    }
    if with_requests:
        data["requests"] = [
            {
                "id": request.id,
                "entity": request.entity,
                "action": request.action,
                "target": request.target,
                "status": request.status,
                "line": lines.get(str(request.id)),
                "data": request.data,
                "diff": workflow.diff(session, request),
            }
            for request in batch.requests
        ]
    return data


@blp.route("")
class ChangeBatches(MethodView):
    @blp.doc(security=AUTH)
    @blp.response(200, ChangeBatchSummarySchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> Any:
        """Batches with requests the caller may see, newest first"""
        session = get_session()
        stmt = batches.visible(session, require_user()).order_by(ChangeBatch.id.desc())
        return [
            representation(b, with_requests=False)
            for b in page_of(session, stmt, pagination_parameters)
        ]


@blp.route("/<int:batch_id>")
class ChangeBatchDetail(MethodView):
    @blp.doc(security=AUTH)
    @blp.response(200, ChangeBatchSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, batch_id: int) -> Any:
        """A batch with each request, its input line and its diff against the live record"""
        batch = batches.get_visible(get_session(), require_user(), batch_id)
        return representation(batch, with_requests=True)


@blp.route("/<int:batch_id>/approve")
class ChangeBatchApprove(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(TransitionInputSchema, required=False)
    @blp.response(200, ChangeBatchSummarySchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any], batch_id: int) -> Any:
        """Approve every open request of the batch, all or nothing

        A reviewer applies them; an institution's approver gives the first approval to the
        batch's two-step requests (services). If one request is refused, none is applied.
        """
        return _decided(batch_id, batches.approve, (body or {}).get("reason"))


@blp.route("/<int:batch_id>/reject")
class ChangeBatchReject(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(TransitionInputSchema)
    @blp.response(200, ChangeBatchSummarySchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any], batch_id: int) -> Any:
        """Reject every open request of the batch, with one reason"""
        return _decided(batch_id, batches.reject, body.get("reason"))


def _decided(
    batch_id: int,
    decide: Callable[[Session, User, int, str | None], ChangeBatch],
    reason: str | None,
) -> dict[str, Any]:
    """Approve or reject as the caller, who must be able to see the batch, in one transaction."""
    session = write_session()
    actor = require_user()
    batches.get_visible(session, actor, batch_id)
    answer = representation(decide(session, actor, batch_id, reason), with_requests=False)
    session.commit()
    return answer
