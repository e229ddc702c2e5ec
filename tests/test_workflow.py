"""The approval workflow over HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from registry.accounts import service as accounts
from registry.audit import trail as audit
from registry.audit.models import AuditEntry
from registry.kernel.db import get_db
from registry.workflow.models import ChangeRequest
from tests.factories import make_user
from tests.workflow_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def submit(client: FlaskClient, world: World, who: str, **body: Any) -> Any:
    return client.post("/api/v1/change-requests", json=body, headers=world.auth(who))


def create_body(parent: str, name: str = "Veri Yönetimi Daire Başkanlığı") -> dict[str, Any]:
    return {
        "entity": "organization",
        "action": "create",
        "reason": "Yeni birim",
        "data": {
            "name": name,
            "parent": parent,
            "level": "central",
            "unit_type": "Daire Başkanlığı",
        },
    }


def act(
    client: FlaskClient,
    world: World,
    who: str,
    request_id: int,
    action: str,
    reason: str | None = None,
) -> Any:
    body = {"reason": reason} if reason is not None else None
    return client.post(
        f"/api/v1/change-requests/{request_id}/{action}", json=body, headers=world.auth(who)
    )


def children_names(client: FlaskClient, number: str) -> list[str]:
    return [c["name"] for c in client.get(f"/api/v1/organizations/{number}/children").json]


def test_coordinator_proposes_reviewer_approves_unit_appears(
    client: FlaskClient, world: World
) -> None:
    submitted = submit(client, world, "goc_coordinator", **create_body(world.yhgm))
    assert submitted.status_code == 201, submitted.json
    body = submitted.json
    assert body["status"] == "submitted" and body["entity"] == "organization"
    assert body["submitted_by"].startswith("goc_coordinator")
    assert [h["to_status"] for h in body["history"]] == ["submitted"]
    assert "Veri Yönetimi Daire Başkanlığı" not in children_names(client, world.yhgm)

    approved = act(client, world, "reviewer", body["id"], "approve")
    assert approved.status_code == 200, approved.json
    assert approved.json["status"] == "approved"
    new_number = approved.json["result"]["id"]
    assert approved.json["result"]["entity"] == "organization"
    assert len(new_number) == 8 and new_number[0] != "0"
    assert "Veri Yönetimi Daire Başkanlığı" in children_names(client, world.yhgm)

    feed = client.get("/api/v1/changes").json["changes"]
    assert feed[-1]["id"] == new_number and feed[-1]["action"] == "create"
    assert feed[-1]["data"]["parent"] == world.yhgm

    public = client.get(f"/api/v1/organizations/{new_number}/history").json["versions"][0]
    assert "approved_by" not in public and "submitted_by" not in public
    history = client.get(
        f"/api/v1/organizations/{new_number}/history", headers=world.auth("reviewer2")
    ).json["versions"][0]
    assert history["submitted_by"].startswith("goc_coordinator")
    assert history["approved_by"].startswith("reviewer")
    assert history["request_id"] == body["id"]


def test_coordinator_cannot_touch_another_institution(client: FlaskClient, world: World) -> None:
    update = {
        "entity": "organization",
        "action": "update",
        "target": world.sgk,
        "data": {"name": "Sosyal Güvenlik Kurumu Başkanlığı"},
    }
    assert submit(client, world, "goc_coordinator", **update).status_code == 403
    assert submit(client, world, "goc_coordinator", **create_body(world.sgk)).status_code == 403
    move = {
        "entity": "organization",
        "action": "move",
        "target": world.bidb,
        "data": {"parent": world.sgk},
    }
    response = submit(client, world, "goc_coordinator", **move)
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    assert submit(client, world, "goc_coordinator", **create_body(world.interior)).status_code == (
        403
    ), "the ministry is above the coordinator's institution"
    assert client.get("/api/v1/change-requests", headers=world.auth("reviewer")).json == []


def test_authentication_is_required_for_writes(client: FlaskClient, world: World) -> None:
    no_token = client.post("/api/v1/change-requests", json=create_body(world.yhgm))
    assert no_token.status_code == 401
    assert no_token.headers["WWW-Authenticate"].startswith("Bearer")
    bad = client.post(
        "/api/v1/change-requests",
        json=create_body(world.yhgm),
        headers={"Authorization": "Bearer kys_not-a-real-token"},
    )
    assert bad.status_code == 401
    basic = client.post(
        "/api/v1/change-requests",
        json=create_body(world.yhgm),
        headers={"Authorization": "Basic YWxhZGRpbjpvcGVu"},
    )
    assert basic.status_code == 401
    assert client.get("/api/v1/change-requests").status_code == 401


def test_revoked_token_stops_working(client: FlaskClient, world: World, session: Session) -> None:
    assert client.get("/api/v1/change-requests", headers=world.auth("reviewer")).status_code == 200
    accounts.revoke(session, world.user_ids["reviewer"])
    session.commit()
    assert client.get("/api/v1/change-requests", headers=world.auth("reviewer")).status_code == 401


def test_admin_manages_users_only(client: FlaskClient, world: World) -> None:
    assert submit(client, world, "admin", **create_body(world.yhgm)).status_code == 403
    request_id = submit(client, world, "goc_coordinator", **create_body(world.yhgm)).json["id"]
    assert act(client, world, "admin", request_id, "approve").status_code == 403
    assert client.get("/api/v1/change-requests", headers=world.auth("admin")).status_code == 403


def test_nobody_approves_their_own_request(client: FlaskClient, world: World) -> None:
    request_id = submit(client, world, "reviewer", **create_body(world.yhgm)).json["id"]
    response = act(client, world, "reviewer", request_id, "approve")
    assert response.status_code == 403
    assert act(client, world, "reviewer2", request_id, "approve").status_code == 200


def test_only_reviewers_approve_organization_requests(client: FlaskClient, world: World) -> None:
    request_id = submit(client, world, "goc_coordinator", **create_body(world.yhgm)).json["id"]
    assert act(client, world, "goc_approver", request_id, "approve").status_code == 403
    assert act(client, world, "sgk_coordinator", request_id, "approve").status_code == 403
    assert (
        client.get(
            f"/api/v1/change-requests/{request_id}", headers=world.auth("goc_approver")
        ).json["status"]
        == "submitted"
    )


def test_reject_withdraw_and_illegal_transitions(
    client: FlaskClient, world: World, session: Session
) -> None:
    first = submit(client, world, "goc_coordinator", **create_body(world.yhgm, "Birinci")).json
    no_reason = act(client, world, "reviewer", first["id"], "reject")
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    rejected = act(client, world, "reviewer", first["id"], "reject", "Mükerrer birim")
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert rejected.json["history"][-1]["note"] == "Mükerrer birim"
    assert act(client, world, "reviewer", first["id"], "approve").status_code == 409

    second = submit(client, world, "goc_coordinator", **create_body(world.yhgm, "İkinci")).json
    assert act(client, world, "reviewer", second["id"], "withdraw").status_code == 403
    assert act(client, world, "goc_coordinator", second["id"], "withdraw").json["status"] == (
        "withdrawn"
    )
    assert act(client, world, "reviewer", second["id"], "approve").status_code == 409
    assert act(client, world, "goc_coordinator", second["id"], "withdraw").status_code == 409

    third = submit(client, world, "goc_coordinator", **create_body(world.yhgm, "Üçüncü")).json
    assert act(client, world, "reviewer", third["id"], "approve").status_code == 200
    again = act(client, world, "reviewer2", third["id"], "approve")
    assert again.status_code == 409 and again.content_type == "application/problem+json"
    assert act(client, world, "goc_coordinator", third["id"], "withdraw").status_code == 409
    assert act(client, world, "reviewer", 999_999, "approve").status_code == 404
    names = children_names(client, world.yhgm)
    assert "Üçüncü" in names and "Birinci" not in names and "İkinci" not in names
    events = session.scalar(
        select(func.count()).select_from(AuditEntry).where(AuditEntry.request_id.is_not(None))
    )
    assert events == 1, "only the approved request reached the audit trail"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"entity": "kulüp", "action": "create", "data": {}}, "entity"),
        ({"entity": "organization", "action": "explode", "data": {}}, "action"),
        ({"entity": "organization", "action": "update", "data": {"name": "Yeni Ad"}}, "target"),
        (
            {
                "entity": "organization",
                "action": "create",
                "target": "12345678",
                "data": {"name": "Ad", "level": "central"},
            },
            "target",
        ),
        (
            {"entity": "organization", "action": "create", "data": {"name": "Ad", "level": "x"}},
            "data.level",
        ),
        ({"entity": "organization", "action": "create", "data": {"level": "central"}}, "data.name"),
        (
            {
                "entity": "organization",
                "action": "create",
                "data": {"name": "Ad", "level": "central", "parent": "99999999"},
            },
            "data.parent",
        ),
        (
            {
                "entity": "organization",
                "action": "update",
                "target": "99999999",
                "data": {"name": "Yeni Ad"},
            },
            None,
        ),
        ({"entity": "organization", "action": "close", "target": "TARGET", "data": {}}, "reason"),
        ({"entity": "organization", "action": "update", "target": "TARGET", "data": {}}, "data"),
        (
            {
                "entity": "organization",
                "action": "update",
                "target": "TARGET",
                "data": {"parent": "22620739"},
            },
            "data.parent",
        ),
        ({"entity": "organization", "action": "create", "data": {}, "colour": "red"}, "colour"),
        (
            {
                "entity": "organization",
                "action": "create",
                "data": {},
                "effective_from": "31.12.2025",
            },
            "effective_from",
        ),
    ],
)
def test_bad_submissions_are_refused_and_change_nothing(
    client: FlaskClient, world: World, session: Session, body: dict[str, Any], field: str | None
) -> None:
    if body.get("target") == "TARGET":
        body = {**body, "target": world.bidb}
    response = submit(client, world, "reviewer", **body)
    assert response.status_code in (404, 422), response.json
    assert response.content_type == "application/problem+json"
    if field:
        assert field in response.json["errors"], response.json
    assert session.scalar(select(func.count()).select_from(ChangeRequest)) == 0


def test_unparseable_body_is_a_400(client: FlaskClient, world: World) -> None:
    response = client.post(
        "/api/v1/change-requests",
        data="{not json",
        headers={**world.auth("reviewer"), "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422)
    assert response.content_type == "application/problem+json"


def test_stale_update_is_refused_with_what_changed(client: FlaskClient, world: World) -> None:
    rename = {
        "entity": "organization",
        "action": "update",
        "target": world.bidb,
        "data": {"name": "Bilgi Teknolojileri Daire Başkanlığı"},
    }
    contact = {
        "entity": "organization",
        "action": "update",
        "target": world.bidb,
        "data": {"contact": {"phone": "0312 000 00 00"}},
    }
    first = submit(client, world, "goc_coordinator", **rename).json
    second = submit(client, world, "goc_coordinator", **contact).json
    assert first["base_version"] == second["base_version"] == 1
    assert act(client, world, "reviewer", first["id"], "approve").status_code == 200
    detail = client.get(
        f"/api/v1/change-requests/{second['id']}", headers=world.auth("reviewer")
    ).json
    assert detail["diff"]["_stale"] == {"current": 2, "proposed": 1}
    stale = act(client, world, "reviewer", second["id"], "approve")
    assert stale.status_code == 409
    assert stale.json["current_version"] == 2
    unit = client.get(f"/api/v1/organizations/{world.bidb}").json
    assert unit["contact"]["phone"] is None and unit["version"] == 2


def test_submitting_against_an_old_version_is_refused(client: FlaskClient, world: World) -> None:
    body = {
        "entity": "organization",
        "action": "update",
        "target": world.bidb,
        "data": {"name": "Yeni Ad"},
        "base_version": 7,
    }
    response = submit(client, world, "goc_coordinator", **body)
    assert response.status_code == 409 and response.json["current_version"] == 1


def test_reviewers_see_a_diff_against_the_live_record(client: FlaskClient, world: World) -> None:
    body = {
        "entity": "organization",
        "action": "update",
        "target": world.bidb,
        "data": {
            "name": "Bilgi Teknolojileri Daire Başkanlığı",
            "contact": {"email": "bt@goc.gov.tr"},
        },
    }
    request_id = submit(client, world, "goc_coordinator", **body).json["id"]
    diff = client.get(f"/api/v1/change-requests/{request_id}", headers=world.auth("reviewer")).json[
        "diff"
    ]
    assert diff["name"] == {
        "current": "Bilgi İşlem Daire Başkanlığı",
        "proposed": "Bilgi Teknolojileri Daire Başkanlığı",
    }
    assert diff["contact.email"] == {"current": None, "proposed": "bt@goc.gov.tr"}


def test_scheduled_move_takes_effect_on_its_date(client: FlaskClient, world: World) -> None:
    body = {
        "entity": "organization",
        "action": "move",
        "target": world.bidb,
        "data": {"parent": world.goc},
        "effective_from": "2190-01-01",
    }
    request_id = submit(client, world, "goc_coordinator", **body).json["id"]
    assert act(client, world, "reviewer", request_id, "approve").status_code == 200
    assert client.get(f"/api/v1/organizations/{world.bidb}").json["parent"] == world.yhgm
    later = client.get(f"/api/v1/organizations/{world.bidb}?at=2190-01-01").json
    assert later["parent"] == world.goc


def test_close_through_the_workflow(client: FlaskClient, world: World) -> None:
    body = {
        "entity": "organization",
        "action": "close",
        "target": world.bidb,
        "reason": "Görevleri Yönetim Hizmetleri Genel Müdürlüğüne devredildi",
        "data": {"successors": [world.yhgm]},
    }
    request_id = submit(client, world, "goc_coordinator", **body).json["id"]
    assert act(client, world, "reviewer", request_id, "approve").status_code == 200
    unit = client.get(f"/api/v1/organizations/{world.bidb}").json
    assert unit["status"] == "closed" and unit["successors"] == [world.yhgm]


def test_scope_lapses_when_the_unit_moves_to_another_institution(
    client: FlaskClient, world: World, session: Session, runner: Any
) -> None:
    approver_scope = {
        "entity": "organization",
        "action": "move",
        "target": world.goc,
        "data": {"parent": world.labour},
    }
    request_id = submit(client, world, "reviewer", **approver_scope).json["id"]
    assert act(client, world, "reviewer2", request_id, "approve").status_code == 200
    # Göç is its own institution, so its coordinator keeps working…
    assert submit(client, world, "goc_coordinator", **create_body(world.yhgm)).status_code == 201
    # …but an account scoped to a unit that leaves its institution loses its rights.
    user, token = make_user(
        session, name="bt_coordinator", role="coordinator", organization=world.bidb
    )
    session.commit()
    move = {
        "entity": "organization",
        "action": "move",
        "target": world.bidb,
        "data": {"parent": world.sgk},
    }
    request_id = submit(client, world, "reviewer", **move).json["id"]
    assert act(client, world, "reviewer2", request_id, "approve").status_code == 200
    response = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "update",
            "target": world.bidb,
            "data": {"name": "Yeni Ad"},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 403
    assert "scope" in response.json["detail"]
    lapsed = runner.invoke(args=["users", "list", "--needs-scope"])
    assert "bt_coordinator" in lapsed.output and "NEEDS NEW SCOPE" in lapsed.output
    assert "goc_coordinator" not in lapsed.output
    rescoped = runner.invoke(args=["users", "rescope", str(user.id), "--organization", world.bidb])
    assert rescoped.exit_code == 0, rescoped.output
    assert "bt_coordinator" not in runner.invoke(args=["users", "list", "--needs-scope"]).output


def test_change_feed_pages_without_gaps_or_repeats(client: FlaskClient, world: World) -> None:
    for name in ("Bir", "İki", "Üç"):
        request_id = submit(client, world, "goc_coordinator", **create_body(world.yhgm, name)).json[
            "id"
        ]
        act(client, world, "reviewer", request_id, "approve")
    seen: list[int] = []
    cursor = ""
    while True:
        page = client.get("/api/v1/changes", query_string={"since": cursor, "limit": 2}).json
        if not page["changes"]:
            break
        seen.extend(c["seq"] for c in page["changes"])
        cursor = page["next_cursor"]
    assert seen == list(range(1, len(seen) + 1))
    assert len(seen) == 6 + 3, "six units of the world, three approved creates"
    bad = client.get("/api/v1/changes?since=not-a-cursor")
    assert bad.status_code == 422 and "since" in bad.json["errors"]


def test_feed_rebuilds_every_published_record(client: FlaskClient, world: World) -> None:
    body = {
        "entity": "organization",
        "action": "update",
        "target": world.bidb,
        "data": {"name": "Bilgi Teknolojileri Daire Başkanlığı"},
    }
    request_id = submit(client, world, "goc_coordinator", **body).json["id"]
    act(client, world, "reviewer", request_id, "approve")
    copy: dict[str, dict[str, Any]] = {}
    for change in client.get("/api/v1/changes").json["changes"]:
        copy[change["id"]] = change["data"]
    for number, record in copy.items():
        live = client.get(f"/api/v1/organizations/{number}").json
        assert live["name"] == record["name"] and live["parent"] == record["parent"]
        assert live["version"] == record["version"]


def test_audit_trail_detects_tampering(
    app: Flask, client: FlaskClient, world: World, runner: Any
) -> None:
    result = runner.invoke(args=["audit", "verify"])
    assert result.exit_code == 0 and "6 entries verified" in result.output
    with get_db(app).engine.begin() as connection:
        row = connection.execute(text("SELECT after FROM audit_log WHERE seq = 3")).scalar_one()
        after = json.loads(row) if isinstance(row, str) else row
        after["name"] = "Sahte Ad"
        connection.execute(
            text("UPDATE audit_log SET after = :after WHERE seq = 3"),
            {"after": json.dumps(after, ensure_ascii=False)},
        )
    broken = runner.invoke(args=["audit", "verify"])
    assert broken.exit_code == 1
    assert "entry 3" in broken.output
    with get_db(app).sessionmaker() as session:
        assert audit.verify(session).first_bad_seq == 3


def test_audit_trail_detects_a_deleted_entry(app: Flask, world: World) -> None:
    with get_db(app).engine.begin() as connection:
        connection.execute(text("DELETE FROM audit_log WHERE seq = 6"))
    with get_db(app).sessionmaker() as session:
        assert audit.verify(session).first_bad_seq == 6


def test_tokens_never_reach_the_logs(
    client: FlaskClient, world: World, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("DEBUG")
    submit(client, world, "goc_coordinator", **create_body(world.yhgm))
    client.get("/api/v1/change-requests", headers={"Authorization": "Bearer kys_wrong-secret"})
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert world.tokens["goc_coordinator"] not in logged
    assert "kys_wrong-secret" not in logged
