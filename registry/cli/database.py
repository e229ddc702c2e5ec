"""``registry db``: create, migrate and check the schema; ``registry demo``: the sample data."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from registry.cli.reporting import reported_errors, safe_url
from registry.demo import load_demo
from registry.kernel import migrate
from registry.kernel.db import get_db
from registry.schema_drift import schema_differences


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema to REVISION (default: the latest)."""
    migrate.upgrade(get_db().engine, revision)
    click.echo(f"database at {revision}: {safe_url()}")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail when the models and the migrated schema differ (a migration is missing)."""
    differences = schema_differences(get_db().engine)
    if differences:
        for difference in differences:
            click.echo(f"drift: {difference}", err=True)
        sys.exit(1)
    click.echo("models and migrations agree")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the sample dataset (idempotent: a second run changes nothing)."""
    with reported_errors(), get_db().transaction() as session:
        report = load_demo(session)
    click.echo(f"sample data: {report.created} created, {report.unchanged} unchanged")
