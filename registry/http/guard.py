"""Input refused at the door, before any view, schema or query sees it.

First ``write_gate``: an API write without a valid token is 401 and a body that is not JSON is
415, before anything below judges the input.

The schemas clean the fields they know (``schemas.common.Schema``); what they never see still
reaches the database or the parsers: query parameters and path segments used in lookups,
headers, the keys of a JSON body, the values of free-form JSON (a change request's ``data``),
the fields of a posted form. Three things are refused there for every request:

* a control character other than tab and line breaks (NUL above all: PostgreSQL refuses it in
  any text, so it would be a server error there and a stored poison on SQLite) → 422 naming the
  parameter, header or JSON path;
* a JSON body nested deeper than ``MAX_DEPTH`` (Python's parser recurses: 100,000 ``[`` is a
  ``RecursionError``, and no answer of this API nests past a dozen levels) → 400;
* a JSON body that does not parse → 400 (the API's one answer for an unparseable body);
* a body over ``MAX_CONTENT_LENGTH`` → 413, from its Content-Length, unread.
"""

from __future__ import annotations

import json
from typing import Any

from flask import Flask, current_app, request
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge

from registry.http import write_gate
from registry.kernel import text
from registry.kernel.errors import InvalidInput

MAX_DEPTH = 32


def init_app(app: Flask) -> None:
    app.before_request(write_gate.check_write)  # who is calling, before anything is judged
    app.before_request(refuse_hostile_input)


def refuse_hostile_input() -> None:
    """Refuse control characters in any parameter, header, form field or JSON string, and
    JSON nested too deep to parse safely."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit is not None and (request.content_length or 0) > limit:
        raise RequestEntityTooLarge(
            f"İstek gövdesi en çok {limit:,} bayt olabilir / the request body may be at most "
            f"{limit:,} bytes."
        )
    errors: dict[str, list[str]] = {}
    for name, value in (request.view_args or {}).items():
        if isinstance(value, str):
            _check(name, value, errors)
    for name, value in request.args.items(multi=True):
        _check(name, name, errors)
        _check(name, value, errors)
    for name, value in request.headers.items():
        _check(name, value, errors)
    if request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data"):
        for name, value in request.form.items(multi=True):
            _check(name, name, errors)
            _check(name, value, errors)
    if errors:
        raise _refusal(errors)
    if request.is_json:
        body = request.get_data(cache=True)
        if body:
            _check_json(body)


def _check(name: str, value: str, errors: dict[str, list[str]]) -> None:
    reason = text.control_problem(value)
    if reason is not None:
        errors.setdefault(_printable(name), []).append(reason)


def _printable(name: str) -> str:
    """A field name fit to be echoed: its own control characters shown as code points."""
    return "".join(c if text.control_problem(c) is None else f"U+{ord(c):04X}" for c in name)


def _refusal(errors: dict[str, list[str]]) -> InvalidInput:
    return InvalidInput(
        "Girdide denetim karakteri var / the input holds a control character.", errors=errors
    )


def _check_json(body: bytes) -> None:
    try:
        document = json.loads(body)
    except RecursionError as error:  # the C parser's own guard, long before the stack is at risk
        raise _too_deep() from error
    except ValueError:
        # Not JSON at all: nothing in it can reach the database; the view's parser answers 400,
        # after the public-write rate limit has spent its token (a flood is limited either way).
        return
    errors: dict[str, list[str]] = {}
    pending: list[tuple[str, int, Any]] = [("", 1, document)]
    while pending:  # without recursion: the walk itself must not be what a deep body breaks
        path, depth, item = pending.pop()
        if isinstance(item, str):
            _check(path or "_body", item, errors)
            continue
        if not isinstance(item, dict | list):
            continue
        if depth > MAX_DEPTH:
            raise _too_deep()
        if isinstance(item, dict):
            for key, value in item.items():
                inner = f"{path}.{key}" if path else str(key)
                _check(inner, key, errors)
                pending.append((inner, depth + 1, value))
        else:
            for index, value in enumerate(item):
                pending.append((f"{path}.{index}" if path else str(index), depth + 1, value))
    if errors:
        raise _refusal(errors)


def _too_deep() -> BadRequest:
    return BadRequest(
        f"JSON en çok {MAX_DEPTH} düzey iç içe olabilir / JSON may nest at most {MAX_DEPTH} levels."
    )
