"""Review tasks: services to look at again after an act they rely on was amended or repealed."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from flask.views import MethodView
from marshmallow import fields, validate

from registry.accounts.auth import require_user
from registry.http.api import Blueprint
from registry.http.pages import page_of
from registry.kernel.db import get_session, write_session
from registry.workflow import review_tasks

blp = Blueprint(
    "review_tasks",
    __name__,
    url_prefix="/api/v1/review-tasks",
    description="Mevzuat değişikliği sonrası hizmet inceleme görevleri",
)
AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


class ReviewTaskQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf(("open", "confirmed", "updated")))


class ConfirmSchema(ma.Schema):
    class Meta:
        unknown = ma.RAISE

    note = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class ServiceRefSchema(ma.Schema):
    code = fields.String()
    name = fields.String()


class ActRefSchema(ma.Schema):
    id = fields.Integer()
    title = fields.String()


class ReviewTaskSchema(ma.Schema):
    id = fields.Integer()
    status = fields.String()
    cause = fields.String(metadata={"description": "amends | repeals"})
    service = fields.Nested(ServiceRefSchema)
    institution = fields.String()
    legislation = fields.Nested(ActRefSchema)
    changed_by = fields.Nested(ActRefSchema)
    request_id = fields.Integer(allow_none=True)
    created_at = fields.DateTime()
    resolved_at = fields.DateTime(allow_none=True)
    resolved_by = fields.String(allow_none=True)
    note = fields.String(allow_none=True)


@blp.route("")
class ReviewTasks(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(ReviewTaskQuerySchema, location="query")
    @blp.response(200, ReviewTaskSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Tasks the caller may see: their institution's, or all for reviewers"""
        session = get_session()
        actor = require_user()
        stmt = review_tasks.visible(session, actor, args.get("status"))
        return review_tasks.views(session, page_of(session, stmt, pagination_parameters))


@blp.route("/<int:task_id>/confirm")
class ReviewTaskConfirm(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(ConfirmSchema, required=False)
    @blp.response(200, ReviewTaskSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any], task_id: int) -> Any:
        """The institution's coordinator confirms the service still stands"""
        session = write_session()
        actor = require_user()
        task = review_tasks.confirm(session, actor, task_id, (body or {}).get("note"))
        answer = review_tasks.views(session, [task])[0]
        session.commit()
        return answer
