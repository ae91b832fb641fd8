"""Read the spreadsheet an admin really has into clean rows; nothing about the database.

A catalogue arrives as a CSV saved by Excel or WPS (UTF-8, UTF-8 with a BOM, or GBK /
GB18030 on Chinese Windows), a tab- or semicolon-separated text file, or an ``.xlsx``
workbook. :func:`read_table` turns any of them into a :class:`ParsedTable`: the header row
mapped onto canonical field names (:data:`FIELDS`), and one :class:`SourceRow` per
non-blank record with the line a person would look at to fix it. Checking the values
against the catalogue's rules is :mod:`lou_library.transfer`'s job.

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
from dataclasses import dataclass
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

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx",)

# ---------------------------------------------------------------------- the fields
FIELDS: dict[str, tuple[str, ...]] = {
    "title": ("title", "book title", "书名", "题名", "名称", "图书名称", "图书名", "书籍名称"),
    "author": ("author", "authors", "作者", "著者", "作/译者", "作者/译者", "责任者", "编著者"),
    "isbn": ("isbn", "isbn号", "isbn-13", "isbn13", "书号", "国际标准书号", "标准书号"),
    "category": ("category", "分类", "类别", "图书分类", "图书类别"),
    "copies": ("copies", "quantity", "qty", "数量", "册数", "复本数", "复本", "本数"),
    "box": ("box", "box code", "图书箱", "书箱", "箱号", "图书角", "图书箱编号", "书箱编号"),
    "audience": ("audience", "读者对象", "适读人群", "适读年龄", "适合年龄"),
    "condition": ("condition", "品相", "状况", "新旧程度", "成色"),
    "donor": ("donor", "捐赠人", "捐书人", "捐赠者"),
    "note": ("note", "notes", "remark", "remarks", "备注", "附注"),
}


@dataclass(frozen=True)
class SourceRow:
    """One non-blank record below the header."""

    line: int
    """1-based: the physical line where a CSV record starts, or the sheet row number."""
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
def _limit_field(raw: Sequence[str], line: int, name: str) -> None:
    for cell in raw:
        if len(cell) > MAX_FIELD:
            raise Invalid(M.IMPORT_FIELD_TOO_LONG, path=name, line=line, limit=MAX_FIELD)


def _assemble(
    records: Iterable[tuple[int, Sequence[str]]], encoding: str, name: str
) -> ParsedTable:
    """Header from the first non-blank record, then one SourceRow per non-blank record."""
    positions: list[tuple[int, str]] | None = None
    columns: dict[str, str] = {}
    unknown: list[str] = []
    rows: list[SourceRow] = []
    for line, raw in records:
        _limit_field(raw, line, name)
        cells = [clean_cell(cell) for cell in raw]
        if not any(cells):
            continue
        if positions is None:
            positions = []
            for index, text in enumerate(cells):
                if not text:
                    continue
                field_name = match_header(text)
                if field_name is None:
                    if text not in unknown:
                        unknown.append(text)
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
                    line=line,
                    accepted=" / ".join(FIELDS["title"]),
                    found=" / ".join(found),
                )
            continue
        if len(rows) >= MAX_ROWS:
            raise Invalid(M.IMPORT_TOO_MANY_ROWS, path=name, limit=f"{MAX_ROWS:,}")
        width = len(cells)
        values = {f: cells[i] if i < width else "" for i, f in positions}
        rows.append(SourceRow(line=line, values=values))
    if positions is None:
        raise Invalid(M.IMPORT_EMPTY_FILE, path=name)
    return ParsedTable(rows=rows, columns=columns, unknown_columns=unknown, encoding=encoding)


# ----------------------------------------------------------------------------- CSV
_ZIP_MAGIC = b"PK\x03\x04"
_OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DELIMITERS = (",", "\t", ";")


def _size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f}"


def _decode(payload: bytes, name: str) -> tuple[str, str]:
    if payload.startswith(_ZIP_MAGIC):
        raise Invalid(M.IMPORT_LOOKS_LIKE_XLSX, path=name)
    if payload.startswith(_OLE2_MAGIC):
        raise Invalid(M.IMPORT_OLD_EXCEL, path=name)
    if payload.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise Invalid(M.IMPORT_UTF16, path=name)
    if payload.startswith(b"\xef\xbb\xbf"):
        try:
            return payload[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            raise Invalid(M.IMPORT_BAD_ENCODING, path=name) from None
    try:
        return payload.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return payload.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        raise Invalid(M.IMPORT_BAD_ENCODING, path=name) from None


def _first_record(text: str, delimiter: str) -> list[str]:
    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
        if any(clean_cell(cell) for cell in cells):
            return cells
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


def _csv_records(text: str, delimiter: str, name: str) -> Iterator[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    consumed = 0
    while True:
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as err:
            raise Invalid(M.IMPORT_BAD_CSV, path=name, line=consumed + 1, reason=str(err)) from None
        yield consumed + 1, cells
        consumed = reader.line_num


def parse_csv_bytes(payload: bytes, *, source: str | Path = "<CSV>") -> ParsedTable:
    """Parse CSV/TSV bytes in UTF-8 (BOM or not) or GB18030/GBK; ``source`` names it in errors."""
    name = str(source)
    if len(payload) > MAX_BYTES:
        raise Invalid(
            M.IMPORT_TOO_BIG, path=name, size=_size_text(len(payload)), limit=MAX_BYTES // 2**20
        )
    text, encoding = _decode(payload, name)
    # csv refuses fields over its process-wide limit (128 KiB by default) with its own
    # error; lift it for this parse so that our MAX_FIELD check speaks instead.
    old_limit = csv.field_size_limit()
    csv.field_size_limit(max(old_limit, len(text) + 1))
    try:
        return _assemble(_csv_records(text, _sniff(text), name), encoding, name)
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
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        if value.is_integer():
            return str(int(value))
        try:
            return format(Decimal(repr(value)), "f")  # 1e-05 -> 0.00001, never 1e-05
        except InvalidOperation:  # pragma: no cover - repr of a finite float always parses
            return repr(value)
    if isinstance(value, datetime):
        if value.time() == time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    return str(value)


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


def parse_xlsx(path: Path) -> ParsedTable:
    """Read the first sheet of an .xlsx workbook; ``line`` is the sheet row number."""
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
            sheet = sheets[0]
            # Read-only mode trusts the size the writer recorded, which some tools get
            # wrong (cutting rows off); read every row instead.
            reset = getattr(sheet, "reset_dimensions", None)
            if callable(reset):
                reset()
            records = (
                (number, [cell_text(value) for value in row])
                for number, row in enumerate(sheet.iter_rows(min_row=1, values_only=True), 1)
            )
            return _assemble(records, "xlsx", name)
        except LouError:
            raise
        except Exception as err:  # the sheet XML is parsed lazily, row by row
            raise Invalid(M.IMPORT_BAD_XLSX, path=name, reason=_failure(err)) from None
        finally:
            workbook.close()
