"""Codes given when a create is applied and never changed: a service is ``{DETSİS}-{sequence}``,
a document ``BLG-{sequence}``; two approvals racing for one code retry with the next."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.catalogue.models import Document, Service
from registry.kernel.errors import Conflict

CODE_ATTEMPTS = 20


def insert_with_code(
    session: Session, record: Service | Document, next_code: Callable[[], str]
) -> None:
    """Insert under the next free code; a concurrent insert that took it makes us try the next."""
    for attempt in range(CODE_ATTEMPTS):
        code = next_code()
        if attempt:
            prefix, _, sequence = code.rpartition("-")
            code = f"{prefix}-{int(sequence) + attempt:0{len(sequence)}d}"
        record.code = code
        try:
            with session.begin_nested():
                session.add(record)
                session.flush()
            return
        except IntegrityError:
            continue
    raise Conflict("Kod atanamadı; tekrar deneyin / could not assign a code, try again.")
