"""The Standard File Plan as published (CSV or XLSX): one row per code.

Headings are matched loosely (Turkish letters or not, any case): the whole code (``Kod``,
``Dosya Planı Kodu``) or its parts (``Ana Kod``, ``Alt Kod 1``…``Alt Kod 3``), ``Konu Adı``,
``Birimde Saklama``, ``Arşivde Saklama`` (years), ``Saklama Kodu`` (A, AD, İ), ``Dipnot``,
``Açıklama``, ``Grup Başlangıcı``, ``Grup Bitişi`` and ``Aktif`` (hayır/0: the code is closed).
Without ``--organization`` the file is the common plan; with it, that institution's own
main-service codes. Each row is compared with the code's current version: a new code is a
create, a changed one an update with only what changed, an unchanged one nothing, so importing
the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from importers.plan import Plan, Planned, Refused, RowRefused, validated
from importers.reading import Source, UnreadableInput, csv_rows, header_key, xlsx_rows
from registry.audit.trail import Provenance
from registry.kernel import turkish
from registry.kernel.enums import RecordStatus
from registry.reference import file_plan
from registry.reference.models import FilePlanCode
from registry.workflow.entities import handler_for
from schemas.reference import Disposition, FilePlanCodeInputSchema

HEADINGS: dict[str, str] = {
    "kod": "code",
    "code": "code",
    "dosya plani kodu": "code",
    "sdp kodu": "code",
    "ana kod": "main",
    "alt kod 1": "sub1",
    "alt kod1": "sub1",
    "alt kod 2": "sub2",
    "alt kod2": "sub2",
    "alt kod 3": "sub3",
    "alt kod3": "sub3",
    "konu adi": "subject",
    "konu": "subject",
    "subject": "subject",
    "birimde saklama": "unit_years",
    "birimde saklama suresi": "unit_years",
    "birim arsivi": "unit_years",
    "arsivde saklama": "archive_years",
    "kurum arsivinde saklama": "archive_years",
    "kurum arsivi": "archive_years",
    "saklama kodu": "disposition",
    "son islem": "disposition",
    "dipnot": "note",
    "aciklama": "explanation",
    "grup baslangici": "group_start",
    "grup bitisi": "group_end",
    "aktif": "active",
    "aktifmi": "active",
}
NO = {"hayir", "h", "no", "false", "0", "pasif"}
SCHEMA = FilePlanCodeInputSchema()


def rows_of(source: Source, kind: str) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as field → text (known headings only, already reduced by ``header_key``)."""
    if kind == "csv":
        raw: Iterable[tuple[int, dict[str, str]]] = csv_rows(source)
    elif kind == "xlsx":
        raw = xlsx_rows(source)
    else:
        raise UnreadableInput(f"Bilinmeyen biçim / unknown format {kind!r}: csv or xlsx.")
    for line, cells in raw:
        yield (
            line,
            {HEADINGS[k]: v.strip() for k, v in cells.items() if k in HEADINGS and v.strip()},
        )


def _code(cells: dict[str, str]) -> str:
    if cells.get("code"):
        return cells["code"]
    main = cells.get("main", "")
    if not main:
        raise RowRefused("kod yok / no code")
    subs = [cells[name].zfill(2) for name in ("sub1", "sub2", "sub3") if cells.get(name)]
    return ".".join([main.zfill(3), *subs])


def _years(text: str | None) -> int | str | None:
    """ "5", "5 yıl", "Süresiz" (None)… as a number of years where it is one."""
    if not text:
        return None
    digits = "".join(c for c in text if c.isdigit())
    return int(digits) if digits else None


def request_data(cells: dict[str, str], organization: str | None) -> dict[str, Any]:
    """A row as a change request's data (the shape ``FilePlanCodeInputSchema`` loads)."""
    data: dict[str, Any] = {"code": _code(cells), "subject": cells.get("subject", "")}
    if organization:
        data["organization"] = organization
    if cells.get("unit_years") or cells.get("archive_years"):
        data["retention"] = {
            "unit_years": _years(cells.get("unit_years")),
            "archive_years": _years(cells.get("archive_years")),
        }
    for name in ("disposition", "note", "explanation"):
        if cells.get(name):
            data[name] = cells[name]
    if cells.get("group_start") or cells.get("group_end"):
        data["group"] = {"start": cells.get("group_start"), "end": cells.get("group_end")}
    return data


# The fields an update may carry.
COMPARED = ("subject", "retention", "disposition", "note", "explanation", "group")


class FilePlanPlanner:
    """Compares a file with one plan (the common one, or an institution's)."""

    def __init__(self, session: Session, organization: str | None) -> None:
        self.session = session
        self.organization = organization
        self.current = file_plan.current_by_key(session, organization)
        self.known = {key for key, row in self.current.items() if row.status == "active"}
        self.new_lines: dict[str, int] = {}

    def plan(self, rows: Iterable[tuple[int, dict[str, str]]]) -> Plan:
        plan = Plan()
        for line, cells in rows:
            try:
                change = self._row(line, cells)
            except RowRefused as refusal:
                plan.refused.append(Refused(line, str(refusal)))
                continue
            if change is None:
                plan.unchanged += 1
            else:
                plan.changes.append(change)
        return plan

    def _row(self, line: int, cells: dict[str, str]) -> Planned | None:
        data = request_data(cells, self.organization)
        code = data["code"]
        problem = file_plan.code_problem(code)
        if problem:
            raise RowRefused(f"{code}: {problem}")
        key = file_plan.key_of(code, self.organization)
        inactive = file_plan_inactive(cells)
        existing = self.current.get(key)
        if existing is not None and existing.status == RecordStatus.ACTIVE:
            if inactive:
                raise RowRefused(
                    f"{code}: pasif; bir kod gerekçesiyle, değişiklik talebiyle kapatılır / "
                    "inactive: a code is closed by a change request with its reason"
                )
            # The stored version was validated when written: a row equal to it needs no check.
            if _same(existing, data):
                return None
            loaded = validated(SCHEMA, data)
            changed = {k: data.get(k) for k in COMPARED if _differs(existing, k, loaded)}
            if not changed:
                return None
            return Planned(line, "update", key, changed, code, entity=file_plan.KIND.entity)
        loaded = validated(SCHEMA, data)
        if inactive:
            return None
        parent = file_plan.parent_code(code)
        parent_line = None
        if parent:
            parent_key = file_plan.key_of(parent, self.organization)
            if parent_key in self.new_lines:
                parent_line = self.new_lines[parent_key]
            elif parent_key not in self.known and parent not in self.known:
                raise RowRefused(f"{code}: üst kod {parent} yok / no parent code {parent}")
        self.new_lines[key] = line
        return Planned(
            line,
            "create",
            None,
            data,
            code,
            parent_line=parent_line,
            entity=file_plan.KIND.entity,
            loaded=loaded,
        )


def file_plan_inactive(cells: dict[str, str]) -> bool:
    return header_key(cells.get("active", "")) in NO


def _columns(data: dict[str, Any]) -> dict[str, Any]:
    """The columns a row's data (raw or loaded) sets, as ``file_plan.values`` maps them."""
    retention = data.get("retention") or {}
    group = data.get("group") or {}
    disposition = data.get("disposition")
    return {
        "subject": data.get("subject"),
        "retention_unit_years": retention.get("unit_years"),
        "retention_archive_years": retention.get("archive_years"),
        "disposition": Disposition.ALIASES.get(turkish.fold(disposition).strip(), disposition)
        if disposition
        else None,
        "note": data.get("note"),
        "explanation": data.get("explanation"),
        "group_start": group.get("start"),
        "group_end": group.get("end"),
    }


FIELD_COLUMNS = {
    "subject": ("subject",),
    "retention": ("retention_unit_years", "retention_archive_years"),
    "disposition": ("disposition",),
    "note": ("note",),
    "explanation": ("explanation",),
    "group": ("group_start", "group_end"),
}


def _same(existing: FilePlanCode, data: dict[str, Any]) -> bool:
    return all(getattr(existing, k) == v for k, v in _columns(data).items())


def _differs(existing: FilePlanCode, field: str, loaded: dict[str, Any]) -> bool:
    columns = _columns(loaded)
    return any(getattr(existing, c) != columns[c] for c in FIELD_COLUMNS[field])


def apply(session: Session, source: Source, plan: Plan, organization: str | None, on: date) -> None:
    """Apply the plan now (the operator's ``--apply``): codes new to the registry in bulk, the
    others (changes, closed codes opened again) one by one through the workflow's handler, as an
    approved request would; the file is named in the audit trail."""
    provenance = Provenance(recorded_by=f"içe aktarma: {source.name} ({source.sha256[:12]})")
    existing = set(file_plan.current_by_key(session, organization))
    new: list[dict[str, Any]] = []
    others: list[Planned] = []
    for change in plan.changes:
        key = file_plan.key_of(change.data.get("code", ""), organization)
        if change.action == "create" and change.loaded is not None and key not in existing:
            new.append(change.loaded)
        else:
            others.append(change)
    file_plan.create_many(session, new, organization, on, provenance)
    handler = handler_for(file_plan.KIND.entity)
    assert handler is not None
    for change in others:
        handler.apply(session, change.action, change.target, change.data, None, on, provenance)
