"""Alembic environment: the engine comes from the registry's configuration."""

from __future__ import annotations

from alembic import context

from registry import models  # noqa: F401  # registers every table on Base.metadata
from registry.kernel.db import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    engine = config.attributes["engine"]
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations()
