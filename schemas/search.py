"""Full-text search: the query, the answer, and the synonym groups reviewers keep."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from registry.kernel import turkish
from schemas.common import DetsisNumber, Schema

SEARCH_TYPES = ("service", "organization", "legislation", "document")


class SearchQuerySchema(ma.Schema):
    q = fields.String(required=True, validate=validate.Length(1, 200))
    type = fields.String(validate=validate.OneOf(SEARCH_TYPES))
    organization = DetsisNumber(metadata={"description": "Only this institution's records"})
    province = fields.Integer(
        validate=validate.Range(1, 81), metadata={"description": "Plate code"}
    )
    page = fields.Integer(load_default=1, validate=validate.Range(1, 1000))
    page_size = fields.Integer(load_default=10, validate=validate.Range(1, 50))
    facets = fields.Boolean(
        load_default=False,
        metadata={"description": "Also count all matches by type, institution and province"},
    )


class SearchHitSchema(Schema):
    type = fields.String()
    id = fields.String(metadata={"description": "Service or document code, DETSİS, act id"})
    title = fields.String()
    snippet = fields.String(metadata={"description": "HTML-escaped text; matched words in <mark>"})
    score = fields.Float()
    organization = fields.String(allow_none=True, metadata={"description": "Institution"})


class SearchResultSchema(Schema):
    total = fields.Integer()
    hits = fields.List(fields.Nested(SearchHitSchema))
    facets = fields.Dict(
        keys=fields.String(),
        values=fields.Dict(keys=fields.String(), values=fields.Integer()),
        metadata={"description": "With facets=true: counts by type, institution, province"},
    )
    fuzzy = fields.Boolean(metadata={"description": "Typos were allowed to find these"})
    degraded = fields.String(
        allow_none=True,
        metadata={
            "description": "Why the answer may be incomplete, if it may: the database answered "
            "instead of the index, or the index has fallen behind the registry"
        },
    )
    source = fields.String(
        validate=validate.OneOf(["index", "database"]),
        metadata={"description": "What answered: the search index, or the database (fallback)"},
    )


class SynonymsSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    groups = fields.List(
        fields.List(
            fields.String(validate=validate.Length(2, 100)), validate=validate.Length(2, 20)
        ),
        required=True,
        validate=validate.Length(0, 2000),
    )

    @ma.validates("groups")
    def distinct(self, groups: list[list[str]], **_kwargs: Any) -> None:
        seen: set[str] = set()
        for group in groups:
            for phrase in group:
                folded = turkish.fold(phrase)
                if not folded:
                    raise ma.ValidationError(f"Boş ifade / empty phrase: {phrase!r}")
                if folded in seen:
                    raise ma.ValidationError(
                        f"'{phrase}' iki kez geçiyor / a phrase may be in one group only."
                    )
                seen.add(folded)
