"""Fixtures: an app on a real database per test, on SQLite and on a throwaway PostgreSQL.

Tests that take ``app``/``client``/``session`` run twice, once per backend. Each backend is migrated
once per run (per xdist worker) and every test gets a clone of that template: a copy of the SQLite
bytes, or ``CREATE DATABASE … TEMPLATE`` on PostgreSQL. Tests that only read the sample dataset
share one loaded database per backend (``demo_client``): loading it per test would dominate the run
time, and those tests never write.
"""

from __future__ import annotations

import itertools
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.app import create_app
from registry.kernel import migrate
from registry.kernel.db import get_db
from tests.postgres import ThrowawayPostgres

BACKENDS = ["sqlite", "postgresql"]
_database_names = itertools.count(1)
# Worlds built once and read by many tests: each xdist worker would build its own copy, so the
# tests that read one are run by one worker (see ``pytest_collection_modifyitems``).
SHARED_WORLDS = ("demo_app",)
BROADER_SCOPES = ("package", "module", "class")


@pytest.hookimpl(tryfirst=True)  # before xdist's own hook, which reads the group marks
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``--dist loadgroup``, keep tests that share an expensive fixture on one worker.

    A test reading a shared world (the sample dataset, per backend) joins that world's group; a
    test using a module-scoped fixture joins its module's group, per parameter of that fixture.
    Every other test is scheduled on its own, which keeps both workers busy to the end.
    """
    if not config.getoption("loadgroup", False):  # set on xdist's workers by --dist loadgroup
        return
    for item in items:
        group = _shared_group(item)
        if group:
            # xdist reads the group after the last "@" of the node id, and only when no "]"
            # follows it: neither may appear in the name.
            name = group.replace("@", "-").replace("]", ")").replace("[", "(")
            item.add_marker(pytest.mark.xdist_group(name))


def _shared_group(item: pytest.Item) -> str | None:
    params: dict[str, Any] = getattr(getattr(item, "callspec", None), "params", {})
    for name in SHARED_WORLDS:
        if name in item.fixturenames:
            return f"{name}[{params.get(name, '')}]"
    # The private attribute is the only record of which fixture definitions a test resolved to.
    definitions = item._fixtureinfo.name2fixturedefs  # type: ignore[attr-defined]
    broader = sorted(
        name
        for name in item.fixturenames
        if name in definitions and definitions[name][-1].scope in BROADER_SCOPES
    )
    if not broader:
        return None
    module = item.nodeid.split("::")[0]
    return module + "".join(f"[{params[name]}]" for name in broader if name in params)


@pytest.fixture(scope="session")
def postgres() -> Iterator[ThrowawayPostgres]:
    """One server for the whole run; never skipped: a machine without PostgreSQL fails here."""
    server = ThrowawayPostgres().start()
    try:
        template_url = server.create_database("registry_template")
        _migrate(template_url)
        yield server
    finally:
        server.stop()


def _migrate(url: str) -> None:
    app = create_app({"DATABASE_URL": url, "TESTING": True})
    migrate.upgrade(get_db(app).engine)
    get_db(app).dispose()


@pytest.fixture(scope="session")
def sqlite_template() -> bytes:
    """An SQLite database migrated by Alembic, as the bytes of its file.

    Running the migrations takes longer than the average test; restoring these bytes takes well
    under a millisecond. The clone is the migrated database itself, so the migration tests still
    check what Alembic built.
    """
    app = create_app({"DATABASE_URL": "sqlite://", "TESTING": True})
    engine = get_db(app).engine
    migrate.upgrade(engine)
    with engine.connect() as connection:
        data = connection.connection.driver_connection.serialize()
    get_db(app).dispose()
    return bytes(data)


def _restore_sqlite(app: Flask, template: bytes) -> None:
    """Load ``template`` into the app's in-memory database (one connection: a ``StaticPool``).

    The engine's connect hook has already set the per-connection pragmas (foreign keys on), and
    ``deserialize`` replaces only the database, not the connection, so they stay in force.
    """
    with get_db(app).engine.connect() as connection:
        connection.connection.driver_connection.deserialize(template)


def _make_app(
    backend: str, request: pytest.FixtureRequest, tmp_path_factory: Any, **config: Any
) -> tuple[Flask, str | None]:
    database: str | None = None
    if backend == "sqlite":
        url = "sqlite://"
    else:
        server: ThrowawayPostgres = request.getfixturevalue("postgres")
        database = f"registry_test_{os.getpid()}_{next(_database_names)}"
        url = server.create_database(database, template="registry_template")
    index_dir = tmp_path_factory.mktemp("index")
    app = create_app(
        {
            "DATABASE_URL": url,
            "TESTING": True,
            "INDEX_DIR": str(index_dir),
            "SECRET_KEY": "test",
            **config,
        }
    )
    if backend == "sqlite":
        _restore_sqlite(app, request.getfixturevalue("sqlite_template"))
    return app, database


def _dispose(
    app: Flask, backend: str, database: str | None, request: pytest.FixtureRequest
) -> None:
    get_db(app).dispose()
    if backend == "postgresql" and database:
        request.getfixturevalue("postgres").drop_database(database)


def _write_sqlite_file(path: Path, template: bytes) -> None:
    """A database file holding ``template``, already in WAL mode as a migrated file would be.

    The serialized bytes are the file SQLite itself would write; only the journal mode, which an
    in-memory database cannot have, is switched before any app opens the file.
    """
    path.write_bytes(template)
    connection = sqlite3.connect(path)
    try:
        assert connection.execute("PRAGMA journal_mode = WAL").fetchone() == ("wal",)
    finally:
        connection.close()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
def app(backend: str, request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[Flask]:
    """A fresh, migrated, empty database for this test."""
    flask_app, database = _make_app(backend, request, tmp_path_factory)
    yield flask_app
    _dispose(flask_app, backend, database, request)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> Any:
    return app.test_cli_runner()


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    """A plain session on the test's database; the test commits what the client should see.

    No app context is pushed here: requests made by ``client`` must open and close their own.
    """
    with get_db(app).sessionmaker() as db_session:
        yield db_session


@pytest.fixture(scope="session", params=BACKENDS)
def demo_app(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[Flask]:
    """The sample dataset, loaded once per backend; tests using it must not write."""
    from registry.demo import load_demo

    flask_app, database = _make_app(request.param, request, tmp_path_factory)
    with flask_app.app_context(), get_db(flask_app).transaction() as db_session:
        load_demo(db_session)
    yield flask_app
    _dispose(flask_app, request.param, database, request)


@pytest.fixture
def demo_client(demo_app: Flask) -> FlaskClient:
    return demo_app.test_client()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database two app nodes can share (a file, or a PostgreSQL database)."""
    if request.param == "sqlite":
        path = tmp_path / "shared.sqlite3"
        _write_sqlite_file(path, request.getfixturevalue("sqlite_template"))
        yield f"sqlite:///{path}"
        return
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = f"graph_{abs(hash(tmp_path)) % 10**8}"
    yield server.create_database(name, template="registry_template")
    server.drop_database(name)
