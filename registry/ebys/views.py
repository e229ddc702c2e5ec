"""The EBYS views: what a letter needs of one unit (``UnitFacts``, cached by ``facts.py``) and
the answers built from it (``answers.py``).

The answers are ``TypedDict``s, each dumped (by key, in the schema's field order, as JSON or XML)
by the schema of the same name in ``schemas/ebys/lookups.py``; where a model has the name,
``Distribution``
by ``DistributionListSchema``, ``DistributionEntry`` by ``DistributionRecipientSchema`` and
``SignatoryBlock`` by ``SignatorySchema``. The facts are shared across requests and threads once
cached: nothing may change them in place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from registry.ebys.courtesy import Place
from registry.organizations.models import Contact


class KepEntry(TypedDict):
    """A KEP address a letter may be sent to, the unit's own or inherited from above."""

    address: str
    active: bool
    inherited_from: str | None  # the unit above that holds it; None: the unit's own


class InheritedCertificate(TypedDict):
    """The encryption certificate a letter to the unit is encrypted with, own or inherited."""

    pem: str
    sha256_fingerprint: str
    subject: str
    issuer: str
    serial_number: str
    not_before: datetime
    not_after: datetime
    inherited_from: str | None


class ContactBlock(Contact):
    """The sender's contact block at the foot of a letter: the unit's own, except that the
    address and web site come from the nearest unit above when it has none."""

    kep: str | None  # the active KEP address it writes from


class SignatoryBlock(TypedDict):
    """One signatory, with the block printed for them; for a signatory naming a manager post,
    its holder on the letter's date (``registry.ebys.facts.signature_block``)."""

    name: str | None  # None: a vacant post and no written name
    surname: str | None
    title: str | None
    delegation: str | None
    rank: int
    lines: list[str]  # empty when there is nobody to print
    manager_of: str | None  # the unit whose head post signs; None: a written name
    vacant: bool  # the post had no holder on the letter's date


@dataclass(frozen=True)
class UnitFacts:
    """What a letter needs of one unit on one day, from its chain (``registry.ebys.chain``)."""

    detsis_no: str
    name: str
    letterhead: list[str]
    addressee: list[str]
    place: Place
    kep_addresses: list[KepEntry]
    certificate: InheritedCertificate | None
    contact: ContactBlock
    signatories: list[SignatoryBlock]
    sources: frozenset[str] = frozenset()  # the units read to compute these facts


class Lines(TypedDict):
    """A unit's letterhead, or the addressee lines of a letter to it."""

    detsis_no: str
    lines: list[str]


class Signatories(TypedDict):
    detsis_no: str
    signatories: list[SignatoryBlock]  # left to right as on the page


class Kep(TypedDict):
    detsis_no: str
    kep_addresses: list[KepEntry]


class Certificate(InheritedCertificate):
    expired: bool  # as of the answer: an expired certificate is still served


class UnitCertificate(Certificate):
    detsis_no: str  # the unit asked for (the certificate may be inherited from above)


class Courtesy(TypedDict):
    phrase: str  # "Arz ederim.", "Rica ederim." or "Arz ve rica ederim."


class Recipient(TypedDict):
    """What a letter needs of one recipient."""

    detsis_no: str
    addressee: list[str]
    kep_addresses: list[KepEntry]
    certificate: Certificate | None


class Correspondence(TypedDict):
    """Everything for one letter."""

    sender: str
    letterhead: list[str]
    courtesy: str
    signatories: list[SignatoryBlock]
    sender_contact: ContactBlock
    recipients: list[Recipient]


class DistributionEntry(TypedDict):
    """A recipient of a distribution list; one closed since the list was made is kept, marked."""

    detsis_no: str
    kind: str  # "gereği" (for action) or "bilgi" (for information)
    addressee: list[str]  # empty when closed
    closed: bool
    successors: list[str]  # where to write instead, when closed


class Distribution(TypedDict):
    """A distribution list (dağıtım) as an EBYS reads it."""

    id: int
    name: str
    owner: str
    recipients: list[DistributionEntry]
