"""Scale data: a realistic national-size registry, generated deterministically from a seed.

``generate(target, Counts(units=…, legislation=…, services=…, documents=…), seed)`` writes a
DETSİS tree, a legal graph, documents with aliases and services linking them into a migrated
database with bulk Core inserts, every column filled as the write paths fill it (``search_text``
and ``sort_key`` by ``registry.kernel.turkish``, versions, valid ranges, codes). The same seed and
counts give the same rows; each part draws from its own random stream, so asking for more
services leaves the units and acts as they were.

The rows are *imported*, not applied changes: like any bulk import they write no audit entries,
so the audit trail stays intact and empty of them, and a process that has already loaded the
in-memory projections (legal graph, document names, search index) will not see them: generate
before serving, and rebuild the search index afterwards (``registry reindex``).

A database that already holds units, acts, services or documents is refused unless ``append``
is given; then the new rows take ids, DETSİS numbers, codes and names nobody holds, and the parts
not generated are taken from the database (services over the registered units, citing the
registered acts and asking for the registered documents).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from sqlalchemy import Connection, exists, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from registry.catalogue.models import Document, Service
from registry.kernel.errors import Conflict, InvalidInput
from registry.legislation.models import Legislation
from registry.organizations.models import Organization
from registry.scale import documents as documents_part
from registry.scale import legislation as legislation_part
from registry.scale import services as services_part
from registry.scale import units as units_part
from registry.scale.common import Progress, Recording, Sink, stream
from registry.scale.documents import Documents
from registry.scale.legislation import Acts
from registry.scale.services import Services
from registry.scale.units import Tree, UnitPool

BATCH = 5_000


@dataclass(frozen=True)
class Counts:
    units: int = 0
    legislation: int = 0
    services: int = 0
    documents: int = 0
    aliases_per_document: int = 3


@dataclass
class Report:
    """What was written: rows per table, seconds per part, and what benchmarks aim at."""

    rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    tree: Tree | None = None
    acts: Acts | None = None
    documents: Documents | None = None
    services: Services | None = None

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())


def generate(
    target: Engine | Session | Connection,
    counts: Counts,
    seed: int,
    *,
    append: bool = False,
    progress: Progress | None = None,
    batch: int = BATCH,
) -> Report:
    """Generate and write the registry. On an engine it is one transaction committed here; on a
    session or a connection the caller's transaction, which the caller commits."""
    if isinstance(target, Engine):
        with target.begin() as connection:
            return _generate(Sink(connection, batch, progress), counts, seed, append, progress)
    connection = target.connection() if isinstance(target, Session) else target
    return _generate(Sink(connection, batch, progress), counts, seed, append, progress)


def plan(counts: Counts, seed: int) -> tuple[Report, Recording]:
    """The rows ``generate`` would write into an empty database, kept in memory: for a benchmark
    that changes some of them before writing them with ``write``."""
    recording = Recording()
    return _generate(recording, counts, seed, False, None), recording


def write(target: Engine | Session | Connection, recording: Recording) -> None:
    """Write planned rows into an empty database (as ``generate`` does, statistics included)."""
    if isinstance(target, Engine):
        with target.begin() as connection:
            write(connection, recording)
        return
    connection = target.connection() if isinstance(target, Session) else target
    if holds_data(connection):
        raise Conflict("the database already holds data: planned rows go into an empty one")
    recording.replay(Sink(connection, BATCH, None))


def holds_data(connection: Connection) -> bool:
    """Whether any unit, act, service or document is registered."""
    return any(
        connection.scalar(select(exists().select_from(model)))
        for model in (Organization, Legislation, Service, Document)
    )


def _generate(
    sink: Sink, counts: Counts, seed: int, append: bool, progress: Progress | None
) -> Report:
    _check(counts)
    # The database, when it already holds rows the new ones must not collide with.
    held = None if isinstance(sink, Recording) else sink.connection
    if held is not None and not holds_data(held):
        held = None
    if held is not None and not append:
        raise Conflict(
            "Veritabanında zaten kayıt var; üretilen veri yalnızca boş bir veritabanına yazılır "
            "/ the database already holds data: generate into an empty one, or append."
        )
    say = progress or (lambda _message: None)
    report = Report()

    def timed(part: str) -> _Clock:
        return _Clock(report, part, say)

    pool = UnitPool()
    if counts.units:
        with timed("units"):
            say(f"units: {counts.units:,}…")
            taken = units_part.taken_numbers(held) if held is not None else set()
            report.tree = units_part.generate(sink, counts.units, seed, taken)
            pool = units_part.pool_of_tree(report.tree)
    elif held is not None and (counts.legislation or counts.services or counts.documents):
        pool = units_part.pool_of_database(held)

    acts = Acts()
    if counts.legislation:
        with timed("legislation"):
            say(f"legislation: {counts.legislation:,} acts…")
            identities = legislation_part.taken_identities(held) if held is not None else set()
            rng = stream(seed, "legislation")
            acts = legislation_part.generate(sink, counts.legislation, rng, pool, identities)
            report.acts = acts
    elif held is not None and counts.services:
        acts = legislation_part.acts_of_database(held)

    documents = Documents()
    if counts.documents:
        with timed("documents"):
            say(f"documents: {counts.documents:,}…")
            names, codes = documents_part.taken_names(held) if held is not None else (set(), set())
            documents = documents_part.generate(
                sink,
                counts.documents,
                counts.aliases_per_document,
                stream(seed, "documents"),
                pool,
                names,
                codes,
            )
            report.documents = documents
    elif held is not None and counts.services:
        documents = documents_part.documents_of_database(held)

    if counts.services:
        if not pool.providers:
            raise InvalidInput(
                "Hizmetler birimlere aittir: birim de üretin / services belong to units: "
                "generate units too, or append to a registry that has some.",
                errors={"services": ["no units to give them to"]},
            )
        with timed("services"):
            say(f"services: {counts.services:,}…")
            service_codes, per_unit = (
                services_part.taken_codes(held) if held is not None else (set(), {})
            )
            report.services = services_part.generate(
                sink,
                counts.services,
                stream(seed, "services"),
                pool,
                acts,
                documents,
                service_codes,
                per_unit,
            )

    with timed("analyze"):
        sink.finish()
    report.rows = dict(sink.rows)
    return report


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


class _Clock:
    """Times one part into the report and says when it is done."""

    def __init__(self, report: Report, part: str, say: Progress) -> None:
        self.report, self.part, self.say = report, part, say

    def __enter__(self) -> None:
        self.started = time.perf_counter()

    def __exit__(self, *exc: object) -> None:
        seconds = time.perf_counter() - self.started
        self.report.seconds[self.part] = seconds
        if exc[0] is None:
            self.say(f"{self.part}: done in {seconds:.1f} s")


__all__ = ["Counts", "Recording", "Report", "generate", "holds_data", "plan", "write"]
