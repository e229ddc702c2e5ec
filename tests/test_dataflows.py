"""On the sample dataset: document names resolved, data flows between institutions, the once-only
report; as a new user would try them. Then the projection behind the last two: it follows
changes made through the workflow, agrees with a computation from the records and with a
rebuild, and its pages cover every row once."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.app import create_app
from registry.catalogue import dataflow_models, dataflow_projection, dataflows
from registry.kernel import tabular
from registry.kernel.db import get_db
from tests.factories import make_document, make_service, make_unit
from tests.workflow_world import World, build_world

CASES = json.loads((Path(__file__).parent / "data" / "document_names.json").read_text("utf-8"))
GOAL = 0.95


def unit_number(client: FlaskClient, query: str) -> str:
    found = client.get("/api/v1/organizations", query_string={"q": query}).json
    assert found, query
    return str(found[0]["detsis_no"])


def test_free_text_document_names_resolve_to_the_standard_names(demo_client: FlaskClient) -> None:
    def accepted(text: str) -> dict[str, Any] | None:
        answer = demo_client.get("/api/v1/documents/resolve", query_string={"name": text})
        assert answer.status_code == 200
        return next((m for m in answer.json["matches"] if m["accepted"]), None)

    cases = CASES["cases"]
    assert len(cases) >= 40
    right = [c["text"] for c in cases if (m := accepted(c["text"])) and m["name"] == c["expected"]]
    wrong = [
        (c["text"], m["name"])
        for c in cases
        if (m := accepted(c["text"])) and m["name"] != c["expected"]
    ]
    assert len(right) / len(cases) >= GOAL, sorted(set(c["text"] for c in cases) - set(right))
    assert wrong == []  # an unsure name goes to a reviewer, never to the wrong document
    assert [text for text in CASES["unmatched"] if accepted(text)] == []


def test_a_new_user_follows_a_residence_permit_to_the_paper_the_state_could_fetch(
    demo_client: FlaskClient,
) -> None:
    ankara = unit_number(demo_client, "ankara il goc idaresi mudurlugu")
    services = demo_client.get("/api/v1/services", query_string={"organization": ankara}).json
    permit = next(s for s in services if s["name"] == "Kısa Dönem İkamet İzni Başvurusu")
    address = demo_client.get("/api/v1/documents", query_string={"q": "ikametgah"}).json[0]
    assert address["name"] == "Yerleşim Yeri Belgesi"
    assert address["code"] in permit["required_documents"]
    nvi = unit_number(demo_client, "nufus ve vatandaslik isleri genel mudurlugu")
    assert address["issuer"] == nvi
    goc, interior = permit["institution"], unit_number(demo_client, "icisleri bakanligi")

    flows = demo_client.get("/api/v1/dataflows", query_string={"organization": ankara}).json
    edge = next(e for e in flows["edges"] if (e["from"], e["to"]) == (interior, goc))
    assert address["code"] in edge["documents"] and permit["code"] in edge["services"]
    assert all(goc in (e["from"], e["to"]) for e in flows["edges"])  # only Göç's own flows
    assert {n["detsis_no"] for n in flows["nodes"]} >= {goc, interior}

    report = demo_client.get("/api/v1/reports/once-only").json
    row = next(
        r for r in report if (r["service"], r["document"]) == (permit["code"], address["code"])
    )
    assert (row["issuer"], row["issuer_unit"]) == (interior, nvi)
    assert row["annual_volume"] == permit["annual_volume"]
    volumes = [r["annual_volume"] or 0 for r in report]
    assert volumes == sorted(volumes, reverse=True)
    only_ankara = demo_client.get(
        "/api/v1/reports/once-only", query_string={"organization": ankara}
    )
    assert {r["service"] for r in only_ankara.json} <= {s["code"] for s in services}

    match = demo_client.get(
        "/api/v1/documents/resolve", query_string={"name": "nufus cuzdani fotokopisi"}
    ).json["matches"][0]
    assert match["name"] == "Kimlik Kartı" and match["accepted"]


def test_flows_as_graphml_and_svg_and_the_report_as_csv(demo_client: FlaskClient) -> None:
    goc = unit_number(demo_client, "goc idaresi baskanligi")
    graphml = demo_client.get("/api/v1/dataflows?format=graphml")
    assert graphml.mimetype == "application/graphml+xml"
    tree = etree.fromstring(graphml.data)
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    as_json = demo_client.get("/api/v1/dataflows").json
    assert len(tree.findall(".//g:edge", ns)) == len(as_json["edges"]) > 0
    assert {n.get("id") for n in tree.findall(".//g:node", ns)} == {
        n["detsis_no"] for n in as_json["nodes"]
    }

    svg = demo_client.get(f"/api/v1/dataflows?organization={goc}&format=svg")
    assert svg.mimetype == "image/svg+xml"
    picture = etree.fromstring(svg.data)
    texts = "".join(picture.itertext())
    assert "Göç İdaresi Başkanlığı" in texts and "belge" in texts

    report = demo_client.get("/api/v1/reports/once-only?format=csv")
    assert report.mimetype == "text/csv"
    assert report.data.startswith("\ufeff".encode())  # Excel reads the Turkish letters right
    rows = list(csv.reader(io.StringIO(report.data.decode("utf-8-sig"))))
    assert rows[0][:2] == ["Hizmet kodu", "Hizmet"]
    assert len(rows) - 1 == len(demo_client.get("/api/v1/reports/once-only").json)


def test_unknown_or_malformed_institutions_are_refused(demo_client: FlaskClient) -> None:
    assert demo_client.get("/api/v1/dataflows?organization=99999999").status_code == 404
    bad = demo_client.get("/api/v1/dataflows?organization=12ab")
    assert bad.status_code == 422 and "organization" in bad.json["errors"]
    assert demo_client.get("/api/v1/dataflows?format=png").status_code == 422
    assert demo_client.get("/api/v1/reports/once-only?format=xlsx").status_code == 422


def test_csv_cells_never_run_as_formulas() -> None:
    body = tabular.to_csv(["a", "b"], [['=HYPERLINK("x")', "-2+3"], [12, None]])
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[1] == ['\'=HYPERLINK("x")', "'-2+3"]
    assert rows[2] == ["12", ""]


def every_page(client: FlaskClient, url: str, size: int) -> tuple[list[Any], int]:
    """Follow ``Link: rel="next"`` from the first page; every item, and the total announced."""
    items: list[Any] = []
    link: str | None = f"{url}{'&' if '?' in url else '?'}page_size={size}"
    total = -1
    while link:
        answer = client.get(link)
        assert answer.status_code == 200, answer.json
        total = json.loads(answer.headers["X-Pagination"])["total"]
        body = answer.json
        items += body["edges"] if isinstance(body, dict) else body
        link = next(
            (
                part.split(";")[0].strip()[1:-1]
                for part in answer.headers["Link"].split(",")
                if 'rel="next"' in part
            ),
            None,
        )
    return items, total


def agrees(client: FlaskClient, session: Session) -> None:
    """What the API pages say is what a computation from the records says, row for row."""
    session.rollback()  # the test's session holds no transaction while the app works
    rows, row_total = every_page(client, "/api/v1/reports/once-only", 2)
    edges, edge_total = every_page(client, "/api/v1/dataflows", 1)
    computed = [vars(row) for row in dataflows.computed_once_only(session)]
    flows = dataflows.computed_flows(session)["edges"]
    session.rollback()
    assert rows == computed and row_total == len(computed)
    assert edges == flows and edge_total == len(flows)


def approved(client: FlaskClient, world: World, body: dict[str, Any], by: str = "") -> Any:
    """A change as the workflow applies it: proposed by the institution ``by`` (its
    coordinator, then its approver) or by a reviewer, and approved by a reviewer."""
    submitter = f"{by}_coordinator" if by else "reviewer2"
    submitted = client.post(
        "/api/v1/change-requests", json={"reason": "Test", **body}, headers=world.auth(submitter)
    )
    assert submitted.status_code == 201, submitted.json
    url = f"/api/v1/change-requests/{submitted.json['id']}/approve"
    if by:
        first = client.post(url, headers=world.auth(f"{by}_approver"))
        assert first.status_code == 200, first.json
    answer = client.post(url, headers=world.auth("reviewer"))
    assert answer.status_code == 200 and answer.json["status"] == "approved", answer.json
    return answer.json


def test_the_projection_follows_the_workflow_and_agrees_with_the_records_and_a_rebuild(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    world = build_world(session)
    record = make_document(session, "Sigortalılık Belgesi", issuer=world.sgk)
    address = make_document(session, "Adres Belgesi", issuer=world.interior)
    make_service(
        session, "Çalışma İzni", world.bidb, required_documents=[record], annual_volume=900
    )
    session.commit()
    agrees(client, session)  # the first read builds it
    assert session.scalar(select(dataflow_models.ProjectionState.seq)) is not None
    session.rollback()

    # A new service through the workflow: a new flow from SGK to Göç.
    approved(
        client,
        world,
        {
            "entity": "service",
            "action": "create",
            "data": {
                "name": "İkamet İzni",
                "organization": world.yhgm,
                "channels": ["in_person"],
                "required_documents": [record, address],
                "annual_volume": 5000,
            },
        },
        by="goc",
    )
    agrees(client, session)
    report = client.get("/api/v1/reports/once-only").json
    assert [r["annual_volume"] for r in report] == [5000, 5000, 900]
    assert {(r["issuer"], r["same_institution"]) for r in report} == {
        (world.interior, False),
        (world.sgk, False),
    }

    # SGK starts issuing the address document through a service: one more issuer for it.
    approved(
        client,
        world,
        {
            "entity": "service",
            "action": "create",
            "data": {
                "name": "Adres Bildirimi",
                "organization": world.sgk,
                "channels": ["in_person"],
                "issued_documents": [address],
            },
        },
        by="sgk",
    )
    agrees(client, session)
    issuers = {r["issuer"] for r in client.get("/api/v1/reports/once-only").json}
    assert issuers == {world.interior, world.sgk}

    # A move: the unit asking for SGK's paper now belongs to SGK itself; no flow is left to Göç.
    approved(
        client,
        world,
        {
            "entity": "organization",
            "action": "move",
            "target": world.bidb,
            "data": {"parent": world.sgk},
        },
    )
    agrees(client, session)
    moved = [
        r
        for r in client.get("/api/v1/reports/once-only").json
        if r["service_name"] == "Çalışma İzni"
    ]
    assert [(r["organization"], r["same_institution"]) for r in moved] == [(world.sgk, True)]

    # A rename changes no row: names are read per page.
    approved(
        client,
        world,
        {
            "entity": "organization",
            "action": "update",
            "target": world.sgk,
            "data": {"name": "SGK Başkanlığı"},
        },
    )
    agrees(client, session)
    assert "SGK Başkanlığı" in {
        r["issuer_name"] for r in client.get("/api/v1/reports/once-only").json
    }

    # A rebuild from the records gives the same tables.
    before = tables_of(session)
    session.rollback()
    with get_db(app).transaction() as writer:
        dataflow_projection.rebuild(writer)
    session.rollback()
    assert tables_of(session) == before
    session.rollback()
    agrees(client, session)


def tables_of(session: Session) -> dict[str, set[tuple[Any, ...]]]:
    """The projection's rows, without their surrogate ids."""
    models = (
        dataflow_models.OnceOnlyRow,
        dataflow_models.DataflowEdge,
        dataflow_models.DataflowIssuer,
    )
    return {
        model.__tablename__: {
            tuple(getattr(row, c.key) for c in model.__table__.columns if c.key != "id")
            for row in session.scalars(select(model))
        }
        for model in models
    }


def test_pages_cover_every_row_once(demo_app: Flask, demo_client: FlaskClient) -> None:
    with get_db(demo_app).sessionmaker() as session:
        computed = [vars(row) for row in dataflows.computed_once_only(session)]
        flows = dataflows.computed_flows(session)["edges"]
    assert len(computed) > 7 and len(flows) > 3
    for size in (1, 3, 7):
        rows, total = every_page(demo_client, "/api/v1/reports/once-only", size)
        assert rows == computed and total == len(computed)
        edges, total = every_page(demo_client, "/api/v1/dataflows", size)
        assert edges == flows and total == len(flows)
    csv_page = demo_client.get("/api/v1/reports/once-only?format=csv&page=2&page_size=3")
    lines = list(csv.reader(io.StringIO(csv_page.data.decode("utf-8-sig"))))
    assert [line[0] for line in lines[1:]] == [row["service"] for row in computed[3:6]]
    past = demo_client.get("/api/v1/reports/once-only?page=1000&page_size=3")
    assert past.status_code == 200 and past.json == []
    assert demo_client.get("/api/v1/reports/once-only?page_size=5001").status_code == 422


def test_every_node_reads_the_same_projection(database_url: str, tmp_path: Path) -> None:
    """Two nodes on one database: what one node's read brought up to date, the other reads;
    a change committed through either is in the next read of both."""
    first, second = (
        create_app({"DATABASE_URL": database_url, "TESTING": True, "INDEX_DIR": str(tmp_path / n)})
        for n in ("a", "b")
    )
    try:
        with get_db(first).transaction() as session:
            ministry = make_unit(session, "Adalet Bakanlığı", category="Bakanlık")
            court = make_unit(session, "Ceza İşleri Genel Müdürlüğü", parent=ministry)
            registry = make_unit(session, "Nüfus Genel Müdürlüğü", category="Bakanlık")
            record = make_document(session, "Adli Sicil Kaydı", issuer=ministry)
            make_service(session, "Vize Başvurusu", registry, required_documents=[record])
        one, other = first.test_client(), second.test_client()
        assert [r["issuer"] for r in one.get("/api/v1/reports/once-only").json] == [ministry]
        with get_db(second).transaction() as session:
            make_service(session, "Pasaport Başvurusu", court, required_documents=[record])
        for client in (other, one):
            rows = client.get("/api/v1/reports/once-only").json
            assert sorted(r["service_name"] for r in rows) == [
                "Pasaport Başvurusu",
                "Vize Başvurusu",
            ]
            assert [e["from"] for e in client.get("/api/v1/dataflows").json["edges"]] == [ministry]
    finally:
        get_db(first).dispose()
        get_db(second).dispose()
