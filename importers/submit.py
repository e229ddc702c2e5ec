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

from importers.reading import Source
from importers.units import Plan, Planned, Refused
from registry.models import ChangeBatch, User
from registry.services import batches, workflow
from registry.services import organization_changes as changes
from registry.services.audit import Provenance
from registry.services.handlers import handler_for
from schemas.organizations import UnitInputSchema

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
    """Apply every change now, in order, in the caller's transaction."""
    provenance = Provenance(recorded_by=f"içe aktarma: {source.name} ({source.sha256[:12]})")
    created: dict[int, str] = {}  # line → the new unit's DETSİS number
    for change in plan.changes:
        valid_from = change.valid_from or on
        if change.action == "create" and change.entity == "organization":
            data = dict(change.data)
            if change.parent_line is not None:
                data["parent"] = created[change.parent_line]
            organization = changes.create_unit(
                session,
                UnitInputSchema().load(data),
                valid_from=valid_from,
                detsis_no=change.detsis_no,
                reason=reason,
                provenance=provenance,
            )
            created[change.line] = organization.detsis_no
        else:
            handler = handler_for(change.entity)
            assert handler is not None, change.entity
            handler.apply(
                session, change.action, change.target, change.data, reason, valid_from, provenance
            )
        progress(1)


def _waiting(change: Planned) -> Refused:
    return Refused(change.line, PARENT_IS_NEW)
