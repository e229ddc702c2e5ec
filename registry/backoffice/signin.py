"""Signing in to the back office: password, second factor, lockout, and sessions in the database.

Why the database holds the sessions: any node accepts them, and ending one (sign-out, a
deactivation, a new password) takes effect on every node at the next request. The cookie holds
a random token; only its SHA-256 is stored, as for API tokens.

The second factor is TOTP (RFC 6238, 30-second steps, one step of clock drift either way); it is
required of every role that decides or administers (approvers, reviewers, admins) and enrolled
at the first sign-in. A code is accepted once: the step it belongs to is remembered.

Failures count twice: per login (five in a row lock it for 15 minutes; a right password resets
the count) and per address (twenty in 15 minutes refuse further tries from it, whatever the
login), so that guessing one login slowly and many logins quickly are both bounded.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import pyotp
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from registry.accounts import passwords
from registry.accounts.models import Role, SignInFailure, SignInSession, User
from registry.kernel.clock import aware, local

LOGIN_FAILURES = 5
LOCKOUT = timedelta(minutes=15)
ADDRESS_FAILURES = 20
ADDRESS_WINDOW = timedelta(minutes=15)
SECOND_FACTOR_WITHIN = timedelta(minutes=5)  # from the password to the code
LIFETIME = timedelta(hours=12)  # a working day, however busy
ISSUER = "KAYSİS Yönetim"
PASSWORD, COMPLETE = "password", "complete"


class SignInRefused(Exception):
    """A sign-in step refused; ``detail`` is what the page shows, ``status`` its HTTP code."""

    def __init__(self, detail: str, status: int = 401) -> None:
        super().__init__(detail)
        self.detail = detail
        self.status = status


WRONG = "Kullanıcı adı veya parola hatalı / wrong login or password."
WRONG_CODE = "Doğrulama kodu hatalı / wrong verification code."


@dataclass(frozen=True)
class Started:
    """A new session: the cookie's token (shown once) and the row."""

    token: str
    row: SignInSession


def needs_second_factor(user: User) -> bool:
    """Every role that decides or administers; coordinators only propose, four eyes follow."""
    return Role(user.role) in (Role.INSTITUTION_APPROVER, Role.REVIEWER, Role.ADMIN)


def sign_in(session: Session, login: str, password: str, address: str, now: datetime) -> Started:
    """Check the password and open a session: complete, or waiting for the second factor."""
    _refuse_busy_address(session, address, now)
    user = session.scalar(select(User).where(User.login == login.strip().lower()))
    if user is None or not user.active or user.deactivated_at is not None:
        passwords.verify(None, password)
        _failed(session, None, address, now)
        raise SignInRefused(WRONG)
    _refuse_locked(user, now)
    if not passwords.verify(user.password_hash, password):
        _failed(session, user, address, now)
        raise SignInRefused(WRONG)
    assert user.password_hash is not None  # verify() is False without one
    if passwords.needs_rehash(user.password_hash):
        user.password_hash = passwords.hash_password(password)
    user.failed_sign_ins, user.locked_until = 0, None
    if Role(user.role).reads_only:
        raise SignInRefused("Bu hesap yalnızca makine istemcisidir / a machine account.", 403)
    return _start(session, user, PASSWORD if needs_second_factor(user) else COMPLETE, now)


def enrolment_secret(session: Session, user: User) -> str:
    """The secret shown at enrolment; kept from the first showing so a reload shows the same."""
    if user.totp_secret is None:
        user.totp_secret = pyotp.random_base32()
        session.flush()
    return user.totp_secret


def enrolment_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=user.login or str(user.id), issuer_name=ISSUER)


def give_code(
    session: Session, pending: SignInSession, user: User, code: str, address: str, now: datetime
) -> Started:
    """Complete a session waiting for the second factor (enrolling it on first use); the pending
    session ends and a new token starts, so a token seen before the code is worth nothing."""
    _refuse_busy_address(session, address, now)
    _refuse_locked(user, now)
    step = _matching_step(user.totp_secret, code.strip().replace(" ", ""), now)
    if step is None or (user.totp_last_step is not None and step <= user.totp_last_step):
        _failed(session, user, address, now)
        raise SignInRefused(WRONG_CODE)
    user.totp_last_step = step
    user.failed_sign_ins, user.locked_until = 0, None
    if user.totp_enrolled_at is None:
        user.totp_enrolled_at = now
    pending.ended_at = now
    return _start(session, user, COMPLETE, now)


@dataclass(frozen=True)
class Current:
    row: SignInSession
    user: User


def current(
    session: Session, token: str | None, now: datetime, idle: timedelta
) -> Current | str | None:
    """The live session of a cookie; a message when it has just expired; None when there is none.

    Expiry ends the row, so an idle session cannot come back even if the clock is turned back."""
    if not token or len(token) > 200:
        return None
    row = session.scalar(select(SignInSession).where(SignInSession.token_hash == _hash(token)))
    if row is None or row.ended_at is not None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or user.deactivated_at is not None:
        row.ended_at = now
        return None
    limit = SECOND_FACTOR_WITHIN if row.stage == PASSWORD else LIFETIME
    if now - aware(row.last_seen_at) > idle or now - aware(row.created_at) > limit:
        row.ended_at = now
        return "Oturumunuzun süresi doldu; yeniden giriş yapın / your session expired."
    if now - aware(row.last_seen_at) > timedelta(minutes=1):
        row.last_seen_at = now  # a write a minute at most, not one per page
    return Current(row, user)


def sign_out(row: SignInSession, now: datetime) -> None:
    row.ended_at = now


def _start(session: Session, user: User, stage: str, now: datetime) -> Started:
    token = secrets.token_urlsafe(32)
    row = SignInSession(
        token_hash=_hash(token), user_id=user.id, stage=stage, created_at=now, last_seen_at=now
    )
    session.add(row)
    session.flush()
    return Started(token, row)


def _matching_step(secret: str | None, code: str, now: datetime) -> int | None:
    """The 30-second step whose code this is (one step of drift either way), if any."""
    if secret is None or not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret)
    step = totp.timecode(now)
    for candidate in (step - 1, step, step + 1):
        if secrets.compare_digest(totp.generate_otp(candidate), code):
            return candidate
    return None


def _refuse_locked(user: User, now: datetime) -> None:
    if user.locked_until is not None and aware(user.locked_until) > now:
        until = local(user.locked_until)
        raise SignInRefused(
            f"Çok fazla hatalı deneme: hesap {until:%d.%m.%Y %H:%M}'e kadar kilitli / too many "
            "failures: the account is locked for a while.",
            429,
        )


def _refuse_busy_address(session: Session, address: str, now: datetime) -> None:
    failures = session.scalar(
        select(func.count())
        .select_from(SignInFailure)
        .where(SignInFailure.address == address, SignInFailure.at > now - ADDRESS_WINDOW)
    )
    if (failures or 0) >= ADDRESS_FAILURES:
        raise SignInRefused(
            "Bu adresten çok fazla hatalı deneme; biraz sonra yeniden deneyin / too many failed "
            "sign-ins from this address, try again later.",
            429,
        )


def _failed(session: Session, user: User | None, address: str, now: datetime) -> None:
    """Count a failure against the address and the login; old address rows go as new ones come."""
    session.execute(delete(SignInFailure).where(SignInFailure.at < now - ADDRESS_WINDOW))
    session.add(SignInFailure(address=address[:64], at=now))
    if user is not None:
        user.failed_sign_ins = (user.failed_sign_ins or 0) + 1
        if user.failed_sign_ins >= LOGIN_FAILURES:
            user.failed_sign_ins, user.locked_until = 0, now + LOCKOUT
    session.flush()


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
