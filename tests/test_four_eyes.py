"""Four eyes on every change, and scope on the tree a change will meet (issue 19), over HTTP on
SQLite and PostgreSQL: the name queue and the synonyms go through a second person, institutions
whose records a change alters agree to it, scope is checked on the day a change takes effect,
and a change that changes nothing is refused."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit.models import AuditEntry
from registry.kernel.clock import today
from tests.factories import make_act, make_document, make_service
from tests.workflow_world import World, build_world

SOON = (today() + timedelta(days=30)).isoformat()
LATER = (today() + timedelta(days=60)).isoformat()


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def submit(client: FlaskClient, world: World, who: str, **body: Any) -> Any:
    return client.post("/api/v1/change-requests", json=body, headers=world.auth(who))


def approve(client: FlaskClient, world: World, who: str, request_id: int) -> Any:
    return client.post(f"/api/v1/change-requests/{request_id}/approve", headers=world.auth(who))


def approved(client: FlaskClient, world: World, who: str, by: list[str], **body: Any) -> Any:
    """A request filed by ``who`` and approved by each of ``by`` in turn."""
    filed = submit(client, world, who, **body)
    assert filed.status_code == 201, filed.json
    for approver in by:
        answer = approve(client, world, approver, filed.json["id"])
        assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "approved", answer.json
    return answer.json


def institutions(answer: Any) -> dict[str, bool]:
    return {step["institution"]: step["approved_by"] is not None for step in answer["institutions"]}


def _table(client: FlaskClient, number: str) -> dict[str, Any]:
    answer = client.get(f"/api/v1/organizations/{number}/service-standards")
    assert answer.status_code == 200, answer.json
    return dict(answer.json)


# -- the name queue and the synonyms: a second person --


def test_a_queued_name_waits_in_the_table_until_a_second_person_resolves_it(
    client: FlaskClient, world: World
) -> None:
    contacts = {"name": "Ayşe Yılmaz", "title": "Daire Başkanı", "phone": "0312 422 07 00"}
    approved(
        client,
        world,
        "goc_coordinator",
        ["reviewer"],
        entity="service_standard",
        action="create",
        data={"organization": world.bidb, "first_contact": contacts, "second_contact": contacts},
    )
    code = approved(
        client,
        world,
        "goc_coordinator",
        ["goc_approver", "reviewer"],
        entity="service",
        action="create",
        data={
            "name": "Arşiv Araştırması",
            "organization": world.bidb,
            "required_documents": ["Muhtarlıktan alınacak kâğıt"],
        },
    )["result"]["id"]
    row = _table(client, world.bidb)["rows"][0]
    assert row["service"] == code
    assert row["required_documents"] == ["Muhtarlıktan alınacak kâğıt (standart adı bekleniyor)"]
    assert row["awaiting_standard_name"] == ["Muhtarlıktan alınacak kâğıt"]
    page = client.get(f"/organizations/{world.bidb}/service-standards")
    assert "Muhtarlıktan alınacak kâğıt (standart adı bekleniyor)" in page.get_data(as_text=True)

    queue = client.get("/api/v1/documents/unmatched", headers=world.auth("reviewer")).json
    url = f"/api/v1/documents/unmatched/{queue[0]['id']}/resolve"
    decision = {"new_document": {"name": "Yerleşim Yeri Belgesi"}}
    proposed = client.post(url, json=decision, headers=world.auth("reviewer"))
    assert proposed.status_code == 202, proposed.json
    assert (proposed.json["entity"], proposed.json["status"]) == ("document_name", "submitted")
    assert proposed.json["diff"]["new_document"]["proposed"] == decision["new_document"]
    # Proposing changed nothing published; the proposer cannot approve it alone.
    assert _table(client, world.bidb)["rows"][0]["awaiting_standard_name"] == [
        "Muhtarlıktan alınacak kâğıt"
    ]
    assert client.get("/api/v1/documents?q=Yerleşim").json == []
    assert approve(client, world, "reviewer", proposed.json["id"]).status_code == 403
    assert approve(client, world, "reviewer2", proposed.json["id"]).status_code == 200

    row = _table(client, world.bidb)["rows"][0]
    assert row["required_documents"] == ["Yerleşim Yeri Belgesi"]
    assert row["awaiting_standard_name"] == []
    resolved = client.get("/api/v1/documents/unmatched", headers=world.auth("reviewer")).json[0]
    assert resolved["status"] == "resolved"
    assert resolved["resolved_by"]  # the approver, as the audit trail names accounts
    # A second proposal for a resolved name is refused when filed.
    assert client.post(url, json=decision, headers=world.auth("reviewer")).status_code == 409


def test_a_name_no_longer_asked_for_leaves_the_table(
    client: FlaskClient, world: World, session: Session
) -> None:
    code = make_service(
        session, "Arşiv Araştırması", world.bidb, required_documents=["Eski usul dilekçe"]
    )
    session.commit()
    approved(
        client,
        world,
        "goc_coordinator",
        ["goc_approver", "reviewer"],
        entity="service",
        action="update",
        target=code,
        data={"required_documents": []},
    )
    queue = client.get("/api/v1/documents/unmatched", headers=world.auth("reviewer")).json
    assert queue == []


def test_synonyms_change_only_when_a_second_reviewer_approves(
    client: FlaskClient, world: World, session: Session
) -> None:
    before = client.get("/api/v1/search/synonyms").json["groups"]
    new = {"groups": [*before, ["mesken belgesi", "yerleşim yeri"]]}
    assert (
        client.put(
            "/api/v1/search/synonyms", json=new, headers=world.auth("goc_coordinator")
        ).status_code
        == 403
    )
    proposed = client.put("/api/v1/search/synonyms", json=new, headers=world.auth("reviewer"))
    assert proposed.status_code == 202, proposed.json
    assert (proposed.json["entity"], proposed.json["target"]) == ("search_synonyms", "all")
    assert client.get("/api/v1/search/synonyms").json["groups"] == before
    assert approve(client, world, "reviewer", proposed.json["id"]).status_code == 403
    assert approve(client, world, "reviewer2", proposed.json["id"]).status_code == 200
    assert client.get("/api/v1/search/synonyms").json["groups"] == new["groups"]
    entry = session.scalars(select(AuditEntry).where(AuditEntry.entity == "search_synonyms")).one()
    assert entry.request_id == proposed.json["id"]
    session.rollback()  # end the read before the next request writes
    # The same groups again change nothing: refused.
    same = client.put("/api/v1/search/synonyms", json=new, headers=world.auth("reviewer"))
    assert same.status_code == 422 and "data" in same.json["errors"], same.json


# -- institutions whose records a change alters agree to it --


def test_repealing_another_institutions_act_needs_its_approval(
    client: FlaskClient, world: World, session: Session
) -> None:
    sgk_rule = make_act(session, "SGK Arşiv Yönergesi", type=101, issuer=world.sgk)
    goc_rule = make_act(session, "Göç Arşiv Yönergesi", type=101, issuer=world.goc)
    session.commit()
    repeal = {
        "type": 101,
        "title": "Göç Yeni Arşiv Yönergesi",
        "adopted_on": "2024-01-02",
        "issuer": world.goc,
        "repeals": [{"id": sgk_rule, "on": "2024-02-01"}],
    }
    filed = submit(
        client, world, "goc_coordinator", entity="legislation", action="create", data=repeal
    )
    assert filed.status_code == 201, filed.json
    assert institutions(filed.json) == {world.sgk: False}
    request_id = filed.json["id"]
    for refused in ("reviewer", "goc_approver"):
        assert approve(client, world, refused, request_id).status_code == 403, refused
    agreed = approve(client, world, "sgk_approver", request_id)
    assert agreed.status_code == 200 and agreed.json["status"] == "institution_approved"
    assert institutions(agreed.json) == {world.sgk: True}
    assert approve(client, world, "reviewer", request_id).json["status"] == "approved"
    assert client.get(f"/api/v1/legislation/{sgk_rule}").json["status"] == "repealed"

    # Repealing an act of one's own institution needs no other agreement.
    own = {
        **repeal,
        "title": "Göç Arşiv Yönergesi 2",
        "repeals": [{"id": goc_rule, "on": "2024-02-01"}],
    }
    filed = submit(
        client, world, "goc_coordinator", entity="legislation", action="create", data=own
    )
    assert filed.status_code == 201 and filed.json["institutions"] == [], filed.json
    assert approve(client, world, "reviewer", filed.json["id"]).json["status"] == "approved"


def test_an_institution_approver_may_reject_while_its_agreement_is_pending(
    client: FlaskClient, world: World, session: Session
) -> None:
    sgk_rule = make_act(session, "SGK Arşiv Yönergesi", type=101, issuer=world.sgk)
    session.commit()
    repeal = {
        "type": 101,
        "title": "Göç Yeni Arşiv Yönergesi",
        "adopted_on": "2024-01-02",
        "issuer": world.goc,
        "repeals": [{"id": sgk_rule, "on": "2024-02-01"}],
    }
    filed = submit(
        client, world, "goc_coordinator", entity="legislation", action="create", data=repeal
    )
    url = f"/api/v1/change-requests/{filed.json['id']}/reject"
    body = {"reason": "Yönerge hâlâ uygulanıyor"}
    assert client.post(url, json=body, headers=world.auth("goc_approver")).status_code == 403
    rejected = client.post(url, json=body, headers=world.auth("sgk_approver"))
    assert rejected.status_code == 200 and rejected.json["status"] == "rejected"
    assert client.get(f"/api/v1/legislation/{sgk_rule}").json["status"] == "in_force"


def test_a_successor_in_another_institution_agrees_to_the_merge(
    client: FlaskClient, world: World
) -> None:
    filed = submit(
        client,
        world,
        "goc_coordinator",
        entity="organization",
        action="close",
        target=world.bidb,
        reason="SGK'ya devredildi",
        data={"successors": [world.sgk]},
    )
    assert filed.status_code == 201, filed.json
    assert institutions(filed.json) == {world.sgk: False}
    assert approve(client, world, "reviewer", filed.json["id"]).status_code == 403
    assert approve(client, world, "sgk_approver", filed.json["id"]).status_code == 200
    assert approve(client, world, "reviewer", filed.json["id"]).json["status"] == "approved"


def test_a_service_moved_into_another_institution_needs_both_approvers(
    client: FlaskClient, world: World, session: Session
) -> None:
    code = make_service(session, "Arşiv Araştırması", world.bidb)
    session.commit()
    move = {"entity": "service", "action": "update", "target": code}
    # A coordinator cannot hand a service to another institution on its own...
    refused = submit(client, world, "goc_coordinator", **move, data={"organization": world.sgk})
    assert refused.status_code == 403
    # ...a reviewer files it, and both institutions' approvers agree before another reviewer.
    filed = submit(client, world, "reviewer", **move, data={"organization": world.sgk})
    assert filed.status_code == 201, filed.json
    request_id = filed.json["id"]
    assert institutions(filed.json) == {world.goc: False, world.sgk: False}
    first = approve(client, world, "goc_approver", request_id)
    assert first.status_code == 200 and first.json["status"] == "submitted"
    assert approve(client, world, "goc_approver", request_id).status_code == 403  # once each
    assert approve(client, world, "reviewer2", request_id).status_code == 403
    second = approve(client, world, "sgk_approver", request_id)
    assert second.json["status"] == "institution_approved"
    assert institutions(second.json) == {world.goc: True, world.sgk: True}
    assert approve(client, world, "reviewer2", request_id).json["status"] == "approved"
    assert client.get(f"/api/v1/services/{code}").json["organization"] == world.sgk
    # The new institution's approver sees the request among its own.
    listed = client.get("/api/v1/change-requests", headers=world.auth("sgk_approver")).json
    assert request_id in [r["id"] for r in listed]


# -- scope on the tree the change will meet --


def _schedule_move_to_sgk(client: FlaskClient, world: World) -> None:
    """The working group moves Bilgi İşlem under SGK from SOON on (both institutions agree)."""
    filed = submit(
        client,
        world,
        "reviewer",
        entity="organization",
        action="move",
        target=world.bidb,
        data={"parent": world.sgk},
        effective_from=SOON,
    )
    assert filed.status_code == 201, filed.json
    assert approve(client, world, "reviewer2", filed.json["id"]).json["status"] == "approved"


def test_a_coordinator_cannot_edit_in_the_future_a_unit_that_will_be_anothers(
    client: FlaskClient, world: World
) -> None:
    _schedule_move_to_sgk(client, world)
    update = {
        "entity": "organization",
        "action": "update",
        "target": world.bidb,
        "data": {"contact": {"phone": "0312 111 11 11"}},
    }
    future = submit(client, world, "goc_coordinator", **update, effective_from=LATER)
    assert future.status_code == 403, future.json
    assert "subtree" in future.json["detail"]
    # Nor may SGK's coordinator before the unit is SGK's (scope holds today and on the day).
    assert (
        submit(client, world, "sgk_coordinator", **update, effective_from=LATER).status_code == 403
    )
    # Today it is still Göç's.
    assert submit(client, world, "goc_coordinator", **update).status_code == 201


def test_undoing_a_scheduled_move_of_a_unit_that_is_not_ones_own_is_refused(
    client: FlaskClient, world: World
) -> None:
    _schedule_move_to_sgk(client, world)
    undo = {
        "entity": "organization",
        "action": "move",
        "target": world.bidb,
        "data": {"parent": world.yhgm},
    }
    on_the_day = submit(client, world, "goc_coordinator", **undo, effective_from=SOON)
    assert on_the_day.status_code == 403, on_the_day.json
    # Filed with no date it passes today's tree, but can only take effect from SOON on, where
    # approval checks the submitter's scope again (and history cannot go back before SOON).
    undated = submit(client, world, "goc_coordinator", **undo)
    assert undated.status_code == 201, undated.json
    refused = approve(client, world, "reviewer", undated.json["id"])
    assert refused.status_code == 409, refused.json
    assert client.get(f"/api/v1/organizations/{world.bidb}?at={SOON}").json["parent"] == world.sgk


def test_approval_checks_the_submitters_scope_on_the_effective_day(
    client: FlaskClient, world: World
) -> None:
    """Filed before the move was scheduled, approved after: the tree on the day decides."""
    update = {
        "entity": "organization",
        "action": "update",
        "target": world.bidb,
        "data": {"contact": {"phone": "0312 111 11 11"}},
        "effective_from": LATER,
    }
    filed = submit(client, world, "goc_coordinator", **update)
    assert filed.status_code == 201, filed.json
    _schedule_move_to_sgk(client, world)
    refused = approve(client, world, "reviewer", filed.json["id"])
    assert refused.status_code == 409 and "effective_from" in refused.json["errors"], refused.json
    assert client.get(f"/api/v1/organizations/{world.bidb}?at={LATER}").json["contact"][
        "phone"
    ] != ("0312 111 11 11")


# -- a change that changes nothing --


@pytest.mark.parametrize("kind", ["organization", "service", "document"])
def test_a_change_that_changes_nothing_is_refused(
    client: FlaskClient, world: World, session: Session, kind: str
) -> None:
    if kind == "organization":
        target, data = world.bidb, {"name": "Bilgi İşlem Daire Başkanlığı"}
    elif kind == "service":
        target = make_service(session, "Arşiv Araştırması", world.bidb)
        data = {"name": "Arşiv Araştırması"}
    else:
        target = make_document(session, "Göç Kimlik Belgesi", issuer=world.goc)
        data = {"name": "Göç Kimlik Belgesi"}
    session.commit()
    same = submit(
        client, world, "goc_coordinator", entity=kind, action="update", target=target, data=data
    )
    assert same.status_code == 422, same.json
    assert (
        same.json["errors"] == {"data": ["same as the live record"]}
        or "data" in same.json["errors"]
    )
    assert "Değişiklik yok" in same.json["detail"]
    listed = client.get("/api/v1/change-requests", headers=world.auth("reviewer")).json
    assert listed == []


def test_moving_a_unit_under_its_own_parent_changes_nothing(
    client: FlaskClient, world: World
) -> None:
    same = submit(
        client,
        world,
        "goc_coordinator",
        entity="organization",
        action="move",
        target=world.bidb,
        data={"parent": world.yhgm},
        effective_from=LATER,  # a future day: compared with the unit's latest version
    )
    assert same.status_code == 422 and "Değişiklik yok" in same.json["detail"], same.json
