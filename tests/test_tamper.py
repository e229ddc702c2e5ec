"""Tamper evidence (issue 20): ``registry audit verify`` names every row changed outside the
application, and signed checkpoints kept outside the database refuse a truncated, rolled back or
wiped trail. Each test tampers as an insider with database access would: plain SQL, no app."""

from __future__ import annotations

import base64
import json
import stat
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select, text
from sqlalchemy.orm import Session

from registry.audit import checkpoints as signed
from registry.audit import ledger
from registry.audit.models import AuditEntry, RecordLedgerEntry
from registry.kernel.db import get_db
from registry.organizations.models import Organization, OrganizationVersion
from registry.workflow.models import ChangeRequestEvent
from tests.workflow_world import World, build_world

NEW_UNIT = "Veri Yönetimi Daire Başkanlığı"


@pytest.fixture
def world(app: Flask, session: Session, client: FlaskClient) -> World:
    """The workflow world and one unit created through an approved change request."""
    built = build_world(session)
    submitted = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "create",
            "reason": "Yeni birim",
            "data": {
                "name": NEW_UNIT,
                "parent": built.yhgm,
                "level": "central",
                "unit_type": "Daire Başkanlığı",
            },
        },
        headers=built.auth("goc_coordinator"),
    )
    assert submitted.status_code == 201, submitted.json
    approved = client.post(
        f"/api/v1/change-requests/{submitted.json['id']}/approve",
        headers=built.auth("reviewer"),
    )
    assert approved.status_code == 200, approved.json
    return built


@pytest.fixture
def keys(app: Flask, runner: Any, tmp_path: Path) -> Path:
    """A key pair made by ``registry keys create``, configured; checkpoints in a temp folder."""
    created = runner.invoke(args=["keys", "create", str(tmp_path / "keys")])
    assert created.exit_code == 0, created.output
    app.config["SIGNING_KEY_FILE"] = str(tmp_path / "keys" / "registry-signing.key")
    app.config["CHECKPOINT_DIR"] = str(tmp_path / "checkpoints")
    return tmp_path / "keys"


def _sql(app: Flask, statement: str, **params: Any) -> None:
    with get_db(app).engine.begin() as connection:
        connection.execute(text(statement), params)


def _verify(runner: Any) -> Any:
    return runner.invoke(args=["audit", "verify"])


def _ids(session: Session, statement: Any) -> list[int]:
    """Ids read, then the session's transaction ended: on SQLite the tampering shares its one
    connection."""
    found = list(session.scalars(statement))
    session.rollback()
    return found


def test_an_untampered_registry_verifies(app: Flask, world: World, runner: Any) -> None:
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "audit trail intact" in result.output and "record ledger intact" in result.output
    with get_db(app).sessionmaker() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last is not None and last.ledger_seq is not None
        tied = session.get(RecordLedgerEntry, last.ledger_seq)
        assert tied is not None and tied.hash == last.ledger_hash  # the two chains are tied
        tables = {
            name for (name,) in session.execute(select(RecordLedgerEntry.table_name).distinct())
        }
    # the approval recorded the version, the request and its events, and the accounts
    assert {"organization_versions", "change_requests", "change_request_events", "users"} <= (
        tables
    )
    assert "api_tokens" in tables


def test_edits_outside_the_application_are_named_by_table_and_key(
    app: Flask, session: Session, world: World, runner: Any
) -> None:
    [version] = _ids(
        session, select(OrganizationVersion.id).where(OrganizationVersion.name == NEW_UNIT)
    )
    event_id = _ids(session, select(ChangeRequestEvent.id).order_by(ChangeRequestEvent.id))[0]
    approver = world.user_ids["goc_coordinator"]
    _sql(app, "UPDATE organization_versions SET name = 'Sahte' WHERE id = :id", id=version)
    _sql(app, "UPDATE users SET role = 'institution_approver' WHERE id = :id", id=approver)
    _sql(app, "UPDATE change_request_events SET note = 'sonradan' WHERE id = :id", id=event_id)
    result = _verify(runner)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert f"record organization_versions {version}: changed outside the application" in lines
    assert f"record users {approver}: changed outside the application" in lines
    assert f"record change_request_events {event_id}: changed outside the application" in lines
    assert len(lines) == 3, result.output  # nothing else is blamed


def test_rows_inserted_or_deleted_outside_the_application_are_named(
    app: Flask, session: Session, world: World, runner: Any
) -> None:
    unit = _ids(session, select(Organization.id).order_by(Organization.id.desc()))[0]
    _sql(app, "DELETE FROM organization_versions WHERE organization_id = :id", id=unit)
    _sql(app, "INSERT INTO detsis_numbers (number) VALUES ('99999999')")
    result = _verify(runner)
    assert result.exit_code == 1
    assert "record detsis_numbers 99999999: inserted outside the application" in result.output
    assert "organization_versions" in result.output and "deleted outside" in result.output
    with get_db(app).engine.connect() as connection:
        _tables, _rows, found = ledger.compare_all(connection)
    assert {(d.table, d.kind) for d in found} == {
        ("organization_versions", "deleted"),
        ("detsis_numbers", "inserted"),
    }


def test_an_edit_to_the_ledger_itself_breaks_its_chain(
    app: Flask, world: World, runner: Any
) -> None:
    _sql(app, "UPDATE record_ledger SET row_hash = :h WHERE seq = 3", h="0" * 64)
    result = _verify(runner)
    assert result.exit_code == 1
    assert "record ledger BROKEN at entry 3" in result.output


def test_keys_create_checkpoint_and_publish(
    app: Flask, client: FlaskClient, world: World, runner: Any, keys: Path
) -> None:
    private = keys / "registry-signing.key"
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    again = runner.invoke(args=["keys", "create", str(keys)])
    assert again.exit_code == 1 and "never overwritten" in again.output
    taken = runner.invoke(args=["audit", "checkpoint"])
    assert taken.exit_code == 0, taken.output
    files = list((Path(app.config["CHECKPOINT_DIR"])).glob("checkpoint-*.json"))
    assert len(files) == 1
    answer = client.get("/api/v1/audit/checkpoints")
    assert answer.status_code == 200
    assert answer.headers["Cache-Control"].startswith("public")
    assert json.loads(answer.headers["X-Pagination"])["total"] == 1
    published = answer.json[0]
    assert published == json.loads(files[0].read_text(encoding="utf-8"))
    # anyone can check it with the public key alone
    public = signed.load_signing_key(private).public_key()
    message = {k: v for k, v in published.items() if k != "signature"}
    public.verify(
        base64.b64decode(published["signature"]),
        json.dumps(message, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode(),
    )
    with get_db(app).sessionmaker() as session:
        assert published["audit"]["seq"] == session.scalar(
            select(AuditEntry.seq).order_by(AuditEntry.seq.desc())
        )
    # the database never holds the private key
    pem = private.read_bytes()
    dumped = json.dumps(answer.json)
    assert pem.decode() not in dumped
    result = _verify(runner)
    assert result.exit_code == 0, result.output
    assert "checkpoints: 1 signed checkpoints verified" in result.output


def test_a_truncated_trail_is_refused_by_the_checkpoint(
    app: Flask, world: World, runner: Any, keys: Path
) -> None:
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    with get_db(app).sessionmaker() as session:
        last = session.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert last is not None
        previous = session.get(AuditEntry, last.seq - 1)
        assert previous is not None
        seq, prev_seq, prev_hash = last.seq, previous.seq, previous.hash
    # delete the newest entry and move the head back: the chain alone still verifies
    _sql(app, "DELETE FROM audit_log WHERE seq = :seq", seq=seq)
    _sql(app, "UPDATE audit_head SET last_seq = :s, last_hash = :h", s=prev_seq, h=prev_hash)
    _sql(app, "DELETE FROM audit_checkpoints")  # the insider removes the published copies too
    result = _verify(runner)
    assert result.exit_code == 1
    assert f"the audit trail has {prev_seq} entries, the checkpoint signed {seq}" in result.output
    assert "truncated, rolled back or wiped" in result.output


def test_a_wiped_trail_is_refused(app: Flask, world: World, runner: Any, keys: Path) -> None:
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    genesis = "0" * 64
    for statement in (
        "DELETE FROM audit_log",
        "DELETE FROM record_ledger",
        "DELETE FROM audit_checkpoints",
        f"UPDATE audit_head SET last_seq = 0, last_hash = '{genesis}'",
        f"UPDATE ledger_head SET last_seq = 0, last_hash = '{genesis}'",
    ):
        _sql(app, statement)
    result = _verify(runner)
    assert result.exit_code == 1
    assert "the audit trail has 0 entries" in result.output
    assert "the record ledger has 0 entries" in result.output


def test_a_rewritten_chain_does_not_match_the_signed_head(
    app: Flask, client: FlaskClient, world: World, runner: Any, keys: Path
) -> None:
    """Rolled back to the checkpoint's length but rewritten: the signed hash differs."""
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    with get_db(app).sessionmaker() as session:
        seq = session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()))
    _sql(app, "UPDATE audit_log SET hash = :h WHERE seq = :s", h="f" * 64, s=seq)
    _sql(app, "UPDATE audit_head SET last_hash = :h", h="f" * 64)
    result = _verify(runner)
    assert result.exit_code == 1 and f"BROKEN at entry {seq}" in result.output


def test_a_checkpoint_signed_with_another_key_is_refused(
    app: Flask, world: World, runner: Any, keys: Path
) -> None:
    assert runner.invoke(args=["audit", "checkpoint"]).exit_code == 0
    directory = Path(app.config["CHECKPOINT_DIR"])
    [path] = directory.glob("checkpoint-*.json")
    forged = signed.SignedCheckpoint.from_dict(json.loads(path.read_text(encoding="utf-8")))
    other = Ed25519PrivateKey.generate()
    fake = signed.SignedCheckpoint(
        forged.at, 0, ledger.GENESIS_HASH, 0, ledger.GENESIS_HASH, forged.key_id, ""
    )
    fake = signed.SignedCheckpoint(
        **{**fake.__dict__, "signature": base64.b64encode(other.sign(fake.message())).decode()}
    )
    (directory / "checkpoint-forged.json").write_text(json.dumps(fake.as_dict()))
    result = _verify(runner)
    assert result.exit_code == 1
    assert "the signature does not verify with the configured key" in result.output


# -- the change feed's cursor --


def _cursor(text_: str) -> str:
    return base64.urlsafe_b64encode(text_.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        _cursor("v1:2147483648"),  # one past PostgreSQL's integer
        _cursor("v1:" + "9" * 30),
        _cursor("v1:" + "9" * 5000),  # past Python's int() digit limit
        _cursor("v1:-1"),
        _cursor("v1:+5"),
        _cursor("v1:١٢"),  # digits of another script, which int() accepts
        _cursor("v1: 5"),
        "!!!",
        "A" * 10_000,
    ],
    ids=["int32", "30-digits", "5000-digits", "negative", "plus", "arabic", "space", "bang", "10k"],
)
def test_a_malformed_or_huge_cursor_is_a_422_never_a_500(client: FlaskClient, cursor: str) -> None:
    """Malformed input is a 422 (the contract's rule, and the feed's since its first version)."""
    answer = client.get("/api/v1/changes", query_string={"since": cursor})
    assert answer.status_code == 422, answer.data[:200]
    assert answer.mimetype == "application/problem+json"
    assert answer.json["errors"] == {"since": ["not a cursor of this feed"]}
    assert "Geçersiz imleç / invalid cursor" in answer.json["detail"]


def test_the_largest_cursor_is_an_empty_page(client: FlaskClient) -> None:
    answer = client.get("/api/v1/changes", query_string={"since": _cursor("v1:2147483647")})
    assert answer.status_code == 200
    assert answer.json["changes"] == [] and answer.json["next_cursor"] == _cursor("v1:2147483647")
