"""An account is a person (issue 19): person keys, four eyes per person, account references in
the audit trail, deactivation. On SQLite and PostgreSQL, over HTTP and the command line."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.accounts import persons
from registry.accounts.models import ApiToken, User
from registry.audit.models import AuditEntry
from registry.organizations.models import Organization, OrganizationVersion
from registry.workflow.models import ChangeRequest
from tests.factories import make_user, national_id, person_id_for
from tests.workflow_world import World, build_world

RAW_ID = "10000000146"  # a national id with valid check digits
ALSO_VALID = national_id(424242)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _rename(client: FlaskClient, world: World, who: str, name: str) -> Any:
    return client.post(
        "/api/v1/change-requests",
        headers=world.auth(who),
        json={
            "entity": "organization",
            "action": "update",
            "target": world.bidb,
            "reason": "Ad değişikliği",
            "data": {"name": name},
        },
    )


def _decide(client: FlaskClient, world: World, who: str, request_id: int) -> Any:
    return client.post(f"/api/v1/change-requests/{request_id}/approve", headers=world.auth(who))


def _second_account(session: Session, world: World, *, of: str, name: str, **fields: Any) -> None:
    """Another account of the person behind ``of``."""
    user, token = make_user(session, name=name, person_id=person_id_for(of), **fields)
    session.commit()
    world.tokens[name], world.user_ids[name] = token, user.id


def _create(runner: Any, name: str, person_id: str | None, *extra: str) -> Any:
    args = ["users", "create", "--name", name, "--role", "reviewer", *extra]
    if person_id is None:
        return runner.invoke(args=args)
    return runner.invoke(args=[*args, "--person-id", person_id])


# -- the person identifier --


def test_a_new_account_needs_a_checked_person_id_and_stores_only_its_key(
    app: Flask, runner: Any, session: Session
) -> None:
    app.config["REQUIRE_PERSON_ID"] = True  # production: every account names its person
    missing = _create(runner, "Kimliksiz", None)
    assert missing.exit_code != 0 and "person id is required" in missing.output
    typo = _create(runner, "Yanlış Hane", "10000000147")
    assert typo.exit_code != 0
    assert "denetim haneleri" in typo.output and "check digits" in typo.output
    garbage = _create(runner, "Bozuk", "12ab")
    assert garbage.exit_code != 0 and "person identifier" in garbage.output
    assert session.scalars(select(User)).all() == []  # nothing half-written
    session.rollback()  # SQLite in memory: one connection, so no read left open under the CLI

    created = _create(runner, "Ayşe Yılmaz", f"  {RAW_ID} ")  # spaces do not make a new person
    assert created.exit_code == 0, created.output
    assert created.output.strip().splitlines()[-1].startswith("kys_")
    user = session.scalars(select(User)).one()
    assert user.person_key == persons.person_key(RAW_ID, app.config["PERSON_KEY_SECRET"])
    assert user.person_key is not None and len(user.person_key) == 64
    assert RAW_ID not in user.person_key and RAW_ID[:6] not in user.person_key
    key, user_id = user.person_key, user.id
    session.rollback()
    listing = runner.invoke(args=["users", "list"]).output
    assert RAW_ID not in listing and persons.short(key) in listing

    personnel = _create(runner, "Sicilli", "24325150/ab-12")
    assert personnel.exit_code == 0, personnel.output
    again = _create(runner, "Aynı Kişi", RAW_ID)  # allowed, but the registry says so
    assert again.exit_code == 0 and f"same person as #{user_id}" in again.output
    keys = session.scalars(select(User.person_key).order_by(User.id)).all()
    assert keys[0] == keys[2] != keys[1]


# -- four eyes per person --


def test_two_accounts_of_one_person_cannot_submit_and_approve_one_request(
    client: FlaskClient, world: World, session: Session
) -> None:
    _second_account(session, world, of="goc_coordinator", name="goc_reviewer", role="reviewer")
    request = _rename(client, world, "goc_coordinator", "Bilgi Teknolojileri Daire Başkanlığı")
    assert request.status_code == 201, request.json
    refused = _decide(client, world, "goc_reviewer", request.json["id"])
    assert refused.status_code == 403
    assert refused.content_type == "application/problem+json"
    assert "aynı kişinin başka bir hesabıyla" in refused.json["detail"]
    assert "another account of the same person" in refused.json["detail"]
    rejected = client.post(
        f"/api/v1/change-requests/{request.json['id']}/reject",
        json={"reason": "olmaz"},
        headers=world.auth("goc_reviewer"),
    )
    assert rejected.status_code == 403
    pending = session.get(ChangeRequest, request.json["id"])
    assert pending is not None and pending.status == "submitted"
    session.rollback()
    assert _decide(client, world, "reviewer", request.json["id"]).status_code == 200


def test_one_person_gives_one_approval_of_a_two_step_request(
    client: FlaskClient, world: World, session: Session
) -> None:
    _second_account(session, world, of="goc_approver", name="approver_as_reviewer", role="reviewer")
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth("goc_coordinator"),
        json={
            "entity": "service",
            "action": "create",
            "data": {"name": "Veri Paylaşım Talebi", "organization": world.bidb},
        },
    )
    assert response.status_code == 201, response.json
    request_id = response.json["id"]
    first = _decide(client, world, "goc_approver", request_id)
    assert first.status_code == 200 and first.json["status"] == "institution_approved"
    second = _decide(client, world, "approver_as_reviewer", request_id)
    assert second.status_code == 403 and "same person" in second.json["detail"]
    final = _decide(client, world, "reviewer", request_id)
    assert final.status_code == 200 and final.json["status"] == "approved"


def test_an_account_with_no_person_on_file_waits_for_one(
    client: FlaskClient, world: World, session: Session, runner: Any
) -> None:
    """Accounts from before migration 0010 (or made without --person-id) have no person key:
    where the installation requires persons, no decision until one is set."""
    reviewer = session.get(User, world.user_ids["reviewer"])
    assert reviewer is not None
    reviewer.person_key = None
    session.commit()
    client.application.config["REQUIRE_PERSON_ID"] = True
    request = _rename(client, world, "goc_coordinator", "Bilgi Teknolojileri Daire Başkanlığı")
    refused = _decide(client, world, "reviewer", request.json["id"])
    assert refused.status_code == 403 and "set-person" in refused.json["detail"]
    assert "NEEDS A PERSON" in runner.invoke(args=["users", "list", "--needs-person"]).output
    set_person = runner.invoke(
        args=["users", "set-person", str(reviewer.id), "--person-id", ALSO_VALID]
    )
    assert set_person.exit_code == 0, set_person.output
    again = runner.invoke(args=["users", "set-person", str(reviewer.id), "--person-id", RAW_ID])
    assert again.exit_code != 0 and "already" in again.output  # a key never changes
    assert _decide(client, world, "reviewer", request.json["id"]).status_code == 200


def test_the_contract_invocation_works_without_a_person_id(
    client: FlaskClient, world: World, session: Session, runner: Any
) -> None:
    """``users create --name --role`` (the API contract) still makes a working account: it
    counts as a person of its own, and the missing person is said, not hidden."""
    created = _create(runner, "Kimliksiz Gözden Geçirici", None)
    assert created.exit_code == 0, created.output
    token = created.stdout.strip().splitlines()[-1]
    assert token.startswith("kys_") and "no person on file" in created.stderr
    assert "Kimliksiz" in runner.invoke(args=["users", "list", "--needs-person"]).output
    request = _rename(client, world, "goc_coordinator", "Bilgi Teknolojileri Daire Başkanlığı")
    decided = client.post(
        f"/api/v1/change-requests/{request.json['id']}/approve",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert decided.status_code == 200, decided.json


# -- who did it: account references, not names --


def test_the_audit_entry_and_the_version_row_carry_account_ids(
    client: FlaskClient, world: World, session: Session
) -> None:
    request = _rename(client, world, "goc_coordinator", "Bilgi Teknolojileri Daire Başkanlığı")
    assert _decide(client, world, "reviewer", request.json["id"]).status_code == 200
    coordinator = session.get(User, world.user_ids["goc_coordinator"])
    reviewer = session.get(User, world.user_ids["reviewer"])
    assert coordinator is not None and reviewer is not None
    submitter_ref = f"hesap:{coordinator.id} kişi:{persons.short(coordinator.person_key)}"
    approver_ref = f"hesap:{reviewer.id} kişi:{persons.short(reviewer.person_key)}"
    entry = session.scalars(
        select(AuditEntry).where(AuditEntry.request_id == request.json["id"])
    ).one()
    assert (entry.submitted_by, entry.approved_by) == (submitter_ref, approver_ref)
    version = session.scalars(
        select(OrganizationVersion)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(Organization.detsis_no == world.bidb)
        .order_by(OrganizationVersion.version.desc())
    ).first()
    assert version is not None and version.recorded_by == submitter_ref
    assert "goc_coordinator" not in f"{entry.submitted_by}{entry.approved_by}{version.recorded_by}"

    # Renaming the account changes what staff read, not what was recorded.
    coordinator.name = "Göç Koordinatörü"
    session.commit()
    staff = client.get(f"/api/v1/organizations/{world.bidb}/history", headers=world.auth("admin"))
    latest = staff.json["versions"][-1]
    assert latest["submitted_by"] == f"Göç Koordinatörü (#{coordinator.id})"
    assert latest["approved_by"] == world.display("reviewer")
    public = client.get(f"/api/v1/organizations/{world.bidb}/history").json["versions"][-1]
    assert "submitted_by" not in public and "recorded_by" not in public


# -- deactivation --


def test_deactivate_ends_the_tokens_and_keeps_the_history(
    client: FlaskClient, world: World, session: Session, runner: Any
) -> None:
    applied = _rename(client, world, "goc_coordinator", "Bilgi Teknolojileri Daire Başkanlığı")
    assert _decide(client, world, "reviewer", applied.json["id"]).status_code == 200
    still_open = client.post(
        "/api/v1/change-requests",
        headers=world.auth("goc_coordinator"),
        json={
            "entity": "organization",
            "action": "update",
            "target": world.yhgm,
            "reason": "Ad değişikliği",
            "data": {"name": "Destek Hizmetleri Genel Müdürlüğü"},
        },
    )
    assert still_open.status_code == 201, still_open.json
    coordinator_id = world.user_ids["goc_coordinator"]

    ended = runner.invoke(args=["users", "deactivate", str(coordinator_id)])
    assert ended.exit_code == 0 and "revoked 1 token(s)" in ended.output, ended.output
    answer = client.get("/api/v1/change-requests", headers=world.auth("goc_coordinator"))
    assert answer.status_code == 401
    assert answer.content_type == "application/problem+json"
    assert _rename(client, world, "goc_coordinator", "Başka Ad").status_code == 401
    session.expire_all()
    user = session.get(User, coordinator_id)
    assert user is not None and not user.active and user.deactivated_at is not None
    assert user.organization_id is not None  # the scope it had is kept as history
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == coordinator_id)).all()
    assert tokens and all(token.revoked_at is not None for token in tokens)
    session.rollback()
    assert runner.invoke(args=["users", "token", str(coordinator_id)]).exit_code != 0
    assert runner.invoke(args=["users", "deactivate", str(coordinator_id)]).exit_code != 0
    listing = runner.invoke(args=["users", "list"]).output
    assert any(
        line.startswith(f"#{coordinator_id}\t") and "deactivated" in line
        for line in listing.splitlines()
    )

    # History kept: the applied change still names the account, and staff still read its name.
    history = client.get(f"/api/v1/organizations/{world.bidb}/history", headers=world.auth("admin"))
    assert history.json["versions"][-1]["submitted_by"] == world.display("goc_coordinator")
    # Its open request stays for others to decide.
    waiting = client.get(
        f"/api/v1/change-requests/{still_open.json['id']}", headers=world.auth("reviewer")
    )
    assert waiting.status_code == 200 and waiting.json["status"] == "submitted"
    decided = _decide(client, world, "reviewer", still_open.json["id"])
    assert decided.status_code == 200 and decided.json["status"] == "approved"
    assert runner.invoke(args=["users", "deactivate", "9999"]).exit_code != 0
