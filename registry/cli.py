"""The ``registry`` command line (also reachable as ``flask --app wsgi …``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import Flask, current_app
from flask.cli import FlaskGroup, with_appcontext

from registry.db import get_db
from registry.errors import RegistryError


def _create_app() -> Flask:
    from registry import create_app

    return create_app()


@click.group(
    cls=FlaskGroup, create_app=_create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """KAYSİS registry administration."""


@click.group("db")
def db_group() -> None:
    """Database schema (Alembic migrations)."""


@db_group.command("upgrade")
@click.argument("revision", default="head")
@with_appcontext
def db_upgrade(revision: str) -> None:
    """Create or migrate the schema to REVISION (default: the latest)."""
    from registry import migrate

    migrate.upgrade(get_db().engine, revision)
    click.echo(f"database at {revision}: {_safe_url()}")


@db_group.command("check")
@with_appcontext
def db_check() -> None:
    """Fail when the models and the migrated schema differ (a migration is missing)."""
    from registry.schema_drift import schema_differences

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
    from registry.demo import load_demo

    with _reported_errors(), get_db().transaction() as session:
        report = load_demo(session)
    click.echo(f"sample data: {report.created} created, {report.unchanged} unchanged")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
def serve_command(host: str, port: int, workers: int, threads: int) -> None:
    """Serve with gunicorn (production WSGI server)."""
    from registry.server import run_gunicorn

    run_gunicorn(host=host, port=port, workers=workers, threads=threads)


@contextmanager
def _reported_errors() -> Iterator[None]:
    """Refusals from the services end the command with their message, not a traceback."""
    try:
        yield
    except RegistryError as error:
        detail = f"{error.detail} {error.errors}" if error.errors else error.detail
        raise click.ClickException(detail) from error


def _safe_url() -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)


def init_app(app: Flask) -> None:
    app.cli.add_command(db_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(serve_command)
