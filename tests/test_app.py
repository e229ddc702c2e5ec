"""Application-wide behaviour: probes, error shapes, the OpenAPI document, HTML errors."""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from registry.app import create_app


def test_healthz_and_readyz(client: FlaskClient) -> None:
    assert client.get("/healthz").json == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json["checks"]["database"] == "ok"


def test_readyz_reports_an_unreachable_database_quickly(tmp_path: object) -> None:
    app = create_app(
        {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none", "TESTING": True}
    )
    started = time.monotonic()
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    assert response.json["checks"]["database"].startswith("unavailable")
    assert time.monotonic() - started < 10


def test_api_request_with_unreachable_database_is_a_503_problem() -> None:
    app = create_app(
        {"DATABASE_URL": "postgresql+psycopg://nobody@127.0.0.1:9/none", "TESTING": True}
    )
    response = app.test_client().get("/api/v1/organizations/24325150")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert response.headers["Retry-After"]


def test_unknown_api_path_is_a_problem_document(client: FlaskClient) -> None:
    response = client.get("/api/v1/nothing-here")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
    assert response.json["status"] == 404


def test_wrong_method_is_a_problem_document(client: FlaskClient) -> None:
    response = client.post("/api/v1/organizations", json={"name": "x"})
    assert response.status_code == 405
    assert response.content_type == "application/problem+json"
    assert "GET" in response.headers["Allow"]


def test_html_routes_get_html_errors(client: FlaskClient) -> None:
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert '<html lang="tr">' in response.get_data(as_text=True)
    assert "Sayfa bulunamadı" in response.get_data(as_text=True)


def test_unexpected_error_hides_the_stack_trace(app: Flask) -> None:
    @app.get("/api/v1/boom")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/api/v1/boom")
    assert response.status_code == 500
    assert response.content_type == "application/problem+json"
    assert "secret" not in response.get_data(as_text=True)


def test_openapi_documents_problem_json_errors(client: FlaskClient) -> None:
    spec = client.get("/api/v1/openapi.json").json
    assert spec["info"]["title"]
    assert "/api/v1/organizations/{detsis_no}" in spec["paths"]
    default_error = spec["components"]["responses"]["DEFAULT_ERROR"]
    assert "application/problem+json" in default_error["content"]
    problem = spec["components"]["schemas"]["Problem"]
    assert {"type", "title", "status", "detail", "errors"} <= problem["properties"].keys()
    unprocessable = spec["components"]["responses"]["UNPROCESSABLE_ENTITY"]
    assert "application/problem+json" in unprocessable["content"]


def test_interactive_docs_are_served_without_the_internet(client: FlaskClient) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/api/v1/swagger-ui/swagger-ui-bundle.js" in page.get_data(as_text=True)
    asset = client.get("/api/v1/swagger-ui/swagger-ui-bundle.js")
    assert asset.status_code == 200 and len(asset.data) > 100_000
    asset.close()


def test_home_page_searches_units_in_turkish(client: FlaskClient) -> None:
    moved = client.get("/?q=goc")
    assert moved.status_code == 301 and moved.headers["Location"] == "/search?q=goc"
    page = client.get("/search?q=goc")
    assert page.status_code == 200
    assert "“goc” için sonuçlar" in page.get_data(as_text=True)


def test_numbers_too_large_for_the_database_are_refused_cleanly(client: FlaskClient) -> None:
    """Found by fuzzing: such numbers reached SQL and overflowed it (500)."""
    assert client.get("/api/v1/legislation/2158323266432905248768").status_code == 404
    assert client.get("/api/v1/ebys/distribution-lists/2147483648").status_code == 404
    huge_page = client.get("/api/v1/services", query_string={"page": 65327728365209157632})
    assert huge_page.status_code == 422 and "page" in huge_page.json["errors"]
    version = client.get(
        "/api/v1/organizations/24325150/service-standards", query_string={"version": 10**30}
    )
    assert version.status_code == 422 and "version" in version.json["errors"]


def test_moments_carry_their_offset_on_every_backend(client: FlaskClient) -> None:
    """SQLite returns stored UTC moments without a zone; the API writes them with one."""
    from schemas.common import UtcDateTime

    field = UtcDateTime()
    naive = datetime(2026, 11, 21, 23, 9, 55)
    assert field.serialize("at", {"at": naive}) == "2026-11-21T23:09:55+00:00"


def test_request_ids_json_logs_and_metrics(client: FlaskClient, caplog: Any) -> None:
    import json as json_module
    import logging

    from registry.http.observability import JsonFormatter

    given = client.get("/healthz", headers={"X-Request-Id": "lb-1234abcd"})
    assert given.headers["X-Request-Id"] == "lb-1234abcd"
    made = client.get("/healthz", headers={"X-Request-Id": "bad id with spaces"})
    assert len(made.headers["X-Request-Id"]) == 32 and " " not in made.headers["X-Request-Id"]
    with caplog.at_level(logging.INFO, logger="registry.access"):
        client.get("/api/v1/organizations/99999999", headers={"X-Request-Id": "req-5678efgh"})
    [record] = [r for r in caplog.records if r.name == "registry.access"]
    line = json_module.loads(JsonFormatter().format(record))
    assert line["status"] == 404 and line["route"] == "/api/v1/organizations/<string:detsis_no>"
    assert "99999999" not in line["route"] and line["duration_ms"] >= 0

    metrics = client.get("/metrics")
    assert metrics.mimetype == "text/plain"
    text = metrics.get_data(as_text=True)
    assert 'registry_requests_total{method="GET",route="/healthz",status="2xx"' in text
    assert 'route="/api/v1/organizations/<string:detsis_no>",status="4xx"' in text
    assert "registry_request_seconds_bucket{" in text and 'le="+Inf"' in text
