"""Fuzzing every API operation from the app's own OpenAPI document (schemathesis): no server
error, and every answer matches its documented schema. A bounded run on the sample data, as a
reviewer (authenticated operations too); the same check runs longer with ``st run`` by hand.
The X-Pagination header is left out: flask-smorest documents it as an object, the header carries
its JSON text."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from flask import Flask
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from registry.app import create_app
from registry.demo import load_demo
from registry.kernel import migrate
from registry.kernel.db import get_db
from tests.factories import make_user


def _app(tmp_path_factory: Any) -> tuple[Flask, str]:
    folder = tmp_path_factory.mktemp("fuzz")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'registry.kernel.db'}",
            "INDEX_DIR": str(folder / "index"),
            "TESTING": True,
            "RATELIMIT_ENABLED": False,
        }
    )
    migrate.upgrade(get_db(app).engine)
    with app.app_context(), get_db(app).transaction() as session:
        load_demo(session)
        _, token = make_user(session, name="fuzz", role="reviewer")
    return app, token


@pytest.fixture(scope="module")
def fuzzed(tmp_path_factory: Any) -> Iterator[tuple[Flask, str]]:
    app, token = _app(tmp_path_factory)
    yield app, token
    get_db(app).dispose()


schema = schemathesis.pytest.from_fixture("openapi")


@pytest.fixture(scope="module")
def openapi(fuzzed: tuple[Flask, str]) -> Any:
    app, _ = fuzzed
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)


@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_no_server_errors_and_answers_match_the_document(
    case: Any, fuzzed: tuple[Flask, str]
) -> None:
    _, token = fuzzed
    case.call_and_validate(
        headers={"Authorization": f"Bearer {token}"},
        checks=[not_a_server_error, response_schema_conformance],
    )
