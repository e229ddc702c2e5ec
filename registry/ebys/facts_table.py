"""Reading the EBYS facts projection (``ebys_facts``): whether it answers for today and the
trail's head, and a unit's ``UnitFacts`` from its row.

Kept apart from the computation (``registry.ebys.projection``, which uses ``facts.py``) so the
facts cache can read the table without importing what computes it. A row answers only when the
projection is current: built for today, and no audit entry it follows came after its position
(entries of other records, such as services or complaints, do not make it stale). Otherwise
the caller computes the facts live, which is always right, only slower.
"""

from __future__ import annotations

from collections.abc import Collection, MutableMapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import select, true
from sqlalchemy.orm import Session

from registry.audit.models import AuditEntry
from registry.ebys.courtesy import Place
from registry.ebys.models import EbysFactsRow, EbysFactsState
from registry.ebys.views import InheritedCertificate, UnitFacts

# The audit entities whose changes can change a row (the rest never do).
FOLLOWED = ("organization", "signatory", "manager_post", "unit_type", "category", "place")
# Beyond this many entries since the projection's position, it is stale without looking.
MAX_LOOK_AHEAD = 2_000
STATE_ID = 1


def dump(found: UnitFacts) -> dict[str, Any]:
    """``UnitFacts`` as JSON (datetimes as ISO text, sets as sorted lists)."""
    certificate: dict[str, Any] | None = None
    if found.certificate is not None:
        certificate = dict(found.certificate)
        certificate["not_before"] = found.certificate["not_before"].isoformat()
        certificate["not_after"] = found.certificate["not_after"].isoformat()
    return {
        "name": found.name,
        "letterhead": found.letterhead,
        "addressee": found.addressee,
        "place": {
            "superiors": sorted(found.place.superiors),
            "institution": found.place.institution,
            "depth": found.place.depth,
        },
        "kep_addresses": found.kep_addresses,
        "certificate": certificate,
        "contact": found.contact,
        "signatories": found.signatories,
        "sources": sorted(found.sources),
    }


def load(number: str, data: dict[str, Any]) -> UnitFacts:
    """The ``UnitFacts`` a row holds, equal to the live computation's."""
    certificate: InheritedCertificate | None = None
    stored = data["certificate"]
    if stored is not None:
        certificate = InheritedCertificate(
            pem=stored["pem"],
            sha256_fingerprint=stored["sha256_fingerprint"],
            subject=stored["subject"],
            issuer=stored["issuer"],
            serial_number=stored["serial_number"],
            not_before=datetime.fromisoformat(stored["not_before"]),
            not_after=datetime.fromisoformat(stored["not_after"]),
            inherited_from=stored["inherited_from"],
        )
    place = data["place"]
    return UnitFacts(
        detsis_no=number,
        name=data["name"],
        letterhead=data["letterhead"],
        addressee=data["addressee"],
        place=Place(number, frozenset(place["superiors"]), place["institution"], place["depth"]),
        kep_addresses=data["kep_addresses"],
        certificate=certificate,
        contact=data["contact"],
        signatories=data["signatories"],
        sources=frozenset(data["sources"]),
    )


def followed_after(session: Session, seq: int, head: int) -> bool | None:
    """Whether an entry the projection follows lies in ``(seq, head]``; None when there are too
    many entries to look (the projection is then treated as stale)."""
    if head <= seq:
        return False
    if head - seq > MAX_LOOK_AHEAD:
        return None
    found = session.scalar(
        select(AuditEntry.seq)
        .where(AuditEntry.seq > seq, AuditEntry.seq <= head, AuditEntry.entity.in_(FOLLOWED))
        .limit(1)
    )
    return found is not None


def current(
    session: Session, seq: int, head: int, memo: MutableMapping[tuple[int, int], bool]
) -> bool:
    """Whether a projection at ``seq`` reflects the trail up to ``head`` (remembered per pair,
    so a steady head costs one look)."""
    key = (seq, head)
    known = memo.get(key)
    if known is None:
        known = followed_after(session, seq, head) is False
        if len(memo) > 64:
            memo.clear()
        memo[key] = known
    return known


def state(session: Session) -> tuple[int, date] | None:
    """The projection's position and day; None when it was never built."""
    row = session.execute(
        select(EbysFactsState.seq, EbysFactsState.as_of).where(EbysFactsState.id == STATE_ID)
    ).first()
    return None if row is None else (row.seq, row.as_of)


def read(
    session: Session,
    numbers: Collection[str],
    at: date,
    head: int,
    memo: MutableMapping[tuple[int, int], bool],
) -> dict[str, UnitFacts]:
    """The facts of the open units among ``numbers`` from the projection, in one indexed read,
    when it answers for ``at`` and ``head``; nothing otherwise (the caller computes them)."""
    rows = session.execute(
        select(EbysFactsRow.detsis_no, EbysFactsRow.facts, EbysFactsState.seq, EbysFactsState.as_of)
        .join(EbysFactsState, true())
        .where(EbysFactsState.id == STATE_ID, EbysFactsRow.detsis_no.in_(list(numbers)))
    ).all()
    if not rows or rows[0].as_of != at or not current(session, rows[0].seq, head, memo):
        return {}
    return {row.detsis_no: load(row.detsis_no, row.facts) for row in rows if row.facts is not None}
