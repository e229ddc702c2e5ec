"""The sample dataset loaded by ``registry demo``: a realistic slice of the Turkish state.

The tree of Göç İdaresi Başkanlığı follows its annual report (seed 004); the other institutions are
a handful that the rest of the registry refers to. DETSİS numbers are real only where the JSON says
``real_detsis``; the others are derived from the unit's name path, so they are the same on every
machine and a second run finds every unit already there and changes nothing.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.audit.trail import Provenance
from registry.demo import metadata, records
from registry.demo.reference import load_reference
from registry.kernel import turkish
from registry.kernel.reference import provinces
from registry.organizations import changes
from registry.organizations.models import Organization
from registry.standards import publication
from schemas.organizations import UnitInputSchema, UnitUpdateSchema

DEFAULT_VALID_FROM = date(2011, 11, 1)
PROVINCIAL_DIRECTORATES_FROM = date(2014, 4, 11)
DEMO_PROVENANCE = Provenance(recorded_by="registry demo")
RELOCATIONS = {  # sample: three provincial directorates moved to new buildings this year
    6: (
        "2026-02-02",
        "Kızılırmak Mahallesi, Ufuk Üniversitesi Caddesi No: 5, 06530 Çankaya/Ankara",
    ),
    34: ("2026-03-02", "Kuştepe Mahallesi, Mecidiyeköy Yolu Caddesi No: 12, 34387 Şişli/İstanbul"),
    35: ("2026-01-05", "Halkapınar Mahallesi, 1203/4 Sokak No: 2, 35170 Konak/İzmir"),
}


@dataclass
class DemoReport:
    created: int = 0
    unchanged: int = 0


def load_demo(session: Session) -> DemoReport:
    """Create every sample record that does not exist yet, and publish the standards tables of
    the units with places of application; the caller commits."""
    spec = json.loads(resources.files("registry.demo").joinpath("units.json").read_text("utf-8"))
    nodes = list(_expand(spec["institutions"], parent=None, path=(), inherited=DEFAULT_VALID_FROM))
    numbers = _assign_numbers(nodes)
    existing = set(
        session.scalars(
            select(Organization.detsis_no).where(Organization.detsis_no.in_(list(numbers.values())))
        )
    )
    report = DemoReport()
    _load_units(session, nodes, numbers, existing, report)
    by_path = {" > ".join(path): number for path, number in numbers.items()}
    counts = {"created": 0, "unchanged": 0}
    acts = records.load_legislation(session, by_path, DEMO_PROVENANCE, counts)
    records.load_services(session, by_path, acts, DEMO_PROVENANCE, counts)
    metadata.load_metadata(session, by_path, acts, DEMO_PROVENANCE, counts)  # issue 26
    records.load_correspondence(session, by_path, DEMO_PROVENANCE, counts)
    load_reference(session, by_path, DEMO_PROVENANCE, counts, DEFAULT_VALID_FROM)
    publication.publish_changed(session)  # the places' units publish their tables
    report.created += counts["created"]
    report.unchanged += counts["unchanged"]
    return report


def _load_units(
    session: Session,
    nodes: list[_Node],
    numbers: dict[tuple[str, ...], str],
    existing: set[str],
    report: DemoReport,
) -> None:
    schema = UnitInputSchema()
    for node in nodes:
        number = numbers[node.path]
        if number in existing:
            report.unchanged += 1
            continue
        data = schema.load(
            node.fields
            | {
                "parent": numbers[node.parent] if node.parent else None,
                "name": node.first_name or node.fields["name"],
                "unit_type": node.first_unit_type or node.fields.get("unit_type"),
            }
        )
        changes.create_unit(
            session,
            data,
            valid_from=node.valid_from,
            detsis_no=number,
            provenance=DEMO_PROVENANCE,
            reason="Örnek veri / sample data",
        )
        for step in node.history:
            update = UnitUpdateSchema().load(step["changes"])
            changes.update_unit(
                session,
                number,
                update,
                valid_from=date.fromisoformat(step["valid_from"]),
                provenance=DEMO_PROVENANCE,
                reason=step.get("reason"),
            )
        report.created += 1


@dataclass
class _Node:
    path: tuple[str, ...]
    parent: tuple[str, ...] | None
    fields: dict[str, Any]
    valid_from: date
    real_detsis: str | None
    first_name: str | None
    first_unit_type: str | None
    history: list[dict[str, Any]]


_META_KEYS = {
    "key",
    "children",
    "history",
    "valid_from",
    "real_detsis",
    "first_name",
    "first_unit_type",
    "provincial_directorates",
    "governorships",
    "kep",
    "province",
    "certificate_file",
}


def _expand(
    items: list[dict[str, Any]],
    parent: tuple[str, ...] | None,
    path: tuple[str, ...],
    inherited: date,
) -> Any:
    for item in items:
        node_path = (*path, item["name"])
        valid_from = date.fromisoformat(item["valid_from"]) if "valid_from" in item else inherited
        fields = {k: v for k, v in item.items() if k not in _META_KEYS}
        fields.setdefault("level", "central")
        if "province" in item:
            fields["province"] = {"code": item["province"]}
        fields["kep_addresses"] = [{"address": a, "active": True} for a in item.get("kep", [])]
        if "certificate_file" in item:
            fields["certificate"] = _certificate(item["certificate_file"])
        yield _Node(
            node_path,
            parent,
            fields,
            valid_from,
            item.get("real_detsis"),
            item.get("first_name"),
            item.get("first_unit_type"),
            item.get("history", []),
        )
        yield from _expand(item.get("children", []), node_path, node_path, valid_from)
        if item.get("provincial_directorates"):
            yield from _provincial_directorates(node_path)
        if item.get("governorships"):
            yield from _governorships(node_path, valid_from)


def _provincial_directorates(parent: tuple[str, ...]) -> Any:
    for code, province in provinces().items():
        name = f"{province} İl Göç İdaresi Müdürlüğü"
        contact = {
            "address": f"İl Göç İdaresi Müdürlüğü, Merkez/{province}",
            "phone": f"0{_area_code(code)} 444 08 {code:02d}",
            "email": f"{turkish.fold(province).replace(' ', '')}@goc.gov.tr",
        }
        fields = {
            "name": name,
            "unit_type": "İl Müdürlüğü",
            "level": "provincial",
            "province": {"code": code},
            "district": "Merkez",
            "contact": contact,
        }
        history = []
        if code in RELOCATIONS:
            moved_on, address = RELOCATIONS[code]
            history.append(
                {
                    "valid_from": moved_on,
                    "changes": {"contact": {**contact, "address": address}},
                    "reason": "Hizmet binası değişti (örnek veri).",
                }
            )
        yield _Node(
            (*parent, name), parent, fields, PROVINCIAL_DIRECTORATES_FROM, None, None, None, history
        )


def _governorships(parent: tuple[str, ...], valid_from: date) -> Any:
    for code, province in provinces().items():
        name = f"{province} Valiliği"
        slug = turkish.fold(province).replace(" ", "")
        fields = {
            "name": name,
            "category": "Mülki İdare",
            "unit_type": "Valilik",
            "level": "provincial",
            "province": {"code": code},
            "district": "Merkez",
            "contact": {
                "address": f"Hükümet Konağı, Merkez/{province}",
                "web": f"https://www.{slug}.gov.tr",
            },
            "kep_addresses": [{"address": f"{slug}valiligi@hs01.kep.tr", "active": True}],
        }
        yield _Node((*parent, name), parent, fields, valid_from, None, None, None, [])


def _certificate(name: str) -> str:
    """A sample certificate (public part only) from ``registry/demo/certificates``."""
    return resources.files("registry.demo").joinpath("certificates", name).read_text("ascii")


def _area_code(plate: int) -> str:
    """A plausible three-digit area code (sample data; not the real telephone plan)."""
    return f"{200 + plate * 7 % 700:03d}"


def _assign_numbers(nodes: list[_Node]) -> dict[tuple[str, ...], str]:
    """Real numbers where known, otherwise a stable number derived from the name path."""
    taken = {node.real_detsis for node in nodes if node.real_detsis}
    numbers: dict[tuple[str, ...], str] = {}
    for node in nodes:
        if node.real_detsis:
            numbers[node.path] = node.real_detsis
            continue
        salt = 0
        while True:
            digest = hashlib.sha256(f"{salt}|{' > '.join(node.path)}".encode()).hexdigest()
            number = str(10_000_000 + int(digest, 16) % 90_000_000)
            if number not in taken:
                break
            salt += 1
        taken.add(number)
        numbers[node.path] = number
    return numbers
