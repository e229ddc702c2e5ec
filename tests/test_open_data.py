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
from datetime import date
from pathlib import Path

import pytest
import rdflib
from flask import Flask
from rdflib.namespace import DCTERMS, ORG, RDF, SKOS, XSD
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue.models import Service
from registry.organizations import tree as organization_tree
from registry.standards.models import Complaint, SurveyResponse
from tests.factories import make_service, make_unit, make_user

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
