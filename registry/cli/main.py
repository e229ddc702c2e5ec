"""The ``registry`` console script: a Flask command group whose app is ``create_app()``."""

from __future__ import annotations

import click
from flask.cli import FlaskGroup

from registry.app import create_app


@click.group(
    cls=FlaskGroup, create_app=create_app, add_default_commands=False, add_version_option=False
)
def main() -> None:
    """KAYSİS registry administration."""


if __name__ == "__main__":
    main()
