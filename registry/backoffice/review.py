"""What a decision needs to be seen whole: a request's impact, decisions on several requests at
once, and the history of any record.

Why the impact applies the change and rolls it back: what an approval writes (the record, the
records it carries along, the standards tables republished, the review tasks a repeal opens) is
decided by the record's handler and ``standards.publication``; asking them, in a transaction the
caller rolls back, shows exactly that, for every kind of record, without a second copy of their
rules here.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.backoffice.labels import ENTITY_NAMES
from registry.kernel.clock import local, today
from registry.kernel.errors import Forbidden, InvalidInput, NotFound, RegistryError
from registry.organizations import tree
from registry.standards import publication
from registry.workflow import service as workflow
from registry.workflow.entities import HANDLERS
from registry.workflow.models import ChangeRequest, ReviewTask

ACCOUNT = "account"  # accounts' audit entries (``backoffice.admin``), not a workflow record


@dataclass(frozen=True)
class Impact:
    """What approving would write besides the request itself, or why it could not be applied."""

    records: dict[str, int]  # kind of record (Turkish) → how many the approval changes
    tables: list[str]  # "Göç İdaresi Başkanlığı (48823685)": standards tables republished
    tasks: int  # review tasks a change of an act opens
    institutions: list[str]  # institutions that agree before the reviewers decide
    refusal: str | None = None


def impact(session: Session, request: ChangeRequest) -> Impact:
    """Apply the request in the caller's transaction, which the caller then rolls back."""
    numbers = tree.numbers_of(session, {s.institution_id for s in request.institutions})
    institutions = [_unit_name(session, number) for number in numbers.values()]
    handler = HANDLERS[request.entity]
    tasks_before = session.scalar(select(func.max(ReviewTask.id))) or 0
    try:
        handler.apply(
            session,
            request.action,
            request.target,
            request.data,
            request.reason,
            request.effective_from or today(),
            Provenance(request_id=request.id),
        )
        tables = publication.publish_changed(session)
    except RegistryError as error:
        return Impact({}, [], 0, institutions, error.detail)
    counted = Counter(
        ENTITY_NAMES.get(entry.entity, entry.entity) for entry in audit.appended_in(session)
    )
    opened = session.scalar(select(func.count(ReviewTask.id)).where(ReviewTask.id > tasks_before))
    table_units = tree.numbers_of(session, {t.organization_id for t in tables})
    return Impact(
        dict(counted),
        [_unit_name(session, number) for number in table_units.values()],
        opened or 0,
        institutions,
    )


def _unit_name(session: Session, number: str) -> str:
    try:
        return f"{tree.get_unit(session, number, today()).version.name} ({number})"
    except NotFound:
        return number


@dataclass(frozen=True)
class Outcome:
    request_id: int
    done: bool
    message: str


def decide_each(
    session: Session, actor: User, request_ids: list[int], decision: str, reason: str | None
) -> list[Outcome]:
    """Approve or reject each request through the workflow's own transition, each in its own
    savepoint: one refused (another's scope, four eyes, a stale version) leaves the others
    decided and is reported with the workflow's message."""
    if decision not in ("approve", "reject"):
        raise InvalidInput(
            "Karar 'onayla' veya 'reddet' olmalı / approve or reject.",
            errors={"decision": ["approve or reject"]},
        )
    if not request_ids:
        raise InvalidInput(
            "Karar için en az bir talep seçin / select at least one request.",
            errors={"requests": ["none selected"]},
        )
    outcomes = []
    for request_id in request_ids:
        transition = workflow.approve if decision == "approve" else workflow.reject
        savepoint = session.begin_nested()
        try:
            workflow.get_visible(session, actor, request_id)
            transition(session, actor, request_id, reason)
        except RegistryError as error:
            savepoint.rollback()
            outcomes.append(Outcome(request_id, False, error.detail))
            continue
        savepoint.commit()
        verb = "onaylandı" if decision == "approve" else "reddedildi"
        outcomes.append(Outcome(request_id, True, f"Talep {request_id} {verb}."))
    return outcomes


@dataclass(frozen=True)
class Event:
    at: str
    action: str
    changes: list[tuple[str, str, str]]  # field, before, after
    request_id: int | None = None
    submitted_by: str | None = None
    approved_by: str | None = None


@dataclass(frozen=True)
class Step:
    request_id: int
    at: str
    transition: str
    by: str
    note: str | None


@dataclass
class History:
    entity: str
    record_id: str
    events: list[Event] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)  # the requests' transitions (audit of work)
    people: bool = False  # whether who did it is shown


def history(session: Session, actor: User, entity: str, record_id: str) -> History:
    """The applied changes of a record (the audit trail) and the transitions of the requests
    about it; who did each is shown as ``policy.may_see_audit`` allows, as the API does."""
    handler = HANDLERS.get(entity)
    if handler is None and entity != ACCOUNT:
        raise NotFound(f"Bilinmeyen kayıt türü / unknown kind of record {entity!r}.")
    entries = audit.entries_for(session, entity, record_id)
    org_id = _unit_of(session, entity, record_id) if handler is not None else None
    if not entries and org_id is None:
        try:
            if handler is None:
                raise NotFound("no entries")
            handler.live(session, record_id)
        except (NotFound, InvalidInput) as error:
            raise NotFound(f"{record_id} kaydı yok / no such record.") from error
    found = History(entity, record_id, people=policy.may_see_audit(session, actor, org_id))
    names = accounts.describe_refs(
        session, [ref for e in entries for ref in (e.submitted_by, e.approved_by)]
    )
    for entry in entries:
        before, after = entry.before or {}, entry.after or {}
        changes = [
            (key, _shown(before.get(key)), _shown(after.get(key)))
            for key in dict.fromkeys([*before, *after])
            if before.get(key) != after.get(key) and key != "version"
        ]
        found.events.append(
            Event(
                f"{local(entry.at):%d.%m.%Y %H:%M}",
                entry.action,
                changes,
                entry.request_id if found.people else None,
                names.get(entry.submitted_by or "", entry.submitted_by) if found.people else None,
                names.get(entry.approved_by or "", entry.approved_by) if found.people else None,
            )
        )
    if found.people and handler is not None:
        try:
            visible = workflow.visible(session, actor)
        except Forbidden:
            return found  # admins see who changed a record, not the work queues
        requests = session.scalars(
            visible.where(
                ChangeRequest.entity == entity, ChangeRequest.target == record_id
            ).order_by(ChangeRequest.id)
        ).all()
        ids = {e.actor_id for r in requests for e in r.events}
        people = dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
        for request in requests:
            for event in request.events:
                found.steps.append(
                    Step(
                        request.id,
                        f"{local(event.at):%d.%m.%Y %H:%M}",
                        f"{event.from_status or '—'} → {event.to_status}",
                        f"{people.get(event.actor_id, '?')} (#{event.actor_id})",
                        event.note,
                    )
                )
    return found


def _unit_of(session: Session, entity: str, record_id: str) -> int | None:
    """The unit whose subtree the record is in (for who may see the audit), if any."""
    handler = HANDLERS[entity]
    action = "update" if "update" in handler.actions else sorted(handler.actions)[0]
    try:
        scopes = handler.scopes(session, action, record_id, {})
    except (NotFound, InvalidInput, KeyError, ValueError):
        return None
    return next((s for s in scopes if s is not None), None)


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    return str(value)
