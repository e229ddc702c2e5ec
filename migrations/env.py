"""Alembic environment: the engine comes from the registry's configuration."""

from __future__ import annotations

from alembic import context

from registry import models  # noqa: F401  # registers every table on Base.metadata
from registry.audit import ledger
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
            before = context.get_context().get_current_revision()
            context.run_migrations()
            after = context.get_context().get_current_revision()
            if after != before and after == context.script.get_current_head():
                # A migration may change rows (a new column, seeded data): the ledger records
                # the states it left, naming the revision (docs/security.md, Tamper evidence).
                ledger.seal(connection, source=f"schema {after}")
        connection.commit()


run_migrations()
