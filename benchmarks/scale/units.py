"""The organization tree (DETSİS): institutions, their central and provincial units.

About twenty institutions, each a tree up to seven levels deep (general directorates,
departments, branches, sections, offices, teams) and, for twelve of them, 81 provincial units
with district units below. Upper fan-outs grow with the requested size, lower ones never do, so a
unit at a given depth looks the same in a registry of 2,000 units and of 200,000. About 10 % of
the units were renamed in 2024 (two versions), about 1 % closed that year and merged into a
sibling (a link). Valiliks and kaymakamlıks are ``Mülki İdare`` institutions, as in DETSİS; every
institution and provincial unit has a KEP address.

Why this module is long: most of it is the vocabulary (institutions, topics, districts) that
makes the names realistic; the tree and its plan are the last third.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.scale.common import Plan, Row, distinct, folded
from registry.ebys.chain import LOCAL_ADMINISTRATION
from registry.kernel import text
from registry.kernel.reference import provinces
from registry.organizations.bulk import NewUnit, UnitChange
from registry.organizations.models import DetsisNumber, Organization, OrganizationVersion

FIRST_VALID_FROM = date(2015, 1, 1)
HISTORY_SHARE = 0.10  # units renamed on a date in 2024
MERGED_SHARE = 0.01  # units closed in 2024 and merged into a sibling (organization_links rows)


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
    """One unit of the generated registry (``Tree.numbers`` holds its DETSİS number)."""

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


def _shape(seed: int, scale: float, *, count_only: bool = False) -> list[Node]:
    """The tree, depth first: upper fan-outs grow with ``scale``, lower ones never do.

    ``count_only`` draws the same tree without building it: the list then holds one shared
    placeholder per unit (enough for ``len``, several times faster).
    """
    rng = random.Random(seed)
    nodes: list[Node] = []
    codes = sorted(provinces())
    placeholder = Node(-1, 0, "", 0)

    def add(parent: int, kind: str, institution: int, province: int | None = None) -> int:
        if count_only:
            nodes.append(placeholder)
            return len(nodes) - 1
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
    while len(_shape(seed, high, count_only=True)) < size and high < 1_000:
        low, high = high, high * 2
    best_scale = high
    for _ in range(30):
        middle = (low + high) / 2
        units = len(_shape(seed, middle, count_only=True))
        if units >= size:
            high, best_scale = middle, middle
            if units <= size * 1.01:
                break
        else:
            low = middle
    trimmed = _trim(_shape(seed, best_scale), size, random.Random(seed + 7))
    # Below one unit per institution only institutions are left: keep the first ``size``.
    return trimmed[:size], best_scale


# --------------------------------------------------------------------------------------------
# Rows
# --------------------------------------------------------------------------------------------


def _names(
    nodes: list[Node], rng: random.Random, taken_roots: set[str]
) -> list[tuple[str, str | None]]:
    """Current and former (None unless renamed) name of every unit; siblings never share one,
    nor a root the name of a root already registered (``taken_roots``: name keys)."""
    names: list[tuple[str, str | None]] = [("", None)] * len(nodes)
    plates = provinces()
    roots = set(taken_roots)
    for index, node in enumerate(nodes):
        if node.depth > 0:
            continue
        name, number = INSTITUTIONS[node.institution].name, 1
        while text.name_key(name) in roots:  # appending to a registry: "Adalet Bakanlığı 2"
            number += 1
            name = f"{INSTITUTIONS[node.institution].name} {number}"
        roots.add(text.name_key(name))
        names[index] = (name, None)
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
                places = distinct(rng, DISTRICTS, len(children))
                for child, place in zip(children, places, strict=True):
                    names[child] = (
                        provincial.district.format(d=place),
                        provincial.district_old.format(d=place),
                    )
                continue
            suffix = SUBUNIT_KINDS[kind][0]
            topics = distinct(rng, TOPICS, len(children))
            taken = set(topics)  # a former name is no sibling's name, then or now
            for child, topic in zip(children, topics, strict=True):
                free = [other for other in TOPICS if other not in taken]
                former = rng.choice(free) if free else f"Eski {topic}"
                taken.add(former)
                names[child] = (f"{topic} {suffix}", f"{former} {suffix}")
    return names


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
class Tree:
    """The generated tree: ``nodes[i]`` is the unit with DETSİS number ``numbers[i]``, created as
    ``Plan.units[first + i]``."""

    nodes: list[Node]
    numbers: list[str]
    names: list[str]  # as of today
    renamed: list[bool]
    scale: float
    versions: int
    links: int
    first: int = 0

    def is_open(self, index: int) -> bool:
        return self.nodes[index].merged_into < 0


def kep_address(name: str) -> list[dict[str, Any]]:
    """A plausible KEP address made of the unit's name (not a real one)."""
    slug = "".join(c for c in folded(name) if c.isalnum())[:40]
    return [{"address": f"{slug}@hs01.kep.tr", "active": True}]


_INTERIOR = next(i for i, inst in enumerate(INSTITUTIONS) if inst.name == "İçişleri Bakanlığı")


def _numbers(rng: random.Random, count: int, taken: set[str]) -> list[str]:
    """``count`` distinct random 8-digit numbers, none of them ever assigned before."""
    numbers = [str(n) for n in rng.sample(range(10_000_000, 100_000_000), count)]
    if not taken:
        return numbers
    used = set(numbers)
    for index, number in enumerate(numbers):
        while number in taken:
            candidate = str(rng.randrange(10_000_000, 100_000_000))
            if candidate not in used:
                number = candidate
        if number != numbers[index]:
            used.add(number)
            numbers[index] = number
    return numbers


def generate(
    plan: Plan, size: int, seed: int, taken: set[str], taken_roots: set[str] = frozenset()
) -> Tree:
    """Plan ``size`` units created in 2015, then the renames and merges of 2024; ``taken``:
    numbers already assigned in the registry, never reused; ``taken_roots``: name keys of the
    registered top-level units, never repeated."""
    merged = round(size * MERGED_SHARE)
    nodes, scale = build_shape(size - merged, seed)
    rng = random.Random(seed + 1)
    _add_merged(nodes, merged, rng)
    numbers = _numbers(rng, len(nodes), taken)
    names = _names(nodes, rng, set(taken_roots))
    first = len(plan.units)
    renamed: list[bool] = []
    changes: list[UnitChange] = []
    for index, node in enumerate(nodes):
        institution = INSTITUTIONS[node.institution]
        name, former = names[index]
        short_name = institution.short_name if node.depth == 0 else None
        category: str | None = None
        if node.depth == 0:
            unit_type, category = institution.unit_type, institution.category
        elif node.kind == "province":
            assert institution.provincial is not None
            unit_type = institution.provincial.province_type
        elif node.kind == "district":
            assert institution.provincial is not None
            unit_type = institution.provincial.district_type
        else:
            unit_type = SUBUNIT_KINDS[node.kind][1]
        if node.institution == _INTERIOR and node.kind in ("province", "district"):
            category = LOCAL_ADMINISTRATION
        with_kep = node.depth == 0 or node.kind == "province" or category is not None
        district = None
        if node.kind == "district":
            district = name.split(" ")[0]
        elif node.level == "provincial" and node.kind != "province":
            cursor = node.parent
            while nodes[cursor].kind not in ("district", "province"):
                cursor = nodes[cursor].parent
            if nodes[cursor].kind == "district":
                district = names[cursor][0].split(" ")[0]
        was_renamed = (
            node.merged_into < 0
            and former is not None
            and former != name
            and rng.random() < HISTORY_SHARE
        )
        renamed.append(was_renamed)
        changed_on = date(2024, 1, 1) + timedelta(days=rng.randrange(366))
        data: Row = {
            "name": former if was_renamed and former else name,
            "short_name": short_name,
            "category": category,
            "unit_type": unit_type,
            "level": node.level,
            "province_code": node.province,
            "district": district,
            "kep_addresses": kep_address(name) if with_kep else [],
            "corresponds_externally": True,
        }
        parent = first + node.parent if node.parent >= 0 else None
        plan.units.append(NewUnit(data, FIRST_VALID_FROM, numbers[index], parent))
        if node.merged_into >= 0:
            changes.append(
                UnitChange(
                    numbers[index],
                    changed_on,
                    "Birleştirme",
                    close=True,
                    successors=(numbers[node.merged_into],),
                )
            )
        if was_renamed:
            changes.append(
                UnitChange(numbers[index], changed_on, "Unvan değişikliği", {"name": name})
            )
    plan.unit_changes.extend(changes)
    return Tree(
        nodes,
        numbers,
        [name for name, _ in names],
        renamed,
        scale,
        len(nodes) + len(changes),
        sum(change.close for change in changes),
        first,
    )


# --------------------------------------------------------------------------------------------
# What the other generators need of the units
# --------------------------------------------------------------------------------------------

# Department-level units: where citizens' services are provided.
PROVIDER_KINDS = ("department", "province", "district")
PROVIDER_TYPES = frozenset(
    {
        "Daire Başkanlığı",
        "İl Müdürlüğü",
        "İlçe Müdürlüğü",
        "Valilik",
        "Kaymakamlık",
        "Bölge Müdürlüğü",
        "Müdürlük",
        "Merkez",
    }
)
ISSUER_TYPES = frozenset({"Genel Müdürlük", "Daire Başkanlığı"})


@dataclass
class UnitPool:
    """The units services, acts and documents are given to, by DETSİS number."""

    institutions: list[str] = field(default_factory=list)
    names: dict[str, str] = field(default_factory=dict)  # institution → name
    providers: list[str] = field(default_factory=list)  # open department-level units
    institution_of: dict[str, str] = field(default_factory=dict)  # provider → institution
    central: dict[str, list[str]] = field(default_factory=dict)  # institution → issuing units


def pool_of_tree(tree: Tree) -> UnitPool:
    pool = UnitPool()
    roots: dict[int, str] = {}  # institution number → its unit
    for index, node in enumerate(tree.nodes):
        if node.depth == 0:
            number = tree.numbers[index]
            roots[node.institution] = number
            pool.institutions.append(number)
            pool.names[number] = tree.names[index]
            pool.central[number] = []
    for index, node in enumerate(tree.nodes):
        if not tree.is_open(index) or node.depth == 0:
            continue
        number, institution = tree.numbers[index], roots[node.institution]
        if node.kind in PROVIDER_KINDS:
            pool.providers.append(number)
            pool.institution_of[number] = institution
        if node.kind in ("directorate", "department"):
            pool.central[institution].append(number)
    for institution, units in pool.central.items():
        if not units:
            units.append(institution)
    return pool


def pool_of_database(session: Session) -> UnitPool:
    """The units already registered (open today's-latest versions): institutions are the units
    with a category, providers the department-level ones (any unit, failing those)."""
    version = OrganizationVersion
    rows = session.execute(
        select(
            version.organization_id,
            version.parent_id,
            version.category,
            version.unit_type,
            version.name,
            Organization.detsis_no,
        )
        .join(Organization, Organization.id == version.organization_id)
        .where(version.valid_to.is_(None), version.status == "active")
        .order_by(version.organization_id)
    ).all()
    parents = {row.organization_id: row.parent_id for row in rows}
    numbers = {row.organization_id: row.detsis_no for row in rows}
    names = {row.organization_id: row.name for row in rows}
    categories = {row.organization_id: row.category for row in rows}

    def institution_of(org_id: int) -> str:
        cursor: int | None = org_id
        last = org_id
        for _ in range(64):  # deeper than any administration; guards against a cycle
            if cursor is None or cursor not in parents:
                return numbers[last]
            if categories[cursor]:
                return numbers[cursor]
            last, cursor = cursor, parents[cursor]
        return numbers[last]

    pool = UnitPool()
    for row in rows:
        if row.category:
            pool.institutions.append(row.detsis_no)
            pool.names[row.detsis_no] = row.name
            pool.central[row.detsis_no] = []
    by_number = {row.detsis_no: row.organization_id for row in rows}
    providers = [row for row in rows if row.unit_type in PROVIDER_TYPES]
    for row in providers or [row for row in rows if row.parent_id is not None] or rows:
        pool.providers.append(row.detsis_no)
        institution = institution_of(row.organization_id)
        pool.institution_of[row.detsis_no] = institution
        if institution not in pool.names:  # a root without a category still owns its units
            pool.institutions.append(institution)
            pool.names[institution] = names[by_number[institution]]
            pool.central[institution] = []
    for row in rows:
        if row.unit_type in ISSUER_TYPES:
            institution = institution_of(row.organization_id)
            if institution in pool.central:
                pool.central[institution].append(row.detsis_no)
    for institution, units in pool.central.items():
        if not units:
            units.append(institution)
    return pool


def taken_numbers(session: Session) -> set[str]:
    return set(session.scalars(select(DetsisNumber.number)))


def taken_root_names(session: Session) -> set[str]:
    """Name keys of every top-level unit at any date: an appended tree repeats none."""
    rows = session.scalars(
        select(OrganizationVersion.name).where(OrganizationVersion.parent_id.is_(None))
    )
    return {text.name_key(name) for name in rows}
