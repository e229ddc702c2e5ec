"""Accounts and their API tokens.

Tokens are shown once, at creation, and stored only as a SHA-256 hash: they are long random
strings, so a fast hash is enough to make a leaked table useless.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    INSTITUTION_APPROVER = "institution_approver"
    REVIEWER = "reviewer"
    ADMIN = "admin"

    @property
    def is_scoped(self) -> bool:
        """Scoped roles act for one organization's subtree."""
        return self in (Role.COORDINATOR, Role.INSTITUTION_APPROVER)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(EnumText(Role, 24))
    # The unit the account acts for, and the institution that unit belonged to when the scope was
    # given: if the unit later closes or moves to another institution, the scope lapses.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    scope_institution_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    __table_args__ = (
        CheckConstraint(
            "role IN ('coordinator', 'institution_approver', 'reviewer', 'admin')", name="role"
        ),
        CheckConstraint(
            "(role IN ('coordinator', 'institution_approver')) = (organization_id IS NOT NULL)",
            name="scope",
        ),
    )


class ApiToken(Base):
    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))  # to recognise a token in lists, not secret
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship(back_populates="tokens")
