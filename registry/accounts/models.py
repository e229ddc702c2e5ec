"""Accounts and their API tokens.

Tokens are shown once, at creation, and stored only as a SHA-256 hash: they are long random
strings, so a fast hash is enough to make a leaked table useless. An account is a person: it
carries that person's key (``accounts/persons.py``), never the identifier itself, so the registry
knows when two accounts are one person.
"""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, Index, Integer, String, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.kernel.db import Base
from registry.kernel.enums import EnumText


class Role(enum.StrEnum):
    COORDINATOR = "coordinator"
    INSTITUTION_APPROVER = "institution_approver"
    REVIEWER = "reviewer"
    ADMIN = "admin"
    # An institution's EBYS: a machine client that reads the registry for that institution
    # (the KAYSİS SOAP service, registry/kaysis/) and never writes.
    EBYS = "ebys"
    # An institution's HR system: provisions that institution's people over SCIM
    # (registry/scim/) and does nothing else.
    HR = "hr"
    # A person HR provisioned with no registry role yet, or whose role lapsed on a move to
    # another institution: an account of a unit that may do nothing until a role is granted.
    PERSONNEL = "personnel"

    @property
    def is_scoped(self) -> bool:
        """Scoped roles act (write, decide, read work queues) for one organization's subtree."""
        return self in (Role.COORDINATOR, Role.INSTITUTION_APPROVER)

    @property
    def has_organization(self) -> bool:
        """Roles given one organization when created: the scoped ones; EBYS clients, which
        answer "the caller's institution" from it without ever acting on it; HR systems, whose
        people are those under it; and personnel without a role, who work in that unit."""
        return self.is_scoped or self in (Role.EBYS, Role.HR, Role.PERSONNEL)

    @property
    def reads_only(self) -> bool:
        """No write, no decision, no work queue, whatever their organization: machine clients
        (EBYS, HR) and personnel without a role."""
        return self in (Role.EBYS, Role.HR, Role.PERSONNEL)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    role: Mapped[Role] = mapped_column(EnumText(Role, 24))
    # HMAC of the person's national id or personnel number. NULL only on accounts made before
    # migration 0010, which may not approve or reject until an admin sets it (docs/security.md).
    person_key: Mapped[str | None] = mapped_column(String(64), index=True)
    # The unit the account acts for, and the institution that unit belonged to when the scope was
    # given: if the unit later closes or moves to another institution, the scope lapses. A
    # deactivated account keeps them as the record of the scope it last had.
    organization_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    scope_institution_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    deactivated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Back-office sign-in (registry/backoffice/): a login name and an argon2id hash; accounts
    # without them are machine clients or not yet given a password. The TOTP secret is kept
    # until reset; ``totp_enrolled_at`` says the person proved they hold it, ``totp_last_step``
    # refuses a code seen once. Failures lock the login for a while (``locked_until``).
    login: Mapped[str | None] = mapped_column(String(64), unique=True)
    email: Mapped[str | None] = mapped_column(String(254))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    password_changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_enrolled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    failed_sign_ins: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    locked_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # HR provisioning (SCIM, registry/scim/): the HR system's own id of the account, and the
    # person's name in parts as HR sends it (``name`` is the whole name the registry shows).
    external_id: Mapped[str | None] = mapped_column(String(255))
    given_name: Mapped[str | None] = mapped_column(String(120))
    family_name: Mapped[str | None] = mapped_column(String(120))
    # When the HR system deleted the account (SCIM DELETE): deactivated like any other, and no
    # longer shown over SCIM (RFC 7644 §3.6); the row and its history stay.
    deleted_by_hr_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    __table_args__ = (
        CheckConstraint(
            "role IN ('coordinator', 'institution_approver', 'reviewer', 'admin', 'ebys', 'hr', "
            "'personnel')",
            name="role",
        ),
        CheckConstraint(
            "(role IN ('coordinator', 'institution_approver', 'ebys', 'hr', 'personnel')) = "
            "(organization_id IS NOT NULL)",
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


class SignInSession(Base):
    """A back-office session, kept in the database so that any node accepts it and a
    deactivation or a password change ends it at once. The cookie holds a random token; only its
    SHA-256 is stored. ``stage`` is "password" until the second factor is given."""

    __tablename__ = "sign_in_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    stage: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    __table_args__ = (CheckConstraint("stage IN ('password', 'complete')", name="stage"),)


class SignInFailure(Base):
    """A failed sign-in from an address, for the per-address limit every node shares."""

    __tablename__ = "sign_in_failures"

    id: Mapped[int] = mapped_column(primary_key=True)
    address: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    __table_args__ = (Index("ix_sign_in_failures_address_at", "address", "at"),)
