"""The service inventory (HEYS): services of department-level units, with their legal basis and
the documents they ask for and issue.

Each service belongs to a department, a provincial or a district directorate, is named after a
subject of its institution ("İkamet İzni Başvurusu"), cites 1–3 acts in force (mostly regulations
and communiqués; the big laws by their Zipf rank), asks for 1–4 documents (the common ones most,
by Zipf rank) and, for about a third, issues one of the documents its institution issues, so that
data flows run between institutions. Durations, channels, fees and yearly volumes are drawn in
the ranges of real standards tables; the description says the same.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from benchmarks.scale.common import Plan, PlannedService, Row, pick, weighted, zipf
from benchmarks.scale.documents import Documents
from benchmarks.scale.legislation import Acts
from benchmarks.scale.units import UnitPool
from benchmarks.scale.words import SERVICE_ACTIONS, subjects_of
from registry.catalogue.bulk import NewService
from registry.catalogue.models import Service
from registry.kernel import durations, text, turkish
from registry.kernel.enums import RecordStatus
from registry.organizations.models import Organization
from schemas.catalogue.services import CHANNELS

CITATION_COUNTS = ((1, 55), (2, 30), (3, 15))  # acts a service cites
CITED_LEVELS = ((0, 15), (1, 45), (2, 30), (3, 10))  # which level a citation points to
TOP_SKEW = 1.0  # as the regulations: the big laws are cited most
DOCUMENT_COUNTS = ((1, 30), (2, 30), (3, 25), (4, 15))  # documents a service asks for
DOCUMENT_SKEW = 1.0  # an identity card is asked everywhere
ISSUING_SHARE = 0.3  # of services: issue a document of their institution
SUPPORT_SHARE = 0.15  # of services: support services (the rest are core services)
FREE_SHARE = 0.65  # of services: free of charge
FEES = ("50.00", "120.00", "250.00", "675.00", "1200.00", "2500.00")
APPLICANTS = (
    "Vatandaşlar",
    "Yabancılar",
    "Gerçek ve tüzel kişiler",
    "Tüzel kişiler",
    "Kamu kurum ve kuruluşları",
    "Öğrenciler",
    "Emekliler",
)
CHANNEL_WEIGHTS = (
    ("e_devlet", 40),
    ("in_person", 35),
    ("kep", 8),
    ("post", 6),
    ("web", 6),
    ("mobile", 3),
    ("phone", 2),
)
# (unit, legal maxima to choose from); ``immediate`` has no number.
DURATIONS: tuple[tuple[str, tuple[int | None, ...]], ...] = (
    ("day", (7, 15, 30, 60, 90)),
    ("working_day", (1, 3, 5, 10, 15, 30)),
    ("hour", (1, 2, 4, 8, 24)),
    ("immediate", (None,)),
)
DOCUMENT_WORDS = (
    "nüfus cüzdanı sureti",
    "ikametgâh belgesi",
    "vesikalık fotoğraf",
    "adli sicil kaydı",
    "vergi levhası",
    "imza sirküleri",
    "sağlık raporu",
    "tapu senedi",
    "diploma",
    "faaliyet belgesi",
    "banka dekontu",
    "dilekçe",
)
SENTENCES = (
    "{subject} kapsamında {action} işlemleri ilgili birim tarafından yürütülür.",
    "Başvurular {channels} kanalıyla alınır ve {duration} sonuçlandırılır.",
    "Başvuru sahibinden {doc1} ve {doc2} istenir.",
    "{subject} ile ilgili mevzuat değişikliklerinde hizmet yeniden değerlendirilir.",
    "Eksik belgeyle yapılan başvurular reddedilmez; eksiklik yazıyla bildirilir.",
)


@dataclass
class Services:
    count: int = 0
    citations: int = 0
    uses: int = 0  # service-document rows
    issuing: int = 0  # services that issue a document


def _durations(rng: random.Random) -> Row:
    """Legal maximum, the institution's norm (at most the maximum) and the average (at most
    the norm), in one unit."""
    unit, maxima = DURATIONS[weighted(rng, ((0, 45), (1, 35), (2, 12), (3, 8)))]
    maximum = rng.choice(maxima)
    norm = None if maximum is None else max(1, round(maximum * rng.choice((0.5, 0.75, 1.0))))
    average = None if norm is None else max(1, round(norm * rng.uniform(0.3, 1.0)))
    return {
        "max_duration_value": maximum,
        "max_duration_unit": unit,
        "norm_duration_value": norm,
        "norm_duration_unit": unit,
        "average_duration_value": average,
        "average_duration_unit": unit,
    }


def _description(rng: random.Random, subject: str, action: str, fields: Row) -> list[str]:
    """Three sentences saying what the service's fields say."""
    maximum = durations.from_parts(fields["max_duration_value"], fields["max_duration_unit"])
    within = "anında" if maximum.unit == "immediate" else f"en geç {maximum.text} içinde"
    labels = " veya ".join(CHANNELS[code] for code in fields["channels"])
    return [
        sentence.format(
            subject=subject,
            action=turkish.lower(action),
            channels=labels,
            duration=within,
            doc1=rng.choice(DOCUMENT_WORDS),
            doc2=rng.choice(DOCUMENT_WORDS),
        )
        for sentence in rng.sample(SENTENCES, 3)
    ]


def generate(
    plan: Plan,
    count: int,
    rng: random.Random,
    units: UnitPool,
    acts: Acts,
    documents: Documents,
    taken: set[tuple[object, str]] = frozenset(),
) -> Services:
    """Plan ``count`` services (their codes, ``{DETSİS}-{sequence}``, come with writing);
    ``taken``: (DETSİS number, name key) of the active services already registered."""
    found = Services(count=count)
    levels = [(level, weight) for level, weight in CITED_LEVELS if acts.levels[level]]
    top_weights = zipf(len(acts.levels[0]), TOP_SKEW)
    document_weights = zipf(len(documents.ids), DOCUMENT_SKEW)
    channel_codes = [code for code, _ in CHANNEL_WEIGHTS]
    channel_weights = [weight for _, weight in CHANNEL_WEIGHTS]
    named: set[tuple[object, str]] = set(taken)
    for _ in range(count):
        unit = rng.choice(units.providers)
        institution = units.institution_of.get(unit)
        subject = rng.choice(subjects_of(units.names.get(institution or "")))
        action = rng.choice(SERVICE_ACTIONS)
        while set(action.split()) & set(subject.split()):  # not "İşveren Tescili Tescili"
            action = rng.choice(SERVICE_ACTIONS)
        name = f"{subject} {action}"
        number = 1
        while (unit, text.name_key(name)) in named:  # one unit, no two services of one name
            number += 1
            name = f"{subject} {action} {number}"
        named.add((unit, text.name_key(name)))
        channels: list[str] = []
        for _ in range(weighted(rng, ((1, 40), (2, 45), (3, 15)))):
            channel = rng.choices(channel_codes, weights=channel_weights)[0]
            if channel not in channels:
                channels.append(channel)
        fields = {"channels": sorted(channels), **_durations(rng)}
        sentences = _description(rng, subject, action, fields)
        free = rng.random() < FREE_SHARE
        service = NewService(
            unit,
            name,
            " ".join(sentences),
            applicants=rng.choice(APPLICANTS),
            kind="support" if rng.random() < SUPPORT_SHARE else "core",
            max_duration=_duration(fields, "max"),
            norm_duration=_duration(fields, "norm"),
            average_duration=_duration(fields, "average"),
            channels=tuple(fields["channels"]),
            fee_amount=Decimal("0.00") if free else Decimal(rng.choice(FEES)),
            annual_volume=int(10 ** rng.uniform(1, 5.5)),
        )
        cited: list[int] = []
        for _ in range(weighted(rng, CITATION_COUNTS) if levels else 0):
            level = weighted(rng, levels)
            weights = top_weights if level == 0 else None
            for act in pick(rng, acts.levels[level], weights, 1):
                if act not in cited:
                    cited.append(act)
        required = pick(rng, documents.ids, document_weights, weighted(rng, DOCUMENT_COUNTS))
        issued: list[int] = []
        own = documents.issued_by.get(institution or "", [])
        if own and rng.random() < ISSUING_SHARE:
            issued = [rng.choice(own)]
            required = [document for document in required if document not in issued]
            found.issuing += 1
        plan.services.append(PlannedService(service, cited, required, issued))
        found.citations += len(cited)
        found.uses += len(required) + len(issued)
    return found


def _duration(fields: Row, name: str) -> durations.Duration | None:
    unit = fields[f"{name}_duration_unit"]
    return None if unit is None else durations.from_parts(fields[f"{name}_duration_value"], unit)


def taken_names(session: Session) -> set[tuple[object, str]]:
    """(DETSİS number, name key) of every active service: an appended plan repeats none."""
    rows = session.execute(
        select(Organization.detsis_no, Service.name)
        .join(Organization, Organization.id == Service.organization_id)
        .where(Service.status == RecordStatus.ACTIVE)
    )
    return {(number, text.name_key(name)) for number, name in rows}
