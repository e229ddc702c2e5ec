"""Benchmark of the organization tree reads at two registry sizes.

Builds a realistic DETSİS registry (about 20 institutions, each a tree up to 7 levels deep: general
directorates, departments, branches… and, for some institutions, 81 provincial units with districts
below) at each requested size, then times ``ancestors``, ``children``, ``subtree(depth=2)`` and the
``?at=`` lookups through the service layer and through the HTTP API. The targets are chosen by the
same rule at every size (same depth, same number of children, same subtree size) so the answers
are comparable; the cost of a read must follow the size of its answer, not of the registry, so the
ratio of the medians between the largest and the smallest registry must stay under 2.

Usage, from the repository root::

    python benchmarks/tree.py [--sizes 2000,200000] [--backend sqlite|postgresql]
                              [--repeat N] [--seed S] [--sample N] [--explain]
"""

from __future__ import annotations

import argparse
import functools
import logging
import random
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flask import Flask  # noqa: E402
from flask.testing import FlaskClient  # noqa: E402
from sqlalchemy import event, insert, text  # noqa: E402
from sqlalchemy.engine import Engine  # noqa: E402

from registry import create_app, migrate, turkish  # noqa: E402
from registry.clock import today  # noqa: E402
from registry.db import Database, get_db  # noqa: E402
from registry.models import (  # noqa: E402
    DetsisNumber,
    Organization,
    OrganizationLink,
    OrganizationVersion,
)
from registry.reference import provinces  # noqa: E402
from registry.services import organization_tree as tree  # noqa: E402

# --------------------------------------------------------------------------------------------
# The shape of the registry
# --------------------------------------------------------------------------------------------

FIRST_VALID_FROM = date(2015, 1, 1)
PAST = date(2023, 6, 1)
HISTORY_SHARE = 0.10  # units renamed on a date in 2024
MERGED_SHARE = 0.01  # units closed in 2024 and merged into a sibling (organization_links rows)
DEEPEST = 6  # institution (0) → general directorate → department → branch → … → team (6)
CHILDREN_BAND = (4, 8)  # targets of ``children``: units with this many sub-units
SUBTREE_BAND = (10, 30)  # targets of ``subtree(depth=2)``: depth-2 subtrees of this many units
INSERT_CHUNK = 5_000


@dataclass(frozen=True)
class Provincial:
    """How an institution names its provincial and district units (and how they were named)."""

    province: str
    province_old: str
    province_type: str
    district: str
    district_old: str
    district_type: str


@dataclass(frozen=True)
class Institution:
    name: str
    short_name: str | None
    category: str
    unit_type: str
    directorates: bool  # general directorates between the institution and its departments
    provincial: Provincial | None = None


def _provincial(field_name: str, old_field: str | None = None) -> Provincial:
    old = old_field or field_name
    return Provincial(
        f"{{p}} İl {field_name} Müdürlüğü",
        f"{{p}} {old} Müdürlüğü",
        "İl Müdürlüğü",
        f"{{d}} İlçe {field_name} Müdürlüğü",
        f"{{d}} {old} Müdürlüğü",
        "İlçe Müdürlüğü",
    )


INSTITUTIONS: tuple[Institution, ...] = (
    Institution("Adalet Bakanlığı", None, "Bakanlık", "Bakanlık", True),
    Institution(
        "Aile ve Sosyal Hizmetler Bakanlığı",
        "ASHB",
        "Bakanlık",
        "Bakanlık",
        True,
        Provincial(
            "{p} Aile ve Sosyal Hizmetler İl Müdürlüğü",
            "{p} Aile, Çalışma ve Sosyal Hizmetler İl Müdürlüğü",
            "İl Müdürlüğü",
            "{d} Sosyal Hizmet Merkezi Müdürlüğü",
            "{d} Sosyal Hizmet Merkezi",
            "Merkez",
        ),
    ),
    Institution("Çalışma ve Sosyal Güvenlik Bakanlığı", "ÇSGB", "Bakanlık", "Bakanlık", True),
    Institution(
        "Çevre, Şehircilik ve İklim Değişikliği Bakanlığı",
        "ÇŞİDB",
        "Bakanlık",
        "Bakanlık",
        True,
        Provincial(
            "{p} Çevre, Şehircilik ve İklim Değişikliği İl Müdürlüğü",
            "{p} Çevre ve Şehircilik İl Müdürlüğü",
            "İl Müdürlüğü",
            "{d} Çevre ve Şehircilik İlçe Müdürlüğü",
            "{d} Çevre ve Şehircilik Şefliği",
            "İlçe Müdürlüğü",
        ),
    ),
    Institution("Dışişleri Bakanlığı", None, "Bakanlık", "Bakanlık", True),
    Institution("Enerji ve Tabii Kaynaklar Bakanlığı", "ETKB", "Bakanlık", "Bakanlık", True),
    Institution(
        "Gençlik ve Spor Bakanlığı",
        "GSB",
        "Bakanlık",
        "Bakanlık",
        True,
        Provincial(
            "{p} Gençlik ve Spor İl Müdürlüğü",
            "{p} Gençlik Hizmetleri ve Spor İl Müdürlüğü",
            "İl Müdürlüğü",
            "{d} Gençlik ve Spor İlçe Müdürlüğü",
            "{d} Gençlik Hizmetleri ve Spor İlçe Müdürlüğü",
            "İlçe Müdürlüğü",
        ),
    ),
    Institution(
        "Hazine ve Maliye Bakanlığı",
        None,
        "Bakanlık",
        "Bakanlık",
        True,
        Provincial(
            "{p} Defterdarlığı",
            "{p} Defterdarlık Müdürlüğü",
            "Müdürlük",
            "{d} Malmüdürlüğü",
            "{d} Mal Müdürlüğü",
            "İlçe Müdürlüğü",
        ),
    ),
    Institution(
        "İçişleri Bakanlığı",
        None,
        "Bakanlık",
        "Bakanlık",
        True,
        Provincial(
            "{p} Valiliği",
            "{p} Valiliği İl İdare Müdürlüğü",
            "Valilik",
            "{d} Kaymakamlığı",
            "{d} Kaymakamlığı İlçe İdaresi",
            "Kaymakamlık",
        ),
    ),
    Institution(
        "Kültür ve Turizm Bakanlığı",
        None,
        "Bakanlık",
        "Bakanlık",
        True,
        _provincial("Kültür ve Turizm"),
    ),
    Institution(
        "Millî Eğitim Bakanlığı", "MEB", "Bakanlık", "Bakanlık", True, _provincial("Millî Eğitim")
    ),
    Institution("Millî Savunma Bakanlığı", "MSB", "Bakanlık", "Bakanlık", True),
    Institution("Sağlık Bakanlığı", None, "Bakanlık", "Bakanlık", True, _provincial("Sağlık")),
    Institution(
        "Sanayi ve Teknoloji Bakanlığı",
        None,
        "Bakanlık",
        "Bakanlık",
        True,
        _provincial("Sanayi ve Teknoloji", "Bilim, Sanayi ve Teknoloji"),
    ),
    Institution(
        "Tarım ve Orman Bakanlığı",
        None,
        "Bakanlık",
        "Bakanlık",
        True,
        _provincial("Tarım ve Orman", "Gıda, Tarım ve Hayvancılık"),
    ),
    Institution("Ticaret Bakanlığı", None, "Bakanlık", "Bakanlık", True),
    Institution("Ulaştırma ve Altyapı Bakanlığı", "UAB", "Bakanlık", "Bakanlık", True),
    Institution(
        "Diyanet İşleri Başkanlığı",
        None,
        "Bağlı Kuruluş",
        "Başkanlık",
        False,
        Provincial(
            "{p} İl Müftülüğü",
            "{p} Müftülüğü",
            "Müdürlük",
            "{d} İlçe Müftülüğü",
            "{d} Müftülüğü",
            "Müdürlük",
        ),
    ),
    Institution("Türkiye İstatistik Kurumu", "TÜİK", "İlgili Kuruluş", "Kurum Başkanlığı", False),
    Institution(
        "Sosyal Güvenlik Kurumu",
        "SGK",
        "İlgili Kuruluş",
        "Kurum Başkanlığı",
        True,
        Provincial(
            "{p} Sosyal Güvenlik İl Müdürlüğü",
            "{p} Sosyal Sigortalar İl Müdürlüğü",
            "İl Müdürlüğü",
            "{d} Sosyal Güvenlik Merkezi Müdürlüğü",
            "{d} Sosyal Güvenlik Merkezi",
            "Merkez",
        ),
    ),
)

TOPICS: tuple[str, ...] = (
    "Personel",
    "Strateji Geliştirme",
    "Bilgi İşlem",
    "Bilgi Teknolojileri",
    "Destek Hizmetleri",
    "Hukuk Hizmetleri",
    "Dış İlişkiler",
    "Avrupa Birliği",
    "Eğitim",
    "Denetim",
    "Teftiş",
    "İnsan Kaynakları",
    "Mali Hizmetler",
    "Yatırım ve İşletmeler",
    "Araştırma ve Geliştirme",
    "Planlama",
    "Basın ve Halkla İlişkiler",
    "Kalite Yönetimi",
    "İdari ve Mali İşler",
    "Sağlık Hizmetleri",
    "Tesisler",
    "Koordinasyon",
    "Proje Yönetimi",
    "Risk Yönetimi",
    "Veri Yönetimi",
    "Uluslararası İlişkiler",
    "İzleme ve Değerlendirme",
    "Mevzuat",
    "Arşiv",
    "Satın Alma",
    "Muhasebe",
    "Bütçe",
    "İç Denetim",
    "Siber Güvenlik",
    "Coğrafi Bilgi Sistemleri",
    "İstatistik",
    "Halkla İlişkiler",
    "Sosyal Tesisler",
    "Ölçme ve Değerlendirme",
    "Öğretmen Yetiştirme",
    "Özel Kalem",
    "Çağrı Merkezi",
    "Şikâyet Yönetimi",
    "Kurumsal İletişim",
    "Yayın",
    "Kütüphane ve Dokümantasyon",
    "Sivil Savunma",
    "Acil Durum",
    "İşletme",
    "Bakım ve Onarım",
    "Lojistik",
    "Taşınmaz Yönetimi",
    "Yapı İşleri",
    "Teknik İşler",
    "Ar-Ge",
    "Yazılım Geliştirme",
    "Altyapı",
    "Ağ Yönetimi",
    "Sosyal Hizmetler",
    "Eğitim Teknolojileri",
)

DISTRICTS: tuple[str, ...] = (
    "Merkez",
    "Yenice",
    "Gölbaşı",
    "Bozkurt",
    "Kale",
    "Pazar",
    "Bahçe",
    "Karacabey",
    "Yenişehir",
    "Akçakale",
    "Bozova",
    "Yeşilyurt",
    "Saray",
    "Kocaköy",
    "Köprübaşı",
    "Çamlıyayla",
    "Sarıkaya",
    "Akyurt",
    "Kızılcahamam",
    "Çayırova",
    "Karapınar",
    "Ortaköy",
    "Kemalpaşa",
    "Beyşehir",
    "Ilgın",
    "Çumra",
    "Ereğli",
    "Taşova",
    "Suluova",
    "Havza",
    "Çarşamba",
    "Terme",
    "Bafra",
    "Ünye",
    "Fatsa",
    "Gölcük",
    "Kandıra",
    "Akçaabat",
    "Of",
    "Sürmene",
    "Arsin",
    "Vakfıkebir",
    "Tirebolu",
    "Espiye",
    "Ödemiş",
    "Tire",
    "Bergama",
    "Dikili",
    "Menemen",
    "Torbalı",
    "Seferihisar",
    "Urla",
    "Çeşme",
    "Kuşadası",
    "Söke",
    "Didim",
    "Nazilli",
    "Bozdoğan",
    "Çine",
    "Karacasu",
)

# Sub-units: kind → (suffix of the name, unit type).
SUBUNIT_KINDS: dict[str, tuple[str, str]] = {
    "directorate": ("Genel Müdürlüğü", "Genel Müdürlük"),
    "department": ("Dairesi Başkanlığı", "Daire Başkanlığı"),
    "branch": ("Şube Müdürlüğü", "Şube Müdürlüğü"),
    "section": ("Şefliği", "Birim"),
    "office": ("Bürosu", "Birim"),
    "team": ("Ekibi", "Birim"),
}


@dataclass(slots=True)
class Node:
    """One unit of the generated registry; ``index + 1`` is its ``organizations.id``."""

    parent: int  # index of the parent, -1 for an institution
    depth: int
    kind: str
    institution: int
    province: int | None = None
    level: str = "central"
    children: list[int] = field(default_factory=list)
    merged_into: int = -1  # index of the successor of a unit closed by a merge


def _fan(rng: random.Random, low: int, high: int, scale: float = 1.0, minimum: int = 0) -> int:
    """A fan-out drawn from ``[low, high]``, the bounds multiplied by ``scale``."""
    lo = max(minimum, round(low * scale))
    return rng.randint(lo, max(lo, round(high * scale)))


def _shape(seed: int, scale: float) -> list[Node]:
    """The tree, depth first: upper fan-outs grow with ``scale``, lower ones never do."""
    rng = random.Random(seed)
    nodes: list[Node] = []
    codes = sorted(provinces())

    def add(parent: int, kind: str, institution: int, province: int | None = None) -> int:
        depth = nodes[parent].depth + 1 if parent >= 0 else 0
        level = "provincial" if province is not None else "central"
        nodes.append(Node(parent, depth, kind, institution, province, level))
        index = len(nodes) - 1
        if parent >= 0:
            nodes[parent].children.append(index)
        return index

    def department(parent: int, institution: int) -> None:
        dept = add(parent, "department", institution)
        for _ in range(_fan(rng, 2, 6)):
            branch = add(dept, "branch", institution)
            for _ in range(_fan(rng, 0, 3)):
                section = add(branch, "section", institution)
                for _ in range(_fan(rng, 0, 2)):
                    office = add(section, "office", institution)
                    if rng.random() < 0.4:
                        for _ in range(_fan(rng, 1, 2)):
                            add(office, "team", institution)

    for number, institution in enumerate(INSTITUTIONS):
        root = add(-1, "institution", number)
        if institution.directorates:
            for _ in range(_fan(rng, 5, 15, scale, 1)):
                directorate = add(root, "directorate", number)
                for _ in range(_fan(rng, 3, 10, scale, 1)):
                    department(directorate, number)
        else:
            for _ in range(_fan(rng, 6, 20, scale, 1)):
                department(root, number)
        if institution.provincial is None:
            continue
        count = min(len(codes), max(1, round(len(codes) * scale)))
        for code in sorted(rng.sample(codes, count)):
            province = add(root, "province", number, code)
            for _ in range(_fan(rng, 3, 21, scale, 1)):
                district = add(province, "district", number, code)
                for _ in range(_fan(rng, 1, 4)):
                    section = add(district, "section", number, code)
                    for _ in range(_fan(rng, 0, 3)):
                        add(section, "office", number, code)
            for _ in range(_fan(rng, 1, 4)):
                branch = add(province, "branch", number, code)
                for _ in range(_fan(rng, 0, 2)):
                    section = add(branch, "section", number, code)
                    for _ in range(_fan(rng, 0, 1)):
                        add(section, "office", number, code)
    return nodes


def _trim(nodes: list[Node], size: int, rng: random.Random) -> list[Node]:
    """Drop random leaves until exactly ``size`` units remain (institutions are never dropped)."""
    removed: set[int] = set()
    child_count = [len(node.children) for node in nodes]
    while len(nodes) - len(removed) > size:
        leaves = [
            i
            for i, node in enumerate(nodes)
            if i not in removed and node.depth > 0 and child_count[i] == 0
        ]
        if not leaves:
            break
        for i in rng.sample(leaves, min(len(leaves), len(nodes) - len(removed) - size)):
            removed.add(i)
            child_count[nodes[i].parent] -= 1
    if not removed:
        return nodes
    new_index: dict[int, int] = {}
    kept: list[Node] = []
    for i, node in enumerate(nodes):
        if i in removed:
            continue
        new_index[i] = len(kept)
        parent = new_index[node.parent] if node.parent >= 0 else -1
        kept.append(
            Node(parent, node.depth, node.kind, node.institution, node.province, node.level)
        )
        if parent >= 0:
            kept[parent].children.append(len(kept) - 1)
    return kept


def build_shape(size: int, seed: int) -> tuple[list[Node], float]:
    """Find the scale whose tree reaches ``size`` units, then trim it to exactly ``size``."""
    low, high = 0.0, 1.0
    while len(_shape(seed, high)) < size and high < 1_000:
        low, high = high, high * 2
    best = _shape(seed, high)
    best_scale = high
    for _ in range(30):
        middle = (low + high) / 2
        nodes = _shape(seed, middle)
        if len(nodes) >= size:
            high, best, best_scale = middle, nodes, middle
            if len(nodes) <= size * 1.01:
                break
        else:
            low = middle
    return _trim(best, size, random.Random(seed + 7)), best_scale


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


@functools.cache
def _indexed(name: str, short_name: str | None) -> tuple[str, str]:
    """``search_text`` and ``sort_key`` exactly as ``organization_changes._index_names``."""
    search_text = turkish.fold(" ".join(filter(None, (name, short_name))))
    return search_text, turkish.sort_key(name)[:600]


def _names(nodes: list[Node], rng: random.Random) -> list[tuple[str, str | None]]:
    """Current and former (None unless renamed) name of every unit; siblings never share one."""
    names: list[tuple[str, str | None]] = [("", None)] * len(nodes)
    plates = provinces()
    for index, node in enumerate(nodes):
        if node.depth > 0:
            continue
        institution = INSTITUTIONS[node.institution]
        names[index] = (institution.name, None)
    for parent_node in nodes:
        by_kind: dict[str, list[int]] = {}
        for child in parent_node.children:
            by_kind.setdefault(nodes[child].kind, []).append(child)
        for kind, children in by_kind.items():
            if kind == "province":
                provincial = INSTITUTIONS[parent_node.institution].provincial
                assert provincial is not None
                for child in children:
                    place = plates[nodes[child].province or 0]
                    names[child] = (
                        provincial.province.format(p=place),
                        provincial.province_old.format(p=place),
                    )
                continue
            if kind == "district":
                provincial = INSTITUTIONS[parent_node.institution].provincial
                assert provincial is not None
                places = _distinct(rng, DISTRICTS, len(children))
                for child, place in zip(children, places, strict=True):
                    names[child] = (
                        provincial.district.format(d=place),
                        provincial.district_old.format(d=place),
                    )
                continue
            suffix = SUBUNIT_KINDS[kind][0]
            topics = _distinct(rng, TOPICS, len(children))
            for child, topic in zip(children, topics, strict=True):
                former = rng.choice([other for other in TOPICS if other != topic])
                names[child] = (f"{topic} {suffix}", f"{former} {suffix}")
    return names


def _distinct(rng: random.Random, pool: Sequence[str], count: int) -> list[str]:
    """``count`` different words from ``pool``, numbered once the pool runs out."""
    words = rng.sample(pool, min(count, len(pool)))
    for extra in range(count - len(words)):
        words.append(f"{pool[extra % len(pool)]} {extra // len(pool) + 2}")
    return words


def _add_merged(nodes: list[Node], count: int, rng: random.Random) -> None:
    """Append ``count`` leaves closed by a merge into a sibling (never a province or a root)."""
    candidates = [i for i, node in enumerate(nodes) if node.depth > 0 and node.kind != "province"]
    for successor in rng.sample(candidates, min(count, len(candidates))):
        model = nodes[successor]
        nodes.append(
            Node(
                model.parent,
                model.depth,
                model.kind,
                model.institution,
                model.province,
                model.level,
                merged_into=successor,
            )
        )
        nodes[model.parent].children.append(len(nodes) - 1)


@dataclass
class Dataset:
    nodes: list[Node]
    numbers: list[str]
    renamed: list[bool]
    scale: float
    versions: int
    links: int


Rows = list[dict[str, Any]]


def build_rows(size: int, seed: int) -> tuple[Dataset, dict[str, Rows]]:
    """The generated tree, and the rows of every table keyed by table name."""
    merged = round(size * MERGED_SHARE)
    nodes, scale = build_shape(size - merged, seed)
    rng = random.Random(seed + 1)
    _add_merged(nodes, merged, rng)
    numbers = [str(n) for n in rng.sample(range(10_000_000, 100_000_000), len(nodes))]
    names = _names(nodes, rng)
    organizations: Rows = []
    versions: Rows = []
    links: Rows = []
    renamed: list[bool] = []
    for index, node in enumerate(nodes):
        org_id = index + 1
        organizations.append({"id": org_id, "detsis_no": numbers[index]})
        institution = INSTITUTIONS[node.institution]
        name, former = names[index]
        short_name = institution.short_name if node.depth == 0 else None
        if node.depth == 0:
            unit_type, category = institution.unit_type, institution.category
        elif node.kind == "province":
            assert institution.provincial is not None
            unit_type, category = institution.provincial.province_type, None
        elif node.kind == "district":
            assert institution.provincial is not None
            unit_type, category = institution.provincial.district_type, None
        else:
            unit_type, category = SUBUNIT_KINDS[node.kind][1], None
        district = None
        if node.kind == "district":
            district = name.split(" ")[0]
        elif node.level == "provincial" and node.kind != "province":
            cursor = node.parent
            while nodes[cursor].kind not in ("district", "province"):
                cursor = nodes[cursor].parent
            if nodes[cursor].kind == "district":
                district = names[cursor][0].split(" ")[0]
        base = {
            "organization_id": org_id,
            "reason": None,
            "english_name": None,
            "parent_id": node.parent + 1 if node.parent >= 0 else None,
            "category": category,
            "unit_type": unit_type,
            "level": node.level,
            "province_code": node.province,
            "district": district,
            "address": None,
            "phone": None,
            "fax": None,
            "email": None,
            "web": None,
            "kep_addresses": [],
            "certificate_pem": None,
            "corresponds_externally": True,
            "status": "active",
            "recorded_by": "benchmarks/tree.py",
        }
        was_renamed = (
            node.merged_into < 0
            and former is not None
            and former != name
            and rng.random() < HISTORY_SHARE
        )
        renamed.append(was_renamed)
        first_name = former if was_renamed and former else name
        renamed_on = date(2024, 1, 1) + timedelta(days=rng.randrange(366))
        if node.merged_into >= 0:
            closed = {
                **base,
                "id": len(versions) + 2,
                "version": 2,
                "valid_from": renamed_on,
                "valid_to": None,
                "event": "merged",
                "reason": "Birleştirme",
                "name": name,
                "short_name": None,
                "status": "closed",
            }
            closed["search_text"], closed["sort_key"] = _indexed(name, None)
            links.append(
                {
                    "id": len(links) + 1,
                    "predecessor_id": org_id,
                    "successor_id": node.merged_into + 1,
                    "event": "merged",
                    "effective_on": renamed_on,
                }
            )
        first = {
            **base,
            "id": len(versions) + 1,
            "version": 1,
            "valid_from": FIRST_VALID_FROM,
            "valid_to": renamed_on if was_renamed or node.merged_into >= 0 else None,
            "event": "created",
            "name": first_name,
            "short_name": short_name,
        }
        first["search_text"], first["sort_key"] = _indexed(first_name, short_name)
        versions.append(first)
        if node.merged_into >= 0:
            versions.append(closed)
        if was_renamed:
            second = {
                **base,
                "id": len(versions) + 1,
                "version": 2,
                "valid_from": renamed_on,
                "valid_to": None,
                "event": "renamed",
                "reason": "Unvan değişikliği",
                "name": name,
                "short_name": short_name,
            }
            second["search_text"], second["sort_key"] = _indexed(name, short_name)
            versions.append(second)
    dataset = Dataset(nodes, numbers, renamed, scale, len(versions), len(links))
    rows = {
        "detsis_numbers": [{"number": row["detsis_no"]} for row in organizations],
        "organizations": organizations,
        "organization_versions": versions,
        "organization_links": links,
    }
    return dataset, rows


def load(engine: Engine, rows: dict[str, Rows]) -> None:
    """Bulk insert with Core ``executemany``, then ``ANALYZE`` so the planner knows the indexes."""
    tables = {
        table.name: table
        for table in (
            DetsisNumber.__table__,
            Organization.__table__,
            OrganizationVersion.__table__,
            OrganizationLink.__table__,
        )
    }
    with engine.begin() as connection:
        for name, table_rows in rows.items():
            for start in range(0, len(table_rows), INSERT_CHUNK):
                chunk = table_rows[start : start + INSERT_CHUNK]
                connection.execute(insert(tables[name]), chunk)
        if connection.dialect.name == "postgresql":
            for table in ("organizations", "organization_versions", "organization_links"):
                connection.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                        f"(SELECT max(id) FROM {table}))"
                    )
                )
    with engine.begin() as connection:
        connection.execute(text("ANALYZE"))


# --------------------------------------------------------------------------------------------
# Targets and operations
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operation:
    name: str
    targets: str  # which sample of units it runs on
    service: Callable[[Any, str], Any]
    url: str  # HTTP path, with {no}
    answer_size: Callable[[Any], int]


def _subtree_size(node: tree.SubtreeNode) -> int:
    return 1 + sum(_subtree_size(child) for child in node.children)


def operations(on: date) -> list[Operation]:
    """The timed reads; ``on`` is today's date for the current view."""
    return [
        Operation(
            "ancestors",
            "deepest",
            lambda s, no: tree.ancestors(s, no, on),
            "/api/v1/organizations/{no}/ancestors",
            len,
        ),
        Operation(
            "children",
            "children",
            lambda s, no: tree.children(s, no, on, 0, 50),
            "/api/v1/organizations/{no}/children",
            lambda answer: answer[1],
        ),
        Operation(
            "subtree(depth=2)",
            "subtree",
            lambda s, no: tree.subtree(s, no, 2, on),
            "/api/v1/organizations/{no}/subtree?depth=2",
            _subtree_size,
        ),
        Operation(
            f"get_unit ?at={PAST.isoformat()}",
            "deepest",
            lambda s, no: tree.get_unit(s, no, PAST),
            f"/api/v1/organizations/{{no}}?at={PAST.isoformat()}",
            lambda view: len(view.path),
        ),
        Operation(
            "get_unit (today)",
            "deepest",
            lambda s, no: tree.get_unit(s, no, on),
            "/api/v1/organizations/{no}",
            lambda view: len(view.path),
        ),
    ]


def choose_targets(dataset: Dataset, sample: int, seed: int) -> dict[str, list[str]]:
    """The same rule at every size: deepest units, units with 4–8 children, small subtrees."""
    nodes = dataset.nodes
    deepest_level = min(DEEPEST, max(node.depth for node in nodes))
    deepest = [i for i, node in enumerate(nodes) if node.depth == deepest_level]
    with_children = [
        i
        for i, node in enumerate(nodes)
        if CHILDREN_BAND[0] <= len(node.children) <= CHILDREN_BAND[1]
    ]
    subtree: list[int] = []
    for i, node in enumerate(nodes):
        size = 1 + len(node.children) + sum(len(nodes[c].children) for c in node.children)
        if SUBTREE_BAND[0] <= size <= SUBTREE_BAND[1]:
            subtree.append(i)
    rng = random.Random(seed + 2)
    chosen: dict[str, list[str]] = {}
    for key, pool in (("deepest", deepest), ("children", with_children), ("subtree", subtree)):
        picks = rng.sample(pool, sample) if len(pool) >= sample else rng.choices(pool, k=sample)
        chosen[key] = [dataset.numbers[i] for i in picks]
    return chosen


# --------------------------------------------------------------------------------------------
# Measuring
# --------------------------------------------------------------------------------------------


@dataclass
class Timing:
    service: list[float] = field(default_factory=list)
    http: list[float] = field(default_factory=list)
    answer_sizes: list[int] = field(default_factory=list)


def _percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def measure(
    db: Database,
    client: FlaskClient,
    ops: list[Operation],
    targets: dict[str, list[str]],
    repeat: int,
) -> dict[str, Timing]:
    """Milliseconds per call, through a fresh session (like a request) and through HTTP."""
    results: dict[str, Timing] = {}
    for op in ops:
        numbers = targets[op.targets]
        for _ in range(3):  # warm up: caches, pool, prepared plans
            for number in numbers[:25]:
                with db.sessionmaker() as session:
                    op.service(session, number)
                client.get(op.url.format(no=number))
        timing = Timing()
        for number in numbers:
            with db.sessionmaker() as session:
                timing.answer_sizes.append(op.answer_size(op.service(session, number)))
        for _ in range(repeat):
            for number in numbers:
                start = time.perf_counter()
                with db.sessionmaker() as session:
                    op.service(session, number)
                timing.service.append((time.perf_counter() - start) * 1000)
        for number in numbers:
            url = op.url.format(no=number)
            start = time.perf_counter()
            response = client.get(url)
            timing.http.append((time.perf_counter() - start) * 1000)
            if response.status_code != 200:
                raise RuntimeError(f"GET {url} → {response.status_code}: {response.get_data()!r}")
        results[op.name] = timing
    return results


def _short_sql(statement: str) -> str:
    """The statement on one line, with long column lists elided."""
    flat = " ".join(statement.split())
    return re.sub(
        r"SELECT (?:(?!\bFROM\b).){80,}? FROM",
        lambda m: "SELECT " + m.group(0)[7:40].rsplit(",", 1)[0] + ", … FROM",
        flat,
    )


@dataclass
class Plan:
    statement: str
    lines: list[str]
    scans: bool


def explain(db: Database, op: Operation, number: str) -> list[Plan]:
    """The plan of every SELECT the operation issues (EXPLAIN QUERY PLAN / EXPLAIN)."""
    captured: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            captured.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", capture)
    try:
        with db.sessionmaker() as session:
            op.service(session, number)
    finally:
        event.remove(db.engine, "before_cursor_execute", capture)
    plans: list[Plan] = []
    seen: set[str] = set()
    with db.engine.connect() as connection:
        sqlite = connection.dialect.name == "sqlite"
        for statement, parameters in captured:
            if statement in seen:
                continue
            seen.add(statement)
            prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
            rows = connection.exec_driver_sql(prefix + statement, parameters).all()
            if sqlite:
                depth: dict[int, int] = {0: 0}
                lines = []
                for row in rows:
                    depth[row[0]] = depth.get(row[1], 0) + 1
                    lines.append("  " * (depth[row[0]] - 1) + str(row[3]))
                scans = any(
                    line.strip().startswith(f"SCAN {name}")
                    for line in lines
                    for name in ("organization_versions", "organizations", "organization_links")
                )
            else:
                lines = [str(row[0]) for row in rows]
                scans = any(
                    "Seq Scan on organization" in line
                    or "ix_organization_versions_sort_key" in line
                    for line in lines
                )
            plans.append(Plan(_short_sql(statement), lines, scans))
        connection.rollback()
    return plans


# --------------------------------------------------------------------------------------------
# Running
# --------------------------------------------------------------------------------------------


@dataclass
class SizeResult:
    size: int
    build: dict[str, float]
    dataset: Dataset
    timings: dict[str, Timing]
    plans: dict[str, list[Plan]]


@contextmanager
def databases(backend: str) -> Iterator[Callable[[int], str]]:
    """A factory of fresh, empty database URLs; the PostgreSQL server is stopped at the end."""
    with tempfile.TemporaryDirectory(prefix="registry-bench-") as directory:
        if backend == "sqlite":
            yield lambda size: f"sqlite:///{Path(directory) / f'tree-{size}.sqlite3'}"
            return
        from tests.postgres import ThrowawayPostgres

        server = ThrowawayPostgres().start()
        try:
            yield lambda size: server.create_database(f"bench_tree_{size}")
        finally:
            server.stop()


def run_size(url: str, size: int, args: argparse.Namespace, index_dir: str) -> SizeResult:
    """Build one registry, then time every operation on it."""
    build: dict[str, float] = {}
    start = time.perf_counter()
    dataset, rows = build_rows(size, args.seed)
    build["generate"] = time.perf_counter() - start

    app: Flask = create_app(
        {"DATABASE_URL": url, "TESTING": True, "INDEX_DIR": index_dir, "SECRET_KEY": "bench"}
    )
    logging.getLogger("alembic").setLevel(logging.WARNING)
    db = get_db(app)
    try:
        start = time.perf_counter()
        migrate.upgrade(db.engine)
        build["migrate"] = time.perf_counter() - start
        start = time.perf_counter()
        load(db.engine, rows)
        build["insert+analyze"] = time.perf_counter() - start
        del rows

        ops = operations(today())
        targets = choose_targets(dataset, args.sample, args.seed)
        timings = measure(db, app.test_client(), ops, targets, args.repeat)
        plans = {op.name: explain(db, op, targets[op.targets][0]) for op in ops}
    finally:
        db.dispose()
    return SizeResult(size, build, dataset, timings, plans)


def _history_on_path(dataset: Dataset, index: int) -> bool:
    """Whether the unit or one of its ancestors has two versions (``?at=`` must choose)."""
    while index >= 0:
        if dataset.renamed[index]:
            return True
        index = dataset.nodes[index].parent
    return False


def _cell(values: Sequence[float]) -> str:
    return f"{statistics.median(values):7.2f} / {_percentile(values, 0.95):7.2f}"


def report(results: list[SizeResult], backend: str, explain_all: bool) -> None:
    """Print the shape, the timing table, the plans of badly scaling queries and the verdict."""
    print(f"\nBackend: {backend}")
    for result in results:
        nodes = result.dataset.nodes
        per_depth: dict[int, int] = {}
        for node in nodes:
            per_depth[node.depth] = per_depth.get(node.depth, 0) + 1
        provincial = sum(node.level == "provincial" for node in nodes)
        deepest = [i for i, node in enumerate(nodes) if node.depth == DEEPEST]
        with_history = sum(_history_on_path(result.dataset, i) for i in deepest)
        build = ", ".join(f"{k} {v:.1f} s" for k, v in result.build.items())
        print(
            f"  {result.size:,} units ({result.dataset.versions:,} versions, "
            f"{sum(result.dataset.renamed):,} renamed and {result.dataset.links:,} merged "
            f"in 2024, {provincial:,} provincial), {len(INSTITUTIONS)} institutions, "
            f"scale {result.dataset.scale:.3f}"
        )
        print(
            "    units per depth "
            + " ".join(f"{d}:{n:,}" for d, n in sorted(per_depth.items()))
            + f"; depth-{DEEPEST} units renamed or under a renamed unit: "
            + f"{with_history / max(1, len(deepest)):.0%}"
        )
        print(f"    build: {build} (total {sum(result.build.values()):.1f} s)")

    small, large = results[0], results[-1]
    headers = [f"{r.size:,} units p50/p95 ms" for r in results]
    width = 34
    print()
    print(
        f"{'operation':<{width}}"
        + "".join(f"{h:>26}" for h in headers)
        + f"{'ratio p50':>11}   answer size (mean)"
    )
    ratios: list[tuple[str, float]] = []
    for layer in ("service", "http"):
        for name in small.timings:
            cells = [_cell(getattr(r.timings[name], layer)) for r in results]
            ratio = statistics.median(getattr(large.timings[name], layer)) / statistics.median(
                getattr(small.timings[name], layer)
            )
            ratios.append((f"{layer} {name}", ratio))
            answers = " vs ".join(
                f"{statistics.mean(r.timings[name].answer_sizes):.1f}" for r in results
            )
            label = f"{'HTTP' if layer == 'http' else 'service'}  {name}"
            print(
                f"{label:<{width}}"
                + "".join(f"{c:>26}" for c in cells)
                + f"{ratio:>11.2f}   {answers}"
            )
    print(
        "\nanswer size: ancestors = path length, children = count, subtree = units, "
        "get_unit = path length incl. the unit"
    )

    bad = {name.split(" ", 1)[1] for name, ratio in ratios if ratio >= 2}
    for name, plans in large.plans.items():
        scanning = [plan for plan in plans if plan.scans]
        if not (explain_all or name in bad or scanning):
            continue
        print(f"\nPlans of {name} at {large.size:,} units:")
        for plan in plans:
            flag = "  <-- scans a table" if plan.scans else ""
            print(f"  SQL: {plan.statement}{flag}")
            for line in plan.lines:
                print(f"    {line}")

    verdict = "PASS" if all(ratio < 2 for _, ratio in ratios) else "FAIL"
    worst_name, worst = max(ratios, key=lambda item: item[1])
    print(
        f"\n{verdict}: every ratio < 2 ({large.size:,} vs {small.size:,} units; "
        f"worst {worst:.2f}, {worst_name})"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        default="2000,200000",
        type=lambda value: [int(part.replace("_", "")) for part in value.split(",")],
        help="registry sizes in units, comma-separated (default 2000,200000)",
    )
    parser.add_argument("--backend", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3, help="timed calls per target (default 3)")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--sample", type=int, default=200, help="targets per operation")
    parser.add_argument("--explain", action="store_true", help="print every query plan")
    args = parser.parse_args(argv)
    if len(args.sizes) < 2:
        parser.error("--sizes needs at least two sizes")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    results: list[SizeResult] = []
    started = time.perf_counter()
    with databases(args.backend) as new_database, tempfile.TemporaryDirectory() as index_dir:
        for size in sorted(args.sizes):
            print(f"building and measuring {size:,} units on {args.backend}…", flush=True)
            results.append(run_size(new_database(size), size, args, index_dir))
    report(results, args.backend, args.explain)
    print(f"(total run time {time.perf_counter() - started:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
