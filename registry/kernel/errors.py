"""Domain errors and their rendering as RFC 9457 problem documents.

Services raise these; one place (``register_error_handlers``) turns them and every HTTP error into
``application/problem+json`` for the API and into a plain Turkish HTML page for the public site.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import Any

from flask import Flask, Response, current_app, json, render_template, request
from sqlalchemy.exc import DBAPIError, OperationalError
from werkzeug.exceptions import HTTPException

from registry.kernel.field_messages import bilingual

PROBLEM_MIMETYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://kaysis.example/problems/"


class RegistryError(Exception):
    """Base of the errors a service raises on purpose; each maps to one HTTP status."""

    status = HTTPStatus.BAD_REQUEST
    slug = "bad-request"

    def __init__(
        self,
        detail: str,
        *,
        errors: dict[str, list[str]] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.extra = extra or {}


class NotFound(RegistryError):
    status = HTTPStatus.NOT_FOUND
    slug = "not-found"


class Gone(RegistryError):
    status = HTTPStatus.GONE
    slug = "gone"


class Conflict(RegistryError):
    status = HTTPStatus.CONFLICT
    slug = "conflict"


class Forbidden(RegistryError):
    status = HTTPStatus.FORBIDDEN
    slug = "forbidden"


class Unauthorized(RegistryError):
    status = HTTPStatus.UNAUTHORIZED
    slug = "unauthorized"


class InvalidInput(RegistryError):
    """Well-formed but unacceptable input; ``errors`` names the offending fields."""

    status = HTTPStatus.UNPROCESSABLE_ENTITY
    slug = "validation-error"


class InvalidTransition(Conflict):
    slug = "invalid-transition"


def problem(
    status: int,
    detail: str | None = None,
    *,
    errors: dict[str, Any] | None = None,
    slug: str | None = None,
    extra: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """Build a problem+json response."""
    phrase = HTTPStatus(status).phrase
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE_BASE + (slug or phrase.lower().replace(" ", "-")),
        "title": phrase,
        "status": status,
        "detail": detail or phrase,
    }
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    response = current_app.response_class(
        json.dumps(body, ensure_ascii=False), status=status, mimetype=PROBLEM_MIMETYPE
    )
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def flatten_validation_messages(messages: Any) -> dict[str, list[str]]:
    """webargs nests messages by location (``{"query": {"at": [...]}}``); callers want fields,
    each message in Turkish and English."""
    flat: dict[str, list[str]] = {}

    def walk(prefix: str, value: Any) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                walk(f"{prefix}.{key}" if prefix else str(key), inner)
        elif isinstance(value, list):  # messages, or nested ones: never a dict's text
            for inner in value:
                if isinstance(inner, dict | list):
                    walk(prefix, inner)
                else:
                    flat.setdefault(prefix or "_schema", []).append(bilingual(str(inner)))
        else:
            flat.setdefault(prefix or "_schema", []).append(bilingual(str(value)))

    if isinstance(messages, dict):
        for location, fields in messages.items():
            if location in ("query", "json", "form", "headers", "path", "view_args", "files"):
                walk("", fields)
            else:
                walk(str(location), fields)
    else:
        walk("", messages)
    return flat


def wants_html() -> bool:
    """Public pages get HTML errors; everything under /api and the probes get problem+json."""
    path = request.path
    return not (path.startswith("/api/") or path in ("/healthz", "/readyz", "/metrics"))


VALIDATION_DETAIL = "Girdi geçersiz / Invalid input: see `errors` for the offending fields."


def render_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    data = getattr(error, "data", None) or {}
    headers = dict(data.get("headers") or {})
    if status == 405 and hasattr(error, "valid_methods") and error.valid_methods:
        headers["Allow"] = ", ".join(error.valid_methods)
    if wants_html():
        return html_error(status, error.description)
    messages = data.get("errors") or data.get("messages")
    if messages:
        return problem(
            status,
            data.get("message") or VALIDATION_DETAIL,
            slug="validation-error",
            errors=flatten_validation_messages(messages),
            headers=headers,
        )
    detail = data.get("message") or error.description
    if status >= 500:
        detail = "Beklenmeyen bir hata oluştu / An unexpected error occurred."
    return problem(status, detail, headers=headers)


def render_registry_error(error: RegistryError) -> Response:
    if wants_html():
        return html_error(int(error.status), error.detail)
    extra = {k: v for k, v in error.extra.items() if not k.startswith("_")}
    return problem(
        int(error.status),
        error.detail,
        errors=error.errors,
        slug=error.slug,
        extra=extra,
        headers=error.extra.get("_headers"),
    )


def html_error(status: int, detail: str | None) -> Response:
    body = render_template(
        "error.html",
        status=status,
        title=TURKISH_TITLES.get(status, HTTPStatus(status).phrase),
        detail=detail if status < 500 else None,
    )
    return current_app.response_class(body, status=status, mimetype="text/html")


TURKISH_TITLES = {
    400: "Geçersiz istek",
    401: "Kimlik doğrulaması gerekli",
    403: "Bu işlem için yetkiniz yok",
    404: "Sayfa bulunamadı",
    405: "Bu yöntem desteklenmiyor",
    410: "Kayıt kapatıldı",
    413: "İstek çok büyük",
    422: "Girdi geçersiz",
    429: "Çok fazla istek",
    500: "Sunucu hatası",
    503: "Hizmet geçici olarak kullanılamıyor",
}


def register_error_handlers(app: Flask) -> None:
    app.register_error_handler(RegistryError, render_registry_error)
    app.register_error_handler(HTTPException, render_http_exception)


def render_database_unavailable(error: Exception) -> Response:
    """A lost database connection is the service being unavailable, not a bug in the request."""
    current_app.logger.error("database unavailable: %s", type(error).__name__)
    if wants_html():
        return html_error(503, None)
    return problem(
        503,
        "Veritabanına şu anda ulaşılamıyor / The database is unreachable.",
        slug="database-unavailable",
        headers={"Retry-After": "5"},
    )


def register_database_error_handlers(app: Flask) -> None:
    def handler(error: DBAPIError) -> Response:
        if error.connection_invalidated or _is_connection_error(error):
            return render_database_unavailable(error)
        raise error

    app.register_error_handler(DBAPIError, handler)


def _is_connection_error(error: Exception) -> bool:
    return isinstance(error, OperationalError) and "connect" in str(error.orig).lower()
