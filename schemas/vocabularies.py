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
}
INTERNAL_LEGISLATION_TYPES: frozenset[int] = frozenset({101, 102, 103, 104})
LEGISLATION_STATUSES: tuple[str, ...] = ("in_force", "repealed")
