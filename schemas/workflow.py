"""Change requests, their transitions, and the change feed."""

from __future__ import annotations

import marshmallow as ma
from marshmallow import fields, validate

from schemas.common import MAX_ID, IsoDate, Schema, UtcDateTime

ENTITIES = (
    "organization",
    "legislation",
    "service",
    "document",
    "signatory",
    "distribution_list",
    "service_standard",
    "document_name",  # a queued document name resolved (target: its id in the queue)
    "search_synonyms",  # the search synonym groups, replaced whole (target: "all")
    # Reference data for EBYS (issue 22): dated records, see docs/ebys.md.
    "file_plan_code",
    "place",
    "category",
    "unit_type",
    "unit_identifiers",
    "budget_profile",
    "manager_post",
    "officer_contact",
    "eyp_version",
    # The metadata layer (issue 26), see docs/metadata.md.
    "data_element",
    "document_elements",  # what a document holds (target: its code)
    "service_elements",  # what a service takes and produces (target: its code)
    "integration",
    "application",
)
ACTIONS = ("create", "update", "close", "move")
STATUSES = ("submitted", "institution_approved", "approved", "rejected", "withdrawn")


class ChangeRequestInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    entity = fields.String(required=True, validate=validate.OneOf(ENTITIES))
    action = fields.String(required=True, validate=validate.OneOf(ACTIONS))
    target = fields.String(load_default=None, allow_none=True, validate=validate.Length(1, 40))
    data = fields.Dict(
        keys=fields.String(),
        load_default=dict,
        metadata={"description": "Fields named as in the entity's GET form"},
    )
    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))
    effective_from = IsoDate(
        load_default=None,
        allow_none=True,
        metadata={
            "description": "When the change takes effect once approved (default: the approval day)"
        },
    )
    base_version = fields.Integer(
        load_default=None,
        allow_none=True,
        validate=validate.Range(1, MAX_ID),
        metadata={
            "description": "Version of the record the change "
            "was written against (default: the current one)"
        },
    )


class TransitionInputSchema(Schema):
    class Meta:
        unknown = ma.RAISE

    reason = fields.String(load_default=None, allow_none=True, validate=validate.Length(max=4000))


class TransitionSchema(Schema):
    from_status = fields.String(allow_none=True)
    to_status = fields.String()
    by = fields.String()
    at = UtcDateTime()
    note = fields.String(allow_none=True)


class ResultSchema(Schema):
    entity = fields.String()
    id = fields.String()


class InstitutionStepSchema(Schema):
    institution = fields.String(metadata={"description": "DETSİS number of the institution"})
    approved_by = fields.String(allow_none=True)
    approved_at = UtcDateTime(allow_none=True)


class ChangeRequestSchema(Schema):
    id = fields.Integer()
    entity = fields.String()
    action = fields.String()
    target = fields.String(allow_none=True)
    data = fields.Dict()
    reason = fields.String(allow_none=True)
    effective_from = IsoDate(allow_none=True)
    base_version = fields.Integer(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    submitted_by = fields.String()
    submitted_at = UtcDateTime()
    history = fields.List(fields.Nested(TransitionSchema))
    institutions = fields.List(
        fields.Nested(InstitutionStepSchema),
        metadata={
            "description": "Institutions whose approver agrees before the reviewers decide "
            "(a service's, and any other whose record the change alters)"
        },
    )
    result = fields.Nested(ResultSchema, allow_none=True)
    diff = fields.Dict(
        metadata={
            "description": "field → {current, proposed} against the live "
            "record (in the single-request view)"
        }
    )


class ChangeRequestQuerySchema(ma.Schema):
    status = fields.String(validate=validate.OneOf(STATUSES))
    entity = fields.String(validate=validate.OneOf(ENTITIES))


class ChangeSchema(Schema):
    seq = fields.Integer()
    entity = fields.String()
    id = fields.String()
    action = fields.String()
    at = UtcDateTime()
    data = fields.Dict(allow_none=True, metadata={"description": "The record after the change"})


class ChangeFeedSchema(Schema):
    changes = fields.List(fields.Nested(ChangeSchema))
    next_cursor = fields.String(metadata={"description": "Pass as since= to continue"})


class ChangeFeedQuerySchema(ma.Schema):
    since = fields.String(
        load_default=None, metadata={"description": "Opaque cursor; empty = from the beginning"}
    )
    limit = fields.Integer(load_default=500, validate=validate.Range(1, 5000))


class RecordChangeSchema(Schema):
    """One applied change of a record, from the audit trail."""

    seq = fields.Integer()
    at = UtcDateTime()
    action = fields.String()
    changes = fields.Dict(
        keys=fields.String(),
        values=fields.List(fields.Raw()),
        metadata={"description": "field → [before, after]"},
    )
    submitted_by = fields.String(allow_none=True, metadata={"description": "Authorized callers"})
    approved_by = fields.String(allow_none=True, metadata={"description": "Authorized callers"})
    request_id = fields.Integer(allow_none=True, metadata={"description": "Authorized callers"})


class RecordHistorySchema(Schema):
    entity = fields.String()
    id = fields.String()
    changes = fields.List(fields.Nested(RecordChangeSchema))


class BatchRequestSchema(Schema):
    """A request of a batch, with the input line it came from."""

    id = fields.Integer()
    entity = fields.String()
    action = fields.String()
    target = fields.String(allow_none=True)
    status = fields.String(validate=validate.OneOf(STATUSES))
    line = fields.Integer(allow_none=True)
    data = fields.Dict()
    diff = fields.Dict(metadata={"description": "field → {current, proposed}"})


class ChangeBatchSummarySchema(Schema):
    id = fields.Integer()
    importer = fields.String()
    source = fields.String(metadata={"description": "The imported file's name"})
    source_sha256 = fields.String()
    submitted_by = fields.String()
    submitted_at = UtcDateTime()
    status = fields.String(metadata={"description": "open, or decided"})
    counts = fields.Dict(
        keys=fields.String(), values=fields.Integer(), metadata={"description": "status → n"}
    )
    summary = fields.Dict(
        metadata={"description": "What the importer found: created, updated, unchanged, refused"}
    )


class ChangeBatchSchema(ChangeBatchSummarySchema):
    requests = fields.List(fields.Nested(BatchRequestSchema))
