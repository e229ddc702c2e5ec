"""A published table as the files institutions post and download: CSV and XLSX.

Both keep the regulation's layout: a title, the four columns, the notice, then the two places of
application side by side, and the publication date, so a printed spreadsheet reads like the
posted table. Text from the registry is data, never a formula, in either format.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.worksheet.worksheet import Worksheet

from registry.kernel import tabular
from registry.kernel.clock import local
from registry.standards.table import COLUMNS, CONTACT_FIELDS, CONTACT_LABELS

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def title_of(content: dict[str, Any]) -> str:
    return f"{content['organization']['name']} Hizmet Standartları Tablosu"


def published_on(published_at: datetime) -> str:
    """The publication date as Turkish tables print it: 21.11.2026."""
    return local(published_at).strftime("%d.%m.%Y")


def _row_cells(row: dict[str, Any]) -> list[Any]:
    return [row["no"], row["name"], _documents_text(row), row["max_duration"] or ""]


def _documents_text(row: dict[str, Any]) -> str:
    return "\n".join(
        f"{index}- {name}" for index, name in enumerate(row["required_documents"], start=1)
    )


def _contact_lines(content: dict[str, Any]) -> list[list[str]]:
    first = content.get("first_contact") or {}
    second = content.get("second_contact") or {}
    lines = [["İlk Müracaat Yeri", "", "İkinci Müracaat Yeri", ""]]
    for key, label in zip(CONTACT_FIELDS, CONTACT_LABELS, strict=True):
        lines.append([label, first.get(key) or "", label, second.get(key) or ""])
    return lines


def to_csv(content: dict[str, Any], published_at: datetime, version: int) -> bytes:
    rows: list[list[Any]] = [_row_cells(row) for row in content["rows"]]
    rows.append([])
    rows.append([content["notice"]])
    rows.append([])
    rows.extend(_contact_lines(content))
    rows.append([])
    rows.append([f"Yayım tarihi: {published_on(published_at)}", f"Sürüm: {version}"])
    return tabular.to_csv(COLUMNS, rows)


def to_xlsx(content: dict[str, Any], published_at: datetime, version: int) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Hizmet Standartları"
    _layout_for_printing(sheet)
    thin = Side(style="thin")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")

    _put(sheet, 1, 1, content["institution"], Font(bold=True, size=12))
    _put(sheet, 2, 1, title_of(content), Font(bold=True, size=14))
    for column, heading in enumerate(COLUMNS, start=1):
        cell = _put(sheet, 4, column, heading, Font(bold=True))
        cell.border, cell.alignment = box, wrap
    line = 5
    for row in content["rows"]:
        for column, value in enumerate(_row_cells(row), start=1):
            cell = _put(sheet, line, column, value)
            cell.border, cell.alignment = box, wrap
        line += 1
    line += 1
    sheet.merge_cells(start_row=line, start_column=1, end_row=line, end_column=4)
    _put(sheet, line, 1, content["notice"]).alignment = wrap
    sheet.row_dimensions[line].height = 45
    line += 2
    for index, cells in enumerate(_contact_lines(content)):
        for column, value in enumerate(cells, start=1):
            font = Font(bold=True) if index == 0 or column in (1, 3) else None
            _put(sheet, line, column, value, font).alignment = wrap
        line += 1
    line += 1
    _put(sheet, line, 1, f"Yayım tarihi: {published_on(published_at)} — sürüm {version}")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _layout_for_printing(sheet: Worksheet) -> None:
    """A4 landscape, one page wide, the heading row repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "4:4"
    for column, width in zip("ABCD", (9, 45, 70, 24), strict=True):
        sheet.column_dimensions[column].width = width


def _put(sheet: Worksheet, row: int, column: int, value: Any, font: Font | None = None) -> Any:
    cell = sheet.cell(row=row, column=column, value=value)
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # openpyxl would store it as a formula
    if font is not None:
        cell.font = font
    return cell
