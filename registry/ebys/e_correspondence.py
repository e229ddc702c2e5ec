"""e-Correspondence details an EBYS keeps beside the tree: the e-Yazışma package (EYP) version
each institution accepts, the encryption certificates changed since a moment and whose
certificate each unit uses, and the addressee and "Dağıtım:" block of a letter to several
recipients.

The 2020 regulation on official correspondence (RG 31151) has a letter to more than one
recipient carry "DAĞITIM YERLERİNE" as its addressee and list the recipients at the foot under
"Dağıtım:", those who are to act under "Gereği:" and those informed under "Bilgi:", each in the
dative as in an addressee, in the unit's own letter case.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.ebys import answers, certificates
from registry.ebys.models import EypVersion
from registry.kernel import turkish
from registry.kernel.clock import aware
from registry.kernel.enums import RecordStatus
from registry.kernel.errors import InvalidInput, NotFound
from registry.organizations import tree
from registry.organizations.models import Organization, OrganizationVersion
from registry.reference import dated

MULTIPLE_ADDRESSEE = "DAĞITIM YERLERİNE"


def _eyp_view(session: Session, row: EypVersion) -> dict[str, Any]:
    return {
        "detsis_no": tree.number_of(session, row.organization_id),
        "package_version": row.package_version,
        "inherited_from": None,
        "active": row.status == RecordStatus.ACTIVE,
        "valid_from": row.valid_from,
        "valid_to": row.valid_to,
        "version": row.version,
        "changed_at": row.recorded_at,
    }


EYP: dated.Kind[EypVersion] = dated.Kind(
    entity="eyp_version",
    model=EypVersion,
    fields=("organization_id", "package_version"),
    view=_eyp_view,
    label="e-Yazışma paket sürümü / e-Yazışma package version",
)


def eyp_version_of(session: Session, number: str, on: date) -> dict[str, Any]:
    """The version the unit's EBYS accepts: its own record, else the nearest unit's above it
    (a unit corresponds through its institution's EBYS)."""
    org_id = tree.organization_id(session, number)
    path = tree.path_at(session, org_id, on)
    if path is None:
        raise NotFound(f"{number} birimi o tarihte kayıtlı değildi / no such unit on that date.")
    for entry in reversed(path):
        row = session.scalars(
            dated.rows_on(EYP, on).where(
                EypVersion.key == entry.detsis_no, EypVersion.status == RecordStatus.ACTIVE
            )
        ).first()
        if row is not None:
            found = _eyp_view(session, row)
            inherited = entry.detsis_no != number
            return {
                **found,
                "detsis_no": number,
                "inherited_from": entry.detsis_no if inherited else None,
            }
    raise NotFound(
        f"{number} için e-Yazışma paket sürümü kayıtlı değil / no e-Yazışma package version is "
        "registered for the unit or any unit above it."
    )


def eyp_changed_since(session: Session, since: datetime) -> list[dict[str, Any]]:
    """The institutions whose package version changed in the registry since ``since``."""
    rows = session.scalars(
        select(EypVersion)
        .where(EypVersion.recorded_at >= since, EypVersion.valid_to.is_(None))
        .order_by(EypVersion.recorded_at, EypVersion.key)
    )
    return [_eyp_view(session, row) for row in rows]


# -- certificates --


def certificates_changed_since(session: Session, since: datetime) -> list[dict[str, Any]]:
    """Units whose own encryption certificate was registered, replaced or removed since
    ``since`` (``SertifikalariGetir``): the version that changed it, with the new certificate's
    facts (none when it was removed)."""
    changed = session.execute(
        select(OrganizationVersion, Organization.detsis_no)
        .join(Organization, Organization.id == OrganizationVersion.organization_id)
        .where(OrganizationVersion.recorded_at >= since)
        .order_by(OrganizationVersion.recorded_at, OrganizationVersion.id)
    ).all()
    out: dict[str, dict[str, Any]] = {}
    for version, number in changed:
        previous = session.scalar(
            select(OrganizationVersion.certificate_pem).where(
                OrganizationVersion.organization_id == version.organization_id,
                OrganizationVersion.version == version.version - 1,
            )
        )
        if version.version > 1 and previous == version.certificate_pem:
            continue
        if version.version == 1 and not version.certificate_pem:
            continue
        facts = certificates.read(version.certificate_pem) if version.certificate_pem else None
        out[number] = {
            "detsis_no": number,
            "active": facts is not None,
            "sha256_fingerprint": facts.sha256_fingerprint if facts else None,
            "not_after": facts.not_after if facts else None,
            "valid_from": version.valid_from,
            "changed_at": aware(version.recorded_at),
        }
    return list(out.values())


def certificate_owners(session: Session, number: str, on: date) -> list[dict[str, Any]]:
    """Each unit of the subtree with the unit whose certificate it uses
    (``SertifikaSahiplikleriniGetir``): its own, the nearest above it, or none."""
    org_id = tree.organization_id(session, number)
    path = tree.path_at(session, org_id, on)
    if path is None:
        raise NotFound(f"{number} birimi o tarihte kayıtlı değildi / no such unit on that date.")
    above = tree.versions_at(session, [e.organization_id for e in path[:-1]], on)
    owner: str | None = None
    for entry in path[:-1]:
        found = above.get(entry.organization_id)
        if found is not None and found[1].certificate_pem:
            owner = entry.detsis_no
    root = tree.subtree(session, number, tree.MAX_DEPTH - 1, on)
    rows: list[dict[str, Any]] = []

    def walk(node: tree.SubtreeNode, inherited: str | None) -> None:
        mine = node.detsis_no if node.version.certificate_pem else inherited
        rows.append({"detsis_no": node.detsis_no, "certificate_owner": mine})
        for child in node.children:
            walk(child, mine)

    walk(root, owner)
    return rows


# -- several recipients --


@dataclass(frozen=True)
class Recipient:
    detsis_no: str
    kind: str  # gereği | bilgi


def _letter_case(line: str) -> str:
    """An addressee line (capitals) in the case of a distribution block. An abbreviation is
    written with an apostrophe before its ending (SGK'YA), and keeps its capitals (SGK'ya)."""
    words = turkish.title(line).split()
    for index, word in enumerate(line.split()):
        if "'" in word and index < len(words):
            stem, ending = word.split("'", 1)
            words[index] = f"{stem}'{turkish.lower(ending)}"
    return " ".join(words)


def distribution(session: Session, recipients: Sequence[Recipient]) -> dict[str, Any]:
    """The addressee and the "Dağıtım:" block of a letter to ``recipients``."""
    if not recipients:
        raise InvalidInput(
            "En az bir alıcı gerekir / at least one recipient.", errors={"to": ["required"]}
        )
    numbers = [r.detsis_no for r in recipients]
    if len(set(numbers)) != len(numbers):
        raise InvalidInput(
            "Aynı alıcı iki kez / a recipient is listed twice.", errors={"to": ["duplicate"]}
        )
    entries = []
    for recipient in recipients:
        lines = answers.addressee(session, recipient.detsis_no)["lines"]
        text = " ".join(_letter_case(line) for line in lines)
        entries.append({"detsis_no": recipient.detsis_no, "kind": recipient.kind, "line": text})
    if len(recipients) == 1:
        only = recipients[0].detsis_no
        return {
            "addressee": answers.addressee(session, only)["lines"],
            "block": [],
            "recipients": entries,
        }
    block = ["Dağıtım:"]
    for kind, heading in (("gereği", "Gereği:"), ("bilgi", "Bilgi:")):
        lines = [e["line"] for e in entries if e["kind"] == kind]
        if lines:
            block += [heading, *lines]
    return {"addressee": [MULTIPLE_ADDRESSEE], "block": block, "recipients": entries}


def distribution_of_list(session: Session, list_id: int) -> dict[str, Any]:
    found = answers.distribution_list(session, list_id)
    return distribution(
        session, [Recipient(r["detsis_no"], r["kind"]) for r in found["recipients"]]
    )
