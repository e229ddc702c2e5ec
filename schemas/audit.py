"""Signed checkpoints of the audit trail and the record ledger, as published."""

from __future__ import annotations

from marshmallow import fields

from schemas.common import Schema


class ChainHeadSchema(Schema):
    seq = fields.Integer(metadata={"description": "Entries in the chain at the checkpoint"})
    hash = fields.String(metadata={"description": "The chain hash of entry seq (hex SHA-256)"})


class CheckpointSchema(Schema):
    """What was signed, and the signature: keep a copy, and compare it with later ones."""

    format = fields.String()
    at = fields.String(metadata={"description": "When it was signed (UTC, RFC 3339)"})
    audit = fields.Nested(ChainHeadSchema)
    ledger = fields.Nested(ChainHeadSchema)
    key_id = fields.String(metadata={"description": "SHA-256 of the public key, first 16 hex"})
    signature = fields.String(
        metadata={
            "description": "Ed25519 signature (base64) of the canonical JSON of the other fields "
            "(sorted keys, no spaces)"
        }
    )
