"""KMS: acts, their legal-basis graph, change impact and statistics (writes are change requests)."""

from __future__ import annotations

from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from registry.api import Blueprint
from registry.api.pages import page_of
from registry.api.record_history import record_history
from registry.db import get_session
from registry.models import Legislation
from registry.services import legal_graph, legislation_impact
from registry.services import legislation_records as records
from registry.services import organization_tree as tree
from schemas.legislation import (
    AtQuerySchema,
    DepthQuerySchema,
    ImpactSchema,
    LegislationQuerySchema,
    LegislationSchema,
    LegislationStatsSchema,
    LegislationSummarySchema,
    RelatedListSchema,
)
from schemas.workflow import RecordHistorySchema

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
        filters = records.ActFilter(
            type_code=args.get("type"),
            number=args.get("number"),
            status=args.get("status"),
            issuer_id=tree.organization_id(session, issuer) if issuer else None,
            q=args.get("q"),
            year=args.get("year"),
        )
        acts = page_of(session, records.list_acts(filters), pagination_parameters)
        return records.summaries(session, acts)


@blp.route("/stats")
class LegislationStats(MethodView):
    @blp.response(200, LegislationStatsSchema)
    def get(self) -> Any:
        """Counts by type and status; by issuing institution, internal kinds counted apart"""
        return legislation_impact.stats(get_session())


@blp.route("/<int:act_id>")
class LegislationDetail(MethodView):
    @blp.arguments(AtQuerySchema, location="query")
    @blp.response(200, LegislationSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict[str, Any], act_id: int) -> Any:
        """One act with its links and texts; with ``at``, as it stood on that date"""
        session = get_session()
        act = records.get_act(session, act_id)
        records.require_known(act, args.get("at"))
        return records.representation(session, act, args.get("at"))


RELATED_SUMMARIES = {
    "basis": "Upper acts this act is based on (depth 1 = direct, 'all' = transitive)",
    "derived": "Lower acts based on this act (depth 1 = direct, 'all' = transitive)",
}


def _related(direction: str) -> type[MethodView]:
    class Related(MethodView):
        @blp.doc(summary=RELATED_SUMMARIES[direction])
        @blp.arguments(DepthQuerySchema, location="query")
        @blp.response(200, RelatedListSchema)
        @blp.alt_response(404, response="NOT_FOUND")
        def get(self, args: dict[str, Any], act_id: int) -> Any:
            session = get_session()
            act = records.get_act(session, act_id)
            at = args.get("at")
            records.require_known(act, at)
            depth = None if args["depth"] == "all" else int(args["depth"])
            graph = legal_graph.current(session)
            distances = (
                graph.basis(act.id, depth) if direction == "basis" else graph.derived(act.id, depth)
            )
            acts = [
                a
                for a in _acts(session, list(distances))
                if at is None or records.known_from(a) <= at
            ]
            acts.sort(key=lambda a: (distances[a.id], a.type_code, a.sort_key, a.id))
            items = [
                {**summary, "depth": distances[a.id]}
                for summary, a in zip(records.summaries(session, acts, at), acts, strict=True)
            ]
            return {"id": act.id, "depth": args["depth"], "items": items}

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
        act = records.get_act(get_session(), act_id)
        return record_history("legislation", str(act.id), act.issuer_id)


@blp.route("/<int:act_id>/impact")
class LegislationImpact(MethodView):
    @blp.response(200, ImpactSchema)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, act_id: int) -> Any:
        """Everything depending on the act, transitively, grouped by owning institution

        Acts based on it, services citing it or anything based on it, the documents those
        services ask for or issue, and the standards tables (one per providing unit) they are in.
        """
        session = get_session()
        return legislation_impact.impact(session, records.get_act(session, act_id))


def _acts(session: Any, ids: list[int]) -> list[Legislation]:
    found: list[Legislation] = []
    for start in range(0, len(ids), 500):
        found.extend(
            session.scalars(select(Legislation).where(Legislation.id.in_(ids[start : start + 500])))
        )
    return found
