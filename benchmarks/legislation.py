"""Benchmark of the legal graph: impact and derived acts on a national-size legislation registry.

Builds a KMS-sized registry in one database: 100,000 acts with a realistic fan-out (about 800 laws
and presidential decrees at the top; 15,000 regulations, each based on 1–3 of them, a few big laws
such as 5018 or 2547 being the basis of many (Zipf); 60,000 communiqués and internal acts based on
1–2 regulations; the rest deeper, based on those, so the graph is 5 levels deep), 50,000 services
citing 1–3 acts each and 3,000 documents they ask for or issue, owned by a three-level tree of
about 800 units. Then, in the same run, it measures:

* the first load of the in-memory graph (time, and the memory it holds, with ``tracemalloc``), and
  a later ``legal_graph.current`` call, which must cost one SELECT and no reload;
* the impact of the top-level law with the most transitive dependents, over HTTP (the overview
  by institution, the largest institution's part in full, and everything in full), through the
  service layer and as the bare graph walk; the impact of the median top-level act, for scale;
  ``derived?depth=all`` for that law and for a mid-sized regulation (90th percentile of reach);
* ``GET /api/v1/legislation/<id>`` of a single act, the baseline: every median is also given as a
  ratio to it, because the machines are noisy and the ratios are what we compare.

The target (the issue's words): an impact query on that data answers in well under a second; the
verdict holds the overview and the largest institution's part in full to half a second each.

Usage, from the repository root::

    python benchmarks/legislation.py [--acts 100000] [--services 50000] [--repeat 20]
                                     [--seed S] [--backend sqlite|postgresql]
"""

from __future__ import annotations

import argparse
import functools
import gc
import itertools
import json
import logging
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from benchmarks.measure import database, percentile, timed  # noqa: E402
from registry import create_app, migrate, turkish  # noqa: E402
from registry.db import Base, Database, get_db  # noqa: E402
from registry.models import Legislation  # noqa: E402
from registry.reference import provinces  # noqa: E402
from registry.services import legal_graph, legislation_impact  # noqa: E402
from schemas.vocabularies import LEGISLATION_TYPES  # noqa: E402

# --------------------------------------------------------------------------------------------
# The shape of the registry
# --------------------------------------------------------------------------------------------

FIRST_VALID_FROM = date(2015, 1, 1)
INSERT_CHUNK = 5_000

# Share of the acts at each level; the deeper acts are whatever is left.
TOP_SHARE = 0.008  # laws and presidential decrees
REGULATION_SHARE = 0.15
LOWER_SHARE = 0.60  # communiqués and internal acts based on regulations
FOURTH_LEVEL_SHARE = 0.25  # of the deeper acts: based on another deeper act (level 4)
DECREE_SHARE = 0.2  # of the top-level acts: presidential decrees (type 19)

TOP_SKEW = 1.0  # Zipf exponent: how much a few big laws dominate the basis of regulations
REGULATION_SKEW = 0.8  # … of regulations under communiqués
LOWER_SKEW = 0.6  # … of communiqués under the deeper acts
DOCUMENT_SKEW = 1.0  # … of documents asked for by services (an identity card is asked everywhere)
DOCUMENTS_PER_SERVICE = 0.06  # 3,000 documents for 50,000 services

REGULATION_TYPES = ((3, 45), (21, 10), (7, 25), (8, 20))  # (type code, weight)
LOWER_TYPES = ((9, 40), (101, 25), (102, 10), (103, 5), (104, 20))
DEEPER_TYPES = ((101, 45), (102, 20), (103, 10), (104, 25))
UPPER_COUNTS = ((1, 50), (2, 35), (3, 15))  # basis links of a regulation
LOWER_UPPER_COUNTS = ((1, 70), (2, 30))  # basis links of a communiqué or a deeper act
CITATION_COUNTS = ((1, 55), (2, 30), (3, 15))  # acts a service cites
CITED_LEVELS = ((0, 15), (1, 45), (2, 30), (3, 10))  # which level a citation points to
DOCUMENT_COUNTS = ((1, 30), (2, 30), (3, 25), (4, 15))  # documents of a service
ISSUED_SHARE = 0.2  # of service_documents rows: documents the service issues

# The laws at the head of the Zipf ranking: rank 0 is the basis of the most regulations.
FAMOUS_LAWS: tuple[tuple[str, str], ...] = (
    ("5018", "Kamu Malî Yönetimi ve Kontrol Kanunu"),
    ("2547", "Yükseköğretim Kanunu"),
    ("657", "Devlet Memurları Kanunu"),
    ("6458", "Yabancılar ve Uluslararası Koruma Kanunu"),
    ("5510", "Sosyal Sigortalar ve Genel Sağlık Sigortası Kanunu"),
    ("4734", "Kamu İhale Kanunu"),
    ("3194", "İmar Kanunu"),
    ("213", "Vergi Usul Kanunu"),
    ("4857", "İş Kanunu"),
    ("1739", "Millî Eğitim Temel Kanunu"),
    ("5393", "Belediye Kanunu"),
    ("3289", "Gençlik ve Spor Hizmetleri Kanunu"),
)

SUBJECTS: tuple[str, ...] = (
    "Tapu ve Kadastro",
    "Nüfus Hizmetleri",
    "Gümrük",
    "Vergi",
    "Sosyal Yardım",
    "Sağlık Hizmetleri",
    "Örgün Eğitim",
    "Çevre Denetimi",
    "Enerji Verimliliği",
    "Tarımsal Destek",
    "Orman Varlığı",
    "Su Ürünleri",
    "Turizm Teşvik",
    "Karayolu Taşımacılığı",
    "Elektronik Haberleşme",
    "Kooperatifler",
    "Esnaf ve Sanatkârlar",
    "İmar Planları",
    "Afet ve Acil Durum",
    "Spor Kulüpleri",
    "Gençlik Merkezleri",
    "Din Hizmetleri",
    "Resmî İstatistik",
    "Genel Sağlık Sigortası",
    "Çalışma İzni",
    "İş Sağlığı ve Güvenliği",
    "Kamu İhale",
    "Devlet Memurları",
    "Harçlar",
    "Pasaport",
    "İkamet İzni",
    "Noterlik",
    "Maden Ruhsatı",
    "Petrol Piyasası",
    "Elektrik Piyasası",
    "Doğal Gaz Piyasası",
    "Bankacılık",
    "Sermaye Piyasası",
    "Öğrenci Bursu",
    "Engelli Hakları",
    "Kültür Varlıkları",
    "Bilgi Edinme",
)

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

COMMON_DOCUMENTS: tuple[str, ...] = (
    "Nüfus Cüzdanı Sureti",
    "İkametgâh Belgesi",
    "Vesikalık Fotoğraf",
    "Adli Sicil Kaydı",
    "Diploma Sureti",
    "Pasaport Sureti",
    "Vergi Levhası",
    "İmza Sirküleri",
    "Sağlık Raporu",
    "Tapu Senedi",
)
DOCUMENT_KINDS: tuple[str, ...] = (
    "Belgesi",
    "Ruhsatı",
    "Sertifikası",
    "Dilekçesi",
    "Başvuru Formu",
    "Taahhütnamesi",
    "Raporu",
    "Beyannamesi",
    "Tutanağı",
    "Onay Yazısı",
    "İzin Belgesi",
    "Kayıt Örneği",
    "Sicil Kaydı",
    "Faaliyet Raporu",
    "Bilgi Formu",
)
DOCUMENT_FORMS: tuple[str, ...] = (
    "",
    " (Aslı)",
    " (Onaylı Sureti)",
    " (Elektronik)",
    " (Tercümeli)",
    " (Noter Onaylı)",
)

INSTITUTIONS: tuple[tuple[str, str | None, str, str], ...] = (
    # (name, short name, category, unit type)
    ("Adalet Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Aile ve Sosyal Hizmetler Bakanlığı", "ASHB", "Bakanlık", "Bakanlık"),
    ("Çalışma ve Sosyal Güvenlik Bakanlığı", "ÇSGB", "Bakanlık", "Bakanlık"),
    ("Çevre, Şehircilik ve İklim Değişikliği Bakanlığı", "ÇŞİDB", "Bakanlık", "Bakanlık"),
    ("Dışişleri Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Enerji ve Tabii Kaynaklar Bakanlığı", "ETKB", "Bakanlık", "Bakanlık"),
    ("Gençlik ve Spor Bakanlığı", "GSB", "Bakanlık", "Bakanlık"),
    ("Hazine ve Maliye Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("İçişleri Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Kültür ve Turizm Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Millî Eğitim Bakanlığı", "MEB", "Bakanlık", "Bakanlık"),
    ("Sağlık Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Sanayi ve Teknoloji Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Tarım ve Orman Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Ticaret Bakanlığı", None, "Bakanlık", "Bakanlık"),
    ("Ulaştırma ve Altyapı Bakanlığı", "UAB", "Bakanlık", "Bakanlık"),
    ("Diyanet İşleri Başkanlığı", None, "Bağlı Kuruluş", "Başkanlık"),
    ("Türkiye İstatistik Kurumu", "TÜİK", "İlgili Kuruluş", "Kurum Başkanlığı"),
    ("Sosyal Güvenlik Kurumu", "SGK", "İlgili Kuruluş", "Kurum Başkanlığı"),
    ("Göç İdaresi Başkanlığı", None, "Bağlı Kuruluş", "Başkanlık"),
)
UNIT_TOPICS: tuple[str, ...] = (
    "Personel",
    "Strateji Geliştirme",
    "Bilgi İşlem",
    "Destek Hizmetleri",
    "Hukuk Hizmetleri",
    "Dış İlişkiler",
    "Avrupa Birliği",
    "Eğitim",
    "Denetim",
    "Teftiş",
    "İnsan Kaynakları",
    "Mali Hizmetler",
    "Araştırma ve Geliştirme",
    "Planlama",
    "Basın ve Halkla İlişkiler",
    "Kalite Yönetimi",
    "Koordinasyon",
    "Proje Yönetimi",
    "Risk Yönetimi",
    "Veri Yönetimi",
    "İzleme ve Değerlendirme",
    "Mevzuat",
    "Arşiv",
    "Satın Alma",
    "Bütçe",
    "Siber Güvenlik",
    "İstatistik",
    "Sosyal Hizmetler",
)
DEPARTMENTS = (8, 12)  # per institution
SUBUNITS = (2, 4)  # per department

Rows = list[dict[str, Any]]


def _weighted(rng: random.Random, pairs: Sequence[tuple[int, int]]) -> int:
    values = [value for value, _ in pairs]
    return rng.choices(values, weights=[weight for _, weight in pairs])[0]


def _zipf(count: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights over ranks ``0 … count - 1``."""
    cumulative: list[float] = []
    total = 0.0
    for rank in range(count):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)
    return cumulative


def _pick(
    rng: random.Random, population: Sequence[int], cumulative: list[float] | None, count: int
) -> list[int]:
    """Up to ``count`` distinct items, drawn by the cumulative weights (uniformly without)."""
    chosen: list[int] = []
    for _ in range(count * 10):
        if len(chosen) == count:
            break
        if cumulative is None:
            item = rng.choice(population)
        else:
            item = rng.choices(population, cum_weights=cumulative)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _day(rng: random.Random, first_year: int, last_year: int) -> date:
    start = date(first_year, 1, 1)
    return start + timedelta(days=rng.randrange((date(last_year, 12, 31) - start).days))


@functools.cache
def _indexed(title: str, number: str | None = None) -> tuple[str, str]:
    """``search_text`` and ``sort_key`` as the record services compute them."""
    return turkish.fold(" ".join(filter(None, (number, title)))), turkish.sort_key(title)[:600]


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@dataclass
class Units:
    institutions: list[int] = field(default_factory=list)  # organization ids
    departments: list[int] = field(default_factory=list)
    subunits: list[int] = field(default_factory=list)
    inside: dict[int, list[int]] = field(default_factory=dict)  # institution → its units
    numbers: dict[int, str] = field(default_factory=dict)  # organization id → DETSİS number

    @property
    def providers(self) -> list[int]:
        """Units that provide services: departments and the units under them."""
        return self.departments + self.subunits


def build_units(rng: random.Random, rows: dict[str, Rows]) -> Units:
    """Institutions (with a category), their departments, and sub-units under those."""
    units = Units()
    numbers = iter(rng.sample(range(10_000_000, 100_000_000), 10_000))
    versions: Rows = rows.setdefault("organization_versions", [])

    def add(
        name: str,
        short_name: str | None,
        parent: int | None,
        category: str | None,
        unit_type: str,
    ) -> int:
        org_id = len(units.numbers) + 1
        number = str(next(numbers))
        units.numbers[org_id] = number
        rows.setdefault("detsis_numbers", []).append({"number": number})
        rows.setdefault("organizations", []).append({"id": org_id, "detsis_no": number})
        search_text = turkish.fold(" ".join(filter(None, (name, short_name))))
        versions.append(
            {
                "id": org_id,
                "organization_id": org_id,
                "version": 1,
                "valid_from": FIRST_VALID_FROM,
                "valid_to": None,
                "event": "created",
                "reason": None,
                "name": name,
                "short_name": short_name,
                "english_name": None,
                "search_text": search_text,
                "sort_key": turkish.sort_key(name)[:600],
                "parent_id": parent,
                "category": category,
                "unit_type": unit_type,
                "level": "central",
                "province_code": None,
                "district": None,
                "address": None,
                "phone": None,
                "fax": None,
                "email": None,
                "web": None,
                "kep_addresses": [],
                "certificate_pem": None,
                "corresponds_externally": True,
                "status": "active",
                "recorded_by": "benchmarks/legislation.py",
            }
        )
        return org_id

    for name, short_name, category, unit_type in INSTITUTIONS:
        root = add(name, short_name, None, category, unit_type)
        units.institutions.append(root)
        inside = units.inside.setdefault(root, [])
        for topic in rng.sample(UNIT_TOPICS, rng.randint(*DEPARTMENTS)):
            dept = add(f"{topic} Dairesi Başkanlığı", None, root, None, "Daire Başkanlığı")
            units.departments.append(dept)
            inside.append(dept)
            for sub_topic in rng.sample(UNIT_TOPICS, rng.randint(*SUBUNITS)):
                sub = add(f"{sub_topic} Şube Müdürlüğü", None, dept, None, "Şube Müdürlüğü")
                units.subunits.append(sub)
                inside.append(sub)
    return units


@dataclass
class Acts:
    levels: list[list[int]]  # act ids per level: 0 = laws and decrees … 4 = deepest
    names: dict[int, str]  # act id → short label ("Kanun 5018")
    links: int = 0


def _act_row(
    act_id: int,
    type_code: int,
    number: str | None,
    title: str,
    issued: date,
    issuer: int | None,
    rng: random.Random,
) -> dict[str, Any]:
    search_text, sort_key = _indexed(title, number)
    internal = type_code >= 101
    return {
        "id": act_id,
        "type_code": type_code,
        "number": number,
        "title": title,
        "search_text": search_text,
        "sort_key": sort_key,
        "adopted_on": issued if type_code in (1, 19) or internal else None,
        "gazette_date": None if internal else issued,
        "gazette_issue": None if internal else rng.randint(10_000, 33_000),
        "gazette_repeat": None,
        "issuer_id": issuer,
        "in_force_from": issued,
        "status": "in_force",
        "repealed_on": None,
        "repealed_by_id": None,
        "version": 1,
    }


def build_acts(total: int, rng: random.Random, units: Units, rows: dict[str, Rows]) -> Acts:
    """Acts level by level, each based on acts of the level above (so the graph is acyclic)."""
    acts_rows: Rows = rows.setdefault("legislation", [])
    links: Rows = rows.setdefault("legislation_links", [])
    home: dict[int, int | None] = {}  # act → institution it belongs to (for issuers)
    names: dict[int, str] = {}
    places = list(provinces().values())

    n_top = max(2, round(total * TOP_SHARE))
    n_reg = max(2, round(total * REGULATION_SHARE))
    n_lower = max(2, round(total * LOWER_SHARE))
    n_deep = max(0, total - n_top - n_reg - n_lower)
    n_fourth = round(n_deep * FOURTH_LEVEL_SHARE)
    levels: list[list[int]] = [[], [], [], [], []]

    def new_act(
        level: int,
        type_code: int,
        number: str | None,
        title: str,
        issued: date,
        issuer: int | None,
    ) -> int:
        act_id = len(acts_rows) + 1
        acts_rows.append(_act_row(act_id, type_code, number, title, issued, issuer, rng))
        levels[level].append(act_id)
        names[act_id] = f"{LEGISLATION_TYPES[type_code]} {number or act_id}"
        return act_id

    def based_on(act_id: int, uppers: list[int]) -> None:
        for upper in uppers:
            links.append(
                {
                    "id": len(links) + 1,
                    "source_id": act_id,
                    "target_id": upper,
                    "kind": "basis",
                    "on": None,
                    "provision": None,
                }
            )

    # Level 0: laws and presidential decrees; the famous laws first (they head the ranking).
    famous = {number for number, _ in FAMOUS_LAWS}
    numbers = rng.sample(range(1000, max(7600, 1000 + 2 * n_top)), n_top + len(famous))
    law_numbers = (str(n) for n in numbers if str(n) not in famous)
    decree_number = 0
    for rank in range(n_top):
        issued = _day(rng, 1950, 2023)
        if rank < len(FAMOUS_LAWS):
            number, title = FAMOUS_LAWS[rank]
            act_id = new_act(0, 1, number, title, issued, None)
        elif rng.random() < DECREE_SHARE:
            decree_number += 1
            title = f"{rng.choice(SUBJECTS)} Hakkında Cumhurbaşkanlığı Kararnamesi"
            act_id = new_act(0, 19, str(decree_number), title, _day(rng, 2018, 2024), None)
        else:
            number = next(law_numbers)
            title = f"{rng.choice(SUBJECTS)} Kanunu"
            act_id = new_act(0, 1, number, title, issued, None)
        home[act_id] = None

    # Level 1: regulations, based on 1–3 top-level acts drawn by Zipf rank.
    top_weights = _zipf(len(levels[0]), TOP_SKEW)
    for _ in range(n_reg):
        type_code = _weighted(rng, REGULATION_TYPES)
        subject = rng.choice(SUBJECTS)
        institution: int | None = rng.choice(units.institutions)
        if type_code == 3:
            title = f"{subject} Hakkında Yönetmelik"
        elif type_code == 21:
            title, institution = f"{subject} Yönetmeliği", None
        elif type_code == 7:
            title = f"{subject} Kurum Yönetmeliği"
        else:
            title, institution = f"{rng.choice(places)} Üniversitesi {subject} Yönetmeliği", None
        act_id = new_act(1, type_code, None, title, _day(rng, 1985, 2024), institution)
        home[act_id] = institution
        based_on(act_id, _pick(rng, levels[0], top_weights, _weighted(rng, UPPER_COUNTS)))

    # Levels 2–4: communiqués and internal acts, each under acts of the level above.
    sequence = 0

    def lower_act(level: int, types: Sequence[tuple[int, int]], uppers: list[int]) -> None:
        nonlocal sequence
        institution = home[uppers[0]] or rng.choice(units.institutions)
        type_code = _weighted(rng, types)
        subject = rng.choice(SUBJECTS)
        sequence += 1
        if type_code == 9:
            year = rng.randint(2000, 2024)
            number: str | None = f"{year}/{sequence}"
            title, issuer = f"{subject} Tebliği (Sıra No: {sequence})", institution
        else:
            number = None
            kind = LEGISLATION_TYPES[type_code]
            title = f"{subject} {kind} ({sequence})"
            issuer = rng.choice(units.inside[institution])
        act_id = new_act(level, type_code, number, title, _day(rng, 2000, 2024), issuer)
        home[act_id] = institution
        based_on(act_id, uppers)

    for upper_level, count, skew, types in (
        (1, n_lower, REGULATION_SKEW, LOWER_TYPES),
        (2, n_deep - n_fourth, LOWER_SKEW, DEEPER_TYPES),
        (3, n_fourth, None, DEEPER_TYPES),
    ):
        population = list(levels[upper_level])
        if not population:
            continue
        rng.shuffle(population)  # the rank of an act in the skew is unrelated to its own uppers
        weights = _zipf(len(population), skew) if skew is not None else None
        for _ in range(count):
            uppers = _pick(rng, population, weights, _weighted(rng, LOWER_UPPER_COUNTS))
            lower_act(upper_level + 1, types, uppers)

    return Acts(levels, names, len(links))


def build_services(
    count: int, rng: random.Random, units: Units, acts: Acts, rows: dict[str, Rows]
) -> int:
    """Services citing 1–3 acts (mostly regulations and communiqués) and using 1–4 documents."""
    documents: Rows = rows.setdefault("documents", [])
    aliases: Rows = rows.setdefault("document_aliases", [])
    n_documents = max(10, round(count * DOCUMENTS_PER_SERVICE))
    seen: set[str] = set()
    candidates = list(COMMON_DOCUMENTS) + [
        f"{subject} {kind}{form}"
        for form in DOCUMENT_FORMS
        for subject in SUBJECTS
        for kind in DOCUMENT_KINDS
    ]
    tail = candidates[len(COMMON_DOCUMENTS) :]
    rng.shuffle(tail)  # the common documents head the ranking, the rest in no order
    numbered = (f"{name} {n}" for n in itertools.count(2) for name in candidates)
    for name in itertools.chain(candidates[: len(COMMON_DOCUMENTS)], tail, numbered):
        if len(documents) == n_documents:
            break
        folded = turkish.fold(name)
        if folded in seen:
            continue
        seen.add(folded)
        doc_id = len(documents) + 1
        documents.append(
            {
                "id": doc_id,
                "code": f"BLG-{doc_id:06d}",
                "name": name,
                "description": None,
                "issuer_id": rng.choice(units.institutions),
                "sample_url": None,
                "status": "active",
                "search_text": folded,
                "sort_key": turkish.sort_key(name)[:600],
                "version": 1,
            }
        )
        aliases.append({"id": doc_id, "document_id": doc_id, "alias": name, "folded": folded})

    services: Rows = rows.setdefault("services", [])
    citations: Rows = rows.setdefault("service_legal_basis", [])
    uses: Rows = rows.setdefault("service_documents", [])
    document_ids = [row["id"] for row in documents]
    document_weights = _zipf(len(document_ids), DOCUMENT_SKEW)
    top_weights = _zipf(len(acts.levels[0]), TOP_SKEW)
    providers = units.providers
    per_unit: dict[int, int] = {}
    levels = [(level, weight) for level, weight in CITED_LEVELS if acts.levels[level]]
    for service_id in range(1, count + 1):
        unit = rng.choice(providers)
        per_unit[unit] = per_unit.get(unit, 0) + 1
        name = f"{rng.choice(SUBJECTS)} {rng.choice(SERVICE_ACTIONS)}"
        search_text, sort_key = _indexed(name)
        services.append(
            {
                "id": service_id,
                "code": f"{units.numbers[unit]}-{per_unit[unit]:04d}",
                "organization_id": unit,
                "name": name,
                "description": None,
                "applicants": None,
                "kind": "core",
                "max_duration_value": None,
                "max_duration_unit": None,
                "average_duration_value": None,
                "average_duration_unit": None,
                "channels": [],
                "annual_volume": None,
                "status": "active",
                "search_text": search_text,
                "sort_key": sort_key,
                "version": 1,
            }
        )
        cited: list[int] = []
        for _ in range(_weighted(rng, CITATION_COUNTS)):
            level = _weighted(rng, levels)
            weights = top_weights if level == 0 else None
            for act in _pick(rng, acts.levels[level], weights, 1):
                if act not in cited:
                    cited.append(act)
        for position, act in enumerate(cited, start=1):
            citations.append(
                {
                    "service_id": service_id,
                    "legislation_id": act,
                    "position": position,
                    "provision": None,
                }
            )
        used = _pick(rng, document_ids, document_weights, _weighted(rng, DOCUMENT_COUNTS))
        for position, document in enumerate(used, start=1):
            role = "issued" if rng.random() < ISSUED_SHARE else "required"
            uses.append(
                {
                    "service_id": service_id,
                    "document_id": document,
                    "role": role,
                    "position": position,
                }
            )
    return len(documents)


@dataclass
class Dataset:
    units: Units
    acts: Acts
    services: int
    documents: int
    rows: dict[str, Rows]


def build_rows(n_acts: int, n_services: int, seed: int) -> Dataset:
    rng = random.Random(seed)
    rows: dict[str, Rows] = {}
    units = build_units(rng, rows)
    acts = build_acts(n_acts, rng, units, rows)
    documents = build_services(n_services, rng, units, acts, rows)
    return Dataset(units, acts, n_services, documents, rows)


# Parents before children, for the foreign keys.
TABLES = (
    "detsis_numbers",
    "organizations",
    "organization_versions",
    "legislation",
    "legislation_links",
    "services",
    "service_legal_basis",
    "documents",
    "document_aliases",
    "service_documents",
)
SEQUENCED = (
    "organizations",
    "organization_versions",
    "legislation",
    "legislation_links",
    "services",
    "documents",
    "document_aliases",
)


def load(engine: Engine, rows: dict[str, Rows]) -> None:
    """Bulk insert with Core ``executemany`` in foreign-key order, then ``ANALYZE``."""
    with engine.begin() as connection:
        for name in TABLES:
            table, table_rows = Base.metadata.tables[name], rows.get(name, [])
            for start in range(0, len(table_rows), INSERT_CHUNK):
                connection.execute(insert(table), table_rows[start : start + INSERT_CHUNK])
        if connection.dialect.name == "postgresql":
            for name in SEQUENCED:
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                        f"(SELECT max(id) FROM {name}))"
                    )
                )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass
class Row:
    label: str
    times: list[float]
    answer: str = ""


@dataclass
class GraphLoad:
    seconds: float
    traced_seconds: float
    peak: int
    retained: int
    size: dict[str, int]
    statements: list[str]  # issued by a later ``current`` call
    resync: list[float]


def measure_graph(db: Database, repeat: int) -> GraphLoad:
    """First load of the process's graph (timed), the same load under tracemalloc, a re-sync."""
    with db.sessionmaker() as session:
        start = time.perf_counter()
        graph = legal_graph.current(session)
        seconds = time.perf_counter() - start
    size = graph.size()

    # The same load into a throwaway graph, traced: the process-level one stays untouched.
    gc.collect()
    tracemalloc.start()
    with db.sessionmaker() as session:
        start = time.perf_counter()
        scratch = legal_graph.LegalGraph().sync(session)
        traced_seconds = time.perf_counter() - start
    gc.collect()
    retained, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert scratch.size() == size
    del scratch

    statements: list[str] = []

    def capture(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        statements.append(" ".join(statement.split()))

    def resync() -> None:
        with db.sessionmaker() as session:
            assert legal_graph.current(session) is graph

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        resync()
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    return GraphLoad(
        seconds, traced_seconds, peak, retained, size, statements, timed(resync, repeat)
    )


@dataclass
class Targets:
    top: int
    top_reach: int
    typical_top: int
    typical_reach: int
    regulation: int
    regulation_reach: int
    reach_of_top_level: list[int]  # largest first
    reach_of_regulations: list[int]  # of those with derived acts, smallest first


TARGET_MS = 500  # "well under a second", for the overview and for one institution's part
REGULATION_PERCENTILE = 0.9  # the "mid-sized" regulation, among those with derived acts


def choose_targets(db: Database, acts: Acts) -> Targets:
    """The top-level act reaching the most acts, a median one, and a mid-sized regulation."""
    with db.sessionmaker() as session:
        graph = legal_graph.current(session)
    top_reach = {act: len(graph.derived(act, None)) for act in acts.levels[0]}
    by_reach = sorted(top_reach, key=lambda act: (-top_reach[act], act))
    top = by_reach[0]
    typical = by_reach[len(by_reach) // 2]
    regulation_reach = {act: len(graph.derived(act, None)) for act in acts.levels[1]}
    with_derived = sorted(
        (act for act, reach in regulation_reach.items() if reach),
        key=lambda act: (regulation_reach[act], act),
    ) or list(acts.levels[1])
    regulation = with_derived[round(REGULATION_PERCENTILE * (len(with_derived) - 1))]
    return Targets(
        top,
        top_reach[top],
        typical,
        top_reach[typical],
        regulation,
        regulation_reach[regulation],
        sorted(top_reach.values(), reverse=True),
        [regulation_reach[act] for act in with_derived],
    )


def count_statements(db: Database, call: Callable[[], Any]) -> int:
    """SQL statements one call sends (BEGIN and the like included)."""
    statements = 0

    def count(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return statements


def _get(client: FlaskClient, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} → {response.status_code}: {response.get_data()[:500]!r}")
    return response


def _impact_answer(answer: dict[str, Any]) -> str:
    totals = answer["totals"]
    return (
        f"{totals['legislation']:,} acts, {totals['services']:,} services, "
        f"{totals['documents']:,} documents, {totals['standards_tables']:,} tables, "
        f"{totals['institutions']:,} institutions"
    )


def _megabytes(response: Any) -> str:
    size = len(response.data)
    return f"{size / 1e6:.1f} MB JSON" if size >= 100_000 else f"{size / 1e3:.1f} kB JSON"


def measure(
    db: Database, client: FlaskClient, targets: Targets, acts: Acts, repeat: int
) -> tuple[Row, list[Row]]:
    """The baseline and every timed read, each with its answer and the SQL it sends."""
    top, regulation, typical = targets.top, targets.regulation, targets.typical_top
    api = "/api/v1/legislation"

    def http(path: str) -> Callable[[], Any]:
        return lambda: _get(client, f"{api}/{path}")

    def service_impact() -> dict[str, Any]:
        with db.sessionmaker() as session:
            act = session.get(Legislation, top)
            assert act is not None
            return legislation_impact.impact(session, act)

    def graph_walk() -> tuple[dict[int, int], set[int]]:
        with db.sessionmaker() as session:
            return legal_graph.current(session).dependents([top])

    def impact_answer(response: Any) -> str:
        return f"{_impact_answer(response.get_json())}; {_megabytes(response)}"

    def derived_answer(response: Any) -> str:
        total = json.loads(response.headers["X-Pagination"])["total"]
        page = len(response.get_json())
        return f"{page:,} of {total:,} acts (one page); {_megabytes(response)}"

    def probe(label: str, call: Callable[[], Any], describe: Callable[[Any], str]) -> Row:
        answer = describe(call())
        statements = count_statements(db, call)
        return Row(label, timed(call, repeat), f"{answer}; {statements} SQL")

    baseline = probe(f"HTTP GET /{top} (baseline)", http(str(top)), lambda _: f"{acts.names[top]}")
    overview = _get(client, f"{api}/{top}/impact").get_json()
    largest = max(overview["institutions"], key=lambda group: sum(group["totals"].values()))
    rows = [
        probe(f"HTTP impact (overview), top law {top}", http(f"{top}/impact"), impact_answer),
        probe(
            f"HTTP impact?institution=<largest part>&details=true, top law {top}",
            http(f"{top}/impact?institution={largest['institution']}&details=true"),
            lambda response: (
                f"{largest['name']}: "
                + ", ".join(f"{n:,} {kind}" for kind, n in largest["totals"].items())
                + f"; {_megabytes(response)}"
            ),
        ),
        probe(
            f"HTTP impact?details=true (everything), top law {top}",
            http(f"{top}/impact?details=true"),
            impact_answer,
        ),
        probe(f"service impact() overview, top law {top}", service_impact, _impact_answer),
        probe(
            f"graph walk only, top law {top}",
            graph_walk,
            lambda found: f"{len(found[0]):,} acts, {len(found[1]):,} services",
        ),
        probe(
            f"HTTP derived?depth=all, top law {top}",
            http(f"{top}/derived?depth=all"),
            derived_answer,
        ),
        probe(
            f"HTTP derived?depth=all&page_size=500, top law {top}",
            http(f"{top}/derived?depth=all&page_size=500"),
            derived_answer,
        ),
        probe(
            f"HTTP derived?depth=all, regulation {regulation}",
            http(f"{regulation}/derived?depth=all"),
            derived_answer,
        ),
        probe(
            f"HTTP impact?details=true, median top-level act {typical}",
            http(f"{typical}/impact?details=true"),
            impact_answer,
        ),
    ]
    return baseline, rows


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


def _levels(dataset: Dataset) -> str:
    return " ".join(f"{level}:{len(ids):,}" for level, ids in enumerate(dataset.acts.levels))


def _mb(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def report(
    args: argparse.Namespace,
    dataset: Dataset,
    build: dict[str, float],
    load: GraphLoad,
    targets: Targets,
    baseline: Row,
    rows: list[Row],
) -> None:
    rows_total = sum(len(table_rows) for table_rows in dataset.rows.values())
    units = dataset.units
    print(f"\nBackend: {args.backend}, seed {args.seed}, repeat {args.repeat}")
    print(
        f"  {sum(len(ids) for ids in dataset.acts.levels):,} acts (per level {_levels(dataset)}), "
        f"{dataset.acts.links:,} basis links; {dataset.services:,} services, "
        f"{len(dataset.rows['service_legal_basis']):,} citations; {dataset.documents:,} "
        f"documents, {len(dataset.rows['service_documents']):,} service-document rows"
    )
    print(
        f"  {len(units.numbers):,} units ({len(units.institutions)} institutions, "
        f"{len(units.departments)} departments, {len(units.subunits)} sub-units); "
        f"{rows_total:,} rows inserted"
    )
    print("  build: " + ", ".join(f"{k} {v:.1f} s" for k, v in build.items()))
    print(
        f"  reach of the top-level acts (derived acts): largest "
        f"{', '.join(f'{r:,}' for r in targets.reach_of_top_level[:5])}; median "
        f"{targets.typical_reach:,}"
    )
    reach = targets.reach_of_regulations
    print(
        f"  reach of the {len(reach):,} regulations with derived acts: "
        + ", ".join(f"p{p} {percentile(reach, p / 100):,}" for p in (50, 90, 99))
        + f", max {reach[-1]:,}; the mid-sized regulation is the p"
        f"{REGULATION_PERCENTILE * 100:.0f} one, act {targets.regulation} "
        f"({targets.regulation_reach:,} derived acts)"
    )
    print(
        f"  top law: act {targets.top} ({dataset.acts.names[targets.top]}), "
        f"{targets.top_reach:,} derived acts"
    )

    size = load.size
    print("\nIn-memory graph")
    print(
        f"  size: {size['acts']:,} acts + {size['services']:,} services = "
        f"{size['acts'] + size['services']:,} nodes, {size['edges']:,} edges"
    )
    print(
        f"  first load (legal_graph.current on a fresh process): {load.seconds * 1000:,.0f} ms "
        f"({load.traced_seconds * 1000:,.0f} ms under tracemalloc)"
    )
    nodes = size["acts"] + size["services"]
    print(
        f"  memory (tracemalloc): held after load {_mb(load.retained)} "
        f"(~{load.retained / max(1, nodes + size['edges']):,.0f} B per node+edge), "
        f"peak during load {_mb(load.peak)}"
    )
    selects = [s for s in load.statements if s.upper().startswith("SELECT")]
    print(
        f"  later current() (no change since): median {statistics.median(load.resync):.2f} ms, "
        f"p95 {percentile(load.resync, 0.95):.2f} ms; {len(load.statements)} statement(s), "
        f"{len(selects)} SELECT: {'; '.join(selects)[:160]}"
    )

    base = statistics.median(baseline.times)
    width = max(len(row.label) for row in [baseline, *rows]) + 2
    print()
    print(f"{'measurement':<{width}}{'p50 ms':>10}{'p95 ms':>10}{'× base':>9}   answer")
    for row in [baseline, *rows]:
        median = statistics.median(row.times)
        print(
            f"{row.label:<{width}}{median:>10.2f}{percentile(row.times, 0.95):>10.2f}"
            f"{median / base:>9.1f}   {row.answer}"
        )

    overview, part = statistics.median(rows[0].times), statistics.median(rows[1].times)
    passed = overview < TARGET_MS and part < TARGET_MS
    print(
        f"\n{'PASS' if passed else 'FAIL'}: impact of the top law (act {targets.top}, "
        f"{targets.top_reach:,} derived acts) over HTTP: overview {overview:,.0f} ms median "
        f"({overview / base:.1f}× the baseline), the largest institution's part in full "
        f"{part:,.0f} ms ({part / base:.1f}×); target: each under {TARGET_MS:,} ms"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])

    def count(value: str) -> int:
        return int(value.replace("_", "").replace(",", ""))

    parser.add_argument("--acts", type=count, default=100_000, help="acts (default 100000)")
    parser.add_argument("--services", type=count, default=50_000, help="services (default 50000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed calls each (default 20)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    args = parser.parse_args(argv)
    if args.acts < 100:
        parser.error("--acts must be at least 100")
    if args.services < 1 or args.repeat < 1:
        parser.error("--services and --repeat must be positive")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    build: dict[str, float] = {}
    print(
        f"building {args.acts:,} acts and {args.services:,} services on {args.backend}…",
        flush=True,
    )
    start = time.perf_counter()
    dataset = build_rows(args.acts, args.services, args.seed)
    build["generate"] = time.perf_counter() - start
    with database(args.backend, "legislation") as url, tempfile.TemporaryDirectory() as index_dir:
        app = create_app(
            {"DATABASE_URL": url, "TESTING": True, "INDEX_DIR": index_dir, "SECRET_KEY": "bench"}
        )
        logging.getLogger("alembic").setLevel(logging.WARNING)
        db = get_db(app)
        try:
            start = time.perf_counter()
            migrate.upgrade(db.engine)
            build["migrate"] = time.perf_counter() - start
            start = time.perf_counter()
            load(db.engine, dataset.rows)
            build["insert+analyze"] = time.perf_counter() - start
            print("measuring…", flush=True)
            graph_load = measure_graph(db, args.repeat)
            targets = choose_targets(db, dataset.acts)
            baseline, rows = measure(db, app.test_client(), targets, dataset.acts, args.repeat)
        finally:
            db.dispose()
    report(args, dataset, build, graph_load, targets, baseline, rows)
    print(f"(total run time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
