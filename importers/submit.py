"""A plan either goes to reviewers as one batch of change requests, or is applied directly.

The batch is the normal path: every change is an ordinary change request, authorized for the
account that files it, and decided as a whole. ``--apply`` is the operator's path (the command
line runs with the server's rights): the changes are applied at once, in one transaction, through
the same services as an approved request, with the file named in the audit trail.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from importers.organizations import UNIT_SCHEMA
from importers.plan import Plan, Planned, Refused
from importers.reading import Source
from registry.accounts.models import User
from registry.audit.trail import Provenance
from registry.organizations import bulk as bulk_units
from registry.standards import publication
from registry.workflow import batches
from registry.workflow import service as workflow
from registry.workflow.entities import handler_for
from registry.workflow.models import ChangeBatch

PARENT_IS_NEW = (
    "üst birimi bu dosyada yeni; bu toplu talep onaylanınca içe aktarmayı yeniden çalıştırın / "
    "its parent is new in this file: run the import again once this batch is approved"
)


def as_batch(
    session: Session,
    actor: User,
    importer: str,
    source: Source,
    plan: Plan,
    reason: str,
    notes: dict[str, Any] | None = None,
) -> ChangeBatch:
    """File the plan as one batch; rows under a unit new in the same file wait for a second run
    (a request names its parent by DETSİS number, which exists only once the parent is approved).
    """
    items = []
    for change in plan.changes:
        if change.parent_line is not None:
            plan.refused.append(_waiting(change))
            continue
        items.append(
            batches.Item(
                workflow.Submission(
                    change.entity,
                    change.action,
                    change.target,
                    change.data,
                    reason,
                    change.valid_from,
                ),
                change.line,
            )
        )
    plan.changes = [c for c in plan.changes if c.parent_line is None]
    summary = {
        **plan.counts(),
        **(notes or {}),
        "refused_rows": [{"line": r.line, "reason": r.reason} for r in plan.refused],
    }
    return batches.submit(
        session, actor, batches.Source(importer, source.name, source.sha256), items, summary
    )


def apply_directly(
    session: Session,
    source: Source,
    plan: Plan,
    reason: str,
    on: date,
    progress: Callable[[int], None] = lambda _n: None,
) -> None:
    """Apply every change now, in order, in the caller's transaction; then republish the
    standards tables they touch, as an approval would."""
    provenance = Provenance(recorded_by=f"içe aktarma: {source.name} ({source.sha256[:12]})")
    creates = [c for c in plan.changes if c.action == "create" and c.entity == "organization"]
    index_of = {change.line: index for index, change in enumerate(creates)}
    bulk_units.create_units(
        session,
        [
            bulk_units.NewUnit(
                change.loaded if change.loaded is not None else UNIT_SCHEMA.load(change.data),
                change.valid_from or on,
                change.detsis_no,
                index_of[change.parent_line] if change.parent_line is not None else None,
            )
            for change in creates
        ],
        provenance,
        reason,
    )
    progress(len(creates))
    created: dict[int, str] = {}  # line → id of the record it created (for later references)
    for change in plan.changes:
        if change.action == "create" and change.entity == "organization":
            continue
        handler = handler_for(change.entity)
        assert handler is not None, change.entity
        applied = handler.apply(
            session,
            change.action,
            change.target,
            _with_references(change, created),
            reason,
            change.valid_from or on,
            provenance,
        )
        created[change.line] = applied.id
        progress(1)
    publication.publish_changed(session)


def _with_references(change: Planned, created: dict[int, str]) -> dict[str, Any]:
    """The change's data with its references to rows of the same file made into ids."""
    if not change.refs:
        return change.data
    data = dict(change.data)
    basis = [int(created[line]) for line in change.refs.get("basis", [])]
    if basis:
        data["basis"] = [*data.get("basis", []), *basis]
    repeals = [
        {"id": int(created[line]), "on": change.refs["repeals_on"]}
        for line in change.refs.get("repeals", [])
    ]
    if repeals:
        data["repeals"] = [*data.get("repeals", []), *repeals]
    return data


def _waiting(change: Planned) -> Refused:
    return Refused(change.line, PARENT_IS_NEW)
