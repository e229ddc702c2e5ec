"""The public browsing pages over HTTP on both backends: the directory (categories, A–Z, a
Turkish-insensitive filter, the tree), the unit profile (history, ``?at=``, a closed unit's
successors), legislation and document pages, and the organization API's ``q``."""

from __future__ import annotations

from datetime import date

from flask.testing import FlaskClient
from lxml import html
from sqlalchemy.orm import Session

from registry.organizations import changes
from schemas.organizations import UnitInputSchema
from tests.factories import make_act, make_unit
from tests.test_public_site import page, text

GOC = "55476713"  # Göç İdaresi Başkanlığı: renamed in 2021, 94 sub-units
BERLIN = "11135354"  # Berlin Büyükelçiliği
RESIDENCE = "BLG-000004"  # Yerleşim Yeri Belgesi
TURKISH_ALPHABET = list("ABCÇDEFGĞHIİJKLMNOÖPRSŞTUÜVYZ")


def test_every_page_links_the_sections(demo_client: FlaskClient) -> None:
    home = page(demo_client, "/")
    links = dict(
        zip(text(home, "//header//nav//a"), home.xpath("//header//nav//a/@href"), strict=True)
    )
    assert links["Kurumlar"] == "/organizations"
    assert links["Mevzuat"] == "/legislation"
    assert links["Belgeler"] == "/documents"
    assert links["Açık veri"] == "/open-data"


def test_the_directory_groups_institutions_by_category_in_turkish_order(
    demo_client: FlaskClient,
) -> None:
    directory = page(demo_client, "/organizations")
    headings = [h.split(" (")[0] for h in text(directory, "//main//section/h2")]
    assert headings[:4] == [
        "Cumhurbaşkanlığı",
        "Anayasal Kuruluşlar",
        "Bakanlıklar",
        "Bağlı Kuruluşlar",
    ]
    assert "Mülki İdareler" in headings and "Yükseköğretim Kurumları" in headings
    ministries = text(directory, "//section[h2[starts-with(., 'Bakanlıklar')]]//li/a")
    assert (
        ministries.index("Çalışma ve Sosyal Güvenlik Bakanlığı")
        < ministries.index("Dışişleri Bakanlığı")
        < ministries.index("İçişleri Bakanlığı")
    )
    attached = text(directory, "//section[h2[starts-with(., 'Bağlı Kuruluşlar')]]//li")
    assert "Göç İdaresi Başkanlığı (İçişleri Bakanlığı)" in attached
    # 81 governorships: the first few, and a link to them all, paged.
    governors = directory.xpath("//section[h2[starts-with(., 'Mülki')]]//li")
    assert len(governors) == 8
    everyone = directory.xpath("//a[starts-with(., 'Tümü: Mülki İdareler')]/@href")[0]
    first = page(demo_client, everyone)
    assert len(first.xpath("//main/ul[@class='columns']/li")) == 50
    second = page(demo_client, everyone + "&page=2")
    names = text(second, "//main/ul[@class='columns']/li/a")
    assert len(names) == 31 and names[-1] == "Zonguldak Valiliği"
    page(demo_client, "/organizations?kategori=Yok", 404)


def test_the_a_to_z_index_follows_the_turkish_alphabet(demo_client: FlaskClient) -> None:
    directory = page(demo_client, "/organizations")
    assert text(directory, "//nav[@class='az']//li") == TURKISH_ALPHABET
    letters = dict(
        zip(
            text(directory, "//nav[@class='az']//a"),
            directory.xpath("//nav[@class='az']//a/@href"),
            strict=True,
        )
    )
    assert "Ğ" not in letters  # no institution begins with Ğ: not a link
    dotless = text(page(demo_client, letters["I"]), "//main/ul[@class='columns']/li/a")
    dotted = text(page(demo_client, letters["İ"]), "//main/ul[@class='columns']/li/a")
    assert "Isparta Valiliği" in dotless and "Iğdır Valiliği" in dotless
    assert "İzmir Valiliği" not in dotless and "İçişleri Bakanlığı" not in dotless
    assert {"İçişleri Bakanlığı", "İstanbul Valiliği", "İzmir Valiliği"} <= set(dotted)
    assert "Isparta Valiliği" not in dotted
    c_cedilla = text(page(demo_client, "/organizations?harf=Ç"), "//main/ul[@class='columns']/li/a")
    assert "Çalışma ve Sosyal Güvenlik Bakanlığı" in c_cedilla
    assert "Cumhurbaşkanlığı" not in c_cedilla
    only_c = text(page(demo_client, "/organizations?harf=C"), "//main/ul[@class='columns']/li/a")
    assert "Cumhurbaşkanlığı" in only_c and "Çankırı Valiliği" not in only_c
    page(demo_client, "/organizations?harf=Q", 404)


def test_the_name_filter_needs_no_turkish_letters_or_suffixes(demo_client: FlaskClient) -> None:
    found = page(demo_client, "/organizations?q=buyukelcilik")
    assert text(found, "//ol[@class='results']/li/a")[0] == "Berlin Büyükelçiliği"
    shouted = page(demo_client, "/organizations?q=G%C3%96%C3%87+%C4%B0DARES%C4%B0")
    assert text(shouted, "//ol[@class='results']/li/a")[0] == "Göç İdaresi Başkanlığı"
    plain = page(demo_client, "/organizations?q=goc+idaresinin")
    assert text(plain, "//ol[@class='results']/li/a")[0] == "Göç İdaresi Başkanlığı"
    empty = page(demo_client, "/organizations?q=%21%21")
    assert text(empty, "//div[@class='error-summary']") == [
        "Aramak için en az bir harf ya da rakam yazın."
    ]


def test_the_api_and_search_find_a_unit_the_same_turkish_way(demo_client: FlaskClient) -> None:
    listed = demo_client.get("/api/v1/organizations?q=buyukelcilik").json
    assert [unit["detsis_no"] for unit in listed][:1] == [BERLIN]
    searched = demo_client.get("/api/v1/search?q=buyukelcilik&type=organization").json
    assert BERLIN in [hit["id"] for hit in searched["hits"]]
    # A short stem whose vowel drops before a suffix: "izni" finds "İzinleri".
    names = [u["name"] for u in demo_client.get("/api/v1/organizations?q=izni").json]
    assert "İkamet İzinleri Daire Başkanlığı" in names
    # Word starts only: "lcilig" is inside "büyükelçiliği" but starts no word.
    assert demo_client.get("/api/v1/organizations?q=lcilig").json == []


def test_the_tree_opens_without_script_and_pages_large_levels(demo_client: FlaskClient) -> None:
    interior = demo_client.get("/api/v1/organizations?q=icisleri+bakanligi").json[0]["detsis_no"]
    tree = page(demo_client, f"/organizations/{interior}/tree")
    goc = tree.xpath(f"//ul[@class='tree']/li[a[@href='/organizations/{GOC}']]")[0]
    assert goc.xpath("details/summary/text()") == ["94 alt birim"]
    assert len(goc.xpath("details/ul/li")) == 10
    assert goc.xpath("details//a/@href")[-1] == f"/organizations/{GOC}/tree"
    first = page(demo_client, f"/organizations/{GOC}/tree")
    assert len(first.xpath("//ul[@class='tree']/li")) == 50
    assert text(first, "//nav[@class='pager']/span") == ["Sayfa 1 / 2"]
    second = page(demo_client, f"/organizations/{GOC}/tree?page=2")
    assert len(second.xpath("//ul[@class='tree']/li")) == 44
    page(demo_client, "/organizations/99999999/tree", 404)
    page(demo_client, "/organizations/abc/tree", 404)


def test_the_profile_shows_the_record_its_head_and_its_history(demo_client: FlaskClient) -> None:
    profile = page(demo_client, f"/organizations/{GOC}")
    facts = dict(zip(text(profile, "//dl[1]/dt"), text(profile, "//dl[1]/dd"), strict=True))
    assert facts["DETSİS numarası"] == GOC
    assert facts["Kısa adı"] == "GİB"
    assert facts["İngilizce adı"] == "Presidency of Migration Management"
    assert facts["Kategori"] == "Bağlı Kuruluş"
    assert facts["Bağlı olduğu kurum"] == "İçişleri Bakanlığı"
    assert facts["Birimin yöneticisi"] == "Selin Karaca, Göç İdaresi Başkanı"
    assert facts["Son değişiklik"] == "29.05.2021"
    contact = dict(zip(text(profile, "//dl[2]/dt"), text(profile, "//dl[2]/dd"), strict=True))
    assert contact["KEP adresi"] == "gocidaresi@hs01.kep.tr"
    assert contact["e-Tebligat adresi"] == "10000-20000-30002"
    timeline = text(profile, "//ol[@class='timeline']/li")
    assert timeline[0].startswith(
        "29.05.2021 Adı değişti (önceki adı: Göç İdaresi Genel Müdürlüğü)"
    )
    assert timeline[-1].startswith("11.04.2013 Kuruldu")
    assert profile.xpath(f"//a[@href='/organizations/{GOC}/tree']")

    then = page(demo_client, f"/organizations/{GOC}?at=2020-01-01")
    assert text(then, "//h1") == ["Göç İdaresi Genel Müdürlüğü"]
    assert "01.01.2020" in text(then, "//p[@class='notice-box']")[0]
    facts = dict(zip(text(then, "//dl[1]/dt"), text(then, "//dl[1]/dd"), strict=True))
    assert facts["Birimin yöneticisi"] == "Deniz Aydın, Göç İdaresi Başkanı"
    turkish_date = page(demo_client, f"/organizations/{GOC}?at=01.01.2020")
    assert text(turkish_date, "//h1") == ["Göç İdaresi Genel Müdürlüğü"]


def test_bad_dates_and_ids_get_turkish_pages_not_500(demo_client: FlaskClient) -> None:
    for bad in ("2025-13-01", "yarın", "1850-01-01", "2025-02-30"):
        refused = page(demo_client, f"/organizations/{GOC}?at={bad}", 400)
        assert text(refused, "//h1") == ["Geçersiz istek"]
        assert "bir tarih değil" in refused.text_content()
    before = page(demo_client, f"/organizations/{GOC}?at=2000-01-01", 404)
    assert "01.01.2000 tarihinde kayıtlı değildi" in before.text_content()
    for url in (
        "/organizations/99999999",
        "/organizations/0123",
        "/legislation/999999",
        "/legislation/abc",
        "/legislation/-1",
        "/legislation/99999999999999999999",
        "/organizations/99999999?at=2020-01-01",
        "/documents/BLG-999999",
    ):
        assert text(page(demo_client, url, 404), "//h1") == ["Sayfa bulunamadı"], url
    page(demo_client, "/legislation?from=dun", 400)
    page(demo_client, "/legislation?type=77", 400)
    page(demo_client, "/legislation?status=belki", 400)


def test_a_closed_unit_answers_410_with_its_successors(
    client: FlaskClient, session: Session
) -> None:
    ministry = make_unit(session, "Kalkınma Bakanlığı", category="Bakanlık")
    old = make_unit(session, "Bölge Planlama Genel Müdürlüğü", parent=ministry)
    heir = make_unit(session, "Strateji ve Bütçe Başkanlığı", category="Diğer Kamu Kurumu")
    changes.close_unit(
        session,
        old,
        valid_from=date(2024, 7, 1),
        reason="Görevleri Strateji ve Bütçe Başkanlığına devredildi.",
        successors=[heir],
    )
    session.commit()
    gone = page(client, f"/organizations/{old}", 410)
    assert text(gone, "//h1") == ["Bölge Planlama Genel Müdürlüğü"]
    assert "01.07.2024 tarihinde kapatıldı" in text(gone, "//p[@class='notice-box']")[0]
    assert gone.xpath(f"//ul//a[@href='/organizations/{heir}']/text()") == [
        "Strateji ve Bütçe Başkanlığı"
    ]
    earlier = gone.xpath("//a[starts-with(., 'Birimin kapatılmadan önceki hâli')]/@href")[0]
    assert earlier == f"/organizations/{old}?at=2024-06-30"
    open_then = page(client, earlier)
    assert text(open_then, "//h1") == ["Bölge Planlama Genel Müdürlüğü"]


def test_the_founding_act_cited_at_creation_is_linked(
    client: FlaskClient, session: Session
) -> None:
    law = make_act(session, "Türkiye Uzay Ajansı Kanunu", type=1, number="7200")
    data = UnitInputSchema().load(
        {"name": "Türkiye Uzay Ajansı", "level": "central", "category": "Diğer Kamu Kurumu"}
    )
    agency = changes.create_unit(
        session, data, valid_from=date(2018, 12, 13), reason="7200 sayılı Kanun ile kuruldu."
    ).detsis_no
    session.commit()
    profile = page(client, f"/organizations/{agency}")
    founding = profile.xpath("//dt[.='Kuruluş mevzuatı']/following-sibling::dd[1]/a")[0]
    assert founding.get("href") == f"/legislation/{law}"
    assert founding.text_content() == "7200 sayılı Türkiye Uzay Ajansı Kanunu"
    act = page(client, founding.get("href"))
    assert text(act, "//h1") == ["Türkiye Uzay Ajansı Kanunu"]


def test_legislation_is_found_by_name_number_type_and_date(demo_client: FlaskClient) -> None:
    found = page(demo_client, "/legislation?q=yabancilar+uluslararasi+korumasi")
    titles = text(found, "//ol[@class='results']/li/a")
    assert titles[0] == "6458 sayılı Yabancılar ve Uluslararası Koruma Kanunu"
    by_number = page(demo_client, "/legislation?number=6458")
    assert text(by_number, "//ol[@class='results']/li/a") == [titles[0]]
    laws = page(demo_client, "/legislation?type=1&from=2006-01-01&to=2013-12-31")
    assert text(laws, "//h2[@id='sonuc']") == ["4 mevzuat"]
    assert text(laws, "//ol[@class='results']/li/a")[0].startswith("6458 sayılı")  # newest first
    repealed = page(demo_client, "/legislation?status=repealed")
    assert all("mülga" in line for line in text(repealed, "//ol[@class='results']/li"))
    everything = page(demo_client, "/legislation")
    assert text(everything, "//nav[@class='pager']/span")[0].startswith("Sayfa 1 / ")
    nxt = everything.xpath("//nav[@class='pager']/a[@rel='next']/@href")[0]
    assert nxt == "?page=2"


def test_an_act_shows_its_links_services_and_official_text(demo_client: FlaskClient) -> None:
    listing = page(demo_client, "/legislation?number=6458")
    act = page(demo_client, listing.xpath("//ol[@class='results']/li/a/@href")[0])
    facts = dict(zip(text(act, "//dl/dt"), text(act, "//dl/dd"), strict=True))
    assert facts["Resmî Gazete"] == "11.04.2013, sayı 28615"
    assert facts["Düzenleyen kurum"] == "Türkiye Büyük Millet Meclisi"
    assert act.xpath("//a[starts-with(., 'Resmî Gazete')]/@href") == [
        "https://www.resmigazete.gov.tr/eskiler/2013/04/20130411.htm"
    ]
    assert act.xpath("//a[starts-with(., 'Mevzuat Bilgi')]/@href") == [
        "https://www.mevzuat.gov.tr/mevzuat?MevzuatNo=6458&MevzuatTur=1&MevzuatTertip=5"
    ]
    lower = text(act, "//ul[@aria-labelledby='alt']/li/a")
    assert "2014/6883 sayılı Geçici Koruma Yönetmeliği" in lower and len(lower) == 4
    amended = text(act, "//ul[@aria-labelledby='degisiklik']/li")
    assert amended[0].startswith("09.07.2018: değiştiren 703 sayılı")
    services = act.xpath("//ul[@aria-labelledby='hizmetler']/li/a/@href")
    assert len(services) == 21 and all(href.startswith("/services/") for href in services)
    # The repealed regulation of 2004 names what repealed it; its upper act is linked.
    old = page(demo_client, "/legislation?number=2004%2F8125")
    repealed = page(demo_client, old.xpath("//ol[@class='results']/li/a/@href")[0])
    notice = text(repealed, "//p[@class='notice-box']")[0]
    assert notice.startswith("Bu mevzuat 02.02.2015 tarihinde yürürlükten kaldırıldı: 2014/7074")
    assert text(repealed, "//ul[@aria-labelledby='dayanak']/li/a")[0].startswith("3056 sayılı")


def test_documents_are_found_by_any_name_and_show_the_once_only_view(
    demo_client: FlaskClient,
) -> None:
    found = page(demo_client, "/documents?q=ikametgah")
    assert text(found, "//ol[@class='results']/li/a")[0] == "Yerleşim Yeri Belgesi"
    assert text(page(demo_client, "/documents?q=pasaport+fotokopisi"), "//ol/li/a") == ["Pasaport"]
    document = page(demo_client, f"/documents/{RESIDENCE}")
    assert text(document, "//h1") == ["Yerleşim Yeri Belgesi"]
    facts = dict(zip(text(document, "//dl/dt"), text(document, "//dl/dd"), strict=True))
    assert "İkametgâh belgesi" in facts["Başka adları"]
    assert facts["Düzenleyen kurum"] == "Nüfus ve Vatandaşlık İşleri Genel Müdürlüğü"
    assert len(document.xpath("//ul[@aria-labelledby='veren']/li")) == 1
    asking = document.xpath("//ul[@aria-labelledby='isteyen']/li/a/@href")
    assert len(asking) == 11 and all(href.startswith("/services/") for href in asking)
    assert "bir kez sor" in text(document, "//p[@class='notice-box']")[0]


def test_search_results_link_the_new_pages(demo_client: FlaskClient) -> None:
    results = page(demo_client, "/search?q=yerlesim+yeri+belgesi&type=document")
    assert f"/documents/{RESIDENCE}" in results.xpath("//ol[@class='results']/li/a/@href")
    acts = page(demo_client, "/search?q=yabancilar+kanunu&type=legislation")
    assert all(
        href.startswith("/legislation/")
        for href in acts.xpath("//ol[@class='results']/li/a[1]/@href")
    )


def test_unit_profile_stays_light(demo_client: FlaskClient) -> None:
    for url in (
        "/organizations",
        f"/organizations/{GOC}",
        f"/organizations/{GOC}/tree",
        "/legislation",
        "/documents",
        f"/documents/{RESIDENCE}",
    ):
        assert len(demo_client.get(url).data) <= 12 * 1024, url
    assert html.fromstring(demo_client.get("/organizations").data).xpath("//script") == []
