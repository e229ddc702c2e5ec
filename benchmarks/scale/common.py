"""What the generators share: seeded draws, folded names, and the plan they fill."""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.catalogue.bulk import NewDocument, NewService
from registry.kernel.folding import Folding
from registry.legislation.bulk import NewAct
from registry.organizations.bulk import NewUnit, UnitChange

Row = dict[str, Any]
Progress = Callable[[str], None]

# Every generated record says where it came from: on its versions and in the audit trail.
PROVENANCE = Provenance(recorded_by="benchmarks.scale")


def stream(seed: int, part: str) -> random.Random:
    """An independent random stream per part: more services never change the generated acts."""
    return random.Random(f"{seed}/{part}")


def weighted(rng: random.Random, pairs: Sequence[tuple[int, int]]) -> int:
    """A value of ``(value, weight)`` pairs, drawn by weight."""
    values = [value for value, _ in pairs]
    return rng.choices(values, weights=[weight for _, weight in pairs])[0]


def zipf(count: int, exponent: float) -> list[float]:
    """Cumulative Zipf weights over ranks ``0 … count - 1``."""
    cumulative: list[float] = []
    total = 0.0
    for rank in range(count):
        total += 1 / (rank + 1) ** exponent
        cumulative.append(total)
    return cumulative


def pick(
    rng: random.Random, population: Sequence[int], cumulative: list[float] | None, count: int
) -> list[int]:
    """Up to ``count`` distinct items, drawn by the cumulative weights (uniformly without)."""
    chosen: list[int] = []
    if not population:
        return chosen
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


def day(rng: random.Random, first: date, last: date) -> date:
    """A day in ``[first, last]``."""
    return first + timedelta(days=rng.randrange((last - first).days + 1))


def distinct(rng: random.Random, pool: Sequence[str], count: int) -> list[str]:
    """``count`` different words from ``pool``, numbered once the pool runs out."""
    words = rng.sample(pool, min(count, len(pool)))
    for extra in range(count - len(words)):
        words.append(f"{pool[extra % len(pool)]} {extra // len(pool) + 2}")
    return words


_FOLDING = Folding()  # the generators' vocabulary is small: its memo stays small too


def folded(text: str) -> str:
    """``turkish.fold``, each distinct word folded once."""
    return _FOLDING.fold(text)


@dataclass
class PlannedService:
    """A service whose acts and documents are known by planned ids: the acts' ids and the
    documents' codes are the registry's, given when those are written."""

    service: NewService  # without legal basis and documents
    acts: list[int]
    required: list[int]
    issued: list[int]


@dataclass
class Plan:
    """What ``generate`` writes, in memory: the inputs of the registry's bulk paths, part by
    part. Acts and documents are named by planned ids, from ``first_act`` and
    ``first_document`` on (past the registry's own ids, which stand for themselves)."""

    units: list[NewUnit] = field(default_factory=list)
    unit_changes: list[UnitChange] = field(default_factory=list)
    acts: list[NewAct] = field(default_factory=list)
    documents: list[NewDocument] = field(default_factory=list)
    services: list[PlannedService] = field(default_factory=list)
    first_act: int = 1
    first_document: int = 1
    document_codes: dict[int, str] = field(default_factory=dict)  # registered ones, by id


def next_id(session: Session | None, model: Any) -> int:
    """The first planned id of ``model``: past every id of the registry (1 without one)."""
    if session is None:
        return 1
    return (session.scalar(select(func.max(model.id))) or 0) + 1
