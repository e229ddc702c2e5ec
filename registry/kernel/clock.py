"""The registry's notion of "today": the calendar date in Türkiye, not the server's timezone."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app, has_app_context

DEFAULT_TIMEZONE = "Europe/Istanbul"


def zone() -> ZoneInfo:
    """The registry's timezone (Türkiye's unless configured otherwise)."""
    name = (
        current_app.config.get("TIMEZONE", DEFAULT_TIMEZONE)
        if has_app_context()
        else (DEFAULT_TIMEZONE)
    )
    return ZoneInfo(name)


def today() -> date:
    """Today in the registry's timezone: a unit closed "today" is closed in Ankara's today."""
    return datetime.now(zone()).date()


def aware(moment: datetime) -> datetime:
    """A stored moment with its timezone: SQLite returns UTC moments without one."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def local(moment: datetime) -> datetime:
    """A stored moment in the registry's timezone."""
    return aware(moment).astimezone(zone())
