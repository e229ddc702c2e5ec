"""The managers of units (the national contract's IYEM): who held a unit's head post, since and
until when, with which title, how (asaleten: substantive; vekaleten: acting; görevlendirme:
assigned) and on which legal basis.

One record per appointment (its ``key`` a number), dated like every reference record. Personal
data are kept to what a letter prints (name and title): no birth date, age or national id is
stored or served. A national id or personnel number is turned into the
person key (``registry.accounts.persons``) before the request is written (``POST
/api/v1/person-keys``), so the posts of one person are linked without the registry knowing who
it is. Two posts of one unit never overlap.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

from flask import current_app
from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.accounts import persons
from registry.ebys.models import ManagerPost
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import Conflict, InvalidInput
from registry.organizations import tree
from registry.reference import dated
from registry.workflow.handling import Proposal

APPOINTMENT_NAMES = {
    "asaleten": "Asaleten",
    "vekaleten": "Vekaleten",
    "gorevlendirme": "Görevlendirme",
}


def _view(session: Session, row: ManagerPost) -> dict[str, Any]:
    return {
        "id": row.key,
        "organization": tree.number_of(session, row.organization_id),
        "person": persons.short(row.person_key),
        "name": row.name,
        "title": row.title,
        "appointment": row.appointment,
        "appointment_name": APPOINTMENT_NAMES.get(row.appointment),
        "legal_basis": row.legal_basis,
        "since": row.since,
        "until": row.until,
        "active": row.status == RecordStatus.ACTIVE,
        "version": row.version,
    }


KIND: dated.Kind[ManagerPost] = dated.Kind(
    entity="manager_post",
    model=ManagerPost,
    fields=(
        "organization_id",
        "person_key",
        "name",
        "title",
        "appointment",
        "legal_basis",
        "since",
        "until",
    ),
    view=_view,
    label="yönetici görevi / manager post",
)


def view(session: Session, row: ManagerPost) -> dict[str, Any]:
    return _view(session, row)


def values(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in data.items() if k in KIND.fields}
    if "organization" in data:
        out["organization_id"] = tree.unit_id_for(
            session, data["organization"], "data.organization"
        )
    return out


def person_key_for(person_id: str) -> str:
    """The person key of a national id or personnel number (``POST /api/v1/person-keys``):
    requests carry the key, so no national id is ever stored, not even in a request."""
    return persons.person_key(person_id, current_app.config["PERSON_KEY_SECRET"], "person_id")


def key_for(_session: Session, _data: dict[str, Any]) -> None:
    return None  # numbered by the first version's row


def no_overlap(session: Session, proposal: Proposal) -> None:
    """Two posts of one unit never overlap: a new holder starts after the last one left."""
    if proposal.action == "close":
        return
    data = dated.merged(session, KIND, proposal, values(session, proposal.data))
    since, until = data.get("since"), data.get("until")
    if since is None:
        return
    if until is not None and until < since:
        raise InvalidInput(
            "Görev bitişi başlangıcından önce / the post ends before it starts.",
            errors={"data.until": ["before since"]},
        )
    for other in current_posts(session, data["organization_id"]):
        if other.key == proposal.target:
            continue
        if other.since <= (until or date.max) and since <= (other.until or date.max):
            raise Conflict(
                f"Bu birimin {other.since.strftime('%d.%m.%Y')} tarihli görevi ({other.key}) ile "
                "çakışıyor / the post overlaps another post of the unit.",
                errors={"data.since": [f"overlaps post {other.key}"]},
            )


def current_posts(session: Session, org_id: int) -> list[ManagerPost]:
    """The last version of each open post record of the unit."""
    rows = session.scalars(
        select(ManagerPost).where(
            ManagerPost.organization_id == org_id, ManagerPost.valid_to.is_(None)
        )
    )
    return [row for row in rows if row.status == RecordStatus.ACTIVE]


def _held_on(on: date) -> Any:
    """The post versions that answer for ``on``: a past date as the registry knows it today (a
    post recorded late still answers for its days), a future one with the changes scheduled by
    then."""
    return dated.rows_on(KIND, max(on, today())).where(
        ManagerPost.status == RecordStatus.ACTIVE,
        ManagerPost.since <= on,
        or_(ManagerPost.until.is_(None), ManagerPost.until >= on),
    )


def managers_on(session: Session, number: str, on: date) -> list[ManagerPost]:
    """Who held the unit's head post on ``on``."""
    org_id = tree.organization_id(session, number)
    return list(
        session.scalars(
            _held_on(on).where(ManagerPost.organization_id == org_id).order_by(ManagerPost.since)
        )
    )


def holders_on(session: Session, org_ids: Collection[int], on: date) -> dict[int, ManagerPost]:
    """Who holds each unit's head post on ``on``, in one query: what a signatory that names a
    post signs as (``registry.ebys.facts``). A unit whose post is vacant is missing."""
    if not org_ids:
        return {}
    rows = session.scalars(
        _held_on(on)
        .where(ManagerPost.organization_id.in_(set(org_ids)))
        .order_by(ManagerPost.since)
    )
    return {row.organization_id: row for row in rows}  # posts never overlap: one each


def post_history(session: Session, number: str) -> list[ManagerPost]:
    """Every post of the unit (its last version), oldest first."""
    org_id = tree.organization_id(session, number)
    rows = session.scalars(
        select(ManagerPost)
        .where(ManagerPost.organization_id == org_id, ManagerPost.valid_to.is_(None))
        .order_by(ManagerPost.since)
    )
    return list(rows)


def posts_of_person(session: Session, person_key: str) -> list[ManagerPost]:
    """A person's posts, by person key (the IYEM lookup, without a national id)."""
    return list(
        session.scalars(
            select(ManagerPost)
            .where(ManagerPost.person_key == person_key, ManagerPost.valid_to.is_(None))
            .order_by(ManagerPost.since)
        )
    )
