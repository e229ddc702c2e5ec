"""The daily-sync operations (README §10): every unit changed since a day, an institution's whole
tree, every active KEP address. Registered in ``registry.kaysis.operations``.

At national scale these are 200,000-record answers, so they are streamed from the EBYS facts
projection (``registry.ebys.projection``), which keeps each unit's ``KurumBirimWS`` record ready
with the columns these calls filter by: one indexed read per page of ``PAGE`` records, in keyset
order (no server-side cursor, which a streamed answer could outlive), so memory is bounded by a
page whatever the registry's size. When the projection is not current (never built, a new day
not caught up yet, a change it has not followed), the records are built from the tree as before
(``registry.kaysis.units``): the same answer, only slower.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, select, tuple_
from sqlalchemy.orm import InstrumentedAttribute, Session

from registry.audit import trail as audit
from registry.ebys import facts_table
from registry.ebys.models import EbysFactsRow
from registry.kaysis.answers import result
from registry.kaysis.auth import Caller
from registry.kaysis.units import changed_since, in_force, records, subtree_records
from registry.kernel.clock import today
from registry.kernel.errors import InvalidInput
from registry.organizations.models import Organization, OrganizationVersion, Status

PAGE = 2000
KEP_PAGE = 5000


def projection_current(session: Session) -> bool:
    """Whether the projection answers for today and every change the trail holds."""
    found = facts_table.state(session)
    if found is None or found[1] != today():
        return False
    return facts_table.followed_after(session, found[0], audit.head_seq(session)) is False


def _pages(
    session: Session,
    columns: Sequence[Any],
    where: Sequence[ColumnElement[bool]],
    order: Sequence[InstrumentedAttribute[Any]],
    size: int = PAGE,
) -> Iterator[Any]:
    """``columns`` of the rows ``where`` selects, in ``order`` (unique), a page at a time."""
    last: Sequence[Any] | None = None
    while True:
        stmt = select(*columns, *order).where(*where)
        if last is not None:
            stmt = stmt.where(tuple_(*order) > tuple_(*last))
        page = session.execute(stmt.order_by(*order).limit(size)).all()
        if not page:
            return
        for row in page:
            yield tuple(row[: len(columns)])
        last = tuple(page[-1][len(columns) :])


def _records(
    session: Session,
    where: Sequence[ColumnElement[bool]],
    order: Sequence[InstrumentedAttribute[Any]],
) -> Iterator[bytes]:
    """The records as the projection wrote them (``KurumBirimWS`` elements): copied, not
    rebuilt, so the answer costs a read and a write per record."""
    for (record_xml,) in _pages(session, [EbysFactsRow.record_xml], where, order):
        yield record_xml.encode("utf-8")


def _aware(moment: datetime | None) -> datetime | None:
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=UTC)


def own_units(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """``KendiTumBirimleriGetirWs``: the caller's unit and every unit under it, level by level
    (changed since the given moment, when one is given)."""
    since = _aware(params["degisiklikTarihiBaslangic"])
    if not projection_current(session):
        return result(False, subtree_records(session, caller.organization_id, today(), since))
    top = session.scalar(
        select(EbysFactsRow.path).where(EbysFactsRow.organization_id == caller.organization_id)
    )
    if top is None:  # not in force today
        return result(False, [])
    # Every path under ``top`` starts with it: the range [top, top with "/" → "0").
    where = [EbysFactsRow.path >= top, EbysFactsRow.path < top[:-1] + "0"]
    if since is not None:
        where.append(EbysFactsRow.changed_at >= since)
    order = (EbysFactsRow.depth, EbysFactsRow.sort_key, EbysFactsRow.organization_id)
    return result(False, _records(session, where, order))


def new_correspondents(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """``YeniDisYazismaYapanlariGetirWs``: units that correspond externally (or closed since)
    and changed in the registry since the given day, across the whole registry: the daily
    delta."""
    try:
        day = datetime(params["pYil"], params["pAy"], params["pGun"], tzinfo=UTC)
    except (ValueError, OverflowError) as error:
        raise InvalidInput(
            "Geçersiz tarih / invalid day, month or year.", errors={"pGun": [str(error)]}
        ) from error
    if not projection_current(session):
        stmt = in_force(today()).where(
            changed_since(day),
            (OrganizationVersion.corresponds_externally.is_(True))
            | (OrganizationVersion.status == Status.CLOSED),
        )
        return result(False, records(session, stmt, today(), keyset=True))
    where = [
        EbysFactsRow.changed_at >= day,
        (EbysFactsRow.corresponds_externally.is_(True))
        | (EbysFactsRow.status == str(Status.CLOSED)),
    ]
    return result(False, _records(session, where, [EbysFactsRow.organization_id]))


def _kep_row(number: str, address: str) -> dict[str, Any]:
    return {"KurumDetsisNo": int(number), "KepAdresi": address, "Aktifmi": True, "Durum": "Aktif"}


def _active_keps(session: Session) -> Iterator[dict[str, Any]]:
    """From the tree, in pages by unit id (when the projection is not current)."""
    last = 0
    while True:
        page = session.execute(
            in_force(today())
            .with_only_columns(
                OrganizationVersion.organization_id,
                Organization.detsis_no,
                OrganizationVersion.kep_addresses,
            )
            .where(
                OrganizationVersion.status == Status.ACTIVE,
                OrganizationVersion.organization_id > last,
            )
            .order_by(OrganizationVersion.organization_id)
            .limit(KEP_PAGE)
        ).all()
        if not page:
            return
        for _, number, entries in page:
            for entry in entries or []:
                if entry.get("active"):
                    yield _kep_row(number, entry["address"])
        last = page[-1][0]


def _projected_keps(session: Session) -> Iterator[dict[str, Any]]:
    where = [EbysFactsRow.status == str(Status.ACTIVE), EbysFactsRow.has_kep.is_(True)]
    columns = (EbysFactsRow.detsis_no, EbysFactsRow.own_kep)
    for number, addresses in _pages(
        session, columns, where, [EbysFactsRow.organization_id], KEP_PAGE
    ):
        for address in addresses:
            yield _kep_row(number, address)


def active_keps(session: Session, caller: Caller, params: dict[str, Any]) -> dict[str, Any]:
    """``AktifKEPAdresleriniGetir``: every unit's own active addresses (never inherited ones:
    the C# client matches rows to units by ``KurumDetsisNo``)."""
    if not projection_current(session):
        return result(False, _active_keps(session))
    return result(False, _projected_keps(session))
