"""The service's WSDL, written from ``contract.py`` with lxml.

The national WSDL is not copied: this one is generated from our own description of the same
contract, so that the names every generated client depends on (service ``DETSISServis``, port
type ``BBDETSISWS``, bindings and ports ``BBDETSISWS`` for SOAP 1.1 and ``BBDETSISWS1`` for SOAP
1.2), the operations, their actions, the header and the types are the same, and the addresses
point at the server that serves it.
"""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from registry.kaysis.contract import (
    BINDING_11,
    BINDING_12,
    HEADER,
    NAMESPACE,
    OPERATIONS,
    PORT_TYPE,
    SERVICE,
    SIMPLE,
    TYPES,
    ComplexType,
    Field,
    Operation,
    result_field,
)

WSDL = "http://schemas.xmlsoap.org/wsdl/"
XS = "http://www.w3.org/2001/XMLSchema"
SOAP11_BINDING = "http://schemas.xmlsoap.org/wsdl/soap/"
SOAP12_BINDING = "http://schemas.xmlsoap.org/wsdl/soap12/"
HTTP_TRANSPORT = "http://schemas.xmlsoap.org/soap/http"
NSMAP = {
    "wsdl": WSDL,
    "s": XS,
    "tns": NAMESPACE,
    "soap": SOAP11_BINDING,
    "soap12": SOAP12_BINDING,
}


def _type_ref(name: str) -> str:
    return f"s:{name}" if name in SIMPLE else f"tns:{name}"


def _element(parent: etree._Element, field: Field) -> None:
    attributes = {
        "minOccurs": "1" if field.required else "0",
        "maxOccurs": "unbounded" if field.repeated else "1",
        "name": field.name,
    }
    if field.nillable:
        attributes["nillable"] = "true"
    attributes["type"] = _type_ref(field.type)
    etree.SubElement(parent, f"{{{XS}}}element", attributes)


def _complex_type(schema: etree._Element, kind: ComplexType) -> None:
    attributes = {"name": kind.name}
    if kind.abstract:
        attributes["abstract"] = "true"
    node = etree.SubElement(schema, f"{{{XS}}}complexType", attributes)
    if kind.base is not None:
        content = etree.SubElement(node, f"{{{XS}}}complexContent", mixed="false")
        node = etree.SubElement(content, f"{{{XS}}}extension", base=f"tns:{kind.base}")
    if kind.fields:
        sequence = etree.SubElement(node, f"{{{XS}}}sequence")
        for field in kind.fields:
            _element(sequence, field)
    if kind.any_attribute:
        etree.SubElement(node, f"{{{XS}}}anyAttribute")


def _wrapper_element(schema: etree._Element, name: str, fields: tuple[Field, ...]) -> None:
    element = etree.SubElement(schema, f"{{{XS}}}element", name=name)
    complex_type = etree.SubElement(element, f"{{{XS}}}complexType")
    if fields:
        sequence = etree.SubElement(complex_type, f"{{{XS}}}sequence")
        for field in fields:
            _element(sequence, field)


def schema_element() -> etree._Element:
    """The ``xs:schema`` of the service: request and response elements, then every type."""
    schema = etree.Element(
        f"{{{XS}}}schema",
        {"elementFormDefault": "qualified", "targetNamespace": NAMESPACE},
        nsmap={"s": XS, "tns": NAMESPACE},
    )
    for operation in OPERATIONS:
        _wrapper_element(schema, operation.name, operation.params)
        _wrapper_element(schema, operation.name + "Response", (result_field(operation),))
    etree.SubElement(schema, f"{{{XS}}}element", name=HEADER, type=f"tns:{HEADER}")
    for kind in TYPES.values():
        _complex_type(schema, kind)
    return schema


def _messages(root: etree._Element, operation: Operation) -> None:
    for suffix, part, element in (
        ("SoapIn", "parameters", operation.name),
        ("SoapOut", "parameters", operation.name + "Response"),
        (HEADER, HEADER, HEADER),
    ):
        message = etree.SubElement(root, f"{{{WSDL}}}message", name=operation.name + suffix)
        etree.SubElement(message, f"{{{WSDL}}}part", name=part, element=f"tns:{element}")


def _binding(root: etree._Element, name: str, soap: str) -> None:
    binding = etree.SubElement(root, f"{{{WSDL}}}binding", name=name, type=f"tns:{PORT_TYPE}")
    etree.SubElement(binding, f"{{{soap}}}binding", transport=HTTP_TRANSPORT)
    for operation in OPERATIONS:
        node = etree.SubElement(binding, f"{{{WSDL}}}operation", name=operation.name)
        etree.SubElement(
            node, f"{{{soap}}}operation", soapAction=operation.action, style="document"
        )
        given = etree.SubElement(node, f"{{{WSDL}}}input")
        etree.SubElement(given, f"{{{soap}}}body", use="literal")
        etree.SubElement(
            given,
            f"{{{soap}}}header",
            message=f"tns:{operation.name}{HEADER}",
            part=HEADER,
            use="literal",
        )
        answered = etree.SubElement(node, f"{{{WSDL}}}output")
        etree.SubElement(answered, f"{{{soap}}}body", use="literal")


@lru_cache(maxsize=32)
def document(address: str) -> bytes:
    """The WSDL with both ports at ``address`` (a few distinct addresses per deployment)."""
    root = etree.Element(f"{{{WSDL}}}definitions", targetNamespace=NAMESPACE, nsmap=NSMAP)
    types = etree.SubElement(root, f"{{{WSDL}}}types")
    types.append(schema_element())
    for operation in OPERATIONS:
        _messages(root, operation)
    port_type = etree.SubElement(root, f"{{{WSDL}}}portType", name=PORT_TYPE)
    for operation in OPERATIONS:
        node = etree.SubElement(port_type, f"{{{WSDL}}}operation", name=operation.name)
        etree.SubElement(node, f"{{{WSDL}}}documentation").text = operation.doc
        etree.SubElement(node, f"{{{WSDL}}}input", message=f"tns:{operation.name}SoapIn")
        etree.SubElement(node, f"{{{WSDL}}}output", message=f"tns:{operation.name}SoapOut")
    _binding(root, BINDING_11, SOAP11_BINDING)
    _binding(root, BINDING_12, SOAP12_BINDING)
    service = etree.SubElement(root, f"{{{WSDL}}}service", name=SERVICE)
    for port, soap in ((BINDING_11, SOAP11_BINDING), (BINDING_12, SOAP12_BINDING)):
        node = etree.SubElement(service, f"{{{WSDL}}}port", name=port, binding=f"tns:{port}")
        etree.SubElement(node, f"{{{soap}}}address", location=address)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True))
