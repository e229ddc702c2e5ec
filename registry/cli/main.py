"""The ``registry`` console script: a Flask command group whose app is ``create_app()``.

Imports and exports are jobs whose output people read (and scripts parse): the libraries' own
INFO lines (alembic's "Context impl SQLiteImpl.", whoosh's) are noise there, so those commands
log only warnings unless ``registry -v`` asks for everything.
"""

from __future__ import annotations

import logging

import click
from flask.cli import FlaskGroup

from registry.app import create_app

QUIET_COMMANDS = ("import", "export")  # import, import-units…, export, export-open-data


@click.group(
    cls=FlaskGroup, create_app=create_app, add_default_commands=False, add_version_option=False
)
@click.option("-v", "--verbose", is_flag=True, help="log the libraries' INFO lines too")
@click.pass_context
def main(context: click.Context, verbose: bool) -> None:
    """KAYSİS registry administration."""
    command = context.invoked_subcommand or ""
    if not verbose and command.startswith(QUIET_COMMANDS):
        quiet_logging()


def quiet_logging() -> None:
    """Warnings and errors only: set before the app exists, so its INFO default never applies."""
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("alembic", "whoosh", "sqlalchemy"):
        logging.getLogger(name).setLevel(logging.WARNING)


if __name__ == "__main__":
    main()
