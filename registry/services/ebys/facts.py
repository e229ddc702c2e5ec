"""Everything a letter needs to know of one unit, computed once and cached until it changes.

EBYS systems ask on every letter, so the answers are kept in memory, per process and database:
the cache follows the audit trail like the other projections (one indexed read per request) and
is emptied when a unit or a signatory changes (a renamed ministry changes the letterhead of every
unit under it, so nothing finer is worth the risk). Entries are per unit and day, since a
version can take effect on a later date; the least recently used go first.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry import certificates, turkish
from registry.errors import Gone, NotFound
from registry.models import Organization, OrganizationVersion
from registry.models.correspondence import Signatory
from registry.services import organization_tree as tree
from registry.services import projections
from registry.services.ebys import courtesy, naming
from registry.services.ebys.chain import LOCAL_ADMINISTRATION, PRESIDENCY, Chain, Link

logger = logging.getLogger(__name__)
MAX_CACHED_UNITS = 50_000
INHERITED_CONTACT_FIELDS = ("address", "web")  # the building and site are shared; phones are not


@dataclass(frozen=True)
class UnitFacts:
    detsis_no: str
    name: str
    letterhead: list[str]
    addressee: list[str]
    place: courtesy.Place
    kep_addresses: list[dict[str, Any]]
    certificate: dict[str, Any] | None
    contact: dict[str, Any]
    signatories: list[dict[str, Any]]


class FactsCache(projections.Projection):
    ENTITIES = ("organization", "signatory")
    SCRATCH_KEY = "ebys_facts"

    def __init__(self) -> None:
        super().__init__()
        self._entries: OrderedDict[tuple[str, date], UnitFacts] = OrderedDict()
        self._entries_lock = threading.Lock()

    def load_all(self, session: Session) -> None:
        self.clear()

    def reload(self, session: Session, changed: dict[str, set[str]]) -> None:
        if changed:
            self.clear()

    def clear(self) -> None:
        with self._entries_lock:
            self._entries.clear()

    def get(self, number: str, at: date) -> UnitFacts | None:
        with self._entries_lock:
            found = self._entries.get((number, at))
            if found is not None:
                self._entries.move_to_end((number, at))
            return found

    def put(self, facts: UnitFacts, at: date) -> None:
        with self._entries_lock:
            self._entries[(facts.detsis_no, at)] = facts
            while len(self._entries) > MAX_CACHED_UNITS:
                self._entries.popitem(last=False)


_CACHES: projections.PerDatabase[FactsCache] = projections.PerDatabase(FactsCache)


def facts_of(session: Session, numbers: Collection[str], at: date) -> dict[str, UnitFacts]:
    """The facts of each unit, from the cache or computed in one batch.

    An unknown number is a 404; a unit closed (or not yet open) on ``at`` is a 410 naming its
    successors, so a caller holding an old number learns where to write instead.
    """
    cache = _CACHES.of(session).sync(session)
    found: dict[str, UnitFacts] = {}
    missing = []
    for number in numbers:
        cached = cache.get(number, at)
        if cached is None:
            missing.append(number)
        else:
            found[number] = cached
    if missing:
        for facts in _compute(session, missing, at):
            cache.put(facts, at)
            found[facts.detsis_no] = facts
    return found


def _compute(session: Session, numbers: list[str], at: date) -> list[UnitFacts]:
    ids = {number: tree.organization_id(session, number) for number in numbers}
    versions = tree.versions_at(session, ids.values(), at)
    for number, org_id in ids.items():
        if org_id not in versions or versions[org_id][1].status != "active":
            _refuse_closed(session, number, org_id, at, org_id in versions)
    chains = _chains(session, versions, at)
    signatories = _signatories(session, ids.values())
    return [_facts(chains[org_id], signatories.get(org_id, [])) for number, org_id in ids.items()]


def _refuse_closed(session: Session, number: str, org_id: int, at: date, existed: bool) -> None:
    _, successors = tree.links(session, [org_id])
    later = successors.get(org_id, [])
    if not existed:
        raise NotFound(
            f"{number} numaralı birim {at.isoformat()} tarihinde açık değil / "
            "the unit was not open on that date.",
            extra={"successors": later},
        )
    raise Gone(
        f"{number} numaralı birim kapatıldı"
        + (f"; yerine: {', '.join(later)}" if later else "")
        + " / the unit is closed.",
        extra={"successors": later},
    )


def _chains(
    session: Session, versions: dict[int, tuple[str, OrganizationVersion]], at: date
) -> dict[int, Chain]:
    """Each unit's chain, with its provincial administration and the Presidency where they
    apply: one batched query per level, however many units."""
    ancestries = tree.ancestries(session, versions, at)
    links = {
        org_id: tuple(Link.of(number, version) for _, number, version in chain)
        for org_id, chain in ancestries.items()
    }
    wanted = {}
    for org_id, chain_links in links.items():
        head = Chain(chain_links).provincial_head()
        if head is not None and head.province_code is not None:
            wanted[org_id] = (head.province_code, head.district)
    administrations = _local_administrations(session, set(wanted.values()), at)
    presidency = session.scalar(
        select(Organization.detsis_no)
        .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
        .where(
            OrganizationVersion.category == PRESIDENCY,
            OrganizationVersion.parent_id.is_(None),
            OrganizationVersion.status == "active",
            tree.in_force(at),
        )
        .limit(1)
    )
    return {
        org_id: Chain(
            chain_links,
            administrations.get(wanted[org_id]) if org_id in wanted else None,
            presidency,
        )
        for org_id, chain_links in links.items()
    }


def _local_administrations(
    session: Session, places: set[tuple[int, str | None]], at: date
) -> dict[tuple[int, str | None], tuple[Link, ...]]:
    """The kaymakamlık of a district, else the valilik of the province, with their chains."""
    if not places:
        return {}
    provinces = {province for province, _ in places}
    rows = session.execute(
        select(OrganizationVersion, Organization.detsis_no)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(
            OrganizationVersion.province_code.in_(provinces),
            OrganizationVersion.category == LOCAL_ADMINISTRATION,
            or_(
                OrganizationVersion.unit_type == "Valilik",
                OrganizationVersion.unit_type == "Kaymakamlık",
            ),
            OrganizationVersion.status == "active",
            tree.in_force(at),
        )
    ).all()
    versions = {version.organization_id: (number, version) for version, number in rows}
    chains = tree.ancestries(session, versions, at)
    governorships: dict[int, int] = {}
    district_offices: dict[tuple[int, str], int] = {}
    for org_id, (_, version) in versions.items():
        assert version.province_code is not None
        if version.unit_type == "Valilik":
            governorships[version.province_code] = org_id
        elif version.district:
            district_offices[(version.province_code, turkish.fold(version.district))] = org_id
    found: dict[tuple[int, str | None], tuple[Link, ...]] = {}
    for province, district in places:
        office = district_offices.get((province, turkish.fold(district or "")))
        office = office or governorships.get(province)
        if office is not None:
            found[(province, district)] = tuple(
                Link.of(number, version) for _, number, version in chains[office]
            )
    return found


def _signatories(session: Session, org_ids: Collection[int]) -> dict[int, list[dict[str, Any]]]:
    """Active signatories, in the order they stand on the page: left to right, the highest
    (rank 1) on the right, as the regulation places two signatures."""
    found: dict[int, list[dict[str, Any]]] = {}
    rows = session.scalars(
        select(Signatory)
        .where(Signatory.organization_id.in_(set(org_ids)), Signatory.status == "active")
        .order_by(Signatory.organization_id, Signatory.rank.desc(), Signatory.id)
    )
    for signatory in rows:
        lines = [f"{signatory.name} {turkish.upper(signatory.surname)}"]
        if signatory.delegation:
            lines.append(signatory.delegation)
        lines.append(signatory.title)
        found.setdefault(signatory.organization_id, []).append(
            {
                "name": signatory.name,
                "surname": signatory.surname,
                "title": signatory.title,
                "delegation": signatory.delegation,
                "rank": signatory.rank,
                "lines": lines,
            }
        )
    return found


def _facts(chain: Chain, signatories: list[dict[str, Any]]) -> UnitFacts:
    unit = chain.unit
    kep = _inherited_kep(chain)
    contact = dict(unit.contact)
    for name in INHERITED_CONTACT_FIELDS:
        if not contact.get(name):
            contact[name] = next(
                (link.contact[name] for link in reversed(chain.links) if link.contact.get(name)),
                None,
            )
    contact["kep"] = next((a["address"] for a in kep if a["active"]), None)
    return UnitFacts(
        detsis_no=unit.detsis_no,
        name=unit.name,
        letterhead=naming.letterhead(chain),
        addressee=naming.addressee(chain),
        place=courtesy.Place.of(chain),
        kep_addresses=kep,
        certificate=_inherited_certificate(chain),
        contact=contact,
        signatories=signatories,
    )


def _inherited_kep(chain: Chain) -> list[dict[str, Any]]:
    """The unit's KEP addresses, or those of the nearest unit above with an active one."""
    for link in reversed(chain.links):
        if any(a.get("active", True) for a in link.kep_addresses):
            inherited = None if link is chain.unit else link.detsis_no
            return [
                {
                    "address": a["address"],
                    "active": bool(a.get("active", True)),
                    "inherited_from": inherited,
                }
                for a in link.kep_addresses
            ]
    return []


def _inherited_certificate(chain: Chain) -> dict[str, Any] | None:
    """The unit's certificate, or that of the nearest unit above with one."""
    for link in reversed(chain.links):
        if link.certificate_pem:
            try:
                facts = certificates.read(link.certificate_pem)
            except certificates.BadCertificate as error:  # stored before it was checked
                logger.warning("unreadable certificate of %s: %s", link.detsis_no, error)
                continue
            return {
                "pem": facts.pem,
                "sha256_fingerprint": facts.sha256_fingerprint,
                "subject": facts.subject,
                "issuer": facts.issuer,
                "serial_number": facts.serial_number,
                "not_before": facts.not_before,
                "not_after": facts.not_after,
                "inherited_from": None if link is chain.unit else link.detsis_no,
            }
    return None
