"""``registry audit``: the tamper-evident audit trail."""

from __future__ import annotations

import sys

import click
from flask.cli import with_appcontext

from registry.audit import trail as audit
from registry.kernel.db import get_db


@click.group("audit")
def audit_group() -> None:
    """The tamper-evident audit trail."""


@audit_group.command("verify")
@with_appcontext
def audit_verify() -> None:
    """Recompute the hash chain; exit 1 naming the first entry that does not match."""
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
