"""Open data on the public site: ``/open-data`` and its files, ``sitemap.xml``, ``robots.txt``,
the favicon.

The downloads are the files of ``transfer.open_data_files``, rebuilt when the change feed moved and
streamed from disk; CSV comes with ``;`` by default (Turkish Excel), ``?sep=comma`` gives ``,``.
The sitemap lists the pages of services, units, acts and documents (those whose pages this site
has), as an index of numbered sitemaps once there are more than ``SITEMAP_PAGE_SIZE`` addresses.
``robots.txt`` lets crawlers read the public pages and keeps them out of the back office and the
API's write addresses (read from the routes, so a new write route is covered).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from flask import Response, abort, current_app, render_template, request, send_file, url_for
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql import Select

from registry.catalogue.models import Document, RecordStatus, Service
from registry.kernel.clock import today
from registry.kernel.db import get_db, get_session
from registry.legislation.models import Legislation
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.transfer import open_data_files as files
from registry.web.site import blp

MEDIA_TYPES = {
    ".csv": "text/csv; charset=utf-8",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jsonld": "application/ld+json; charset=utf-8",
    ".json": "application/json; charset=utf-8",
}
SITEMAP_PAGE_SIZE = 10_000  # addresses per sitemap (the protocol allows 50,000)
FAVICON_SECONDS = 365 * 24 * 3600
STATIC = Path(__file__).parent / "static"


# -- the downloads --


@blp.get("/open-data")
def open_data_page() -> str:
    built = _current()
    records = built.records()
    rows = []
    for dataset in files.DATASETS:
        links = [
            _link(built, "CSV (;)", files.csv_name(dataset.name, "semicolon"), {}),
            _link(built, "CSV (,)", files.csv_name(dataset.name, "comma"), {"sep": "comma"}),
            _link(built, "XLSX", f"{dataset.name}.xlsx", {}),
        ]
        if dataset.jsonld:
            links.append(_link(built, "JSON-LD", dataset.jsonld, {}))
        rows.append(
            {"dataset": dataset, "records": records.get(f"{dataset.name}.csv", 0), "links": links}
        )
    return render_template(
        "open_data.html",
        rows=rows,
        built=built,
        licence=files.LICENCE_NAME,
        licence_url=files.LICENCE_URL,
    )


@blp.get("/open-data/<string:filename>")
def open_data_file(filename: str) -> Response:
    """One file of the current set; ``name.csv`` is ``;`` unless ``?sep=comma``."""
    built = _current()
    stem, dot, extension = filename.rpartition(".")
    if not dot or stem.endswith((".semicolon", ".comma")):
        abort(404, description="Böyle bir açık veri dosyası yok.")
    if extension == "csv" and stem in files.BY_NAME:
        separator = request.args.get("sep", "semicolon")
        if separator not in files.SEPARATORS:
            abort(400, description="Ayırıcı “semicolon” (;) ya da “comma” (,) olabilir.")
        stored = files.csv_name(stem, separator)
    elif extension == "xlsx" and stem in files.BY_NAME:
        stored = filename
    elif filename in {d.jsonld for d in files.DATASETS} | {"manifest.json"}:
        stored = filename
    else:
        abort(404, description="Böyle bir açık veri dosyası yok.")
    path = built.file(stored)
    response = send_file(
        path,
        mimetype=MEDIA_TYPES["." + extension],
        as_attachment=extension in ("csv", "xlsx"),
        download_name=filename,
        etag=f"{built.key.folder}-{stored}",
        conditional=True,
        max_age=0,
    )
    response.headers["Cache-Control"] = "public, no-cache"  # revalidate: the data may move
    response.headers["X-Open-Data-Sequence"] = str(built.key.seq)
    return response


def _link(built: files.Built, label: str, stored: str, query: dict[str, str]) -> dict[str, Any]:
    path = built.file(stored)
    public = stored.replace(".semicolon.csv", ".csv")
    return {
        "label": label,
        "href": url_for("web.open_data_file", filename=public, **query),  # type: ignore[arg-type]
        "size": path.stat().st_size,
    }


def _current() -> files.Built:
    base = current_app.config.get("PUBLIC_BASE_URL") or request.url_root
    with _snapshot() as session:
        return files.current(session, _folder(), today(), base)


def _folder() -> Path:
    configured = current_app.config.get("OPEN_DATA_DIR")
    if configured:
        return Path(configured)
    return Path(f"{current_app.config['INDEX_DIR']}-open-data")  # beside the node's own index


def _snapshot() -> AbstractContextManager[Session]:
    """One consistent view of the database for a build: PostgreSQL's repeatable read (its
    default would let a commit land between two reads); SQLite's transaction already is one."""
    database = get_db()
    if database.engine.dialect.name != "postgresql":
        return nullcontext(get_session())
    return _repeatable_read(database.sessionmaker)


@contextmanager
def _repeatable_read(sessionmaker: Callable[[], Session]) -> Iterator[Session]:
    with sessionmaker() as session:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
        yield session
        session.rollback()


# -- sitemap.xml --


@dataclass(frozen=True)
class _Kind:
    name: str
    endpoint: str
    argument: str
    query: Callable[[], Select[Any]]


def _units() -> Select[Any]:
    version = OrganizationVersion.__table__.c
    return (
        select(Organization.detsis_no)
        .join(OrganizationVersion, OrganizationVersion.organization_id == Organization.id)
        .where(tree.in_force(today()), version.status == Status.ACTIVE)
        .order_by(Organization.detsis_no)
    )


KINDS = (
    _Kind(
        "services",
        "web.service_page",
        "code",
        lambda: (
            select(Service.code).where(Service.status == RecordStatus.ACTIVE).order_by(Service.code)
        ),
    ),
    _Kind("units", "web.organization_page", "detsis_no", _units),
    _Kind(
        "acts",
        "web.legislation_page",
        "act_id",
        lambda: select(Legislation.id).order_by(Legislation.id),
    ),
    _Kind(
        "documents",
        "web.document_page",
        "code",
        lambda: (
            select(Document.code)
            .where(Document.status == RecordStatus.ACTIVE)
            .order_by(Document.code)
        ),
    ),
)


@blp.get("/sitemap.xml")
def sitemap() -> Response:
    """The public pages, or, past one sitemap's size, the index of the numbered sitemaps."""
    session = get_session()
    size = _page_size()
    counts = {
        kind.name: session.scalar(select(func.count()).select_from(kind.query().subquery())) or 0
        for kind in _kinds()
    }
    root = request.url_root.rstrip("/")
    if sum(counts.values()) + 1 <= size:
        addresses = [root + url_for("web.home")]
        for kind in _kinds():
            addresses.extend(_addresses(session, kind, 0, size))
        return _xml(_urlset(addresses))
    parts = [
        root + url_for("web.sitemap_part", kind=name, number=number)
        for name, count in counts.items()
        for number in range(1, -(-count // size) + 1)
    ]
    entries = "".join(f"<sitemap><loc>{escape(loc)}</loc></sitemap>" for loc in parts)
    return _xml(
        '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"{entries}</sitemapindex>"
    )


@blp.get("/sitemap-<string:kind>-<int:number>.xml")
def sitemap_part(kind: str, number: int) -> Response:
    found = {k.name: k for k in _kinds()}.get(kind)
    if found is None or number < 1:
        abort(404, description="Böyle bir site haritası yok.")
    size = _page_size()
    addresses = list(_addresses(get_session(), found, (number - 1) * size, size))
    if not addresses and number > 1:
        abort(404, description="Böyle bir site haritası yok.")
    return _xml(_urlset(addresses))


def _kinds() -> list[_Kind]:
    """The kinds whose pages this site serves."""
    return [kind for kind in KINDS if kind.endpoint in current_app.view_functions]


def _page_size() -> int:
    return int(current_app.config.get("SITEMAP_PAGE_SIZE", SITEMAP_PAGE_SIZE))


def _addresses(session: Session, kind: _Kind, offset: int, limit: int) -> Iterator[str]:
    root = request.url_root.rstrip("/")
    for (value,) in session.execute(kind.query().offset(offset).limit(limit)):
        yield root + url_for(kind.endpoint, **{kind.argument: value})


def _urlset(addresses: list[str]) -> str:
    entries = "".join(f"<url><loc>{escape(loc)}</loc></url>" for loc in addresses)
    return f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>'


def _xml(body: str) -> Response:
    text = '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
    response = current_app.response_class(text, mimetype="application/xml")
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


# -- robots.txt and the favicon --


@blp.get("/robots.txt")
def robots() -> Response:
    lines = ["User-agent: *", "Allow: /"]
    lines += [f"Disallow: {prefix}" for prefix in _closed_prefixes()]
    lines.append(f"Sitemap: {request.url_root.rstrip('/')}{url_for('web.sitemap')}")
    response = current_app.response_class("\n".join(lines) + "\n", mimetype="text/plain")
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def _closed_prefixes() -> list[str]:
    """The back office, the complaint forms' posts, and every API address that takes writes."""
    prefixes = {"/manage"}
    for rule in current_app.url_map.iter_rules():
        methods = (rule.methods or set()) - {"GET", "HEAD", "OPTIONS"}
        if methods and rule.rule.startswith("/api/"):
            prefixes.add(rule.rule.split("<", 1)[0].rstrip("/") or "/")
    return sorted(prefixes)


@blp.get("/favicon.ico")
def favicon_ico() -> Response:
    return _favicon("favicon.ico", "image/vnd.microsoft.icon")


@blp.get("/favicon.svg")
def favicon_svg() -> Response:
    return _favicon("favicon.svg", "image/svg+xml")


def _favicon(name: str, mimetype: str) -> Response:
    response = send_file(STATIC / name, mimetype=mimetype, max_age=FAVICON_SECONDS)
    response.headers["Cache-Control"] = f"public, max-age={FAVICON_SECONDS}, immutable"
    return response
