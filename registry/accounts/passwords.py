"""Passwords of back-office accounts: argon2id hashes (argon2-cffi's defaults, RFC 9106's second
recommended parameter set), and the one rule a password must meet.

Length is the rule (NIST SP 800-63B §3.1.1.2: at least 12 here, no composition rules); a login
name inside the password is refused because it is the first guess of anyone who knows it.
"""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from registry.kernel.errors import InvalidInput

MIN_LENGTH = 12
MAX_LENGTH = 256  # argon2 takes any length; an endless one is only a way to spend our CPU
_HASHER = PasswordHasher()
# Verified against when the login does not exist, so a wrong login costs as long as a wrong
# password and the timing tells nobody which logins exist.
_DUMMY = _HASHER.hash("parola-olmayan-bir-hesap-icin")


def checked(password: str, login: str | None) -> str:
    """The password, if it may be used; InvalidInput naming the field otherwise."""
    if len(password) < MIN_LENGTH or len(password) > MAX_LENGTH:
        raise InvalidInput(
            f"Parola en az {MIN_LENGTH} karakter olmalı / the password must have at least "
            f"{MIN_LENGTH} characters.",
            errors={"password": [f"{MIN_LENGTH} to {MAX_LENGTH} characters"]},
        )
    if login and login.casefold() in password.casefold():
        raise InvalidInput(
            "Parola kullanıcı adını içeremez / the password may not contain the login name.",
            errors={"password": ["contains the login name"]},
        )
    return password


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(stored: str | None, password: str) -> bool:
    """Whether ``password`` matches ``stored`` (None: no password set; still costs a hash)."""
    if stored is None or len(password) > MAX_LENGTH:
        _verify_quietly(_DUMMY, password[:MAX_LENGTH])
        return False
    return _verify_quietly(stored, password)


def needs_rehash(stored: str) -> bool:
    """Whether a hash was made with weaker parameters than today's (rehash at sign-in)."""
    return _HASHER.check_needs_rehash(stored)


def _verify_quietly(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False
