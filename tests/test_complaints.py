"""Complaints over HTTP: filing, the citizen's view with the access key, routing to the places of
application, escalation when the first place does not answer in time, the institution's answer,
and who may see the personal data."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.kernel import clock
from registry.kernel.workdays import add_working_days
from registry.organizations import tree
from registry.standards.models import Complaint, ServiceStandardContacts
from registry.web import formatting
from tests.factories import make_service, make_unit, make_user
from tests.workflow_world import World, build_world

TRACKING_CODE = re.compile(r"^HSY-[2-9A-HJ-NP-Z]{8}$")
CONTACT = {"name": "Ayşe Yılmaz", "email": "ayse.yilmaz@example.org", "phone": "0532 000 00 00"}
TEXT = "Hizmet standartları tablosunda olmayan ikametgâh belgesi istendi."


@dataclass
class Setup:
    world: World
    service: str  # a service of Bilgi İşlem Daire Başkanlığı (bidb), under Göç İdaresi
    sgk_service: str


@pytest.fixture
def setup(app: Flask, session: Session) -> Setup:
    # These tests file many complaints from one address; tests/test_ratelimit.py covers limits.
    app.config["RATELIMIT_ENABLED"] = False
    world = build_world(session)
    service = make_service(session, "Yabancı Kimlik Numarası Tahsisi", world.bidb)
    sgk_service = make_service(session, "Hizmet Dökümü Verilmesi", world.sgk)
    session.commit()
    return Setup(world, service, sgk_service)


@pytest.fixture
def on_day(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """Set the registry's today (the API reads ``registry.kernel.clock.today`` at each request)."""

    def set_day(day: date) -> None:
        monkeypatch.setattr(clock, "today", lambda: day)

    yield set_day


def file(client: FlaskClient, **overrides: Any) -> Any:
    return client.post("/api/v1/complaints", json=overrides)


def body(setup: Setup, **overrides: Any) -> dict[str, Any]:
    return {
        "service": setup.service,
        "organization": setup.world.bidb,
        "subject": "extra_documents",
        "text": TEXT,
        "contact": CONTACT,
        **overrides,
    }


def filed(client: FlaskClient, setup: Setup, **overrides: Any) -> dict[str, Any]:
    response = client.post("/api/v1/complaints", json=body(setup, **overrides))
    assert response.status_code == 201, response.json
    return dict(response.json)


def read(client: FlaskClient, complaint: dict[str, Any], key: str | None = None) -> Any:
    return client.get(
        f"/api/v1/complaints/{complaint['tracking_code']}",
        headers={"X-Access-Key": key if key is not None else complaint["access_key"]},
    )


def act(
    client: FlaskClient, headers: dict[str, str], code: str, status: str, note: str | None = None
) -> Any:
    payload: dict[str, Any] = {"status": status}
    if note is not None:
        payload["note"] = note
    return client.post(f"/api/v1/complaints/{code}/events", json=payload, headers=headers)


def add_contacts(
    session: Session,
    unit: str,
    *,
    first: str | None = None,
    second: str | None = None,
    response_days: int | None = None,
) -> None:
    def block(name: str, organization: str | None) -> dict[str, Any]:
        return {"name": name, "title": "Daire Başkanı", "organization": organization}

    session.add(
        ServiceStandardContacts(
            organization_id=tree.organization_id(session, unit),
            first_contact=block("Mehmet Demir", first),
            second_contact=block("Zeynep Kaya", second),
            response_days=response_days,
            status="active",
            version=1,
        )
    )
    session.commit()


def test_filing_gives_a_code_and_a_key_and_the_citizen_reads_it_back(
    client: FlaskClient, session: Session, setup: Setup
) -> None:
    answer = filed(client, setup)
    assert TRACKING_CODE.match(answer["tracking_code"]), answer
    assert len(answer["access_key"]) >= 43  # 256 bits, URL-safe base64
    assert answer["status"] == "received" and answer["level"] == "first"
    # No contacts record anywhere up the tree: the unit itself first, then its parent.
    assert answer["first_place"]["detsis_no"] == setup.world.bidb
    assert answer["second_place"]["detsis_no"] == setup.world.yhgm
    assert answer["response_days"] == 15
    assert answer["due_on"] == add_working_days(clock.today(), 15).isoformat()

    response = read(client, answer)
    assert response.status_code == 200, response.json
    # Personal data: no shared cache may keep the citizen's view.
    assert response.headers["Cache-Control"] == "no-store"
    complaint = response.json
    assert complaint["tracking_code"] == answer["tracking_code"]
    assert complaint["text"] == TEXT and complaint["contact"] == CONTACT
    assert complaint["service"]["code"] == setup.service
    assert complaint["organization"]["name"] == "Bilgi İşlem Daire Başkanlığı"
    assert complaint["current_place"] == complaint["first_place"]
    assert [(e["to_status"], e["by"]) for e in complaint["events"]] == [("received", "vatandaş")]
    assert "actions" not in complaint

    # The key is stored only as its SHA-256; codes are typed back case- and space-insensitively.
    stored = session.scalars(select(Complaint)).one()
    assert stored.access_key_hash == hashlib.sha256(answer["access_key"].encode()).hexdigest()
    assert answer["access_key"] not in str(vars(stored))
    session.rollback()
    typed = {**answer, "tracking_code": answer["tracking_code"].lower().replace("-", " ")}
    assert read(client, typed).status_code == 200


def test_wrong_key_and_wrong_code_are_the_same_404_and_no_key_is_401(
    client: FlaskClient, setup: Setup
) -> None:
    answer = filed(client, setup)
    other = filed(client, setup)
    wrong_key = read(client, answer, key=other["access_key"])
    wrong_code = read(client, {**answer, "tracking_code": "HSY-22222222"})
    malformed = read(client, {**answer, "tracking_code": "x" * 300})
    for response in (wrong_key, wrong_code, malformed):
        assert response.status_code == 404
        assert response.mimetype == "application/problem+json"
        assert "text" not in response.json and "contact" not in response.json
    assert wrong_key.json == wrong_code.json == malformed.json

    missing = client.get(f"/api/v1/complaints/{answer['tracking_code']}")
    assert missing.status_code == 401
    assert missing.mimetype == "application/problem+json"
    assert "X-Access-Key" in missing.json["errors"]
    assert "X-Access-Key" in missing.json["detail"]


INVALID: list[tuple[dict[str, Any], set[str]]] = [
    ({"text": "kısa"}, {"text"}),
    ({"text": " " * 50}, {"text"}),
    ({"text": "x" * 4001}, {"text"}),
    ({"subject": "rude_staff"}, {"subject"}),
    ({"contact": {"name": "Ayşe"}}, {"contact.email", "contact.phone"}),
    ({"contact": {"email": "a@example.org"}}, {"contact.name"}),
    ({"contact": {"name": "Ayşe", "email": "not-an-address"}}, {"contact.email"}),
    ({"contact": {**CONTACT, "tckn": "12345678901"}}, {"contact.tckn"}),
    ({"priority": "high"}, {"priority"}),
    ({"organization": "123"}, {"organization"}),
    ({"organization": "99999999"}, {"organization"}),
    ({"service": "NO-SUCH-SERVICE"}, {"service"}),
    ({"service": None, "subject": "service_missing"}, {"service_name"}),
    ({"service": None}, {"service"}),
]


def test_invalid_complaints_are_422_naming_the_field(client: FlaskClient, setup: Setup) -> None:
    for overrides, fields in INVALID:
        response = file(client, **body(setup, **overrides))
        assert response.status_code == 422, (overrides, response.json)
        assert response.mimetype == "application/problem+json"
        assert set(response.json["errors"]) == fields, overrides
    broken = client.post("/api/v1/complaints", data="{", content_type="application/json")
    assert broken.status_code == 400 and broken.mimetype == "application/problem+json"
    # Nothing half-written: no complaint exists.
    assert client.get("/api/v1/complaints", headers=setup.world.auth("reviewer")).json == []


def test_the_service_must_be_provided_in_the_unit_applied_to_or_around_it(
    client: FlaskClient, setup: Setup
) -> None:
    other = file(client, **body(setup, service=setup.sgk_service))
    assert other.status_code == 422 and set(other.json["errors"]) == {"service"}
    # Applied at the institution above the providing unit, or at a unit under it: both fine.
    assert filed(client, setup, organization=setup.world.goc)["first_place"]["detsis_no"] == (
        setup.world.goc
    )


def test_a_service_missing_from_the_table_is_named_in_free_text(
    client: FlaskClient, setup: Setup
) -> None:
    answer = filed(
        client,
        setup,
        service=None,
        subject="service_missing",
        service_name="Çalışma izni muafiyeti yazısı",
    )
    complaint = read(client, answer).json
    assert complaint["service"] is None
    assert complaint["service_name"] == "Çalışma izni muafiyeti yazısı"
    assert complaint["subject"] == "service_missing"


def test_contacts_up_the_tree_route_the_complaint(
    client: FlaskClient, session: Session, setup: Setup
) -> None:
    world = setup.world
    # Göç İdaresi's table names its own unit first and the ministry second, with 5 working days.
    add_contacts(session, world.goc, second=world.interior, response_days=5)
    answer = filed(client, setup)
    assert answer["first_place"]["detsis_no"] == world.goc
    assert answer["second_place"]["detsis_no"] == world.interior
    assert answer["response_days"] == 5
    assert answer["due_on"] == add_working_days(clock.today(), 5).isoformat()

    # A nearer record wins; without a second_contact.organization the second is its parent.
    add_contacts(session, world.yhgm, first=world.bidb)
    nearer = filed(client, setup)
    assert nearer["first_place"]["detsis_no"] == world.bidb
    assert nearer["second_place"]["detsis_no"] == world.goc
    assert nearer["response_days"] == 15


def test_an_unanswered_complaint_goes_to_the_second_place_when_read(
    client: FlaskClient, session: Session, setup: Setup, on_day: Any
) -> None:
    answer = filed(client, setup)
    due = date.fromisoformat(answer["due_on"])

    on_day(due)  # the last day: still with the first place
    assert read(client, answer).json["level"] == "first"

    later = due + timedelta(days=1)
    on_day(later)
    complaint = read(client, answer).json
    assert complaint["level"] == "second" and complaint["status"] == "received"
    assert complaint["current_place"]["detsis_no"] == setup.world.yhgm
    assert complaint["escalated_at"] is not None
    assert complaint["due_on"] == add_working_days(later, 15).isoformat()
    escalation = complaint["events"][-1]
    assert escalation["by"] == "sistem" and escalation["level"] == "second"
    assert escalation["from_status"] == "received" and escalation["note"]

    # Reading again changes nothing more.
    again = read(client, answer).json
    assert len(again["events"]) == len(complaint["events"]) == 2


def test_the_cron_command_escalates_and_answered_complaints_stay(
    app: Flask, client: FlaskClient, setup: Setup, on_day: Any
) -> None:
    world = setup.world
    waiting = filed(client, setup)
    reviewed = filed(client, setup)
    answered = filed(client, setup)
    goc = world.auth("goc_coordinator")
    assert act(client, goc, reviewed["tracking_code"], "in_review").status_code == 201
    assert (
        act(client, goc, answered["tracking_code"], "answered", "Belge iade edildi.").json["status"]
        == "answered"
    )

    day = date.fromisoformat(waiting["due_on"]) + timedelta(days=3)
    result = app.test_cli_runner().invoke(
        args=["complaints", "escalate", "--date", day.isoformat()]
    )
    assert result.exit_code == 0, result.output
    assert result.output.startswith("2 complaint(s) escalated")
    repeat = app.test_cli_runner().invoke(args=["complaints", "escalate", "--date", str(day)])
    assert repeat.output.startswith("0 complaint(s)")

    on_day(day)
    assert read(client, waiting).json["level"] == "second"
    in_review = read(client, reviewed).json
    assert (in_review["level"], in_review["status"]) == ("second", "received")
    assert in_review["due_on"] == add_working_days(day, 15).isoformat()
    assert read(client, answered).json["level"] == "first"


def test_the_institution_answers_and_the_citizen_reads_the_answer(
    client: FlaskClient, setup: Setup
) -> None:
    world = setup.world
    answer = filed(client, setup)
    code = answer["tracking_code"]
    goc = world.auth("goc_coordinator")

    seen = client.get(f"/api/v1/complaints/{code}", headers=goc)
    assert seen.status_code == 200
    assert seen.json["contact"] == CONTACT
    assert seen.json["actions"] == ["in_review", "answered", "closed"]

    taken = act(client, goc, code, "in_review")
    assert taken.status_code == 201, taken.json
    assert taken.json["status"] == "in_review" and taken.json["actions"] == ["answered", "closed"]

    no_note = act(client, goc, code, "answered", "   ")
    assert no_note.status_code == 422 and set(no_note.json["errors"]) == {"note"}
    unknown = act(client, goc, code, "escalated")
    assert unknown.status_code == 422 and set(unknown.json["errors"]) == {"status"}

    reply = "İkametgâh belgesi istenmeyecek; işleminiz 3 iş günü içinde tamamlanacak."
    done = act(client, world.auth("goc_approver"), code, "answered", reply)
    assert done.status_code == 201, done.json
    assert done.json["answered_at"] is not None and done.json["actions"] == []
    assert [e["by"] for e in done.json["events"]] == ["vatandaş", "goc_coordinator", "goc_approver"]

    again = act(client, goc, code, "closed", "Kapatıldı")
    assert again.status_code == 409
    assert again.mimetype == "application/problem+json"

    citizen = read(client, answer).json
    assert citizen["status"] == "answered"
    last = citizen["events"][-1]
    assert last["note"] == reply and last["to_status"] == "answered"
    # The citizen sees the place of application that answered, not the account.
    assert last["by"] == "Bilgi İşlem Daire Başkanlığı"
    assert "goc_approver" not in str(citizen)


def test_other_institutions_get_404_and_no_personal_data(client: FlaskClient, setup: Setup) -> None:
    world = setup.world
    answer = filed(client, setup)
    code = answer["tracking_code"]

    # Another institution cannot tell its code from one that names no complaint (issue 20).
    foreign = client.get(f"/api/v1/complaints/{code}", headers=world.auth("sgk_coordinator"))
    unknown = client.get("/api/v1/complaints/HSY-22222222", headers=world.auth("sgk_coordinator"))
    assert foreign.status_code == unknown.status_code == 404
    assert foreign.json == unknown.json
    assert CONTACT["email"] not in foreign.text and TEXT not in foreign.text
    assert act(client, world.auth("sgk_approver"), code, "in_review").status_code == 404
    listed = client.get("/api/v1/complaints", headers=world.auth("sgk_coordinator"))
    assert listed.status_code == 200 and listed.json == []

    # The central reviewers oversee complaints, without the citizen's contact; they do not act.
    reviewer = client.get(f"/api/v1/complaints/{code}", headers=world.auth("reviewer"))
    assert reviewer.status_code == 200
    assert reviewer.json["contact"] is None and CONTACT["email"] not in reviewer.text
    assert act(client, world.auth("reviewer"), code, "in_review").status_code == 403
    # Admins manage accounts only.
    admin = client.get(f"/api/v1/complaints/{code}", headers=world.auth("admin"))
    assert admin.status_code == 403 and CONTACT["email"] not in admin.text
    assert act(client, {}, code, "in_review").status_code == 401
    assert act(client, world.auth("goc_coordinator"), "HSY-22222222", "in_review").status_code == (
        404
    )


def test_after_escalation_the_second_place_acts_and_the_first_only_reads(
    client: FlaskClient, session: Session, setup: Setup, on_day: Any
) -> None:
    world = setup.world
    # A provincial-style table naming another institution as the second place of application.
    add_contacts(session, world.bidb, second=world.sgk, response_days=3)
    _, bidb_token = make_user(
        session, name="bidb_coordinator", role="coordinator", organization=world.bidb
    )
    session.commit()
    bidb = {"Authorization": f"Bearer {bidb_token}"}
    sgk = world.auth("sgk_coordinator")
    answer = filed(client, setup)
    code = answer["tracking_code"]
    assert answer["second_place"]["detsis_no"] == world.sgk

    # Before escalation, the second place neither lists nor reads it.
    assert client.get("/api/v1/complaints", headers=sgk).json == []
    assert client.get(f"/api/v1/complaints/{code}", headers=sgk).status_code == 404
    assert [c["tracking_code"] for c in client.get("/api/v1/complaints", headers=bidb).json] == [
        code
    ]

    on_day(date.fromisoformat(answer["due_on"]) + timedelta(days=1))
    listed = client.get("/api/v1/complaints?level=second", headers=sgk)
    assert [c["tracking_code"] for c in listed.json] == [code]  # the list escalated it first
    assert listed.json[0]["actions"] == ["in_review", "answered", "closed"]
    first = client.get(f"/api/v1/complaints/{code}", headers=bidb)
    assert first.status_code == 200 and first.json["actions"] == []
    assert act(client, bidb, code, "in_review").status_code == 403
    assert act(client, sgk, code, "answered", "SGK olarak yanıtlıyoruz.").status_code == 201


def test_institution_list_filters_and_pages(client: FlaskClient, setup: Setup) -> None:
    world = setup.world
    codes = [filed(client, setup)["tracking_code"] for _ in range(3)]
    goc = world.auth("goc_coordinator")
    assert act(client, goc, codes[0], "in_review").status_code == 201

    everything = client.get("/api/v1/complaints", headers=goc)
    assert everything.status_code == 200
    assert [c["tracking_code"] for c in everything.json] == codes[::-1]  # newest first
    assert everything.json[0]["contact"] == CONTACT
    received = client.get("/api/v1/complaints?status=received&page_size=1", headers=goc)
    assert [c["tracking_code"] for c in received.json] == [codes[2]]
    assert '"total": 2' in received.headers["X-Pagination"]
    assert client.get("/api/v1/complaints?status=lost", headers=goc).status_code == 422
    assert client.get("/api/v1/complaints").status_code == 401
    assert client.get("/api/v1/complaints", headers=world.auth("admin")).status_code == 403
    reviewer = client.get("/api/v1/complaints", headers=world.auth("reviewer"))
    assert len(reviewer.json) == 3 and all(c["contact"] is None for c in reviewer.json)


def test_personal_data_stays_out_of_the_change_feed_and_the_log(
    client: FlaskClient, session: Session, setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    make_unit(session, "Yeni Daire", parent=setup.world.yhgm)  # something for the feed to show
    session.commit()
    with caplog.at_level(logging.DEBUG):
        answer = filed(client, setup)
        read(client, answer)
        client.get(f"/api/v1/complaints/{answer['tracking_code']}", headers={"X-Access-Key": "x"})
        feed = client.get("/api/v1/changes")
    assert feed.status_code == 200
    for secret in (CONTACT["email"], CONTACT["name"], TEXT, answer["access_key"]):
        assert secret not in feed.text
        assert secret not in caplog.text
    assert "complaint" not in {change["entity"] for change in feed.json["changes"]}


# -- the complaint form on the public site (issue 25) -------------------------------------------

FORM_PAGE = "/complaints/new"
VOCABULARY = re.compile(
    r"time_exceeded|extra_documents|table_not_kept|service_missing|in_review|Missing data|"
    r"Not a valid|Unknown field| / "
)


def _visible(response: Any) -> str:
    """The page's text as a reader sees it (not attribute values such as radio buttons')."""
    page = html.fromstring(response.data)
    for hidden in page.xpath("//script|//style"):
        hidden.drop_tree()
    return " ".join(page.text_content().split())


def form_data(setup: Setup, **overrides: str) -> dict[str, str]:
    return {
        "organization": setup.world.bidb,
        "service": setup.service,
        "subject": "extra_documents",
        "text": TEXT,
        "contact.name": "Ayşe Işık",
        "contact.phone": "0532 000 00 00",
        **overrides,
    }


def test_the_form_shows_the_kvkk_notice_and_marks_required_fields(
    client: FlaskClient, setup: Setup
) -> None:
    response = client.get(FORM_PAGE, query_string={"organization": setup.world.bidb})
    assert response.status_code == 200
    page = html.fromstring(response.data)
    notice = " ".join(page.xpath("string(//section[@id='kvkk'])").split())
    assert "6698 sayılı Kişisel Verilerin Korunması Kanunu" in notice
    assert "veri sorumlusu" in notice and "yayımlanmaz" in notice
    required = {
        " ".join(label.text_content().split())
        for label in page.xpath(
            "//label[span[@class='required']]|//legend[span[@class='required']]"
        )
    }
    assert {
        "Ne oldu? (zorunlu)",
        "Adınız soyadınız (zorunlu)",
        "Şikâyetinizin konusu (zorunlu)",
    } <= required
    assert page.xpath("//textarea[@id='text']/@required") and page.xpath(
        "//input[@id='contact.name']/@required"
    )
    assert not VOCABULARY.search(_visible(response))


def test_a_refused_form_speaks_turkish_only_without_doubled_punctuation(
    client: FlaskClient, setup: Setup
) -> None:
    response = client.post(
        "/complaints",
        data=form_data(
            setup,
            subject="bogus",
            text="kısa",
            **{"contact.phone": "", "contact.email": "not-an-address"},
        ),
    )
    assert response.status_code == 422
    text = _visible(response)
    assert not VOCABULARY.search(text), text
    assert not re.search(r"[.:;,]\s*[.:;]", text), text
    summary = html.fromstring(response.data).xpath("//div[@class='error-summary']//li")
    messages = {" ".join(item.text_content().split()) for item in summary}
    assert "Şikâyetin konusu: Şikâyetinizin konusunu seçin." in messages
    assert "Ne oldu?: 10–4000 karakter olmalı." in messages
    assert any(m.startswith("E-posta: ") for m in messages), messages


def test_a_filed_complaint_redirects_to_its_receipt_and_a_refresh_files_nothing(
    client: FlaskClient, session: Session, setup: Setup
) -> None:
    filed = client.post("/complaints", data=form_data(setup))
    assert filed.status_code == 303
    assert filed.headers["Location"].endswith("/complaints/receipt")
    assert filed.headers["Cache-Control"] == "no-store"
    cookie = filed.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Path=/complaints/receipt" in cookie and "Max-Age=900" in cookie
    receipt = client.get("/complaints/receipt")
    assert receipt.status_code == 200 and receipt.headers["Cache-Control"] == "no-store"
    shown = html.fromstring(receipt.data)
    code = shown.xpath("string(//*[@id='tracking-code'])")
    key = shown.xpath("string(//*[@id='access-key'])")
    assert TRACKING_CODE.match(code) and len(key) > 20
    due_on = session.scalars(select(Complaint.due_on)).one()
    session.rollback()  # end the test's read: the in-memory database has one connection
    due = shown.xpath("string(//dt[.='Yanıt için son gün']/following-sibling::dd[1])")
    assert due == f"{due_on:%d.%m.%Y}"
    again = client.get("/complaints/receipt")  # the refresh: the same receipt, nothing filed
    assert again.status_code == 200 and code in again.get_data(as_text=True)
    assert session.scalar(select(func.count()).select_from(Complaint)) == 1
    session.rollback()
    assert (
        client.post(
            "/complaints/track", data={"tracking_code": code, "access_key": key}
        ).status_code
        == 200
    )
    # Another browser (no cookie) or a forged cookie sees no receipt and no key.
    stranger = client.application.test_client()
    elsewhere = stranger.get("/complaints/receipt")
    assert elsewhere.status_code == 404 and key not in elsewhere.get_data(as_text=True)
    assert "Makbuz gösterilemiyor" in elsewhere.get_data(as_text=True)
    stranger.set_cookie("sikayet_makbuzu", "eyJjb2RlIjoieCJ9.forged", path="/complaints/receipt")
    assert stranger.get("/complaints/receipt").status_code == 404


def test_the_tracking_page_shows_turkish_dates_and_istanbul_times(
    client: FlaskClient, session: Session, setup: Setup
) -> None:
    complaint = filed(client, setup)
    stored = session.scalars(
        select(Complaint).where(Complaint.tracking_code == complaint["tracking_code"])
    ).one()
    for event in stored.events:
        event.at = datetime(2026, 12, 17, 8, 39, tzinfo=UTC)  # 11:39 in Istanbul
    stored.due_on = date(2027, 1, 5)
    session.commit()
    page = client.post(
        "/complaints/track",
        data={"tracking_code": complaint["tracking_code"], "access_key": complaint["access_key"]},
    )
    text = _visible(page)
    assert "17.12.2026 11:39" in text and "05.01.2027" in text
    assert "2026-12-17" not in text and "08:39" not in text
    assert not VOCABULARY.search(text), text


# -- one formatting module for every page -------------------------------------------------------


def test_turkish_numbers_dates_and_times() -> None:
    morning = datetime(2026, 12, 17, 8, 39, tzinfo=UTC)
    assert formatting.turkish_date(morning) == "17.12.2026"
    assert formatting.turkish_time(morning) == "11:39"
    assert formatting.turkish_datetime("2026-12-17T08:39:00Z") == "17.12.2026 11:39"
    assert formatting.turkish_time(datetime(2026, 12, 17, 8, 39)) == "11:39"  # SQLite: UTC
    late = datetime(2026, 12, 17, 22, 30, tzinfo=UTC)
    assert formatting.turkish_date(late) == "18.12.2026"  # already tomorrow in Istanbul
    assert formatting.turkish_date("2026-12-17") == "17.12.2026"
    assert formatting.turkish_date(date(2026, 1, 5)) == "05.01.2026"
    assert formatting.turkish_time(date(2026, 1, 5)) == ""
    assert formatting.turkish_date(None) == formatting.turkish_date("not a date") == ""
    assert formatting.turkish_decimal(4) == "4,0"
    assert formatting.turkish_decimal(3.666) == "3,7"
    assert formatting.turkish_decimal(1234.5, 2) == "1.234,50"
    assert formatting.turkish_decimal(0.05) == "0,1"  # half up
    assert formatting.turkish_percent(100.0) == "%100"
    assert formatting.turkish_percent(62.5) == "%62,5"
    assert formatting.turkish_integer(12500) == "12.500"
    assert formatting.turkish_percent(None) == ""


def test_search_snippets_show_highlights_not_tags() -> None:
    snippet = "İkamet <mark>izni</mark> &amp; uzatma"
    assert str(formatting.marked_snippet(snippet)) == snippet
    hostile = "<mark>a</mark><script>alert(1)</script>"
    assert "<script>" not in str(formatting.marked_snippet(hostile))
    assert str(formatting.marked_snippet(None)) == ""
