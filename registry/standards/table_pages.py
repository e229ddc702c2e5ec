"""The printable service standards table: the page institutions post and citizens read.

The same page answers ``/organizations/{no}/service-standards`` and the API's ``format=html``.
Printed, it is the regulation's table on A4 landscape; on screen it adds the downloads, earlier
versions, and each service's satisfaction rate and promised vs actual duration.
"""

from __future__ import annotations

from typing import Any

from flask import abort, render_template, request
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue.models import Service
from registry.kernel import durations
from registry.kernel.db import get_session
from registry.kernel.errors import NotFound
from registry.standards import formats, publication
from registry.standards.models import ServiceStandardTable
from registry.standards.surveys import satisfaction_for_services
from registry.web.site import blp


@blp.get("/organizations/<string:detsis_no>/service-standards")
def standards_page(detsis_no: str) -> str:
    session = get_session()
    try:
        version = int(request.args["version"]) if "version" in request.args else None
        published = publication.published(session, detsis_no, version)
    except (NotFound, ValueError):
        abort(404, description="Bu birim için yayımlanmış hizmet standartları tablosu bulunamadı.")
    return render_table_page(session, published)


def render_table_page(session: Session, published: ServiceStandardTable) -> str:
    content = published.content
    number = content["organization"]["detsis_no"]
    return render_template(
        "service_standards.html",
        content=content,
        published=published,
        title=formats.title_of(content),
        published_on=formats.published_on(published.published_at),
        versions=publication.versions(session, number),
        performance=_performance(session, [row["service"] for row in content["rows"]]),
        number=number,
    )


def _performance(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """Per service: rating, and the promised longest time against the actual average."""
    if not codes:
        return {}
    services = list(session.scalars(select(Service).where(Service.code.in_(codes))))
    rates = satisfaction_for_services(session, [service.id for service in services])
    found = {}
    for service in services:
        average = (
            durations.from_parts(service.average_duration_value, service.average_duration_unit)
            if service.average_duration_unit
            else None
        )
        found[service.code] = {
            "satisfaction": rates.get(service.id),
            "average": average.text if average else None,
        }
    return found
