"""The EBYS facts projection (issue 27): every unit's row equals the live computation, on the
sample dataset and a generated registry, on SQLite and PostgreSQL; it follows approved changes
in the approving transaction (a renamed parent, an inherited KEP address, a signatory); what did
not go through an approval leaves it stale, so lookups compute live until the follower catches
up; ``registry ebys-facts rebuild|check``; letters of units never seen read it instead of
composing; and the SOAP daily-sync operations answer the same from it as from the tree (zeep)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
import zeep
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session
from zeep.helpers import serialize_object

from benchmarks import scale
from registry.app import create_app
from registry.audit import trail as audit
from registry.demo import load_demo
from registry.ebys import facts, facts_table, projection
from registry.ebys.models import EbysFactsRow, EbysFactsState
from registry.kaysis import daily_sync
from registry.kernel import migrate
from registry.kernel.clock import today
from registry.kernel.db import get_db
from registry.organizations import changes
from registry.organizations.models import Organization
from tests.factories import make_certificate, make_unit, make_user
from tests.postgres import ThrowawayPostgres
from tests.test_kaysis import SHARED_WSDL, Ebys, FlaskTransport

_names = itertools.count(1)
GENERATED = scale.Counts(units=400)
DAILY_SYNC = (
    ("KendiTumBirimleriGetirWs", {"degisiklikTarihiBaslangic": None}, "KurumBirimWS"),
    (
        "KendiTumBirimleriGetirWs",
        {"degisiklikTarihiBaslangic": "2000-01-01T00:00:00"},
        "KurumBirimWS",
    ),
    ("YeniDisYazismaYapanlariGetirWs", {"pGun": 1, "pAy": 1, "pYil": 2000}, "KurumBirimWS"),
    ("AktifKEPAdresleriniGetir", {}, "KepBilgileriWs"),
)


# -- the sample dataset and a generated registry, once per backend --


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def world(request: pytest.FixtureRequest, tmp_path_factory: Any) -> Iterator[dict[str, Any]]:
    """The sample dataset, 400 generated units beside it, and an EBYS account of the sample's
    largest institution; the projection is not built yet."""
    folder = tmp_path_factory.mktemp("ebys_facts")
    if request.param == "sqlite":
        url = f"sqlite:///{folder / 'registry.db'}"
    else:
        server: ThrowawayPostgres = request.getfixturevalue("postgres")
        name = f"ebys_facts_{next(_names)}_{abs(hash(folder)) % 10**6}"
        url = server.create_database(name, template="registry_template")
    app = create_app({"DATABASE_URL": url, "INDEX_DIR": str(folder / "index"), "TESTING": True})
    if request.param == "sqlite":
        migrate.upgrade(get_db(app).engine)
    with app.app_context(), get_db(app).transaction() as session:
        load_demo(session)
    scale.generate(get_db(app).engine, GENERATED, 11, append=True)
    goc = app.test_client().get(
        "/api/v1/organizations", query_string={"q": "Göç İdaresi Başkanlığı"}
    )
    number = goc.json[0]["detsis_no"]
    with app.app_context(), get_db(app).transaction() as session:
        _, token = make_user(session, name="goc-ebys", role="ebys", organization=number)
    yield {"app": app, "number": number, "token": token}
    get_db(app).dispose()
    if request.param == "postgresql":
        request.getfixturevalue("postgres").drop_database(name)


@pytest.fixture(scope="module")
def national_wsdl() -> zeep.Client:
    return zeep.Client(str(SHARED_WSDL))


def _daily_sync(world: dict[str, Any], wsdl: zeep.Client, version: str) -> list[Any]:
    header = {"KurumID": world["number"], "Password": world["token"]}
    ebys = Ebys(wsdl, FlaskTransport(world["app"].test_client()), version, header)
    answers = []
    for operation, params, element in DAILY_SYNC:
        found = ebys(operation, **params)
        assert found.SonucHatali is False, found.HataMsj
        answers.append(list(getattr(found.Sonuclar, element)) if found.Sonuclar else [])
    return [serialize_object(answer) for answer in answers]


def _check(app: Flask) -> Any:
    return app.test_cli_runner().invoke(args=["ebys-facts", "check"])


def test_every_unit_equals_the_live_computation_and_the_daily_sync_answers_the_same(
    world: dict[str, Any], national_wsdl: zeep.Client
) -> None:
    app = world["app"]
    never = _check(app)
    assert never.exit_code == 1 and "never built" in never.output, never.output
    with app.app_context(), get_db(app).sessionmaker() as session:
        assert not daily_sync.projection_current(session)
    from_the_tree = {v: _daily_sync(world, national_wsdl, v) for v in ("1.1", "1.2")}

    built = app.test_cli_runner().invoke(args=["ebys-facts", "rebuild"])
    assert built.exit_code == 0, built.output
    checked = _check(app)
    assert checked.exit_code == 0, checked.output
    assert " 0 differ, 0 missing, 0 rows" in checked.output

    with app.app_context(), get_db(app).sessionmaker() as session:
        numbers = list(session.scalars(select(EbysFactsRow.detsis_no)))
        assert len(numbers) > GENERATED.units + 200  # the sample's units and the generated ones
        live = facts.compute_live(session, numbers, today())
        head = audit.head_seq(session)
        stored = facts_table.read(session, numbers, today(), head, {})
        assert stored == live and len(live) > GENERATED.units
        certificates = [f for f in live.values() if f.certificate]
        inherited = [f for f in live.values() if any(k["inherited_from"] for k in f.kep_addresses)]
        assert certificates and inherited and any(f.signatories for f in live.values())
        assert daily_sync.projection_current(session)

    for version, answers in from_the_tree.items():
        assert _daily_sync(world, national_wsdl, version) == answers
    own, since_2000, delta, keps = from_the_tree["1.1"]
    assert len(own) > 50 and own == since_2000 and len(delta) > len(own) and keps

    # the stored XML element is checked too: a row whose bytes differ is named
    with app.app_context(), get_db(app).sessionmaker() as session:
        row = session.get(EbysFactsRow, numbers[0])
        assert row is not None and row.record_xml.startswith("<KurumBirimWS")
        row.record_xml = row.record_xml.replace("<KurumBirimWS", "<KurumBirimWS data='x'", 1)
        session.commit()
    tampered = _check(app)
    assert tampered.exit_code == 1 and f"{numbers[0]}: record_xml" in tampered.output
    assert app.test_cli_runner().invoke(args=["ebys-facts", "rebuild"]).exit_code == 0
    assert _check(app).exit_code == 0


def test_letters_of_units_never_seen_are_read_not_composed(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = world["app"]
    client = app.test_client()
    with app.app_context(), get_db(app).sessionmaker() as session:
        if facts_table.state(session) is None:
            projection.rebuild(session)
            session.commit()
        open_units = [
            number
            for number, found in session.execute(
                select(EbysFactsRow.detsis_no, EbysFactsRow.facts).order_by(
                    EbysFactsRow.organization_id
                )
            )
            if found is not None
        ]
        facts.synced(session).clear()  # a worker that has seen nothing
    sender, *recipients = open_units[-6:]
    composed = []
    real = facts._compute
    monkeypatch.setattr(facts, "_compute", lambda *args: composed.append(args[1]) or real(*args))
    answer = client.get(
        "/api/v1/ebys/correspondence", query_string={"from": sender, "to": recipients}
    )
    assert answer.status_code == 200, answer.json
    assert composed == []  # one read of the projection, nothing computed
    monkeypatch.undo()
    with app.app_context(), get_db(app).sessionmaker() as session:
        facts.synced(session).clear()
        with monkeypatch.context() as patched:
            patched.setattr(facts_table, "read", lambda *args: {})  # as if it were stale
            live = client.get(
                "/api/v1/ebys/correspondence", query_string={"from": sender, "to": recipients}
            )
    assert live.status_code == 200 and live.json == answer.json


# -- following changes, on a small tree of its own per test --


@pytest.fixture
def tree(session: Session) -> dict[str, str]:
    ministry = make_unit(
        session,
        "İçişleri Bakanlığı",
        category="Bakanlık",
        kep_addresses=["icisleribakanligi@hs01.kep.tr"],
        certificate=make_certificate("İçişleri Bakanlığı"),
        contact={"address": "Bakanlıklar, 06644 Çankaya/Ankara"},
    )
    goc = make_unit(session, "Göç İdaresi Başkanlığı", parent=ministry, category="Bağlı Kuruluş")
    foreigners = make_unit(session, "Yabancılar Genel Müdürlüğü", parent=goc)
    residence = make_unit(session, "İkamet İzinleri Daire Başkanlığı", parent=foreigners)
    izmir = make_unit(
        session,
        "İzmir Valiliği",
        parent=ministry,
        category="Mülki İdare",
        unit_type="Valilik",
        level="provincial",
        province={"code": 35},
    )
    izmir_goc = make_unit(
        session,
        "İzmir İl Göç İdaresi Müdürlüğü",
        parent=goc,
        level="provincial",
        province={"code": 35},
    )
    other = make_unit(session, "Sağlık Bakanlığı", category="Bakanlık")
    _, filer = make_user(session, name="Birinci Okur", role="reviewer")
    _, approver = make_user(session, name="İkinci Okur", role="reviewer")
    session.commit()
    projection.rebuild(session)
    session.commit()
    return {
        "ministry": ministry,
        "goc": goc,
        "foreigners": foreigners,
        "residence": residence,
        "izmir": izmir,
        "izmir_goc": izmir_goc,
        "other": other,
        "filer": filer,
        "approver": approver,
    }


def _applied(client: FlaskClient, tree: dict[str, str], **body: Any) -> None:
    filed = client.post(
        "/api/v1/change-requests",
        json={"reason": "Test", **body},
        headers={"Authorization": f"Bearer {tree['filer']}"},
    )
    assert filed.status_code == 201, filed.json
    second = client.post(  # the other reviewer approves: four eyes
        f"/api/v1/change-requests/{filed.json['id']}/approve",
        headers={"Authorization": f"Bearer {tree['approver']}"},
    )
    assert second.status_code == 200 and second.json["status"] == "approved", second.json


def _row(session: Session, number: str) -> dict[str, Any]:
    """A unit's row as stored now; the read ends at once (on SQLite the test client shares
    the test's connection, and writes through it)."""
    session.rollback()
    row = session.get(EbysFactsRow, number)
    assert row is not None
    found = {column: getattr(row, column) for column in ("seq", "own_kep", "has_kep", "record")}
    found["facts"] = None if row.facts is None else facts_table.load(number, row.facts)
    session.rollback()
    return found


def _stored(session: Session, number: str) -> Any:
    found = _row(session, number)["facts"]
    assert found is not None
    return found


def _current(session: Session) -> bool:
    session.rollback()
    state = facts_table.state(session)
    assert state is not None
    current = facts_table.followed_after(session, state[0], audit.head_seq(session)) is False
    session.rollback()
    return current


def test_an_approved_rename_reaches_the_rows_of_every_unit_below_at_once(
    client: FlaskClient, session: Session, tree: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _stored(session, tree["residence"])
    assert before.letterhead == [
        "T.C.",
        "İÇİŞLERİ BAKANLIĞI",
        "Göç İdaresi Başkanlığı",
        "Yabancılar Genel Müdürlüğü",
    ]
    untouched_seq = _row(session, tree["other"])["seq"]
    _applied(
        client,
        tree,
        entity="organization",
        action="update",
        target=tree["goc"],
        data={"name": "Göç Yönetimi Başkanlığı"},
    )
    after = _stored(session, tree["residence"])
    assert after.letterhead[2] == "Göç Yönetimi Başkanlığı"
    assert after.addressee[0] == "GÖÇ YÖNETİMİ BAŞKANLIĞINA"
    path = _row(session, tree["residence"])["record"]["KurumHiyerarsik"]
    assert "Göç Yönetimi Başkanlığı" in path
    assert _current(session)  # the approving transaction brought it up to date
    assert _row(session, tree["other"])["seq"] == untouched_seq  # not recomputed
    composed: list[Any] = []
    real = facts._compute
    monkeypatch.setattr(facts, "_compute", lambda *a: composed.append(a[1]) or real(*a))
    facts.synced(session).clear()
    session.rollback()
    answer = client.get(f"/api/v1/ebys/letterhead/{tree['foreigners']}")
    assert answer.json["lines"][2] == "Göç Yönetimi Başkanlığı" and composed == []
    assert _check(client.application).exit_code == 0


def test_an_inherited_kep_address_and_a_signatory_follow_their_approval(
    client: FlaskClient, session: Session, tree: dict[str, str]
) -> None:
    kep = _stored(session, tree["residence"]).kep_addresses
    assert kep == [
        {
            "address": "icisleribakanligi@hs01.kep.tr",
            "active": True,
            "inherited_from": tree["ministry"],
        }
    ]
    _applied(
        client,
        tree,
        entity="organization",
        action="update",
        target=tree["goc"],
        data={"kep_addresses": ["gocidaresi@hs01.kep.tr"]},
    )
    kep = _stored(session, tree["residence"]).kep_addresses
    assert kep == [
        {"address": "gocidaresi@hs01.kep.tr", "active": True, "inherited_from": tree["goc"]}
    ]
    goc = _row(session, tree["goc"])
    assert goc["own_kep"] == ["gocidaresi@hs01.kep.tr"] and goc["has_kep"]
    certificate = _stored(session, tree["residence"]).certificate
    assert certificate is not None and certificate["inherited_from"] == tree["ministry"]
    _applied(
        client,
        tree,
        entity="signatory",
        action="create",
        data={
            "organization": tree["izmir_goc"],
            "name": "Hakan",
            "surname": "Yıldız",
            "title": "İl Göç İdaresi Müdürü",
            "delegation": "Vali a.",
            "rank": 1,
        },
    )
    (signatory,) = _stored(session, tree["izmir_goc"]).signatories
    assert signatory["lines"] == ["Hakan YILDIZ", "Vali a.", "İl Göç İdaresi Müdürü"]
    assert _current(session)
    assert _check(client.application).exit_code == 0


def test_a_change_outside_an_approval_leaves_it_stale_until_the_follower_catches_up(
    client: FlaskClient, session: Session, tree: dict[str, str]
) -> None:
    changes.update_unit(  # a direct write, as a bulk import makes
        session, tree["foreigners"], {"name": "Yabancılar Dairesi"}, valid_from=date(2020, 1, 1)
    )
    session.commit()
    assert not _current(session)
    assert (
        facts_table.read(session, [tree["residence"]], today(), audit.head_seq(session), {}) == {}
    )
    session.rollback()
    letterhead = client.get(f"/api/v1/ebys/letterhead/{tree['residence']}").json["lines"]
    assert letterhead[-1] == "Yabancılar Dairesi"  # computed live meanwhile
    stale = _check(client.application)
    assert stale.exit_code == 1 and "differ" in stale.output
    session.rollback()
    engine = get_db(client.application).engine
    assert projection.catch_up(engine) == "updated"
    assert projection.catch_up(engine) == "current"
    assert _current(session)
    assert _stored(session, tree["residence"]).letterhead[-1] == "Yabancılar Dairesi"
    # A governorship may change which administration other units name: a rebuild.
    changes.update_unit(
        session, tree["izmir"], {"name": "İzmir Valiliği Makamı"}, valid_from=date(2020, 1, 1)
    )
    session.commit()
    assert projection.catch_up(engine) == "rebuilt"
    assert _check(client.application).exit_code == 0


def test_a_new_day_or_a_projection_never_built_is_rebuilt_by_the_follower(
    client: FlaskClient, session: Session, tree: dict[str, str]
) -> None:
    engine = get_db(client.application).engine
    session.execute(
        EbysFactsRow.__table__.update().values(seq=0)  # type: ignore[attr-defined]
    )
    projection._set_state(session, audit.head_seq(session), date(2020, 1, 1))
    session.commit()
    assert facts_table.read(session, [tree["goc"]], today(), audit.head_seq(session), {}) == {}
    session.rollback()
    assert projection.catch_up(engine) == "rebuilt"
    session.rollback()
    state = facts_table.state(session)
    assert state is not None and state[1] == today()
    session.rollback()
    assert _check(client.application).exit_code == 0
    session.execute(EbysFactsRow.__table__.delete())  # type: ignore[attr-defined]
    session.execute(EbysFactsState.__table__.delete())  # type: ignore[attr-defined]
    session.commit()
    assert projection.follow_approval(session) == "current"  # nothing appended here
    session.rollback()
    assert projection.catch_up(engine) == "rebuilt"
    number = session.scalar(select(Organization.detsis_no).limit(1))
    assert number is not None and session.get(EbysFactsRow, number) is not None
