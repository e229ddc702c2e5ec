"""EBYS lookups over HTTP: letterhead, addressee, arz/rica, signatories, distribution lists,
contact block, KEP and certificates, one by one and for a whole letter; JSON, XML valid against
the shipped XSD, ETags, and the errors EBYS developers meet."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date, datetime
from importlib import resources
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from flask.testing import FlaskClient
from lxml import etree
from sqlalchemy.orm import Session

from registry.app import create_app
from registry.audit import trail as audit
from registry.ebys import facts
from registry.ebys.letterhead import addressee_line
from registry.kernel.db import get_db
from registry.organizations import changes
from tests.factories import make_certificate, make_unit, make_user

# --------------------------------------------------------------------------------------------
# The addressee line of real institution and unit names: capitals and the dative
# --------------------------------------------------------------------------------------------

ADDRESSEE_LINES = [
    # possessive endings (Bakanlığı, Başkanlığı, Müdürlüğü, Kurumu…): -na / -ne
    ("İçişleri Bakanlığı", "İÇİŞLERİ BAKANLIĞINA"),
    ("Dışişleri Bakanlığı", "DIŞİŞLERİ BAKANLIĞINA"),
    ("Millî Eğitim Bakanlığı", "MİLLÎ EĞİTİM BAKANLIĞINA"),
    ("Ulaştırma ve Altyapı Bakanlığı", "ULAŞTIRMA VE ALTYAPI BAKANLIĞINA"),
    ("Çalışma ve Sosyal Güvenlik Bakanlığı", "ÇALIŞMA VE SOSYAL GÜVENLİK BAKANLIĞINA"),
    ("Göç İdaresi Başkanlığı", "GÖÇ İDARESİ BAŞKANLIĞINA"),
    ("Gelir İdaresi Başkanlığı", "GELİR İDARESİ BAŞKANLIĞINA"),
    ("Diyanet İşleri Başkanlığı", "DİYANET İŞLERİ BAŞKANLIĞINA"),
    ("Cumhurbaşkanlığı", "CUMHURBAŞKANLIĞINA"),
    ("Emniyet Genel Müdürlüğü", "EMNİYET GENEL MÜDÜRLÜĞÜNE"),
    ("Karayolları Genel Müdürlüğü", "KARAYOLLARI GENEL MÜDÜRLÜĞÜNE"),
    ("İzmir İl Göç İdaresi Müdürlüğü", "İZMİR İL GÖÇ İDARESİ MÜDÜRLÜĞÜNE"),
    (
        "Nüfus ve Vatandaşlık İşleri Genel Müdürlüğü",
        "NÜFUS VE VATANDAŞLIK İŞLERİ GENEL MÜDÜRLÜĞÜNE",
    ),
    ("Sosyal Güvenlik Kurumu", "SOSYAL GÜVENLİK KURUMUNA"),
    ("Türkiye İstatistik Kurumu", "TÜRKİYE İSTATİSTİK KURUMUNA"),
    ("Yükseköğretim Kurulu", "YÜKSEKÖĞRETİM KURULUNA"),
    ("Radyo ve Televizyon Üst Kurulu", "RADYO VE TELEVİZYON ÜST KURULUNA"),
    ("Türkiye Büyük Millet Meclisi", "TÜRKİYE BÜYÜK MİLLET MECLİSİNE"),
    ("Sakarya Üniversitesi Rektörlüğü", "SAKARYA ÜNİVERSİTESİ REKTÖRLÜĞÜNE"),
    ("İzmir Valiliği", "İZMİR VALİLİĞİNE"),
    ("Iğdır Valiliği", "IĞDIR VALİLİĞİNE"),
    ("Isparta Valiliği", "ISPARTA VALİLİĞİNE"),
    ("Ağrı Valiliği", "AĞRI VALİLİĞİNE"),
    ("Kadıköy Kaymakamlığı", "KADIKÖY KAYMAKAMLIĞINA"),
    ("Ankara Büyükşehir Belediyesi", "ANKARA BÜYÜKŞEHİR BELEDİYESİNE"),
    ("İstanbul İl Özel İdaresi", "İSTANBUL İL ÖZEL İDARESİNE"),
    ("Türkiye Cumhuriyet Merkez Bankası", "TÜRKİYE CUMHURİYET MERKEZ BANKASINA"),
    ("Ankara Ticaret Odası", "ANKARA TİCARET ODASINA"),
    ("Hukuk Müşavirliği", "HUKUK MÜŞAVİRLİĞİNE"),
    ("İç Denetim Birimi", "İÇ DENETİM BİRİMİNE"),
    ("Göç Araştırmaları Merkezi", "GÖÇ ARAŞTIRMALARI MERKEZİNE"),
    # consonant endings: -a / -e, and -lık/-lik softened
    ("Sayıştay", "SAYIŞTAYA"),
    ("Danıştay", "DANIŞTAYA"),
    ("Yargıtay", "YARGITAYA"),
    ("Anayasa Mahkemesi", "ANAYASA MAHKEMESİNE"),
    ("Genel Sekreterlik", "GENEL SEKRETERLİĞE"),
    ("Berlin Büyükelçiliği", "BERLİN BÜYÜKELÇİLİĞİNE"),
    # abbreviations: by pronunciation, with an apostrophe
    ("SGK", "SGK'YA"),
    ("TBMM", "TBMM'YE"),
    ("TÜBİTAK", "TÜBİTAK'A"),
    ("AFAD", "AFAD'A"),
    ("TOKİ", "TOKİ'YE"),
    ("MEB", "MEB'E"),
    ("YÖK", "YÖK'E"),
    ("PTT", "PTT'YE"),
    ("THY", "THY'YE"),
]


@pytest.mark.parametrize(("name", "expected"), ADDRESSEE_LINES)
def test_addressee_line_is_capitals_in_the_dative(name: str, expected: str) -> None:
    assert addressee_line(name) == expected


def test_the_addressee_table_is_large_enough() -> None:
    assert len(ADDRESSEE_LINES) >= 40
    assert any("I" in name and "İ" not in name.split()[0] for name, _ in ADDRESSEE_LINES)


# --------------------------------------------------------------------------------------------
# A small state: a ministry, its attached body with central and provincial units, a related body,
# the Presidency, two governorships, signatories, certificates
# --------------------------------------------------------------------------------------------


@dataclass
class State:
    presidency: str
    interior: str
    strategy: str
    goc: str
    foreigners: str
    residence: str
    visa: str
    izmir_goc: str
    izmir_goc_desk: str
    izmir: str
    ankara: str
    labour: str
    sgk: str
    sgk_izmir: str
    egm: str
    tokens: dict[str, str]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[who]}"}


@pytest.fixture
def state(session: Session) -> State:
    goc_cert = make_certificate("Göç İdaresi Başkanlığı")
    presidency = make_unit(session, "Cumhurbaşkanlığı", category="Cumhurbaşkanlığı")
    interior = make_unit(
        session,
        "İçişleri Bakanlığı",
        category="Bakanlık",
        kep_addresses=["icisleribakanligi@hs01.kep.tr"],
        contact={
            "address": "Bakanlıklar, 06644 Çankaya/Ankara",
            "web": "https://www.icisleri.gov.tr",
        },
    )
    strategy = make_unit(session, "Strateji Geliştirme Başkanlığı", parent=interior)
    goc = make_unit(
        session,
        "Göç İdaresi Başkanlığı",
        parent=interior,
        category="Bağlı Kuruluş",
        kep_addresses=["gocidaresi@hs01.kep.tr"],
        certificate=goc_cert,
        contact={
            "address": "Lalahan Mahallesi, Ankara Caddesi No: 2, 06750 Akyurt/Ankara",
            "phone": "0312 422 07 00",
            "info_person": {"name": "Elif Aydın", "title": "Şube Müdürü"},
        },
    )
    foreigners = make_unit(session, "Yabancılar Genel Müdürlüğü", parent=goc)
    residence = make_unit(session, "İkamet İzinleri Daire Başkanlığı", parent=foreigners)
    visa = make_unit(session, "Vize Daire Başkanlığı", parent=foreigners)
    izmir = make_unit(
        session,
        "İzmir Valiliği",
        parent=interior,
        category="Mülki İdare",
        unit_type="Valilik",
        level="provincial",
        province={"code": 35},
    )
    ankara = make_unit(
        session,
        "Ankara Valiliği",
        parent=interior,
        category="Mülki İdare",
        unit_type="Valilik",
        level="provincial",
        province={"code": 6},
    )
    izmir_goc = make_unit(
        session,
        "İzmir İl Göç İdaresi Müdürlüğü",
        parent=goc,
        level="provincial",
        province={"code": 35},
        contact={"phone": "0232 444 08 35"},
    )
    izmir_goc_desk = make_unit(
        session,
        "Yabancılar Şube Müdürlüğü",
        parent=izmir_goc,
        level="provincial",
        province={"code": 35},
    )
    labour = make_unit(session, "Çalışma ve Sosyal Güvenlik Bakanlığı", category="Bakanlık")
    sgk = make_unit(
        session,
        "Sosyal Güvenlik Kurumu",
        parent=labour,
        category="İlgili Kuruluş",
        detsis_no="22620739",
        kep_addresses=["sgk@hs01.kep.tr"],
        certificate=make_certificate("Sosyal Güvenlik Kurumu"),
    )
    sgk_izmir = make_unit(
        session,
        "İzmir Sosyal Güvenlik İl Müdürlüğü",
        parent=sgk,
        level="provincial",
        province={"code": 35},
    )
    egm = make_unit(
        session,
        "Emniyet Genel Müdürlüğü",
        parent=interior,
        category="Bağlı Kuruluş",
        certificate=make_certificate("Emniyet Genel Müdürlüğü", expired=True),
    )
    tokens = {}
    for who, role, organization in [
        ("goc_coordinator", "coordinator", goc),
        ("reviewer", "reviewer", None),
    ]:
        _, tokens[who] = make_user(session, name=who, role=role, organization=organization)
    session.commit()
    return State(
        presidency,
        interior,
        strategy,
        goc,
        foreigners,
        residence,
        visa,
        izmir_goc,
        izmir_goc_desk,
        izmir,
        ankara,
        labour,
        sgk,
        sgk_izmir,
        egm,
        tokens,
    )


def applied(client: FlaskClient, state: State, **body: Any) -> Any:
    """Submit a change request as Göç's coordinator and approve it as a reviewer."""
    response = client.post(
        "/api/v1/change-requests", json=body, headers=state.auth("goc_coordinator")
    )
    assert response.status_code == 201, response.json
    decision = client.post(
        f"/api/v1/change-requests/{response.json['id']}/approve", headers=state.auth("reviewer")
    )
    assert decision.status_code == 200, decision.json
    assert decision.json["status"] == "approved", decision.json
    return decision.json


def get(client: FlaskClient, path: str, **query: Any) -> Any:
    response = client.get(f"/api/v1/ebys/{path}", query_string=query)
    assert response.status_code == 200, response.json
    return response.json


def courtesy(client: FlaskClient, sender: str, *recipients: str) -> str:
    params = [("from", sender), *(("to", r) for r in recipients)]
    response = client.get("/api/v1/ebys/courtesy", query_string=params)
    assert response.status_code == 200, response.json
    return str(response.json["phrase"])


# --------------------------------------------------------------------------------------------
# Letterhead and addressee
# --------------------------------------------------------------------------------------------


def test_letterheads(client: FlaskClient, state: State) -> None:
    def lines(number: str) -> list[str]:
        return list(get(client, f"letterhead/{number}")["lines"])

    assert lines(state.interior) == ["T.C.", "İÇİŞLERİ BAKANLIĞI"]
    # a central unit of a ministry
    assert lines(state.strategy) == ["T.C.", "İÇİŞLERİ BAKANLIĞI", "Strateji Geliştirme Başkanlığı"]
    # an attached body, and its units: the ministry first; the main unit on the last line
    assert lines(state.goc) == ["T.C.", "İÇİŞLERİ BAKANLIĞI", "Göç İdaresi Başkanlığı"]
    expected = [
        "T.C.",
        "İÇİŞLERİ BAKANLIĞI",
        "Göç İdaresi Başkanlığı",
        "Yabancılar Genel Müdürlüğü",
    ]
    assert lines(state.foreigners) == expected
    assert lines(state.residence) == expected
    # a provincial unit (and its department) under the provincial administration
    assert lines(state.izmir_goc) == ["T.C.", "İZMİR VALİLİĞİ", "İl Göç İdaresi Müdürlüğü"]
    assert lines(state.izmir_goc_desk) == ["T.C.", "İZMİR VALİLİĞİ", "İl Göç İdaresi Müdürlüğü"]
    assert lines(state.izmir) == ["T.C.", "İZMİR VALİLİĞİ"]
    # a related body's provincial unit keeps its own letterhead, its ministry first
    assert lines(state.sgk_izmir) == [
        "T.C.",
        "ÇALIŞMA VE SOSYAL GÜVENLİK BAKANLIĞI",
        "Sosyal Güvenlik Kurumu",
        "İzmir Sosyal Güvenlik İl Müdürlüğü",
    ]
    assert lines(state.presidency) == ["T.C.", "CUMHURBAŞKANLIĞI"]


def test_addressees(client: FlaskClient, state: State) -> None:
    def lines(number: str) -> list[str]:
        return list(get(client, f"addressee/{number}")["lines"])

    assert lines(state.goc) == ["GÖÇ İDARESİ BAŞKANLIĞINA"]
    assert lines(state.sgk) == ["SOSYAL GÜVENLİK KURUMUNA"]
    assert lines(state.residence) == [
        "GÖÇ İDARESİ BAŞKANLIĞINA",
        "(İkamet İzinleri Daire Başkanlığı)",
    ]
    assert lines(state.strategy) == ["İÇİŞLERİ BAKANLIĞINA", "(Strateji Geliştirme Başkanlığı)"]
    assert lines(state.izmir_goc) == ["İZMİR VALİLİĞİNE", "(İl Göç İdaresi Müdürlüğü)"]
    assert lines(state.izmir) == ["İZMİR VALİLİĞİNE"]
    assert lines(state.sgk_izmir) == [
        "SOSYAL GÜVENLİK KURUMUNA",
        "(İzmir Sosyal Güvenlik İl Müdürlüğü)",
    ]


def test_a_registered_letterhead_overrides_and_renames_reach_every_unit_below(
    client: FlaskClient, state: State
) -> None:
    before = get(client, f"letterhead/{state.residence}")["lines"]
    assert before[2] == "Göç İdaresi Başkanlığı"
    registered = ["T.C.", "İÇİŞLERİ BAKANLIĞI", "Göç İdaresi Başkanlığı", "Yabancılar GM"]
    applied(
        client,
        state,
        entity="organization",
        action="update",
        target=state.foreigners,
        data={"letterhead": registered},
    )
    assert get(client, f"letterhead/{state.foreigners}")["lines"] == registered
    # the registered letterhead is the unit's own; a unit under it still derives its own
    assert get(client, f"letterhead/{state.residence}")["lines"][-1] == "Yabancılar Genel Müdürlüğü"
    applied(
        client,
        state,
        entity="organization",
        action="update",
        target=state.goc,
        data={"name": "Göç Yönetimi Başkanlığı"},
    )
    assert get(client, f"letterhead/{state.residence}")["lines"][2] == "Göç Yönetimi Başkanlığı"
    assert get(client, f"addressee/{state.residence}")["lines"][0] == "GÖÇ YÖNETİMİ BAŞKANLIĞINA"


def test_a_change_drops_only_the_cached_answers_that_read_the_changed_unit(
    client: FlaskClient, session: Session, state: State
) -> None:
    cache = facts._CACHES.of(session)

    def cached(number: str) -> facts.UnitFacts:
        (found,) = [f for f in cache.units.values() if f.detsis_no == number]
        return found

    watched = (state.izmir_goc, state.izmir_goc_desk, state.residence, state.sgk_izmir)
    for number in watched:
        get(client, f"contact/{number}")
    before = {number: cached(number) for number in watched}
    applied(
        client,
        state,
        entity="organization",
        action="update",
        target=state.izmir_goc,
        data={"contact": {"phone": "0232 444 09 35"}},
    )
    assert get(client, f"contact/{state.izmir_goc}")["phone"] == "0232 444 09 35"
    get(client, f"contact/{state.izmir_goc_desk}")
    assert cached(state.izmir_goc) is not before[state.izmir_goc]
    assert cached(state.izmir_goc_desk) is not before[state.izmir_goc_desk]  # it is under it
    for unaffected in (state.residence, state.sgk_izmir):
        get(client, f"contact/{unaffected}")
        assert cached(unaffected) is before[unaffected]

    # A governorship may change which administration provincial units name: everything goes.
    changes.update_unit(
        session, state.izmir, {"phone": "0232 455 55 55"}, valid_from=date(2020, 1, 1)
    )
    session.commit()
    get(client, f"contact/{state.sgk_izmir}")
    assert [f.detsis_no for f in cache.units.values()] == [state.sgk_izmir]
    assert get(client, f"contact/{state.residence}") == get(client, f"contact/{state.residence}")
    assert cached(state.residence) is not before[state.residence]


def test_a_letterhead_must_be_lines(client: FlaskClient, state: State) -> None:
    response = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "update",
            "target": state.foreigners,
            "data": {"letterhead": ["T.C."] * 7},
        },
        headers=state.auth("goc_coordinator"),
    )
    assert response.status_code == 422
    assert "data.letterhead" in response.json["errors"]


# --------------------------------------------------------------------------------------------
# Arz / rica
# --------------------------------------------------------------------------------------------


def test_arz_to_higher_and_same_level_rica_to_lower(client: FlaskClient, state: State) -> None:
    assert courtesy(client, state.izmir_goc, state.goc) == "Arz ederim."  # up the tree
    assert courtesy(client, state.residence, state.foreigners) == "Arz ederim."
    assert courtesy(client, state.goc, state.izmir_goc) == "Rica ederim."  # down
    assert courtesy(client, state.foreigners, state.residence) == "Rica ederim."
    assert courtesy(client, state.visa, state.residence) == "Arz ederim."  # same level
    assert courtesy(client, state.foreigners, state.visa) == "Rica ederim."  # lower, elsewhere
    assert courtesy(client, state.visa, state.goc) == "Arz ederim."


def test_provincial_administration_and_presidency_stand_above(
    client: FlaskClient, state: State
) -> None:
    assert courtesy(client, state.izmir_goc, state.izmir) == "Arz ederim."
    assert courtesy(client, state.izmir, state.izmir_goc) == "Rica ederim."
    assert courtesy(client, state.ankara, state.izmir_goc) == "Arz ederim."  # another province
    assert courtesy(client, state.presidency, state.interior) == "Rica ederim."
    assert courtesy(client, state.presidency, state.sgk_izmir) == "Rica ederim."
    assert courtesy(client, state.sgk, state.presidency) == "Arz ederim."


def test_unrelated_institutions_get_arz_and_mixed_recipients_both(
    client: FlaskClient, state: State
) -> None:
    assert courtesy(client, state.goc, state.sgk) == "Arz ederim."
    assert courtesy(client, state.sgk, state.goc) == "Arz ederim."
    assert courtesy(client, state.sgk_izmir, state.izmir_goc) == "Arz ederim."
    assert courtesy(client, state.goc, state.interior, state.izmir_goc) == "Arz ve rica ederim."
    assert courtesy(client, state.goc, state.izmir_goc, state.foreigners) == "Rica ederim."


# --------------------------------------------------------------------------------------------
# KEP, certificates, contact, signatories, distribution lists
# --------------------------------------------------------------------------------------------


def test_kep_addresses_are_inherited_from_the_nearest_unit_above(
    client: FlaskClient, state: State
) -> None:
    own = get(client, f"kep/{state.goc}")
    assert own["kep_addresses"] == [
        {"address": "gocidaresi@hs01.kep.tr", "active": True, "inherited_from": None}
    ]
    inherited = get(client, f"kep/{state.residence}")["kep_addresses"]
    assert inherited == [
        {"address": "gocidaresi@hs01.kep.tr", "active": True, "inherited_from": state.goc}
    ]
    assert get(client, f"kep/{state.strategy}")["kep_addresses"][0]["inherited_from"] == (
        state.interior
    )


@pytest.mark.parametrize(
    "address",
    ["goc@kep.tr", "goc@hs1.kep.tr", "GOC İDARESİ@hs01.kep.tr", "goc@hs01.kep.com", "@hs01.kep.tr"],
)
def test_a_malformed_kep_address_is_refused(
    client: FlaskClient, state: State, address: str
) -> None:
    response = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "update",
            "target": state.goc,
            "data": {"kep_addresses": [address]},
        },
        headers=state.auth("goc_coordinator"),
    )
    assert response.status_code == 422, response.json
    assert any(field.startswith("data.kep_addresses") for field in response.json["errors"])


def test_certificates_own_inherited_expired_and_missing(client: FlaskClient, state: State) -> None:
    own = get(client, f"certificate/{state.goc}")
    assert own["detsis_no"] == state.goc and own["inherited_from"] is None
    assert own["pem"].startswith("-----BEGIN CERTIFICATE-----")
    assert own["subject"] == "CN=Göç İdaresi Başkanlığı" and own["expired"] is False
    parsed = x509.load_pem_x509_certificate(own["pem"].encode())
    fingerprint = parsed.fingerprint(hashes.SHA256()).hex().upper()
    assert own["sha256_fingerprint"].replace(":", "") == fingerprint
    assert datetime.fromisoformat(own["not_after"]) == parsed.not_valid_after_utc
    inherited = get(client, f"certificate/{state.izmir_goc_desk}")
    assert inherited["inherited_from"] == state.goc
    assert inherited["sha256_fingerprint"] == own["sha256_fingerprint"]
    assert get(client, f"certificate/{state.egm}")["expired"] is True
    missing = client.get(f"/api/v1/ebys/certificate/{state.strategy}")
    assert missing.status_code == 404
    assert missing.content_type == "application/problem+json"


@pytest.mark.parametrize(
    "pem",
    [
        "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----",
        "not a certificate",
    ],
)
def test_an_unreadable_certificate_is_refused(client: FlaskClient, state: State, pem: str) -> None:
    response = client.post(
        "/api/v1/change-requests",
        json={
            "entity": "organization",
            "action": "update",
            "target": state.goc,
            "data": {"certificate": pem},
        },
        headers=state.auth("goc_coordinator"),
    )
    assert response.status_code == 422, response.json
    assert "data.certificate" in response.json["errors"]


def test_contact_block(client: FlaskClient, state: State) -> None:
    contact = get(client, f"contact/{state.goc}")
    assert contact["address"].startswith("Lalahan Mahallesi")
    assert contact["kep"] == "gocidaresi@hs01.kep.tr"
    assert contact["info_person"] == {"name": "Elif Aydın", "title": "Şube Müdürü"}
    provincial = get(client, f"contact/{state.izmir_goc}")
    assert provincial["phone"] == "0232 444 08 35"
    assert provincial["kep"] == "gocidaresi@hs01.kep.tr"  # inherited
    assert set(provincial) == {"address", "phone", "fax", "email", "web", "kep", "info_person"}


def test_signatories_stand_as_signed(client: FlaskClient, state: State) -> None:
    for person in (
        {"name": "Hakan", "surname": "Yıldız", "title": "İl Göç İdaresi Müdürü",
         "delegation": "Vali a.", "rank": 1},
        {"name": "Zeynep", "surname": "Işık", "title": "Müdür Yardımcısı", "rank": 2},
    ):  # fmt: skip
        applied(
            client,
            state,
            entity="signatory",
            action="create",
            data={"organization": state.izmir_goc, **person},
        )
    found = get(client, f"signatories/{state.izmir_goc}")["signatories"]
    assert [s["rank"] for s in found] == [2, 1]  # the higher signs on the right
    assert found[1]["lines"] == ["Hakan YILDIZ", "Vali a.", "İl Göç İdaresi Müdürü"]
    assert found[0]["lines"] == ["Zeynep IŞIK", "Müdür Yardımcısı"]
    assert get(client, f"signatories/{state.goc}")["signatories"] == []


def test_distribution_lists(client: FlaskClient, state: State) -> None:
    result = applied(
        client,
        state,
        entity="distribution_list",
        action="create",
        data={
            "name": "Yabancılar",
            "owner": state.goc,
            "recipients": [
                {"detsis_no": state.izmir_goc, "kind": "gereği"},
                {"detsis_no": state.interior, "kind": "bilgi"},
            ],
        },
    )
    list_id = result["result"]["id"]
    found = get(client, f"distribution-lists/{list_id}")
    assert found["owner"] == state.goc and found["name"] == "Yabancılar"
    assert found["recipients"] == [
        {
            "detsis_no": state.izmir_goc,
            "kind": "gereği",
            "addressee": ["İZMİR VALİLİĞİNE", "(İl Göç İdaresi Müdürlüğü)"],
            "closed": False,
            "successors": [],
        },
        {
            "detsis_no": state.interior,
            "kind": "bilgi",
            "addressee": ["İÇİŞLERİ BAKANLIĞINA"],
            "closed": False,
            "successors": [],
        },
    ]
    assert [x["id"] for x in get(client, "distribution-lists", owner=state.goc)] == [int(list_id)]
    assert client.get("/api/v1/ebys/distribution-lists/99999").status_code == 404
    assert client.get("/api/v1/ebys/distribution-lists").status_code == 422


# --------------------------------------------------------------------------------------------
# One call for a whole letter; errors; caching; XML
# --------------------------------------------------------------------------------------------


def test_one_call_gives_everything_for_a_letter(client: FlaskClient, state: State) -> None:
    response = client.get(
        "/api/v1/ebys/correspondence",
        query_string=[("from", state.izmir_goc), ("to", state.goc), ("to", state.sgk)],
    )
    assert response.status_code == 200, response.json
    letter = response.json
    assert letter["letterhead"] == ["T.C.", "İZMİR VALİLİĞİ", "İl Göç İdaresi Müdürlüğü"]
    assert letter["courtesy"] == "Arz ederim."
    assert letter["sender_contact"]["kep"] == "gocidaresi@hs01.kep.tr"
    goc, sgk = letter["recipients"]
    assert goc["addressee"] == ["GÖÇ İDARESİ BAŞKANLIĞINA"]
    assert sgk["addressee"] == ["SOSYAL GÜVENLİK KURUMUNA"]
    assert goc["kep_addresses"][0]["address"] == "gocidaresi@hs01.kep.tr"
    assert sgk["kep_addresses"][0]["address"] == "sgk@hs01.kep.tr"
    assert goc["certificate"]["subject"] == "CN=Göç İdaresi Başkanlığı"
    assert sgk["certificate"]["subject"] == "CN=Sosyal Güvenlik Kurumu"
    no_certificate = client.get(
        "/api/v1/ebys/correspondence", query_string={"from": state.goc, "to": state.strategy}
    )
    assert no_certificate.json["recipients"][0]["certificate"] is None


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ([("from", "24325150")], "to"),
        ([("to", "24325150")], "from"),
        ([("from", "0123"), ("to", "24325150")], "from"),
        ([("from", "24325150"), ("to", "abc")], "to"),
    ],
)
def test_bad_letter_queries_are_422_naming_the_field(
    client: FlaskClient, state: State, query: list[tuple[str, str]], field: str
) -> None:
    response = client.get("/api/v1/ebys/correspondence", query_string=query)
    assert response.status_code == 422, response.json
    assert response.content_type == "application/problem+json"
    assert any(key == field or key.startswith(f"{field}.") for key in response.json["errors"])


def test_too_many_or_repeated_recipients(client: FlaskClient, state: State) -> None:
    many = [("from", state.goc)] + [("to", state.izmir_goc)] * 101
    response = client.get("/api/v1/ebys/correspondence", query_string=many)
    assert response.status_code == 422 and "to" in response.json["errors"]
    twice = [("from", state.goc), ("to", state.sgk), ("to", state.sgk)]
    response = client.get("/api/v1/ebys/correspondence", query_string=twice)
    assert response.status_code == 422 and "to" in response.json["errors"]


def test_unknown_is_404_and_closed_is_410_naming_successors(
    client: FlaskClient, state: State
) -> None:
    unknown = client.get("/api/v1/ebys/letterhead/99999999")
    assert unknown.status_code == 404 and unknown.content_type == "application/problem+json"
    successor = make_unit_by_request(client, state, "Vize ve Çalışma İzni Daire Başkanlığı")
    listed = applied(
        client,
        state,
        entity="distribution_list",
        action="create",
        data={
            "name": "Daireler",
            "owner": state.goc,
            "recipients": [
                {"detsis_no": state.visa, "kind": "gereği"},
                {"detsis_no": state.residence, "kind": "bilgi"},
            ],
        },
    )["result"]["id"]
    applied(
        client,
        state,
        entity="organization",
        action="close",
        target=state.visa,
        reason="Birleştirildi",
        data={"successors": [successor]},
    )
    for path in ("letterhead", "addressee", "kep", "contact", "signatories"):
        gone = client.get(f"/api/v1/ebys/{path}/{state.visa}")
        assert gone.status_code == 410, (path, gone.json)
        assert gone.json["successors"] == [successor]
    kept = get(client, f"distribution-lists/{listed}")["recipients"]
    assert kept[0] == {
        "detsis_no": state.visa,
        "kind": "gereği",
        "addressee": [],
        "closed": True,
        "successors": [successor],
    }
    assert kept[1]["closed"] is False and kept[1]["addressee"][0] == "GÖÇ İDARESİ BAŞKANLIĞINA"
    letter = client.get(
        "/api/v1/ebys/correspondence", query_string={"from": state.goc, "to": state.visa}
    )
    assert letter.status_code == 410 and letter.json["successors"] == [successor]


def make_unit_by_request(client: FlaskClient, state: State, name: str) -> str:
    result = applied(
        client,
        state,
        entity="organization",
        action="create",
        data={"name": name, "parent": state.foreigners, "level": "central"},
    )
    return str(result["result"]["id"])


def test_etag_304_and_cache_control(client: FlaskClient, state: State) -> None:
    path = f"/api/v1/ebys/letterhead/{state.izmir_goc}"
    first = client.get(path)
    assert first.status_code == 200 and first.headers["ETag"]
    assert "public" in first.headers["Cache-Control"]
    assert "stale-if-error" in first.headers["Cache-Control"]
    again = client.get(path, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    as_xml = client.get(path, headers={"Accept": "application/xml"})
    assert as_xml.headers["ETag"] != first.headers["ETag"]
    assert "Accept" in as_xml.headers["Vary"]


XSD = etree.XMLSchema(
    etree.fromstring(resources.files("registry").joinpath("data/ebys.xsd").read_bytes())
)


def test_every_xml_answer_is_valid_against_the_shipped_schema(
    client: FlaskClient, state: State
) -> None:
    applied(
        client,
        state,
        entity="signatory",
        action="create",
        data={"organization": state.goc, "name": "Murat", "surname": "Şahin",
              "title": "Başkan", "delegation": "Bakan a.", "rank": 1},
    )  # fmt: skip
    result = applied(
        client,
        state,
        entity="distribution_list",
        action="create",
        data={"name": "İller", "owner": state.goc,
              "recipients": [{"detsis_no": state.izmir_goc, "kind": "bilgi"}]},
    )  # fmt: skip
    paths = [
        f"letterhead/{state.izmir_goc}",
        f"addressee/{state.residence}",
        f"courtesy?from={state.goc}&to={state.interior}&to={state.izmir_goc}",
        f"signatories/{state.goc}",
        f"signatories/{state.strategy}",
        f"distribution-lists/{result['result']['id']}",
        f"distribution-lists?owner={state.goc}",
        f"contact/{state.goc}",
        f"contact/{state.izmir_goc_desk}",
        f"kep/{state.residence}",
        f"certificate/{state.egm}",
        f"correspondence?from={state.izmir_goc}&to={state.goc}&to={state.sgk}&to={state.strategy}",
    ]
    for path in paths:
        response = client.get(f"/api/v1/ebys/{path}", headers={"Accept": "application/xml"})
        assert response.status_code == 200, (path, response.data[:300])
        assert response.mimetype == "application/xml"
        document = etree.fromstring(response.data)
        assert XSD.validate(document), (path, XSD.error_log.last_error, response.data[:800])


def test_another_nodes_change_is_seen_within_the_freshness_window(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two app nodes on one database: a rename committed by the other node (here, a commit this
    process is told nothing of) reaches the reader's answers once FRESH_SECONDS have passed."""
    monkeypatch.setattr(facts, "FRESH_SECONDS", 0.2)
    writer = create_app({"DATABASE_URL": database_url, "TESTING": True})
    reader = create_app({"DATABASE_URL": database_url, "TESTING": True})
    with get_db(writer).transaction() as session:
        ministry = make_unit(session, "İçişleri Bakanlığı", category="Bakanlık")
        unit = make_unit(session, "Strateji Geliştirme Başkanlığı", parent=ministry)
    client = reader.test_client()
    assert client.get(f"/api/v1/ebys/letterhead/{unit}").json["lines"][1] == "İÇİŞLERİ BAKANLIĞI"

    monkeypatch.setattr(audit, "committed_here", lambda: -2)  # the commit below is elsewhere
    client.get(f"/api/v1/ebys/letterhead/{unit}")  # the reader notes the counter it sees
    with get_db(writer).transaction() as session:
        changes.update_unit(
            session, ministry, {"name": "İç İşleri Bakanlığı"}, valid_from=date(2020, 1, 1)
        )
    time.sleep(0.25)
    assert client.get(f"/api/v1/ebys/letterhead/{unit}").json["lines"][1] == "İÇ İŞLERİ BAKANLIĞI"
    for app in (writer, reader):
        get_db(app).dispose()
