"""``registry export-open-data PATH``: what the registry publishes, as files for open-data portals.

Each kind of record is read once and written twice: as CSV for spreadsheets (``open_data_csv``)
and as JSON-LD in the EU vocabularies data portals read (``open_data_jsonld``: CPSV-AP for
services, documents and their legal basis, CPOV for the organizations in force). Only published
records go out: no complaint, survey comment, account, token, change request or audit entry, and
no person's contact details beyond the official contact blocks of the published standards tables
(which every service point posts on its wall). A manifest lists each file with its checksum.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue.models import (
    Document,
    DocumentAlias,
    DocumentRole,
    RecordStatus,
    Service,
    ServiceDocument,
    ServiceLegalBasis,
)
from registry.kernel import tabular
from registry.legislation.models import Legislation, LegislationLink
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.standards.models import ServiceStandardTable
from registry.transfer import open_data_csv as tables
from registry.transfer import open_data_jsonld as jsonld
from registry.transfer.directory import new_directory


@dataclass
class OpenDataReport:
    files: dict[str, int] = field(default_factory=dict)  # file → records in it


def export_open_data(session: Session, path: Path, *, base_url: str, on: date) -> OpenDataReport:
    """Write the open-data files of the registry as it stands on ``on`` into the new ``path``."""
    with new_directory(path) as work:
        writer = _Writer(session, work, base_url.rstrip("/"), on)
        writer.organizations()
        writer.services_and_documents()
        writer.legislation()
        writer.standards_tables()
        writer.manifest()
        work.chmod(0o755)  # public data (mkdtemp makes the directory private)
    return OpenDataReport(writer.counts)


class _Writer:
    """Reads each kind of record and writes its files into ``directory``, counting records."""

    def __init__(self, session: Session, directory: Path, base_url: str, on: date) -> None:
        self.session = session
        self.directory = directory
        self.base = base_url
        self.on = on
        self.counts: dict[str, int] = {}
        self.numbers: dict[int, str] = dict(
            session.execute(select(Organization.id, Organization.detsis_no)).all()
        )
        self.iris = jsonld.Iris(self.base, self.numbers)

    # -- files --

    def _csv(self, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        (self.directory / name).write_bytes(tabular.to_csv(header, rows))
        self.counts[name] = len(rows)

    def _jsonld(self, name: str, graph: list[dict[str, Any]]) -> None:
        (self.directory / name).write_text(jsonld.document_text(graph), encoding="utf-8")
        self.counts[name] = len(graph)

    def manifest(self) -> None:
        files = []
        for name in sorted(self.counts):
            data = (self.directory / name).read_bytes()
            files.append(
                {
                    "file": name,
                    "records": self.counts[name],
                    "media_type": "text/csv" if name.endswith(".csv") else "application/ld+json",
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        document = {"as_of": self.on.isoformat(), "base_url": self.base, "files": files}
        text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
        (self.directory / "manifest.json").write_text(text, encoding="utf-8")

    # -- organizations --

    def organizations(self) -> None:
        version = OrganizationVersion.__table__.c
        rows = self.session.execute(
            select(OrganizationVersion.__table__).where(
                tree.in_force(self.on), version.status == Status.ACTIVE
            )
        ).all()
        units = {row.organization_id: row for row in rows}
        institutions = _institutions(units)
        ordered = sorted(units.values(), key=lambda row: self.numbers[row.organization_id])
        table = [
            tables.organization_row(row, self.numbers, institutions[row.organization_id])
            for row in ordered
        ]
        graph = [
            jsonld.organization_node(self.iris, row, self.numbers[row.organization_id])
            for row in ordered
        ]
        self._csv("organizations.csv", tables.ORGANIZATION_COLUMNS, table)
        self._jsonld("organizations.jsonld", graph)

    # -- services and documents, with the acts and channels they refer to --

    def services_and_documents(self) -> None:
        services = list(
            self.session.scalars(
                select(Service).where(Service.status == RecordStatus.ACTIVE).order_by(Service.code)
            )
        )
        documents = list(
            self.session.scalars(
                select(Document)
                .where(Document.status == RecordStatus.ACTIVE)
                .order_by(Document.code)
            )
        )
        codes = dict(self.session.execute(select(Document.id, Document.code)).all())
        asked: dict[tuple[int, str], list[str]] = {}
        for service_id, document_id, role in self.session.execute(
            select(
                ServiceDocument.service_id, ServiceDocument.document_id, ServiceDocument.role
            ).order_by(ServiceDocument.service_id, ServiceDocument.position)
        ):
            asked.setdefault((service_id, role), []).append(codes[document_id])
        bases: dict[int, list[int]] = {}
        for service_id, act_id in self.session.execute(
            select(ServiceLegalBasis.service_id, ServiceLegalBasis.legislation_id).order_by(
                ServiceLegalBasis.service_id, ServiceLegalBasis.position
            )
        ):
            bases.setdefault(service_id, []).append(act_id)
        required = DocumentRole.REQUIRED
        issued = DocumentRole.ISSUED

        table: list[list[Any]] = []
        graph: list[dict[str, Any]] = []
        for service in services:
            documents_in = asked.get((service.id, required), [])
            documents_out = asked.get((service.id, issued), [])
            acts = bases.get(service.id, [])
            number = self.numbers[service.organization_id]
            table.append(tables.service_row(service, number, documents_in, documents_out, acts))
            graph.append(jsonld.service_node(self.iris, service, documents_in, documents_out, acts))
        self._csv("services.csv", tables.SERVICE_COLUMNS, table)

        produced = {
            code for (_, role), listed in asked.items() if role == issued for code in listed
        }
        aliases: dict[int, list[str]] = {}
        for document_id, alias in self.session.execute(
            select(DocumentAlias.document_id, DocumentAlias.alias).order_by(DocumentAlias.id)
        ):
            aliases.setdefault(document_id, []).append(alias)
        doc_rows: list[list[Any]] = []
        for document in documents:
            others = [a for a in aliases.get(document.id, []) if a != document.name]
            issuer = self.numbers.get(document.issuer_id) if document.issuer_id else None
            doc_rows.append(tables.document_row(document, issuer, others))
            graph.append(
                jsonld.document_node(self.iris, document, others, document.code in produced)
            )
        self._csv("documents.csv", tables.DOCUMENT_COLUMNS, doc_rows)
        graph.extend(self._act_nodes())
        used = sorted({c for service in services for c in service.channels or []})
        graph.extend(jsonld.channel_node(self.iris, code) for code in used)
        self._jsonld("services.jsonld", graph)

    def _act_nodes(self) -> Iterable[dict[str, Any]]:
        links: dict[tuple[int, str], list[int]] = {}
        for source, target, kind in self.session.execute(
            select(
                LegislationLink.source_id, LegislationLink.target_id, LegislationLink.kind
            ).order_by(LegislationLink.id)
        ):
            links.setdefault((source, kind), []).append(target)
        for act in self.session.scalars(select(Legislation).order_by(Legislation.id)):
            yield jsonld.act_node(self.iris, act, links)

    # -- legislation (its JSON-LD is in services.jsonld, with the services citing it) --

    def legislation(self) -> None:
        rows = [
            tables.act_row(act, self.numbers.get(act.issuer_id) if act.issuer_id else None)
            for act in self.session.scalars(select(Legislation).order_by(Legislation.id))
        ]
        self._csv("legislation.csv", tables.LEGISLATION_COLUMNS, rows)

    # -- published service standards tables (HSYS) --

    def standards_tables(self) -> None:
        """The rows of each unit's latest published table, for the units open today."""
        open_units = set(tree.versions_at(self.session, list(self.numbers), self.on))
        latest: dict[int, ServiceStandardTable] = {}
        for published in self.session.scalars(
            select(ServiceStandardTable).order_by(
                ServiceStandardTable.organization_id, ServiceStandardTable.version
            )
        ):
            latest[published.organization_id] = published
        rows: list[list[Any]] = []
        for org_id in sorted(latest, key=lambda key: self.numbers[key]):
            if org_id in open_units:
                rows.extend(tables.standards_rows(latest[org_id]))
        self._csv("service_standards.csv", tables.STANDARDS_COLUMNS, rows)


def _institutions(units: dict[int, Any]) -> dict[int, int]:
    """Each unit's institution: the nearest ancestor-or-self with a category, else its root."""
    found: dict[int, int] = {}
    for org_id in units:
        chain: list[int] = []
        cursor = org_id
        while cursor not in found:
            chain.append(cursor)
            row = units[cursor]
            if row.category or row.parent_id not in units or len(chain) > tree.MAX_DEPTH:
                found[cursor] = cursor
                break
            cursor = row.parent_id
        for unit in chain:
            found[unit] = found[cursor]
    return found
