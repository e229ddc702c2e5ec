"""When an application to a service is due: its legal maximum and its norm, on the calendar.

A period in working days skips weekends and Turkey's public and religious holidays, and one in
days that ends on a holiday runs to the next working day (``registry.kernel.workdays``); the
answer lists the holidays it stepped over, so a citizen sees why the day is later.
"""

from __future__ import annotations

from datetime import date
from typing import TypedDict

from registry.catalogue.models import Service
from registry.catalogue.services import DurationView, duration_view
from registry.kernel import durations, workdays
from registry.kernel.errors import InvalidInput


class Holiday(TypedDict):
    date: str  # ISO 8601
    name: str


class DueDates(TypedDict):
    """When an application made on ``start`` is due, by the legal maximum and by the norm."""

    service: str
    start: date
    max_duration: DurationView | None
    due: date | None
    norm_duration: DurationView | None
    norm_due: date | None
    holidays: list[Holiday]  # public holidays after ``start``, up to the later due date


def due_dates(service: Service, start: date) -> DueDates:
    """When the legal maximum and the norm run out for an application made on ``start``."""
    legal = _duration_of(service.max_duration_value, service.max_duration_unit)
    norm = _duration_of(service.norm_duration_value, service.norm_duration_unit)
    try:
        due = workdays.due_date(start, legal) if legal else None
        norm_due = workdays.due_date(start, norm) if norm else None
    except OverflowError as error:  # the period runs past the end of the calendar
        raise InvalidInput(
            "Bu başvuru tarihinden süre hesaplanamaz / no due date can be counted from this date.",
            errors={"from": ["the period runs past 9999-12-31"]},
        ) from error
    last = max(start, due or start, norm_due or start)
    return {
        "service": service.code,
        "start": start,
        "max_duration": duration_view(legal) if legal else None,
        "due": due,
        "norm_duration": duration_view(norm) if norm else None,
        "norm_due": norm_due,
        "holidays": [
            {"date": day.isoformat(), "name": name}
            for year in range(start.year, last.year + 1)
            for day, name in workdays.holidays_of(year)
            if start < day <= last
        ],
    }


def _duration_of(value: int | None, unit: str | None) -> durations.Duration | None:
    return durations.from_parts(value, unit) if unit else None
