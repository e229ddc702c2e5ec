"""The organization API over HTTP, on the sample dataset, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask.testing import FlaskClient
from lxml import etree

from registry.kernel import turkish

CONTRACT_FIELDS = {
    "detsis_no",
    "name",
    "short_name",
    "english_name",
    "parent",
    "institution",
    "category",
    "unit_type",
    "level",
    "province",
    "district",
    "contact",
    "kep_addresses",
    "status",
    "valid_from",
    "valid_to",
    "predecessors",
    "successors",
    "path",
}


def find_one(client: FlaskClient, q: str, **params: Any) -> dict[str, Any]:
    response = client.get("/api/v1/organizations", query_string={"q": q, **params})
    assert response.status_code == 200, response.json
    assert response.json, f"nothing found for {q!r}"
    return response.json[0]


@pytest.mark.parametrize("query", ["goc idaresi", "gÖÇ idaresi", "GÖÇ İDARESİ", "Göç İdaresi Başk"])
def test_search_finds_goc_idaresi_first_whatever_the_letters(
    demo_client: FlaskClient, query: str
) -> None:
    unit = find_one(demo_client, query)
    assert unit["name"] == "Göç İdaresi Başkanlığı"


def test_search_with_capital_dotless_i_matches(demo_client: FlaskClient) -> None:
    names = [
        u["name"]
        for u in demo_client.get(
            "/api/v1/organizations", query_string={"q": "ISPARTA", "page_size": 10}
        ).json
    ]
    assert "Isparta Valiliği" in names
    names = [
        u["name"]
        for u in demo_client.get(
            "/api/v1/organizations", query_string={"q": "istanbul valiligi"}
        ).json
    ]
    assert names == ["İstanbul Valiliği"]


def test_unit_has_every_contract_field(demo_client: FlaskClient) -> None:
    unit = find_one(demo_client, "İzmir İl Göç İdaresi Müdürlüğü")
    response = demo_client.get(f"/api/v1/organizations/{unit['detsis_no']}")
    body = response.json
    assert CONTRACT_FIELDS <= body.keys()
    assert isinstance(body["detsis_no"], str) and len(body["detsis_no"]) == 8
    assert body["level"] == "provincial"
    assert body["province"] == {"code": 35, "name": "İzmir"}
    assert body["status"] == "active"
    assert set(body["contact"]) == {"address", "phone", "fax", "email", "web", "info_person"}
    assert [p["name"] for p in body["path"]] == [
        "İçişleri Bakanlığı",
        "Göç İdaresi Başkanlığı",
        "İzmir İl Göç İdaresi Müdürlüğü",
    ]
    goc = body["path"][1]["detsis_no"]
    assert body["parent"] == goc
    assert body["institution"] == goc  # the attached body is its own institution


def test_real_detsis_numbers_are_kept(demo_client: FlaskClient) -> None:
    for number, name in [
        ("22620739", "Sosyal Güvenlik Kurumu"),
        ("24325150", "Ulaştırma ve Altyapı Bakanlığı"),
        ("35955870", "Sakarya Üniversitesi Rektörlüğü"),
    ]:
        response = demo_client.get(f"/api/v1/organizations/{number}")
        assert response.status_code == 200
        assert response.json["name"] == name


def test_as_of_a_date_answers_with_the_state_then(demo_client: FlaskClient) -> None:
    izmir = find_one(demo_client, "izmir il goc idaresi")["detsis_no"]
    then = demo_client.get(f"/api/v1/organizations/{izmir}?at=2025-11-21").json
    now = demo_client.get(f"/api/v1/organizations/{izmir}").json
    assert then["contact"]["address"] == "İl Göç İdaresi Müdürlüğü, Merkez/İzmir"
    assert now["contact"]["address"].startswith("Halkapınar Mahallesi")
    assert then["valid_to"] == "2026-01-05"
    assert now["valid_from"] == "2026-01-05"


def test_as_of_a_date_shows_the_old_name_in_the_path(demo_client: FlaskClient) -> None:
    izmir = find_one(demo_client, "izmir il goc idaresi")["detsis_no"]
    path = demo_client.get(f"/api/v1/organizations/{izmir}?at=2019-06-01").json["path"]
    assert path[1]["name"] == "Göç İdaresi Genel Müdürlüğü"
    uab = demo_client.get("/api/v1/organizations/24325150?at=2015-01-01").json
    assert uab["name"] == "Ulaştırma, Denizcilik ve Haberleşme Bakanlığı"


def test_before_creation_is_not_found(demo_client: FlaskClient) -> None:
    response = demo_client.get("/api/v1/organizations/24325150?at=1999-01-01")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert "1999-01-01" in response.json["detail"]


def test_children_ancestors_subtree(demo_client: FlaskClient) -> None:
    goc = find_one(demo_client, "goc idaresi baskanligi")["detsis_no"]
    children = demo_client.get(f"/api/v1/organizations/{goc}/children?page_size=500")
    names = [c["name"] for c in children.json]
    assert json.loads(children.headers["X-Pagination"])["total"] == 6 + 7 + 81
    assert "Yönetim Hizmetleri Genel Müdürlüğü" in names
    assert names == sorted(names, key=turkish.sort_key)

    yhgm = next(c for c in children.json if c["name"] == "Yönetim Hizmetleri Genel Müdürlüğü")
    grandchildren = demo_client.get(f"/api/v1/organizations/{yhgm['detsis_no']}/children").json
    bidb = next(g for g in grandchildren if g["name"] == "Bilgi İşlem Daire Başkanlığı")
    ancestors = demo_client.get(f"/api/v1/organizations/{bidb['detsis_no']}/ancestors").json
    assert [a["name"] for a in ancestors] == [
        "İçişleri Bakanlığı",
        "Göç İdaresi Başkanlığı",
        "Yönetim Hizmetleri Genel Müdürlüğü",
    ]

    tree = demo_client.get(f"/api/v1/organizations/{goc}/subtree?depth=2").json
    assert tree["name"] == "Göç İdaresi Başkanlığı" and tree["depth"] == 0
    general_directorates = [c for c in tree["children"] if c["unit_type"] == "Genel Müdürlük"]
    assert len(general_directorates) == 6
    assert sum(len(c["children"]) for c in general_directorates) == 4 + 5 + 5 + 4 + 7 + 5
    assert all(g["depth"] == 2 for c in general_directorates for g in c["children"])
    shallow = demo_client.get(f"/api/v1/organizations/{goc}/subtree?depth=1").json
    assert all(c["children"] == [] for c in shallow["children"])


def test_history_lists_typed_versions(demo_client: FlaskClient) -> None:
    goc = find_one(demo_client, "goc idaresi baskanligi")["detsis_no"]
    history = demo_client.get(f"/api/v1/organizations/{goc}/history").json
    assert [v["event"] for v in history["versions"]] == ["created", "renamed"]
    assert history["versions"][1]["changes"]["name"] == [
        "Göç İdaresi Genel Müdürlüğü",
        "Göç İdaresi Başkanlığı",
    ]


def test_list_is_in_turkish_alphabetical_order(demo_client: FlaskClient) -> None:
    response = demo_client.get(
        "/api/v1/organizations", query_string={"unit_type": "Valilik", "page_size": 100}
    )
    names = [u["name"].removesuffix(" Valiliği") for u in response.json]
    assert len(names) == 81
    assert (
        names.index("Bursa")
        < names.index("Çanakkale")
        < names.index("Çorum")
        < names.index("Denizli")
    )
    assert (
        names.index("Iğdır")
        < names.index("Isparta")
        < names.index("İstanbul")
        < names.index("İzmir")
    )
    assert (
        names.index("Sivas")
        < names.index("Şanlıurfa")
        < names.index("Şırnak")
        < names.index("Tekirdağ")
    )
    assert names.index("Uşak") < names.index("Van")
    assert names.index("Ordu") < names.index("Osmaniye")


def test_filters(demo_client: FlaskClient) -> None:
    def names(**params: Any) -> list[str]:
        response = demo_client.get(
            "/api/v1/organizations", query_string={"page_size": 500, **params}
        )
        assert response.status_code == 200
        return [u["name"] for u in response.json]

    assert set(names(province=35)) == {
        "İzmir Valiliği",
        "İzmir İl Göç İdaresi Müdürlüğü",
        "İzmir Sosyal Güvenlik İl Müdürlüğü",
    }
    ministries = names(category="Bakanlık")
    assert "Ulaştırma ve Altyapı Bakanlığı" in ministries and "İçişleri Bakanlığı" in ministries
    assert names(level="abroad") == ["Berlin Büyükelçiliği"]
    assert names(parent="22620739", level="provincial") == [
        "Ankara Sosyal Güvenlik İl Müdürlüğü",
        "İzmir Sosyal Güvenlik İl Müdürlüğü",
    ]
    assert names(status="closed") == []


def test_pagination_header_and_limits(demo_client: FlaskClient) -> None:
    response = demo_client.get("/api/v1/organizations?page=2&page_size=10")
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["page"] == 2 and pagination["total"] > 200
    assert len(response.json) == 10
    assert demo_client.get("/api/v1/organizations?page_size=501").status_code == 422


def test_xml_representation(demo_client: FlaskClient) -> None:
    response = demo_client.get(
        "/api/v1/organizations/22620739", headers={"Accept": "application/xml"}
    )
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    root = etree.fromstring(response.data)
    ns = {"k": "urn:kaysis:registry:v1"}
    assert root.tag == "{urn:kaysis:registry:v1}KurumKurulus"
    assert root.findtext("k:KKK", namespaces=ns) == "22620739"
    assert root.findtext("k:Adi", namespaces=ns) == "Sosyal Güvenlik Kurumu"
    assert root.findtext("k:IletisimBilgisi/k:WebAdresi", namespaces=ns) == "https://www.sgk.gov.tr"
    assert root.findtext("k:KepAdresleri/k:KepAdresi/k:Adres", namespaces=ns) == ("sgk@hs01.kep.tr")


def test_etag_gives_304(demo_client: FlaskClient) -> None:
    first = demo_client.get("/api/v1/organizations/22620739")
    etag = first.headers["ETag"]
    assert "Accept" in first.headers["Vary"]
    again = demo_client.get("/api/v1/organizations/22620739", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    xml = demo_client.get(
        "/api/v1/organizations/22620739",
        headers={"Accept": "application/xml", "If-None-Match": etag},
    )
    assert xml.status_code == 200, "the XML variant must not match the JSON ETag"


@pytest.mark.parametrize(
    ("path", "status", "field"),
    [
        ("/api/v1/organizations/12345678", 404, None),
        ("/api/v1/organizations/01234567", 422, "detsis_no"),
        ("/api/v1/organizations/1234567", 422, "detsis_no"),
        ("/api/v1/organizations/abcdefgh", 422, "detsis_no"),
        ("/api/v1/organizations/１２３４５６７８", 422, "detsis_no"),
        ("/api/v1/organizations/24325150?at=2024-02-30", 422, "at"),
        ("/api/v1/organizations/24325150?at=yesterday", 422, "at"),
        ("/api/v1/organizations/24325150?at=2024-1-5", 422, "at"),
        ("/api/v1/organizations/12345678/children", 404, None),
        ("/api/v1/organizations/24325150/subtree?depth=0", 422, "depth"),
        ("/api/v1/organizations/24325150/subtree?depth=x", 422, "depth"),
        ("/api/v1/organizations?level=federal", 422, "level"),
        ("/api/v1/organizations?status=open", 422, "status"),
        ("/api/v1/organizations?category=Kulüp", 422, "category"),
        ("/api/v1/organizations?unit_type=Kulüp", 422, "unit_type"),
        ("/api/v1/organizations?province=82", 422, "province"),
        ("/api/v1/organizations?province=izmir", 422, "province"),
        ("/api/v1/organizations?parent=0000", 422, "parent"),
        ("/api/v1/organizations?parent=12345678", 404, None),
        ("/api/v1/organizations?q=" + "a" * 201, 422, "q"),
        ("/api/v1/organizations?q=%20!!%20", 422, "q"),
        ("/api/v1/organizations?page=0", 422, "page"),
    ],
)
def test_bad_input_gets_a_problem_document(
    demo_client: FlaskClient, path: str, status: int, field: str | None
) -> None:
    response = demo_client.get(path)
    assert response.status_code == status
    assert response.content_type == "application/problem+json"
    body = response.json
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    if field:
        assert field in body["errors"], body
