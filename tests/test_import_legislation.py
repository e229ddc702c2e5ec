"""Importing legislation lists (CSV, JSON): capitals, dd/mm/yyyy and "-" dates, bases and repeals
by number, repeals read from titles, refused rows with line numbers, idempotent re-runs."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient

from importers.commands import ROWS_NOT_TAKEN

LIST = """\
Tür;Sayı;Başlık;Kabul Tarihi;RG Tarihi;RG Sayısı;Dayanak;Kaldırdığı
Kanun;7999;ÖRNEK İDARİ USUL KANUNU;01/02/2024;10.02.2024;32456;;
Yönetmelik;;ÖRNEK İDARİ USUL YÖNETMELİĞİ;-;15/03/2024;32490;Kanun 7999;
Yönetmelik;;ÖRNEK İDARİ USUL YÖNETMELİĞİNİN YÜRÜRLÜKTEN KALDIRILMASINA DAİR YÖNETMELİK;-;\
20/05/2025;32900;7999;
Tüzük;;BOZUK TARİHLİ TÜZÜK;31/02/2020;-;;;
Genelge;;DAYANAĞI OLMAYAN GENELGE;-;01/01/2024;;Kanun 123456;
"""


def test_a_legislation_list_with_a_repeal_in_a_title(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "mevzuat.csv"
    path.write_bytes(LIST.encode("cp1254"))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-legislation", str(path), "--dry-run"])
    assert dry.exit_code == ROWS_NOT_TAKEN, dry.output
    assert "3 to create, 0 to update, 0 unchanged, 0 pending, 2 refused" in dry.output
    assert "refused line 5: tarih anlaşılamadı" in dry.output
    assert "refused line 6: atıf yapılan mevzuat bulunamadı / unknown act 'Kanun 123456'" in (
        dry.output
    )
    applied = runner.invoke(args=["import-legislation", str(path), "--apply"])
    assert applied.exit_code == ROWS_NOT_TAKEN, applied.output
    found = client.get("/api/v1/legislation", query_string={"q": "ornek idari usul"}).json
    by_title = {act["title"]: act for act in found}
    law = by_title["Örnek İdari Usul Kanunu"]
    regulation = by_title["Örnek İdari Usul Yönetmeliği"]
    repealer = by_title[
        "Örnek İdari Usul Yönetmeliğinin Yürürlükten Kaldırılmasına Dair Yönetmelik"
    ]
    assert law["gazette"]["issue"] == 32456 and law["gazette"]["date"] == "2024-02-10"
    assert regulation["status"] == "repealed" and regulation["repealed_by"] == repealer["id"]
    derived = client.get(f"/api/v1/legislation/{law['id']}/derived").json
    assert regulation["id"] in {item["id"] for item in derived}
    again = runner.invoke(args=["import-legislation", str(path), "--dry-run"])
    assert "0 to create, 0 to update, 3 unchanged, 0 pending, 2 refused" in again.output


def test_a_json_list_and_its_bad_items(app: Flask, client: FlaskClient, tmp_path: Path) -> None:
    path = tmp_path / "mevzuat.json"
    path.write_text(
        json.dumps(
            [
                {"type": 1, "number": "7998", "title": "DENEME KANUNU", "adopted_on": "2023-05-04"},
                "bir satır değil",
                {"type": "Uzaylı Kararı", "title": "Tanımsız Türde Bir Metin"},
            ],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import-legislation", str(path), "--apply"])
    assert result.exit_code == ROWS_NOT_TAKEN, result.output
    assert "1 created, 0 updated, 0 unchanged, 0 pending, 2 refused" in result.output
    assert "refused line 2: bir nesne değil / not an object" in result.output
    assert "refused line 3: mevzuat türü anlaşılamadı" in result.output
    [law] = client.get("/api/v1/legislation", query_string={"q": "deneme kanunu"}).json
    assert law["number"] == "7998" and law["title"] == "Deneme Kanunu"
    broken = tmp_path / "bozuk.json"
    broken.write_text("{not json")
    refused = app.test_cli_runner().invoke(args=["import-legislation", str(broken), "--dry-run"])
    assert refused.exit_code != 0 and "malformed JSON" in refused.output
