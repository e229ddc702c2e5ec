"""Unit files shaped as DETSİS exports and ministries' own lists really come (issue 21): a level
("Bakan Yardımcılığı") the registry does not hold, or holds where the file does not; levels left
empty or written "MERKEZ" for every row; e-Yazışma XML with elements the importer does not
read. Nothing created twice, nothing stored under a level its name contradicts, nothing dropped
without a word. Both backends."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from importers.commands import ROWS_NOT_TAKEN
from registry.organizations.models import OrganizationVersion
from tests.factories import make_unit

MINISTRY = "Aile ve Sosyal Hizmetler Bakanlığı"
HEADER = "KKK;Birim Adı;Üst Birim Yolu;Kategori;Birim Türü;Düzey;İl\n"


def run(app: Flask, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=["import-units", *args])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def named(session: Session, name: str) -> int:
    """How many units have borne ``name``; ends the read so the command can write."""
    count = session.scalar(
        select(func.count(func.distinct(OrganizationVersion.organization_id))).where(
            OrganizationVersion.name == name
        )
    )
    session.rollback()
    return int(count or 0)


@pytest.fixture
def ministry(session: Session) -> dict[str, str]:
    """A ministry as the registry holds it: one general directorate directly under it, one
    under a deputy minister's office, a related institution with a department of its own."""
    top = make_unit(session, MINISTRY, category="Bakanlık", unit_type="Bakanlık")
    numbers = {
        "ministry": top,
        "engelli": make_unit(session, "Engelli ve Yaşlı Hizmetleri Genel Müdürlüğü", parent=top),
        "deputy": make_unit(session, "Bakan Yardımcılığı", parent=top),
        "aile": make_unit(session, "Aile ve Toplum Hizmetleri Genel Müdürlüğü", parent=top),
        "strateji": make_unit(session, "Strateji Geliştirme Daire Başkanlığı", parent=top),
        "kurum": make_unit(
            session, "Sosyal Yardımlar Kurumu Başkanlığı", parent=top, category="Bağlı Kuruluş"
        ),
    }
    numbers["cocuk"] = make_unit(
        session, "Çocuk Hizmetleri Genel Müdürlüğü", parent=numbers["deputy"]
    )
    make_unit(session, "Strateji Şube Müdürlüğü", parent=numbers["aile"])
    session.commit()
    return numbers


def test_a_unit_one_level_apart_is_a_conflict_naming_both_never_a_duplicate(
    app: Flask, client: FlaskClient, session: Session, ministry: dict[str, str], tmp_path: Path
) -> None:
    m = MINISTRY
    path = write(
        tmp_path,
        "bakanlik-birimleri.csv",
        HEADER
        + f";Sosyal Hizmetler Bakan Yardımcılığı;{m};;;;\n"
        # the file adds a level the registry does not have (a row of this file)…
        + f";Engelli ve Yaşlı Hizmetleri Genel Müdürlüğü;{m} > Sosyal Hizmetler Bakan "
        "Yardımcılığı;;Genel Müdürlük;MERKEZ;\n"
        # … or one it has, in capitals
        + f";ENGELLİ VE YAŞLI HİZMETLERİ GENEL MÜDÜRLÜĞÜ;{m} > Bakan Yardımcılığı;;;;\n"
        # the registry has a level the file leaves out
        + f";Çocuk Hizmetleri Genel Müdürlüğü;{m};;;;\n"
        # the same name under another directorate, or inside another institution: new units
        + f";Strateji Şube Müdürlüğü;{m} > Engelli ve Yaşlı Hizmetleri Genel Müdürlüğü;;;;\n"
        + f";Strateji Geliştirme Daire Başkanlığı;{m} > Sosyal Yardımlar Kurumu Başkanlığı;;;;\n",
    )
    dry = run(app, str(path), "--dry-run")
    assert dry.exit_code == ROWS_NOT_TAKEN, dry.output
    assert "3 to create, 0 to update, 0 unchanged, 0 pending, 3 refused" in dry.output
    engelli, cocuk = ministry["engelli"], ministry["cocuk"]
    assert (
        f"refused line 3: çakışma: '{m} > Sosyal Hizmetler Bakan Yardımcılığı > Engelli ve Yaşlı "
        f"Hizmetleri Genel Müdürlüğü' ile {engelli} numaralı '{m} > Engelli ve Yaşlı Hizmetleri "
        "Genel Müdürlüğü' aynı ad" in dry.output
    )
    assert f"refused line 4: çakışma: '{m} > Bakan Yardımcılığı > ENGELLİ" in dry.output
    assert f"ile {engelli} numaralı" in dry.output.split("refused line 4")[1].split("\n")[0]
    assert (
        f"refused line 5: çakışma: '{m} > Çocuk Hizmetleri Genel Müdürlüğü' ile {cocuk} "
        f"numaralı '{m} > Bakan Yardımcılığı > Çocuk Hizmetleri Genel Müdürlüğü'" in dry.output
    )
    assert "give its DETSİS number to move it" in dry.output

    applied = run(app, str(path), "--apply")
    assert applied.exit_code == ROWS_NOT_TAKEN, applied.output
    assert "3 created, 0 updated, 0 unchanged, 0 pending, 3 refused (applied)" in applied.output
    assert named(session, "Engelli ve Yaşlı Hizmetleri Genel Müdürlüğü") == 1
    assert named(session, "Çocuk Hizmetleri Genel Müdürlüğü") == 1
    assert named(session, "Strateji Şube Müdürlüğü") == 2
    assert named(session, "Strateji Geliştirme Daire Başkanlığı") == 2

    # The operator says it is the same directorate: with its number, it moves.
    moved = write(
        tmp_path,
        "tasima.csv",
        HEADER + f"{engelli};Engelli ve Yaşlı Hizmetleri Genel Müdürlüğü;{m} > Sosyal Hizmetler "
        "Bakan Yardımcılığı;;;;\n",
    )
    result = run(app, str(moved), "--apply")
    assert result.exit_code == 0, result.output
    assert "0 created, 1 updated" in result.output
    ancestors = client.get(f"/api/v1/organizations/{engelli}/ancestors").json
    assert [a["name"] for a in ancestors] == [m, "Sosyal Hizmetler Bakan Yardımcılığı"]
    assert named(session, "Engelli ve Yaşlı Hizmetleri Genel Müdürlüğü") == 1


def test_a_units_level_comes_from_its_name_and_place_and_a_contradiction_is_refused(
    app: Flask, client: FlaskClient, session: Session, ministry: dict[str, str], tmp_path: Path
) -> None:
    interior = make_unit(session, "İçişleri Bakanlığı", category="Bakanlık")
    make_unit(session, "Dışişleri Bakanlığı", category="Bakanlık")
    session.commit()
    i, d = "İçişleri Bakanlığı", "Dışişleri Bakanlığı"
    path = write(
        tmp_path,
        "detsis-birimler.csv",
        HEADER
        + f";İzmir Valiliği;{i};Mülki İdare;Valilik;;\n"  # provincial, İzmir from its name
        + f";Bornova Kaymakamlığı;{i} > İzmir Valiliği;;Kaymakamlık;;\n"
        + f";Buca İlçe Nüfus Müdürlüğü;{i} > İzmir Valiliği;;;;\n"  # İzmir from its parent
        + f";Menemen Kaymakamlığı;{i} > İzmir Valiliği;;;MERKEZ;\n"  # the file says central
        + f";Muğla İl Göç İdaresi Müdürlüğü;{i};;;;\n"
        + f";Bölge Planlama Genel Müdürlüğü;{i};;;;\n"  # "bölge" in a central unit's subject
        + f";Tokyo Büyükelçiliği;{d};;;;\n"
        + f";Berlin Büyükelçiliği;{d};;;merkez;\n"
        + f";Hukuk Müşavirliği;{d};;;;\n",
    )
    result = run(app, str(path), "--apply")
    assert result.exit_code == ROWS_NOT_TAKEN, result.output
    assert "7 created, 0 updated, 0 unchanged, 0 pending, 2 refused (applied)" in result.output
    assert (
        "refused line 5: düzey 'merkez' verilmiş, ama adı ('Menemen Kaymakamlığı') taşra birimi "
        "diyor / the level 'central' contradicts its name 'Menemen Kaymakamlığı': a provincial "
        "unit" in result.output
    )
    assert (
        "refused line 9: düzey 'merkez' verilmiş, ama adı ('Berlin Büyükelçiliği') yurt dışı"
        in (result.output)
    )

    def unit(name: str) -> dict[str, Any]:
        [found] = [
            u
            for u in client.get("/api/v1/organizations", query_string={"q": name}).json
            if u["name"] == name
        ]
        return dict(found)

    for name, level, province in (
        ("İzmir Valiliği", "provincial", 35),
        ("Bornova Kaymakamlığı", "provincial", 35),
        ("Buca İlçe Nüfus Müdürlüğü", "provincial", 35),
        ("Muğla İl Göç İdaresi Müdürlüğü", "provincial", 48),
        ("Bölge Planlama Genel Müdürlüğü", "central", None),
        ("Tokyo Büyükelçiliği", "abroad", None),
        ("Hukuk Müşavirliği", "central", None),
    ):
        found = unit(name)
        assert (found["level"], (found["province"] or {}).get("code")) == (level, province), name
    assert client.get(f"/api/v1/organizations/{interior}").json["level"] == "central"


XML_UNITS = """<?xml version="1.0" encoding="UTF-8"?>
<KurumKurulusListesi xmlns="urn:e-yazisma:detsis">
  <KurumKurulus durum="aktif">
    <Adi>Personel Genel Müdürlüğü</Adi><UstKKK>{ministry}</UstKKK>
    <ButceTuru>Genel Bütçe</ButceTuru>
    <IletisimBilgisi><Telefon>0312 705 50 00</Telefon><SGKIsyeriNo>123</SGKIsyeriNo>
    </IletisimBilgisi>
    <KepAdresleri><KepAdresi>pgm@hs01.kep.tr</KepAdresi></KepAdresleri>
    <Aciklama/>
  </KurumKurulus>
</KurumKurulusListesi>"""


def test_xml_elements_the_importer_does_not_read_are_columns_not_read(
    app: Flask, client: FlaskClient, ministry: dict[str, str], tmp_path: Path
) -> None:
    path = write(tmp_path, "kurumlar.xml", XML_UNITS.format(ministry=ministry["ministry"]))
    dry = run(app, str(path), "--dry-run")
    assert dry.exit_code == ROWS_NOT_TAKEN, dry.output
    assert (
        "1 to create, 0 to update, 0 unchanged, 0 pending, 0 refused, 3 column(s) not read "
        "(a dry run" in dry.output
    )
    assert (
        "columns not read: <ButceTuru>, <SGKIsyeriNo>, KurumKurulus @durum" in dry.output
    )  # an empty element holds nothing to lose
    assert "3 column(s) not read: exit status 3" in dry.output
    applied = run(app, str(path), "--apply")
    assert applied.exit_code == ROWS_NOT_TAKEN and "1 created" in applied.output
    [unit] = [
        u
        for u in client.get("/api/v1/organizations", query_string={"q": "personel genel"}).json
        if u["name"] == "Personel Genel Müdürlüğü"
    ]
    assert unit["contact"]["phone"] == "0312 705 50 00" and unit["level"] == "central"
    assert unit["kep_addresses"][0]["address"] == "pgm@hs01.kep.tr"
