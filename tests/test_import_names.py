"""Document names as institutions' published tables write them, resolved on the sample data:
"not sure" (the reviewers' queue) is preferred to "wrong", measured on a set of real names kept
apart from the tuning set (tests/data/real_document_names.json). Both backends."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from flask.testing import FlaskClient

DATA = Path(__file__).parent / "data"
REAL = json.loads((DATA / "real_document_names.json").read_text("utf-8"))["cases"]
TUNING = json.loads((DATA / "document_names.json").read_text("utf-8"))["cases"]


def _accepted(client: FlaskClient, text: str) -> dict[str, Any] | None:
    answer = client.get("/api/v1/documents/resolve", query_string={"name": text})
    assert answer.status_code == 200, answer.json
    return next((m for m in answer.json["matches"] if m["accepted"]), None)


def figures(client: FlaskClient, cases: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """right (accepted as expected), wrong (accepted otherwise), queued (left to reviewers)."""
    found: dict[str, list[Any]] = {"right": [], "wrong": [], "queued": []}
    for case in cases:
        match = _accepted(client, case["text"])
        if match is None:
            found["queued"].append(case["text"])
        elif match["name"] == case["expected"]:
            found["right"].append(case["text"])
        else:
            found["wrong"].append((case["text"], match["name"]))
    return found


def test_real_published_names_are_never_resolved_to_the_wrong_document(
    demo_client: FlaskClient,
) -> None:
    assert len(REAL) >= 80
    assert not {c["text"] for c in REAL} & {c["text"] for c in TUNING}  # a separate set
    found = figures(demo_client, REAL)
    print(
        f"real names: {len(found['right'])} right, {len(found['wrong'])} wrong, "
        f"{len(found['queued'])} queued of {len(REAL)}"
    )
    assert found["wrong"] == [], found["wrong"]
    should = [c["text"] for c in REAL if c["expected"] is not None]
    assert len(found["right"]) >= 0.6 * len(should), sorted(set(should) - set(found["right"]))


def test_a_name_whose_telling_word_differs_goes_to_the_queue(demo_client: FlaskClient) -> None:
    for text in (
        "Sığınak Raporu",
        "Ustalık Belgesi",
        "Çalışma izni talep formu",
        "Evlenme Beyannamesi",
        "Yabancı uyruklular için:",
        "Öğrenci ise öğrenci belgesi, çalışıyor ise SGK hizmet dökümü",
    ):
        assert _accepted(demo_client, text) is None, text
    accepted = _accepted(demo_client, "Sağlık raporu")
    assert accepted is not None and accepted["name"] == "Sağlık Raporu"
