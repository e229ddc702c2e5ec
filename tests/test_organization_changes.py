"""Changing units through the service layer: versions, numbers, moves, closes, refusals."""

from __future__ import annotations

import re
from datetime import date

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from registry.kernel.errors import Conflict, InvalidInput
from registry.organizations import changes, detsis
from registry.organizations.models import DetsisNumber, OrganizationVersion
from schemas.organizations import UnitUpdateSchema
from tests.factories import make_certificate, make_unit

D = date


def update(session: Session, number: str, on: date, **data: object) -> OrganizationVersion:
    return changes.update_unit(session, number, UnitUpdateSchema().load(data), valid_from=on)


def test_new_units_get_random_unique_valid_numbers(session: Session) -> None:
    numbers = [make_unit(session, f"Birim {i}") for i in range(40)]
    session.commit()
    assert all(re.fullmatch(r"[1-9][0-9]{7}", n) for n in numbers)
    assert len(set(numbers)) == 40
    ordered = sorted(int(n) for n in numbers)
    gaps = {b - a for a, b in zip(ordered, ordered[1:], strict=False)}
    assert len(gaps) > 30, "numbers must not be sequential"


def test_a_number_is_never_reused_even_after_closing(session: Session) -> None:
    number = make_unit(session, "Kapanacak Birim", detsis_no="31415926")
    changes.close_unit(session, number, valid_from=D(2021, 1, 1), reason="Kaldırıldı")
    session.commit()
    with pytest.raises(Conflict):
        make_unit(session, "Yeni Birim", detsis_no="31415926")
    session.rollback()
    assert session.scalar(select(func.count()).select_from(DetsisNumber)) == 1


def test_random_assignment_skips_numbers_already_used(session: Session) -> None:
    class Scripted:
        def __init__(self) -> None:
            self.values = iter([31415926, 31415926, 27182818])

        def randint(self, _low: int, _high: int) -> int:
            return next(self.values)

    make_unit(session, "Var Olan", detsis_no="31415926")
    assert detsis.assign_random(session, Scripted()) == "27182818"  # type: ignore[arg-type]


def test_update_makes_a_new_version_and_keeps_the_old(
    session: Session, client: FlaskClient
) -> None:
    ministry = make_unit(session, "Örnek Bakanlığı", category="Bakanlık")
    unit = make_unit(session, "Eski Daire Başkanlığı", parent=ministry)
    update(session, unit, D(2023, 3, 1), name="Yeni Daire Başkanlığı")
    session.commit()
    assert client.get(f"/api/v1/organizations/{unit}?at=2022-12-31").json["name"] == (
        "Eski Daire Başkanlığı"
    )
    now = client.get(f"/api/v1/organizations/{unit}").json
    assert now["name"] == "Yeni Daire Başkanlığı" and now["version"] == 2
    history = client.get(f"/api/v1/organizations/{unit}/history").json["versions"]
    assert [v["event"] for v in history] == ["created", "renamed"]


def test_two_changes_on_one_day_keep_both_in_history(session: Session, client: FlaskClient) -> None:
    unit = make_unit(session, "Birim")
    update(session, unit, D(2024, 5, 1), name="Birim İki")
    update(session, unit, D(2024, 5, 1), name="Birim Üç")
    session.commit()
    assert client.get(f"/api/v1/organizations/{unit}?at=2024-05-01").json["name"] == "Birim Üç"
    names = [
        v["name"] for v in client.get(f"/api/v1/organizations/{unit}/history").json["versions"]
    ]
    assert names == ["Birim", "Birim İki", "Birim Üç"]


def test_scheduled_change_becomes_current_on_its_day(session: Session, client: FlaskClient) -> None:
    unit = make_unit(session, "Bugünkü Ad")
    update(session, unit, D(2190, 1, 1), name="Gelecekteki Ad")
    session.commit()
    assert client.get(f"/api/v1/organizations/{unit}").json["name"] == "Bugünkü Ad"
    assert client.get(f"/api/v1/organizations/{unit}?at=2190-01-01").json["name"] == (
        "Gelecekteki Ad"
    )


def test_move_changes_the_path_and_refuses_cycles(session: Session, client: FlaskClient) -> None:
    ministry = make_unit(session, "Bakanlık A", category="Bakanlık")
    gm = make_unit(session, "Genel Müdürlük", parent=ministry)
    dept = make_unit(session, "Daire", parent=gm)
    other = make_unit(session, "Bakanlık B", category="Bakanlık")
    version = update(session, gm, D(2024, 1, 1), parent=other)
    assert version.event == "moved"
    session.commit()
    path = client.get(f"/api/v1/organizations/{dept}").json["path"]
    assert [p["name"] for p in path] == ["Bakanlık B", "Genel Müdürlük", "Daire"]
    old_path = client.get(f"/api/v1/organizations/{dept}?at=2023-06-01").json["path"]
    assert old_path[0]["name"] == "Bakanlık A"
    assert client.get(f"/api/v1/organizations/{dept}").json["institution"] == other
    with pytest.raises(InvalidInput) as refused:
        update(session, other, D(2024, 2, 1), parent=dept)
    assert "parent" in (refused.value.errors or {})
    with pytest.raises(InvalidInput):
        update(session, gm, D(2024, 2, 1), parent=gm)


def test_parent_must_exist_and_be_open_on_that_date(session: Session) -> None:
    parent = make_unit(session, "Üst Birim", valid_from=D(2022, 1, 1))
    with pytest.raises(InvalidInput) as early:
        make_unit(session, "Alt Birim", parent=parent, valid_from=D(2021, 1, 1))
    assert "parent" in (early.value.errors or {})
    changes.close_unit(session, parent, valid_from=D(2023, 1, 1), reason="Kapatıldı")
    with pytest.raises(InvalidInput):
        make_unit(session, "Alt Birim", parent=parent, valid_from=D(2023, 6, 1))
    with pytest.raises(InvalidInput):
        make_unit(session, "Alt Birim", parent="99999999")


def test_close_needs_a_reason_and_no_open_children(session: Session) -> None:
    parent = make_unit(session, "Üst")
    make_unit(session, "Alt", parent=parent)
    with pytest.raises(InvalidInput):
        changes.close_unit(session, parent, valid_from=D(2024, 1, 1), reason=" ")
    with pytest.raises(Conflict):
        changes.close_unit(session, parent, valid_from=D(2024, 1, 1), reason="Kapatma")


def test_merge_links_predecessors_and_successors(session: Session, client: FlaskClient) -> None:
    first = make_unit(session, "Birinci Daire")
    second = make_unit(session, "İkinci Daire")
    merged = make_unit(session, "Birleşik Daire", valid_from=D(2024, 1, 1))
    changes.close_unit(
        session, first, valid_from=D(2024, 1, 1), reason="Birleşme", successors=[merged]
    )
    changes.close_unit(
        session, second, valid_from=D(2024, 1, 1), reason="Birleşme", successors=[merged]
    )
    session.commit()
    closed = client.get(f"/api/v1/organizations/{first}").json
    assert closed["status"] == "closed" and closed["successors"] == [merged]
    assert sorted(client.get(f"/api/v1/organizations/{merged}").json["predecessors"]) == sorted(
        [first, second]
    )
    history = client.get(f"/api/v1/organizations/{first}/history").json
    assert history["versions"][-1]["event"] == "merged"
    assert history["successors"] == [merged]
    assert client.get(f"/api/v1/organizations/{first}?at=2023-12-31").json["status"] == "active"
    closed_list = client.get("/api/v1/organizations?status=closed").json
    assert {u["detsis_no"] for u in closed_list} == {first, second}


def test_split_names_several_successors(session: Session) -> None:
    old = make_unit(session, "Bölünen Daire")
    a = make_unit(session, "A Dairesi", valid_from=D(2024, 1, 1))
    b = make_unit(session, "B Dairesi", valid_from=D(2024, 1, 1))
    version = changes.close_unit(
        session, old, valid_from=D(2024, 1, 1), reason="Bölünme", successors=[a, b]
    )
    assert version.event == "split"


def test_reopen_a_closed_unit(session: Session) -> None:
    unit = make_unit(session, "Geçici Birim")
    changes.close_unit(session, unit, valid_from=D(2023, 1, 1), reason="Kapatıldı")
    with pytest.raises(Conflict):
        update(session, unit, D(2023, 6, 1), name="Yeni Ad")
    version = changes.reopen_unit(session, unit, valid_from=D(2024, 1, 1), reason="Yeniden")
    assert version.event == "reopened" and version.status == "active"


def test_stale_or_backdated_changes_are_refused(session: Session) -> None:
    unit = make_unit(session, "Birim")
    update(session, unit, D(2024, 1, 1), name="Birim 2")
    with pytest.raises(Conflict) as stale:
        changes.update_unit(
            session, unit, {"name": "Birim 3"}, valid_from=D(2024, 2, 1), expected_version=1
        )
    assert stale.value.extra["current_version"] == 2
    with pytest.raises(Conflict):
        update(session, unit, D(2023, 1, 1), name="Geriye Dönük")


def test_an_update_that_changes_nothing_is_refused(session: Session) -> None:
    unit = make_unit(session, "Aynı Ad")
    with pytest.raises(InvalidInput):
        update(session, unit, D(2024, 1, 1), name="Aynı Ad")


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"name": "X", "level": "central"}, "name"),
        ({"name": "Birim", "level": "federal"}, "level"),
        ({"name": "Birim", "level": "provincial"}, "province"),
        ({"name": "Birim", "level": "central", "province": {"code": 82}}, "province"),
        ({"name": "Birim", "level": "central", "category": "Kulüp"}, "category"),
        (
            {"name": "Birim", "level": "central", "kep_addresses": ["birim@gmail.com"]},
            "kep_addresses",
        ),
        ({"name": "Birim", "level": "central", "contact": {"email": "yok"}}, "contact"),
        ({"name": "Birim", "level": "central", "colour": "red"}, "colour"),
    ],
)
def test_input_schema_names_the_offending_field(data: dict[str, object], field: str) -> None:
    from marshmallow import ValidationError

    from schemas.organizations import UnitInputSchema

    with pytest.raises(ValidationError) as error:
        UnitInputSchema().load(data)
    assert field in error.value.messages


def test_kep_addresses_are_validated_and_normalised() -> None:
    from schemas.organizations import UnitInputSchema

    data = UnitInputSchema().load(
        {
            "name": "Birim",
            "level": "central",
            "kep_addresses": [
                "ITU@hs01.kep.tr",
                {"address": "gocidaresi@gocidaresi.hs02.kep.tr", "active": False},
            ],
        }
    )
    assert data["kep_addresses"] == [
        {"address": "itu@hs01.kep.tr", "active": True},
        {"address": "gocidaresi@gocidaresi.hs02.kep.tr", "active": False},
    ]


def test_certificate_must_be_pem() -> None:
    from marshmallow import ValidationError

    from schemas.organizations import UnitInputSchema

    with pytest.raises(ValidationError) as error:
        UnitInputSchema().load({"name": "Birim", "level": "central", "certificate": "not a cert"})
    assert "certificate" in error.value.messages
    truncated = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n"
    with pytest.raises(ValidationError) as error:
        UnitInputSchema().load({"name": "Birim", "level": "central", "certificate": truncated})
    assert "certificate" in error.value.messages  # shaped like PEM, but not a certificate
    pem = make_certificate("Birim")
    assert (
        UnitInputSchema().load({"name": "Birim", "level": "central", "certificate": pem})[
            "certificate_pem"
        ]
        == pem
    )
