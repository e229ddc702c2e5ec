"""Every write endpoint × every kind of caller: 401, 403 or success, asserted cell by cell.

The table is also the content of docs/security.md; run with REGISTRY_WRITE_DOCS=1 to rewrite it
after a deliberate change. The test fails when the document and the behaviour disagree.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.workflow_world import World, build_world

CALLERS = [
    "no token",
    "bad token",
    "goc_coordinator",
    "sgk_coordinator",
    "goc_approver",
    "reviewer",
    "admin",
]

Cell = Callable[[FlaskClient, World, dict[str, str]], int]


def _headers(world: World, caller: str) -> dict[str, str]:
    if caller == "no token":
        return {}
    if caller == "bad token":
        return {"Authorization": "Bearer kys_forged-token-that-does-not-exist"}
    return world.auth(caller)


def _pending(client: FlaskClient, world: World) -> int:
    """A fresh request by Göç's coordinator, for transition cells."""
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth("goc_coordinator"),
        json={
            "entity": "organization",
            "action": "update",
            "target": world.bidb,
            "data": {"contact": {"phone": "0312 111 11 11"}},
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _approved(
    client: FlaskClient, world: World, who: str, approvers: list[str], **body: object
) -> str:
    response = client.post("/api/v1/change-requests", headers=world.auth(who), json=body)
    assert response.status_code == 201, response.json
    for approver in approvers:
        decision = client.post(
            f"/api/v1/change-requests/{response.json['id']}/approve", headers=world.auth(approver)
        )
        assert decision.status_code == 200, decision.json
    return str(decision.json["result"]["id"])


def _service_request(client: FlaskClient, world: World) -> int:
    """A fresh service request by Göç's coordinator, waiting for its institution's approval."""
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth("goc_coordinator"),
        json={
            "entity": "service",
            "action": "create",
            "data": {"name": "Veri Paylaşım Talebi", "organization": world.bidb},
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


_TASKS = iter(range(1, 10_000))


def _open_task(client: FlaskClient, world: World) -> int:
    """A review task for a Göç service, opened by repealing the act it cites (each call its own
    service: one unit has no two services of the same name)."""
    act = {"type": 3, "title": "Eski Yönetmelik", "adopted_on": "2015-01-01"}
    old = _approved(
        client, world, "reviewer", ["reviewer2"], entity="legislation", action="create", data=act
    )
    _approved(
        client,
        world,
        "goc_coordinator",
        ["goc_approver", "reviewer"],
        entity="service",
        action="create",
        data={
            "name": f"İncelenecek Hizmet {next(_TASKS)}",
            "organization": world.bidb,
            "legal_basis": [int(old)],
        },
    )
    repeal = {**act, "title": "Yeni Yönetmelik", "repeals": [{"id": int(old), "on": "2016-01-01"}]}
    _approved(
        client, world, "reviewer", ["reviewer2"], entity="legislation", action="create", data=repeal
    )
    tasks = client.get("/api/v1/review-tasks?status=open", headers=world.auth("reviewer")).json
    return int(tasks[-1]["id"])


_UNMATCHED = iter(range(1, 10_000))


def _unmatched_name(client: FlaskClient, world: World) -> int:
    """A queued document name, from a Göç service written with a name no document has."""
    number = next(_UNMATCHED)
    _approved(
        client,
        world,
        "goc_coordinator",
        ["goc_approver", "reviewer"],
        entity="service",
        action="create",
        data={
            "name": f"Göç Hizmeti {number}",
            "organization": world.bidb,
            "required_documents": [f"Tuhaf kâğıt {number}"],
        },
    )
    items = client.get("/api/v1/documents/unmatched?status=open", headers=world.auth("reviewer"))
    return int(items.json[-1]["id"])


def _resolve_unmatched(client: FlaskClient, world: World, headers: dict[str, str]) -> int:
    item = _unmatched_name(client, world)
    return client.post(
        f"/api/v1/documents/unmatched/{item}/resolve",
        headers=headers,
        json={"new_document": {"name": f"Yeni Standart Belge {item}"}},
    ).status_code


_CITIZENS = iter(range(1, 10_000))


def _complaint(client: FlaskClient, world: World) -> str:
    """A complaint filed at a Göç unit, by a citizen from an address of their own."""
    response = client.post(
        "/api/v1/complaints",
        environ_base={"REMOTE_ADDR": f"198.51.100.{next(_CITIZENS) % 250 + 1}"},
        json={
            "organization": world.bidb,
            "subject": "service_missing",
            "service_name": "Arşiv belgesi örneği",
            "text": "Tabloda olmayan bir hizmet için başvurdum.",
            "contact": {"name": "Ali Veli", "email": "ali@example.org"},
        },
    )
    assert response.status_code == 201, response.json
    return str(response.json["tracking_code"])


ENDPOINTS: dict[str, Cell] = {
    "POST /change-requests (unit in Göç İdaresi)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "organization",
                "action": "create",
                "data": {"name": "Yeni Daire Başkanlığı", "parent": w.yhgm, "level": "central"},
            },
        ).status_code
    ),
    "POST /change-requests (unit in SGK)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "organization",
                "action": "update",
                "target": w.sgk,
                "data": {"name": "Sosyal Güvenlik Kurumu Başkanlığı"},
            },
        ).status_code
    ),
    "POST /change-requests (new top-level institution)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "organization",
                "action": "create",
                "data": {"name": "Yeni Bakanlık", "level": "central", "category": "Bakanlık"},
            },
        ).status_code
    ),
    "POST /change-requests/{id}/approve (Göç's request)": lambda c, w, h: (
        c.post(f"/api/v1/change-requests/{_pending(c, w)}/approve", headers=h).status_code
    ),
    "POST /change-requests/{id}/reject (Göç's request)": lambda c, w, h: (
        c.post(
            f"/api/v1/change-requests/{_pending(c, w)}/reject",
            headers=h,
            json={"reason": "Eksik bilgi"},
        ).status_code
    ),
    "POST /change-requests/{id}/withdraw (Göç's request)": lambda c, w, h: (
        c.post(f"/api/v1/change-requests/{_pending(c, w)}/withdraw", headers=h).status_code
    ),
    "GET /change-requests": lambda c, w, h: c.get("/api/v1/change-requests", headers=h).status_code,
    "POST /change-requests (regulation issued by Göç)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "legislation",
                "action": "create",
                "data": {
                    "type": 101,
                    "title": "Arşiv Yönergesi",
                    "adopted_on": "2024-01-02",
                    "issuer": w.goc,
                },
            },
        ).status_code
    ),
    "POST /change-requests (service of a Göç unit)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "service",
                "action": "create",
                "data": {"name": "Bilgi Edinme Başvurusu", "organization": w.bidb},
            },
        ).status_code
    ),
    "POST /change-requests (document issued by SGK)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "document",
                "action": "create",
                "data": {"name": "Sigortalılık Hizmet Dökümü", "issuer": w.sgk},
            },
        ).status_code
    ),
    "POST /change-requests (signatory of Göç)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "signatory",
                "action": "create",
                "data": {
                    "organization": w.goc,
                    "name": "Ayşe",
                    "surname": "Kaya",
                    "title": "Başkan",
                },
            },
        ).status_code
    ),
    "POST /change-requests (distribution list of SGK)": lambda c, w, h: (
        c.post(
            "/api/v1/change-requests",
            headers=h,
            json={
                "entity": "distribution_list",
                "action": "create",
                "data": {
                    "name": "İl Müdürlükleri",
                    "owner": w.sgk,
                    "recipients": [{"detsis_no": w.goc, "kind": "bilgi"}],
                },
            },
        ).status_code
    ),
    "POST /change-requests/{id}/approve (Göç's service, first step)": lambda c, w, h: (
        c.post(f"/api/v1/change-requests/{_service_request(c, w)}/approve", headers=h).status_code
    ),
    "POST /review-tasks/{id}/confirm (Göç's task)": lambda c, w, h: (
        c.post(f"/api/v1/review-tasks/{_open_task(c, w)}/confirm", headers=h).status_code
    ),
    "GET /review-tasks": lambda c, w, h: c.get("/api/v1/review-tasks", headers=h).status_code,
    "POST /documents/unmatched/{id}/resolve": _resolve_unmatched,
    "GET /documents/unmatched": lambda c, w, h: (
        c.get("/api/v1/documents/unmatched", headers=h).status_code
    ),
    "GET /complaints": lambda c, w, h: c.get("/api/v1/complaints", headers=h).status_code,
    "GET /complaints/{code} without the access key (filed at a Göç unit)": lambda c, w, h: (
        c.get(f"/api/v1/complaints/{_complaint(c, w)}", headers=h).status_code
    ),
    "POST /complaints/{code}/events (filed at a Göç unit)": lambda c, w, h: (
        c.post(
            f"/api/v1/complaints/{_complaint(c, w)}/events",
            headers=h,
            json={"status": "in_review"},
        ).status_code
    ),
}

EXPECTED: dict[str, list[int]] = {
    #                                                no   bad  gocC sgkC gocA rev  admin
    "POST /change-requests (unit in Göç İdaresi)": [401, 401, 201, 403, 403, 201, 403],
    "POST /change-requests (unit in SGK)": [401, 401, 403, 201, 403, 201, 403],
    "POST /change-requests (new top-level institution)": [401, 401, 403, 403, 403, 201, 403],
    "POST /change-requests/{id}/approve (Göç's request)": [401, 401, 403, 403, 403, 200, 403],
    "POST /change-requests/{id}/reject (Göç's request)": [401, 401, 403, 403, 403, 200, 403],
    "POST /change-requests/{id}/withdraw (Göç's request)": [401, 401, 200, 403, 403, 403, 403],
    "GET /change-requests": [401, 401, 200, 200, 200, 200, 403],
    "POST /change-requests (regulation issued by Göç)": [401, 401, 201, 403, 403, 201, 403],
    "POST /change-requests (service of a Göç unit)": [401, 401, 201, 403, 403, 201, 403],
    "POST /change-requests (document issued by SGK)": [401, 401, 403, 201, 403, 201, 403],
    "POST /change-requests (signatory of Göç)": [401, 401, 201, 403, 403, 201, 403],
    "POST /change-requests (distribution list of SGK)": [401, 401, 403, 201, 403, 201, 403],
    "POST /change-requests/{id}/approve (Göç's service, first step)": [
        401,
        401,
        403,
        403,
        200,
        403,
        403,
    ],
    "POST /review-tasks/{id}/confirm (Göç's task)": [401, 401, 200, 404, 403, 403, 403],
    "GET /review-tasks": [401, 401, 200, 200, 200, 200, 403],
    "POST /documents/unmatched/{id}/resolve": [401, 401, 403, 403, 403, 200, 403],
    "GET /documents/unmatched": [401, 401, 200, 200, 200, 200, 403],
    "GET /complaints": [401, 401, 200, 200, 200, 200, 403],
    "GET /complaints/{code} without the access key (filed at a Göç unit)": [
        401,
        401,
        200,
        403,
        200,
        200,
        403,
    ],
    "POST /complaints/{code}/events (filed at a Göç unit)": [401, 401, 201, 403, 201, 403, 403],
}

DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"


def render(matrix: dict[str, list[int]]) -> str:
    lines = ["| endpoint | " + " | ".join(CALLERS) + " |", "|---|" + "---|" * len(CALLERS)]
    for endpoint, codes in matrix.items():
        lines.append(f"| {endpoint} | " + " | ".join(str(code) for code in codes) + " |")
    return "\n".join(lines) + "\n"


def test_role_endpoint_matrix(client: FlaskClient, session: Session, backend: str) -> None:
    world = build_world(session)
    actual: dict[str, list[int]] = {}
    for endpoint, cell in ENDPOINTS.items():
        actual[endpoint] = [cell(client, world, _headers(world, caller)) for caller in CALLERS]
    assert actual == EXPECTED
    table = render(actual)
    if os.environ.get("REGISTRY_WRITE_DOCS") == "1" and backend == "sqlite":
        text = DOC.read_text(encoding="utf-8")
        start, end = text.index("<!-- matrix -->"), text.index("<!-- /matrix -->")
        DOC.write_text(text[:start] + "<!-- matrix -->\n" + table + text[end:], encoding="utf-8")
    assert table in DOC.read_text(encoding="utf-8"), "docs/security.md is out of date"


@pytest.mark.parametrize("caller", ["goc_approver", "reviewer", "admin"])
def test_scoped_and_central_roles_never_approve_their_own(
    client: FlaskClient, session: Session, caller: str
) -> None:
    world = build_world(session)
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth(caller),
        json={
            "entity": "organization",
            "action": "create",
            "data": {"name": "Kendi Talebim", "parent": world.yhgm, "level": "central"},
        },
    )
    if response.status_code != 201:
        assert response.status_code == 403  # approvers and admins do not submit at all
        return
    request_id = response.json["id"]
    own = client.post(f"/api/v1/change-requests/{request_id}/approve", headers=world.auth(caller))
    assert own.status_code == 403
