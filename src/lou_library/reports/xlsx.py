"""The report as an Excel workbook: one sheet per section, headers in the interface
language, numbers as numbers, the header row frozen. openpyxl is imported only here, when
a workbook is written."""

from __future__ import annotations

import io
import re
from datetime import date
from typing import Any

from lou_library.reports.model import (
    Column,
    Report,
    Value,
    cell_text,
    display_width,
    total_values,
)

_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``; a longer
    title loses its last words, not half of one)."""
    base = " ".join(title.translate(_SHEET_FORBIDDEN).split()).strip("'")  # (one space)
    if len(base) > 31:
        cut = base[:32].rsplit(" ", 1)[0] if " " in base[:32] else base
        base = cut[:31].rstrip()
    base = base or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text an .xlsx (XML 1.0) can hold: a control character a hand-edited or old record
    may carry becomes U+FFFD, as on the terminal, instead of crashing the whole report."""
    return _XML_ILLEGAL.sub("\ufffd", text)


def _xlsx_value(column: Column, value: Value) -> tuple[Any, str | None]:
    """(cell value, number format): numbers stay numbers, dates become dates."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return cell_text(column, value), None
    if isinstance(value, int | float):
        formats = {"percent": "0.0%", "hours": "0.0#", "int": "0"}
        number = float(value) if column.kind in ("percent", "hours") else value
        return number, formats.get(column.kind)
    if column.kind == "date":
        return _xlsx_date(value)
    return cell_text(column, value), None


def _xlsx_date(text: str) -> tuple[Any, str | None]:
    """A day as a date cell; text that is not one stays text."""
    try:
        return date.fromisoformat(text[:10]), "yyyy-mm-dd"
    except ValueError:
        return text, None


def to_xlsx(report: Report) -> bytes:
    """One sheet per section; header row bold and frozen; text never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    book.properties.title = xml_safe(report.title())
    book.properties.creator = "lou-library"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F3ECE4")
    used: set[str] = set()

    def put(sheet: Any, row: int, col: int, value: Any, number_format: str | None) -> Any:
        cell = sheet.cell(row=row, column=col)
        if isinstance(value, str):
            value = xml_safe(value)
        cell.value = value if value != "" else None
        if isinstance(value, str):
            cell.data_type = "s"  # "=..." stays text: a string cell is never evaluated
            if value[:1] in ("=", "+", "-", "@"):
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        if number_format:
            cell.number_format = number_format
        return cell

    for section in report.sections:
        sheet = book.create_sheet(sheet_title(xml_safe(section.title()), used))
        widths = [display_width(c.header()) for c in section.columns]
        for col, column in enumerate(section.columns, start=1):
            cell = put(sheet, 1, col, column.header(), None)
            cell.font = bold
            cell.fill = header_fill
        for r, row in enumerate(section.rows, start=2):
            for col, (column, value) in enumerate(zip(section.columns, row, strict=True), start=1):
                put(sheet, r, col, *_xlsx_value(column, value))
                widths[col - 1] = max(widths[col - 1], display_width(cell_text(column, value)))
        if section.has_total_row:
            r = len(section.rows) + 2
            for col, (column, value) in enumerate(
                zip(section.columns, total_values(section), strict=True), start=1
            ):
                shown = _xlsx_value(column, value) if col > 1 else (value, None)
                put(sheet, r, col, *shown).font = bold
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 3, 8), 60)
        sheet.freeze_panes = "A2"
        if section.rows:
            last = get_column_letter(len(section.columns))
            sheet.auto_filter.ref = f"A1:{last}{len(section.rows) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
