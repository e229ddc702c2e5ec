"""Every write endpoint × every kind of caller: 401, 403 or success, asserted cell by cell.

The write endpoints are read from the app's URL map (every POST, PUT, PATCH and DELETE rule), so
a new endpoint without a row here fails the test. The table is also the content of
docs/security.md; run with REGISTRY_WRITE_DOCS=1 to rewrite it after a deliberate change. The
test fails when the document and the behaviour disagree. A second test walks the same endpoints
as a reviewer acting alone and checks that nothing published changes (four eyes).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.accounts.models import User
from registry.audit import trail as audit
from registry.kernel.db import get_db
from registry.search.models import SearchSynonymGroup
from registry.standards.models import ServiceStandardTable
from registry.workflow import batches
from registry.workflow import service as workflow
from tests.factories import make_act, make_service, make_user, national_id
from tests.workflow_world import World, build_world

CALLERS = [
    "no token",
    "bad token",
    "goc_coordinator",
    "sgk_coordinator",
    "goc_approver",
    "sgk_approver",
    "reviewer",
    "admin",
    "goc_ebys",
]
# Göç's HR system (role hr): a machine client like the EBYS one, so a row gives its code only
# where it differs (``Row.hr``); by default it gets what goc_ebys gets.
HR = "goc_hr"
COLUMNS = [*CALLERS, HR]
WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

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
            # each its own number: a change to what the unit already has is refused
            "data": {"contact": {"phone": f"0312 111 11 {next(_SERVICES) % 100:02d}"}},
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


_SERVICES = iter(range(1, 10_000))


def _a_service(client: FlaskClient, world: World) -> str:
    """A fresh service of a Göç unit, written directly (as an import would)."""
    with get_db(client.application).sessionmaker() as session:
        code = make_service(session, f"Matris Hizmeti {next(_SERVICES)}", world.bidb)
        session.commit()
    return code


def _an_act(client: FlaskClient, world: World, issuer: str) -> int:
    with get_db(client.application).sessionmaker() as session:
        act_id = make_act(session, f"Matris Yönergesi {next(_SERVICES)}", type=101, issuer=issuer)
        session.commit()
    return act_id


def _cross_repeal(client: FlaskClient, world: World) -> int:
    """Göç's coordinator files a Göç act repealing an SGK act: SGK has to agree first."""
    sgk_act = _an_act(client, world, world.sgk)
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth("goc_coordinator"),
        json={
            "entity": "legislation",
            "action": "create",
            "data": {
                "type": 101,
                "title": f"Göç Yönergesi {sgk_act}",
                "adopted_on": "2024-01-02",
                "issuer": world.goc,
                "repeals": [{"id": sgk_act, "on": "2024-02-01"}],
            },
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _service_move(client: FlaskClient, world: World) -> int:
    """A reviewer moves a Göç service to SGK: both institutions have to agree first."""
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth("reviewer2"),
        json={
            "entity": "service",
            "action": "update",
            "target": _a_service(client, world),
            "data": {"organization": world.sgk},
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _proposal(client: FlaskClient, world: World, kind: str) -> int:
    """A name resolution or new synonym groups proposed by reviewer2, for another to approve."""
    if kind == "synonyms":
        groups = client.get("/api/v1/search/synonyms").json["groups"]
        phrase = f"matris ifadesi {next(_SERVICES)}"
        response = client.put(
            "/api/v1/search/synonyms",
            headers=world.auth("reviewer2"),
            json={"groups": [*groups, [phrase, phrase + " eki"]]},
        )
    else:
        item = _unmatched_name(client, world)
        response = client.post(
            f"/api/v1/documents/unmatched/{item}/resolve",
            headers=world.auth("reviewer2"),
            json={"new_document": {"name": f"Matris Belgesi {item}"}},
        )
    assert response.status_code == 202, response.json
    return int(response.json["id"])


def _batch(client: FlaskClient, world: World, who: str = "goc_coordinator") -> int:
    """A batch filed by an importer run as ``who``: one change of a Göç unit."""
    number = next(_SERVICES)
    with get_db(client.application).sessionmaker() as session:
        actor = session.get(User, world.user_ids[who])
        assert actor is not None
        change = workflow.Submission(
            entity="organization",
            action="update",
            target=world.bidb,
            data={"contact": {"phone": f"0312 111 {number:02d} {number % 100:02d}"}},
        )
        batch = batches.submit(
            session,
            actor,
            batches.Source(
                "units", f"matris-{number}.csv", hashlib.sha256(b"%d" % number).hexdigest()
            ),
            [batches.Item(change, line=2)],
            {},
        )
        session.commit()
        return batch.id


def _filed_complaint(client: FlaskClient, world: World) -> dict[str, str]:
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
    return dict(response.json)


def _citizen() -> dict[str, str]:
    """A citizen's own address, so the public writes' rate limits never mix cells."""
    return {"REMOTE_ADDR": f"203.0.113.{next(_CITIZENS) % 250 + 1}"}


def _soap(client: FlaskClient, world: World, headers: dict[str, str]) -> int:
    """A KAYSİS call with the caller's token in the BbServiceAuthentication header: 200 when
    answered, 403 when refused (the service answers both with HTTP 200 and ``SonucHatali``)."""
    token = headers.get("Authorization", "Bearer ").removeprefix("Bearer ")
    body = (
        '<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:k="http://kaysis.gov.tr/"><s:Header><k:BbServiceAuthentication>'
        f"<k:KurumID>{world.goc}</k:KurumID><k:Password>{token}</k:Password>"
        "</k:BbServiceAuthentication></s:Header><s:Body><k:TumTip1KodlariGetirWs/></s:Body>"
        "</s:Envelope>"
    )
    answer = client.post("/DETSISServis.asmx", data=body, headers={"Content-Type": "text/xml"})
    assert answer.status_code == 200, answer.data
    return 403 if b"<SonucHatali>true</SonucHatali>" in answer.data else 200


_STARTERS = iter(range(1, 10_000))
SCIM = "/scim/v2"
SCIM_PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
SCIM_ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User"


def _starter(world: World) -> dict[str, object]:
    """A new starter of a Göç unit as an HR system sends one, each its own login and number."""
    number = next(_STARTERS)
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User", SCIM_ENTERPRISE],
        "userName": f"matris.personel{number}",
        "name": {"givenName": "Matris", "familyName": f"PERSONEL {number}"},
        SCIM_ENTERPRISE: {"employeeNumber": f"M{number}", "department": world.bidb},
    }


def _replacement(world: World) -> dict[str, object]:
    """A PUT of a person: a new login and name, the person (personnel number) left as it is."""
    body = _starter(world)
    body[SCIM_ENTERPRISE] = {"department": world.bidb}
    return body


def _scim(
    client: FlaskClient, method: str, path: str, headers: dict[str, str], body: object = None
) -> int:
    return client.open(
        SCIM + path,
        method=method,
        headers=headers,
        json=body,
        content_type="application/scim+json",
    ).status_code


def _scim_person(client: FlaskClient, world: World) -> str:
    """A Göç person opened by Göç's HR system, for the cells that change one."""
    answer = client.post(
        f"{SCIM}/Users",
        headers=world.auth(HR),
        json=_starter(world),
        content_type="application/scim+json",
    )
    assert answer.status_code == 201, answer.json
    return str(answer.json["id"])


def _coordinators(client: FlaskClient, world: World) -> dict[str, object]:
    """The coordinator group as it stands, to PUT back unchanged."""
    group = client.get(f"{SCIM}/Groups/coordinator", headers=world.auth(HR)).json
    return {
        "schemas": group["schemas"],
        "displayName": group["displayName"],
        "members": [{"value": m["value"]} for m in group.get("members", [])],
    }


def _with_hr(session: Session, world: World) -> World:
    """The workflow world with Göç's HR system."""
    user, token = make_user(session, name=HR, role="hr", organization=world.goc)
    world.tokens[HR], world.user_ids[HR] = token, user.id
    session.commit()
    return world


@dataclass(frozen=True)
class Row:
    label: str  # as docs/security.md shows it
    method: str
    rule: str  # the URL map's rule
    cell: Cell
    expected: list[int]  # one code per caller, in CALLERS order
    hr: int | None = None  # Göç's HR account, when it differs from goc_ebys

    def codes(self) -> list[int]:
        """One code per column: the callers, then Göç's HR account."""
        return [*self.expected, self.expected[-1] if self.hr is None else self.hr]


API = "/api/v1"
REQUESTS = f"{API}/change-requests"
APPROVE = f"{REQUESTS}/<int:request_id>/approve"
PUBLIC = [201] * len(CALLERS)

ROWS: list[Row] = [
    #                                                 no   bad  gocC sgkC gocA sgkA rev  admin ebys
    Row(
        "POST /change-requests (unit in Göç İdaresi)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 201, 403, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (unit in SGK)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 403, 201, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (new top-level institution)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 403, 403, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (regulation issued by Göç)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 201, 403, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (service of a Göç unit)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 201, 403, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (Göç service moved to SGK)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
            c.post(
                "/api/v1/change-requests",
                headers=h,
                json={
                    "entity": "service",
                    "action": "update",
                    "target": _a_service(c, w),
                    "data": {"organization": w.sgk},
                },
            ).status_code
        ),
        [401, 401, 403, 403, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (document issued by SGK)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 403, 201, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (signatory of Göç)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 201, 403, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (distribution list of SGK)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
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
        [401, 401, 403, 201, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests (search synonyms)",
        "POST",
        REQUESTS,
        lambda c, w, h: (
            c.post(
                "/api/v1/change-requests",
                headers=h,
                json={
                    "entity": "search_synonyms",
                    "action": "update",
                    "target": "all",
                    "data": {"groups": [["matris", "tablo"]]},
                },
            ).status_code
        ),
        [401, 401, 403, 403, 403, 403, 201, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/approve (Göç's request)",
        "POST",
        APPROVE,
        lambda c, w, h: (
            c.post(f"/api/v1/change-requests/{_pending(c, w)}/approve", headers=h).status_code
        ),
        [401, 401, 403, 403, 403, 403, 200, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/approve (Göç's service, first step)",
        "POST",
        APPROVE,
        lambda c, w, h: (
            c.post(
                f"/api/v1/change-requests/{_service_request(c, w)}/approve", headers=h
            ).status_code
        ),
        [401, 401, 403, 403, 200, 403, 403, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/approve (Göç service moved to SGK, first step)",
        "POST",
        APPROVE,
        lambda c, w, h: (
            c.post(f"/api/v1/change-requests/{_service_move(c, w)}/approve", headers=h).status_code
        ),
        [401, 401, 403, 403, 200, 200, 403, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/approve (Göç act repealing an SGK act, first step)",
        "POST",
        APPROVE,
        lambda c, w, h: (
            c.post(f"/api/v1/change-requests/{_cross_repeal(c, w)}/approve", headers=h).status_code
        ),
        [401, 401, 403, 403, 403, 200, 403, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/approve (name resolution proposed by a reviewer)",
        "POST",
        APPROVE,
        lambda c, w, h: (
            c.post(
                f"/api/v1/change-requests/{_proposal(c, w, 'resolution')}/approve", headers=h
            ).status_code
        ),
        [401, 401, 403, 403, 403, 403, 200, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/approve (synonyms proposed by a reviewer)",
        "POST",
        APPROVE,
        lambda c, w, h: (
            c.post(
                f"/api/v1/change-requests/{_proposal(c, w, 'synonyms')}/approve", headers=h
            ).status_code
        ),
        [401, 401, 403, 403, 403, 403, 200, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/reject (Göç's request)",
        "POST",
        f"{REQUESTS}/<int:request_id>/reject",
        lambda c, w, h: (
            c.post(
                f"/api/v1/change-requests/{_pending(c, w)}/reject",
                headers=h,
                json={"reason": "Eksik bilgi"},
            ).status_code
        ),
        [401, 401, 403, 403, 403, 403, 200, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/reject (Göç act repealing an SGK act, first step)",
        "POST",
        f"{REQUESTS}/<int:request_id>/reject",
        lambda c, w, h: (
            c.post(
                f"/api/v1/change-requests/{_cross_repeal(c, w)}/reject",
                headers=h,
                json={"reason": "Yönerge yürürlükte kalmalı"},
            ).status_code
        ),
        [401, 401, 403, 403, 403, 200, 200, 403, 403],
    ),
    Row(
        "POST /change-requests/{id}/withdraw (Göç's request)",
        "POST",
        f"{REQUESTS}/<int:request_id>/withdraw",
        lambda c, w, h: (
            c.post(f"/api/v1/change-requests/{_pending(c, w)}/withdraw", headers=h).status_code
        ),
        [401, 401, 200, 403, 403, 403, 403, 403, 403],
    ),
    Row(
        "POST /change-batches/{id}/approve (filed by Göç's coordinator)",
        "POST",
        f"{API}/change-batches/<int:batch_id>/approve",
        lambda c, w, h: (
            c.post(f"/api/v1/change-batches/{_batch(c, w)}/approve", headers=h).status_code
        ),
        [401, 401, 403, 404, 200, 404, 200, 403, 403],
    ),
    Row(
        "POST /change-batches/{id}/reject (filed by Göç's coordinator)",
        "POST",
        f"{API}/change-batches/<int:batch_id>/reject",
        lambda c, w, h: (
            c.post(
                f"/api/v1/change-batches/{_batch(c, w)}/reject",
                headers=h,
                json={"reason": "Dosya eksik"},
            ).status_code
        ),
        [401, 401, 403, 404, 403, 404, 200, 403, 403],
    ),
    Row(
        "POST /review-tasks/{id}/confirm (Göç's task)",
        "POST",
        f"{API}/review-tasks/<int:task_id>/confirm",
        lambda c, w, h: (
            c.post(f"/api/v1/review-tasks/{_open_task(c, w)}/confirm", headers=h).status_code
        ),
        [401, 401, 200, 404, 403, 404, 403, 403, 403],
    ),
    Row(
        "POST /documents/unmatched/{id}/resolve (a Göç service's name: files a request)",
        "POST",
        f"{API}/documents/unmatched/<int:item_id>/resolve",
        _resolve_unmatched,
        [401, 401, 202, 403, 403, 403, 202, 403, 403],
    ),
    Row(
        "PUT /search/synonyms (files a request)",
        "PUT",
        f"{API}/search/synonyms",
        lambda c, w, h: (
            c.put(
                "/api/v1/search/synonyms",
                headers=h,
                json={"groups": [["matris", f"tablo {next(_SERVICES)}"]]},
            ).status_code
        ),
        [401, 401, 403, 403, 403, 403, 202, 403, 403],
    ),
    Row(
        "POST /person-keys",
        "POST",
        f"{API}/person-keys",
        lambda c, w, h: (
            c.post("/api/v1/person-keys", headers=h, json={"person_id": national_id(7)}).status_code
        ),
        [401, 401, 200, 200, 403, 403, 200, 403, 403],
    ),
    Row(
        "POST /complaints/{code}/events (filed at a Göç unit)",
        "POST",
        f"{API}/complaints/<string:tracking_code>/events",
        lambda c, w, h: (
            c.post(
                f"/api/v1/complaints/{_complaint(c, w)}/events",
                headers=h,
                json={"status": "in_review"},
            ).status_code
        ),
        [401, 401, 201, 404, 201, 404, 403, 403, 403],
    ),
    Row(
        "POST /complaints (public)",
        "POST",
        f"{API}/complaints",
        lambda c, w, h: (
            c.post(
                "/api/v1/complaints",
                headers=h,
                environ_base=_citizen(),
                json={
                    "organization": w.bidb,
                    "subject": "service_missing",
                    "service_name": "Arşiv belgesi örneği",
                    "text": "Tabloda olmayan bir hizmet için başvurdum.",
                    "contact": {"name": "Ali Veli", "email": "ali@example.org"},
                },
            ).status_code
        ),
        PUBLIC,
    ),
    Row(
        "POST /surveys (public)",
        "POST",
        f"{API}/surveys",
        lambda c, w, h: (
            c.post(
                "/api/v1/surveys",
                headers=h,
                environ_base=_citizen(),
                json={"service": _a_service(c, w), "score": 4},
            ).status_code
        ),
        PUBLIC,
    ),
    Row(
        "POST /complaints, the site's form (public)",
        "POST",
        "/complaints",
        lambda c, w, h: (
            c.post(
                "/complaints",
                headers=h,
                environ_base=_citizen(),
                data={
                    "organization": w.bidb,
                    "subject": "service_missing",
                    "service_name": "Arşiv belgesi örneği",
                    "text": "Tabloda olmayan bir hizmet için başvurdum.",
                    "contact.name": "Ali Veli",
                    "contact.email": "ali@example.org",
                },
            ).status_code
        ),
        [303] * len(CALLERS),  # filed, then to its receipt
    ),
    Row(
        "POST /complaints/track, the site's form (public, reads with the key)",
        "POST",
        "/complaints/track",
        lambda c, w, h: (
            c.post(
                "/complaints/track",
                headers=h,
                environ_base=_citizen(),
                data={
                    "tracking_code": (filed := _filed_complaint(c, w))["tracking_code"],
                    "access_key": filed["access_key"],
                },
            ).status_code
        ),
        [200] * len(CALLERS),
    ),
    Row(
        "POST /services/{code}/survey, the site's form (public)",
        "POST",
        "/services/<string:code>/survey",
        lambda c, w, h: (
            c.post(
                f"/services/{_a_service(c, w)}/survey",
                headers=h,
                environ_base=_citizen(),
                data={"score": "5"},
            ).status_code
        ),
        [303] * len(CALLERS),
    ),
    Row(
        "POST /DETSISServis.asmx (KAYSİS SOAP: the caller's token as Password, Göç as KurumID)",
        "POST",
        "/DETSISServis.asmx",
        lambda c, w, h: _soap(c, w, h),
        [403, 403, 403, 403, 403, 403, 403, 403, 200],
        hr=403,
    ),
    # The back office signs people in with a password and a cookie, never a bearer token: every
    # caller here is a stranger to it. The sign-in form without its CSRF token is refused (400);
    # the rest, without a session, go to the sign-in page (303). tests/test_backoffice.py covers
    # who may do what once signed in.
    Row(
        "POST /manage/login, the back office's sign-in (no CSRF token)",
        "POST",
        "/manage/login",
        lambda c, w, h: (
            c.post(
                "/manage/login", headers=h, data={"login": "reviewer", "password": "x" * 12}
            ).status_code
        ),
        [400] * len(CALLERS),
    ),
    Row(
        "POST /manage/login/code (no session)",
        "POST",
        "/manage/login/code",
        lambda c, w, h: (
            c.post("/manage/login/code", headers=h, data={"code": "123456"}).status_code
        ),
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/logout (no session)",
        "POST",
        "/manage/logout",
        lambda c, w, h: c.post("/manage/logout", headers=h).status_code,
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/requests/{id}/decide (no session)",
        "POST",
        "/manage/requests/<int:request_id>/decide",
        lambda c, w, h: (
            c.post(
                f"/manage/requests/{_pending(c, w)}/decide",
                headers=h,
                data={"decision": "approve"},
            ).status_code
        ),
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/inbox/decide, several requests at once (no session)",
        "POST",
        "/manage/inbox/decide",
        lambda c, w, h: c.post("/manage/inbox/decide", headers=h, data={"csrf": "x"}).status_code,
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/batches/{id}/decide (no session)",
        "POST",
        "/manage/batches/<int:batch_id>/decide",
        lambda c, w, h: (
            c.post("/manage/batches/1/decide", headers=h, data={"csrf": "x"}).status_code
        ),
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/propose/{entity}/{action}, a proposed record (no session)",
        "POST",
        "/manage/propose/<entity>/<action>",
        lambda c, w, h: (
            c.post("/manage/propose/organization/create", headers=h, data={"csrf": "x"}).status_code
        ),
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/propose/{entity}/{action}/{target} (no session)",
        "POST",
        "/manage/propose/<entity>/<action>/<target>",
        lambda c, w, h: (
            c.post(
                "/manage/propose/organization/update/1", headers=h, data={"csrf": "x"}
            ).status_code
        ),
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/admin/accounts, a new account (no session)",
        "POST",
        "/manage/admin/accounts",
        lambda c, w, h: c.post("/manage/admin/accounts", headers=h, data={"csrf": "x"}).status_code,
        [303] * len(CALLERS),
    ),
    Row(
        "POST /manage/admin/accounts/{id}, scope, deactivation, second factor (no session)",
        "POST",
        "/manage/admin/accounts/<int:user_id>",
        lambda c, w, h: (
            c.post("/manage/admin/accounts/1", headers=h, data={"csrf": "x"}).status_code
        ),
        [303] * len(CALLERS),
    ),
    # Under the SOAP address only POST of an envelope is answered; anything else is a SOAP
    # fault, never the site's HTML page, whoever calls.
    Row(
        "PUT /DETSISServis.asmx",
        "PUT",
        "/DETSISServis.asmx",
        lambda c, w, h: c.open("/DETSISServis.asmx", method="PUT", headers=h).status_code,
        [405] * len(CALLERS),
    ),
    Row(
        "PATCH /DETSISServis.asmx",
        "PATCH",
        "/DETSISServis.asmx",
        lambda c, w, h: c.open("/DETSISServis.asmx", method="PATCH", headers=h).status_code,
        [405] * len(CALLERS),
    ),
    Row(
        "DELETE /DETSISServis.asmx",
        "DELETE",
        "/DETSISServis.asmx",
        lambda c, w, h: c.open("/DETSISServis.asmx", method="DELETE", headers=h).status_code,
        [405] * len(CALLERS),
    ),
    Row(
        "POST /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)",
        "POST",
        "/DETSISServis.asmx/<path:rest>",
        lambda c, w, h: (
            c.open("/DETSISServis.asmx/KurumBirimleriGetir", method="POST", headers=h).status_code
        ),
        [404] * len(CALLERS),
    ),
    Row(
        "PUT /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)",
        "PUT",
        "/DETSISServis.asmx/<path:rest>",
        lambda c, w, h: (
            c.open("/DETSISServis.asmx/KurumBirimleriGetir", method="PUT", headers=h).status_code
        ),
        [404] * len(CALLERS),
    ),
    Row(
        "PATCH /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)",
        "PATCH",
        "/DETSISServis.asmx/<path:rest>",
        lambda c, w, h: (
            c.open("/DETSISServis.asmx/KurumBirimleriGetir", method="PATCH", headers=h).status_code
        ),
        [404] * len(CALLERS),
    ),
    Row(
        "DELETE /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)",
        "DELETE",
        "/DETSISServis.asmx/<path:rest>",
        lambda c, w, h: (
            c.open("/DETSISServis.asmx/KurumBirimleriGetir", method="DELETE", headers=h).status_code
        ),
        [404] * len(CALLERS),
    ),
    # HR provisioning (SCIM, registry/scim/): Göç's HR account only; every other caller,
    # whatever its role, is refused before the body is read.
    Row(
        "POST /scim/v2/Users (a new starter of a Göç unit)",
        "POST",
        f"{SCIM}/Users",
        lambda c, w, h: _scim(c, "POST", "/Users", h, _starter(w)),
        [401, 401, 403, 403, 403, 403, 403, 403, 403],
        hr=201,
    ),
    Row(
        "PUT /scim/v2/Users/{id} (a Göç person)",
        "PUT",
        f"{SCIM}/Users/<int:user_id>",
        lambda c, w, h: _scim(c, "PUT", f"/Users/{_scim_person(c, w)}", h, _replacement(w)),
        [401, 401, 403, 403, 403, 403, 403, 403, 403],
        hr=200,
    ),
    Row(
        "PATCH /scim/v2/Users/{id} (a Göç person)",
        "PATCH",
        f"{SCIM}/Users/<int:user_id>",
        lambda c, w, h: _scim(
            c,
            "PATCH",
            f"/Users/{_scim_person(c, w)}",
            h,
            {
                "schemas": [SCIM_PATCH],
                "Operations": [{"op": "replace", "path": "externalId", "value": "IK-1"}],
            },
        ),
        [401, 401, 403, 403, 403, 403, 403, 403, 403],
        hr=200,
    ),
    Row(
        "DELETE /scim/v2/Users/{id} (a Göç person: deactivates)",
        "DELETE",
        f"{SCIM}/Users/<int:user_id>",
        lambda c, w, h: _scim(c, "DELETE", f"/Users/{_scim_person(c, w)}", h),
        [401, 401, 403, 403, 403, 403, 403, 403, 403],
        hr=204,
    ),
    Row(
        "PUT /scim/v2/Groups/{id} (Göç's coordinators, unchanged)",
        "PUT",
        f"{SCIM}/Groups/<string:group_id>",
        lambda c, w, h: _scim(c, "PUT", "/Groups/coordinator", h, _coordinators(c, w)),
        [401, 401, 403, 403, 403, 403, 403, 403, 403],
        hr=200,
    ),
    Row(
        "PATCH /scim/v2/Groups/{id} (a new Göç approver)",
        "PATCH",
        f"{SCIM}/Groups/<string:group_id>",
        lambda c, w, h: _scim(
            c,
            "PATCH",
            "/Groups/institution_approver",
            h,
            {
                "schemas": [SCIM_PATCH],
                "Operations": [
                    {"op": "add", "path": "members", "value": [{"value": _scim_person(c, w)}]}
                ],
            },
        ),
        [401, 401, 403, 403, 403, 403, 403, 403, 403],
        hr=200,
    ),
]

# Reads whose answer depends on the caller, kept in the table for reference.
READS: list[Row] = [
    Row(
        "GET /change-requests",
        "GET",
        REQUESTS,
        lambda c, w, h: c.get("/api/v1/change-requests", headers=h).status_code,
        [401, 401, 200, 200, 200, 200, 200, 403, 403],
    ),
    Row(
        "GET /review-tasks",
        "GET",
        f"{API}/review-tasks",
        lambda c, w, h: c.get("/api/v1/review-tasks", headers=h).status_code,
        [401, 401, 200, 200, 200, 200, 200, 403, 403],
    ),
    Row(
        "GET /documents/unmatched",
        "GET",
        f"{API}/documents/unmatched",
        lambda c, w, h: c.get("/api/v1/documents/unmatched", headers=h).status_code,
        [401, 401, 200, 200, 200, 200, 200, 403, 403],
    ),
    Row(
        "GET /complaints",
        "GET",
        f"{API}/complaints",
        lambda c, w, h: c.get("/api/v1/complaints", headers=h).status_code,
        [401, 401, 200, 200, 200, 200, 200, 403, 403],
    ),
    Row(
        "GET /complaints/{code} without the access key (filed at a Göç unit)",
        "GET",
        f"{API}/complaints/<string:tracking_code>",
        lambda c, w, h: c.get(f"/api/v1/complaints/{_complaint(c, w)}", headers=h).status_code,
        [401, 401, 200, 404, 200, 404, 200, 403, 403],
    ),
]


def write_endpoints(app: Flask) -> set[tuple[str, str]]:
    """Every (method, rule) of the app that writes: POST, PUT, PATCH or DELETE."""
    return {
        (method, rule.rule)
        for rule in app.url_map.iter_rules()
        for method in (rule.methods or set()) & WRITE_METHODS
    }


DOC = Path(__file__).resolve().parent.parent / "docs" / "security.md"


def render(matrix: dict[str, list[int]]) -> str:
    lines = ["| endpoint | " + " | ".join(COLUMNS) + " |", "|---|" + "---|" * len(COLUMNS)]
    for endpoint, codes in matrix.items():
        lines.append(f"| {endpoint} | " + " | ".join(str(code) for code in codes) + " |")
    return "\n".join(lines) + "\n"


def test_every_write_endpoint_has_a_row(app: Flask) -> None:
    """A new POST, PUT, PATCH or DELETE route fails here until the matrix says who may call it
    (and the reviewer-alone walk below covers it)."""
    rows = {(row.method, row.rule) for row in ROWS}
    assert write_endpoints(app) - rows == set(), "write endpoints missing from the matrix"
    assert rows - write_endpoints(app) == set(), "rows of endpoints the app does not have"
    assert write_endpoints(app) == set(ALONE), "write endpoints missing from ALONE"


def test_role_endpoint_matrix(client: FlaskClient, session: Session, backend: str) -> None:
    world = _with_hr(session, build_world(session))
    actual: dict[str, list[int]] = {}
    for row in [*ROWS, *READS]:
        actual[row.label] = [row.cell(client, world, _headers(world, caller)) for caller in COLUMNS]
    assert actual == {row.label: row.codes() for row in [*ROWS, *READS]}
    table = render(actual)
    if os.environ.get("REGISTRY_WRITE_DOCS") == "1" and backend == "sqlite":
        text = DOC.read_text(encoding="utf-8")
        start, end = text.index("<!-- matrix -->"), text.index("<!-- /matrix -->")
        DOC.write_text(text[:start] + "<!-- matrix -->\n" + table + text[end:], encoding="utf-8")
    assert table in DOC.read_text(encoding="utf-8"), "docs/security.md is out of date"


# -- a reviewer alone: every write endpoint, and nothing published changes --

Begin = Callable[[], None]
Alone = Callable[[FlaskClient, World, Begin], list[int]]


def _own_request(client: FlaskClient, world: World, **body: object) -> int:
    response = client.post("/api/v1/change-requests", headers=world.auth("reviewer"), json=body)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _own_unit_change(client: FlaskClient, world: World) -> int:
    return _own_request(
        client,
        world,
        entity="organization",
        action="update",
        target=world.bidb,
        data={"name": f"Bilgi İşlem Dairesi {next(_SERVICES)}"},
    )


def _alone_submit(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    begin()
    return [_own_unit_change(c, w) and 201]


def _alone_approve(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    mine = _own_unit_change(c, w)
    begin()
    return [
        c.post(f"/api/v1/change-requests/{mine}/approve", headers=w.auth("reviewer")).status_code
    ]


def _alone_reject(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    mine = _own_unit_change(c, w)
    begin()
    return [
        c.post(
            f"/api/v1/change-requests/{mine}/reject",
            headers=w.auth("reviewer"),
            json={"reason": "Vazgeçtim"},
        ).status_code
    ]


def _alone_withdraw(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    mine = _own_unit_change(c, w)
    begin()
    return [
        c.post(f"/api/v1/change-requests/{mine}/withdraw", headers=w.auth("reviewer")).status_code
    ]


def _alone_batch(decision: str) -> Alone:
    def walk(c: FlaskClient, w: World, begin: Begin) -> list[int]:
        mine = _batch(c, w, who="reviewer")
        begin()
        url = f"/api/v1/change-batches/{mine}/{decision}"
        return [c.post(url, headers=w.auth("reviewer"), json={"reason": "Tek başıma"}).status_code]

    return walk


def _alone_resolve(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    item = _unmatched_name(c, w)
    begin()
    proposed = c.post(
        f"/api/v1/documents/unmatched/{item}/resolve",
        headers=w.auth("reviewer"),
        json={"new_document": {"name": f"Tek Başına Belge {item}"}},
    )
    approve = f"/api/v1/change-requests/{proposed.json['id']}/approve"
    return [proposed.status_code, c.post(approve, headers=w.auth("reviewer")).status_code]


def _alone_synonyms(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    begin()
    proposed = c.put(
        "/api/v1/search/synonyms",
        headers=w.auth("reviewer"),
        json={"groups": [["tek başına", "yalnız"]]},
    )
    approve = f"/api/v1/change-requests/{proposed.json['id']}/approve"
    return [proposed.status_code, c.post(approve, headers=w.auth("reviewer")).status_code]


def _alone_row(label: str) -> Alone:
    """The matrix cell, called with the reviewer's token (a cell that needs no setup)."""
    row = next(r for r in ROWS if r.label == label)

    def walk(c: FlaskClient, w: World, begin: Begin) -> list[int]:
        begin()
        return [row.cell(c, w, w.auth("reviewer"))]

    return walk


def _alone_confirm(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    task = _open_task(c, w)  # opened by others' approved changes
    begin()
    return [c.post(f"/api/v1/review-tasks/{task}/confirm", headers=w.auth("reviewer")).status_code]


def _alone_complaint_event(c: FlaskClient, w: World, begin: Begin) -> list[int]:
    code = _complaint(c, w)
    begin()
    url = f"/api/v1/complaints/{code}/events"
    return [c.post(url, headers=w.auth("reviewer"), json={"status": "in_review"}).status_code]


def _alone_survey(form: bool) -> Alone:
    def walk(c: FlaskClient, w: World, begin: Begin) -> list[int]:
        code = _a_service(c, w)
        begin()
        headers, place = w.auth("reviewer"), _citizen()
        if form:
            answer = c.post(
                f"/services/{code}/survey", headers=headers, environ_base=place, data={"score": "5"}
            )
        else:
            answer = c.post(
                "/api/v1/surveys",
                headers=headers,
                environ_base=place,
                json={"service": code, "score": 4},
            )
        return [answer.status_code]

    return walk


def _alone_scim(method: str, path: str, body: Callable[[FlaskClient, World], object]) -> Alone:
    """A reviewer at a SCIM endpoint, after Göç's HR system opened the person it names."""

    def walk(c: FlaskClient, w: World, begin: Begin) -> list[int]:
        target = _scim_person(c, w)
        payload = body(c, w)
        begin()
        return [_scim(c, method, path.format(id=target), w.auth("reviewer"), payload)]

    return walk


ALONE: dict[tuple[str, str], Alone] = {
    ("POST", REQUESTS): _alone_submit,
    ("POST", APPROVE): _alone_approve,
    ("POST", f"{REQUESTS}/<int:request_id>/reject"): _alone_reject,
    ("POST", f"{REQUESTS}/<int:request_id>/withdraw"): _alone_withdraw,
    ("POST", f"{API}/change-batches/<int:batch_id>/approve"): _alone_batch("approve"),
    ("POST", f"{API}/change-batches/<int:batch_id>/reject"): _alone_batch("reject"),
    ("POST", f"{API}/documents/unmatched/<int:item_id>/resolve"): _alone_resolve,
    ("PUT", f"{API}/search/synonyms"): _alone_synonyms,
    ("POST", f"{API}/review-tasks/<int:task_id>/confirm"): _alone_confirm,
    ("POST", f"{API}/person-keys"): _alone_row("POST /person-keys"),
    ("POST", f"{API}/complaints/<string:tracking_code>/events"): _alone_complaint_event,
    ("POST", f"{API}/complaints"): _alone_row("POST /complaints (public)"),
    ("POST", f"{API}/surveys"): _alone_survey(form=False),
    ("POST", "/complaints"): _alone_row("POST /complaints, the site's form (public)"),
    ("POST", "/complaints/track"): _alone_row(
        "POST /complaints/track, the site's form (public, reads with the key)"
    ),
    ("POST", "/services/<string:code>/survey"): _alone_survey(form=True),
    ("POST", "/manage/login"): _alone_row(
        "POST /manage/login, the back office's sign-in (no CSRF token)"
    ),
    ("POST", "/manage/login/code"): _alone_row("POST /manage/login/code (no session)"),
    ("POST", "/manage/logout"): _alone_row("POST /manage/logout (no session)"),
    ("POST", "/manage/requests/<int:request_id>/decide"): _alone_row(
        "POST /manage/requests/{id}/decide (no session)"
    ),
    ("POST", "/DETSISServis.asmx"): _alone_row(
        "POST /DETSISServis.asmx (KAYSİS SOAP: the caller's token as Password, Göç as KurumID)"
    ),
    ("POST", "/manage/inbox/decide"): _alone_row(
        "POST /manage/inbox/decide, several requests at once (no session)"
    ),
    ("POST", "/manage/batches/<int:batch_id>/decide"): _alone_row(
        "POST /manage/batches/{id}/decide (no session)"
    ),
    ("POST", "/manage/propose/<entity>/<action>"): _alone_row(
        "POST /manage/propose/{entity}/{action}, a proposed record (no session)"
    ),
    ("POST", "/manage/propose/<entity>/<action>/<target>"): _alone_row(
        "POST /manage/propose/{entity}/{action}/{target} (no session)"
    ),
    ("POST", "/manage/admin/accounts"): _alone_row(
        "POST /manage/admin/accounts, a new account (no session)"
    ),
    ("POST", "/manage/admin/accounts/<int:user_id>"): _alone_row(
        "POST /manage/admin/accounts/{id}, scope, deactivation, second factor (no session)"
    ),
    ("PUT", "/DETSISServis.asmx"): _alone_row("PUT /DETSISServis.asmx"),
    ("PATCH", "/DETSISServis.asmx"): _alone_row("PATCH /DETSISServis.asmx"),
    ("DELETE", "/DETSISServis.asmx"): _alone_row("DELETE /DETSISServis.asmx"),
    ("POST", "/DETSISServis.asmx/<path:rest>"): _alone_row(
        "POST /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)"
    ),
    ("PUT", "/DETSISServis.asmx/<path:rest>"): _alone_row(
        "PUT /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)"
    ),
    ("PATCH", "/DETSISServis.asmx/<path:rest>"): _alone_row(
        "PATCH /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)"
    ),
    ("DELETE", "/DETSISServis.asmx/<path:rest>"): _alone_row(
        "DELETE /DETSISServis.asmx/{operation} (the old WSDL's HTTP ports)"
    ),
    ("POST", f"{SCIM}/Users"): _alone_scim("POST", "/Users", lambda c, w: _starter(w)),
    ("PUT", f"{SCIM}/Users/<int:user_id>"): _alone_scim(
        "PUT", "/Users/{id}", lambda c, w: _replacement(w)
    ),
    ("PATCH", f"{SCIM}/Users/<int:user_id>"): _alone_scim(
        "PATCH",
        "/Users/{id}",
        lambda c, w: {
            "schemas": [SCIM_PATCH],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        },
    ),
    ("DELETE", f"{SCIM}/Users/<int:user_id>"): _alone_scim(
        "DELETE", "/Users/{id}", lambda c, w: None
    ),
    ("PUT", f"{SCIM}/Groups/<string:group_id>"): _alone_scim(
        "PUT", "/Groups/coordinator", _coordinators
    ),
    ("PATCH", f"{SCIM}/Groups/<string:group_id>"): _alone_scim(
        "PATCH",
        "/Groups/coordinator",
        lambda c, w: {
            "schemas": [SCIM_PATCH],
            "Operations": [{"op": "remove", "path": "members"}],
        },
    ),
}

# What a reviewer alone gets at each endpoint: proposals are filed, approvals of their own are
# refused, and the public forms are the citizens' (complaints and ratings are not registry data).
ALONE_EXPECTED: dict[tuple[str, str], list[int]] = {
    ("POST", REQUESTS): [201],
    ("POST", APPROVE): [403],
    ("POST", f"{REQUESTS}/<int:request_id>/reject"): [403],
    ("POST", f"{REQUESTS}/<int:request_id>/withdraw"): [200],
    ("POST", f"{API}/change-batches/<int:batch_id>/approve"): [403],
    ("POST", f"{API}/change-batches/<int:batch_id>/reject"): [403],
    ("POST", f"{API}/documents/unmatched/<int:item_id>/resolve"): [202, 403],
    ("PUT", f"{API}/search/synonyms"): [202, 403],
    ("POST", f"{API}/review-tasks/<int:task_id>/confirm"): [403],
    ("POST", f"{API}/person-keys"): [200],
    ("POST", f"{API}/complaints/<string:tracking_code>/events"): [403],
    ("POST", f"{API}/complaints"): [201],
    ("POST", f"{API}/surveys"): [201],
    ("POST", "/complaints"): [303],
    ("POST", "/complaints/track"): [200],
    ("POST", "/services/<string:code>/survey"): [303],
    ("POST", "/manage/login"): [400],
    ("POST", "/manage/login/code"): [303],
    ("POST", "/manage/logout"): [303],
    ("POST", "/manage/requests/<int:request_id>/decide"): [303],
    ("POST", "/DETSISServis.asmx"): [403],
    ("POST", "/manage/inbox/decide"): [303],
    ("POST", "/manage/batches/<int:batch_id>/decide"): [303],
    ("POST", "/manage/propose/<entity>/<action>"): [303],
    ("POST", "/manage/propose/<entity>/<action>/<target>"): [303],
    ("POST", "/manage/admin/accounts"): [303],
    ("POST", "/manage/admin/accounts/<int:user_id>"): [303],
    ("PUT", "/DETSISServis.asmx"): [405],
    ("PATCH", "/DETSISServis.asmx"): [405],
    ("DELETE", "/DETSISServis.asmx"): [405],
    ("POST", "/DETSISServis.asmx/<path:rest>"): [404],
    ("PUT", "/DETSISServis.asmx/<path:rest>"): [404],
    ("PATCH", "/DETSISServis.asmx/<path:rest>"): [404],
    ("DELETE", "/DETSISServis.asmx/<path:rest>"): [404],
    # HR provisioning is the HR system's alone
    ("POST", f"{SCIM}/Users"): [403],
    ("PUT", f"{SCIM}/Users/<int:user_id>"): [403],
    ("PATCH", f"{SCIM}/Users/<int:user_id>"): [403],
    ("DELETE", f"{SCIM}/Users/<int:user_id>"): [403],
    ("PUT", f"{SCIM}/Groups/<string:group_id>"): [403],
    ("PATCH", f"{SCIM}/Groups/<string:group_id>"): [403],
}


def _published(session: Session) -> tuple[int, int, int]:
    """What the public sees changing: the audit trail (every applied change appends to it),
    the standards tables' versions, and the synonym groups."""
    state = (
        audit.head_seq(session),
        session.scalar(select(func.count()).select_from(ServiceStandardTable)) or 0,
        session.scalar(select(func.count()).select_from(SearchSynonymGroup)) or 0,
    )
    session.rollback()  # end the read: the next request writes
    return state


def test_a_reviewer_alone_changes_no_published_data_through_any_endpoint(
    client: FlaskClient, session: Session
) -> None:
    world = _with_hr(session, build_world(session))
    outcomes: dict[tuple[str, str], list[int]] = {}
    for endpoint, walk in ALONE.items():
        before: list[tuple[int, int, int]] = []

        def begin(seen: list[tuple[int, int, int]] = before) -> None:
            seen.append(_published(session))

        outcomes[endpoint] = walk(client, world, begin)
        assert _published(session) == before[0], f"{endpoint} changed published data"
    assert outcomes == ALONE_EXPECTED


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
