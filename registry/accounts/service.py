"""Accounts, API tokens, the person behind each account, and whether its scope still holds.

An account is a person: every new account carries its person's key (``accounts/persons.py``),
computed at the edge from the raw identifier, which never reaches this module or the database.
The audit trail and version rows name accounts by ``actor_ref`` (account id and a short person
key), never by display name, which anyone can change and two people can share.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts import passwords, persons
from registry.accounts.models import ApiToken, Role, SignInSession, User
from registry.kernel.clock import today
from registry.kernel.errors import Conflict, InvalidInput, NotFound
from registry.organizations.models import Status
from registry.organizations.tree import get_unit, institution_of, lineages, versions_at

TOKEN_PREFIX = "kys_"
_KEY = re.compile(r"[0-9a-f]{64}")
# "hesap:12 kişi:9e21fba5d769": the account, and the first 12 hex digits of its person key (absent
# on an account made before person keys). Fits audit_log.submitted_by and the version rows.
_REF = re.compile(r"hesap:(\d+)(?: kişi:([0-9a-f]{12}))?")
# Login names are ASCII, so that "İ"/"I" and their lower cases never make two names of one.
_LOGIN = re.compile(r"[a-z0-9][a-z0-9._-]{2,63}")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(
    session: Session,
    *,
    name: str,
    role: str,
    person_key: str | None,
    organization: str | None = None,
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
    user = User(
        name=name.strip(),
        role=parsed.value,
        active=True,
        person_key=_checked_key(person_key) if person_key is not None else None,
    )
    if parsed.has_organization:
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


def set_person(session: Session, user_id: int, person_key: str) -> User:
    """Give an account made before person keys its person; once set, a key never changes, so
    nobody can make an account look like someone else after it has acted."""
    user = _live(session, user_id)
    if user.person_key is not None:
        raise Conflict(
            f"Hesap {user_id} zaten bir kişiye bağlı / the account already has a person.",
            errors={"person_id": ["already set"]},
        )
    user.person_key = _checked_key(person_key)
    session.flush()
    return user


def _checked_key(person_key: str) -> str:
    if not _KEY.fullmatch(person_key or ""):
        raise InvalidInput(persons.FIELD_ERROR, errors={"person_id": ["required"]})
    return person_key


def same_person(session: Session, actor: User, account_id: int) -> bool:
    """Whether ``account_id`` is the actor's own account or another account of the same person."""
    if account_id == actor.id:
        return True
    other = session.get(User, account_id)
    return (
        other is not None and actor.person_key is not None and other.person_key == actor.person_key
    )


def person_known(session: Session, account_id: int) -> bool:
    """Whether the account has a person key (accounts from before migration 0010 may not)."""
    user = session.get(User, account_id)
    return user is not None and user.person_key is not None


def actor_ref(user: User) -> str:
    """How the audit trail and version rows name an account: stable, parseable, no personal data
    beyond a pseudonymous person key prefix that tells two people apart."""
    short = persons.short(user.person_key)
    return f"hesap:{user.id}" + (f" kişi:{short}" if short else "")


def account_of_ref(ref: str | None) -> int | None:
    """The account id in an ``actor_ref``; None for other provenance (imports, sample data)."""
    match = _REF.fullmatch(ref or "")
    return int(match.group(1)) if match else None


def describe_refs(session: Session, refs: Iterable[str | None]) -> dict[str, str]:
    """Staff views: each account reference as "Name (#id)"; other provenance as it is."""
    wanted = {ref for ref in refs if ref}
    ids = {account for ref in wanted if (account := account_of_ref(ref)) is not None}
    names = dict(session.execute(select(User.id, User.name).where(User.id.in_(ids))).all())
    described = {}
    for ref in wanted:
        account = account_of_ref(ref)
        if account is None:
            described[ref] = ref
        else:
            described[ref] = f"{names.get(account, '?')} (#{account})"
    return described


def rescope(session: Session, user_id: int, organization: str) -> User:
    user = _live(session, user_id)
    if not Role(user.role).has_organization:
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


def _live(session: Session, user_id: int) -> User:
    """An account that may still be changed: not deactivated."""
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"Kullanıcı {user_id} yok / no such user.")
    if user.deactivated_at is not None:
        raise Conflict(
            f"Hesap {user_id} kapatılmış / the account is deactivated.",
            errors={"user_id": ["deactivated"]},
        )
    return user


def issue_token(session: Session, user: User) -> str:
    if user.deactivated_at is not None:
        raise Conflict(
            f"Hesap {user.id} kapatılmış / the account is deactivated.",
            errors={"user_id": ["deactivated"]},
        )
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, token_hash=hash_token(token), prefix=token[:12]))
    session.flush()
    return token


def revoke(session: Session, user_id: int) -> int:
    """Revoke every live token of the account; returns how many."""
    if session.get(User, user_id) is None:
        raise NotFound(f"Kullanıcı {user_id} yok / no such user.")
    return _revoke_tokens(session, user_id, datetime.now(UTC))


def _revoke_tokens(session: Session, user_id: int, now: datetime) -> int:
    tokens = session.scalars(
        select(ApiToken).where(ApiToken.user_id == user_id, ApiToken.revoked_at.is_(None))
    ).all()
    for token in tokens:
        token.revoked_at = now
    session.flush()
    return len(tokens)


@dataclass(frozen=True)
class Deactivation:
    user: User
    tokens_revoked: int


def deactivate(session: Session, user_id: int) -> Deactivation:
    """End an account: inactive from now, every token revoked, its scope ended with it.

    The row stays, with the unit it last acted for: the audit trail, version rows and change
    request events refer to it. Its open change requests stay open for others to decide (the
    work is the institution's, and four eyes still apply); nobody can withdraw them any more.
    Its back-office sessions end with it.
    """
    user = _live(session, user_id)
    now = datetime.now(UTC)
    user.active = False
    user.deactivated_at = now
    revoked = _revoke_tokens(session, user.id, now)
    end_sessions(session, user.id, now)
    session.flush()
    return Deactivation(user, revoked)


def end_sessions(session: Session, user_id: int, now: datetime) -> int:
    """End every open back-office session of the account (deactivation, new password)."""
    open_sessions = session.scalars(
        select(SignInSession).where(
            SignInSession.user_id == user_id, SignInSession.ended_at.is_(None)
        )
    ).all()
    for row in open_sessions:
        row.ended_at = now
    session.flush()
    return len(open_sessions)


def set_login(session: Session, user_id: int, login: str, email: str | None) -> User:
    """Give an account its back-office login name (and e-mail address)."""
    user = _live(session, user_id)
    name = login.strip().lower()
    if not _LOGIN.fullmatch(name):
        raise InvalidInput(
            "Kullanıcı adı 3-64 karakter olmalı; küçük harf (ASCII), rakam, nokta, alt çizgi, "
            "tire / the login is 3-64 of a-z, 0-9, '.', '_', '-'.",
            errors={"login": ["3-64 of a-z 0-9 . _ -"]},
        )
    if session.scalar(select(User.id).where(User.login == name, User.id != user.id)):
        raise Conflict(
            f"'{name}' kullanıcı adı kullanılıyor / the login is taken.",
            errors={"login": ["taken"]},
        )
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email.strip()):
        raise InvalidInput(
            "E-posta adresi geçersiz / invalid e-mail address.", errors={"email": ["invalid"]}
        )
    user.login = name
    user.email = email.strip() if email else None
    session.flush()
    return user


def set_password(session: Session, user_id: int, password: str) -> User:
    """A new password (argon2id); every open session of the account ends with the old one."""
    user = _live(session, user_id)
    if user.login is None:
        raise Conflict(
            f"Hesap {user_id} kullanıcı adı olmadan parola alamaz / set a login first.",
            errors={"login": ["required before a password"]},
        )
    user.password_hash = passwords.hash_password(passwords.checked(password, user.login))
    now = datetime.now(UTC)
    user.password_changed_at = now
    user.failed_sign_ins, user.locked_until = 0, None
    end_sessions(session, user.id, now)
    return user


def reset_second_factor(session: Session, user_id: int) -> User:
    """Forget the account's TOTP secret: the next sign-in enrols a new one. Open sessions end,
    since whoever holds the lost device may be in one."""
    user = _live(session, user_id)
    user.totp_secret = user.totp_enrolled_at = user.totp_last_step = None
    end_sessions(session, user.id, datetime.now(UTC))
    return user


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
            User.deactivated_at.is_(None),
        )
    ).scalar_one_or_none()
    return row


@dataclass
class ScopeState:
    valid: bool
    reason: str | None = None


def scope_state(session: Session, user: User) -> ScopeState:
    """A scoped account works only while it is active, its unit is open and still in the same
    institution."""
    if user.deactivated_at is not None:
        return ScopeState(False, "the account is deactivated")
    if not Role(user.role).has_organization:
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
            User.role.in_([role for role in Role if role.has_organization]),
        )
    ).all()
    lapsed = []
    for user in users:
        state = scope_state(session, user)
        if not state.valid:
            lapsed.append((user, state.reason or ""))
    return lapsed


def accounts_needing_person(session: Session) -> list[User]:
    """Active accounts made before person keys: they may not approve until an admin sets one."""
    return list(
        session.scalars(
            select(User).where(User.active.is_(True), User.person_key.is_(None)).order_by(User.id)
        )
    )
