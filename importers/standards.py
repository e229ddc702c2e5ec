"""Service standards tables as institutions publish them on their web sites (HTML).

The table is found by its headings (HİZMETİN ADI, BAŞVURUDA İSTENEN BELGELER, …, in any case,
with or without Turkish letters), wherever it sits in the page. Documents may be a numbered
list, ``<br>``-separated lines, ``<li>`` items or "1- … 2- …" in one line; durations are free
text ("30 gün", "15 İŞ GÜNÜ", "ANINDA"). The İlk and İkinci Müracaat Yeri blocks are read from
the table or the lines below it. Document names go through the document resolver: a confident
match becomes the standard document; any other name is kept as written, for reviewers to resolve
(never guessed). Whatever is not understood is reported with the row it came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.plan import Plan, Planned, RowRefused, plan_rows
from importers.reading import Source, UnreadableInput, decode
from registry.catalogue import document_names
from registry.catalogue.models import (
    RecordStatus,
    Service,
    ServiceDocument,
    UnmatchedDocumentName,
    UnmatchedStatus,
)
from registry.kernel import durations, turkish
from registry.kernel.clock import today
from registry.organizations import tree
from registry.standards.table import active_contacts

HEADINGS = {
    "name": ("hizmetin adi", "hizmet adi"),
    "documents": ("basvuruda istenen belgeler", "istenen belgeler"),
    "duration": ("hizmetin tamamlanma suresi", "tamamlanma suresi", "en gec sure"),
}
CONTACT_LABELS = {
    "isim": "name", "adi soyadi": "name", "ad soyad": "name", "unvan": "title",
    "unvani": "title", "adres": "address", "telefon": "phone", "tel": "phone",
    "faks": "fax", "fax": "fax", "e posta": "email", "eposta": "email", "e mail": "email",
}  # fmt: skip
NUMBERING = re.compile(r"(?:^|\s)(\d{1,2})\s*[-.)]\s+")
MAX_ROWS = 2000


@dataclass
class Row:
    line: int  # the row's line in the HTML source
    number: str
    name: str
    documents: list[str]
    duration: str


@dataclass
class Page:
    rows: list[Row] = field(default_factory=list)
    first_contact: dict[str, str] = field(default_factory=dict)
    second_contact: dict[str, str] = field(default_factory=dict)


def read(source: Source) -> Page:
    text, _ = decode(source.content)
    parser = lxml_html.HTMLParser(remove_comments=True, no_network=True)
    try:
        document = lxml_html.document_fromstring(text, parser=parser)
    except Exception as error:  # lxml raises ParserError / ValueError on empty or broken input
        raise UnreadableInput(f"HTML okunamadı / unreadable HTML: {error}") from error
    for bad in document.xpath("//script|//style"):
        bad.drop_tree()
    table, columns = _standards_table(document)
    page = Page()
    for tr in table.xpath(".//tr")[1 : MAX_ROWS + 1]:
        cells = tr.xpath("./td|./th")
        if len(cells) <= max(columns.values()):
            continue
        name = _text(cells[columns["name"]])
        if not name or turkish.fold(name).startswith(HEADINGS["name"]):
            continue
        page.rows.append(
            Row(
                tr.sourceline or 0,
                _text(cells[0]) if columns["name"] > 0 else "",
                name,
                _documents(cells[columns["documents"]]),
                _text(cells[columns["duration"]]),
            )
        )
    page.first_contact, page.second_contact = _contacts(document)
    return page


def _standards_table(document: Any) -> tuple[Any, dict[str, int]]:
    for table in document.xpath("//table"):
        for tr in table.xpath(".//tr")[:3]:
            headings = [turkish.fold(_text(c)) for c in tr.xpath("./td|./th")]
            columns = {
                key: next((i for i, h in enumerate(headings) if h.startswith(options)), -1)
                for key, options in HEADINGS.items()
            }
            if min(columns.values()) >= 0:
                return table, columns
    raise UnreadableInput(
        "Sayfada HİZMETİN ADI / BAŞVURUDA İSTENEN BELGELER başlıklı bir tablo yok / no service "
        "standards table in the page."
    )


def _text(element: Any) -> str:
    return " ".join(element.text_content().split())


def _documents(cell: Any) -> list[str]:
    items = [_text(li) for li in cell.xpath(".//li")]
    if not items:
        for br in cell.xpath(".//br"):
            br.tail = "\n" + (br.tail or "")
        for block in cell.xpath(".//p|.//div"):
            block.tail = "\n" + (block.tail or "")
        lines = [" ".join(line.split()) for line in cell.text_content().split("\n")]
        items = [part for line in lines for part in NUMBERING.split(" " + line)[::2] if part]
    names = [re.sub(r"^\s*\d{1,2}\s*[-.)]\s*", "", item).strip(" -–.;,") for item in items]
    return [name for name in names if len(name) >= 3]


def _contacts(document: Any) -> tuple[dict[str, str], dict[str, str]]:
    """The two places of application: a table with label/value pairs, or lines below it."""
    first: dict[str, str] = {}
    second: dict[str, str] = {}
    for tr in document.xpath("//tr"):
        cells = [_text(c) for c in tr.xpath("./td|./th")]
        pairs = [(cells[i], cells[i + 1]) for i in range(0, len(cells) - 1, 2)]
        for index, (label, value) in enumerate(pairs[:2]):
            key = CONTACT_LABELS.get(_label(label))
            if key and value:
                (first if index == 0 else second).setdefault(key, value)
    if first:
        return first, second
    lines = [" ".join(t.split()) for t in document.text_content().split("\n")]
    seen: list[dict[str, str]] = [first, second]
    current = -1
    for line in lines:
        folded = turkish.fold(line)
        if "ilk muracaat yeri" in folded:
            current = 0
        elif "ikinci muracaat yeri" in folded:
            current = 1
        elif current >= 0 and ":" in line:
            label, value = line.split(":", 1)
            key = CONTACT_LABELS.get(_label(label))
            if key and value.strip():
                seen[current].setdefault(key, value.strip())
    return first, second


def _label(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in turkish.fold(text)).split())


class StandardsPlanner:
    """A page's rows as service changes of one unit, and its places of application."""

    def __init__(self, session: Session, organization: str) -> None:
        self.session = session
        self.organization = organization
        self.org_id = tree.unit_id_for(session, organization, "organization")
        self.left_for_reviewers: list[dict[str, Any]] = []

    def plan(self, page: Page) -> Plan:
        existing = self._services()
        plan = plan_rows(
            ((row.line, row) for row in page.rows),
            lambda row: self._row(row, existing),
            lambda row: f"{row.name}: ",
        )
        contacts = self._contacts(page)
        if contacts is not None:
            plan.changes.append(contacts)
        return plan

    def _services(self) -> dict[str, Service]:
        units = tree.subtree_ids(self.session, self.org_id, today())
        services = self.session.scalars(
            select(Service).where(
                Service.organization_id.in_(units), Service.status == RecordStatus.ACTIVE
            )
        )
        return {turkish.fold(s.name): s for s in services}

    def _row(self, row: Row, existing: dict[str, Service]) -> Planned | None:
        documents = [self._document(row, name) for name in row.documents]
        data: dict[str, Any] = {"required_documents": documents}
        duration = self._duration(row.duration)
        if duration:
            data["max_duration"] = duration
        found = existing.get(turkish.fold(row.name))
        if found is None:
            return Planned(
                row.line,
                "create",
                None,
                {"name": row.name, "organization": self.organization, **data},
                row.name,
                entity="service",
            )
        update = self._differences(found, data)
        if not update:
            return None
        return Planned(row.line, "update", found.code, update, row.name, entity="service")

    def _document(self, row: Row, name: str) -> str:
        match = document_names.accepted(self.session, name)
        if match is not None:
            return match.code
        self.left_for_reviewers.append({"line": row.line, "service": row.name, "name": name})
        return name  # kept as written: the service's write path queues it for reviewers

    def _duration(self, text: str) -> str | None:
        if not text:
            return None
        try:
            return durations.parse(text).text
        except ValueError as error:
            raise RowRefused(f"süre anlaşılamadı '{text}' / unknown duration") from error

    def _differences(self, service: Service, data: dict[str, Any]) -> dict[str, Any]:
        update: dict[str, Any] = {}
        current = list(
            self.session.scalars(
                select(ServiceDocument)
                .where(ServiceDocument.service_id == service.id, ServiceDocument.role == "required")
                .order_by(ServiceDocument.position)
            )
        )
        pending = set(
            self.session.scalars(
                select(UnmatchedDocumentName.folded).where(
                    UnmatchedDocumentName.service_id == service.id,
                    UnmatchedDocumentName.status == UnmatchedStatus.OPEN,
                )
            )
        )
        wanted = [  # a name already waiting for reviewers is not asked for again
            entry for entry in data["required_documents"] if turkish.fold(entry) not in pending
        ]
        if [d.document.code for d in current] != wanted:
            update["required_documents"] = data["required_documents"]
        if "max_duration" in data:
            now = (
                durations.from_parts(service.max_duration_value, service.max_duration_unit).text
                if service.max_duration_unit
                else None
            )
            if now != data["max_duration"]:
                update["max_duration"] = data["max_duration"]
        return update

    def _contacts(self, page: Page) -> Planned | None:
        if not (page.first_contact and page.second_contact):
            return None
        blocks = {
            "first_contact": _block(page.first_contact),
            "second_contact": _block(page.second_contact),
        }
        found = active_contacts(self.session, self.org_id)
        if found is None:
            data = {"organization": self.organization, **blocks}
            return Planned(0, "create", None, data, "müracaat yerleri", entity="service_standard")
        changed = {
            name: {**(getattr(found, name) or {}), **block}
            for name, block in blocks.items()
            if any((getattr(found, name) or {}).get(k) != v for k, v in block.items())
        }
        if not changed:
            return None
        return Planned(
            0, "update", self.organization, changed, "müracaat yerleri", entity="service_standard"
        )


def _block(contact: dict[str, str]) -> dict[str, Any]:
    block: dict[str, Any] = {key: contact.get(key) for key in ("name", "title", "address")}
    for key in ("phone", "fax"):
        digits = re.sub(r"[^\d+() -]", "", contact.get(key) or "").strip()
        block[key] = digits or None
    email = (contact.get("email") or "").strip()
    block["email"] = email if "@" in email else None
    return {key: value for key, value in block.items() if value}
