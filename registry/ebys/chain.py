"""A unit as a letter sees it: the unit, the units above it, and its local administration.

Plain data, detached from the database session, so the answers built from it can be cached
across requests (``registry.ebys.facts``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.organizations.models import Contact, OrganizationVersion

# Bodies whose letterhead names their ministry first (2020 regulation on official correspondence).
ATTACHED = frozenset({"Bağlı Kuruluş", "İlgili Kuruluş", "İlişkili Kuruluş"})
# Institutions whose provincial units belong to the provincial administration (valilik /
# kaymakamlık): the ministries' own provincial organization and that of their attached bodies.
# Related and associated bodies, universities and municipalities keep their own letterhead.
UNDER_LOCAL_ADMINISTRATION = frozenset({"Bakanlık", "Bağlı Kuruluş"})
LOCAL_ADMINISTRATION = "Mülki İdare"
PRESIDENCY = "Cumhurbaşkanlığı"
# Roots the Presidency stands above (the executive); constitutional bodies, courts, universities
# and municipalities do not answer to it in correspondence.
EXECUTIVE = frozenset({"Bakanlık", "Bağlı Kuruluş", "İlgili Kuruluş", "İlişkili Kuruluş"})


@dataclass(frozen=True)
class Link:
    """One unit of a chain, with what letters need of it."""

    detsis_no: str
    name: str
    category: str | None
    unit_type: str | None
    level: str
    province_code: int | None
    district: str | None
    status: str
    letterhead: tuple[str, ...] | None
    kep_addresses: tuple[dict[str, Any], ...]  # as registered: {address, active}
    certificate_pem: str | None
    contact: Contact

    @classmethod
    def of(cls, detsis_no: str, version: OrganizationVersion) -> Link:
        return cls(
            detsis_no=detsis_no,
            name=version.name,
            category=version.category,
            unit_type=version.unit_type,
            level=version.level,
            province_code=version.province_code,
            district=version.district,
            status=version.status,
            letterhead=tuple(version.letterhead) if version.letterhead else None,
            kep_addresses=tuple(dict(a) for a in version.kep_addresses or ()),
            certificate_pem=version.certificate_pem,
            contact=version.contact,
        )


@dataclass(frozen=True)
class Chain:
    """A unit and the units above it (root first, the unit last), and, for a provincial unit of
    a ministry or an attached body, the provincial administration it belongs to."""

    links: tuple[Link, ...]
    local_administration: tuple[Link, ...] | None = None  # its chain too (valilik under a ministry)
    presidency: str | None = None  # the Presidency's number, for units of the executive

    @property
    def unit(self) -> Link:
        return self.links[-1]

    @property
    def institution_index(self) -> int:
        """Where the unit's institution (nearest unit with a category) stands in the chain."""
        for index in range(len(self.links) - 1, -1, -1):
            if self.links[index].category:
                return index
        return 0

    @property
    def institution(self) -> Link:
        return self.links[self.institution_index]

    def ministry_of_institution(self) -> Link | None:
        """The institution above an attached body (its ministry, or the Presidency)."""
        for link in reversed(self.links[: self.institution_index]):
            if link.category:
                return link
        return None

    def provincial_head(self) -> Link | None:
        """The topmost provincial unit of the chain below the institution (the unit a province
        knows: İzmir İl Göç İdaresi Müdürlüğü for its departments too)."""
        for link in self.links[self.institution_index + 1 :]:
            if link.level == "provincial" and link.province_code is not None:
                return link
        return None

    def belongs_to_local_administration(self) -> bool:
        return (
            self.local_administration is not None
            and self.institution.category in UNDER_LOCAL_ADMINISTRATION
            and self.provincial_head() is not None
        )
