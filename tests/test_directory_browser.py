"""The browsing pages in Chromium at 1280 and 375 px, without script: the directory (A–Z, the
filter, the tree opened by ``<details>``), a unit profile with its history and ``?at=``, an act
and a document. axe-core finds nothing serious or critical, and nothing scrolls sideways on a
phone."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.test_browser import audit, auditor, browser, site  # noqa: F401  (fixtures)

GOC = "55476713"  # Göç İdaresi Başkanlığı
RESIDENCE = "BLG-000004"  # Yerleşim Yeri Belgesi
WIDTHS = (1280, 375)


@pytest.fixture(params=WIDTHS, ids=lambda width: f"{width}px")
def tab(browser: Browser, request: pytest.FixtureRequest) -> Iterator[Page]:  # noqa: F811
    context = browser.new_context(
        locale="tr-TR",
        java_script_enabled=False,
        viewport={"width": request.param, "height": 900},
    )
    opened = context.new_page()
    yield opened
    context.close()


def no_sideways_scroll(tab: Page, name: str) -> None:
    """The page is no wider than the window (at 375 px: a phone)."""
    width = tab.evaluate("document.documentElement.scrollWidth")
    window = tab.evaluate("window.innerWidth")
    assert width <= window, f"{name}: {width} px wide in a {window} px window"


def check(tab: Page, auditor: Page, site: dict[str, Any], name: str) -> None:  # noqa: F811
    width = tab.viewport_size["width"] if tab.viewport_size else 0
    audit(tab, auditor, site, f"{name} at {width} px")
    no_sideways_scroll(tab, name)


def test_the_directory_a_to_z_filter_and_tree(
    tab: Page,
    auditor: Page,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    tab.goto(site["url"] + "/")
    tab.get_by_role("navigation", name="Site").get_by_role("link", name="Kurumlar").click()
    expect(tab.locator("h1")).to_have_text("Kurum rehberi")
    check(tab, auditor, site, "directory")

    tab.get_by_role("navigation", name="Alfabetik dizin").get_by_role("link", name="Ç").click()
    expect(tab.locator("h1")).to_have_text("Ç harfiyle başlayan kurumlar")
    expect(tab.locator("main ul.columns")).to_contain_text("Çalışma ve Sosyal Güvenlik Bakanlığı")
    check(tab, auditor, site, "directory by letter")

    tab.get_by_label("Kurum ya da birim adı").fill("GOC IDARESI")
    tab.get_by_role("button", name="Bul").click()
    first = tab.locator("ol.results > li").first
    expect(first.get_by_role("link")).to_have_text("Göç İdaresi Başkanlığı")
    check(tab, auditor, site, "directory filtered")

    first.get_by_role("link").click()
    tab.get_by_role("link", name="Teşkilat şeması: tüm alt birimler (94)").click()
    expect(tab.locator("h1")).to_have_text("Göç İdaresi Başkanlığı: alt birimler")
    branch = tab.locator("ul.tree > li").filter(
        has_text="Düzensiz Göçle Mücadele ve Sınır Dışı İşleri Genel Müdürlüğü"
    )
    inner = branch.locator("details ul")
    expect(inner).to_be_hidden()
    branch.locator("summary").click()  # opens without script
    expect(inner).to_be_visible()
    check(tab, auditor, site, "tree")
    tab.get_by_role("link", name="Sonraki sayfa").click()
    expect(tab.locator("nav.pager span")).to_have_text("Sayfa 2 / 2")


def test_a_unit_profile_its_history_and_how_it_stood_on_a_date(
    tab: Page,
    auditor: Page,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    tab.goto(f"{site['url']}/organizations/{GOC}")
    expect(tab.locator("h1")).to_have_text("Göç İdaresi Başkanlığı")
    expect(tab.locator("ol.timeline")).to_contain_text("önceki adı: Göç İdaresi Genel Müdürlüğü")
    check(tab, auditor, site, "unit profile")

    tab.get_by_label("Bir tarihteki hâlini görün").fill("2020-01-01")
    tab.get_by_role("button", name="Göster").click()
    expect(tab.locator("h1")).to_have_text("Göç İdaresi Genel Müdürlüğü")
    expect(tab.locator("main")).to_contain_text("Deniz Aydın")
    check(tab, auditor, site, "unit profile at a date")

    tab.goto(f"{site['url']}/organizations/{GOC}?at=2020-31-12")
    expect(tab.locator("h1")).to_have_text("Geçersiz istek")
    check(tab, auditor, site, "bad date")


def test_an_act_and_a_document(
    tab: Page,
    auditor: Page,  # noqa: F811
    site: dict[str, Any],  # noqa: F811
) -> None:
    tab.goto(site["url"] + "/legislation")
    check(tab, auditor, site, "legislation list")
    tab.get_by_label("Mevzuatın adı").fill("yabancilar uluslararasi koruma")
    tab.get_by_label("Tür").select_option(label="Kanun")
    tab.get_by_role("button", name="Ara").click()
    tab.get_by_role("link", name="6458 sayılı Yabancılar ve Uluslararası Koruma Kanunu").click()
    expect(tab.locator("h1")).to_have_text("Yabancılar ve Uluslararası Koruma Kanunu")
    expect(tab.locator("ul[aria-labelledby=alt]")).to_contain_text("Geçici Koruma Yönetmeliği")
    check(tab, auditor, site, "act")

    tab.get_by_role("navigation", name="Site").get_by_role("link", name="Belgeler").click()
    tab.get_by_label("Belgenin adı").fill("ikametgah")
    tab.get_by_role("button", name="Ara").click()
    check(tab, auditor, site, "documents found")
    tab.get_by_role("link", name="Yerleşim Yeri Belgesi").click()
    expect(tab).to_have_url(f"{site['url']}/documents/{RESIDENCE}")
    expect(tab.locator("main")).to_contain_text("bir kez sor")
    check(tab, auditor, site, "document")
