"""``registry complaints``: the daily escalation of complaints past their due date."""

from __future__ import annotations

from datetime import datetime

import click
from flask.cli import with_appcontext

from registry.kernel import clock
from registry.kernel.db import get_db
from registry.standards import complaints


@click.group("complaints")
def complaints_group() -> None:
    """Complaints about service standards tables."""


@complaints_group.command("escalate")
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="the day to judge due dates by (default: today in the registry's timezone)",
)
@with_appcontext
def complaints_escalate(on: datetime | None) -> None:
    """Send complaints their first place did not answer in time to the second (run daily)."""
    with get_db().transaction() as session:
        count = complaints.escalate_overdue(session, on.date() if on else clock.today())
    click.echo(f"{count} complaint(s) escalated to the second place of application")
