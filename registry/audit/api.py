"""The change feed: applied changes in commit order, for systems that keep a copy."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from flask.views import MethodView
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.http.api import Blueprint
from registry.kernel.db import get_session
from registry.kernel.errors import InvalidInput
from schemas.workflow import ChangeFeedQuerySchema, ChangeFeedSchema

blp = Blueprint(
    "changes", __name__, url_prefix="/api/v1/changes", description="Değişiklik akışı (change feed)"
)

CURSOR_PREFIX = "v1:"


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"{CURSOR_PREFIX}{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not text.startswith(CURSOR_PREFIX):
            raise ValueError(text)
        seq = int(text.removeprefix(CURSOR_PREFIX))
        if seq < 0:
            raise ValueError(text)
        return seq
    except (ValueError, UnicodeDecodeError, binascii.Error) as error:
        raise InvalidInput(
            "Geçersiz imleç / invalid cursor: use the next_cursor of a previous answer.",
            errors={"since": ["not a cursor of this feed"]},
        ) from error


@blp.route("")
class Changes(MethodView):
    @blp.arguments(ChangeFeedQuerySchema, location="query")
    @blp.response(200, ChangeFeedSchema)
    def get(self, args: dict[str, Any]) -> Any:
        """Applied changes after the cursor, oldest first, with the record after each change.

        Entries are numbered in commit order (appends are serialized), so following
        ``next_cursor`` never skips or repeats a change, also while changes are being applied.
        Following it from the start rebuilds every published record.
        """
        since = decode_cursor(args.get("since"))
        entries = (
            get_session()
            .scalars(
                select(AuditEntry)
                .where(AuditEntry.seq > since)
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
