"""Turkey's working days, and the day a service's longest completion time runs out.

Public and religious holidays come from the maintained ``holidays`` calendar (Ramazan and Kurban
Bayramı move every year with the Hijri calendar, so they are not a table to keep by hand). The
eve of a religious holiday and 28 October are half days: offices open in the morning, so they
count as working days.

A period in working days ends on the N-th working day after the start (the start day is not
counted). A period in days, weeks or months ends N days, weeks or months after the start; if that
day is not a working day, the period runs to the next working day (the rule of HMK art. 93 and
İYUK art. 8 for periods ending on an official holiday). A time in minutes or hours, or an
immediate answer, ends on the day of the application.
"""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import cache

import holidays

from registry.kernel.durations import Duration

_MAX_DAYS = 3660  # a period is refused beyond ten years: no service standard is that long


@cache
def _calendar(year: int) -> dict[date, str]:
    """Full-day public holidays of a year, with their Turkish names."""
    return dict(holidays.country_holidays("TR", years=year, language="tr").items())


def holiday_name(day: date) -> str | None:
    return _calendar(day.year).get(day)


def holidays_of(year: int) -> list[tuple[date, str]]:
    return sorted(_calendar(year).items())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _calendar(day.year)


def next_working_day(day: date) -> date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, count: int) -> date:
    day = start
    for _ in range(count):
        day = next_working_day(day + timedelta(days=1))
    return day


def _add_months(start: date, months: int) -> date:
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    if year > date.max.year:
        raise OverflowError("date value out of range")  # as timedelta arithmetic says it
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def due_date(start: date, duration: Duration) -> date:
    """The last day of ``duration`` counted from an application made on ``start``."""
    value = duration.value or 0
    if duration.unit in ("immediate", "minute", "hour"):
        return start
    if duration.unit == "working_day":
        days = value * 7 // 5
    elif duration.unit == "week":
        days = value * 7
    elif duration.unit == "month":
        days = value * 31
    else:
        days = value
    if days > _MAX_DAYS:
        raise ValueError("Süre on yılı aşıyor / the period is longer than ten years.")
    if duration.unit == "working_day":
        return add_working_days(start, value)
    if duration.unit == "month":
        return next_working_day(_add_months(start, value))
    return next_working_day(start + timedelta(days=days))
