"""Read the spreadsheet an admin really has into clean rows; nothing about the database.

A catalogue arrives as a CSV saved by Excel or WPS (UTF-8, UTF-8 with a BOM, or GBK /
GB18030 on Chinese Windows), a tab- or semicolon-separated text file, or an ``.xlsx``
workbook. :func:`read_table` turns any of them into a :class:`ParsedTable`: the header row
mapped onto canonical field names (:data:`FIELDS`), and one :class:`SourceRow` per
non-blank record with the row a person sees in Excel or WPS (a CSV record over three text
lines is one row). Checking the values against the catalogue's rules is
:mod:`lou_library.transfer`'s job.

What would go wrong silently is refused with its row named instead: a file in two
encodings (GBK with UTF-8 rows pasted in), a quote mark left open that swallows the rows
below it, a second header with other columns, an .xlsx date where text was expected, a
header wider than :data:`MAX_COLUMNS`. An .xlsx is read from its active sheet, with merged
cells filled down (a box merged over three rows is the box of all three).

Every problem is a :class:`~lou_library.errors.LouError` naming the file; this module never
prints and never lets an ``OSError``, ``csv.Error`` or a parser's exception escape.
"""

from __future__ import annotations

import csv
import io
import math
import re
import stat
import unicodedata
import warnings
import zipfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from pathlib import Path

from lou_library import messages as M
from lou_library.errors import Invalid, LouError, NotFound

# --------------------------------------------------------------------------- limits
MAX_BYTES = 50 * 1024 * 1024
"""A file larger than this (50 MB) is refused before it is read."""
MAX_UNPACKED_BYTES = 512 * 1024 * 1024
"""An .xlsx whose parts unpack to more than this is refused (a zip bomb, or not a list)."""
MAX_ROWS = 200_000
"""Data rows (blank rows and the header not counted) one file may hold."""
MAX_FIELD = 10_000
"""Characters one cell may hold."""
MAX_COLUMNS = 1_000
"""Columns the header row may use (up to its last non-empty cell); a book list has a dozen."""
MAX_CELL_LINES = 20
"""Lines one cell may run over before it is taken for a quote mark left open."""

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx",)

# ---------------------------------------------------------------------- the fields
FIELDS: dict[str, tuple[str, ...]] = {
    "code": ("code", "book code", "编号"),
    "title": (
        "title",
        "book title",
        "name",
        "book name",
        "book",
        "书名",
        "题名",
        "正题名",
        "名称",
        "图书名称",
        "图书名",
        "书籍",
        "书籍名称",
        "书籍名",
    ),
    "author": ("author", "authors", "作者", "著者", "作/译者", "作者/译者", "责任者", "编著者"),
    "isbn": ("isbn", "isbn号", "isbn-13", "isbn13", "书号", "国际标准书号", "标准书号"),
    "category": ("category", "分类", "类别", "图书分类", "图书类别"),
    "copies": ("copies", "quantity", "qty", "数量", "册数", "复本数", "复本", "本数"),
    "box": ("box", "box code", "图书箱", "书箱", "箱号", "图书角", "图书箱编号", "书箱编号"),
    "audience": ("audience", "读者对象", "适读人群", "适读年龄", "适合年龄"),
    "condition": ("condition", "品相", "状况", "新旧程度", "成色"),
    "donor": ("donor", "捐赠人", "捐书人", "捐赠者"),
    "note": ("note", "notes", "remark", "remarks", "备注", "附注"),
    # Written by `lou book export`; an import checks them against the catalogue but never
    # sets them (see lou_library.transfer).
    "status": ("status", "状态"),
    "site": ("site", "片区"),
    "source": ("source", "来源"),
    "added_on": ("added", "added on", "入藏日期"),
    "last_box": ("last box", "上次所在图书箱"),
}
DATE_REFUSED = frozenset({"code", "title", "author", "isbn", "box", "donor"})
"""Fields where an .xlsx date can only be Excel's reading of something typed as text."""


@dataclass(frozen=True)
class SourceRow:
    """One non-blank record below the header."""

    row: int
    """1-based: the row a person sees in Excel/WPS (a CSV record spanning three text
    lines is one row), or the sheet row number of an .xlsx."""
    values: dict[str, str]
    """Canonical field -> cleaned text ('' when empty), for each recognised column."""


@dataclass(frozen=True)
class ParsedTable:
    rows: list[SourceRow]
    columns: dict[str, str]
    """Canonical field -> the header as written in the file (spaces tidied)."""
    unknown_columns: list[str]
    """Headers that matched no field, in file order, each once; the caller warns about them."""
    encoding: str
    """'utf-8', 'utf-8-sig', 'gb18030', or 'xlsx'."""
    repeated_headers: list[int] = field(default_factory=list)
    """Rows that repeat the header (two lists pasted together) and were skipped."""
    sheet: str = ""
    """The .xlsx sheet that was read (the active one), or '' for a text file."""
    sheets: int = 0
    """How many sheets the workbook has (0 for a text file)."""

    def repeated_rows(self) -> list[tuple[int, int]]:
        """(row, the earlier row it repeats cell for cell): a line pasted twice is imported
        twice, which the caller should say."""
        first: dict[tuple[tuple[str, str], ...], int] = {}
        found = []
        for row in self.rows:
            key = tuple(sorted(row.values.items()))
            if key in first:
                found.append((row.row, first[key]))
            else:
                first[key] = row.row
        return found


# ------------------------------------------------------------------------ cleaning
# Control characters that are not whitespace (whitespace ones such as the line breaks of a
# multi-line cell become a space instead), plus the zero-width space and a stray BOM.
_JUNK = re.compile("[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f\u200b\ufeff]")
# A unit or explanation after a header: 数量（册）, ISBN (13 digits). Applied after NFKC,
# which turns full-width brackets into ASCII ones.
_UNIT_NOTE = re.compile(r"\([^()]*\)$")


def clean_cell(value: str) -> str:
    """Drop control characters, fold every run of whitespace (full-width too) to one space.

    Chinese punctuation is kept as it is: no NFKC here.
    """
    if not value:
        return ""
    return " ".join(_JUNK.sub("", value).split())


def header_key(text: str) -> str:
    """What a header is matched on: NFKC, case-folded, no whitespace, no ``*`` marks, no unit."""
    key = "".join(unicodedata.normalize("NFKC", text).casefold().split()).strip("*")
    bare = _UNIT_NOTE.sub("", key).strip("*")
    return bare or key


def _build_lookup() -> dict[str, str]:
    lookup: dict[str, str] = {}
    for field_name, spellings in FIELDS.items():
        for spelling in (field_name, *spellings):
            lookup.setdefault(header_key(spelling), field_name)
    return lookup


_LOOKUP = _build_lookup()


def match_header(text: str) -> str | None:
    """The canonical field a header means, or None."""
    return _LOOKUP.get(header_key(text))


# --------------------------------------------------------------------- the table
Record = tuple[int, Sequence[str], frozenset[int]]
"""A record as read: its row number, its cells, and which cells held an .xlsx date."""


def _limit_field(raw: Sequence[str], row: int, name: str) -> None:
    for cell in raw:
        if len(cell) > MAX_FIELD:
            raise Invalid(M.IMPORT_FIELD_TOO_LONG, path=name, row=row, limit=MAX_FIELD)


def _signature(cells: Sequence[str]) -> tuple[tuple[int, str], ...]:
    """What a header row means, column by column: a field, or the unknown header's key."""
    return tuple(
        (index, match_header(text) or header_key(text)) for index, text in enumerate(cells) if text
    )


def _read_header(cells: list[str], row: int, name: str) -> tuple[
    list[tuple[int, str]], dict[str, str], list[str]
]:  # fmt: skip
    """The positions of the recognised fields, their headers, and the unknown headers."""
    width = max((i + 1 for i, text in enumerate(cells) if text), default=0)
    if width > MAX_COLUMNS:
        raise Invalid(
            M.IMPORT_TOO_MANY_COLUMNS, path=name, row=row, n=f"{width:,}", limit=f"{MAX_COLUMNS:,}"
        )
    positions: list[tuple[int, str]] = []
    columns: dict[str, str] = {}
    unknown: dict[str, None] = {}  # a dict keeps file order and finds repeats in O(1)
    for index, text in enumerate(cells[:width]):
        if not text:
            continue
        field_name = match_header(text)
        if field_name is None:
            unknown.setdefault(text)
        elif field_name in columns:
            raise Invalid(
                M.IMPORT_DUPLICATE_COLUMN,
                path=name,
                first=columns[field_name],
                second=text,
                field=field_name,
            )
        else:
            columns[field_name] = text
            positions.append((index, field_name))
    if "title" not in columns:
        found = [text if len(text) <= 30 else text[:29] + "…" for text in cells if text]
        if len(found) > 12:
            found = [*found[:12], "…"]
        raise Invalid(
            M.IMPORT_NO_TITLE,
            path=name,
            row=row,
            accepted=" / ".join(FIELDS["title"]),
            found=" / ".join(found),
        )
    return positions, columns, list(unknown)


def _assemble(
    records: Iterable[Record], encoding: str, name: str, *, sheet: str = "", sheets: int = 0
) -> ParsedTable:
    """Header from the first non-blank record, then one SourceRow per non-blank record.

    A later record that repeats the header (two lists pasted together) is skipped when it
    means the same columns, and refused when it does not (its title cell and another cell
    are header words, such as 作者 and 书名): the rows below it would land in the wrong
    fields. A book called "Name" is still a book.
    """
    positions: list[tuple[int, str]] | None = None
    columns: dict[str, str] = {}
    unknown: list[str] = []
    rows: list[SourceRow] = []
    repeated: list[int] = []
    header_row = 0
    header_signature: tuple[tuple[int, str], ...] = ()
    title_index = 0
    for number, raw, dates in records:
        _limit_field(raw, number, name)
        cells = [clean_cell(cell) for cell in raw]
        if not any(cells):
            continue
        if positions is None:
            positions, columns, unknown = _read_header(cells, number, name)
            header_row, header_signature = number, _signature(cells)
            title_index = next(i for i, f in positions if f == "title")
            continue
        width = len(cells)
        title = cells[title_index] if title_index < width else ""
        if title and match_header(title) is not None:
            signature = _signature(cells)
            if signature == header_signature:
                repeated.append(number)
                continue
            meanings = {meaning for _, meaning in signature if meaning in FIELDS}
            if "title" in meanings and len(meanings) > 1:
                raise Invalid(
                    M.IMPORT_SECOND_HEADER, path=name, row=number, cell=title, first=header_row
                )
            # else: a book that happens to be called "Name" or "Author", or whose other
            # cells also name a title ("Book", with "Book" in its note)
        for index, field_name in positions:
            if index in dates and field_name in DATE_REFUSED:
                raise Invalid(
                    M.IMPORT_DATE_CELL,
                    path=name,
                    row=number,
                    column=columns[field_name],
                    value=cells[index],
                )
        if len(rows) >= MAX_ROWS:
            raise Invalid(M.IMPORT_TOO_MANY_ROWS, path=name, limit=f"{MAX_ROWS:,}")
        values = {f: cells[i] if i < width else "" for i, f in positions}
        rows.append(SourceRow(row=number, values=values))
    if positions is None:
        raise Invalid(M.IMPORT_EMPTY_FILE, path=name)
    return ParsedTable(
        rows=rows,
        columns=columns,
        unknown_columns=unknown,
        encoding=encoding,
        repeated_headers=repeated,
        sheet=sheet,
        sheets=sheets,
    )


# ----------------------------------------------------------------------------- CSV
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", "\t", ";")


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


@dataclass(frozen=True)
class _Mixed:
    """A text file in two encodings: the first line of the odd one out."""

    line: int
    odd: str
    main: str


_LINE_BREAK = re.compile(rb"\r\n|\r|\n")  # the lines io.StringIO(newline="") yields


def _utf8_line(line: bytes) -> bool | None:
    """Whether a line is UTF-8 (True) or not (False); None when it cannot tell: ASCII, or
    valid UTF-8 that reads as Latin or Cyrillic letters, as short GBK text often does
    (路遥 in GBK bytes is valid UTF-8 for "·ң"), where UTF-8 Chinese reads as
    Chinese."""
    if line.isascii():
        return None
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError:
        return False
    if all(ord(ch) < 0x80 or ord(ch) >= 0x2000 for ch in text):
        return True
    return None


def _mixed(payload: bytes) -> _Mixed | None:
    """A GB18030/GBK file with UTF-8 lines in it (or the other way round): two files
    pasted together. Decoding it as one would turn one part into mojibake.

    A line break byte never occurs inside a UTF-8 or GB18030 character, so the lines can
    be split before decoding.
    """
    utf8: list[int] = []
    other: list[int] = []
    for number, line in enumerate(_LINE_BREAK.split(payload), 1):
        kind = _utf8_line(line)
        if kind is not None:
            (utf8 if kind else other).append(number)
    if not utf8 or not other:
        return None
    if len(utf8) <= len(other):
        return _Mixed(utf8[0], "UTF-8", "GBK")
    return _Mixed(other[0], "GBK", "UTF-8")


def _decode(payload: bytes, name: str) -> tuple[str, str, _Mixed | None]:
    if payload.startswith(_ZIP_MAGIC):
        raise Invalid(M.IMPORT_LOOKS_LIKE_XLSX, path=name)
    if payload.startswith(_OLE2_MAGIC):
        raise Invalid(M.IMPORT_OLD_EXCEL, path=name)
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Invalid(M.IMPORT_UTF16, path=name)
    if payload.startswith(b"\xef\xbb\xbf"):
        try:
            return payload[3:].decode("utf-8"), "utf-8-sig", None
        except UnicodeDecodeError as err:
            # a UTF-8 file (it says so) with a GBK part pasted in
            body = payload[3:]
            line = len(_LINE_BREAK.findall(body, 0, err.start)) + 1
            lines = _LINE_BREAK.split(body)
            try:
                lines[line - 1].decode("gb18030")
            except UnicodeDecodeError:
                raise Invalid(M.IMPORT_BAD_ENCODING, path=name) from None
            if not any(_utf8_line(other) for other in lines):  # GBK all through
                raise Invalid(M.IMPORT_BAD_ENCODING, path=name) from None
            return body.decode("utf-8", "replace"), "utf-8-sig", _Mixed(line, "GBK", "UTF-8")
    try:
        return payload.decode("utf-8"), "utf-8", None
    except UnicodeDecodeError:
        pass
    try:
        text = payload.decode("gb18030")
    except UnicodeDecodeError:
        raise Invalid(M.IMPORT_BAD_ENCODING, path=name) from None
    return text, "gb18030", _mixed(payload)


def _first_record(text: str, delimiter: str) -> list[str]:
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if any(clean_cell(cell) for cell in cells[: MAX_COLUMNS + 1]):
            return cells[: MAX_COLUMNS + 1]
    return []


def _sniff(text: str) -> str:
    """The delimiter under which the header row names the most known fields; comma on a tie."""
    best, best_score = ",", -1
    for delimiter in _DELIMITERS:
        try:
            header = _first_record(text, delimiter)
        except csv.Error:
            continue
        score = len({match_header(cell) for cell in header} - {None})
        if score > best_score:
            best, best_score = delimiter, score
    return best


_CELL_BREAK = re.compile(r"\r\n|\r|\n")


def _swallowed(cells: Sequence[str], delimiter: str, width: int) -> int:
    """The lines of a cell that took in the rows below it (a quote mark left open), or 0.

    A cell may hold line breaks (a note typed with Alt+Enter), but not lines that look
    like records of the file: two of them holding the delimiter, one holding as many
    delimiters as a record (two at least), or more than :data:`MAX_CELL_LINES` lines.
    """
    needed = max(2, width - 1)
    for cell in cells:
        lines = _CELL_BREAK.split(cell)
        if len(lines) < 2:
            continue
        with_delimiter = [line.count(delimiter) for line in lines[1:] if delimiter in line]
        if (
            len(with_delimiter) >= 2
            or any(n >= needed for n in with_delimiter)
            or len(lines) > MAX_CELL_LINES
        ):
            return len(lines)
    return 0


def _csv_records(text: str, delimiter: str, name: str, mixed: _Mixed | None) -> Iterator[Record]:
    """Each record with its spreadsheet row: csv counts a blank line as an (empty) record,
    as Excel shows a blank row, and a quoted cell over several lines as one record."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    consumed = 0
    number = 0
    width = 0
    no_dates: frozenset[int] = frozenset()
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise Invalid(M.IMPORT_BAD_CSV, path=name, row=number + 1, reason=str(err)) from None
        number += 1
        first, last = consumed + 1, reader.line_num
        consumed = reader.line_num
        if mixed is not None and first <= mixed.line <= last:
            raise Invalid(
                M.IMPORT_MIXED_ENCODING, path=name, row=number, odd=mixed.odd, main=mixed.main
            )
        if last > first:
            lines = _swallowed(cells, delimiter, width)
            if lines:
                raise Invalid(M.IMPORT_UNCLOSED_QUOTE, path=name, row=number, lines=lines)
        if not width and any(cells):
            width = len(cells)
        yield number, cells, no_dates


def parse_csv_bytes(payload: bytes, *, source: str | Path = "<CSV>") -> ParsedTable:
    """Parse CSV/TSV bytes in UTF-8 (BOM or not) or GB18030/GBK; ``source`` names it in errors."""
    name = str(source)
    if len(payload) > MAX_BYTES:
        raise Invalid(
            M.IMPORT_TOO_BIG, path=name, size=_size_text(len(payload)), limit=MAX_BYTES // 2**20
        )
    text, encoding, mixed = _decode(payload, name)
    # csv refuses fields over its process-wide limit (128 KiB by default) with its own
    # error; lift it for this parse so that our MAX_FIELD check speaks instead.
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        return _assemble(_csv_records(text, _sniff(text), name, mixed), encoding, name)
    finally:
        csv.field_size_limit(old_limit)


# ---------------------------------------------------------------------------- files
def _check_file(path: Path) -> int:
    """The size of a readable regular file, or a LouError naming it."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise NotFound(M.IMPORT_FILE_MISSING, path=str(path)) from None
    except OSError as err:
        raise Invalid(M.IMPORT_UNREADABLE, path=str(path), reason=err.strerror or err) from None
    if not stat.S_ISREG(info.st_mode):
        raise Invalid(M.IMPORT_NOT_A_FILE, path=str(path))
    if info.st_size > MAX_BYTES:
        raise Invalid(
            M.IMPORT_TOO_BIG,
            path=str(path),
            size=_size_text(info.st_size),
            limit=MAX_BYTES // 2**20,
        )
    return info.st_size


def _read_bytes(path: Path) -> bytes:
    _check_file(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise NotFound(M.IMPORT_FILE_MISSING, path=str(path)) from None
    except OSError as err:
        raise Invalid(M.IMPORT_UNREADABLE, path=str(path), reason=err.strerror or err) from None


def read_table(path: Path) -> ParsedTable:
    """Read a .csv/.tsv/.txt or .xlsx file by its suffix."""
    suffix = path.suffix.lower()
    if suffix in CSV_SUFFIXES:
        return parse_csv_bytes(_read_bytes(path), source=path)
    if suffix in XLSX_SUFFIXES:
        return parse_xlsx(path)
    raise Invalid(M.IMPORT_BAD_SUFFIX, path=str(path))


# ---------------------------------------------------------------------------- xlsx
def cell_text(value: object) -> str:
    """An .xlsx cell value as the text a person sees: whole numbers without ``.0``."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return _number_text(value)
    if isinstance(value, date | time):  # datetime is a date
        return _moment_text(value)
    return str(value)  # int, timedelta, anything else: as Python writes it


def _number_text(value: float) -> str:
    if not math.isfinite(value):
        return str(value)
    if value.is_integer():
        return str(int(value))
    try:
        return format(Decimal(repr(value)), "f")  # 1e-05 -> 0.00001, never 1e-05
    except InvalidOperation:  # pragma: no cover - repr of a finite float always parses
        return repr(value)


def _moment_text(value: date | time) -> str:
    """A date, a time, or a date and time; a datetime at midnight is its date."""
    if isinstance(value, datetime):
        if value.time() == time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    return value.isoformat()


def _failure(err: BaseException) -> str:
    text = str(err).strip()
    return f"{type(err).__name__}: {text}" if text else type(err).__name__


def _check_archive(path: Path) -> None:
    name = str(path)
    try:
        with path.open("rb") as handle:
            magic = handle.read(len(_OLE2_MAGIC))
    except OSError as err:
        raise Invalid(M.IMPORT_UNREADABLE, path=name, reason=err.strerror or err) from None
    if magic == _OLE2_MAGIC:
        raise Invalid(M.IMPORT_OLD_EXCEL, path=name)
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError) as err:
        raise Invalid(M.IMPORT_BAD_XLSX, path=name, reason=_failure(err)) from None
    except OSError as err:
        raise Invalid(M.IMPORT_UNREADABLE, path=name, reason=err.strerror or err) from None
    if unpacked > MAX_UNPACKED_BYTES:
        raise Invalid(M.IMPORT_XLSX_TOO_BIG, path=name, limit=MAX_UNPACKED_BYTES // 2**20)


_MERGE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref=\""
    rb"([A-Z]{1,3})([0-9]{1,7}):([A-Z]{1,3})([0-9]{1,7})\""
)


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def _merged_ranges(path: Path, part: str) -> list[tuple[int, int, int, int]]:
    """The merged ranges of a sheet that span rows: (first row, last row, first column,
    last column), 1-based. Read-only openpyxl does not report merges, so the sheet's XML
    is scanned for them, in chunks (the part may be large)."""
    found: list[tuple[int, int, int, int]] = []
    tail = b""
    with zipfile.ZipFile(path) as archive, archive.open(part) as source:
        while chunk := source.read(1 << 20):
            data = tail + chunk
            end = 0
            for match in _MERGE.finditer(data):
                c1, r1, c2, r2 = match.groups()
                top, bottom = sorted((int(r1), int(r2)))
                left, right = sorted((_column_number(c1), _column_number(c2)))
                if bottom > top:
                    found.append((top, bottom, left, right))
                end = match.end()
            tail = data[max(end, len(data) - 200) :]
    return found


def _filled_down(
    rows: Iterable[tuple[int, Sequence[object]]], merges: list[tuple[int, int, int, int]]
) -> Iterator[tuple[int, list[object]]]:
    """Rows with each merged range's top cells copied into the cells below them: a box
    cell merged over three rows means the same box for all three (as the eye reads it)."""
    starting: dict[int, list[tuple[int, int, int]]] = {}
    for top, bottom, left, right in merges:
        starting.setdefault(top, []).append((bottom, left, right))
    active: list[tuple[int, int, object]] = []  # (last row, column, value)
    for number, values in rows:
        cells = list(values)
        if active:
            active = [fill for fill in active if fill[0] >= number]
            for _, column, value in active:
                if column <= len(cells) and cells[column - 1] is None:
                    cells[column - 1] = value
        for bottom, left, right in starting.get(number, ()):
            for column in range(left, min(right, len(cells)) + 1):
                if cells[column - 1] is not None:
                    active.append((bottom, column, cells[column - 1]))
        yield number, cells


_DATE_TYPES = (datetime, date, time, timedelta)


def _sheet_records(sheet: object, merges: list[tuple[int, int, int, int]]) -> Iterator[Record]:
    """The sheet's rows, read up to the width of its header row (the first non-blank one):
    cells beyond it belong to no column, and a stray cell far to the right must not make
    every row that wide."""
    iter_rows = sheet.iter_rows  # type: ignore[attr-defined]
    header = 0
    width = 0
    for number, values in enumerate(iter_rows(min_row=1, values_only=True), 1):
        cells = [cell_text(value) for value in values]
        if any(clean_cell(cell) for cell in cells):
            header = number
            width = max(i + 1 for i, cell in enumerate(cells) if clean_cell(cell))
            dates = frozenset(i for i, v in enumerate(values) if isinstance(v, _DATE_TYPES))
            yield number, cells, dates
            break
    if not header:
        return
    width = min(width, MAX_COLUMNS)  # a wider header is refused as soon as it is read
    below = enumerate(iter_rows(min_row=header + 1, max_col=width, values_only=True), header + 1)
    for number, values in _filled_down(below, [m for m in merges if m[1] > header]):
        dates = frozenset(i for i, v in enumerate(values) if isinstance(v, _DATE_TYPES))
        yield number, [cell_text(value) for value in values], dates


def parse_xlsx(path: Path) -> ParsedTable:
    """Read the active sheet of an .xlsx workbook (the one Excel/WPS opens on; the first
    sheet if the active one is a chart); a row's number is its sheet row number."""
    name = str(path)
    _check_file(path)
    _check_archive(path)
    from openpyxl import load_workbook

    # openpyxl warns (on stderr) about styles and extensions it skips; none matter here.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            workbook = load_workbook(path, read_only=True, data_only=True)
        except Exception as err:  # any parser failure on a damaged file
            raise Invalid(M.IMPORT_BAD_XLSX, path=name, reason=_failure(err)) from None
        try:
            sheets = list(workbook.worksheets)
            if not sheets:
                raise Invalid(M.IMPORT_EMPTY_FILE, path=name)
            active = workbook.active
            sheet = active if active in sheets else sheets[0]
            # Read-only mode trusts the size the writer recorded, which some tools get
            # wrong (cutting rows off); read every row instead.
            reset = getattr(sheet, "reset_dimensions", None)
            if callable(reset):
                reset()
            part = getattr(sheet, "_worksheet_path", None)
            merges = _merged_ranges(path, part) if isinstance(part, str) else []
            return _assemble(
                _sheet_records(sheet, merges),
                "xlsx",
                name,
                sheet=str(sheet.title),
                sheets=len(sheets),
            )
        except LouError:
            raise
        except Exception as err:  # the sheet XML is parsed lazily, row by row
            raise Invalid(M.IMPORT_BAD_XLSX, path=name, reason=_failure(err)) from None
        finally:
            workbook.close()
