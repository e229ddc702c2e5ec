"""Database engine and per-request sessions.

Services receive a ``Session`` and never commit; the edge (a request handler, a CLI command) owns
the transaction. The engine is created in the application factory, never at import time.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Flask, current_app, g
from sqlalchemy import MetaData, create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.pool import StaticPool

from registry.kernel import stored

# Named constraints let Alembic alter SQLite tables (batch mode) and keep migrations deterministic.
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Database:
    """One engine and its session factory, owned by one Flask app."""

    def __init__(self, url: str, **engine_options: Any) -> None:
        self.url = url
        self.engine = make_engine(url, **engine_options)
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        stored.install(self.sessionmaker)  # texts fit their columns, no NUL: on both backends

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A write session: commits on success, rolls back on any error.

        On SQLite the transaction starts with ``BEGIN IMMEDIATE`` so concurrent writers queue on
        the lock instead of failing when a read transaction tries to upgrade to a write.
        """
        with self.sessionmaker() as session, session.begin():
            session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
            yield session

    def dispose(self) -> None:
        self.engine.dispose()


def make_engine(url: str, **options: Any) -> Engine:
    """Create an engine with the settings each backend needs to behave like the other."""
    if url.startswith("sqlite"):
        if url in ("sqlite://", "sqlite:///:memory:"):
            # One shared in-memory database for every thread of the process (tests).
            options.setdefault("poolclass", StaticPool)
        options.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **options)
        _configure_sqlite(engine)
        return engine
    options.setdefault("pool_pre_ping", True)
    # A session whose app worker died (killed mid-request) is ended within seconds even while it
    # waits for a lock, instead of holding its locks until it next talks to the client.
    options.setdefault(
        "connect_args",
        {"connect_timeout": 5, "options": "-c client_connection_check_interval=5000"},
    )
    return create_engine(url, **options)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take control of transactions so that BEGIN IMMEDIATE serializes writers cleanly.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        mode = connection.get_execution_options().get("sqlite_begin", "")
        connection.exec_driver_sql(f"BEGIN {mode}".strip())


def init_app(app: Flask) -> None:
    app.extensions["registry.db"] = Database(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def get_db(app: Flask | None = None) -> Database:
    return (app or current_app).extensions["registry.db"]


def get_session() -> Session:
    """The request's session, opened lazily and closed at teardown."""
    if "db_session" not in g:
        g.db_session = get_db().sessionmaker()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


def write_session() -> Session:
    """The request's session, opened for writing: on SQLite its transaction is BEGIN IMMEDIATE.

    Call it first in a write view, before anything reads, so the whole request is one transaction
    that concurrent writers queue for instead of failing on a lock upgrade.
    """
    session = get_session()
    if session.in_transaction() and session.connection().get_execution_options().get(
        "sqlite_begin"
    ):
        return session  # already opened for writing (the API's write gate, before the token)
    session.connection(execution_options={"sqlite_begin": "IMMEDIATE"})
    return session
