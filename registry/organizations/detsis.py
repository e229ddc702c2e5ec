"""Assigning DETSİS numbers: random, unique, never reused, safe under concurrent approvals.

Numbers are drawn at random (so nobody can guess the next one from the last) and claimed by
inserting into ``detsis_numbers``, whose primary key makes two concurrent claims of one number
impossible: the loser gets an integrity error inside its savepoint and draws again. Rows there are
never deleted.
"""

from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.kernel.errors import Conflict, InvalidInput
from registry.organizations.models import DetsisNumber

DETSIS_RE = re.compile(r"^[1-9][0-9]{7}$")
LOWEST, HIGHEST = 10_000_000, 99_999_999
MAX_ATTEMPTS = 50


def is_valid(number: str) -> bool:
    return bool(DETSIS_RE.fullmatch(number))


def assign_random(session: Session, draw: secrets.SystemRandom | None = None) -> str:
    """Claim a fresh random number. With 90 million numbers a collision is rare; retry on one."""
    rng = draw or secrets.SystemRandom()
    for _ in range(MAX_ATTEMPTS):
        candidate = str(rng.randint(LOWEST, HIGHEST))
        if session.get(DetsisNumber, candidate) is not None:
            continue
        if _try_claim(session, candidate):
            return candidate
    raise Conflict("Could not assign a free DETSİS number; try again.")


def claim(session: Session, number: str) -> str:
    """Claim a known number (an existing unit being registered); refuse one ever used before."""
    if not is_valid(number):
        raise InvalidInput(
            "Geçersiz DETSİS numarası / invalid DETSİS number.",
            errors={"detsis_no": ["must be 8 digits, not starting with 0"]},
        )
    exists = session.scalar(select(DetsisNumber.number).where(DetsisNumber.number == number))
    if exists or not _try_claim(session, number):
        raise Conflict(
            f"DETSİS numarası {number} daha önce kullanılmış / has already been used.",
            errors={"detsis_no": ["already assigned; numbers are never reused"]},
        )
    return number


def _try_claim(session: Session, number: str) -> bool:
    try:
        with session.begin_nested():
            session.add(DetsisNumber(number=number))
    except IntegrityError:
        return False
    return True
