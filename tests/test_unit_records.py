"""A unit's other identifiers, budget type, officers' contacts, place and e-correspondence
details: dated records through the workflow, read as of a date, looked up backwards."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.reference import places
from tests.factories import make_certificate
from tests.reference_world import applied, feed, submit
from tests.workflow_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def test_identifiers_lifecycle_and_reverse_lookup(client: FlaskClient, world: World) -> None:
    data = {
        "organization": world.goc,
        "uets": "26089-17374-11447",
        "kutuk_no": "38.04.01",
        "tax_no": "4350598874",
    }
    outsider = submit(
        client, world, "sgk_coordinator", entity="unit_identifiers", action="create", data=data
    )
    assert outsider.status_code == 403
    assert (
        applied(
            client, world, "goc_coordinator", entity="unit_identifiers", action="create", data=data
        )
        == world.goc
    )
    current = client.get(f"/api/v1/organizations/{world.goc}/identifiers").json
    assert (current["uets"], current["kutuk_no"], current["tax_no"]) == (
        "26089-17374-11447",
        "38.04.01",
        "4350598874",
    )
    found = client.get("/api/v1/identifiers", query_string={"kutuk_no": "38.04.01"}).json
    assert [f["detsis_no"] for f in found] == [world.goc]
    listed = client.get("/api/v1/organizations", query_string={"kutuk_no": "38.04.01"}).json
    assert [u["detsis_no"] for u in listed] == [world.goc]
    applied(
        client,
        world,
        "goc_coordinator",
        entity="unit_identifiers",
        action="update",
        target=world.goc,
        data={"kutuk_no": "38.04.02"},
        effective_from="2030-01-01",
    )
    assert (
        client.get(f"/api/v1/organizations/{world.goc}/identifiers").json["kutuk_no"] == "38.04.01"
    )
    assert (
        client.get(
            f"/api/v1/organizations/{world.goc}/identifiers", query_string={"at": "2030-01-01"}
        ).json["kutuk_no"]
        == "38.04.02"
    )
    taken = submit(
        client,
        world,
        "sgk_coordinator",
        entity="unit_identifiers",
        action="create",
        data={"organization": world.sgk, "uets": "26089-17374-11447"},
    )
    assert taken.status_code == 409 and "data.uets" in taken.json["errors"]
    malformed = submit(
        client,
        world,
        "sgk_coordinator",
        entity="unit_identifiers",
        action="create",
        data={"organization": world.sgk, "tax_no": "12345"},
    )
    assert malformed.status_code == 422 and "data.tax_no" in malformed.json["errors"]
    history = client.get(f"/api/v1/organizations/{world.goc}/identifiers/history").json
    assert [c["action"] for c in history["changes"]] == ["create", "update"]
    assert [e["action"] for e in feed(client, "unit_identifiers")] == ["create", "update"]
    none = client.get(f"/api/v1/organizations/{world.sgk}/identifiers")
    assert none.status_code == 404
    bad_lookup = client.get("/api/v1/identifiers", query_string={"kutuk_no": "1", "uets": "2"})
    assert bad_lookup.status_code == 422


def test_budget_type_is_an_institutions(client: FlaskClient, world: World) -> None:
    inside = submit(
        client,
        world,
        "goc_coordinator",
        entity="budget_profile",
        action="create",
        data={"organization": world.yhgm, "budget_type": "special_budget", "legal_entity": False},
    )
    assert inside.status_code == 422 and inside.json["errors"] == {
        "data.organization": ["not an institution"]
    }
    applied(
        client,
        world,
        "goc_coordinator",
        entity="budget_profile",
        action="create",
        data={"organization": world.goc, "budget_type": "special_budget", "legal_entity": True},
    )
    applied(
        client,
        world,
        "sgk_coordinator",
        entity="budget_profile",
        action="create",
        data={"organization": world.sgk, "budget_type": "social_security", "legal_entity": True},
    )
    goc = client.get(f"/api/v1/organizations/{world.goc}/budget-type").json
    assert goc["budget_type_name"] == "Özel Bütçeli İdare" and goc["legal_entity"] is True
    listed = client.get("/api/v1/budget-types").json
    assert {b["detsis_no"]: b["budget_type"] for b in listed} == {
        world.goc: "special_budget",
        world.sgk: "social_security",
    }
    wrong = submit(
        client,
        world,
        "goc_coordinator",
        entity="budget_profile",
        action="update",
        target=world.goc,
        data={"budget_type": "charity"},
    )
    assert wrong.status_code == 422 and "data.budget_type" in wrong.json["errors"]
    applied(
        client,
        world,
        "goc_coordinator",
        entity="budget_profile",
        action="close",
        target=world.goc,
        reason="Tüzel kişiliği kaldırıldı",
    )
    assert [b["detsis_no"] for b in client.get("/api/v1/budget-types").json] == [world.sgk]


def test_officers_read_accounts_with_their_work_contact(client: FlaskClient, world: World) -> None:
    coordinator = world.user_ids["goc_coordinator"]
    before = client.get(f"/api/v1/organizations/{world.goc}/officers").json["officers"]
    assert {(o["name"], o["role"]) for o in before} == {
        ("goc_coordinator", "coordinator"),
        ("goc_approver", "institution_approver"),
    }
    assert all(o["phone"] is None for o in before)
    applied(
        client,
        world,
        "goc_coordinator",
        entity="officer_contact",
        action="create",
        data={
            "account": coordinator,
            "title": "Şube Müdürü",
            "phone": "0312 422 00 00",
            "email": "detsis@goc.gov.tr",
        },
    )
    after = {
        o["account"]: o
        for o in client.get(f"/api/v1/organizations/{world.goc}/officers").json["officers"]
    }
    assert (after[coordinator]["title"], after[coordinator]["email"]) == (
        "Şube Müdürü",
        "detsis@goc.gov.tr",
    )
    outsider = submit(
        client,
        world,
        "sgk_coordinator",
        entity="officer_contact",
        action="update",
        target=str(coordinator),
        data={"title": "Başka"},
    )
    assert outsider.status_code == 403
    reviewer = submit(
        client,
        world,
        "goc_coordinator",
        entity="officer_contact",
        action="create",
        data={"account": world.user_ids["reviewer"], "title": "İnceleme"},
    )
    assert reviewer.status_code == 422 and "data.account" in reviewer.json["errors"]
    bad_mail = submit(
        client,
        world,
        "goc_coordinator",
        entity="officer_contact",
        action="update",
        target=str(coordinator),
        data={"email": "not-mail"},
    )
    assert bad_mail.status_code == 422 and "data.email" in bad_mail.json["errors"]


def test_a_units_place_is_never_empty(client: FlaskClient, world: World, session: Session) -> None:
    places.load_packaged(session, date(2020, 1, 1), Provenance(recorded_by="test"))
    session.commit()
    unknown = client.get(f"/api/v1/organizations/{world.goc}/place").json
    assert unknown == {"detsis_no": world.goc, "place_id": 0, "place": None}
    applied(
        client,
        world,
        "reviewer",
        entity="organization",
        action="update",
        target=world.bidb,
        data={"province": {"code": 6}, "district": "Çankaya", "level": "provincial"},
    )
    place = client.get(f"/api/v1/organizations/{world.bidb}/place").json
    assert place["place"]["name"] == "Çankaya" and place["place_id"] // 1000 == 6


def test_eyp_versions_certificates_and_distribution(client: FlaskClient, world: World) -> None:
    start = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    applied(
        client,
        world,
        "goc_coordinator",
        entity="eyp_version",
        action="create",
        data={"organization": world.goc, "package_version": "2.0"},
    )
    own = client.get(f"/api/v1/organizations/{world.goc}/eyp-version").json
    assert own["package_version"] == "2.0" and own["inherited_from"] is None
    below = client.get(f"/api/v1/organizations/{world.bidb}/eyp-version").json
    assert below["inherited_from"] == world.goc
    changed = client.get("/api/v1/ebys/eyp-versions", query_string={"since": start}).json
    assert [c["detsis_no"] for c in changed] == [world.goc]
    future = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    assert client.get("/api/v1/ebys/eyp-versions", query_string={"since": future}).json == []
    assert client.get("/api/v1/ebys/eyp-versions").status_code == 422

    applied(
        client,
        world,
        "reviewer",
        entity="organization",
        action="update",
        target=world.goc,
        data={"certificate": make_certificate("Göç")},
    )
    certs = client.get("/api/v1/ebys/certificates", query_string={"since": start}).json
    assert [(c["detsis_no"], c["active"]) for c in certs] == [(world.goc, True)]
    assert client.get("/api/v1/ebys/certificates", query_string={"since": future}).json == []
    owners = client.get(
        "/api/v1/ebys/certificate-owners", query_string={"organization": world.interior}
    ).json
    assert {o["detsis_no"]: o["certificate_owner"] for o in owners} == {
        world.interior: None,
        world.goc: world.goc,
        world.yhgm: world.goc,
        world.bidb: world.goc,
    }

    block = client.get(
        "/api/v1/ebys/distribution",
        query_string=[("to", world.sgk), ("to", world.yhgm), ("info", world.interior)],
    ).json
    assert block["addressee"] == ["DAĞITIM YERLERİNE"]
    assert block["block"][0] == "Dağıtım:" and block["block"][1] == "Gereği:"
    assert block["block"][2] == "Sosyal Güvenlik Kurumuna"
    assert block["block"][3].startswith("Göç İdaresi Başkanlığına")
    assert block["block"][4:] == ["Bilgi:", "İçişleri Bakanlığına"]
    single = client.get("/api/v1/ebys/distribution", query_string={"to": world.sgk}).json
    assert single["addressee"] == ["SOSYAL GÜVENLİK KURUMUNA"] and single["block"] == []
    twice = client.get(
        "/api/v1/ebys/distribution", query_string=[("to", world.sgk), ("info", world.sgk)]
    )
    assert twice.status_code == 422


def test_schema_xsd_and_xml_answers_in_openapi(client: FlaskClient, world: World) -> None:
    xsd = client.get("/api/v1/ebys/schema.xsd")
    assert xsd.status_code == 200 and xsd.mimetype == "application/xml"
    assert b"urn:kaysis:registry:v1" in xsd.data
    spec = client.get("/api/v1/openapi.json").json
    letterhead = spec["paths"]["/api/v1/ebys/letterhead/{detsis_no}"]["get"]
    assert "application/xml" in letterhead["responses"]["200"]["content"]
    plan = spec["paths"]["/api/v1/file-plan"]["get"]
    assert "application/xml" in plan["responses"]["200"]["content"]
