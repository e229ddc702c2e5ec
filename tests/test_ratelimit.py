"""Rate and size limits of the public writes, over HTTP with small configured limits."""

from __future__ import annotations

import io
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import EnvironBuilder, run_wsgi_app

from registry.http import ratelimit
from registry.http.ratelimit import Buckets, Limit, public_write


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(app: Flask) -> FakeClock:
    """Two complaints at once, then one a second; surveys three at once."""
    app.config["RATELIMITS"] = {
        "complaint": {"burst": 2, "per_hour": 3600},
        "survey": Limit(burst=3, per_hour=60),
    }
    fake = FakeClock()
    ratelimit.buckets(app).clock = fake
    return fake


def complain(client: FlaskClient, address: str = "192.0.2.1", **kwargs: Any) -> Any:
    kwargs.setdefault("json", {})
    return client.post("/api/v1/complaints", environ_base={"REMOTE_ADDR": address}, **kwargs)


def test_a_burst_is_allowed_then_429_with_retry_after(
    client: FlaskClient, clock: FakeClock
) -> None:
    # Empty bodies are 422 but still spend a token: the limit is decided before the body.
    assert [complain(client).status_code for _ in range(2)] == [422, 422]
    refused = complain(client, data="{not json", content_type="application/json", json=None)
    assert refused.status_code == 429  # not 400: the body was never parsed
    assert refused.mimetype == "application/problem+json"
    assert refused.headers["Retry-After"] == "1"
    assert refused.json["status"] == 429 and refused.json["type"].endswith("too-many-requests")

    clock.now += 0.5
    assert complain(client).headers["Retry-After"] == "1"
    clock.now += 1
    assert complain(client).status_code == 422  # a token came back


def test_clients_and_kinds_have_their_own_buckets(client: FlaskClient, clock: FakeClock) -> None:
    for _ in range(2):
        complain(client)
    assert complain(client).status_code == 429
    assert complain(client, address="198.51.100.7").status_code == 422
    survey = client.post("/api/v1/surveys", json={}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert survey.status_code == 422
    for _ in range(2):
        client.post("/api/v1/surveys", json={}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    limited = client.post("/api/v1/surveys", json={}, environ_base={"REMOTE_ADDR": "192.0.2.1"})
    assert limited.status_code == 429
    assert limited.headers["Retry-After"] == "60"  # 60 an hour: one a minute


def test_the_limit_can_be_turned_off(app: Flask, client: FlaskClient, clock: FakeClock) -> None:
    app.config["RATELIMIT_ENABLED"] = False
    assert {complain(client).status_code for _ in range(5)} == {422}


def test_an_oversized_body_is_413_before_it_is_read(app: Flask, client: FlaskClient) -> None:
    app.config["RATELIMIT_ENABLED"] = False
    big = {"text": "x" * (16 * 1024), "subject": "table_not_kept"}
    refused = complain(client, json=big)
    assert refused.status_code == 413
    assert refused.mimetype == "application/problem+json"
    assert refused.json["status"] == 413
    comment = "y" * 20_000
    survey = client.post("/api/v1/surveys", json={"service": "X", "score": 5, "comment": comment})
    assert survey.status_code == 413

    # A body streamed without Content-Length (chunked) is cut off at the same size.
    def streamed(payload: bytes) -> tuple[str, Any, bytes]:
        environ = EnvironBuilder(
            "/api/v1/complaints", method="POST", content_type="application/json"
        ).get_environ()
        environ.pop("CONTENT_LENGTH", None)
        environ["wsgi.input"] = io.BytesIO(payload)
        environ["wsgi.input_terminated"] = True
        body, status, headers = run_wsgi_app(app, environ, buffered=True)
        return status, headers, b"".join(body)

    status, headers, _ = streamed(b"{" + b" " * (16 * 1024) + b"}")
    assert status.startswith("413") and headers["Content-Type"] == "application/problem+json"
    status, _, text = streamed(b'{"subject": "table_not_kept"}')  # small: parsed as usual
    assert status.startswith("422") and b'"organization"' in text


def test_the_cap_is_configurable(app: Flask, client: FlaskClient) -> None:
    app.config["RATELIMIT_ENABLED"] = False
    app.config["PUBLIC_WRITE_MAX_BYTES"] = 64
    assert complain(client, json={"text": "x" * 100}).status_code == 413
    assert complain(client, json={"text": "x"}).status_code == 422


def test_plain_flask_views_get_html_errors(app: Flask, clock: FakeClock) -> None:
    @public_write("form", max_bytes=100)
    def form() -> str:
        return "alındı"

    app.add_url_rule("/test-form", "test_form", form, methods=["GET", "POST"])
    app.config["RATELIMITS"] = {"form": {"burst": 1, "per_hour": 1}}
    client = app.test_client()
    assert client.post("/test-form", data={"a": "b"}).text == "alındı"
    assert client.get("/test-form").status_code == 200  # showing the form is not limited
    too_many = client.post("/test-form", data={"a": "b"})
    assert too_many.status_code == 429
    assert too_many.mimetype == "text/html"
    assert too_many.headers["Retry-After"] == "3600"
    assert "Çok fazla istek" in too_many.text
    clock.now += 3600
    too_big = client.post("/test-form", data={"a": "b" * 200})
    assert too_big.status_code == 413 and too_big.mimetype == "text/html"


def test_memory_stays_bounded() -> None:
    fake = FakeClock()
    buckets = Buckets(max_clients=3, clock=fake)
    limit = Limit(burst=1, per_hour=1)
    for n in range(5):
        assert buckets.take("complaint", f"10.0.0.{n}", limit) == 0
    assert len(buckets) == 3
    assert buckets.take("complaint", "10.0.0.4", limit) > 0  # remembered: still empty
    assert buckets.take("complaint", "10.0.0.0", limit) == 0  # forgotten: a fresh bucket


def test_unknown_kinds_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="unknown kind"):
        public_write("comment")
