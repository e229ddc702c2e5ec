"""``registry export``, ``import`` and ``export-open-data``: dumps and open data."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.audit import checkpoints as signed
from registry.cli.reporting import reported_errors, safe_url
from registry.kernel import clock
from registry.kernel.db import get_db
from registry.transfer import dump, open_data, restore


@click.command("export")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--without-personal-data",
    is_flag=True,
    help="blank complaints' contact and text, complaint notes and survey comments (the dump, "
    "and any restore of it, is then partial)",
)
@with_appcontext
def export_command(path: Path, without_personal_data: bool) -> None:
    """Dump every record, its history and the audit trail to the new directory PATH."""
    started = time.perf_counter()
    with reported_errors():
        key = signed.signing_key(current_app.config)
        manifest = dump.export(
            get_db().engine, path, personal_data=not without_personal_data, signing_key=key
        )
    if key is None:
        click.echo(
            "WARNING: the dump is not signed (no REGISTRY_SIGNING_KEY_FILE): a registry that "
            "imports it must be told --unsigned and relies on the hash chains alone",
            err=True,
        )
    else:
        click.echo(f"manifest signed by key {signed.key_id(key.public_key())}")
    if manifest.personal_data_included:
        click.echo(
            "WARNING: this dump contains personal data (citizens' complaints with their contact "
            "details) and API token hashes: keep it as you keep the database; "
            "--without-personal-data leaves the personal data out",
            err=True,
        )
    else:
        click.echo(f"personal data left out ({', '.join(manifest.blanked)}): a partial dump")
    click.echo(
        f"exported {manifest.total_rows} rows of {len(manifest.tables)} tables at schema "
        f"{manifest.alembic_revision} to {path} in {time.perf_counter() - started:.1f} s"
    )


@click.command("import")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--accept-partial",
    is_flag=True,
    help="restore a dump made --without-personal-data (its complaints stay blank)",
)
@click.option(
    "--unsigned",
    is_flag=True,
    help="restore a dump that carries no signature (its hash chains and checkpoints are still "
    "verified); a signed dump is always checked against the configured verify key",
)
@with_appcontext
def import_command(path: Path, accept_partial: bool, unsigned: bool) -> None:
    """Restore a dump made by `registry export` into this empty, migrated database: its signature
    is checked with REGISTRY_VERIFY_KEY(_FILE), then every record hash and the checkpoints."""
    started = time.perf_counter()
    config = current_app.config
    with reported_errors():
        key = signed.verify_key(config)
        kept, problems = signed.read_directory(Path(config["CHECKPOINT_DIR"]))
        if problems:
            raise click.ClickException(problems[0])
        report = restore.restore(
            get_db().engine,
            path,
            accept_partial=accept_partial,
            verify_key=key,
            require_signature=not unsigned,
            checkpoints=kept,
        )
    if not report.manifest.personal_data_included:
        click.echo(f"PARTIAL restore: {', '.join(report.manifest.blanked)} are blank")
    click.echo(
        f"restored {report.total_rows} rows of {len(report.rows)} tables into {safe_url()} in "
        f"{time.perf_counter() - started:.1f} s; audit trail verified ({report.audit_entries} "
        f"entries), record ledger verified ({report.ledger_entries} entries, {report.records} "
        f"records), {report.checkpoints} checkpoints verified; "
        + ("signature verified" if report.signed else "UNSIGNED dump (--unsigned)")
    )
    click.echo("next: `registry reindex` rebuilds the search index from the restored records")


@click.command("export-open-data")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="the registry's public address: records' IRIs are its API addresses",
)
@click.option(
    "--date",
    "on",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    default=None,
    help="the day the data is as of (default: today in the registry's timezone)",
)
@with_appcontext
def export_open_data_command(path: Path, base_url: str, on: datetime | None) -> None:
    """Write the published records as open data (CSV and CPSV-AP/CPOV JSON-LD) to PATH."""
    with reported_errors(), get_db().sessionmaker() as session:
        report = open_data.export_open_data(
            session, path, base_url=base_url, on=on.date() if on else clock.today()
        )
    for name, count in report.files.items():
        click.echo(f"{name}\t{count} records")
    click.echo(f"open data written to {path}")
