"""Public reads whose work used to grow with the registry on every request (issue 20): the service
and legislation statistics are computed once per change and day, the complaint form lists its
services without reading the unit's whole subtree. Each answer is checked after a change through
the workflow, and the work per request is counted in SQL statements."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from registry.audit import cached_reads
from registry.kernel.db import get_db
from registry.standards import citizen_pages
from tests.factories import make_act, make_service, make_unit
from tests.workflow_world import World, build_world

SERVICE_STATS = "/api/v1/services/stats"
LEGISLATION_STATS = "/api/v1/legislation/stats"


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """The SQL statements run inside the block."""
    seen: list[str] = []
    engine = get_db(app).engine

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", count)


def approved(client: FlaskClient, world: World, body: dict[str, Any], by: str = "") -> Any:
    """A change as the workflow applies it: proposed by the institution ``by`` (its
    coordinator, then its approver) or by a reviewer, and approved by a reviewer."""
    submitter = f"{by}_coordinator" if by else "reviewer2"
    submitted = client.post(
        "/api/v1/change-requests", json={"reason": "Test", **body}, headers=world.auth(submitter)
    )
    assert submitted.status_code == 201, submitted.json
    url = f"/api/v1/change-requests/{submitted.json['id']}/approve"
    if by:
        first = client.post(url, headers=world.auth(f"{by}_approver"))
        assert first.status_code == 200, first.json
    answer = client.post(url, headers=world.auth("reviewer"))
    assert answer.status_code == 200 and answer.json["status"] == "approved", answer.json
    return answer.json


def test_service_stats_are_computed_once_and_follow_the_workflow(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    make_service(session, "Yabancı Kimlik Numarası Tahsisi", world.bidb, annual_volume=100)
    session.commit()
    first = client.get(SERVICE_STATS).json
    assert (first["total"], first["annual_volume"]) == (1, 100)

    # A second read does not scan the services again: the audit head, and nothing else.
    with statements(app) as seen:
        assert client.get(SERVICE_STATS).json == first
    assert not any("services" in statement for statement in seen), seen

    # An edit made outside the application is not a change the registry knows of …
    session.execute(text("UPDATE services SET annual_volume = 999"))
    session.commit()
    assert client.get(SERVICE_STATS).json["annual_volume"] == 100

    # … a change through the workflow shows in the next answer (with the row it now reads).
    approved(
        client,
        world,
        {
            "entity": "service",
            "action": "create",
            "data": {"name": "Çalışma İzni", "organization": world.sgk, "annual_volume": 5},
        },
        by="sgk",
    )
    after = client.get(SERVICE_STATS).json
    assert (after["total"], after["annual_volume"]) == (2, 1004)
    assert {e["institution"]: e["total"] for e in after["by_institution"]} == {
        world.goc: 1,
        world.sgk: 1,
    }

    # Moving the unit providing a service to another institution is a change of the tree.
    approved(
        client,
        world,
        {
            "entity": "organization",
            "action": "move",
            "target": world.bidb,
            "data": {"parent": world.sgk},
        },
    )
    moved = client.get(SERVICE_STATS).json
    assert {e["institution"]: e["total"] for e in moved["by_institution"]} == {world.sgk: 2}


def test_cached_answers_are_recomputed_when_the_day_turns(
    client: FlaskClient, session: Session, world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_service(session, "Yabancı Kimlik Numarası Tahsisi", world.bidb, annual_volume=100)
    session.commit()
    assert client.get(SERVICE_STATS).json["annual_volume"] == 100
    session.execute(text("UPDATE services SET annual_volume = 7"))
    session.commit()
    assert client.get(SERVICE_STATS).json["annual_volume"] == 100
    tomorrow = date.today() + timedelta(days=1)
    monkeypatch.setattr(cached_reads.clock, "today", lambda: tomorrow)
    assert client.get(SERVICE_STATS).json["annual_volume"] == 7


def test_legislation_stats_are_computed_once_and_follow_the_workflow(
    app: Flask, client: FlaskClient, session: Session, world: World
) -> None:
    make_act(session, "Bilgi İşlem Yönergesi", type=101, issuer=world.bidb)  # counted for Göç
    session.commit()
    first = client.get(LEGISLATION_STATS).json
    assert first["total"] == 1
    with statements(app) as seen:
        assert client.get(LEGISLATION_STATS).json == first
    assert not any("legislation" in statement for statement in seen), seen

    approved(
        client,
        world,
        {
            "entity": "legislation",
            "action": "create",
            "data": {
                "type": 101,
                "title": "SGK Arşiv Yönergesi",
                "adopted_on": "2019-05-02",
                "issuer": world.sgk,
            },
        },
    )
    after = client.get(LEGISLATION_STATS).json
    assert after["total"] == 2
    by_issuer = {i["institution"]: (i["internal"], i["total"]) for i in after["by_issuer"]}
    assert by_issuer == {world.goc: (1, 1), world.sgk: (1, 1)}

    # The issuing unit moves to another institution: its act is counted there at once.
    approved(
        client,
        world,
        {
            "entity": "organization",
            "action": "move",
            "target": world.bidb,
            "data": {"parent": world.sgk},
        },
    )
    moved = client.get(LEGISLATION_STATS).json
    by_issuer = {i["institution"]: (i["internal"], i["total"]) for i in moved["by_issuer"]}
    assert by_issuer == {world.sgk: (2, 2)}
    session.execute(text("UPDATE organization_versions SET category = NULL"))
    session.commit()
    assert client.get(LEGISLATION_STATS).json == moved  # not a change through the registry


def chain(session: Session, top: str, depth: int, prefix: str) -> list[str]:
    """``depth`` units, each under the one before, the first under ``top``."""
    units, parent = [], top
    for level in range(depth):
        parent = make_unit(session, f"{prefix} Şube Müdürlüğü {level + 1}", parent=parent)
        units.append(parent)
    return units


def test_the_complaint_form_lists_the_nearest_services_without_walking_the_whole_subtree(
    app: Flask,
    client: FlaskClient,
    session: Session,
    world: World,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(citizen_pages, "SERVICES_LISTED", 2)
    shallow = chain(session, world.sgk, 2, "Kısa")
    deep = chain(session, world.goc, 9, "Uzun")
    for top, units in ((world.sgk, shallow), (world.goc, deep)):
        make_service(session, "Emeklilik Başvurusu", top)
        make_service(session, "Hizmet Dökümü Verilmesi", units[0])
        make_service(session, "Borç Yapılandırması", units[-1])  # below the first two levels
    session.commit()

    def form(unit: str) -> tuple[str, int]:
        with statements(app) as seen:
            page = client.get("/complaints/new", query_string={"organization": unit})
        assert page.status_code == 200
        return page.get_data(as_text=True), len(seen)

    short_page, short_cost = form(world.sgk)
    long_page, long_cost = form(world.goc)
    for page in (short_page, long_page):
        assert "Emeklilik Başvurusu" in page and "Hizmet Dökümü Verilmesi" in page
        assert "Borç Yapılandırması" not in page  # the list was full two levels down
    # A subtree of nine levels costs what one of two does: the walk stopped at the second.
    assert long_cost == short_cost

    # With room for more, the deepest unit's service is found nine levels down.
    monkeypatch.setattr(citizen_pages, "SERVICES_LISTED", 5)
    assert "Borç Yapılandırması" in form(world.goc)[0]
