"""The public site in a real browser: Debian's Chromium, headless, driven by Playwright.

A citizen's whole visit (search, the service, its table printed and downloaded, a complaint
followed by its code, a rating) and axe-core on every page type. The server is the real app on a
SQLite file with the sample dataset, served over HTTP on a free loopback port.
"""

from __future__ import annotations

import io
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from openpyxl import load_workbook
from playwright.sync_api import Browser, Page, expect
from werkzeug.serving import make_server

from registry.app import create_app
from registry.demo import load_demo
from registry.kernel import migrate
from registry.kernel.db import get_db
from registry.search import index
from tests.browsers import launched_chromium
from tests.factories import make_user

IZMIR_GOC = "48823685"  # İzmir İl Göç İdaresi Müdürlüğü in the sample data
EXTENSION = "48823685-001"  # Kısa Dönem İkamet İzni Uzatma Başvurusu
PAGE_BUDGET = 200 * 1024  # bytes before images
BLOCKING_IMPACTS = ("serious", "critical")


@pytest.fixture(scope="module")
def site(tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    """The sample registry served on 127.0.0.1, and a token of İzmir Göç's coordinator."""
    folder: Path = tmp_path_factory.mktemp("site")
    app: Flask = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'registry.kernel.db'}",
            "INDEX_DIR": str(folder / "index"),
            "SECRET_KEY": "browser-test",
        }
    )
    migrate.upgrade(get_db(app).engine)
    with app.app_context(), get_db(app).transaction() as session:
        load_demo(session)
        _, token = make_user(
            session, name="İzmir koordinatör", role="coordinator", organization=IZMIR_GOC
        )
    with app.app_context(), get_db(app).transaction() as session:
        index.rebuild(session, str(folder / "index"))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"url": f"http://127.0.0.1:{server.server_port}", "token": token, "app": app}
    finally:
        server.shutdown()
        get_db(app).dispose()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    yield from launched_chromium()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(locale="tr-TR", accept_downloads=True, java_script_enabled=False)
    opened = context.new_page()
    yield opened
    context.close()


@pytest.fixture(scope="module")
def auditor(browser: Browser, site: dict[str, Any]) -> Iterator[Page]:
    """A script-enabled tab for axe-core (the site itself runs no script)."""
    context = browser.new_context(locale="tr-TR")
    tab = context.new_page()
    yield tab
    context.close()


def audit(page: Page, auditor: Page, site: dict[str, Any], name: str) -> None:
    """axe-core finds no serious or critical violation, and the page and its stylesheet stay
    within 200 KB (pictures are not counted)."""
    markup = page.content()
    auditor.goto(site["url"] + "/")  # same origin, so the page's stylesheet resolves
    auditor.set_content(markup, wait_until="load")
    results = Axe().run(auditor)
    blocking = [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in BLOCKING_IMPACTS
    ]
    assert blocking == [], f"{name}: {blocking}"
    stylesheet = auditor.context.request.get(site["url"] + "/assets/site.css").body()
    weight = len(markup.encode("utf-8")) + len(stylesheet)
    assert weight <= PAGE_BUDGET, f"{name} weighs {weight} bytes"
    WEIGHTS[name] = weight


WEIGHTS: dict[str, int] = {}


def test_a_citizen_finds_prints_downloads_complains_follows_and_rates(
    page: Page, auditor: Page, site: dict[str, Any], tmp_path: Path
) -> None:
    base = site["url"]
    page.goto(base + "/")
    expect(page).to_have_title(re.compile("Ana sayfa"))
    audit(page, auditor, site, "home")

    # The keyboard reaches the skip link first, and it leads to the content.
    page.keyboard.press("Tab")
    expect(page.locator(":focus")).to_have_text("İçeriğe geç")

    # Searching without Turkish letters, in capitals.
    page.get_by_label("Hizmet, kurum, belge veya mevzuat").fill("IKAMET IZNI UZATMA IZMIR")
    page.get_by_role("button", name="Ara").click()
    expect(page.locator("h1")).to_contain_text("sonuçlar")
    audit(page, auditor, site, "search")
    first = page.locator("ol.results > li").first
    expect(first).to_contain_text("Kısa Dönem İkamet İzni Uzatma Başvurusu")
    first.get_by_role("link", name="Kısa Dönem İkamet İzni Uzatma Başvurusu").click()

    expect(page.locator("h1")).to_have_text("Kısa Dönem İkamet İzni Uzatma Başvurusu")
    audit(page, auditor, site, "service")
    page.get_by_role(
        "link", name="İzmir İl Göç İdaresi Müdürlüğü hizmet standartları tablosu"
    ).click()

    # The table, printed: A4 landscape.
    expect(page.locator("h1")).to_contain_text("HİZMET STANDARTLARI TABLOSU")
    audit(page, auditor, site, "standards table")
    row = page.locator(f"tr#hizmet-{EXTENSION}")
    expect(row).to_contain_text("90 gün")
    pdf = page.pdf(prefer_css_page_size=True)
    width, height = _first_page_size(pdf)
    assert width > height and abs(width - 842) < 3 and abs(height - 595) < 3  # A4 landscape, pt

    # Downloaded as XLSX.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Excel (XLSX) olarak indir").click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    sheet = load_workbook(io.BytesIO(saved.read_bytes())).active
    names = [row[1] for row in sheet.iter_rows(min_row=5, max_col=2, values_only=True)]
    assert "Kısa Dönem İkamet İzni Uzatma Başvurusu" in names

    # A complaint that the time was exceeded.
    page.goto(f"{base}/services/{EXTENSION}")
    page.get_by_role("link", name="şikâyette bulunabilirsiniz").click()
    audit(page, auditor, site, "complaint form")
    page.get_by_role("button", name="Şikâyeti gönder").click()  # empty: refused, nothing lost
    expect(page.locator(".error-summary")).to_be_visible()
    audit(page, auditor, site, "complaint form with errors")
    page.get_by_label("Hizmet tabloda yazan sürede tamamlanmadı").check()
    page.get_by_label("Ne oldu?").fill(
        "Başvurum 1 Temmuz'da eksiksiz yapıldı; 90 gün geçti, hâlâ sonuçlanmadı."
    )
    page.get_by_label("Adınız soyadınız").fill("Ayşe Işık")
    page.get_by_label("E-posta").fill("ayse@example.org")
    page.get_by_role("button", name="Şikâyeti gönder").click()
    expect(page.locator("h1")).to_have_text("Şikâyetiniz alındı")
    audit(page, auditor, site, "complaint filed")
    code = page.locator("#tracking-code").inner_text()
    key = page.locator("#access-key").inner_text()
    assert code.startswith("HSY-") and len(key) >= 32

    # The institution sees it and answers.
    headers = {"Authorization": f"Bearer {site['token']}"}
    listed = page.context.request.get(f"{base}/api/v1/complaints", headers=headers)
    assert code in listed.text() and "ayse@example.org" in listed.text()
    answer = page.context.request.post(
        f"{base}/api/v1/complaints/{code}/events",
        headers=headers,
        data={"status": "answered", "note": "Başvurunuz sonuçlandı; kartınız postaya verildi."},
    )
    assert answer.status == 201, answer.text()

    # The citizen follows it by code and key.
    page.get_by_role("link", name="Şikâyet takibi").first.click()
    audit(page, auditor, site, "complaint tracking form")
    page.get_by_label("Takip kodu").fill(code)
    page.get_by_label("Erişim anahtarı").fill(key)
    page.get_by_role("button", name="Şikâyeti göster").click()
    expect(page.locator("#complaint-status")).to_have_text("Yanıtlandı")
    expect(page.locator("main")).to_contain_text("kartınız postaya verildi")
    audit(page, auditor, site, "complaint followed")

    # And rates the service.
    page.goto(f"{base}/services/{EXTENSION}")
    page.get_by_label("4 – Memnunum").check()
    page.get_by_label("Yorumunuz (isteğe bağlı)").fill("Görevliler yardımcıydı.")
    page.get_by_role("button", name="Değerlendirmeyi gönder").click()
    expect(page.locator("[role=status]")).to_contain_text("Değerlendirmeniz kaydedildi")
    audit(page, auditor, site, "service after rating")
    stats = page.context.request.get(f"{base}/api/v1/stats/satisfaction?service={EXTENSION}")
    assert stats.json()["responses"] == 1 and stats.json()["rate"] == 100.0


def test_the_unit_page_and_errors_are_accessible_without_script(
    page: Page, auditor: Page, site: dict[str, Any]
) -> None:
    page.goto(f"{site['url']}/organizations/{IZMIR_GOC}")
    expect(page.locator("h1")).to_have_text("İzmir İl Göç İdaresi Müdürlüğü")
    expect(page.locator("main")).to_contain_text("Konak/İzmir")
    expect(page.locator("figure.flows img")).to_have_count(1)
    audit(page, auditor, site, "organization")
    page.goto(f"{site['url']}/organizations/99999999")
    expect(page.locator("h1")).to_have_text("Sayfa bulunamadı")
    audit(page, auditor, site, "not found")


def _first_page_size(pdf: bytes) -> tuple[float, float]:
    match = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    assert match, "no page size in the PDF"
    return float(match.group(1)), float(match.group(2))


# -- issue 25: a download and the complaint round trip, at desktop and phone widths -------------


@pytest.mark.parametrize("width", [1280, 375])
def test_a_download_and_a_complaint_round_trip_at_each_width(
    browser: Browser, site: dict[str, Any], tmp_path: Path, width: int
) -> None:
    base = site["url"]
    viewport = {"width": width, "height": 900}
    context = browser.new_context(
        locale="tr-TR", accept_downloads=True, java_script_enabled=False, viewport=viewport
    )
    checker = browser.new_context(locale="tr-TR", viewport=viewport)
    page, auditor = context.new_page(), checker.new_page()
    try:
        # The open-data page, and a CSV for Turkish Excel downloaded from it.
        page.goto(base + "/open-data")
        expect(page.locator("h1")).to_have_text("Açık veri")
        _audit_at(page, auditor, site, f"open data {width}", width)
        with page.expect_download() as download_info:
            page.get_by_role("link", name="Hizmet envanteri: CSV (;)").click()
        saved = tmp_path / download_info.value.suggested_filename
        download_info.value.save_as(saved)
        assert saved.name == "services.csv"
        data = saved.read_bytes()
        assert data.startswith(b"\xef\xbb\xbf") and data.splitlines()[0].count(b";") > 5
        assert "Kısa Dönem İkamet İzni Uzatma Başvurusu" in data.decode("utf-8-sig")
        with page.expect_download() as workbook_info:
            page.get_by_role("link", name="Hizmet envanteri: XLSX").click()
        book = tmp_path / f"{width}.xlsx"
        workbook_info.value.save_as(book)
        sheet = load_workbook(io.BytesIO(book.read_bytes())).worksheets[0]
        rows = list(sheet.iter_rows(values_only=True))
        assert len(rows) == 41 and rows[0][:2] == ("code", "name")

        # The complaint: the form, the 303 to the receipt, a refresh that files nothing.
        page.goto(f"{base}/complaints/new?organization={IZMIR_GOC}&service={EXTENSION}")
        expect(page.locator("#kvkk")).to_contain_text("Kişisel Verilerin Korunması Kanunu")
        _audit_at(page, auditor, site, f"complaint form {width}", width)
        text = f"{width} piksel: başvurum 90 günde sonuçlanmadı, hâlâ bekliyorum."
        page.get_by_label("Hizmet tabloda yazan sürede tamamlanmadı").check()
        page.get_by_label("Ne oldu?").fill(text)
        page.get_by_label("Adınız soyadınız").fill("Ayşe Işık")
        page.get_by_label("E-posta").fill("ayse@example.org")
        with page.expect_response(lambda r: r.request.method == "POST") as posted:
            page.get_by_role("button", name="Şikâyeti gönder").click()
        assert posted.value.status == 303
        expect(page).to_have_url(re.compile(r"/complaints/receipt$"))
        expect(page.locator("h1")).to_have_text("Şikâyetiniz alındı")
        code = page.locator("#tracking-code").inner_text()
        key = page.locator("#access-key").inner_text()
        _audit_at(page, auditor, site, f"complaint receipt {width}", width)
        page.reload()  # the citizen refreshes the receipt
        expect(page.locator("#tracking-code")).to_have_text(code)
        headers = {"Authorization": f"Bearer {site['token']}"}
        listed = page.context.request.get(
            f"{base}/api/v1/complaints?page_size=500", headers=headers
        ).json()
        assert [c["tracking_code"] for c in listed if c["text"] == text] == [code]

        # Followed by code and key: dates in Turkish, Istanbul time.
        page.goto(f"{base}/complaints/track")
        page.get_by_label("Takip kodu").fill(code)
        page.get_by_label("Erişim anahtarı").fill(key)
        page.get_by_role("button", name="Şikâyeti göster").click()
        expect(page.locator("#complaint-status")).to_have_text("Alındı, inceleme bekliyor")
        expect(page.locator("main ol time").first).to_have_text(
            re.compile(r"^\d{2}\.\d{2}\.\d{4} \d{2}:\d{2}$")
        )
        _audit_at(page, auditor, site, f"complaint followed {width}", width)
    finally:
        context.close()
        checker.close()


def _audit_at(page: Page, auditor: Page, site: dict[str, Any], name: str, width: int) -> None:
    """``audit`` in a tab of the same width, and nothing wider than the screen at that width."""
    audit(page, auditor, site, name)
    overflow = auditor.evaluate("document.scrollingElement.scrollWidth")
    assert overflow <= width, f"{name}: {overflow} px wide at {width} px"
