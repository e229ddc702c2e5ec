"""Writing a set of files so that the target directory is either complete or absent."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from registry.transfer.manifest import TransferError


@contextmanager
def new_directory(path: Path) -> Iterator[Path]:
    """A private working directory next to ``path`` (which must be new or empty), renamed to
    ``path`` when the block ends normally and removed when it does not."""
    target = Path(path)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TransferError(f"{target} exists and is not an empty directory; choose a new path")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))
    try:
        yield work
        if target.exists():
            target.rmdir()  # empty, checked above: the rename needs it gone on every platform
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
