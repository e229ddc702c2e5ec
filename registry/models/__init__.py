"""Typed ORM models, one module per aggregate; importing this package registers them all."""

from registry.models.organization import (
    DetsisNumber,
    Event,
    Level,
    Organization,
    OrganizationLink,
    OrganizationVersion,
    Status,
)

__all__ = [
    "DetsisNumber",
    "Event",
    "Level",
    "Organization",
    "OrganizationLink",
    "OrganizationVersion",
    "Status",
]
