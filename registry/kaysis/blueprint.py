"""``/DETSISServis.asmx``: the national DETSİS SOAP service, so an EBYS switches by its address.

``POST`` answers SOAP 1.1 and 1.2 calls; ``GET ?wsdl`` (or ``?WSDL``) the service description
with this server's address. Every error is a SOAP Fault in the request's version (400 for the
caller's mistakes), never an HTML page; refusals of the registry (an unknown unit, a wrong
header) are answers with ``SonucHatali=true``, as the national service gives them.

``eYazismaPaketi`` is asked for every letter an EBYS writes, with the same units all day: its
answer is kept as rendered, as the REST ``correspondence`` answer is, by the same cache and with
the same freshness (``registry.ebys.answer_cache``: a minute at most, dropped as soon as a unit
it read or a signatory changes). The header is checked on every call, before the cache.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from itertools import chain
from typing import Any

from flask import Blueprint, Response, request, stream_with_context
from werkzeug.exceptions import HTTPException
from werkzeug.http import generate_etag

from registry.ebys import answer_cache
from registry.http.answer_cache import Rendered
from registry.kaysis import answers, auth, envelope, operations, wsdl
from registry.kaysis.envelope import Fault, Version
from registry.kernel.clock import today
from registry.kernel.db import get_session
from registry.kernel.errors import RegistryError

PATH = "/DETSISServis.asmx"
blp = Blueprint("kaysis", __name__)
log = logging.getLogger(__name__)
# Answered from the EBYS facts alone (``registry.ebys.facts``), so kept as rendered.
RENDERED = frozenset({"eYazismaPaketi"})
_HOST = re.compile(r"^[A-Za-z0-9.-]{1,253}(:\d{1,5})?$|^\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?$")


def _address() -> str:
    """This server's address for the WSDL, as the client reached it: the proxy's forwarded
    scheme and host when it sent well-formed ones."""
    scheme = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip().lower()
    host = request.headers.get("X-Forwarded-Host", "").split(",")[0].strip()
    if scheme not in ("http", "https"):
        scheme = request.scheme
    if not _HOST.match(host):
        host = request.host
    return f"{scheme}://{host}{request.script_root}{PATH}"


@blp.get(PATH)
def description() -> Response:
    """The WSDL for ``?wsdl`` in any case; otherwise a SOAP 1.1 fault saying so (a client
    that GETs the address by mistake still parses what it gets, and no help page is served)."""
    if any(key.lower() == "wsdl" for key in request.args):
        return Response(wsdl.document(_address()), content_type="text/xml; charset=utf-8")
    return _fault(
        Version.SOAP11,
        Fault(
            "DETSİS SOAP servisi: işlemler POST ile çağrılır, tanım için ?wsdl / the DETSİS SOAP "
            "service: operations are POSTed; ?wsdl for its WSDL."
        ),
        400,
    )


@blp.post(PATH)
def call() -> Response:
    version = envelope.version_of(request.content_type)
    try:
        soap = envelope.read(
            request.get_data(cache=False), request.content_type, request.headers.get("SOAPAction")
        )
    except Fault as error:
        return _fault(version, error, 400)
    if soap.operation.name in RENDERED:
        return _rendered(soap)
    answer = _answer(soap)
    chunks = answers.response(soap.version, soap.operation, answer)
    return Response(stream_with_context(chunks), content_type=soap.version.content_type)


@blp.route(PATH, methods=["PUT", "PATCH", "DELETE"])
def other_method() -> Response:
    """Any other method: a fault, 405 (the site's error page is HTML, which no client parses)."""
    answer = _fault(
        envelope.version_of(request.content_type),
        Fault("Yalnızca GET ?wsdl ve POST / only GET ?wsdl and POST are served."),
        405,
    )
    answer.headers["Allow"] = "GET, HEAD, POST, OPTIONS"
    return answer


@blp.route(f"{PATH}/<path:rest>", methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
def http_port(rest: str) -> Response:
    """``/DETSISServis.asmx/<Operation>``: the HTTP GET and POST ports of the older WSDL
    (README §3.3), which carry no header and are not served: a fault, 404."""
    return _fault(
        envelope.version_of(request.content_type),
        Fault(
            "HTTP GET/POST uçları sunulmaz; SOAP ile POST /DETSISServis.asmx / the HTTP GET and "
            "POST ports are not served: POST SOAP to /DETSISServis.asmx."
        ),
        404,
    )


def _answer(soap: envelope.Request) -> dict[str, Any]:
    name = soap.operation.name
    _implemented(name)
    session = get_session()
    try:
        caller = auth.caller(session, soap.credentials)
        answer = operations.HANDLERS[name](session, caller, soap.params)
    except auth.Refused as refused:
        return answers.refusal(str(refused))
    except RegistryError as error:
        return answers.refusal(error.detail)
    results = answer.get("Sonuclar")
    if isinstance(results, Iterator):
        # The first record is read now, so that a failing query is a fault, not a cut answer.
        try:
            first = next(results)
        except StopIteration:
            return {**answer, "Sonuclar": []}
        except RegistryError as error:
            return answers.refusal(error.detail)
        answer = {**answer, "Sonuclar": chain([first], results)}
    return answer


def _rendered(soap: envelope.Request) -> Response:
    """The answer as kept by the EBYS answer cache; only answers, never refusals, are kept."""
    _implemented(soap.operation.name)
    session = get_session()
    content_type = soap.version.content_type
    try:
        caller = auth.caller(session, soap.credentials)
    except auth.Refused as refused:
        return _written(soap, answers.refusal(str(refused)))

    def render() -> Rendered:
        answer = operations.HANDLERS[soap.operation.name](session, caller, soap.params)
        body = b"".join(answers.response(soap.version, soap.operation, answer))
        return Rendered(body, content_type, generate_etag(body))

    params = tuple(
        (name, tuple(value) if isinstance(value, list) else value)
        for name, value in sorted(soap.params.items())
    )
    key = ("kaysis", soap.version.value, soap.operation.name, params, today())
    try:
        found = answer_cache.rendered(session, key, render)
    except RegistryError as error:
        return _written(soap, answers.refusal(error.detail))
    return Response(found.body, content_type=content_type)


def _written(soap: envelope.Request, answer: dict[str, Any]) -> Response:
    body = b"".join(answers.response(soap.version, soap.operation, answer))
    return Response(body, content_type=soap.version.content_type)


def _implemented(name: str) -> None:
    missing = operations.NOT_IMPLEMENTED.get(name)
    if missing is not None or name not in operations.HANDLERS:
        reason = missing.reason if missing else "not built yet"
        raise Fault(
            f"{name} bu kayıtta henüz yanıtlanmıyor / {name} is not answered by this registry "
            f"yet ({reason}).",
            sender=False,
        )


def _fault(version: Version, error: Fault, status: int) -> Response:
    return Response(
        envelope.fault(version, error), status=status, content_type=version.content_type
    )


@blp.errorhandler(Fault)
def fault(error: Fault) -> Response:
    return _fault(envelope.version_of(request.content_type), error, 400)


@blp.errorhandler(HTTPException)
def http_error(error: HTTPException) -> Response:
    """Errors raised before the view (a body too large, a control character in a header):
    a fault, with the error's status."""
    status = error.code or 400
    return _fault(
        envelope.version_of(request.content_type),
        Fault(str(error.description), sender=status < 500),
        status if status < 500 else 503,
    )


@blp.errorhandler(RegistryError)
def registry_error(error: RegistryError) -> Response:
    return _fault(envelope.version_of(request.content_type), Fault(error.detail), 400)


@blp.errorhandler(Exception)
def unexpected(error: Exception) -> Response:
    """Anything else (the database unreachable): logged, and a Receiver fault, 503."""
    log.exception("KAYSİS SOAP call failed")
    return _fault(
        envelope.version_of(request.content_type),
        Fault("Geçici bir hata oluştu / a temporary failure occurred.", sender=False),
        503,
    )
