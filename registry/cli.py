"""The ``registry`` command line (also reachable as ``flask --app wsgi …``)."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

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

    with reported_errors(), get_db().transaction() as session:
        report = load_demo(session)
    click.echo(f"sample data: {report.created} created, {report.unchanged} unchanged")


@click.command("generate")
@click.option("--units", default=2000, show_default=True, type=click.IntRange(min=0))
@click.option("--legislation", default=1000, show_default=True, type=click.IntRange(min=0))
@click.option("--services", default=2000, show_default=True, type=click.IntRange(min=0))
@click.option("--documents", default=500, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", default=1, show_default=True, type=int, help="same seed, same data")
@click.option("--append", is_flag=True, help="add to a database that already holds data")
@with_appcontext
def generate_command(
    units: int, legislation: int, services: int, documents: int, seed: int, append: bool
) -> None:
    """Fill an empty database with a realistic generated registry (scale data, benchmarks)."""
    import time  # (also imported at the top today; kept here so the command stands alone)

    from registry import scale

    counts = scale.Counts(units, legislation, services, documents)
    started = time.perf_counter()
    with reported_errors(), get_db().transaction() as session:
        report = scale.generate(session, counts, seed, append=append, progress=click.echo)
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
    click.echo("imported without audit entries; rebuild the search index: registry reindex")


@click.group("users")
def users_group() -> None:
    """Accounts and API tokens."""


@users_group.command("create")
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice(["coordinator", "institution_approver", "reviewer", "admin"]),
)
@click.option("--organization", default=None, help="DETSİS number (coordinators, approvers)")
@with_appcontext
def users_create(name: str, role: str, organization: str | None) -> None:
    """Create an account; its API token is the LAST line of the output (shown only once)."""
    from registry.services import accounts

    with reported_errors(), get_db().transaction() as session:
        user, token = accounts.create_user(session, name=name, role=role, organization=organization)
        click.echo(f"created user #{user.id} {user.name} ({user.role})")
    click.echo(token)


@users_group.command("revoke")
@click.argument("user_id", type=int)
@with_appcontext
def users_revoke(user_id: int) -> None:
    """Revoke every token of an account."""
    from registry.services import accounts

    with reported_errors(), get_db().transaction() as session:
        count = accounts.revoke(session, user_id)
    click.echo(f"revoked {count} token(s) of user #{user_id}")


@users_group.command("token")
@click.argument("user_id", type=int)
@with_appcontext
def users_token(user_id: int) -> None:
    """Issue a new token for an account (printed as the last line)."""
    from registry.models import User
    from registry.services import accounts

    with reported_errors(), get_db().transaction() as session:
        user = session.get(User, user_id)
        if user is None:
            raise click.ClickException(f"no user #{user_id}")
        token = accounts.issue_token(session, user)
    click.echo(token)


@users_group.command("rescope")
@click.argument("user_id", type=int)
@click.option("--organization", required=True, help="DETSİS number of the new scope")
@with_appcontext
def users_rescope(user_id: int, organization: str) -> None:
    """Give a coordinator or approver a new organization scope."""
    from registry.services import accounts

    with reported_errors(), get_db().transaction() as session:
        accounts.rescope(session, user_id, organization)
    click.echo(f"user #{user_id} now acts for {organization}")


@users_group.command("list")
@click.option("--needs-scope", is_flag=True, help="Only accounts whose scope has lapsed")
@with_appcontext
def users_list(needs_scope: bool) -> None:
    """List accounts (never their tokens)."""
    from sqlalchemy import select

    from registry.models import Organization, User
    from registry.services import accounts

    with get_db().sessionmaker() as session:
        if needs_scope:
            for user, reason in accounts.accounts_needing_scope(session):
                click.echo(f"#{user.id}\t{user.name}\t{user.role}\tNEEDS NEW SCOPE: {reason}")
            return
        numbers = dict(session.execute(select(Organization.id, Organization.detsis_no)).all())
        for user in session.scalars(select(User).order_by(User.id)):
            scope = numbers.get(user.organization_id, "-") if user.organization_id else "-"
            state = "active" if user.active else "inactive"
            click.echo(f"#{user.id}\t{user.name}\t{user.role}\t{scope}\t{state}")


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 naming the first entry that does not match."""
    from registry.services import audit

    with get_db().sessionmaker() as session:
        result = audit.verify(session)
    if result.first_bad_seq is not None:
        click.echo(
            f"audit trail BROKEN at entry {result.first_bad_seq}: {result.problem} "
            f"({result.checked} entries verified before it)",
            err=True,
        )
        sys.exit(1)
    click.echo(f"audit trail intact: {result.checked} entries verified")


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
    from registry import clock
    from registry.services import complaints

    with get_db().transaction() as session:
        count = complaints.escalate_overdue(session, on.date() if on else clock.today())
    click.echo(f"{count} complaint(s) escalated to the second place of application")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int)
@click.option("--threads", default=4, show_default=True, type=int)
@click.option(
    "--index-follower/--no-index-follower",
    default=True,
    show_default=True,
    help="also run the one process that keeps the search index current",
)
def serve_command(host: str, port: int, workers: int, threads: int, index_follower: bool) -> None:
    """Serve with gunicorn (production WSGI server)."""
    from registry.search import follower
    from registry.server import run_gunicorn

    process = follower.start_process() if index_follower else None
    stop = (lambda: follower.stop_process(process)) if process is not None else None
    run_gunicorn(host=host, port=port, workers=workers, threads=threads, on_exit=stop)


@click.command("reindex")
@with_appcontext
def reindex_command() -> None:
    """Rebuild the search index from the database into a new directory and swap it in."""
    from registry.search import index

    with get_db().sessionmaker() as session:
        state = index.rebuild(session, current_app.config["INDEX_DIR"])
    click.echo(f"search index rebuilt: {state.documents} documents at change {state.seq}")


@click.command("index-follow")
@click.option("--interval", default=2.0, show_default=True, type=float, help="seconds")
@click.option("--once", is_flag=True, help="one step, then exit")
@with_appcontext
def index_follow_command(interval: float, once: bool) -> None:
    """Keep the search index current from the change feed (the one writer of the index)."""
    from registry.search import follower

    follower.follow(current_app._get_current_object(), interval, 1 if once else None)  # type: ignore[attr-defined]


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
    from registry.transfer import dump

    started = time.perf_counter()
    with reported_errors():
        manifest = dump.export(get_db().engine, path, personal_data=not without_personal_data)
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
@with_appcontext
def import_command(path: Path, accept_partial: bool) -> None:
    """Restore a dump made by `registry export` into this empty, migrated database."""
    from registry.transfer import restore

    started = time.perf_counter()
    with reported_errors():
        report = restore.restore(get_db().engine, path, accept_partial=accept_partial)
    if not report.manifest.personal_data_included:
        click.echo(f"PARTIAL restore: {', '.join(report.manifest.blanked)} are blank")
    click.echo(
        f"restored {report.total_rows} rows of {len(report.rows)} tables into {_safe_url()} in "
        f"{time.perf_counter() - started:.1f} s; audit trail verified ({report.audit_entries} "
        "entries)"
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
    from registry import clock
    from registry.transfer import open_data

    with reported_errors(), get_db().sessionmaker() as session:
        report = open_data.export_open_data(
            session, path, base_url=base_url, on=on.date() if on else clock.today()
        )
    for name, count in report.files.items():
        click.echo(f"{name}\t{count} records")
    click.echo(f"open data written to {path}")


@contextmanager
def reported_errors(*also: type[Exception]) -> Iterator[None]:
    """Refusals from the services (and the ``also`` kinds, e.g. an unreadable input file) end
    the command with their message, not a traceback."""
    try:
        yield
    except RegistryError as error:
        detail = f"{error.detail} {error.errors}" if error.errors else error.detail
        raise click.ClickException(detail) from error
    except also as error:
        raise click.ClickException(str(error)) from error


def _safe_url() -> str:
    """The database URL without its password, for messages."""
    from sqlalchemy.engine import make_url

    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)


def init_app(app: Flask) -> None:
    from importers.commands import (
        import_legislation_command,
        import_service_standards_command,
        import_units_command,
    )

    app.cli.add_command(import_units_command)
    app.cli.add_command(import_legislation_command)
    app.cli.add_command(import_service_standards_command)
    app.cli.add_command(db_group)
    app.cli.add_command(demo_command)
    app.cli.add_command(generate_command)
    app.cli.add_command(serve_command)
    app.cli.add_command(reindex_command)
    app.cli.add_command(index_follow_command)
    app.cli.add_command(users_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(complaints_group)
    app.cli.add_command(export_command)
    app.cli.add_command(import_command)
    app.cli.add_command(export_open_data_command)
