"""Security headers on every response, and a strict Content-Security-Policy on public pages.

The public pages run no script and load only their own stylesheet and pictures, so their policy
forbids everything else; the interactive API documentation (Swagger UI) needs its own scripts
and keeps a policy that allows them from this origin only. HSTS is the TLS terminator's job (the
reverse proxy, see docs/deployment.md).
"""

from __future__ import annotations

from flask import Flask, Response, request

PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
    "base-uri 'none'; frame-ancestors 'none'"
)
API_POLICY = "default-src 'none'; frame-ancestors 'none'"
DOCS_POLICY = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; frame-ancestors 'none'"
)
DOCS_PREFIXES = ("/api/v1/docs", "/api/v1/swagger-ui/")


def add_security_headers(response: Response) -> Response:
    headers = response.headers
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.path.startswith(DOCS_PREFIXES):
        policy = DOCS_POLICY
    elif response.mimetype == "text/html":
        policy = PAGE_POLICY
    else:
        policy = API_POLICY
    headers.setdefault("Content-Security-Policy", policy)  # a response's own policy wins
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_security_headers)
