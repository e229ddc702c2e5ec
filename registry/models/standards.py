"""Published service standards tables (HSYS).

A table is generated from the approved services of a unit and its subtree, but citizens and
service points rely on what was *published*: each publication is kept whole as a version, so a
table stays as it was posted until an approval publishes the next one, and two versions can be
compared row by row.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from registry.db import Base


class ServiceStandardTable(Base):
    __tablename__ = "service_standard_tables"

    id: Mapped[int] = mapped_column(primary_key=True)
    organization_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"))
    version: Mapped[int] = mapped_column(Integer)
    published_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now()
    )
    # The change request whose approval published it (None: sample data, imports, republishing).
    request_id: Mapped[int | None] = mapped_column(Integer)
    # The whole table as published: organization, rows, the two contact blocks.
    content: Mapped[dict[str, Any]] = mapped_column(JSON)
    # SHA-256 of the canonical content: an approval that leaves the table unchanged publishes
    # nothing new.
    digest: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("organization_id", "version"),)
