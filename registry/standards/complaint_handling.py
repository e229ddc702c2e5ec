"""Who reads a complaint and who answers it: the citizen with the access key, the accounts of the
places of application it reached, the central reviewers (``accounts.policy`` has the rules).

An answer moves the complaint on (in review, answered, closed) for the place it is with now; a
complaint whose first place ran out of time is escalated before anyone reads or answers it, so
nobody sees a level that has run out.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts.models import User
from registry.accounts.policy import ComplaintStanding
from registry.kernel.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from registry.standards import complaints
from registry.standards.complaint_views import Audience
from registry.standards.models import Complaint, ComplaintLevel, ComplaintStatus

TRANSITIONS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.RECEIVED: (
        ComplaintStatus.IN_REVIEW,
        ComplaintStatus.ANSWERED,
        ComplaintStatus.CLOSED,
    ),
    ComplaintStatus.IN_REVIEW: (
        ComplaintStatus.ANSWERED,
        ComplaintStatus.CLOSED,
    ),
}
NOTE_REQUIRED = (ComplaintStatus.ANSWERED, ComplaintStatus.CLOSED)

_DUMMY_HASH = hashlib.sha256(b"no such complaint").hexdigest()


# ---------------------------------------------------------------------------------------------
# Reading


def open_for_citizen(
    session: Session, tracking_code: str, access_key: str, today: date
) -> Complaint:
    """The complaint for its tracking code and access key; any mismatch is the same 404."""
    code = complaints.normalize_code(tracking_code) if len(tracking_code) <= 40 else None
    complaint = (
        session.scalar(select(Complaint).where(Complaint.tracking_code == code)) if code else None
    )
    expected = complaint.access_key_hash if complaint is not None else _DUMMY_HASH
    if not hmac.compare_digest(expected, complaints.digest_key(access_key)) or complaint is None:
        raise _not_found()
    complaints.escalate_if_due(session, complaint, today)
    return complaint


@dataclass(frozen=True)
class StaffAccess:
    audience: Audience
    actions: tuple[str, ...]  # the statuses the account may set now


def open_for_staff(
    session: Session, actor: User, tracking_code: str, today: date
) -> tuple[Complaint, StaffAccess]:
    """The complaint for an account of a place of application it reached, or a reviewer.

    A complaint of another institution is the same 404 as a code that names none: a tracking
    code must not be confirmed to whoever guesses it."""
    policy.require_complaint_reader(session, actor)
    complaint = _by_code(session, tracking_code)
    complaints.escalate_if_due(session, complaint, today)
    return complaint, _access_or_not_found(session, actor, complaint, today)


def _access_or_not_found(
    session: Session, actor: User, complaint: Complaint, today: date
) -> StaffAccess:
    try:
        return access_to(session, actor, complaint, today)
    except Forbidden:
        raise _not_found() from None


def visible(session: Session, actor: User, today: date) -> Select[Complaint]:
    """The complaints an account may list: its places' (the second once escalated), or all for
    reviewers."""
    reach = policy.complaints_reach(session, actor, today)
    stmt = select(Complaint)
    if not reach.everything:
        stmt = stmt.where(
            or_(
                Complaint.first_place_id.in_(reach.units),
                and_(
                    Complaint.second_place_id.in_(reach.units),
                    Complaint.level == ComplaintLevel.SECOND,
                ),
            )
        )
    return stmt


def access_to(session: Session, actor: User, complaint: Complaint, today: date) -> StaffAccess:
    """What one complaint shows to the account, and what it may do with it (403 if nothing)."""
    return _access(session, actor, complaint, today)


def access_for(
    session: Session, actor: User, listed: list[Complaint], today: date
) -> list[StaffAccess]:
    """What each listed complaint (they passed ``visible``) shows to the account; the account's
    subtree is read once for the whole page."""
    subtree = policy.subtree_for_listing(session, actor, today)
    return [_access(session, actor, complaint, today, subtree) for complaint in listed]


def _access(
    session: Session,
    actor: User,
    complaint: Complaint,
    today: date,
    subtree: set[int] | None = None,
) -> StaffAccess:
    """Reviewers read without the contact block; the place it is with reads and acts; the first
    place, once the complaint is escalated past it, still reads."""
    standing = policy.complaint_standing(
        session,
        actor,
        current_place_id=complaints.current_place_id(complaint),
        first_place_id=complaint.first_place_id,
        at=today,
        subtree=subtree,
    )
    if standing is ComplaintStanding.REVIEWER:
        return StaffAccess(Audience.REVIEWER, ())
    if standing is ComplaintStanding.CURRENT_PLACE:
        return StaffAccess(Audience.INSTITUTION, TRANSITIONS.get(complaint.status, ()))
    return StaffAccess(Audience.INSTITUTION, ())


def _by_code(session: Session, tracking_code: str, *, lock: bool = False) -> Complaint:
    code = complaints.normalize_code(tracking_code) if len(tracking_code) <= 40 else None
    if code is None:
        raise _not_found()
    stmt = select(Complaint).where(Complaint.tracking_code == code)
    complaint = session.scalar(stmt.with_for_update() if lock else stmt)
    if complaint is None:
        raise _not_found()
    return complaint


def _not_found() -> NotFound:
    return NotFound(
        "Bu takip numarası ve erişim anahtarıyla bir şikâyet yok / no complaint with that "
        "tracking code and access key."
    )


# ---------------------------------------------------------------------------------------------
# The institution's answer


def record_event(
    session: Session,
    actor: User,
    tracking_code: str,
    status: str,
    note: str | None,
    today: date,
) -> Complaint:
    """Move a complaint on (in review, answered, closed) for the place it is with now."""
    policy.require_complaint_answerer(session, actor)
    complaint = _by_code(session, tracking_code, lock=True)
    complaints.escalate_if_due(session, complaint, today)
    _access_or_not_found(session, actor, complaint, today)  # outside its reach: no such code
    policy.require_answers_at(session, actor, complaints.current_place_id(complaint), today)
    allowed = TRANSITIONS.get(complaint.status, ())
    if status not in allowed:
        raise InvalidTransition(
            f"'{complaint.status}' durumundaki şikâyet '{status}' yapılamaz / a "
            f"{complaint.status} complaint cannot become {status}.",
            extra={"allowed": list(allowed)},
        )
    note = (note or "").strip() or None
    if status in NOTE_REQUIRED and note is None:
        raise InvalidInput(
            "Vatandaşın okuyacağı yanıt zorunludur / the answer the citizen reads is required.",
            errors={"note": [f"required when the status becomes {status}"]},
        )
    before = complaint.status
    complaint.status = ComplaintStatus(status)
    complaint.version += 1
    if status == ComplaintStatus.ANSWERED:
        complaint.answered_at = datetime.now(UTC)
    complaints.add_event(session, complaint, actor.name, before, status, note)
    return complaint
