"""Batches: the change requests an importer files together, decided together.

An import becomes one batch of ordinary change requests, each checked and authorized on
submission exactly as if it had been sent alone. Reviewers then approve or reject the batch as a
whole, in one transaction: either every request in it is applied, or none is (the first refusal
rolls everything back and names the request and the input line it came from).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts.models import User
from registry.ebys import projection as ebys_projection
from registry.kernel.errors import Conflict, NotFound, RegistryError
from registry.standards import publication
from registry.workflow import service as workflow
from registry.workflow.models import BatchStatus, ChangeBatch, ChangeRequest, RequestStatus


@dataclass(frozen=True)
class Source:
    importer: str  # which importer read it: units, legislation, service-standards
    name: str  # the file's name, as given
    sha256: str


@dataclass(frozen=True)
class Item:
    """One change an importer wants, and where in the input it came from."""

    submission: workflow.Submission
    line: int


def submit(
    session: Session,
    actor: User,
    source: Source,
    items: Sequence[Item],
    summary: dict[str, Any],
) -> ChangeBatch:
    """File every item as a change request of one new batch; the caller commits."""
    pending = open_batch_for(session, source)
    if pending is not None:
        raise Conflict(
            f"Bu dosya zaten {pending.id} numaralı açık toplu talepte / this file is already "
            f"batch {pending.id}, still open: decide it first.",
            extra={"batch": pending.id},
        )
    batch = ChangeBatch(
        importer=source.importer,
        source=source.name[:300],
        source_sha256=source.sha256,
        submitted_by=actor.id,
        status=BatchStatus.OPEN,
        summary=summary,
    )
    session.add(batch)
    session.flush()
    lines: dict[str, int] = {}
    for item in items:
        try:
            request = workflow.submit(session, actor, item.submission)
        except RegistryError as error:
            raise type(error)(
                f"Satır {item.line}: {error.detail}", errors=error.errors, extra=error.extra
            ) from error
        request.batch_id = batch.id
        lines[str(request.id)] = item.line
    batch.summary = {**summary, "lines": lines}  # request id → input line, for refusals
    session.flush()
    return batch


def open_batch_for(session: Session, source: Source) -> ChangeBatch | None:
    return session.scalar(
        select(ChangeBatch).where(
            ChangeBatch.importer == source.importer,
            ChangeBatch.source_sha256 == source.sha256,
            ChangeBatch.status == BatchStatus.OPEN,
        )
    )


def visible(session: Session, actor: User) -> Select[ChangeBatch]:
    """Batches holding at least one request the account may see."""
    requests = workflow.visible(session, actor).with_only_columns(ChangeRequest.batch_id)
    return select(ChangeBatch).where(ChangeBatch.id.in_(requests.scalar_subquery()))


def get_visible(session: Session, actor: User, batch_id: int) -> ChangeBatch:
    found = session.scalars(visible(session, actor).where(ChangeBatch.id == batch_id)).first()
    if found is None:
        raise NotFound(f"Toplu talep {batch_id} yok / no such batch.")
    return found


def approve(session: Session, actor: User, batch_id: int, note: str | None) -> ChangeBatch:
    """Take every open request of the batch one step on, in filing order.

    A reviewer applies them all, and the standards tables they touch are republished once, for
    the whole batch; an institution's approver gives the first approval to its two-step requests
    (services) and leaves the rest for the reviewers.
    """
    batch = _locked(session, batch_id)
    for request in _open_requests(batch):
        if policy.gives_first_approvals_only(actor) and not _is_first_step(request):
            continue
        _decided(
            lambda r=request: workflow.approve(session, actor, r.id, note, republish=False),
            batch,
            request,
        )
    publication.publish_changed(session)
    ebys_projection.follow_approval(session)  # the EBYS facts of the units it touched
    _settle(batch)
    return batch


def reject(session: Session, actor: User, batch_id: int, reason: str | None) -> ChangeBatch:
    batch = _locked(session, batch_id)
    for request in _open_requests(batch):
        _decided(lambda r=request: workflow.reject(session, actor, r.id, reason), batch, request)
    _settle(batch)
    return batch


def counts(batch: ChangeBatch) -> dict[str, int]:
    tally: dict[str, int] = {}
    for request in batch.requests:
        tally[request.status] = tally.get(request.status, 0) + 1
    return tally


def _locked(session: Session, batch_id: int) -> ChangeBatch:
    batch = session.scalars(
        select(ChangeBatch).where(ChangeBatch.id == batch_id).with_for_update()
    ).one_or_none()
    if batch is None:
        raise NotFound(f"Toplu talep {batch_id} yok / no such batch.")
    if batch.status != BatchStatus.OPEN:
        raise Conflict(f"Toplu talep {batch_id} karara bağlandı / the batch is decided.")
    return batch


def _open_requests(batch: ChangeBatch) -> list[ChangeRequest]:
    return [r for r in batch.requests if RequestStatus(r.status).is_open]


def _is_first_step(request: ChangeRequest) -> bool:
    return workflow.awaits_institutions(request)


def _decided(step: Any, batch: ChangeBatch, request: ChangeRequest) -> None:
    """Run one request's transition; a refusal names the request and line it stopped at."""
    try:
        step()
    except RegistryError as error:
        line = batch.summary.get("lines", {}).get(str(request.id))
        where = f"talep {request.id}" + (f" (satır {line})" if line else "")
        raise type(error)(
            f"{where}: {error.detail} — toplu talebin hiçbir parçası uygulanmadı / nothing of "
            "the batch was applied.",
            errors=error.errors,
            extra={**error.extra, "request": request.id},
        ) from error


def _settle(batch: ChangeBatch) -> None:
    if not _open_requests(batch):
        batch.status = BatchStatus.DECIDED
