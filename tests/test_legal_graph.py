"""The in-memory legal graph: current on every node after a commit, never holding uncommitted
edges."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import event

from registry.app import create_app
from registry.catalogue import services as service_records
from registry.kernel.db import get_db
from registry.legislation import graph as legal_graph
from tests.factories import make_act, make_document, make_service, make_unit


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


def test_a_service_moved_or_given_documents_is_seen_so_on_every_node(database_url: str) -> None:
    writer, reader = _node(database_url), _node(database_url)
    with get_db(writer).transaction() as session:
        first = make_unit(session, "Birinci Kurum", category="Bakanlık")
        second = make_unit(session, "İkinci Kurum", category="Bakanlık")
        law = make_act(session, "Kanun", type=1, number="9003")
        code = make_service(session, "Taşınan Hizmet", first, legal_basis=[law])
    client = reader.test_client()

    def owners() -> list[tuple[str | None, int]]:
        groups = client.get(f"/api/v1/legislation/{law}/impact").json["institutions"]
        return [
            (group["institution"], group["totals"]["documents"])
            for group in groups
            if group["totals"]["services"]
        ]

    assert owners() == [(first, 0)]
    with get_db(writer).transaction() as session:
        document = make_document(session, "Pasaport")
        service_records.update_service(
            session, code, {"organization": second, "required_documents": [document]}
        )
    assert owners() == [(second, 1)]
    for app in (writer, reader):
        get_db(app).dispose()


def test_a_worker_warms_the_graph_at_start_and_survives_an_unmigrated_database(
    database_url: str, tmp_path: Path
) -> None:
    node = _node(database_url)
    with get_db(node).transaction() as session:
        make_act(session, "Kanun", type=1, number="9004")
    legal_graph.warm(node)
    statements: list[str] = []
    engine = get_db(node).engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(engine, "before_cursor_execute", listener)
    with get_db(node).sessionmaker() as session:
        graph = legal_graph.current(session)
    event.remove(engine, "before_cursor_execute", listener)
    assert graph.size()["acts"] == 1
    selects = [sql for sql in statements if sql.lstrip().upper().startswith("SELECT")]
    assert len(selects) == 1 and "audit_head" in selects[0]  # loaded already: no reload
    empty = _node(f"sqlite:///{tmp_path / 'not-migrated.sqlite3'}")
    legal_graph.warm(empty)  # logged, not raised: the first request will load it
    for app in (node, empty):
        get_db(app).dispose()
