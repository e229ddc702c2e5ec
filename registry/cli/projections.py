"""``registry projections rebuild``: the data-flow projection built again from the records."""

from __future__ import annotations

import time

import click
from flask.cli import with_appcontext

from registry.catalogue import dataflow_projection
from registry.kernel.db import get_db


@click.group("projections")
def projections_group() -> None:
    """Precomputed answers of expensive public reads (data flows, once-only)."""


@projections_group.command("rebuild")
@with_appcontext
def rebuild_command() -> None:
    """Recompute the data-flow projection from the records (after a bulk import or a restore:
    reads would otherwise follow the import a few thousand audit entries at a time)."""
    started = time.perf_counter()
    with get_db().transaction() as session:
        rows = dataflow_projection.rebuild(session)
    click.echo(f"{rows} once-only rows in {time.perf_counter() - started:.1f} s")
