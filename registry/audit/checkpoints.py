"""Signed checkpoints: the heads of the audit trail and the record ledger, signed with Ed25519.

The hash chains show that nothing inside them was changed; they cannot show that their newest
entries were not cut off, or that the whole of both was not rebuilt. A checkpoint can: it is signed
with a key the database never holds (``REGISTRY_SIGNING_KEY_FILE``) and kept outside it (the
checkpoint directory, and every copy fetched from ``GET /api/v1/audit/checkpoints``). ``verify``
refuses chains shorter than a checkpoint, or whose entry at a checkpoint's seq does not hash to the
signed head.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from registry.audit import ledger
from registry.audit.canonical import canonical_json
from registry.audit.models import AuditEntry, AuditHead, Checkpoint, RecordLedgerEntry
from registry.kernel.errors import RegistryError

FORMAT = "kaysis-registry-checkpoint"
FILE_PREFIX = "checkpoint-"


class SigningKeyError(RegistryError):
    """A signing or verify key that cannot be read; the message says which and why."""


# -- keys --


def load_signing_key(path: str | Path) -> Ed25519PrivateKey:
    """The private key of ``registry keys create`` (PEM, PKCS#8)."""
    try:
        key = serialization.load_pem_private_key(Path(path).read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise SigningKeyError(f"the signing key {path} cannot be read: {error}") from error
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"the signing key {path} is not an Ed25519 key")
    return key


def load_verify_key(text: str | bytes) -> Ed25519PublicKey:
    """A public key as PEM, or as the base64 of its 32 bytes (what ``keys create`` prints)."""
    data = text.encode() if isinstance(text, str) else text
    try:
        if b"-----BEGIN" in data:
            key = serialization.load_pem_public_key(data)
        else:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(data.strip(), validate=True))
    except (ValueError, TypeError, binascii.Error) as error:
        raise SigningKeyError(f"the verify key cannot be read: {error}") from error
    if not isinstance(key, Ed25519PublicKey):
        raise SigningKeyError("the verify key is not an Ed25519 key")
    return key


def raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short name of a public key: the start of the SHA-256 of its bytes."""
    return hashlib.sha256(raw_public(key)).hexdigest()[:16]


def signing_key(config: Mapping[str, Any]) -> Ed25519PrivateKey | None:
    path = config.get("SIGNING_KEY_FILE")
    return load_signing_key(path) if path else None


def verify_key(config: Mapping[str, Any]) -> Ed25519PublicKey | None:
    """The configured public key: inline, from its file, or that of the signing key."""
    if config.get("VERIFY_KEY"):
        return load_verify_key(str(config["VERIFY_KEY"]))
    if config.get("VERIFY_KEY_FILE"):
        path = Path(config["VERIFY_KEY_FILE"])
        try:
            return load_verify_key(path.read_bytes())
        except OSError as error:
            raise SigningKeyError(f"the verify key {path} cannot be read: {error}") from error
    private = signing_key(config)
    return private.public_key() if private else None


def create_key_pair(directory: Path) -> tuple[Path, Path, Ed25519PublicKey]:
    """Write a new key pair into ``directory``: the private key readable by its owner only."""
    directory.mkdir(parents=True, exist_ok=True)
    private_path = directory / "registry-signing.key"
    public_path = directory / "registry-verify.pub"
    for path in (private_path, public_path):
        if path.exists():
            raise SigningKeyError(
                f"{path} exists: a key is never overwritten; choose another directory"
            )
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    fd = os.open(private_path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    public = private.public_key()
    public_path.write_bytes(
        public.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    )
    return private_path, public_path, public


# -- checkpoints --


@dataclass(frozen=True)
class SignedCheckpoint:
    at: str
    audit_seq: int
    audit_hash: str
    ledger_seq: int
    ledger_hash: str
    key_id: str
    signature: str

    def payload(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "at": self.at,
            "audit": {"seq": self.audit_seq, "hash": self.audit_hash},
            "ledger": {"seq": self.ledger_seq, "hash": self.ledger_hash},
            "key_id": self.key_id,
        }

    def message(self) -> bytes:
        return canonical_json(self.payload()).encode()

    def as_dict(self) -> dict[str, Any]:
        return {**self.payload(), "signature": self.signature}

    @classmethod
    def from_dict(cls, data: Any) -> SignedCheckpoint:
        try:
            if data["format"] != FORMAT:
                raise ValueError(f"not a {FORMAT}")
            return cls(
                at=str(data["at"]),
                audit_seq=_count(data["audit"]["seq"]),
                audit_hash=str(data["audit"]["hash"]),
                ledger_seq=_count(data["ledger"]["seq"]),
                ledger_hash=str(data["ledger"]["hash"]),
                key_id=str(data["key_id"]),
                signature=str(data["signature"]),
            )
        except (KeyError, TypeError, ValueError) as error:
            raise ValueError(f"not a checkpoint: {error!r}") from error

    @classmethod
    def from_row(cls, row: Checkpoint) -> SignedCheckpoint:
        return cls(
            _iso(row.at),
            row.audit_seq,
            row.audit_hash,
            row.ledger_seq,
            row.ledger_hash,
            row.key_id,
            row.signature,
        )

    @property
    def name(self) -> str:
        return f"{FILE_PREFIX}{self.audit_seq:010d}-{self.ledger_seq:010d}.json"


def _count(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"not a sequence number: {value!r}")
    return value


def _iso(moment: datetime) -> str:
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).isoformat()


def signature_ok(checkpoint: SignedCheckpoint, key: Ed25519PublicKey) -> bool:
    if checkpoint.key_id != key_id(key):
        return False
    try:
        key.verify(base64.b64decode(checkpoint.signature, validate=True), checkpoint.message())
    except (InvalidSignature, ValueError, binascii.Error):
        return False
    return True


def heads(session: Session) -> tuple[int, str, int, str]:
    """Both chains' heads at one moment: the locks (ledger first, as appenders take them) keep
    writers out while they are read."""
    ledger_seq, ledger_hash = ledger.head(session.connection(), lock=True)
    audit_head = session.scalars(
        sa.select(AuditHead).where(AuditHead.id == 1).with_for_update()
    ).one()
    return audit_head.last_seq, audit_head.last_hash, ledger_seq, ledger_hash


def take(session: Session, key: Ed25519PrivateKey, directory: Path | None) -> SignedCheckpoint:
    """Sign both heads; keep the checkpoint in the database and, when given, in ``directory``.
    The caller commits."""
    audit_seq, audit_hash, ledger_seq, ledger_hash = heads(session)
    moment = datetime.now(UTC).replace(microsecond=0)
    unsigned = SignedCheckpoint(
        _iso(moment), audit_seq, audit_hash, ledger_seq, ledger_hash, key_id(key.public_key()), ""
    )
    signature = base64.b64encode(key.sign(unsigned.message())).decode("ascii")
    checkpoint = SignedCheckpoint(**{**unsigned.__dict__, "signature": signature})
    session.add(
        Checkpoint(
            at=moment,
            audit_seq=audit_seq,
            audit_hash=audit_hash,
            ledger_seq=ledger_seq,
            ledger_hash=ledger_hash,
            key_id=checkpoint.key_id,
            signature=signature,
        )
    )
    session.flush()
    if directory is not None:
        write_file(directory, checkpoint)
    return checkpoint


def heads_moved(session: Session) -> bool:
    """Whether either chain grew since the last checkpoint in the database (or there is none)."""
    last = session.scalars(sa.select(Checkpoint).order_by(Checkpoint.id.desc()).limit(1)).first()
    if last is None:
        return True
    audit_seq = session.scalar(sa.select(AuditHead.last_seq).where(AuditHead.id == 1)) or 0
    ledger_seq, _hash = ledger.head(session.connection(), lock=False)
    return (audit_seq, ledger_seq) != (last.audit_seq, last.ledger_seq)


def write_file(directory: Path, checkpoint: SignedCheckpoint) -> Path:
    """Write the checkpoint as one JSON file, atomically (never half a file)."""
    directory.mkdir(parents=True, exist_ok=True)
    target = directory / checkpoint.name
    fd, temporary = tempfile.mkstemp(prefix=".checkpoint-", dir=directory)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(checkpoint.as_dict(), handle, ensure_ascii=False, indent=2)
        handle.write("\n")
    os.chmod(temporary, 0o644)
    os.replace(temporary, target)
    return target


def read_directory(directory: Path) -> tuple[list[SignedCheckpoint], list[str]]:
    """The checkpoints kept in ``directory``, and a problem for each file that is not one."""
    found: list[SignedCheckpoint] = []
    problems: list[str] = []
    if not directory.is_dir():
        return found, problems
    for path in sorted(directory.glob(f"{FILE_PREFIX}*.json")):
        try:
            found.append(SignedCheckpoint.from_dict(json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError) as error:
            problems.append(f"checkpoint file {path.name} cannot be read: {error}")
    return found, problems


def from_database(session: Session) -> list[SignedCheckpoint]:
    return [
        SignedCheckpoint.from_row(row)
        for row in session.scalars(sa.select(Checkpoint).order_by(Checkpoint.id))
    ]


def check(
    connection: Connection,
    checkpoints: Iterable[SignedCheckpoint],
    key: Ed25519PublicKey | None,
) -> tuple[int, list[str]]:
    """Each checkpoint against the chains: how many were checked, and the problems found.

    Call once both chains verify: the stored hash of an entry is then its chain hash.
    """
    unique = {c.signature: c for c in checkpoints}.values()
    audit_length = connection.scalar(sa.select(sa.func.max(AuditEntry.seq))) or 0
    ledger_length = connection.scalar(sa.select(sa.func.max(RecordLedgerEntry.seq))) or 0
    problems: list[str] = []
    checked = 0
    for checkpoint in sorted(unique, key=lambda c: (c.audit_seq, c.ledger_seq, c.at)):
        label = f"checkpoint of {checkpoint.at} (audit {checkpoint.audit_seq}, ledger " + (
            f"{checkpoint.ledger_seq})"
        )
        if key is not None and not signature_ok(checkpoint, key):
            problems.append(f"{label}: the signature does not verify with the configured key")
            continue
        checked += 1
        for chain, model, length, seq, expected in (
            ("audit trail", AuditEntry, audit_length, checkpoint.audit_seq, checkpoint.audit_hash),
            (
                "record ledger",
                RecordLedgerEntry,
                ledger_length,
                checkpoint.ledger_seq,
                checkpoint.ledger_hash,
            ),
        ):
            if seq > length:
                problems.append(
                    f"{label}: the {chain} has {length} entries, the checkpoint signed {seq}: "
                    "entries were removed (truncated, rolled back or wiped)"
                )
                continue
            stored = (
                ledger.GENESIS_HASH
                if seq == 0
                else connection.scalar(sa.select(model.hash).where(model.seq == seq))
            )
            if stored != expected:
                problems.append(
                    f"{label}: {chain} entry {seq} does not hash to the signed head "
                    "(the chain was rewritten or rolled back)"
                )
    return checked, problems
