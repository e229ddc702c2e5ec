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
from registry.kernel.errors import RegistryError
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
) -> ChangeBatch | None:
    """File the plan as one batch (none when nothing is left to file).

    Each change is first tried alone as the workflow would take it (in a savepoint, undone), so
    a row the workflow refuses is refused with its line and reason instead of failing the whole
    batch; rows under a record new in the same file wait for a second run (a request names its
    parent by number, which exists only once approved).
    """
    refused: dict[int, str] = {}
    failed: set[int] = set()  # lines that will not be taken on a second run either
    for change in plan.changes:
        if change.parent_line is None and change.line not in refused:
            problem = _refused_on_submission(session, actor, _submission(change, reason))
            if problem is not None:
                refused[change.line] = problem
                failed.add(change.line)
    for change in plan.changes:  # in line order: a parent is settled before its children
        if change.parent_line is not None and change.line not in refused:
            if change.parent_line in failed:
                refused[change.line] = _parent_not_taken(change.parent_line)
                failed.add(change.line)
            else:
                refused[change.line] = PARENT_IS_NEW
    plan.refused.extend(Refused(line, why) for line, why in refused.items())
    plan.changes = [c for c in plan.changes if c.line not in refused]
    items = [batches.Item(_submission(change, reason), change.line) for change in plan.changes]
    if not items:
        return None
    summary = {
        **plan.counts(),
        **(notes or {}),
        "refused_rows": [{"line": r.line, "reason": r.reason} for r in plan.refused],
        "pending_rows": [{"line": r.line, "reason": r.reason} for r in plan.pending],
    }
    return batches.submit(
        session, actor, batches.Source(importer, source.name, source.sha256), items, summary
    )


def _submission(change: Planned, reason: str) -> workflow.Submission:
    return workflow.Submission(
        change.entity, change.action, change.target, change.data, reason, change.valid_from
    )


def _refused_on_submission(
    session: Session, actor: User, submission: workflow.Submission
) -> str | None:
    """Why the workflow would refuse this request on its own, or None (tried, then undone)."""
    savepoint = session.begin_nested()
    try:
        workflow.submit(session, actor, submission)
    except RegistryError as error:
        fields = "; ".join(f"{k}: {' '.join(map(str, v))}" for k, v in (error.errors or {}).items())
        return f"{error.detail} ({fields})" if fields else error.detail
    finally:
        savepoint.rollback()
    return None


def _parent_not_taken(line: int) -> str:
    return (
        f"bağlı olduğu satır ({line}) alınmadı / the row it depends on (line {line}) was not taken"
    )


def refuse_what_fails(session: Session, plan: Plan, reason: str, on: date) -> None:
    """Try each change alone exactly as ``--apply`` applies it (in a savepoint, undone) and
    refuse, with its line and reason, each one the registry would refuse. ``--dry-run`` and
    ``--apply`` both run this, so a dry run predicts every refusal of the real run.

    New units go through the bulk writer (checked there, and by the unit schema when planned);
    a change that refers to a row new in the same file is tried when that row exists."""
    provenance = Provenance(recorded_by="içe aktarma denemesi / import check")
    refused: dict[int, str] = {}
    for change in plan.changes:
        new_unit = change.entity == "organization" and change.action == "create"
        depends = change.parent_line is not None or any(
            change.refs.get(key) for key in ("basis", "repeals")
        )
        if new_unit or depends or change.line in refused:
            continue
        handler = handler_for(change.entity)
        assert handler is not None, change.entity
        savepoint = session.begin_nested()
        try:
            handler.apply(
                session,
                change.action,
                change.target,
                change.data,
                reason,
                change.valid_from or on,
                provenance,
            )
        except RegistryError as error:
            fields = "; ".join(
                f"{k}: {' '.join(map(str, v))}" for k, v in (error.errors or {}).items()
            )
            refused[change.line] = f"{error.detail} ({fields})" if fields else error.detail
        finally:
            savepoint.rollback()
    plan.refused.extend(Refused(line, why) for line, why in refused.items())
    plan.changes = [c for c in plan.changes if c.line not in refused]


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
