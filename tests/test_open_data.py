"""``registry export-open-data``: published records as CSV and as CPSV-AP / CPOV JSON-LD.

The JSON-LD is read back with rdflib, so the test checks the triples a data portal would get (the
terms must expand to the EU vocabularies' IRIs), not just the JSON keys. The open data must hold
no personal data and no spreadsheet formula.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import rdflib
from flask import Flask
from flask.testing import FlaskClient
from lxml import etree, html
from openpyxl import load_workbook
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, XSD
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue.models import Service
from registry.organizations import tree as organization_tree
from registry.standards.models import Complaint, SurveyResponse
from registry.web import formatting
from tests.factories import make_service, make_unit, make_user
from tests.workflow_world import build_world

BASE = "https://kaysis.example"
IZMIR = "48823685"  # İzmir İl Göç İdaresi Müdürlüğü, under Göç İdaresi Başkanlığı (55476713)
SERVICE = "48823685-001"
CV = rdflib.Namespace("http://data.europa.eu/m8g/")
CPSV = rdflib.Namespace("http://purl.org/vocab/cpsv#")
ELI = rdflib.Namespace("http://data.europa.eu/eli/ontology#")
LOCN = rdflib.Namespace("http://www.w3.org/ns/locn#")
FILES = [
    "documents.csv",
    "legislation.csv",
    "manifest.json",
    "organizations.csv",
    "organizations.jsonld",
    "service_standards.csv",
    "services.csv",
    "services.jsonld",
]


def _export(app: Flask, path: Path) -> Path:
    result = app.test_cli_runner().invoke(
        args=["export-open-data", str(path), "--base-url", BASE + "/"]
    )
    assert result.exit_code == 0, result.output
    return path


def _csv(path: Path) -> list[dict[str, str]]:
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"))))


def _graph(path: Path) -> rdflib.Graph:
    return rdflib.Graph().parse(data=path.read_text(encoding="utf-8"), format="json-ld")


@pytest.fixture(scope="module")
def published(demo_app: Flask, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The open data of the sample dataset (read-only: the demo database is shared)."""
    return _export(demo_app, tmp_path_factory.mktemp("open") / "open-data")


def test_the_files_and_their_manifest(published: Path) -> None:
    assert sorted(p.name for p in published.iterdir()) == FILES
    manifest = json.loads((published / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["base_url"] == BASE
    for entry in manifest["files"]:
        data = (published / entry["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"]
    assert {e["file"]: e["records"] for e in manifest["files"]}["services.csv"] == 40


def test_csv_per_kind(published: Path) -> None:
    units = {row["detsis_no"]: row for row in _csv(published / "organizations.csv")}
    assert units[IZMIR]["name"] == "İzmir İl Göç İdaresi Müdürlüğü"
    assert units[IZMIR]["parent_detsis_no"] == "55476713"
    assert units[IZMIR]["province"] == "İzmir"
    assert "Halkapınar" in units[IZMIR]["address"]  # the 2026 address: in force today
    services = {row["code"]: row for row in _csv(published / "services.csv")}
    assert services[SERVICE]["organization_detsis_no"] == IZMIR
    assert services[SERVICE]["max_duration_iso8601"] == "P90D"
    assert services[SERVICE]["required_documents"].startswith("BLG-")
    documents = {row["name"]: row for row in _csv(published / "documents.csv")}
    assert "İkametgâh belgesi" in documents["Yerleşim Yeri Belgesi"]["aliases"].split("; ")
    acts = {row["id"]: row for row in _csv(published / "legislation.csv")}
    repealed = [row for row in acts.values() if row["repealed_by"]]
    assert repealed and all(acts[row["repealed_by"]] for row in repealed)
    standards = _csv(published / "service_standards.csv")
    table = [row for row in standards if row["organization_detsis_no"] == IZMIR]
    assert table and table[0]["no"] == "1"
    assert {row["service_code"] for row in table} >= {SERVICE}


# rdflib's JSON-LD parser builds a ConjunctiveGraph internally, which rdflib 7 itself deprecates.
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_services_are_cpsv_ap_with_evidence_legal_resources_and_channels(
    published: Path,
) -> None:
    document = json.loads((published / "services.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["cpsv"] == "http://purl.org/vocab/cpsv#"
    assert document["@context"]["cv"] == "http://data.europa.eu/m8g/"
    graph = _graph(published / "services.jsonld")
    service = rdflib.URIRef(f"{BASE}/api/v1/services/{SERVICE}")
    assert (service, RDF.type, CPSV.PublicService) in graph
    assert graph.value(service, DCTERMS.identifier) == rdflib.Literal(SERVICE)
    title = graph.value(service, DCTERMS.title)
    assert isinstance(title, rdflib.Literal) and title.language == "tr"
    assert graph.value(service, CV.hasCompetentAuthority) == rdflib.URIRef(
        f"{BASE}/api/v1/organizations/{IZMIR}"
    )
    inputs = set(graph.objects(service, CV.hasInput))
    assert inputs and all((e, RDF.type, CV.Evidence) in graph for e in inputs)
    assert inputs == set(graph.objects(service, CPSV.hasInput))
    laws = set(graph.objects(service, CV.hasLegalResource))
    assert laws and all((law, RDF.type, ELI.LegalResource) in graph for law in laws)
    channels = set(graph.objects(service, CV.hasChannel))
    assert channels and all((c, RDF.type, CV.Channel) in graph for c in channels)
    assert graph.value(service, CV.processingTime) == rdflib.Literal("P90D", datatype=XSD.duration)
    outputs = set(graph.subjects(RDF.type, CV.Output))
    assert outputs and outputs <= set(graph.objects(None, CPSV.produces))
    costs = [graph.value(cost, CV.currency) for cost in graph.objects(None, CV.hasCost)]
    assert rdflib.URIRef("http://publications.europa.eu/resource/authority/currency/TRY") in costs
    in_force = set(graph.objects(None, ELI.in_force))
    assert ELI["InForce-inForce"] in in_force and ELI["InForce-notInForce"] in in_force


@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")
def test_organizations_are_cpov(published: Path) -> None:
    graph = _graph(published / "organizations.jsonld")
    unit = rdflib.URIRef(f"{BASE}/api/v1/organizations/{IZMIR}")
    assert (unit, RDF.type, CV.PublicOrganisation) in graph
    assert graph.value(unit, DCTERMS.identifier) == rdflib.Literal(IZMIR)
    assert graph.value(unit, SKOS.prefLabel) == rdflib.Literal(
        "İzmir İl Göç İdaresi Müdürlüğü", lang="tr"
    )
    parent = graph.value(unit, ORG.subOrganizationOf)
    assert parent == rdflib.URIRef(f"{BASE}/api/v1/organizations/55476713")
    assert (parent, RDF.type, CV.PublicOrganisation) in graph
    address = graph.value(unit, LOCN.address)
    assert (address, RDF.type, LOCN.Address) in graph
    assert "Halkapınar" in str(graph.value(address, LOCN.fullAddress))
    roots = [u for u in graph.subjects(RDF.type, CV.PublicOrganisation)]
    assert len(roots) == len(set(graph.subjects(DCTERMS.identifier, None)))


# -- what must never be published --


def test_no_personal_data_and_no_formulas(app: Flask, session: Session, tmp_path: Path) -> None:
    ministry = make_unit(session, "İçişleri Bakanlığı", category="Bakanlık")
    unit = make_unit(
        session, "Bilgi İşlem Dairesi", parent=ministry, contact={"address": "=1+2 Hücre Sk."}
    )
    code = make_service(
        session, "Yabancı Kimlik Numarası Tahsisi", unit, description="@SUM(A1) açıklama"
    )
    service = session.scalars(select(Service).where(Service.code == code)).one()
    org_id = organization_tree.organization_id(session, unit)
    user, token = make_user(
        session, name="Zeynep Gizlikullanıcı", role="coordinator", organization=unit
    )
    session.add(
        Complaint(
            tracking_code="HSY-ABCDEFGH",
            access_key_hash="0" * 64,
            service_id=service.id,
            organization_id=org_id,
            first_place_id=org_id,
            subject="extra_documents",
            text="Şikâyet metni gizlidir",
            contact={"name": "Ayşe Yılmaz", "email": "ayse@example.org"},
            response_days=10,
            due_on=date(2026, 1, 1),
        )
    )
    session.add(
        SurveyResponse(
            service_id=service.id, organization_id=org_id, score=2, comment="Yorum gizlidir"
        )
    )
    session.commit()

    path = _export(app, tmp_path / "open")
    everything = b"".join(p.read_bytes() for p in path.iterdir())
    for secret in (
        "Ayşe Yılmaz",
        "ayse@example.org",
        "Şikâyet metni",
        "HSY-ABCDEFGH",
        "Yorum gizlidir",
        user.name,
        token,
        token[:12],
    ):
        assert secret.encode() not in everything, secret
    units = {row["detsis_no"]: row for row in _csv(path / "organizations.csv")}
    assert units[unit]["address"] == "'=1+2 Hücre Sk."  # a cell, never a formula
    services = {row["code"]: row for row in _csv(path / "services.csv")}
    assert services[code]["description"] == "'@SUM(A1) açıklama"
    # JSON is not a spreadsheet: the text stays as it is there.
    assert "=1+2 Hücre Sk." in (path / "organizations.jsonld").read_text(encoding="utf-8")


def test_refuses_a_path_that_is_not_empty(app: Flask, tmp_path: Path) -> None:
    (tmp_path / "taken.txt").write_text("x")
    result = app.test_cli_runner().invoke(args=["export-open-data", str(tmp_path)])
    assert result.exit_code == 1 and "not an empty directory" in result.output


# -- the downloads on the public site (/open-data) ----------------------------------------------


def _get(client: FlaskClient, url: str) -> Any:
    """A download, read whole and closed (its file handle with it)."""
    response = client.get(url)
    response.get_data()
    response.close()
    return response


def _cells(response: Any, separator: str) -> list[list[str]]:
    data = response.get_data()
    assert data.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=separator))


def test_the_open_data_page_lists_each_file_with_date_size_and_licence(
    demo_client: FlaskClient,
) -> None:
    response = demo_client.get("/open-data")
    assert response.status_code == 200
    page = html.fromstring(response.data)
    text = page.text_content()
    assert "CC BY 4.0" in text and "Lisans" in text
    assert re.search(r"\d{2}\.\d{2}\.\d{4}", text)  # the data's date, as Turkish pages write it
    rows = page.xpath("//table[contains(@class, 'files')]/tbody/tr")
    assert [row.get("id") for row in rows] == [
        "veri-organizations",
        "veri-services",
        "veri-documents",
        "veri-legislation",
        "veri-service_standards",
    ]
    services = page.xpath("//tr[@id='veri-services']")[0]
    assert services.xpath("string(td[@data-label='Kayıt'])").strip() == "40"
    links = services.xpath(".//li")
    assert len(links) == 4  # CSV (;), CSV (,), XLSX, JSON-LD
    for item in links:
        href = item.xpath("string(a/@href)")
        body = _get(demo_client, href).get_data()
        size = len(body)
        expected = (
            f"{size} bayt"
            if size < 1024
            else f"{formatting.turkish_decimal(size / 1024)} KB"
            if size < 1048576
            else f"{formatting.turkish_decimal(size / 1048576)} MB"
        )
        assert f"({expected})" in item.text_content(), (href, expected)


def test_csv_is_semicolons_by_default_and_commas_on_request(demo_client: FlaskClient) -> None:
    default = _get(demo_client, "/open-data/services.csv")
    assert default.status_code == 200 and default.mimetype == "text/csv"
    assert "attachment" in default.headers["Content-Disposition"]
    rows = _cells(default, ";")
    assert rows[0][:2] == ["code", "name"] and len(rows) == 41
    comma = _cells(_get(demo_client, "/open-data/services.csv?sep=comma"), ",")
    assert comma == rows  # the same table, another separator
    units = {row[0]: row for row in _cells(_get(demo_client, "/open-data/organizations.csv"), ";")}
    assert units[IZMIR][1] == "İzmir İl Göç İdaresi Müdürlüğü"
    assert _get(demo_client, "/open-data/services.csv?sep=tab").status_code == 400
    assert _get(demo_client, "/open-data/secrets.csv").status_code == 404
    assert _get(demo_client, "/open-data/services.semicolon.csv").status_code == 404


def test_xlsx_opens_and_jsonld_parses(demo_client: FlaskClient) -> None:
    response = _get(demo_client, "/open-data/services.xlsx")
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.get_data()), read_only=True)
    rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert rows[0][:2] == ("code", "name") and len(rows) == 41
    assert {row[0] for row in rows[1:]} >= {SERVICE}
    document = _get(demo_client, "/open-data/services.jsonld")
    assert document.mimetype == "application/ld+json"
    graph = json.loads(document.get_data(as_text=True))
    assert graph["@context"]["cpsv"] == "http://purl.org/vocab/cpsv#"
    assert any(node["@type"] == "cpsv:PublicService" for node in graph["@graph"])
    organizations = json.loads(_get(demo_client, "/open-data/organizations.jsonld").data)
    assert any(node.get("dct:identifier") == IZMIR for node in organizations["@graph"])


def test_a_text_that_looks_like_a_formula_stays_text_in_the_workbook(
    client: FlaskClient, session: Session
) -> None:
    unit = make_unit(session, "Bilgi İşlem Dairesi", contact={"address": "=1+2 Hücre Sk."})
    session.commit()
    workbook = load_workbook(io.BytesIO(_get(client, "/open-data/organizations.xlsx").data))
    sheet = workbook.worksheets[0]
    header = [cell.value for cell in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == unit)
    cell = row[header.index("address")]
    assert cell.value == "=1+2 Hücre Sk." and cell.data_type == "s"  # text, not a formula
    csv_rows = _cells(_get(client, "/open-data/organizations.csv"), ";")
    assert "'=1+2 Hücre Sk." in next(r for r in csv_rows if r[0] == unit)


def test_the_files_follow_an_approved_change(client: FlaskClient, session: Session) -> None:
    world = build_world(session)
    before = _get(client, "/open-data/organizations.csv")
    sequence = int(before.headers["X-Open-Data-Sequence"])
    names = {row[1] for row in _cells(before, ";")}
    assert "Yeni Göç Müdürlüğü" not in names
    assert int(_get(client, "/open-data/organizations.csv").headers["X-Open-Data-Sequence"]) == (
        sequence
    )  # nothing moved: the same set
    proposal = {
        "entity": "organization",
        "action": "create",
        "data": {"name": "Yeni Göç Müdürlüğü", "parent": world.goc, "level": "central"},
        "reason": "Açık veri testi",
    }
    submitted = client.post(
        "/api/v1/change-requests", json=proposal, headers=world.auth("reviewer2")
    )
    assert submitted.status_code == 201, submitted.json
    # Submitted is not approved: the published data does not change.
    pending = _get(client, "/open-data/organizations.csv")
    assert "Yeni Göç Müdürlüğü" not in {row[1] for row in _cells(pending, ";")}
    approve = f"/api/v1/change-requests/{submitted.json['id']}/approve"
    assert client.post(approve, headers=world.auth("reviewer")).json["status"] == "approved"
    after = _get(client, "/open-data/organizations.csv")
    assert int(after.headers["X-Open-Data-Sequence"]) > sequence
    assert "Yeni Göç Müdürlüğü" in {row[1] for row in _cells(after, ";")}
    assert "Yeni Göç Müdürlüğü" in _get(client, "/open-data/organizations.jsonld").data.decode()
    page = html.fromstring(client.get("/open-data").data)
    records = page.xpath("string(//tr[@id='veri-organizations']/td[@data-label='Kayıt'])")
    assert int(records.strip().replace(".", "")) == len(_cells(after, ";")) - 1


# -- sitemap.xml, robots.txt, the favicon -------------------------------------------------------

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def _locs(response: Any) -> list[str]:
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    return [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def test_the_sitemap_lists_services_units_acts_and_documents(
    demo_app: Flask, demo_client: FlaskClient
) -> None:
    locs = _locs(demo_client.get("/sitemap.xml"))
    paths = {urlsplit(loc).path for loc in locs}
    assert f"/services/{SERVICE}" in paths
    assert f"/organizations/{IZMIR}" in paths
    assert any(p.startswith("/legislation/") for p in paths)
    assert any(p.startswith("/documents/") for p in paths)
    assert len(paths) == len(locs)  # each page once
    demo_app.config["SITEMAP_PAGE_SIZE"] = 25
    try:
        index = etree.fromstring(demo_client.get("/sitemap.xml").data)
        assert index.tag == f"{SITEMAP}sitemapindex"
        parts = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
        paged: list[str] = []
        for part in parts:
            listed = _locs(demo_client.get(urlsplit(part).path))
            assert 0 < len(listed) <= 25
            paged.extend(listed)
        home = [loc for loc in locs if urlsplit(loc).path == "/"]
        assert sorted(paged + home) == sorted(locs)  # the same pages, paged
    finally:
        demo_app.config.pop("SITEMAP_PAGE_SIZE")
    assert demo_client.get("/sitemap-nothing-1.xml").status_code == 404


def test_robots_and_the_favicon(demo_client: FlaskClient) -> None:
    robots = demo_client.get("/robots.txt")
    assert robots.status_code == 200 and robots.mimetype == "text/plain"
    lines = robots.get_data(as_text=True).splitlines()
    assert "Allow: /" in lines and "Disallow: /manage" in lines
    assert "Disallow: /api/v1/change-requests" in lines
    assert "Disallow: /api/v1/surveys" in lines
    assert not any(line in ("Disallow: /", "Disallow: /services") for line in lines)
    assert any(line.startswith("Sitemap: http") and line.endswith("/sitemap.xml") for line in lines)
    for path, mimetype in (
        ("/favicon.ico", "image/vnd.microsoft.icon"),
        ("/favicon.svg", "image/svg+xml"),
    ):
        icon = _get(demo_client, path)
        assert icon.status_code == 200 and icon.mimetype == mimetype
        assert "max-age=31536000" in icon.headers["Cache-Control"]
    assert _get(demo_client, "/favicon.ico").data[:4] == b"\x00\x00\x01\x00"  # an ICO header
