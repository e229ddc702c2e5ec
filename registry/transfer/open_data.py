"""``registry export-open-data PATH``: what the registry publishes, as files for open-data portals.

CSV per kind for spreadsheets (UTF-8 with a BOM, no formula injection:
``registry.kernel.tabular``) and
JSON-LD with the EU vocabularies data portals read: CPSV-AP for services (with the documents they
ask for as ``cv:Evidence``, what they issue as ``cv:Output``, their legal basis as
``eli:LegalResource``, channels, processing time and cost) and CPOV for the organizations in
force. Only published records go out: no complaint, survey comment, account, token, change
request or audit entry, and no person's contact details beyond the official contact blocks of
the published standards tables (which every service point posts on its wall).
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
from registry.kernel import durations, tabular
from registry.kernel.clock import local
from registry.kernel.reference import province_name
from registry.legislation.models import Legislation, LegislationLink, LegislationStatus, LinkKind
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion, Status
from registry.standards.models import ServiceStandardTable
from registry.transfer.directory import new_directory
from schemas.services import CHANNELS
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
_ISO_DURATION = {
    "immediate": lambda _: "PT0S",
    "minute": lambda n: f"PT{n}M",
    "hour": lambda n: f"PT{n}H",
    "day": lambda n: f"P{n}D",
    "week": lambda n: f"P{n}W",
    "month": lambda n: f"P{n}M",
}
LIST_SEPARATOR = "; "


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


class _Writer:
    def __init__(self, session: Session, directory: Path, base_url: str, on: date) -> None:
        self.session = session
        self.directory = directory
        self.base = base_url
        self.on = on
        self.counts: dict[str, int] = {}
        self.numbers: dict[int, str] = dict(
            session.execute(select(Organization.id, Organization.detsis_no)).all()
        )

    # IRIs: the API's own addresses, so that every identifier dereferences.
    def org_iri(self, org_id: int | None) -> str | None:
        return (
            None if org_id is None else f"{self.base}/api/v1/organizations/{self.numbers[org_id]}"
        )

    def service_iri(self, code: str) -> str:
        return f"{self.base}/api/v1/services/{code}"

    def document_iri(self, code: str) -> str:
        return f"{self.base}/api/v1/documents/{code}"

    def act_iri(self, act_id: int | None) -> str | None:
        return None if act_id is None else f"{self.base}/api/v1/legislation/{act_id}"

    def channel_iri(self, code: str) -> str:
        return f"{self.base}/open-data/channels/{code}"

    # -- files --

    def _csv(self, name: str, header: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
        (self.directory / name).write_bytes(tabular.to_csv(header, rows))
        self.counts[name] = len(rows)

    def _jsonld(self, name: str, graph: list[dict[str, Any]]) -> None:
        document = {"@context": CONTEXT, "@graph": graph}
        text = json.dumps(document, ensure_ascii=False, indent=1) + "\n"
        (self.directory / name).write_text(text, encoding="utf-8")
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

    # -- organizations (CPOV) --

    def organizations(self) -> None:
        version = OrganizationVersion.__table__.c
        rows = self.session.execute(
            select(OrganizationVersion.__table__).where(
                tree.in_force(self.on), version.status == Status.ACTIVE.value
            )
        ).all()
        units = {row.organization_id: row for row in rows}
        institutions = _institutions(units)
        ordered = sorted(units.values(), key=lambda row: self.numbers[row.organization_id])
        header = (
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
        table: list[list[Any]] = []
        graph: list[dict[str, Any]] = []
        for row in ordered:
            number = self.numbers[row.organization_id]
            parent = self.numbers.get(row.parent_id) if row.parent_id else None
            kep = [k["address"] for k in row.kep_addresses or [] if k.get("active", True)]
            table.append(
                [
                    number,
                    row.name,
                    row.short_name,
                    row.english_name,
                    parent,
                    self.numbers[institutions[row.organization_id]],
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
            )
            graph.append(self._organization_node(row, number))
        self._csv("organizations.csv", header, table)
        self._jsonld("organizations.jsonld", graph)

    def _organization_node(self, row: Any, number: str) -> dict[str, Any]:
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
            _id=self.org_iri(row.organization_id),
            _type="cv:PublicOrganisation",
            dct__identifier=number,
            adms__identifier=_node(
                _type="adms:Identifier",
                skos__notation=number,
                adms__schemaAgency="DETSİS (Devlet Teşkilatı Merkezi Kayıt Sistemi)",
            ),
            skos__prefLabel=_tr(row.name),
            skos__altLabel=alt,
            org__subOrganizationOf=_ref(self.org_iri(row.parent_id)),
            locn__address=address,
            cv__contactPoint=contact,
            foaf__homepage=_ref(homepage),
            dct__spatial=_ref(TURKEY),
        )

    # -- services and documents (CPSV-AP) --

    def services_and_documents(self) -> None:
        services = list(
            self.session.scalars(
                select(Service)
                .where(Service.status == RecordStatus.ACTIVE.value)
                .order_by(Service.code)
            )
        )
        documents = list(
            self.session.scalars(
                select(Document)
                .where(Document.status == RecordStatus.ACTIVE.value)
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
        required = DocumentRole.REQUIRED.value
        issued = DocumentRole.ISSUED.value

        header = (
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
        table: list[list[Any]] = []
        graph: list[dict[str, Any]] = []
        for service in services:
            table.append(
                [
                    service.code,
                    service.name,
                    service.description,
                    service.applicants,
                    self.numbers[service.organization_id],
                    service.kind,
                    LIST_SEPARATOR.join(service.channels or []),
                    _duration_text(service.max_duration_value, service.max_duration_unit),
                    iso_duration(service.max_duration_value, service.max_duration_unit),
                    _duration_text(service.norm_duration_value, service.norm_duration_unit),
                    _duration_text(service.average_duration_value, service.average_duration_unit),
                    None if service.fee_amount is None else f"{service.fee_amount:.2f}",
                    service.fee_note,
                    LIST_SEPARATOR.join(asked.get((service.id, required), [])),
                    LIST_SEPARATOR.join(asked.get((service.id, issued), [])),
                    LIST_SEPARATOR.join(str(act) for act in bases.get(service.id, [])),
                    service.annual_volume,
                    service.version,
                ]
            )
            graph.append(
                self._service_node(
                    service,
                    asked.get((service.id, required), []),
                    asked.get((service.id, issued), []),
                    bases.get(service.id, []),
                )
            )
        self._csv("services.csv", header, table)

        produced = {
            code for (_, role), listed in asked.items() if role == issued for code in listed
        }
        aliases: dict[int, list[str]] = {}
        for document_id, alias in self.session.execute(
            select(DocumentAlias.document_id, DocumentAlias.alias).order_by(DocumentAlias.id)
        ):
            aliases.setdefault(document_id, []).append(alias)
        doc_header = ("code", "name", "description", "issuer_detsis_no", "sample_url", "aliases")
        doc_rows: list[list[Any]] = []
        for document in documents:
            others = [a for a in aliases.get(document.id, []) if a != document.name]
            doc_rows.append(
                [
                    document.code,
                    document.name,
                    document.description,
                    self.numbers.get(document.issuer_id) if document.issuer_id else None,
                    document.sample_url,
                    LIST_SEPARATOR.join(others),
                ]
            )
            graph.append(self._document_node(document, others, document.code in produced))
        self._csv("documents.csv", doc_header, doc_rows)
        graph.extend(self._act_nodes())
        used = sorted({c for service in services for c in service.channels or []})
        graph.extend(
            _node(
                _id=self.channel_iri(code),
                _type="cv:Channel",
                dct__identifier=code,
                dct__title=_tr(CHANNELS.get(code, code)),
            )
            for code in used
        )
        self._jsonld("services.jsonld", graph)

    def _service_node(
        self, service: Service, required: list[str], issued: list[str], acts: list[int]
    ) -> dict[str, Any]:
        inputs = [{"@id": self.document_iri(code)} for code in required]
        cost = None
        if service.fee_amount is not None:
            cost = _node(
                _type="cv:Cost",
                cv__value=_typed(f"{service.fee_amount:.2f}", "xsd:decimal"),
                cv__currency=_ref(TURKISH_LIRA),
                dct__description=_tr(service.fee_note),
            )
        return _node(
            _id=self.service_iri(service.code),
            _type="cpsv:PublicService",
            dct__identifier=service.code,
            dct__title=_tr(service.name),
            dct__description=_tr(service.description),
            cv__hasCompetentAuthority=_ref(self.org_iri(service.organization_id)),
            # CPSV-AP's "has input": cv:hasInput in the m8g namespace; CPSV-AP 3.2 also names
            # it cpsv:hasInput. Both are given so harvesters of either release find the inputs.
            cv__hasInput=inputs,
            cpsv__hasInput=inputs,
            cpsv__produces=[{"@id": self.document_iri(code)} for code in issued],
            cv__hasLegalResource=[{"@id": self.act_iri(act)} for act in acts],
            cv__hasChannel=[{"@id": self.channel_iri(code)} for code in service.channels or []],
            cv__processingTime=_typed(
                iso_duration(service.max_duration_value, service.max_duration_unit),
                "xsd:duration",
            ),
            cv__hasCost=cost,
        )

    def _document_node(self, document: Document, aliases: list[str], produced: bool) -> Any:
        return _node(
            _id=self.document_iri(document.code),
            _type=["cv:Evidence", "cv:Output"] if produced else "cv:Evidence",
            dct__identifier=document.code,
            dct__title=_tr(document.name),
            dct__description=_tr(document.description),
            skos__altLabel=[_tr(alias) for alias in aliases],
            dct__creator=_ref(self.org_iri(document.issuer_id)),
        )

    # -- legislation (ELI) --

    def _act_nodes(self) -> Iterable[dict[str, Any]]:
        links: dict[tuple[int, str], list[int]] = {}
        for source, target, kind in self.session.execute(
            select(
                LegislationLink.source_id, LegislationLink.target_id, LegislationLink.kind
            ).order_by(LegislationLink.id)
        ):
            links.setdefault((source, kind), []).append(target)
        property_of = {
            LinkKind.BASIS.value: "eli__based_on",
            LinkKind.AMENDS.value: "eli__amends",
            LinkKind.REPEALS.value: "eli__repeals",
        }
        for act in self.session.scalars(select(Legislation).order_by(Legislation.id)):
            related = {
                name: [{"@id": self.act_iri(target)} for target in links.get((act.id, kind), [])]
                for kind, name in property_of.items()
            }
            in_force = act.status == LegislationStatus.IN_FORCE.value
            yield _node(
                _id=self.act_iri(act.id),
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
                eli__repealed_by=_ref(self.act_iri(act.repealed_by_id)),
                eli__passed_by=_ref(self.org_iri(act.issuer_id)),
                **related,
            )

    def legislation(self) -> None:
        header = (
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
        rows = [
            [
                act.id,
                act.type_code,
                LEGISLATION_TYPES.get(act.type_code),
                act.number,
                act.title,
                _iso(act.adopted_on),
                _iso(act.gazette_date),
                act.gazette_issue,
                act.gazette_repeat,
                self.numbers.get(act.issuer_id) if act.issuer_id else None,
                _iso(act.in_force_from),
                act.status,
                _iso(act.repealed_on),
                act.repealed_by_id,
            ]
            for act in self.session.scalars(select(Legislation).order_by(Legislation.id))
        ]
        self._csv("legislation.csv", header, rows)

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
        header = (
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
        rows: list[list[Any]] = []
        for org_id in sorted(latest, key=lambda key: self.numbers[key]):
            if org_id not in open_units:
                continue
            published = latest[org_id]
            content = published.content
            for row in content["rows"]:
                rows.append(
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
                )
        self._csv("service_standards.csv", header, rows)


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


def _duration_text(value: int | None, unit: str | None) -> str | None:
    if unit is None:
        return None
    return durations.from_parts(value, unit).text


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None
