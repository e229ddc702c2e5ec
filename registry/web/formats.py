"""What the browsing pages share: a date and a page number read from the address, and the
official-text links of an act (dates on the page are written by ``registry.web.formatting``).

A date typed into an address (``?at=2025-01-01`` or ``?at=01.01.2025``) that is not a date is the
visitor's mistake: a Turkish 400 page, never a 500.
"""

from __future__ import annotations

from datetime import date, datetime
from urllib.parse import urlencode

from flask import abort, request

from registry.web.site import blp

FIRST_DATE = date(1900, 1, 1)  # older than any act or unit the registry keeps
PAGE_LIMIT = 1000


def date_argument(name: str) -> date | None:
    """The date ``name`` of the query string (ISO or Turkish day.month.year), None when absent;
    anything else is a 400 page naming the field."""
    raw = (request.args.get(name) or "").strip()
    if not raw:
        return None
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            found = datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
        if found >= FIRST_DATE:
            return found
    abort(
        400,
        description=f"“{raw[:40]}” bir tarih değil ({name}); tarihi 2025-01-01 ya da 01.01.2025 "
        "biçiminde yazın.",
    )


def page_number() -> int:
    """The page asked for (1 when missing or not a number), capped: deep pages cost their
    offset."""
    try:
        return min(max(int(request.args.get("page", "1")), 1), PAGE_LIMIT)
    except ValueError:
        return 1


def page_count(total: int, size: int) -> int:
    return max(1, -(-total // size))


@blp.app_template_global("pager_query")
def pager_query(page: int) -> str:
    """The current query string with another page number: pager links keep the filters."""
    arguments = request.args.to_dict()
    arguments["page"] = str(page)
    return urlencode(arguments)
