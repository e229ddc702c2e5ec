"""Hostile input gets a 4xx, never a server error, and writes nothing (issue 20).

Control characters and NUL in every kind of input (path, query, header, JSON keys and values,
form fields, importer cells), JSON nested to break the parser, bodies over the limit, dates at
the ends of the calendar, texts longer than their column, zip bombs, huge CSV fields, XLSX
entities, and slow clients against a real ``registry serve``. Every test touching the database
runs on SQLite and PostgreSQL (NUL is a server error only on PostgreSQL).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import subprocess
import threading
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from registry.accounts.models import User
from registry.kernel.errors import InvalidInput
from registry.standards import complaints_api
from registry.standards.models import Complaint, SurveyResponse
from tests.conftest import _write_sqlite_file
from tests.factories import make_user
from tests.postgres import _free_port
from tests.processes import REGISTRY, until

PROBLEM = "application/problem+json"
CONTACT = {"name": "Ayşe Yılmaz", "email": "ayse.yilmaz@example.org", "phone": "0532 111 22 33"}
TEXT = "Tabloda yazmayan ikametgâh belgesi istendi, üç kez geri gönderildim."
COMPLAINT = {
    "organization": "24325150",
    "service": "ABC-1",
    "subject": "extra_documents",
    "text": TEXT,
    "contact": CONTACT,
}


def _refused(response: Any, status: int = 422, field: str | None = None) -> dict[str, Any]:
    """The response is a problem document of ``status`` naming ``field``."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.json
    assert body["status"] == status and " / " in body["detail"]
    if field is not None:
        assert field in body["errors"], body
    return body


def _count(session: Session, model: Any) -> int:
    session.rollback()  # see what the requests committed
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


# -- control characters and NUL -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/services/AB%00C", "code"),  # a path segment looked up in the database
        ("/api/v1/organizations/2432515%00", "detsis_no"),
        ("/api/v1/organizations?q=g%00%C3%B6%C3%A7", "q"),  # a query parameter
        ("/api/v1/documents?q=%1B%5B31m", "q"),  # an escape sequence
        ("/api/v1/search?q=a%00", "q"),
        ("/api/v1/legislation?title%00=x", "title\x00"),  # a parameter's name
        ("/api/v1/complaints/HSY-%00%00", "tracking_code"),
        ("/api/v1/stats/satisfaction?service=%C2%85", "service"),  # a C1 control
    ],
)
def test_control_characters_in_paths_and_parameters_are_422(
    client: FlaskClient, path: str, field: str
) -> None:
    body = _refused(client.get(path), 422)
    assert field.replace("\x00", "U+0000") in body["errors"]


def test_control_characters_in_headers_are_422(client: FlaskClient) -> None:
    response = client.get("/api/v1/complaints/HSY-ABCDEFGH", headers={"X-Access-Key": "k\x00ey"})
    _refused(response, 422, "X-Access-Key")
    response = client.get("/api/v1/organizations", headers={"Authorization": "Bearer a\x01b"})
    _refused(response, 422, "Authorization")


def test_nul_in_json_values_keys_and_free_form_data_writes_nothing(
    client: FlaskClient, session: Session
) -> None:
    # A JSON escape, a value in a nested object, a key, a free-form dict the schema keeps.
    raw = b'{"organization": "24325150", "subject": "extra_documents", "text": "a\\u0000b"}'
    _refused(client.post("/api/v1/complaints", data=raw, content_type="application/json"), 422)
    nested = {**COMPLAINT, "contact": {**CONTACT, "name": "Ayşe\x00"}}
    _refused(client.post("/api/v1/complaints", json=nested), 422, "contact.name")
    keyed = {**COMPLAINT, "te\x00xt": TEXT}
    assert "teU+0000xt" in _refused(client.post("/api/v1/complaints", json=keyed))["errors"]
    request = {
        "entity": "organization",
        "action": "create",
        "data": {"name": "Birim", "notes": {"k\x00": ["\x00"]}},
        "reason": "deneme",
    }
    _, token = make_user(session, name="Deneme Denetçi", role="reviewer")
    session.commit()  # a write needing a token is judged only with one (401 before, else)
    signed = {"Authorization": f"Bearer {token}"}
    body = _refused(client.post("/api/v1/change-requests", json=request, headers=signed), 422)
    assert {"data.notes.kU+0000", "data.notes.kU+0000.0"} <= set(body["errors"])
    survey = {"service": "ABC-1", "score": 5, "comment": "iyi\x07"}
    _refused(client.post("/api/v1/surveys", json=survey), 422, "comment")
    assert _count(session, Complaint) == 0 and _count(session, SurveyResponse) == 0


def test_control_characters_in_the_public_forms_are_refused_with_a_page(
    client: FlaskClient, session: Session
) -> None:
    form = {
        "organization": "24325150",
        "subject": "extra_documents",
        "service": "ABC-1",
        "text": "Belge istendi\x00 ve işlem yapılmadı.",
        "contact.name": "Ayşe Yılmaz",
        "contact.email": "ayse@example.org",
    }
    page = client.post("/complaints", data=form)
    assert page.status_code == 422 and page.mimetype == "text/html"
    assert "\x00" not in page.get_data(as_text=True)
    survey = client.post("/services/ABC-1/survey", data={"score": "5", "comment": "\x1bx"})
    assert survey.status_code == 422 and survey.mimetype == "text/html"
    tracked = client.post("/complaints/track", data={"tracking_code": "\x00", "access_key": "k"})
    assert tracked.status_code == 422
    assert _count(session, Complaint) == 0 and _count(session, SurveyResponse) == 0


# -- nesting and size ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body",
    [
        b"[" * 100_000,  # unbalanced: the parser's own recursion limit
        b"[" * 100_000 + b"]" * 100_000,
        (b'{"a":' * 40) + b"1" + (b"}" * 40),  # well-formed, deeper than any answer nests
        b'{"text": "unterminated',
    ],
)
def test_deep_or_broken_json_is_400(client: FlaskClient, body: bytes) -> None:
    for path in ("/api/v1/complaints", "/api/v1/surveys"):
        _refused(client.post(path, data=body, content_type="application/json"), 400)
    # A write that needs a token answers 401 before judging the body (tests/test_api_edges.py).
    anonymous = client.post("/api/v1/change-requests", data=body, content_type="application/json")
    _refused(anonymous, 401)


def test_a_body_over_the_limit_is_413_problem_json(client: FlaskClient) -> None:
    body = b'{"text": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    response = client.post("/api/v1/complaints", data=body, content_type="application/json")
    _refused(response, 413)


# -- dates at the ends of the calendar ------------------------------------------------------------


@pytest.fixture
def demo_codes(demo_client: FlaskClient) -> dict[str, str]:
    services = demo_client.get("/api/v1/services?page_size=500").json
    service = next(s for s in services if s["max_duration"])
    unit = demo_client.get("/api/v1/organizations?page_size=1").json[0]
    act = demo_client.get("/api/v1/legislation?page_size=1").json[0]
    return {"service": service["code"], "unit": unit["detsis_no"], "act": str(act["id"])}


@pytest.mark.parametrize(
    "day", ["9999-12-30", "9999-12-31", "0001-01-01", "1799-12-31", "2200-01-01", "10000-01-01"]
)
def test_dates_at_the_ends_of_the_calendar_are_422_naming_the_parameter(
    demo_client: FlaskClient, demo_codes: dict[str, str], day: str
) -> None:
    service, unit, act = demo_codes["service"], demo_codes["unit"], demo_codes["act"]
    checks = {
        f"/api/v1/services/{service}/due-date?from={day}": "from",
        f"/api/v1/organizations/{unit}?at={day}": "at",
        f"/api/v1/organizations/{unit}/children?at={day}": "at",
        f"/api/v1/organizations/{unit}/subtree?at={day}": "at",
        f"/api/v1/legislation/{act}?at={day}": "at",
        f"/api/v1/organizations?at={day}": "at",
    }
    for path, field in checks.items():
        _refused(demo_client.get(path), 422, field)


def test_the_last_accepted_day_still_has_a_due_date(
    demo_client: FlaskClient, demo_codes: dict[str, str]
) -> None:
    response = demo_client.get(f"/api/v1/services/{demo_codes['service']}/due-date?from=2199-12-31")
    assert response.status_code == 200 and response.json["due"] >= "2199-12-31"


# -- texts longer than their column ---------------------------------------------------------------


def test_a_text_longer_than_its_column_is_invalid_input_on_both_backends(app: Flask) -> None:
    """No schema in the way: the model's own ``String(120)`` decides, for ORM and bulk writes
    alike, so a write added tomorrow is covered too."""
    with app.app_context(), app.extensions["registry.db"].sessionmaker() as session:
        with pytest.raises(InvalidInput) as refused:
            make_user(session, name="Ç" * 121, role="reviewer")
            session.flush()
        assert "name" in (refused.value.errors or {})
        session.rollback()
        with pytest.raises(InvalidInput) as bulk:
            session.execute(insert(User.__table__), [{"name": "x" * 500, "role": "reviewer"}])
        assert "name" in (bulk.value.errors or {})
        session.rollback()
        with pytest.raises(InvalidInput) as nul:
            make_user(session, name="a\x00b", role="reviewer")
            session.flush()
        assert "name" in (nul.value.errors or {})
        session.rollback()
        make_user(session, name="Ç" * 120, role="reviewer")  # the limit itself fits
        session.flush()
        assert _count(session, User) == 0  # rolled back: nothing half-written


# -- errors are logged without the citizen's words ------------------------------------------------


def test_a_server_error_logs_request_id_path_and_type_never_the_body(
    app: Flask, client: FlaskClient, caplog: pytest.LogCaptureFixture, monkeypatch: Any
) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error is logged

    def fails(*_args: Any, **_kwargs: Any) -> Any:
        # As a database error does: its message quotes the statement's parameters.
        raise ValueError(f"[parameters: {{'text': {TEXT!r}, 'contact': {CONTACT!r}}}]")

    monkeypatch.setattr(complaints_api.complaints, "file_complaint", fails)
    with caplog.at_level(logging.INFO):
        response = client.post(
            "/api/v1/complaints", json=COMPLAINT, headers={"X-Request-Id": "req-hostile-0001"}
        )
    assert response.status_code == 500 and response.mimetype == PROBLEM
    assert TEXT not in response.get_data(as_text=True)
    logged = caplog.text + "".join(str(getattr(r, "fields", "")) for r in caplog.records)
    for secret in (TEXT, CONTACT["email"], CONTACT["phone"], CONTACT["name"]):
        assert secret not in logged
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors, caplog.text
    fields = errors[0].fields  # type: ignore[attr-defined]
    assert fields["request_id"] == "req-hostile-0001"
    assert fields["path"] == "/api/v1/complaints"
    assert fields["exception"] == "ValueError"
    assert any("fails" in frame for frame in fields["stack"])


# -- answers that differ by caller ----------------------------------------------------------------


def test_answers_that_depend_on_the_caller_vary_on_authorization(
    demo_client: FlaskClient, demo_codes: dict[str, str]
) -> None:
    history = demo_client.get(f"/api/v1/organizations/{demo_codes['unit']}/history")
    assert history.status_code == 200 and "Authorization" in history.headers["Vary"]
    complaint = demo_client.get(
        "/api/v1/complaints/HSY-ABCDEFGH", headers={"X-Access-Key": "not-the-key"}
    )
    assert complaint.status_code == 404
    assert {"Authorization", "X-Access-Key"} <= {
        v.strip() for v in complaint.headers["Vary"].split(",")
    }
    listed = demo_client.get("/api/v1/complaints")
    assert listed.status_code == 401 and "Authorization" in listed.headers["Vary"]


# -- importer inputs ------------------------------------------------------------------------------


def _xlsx(path: Path, rows: list[list[Any]]) -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def _rewrite_zip(source: Path, target: Path, replace: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            data = replace.get(item.filename, old.read(item.filename))
            new.writestr(item.filename, data, compress_type=zipfile.ZIP_DEFLATED)
        for name, data in replace.items():
            if name not in old.namelist():
                new.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
    return target


def _refused_import(runner: Any, path: Path, reason: str) -> None:
    result = runner.invoke(args=["import-units", str(path), "--dry-run"])
    assert result.exit_code != 0
    assert "Traceback" not in result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1, result.output
    assert path.name in lines[0] and reason in lines[0], lines[0]


def test_an_xlsx_zip_bomb_is_refused_before_it_is_unpacked(runner: Any, tmp_path: Path) -> None:
    plain = _xlsx(tmp_path / "plain.xlsx", [["Adı", "Üst Birim"], ["Birim", ""]])
    # 32 MB of one repeated row packs to ~30 kB: built in milliseconds, refused by its ratio.
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    sheet = b"<worksheet><sheetData>" + row * (32 * 1024 * 1024 // len(row)) + b"</sheetData>"
    started = time.perf_counter()
    bomb = _rewrite_zip(plain, tmp_path / "bomb.xlsx", {"xl/worksheets/sheet1.xml": sheet})
    _refused_import(runner, bomb, "zip bomb")
    assert time.perf_counter() - started < 5


def test_an_xlsx_declaring_entities_is_refused(runner: Any, tmp_path: Path) -> None:
    plain = _xlsx(tmp_path / "plain.xlsx", [["Adı", "Üst Birim"], ["Birim", ""]])
    with zipfile.ZipFile(plain) as archive:
        workbook = archive.read("xl/workbook.xml")
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>' + workbook
    )
    hostile = _rewrite_zip(plain, tmp_path / "laughs.xlsx", {"xl/workbook.xml": laughs})
    _refused_import(runner, hostile, "DOCTYPE")


def test_a_csv_field_over_the_csv_limit_and_a_nul_cell_are_refused(
    runner: Any, tmp_path: Path
) -> None:
    big = tmp_path / "big.csv"
    big.write_text('Adı;Üst Birim\n"' + "a" * 200_000 + '";\n', encoding="utf-8")
    _refused_import(runner, big, "line 2")
    nul = tmp_path / "nul.csv"
    nul.write_text("Adı;Üst Birim\nBir\x00im;\n", encoding="utf-8")
    _refused_import(runner, nul, "U+0000")
    escape = tmp_path / "escape.csv"
    escape.write_text("Adı;Üst Birim\nBirim;\nBir\x1b[31mim;\n", encoding="utf-8")
    _refused_import(runner, escape, "line 3")


# -- slow clients -------------------------------------------------------------------------------


@pytest.fixture
def served(sqlite_template: bytes, tmp_path: Path) -> Iterator[int]:
    """A real ``registry serve`` (default threads) on a SQLite file, on 127.0.0.1."""
    database = tmp_path / "served.sqlite3"
    _write_sqlite_file(database, sqlite_template)
    port = _free_port()
    server = subprocess.Popen(
        [REGISTRY, "serve", "--port", str(port), "--workers", "1", "--no-index-follower"],
        env={
            **os.environ,
            "REGISTRY_DATABASE_URL": f"sqlite:///{database}",
            "REGISTRY_INDEX_DIR": str(tmp_path / "index"),
            "REGISTRY_SECRET_KEY": "x",
        },
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        until(lambda: _healthz(port) is not None, 60)
        yield port
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def _healthz(port: int) -> float | None:
    """Seconds /healthz took, or None when it did not answer 200."""
    started = time.perf_counter()
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
            answer = sock.recv(64)
    except OSError:
        return None
    return time.perf_counter() - started if answer.startswith(b"HTTP/1.1 200") else None


def test_trickling_clients_do_not_stall_the_node(served: int) -> None:
    """Eight sockets send their headers, then a body byte every half second; a ninth sends
    nothing more. /healthz answers in well under a second throughout, and the silent one gets
    a 408 once its read times out."""
    head = (
        b"POST /api/v1/surveys HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        b"Content-Type: application/json\r\nContent-Length: 10000\r\n\r\n"
    )
    stop = threading.Event()
    trickling = [socket.create_connection(("127.0.0.1", served)) for _ in range(8)]
    silent = socket.create_connection(("127.0.0.1", served))
    for sock in (*trickling, silent):
        sock.sendall(head)

    def trickle() -> None:
        while not stop.wait(0.5):
            for sock in trickling:
                try:
                    sock.sendall(b" ")
                except OSError:
                    pass

    feeder = threading.Thread(target=trickle, daemon=True)
    feeder.start()
    try:
        times = []
        ends = time.monotonic() + 7
        while time.monotonic() < ends:
            took = _healthz(served)
            assert took is not None, "healthz did not answer"
            times.append(took)
            time.sleep(0.2)
        assert max(times) < 1.0, [round(t, 3) for t in times]
        silent.settimeout(10)
        assert silent.recv(64).startswith(b"HTTP/1.1 408")
    finally:
        stop.set()
        feeder.join()
        for sock in (*trickling, silent):
            sock.close()
