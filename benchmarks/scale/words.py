"""Turkish words the generated acts and services are made of."""

from __future__ import annotations

# What each generated institution's acts and services are about (by the institution's name).
SUBJECTS_OF: dict[str, tuple[str, ...]] = {
    "Adalet Bakanlığı": ("Noterlik", "Arabuluculuk", "Bilirkişilik", "Adli Sicil", "İcra ve İflas"),
    "Aile ve Sosyal Hizmetler Bakanlığı": (
        "Sosyal Yardım",
        "Engelli Hakları",
        "Koruyucu Aile",
        "Yaşlı Bakım",
        "Çocuk Hizmetleri",
    ),
    "Çalışma ve Sosyal Güvenlik Bakanlığı": (
        "Çalışma İzni",
        "İş Sağlığı ve Güvenliği",
        "İşsizlik Sigortası",
        "Sendikalar",
    ),
    "Çevre, Şehircilik ve İklim Değişikliği Bakanlığı": (
        "İmar Planları",
        "Çevre Denetimi",
        "Tapu ve Kadastro",
        "Kentsel Dönüşüm",
        "Atık Yönetimi",
        "Yapı Denetimi",
    ),
    "Dışişleri Bakanlığı": ("Konsolosluk Hizmetleri", "Apostil", "Hususi Pasaport"),
    "Enerji ve Tabii Kaynaklar Bakanlığı": (
        "Elektrik Piyasası",
        "Doğal Gaz Piyasası",
        "Petrol Piyasası",
        "Maden Ruhsatı",
        "Enerji Verimliliği",
    ),
    "Gençlik ve Spor Bakanlığı": (
        "Spor Kulüpleri",
        "Gençlik Merkezleri",
        "Öğrenci Yurtları",
        "Lisanslı Sporcu",
    ),
    "Hazine ve Maliye Bakanlığı": ("Vergi", "Harçlar", "Taşınmaz Satışı", "Devlet Muhasebesi"),
    "İçişleri Bakanlığı": (
        "Nüfus Hizmetleri",
        "Pasaport",
        "İkamet İzni",
        "Dernekler",
        "Afet ve Acil Durum",
        "Sürücü Belgesi",
    ),
    "Kültür ve Turizm Bakanlığı": (
        "Turizm Teşvik",
        "Kültür Varlıkları",
        "Sinema",
        "Müze Kart",
        "Seyahat Acentesi",
    ),
    "Millî Eğitim Bakanlığı": (
        "Örgün Eğitim",
        "Özel Okul",
        "Denklik",
        "Öğrenci Bursu",
        "Yaygın Eğitim",
    ),
    "Millî Savunma Bakanlığı": ("Askerlik", "Yedek Subay", "Askerî Okullar"),
    "Sağlık Bakanlığı": (
        "Sağlık Hizmetleri",
        "Eczane Ruhsatı",
        "Tıbbi Cihaz",
        "Özel Hastane",
        "Ambulans",
    ),
    "Sanayi ve Teknoloji Bakanlığı": (
        "Sanayi Sicili",
        "Teknoloji Geliştirme Bölgeleri",
        "Ar-Ge Teşviki",
        "Patent",
    ),
    "Tarım ve Orman Bakanlığı": (
        "Tarımsal Destek",
        "Orman Varlığı",
        "Su Ürünleri",
        "Hayvan Sağlığı",
        "Organik Tarım",
    ),
    "Ticaret Bakanlığı": (
        "Dış Ticaret",
        "Gümrük",
        "Kooperatifler",
        "Esnaf ve Sanatkârlar",
        "Ticaret Sicili",
    ),
    "Ulaştırma ve Altyapı Bakanlığı": (
        "Karayolu Taşımacılığı",
        "Elektronik Haberleşme",
        "Denizcilik",
        "Sivil Havacılık",
    ),
    "Diyanet İşleri Başkanlığı": ("Din Hizmetleri", "Hac ve Umre", "Kur'an Kursları"),
    "Türkiye İstatistik Kurumu": ("Resmî İstatistik", "Adrese Dayalı Nüfus Kayıt"),
    "Sosyal Güvenlik Kurumu": (
        "Genel Sağlık Sigortası",
        "Emeklilik",
        "Sigortalılık",
        "İşveren Tescili",
    ),
}
# What every institution also has: support services and the acts they rest on.
COMMON_SUBJECTS: tuple[str, ...] = ("Bilgi Edinme", "Kamu İhale", "Devlet Memurları")
SUBJECTS: tuple[str, ...] = tuple(
    dict.fromkeys(
        [s for subjects in SUBJECTS_OF.values() for s in subjects] + list(COMMON_SUBJECTS)
    )
)


def subjects_of(institution: str | None) -> tuple[str, ...]:
    """An institution's own subjects; every subject for one the generator does not know."""
    own = SUBJECTS_OF.get(institution or "")
    return own + COMMON_SUBJECTS if own else SUBJECTS


SERVICE_ACTIONS: tuple[str, ...] = (
    "Başvurusu",
    "Belgesi Verilmesi",
    "İzni",
    "Kaydı",
    "Desteği",
    "İtirazı",
    "Yenileme İşlemi",
    "Sorgulaması",
    "Ruhsatı",
    "Denetimi",
    "Tescili",
    "Ödemesi",
)
