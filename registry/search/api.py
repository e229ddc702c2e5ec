"""Full-text search over services, units, legislation and documents; synonym groups."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView

from registry.accounts.auth import require_user
from registry.http.api import Blueprint
from registry.kernel.db import get_session, write_session
from registry.search import handler
from registry.search import service as search
from registry.workflow import service as workflow
from registry.workflow.requests_api import representation
from schemas.search import SearchQuerySchema, SearchResultSchema, SynonymsSchema
from schemas.workflow import ChangeRequestSchema

blp = Blueprint(
    "search",
    __name__,
    url_prefix="/api/v1/search",
    description="Türkçe tam metin arama (hizmet, birim, mevzuat, belge)",
)
AUTH: list[dict[str, list[str]]] = [{"bearerAuth": []}]


@blp.route("")
class Search(MethodView):
    @blp.arguments(SearchQuerySchema, location="query")
    @blp.response(200, SearchResultSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Search, Turkish-aware: any case, with or without Turkish letters, suffixes, typos"""
        filters = {
            name: str(args[name]) for name in ("type", "organization", "province") if args.get(name)
        }
        answer = search.search(
            get_session(), args["q"], filters, args["page"], args["page_size"], args["facets"]
        )
        return {
            "total": answer.result.total,
            "hits": answer.result.hits,
            "facets": answer.result.facets,
            "fuzzy": answer.result.fuzzy,
            "degraded": answer.degraded,
            "source": answer.source,
        }


@blp.route("/synonyms")
class Synonyms(MethodView):
    @blp.response(200, SynonymsSchema)
    def get(self) -> Any:
        """Groups of phrases searched as one ("kimlik kartı" ~ "nüfus cüzdanı")"""
        return {"groups": search.synonym_groups(get_session())}

    @blp.doc(security=AUTH)
    @blp.arguments(SynonymsSchema)
    @blp.response(202, ChangeRequestSchema)
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    def put(self, body: dict[str, Any]) -> Any:
        """Propose new synonym groups (reviewers): a change request another reviewer approves

        The answer is the change request (entity `search_synonyms`, target `all`); the groups
        change, for the next search and without a reindex, when it is approved.
        """
        session = write_session()
        request = workflow.submit(
            session,
            require_user(),
            workflow.Submission(
                entity=search.SYNONYMS,
                action="update",
                target=handler.TARGET,
                data={"groups": body["groups"]},
            ),
        )
        answer = representation(request, with_diff=True)
        session.commit()
        return answer
