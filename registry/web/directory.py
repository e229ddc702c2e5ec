"""The directory of the state: institutions by category, an A–Z index, a name filter, and any
institution's tree, all readable without script.

Institutions are the units that carry a category (Bakanlık, Bağlı Kuruluş, Yükseköğretim Kurumu…);
the rest are their inner units. The A–Z index walks the Turkish sort key (``c1`` is Ç, ``i0`` is
I, ``i1`` is İ), so a letter is an index range, not a scan. The tree opens one level per page,
its sub-units paged, each with its own first sub-units in a ``<details>`` element: opening more
is a link to that unit's tree, so no page grows with the size of a ministry.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort, render_template, request
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.reference.code_tables import PLURALS
from registry.web.formats import page_count, page_number
from registry.web.site import blp
from schemas.common import DETSIS_PATTERN
from schemas.vocabularies import CATEGORIES

ALPHABET = tuple("ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ")
SHOWN_PER_CATEGORY = 8
PER_PAGE = 50
GRANDCHILDREN_SHOWN = 10
RELATED = frozenset({"Bağlı Kuruluş", "İlgili Kuruluş", "İlişkili Kuruluş"})


@dataclass(frozen=True)
class Entry:
    """A unit in a list: enough to link it and say what it is."""

    detsis_no: str
    name: str
    category: str | None
    status: str
    sub_units: int = 0
    below: tuple[Entry, ...] = ()
    above: str | None = None  # the ministry of an attached, related or associated body


def letter_key(letter: str) -> str:
    """The sort-key unit of a letter: what every name beginning with it starts with."""
    return turkish.sort_key(letter)[:2]


def _institutions(at: date) -> Any:
    return (
        select(
            Organization.detsis_no,
            OrganizationVersion.name,
            OrganizationVersion.category,
            OrganizationVersion.status,
            OrganizationVersion.sort_key,
            OrganizationVersion.parent_id,
        )
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(
            tree.in_force(at),
            OrganizationVersion.category.is_not(None),
            OrganizationVersion.status == Status.ACTIVE,
        )
    )


def _entries(session: Session, rows: Any, at: date) -> list[Entry]:
    """Entries, each attached, related or associated body with the institution above it."""
    rows = list(rows)
    parents = {r.parent_id for r in rows if r.category in RELATED and r.parent_id is not None}
    found = tree.versions_at(session, parents, at)
    chains = tree.lineages(session, found, at)
    above = {org_id: tree.institution_of(path).name for org_id, path in chains.items()}
    return [
        Entry(
            r.detsis_no,
            r.name,
            r.category,
            r.status,
            above=above.get(r.parent_id) if r.category in RELATED else None,
        )
        for r in rows
    ]


def _paged(session: Session, stmt: Any, page: int, at: date) -> tuple[list[Entry], int]:
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(OrganizationVersion.sort_key, Organization.detsis_no)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    )
    return _entries(session, rows, at), total


@blp.get("/organizations")
def directory() -> str:
    """Institutions by category, by first letter, or by a name typed without Turkish letters."""
    session = get_session()
    at = today()
    q = (request.args.get("q") or "").strip()[:200]
    letter = (request.args.get("harf") or "").strip()
    category = (request.args.get("kategori") or "").strip()
    page = page_number()
    context: dict[str, Any] = {
        "q": q,
        "letter": letter,
        "category": category,
        "page": page,
        "alphabet": ALPHABET,
        "plurals": PLURALS,
    }
    every = session.execute(_institutions(at).order_by(OrganizationVersion.sort_key)).all()
    context["present"] = {row.sort_key[:2] for row in every}
    context["letter_keys"] = {a: letter_key(a) for a in ALPHABET}
    if q:
        try:
            found, total = tree.list_units(
                session,
                tree.UnitFilter(q=q, status=Status.ACTIVE),
                at,
                (page - 1) * PER_PAGE,
                PER_PAGE,
            )
        except InvalidInput:
            found, total = [], 0
            context["error"] = "Aramak için en az bir harf ya da rakam yazın."
        context.update(
            mode="q", matches=found, total=total, pages=page_count(total, PER_PAGE), heading=q
        )
    elif letter:
        if letter not in ALPHABET:
            abort(404, description="Türk alfabesinde böyle bir harf yok.")
        key = letter_key(letter)
        stmt = _institutions(at).where(
            OrganizationVersion.sort_key >= key, OrganizationVersion.sort_key < _next_key(key)
        )
        entries, total = _paged(session, stmt, page, at)
        context.update(mode="letter", entries=entries, total=total)
    elif category:
        if category not in CATEGORIES:
            abort(404, description="Böyle bir kurum kategorisi yok.")
        stmt = _institutions(at).where(OrganizationVersion.category == category)
        entries, total = _paged(session, stmt, page, at)
        context.update(mode="category", entries=entries, total=total)
    else:
        groups: dict[str, list[Entry]] = {}
        for entry in _entries(session, every, at):
            groups.setdefault(entry.category or "", []).append(entry)
        order = {name: position for position, name in enumerate(CATEGORIES)}
        context.update(
            mode="groups",
            groups=sorted(groups.items(), key=lambda item: order.get(item[0], len(order))),
            shown=SHOWN_PER_CATEGORY,
        )
    if context["mode"] in ("letter", "category"):
        context["pages"] = page_count(context["total"], PER_PAGE)
    return render_template("directory.html", **context)


def _next_key(key: str) -> str:
    """The first sort key after every key that starts with ``key`` (a two-character unit)."""
    return key[:-1] + chr(ord(key[-1]) + 1)


@blp.get("/organizations/<string:detsis_no>/tree")
def organization_tree(detsis_no: str) -> str:
    """One level of a unit's tree, paged, each sub-unit with its own first sub-units."""
    session = get_session()
    at = today()
    if not DETSIS_PATTERN.match(detsis_no):
        abort(404, description="DETSİS numarası 8 haneli olmalıdır.")
    try:
        unit = tree.get_unit(session, detsis_no, at)
    except NotFound:
        abort(404, description=f"{detsis_no} numaralı birim bulunamadı.")
    page = page_number()
    org_id = unit.path[-1].organization_id
    stmt = (
        select(
            Organization.detsis_no,
            OrganizationVersion.organization_id,
            OrganizationVersion.name,
            OrganizationVersion.category,
            OrganizationVersion.status,
        )
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(OrganizationVersion.parent_id == org_id, tree.in_force(at))
    )
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = session.execute(
        stmt.order_by(OrganizationVersion.sort_key, Organization.detsis_no)
        .offset((page - 1) * PER_PAGE)
        .limit(PER_PAGE)
    ).all()
    ids = [row.organization_id for row in rows]
    counts = sub_unit_counts(session, ids, at)
    below = first_sub_units(session, [i for i in ids if counts.get(i)], at)
    children = [
        Entry(
            row.detsis_no,
            row.name,
            row.category,
            row.status,
            counts.get(row.organization_id, 0),
            tuple(below.get(row.organization_id, [])),
        )
        for row in rows
    ]
    return render_template(
        "organization_tree.html",
        unit=unit,
        children=children,
        total=total,
        page=page,
        pages=page_count(total, PER_PAGE),
        shown_below=GRANDCHILDREN_SHOWN,
    )


def sub_unit_counts(session: Session, org_ids: list[int], at: date) -> dict[int, int]:
    """How many sub-units each unit had on ``at``: one grouped query."""
    if not org_ids:
        return {}
    rows = session.execute(
        select(OrganizationVersion.parent_id, func.count())
        .where(OrganizationVersion.parent_id.in_(org_ids), tree.in_force(at))
        .group_by(OrganizationVersion.parent_id)
    )
    return {parent: count for parent, count in rows if parent is not None}


def first_sub_units(session: Session, org_ids: list[int], at: date) -> dict[int, list[Entry]]:
    """The first ``GRANDCHILDREN_SHOWN`` sub-units of each unit (Turkish order), in one query:
    a window numbers each unit's sub-units, so a unit with thousands costs ten rows."""
    if not org_ids:
        return {}
    position = (
        func.row_number()
        .over(
            partition_by=OrganizationVersion.parent_id,
            order_by=(OrganizationVersion.sort_key, OrganizationVersion.organization_id),
        )
        .label("position")
    )
    numbered = (
        select(
            OrganizationVersion.parent_id,
            Organization.detsis_no,
            OrganizationVersion.name,
            OrganizationVersion.category,
            OrganizationVersion.status,
            position,
        )
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(OrganizationVersion.parent_id.in_(org_ids), tree.in_force(at))
        .subquery()
    )
    found: dict[int, list[Entry]] = {}
    for row in session.execute(
        select(numbered)
        .where(numbered.c.position <= GRANDCHILDREN_SHOWN)
        .order_by(numbered.c.parent_id, numbered.c.position)
    ):
        found.setdefault(row.parent_id, []).append(
            Entry(row.detsis_no, row.name, row.category, row.status)
        )
    return found
