"""``registry audit``: the tamper-evident audit trail, the record ledger and signed checkpoints."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.audit import checkpoints as signed
from registry.audit import integrity
from registry.cli.reporting import reported_errors
from registry.kernel.db import get_db


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@click.option(
    "--checkpoints",
    "directories",
    multiple=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="another directory of checkpoint copies (an auditor's); the configured "
    "REGISTRY_CHECKPOINT_DIR is always read",
)
@with_appcontext
def audit_verify(directories: tuple[Path, ...]) -> None:
    """Recompute both hash chains and every record's hash, and check the signed checkpoints;
    exit 1 naming what does not match (entry, table and key)."""
    started = time.perf_counter()
    config = current_app.config
    with reported_errors():
        key = signed.verify_key(config)
    kept: list[signed.SignedCheckpoint] = []
    unreadable: list[str] = []
    for directory in (Path(config["CHECKPOINT_DIR"]), *directories):
        found, problems = signed.read_directory(directory)
        kept.extend(found)
        unreadable.extend(problems)
    with get_db().sessionmaker() as session:
        kept.extend(signed.from_database(session))
        report = integrity.verify_all(session, kept, key)
    report.checkpoint_problems[:0] = unreadable
    if not report.intact:
        for line in report.problems():
            click.echo(line, err=True)
        sys.exit(1)
    click.echo(f"audit trail intact: {report.audit.checked} entries verified")
    click.echo(
        f"record ledger intact: {report.ledger.checked} entries; {report.rows} rows of "
        f"{report.tables} tables match their latest recorded state"
    )
    if key is None:
        click.echo(
            f"checkpoints: {report.checkpoints} checked against the chains, signatures NOT "
            "checked (no REGISTRY_VERIFY_KEY, REGISTRY_VERIFY_KEY_FILE or signing key configured)"
        )
    else:
        click.echo(f"checkpoints: {report.checkpoints} signed checkpoints verified")
    click.echo(f"verified in {time.perf_counter() - started:.1f} s")


@audit_group.command("checkpoint")
@with_appcontext
def audit_checkpoint() -> None:
    """Sign the heads of the audit trail and the record ledger; keep the checkpoint in
    REGISTRY_CHECKPOINT_DIR and publish it at /api/v1/audit/checkpoints."""
    config = current_app.config
    with reported_errors():
        key = signed.signing_key(config)
        if key is None:
            raise click.ClickException(
                "no signing key: set REGISTRY_SIGNING_KEY_FILE (see `registry keys create`)"
            )
        with get_db().transaction() as session:
            checkpoint = signed.take(session, key, Path(config["CHECKPOINT_DIR"]))
    click.echo(
        f"checkpoint signed by key {checkpoint.key_id}: audit trail at {checkpoint.audit_seq}, "
        f"record ledger at {checkpoint.ledger_seq}; written to "
        f"{Path(config['CHECKPOINT_DIR']) / checkpoint.name}"
    )
