"""Closed vocabularies of the contract: unknown values are refused, never silently unmatched."""

from __future__ import annotations

# Institution categories (kurum kategorisi). Units inside an institution carry no category: the
# nearest ancestor-or-self that has one is the unit's institution.
CATEGORIES: tuple[str, ...] = (
    "Cumhurbaşkanlığı",
    "Anayasal Kuruluş",
    "Bakanlık",
    "Bağlı Kuruluş",
    "İlgili Kuruluş",
    "İlişkili Kuruluş",
    "Bağımsız Düzenleyici Kurum",
    "Yükseköğretim Kurumu",
    "Mülki İdare",
    "Belediye",
    "İl Özel İdaresi",
    "Kamu İktisadi Teşebbüsü",
    "Diğer Kamu Kurumu",
)

# Unit types (birim türü) seen in DETSİS and in the seeds.
UNIT_TYPES: tuple[str, ...] = (
    "Cumhurbaşkanlığı",
    "Bakanlık",
    "Başkanlık",
    "Kurum Başkanlığı",
    "Genel Müdürlük",
    "Genel Sekreterlik",
    "Rektörlük",
    "Fakülte",
    "Enstitü",
    "Yüksekokul",
    "Daire Başkanlığı",
    "Müşavirlik",
    "Şube Müdürlüğü",
    "Müdürlük",
    "Birim",
    "Merkez",
    "Kurul",
    "Valilik",
    "Kaymakamlık",
    "İl Müdürlüğü",
    "İlçe Müdürlüğü",
    "Bölge Müdürlüğü",
    "Belediye",
    "Büyükelçilik",
    "Başkonsolosluk",
    "Müşavirlik (Yurt Dışı)",
    "Temsilcilik",
)

# Legislation types with the codes of the national legislation portal (mevzuat.gov.tr). The
# institution-internal kinds are not published in the Resmî Gazete and have no national code; the
# registry numbers them from 101 so that they can never collide with a national code.
LEGISLATION_TYPES: dict[int, str] = {
    1: "Kanun",
    2: "Tüzük",
    3: "Yönetmelik",
    4: "Kanun Hükmünde Kararname",
    7: "Kurum ve Kuruluş Yönetmeliği",
    8: "Üniversite Yönetmeliği",
    9: "Tebliğ",
    19: "Cumhurbaşkanlığı Kararnamesi",
    20: "Cumhurbaşkanı Kararı",
    21: "Cumhurbaşkanlığı ve Bakanlar Kurulu Yönetmeliği",
    22: "Cumhurbaşkanlığı Genelgesi",
    101: "Yönerge",
    102: "Esas ve Usuller",
    103: "İlke Kararı",
    104: "Genelge",
    105: "Talimat",
}
INTERNAL_LEGISLATION_TYPES: frozenset[int] = frozenset({101, 102, 103, 104, 105})
# The names KMS (Kamu Mevzuat Sistemi) and institutions' lists give types the registry names
# otherwise, each mapped to the registry's code on purpose (docs/importers.md lists them). A name
# neither here nor in LEGISLATION_TYPES is refused: a type is never guessed.
LEGISLATION_TYPE_SYNONYMS: dict[str, int] = {
    "Kurum Yönetmeliği": 7,
    "Kurum ve Kuruluş Yönetmelikleri": 7,
    "Üniversite Yönetmelikleri": 8,
    "Bakanlar Kurulu Yönetmeliği": 21,
    "Cumhurbaşkanlığı Yönetmeliği": 21,
    "KHK": 4,
    "Kanun Hükmünde Kararnameler": 4,
    "Kanunlar": 1,
    "Tüzükler": 2,
    "Yönetmelikler": 3,
    "Tebliğler": 9,
    "Cumhurbaşkanlığı Kararnameleri": 19,
    "Cumhurbaşkanı Kararları": 20,
    "Cumhurbaşkanlığı Genelgeleri": 22,
    "Kurum Yönergesi": 101,
    "Yönergeler": 101,
    "Usul ve Esaslar": 102,
    "Usul ve Esasları": 102,
    "Esaslar": 102,
    "Uygulama Esasları": 102,
    "Usul ve Esaslar Yönergesi": 102,
    "Kurum Genelgesi": 104,
    "Genelgeler": 104,
    "Başbakanlık Genelgesi": 104,
    "Talimatlar": 105,
    "Kurum Talimatı": 105,
}
LEGISLATION_STATUSES: tuple[str, ...] = ("in_force", "repealed")
