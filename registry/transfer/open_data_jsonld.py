"""Open data as JSON-LD, in the EU vocabularies data portals read.

CPSV-AP for services (the documents they ask for as ``cv:Evidence``, what they issue as
``cv:Output``, their legal basis as ``eli:LegalResource``, channels, processing time and cost),
CPOV for organizations, ELI for acts. Every identifier is the record's own API address, so it
dereferences. One node per record, built from the rows ``open_data`` reads; the CSV columns of the
same records are ``open_data_csv``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from registry.catalogue.models import Document, Service
from registry.kernel.reference import province_name
from registry.legislation.models import Legislation, LegislationStatus, LinkKind
from schemas.catalogue.services import CHANNELS
from schemas.vocabularies import LEGISLATION_TYPES

CONTEXT: dict[str, str] = {
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "eli": "http://data.europa.eu/eli/ontology#",
    "locn": "http://www.w3.org/ns/locn#",
    "adms": "http://www.w3.org/ns/adms#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
TURKISH_LIRA = "http://publications.europa.eu/resource/authority/currency/TRY"
TURKEY = "http://publications.europa.eu/resource/authority/country/TUR"
# ISO 8601 durations; a working day ("iş günü") has none, so such services carry only the text.
_ISO_DURATION: dict[str, Callable[[int | None], str]] = {
    "immediate": lambda _: "PT0S",
    "minute": lambda n: f"PT{n}M",
    "hour": lambda n: f"PT{n}H",
    "day": lambda n: f"P{n}D",
    "week": lambda n: f"P{n}W",
    "month": lambda n: f"P{n}M",
}
# ELI's property for each kind of link an act makes
_LINK_PROPERTIES = {
    LinkKind.BASIS: "eli__based_on",
    LinkKind.AMENDS: "eli__amends",
    LinkKind.REPEALS: "eli__repeals",
}


def iso_duration(value: int | None, unit: str | None) -> str | None:
    """The ISO 8601 duration of a service time, where one exists (not for working days)."""
    if unit is None or unit not in _ISO_DURATION:
        return None
    return _ISO_DURATION[unit](value)


def _tr(text: str | None) -> dict[str, str] | None:
    return {"@value": text, "@language": "tr"} if text else None


def _typed(value: Any, datatype: str) -> dict[str, str] | None:
    return None if value is None else {"@value": str(value), "@type": datatype}


def _ref(iri: str | None) -> dict[str, str] | None:
    return {"@id": iri} if iri else None


def _node(**properties: Any) -> dict[str, Any]:
    """A JSON-LD node without its empty properties; ``a__b`` keys become ``a:b``."""
    node: dict[str, Any] = {}
    for key, value in properties.items():
        if value is None or value == [] or value == "":
            continue
        node[key.replace("__", ":", 1) if key[0] != "_" else key.replace("_", "@", 1)] = value
    return node


def document_text(graph: list[dict[str, Any]]) -> str:
    """A JSON-LD file: the shared context and the nodes."""
    document = {"@context": CONTEXT, "@graph": graph}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


@dataclass(frozen=True)
class Iris:
    """The API's own addresses, so that every identifier dereferences."""

    base: str
    numbers: Mapping[int, str]  # organization id → DETSİS number

    def organization(self, org_id: int | None) -> str | None:
        if org_id is None:
            return None
        return f"{self.base}/api/v1/organizations/{self.numbers[org_id]}"

    def service(self, code: str) -> str:
        return f"{self.base}/api/v1/services/{code}"

    def document(self, code: str) -> str:
        return f"{self.base}/api/v1/documents/{code}"

    def act(self, act_id: int | None) -> str | None:
        return None if act_id is None else f"{self.base}/api/v1/legislation/{act_id}"

    def channel(self, code: str) -> str:
        return f"{self.base}/open-data/channels/{code}"


def organization_node(iris: Iris, row: Any, number: str) -> dict[str, Any]:
    """A unit in force (a row of its version) as a CPOV ``cv:PublicOrganisation``."""
    alt = [label for label in (_tr(row.short_name),) if label]
    if row.english_name:
        alt.append({"@value": row.english_name, "@language": "en"})
    address = None
    if row.address or row.province_code:
        address = _node(
            _type="locn:Address",
            locn__fullAddress=row.address,
            locn__adminUnitL2=province_name(row.province_code),
            locn__adminUnitL1="Türkiye",
        )
    contact = None
    if row.email or row.phone:
        contact = _node(
            _type="cv:ContactPoint",
            cv__email=row.email,
            cv__telephone=row.phone,
        )
    homepage = row.web if row.web and row.web.startswith(("http://", "https://")) else None
    return _node(
        _id=iris.organization(row.organization_id),
        _type="cv:PublicOrganisation",
        dct__identifier=number,
        adms__identifier=_node(
            _type="adms:Identifier",
            skos__notation=number,
            adms__schemaAgency="DETSİS (Devlet Teşkilatı Merkezi Kayıt Sistemi)",
        ),
        skos__prefLabel=_tr(row.name),
        skos__altLabel=alt,
        org__subOrganizationOf=_ref(iris.organization(row.parent_id)),
        locn__address=address,
        cv__contactPoint=contact,
        foaf__homepage=_ref(homepage),
        dct__spatial=_ref(TURKEY),
    )


def service_node(
    iris: Iris, service: Service, required: list[str], issued: list[str], acts: list[int]
) -> dict[str, Any]:
    """A service as a CPSV-AP ``cpsv:PublicService``, with its inputs, outputs and basis."""
    inputs = [{"@id": iris.document(code)} for code in required]
    cost = None
    if service.fee_amount is not None:
        cost = _node(
            _type="cv:Cost",
            cv__value=_typed(f"{service.fee_amount:.2f}", "xsd:decimal"),
            cv__currency=_ref(TURKISH_LIRA),
            dct__description=_tr(service.fee_note),
        )
    return _node(
        _id=iris.service(service.code),
        _type="cpsv:PublicService",
        dct__identifier=service.code,
        dct__title=_tr(service.name),
        dct__description=_tr(service.description),
        cv__hasCompetentAuthority=_ref(iris.organization(service.organization_id)),
        # CPSV-AP's "has input": cv:hasInput in the m8g namespace; CPSV-AP 3.2 also names
        # it cpsv:hasInput. Both are given so harvesters of either release find the inputs.
        cv__hasInput=inputs,
        cpsv__hasInput=inputs,
        cpsv__produces=[{"@id": iris.document(code)} for code in issued],
        cv__hasLegalResource=[{"@id": iris.act(act)} for act in acts],
        cv__hasChannel=[{"@id": iris.channel(code)} for code in service.channels or []],
        cv__processingTime=_typed(
            iso_duration(service.max_duration_value, service.max_duration_unit),
            "xsd:duration",
        ),
        cv__hasCost=cost,
    )


def document_node(iris: Iris, document: Document, aliases: list[str], produced: bool) -> Any:
    """A document as ``cv:Evidence``, and also ``cv:Output`` when a service issues it."""
    return _node(
        _id=iris.document(document.code),
        _type=["cv:Evidence", "cv:Output"] if produced else "cv:Evidence",
        dct__identifier=document.code,
        dct__title=_tr(document.name),
        dct__description=_tr(document.description),
        skos__altLabel=[_tr(alias) for alias in aliases],
        dct__creator=_ref(iris.organization(document.issuer_id)),
    )


def act_node(
    iris: Iris, act: Legislation, links: Mapping[tuple[int, str], list[int]]
) -> dict[str, Any]:
    """An act as an ELI ``eli:LegalResource``; ``links``: (source, kind) → targets."""
    related = {
        name: [{"@id": iris.act(target)} for target in links.get((act.id, kind), [])]
        for kind, name in _LINK_PROPERTIES.items()
    }
    in_force = act.status == LegislationStatus.IN_FORCE
    return _node(
        _id=iris.act(act.id),
        _type="eli:LegalResource",
        dct__identifier=str(act.id),
        eli__title=_tr(act.title),
        eli__id_local=act.number,
        eli__type_document=_tr(LEGISLATION_TYPES.get(act.type_code)),
        eli__date_document=_typed(act.adopted_on, "xsd:date"),
        eli__date_publication=_typed(act.gazette_date, "xsd:date"),
        eli__first_date_entry_in_force=_typed(act.in_force_from, "xsd:date"),
        eli__in_force={"@id": "eli:InForce-" + ("inForce" if in_force else "notInForce")},
        eli__date_no_longer_in_force=_typed(act.repealed_on, "xsd:date"),
        eli__repealed_by=_ref(iris.act(act.repealed_by_id)),
        eli__passed_by=_ref(iris.organization(act.issuer_id)),
        **related,
    )


def channel_node(iris: Iris, code: str) -> dict[str, Any]:
    """A way to apply (``in_person``, ``e_devlet``…) as a ``cv:Channel``."""
    return _node(
        _id=iris.channel(code),
        _type="cv:Channel",
        dct__identifier=code,
        dct__title=_tr(CHANNELS.get(code, code)),
    )
