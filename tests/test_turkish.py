"""Tests for registry.kernel.turkish: case mapping, title case, folding, collation, dative."""

from __future__ import annotations

import random

import pytest

from registry.kernel.turkish import dative, fold, is_abbreviation, lower, sort_key, title, upper

COMBINING_DOT = "\u0307"

# --------------------------------------------------------------------------------------------
# upper / lower
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("istanbul", "İSTANBUL"),
        ("ığdır", "IĞDIR"),
        ("İçişleri Bakanlığı", "İÇİŞLERİ BAKANLIĞI"),
        ("ısparta ili", "ISPARTA İLİ"),
        ("çağrı şöför üzüm", "ÇAĞRI ŞÖFÖR ÜZÜM"),
        ("millî", "MİLLÎ"),
        ("straße", "STRASSE"),
        ("İZMİR", "İZMİR"),
        ("", ""),
    ],
)
def test_upper(text: str, expected: str) -> None:
    assert upper(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("İSTANBUL", "istanbul"),
        ("IĞDIR", "ığdır"),
        ("İÇİŞLERİ BAKANLIĞI", "içişleri bakanlığı"),
        ("ISPARTA İLİ", "ısparta ili"),
        ("I\u0307STANBUL", "istanbul"),  # decomposed capital dotted I
        ("i\u0307zmir", "izmir"),  # a stray dot on a lower-case i is dropped
        ("ÇAĞRI ŞÖFÖR ÜZÜM", "çağrı şöför üzüm"),
        ("MİLLÎ", "millî"),
        ("", ""),
    ],
)
def test_lower(text: str, expected: str) -> None:
    result = lower(text)
    assert result == expected
    assert COMBINING_DOT not in result


@pytest.mark.parametrize("text", ["İ", "İİİ", "İstanbul", "DİYARBAKIR", "I\u0307", "Ii İı"])
def test_lower_never_produces_combining_dot(text: str) -> None:
    assert COMBINING_DOT not in lower(text)


@pytest.mark.parametrize("text", ["istanbul ığdır", "İçişleri", "Iğdır ve İzmir", "şçöğüı"])
def test_upper_lower_round_trip(text: str) -> None:
    assert lower(upper(text)) == lower(text)
    assert upper(lower(text)) == upper(text)


# --------------------------------------------------------------------------------------------
# title
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "keep", "expected"),
    [
        ("İL GÖÇ İDARESİ MÜDÜRLÜĞÜ", (), "İl Göç İdaresi Müdürlüğü"),
        (
            "türk ve akraba toplulukları daire başkanlığı",
            (),
            "Türk ve Akraba Toplulukları Daire Başkanlığı",
        ),
        ("ISPARTA VALİLİĞİ", (), "Isparta Valiliği"),
        ("ığdır valiliği", (), "Iğdır Valiliği"),
        ("HAZİNE VE MALİYE BAKANLIĞI", (), "Hazine ve Maliye Bakanlığı"),
        ("GÖÇMENLER İÇİN DESTEK BİRİMİ", (), "Göçmenler için Destek Birimi"),
        ("BELGE YA DA TUTANAK", (), "Belge ya da Tutanak"),
        ("BELGE VEYA TUTANAK İLE DİLEKÇE", (), "Belge veya Tutanak ile Dilekçe"),
        ("VE SONRASI", (), "Ve Sonrası"),
        ("T.C. İÇİŞLERİ BAKANLIĞI", (), "T.C. İçişleri Bakanlığı"),
        ("II. DÜNYA SAVAŞI", (), "II. Dünya Savaşı"),
        ("AR-GE MERKEZİ", (), "Ar-Ge Merkezi"),
        ("TÜRKİYE'NİN SESİ", (), "Türkiye'nin Sesi"),
        ("2NCİ ORDU KOMUTANLIĞI", (), "2nci Ordu Komutanlığı"),
        ("sgk il müdürlüğü", ("SGK",), "SGK İl Müdürlüğü"),
        ("TÜBİTAK BİLGEM", ("TÜBİTAK", "BİLGEM"), "TÜBİTAK BİLGEM"),
        ("göç idaresi başkanlığı (gib)", ("GİB",), "Göç İdaresi Başkanlığı (GİB)"),
        ("AFAD  BAŞKANLIĞI", ("AFAD",), "AFAD  Başkanlığı"),
        ("", (), ""),
    ],
)
def test_title(text: str, keep: tuple[str, ...], expected: str) -> None:
    assert title(text, keep=keep) == expected


# --------------------------------------------------------------------------------------------
# fold
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("gocmen", "göçmen"),
        ("GOCMEN", "Göçmen"),
        ("ikamet izni", "İKAMET İZNİ"),
        ("ikamet izni", "İkamet İzni"),
        ("basvurusu", "başvurusu"),
        ("goc idaresi", "gÖÇ İdaresi"),
        ("GOC idaresi", "Göç   İdaresi!"),
        ("isparta", "ISPARTA"),
        ("igdir", "IĞDIR"),
        ("milli egitim", "Millî Eğitim"),
        ("kar", "kâr"),
        ("ucuncu", "Üçüncü"),
    ],
)
def test_fold_matches(typed: str, stored: str) -> None:
    assert fold(typed) == fold(stored)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gÖÇ İdaresi", "goc idaresi"),
        ("GOC idaresi", "goc idaresi"),
        ("İSTANBUL", "istanbul"),
        ("ISPARTA", "isparta"),
        ("  Sağlık -- Bakanlığı (Ankara).  ", "saglik bakanligi ankara"),
        ("Türkiye'nin", "turkiye nin"),
        ("I\u0307zmir", "izmir"),
        ("Café", "cafe"),
        ("2024/15 sayılı", "2024 15 sayili"),
        ("", ""),
    ],
)
def test_fold(text: str, expected: str) -> None:
    assert fold(text) == expected


# --------------------------------------------------------------------------------------------
# sort_key
# --------------------------------------------------------------------------------------------

TURKISH_ALPHABET = "abcçdefgğhıijklmnoöprsştuüvyz"

# The 81 provinces in Turkish alphabetical order (ı before i: Kırıkkale comes before Kilis).
PROVINCES_IN_ORDER = [
    "Adana", "Adıyaman", "Afyonkarahisar", "Ağrı", "Aksaray", "Amasya", "Ankara", "Antalya",
    "Ardahan", "Artvin", "Aydın", "Balıkesir", "Bartın", "Batman", "Bayburt", "Bilecik",
    "Bingöl", "Bitlis", "Bolu", "Burdur", "Bursa", "Çanakkale", "Çankırı", "Çorum", "Denizli",
    "Diyarbakır", "Düzce", "Edirne", "Elazığ", "Erzincan", "Erzurum", "Eskişehir", "Gaziantep",
    "Giresun", "Gümüşhane", "Hakkari", "Hatay", "Iğdır", "Isparta", "İstanbul", "İzmir",
    "Kahramanmaraş", "Karabük", "Karaman", "Kars", "Kastamonu", "Kayseri", "Kırıkkale",
    "Kırklareli", "Kırşehir", "Kilis", "Kocaeli", "Konya", "Kütahya", "Malatya", "Manisa",
    "Mardin", "Mersin", "Muğla", "Muş", "Nevşehir", "Niğde", "Ordu", "Osmaniye", "Rize",
    "Sakarya", "Samsun", "Siirt", "Sinop", "Sivas", "Şanlıurfa", "Şırnak", "Tekirdağ", "Tokat",
    "Trabzon", "Tunceli", "Uşak", "Van", "Yalova", "Yozgat", "Zonguldak",
]  # fmt: skip


def _reference_key(text: str) -> tuple[int, ...]:
    """Independent oracle: position in the Turkish alphabet, space (-1) before every letter."""
    return tuple(-1 if ch == " " else TURKISH_ALPHABET.index(ch) for ch in lower(text))


def test_province_list_is_complete() -> None:
    assert len(PROVINCES_IN_ORDER) == 81
    assert len(set(PROVINCES_IN_ORDER)) == 81


def test_sort_key_orders_all_provinces() -> None:
    shuffled = list(PROVINCES_IN_ORDER)
    random.Random(81).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == PROVINCES_IN_ORDER
    assert sorted(shuffled, key=_reference_key) == PROVINCES_IN_ORDER


def test_sort_key_orders_upper_case_provinces() -> None:
    shuffled = [upper(name) for name in PROVINCES_IN_ORDER]
    random.Random(7).shuffle(shuffled)
    assert sorted(shuffled, key=sort_key) == [upper(name) for name in PROVINCES_IN_ORDER]


def test_sort_key_pairwise_provinces() -> None:
    for a in PROVINCES_IN_ORDER:
        for b in PROVINCES_IN_ORDER:
            assert (sort_key(a) < sort_key(b)) == (_reference_key(a) < _reference_key(b)), (a, b)


def test_sort_key_random_strings_agree_with_reference() -> None:
    rng = random.Random(20240601)
    alphabet = TURKISH_ALPHABET + TURKISH_ALPHABET.upper() + "İI" + " "
    words = []
    for _ in range(400):
        word = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 7)))
        word = " ".join(word.split())  # the key collapses and strips spaces; the oracle does not
        if word:
            words.append(word)
    for a, b in zip(words, words[1:], strict=False):
        assert (sort_key(a) < sort_key(b)) == (_reference_key(a) < _reference_key(b)), (a, b)
        assert (sort_key(a) == sort_key(b)) == (_reference_key(a) == _reference_key(b)), (a, b)


@pytest.mark.parametrize(
    "ordered",
    [
        ["Bursa", "Çanakkale", "Çankırı", "Çorum"],
        ["Iğdır", "Isparta", "İstanbul", "İzmir"],
        ["Ordu", "Osmaniye", "Ödemiş"],
        ["Siirt", "Sinop", "Sivas", "Şanlıurfa", "Şırnak"],
        ["Uşak", "Ümraniye"],
        ["cam", "çay", "dağ"],
        ["dag", "dağ", "dah"],
        ["Ak", "Ak Parti", "Akçay"],
        ["Ağrı", "Ağrı Dağı", "Ağrıdağı"],
        ["1. Bölge", "2. Bölge", "Adana"],
        ["Kırıkkale", "Kilis"],
        ["Zonguldak", "Ωmega"],
    ],
)
def test_sort_key_order(ordered: list[str]) -> None:
    keys = [sort_key(word) for word in ordered]
    assert keys == sorted(keys)
    assert len(set(keys)) == len(keys)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("İSTANBUL", "istanbul"),
        ("ISPARTA", "ısparta"),
        ("kâr", "kar"),
        ("Millî", "milli"),
        ("Ak  Parti", "ak-parti"),
        ("  Ankara. ", "Ankara"),
        ("I\u0307zmir", "İzmir"),
    ],
)
def test_sort_key_equal(a: str, b: str) -> None:
    assert sort_key(a) == sort_key(b)


@pytest.mark.parametrize(
    "text", ["Şırnak", "İÇİŞLERİ BAKANLIĞI", "Café", "Straße", "Ωmega", "½ ②", "日本", ""]
)
def test_sort_key_is_ascii(text: str) -> None:
    assert sort_key(text).isascii()


def test_sort_key_known_encoding() -> None:
    assert sort_key("Ağrı Dağı") == "a0g1r0i0  d0a0g1i0"
    assert sort_key("Çiğ 2") == "c1i1g1  20"


# --------------------------------------------------------------------------------------------
# dative
# --------------------------------------------------------------------------------------------

DATIVE_INSTITUTIONS = [
    # possessive heads after a back vowel: -na
    ("Sağlık Bakanlığı", "Sağlık Bakanlığına"),
    ("Adalet Bakanlığı", "Adalet Bakanlığına"),
    ("Ticaret Bakanlığı", "Ticaret Bakanlığına"),
    ("Milli Savunma Bakanlığı", "Milli Savunma Bakanlığına"),
    ("Millî Eğitim Bakanlığı", "Millî Eğitim Bakanlığına"),
    ("Hazine ve Maliye Bakanlığı", "Hazine ve Maliye Bakanlığına"),
    ("Ulaştırma ve Altyapı Bakanlığı", "Ulaştırma ve Altyapı Bakanlığına"),
    ("İçişleri Bakanlığı", "İçişleri Bakanlığına"),
    ("Dışişleri Bakanlığı", "Dışişleri Bakanlığına"),
    ("Göç İdaresi Başkanlığı", "Göç İdaresi Başkanlığına"),
    ("Gelir İdaresi Başkanlığı", "Gelir İdaresi Başkanlığına"),
    ("Diyanet İşleri Başkanlığı", "Diyanet İşleri Başkanlığına"),
    ("Afet ve Acil Durum Yönetimi Başkanlığı", "Afet ve Acil Durum Yönetimi Başkanlığına"),
    ("Jandarma Genel Komutanlığı", "Jandarma Genel Komutanlığına"),
    ("Kadıköy Kaymakamlığı", "Kadıköy Kaymakamlığına"),
    ("Türkiye Petrolleri Anonim Ortaklığı", "Türkiye Petrolleri Anonim Ortaklığına"),
    ("Türkiye Cumhuriyet Merkez Bankası", "Türkiye Cumhuriyet Merkez Bankasına"),
    ("Ankara Ticaret Odası", "Ankara Ticaret Odasına"),
    ("Anadolu Ajansı", "Anadolu Ajansına"),
    ("Cumhurbaşkanlığı", "Cumhurbaşkanlığına"),
    # possessive heads after a back rounded vowel (-u): -na
    ("Sosyal Güvenlik Kurumu", "Sosyal Güvenlik Kurumuna"),
    ("Türkiye İstatistik Kurumu", "Türkiye İstatistik Kurumuna"),
    ("Türk Dil Kurumu", "Türk Dil Kurumuna"),
    ("Bilgi Teknolojileri ve İletişim Kurumu", "Bilgi Teknolojileri ve İletişim Kurumuna"),
    ("Rekabet Kurumu", "Rekabet Kurumuna"),
    ("Enerji Piyasası Düzenleme Kurumu", "Enerji Piyasası Düzenleme Kurumuna"),
    ("Kamu Denetçiliği Kurumu", "Kamu Denetçiliği Kurumuna"),
    ("Sermaye Piyasası Kurulu", "Sermaye Piyasası Kuruluna"),
    ("Radyo ve Televizyon Üst Kurulu", "Radyo ve Televizyon Üst Kuruluna"),
    ("Yükseköğretim Kurulu", "Yükseköğretim Kuruluna"),
    ("Devlet Denetleme Kurulu", "Devlet Denetleme Kuruluna"),
    ("Hâkimler ve Savcılar Kurulu", "Hâkimler ve Savcılar Kuruluna"),
    ("Bakanlar Kurulu", "Bakanlar Kuruluna"),
    # possessive heads after a front vowel: -ne
    ("Türkiye Büyük Millet Meclisi", "Türkiye Büyük Millet Meclisine"),
    ("Anayasa Mahkemesi", "Anayasa Mahkemesine"),
    ("Ankara Büyükşehir Belediyesi", "Ankara Büyükşehir Belediyesine"),
    ("İzmir Büyükşehir Belediyesi", "İzmir Büyükşehir Belediyesine"),
    ("Sakarya Üniversitesi", "Sakarya Üniversitesine"),
    ("Boğaziçi Üniversitesi", "Boğaziçi Üniversitesine"),
    ("Orta Doğu Teknik Üniversitesi", "Orta Doğu Teknik Üniversitesine"),
    ("Ankara Şehir Hastanesi", "Ankara Şehir Hastanesine"),
    ("Göç Araştırmaları Merkezi", "Göç Araştırmaları Merkezine"),
    ("İç Denetim Birimi", "İç Denetim Birimine"),
    ("Türkiye Barolar Birliği", "Türkiye Barolar Birliğine"),
    ("Ankara Valiliği", "Ankara Valiliğine"),
    ("Iğdır Valiliği", "Iğdır Valiliğine"),
    ("Isparta Valiliği", "Isparta Valiliğine"),
    ("Ordu Valiliği", "Ordu Valiliğine"),
    ("Türk Silahlı Kuvvetleri", "Türk Silahlı Kuvvetlerine"),
    # possessive heads after a front rounded vowel (-ü): -ne
    ("Emniyet Genel Müdürlüğü", "Emniyet Genel Müdürlüğüne"),
    ("İzmir İl Göç İdaresi Müdürlüğü", "İzmir İl Göç İdaresi Müdürlüğüne"),
    ("Özel Kalem Müdürlüğü", "Özel Kalem Müdürlüğüne"),
    (
        "Nüfus ve Vatandaşlık İşleri Genel Müdürlüğü",
        "Nüfus ve Vatandaşlık İşleri Genel Müdürlüğüne",
    ),
    ("İstanbul Üniversitesi Rektörlüğü", "İstanbul Üniversitesi Rektörlüğüne"),
    ("Devlet Opera ve Balesi Genel Müdürlüğü", "Devlet Opera ve Balesi Genel Müdürlüğüne"),
    # consonant-final names: -a/-e, no apostrophe
    ("Sayıştay", "Sayıştaya"),
    ("Danıştay", "Danıştaya"),
    ("Yargıtay", "Yargıtaya"),
    ("Kızılay", "Kızılaya"),
    ("Meclis", "Meclise"),
    ("Özel Kalem", "Özel Kaleme"),
    ("Protokol", "Protokole"),
    # -lık/-lik/-luk/-lük soften the k
    ("Genel Sekreterlik", "Genel Sekreterliğe"),
    ("Başkanlık", "Başkanlığa"),
    ("Rektörlük", "Rektörlüğe"),
    # non-possessive vowel-final words: -ya/-ye
    ("Hazine", "Hazineye"),
    ("Adliye", "Adliyeye"),
    ("Belediye", "Belediyeye"),
    ("İkinci Ordu", "İkinci Orduya"),
]

DATIVE_CAPITALS = [
    ("İÇİŞLERİ BAKANLIĞI", "İÇİŞLERİ BAKANLIĞINA"),
    ("GÖÇ İDARESİ BAŞKANLIĞI", "GÖÇ İDARESİ BAŞKANLIĞINA"),
    ("ANKARA VALİLİĞİ", "ANKARA VALİLİĞİNE"),
    ("ISPARTA VALİLİĞİ", "ISPARTA VALİLİĞİNE"),
    ("IĞDIR VALİLİĞİ", "IĞDIR VALİLİĞİNE"),
    ("SAĞLIK BAKANLIĞI", "SAĞLIK BAKANLIĞINA"),
    ("SOSYAL GÜVENLİK KURUMU", "SOSYAL GÜVENLİK KURUMUNA"),
    ("TÜRKİYE BÜYÜK MİLLET MECLİSİ", "TÜRKİYE BÜYÜK MİLLET MECLİSİNE"),
    ("EMNİYET GENEL MÜDÜRLÜĞÜ", "EMNİYET GENEL MÜDÜRLÜĞÜNE"),
    ("T.C. İÇİŞLERİ BAKANLIĞI", "T.C. İÇİŞLERİ BAKANLIĞINA"),
    ("SAYIŞTAY", "SAYIŞTAYA"),
    ("DANIŞTAY", "DANIŞTAYA"),
    ("YARGITAY", "YARGITAYA"),
    ("CUMHURBAŞKANLIĞI", "CUMHURBAŞKANLIĞINA"),
    ("REKTÖRLÜK", "REKTÖRLÜĞE"),
]

DATIVE_ABBREVIATIONS = [
    # read as a word: by the last vowel and last letter
    ("TÜBİTAK", "TÜBİTAK'a"),
    ("AFAD", "AFAD'a"),
    ("ASELSAN", "ASELSAN'a"),
    ("TOKİ", "TOKİ'ye"),
    ("YÖK", "YÖK'e"),
    ("MİT", "MİT'e"),
    ("TÜİK", "TÜİK'e"),
    ("DİSK", "DİSK'e"),
    ("MEB", "MEB'e"),
    ("İŞKUR", "İŞKUR'a"),
    ("BOTAŞ", "BOTAŞ'a"),
    ("KOSGEB", "KOSGEB'e"),
    ("MASAK", "MASAK'a"),
    ("NATO", "NATO'ya"),
    ("ODTÜ", "ODTÜ'ye"),
    ("İTÜ", "İTÜ'ye"),
    ("İSKİ", "İSKİ'ye"),
    ("TÜRK-İŞ", "TÜRK-İŞ'e"),
    # read letter by letter: by the name of the last letter
    ("TBMM", "TBMM'ye"),
    ("SGK", "SGK'ya"),
    ("PTT", "PTT'ye"),
    ("KVKK", "KVKK'ya"),
    ("BDDK", "BDDK'ya"),
    ("TRT", "TRT'ye"),
    ("TCDD", "TCDD'ye"),
    ("DHMİ", "DHMİ'ye"),
    ("THY", "THY'ye"),
    ("EPDK", "EPDK'ya"),
    ("ÖSYM", "ÖSYM'ye"),
    ("ABD", "ABD'ye"),
    ("AB", "AB'ye"),
    ("BM", "BM'ye"),
    ("İBB", "İBB'ye"),
    ("İETT", "İETT'ye"),
    ("AİHM", "AİHM'ye"),
    # numbers are read aloud
    ("TRT 1", "TRT 1'e"),
    ("TRT 2", "TRT 2'ye"),
]

DATIVE_PUNCTUATION = [
    ("  Sağlık Bakanlığı  ", "Sağlık Bakanlığına"),
    ("Sağlık Bakanlığı.", "Sağlık Bakanlığına."),
    ("(Sağlık Bakanlığı)", "(Sağlık Bakanlığına)"),
    ("Göç İdaresi Başkanlığı (Ankara)", "Göç İdaresi Başkanlığına (Ankara)"),
    ("(TBMM)", "(TBMM'ye)"),
    ("Blok B", "Blok B'ye"),
    ("", ""),
]


@pytest.mark.parametrize(
    ("name", "expected"),
    DATIVE_INSTITUTIONS + DATIVE_CAPITALS + DATIVE_ABBREVIATIONS + DATIVE_PUNCTUATION,
)
def test_dative(name: str, expected: str) -> None:
    assert dative(name) == expected


def test_dative_table_is_large_enough() -> None:
    assert len(DATIVE_INSTITUTIONS) + len(DATIVE_CAPITALS) + len(DATIVE_ABBREVIATIONS) >= 45


@pytest.mark.parametrize(
    "name", [name for name, _ in DATIVE_INSTITUTIONS if len(name.split()) >= 2]
)
def test_dative_commutes_with_upper(name: str) -> None:
    assert upper(dative(name)) == dative(upper(name))


@pytest.mark.parametrize("name", [name for name, _ in DATIVE_INSTITUTIONS])
def test_institution_names_take_no_apostrophe(name: str) -> None:
    assert "'" not in dative(name)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("TBMM", True),
        ("AFAD", True),
        ("TÜBİTAK", True),
        ("TÜRK-İŞ", True),
        ("SAYIŞTAY", False),
        ("Sayıştay", False),
        ("İÇİŞLERİ BAKANLIĞI", False),
        ("ANKARA VALİLİĞİ", False),
        ("T.C. SGK", True),
        ("Sağlık Bakanlığı", False),
    ],
)
def test_is_abbreviation(name: str, expected: bool) -> None:
    assert is_abbreviation(name) is expected
