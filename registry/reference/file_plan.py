"""The Standard File Plan (Standart Dosya Planı, SDP): the codes every official record is filed
under, and the check of a letter's number (``E-<DETSİS>-<SDP code>-<sequence>``).

A code has a main code and up to three sub-codes (``010.01.02``). The common codes (ortak
alanlar) are every institution's; each institution adds its own main-service codes (ana hizmet
alanları), so two institutions may use the same main-service code for different subjects, but an
institution's code never repeats a common one. A sub-code lives under its parent code, in the
same plan or the common one. Which main codes the common plan spans is the national plan's
business, not a rule here: the registry keeps whatever the published plan lists.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.audit import trail as audit
from registry.audit.trail import Provenance
from registry.kernel import turkish
from registry.kernel.clock import today
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations import tree
from registry.organizations.models import Status
from registry.reference import dated
from registry.reference.models import FilePlanCode
from registry.workflow.handling import Proposal

CODE = re.compile(r"^\d{3}(\.\d{2}){0,3}$")
CODE_MESSAGE = (
    "Dosya planı kodu 3 haneli ana kod ve en çok üç 2 haneli alt koddan oluşur (010.01.02) / "
    "a file plan code is a 3-digit main code and up to three 2-digit sub-codes."
)
DISPOSITION_CODES = {"archive": "A", "review": "AD", "destroy": "İ"}
RECORD_NUMBER = re.compile(r"^E-([1-9]\d{7})-(\d{3}(?:\.\d{2}){0,3})-([1-9]\d{0,9})$")


def parts(code: str) -> list[str]:
    return code.split(".")


def level(code: str) -> int:
    return len(parts(code))


def parent_code(code: str) -> str | None:
    return code.rsplit(".", 1)[0] if "." in code else None


def key_of(code: str, organization: str | None) -> str:
    """The record's key: the code, prefixed by the owning institution's number for its own."""
    return f"{organization}:{code}" if organization else code


def search_text(code: str, subject: str) -> str:
    return f"{code} {turkish.fold(subject)}"[:400]


def code_problem(code: str) -> str | None:
    """Why ``code`` is not a file plan code, or None."""
    return None if CODE.fullmatch(code) else CODE_MESSAGE


def _view(session: Session, row: FilePlanCode) -> dict[str, Any]:
    return {
        "code": row.code,
        "organization": tree.number_of(session, row.organization_id)
        if row.organization_id
        else None,
        "parts": parts(row.code),
        "subject": row.subject,
        "level": row.level,
        "retention": {
            "unit_years": row.retention_unit_years,
            "archive_years": row.retention_archive_years,
        },
        "disposition": row.disposition,
        "disposition_code": DISPOSITION_CODES.get(row.disposition or ""),
        "note": row.note,
        "explanation": row.explanation,
        "group": {"start": row.group_start, "end": row.group_end}
        if row.group_start or row.group_end
        else None,
        "active": row.status == RecordStatus.ACTIVE,
        "status": row.status,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
    }


KIND: dated.Kind[FilePlanCode] = dated.Kind(
    entity="file_plan_code",
    model=FilePlanCode,
    fields=(
        "organization_id",
        "code",
        "subject",
        "level",
        "retention_unit_years",
        "retention_archive_years",
        "disposition",
        "note",
        "explanation",
        "group_start",
        "group_end",
        "search_text",
    ),
    view=_view,
    label="dosya planı kodu / file plan code",
    derive=lambda row: setattr(row, "search_text", search_text(row.code, row.subject)),
)


def view(session: Session, row: FilePlanCode) -> dict[str, Any]:
    return _view(session, row)


# -- writing: request data → columns, and the checks --


def values(session: Session, data: dict[str, Any]) -> dict[str, Any]:
    """The columns a change request's (loaded) data sets."""
    out: dict[str, Any] = {}
    if "organization" in data:
        org = data["organization"]
        out["organization_id"] = (
            tree.unit_id_for(session, org, "data.organization") if org else None
        )
    if "code" in data:
        out["code"] = data["code"]
        out["level"] = level(data["code"])
    for name in ("subject", "disposition", "note", "explanation"):
        if name in data:
            out[name] = data[name]
    if "retention" in data:
        retention = data["retention"] or {}
        out["retention_unit_years"] = retention.get("unit_years")
        out["retention_archive_years"] = retention.get("archive_years")
    if "group" in data:
        group = data["group"] or {}
        out["group_start"], out["group_end"] = group.get("start"), group.get("end")
    return out


def key_for(_session: Session, data: dict[str, Any]) -> str:
    return key_of(data["code"], data.get("organization"))


def organization_of_key(key: str) -> str | None:
    return key.split(":", 1)[0] if ":" in key else None


def scopes(
    session: Session, _action: str, target: str | None, data: dict[str, Any]
) -> list[int | None]:
    """Common codes are national (the working group's); an institution's own codes are its
    coordinators'."""
    number = organization_of_key(target) if target else data.get("organization")
    if not number:
        return [None]
    return [tree.unit_id_for(session, number, "data.organization", open_only=False)]


def check_code(session: Session, proposal: Proposal) -> None:
    """The code fits its plan, its owner is an open institution, its parent code exists, and the
    retention and group range read sensibly."""
    if proposal.action == "close":
        return
    data = proposal.data
    code = data.get("code")
    organization = data.get("organization")
    if proposal.target is not None:
        code = proposal.target.rsplit(":", 1)[-1]
        organization = organization_of_key(proposal.target)
    assert code is not None
    problem = code_problem(code)
    if problem:
        raise InvalidInput(problem, errors={"data.code": [problem]})
    if proposal.action == "create":
        if organization:
            _require_institution(session, organization)
            if find(session, code, None, today()) is not None:
                raise InvalidInput(
                    f"{code} ortak bir koddur; kurum kodu onu tekrarlayamaz / {code} is a common "
                    "code: an institution's own code cannot repeat it.",
                    errors={"data.code": ["a common code"]},
                )
        parent = parent_code(code)
        if parent and find(session, parent, organization, today()) is None:
            raise InvalidInput(
                f"Üst kod {parent} yok / the parent code {parent} does not exist.",
                errors={"data.code": [f"no parent code {parent}"]},
            )
    group = data.get("group") or {}
    for name in ("start", "end"):
        if group.get(name) and not CODE.fullmatch(group[name]):
            raise InvalidInput(CODE_MESSAGE, errors={f"data.group.{name}": [CODE_MESSAGE]})
    if group.get("start") and group.get("end") and group["start"] > group["end"]:
        raise InvalidInput(
            "Grup başlangıcı bitişinden sonra / the group range starts after it ends.",
            errors={"data.group": ["start after end"]},
        )


def _require_institution(session: Session, number: str) -> None:
    org_id = tree.unit_id_for(session, number, "data.organization")
    path = tree.path_at(session, org_id, today())
    if not path or tree.institution_of(path).organization_id != org_id:
        raise InvalidInput(
            "Dosya planı kodları kurum düzeyinde tutulur / file plan codes belong to an "
            "institution, not to a unit inside one.",
            errors={"data.organization": ["not an institution"]},
        )


# -- reading --


def _plan_condition(org_id: int | None) -> Any:
    """The common codes, and the institution's own when one is named."""
    if org_id is None:
        return FilePlanCode.organization_id.is_(None)
    return or_(FilePlanCode.organization_id.is_(None), FilePlanCode.organization_id == org_id)


def find(session: Session, code: str, organization: str | None, on: date) -> FilePlanCode | None:
    """The active code as the institution's plan (own codes, then common ones) has it on ``on``."""
    for key in ([key_of(code, organization)] if organization else []) + [code]:
        found = session.scalars(
            dated.rows_on(KIND, on).where(
                FilePlanCode.key == key, FilePlanCode.status == RecordStatus.ACTIVE
            )
        ).first()
        if found is not None:
            return found
    return None


def get_code(session: Session, code: str, organization: str | None, on: date) -> FilePlanCode:
    """One code (any status) as it stood on ``on``; 404 when the plan had no such code."""
    if not CODE.fullmatch(code):
        raise InvalidInput(CODE_MESSAGE, errors={"code": [CODE_MESSAGE]})
    keys = ([key_of(code, organization)] if organization else []) + [code]
    for key in keys:
        found = session.scalars(
            dated.rows_on(KIND, on).where(FilePlanCode.key == key).order_by(FilePlanCode.version)
        ).first()
        if found is not None:
            return found
    raise NotFound(f"Dosya planında {code} kodu yok / no such file plan code.")


def list_codes(
    session: Session, organization: str | None, q: str | None, on: date, *, closed: bool = False
) -> Any:
    """The statement listing the plan of ``organization`` (common codes without one), in code
    order; ``q`` matches the code or the subject, Turkish- and accent-insensitively."""
    org_id = tree.organization_id(session, organization) if organization else None
    stmt = dated.rows_on(KIND, on).where(_plan_condition(org_id))
    if not closed:
        stmt = stmt.where(FilePlanCode.status == RecordStatus.ACTIVE)
    for word in turkish.fold(q or "").split():
        stmt = stmt.where(FilePlanCode.search_text.contains(word, autoescape=True))
    return stmt.order_by(FilePlanCode.code, FilePlanCode.organization_id.is_not(None))


# -- a letter's number --


@dataclass(frozen=True)
class RecordNumberCheck:
    value: str
    on: date
    detsis_no: str
    code: str
    sequence: int
    unit_exists: bool
    unit_open: bool
    code_exists: bool
    code_subject: str | None
    problems: list[str]

    @property
    def valid(self) -> bool:
        return not self.problems


def check_record_number(session: Session, value: str, on: date) -> RecordNumberCheck:
    """Whether ``E-<DETSİS>-<SDP>-<n>`` names a unit that was open on ``on`` and a code its
    institution's plan (or the common one) had then. A malformed value is a 422."""
    match = RECORD_NUMBER.fullmatch(value.strip())
    if match is None:
        raise InvalidInput(
            "Sayı 'E-<DETSİS no>-<dosya planı kodu>-<sıra no>' biçiminde olmalı "
            "(E-24312041-702.03-1) / the number must read E-<DETSİS>-<file plan code>-<n>.",
            errors={"value": ["expected E-<8 digits>-<code like 010.01>-<n>"]},
        )
    number, code, sequence = match.group(1), match.group(2), int(match.group(3))
    problems: list[str] = []
    try:
        org_id = tree.organization_id(session, number)
    except NotFound:
        org_id = None
    unit_open = False
    institution: str | None = None
    if org_id is None:
        problems.append(f"{number} numaralı birim yok / no unit {number}")
    else:
        found = tree.versions_at(session, [org_id], on).get(org_id)
        unit_open = found is not None and found[1].status == Status.ACTIVE
        if not unit_open:
            problems.append(
                f"birim {on.strftime('%d.%m.%Y')} tarihinde açık değildi / the unit was not open "
                "on that date"
            )
        path = tree.path_at(session, org_id, on)
        institution = tree.institution_of(path).detsis_no if path else None
    row = find(session, code, institution, on)
    if row is None:
        problems.append(
            f"{code} kodu {on.strftime('%d.%m.%Y')} tarihinde dosya planında yoktu / no such "
            "file plan code on that date"
        )
    return RecordNumberCheck(
        value=value.strip(),
        on=on,
        detsis_no=number,
        code=code,
        sequence=sequence,
        unit_exists=org_id is not None,
        unit_open=unit_open,
        code_exists=row is not None,
        code_subject=row.subject if row is not None else None,
        problems=problems,
    )


def current_by_key(session: Session, organization: str | None) -> dict[str, FilePlanCode]:
    """The last version of every code of one plan (an importer compares a file with it)."""
    org_id = tree.organization_id(session, organization) if organization else None
    condition = (
        FilePlanCode.organization_id.is_(None)
        if org_id is None
        else FilePlanCode.organization_id == org_id
    )
    rows = session.scalars(select(FilePlanCode).where(condition, FilePlanCode.valid_to.is_(None)))
    return {row.key: row for row in rows}


def create_many(
    session: Session,
    items: list[dict[str, Any]],
    organization: str | None,
    on: date,
    provenance: Provenance,
) -> list[str]:
    """Create many new codes of one plan (an import applied by the operator): the rows and
    their audit entries in a few statements instead of a round trip each. ``items`` are loaded
    request data of codes that have no version yet; parents come before their children."""
    org_id = tree.unit_id_for(session, organization, "organization") if organization else None
    rows = []
    for data in items:
        row = FilePlanCode(
            key=key_of(data["code"], organization),
            version=1,
            valid_from=on,
            valid_to=None,
            status=RecordStatus.ACTIVE,
            organization_id=org_id,
            **{name: None for name in KIND.fields if name != "organization_id"},
        )
        for name, value in values(
            session, {k: v for k, v in data.items() if k != "organization"}
        ).items():
            setattr(row, name, value)
        row.search_text = search_text(row.code, row.subject)
        rows.append(row)
    session.add_all(rows)
    session.flush()
    audit.append_many(
        session,
        [audit.NewEntry(KIND.entity, row.key, "create", None, _view(session, row)) for row in rows],
        provenance,
    )
    return [row.key for row in rows]
