"""Rate and size limits for the public writes: complaints, survey responses, the site's forms.

Anyone may post these without an account, so each client (``request.remote_addr``; behind a
reverse proxy, configure werkzeug's ``ProxyFix`` so that it is the citizen's address) gets a token
bucket per kind of write. A refused request costs a dictionary lookup: it is answered before the
body is read, before authentication and before the database.

The buckets live in the process. Every worker limits on its own (N workers allow up to N times
the rate) and a restart forgets them; that is enough to stop a script flooding an institution's
complaint box, which is the point. Memory is bounded: past ``RATELIMIT_MAX_CLIENTS`` entries the
least recently seen client is forgotten (its bucket had most likely refilled anyway).

Configuration (Flask config, see docs/complaints.md):
- ``RATELIMIT_ENABLED`` (default True; ``REGISTRY_RATELIMIT=0`` turns it off),
- ``RATELIMITS``: ``{kind: {"burst": N, "per_hour": R}}`` overriding ``DEFAULT_LIMITS``,
- ``PUBLIC_WRITE_MAX_BYTES`` (default 16 KiB), always enforced,
- ``RATELIMIT_MAX_CLIENTS`` (default 10 000 buckets per process).

Expensive public reads (the once-only report, data flows, a law's impact) are capped by
concurrency instead of rate (``expensive_read``): a client may run at most
``EXPENSIVE_READS_PER_CLIENT`` (default 2) of them at once on a node, and the node at most
``EXPENSIVE_READS_PER_NODE`` (default 2; keep it below a node's workers × threads), so that no
client, nor a crowd of them, holds every worker while others wait for ``/healthz`` or a
letterhead. The slots are ``flock``ed files in ``EXPENSIVE_READS_DIR`` (by default a directory
in the system's temporary directory named after the node's search index): shared by the workers
of a node, held by the open file, so a worker killed mid-request frees its slot with it. Nodes
count on their own (a client may run the per-client number on each node).
"""

from __future__ import annotations

import fcntl
import functools
import hashlib
import math
import os
import tempfile
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any, ParamSpec, TypeVar

from flask import Flask, Response, current_app, request

from registry.kernel.errors import html_error, problem, wants_html


@dataclass(frozen=True)
class Limit:
    burst: int  # requests allowed at once (the bucket's size)
    per_hour: float  # sustained rate (the bucket refills at this speed)

    @property
    def per_second(self) -> float:
        return self.per_hour / 3600


DEFAULT_LIMITS: dict[str, Limit] = {
    # A citizen files a complaint or two; five at once and one every six minutes after that.
    "complaint": Limit(burst=5, per_hour=10),
    # Rating the services of one visit, several people behind one office's NAT.
    "survey": Limit(burst=20, per_hour=120),
    # Other public forms of the web site.
    "form": Limit(burst=10, per_hour=60),
}
DEFAULT_MAX_BYTES = 16 * 1024
DEFAULT_MAX_CLIENTS = 10_000
DEFAULT_READS_PER_CLIENT = 2
DEFAULT_READS_PER_NODE = 2  # below a node's workers × threads: others are answered meanwhile
EXPENSIVE_RETRY_AFTER = 5  # seconds: about as long as an expensive read takes
EXTENSION = "registry.http.ratelimit"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
PUBLIC_WRITE_MARK = "registry_public_write"

P = ParamSpec("P")
R = TypeVar("R")


class Buckets:
    """Token buckets keyed by (kind, client), least recently used first; thread-safe."""

    def __init__(
        self, max_clients: int = DEFAULT_MAX_CLIENTS, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_clients = max_clients
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: OrderedDict[tuple[str, str], tuple[float, float]] = OrderedDict()

    def take(self, kind: str, client: str, limit: Limit) -> int:
        """Spend one token: 0 when allowed, else the whole seconds until one is there."""
        key = (kind, client)
        with self._lock:
            now = self.clock()
            tokens, seen = self._buckets.pop(key, (float(limit.burst), now))
            tokens = min(float(limit.burst), tokens + (now - seen) * limit.per_second)
            if tokens >= 1:
                self._remember(key, tokens - 1, now)
                return 0
            self._remember(key, tokens, now)
            if limit.per_second <= 0:
                return 3600
            return max(1, math.ceil((1 - tokens) / limit.per_second))

    def _remember(self, key: tuple[str, str], tokens: float, now: float) -> None:
        self._buckets[key] = (tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)

    def __len__(self) -> int:
        return len(self._buckets)

    def clear(self) -> None:
        with self._lock:
            self._buckets.clear()


def buckets(app: Flask | None = None) -> Buckets:
    """The app's buckets, made on first use (one set per app, so tests never share them)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]  # LocalProxy
    found = app.extensions.get(EXTENSION)
    if found is None:
        found = app.extensions.setdefault(
            EXTENSION, Buckets(int(app.config.get("RATELIMIT_MAX_CLIENTS", DEFAULT_MAX_CLIENTS)))
        )
    return found


def limit_for(kind: str, config: Mapping[str, Any]) -> Limit:
    override = (config.get("RATELIMITS") or {}).get(kind)
    if override is None:
        return DEFAULT_LIMITS[kind]
    if isinstance(override, Limit):
        return override
    return Limit(burst=int(override["burst"]), per_hour=float(override["per_hour"]))


def refusal(kind: str, *, max_bytes: int | None = None) -> Response | None:
    """The 429 or 413 answer for this request, or None to let it through.

    The rate is decided on the headers alone: a refused request's body is never read. The
    size is decided on Content-Length; a body streamed without one is read up to the cap (and
    one byte more) and kept for the view.
    """
    config = current_app.config
    if config.get("RATELIMIT_ENABLED", True):
        client = request.remote_addr or "unknown"
        wait = buckets().take(kind, client, limit_for(kind, config))
        if wait:
            return _refused(
                429,
                f"Çok fazla istek; {wait} saniye sonra yeniden deneyin / too many requests, "
                f"retry in {wait} seconds.",
                "too-many-requests",
                {"Retry-After": str(wait)},
            )
    cap = max_bytes or int(config.get("PUBLIC_WRITE_MAX_BYTES", DEFAULT_MAX_BYTES))
    length = request.content_length
    if length is None:
        # A streamed (chunked) body: werkzeug stops reading at the cap without saying that
        # more was sent, so read one byte past it. What is read is kept for the view.
        request.max_content_length = cap + 1
        length = len(request.get_data(cache=True))
    if length > cap:
        return _refused(
            413,
            f"İstek en çok {cap} bayt olabilir / the request body may be at most {cap} bytes.",
            "payload-too-large",
            {},
        )
    request.max_content_length = cap
    return None


def public_write(
    kind: str, *, max_bytes: int | None = None
) -> Callable[[Callable[P, R]], Callable[P, R | Response]]:
    """Rate- and size-limit a public write view (a MethodView method or a plain view).

    GET, HEAD and OPTIONS pass untouched, so one view may show a form and take its post.

    Put it above every flask-smorest decorator (``@blp.arguments`` parses the body, which a
    refused request must not cost)::

        @public_write("complaint")
        @blp.arguments(ComplaintInputSchema)
        @blp.response(201, ComplaintFiledSchema)
        def post(self, body): ...

        @bp.post("/sikayet")
        @public_write("complaint")
        def complaint_form(): ...
    """
    if kind not in DEFAULT_LIMITS:
        raise ValueError(f"unknown kind of public write {kind!r}: one of {sorted(DEFAULT_LIMITS)}")

    def decorate(view: Callable[P, R]) -> Callable[P, R | Response]:
        @functools.wraps(view)  # keeps flask-smorest's _apidoc on the wrapper
        def limited(*args: P.args, **kwargs: P.kwargs) -> R | Response:
            if request.method in SAFE_METHODS:  # a GET+POST form view limits the POST only
                return view(*args, **kwargs)
            refused = refusal(kind, max_bytes=max_bytes)
            if refused is not None:
                return refused
            return view(*args, **kwargs)

        setattr(limited, PUBLIC_WRITE_MARK, kind)  # write_gate: no token needed here
        return limited

    return decorate


def is_public_write(view: Callable[..., Any]) -> bool:
    """Whether ``view`` (wrapped by any later decorator) is a ``public_write`` view."""
    return getattr(view, PUBLIC_WRITE_MARK, None) is not None


def _refused(status: int, detail: str, slug: str, headers: dict[str, str]) -> Response:
    if wants_html():
        response = html_error(status, detail)
        response.headers.update(headers)
        return response
    return problem(status, detail, slug=slug, headers=headers)


def _slots_dir(config: Mapping[str, Any]) -> str:
    configured = config.get("EXPENSIVE_READS_DIR")
    if configured:
        return str(configured)
    node = hashlib.sha256(str(config.get("INDEX_DIR", "")).encode()).hexdigest()[:16]
    return os.path.join(tempfile.gettempdir(), f"registry-expensive-reads-{node}")


def _take_slot(directory: str, prefix: str, slots: int, stack: ExitStack) -> bool:
    """Lock one of ``slots`` files named ``prefix-N``; kept until ``stack`` closes."""
    for slot in range(slots):
        fd = os.open(os.path.join(directory, f"{prefix}-{slot}"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        stack.callback(os.close, fd)  # closing the file releases the lock
        stack.callback(fcntl.flock, fd, fcntl.LOCK_UN)
        return True
    return False


@contextmanager
def read_slot(client: str, config: Mapping[str, Any]) -> Iterator[bool]:
    """Whether this client may run one more expensive read on this node now; the slot is
    held until the block ends."""
    directory = _slots_dir(config)
    os.makedirs(directory, mode=0o700, exist_ok=True)
    per_client = int(config.get("EXPENSIVE_READS_PER_CLIENT", DEFAULT_READS_PER_CLIENT))
    per_node = int(config.get("EXPENSIVE_READS_PER_NODE", DEFAULT_READS_PER_NODE))
    # One of 4,096 buckets, not one file per address: no address in a file name, and the
    # directory stays bounded however many clients a year brings (two clients sharing a
    # bucket share its cap, which only matters while both run expensive reads at once).
    who = hashlib.sha256(client.encode()).hexdigest()[:3]
    with ExitStack() as stack:
        yield _take_slot(directory, f"client-{who}", per_client, stack) and _take_slot(
            directory, "node", per_node, stack
        )


def expensive_read(view: Callable[P, R]) -> Callable[P, R | Response]:
    """Cap how many expensive reads one client (and the node) runs at once: past the cap, 429
    with ``Retry-After`` before anything is read. Put it above the flask-smorest decorators."""

    @functools.wraps(view)  # keeps flask-smorest's _apidoc on the wrapper
    def capped(*args: P.args, **kwargs: P.kwargs) -> R | Response:
        config = current_app.config
        if not config.get("RATELIMIT_ENABLED", True):
            return view(*args, **kwargs)
        with read_slot(request.remote_addr or "unknown", config) as allowed:
            if not allowed:
                wait = EXPENSIVE_RETRY_AFTER
                return _refused(
                    429,
                    f"Bu sorgudan aynı anda çok fazla çalışıyor; {wait} saniye sonra yeniden "
                    f"deneyin / too many of these reads at once, retry in {wait} seconds.",
                    "too-many-requests",
                    {"Retry-After": str(wait)},
                )
            return view(*args, **kwargs)

    return capped
