"""Numbers, dates and times as Turkish pages write them, in Türkiye's time: one place for all.

``17.12.2026`` for a day, ``11:39`` for a time (a stored moment is UTC; the page shows it in the
registry's timezone, Europe/Istanbul), ``4,0`` with the decimal comma, ``%62,5`` with the percent
sign first, ``12.500`` with the thousands dot. Every public template formats through these Jinja
filters (``tr_date``, also named ``tr_local_date``, ``tr_time``, ``tr_datetime``, ``tr_decimal``,
``tr_percent``, ``tr_integer``), so no page prints ``2026-12-17``, ``62.5`` or a UTC hour;
``marked_snippet`` shows a search snippet's highlights as highlights, not as ``<mark>`` text.
The functions take what views hand templates: ``date``, ``datetime``, ISO text (API-shaped
views) or None (shown as "").
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from markupsafe import Markup, escape

from registry.kernel.clock import local
from registry.web.site import blp

Moment = date | datetime | str | None
Number = int | float | Decimal | str | None


def _moment(value: Moment) -> date | datetime | None:
    """A date or an aware local datetime from what a view gave; None for nothing or non-dates."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        try:
            if len(value) == 10:  # 2026-12-17: a day, not midnight UTC
                return date.fromisoformat(value)
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return None
    if isinstance(value, datetime):
        return local(value)
    return value


@blp.app_template_filter("tr_date")
@blp.app_template_filter("tr_local_date")
def turkish_date(value: Moment) -> str:
    """17.12.2026; a moment is dated in Istanbul (23:30 UTC is already the next day there)."""
    moment = _moment(value)
    return moment.strftime("%d.%m.%Y") if moment is not None else ""


@blp.app_template_filter("tr_time")
def turkish_time(value: Moment) -> str:
    """11:39, Istanbul time; a bare date has no time ("")."""
    moment = _moment(value)
    return moment.strftime("%H:%M") if isinstance(moment, datetime) else ""


@blp.app_template_filter("tr_datetime")
def turkish_datetime(value: Moment) -> str:
    """17.12.2026 11:39 (Istanbul), or the date alone when there is no time."""
    moment = _moment(value)
    if moment is None:
        return ""
    if isinstance(moment, datetime):
        return moment.strftime("%d.%m.%Y %H:%M")
    return moment.strftime("%d.%m.%Y")


def _decimal(value: Number) -> Decimal | None:
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


@blp.app_template_filter("tr_decimal")
def turkish_decimal(value: Number, places: int = 1) -> str:
    """4,0 or 1.234,56: the decimal comma and the thousands dot, rounded half up."""
    number = _decimal(value)
    if number is None:
        return ""
    quantum = Decimal(1).scaleb(-places)
    text = f"{number.quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")


@blp.app_template_filter("tr_percent")
def turkish_percent(value: Number, places: int = 1) -> str:
    """%62,5 (Turkish puts the sign first); %100 for a whole hundred."""
    number = _decimal(value)
    if number is None:
        return ""
    if number == number.to_integral_value():
        return f"%{turkish_integer(number)}"
    return f"%{turkish_decimal(number, places)}"


@blp.app_template_filter("tr_integer")
def turkish_integer(value: Number) -> str:
    """12.500: the thousands dot."""
    number = _decimal(value)
    if number is None:
        return ""
    return f"{int(number.to_integral_value(rounding=ROUND_HALF_UP)):,}".replace(",", ".")


_OTHER_TAG = re.compile(r"<(?!/?mark>)")


@blp.app_template_filter("marked_snippet")
def marked_snippet(text: str | None) -> Markup:
    """A search snippet (escaped by ``search.query.snippet``, its hits in ``<mark>``) as markup;
    anything holding another tag is escaped whole, so only ``<mark>`` ever reaches the page."""
    if not text:
        return Markup("")
    if _OTHER_TAG.search(text):
        return escape(text)
    return Markup(text)  # noqa: S704  # only <mark> tags, the rest escaped by the search
