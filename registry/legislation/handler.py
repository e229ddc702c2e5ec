"""Change requests for legislation: create, update, close (a repeal from outside the registry).

Links (basis, amends, repeals) are written only here, through approved requests. Applying an
amendment or a repeal opens review tasks for the services that depend on the act it touches.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from registry.kernel.errors import InvalidInput
from registry.legislation import graph as legal_graph
from registry.legislation import reading, records
from registry.organizations import tree
from registry.workflow import review_tasks
from registry.workflow.handling import (
    Change,
    Proposal,
    RecordHandler,
    changes_something,
    named_unit,
    reason_to_close,
)
from schemas.legislation import (
    LegislationCloseSchema,
    LegislationInputSchema,
    LegislationUpdateSchema,
)


def _target_exists(session: Session, proposal: Proposal) -> None:
    if proposal.target is not None:
        reading.get_act(session, proposal.target)


def _not_repealed_yet(session: Session, proposal: Proposal) -> None:
    if proposal.action != "close":
        return
    assert proposal.target is not None
    if reading.get_act(session, proposal.target).status == "repealed":
        raise InvalidInput(
            "Mevzuat zaten yürürlükten kaldırılmış / the act is already repealed.",
            errors={"target": ["already repealed"]},
        )


def _fits_the_registry(session: Session, proposal: Proposal) -> None:
    """The issuer exists, the number is not another act's, and the links make sense."""
    if proposal.action == "close":
        return
    loaded = proposal.data
    act = reading.get_act(session, proposal.target) if proposal.target is not None else None
    if loaded.get("issuer"):
        tree.unit_id_for(session, loaded["issuer"], "data.issuer", open_only=False)
    records.check_identity(
        session,
        loaded.get("type_code", act.type_code if act else 0),
        loaded.get("number", act.number if act else None),
        act.id if act else None,
    )
    records.check_links(session, legal_graph.current(session), act, loaded)


def _scopes(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The issuing unit's subtree; acts without an issuer are the working group's."""
    scopes: list[int | None] = []
    if target is not None:
        scopes.append(reading.get_act(session, target).issuer_id)
    if action != "close" and (action == "create" or "issuer" in data):
        scopes.append(named_unit(session, data, "issuer"))
    return scopes


def _touched(
    session: Session, action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """The issuers of the acts it amends or repeals: changing another issuer's act needs that
    institution's agreement (acts of no issuer in the registry are the working group's)."""
    if action == "close":
        return []
    ids = [item["id"] for name in ("amends", "repeals") for item in data.get(name) or []]
    return [reading.get_act(session, str(act_id)).issuer_id for act_id in ids]


def _live(session: Session, target: str) -> tuple[int, dict[str, Any]]:
    act = reading.get_act(session, target)
    return act.version, reading.record(session, act)


def _create(session: Session, change: Change) -> str:
    applied = records.create_act(session, change.data, provenance=change.provenance)
    return _reviewed(session, change, applied)


def _update(session: Session, change: Change) -> str:
    assert change.target is not None
    act_id = reading.get_act(session, change.target).id
    applied = records.update_act(session, act_id, change.data, provenance=change.provenance)
    return _reviewed(session, change, applied)


def _close(session: Session, change: Change) -> str:
    assert change.target is not None
    act_id = reading.get_act(session, change.target).id
    applied = records.close_act(
        session, act_id, change.data["repealed_on"], provenance=change.provenance
    )
    return _reviewed(session, change, applied)


def _reviewed(session: Session, change: Change, applied: records.Applied) -> str:
    """Every act amended or repealed asks the services that rest on it to be reviewed."""
    review_tasks.open_for(session, applied, change.provenance.request_id)
    return str(applied.act.id)


HANDLER = RecordHandler(
    entity="legislation",
    schemas={
        "create": LegislationInputSchema,
        "update": LegislationUpdateSchema,
        "close": LegislationCloseSchema,
    },
    checks=(
        _target_exists,
        changes_something,
        reason_to_close(),
        _not_repealed_yet,
        _fits_the_registry,
    ),
    scopes=_scopes,
    touches=_touched,
    live=_live,
    appliers={"create": _create, "update": _update, "close": _close},
)
