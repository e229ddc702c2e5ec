"""Paging a SQL query for flask-smorest's ``@paginate`` (totals in ``X-Pagination``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session


def page_of(session: Session, stmt: Select[Any], pagination: Any) -> list[Any]:
    """The requested page of ``stmt``'s rows; sets the total for the pagination header."""
    pagination.item_count = session.scalar(select(func.count()).select_from(stmt.subquery()))
    offset = (pagination.page - 1) * pagination.page_size
    return list(session.scalars(stmt.offset(offset).limit(pagination.page_size)))
