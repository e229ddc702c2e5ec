"""The registry's notion of "today": the calendar date in Türkiye, not the server's timezone."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Istanbul"


def today() -> date:
    """Today in the registry's timezone: a unit closed "today" is closed in Ankara's today."""
    name = (
        current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE)
        if has_app_context()
        else (DEFAULT_TIMEZONE)
    )
    return datetime.now(ZoneInfo(name)).date()
