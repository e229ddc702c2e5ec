"""The in-memory legal graph: current on every node after a commit, never holding uncommitted
edges."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from registry import create_app, migrate
from registry.db import get_db
from registry.services import legal_graph
from tests.factories import make_act
from tests.postgres import ThrowawayPostgres


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database two app nodes can share (a file, or a PostgreSQL database)."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
        app = create_app({"DATABASE_URL": url, "TESTING": True})
        migrate.upgrade(get_db(app).engine)
        get_db(app).dispose()
        yield url
        return
    server: ThrowawayPostgres = request.getfixturevalue("postgres")
    name = f"graph_{abs(hash(tmp_path)) % 10**8}"
    yield server.create_database(name, template="registry_template")
    server.drop_database(name)


def _node(url: str) -> Flask:
    return create_app({"DATABASE_URL": url, "TESTING": True})


def test_a_change_committed_on_one_node_is_seen_by_another_without_a_rebuild(
    database_url: str,
) -> None:
    writer, reader = _node(database_url), _node(database_url)
    with get_db(writer).transaction() as session:
        law = make_act(session, "Kanun", type=1, number="9001")
    client = reader.test_client()
    assert client.get(f"/api/v1/legislation/{law}/derived").json == []
    with get_db(reader).sessionmaker() as session:
        graph = legal_graph.current(session)
        seq_before = graph.synced_seq

    with get_db(writer).transaction() as session:
        regulation = make_act(session, "Yönetmelik", basis=[law])

    items = client.get(f"/api/v1/legislation/{law}/derived").json
    assert [item["id"] for item in items] == [regulation]
    with get_db(reader).sessionmaker() as session:
        same = legal_graph.current(session)
    assert same is graph and (same.synced_seq or 0) > (seq_before or 0)
    for app in (writer, reader):
        get_db(app).dispose()


def test_an_uncommitted_write_never_reaches_the_graph(database_url: str) -> None:
    node = _node(database_url)
    with get_db(node).transaction() as session:
        law = make_act(session, "Kanun", type=1, number="9002")
    with get_db(node).sessionmaker() as session:
        graph = legal_graph.current(session)
        make_act(session, "Geri alınacak yönetmelik", basis=[law])
        assert legal_graph.current(session) is graph
        assert graph.derived(law, None) == {}
        session.rollback()
    with get_db(node).sessionmaker() as session:
        assert legal_graph.current(session).derived(law, None) == {}
    get_db(node).dispose()
