"""Service standards tables (HSYS) over HTTP: published by approvals, versioned, and served as
JSON, XML, CSV, XLSX and a printable page."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree, html
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from tests.factories import make_document, make_service, make_unit
from tests.workflow_world import World, build_world

CONTACTS = {
    "first_contact": {
        "name": "Ayşe Yılmaz",
        "title": "Daire Başkanı",
        "address": "Lalahan Mahallesi, Akyurt/Ankara",
        "phone": "0312 422 07 00",
        "fax": "0312 422 09 00",
        "email": "bidb@goc.gov.tr",
    },
    "second_contact": {
        "name": "İsmail Işık",
        "title": "Genel Müdür",
        "address": "Lalahan Mahallesi, Akyurt/Ankara",
        "phone": "0312 422 07 01",
        "email": "yhgm@goc.gov.tr",
    },
}


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def table_url(number: str, query: str = "") -> str:
    return f"/api/v1/organizations/{number}/service-standards{query}"


def approved(
    client: FlaskClient,
    world: World,
    body: dict[str, Any],
    two_step: bool,
    who: str = "goc_coordinator",
    reviewer: str = "reviewer",
) -> Any:
    submitted = client.post("/api/v1/change-requests", json=body, headers=world.auth(who))
    assert submitted.status_code == 201, submitted.json
    url = f"/api/v1/change-requests/{submitted.json['id']}/approve"
    if two_step:
        first = client.post(url, headers=world.auth("goc_approver"))
        assert first.json["status"] == "institution_approved", first.json
    final = client.post(url, headers=world.auth(reviewer))
    assert final.status_code == 200 and final.json["status"] == "approved", final.json
    return final.json


def publish_contacts(client: FlaskClient, world: World, unit: str) -> None:
    body = {
        "entity": "service_standard",
        "action": "create",
        "data": {"organization": unit, **CONTACTS},
    }
    approved(client, world, body, two_step=False)


@pytest.fixture
def bidb_table(client: FlaskClient, session: Session, world: World) -> dict[str, str]:
    """Bilgi İşlem with a sub-unit, two services (one in the sub-unit) and its places."""
    network = make_unit(session, "Ağ Yönetimi Şube Müdürlüğü", parent=world.bidb)
    passport = make_document(session, "Pasaport")
    photo = make_document(session, "Biyometrik Fotoğraf")
    own = make_service(
        session,
        "Kurumsal E-posta Hesabı Açılması",
        world.bidb,
        required_documents=[passport],
        max_duration="6 iş günü",
    )
    sub = make_service(
        session,
        "Ağ Bağlantısı Tahsisi",
        network,
        required_documents=[photo, passport],
        max_duration="anında",
    )
    session.commit()
    publish_contacts(client, world, world.bidb)
    return {"own": own, "sub": sub, "passport": passport, "photo": photo, "network": network}


def test_a_unit_with_places_of_application_publishes_its_subtree_in_turkish_order(
    client: FlaskClient, world: World, bidb_table: dict[str, str]
) -> None:
    table = client.get(table_url(world.bidb)).json
    assert table["organization"] == world.bidb
    assert table["organization_name"] == "Bilgi İşlem Daire Başkanlığı"
    assert table["institution"] == "Göç İdaresi Başkanlığı"
    assert table["version"] == 1 and table["published_at"]
    # "Ağ" sorts before "Kurumsal" (Turkish order, not byte order: "A" < "K" either way, but the
    # sub-unit's service is there at all because the table covers the subtree).
    assert [(r["no"], r["name"], r["max_duration"]) for r in table["rows"]] == [
        (1, "Ağ Bağlantısı Tahsisi", "anında"),
        (2, "Kurumsal E-posta Hesabı Açılması", "6 iş günü"),
    ]
    assert table["rows"][0]["required_documents"] == ["Biyometrik Fotoğraf", "Pasaport"]
    assert table["rows"][0]["unit"] == bidb_table["network"]
    assert table["first_contact"] == {**CONTACTS["first_contact"]}
    assert table["second_contact"]["fax"] is None
    assert "ilk müracaat yerine ya da ikinci müracaat yerine" in table["notice"]
    # A unit without places of application has no table; the sub-unit's services are in its
    # parent's table.
    missing = client.get(table_url(bidb_table["network"]))
    assert missing.status_code == 404
    assert missing.mimetype == "application/problem+json"
    assert "yayımlanmış" in missing.json["detail"]


def test_a_table_changes_only_when_an_approval_publishes_a_new_version(
    client: FlaskClient, world: World, bidb_table: dict[str, str]
) -> None:
    update = {
        "entity": "service",
        "action": "update",
        "target": bidb_table["own"],
        "data": {"max_duration": "10 iş günü", "required_documents": [bidb_table["photo"]]},
    }
    submitted = client.post(
        "/api/v1/change-requests", json=update, headers=world.auth("goc_coordinator")
    )
    assert submitted.status_code == 201
    # Submitted, even approved inside the institution: the published table is untouched.
    url = f"/api/v1/change-requests/{submitted.json['id']}/approve"
    assert client.post(url, headers=world.auth("goc_approver")).status_code == 200
    assert client.get(table_url(world.bidb)).json["version"] == 1
    final = client.post(url, headers=world.auth("reviewer"))
    assert final.json["status"] == "approved"

    table = client.get(table_url(world.bidb)).json
    assert table["version"] == 2
    assert table["rows"][1]["max_duration"] == "10 iş günü"
    old = client.get(table_url(world.bidb, "?version=1")).json
    assert old["version"] == 1 and old["rows"][1]["max_duration"] == "6 iş günü"

    versions = client.get(table_url(world.bidb, "/versions")).json["versions"]
    assert [(v["version"], v["rows"]) for v in versions] == [(2, 2), (1, 2)]
    assert versions[0]["request_id"] == submitted.json["id"]

    changes = client.get(table_url(world.bidb, "/changes")).json
    assert changes["from"] == 1 and changes["to"] == 2
    assert changes["added"] == [] and changes["removed"] == []
    [changed] = changes["changed"]
    assert changed["service"] == bidb_table["own"]
    assert changed["changes"]["max_duration"] == {"before": "6 iş günü", "after": "10 iş günü"}
    assert changed["changes"]["required_documents"] == {
        "before": ["Pasaport"],
        "after": ["Biyometrik Fotoğraf"],
    }
    # The publication is in the public change feed, with the approval that caused it.
    feed = client.get("/api/v1/changes").json["changes"]
    published = [c for c in feed if c["entity"] == "service_standard_table"]
    assert [c["data"]["version"] for c in published] == [1, 2]


def test_an_approval_that_leaves_the_table_as_it_was_publishes_nothing(
    client: FlaskClient, world: World, bidb_table: dict[str, str]
) -> None:
    # The annual volume is not printed in the table.
    update = {
        "entity": "service",
        "action": "update",
        "target": bidb_table["own"],
        "data": {"annual_volume": 1200},
    }
    approved(client, world, update, two_step=True)
    assert client.get(table_url(world.bidb)).json["version"] == 1
    assert len(client.get(table_url(world.bidb, "/versions")).json["versions"]) == 1


def test_renaming_a_document_republishes_the_tables_that_ask_for_it(
    client: FlaskClient, world: World, bidb_table: dict[str, str]
) -> None:
    body = {
        "entity": "document",
        "action": "update",
        "target": bidb_table["photo"],
        "reason": "Standart ad",
        "data": {"name": "Biyometrik Vesikalık Fotoğraf"},
    }
    # A document issued by no institution: the central working group names it.
    approved(client, world, body, two_step=False, who="reviewer", reviewer="reviewer2")
    table = client.get(table_url(world.bidb)).json
    assert table["version"] == 2
    assert table["rows"][0]["required_documents"][0] == "Biyometrik Vesikalık Fotoğraf"


def test_changed_places_of_application_are_a_new_version(
    client: FlaskClient, world: World, bidb_table: dict[str, str]
) -> None:
    body = {
        "entity": "service_standard",
        "action": "update",
        "target": world.bidb,
        "data": {"second_contact": {**CONTACTS["second_contact"], "phone": "0312 422 07 99"}},
    }
    approved(client, world, body, two_step=False)
    changes = client.get(table_url(world.bidb, "/changes")).json
    assert changes["changed"] == []
    assert changes["contacts"] == {
        "second_contact": {"phone": {"before": "0312 422 07 01", "after": "0312 422 07 99"}}
    }
    bad = client.get(table_url(world.bidb, "/changes?from=2&to=2"))
    assert bad.status_code == 422 and "from" in bad.json["errors"]


def test_the_csv_keeps_the_regulation_layout_and_neutralises_formulas(
    client: FlaskClient, session: Session, world: World, bidb_table: dict[str, str]
) -> None:
    make_service(session, '=HYPERLINK("http://evil")', world.bidb)
    session.commit()
    approved(  # any approval republishes the table with the service added directly above
        client,
        world,
        {
            "entity": "service_standard",
            "action": "update",
            "target": world.bidb,
            "data": {"first_contact": {**CONTACTS["first_contact"], "fax": None}},
        },
        two_step=False,
    )
    response = client.get(table_url(world.bidb, "?format=csv"))
    assert response.mimetype == "text/csv"
    assert 'filename="hizmet-standartlari-' in response.headers["Content-Disposition"]
    assert response.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(response.data.decode("utf-8-sig"))))
    assert rows[0] == [
        "SIRA NO",
        "HİZMETİN ADI",
        "BAŞVURUDA İSTENEN BELGELER",
        "HİZMETİN TAMAMLANMA SÜRESİ (EN GEÇ SÜRE)",
    ]
    names = [row[1] for row in rows[1:4]]
    assert '\'=HYPERLINK("http://evil")' in names
    assert ["İsim", "Ayşe Yılmaz", "İsim", "İsmail Işık"] in rows
    assert any(row and row[0].startswith("Yayım tarihi: ") for row in rows)


def test_the_xlsx_prints_on_a4_landscape_and_holds_text_not_formulas(
    client: FlaskClient, session: Session, world: World, bidb_table: dict[str, str]
) -> None:
    response = client.get(table_url(world.bidb), headers={"Accept": XLSX})
    assert response.mimetype == XLSX
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.page_setup.orientation == "landscape"
    assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert cells[3] == [
        "SIRA NO",
        "HİZMETİN ADI",
        "BAŞVURUDA İSTENEN BELGELER",
        "HİZMETİN TAMAMLANMA SÜRESİ (EN GEÇ SÜRE)",
    ]
    assert cells[4][:2] == [1, "Ağ Bağlantısı Tahsisi"]
    assert cells[4][2] == "1- Biyometrik Fotoğraf\n2- Pasaport"
    assert cells[1][0] == "Bilgi İşlem Daire Başkanlığı Hizmet Standartları Tablosu"
    assert any(str(row[0]).startswith("Yayım tarihi: ") for row in cells if row[0])


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def test_xml_html_and_negotiation(
    client: FlaskClient, world: World, bidb_table: dict[str, str]
) -> None:
    xml = client.get(table_url(world.bidb), headers={"Accept": "application/xml"})
    assert xml.mimetype == "application/xml"
    root = etree.fromstring(xml.data)
    assert root.tag.endswith("HizmetStandartlariTablosu")
    assert "Ağ Bağlantısı Tahsisi" in xml.data.decode()

    page = client.get(table_url(world.bidb, "?format=html"))
    assert page.mimetype == "text/html"
    tree = html.fromstring(page.data)
    headings = [
        th.text_content()
        for th in tree.xpath("//table[contains(concat(' ', @class, ' '), ' standards ')]//th")
    ]
    assert headings[1] == "HİZMETİN ADI"
    assert (
        len(tree.xpath("//table[contains(concat(' ', @class, ' '), ' standards ')]/tbody/tr")) == 2
    )
    assert tree.xpath("//html/@lang") == ["tr"]
    # The public page is the same table.
    public = client.get(f"/organizations/{world.bidb}/service-standards")
    assert public.status_code == 200 and b"HizmetStandartlar" not in public.data
    assert "İlk Müracaat Yeri" in public.data.decode()

    etag = client.get(table_url(world.bidb, "?format=csv")).headers["ETag"]
    again = client.get(table_url(world.bidb, "?format=csv"), headers={"If-None-Match": etag})
    assert again.status_code == 304
    unknown = client.get(table_url(world.bidb, "?format=pdf"))
    assert unknown.status_code == 422 and "format" in unknown.json["errors"]
    assert client.get(table_url(world.bidb, "?version=9")).status_code == 404
