"""Typed ORM models, one module per aggregate; importing this package registers them all."""

from registry.models.accounts import ApiToken, Role, User
from registry.models.audit import AuditEntry, AuditHead
from registry.models.organization import (
    DetsisNumber,
    Event,
    Level,
    Organization,
    OrganizationLink,
    OrganizationVersion,
    Status,
)
from registry.models.workflow import ChangeRequest, ChangeRequestEvent, RequestStatus

__all__ = [
    "ApiToken",
    "AuditEntry",
    "AuditHead",
    "ChangeRequest",
    "ChangeRequestEvent",
    "RequestStatus",
    "Role",
    "User",
    "DetsisNumber",
    "Event",
    "Level",
    "Organization",
    "OrganizationLink",
    "OrganizationVersion",
    "Status",
]
