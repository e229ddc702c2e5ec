"""The metadata layer (issue 26): data elements, data-sharing integrations, e-government
applications, and what links them to documents and services.

A data element is a concept and its representation (ISO/IEC 11179 in spirit: "T.C. kimlik
numarası", eleven digits, owned by NVİ). Documents are made of data elements and services take
and produce them; an integration carries some of them from a provider institution to a consumer
one. Together they say which papers a service could stop asking for (``once_only``). Every
record changes only through approved change requests and keeps a version for optimistic locking.
"""

from __future__ import annotations

import enum
from datetime import date

from sqlalchemy import JSON, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText, RecordStatus


class DataType(enum.StrEnum):
    TEXT = "text"
    INTEGER = "integer"
    DECIMAL = "decimal"
    DATE = "date"
    DATETIME = "datetime"
    BOOLEAN = "boolean"
    CODE = "code"  # a value of a code list (the list is named on the element)
    BINARY = "binary"  # a photograph, a signature image


class PersonalData(enum.StrEnum):
    """KVKK (Law 6698): not personal, personal, or special category (art. 6: health, biometric…)."""

    NONE = "none"
    ORDINARY = "ordinary"
    SPECIAL = "special"


class Direction(enum.StrEnum):
    INPUT = "input"  # the service takes it
    OUTPUT = "output"  # the service produces it


class TechnicalChannel(enum.StrEnum):
    WEB_SERVICE = "web_service"
    FILE_TRANSFER = "file_transfer"
    E_DEVLET = "e_devlet"


class Lifecycle(enum.StrEnum):
    """Of an integration or an application: planned, in use, retired."""

    PLANNED = "planned"
    IN_USE = "in_use"
    RETIRED = "retired"


class DeliveryChannel(enum.StrEnum):
    E_DEVLET = "e_devlet"  # e-Devlet Kapısı
    PORTAL = "portal"  # the institution's own portal
    MOBILE = "mobile"


class Hosting(enum.StrEnum):
    KAMU_NET = "kamu_net"
    OWN_DATA_CENTRE = "own_data_centre"
    SHARED_DATA_CENTRE = "shared_data_centre"  # another institution's (Türksat, a ministry's)
    OTHER = "other"


class IntegrationRole(enum.StrEnum):
    OFFERS = "offers"  # the application is the integration's provider side
    USES = "uses"  # the application consumes it


def _values(kind: type[enum.StrEnum]) -> str:
    return ", ".join(f"'{member.value}'" for member in kind)


class DataElement(Base):
    __tablename__ = "data_elements"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    definition: Mapped[str] = mapped_column(Text)
    data_type: Mapped[DataType] = mapped_column(EnumText(DataType, 10))
    format: Mapped[str | None] = mapped_column(String(200))  # "11 rakam", "GG.AA.YYYY"
    code_list: Mapped[str | None] = mapped_column(String(300))  # name or address of the list
    unit: Mapped[str | None] = mapped_column(String(50))  # of a measured quantity: "TL", "m²"
    owner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    legislation_id: Mapped[int | None] = mapped_column(ForeignKey("legislation.id"))
    provision: Mapped[str | None] = mapped_column(String(200))
    personal_data: Mapped[PersonalData] = mapped_column(EnumText(PersonalData, 10))
    synonyms: Mapped[list[str]] = mapped_column(JSON, default=list)
    status: Mapped[RecordStatus] = mapped_column(
        EnumText(RecordStatus, 10), default=RecordStatus.ACTIVE
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __table_args__ = (
        Index("ix_data_elements_owner", "owner_id", "status"),
        CheckConstraint(f"data_type IN ({_values(DataType)})", name="data_type"),
        CheckConstraint(f"personal_data IN ({_values(PersonalData)})", name="personal_data"),
        CheckConstraint("status IN ('active', 'closed')", name="status"),
    )


class DocumentElement(Base):
    """A document holds this data element (a residence document: name, T.C. no, address…)."""

    __tablename__ = "document_elements"

    document_id: Mapped[int] = mapped_column(ForeignKey("documents.id"), primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("data_elements.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_document_elements_element", "element_id"),)


class ServiceElement(Base):
    """A service takes (input) or produces (output) this data element directly."""

    __tablename__ = "service_elements"

    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("data_elements.id"), primary_key=True)
    direction: Mapped[Direction] = mapped_column(EnumText(Direction, 10), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_service_elements_element", "element_id"),
        CheckConstraint("direction IN ('input', 'output')", name="direction"),
    )


class Integration(Base):
    """Data one institution (the provider) shares with another (the consumer)."""

    __tablename__ = "integrations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))  # the data-sharing topic
    provider_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    consumer_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    legislation_id: Mapped[int | None] = mapped_column(ForeignKey("legislation.id"))
    provision: Mapped[str | None] = mapped_column(String(200))
    protocol_no: Mapped[str | None] = mapped_column(String(100))
    protocol_date: Mapped[date | None] = mapped_column(Date)
    channel: Mapped[TechnicalChannel] = mapped_column(EnumText(TechnicalChannel, 20))
    address: Mapped[str | None] = mapped_column(String(500))  # the web service's endpoint
    api_description: Mapped[str | None] = mapped_column(String(500))  # WSDL or OpenAPI URL
    status: Mapped[Lifecycle] = mapped_column(EnumText(Lifecycle, 10))
    version: Mapped[int] = mapped_column(Integer, default=1)

    elements: Mapped[list[IntegrationElement]] = relationship(
        order_by="IntegrationElement.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_integrations_provider", "provider_id", "status"),
        Index("ix_integrations_consumer", "consumer_id", "status"),
        CheckConstraint(f"channel IN ({_values(TechnicalChannel)})", name="channel"),
        CheckConstraint(f"status IN ({_values(Lifecycle)})", name="status"),
        CheckConstraint("provider_id <> consumer_id", name="two_parties"),
    )


class IntegrationElement(Base):
    __tablename__ = "integration_elements"

    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), primary_key=True)
    element_id: Mapped[int] = mapped_column(ForeignKey("data_elements.id"), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_integration_elements_element", "element_id"),)


class Application(Base):
    """An e-government application: what delivers services, and where it runs."""

    __tablename__ = "applications"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(300))
    owner_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    url: Mapped[str | None] = mapped_column(String(500))
    hosting: Mapped[Hosting] = mapped_column(EnumText(Hosting, 20))
    status: Mapped[Lifecycle] = mapped_column(EnumText(Lifecycle, 10))
    version: Mapped[int] = mapped_column(Integer, default=1)

    services: Mapped[list[ApplicationService]] = relationship(
        order_by="ApplicationService.position", cascade="all, delete-orphan"
    )
    integrations: Mapped[list[ApplicationIntegration]] = relationship(
        order_by="ApplicationIntegration.position", cascade="all, delete-orphan"
    )

    __table_args__ = (
        Index("ix_applications_owner", "owner_id", "status"),
        CheckConstraint(f"hosting IN ({_values(Hosting)})", name="hosting"),
        CheckConstraint(f"status IN ({_values(Lifecycle)})", name="status"),
    )


class ApplicationService(Base):
    """The application delivers the service on this channel."""

    __tablename__ = "application_services"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    service_id: Mapped[int] = mapped_column(ForeignKey("services.id"), primary_key=True)
    channel: Mapped[DeliveryChannel] = mapped_column(
        EnumText(DeliveryChannel, 10), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_application_services_service", "service_id"),
        CheckConstraint(f"channel IN ({_values(DeliveryChannel)})", name="channel"),
    )


class ApplicationIntegration(Base):
    """The application offers (provider side) or uses (consumer side) the integration."""

    __tablename__ = "application_integrations"

    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), primary_key=True)
    integration_id: Mapped[int] = mapped_column(ForeignKey("integrations.id"), primary_key=True)
    role: Mapped[IntegrationRole] = mapped_column(EnumText(IntegrationRole, 10), primary_key=True)
    position: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_application_integrations_integration", "integration_id"),
        CheckConstraint(f"role IN ({_values(IntegrationRole)})", name="role"),
    )
