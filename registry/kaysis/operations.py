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
from datetime import UTC, datetime
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import String, cast, select
from sqlalchemy.orm import Session

from registry.catalogue import services
from registry.ebys import answers as ebys_answers
from registry.ebys import e_correspondence, identifiers, managers, officers
from registry.ebys.models import ManagerPost
from registry.ebys.views import Certificate, ContactBlock
from registry.kaysis.answers import joined, refusal, result
from registry.kaysis.auth import Caller
from registry.kaysis.units import changed_since, in_force, records, subtree_records
from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput, NotFound
from registry.kernel.reference import province_name
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.reference import code_tables, dated, file_plan, places
from registry.reference.models import Place

Handler = Callable[[Session, Caller, dict[str, Any]], dict[str, Any]]
MAX_SEARCH = 1000  # a name search or a filtered list answers at most this many units
MIN_QUERY = 3
KEP_PAGE = 5000
# ``IletisimTip`` codes as the C# client reads them (README §6.3).
CONTACT_TYPES = (
    (1, "web", "Web Adresi"),
    (2, "email", "E-Posta"),
    (4, "phone", "Telefon"),
    (5, "fax", "Faks"),
)
PLACE_TYPES = {"province": (1, "İl"), "district": (2, "İlçe"), "country": (3, "Ülke")}

HANDLERS: dict[str, Handler] = {}


def operation(name: str) -> Callable[[Handler], Handler]:
    def register(handler: Handler) -> Handler:
        HANDLERS[name] = handler
        return handler

    return register


@dataclass(frozen=True)
class NotAnswered:
    reason: str


NOT_IMPLEMENTED: dict[str, NotAnswered] = {
    name: NotAnswered(reason)
    for name, reason in (
        ("EypGuncellenenleriGetir", "since when is not in the request"),
        ("GetBelgeListesi", "not built yet"),
        ("GetMevzuatListesi", "not built yet"),
        ("MevzuatSorgula", "not built yet"),
    )
}


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


# -- daily sync --


@operation("KendiTumBirimleriGetirWs")
def own_units(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    since = params["degisiklikTarihiBaslangic"]
    since = since if since is None or since.tzinfo else since.replace(tzinfo=UTC)
    return result(False, subtree_records(session, caller.organization_id, today(), since))


@operation("YeniDisYazismaYapanlariGetirWs")
def new_correspondents(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Units that correspond externally (or closed since) and changed in the registry since
    the given day, across the whole registry: the daily delta."""
    try:
        day = datetime(params["pYil"], params["pAy"], params["pGun"], tzinfo=UTC)
    except (ValueError, OverflowError) as error:
        raise InvalidInput(
            "Geçersiz tarih / invalid day, month or year.", errors={"pGun": [str(error)]}
        ) from error
    stmt = in_force(today()).where(
        changed_since(day),
        (OrganizationVersion.corresponds_externally.is_(True))
        | (OrganizationVersion.status == Status.CLOSED),
    )
    return result(False, records(session, stmt, today(), keyset=True))


def _active_keps(session: Session) -> Iterator[dict[str, Any]]:
    """Read in pages by unit id (no server-side cursor, which a streamed answer could
    outlive), so memory stays bounded whatever the registry's size."""
    last = 0
    while True:
        page = session.execute(
            in_force(today())
            .with_only_columns(
                OrganizationVersion.organization_id,
                Organization.detsis_no,
                OrganizationVersion.kep_addresses,
            )
            .where(
                OrganizationVersion.status == Status.ACTIVE,
                OrganizationVersion.organization_id > last,
            )
            .order_by(OrganizationVersion.organization_id)
            .limit(KEP_PAGE)
        ).all()
        if not page:
            return
        for _, number, entries in page:
            for entry in entries or []:
                if entry.get("active"):
                    yield {
                        "KurumDetsisNo": int(number),
                        "KepAdresi": entry["address"],
                        "Aktifmi": True,
                        "Durum": "Aktif",
                    }
        last = page[-1][0]


@operation("AktifKEPAdresleriniGetir")
def active_keps(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """Every unit's own active addresses (never inherited ones: the C# client matches rows to
    units by ``KurumDetsisNo``)."""
    return result(False, _active_keps(session))


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
    """Who holds each post of the unit's subtree today (a vacant post has no row), the unit
    first, then the units below it in their number order."""
    number = _number(params["KurumID"], "KurumID")
    _units(session, [number])
    org_id = tree.organization_id(session, number)
    subtree = tree.subtree_select(org_id, today())
    org_ids = list(session.scalars(select(Organization.id).where(Organization.id.in_(subtree))))
    holders = managers.holders_on(session, org_ids, today())
    numbers = tree.numbers_of(session, list(holders))
    ordered = sorted(holders, key=lambda i: (i != org_id, numbers[i]))
    found = {r["DETSISNo"]: r for r in _units(session, [numbers[i] for i in ordered])}
    rows = [_post_row(session, found[int(numbers[i])], holders[i]) for i in ordered]
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
