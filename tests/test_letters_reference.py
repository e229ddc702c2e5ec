"""Letters use the reference data (issue 22): a signatory may name a manager post and signs as
its holder on the letter's date; an addressee exception registered in the unit-type table comes
before the dative rule; every new XML answer is valid against the shipped XSD.

Why this module is long: the XSD test files one record of every reference kind through the
workflow, so that each XML answer is rendered from real data rather than from an empty list."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from importlib import resources
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.reference import code_tables, places
from tests.factories import make_certificate, make_unit
from tests.reference_world import applied, submit
from tests.workflow_world import World, build_world

SEEDED = Provenance(recorded_by="test")
XSD = etree.XMLSchema(
    etree.fromstring(resources.files("registry").joinpath("data/ebys.xsd").read_bytes())
)


# The XML answers of issue 22 (and the signatory answers that changed with it); the letter's
# other answers are validated by tests/test_ebys.py.
NEW_ROOTS = {
    "DosyaPlani",
    "DosyaPlaniKodu",
    "SayiDenetimi",
    "Yerler",
    "Yer",
    "BulunduguYer",
    "Kategoriler",
    "Kategori",
    "BirimTurleri",
    "BirimTuru",
    "Yoneticiler",
    "Taniticilar",
    "TaniticiAramasi",
    "ButceTuru",
    "ButceTurleri",
    "IslemYetkilileri",
    "EYazismaSurumu",
    "EYazismaSurumleri",
    "Sertifikalar",
    "SertifikaSahiplikleri",
    "Dagitim",
    "ImzaYetkilileri",
    "YaziBilgileri",
}
LETTER_ROOTS = {
    "Antet",
    "Muhatap",
    "ArzRica",
    "IletisimBilgisi",
    "KepAdresleri",
    "SifrelemeSertifikasi",
    "DagitimListesi",
    "DagitimListeleri",
}


@pytest.fixture
def world(session: Session) -> World:
    built = build_world(session)
    code_tables.load_packaged(session, date(2020, 1, 1), SEEDED)
    session.commit()
    return built


def person_key(client: FlaskClient, world: World, person_id: str) -> str:
    response = client.post(
        "/api/v1/person-keys", json={"person_id": person_id}, headers=world.auth("goc_coordinator")
    )
    assert response.status_code == 200, response.json
    return str(response.json["person_key"])


def manager_post(client: FlaskClient, world: World, person_id: str, **data: Any) -> str:
    return applied(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="create",
        data={"person_key": person_key(client, world, person_id), **data},
    )


def signatory(client: FlaskClient, world: World, **data: Any) -> str:
    return applied(client, world, "goc_coordinator", entity="signatory", action="create", data=data)


def signatories(client: FlaskClient, number: str, **query: Any) -> list[dict[str, Any]]:
    response = client.get(f"/api/v1/ebys/signatories/{number}", query_string=query)
    assert response.status_code == 200, response.json
    return list(response.json["signatories"])


def by_rank(found: list[dict[str, Any]]) -> dict[int, dict[str, Any]]:
    return {s["rank"]: s for s in found}


# --------------------------------------------------------------------------------------------
# Signatories that name a manager post
# --------------------------------------------------------------------------------------------


def test_a_signatory_naming_a_post_signs_as_its_holder_on_the_letters_date(
    client: FlaskClient, world: World
) -> None:
    first = manager_post(
        client,
        world,
        "10000000146",
        organization=world.yhgm,
        name="Ayşe Yılmaz",
        title="Genel Müdür",
        appointment="asaleten",
        since="2021-03-01",
        until="2023-12-31",
    )
    second = manager_post(
        client,
        world,
        f"{world.goc}/A-17",
        organization=world.yhgm,
        name="Mehmet Ali Işık",
        title="Genel Müdür V.",
        appointment="vekaleten",
        since="2024-06-01",
    )
    assert first != second
    by_post = signatory(
        client, world, organization=world.yhgm, manager_of=world.yhgm, delegation="Başkan a."
    )
    signatory(
        client,
        world,
        organization=world.yhgm,
        name="Zeynep",
        surname="Çelik",
        title="Daire Başkanı",
        rank=2,
    )

    in_2022 = signatories(client, world.yhgm, at="2022-06-01")
    assert [s["rank"] for s in in_2022] == [2, 1]  # the higher signs on the right
    held = by_rank(in_2022)[1]
    assert held["lines"] == ["Ayşe YILMAZ", "Başkan a.", "Genel Müdür"]
    assert (held["name"], held["surname"], held["manager_of"], held["vacant"]) == (
        "Ayşe",
        "Yılmaz",
        world.yhgm,
        False,
    )
    written = by_rank(in_2022)[2]  # a signatory as before: unchanged, and says so
    assert written["lines"] == ["Zeynep ÇELİK", "Daire Başkanı"]
    assert (written["manager_of"], written["vacant"]) == (None, False)

    between = by_rank(signatories(client, world.yhgm, at="2024-03-01"))[1]
    assert between["vacant"] is True and between["lines"] == []
    assert (between["name"], between["surname"], between["title"]) == (None, None, None)
    later = by_rank(signatories(client, world.yhgm, at="2024-07-01"))[1]
    assert later["lines"] == ["Mehmet Ali IŞIK", "Başkan a.", "Genel Müdür V."]
    assert by_rank(signatories(client, world.yhgm))[1]["name"] == "Mehmet Ali"  # today

    letter = client.get(
        "/api/v1/ebys/correspondence",
        query_string={"from": world.yhgm, "to": world.sgk, "at": "2022-06-01"},
    ).json
    assert by_rank(letter["signatories"])[1]["lines"][0] == "Ayşe YILMAZ"
    vacant_xml = client.get(
        f"/api/v1/ebys/signatories/{world.yhgm}",
        query_string={"at": "2024-03-01"},
        headers={"Accept": "application/xml"},
    )
    assert XSD.validate(etree.fromstring(vacant_xml.data)), XSD.error_log.last_error

    # A written name as well as the post: it signs while the post is vacant, marked so.
    applied(
        client,
        world,
        "goc_coordinator",
        entity="signatory",
        action="update",
        target=by_post,
        data={"name": "Can", "surname": "Öztürk", "title": "Genel Müdür Yardımcısı"},
    )
    fallback = by_rank(signatories(client, world.yhgm, at="2024-03-01"))[1]
    assert fallback["vacant"] is True
    assert fallback["lines"] == ["Can ÖZTÜRK", "Başkan a.", "Genel Müdür Yardımcısı"]
    assert by_rank(signatories(client, world.yhgm, at="2022-06-01"))[1]["name"] == "Ayşe"

    # The post's holder leaves: the next answer (cached before) says the post is vacant.
    assert by_rank(signatories(client, world.yhgm))[1]["vacant"] is False
    applied(
        client,
        world,
        "goc_coordinator",
        entity="manager_post",
        action="close",
        target=second,
        reason="Görevden alındı",
    )
    now = by_rank(signatories(client, world.yhgm))[1]
    assert now["vacant"] is True and now["lines"][0] == "Can ÖZTÜRK"


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": "Genel Müdür"}, "data.name"),
        ({"name": "Ali", "title": "Genel Müdür"}, "data.surname"),
        ({"manager_of": "99999999"}, "data.manager_of"),
        ({"manager_of": "1234"}, "data.manager_of"),
        ({"manager_of": None, "name": "Ali", "surname": "Kaya"}, "data.title"),
    ],
)
def test_a_signatory_must_name_who_signs(
    client: FlaskClient, world: World, data: dict[str, Any], field: str
) -> None:
    response = submit(
        client,
        world,
        "goc_coordinator",
        entity="signatory",
        action="create",
        data={"organization": world.yhgm, **data},
    )
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_a_post_only_signatory_keeps_a_signer_and_needs_an_open_unit(
    client: FlaskClient, world: World
) -> None:
    by_post = signatory(client, world, organization=world.yhgm, manager_of=world.yhgm)
    unnamed = submit(
        client,
        world,
        "goc_coordinator",
        entity="signatory",
        action="update",
        target=by_post,
        data={"manager_of": None},
    )
    assert unnamed.status_code == 422 and "data.name" in unnamed.json["errors"], unnamed.json
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
        entity="signatory",
        action="update",
        target=by_post,
        data={"manager_of": world.bidb},
    )
    assert closed.status_code == 422 and closed.json["errors"] == {
        "data.manager_of": ["closed unit"]
    }
    history = client.get("/api/v1/changes", query_string={"limit": 500}).json["changes"]
    created = [c for c in history if c["entity"] == "signatory" and c["id"] == by_post]
    assert created and created[0]["action"] == "create"


# --------------------------------------------------------------------------------------------
# Addressee exceptions registered in the unit-type table
# --------------------------------------------------------------------------------------------


def unit_type_id(client: FlaskClient, name: str) -> str:
    types = {t["name"]: t for t in client.get("/api/v1/unit-types").json}
    return str(types[name]["id"])


def addressee(client: FlaskClient, number: str) -> list[str]:
    response = client.get(f"/api/v1/ebys/addressee/{number}")
    assert response.status_code == 200, response.json
    return list(response.json["lines"])


def test_a_registered_exception_comes_before_the_rule(
    client: FlaskClient, world: World, session: Session
) -> None:
    yok = make_unit(session, "Yükseköğretim Kurulu", category="İlişkili Kuruluş", unit_type="Kurul")
    yok_unit = make_unit(session, "Strateji Geliştirme Daire Başkanlığı", parent=yok)
    rtuk = make_unit(
        session, "Radyo ve Televizyon Üst Kurulu", category="İlişkili Kuruluş", unit_type="Kurul"
    )
    ethics = make_unit(session, "Etik Kurul", category="Diğer Kamu Kurumu", unit_type="Kurul")
    session.commit()
    assert addressee(client, yok) == ["YÜKSEKÖĞRETİM KURULUNA"]  # the rule, and now cached
    board = unit_type_id(client, "Kurul")
    applied(
        client,
        world,
        "reviewer",
        entity="unit_type",
        action="update",
        target=board,
        data={"addressee": {"cut": "Kurulu", "add": "Kurulu Başkanlığına"}},
    )
    assert addressee(client, yok) == ["YÜKSEKÖĞRETİM KURULU BAŞKANLIĞINA"]
    assert addressee(client, rtuk) == ["RADYO VE TELEVİZYON ÜST KURULU BAŞKANLIĞINA"]
    assert addressee(client, yok_unit) == [
        "YÜKSEKÖĞRETİM KURULU BAŞKANLIĞINA",
        "(Strateji Geliştirme Daire Başkanlığı)",
    ]
    assert addressee(client, ethics) == ["ETİK KURULA"]  # not the registered ending: the rule
    assert addressee(client, world.goc) == ["GÖÇ İDARESİ BAŞKANLIĞINA"]  # another type

    letter = client.get(
        "/api/v1/ebys/correspondence", query_string=[("from", world.goc), ("to", yok)]
    ).json
    assert letter["recipients"][0]["addressee"] == ["YÜKSEKÖĞRETİM KURULU BAŞKANLIĞINA"]
    block = client.get(
        "/api/v1/ebys/distribution", query_string=[("to", yok), ("info", world.sgk)]
    ).json
    assert block["block"][:3] == ["Dağıtım:", "Gereği:", "Yükseköğretim Kurulu Başkanlığına"]

    applied(
        client,
        world,
        "reviewer",
        entity="unit_type",
        action="update",
        target=board,
        data={"addressee": None},
    )
    assert addressee(client, yok) == ["YÜKSEKÖĞRETİM KURULUNA"]  # the rule again, at once


def test_an_exception_for_a_provincial_administration_type(
    client: FlaskClient, world: World, session: Session
) -> None:
    """A provincial unit is addressed through its valilik: the valilik's type's exception."""
    izmir = make_unit(
        session,
        "İzmir Valiliği",
        parent=world.interior,
        category="Mülki İdare",
        unit_type="Valilik",
        level="provincial",
        province={"code": 35},
    )
    provincial = make_unit(
        session,
        "İzmir İl Göç İdaresi Müdürlüğü",
        parent=world.goc,
        level="provincial",
        province={"code": 35},
    )
    session.commit()
    assert izmir and addressee(client, provincial)[0] == "İZMİR VALİLİĞİNE"
    applied(
        client,
        world,
        "reviewer",
        entity="unit_type",
        action="update",
        target=unit_type_id(client, "Valilik"),
        data={"addressee": {"cut": "Valiliği", "add": "Valiliği Makamına"}},
    )
    assert addressee(client, provincial) == [
        "İZMİR VALİLİĞİ MAKAMINA",
        "(İl Göç İdaresi Müdürlüğü)",
    ]


# --------------------------------------------------------------------------------------------
# The XSD describes every XML answer
# --------------------------------------------------------------------------------------------


def test_every_new_xml_answer_is_valid_against_the_shipped_schema(
    client: FlaskClient, world: World, session: Session
) -> None:
    places.load_packaged(session, date(2020, 1, 1), SEEDED)
    session.commit()
    start = (datetime.now(UTC) - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    for data in (
        {"code": "010", "subject": "Mevzuat İşleri"},
        {
            "code": "010.01",
            "subject": "Kanun Tasarıları",
            "retention": {"unit_years": 2, "archive_years": 5},
            "disposition": "A",
            "note": "Görüşler dahil",
            "group": {"start": "010.01", "end": "010.09"},
        },
    ):
        applied(client, world, "reviewer", entity="file_plan_code", action="create", data=data)
    manager_post(
        client,
        world,
        "10000000146",
        organization=world.goc,
        name="Deniz Aydın",
        title="Göç İdaresi Başkanı",
        appointment="asaleten",
        legal_basis="1 Sayılı Cumhurbaşkanlığı Kararnamesi",
        since="2020-03-01",
    )
    for entity, data in (
        (
            "unit_identifiers",
            {
                "organization": world.goc,
                "uets": "26089-17374-11447",
                "kutuk_no": "38.04.01",
                "tax_no": "4350598874",
            },
        ),
        ("budget_profile", {"organization": world.goc, "budget_type": "general_budget",
                            "legal_entity": False}),
        ("eyp_version", {"organization": world.goc, "package_version": "2.0"}),
        ("officer_contact", {"account": world.user_ids["goc_coordinator"],
                             "title": "Şube Müdürü", "phone": "0312 422 00 00",
                             "email": "detsis@goc.gov.tr"}),
        ("signatory", {"organization": world.goc, "manager_of": world.goc, "rank": 1}),
    ):  # fmt: skip
        applied(client, world, "goc_coordinator", entity=entity, action="create", data=data)
    applied(
        client,
        world,
        "reviewer",
        entity="organization",
        action="update",
        target=world.goc,
        data={"certificate": make_certificate("Göç")},
    )
    goc = world.goc
    paths = [
        "/api/v1/file-plan?q=kanun",
        f"/api/v1/file-plan?organization={goc}",
        "/api/v1/file-plan/010.01",
        f"/api/v1/ebys/record-number?value=E-{goc}-010.01-1",
        f"/api/v1/ebys/record-number?value=E-{goc}-702.03-1&on=2025-11-21",
        "/api/v1/places?kind=district&province=6&page_size=5",
        "/api/v1/places?q=kadikoy",
        "/api/v1/places/34",
        "/api/v1/places/900276",
        "/api/v1/categories",
        "/api/v1/categories/3",
        "/api/v1/unit-types",
        f"/api/v1/unit-types/{unit_type_id(client, 'Kurul')}",
        f"/api/v1/organizations/{goc}/managers",
        f"/api/v1/organizations/{goc}/managers?at=2010-01-01",
        f"/api/v1/organizations/{goc}/managers/history",
        f"/api/v1/organizations/{goc}/identifiers",
        "/api/v1/identifiers?kutuk_no=38.04.01",
        f"/api/v1/organizations/{goc}/budget-type",
        "/api/v1/budget-types",
        f"/api/v1/organizations/{goc}/officers",
        f"/api/v1/organizations/{world.yhgm}/place",
        f"/api/v1/organizations/{world.yhgm}/eyp-version",
        f"/api/v1/ebys/eyp-versions?since={start}",
        f"/api/v1/ebys/certificates?since={start}",
        f"/api/v1/ebys/certificate-owners?organization={world.interior}",
        f"/api/v1/ebys/distribution?to={world.sgk}&to={world.yhgm}&info={world.interior}",
        f"/api/v1/ebys/distribution?to={world.sgk}",
        f"/api/v1/ebys/signatories/{goc}?at=2020-03-01",
        f"/api/v1/ebys/signatories/{goc}?at=2020-02-01",
        f"/api/v1/ebys/correspondence?from={goc}&to={world.sgk}&at=2020-01-01",
    ]
    roots = set()
    for path in paths:
        response = client.get(path, headers={"Accept": "application/xml"})
        assert response.status_code == 200, (path, response.data[:300])
        assert response.mimetype == "application/xml", path
        document = etree.fromstring(response.data)
        assert XSD.validate(document), (path, XSD.error_log.last_error, response.data[:1500])
        roots.add(etree.QName(document).localname)
    assert roots == NEW_ROOTS  # every kind of answer, not one answer many times
    # The schema is strict: an element it does not declare is refused.
    bad = etree.fromstring(client.get(paths[2], headers={"Accept": "application/xml"}).data)
    etree.SubElement(bad, "{urn:kaysis:registry:v1}Tanimsiz").text = "x"
    assert not XSD.validate(bad)


def test_the_xsd_declares_every_xml_answer_of_the_openapi_document(client: FlaskClient) -> None:
    """Each XML answer the OpenAPI document declares has its root element in the XSD, and the
    XSD declares nothing that no test renders."""
    spec = client.get("/api/v1/openapi.json").json
    declared = {
        content["application/xml"]["schema"]["xml"]["name"]
        for path in spec["paths"].values()
        for operation in path.values()
        if isinstance(operation, dict)
        for response in operation.get("responses", {}).values()
        if isinstance(response, dict)
        for content in [response.get("content", {})]
        if "application/xml" in content and "xml" in content["application/xml"]["schema"]
    }
    schema = etree.fromstring(resources.files("registry").joinpath("data/ebys.xsd").read_bytes())
    elements = {e.get("name") for e in schema.findall("{http://www.w3.org/2001/XMLSchema}element")}
    assert {"Antet", "DosyaPlani", "Yoneticiler", "Dagitim"} <= declared
    assert declared <= elements, declared - elements
    assert elements == NEW_ROOTS | LETTER_ROOTS
    served = client.get("/api/v1/ebys/schema.xsd")
    assert served.status_code == 200 and etree.XMLSchema(etree.fromstring(served.data))
