"""Complaints about service standards tables, tracked to a result (regulation of 31/7/2009, art. 6).

A citizen files a complaint at the unit where they applied; it goes to the first place of
application printed under that unit's table, which has ``response_days`` working days to answer.
Unanswered by then, it moves to the second place of application with a new period. The citizen
follows it with a tracking code and an access key shown once.

This module files, routes and escalates complaints; ``complaint_handling`` is who reads and
answers them, ``complaint_views`` what each reader sees.

Personal data: the complaint's contact block (and its free text) is read only by the citizen and
the institution concerned. Nothing here writes to the audit trail, the change feed, the search
index or the log.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from registry.catalogue.models import RecordStatus, Service
from registry.kernel.errors import InvalidInput
from registry.kernel.workdays import add_working_days
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
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

OPEN_STATUSES = (ComplaintStatus.RECEIVED, ComplaintStatus.IN_REVIEW)


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
        access_key_hash=digest_key(access_key),
        service_id=service.id if service else None,
        service_name=filing.service_name,
        organization_id=organization_id,
        first_place_id=route.first_place_id,
        second_place_id=route.second_place_id,
        level=ComplaintLevel.FIRST,
        subject=filing.subject,
        text=filing.text,
        contact={key: filing.contact.get(key) for key in ("name", "email", "phone")},
        status=ComplaintStatus.RECEIVED,
        response_days=route.response_days,
        due_on=add_working_days(today, route.response_days),
        version=1,
    )
    session.add(complaint)
    session.flush()
    add_event(session, complaint, CITIZEN, None, ComplaintStatus.RECEIVED, None)
    return Filed(complaint, access_key)


def _service_for(
    session: Session, filing: Filing, organization_id: int, today: date
) -> Service | None:
    if not filing.service:
        if filing.subject != ComplaintSubject.SERVICE_MISSING:
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
    if service is None or service.status != RecordStatus.ACTIVE:
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
                ServiceStandardContacts.status == RecordStatus.ACTIVE,
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
    return org_id if found is not None and found[1].status == Status.ACTIVE else None


def _new_tracking_code(session: Session) -> str:
    for _ in range(10):
        code = TRACKING_PREFIX + "".join(
            secrets.choice(TRACKING_ALPHABET) for _ in range(TRACKING_LENGTH)
        )
        taken = session.scalar(select(Complaint.id).where(Complaint.tracking_code == code))
        if taken is None:
            return code
    raise RuntimeError("no free tracking code after ten draws")  # 10**-100: a broken RNG


def digest_key(access_key: str) -> str:
    """Only the access key's SHA-256 is stored: it is a long random string."""
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
        Complaint.level == ComplaintLevel.FIRST,
        Complaint.status.in_(OPEN_STATUSES),
        Complaint.due_on < today,
        Complaint.second_place_id.is_not(None),
    )


def _is_overdue(complaint: Complaint, today: date) -> bool:
    return (
        complaint.level == ComplaintLevel.FIRST
        and complaint.status in OPEN_STATUSES
        and complaint.due_on < today
        and complaint.second_place_id is not None
    )


def _escalate(session: Session, complaint: Complaint, today: date) -> None:
    before = complaint.status
    complaint.level = ComplaintLevel.SECOND
    complaint.status = ComplaintStatus.RECEIVED
    complaint.escalated_at = datetime.now(UTC)
    complaint.due_on = add_working_days(today, complaint.response_days)
    complaint.version += 1
    add_event(session, complaint, SYSTEM, before, ComplaintStatus.RECEIVED, ESCALATION_NOTE)


# ---------------------------------------------------------------------------------------------
# What every part reads


def current_place_id(complaint: Complaint) -> int:
    """The place of application the complaint is with now."""
    if complaint.level == ComplaintLevel.SECOND and complaint.second_place_id is not None:
        return complaint.second_place_id
    return complaint.first_place_id


def add_event(
    session: Session,
    complaint: Complaint,
    actor: str,
    before: str | None,
    after: str,
    note: str | None,
) -> None:
    """One step of the complaint's history (the citizen reads it too)."""
    complaint.events.append(
        ComplaintEvent(
            actor=actor, from_status=before, to_status=after, level=complaint.level, note=note
        )
    )
    session.flush()


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
