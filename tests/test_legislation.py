"""Legislation over HTTP: the workflow writes acts and links, the graph answers, refusals clear."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.legislation.models import Legislation, LegislationLink
from registry.workflow.models import ChangeRequest
from tests.factories import make_act, make_document, make_service, make_unit
from tests.workflow_world import World, build_world


@pytest.fixture
def world(session: Session) -> World:
    world = build_world(session)
    world.tbmm = make_unit(session, "Türkiye Büyük Millet Meclisi", category="Anayasal Kuruluş")
    session.commit()
    return world


def submit(client: FlaskClient, world: World, who: str, **body: Any) -> Any:
    return client.post("/api/v1/change-requests", json=body, headers=world.auth(who))


def approved(
    client: FlaskClient, world: World, who: str, approver: str = "reviewer", **body: Any
) -> str:
    """Submit and approve; returns the id of the record the request created or changed."""
    response = submit(client, world, who, **body)
    assert response.status_code == 201, response.json
    decision = client.post(
        f"/api/v1/change-requests/{response.json['id']}/approve", headers=world.auth(approver)
    )
    assert decision.status_code == 200, decision.json
    assert decision.json["status"] == "approved"
    return str(decision.json["result"]["id"])


def law(
    world: World, number: str = "6458", title: str = "Yabancılar ve Uluslararası Koruma Kanunu"
) -> dict[str, Any]:
    return {
        "entity": "legislation",
        "action": "create",
        "reason": "Kanun kaydı",
        "data": {
            "type": 1,
            "number": number,
            "title": title,
            "adopted_on": "2013-04-04",
            "gazette": {"date": "2013-04-11", "issue": 28615},
            "issuer": world.tbmm,
            "texts": [{"kind": "original", "as_of": "2013-04-11", "body": "MADDE 1 – Amaç…"}],
        },
    }


def regulation(world: World, basis: list[int], title: str, **data: Any) -> dict[str, Any]:
    return {
        "entity": "legislation",
        "action": "create",
        "reason": "Yönetmelik kaydı",
        "data": {
            "type": 3,
            "title": title,
            "gazette": {"date": data.pop("published", "2016-03-17"), "issue": 29656},
            "issuer": world.goc,
            "basis": basis,
            **data,
        },
    }


def test_acts_and_their_basis_arrive_through_the_workflow(
    client: FlaskClient, world: World
) -> None:
    law_id = int(approved(client, world, "reviewer2", **law(world)))
    # The graph is loaded now; the next approval must show up without a restart.
    assert client.get(f"/api/v1/legislation/{law_id}/derived").json == []
    reg_id = int(
        approved(
            client,
            world,
            "goc_coordinator",
            **regulation(world, [law_id], "YUKK Uygulanmasına İlişkin Yönetmelik"),
        )
    )

    act = client.get(f"/api/v1/legislation/{law_id}").json
    assert act["type"] == {"code": 1, "name": "Kanun"}
    assert act["gazette"] == {"date": "2013-04-11", "issue": 28615, "repeat": None}
    assert act["issuer"] == world.tbmm
    assert act["status"] == "in_force" and act["texts"][0]["body"].startswith("MADDE 1")
    derived = client.get(f"/api/v1/legislation/{law_id}/derived").json
    assert [(d["id"], d["depth"]) for d in derived] == [(reg_id, 1)]
    assert client.get(f"/api/v1/legislation/{reg_id}").json["basis"] == [law_id]
    basis = client.get(f"/api/v1/legislation/{reg_id}/basis").json
    assert [b["id"] for b in basis] == [law_id]
    history = client.get(f"/api/v1/legislation/{reg_id}/history", headers=world.auth("reviewer"))
    assert [
        (c["action"], c["submitted_by"], c["approved_by"]) for c in history.json["changes"]
    ] == [("create", world.display("goc_coordinator"), world.display("reviewer"))]
    public = client.get(f"/api/v1/legislation/{law_id}/history").json["changes"]
    assert [c["action"] for c in public] == ["create"] and "submitted_by" not in public[0]
    assert public[0]["changes"]["title"] == [None, "Yabancılar ve Uluslararası Koruma Kanunu"]
    feed = client.get("/api/v1/changes").json["changes"]
    assert [c["id"] for c in feed if c["entity"] == "legislation"] == [str(law_id), str(reg_id)]


def test_depth_one_is_direct_and_all_is_transitive(
    client: FlaskClient, session: Session, world: World
) -> None:
    top = make_act(session, "Üst Kanun", type=1, number="9001")
    middle = make_act(session, "Orta Yönetmelik", basis=[top])
    bottom = make_act(session, "Alt Tebliğ", type=9, basis=[middle])
    other = make_act(session, "Başka Tebliğ", type=9, basis=[top])
    session.commit()

    direct = client.get(f"/api/v1/legislation/{top}/derived?depth=1").json
    assert sorted(d["id"] for d in direct) == sorted([middle, other])
    everything = client.get(f"/api/v1/legislation/{top}/derived?depth=all").json
    assert {d["id"]: d["depth"] for d in everything} == {middle: 1, other: 1, bottom: 2}
    upward = client.get(f"/api/v1/legislation/{bottom}/basis?depth=all").json
    assert [(u["id"], u["depth"]) for u in upward] == [(middle, 1), (top, 2)]
    paged = client.get(f"/api/v1/legislation/{top}/derived?depth=all&page_size=2&page=2")
    assert [d["id"] for d in paged.json] == [bottom]
    assert '"total": 3' in paged.headers["X-Pagination"]
    assert client.get(f"/api/v1/legislation/{top}/derived?depth=0").status_code == 422
    assert client.get(f"/api/v1/legislation/{top}/derived?depth=alot").status_code == 422


def test_repeal_chain_keeps_texts_and_answers_as_of_a_date(
    client: FlaskClient, world: World
) -> None:
    def correspondence(year: int, published: str, repeals: list[dict[str, Any]]) -> dict[str, Any]:
        body = regulation(
            world,
            [],
            f"Resmî Yazışmalarda Uygulanacak Esas ve Usuller Hakkında Yönetmelik ({year})",
            published=published,
            repeals=repeals,
            texts=[{"kind": "original", "as_of": published, "body": f"{year} metni"}],
        )
        body["data"]["issuer"] = None
        return body

    first = int(approved(client, world, "reviewer2", **correspondence(2004, "2004-12-02", [])))
    second = int(
        approved(
            client,
            world,
            "reviewer2",
            **correspondence(2015, "2015-02-02", [{"id": first, "on": "2015-02-02"}]),
        )
    )
    third = int(
        approved(
            client,
            world,
            "reviewer2",
            **correspondence(2020, "2020-06-10", [{"id": second, "on": "2020-06-10"}]),
        )
    )

    repealed = client.get(f"/api/v1/legislation/{second}").json
    assert repealed["status"] == "repealed"
    assert repealed["repealed_on"] == "2020-06-10" and repealed["repealed_by"] == third
    assert repealed["texts"] == [{"kind": "original", "as_of": "2015-02-02", "body": "2015 metni"}]
    assert client.get(f"/api/v1/legislation/{third}").json["repeals"] == [second]
    then = client.get(f"/api/v1/legislation/{second}?at=2019-01-01").json
    assert then["status"] == "in_force" and then["repealed_by"] is None
    assert client.get(f"/api/v1/legislation/{second}?at=2010-01-01").status_code == 404
    in_force = client.get("/api/v1/legislation?status=in_force&q=resmi yazismalarda").json
    assert [a["id"] for a in in_force] == [third]


def _counts(session: Session) -> tuple[int, int, int]:
    session.expire_all()
    counts = (
        session.scalar(select(func.count()).select_from(Legislation)) or 0,
        session.scalar(select(func.count()).select_from(LegislationLink)) or 0,
        session.scalar(select(func.count()).select_from(ChangeRequest)) or 0,
    )
    session.rollback()  # end the read: the in-memory SQLite connection is shared with requests
    return counts


def test_bad_links_are_refused_with_the_field_and_change_nothing(
    client: FlaskClient, session: Session, world: World
) -> None:
    top = make_act(session, "Üst Kanun", type=1, number="9001", issuer=world.goc)
    lower = make_act(session, "Alt Yönetmelik", basis=[top], issuer=world.goc)
    gone = make_act(session, "Eski Yönetmelik", issuer=world.goc)
    make_act(
        session, "Yeni Yönetmelik", issuer=world.goc, repeals=[{"id": gone, "on": "2016-01-01"}]
    )
    session.commit()
    before = _counts(session)

    cases = [
        (
            {
                "entity": "legislation",
                "action": "update",
                "target": str(top),
                "data": {"basis": [lower]},
            },
            "data.basis",
            "cycle",
        ),
        (regulation(world, [999_999], "Hayalet dayanaklı"), "data.basis", "unknown"),
        (
            regulation(world, [], "Tekrar kaldıran", repeals=[{"id": gone, "on": "2020-01-01"}]),
            "data.repeals.0",
            "already",
        ),
        (
            regulation(
                world, [], "Kayıtsızı değiştiren", amends=[{"id": 424242, "on": "2020-01-01"}]
            ),
            "data.amends.0.id",
            "unknown",
        ),
        (
            {
                **law(world, "9001", "Aynı numaralı kanun"),
                "data": {**law(world)["data"], "number": "9001"},
            },
            "data.number",
            "already",
        ),
        (regulation(world, [], "Türü bilinmeyen", type=99), "data.type", "type"),
    ]
    for body, field, word in cases:
        response = submit(client, world, "reviewer", **body)
        assert response.status_code == 422, (body, response.json)
        assert response.mimetype == "application/problem+json"
        assert field in response.json["errors"], response.json
        assert (
            word in " ".join(response.json["errors"][field]).lower()
            or word in response.json["detail"].lower()
        )
    assert _counts(session) == before


def test_a_coordinator_writes_only_their_institutions_legislation(
    client: FlaskClient, session: Session, world: World
) -> None:
    goc_act = make_act(session, "Göç Yönergesi", type=101, issuer=world.goc)
    session.commit()
    outsider = submit(
        client, world, "sgk_coordinator", **regulation(world, [], "SGK'dan Göç adına")
    )
    assert outsider.status_code == 403
    update = {
        "entity": "legislation",
        "action": "update",
        "target": str(goc_act),
        "data": {"title": "Başka"},
    }
    assert submit(client, world, "sgk_coordinator", **update).status_code == 403
    assert submit(client, world, "goc_coordinator", **update).status_code == 201
    no_issuer = regulation(world, [], "Kurumsuz")
    no_issuer["data"]["issuer"] = None
    assert submit(client, world, "goc_coordinator", **no_issuer).status_code == 403


def test_impact_reaches_services_documents_and_tables_grouped_by_institution(
    client: FlaskClient, session: Session, world: World
) -> None:
    top = make_act(session, "Yabancılar Kanunu", type=1, number="6458", issuer=world.tbmm)
    reg = make_act(session, "Uygulama Yönetmeliği", basis=[top], issuer=world.goc)
    unrelated = make_act(session, "İlgisiz Yönetmelik", issuer=world.goc)
    passport = make_document(session, "Pasaport")
    permit = make_document(session, "İkamet İzni Belgesi", issuer=world.goc)
    residence = make_service(
        session,
        "İkamet İzni Başvurusu",
        world.bidb,
        legal_basis=[reg],
        required_documents=[passport],
        issued_documents=[permit],
    )
    insurance = make_service(
        session,
        "Yabancı Sigortalı Tescili",
        world.sgk,
        legal_basis=[top],
        required_documents=[permit],
    )
    make_service(session, "İlgisiz Hizmet", world.sgk, legal_basis=[unrelated])
    session.commit()

    url = f"/api/v1/legislation/{top}/impact"
    overview = client.get(url).json
    totals = {"legislation": 1, "services": 2, "documents": 2, "standards_tables": 2}
    assert overview["totals"] == {**totals, "institutions": 2}
    assert [(g["institution"], g["totals"]) for g in overview["institutions"]] == [
        (world.goc, {"legislation": 1, "services": 1, "documents": 2, "standards_tables": 1}),
        (world.sgk, {"legislation": 0, "services": 1, "documents": 1, "standards_tables": 1}),
    ]  # by name: Göç İdaresi before Sosyal Güvenlik Kurumu
    assert "services" not in overview["institutions"][0]

    groups = {g["institution"]: g for g in client.get(f"{url}?details=true").json["institutions"]}
    goc, sgk = groups[world.goc], groups[world.sgk]
    assert [(a["id"], a["depth"], a["issuer"]) for a in goc["legislation"]] == [(reg, 1, world.goc)]
    assert [(s["code"], s["organization"], s["cites"]) for s in goc["services"]] == [
        (residence, world.bidb, [reg])
    ]
    assert [(s["code"], s["cites"]) for s in sgk["services"]] == [(insurance, [top])]
    assert {d["code"]: d["services"] for d in goc["documents"]} == {
        passport: [residence],
        permit: [residence],
    }
    assert {d["code"]: d["services"] for d in sgk["documents"]} == {permit: [insurance]}
    assert [(t["organization"], t["services"]) for t in goc["standards_tables"]] == [
        (world.bidb, [residence])
    ]
    assert sgk["legislation"] == []

    only_goc = client.get(f"{url}?institution={world.bidb}&details=true").json
    assert only_goc["totals"] == {**totals, "institutions": 2}  # the whole, whatever the filter
    assert only_goc["institutions"] == [goc]  # a sub-unit stands for its institution
    refused = client.get(f"{url}?institution=99999999")
    assert refused.status_code == 422
    assert "institution" in refused.json["errors"]
    assert client.get("/api/v1/legislation/999999/impact").status_code == 404


def test_repeal_through_the_workflow_opens_review_tasks_for_each_institution(
    client: FlaskClient, session: Session, world: World
) -> None:
    top = make_act(session, "Kanun", type=1, number="9001", issuer=world.tbmm)
    reg = make_act(session, "Eski Yönetmelik", basis=[top], issuer=world.goc)
    goc_service = make_service(session, "Göç Hizmeti", world.bidb, legal_basis=[reg])
    sgk_service = make_service(session, "SGK Hizmeti", world.sgk, legal_basis=[reg])
    make_service(session, "Kanuna Dayanan", world.sgk, legal_basis=[top])
    session.commit()
    assert client.get("/api/v1/review-tasks", headers=world.auth("goc_coordinator")).json == []

    repeal = regulation(world, [top], "Yeni Yönetmelik", repeals=[{"id": reg, "on": "2026-01-01"}])
    new_id = int(approved(client, world, "goc_coordinator", **repeal))

    goc_tasks = client.get("/api/v1/review-tasks", headers=world.auth("goc_coordinator")).json
    assert [
        (t["service"]["code"], t["cause"], t["legislation"]["id"], t["changed_by"]["id"])
        for t in goc_tasks
    ] == [(goc_service, "repeals", reg, new_id)]
    sgk_tasks = client.get(
        "/api/v1/review-tasks?status=open", headers=world.auth("sgk_coordinator")
    ).json
    assert [t["service"]["code"] for t in sgk_tasks] == [sgk_service]
    assert len(client.get("/api/v1/review-tasks", headers=world.auth("reviewer")).json) == 2
    assert client.get("/api/v1/review-tasks").status_code == 401
    assert client.get("/api/v1/review-tasks", headers=world.auth("admin")).status_code == 403

    goc_task, sgk_task = goc_tasks[0]["id"], sgk_tasks[0]["id"]
    foreign = client.post(
        f"/api/v1/review-tasks/{goc_task}/confirm", headers=world.auth("sgk_coordinator")
    )
    assert foreign.status_code == 404
    confirmed = client.post(
        f"/api/v1/review-tasks/{goc_task}/confirm",
        json={"note": "Yeni yönetmelikle uyumlu"},
        headers=world.auth("goc_coordinator"),
    )
    assert confirmed.status_code == 200 and confirmed.json["status"] == "confirmed"
    again = client.post(
        f"/api/v1/review-tasks/{goc_task}/confirm", headers=world.auth("goc_coordinator")
    )
    assert again.status_code == 409

    # An approved update of the service closes its task (two-step: institution, then reviewers).
    update = {
        "entity": "service",
        "action": "update",
        "target": sgk_service,
        "data": {"legal_basis": [new_id]},
    }
    request = submit(client, world, "sgk_coordinator", **update).json
    first = client.post(
        f"/api/v1/change-requests/{request['id']}/approve", headers=world.auth("sgk_approver")
    )
    assert first.json["status"] == "institution_approved"
    final = client.post(
        f"/api/v1/change-requests/{request['id']}/approve", headers=world.auth("reviewer")
    )
    assert final.json["status"] == "approved", final.json
    closed = client.get(
        "/api/v1/review-tasks?status=updated", headers=world.auth("sgk_coordinator")
    ).json
    assert [t["id"] for t in closed] == [sgk_task]
    history = client.get(f"/api/v1/services/{sgk_service}/history").json["changes"]
    assert [c["action"] for c in history] == ["create", "update"]
    assert history[1]["changes"]["legal_basis"] == [[reg], [new_id]]


def test_stats_count_types_statuses_and_internal_acts_per_institution(
    client: FlaskClient, session: Session, world: World
) -> None:
    make_act(session, "Kanun A", type=1, number="1001")
    old = make_act(session, "Yönetmelik A", issuer=world.goc)
    make_act(session, "Yönetmelik B", issuer=world.goc, repeals=[{"id": old, "on": "2016-01-01"}])
    make_act(session, "Yönerge A", type=101, issuer=world.bidb)
    make_act(session, "Genelge A", type=104, issuer=world.goc)
    make_act(session, "SGK Yönergesi", type=101, issuer=world.sgk)
    session.commit()

    stats = client.get("/api/v1/legislation/stats").json
    assert stats["total"] == 6
    assert stats["by_status"] == {"in_force": 5, "repealed": 1}
    by_type = {t["type"]["code"]: t for t in stats["by_type"]}
    assert by_type[3] == {
        "type": {"code": 3, "name": "Yönetmelik"},
        "in_force": 1,
        "repealed": 1,
        "total": 2,
    }
    by_issuer = {i["institution"]: (i["internal"], i["total"]) for i in stats["by_issuer"]}
    assert by_issuer[world.goc] == (2, 4)
    assert by_issuer[world.sgk] == (1, 1)
    assert by_issuer[None] == (0, 1)


def test_list_filters(client: FlaskClient, session: Session, world: World) -> None:
    law_id = make_act(
        session,
        "Yabancılar ve Uluslararası Koruma Kanunu",
        type=1,
        number="6458",
        gazette={"date": "2013-04-11", "issue": 28615},
    )
    make_act(
        session,
        "İskân Kanunu",
        type=1,
        number="5543",
        gazette={"date": "2006-09-26", "issue": 26301},
    )
    make_act(session, "Göç Yönergesi", type=101, issuer=world.goc)
    session.commit()

    def ids(query: str) -> list[int]:
        response = client.get(f"/api/v1/legislation?{query}")
        assert response.status_code == 200, response.json
        return [a["id"] for a in response.json]

    assert ids("type=1&number=6458") == [law_id]
    assert ids("q=YABANCILAR koruma") == [law_id]
    assert ids("q=iskan") != [] and ids("year=2013") == [law_id]
    assert len(ids(f"issuer={world.goc}")) == 1
    assert client.get("/api/v1/legislation?type=5").status_code == 422
    assert client.get("/api/v1/legislation?issuer=0123").status_code == 422
    assert client.get("/api/v1/legislation/abc").status_code == 404
