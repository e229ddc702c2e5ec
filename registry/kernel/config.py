"""Configuration read from ``REGISTRY_*`` environment variables.

Everything has a default that works on a fresh machine: the SQLite file and the search index live in
the Flask instance folder. Production sets ``REGISTRY_DATABASE_URL`` to PostgreSQL and a fixed
``REGISTRY_SECRET_KEY`` shared by every node.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

ENV_PREFIX = "REGISTRY_"


def load_config(instance_path: str, overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """Build the Flask config from defaults, the environment, then explicit overrides (tests)."""
    instance = Path(instance_path)
    config: dict[str, Any] = {
        "DATABASE_URL": os.environ.get(
            f"{ENV_PREFIX}DATABASE_URL", f"sqlite:///{instance / 'registry.sqlite3'}"
        ),
        "INDEX_DIR": os.environ.get(f"{ENV_PREFIX}INDEX_DIR", str(instance / "search-index")),
        # Seconds a recorded change may wait for the index follower before search says it is
        # degraded (the follower polls every 2 s; a full disk or a long rebuild holds it back).
        "INDEX_STALE_AFTER": float(os.environ.get(f"{ENV_PREFIX}INDEX_STALE_AFTER", "60")),
        # A random key per process is fine for one developer node; several nodes must share one.
        "SECRET_KEY": os.environ.get(f"{ENV_PREFIX}SECRET_KEY") or secrets.token_hex(32),
        # The pepper of person keys (registry/accounts/persons.py): the same on every node and
        # never in the database; a developer machine keeps one in the instance folder.
        "PERSON_KEY_SECRET": os.environ.get(f"{ENV_PREFIX}PERSON_KEY_SECRET")
        or _instance_secret(instance / "person-key.secret"),
        # Tamper evidence (docs/security.md): the Ed25519 key that signs checkpoints and dumps is
        # a file outside the database and the repository; the public key may be given inline
        # (the base64 that ``registry keys create`` prints) or as a file, else it is the signing
        # key's. Checkpoints are also written to a directory outside the database, every
        # CHECKPOINT_EVERY minutes by the search follower when the chains moved.
        "SIGNING_KEY_FILE": os.environ.get(f"{ENV_PREFIX}SIGNING_KEY_FILE") or None,
        "VERIFY_KEY_FILE": os.environ.get(f"{ENV_PREFIX}VERIFY_KEY_FILE") or None,
        "VERIFY_KEY": os.environ.get(f"{ENV_PREFIX}VERIFY_KEY") or None,
        "CHECKPOINT_DIR": os.environ.get(
            f"{ENV_PREFIX}CHECKPOINT_DIR", str(instance / "checkpoints")
        ),
        "CHECKPOINT_EVERY": float(os.environ.get(f"{ENV_PREFIX}CHECKPOINT_EVERY", "15")),
        # Production sets 1: every account must name its person (national id or personnel
        # number), and four eyes wait for accounts that do not.
        "REQUIRE_PERSON_ID": os.environ.get(f"{ENV_PREFIX}REQUIRE_PERSON_ID", "0") == "1",
        "TIMEZONE": os.environ.get(f"{ENV_PREFIX}TIMEZONE", "Europe/Istanbul"),
        # The back office (registry/backoffice/): minutes a session may lie unused, and whether
        # its cookies are Secure (0 only for plain-http development on 127.0.0.1).
        "BACKOFFICE_IDLE_MINUTES": float(os.environ.get(f"{ENV_PREFIX}BACKOFFICE_IDLE", "30")),
        "BACKOFFICE_SECURE_COOKIES": os.environ.get(f"{ENV_PREFIX}BACKOFFICE_SECURE", "1") != "0",
        "MAX_CONTENT_LENGTH": 2 * 1024 * 1024,
        # Public writes (complaints, surveys, forms): per-client token buckets, see ratelimit.py.
        "LOG_FORMAT": os.environ.get(f"{ENV_PREFIX}LOG_FORMAT", "json"),
        "RATELIMIT_ENABLED": os.environ.get(f"{ENV_PREFIX}RATELIMIT", "1") != "0",
        # flask-smorest / OpenAPI
        "API_TITLE": "KAYSİS Registry API",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/api/v1",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/api/v1/swagger-ui/",
        "JSON_SORT_KEYS": False,
    }
    if overrides:
        config.update(overrides)
    return config


def _instance_secret(path: Path) -> str:
    """Read, or create once with owner-only permissions, a secret kept beside the SQLite file."""
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(value)
    return value
