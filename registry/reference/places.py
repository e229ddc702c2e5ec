"""Places: the 81 provinces (numbered by their plate codes), their districts, and the countries
of units abroad, each with a stable number and a telephone area code.

EBYS systems store a unit's place as one number (``Fk_BulunduguYerID`` in the national
contract) and must never get an empty one: a unit's place is its district's number when its
district is registered, else its province's, else 0 (unknown). The packaged list
(``registry.kernel.reference.packaged_places``) is what a new registry starts from; changes to
it are change requests of the working group, like every other record.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput
from registry.kernel.reference import packaged_places, province_name
from registry.organizations.models import OrganizationVersion
from registry.reference import dated
from registry.reference.models import Place
from registry.workflow.handling import Proposal

UNKNOWN = 0
COUNTRY_BASE = 900_000


def _view(_session: Session, row: Place) -> dict[str, Any]:
    return {
        "id": row.number,
        "kind": row.kind,
        "name": row.name,
        "province_code": row.province_code,
        "province_name": province_name(row.province_code),
        "plate": row.province_code,
        "area_code": row.area_code,
        "country_code": row.country_code,
        "active": row.status == RecordStatus.ACTIVE,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
    }


KIND: dated.Kind[Place] = dated.Kind(
    entity="place",
    model=Place,
    fields=("number", "kind", "name", "province_code", "area_code", "country_code"),
    view=_view,
    label="yer / place",
)


def view(session: Session, row: Place) -> dict[str, Any]:
    return _view(session, row)


def values(_session: Session, data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in KIND.fields}
    if "id" in data:
        out["number"] = data["id"]
    return out


def key_for(_session: Session, data: dict[str, Any]) -> str:
    return str(data["id"])


def active_province(session: Session, code: int, on: date) -> Place | None:
    return session.scalars(
        dated.rows_on(KIND, on).where(
            Place.kind == "province",
            Place.province_code == code,
            Place.status == RecordStatus.ACTIVE,
        )
    ).first()


def check_place(session: Session, proposal: Proposal) -> None:
    """A district lies in a registered province; numbers follow the kind's range."""
    if proposal.action == "close":
        return
    data = dated.merged(session, KIND, proposal, values(session, proposal.data))
    kind, number, province = data.get("kind"), data.get("number"), data.get("province_code")
    if kind in ("province", "district") and province is None:
        raise InvalidInput(
            "İl ve ilçe bir ile bağlıdır / a province or district needs its province code.",
            errors={"data.province_code": ["required"]},
        )
    if kind == "province" and number != province:
        raise InvalidInput(
            "İlin numarası plaka kodudur / a province's number is its plate code.",
            errors={"data.id": ["must equal province_code"]},
        )
    if kind == "district":
        if province is not None and proposal.action == "create":
            if active_province(session, province, today()) is None:
                raise InvalidInput(
                    f"{province} plaka kodlu il kayıtlı değil / unknown place: no province "
                    f"{province}.",
                    errors={"data.province_code": [f"no province {province}"]},
                )
        if number is not None and number // 1000 != province:
            raise InvalidInput(
                "İlçe numarası plaka kodu × 1000 + sıra numarasıdır / a district's number is "
                "its plate code × 1000 + n.",
                errors={"data.id": [f"between {province}001 and {province}999"]},
            )
    if kind == "country" and number is not None and number < COUNTRY_BASE:
        raise InvalidInput(
            "Ülke numaraları 900000'den başlar / country numbers start at 900000.",
            errors={"data.id": ["900000 + ISO 3166 numeric code"]},
        )


# -- reading --


def list_places(
    session: Session, kind: str | None, province: int | None, q: str | None, on: date
) -> Any:
    """The statement listing the places in force on ``on``, by number."""
    stmt = dated.rows_on(KIND, on).where(Place.status == RecordStatus.ACTIVE)
    if kind:
        stmt = stmt.where(Place.kind == kind)
    if province is not None:
        if active_province(session, province, on) is None:
            raise InvalidInput(
                f"{province} plaka kodlu il yok / unknown place: no province {province}.",
                errors={"province": [f"no province {province}"]},
            )
        stmt = stmt.where(Place.province_code == province)
    if q:
        wanted = turkish.fold(q)
        numbers = [
            number
            for number, name in session.execute(
                dated.rows_on(KIND, on).with_only_columns(Place.number, Place.name)
            )
            if wanted in turkish.fold(name)
        ]
        stmt = stmt.where(Place.number.in_(numbers))
    return stmt.order_by(Place.number)


def place_number_of(session: Session, version: OrganizationVersion, on: date) -> int:
    """A unit's place as EBYS systems store it: its district, else its province, else 0."""
    if version.province_code is None:
        return UNKNOWN
    rows = session.execute(
        dated.rows_on(KIND, on)
        .with_only_columns(Place.number, Place.kind, Place.name)
        .where(Place.province_code == version.province_code, Place.status == RecordStatus.ACTIVE)
    ).all()
    if version.district:
        wanted = turkish.fold(version.district)
        for number, kind, name in rows:
            if kind == "district" and turkish.fold(name) == wanted:
                return int(number)
    for number, kind, _name in rows:
        if kind == "province":
            return int(number)
    return UNKNOWN


def get_place(session: Session, number: int, on: date) -> Place:
    return dated.as_of(session, KIND, str(number), on)


def load_packaged(session: Session, on: date, provenance: Provenance) -> tuple[int, int]:
    """Create every packaged place not registered yet (sample data, a new registry): (created,
    already there). Running it again changes nothing."""
    known = set(session.scalars(select(Place.key)))
    new = [p for p in packaged_places() if str(p.number) not in known]
    rows = [
        Place(
            key=str(p.number),
            version=1,
            valid_from=on,
            valid_to=None,
            status=RecordStatus.ACTIVE,
            number=p.number,
            kind=p.kind,
            name=p.name,
            province_code=p.province_code,
            area_code=p.area_code,
            country_code=p.country_code,
        )
        for p in new
    ]
    session.add_all(rows)
    session.flush()
    audit.append_many(
        session,
        [audit.NewEntry(KIND.entity, r.key, "create", None, _view(session, r)) for r in rows],
        provenance,
    )
    return len(rows), len(packaged_places()) - len(rows)
