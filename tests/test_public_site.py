"""The public pages over HTTP on both backends: Turkish, server-rendered, forms without script."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy.orm import Session

from tests.factories import make_document, make_service, make_unit
from tests.workflow_world import World, build_world

IZMIR_GOC = "48823685"
EXTENSION = "48823685-001"


def page(client: FlaskClient, url: str, status: int = 200) -> html.HtmlElement:
    response = client.get(url)
    assert response.status_code == status, response.data[:500]
    assert response.mimetype == "text/html"
    document = html.fromstring(response.data)
    assert document.xpath("/html/@lang") == ["tr"]
    return document


def text(document: html.HtmlElement, xpath: str) -> list[str]:
    return [" ".join(e.text_content().split()) for e in document.xpath(xpath)]


def test_home_offers_search_and_the_institutions_by_category(demo_client: FlaskClient) -> None:
    home = page(demo_client, "/")
    assert text(home, "//label[@for='q']") == ["Hizmet, kurum, belge veya mevzuat"]
    categories = text(home, "//main//h3")
    assert categories.index("Cumhurbaşkanlığı") < categories.index("Bakanlık")
    ministries = home.xpath("//h3[.='Bakanlık']/following-sibling::ul[1]/li/a/text()")
    # Turkish order: Ç after C, İ after I, Ş after S.
    assert ministries.index("Çalışma ve Sosyal Güvenlik Bakanlığı") < ministries.index(
        "İçişleri Bakanlığı"
    )


def test_search_page_finds_the_service_typed_without_turkish_letters(
    demo_client: FlaskClient,
) -> None:
    results = page(demo_client, "/search?q=IKAMET+IZNI+UZATMA+IZMIR")
    # Ranking is the search's own test; without an index here the database answers.
    links = results.xpath("//ol[@class='results']/li/a[1]/@href")
    assert f"/services/{EXTENSION}" in links
    # Each service found links to the published table that lists it.
    hit = results.xpath(f"//ol[@class='results']/li[a[1]/@href='/services/{EXTENSION}']")[0]
    assert hit.xpath("a[2]/@href") == [f"/organizations/{IZMIR_GOC}/service-standards"]
    assert results.xpath("//select[@id='type']") and results.xpath("//select[@id='province']")
    only_units = page(demo_client, "/search?q=goc+idaresi&type=organization")
    assert set(text(only_units, "//ol[@class='results']/li/span[@class='kind']")) == {
        "Kurum / birim"
    }
    assert page(demo_client, "/search?q=").xpath("//ol[@class='results']") == []


def test_unit_page_shows_contact_tree_services_table_and_flows(demo_client: FlaskClient) -> None:
    unit = page(demo_client, f"/organizations/{IZMIR_GOC}")
    assert text(unit, "//h1") == ["İzmir İl Göç İdaresi Müdürlüğü"]
    crumbs = text(unit, "//nav[@class='crumbs']//li")
    assert crumbs[:2] == ["İçişleri Bakanlığı", "Göç İdaresi Başkanlığı"]
    assert unit.xpath(f"//a[@href='/organizations/{IZMIR_GOC}/service-standards']")
    assert "Kısa Dönem İkamet İzni Uzatma Başvurusu" in text(unit, "//main//ul/li/a")
    assert text(unit, "//dt[.='Adres']/following-sibling::dd[1]")[0].endswith("Konak/İzmir")
    # The institution's flows: a picture and the same facts as a table.
    assert unit.xpath("//figure[@class='flows']/img/@src")[0].endswith("format=svg")
    assert "Yerleşim Yeri Belgesi" in " ".join(text(unit, "//table//td"))
    page(demo_client, "/organizations/99999999", 404)
    page(demo_client, "/organizations/12ab", 404)


def test_service_page_and_the_printable_table(demo_client: FlaskClient) -> None:
    service = page(demo_client, f"/services/{EXTENSION}")
    assert text(service, "//h1") == ["Kısa Dönem İkamet İzni Uzatma Başvurusu"]
    assert "90 gün" in text(service, "//dd")
    assert "Pasaport" in text(service, "//main//ol/li")
    assert service.xpath("//form[contains(@action, '/survey')]//input[@name='score']")
    table = page(demo_client, f"/organizations/{IZMIR_GOC}/service-standards")
    rows = table.xpath("//table[contains(concat(' ', @class, ' '), ' standards ')]/tbody/tr")
    assert [r.xpath("string(td[1])") for r in rows] == ["1", "2", "3"]
    places = " ".join(text(table, "//div[@class='places']//td"))
    assert "Hakan Yıldız" in places and "Vali Yardımcısı" in places
    assert text(table, "//h1")[0].endswith("HİZMET STANDARTLARI TABLOSU")
    with demo_client.get("/assets/site.css") as stylesheet:
        css = stylesheet.data.decode()
    assert "@page { size: A4 landscape" in css
    page(demo_client, "/services/YOK-001", 404)


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@pytest.fixture
def service_code(session: Session, world: World) -> str:
    office = make_unit(session, "Ankara İl Göç İdaresi Müdürlüğü", parent=world.goc)
    passport = make_document(session, "Pasaport")
    code = make_service(
        session, "İkamet İzni Uzatma", office, required_documents=[passport], max_duration="30 gün"
    )
    session.commit()
    return code


def test_a_refused_complaint_keeps_what_was_typed_and_names_each_field(
    client: FlaskClient, world: World, service_code: str
) -> None:
    office = service_code.split("-")[0]
    form = page(client, f"/complaints/new?organization={office}&service={service_code}")
    assert form.xpath(f"//option[@value='{service_code}'][@selected]")
    response = client.post(
        "/complaints",
        data={
            "organization": office,
            "service": service_code,
            "subject": "time_exceeded",
            "text": "kısa",
            "contact.name": "Ayşe Işık",
        },
    )
    assert response.status_code == 422
    refused = html.fromstring(response.data)
    summary = " ".join(text(refused, "//div[@class='error-summary']//li"))
    assert "Ne oldu?" in summary and "E-posta" in summary
    assert refused.xpath("//textarea[@id='text']/text()") == ["kısa"]
    assert refused.xpath("//input[@id='contact.name']/@value") == ["Ayşe Işık"]
    assert refused.xpath("//input[@value='time_exceeded']/@checked")


def test_a_complaint_by_form_is_followed_by_code_and_key_and_a_rating_is_counted(
    client: FlaskClient, world: World, service_code: str
) -> None:
    office = service_code.split("-")[0]
    filed = client.post(
        "/complaints",
        data={
            "organization": office,
            "service": service_code,
            "subject": "extra_documents",
            "text": "Tabloda olmayan adli sicil kaydı istendi.",
            "contact.name": "Ayşe Işık",
            "contact.phone": "0532 000 00 00",
        },
    )
    assert filed.status_code == 303 and filed.headers["Cache-Control"] == "no-store"
    receipt = client.get(filed.headers["Location"])  # the receipt, from its short-lived cookie
    assert receipt.status_code == 200 and receipt.headers["Cache-Control"] == "no-store"
    shown = html.fromstring(receipt.data)
    code = shown.xpath("string(//*[@id='tracking-code'])")
    key = shown.xpath("string(//*[@id='access-key'])")
    wrong = client.post("/complaints/track", data={"tracking_code": code, "access_key": "x" * 43})
    assert wrong.status_code == 404 and "bulunamadı" in wrong.data.decode()
    found = client.post("/complaints/track", data={"tracking_code": code, "access_key": key})
    assert found.status_code == 200
    followed = html.fromstring(found.data)
    assert text(followed, "//*[@id='complaint-status']") == ["Alındı, inceleme bekliyor"]
    assert "adli sicil" in followed.text_content()

    bad = client.post(f"/services/{service_code}/survey", data={"score": "9"})
    assert bad.status_code == 422 and bad.mimetype == "text/html"
    rated = client.post(f"/services/{service_code}/survey", data={"score": "5", "comment": ""})
    assert rated.status_code == 303
    assert rated.headers["Location"].endswith(f"/services/{service_code}?tesekkurler=1#anket")
    stats = client.get(f"/api/v1/stats/satisfaction?service={service_code}").json
    assert stats["responses"] == 1 and stats["rate"] == 100.0


def test_the_unit_page_flows_follow_an_approved_change(
    client: FlaskClient, session: Session, world: World
) -> None:
    """The page's flows come from a per-process copy; it is rebuilt when the audit trail moves."""
    from registry.catalogue import services as service_records

    certificate = make_document(session, "Hizmet Dökümü", issuer=world.sgk)
    office = make_unit(session, "Bursa İl Göç İdaresi Müdürlüğü", parent=world.goc)
    asking = make_service(
        session, "Çalışma İzni Ön Değerlendirme", office, required_documents=[certificate]
    )
    session.commit()

    def flows() -> list[str]:
        unit = page(client, f"/organizations/{office}")
        rows = unit.xpath("//table[caption='Veri akışları']/tbody/tr")
        return [" | ".join(cell.text_content() for cell in row.xpath("td")) for row in rows]

    expected = ["Sosyal Güvenlik Kurumu | Göç İdaresi Başkanlığı | Hizmet Dökümü"]
    assert flows() == expected
    assert flows() == expected  # from the cached copy
    service_records.close_service(session, asking)
    session.commit()
    assert flows() == []


def test_security_headers_and_cross_site_form_posts(
    client: FlaskClient, world: World, service_code: str
) -> None:
    page_headers = client.get("/").headers
    assert "default-src 'none'" in page_headers["Content-Security-Policy"]
    assert "script-src" not in page_headers["Content-Security-Policy"]  # no script at all
    assert page_headers["X-Content-Type-Options"] == "nosniff"
    assert page_headers["X-Frame-Options"] == "DENY"
    api_headers = client.get("/api/v1/organizations").headers
    assert api_headers["Content-Security-Policy"].startswith("default-src 'none'")
    docs = client.get("/api/v1/docs")
    assert "script-src 'self'" in docs.headers["Content-Security-Policy"]

    survey = f"/services/{service_code}/survey"
    elsewhere = client.post(survey, data={"score": "5"}, headers={"Origin": "https://evil.example"})
    assert elsewhere.status_code == 403 and elsewhere.mimetype == "text/html"
    opaque = client.post(survey, data={"score": "5"}, headers={"Origin": "null"})
    assert opaque.status_code == 403
    here = client.post(survey, data={"score": "5"}, headers={"Origin": "http://localhost"})
    assert here.status_code == 303
    stats = client.get(f"/api/v1/stats/satisfaction?service={service_code}").json
    assert stats["responses"] == 1  # only the same-site rating counted
