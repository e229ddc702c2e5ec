"""Files shaped as institutions really publish them (tests/data/): KMS's JSON object with its own
keys, type ids and placeholder dates; a standards table saved from an office document. Nothing
silently dropped or wrong: every refusal with its line and reason, a non-zero exit. Both
backends."""

from __future__ import annotations

import json
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from importers.commands import ROWS_NOT_TAKEN
from registry.demo import load_demo

DATA = Path(__file__).parent / "data"
KMS = DATA / "kms-mevzuat-listesi.json"
PAGE = DATA / "hizmet-standartlari-belediye.html"
IZMIR_GOC = "48823685"


def test_a_kms_list_as_the_detsis_api_answers_it(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["import-legislation", str(KMS), "--dry-run"])
    assert dry.exit_code == ROWS_NOT_TAKEN, dry.output
    assert "5 to create, 0 to update, 0 unchanged, 0 pending, 3 refused" in dry.output
    # KMS's 0001-01-01T00:00:00 is no date (never the year 1): an act with no date at all is
    # refused with the reason
    assert "refused line 2: adopted_on: Kabul, yayım veya yürürlük tarihinden" in dry.output
    assert "refused line 6: çakışma" in dry.output and "satır 1: Kanun 7991" in dry.output
    assert "refused line 7: KMS tür kimliği 99" in dry.output
    assert "columns not read: kurumAdi" in dry.output
    applied = runner.invoke(args=["import-legislation", str(KMS), "--apply"])
    assert applied.exit_code == ROWS_NOT_TAKEN, applied.output
    acts = {
        a["title"]: a for a in client.get("/api/v1/legislation", query_string={"q": "örnek"}).json
    }
    law = acts["Örnek TCDD ve SHY-FUA Kanunu"]
    assert law["type"]["code"] == 1 and law["gazette"]["date"] == "2024-02-10"
    assert acts["Örnek P&I Sigortaları Yönetmeliği"]["type"]["code"] == 7  # turId via its name
    assert acts["Örnek Arşiv Genelgesi"]["type"]["code"] == 104  # turId 21 is not our code 21
    directive = acts["Örnek Personel Yönergesi"]
    assert directive["type"]["code"] == 101 and directive["adopted_on"] == "2016-07-03"
    assert acts["Örnek Uygulama Usul ve Esasları"]["type"]["code"] == 102
    # The same number under another title, against the registry: a conflict naming both.
    other = tmp_path / "kayitlar.json"
    other.write_text(
        json.dumps(
            {"kayitlar": [{"turId": 1, "tur": "Kanun", "sayi": "7991", "ad": "Farklı Kanun"}]},
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    clash = runner.invoke(args=["import-legislation", str(other), "--dry-run"])
    assert clash.exit_code == ROWS_NOT_TAKEN, clash.output
    assert f"kayıt {law['id']}: Kanun 7991 'Örnek TCDD ve SHY-FUA Kanunu'" in clash.output
    again = runner.invoke(args=["import-legislation", str(KMS), "--dry-run"])
    assert "0 to create, 0 to update, 5 unchanged" in again.output


def test_json_shapes_that_are_not_a_list_of_acts_are_refused_loudly(
    app: Flask, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    for content in ({"sonuc": {"ad": "x"}}, {"data": {"ad": "x"}}, "metin"):
        path = tmp_path / "bozuk.json"
        path.write_text(json.dumps(content), encoding="utf-8")
        result = runner.invoke(args=["import-legislation", str(path), "--dry-run"])
        assert result.exit_code == 1, result.output
        assert "no list of acts" in result.output or "expected a list of acts" in result.output


def test_unit_files_with_unknown_columns_and_capital_vocabularies(
    app: Flask, client: FlaskClient, tmp_path: Path
) -> None:
    path = tmp_path / "birimler.csv"
    path.write_text(
        "Birim Adı;Kategori;Birim Türü;Düzey;Bütçe Türü\n"
        "Örnek Gerçek Bakanlığı;BAKANLIK;BAKANLIK;MERKEZ;Genel Bütçe\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["import-units", str(path), "--apply"])
    assert result.exit_code == ROWS_NOT_TAKEN, result.output
    assert "0 refused, 1 column(s) not read (applied)" in result.output  # in the count line
    assert "1 created" in result.output and "columns not read: butce turu" in result.output
    [unit] = client.get("/api/v1/organizations", query_string={"q": "örnek gerçek"}).json
    assert unit["category"] == "Bakanlık"


def test_a_standards_table_saved_from_an_office_document(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    with app.app_context():
        load_demo(session)
    session.commit()
    runner = app.test_cli_runner()
    args = ["import-service-standards", str(PAGE), "--organization", IZMIR_GOC]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert "4 rows read from the table" in dry.output, dry.output
    assert "line 8: ara başlık / a section heading: 'İKAMET İŞLEMLERİ'" in dry.output
    for queued in (
        "Yabancı uyruklular için:",
        "Öğrenci ise öğrenci belgesi, çalışıyor ise SGK hizmet dökümü",
        "Sığınak Raporu",
    ):
        assert f"'{queued}' matched no standard document name surely" in dry.output
    assert "'Pasaport fotokopisi' aynı belge" in dry.output  # collapsed with "Pasaport"
    assert "the duration '8-15 dk' is read as its upper bound, 15 dakika" in dry.output
    applied = runner.invoke(args=[*args, "--apply"])
    assert applied.output.count("refused line") == dry.output.count("refused line")
    services = client.get("/api/v1/services", query_string={"organization": IZMIR_GOC}).json
    family = next(s for s in services if s["name"] == "Aile İkamet İzni Başvurusu")
    assert family["max_duration"] == {"value": 15, "unit": "minute", "text": "15 dakika"}
    assert len(family["required_documents"]) == 1  # Pasaport once; three lines for reviewers
    longer = next(s for s in services if s["name"] == "Uzun Dönem İkamet İzni")
    assert longer["max_duration"]["value"] == 45
    standards = client.get(f"/api/v1/organizations/{IZMIR_GOC}/service-standards").json
    durations = {
        r["name"]: (r["max_duration"], r["max_duration_written"]) for r in standards["rows"]
    }
    assert durations["Aile İkamet İzni Başvurusu"] == ("15 dakika", "8-15 dk")
    assert durations["Uzun Dönem İkamet İzni"] == ("45 gün", "30+15 Gün")
    assert durations["Bilgi Verilmesi"] == ("20 dakika", "20 DK.")
    page = client.get(f"/organizations/{IZMIR_GOC}/service-standards").get_data(as_text=True)
    assert "15 dakika <small>(ilan edilen: 8-15 dk)</small>" in page
    assert "20 dakika <small>(ilan edilen: 20 DK.)</small>" in page
    xml = client.get(
        f"/api/v1/organizations/{IZMIR_GOC}/service-standards",
        headers={"Accept": "application/xml"},
    ).get_data(as_text=True)
    assert "30+15 Gün" in xml
    # The written text kept, a second run finds the services as they are.
    again = runner.invoke(args=[*args, "--dry-run"])
    assert "0 to create, 0 to update, 4 unchanged" in again.output, again.output
    assert "Hakan YILDIZ" in json.dumps(standards, ensure_ascii=False)
    assert ": Hakan" not in json.dumps(standards, ensure_ascii=False)
