"""The KAYSİS DETSİS service's contract, written as data: its types and its 36 operations.

Every EBYS vendor generated its client from the national service's WSDL, so the names, the
element order, which elements are required and which may be nil are the contract; this module
states them once, and the WSDL (``wsdl.py``), the request reader (``envelope.py``) and the
answers (``answers.py``) are all derived from it. A field is written ``Name type`` with ``?`` for
an optional element (minOccurs 0) and ``nil`` for a required element that may be nil.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

NAMESPACE: Final = "http://kaysis.gov.tr/"
SERVICE: Final = "DETSISServis"
PORT_TYPE: Final = "BBDETSISWS"
BINDING_11: Final = "BBDETSISWS"  # SOAP 1.1
BINDING_12: Final = "BBDETSISWS1"  # SOAP 1.2
HEADER: Final = "BbServiceAuthentication"
SIMPLE: Final = frozenset({"int", "string", "boolean", "dateTime", "base64Binary"})


@dataclass(frozen=True)
class Field:
    name: str
    type: str  # one of SIMPLE, or the name of a complex type
    required: bool = True  # minOccurs=1: always sent, even in an error answer
    nillable: bool = False
    repeated: bool = False  # the item of an ArrayOf… wrapper (maxOccurs unbounded)


@dataclass(frozen=True)
class ComplexType:
    name: str
    fields: tuple[Field, ...]
    base: str | None = None  # the empty abstract TablesBase, where the national types have it
    abstract: bool = False
    any_attribute: bool = False


def _fields(spec: str) -> tuple[Field, ...]:
    out = []
    for part in spec.split(","):
        words = part.split()
        if not words:
            continue
        name, kind, *marks = words
        optional = kind.endswith("?")
        out.append(Field(name, kind.rstrip("?"), required=not optional, nillable="nil" in marks))
    return tuple(out)


TYPES: dict[str, ComplexType] = {}


def _record(name: str, spec: str, *, base: bool = False) -> None:
    TYPES[name] = ComplexType(name, _fields(spec), base="TablesBase" if base else None)


def _array(item_type: str, *, nillable: bool = True) -> None:
    """``ArrayOf<X>``: a repeated element named after the item type (which may begin in lower
    case: ``ArrayOfEYazismaMuhatapBilgileri`` holds ``eYazismaMuhatapBilgileri``)."""
    name = "ArrayOf" + item_type[0].upper() + item_type[1:]
    TYPES[name] = ComplexType(name, (Field(item_type, item_type, False, nillable, True),))


def _result(name: str, results: str, *, single: bool = False, extra: str = "") -> None:
    """A result wrapper: ``SonucHatali`` (required), ``Sonuclar``, ``HataMsj``."""
    sonuclar = f"Sonuclar {results}" + ("" if single else "?")
    _record(name, f"SonucHatali boolean, {sonuclar}, HataMsj string?, {extra}")


TYPES["TablesBase"] = ComplexType("TablesBase", (), abstract=True)
TYPES[HEADER] = ComplexType(
    HEADER, _fields("KurumID string?, Password string?"), any_attribute=True
)

_KURUM_BIRIM = (
    "DETSISNo int, Ad string?, ParentIdareKimlikKodu int, AnaKurumIdareKimlikKodu int, "
    "Fk_BulunduguYerID int nil, Fk_KurumBirimTipID1 int, Fk_KurumBirimTipID2 int, "
    "KurumHiyerarsik string?, Aktifmi string?, KurumBirimTip3ler ArrayOfKurumBirimTip3WS?, "
    "ParentIdareKimlikKodu2 int, FaalOlupOlmadigi boolean, Seviye int, "
    "DisYazismaMuhatabiOlupOlmadigi boolean, Adres string?, YerAdi string?"
)
_IYEM = (
    "ID int, Ad string?, KurumHiyerarsik string?, ParentIdareKimlikKodu string?, "
    "UnvanAdi string?, YoneticiKodu int, YoneticiAdiSoyadi string?, DogumTarihi dateTime nil, "
    "Yasi int, YasGrup string?, HukukiDayanak string?, GorevTuru string?, "
    "GorevBaslamaTarihi dateTime nil, GorevBitisTarihi dateTime nil, Aktifmi boolean"
)
_record("KurumBirimWS", _KURUM_BIRIM, base=True)
_record(
    "KurumBirimTip3WS", "ID int, DETSISNo int, Fk_KurumBirimTip3ID int, TipAdi string?", base=True
)
_record(
    "ResKurumBirimTipleri1",
    "ID int, KurumBirimTipi1 string?, KurumBirimTipi1ParentID int, AcilacakTip2ID int, "
    "KurumBirimTipi1CogulAdi string?, KayitTarihi dateTime, Aktifmi boolean",
    base=True,
)
_record(
    "ResKurumBirimTipleri2",
    "ID int, KurumBirimTipi2 string?, KurumBirimTipi2ParentID int, KurumBirimTipi2CogulAdi "
    "string?, ResmiYaziEklenecekMuhatapBolumu string?, ResmiYaziKesilecekMuhatapBolumu string?, "
    "KayitTarihi dateTime, Used boolean, Aktifmi boolean",
    base=True,
)
_record(
    "ResYerKodlari",
    "ID int, IlKodu int, YerAdi string?, YerKodu int, IlAdi string?, Fk_YerTipiID int, "
    "Aktifmi boolean, TelefonAlanKodu string?, YerTipi string?",
    base=True,
)
_record(
    "IletisimBilgileriWS",
    "DetsisNo int, Iletisim string?, IletisimTip int, IletisimAdi string?",
    base=True,
)
_record(
    "AnaKurumlarButceTurleri",
    "DETSISNo int, Ad string?, ParentIdareKimlikKodu int, AnaKurumIdareKimlikKodu int, "
    "ParentIdareKimlikKodu2 int, ButceTuruID int, ButceTuru string?, Fk_TuzelKisilikID int, "
    "TuzelKisilik string?",
)
_record(
    "KodlarWsObj",
    "ID int, AnaKod string?, AltKod1 string?, AltKod2 string?, AltKod3 string?, KonuAdi string?, "
    "SaklamaSuresi string?, SaklamaZaman string?, SaklamaKodu string?, DipNot string?, "
    "Aciklama string?, Aktifmi boolean, Tip boolean, GrupBaslangici string?, GrupBitisi string?, "
    "Kod string?, Seviye string?",
    base=True,
)
_record(
    "KurumBirimIletisim",
    "KurumBirimId int, KurumBirimAdi string?, KurumBirimHiyerarsi string?, IletisimTipId int, "
    "IletisimTip string?, IletisimBilgisi string?",
    base=True,
)
_record("KepBilgileriWs", "KurumDetsisNo int, KepAdresi string?, Aktifmi boolean, Durum string?")
_record(
    "Sertifika",
    "DetsisId int, SertifikaDosya base64Binary?, KayitTarihi dateTime, SonGuncellemeTarihi "
    "dateTime, GecerlilikTarihi string?, Aktifmi boolean",
)
_record("ElektronikYazismaVersiyon", "Versiyon string?")
_record("TebligatNumarasiWs", "TebligatNo string?")
_record("GetHizmetListesiWs", "HizmetAd string?, HizmetId string?, KurumHiyerarsik string?")
_record("MevzuatSorgula", "MevzuatAdi string?, MevzuatSayisi string?, MevzuatTarihi string?")
_record(
    "GetBelgeListesiWs",
    "BelgeBeyanID int, BelgeBeyanAdi string?, BelgeTur string?, Istenenmi string?",
)
_record(
    "GetMevzuatListesiWs",
    "MevzuatId int, TurId int, Sayi string?, Ad string?, RGSayi string?, RGTarih dateTime, "
    "Tur string?",
)
_record("YeniEYazismaVersiyonListe", "DetsisIds ArrayOfInt?")
_record(
    "eYazismaPaketi",
    "MuhatapBilgi ArrayOfEYazismaMuhatapBilgileri?, ImzaYetkilileri ArrayOfEyazismaImzaYetkilisi?, "
    "Antet string?, MuhatapAd string?, RYSayiDetsisNo string?, ArzRica string?, "
    "GonderenTelefonNumarasi string?, GonderenFaksNumarasi string?, GonderenEPostaAdresi string?, "
    "GonderenInternetSitesiAdresi string?, GonderenAdresi string?, DagitimListesi string?",
    base=True,
)
_record(
    "eYazismaMuhatapBilgileri",
    "MuhatapKepAdresi string?, MuhatapKepTipi string?, MuhatapSifrelemeSertifikasi "
    "base64Binary?, KurumID int, MuhatapAdresi string?, MuhatapAd string?",
    base=True,
)
_record("ImzaYetkilisi", "TCYoneticiKodu int, YoneticiAd string?, YoneticiSoyad string?", base=True)
TYPES["EyazismaImzaYetkilisi"] = ComplexType(
    "EyazismaImzaYetkilisi",
    _fields("VekaletTuru string?, Unvan string?, DetsisNo int"),
    base="ImzaYetkilisi",
)
_record(
    "DevletTeskilatiKutukWs",
    "DETSISNo int, Ad string?, DevletTeskilatiKutukNo string?, AnaKurumDetsisNo int, "
    "KurumHiyerarsik string?, Aktifmi string?",
)
_record(
    "DetsisKullanici",
    "Adi string?, Soyadi string?, Telefon string?, Email string?, Yetkisi string?",
    base=True,
)
_record("IyemYoneticiObj", _IYEM)
_record("EYazismaSertifikaSahipligi", "KurumBirimId int, SertifikaSahibiKurumId int")

for _item in (
    "KurumBirimWS",
    "KurumBirimTip3WS",
    "ResKurumBirimTipleri1",
    "ResKurumBirimTipleri2",
    "ResYerKodlari",
    "IletisimBilgileriWS",
    "AnaKurumlarButceTurleri",
    "KodlarWsObj",
    "KurumBirimIletisim",
    "Sertifika",
    "ElektronikYazismaVersiyon",
    "TebligatNumarasiWs",
    "GetHizmetListesiWs",
    "MevzuatSorgula",
    "GetBelgeListesiWs",
    "GetMevzuatListesiWs",
    "YeniEYazismaVersiyonListe",
    "EyazismaImzaYetkilisi",
    "DevletTeskilatiKutukWs",
    "DetsisKullanici",
    "IyemYoneticiObj",
    "EYazismaSertifikaSahipligi",
    "string",
):
    _array(_item)
_array("int", nillable=False)
_array("KepBilgileriWs", nillable=False)
_array("eYazismaMuhatapBilgileri")

for _name, _results in (
    ("SonuclarOOfKurumBirimWS", "ArrayOfKurumBirimWS"),
    ("SonucResTip1", "ArrayOfResKurumBirimTipleri1"),
    ("SonucResTip2", "ArrayOfResKurumBirimTipleri2"),
    ("SonucResYerKod", "ArrayOfResYerKodlari"),
    ("SonucIletisimBilgileri", "ArrayOfIletisimBilgileriWS"),
    ("SonuclarOOfAnaKurumlarButceTurleri", "ArrayOfAnaKurumlarButceTurleri"),
    ("SonuclarOOfKodlarWsObj", "ArrayOfKodlarWsObj"),
    ("SonuclarOOfKurumBirimIletisim", "ArrayOfKurumBirimIletisim"),
    ("SonuclarOOfKepBilgileriWs", "ArrayOfKepBilgileriWs"),
    ("SonuclarOOfSertifika", "ArrayOfSertifika"),
    ("SonuclarOOfElektronikYazismaVersiyon", "ArrayOfElektronikYazismaVersiyon"),
    ("SonuclarOOfTebligatNumarasiWs", "ArrayOfTebligatNumarasiWs"),
    ("SonuclarOOfGetHizmetListesiWs", "ArrayOfGetHizmetListesiWs"),
    ("SonuclarOOfMevzuatSorgula", "ArrayOfMevzuatSorgula"),
    ("SonuclarOOfGetBelgeListesiWs", "ArrayOfGetBelgeListesiWs"),
    ("SonuclarOOfGetMevzuatListesiWs", "ArrayOfGetMevzuatListesiWs"),
    ("SonuclarOOfYeniEYazismaVersiyonListe", "ArrayOfYeniEYazismaVersiyonListe"),
    ("SonuclarOOfDevletTeskilatiKutukWs", "ArrayOfDevletTeskilatiKutukWs"),
    ("SonuclarOOfDetsisKullanici", "ArrayOfDetsisKullanici"),
    ("SonuclarOOfIyemYoneticiObj", "ArrayOfIyemYoneticiObj"),
    ("SonuclarOOfEYazismaSertifikaSahipligi", "ArrayOfEYazismaSertifikaSahipligi"),
    ("SonucOOfeYazismaPaketi", "eYazismaPaketi"),
):
    _result(_name, _results)
_result("SonucO", "ArrayOfKurumBirimWS", extra="TestSonuc ArrayOfString?")
# The one record that must be present even in an error answer (minOccurs 1, not nillable).
_result("SonucOOfKepBilgileriWs", "KepBilgileriWs", single=True)


@dataclass(frozen=True)
class Operation:
    name: str
    params: tuple[Field, ...]
    result: str  # the result wrapper's type
    doc: str  # our own description, in Turkish, for the WSDL's documentation element

    @property
    def action(self) -> str:
        return NAMESPACE + self.name


def _operation(name: str, params: str, result: str, doc: str) -> Operation:
    return Operation(name, _fields(params), result, doc)


OPERATIONS: tuple[Operation, ...] = (
    _operation(
        "YeniDisYazismaYapanlariGetirWs",
        "pGun int, pAy int, pYil int",
        "SonuclarOOfKurumBirimWS",
        "Verilen günden beri değişen, dış yazışma yapan birimler.",
    ),
    _operation("TumTip1KodlariGetirWs", "", "SonucResTip1", "Tip 1 (kategori) kodları."),
    _operation("TumTip2KodlariGetirWs", "", "SonucResTip2", "Tip 2 (birim türü) kodları."),
    _operation("TumYerKodlariGetirWs", "", "SonucResYerKod", "Bütün yer kodları (il, ilçe, ülke)."),
    _operation(
        "KurumBirimIletisimBilgileriGetirWs",
        "detsisId int",
        "SonucIletisimBilgileri",
        "Bir birimin iletişim bilgileri.",
    ),
    _operation(
        "AnakurumIletisimBilgileriWs",
        "",
        "SonucIletisimBilgileri",
        "Çağıran kurumun ana kurumunun iletişim bilgileri.",
    ),
    _operation(
        "AnaKurumlarButceTurleriGetirWs",
        "",
        "SonuclarOOfAnaKurumlarButceTurleri",
        "Ana kurumların bütçe türleri ve tüzel kişilikleri.",
    ),
    _operation(
        "KurumSDPKodlariGetirWs",
        "IdariKimlikKodu int",
        "SonuclarOOfKodlarWsObj",
        "Kurumun kullandığı Standart Dosya Planı kodları.",
    ),
    _operation("DETSISNoKurumBirimWs", "DETSISNo int", "SonucO", "DETSİS numarasıyla bir birim."),
    _operation(
        "KendiTumBirimleriGetirWs",
        "degisiklikTarihiBaslangic dateTime nil",
        "SonuclarOOfKurumBirimWS",
        "Çağıran kurumun bütün birimleri ya da verilen andan beri değişenleri.",
    ),
    _operation(
        "BirimleriminIletisimBilgileriniGetir",
        "",
        "SonuclarOOfKurumBirimIletisim",
        "Çağıran kurumun birimlerinin iletişim bilgileri.",
    ),
    _operation(
        "HiyerarsiGetirKurumBirimWs",
        "DETSISNo int",
        "SonuclarOOfKurumBirimWS",
        "Birim ve ana kuruma kadar üstleri.",
    ),
    _operation(
        "AdaGoreKurumBirimSorgulaWs",
        "ad string?, anaKurumIdareKimlikKodu int",
        "SonuclarOOfKurumBirimWS",
        "Adına göre birim arama (0: bütün ana kurumlar).",
    ),
    _operation(
        "AnaKurumlariGetirKurumBirimWs", "", "SonuclarOOfKurumBirimWS", "Ana kurumların listesi."
    ),
    _operation(
        "DetayBilgilereGoreSorgulaKurumBirimWs",
        "yerKodu int, kategoriID int, statuID int, IlKodu int",
        "SonuclarOOfKurumBirimWS",
        "Yer, tip 1 ve tip 2 koduna göre birimler (0: süzme yok).",
    ),
    _operation(
        "KEPAdresiKontrolEt",
        "KepAdresi string?",
        "SonucOOfKepBilgileriWs",
        "Bir KEP adresinin kime ait olduğu ve etkin olup olmadığı.",
    ),
    _operation(
        "KEPAdresleriniGetir",
        "DetsisIDs ArrayOfInt?",
        "SonuclarOOfKepBilgileriWs",
        "Verilen birimlerin KEP adresleri.",
    ),
    _operation(
        "KurumSertifikaBilgileriniGetir",
        "DetsisIDs int",
        "SonuclarOOfSertifika",
        "Bir birimin şifreleme sertifikası.",
    ),
    _operation(
        "KurumEypVersiyonuGetir",
        "DetsisIDs int",
        "SonuclarOOfElektronikYazismaVersiyon",
        "Bir birimin kabul ettiği e-Yazışma paketi sürümü.",
    ),
    _operation(
        "TebligatNumarasiGetir",
        "DetsisId int",
        "SonuclarOOfTebligatNumarasiWs",
        "Birimin elektronik tebligat (UETS) adresi.",
    ),
    _operation(
        "GetHizmetListesi", "DetsisId int", "SonuclarOOfGetHizmetListesiWs", "Kurumun hizmetleri."
    ),
    _operation(
        "MevzuatSorgula",
        "MevzuatAdi string?, MevzuatSayisi string?",
        "SonuclarOOfMevzuatSorgula",
        "Adına ve sayısına göre mevzuat arama.",
    ),
    _operation(
        "GetBelgeListesi",
        "DetsisId int",
        "SonuclarOOfGetBelgeListesiWs",
        "Kurumun hizmetlerinin istediği ve verdiği belgeler.",
    ),
    _operation(
        "GetMevzuatListesi",
        "DetsisId int",
        "SonuclarOOfGetMevzuatListesiWs",
        "Kurumun hizmetlerinin dayandığı ve kurumun çıkardığı mevzuat.",
    ),
    _operation(
        "EypGuncellenenleriGetir",
        "",
        "SonuclarOOfYeniEYazismaVersiyonListe",
        "e-Yazışma paketi sürümü değişen kurumlar.",
    ),
    _operation(
        "AktifKEPAdresleriniGetir",
        "",
        "SonuclarOOfKepBilgileriWs",
        "Bütün etkin KEP adresleri (birimlerin kendi adresleri).",
    ),
    _operation(
        "eYazismaPaketi",
        "gonderenDetsisID int, muhatapDetsisIDs ArrayOfInt?",
        "SonucOOfeYazismaPaketi",
        "Bir yazı için antet, muhataplar, arz/rica, imzacılar, KEP ve sertifikalar.",
    ),
    _operation(
        "KutukNodanDetsisNoGetir",
        "kutukNoList ArrayOfString?",
        "SonuclarOOfDevletTeskilatiKutukWs",
        "Devlet Teşkilatı Kütüğü numaralarının DETSİS numaraları.",
    ),
    _operation(
        "DetsisIslemYetkilisiBilgileriWs",
        "",
        "SonuclarOOfDetsisKullanici",
        "Çağıran kurumun DETSİS işlem yetkilileri.",
    ),
    _operation(
        "AltKurulusBirimleriListele",
        "arananKurum int",
        "SonuclarOOfKurumBirimWS",
        "Bir birimin doğrudan alt birimleri.",
    ),
    _operation(
        "IYEMTCdenGorevListesiGetirWs",
        "TCKimlikNo string?",
        "SonuclarOOfIyemYoneticiObj",
        "Kimlik numarasıyla bir kişinin yöneticilik görevleri.",
    ),
    _operation(
        "IYEMYoneticiIDdenGorevListesiGetirWs",
        "YoneticiID int",
        "SonuclarOOfIyemYoneticiObj",
        "Yönetici koduyla görevler.",
    ),
    _operation(
        "IYEMKurumYoneticisiGetirWs",
        "KurumID int, Tarih dateTime nil",
        "SonuclarOOfIyemYoneticiObj",
        "Bir birimin verilen tarihteki yöneticisi (boş: bugün).",
    ),
    _operation(
        "IYEMTumYoneticileriGetirWs",
        "KurumID int",
        "SonuclarOOfIyemYoneticiObj",
        "Bir kurumun bütün yöneticileri.",
    ),
    _operation(
        "SertifikalariGetir",
        "baslangicTarihi dateTime",
        "SonuclarOOfSertifika",
        "Verilen andan beri kaydedilen sertifikalar.",
    ),
    _operation(
        "SertifikaSahiplikleriniGetir",
        "baslangicTarihi dateTime",
        "SonuclarOOfEYazismaSertifikaSahipligi",
        "Hangi birimin hangi birimin sertifikasını kullandığı.",
    ),
)
BY_NAME: dict[str, Operation] = {operation.name: operation for operation in OPERATIONS}
BY_ACTION: dict[str, Operation] = {operation.action: operation for operation in OPERATIONS}


def result_field(operation: Operation) -> Field:
    """The one element of ``<Operation>Response``."""
    return Field(operation.name + "Result", operation.result, required=False)
