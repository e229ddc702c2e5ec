"""Sample legislation, document names, services and correspondence data for ``registry demo``.

Acts come from ``legislation.json`` (real acts: titles, numbers, dates and Resmî Gazete issues are
the published ones); documents and services from ``services.json`` (realistic samples). Units are
named by their path in ``units.json`` and acts by their key, so the files stay readable. A record
that already exists (same act type, title and Gazette date; same document name; same service name
at the same unit) is left alone, so a second run changes nothing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.catalogue import documents as document_records
from registry.catalogue import services as service_records
from registry.catalogue.models import Document, Service
from registry.ebys import records as correspondence_records
from registry.ebys.models import DistributionList, Signatory
from registry.legislation import records as legislation_records
from registry.legislation.models import Legislation
from registry.organizations.models import Organization
from registry.standards import contacts
from registry.standards.models import ServiceStandardContacts
from schemas.catalogue.services import DocumentInputSchema, ServiceInputSchema
from schemas.ebys.records import DistributionListInputSchema, SignatoryInputSchema
from schemas.legislation import LegislationInputSchema
from schemas.standards.contacts import ServiceStandardInputSchema

Counter = dict[str, int]


def _read(name: str) -> dict[str, Any]:
    return json.loads(resources.files("registry.demo").joinpath(name).read_text("utf-8"))


def load_legislation(
    session: Session, numbers: Mapping[str, str], provenance: Provenance, counts: Counter
) -> dict[str, int]:
    """Create the sample acts in order (links point backwards); returns key → act id."""
    ids: dict[str, int] = {}
    schema = LegislationInputSchema()
    for spec in _read("legislation.json")["acts"]:
        gazette_date = (spec.get("gazette") or {}).get("date")
        existing = session.scalar(
            select(Legislation.id).where(
                Legislation.type_code == spec["type"],
                Legislation.title == spec["title"],
                Legislation.gazette_date
                == (date.fromisoformat(gazette_date) if gazette_date else None),
            )
        )
        if existing is not None:
            ids[spec["key"]] = existing
            counts["unchanged"] += 1
            continue
        data = schema.load(
            {
                "type": spec["type"],
                "number": spec.get("number"),
                "title": spec["title"],
                "adopted_on": spec.get("adopted_on"),
                "gazette": spec.get("gazette"),
                "issuer": numbers[spec["issuer"]] if spec.get("issuer") else None,
                "basis": [ids[key] for key in spec.get("basis", [])],
                "amends": [
                    {"id": ids[a["key"]], "on": a["on"], "provision": a.get("provision")}
                    for a in spec.get("amends", [])
                ],
                "repeals": [{"id": ids[r["key"]], "on": r["on"]} for r in spec.get("repeals", [])],
                "texts": spec.get("texts", []),
                "provisions": spec.get("provisions", []),
            }
        )
        applied = legislation_records.create_act(session, data, provenance=provenance)
        ids[spec["key"]] = applied.act.id
        counts["created"] += 1
    return ids


def load_services(
    session: Session,
    numbers: Mapping[str, str],
    acts: Mapping[str, int],
    provenance: Provenance,
    counts: Counter,
) -> None:
    spec = _read("services.json")
    codes: dict[str, str] = {}
    for item in spec["documents"]:
        code = session.scalar(select(Document.code).where(Document.name == item["name"]))
        if code is None:
            data = DocumentInputSchema().load(
                {
                    "name": item["name"],
                    "aliases": item.get("aliases", []),
                    "issuer": numbers[item["issuer"]] if item.get("issuer") else None,
                }
            )
            code = document_records.create_document(session, data, provenance=provenance).code
            counts["created"] += 1
        else:
            counts["unchanged"] += 1
        codes[item["key"]] = code
    for item in spec["services"]:
        number = numbers[item["organization"]]
        exists = session.scalar(
            select(Service.id)
            .join(Organization, Organization.id == Service.organization_id)
            .where(Organization.detsis_no == number, Service.name == item["name"])
        )
        if exists is not None:
            counts["unchanged"] += 1
            continue
        data = ServiceInputSchema().load(
            {
                **{k: v for k, v in item.items() if k not in ("organization",)},
                "organization": number,
                "legal_basis": [acts[key] for key in item.get("legal_basis", [])],
                "required_documents": [codes[k] for k in item.get("required_documents", [])],
                "issued_documents": [codes[k] for k in item.get("issued_documents", [])],
                "document_channels": [
                    {"document": codes[entry["document"]], "channels": entry["channels"]}
                    for entry in item.get("document_channels", [])
                ],
            }
        )
        service_records.create_service(session, data, provenance=provenance)
        counts["created"] += 1


def load_correspondence(
    session: Session, numbers: Mapping[str, str], provenance: Provenance, counts: Counter
) -> None:
    """Sample signatories, distribution lists and places of application
    (``correspondence.json``); the places' units publish their service standards tables."""
    spec = _read("correspondence.json")
    for item in spec["signatories"]:
        number = numbers[item["organization"]]
        exists = session.scalar(
            select(Signatory.id)
            .join(Organization, Organization.id == Signatory.organization_id)
            .where(
                Organization.detsis_no == number,
                Signatory.name == item["name"],
                Signatory.surname == item["surname"],
            )
        )
        if exists is not None:
            counts["unchanged"] += 1
            continue
        data = SignatoryInputSchema().load({**item, "organization": number})
        correspondence_records.save_signatory(session, None, data, provenance=provenance)
        counts["created"] += 1
    for item in spec["distribution_lists"]:
        owner = numbers[item["owner"]]
        exists = session.scalar(
            select(DistributionList.id)
            .join(Organization, Organization.id == DistributionList.owner_id)
            .where(Organization.detsis_no == owner, DistributionList.name == item["name"])
        )
        if exists is not None:
            counts["unchanged"] += 1
            continue
        data = DistributionListInputSchema().load(
            {
                "name": item["name"],
                "owner": owner,
                "recipients": [
                    {"detsis_no": numbers[r["unit"]], "kind": r["kind"]} for r in item["recipients"]
                ],
            }
        )
        correspondence_records.save_distribution_list(session, None, data, provenance=provenance)
        counts["created"] += 1
    for item in spec["service_standards"]:
        number = numbers[item["organization"]]
        exists = session.scalar(
            select(ServiceStandardContacts.id)
            .join(Organization, Organization.id == ServiceStandardContacts.organization_id)
            .where(Organization.detsis_no == number)
        )
        if exists is not None:
            counts["unchanged"] += 1
            continue
        places = {
            name: {
                **item[name],
                "organization": numbers[item[name]["organization"]]
                if "organization" in item[name]
                else None,
            }
            for name in ("first_contact", "second_contact")
        }
        data = ServiceStandardInputSchema().load(
            {"organization": number, "response_days": item.get("response_days"), **places}
        )
        contacts.save_contacts(session, None, data, provenance=provenance)
        counts["created"] += 1
