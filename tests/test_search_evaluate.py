"""The array evaluator ranks as whoosh's own matchers do, across segments and deletions."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh import index as whoosh_index
from whoosh import sorting
from whoosh.query import And, AndMaybe, Or, Phrase, Query, Term

from registry.search import evaluate, query
from registry.search.analysis import terms
from registry.search.index import schema

NAMES = [
    ("Göç İdaresi Başkanlığı", "ikamet izni başvurusu vize", "Ankara"),
    ("İzmir İl Göç İdaresi Müdürlüğü", "ikamet izni uzatma başvurusu", "İzmir"),
    ("İkamet İzni Uzatma", "göç idaresi ikamet izinleri uzatılır", "İzmir"),
    ("İdaresi Göç Yazışmaları", "göç ve idare arasında", "Ankara"),
    ("Pasaport Başvurusu", "pasaport için başvuru nüfus müdürlüğüne yapılır", "İstanbul"),
    ("Nüfus Cüzdanı Başvurusu", "kimlik kartı başvurusu ikamet adresi", "İstanbul"),
    ("Çalışma İzni", "yabancıların çalışma izni başvurusu ikamet", "Ankara"),
    ("Sürücü Belgesi", "sürücü belgesi başvurusu nüfus", "İzmir"),
]


def _document(number: int, title: str, body: str, province: str) -> dict[str, str]:
    return {
        "uid": f"service:{number}",
        "type": "service",
        "id": str(number),
        "all": f"{title} {body}",
        "title": title,
        "body": body,
        "context": "",
        "words": f"{title} {body}",
        "organization": f"ORG{number % 3}",
        "province": province,
    }


@pytest.fixture()
def searcher(tmp_path: Path):  # type: ignore[no-untyped-def]
    """An index of two segments (two commits), with a deleted and an updated record."""
    ix = whoosh_index.create_in(str(tmp_path), schema())
    with ix.writer() as writer:
        for number, (title, body, province) in enumerate(NAMES[:5]):
            writer.add_document(**_document(number, title, body, province))
    with ix.writer(merge=False) as writer:
        for number, (title, body, province) in enumerate(NAMES[5:], start=5):
            writer.add_document(**_document(number, title, body, province))
        writer.delete_by_term("uid", "service:4")
        writer.update_document(**_document(0, NAMES[0][0], "ikamet izni yenileme", "Ankara"))
    found = ix.searcher(weighting=query.WEIGHTING)
    assert len(found.reader().leaf_readers()) == 2 and found.reader().has_deletions()
    yield found
    found.close()


def _words(field: str, text: str) -> list[Query]:
    return [Term(field, term) for term in terms(text)]


PLAIN_QUERIES = [
    Term("all", terms("başvuru")[0]),
    And(_words("all", "ikamet izni")),
    Or(_words("all", "pasaport sürücü")),
    AndMaybe(And(_words("all", "ikamet izni")), Or(_words("title", "ikamet izni"))),
    AndMaybe(Term("all", terms("göç")[0]), Term("title", terms("göç")[0], boost=2.5)),
]


@pytest.mark.parametrize("q", PLAIN_QUERIES, ids=str)
def test_scores_and_order_equal_whooshs_own(searcher, q: Query) -> None:  # type: ignore[no-untyped-def]
    expected = [(hit.docnum, hit.score) for hit in searcher.search(q, limit=None)]
    ranked = evaluate.view(searcher, query.WEIGHTING).rank(q, None, limit=100)
    assert ranked.total == len(expected) > 0
    assert [docnum for docnum, _ in ranked.page] == [docnum for docnum, _ in expected]
    assert [round(score, 6) for _, score in ranked.page] == [round(s, 6) for _, s in expected]


def test_or_with_minmatch_keeps_documents_with_that_many_words(searcher) -> None:  # type: ignore[no-untyped-def]
    # whoosh 2.7's own matcher ignores ``minmatch``; the "one word may be missing" fallback
    # relies on it, so the evaluator enforces it.
    q = Or(_words("all", "çalışma yabancı sürücü"), minmatch=2)
    ranked = evaluate.view(searcher, query.WEIGHTING).rank(q, None, limit=10)
    assert [searcher.stored_fields(d)["title"] for d, _ in ranked.page] == ["Çalışma İzni"]


def test_deleted_and_replaced_records_are_not_found(searcher) -> None:  # type: ignore[no-untyped-def]
    arrays = evaluate.view(searcher, query.WEIGHTING)
    found = arrays.rank(Term("all", terms("idaresi")[0]), None, limit=10)
    uids = {searcher.stored_fields(docnum)["uid"] for docnum, _ in found.page}
    assert "service:3" in uids
    passport = arrays.rank(Term("all", terms("pasaport")[0]), None, limit=10)
    assert passport.total == 0  # its only record was deleted
    renewed = arrays.rank(Term("all", terms("yenileme")[0]), None, limit=10)
    assert [searcher.stored_fields(d)["uid"] for d, _ in renewed.page] == ["service:0"]
    old_text = arrays.rank(Term("all", terms("vize")[0]), None, limit=10)
    assert old_text.total == 0  # the record's text before its update


def test_a_phrase_counts_only_when_the_words_stand_in_order(searcher) -> None:  # type: ignore[no-untyped-def]
    stems = terms("göç idaresi")
    required = And(_words("all", "göç idaresi"))
    q = AndMaybe(required, Phrase("title", stems, slop=1, boost=5.0))
    arrays = evaluate.view(searcher, query.WEIGHTING)
    every = arrays.rank(q, None, limit=100)
    titles = [searcher.stored_fields(docnum)["title"] for docnum, _ in every.page]
    assert titles.index("Göç İdaresi Başkanlığı") < titles.index("İdaresi Göç Yazışmaları")
    # The name holding both words out of order scores as if there were no phrase at all.
    reversed_name = every.page[titles.index("İdaresi Göç Yazışmaları")]
    plain = dict(arrays.rank(required, None, limit=100).page)
    assert reversed_name[1] == pytest.approx(plain[reversed_name[0]])
    assert not arrays._in_order(reversed_name[0], stems, slop=1)
    # Stopping early gives what checking every candidate gives.
    assert arrays.rank(q, None, limit=2).page == every.page[:2]


def test_facet_counts_equal_whooshs_grouping(searcher) -> None:  # type: ignore[no-untyped-def]
    q = Term("all", terms("başvuru")[0])
    arrays = evaluate.view(searcher, query.WEIGHTING)
    ranked = arrays.rank(q, None, limit=10)
    for name in query.FACETS:
        grouped = searcher.search(q, groupedby=sorting.FieldFacet(name)).groups()
        expected = {key: len(found) for key, found in grouped.items() if key}
        assert arrays.facet_counts(name, ranked.matched) == expected
