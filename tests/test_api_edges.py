"""The API's rough edges, as a new user meets them (issue 25): who is calling is settled before
anything is validated, a body that is not JSON is 415, nested errors are field paths, the OpenAPI
text is clean and tells the write shape of a change request's ``data``, and the import and export
commands print no library log lines. Every HTTP test runs on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.kernel.errors import flatten_validation_messages
from tests.processes import REGISTRY
from tests.workflow_world import World, build_world

PROBLEM = "application/problem+json"


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def _problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == PROBLEM
    body: dict[str, Any] = response.json
    assert body["status"] == status and " / " in body["detail"]
    return body


# -- 401 before any validation ----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer not-a-token"}, {"Authorization": "Basic eDp5"}],
    ids=["no-token", "wrong-token", "not-bearer"],
)
def test_an_anonymous_write_is_401_whatever_its_body(
    client: FlaskClient, world: World, headers: dict[str, str]
) -> None:
    invalid = {"entity": 5, "action": "explode", "unknown": True, "data": "x"}
    for response in (
        client.post("/api/v1/change-requests?page=x", json=invalid, headers=headers),
        client.post("/api/v1/change-requests", data="entity=x", headers=headers),
        client.post("/api/v1/change-requests", json={"reason": "a\x00b"}, headers=headers),
        client.post("/api/v1/change-requests/999999/approve", json=[1], headers=headers),
        client.put("/api/v1/search/synonyms", json={"groups": "no"}, headers=headers),
        client.post("/api/v1/complaints/HSY-XXXXXXXX/events", json={}, headers=headers),
    ):
        body = _problem(response, 401)
        assert "errors" not in body  # nothing about the fields leaks before authentication
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_with_a_token_the_same_body_is_judged(client: FlaskClient, world: World) -> None:
    invalid = {"entity": 5, "action": "explode"}
    response = client.post(
        "/api/v1/change-requests", json=invalid, headers=world.auth("goc_coordinator")
    )
    assert set(_problem(response, 422)["errors"]) >= {"entity", "action"}


def test_public_writes_need_no_token(client: FlaskClient, world: World) -> None:
    """Filing a complaint and rating a service stay open: their refusals are about the body."""
    response = client.post("/api/v1/complaints", json={"organization": world.goc})
    assert "subject" in _problem(response, 422)["errors"]
    response = client.post("/api/v1/surveys", json={"service": "YOK-1", "score": 9})
    assert "score" in _problem(response, 422)["errors"]


# -- 415 for a body that is not JSON ----------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ("entity=organization&action=create", "application/x-www-form-urlencoded"),
        ('{"entity": "organization"}', "text/plain"),
        ("<request/>", "application/xml"),
        ('{"entity": "organization"}', None),
    ],
)
def test_a_body_that_is_not_json_is_415(
    client: FlaskClient, world: World, data: str, content_type: str | None
) -> None:
    headers = world.auth("goc_coordinator")
    if content_type is None:  # no Content-Type at all
        response = client.open(
            "/api/v1/change-requests", method="POST", data=data.encode(), headers=headers
        )
    else:
        response = client.post(
            "/api/v1/change-requests", data=data, content_type=content_type, headers=headers
        )
    body = _problem(response, 415)
    assert "JSON" in body["detail"]
    public = client.post("/api/v1/complaints", data=data, content_type=content_type or "")
    _problem(public, 415)


def test_json_media_types_and_empty_bodies_pass_the_gate(client: FlaskClient, world: World) -> None:
    headers = world.auth("goc_coordinator")
    typed = client.post(
        "/api/v1/change-requests",
        data=json.dumps({"entity": "organization", "action": "create", "data": {}}),
        content_type="application/merge-patch+json",
        headers=headers,
    )
    assert typed.status_code == 422  # judged as JSON: the unit's fields are missing
    empty = client.post("/api/v1/change-requests/999999/approve", headers=headers)
    assert empty.status_code == 404  # no body, no 415: the request is looked up


# -- nested validation errors are field paths -------------------------------------------------


def test_nested_errors_are_field_paths_with_messages(client: FlaskClient, world: World) -> None:
    data = {
        "name": {"tr": "Bir birim"},
        "parent": world.goc,
        "level": "central",
        "kep_addresses": [{"address": 5}, "x"],
        "contact": {"phone": ["0312"]},
    }
    response = client.post(
        "/api/v1/change-requests",
        json={"entity": "organization", "action": "create", "data": data},
        headers=world.auth("goc_coordinator"),
    )
    errors = _problem(response, 422)["errors"]
    assert "data.kep_addresses.0.address" in errors
    assert "data.name" in errors
    for path, messages in errors.items():
        assert re.fullmatch(r"[a-z_]+(\.[a-z_0-9]+)*", path), path
        assert all(isinstance(m, str) for m in messages), (path, messages)
        assert not any("{" in m or "[" in m for m in messages), (path, messages)


def test_field_messages_are_turkish_first(client: FlaskClient, world: World) -> None:
    """marshmallow's English sentences reach callers with their Turkish half, by field."""
    response = client.post(
        "/api/v1/change-requests",
        json={"entity": "organization", "action": "create", "data": {"level": "elsewhere"}},
        headers=world.auth("goc_coordinator"),
    )
    errors = _problem(response, 422)["errors"]
    assert errors["data.name"] == ["Bu alan zorunludur / Missing data for required field."]
    assert errors["data.level"][0].startswith("Şunlardan biri olmalıdır: ")
    query = client.get("/api/v1/organizations", query_string={"page": "first"})
    assert _problem(query, 422)["errors"]["page"] == ["Tam sayı olmalıdır / Not a valid integer."]


def test_flattened_messages_never_hold_a_dicts_text() -> None:
    """webargs may hand lists holding nested messages (a schema's own errors)."""
    flat = flatten_validation_messages(
        {"json": {"items": [{"0": {"code": ["Required."]}}, "Too many."], "when": {"at": ["Bad."]}}}
    )
    assert flat == {"items.0.code": ["Required."], "items": ["Too many."], "when.at": ["Bad."]}


# -- the OpenAPI document ---------------------------------------------------------------------


def _texts(node: Any, path: str = "") -> list[tuple[str, str]]:
    if isinstance(node, dict):
        return [pair for key, value in node.items() for pair in _texts(value, f"{path}/{key}")]
    if isinstance(node, list):
        return [pair for i, value in enumerate(node) for pair in _texts(value, f"{path}/{i}")]
    return [(path, node)] if isinstance(node, str) else []


def test_openapi_text_is_clean_and_names_each_entitys_data_schema(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    for path, text in _texts(spec):
        if path.endswith(("/summary", "/description")):
            assert "``" not in text, path
            assert not re.search(r":(class|func|meth|attr|ref):`", text), path
    data = spec["components"]["schemas"]["ChangeRequestInput"]["properties"]["data"]
    shapes = data["x-data-schemas"]
    assert {"organization", "service", "legislation", "document"} <= set(shapes)
    assert set(shapes["organization"]) >= {"create", "update", "close", "move"}
    schemas = spec["components"]["schemas"]
    for entity, actions in shapes.items():
        for action, ref in actions.items():
            name = ref["$ref"].rsplit("/", 1)[-1]
            assert name in schemas, (entity, action, name)
            assert f"{entity} {action}: {name}" in data["description"]
    unit = schemas[shapes["organization"]["create"]["$ref"].rsplit("/", 1)[-1]]
    assert {"name", "parent", "level"} <= set(unit["properties"])
    assert {"$ref": shapes["service"]["create"]["$ref"]} in data["anyOf"]
    summaries = [
        op.get("summary", "")
        for item in spec["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
    ]
    assert "One unit, as it is today or as it stood on at" in summaries


# -- import and export commands print no library log lines ------------------------------------


def _registry(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(REGISTRY), *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_import_and_export_print_no_library_log_lines(database_url: str, tmp_path: Path) -> None:
    env = {
        **os.environ,
        "REGISTRY_DATABASE_URL": database_url,
        "REGISTRY_INDEX_DIR": str(tmp_path / "index"),
        "REGISTRY_RATELIMIT": "0",
    }
    units = tmp_path / "units.csv"
    units.write_text(
        "detsis_no;name;parent_detsis_no;level\n51122334;Deneme Bakanlığı;;central\n",
        encoding="utf-8",
    )
    runs = {
        "export": _registry("export", str(tmp_path / "dump"), env=env, cwd=tmp_path),
        "export-open-data": _registry(
            "export-open-data", str(tmp_path / "open"), env=env, cwd=tmp_path
        ),
        "import-units": _registry("import-units", str(units), "--dry-run", env=env, cwd=tmp_path),
    }
    for name, run in runs.items():
        output = run.stdout + run.stderr
        assert "INFO:" not in output and "alembic" not in output.lower(), (name, output)
        assert "whoosh" not in output.lower(), (name, output)
    assert runs["export"].returncode == 0, runs["export"].stderr
    assert "exported" in runs["export"].stdout
    assert runs["export-open-data"].returncode == 0
    verbose = _registry("-v", "export", str(tmp_path / "dump2"), env=env, cwd=tmp_path)
    assert verbose.returncode == 0 and "INFO:alembic" in verbose.stderr
