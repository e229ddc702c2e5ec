"""Managers of units (IYEM) through the workflow: posts with dates, no overlaps, no national ids,
read as of a date, with their history, in the feed and in the institution's scope."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reference_world import applied, feed, submit
from tests.workflow_world import World, build_world

NATIONAL_ID = "10000000146"  # a valid check-digit test number


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def person_key(client: FlaskClient, world: World, person_id: str = NATIONAL_ID) -> str:
    response = client.post(
        "/api/v1/person-keys", json={"person_id": person_id}, headers=world.auth("goc_coordinator")
    )
    assert response.status_code == 200, response.json
    return str(response.json["person_key"])


def post(client: FlaskClient, world: World, who: str = "goc_coordinator", **data: Any) -> str:
    return applied(client, world, who, entity="manager_post", action="create", data=data)


def test_posts_dated_read_as_of_a_date_and_in_the_feed(client: FlaskClient, world: World) -> None:
    key = person_key(client, world)
    assert len(key) == 64 and NATIONAL_ID not in key
    first = post(
        client,
        world,
        organization=world.yhgm,
        person_key=key,
        name="Ayşe Yılmaz",
        title="Genel Müdür",
        appointment="asaleten",
        legal_basis="CBK 4, md. 5",
        since="2021-03-01",
        until="2023-12-31",
    )
    second = post(
        client,
        world,
        organization=world.yhgm,
        person_key=person_key(client, world, f"{world.goc}/A-17"),
        name="Mehmet Kaya",
        title="Genel Müdür V.",
        appointment="Vekaleten",
        since="2024-01-01",
    )
    on_2022 = client.get(
        f"/api/v1/organizations/{world.yhgm}/managers", query_string={"at": "2022-06-01"}
    ).json
    assert [(m["name"], m["appointment"]) for m in on_2022["managers"]] == [
        ("Ayşe Yılmaz", "asaleten")
    ]
    assert on_2022["managers"][0]["person"] == key[:12]
    assert set(on_2022["managers"][0]) >= {"since", "until", "legal_basis", "title"}
    assert not {"birth_date", "age", "person_id"} & set(on_2022["managers"][0])
    now = client.get(f"/api/v1/organizations/{world.yhgm}/managers").json["managers"]
    assert [m["id"] for m in now] == [second]

    applied(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="update",
        target=second,
        data={"appointment": "asaleten", "title": "Genel Müdür"},
        effective_from="2030-01-01",
    )
    assert (
        client.get(f"/api/v1/organizations/{world.yhgm}/managers").json["managers"][0][
            "appointment"
        ]
        == "vekaleten"
    )
    later = client.get(
        f"/api/v1/organizations/{world.yhgm}/managers", query_string={"at": "2030-02-01"}
    ).json["managers"]
    assert (later[0]["appointment"], later[0]["title"]) == ("asaleten", "Genel Müdür")
    history = client.get(f"/api/v1/organizations/{world.yhgm}/managers/history").json
    assert [m["id"] for m in history["managers"]] == [first, second]
    changes = client.get(
        f"/api/v1/manager-posts/{second}/history", headers=world.auth("goc_coordinator")
    ).json["changes"]
    assert [c["action"] for c in changes] == ["create", "update"]
    assert changes[1]["changes"]["appointment"] == ["vekaleten", "asaleten"]
    entries = feed(client, "manager_post")
    assert [(e["id"], e["action"]) for e in entries] == [
        (first, "create"),
        (second, "create"),
        (second, "update"),
    ]
    stored = str(entries)
    assert NATIONAL_ID not in stored and "A-17" not in stored

    applied(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="close",
        target=first,
        reason="Yanlış kayıt",
    )
    assert (
        client.get(
            f"/api/v1/organizations/{world.yhgm}/managers", query_string={"at": "2022-06-01"}
        ).json["managers"]
        == []
    )


def test_overlapping_posts_are_refused(client: FlaskClient, world: World) -> None:
    key = person_key(client, world)
    base = {
        "organization": world.yhgm,
        "person_key": key,
        "name": "Ayşe Yılmaz",
        "title": "Genel Müdür",
        "appointment": "asaleten",
    }
    post(client, world, **base, since="2021-03-01", until="2023-12-31")
    overlap = submit(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="create",
        data={**base, "since": "2023-06-01"},
    )
    assert overlap.status_code == 409 and "data.since" in overlap.json["errors"]
    backwards = submit(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="create",
        data={**base, "since": "2025-06-01", "until": "2025-01-01"},
    )
    assert backwards.status_code == 422 and "data.until" in backwards.json["errors"]
    other_unit = submit(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="create",
        data={**base, "organization": world.bidb, "since": "2023-06-01"},
    )
    assert other_unit.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"person_key": "not-a-key"}, "data.person_key"),
        ({"appointment": "kalıcı"}, "data.appointment"),
        ({"since": "01.03.2021"}, "data.since"),
        ({"birth_date": "1970-01-01"}, "data.birth_date"),
        ({"organization": "99999999"}, "data.organization"),
    ],
)
def test_bad_posts_name_the_field(
    client: FlaskClient, world: World, change: dict[str, Any], field: str
) -> None:
    data = {
        "organization": world.yhgm,
        "person_key": "a" * 64,
        "name": "Ali Kaya",
        "title": "Daire Başkanı",
        "appointment": "asaleten",
        "since": "2024-01-01",
        **change,
    }
    response = submit(
        client, world, "goc_coordinator", entity="manager_post", action="create", data=data
    )
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_scope_closed_units_and_person_keys(client: FlaskClient, world: World) -> None:
    data = {
        "organization": world.yhgm,
        "person_key": "b" * 64,
        "name": "Ali Kaya",
        "title": "Genel Müdür",
        "appointment": "asaleten",
        "since": "2024-01-01",
    }
    outsider = submit(
        client, world, "sgk_coordinator", entity="manager_post", action="create", data=data
    )
    assert outsider.status_code == 403
    applied(
        client,
        world,
        "reviewer",
        entity="organization",
        action="close",
        target=world.bidb,
        reason="Kapatıldı",
    )
    closed = submit(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="create",
        data={**data, "organization": world.bidb},
    )
    assert closed.status_code == 422 and closed.json["errors"] == {
        "data.organization": ["closed unit"]
    }
    bad_id = client.post(
        "/api/v1/person-keys",
        json={"person_id": "10000000147"},
        headers=world.auth("goc_coordinator"),
    )
    assert bad_id.status_code == 422 and "person_id" in bad_id.json["errors"]
    anonymous = client.post("/api/v1/person-keys", json={"person_id": NATIONAL_ID})
    assert anonymous.status_code == 401
    approver = client.post(
        "/api/v1/person-keys", json={"person_id": NATIONAL_ID}, headers=world.auth("admin")
    )
    assert approver.status_code == 403
