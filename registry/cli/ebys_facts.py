"""``registry ebys-facts rebuild|check``: the EBYS facts projection built again from the records,
or compared with the live computation."""

from __future__ import annotations

import sys
import time

import click
from flask.cli import with_appcontext

from registry.ebys import projection
from registry.kernel.db import get_db

SHOWN = 20  # differences listed by ``check``


@click.group("ebys-facts")
def ebys_facts_group() -> None:
    """What every letter needs of each unit, kept in a table (docs/ebys.md)."""


@ebys_facts_group.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute every unit's row (after a bulk import or a restore; the search follower does it
    too, but a node without one relies on this)."""
    started = time.perf_counter()
    with get_db().transaction() as session:
        rows = projection.rebuild(session)
    click.echo(f"{rows} units in {time.perf_counter() - started:.1f} s")


@ebys_facts_group.command("check")
@with_appcontext
def check_command() -> None:
    """Compare every row with the live computation; exit 1 when any differs."""
    started = time.perf_counter()
    with get_db().sessionmaker() as session:
        report = projection.check(session)
    elapsed = time.perf_counter() - started
    state = report.state
    where = "never built" if state is None else f"at audit entry {state[0]}, for {state[1]}"
    click.echo(f"projection {where}; audit head {report.head}")
    for label, numbers in (
        ("differ", report.differing),
        ("missing", report.missing),
        ("not in force", report.extra),
    ):
        for line in numbers[:SHOWN]:
            click.echo(f"{label}: {line}")
    click.echo(
        f"{report.checked} units checked in {elapsed:.1f} s: {len(report.differing)} differ, "
        f"{len(report.missing)} missing, {len(report.extra)} rows of units not in force"
    )
    if not report.ok:
        sys.exit(1)
