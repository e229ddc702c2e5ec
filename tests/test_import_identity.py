"""Imports never duplicate: a row matches what the registry holds whatever its dates (a unit
founded in the future, closed and reopened), a row already asked for is reported pending, a child
never comes before its parent, and every ``import-*`` command says, by its exit status, whether
each row was taken. The bulk paths refuse the names the workflow refuses.

Through the command line and the API of the real app, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from importers.commands import ROWS_NOT_TAKEN
from importers.submit import PARENT_IS_NEW
from registry.audit.trail import Provenance
from registry.catalogue import bulk as catalogue_bulk
from registry.kernel.clock import today
from registry.kernel.errors import Conflict, InvalidInput
from registry.organizations import bulk as unit_bulk
from registry.organizations import changes
from registry.organizations.models import Organization, OrganizationVersion
from tests.factories import make_service, make_unit
from tests.workflow_world import World, build_world

GOC_PATH = "İçişleri Bakanlığı > Göç İdaresi Başkanlığı"
CENTRE = "Göç Araştırmaları Merkezi"
HEADER = "DETSİS No;Birim Adı;Üst Birim Yolu;Düzey;Telefon;Geçerlilik Başlangıcı\n"
PROVENANCE = Provenance(recorded_by="test")


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def run(app: Flask, command: str, *args: str) -> Any:
    return app.test_cli_runner().invoke(args=[command, *args])


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def units_named(session: Session, name: str) -> list[tuple[str, str | None]]:
    """(number, parent's number) of every unit that ever had ``name``; ends the read so the
    next command's transaction can begin."""
    parent = Organization.__table__.alias("parent")
    rows = session.execute(
        select(Organization.detsis_no, parent.c.detsis_no)
        .distinct()
        .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
        .outerjoin(parent, parent.c.id == OrganizationVersion.parent_id)
        .where(OrganizationVersion.name == name)
    ).all()
    session.rollback()
    return [(number, parent_no) for number, parent_no in rows]


def top_level_units(session: Session) -> int:
    count = session.scalar(
        select(func.count(distinct(OrganizationVersion.organization_id))).where(
            OrganizationVersion.parent_id.is_(None)
        )
    )
    session.rollback()
    return int(count or 0)


def batch_of(output: str) -> int:
    found = re.search(r"batch (\d+):", output)
    assert found, output
    return int(found.group(1))


def shown(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def test_future_units_imported_twice_around_an_approval_are_created_once(
    app: Flask, client: FlaskClient, session: Session, world: World, tmp_path: Path
) -> None:
    founded = today() + timedelta(days=90)
    centre_path = f"{GOC_PATH} > {CENTRE}"
    path = write(
        tmp_path,
        "merkez.csv",
        HEADER
        + f";{CENTRE};{GOC_PATH};merkez;;{shown(founded)}\n"
        + f";Veri Analizi Birimi;{centre_path};merkez;;{shown(founded)}\n"
        + f";Erken Birim;{centre_path};merkez;;\n",  # no date: today, before its parent
    )
    filer, approver = str(world.user_ids["reviewer"]), world.auth("reviewer2")
    roots = top_level_units(session)

    first = run(app, "import-units", str(path), "--as", filer)
    assert first.exit_code == ROWS_NOT_TAKEN, first.output
    assert "1 to create, 0 to update, 0 unchanged, 0 pending, 2 refused" in first.output
    assert f"refused line 3: {PARENT_IS_NEW}" in first.output
    assert f"refused line 4: üst birimi (satır 2) {shown(founded)} tarihinde kuruluyor" in (
        first.output
    )
    batch = batch_of(first.output)
    [request] = client.get(f"/api/v1/change-batches/{batch}", headers=approver).json["requests"]

    # Before the approval, neither path asks for the centre again nor puts its child anywhere.
    for mode in ("--dry-run", "--apply"):
        waiting = run(app, "import-units", str(path), mode)
        assert waiting.exit_code == ROWS_NOT_TAKEN, waiting.output
        assert "0 unchanged, 1 pending, 2 refused" in waiting.output
        assert f"pending line 2: {request['id']} numaralı talepte zaten onay bekliyor" in (
            waiting.output
        )
        assert f"refused line 3: üst birimi {request['id']} numaralı talepte onay bekliyor" in (
            waiting.output
        )
    assert units_named(session, CENTRE) == [] and units_named(session, "Veri Analizi Birimi") == []

    approved = client.post(f"/api/v1/change-batches/{batch}/approve", headers=approver)
    assert approved.status_code == 200, approved.json
    [(centre, parent)] = units_named(session, CENTRE)
    assert parent == world.goc

    # The centre is registered from a future day: matched, not filed again; its child follows.
    second = run(app, "import-units", str(path), "--as", filer)
    assert second.exit_code == ROWS_NOT_TAKEN, second.output
    assert "1 to create, 0 to update, 1 unchanged, 0 pending, 1 refused" in second.output
    assert f"üst birim {centre} {shown(founded)} tarihinde kuruluyor" in second.output
    assert "refused line 4" in second.output and "line 2" not in second.output
    approved = client.post(
        f"/api/v1/change-batches/{batch_of(second.output)}/approve", headers=approver
    )
    assert approved.status_code == 200, approved.json

    third = run(app, "import-units", str(path), "--dry-run")
    assert "0 to create, 0 to update, 2 unchanged, 0 pending, 1 refused" in third.output
    assert units_named(session, CENTRE) == [(centre, world.goc)]
    [(_, above)] = units_named(session, "Veri Analizi Birimi")
    assert above == centre
    assert units_named(session, "Erken Birim") == []
    assert top_level_units(session) == roots  # no orphan
    child = client.get(
        f"/api/v1/organizations/{centre}/children", query_string={"at": founded.isoformat()}
    )
    assert [c["name"] for c in child.json] == ["Veri Analizi Birimi"]


def test_a_closed_and_reopened_unit_is_matched_and_a_closed_one_is_not_written_over(
    app: Flask, client: FlaskClient, session: Session, world: World, tmp_path: Path
) -> None:
    reopened = make_unit(session, "Uyum Hizmetleri Dairesi", parent=world.goc)
    changes.close_unit(session, reopened, valid_from=date(2021, 1, 1), reason="Kapatıldı")
    changes.reopen_unit(session, reopened, valid_from=date(2022, 1, 1))
    closed = make_unit(session, "Eski Planlama Dairesi", parent=world.goc)
    changes.close_unit(session, closed, valid_from=date(2021, 1, 1), reason="Kapatıldı")
    renamed = make_unit(session, "Dış İlişkiler Dairesi", parent=world.goc)
    changes.update_unit(
        session, renamed, {"name": "Uluslararası İlişkiler Dairesi"}, valid_from=date(2023, 1, 1)
    )
    session.commit()
    path = write(
        tmp_path,
        "daireler.csv",
        HEADER
        + f";UYUM HİZMETLERİ DAİRESİ;{GOC_PATH};merkez;0312 000 00 01;\n"  # by name, any case
        + f"{reopened};Uyum Hizmetleri Dairesi;;;;\n"  # by number
        + f";Eski Planlama Dairesi;{GOC_PATH};merkez;;\n"
        + f";Dış İlişkiler Dairesi;{GOC_PATH};merkez;;\n",
    )
    applied = run(app, "import-units", str(path), "--apply")
    assert applied.exit_code == ROWS_NOT_TAKEN, applied.output
    assert "0 created, 1 updated, 0 unchanged, 0 pending, 3 refused" in applied.output
    assert f"refused line 3: 2. satırla aynı birim ({reopened})" in applied.output
    assert f"refused line 4: {closed} numaralı 'Eski Planlama Dairesi' 01.01.2021 tarihinden " in (
        applied.output
    )
    assert f"was unit {renamed} until 2023-01-01: give its DETSİS number" in applied.output
    assert units_named(session, "Uyum Hizmetleri Dairesi") == [(reopened, world.goc)]
    assert units_named(session, "Eski Planlama Dairesi") == [(closed, world.goc)]
    assert units_named(session, "Dış İlişkiler Dairesi") == [(renamed, world.goc)]
    unit = client.get(f"/api/v1/organizations/{reopened}").json
    assert unit["name"] == "Uyum Hizmetleri Dairesi"  # the registry's spelling, not the file's
    assert unit["contact"]["phone"] == "0312 000 00 01"


def test_a_unit_asked_for_by_a_request_is_pending_and_its_child_waits(
    app: Flask, client: FlaskClient, session: Session, world: World, tmp_path: Path
) -> None:
    asked = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "create",
            "reason": "Yeni daire",
            "data": {"name": "Göç Strateji Dairesi", "parent": world.goc, "level": "central"},
        },
        headers=world.auth("goc_coordinator"),
    )
    assert asked.status_code == 201, asked.json
    request = asked.json["id"]
    path = write(
        tmp_path,
        "strateji.csv",
        HEADER
        + f";göç strateji dairesi;{GOC_PATH};merkez;;\n"
        + f";Strateji Şubesi;{GOC_PATH} > Göç Strateji Dairesi;merkez;;\n"
        + f";Planlama Şubesi;{GOC_PATH};merkez;;\n",
    )
    for mode in (("--as", str(world.user_ids["goc_coordinator"])), ("--dry-run",), ("--apply",)):
        result = run(app, "import-units", str(path), *mode)
        assert result.exit_code == ROWS_NOT_TAKEN, result.output
        assert f"pending line 2: {request} numaralı talepte zaten onay bekliyor / already " in (
            result.output
        )
        assert f"refused line 3: üst birimi {request} numaralı talepte onay bekliyor" in (
            result.output
        )
    # Planlama Şubesi went into the batch; the runs after it found it pending there.
    assert "0 unchanged, 2 pending, 1 refused" in result.output
    [batch] = client.get("/api/v1/change-batches", headers=world.auth("reviewer")).json
    assert batch["summary"]["pending_rows"] == [
        {
            "line": 2,
            "reason": f"{request} numaralı talepte zaten onay bekliyor / already pending "
            f"in request {request}",
        }
    ]
    assert units_named(session, "Strateji Şubesi") == []
    assert units_named(session, "Göç Strateji Dairesi") == []
    assert units_named(session, "Planlama Şubesi") == []
    nothing = run(app, "import-units", str(path), "--as", str(world.user_ids["reviewer"]))
    assert "nothing to file: no batch" in nothing.output


def test_exit_status_says_whether_every_row_was_taken(
    app: Flask, session: Session, world: World, tmp_path: Path
) -> None:
    good = write(tmp_path, "iyi.csv", HEADER + f";Arşiv Şubesi;{GOC_PATH};merkez;;\n")
    assert run(app, "import-units", str(good), "--dry-run").exit_code == 0
    assert run(app, "import-units", str(good), "--apply").exit_code == 0
    again = run(app, "import-units", str(good), "--apply")  # already registered: all taken
    assert again.exit_code == 0 and "1 unchanged, 0 pending, 0 refused" in again.output
    twice = write(
        tmp_path,
        "iki.csv",
        HEADER + f";Kalite Şubesi;{GOC_PATH};merkez;;\n;KALİTE  ŞUBESİ;{GOC_PATH};merkez;;\n",
    )
    result = run(app, "import-units", str(twice), "--apply")
    assert result.exit_code == ROWS_NOT_TAKEN
    assert "refused line 3: 2. satırdaki birimle aynı / the same unit as line 2" in result.output
    assert "1 row(s) not taken: exit status 3" in result.output
    assert len(units_named(session, "Kalite Şubesi")) == 1
    acts = write(
        tmp_path,
        "mevzuat.csv",
        "Tür;Sayı;Başlık;Kabul Tarihi\nKanun;7990;DENEME KANUNU;01/02/2024\n"
        "Kanun;7990;DENEME KANUNU;01/02/2024\n",
    )
    legislation = run(app, "import-legislation", str(acts), "--apply")
    assert legislation.exit_code == ROWS_NOT_TAKEN
    assert "refused line 3: 2. satırdaki mevzuatla aynı / the same act as line 2" in (
        legislation.output
    )
    unreadable = run(app, "import-legislation", str(write(tmp_path, "b.json", "{")), "--apply")
    assert unreadable.exit_code == 1
    assert run(app, "import-units", str(good)).exit_code == 2  # no mode: a usage error


def test_the_bulk_paths_refuse_the_names_and_dates_the_workflow_refuses(
    session: Session, world: World
) -> None:
    later = today() + timedelta(days=30)
    make_unit(session, "Gelecek Dairesi", parent=world.goc, valid_from=later)
    session.commit()

    def unit(name: str, parent: str | None = world.goc, **more: Any) -> unit_bulk.NewUnit:
        data = {"name": name, "parent": parent, "level": "central"}
        return unit_bulk.NewUnit(data, more.pop("valid_from", today()), **more)

    with pytest.raises(Conflict) as scheduled:  # a sibling founded in the future counts
        unit_bulk.create_units(session, [unit("GELECEK  DAİRESİ")], PROVENANCE)
    assert scheduled.value.extra["existing"]["valid_from"] == later.isoformat()
    session.rollback()
    with pytest.raises(Conflict):  # two of one name in the call
        unit_bulk.create_units(session, [unit("Yeni Daire"), unit("yeni daire")], PROVENANCE)
    session.rollback()
    with pytest.raises(InvalidInput) as early:  # a child before its parent
        unit_bulk.create_units(
            session,
            [unit("Yeni Daire", valid_from=later), unit("Şube", None, parent_index=0)],
            PROVENANCE,
        )
    assert "starts on" in str(early.value.errors)
    session.rollback()
    bidb_sibling = make_unit(session, "Destek Dairesi", parent=world.yhgm)
    session.commit()
    with pytest.raises(Conflict):  # a rename onto a sibling's name
        unit_bulk.change_units(
            session,
            [
                unit_bulk.UnitChange(
                    bidb_sibling, today(), fields={"name": "BİLGİ İŞLEM Daire Başkanlığı"}
                )
            ],
            PROVENANCE,
        )
    session.rollback()
    make_service(session, "Pasaport Başvurusu", world.goc)
    session.commit()
    with pytest.raises(Conflict) as service:
        catalogue_bulk.create_services(
            session, [catalogue_bulk.NewService(world.goc, "PASAPORT  BAŞVURUSU")], PROVENANCE
        )
    assert service.value.extra["existing"]["name"] == "Pasaport Başvurusu"
    session.rollback()
    with pytest.raises(Conflict):
        catalogue_bulk.create_documents(
            session,
            [
                catalogue_bulk.NewDocument("Nüfus Cüzdanı"),
                catalogue_bulk.NewDocument("NÜFUS CÜZDANI"),
            ],
            PROVENANCE,
        )
    session.rollback()


def test_a_row_the_workflow_refuses_is_that_rows_refusal_not_the_batchs(
    app: Flask, client: FlaskClient, session: Session, world: World, tmp_path: Path
) -> None:
    sgk_path = "Çalışma ve Sosyal Güvenlik Bakanlığı > Sosyal Güvenlik Kurumu"
    path = write(
        tmp_path,
        "karisik.csv",
        HEADER
        + f";Rehberlik Dairesi;{sgk_path};merkez;;\n"  # another institution's subtree
        + f";Rehberlik Şubesi;{sgk_path} > Rehberlik Dairesi;merkez;;\n"
        + f";Göç Rehberlik Dairesi;{GOC_PATH};merkez;;\n",
    )
    filed = run(app, "import-units", str(path), "--as", str(world.user_ids["goc_coordinator"]))
    assert filed.exit_code == ROWS_NOT_TAKEN, filed.output
    assert "batch 1: 1 change requests for review" in filed.output
    assert "refused line 2: Bu kayıt kurumunuzun yetki alanı dışında" in filed.output
    assert "refused line 3: bağlı olduğu satır (2) alınmadı / the row it depends on (line 2)" in (
        filed.output
    )
    detail = client.get("/api/v1/change-batches/1", headers=world.auth("reviewer")).json
    assert [(r["line"], r["action"]) for r in detail["requests"]] == [(4, "create")]
