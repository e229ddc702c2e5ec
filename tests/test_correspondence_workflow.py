"""Signatories, distribution lists and service-standard contacts through the approval workflow."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.workflow_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def submit(client: FlaskClient, world: World, who: str, **body: Any) -> Any:
    return client.post("/api/v1/change-requests", json=body, headers=world.auth(who))


def approve(client: FlaskClient, world: World, request_id: int) -> Any:
    return client.post(
        f"/api/v1/change-requests/{request_id}/approve", headers=world.auth("reviewer")
    )


def applied(client: FlaskClient, world: World, who: str, **body: Any) -> str:
    response = submit(client, world, who, **body)
    assert response.status_code == 201, response.json
    decision = approve(client, world, response.json["id"])
    assert decision.status_code == 200 and decision.json["status"] == "approved", decision.json
    return str(decision.json["result"]["id"])


def last_change(client: FlaskClient, entity: str) -> dict[str, Any]:
    changes = [c for c in client.get("/api/v1/changes").json["changes"] if c["entity"] == entity]
    return changes[-1]


def test_signatory_lifecycle_and_scope(client: FlaskClient, world: World) -> None:
    data = {
        "organization": world.goc,
        "name": "Ayşe",
        "surname": "Yılmaz",
        "title": "Genel Müdür",
        "delegation": "Başkan a.",
        "rank": 2,
    }
    outsider = submit(
        client, world, "sgk_coordinator", entity="signatory", action="create", data=data
    )
    assert outsider.status_code == 403
    signatory = applied(
        client, world, "goc_coordinator", entity="signatory", action="create", data=data
    )
    change = last_change(client, "signatory")
    assert change["id"] == signatory and change["action"] == "create"
    assert change["data"]["surname"] == "Yılmaz" and change["data"]["delegation"] == "Başkan a."

    applied(
        client,
        world,
        "goc_coordinator",
        entity="signatory",
        action="update",
        target=signatory,
        data={"title": "Başkan Yardımcısı"},
    )
    assert last_change(client, "signatory")["data"]["title"] == "Başkan Yardımcısı"
    no_reason = submit(
        client, world, "goc_coordinator", entity="signatory", action="close", target=signatory
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    applied(
        client,
        world,
        "goc_coordinator",
        entity="signatory",
        action="close",
        target=signatory,
        reason="Görevden ayrıldı",
    )
    closed = last_change(client, "signatory")
    assert closed["action"] == "close" and closed["data"]["status"] == "closed"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "Ali", "title": "Müdür"}, "data.surname"),
        ({"name": "Ali", "surname": "Kaya", "title": "Müdür", "rank": 0}, "data.rank"),
        ({"name": "Ali", "surname": "Kaya", "title": "Müdür", "extra": 1}, "data.extra"),
    ],
)
def test_bad_signatory_data_names_the_field(
    client: FlaskClient, world: World, data: dict[str, Any], field: str
) -> None:
    response = submit(
        client,
        world,
        "goc_coordinator",
        entity="signatory",
        action="create",
        data={"organization": world.goc, **data},
    )
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_distribution_list_normalizes_kinds_and_refuses_unknown_recipients(
    client: FlaskClient, world: World
) -> None:
    data = {
        "name": "Göç Birimleri",
        "owner": world.goc,
        "recipients": [
            {"detsis_no": world.yhgm, "kind": "geregi"},
            {"detsis_no": world.sgk, "kind": "BLG"},
        ],
    }
    list_id = applied(
        client, world, "goc_coordinator", entity="distribution_list", action="create", data=data
    )
    recipients = last_change(client, "distribution_list")["data"]["recipients"]
    assert recipients == [
        {"detsis_no": world.yhgm, "kind": "gereği"},
        {"detsis_no": world.sgk, "kind": "bilgi"},
    ]
    unknown = {**data, "recipients": [{"detsis_no": "99999999", "kind": "bilgi"}]}
    refused = submit(
        client, world, "goc_coordinator", entity="distribution_list", action="create", data=unknown
    )
    assert refused.status_code == 422 and "data.recipients.0.detsis_no" in refused.json["errors"]
    twice = {**data, "recipients": [{"detsis_no": world.sgk}, {"detsis_no": world.sgk}]}
    assert (
        submit(
            client,
            world,
            "goc_coordinator",
            entity="distribution_list",
            action="create",
            data=twice,
        ).status_code
        == 422
    )
    bad_kind = {**data, "recipients": [{"detsis_no": world.sgk, "kind": "arşiv"}]}
    assert (
        submit(
            client,
            world,
            "goc_coordinator",
            entity="distribution_list",
            action="create",
            data=bad_kind,
        ).status_code
        == 422
    )
    foreign = submit(
        client,
        world,
        "sgk_coordinator",
        entity="distribution_list",
        action="update",
        target=list_id,
        data={"name": "Başka"},
    )
    assert foreign.status_code == 403


def test_service_standard_contacts_one_per_unit_with_optimistic_locking(
    client: FlaskClient, world: World
) -> None:
    person = {
        "name": "Mehmet Demir",
        "title": "Daire Başkanı",
        "phone": "0312 422 07 00",
        "email": "bidb@goc.gov.tr",
    }
    data = {
        "organization": world.bidb,
        "first_contact": person,
        "second_contact": {**person, "name": "Zeynep Ak", "title": "Genel Müdür"},
    }
    number = applied(
        client, world, "goc_coordinator", entity="service_standard", action="create", data=data
    )
    assert number == world.bidb
    second = submit(
        client, world, "goc_coordinator", entity="service_standard", action="create", data=data
    )
    assert second.status_code == 422 and "data.organization" in second.json["errors"]

    stale = submit(
        client,
        world,
        "goc_coordinator",
        entity="service_standard",
        action="update",
        target=number,
        data={"first_contact": {**person, "phone": "0312 000 00 00"}},
    ).json
    applied(
        client,
        world,
        "goc_coordinator",
        entity="service_standard",
        action="update",
        target=number,
        data={"second_contact": {**person, "name": "Kemal Er"}},
    )
    conflict = approve(client, world, stale["id"])
    assert conflict.status_code == 409 and conflict.json["current_version"] == 2
    bad_email = {**data, "organization": world.yhgm, "first_contact": {**person, "email": "yok"}}
    refused = submit(
        client, world, "goc_coordinator", entity="service_standard", action="create", data=bad_email
    )
    assert refused.status_code == 422 and "data.first_contact" in refused.json["errors"]
