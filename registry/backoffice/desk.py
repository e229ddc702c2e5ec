"""What a signed-in account sees: its scope, its own submissions, and the requests it may decide.

"May decide" is asked of the same policy functions the workflow's transitions call
(``policy.require_approver``/``require_rejecter``), never re-stated here, so the inbox cannot
offer a decision the workflow would refuse for a reason of role or scope (a stale base version is
still found only by trying: the decision then shows the workflow's own message).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts import policy
from registry.accounts.models import Role, User
from registry.backoffice.labels import ACTION_NAMES
from registry.kernel.clock import local, today
from registry.kernel.errors import Forbidden, NotFound
from registry.organizations.models import Organization
from registry.organizations.tree import get_unit
from registry.workflow import service as workflow
from registry.workflow.models import ChangeRequest, RequestStatus

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
SHOWN = 100  # rows a page lists; the API pages through the rest

ROLE_NAMES = {
    Role.COORDINATOR: "Kurum koordinatörü",
    Role.INSTITUTION_APPROVER: "Kurum onaylayıcısı",
    Role.REVIEWER: "İnceleme grubu",
    Role.ADMIN: "Yönetici",
    Role.EBYS: "EBYS istemcisi",
    Role.HR: "İK sistemi (SCIM)",
    Role.PERSONNEL: "Personel (rolü yok)",
}
STATUS_NAMES = {
    RequestStatus.SUBMITTED: "Gönderildi",
    RequestStatus.INSTITUTION_APPROVED: "Kurumca onaylandı",
    RequestStatus.APPROVED: "Onaylandı",
    RequestStatus.REJECTED: "Reddedildi",
    RequestStatus.WITHDRAWN: "Geri çekildi",
}
OPEN = tuple(s for s in RequestStatus if s.is_open)


@dataclass(frozen=True)
class Account:
    name: str
    login: str | None
    role: str
    scope: str | None  # "Göç İdaresi Başkanlığı (48823685)", None when the role has none


@dataclass(frozen=True)
class Row:
    """One field of a request: its value now and as proposed; ``changed`` is highlighted."""

    field: str
    current: str
    proposed: str
    changed: bool


@dataclass(frozen=True)
class Item:
    id: int
    entity: str
    action: str
    target: str | None
    status: str
    submitted_on: str  # 17.12.2026
    reason: str | None
    rows: list[Row]
    may_approve: bool
    may_reject: bool


def account(session: Session, user: User) -> Account:
    scope = None
    if user.organization_id is not None:
        number = session.scalar(
            select(Organization.detsis_no).where(Organization.id == user.organization_id)
        )
        try:
            name = get_unit(session, number or "", today()).version.name
        except NotFound:
            name = "kapalı birim / closed unit"
        scope = f"{name} ({number})"
    return Account(user.name, user.login, ROLE_NAMES[Role(user.role)], scope)


def own_submissions(session: Session, user: User) -> list[Item]:
    """The account's own requests, newest first, whatever their state."""
    requests = session.scalars(
        select(ChangeRequest)
        .where(ChangeRequest.submitted_by == user.id)
        .order_by(ChangeRequest.id.desc())
        .limit(SHOWN)
    ).all()
    return [item(session, request, False, False, with_rows=False) for request in requests]


def inbox(session: Session, user: User) -> list[Item]:
    """Open requests the account may approve or reject, oldest first."""
    try:
        visible = workflow.visible(session, user)
    except Forbidden:
        return []  # admins and machine clients decide nothing
    open_requests = session.scalars(
        visible.where(ChangeRequest.status.in_([s for s in RequestStatus if s.is_open]))
        .order_by(ChangeRequest.submitted_at, ChangeRequest.id)
        .limit(SHOWN * 5)
    ).all()
    items = []
    for request in open_requests:
        may_approve, may_reject = may(session, user, request)
        if may_approve or may_reject:
            items.append(item(session, request, may_approve, may_reject, with_rows=True))
        if len(items) == SHOWN:
            break
    return items


def may(session: Session, user: User, request: ChangeRequest) -> tuple[bool, bool]:
    pending = workflow.pending_institutions(request)
    checks = {
        "approve": lambda: policy.require_approver(
            session,
            user,
            submitted_by=request.submitted_by,
            pending=pending,
            scope_id=request.scope_organization_id,
        ),
        "reject": lambda: policy.require_rejecter(
            session,
            user,
            submitted_by=request.submitted_by,
            pending=pending,
            scope_id=request.scope_organization_id,
        ),
    }
    allowed = {}
    for name, check in checks.items():
        try:
            check()
            allowed[name] = True
        except Forbidden:
            allowed[name] = False
    return allowed["approve"], allowed["reject"]


def item(
    session: Session, request: ChangeRequest, approve: bool, reject: bool, *, with_rows: bool
) -> Item:
    return Item(
        id=request.id,
        entity=request.entity,
        action=ACTION_NAMES.get(request.action, request.action),
        target=request.target,
        status=STATUS_NAMES[RequestStatus(request.status)],
        submitted_on=f"{local(request.submitted_at):%d.%m.%Y}",
        reason=request.reason,
        rows=rows(session, request) if with_rows else [],
        may_approve=approve,
        may_reject=reject,
    )


@dataclass(frozen=True)
class Step:
    """One transition of a request: when, from which state to which, by whom, with what note."""

    at: str
    to: str
    by: str
    note: str | None


def steps(session: Session, request: ChangeRequest) -> list[Step]:
    ids = {e.actor_id for e in request.events}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    return [
        Step(
            f"{local(e.at):%d.%m.%Y %H:%M}",
            STATUS_NAMES[RequestStatus(e.to_status)],
            f"{names.get(e.actor_id, '?')} (#{e.actor_id})",
            e.note,
        )
        for e in request.events
    ]


def rows(session: Session, request: ChangeRequest) -> list[Row]:
    """Every proposed field beside the live record's value; the changed ones marked."""
    changes = _dotted(workflow.diff(session, request))
    result = []
    for field, value in _flatten(request.data):
        change = changes.pop(field, None)
        if change is None:
            result.append(Row(field, _shown(value), _shown(value), False))
        else:
            result.append(Row(field, _shown(change["current"]), _shown(change["proposed"]), True))
    for field, change in changes.items():  # status of a close, a stale base version
        result.append(Row(field, _shown(change["current"]), _shown(change["proposed"]), True))
    return result


def _dotted(changes: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The workflow names a changed nested object as a whole (``contact``); the page shows its
    fields one per row, as the proposal's own fields are named, so an unchanged inner field is
    not shown as changed and a changed one is not shown as JSON."""
    result: dict[str, dict[str, Any]] = {}
    for field, change in changes.items():
        current, proposed = change.get("current"), change.get("proposed")
        if isinstance(current, dict) or isinstance(proposed, dict):
            old = dict(_flatten(current or {}, f"{field}."))
            new = dict(_flatten(proposed or {}, f"{field}."))
            for name in sorted(new.keys() if isinstance(proposed, dict) else old.keys()):
                if old.get(name) != new.get(name):
                    result[name] = {"current": old.get(name), "proposed": new.get(name)}
        else:
            result[field] = change
    return result


def _flatten(data: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Nested objects as dotted names, as the workflow's diff names them (``contact.phone``)."""
    for name, value in data.items():
        if isinstance(value, dict):
            yield from _flatten(value, f"{prefix}{name}.")
        else:
            yield f"{prefix}{name}", value


def _shown(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, date):
        return f"{value:%d.%m.%Y}"
    if isinstance(value, str):
        if _ISO_DATE.fullmatch(value):
            return f"{date.fromisoformat(value):%d.%m.%Y}"
        return value
    return json.dumps(value, ensure_ascii=False)
