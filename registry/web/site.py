"""The public site's one blueprint, its templates and assets, and its CSRF rule.

Pages attach their views to ``blp``: ``registry.web.browse`` (home, search, units, services),
``registry.standards.table_pages`` (the printable table) and ``registry.standards.citizen_pages``
(complaints and the survey).
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, request

blp = Blueprint(
    "web", __name__, template_folder="templates", static_folder="static", static_url_path="/assets"
)


@blp.before_request
def refuse_cross_site_posts() -> None:
    """CSRF: the forms carry no cookie or session, but a page elsewhere must still not make a
    visitor's browser file complaints or ratings. Browsers send ``Origin`` on a cross-site POST
    (OWASP's standard-header check); a request without one (a script, curl) is judged on its
    own like an API call, under the same rate limits."""
    if request.method != "POST":
        return
    origin = request.headers.get("Origin")
    if origin and origin != "null" and urlsplit(origin).netloc != request.host:
        abort(403, description="Bu form yalnızca bu sitenin sayfalarından gönderilebilir.")
    if origin == "null":
        abort(403, description="Bu form yalnızca bu sitenin sayfalarından gönderilebilir.")
