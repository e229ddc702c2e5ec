"""A service standards table published as a web page, imported: read, reviewed, approved, and
then in the registry's own published table. On the sample data, both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from importers.commands import ROWS_NOT_TAKEN
from registry.demo import load_demo
from tests.factories import make_user

PAGE = Path(__file__).parent / "data" / "hizmet-standartlari-izmir.html"
IZMIR_GOC = "48823685"


@pytest.fixture
def tokens(app: Flask, session: Session) -> dict[str, tuple[int, str]]:
    with app.app_context():  # the sample data's accounts are keyed with the app's person pepper
        load_demo(session)
    made = {}
    for who, role, organization in (
        ("coordinator", "coordinator", IZMIR_GOC),
        ("approver", "institution_approver", IZMIR_GOC),
        ("reviewer", "reviewer", None),
    ):
        user, token = make_user(session, name=who, role=role, organization=organization)
        made[who] = (user.id, token)
    session.commit()
    return made


def test_a_published_html_table_is_imported_through_review_into_the_registry(
    app: Flask, client: FlaskClient, tokens: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    args = ["import-service-standards", str(PAGE), "--organization", IZMIR_GOC]
    dry = runner.invoke(args=[*args, "--dry-run"])
    assert dry.exit_code == ROWS_NOT_TAKEN, dry.output
    assert "2 to create, 2 to update, 0 unchanged, 0 pending, 1 refused" in dry.output
    assert "refused line 13: Bozuk Süreli Hizmet: süre anlaşılamadı 'birkaç hafta'" in dry.output
    assert "'Randevu numarası' matched no standard document name surely" in dry.output
    before = client.get(f"/api/v1/organizations/{IZMIR_GOC}/service-standards").json
    assert before["version"] == 1

    filed = runner.invoke(args=[*args, "--as", str(tokens["coordinator"][0])])
    assert filed.exit_code == ROWS_NOT_TAKEN, filed.output
    # Read again (the page saved anew) while the batch is open: nothing is asked for twice.
    twice = tmp_path / "ayni-sayfa.html"
    twice.write_bytes(PAGE.read_bytes() + b"\n")
    again = runner.invoke(
        args=["import-service-standards", str(twice), "--organization", IZMIR_GOC, "--dry-run"]
    )
    assert "0 to create, 0 to update, 0 unchanged, 4 pending, 1 refused" in again.output
    assert again.exit_code == ROWS_NOT_TAKEN
    assert "pending line 0: müracaat yerleri / places of application: " in again.output
    assert "pending line 10: Refakatçi Belgesi Düzenlenmesi: " in again.output
    assert "already pending in request" in again.output
    [batch] = client.get(
        "/api/v1/change-batches", headers={"Authorization": f"Bearer {tokens['reviewer'][1]}"}
    ).json
    assert batch["summary"]["left_for_reviewers"][0]["name"] == "Noter onaylı muvafakatname"
    url = f"/api/v1/change-batches/{batch['id']}/approve"
    # Services are approved in the institution first, then by the central working group.
    early = client.post(url, headers={"Authorization": f"Bearer {tokens['reviewer'][1]}"})
    assert early.status_code == 403
    first = client.post(url, headers={"Authorization": f"Bearer {tokens['approver'][1]}"})
    assert first.status_code == 200 and first.json["status"] == "open", first.json
    final = client.post(url, headers={"Authorization": f"Bearer {tokens['reviewer'][1]}"})
    assert final.status_code == 200, final.json
    assert final.json["counts"] == {"approved": 4} and final.json["status"] == "decided"

    table = client.get(f"/api/v1/organizations/{IZMIR_GOC}/service-standards").json
    assert table["version"] == 2
    rows = {row["name"]: row for row in table["rows"]}
    assert rows["Kısa Dönem İkamet İzni Uzatma Başvurusu"]["max_duration"] == "60 gün"
    # A name nobody could match is shown as written, marked, until a reviewer resolves it.
    assert rows["Randevu Bilgisi Verilmesi"]["required_documents"] == [
        "Kimlik Kartı",
        "Randevu numarası (standart adı bekleniyor)",
    ]
    assert rows["Randevu Bilgisi Verilmesi"]["awaiting_standard_name"] == ["Randevu numarası"]
    assert rows["Refakatçi Belgesi Düzenlenmesi"]["max_duration"] == "15 iş günü"
    assert table["first_contact"]["name"] == "Hakan YILDIZ"
    # ...and waits in the reviewers' queue.
    queue = client.get(
        "/api/v1/documents/unmatched",
        headers={"Authorization": f"Bearer {tokens['reviewer'][1]}"},
    ).json
    assert {item["name"] for item in queue} >= {"Randevu numarası", "Noter onaylı muvafakatname"}
    page = client.get(f"/organizations/{IZMIR_GOC}/service-standards")
    assert "Refakatçi Belgesi Düzenlenmesi" in page.get_data(as_text=True)

    again = runner.invoke(args=[*args, "--dry-run"])
    assert "0 to create, 0 to update, 3 unchanged, 0 pending, 1 refused" in again.output


def test_a_page_without_a_standards_table_is_refused(
    app: Flask, tokens: dict[str, tuple[int, str]], tmp_path: Path
) -> None:
    page = tmp_path / "bos.html"
    page.write_text("<html><body><table><tr><td>Duyurular</td></tr></table></body></html>")
    result = app.test_cli_runner().invoke(
        args=["import-service-standards", str(page), "--organization", IZMIR_GOC, "--dry-run"]
    )
    assert result.exit_code != 0 and "no service standards table" in result.output
