"""``registry keys``: the Ed25519 key pair that signs checkpoints and dumps."""

from __future__ import annotations

import base64
from pathlib import Path

import click

from registry.audit import checkpoints as signed
from registry.cli.reporting import reported_errors


@click.group("keys")
def keys_group() -> None:
    """Signing keys (kept outside the database and the repository)."""


@keys_group.command("create")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def keys_create(directory: Path) -> None:
    """Write a new key pair into DIRECTORY: registry-signing.key (owner-only) and
    registry-verify.pub; print the settings that use them."""
    with reported_errors():
        private_path, public_path, public = signed.create_key_pair(directory)
    inline = base64.b64encode(signed.raw_public(public)).decode("ascii")
    click.echo(f"key {signed.key_id(public)} written: {private_path} (private, mode 0600)")
    click.echo(f"public key: {public_path}")
    click.echo("keep the private key off the database server's disks and out of backups of it;")
    click.echo("give the public key to auditors and to every registry that imports dumps:")
    click.echo(f"REGISTRY_SIGNING_KEY_FILE={private_path.resolve()}")
    click.echo(f"REGISTRY_VERIFY_KEY={inline}")
