"""Places and the code tables (categories, unit types) as dated records through the workflow,
and the file plan importer."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.reference import code_tables, places
from tests.reference_world import applied, feed, submit
from tests.workflow_world import World, build_world

SEEDED = Provenance(recorded_by="test")


@pytest.fixture
def world(session: Session) -> World:
    built = build_world(session)
    places.load_packaged(session, date(2020, 1, 1), SEEDED)
    code_tables.load_packaged(session, date(2020, 1, 1), SEEDED)
    session.commit()
    return built


def test_all_provinces_and_districts_with_area_codes(client: FlaskClient, world: World) -> None:
    provinces = client.get("/api/v1/places", query_string={"kind": "province", "page_size": 100})
    assert provinces.json[0] == {
        **provinces.json[0],
        "id": 1,
        "name": "Adana",
        "plate": 1,
        "area_code": "322",
    }
    assert len(provinces.json) == 81
    ankara = client.get("/api/v1/places", query_string={"province": 6, "kind": "district"}).json
    assert "Çankaya" in [d["name"] for d in ankara] and len(ankara) == 25
    assert all(d["area_code"] == "312" and d["province_name"] == "Ankara" for d in ankara)
    kadikoy = client.get("/api/v1/places", query_string={"q": "kadikoy"}).json
    assert [(p["name"], p["area_code"]) for p in kadikoy] == [("Kadıköy", "216")]
    total = client.get("/api/v1/places", query_string={"kind": "district", "page_size": 1})
    assert '"total": 973' in total.headers["X-Pagination"]
    unknown = client.get("/api/v1/places", query_string={"province": 82})
    assert unknown.status_code == 422 and "province" in unknown.json["errors"]


def test_a_new_district_is_a_dated_record_of_the_working_group(
    client: FlaskClient, world: World
) -> None:
    data = {"id": 6026, "kind": "district", "name": "Yeni İlçe", "province_code": 6}
    assert (
        submit(client, world, "goc_coordinator", entity="place", action="create", data=data)
    ).status_code == 403
    key = applied(
        client,
        world,
        "reviewer",
        entity="place",
        action="create",
        data=data,
        effective_from="2026-01-01",
    )
    assert key == "6026"
    applied(
        client,
        world,
        "reviewer",
        entity="place",
        action="update",
        target="6026",
        data={"area_code": "313"},
        effective_from="2026-06-01",
    )
    then = client.get("/api/v1/places/6026", query_string={"at": "2026-03-01"}).json
    assert then["area_code"] is None and then["version"] == 1
    now = client.get("/api/v1/places/6026").json
    assert now["area_code"] == "313" and now["version"] == 2
    assert client.get("/api/v1/places/6026", query_string={"at": "2025-12-31"}).status_code == 404
    applied(
        client,
        world,
        "reviewer",
        entity="place",
        action="close",
        target="6026",
        reason="Birleştirildi",
    )
    assert client.get("/api/v1/places/6026").json["active"] is False
    history = client.get("/api/v1/places/6026/history").json
    assert [c["action"] for c in history["changes"]] == ["create", "update", "close"]
    assert "submitted_by" not in history["changes"][0]  # only for those who may see the audit
    assert [e["action"] for e in feed(client, "place") if e["id"] == "6026"] == [
        "create",
        "update",
        "close",
    ]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (
            {"id": 82001, "kind": "district", "name": "Yok", "province_code": 82},
            "data.province_code",
        ),
        ({"id": 6999, "kind": "district", "name": "Yok"}, "data.province_code"),
        ({"id": 7001, "kind": "district", "name": "Yanlış", "province_code": 6}, "data.id"),
        ({"id": 5, "kind": "province", "name": "Yanlış", "province_code": 6}, "data.id"),
        ({"id": 12, "kind": "country", "name": "Ülke"}, "data.id"),
        ({"id": 6030, "kind": "town", "name": "Kasaba", "province_code": 6}, "data.kind"),
    ],
)
def test_unknown_or_misnumbered_places_are_refused(
    client: FlaskClient, world: World, data: dict[str, object], field: str
) -> None:
    response = submit(client, world, "reviewer", entity="place", action="create", data=data)
    assert response.status_code == 422 and field in response.json["errors"], response.json


def test_an_existing_place_is_a_conflict(client: FlaskClient, world: World) -> None:
    data = {"id": 6, "kind": "province", "name": "Ankara", "province_code": 6}
    response = submit(client, world, "reviewer", entity="place", action="create", data=data)
    assert response.status_code == 409


def test_code_tables_and_an_addressee_exception(client: FlaskClient, world: World) -> None:
    categories = client.get("/api/v1/categories").json
    assert categories[2]["name"] == "Bakanlık" and categories[2]["plural_name"] == "Bakanlıklar"
    types = {t["name"]: t for t in client.get("/api/v1/unit-types").json}
    general = types["Genel Müdürlük"]
    assert (general["addressee_cut"], general["addressee_add"]) == ("k", "ğe")
    assert general["addressee_exception"] is False
    provincial = types["İl Müdürlüğü"]
    assert (provincial["addressee_cut"], provincial["addressee_add"]) == ("", "ne")
    target = str(types["Kurul"]["id"])
    applied(
        client,
        world,
        "reviewer",
        entity="unit_type",
        action="update",
        target=target,
        data={"addressee": {"cut": "", "add": "una"}, "parent": 3},
    )
    board = client.get(f"/api/v1/unit-types/{target}").json
    assert (board["addressee_add"], board["addressee_exception"], board["parent"]) == (
        "una",
        True,
        3,
    )
    before = client.get(f"/api/v1/unit-types/{target}", query_string={"at": "2021-01-01"}).json
    assert before["addressee_exception"] is False
    bad_parent = submit(
        client,
        world,
        "reviewer",
        entity="unit_type",
        action="update",
        target=target,
        data={"parent": 999},
    )
    assert bad_parent.status_code == 422 and "data.parent" in bad_parent.json["errors"]
    outsider = submit(
        client,
        world,
        "sgk_coordinator",
        entity="category",
        action="update",
        target="3",
        data={"plural_name": "Bakanlıklar"},
    )
    assert outsider.status_code == 403


def test_file_plan_import_twice_changes_nothing(app: Flask, tmp_path: Path) -> None:
    path = tmp_path / "sdp.csv"
    path.write_text(
        "Ana Kod;Alt Kod 1;Konu Adı;Birimde Saklama;Arşivde Saklama;Saklama Kodu;Dipnot\n"
        "010;;Mevzuat İşleri;;;;\n"
        "010;01;Kanun Tasarıları;2 yıl;5;A;Görüşler dahil\n"
        "020;;Genel Yazışmalar;1;3;AD;\n"
        "020;05;Üst kodu dosyada;1;3;İ;\n"
        "030.01;;Üst kodu yok;1;;;\n"
        "7a0;;Bozuk kod;;;;\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    first = runner.invoke(args=["import-file-plan", str(path), "--apply"])
    assert "4 created, 0 updated, 0 unchanged, 0 pending, 2 refused" in first.output, first.output
    assert "no parent code 030" in first.output and "7a0: Dosya planı kodu" in first.output
    second = runner.invoke(args=["import-file-plan", str(path), "--apply"])
    assert "0 created, 0 updated, 4 unchanged" in second.output, second.output
    client = app.test_client()
    code = client.get("/api/v1/file-plan/010.01").json
    assert code["retention"] == {"unit_years": 2, "archive_years": 5}
    assert code["note"] == "Görüşler dahil" and code["disposition"] == "archive"
    assert client.get("/api/v1/file-plan/020.05").json["disposition_code"] == "İ"
    path.write_text(
        path.read_text("utf-8").replace("Genel Yazışmalar;1;3", "Genel Yazışmalar;2;3"),
        encoding="utf-8",
    )
    third = runner.invoke(args=["import-file-plan", str(path), "--apply"])
    assert "0 created, 1 updated, 3 unchanged" in third.output, third.output
    assert client.get("/api/v1/file-plan/020").json["retention"]["unit_years"] == 2
    assert client.get("/api/v1/file-plan/020").json["version"] == 2
