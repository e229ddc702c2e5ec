"""Complaints about service standards tables, tracked to a result (regulation of 31/7/2009, art. 6).

A citizen files a complaint at the unit where they applied; it goes to the first place of
application printed under that unit's table, which has ``response_days`` working days to answer.
Unanswered by then, it moves to the second place of application with a new period. The citizen
follows it with a tracking code and an access key shown once.

Personal data: the complaint's contact block (and its free text) is read only by the citizen and
the institution concerned. Nothing here writes to the audit trail, the change feed, the search
index or the log.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import Select, and_, or_, select
from sqlalchemy.orm import Session

from registry.accounts import service as accounts
from registry.accounts.models import Role, User
from registry.catalogue.models import RecordStatus, Service
from registry.kernel.clock import aware
from registry.kernel.errors import Forbidden, InvalidInput, InvalidTransition, NotFound
from registry.kernel.workdays import add_working_days
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion
from registry.standards.models import (
    Complaint,
    ComplaintEvent,
    ComplaintLevel,
    ComplaintStatus,
    ComplaintSubject,
    ServiceStandardContacts,
)

# Working days a place of application has to answer when its contacts record names none. The
# regulation leaves the period to the institution; 15 working days is the period the Right to
# Information Act (4982, art. 11) gives for an answer, and well inside the 30 days of the Petition
# Act (3071, art. 7).
DEFAULT_RESPONSE_DAYS = 15

TRACKING_PREFIX = "HSY-"
# No 0/O, 1/I: a code read out on the phone or copied from paper is typed back right.
TRACKING_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
TRACKING_LENGTH = 8  # 32**8 ≈ 10**12 codes; guessing one still needs its access key
ACCESS_KEY_BYTES = 32  # 256 bits

CITIZEN = "vatandaş"
SYSTEM = "sistem"
ESCALATION_NOTE = (
    "İlk müracaat yeri süresi içinde yanıt vermediği için şikâyet ikinci müracaat yerine "
    "aktarıldı / not answered in time: passed to the second place of application."
)

OPEN_STATUSES = (ComplaintStatus.RECEIVED.value, ComplaintStatus.IN_REVIEW.value)
TRANSITIONS: dict[str, tuple[str, ...]] = {
    ComplaintStatus.RECEIVED.value: (
        ComplaintStatus.IN_REVIEW.value,
        ComplaintStatus.ANSWERED.value,
        ComplaintStatus.CLOSED.value,
    ),
    ComplaintStatus.IN_REVIEW.value: (
        ComplaintStatus.ANSWERED.value,
        ComplaintStatus.CLOSED.value,
    ),
}
NOTE_REQUIRED = (ComplaintStatus.ANSWERED.value, ComplaintStatus.CLOSED.value)

_DUMMY_HASH = hashlib.sha256(b"no such complaint").hexdigest()


class Audience(StrEnum):
    """Who reads a complaint, which decides what of it they see."""

    CITIZEN = "citizen"  # holds the access key: everything, staff shown as their place
    INSTITUTION = "institution"  # a place of application's account: everything
    REVIEWER = "reviewer"  # the central working group: everything but the contact block


@dataclass(frozen=True)
class Filing:
    subject: str
    text: str
    contact: dict[str, Any]
    organization: str  # DETSİS number of the unit where the citizen applied
    service: str | None = None  # service code
    service_name: str | None = None


@dataclass(frozen=True)
class Route:
    first_place_id: int
    second_place_id: int | None
    response_days: int


@dataclass(frozen=True)
class Filed:
    complaint: Complaint
    access_key: str  # shown once, never stored


# ---------------------------------------------------------------------------------------------
# Filing


def file_complaint(session: Session, filing: Filing, *, today: date) -> Filed:
    """Record a complaint at its first place of application; the caller commits."""
    if filing.subject not in {subject.value for subject in ComplaintSubject}:
        raise InvalidInput(
            "Geçersiz şikâyet konusu / unknown subject.",
            errors={"subject": [f"one of: {', '.join(s.value for s in ComplaintSubject)}"]},
        )
    organization_id = tree.unit_id_for(session, filing.organization, "organization")
    service = _service_for(session, filing, organization_id, today)
    route = route_for(session, organization_id, today)
    access_key = secrets.token_urlsafe(ACCESS_KEY_BYTES)
    complaint = Complaint(
        tracking_code=_new_tracking_code(session),
        access_key_hash=_digest(access_key),
        service_id=service.id if service else None,
        service_name=filing.service_name,
        organization_id=organization_id,
        first_place_id=route.first_place_id,
        second_place_id=route.second_place_id,
        level=ComplaintLevel.FIRST.value,
        subject=filing.subject,
        text=filing.text,
        contact={key: filing.contact.get(key) for key in ("name", "email", "phone")},
        status=ComplaintStatus.RECEIVED.value,
        response_days=route.response_days,
        due_on=add_working_days(today, route.response_days),
        version=1,
    )
    session.add(complaint)
    session.flush()
    _event(session, complaint, CITIZEN, None, ComplaintStatus.RECEIVED.value, None)
    return Filed(complaint, access_key)


def _service_for(
    session: Session, filing: Filing, organization_id: int, today: date
) -> Service | None:
    if not filing.service:
        if filing.subject != ComplaintSubject.SERVICE_MISSING.value:
            raise InvalidInput(
                "Hizmet kodu zorunludur / the service code is required.",
                errors={"service": ["required unless the subject is service_missing"]},
            )
        if not filing.service_name:
            raise InvalidInput(
                "Hizmetin adını yazın / name the service.",
                errors={"service_name": ["required when no service code is given"]},
            )
        return None
    service = session.scalar(select(Service).where(Service.code == filing.service))
    if service is None or service.status != RecordStatus.ACTIVE.value:
        raise InvalidInput(
            f"{filing.service} kodlu yürürlükte bir hizmet yok / no such active service.",
            errors={"service": [f"no active service {filing.service}"]},
        )
    if not _related(session, organization_id, service.organization_id, today):
        raise InvalidInput(
            "Hizmet, başvurulan birimin ya da bağlı olduğu birimlerin hizmeti değil / the "
            "service is not provided by that unit, a unit under it or a unit above it.",
            errors={"service": [f"not a service of {filing.organization}"]},
        )
    return service


def _related(session: Session, one: int, other: int, today: date) -> bool:
    """One unit is the other, or above it, or under it."""
    for lower, upper in ((one, other), (other, one)):
        path = tree.path_at(session, lower, today) or []
        if any(entry.organization_id == upper for entry in path):
            return True
    return False


def route_for(session: Session, organization_id: int, today: date) -> Route:
    """The places of application for a complaint filed at a unit.

    The nearest unit at or above it with an active contacts record decides: its first contact's
    unit (or itself) first, its second contact's unit (or its parent) second. Without any
    record up the tree: the unit itself, then its parent.
    """
    path = tree.path_at(session, organization_id, today) or []
    ids = [entry.organization_id for entry in path]
    records = {
        record.organization_id: record
        for record in session.scalars(
            select(ServiceStandardContacts).where(
                ServiceStandardContacts.organization_id.in_(ids),
                ServiceStandardContacts.status == "active",
            )
        )
    }
    for index in range(len(path) - 1, -1, -1):
        record = records.get(ids[index])
        if record is None:
            continue
        parent = ids[index - 1] if index > 0 else None
        return Route(
            first_place_id=_contact_unit(session, record.first_contact, today) or ids[index],
            second_place_id=_contact_unit(session, record.second_contact, today) or parent,
            response_days=record.response_days or DEFAULT_RESPONSE_DAYS,
        )
    return Route(
        first_place_id=organization_id,
        second_place_id=ids[-2] if len(ids) > 1 else None,
        response_days=DEFAULT_RESPONSE_DAYS,
    )


def _contact_unit(session: Session, contact: dict[str, Any] | None, today: date) -> int | None:
    """The open unit a contact block names as handling complaints, if any."""
    number = (contact or {}).get("organization")
    if not isinstance(number, str) or not number:
        return None
    org_id = session.scalar(select(Organization.id).where(Organization.detsis_no == number))
    if org_id is None:
        return None
    found = tree.versions_at(session, [org_id], today).get(org_id)
    return org_id if found is not None and found[1].status == "active" else None


def _new_tracking_code(session: Session) -> str:
    for _ in range(10):
        code = TRACKING_PREFIX + "".join(
            secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH)
        )
        taken = session.scalar(select(Complaint.id).where(Complaint.tracking_code == code))
        if taken is None:
            return code
    raise RuntimeError("no free tracking code after ten draws")  # 10**-100: a broken RNG


def _digest(access_key: str) -> str:
    return hashlib.sha256(access_key.encode("utf-8")).hexdigest()


def normalize_code(text: str) -> str | None:
    """``hsy-7kq2 m9xd`` → ``HSY-7KQ2M9XD``; None when it cannot be a tracking code."""
    code = "".join(text.split()).upper().replace("-", "")
    prefix = TRACKING_PREFIX.rstrip("-")
    if len(code) == len(prefix) + TRACKING_LENGTH and code.startswith(prefix):
        code = code[len(prefix) :]
    if len(code) != TRACKING_LENGTH or any(c not in TRACKING_ALPHABET for c in code):
        return None
    return TRACKING_PREFIX + code


# ---------------------------------------------------------------------------------------------
# Escalation


def escalate_overdue(session: Session, today: date) -> int:
    """Move every complaint its first place did not answer by ``due_on`` to the second place.

    Run by ``registry complaints escalate`` (cron) and before institution lists; rows are locked
    and re-checked, so two runs at once escalate each complaint once.
    """
    overdue = session.scalars(
        _overdue(select(Complaint), today).order_by(Complaint.id).with_for_update()
    ).all()
    for complaint in overdue:
        _escalate(session, complaint, today)
    return len(overdue)


def escalate_if_due(session: Session, complaint: Complaint, today: date) -> bool:
    """Escalate one complaint being read, so nobody sees a level that has run out."""
    if not _is_overdue(complaint, today):
        return False
    session.refresh(complaint, with_for_update=True)
    if not _is_overdue(complaint, today):  # another request escalated it meanwhile
        return False
    _escalate(session, complaint, today)
    return True


def _overdue(stmt: Select[Any], today: date) -> Select[Any]:
    return stmt.where(
        Complaint.level == ComplaintLevel.FIRST.value,
        Complaint.status.in_(OPEN_STATUSES),
        Complaint.due_on < today,
        Complaint.second_place_id.is_not(None),
    )


def _is_overdue(complaint: Complaint, today: date) -> bool:
    return (
        complaint.level == ComplaintLevel.FIRST.value
        and complaint.status in OPEN_STATUSES
        and complaint.due_on < today
        and complaint.second_place_id is not None
    )


def _escalate(session: Session, complaint: Complaint, today: date) -> None:
    before = complaint.status
    complaint.level = ComplaintLevel.SECOND.value
    complaint.status = ComplaintStatus.RECEIVED.value
    complaint.escalated_at = datetime.now(UTC)
    complaint.due_on = add_working_days(today, complaint.response_days)
    complaint.version += 1
    _event(session, complaint, SYSTEM, before, ComplaintStatus.RECEIVED.value, ESCALATION_NOTE)


# ---------------------------------------------------------------------------------------------
# Reading


def open_for_citizen(
    session: Session, tracking_code: str, access_key: str, today: date
) -> Complaint:
    """The complaint for its tracking code and access key; any mismatch is the same 404."""
    code = normalize_code(tracking_code) if len(tracking_code) <= 40 else None
    complaint = (
        session.scalar(select(Complaint).where(Complaint.tracking_code == code)) if code else None
    )
    expected = complaint.access_key_hash if complaint is not None else _DUMMY_HASH
    if not hmac.compare_digest(expected, _digest(access_key)) or complaint is None:
        raise _not_found()
    escalate_if_due(session, complaint, today)
    return complaint


@dataclass(frozen=True)
class StaffAccess:
    audience: Audience
    actions: tuple[str, ...]  # the statuses the account may set now


def open_for_staff(
    session: Session, actor: User, tracking_code: str, today: date
) -> tuple[Complaint, StaffAccess]:
    """The complaint for an account of a place of application it reached, or a reviewer."""
    _require_staff(session, actor)
    complaint = _by_code(session, tracking_code)
    escalate_if_due(session, complaint, today)
    return complaint, access_to(session, actor, complaint, today)


def visible(session: Session, actor: User, today: date) -> Select[Complaint]:
    """The complaints an account may list: its places' (the second once escalated), or all for
    reviewers."""
    _require_staff(session, actor)
    stmt = select(Complaint)
    if Role(actor.role).is_scoped:
        assert actor.organization_id is not None
        ids = tree.subtree_ids(session, actor.organization_id, today)
        stmt = stmt.where(
            or_(
                Complaint.first_place_id.in_(ids),
                and_(
                    Complaint.second_place_id.in_(ids),
                    Complaint.level == ComplaintLevel.SECOND.value,
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
    if not Role(actor.role).is_scoped or actor.organization_id is None:
        return [_access(session, actor, complaint, today) for complaint in listed]
    scope = set(tree.subtree_ids(session, actor.organization_id, today))
    return [_access(session, actor, complaint, today, scope) for complaint in listed]


def _require_staff(session: Session, actor: User) -> None:
    role = Role(actor.role)
    if role is Role.ADMIN:
        raise Forbidden(
            "Yönetici hesapları yalnızca kullanıcıları yönetir / admins manage users only."
        )
    if role.is_scoped:
        state = accounts.scope_state(session, actor)
        if not state.valid:
            raise Forbidden(
                f"Hesabın yetki alanı geçersiz ({state.reason}); yöneticiden yeni kapsam "
                "isteyin / the account needs a new scope."
            )


def _access(
    session: Session,
    actor: User,
    complaint: Complaint,
    today: date,
    scope: set[int] | None = None,
) -> StaffAccess:
    """Reviewers read without contact; a scoped account reads if its unit is the first place
    (or above it), or the second once escalated, and acts only for the current place."""
    if not Role(actor.role).is_scoped:
        return StaffAccess(Audience.REVIEWER, ())

    def covers(org_id: int | None) -> bool:
        if scope is not None:
            return org_id in scope
        return _covers(session, actor, org_id, today)

    if covers(current_place_id(complaint)):
        return StaffAccess(Audience.INSTITUTION, TRANSITIONS.get(complaint.status, ()))
    if covers(complaint.first_place_id):
        return StaffAccess(Audience.INSTITUTION, ())  # escalated past it: reads, no longer acts
    raise Forbidden(
        "Bu şikâyet kurumunuzun müracaat yerlerine ait değil / this complaint is not with a "
        "place of application in your scope."
    )


def _covers(session: Session, actor: User, org_id: int | None, today: date) -> bool:
    """The account's unit is the unit or above it."""
    if org_id is None or actor.organization_id is None:
        return False
    path = tree.path_at(session, org_id, today) or []
    return any(entry.organization_id == actor.organization_id for entry in path)


def current_place_id(complaint: Complaint) -> int:
    if complaint.level == ComplaintLevel.SECOND.value and complaint.second_place_id is not None:
        return complaint.second_place_id
    return complaint.first_place_id


def _by_code(session: Session, tracking_code: str, *, lock: bool = False) -> Complaint:
    code = normalize_code(tracking_code) if len(tracking_code) <= 40 else None
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
    if Role(actor.role) not in (Role.COORDINATOR, Role.INSTITUTION_APPROVER):
        raise Forbidden(
            "Şikâyetleri müracaat yerinin koordinatörü veya onaycısı yanıtlar / only a place "
            "of application's coordinator or approver answers complaints."
        )
    _require_staff(session, actor)
    complaint = _by_code(session, tracking_code, lock=True)
    escalate_if_due(session, complaint, today)
    if not _covers(session, actor, current_place_id(complaint), today):
        raise Forbidden(
            "Şikâyet şu an kurumunuzun müracaat yerinde değil / the complaint is not with a "
            "place of application in your scope now."
        )
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
    complaint.status = status
    complaint.version += 1
    if status == ComplaintStatus.ANSWERED.value:
        complaint.answered_at = datetime.now(UTC)
    _event(session, complaint, actor.name, before, status, note)
    return complaint


def _event(
    session: Session,
    complaint: Complaint,
    actor: str,
    before: str | None,
    after: str,
    note: str | None,
) -> None:
    complaint.events.append(
        ComplaintEvent(
            actor=actor, from_status=before, to_status=after, level=complaint.level, note=note
        )
    )
    session.flush()


# ---------------------------------------------------------------------------------------------
# Representations


def filed_view(session: Session, filed: Filed, today: date) -> dict[str, Any]:
    complaint = filed.complaint
    places = unit_refs(session, [complaint.first_place_id, complaint.second_place_id], today)
    return {
        "tracking_code": complaint.tracking_code,
        "access_key": filed.access_key,
        "status": complaint.status,
        "level": complaint.level,
        "due_on": complaint.due_on,
        "response_days": complaint.response_days,
        "first_place": places[complaint.first_place_id],
        "second_place": places.get(complaint.second_place_id)
        if complaint.second_place_id
        else None,
    }


def views(
    session: Session,
    complaints: list[Complaint],
    audiences: list[tuple[Audience, tuple[str, ...] | None]],
    today: date,
) -> list[dict[str, Any]]:
    """Complaints as the API shows them to each one's audience (and its actions, for staff)."""
    unit_ids: set[int | None] = set()
    for complaint in complaints:
        unit_ids.update(
            (complaint.organization_id, complaint.first_place_id, complaint.second_place_id)
        )
    units = unit_refs(session, unit_ids, today)
    service_ids = {c.service_id for c in complaints if c.service_id is not None}
    services = {
        service.id: {"code": service.code, "name": service.name}
        for service in (
            session.scalars(select(Service).where(Service.id.in_(service_ids)))
            if service_ids
            else []
        )
    }
    return [
        _view(complaint, units, services, audience, actions)
        for complaint, (audience, actions) in zip(complaints, audiences, strict=True)
    ]


def view(
    session: Session,
    complaint: Complaint,
    audience: Audience,
    today: date,
    actions: tuple[str, ...] | None = None,
) -> dict[str, Any]:
    return views(session, [complaint], [(audience, actions)], today)[0]


def _view(
    complaint: Complaint,
    units: dict[int, dict[str, str]],
    services: dict[int, dict[str, str]],
    audience: Audience,
    actions: tuple[str, ...] | None,
) -> dict[str, Any]:
    places = {
        ComplaintLevel.FIRST.value: complaint.first_place_id,
        ComplaintLevel.SECOND.value: complaint.second_place_id,
    }
    data: dict[str, Any] = {
        "tracking_code": complaint.tracking_code,
        "status": complaint.status,
        "level": complaint.level,
        "subject": complaint.subject,
        "service": services.get(complaint.service_id) if complaint.service_id else None,
        "service_name": complaint.service_name,
        "organization": units[complaint.organization_id],
        "first_place": units[complaint.first_place_id],
        "second_place": units[complaint.second_place_id] if complaint.second_place_id else None,
        "current_place": units[current_place_id(complaint)],
        "response_days": complaint.response_days,
        "due_on": complaint.due_on,
        "created_at": _moment(complaint.created_at),
        "escalated_at": _moment(complaint.escalated_at),
        "answered_at": _moment(complaint.answered_at),
        "text": complaint.text,
        "contact": None if audience is Audience.REVIEWER else dict(complaint.contact),
        "events": [
            {
                "at": _moment(event.at),
                "from_status": event.from_status,
                "to_status": event.to_status,
                "level": event.level,
                "by": _by(event, audience, units, places),
                "note": event.note,
            }
            for event in complaint.events
        ],
    }
    if actions is not None:
        data["actions"] = list(actions)
    return data


def _moment(value: datetime | None) -> datetime | None:
    """With its timezone, to the second, the same on both backends (SQLite drops the zone)."""
    return aware(value).replace(microsecond=0) if value is not None else None


def _by(
    event: ComplaintEvent,
    audience: Audience,
    units: dict[int, dict[str, str]],
    places: dict[str, int | None],
) -> str:
    """Staff see who acted; the citizen sees the place of application that did."""
    if audience is not Audience.CITIZEN or event.actor in (CITIZEN, SYSTEM):
        return event.actor
    place = places.get(event.level)
    return units[place]["name"] if place is not None else ""


def unit_refs(
    session: Session, org_ids: Collection[int | None], today: date
) -> dict[int, dict[str, str]]:
    """``id → {detsis_no, name}``: the name in force today, else the unit's last name."""
    ids = {org_id for org_id in org_ids if org_id is not None}
    found = tree.versions_at(session, ids, today)
    refs = {org_id: {"detsis_no": no, "name": v.name} for org_id, (no, v) in found.items()}
    missing = ids - refs.keys()
    if missing:
        rows = session.execute(
            select(Organization.id, Organization.detsis_no, OrganizationVersion.name)
            .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
            .where(Organization.id.in_(missing))
            .order_by(Organization.id, OrganizationVersion.valid_from, OrganizationVersion.id)
        )
        for org_id, number, name in rows:  # the last row per unit wins: its latest name
            refs[org_id] = {"detsis_no": number, "name": name}
    return refs
