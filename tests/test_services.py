"""HEYS and DBYS over HTTP: services through two-step approval, free-text document names, the
queue of unmatched names, due dates and statistics."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.factories import make_act, make_document, make_service
from tests.workflow_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def two_step(
    client: FlaskClient, world: World, who: str, approver: str, body: dict[str, Any]
) -> Any:
    """Submit, approve in the institution, then by a reviewer; the final decision's answer."""
    submitted = client.post("/api/v1/change-requests", json=body, headers=world.auth(who))
    assert submitted.status_code == 201, submitted.json
    url = f"/api/v1/change-requests/{submitted.json['id']}/approve"
    first = client.post(url, headers=world.auth(approver))
    assert first.status_code == 200 and first.json["status"] == "institution_approved", first.json
    return client.post(url, headers=world.auth("reviewer"))


def service_request(world: World, **data: Any) -> dict[str, Any]:
    return {
        "entity": "service",
        "action": "create",
        "reason": "Hizmet envanteri",
        "data": {
            "name": "Kısa Dönem İkamet İzni Başvurusu",
            "organization": world.bidb,
            "channels": ["in_person", "e_devlet"],
            **data,
        },
    }


def test_a_service_keeps_its_norm_fee_and_per_channel_documents(
    client: FlaskClient, session: Session, world: World
) -> None:
    law = make_act(session, "Yabancılar ve Uluslararası Koruma Kanunu", type=1, number="6458")
    petition = make_document(session, "Dilekçe")
    passport = make_document(session, "Pasaport")
    session.commit()
    body = service_request(
        world,
        legal_basis=[law],
        required_documents=[passport, petition],
        document_channels=[{"document": petition, "channels": ["in_person"]}],
        max_duration="90 gün",
        norm_duration="30 GUN",
        fee={"amount": "675.5", "note": "Kart bedeli"},
    )
    final = two_step(client, world, "goc_coordinator", "goc_approver", body)
    assert final.status_code == 200 and final.json["status"] == "approved", final.json
    service = client.get(f"/api/v1/services/{final.json['result']['id']}").json
    assert service["norm_duration"] == {"value": 30, "unit": "day", "text": "30 gün"}
    assert service["fee"] == {"amount": "675.50", "note": "Kart bedeli"}
    assert service["required_documents"] == [passport, petition]
    assert service["document_channels"] == [{"document": petition, "channels": ["in_person"]}]

    # A new document list keeps the restriction on the petition it still asks for.
    update = {
        "entity": "service",
        "action": "update",
        "target": service["code"],
        "data": {"required_documents": [petition]},
    }
    assert two_step(client, world, "goc_coordinator", "goc_approver", update).status_code == 200
    again = client.get(f"/api/v1/services/{service['code']}").json
    assert again["document_channels"] == [{"document": petition, "channels": ["in_person"]}]
    assert again["version"] == 2


@pytest.mark.parametrize(
    ("data", "field", "words"),
    [
        ({"max_duration": "30 gün", "norm_duration": "2 ay"}, "data.norm_duration", "normu"),
        ({"max_duration": "yakında"}, "data.max_duration", "anlaşılamadı"),
        ({"fee": {"amount": "-1"}}, "data.fee", None),
        (
            {"document_channels": [{"document": "BLG-000001", "channels": ["kep"]}]},
            "data.document_channels",
            "kanal",
        ),
        ({"required_documents": ["BLG-999999"]}, "data.required_documents", "BLG-999999"),
        ({"required_documents": ["Pasaport", "PASAPORT"]}, "data.required_documents", None),
    ],
)
def test_bad_service_data_is_refused_on_submit_and_nothing_is_written(
    client: FlaskClient,
    session: Session,
    world: World,
    data: dict[str, Any],
    field: str,
    words: str | None,
) -> None:
    make_document(session, "Pasaport")
    session.commit()
    before = client.get("/api/v1/change-requests", headers=world.auth("goc_coordinator")).json
    refused = client.post(
        "/api/v1/change-requests",
        json=service_request(world, **data),
        headers=world.auth("goc_coordinator"),
    )
    assert refused.status_code == 422, refused.json
    assert refused.mimetype == "application/problem+json"
    assert field in refused.json["errors"], refused.json
    if words:
        assert words in refused.json["detail"] + str(refused.json["errors"])
    after = client.get("/api/v1/change-requests", headers=world.auth("goc_coordinator")).json
    assert after == before


def test_free_text_names_resolve_or_wait_for_a_reviewer(
    client: FlaskClient, session: Session, world: World
) -> None:
    identity = make_document(
        session,
        "Kimlik Kartı",
        aliases=["Nüfus cüzdanı", "T.C. kimlik kartı"],
        issuer=world.interior,
    )
    photo = make_document(session, "Biyometrik Fotoğraf", aliases=["Vesikalık fotoğraf"])
    session.commit()
    body = service_request(
        world,
        required_documents=["nufus cuzdani fotokopisi", "2 adet vesikalik fotograf", "Uçuş bileti"],
    )
    final = two_step(client, world, "goc_coordinator", "goc_approver", body)
    code = final.json["result"]["id"]
    service = client.get(f"/api/v1/services/{code}").json
    assert service["required_documents"] == [identity, photo]

    queue = client.get("/api/v1/documents/unmatched?status=open", headers=world.auth("reviewer"))
    assert [(i["name"], i["service"], i["role"]) for i in queue.json] == [
        ("Uçuş bileti", code, "required")
    ]
    item = queue.json[0]["id"]
    url = f"/api/v1/documents/unmatched/{item}/resolve"
    decision = {"new_document": {"name": "Uçak Bileti", "aliases": ["Uçuş kartı"]}}
    assert client.post(url, json=decision, headers=world.auth("sgk_coordinator")).status_code == 403
    assert client.post(url, json={}, headers=world.auth("reviewer")).status_code == 422
    proposed = client.post(url, json=decision, headers=world.auth("reviewer"))  # four eyes:
    assert proposed.status_code == 202 and proposed.json["status"] == "submitted", proposed.json
    approve = f"/api/v1/change-requests/{proposed.json['id']}/approve"
    assert client.post(approve, headers=world.auth("reviewer2")).status_code == 200
    queue = client.get("/api/v1/documents/unmatched", headers=world.auth("reviewer")).json
    assert queue[0]["status"] == "resolved"
    ticket = queue[0]["document"]
    document = client.get(f"/api/v1/documents/{ticket}").json
    assert document["name"] == "Uçak Bileti"
    assert set(document["aliases"]) >= {"Uçuş kartı", "Uçuş bileti"}
    service = client.get(f"/api/v1/services/{code}").json
    assert service["required_documents"] == [identity, photo, ticket]
    assert client.post(url, json=decision, headers=world.auth("reviewer")).status_code == 409
    # The new alias is matched at once, on the next request.
    matches = client.get("/api/v1/documents/resolve?name=ucus bileti").json["matches"]
    assert matches[0]["code"] == ticket and matches[0]["accepted"]


def test_a_queued_name_can_become_an_alias_of_an_existing_document(
    client: FlaskClient, session: Session, world: World
) -> None:
    permit = make_document(session, "İkamet İzni Belgesi")
    session.commit()
    final = two_step(
        client,
        world,
        "goc_coordinator",
        "goc_approver",
        service_request(world, issued_documents=["oturum karti"]),
    )
    code = final.json["result"]["id"]
    item = client.get("/api/v1/documents/unmatched", headers=world.auth("reviewer")).json[0]
    assert item["role"] == "issued"
    answer = client.post(
        f"/api/v1/documents/unmatched/{item['id']}/resolve",
        json={"document": permit},
        headers=world.auth("reviewer"),
    )
    assert answer.status_code == 202, answer.json  # a change request; another reviewer approves
    approve = f"/api/v1/change-requests/{answer.json['id']}/approve"
    assert client.post(approve, headers=world.auth("reviewer2")).status_code == 200
    assert client.get(f"/api/v1/services/{code}").json["issued_documents"] == [permit]
    assert "oturum karti" in client.get(f"/api/v1/documents/{permit}").json["aliases"]
    history = client.get(f"/api/v1/services/{code}/history").json
    assert [c["action"] for c in history["changes"]] == ["create", "update"]


def test_due_date_follows_the_holiday_calendar(
    client: FlaskClient, session: Session, world: World
) -> None:
    code = make_service(
        session, "Vatansız Kişi Kimlik Belgesi", world.bidb, max_duration="6 iş günü"
    )
    session.commit()
    answer = client.get(f"/api/v1/services/{code}/due-date?from=2026-05-22").json
    assert answer["due"] == "2026-06-04"  # across Kurban Bayramı (27–30 May 2026)
    assert {h["name"] for h in answer["holidays"]} == {"Kurban Bayramı"}
    assert answer["norm_due"] is None
    refused = client.get(f"/api/v1/services/{code}/due-date?from=22.05.2026")
    assert refused.status_code == 422 and "from" in refused.json["errors"]
    assert client.get("/api/v1/services/NOPE-001/due-date").status_code == 404


def test_statistics_count_per_institution_and_rank_by_volume_and_duration(
    client: FlaskClient, session: Session, world: World
) -> None:
    make_service(session, "Hızlı", world.bidb, max_duration="1 saat", annual_volume=900)
    make_service(
        session, "Yavaş", world.bidb, max_duration="3 ay", annual_volume=10, kind="support"
    )
    make_service(session, "Orta", world.sgk, max_duration="10 iş günü", annual_volume=5000)
    make_service(session, "Süresiz", world.sgk)
    session.commit()
    stats = client.get("/api/v1/services/stats").json
    assert stats["total"] == 4 and stats["by_kind"] == {"core": 3, "support": 1}
    assert stats["annual_volume"] == 5910
    counts = {e["institution"]: (e["core"], e["support"]) for e in stats["by_institution"]}
    assert counts == {world.goc: (1, 1), world.sgk: (2, 0)}
    assert [s["name"] for s in stats["most_used"]] == ["Orta", "Hızlı", "Yavaş"]
    assert [s["name"] for s in stats["slowest"]] == ["Yavaş", "Orta", "Hızlı"]
    assert stats["without_max_duration"] == 1


PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def sample_request(code: str, content: bytes, **sample: Any) -> dict[str, Any]:
    return {
        "entity": "document",
        "action": "update",
        "target": code,
        "data": {
            "sample": {
                "filename": "ikamet-izni-örnek.pdf",
                "content_type": "application/pdf",
                "content": base64.b64encode(content).decode(),
                **sample,
            }
        },
    }


def test_a_document_sample_is_checked_stored_and_served_with_its_type(
    client: FlaskClient, session: Session, world: World
) -> None:
    permit = make_document(session, "İkamet İzni Belgesi", issuer=world.goc)
    session.commit()
    submitted = client.post(
        "/api/v1/change-requests",
        json=sample_request(permit, PDF),
        headers=world.auth("goc_coordinator"),
    )
    assert submitted.status_code == 201, submitted.json
    approved = client.post(
        f"/api/v1/change-requests/{submitted.json['id']}/approve", headers=world.auth("reviewer")
    )
    assert approved.status_code == 200, approved.json
    document = client.get(f"/api/v1/documents/{permit}").json
    assert document["sample"]["size"] == len(PDF)
    assert document["sample"]["content_type"] == "application/pdf"
    served = client.get(f"/api/v1/documents/{permit}/sample")
    assert served.status_code == 200 and served.data == PDF
    assert served.mimetype == "application/pdf"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in served.headers["Content-Security-Policy"]
    assert "filename*=UTF-8''ikamet-izni-%C3%B6rnek.pdf" in served.headers["Content-Disposition"]
    again = client.get(
        f"/api/v1/documents/{permit}/sample", headers={"If-None-Match": served.headers["ETag"]}
    )
    assert again.status_code == 304


@pytest.mark.parametrize(
    ("content", "sample", "field"),
    [
        (b"<html><script>alert(1)</script></html>", {}, "content"),  # not a PDF
        (PDF, {"content_type": "image/png"}, "content"),
        (b"%PDF-" + b"0" * (1024 * 1024), {}, "content"),  # over 1 MB
        (PDF, {"filename": "../../etc/passwd"}, "filename"),
        (PDF, {"content_type": "text/html"}, "content_type"),
    ],
)
def test_a_bad_sample_is_refused_with_the_field(
    client: FlaskClient,
    session: Session,
    world: World,
    content: bytes,
    sample: dict[str, Any],
    field: str,
) -> None:
    permit = make_document(session, "İkamet İzni Belgesi", issuer=world.goc)
    session.commit()
    refused = client.post(
        "/api/v1/change-requests",
        json=sample_request(permit, content, **sample),
        headers=world.auth("goc_coordinator"),
    )
    assert refused.status_code == 422, refused.json
    assert "data.sample" in refused.json["errors"], refused.json
    assert field in str(refused.json["errors"]["data.sample"])
    assert client.get(f"/api/v1/documents/{permit}/sample").status_code == 404


def test_services_of_a_unit_include_those_of_the_units_under_it(
    client: FlaskClient, session: Session, world: World
) -> None:
    """The subtree filter is one recursive query (any size), not a list of ids."""
    deep = make_service(session, "Yabancı Kimlik Numarası Tahsisi", world.bidb)
    top = make_service(session, "Göç İstatistikleri Talebi", world.goc)
    elsewhere = make_service(session, "İşveren Tescili", world.sgk)
    session.commit()

    def codes(unit: str) -> set[str]:
        answer = client.get(f"/api/v1/services?organization={unit}&page_size=100")
        assert answer.status_code == 200, answer.json
        return {service["code"] for service in answer.json}

    assert codes(world.goc) == {deep, top}
    assert codes(world.yhgm) == {deep}
    assert codes(world.interior) == {deep, top}  # the ministry: its related institution too
    assert codes(world.sgk) == {elsewhere}
