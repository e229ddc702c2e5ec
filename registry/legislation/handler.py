"""Change requests for legislation: create, update, close (a repeal from outside the registry).

Links (basis, amends, repeals) are written only here, through approved requests. Applying an
amendment or a repeal opens review tasks for the services that depend on the act it touches.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.kernel.errors import InvalidInput
from registry.legislation import graph as legal_graph
from registry.legislation import records
from registry.organizations import tree
from registry.workflow import review_tasks
from registry.workflow.handling import (
    Applied,
    load_data,
    named_unit,
    require_change,
    require_reason,
)
from schemas.legislation import (
    LegislationCloseSchema,
    LegislationInputSchema,
    LegislationUpdateSchema,
)

SCHEMAS = {
    "create": LegislationInputSchema,
    "update": LegislationUpdateSchema,
    "close": LegislationCloseSchema,
}


class LegislationHandler:
    entity = "legislation"
    actions = frozenset(SCHEMAS)
    two_step = False

    def validate(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
    ) -> None:
        loaded = load_data(SCHEMAS[action], data)
        act = records.get_act(session, target) if target is not None else None
        require_change(action, loaded)
        require_reason(action, reason)
        if action == "close":
            assert act is not None
            if act.status == "repealed":
                raise InvalidInput(
                    "Mevzuat zaten yürürlükten kaldırılmış / the act is already repealed.",
                    errors={"target": ["already repealed"]},
                )
            return
        if loaded.get("issuer"):
            tree.unit_id_for(session, loaded["issuer"], "data.issuer", open_only=False)
        records.check_identity(
            session,
            loaded.get("type_code", act.type_code if act else 0),
            loaded.get("number", act.number if act else None),
            act.id if act else None,
        )
        records.check_links(session, legal_graph.current(session), act, loaded)

    def scopes(
        self, session: Session, action: str, target: str | None, data: dict[str, Any]
    ) -> list[int | None]:
        """The issuing unit's subtree; acts without an issuer are the working group's."""
        scopes: list[int | None] = []
        if target is not None:
            scopes.append(records.get_act(session, target).issuer_id)
        if action != "close" and (action == "create" or "issuer" in data):
            scopes.append(named_unit(session, data, "issuer"))
        return scopes

    def live(self, session: Session, target: str) -> tuple[int, dict[str, Any]]:
        act = records.get_act(session, target)
        return act.version, records.record(session, act)

    def apply(
        self,
        session: Session,
        action: str,
        target: str | None,
        data: dict[str, Any],
        reason: str | None,
        effective_from: date,
        provenance: Provenance,
    ) -> Applied:
        loaded = load_data(SCHEMAS[action], data)
        if action == "create":
            applied = records.create_act(session, loaded, provenance=provenance)
        elif action == "update":
            assert target is not None
            applied = records.update_act(
                session, records.get_act(session, target).id, loaded, provenance=provenance
            )
        else:
            assert target is not None
            applied = records.close_act(
                session,
                records.get_act(session, target).id,
                loaded["repealed_on"],
                provenance=provenance,
            )
        review_tasks.open_for(session, applied, provenance.request_id)
        return Applied("legislation", str(applied.act.id))
