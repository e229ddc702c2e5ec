"""The open-data downloads the public site serves (``/open-data``), kept as files on disk.

The files are those of ``registry export-open-data`` (``open_data``: CSV and CPSV-AP / CPOV
JSON-LD), plus, derived from each CSV a row at a time, the same table with ``;`` between cells
(what Excel expects under a Turkish locale, the default download) and as XLSX (openpyxl in
write-only mode). Serving them streams the file from disk.

They follow the change feed: a set of files is named by what it was built from (the audit
trail's head sequence and hash, the day in Türkiye and the public address, ``key_of``), so it is
rebuilt exactly when the head moved, the day turned or the address differs, and every node,
building on its own disk from the same database, names the same data the same way. A build reads
one snapshot of the database (the caller's transaction), writes into a private directory and
renames it into place; a lock file keeps two workers of a node from building the same set twice.
Only the newest sets are kept.
"""

from __future__ import annotations

import csv
import fcntl
import hashlib
import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit.models import AuditEntry, AuditHead
from registry.transfer.open_data import export_open_data

KEEP_SETS = 2  # the newest set, and the one before it for downloads still running
LICENCE = "CC BY 4.0"
LICENCE_NAME = "Creative Commons Atıf 4.0 Uluslararası (CC BY 4.0)"
LICENCE_URL = "https://creativecommons.org/licenses/by/4.0/deed.tr"
SEPARATORS = {"semicolon": ";", "comma": ","}
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")  # as registry.kernel.tabular guards them


@dataclass(frozen=True)
class Dataset:
    """One kind of record published: its files share the ``name``."""

    name: str
    title: str
    description: str
    jsonld: str | None  # the JSON-LD file holding these records, where there is one


DATASETS = (
    Dataset(
        "organizations",
        "Devlet teşkilatı (birimler ağacı)",
        "Bugün açık her birim: DETSİS numarası, adı, bağlı olduğu birim, kurumu, iletişim "
        "bilgileri.",
        "organizations.jsonld",
    ),
    Dataset(
        "services",
        "Hizmet envanteri",
        "Yürürlükteki her hizmet: kodu, adı, birimi, süresi, ücreti, istenen ve verilen "
        "belgeler, hukuki dayanağı.",
        "services.jsonld",
    ),
    Dataset(
        "documents",
        "Belgeler",
        "Hizmetlerin istediği ve verdiği belgeler: standart adı, diğer adları, veren kurum.",
        "services.jsonld",
    ),
    Dataset(
        "legislation",
        "Mevzuat",
        "Kayıtlı her mevzuat: türü, numarası, Resmî Gazete tarihi ve sayısı, yürürlük durumu.",
        "services.jsonld",
    ),
    Dataset(
        "service_standards",
        "Hizmet standartları tabloları",
        "Her birimin yayımlanmış son hizmet standartları tablosunun satırları.",
        None,
    ),
)
BY_NAME = {dataset.name: dataset for dataset in DATASETS}


@dataclass(frozen=True)
class Key:
    """What a set of files was built from."""

    seq: int
    head_hash: str
    on: date
    base_url: str

    @property
    def folder(self) -> str:
        base = hashlib.sha256(self.base_url.encode()).hexdigest()[:8]
        return f"{self.seq:012d}-{self.head_hash[:16]}-{self.on:%Y%m%d}-{base}"


@dataclass(frozen=True)
class Built:
    """A complete set of files on disk, and when its data last changed."""

    key: Key
    path: Path
    changed_at: datetime | None  # the moment of the audit entry it was built at

    def file(self, name: str) -> Path:
        return self.path / name

    def records(self) -> dict[str, int]:
        manifest = json.loads((self.path / "manifest.json").read_text(encoding="utf-8"))
        return {entry["file"]: entry["records"] for entry in manifest["files"]}


def key_of(session: Session, on: date, base_url: str) -> Key:
    """The key of the data as the session's snapshot has it."""
    head = session.execute(select(AuditHead.last_seq, AuditHead.last_hash)).first()
    seq, head_hash = (head[0], head[1]) if head else (0, "0" * 64)
    return Key(seq, head_hash, on, base_url.rstrip("/"))


def current(session: Session, folder: Path, on: date, base_url: str) -> Built:
    """The files for the data as the session sees it, built now when the head moved since."""
    key = key_of(session, on, base_url)
    target = folder / key.folder
    if not (target / "manifest.json").exists():
        folder.mkdir(parents=True, exist_ok=True)
        with _locked(folder / ".build.lock"):
            if not (target / "manifest.json").exists():  # another worker built it meanwhile
                _build(session, target, key)
                _prune(folder, keep=target.name)
    changed_at = session.scalar(select(AuditEntry.at).where(AuditEntry.seq == key.seq))
    return Built(key, target, changed_at)


def csv_name(dataset: str, separator: str) -> str:
    return f"{dataset}.csv" if separator == "comma" else f"{dataset}.{separator}.csv"


def _build(session: Session, target: Path, key: Key) -> None:
    if target.exists():  # a set left half-built by a crash (the manifest is written last)
        shutil.rmtree(target)
    export_open_data(session, target, base_url=key.base_url, on=key.on)
    for dataset in DATASETS:
        comma = target / csv_name(dataset.name, "comma")
        _write_semicolons(comma, target / csv_name(dataset.name, "semicolon"))
        _write_xlsx(comma, target / f"{dataset.name}.xlsx", dataset.title)


def _rows(path: Path) -> Iterator[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        yield from csv.reader(handle)


def _write_semicolons(source: Path, target: Path) -> None:
    """The same table with ``;``, UTF-8 with a BOM: Excel opens it in columns in Turkish."""
    with target.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
        for row in _rows(source):
            writer.writerow(row)


def _write_xlsx(source: Path, target: Path, title: str) -> None:
    """The same table as a workbook, one row at a time; every cell is text, never a formula."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    for row in _rows(source):
        cells = []
        for value in row:
            if value[:1] == "'" and value[1:2] in _FORMULA_STARTS:
                value = value[1:]  # the CSV's guard: a text cell needs none
            cell = WriteOnlyCell(sheet, value=value or None)
            if value:
                cell.data_type = "s"  # openpyxl would store "=…" as a formula
            cells.append(cell)
        sheet.append(cells)
    workbook.save(target)


def _prune(folder: Path, keep: str) -> None:
    sets = sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
    newest = [p.name for p in sets[-KEEP_SETS:]]
    for path in sets:
        if path.name != keep and path.name not in newest:
            shutil.rmtree(path, ignore_errors=True)
    for path in folder.iterdir():  # working directories of builds that died
        if path.is_dir() and path.name.startswith(".") and ".partial-" in path.name:
            shutil.rmtree(path, ignore_errors=True)


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    descriptor = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
