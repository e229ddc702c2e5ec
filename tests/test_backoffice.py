"""The back office over HTTP: sign-in with password and TOTP, lockouts, sessions that end when
they should, CSRF, and the inbox deciding through the workflow's own rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from registry.accounts import service as accounts
from registry.accounts.models import SignInSession, User
from registry.audit.models import AuditEntry
from registry.backoffice import signin
from registry.backoffice.pages import SESSION_COOKIE
from registry.workflow.entities import HANDLERS
from registry.workflow.models import ChangeRequest
from tests.factories import make_document, make_service
from tests.test_service_standards import publish_contacts
from tests.workflow_world import World, build_world

PASSWORD = "uzun-ve-gizli-bir-parola"


def _give_logins(session: Session, world: World) -> None:
    """Logins for everyone, and one password hashed once (argon2id is slow on purpose) and
    given to every account: the same value ``set_password`` would store."""
    hashed: str | None = None
    for who, user_id in world.user_ids.items():
        accounts.set_login(session, user_id, who.replace("_", "."), f"{who}@example.org")
        if hashed is None:
            hashed = accounts.set_password(session, user_id, PASSWORD).password_hash
        else:
            session.execute(update(User).where(User.id == user_id).values(password_hash=hashed))
    session.commit()


@pytest.fixture
def world(session: Session) -> World:
    made = build_world(session)
    _give_logins(session, made)
    return made


def _csrf(html: str) -> str:
    match = re.search(r'name="csrf" value="([^"]+)"', html)
    assert match, html
    return match.group(1)


def _password(client: FlaskClient, login: str, password: str = PASSWORD, **extra: str):  # type: ignore[no-untyped-def]
    form = client.get("/manage/login")
    assert form.status_code == 200
    return client.post(
        "/manage/login",
        data={"csrf": _csrf(form.text), "login": login, "password": password},
        **extra,
    )


def _secret(session: Session, user_id: int) -> str:
    session.expire_all()
    user = session.get(User, user_id)
    assert user is not None and user.totp_secret is not None
    secret = user.totp_secret
    session.rollback()
    return secret


def _sign_in(
    client: FlaskClient, session: Session, world: World, who: str, at_offset: int = 0
) -> None:
    """Password, then (for deciding roles) the TOTP code pyotp computes, enrolling if needed."""
    answer = _password(client, who.replace("_", "."))
    assert answer.status_code == 303, answer.text
    if answer.headers["Location"].endswith("/manage/login/code"):
        page = client.get("/manage/login/code")
        code = pyotp.TOTP(_secret(session, world.user_ids[who])).at(
            datetime.now(UTC) + timedelta(seconds=30 * at_offset)
        )
        done = client.post("/manage/login/code", data={"csrf": _csrf(page.text), "code": code})
        assert done.status_code == 303, done.text
        assert done.headers["Location"].endswith("/manage/")
    assert client.get("/manage/").status_code == 200


def test_sign_in_with_password_and_totp_enrols_then_reaches_the_desk(
    client: FlaskClient, session: Session, world: World
) -> None:
    answer = _password(client, "goc.approver")
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("/manage/login/code")
    cookie = answer.headers.getlist("Set-Cookie")
    assert any(
        SESSION_COOKIE in c and "HttpOnly" in c and "SameSite=Lax" in c and "Secure" in c
        for c in cookie
    )
    # waiting for the code, the desk is out of reach
    assert client.get("/manage/").headers["Location"].endswith("/manage/login/code")
    page = client.get("/manage/login/code")
    assert "otpauth://totp/" in page.text and "data:image/svg+xml" in page.text
    code = pyotp.TOTP(_secret(session, world.user_ids["goc_approver"])).now()
    done = client.post("/manage/login/code", data={"csrf": _csrf(page.text), "code": code})
    assert done.status_code == 303
    desk = client.get("/manage/")
    assert desk.status_code == 200
    assert "Kurum onaylayıcısı" in desk.text and "Göç İdaresi Başkanlığı" in desk.text
    assert desk.headers["Cache-Control"] == "no-store"
    enrolled = session.get(User, world.user_ids["goc_approver"])
    assert enrolled is not None and enrolled.totp_enrolled_at is not None


def test_a_coordinator_signs_in_with_the_password_alone(
    client: FlaskClient, session: Session, world: World
) -> None:
    answer = _password(client, "goc.coordinator")
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/manage/")
    assert "Kurum koordinatörü" in client.get("/manage/").text


def test_wrong_password_and_unknown_login_are_refused_alike(
    client: FlaskClient, world: World
) -> None:
    wrong = _password(client, "goc.coordinator", "yanlış-parola-budur")
    unknown = _password(client, "olmayan.kisi", PASSWORD)
    assert wrong.status_code == unknown.status_code == 401
    assert "Kullanıcı adı veya parola hatalı" in wrong.text
    assert "Kullanıcı adı veya parola hatalı" in unknown.text
    assert client.get("/manage/").status_code == 303


def test_a_wrong_code_is_refused_and_a_used_code_is_not_taken_twice(
    client: FlaskClient, session: Session, world: World
) -> None:
    _password(client, "reviewer")
    page = client.get("/manage/login/code")
    wrong = client.post("/manage/login/code", data={"csrf": _csrf(page.text), "code": "000000"})
    assert wrong.status_code == 401 and "Doğrulama kodu hatalı" in wrong.text
    assert client.get("/manage/inbox").headers["Location"].endswith("/manage/login/code")
    code = pyotp.TOTP(_secret(session, world.user_ids["reviewer"])).now()
    assert (
        client.post("/manage/login/code", data={"csrf": _csrf(page.text), "code": code}).status_code
        == 303
    )
    other = client.application.test_client()
    _password(other, "reviewer")
    page = other.get("/manage/login/code")
    assert "otpauth://" not in page.text  # enrolled once, never shown again
    replay = other.post("/manage/login/code", data={"csrf": _csrf(page.text), "code": code})
    assert replay.status_code == 401


def test_five_failures_lock_the_login_even_against_the_right_password(
    client: FlaskClient, world: World
) -> None:
    for _ in range(signin.LOGIN_FAILURES):
        assert _password(client, "sgk.coordinator", "yanlış-parola-budur").status_code == 401
    locked = _password(client, "sgk.coordinator")
    assert locked.status_code == 429 and "kilitli" in locked.text
    # another login from another address is not affected
    other = _password(client, "goc.coordinator", environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 303


def test_an_address_with_many_failures_is_refused_whatever_the_login(
    client: FlaskClient, world: World
) -> None:
    place = {"REMOTE_ADDR": "192.0.2.50"}
    for number in range(signin.ADDRESS_FAILURES):
        _password(client, f"kimse.{number}", "yanlış-parola-budur", environ_base=place)
    refused = _password(client, "goc.coordinator", environ_base=place)
    assert refused.status_code == 429 and "adresten" in refused.text


def test_an_idle_session_expires(client: FlaskClient, session: Session, world: World) -> None:
    _sign_in(client, session, world, "goc_coordinator")
    long_ago = datetime.now(UTC) - timedelta(minutes=31)
    session.execute(update(SignInSession).values(last_seen_at=long_ago))
    session.commit()
    answer = client.get("/manage/")
    assert answer.status_code == 303 and "/manage/login" in answer.headers["Location"]
    assert "süresi doldu" in client.get(answer.headers["Location"]).text
    row = session.scalars(select(SignInSession)).one()
    assert row.ended_at is not None


def test_a_form_without_its_csrf_token_is_refused(
    client: FlaskClient, session: Session, world: World
) -> None:
    client.get("/manage/login")
    bare = client.post("/manage/login", data={"login": "goc.coordinator", "password": PASSWORD})
    assert bare.status_code == 400 and "Form geçersiz" in bare.text
    _sign_in(client, session, world, "goc_coordinator")
    assert client.post("/manage/logout").status_code == 400
    assert client.post("/manage/logout", data={"csrf": "sahte"}).status_code == 400
    assert client.get("/manage/").status_code == 200  # still signed in


def test_sign_out_ends_the_session(client: FlaskClient, session: Session, world: World) -> None:
    _sign_in(client, session, world, "goc_coordinator")
    page = client.get("/manage/")
    assert client.post("/manage/logout", data={"csrf": _csrf(page.text)}).status_code == 303
    assert client.get("/manage/").status_code == 303


def test_deactivation_and_a_new_password_end_sessions_at_once(
    client: FlaskClient, session: Session, world: World
) -> None:
    _sign_in(client, session, world, "goc_coordinator")
    other = client.application.test_client()
    _sign_in(other, session, world, "sgk_coordinator")
    runner = client.application.test_cli_runner()
    ended = runner.invoke(args=["users", "deactivate", str(world.user_ids["goc_coordinator"])])
    assert ended.exit_code == 0, ended.output
    assert client.get("/manage/").status_code == 303
    changed = runner.invoke(
        args=["users", "set-password", str(world.user_ids["sgk_coordinator"]), "--password-stdin"],
        input="bambaşka-yeni-bir-parola\n",
    )
    assert changed.exit_code == 0, changed.output
    assert other.get("/manage/").status_code == 303
    assert _password(other, "sgk.coordinator").status_code == 401
    assert _password(other, "sgk.coordinator", "bambaşka-yeni-bir-parola").status_code == 303


def test_cli_creates_a_login_and_resets_the_second_factor(
    client: FlaskClient, session: Session, world: World
) -> None:
    runner = client.application.test_cli_runner()
    made = runner.invoke(
        args=[
            "users",
            "create",
            "--name",
            "Ayşe Işık",
            "--role",
            "reviewer",
            "--login",
            "ayse.isik",
            "--email",
            "ayse@example.org",
            "--person-id",
            "10000000146",
        ],
    )
    assert made.exit_code == 0, made.output
    assert made.output.strip().splitlines()[-1].startswith("kys_")  # the token stays last
    user_id = session.scalars(select(User.id).where(User.login == "ayse.isik")).one()
    session.rollback()  # the CLI writes next, on the same in-memory database
    taken = runner.invoke(
        args=[
            "users",
            "create",
            "--name",
            "B",
            "--role",
            "reviewer",
            "--login",
            "ayse.isik",
            "--person-id",
            "10000000078",
        ],
    )
    assert taken.exit_code != 0 and "kullanıcı adı kullanılıyor" in taken.output
    short = runner.invoke(
        args=["users", "set-password", str(user_id), "--password-stdin"], input="kısa\n"
    )
    assert short.exit_code != 0 and "en az 12" in short.output
    _sign_in(client, session, world, "reviewer")
    reset = runner.invoke(args=["users", "reset-totp", str(world.user_ids["reviewer"])])
    assert reset.exit_code == 0, reset.output
    assert client.get("/manage/").status_code == 303
    _password(client, "reviewer")
    assert "otpauth://" in client.get("/manage/login/code").text


def _unit_change(client: FlaskClient, world: World, who: str, target: str) -> int:
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth(who),
        json={
            "entity": "organization",
            "action": "update",
            "target": target,
            "data": {"contact": {"phone": "0312 555 12 34"}},
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_another_institutions_request_is_neither_listed_nor_decidable(
    client: FlaskClient, session: Session, world: World
) -> None:
    goc = _unit_change(client, world, "goc_coordinator", world.bidb)
    for who in ("sgk_approver", "sgk_coordinator"):
        browser = client.application.test_client()
        _sign_in(browser, session, world, who)
        inbox = browser.get("/manage/inbox")
        assert f"Talep {goc}" not in inbox.text
        decided = browser.post(
            f"/manage/requests/{goc}/decide",
            data={"csrf": _csrf(inbox.text), "decision": "approve"},
        )
        assert decided.status_code == 404 and "Talep" in decided.text and "yok" in decided.text
    state = client.get(f"/api/v1/change-requests/{goc}", headers=world.auth("reviewer")).json
    assert state["status"] == "submitted"


def _new_service(client: FlaskClient, world: World) -> int:
    """A service of a Göç unit: Göç's approver agrees first, then a reviewer decides."""
    response = client.post(
        "/api/v1/change-requests",
        headers=world.auth("goc_coordinator"),
        json={
            "entity": "service",
            "action": "create",
            "data": {"name": "Arşiv Belgesi Örneği Verilmesi", "organization": world.bidb},
        },
    )
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def test_approving_from_the_inbox_applies_the_change(
    client: FlaskClient, session: Session, world: World
) -> None:
    request_id = _new_service(client, world)
    approver = client.application.test_client()
    _sign_in(approver, session, world, "goc_approver")
    inbox = approver.get("/manage/inbox")
    assert f"Talep {request_id}" in inbox.text
    assert 'class="changed"' in inbox.text and "Arşiv Belgesi Örneği Verilmesi" in inbox.text
    first = approver.post(
        f"/manage/requests/{request_id}/decide",
        data={"csrf": _csrf(inbox.text), "decision": "approve"},
    )
    assert first.status_code == 303
    # four eyes: the coordinator's own desk shows the request, not as a decision to make
    coordinator = client.application.test_client()
    _sign_in(coordinator, session, world, "goc_coordinator")
    assert "Kurumca onaylandı" in coordinator.get("/manage/").text
    assert f"Talep {request_id}" not in coordinator.get("/manage/inbox").text
    reviewer = client.application.test_client()
    _sign_in(reviewer, session, world, "reviewer")
    inbox = reviewer.get("/manage/inbox")
    done = reviewer.post(
        f"/manage/requests/{request_id}/decide",
        data={"csrf": _csrf(inbox.text), "decision": "approve", "reason": "Uygun"},
    )
    assert done.status_code == 303
    assert "onaylandı" in reviewer.get(done.headers["Location"]).text
    result = client.get(f"/api/v1/change-requests/{request_id}", headers=world.auth("reviewer"))
    assert result.json["status"] == "approved"
    service = client.get(f"/api/v1/services/{result.json['result']['id']}")
    assert service.status_code == 200 and service.json["name"] == "Arşiv Belgesi Örneği Verilmesi"
    feed = client.get("/api/v1/changes").json["changes"]
    assert [(c["entity"], c["id"]) for c in feed][-1] == ("service", result.json["result"]["id"])
    entry = session.scalars(select(AuditEntry).where(AuditEntry.request_id == request_id)).one()
    assert entry.approved_by is not None and entry.submitted_by is not None
    assert entry.approved_by.startswith(f"hesap:{world.user_ids['reviewer']} ")
    assert entry.submitted_by.startswith(f"hesap:{world.user_ids['goc_coordinator']} ")


def test_a_refused_decision_is_shown_inline_and_changes_nothing(
    client: FlaskClient, session: Session, world: World
) -> None:
    request_id = _unit_change(client, world, "goc_coordinator", world.bidb)
    reviewer = client.application.test_client()
    _sign_in(reviewer, session, world, "reviewer")
    inbox = reviewer.get("/manage/inbox")
    refused = reviewer.post(
        f"/manage/requests/{request_id}/decide",
        data={"csrf": _csrf(inbox.text), "decision": "reject"},
    )
    assert refused.status_code == 422 and "Ret gerekçesi zorunludur" in refused.text
    section = refused.text[refused.text.index(f"Talep {request_id}:") :]
    assert section.index("Ret gerekçesi") < section.index("<form")  # beside its request
    state = client.get(f"/api/v1/change-requests/{request_id}", headers=world.auth("reviewer")).json
    assert state["status"] == "submitted"


# -- proposing changes from forms --


def _signed_in(client: FlaskClient, session: Session, world: World, who: str) -> FlaskClient:
    browser = client.application.test_client()
    _sign_in(browser, session, world, who)
    return browser


@dataclass(frozen=True)
class Filed:
    id: int
    entity: str
    action: str
    target: str | None
    status: str
    data: dict[str, Any]
    effective_from: date | None


def _requests(session: Session) -> list[Filed]:
    """The change requests in the database, read and let go (the app shares the connection)."""
    session.expire_all()
    found = [
        Filed(r.id, r.entity, r.action, r.target, r.status, r.data, r.effective_from)
        for r in session.scalars(select(ChangeRequest).order_by(ChangeRequest.id))
    ]
    session.rollback()
    return found


def test_a_unit_is_proposed_previewed_and_filed_from_the_form(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "goc_coordinator")
    form = browser.get("/manage/propose/organization/create")
    assert form.status_code == 200
    assert 'name="name"' in form.text and 'name="contact.phone"' in form.text
    assert '<select id="f-level" name="level"' in form.text
    fields = {
        "csrf": _csrf(form.text),
        "name": "Veri Yönetimi Daire Başkanlığı",
        "parent": world.yhgm,
        "level": "central",
        "contact.phone": "0312 555 12 34",
        "_reason": "Yeni daire",
        "_effective_from": "17.12.2026",
    }
    preview = browser.post("/manage/propose/organization/create", data=fields)
    assert preview.status_code == 200, preview.text
    assert 'class="changed"' in preview.text and "Veri Yönetimi Daire Başkanlığı" in preview.text
    assert "17.12.2026" in preview.text and 'value="submit"' in preview.text
    assert _requests(session) == []  # a preview files nothing
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview.text))
    assert carried["parent"] == world.yhgm
    edit = browser.post("/manage/propose/organization/create", data={**carried, "step": "edit"})
    assert edit.status_code == 200 and 'value="Veri Yönetimi Daire Başkanlığı"' in edit.text
    done = browser.post("/manage/propose/organization/create", data={**carried, "step": "submit"})
    assert done.status_code == 303, done.text
    filed = _requests(session)
    assert len(filed) == 1
    request = filed[0]
    assert (request.entity, request.action, request.status) == (
        "organization",
        "create",
        "submitted",
    )
    assert request.data == {
        "name": "Veri Yönetimi Daire Başkanlığı",
        "parent": world.yhgm,
        "level": "central",
        "contact": {"phone": "0312 555 12 34"},
    }
    assert request.effective_from is not None and request.effective_from.isoformat() == "2026-12-17"
    assert "gönderildi" in browser.get(done.headers["Location"]).text


def _api_request(client: FlaskClient, world: World, who: str, **body: Any) -> int:
    response = client.post("/api/v1/change-requests", headers=world.auth(who), json=body)
    assert response.status_code == 201, response.json
    return int(response.json["id"])


def _api_approve(client: FlaskClient, world: World, request_id: int, *who: str) -> dict[str, Any]:
    for approver in who:
        answer = client.post(
            f"/api/v1/change-requests/{request_id}/approve", headers=world.auth(approver)
        )
        assert answer.status_code == 200, answer.json
    return dict(answer.json)


def _preview_and_submit(browser: FlaskClient, url: str, fields: dict[str, str]) -> str:
    """Preview the form (nothing filed), then press "Gönder" with what the preview carries."""
    form = browser.get(url)
    assert form.status_code == 200, form.text
    preview = browser.post(url, data={"csrf": _csrf(form.text), **fields})
    assert preview.status_code == 200, preview.text
    assert "Önizleme" in preview.text
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview.text))
    done = browser.post(url, data={**carried, "step": "submit"})
    assert done.status_code == 303, done.text
    return preview.text


def test_every_kind_and_action_has_a_form_generated_from_its_schema(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "reviewer")
    index = browser.get("/manage/propose")
    assert index.status_code == 200
    for entity, handler in HANDLERS.items():
        assert entity in index.text
        if "create" not in handler.actions:
            continue
        form = browser.get(f"/manage/propose/{entity}/create")
        assert form.status_code == 200, (entity, form.text)
        schema = handler.schemas["create"]()  # type: ignore[attr-defined]
        for name, spec in schema.fields.items():
            if not spec.dump_only:
                assert f'name="{spec.data_key or name}' in form.text or (
                    f'id="f-{(spec.data_key or name).replace("_", "-")}"' in form.text
                ), (entity, name)


@pytest.mark.parametrize(
    ("entity", "fields", "expected"),
    [
        (
            "service",
            {
                "name": "Arşiv Belgesi Örneği Verilmesi",
                "kind": "core",
                "required_documents": "Dilekçe\nNüfus cüzdanı fotokopisi",
                "fee.amount": "0.00",
            },
            {
                "name": "Arşiv Belgesi Örneği Verilmesi",
                "kind": "core",
                "required_documents": ["Dilekçe", "Nüfus cüzdanı fotokopisi"],
                "fee": {"amount": "0.00"},
            },
        ),
        (
            "document",
            {"name": "Adli Sicil Kaydı", "aliases": "Sabıka kaydı"},
            {"name": "Adli Sicil Kaydı", "aliases": ["Sabıka kaydı"]},
        ),
        (
            "signatory",
            {"name": "Ayşe", "surname": "Yılmaz", "title": "Daire Başkanı", "rank": "2"},
            {"name": "Ayşe", "surname": "Yılmaz", "title": "Daire Başkanı", "rank": 2},
        ),
        (
            "distribution_list",
            {
                "name": "Bölge müdürlükleri",
                "recipients.0.detsis_no": "",
                "recipients.0.kind": "bilgi",
            },
            {"name": "Bölge müdürlükleri", "recipients": [{"kind": "bilgi"}]},
        ),
        (
            "legislation",
            {"type": "3", "title": "Göç Hizmetleri Yönetmeliği", "adopted_on": "02.03.2024"},
            {"type": 3, "title": "Göç Hizmetleri Yönetmeliği", "adopted_on": "2024-03-02"},
        ),
    ],
)
def test_each_kind_of_form_files_the_request_the_api_would(
    client: FlaskClient,
    session: Session,
    world: World,
    entity: str,
    fields: dict[str, str],
    expected: dict[str, Any],
) -> None:
    owner = {
        "service": "organization",
        "signatory": "organization",
        "distribution_list": "owner",
        "document": "issuer",
        "legislation": "issuer",
    }[entity]
    fields = {**fields, owner: world.bidb}
    if entity == "distribution_list":
        fields["recipients.0.detsis_no"] = world.yhgm
        expected = {**expected, "recipients": [{"detsis_no": world.yhgm, "kind": "bilgi"}]}
    browser = _signed_in(client, session, world, "goc_coordinator")
    _preview_and_submit(browser, f"/manage/propose/{entity}/create", fields)
    filed = _requests(session)
    assert [(r.entity, r.action, r.status) for r in filed] == [(entity, "create", "submitted")]
    assert filed[0].data == {**expected, owner: world.bidb}
    # the same request through the API is accepted as well: the form's data is the API's shape
    again = client.post(
        "/api/v1/change-requests",
        headers=world.auth("reviewer"),
        json={"entity": entity, "action": "create", "data": filed[0].data},
    )
    assert again.status_code in (201, 409, 422), again.json
    assert again.status_code == 201 or entity == "document", again.json


def test_a_service_preview_shows_how_its_document_names_resolve(
    client: FlaskClient, session: Session, world: World
) -> None:
    code = make_document(session, "Nüfus Cüzdanı Fotokopisi")
    session.commit()
    browser = _signed_in(client, session, world, "goc_coordinator")
    form = browser.get("/manage/propose/service/create")
    preview = browser.post(
        "/manage/propose/service/create",
        data={
            "csrf": _csrf(form.text),
            "name": "Yabancı Kimlik Belgesi Verilmesi",
            "organization": world.bidb,
            "required_documents": "Nüfus cüzdanı fotokopisi\nÇok tuhaf bir kâğıt parçası",
        },
    )
    assert preview.status_code == 200, preview.text
    names = preview.text[preview.text.index("Belge adları nasıl eşleşecek") :]
    assert f"Nüfus Cüzdanı Fotokopisi ({code})" in names
    assert "eşleşmedi" in names  # the odd one waits in the reviewers' queue
    assert _requests(session) == []


def test_an_update_is_prefilled_and_files_only_what_changed(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "goc_coordinator")
    url = f"/manage/propose/organization/update/{world.bidb}"
    form = browser.get(url)
    assert form.status_code == 200
    assert 'value="Bilgi İşlem Daire Başkanlığı"' in form.text
    assert '<option value="central" selected>' in form.text
    assert 'name="parent"' not in form.text  # a new parent is a move, with its own form
    base = re.search(r'name="_base_version" value="(\d+)"', form.text)
    assert base is not None
    values = dict(
        re.findall(r'<input type="text" id="[^"]+" name="([^"]+)"[^>]* value="([^"]*)"', form.text)
    )
    values["contact.phone"] = "0312 555 00 11"
    values["level"] = "central"
    preview = browser.post(
        url, data={"csrf": _csrf(form.text), "_base_version": base.group(1), **values}
    )
    assert preview.status_code == 200, preview.text
    changed = re.findall(r'<tr class="changed">\s*<th scope="row">([^ <]+)', preview.text)
    assert changed == ["contact.phone"]
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview.text))
    assert browser.post(url, data={**carried, "step": "submit"}).status_code == 303
    filed = _requests(session)
    assert [(r.action, r.target, r.data) for r in filed] == [
        ("update", world.bidb, {"contact": {"phone": "0312 555 00 11"}})
    ]


def test_move_and_close_are_filed_with_their_reason_and_day(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "goc_coordinator")
    _preview_and_submit(
        browser, f"/manage/propose/organization/move/{world.bidb}", {"parent": world.goc}
    )
    closing = f"/manage/propose/organization/close/{world.yhgm}"
    form = browser.get(closing)
    bare = browser.post(closing, data={"csrf": _csrf(form.text), "successors": world.goc})
    assert bare.status_code == 422 and "Kapatma gerekçesi zorunludur" in bare.text
    assert 'id="f-reason" name="_reason" rows="3" aria-invalid="true"' in bare.text
    _preview_and_submit(
        browser,
        closing,
        {"successors": world.goc, "_reason": "Birleşme", "_effective_from": "01.01.2027"},
    )
    filed = _requests(session)
    assert [(r.action, r.target, r.data) for r in filed] == [
        ("move", world.bidb, {"parent": world.goc}),
        ("close", world.yhgm, {"successors": [world.goc]}),
    ]
    assert filed[1].effective_from == date(2027, 1, 1)


def test_invalid_input_is_shown_by_field_and_files_nothing(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "goc_coordinator")
    form = browser.get("/manage/propose/organization/create")
    answer = browser.post(
        "/manage/propose/organization/create",
        data={
            "csrf": _csrf(form.text),
            "parent": world.yhgm,
            "level": "central",
            "contact.phone": "telefon yok",
            "contact.email": "posta",
        },
    )
    assert answer.status_code == 422
    text = answer.text
    start = text.index('class="error-summary"')
    summary = text[start : text.index("</div>", start)]
    assert "Kayıt verisi geçersiz" in summary
    for field in ("f-name", "f-contact-phone", "f-contact-email"):
        assert f'href="#{field}"' in summary
        control = rf'id="{field}" name="[^"]+" aria-describedby="[^"]*{field}-error[^"]*"'
        assert re.search(control + ' aria-invalid="true"', text), field
    assert 'value="telefon yok"' in text  # what was typed stays
    assert text.index("error-summary") < text.index('<form method="post" action="/manage/propose')
    assert _requests(session) == []


def test_another_institutions_record_is_refused_and_nothing_is_filed(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "goc_coordinator")
    url = f"/manage/propose/organization/update/{world.sgk}"
    page = browser.get(url)
    assert page.status_code == 403 and "Bu işlem için yetkiniz yok" in page.text
    desk = browser.get("/manage/")
    posted = browser.post(
        url, data={"csrf": _csrf(desk.text), "name": "Başka Kurum", "step": "submit"}
    )
    assert posted.status_code == 403
    created = browser.post(
        "/manage/propose/service/create",
        data={
            "csrf": _csrf(desk.text),
            "name": "Sahte Hizmet",
            "organization": world.sgk,
            "step": "submit",
        },
    )
    assert created.status_code == 403 and "yetki" in created.text.lower()
    approver = _signed_in(client, session, world, "goc_approver")
    assert approver.get("/manage/propose/organization/create").status_code == 403
    assert _requests(session) == []


def test_a_proposal_without_its_csrf_token_is_refused(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "goc_coordinator")
    fields = {"name": "Yeni Daire", "parent": world.yhgm, "level": "central", "step": "submit"}
    assert browser.post("/manage/propose/organization/create", data=fields).status_code == 400
    forged = browser.post("/manage/propose/organization/create", data={**fields, "csrf": "x" * 64})
    assert forged.status_code == 400 and "Form geçersiz" in forged.text
    assert _requests(session) == []


def test_the_desk_lists_the_institution_and_its_records_with_their_forms(
    client: FlaskClient, session: Session, world: World
) -> None:
    service = make_service(session, "Ikamet İzni Verilmesi", world.bidb)
    other = make_service(session, "Emeklilik İşlemleri", world.sgk)
    session.commit()
    browser = _signed_in(client, session, world, "goc_coordinator")
    desk = browser.get("/manage/").text
    assert "Yönetim Hizmetleri Genel Müdürlüğü" in desk and world.bidb in desk
    assert f"/manage/propose/organization/move/{world.bidb}" in desk
    assert f"/manage/propose/service/update/{service}" in desk
    assert f"/manage/records/service/{service}/history" in desk
    assert other not in desk and "Sosyal Güvenlik Kurumu" not in desk
    reviewer = _signed_in(client, session, world, "reviewer").get("/manage/")
    assert reviewer.status_code == 200 and "Kurumumun teşkilatı" not in reviewer.text


def test_the_request_page_shows_what_approving_would_also_change_and_changes_nothing(
    client: FlaskClient, session: Session, world: World
) -> None:
    publish_contacts(client, world, world.bidb)  # the unit has a standards table to republish
    request_id = _new_service(client, world)
    reviewer = _signed_in(client, session, world, "goc_approver")
    page = reviewer.get(f"/manage/requests/{request_id}")
    assert page.status_code == 200, page.text
    assert "Onaylanırsa başka neler değişir" in page.text
    assert "Hizmet (HEYS): 1 kayıt değişir" in page.text
    assert (
        "Hizmet standartları tablosu yeniden yayımlanır: Bilgi İşlem Daire Başkanlığı" in page.text
    )
    assert 'value="approve"' in page.text
    assert client.get("/api/v1/services").json == [] or all(
        s["name"] != "Arşiv Belgesi Örneği Verilmesi" for s in client.get("/api/v1/services").json
    )
    assert [r.status for r in _requests(session)][-1] == "submitted"
    tables = client.get(f"/api/v1/organizations/{world.bidb}/service-standards").json
    assert tables["version"] == 1  # the preview of the approval published nothing
    outsider = _signed_in(client, session, world, "sgk_coordinator")
    assert outsider.get(f"/manage/requests/{request_id}").status_code == 404


def test_selected_requests_are_decided_each_through_its_own_checks(
    client: FlaskClient, session: Session, world: World
) -> None:
    first = _unit_change(client, world, "goc_coordinator", world.bidb)
    second = _unit_change(client, world, "goc_coordinator", world.yhgm)
    own = _api_request(
        client,
        world,
        "reviewer",
        entity="organization",
        action="update",
        target=world.goc,
        data={"contact": {"phone": "0312 555 99 99"}},
    )
    reviewer = _signed_in(client, session, world, "reviewer")
    inbox = reviewer.get("/manage/inbox")
    assert 'form="toplu-karar"' in inbox.text
    done = reviewer.post(
        "/manage/inbox/decide",
        data={
            "csrf": _csrf(inbox.text),
            "decision": "approve",
            "requests": [str(first), str(second), str(own)],
        },
    )
    assert done.status_code == 303
    notice = reviewer.get(done.headers["Location"]).text
    assert f"Talep {first} onaylandı." in notice and f"Talep {second} onaylandı." in notice
    assert f"Talep {own}:" in notice  # four eyes: one's own request is refused, alone
    statuses = {r.id: r.status for r in _requests(session)}
    assert statuses == {first: "approved", second: "approved", own: "submitted"}
    rejected = reviewer.post(
        "/manage/inbox/decide",
        data={"csrf": _csrf(inbox.text), "decision": "reject", "requests": [str(own)]},
    )
    assert "Ret gerekçesi zorunludur" in reviewer.get(rejected.headers["Location"]).text


def test_an_unmatched_name_is_resolved_by_a_request_from_the_queue(
    client: FlaskClient, session: Session, world: World
) -> None:
    code = make_document(session, "Vukuatlı Nüfus Kayıt Örneği")
    session.commit()
    request_id = _api_request(
        client,
        world,
        "goc_coordinator",
        entity="service",
        action="create",
        data={
            "name": "Oturma İzni",
            "organization": world.bidb,
            "required_documents": ["Tuhaf kâğıt 7"],
        },
    )
    _api_approve(client, world, request_id, "goc_approver", "reviewer")
    browser = _signed_in(client, session, world, "goc_coordinator")
    queue = browser.get("/manage/names")
    assert queue.status_code == 200 and "Tuhaf kâğıt 7" in queue.text
    item = re.search(r"/manage/propose/document_name/update/(\d+)", queue.text)
    assert item is not None
    url = f"/manage/propose/document_name/update/{item.group(1)}"
    preview = browser.post(
        url, data={"csrf": _csrf(queue.text), "document": code, "step": "preview"}
    )
    assert preview.status_code == 200, preview.text
    carried = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', preview.text))
    assert browser.post(url, data={**carried, "step": "submit"}).status_code == 303
    filed = _requests(session)[-1]
    assert (filed.entity, filed.action, filed.target, filed.data) == (
        "document_name",
        "update",
        item.group(1),
        {"document": code},
    )


def test_a_records_history_shows_its_changes_and_who_made_them(
    client: FlaskClient, session: Session, world: World
) -> None:
    request_id = _unit_change(client, world, "goc_coordinator", world.bidb)
    _api_approve(client, world, request_id, "reviewer")
    page = _signed_in(client, session, world, "goc_approver").get(
        f"/manage/records/organization/{world.bidb}/history"
    )
    assert page.status_code == 200
    assert "0312 555 12 34" in page.text
    assert f"goc_coordinator (#{world.user_ids['goc_coordinator']})" in page.text
    assert f"reviewer (#{world.user_ids['reviewer']})" in page.text
    outsider = _signed_in(client, session, world, "sgk_coordinator").get(
        f"/manage/records/organization/{world.bidb}/history"
    )
    assert outsider.status_code == 200 and "0312 555 12 34" in outsider.text
    assert "goc_coordinator (#" not in outsider.text  # who did it: only within the unit's scope
    assert (
        _signed_in(client, session, world, "reviewer")
        .get("/manage/records/organization/99999999/history")
        .status_code
        == 404
    )


def test_an_admin_opens_and_closes_accounts_and_each_act_is_audited(
    client: FlaskClient, session: Session, world: World
) -> None:
    admin = _signed_in(client, session, world, "admin")
    page = admin.get("/manage/admin/accounts")
    assert page.status_code == 200 and "goc.coordinator" in page.text
    bad = admin.post(
        "/manage/admin/accounts",
        data={
            "csrf": _csrf(page.text),
            "name": "Ali Veli",
            "login": "A!",
            "role": "coordinator",
            "organization": world.goc,
            "password": "uzun-ve-gizli-bir-parola-2",
        },
    )
    assert bad.status_code == 422 and "Kullanıcı adı 3-64 karakter" in bad.text
    assert 'aria-invalid="true"' in bad.text
    made = admin.post(
        "/manage/admin/accounts",
        data={
            "csrf": _csrf(page.text),
            "name": "Ali Veli",
            "login": "ali.veli",
            "email": "ali@example.org",
            "role": "coordinator",
            "organization": world.goc,
            "person_id": "10000000146",
            "password": "uzun-ve-gizli-bir-parola-2",
        },
    )
    assert made.status_code == 303, made.text
    new_id = int(made.headers["Location"].split("/accounts/")[1].split("?")[0])
    newcomer = client.application.test_client()
    signed = _password(newcomer, "ali.veli", "uzun-ve-gizli-bir-parola-2")
    assert signed.status_code == 303 and newcomer.get("/manage/").status_code == 200
    account = admin.get(f"/manage/admin/accounts/{new_id}")
    assert "Koordinatör" in account.text or "koordinatör" in account.text
    moved = admin.post(
        f"/manage/admin/accounts/{new_id}",
        data={"csrf": _csrf(account.text), "act": "rescope", "organization": world.bidb},
    )
    assert moved.status_code == 303
    assert newcomer.get("/manage/").status_code == 303  # a new scope: sign in again
    _password(newcomer, "ali.veli", "uzun-ve-gizli-bir-parola-2")
    assert newcomer.get("/manage/").status_code == 200
    closed = admin.post(
        f"/manage/admin/accounts/{new_id}", data={"csrf": _csrf(account.text), "act": "deactivate"}
    )
    assert closed.status_code == 303
    assert newcomer.get("/manage/").status_code == 303  # the session ended at once
    assert _password(newcomer, "ali.veli", "uzun-ve-gizli-bir-parola-2").status_code == 401
    reset = admin.post(
        f"/manage/admin/accounts/{world.user_ids['reviewer']}",
        data={"csrf": _csrf(account.text), "act": "reset_totp"},
    )
    assert reset.status_code == 303
    session.expire_all()
    entries = session.scalars(
        select(AuditEntry).where(AuditEntry.entity == "account").order_by(AuditEntry.seq)
    ).all()
    acts = [(e.entity_id, e.action, e.submitted_by) for e in entries]
    by = f"hesap:{world.user_ids['admin']}"
    assert [(i, a) for i, a, _ in acts] == [
        (str(new_id), "create"),
        (str(new_id), "update"),
        (str(new_id), "close"),
        (str(world.user_ids["reviewer"]), "update"),
    ]
    assert all(s is not None and s.startswith(by) for _, _, s in acts)
    assert all("ali" not in str(e.after).lower() for e in entries)  # no personal data in the feed
    session.rollback()
    history = admin.get(f"/manage/records/account/{new_id}/history")
    assert history.status_code == 200 and f"admin (#{world.user_ids['admin']})" in history.text
    coordinator = _signed_in(client, session, world, "goc_coordinator")
    assert coordinator.get("/manage/admin/accounts").status_code == 403


def test_a_list_of_objects_gets_one_more_row_without_script(
    client: FlaskClient, session: Session, world: World
) -> None:
    browser = _signed_in(client, session, world, "goc_coordinator")
    form = browser.get("/manage/propose/distribution_list/create")
    assert 'name="recipients.0.detsis_no"' in form.text
    assert 'name="recipients.1.detsis_no"' not in form.text
    more = browser.post(
        "/manage/propose/distribution_list/create",
        data={
            "csrf": _csrf(form.text),
            "name": "Birimler",
            "recipients.0.detsis_no": world.yhgm,
            "more": "recipients",
        },
    )
    assert more.status_code == 200
    assert 'name="recipients.2.detsis_no"' in more.text  # one filled, one blank, one added
    assert f'value="{world.yhgm}"' in more.text and 'value="Birimler"' in more.text
    assert _requests(session) == []
