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
