"""The Standard File Plan through the workflow: codes created, changed and closed as dated
versions, read as of a date, in the feed; institutions' own codes in their scope; a letter's
number checked against the plan of its day."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.reference_world import applied, feed, submit
from tests.workflow_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def code(client: FlaskClient, world: World, who: str = "reviewer", **data: Any) -> str:
    return applied(
        client, world, who, entity="file_plan_code", action="create", data=data, reason="SDP"
    )


def test_common_code_lifecycle_history_at_and_feed(client: FlaskClient, world: World) -> None:
    code(client, world, code="010", subject="Mevzuat İşleri")
    key = code(
        client,
        world,
        code="010.01",
        subject="Kanun Tasarıları",
        retention={"unit_years": 2, "archive_years": 5},
        disposition="A",
        note="Kurum görüşleri dahil",
    )
    assert key == "010.01"
    first = client.get("/api/v1/file-plan/010.01").json
    assert first["parts"] == ["010", "01"] and first["level"] == 2
    assert first["retention"] == {"unit_years": 2, "archive_years": 5}
    assert first["disposition"] == "archive" and first["disposition_code"] == "A"
    assert first["active"] is True and first["organization"] is None

    applied(
        client,
        world,
        "reviewer",
        entity="file_plan_code",
        action="update",
        target="010.01",
        data={"subject": "Kanun Teklifleri", "disposition": "AD"},
        effective_from="2030-01-01",
    )
    # Until the change takes effect the old subject answers; on its day the new one.
    assert client.get("/api/v1/file-plan/010.01").json["subject"] == "Kanun Tasarıları"
    later = client.get("/api/v1/file-plan/010.01", query_string={"at": "2030-01-01"}).json
    assert later["subject"] == "Kanun Teklifleri" and later["disposition_code"] == "AD"
    before = client.get("/api/v1/file-plan/010.01", query_string={"at": "2001-01-01"})
    assert before.status_code == 404

    history = client.get("/api/v1/file-plan/010.01/history", headers=world.auth("reviewer")).json
    assert [c["action"] for c in history["changes"]] == ["create", "update"]
    assert history["changes"][1]["changes"]["subject"] == ["Kanun Tasarıları", "Kanun Teklifleri"]
    assert history["changes"][1]["submitted_by"].startswith("reviewer")

    entries = feed(client, "file_plan_code")
    assert [(e["id"], e["action"]) for e in entries] == [
        ("010", "create"),
        ("010.01", "create"),
        ("010.01", "update"),
    ]
    assert entries[-1]["data"]["subject"] == "Kanun Teklifleri"


def test_closing_needs_a_reason_and_keeps_the_versions(client: FlaskClient, world: World) -> None:
    code(client, world, code="020", subject="Genel Yazışmalar")
    no_reason = submit(
        client, world, "reviewer", entity="file_plan_code", action="close", target="020"
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    applied(
        client,
        world,
        "reviewer",
        entity="file_plan_code",
        action="close",
        target="020",
        reason="Plandan çıkarıldı",
    )
    closed = client.get("/api/v1/file-plan/020").json
    assert closed["active"] is False
    listed = client.get("/api/v1/file-plan").json
    assert [c["code"] for c in listed] == []
    again = submit(
        client,
        world,
        "reviewer",
        entity="file_plan_code",
        action="update",
        target="020",
        data={"subject": "Yeni"},
    )
    assert again.status_code == 422 and again.json["errors"] == {"target": ["closed"]}


def test_institution_codes_are_in_its_coordinators_scope(client: FlaskClient, world: World) -> None:
    code(client, world, code="010", subject="Mevzuat İşleri")
    own = {"code": "600", "subject": "Göç Politikaları", "organization": world.goc}
    outsider = submit(
        client, world, "sgk_coordinator", entity="file_plan_code", action="create", data=own
    )
    assert outsider.status_code == 403
    repeated = submit(
        client,
        world,
        "goc_coordinator",
        entity="file_plan_code",
        action="create",
        data={"code": "010", "subject": "Tekrar", "organization": world.goc},
    )
    assert repeated.status_code == 422 and repeated.json["errors"] == {
        "data.code": ["a common code"]
    }
    national = submit(
        client,
        world,
        "goc_coordinator",
        entity="file_plan_code",
        action="create",
        data={"code": "030", "subject": "Ortak"},
    )
    assert national.status_code == 403  # common codes are the working group's
    key = code(client, world, "goc_coordinator", **own)
    assert key == f"{world.goc}:600"
    code(
        client,
        world,
        "goc_coordinator",
        code="600.01",
        subject="Düzensiz Göç",
        organization=world.goc,
    )
    plan = client.get("/api/v1/file-plan", query_string={"organization": world.goc}).json
    assert [(c["code"], c["organization"]) for c in plan] == [
        ("010", None),
        ("600", world.goc),
        ("600.01", world.goc),
    ]
    assert [c["code"] for c in client.get("/api/v1/file-plan").json] == ["010"]
    found = client.get(
        "/api/v1/file-plan", query_string={"organization": world.goc, "q": "duzensiz goc"}
    )
    assert [c["code"] for c in found.json] == ["600.01"]
    one = client.get("/api/v1/file-plan/600", query_string={"organization": world.goc}).json
    assert one["subject"] == "Göç Politikaları"
    assert client.get("/api/v1/file-plan/600").status_code == 404


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "10.1", "subject": "Kısa"}, "data.code"),
        ({"code": "010.1", "subject": "Kısa"}, "data.code"),
        ({"code": "010.01.01.01.01", "subject": "Derin"}, "data.code"),
        ({"code": "010.05", "subject": "Üst kodu yok"}, "data.code"),
        ({"code": "011", "subject": "Süre", "retention": {"unit_years": -1}}, "data.retention"),
        ({"code": "012", "subject": "Kod", "disposition": "X"}, "data.disposition"),
        ({"code": "600", "subject": "Birim", "organization": "99999999"}, "data.organization"),
    ],
)
def test_malformed_codes_are_refused_naming_the_field(
    client: FlaskClient, world: World, data: dict[str, Any], field: str
) -> None:
    response = submit(
        client, world, "reviewer", entity="file_plan_code", action="create", data=data
    )
    assert response.status_code == 422, response.json
    assert any(key.startswith(field) for key in response.json["errors"]), response.json
    assert " / " in response.json["detail"]


def test_a_unit_inside_an_institution_has_no_plan_of_its_own(
    client: FlaskClient, world: World
) -> None:
    response = submit(
        client,
        world,
        "goc_coordinator",
        entity="file_plan_code",
        action="create",
        data={"code": "600", "subject": "Birim kodu", "organization": world.yhgm},
    )
    assert response.status_code == 422
    assert response.json["errors"] == {"data.organization": ["not an institution"]}


def test_a_duplicate_code_is_a_conflict(client: FlaskClient, world: World) -> None:
    code(client, world, code="010", subject="Mevzuat İşleri")
    again = submit(
        client,
        world,
        "reviewer",
        entity="file_plan_code",
        action="create",
        data={"code": "010", "subject": "İkinci"},
    )
    assert again.status_code == 409


def test_record_number_check(client: FlaskClient, world: World) -> None:
    code(client, world, code="010", subject="Mevzuat İşleri")
    code(client, world, "goc_coordinator", code="600", subject="Göç", organization=world.goc)
    ok = client.get(
        "/api/v1/ebys/record-number", query_string={"value": f"E-{world.yhgm}-600-12"}
    ).json
    assert ok["valid"] is True and ok["code_subject"] == "Göç" and ok["sequence"] == 12
    common = client.get(
        "/api/v1/ebys/record-number", query_string={"value": f"E-{world.sgk}-010-1"}
    ).json
    assert common["valid"] is True
    other = client.get(
        "/api/v1/ebys/record-number", query_string={"value": f"E-{world.sgk}-600-1"}
    ).json
    assert other["valid"] is False and other["code_exists"] is False  # Göç's own code
    early = client.get(
        "/api/v1/ebys/record-number",
        query_string={"value": f"E-{world.goc}-010-1", "on": "2019-06-01"},
    ).json
    assert early["unit_exists"] is True and early["unit_open"] is False
    assert early["code_exists"] is False and len(early["problems"]) == 2
    unknown = client.get(
        "/api/v1/ebys/record-number", query_string={"value": "E-12345678-010-1"}
    ).json
    assert unknown["unit_exists"] is False and unknown["valid"] is False
    malformed = client.get("/api/v1/ebys/record-number", query_string={"value": "E-1234-010-1"})
    assert malformed.status_code == 422 and "value" in malformed.json["errors"]
