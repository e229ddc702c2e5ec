"""The operations: each of the contract's 36, answered from the registry (README §10 mapping).

Each handler takes the session, the authenticated caller and the request's parameters, and
returns the result wrapper as plain values (``answers.py`` writes them). An unknown or closed
unit, or a parameter the registry refuses, becomes ``SonucHatali=true`` with the registry's own
Turkish and English message, never a fault. Operations not answered yet are listed in
``NOT_IMPLEMENTED`` and answer a fault that says so.

Why this module is long: it is the operations table of a 36-operation contract; one small
handler per operation, in the contract's terms, reads better in one place than split by an
arbitrary line.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import Select, String, cast, select
from sqlalchemy.orm import Session

from registry.catalogue import documents, services
from registry.catalogue.models import (
    Document,
    DocumentRole,
    Service,
    ServiceDocument,
    ServiceLegalBasis,
)
from registry.ebys import answers as ebys_answers
from registry.ebys import e_correspondence, identifiers, managers, officers
from registry.ebys.models import ManagerPost, Signatory
from registry.ebys.views import Certificate, ContactBlock
from registry.kaysis import daily_sync
from registry.kaysis.answers import joined, refusal, result
from registry.kaysis.auth import Caller
from registry.kaysis.units import in_force, records, subtree_records
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput, NotFound
from registry.kernel.reference import province_name
from registry.legislation import reading
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.reference import code_tables, dated, file_plan, places
from registry.reference.models import Place
from schemas.vocabularies import LEGISLATION_TYPES

Handler = Callable[[Session, Caller, dict[str, Any]], dict[str, Any]]
MAX_SEARCH = 1000  # a name search or a filtered list answers at most this many units
MIN_QUERY = 3
# ``IletisimTip`` codes as the C# client reads them (README §6.3).
CONTACT_TYPES = (
    (1, "web", "Web Adresi"),
    (2, "email", "E-Posta"),
    (4, "phone", "Telefon"),
    (5, "fax", "Faks"),
)
PLACE_TYPES = {"province": (1, "İl"), "district": (2, "İlçe"), "country": (3, "Ülke")}
DOCUMENT_PREFIX = "BLG"  # document codes are BLG-{sequence} (catalogue/codes.py)
DOCUMENT_KINDS = {"required": "İstenen", "issued": "Verilen"}  # GetBelgeListesiWs.BelgeTur
EYP_CHANGED_DAYS = 30  # EypGuncellenenleriGetir: "changed" = recorded in the last 30 days

HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


@dataclass(frozen=True)
class NotAnswered:
    reason: str


# Every operation of the contract is answered; an operation listed here would answer a fault.
NOT_IMPLEMENTED: dict[str, NotAnswered] = {}


def _number(value: int | None, field: str) -> str:
    """A DETSİS number from the contract's int (8 digits, no leading zero)."""
    if value is None or not 10_000_000 <= value <= 99_999_999:
        raise InvalidInput(
            f"Geçersiz DETSİS numarası / invalid DETSİS number: {value}",
            errors={field: ["8 digits"]},
        )
    return str(value)


def _units(session: Session, numbers: list[str]) -> list[dict[str, Any]]:
    """The records of the given units, in the order given; 404 for one never registered."""
    wanted = tree.organization_ids(session, numbers)
    missing = [n for n in numbers if n not in wanted]
    if missing:
        raise NotFound(f"{missing[0]} numaralı birim yok / no such unit.")
    stmt = in_force(today()).where(Organization.detsis_no.in_(numbers))
    found = {r["DETSISNo"]: r for r in records(session, stmt, today())}
    absent = [n for n in numbers if int(n) not in found]
    if absent:
        raise NotFound(f"{absent[0]} numaralı birim bugün kayıtlı değil / not in force today.")
    return [found[int(n)] for n in numbers]


# -- per letter --


def _der(pem: str) -> bytes:
    return x509.load_pem_x509_certificate(pem.encode("ascii")).public_bytes(Encoding.DER)


def _first_kep(entries: list[Any]) -> str | None:
    return next((e["address"] for e in entries if e["active"]), None)


@operation("eYazismaPaketi")
def e_yazisma_paketi(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    sender = _number(params["gonderenDetsisID"], "gonderenDetsisID")
    recipients = [_number(n, "muhatapDetsisIDs") for n in params["muhatapDetsisIDs"] or []]
    letter = ebys_answers.correspondence(session, sender, recipients)
    contacts = {r: ebys_answers.contact(session, r) for r in recipients}
    several = len(recipients) > 1
    block = None
    if several:
        wanted = [e_correspondence.Recipient(r, "gereği") for r in recipients]
        block = joined(e_correspondence.distribution(session, wanted)["block"])
    contact: ContactBlock = letter["sender_contact"]
    return result(
        False,
        {
            "MuhatapBilgi": [
                {
                    "MuhatapKepAdresi": _first_kep(list(r["kep_addresses"])),
                    "MuhatapSifrelemeSertifikasi": _der(r["certificate"]["pem"])
                    if r["certificate"]
                    else None,
                    "KurumID": int(r["detsis_no"]),
                    "MuhatapAdresi": contacts[r["detsis_no"]]["address"],
                    "MuhatapAd": joined(r["addressee"]),
                }
                for r in letter["recipients"]
            ],
            "ImzaYetkilileri": [
                {
                    "TCYoneticiKodu": 0,  # the registry keeps no manager code (README §6.5)
                    "YoneticiAd": s["name"],
                    "YoneticiSoyad": s["surname"],
                    "VekaletTuru": s["delegation"],
                    "Unvan": s["title"],
                    "DetsisNo": int(sender),
                }
                for s in letter["signatories"]
            ],
            "Antet": joined(letter["letterhead"]),
            "MuhatapAd": e_correspondence.MULTIPLE_ADDRESSEE
            if several
            else joined(letter["recipients"][0]["addressee"]),
            "RYSayiDetsisNo": sender,
            "ArzRica": letter["courtesy"],
            "GonderenTelefonNumarasi": contact["phone"],
            "GonderenFaksNumarasi": contact["fax"],
            "GonderenEPostaAdresi": contact["email"],
            "GonderenInternetSitesiAdresi": contact["web"],
            "GonderenAdresi": contact["address"],
            "DagitimListesi": block,
        },
    )


def _kep_rows(number: str, entries: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "KurumDetsisNo": int(number),
            "KepAdresi": e["address"],
            "Aktifmi": bool(e["active"]),
            "Durum": ("Aktif" if e["active"] else "Pasif")
            + (f" ({e['inherited_from']} üst biriminden)" if e.get("inherited_from") else ""),
        }
        for e in entries
    ]


@operation("KEPAdresleriniGetir")
def kep_addresses(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Each unit's addresses to write to (own, else inherited), the active one first: the C#
    client takes a unit's first row."""
    numbers = [_number(n, "DetsisIDs") for n in params["DetsisIDs"] or []]
    rows: list[dict[str, Any]] = []
    for number in numbers:
        entries = ebys_answers.kep(session, number)["kep_addresses"]
        rows.extend(_kep_rows(number, sorted(entries, key=lambda e: not e["active"])))
    return result(False, rows)


@operation("KEPAdresiKontrolEt")
def kep_check(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    address = (params["KepAdresi"] or "").strip()
    folded = address.casefold()
    found = None
    if address:
        stmt = (
            in_force(today())
            .with_only_columns(Organization.detsis_no, OrganizationVersion.kep_addresses)
            .where(cast(OrganizationVersion.kep_addresses, String).contains(address.split("@")[0]))
        )
        for number, entries in session.execute(stmt):
            for entry in entries or []:
                if str(entry.get("address", "")).casefold() == folded:
                    found = (number, entry)
    if found is None:
        record = {"KurumDetsisNo": 0, "KepAdresi": address, "Aktifmi": False, "Durum": "Kayıtsız"}
        return result(
            True, record, f"{address} KEP adresi kayıtlı değil / no unit has this KEP address."
        )
    return result(False, _kep_rows(found[0], [found[1]])[0])


def _certificate_row(number: str, found: Certificate, changed: datetime | None) -> dict[str, Any]:
    return {
        "DetsisId": int(number),
        "SertifikaDosya": _der(found["pem"]),
        "KayitTarihi": changed or found["not_before"],
        "SonGuncellemeTarihi": changed or found["not_before"],
        "GecerlilikTarihi": found["not_after"].strftime("%d.%m.%Y %H:%M:%S"),
        "Aktifmi": not found["expired"],
    }


@operation("KurumSertifikaBilgileriniGetir")
def unit_certificate(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    number = _number(params["DetsisIDs"], "DetsisIDs")
    found = ebys_answers.certificate(session, number)
    return result(False, [_certificate_row(number, found, None)])


@operation("SertifikalariGetir")
def certificates_since(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for change in e_correspondence.certificates_changed_since(session, _aware(params)):
        number = change["detsis_no"]
        if change["active"]:
            found = ebys_answers.certificate(session, number)
            rows.append(_certificate_row(number, found, change["changed_at"]))
        else:
            rows.append(
                {
                    "DetsisId": int(number),
                    "KayitTarihi": change["changed_at"],
                    "SonGuncellemeTarihi": change["changed_at"],
                    "Aktifmi": False,
                }
            )
    return result(False, rows)


def _aware(params: dict[str, Any], name: str = "baslangicTarihi") -> datetime:
    moment: datetime = params[name]
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- units and the tree --


@operation("DETSISNoKurumBirimWs")
def unit(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    return result(False, _units(session, [_number(params["DETSISNo"], "DETSISNo")]))


@operation("HiyerarsiGetirKurumBirimWs")
def hierarchy(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The unit first (the C# client reads the first record's path), then each unit above."""
    number = _number(params["DETSISNo"], "DETSISNo")
    path = tree.get_unit(session, number, today()).path
    return result(False, _units(session, [entry.detsis_no for entry in reversed(path)]))


@operation("AltKurulusBirimleriListele")
def children(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    number = _number(params["arananKurum"], "arananKurum")
    org_id, _ = tree.current_version(session, number, today())
    stmt = in_force(today()).where(OrganizationVersion.parent_id == org_id)
    return result(
        False, list(records(session, stmt.order_by(OrganizationVersion.sort_key), today()))
    )


@operation("AnaKurumlariGetirKurumBirimWs")
def institutions(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The units that are their own institution (README §10): open, with a category."""
    stmt = in_force(today()).where(
        OrganizationVersion.category.is_not(None), OrganizationVersion.status == Status.ACTIVE
    )
    return result(False, records(session, stmt.order_by(OrganizationVersion.sort_key), today()))


@operation("AdaGoreKurumBirimSorgulaWs")
def by_name(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    query = (params["ad"] or "").strip()
    if len(query) < MIN_QUERY:
        raise InvalidInput(
            f"Ad en az {MIN_QUERY} harf olmalı / the name needs at least {MIN_QUERY} letters.",
            errors={"ad": [f"at least {MIN_QUERY} letters"]},
        )
    found, _ = tree.list_units(session, tree.UnitFilter(q=query), today(), 0, MAX_SEARCH)
    top = params["anaKurumIdareKimlikKodu"] or 0
    numbers = [view.detsis_no for view in found if not top or int(view.institution_no) == top]
    return result(False, _units(session, numbers) if numbers else [])


@operation("DetayBilgilereGoreSorgulaKurumBirimWs")
def by_details(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Units by place (``yerKodu``: a place id, ``IlKodu``: a province), type 1 (category) and
    type 2 (unit type); 0 = any. At least one is needed, and at most ``MAX_SEARCH`` answer."""
    stmt = in_force(today()).where(OrganizationVersion.status == Status.ACTIVE)
    if not any(params.values()):
        raise InvalidInput(
            "En az bir ölçüt gerekli / at least one criterion is needed.",
            errors={"yerKodu": ["all criteria are 0"]},
        )
    if params["IlKodu"]:
        stmt = stmt.where(OrganizationVersion.province_code == params["IlKodu"])
    if params["kategoriID"]:
        category = dated.as_of(session, code_tables.CATEGORY, str(params["kategoriID"]), today())
        stmt = stmt.where(OrganizationVersion.category == category.name)
    if params["statuID"]:
        unit_type = dated.as_of(session, code_tables.UNIT_TYPE, str(params["statuID"]), today())
        stmt = stmt.where(OrganizationVersion.unit_type == unit_type.name)
    if params["yerKodu"]:
        place = places.get_place(session, params["yerKodu"], today())
        stmt = stmt.where(OrganizationVersion.province_code == place.province_code)
    found = [
        r
        # bounded: a place filter is applied to the rows of its province
        for r in records(
            session, stmt.order_by(OrganizationVersion.sort_key).limit(20 * MAX_SEARCH), today()
        )
        if not params["yerKodu"] or r["Fk_BulunduguYerID"] == params["yerKodu"]
    ]
    if len(found) > MAX_SEARCH:
        raise InvalidInput(
            f"{len(found)} birim bulundu; en çok {MAX_SEARCH} / too many units: narrow the query.",
            errors={"yerKodu": [f"more than {MAX_SEARCH} units"]},
        )
    return result(False, found)


# -- daily sync (streamed from the EBYS facts projection: registry/kaysis/daily_sync.py) --

operation("KendiTumBirimleriGetirWs")(daily_sync.own_units)
operation("YeniDisYazismaYapanlariGetirWs")(daily_sync.new_correspondents)
operation("AktifKEPAdresleriniGetir")(daily_sync.active_keps)


# -- contact --


def _contact_rows(number: str, contact: ContactBlock) -> list[dict[str, Any]]:
    values: dict[str, Any] = dict(contact)
    return [
        {
            "DetsisNo": int(number),
            "Iletisim": values[key],
            "IletisimTip": code,
            "IletisimAdi": label,
        }
        for code, key, label in CONTACT_TYPES
        if values[key]
    ]


@operation("KurumBirimIletisimBilgileriGetirWs")
def unit_contact(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    number = _number(params["detsisId"], "detsisId")
    return result(False, _contact_rows(number, ebys_answers.contact(session, number)))


@operation("AnakurumIletisimBilgileriWs")
def institution_contact(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The caller's institution's contact entries."""
    path = tree.get_unit(session, caller.detsis_no, today()).path
    number = tree.institution_of(path).detsis_no
    return result(False, _contact_rows(number, ebys_answers.contact(session, number)))


@operation("BirimleriminIletisimBilgileriniGetir")
def my_units_contact(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    def rows() -> Iterator[dict[str, Any]]:
        for unit_record in subtree_records(session, caller.organization_id, today(), None):
            for code, key, label in CONTACT_TYPES:
                value = unit_record["_contact"].get(key)
                if value:
                    yield {
                        "KurumBirimId": unit_record["DETSISNo"],
                        "KurumBirimAdi": unit_record["Ad"],
                        "KurumBirimHiyerarsi": unit_record["KurumHiyerarsik"],
                        "IletisimTipId": code,
                        "IletisimTip": label,
                        "IletisimBilgisi": value,
                    }

    return result(False, rows())


@operation("DetsisIslemYetkilisiBilgileriWs")
def operators(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for officer in officers.officers_of(session, caller.detsis_no, today()):
        given, _, family = str(officer["name"]).rpartition(" ")
        rows.append(
            {
                "Adi": given or family,
                "Soyadi": family if given else None,
                "Telefon": officer["phone"],
                "Email": officer["email"],
                "Yetkisi": officer["role_name"],
            }
        )
    return result(False, rows)


# -- code tables --


@operation("TumTip1KodlariGetirWs")
def categories(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    return result(
        False,
        [
            {
                "ID": row.code,
                "KurumBirimTipi1": row.name,
                "KurumBirimTipi1ParentID": row.parent_code or 0,
                "AcilacakTip2ID": 0,
                "KurumBirimTipi1CogulAdi": row.plural_name,
                "KayitTarihi": row.valid_from,
                "Aktifmi": True,
            }
            for row in code_tables.table_rows(session, code_tables.CATEGORY, today())
        ],
    )


@operation("TumTip2KodlariGetirWs")
def unit_types(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    used = set(
        session.scalars(
            select(OrganizationVersion.unit_type)
            .where(tree.in_force(today()), OrganizationVersion.unit_type.is_not(None))
            .distinct()
        )
    )
    rows = []
    for row in code_tables.table_rows(session, code_tables.UNIT_TYPE, today()):
        view = code_tables.UNIT_TYPE.view(session, row)
        rows.append(
            {
                "ID": row.code,
                "KurumBirimTipi2": row.name,
                "KurumBirimTipi2ParentID": row.parent_code or 0,
                "KurumBirimTipi2CogulAdi": row.plural_name,
                "ResmiYaziEklenecekMuhatapBolumu": view["addressee_add"],
                "ResmiYaziKesilecekMuhatapBolumu": view["addressee_cut"],
                "KayitTarihi": row.valid_from,
                "Used": row.name in used,
                "Aktifmi": True,
            }
        )
    return result(False, rows)


@operation("TumYerKodlariGetirWs")
def place_codes(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for place in session.scalars(dated.rows_on(places.KIND, today()).order_by(Place.number)):
        type_id, type_name = PLACE_TYPES.get(place.kind, (0, place.kind))
        rows.append(
            {
                "ID": place.number,
                "IlKodu": place.province_code or 0,
                "YerAdi": place.name,
                "YerKodu": place.number,
                "IlAdi": province_name(place.province_code) if place.province_code else None,
                "Fk_YerTipiID": type_id,
                "Aktifmi": place.status == "active",
                "TelefonAlanKodu": place.area_code,
                "YerTipi": type_name,
            }
        )
    return result(False, rows)


@operation("KurumSDPKodlariGetirWs")
def file_plan_codes(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The common codes and the institution's own (``Tip``: true for its own)."""
    number = _number(params["IdariKimlikKodu"], "IdariKimlikKodu")
    rows = []
    for row in session.scalars(file_plan.list_codes(session, number, None, today())):
        parts = file_plan.parts(row.code) + [None, None, None]
        rows.append(
            {
                "ID": row.id,
                "AnaKod": parts[0],
                "AltKod1": parts[1],
                "AltKod2": parts[2],
                "AltKod3": parts[3],
                "KonuAdi": row.subject,
                "SaklamaSuresi": _years(row.retention_unit_years),
                "SaklamaZaman": _years(row.retention_archive_years),
                "SaklamaKodu": file_plan.DISPOSITION_CODES.get(row.disposition or ""),
                "DipNot": row.note,
                "Aciklama": row.explanation,
                "Aktifmi": row.status == "active",
                "Tip": row.organization_id is not None,
                "GrupBaslangici": row.group_start,
                "GrupBitisi": row.group_end,
                "Kod": row.code,
                "Seviye": str(row.level),
            }
        )
    return result(False, rows)


def _years(value: int | None) -> str | None:
    return None if value is None else str(value)


# -- identifiers, budget, e-Yazışma version, managers --


@operation("TebligatNumarasiGetir")
def uets(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    number = _number(params["DetsisId"], "DetsisId")
    found = identifiers.identifiers_of(session, number, today())
    return result(False, [{"TebligatNo": found.uets}] if found.uets else [])


@operation("KutukNodanDetsisNoGetir")
def by_kutuk_no(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    rows = []
    for kutuk_no in params["kutukNoList"] or []:
        numbers = identifiers.numbers_with_kutuk_no(session, kutuk_no, today())
        for unit_record in _units(session, numbers) if numbers else []:
            rows.append(
                {
                    "DETSISNo": unit_record["DETSISNo"],
                    "Ad": unit_record["Ad"],
                    "DevletTeskilatiKutukNo": kutuk_no,
                    "AnaKurumDetsisNo": unit_record["AnaKurumIdareKimlikKodu"],
                    "KurumHiyerarsik": unit_record["KurumHiyerarsik"],
                    "Aktifmi": unit_record["Aktifmi"],
                }
            )
    return result(False, rows)


@operation("AnaKurumlarButceTurleriGetirWs")
def budget_types(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    profiles = identifiers.budget_profiles(session, today())
    numbers = tree.numbers_of(session, [p.organization_id for p in profiles])
    kinds = list(identifiers.BUDGET_TYPE_NAMES)
    units = {r["DETSISNo"]: r for r in _units(session, sorted(set(numbers.values())))}
    rows = []
    for profile in profiles:
        unit_record = units[int(numbers[profile.organization_id])]
        rows.append(
            {
                "DETSISNo": unit_record["DETSISNo"],
                "Ad": unit_record["Ad"],
                "ParentIdareKimlikKodu": unit_record["ParentIdareKimlikKodu"],
                "AnaKurumIdareKimlikKodu": unit_record["AnaKurumIdareKimlikKodu"],
                "ParentIdareKimlikKodu2": 0,
                "ButceTuruID": kinds.index(profile.budget_type) + 1,
                "ButceTuru": identifiers.BUDGET_TYPE_NAMES[profile.budget_type],
                "Fk_TuzelKisilikID": 1 if profile.legal_entity else 2,
                "TuzelKisilik": "Tüzel kişiliği var"
                if profile.legal_entity
                else "Tüzel kişiliği yok",
            }
        )
    return result(False, rows)


@operation("KurumEypVersiyonuGetir")
def eyp_version(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    number = _number(params["DetsisIDs"], "DetsisIDs")
    found = e_correspondence.eyp_version_of(session, number, today())
    return result(False, [{"Versiyon": found["package_version"]}])


def _post_row(session: Session, unit_record: dict[str, Any], post: ManagerPost) -> dict[str, Any]:
    """One management post as ``IyemYoneticiObj``. No birth date, age or national id is kept,
    so ``DogumTarihi`` is nil and ``Yasi`` 0."""
    view = managers.view(session, post)
    return {
        "ID": unit_record["DETSISNo"],
        "Ad": unit_record["Ad"],
        "KurumHiyerarsik": unit_record["KurumHiyerarsik"],
        "ParentIdareKimlikKodu": str(unit_record["ParentIdareKimlikKodu"]),
        "UnvanAdi": view["title"],
        "YoneticiKodu": int(view["id"]),
        "YoneticiAdiSoyadi": view["name"],
        "DogumTarihi": None,
        "Yasi": 0,
        "HukukiDayanak": view["legal_basis"],
        "GorevTuru": view["appointment"],
        "GorevBaslamaTarihi": view["since"],
        "GorevBitisTarihi": view["until"],
        "Aktifmi": view["until"] is None or view["until"] >= today(),
    }


@operation("IYEMKurumYoneticisiGetirWs")
def unit_manager(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Who held the unit's post on a date (nil: today)."""
    number = _number(params["KurumID"], "KurumID")
    on = params["Tarih"].date() if params["Tarih"] else today()
    unit_record = _units(session, [number])[0]
    posts = managers.managers_on(session, number, on)
    return result(False, [_post_row(session, unit_record, post) for post in posts])


@operation("IYEMTumYoneticileriGetirWs")
def all_managers(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The registered signatories of the unit's subtree (README §10), as ``/ebys/signatories``
    gives them today: the unit first, then the units below it in their number order, each
    unit's in page order. ``Ad`` is the signatory's unit, ``UnvanAdi`` the title, ``GorevTuru``
    the delegation ("Bakan a."); ``YoneticiKodu`` 0 (no manager code is kept, as in
    ``eYazismaPaketi``), no birth date or age; a signatory naming a vacant manager post has
    ``Aktifmi`` false."""
    number = _number(params["KurumID"], "KurumID")
    _units(session, [number])
    org_id = tree.organization_id(session, number)
    signing = session.scalars(
        select(Signatory.organization_id)
        .where(
            Signatory.organization_id.in_(tree.subtree_select(org_id, today())),
            Signatory.status == RecordStatus.ACTIVE,
        )
        .distinct()
    ).all()
    numbers = tree.numbers_of(session, signing)
    ordered = sorted(signing, key=lambda i: (i != org_id, numbers[i]))
    found = {r["DETSISNo"]: r for r in _units(session, [numbers[i] for i in ordered])}
    rows = []
    for unit_id in ordered:
        unit_record = found[int(numbers[unit_id])]
        for signer in ebys_answers.signatories(session, numbers[unit_id])["signatories"]:
            full_name = " ".join(part for part in (signer["name"], signer["surname"]) if part)
            rows.append(
                {
                    "ID": unit_record["DETSISNo"],
                    "Ad": unit_record["Ad"],
                    "KurumHiyerarsik": unit_record["KurumHiyerarsik"],
                    "ParentIdareKimlikKodu": str(unit_record["ParentIdareKimlikKodu"]),
                    "UnvanAdi": signer["title"],
                    "YoneticiKodu": 0,
                    "YoneticiAdiSoyadi": full_name or None,
                    "DogumTarihi": None,
                    "Yasi": 0,
                    "GorevTuru": signer["delegation"],
                    "GorevBaslamaTarihi": None,
                    "GorevBitisTarihi": None,
                    "Aktifmi": not signer.get("vacant", False),
                }
            )
    return result(False, rows)


@operation("IYEMYoneticiIDdenGorevListesiGetirWs")
def posts_of_manager(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Every post of the person who holds the post with this manager code (``YoneticiKodu``):
    the person is found by the post, never by a national id."""
    code = params["YoneticiID"]
    post = session.scalar(
        select(ManagerPost).where(ManagerPost.key == str(code), ManagerPost.valid_to.is_(None))
    )
    if post is None:
        return refusal(f"{code} kodlu yönetici görevi yok / no manager post with this code.")
    posts = managers.posts_of_person(session, post.person_key)
    numbers = tree.numbers_of(session, {p.organization_id for p in posts})
    found = {r["DETSISNo"]: r for r in _units(session, sorted(set(numbers.values())))}
    rows = [_post_row(session, found[int(numbers[p.organization_id])], p) for p in posts]
    return result(False, rows)


@operation("IYEMTCdenGorevListesiGetirWs")
def by_national_id(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Refused on purpose: the registry keeps no national id and answers no lookup by one."""
    return refusal(
        "Kimlik numarasıyla yönetici sorgusu yapılmaz; kayıt kimlik numarası tutmaz / managers "
        "are not looked up by national id: the registry keeps none."
    )


# -- certificate owners --


@operation("SertifikaSahiplikleriniGetir")
def certificate_owners(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Which unit of the caller's institution uses which unit's certificate, for the units
    whose own certificate, or whose owner's, changed in the registry since the moment
    (``/ebys/certificate-owners``); 0 when no unit up the tree has one."""
    changed = {
        c["detsis_no"] for c in e_correspondence.certificates_changed_since(session, _aware(params))
    }
    rows = [
        {
            "KurumBirimId": int(row["detsis_no"]),
            "SertifikaSahibiKurumId": int(row["certificate_owner"] or 0),
        }
        for row in e_correspondence.certificate_owners(session, caller.detsis_no, today())
        if row["detsis_no"] in changed or row["certificate_owner"] in changed
    ]
    return result(False, rows)


# -- services --


@operation("GetHizmetListesi")
def services_of(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The services of the unit and the units below it (``/services?organization=``), with
    the path of the unit that provides each."""
    number = _number(params["DetsisId"], "DetsisId")
    _units(session, [number])
    owners = tree.subtree_select(tree.organization_id(session, number), today())
    found = list(
        session.scalars(services.list_services(services.ServiceFilter(organization_ids=owners)))
    )
    numbers = tree.numbers_of(session, {s.organization_id for s in found})
    paths = {
        r["DETSISNo"]: r["KurumHiyerarsik"] for r in _units(session, sorted(set(numbers.values())))
    }
    rows = [
        {
            "HizmetAd": s.name,
            "HizmetId": s.code,
            "KurumHiyerarsik": paths[int(numbers[s.organization_id])],
        }
        for s in found
    ]
    return result(False, rows)


# -- documents and legislation of an institution's services --


def _subtree(session: Session, number: str) -> Select[tuple[int]]:
    """The unit (open today, else refused) and the units below it, as a query of their ids."""
    _units(session, [number])
    return tree.subtree_select(tree.organization_id(session, number), today())


def _services_select(subtree: Select[tuple[int]]) -> Select[int]:
    """The ids of the open services of those units (as ``GetHizmetListesi`` lists them)."""
    return select(Service.id).where(
        Service.organization_id.in_(subtree), Service.status == RecordStatus.ACTIVE
    )


def document_id(code: str) -> int:
    """``BelgeBeyanID``: the number of the document's code (``BLG-000042`` → 42). The code is
    given once and never changes (``catalogue/codes.py``), survives a dump and a restore (a
    row id need not), and reads back as ``BLG-{id:06d}``, so a client meets one id per document
    whichever list it comes from."""
    prefix, _, sequence = code.partition("-")
    if prefix != DOCUMENT_PREFIX or not sequence.isdigit():
        raise ValueError(f"not a document code: {code!r}")
    return int(sequence)


@operation("GetBelgeListesi")
def documents_of(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The documents the services of the unit's subtree ask for or issue (README §10), one row
    per document in code order: ``BelgeTur`` its kind (``İstenen`` asked of the citizen,
    ``Verilen`` issued by an institution or a service: REST ``kind``), ``Istenenmi`` whether
    these services ask for it (``Evet``/``Hayır``)."""
    number = _number(params["DetsisId"], "DetsisId")
    roles: dict[int, set[str]] = {}
    for document_id_, role in session.execute(
        select(ServiceDocument.document_id, ServiceDocument.role).where(
            ServiceDocument.service_id.in_(_services_select(_subtree(session, number)))
        )
    ):
        roles.setdefault(document_id_, set()).add(role)
    if not roles:
        return result(False, [])
    found = session.scalars(
        select(Document)
        .where(Document.id.in_(list(roles)), Document.status == RecordStatus.ACTIVE)
        .order_by(Document.code)
    ).all()
    rows = [
        {
            "BelgeBeyanID": document_id(view["code"]),
            "BelgeBeyanAdi": view["name"],
            "BelgeTur": DOCUMENT_KINDS[view["kind"]],
            "Istenenmi": "Evet" if DocumentRole.REQUIRED in roles[document.id] else "Hayır",
        }
        for document, view in zip(found, documents.document_views(session, found), strict=True)
    ]
    return result(False, rows)


def _act_row(act: Legislation) -> dict[str, Any]:
    return {
        "MevzuatId": act.id,
        "TurId": act.type_code,
        "Sayi": act.number,
        "Ad": act.title,
        "RGSayi": str(act.gazette_issue) if act.gazette_issue is not None else None,
        "RGTarih": act.gazette_date,  # none (an internal act): .NET's DateTime.MinValue
        "Tur": LEGISLATION_TYPES.get(act.type_code),
    }


@operation("GetMevzuatListesi")
def legislation_of(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The acts the services of the unit's subtree cite, and those the unit or a unit below it
    issued (README §10), in the order of the REST list (type, title); ``MevzuatId`` is the act's
    id (``/legislation/{id}``)."""
    number = _number(params["DetsisId"], "DetsisId")
    subtree = _subtree(session, number)
    cited = select(ServiceLegalBasis.legislation_id).where(
        ServiceLegalBasis.service_id.in_(_services_select(subtree))
    )
    acts = session.scalars(
        select(Legislation)
        .where(Legislation.id.in_(cited) | Legislation.issuer_id.in_(subtree))
        .order_by(Legislation.type_code, Legislation.sort_key, Legislation.id)
    )
    return result(False, [_act_row(act) for act in acts])


@operation("MevzuatSorgula")
def search_legislation(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Acts by title words and/or number, as ``/legislation?q=&number=``: the words matched
    Turkish- and accent-insensitively (``istanbul`` finds ``İstanbul``), the number exactly. At
    least one is needed (a title of at least ``MIN_QUERY`` letters); more than ``MAX_SEARCH``
    matches is refused, to be narrowed. ``MevzuatTarihi`` is the Gazette date, else the
    adoption date, as ``dd.mm.yyyy``."""
    title = (params["MevzuatAdi"] or "").strip()
    act_number = (params["MevzuatSayisi"] or "").strip()
    if not title and not act_number:
        raise InvalidInput(
            "Mevzuat adı ya da sayısı gerekli / a title or a number is needed.",
            errors={"MevzuatAdi": ["required without MevzuatSayisi"]},
        )
    if title and len(title) < MIN_QUERY:
        raise InvalidInput(
            f"Ad en az {MIN_QUERY} harf olmalı / the title needs at least {MIN_QUERY} letters.",
            errors={"MevzuatAdi": [f"at least {MIN_QUERY} letters"]},
        )
    stmt = reading.list_acts(reading.ActFilter(number=act_number or None, q=title or None))
    acts = session.scalars(stmt.limit(MAX_SEARCH + 1)).all()
    if len(acts) > MAX_SEARCH:
        raise InvalidInput(
            f"{MAX_SEARCH}'den çok mevzuat bulundu; aramayı daraltın / more than {MAX_SEARCH} "
            "acts match: narrow the query.",
            errors={"MevzuatAdi": [f"more than {MAX_SEARCH} acts"]},
        )
    rows = []
    for act in acts:
        on = act.gazette_date or act.adopted_on
        rows.append(
            {
                "MevzuatAdi": act.title,
                "MevzuatSayisi": act.number,
                "MevzuatTarihi": on.strftime("%d.%m.%Y") if on else None,
            }
        )
    return result(False, rows)


# -- e-Yazışma package versions changed --


@operation("EypGuncellenenleriGetir")
def eyp_changed(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """The request carries no moment, so "changed" is fixed as: the units whose own package
    version was recorded (set, changed or removed) in the registry in the last
    ``EYP_CHANGED_DAYS`` days, as ``/ebys/eyp-versions?since=`` answers it; one
    ``YeniEYazismaVersiyonListe`` holding their numbers in order, none when nothing changed. A
    client asking daily or weekly misses nothing; ``KurumEypVersiyonuGetir`` gives each version
    (units below them inherit it)."""
    since = datetime.now(UTC) - timedelta(days=EYP_CHANGED_DAYS)
    changed = sorted(
        {int(row["detsis_no"]) for row in e_correspondence.eyp_changed_since(session, since)}
    )
    return result(False, [{"DetsisIds": changed}] if changed else [])
