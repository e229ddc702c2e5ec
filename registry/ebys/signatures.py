"""Who signs a unit's letters, as printed: the signature blocks of its active signatories on a
letter's date.

A signatory is a written name and title, or a manager post (the head post of a unit, read from
``registry.ebys.managers``), or both. Naming the post means a new appointment needs no new
signatory: the block names whoever holds the post on the letter's date, with the holder's title.
A post vacant on that date is marked ``vacant``; the written name, if any, signs instead.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.ebys import managers
from registry.ebys.models import ManagerPost, Signatory
from registry.ebys.views import SignatoryBlock
from registry.kernel import turkish
from registry.kernel.enums import RecordStatus
from registry.organizations import tree


def signatories_of(
    session: Session, org_ids: Collection[int], at: date
) -> dict[int, list[SignatoryBlock]]:
    """Active signatories, in the order they stand on the page: left to right, the highest
    (rank 1) on the right, as the regulation places two signatures. One that names a manager
    post signs as whoever holds it on ``at``."""
    found: dict[int, list[SignatoryBlock]] = {}
    rows = list(
        session.scalars(
            select(Signatory)
            .where(
                Signatory.organization_id.in_(set(org_ids)),
                Signatory.status == RecordStatus.ACTIVE,
            )
            .order_by(Signatory.organization_id, Signatory.rank.desc(), Signatory.id)
        )
    )
    posts = {s.manager_of_id for s in rows if s.manager_of_id is not None}
    holders = managers.holders_on(session, posts, at)
    numbers = tree.numbers_of(session, posts) if posts else {}
    for signatory in rows:
        post = signatory.manager_of_id
        found.setdefault(signatory.organization_id, []).append(
            signature_block(
                signatory,
                numbers.get(post) if post is not None else None,
                holders.get(post) if post is not None else None,
            )
        )
    return found


def signature_block(
    signatory: Signatory, manager_of: str | None, holder: ManagerPost | None
) -> SignatoryBlock:
    """The block printed for a signatory: ``Ad SOYAD``, the delegation if any, the title.

    A signatory naming a post signs as its holder (the name's last word is the surname), with
    the holder's title; a vacant post falls back to the written name and title, if any, and says
    ``vacant``: with no written name there is nobody to print, and ``lines`` is empty."""
    name, surname, title = signatory.name, signatory.surname, signatory.title
    if holder is not None:
        given, _, family = holder.name.rpartition(" ")
        name, surname = (given, family) if given else (family, "")
        title = holder.title
    lines: list[str] = []
    if name:
        lines.append(f"{name} {turkish.upper(surname or '')}".strip())
        if signatory.delegation:
            lines.append(signatory.delegation)
        if title:
            lines.append(title)
    return SignatoryBlock(
        name=name,
        surname=surname,
        title=title,
        delegation=signatory.delegation,
        rank=signatory.rank,
        lines=lines,
        manager_of=manager_of,
        vacant=manager_of is not None and holder is None,
    )
