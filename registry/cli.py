"""The ``registry`` command line (also reachable as ``flask --app wsgi …``)."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

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

    with _reported_errors(), get_db().transaction() as session:
        user, token = accounts.create_user(session, name=name, role=role, organization=organization)
        click.echo(f"created user #{user.id} {user.name} ({user.role})")
    click.echo(token)


@users_group.command("revoke")
@click.argument("user_id", type=int)
@with_appcontext
def users_revoke(user_id: int) -> None:
    """Revoke every token of an account."""
    from registry.services import accounts

    with _reported_errors(), get_db().transaction() as session:
        count = accounts.revoke(session, user_id)
    click.echo(f"revoked {count} token(s) of user #{user_id}")


@users_group.command("token")
@click.argument("user_id", type=int)
@with_appcontext
def users_token(user_id: int) -> None:
    """Issue a new token for an account (printed as the last line)."""
    from registry.models import User
    from registry.services import accounts

    with _reported_errors(), get_db().transaction() as session:
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

    with _reported_errors(), get_db().transaction() as session:
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

    if index_follower:
        follower.start_process()
    run_gunicorn(host=host, port=port, workers=workers, threads=threads)


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
    app.cli.add_command(reindex_command)
    app.cli.add_command(index_follow_command)
    app.cli.add_command(users_group)
    app.cli.add_command(audit_group)
    app.cli.add_command(complaints_group)
