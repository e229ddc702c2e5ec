"""Identity of names and units: names compare the way people read them, and one parent never
has two open units of one name (nor one unit two active services, nor two documents one name).

Over HTTP, on SQLite and PostgreSQL, with requests approved by a second account.
"""

from __future__ import annotations

import unicodedata
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.kernel import text
from tests.factories import make_document, make_service, make_unit
from tests.workflow_world import World, build_world

EXISTING = "Göç Politikaları Daire Başkanlığı"


@pytest.fixture
def world(session: Session) -> World:
    built = build_world(session)
    make_unit(session, EXISTING, parent=built.yhgm)
    session.commit()
    return built


def submit(
    client: FlaskClient, world: World, body: dict[str, Any], who: str = "goc_coordinator"
) -> Any:
    return client.post("/api/v1/change-requests", json=body, headers=world.auth(who))


def approve(client: FlaskClient, world: World, request_id: int, who: str = "reviewer") -> Any:
    return client.post(f"/api/v1/change-requests/{request_id}/approve", headers=world.auth(who))


def create_body(parent: str, name: str, **data: Any) -> dict[str, Any]:
    return {
        "entity": "organization",
        "action": "create",
        "reason": "Yeni birim",
        "data": {"name": name, "parent": parent, "level": "central", **data},
    }


def test_text_rules() -> None:
    decomposed = unicodedata.normalize("NFD", "Göç")
    assert decomposed != "Göç" and text.clean(decomposed) == "Göç"
    assert text.name_key("  GÖÇ   İdaresi ") == text.name_key("göç idaresi")
    with pytest.raises(text.TextProblem):
        text.clean("Gö\u200bç")
    with pytest.raises(text.TextProblem):
        text.clean("G\u04e7ç")  # Cyrillic ӧ among Latin letters
    assert text.clean("satır\nsatır\tsekme", multiline=True) == "satır\nsatır\tsekme"
    with pytest.raises(text.TextProblem):
        text.clean("satır\nsatır")  # a line break inside a single-line field


@pytest.mark.parametrize(
    "variant",
    [
        unicodedata.normalize("NFD", EXISTING),  # decomposed ö, ç
        "GÖÇ POLİTİKALARI DAİRE BAŞKANLIĞI",  # Turkish capitals: the same name
        "  " + EXISTING.replace(" ", "   ") + " ",  # whitespace
    ],
    ids=["decomposed", "upper", "spaces"],
)
def test_the_same_name_under_one_parent_is_refused(
    client: FlaskClient, world: World, variant: str
) -> None:
    response = submit(client, world, create_body(world.yhgm, variant))
    assert response.status_code == 409, response.json
    assert response.json["existing"]["name"] == EXISTING
    assert len(response.json["existing"]["detsis_no"]) == 8
    assert "data.name" in response.json["errors"]


@pytest.mark.parametrize(
    "variant",
    [
        EXISTING.replace("Göç", "Gö\u200bç"),  # zero-width space
        EXISTING.replace("Göç", "G\u04e7ç"),  # Cyrillic ӧ
        EXISTING.replace("Politikaları", "Pоlitikaları"),  # Cyrillic о
        EXISTING.replace("Daire", "\u202eDaire"),  # right-to-left override
        EXISTING.replace(" ", "\u00ad", 1),  # soft hyphen
    ],
    ids=["zero-width", "cyrillic-o-umlaut", "cyrillic-o", "bidi", "soft-hyphen"],
)
def test_invisible_or_look_alike_letters_are_refused(
    client: FlaskClient, world: World, variant: str
) -> None:
    response = submit(client, world, create_body(world.yhgm, variant))
    assert response.status_code == 422, response.json
    assert response.headers["Content-Type"].startswith("application/problem+json")
    assert "data.name" in response.json["errors"], response.json


@pytest.mark.parametrize("char", ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\n", "\t"])
def test_control_characters_are_refused_naming_the_field(
    client: FlaskClient, world: World, char: str
) -> None:
    response = submit(client, world, create_body(world.yhgm, f"Yeni{char}Birim"))
    assert response.status_code == 422, response.json
    assert "data.name" in response.json["errors"]
    body = create_body(world.yhgm, "Yeni Birim", contact={"address": f"Atatürk Cad.{char} No 5"})
    response = submit(client, world, body)
    assert response.status_code == 422, response.json
    # Refused at the door (registry/http/guard.py), naming the nested field by its path.
    assert "data.contact.address" in response.json["errors"], response.json


def test_the_reason_of_a_request_is_checked_and_may_have_lines(
    client: FlaskClient, world: World
) -> None:
    body = create_body(world.yhgm, "Yeni Birim") | {"reason": "Gerekçe\x00"}
    response = submit(client, world, body)
    assert response.status_code == 422 and "reason" in response.json["errors"], response.json
    body = create_body(world.yhgm, "Yeni Birim") | {"reason": "Birinci satır\nİkinci satır"}
    response = submit(client, world, body)
    assert response.status_code == 201, response.json
    assert response.json["reason"] == "Birinci satır\nİkinci satır"
    refused = client.post(
        f"/api/v1/change-requests/{response.json['id']}/reject",
        json={"reason": "Ret\u200b"},
        headers=world.auth("reviewer"),
    )
    assert refused.status_code == 422 and "reason" in refused.json["errors"], refused.json


def test_turkish_names_are_accepted_and_stored_composed(client: FlaskClient, world: World) -> None:
    for name in ["İıŞşĞğÜüÖöÇç Müdürlüğü", "Müdürlüğü (Ankara)", "T.C. Çağrı Merkezi"]:
        decomposed = unicodedata.normalize("NFD", name)
        response = submit(client, world, create_body(world.yhgm, decomposed))
        assert response.status_code == 201, response.json
        approved = approve(client, world, response.json["id"])
        assert approved.status_code == 200, approved.json
        unit = client.get(f"/api/v1/organizations/{approved.json['result']['id']}").json
        assert unit["name"] == name


def test_a_rename_to_a_siblings_name_is_refused(client: FlaskClient, world: World) -> None:
    other = submit(client, world, create_body(world.yhgm, "Strateji Daire Başkanlığı"))
    number = approve(client, world, other.json["id"]).json["result"]["id"]
    rename = {
        "entity": "organization",
        "action": "update",
        "target": number,
        "reason": "Ad değişikliği",
        "data": {"name": unicodedata.normalize("NFD", EXISTING.lower())},
    }
    response = submit(client, world, rename)
    assert response.status_code == 409, response.json


def test_a_future_move_beside_a_namesake_is_refused(
    client: FlaskClient, world: World, session: Session
) -> None:
    namesake = make_unit(session, EXISTING, parent=world.goc)
    session.commit()
    move = {
        "entity": "organization",
        "action": "move",
        "target": namesake,
        "reason": "Yeniden yapılanma",
        "data": {"parent": world.yhgm},
        "effective_from": "2190-01-01",
    }
    response = submit(client, world, move)
    assert response.status_code == 409, response.json
    assert response.json["existing"]["name"] == EXISTING


def test_a_name_taken_by_a_scheduled_version_is_refused_on_approval(
    client: FlaskClient, world: World
) -> None:
    """Two requests filed before either is approved: the second fails on approval."""
    first = submit(client, world, create_body(world.bidb, "Yazılım Şube Müdürlüğü"))
    second = submit(client, world, create_body(world.bidb, "YAZILIM ŞUBE MÜDÜRLÜĞÜ"))
    assert first.status_code == 201 and second.status_code == 201
    assert approve(client, world, first.json["id"]).status_code == 200
    refused = approve(client, world, second.json["id"])
    assert refused.status_code == 409, refused.json
    # A unit scheduled to be renamed later: its future name is taken from that day on.
    later = submit(client, world, create_body(world.bidb, "Donanım Şube Müdürlüğü"))
    number = approve(client, world, later.json["id"]).json["result"]["id"]
    rename = {
        "entity": "organization",
        "action": "update",
        "target": number,
        "reason": "Ad değişikliği",
        "data": {"name": "Altyapı Şube Müdürlüğü"},
        "effective_from": "2190-01-01",
    }
    assert approve(client, world, submit(client, world, rename).json["id"]).status_code == 200
    clash = submit(client, world, create_body(world.bidb, "Altyapı Şube Müdürlüğü"))
    assert clash.status_code == 409, clash.json


def test_same_name_under_another_parent_is_fine(client: FlaskClient, world: World) -> None:
    response = submit(client, world, create_body(world.bidb, EXISTING))
    assert response.status_code == 201, response.json
    assert approve(client, world, response.json["id"]).status_code == 200


def test_a_second_document_of_one_name_is_refused(
    client: FlaskClient, world: World, session: Session
) -> None:
    code = make_document(session, "İkamet İzni Belgesi", issuer=world.goc)
    session.commit()
    body = {
        "entity": "document",
        "action": "create",
        "reason": "Yeni belge",
        "data": {"name": unicodedata.normalize("NFD", "İKAMET İZNİ BELGESİ"), "issuer": world.goc},
    }
    response = submit(client, world, body)
    assert response.status_code == 409, response.json
    assert response.json["existing"]["code"] == code
    body["data"]["name"] = "İkamet İzni Belgesi\u200b"
    response = submit(client, world, body)
    assert response.status_code == 422 and "data.name" in response.json["errors"], response.json


def test_a_second_service_of_one_name_in_a_unit_is_refused(
    client: FlaskClient, world: World, session: Session
) -> None:
    code = make_service(session, "Kısa Dönem İkamet İzni Başvurusu", world.bidb)
    session.commit()
    body = {
        "entity": "service",
        "action": "create",
        "reason": "Hizmet envanteri",
        "data": {
            "name": "kısa dönem   ikamet izni başvurusu",
            "organization": world.bidb,
            "channels": ["in_person"],
        },
    }
    response = submit(client, world, body)
    assert response.status_code == 409, response.json
    assert response.json["existing"]["code"] == code
    body["data"]["organization"] = world.yhgm  # another unit may offer a service of that name
    response = submit(client, world, body)
    assert response.status_code == 201, response.json
    body["data"]["description"] = "Açıklama\x01"
    response = submit(client, world, body)
    assert response.status_code == 422 and "data.description" in response.json["errors"]
