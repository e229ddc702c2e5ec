"""The KAYSİS SOAP service as a real client sees it: zeep, generated from the national WSDL
(``../shared/kaysis/DETSISServis.wsdl``), calls the registry over SOAP 1.1 and 1.2 on the sample
dataset, on SQLite and PostgreSQL, and every value is checked against the REST answer."""

from __future__ import annotations

import io
import itertools
import random
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
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

from registry.accounts import service as accounts
from registry.app import create_app
from registry.demo import load_demo
from registry.kaysis import auth as kaysis_auth
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


def test_every_operation_is_answered() -> None:
    assert set(HANDLERS) == {op.name for op in OPERATIONS} and len(HANDLERS) == 36
    assert not NOT_IMPLEMENTED


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
    held = rest(world, f"organizations/{number}/managers")["managers"]
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


def test_signatories_of_a_subtree_are_the_iyem_managers(ebys: Ebys, world: dict[str, Any]) -> None:
    """README §10: ``IYEMTumYoneticileriGetirWs`` = the registered signatories of the unit's
    subtree (``/ebys/signatories`` of each unit), the unit first, then by number."""
    number = int(world["number"])
    posts = items(ebys("IYEMTumYoneticileriGetirWs", KurumID=number), "IyemYoneticiObj")
    own = items(ebys("KendiTumBirimleriGetirWs", degisiklikTarihiBaslangic=None), "KurumBirimWS")
    expected = []
    for unit in sorted(own, key=lambda u: (u.DETSISNo != number, u.DETSISNo)):
        for signer in rest(world, f"ebys/signatories/{unit.DETSISNo}")["signatories"]:
            full = " ".join(p for p in (signer["name"], signer["surname"]) if p)
            expected.append((unit.DETSISNo, unit.Ad, signer["title"], full, signer["delegation"]))
    assert len(expected) >= 2 and expected[0][0] == number
    assert [(p.ID, p.Ad, p.UnvanAdi, p.YoneticiAdiSoyadi, p.GorevTuru) for p in posts] == expected
    paths = {u.DETSISNo: u.KurumHiyerarsik for u in own}
    for post in posts:
        assert post.KurumHiyerarsik == paths[post.ID] and post.YoneticiKodu == 0
        assert post.DogumTarihi is None and post.Yasi == 0 and post.Aktifmi is True


DOCUMENT_KINDS = {"required": "İstenen", "issued": "Verilen"}


def _documents_expected(world: dict[str, Any], number: str) -> list[tuple[Any, ...]]:
    """What ``GetBelgeListesi`` must say, from REST: the documents the subtree's services ask
    for or issue, in code order, with the id read off the code."""
    services = rest(world, "services", organization=number, page_size=500)
    required = {c for s in services for c in s["required_documents"]}
    issued = {c for s in services for c in s["issued_documents"]}
    rows = []
    for code in sorted(required | issued):
        document = rest(world, f"documents/{code}")
        rows.append(
            (
                int(code.removeprefix("BLG-")),
                document["name"],
                DOCUMENT_KINDS[document["kind"]],
                "Evet" if code in required else "Hayır",
            )
        )
    return rows


def test_documents_of_an_institution(ebys: Ebys, world: dict[str, Any]) -> None:
    """``BelgeBeyanID`` is the number of the document's code: ``BLG-{id:06d}`` reads back, and
    a document has the same id in every institution's list."""
    number = world["number"]
    found = items(ebys("GetBelgeListesi", DetsisId=int(number)), "GetBelgeListesiWs")
    rows = [(d.BelgeBeyanID, d.BelgeBeyanAdi, d.BelgeTur, d.Istenenmi) for d in found]
    assert len(rows) > 5 and rows == _documents_expected(world, number)
    assert {"Evet", "Hayır"} == {r[3] for r in rows}
    for row in rows[:3]:
        assert rest(world, f"documents/BLG-{row[0]:06d}")["name"] == row[1]
    parent = rest(world, f"organizations/{number}")["parent"]
    above = items(ebys("GetBelgeListesi", DetsisId=int(parent)), "GetBelgeListesiWs")
    ids_above = {d.BelgeBeyanID: d.BelgeBeyanAdi for d in above}
    assert all(ids_above[r[0]] == r[1] for r in rows)  # the same id, met another way
    assert len(above) >= len(found)


def test_legislation_of_an_institution_and_search(ebys: Ebys, world: dict[str, Any]) -> None:
    """``GetMevzuatListesi``: the acts the subtree's services cite plus those its units issued,
    in the REST list's order; ``MevzuatSorgula`` is ``/legislation?q=&number=``."""
    acts = rest(world, "legislation", page_size=500)
    issuers = {a["issuer"] for a in acts if a["issuer"]}
    parent = rest(world, f"organizations/{world['number']}")["parent"]
    for number in (world["number"], parent, *sorted(issuers)):
        cited = {
            i
            for s in rest(world, "services", organization=number, page_size=500)
            for i in s["legal_basis"]
        }
        below = {
            issuer
            for issuer in issuers
            if number in [p["detsis_no"] for p in rest(world, f"organizations/{issuer}")["path"]]
        }
        expected = [a for a in acts if a["id"] in cited or a["issuer"] in below]
        found = items(ebys("GetMevzuatListesi", DetsisId=int(number)), "GetMevzuatListesiWs")
        assert [
            (m.MevzuatId, m.TurId, m.Tur, m.Sayi, m.Ad, m.RGSayi, m.RGTarih.date()) for m in found
        ] == [
            (
                a["id"],
                a["type"]["code"],
                a["type"]["name"],
                a["number"],
                a["title"],
                str(a["gazette"]["issue"]) if a["gazette"]["issue"] else None,
                date.fromisoformat(a["gazette"]["date"]) if a["gazette"]["date"] else date.min,
            )
            for a in expected
        ], number
    issued = [a for a in acts if a["issuer"]]
    assert issued  # one of the numbers above lists acts only because it issued them

    def search(**params: Any) -> list[tuple[Any, ...]]:
        found = items(ebys("MevzuatSorgula", **params), "MevzuatSorgula")
        return [(m.MevzuatAdi, m.MevzuatSayisi, m.MevzuatTarihi) for m in found]

    def expected_search(**query: Any) -> list[tuple[Any, ...]]:
        rows = []
        for a in rest(world, "legislation", page_size=500, **query):
            on = a["gazette"]["date"] or a["adopted_on"]
            rows.append((a["title"], a["number"], _dotted(on) if on else None))
        return rows

    by_title = search(MevzuatAdi="YUKSEKOGRETIM", MevzuatSayisi=None)
    assert by_title and by_title == expected_search(q="YUKSEKOGRETIM")
    assert any("Yükseköğretim" in title for title, _, _ in by_title)
    law = acts[0]
    by_number = search(MevzuatAdi=None, MevzuatSayisi=law["number"])
    assert (law["title"], law["number"]) in [(t, n) for t, n, _ in by_number]
    assert by_number == expected_search(number=law["number"])
    word = law["title"].split()[0]
    both = search(MevzuatAdi=word, MevzuatSayisi=law["number"])
    assert both == expected_search(q=word, number=law["number"]) and both
    assert search(MevzuatAdi="böyle bir kanun yok", MevzuatSayisi=None) == []
    for params, why in [
        ({"MevzuatAdi": None, "MevzuatSayisi": None}, "gerekli"),
        ({"MevzuatAdi": "  ", "MevzuatSayisi": ""}, "gerekli"),
        ({"MevzuatAdi": "ka", "MevzuatSayisi": None}, "harf"),
    ]:
        refused = ebys("MevzuatSorgula", **params)
        assert refused.SonucHatali is True and why in refused.HataMsj


def _dotted(iso: str) -> str:
    return date.fromisoformat(iso).strftime("%d.%m.%Y")


def test_eyp_versions_changed_in_the_last_30_days(ebys: Ebys, world: dict[str, Any]) -> None:
    """The request has no moment: "changed" = recorded in the registry in the last 30 days
    (the sample data was loaded today, so every institution with a version is listed)."""
    since = (datetime.now(UTC) - timedelta(days=30)).isoformat()
    expected = sorted({int(r["detsis_no"]) for r in rest(world, "ebys/eyp-versions", since=since)})
    answer = ebys("EypGuncellenenleriGetir")
    (listed,) = items(answer, "YeniEYazismaVersiyonListe")
    assert expected and list(listed.DetsisIds.int) == expected


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
    for operation, param in [
        ("GetBelgeListesi", "DetsisId"),
        ("GetMevzuatListesi", "DetsisId"),
        ("IYEMTumYoneticileriGetirWs", "KurumID"),
    ]:
        for wrong, why in [(12345678, "yok"), (5, "DETSİS")]:
            answer = client(operation, **{param: wrong})
            assert answer.SonucHatali is True and why in answer.HataMsj, (operation, wrong)
            assert transport.answers[-1].status_code == 200


def test_a_revoked_token_is_refused_once_its_grant_has_lapsed(
    world: dict[str, Any], transport: FlaskTransport, national_wsdl: zeep.Client
) -> None:
    """A header let in is remembered for ``GRANTED_SECONDS``; a revoked token is refused as
    soon as that has passed (here: at once)."""
    app = world["app"]
    with app.app_context(), get_db(app).transaction() as session:
        user, token = make_user(
            session, name=f"revoked-{next(_names)}", role="ebys", organization=world["number"]
        )
    client = Ebys(national_wsdl, transport, "1.1", {"KurumID": world["number"], "Password": token})
    assert client("TumTip1KodlariGetirWs").SonucHatali is False
    with app.app_context(), get_db(app).transaction() as session:
        assert accounts.revoke(session, user.id) == 1
    assert client("TumTip1KodlariGetirWs").SonucHatali is False  # still within its grant
    kaysis_auth.forget()  # as when GRANTED_SECONDS have passed
    refused = client("TumTip1KodlariGetirWs")
    assert refused.SonucHatali is True and "hatalı" in refused.HataMsj
    assert client("eYazismaPaketi", gonderenDetsisID=int(world["number"])).SonucHatali is True
    assert kaysis_auth.GRANTED_SECONDS <= 10


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


# -- a fuzzing pass: malformed envelopes of every kind, every operation, both versions --

VERSIONS = {
    "1.1": (SOAP11, "text/xml"),
    "1.2": (SOAP12, "application/soap+xml"),
}
VALID = {"int": "55476713", "dateTime": "2000-01-01T00:00:00", "string": "abc"}
WRONG = {
    "int": ["abc", "12.5", "", "99999999999", "1e3", "--1"],
    "dateTime": ["dün", "2025-13-45T00:00:00", "2025-01-01", "", "-0001-01-01T00:00:00"],
}


def _headers(version: str, operation: str | None) -> dict[str, str]:
    action = f"http://kaysis.gov.tr/{operation}" if operation else None
    if version == "1.1":
        return {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{action or ""}"'}
    suffix = f'; action="{action}"' if action else ""
    return {"Content-Type": f"application/soap+xml; charset=utf-8{suffix}"}


def _param(field: Any, value: str | None = None) -> str:
    """One parameter element: a valid value of its type, or ``value``."""
    if field.type == "ArrayOfInt":
        inner = f"<k:int>{VALID['int'] if value is None else value}</k:int>"
    elif field.type == "ArrayOfString":
        inner = f"<k:string>{VALID['string'] if value is None else value}</k:string>"
    else:
        inner = VALID[field.type] if value is None else value
    return f"<k:{field.name}>{inner}</k:{field.name}>"


def _call(operation: Any, wrong: tuple[str, str] | None = None) -> str:
    params = "".join(
        _param(f, wrong[1] if wrong and wrong[0] == f.name else None) for f in operation.params
    )
    return f"<k:{operation.name}>{params}</k:{operation.name}>"


def _wrong_types() -> list[tuple[str, str, str]]:
    cases = []
    for operation in OPERATIONS:
        for field in operation.params:
            kind = "int" if field.type == "ArrayOfInt" else field.type
            for value in WRONG.get(kind, []):
                cases.append((operation.name, field.name, value))
    return cases


WRONG_TYPES = _wrong_types()


def _check_soap(answer: Any, version: str, *, fault: bool) -> Any:
    """Never HTML, never 5xx; a SOAP envelope of the request's version with the right content
    type; a Fault when ``fault``."""
    namespace, mimetype = VERSIONS[version]
    assert answer.status_code < 500, answer.data[:300]
    assert answer.mimetype == mimetype, (answer.mimetype, answer.data[:300])
    assert b"<html" not in answer.data.lower() and b"<!doctype" not in answer.data.lower()
    root = etree.fromstring(answer.data)
    assert root.tag == f"{{{namespace}}}Envelope"
    found = root.find(f"{{{namespace}}}Body/{{{namespace}}}Fault")
    if fault:
        assert found is not None and 400 <= answer.status_code < 500, answer.data[:300]
    return root


@pytest.mark.parametrize("version", VERSIONS)
def test_every_int_and_date_field_with_a_wrong_value_is_a_fault(
    world: dict[str, Any], version: str
) -> None:
    """Every int, ``ArrayOfInt`` item and dateTime parameter of every operation, with each of
    several wrong values, the other parameters valid: a fault, in the request's version."""
    client = world["app"].test_client()
    assert len(WRONG_TYPES) > 100
    for name, field, value in WRONG_TYPES:
        operation = next(op for op in OPERATIONS if op.name == name)
        body = envelope(VERSIONS[version][0], _call(operation, (field, value)), _auth(world))
        answer = client.post("/DETSISServis.asmx", data=body, headers=_headers(version, name))
        root = _check_soap(answer, version, fault=True)
        assert root is not None, (name, field, value)


@pytest.mark.parametrize("version", VERSIONS)
def test_every_operation_with_an_empty_element_or_valid_values(
    world: dict[str, Any], version: str
) -> None:
    """``<k:Op/>``: a fault when it has a required parameter, else an answer; with valid
    values: an answer (SonucHatali or not), never a fault, never 5xx."""
    client = world["app"].test_client()
    namespace = VERSIONS[version][0]
    for operation in OPERATIONS:
        headers = _headers(version, operation.name)
        empty = envelope(namespace, f"<k:{operation.name}/>", _auth(world))
        required = any(p.required and not p.nillable for p in operation.params)
        answer = client.post("/DETSISServis.asmx", data=empty, headers=headers)
        root = _check_soap(answer, version, fault=required)
        if not required:
            assert (
                answer.status_code == 200
                and root.find(f".//{{{NAMESPACE}}}SonucHatali") is not None
            )
        answer = client.post(
            "/DETSISServis.asmx",
            data=envelope(namespace, _call(operation), _auth(world)),
            headers=headers,
        )
        root = _check_soap(answer, version, fault=False)
        assert answer.status_code == 200, (operation.name, answer.data[:300])
        assert (
            root.find(f".//{{{NAMESPACE}}}{operation.name}Result/{{{NAMESPACE}}}SonucHatali")
            is not None
        )


def _truncations(body: bytes) -> list[bytes]:
    return [body[:cut] for cut in range(0, len(body) - 1, max(1, len(body) // 25))]


BILLION_LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
        for i in range(1, 10)
    )
    + b"]><lolz>&lol9;</lolz>"
)


def _hostile(namespace: str, world: dict[str, Any]) -> list[tuple[str, bytes, str | None]]:
    """(what, body, operation named by the action) for one SOAP version."""
    auth = _auth(world)
    call = "<k:DETSISNoKurumBirimWs><k:DETSISNo>55476713</k:DETSISNo></k:DETSISNoKurumBirimWs>"
    valid = envelope(namespace, call, auth)
    cases: list[tuple[str, bytes, str | None]] = [
        ("empty body", b"", None),
        ("whitespace", b"   \n ", None),
        ("billion laughs", BILLION_LAUGHS, None),
        (
            "entities inside an envelope",
            b'<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY n "55476713">]>'
            + valid.split(b"?>", 1)[1].replace(b"55476713</k:DETSISNo>", b"&n;</k:DETSISNo>"),
            "DETSISNoKurumBirimWs",
        ),
        (
            "external entity",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "http://127.0.0.1:9/x">]>'
            + valid.split(b"?>", 1)[1].replace(b"55476713</k:DETSISNo>", b"&e;</k:DETSISNo>"),
            "DETSISNoKurumBirimWs",
        ),
        (
            "parameter entity",
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY % p SYSTEM "file:///etc/passwd">%p;]><x/>',
            None,
        ),
        ("wrong envelope namespace", valid.replace(namespace.encode(), b"urn:not-soap"), None),
        (
            "operation in another namespace",
            valid.replace(b'xmlns:k="http://kaysis.gov.tr/"', b'xmlns:k="http://kaysis.gov.tr"'),
            None,
        ),
        (
            "parameters unqualified",
            envelope(
                namespace,
                "<k:DETSISNoKurumBirimWs><DETSISNo>55476713</DETSISNo></k:DETSISNoKurumBirimWs>",
                auth,
            ),
            "DETSISNoKurumBirimWs",
        ),
        (
            "no Body",
            f'<s:Envelope xmlns:s="{namespace}"><s:Header>{auth}</s:Header></s:Envelope>'.encode(),
            None,
        ),
        ("empty Body", envelope(namespace, "", auth), None),
        ("text in Body", envelope(namespace, "hello", auth), None),
        (
            "two operations",
            envelope(namespace, call + "<k:TumTip1KodlariGetirWs/>", auth),
            "DETSISNoKurumBirimWs",
        ),
        ("action names another operation", valid, "TumTip1KodlariGetirWs"),
        ("unknown operation", envelope(namespace, "<k:Yok/>", auth), "Yok"),
        (
            "huge text in an int",
            envelope(
                namespace,
                f"<k:DETSISNoKurumBirimWs><k:DETSISNo>{'9' * 1_500_000}</k:DETSISNo>"
                "</k:DETSISNoKurumBirimWs>",
                auth,
            ),
            "DETSISNoKurumBirimWs",
        ),
        (
            "huge text in a string",
            envelope(
                namespace,
                f"<k:KEPAdresiKontrolEt><k:KepAdresi>{'a' * 1_500_000}@x.kep.tr</k:KepAdresi>"
                "</k:KEPAdresiKontrolEt>",
                auth,
            ),
            "KEPAdresiKontrolEt",
        ),
        (
            "long text in a name search",
            envelope(
                namespace,
                f"<k:AdaGoreKurumBirimSorgulaWs><k:ad>{'ğ' * 5000}</k:ad>"
                "<k:anaKurumIdareKimlikKodu>0</k:anaKurumIdareKimlikKodu>"
                "</k:AdaGoreKurumBirimSorgulaWs>",
                auth,
            ),
            "AdaGoreKurumBirimSorgulaWs",
        ),
        ("bytes that are not UTF-8", valid.replace(b"55476713", b"\xff\xfe\xfd"), None),
        (
            "Turkish in ISO-8859-9 declared UTF-8",
            envelope(
                namespace,
                "<k:KEPAdresiKontrolEt><k:KepAdresi>ğüşİ</k:KepAdresi></k:KEPAdresiKontrolEt>",
                auth,
            )
            .decode()
            .encode("iso-8859-9"),
            "KEPAdresiKontrolEt",
        ),
        ("a NUL", valid.replace(b"55476713", b"5547\x006713"), None),
        (
            "deep nesting",
            envelope(namespace, "<k:Yok>" + "<a>" * 5000 + "</a>" * 5000 + "</k:Yok>"),
            None,
        ),
        ("an element not closed", valid.replace(b"</k:DETSISNo>", b""), None),
        ("a processing instruction only", b"<?xml version='1.0'?><?pi x?>", None),
    ]
    cases += [(f"truncated at {len(t)}", t, "DETSISNoKurumBirimWs") for t in _truncations(valid)]
    return cases


@pytest.mark.parametrize("version", VERSIONS)
def test_hostile_and_broken_envelopes_get_a_fault_in_their_version(
    world: dict[str, Any], version: str
) -> None:
    """Truncations, entities (none expanded, nothing fetched), wrong namespaces, no or two
    operations, an action naming another one, huge texts, bytes that are not UTF-8: each a
    fault in the request's version, 4xx, never HTML."""
    client = world["app"].test_client()
    cases = _hostile(VERSIONS[version][0], world)
    assert len(cases) > 40
    for what, body, operation in cases:
        answer = client.post("/DETSISServis.asmx", data=body, headers=_headers(version, operation))
        try:
            _check_soap(answer, version, fault=True)
        except AssertionError as error:
            raise AssertionError(f"{what}: {error}") from error
        assert b"root:" not in answer.data and b"lollol" not in answer.data, what


def test_a_1_2_action_that_disagrees_and_other_methods(world: dict[str, Any]) -> None:
    """SOAP 1.2 with an action naming another operation, the action of 1.1 on a 1.2 call, a GET
    without ``?wsdl``, other methods and the older WSDL's HTTP ports: faults, never HTML."""
    client = world["app"].test_client()
    body = envelope(SOAP12, "<k:TumTip1KodlariGetirWs/>", _auth(world))
    mismatch = client.post(
        "/DETSISServis.asmx",
        data=body,
        headers={
            "Content-Type": 'application/soap+xml; action="http://kaysis.gov.tr/TumTip2KodlariGetirWs"'
        },
    )
    _check_soap(mismatch, "1.2", fault=True)
    assert b"TumTip1KodlariGetirWs" in mismatch.data
    no_action = client.post(
        "/DETSISServis.asmx", data=body, headers={"Content-Type": "application/soap+xml"}
    )
    root = _check_soap(no_action, "1.2", fault=False)
    assert (
        no_action.status_code == 200 and root.find(f".//{{{NAMESPACE}}}SonucHatali").text == "false"
    )
    # Not UTF-8, but declared (or marked) as what it is: read as XML says, and answered.
    search = (
        "<k:AdaGoreKurumBirimSorgulaWs><k:ad>İstanbul İl Göç</k:ad>"
        "<k:anaKurumIdareKimlikKodu>0</k:anaKurumIdareKimlikKodu></k:AdaGoreKurumBirimSorgulaWs>"
    )
    text = envelope(SOAP11, search, _auth(world)).decode()
    for encoded in (
        text.replace('encoding="utf-8"', 'encoding="iso-8859-9"').encode("iso-8859-9"),
        text.encode("utf-16"),
    ):
        answer = client.post("/DETSISServis.asmx", data=encoded, headers=_headers("1.1", None))
        root = _check_soap(answer, "1.1", fault=False)
        assert root.find(f".//{{{NAMESPACE}}}SonucHatali").text == "false"
        assert _istanbul(world).encode() in answer.data
    _check_soap(client.get("/DETSISServis.asmx"), "1.1", fault=True)
    _check_soap(client.get("/DETSISServis.asmx?op=DETSISNoKurumBirimWs"), "1.1", fault=True)
    for method in ("put", "patch", "delete"):
        answer = getattr(client, method)(
            "/DETSISServis.asmx", data=b"<x/>", headers={"Content-Type": "text/xml"}
        )
        _check_soap(answer, "1.1", fault=True)
        assert answer.status_code == 405
    for path in (
        "/DETSISServis.asmx/DETSISNoKurumBirimWs?DETSISNo=55476713",
        "/DETSISServis.asmx/x/y",
    ):
        _check_soap(client.get(path), "1.1", fault=True)
        _check_soap(
            client.post(path, data=body, headers={"Content-Type": "application/soap+xml"}),
            "1.2",
            fault=True,
        )
    too_big = client.post(
        "/DETSISServis.asmx", data=b"<" * (3 * 1024 * 1024), headers={"Content-Type": "text/xml"}
    )
    _check_soap(too_big, "1.1", fault=True)
    assert too_big.status_code == 413
