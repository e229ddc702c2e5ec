"""``registry users``: accounts and API tokens (a token is shown once, as the last line).

A person identifier (national id or ``<DETSİS>/<personnel no>``) is asked for without echo when
``--person-id`` is not given, so it stays out of shell history and the process list; only its
keyed hash (``accounts/persons.py``) is stored.
"""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from registry.accounts import persons
from registry.accounts import service as accounts
from registry.accounts.models import Role, User
from registry.cli.reporting import reported_errors
from registry.kernel.db import get_db
from registry.organizations.models import Organization

PERSON_ID_HELP = (
    "T.C. kimlik no (11 digits) or '<DETSİS>/<personnel no>'; asked without echo if omitted"
)


person_option = click.option("--person-id", default=None, help=PERSON_ID_HELP)


def _person_key(raw: str | None, *, required: bool) -> str | None:
    """The person key under this installation's pepper; the raw identifier goes no further.

    Asked without echo on a terminal when not given. The contract's ``users create`` works
    without it (scripts, CI): the account then counts as a person of its own, with a warning,
    unless the installation requires persons (``REGISTRY_REQUIRE_PERSON_ID=1``)."""
    if raw is None and sys.stdin.isatty():
        raw = click.prompt(
            "Kişi kimliği / person id", hide_input=True, default="", show_default=False
        )
    if not raw:
        if required or current_app.config["REQUIRE_PERSON_ID"]:
            raise click.UsageError(
                "Kişi kimliği gerekli (--person-id) / a person id is required (--person-id)."
            )
        click.echo(
            "uyarı / warning: no person on file; four eyes count this account as its own "
            "person until 'registry users set-person' gives it one",
            err=True,
        )
        return None
    return persons.person_key(raw, current_app.config["PERSON_KEY_SECRET"], "person_id")


@click.group("users")
def users_group() -> None:
    """Accounts and API tokens."""


@users_group.command("create")
@click.option("--name", required=True)
@click.option(
    "--role",
    required=True,
    type=click.Choice([role.value for role in Role]),
)
@click.option(
    "--organization", default=None, help="DETSİS number (coordinators, approvers, ebys, hr)"
)
@person_option
@click.option("--login", default=None, help="Back-office login name (a-z 0-9 . _ -)")
@click.option("--email", default=None, help="E-mail address (with --login)")
@with_appcontext
def users_create(
    name: str,
    role: str,
    organization: str | None,
    person_id: str | None,
    login: str | None,
    email: str | None,
) -> None:
    """Create an account; its API token is the LAST line of the output (shown only once).

    With ``--login`` the account may also sign in to the back office once it has a password
    (``registry users set-password``)."""
    if email is not None and login is None:
        raise click.UsageError("--email yalnızca --login ile / --email needs --login.")
    with reported_errors(), get_db().transaction() as session:
        key = _person_key(person_id, required=False)
        same = session.scalars(select(User.id).where(User.person_key == key)).all() if key else []
        user, token = accounts.create_user(
            session, name=name, role=role, organization=organization, person_key=key
        )
        if login is not None:
            accounts.set_login(session, user.id, login, email)
        click.echo(f"created user #{user.id} {user.name} ({user.role})")
        if user.login:
            click.echo(f"back-office login: {user.login}")
        if same:
            # Allowed (one person may coordinate for two institutions), never unnoticed.
            others = ", ".join(f"#{other}" for other in same)
            click.echo(f"same person as {others}: four eyes count them as one person")
    click.echo(token)


@users_group.command("set-person")
@click.argument("user_id", type=int)
@person_option
@with_appcontext
def users_set_person(user_id: int, person_id: str | None) -> None:
    """Give an account made before person keys its person (once)."""
    with reported_errors(), get_db().transaction() as session:
        key = _person_key(person_id, required=True)
        assert key is not None  # required=True never answers None
        accounts.set_person(session, user_id, key)
    click.echo(f"user #{user_id} now has a person on file")


@users_group.command("deactivate")
@click.argument("user_id", type=int)
@with_appcontext
def users_deactivate(user_id: int) -> None:
    """End an account: tokens revoked, scope ended, history kept; its open requests stay."""
    with reported_errors(), get_db().transaction() as session:
        ended = accounts.deactivate(session, user_id)
    click.echo(f"deactivated user #{user_id}; revoked {ended.tokens_revoked} token(s)")


@users_group.command("set-password")
@click.argument("user_id", type=int)
@click.option(
    "--password-stdin",
    is_flag=True,
    required=True,
    help="Read the password from standard input (never from the command line)",
)
@with_appcontext
def users_set_password(user_id: int, password_stdin: bool) -> None:
    """Set an account's back-office password; its open sessions end at once."""
    password = sys.stdin.readline().rstrip("\r\n")
    with reported_errors(), get_db().transaction() as session:
        accounts.set_password(session, user_id, password)
    click.echo(f"user #{user_id} has a new password; its sessions ended")


@users_group.command("reset-totp")
@click.argument("user_id", type=int)
@with_appcontext
def users_reset_totp(user_id: int) -> None:
    """Forget an account's second factor: the next sign-in enrols a new one."""
    with reported_errors(), get_db().transaction() as session:
        accounts.reset_second_factor(session, user_id)
    click.echo(f"user #{user_id} enrols a new second factor at the next sign-in")


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
@click.option("--needs-person", is_flag=True, help="Only accounts with no person on file")
@with_appcontext
def users_list(needs_scope: bool, needs_person: bool) -> None:
    """List accounts (never their tokens); the person column is the short person key."""
    with get_db().sessionmaker() as session:
        if needs_scope:
            for user, reason in accounts.accounts_needing_scope(session):
                click.echo(f"#{user.id}\t{user.name}\t{user.role}\tNEEDS NEW SCOPE: {reason}")
            return
        if needs_person:
            for user in accounts.accounts_needing_person(session):
                click.echo(f"#{user.id}\t{user.name}\t{user.role}\tNEEDS A PERSON")
            return
        numbers = dict(session.execute(select(Organization.id, Organization.detsis_no)).all())
        for user in session.scalars(select(User).order_by(User.id)):
            scope = numbers.get(user.organization_id, "-") if user.organization_id else "-"
            person = persons.short(user.person_key) or "-"
            if user.deactivated_at is not None:
                state = f"deactivated {user.deactivated_at:%d.%m.%Y %H:%M}"
            else:
                state = "active" if user.active else "inactive"
            click.echo(f"#{user.id}\t{user.name}\t{user.role}\t{scope}\t{person}\t{state}")
