"""Fixtures: an app on a real database per test, on SQLite and on a throwaway PostgreSQL.

Tests that take ``app``/``client``/``session`` run twice, once per backend. Tests that only read the
sample dataset share one loaded database per backend (``demo_client``): loading it per test would
dominate the run time, and those tests never write.
"""

from __future__ import annotations

import itertools
import os
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
    from registry.kernel import migrate

    migrate.upgrade(get_db(app).engine)
    get_db(app).dispose()


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
        from registry.kernel import migrate

        migrate.upgrade(get_db(app).engine)
    return app, database


def _dispose(
    app: Flask, backend: str, database: str | None, request: pytest.FixtureRequest
) -> None:
    get_db(app).dispose()
    if backend == "postgresql" and database:
        request.getfixturevalue("postgres").drop_database(database)


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
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        migrate.upgrade(get_db(app).engine)
        get_db(app).dispose()
        yield url
        return
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = f"graph_{abs(hash(tmp_path)) % 10**8}"
    yield server.create_database(name, template="registry_template")
    server.drop_database(name)
