"""The data-level once-only report as files: CSV (``kernel.tabular``) and XLSX.

Columns are headed in Turkish, as a ministry's staff read them; lists are joined with "; ".
Registry text is data, never a formula, in either format.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

from registry.kernel import tabular
from registry.metadata.once_only import DataRow

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
COLUMNS = (
    ("document", "Belge kodu"),
    ("document_name", "Belge"),
    ("organization", "İsteyen kurum (DETSİS)"),
    ("organization_name", "İsteyen kurum"),
    ("services", "İsteyen hizmetler"),
    ("annual_volume", "Yıllık işlem sayısı"),
    ("advice", "Öneri"),
    ("elements", "Belgedeki veri öğeleri"),
    ("through", "Kullanılan entegrasyonlar"),
    ("extend", "Genişletilecek entegrasyonlar"),
    ("missing", "Paylaşılmayan veri öğeleri"),
)


def _value(row: DataRow, key: str) -> Any:
    value = getattr(row, key)
    return "; ".join(str(item) for item in value) if isinstance(value, tuple) else value


def cells(rows: Sequence[DataRow]) -> list[list[Any]]:
    return [[_value(row, key) for key, _label in COLUMNS] for row in rows]


def to_csv(rows: Sequence[DataRow]) -> bytes:
    return tabular.to_csv([label for _key, label in COLUMNS], cells(rows))


def to_xlsx(rows: Sequence[DataRow]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Bir kez ilkesi"
    for column, (_key, label) in enumerate(COLUMNS, start=1):
        sheet.cell(row=1, column=column, value=label).font = Font(bold=True)
    for line, values in enumerate(cells(rows), start=2):
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=line, column=column, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # openpyxl would store it as a formula
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
