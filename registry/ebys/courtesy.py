"""Arz or rica: the closing formula of a letter, from where sender and recipients stand.

The 2020 regulation (art. 16): to a higher or same-level authority "Arz ederim.", to a lower
one "Rica ederim.", to recipients at both "Arz ve rica ederim."; bodies with no hierarchy between
them get "arz". The level model (docs/ebys.md):

* A unit's superiors are the units above it in the tree; for a provincial unit of a ministry or
  an attached body, also its provincial administration (valilik or kaymakamlık) and the units
  above that; for a unit of the executive (ministries and their bağlı/ilgili/ilişkili bodies),
  also the Presidency.
* A recipient among the sender's superiors is higher: arz. A sender among the recipient's
  superiors means the recipient is lower: rica.
* Two units of the same institution, neither above the other, compare their depth below the
  institution: the recipient as high or higher is arz, lower is rica.
* Anything else has no hierarchy between them: arz.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from registry.ebys.chain import EXECUTIVE, Chain

ARZ = "Arz ederim."
RICA = "Rica ederim."
BOTH = "Arz ve rica ederim."


@dataclass(frozen=True)
class Place:
    """Where a unit stands, for arz/rica."""

    detsis_no: str
    superiors: frozenset[str]
    institution: str
    depth: int  # below its institution: 0 is the institution itself

    @classmethod
    def of(cls, chain: Chain) -> Place:
        above = {link.detsis_no for link in chain.links[:-1]}
        if chain.belongs_to_local_administration():
            assert chain.local_administration is not None
            above |= {link.detsis_no for link in chain.local_administration}
        root = chain.links[0]
        if chain.presidency and root.category in EXECUTIVE:
            above.add(chain.presidency)
        return cls(
            chain.unit.detsis_no,
            frozenset(above - {chain.unit.detsis_no}),
            chain.institution.detsis_no,
            len(chain.links) - 1 - chain.institution_index,
        )


def direction(sender: Place, recipient: Place) -> Literal["arz", "rica"]:
    if recipient.detsis_no in sender.superiors:
        return "arz"
    if sender.detsis_no in recipient.superiors:
        return "rica"
    if sender.institution == recipient.institution:
        return "arz" if recipient.depth <= sender.depth else "rica"
    return "arz"


def phrase(sender: Place, recipients: Iterable[Place]) -> str:
    found = {direction(sender, recipient) for recipient in recipients}
    if found == {"rica"}:
        return RICA
    if found == {"arz", "rica"}:
        return BOTH
    return ARZ
