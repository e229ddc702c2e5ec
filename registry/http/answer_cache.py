"""Rendered GET answers kept in memory: their bytes, type and ETag, and what they were read from.

Some answers are asked all day with the same parameters (an EBYS asks for the same letter's
lookups on every letter) and cost far more to compose and render than to look up. An
``AnswerCache`` keeps each rendered answer for a while, bounded, the least recently used first
out. Each answer keeps the keys of the records it was read from, so a change to a record drops
only the answers that read it (``drop``); whoever follows the changes decides when everything
must go (``clear``). The lifetime bounds how late an answer may reflect the passing of time (an
expiry date reached) rather than a change.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Collection, Hashable
from dataclasses import dataclass

from flask import Response, current_app
from werkzeug.http import generate_etag


@dataclass(frozen=True, slots=True)
class Rendered:
    """An answer as sent: its body, media type and strong ETag."""

    body: bytes
    mimetype: str
    etag: str

    @classmethod
    def of(cls, response: Response) -> Rendered:
        body = response.get_data()
        return cls(body, response.mimetype or "application/json", generate_etag(body))

    def response(self) -> Response:
        """A fresh response carrying the answer (the caching headers are added after the view)."""
        response = current_app.response_class(self.body, mimetype=self.mimetype)
        response.set_etag(self.etag)
        return response


@dataclass(frozen=True, slots=True)
class _Entry:
    expires_at: float  # time.monotonic()
    rendered: Rendered
    reads: frozenset[str]


class AnswerCache:
    """Up to ``size`` rendered answers by key, each for ``seconds``; safe across threads."""

    def __init__(self, size: int, seconds: float) -> None:
        self.size = size
        self.seconds = seconds
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Rendered | None:
        """The answer kept under ``key``, unless there is none or it has expired."""
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            self._entries.move_to_end(key)
        return found.rendered if found.expires_at > time.monotonic() else None

    def put(
        self, key: Hashable, rendered: Rendered, reads: Collection[str], read_at: float
    ) -> None:
        """Keep ``rendered``, read from the records ``reads`` at ``read_at`` (``time.monotonic()``
        before it was composed: its lifetime counts from what it was read as of)."""
        entry = _Entry(read_at + self.seconds, rendered, frozenset(reads))
        with self._lock:
            self._entries[key] = entry
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def drop(self, changed: Collection[str]) -> None:
        """Forget the answers read from any of the ``changed`` records."""
        with self._lock:
            stale = [
                key for key, entry in self._entries.items() if not entry.reads.isdisjoint(changed)
            ]
            for key in stale:
                del self._entries[key]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
