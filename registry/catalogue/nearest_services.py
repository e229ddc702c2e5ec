"""The first services of a unit and the units under it, nearest level first, without reading the
whole subtree: what the site's pages list (a unit's page, the complaint form)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue import services as service_records
from registry.catalogue.models import Service
from registry.organizations import tree
from registry.organizations.models import OrganizationVersion

UNITS_PER_QUERY = 500


def services_under(session: Session, org_id: int, at: date, limit: int) -> list[Service]:
    """Up to ``limit`` active services of the unit and the units under it, nearest level first
    (alphabetically within a level). The walk down stops once the list is full: a ministry's
    200,000 units are not read to show its first hundred services."""
    found: list[Service] = []
    level = [org_id]
    for _ in range(tree.MAX_DEPTH + 1):
        if not level or len(found) >= limit:
            break
        for start in range(0, len(level), UNITS_PER_QUERY):
            if len(found) >= limit:
                break
            part = level[start : start + UNITS_PER_QUERY]
            found += session.scalars(
                service_records.list_services(
                    service_records.ServiceFilter(organization_ids=part)
                ).limit(limit - len(found))
            )
        if len(found) >= limit:
            break
        level = [
            child
            for start in range(0, len(level), UNITS_PER_QUERY)
            for child in session.scalars(
                select(OrganizationVersion.organization_id).where(
                    OrganizationVersion.parent_id.in_(level[start : start + UNITS_PER_QUERY]),
                    tree.in_force(at),
                )
            )
        ]
    return found
