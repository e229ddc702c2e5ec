"""Scale data (``benchmarks.scale``, ``python -m benchmarks.scale``): deterministic, counts
honoured, written through the registry's bulk paths with the audit entries and records the
one-by-one write paths would make, and served by the app like any registry."""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from benchmarks import scale
from benchmarks.scale.command import main as generate_command
from benchmarks.scale.units import PROVIDER_TYPES
from registry.app import create_app
from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.catalogue import dataflows
from registry.catalogue.documents import document_record
from registry.catalogue.models import (
    Document,
    DocumentAlias,
    Service,
    ServiceDocument,
    ServiceLegalBasis,
)
from registry.catalogue.services import service_record
from registry.kernel import migrate, turkish
from registry.kernel.db import Base, get_db
from registry.kernel.errors import Conflict
from registry.legislation.models import Legislation, LegislationLink
from registry.legislation.reading import record as act_record
from registry.organizations import detsis
from registry.organizations.changes import version_record
from registry.organizations.models import Organization, OrganizationLink, OrganizationVersion
from registry.search import index
from tests.postgres import ThrowawayPostgres

SMALL = scale.Counts(units=400, legislation=300, services=300, documents=150)
TABLES = (
    "detsis_numbers",
    "organizations",
    "organization_versions",
    "organization_links",
    "legislation",
    "legislation_links",
    "documents",
    "document_aliases",
    "services",
    "service_legal_basis",
    "service_documents",
)


def _plain(value: Any) -> Any:
    """One spelling per value on both backends (the digest compares SQLite with PostgreSQL)."""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    if isinstance(value, date):
        return value.isoformat()
    return value


def digest(engine: Engine) -> str:
    """SHA-256 of every generated row, table by table in key order; server timestamps left out
    (they say when, not what)."""
    hashed = hashlib.sha256()
    with engine.connect() as connection:
        for name in TABLES:
            table = Base.metadata.tables[name]
            columns = [c for c in table.columns if c.server_default is None]
            rows = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            for row in rows:
                hashed.update(json.dumps([_plain(v) for v in row], default=str).encode())
    return hashed.hexdigest()


@pytest.fixture
def fresh_engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    """A factory of fresh migrated databases, ``make("sqlite" | "postgresql") → engine``; all
    dropped at the end."""
    made: list[tuple[Flask, str | None]] = []

    def make(kind: str) -> Engine:
        database = None
        if kind == "sqlite":
            url = f"sqlite:///{tmp_path / f'generated-{len(made)}.sqlite3'}"
        else:
            server: ThrowawayPostgres = request.getfixturevalue("postgres")
            database = f"generate_{os.getpid()}_{len(made)}"
            url = server.create_database(database, template="registry_template")
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        if kind == "sqlite":
            migrate.upgrade(get_db(app).engine)
        made.append((app, database))
        return get_db(app).engine

    yield make
    for app, database in made:
        get_db(app).dispose()
        if database:
            request.getfixturevalue("postgres").drop_database(database)


def test_a_seed_gives_the_same_rows_on_both_backends_and_another_seed_others(
    backend: str, fresh_engines: Any
) -> None:
    first, reference, other = (
        fresh_engines(backend),
        fresh_engines("sqlite"),
        fresh_engines(backend),
    )
    scale.generate(first, SMALL, 7)
    scale.generate(reference, SMALL, 7)
    scale.generate(other, SMALL, 8)
    assert digest(first) == digest(reference)
    assert digest(first) != digest(other)


def test_planned_rows_written_later_are_the_generated_ones(fresh_engines: Any) -> None:
    generated, planned = fresh_engines("sqlite"), fresh_engines("sqlite")
    scale.generate(generated, SMALL, 7)
    report, rows = scale.plan(SMALL, 7)
    assert report.tree is not None and len(report.tree.nodes) == SMALL.units
    scale.write(planned, rows)
    assert digest(planned) == digest(generated)
    with pytest.raises(Conflict):
        scale.write(planned, rows)


def test_more_services_leave_the_units_and_acts_as_they_were(fresh_engines: Any) -> None:
    few, many = fresh_engines("sqlite"), fresh_engines("sqlite")
    scale.generate(few, SMALL, 7)
    scale.generate(many, scale.Counts(400, 300, 600, 150), 7)
    for model in (OrganizationVersion, Legislation, Document):
        statement = select(model.id, model.sort_key).order_by(model.id)  # type: ignore[attr-defined]
        with few.connect() as a, many.connect() as b:
            assert a.execute(statement).all() == b.execute(statement).all()


def _count(session: Session, model: Any) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def test_counts_are_honoured_and_rows_are_what_the_write_paths_store(
    app: Flask, session: Session
) -> None:
    report = scale.generate(get_db(app).engine, SMALL, 3)
    assert _count(session, Organization) == report.rows["organizations"] == 400
    assert _count(session, Legislation) == 300
    assert _count(session, Service) == 300
    assert _count(session, Document) == 150
    assert _count(session, DocumentAlias) == report.rows["document_aliases"] > 150

    numbers = session.scalars(select(Organization.detsis_no)).all()
    assert all(detsis.is_valid(number) for number in numbers) and len(set(numbers)) == 400

    versions = session.scalars(
        select(OrganizationVersion).order_by(
            OrganizationVersion.organization_id, OrganizationVersion.version
        )
    ).all()
    by_unit: dict[int, list[OrganizationVersion]] = {}
    for version in versions:
        assert version.search_text == turkish.fold(
            " ".join(filter(None, (version.name, version.short_name)))
        )
        assert version.sort_key == turkish.sort_key(version.name)[:600]
        by_unit.setdefault(version.organization_id, []).append(version)
    for history in by_unit.values():
        assert [v.version for v in history] == list(range(1, len(history) + 1))
        for earlier, later in zip(history, history[1:], strict=False):
            assert earlier.valid_to == later.valid_from  # ranges follow each other
        assert history[-1].valid_to is None

    for act in session.scalars(select(Legislation)):
        assert act.search_text == turkish.fold(" ".join(filter(None, (act.number, act.title))))
        assert act.sort_key == turkish.sort_key(act.title)[:600]
        assert (act.status == "repealed") == (act.repealed_by_id is not None)
    kinds = dict(
        session.execute(
            select(LegislationLink.kind, func.count()).group_by(LegislationLink.kind)
        ).all()
    )
    assert kinds["basis"] > 300 and kinds["amends"] > 0

    open_providers = set(
        session.scalars(
            select(OrganizationVersion.organization_id).where(
                OrganizationVersion.valid_to.is_(None),
                OrganizationVersion.status == "active",
                OrganizationVersion.unit_type.in_(PROVIDER_TYPES),
            )
        )
    )
    for service in session.scalars(select(Service)):
        assert service.organization_id in open_providers
        assert service.search_text == turkish.fold(f"{service.name} {service.description}")
        assert service.sort_key == turkish.sort_key(service.name)[:600]
    cited = session.scalars(
        select(Legislation.status)
        .join(ServiceLegalBasis, ServiceLegalBasis.legislation_id == Legislation.id)
        .distinct()
    ).all()
    assert cited == ["in_force"]

    for document in session.scalars(select(Document)):
        names = sorted(alias.folded for alias in document.aliases)
        assert names == sorted(turkish.fold(alias.alias) for alias in document.aliases)
        assert document.search_text == " | ".join(names)
        assert document.sort_key == turkish.sort_key(document.name)[:600]
    issued = select(func.count()).where(ServiceDocument.role == "issued")
    assert (session.scalar(issued) or 0) > 0
    assert dataflows.needs(session)  # services ask for documents institutions issue

    session.rollback()  # the in-memory SQLite database has one connection: free it
    small = scale.generate(get_db(app).engine, scale.Counts(units=5, legislation=3), 1, append=True)
    assert small.rows["organizations"] == 5 and small.rows["legislation"] == 3


def test_the_generated_registry_is_served(app: Flask, client: FlaskClient) -> None:
    scale.generate(get_db(app).engine, SMALL, 5)
    with get_db(app).sessionmaker() as session:
        deepest = session.scalars(
            select(Organization.detsis_no)
            .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
            .where(OrganizationVersion.unit_type == "Şube Müdürlüğü")
            .order_by(Organization.id)
        ).first()
        service = session.scalars(select(Service).order_by(Service.id)).first()
        document = session.scalars(select(Document.code).order_by(Document.id)).first()
        law = session.scalar(select(Legislation.id).where(Legislation.number == "5018"))
        assert deepest and service and document and law
        verified = audit.verify(session)
        assert verified.first_bad_seq is None and verified.checked > 400 + 300 + 300 + 150
        state = index.rebuild(session, app.config["INDEX_DIR"])
        assert state.documents >= 400 + 300 + 300 + 150 - 10  # a few units closed by a merge

    unit = client.get(f"/api/v1/organizations/{deepest}")
    assert unit.status_code == 200 and unit.json["detsis_no"] == deepest
    ancestors = client.get(f"/api/v1/organizations/{deepest}/ancestors").json
    root = ancestors[0]["detsis_no"]
    subtree = client.get(f"/api/v1/organizations/{root}/subtree?depth=2")
    assert subtree.status_code == 200 and subtree.json["children"]

    answer = client.get(f"/api/v1/services/{service.code}")
    assert answer.status_code == 200 and answer.json["legal_basis"]
    assert client.get(f"/api/v1/documents/{document}").status_code == 200
    impact = client.get(f"/api/v1/legislation/{law}/impact")
    assert impact.status_code == 200 and impact.json["totals"]["legislation"] > 0
    assert client.get("/api/v1/dataflows").json["edges"]

    found = client.get("/api/v1/search", query_string={"q": service.name, "type": "service"})
    assert found.status_code == 200 and found.json["hits"], found.json
    assert all(hit["type"] == "service" for hit in found.json["hits"])
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"]["database"] == "ok"


def test_a_registry_with_data_is_refused_unless_appending(app: Flask) -> None:
    engine = get_db(app).engine
    scale.generate(engine, SMALL, 1)
    with pytest.raises(Conflict):
        scale.generate(engine, SMALL, 2)
    more = scale.generate(engine, scale.Counts(services=200, documents=20), 2, append=True)
    assert more.rows == {
        "documents": 20,
        "document_aliases": more.rows["document_aliases"],
        "services": 200,
        "service_legal_basis": more.rows["service_legal_basis"],
        "service_documents": more.rows["service_documents"],
    }
    with get_db(app).sessionmaker() as session:
        assert _count(session, Service) == 500
        assert len(set(session.scalars(select(Service.code)))) == 500
    # The sequences moved past the generated ids: the write paths still insert.
    with get_db(app).transaction() as session:
        session.add(DocumentAlias(document_id=1, alias="Başka ad", folded="baska ad"))


def _json(value: Any) -> Any:
    """``value`` as the audit trail stores it (dates as ISO text)."""
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def _last_entries(session: Session, entity: str) -> dict[str, AuditEntry]:
    """The latest audit entry of each record of ``entity``."""
    last: dict[str, AuditEntry] = {}
    for entry in session.scalars(
        select(AuditEntry).where(AuditEntry.entity == entity).order_by(AuditEntry.seq)
    ):
        last[entry.entity_id] = entry
    return last


def test_every_record_has_the_audit_entries_the_one_by_one_paths_would_append(
    app: Flask, session: Session
) -> None:
    report = scale.generate(get_db(app).engine, SMALL, 9)
    assert report.audit_entries == session.scalar(select(func.count(AuditEntry.seq)))
    actions = dict(
        session.execute(
            select(AuditEntry.entity + ":" + AuditEntry.action, func.count()).group_by(
                AuditEntry.entity, AuditEntry.action
            )
        ).all()
    )
    tree = report.tree
    assert tree is not None
    assert actions["organization:create"] == 400
    assert actions["organization:renamed"] == sum(tree.renamed) > 0
    assert actions["organization:merged"] == tree.links == report.rows["organization_links"] > 0
    assert actions["legislation:create"] == 300 and actions["legislation:amend"] > 0
    assert actions["document:create"] == 150 and actions["service:create"] == 300

    # The latest entry of each record holds what the record is now, as the services record it.
    units = _last_entries(session, "organization")
    for version in session.scalars(
        select(OrganizationVersion).where(OrganizationVersion.valid_to.is_(None))
    ):
        entry = units[version.organization.detsis_no]
        extra: dict[str, Any] = {"predecessors": []} if entry.action == "create" else {}
        if entry.action == "merged":
            successors = select(Organization.detsis_no).join(
                OrganizationLink, OrganizationLink.successor_id == Organization.id
            )
            extra["successors"] = list(
                session.scalars(
                    successors.where(OrganizationLink.predecessor_id == version.organization_id)
                )
            )
        assert entry.after == _json(version_record(session, version) | extra)
    acts = _last_entries(session, "legislation")
    for act in session.scalars(select(Legislation)):
        assert acts[str(act.id)].after == _json(act_record(session, act))
    services = _last_entries(session, "service")
    for service in session.scalars(select(Service)):
        assert services[service.code].after == _json(service_record(session, service))
    documents = _last_entries(session, "document")
    uses = ("kind", "issued_by_services", "required_by_services")  # services came later
    for document in session.scalars(select(Document)):
        after = documents[document.code].after
        assert after is not None and not after["required_by_services"]
        now = _json(document_record(session, document))
        assert {k: v for k, v in after.items() if k not in uses} == {
            k: v for k, v in now.items() if k not in uses
        }
    repealed = session.scalars(
        select(AuditEntry).where(AuditEntry.action == "repeal").order_by(AuditEntry.seq)
    ).first()
    assert repealed is not None and repealed.before is not None and repealed.after is not None
    assert repealed.before["status"] == "in_force" and repealed.after["status"] == "repealed"
    assert repealed.after["version"] == repealed.before["version"] + 1
    assert audit.verify(session).first_bad_seq is None


def test_the_command_prints_progress_and_a_summary_and_refuses_a_second_run(
    database_url: str,
) -> None:
    """``python -m benchmarks.scale`` on the database ``create_app()`` is configured with."""
    runner = CliRunner(env={"REGISTRY_DATABASE_URL": database_url})
    args = ["--units", "300", "--legislation", "100", "--services", "100"]
    first = runner.invoke(generate_command, [*args, "--documents", "50", "--seed", "4"])
    assert first.exit_code == 0, first.output
    assert "units: 300…" in first.output
    assert "300 units" in first.output and "100 services" in first.output
    second = runner.invoke(generate_command, [*args, "--seed", "4"])
    assert second.exit_code != 0 and "already holds data" in second.output
    appended = runner.invoke(
        generate_command,
        [
            "--units",
            "0",
            "--legislation",
            "0",
            "--services",
            "10",
            "--documents",
            "0",
            "--append",
        ],
    )
    assert appended.exit_code == 0, appended.output
    assert "10 services" in appended.output
    assert "10 audit entries appended" in appended.output

    app = create_app({"DATABASE_URL": database_url, "TESTING": True})
    try:
        verified = app.test_cli_runner().invoke(args=["audit", "verify"])
        with get_db(app).sessionmaker() as session:
            entries = session.scalar(select(func.count(AuditEntry.seq))) or 0
    finally:
        get_db(app).dispose()
    assert verified.exit_code == 0, verified.output
    assert f"audit trail intact: {entries} entries verified" in verified.output
    assert entries > 300 + 100 + 100 + 50 + 10
