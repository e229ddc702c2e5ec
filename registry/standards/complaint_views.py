"""Complaints as their readers see them: the citizen, the institution, the central reviewers.

Staff see who acted; the citizen sees the place of application that did. The reviewers read
everything but the citizen's contact block.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue.models import Service
from registry.kernel.clock import aware
from registry.standards.complaints import CITIZEN, SYSTEM, Filed, current_place_id, unit_refs
from registry.standards.models import Complaint, ComplaintEvent, ComplaintLevel


class Audience(StrEnum):
    """Who reads a complaint, which decides what of it they see."""

    CITIZEN = "citizen"  # holds the access key: everything, staff shown as their place
    INSTITUTION = "institution"  # a place of application's account: everything
    REVIEWER = "reviewer"  # the central working group: everything but the contact block


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
        ComplaintLevel.FIRST: complaint.first_place_id,
        ComplaintLevel.SECOND: complaint.second_place_id,
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
    places: dict[ComplaintLevel, int | None],
) -> str:
    """Staff see who acted; the citizen sees the place of application that did."""
    if audience is not Audience.CITIZEN or event.actor in (CITIZEN, SYSTEM):
        return event.actor
    place = places.get(event.level)
    return units[place]["name"] if place is not None else ""
