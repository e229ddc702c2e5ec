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
    """A row not taken (or, in ``Plan.pending``, not filed again), with its line and why."""

    line: int
    reason: str


@dataclass
class Plan:
    changes: list[Planned] = field(default_factory=list)
    unchanged: int = 0
    refused: list[Refused] = field(default_factory=list)
    pending: list[Refused] = field(default_factory=list)  # already in an open change request
    ignored_columns: list[str] = field(default_factory=list)  # headings the importer does not read

    def counts(self) -> dict[str, int]:
        tally = {"create": 0, "update": 0, "move": 0}
        for change in self.changes:
            tally[change.action] += 1
        return {
            "created": tally["create"],
            "updated": tally["update"] + tally["move"],
            "unchanged": self.unchanged,
            "pending": len(self.pending),
            "refused": len(self.refused),
            "columns_not_read": len(self.ignored_columns),  # the count line says them too
        }

    @property
    def complete(self) -> bool:
        """Every row was taken or is already registered, and every column read: what a zero
        exit status means."""
        return not self.refused and not self.pending and not self.ignored_columns


class RowRefused(Exception):
    """This row cannot be taken: the message says why; the other rows go on."""


class RowPending(Exception):
    """This row is already asked for by an open change request: not filed, nor applied, twice."""


def pending_in(request_id: int) -> RowPending:
    return RowPending(
        f"{request_id} numaralı talepte zaten onay bekliyor / already pending in request "
        f"{request_id}"
    )


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
    """Each ``(line, item)`` planned by ``row``: changes, unchanged (None), refused with its
    line and reason (``RowRefused``), or already pending in an open request (``RowPending``)."""
    plan = Plan()
    for line, item in items:
        try:
            change = row(item)
        except RowRefused as refusal:
            plan.refused.append(Refused(line, f"{describe(item)}{refusal}"))
            continue
        except RowPending as pending:
            plan.pending.append(Refused(line, f"{describe(item)}{pending}"))
            continue
        if change is None:
            plan.unchanged += 1
        elif isinstance(change, list):
            plan.changes.extend(change)
        else:
            plan.changes.append(change)
    return plan
