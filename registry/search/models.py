"""What the search index knows besides the records: synonym groups kept by reviewers."""

from __future__ import annotations

from sqlalchemy import JSON
from sqlalchemy.orm import Mapped, mapped_column

from registry.kernel.db import Base


class SearchSynonymGroup(Base):
    """Phrases a citizen may type for one thing ("ikametgah" ~ "yerleşim yeri belgesi")."""

    __tablename__ = "search_synonym_groups"

    id: Mapped[int] = mapped_column(primary_key=True)
    phrases: Mapped[list[str]] = mapped_column(JSON)
