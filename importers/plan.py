"""What an importer wants to change, row by row, before anything is written."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, TypeVar

import marshmallow as ma

from registry.kernel.errors import flatten_validation_messages

Item = TypeVar("Item")


@dataclass
class Planned:
    """One change: ``create`` a unit, ``update`` its fields, or ``move`` it under a new parent."""

    line: int
    action: str
    target: str | None
    data: dict[str, Any]
    label: str
    valid_from: date | None = None
    detsis_no: str | None = None  # a number the file gives a new unit (kept on --apply)
    parent_line: int | None = None  # the parent is created by this row of the same file
    entity: str = "organization"
    loaded: dict[str, Any] | None = None  # the data as validated (kept to apply without reloading)
    refs: dict[str, Any] = field(default_factory=dict)  # references to rows new in this file


@dataclass
class Refused:
    line: int
    reason: str


@dataclass
class Plan:
    changes: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    refused: list[Refused] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        tally = {"create": 0, "update": 0, "move": 0}
        for change in self.changes:
            tally[change.action] += 1
        return {
            "created": tally["create"],
            "updated": tally["update"] + tally["move"],
            "unchanged": self.unchanged,
            "refused": len(self.refused),
        }


class RowRefused(Exception):
    """This row cannot be taken: the message says why; the other rows go on."""


def validated(schema: ma.Schema, data: dict[str, Any]) -> dict[str, Any]:
    """``data`` loaded by ``schema`` (the change request's own), or the row refused with every
    field's message."""
    try:
        return dict(schema.load(data))
    except ma.ValidationError as error:
        messages = flatten_validation_messages(error.messages)
        raise RowRefused(
            "; ".join(f"{k}: {' '.join(v)}" for k, v in sorted(messages.items()))
        ) from error


def plan_rows(
    items: Iterable[tuple[int, Item]],
    row: Callable[[Item], list[Planned] | Planned | None],
    describe: Callable[[Item], str] = lambda _item: "",
) -> Plan:
    """Each ``(line, item)`` planned by ``row``: changes, unchanged (None), or refused with its
    line and reason (``RowRefused``)."""
    plan = Plan()
    for line, item in items:
        try:
            change = row(item)
        except RowRefused as refusal:
            plan.refused.append(Refused(line, f"{describe(item)}{refusal}"))
            continue
        if change is None:
            plan.unchanged += 1
        elif isinstance(change, list):
            plan.changes.extend(change)
        else:
            plan.changes.append(change)
    return plan
