"""The change feed (applied changes in commit order, for systems that keep a copy) and the signed
checkpoints of the audit trail (for anyone who keeps copies outside the registry)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

from flask import Response, request
from flask.views import MethodView
from sqlalchemy import select

from registry.audit.checkpoints import SignedCheckpoint
from registry.audit.models import AuditEntry, Checkpoint
from registry.audit.trail import UNPUBLISHED_ENTITIES
from registry.http.api import Blueprint
from registry.http.pages import page_of
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput
from schemas.audit import CheckpointSchema
from schemas.workflow import ChangeFeedQuerySchema, ChangeFeedSchema

blp = Blueprint(
    "changes", __name__, url_prefix="/api/v1", description="Değişiklik akışı (change feed)"
)

CURSOR_PREFIX = "v1:"
# audit_log.seq is a 32-bit integer on PostgreSQL: a larger cursor is no position of this feed.
MAX_SEQ = 2**31 - 1
_DIGITS = re.compile(r"[0-9]{1,10}")
CHECKPOINTS_MAX_AGE = 60  # seconds: a new checkpoint is written every few minutes at most


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    """The seq a cursor stands for; anything else, a huge number included, is a 400."""
    if not cursor:
        return 0
    try:
        if len(cursor) > 64:
            raise ValueError("too long")
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        digits = text.removeprefix(CURSOR_PREFIX)
        if not text.startswith(CURSOR_PREFIX) or not _DIGITS.fullmatch(digits):
            raise ValueError(text)
        seq = int(digits)
        if seq > MAX_SEQ:
            raise ValueError(text)
        return seq
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise InvalidInput(
            "Geçersiz imleç / invalid cursor: use the next_cursor of a previous answer.",
            errors={"since": ["not a cursor of this feed"]},
        ) from error


@blp.route("/changes")
class Changes(MethodView):
    @blp.arguments(ChangeFeedQuerySchema, location="query")
    @blp.response(200, ChangeFeedSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Applied changes after the cursor, oldest first, with the record after each change.

        Entries are numbered in commit order (appends are serialized), so following
        ``next_cursor`` never skips or repeats a change, also while changes are being applied.
        Following it from the start rebuilds every published record; accounts' entries stay
        in the audit trail only.
        """
        since = decode_cursor(args.get("since"))
        entries = (
            get_session()
            .scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > since)
                .where(AuditEntry.entity.not_in(UNPUBLISHED_ENTITIES))
                .order_by(AuditEntry.seq)
                .limit(args["limit"])
            )
            .all()
        )
        last = entries[-1].seq if entries else since
        return {
            "changes": [
                {
                    "seq": e.seq,
                    "entity": e.entity,
                    "id": e.entity_id,
                    "action": e.action,
                    "at": e.at,
                    "data": e.after,
                }
                for e in entries
            ],
            "next_cursor": encode_cursor(last),
        }


@blp.route("/audit/checkpoints")
class Checkpoints(MethodView):
    @blp.response(200, CheckpointSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: Any) -> Any:
        """Signed checkpoints of the audit trail and the record ledger, newest first (public)

        Each signs the heads of both hash chains with the registry's Ed25519 key, which is not
        in the database. Keep copies: `registry audit verify --checkpoints DIR` refuses a
        registry whose chains are shorter than, or differ from, any of them.
        """
        rows = page_of(
            get_session(), select(Checkpoint).order_by(Checkpoint.id.desc()), pagination_parameters
        )
        return [SignedCheckpoint.from_row(row).as_dict() for row in rows]


@blp.after_request
def _cacheable(response: Response) -> Response:
    """Checkpoints are public and change only when a new one is signed: caches may keep them."""
    if request.endpoint == "changes.Checkpoints" and response.status_code == 200:
        response.headers["Cache-Control"] = f"public, max-age={CHECKPOINTS_MAX_AGE}"
    return response
