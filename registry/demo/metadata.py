"""Sample metadata for ``registry demo`` (issue 26): the data elements of the sample documents,
the data-sharing integrations seed 000 names (NVİ's identity and address data, SGK, Gelir
İdaresi…), and three e-government applications; from ``metadata.json``.

Written through the metadata layer's own write paths (audit entries included). A record that
exists already (an element of the same name and owner, an integration of the same name between
the same two units, an application of the same name and owner) is left alone, and a document's
or service's elements are written only while it has none, so a second run changes nothing.
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
from registry.catalogue.models import Document, Service
from registry.metadata import applications, elements, integrations
from registry.metadata.models import Application, DataElement, Integration
from registry.organizations import tree

Counter = dict[str, int]


def _read() -> dict[str, Any]:
    text = resources.files("registry.demo").joinpath("metadata.json").read_text("utf-8")
    loaded: dict[str, Any] = json.loads(text)
    return loaded


def load_metadata(
    session: Session,
    numbers: Mapping[str, str],
    acts: Mapping[str, int],
    provenance: Provenance,
    counts: Counter,
) -> None:
    spec = _read()
    owners = {key: numbers[path] for key, path in spec["owners"].items()}
    ids = _elements(session, spec, owners, acts, provenance, counts)
    _documents(session, spec, ids, provenance, counts)
    _services(session, spec, numbers, ids, provenance, counts)
    shared = _integrations(session, spec, owners, ids, acts, provenance, counts)
    _applications(session, spec, numbers, shared, provenance, counts)


def _elements(
    session: Session,
    spec: dict[str, Any],
    owners: dict[str, str],
    acts: Mapping[str, int],
    provenance: Provenance,
    counts: Counter,
) -> dict[str, int]:
    ids: dict[str, int] = {}
    for item in spec["elements"]:
        owner_id = tree.organization_id(session, owners[item["owner"]])
        existing = session.scalar(
            select(DataElement.id).where(
                DataElement.owner_id == owner_id, DataElement.name == item["name"]
            )
        )
        if existing is not None:
            ids[item["key"]] = existing
            counts["unchanged"] += 1
            continue
        data = {
            name: item[name]
            for name in ("name", "definition", "data_type", "format", "code_list", "unit")
            if name in item
        }
        data |= {
            "owner": owners[item["owner"]],
            "legal_basis": acts[item["act"]] if item.get("act") else None,
            "provision": item.get("provision"),
            "personal_data": item["personal_data"],
            "synonyms": item.get("synonyms", []),
        }
        ids[item["key"]] = elements.save_element(session, None, data, provenance=provenance).id
        counts["created"] += 1
    return ids


def _documents(
    session: Session,
    spec: dict[str, Any],
    ids: dict[str, int],
    provenance: Provenance,
    counts: Counter,
) -> None:
    for name, keys in spec["documents"].items():
        document = session.scalars(select(Document).where(Document.name == name)).one()
        if elements.document_elements_record(session, document)["elements"]:
            counts["unchanged"] += 1
            continue
        elements.save_document_elements(
            session, document.code, [ids[k] for k in keys], provenance=provenance
        )
        counts["created"] += 1


def _service_code(session: Session, numbers: Mapping[str, str], unit: str, name: str) -> str:
    unit_id = tree.organization_id(session, numbers[unit])
    return session.scalars(
        select(Service.code).where(Service.organization_id == unit_id, Service.name == name)
    ).one()


def _services(
    session: Session,
    spec: dict[str, Any],
    numbers: Mapping[str, str],
    ids: dict[str, int],
    provenance: Provenance,
    counts: Counter,
) -> None:
    for item in spec["services"]:
        code = _service_code(session, numbers, item["unit"], item["name"])
        service = session.scalars(select(Service).where(Service.code == code)).one()
        current = elements.service_elements_record(session, service)
        if current["inputs"] or current["outputs"]:
            counts["unchanged"] += 1
            continue
        data = {
            "inputs": [ids[k] for k in item["inputs"]],
            "outputs": [ids[k] for k in item["outputs"]],
        }
        elements.save_service_elements(session, code, data, provenance=provenance)
        counts["created"] += 1


def _integrations(
    session: Session,
    spec: dict[str, Any],
    owners: dict[str, str],
    ids: dict[str, int],
    acts: Mapping[str, int],
    provenance: Provenance,
    counts: Counter,
) -> dict[str, int]:
    found: dict[str, int] = {}
    for item in spec["integrations"]:
        provider = tree.organization_id(session, owners[item["provider"]])
        consumer = tree.organization_id(session, owners[item["consumer"]])
        existing = session.scalar(
            select(Integration.id).where(
                Integration.name == item["name"],
                Integration.provider_id == provider,
                Integration.consumer_id == consumer,
            )
        )
        if existing is not None:
            found[item["key"]] = existing
            counts["unchanged"] += 1
            continue
        data = {
            name: item.get(name)
            for name in ("name", "provision", "protocol_no", "channel", "address", "status")
        }
        data |= {
            "api_description": item.get("api_description"),
            "provider": owners[item["provider"]],
            "consumer": owners[item["consumer"]],
            "elements": [ids[k] for k in item["elements"]],
            "legal_basis": acts[item["act"]] if item.get("act") else None,
            "protocol_date": _date(item.get("protocol_date")),
        }
        saved = integrations.save_integration(session, None, data, provenance=provenance)
        found[item["key"]] = saved.id
        counts["created"] += 1
    return found


def _date(text: str | None) -> date | None:
    return date.fromisoformat(text) if text else None


def _applications(
    session: Session,
    spec: dict[str, Any],
    numbers: Mapping[str, str],
    shared: dict[str, int],
    provenance: Provenance,
    counts: Counter,
) -> None:
    for item in spec["applications"]:
        owner_id = tree.organization_id(session, numbers[item["owner"]])
        existing = session.scalar(
            select(Application.id).where(
                Application.owner_id == owner_id, Application.name == item["name"]
            )
        )
        if existing is not None:
            counts["unchanged"] += 1
            continue
        data = {name: item[name] for name in ("name", "url", "hosting", "status")}
        data |= {
            "owner": numbers[item["owner"]],
            "services": [
                {"service": _service_code(session, numbers, unit, name), "channel": channel}
                for unit, name, channel in item["services"]
            ],
            "integrations": [
                {"integration": shared[key], "role": role} for key, role in item["integrations"]
            ],
        }
        applications.save_application(session, None, data, provenance=provenance)
        counts["created"] += 1
