"""``registry export`` / ``registry import``: a full dump and its restore lose nothing.

The source is the sample dataset plus a row in every other table (accounts and tokens, a change
request with its events and a document sample's bytes, a complaint with its events, a survey
answer, a review task, an unmatched name, a reorganization link), written natively on each
backend. It is dumped, restored into an empty database on each backend (SQLite → SQLite,
SQLite → PostgreSQL, PostgreSQL → SQLite, PostgreSQL → PostgreSQL), dumped again, and the two
dumps must be the same files; the restored registry must answer the API as the source did.
Refusals (a database not empty, a tampered file, another schema revision, a row that does not
fit) must write nothing.
"""

from __future__ import annotations

import base64
import hashlib
import itertools
import json
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from sqlalchemy import func, select

from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.app import create_app
from registry.audit import checkpoints as signed
from registry.audit import trail as audit
from registry.audit.canonical import ENCODERS
from registry.audit.models import AuditHead, LedgerHead
from registry.backoffice import signin
from registry.catalogue import dataflow_projection, unmatched_names
from registry.catalogue.models import Document, Service
from registry.demo import load_demo
from registry.kernel import migrate
from registry.kernel.db import get_db
from registry.legislation.models import Legislation
from registry.organizations.models import Organization, OrganizationLink
from registry.search.models import SearchSynonymGroup
from registry.transfer import manifest as dump_format
from registry.workflow import batches
from registry.workflow import service as workflow
from registry.workflow.models import ReviewTask
from tests.factories import make_user
from tests.postgres import ThrowawayPostgres

IZMIR = "48823685"  # İzmir İl Göç İdaresi Müdürlüğü: publishes a standards table
SERVICE = "48823685-001"  # Kısa Dönem İkamet İzni Uzatma Başvurusu
CONTACT = {"name": "Ayşe Yılmaz", "email": "ayse.yilmaz@example.org", "phone": "0532 000 00 00"}
COMPLAINT_TEXT = "Tabloda olmayan ikametgâh belgesi istendi."
SAMPLE = b"%PDF-1.7\n" + bytes(range(256)) + b"\n%%EOF\n"  # every byte value
_names = itertools.count(1)
SOURCE_KEY = Ed25519PrivateKey.generate()  # the source registry's: signs its checkpoint and dumps


@dataclass
class Source:
    app: Flask
    backend: str
    tracking_code: str
    access_key: str
    token: str  # the coordinator's
    document: str  # the code of the document with a sample


def _database(backend: str, request: pytest.FixtureRequest, directory: Path) -> str:
    """A new, migrated, empty database; PostgreSQL ones are dropped at the end of the module."""
    name = f"transfer_{os.getpid()}_{next(_names)}"
    if backend == "sqlite":
        url = f"sqlite:///{directory / name}.sqlite3"
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        migrate.upgrade(get_db(app).engine)
        get_db(app).dispose()
        return url
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    request.addfinalizer(lambda: server.drop_database(name))
    return server.create_database(name, template="registry_template")


def _app(url: str, tmp_path_factory: pytest.TempPathFactory) -> Flask:
    return create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "SECRET_KEY": "test",
            "INDEX_DIR": str(tmp_path_factory.mktemp("index")),
            "RATELIMIT_ENABLED": False,
        }
    )


def _fill_every_table(app: Flask) -> Source:
    """The sample dataset, then a row in each table it leaves empty, through the real paths."""
    client = app.test_client()
    with app.app_context():
        with get_db(app).transaction() as session:
            load_demo(session)
        with get_db(app).transaction() as session:
            izmir, coordinator = make_user(
                session, name="İzmir Koordinatörü", role="coordinator", organization=IZMIR
            )
            izmir_id = izmir.id
            _, reviewer = make_user(session, name="Çalışma Grubu", role="reviewer")
            second, reviewer2 = make_user(session, name="İkinci Okur", role="reviewer")
            document = session.scalars(select(Document).order_by(Document.id)).first()
            assert document is not None
            code = document.code
    submitted = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "document",
            "action": "update",
            "target": code,
            "reason": "Örnek dosya",
            "data": {
                "sample": {
                    "filename": "örnek.pdf",
                    "content_type": "application/pdf",
                    "content": base64.b64encode(SAMPLE).decode(),
                }
            },
        },
        headers={"Authorization": f"Bearer {reviewer}"},
    )
    assert submitted.status_code == 201, submitted.json
    approved = client.post(
        f"/api/v1/change-requests/{submitted.json['id']}/approve",
        headers={"Authorization": f"Bearer {reviewer2}"},
    )
    assert approved.status_code == 200, approved.json
    contact = client.post(  # an officer's work contact (issue 22)
        "/api/v1/change-requests",
        json={
            "entity": "officer_contact",
            "action": "create",
            "data": {"account": izmir_id, "title": "Koordinatör", "phone": "0232 000 00 00"},
        },
        headers={"Authorization": f"Bearer {coordinator}"},
    )
    assert contact.status_code == 201, contact.json
    kept = client.post(
        f"/api/v1/change-requests/{contact.json['id']}/approve",
        headers={"Authorization": f"Bearer {reviewer}"},
    )
    assert kept.status_code == 200, kept.json
    waiting = client.post(  # a service request waiting for its institution's approver
        "/api/v1/change-requests",
        json={
            "entity": "service",
            "action": "create",
            "data": {"name": "Dışa Aktarım Örnek Hizmeti", "organization": IZMIR},
        },
        headers={"Authorization": f"Bearer {coordinator}"},
    )
    assert waiting.status_code == 201 and waiting.json["institutions"], waiting.json
    filed = client.post(
        "/api/v1/complaints",
        json={
            "service": SERVICE,
            "organization": IZMIR,
            "subject": "extra_documents",
            "text": COMPLAINT_TEXT,
            "contact": CONTACT,
        },
    )
    assert filed.status_code == 201, filed.json
    tracking_code, access_key = filed.json["tracking_code"], filed.json["access_key"]
    for status, note in (("in_review", None), ("answered", "Belge istenmeyecek, özür dileriz.")):
        moved = client.post(
            f"/api/v1/complaints/{tracking_code}/events",
            json={"status": status, **({"note": note} if note else {})},
            headers={"Authorization": f"Bearer {coordinator}"},
        )
        assert moved.status_code == 201, moved.json
    rated = client.post(
        "/api/v1/surveys", json={"service": SERVICE, "score": 4, "comment": "Hızlıydı."}
    )
    assert rated.status_code == 201, rated.json
    with app.app_context(), get_db(app).transaction() as session:
        service = session.scalars(select(Service).where(Service.code == SERVICE)).one()
        acts = list(session.scalars(select(Legislation.id).order_by(Legislation.id).limit(2)))
        session.add(
            ReviewTask(
                service_id=service.id,
                institution_id=service.organization_id,
                legislation_id=acts[0],
                changed_by_id=acts[1],
                cause="amends",
                note="Değişikliğe bakılacak",
            )
        )
        unmatched_names.enqueue(session, "Muhtarlıktan alınacak belge", service.id, "required")
        orgs = list(session.scalars(select(Organization.id).order_by(Organization.id).limit(2)))
        session.add(
            OrganizationLink(
                predecessor_id=orgs[0],
                successor_id=orgs[1],
                event="merged",
                effective_on=date(2024, 1, 1),
            )
        )
        accounts.revoke(session, second.id)  # a token with revoked_at set
        importer = session.scalars(select(User).where(User.name == "Çalışma Grubu")).one()
        batches.submit(  # an importer's open batch, with its request
            session,
            importer,
            batches.Source("units", "birimler.csv", "0" * 64),
            [
                batches.Item(
                    workflow.Submission(
                        "organization",
                        "update",
                        IZMIR,
                        {"contact": {"fax": "0232 111 11 11"}},
                        "Faks",
                    ),
                    line=2,
                )
            ],
            {"rows": 1},
        )
    with get_db(app).transaction() as session:  # a signed checkpoint, kept in the database only
        signed.take(session, SOURCE_KEY, None)
    with get_db(app).transaction() as session:  # the data-flow projections, built as a read would
        dataflow_projection.rebuild(session)
    with get_db(app).transaction() as session:  # a back-office sign-in, and a failed one
        accounts.set_login(session, izmir_id, "izmir.koordinator", None)
        accounts.set_password(session, izmir_id, "uzun ve gizli bir parola")
    with get_db(app).transaction() as session:
        now = datetime.now(UTC)
        signin.sign_in(session, "izmir.koordinator", "uzun ve gizli bir parola", "192.0.2.9", now)
        with pytest.raises(signin.SignInRefused):
            signin.sign_in(session, "izmir.koordinator", "yanlış parola", "192.0.2.9", now)
    return Source(app, "", tracking_code, access_key, coordinator, code)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def source(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Source]:
    """Written natively on its backend, shared by the module's tests, which only read it."""
    directory = tmp_path_factory.mktemp("source")
    app = _app(_database(request.param, request, directory), tmp_path_factory)
    filled = _fill_every_table(app)
    filled.backend = request.param
    yield filled
    get_db(app).dispose()


@pytest.fixture
def dump(source: Source, tmp_path: Path) -> Path:
    """A fresh dump of the source, this test's to tamper with."""
    _export(source.app, tmp_path / "dump")
    return tmp_path / "dump"


def _export(app: Flask, path: Path, *options: str) -> Any:
    result = app.test_cli_runner().invoke(args=["export", str(path), *options])
    assert result.exit_code == 0, result.output
    return result


def _import(app: Flask, path: Path, *options: str, signed: bool = False) -> Any:
    """Dumps of the source are unsigned (no key configured) unless a test signs them."""
    unsigned = () if signed else ("--unsigned",)
    return app.test_cli_runner().invoke(args=["import", str(path), *unsigned, *options])


def _manifest(path: Path) -> dict[str, Any]:
    return dict(json.loads((path / "manifest.json").read_text(encoding="utf-8")))


def _assert_same_dump(first: Path, second: Path) -> None:
    names = sorted(p.name for p in first.iterdir())
    assert names == sorted(p.name for p in second.iterdir())
    for name in names:
        if name != "manifest.json":
            assert (first / name).read_bytes() == (second / name).read_bytes(), name
    one, two = _manifest(first), _manifest(second)
    assert one.pop("created_at") and two.pop("created_at")
    assert one == two


def _row_counts(app: Flask) -> dict[str, int]:
    with get_db(app).engine.connect() as connection:
        return {
            table.name: connection.scalar(select(func.count()).select_from(table)) or 0
            for table in dump_format.tables()
        }


def _is_pristine(app: Flask) -> bool:
    """Exactly what `registry db upgrade` leaves: the seeded rows and nothing else."""
    counts = _row_counts(app)
    seeded = {name: counts.pop(name) for name in dump_format.SEEDED_TABLES}
    sealed = seeded.pop("record_ledger")  # the migrations' seal of the seeded rows
    with get_db(app).sessionmaker() as session:
        head = session.get(AuditHead, 1)
        ledger_head = session.get(LedgerHead, 1)
    return (
        not any(counts.values())
        and seeded == {"audit_head": 1, "search_synonym_groups": 12, "ledger_head": 1}
        and ledger_head is not None
        and ledger_head.last_seq == sealed
        and head is not None
        and head.last_seq == 0
    )


# -- the round trip --


def test_the_source_has_a_row_in_every_table(source: Source, tmp_path: Path) -> None:
    result = _export(source.app, tmp_path / "dump")
    assert "personal data" in result.output and "WARNING" in result.output
    empty = [entry["name"] for entry in _manifest(tmp_path / "dump")["tables"] if not entry["rows"]]
    assert empty == []


def test_an_export_is_deterministic_and_streams_into_a_new_directory(
    source: Source, tmp_path: Path
) -> None:
    _export(source.app, tmp_path / "one")
    _export(source.app, tmp_path / "two")
    _assert_same_dump(tmp_path / "one", tmp_path / "two")
    manifest = _manifest(tmp_path / "one")
    assert manifest["format"] == "kaysis-registry-dump" and manifest["format_version"] == 1
    assert manifest["alembic_revision"] and manifest["complete"] is True
    assert (tmp_path / "one").stat().st_mode & 0o077 == 0  # personal data: the owner's only
    for entry in manifest["tables"]:
        data = (tmp_path / "one" / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
        assert data.count(b"\n") == entry["rows"]
    refused = source.app.test_cli_runner().invoke(args=["export", str(tmp_path / "one")])
    assert refused.exit_code == 1 and "not an empty directory" in refused.output
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no partial left


@pytest.mark.parametrize("target_backend", ["sqlite", "postgresql"])
def test_a_restore_loses_nothing_on_and_across_backends(
    source: Source,
    target_backend: str,
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    _export(source.app, tmp_path / "first")
    target = _app(_database(target_backend, request, tmp_path), tmp_path_factory)
    try:
        restored = _import(target, tmp_path / "first")
        assert restored.exit_code == 0, restored.output
        assert "audit trail verified" in restored.output
        _export(target, tmp_path / "second")
        _assert_same_dump(tmp_path / "first", tmp_path / "second")

        with get_db(target).sessionmaker() as session:
            result = audit.verify(session)
        assert result.first_bad_seq is None and result.checked > 300

        _assert_same_answers(source, target)
        with target.app_context(), get_db(target).transaction() as session:
            before = session.scalar(select(func.max(User.id))) or 0
            user, _ = make_user(session, name="Yeni Okur", role="reviewer")
            assert user.id == before + 1  # sequences moved past the restored ids
            organization = session.scalar(select(func.max(Organization.id))) or 0
            assert organization > 200
    finally:
        get_db(target).dispose()


_NAIVE_MOMENT = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?$")


def _utc(answer: Any) -> Any:
    """The answer with naive moments read as UTC: some answers print SQLite's stored moments
    without their offset (``recorded_at`` in a unit's history, a change request's times),
    PostgreSQL's with ``+00:00``; the instant is the same, and the dumps are byte for byte equal."""
    if isinstance(answer, dict):
        return {key: _utc(value) for key, value in answer.items()}
    if isinstance(answer, list):
        return [_utc(value) for value in answer]
    if isinstance(answer, str) and _NAIVE_MOMENT.match(answer):
        return answer + "+00:00"
    return answer


def _assert_same_answers(source: Source, target: Flask) -> None:
    old, new = source.app.test_client(), target.test_client()
    with get_db(target).sessionmaker() as session:
        repealed = session.scalar(select(Legislation.id).where(Legislation.repealed_by_id > 0))
    paths = [
        f"/api/v1/organizations/{IZMIR}",
        f"/api/v1/organizations/{IZMIR}/history",
        f"/api/v1/organizations/{IZMIR}/service-standards",
        f"/api/v1/services/{SERVICE}",
        f"/api/v1/documents/{source.document}",
        f"/api/v1/legislation/{repealed}",
        "/api/v1/changes",
        "/api/v1/search/synonyms",
        f"/api/v1/stats/satisfaction?organization={IZMIR}",
    ]
    for path in paths:
        before, after = old.get(path), new.get(path)
        assert before.status_code == 200, (path, before.json)
        assert after.status_code == 200, (path, after.json)
        assert _utc(after.json) == _utc(before.json), path
    sample = new.get(f"/api/v1/documents/{source.document}/sample")
    assert sample.status_code == 200 and sample.data == SAMPLE
    citizen = {"X-Access-Key": source.access_key}  # only its hash was dumped
    complaint = f"/api/v1/complaints/{source.tracking_code}"
    read = new.get(complaint, headers=citizen)
    assert _utc(read.json) == _utc(old.get(complaint, headers=citizen).json)
    assert read.json["contact"] == CONTACT
    staff = {"Authorization": f"Bearer {source.token}"}  # tokens still work
    mine = new.get("/api/v1/change-requests", headers=staff)
    assert mine.status_code == 200
    assert _utc(mine.json) == _utc(old.get("/api/v1/change-requests", headers=staff).json)


# -- personal data --


def test_without_personal_data_blanks_complaints_and_a_restore_must_accept_partial(
    source: Source, tmp_path: Path, app: Flask
) -> None:
    result = _export(source.app, tmp_path / "dump", "--without-personal-data")
    assert "WARNING: this dump contains" not in result.output and "partial" in result.output
    manifest = _manifest(tmp_path / "dump")
    assert manifest["complete"] is False
    assert manifest["personal_data"] == {
        "included": False,
        "blanked": [
            "complaints.contact",
            "complaints.text",
            "complaint_events.note",
            "survey_responses.comment",
        ],
    }
    everything = b"".join(p.read_bytes() for p in (tmp_path / "dump").iterdir())
    for secret in (CONTACT["email"], CONTACT["name"], COMPLAINT_TEXT, "Hızlıydı", "özür"):
        assert secret.encode() not in everything

    refused = _import(app, tmp_path / "dump")
    assert refused.exit_code == 1 and "--accept-partial" in refused.output
    assert _is_pristine(app)
    restored = _import(app, tmp_path / "dump", "--accept-partial")
    assert restored.exit_code == 0, restored.output
    assert "PARTIAL" in restored.output
    complaint = app.test_client().get(
        f"/api/v1/complaints/{source.tracking_code}", headers={"X-Access-Key": source.access_key}
    )
    assert complaint.json["contact"] == {} and complaint.json["text"] == ""


# -- refusals: a clear one-line message and nothing written --


def _refused(app: Flask, path: Path, *words: str) -> None:
    result = _import(app, path)
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1
    for word in words:
        assert word in result.output, result.output


def test_a_restore_refuses_a_database_that_is_not_empty(app: Flask, dump: Path) -> None:
    with get_db(app).transaction() as session:
        session.add(SearchSynonymGroup(phrases=["a", "b"]))  # seeded tables may hold anything…
        session.flush()
    with app.app_context(), get_db(app).transaction() as session:
        make_user(session, name="Var Olan", role="admin")  # …other tables nothing
    before = _row_counts(app)
    _refused(app, dump, "not empty", "users", "registry db upgrade")
    assert _row_counts(app) == before


def test_a_restore_refuses_a_tampered_file(app: Flask, dump: Path) -> None:
    versions = dump / "organization_versions.jsonl"
    versions.write_bytes(versions.read_bytes().replace(b"Valili", b"Valil1", 1))
    _refused(app, dump, "organization_versions.jsonl", "checksum")
    assert _is_pristine(app)


def test_a_restore_refuses_another_schema_revision(app: Flask, dump: Path) -> None:
    manifest = _manifest(dump)
    manifest["alembic_revision"] = "0007"
    (dump / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _refused(app, dump, "revision", "0007")
    assert _is_pristine(app)


def test_a_restore_is_all_or_nothing(app: Flask, dump: Path) -> None:
    """A row that breaks a foreign key, late in the load, rolls back every table before it."""
    events = dump / "complaint_events.jsonl"
    rows = [json.loads(line) for line in events.read_text(encoding="utf-8").splitlines()]
    rows[-1]["complaint_id"] = 999_999
    events.write_text("".join(dump_format.dumps_line(row) for row in rows), encoding="utf-8")
    manifest = _manifest(dump)
    for entry in manifest["tables"]:
        if entry["name"] == "complaint_events":
            entry["sha256"] = hashlib.sha256(events.read_bytes()).hexdigest()
    (dump / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    _refused(app, dump, "complaint_events.jsonl", "nothing restored")
    assert _is_pristine(app)


def test_a_restore_refuses_what_is_not_a_dump(app: Flask, tmp_path: Path) -> None:
    _refused(app, tmp_path, "manifest.json", "missing")
    (tmp_path / "manifest.json").write_text('{"format": "other"}', encoding="utf-8")
    _refused(app, tmp_path, "not a kaysis-registry-dump manifest")
    assert _is_pristine(app)


# -- signed dumps --


@pytest.fixture
def key_pair(tmp_path: Path) -> tuple[Path, str]:
    """The source's key as `registry keys create` writes one: the private key's file, the
    public key as the base64 the command prints."""
    private = tmp_path / "registry-signing.key"
    private.write_bytes(
        SOURCE_KEY.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return private, base64.b64encode(signed.raw_public(SOURCE_KEY.public_key())).decode()


def _signed_dump(source: Source, path: Path, key_file: Path) -> Path:
    source.app.config["SIGNING_KEY_FILE"] = str(key_file)
    try:
        result = _export(source.app, path)
    finally:
        source.app.config["SIGNING_KEY_FILE"] = None
    assert "manifest signed by key" in result.output
    assert (path / dump_format.SIGNATURE).is_file()
    return path


def _promote_a_reviewer(dump: Path) -> None:
    """What an insider would do: a reviewer made admin in the dump, checksum recomputed."""
    users = dump / "users.jsonl"
    rows = [json.loads(line) for line in users.read_text(encoding="utf-8").splitlines()]
    reviewer = next(row for row in rows if row["role"] == "reviewer")
    reviewer["role"] = "admin"
    users.write_text("".join(dump_format.dumps_line(row) for row in rows), encoding="utf-8")
    manifest = _manifest(dump)
    for entry in manifest["tables"]:
        if entry["name"] == "users":
            entry["sha256"] = hashlib.sha256(users.read_bytes()).hexdigest()
    (dump / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_a_signed_dump_restores_with_the_configured_key(
    source: Source, app: Flask, tmp_path: Path, key_pair: tuple[Path, str]
) -> None:
    dump = _signed_dump(source, tmp_path / "dump", key_pair[0])
    app.config["VERIFY_KEY"] = key_pair[1]
    restored = _import(app, dump, signed=True)
    assert restored.exit_code == 0, restored.output
    assert "signature verified" in restored.output and "record ledger verified" in restored.output
    verified = app.test_cli_runner().invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_a_tampered_dump_with_a_recomputed_manifest_is_refused(
    source: Source, app: Flask, tmp_path: Path, key_pair: tuple[Path, str]
) -> None:
    dump = _signed_dump(source, tmp_path / "dump", key_pair[0])
    _promote_a_reviewer(dump)
    app.config["VERIFY_KEY"] = key_pair[1]
    refused = _import(app, dump, signed=True)
    assert refused.exit_code == 1
    assert (
        "signature does not verify" in refused.output and "nothing was restored" in refused.output
    )
    assert _is_pristine(app)
    # re-signed with the insider's own key: still not the configured one
    (dump / dump_format.SIGNATURE).unlink()
    dump_format.sign_manifest(dump, Ed25519PrivateKey.generate())
    refused = _import(app, dump, signed=True)
    assert refused.exit_code == 1 and "signature does not verify" in refused.output
    assert _is_pristine(app)
    # no signature at all: refused unless told --unsigned…
    (dump / dump_format.SIGNATURE).unlink()
    refused = _import(app, dump, signed=True)
    assert refused.exit_code == 1 and "not signed" in refused.output
    # …and then the record ledger names the edited row
    refused = _import(app, dump)
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert "record users" in refused.output and "changed outside the application" in refused.output
    assert _is_pristine(app)


# -- the encoding of values --


@pytest.mark.parametrize(
    ("kind", "value", "encoded"),
    [
        ("datetime", datetime(2026, 1, 2, 3, 4, 5), "2026-01-02T03:04:05+00:00"),  # SQLite
        (
            "datetime",
            datetime.fromisoformat("2026-01-02T06:04:05.123456+03:00"),  # PostgreSQL
            "2026-01-02T03:04:05.123456+00:00",
        ),
        ("date", date(2026, 2, 28), "2026-02-28"),
        ("decimal", Decimal("675.50"), "675.50"),
        ("bytes", b"\x00\xff%PDF", "AP8lUERG"),
        ("boolean", False, False),
        ("json", {"a": [1, None, "ş"]}, {"a": [1, None, "ş"]}),
        ("json", {"$json": 1}, {"$json": {"$json": 1}}),  # the escape escapes itself
    ],
)
def test_values_round_trip_exactly(kind: str, value: Any, encoded: Any) -> None:
    encode = ENCODERS[kind] or (lambda v: v)
    assert encode(value) == encoded
    back = dump_format.DECODERS[kind](json.loads(json.dumps(encoded)))
    if kind == "datetime":
        assert back == (value if value.tzinfo else value.replace(tzinfo=UTC))
    else:
        assert back == value


def test_a_stored_json_null_is_not_sql_null() -> None:
    assert ENCODERS["json"](None) == {"$json": None}  # type: ignore[misc]
    assert dump_format.DECODERS["json"]({"$json": None}) is sa.JSON.NULL


def test_self_references_are_filled_in_a_second_pass() -> None:
    deferred = dump_format.deferred_foreign_keys(dump_format.tables())
    assert {t: [c.name for c in cs] for t, cs in deferred.items()} == {
        "legislation": ["repealed_by_id"]
    }
