"""DBYS: matching a free-text document name, and the reviewers' queue of unmatched names."""

from __future__ import annotations

from typing import Any

from flask import request as http_request
from flask.views import MethodView

from registry.accounts import policy
from registry.accounts.auth import require_user
from registry.catalogue import document_names, name_resolution, unmatched_names
from registry.http.api import Blueprint
from registry.http.pages import page_of
from registry.kernel.db import get_session, write_session
from registry.workflow import service as workflow
from registry.workflow.requests_api import representation
from schemas.catalogue.documents import (
    ResolveQuerySchema,
    ResolveSchema,
    UnmatchedDecisionSchema,
    UnmatchedNameSchema,
    UnmatchedQuerySchema,
)
from schemas.workflow import ChangeRequestSchema

blp = Blueprint(
    "document_names",
    __name__,
    url_prefix="/api/v1/documents",
    description="Belge adlarının standart adlara eşleştirilmesi (DBYS)",
)
AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@blp.route("/resolve")
class Resolve(MethodView):
    @blp.arguments(ResolveQuerySchema, location="query")
    @blp.response(200, ResolveSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Standard documents a free-text name may mean, best first

        Turkish-aware: case, letters typed without accents, word order, extra words such as
        "fotokopisi" or "2 adet", and small typos.
        """
        return document_names.offers(get_session(), args["name"], args["limit"])


@blp.route("/unmatched")
class Unmatched(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(UnmatchedQuerySchema, location="query")
    @blp.response(200, UnmatchedNameSchema(many=True))
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Names written for services that matched no standard name well enough"""
        session = get_session()
        policy.require_not_admin(require_user())
        items = page_of(session, unmatched_names.listing(args.get("status")), pagination_parameters)
        return unmatched_names.views(session, items)


@blp.route("/unmatched/<int:item_id>/resolve")
class UnmatchedResolve(MethodView):
    @blp.doc(security=AUTH)
    @blp.arguments(UnmatchedDecisionSchema)
    @blp.response(202, ChangeRequestSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, body: dict[str, Any], item_id: int) -> Any:
        """Propose that the name be an alias of a document, or a new standard document

        The answer is a change request (entity `document_name`, target the queued name's id):
        once another person approves it, the name is resolved and the service it came from
        gets that document.
        """
        session = write_session()
        request = workflow.submit(
            session,
            require_user(),
            workflow.Submission(
                entity=name_resolution.ENTITY,
                action="update",
                target=str(item_id),
                data=http_request.get_json(),  # as written; the workflow loads it on approval
            ),
        )
        answer = representation(request, with_diff=True)
        session.commit()
        return answer
