"""Importing the organization tree from CSV, XLSX and XML: dry run, a batch for review, direct
application, idempotency, refused rows with line numbers, untrusted files, an interrupted run."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from importers.commands import ROWS_NOT_TAKEN
from registry.kernel.db import get_db
from registry.organizations.models import Organization
from tests.workflow_world import World, build_world

HEADER = "DETSİS No;Birim Adı;Üst Birim Yolu;Birim Türü;Düzey;İl;Telefon;KEP Adresi\n"


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def run(app: Flask, *args: str) -> Any:
    result = app.test_cli_runner().invoke(args=["import-units", *args])
    return result


def units(session: Session) -> int:
    """How many units there are; ends the read so the command's own transaction can begin (the
    in-memory test database is one shared connection)."""
    count = int(session.scalar(select(func.count()).select_from(Organization)) or 0)
    session.rollback()
    return count


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def goc_rows(extra: str = "") -> str:
    goc = "İçişleri Bakanlığı > Göç İdaresi Başkanlığı"
    return (
        HEADER
        + f";İzmir İl Göç İdaresi Müdürlüğü;{goc};İl Müdürlüğü;taşra;İzmir;0232 441 12 35;\n"
        + f";Bilgi İşlem Daire Başkanlığı;{goc} > Yönetim Hizmetleri Genel Müdürlüğü;;;;"
        "0312 422 07 77;bidb@hs01.kep.tr\n" + ";Kötü Satır;Yok > Böyle Bir Yer;;;;;\n" + extra
    )


def test_a_windows_1254_csv_is_a_batch_reviewed_approved_and_idempotent(
    app: Flask, client: FlaskClient, session: Session, world: World, tmp_path: Path
) -> None:
    path = write(tmp_path, "birimler.csv", goc_rows(), "cp1254")
    before = units(session)
    dry = run(app, str(path), "--dry-run")
    assert dry.exit_code == ROWS_NOT_TAKEN, dry.output  # line 4 is refused
    assert "1 to create, 1 to update, 0 unchanged, 0 pending, 1 refused" in dry.output
    assert "refused line 4: üst birim yolu bulunamadı" in dry.output
    assert "1 row(s) not taken: exit status 3" in dry.output
    assert units(session) == before  # a dry run writes nothing

    coordinator = str(world.user_ids["goc_coordinator"])
    filed = run(app, str(path), "--as", coordinator)
    assert filed.exit_code == ROWS_NOT_TAKEN, filed.output
    again = run(app, str(path), "--as", coordinator)
    assert again.exit_code == ROWS_NOT_TAKEN and "nothing to file: no batch" in again.output
    assert "0 to create, 0 to update, 0 unchanged, 2 pending, 1 refused" in again.output
    reviewer = world.auth("reviewer")
    [batch] = client.get("/api/v1/change-batches", headers=reviewer).json
    assert batch["counts"] == {"submitted": 2} and batch["summary"]["refused"] == 1
    detail = client.get(f"/api/v1/change-batches/{batch['id']}", headers=reviewer).json
    assert [(r["line"], r["action"]) for r in detail["requests"]] == [(2, "create"), (3, "update")]
    assert detail["requests"][1]["diff"]["contact.phone"]["proposed"] == "0312 422 07 77"
    # Another institution's coordinator does not see it.
    assert client.get("/api/v1/change-batches", headers=world.auth("sgk_coordinator")).json == []
    decided = client.post(f"/api/v1/change-batches/{batch['id']}/approve", headers=reviewer)
    assert decided.status_code == 200 and decided.json["counts"] == {"approved": 2}
    assert units(session) == before + 1
    found = client.get("/api/v1/organizations", query_string={"q": "izmir il goc"}).json
    assert found[0]["name"] == "İzmir İl Göç İdaresi Müdürlüğü"
    assert found[0]["province"]["code"] == 35 and found[0]["level"] == "provincial"

    second = run(app, str(path), "--as", coordinator)
    assert "0 to create, 0 to update, 2 unchanged, 0 pending, 1 refused" in second.output


def test_a_batch_is_applied_whole_or_not_at_all(
    app: Flask, client: FlaskClient, session: Session, world: World, tmp_path: Path
) -> None:
    path = write(tmp_path, "birimler.csv", goc_rows())
    filed = run(app, str(path), "--as", str(world.user_ids["goc_coordinator"]))
    assert filed.exit_code == ROWS_NOT_TAKEN and "batch 1: 2 change requests" in filed.output
    reviewer = world.auth("reviewer")
    [batch] = client.get("/api/v1/change-batches", headers=reviewer).json
    # Someone changes Bilgi İşlem's record meanwhile: its request is now stale.
    stale = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "update",
            "target": world.bidb,
            "data": {"contact": {"fax": "0312 422 09 09"}},
        },
        headers=reviewer,
    )
    approve = f"/api/v1/change-requests/{stale.json['id']}/approve"
    assert client.post(approve, headers=world.auth("reviewer2")).status_code == 200
    before = units(session)
    refused = client.post(f"/api/v1/change-batches/{batch['id']}/approve", headers=reviewer)
    assert refused.status_code == 409
    assert "satır 3" in refused.json["detail"] and "hiçbir parçası" in refused.json["detail"]
    assert units(session) == before  # the create of line 2 was rolled back with it
    detail = client.get(f"/api/v1/change-batches/{batch['id']}", headers=reviewer).json
    assert {r["status"] for r in detail["requests"]} == {"submitted"}
    rejected = client.post(
        f"/api/v1/change-batches/{batch['id']}/reject", headers=reviewer, json={"reason": "Eski"}
    )
    assert rejected.json["counts"] == {"rejected": 2} and rejected.json["status"] == "decided"


def test_apply_keeps_the_files_numbers_and_builds_new_subtrees_in_order(
    app: Flask, client: FlaskClient, world: World, tmp_path: Path
) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["DETSİS No", "Adı", "Üst DETSİS", "Üst Birim Yolu", "Düzey", "İl"])
    sheet.append([41234567, "Muğla İl Göç İdaresi Müdürlüğü", world.goc, None, "Taşra", "MUĞLA"])
    sheet.append(
        [
            None,
            "Yabancılar Şube Müdürlüğü",
            None,
            "İçişleri Bakanlığı > Göç İdaresi Başkanlığı > Muğla İl Göç İdaresi Müdürlüğü",
            "taşra",
            48,
        ]
    )
    # A formula with no value computed by a spreadsheet program: no name, so refused.
    sheet.append([None, "=1+1", world.goc, None, "merkez", None])
    buffer = io.BytesIO()
    book.save(buffer)
    path = tmp_path / "birimler.xlsx"
    path.write_bytes(buffer.getvalue())
    applied = run(app, str(path), "--apply")
    assert applied.exit_code == ROWS_NOT_TAKEN, applied.output
    assert "2 created, 0 updated, 0 unchanged, 0 pending, 1 refused (applied)" in applied.output
    assert "refused line 4: ad (name) sütunu boş" in applied.output
    mugla = client.get("/api/v1/organizations/41234567").json
    assert mugla["name"] == "Muğla İl Göç İdaresi Müdürlüğü" and mugla["province"]["code"] == 48
    children = client.get("/api/v1/organizations/41234567/children").json
    assert [c["name"] for c in children] == ["Yabancılar Şube Müdürlüğü"]
    history = client.get("/api/v1/organizations/41234567/history", headers=world.auth("reviewer"))
    assert history.json["versions"][0]["recorded_by"].startswith("içe aktarma: birimler.xlsx")
    assert "unchanged" in run(app, str(path), "--apply").output  # idempotent
    assert "2 unchanged, 0 pending, 1 refused" in run(app, str(path), "--dry-run").output


XML_UNITS = """<?xml version="1.0" encoding="UTF-8"?>
<Birimler xmlns="urn:kaysis:registry:v1">
  <Birim><Adi>Bodrum Göç İdaresi Bürosu</Adi><UstKKK>{goc}</UstKKK><Duzey>provincial</Duzey>
    <Il>48</Il><IletisimBilgisi><Telefon>0252 316 10 10</Telefon></IletisimBilgisi>
    <KepAdresleri><KepAdresi>bodrum@hs01.kep.tr</KepAdresi></KepAdresleri></Birim>
</Birimler>"""

XXE = """<?xml version="1.0"?>
<!DOCTYPE Birimler [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<Birimler><Birim><Adi>&xxe;</Adi></Birim></Birimler>"""

LAUGHS = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<Birimler><Birim><Adi>&lol3;</Adi></Birim></Birimler>"""


def test_xml_units_and_hostile_xml(
    app: Flask, client: FlaskClient, session: Session, world: World, tmp_path: Path
) -> None:
    path = write(tmp_path, "birimler.xml", XML_UNITS.format(goc=world.goc))
    applied = run(app, str(path), "--apply")
    assert applied.exit_code == 0 and "1 created" in applied.output, applied.output
    found = client.get("/api/v1/organizations", query_string={"q": "bodrum goc"}).json[0]
    assert found["kep_addresses"][0]["address"] == "bodrum@hs01.kep.tr"
    before = units(session)
    for name, text in (("xxe.xml", XXE), ("laughs.xml", LAUGHS)):
        refused = run(app, str(write(tmp_path, name, text)), "--apply")
        assert refused.exit_code != 0 and "entities are refused" in refused.output, name
        assert "root:" not in refused.output
    assert units(session) == before


def test_unreadable_inputs_are_refused_clearly(app: Flask, world: World, tmp_path: Path) -> None:
    empty = run(app, str(write(tmp_path, "bos.csv", "")), "--dry-run")
    assert empty.exit_code != 0 and "başlık" in empty.output
    broken = run(app, str(write(tmp_path, "bozuk.xlsx", "not a zip")), "--dry-run")
    assert broken.exit_code != 0 and "XLSX" in broken.output
    no_mode = run(app, str(write(tmp_path, "b.csv", goc_rows())))
    assert no_mode.exit_code != 0 and "--dry-run" in no_mode.output


def test_a_killed_import_leaves_nothing_half_applied(tmp_path: Path) -> None:
    """SIGKILL in the middle of a large --apply: after restart the registry is as before."""
    database = tmp_path / "kill.sqlite3"
    url = f"sqlite:///{database}"
    env = {**os.environ, "REGISTRY_DATABASE_URL": url, "REGISTRY_INDEX_DIR": str(tmp_path / "ix")}
    registry = str(Path(sys.executable).parent / "registry")
    subprocess.run([registry, "db", "upgrade"], env=env, check=True, capture_output=True)
    subprocess.run([registry, "demo"], env=env, check=True, capture_output=True)
    before = _unit_count(url)
    rows = HEADER + "".join(
        f";Deneme Birimi {i};İçişleri Bakanlığı > Göç İdaresi Başkanlığı;Birim;merkez;;;\n"
        for i in range(30_000)
    )
    path = write(tmp_path, "buyuk.csv", rows)
    process = subprocess.Popen(
        [registry, "import-units", str(path), "--apply"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stderr is not None
    lines = iter(process.stderr.readline, "")  # "reading", then "applying 30000 changes …"
    started = next((line for line in lines if line.startswith("applying")), "")
    assert started.startswith("applying 30000 changes"), started
    time.sleep(0.3)  # into the writes: 30,000 units take a few seconds
    assert process.poll() is None, "the import finished before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    process.stderr.close()
    assert _unit_count(url) == before
    assert _unit_count(url, "Deneme Birimi%") == 0


def _unit_count(url: str, like: str = "%") -> int:
    from registry.app import create_app
    from registry.organizations.models import OrganizationVersion

    app = create_app({"DATABASE_URL": url})
    with get_db(app).sessionmaker() as fresh:
        count = fresh.scalar(
            select(func.count())
            .select_from(OrganizationVersion)
            .where(OrganizationVersion.name.like(like))
        )
    get_db(app).dispose()
    return int(count or 0)
