"""Accounts administered from the back office: open, rescope, deactivate, reset the second factor.

Each act goes through ``accounts.service`` (the same functions as ``registry users …``) and is
recorded in the hash-chained audit trail as entity ``account``, with the admin as the one who did
it (``submitted_by`` and ``approved_by``: an admin acts alone). The entry holds no personal data
(no name, login, e-mail or person key): the role, the unit's DETSİS number, whether the account is
active and what was done, since the change feed that serves the trail is public.

Only admins reach these functions (``require_admin``); admins sign in with a second factor
(``signin.needs_second_factor``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts import persons
from registry.accounts import service as accounts
from registry.accounts.models import Role, User
from registry.audit import trail as audit
from registry.backoffice.desk import ROLE_NAMES
from registry.kernel.clock import local
from registry.kernel.errors import Forbidden, InvalidInput, NotFound
from registry.organizations import tree

ENTITY = "account"
SHOWN = 500
ADMINS_ONLY = "Bu sayfa yalnızca yöneticilere açıktır / admins only."


def require_admin(actor: User) -> None:
    if Role(actor.role) is not Role.ADMIN:
        raise Forbidden(ADMINS_ONLY)


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    login: str | None
    email: str | None
    role: str
    role_name: str
    unit: str | None  # DETSİS number
    active: bool
    second_factor: bool
    created_on: str | None


@dataclass(frozen=True)
class NewAccount:
    name: str
    login: str
    email: str | None
    role: str
    organization: str | None
    person_id: str | None
    password: str | None


def listing(session: Session) -> list[AccountRow]:
    users = session.scalars(select(User).order_by(User.id).limit(SHOWN)).all()
    numbers = tree.numbers_of(session, {u.organization_id for u in users if u.organization_id})
    return [_row(u, numbers) for u in users]


def one(session: Session, user_id: int) -> AccountRow:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Kullanıcı {user_id} yok / no such user.")
    numbers = tree.numbers_of(session, {user.organization_id} if user.organization_id else set())
    return _row(user, numbers)


def _row(user: User, numbers: dict[int, str]) -> AccountRow:
    created = getattr(user, "created_at", None)
    return AccountRow(
        user.id,
        user.name,
        user.login,
        user.email,
        str(user.role),
        ROLE_NAMES.get(Role(user.role), str(user.role)),
        numbers.get(user.organization_id) if user.organization_id else None,
        bool(user.active) and user.deactivated_at is None,
        user.totp_enrolled_at is not None,
        f"{local(created):%d.%m.%Y}" if created else None,
    )


def roles() -> list[tuple[str, str]]:
    """The roles an admin may give here (machine clients are made with the CLI)."""
    return [(r.value, ROLE_NAMES[r]) for r in Role if r in ROLE_NAMES and not r.reads_only]


def create(
    session: Session, actor: User, new: NewAccount, person_secret: str, require_person: bool
) -> User:
    require_admin(actor)
    if new.role not in {value for value, _ in roles()}:
        raise InvalidInput(
            "Rol seçin / choose a role.",
            errors={"role": [f"one of: {', '.join(v for v, _ in roles())}"]},
        )
    key = None
    if new.person_id:
        key = persons.person_key(new.person_id, person_secret, "person_id")
    elif require_person:
        raise InvalidInput(
            "Kişi kimliği gerekli / a person id is required.", errors={"person_id": ["required"]}
        )
    user, _token = accounts.create_user(
        session, name=new.name, role=new.role, person_key=key, organization=new.organization or None
    )
    accounts.revoke(session, user.id)  # a browser account needs no API token; none is left live
    accounts.set_login(session, user.id, new.login, new.email or None)
    if new.password:
        accounts.set_password(session, user.id, new.password)
    _audit(session, actor, user, "create", None)
    return user


def rescope(session: Session, actor: User, user_id: int, organization: str) -> User:
    require_admin(actor)
    before = _state(session, _account(session, user_id))
    user = accounts.rescope(session, user_id, organization.strip())
    accounts.end_sessions(session, user.id, _now())  # a new scope starts with a new sign-in
    _audit(session, actor, user, "update", before)
    return user


def deactivate(session: Session, actor: User, user_id: int) -> User:
    require_admin(actor)
    if user_id == actor.id:
        raise InvalidInput(
            "Kendi hesabınızı kapatamazsınız / you cannot deactivate your own account.",
            errors={"user_id": ["own account"]},
        )
    before = _state(session, _account(session, user_id))
    user = accounts.deactivate(session, user_id).user
    _audit(session, actor, user, "close", before)
    return user


def reset_second_factor(session: Session, actor: User, user_id: int) -> User:
    require_admin(actor)
    before = _state(session, _account(session, user_id))
    user = accounts.reset_second_factor(session, user_id)
    _audit(session, actor, user, "update", {**before, "second_factor": "enrolled"})
    return user


def _account(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Kullanıcı {user_id} yok / no such user.")
    return user


def _state(session: Session, user: User) -> dict[str, Any]:
    """What the audit keeps of an account: nothing that names the person."""
    return {
        "role": str(user.role),
        "organization": tree.number_of(session, user.organization_id)
        if user.organization_id
        else None,
        "active": bool(user.active) and user.deactivated_at is None,
        "second_factor": "enrolled" if user.totp_enrolled_at is not None else "none",
    }


def _audit(
    session: Session, actor: User, user: User, action: str, before: dict[str, Any] | None
) -> None:
    session.flush()
    ref = accounts.actor_ref(actor)
    audit.append(
        session,
        entity=ENTITY,
        entity_id=str(user.id),
        action=action,
        before=before,
        after=_state(session, user),
        submitted_by=ref,
        approved_by=ref,
    )


def _now() -> datetime:
    return datetime.now(UTC)
