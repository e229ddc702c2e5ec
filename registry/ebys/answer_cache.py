"""The EBYS answers as rendered (JSON or XML, with their ETag), kept per process and database.

EBYS systems ask the same things all day, so a repeated letter costs a dictionary lookup and,
at most every ``facts.FRESH_SECONDS``, one indexed read of the audit head. An answer is kept for
a minute, or until a unit it read changes: it keeps the DETSİS numbers whose facts it was built
from (``facts.reading``), and the facts cache, which follows the audit trail, tells it what each
change makes stale (a changed unit drops only the answers that read it; a changed signatory,
manager post, unit type, provincial administration or Presidency drops them all). The minute
bounds how late a certificate is flagged expired. Clients then keep an answer for
``max-age``, or a day while the registry cannot be reached
(``registry.http.representations.EBYS_CACHE_CONTROL``).
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Callable, Hashable

from sqlalchemy.orm import Session

from registry.ebys import facts
from registry.http.answer_cache import AnswerCache, Rendered

MAX_RENDERED = 20_000  # rendered answers (a letter's is about 7 kB)
RENDERED_SECONDS = 60.0

# One answer cache per facts cache (per database, or per writing transaction's own copy of it).
_ANSWERS: weakref.WeakKeyDictionary[facts.FactsCache, AnswerCache] = weakref.WeakKeyDictionary()
_LOCK = threading.Lock()


def rendered(session: Session, key: Hashable, render: Callable[[], Rendered]) -> Rendered:
    """The answer kept under ``key``, else ``render()``, kept with the units it read."""
    answers = _answers_following(facts.synced(session))
    found = answers.get(key)
    if found is not None:
        return found
    started = time.monotonic()
    with facts.reading() as read:
        found = render()
    answers.put(key, found, read, read_at=started)
    return found


def _answers_following(cache: facts.FactsCache) -> AnswerCache:
    with _LOCK:
        answers = _ANSWERS.get(cache)
        if answers is None:
            answers = _ANSWERS[cache] = AnswerCache(MAX_RENDERED, RENDERED_SECONDS)
            cache.add_dependent(answers)
        return answers
