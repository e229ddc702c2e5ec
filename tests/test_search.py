"""Search: the Turkish analyzer, the index lifecycle (rebuild, follow, lose, restore), the API."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from registry.catalogue import services as service_records
from registry.kernel.db import get_db
from registry.search import follower, index, service
from registry.search.analysis import terms
from tests.factories import make_document, make_service, make_unit
from tests.workflow_world import World, build_world


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ("İSTANBUL", "istanbul"),
        ("ISPARTA", "Isparta"),
        ("IĞDIR", "ığdır"),
        ("göçmen", "GOCMEN"),
        ("başvurusu", "başvuru"),
        ("başvurularının", "BASVURULARI"),
        ("izni", "izin"),
        ("izinleri", "izin"),
        ("kaydı", "kayıt"),
        ("İzmir'deki", "izmir"),
        ("Ankara'da", "ANKARA"),
        ("pasaportumu", "pasaport"),
    ],
)
def test_the_analyzer_meets_turkish_words_whatever_their_case_letters_and_suffixes(
    left: str, right: str
) -> None:
    assert terms(left) == terms(right)


@pytest.mark.parametrize(
    ("left", "right"), [("Burdur", "Bursa"), ("Sinop", "Sivas"), ("6458", "645")]
)
def test_the_analyzer_keeps_provinces_and_numbers_apart(left: str, right: str) -> None:
    assert terms(left) != terms(right)


def test_python_lower_would_break_istanbul_and_the_analyzer_does_not() -> None:
    assert "İSTANBUL".lower() != "istanbul"  # "i̇stanbul": the bug whoosh's stock analyzers have
    assert terms("İSTANBUL") == ["istanbul"]


def _search(client: FlaskClient, q: str, **params: str) -> dict[str, object]:
    answer = client.get("/api/v1/search", query_string={"q": q, **params})
    assert answer.status_code == 200, answer.json
    return answer.json  # type: ignore[no-any-return]


def _ids(answer: dict[str, object]) -> list[str]:
    return [hit["id"] for hit in answer["hits"]]  # type: ignore[attr-defined, index]


@pytest.fixture
def registry_with_services(app: Flask, session: Session) -> dict[str, str]:
    goc = make_unit(session, "Göç İdaresi Başkanlığı", category="Bağlı Kuruluş")
    izmir = make_unit(
        session,
        "İzmir İl Göç İdaresi Müdürlüğü",
        parent=goc,
        level="provincial",
        province={"code": 35},
    )
    ankara = make_unit(
        session,
        "Ankara İl Göç İdaresi Müdürlüğü",
        parent=goc,
        level="provincial",
        province={"code": 6},
    )
    codes = {
        "izmir": make_service(session, "Kısa Dönem İkamet İzni Uzatma Başvurusu", izmir),
        "ankara": make_service(session, "Kısa Dönem İkamet İzni Uzatma Başvurusu", ankara),
        "passport": make_document(session, "Pasaport", aliases=["Pasaport fotokopisi"]),
        "goc": goc,
    }
    session.commit()
    return codes


def test_rebuild_then_search_ranks_and_filters(
    app: Flask, client: FlaskClient, session: Session, registry_with_services: dict[str, str]
) -> None:
    state = index.rebuild(session, app.config["INDEX_DIR"])
    session.rollback()
    assert state.documents == 6  # 3 units, 2 services, 1 document
    codes = registry_with_services
    for q in ("ikamet izni uzatma izmir", "IKAMET IZNI UZATMA IZMIR", "ikamet izinleri izmir"):
        assert _ids(_search(client, q))[0] == codes["izmir"], q
    typo = _search(client, "ikamet iznni uzatma izmir")
    assert _ids(typo)[0] == codes["izmir"] and typo["fuzzy"] is True
    assert _ids(_search(client, "pasaprot")) == [codes["passport"]]
    only_ankara = _search(client, "ikamet izni", province="6")
    assert _ids(only_ankara) == [codes["ankara"]]
    services = _search(client, "goc", type="service", facets="true")
    assert set(_ids(services)) == {codes["izmir"], codes["ankara"]}
    assert services["facets"]["type"] == {"service": 2}  # type: ignore[index]
    snippet = _search(client, "izmir uzatma")["hits"][0]["snippet"]  # type: ignore[index]
    assert "<mark" in snippet


def test_the_follower_brings_approved_changes_into_the_index(
    app: Flask, client: FlaskClient, session: Session, registry_with_services: dict[str, str]
) -> None:
    index.rebuild(session, app.config["INDEX_DIR"])
    session.rollback()
    codes = registry_with_services
    with get_db(app).transaction() as writer:
        service_records.update_service(writer, codes["izmir"], {"name": "Uzun Dönem İkamet İzni"})
        make_service(writer, "Vatansız Kişi Kimlik Belgesi", codes["goc"])
    assert _ids(_search(client, "vatansiz")) == []  # not yet: the index follows the feed
    assert follower.step(app) == 2
    assert len(_ids(_search(client, "vatansiz kisi"))) == 1
    assert codes["izmir"] in _ids(_search(client, "uzun donem ikamet izmir"))
    assert codes["izmir"] not in _ids(_search(client, "kisa donem", province="35"))
    assert follower.step(app) == 0  # nothing new


def test_search_survives_losing_its_index_and_a_rebuild_restores_it(
    app: Flask, client: FlaskClient, session: Session, registry_with_services: dict[str, str]
) -> None:
    index_dir = Path(app.config["INDEX_DIR"])
    index.rebuild(session, str(index_dir))
    session.rollback()
    assert client.get("/readyz").json["checks"]["search"].startswith("ok")
    shutil.rmtree(index.current_path(str(index_dir)))  # type: ignore[arg-type]

    degraded = _search(client, "ikamet izni uzatma izmir")
    assert degraded["degraded"] and registry_with_services["izmir"] in _ids(degraded)
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.json["checks"]["search"].startswith("degraded")

    for name in index_dir.iterdir():  # a corrupt index: garbage where the segments were
        if name.name.startswith("build-"):
            shutil.rmtree(name)
    follower.step(app)  # the follower rebuilds what is missing
    restored = _search(client, "ikamet izni uzatma izmir")
    assert restored["degraded"] is None
    assert _ids(restored)[0] == registry_with_services["izmir"]
    assert client.get("/readyz").json["checks"]["search"].startswith("ok")


# whoosh leaves the table of contents it cannot parse open; the file is closed when collected.
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_a_corrupt_index_degrades_then_rebuilds(
    app: Flask, client: FlaskClient, session: Session, registry_with_services: dict[str, str]
) -> None:
    index.rebuild(session, app.config["INDEX_DIR"])
    session.rollback()
    path = index.current_path(app.config["INDEX_DIR"])
    assert path is not None
    for segment in path.glob("*.seg"):
        segment.write_bytes(b"not a segment")
    for toc in path.glob("_MAIN_*.toc"):
        toc.write_bytes(b"\x00garbage")
    answer = _search(client, "pasaport")
    assert answer["degraded"] and _ids(answer) == [registry_with_services["passport"]]
    follower.step(app)
    assert _search(client, "pasaport")["degraded"] is None


def test_reviewers_edit_synonyms_and_search_uses_them_at_once(
    client: FlaskClient, session: Session, app: Flask
) -> None:
    world: World = build_world(session)
    document = make_document(session, "Yerleşim Yeri Belgesi")
    session.commit()
    index.rebuild(session, app.config["INDEX_DIR"])
    session.rollback()
    assert document in _ids(_search(client, "ikametgah"))  # an initial group
    groups = client.get("/api/v1/search/synonyms").json["groups"]
    new = {"groups": [*groups, ["konut belgesi", "İKAMETGAH"]]}
    refused = client.put("/api/v1/search/synonyms", json=new, headers=world.auth("reviewer"))
    assert refused.status_code == 422  # a phrase in two groups
    new = {"groups": [*groups, ["oturum kağıdı", "pasaport"]]}
    assert client.put("/api/v1/search/synonyms", json=new).status_code == 401
    coordinator = world.auth("goc_coordinator")
    assert client.put("/api/v1/search/synonyms", json=new, headers=coordinator).status_code == 403
    new = {"groups": [*groups, ["mesken belgesi", "yerleşim yeri"]]}
    saved = client.put("/api/v1/search/synonyms", json=new, headers=world.auth("reviewer"))
    assert saved.status_code == 202, saved.json  # a change request; another reviewer approves
    approve = f"/api/v1/change-requests/{saved.json['id']}/approve"
    assert client.post(approve, headers=world.auth("reviewer2")).status_code == 200
    assert document in _ids(_search(client, "mesken belgesi"))


def test_bad_search_input_is_a_clear_422(client: FlaskClient) -> None:
    for params, field in (
        ({}, "q"),
        ({"q": "x" * 201}, "q"),
        ({"q": "a", "type": "person"}, "type"),
        ({"q": "a", "province": "82"}, "province"),
        ({"q": "a", "organization": "abc"}, "organization"),
    ):
        answer = client.get("/api/v1/search", query_string=params)
        assert answer.status_code == 422 and field in answer.json["errors"], (params, answer.json)


def test_an_empty_registry_has_an_empty_index_that_answers_and_warms(
    app: Flask, client: FlaskClient, session: Session
) -> None:
    """A fresh installation: the index of nothing is a real index (a worker warming it at boot
    once failed, and gunicorn stopped the node because a worker could not start)."""
    index.rebuild(session, app.config["INDEX_DIR"])
    session.rollback()
    service.warm(app)
    answer = _search(client, "pasaport")
    assert answer["total"] == 0 and answer["source"] == "index" and answer["degraded"] is None
    assert client.get("/readyz").json["checks"]["search"] == "ok: 0 documents, 0 changes behind"
