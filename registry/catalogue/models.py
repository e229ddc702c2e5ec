"""Service inventory (HEYS) and standard document names (DBYS).

A service belongs to the department-level unit that provides it, cites legislation as its legal
basis, and asks for and issues documents. Documents carry one standard name and any number of
aliases, so a document asked for under ten names is still one document; linking the service that
issues a document to the services that ask for it gives the data flow between institutions.
"""

from __future__ import annotations

import enum
from datetime import datetime
from decimal import Decimal

from sqlalchemy import (
    JSON,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    Numeric,
    String,
    Text,
    func,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText, RecordStatus
from registry.organizations.models import SortKey


class ServiceKind(enum.StrEnum):
    CORE = "core"
    SUPPORT = "support"


class DocumentRole(enum.StrEnum):
    REQUIRED = "required"  # asked of the applicant
    ISSUED = "issued"  # produced by the service


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    name: Mapped[str] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    applicants: Mapped[str | None] = mapped_column(Text)
    kind: Mapped[ServiceKind] = mapped_column(EnumText(ServiceKind, 10))
    max_duration_value: Mapped[int | None] = mapped_column(Integer)
    max_duration_unit: Mapped[str | None] = mapped_column(String(16))
    # The legal maximum as the institution published it ("8-15 dk", "30+15 Gün"): the value and
    # unit above are its upper bound, computed; a reader of the table sees both.
    max_duration_written: Mapped[str | None] = mapped_column(String(100))
    # The institution's own service norm, at most the legal maximum above.
    norm_duration_value: Mapped[int | None] = mapped_column(Integer)
    norm_duration_unit: Mapped[str | None] = mapped_column(String(16))
    average_duration_value: Mapped[int | None] = mapped_column(Integer)
    average_duration_unit: Mapped[str | None] = mapped_column(String(16))
    fee_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # Turkish lira; 0 = free
    fee_note: Mapped[str | None] = mapped_column(String(300))
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    annual_volume: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[RecordStatus] = mapped_column(
        EnumText(RecordStatus, 10), default=RecordStatus.ACTIVE
    )
    search_text: Mapped[str] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(SortKey)
    version: Mapped[int] = mapped_column(Integer, default=1)
    recorded_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )

    legal_basis: Mapped[list[ServiceLegalBasis]] = relationship(
        order_by="ServiceLegalBasis.position", cascade="all, delete-orphan"
    )
    documents: Mapped[list[ServiceDocument]] = relationship(
        order_by="ServiceDocument.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_services_organization", "organization_id", "status"),
        Index("ix_services_sort_key", "sort_key"),
        CheckConstraint("kind IN ('core', 'support')", name="kind"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
        CheckConstraint("annual_volume IS NULL OR annual_volume >= 0", name="annual_volume"),
        CheckConstraint("fee_amount IS NULL OR fee_amount >= 0", name="fee_amount"),
    )


class ServiceLegalBasis(Base):
    """The service cites this act (optionally a provision of it) as its legal basis."""

    __tablename__ = "service_legal_basis"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    legislation_id: Mapped[int] = mapped_column(ForeignKey("legislation.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    provision: Mapped[str | None] = mapped_column(String(200))

    __table_args__ = (Index("ix_service_legal_basis_legislation", "legislation_id"),)


class ServiceDocument(Base):
    __tablename__ = "service_documents"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    role: Mapped[str] = mapped_column(String(10), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)
    # A required document asked only on these channels (a wet-signed petition in person only);
    # None: on every channel of the service.
    channels: Mapped[list[str] | None] = mapped_column(JSON)

    document: Mapped[Document] = relationship()

    __table_args__ = (
        Index("ix_service_documents_document", "document_id", "role"),
        CheckConstraint("role IN ('required', 'issued')", name="role"),
    )


class Document(Base):
    __tablename__ = "documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(24), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    description: Mapped[str | None] = mapped_column(Text)
    issuer_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    sample_url: Mapped[str | None] = mapped_column(String(500))
    status: Mapped[RecordStatus] = mapped_column(
        EnumText(RecordStatus, 10), default=RecordStatus.ACTIVE
    )
    search_text: Mapped[str] = mapped_column(Text)
    sort_key: Mapped[str] = mapped_column(SortKey)
    version: Mapped[int] = mapped_column(Integer, default=1)

    aliases: Mapped[list[DocumentAlias]] = relationship(
        order_by="DocumentAlias.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_documents_sort_key", "sort_key"),
        Index("ix_documents_issuer", "issuer_id"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
    )


class DocumentAlias(Base):
    """A name of the document (its standard name or an alias); a folded name names one document."""

    __tablename__ = "document_aliases"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"))
    alias: Mapped[str] = mapped_column(String(300))
    folded: Mapped[str] = mapped_column(String(300), unique=True)

    __table_args__ = (Index("ix_document_aliases_document", "document_id"),)


class DocumentSample(Base):
    """A sample of the document (PDF or image), checked by its first bytes and size-limited."""

    __tablename__ = "document_samples"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    content_type: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(String(200))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class UnmatchedStatus(enum.StrEnum):
    OPEN = "open"
    RESOLVED = "resolved"


class UnmatchedDocumentName(Base):
    """A document name typed for a service that matched no standard name well enough.

    Reviewers resolve it into an alias of a standard document or a new one; the service it came
    from then gets that document in the role it was asked in.
    """

    __tablename__ = "unmatched_document_names"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    folded: Mapped[str] = mapped_column(String(300))
    service_id: Mapped[int | None] = mapped_column(ForeignKey("services.id"))
    role: Mapped[DocumentRole | None] = mapped_column(EnumText(DocumentRole, 10))
    status: Mapped[UnmatchedStatus] = mapped_column(
        EnumText(UnmatchedStatus, 10), default=UnmatchedStatus.OPEN
    )
    document_id: Mapped[int | None] = mapped_column(ForeignKey("documents.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    resolved_by: Mapped[str | None] = mapped_column(String(160))

    __table_args__ = (
        Index("ix_unmatched_document_names_status", "status", "id"),
        CheckConstraint("status IN ('open', 'resolved')", name="status"),
        CheckConstraint("role IS NULL OR role IN ('required', 'issued')", name="role"),
    )
