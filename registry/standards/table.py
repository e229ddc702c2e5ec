"""What a unit's service standards table says today, built from its approved records.

The columns follow the regulation of 31/7/2009 (RG 27305, annex 2): SIRA NO, HİZMETİN ADI,
BAŞVURUDA İSTENEN BELGELER, HİZMETİN TAMAMLANMA SÜRESİ (EN GEÇ SÜRE); below them the standard
notice and the two places of application. The rows are the active services of the unit and every
unit under it, in Turkish alphabetical order.

A document a service asks for under a free-text name that matched no standard name is not left
out while it waits in the reviewers' queue: the row lists it as written, marked
``AWAITING_MARK``, after the standard names, and names it in ``awaiting_standard_name`` too, so
that readers of the JSON can tell it from a standard name and every rendering (page, CSV, XLSX)
shows the mark.

``max_duration`` is the computed upper bound in the registry's words ("15 dakika");
``max_duration_written`` beside it is the text as the institution published it ("8-15 dk"), so a
reader can check the one against the other.
"""

from __future__ import annotations

import hashlib
import json
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue import unmatched_names
from registry.catalogue.models import Document, DocumentRole, RecordStatus, Service, ServiceDocument
from registry.kernel import durations
from registry.organizations import tree
from registry.standards.models import ServiceStandardContacts

COLUMNS = (
    "SIRA NO",
    "HİZMETİN ADI",
    "BAŞVURUDA İSTENEN BELGELER",
    "HİZMETİN TAMAMLANMA SÜRESİ (EN GEÇ SÜRE)",
)
# The sentence the regulation prints under every table.
NOTICE = (
    "Başvuru esnasında yukarıda belirtilen belgelerin dışında belge istenmesi, eksiksiz belge ile "
    "başvuru yapılmasına rağmen hizmetin belirtilen sürede tamamlanmaması veya yukarıdaki tabloda "
    "bazı hizmetlerin bulunmadığının tespiti durumunda ilk müracaat yerine ya da ikinci müracaat "
    "yerine başvurunuz."
)
# How a document asked for under a name still waiting for a standard one is printed.
AWAITING_MARK = "(standart adı bekleniyor)"
CONTACT_FIELDS = ("name", "title", "address", "phone", "fax", "email")
CONTACT_LABELS = ("İsim", "Unvan", "Adres", "Telefon", "Faks", "E-Posta")


def active_contacts(session: Session, org_id: int) -> ServiceStandardContacts | None:
    return session.scalar(
        select(ServiceStandardContacts).where(
            ServiceStandardContacts.organization_id == org_id,
            ServiceStandardContacts.status == RecordStatus.ACTIVE,
        )
    )


def build(session: Session, org_id: int, at: date) -> dict[str, Any]:
    """The table of ``org_id`` as its records stand on ``at`` (what the next publication holds)."""
    path = tree.path_at(session, org_id, at)
    if path is None:
        raise ValueError(f"unit {org_id} is not open on {at}")
    unit = path[-1]
    services = list(
        session.scalars(
            select(Service)
            .where(
                Service.organization_id.in_(tree.subtree_ids(session, org_id, at)),
                Service.status == RecordStatus.ACTIVE,
            )
            .order_by(Service.sort_key, Service.code)
        )
    )
    documents = _required_documents(session, [s.id for s in services])
    awaiting = unmatched_names.awaiting(
        session, [s.id for s in services], DocumentRole.REQUIRED.value
    )
    numbers = tree.numbers_of(session, {s.organization_id for s in services})
    contacts = active_contacts(session, org_id)
    return {
        "organization": {"detsis_no": unit.detsis_no, "name": unit.name},
        "institution": tree.institution_of(path).name,
        "rows": [
            {
                "no": position,
                "service": service.code,
                "name": service.name,
                "required_documents": [
                    *documents.get(service.id, []),
                    *(f"{name} {AWAITING_MARK}" for name in awaiting.get(service.id, [])),
                ],
                "awaiting_standard_name": awaiting.get(service.id, []),
                "max_duration": _duration_text(service),
                "max_duration_written": service.max_duration_written,
                "unit": numbers[service.organization_id],
            }
            for position, service in enumerate(services, start=1)
        ],
        "notice": NOTICE,
        "first_contact": _block(contacts.first_contact) if contacts else None,
        "second_contact": _block(contacts.second_contact) if contacts else None,
    }


def digest(content: dict[str, Any]) -> str:
    canonical = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _required_documents(session: Session, service_ids: list[int]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for chunk in (service_ids[i : i + 500] for i in range(0, len(service_ids), 500)):
        for service_id, name in session.execute(
            select(ServiceDocument.service_id, Document.name)
            .join(Document, Document.id == ServiceDocument.document_id)
            .where(
                ServiceDocument.service_id.in_(chunk),
                ServiceDocument.role == DocumentRole.REQUIRED,
            )
            .order_by(ServiceDocument.service_id, ServiceDocument.position)
        ):
            found.setdefault(service_id, []).append(name)
    return found


def _duration_text(service: Service) -> str | None:
    if service.max_duration_unit is None:
        return None
    return durations.from_parts(service.max_duration_value, service.max_duration_unit).text


def _block(contact: dict[str, Any]) -> dict[str, Any]:
    return {key: contact.get(key) for key in CONTACT_FIELDS}
