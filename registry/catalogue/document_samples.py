"""Sample files of documents (a PDF or an image of what the document looks like).

The file arrives in a change request (base64 in the JSON, checked by
``schemas.catalogue.services``: type by its first bytes, size limit) and is stored in the
database next to its document, so a backup or a new node has it without a shared disk. It is
served with its own content type, as an attachment-safe inline file that browsers may not sniff
or script (``registry/catalogue/services_api.py``).
"""

from __future__ import annotations

import hashlib
from typing import Any, TypedDict

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.catalogue.models import Document, DocumentSample
from registry.kernel.errors import NotFound


class SampleInfo(TypedDict):
    """What the API shows of a stored sample: never the bytes, which have their own URL."""

    filename: str
    content_type: str
    size: int
    sha256: str


def save(session: Session, document: Document, sample: dict[str, Any] | None) -> None:
    """Replace the document's sample with ``sample`` ({filename, content_type, content}), or
    remove it (None)."""
    existing = session.get(DocumentSample, document.id)
    if sample is None:
        if existing is not None:
            session.delete(existing)
        return
    content: bytes = sample["content"]
    row = existing or DocumentSample(document_id=document.id)
    row.filename = sample["filename"]
    row.content_type = sample["content_type"]
    row.size = len(content)
    row.sha256 = hashlib.sha256(content).hexdigest()
    row.content = content
    session.add(row)


def describe(session: Session, document_ids: list[int]) -> dict[int, SampleInfo]:
    """What the API shows of each sample: never the bytes, which have their own URL."""
    rows = session.execute(
        select(
            DocumentSample.document_id,
            DocumentSample.filename,
            DocumentSample.content_type,
            DocumentSample.size,
            DocumentSample.sha256,
        ).where(DocumentSample.document_id.in_(document_ids))
    )
    return {
        document_id: {
            "filename": filename,
            "content_type": content_type,
            "size": size,
            "sha256": sha256,
        }
        for document_id, filename, content_type, size, sha256 in rows
    }


def get(session: Session, document: Document) -> DocumentSample:
    sample = session.get(DocumentSample, document.id)
    if sample is None:
        raise NotFound(f"{document.code} belgesinin örneği yok / the document has no sample.")
    return sample
