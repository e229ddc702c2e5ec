"""``registry users``: accounts and API tokens (a token is shown once, as the last line)."""

from __future__ import annotations

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from registry.accounts import service as accounts
from registry.accounts.models import User
from registry.cli.reporting import reported_errors
from registry.kernel.db import get_db
from registry.organizations.models import Organization


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
    with reported_errors(), get_db().transaction() as session:
        user, token = accounts.create_user(session, name=name, role=role, organization=organization)
        click.echo(f"created user #{user.id} {user.name} ({user.role})")
    click.echo(token)


@users_group.command("revoke")
@click.argument("user_id", type=int)
@with_appcontext
def users_revoke(user_id: int) -> None:
    """Revoke every token of an account."""
    with reported_errors(), get_db().transaction() as session:
        count = accounts.revoke(session, user_id)
    click.echo(f"revoked {count} token(s) of user #{user_id}")


@users_group.command("token")
@click.argument("user_id", type=int)
@with_appcontext
def users_token(user_id: int) -> None:
    """Issue a new token for an account (printed as the last line)."""
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
    with reported_errors(), get_db().transaction() as session:
        accounts.rescope(session, user_id, organization)
    click.echo(f"user #{user_id} now acts for {organization}")


@users_group.command("list")
@click.option("--needs-scope", is_flag=True, help="Only accounts whose scope has lapsed")
@with_appcontext
def users_list(needs_scope: bool) -> None:
    """List accounts (never their tokens)."""
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
