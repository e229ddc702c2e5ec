"""The metadata layer (issue 26) over HTTP on both backends: data elements, what documents and
services are made of, integrations and applications through the workflow (four eyes, scope,
both institutions of an integration), bad input as problem+json naming the field, and the
reports: the data-level once-only report, which follows an approved integration at once, and an
institution's IT landscape."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from registry.kernel.db import get_db
from registry.metadata import linked_data
from tests.factories import make_act, make_document, make_service
from tests.workflow_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def submit(client: FlaskClient, world: World, who: str, **body: Any) -> Any:
    return client.post("/api/v1/change-requests", json=body, headers=world.auth(who))


def approve(client: FlaskClient, world: World, request_id: int, who: str = "reviewer") -> Any:
    return client.post(f"/api/v1/change-requests/{request_id}/approve", headers=world.auth(who))


def applied(client: FlaskClient, world: World, who: str, **body: Any) -> str:
    response = submit(client, world, who, **body)
    assert response.status_code == 201, response.json
    decision = approve(client, world, response.json["id"])
    assert decision.status_code == 200 and decision.json["status"] == "approved", decision.json
    return str(decision.json["result"]["id"])


def element(world: World, name: str, owner: str | None = None, **fields: Any) -> dict[str, Any]:
    return {
        "name": name,
        "definition": f"{name}: kişinin kaydındaki değer",
        "data_type": "text",
        "owner": owner or world.sgk,
        "personal_data": "ordinary",
        **fields,
    }


def make_element(client: FlaskClient, world: World, who: str, **data: Any) -> int:
    return int(applied(client, world, who, entity="data_element", action="create", data=data))


def integration_approved(client: FlaskClient, world: World, data: dict[str, Any]) -> int:
    """Filed by Göç's coordinator; Göç's and SGK's institution approvers, then a reviewer."""
    filed = submit(
        client, world, "goc_coordinator", entity="integration", action="create", data=data
    )
    assert filed.status_code == 201, filed.json
    request_id = filed.json["id"]
    early = approve(client, world, request_id)  # the reviewer cannot go first
    assert early.status_code == 403, early.json
    for who in ("goc_approver", "sgk_approver"):
        step = approve(client, world, request_id, who)
        assert step.status_code == 200, step.json
    final = approve(client, world, request_id)
    assert final.status_code == 200 and final.json["status"] == "approved", final.json
    return int(final.json["result"]["id"])


def test_a_data_element_through_the_workflow_with_scope_history_and_feed(
    client: FlaskClient, world: World, session: Session
) -> None:
    act = make_act(session, "Sosyal Sigortalar ve Genel Sağlık Sigortası Kanunu", number="5510")
    session.commit()
    data = element(world, "SGK Sicil Numarası", legal_basis=act, provision="md. 8")
    data["synonyms"] = ["Sigorta sicil no"]
    outsider = submit(
        client, world, "goc_coordinator", entity="data_element", action="create", data=data
    )
    assert outsider.status_code == 403, outsider.json
    element_id = make_element(client, world, "sgk_coordinator", **data)

    shown = client.get(f"/api/v1/data-elements/{element_id}").json
    assert shown["owner"] == world.sgk and shown["legal_basis"] == act
    assert shown["synonyms"] == ["Sigorta sicil no"] and shown["personal_data"] == "ordinary"
    found = client.get("/api/v1/data-elements", query_string={"q": "sigorta sicil"}).json
    assert [e["id"] for e in found] == [element_id]  # by synonym, accents and case aside

    applied(
        client,
        world,
        "sgk_coordinator",
        entity="data_element",
        action="update",
        target=str(element_id),
        data={"format": "13 rakam"},
    )
    no_reason = submit(
        client,
        world,
        "sgk_coordinator",
        entity="data_element",
        action="close",
        target=str(element_id),
    )
    assert no_reason.status_code == 422 and "reason" in no_reason.json["errors"]
    applied(
        client,
        world,
        "sgk_coordinator",
        entity="data_element",
        action="close",
        target=str(element_id),
        reason="Yerine yenisi tanımlandı",
    )
    assert client.get("/api/v1/data-elements").json == []

    history = client.get(f"/api/v1/data-elements/{element_id}/history").json["changes"]
    assert [c["action"] for c in history] == ["create", "update", "close"]
    assert history[1]["changes"]["format"] == [None, "13 rakam"]
    feed = [
        c for c in client.get("/api/v1/changes").json["changes"] if c["entity"] == "data_element"
    ]
    assert [c["action"] for c in feed] == ["create", "update", "close"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": None}, "data.name"),
        ({"data_type": "numara"}, "data.data_type"),
        ({"data_type": "code"}, "data.code_list"),
        ({"personal_data": "gizli"}, "data.personal_data"),
        ({"legal_basis": 999999}, "data.legal_basis"),
        ({"owner": "99999999"}, "data.owner"),
        ({"colour": "mavi"}, "data.colour"),
    ],
)
def test_bad_data_elements_are_refused_naming_the_field(
    client: FlaskClient, world: World, change: dict[str, Any], field: str
) -> None:
    data = {**element(world, "Adres"), **change}
    data = {k: v for k, v in data.items() if v is not None}
    answer = submit(
        client, world, "sgk_coordinator", entity="data_element", action="create", data=data
    )
    assert answer.status_code == 422, answer.json
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert field in answer.json["errors"], answer.json
    assert " / " in answer.json["detail"]


def test_a_second_element_of_the_same_name_is_refused(client: FlaskClient, world: World) -> None:
    make_element(client, world, "sgk_coordinator", **element(world, "Prim Gün Sayısı"))
    again = submit(
        client,
        world,
        "sgk_coordinator",
        entity="data_element",
        action="create",
        data=element(world, "PRİM GÜN SAYISI"),
    )
    assert again.status_code == 422 and "data.name" in again.json["errors"]


def test_what_documents_and_services_are_made_of(
    client: FlaskClient, world: World, session: Session
) -> None:
    document = make_document(session, "Sigortalılık Belgesi", issuer=world.sgk)
    service = make_service(
        session, "İkamet İzni Başvurusu", world.bidb, required_documents=[document]
    )
    session.commit()
    number = make_element(client, world, "sgk_coordinator", **element(world, "SGK Sicil Numarası"))
    start = make_element(
        client, world, "sgk_coordinator", **element(world, "İşe Giriş Tarihi", data_type="date")
    )

    wrong_side = submit(
        client,
        world,
        "goc_coordinator",
        entity="document_elements",
        action="update",
        target=document,
        data={"elements": [number]},
    )
    assert wrong_side.status_code == 403  # what an SGK document holds is SGK's to say
    applied(
        client,
        world,
        "sgk_coordinator",
        entity="document_elements",
        action="update",
        target=document,
        data={"elements": [number, start]},
    )
    held = client.get(f"/api/v1/documents/{document}/data-elements").json
    assert [e["name"] for e in held["elements"]] == ["SGK Sicil Numarası", "İşe Giriş Tarihi"]
    same = submit(
        client,
        world,
        "sgk_coordinator",
        entity="document_elements",
        action="update",
        target=document,
        data={"elements": [number, start]},
    )
    assert same.status_code == 422  # changes nothing
    unknown = submit(
        client,
        world,
        "sgk_coordinator",
        entity="document_elements",
        action="update",
        target=document,
        data={"elements": [number, 987654]},
    )
    assert unknown.status_code == 422 and "data.elements.1" in unknown.json["errors"]

    applied(
        client,
        world,
        "goc_coordinator",
        entity="service_elements",
        action="update",
        target=service,
        data={"inputs": [number], "outputs": [start]},
    )
    uses = client.get(f"/api/v1/services/{service}/data-elements").json
    assert [e["id"] for e in uses["inputs"]] == [number]
    assert [e["id"] for e in uses["outputs"]] == [start]
    shown = client.get(f"/api/v1/data-elements/{number}").json
    assert shown["documents"] == [document]
    assert shown["services"] == [{"service": service, "direction": "input"}]
    outsider = submit(
        client,
        world,
        "sgk_coordinator",
        entity="service_elements",
        action="update",
        target=service,
        data={"inputs": []},
    )
    assert outsider.status_code == 403


def _sgk_integration(world: World, elements: list[int], **fields: Any) -> dict[str, Any]:
    return {
        "name": "Sigortalılık bilgisi paylaşımı",
        "provider": world.sgk,
        "consumer": world.goc,
        "elements": elements,
        "protocol_no": "2024/17",
        "protocol_date": "2024-03-01",
        "channel": "web_service",
        "address": "https://ws.sgk.gov.tr/sigortalilik",
        "api_description": "https://ws.sgk.gov.tr/sigortalilik?wsdl",
        "status": "in_use",
        **fields,
    }


def test_an_integration_needs_both_institutions_then_a_reviewer(
    client: FlaskClient, world: World
) -> None:
    number = make_element(client, world, "sgk_coordinator", **element(world, "SGK Sicil Numarası"))
    data = _sgk_integration(world, [number])
    provider_side = submit(
        client, world, "sgk_coordinator", entity="integration", action="create", data=data
    )
    assert provider_side.status_code == 403  # the consumer files it
    integration = integration_approved(client, world, data)
    shown = client.get(f"/api/v1/integrations/{integration}").json
    assert (shown["provider"], shown["consumer"], shown["elements"]) == (
        world.sgk,
        world.goc,
        [number],
    )
    assert shown["protocol_date"] == "2024-03-01" and shown["status"] == "in_use"
    listed = client.get("/api/v1/integrations", query_string={"organization": world.sgk}).json
    assert [i["id"] for i in listed] == [integration]
    assert (
        client.get("/api/v1/integrations", query_string={"organization": world.labour}).json == []
    )

    retire = submit(
        client,
        world,
        "goc_coordinator",
        entity="integration",
        action="update",
        target=str(integration),
        data={"status": "retired"},
    )
    assert retire.status_code == 201
    assert approve(client, world, retire.json["id"], "goc_approver").status_code == 200
    assert approve(client, world, retire.json["id"], "sgk_approver").status_code == 200
    assert approve(client, world, retire.json["id"]).json["status"] == "approved"
    history = client.get(f"/api/v1/integrations/{integration}/history").json["changes"]
    assert history[-1]["changes"]["status"] == ["in_use", "retired"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"address": None}, "data.address"),
        ({"consumer": "SGK"}, "data.consumer"),
        ({"protocol_no": None}, "data.legal_basis"),
        ({"elements": []}, "data.elements"),
        ({"channel": "faks"}, "data.channel"),
        ({"protocol_date": "01.03.2024"}, "data.protocol_date"),
        ({"api_description": "ws.sgk"}, "data.api_description"),
    ],
)
def test_bad_integrations_are_refused_naming_the_field(
    client: FlaskClient, world: World, change: dict[str, Any], field: str
) -> None:
    number = make_element(client, world, "sgk_coordinator", **element(world, "SGK Sicil Numarası"))
    if change.get("consumer") == "SGK":
        change = {"consumer": world.sgk}
    data = {**_sgk_integration(world, [number]), **change}
    data = {k: v for k, v in data.items() if v is not None}
    answer = submit(
        client, world, "goc_coordinator", entity="integration", action="create", data=data
    )
    if field == "data.consumer":  # a coordinator of Göç cannot name SGK as the consumer...
        assert answer.status_code in (403, 422)
        answer = submit(client, world, "reviewer", entity="integration", action="create", data=data)
    assert answer.status_code == 422, answer.json
    assert answer.headers["Content-Type"].startswith("application/problem+json")
    assert field in answer.json["errors"], answer.json


def _once_only(client: FlaskClient, document: str) -> dict[str, Any]:
    rows = client.get("/api/v1/reports/once-only-data").json
    return next(r for r in rows if r["document"] == document)


def test_a_document_moves_from_integration_needed_to_stop_asking(
    client: FlaskClient, world: World, session: Session
) -> None:
    document = make_document(session, "Sigortalılık Belgesi", issuer=world.sgk)
    undescribed = make_document(session, "Kira Sözleşmesi")
    make_service(
        session,
        "İkamet İzni Başvurusu",
        world.bidb,
        annual_volume=120000,
        required_documents=[document, undescribed],
    )
    make_service(
        session,
        "Ailevi İkamet İzni",
        world.yhgm,
        annual_volume=30000,
        required_documents=[document],
    )
    make_service(
        session, "Emeklilik Başvurusu", world.sgk, annual_volume=5000, required_documents=[document]
    )
    session.commit()
    number = make_element(client, world, "sgk_coordinator", **element(world, "SGK Sicil Numarası"))
    name = make_element(
        client,
        world,
        "goc_coordinator",
        **element(world, "Yabancı Kimlik Numarası", owner=world.goc),
    )
    applied(
        client,
        world,
        "sgk_coordinator",
        entity="document_elements",
        action="update",
        target=document,
        data={"elements": [number, name]},
    )

    row = _once_only(client, document)
    assert row["organization"] == world.goc and row["annual_volume"] == 150000
    assert len(row["services"]) == 2
    assert row["verdict"] == "integration_needed" and row["missing"] == [number]
    assert row["advice"] == "Entegrasyon gerekli / integration needed"
    rows = client.get("/api/v1/reports/once-only-data").json
    own = next(r for r in rows if r["organization"] == world.sgk)
    assert own["verdict"] == "integration_needed"  # Göç's element reaches SGK through nothing
    assert [r["annual_volume"] for r in rows] == sorted(
        (r["annual_volume"] for r in rows), reverse=True
    )
    assert next(r for r in rows if r["document"] == undescribed)["verdict"] == "undescribed"

    planned = integration_approved(
        client, world, _sgk_integration(world, [number], status="planned")
    )
    assert _once_only(client, document)["verdict"] == "integration_needed"  # not in use yet
    applied_update = submit(
        client,
        world,
        "goc_coordinator",
        entity="integration",
        action="update",
        target=str(planned),
        data={"status": "in_use"},
    )
    request_id = applied_update.json["id"]
    for who in ("goc_approver", "sgk_approver", "reviewer"):
        assert approve(client, world, request_id, who).status_code == 200
    row = _once_only(client, document)
    assert row["verdict"] == "stop_asking" and row["through"] == [planned]
    assert row["advice"] == "İstemeyi bırakın / stop asking"
    only_goc = client.get(
        "/api/v1/reports/once-only-data",
        query_string={"organization": world.bidb, "verdict": "stop_asking"},
    ).json
    assert [(r["document"], r["organization"]) for r in only_goc] == [(document, world.goc)]


def test_an_integration_to_another_institution_means_extend_the_protocol(
    client: FlaskClient, world: World, session: Session
) -> None:
    document = make_document(session, "Sigortalılık Belgesi", issuer=world.sgk)
    make_service(
        session, "Çalışma İzni", world.labour, annual_volume=10, required_documents=[document]
    )
    session.commit()
    number = make_element(client, world, "sgk_coordinator", **element(world, "SGK Sicil Numarası"))
    applied(
        client,
        world,
        "sgk_coordinator",
        entity="document_elements",
        action="update",
        target=document,
        data={"elements": [number]},
    )
    assert _once_only(client, document)["verdict"] == "integration_needed"
    integration = integration_approved(client, world, _sgk_integration(world, [number]))
    row = _once_only(client, document)
    assert row["organization"] == world.labour
    assert row["verdict"] == "extend_protocol" and row["extend"] == [integration]

    page = client.get("/api/v1/reports/once-only-data", query_string={"format": "csv"})
    assert page.status_code == 200 and page.mimetype == "text/csv"
    table = list(csv.reader(io.StringIO(page.data.decode("utf-8-sig"))))
    assert (
        table[0][0] == "Belge kodu" and table[1][6] == "Protokolü genişletin / extend the protocol"
    )
    book = client.get("/api/v1/reports/once-only-data", query_string={"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(book.data)).active
    assert sheet is not None and sheet.cell(row=2, column=1).value == document

    # The contract's spelling, /reports/once-only?level=data, leads to the same report.
    moved = client.get("/api/v1/reports/once-only", query_string={"level": "data", "format": "csv"})
    assert moved.status_code == 307
    assert moved.headers["Location"].endswith("/api/v1/reports/once-only-data?format=csv")
    followed = client.get(
        "/api/v1/reports/once-only", query_string={"level": "data"}, follow_redirects=True
    )
    assert (
        followed.status_code == 200
        and followed.json == client.get("/api/v1/reports/once-only-data").json
    )
    wrong = client.get("/api/v1/reports/once-only", query_string={"level": "paper"})
    assert wrong.status_code == 422 and "level" in str(wrong.json["errors"])


def test_applications_and_the_it_landscape(
    client: FlaskClient, world: World, session: Session
) -> None:
    service = make_service(session, "İkamet İzni Başvurusu", world.bidb)
    session.commit()
    number = make_element(client, world, "sgk_coordinator", **element(world, "SGK Sicil Numarası"))
    integration = integration_approved(client, world, _sgk_integration(world, [number]))
    data = {
        "name": "e-İkamet",
        "owner": world.bidb,
        "url": "https://e-ikamet.goc.gov.tr",
        "hosting": "kamu_net",
        "status": "in_use",
        "services": [
            {"service": service, "channel": "e_devlet"},
            {"service": service, "channel": "portal"},
        ],
        "integrations": [{"integration": integration, "role": "uses"}],
    }
    outsider = submit(
        client, world, "sgk_coordinator", entity="application", action="create", data=data
    )
    assert outsider.status_code == 403
    bad = submit(
        client,
        world,
        "goc_coordinator",
        entity="application",
        action="create",
        data={**data, "services": [{"service": "YOK-1", "channel": "e_devlet"}]},
    )
    assert bad.status_code == 422 and "data.services.0.service" in bad.json["errors"]
    hosting = submit(
        client,
        world,
        "goc_coordinator",
        entity="application",
        action="create",
        data={**data, "hosting": "bulut"},
    )
    assert hosting.status_code == 422 and "data.hosting" in hosting.json["errors"]
    application = applied(
        client, world, "goc_coordinator", entity="application", action="create", data=data
    )
    shown = client.get(f"/api/v1/applications/{application}").json
    assert [s["channel"] for s in shown["services"]] == ["e_devlet", "portal"]
    assert client.get("/api/v1/applications", query_string={"organization": world.goc}).json[0][
        "id"
    ] == int(application)
    assert client.get("/api/v1/applications", query_string={"organization": world.sgk}).json == []

    goc = client.get(f"/api/v1/organizations/{world.goc}/it-landscape").json
    assert goc["institution"]["detsis_no"] == world.goc
    assert [a["name"] for a in goc["applications"]] == ["e-İkamet"]
    assert [i["id"] for i in goc["integrations_in"]] == [integration] and goc[
        "integrations_out"
    ] == []
    assert goc["integrations_in"][0]["other"]["detsis_no"] == world.sgk
    sgk = client.get(f"/api/v1/organizations/{world.sgk}/it-landscape").json
    assert [i["id"] for i in sgk["integrations_out"]] == [integration]
    picture = client.get(
        f"/api/v1/organizations/{world.goc}/it-landscape", query_string={"format": "svg"}
    )
    assert picture.mimetype == "image/svg+xml"
    svg = etree.fromstring(picture.data)
    texts = [t.text for t in svg.iter("{http://www.w3.org/2000/svg}text")]
    assert "e-İkamet" in texts and "1 entegrasyon" in texts and "Sosyal Güvenlik Kurumu" in texts

    applied(
        client,
        world,
        "goc_coordinator",
        entity="application",
        action="update",
        target=application,
        data={"status": "retired"},
    )
    assert client.get(f"/api/v1/applications/{application}").json["status"] == "retired"


# -- the reports on the sample data (read only) --


def _unit(client: FlaskClient, query: str) -> str:
    found = client.get("/api/v1/organizations", query_string={"q": query}).json
    assert found, query
    return str(found[0]["detsis_no"])


def _sample_row(client: FlaskClient, document: str, institution: str) -> dict[str, Any]:
    rows = client.get("/api/v1/reports/once-only-data", query_string={"page_size": 5000}).json
    return next(
        r for r in rows if (r["document_name"], r["organization"]) == (document, institution)
    )


def test_the_sample_once_only_report_names_what_to_stop_asking(demo_client: FlaskClient) -> None:
    goc = _unit(demo_client, "göç idaresi başkanlığı")
    interior = _unit(demo_client, "içişleri bakanlığı")
    address = _sample_row(demo_client, "Yerleşim Yeri Belgesi", goc)
    assert address["verdict"] == "stop_asking" and address["missing"] == []
    kps = [demo_client.get(f"/api/v1/integrations/{i}").json for i in address["through"]]
    assert {i["provider"] for i in kps} == {_unit(demo_client, "nüfus ve vatandaşlık işleri")}
    assert all(i["status"] == "in_use" for i in kps)
    assert address["annual_volume"] > 0 and len(address["services"]) >= 5
    fee = _sample_row(demo_client, "Harç Makbuzu", goc)
    assert fee["verdict"] == "extend_protocol"  # Gelir İdaresi shares it with İçişleri only
    assert demo_client.get(f"/api/v1/integrations/{fee['extend'][0]}").json["consumer"] != goc
    assert _sample_row(demo_client, "Harç Makbuzu", interior)["verdict"] == "stop_asking"
    assert _sample_row(demo_client, "Öğrenci Belgesi", goc)["verdict"] == "integration_needed"
    assert _sample_row(demo_client, "Pasaport", goc)["verdict"] == "undescribed"
    rows = demo_client.get("/api/v1/reports/once-only-data", query_string={"page_size": 5000}).json
    assert [r["annual_volume"] for r in rows] == sorted(
        (r["annual_volume"] for r in rows), reverse=True
    )
    paged = demo_client.get(
        "/api/v1/reports/once-only-data", query_string={"page_size": 2, "page": 2}
    )
    assert [r["document"] for r in paged.json] == [r["document"] for r in rows[2:4]]
    assert json.loads(paged.headers["X-Pagination"])["total"] == len(rows)

    page = demo_client.get("/once-only", query_string={"verdict": "stop_asking"})
    assert page.status_code == 200 and "Yerleşim Yeri Belgesi" in page.get_data(as_text=True)
    assert "İstemeyi bırakın" in page.get_data(as_text=True)
    assert demo_client.get("/once-only", query_string={"verdict": "hepsi"}).status_code == 400


def test_the_sample_it_landscape_and_elements(demo_client: FlaskClient) -> None:
    goc = _unit(demo_client, "göç idaresi başkanlığı")
    landscape = demo_client.get(f"/api/v1/organizations/{goc}/it-landscape").json
    assert [a["name"] for a in landscape["applications"]] == ["e-İkamet", "Göç Randevu Sistemi"]
    incoming = {i["name"]: i["other"]["name"] for i in landscape["integrations_in"]}
    assert incoming["Kimlik Paylaşım Sistemi (KPS): kimlik bilgileri"] == "İçişleri Bakanlığı"
    assert {i["other"]["name"] for i in landscape["integrations_out"]} == {
        "Sosyal Güvenlik Kurumu",
        "Sakarya Üniversitesi Rektörlüğü",
    }
    page = demo_client.get(f"/organizations/{goc}/it-landscape").get_data(as_text=True)
    assert "e-İkamet" in page and "KamuNet" in page and "Kimlik Paylaşım Sistemi" in page

    found = demo_client.get("/api/v1/data-elements", query_string={"q": "tc kimlik"}).json
    assert [e["name"] for e in found] == ["T.C. Kimlik Numarası"]
    assert len(found[0]["documents"]) >= 5 and found[0]["personal_data"] == "ordinary"
    photo = demo_client.get("/api/v1/data-elements", query_string={"q": "biyometrik"}).json[0]
    assert photo["personal_data"] == "special" and photo["data_type"] == "binary"


def test_linked_data_nodes_of_elements_and_integrations(demo_app: Any) -> None:
    with demo_app.app_context(), get_db(demo_app).sessionmaker() as session:
        graph = linked_data.nodes(session, "https://kaysis.example.gov.tr")
    concepts = {n["skos:prefLabel"]["@value"]: n for n in graph if n["@type"] == "skos:Concept"}
    number = concepts["T.C. Kimlik Numarası"]
    assert number["dct:type"] == {"@id": "xsd:string"}
    assert number["dct:creator"]["@id"].startswith(
        "https://kaysis.example.gov.tr/api/v1/organizations/"
    )
    assert number["cv:hasLegalResource"]["@id"].startswith(
        "https://kaysis.example.gov.tr/api/v1/legislation/"
    )
    services = [n for n in graph if n["@type"] == "dcat:DataService"]
    kps = next(n for n in services if n["dct:title"]["@value"].startswith("Kimlik Paylaşım"))
    assert kps["dcat:endpointURL"]["@id"].startswith("https://kpsv2.nvi.gov.tr/")
    assert kps["dct:issued"] == {"@value": "2014-06-02", "@type": "xsd:date"}
    assert number["@id"] in [ref["@id"] for ref in kps["dct:references"]]


def test_the_institutional_performance_report(
    client: FlaskClient, world: World, session: Session
) -> None:
    fast = make_service(
        session,
        "Randevu",
        world.bidb,
        channels=["e_devlet", "in_person"],
        annual_volume=30000,
        max_duration="30 gün",
        average_duration="3 gün",
    )
    slow = make_service(
        session,
        "Ruhsat",
        world.yhgm,
        channels=["in_person"],
        annual_volume=10000,
        max_duration="10 gün",
        average_duration="15 gün",
    )
    make_service(session, "Sigorta Tescili", world.sgk, annual_volume=500000)  # another institution
    session.commit()
    for index, score in enumerate((5, 4, 2)):
        rated = client.post(
            "/api/v1/surveys",
            json={"service": fast, "score": score},
            environ_base={"REMOTE_ADDR": f"127.0.0.{index + 10}"},  # one rating per client a day
        )
        assert rated.status_code == 201, rated.json
    found = client.get("/api/v1/reports/performance", query_string={"organization": world.bidb})
    assert found.status_code == 200, found.json
    report = found.json
    assert report["institution"]["detsis_no"] == world.goc
    assert report["services"] == 2 and report["annual_volume"] == 40000
    assert report["electronic_share"] == 0.5 and report["electronic_volume_share"] == 0.75
    assert report["duration"]["worst"] == {"service": slow, "name": "Ruhsat", "ratio": 1.5}
    assert report["duration"]["median_ratio"] == 0.8 and report["duration"]["over_standard"] == 1
    assert report["complaints"] == {"total": 0, "per_10000": 0.0, "outcomes": {}}
    assert report["satisfaction"] == {"responses": 3, "rate": 66.7}
    table = client.get(
        "/api/v1/reports/performance", query_string={"organization": world.goc, "format": "csv"}
    )
    lines = table.data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("Hizmet kodu,Hizmet") and len(lines) == 3
    missing = client.get("/api/v1/reports/performance")
    assert missing.status_code == 422 and "organization" in missing.json["errors"]
