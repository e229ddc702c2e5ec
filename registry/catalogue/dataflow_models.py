"""Tables of the data-flow projection: the once-only rows, the flows between institutions, and
where the projection stands on the audit trail.

Computing data flows reads every service's documents and walks the tree for every unit (over a
minute at 200,000 units), so they are kept precomputed in the database instead: every node reads
the same rows, a page of them is one indexed query, and ``registry projections rebuild`` (or the
first read of an empty projection) builds them again from the records. Names of units are not
stored (read per page), so renaming a ministry changes no row here.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, DateTime, Index, Integer, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from registry.kernel.db import Base

# Codes and numbers compared byte by byte on both backends: pages come in the order Python sorts.
Code = String(24).with_variant(String(24, collation="C"), "postgresql")
Number = String(8).with_variant(String(8, collation="C"), "postgresql")


class ProjectionState(Base):
    """How far a table projection has followed the audit trail, and the day it answers for."""

    __tablename__ = "projection_state"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)  # last audit entry applied
    as_of: Mapped[date] = mapped_column(Date)  # the tree as it stood on this day
    rebuilt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class OnceOnlyRow(Base):
    """A service asking citizens for a document an institution issues: one row per issuing
    institution. ``rank`` is minus the yearly volume, so one ascending index gives the order."""

    __tablename__ = "once_only_rows"
    __table_args__ = (
        Index("ix_once_only_rows_order", "rank", "service_code", "document_code", "issuer_no"),
        Index("ix_once_only_rows_pair", "issuer_id", "organization_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    service_id: Mapped[int] = mapped_column(Integer, index=True)
    service_code: Mapped[str] = mapped_column(Code)
    service_name: Mapped[str] = mapped_column(String(500))
    unit_id: Mapped[int] = mapped_column(Integer, index=True)  # the service's unit
    unit_path: Mapped[str] = mapped_column(Text)  # "/root/…/unit/": ids, for subtree filters
    organization_id: Mapped[int] = mapped_column(Integer, index=True)  # the unit's institution
    organization_no: Mapped[str] = mapped_column(Number)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    document_code: Mapped[str] = mapped_column(Code)
    document_name: Mapped[str] = mapped_column(String(300))
    issuer_id: Mapped[int] = mapped_column(Integer)  # the issuing institution
    issuer_no: Mapped[str] = mapped_column(Number)
    issuer_unit_id: Mapped[int] = mapped_column(Integer, index=True)
    issuer_unit_no: Mapped[str] = mapped_column(Number)
    annual_volume: Mapped[int | None] = mapped_column(Integer)
    rank: Mapped[int] = mapped_column(Integer)
    same_institution: Mapped[bool] = mapped_column(Boolean)


class DataflowIssuer(Base):
    """Who issues a document, as the projection last saw it: the declared issuer
    (``service_id`` null) and each active service issuing it. Kept so that a service that stops
    issuing a document tells which documents' rows to recompute."""

    __tablename__ = "dataflow_issuers"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(Integer, index=True)
    unit_id: Mapped[int] = mapped_column(Integer, index=True)
    service_id: Mapped[int | None] = mapped_column(Integer, index=True)


class DataflowEdge(Base):
    """Documents one institution issues that another's services ask citizens for."""

    __tablename__ = "dataflow_edges"
    __table_args__ = (Index("ix_dataflow_edges_order", "source_no", "target_no"),)

    source_id: Mapped[int] = mapped_column(Integer, primary_key=True)
    target_id: Mapped[int] = mapped_column(Integer, primary_key=True, index=True)
    source_no: Mapped[str] = mapped_column(Number)
    target_no: Mapped[str] = mapped_column(Number)
    document_count: Mapped[int] = mapped_column(Integer)
    service_count: Mapped[int] = mapped_column(Integer)
    documents: Mapped[str] = mapped_column(Text)  # codes, ";"-joined, sorted
    services: Mapped[str] = mapped_column(Text)
