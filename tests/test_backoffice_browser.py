"""The back office in a real browser: Debian's Chromium, headless, driven by Playwright.

The three roles' main paths (a coordinator files a unit, the institution's approver and a
reviewer approve it, the new DETSİS number shows), the failures a person meets (wrong password,
wrong code, lockout, an idle session, a form without its CSRF token, another institution's
record), axe-core on every back-office page at 1280 and 375 px, sign-in and approval by keyboard
alone, and the screenshots of docs/back-office.md. The server is the real app on a SQLite file
with the sample dataset, on a free loopback port; the accounts are made with the CLI an operator
uses (``registry users create --login``, ``set-password --password-stdin``).

Why this module is long: one server (the sample dataset loads in seconds) and one Chromium serve
every back-office path, and the helpers that drive them (sign-in with the code read from the
enrolment page, axe at two widths, screenshots, keyboard focus) are shared by all the paths;
split into modules, each would start its own server and browser.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, Locator, Page, ViewportSize, expect
from sqlalchemy import select
from werkzeug.exceptions import MethodNotAllowed, NotFound
from werkzeug.serving import make_server

from registry.app import create_app
from registry.demo import load_demo
from registry.kernel import migrate
from registry.kernel.db import get_db
from registry.organizations.models import Organization, OrganizationVersion
from tests.browsers import launched_chromium
from tests.factories import national_id

PASSWORD = "uzun-ve-gizli-bir-parola"
BLOCKING_IMPACTS = ("serious", "critical")
WIDE: ViewportSize = {"width": 1280, "height": 800}
NARROW: ViewportSize = {"width": 375, "height": 800}
SHOTS = Path(__file__).resolve().parent.parent / "docs" / "back-office"
GOC, SGK = "Göç İdaresi Başkanlığı", "Sosyal Güvenlik Kurumu"
# (login, name, role, institution) made with the CLI; None: no scope (reviewers, admins)
ACCOUNTS = [
    ("goc.koordinator", "Ayşe Yılmaz", "coordinator", GOC),
    ("goc.onay", "İsmail Işık", "institution_approver", GOC),
    ("sgk.koordinator", "Mehmet Öztürk", "coordinator", SGK),
    ("inceleme", "Zeynep Çelik", "reviewer", None),
    ("inceleme.iki", "Burak Güneş", "reviewer", None),
    ("yonetici", "Hakan Şahin", "admin", None),
    ("kilit.deneme", "Deniz Ak", "coordinator", SGK),  # the lockout test's own login
]


@dataclass
class Office:
    """The served registry: its address, app, accounts and the DETSİS numbers tests need."""

    url: str
    app: Flask
    user_ids: dict[str, int]
    tokens: dict[str, str]
    numbers: dict[str, str]
    totp_steps: dict[str, int] = field(default_factory=dict)  # the last step used per login
    secrets: dict[str, str] = field(default_factory=dict)  # read from the enrolment page


def _number_of(app: Flask, name: str) -> str:
    with app.app_context(), get_db(app).transaction() as session:
        number = session.scalars(
            select(Organization.detsis_no)
            .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
            .where(OrganizationVersion.name == name)
        ).first()
    assert number is not None, name
    return number


def _create_accounts(app: Flask, numbers: dict[str, str]) -> tuple[dict[str, int], dict[str, str]]:
    """As an operator would: ``users create --login`` then ``set-password --password-stdin``."""
    runner = app.test_cli_runner()
    user_ids, tokens = {}, {}
    for seed, (login, name, role, institution) in enumerate(ACCOUNTS, start=1):
        arguments = ["users", "create", "--name", name, "--role", role, "--login", login]
        arguments += ["--email", f"{login}@kurum.gov.tr", "--person-id", national_id(seed)]
        if institution is not None:
            arguments += ["--organization", numbers[institution]]
        made = runner.invoke(args=arguments)
        assert made.exit_code == 0, made.output
        found = re.search(r"created user #(\d+)", made.output)
        assert found, made.output
        user_ids[login] = int(found.group(1))
        tokens[login] = made.output.strip().splitlines()[-1]
        given = runner.invoke(
            args=["users", "set-password", found.group(1), "--password-stdin"],
            input=PASSWORD + "\n",
        )
        assert given.exit_code == 0, given.output
    return user_ids, tokens


@pytest.fixture(scope="module")
def office(tmp_path_factory: Any) -> Iterator[Office]:
    """The sample registry served on 127.0.0.1 over plain http (so cookies are not Secure)."""
    folder: Path = tmp_path_factory.mktemp("office")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'registry.db'}",
            "INDEX_DIR": str(folder / "index"),
            "SECRET_KEY": "backoffice-browser-test",
            "BACKOFFICE_SECURE_COOKIES": False,
        }
    )
    migrate.upgrade(get_db(app).engine)
    with app.app_context(), get_db(app).transaction() as session:
        load_demo(session)
    numbers = {name: _number_of(app, name) for name in (GOC, SGK)}
    user_ids, tokens = _create_accounts(app, numbers)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield Office(f"http://127.0.0.1:{server.server_port}", app, user_ids, tokens, numbers)
    finally:
        server.shutdown()
        get_db(app).dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launched_chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser profile per test: no cookies carried from one person to the next."""
    context = browser.new_context(locale="tr-TR", viewport=WIDE, bypass_csp=True)
    opened = context.new_page()
    yield opened
    context.close()


# --- axe-core and screenshots -------------------------------------------------------------------

AUDITED: dict[str, str] = {}  # endpoint → the first page name audited for it


def audit(page: Page, office: Office, name: str, *, method: str = "GET") -> None:
    """axe-core finds no serious or critical violation at 1280 px and at 375 px."""
    for size in (WIDE, NARROW):
        page.set_viewport_size(size)
        results = Axe().run(page)
        blocking = [
            f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
            for v in results.response["violations"]
            if v["impact"] in BLOCKING_IMPACTS
        ]
        assert blocking == [], f"{name} at {size['width']} px: {blocking}"
    page.set_viewport_size(WIDE)
    AUDITED.setdefault(_endpoint(office, page.url, method), name)


def _endpoint(office: Office, url: str, method: str) -> str:
    path = url.removeprefix(office.url).split("?")[0]
    adapter = office.app.url_map.bind("127.0.0.1")
    try:
        endpoint, _ = adapter.match(path, method=method)
    except (NotFound, MethodNotAllowed):
        return path
    return str(endpoint)


def shoot(page: Page, name: str, *, narrow: bool = False, at: Locator | None = None) -> None:
    """The viewport only (1280×800, or 375 px wide) from the top of the page or of ``at``,
    written where docs/back-office.md links."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    if narrow:
        page.set_viewport_size(NARROW)
    if at is None:
        page.evaluate("window.scrollTo(0, 0)")
    else:
        at.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=False)
    page.set_viewport_size(WIDE)


# --- signing in -----------------------------------------------------------------------------------


def sign_in(page: Page, office: Office, login: str, password: str = PASSWORD) -> None:
    """Password, then for deciding roles the code pyotp computes from the secret the enrolment
    page shows in words beside its QR code."""
    page.goto(office.url + "/manage/login")
    page.get_by_label("Kullanıcı adı").fill(login)
    page.get_by_label("Parola").fill(password)
    page.get_by_role("button", name="Giriş yap").click()
    if page.url.endswith("/manage/login/code"):
        page.get_by_label("Uygulamadaki 6 haneli kod").fill(next_code(page, office, login))
        page.get_by_role("button", name="Doğrula").click()
    expect(page.locator("h1")).to_have_text("Masam")


def next_code(page: Page, office: Office, login: str) -> str:
    """A code of a step not used before by this login (a code is accepted once)."""
    if login not in office.secrets:
        office.secrets[login] = enrolment_secret(page)
    totp = pyotp.TOTP(office.secrets[login])
    step = totp.timecode(datetime.now(UTC))
    used = office.totp_steps.get(login, step - 1)
    if used >= step + 1:  # both this step and the next are spent: wait for a fresh one
        time.sleep(30 - time.time() % 30 + 0.5)
        step = totp.timecode(datetime.now(UTC))
    chosen = max(step, used + 1)
    office.totp_steps[login] = chosen
    return totp.generate_otp(chosen)


def enrolment_secret(page: Page) -> str:
    """The key the page gives in words for the QR code, checked against the otpauth URI."""
    qr = page.get_by_role("img", name=re.compile("QR"))
    expect(qr).to_be_visible()
    assert (qr.get_attribute("src") or "").startswith("data:image/svg+xml")
    text = page.locator("main").inner_text()
    key = re.search(r"Anahtar:\s*([A-Z2-7]{16,})", text)
    uri = re.search(r"(otpauth://totp/\S+)", text)
    assert key and uri, text
    parsed = pyotp.parse_uri(uri.group(1))
    assert isinstance(parsed, pyotp.TOTP) and parsed.secret == key.group(1)
    assert parsed.issuer == "KAYSİS Yönetim"
    return key.group(1)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name=re.compile("^Çıkış")).click()
    expect(page.locator("[role=status]")).to_contain_text("Oturum kapatıldı")


def api(office: Office, page: Page, login: str, method: str, path: str, **data: Any) -> Any:
    """The API as a machine client would use it, with the account's bearer token: setting up
    requests a test decides in the browser, and reading results back."""
    headers = {"Authorization": f"Bearer {office.tokens[login]}"}
    answer = page.context.request.fetch(
        office.url + path, method=method, headers=headers, data=data or None
    )
    assert answer.ok, answer.text()
    return answer.json()


def focus_ring(locator: Locator) -> bool:
    """The focused element shows it: an outline or a box shadow that is not none."""
    style = locator.evaluate(
        "e => { const s = getComputedStyle(e);"
        " return [s.outlineStyle, s.outlineWidth, s.boxShadow]; }"
    )
    outline_style, outline_width, shadow = style
    return (outline_style != "none" and outline_width not in ("0px", "")) or shadow != "none"


# --- the failures a person meets -----------------------------------------------------------------


def test_a_wrong_password_is_refused_in_turkish_and_the_login_is_kept(
    page: Page, office: Office
) -> None:
    page.goto(office.url + "/manage/")  # not signed in: the sign-in page
    expect(page.locator("h1")).to_have_text("Yönetim bölümüne giriş")
    audit(page, office, "sign-in")
    shoot(page, "giris")
    page.get_by_label("Kullanıcı adı").fill("goc.koordinator")
    page.get_by_label("Parola").fill("yanlış-bir-parola-bu")
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Kullanıcı adı veya parola hatalı / wrong login or password."
    )
    expect(page.get_by_label("Kullanıcı adı")).to_have_value("goc.koordinator")
    expect(page.get_by_label("Parola")).to_have_value("")
    audit(page, office, "sign-in refused", method="POST")
    page.goto(office.url + "/manage/inbox")
    expect(page).to_have_url(re.compile(r"/manage/login$"))


def test_a_wrong_code_is_refused_and_the_desk_stays_out_of_reach(
    page: Page, office: Office
) -> None:
    page.goto(office.url + "/manage/login")
    page.get_by_label("Kullanıcı adı").fill("inceleme")
    page.get_by_label("Parola").fill(PASSWORD)
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.locator("h1")).to_have_text("Doğrulama kodu")
    audit(page, office, "second factor: enrolment")
    shoot(page, "dogrulama-kaydi")
    secret = enrolment_secret(page)
    office.secrets["inceleme"] = secret
    valid = {pyotp.TOTP(secret).at(time.time() + 30 * drift) for drift in (-1, 0, 1, 2)}
    wrong = next(code for code in ("000000", "111111", "222222") if code not in valid)
    page.get_by_label("Uygulamadaki 6 haneli kod").fill(wrong)
    page.get_by_role("button", name="Doğrula").click()
    expect(page.get_by_role("alert")).to_have_text(
        "Doğrulama kodu hatalı / wrong verification code."
    )
    audit(page, office, "second factor refused", method="POST")
    page.goto(office.url + "/manage/inbox")  # the password alone opens nothing
    expect(page).to_have_url(re.compile(r"/manage/login/code$"))
    page.get_by_label("Uygulamadaki 6 haneli kod").fill(next_code(page, office, "inceleme"))
    page.get_by_role("button", name="Doğrula").click()
    expect(page.locator("h1")).to_have_text("Masam")
    expect(page.locator("main")).to_contain_text("İnceleme grubu")


def test_repeated_failures_lock_the_login_and_say_so(page: Page, office: Office) -> None:
    page.goto(office.url + "/manage/login")
    for _ in range(5):
        page.get_by_label("Kullanıcı adı").fill("kilit.deneme")
        page.get_by_label("Parola").fill("yanlış-bir-parola-bu")
        page.get_by_role("button", name="Giriş yap").click()
        expect(page.get_by_role("alert")).to_contain_text("parola hatalı")
    page.get_by_label("Parola").fill(PASSWORD)  # the right one, too late
    with page.expect_response(re.compile(r"/manage/login$")) as answer:
        page.get_by_role("button", name="Giriş yap").click()
    assert answer.value.status == 429
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Çok fazla hatalı deneme: hesap")
    expect(alert).to_contain_text("kadar kilitli")
    assert re.search(r"\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}'e kadar kilitli", alert.inner_text())
    audit(page, office, "sign-in locked", method="POST")
    page.goto(office.url + "/manage/")
    expect(page).to_have_url(re.compile(r"/manage/login$"))


def test_an_idle_session_expires_and_says_so(page: Page, office: Office) -> None:
    sign_in(page, office, "goc.koordinator")
    idle = office.app.config["BACKOFFICE_IDLE_MINUTES"]
    office.app.config["BACKOFFICE_IDLE_MINUTES"] = 1 / 60  # one second, for this test only
    try:
        time.sleep(1.5)
        page.reload()
    finally:
        office.app.config["BACKOFFICE_IDLE_MINUTES"] = idle
    expect(page).to_have_url(re.compile(r"/manage/login\?"))
    expect(page.get_by_role("status")).to_have_text(
        "Oturumunuzun süresi doldu; yeniden giriş yapın / your session expired."
    )
    audit(page, office, "sign-in after expiry")
    page.goto(office.url + "/manage/")  # the ended session does not come back
    expect(page.locator("h1")).to_have_text("Yönetim bölümüne giriş")


def test_a_form_without_its_csrf_token_is_refused(page: Page, office: Office) -> None:
    sign_in(page, office, "goc.koordinator")
    before = api(office, page, "goc.koordinator", "GET", "/api/v1/change-requests")
    page.goto(office.url + "/manage/propose/organization/create")
    page.locator("#f-name").fill("Sahte Daire Başkanlığı")
    page.get_by_label("Üst birim").fill(office.numbers[GOC])
    page.get_by_label("Teşkilat düzeyi").select_option(label="Merkez")
    page.get_by_role("button", name="Önizle").click()
    expect(page.locator("h1")).to_contain_text("Önizleme:")
    page.evaluate("document.querySelectorAll('input[name=csrf]').forEach(e => e.remove())")
    with page.expect_response(re.compile(r"/organization/create$")) as answer:
        page.get_by_role("button", name="Gönder").click()
    assert answer.value.status == 400
    expect(page.locator("main")).to_contain_text("Form geçersiz veya süresi dolmuş")
    audit(page, office, "form refused", method="POST")
    assert api(office, page, "goc.koordinator", "GET", "/api/v1/change-requests") == before
    page.goto(office.url + "/manage/")
    expect(page.locator("h1")).to_have_text("Masam")  # still signed in
    expect(page.locator("main")).not_to_contain_text("Sahte Daire Başkanlığı")


# --- keyboard only -------------------------------------------------------------------------------


def tab_to(page: Page, target: Locator, *, limit: int = 60) -> None:
    """Tab until ``target`` has the focus; every element passed on the way shows its focus."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.locator(":focus")
        expect(focused).to_have_count(1)
        assert focus_ring(focused), f"no visible focus on {focused.evaluate('e => e.outerHTML')}"
        if target.evaluate("e => e === document.activeElement"):
            return
    raise AssertionError(f"{target} not reached in {limit} tabs")


def test_signing_in_and_approving_with_the_keyboard_alone(page: Page, office: Office) -> None:
    filed = api(
        office,
        page,
        "goc.koordinator",
        "POST",
        "/api/v1/change-requests",
        entity="service",
        action="create",
        data={
            "name": "Göç İstatistikleri Talebinin Karşılanması",
            "organization": office.numbers[GOC],
        },
        reason="Yeni hizmet",
    )
    request_id = filed["id"]
    page.goto(office.url + "/manage/login")
    assert not focus_ring(page.get_by_label("Kullanıcı adı"))  # the check tells focus apart
    tab_to(page, page.get_by_label("Kullanıcı adı"))
    page.keyboard.type("goc.onay")
    tab_to(page, page.get_by_label("Parola"))
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Doğrulama kodu")
    code = next_code(page, office, "goc.onay")
    tab_to(page, page.get_by_label("Uygulamadaki 6 haneli kod"))
    page.keyboard.type(code)
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Masam")
    tab_to(page, page.get_by_role("navigation").get_by_role("link", name="Karar bekleyenler"))
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Karar bekleyen talepler")
    section = page.locator(f"section#talep-{request_id}, section:has(h2#talep-{request_id})")
    expect(section).to_contain_text("Göç İstatistikleri Talebinin Karşılanması")
    tab_to(page, section.get_by_role("button", name="Onayla"))
    page.keyboard.press("Space")
    expect(page.get_by_role("status")).to_contain_text(f"Talep {request_id} onaylandı")
    state = api(office, page, "inceleme", "GET", f"/api/v1/change-requests/{request_id}")
    assert state["status"] == "institution_approved"


# --- the three roles' main paths -----------------------------------------------------------------

NEW_UNIT = "Göç Verileri Analiz Daire Başkanlığı"


def filed_number(page: Page) -> int:
    """The request number of the desk's "filed" notice."""
    notice = page.get_by_role("status")
    expect(notice).to_contain_text("gönderildi; onay bekliyor")
    found = re.search(r"Talep (\d+) gönderildi", notice.inner_text())
    assert found, notice.inner_text()
    return int(found.group(1))


def test_a_coordinator_files_a_unit_a_reviewer_approves_it_and_its_number_shows(
    page: Page, office: Office
) -> None:
    sign_in(page, office, "goc.koordinator")
    expect(page.locator("main")).to_contain_text("Kurum koordinatörü")
    expect(page.locator("main")).to_contain_text(GOC)
    audit(page, office, "desk (coordinator)")
    shoot(page, "masa-koordinator")
    shoot(page, "masa-koordinator-375", narrow=True)
    page.get_by_role("navigation").get_by_role("link", name="Değişiklik öner").click()
    audit(page, office, "proposals: every kind of record")
    unit_row = page.get_by_role("row", name=re.compile(r"^Birim \(DETSİS\)"))
    unit_row.get_by_role("link", name="Yeni kayıt").click()
    expect(page).to_have_url(re.compile(r"/manage/propose/organization/create$"))
    audit(page, office, "unit form")

    # Nothing filled: the form comes back with its errors linked to their fields, nothing filed.
    with page.expect_response(re.compile(r"/organization/create$")) as answer:
        page.get_by_role("button", name="Önizle").click()
    assert answer.value.status == 422
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Talep gönderilemedi")
    name = page.locator("#f-name")  # labelled "Ad (zorunlu)", as is the contact person's name
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_accessible_description(re.compile(".+"))
    audit(page, office, "unit form with errors", method="POST")
    summary.get_by_role("link").first.click()
    expect(page.locator(":focus")).to_have_attribute("aria-invalid", "true")

    name.fill(NEW_UNIT)
    page.get_by_label("Üst birim").fill(office.numbers[GOC])
    page.get_by_label("Teşkilat düzeyi").select_option(label="Merkez")
    page.locator("#f-contact-phone").fill("0312 422 07 77")
    page.get_by_label("Gerekçe").fill("Cumhurbaşkanlığı kararnamesiyle kuruldu.")
    shoot(page, "birim-formu")
    page.get_by_role("button", name="Önizle").click()
    expect(page.locator("h1")).to_contain_text("Önizleme:")
    expect(page.locator("table.diff tr.changed").first).to_be_visible()
    expect(page.locator("table.diff")).to_contain_text(NEW_UNIT)
    audit(page, office, "unit preview", method="POST")
    shoot(page, "onizleme")
    page.get_by_role("button", name="Gönder").click()
    request_id = filed_number(page)
    expect(page.locator("main")).to_contain_text("Gönderildi")
    sign_out(page)

    # A reviewer (first sign-in: enrols the second factor) approves it from the inbox.
    sign_in(page, office, "inceleme")
    page.get_by_role("navigation").get_by_role("link", name="Karar bekleyenler").click()
    section = page.locator("section.request", has=page.locator(f"h2#talep-{request_id}"))
    expect(section).to_contain_text(NEW_UNIT)
    expect(section.locator("tr.changed").first).to_be_visible()
    audit(page, office, "inbox (reviewer)")
    shoot(page, "karar-bekleyenler", at=section)
    section.get_by_role("link", name="Ayrıntı ve etki").click()
    expect(page.locator("h1")).to_contain_text(f"Talep {request_id}")
    expect(page.locator("main")).to_contain_text("Onaylanırsa başka neler değişir")
    audit(page, office, "request with its impact")
    shoot(page, "talep-ayrinti")
    page.go_back()
    section.get_by_label("Not veya ret gerekçesi").fill("Kararname ile uyumlu.")
    section.get_by_role("button", name="Onayla").click()
    expect(page.get_by_role("status")).to_have_text(f"Talep {request_id} onaylandı.")

    # The new DETSİS number: on the request's page, on the record's history, on the public page.
    state = api(office, page, "inceleme", "GET", f"/api/v1/change-requests/{request_id}")
    assert state["status"] == "approved"
    number = state["result"]["id"]
    assert re.fullmatch(r"\d{8}", number)
    page.goto(f"{office.url}/manage/requests/{request_id}")
    expect(page.locator("main")).to_contain_text(f"Sonuç: organization {number}")
    page.get_by_role("link", name="kaydın geçmişi").click()
    expect(page.locator("h1")).to_have_text(f"Kaydın geçmişi: Birim (DETSİS) {number}")
    expect(page.locator("main")).to_contain_text(NEW_UNIT)
    audit(page, office, "a record's history")
    shoot(page, "kayit-gecmisi")
    page.get_by_role("navigation").get_by_role("link", name="Eşleşmemiş adlar").click()
    audit(page, office, "unmatched names")
    sign_out(page)
    page.goto(f"{office.url}/organizations/{number}")
    expect(page.locator("h1")).to_have_text(NEW_UNIT)
    expect(page.locator("dl.facts").first).to_contain_text(f"DETSİS numarası{number}")
    expect(page.locator("main")).to_contain_text(GOC)


def test_another_institutions_record_is_refused(page: Page, office: Office) -> None:
    goc_request = api(
        office,
        page,
        "goc.koordinator",
        "POST",
        "/api/v1/change-requests",
        entity="organization",
        action="update",
        target=office.numbers[GOC],
        data={"contact": {"web": "https://www.goc.gov.tr/iletisim"}},
    )["id"]
    sign_in(page, office, "sgk.koordinator")
    before = api(office, page, "inceleme", "GET", "/api/v1/change-requests")
    with page.expect_response(re.compile(r"/organization/update/")) as answer:
        page.goto(f"{office.url}/manage/propose/organization/update/{office.numbers[GOC]}")
    assert answer.value.status == 403
    expect(page.locator("h1")).to_have_text("Bu işlem için yetkiniz yok")
    expect(page.get_by_role("alert")).to_contain_text(" / ")  # Turkish, then English
    audit(page, office, "refused: another institution's record")
    with page.expect_response(re.compile(r"/manage/requests/")) as answer:
        page.goto(f"{office.url}/manage/requests/{goc_request}")
    assert answer.value.status == 404  # as in the API: not even its existence is told
    expect(page.locator("h1")).to_have_text("Kayıt bulunamadı")
    assert api(office, page, "inceleme", "GET", "/api/v1/change-requests") == before
    page.goto(f"{office.url}/manage/propose/organization/update/{office.numbers[SGK]}")
    expect(page.locator("h1")).to_contain_text("Değişiklik")  # its own institution: the form
    expect(page.locator("#f-name")).to_have_value(SGK)  # prefilled from the live record
    audit(page, office, "unit update form")


def test_an_institution_approver_agrees_first_then_a_reviewer_decides(
    page: Page, browser: Browser, office: Office
) -> None:
    """A service is its institution's record: its approver agrees before the reviewers may.
    The reviewer works in a browser of their own, signed in once, beside the approver's."""
    filed = api(
        office,
        page,
        "goc.koordinator",
        "POST",
        "/api/v1/change-requests",
        entity="service",
        action="create",
        data={"name": "Göç Araştırma Verisi Paylaşımı", "organization": office.numbers[GOC]},
        reason="Araştırmacılara veri paylaşımı",
    )
    request_id = filed["id"]
    elsewhere = browser.new_context(locale="tr-TR", viewport=WIDE)
    try:
        reviewer = elsewhere.new_page()
        sign_in(reviewer, office, "inceleme.iki")
        reviewer.goto(office.url + "/manage/inbox")
        waiting = reviewer.locator(
            "section.request", has=reviewer.locator(f"h2#talep-{request_id}")
        )
        expect(waiting.get_by_role("button", name="Reddet")).to_be_visible()
        expect(waiting.get_by_role("button", name="Onayla")).to_have_count(0)  # not yet

        sign_in(page, office, "goc.onay")
        expect(page.locator("main")).to_contain_text("Kurum onaylayıcısı")
        audit(page, office, "desk (institution approver)")
        page.goto(office.url + "/manage/inbox")
        audit(page, office, "inbox (institution approver)")
        section = page.locator("section.request", has=page.locator(f"h2#talep-{request_id}"))
        section.get_by_role("button", name="Onayla").click()
        expect(page.get_by_role("status")).to_have_text(f"Talep {request_id} onaylandı.")

        reviewer.reload()
        expect(waiting).to_contain_text("Kurumca onaylandı")
        waiting.get_by_role("button", name="Onayla").click()
        expect(reviewer.get_by_role("status")).to_have_text(f"Talep {request_id} onaylandı.")
    finally:
        elsewhere.close()
    state = api(office, page, "inceleme", "GET", f"/api/v1/change-requests/{request_id}")
    assert state["status"] == "approved"
    service = api(office, page, "inceleme", "GET", f"/api/v1/services/{state['result']['id']}")
    assert service["name"] == "Göç Araştırma Verisi Paylaşımı"


def test_an_admin_opens_an_account_and_closes_it(page: Page, office: Office) -> None:
    sign_in(page, office, "yonetici")
    page.get_by_role("navigation").get_by_role("link", name="Hesaplar").click()
    expect(page.locator("h1")).to_have_text("Hesaplar")
    expect(page.locator("main")).to_contain_text("goc.koordinator")
    audit(page, office, "accounts")
    shoot(page, "hesaplar")
    page.get_by_label("Ad soyad").fill("Elif Şimşek")
    page.get_by_label("Kullanıcı adı").fill("elif.simsek")
    page.get_by_label("E-posta").fill("elif.simsek@kurum.gov.tr")
    page.get_by_label("Rol", exact=True).select_option(label="Kurum koordinatörü")
    page.get_by_label("Birim (DETSİS no)").fill(office.numbers[SGK])
    page.get_by_label("T.C. kimlik no").fill(national_id(99))
    page.get_by_label("İlk parola").fill("elif-için-uzun-bir-parola")
    page.get_by_role("button", name="Hesabı aç").click()
    expect(page.locator("main")).to_contain_text("elif.simsek")
    page.goto(office.url + "/manage/admin/accounts")
    page.get_by_role("link", name="Elif Şimşek").click()
    expect(page.locator("h1")).to_contain_text("Elif Şimşek")
    expect(page.locator("main")).to_contain_text("etkin")
    audit(page, office, "an account")
    page.get_by_role("button", name="Hesabı kapat").click()
    expect(page.locator("main")).to_contain_text("kapalı")
    sign_out(page)
    page.goto(office.url + "/manage/login")
    page.get_by_label("Kullanıcı adı").fill("elif.simsek")
    page.get_by_label("Parola").fill("elif-için-uzun-bir-parola")
    page.get_by_role("button", name="Giriş yap").click()
    expect(page.get_by_role("alert")).to_contain_text("Kullanıcı adı veya parola hatalı")


# --- every page audited --------------------------------------------------------------------------


def test_every_back_office_page_was_checked_by_axe(office: Office) -> None:
    """Runs last, after the whole module: each page the blueprint serves (GET, or a page a POST
    answers with) was audited above at both widths; a new page without an audit fails here."""
    pages = {
        rule.endpoint
        for rule in office.app.url_map.iter_rules()
        if rule.endpoint.startswith("backoffice.")
        and rule.endpoint != "backoffice.static"
        and "GET" in (rule.methods or ())
    }
    missing = sorted(pages - set(AUDITED))
    assert missing == [], f"pages never audited: {missing}; audited: {AUDITED}"
