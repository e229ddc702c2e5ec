"""KMS: acts, their legal-basis graph, change impact and statistics (writes are change requests)."""

from __future__ import annotations

import json
from typing import Any

from flask import current_app
from flask.views import MethodView
from sqlalchemy import select

from registry.audit import cached_reads, projections
from registry.http.api import Blueprint
from registry.http.pages import offset_of, page_of
from registry.http.ratelimit import expensive_read
from registry.kernel.db import get_session
from registry.legislation import graph as legal_graph
from registry.legislation import impact as legislation_impact
from registry.legislation import reading
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.workflow.record_history import record_history
from schemas.legislation import (
    AtQuerySchema,
    DepthQuerySchema,
    ImpactQuerySchema,
    ImpactSchema,
    LegislationQuerySchema,
    LegislationSchema,
    LegislationStatsSchema,
    LegislationSummarySchema,
    RelatedActSchema,
)
from schemas.workflow import RecordHistorySchema

# One scan of every act: computed once per change of an act or of the tree (the institutions it
# counts by) and per day, not per request (docs/benchmarks.md, issue 20).
_STATS: projections.PerDatabase[cached_reads.CachedRead[legislation_impact.LegislationStats]] = (
    cached_reads.per_database("organization", "legislation")
)

blp = Blueprint(
    "legislation",
    __name__,
    url_prefix="/api/v1/legislation",
    description="Mevzuat (KMS): dayanak, değişiklik ve yürürlükten kaldırma ilişkileri",
)


@blp.route("")
class LegislationList(MethodView):
    @blp.arguments(LegislationQuerySchema, location="query")
    @blp.response(200, LegislationSummarySchema(many=True))
    @blp.paginate()
    def get(self, args: dict[str, Any], pagination_parameters: Any) -> Any:
        """Acts by type, number, status, issuer, year or words of the title (Turkish-insensitive)"""
        session = get_session()
        issuer = args.get("issuer")
        filters = reading.ActFilter(
            type_code=args.get("type"),
            number=args.get("number"),
            status=args.get("status"),
            issuer_id=tree.organization_id(session, issuer) if issuer else None,
            q=args.get("q"),
            year=args.get("year"),
        )
        acts = page_of(session, reading.list_acts(filters), pagination_parameters)
        return reading.summaries(session, acts)


@blp.route("/stats")
class LegislationStats(MethodView):
    @blp.response(200, LegislationStatsSchema)
    def get(self) -> Any:
        """Counts by type and status; by issuing institution, internal kinds counted apart"""
        session = get_session()
        return _STATS.of(session).answer(session, legislation_impact.stats)


@blp.route("/<int:act_id>")
class LegislationDetail(MethodView):
    @blp.arguments(AtQuerySchema, location="query")
    @blp.response(200, LegislationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], act_id: int) -> Any:
        """One act with its links and texts; with ``at``, as it stood on that date"""
        session = get_session()
        act = reading.get_act(session, act_id)
        reading.require_known(act, args.get("at"))
        return reading.representation(session, act, args.get("at"))


RELATED_SUMMARIES = {
    "basis": "Upper acts this act is based on (depth 1 = direct, 'all' = transitive)",
    "derived": "Lower acts based on this act (depth 1 = direct, 'all' = transitive)",
}


def _related(direction: str) -> type[MethodView]:
    class Related(MethodView):
        @blp.doc(summary=RELATED_SUMMARIES[direction])
        @blp.arguments(DepthQuerySchema, location="query")
        @blp.response(200, RelatedActSchema(many=True))
        @blp.alt_response(404, response="NOT_FOUND")
        @blp.paginate()
        def get(self, args: dict[str, Any], act_id: int, pagination_parameters: Any) -> Any:
            """Nearest first; paginated, the total in ``X-Pagination``"""
            session = get_session()
            act = reading.get_act(session, act_id)
            at = args.get("at")
            reading.require_known(act, at)
            depth = None if args["depth"] == "all" else int(args["depth"])
            graph = legal_graph.current(session)
            walk = graph.basis if direction == "basis" else graph.derived
            distances = walk(act.id, depth)
            ids = sorted(distances, key=lambda i: (distances[i], i))
            if at is not None:
                existing = reading.known_by(session, ids, at)
                ids = [i for i in ids if i in existing]
            pagination_parameters.item_count = len(ids)
            offset = offset_of(pagination_parameters)
            page = ids[offset : offset + pagination_parameters.page_size]
            acts = {
                a.id: a
                for a in session.scalars(select(Legislation).where(Legislation.id.in_(page)))
            }
            return reading.related(session, [acts[i] for i in page], distances, at)

    Related.__name__ = f"Legislation{direction.capitalize()}"
    return Related


blp.route("/<int:act_id>/basis", endpoint="basis")(_related("basis"))
blp.route("/<int:act_id>/derived", endpoint="derived")(_related("derived"))


@blp.route("/<int:act_id>/history")
class LegislationHistory(MethodView):
    @blp.response(200, RecordHistorySchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, act_id: int) -> Any:
        """Every applied change of the act: what changed and when; who, for authorized callers"""
        act = reading.get_act(get_session(), act_id)
        return record_history("legislation", str(act.id), act.issuer_id)


@blp.route("/<int:act_id>/impact")
class LegislationImpact(MethodView):
    @expensive_read  # a framework law's impact lists tens of thousands of records
    @blp.arguments(ImpactQuerySchema, location="query")
    @blp.response(200, ImpactSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(429, response="TOO_MANY_REQUESTS")
    def get(self, args: dict[str, Any], act_id: int) -> Any:
        """Everything depending on the act, transitively, grouped by owning institution

        Acts based on it, services citing it or anything based on it, the documents those
        services ask for or issue, and the standards tables (one per providing unit) they are in:
        counted per institution, or listed with ``details=true``; ``institution`` keeps one.
        """
        session = get_session()
        act = reading.get_act(session, act_id)
        number = args.get("institution")
        data = legislation_impact.impact(
            session,
            act,
            institution=tree.unit_id_for(session, number, "institution", open_only=False)
            if number
            else None,
            details=args["details"],
        )
        # Serialized directly: the impact of a framework law holds tens of thousands of
        # entries already in their final shape, and a schema dump would triple the time.
        body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
        return current_app.response_class(body, mimetype="application/json")
