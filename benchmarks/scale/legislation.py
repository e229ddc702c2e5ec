"""Legislation (KMS): a graph of acts five levels deep, with amendments and repeals.

About 0.8 % of the acts are laws and presidential decrees, a few big laws (5018, 2547, 657…)
heading a Zipf ranking; 15 % are regulations, each based on 1–3 of them drawn by that ranking;
60 % are communiqués and internal acts based on 1–2 regulations; the rest lie deeper, based on
those. Among the regulations and communiqués, some amend an earlier one (with the same basis, as
"… Değişiklik Yapılmasına Dair …" acts do) and some regulations repeal and replace an earlier one
of the same title (the act repealed stays, marked so). Links only point upwards, so the basis graph
is acyclic; only acts in force are given as a basis or cited.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.scale.common import Plan, Row, day, pick, weighted, zipf
from benchmarks.scale.units import UnitPool
from benchmarks.scale.words import SUBJECTS, subjects_of
from registry.legislation.bulk import Earlier, NewAct, Touch
from registry.legislation.models import Legislation
from schemas.vocabularies import INTERNAL_LEGISLATION_TYPES, LEGISLATION_TYPES

# Share of the acts at each level; the deeper acts are whatever is left.
TOP_SHARE = 0.008  # laws and presidential decrees
REGULATION_SHARE = 0.15
LOWER_SHARE = 0.60  # communiqués and internal acts based on regulations
FOURTH_LEVEL_SHARE = 0.25  # of the deeper acts: based on another deeper act (level 4)
DECREE_SHARE = 0.2  # of the top-level acts: presidential decrees (type 19)
AMENDMENT_SHARE = 0.05  # of regulations and communiqués: acts amending an earlier one
REPLACEMENT_SHARE = 0.02  # of regulations: a new one repealing an earlier one of the same title

TOP_SKEW = 1.0  # Zipf exponent: how much a few big laws dominate the basis of regulations
REGULATION_SKEW = 0.8  # … of regulations under communiqués
LOWER_SKEW = 0.6  # … of communiqués under the deeper acts

REGULATION_TYPES = ((3, 45), (21, 10), (7, 25), (8, 20))  # (type code, weight)
LOWER_TYPES = ((9, 40), (101, 25), (102, 10), (103, 5), (104, 20))
DEEPER_TYPES = ((101, 45), (102, 20), (103, 10), (104, 25))
UPPER_COUNTS = ((1, 50), (2, 35), (3, 15))  # basis links of a regulation
LOWER_UPPER_COUNTS = ((1, 70), (2, 30))  # basis links of a communiqué or a deeper act
AMENDABLE = frozenset({3, 7, 8, 9, 21})  # types whose amendments are acts of their own

LAST_DAY = date(2025, 12, 31)
PROVINCES_WITH_UNIVERSITIES = (
    "Ankara",
    "İstanbul",
    "İzmir",
    "Sakarya",
    "Erzurum",
    "Trabzon",
    "Eskişehir",
    "Konya",
    "Kayseri",
    "Samsun",
    "Gaziantep",
    "Diyarbakır",
    "Van",
    "Malatya",
    "Bursa",
)

# The laws at the head of the Zipf ranking, with the day each was adopted.
FAMOUS_LAWS: tuple[tuple[str, str, date], ...] = (
    ("5018", "Kamu Malî Yönetimi ve Kontrol Kanunu", date(2003, 12, 10)),
    ("2547", "Yükseköğretim Kanunu", date(1981, 11, 4)),
    ("657", "Devlet Memurları Kanunu", date(1965, 7, 14)),
    ("6458", "Yabancılar ve Uluslararası Koruma Kanunu", date(2013, 4, 4)),
    ("5510", "Sosyal Sigortalar ve Genel Sağlık Sigortası Kanunu", date(2006, 5, 31)),
    ("4734", "Kamu İhale Kanunu", date(2002, 1, 4)),
    ("3194", "İmar Kanunu", date(1985, 5, 3)),
    ("213", "Vergi Usul Kanunu", date(1961, 1, 4)),
    ("4857", "İş Kanunu", date(2003, 5, 22)),
    ("1739", "Millî Eğitim Temel Kanunu", date(1973, 6, 14)),
    ("5393", "Belediye Kanunu", date(2005, 7, 3)),
    ("3289", "Gençlik ve Spor Hizmetleri Kanunu", date(1986, 5, 21)),
)


@dataclass
class Acts:
    """The acts in force, level by level (0 = laws and decrees … 4 = deepest), for citing, by
    planned id (``Plan.first_act`` on) until written, then by id."""

    levels: list[list[int]] = field(default_factory=lambda: [[], [], [], [], []])
    names: dict[int, str] = field(default_factory=dict)  # act id → label ("Kanun 5018")
    links: dict[str, int] = field(default_factory=dict)  # link kind → rows written
    repealed: int = 0
    count: int = 0

    def written(self, first: int, ids: list[int]) -> None:
        """The planned acts were written with ``ids``: name them by those from now on."""

        def real(act: int) -> int:
            return ids[act - first] if act >= first else act

        self.levels = [[real(act) for act in level] for level in self.levels]
        self.names = {real(act): name for act, name in self.names.items()}


def _gazette_issue(published: date) -> int:
    """About the Resmî Gazete's issue number on that day (7,400 in 1950, 32,700 in 2024)."""
    return 7_400 + round((published - date(1950, 1, 1)).days * 0.935)


def _split(total: int) -> tuple[int, int, int, int]:
    """Acts per level (top, regulations, lower, deeper), adding up to ``total`` exactly."""
    top = min(total, max(1, round(total * TOP_SHARE)))
    regulations = min(total - top, max(1, round(total * REGULATION_SHARE)))
    lower = min(total - top - regulations, max(1, round(total * LOWER_SHARE)))
    return top, regulations, lower, total - top - regulations - lower


def amendment_title(title: str, type_code: int, sequence: int) -> str:
    """How the Resmî Gazete titles an act amending ``title``."""
    if type_code == 9:
        return f"{title}'nde Değişiklik Yapılmasına Dair Tebliğ (Sıra No: {sequence})"
    if title.endswith("Yönetmeliği"):
        return f"{title[:-1]}nde Değişiklik Yapılmasına Dair Yönetmelik"
    if title.endswith("Yönetmelik"):
        return f"{title}te Değişiklik Yapılmasına Dair Yönetmelik"
    return f"{title} Değişikliği"


def generate(
    plan: Plan, total: int, rng: random.Random, units: UnitPool, taken: set[tuple[int, str]]
) -> Acts:
    """Plan ``total`` acts and their links; ``taken``: (type, number) of the national acts
    already registered, never given twice."""
    first_id = plan.first_act
    rows: list[Row] = []
    acts = Acts(count=total)
    home: dict[int, str | None] = {}  # act → institution it belongs to
    uppers_of: dict[int, list[int]] = {}
    amendable: list[list[int]] = [[], [], [], [], []]  # in force, per level
    n_top, n_reg, n_lower, n_deep = _split(total)
    n_fourth = round(n_deep * FOURTH_LEVEL_SHARE)
    institutions = units.institutions

    def new_act(
        level: int,
        type_code: int,
        number: str | None,
        title: str,
        issued: date,
        issuer: str | None,
        *,
        usable: bool = True,
    ) -> int:
        act_id = first_id + len(rows)
        rows.append(
            {
                "id": act_id,
                "type_code": type_code,
                "number": number,
                "title": title,
                "issuer": issuer,
                "in_force_from": issued,
                "basis": [],
                "amends": [],
                "repeals": [],
            }
        )
        if usable:
            acts.levels[level].append(act_id)
            if type_code in AMENDABLE:
                amendable[level].append(act_id)
        acts.names[act_id] = f"{LEGISLATION_TYPES[type_code]} {number or act_id}"
        return act_id

    def link(source: int, target: int, kind: str, on: date | None, provision: str | None) -> None:
        """``source`` relies on, amends or repeals ``target``, an earlier act of the plan."""
        to = Earlier(target - first_id)
        if on is None:
            row(source)[kind].append(to)
        else:
            row(source)[kind].append(Touch(to, on, provision))
        acts.links[kind] = acts.links.get(kind, 0) + 1

    def based_on(act_id: int, uppers: list[int]) -> None:
        uppers_of[act_id] = uppers
        for upper in uppers:
            link(act_id, upper, "basis", None, None)

    def row(act_id: int) -> Row:
        return rows[act_id - first_id]

    def later(act_id: int) -> date:
        """A day after the act was published (when an amendment or a repeal comes)."""
        published: date = row(act_id)["in_force_from"]
        start = min(published + timedelta(days=30), LAST_DAY)
        return day(rng, start, max(start, LAST_DAY))

    def amend(level: int, sequence: int) -> bool:
        """An act amending an earlier one of the level, if there is one to amend."""
        if not amendable[level]:
            return False
        target = rng.choice(amendable[level])
        old = row(target)
        on = later(target)
        title = amendment_title(old["title"], old["type_code"], sequence)
        number = f"{on.year}/{sequence}" if old["type_code"] == 9 else None
        if number is not None and (9, number) in taken:
            return False
        act_id = new_act(level, old["type_code"], number, title, on, old["issuer"], usable=False)
        home[act_id] = home[target]
        based_on(act_id, uppers_of[target])
        link(act_id, target, "amends", on, f"Madde {rng.randint(1, 40)}")
        return True

    def replace(level: int) -> bool:
        """A regulation repealing an earlier one of the same title (it replaces it)."""
        candidates = [act for act in amendable[level] if row(act)["type_code"] != 9]
        if not candidates:
            return False
        target = rng.choice(candidates)
        old = row(target)
        on = later(target)
        act_id = new_act(level, old["type_code"], None, old["title"], on, old["issuer"])
        home[act_id] = home[target]
        based_on(act_id, uppers_of[target])
        link(act_id, target, "repeals", on, None)
        acts.levels[level].remove(target)
        amendable[level].remove(target)
        acts.repealed += 1
        return True

    # Level 0: laws and presidential decrees; the famous laws first (they head the ranking).
    famous = [law for law in FAMOUS_LAWS if (1, law[0]) not in taken]
    reserved = {number for number, _, _ in FAMOUS_LAWS} | {n for t, n in taken if t == 1}
    pool = [n for n in range(1000, max(7600, 1000 + 3 * n_top)) if str(n) not in reserved]
    law_numbers = iter(sorted(rng.sample(pool, min(len(pool), n_top))))
    decree_numbers = (n for n in range(1, 10**6) if (19, str(n)) not in taken)
    top: list[tuple[int, str, str, date]] = []
    for rank in range(n_top):
        if rank < len(famous):
            number, title, adopted = famous[rank]
            top.append((1, number, title, adopted))
        elif rng.random() < DECREE_SHARE:
            title = f"{rng.choice(SUBJECTS)} Hakkında Cumhurbaşkanlığı Kararnamesi"
            top.append((19, "", title, day(rng, date(2018, 7, 10), date(2024, 12, 31))))
        else:
            top.append(
                (1, "", f"{rng.choice(SUBJECTS)} Kanunu", day(rng, date(1950, 1, 1), LAST_DAY))
            )
    # Numbers grow with the date, as they do: the laws and the decrees each in their order.
    by_date = sorted(range(len(top)), key=lambda i: (top[i][3], i))
    numbered: dict[int, str] = {}
    for i in by_date:
        type_code, number, _, _ = top[i]
        if not number:
            numbered[i] = str(next(law_numbers if type_code == 1 else decree_numbers))
    for i, (type_code, number, title, adopted) in enumerate(top):
        act_id = new_act(0, type_code, number or numbered[i], title, adopted, None)
        home[act_id] = None

    # Level 1: regulations, based on 1–3 top-level acts drawn by Zipf rank.
    top_weights = zipf(len(acts.levels[0]), TOP_SKEW)
    for _ in range(n_reg):
        draw = rng.random()
        if draw < AMENDMENT_SHARE and amend(1, len(rows) + 1):
            continue
        if draw > 1 - REPLACEMENT_SHARE and replace(1):
            continue
        type_code = weighted(rng, REGULATION_TYPES)
        institution = rng.choice(institutions) if institutions else None
        subject = rng.choice(subjects_of(units.names.get(institution or "")))
        issuer: str | None = institution
        if type_code == 3:
            title = f"{subject} Hakkında Yönetmelik"
        elif type_code == 21:
            title, issuer = f"{subject} Yönetmeliği", None
        elif type_code == 7:
            title = f"{subject} Kurum Yönetmeliği"
        else:
            place = rng.choice(PROVINCES_WITH_UNIVERSITIES)
            title, issuer = f"{place} Üniversitesi {subject} Yönetmeliği", None
        issued = day(rng, date(1985, 1, 1), date(2024, 12, 31))
        act_id = new_act(1, type_code, None, title, issued, issuer)
        home[act_id] = institution
        upper_count = weighted(rng, UPPER_COUNTS)
        based_on(act_id, pick(rng, acts.levels[0], top_weights, upper_count))

    # Levels 2–4: communiqués and internal acts, each under acts of the level above.
    sequence = 0

    def lower_act(level: int, types: Sequence[tuple[int, int]], uppers: list[int]) -> None:
        nonlocal sequence
        sequence += 1
        if level == 2 and rng.random() < AMENDMENT_SHARE and amend(2, sequence):
            return
        institution = home[uppers[0]] or (rng.choice(institutions) if institutions else None)
        subject = rng.choice(subjects_of(units.names.get(institution or "")))
        type_code = weighted(rng, types)
        issued = day(rng, date(2000, 1, 1), date(2024, 12, 31))
        number: str | None = None
        issuer = institution
        if type_code == 9:
            number = f"{issued.year}/{sequence}"
            if (9, number) in taken:
                number = f"{issued.year}/{sequence}-{level}"
            title = f"{subject} Tebliği (Sıra No: {sequence})"
        else:
            if institution is not None:
                issuer = rng.choice(units.central.get(institution) or [institution])
            if type_code == 101:
                title = f"{subject} Yönergesi"
            elif type_code == 102:
                title = f"{subject} Hakkında Esas ve Usuller"
            elif type_code == 103:
                title = f"{subject} İlke Kararı"
            else:
                number = f"{issued.year}/{sequence}"
                title = f"{subject} Genelgesi"
        act_id = new_act(level, type_code, number, title, issued, issuer)
        home[act_id] = institution
        based_on(act_id, uppers)

    for upper_level, count, skew, types in (
        (1, n_lower, REGULATION_SKEW, LOWER_TYPES),
        (2, n_deep - n_fourth, LOWER_SKEW, DEEPER_TYPES),
        (3, n_fourth, None, DEEPER_TYPES),
    ):
        population = list(acts.levels[upper_level])
        if not population:
            population = [act for level in acts.levels[: upper_level + 1] for act in level]
        rng.shuffle(population)  # the rank of an act in the skew is unrelated to its own uppers
        weights = zipf(len(population), skew) if skew is not None else None
        for _ in range(count):
            uppers = pick(rng, population, weights, weighted(rng, LOWER_UPPER_COUNTS))
            lower_act(upper_level + 1, types, uppers)

    for act in rows:
        internal = act["type_code"] in INTERNAL_LEGISLATION_TYPES
        published: date = act["in_force_from"]
        plan.acts.append(
            NewAct(
                act["type_code"],
                act["title"],
                act["number"],
                adopted_on=published if act["type_code"] in (1, 19) or internal else None,
                gazette_date=None if internal else published,
                gazette_issue=None if internal else _gazette_issue(published),
                issuer=act["issuer"],
                in_force_from=published,
                basis=tuple(act["basis"]),
                amends=tuple(act["amends"]),
                repeals=tuple(act["repeals"]),
            )
        )
    return acts


# Which level an act already registered counts as, by its type, when citing it.
_LEVEL_OF_TYPE = {1: 0, 2: 0, 4: 0, 19: 0, 20: 0, 3: 1, 7: 1, 8: 1, 21: 1, 22: 1}


def acts_of_database(session: Session) -> Acts:
    """The acts in force already registered, levelled by their type."""
    acts = Acts()
    for act_id, type_code, number in session.execute(
        select(Legislation.id, Legislation.type_code, Legislation.number)
        .where(Legislation.status == "in_force")
        .order_by(Legislation.id)
    ):
        acts.levels[_LEVEL_OF_TYPE.get(type_code, 2)].append(act_id)
        acts.names[act_id] = f"{LEGISLATION_TYPES.get(type_code, '?')} {number or act_id}"
        acts.count += 1
    return acts


def taken_identities(session: Session) -> set[tuple[int, str]]:
    """(type, number) of every national act already registered."""
    rows = session.execute(
        select(Legislation.type_code, Legislation.number).where(Legislation.number.is_not(None))
    )
    return {(type_code, number) for type_code, number in rows if number is not None}
