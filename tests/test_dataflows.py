"""On the sample dataset: document names resolved, data flows between institutions, the once-only
report; as a new user would try them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient
from lxml import etree

from registry.kernel import tabular

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
