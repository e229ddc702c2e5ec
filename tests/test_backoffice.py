"""The back office over HTTP: sign-in with password and TOTP, lockouts, sessions that end when
they should, CSRF, and the inbox deciding through the workflow's own rules."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

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
from tests.workflow_world import World, build_world

PASSWORD = "uzun-ve-gizli-bir-parola"


def _give_logins(session: Session, world: World) -> None:
    for who, user_id in world.user_ids.items():
        accounts.set_login(session, user_id, who.replace("_", "."), f"{who}@example.org")
        accounts.set_password(session, user_id, PASSWORD)
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
