"""Everything a letter needs to know of one unit, computed once and cached until it changes.

EBYS systems ask on every letter, so the facts are kept in memory, per process and database:
the cache follows the audit trail like the other projections (one indexed read per request).
Entries are per unit and day, since a version can take effect on a later date; the least
recently used go first.

What a change empties: a unit's facts are read from its own chain (the unit and every unit above
it), its provincial administration's chain and the Presidency, so each entry keeps the DETSİS
numbers it was read from (``sources``), and a changed unit drops only the entries that read it:
a renamed ministry drops every unit under it, a unit's new phone number only that unit and those
under it. Whatever could change *which* units are read (a governorship, a district governorship
or the Presidency changed, opened or closed), a signatory, a manager post (who signs as the
holder of a post) or a unit type (an addressee exception) changed empties everything: those are
rare, and finer rules would be risky. Under a steady stream of approvals
(benchmarks/load.py) this is what keeps the caches warm.

What is built from the facts and cached further up (the rendered HTTP answers,
``registry.ebys.answer_cache``) does not follow the trail itself: it notes the units read while
it is built (``reading``) and is told what each change makes stale (``FactsCache.add_dependent``),
so it drops exactly what the facts would.

A unit this process has not seen is read from the EBYS facts projection (``facts_table``, one
indexed read) when that table is current for today and the trail's head, and computed here
otherwise; ``registry.ebys.projection`` fills the table with the same computation
(``chain_of``, ``unit_facts``).

Why this module is long: the cache, what each change drops from it, and the one computation of
a unit's facts (chains, surroundings, inheritance of KEP, certificate and contact) belong
together; the projection and the check reuse that computation, and splitting it would put the
cache's invalidation rules apart from the sources they follow.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Collection, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Generic, Literal, Protocol, Self, TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.audit import projections
from registry.audit import trail as audit
from registry.ebys import certificates, courtesy, facts_table, signatures
from registry.ebys.chain import LOCAL_ADMINISTRATION, PRESIDENCY, Chain, Link
from registry.ebys.letterhead import AddresseeExceptions, addressee, letterhead
from registry.ebys.views import (
    ContactBlock,
    InheritedCertificate,
    KepEntry,
    SignatoryBlock,
    UnitFacts,
)
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.errors import Gone, NotFound, RegistryError
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.reference import code_tables

logger = logging.getLogger(__name__)
MAX_CACHED_UNITS = 50_000
FRESH_SECONDS = 0.5  # how long another node's change may go unseen here
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
ADMINISTRATION_TYPES = ("Valilik", "Kaymakamlık")
# The units read inside ``reading()``, for what is being built there.
_reading: ContextVar[set[str] | None] = ContextVar("ebys_reading", default=None)


class Dependent(Protocol):
    """A cache of what is built from unit facts (the rendered HTTP answers): told what each
    change makes stale rather than following the audit trail itself, so both drop alike."""

    def drop(self, changed: Collection[str]) -> None:
        """Forget what was read from any of these DETSİS numbers (see ``reading``)."""

    def clear(self) -> None: ...


class _Lru(Generic[K, V]):
    """A bounded map, least recently used first out, safe across threads."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: K) -> V | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: K, value: V) -> None:
        with self._lock:
            self._items[key] = value
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()

    def values(self) -> list[V]:
        with self._lock:
            return list(self._items.values())

    def discard(self, stale: Callable[[K, V], bool]) -> None:
        """Drop the entries for which ``stale(key, value)`` holds."""
        with self._lock:
            for key in [key for key, value in self._items.items() if stale(key, value)]:
                del self._items[key]


@dataclass(frozen=True)
class _Surroundings:
    """What every unit's chain may need beyond its own ancestors, read once per day and change:
    the provincial administrations (by province, and by district for kaymakamlıks) with their
    chains, the Presidency's number, and the addressee exceptions registered for unit types."""

    governorships: dict[int, tuple[Link, ...]]
    district_offices: dict[tuple[int, str], tuple[Link, ...]]
    presidency: str | None
    addressee_exceptions: AddresseeExceptions

    def administration(self, province: int, district: str | None) -> tuple[Link, ...] | None:
        office = self.district_offices.get((province, _folded(district or "")))
        return office or self.governorships.get(province)

    def numbers(self) -> set[str]:
        """Every unit read: the administrations, the units above them, the Presidency."""
        chains = [*self.governorships.values(), *self.district_offices.values()]
        found = {link.detsis_no for chain in chains for link in chain}
        return found | ({self.presidency} if self.presidency else set())


class FactsCache(projections.Projection):
    ENTITIES = ("organization", "signatory", "manager_post", "unit_type")
    # Changes that empty everything (see the module's docstring).
    EVERYTHING = ("signatory", "manager_post", "unit_type")
    SCRATCH_KEY = "ebys_facts"

    def __init__(self) -> None:
        super().__init__()
        self.units: _Lru[tuple[str, date], UnitFacts] = _Lru(MAX_CACHED_UNITS)
        self.surroundings: _Lru[date, _Surroundings] = _Lru(4)
        self._dependents: list[Dependent] = []
        self._checked_at = 0.0
        self._committed_here = -1
        # Whether the table projection was current at (its seq, this head): see facts_table.
        self.projection_memo: dict[tuple[int, int], bool] = {}

    def add_dependent(self, dependent: Dependent) -> None:
        """Have ``dependent`` drop what each change makes stale here, from now on."""
        self._dependents.append(dependent)

    def sync(self, session: Session) -> Self:
        """As every projection, but the audit head is read at most every ``FRESH_SECONDS``
        unless this process has committed a change since: EBYS answers are read on every letter
        and clients keep them a minute anyway, so another node's change may take up to
        ``FRESH_SECONDS`` to be seen here. (Inside a writing transaction, ``sync`` may answer
        with that transaction's own copy; it is returned as is.)"""
        now, committed = time.monotonic(), audit.committed_here()
        if (
            self.synced_seq is not None
            and committed == self._committed_here
            and now < self._checked_at + FRESH_SECONDS
            and not audit.has_pending_entries(session)
        ):
            return self
        synced = super().sync(session)
        if synced is self:
            self._checked_at, self._committed_here = now, committed
        return synced

    def load_all(self, session: Session) -> None:
        self.clear()

    def reload(self, session: Session, changed: dict[str, set[str]]) -> None:
        numbers = changed.get("organization", set())
        if any(entity in changed for entity in self.EVERYTHING) or self._reshapes(session, numbers):
            self.clear()
            return
        if numbers:
            self.units.discard(lambda _key, facts: not facts.sources.isdisjoint(numbers))
            for dependent in self._dependents:
                dependent.drop(numbers)

    def _reshapes(self, session: Session, numbers: set[str]) -> bool:
        """Whether these changed units may change *which* units other units' facts read: a
        provincial administration or the Presidency, now or in a cached reading."""
        if not numbers:
            return False
        cached = self.surroundings.values()
        if any(not surroundings.numbers().isdisjoint(numbers) for surroundings in cached):
            return True
        return bool(
            session.scalar(
                select(OrganizationVersion.id)
                .join(Organization, Organization.id == OrganizationVersion.organization_id)
                .where(
                    Organization.detsis_no.in_(list(numbers)),
                    or_(
                        OrganizationVersion.category == PRESIDENCY,
                        OrganizationVersion.unit_type.in_(ADMINISTRATION_TYPES),
                    ),
                )
                .limit(1)
            )
        )

    def clear(self) -> None:
        self.units.clear()
        self.surroundings.clear()
        for dependent in self._dependents:
            dependent.clear()


_CACHES: projections.PerDatabase[FactsCache] = projections.PerDatabase(FactsCache)


def synced(session: Session) -> FactsCache:
    """This database's facts cache, up to date (see ``FactsCache.sync``)."""
    return _CACHES.of(session).sync(session)


@contextmanager
def reading() -> Iterator[set[str]]:
    """Collect the DETSİS numbers whose facts are read inside the block: the units asked for and
    every unit their facts were read from, i.e. what anything built inside depends on."""
    read: set[str] = set()
    token = _reading.set(read)
    try:
        yield read
    finally:
        _reading.reset(token)


def facts_of(session: Session, numbers: Collection[str], at: date) -> dict[str, UnitFacts]:
    """The facts of each unit, from the cache or computed in one batch.

    An unknown number is a 404; a unit closed (or not yet open) on ``at`` is a 410 naming its
    successors, so a caller holding an old number learns where to write instead.
    """
    found, refused = facts_and_refusals(session, numbers, at)
    for number in numbers:
        if number in refused:
            raise refused[number]
    return found


def facts_and_refusals(
    session: Session, numbers: Collection[str], at: date
) -> tuple[dict[str, UnitFacts], dict[str, RegistryError]]:
    """The facts of the units open on ``at``, and why each other one is refused (410, or 404
    when it was not open then), in one batch; an unknown number is still a 404 at once."""
    cache = synced(session)
    read = _reading.get()
    if read is not None:  # something is being built from these units: it depends on them
        read.update(numbers)
    found: dict[str, UnitFacts] = {}
    missing = []
    for number in numbers:
        cached = cache.units.get((number, at))
        if cached is None:
            missing.append(number)
        else:
            found[number] = cached
    refused: dict[str, RegistryError] = {}
    if missing and cache.synced_seq is not None and not audit.has_pending_entries(session):
        if at == today():  # units never seen here: one indexed read of the projection
            stored = facts_table.read(session, missing, at, cache.synced_seq, cache.projection_memo)
            for number, facts in stored.items():
                cache.units.put((number, at), facts)
                found[number] = facts
            missing = [number for number in missing if number not in stored]
    if missing:
        surroundings = cache.surroundings.get(at)
        if surroundings is None:
            surroundings = _surroundings(session, at)
            cache.surroundings.put(at, surroundings)
        computed, refused = _compute(session, missing, at, surroundings)
        for facts in computed:
            cache.units.put((facts.detsis_no, at), facts)
            found[facts.detsis_no] = facts
    if read is not None:
        for facts in found.values():
            read.update(facts.sources)
    return found, refused


def compute_live(session: Session, numbers: Collection[str], at: date) -> dict[str, UnitFacts]:
    """The facts of the open units among ``numbers``, computed from the records, past every
    cache and the projection (what ``registry ebys-facts check`` compares the table with)."""
    found, _refused = _compute(session, list(numbers), at, _surroundings(session, at))
    return {unit.detsis_no: unit for unit in found}


def _compute(
    session: Session, numbers: list[str], at: date, surroundings: _Surroundings
) -> tuple[list[UnitFacts], dict[str, RegistryError]]:
    ids = tree.organization_ids(session, numbers)
    versions = tree.versions_at(session, ids.values(), at)
    shut = {
        number: org_id
        for number, org_id in ids.items()
        if org_id not in versions or versions[org_id][1].status != Status.ACTIVE
    }
    refused = _refusals(session, shut, versions, at)
    closed = set(shut.values())
    open_versions = {org_id: versions[org_id] for org_id in ids.values() if org_id not in closed}
    chains = _chains(session, open_versions, at, surroundings)
    signatories = signatures.signatories_of(session, open_versions.keys(), at)
    exceptions = surroundings.addressee_exceptions
    facts = [
        _facts(chains[org_id], signatories.get(org_id, []), exceptions) for org_id in open_versions
    ]
    return facts, refused


def _refusals(
    session: Session,
    shut: dict[str, int],
    versions: dict[int, tuple[str, OrganizationVersion]],
    at: date,
) -> dict[str, RegistryError]:
    """Why each unit not open on ``at`` is refused, naming its successors."""
    if not shut:
        return {}
    _, successors = tree.links(session, shut.values())
    refused: dict[str, RegistryError] = {}
    for number, org_id in shut.items():
        later = successors.get(org_id, [])
        if org_id not in versions:
            refused[number] = NotFound(
                f"{number} numaralı birim {at.isoformat()} tarihinde açık değil / "
                "the unit was not open on that date.",
                extra={"successors": later},
            )
        else:
            refused[number] = Gone(
                f"{number} numaralı birim kapatıldı"
                + (f"; yerine: {', '.join(later)}" if later else "")
                + " / the unit is closed.",
                extra={"successors": later},
            )
    return refused


def _chains(
    session: Session,
    versions: dict[int, tuple[str, OrganizationVersion]],
    at: date,
    surroundings: _Surroundings,
) -> dict[int, Chain]:
    """Each unit's chain, with its provincial administration and the Presidency where they
    apply: one batched query per level of the tree, however many units."""
    return {
        org_id: chain_of(chain, surroundings)
        for org_id, chain in tree.ancestries(session, versions, at).items()
    }


def chain_of(
    ancestry: list[tuple[int, str, OrganizationVersion]],
    surroundings: _Surroundings,
    known: dict[int, Link] | None = None,
) -> Chain:
    """A unit's chain from its ancestry (``tree.ancestries``), with its provincial
    administration and the Presidency where they apply; ``known`` keeps the links made, by
    version id, for a computation of many units under the same ancestors."""
    if known is None:
        links = tuple(Link.of(number, version) for _, number, version in ancestry)
    else:
        made = []
        for _, number, version in ancestry:
            link = known.get(version.id)
            if link is None:
                link = known[version.id] = Link.of(number, version)
            made.append(link)
        links = tuple(made)
    head = Chain(links).provincial_head()
    administration = (
        surroundings.administration(head.province_code, head.district)
        if head is not None and head.province_code is not None
        else None
    )
    return Chain(links, administration, surroundings.presidency)


def surroundings_on(session: Session, at: date) -> _Surroundings:
    """The administrations, Presidency and addressee exceptions every chain may need on ``at``."""
    return _surroundings(session, at)


def _surroundings(session: Session, at: date) -> _Surroundings:
    rows = session.execute(
        select(OrganizationVersion, Organization.detsis_no)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(
            OrganizationVersion.category == LOCAL_ADMINISTRATION,
            OrganizationVersion.unit_type.in_(ADMINISTRATION_TYPES),
            OrganizationVersion.province_code.is_not(None),
            OrganizationVersion.status == Status.ACTIVE,
            tree.in_force(at),
        )
    ).all()
    versions = {version.organization_id: (number, version) for version, number in rows}
    governorships: dict[int, tuple[Link, ...]] = {}
    district_offices: dict[tuple[int, str], tuple[Link, ...]] = {}
    for org_id, chain in tree.ancestries(session, versions, at).items():
        links = tuple(Link.of(number, version) for _, number, version in chain)
        _, version = versions[org_id]
        assert version.province_code is not None
        if version.unit_type == "Valilik":
            governorships[version.province_code] = links
        elif version.district:
            district_offices[(version.province_code, turkish.fold(version.district))] = links
    presidency = session.scalar(
        select(Organization.detsis_no)
        .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
        .where(
            OrganizationVersion.category == PRESIDENCY,
            OrganizationVersion.parent_id.is_(None),
            OrganizationVersion.status == Status.ACTIVE,
            tree.in_force(at),
        )
        .limit(1)
    )
    return _Surroundings(governorships, district_offices, presidency, _exceptions(session, at))


def _exceptions(session: Session, at: date) -> AddresseeExceptions:
    """The addressee exceptions in the unit-type table on ``at``, by unit type."""
    return {
        row.name: (row.addressee_cut or "", row.addressee_add or "")
        for row in code_tables.table_rows(session, code_tables.UNIT_TYPE, at)
        if row.addressee_cut is not None or row.addressee_add is not None
    }


def unit_facts(
    chain: Chain, signatories: list[SignatoryBlock], exceptions: AddresseeExceptions
) -> UnitFacts:
    """What a letter needs of the chain's unit (the projection computes it the same way)."""
    return _facts(chain, signatories, exceptions)


def _facts(
    chain: Chain, signatories: list[SignatoryBlock], exceptions: AddresseeExceptions
) -> UnitFacts:
    unit = chain.unit
    kep = _inherited_kep(chain)
    contact = ContactBlock(
        address=_nearest_contact(chain, "address"),
        phone=unit.contact["phone"],
        fax=unit.contact["fax"],
        email=unit.contact["email"],
        web=_nearest_contact(chain, "web"),
        info_person=unit.contact["info_person"],
        kep=next((a["address"] for a in kep if a["active"]), None),
    )
    sources = {link.detsis_no for link in (*chain.links, *(chain.local_administration or ()))}
    if chain.presidency:
        sources.add(chain.presidency)
    return UnitFacts(
        sources=frozenset(sources),
        detsis_no=unit.detsis_no,
        name=unit.name,
        letterhead=letterhead(chain),
        addressee=addressee(chain, exceptions),
        place=courtesy.Place.of(chain),
        kep_addresses=kep,
        certificate=_inherited_certificate(chain),
        contact=contact,
        signatories=signatories,
    )


def _nearest_contact(chain: Chain, name: Literal["address", "web"]) -> str | None:
    """The unit's own contact field, else the nearest unit's above that has one: used for the
    address and web site (a department shares its building), never for a telephone, fax,
    e-mail or person (a call must not reach the wrong desk)."""
    return next(
        (link.contact[name] for link in reversed(chain.links) if link.contact.get(name)), None
    )


def _inherited_kep(chain: Chain) -> list[KepEntry]:
    """The unit's KEP addresses, or those of the nearest unit above with an active one."""
    for link in reversed(chain.links):
        if any(a.get("active", True) for a in link.kep_addresses):
            inherited = None if link is chain.unit else link.detsis_no
            return [
                KepEntry(
                    address=a["address"],
                    active=bool(a.get("active", True)),
                    inherited_from=inherited,
                )
                for a in link.kep_addresses
            ]
    return []


@functools.lru_cache(maxsize=4096)
def _folded(district: str) -> str:
    """A district's name folded once: every provincial unit of a district looks it up."""
    return turkish.fold(district)


@functools.lru_cache(maxsize=1024)
def _read_certificate(pem: str) -> certificates.CertificateFacts:
    """A certificate read once per process: thousands of units inherit their institution's."""
    return certificates.read(pem)


def _inherited_certificate(chain: Chain) -> InheritedCertificate | None:
    """The unit's certificate, or that of the nearest unit above with one."""
    for link in reversed(chain.links):
        if link.certificate_pem:
            try:
                facts = _read_certificate(link.certificate_pem)
            except certificates.BadCertificate as error:  # stored before it was checked
                logger.warning("unreadable certificate of %s: %s", link.detsis_no, error)
                continue
            return InheritedCertificate(
                pem=facts.pem,
                sha256_fingerprint=facts.sha256_fingerprint,
                subject=facts.subject,
                issuer=facts.issuer,
                serial_number=facts.serial_number,
                not_before=facts.not_before,
                not_after=facts.not_after,
                inherited_from=None if link is chain.unit else link.detsis_no,
            )
    return None
