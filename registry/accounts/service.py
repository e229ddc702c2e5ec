"""Accounts, API tokens, and whether an account's scope still holds."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts.models import ApiToken, Role, User
from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations.models import Status
from registry.organizations.tree import get_unit, institution_of, lineages, versions_at

TOKEN_PREFIX = "kys_"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session, *, name: str, role: str, organization: str | None = None
) -> tuple[User, str]:
    """Create an account and its first token; the token is returned once and never stored."""
    try:
        parsed = Role(role)
    except ValueError as error:
        raise InvalidInput(
            f"Bilinmeyen rol / unknown role {role!r}.",
            errors={"role": [f"one of: {', '.join(r.value for r in Role)}"]},
        ) from error
    if not name.strip():
        raise InvalidInput("Ad zorunludur / a name is required.", errors={"name": ["required"]})
    user = User(name=name.strip(), role=parsed.value, active=True)
    if parsed.is_scoped:
        if not organization:
            raise InvalidInput(
                f"{role} rolü bir kurum gerektirir / this role needs --organization.",
                errors={"organization": ["required for this role"]},
            )
        _set_scope(session, user, organization)
    elif organization:
        raise InvalidInput(
            f"{role} rolü kuruma bağlanmaz / this role acts for no organization.",
            errors={"organization": ["not allowed for this role"]},
        )
    session.add(user)
    session.flush()
    return user, issue_token(session, user)


def rescope(session: Session, user_id: int, organization: str) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Kullanıcı {user_id} yok / no such user.")
    if not Role(user.role).is_scoped:
        raise InvalidInput(
            "Bu rol kuruma bağlanmaz / this role acts for no organization.",
            errors={"organization": ["not allowed for this role"]},
        )
    _set_scope(session, user, organization)
    session.flush()
    return user


def _set_scope(session: Session, user: User, organization: str) -> None:
    view = get_unit(session, organization, today())
    if view.version.status != Status.ACTIVE:
        raise InvalidInput(
            "Kapalı birime hesap bağlanamaz / the unit is closed.",
            errors={"organization": ["closed unit"]},
        )
    user.organization_id = view.version.organization_id
    user.scope_institution_id = institution_of(view.path).organization_id


def issue_token(session: Session, user: User) -> str:
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:12]))
    session.flush()
    return token


def revoke(session: Session, user_id: int) -> int:
    """Revoke every live token of the account; returns how many."""
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    ).all()
    if session.get(User, user_id) is None:
        raise NotFound(f"Kullanıcı {user_id} yok / no such user.")
    now = datetime.now(UTC)
    for token in tokens:
        token.revoked_at = now
    session.flush()
    return len(tokens)


def authenticate(session: Session, token: str) -> User | None:
    if not token.startswith(TOKEN_PREFIX) or len(token) > 200:
        return None
    row = session.execute(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(
            ApiToken.token_hash == hash_token(token),
            ApiToken.revoked_at.is_(None),
            User.active.is_(True),
        )
    ).scalar_one_or_none()
    return row


@dataclass
class ScopeState:
    valid: bool
    reason: str | None = None


def scope_state(session: Session, user: User) -> ScopeState:
    """A scoped account works only while its unit is open and still in the same institution."""
    if not Role(user.role).is_scoped:
        return ScopeState(True)
    assert user.organization_id is not None
    found = versions_at(session, [user.organization_id], today())
    version = found.get(user.organization_id)
    if version is None or version[1].status != Status.ACTIVE:
        return ScopeState(False, "the account's unit is closed")
    path = lineages(session, found, today())[user.organization_id]
    if institution_of(path).organization_id != user.scope_institution_id:
        return ScopeState(False, "the account's unit moved to another institution")
    return ScopeState(True)


def accounts_needing_scope(session: Session) -> list[tuple[User, str]]:
    """Active scoped accounts whose scope has lapsed, for an admin to re-scope or deactivate."""
    users = session.scalars(
        select(User).where(
            User.active.is_(True),
            User.role.in_([Role.COORDINATOR, Role.INSTITUTION_APPROVER]),
        )
    ).all()
    lapsed = []
    for user in users:
        state = scope_state(session, user)
        if not state.valid:
            lapsed.append((user, state.reason or ""))
    return lapsed
