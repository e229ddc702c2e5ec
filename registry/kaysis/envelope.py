"""Reading a SOAP request and writing the envelope of its answer or fault.

SOAP 1.1 and 1.2 differ only on the wire (README §2.1): the envelope namespace, where the action
travels (the ``SOAPAction`` header, or the ``action`` parameter of ``application/soap+xml``), the
response content type and the shape of a fault. The body and header are the same. Requests are
untrusted XML: parsed with no entities, no DTD and no network, then the operation's element is
validated against the schema of our WSDL before any value is read.
"""

from __future__ import annotations

import base64
import enum
import hashlib
import threading
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from lxml import etree
from werkzeug.http import parse_options_header

from registry.kaysis import wsdl
from registry.kaysis.contract import BY_NAME, HEADER, NAMESPACE, TYPES, Field, Operation
from registry.kernel.xml import safe_parser, xml_text

XSI = "http://www.w3.org/2001/XMLSchema-instance"
MAX_DEPTH = 16  # no request of the contract nests deeper than 6
# No string parameter of the contract needs more (a KEP address, a name or an act's title to
# search, a register number): a longer one is refused before it reaches a LIKE query.
MAX_TEXT = 1000
MAX_REMEMBERED_BODY = 4096  # a letter to 5 recipients is about 700 bytes
MAX_REMEMBERED = 2048
_remembered: dict[tuple[bytes, str | None, str | None], Request] = {}
_remembered_lock = threading.Lock()


class Version(enum.Enum):
    SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
    SOAP12 = "http://www.w3.org/2003/05/soap-envelope"

    @property
    def content_type(self) -> str:
        return (
            "text/xml; charset=utf-8"
            if self is Version.SOAP11
            else "application/soap+xml; charset=utf-8"
        )


class Fault(Exception):
    """A request the service cannot answer: sent back as a SOAP Fault, never as a page."""

    def __init__(self, message: str, *, sender: bool = True) -> None:
        super().__init__(message)
        self.message = message
        self.sender = sender  # the client's mistake (Client/Sender) or ours (Server/Receiver)


@dataclass(frozen=True)
class Request:
    """A request as read; shared between the calls that sent the same bytes (``read``), so
    never changed once made."""

    version: Version
    operation: Operation
    params: dict[str, Any]
    credentials: tuple[str | None, str | None] | None  # (KurumID, Password); None: no header
    extra: dict[str, str] = field(default_factory=dict)


def version_of(content_type: str | None) -> Version:
    """The SOAP version a request claims by its content type (1.1 when it says nothing)."""
    mimetype, _ = parse_options_header(content_type or "")
    return Version.SOAP12 if mimetype == "application/soap+xml" else Version.SOAP11


def action_of(content_type: str | None, soap_action: str | None) -> str | None:
    mimetype, options = parse_options_header(content_type or "")
    if mimetype == "application/soap+xml":
        return options.get("action") or None
    return (soap_action or "").strip().strip('"') or None


@lru_cache(maxsize=1)
def _schema() -> etree.XMLSchema:
    return etree.XMLSchema(wsdl.schema_element())


def read(body: bytes, content_type: str | None, soap_action: str | None) -> Request:
    """The operation, its parameters and the credentials of one request; ``Fault`` otherwise.

    EBYS systems send the same calls all day (a letter's lookups, with the same header), and the
    same bytes with the same content type and action read the same: a small request read lately
    is taken from memory, by its SHA-256, not parsed and validated again (the answers' caches
    make parsing most of what a repeated call costs). Faults are not remembered."""
    if len(body) > MAX_REMEMBERED_BODY:
        return _read(body, content_type, soap_action)
    key = (hashlib.sha256(body).digest(), content_type, soap_action)
    found = _remembered.get(key)
    if found is not None:
        return found
    request = _read(body, content_type, soap_action)
    with _remembered_lock:
        if len(_remembered) >= MAX_REMEMBERED:
            _remembered.clear()
        _remembered[key] = request
    return request


def _read(body: bytes, content_type: str | None, soap_action: str | None) -> Request:
    claimed = version_of(content_type)
    mimetype, _ = parse_options_header(content_type or "")
    if mimetype not in ("text/xml", "application/soap+xml"):
        raise Fault(
            "İçerik türü text/xml (SOAP 1.1) ya da application/soap+xml (SOAP 1.2) olmalı / "
            "the content type must be text/xml or application/soap+xml."
        )
    try:
        root = etree.fromstring(body, safe_parser())
    except etree.XMLSyntaxError as error:
        raise Fault(f"XML okunamadı / malformed XML: {error}") from error
    if root.getroottree().docinfo.internalDTD is not None:
        raise Fault("DOCTYPE kabul edilmez / a DOCTYPE is refused.")
    if etree.QName(root).localname != "Envelope" or etree.QName(root).namespace not in (
        Version.SOAP11.value,
        Version.SOAP12.value,
    ):
        raise Fault("SOAP zarfı bekleniyordu / a SOAP Envelope was expected.")
    version = Version(etree.QName(root).namespace)
    if version is not claimed:
        raise Fault(
            "Zarfın SOAP sürümü içerik türüyle uyuşmuyor / the envelope's SOAP version does not "
            "match the content type."
        )
    if _depth(root) > MAX_DEPTH:
        raise Fault("İstek çok derin / the request nests too deep.")
    body_element = root.find(f"{{{version.value}}}Body")
    children = (
        [c for c in body_element if isinstance(c.tag, str)] if body_element is not None else []
    )
    if body_element is None or len(children) != 1:
        raise Fault("Body tek bir işlem öğesi içermeli / the Body must hold one operation.")
    call = children[0]
    name = etree.QName(call)
    operation = BY_NAME.get(name.localname) if name.namespace == NAMESPACE else None
    if operation is None:
        raise Fault(f"Bilinmeyen işlem / unknown operation: {xml_text(name.localname)[:100]}")
    action = action_of(content_type, soap_action)
    if action is not None and action != operation.action:
        raise Fault(
            f"SOAPAction ({xml_text(action)[:200]}) gövdedeki işlemle uyuşmuyor / the action "
            f"does not match the operation in the Body ({operation.name})."
        )
    _fill_missing_nils(call, operation)
    if not _schema().validate(call):
        problem = _schema().error_log.last_error
        raise Fault(
            f"İstek sözleşmeye uymuyor / the request does not match the contract: "
            f"{xml_text(problem.message if problem else '')[:300]}"
        )
    return Request(
        version,
        operation,
        _params(call, operation),
        _credentials(root.find(f"{{{version.value}}}Header")),
    )


def _depth(element: etree._Element) -> int:
    deepest = 0
    for node in element.iter():
        depth = 0
        parent = node
        while parent is not None and depth <= MAX_DEPTH:
            parent = parent.getparent()
            depth += 1
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
    return deepest


def _fill_missing_nils(call: etree._Element, operation: Operation) -> None:
    """Clients built from the older WSDL send ``KendiTumBirimleriGetirWs`` with no parameter:
    a missing required-but-nillable element is taken as nil (README §3.4)."""
    present = {etree.QName(c).localname for c in call if isinstance(c.tag, str)}
    for position, param in enumerate(operation.params):
        if param.nillable and param.name not in present:
            nil = etree.Element(f"{{{NAMESPACE}}}{param.name}")
            nil.set(f"{{{XSI}}}nil", "true")
            call.insert(position, nil)


def _params(call: etree._Element, operation: Operation) -> dict[str, Any]:
    found = {etree.QName(c).localname: c for c in call if isinstance(c.tag, str)}
    return {p.name: _value(found.get(p.name), p) for p in operation.params}


def _value(element: etree._Element | None, param: Field) -> Any:
    if element is None or element.get(f"{{{XSI}}}nil") in ("true", "1"):
        return None
    if param.type in TYPES:  # ArrayOfInt, ArrayOfString
        item = TYPES[param.type].fields[0]
        return [_simple(c.text or "", item.type) for c in element if isinstance(c.tag, str)]
    return _simple(element.text or "", param.type)


def _simple(text: str, kind: str) -> Any:
    text = text.strip()
    if kind == "int":
        return int(text)
    if kind == "dateTime":
        try:
            return datetime.fromisoformat(text)
        except ValueError as error:
            raise Fault(f"Geçersiz tarih / invalid dateTime: {xml_text(text)[:40]}") from error
    if len(text) > MAX_TEXT:
        raise Fault(
            f"Metin en çok {MAX_TEXT} karakter olabilir / a text may be at most {MAX_TEXT} "
            "characters."
        )
    return text


def _credentials(header: etree._Element | None) -> tuple[str | None, str | None] | None:
    if header is None:
        return None
    found = header.find(f"{{{NAMESPACE}}}{HEADER}")
    if found is None:
        return None
    values = []
    for name in ("KurumID", "Password"):
        child = found.find(f"{{{NAMESPACE}}}{name}")
        values.append((child.text or "").strip() if child is not None else None)
    return values[0], values[1]


# -- answers --


def envelope(version: Version) -> tuple[etree._Element, etree._Element]:
    """An empty envelope and its Body."""
    root = etree.Element(
        f"{{{version.value}}}Envelope",
        nsmap={"soap": version.value, "xsi": XSI, "xsd": "http://www.w3.org/2001/XMLSchema"},
    )
    return root, etree.SubElement(root, f"{{{version.value}}}Body")


def fault(version: Version, error: Fault) -> bytes:
    """The fault in the request's SOAP version (Turkish first, then English)."""
    root, body = envelope(version)
    node = etree.SubElement(body, f"{{{version.value}}}Fault")
    if version is Version.SOAP11:
        code = etree.SubElement(node, "faultcode")
        code.text = "soap:Client" if error.sender else "soap:Server"
        etree.SubElement(node, "faultstring").text = xml_text(error.message)
    else:
        code = etree.SubElement(node, f"{{{version.value}}}Code")
        etree.SubElement(code, f"{{{version.value}}}Value").text = (
            "soap:Sender" if error.sender else "soap:Receiver"
        )
        reason = etree.SubElement(node, f"{{{version.value}}}Reason")
        text = etree.SubElement(reason, f"{{{version.value}}}Text")
        text.set("{http://www.w3.org/XML/1998/namespace}lang", "tr")
        text.text = xml_text(error.message)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8"))


def simple_text(value: Any, kind: str) -> str:
    """A value as the XML Schema type ``kind`` writes it."""
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "base64Binary":
        return base64.b64encode(value).decode("ascii")
    if kind == "dateTime":
        if isinstance(value, datetime):
            return value.isoformat()
        if isinstance(value, date):
            return datetime(value.year, value.month, value.day).isoformat()
        return str(value)
    if kind == "int":
        return str(int(value))
    return xml_text(str(value))
