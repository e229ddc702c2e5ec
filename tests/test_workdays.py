"""Working days follow Turkey's calendar; a period ending on a holiday runs to the next one."""

from __future__ import annotations

from datetime import date

import pytest

from registry.kernel import durations, workdays


@pytest.mark.parametrize(
    ("start", "text", "due"),
    [
        # Ramazan Bayramı 2026: 20–22 March (Fri–Sun), the 19th a half day (a working day).
        (date(2026, 3, 18), "1 iş günü", date(2026, 3, 19)),
        (date(2026, 3, 18), "2 iş günü", date(2026, 3, 23)),
        # Kurban Bayramı 2026: 27–30 May; from Friday 22 May: 25, 26 (half day), 1–4 June.
        (date(2026, 5, 22), "6 iş günü", date(2026, 6, 4)),
        # A plain week: Monday + 5 working days is the next Monday.
        (date(2026, 11, 16), "5 iş günü", date(2026, 11, 23)),
        # 10 calendar days from 20 May end on 30 May (Kurban Bayramı, a Saturday) → Monday 1 June.
        (date(2026, 5, 20), "10 gün", date(2026, 6, 1)),
        (date(2026, 10, 19), "10 gün", date(2026, 10, 30)),  # ends on Cumhuriyet Bayramı
        (date(2026, 1, 31), "1 ay", date(2026, 3, 2)),  # 28 Feb is a Saturday → Monday 2 March
        (date(2026, 4, 20), "2 hafta", date(2026, 5, 4)),
        (date(2026, 7, 14), "8 saat", date(2026, 7, 14)),
        (date(2026, 7, 14), "anında", date(2026, 7, 14)),
    ],
)
def test_due_dates(start: date, text: str, due: date) -> None:
    assert workdays.due_date(start, durations.parse(text)) == due


def test_holidays_have_turkish_names_and_half_days_are_working_days() -> None:
    assert workdays.holiday_name(date(2026, 10, 29)) == "Cumhuriyet Bayramı"
    assert not workdays.is_working_day(date(2026, 3, 20))
    assert workdays.is_working_day(date(2026, 10, 28))  # offices open until 13.00
    assert not workdays.is_working_day(date(2026, 11, 21))  # a Saturday
    names = [name for _, name in workdays.holidays_of(2027)]
    assert "Ramazan Bayramı" in names and "Kurban Bayramı" in names


def test_a_period_beyond_ten_years_is_refused() -> None:
    with pytest.raises(ValueError, match="on yılı"):
        workdays.due_date(date(2026, 1, 1), durations.parse("200 ay"))
