"""Resolving free-text document names, and the queue of names that matched nothing well."""

from __future__ import annotations

from typing import Any

import marshmallow as ma
from marshmallow import fields, validate

from schemas.catalogue.services import DOCUMENT_CODE_PATTERN, DocumentInputSchema
from schemas.common import Schema, UtcDateTime


class ResolveQuerySchema(ma.Schema):
    name = fields.String(required=True, validate=validate.Length(2, 300))
    limit = fields.Integer(load_default=5, validate=validate.Range(1, 20))


class NameMatchSchema(Schema):
    code = fields.String()
    name = fields.String(metadata={"description": "The standard name"})
    score = fields.Float(metadata={"description": "0–100; 100 is the same name"})
    matched = fields.String(metadata={"description": "The standard name or alias that matched"})
    accepted = fields.Boolean(
        metadata={"description": "Whether a service written with this name gets this document"}
    )


class ResolveSchema(Schema):
    matches = fields.List(fields.Nested(NameMatchSchema), metadata={"description": "Best first"})


class UnmatchedQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf(("open", "resolved")))


class UnmatchedNameSchema(Schema):
    id = fields.Integer()
    name = fields.String()
    service = fields.String(allow_none=True, metadata={"description": "The service it came from"})
    role = fields.String(allow_none=True, metadata={"description": "required | issued"})
    status = fields.String()
    document = fields.String(allow_none=True, metadata={"description": "What it became"})
    created_at = UtcDateTime()
    resolved_at = UtcDateTime(allow_none=True)
    resolved_by = fields.String(allow_none=True)


class UnmatchedDecisionSchema(Schema):
    """Either an existing document the name becomes an alias of, or a new standard document."""

    class Meta:
        unknown = ma.RAISE

    document = fields.String(validate=validate.Regexp(DOCUMENT_CODE_PATTERN))
    new_document = fields.Nested(DocumentInputSchema)

    @ma.validates_schema
    def one_decision(self, data: dict[str, Any], **_kwargs: Any) -> None:
        if ("document" in data) == ("new_document" in data):
            raise ma.ValidationError(
                "Ya 'document' ya 'new_document' verilmeli / give either document or new_document.",
                "document",
            )
