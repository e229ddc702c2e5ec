"""Scale data: a realistic national-size registry, generated deterministically from a seed.

``generate(target, Counts(units=…, legislation=…, services=…, documents=…), seed)`` plans a
DETSİS tree, a legal graph, documents with aliases and services linking them, then writes the plan
through the registry's own bulk paths: ``organizations.bulk`` (the unit importer's), then
``legislation.bulk`` and ``catalogue.bulk``. Every record is checked as those paths check it and
gets its audit entries on the hash chain (``registry audit verify`` passes), so a running app's
projections (legal graph, document names, search index follower) see the new records as they see
any change. The same seed and counts give the same rows; each part draws from its own random
stream, so asking for more services leaves the units and acts as they were.

It is a development tool, not part of the application: ``python -m benchmarks.scale`` runs it on
the database ``registry.app.create_app()`` is configured with, and the benchmarks call it directly.

A database that already holds units, acts, services or documents is refused unless ``append``
is given; then the new records take DETSİS numbers and names nobody holds, and the parts not
generated are taken from the database (services over the registered units, citing the registered
acts and asking for the registered documents).
"""

from __future__ import annotations

import gc
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import exists, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from benchmarks.scale import documents as documents_part
from benchmarks.scale import legislation as legislation_part
from benchmarks.scale import services as services_part
from benchmarks.scale import units as units_part
from benchmarks.scale import writing
from benchmarks.scale.common import Plan, Progress, next_id, stream
from benchmarks.scale.documents import Documents
from benchmarks.scale.legislation import Acts
from benchmarks.scale.services import Services
from benchmarks.scale.units import Tree, UnitPool
from registry.catalogue.models import Document, Service
from registry.kernel.errors import Conflict, InvalidInput
from registry.legislation.models import Legislation
from registry.organizations.models import Organization


@dataclass(frozen=True)
class Counts:
    units: int = 0
    legislation: int = 0
    services: int = 0
    documents: int = 0
    aliases_per_document: int = 3


@dataclass
class Report:
    """What was written: rows per table, audit entries, seconds per part, and what benchmarks
    aim at."""

    rows: dict[str, int] = field(default_factory=dict)
    audit_entries: int = 0
    seconds: dict[str, float] = field(default_factory=dict)
    tree: Tree | None = None
    acts: Acts | None = None
    documents: Documents | None = None
    services: Services | None = None

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def generate(
    target: Engine | Session,
    counts: Counts,
    seed: int,
    *,
    append: bool = False,
    progress: Progress | None = None,
) -> Report:
    """Generate and write the registry. On an engine it is one transaction committed here; on a
    session the caller's transaction, which the caller commits."""
    if isinstance(target, Engine):
        with without_collections(), _transaction(target) as session:
            return generate(session, counts, seed, append=append, progress=progress)
    held = target if holds_data(target) else None
    if held is not None and not append:
        raise Conflict(
            "Veritabanında zaten kayıt var; üretilen veri yalnızca boş bir veritabanına yazılır "
            "/ the database already holds data: generate into an empty one, or append."
        )
    with without_collections():
        report, planned = _plan(counts, seed, held, progress)
        _write(target, planned, report, progress)
    return report


def plan(counts: Counts, seed: int) -> tuple[Report, Plan]:
    """What ``generate`` would write into an empty database, kept in memory: for a benchmark
    that changes some of it before writing it with ``write``."""
    return _plan(counts, seed, None, None)


def write(target: Engine | Session, planned: Plan, report: Report | None = None) -> Report:
    """Write a plan into an empty database (as ``generate`` does, statistics included)."""
    if isinstance(target, Engine):
        with without_collections(), _transaction(target) as session:
            return write(session, planned, report)
    if holds_data(target):
        raise Conflict("the database already holds data: a plan goes into an empty one")
    report = report or Report()
    with without_collections():
        _write(target, planned, report, None)
    return report


def holds_data(session: Session) -> bool:
    """Whether any unit, act, service or document is registered."""
    return any(
        session.scalar(select(exists().select_from(model)))
        for model in (Organization, Legislation, Service, Document)
    )


@contextmanager
def without_collections() -> Iterator[None]:
    """No garbage collection while generating: the plan and the audit records are millions of
    objects that live until the commit, and every full collection walks them all to free
    nothing (a quarter of the run time). They are freed by reference counting afterwards."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _transaction(engine: Engine) -> Iterator[Session]:
    """A session on ``engine`` in one write transaction, as ``Database.transaction`` opens it."""
    with Session(engine, expire_on_commit=False) as session, session.begin():
        session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
        yield session


def _plan(
    counts: Counts, seed: int, held: Session | None, progress: Progress | None
) -> tuple[Report, Plan]:
    _check(counts)
    say = progress or (lambda _message: None)
    report = Report()
    planned = Plan(first_act=next_id(held, Legislation), first_document=next_id(held, Document))
    started = time.perf_counter()

    pool = UnitPool()
    if counts.units:
        say(f"units: {counts.units:,}…")
        taken = units_part.taken_numbers(held) if held is not None else set()
        roots = units_part.taken_root_names(held) if held is not None else set()
        report.tree = units_part.generate(planned, counts.units, seed, taken, roots)
        pool = units_part.pool_of_tree(report.tree)
    elif held is not None and (counts.legislation or counts.services or counts.documents):
        pool = units_part.pool_of_database(held)

    acts = Acts()
    if counts.legislation:
        say(f"legislation: {counts.legislation:,} acts…")
        identities = legislation_part.taken_identities(held) if held is not None else set()
        rng = stream(seed, "legislation")
        acts = legislation_part.generate(planned, counts.legislation, rng, pool, identities)
        report.acts = acts
    elif held is not None and counts.services:
        acts = legislation_part.acts_of_database(held)

    documents = Documents()
    if counts.documents:
        say(f"documents: {counts.documents:,}…")
        names = documents_part.taken_names(held) if held is not None else set()
        documents = documents_part.generate(
            planned,
            counts.documents,
            counts.aliases_per_document,
            stream(seed, "documents"),
            pool,
            names,
        )
        report.documents = documents
    elif held is not None and counts.services:
        documents = documents_part.documents_of_database(held)
        planned.document_codes = documents.codes

    if counts.services:
        if not pool.providers:
            raise InvalidInput(
                "Hizmetler birimlere aittir: birim de üretin / services belong to units: "
                "generate units too, or append to a registry that has some.",
                errors={"services": ["no units to give them to"]},
            )
        say(f"services: {counts.services:,}…")
        offered = services_part.taken_names(held) if held is not None else set()
        report.services = services_part.generate(
            planned, counts.services, stream(seed, "services"), pool, acts, documents, offered
        )
    report.seconds["plan"] = time.perf_counter() - started
    say(f"plan: done in {report.seconds['plan']:.1f} s")
    return report, planned


def _write(session: Session, planned: Plan, report: Report, progress: Progress | None) -> None:
    written = writing.write(session, planned, progress)
    if report.acts is not None:
        report.acts.written(planned.first_act, written.act_ids)
    report.rows = written.rows
    report.audit_entries = written.audit_entries
    report.seconds.update(written.seconds)


def _check(counts: Counts) -> None:
    for name in ("units", "legislation", "services", "documents", "aliases_per_document"):
        if getattr(counts, name) < 0:
            raise InvalidInput(
                f"{name} negatif olamaz / must not be negative.", errors={name: ["negative"]}
            )
    if counts.documents > 999_999:
        raise InvalidInput(
            "Belge kodu altı hanelidir / document codes have six digits.",
            errors={"documents": ["at most 999999"]},
        )


__all__ = [
    "Counts",
    "Plan",
    "Report",
    "generate",
    "holds_data",
    "plan",
    "without_collections",
    "write",
]
