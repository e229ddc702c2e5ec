"""Data elements and integrations as JSON-LD nodes, for the open-data export to harvest.

Where an EU vocabulary fits it is used: a data element is a ``skos:Concept`` (its name, its
definition, its synonyms as alternative labels; its representation as ``dct:type`` with the XML
Schema datatype) kept by a ``cv:PublicOrganisation`` (``dct:creator``) under an act
(``cv:hasLegalResource``, ELI); an integration is a DCAT-AP ``dcat:DataService`` published by its
provider, with its endpoint and its WSDL or OpenAPI description. What no vocabulary says (the
KVKK class, the consumer, the protocol) is in the registry's own namespace (``kaysis:``).
Identifiers are the records' API addresses, so they dereference. The caller (the open-data
export) merges ``CONTEXT`` into its own and adds the nodes to its graph.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.kernel.enums import RecordStatus
from registry.metadata.models import DataElement, DataType, Integration
from registry.organizations import tree

CONTEXT: dict[str, str] = {
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dct": "http://purl.org/dc/terms/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "cv": "http://data.europa.eu/m8g/",
    "adms": "http://www.w3.org/ns/adms#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
XSD = {
    DataType.TEXT: "xsd:string",
    DataType.INTEGER: "xsd:integer",
    DataType.DECIMAL: "xsd:decimal",
    DataType.DATE: "xsd:date",
    DataType.DATETIME: "xsd:dateTime",
    DataType.BOOLEAN: "xsd:boolean",
    DataType.CODE: "skos:Concept",  # a value of the code list
    DataType.BINARY: "xsd:base64Binary",
}


def context(base_url: str) -> dict[str, str]:
    """The prefixes these nodes use, the registry's own namespace included."""
    return {**CONTEXT, "kaysis": f"{base_url}/ns#"}


def _tr(text: str | None) -> dict[str, str] | None:
    return {"@value": text, "@language": "tr"} if text else None


def _clean(node: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in node.items() if value not in (None, "", [])}


def nodes(session: Session, base_url: str) -> list[dict[str, Any]]:
    """Every active data element and every integration (planned, in use or retired)."""
    elements = list(
        session.scalars(
            select(DataElement)
            .where(DataElement.status == RecordStatus.ACTIVE)
            .order_by(DataElement.id)
        )
    )
    integrations = list(session.scalars(select(Integration).order_by(Integration.id)))
    units = {e.owner_id for e in elements}
    units |= {i.provider_id for i in integrations} | {i.consumer_id for i in integrations}
    numbers = tree.numbers_of(session, units)

    def organization(org_id: int) -> dict[str, str]:
        return {"@id": f"{base_url}/api/v1/organizations/{numbers[org_id]}"}

    def act(act_id: int | None) -> dict[str, str] | None:
        return {"@id": f"{base_url}/api/v1/legislation/{act_id}"} if act_id else None

    def element_ref(element_id: int) -> dict[str, str]:
        return {"@id": f"{base_url}/api/v1/data-elements/{element_id}"}

    graph = [
        _clean(
            {
                "@id": element_ref(e.id)["@id"],
                "@type": "skos:Concept",
                "dct:identifier": str(e.id),
                "skos:prefLabel": _tr(e.name),
                "skos:definition": _tr(e.definition),
                "skos:altLabel": [_tr(s) for s in e.synonyms or []],
                "dct:type": {"@id": XSD[DataType(e.data_type)]},
                "dct:format": e.format,
                "skos:scopeNote": _tr(e.code_list or e.unit),
                "dct:creator": organization(e.owner_id),
                "cv:hasLegalResource": act(e.legislation_id),
                "kaysis:personalData": str(e.personal_data),
            }
        )
        for e in elements
    ]
    graph.extend(
        _clean(
            {
                "@id": f"{base_url}/api/v1/integrations/{i.id}",
                "@type": "dcat:DataService",
                "dct:identifier": str(i.id),
                "dct:title": _tr(i.name),
                "dct:publisher": organization(i.provider_id),
                "kaysis:consumer": organization(i.consumer_id),
                "dcat:endpointURL": {"@id": i.address} if i.address else None,
                "dcat:endpointDescription": (
                    {"@id": i.api_description} if i.api_description else None
                ),
                "cv:hasLegalResource": act(i.legislation_id),
                "kaysis:protocol": i.protocol_no,
                "dct:issued": (
                    {"@value": i.protocol_date.isoformat(), "@type": "xsd:date"}
                    if i.protocol_date
                    else None
                ),
                "kaysis:channel": str(i.channel),
                "adms:status": str(i.status),
                "dct:references": [element_ref(link.element_id) for link in i.elements],
            }
        )
        for i in integrations
    )
    return graph
