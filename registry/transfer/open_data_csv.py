"""Open data as CSV, one file per kind of record, for spreadsheets.

The columns of each file and one row per record, built from the rows ``open_data`` reads; the
files are UTF-8 with a BOM and free of formula injection (``registry.kernel.tabular``). Lists
(channels, documents, KEP addresses) are joined into one cell with ``LIST_SEPARATOR``. The JSON-LD
of the same records is ``open_data_jsonld``.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from registry.catalogue.models import Document, Service
from registry.kernel import durations
from registry.kernel.clock import local
from registry.kernel.reference import province_name
from registry.legislation.models import Legislation
from registry.standards.models import ServiceStandardTable
from registry.transfer.open_data_jsonld import iso_duration
from schemas.vocabularies import LEGISLATION_TYPES

LIST_SEPARATOR = "; "

ORGANIZATION_COLUMNS = (
    "detsis_no",
    "name",
    "short_name",
    "english_name",
    "parent_detsis_no",
    "institution_detsis_no",
    "category",
    "unit_type",
    "level",
    "province_code",
    "province",
    "district",
    "address",
    "phone",
    "fax",
    "email",
    "web",
    "kep_addresses",
    "corresponds_externally",
    "valid_from",
)
SERVICE_COLUMNS = (
    "code",
    "name",
    "description",
    "applicants",
    "organization_detsis_no",
    "kind",
    "channels",
    "max_duration",
    "max_duration_iso8601",
    "norm_duration",
    "average_duration",
    "fee_amount_try",
    "fee_note",
    "required_documents",
    "issued_documents",
    "legal_basis",
    "annual_volume",
    "version",
)
DOCUMENT_COLUMNS = ("code", "name", "description", "issuer_detsis_no", "sample_url", "aliases")
LEGISLATION_COLUMNS = (
    "id",
    "type_code",
    "type",
    "number",
    "title",
    "adopted_on",
    "gazette_date",
    "gazette_issue",
    "gazette_repeat",
    "issuer_detsis_no",
    "in_force_from",
    "status",
    "repealed_on",
    "repealed_by",
)
STANDARDS_COLUMNS = (
    "organization_detsis_no",
    "organization_name",
    "institution",
    "version",
    "published_on",
    "no",
    "service_code",
    "service_name",
    "required_documents",
    "max_duration",
    "unit_detsis_no",
)


def organization_row(row: Any, numbers: Mapping[int, str], institution: int) -> list[Any]:
    """A unit in force (a row of its version); ``numbers``: organization id → DETSİS number."""
    parent = numbers.get(row.parent_id) if row.parent_id else None
    kep = [k["address"] for k in row.kep_addresses or [] if k.get("active", True)]
    return [
        numbers[row.organization_id],
        row.name,
        row.short_name,
        row.english_name,
        parent,
        numbers[institution],
        row.category,
        row.unit_type,
        row.level,
        row.province_code,
        province_name(row.province_code),
        row.district,
        row.address,
        row.phone,
        row.fax,
        row.email,
        row.web,
        LIST_SEPARATOR.join(kep),
        row.corresponds_externally,
        row.valid_from.isoformat(),
    ]


def service_row(
    service: Service, number: str, required: list[str], issued: list[str], acts: list[int]
) -> list[Any]:
    """A service, with the codes of its documents and the ids of the acts it cites."""
    return [
        service.code,
        service.name,
        service.description,
        service.applicants,
        number,
        service.kind,
        LIST_SEPARATOR.join(service.channels or []),
        _duration_text(service.max_duration_value, service.max_duration_unit),
        iso_duration(service.max_duration_value, service.max_duration_unit),
        _duration_text(service.norm_duration_value, service.norm_duration_unit),
        _duration_text(service.average_duration_value, service.average_duration_unit),
        None if service.fee_amount is None else f"{service.fee_amount:.2f}",
        service.fee_note,
        LIST_SEPARATOR.join(required),
        LIST_SEPARATOR.join(issued),
        LIST_SEPARATOR.join(str(act) for act in acts),
        service.annual_volume,
        service.version,
    ]


def document_row(document: Document, issuer: str | None, aliases: list[str]) -> list[Any]:
    """A document with its issuer's DETSİS number and its other names."""
    return [
        document.code,
        document.name,
        document.description,
        issuer,
        document.sample_url,
        LIST_SEPARATOR.join(aliases),
    ]


def act_row(act: Legislation, issuer: str | None) -> list[Any]:
    """An act with its issuer's DETSİS number."""
    return [
        act.id,
        act.type_code,
        LEGISLATION_TYPES.get(act.type_code),
        act.number,
        act.title,
        _iso(act.adopted_on),
        _iso(act.gazette_date),
        act.gazette_issue,
        act.gazette_repeat,
        issuer,
        _iso(act.in_force_from),
        act.status,
        _iso(act.repealed_on),
        act.repealed_by_id,
    ]


def standards_rows(published: ServiceStandardTable) -> list[list[Any]]:
    """The rows of one published standards table, as it was published."""
    content = published.content
    return [
        [
            content["organization"]["detsis_no"],
            content["organization"]["name"],
            content["institution"],
            published.version,
            local(published.published_at).date().isoformat(),
            row["no"],
            row["service"],
            row["name"],
            LIST_SEPARATOR.join(row["required_documents"]),
            row["max_duration"],
            row["unit"],
        ]
        for row in content["rows"]
    ]


def _duration_text(value: int | None, unit: str | None) -> str | None:
    if unit is None:
        return None
    return durations.from_parts(value, unit).text


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
