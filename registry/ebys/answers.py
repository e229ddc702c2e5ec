"""The EBYS lookup answers, as the API contract shapes them (``registry.ebys.views``), built
from cached unit facts."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from registry.ebys import courtesy as courtesy_rules
from registry.ebys.facts import facts_and_refusals, facts_of
from registry.ebys.models import DistributionList
from registry.ebys.views import (
    Certificate,
    ContactBlock,
    Correspondence,
    Courtesy,
    Distribution,
    DistributionEntry,
    Kep,
    Lines,
    Recipient,
    Signatories,
    UnitCertificate,
    UnitFacts,
)
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations import tree

MAX_RECIPIENTS = 100


def _one(session: Session, number: str) -> UnitFacts:
    return facts_of(session, [number], today())[number]


def letterhead(session: Session, number: str) -> Lines:
    return Lines(detsis_no=number, lines=_one(session, number).letterhead)


def addressee(session: Session, number: str) -> Lines:
    return Lines(detsis_no=number, lines=_one(session, number).addressee)


def signatories(session: Session, number: str, at: date | None = None) -> Signatories:
    """Who signs for the unit on ``at`` (default today): a signatory naming a manager post signs
    as its holder on that date."""
    found = facts_of(session, [number], at or today())[number]
    return Signatories(detsis_no=number, signatories=found.signatories)


def contact(session: Session, number: str) -> ContactBlock:
    return _one(session, number).contact.copy()


def kep(session: Session, number: str) -> Kep:
    return Kep(detsis_no=number, kep_addresses=_one(session, number).kep_addresses)


def certificate(session: Session, number: str) -> UnitCertificate:
    found = _certificate(_one(session, number))
    if found is None:
        raise NotFound(
            f"{number} numaralı birim ve üstleri için şifreleme sertifikası kayıtlı değil / "
            "no encryption certificate is registered for the unit or any unit above it."
        )
    return UnitCertificate(**found, detsis_no=number)


def courtesy(session: Session, sender: str, recipients: Sequence[str]) -> Courtesy:
    _check_recipients(sender, recipients)
    found = facts_of(session, [sender, *recipients], today())
    return Courtesy(phrase=_phrase(found, sender, recipients))


def correspondence(
    session: Session, sender: str, recipients: Sequence[str], at: date | None = None
) -> Correspondence:
    """Everything for one letter from ``sender`` to ``recipients`` dated ``at`` (default
    today), in one answer."""
    _check_recipients(sender, recipients)
    found = facts_of(session, [sender, *recipients], at or today())
    writer = found[sender]
    return Correspondence(
        sender=sender,
        letterhead=writer.letterhead,
        courtesy=_phrase(found, sender, recipients),
        signatories=writer.signatories,
        sender_contact=writer.contact,
        recipients=[
            Recipient(
                detsis_no=number,
                addressee=found[number].addressee,
                kep_addresses=found[number].kep_addresses,
                certificate=_certificate(found[number]),
            )
            for number in recipients
        ],
    )


def distribution_lists(session: Session, owner: str) -> list[Distribution]:
    owner_id = tree.organization_id(session, owner)
    lists = session.scalars(
        select(DistributionList)
        .where(
            DistributionList.owner_id == owner_id, DistributionList.status == RecordStatus.ACTIVE
        )
        .options(selectinload(DistributionList.recipients))
        .order_by(DistributionList.id)
    ).all()
    return [_distribution_list(session, found) for found in lists]


def distribution_list(session: Session, list_id: int) -> Distribution:
    found = session.get(DistributionList, list_id)
    if found is None or found.status != RecordStatus.ACTIVE:
        raise NotFound(f"{list_id} numaralı dağıtım listesi yok / no such distribution list.")
    return _distribution_list(session, found)


def _distribution_list(session: Session, found: DistributionList) -> Distribution:
    """The list with each recipient's addressee lines; a recipient closed since the list was
    made is kept, marked, so the owner sees what to fix rather than a silently shorter list."""
    numbers = tree.numbers_of(
        session, [found.owner_id, *(r.organization_id for r in found.recipients)]
    )
    wanted = [numbers[r.organization_id] for r in found.recipients]
    open_units, refused = facts_and_refusals(session, wanted, today())
    recipients = []
    for recipient, number in zip(found.recipients, wanted, strict=True):
        closed = number not in open_units
        recipients.append(
            DistributionEntry(
                detsis_no=number,
                kind=recipient.kind,
                addressee=[] if closed else open_units[number].addressee,
                closed=closed,
                successors=refused[number].extra.get("successors", []) if closed else [],
            )
        )
    return Distribution(
        id=found.id, name=found.name, owner=numbers[found.owner_id], recipients=recipients
    )


def _phrase(found: dict[str, UnitFacts], sender: str, recipients: Sequence[str]) -> str:
    return courtesy_rules.phrase(found[sender].place, [found[r].place for r in recipients])


def _certificate(facts: UnitFacts) -> Certificate | None:
    found = facts.certificate
    if found is None:
        return None
    return Certificate(**found, expired=found["not_after"] <= datetime.now(UTC))


def _check_recipients(sender: str, recipients: Sequence[str]) -> None:
    if not recipients:
        raise InvalidInput(
            "En az bir alıcı gerekli / at least one recipient (to) is required.",
            errors={"to": ["at least one recipient"]},
        )
    if len(recipients) > MAX_RECIPIENTS:
        raise InvalidInput(
            f"En çok {MAX_RECIPIENTS} alıcı / at most {MAX_RECIPIENTS} recipients.",
            errors={"to": [f"at most {MAX_RECIPIENTS} recipients"]},
        )
    repeated = sorted(number for number, times in Counter(recipients).items() if times > 1)
    if repeated:
        raise InvalidInput(
            "Aynı alıcı iki kez yazılmış / a recipient is listed twice.",
            errors={"to": [f"listed twice: {', '.join(repeated)}"]},
        )
