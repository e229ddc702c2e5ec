"""How a command ends on a refusal: its message, not a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import click
from flask import current_app
from sqlalchemy.engine import make_url

from registry.kernel.errors import RegistryError


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


def safe_url() -> str:
    """The database URL without its password, for messages."""
    return make_url(current_app.config["DATABASE_URL"]).render_as_string(hide_password=True)
