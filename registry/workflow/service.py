"""The approval workflow: one method per transition, each recorded, each authorized here.

States: submitted → (institution_approved, for two-step entities) → approved | rejected, and
withdrawn by the submitter while open. Approval applies the change in the same transaction, so a
request is either approved and applied, or neither. Illegal transitions are 409; acting outside
one's role or scope is 403.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, or_, select
from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.audit.trail import Provenance
from registry.ebys import projection as ebys_projection
from registry.kernel.clock import today
from registry.kernel.errors import Conflict, InvalidInput, InvalidTransition, NotFound
from registry.organizations import tree
from registry.standards import publication
from registry.workflow.entities import handler_for, known_entities
from registry.workflow.handling import EntityHandler
from registry.workflow.models import (
    ChangeRequest,
    ChangeRequestEvent,
    InstitutionApproval,
    RequestStatus,
)

ACTIONS = ("create", "update", "close", "move")


@dataclass(frozen=True)
class Submission:
    entity: str
    action: str
    target: str | None
    data: dict[str, Any]
    reason: str | None = None
    effective_from: date | None = None
    base_version: int | None = None


def submit(session: Session, actor: User, submission: Submission) -> ChangeRequest:
    """File a request after checking its data and the submitter's right to touch that record."""
    policy.require_submitter(actor)
    handler = _handler(submission.entity)
    if submission.action not in handler.actions:
        raise InvalidInput(
            f"{submission.entity} için '{submission.action}' yapılamaz / action not available.",
            errors={"action": [f"one of: {', '.join(sorted(handler.actions))}"]},
        )
    if submission.action == "create" and submission.target:
        raise InvalidInput(
            "Yeni kayıt talebinde hedef olmaz / a create has no target.",
            errors={"target": ["must be empty for create"]},
        )
    if submission.action != "create" and not submission.target:
        raise InvalidInput(
            "Hedef kayıt zorunludur / the target record is required.",
            errors={"target": ["required for " + submission.action]},
        )
    handler.validate(
        session,
        submission.action,
        submission.target,
        submission.data,
        submission.reason,
        submission.effective_from,
    )
    scopes = handler.scopes(session, submission.action, submission.target, submission.data)
    days = [submission.effective_from] if submission.effective_from else []
    policy.require_scope(session, actor, scopes, on=days)
    base_version = submission.base_version
    if submission.target is not None:
        live_version, live = handler.live(session, submission.target)
        if base_version is not None and base_version != live_version:
            raise Conflict(
                f"Kayıt {base_version}. sürümden bu yana değişti (şimdi {live_version}) "
                "/ the record changed since the version this request is based on.",
                extra={"current_version": live_version},
            )
        base_version = live_version
        if (
            submission.action in ("update", "move")
            and handler.unchanged_by_live
            and not _differences(submission.data, live)
        ):
            raise InvalidInput(
                "Değişiklik yok: önerilen her değer kayıtta zaten aynı / the request changes "
                "nothing: every proposed value is already the record's.",
                errors={"data": ["same as the live record"]},
            )
    touched = handler.touched(session, submission.action, submission.target, submission.data)
    institutions = _institutions_to_agree(session, handler, scopes, touched, days)
    scope_id = next((s for s in scopes if s is not None), None)
    request = ChangeRequest(
        entity=submission.entity,
        action=submission.action,
        target=submission.target,
        data=submission.data,
        reason=submission.reason,
        effective_from=submission.effective_from,
        base_version=base_version,
        status=RequestStatus.SUBMITTED,
        scope_organization_id=scope_id,
        institution_id=_institution_of(session, scope_id),
        submitted_by=actor.id,
    )
    session.add(request)
    session.flush()
    session.add_all(
        InstitutionApproval(request_id=request.id, institution_id=institution_id)
        for institution_id in institutions
    )
    _record(session, request, None, RequestStatus.SUBMITTED, actor, submission.reason)
    return request


def approve(
    session: Session,
    actor: User,
    request_id: int,
    note: str | None = None,
    *,
    republish: bool = True,
) -> ChangeRequest:
    """Take the request one step on; the final step applies the change and republishes the
    standards tables it touches (a batch passes ``republish=False`` and republishes once, after
    all its requests, so a table gets one new version per decision)."""
    request = _locked(session, request_id)
    status = _require_open(request, "onaylanamaz", "approved")
    handler = _handler(request.entity)
    pending = pending_institutions(request)
    institution_id = policy.require_approver(
        session,
        actor,
        submitted_by=request.submitted_by,
        pending=pending,
        scope_id=request.scope_organization_id,
    )
    policy.require_new_person(  # issue 19: one person, one approval of a request
        session, actor, [s.approved_by for s in request.institutions if s.approved_by is not None]
    )
    if institution_id is not None:
        for step in request.institutions:
            if step.institution_id == institution_id:
                step.approved_by, step.approved_at = actor.id, datetime.now(UTC)
        # Each institution's agreement is a recorded step; the last one moves the request on.
        after = RequestStatus.INSTITUTION_APPROVED if len(pending) == 1 else status
        _record(session, request, status, after, actor, note)
        return request
    _apply(session, handler, request, actor)
    if republish:
        publication.publish_changed(session)
        ebys_projection.follow_approval(session)  # the EBYS facts of the units it touched
    _record(session, request, status, RequestStatus.APPROVED, actor, note)
    return request


def reject(session: Session, actor: User, request_id: int, reason: str | None) -> ChangeRequest:
    if not reason or not reason.strip():
        raise InvalidInput(
            "Ret gerekçesi zorunludur / a reason is required to reject.",
            errors={"reason": ["required"]},
        )
    request = _locked(session, request_id)
    status = _require_open(request, "reddedilemez", "rejected")
    policy.require_rejecter(
        session,
        actor,
        submitted_by=request.submitted_by,
        pending=pending_institutions(request),
        scope_id=request.scope_organization_id,
    )
    _record(session, request, status, RequestStatus.REJECTED, actor, reason)
    return request


def withdraw(
    session: Session, actor: User, request_id: int, note: str | None = None
) -> ChangeRequest:
    request = _locked(session, request_id)
    policy.require_own_request(actor, request.submitted_by)
    status = _require_open(request, "geri çekilemez", "withdrawn")
    _record(session, request, status, RequestStatus.WITHDRAWN, actor, note)
    return request


def visible(session: Session, actor: User) -> Select[ChangeRequest]:
    """The requests an account may see: reviewers all; scoped roles their subtree and their own."""
    stmt = select(ChangeRequest)
    reach = policy.change_requests_reach(session, actor)
    if not reach.everything:
        stmt = stmt.where(
            or_(
                ChangeRequest.submitted_by == actor.id,
                ChangeRequest.scope_organization_id.in_(reach.units),
                ChangeRequest.id.in_(
                    select(InstitutionApproval.request_id).where(
                        InstitutionApproval.institution_id.in_(reach.units)
                    )
                ),
            )
        )
    return stmt


def get_visible(session: Session, actor: User, request_id: int) -> ChangeRequest:
    request = session.scalars(
        visible(session, actor).where(ChangeRequest.id == request_id)
    ).one_or_none()
    if request is None:
        raise NotFound(f"Talep {request_id} yok / no such change request.")
    return request


def diff(session: Session, request: ChangeRequest) -> dict[str, Any]:
    """What approving would change, against the live record (field → current, proposed)."""
    if request.target is None:
        return {name: {"current": None, "proposed": value} for name, value in request.data.items()}
    handler = _handler(request.entity)
    try:
        version, live = handler.live(session, request.target)
    except (NotFound, InvalidInput):
        return {}
    result = _differences(request.data, live)
    if request.action == "close":
        result["status"] = {"current": live.get("status"), "proposed": "closed"}
    if request.base_version is not None and version != request.base_version:
        result["_stale"] = {"current": version, "proposed": request.base_version}
    return result


def pending_institutions(request: ChangeRequest) -> list[int]:
    """The institutions that have still to agree before the reviewers decide."""
    return [step.institution_id for step in request.institutions if step.approved_by is None]


def awaits_institutions(request: ChangeRequest) -> bool:
    """Whether the request's next approval is an institution's (a batch's approver gives those)."""
    return RequestStatus(request.status).is_open and bool(pending_institutions(request))


def _differences(data: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """Proposed fields whose value is not the live record's (field → current, proposed); a field
    the live representation does not show counts as a difference."""
    flat_live = _flatten(live)
    result: dict[str, Any] = {}
    for name, proposed in _flatten(data).items():
        key = name.replace("contact.", "").replace("province.code", "province_code")
        current = flat_live.get(key)
        if key not in flat_live or current != proposed:
            result[name] = {"current": current, "proposed": proposed}
    return result


def _institutions_to_agree(
    session: Session,
    handler: EntityHandler,
    scopes: list[int | None],
    touched: list[int | None],
    days: list[date],
) -> list[int]:
    """Whose institution approvers must agree: a two-step record's institutions (a service's
    old and new one), and every other institution whose record the change alters. Records of
    no institution are the working group's, whose reviewers decide anyway."""
    own = _institutions(session, scopes, days)
    others = _institutions(session, touched, days) - own
    return sorted((own if handler.two_step else set()) | others)


def _institutions(session: Session, org_ids: list[int | None], days: list[date]) -> set[int]:
    """The institutions of the units as of today and of each of ``days``."""
    found: set[int] = set()
    for org_id in {o for o in org_ids if o is not None}:
        for day in {today(), *days}:
            path = tree.path_at(session, org_id, day)
            if path:
                found.add(tree.institution_of(path).organization_id)
    return found


def _flatten(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict) and key in ("contact", "province"):
            out.update(_flatten(value, f"{key}."))
        else:
            out[prefix + key] = value
    return out


def _apply(session: Session, handler: EntityHandler, request: ChangeRequest, actor: User) -> None:
    if request.target is not None:
        version, _ = handler.live(session, request.target)
        if request.base_version is not None and version != request.base_version:
            raise Conflict(
                f"Kayıt talep açıldığından beri değişti ({request.base_version} → {version}); "
                "talebi güncelleyip yeniden gönderin / the record changed since the request was "
                "written.",
                extra={"current_version": version, "diff": diff(session, request)},
            )
    effective = request.effective_from or today()
    submitter = session.get(User, request.submitted_by)
    if submitter is not None and submitter.organization_id is not None:
        scopes = handler.scopes(session, request.action, request.target, request.data)
        if not policy.still_in_scope(session, submitter, scopes, effective):
            raise Conflict(
                f"Kayıt {effective.strftime('%d.%m.%Y')} tarihinde talebi açanın yetki alanı "
                "dışında kalıyor / on the day the change takes effect the record is outside "
                "the submitter's subtree.",
                errors={"effective_from": [f"outside the submitter's subtree on {effective}"]},
            )
    provenance = Provenance(
        recorded_by=accounts.actor_ref(submitter) if submitter else None,
        request_id=request.id,
        approved_by=accounts.actor_ref(actor),
    )
    applied = handler.apply(
        session,
        request.action,
        request.target,
        request.data,
        request.reason,
        effective,
        provenance,
    )
    request.result_entity, request.result_id = applied.entity, applied.id


def _record(
    session: Session,
    request: ChangeRequest,
    before: RequestStatus | None,
    after: RequestStatus,
    actor: User,
    note: str | None,
) -> None:
    request.status = after
    session.add(
        ChangeRequestEvent(
            request_id=request.id,
            from_status=before,
            to_status=after,
            actor_id=actor.id,
            note=note,
        )
    )
    session.flush()


def _locked(session: Session, request_id: int) -> ChangeRequest:
    request = session.scalars(
        select(ChangeRequest).where(ChangeRequest.id == request_id).with_for_update()
    ).one_or_none()
    if request is None:
        raise NotFound(f"Talep {request_id} yok / no such change request.")
    return request


def _require_open(request: ChangeRequest, turkish_verb: str, english_verb: str) -> RequestStatus:
    """Only submitted or institution-approved requests move on; anything else is a 409."""
    status = RequestStatus(request.status)
    if not status.is_open:
        raise InvalidTransition(
            f"Talep '{status}' durumunda; {turkish_verb} / a {status} request cannot be "
            f"{english_verb}."
        )
    return status


def _handler(entity: str) -> EntityHandler:
    handler = handler_for(entity)
    if handler is None:
        raise InvalidInput(
            f"Bilinmeyen kayıt türü / unknown entity {entity!r}.",
            errors={"entity": [f"one of: {', '.join(known_entities())}"]},
        )
    return handler


def _institution_of(session: Session, org_id: int | None) -> int | None:
    if org_id is None:
        return None
    path = tree.path_at(session, org_id, today())
    return tree.institution_of(path).organization_id if path else None
