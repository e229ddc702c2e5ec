"""Reading the organization tree as it stood on a date.

Every query selects the versions in force on one date through the indexes on
``(organization_id, valid_from)`` and ``(parent_id, valid_from)``; walks up the tree are batched one
query per level (the tree is at most a dozen levels deep), and walks down one query per level of
the answer. No query scans the table, so the cost follows the size of the answer, not of the
registry (see docs/organizations.md and benchmarks/tree.py).

Why this module is long: every read of the tree as of a date (versions, paths, subtrees, links,
lists) shares the same in-force condition and batching helpers; split, each part would import the
others' private helpers.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, literal, or_, select
from sqlalchemy.orm import Session

from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations.models import (
    CONTENT_FIELDS,
    Organization,
    OrganizationLink,
    OrganizationVersion,
    Status,
)
from registry.search import matching

MAX_DEPTH = 12  # deeper than any real administration; guards walks against corrupt cycles
MAX_SUBTREE_NODES = 10_000
_CHUNK = 500
Key = TypeVar("Key", int, str)


@dataclass(frozen=True)
class PathEntry:
    organization_id: int
    detsis_no: str
    name: str
    category: str | None


@dataclass(frozen=True)
class UnitView:
    """A unit as of a date, with what the API derives from the tree around it."""

    detsis_no: str
    version: OrganizationVersion
    path: list[PathEntry]  # root first, the unit itself last
    predecessors: list[str] = field(default_factory=list)
    successors: list[str] = field(default_factory=list)

    @property
    def parent_no(self) -> str | None:
        return self.path[-2].detsis_no if len(self.path) > 1 else None

    @property
    def institution_no(self) -> str:
        return institution_of(self.path).detsis_no


def institution_of(path: Sequence[PathEntry]) -> PathEntry:
    """The nearest ancestor-or-self that is an institution (has a category), else the root."""
    for entry in reversed(path):
        if entry.category:
            return entry
    return path[0]


@dataclass
class SubtreeNode:
    detsis_no: str
    version: OrganizationVersion
    depth: int
    children: list[SubtreeNode] = field(default_factory=list)


def in_force(at: date) -> Any:
    """SQL condition: the version answers for ``at``."""
    return (OrganizationVersion.valid_from <= at) & or_(
        OrganizationVersion.valid_to.is_(None), OrganizationVersion.valid_to > at
    )


def _chunks(ids: Sequence[Key]) -> Iterable[Sequence[Key]]:
    for start in range(0, len(ids), _CHUNK):
        yield ids[start : start + _CHUNK]


def versions_at(
    session: Session, org_ids: Collection[int], at: date
) -> dict[int, tuple[str, OrganizationVersion]]:
    """``organization_id → (detsis_no, version in force)`` for those that existed on ``at``."""
    found: dict[int, tuple[str, OrganizationVersion]] = {}
    for chunk in _chunks(sorted(set(org_ids))):
        rows = session.execute(
            select(OrganizationVersion, Organization.detsis_no)
            .join(Organization, Organization.id == OrganizationVersion.organization_id)
            .where(OrganizationVersion.organization_id.in_(chunk), in_force(at))
        )
        for version, number in rows:
            found[version.organization_id] = (number, version)
    return found


def organization_id(session: Session, detsis_no: str) -> int:
    """Resolve a DETSİS number, refusing malformed ones with 422 and unknown ones with 404."""
    return organization_ids(session, [detsis_no])[detsis_no]


def organization_ids(session: Session, numbers: Collection[str]) -> dict[str, int]:
    """Resolve DETSİS numbers in one query per chunk: a malformed one is a 422, an unknown one
    a 404 (the first in the order given)."""
    for detsis_no in numbers:
        if not (
            len(detsis_no) == 8
            and detsis_no.isascii()
            and detsis_no.isdigit()
            and detsis_no[0] != "0"
        ):
            raise InvalidInput(
                "Geçersiz DETSİS numarası / malformed DETSİS number.",
                errors={"detsis_no": ["must be 8 digits, not starting with 0"]},
            )
    found: dict[str, int] = {}
    for chunk in _chunks(sorted(set(numbers))):
        rows = session.execute(
            select(Organization.detsis_no, Organization.id).where(Organization.detsis_no.in_(chunk))
        )
        found.update({number: org_id for number, org_id in rows})
    for detsis_no in numbers:
        if detsis_no not in found:
            raise NotFound(f"DETSİS numarası {detsis_no} ile kayıtlı birim yok / no such unit.")
    return found


def numbers_of(session: Session, org_ids: Collection[int]) -> dict[int, str]:
    """``organization_id → DETSİS number`` for the given units."""
    found: dict[int, str] = {}
    for chunk in _chunks(sorted(set(org_ids))):
        rows = session.execute(
            select(Organization.id, Organization.detsis_no).where(Organization.id.in_(chunk))
        )
        found.update({org_id: number for org_id, number in rows})
    return found


def unit_id_for(session: Session, number: str, field: str, *, open_only: bool = True) -> int:
    """Resolve a unit named in request data: unknown, or closed today, is a 422 on ``field``."""
    try:
        org_id = organization_id(session, number)
    except (NotFound, InvalidInput) as error:
        raise InvalidInput(
            f"{number} numaralı birim yok / no such unit.", errors={field: [f"no unit {number}"]}
        ) from error
    if open_only:
        found = versions_at(session, [org_id], today()).get(org_id)
        if found is None or found[1].status != Status.ACTIVE:
            raise InvalidInput(
                f"{number} numaralı birim bugün açık değil / the unit is not open today.",
                errors={field: ["closed unit"]},
            )
    return org_id


def number_of(session: Session, org_id: int) -> str:
    return session.scalars(select(Organization.detsis_no).where(Organization.id == org_id)).one()


def current_version(session: Session, detsis_no: str, at: date) -> tuple[int, OrganizationVersion]:
    org_id = organization_id(session, detsis_no)
    found = versions_at(session, [org_id], at).get(org_id)
    if found is None:
        raise NotFound(
            f"{detsis_no} numaralı birim {at.isoformat()} tarihinde kayıtlı değildi / "
            "the unit did not exist on that date."
        )
    return org_id, found[1]


def ancestries(
    session: Session, versions: dict[int, tuple[str, OrganizationVersion]], at: date
) -> dict[int, list[tuple[int, str, OrganizationVersion]]]:
    """Each given unit and the units above it, root first, as ``(id, number, version)``: one
    batched query per level of the tree."""
    known: dict[int, tuple[str, OrganizationVersion]] = dict(versions)
    frontier = {v.parent_id for _, v in versions.values() if v.parent_id is not None}
    for _ in range(MAX_DEPTH):
        missing = frontier - known.keys()
        if not missing:
            break
        fetched = versions_at(session, missing, at)
        known.update(fetched)
        frontier = {v.parent_id for _, v in fetched.values() if v.parent_id is not None}

    chains: dict[int, list[tuple[int, str, OrganizationVersion]]] = {}
    for org_id in versions:
        chain: list[tuple[int, str, OrganizationVersion]] = []
        cursor: int | None = org_id
        seen: set[int] = set()
        while cursor is not None and cursor in known and cursor not in seen:
            seen.add(cursor)
            number, version = known[cursor]
            chain.append((cursor, number, version))
            cursor = version.parent_id
        chains[org_id] = list(reversed(chain))
    return chains


def lineages(
    session: Session, versions: dict[int, tuple[str, OrganizationVersion]], at: date
) -> dict[int, list[PathEntry]]:
    """Path from the root to each given unit, one batched query per level of the tree."""
    return {
        org_id: [PathEntry(i, number, v.name, v.category) for i, number, v in chain]
        for org_id, chain in ancestries(session, versions, at).items()
    }


def institutions_of(session: Session, org_ids: Collection[int], at: date) -> dict[int, PathEntry]:
    """Each unit's institution on ``at``; a unit not open then stands for itself (name "")."""
    found = versions_at(session, org_ids, at)
    result = {org_id: institution_of(path) for org_id, path in lineages(session, found, at).items()}
    missing = set(org_ids) - result.keys()
    for org_id, number in numbers_of(session, missing).items():
        result[org_id] = PathEntry(org_id, number, "", None)
    return result


def subtree_ids(session: Session, org_id: int, at: date) -> list[int]:
    """The unit and every unit under it on ``at``, one query per level of the tree."""
    ids = [org_id]
    frontier = [org_id]
    for _ in range(MAX_DEPTH):
        found: list[int] = []
        for chunk in _chunks(frontier):
            found.extend(
                session.scalars(
                    select(OrganizationVersion.organization_id).where(
                        OrganizationVersion.parent_id.in_(chunk), in_force(at)
                    )
                )
            )
        if not found:
            break
        ids.extend(found)
        frontier = found
    return ids


def subtree_select(org_id: int, at: date) -> Select[tuple[int]]:
    """The unit and every unit under it on ``at`` as a recursive SQL query, for filters over a
    subtree of any size: an IN list of a ministry's 50,000 units would exceed SQLite's bound
    variables and ship every id twice."""
    version = OrganizationVersion
    top = select(literal(org_id).label("id")).cte("subtree", recursive=True)
    below = select(version.organization_id).where(version.parent_id == top.c.id, in_force(at))
    subtree = top.union(below)
    return select(subtree.c.id)


def path_at(session: Session, org_id: int, at: date) -> list[PathEntry] | None:
    """Root-first path of a unit on ``at``, or None if it did not exist then."""
    found = versions_at(session, [org_id], at)
    return lineages(session, found, at)[org_id] if org_id in found else None


def links(
    session: Session, org_ids: Collection[int]
) -> tuple[dict[int, list[str]], dict[int, list[str]]]:
    predecessors: dict[int, list[str]] = {}
    successors: dict[int, list[str]] = {}
    if not org_ids:
        return predecessors, successors
    pred = Organization.__table__.alias("pred")
    succ = Organization.__table__.alias("succ")
    for chunk in _chunks(sorted(set(org_ids))):
        rows = session.execute(
            select(
                OrganizationLink.predecessor_id,
                OrganizationLink.successor_id,
                pred.c.detsis_no,
                succ.c.detsis_no,
            )
            .join(pred, pred.c.id == OrganizationLink.predecessor_id)
            .join(succ, succ.c.id == OrganizationLink.successor_id)
            .where(
                or_(
                    OrganizationLink.predecessor_id.in_(chunk),
                    OrganizationLink.successor_id.in_(chunk),
                )
            )
            .order_by(OrganizationLink.effective_on, OrganizationLink.id)
        )
        for pred_id, succ_id, pred_no, succ_no in rows:
            successors.setdefault(pred_id, []).append(succ_no)
            predecessors.setdefault(succ_id, []).append(pred_no)
    return predecessors, successors


def build_views(
    session: Session,
    versions: dict[int, tuple[str, OrganizationVersion]],
    at: date,
    order: Sequence[int],
) -> list[UnitView]:
    """Turn versions into views (paths, links) with a constant number of queries per tree level."""
    paths = lineages(session, versions, at)
    predecessors, successors = links(session, list(versions))
    return [
        UnitView(
            detsis_no=versions[org_id][0],
            version=versions[org_id][1],
            path=paths[org_id],
            predecessors=sorted(set(predecessors.get(org_id, []))),
            successors=sorted(set(successors.get(org_id, []))),
        )
        for org_id in order
    ]


def get_unit(session: Session, detsis_no: str, at: date) -> UnitView:
    org_id, version = current_version(session, detsis_no, at)
    return build_views(session, {org_id: (detsis_no, version)}, at, [org_id])[0]


@dataclass(frozen=True)
class UnitFilter:
    q: str | None = None
    parent: str | None = None
    category: str | None = None
    unit_type: str | None = None
    level: str | None = None
    province: int | None = None
    status: str | None = None


def _filtered(session: Session, filters: UnitFilter, at: date) -> Select[OrganizationVersion, str]:
    stmt = (
        select(OrganizationVersion, Organization.detsis_no)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(in_force(at))
    )
    if filters.q:
        if not matching.query_words(filters.q):
            raise InvalidInput("Arama ifadesi boş / empty query.", errors={"q": ["no letters"]})
        stmt = stmt.where(*matching.matches(OrganizationVersion.search_text, filters.q))
    if filters.parent:
        stmt = stmt.where(OrganizationVersion.parent_id == organization_id(session, filters.parent))
    if filters.category:
        stmt = stmt.where(OrganizationVersion.category == filters.category)
    if filters.unit_type:
        stmt = stmt.where(OrganizationVersion.unit_type == filters.unit_type)
    if filters.level:
        stmt = stmt.where(OrganizationVersion.level == filters.level)
    if filters.province is not None:
        stmt = stmt.where(OrganizationVersion.province_code == filters.province)
    if filters.status:
        stmt = stmt.where(OrganizationVersion.status == filters.status)
    return stmt


def list_units(
    session: Session, filters: UnitFilter, at: date, offset: int, limit: int
) -> tuple[list[UnitView], int]:
    """One page of units and the total count.

    Turkish alphabetical order; with ``q``, names that start with the query come first, then
    names with a word starting with it, so "goc idaresi" puts Göç İdaresi Başkanlığı before the
    81 İl Göç İdaresi Müdürlüğü; then as ``registry.search.matching.rank`` orders the names
    only the words' stems find.
    """
    stmt = _filtered(session, filters, at)
    total = session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    ordering: list[Any] = []
    if filters.q:
        ordering.append(matching.rank(OrganizationVersion.search_text, filters.q))
    rows = session.execute(
        stmt.order_by(*ordering, OrganizationVersion.sort_key, OrganizationVersion.organization_id)
        .offset(offset)
        .limit(limit)
    ).all()
    versions = {version.organization_id: (number, version) for version, number in rows}
    order = [version.organization_id for version, _ in rows]
    return build_views(session, versions, at, order), total


def children(
    session: Session, detsis_no: str, at: date, offset: int, limit: int
) -> tuple[list[UnitView], int]:
    """Direct sub-units in force on ``at``; 404 if the unit itself did not exist then."""
    current_version(session, detsis_no, at)
    return list_units(session, UnitFilter(parent=detsis_no), at, offset, limit)


def ancestors(session: Session, detsis_no: str, at: date) -> list[PathEntry]:
    """The chain of parents, root first, without the unit itself."""
    return get_unit(session, detsis_no, at).path[:-1]


def subtree(session: Session, detsis_no: str, depth: int, at: date) -> SubtreeNode:
    """The unit and its descendants down to ``depth`` levels, one query per level."""
    org_id, version = current_version(session, detsis_no, at)
    root = SubtreeNode(detsis_no, version, 0)
    level = {org_id: root}
    count = 1
    for current_depth in range(1, depth + 1):
        if not level:
            break
        next_level: dict[int, SubtreeNode] = {}
        for chunk in _chunks(sorted(level)):
            rows = session.execute(
                select(OrganizationVersion, Organization.detsis_no)
                .join(Organization, Organization.id == OrganizationVersion.organization_id)
                .where(OrganizationVersion.parent_id.in_(chunk), in_force(at))
                .order_by(OrganizationVersion.sort_key, OrganizationVersion.organization_id)
            )
            for child_version, number in rows:
                node = SubtreeNode(number, child_version, current_depth)
                level[child_version.parent_id].children.append(node)  # type: ignore[index]
                next_level[child_version.organization_id] = node
        count += len(next_level)
        if count > MAX_SUBTREE_NODES:
            raise InvalidInput(
                f"Alt ağaç {MAX_SUBTREE_NODES} birimden büyük; daha küçük bir derinlik seçin / "
                "subtree too large, ask for a smaller depth.",
                errors={"depth": [f"the answer would exceed {MAX_SUBTREE_NODES} units"]},
            )
        level = next_level
    return root


@dataclass(frozen=True)
class HistoryEntry:
    version: OrganizationVersion
    parent_no: str | None
    changes: dict[str, list[Any]]  # field → [before, after], against the version before


@dataclass(frozen=True)
class History:
    """Every version of a unit, oldest first, and the units it came from and went to."""

    entries: list[HistoryEntry]
    predecessors: list[str]
    successors: list[str]


HISTORY_FIELDS = (*CONTENT_FIELDS, "parent_id", "status")


def history(session: Session, detsis_no: str) -> History:
    """Every version, oldest first, with what changed; and the predecessors and successors."""
    org_id = organization_id(session, detsis_no)
    versions = session.scalars(
        select(OrganizationVersion)
        .where(OrganizationVersion.organization_id == org_id)
        .order_by(OrganizationVersion.version)
    ).all()
    parent_ids = {v.parent_id for v in versions if v.parent_id is not None}
    numbers = (
        dict(
            session.execute(
                select(Organization.id, Organization.detsis_no).where(
                    Organization.id.in_(parent_ids)
                )
            ).all()
        )
        if parent_ids
        else {}
    )
    entries: list[HistoryEntry] = []
    previous: OrganizationVersion | None = None
    for version in versions:
        changes: dict[str, list[Any]] = {}
        if previous is not None:
            for name in HISTORY_FIELDS:
                old, new = getattr(previous, name), getattr(version, name)
                if old != new:
                    if name == "parent_id":
                        changes["parent"] = [
                            numbers.get(old) if old else None,
                            numbers.get(new) if new else None,
                        ]
                    elif name == "certificate_pem":
                        changes["certificate"] = ["…" if old else None, "…" if new else None]
                    else:
                        changes[name.removesuffix("_code")] = [old, new]
        parent_no = numbers.get(version.parent_id) if version.parent_id else None
        entries.append(HistoryEntry(version, parent_no, changes))
        previous = version
    predecessors, successors = links(session, [org_id])
    return History(entries, predecessors.get(org_id, []), successors.get(org_id, []))
