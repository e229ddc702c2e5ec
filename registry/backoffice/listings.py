"""What a coordinator's desk lists of their institution: its tree and its records, with links to
the forms that change them, and the work that waits: review tasks, batches from imports.

Lists are bounded (``SHOWN`` rows each, the API pages through the rest) and read only the
columns shown. Reviewers and admins have no institution: their desk lists the work only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.accounts.models import User
from registry.catalogue.models import Document, Service
from registry.ebys.models import DistributionList, Signatory
from registry.kernel.clock import local, today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Forbidden, NotFound
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.standards.models import ServiceStandardTable
from registry.workflow import batches as workflow_batches
from registry.workflow import review_tasks
from registry.workflow.models import ChangeBatch

SHOWN = 100
TREE_DEPTH = 4


@dataclass(frozen=True)
class Record:
    """One row of a list: the record's key (a request's target), what it is called, and which
    actions its kind offers (the forms linked from the row)."""

    entity: str
    key: str
    name: str
    detail: str = ""
    actions: tuple[str, ...] = ("update", "close")


@dataclass(frozen=True)
class Unit:
    detsis_no: str
    name: str
    depth: int


@dataclass(frozen=True)
class Table:
    detsis_no: str
    name: str
    version: int
    published_on: str


@dataclass(frozen=True)
class Task:
    id: int
    service: str
    cause: str
    act: str
    changed_by: str
    opened_on: str


@dataclass(frozen=True)
class Batch:
    id: int
    importer: str
    source: str
    status: str
    submitted_on: str
    counts: dict[str, int]


@dataclass
class Desk:
    institution: str | None = None  # DETSİS number
    units: list[Unit] = field(default_factory=list)
    lists: dict[str, list[Record]] = field(default_factory=dict)
    tables: list[Table] = field(default_factory=list)
    tasks: list[Task] = field(default_factory=list)
    batches: list[Batch] = field(default_factory=list)


LIST_TITLES = {
    "service": "Hizmetler",
    "document": "Belgeler",
    "legislation": "Mevzuat",
    "signatory": "İmza yetkilileri",
    "distribution_list": "Dağıtım listeleri",
}


def desk_of(session: Session, user: User) -> Desk:
    """The account's desk: its institution's records (if it has one) and the work waiting."""
    found = Desk(tasks=_tasks(session, user), batches=_batches(session, user))
    if user.scope_institution_id is None:
        return found
    at = today()
    number = tree.number_of(session, user.scope_institution_id)
    found.institution = number
    try:
        found.units = _units(tree.subtree(session, number, TREE_DEPTH, at))
    except NotFound:
        return found  # the institution closed since: nothing of it to change
    units = tree.subtree_select(user.scope_institution_id, at)
    found.lists = {
        "service": [
            Record("service", code, name)
            for code, name in _rows(
                session,
                Service.code,
                Service.name,
                Service.organization_id,
                units,
                Service.status,
                Service.code,
            )
        ],
        "document": [
            Record("document", code, name)
            for code, name in _rows(
                session,
                Document.code,
                Document.name,
                Document.issuer_id,
                units,
                Document.status,
                Document.code,
            )
        ],
        "legislation": [
            Record("legislation", str(act_id), title)
            for act_id, title in _rows(
                session,
                Legislation.id,
                Legislation.title,
                Legislation.issuer_id,
                units,
                None,
                Legislation.id,
            )
        ],
        "signatory": [
            Record("signatory", str(sid), " ".join(p for p in (name, surname, title) if p))
            for sid, name, surname, title in session.execute(
                select(Signatory.id, Signatory.name, Signatory.surname, Signatory.title)
                .where(Signatory.organization_id.in_(units))
                .where(Signatory.status == RecordStatus.ACTIVE)
                .order_by(Signatory.rank, Signatory.id)
                .limit(SHOWN)
            )
        ],
        "distribution_list": [
            Record("distribution_list", str(list_id), name)
            for list_id, name in _rows(
                session,
                DistributionList.id,
                DistributionList.name,
                DistributionList.owner_id,
                units,
                DistributionList.status,
                DistributionList.id,
            )
        ],
    }
    found.tables = _tables(session, units)
    return found


def _rows(
    session: Session, key: Any, name: Any, owner: Any, units: Any, status: Any, order: Any
) -> list[tuple[Any, str]]:
    """Key and name of a kind's records in the subtree, open ones only where records close."""
    stmt = select(key, name).where(owner.in_(units))
    if status is not None:
        stmt = stmt.where(status == RecordStatus.ACTIVE)
    return [(k, n) for k, n in session.execute(stmt.order_by(order).limit(SHOWN))]


def _units(node: tree.SubtreeNode) -> list[Unit]:
    found = [Unit(node.detsis_no, node.version.name, node.depth)]
    for child in node.children:
        found.extend(_units(child))
    return found[: SHOWN * 5]


def _tables(session: Session, units: object) -> list[Table]:
    latest = (
        select(
            ServiceStandardTable.organization_id,
            func.max(ServiceStandardTable.version).label("version"),
        )
        .where(ServiceStandardTable.organization_id.in_(units))  # type: ignore[arg-type]
        .group_by(ServiceStandardTable.organization_id)
        .subquery()
    )
    rows = session.execute(
        select(
            ServiceStandardTable.organization_id,
            ServiceStandardTable.version,
            ServiceStandardTable.published_at,
        )
        .join(
            latest,
            (latest.c.organization_id == ServiceStandardTable.organization_id)
            & (latest.c.version == ServiceStandardTable.version),
        )
        .limit(SHOWN)
    ).all()
    ids = {row[0] for row in rows}
    numbers = tree.numbers_of(session, ids)
    names = {
        org_id: found[1].name for org_id, found in tree.versions_at(session, ids, today()).items()
    }
    return [
        Table(numbers[org_id], names.get(org_id, numbers[org_id]), version, f"{local(at):%d.%m.%Y}")
        for org_id, version, at in rows
    ]


def _tasks(session: Session, user: User) -> list[Task]:
    try:
        stmt = review_tasks.visible(session, user, "open").limit(SHOWN)
    except Forbidden:
        return []
    views = review_tasks.views(session, list(session.scalars(stmt)))
    return [
        Task(
            view["id"],
            f"{view['service']['name']} ({view['service']['code']})",
            "değiştirildi" if view["cause"] == "amends" else "yürürlükten kaldırıldı",
            view["legislation"]["title"],
            view["changed_by"]["title"],
            f"{local(view['created_at']):%d.%m.%Y}",
        )
        for view in views
    ]


def _batches(session: Session, user: User) -> list[Batch]:
    try:
        stmt = workflow_batches.visible(session, user)
    except Forbidden:
        return []
    found = session.scalars(stmt.order_by(ChangeBatch.id.desc()).limit(20)).all()
    return [
        Batch(
            b.id,
            b.importer,
            b.source,
            "açık" if b.status == "open" else "karara bağlandı",
            f"{local(b.submitted_at):%d.%m.%Y}",
            workflow_batches.counts(b),
        )
        for b in found
    ]
