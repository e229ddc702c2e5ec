"""The satisfaction survey over HTTP: rating a service, and the rates overall, for a unit's
subtree, for a service, and broken down per institution, unit and service."""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import event, text
from sqlalchemy.orm import Session

from registry.catalogue import services as service_records
from registry.kernel.db import get_db
from registry.kernel.errors import Conflict
from registry.organizations import tree
from registry.standards import rating_clients, surveys
from tests.factories import make_service
from tests.workflow_world import World, build_world

STATS = "/api/v1/stats/satisfaction"


@dataclass
class Setup:
    world: World
    bidb_service: str  # in Göç İdaresi, rated 5, 4, 2
    yhgm_service: str  # in Göç İdaresi, rated 1
    sgk_service: str  # in SGK, rated 5, 5
    unrated: str


@pytest.fixture
def setup(app: Flask, session: Session) -> Setup:
    # Many ratings from one address; tests/test_ratelimit.py covers the limits.
    app.config["RATELIMIT_ENABLED"] = False
    world = build_world(session)
    codes = Setup(
        world,
        make_service(session, "Yabancı Kimlik Numarası Tahsisi", world.bidb),
        make_service(session, "Arşiv Belgesi Örneği Verilmesi", world.yhgm),
        make_service(session, "Hizmet Dökümü Verilmesi", world.sgk),
        make_service(session, "Emeklilik Başvurusu", world.sgk),
    )
    session.commit()
    return codes


_CLIENTS = itertools.count(1)


def rate(
    client: FlaskClient, service: str, score: Any, *, address: str | None = None, **extra: Any
) -> Any:
    """A rating from its own client (one rating per client, service and day), unless
    ``address`` names one."""
    where = address or f"198.51.100.{next(_CLIENTS) % 250 + 1}"
    return client.post(
        "/api/v1/surveys",
        json={"service": service, "score": score, **extra},
        environ_base={"REMOTE_ADDR": where},
    )


@pytest.fixture
def rated(client: FlaskClient, setup: Setup) -> Setup:
    for service, scores in [
        (setup.bidb_service, [5, 4, 2]),
        (setup.yhgm_service, [1]),
        (setup.sgk_service, [5, 5]),
    ]:
        for score in scores:
            assert rate(client, service, score).status_code == 201
    return setup


def test_a_rating_is_recorded_for_the_providing_unit(client: FlaskClient, setup: Setup) -> None:
    response = rate(client, setup.bidb_service, 4, comment="Hızlı ve güler yüzlü hizmet.")
    assert response.status_code == 201, response.json
    assert response.json["service"] == setup.bidb_service
    assert response.json["organization"] == setup.world.bidb
    assert response.json["score"] == 4
    assert response.json["comment"] == "Hızlı ve güler yüzlü hizmet."
    assert rate(client, setup.bidb_service, 5).json["comment"] is None


INVALID: list[tuple[dict[str, Any], str]] = [
    ({"score": 0}, "score"),
    ({"score": 6}, "score"),
    ({"score": "5"}, "score"),
    ({"score": True}, "score"),
    ({"score": 4.5}, "score"),
    ({"score": None}, "score"),
    ({"service": "NO-SUCH-SERVICE", "score": 3}, "service"),
    ({"score": 3, "comment": "x" * 1001}, "comment"),
    ({"score": 3, "email": "a@example.org"}, "email"),
]


def test_invalid_ratings_are_422_naming_the_field(client: FlaskClient, setup: Setup) -> None:
    for payload, field in INVALID:
        response = client.post("/api/v1/surveys", json={"service": setup.bidb_service, **payload})
        assert response.status_code == 422, (payload, response.json)
        assert response.mimetype == "application/problem+json"
        assert list(response.json["errors"]) == [field], payload
    assert client.get(STATS).json["responses"] == 0


def test_rates_overall_for_a_subtree_and_for_a_service(client: FlaskClient, rated: Setup) -> None:
    world = rated.world
    overall = client.get(STATS).json
    assert overall["responses"] == 6 and overall["satisfied"] == 4
    assert overall["rate"] == 66.7  # 4 of 6 scored 4 or 5, rounded half up to one decimal
    assert overall["distribution"] == {"1": 1, "2": 1, "3": 0, "4": 1, "5": 3}
    assert overall["average"] == 3.67

    goc = client.get(STATS, query_string={"organization": world.goc}).json
    assert (goc["responses"], goc["rate"], goc["average"]) == (4, 50.0, 3.0)
    assert goc["organization"] == world.goc
    bidb = client.get(STATS, query_string={"organization": world.bidb}).json
    assert (bidb["responses"], bidb["rate"]) == (3, 66.7)
    service = client.get(STATS, query_string={"service": rated.sgk_service}).json
    assert (service["responses"], service["rate"], service["average"]) == (2, 100.0, 5.0)
    both = client.get(STATS, query_string={"organization": world.goc, "service": rated.sgk_service})
    assert both.json["responses"] == 0

    none = client.get(STATS, query_string={"service": rated.unrated}).json
    assert none["responses"] == 0 and none["rate"] is None and none["average"] is None
    assert none["distribution"] == {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}
    assert "groups" not in none


def test_rates_per_institution_unit_and_service(client: FlaskClient, rated: Setup) -> None:
    world = rated.world
    institutions = client.get(STATS, query_string={"group_by": "institution"}).json
    assert institutions["responses"] == 6 and institutions["group_by"] == "institution"
    assert [
        (g["institution"]["detsis_no"], g["institution"]["name"], g["responses"], g["rate"])
        for g in institutions["groups"]
    ] == [
        (world.goc, "Göç İdaresi Başkanlığı", 4, 50.0),
        (world.sgk, "Sosyal Güvenlik Kurumu", 2, 100.0),
    ]

    units = client.get(STATS, query_string={"group_by": "organization", "organization": world.goc})
    assert [(g["organization"]["detsis_no"], g["responses"]) for g in units.json["groups"]] == [
        (world.bidb, 3),
        (world.yhgm, 1),
    ]

    services = client.get(STATS, query_string={"group_by": "service"}).json["groups"]
    assert [(g["service"]["code"], g["responses"], g["rate"]) for g in services] == [
        (rated.bidb_service, 3, 66.7),
        (rated.sgk_service, 2, 100.0),
        (rated.yhgm_service, 1, 0.0),
    ]
    assert services[0]["service"]["name"] == "Yabancı Kimlik Numarası Tahsisi"


def test_stats_filters_are_checked(client: FlaskClient, setup: Setup) -> None:
    assert client.get(STATS, query_string={"organization": "123"}).status_code == 422
    assert client.get(STATS, query_string={"organization": "99999999"}).status_code == 404
    assert client.get(STATS, query_string={"service": "NO-SUCH"}).status_code == 404
    bad = client.get(STATS, query_string={"group_by": "province"})
    assert bad.status_code == 422 and list(bad.json["errors"]) == ["group_by"]


def test_comments_are_not_published(client: FlaskClient, setup: Setup) -> None:
    comment = "Memur Ali Bey çok yardımcı oldu, telefonum 0532 111 22 33."
    assert rate(client, setup.bidb_service, 5, comment=comment).status_code == 201
    for query in ({}, {"group_by": "service"}, {"group_by": "organization"}):
        assert comment not in client.get(STATS, query_string=query).text


def test_the_service_layer_gives_the_same_rates_as_the_api(
    app: Flask, client: FlaskClient, rated: Setup
) -> None:
    """The public pages call these functions next to each service's table."""
    with app.app_context(), get_db(app).sessionmaker() as session:
        goc = tree.organization_id(session, rated.world.goc)
        subtree = surveys.satisfaction(session, organization_id=goc)
        everything = surveys.satisfaction(session)
        sgk, unrated = (records_id(session, code) for code in (rated.sgk_service, rated.unrated))
        per_service = surveys.satisfaction_for_services(session, [sgk, unrated])
        one = surveys.satisfaction(session, service_id=sgk)
    assert (subtree.responses, subtree.satisfied, subtree.rate) == (4, 2, 50.0)
    assert subtree.distribution == {1: 1, 2: 1, 3: 0, 4: 1, 5: 1}
    assert everything.rate == client.get(STATS).json["rate"] == 66.7
    assert per_service[sgk] == one and one.rate == 100.0
    assert per_service[unrated].rate is None and per_service[unrated].responses == 0


def records_id(session: Session, code: str) -> int:
    return service_records.get_service(session, code).id


def test_rates_round_half_up() -> None:
    # 5 of 8 = 62.5 %; 1 of 8 scoring 4 → 12.5 %: half-up, not banker's rounding.
    assert surveys.Satisfaction.of({4: 1, 1: 7}).rate == 12.5
    assert surveys.Satisfaction.of({5: 1, 4: 1, 1: 1}).rate == 66.7
    assert surveys.Satisfaction.of({5: 1, 1: 5}).rate == 16.7  # 16.666…
    assert surveys.Satisfaction.of({4: 1, 1: 1999}).rate == 0.1  # 0.05 → 0.1
    assert surveys.Satisfaction.of({}).rate is None


def moved(client: FlaskClient, world: World, unit: str, parent: str) -> None:
    """Move ``unit`` under ``parent`` through the workflow (a reviewer proposes, another
    approves)."""
    body = {"entity": "organization", "action": "move", "target": unit, "data": {"parent": parent}}
    submitted = client.post(
        "/api/v1/change-requests", json={"reason": "Test", **body}, headers=world.auth("reviewer2")
    )
    assert submitted.status_code == 201, submitted.json
    url = f"/api/v1/change-requests/{submitted.json['id']}/approve"
    assert client.post(url, headers=world.auth("reviewer")).json["status"] == "approved"


def responses(client: FlaskClient, **query: str) -> int:
    return int(client.get(STATS, query_string=query).json["responses"])


def test_subtree_rates_follow_the_workflow_and_new_ratings_at_once(
    client: FlaskClient, rated: Setup
) -> None:
    world = rated.world
    assert responses(client, organization=world.goc) == 4  # read: the rollup is built
    assert responses(client, organization=world.sgk) == 2

    moved(client, world, world.bidb, world.sgk)  # BİDB's three ratings go with it
    assert responses(client, organization=world.goc) == 1
    assert responses(client, organization=world.sgk) == 5
    assert responses(client, organization=world.labour) == 5
    groups = client.get(STATS, query_string={"group_by": "institution"}).json["groups"]
    assert [(g["institution"]["detsis_no"], g["responses"]) for g in groups] == [
        (world.sgk, 5),
        (world.goc, 1),
    ]
    units = client.get(STATS, query_string={"group_by": "organization", "organization": world.sgk})
    assert [(g["organization"]["detsis_no"], g["responses"]) for g in units.json["groups"]] == [
        (world.bidb, 3),
        (world.sgk, 2),
    ]

    assert rate(client, rated.yhgm_service, 5).status_code == 201
    assert responses(client, organization=world.goc) == 2  # the next answer counts it
    assert responses(client) == 7
    page = client.get(f"/organizations/{world.interior}").get_data(as_text=True)
    assert "(2 değerlendirme," in page  # the unit page reads the same rollup


def test_a_units_rate_costs_the_same_for_any_subtree(
    app: Flask, client: FlaskClient, rated: Setup
) -> None:
    world = rated.world
    client.get(STATS)  # builds the rollup

    def cost(unit: str) -> int:
        seen: list[str] = []

        def count(*_args: Any) -> None:
            seen.append("statement")

        engine = get_db(app).engine
        event.listen(engine, "before_cursor_execute", count)
        try:
            assert client.get(STATS, query_string={"organization": unit}).status_code == 200
        finally:
            event.remove(engine, "before_cursor_execute", count)
        return len(seen)

    assert cost(world.interior) == cost(world.bidb)  # four levels or one: the same statements
    assert cost(world.interior) <= 4  # the number, the audit head, the new responses


def test_responses_removed_outside_the_application_go_at_the_next_recount(
    client: FlaskClient, session: Session, rated: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert responses(client) == 6
    session.execute(text("DELETE FROM survey_responses WHERE score = 5"))
    session.commit()
    assert responses(client) == 6  # caught up by id: a removed row is not seen …
    monkeypatch.setattr(surveys, "RECOUNT_SECONDS", 0.0)
    assert responses(client) == 3  # … until the recount (at least every minute)
    assert responses(client, organization=rated.world.goc) == 3


# -- one rating per client, service and day (issue 25) ----------------------------------------


def test_one_client_rates_a_service_once_a_day(
    app: Flask, client: FlaskClient, session: Session, setup: Setup
) -> None:
    home = "203.0.113.9"
    assert rate(client, setup.bidb_service, 1, address=home).status_code == 201
    again = rate(client, setup.bidb_service, 1, address=home)
    assert again.status_code == 409 and again.mimetype == "application/problem+json"
    assert " / " in again.json["detail"] and "service" in again.json["errors"]
    assert responses(client, service=setup.bidb_service) == 1  # the second counted nothing
    # The same address with another browser, or another service, is another claim.
    other_agent = client.post(
        "/api/v1/surveys",
        json={"service": setup.bidb_service, "score": 5},
        environ_base={"REMOTE_ADDR": home},
        headers={"User-Agent": "Başka Tarayıcı/1.0"},
    )
    assert other_agent.status_code == 201
    assert rate(client, setup.yhgm_service, 1, address=home).status_code == 201
    # The claims hold keyed hashes only: no address, no user agent.
    stored = session.execute(
        text("SELECT service_id, rated_on, client_key FROM survey_rating_claims")
    )
    rows = stored.all()
    assert len(rows) == 3
    assert all(re.fullmatch(r"[0-9a-f]{64}", row.client_key) for row in rows)
    assert not any(home in str(value) for row in rows for value in row)


def test_the_next_day_the_client_may_rate_again_and_old_claims_go(
    app: Flask, session: Session, setup: Setup
) -> None:
    with app.test_request_context(environ_base={"REMOTE_ADDR": "203.0.113.10"}):
        day = date(2026, 12, 17)
        key = rating_clients.request_client_key(setup.bidb_service, day)
        surveys.submit(
            session, service=setup.bidb_service, score=4, comment=None, client=key, today=day
        )
        with pytest.raises(Conflict):
            surveys.submit(
                session, service=setup.bidb_service, score=1, comment=None, client=key, today=day
            )
        later = day + timedelta(days=1)
        tomorrow = rating_clients.request_client_key(setup.bidb_service, later)
        assert tomorrow != key  # not linkable across days
        surveys.submit(
            session, service=setup.bidb_service, score=5, comment=None, client=tomorrow, today=later
        )
        session.commit()
    days = session.execute(text("SELECT rated_on FROM survey_rating_claims")).scalars().all()
    assert [str(d)[:10] for d in days] == ["2026-12-18"]  # yesterday's claim was dropped


def test_the_page_form_says_when_a_service_was_rated_already(
    client: FlaskClient, setup: Setup
) -> None:
    url = f"/services/{setup.bidb_service}/survey"
    where = {"REMOTE_ADDR": "203.0.113.11"}
    first = client.post(url, data={"score": "5"}, environ_base=where)
    assert first.status_code == 303 and "tesekkurler=1" in first.headers["Location"]
    second = client.post(url, data={"score": "1"}, environ_base=where)
    assert second.status_code == 303 and "zaten=1" in second.headers["Location"]
    page = client.get(second.headers["Location"]).get_data(as_text=True)
    assert "Bu hizmeti bugün zaten değerlendirdiniz" in page
    assert responses(client, service=setup.bidb_service) == 1


def test_the_rate_is_shown_with_its_count_in_turkish_numbers(
    client: FlaskClient, rated: Setup
) -> None:
    page = client.get(f"/services/{rated.bidb_service}").get_data(as_text=True)
    # 5, 4 and 2: two of three satisfied, mean 3.67
    assert "%66,7 memnun" in page
    assert "3 değerlendirme, ortalama puan 3,7 / 5" in page
    sgk = client.get(f"/services/{rated.sgk_service}").get_data(as_text=True)
    assert "%100 memnun" in sgk and "ortalama puan 5,0 / 5" in sgk
