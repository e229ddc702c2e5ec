"""Service standards tables as institutions publish them on their web sites (HTML).

The table is found by its headings (HİZMETİN ADI, BAŞVURUDA İSTENEN BELGELER, …, in any case,
with or without Turkish letters), wherever it sits in the page. Documents may be a numbered
list, ``<br>``-separated lines, ``<li>`` items or "1- … 2- …" in one line; durations are free
text ("30 gün", "15 İŞ GÜNÜ", "ANINDA"). The İlk and İkinci Müracaat Yeri blocks are read from
the table or the lines below it. Document names go through the document resolver: a confident
match becomes the standard document; any other name is kept as written, for reviewers to resolve
(never guessed). Whatever is not understood is reported with the row it came from; a service
already asked for by an open change request is reported as pending there, not filed twice.

Pages saved from office documents and CMS editors are read as they are: heading synonyms
(VATANDAŞA SUNULAN HİZMETİN ADI, İSTENİLEN BELGELER, HİZMETİ TAMAMLAMA SÜRESİ…), heading rows
below a title row, paragraphs that would glue words together, cells spanning several rows (a
service's documents continued on the next ``<tr>``s), durations as ranges ("8-15 dk"). A
document line that is a sub-heading ("Yabancılar için:") or a condition ("öğrenci ise …") is never
resolved: it goes to the reviewers as written. Two written names of one document count once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import html as lxml_html
from sqlalchemy import select
from sqlalchemy.orm import Session

from importers.pending import OpenRequests
from importers.plan import Plan, Planned, Refused, RowPending, RowRefused, pending_in, plan_rows
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

# A heading cell containing one of these (folded) names that column.
HEADINGS = {
    "name": ("hizmetin adi", "hizmet adi", "hizmetin ismi", "hizmetin tanimi"),
    "documents": (
        "istenen belge", "istenilen belge", "istenecek belge", "gerekli belge", "basvuru belge",
        "talep edilen belge",
    ),
    "duration": (
        "tamamlanma suresi", "tamamlama suresi", "en gec sure", "hizmetin suresi",
        "sonuclanma suresi", "islem suresi",
    ),
}  # fmt: skip
HEADING_ROWS = 30  # a heading row is looked for this far down the table (title rows above it)
BLOCKS = "p|div|br|li|tr|h1|h2|h3|h4|h5|h6|table"

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
    skipped: list[tuple[int, str]] = field(default_factory=list)  # (line, why): said, not lost


def read(source: Source) -> Page:
    text, _ = decode(source.content)
    parser = lxml_html.HTMLParser(remove_comments=True, no_network=True)
    try:
        document = lxml_html.document_fromstring(text, parser=parser)
    except Exception as error:  # lxml raises ParserError / ValueError on empty or broken input
        raise UnreadableInput(f"HTML okunamadı / unreadable HTML: {error}") from error
    for bad in document.xpath("//script|//style"):
        bad.drop_tree()
    for block in document.xpath(f"//*[self::{' or self::'.join(BLOCKS.split('|'))}]"):
        block.tail = "\n" + (block.tail or "")  # "<p>Nüfus</p><p>Cüzdanı</p>": two words
        if block.tag != "br":
            block.text = "\n" + (block.text or "")
    table, heading_row, columns = _standards_table(document)
    page = Page()
    grid = _grid(table)
    last: Row | None = None
    last_name_cell: Any = None
    last_documents_cell: Any = None
    for tr, cells in grid[heading_row + 1 : heading_row + 1 + MAX_ROWS]:
        line = tr.sourceline or 0
        name_cell, documents_cell = cells.get(columns["name"]), cells.get(columns["documents"])
        name = _text(name_cell) if name_cell is not None else ""
        if len({id(cell) for cell in cells.values()}) == 1 and len(cells) > 1:
            if name:
                page.skipped.append((line, f"ara başlık / a section heading: '{name}'"))
            continue
        if last is None and not name:
            if documents_cell is not None and _text(documents_cell):
                page.skipped.append((line, "hizmet adı olmayan satır / a row with no service"))
            continue
        if last is not None and (name_cell is last_name_cell or not name):
            if documents_cell is not None and documents_cell is not last_documents_cell:
                last.documents.extend(_documents(documents_cell))  # continued on this <tr>
            last_documents_cell = documents_cell
            continue
        if not name or _is_heading(name):
            continue
        duration_cell = cells.get(columns["duration"])
        number_cell = cells.get(0) if columns["name"] > 0 else None
        last = Row(
            line,
            _text(number_cell) if number_cell is not None else "",
            name,
            _documents(documents_cell) if documents_cell is not None else [],
            _text(duration_cell) if duration_cell is not None else "",
        )
        last_name_cell, last_documents_cell = name_cell, documents_cell
        page.rows.append(last)
    page.first_contact, page.second_contact = _contacts(document)
    return page


def _is_heading(text: str) -> bool:
    folded = turkish.fold(text)
    return any(option in folded for option in HEADINGS["name"])


def _grid(table: Any) -> list[tuple[Any, dict[int, Any]]]:
    """Each row of ``table`` as column → cell element, with cells spanning rows (``rowspan``)
    or columns (``colspan``) placed in every slot they cover, as a reader sees the table."""
    carried: dict[int, tuple[Any, int]] = {}  # column → (cell, further rows it covers)
    rows: list[tuple[Any, dict[int, Any]]] = []
    for tr in table.xpath("./tr|./thead/tr|./tbody/tr|./tfoot/tr"):
        slots: dict[int, Any] = {}
        started: dict[int, tuple[Any, int]] = {}
        column = 0
        for cell in tr.xpath("./td|./th"):
            while column in carried:
                slots[column] = carried[column][0]
                column += 1
            span, down = _span(cell, "colspan"), _span(cell, "rowspan")
            for offset in range(span):
                slots[column + offset] = cell
                if down > 1:
                    started[column + offset] = (cell, down - 1)
            column += span
        for position, (cell, _left) in carried.items():
            slots.setdefault(position, cell)
        carried = {p: (c, left - 1) for p, (c, left) in carried.items() if left > 1}
        carried.update(started)
        rows.append((tr, slots))
    return rows


def _span(cell: Any, attribute: str) -> int:
    try:
        return max(1, min(int(cell.get(attribute, "1")), 100))
    except ValueError:
        return 1


def _standards_table(document: Any) -> tuple[Any, int, dict[str, int]]:
    """The table with the three headings (in a row among its first ``HEADING_ROWS``), the index
    of that row in its grid, and the column of each heading."""
    for table in document.xpath("//table"):
        for index, (_tr, cells) in enumerate(_grid(table)[:HEADING_ROWS]):
            headings = {position: turkish.fold(_text(c)) for position, c in cells.items()}
            columns = {
                key: next(
                    (p for p, h in sorted(headings.items()) if any(o in h for o in options)), -1
                )
                for key, options in HEADINGS.items()
            }
            if min(columns.values()) >= 0 and len(set(columns.values())) == 3:
                return table, index, columns
    raise UnreadableInput(
        "Sayfada HİZMETİN ADI / BAŞVURUDA İSTENEN BELGELER / TAMAMLANMA SÜRESİ başlıklı bir tablo "
        "yok / no service standards table in the page."
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
            value = value.lstrip(" :").strip()  # "İsim | : Ahmet YILMAZ"
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
            value = value.lstrip(" :").strip()  # "İsim : : Ahmet YILMAZ"
            if key and value:
                seen[current].setdefault(key, value)
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
        self.notes: list[dict[str, Any]] = []  # what was read otherwise than written, said
        self._seen: dict[str, int] = {}  # folded name of a service row → its line
        self._requests = OpenRequests(session, "service")
        self._pending_creates = self._requests.creating(_service_key)

    def plan(self, page: Page) -> Plan:
        existing = self._services()
        plan = plan_rows(
            ((row.line, row) for row in page.rows),
            lambda row: self._row(row, existing),
            lambda row: f"{row.name}: ",
        )
        try:
            contacts = self._contacts(page)
        except RowPending as pending:
            plan.pending.append(Refused(0, f"müracaat yerleri / places of application: {pending}"))
        else:
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
        documents: list[str] = []
        for name in row.documents:
            entry = self._document(row, name)
            if entry in documents:  # two written names of one document: it is asked for once
                self.notes.append(
                    {
                        "line": row.line,
                        "service": row.name,
                        "note": f"'{name}' aynı belge ({entry}), bir kez sayıldı / the same "
                        f"document as another line of this service ({entry}): counted once",
                    }
                )
                continue
            documents.append(entry)
        data: dict[str, Any] = {"required_documents": documents}
        duration = self._duration(row)
        if duration:
            data["max_duration"] = duration
        folded = turkish.fold(row.name)
        if folded in self._seen:
            raise RowRefused(
                f"{self._seen[folded]}. satırdaki hizmetle aynı / the same service as line "
                f"{self._seen[folded]}"
            )
        self._seen[folded] = row.line
        found = existing.get(folded)
        if found is None:
            request = self._pending_creates.get((self.organization, folded))
            if request is not None:
                raise pending_in(request)
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
        request = self._requests.touching(found.code)
        if request is not None:
            raise pending_in(request)
        return Planned(row.line, "update", found.code, update, row.name, entity="service")

    def _document(self, row: Row, name: str) -> str:
        """The standard document's code, or the name as written (queued for reviewers): a
        sub-heading or a condition is never resolved, whatever it resembles."""
        if not document_names.not_a_document(name):
            match = document_names.accepted(self.session, name)
            if match is not None:
                return match.code
        self.left_for_reviewers.append({"line": row.line, "service": row.name, "name": name})
        return name  # kept as written: the service's write path queues it for reviewers

    def _duration(self, row: Row) -> str | None:
        """The duration as published (the service keeps it beside its computed upper bound); a
        range or sum is said so."""
        if not row.duration:
            return None
        try:
            duration = durations.parse(row.duration)
        except ValueError as error:
            raise RowRefused(f"süre anlaşılamadı '{row.duration}' / unknown duration") from error
        if re.search(r"\d\s*(?:[-–+]|ile)\s*\d", row.duration):
            self.notes.append(
                {
                    "line": row.line,
                    "service": row.name,
                    "note": f"süre '{row.duration}' en uzun haliyle {duration.text} okundu / "
                    f"the duration '{row.duration}' is read as its upper bound, {duration.text}",
                }
            )
        return duration.written

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
            published = durations.parse(data["max_duration"])
            shown = service.max_duration_written or now or ""  # what the table shows today
            if now != published.text or turkish.fold(shown) != turkish.fold(published.written):
                update["max_duration"] = data["max_duration"]
        return update

    def _contacts(self, page: Page) -> Planned | None:
        if not (page.first_contact and page.second_contact):
            return None
        blocks = {
            "first_contact": _block(page.first_contact),
            "second_contact": _block(page.second_contact),
        }
        requests = OpenRequests(self.session, "service_standard")
        request = requests.touching(self.organization) or requests.creating(
            lambda data: data.get("organization")
        ).get(self.organization)
        if request is not None:
            raise pending_in(request)
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


def _service_key(data: dict[str, Any]) -> tuple[Any, str] | None:
    """An open create's (providing unit, folded name), as the planner keys services."""
    name = data.get("name")
    return (data.get("organization"), turkish.fold(name)) if isinstance(name, str) else None


def _block(contact: dict[str, str]) -> dict[str, Any]:
    block: dict[str, Any] = {key: contact.get(key) for key in ("name", "title", "address")}
    for key in ("phone", "fax"):
        digits = re.sub(r"[^\d+() -]", "", contact.get(key) or "").strip()
        block[key] = digits or None
    email = (contact.get("email") or "").strip()
    block["email"] = email if "@" in email else None
    return {key: value for key, value in block.items() if value}
