"""Paging a SQL query for flask-smorest's ``@paginate`` (totals in ``X-Pagination``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registry.kernel.errors import InvalidInput

# Past this page no list has rows, and the offset would overflow a 64-bit integer in SQL.
MAX_PAGE = 1_000_000


def offset_of(pagination: Any) -> int:
    """The row offset of the requested page; a page beyond any list is a 422 on ``page``."""
    if pagination.page > MAX_PAGE:
        raise InvalidInput(
            f"Sayfa numarası en çok {MAX_PAGE} olabilir / page is at most {MAX_PAGE}.",
            errors={"page": [f"must be between 1 and {MAX_PAGE}"]},
        )
    return int((pagination.page - 1) * pagination.page_size)


def page_of(session: Session, stmt: Select[Any], pagination: Any) -> list[Any]:
    """The requested page of ``stmt``'s rows; sets the total for the pagination header."""
    offset = offset_of(pagination)
    pagination.item_count = session.scalar(select(func.count()).select_from(stmt.subquery()))
    return list(session.scalars(stmt.offset(offset).limit(pagination.page_size)))
