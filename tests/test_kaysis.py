"""The KAYSİS SOAP service as a real client sees it: zeep, generated from the national WSDL
(``../shared/kaysis/DETSISServis.wsdl``), calls the registry over SOAP 1.1 and 1.2 on the sample
dataset, on SQLite and PostgreSQL, and every value is checked against the REST answer."""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
import zeep
from cryptography import x509
from cryptography.hazmat.primitives.serialization import Encoding
from flask.testing import FlaskClient
from lxml import etree
from requests.structures import CaseInsensitiveDict
from zeep.transports import Transport

from registry.app import create_app
from registry.demo import load_demo
from registry.kaysis.contract import NAMESPACE, OPERATIONS
from registry.kaysis.operations import HANDLERS, NOT_IMPLEMENTED
from registry.kernel import migrate
from registry.kernel.db import get_db
from tests.factories import make_user
from tests.postgres import ThrowawayPostgres

SHARED_WSDL = Path(__file__).resolve().parents[2] / "shared" / "kaysis" / "DETSISServis.wsdl"
ADDRESS = "http://localhost/DETSISServis.asmx"
BINDINGS = {"1.1": f"{{{NAMESPACE}}}BBDETSISWS", "1.2": f"{{{NAMESPACE}}}BBDETSISWS1"}
_names = itertools.count(1)


class FlaskTransport(Transport):  # type: ignore[misc]  # zeep ships no type information
    """zeep's HTTP transport, over the Flask test client: the real request, in process."""

    def __init__(self, client: FlaskClient) -> None:
        super().__init__()
        self.client = client
        self.sent: list[tuple[dict[str, str], bytes]] = []
        self.answers: list[Any] = []

    def post(self, address: str, message: bytes, headers: dict[str, str]) -> requests.Response:
        self.sent.append((dict(headers), message))
        answer = self.client.post(address, data=message, headers=headers)
        self.answers.append(answer)
        response = requests.Response()
        response.status_code = answer.status_code
        response.headers = CaseInsensitiveDict(dict(answer.headers))
        response._content = answer.get_data()
        response.encoding = "utf-8"
        response.url = address
        return response


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    """The sample dataset and an EBYS account of Göç İdaresi Başkanlığı, once per backend."""
    folder = tmp_path_factory.mktemp("kaysis")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'registry.db'}"
    else:
        server: ThrowawayPostgres = request.getfixturevalue("postgres")
        name = f"kaysis_{next(_names)}_{abs(hash(folder)) % 10**6}"
        url = server.create_database(name, template="registry_template")
    app = create_app({"DATABASE_URL": url, "INDEX_DIR": str(folder / "index"), "TESTING": True})
    if request.param == "sqlite":
        migrate.upgrade(get_db(app).engine)
    client = app.test_client()
    with app.app_context(), get_db(app).transaction() as session:
        load_demo(session)
    goc = client.get("/api/v1/organizations", query_string={"q": "Göç İdaresi Başkanlığı"})
    number = goc.json[0]["detsis_no"]
    with app.app_context(), get_db(app).transaction() as session:
        _, token = make_user(session, name="goc-ebys", role="ebys", organization=number)
    yield {"app": app, "number": number, "token": token}
    get_db(app).dispose()
    if request.param == "postgresql":
        request.getfixturevalue("postgres").drop_database(name)


@pytest.fixture
def transport(world: dict[str, Any]) -> FlaskTransport:
    return FlaskTransport(world["app"].test_client())


@pytest.fixture(scope="module")
def national_wsdl() -> zeep.Client:
    """zeep's reading of the national WSDL, once (it is 120 kB of types)."""
    return zeep.Client(str(SHARED_WSDL))


class Ebys:
    """A generated client, as an EBYS holds one: the national WSDL, our address, one header."""

    def __init__(
        self, wsdl: zeep.Client, transport: FlaskTransport, version: str, header: dict[str, Any]
    ) -> None:
        wsdl.transport = transport
        self.transport = transport
        self.service = wsdl.create_service(BINDINGS[version], ADDRESS)
        self.header = {"BbServiceAuthentication": header}

    def __call__(self, operation: str, **params: Any) -> Any:
        return getattr(self.service, operation)(**params, _soapheaders=self.header)


@pytest.fixture(params=["1.1", "1.2"])
def ebys(
    request: pytest.FixtureRequest,
    world: dict[str, Any],
    transport: FlaskTransport,
    national_wsdl: zeep.Client,
) -> Ebys:
    header = {"KurumID": world["number"], "Password": world["token"]}
    return Ebys(national_wsdl, transport, request.param, header)


def rest(world: dict[str, Any], path: str, **query: Any) -> Any:
    answer = world["app"].test_client().get(f"/api/v1/{path}", query_string=query)
    assert answer.status_code == 200, answer.json
    return answer.json


def items(result: Any, name: str) -> list[Any]:
    assert result.SonucHatali is False, result.HataMsj
    return list(getattr(result.Sonuclar, name)) if result.Sonuclar is not None else []


def der(pem: str) -> bytes:
    return x509.load_pem_x509_certificate(pem.encode()).public_bytes(Encoding.DER)


ISTANBUL = "İstanbul İl Göç İdaresi Müdürlüğü"


def _istanbul(world: dict[str, Any]) -> str:
    return str(rest(world, "organizations", q=ISTANBUL)[0]["detsis_no"])


# -- the contract --


def _summary(root: Any) -> tuple[Any, ...]:
    """What a generated client depends on: types (element names, types, occurrence, nil),
    messages, port type, bindings with their actions and header, service and ports."""
    xs, wsdl_ns = "{http://www.w3.org/2001/XMLSchema}", "{http://schemas.xmlsoap.org/wsdl/}"
    schema = root.find(f".//{xs}schema")
    types = {}
    for node in schema:
        if not isinstance(node.tag, str):
            continue
        extension = node.find(f".//{xs}extension")
        types[(node.tag, node.get("name"))] = (
            node.get("type"),
            node.get("abstract"),
            extension.get("base") if extension is not None else None,
            node.find(f".//{xs}anyAttribute") is not None,
            [
                (
                    e.get("name"),
                    e.get("type"),
                    e.get("minOccurs", "1"),
                    e.get("maxOccurs", "1"),
                    e.get("nillable", "false"),
                )
                for e in node.iter(f"{xs}element")
                if e is not node
            ],
        )
    messages = {
        m.get("name"): [(p.get("name"), p.get("element")) for p in m]
        for m in root.iter(f"{wsdl_ns}message")
    }
    port_types = {
        p.get("name"): sorted(
            (
                o.get("name"),
                o.find(f"{wsdl_ns}input").get("message"),
                o.find(f"{wsdl_ns}output").get("message"),
            )
            for o in p.findall(f"{wsdl_ns}operation")
        )
        for p in root.iter(f"{wsdl_ns}portType")
    }
    bindings = {
        b.get("name"): sorted(
            (
                o.get("name"),
                [
                    (x.tag, sorted(x.attrib.items()))
                    for x in o.iter()
                    if x is not o and not x.tag.startswith(wsdl_ns)
                ],
            )
            for o in b.findall(f"{wsdl_ns}operation")
        )
        for b in root.iter(f"{wsdl_ns}binding")
    }
    services = {
        s.get("name"): sorted(
            (p.get("name"), p.get("binding")) for p in s.findall(f"{wsdl_ns}port")
        )
        for s in root.iter(f"{wsdl_ns}service")
    }
    return types, messages, port_types, bindings, services


@pytest.mark.parametrize("query", ["wsdl", "WSDL"])
def test_our_wsdl_has_the_national_names_types_and_actions(
    world: dict[str, Any], query: str
) -> None:
    """Same types, messages, operations, actions, header, bindings, ports; our own address,
    as the proxy says the client reached us."""
    answer = (
        world["app"]
        .test_client()
        .get(
            f"/DETSISServis.asmx?{query}",
            headers={"X-Forwarded-Host": "detsis.example.gov.tr", "X-Forwarded-Proto": "https"},
        )
    )
    assert answer.status_code == 200 and answer.mimetype == "text/xml"
    ours = etree.fromstring(answer.data)
    national = etree.parse(str(SHARED_WSDL)).getroot()
    assert _summary(ours) == _summary(national)
    locations = [a.get("location") for a in ours.iter() if a.tag.endswith("}address")]
    assert locations == ["https://detsis.example.gov.tr/DETSISServis.asmx"] * 2
    assert b"bbws.kaysis.gov.tr" not in answer.data
    # a generated client reads it, with all 36 operations on both ports
    client = zeep.Client(io.BytesIO(answer.data))
    for port in ("BBDETSISWS", "BBDETSISWS1"):
        found = client.wsdl.services["DETSISServis"].ports[port].binding._operations
        assert sorted(found) == sorted(op.name for op in OPERATIONS)


def test_every_operation_is_answered_or_says_it_is_not() -> None:
    assert set(HANDLERS) | set(NOT_IMPLEMENTED) == {op.name for op in OPERATIONS}
    assert not set(HANDLERS) & set(NOT_IMPLEMENTED)


# -- the operations, over SOAP 1.1 and 1.2, against the REST answers --


def test_a_unit_its_hierarchy_and_children(ebys: Ebys, world: dict[str, Any]) -> None:
    number = _istanbul(world)
    unit = rest(world, f"organizations/{number}")
    (found,) = items(ebys("DETSISNoKurumBirimWs", DETSISNo=int(number)), "KurumBirimWS")
    assert found.Ad == unit["name"]
    assert found.ParentIdareKimlikKodu == int(unit["parent"])
    assert found.AnaKurumIdareKimlikKodu == int(unit["institution"])
    assert found.KurumHiyerarsik.split(">") == [p["name"] for p in unit["path"]]
    assert found.Fk_BulunduguYerID == rest(world, f"organizations/{number}/place")["place_id"]
    assert found.Seviye == len(unit["path"]) and found.FaalOlupOlmadigi is True
    assert found.DisYazismaMuhatabiOlupOlmadigi is unit["corresponds_externally"]
    assert found.Adres == unit["contact"]["address"]
    chain = items(ebys("HiyerarsiGetirKurumBirimWs", DETSISNo=int(number)), "KurumBirimWS")
    assert [u.DETSISNo for u in chain] == [int(p["detsis_no"]) for p in reversed(unit["path"])]
    assert chain[0].KurumHiyerarsik == found.KurumHiyerarsik  # the C# client reads the first
    below = items(
        ebys("AltKurulusBirimleriListele", arananKurum=int(world["number"])), "KurumBirimWS"
    )
    children = rest(world, f"organizations/{world['number']}/children", page_size=500)
    listed = children["items"] if isinstance(children, dict) else children
    assert sorted(u.DETSISNo for u in below) == sorted(int(c["detsis_no"]) for c in listed)


def test_name_and_detail_searches(ebys: Ebys, world: dict[str, Any]) -> None:
    found = items(
        ebys("AdaGoreKurumBirimSorgulaWs", ad="istanbul il göç", anaKurumIdareKimlikKodu=0),
        "KurumBirimWS",
    )
    assert int(_istanbul(world)) in [u.DETSISNo for u in found]
    other = ebys("AdaGoreKurumBirimSorgulaWs", ad="istanbul il göç", anaKurumIdareKimlikKodu=1)
    assert items(other, "KurumBirimWS") == []
    in_34 = items(
        ebys(
            "DetayBilgilereGoreSorgulaKurumBirimWs", yerKodu=0, kategoriID=0, statuID=0, IlKodu=34
        ),
        "KurumBirimWS",
    )
    assert in_34 and all(
        u.Fk_BulunduguYerID // 1000 in (0, 34) or u.Fk_BulunduguYerID == 34 for u in in_34
    )
    short = ebys("AdaGoreKurumBirimSorgulaWs", ad="ab", anaKurumIdareKimlikKodu=0)
    assert short.SonucHatali is True and "harf" in short.HataMsj


def test_e_yazisma_paketi_is_the_rest_correspondence(ebys: Ebys, world: dict[str, Any]) -> None:
    sender, recipient = _istanbul(world), world["number"]
    letter = rest(world, "ebys/correspondence", **{"from": sender, "to": recipient})
    result = ebys(
        "eYazismaPaketi", gonderenDetsisID=int(sender), muhatapDetsisIDs={"int": [int(recipient)]}
    )
    assert result.SonucHatali is False, result.HataMsj
    package = result.Sonuclar
    assert package.Antet == "\n".join(letter["letterhead"])
    assert package.ArzRica == letter["courtesy"]
    assert package.RYSayiDetsisNo == sender
    assert package.GonderenTelefonNumarasi == letter["sender_contact"]["phone"]
    assert package.GonderenEPostaAdresi == letter["sender_contact"]["email"]
    assert package.GonderenAdresi == letter["sender_contact"]["address"]
    (muhatap,) = package.MuhatapBilgi.eYazismaMuhatapBilgileri
    (expected,) = letter["recipients"]
    assert muhatap.KurumID == int(recipient)
    assert muhatap.MuhatapAd == package.MuhatapAd == "\n".join(expected["addressee"])
    assert muhatap.MuhatapKepAdresi == next(
        k["address"] for k in expected["kep_addresses"] if k["active"]
    )
    assert muhatap.MuhatapSifrelemeSertifikasi == der(expected["certificate"]["pem"])
    assert muhatap.MuhatapAdresi == rest(world, f"ebys/contact/{recipient}")["address"]
    signatories = package.ImzaYetkilileri.EyazismaImzaYetkilisi if package.ImzaYetkilileri else []
    assert [(s.YoneticiAd, s.YoneticiSoyad, s.Unvan) for s in signatories] == [
        (s["name"], s["surname"], s["title"]) for s in letter["signatories"]
    ]
    two = ebys(
        "eYazismaPaketi",
        gonderenDetsisID=int(recipient),
        muhatapDetsisIDs={
            "int": [int(sender), int(rest(world, f"organizations/{recipient}")["parent"])]
        },
    )
    assert two.SonucHatali is False and two.Sonuclar.MuhatapAd == "DAĞITIM YERLERİNE"
    assert two.Sonuclar.DagitimListesi.startswith("Dağıtım:")
    twice = ebys(
        "eYazismaPaketi",
        gonderenDetsisID=int(sender),
        muhatapDetsisIDs={"int": [int(recipient)] * 2},
    )
    assert twice.SonucHatali is True and "iki kez" in twice.HataMsj


def test_kep_and_certificates(ebys: Ebys, world: dict[str, Any]) -> None:
    number = _istanbul(world)
    kep = rest(world, f"ebys/kep/{number}")["kep_addresses"]
    rows = items(ebys("KEPAdresleriniGetir", DetsisIDs={"int": [int(number)]}), "KepBilgileriWs")
    assert rows[0].KepAdresi == next(k["address"] for k in kep if k["active"])
    assert {r.KurumDetsisNo for r in rows} == {int(number)}
    own = rest(world, f"ebys/kep/{world['number']}")["kep_addresses"][0]["address"]
    active = items(ebys("AktifKEPAdresleriniGetir"), "KepBilgileriWs")
    assert (int(world["number"]), own) in {(r.KurumDetsisNo, r.KepAdresi) for r in active}
    assert int(number) not in {r.KurumDetsisNo for r in active}  # only units' own addresses
    checked = ebys("KEPAdresiKontrolEt", KepAdresi=own)
    assert checked.SonucHatali is False and checked.Sonuclar.KurumDetsisNo == int(world["number"])
    unknown = ebys("KEPAdresiKontrolEt", KepAdresi="yok@hs01.kep.tr")
    assert unknown.SonucHatali is True and unknown.Sonuclar.KurumDetsisNo == 0  # still present
    certificate = rest(world, f"ebys/certificate/{number}")
    (row,) = items(ebys("KurumSertifikaBilgileriniGetir", DetsisIDs=int(number)), "Sertifika")
    assert (
        row.SertifikaDosya == der(certificate["pem"]) and row.Aktifmi is not certificate["expired"]
    )
    since = items(ebys("SertifikalariGetir", baslangicTarihi="2000-01-01T00:00:00"), "Sertifika")
    assert int(world["number"]) in {r.DetsisId for r in since}
    later = ebys("SertifikalariGetir", baslangicTarihi=datetime.now(UTC) + timedelta(days=2))
    assert items(later, "Sertifika") == []


def test_daily_sync(ebys: Ebys, world: dict[str, Any]) -> None:
    """All the caller's units; "changed since" is changed in the registry (README §10)."""
    own = items(ebys("KendiTumBirimleriGetirWs", degisiklikTarihiBaslangic=None), "KurumBirimWS")
    names = rest(world, f"organizations/{world['number']}")["name"]
    assert len(own) > 50 and all(names in u.KurumHiyerarsik.split(">") for u in own)
    assert all(u.KurumHiyerarsik and u.Fk_BulunduguYerID is not None for u in own)
    assert len({u.DETSISNo for u in own}) == len(own)
    since_2000 = ebys("KendiTumBirimleriGetirWs", degisiklikTarihiBaslangic="2000-01-01T00:00:00")
    assert len(items(since_2000, "KurumBirimWS")) == len(own)
    later = datetime.now(UTC) + timedelta(days=2)
    assert (
        items(ebys("KendiTumBirimleriGetirWs", degisiklikTarihiBaslangic=later), "KurumBirimWS")
        == []
    )
    delta = items(ebys("YeniDisYazismaYapanlariGetirWs", pGun=1, pAy=1, pYil=2000), "KurumBirimWS")
    assert len(delta) > len(own) and all(u.DisYazismaMuhatabiOlupOlmadigi for u in delta)
    tomorrow = later.date()
    none = ebys(
        "YeniDisYazismaYapanlariGetirWs", pGun=tomorrow.day, pAy=tomorrow.month, pYil=tomorrow.year
    )
    assert items(none, "KurumBirimWS") == []
    wrong = ebys("YeniDisYazismaYapanlariGetirWs", pGun=31, pAy=2, pYil=2025)
    assert wrong.SonucHatali is True


def test_code_tables_contact_and_reference(ebys: Ebys, world: dict[str, Any]) -> None:
    type1 = items(ebys("TumTip1KodlariGetirWs"), "ResKurumBirimTipleri1")
    assert [(t.ID, t.KurumBirimTipi1) for t in type1] == [
        (c["id"], c["name"]) for c in rest(world, "categories")
    ]
    type2 = items(ebys("TumTip2KodlariGetirWs"), "ResKurumBirimTipleri2")
    expected = rest(world, "unit-types")
    assert [(t.ID, t.KurumBirimTipi2, t.ResmiYaziEklenecekMuhatapBolumu) for t in type2] == [
        (u["id"], u["name"], u["addressee_add"]) for u in expected
    ]
    places = {p.ID: p for p in items(ebys("TumYerKodlariGetirWs"), "ResYerKodlari")}
    assert places[34].YerAdi == "İstanbul" and places[34].YerTipi == "İl"
    (kadikoy,) = rest(world, "places", q="kadikoy")
    assert places[kadikoy["id"]].YerAdi == "Kadıköy"
    assert places[kadikoy["id"]].TelefonAlanKodu == kadikoy["area_code"] == "216"
    number = _istanbul(world)
    contact = rest(world, f"ebys/contact/{number}")
    entries = items(
        ebys("KurumBirimIletisimBilgileriGetirWs", detsisId=number), "IletisimBilgileriWS"
    )
    by_type = {e.IletisimTip: e.Iletisim for e in entries}
    assert by_type.get(4) == contact["phone"] and by_type.get(2) == contact["email"]
    assert by_type.get(1) == contact["web"] and by_type.get(5) == contact["fax"]
    plan = items(
        ebys("KurumSDPKodlariGetirWs", IdariKimlikKodu=int(world["number"])), "KodlarWsObj"
    )
    rest_plan = rest(world, "file-plan", organization=world["number"], page_size=500)
    codes = rest_plan["items"] if isinstance(rest_plan, dict) else rest_plan
    assert [p.Kod for p in plan] == [c["code"] for c in codes]
    eyp = items(ebys("KurumEypVersiyonuGetir", DetsisIDs=int(number)), "ElektronikYazismaVersiyon")
    assert eyp[0].Versiyon == rest(world, f"organizations/{number}/eyp-version")["package_version"]
    uets = rest(world, f"organizations/{world['number']}/identifiers")["uets"]
    notice = items(
        ebys("TebligatNumarasiGetir", DetsisId=int(world["number"])), "TebligatNumarasiWs"
    )
    assert [n.TebligatNo for n in notice] == [uets]
    posts = items(
        ebys("IYEMKurumYoneticisiGetirWs", KurumID=int(world["number"]), Tarih=None),
        "IyemYoneticiObj",
    )
    managers = rest(world, f"organizations/{world['number']}/managers")["managers"]
    assert [p.YoneticiAdiSoyadi for p in posts] == [m["name"] for m in managers]
    assert all(p.DogumTarihi is None and p.Yasi == 0 for p in posts)  # never published
    refused = ebys("IYEMTCdenGorevListesiGetirWs", TCKimlikNo="10000000146")
    assert refused.SonucHatali is True


def test_certificate_owners_managers_and_services(ebys: Ebys, world: dict[str, Any]) -> None:
    owners = rest(world, "ebys/certificate-owners", organization=world["number"])
    rows = items(
        ebys("SertifikaSahiplikleriniGetir", baslangicTarihi="2000-01-01T00:00:00"),
        "EYazismaSertifikaSahipligi",
    )
    expected = [(int(o["detsis_no"]), int(o["certificate_owner"] or 0)) for o in owners]
    assert rows and [(r.KurumBirimId, r.SertifikaSahibiKurumId) for r in rows] == expected
    later = datetime.now(UTC) + timedelta(days=2)
    assert items(ebys("SertifikaSahiplikleriniGetir", baslangicTarihi=later), "X") == []
    number = int(world["number"])
    posts = items(ebys("IYEMTumYoneticileriGetirWs", KurumID=number), "IyemYoneticiObj")
    held = rest(world, f"organizations/{number}/managers")["managers"]
    assert posts and [p.YoneticiAdiSoyadi for p in posts][: len(held)] == [m["name"] for m in held]
    for post in posts:
        (current,) = rest(world, f"organizations/{post.ID}/managers")["managers"]
        assert (post.YoneticiKodu, post.UnvanAdi) == (int(current["id"]), current["title"])
        assert post.DogumTarihi is None and post.Yasi == 0
    first = held[0]
    mine = items(
        ebys("IYEMYoneticiIDdenGorevListesiGetirWs", YoneticiID=int(first["id"])),
        "IyemYoneticiObj",
    )
    assert int(first["id"]) in {p.YoneticiKodu for p in mine}
    assert {p.YoneticiAdiSoyadi for p in mine} == {first["name"]}
    unknown = ebys("IYEMYoneticiIDdenGorevListesiGetirWs", YoneticiID=999_999_999)
    assert unknown.SonucHatali is True and unknown.HataMsj
    answer = rest(world, "services", organization=world["number"], page_size=500)
    expected_services = answer["items"] if isinstance(answer, dict) else answer
    services = items(ebys("GetHizmetListesi", DetsisId=number), "GetHizmetListesiWs")
    assert services and [(s.HizmetId, s.HizmetAd) for s in services] == [
        (s["code"], s["name"]) for s in expected_services
    ]
    for service, source in zip(services, expected_services, strict=True):
        path = rest(world, f"organizations/{source['organization']}")["path"]
        assert service.KurumHiyerarsik.split(">")[-1].strip() == path[-1]["name"]


def test_refusals_are_answers_with_a_turkish_message(
    world: dict[str, Any], transport: FlaskTransport, national_wsdl: zeep.Client
) -> None:
    number, token = world["number"], world["token"]
    for header, why in [
        ({"KurumID": number, "Password": "kys_wrong"}, "hatalı"),
        ({"KurumID": _istanbul(world), "Password": token}, "hatalı"),
        ({"KurumID": number}, "eksik"),
    ]:
        for version in BINDINGS:
            answer = Ebys(national_wsdl, transport, version, header)(
                "DETSISNoKurumBirimWs", DETSISNo=int(number)
            )
            assert answer.SonucHatali is True and why in answer.HataMsj
            assert answer.Sonuclar is None
    client = Ebys(national_wsdl, transport, "1.1", {"KurumID": number, "Password": token})
    unknown = client("DETSISNoKurumBirimWs", DETSISNo=12345678)
    assert unknown.SonucHatali is True and "yok" in unknown.HataMsj
    with pytest.raises(zeep.exceptions.Fault, match="henüz"):
        client("GetBelgeListesi", DetsisId=int(number))
    assert transport.answers[-1].status_code == 400


# -- on the wire: content types, raw envelopes, malformed ones --

SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12 = "http://www.w3.org/2003/05/soap-envelope"


def envelope(namespace: str, body: str, header: str = "") -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><s:Envelope xmlns:s="{namespace}" '
        f'xmlns:k="http://kaysis.gov.tr/"><s:Header>{header}</s:Header><s:Body>{body}</s:Body>'
        "</s:Envelope>"
    ).encode()


def _auth(world: dict[str, Any]) -> str:
    return (
        f"<k:BbServiceAuthentication><k:KurumID>{world['number']}</k:KurumID>"
        f"<k:Password>{world['token']}</k:Password></k:BbServiceAuthentication>"
    )


def test_raw_calls_of_both_versions_and_of_older_clients(world: dict[str, Any]) -> None:
    """SOAP 1.1 answers text/xml (WCF refuses anything else), 1.2 application/soap+xml; a
    client of the older WSDL sends KendiTumBirimleriGetirWs with no parameter."""
    client = world["app"].test_client()
    body = "<k:KendiTumBirimleriGetirWs/>"
    old = client.post(
        "/DETSISServis.asmx",
        data=envelope(SOAP11, body, _auth(world)),
        headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": '"http://kaysis.gov.tr/KendiTumBirimleriGetirWs"',
        },
    )
    assert old.status_code == 200 and old.mimetype == "text/xml", old.data[:500]
    assert old.data.count(b"<KurumBirimWS") > 50 and b"<SonucHatali>false</SonucHatali>" in old.data
    new = client.post(
        "/DETSISServis.asmx",
        data=envelope(SOAP12, "<k:TumTip1KodlariGetirWs/>", _auth(world)),
        headers={
            "Content-Type": 'application/soap+xml; charset=utf-8; action="http://kaysis.gov.tr/TumTip1KodlariGetirWs"'
        },
    )
    assert new.status_code == 200 and new.mimetype == "application/soap+xml"
    assert etree.fromstring(new.data).tag == f"{{{SOAP12}}}Envelope"


MALFORMED: list[tuple[str, bytes]] = [
    ("text/xml", b""),
    ("text/xml", b"not xml at all"),
    ("text/xml", b"<a><b></a>"),
    (
        "text/xml",
        b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
    ),
    (
        "text/xml",
        b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
    ),
    ("text/xml", b"<Envelope/>"),
    ("text/xml", envelope(SOAP11, "")),
    ("text/xml", envelope(SOAP11, "<k:Yok/>")),
    ("text/xml", envelope(SOAP11, "<x:DETSISNoKurumBirimWs xmlns:x='urn:other'/>")),
    (
        "text/xml",
        envelope(
            SOAP11, "<k:DETSISNoKurumBirimWs><k:DETSISNo>abc</k:DETSISNo></k:DETSISNoKurumBirimWs>"
        ),
    ),
    ("text/xml", envelope(SOAP11, "<k:DETSISNoKurumBirimWs/>")),
    (
        "text/xml",
        envelope(
            SOAP11,
            "<k:DETSISNoKurumBirimWs><k:DETSISNo>99999999999</k:DETSISNo></k:DETSISNoKurumBirimWs>",
        ),
    ),
    ("text/xml", envelope(SOAP11, "<k:TumTip1KodlariGetirWs/><k:TumTip2KodlariGetirWs/>")),
    (
        "text/xml",
        envelope(
            SOAP11,
            "<k:KEPAdresleriniGetir><k:DetsisIDs><k:int>x</k:int></k:DetsisIDs></k:KEPAdresleriniGetir>",
        ),
    ),
    (
        "text/xml",
        envelope(
            SOAP11,
            "<k:SertifikalariGetir><k:baslangicTarihi>dün</k:baslangicTarihi></k:SertifikalariGetir>",
        ),
    ),
    (
        "text/xml",
        envelope(SOAP11, "<k:TumTip1KodlariGetirWs><k:Fazla>1</k:Fazla></k:TumTip1KodlariGetirWs>"),
    ),
    ("text/xml", envelope(SOAP12, "<k:TumTip1KodlariGetirWs/>")),  # 1.2 envelope, 1.1 type
    ("application/soap+xml", envelope(SOAP11, "<k:TumTip1KodlariGetirWs/>")),
    (
        'application/soap+xml; action="http://kaysis.gov.tr/Baska"',
        envelope(SOAP12, "<k:TumTip1KodlariGetirWs/>"),
    ),
    ("application/json", b'{"DETSISNo": 1}'),
    (
        "text/xml",
        envelope(
            SOAP11,
            "<k:TumTip1KodlariGetirWs>" + "<a>" * 200 + "</a>" * 200 + "</k:TumTip1KodlariGetirWs>",
        ),
    ),
    ("text/xml", b"\xff\xfe<\x00x\x00"),
    (
        "text/xml",
        envelope(
            SOAP11, "<k:KEPAdresiKontrolEt><k:KepAdresi>\x01</k:KepAdresi></k:KEPAdresiKontrolEt>"
        ),
    ),
]


@pytest.mark.parametrize("case", range(len(MALFORMED)))
def test_malformed_envelopes_get_a_fault_never_html_or_5xx(
    world: dict[str, Any], case: int
) -> None:
    content_type, body = MALFORMED[case]
    answer = (
        world["app"]
        .test_client()
        .post(
            "/DETSISServis.asmx",
            data=body,
            headers={"Content-Type": content_type, "SOAPAction": ""},
        )
    )
    assert 400 <= answer.status_code < 500, answer.data[:300]
    assert answer.mimetype in ("text/xml", "application/soap+xml")
    assert b"<html" not in answer.data.lower()
    fault = etree.fromstring(answer.data)
    assert fault.find(".//{*}Fault") is not None
    assert b"root:" not in answer.data  # no file was read


def test_fuzzed_envelopes_never_give_html_or_5xx(world: dict[str, Any]) -> None:
    """Random cuts, flips and repeats of valid calls: every answer is XML, never 5xx."""
    rng = random.Random(23)
    client = world["app"].test_client()
    seeds = [envelope(SOAP11, f"<k:{op.name}/>", _auth(world)) for op in OPERATIONS[:12]] + [
        envelope(
            SOAP11,
            "<k:eYazismaPaketi><k:gonderenDetsisID>1</k:gonderenDetsisID><k:muhatapDetsisIDs><k:int>2</k:int></k:muhatapDetsisIDs></k:eYazismaPaketi>",
            _auth(world),
        )
    ]
    statuses = []
    for _ in range(300):
        body = bytearray(rng.choice(seeds))
        for _ in range(rng.randint(1, 4)):
            where = rng.randrange(len(body))
            mutation = rng.randrange(3)
            if mutation == 0:
                body[where] = rng.randrange(256)
            elif mutation == 1:
                del body[where : where + rng.randint(1, 20)]
            else:
                body[where:where] = body[where : where + rng.randint(1, 40)]
        content_type = rng.choice(
            ["text/xml; charset=utf-8", "application/soap+xml; charset=utf-8"]
        )
        answer = client.post(
            "/DETSISServis.asmx", data=bytes(body), headers={"Content-Type": content_type}
        )
        statuses.append(answer.status_code)
        assert answer.status_code < 500, answer.data[:300]
        assert answer.mimetype in ("text/xml", "application/soap+xml")
        etree.fromstring(answer.data)  # well-formed
    assert 200 in statuses and 400 in statuses


def test_an_ebys_account_is_made_by_the_cli_and_never_writes(world: dict[str, Any]) -> None:
    runner = world["app"].test_cli_runner()
    made = runner.invoke(
        args=[
            "users",
            "create",
            "--name",
            "Göç EBYS",
            "--role",
            "ebys",
            "--organization",
            world["number"],
        ]
    )
    assert made.exit_code == 0, made.output
    token = made.output.strip().splitlines()[-1]
    without = runner.invoke(args=["users", "create", "--name", "x", "--role", "ebys"])
    assert without.exit_code != 0 and "organization" in without.output
    client = world["app"].test_client()
    headers = {"Authorization": f"Bearer {token}"}
    refused = client.post(
        "/api/v1/change-requests",
        headers=headers,
        json={
            "entity": "organization",
            "action": "update",
            "target": world["number"],
            "data": {"contact": {"phone": "0312 000 00 00"}},
        },
    )
    assert refused.status_code == 403 and "EBYS" in refused.json["detail"]
    assert client.get("/api/v1/change-requests", headers=headers).status_code == 403
