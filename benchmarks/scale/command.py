"""``python -m benchmarks.scale``: fill the configured database with generated scale data.

The database is the one ``registry.app.create_app()`` is configured with (``REGISTRY_DATABASE_URL``,
else the instance folder's SQLite file), migrated first (``registry db upgrade``).
"""

from __future__ import annotations

import time

import click

from benchmarks.scale import Counts, generate, without_collections
from registry.app import create_app
from registry.cli.reporting import reported_errors
from registry.kernel.db import get_db


@click.command("benchmarks.scale")
@click.option("--units", default=2000, show_default=True, type=click.IntRange(min=0))
@click.option("--legislation", default=1000, show_default=True, type=click.IntRange(min=0))
@click.option("--services", default=2000, show_default=True, type=click.IntRange(min=0))
@click.option("--documents", default=500, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", default=1, show_default=True, type=int, help="same seed, same data")
@click.option("--append", is_flag=True, help="add to a database that already holds data")
def main(
    units: int, legislation: int, services: int, documents: int, seed: int, append: bool
) -> None:
    """Fill an empty database with a realistic generated registry (scale data, benchmarks)."""
    app = create_app()
    counts = Counts(units, legislation, services, documents)
    started = time.perf_counter()
    try:
        with (
            without_collections(),  # the commit too: it walks what the transaction appended
            app.app_context(),
            reported_errors(),
            get_db(app).transaction() as session,
        ):
            report = generate(session, counts, seed, append=append, progress=click.echo)
    finally:
        get_db(app).dispose()
    rows = report.rows
    click.echo(
        f"generated in {time.perf_counter() - started:.1f} s (seed {seed}): "
        f"{rows.get('organizations', 0):,} units ({rows.get('organization_versions', 0):,} "
        f"versions, {rows.get('organization_links', 0):,} merges), "
        f"{rows.get('legislation', 0):,} acts ({rows.get('legislation_links', 0):,} links), "
        f"{rows.get('documents', 0):,} documents "
        f"({rows.get('document_aliases', 0) - rows.get('documents', 0):,} aliases), "
        f"{rows.get('services', 0):,} services ({rows.get('service_legal_basis', 0):,} "
        f"citations, {rows.get('service_documents', 0):,} documents asked or issued)"
    )
    click.echo(
        f"{report.audit_entries:,} audit entries appended (registry audit verify checks them); "
        "rebuild the search index: registry reindex"
    )
