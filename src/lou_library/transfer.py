"""Catalogue files in and out: import is all or nothing, export is safe to open in Excel.

Reading a file (encodings, headers, xlsx) is :mod:`lou_library.importing`'s job; here each
row is checked against the catalogue's rules and the DB (boxes, capacity). One bad row
stops the whole import, and the error lists every bad row with its line number.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import orjson
from tinydb import TinyDB

from lou_library import i18n
from lou_library import messages as M
from lou_library.catalogue import (
    BookSpec,
    book_row,
    boxes_by_code,
    categories,
    check_room,
    check_spec,
    code_order,
    create_books,
)
from lou_library.errors import Invalid, LouError
from lou_library.importing import ParsedTable
from lou_library.network import box_counts
from lou_library.records import BOOKS, Doc, docs

MAX_DETAILS = 50
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Columns our own export writes that an import reads past without a warning.
EXPORT_ONLY = ("code", "status", "site", "source", "added_on", "last_box")


@dataclass
class ImportPlan:
    specs: list[BookSpec]
    books: int
    by_box: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""


def unneutralise(value: str) -> str:
    """Undo the apostrophe our export puts before a formula-like cell."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def plan_import(db: TinyDB, table: ParsedTable) -> ImportPlan:
    """Check every row; raise one error listing all bad rows, or return what would be added."""
    known = categories(db)
    boxes = boxes_by_code(db)
    specs: list[BookSpec] = []
    lines: list[int] = []
    problems: list[str] = []
    for row in table.rows:
        values = {k: unneutralise(v) for k, v in row.values.items()}
        try:
            copies_text = values.get("copies", "").strip()
            if copies_text and not re.fullmatch(r"[0-9]{1,6}(\.0*)?", copies_text):
                raise Invalid(M.BAD_COPIES, value=copies_text, limit=1000)
            copies = int(float(copies_text)) if copies_text else 1
            spec = check_spec(
                known,
                boxes,
                title=values.get("title"),
                author=values.get("author"),
                isbn=values.get("isbn"),
                category=values.get("category"),
                audience=values.get("audience"),
                condition=values.get("condition"),
                box=values.get("box"),
                copies=copies,
                source="donation" if values.get("donor") else "stock",
                donor=values.get("donor"),
                note=values.get("note"),
            )
        except LouError as err:
            problems.append(M.IMPORT_ROW_PROBLEM(line=row.line, reason=str(err)))
            continue
        specs.append(spec)
        lines.append(row.line)
    try:  # capacity is checked on the good rows too, so one run lists every problem
        check_room(boxes, box_counts(db), specs, line=M.IMPORT_OVER_CAPACITY_LINE)
    except LouError as err:
        problems.extend(err.details)
    if not specs and not problems:
        raise Invalid(M.IMPORT_EMPTY)
    if problems:
        shown = problems[:MAX_DETAILS]
        if len(problems) > MAX_DETAILS:
            shown.append(M.AND_MORE(n=len(problems) - MAX_DETAILS))
        raise Invalid(M.IMPORT_REJECTED, details=shown, n=len(problems))
    plan = ImportPlan(specs=specs, books=sum(s.copies for s in specs), encoding=table.encoding)
    for spec in specs:
        plan.by_box[spec.box or "DEPOT"] += spec.copies
        plan.by_category[spec.category] += spec.copies
    export_names = {name for key in EXPORT_ONLY for name in (key, *export_headers_for(key))}
    plan.ignored_columns = [
        c for c in table.unknown_columns if c.strip().lower() not in export_names
    ]
    return plan


def apply_import(db: TinyDB, plan: ImportPlan) -> list[Doc]:
    return create_books(db, plan.specs, "book import")


# --------------------------------------------------------------------------- export

EXPORT_COLUMNS = (
    "code",
    "title",
    "author",
    "isbn",
    "category",
    "status",
    "box",
    "site",
    "last_box",  # where a copy not in a box was last: as `report missing` and its history say
    "audience",
    "condition",
    "source",
    "donor",
    "added_on",
    "note",
)


def export_headers_for(key: str) -> tuple[str, ...]:
    return tuple(msg.text(lang) for msg in (M.COLUMN_NAMES[key],) for lang in ("zh", "en"))


def neutralise(value: object) -> str:
    """A cell that Excel or WPS would run as a formula is written as text."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def export_books(db: TinyDB, path: Path, show_contact: bool = False) -> int:
    """Write every book to ``path`` (.csv as UTF-8 with BOM, or .json); return the count."""
    from lou_library.store import atomic_write_bytes

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise Invalid(M.EXPORT_KIND, path=path)
    boxes = boxes_by_code(db)
    books = sorted(docs(db, BOOKS), key=lambda d: code_order(d["code"]))
    records = [book_row(doc, boxes, show_contact) for doc in books]
    if suffix == ".json":
        payload = orjson.dumps(
            {"books": [{k: r[k] for k in EXPORT_COLUMNS} for r in records], "total": len(records)},
            option=orjson.OPT_INDENT_2,
        )
    else:
        names = categories(db)
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow([M.COLUMN_NAMES[k]() for k in EXPORT_COLUMNS])
        for record in records:
            shown = dict(record)
            zh, en = names.get(record["category"], (record["category"], record["category"]))
            shown["category"] = zh if i18n.current() == "zh" else en
            shown["status"] = M.STATUS_NAMES[record["status"]]()
            shown["audience"] = M.AUDIENCE_NAMES[record["audience"]]()
            shown["condition"] = M.CONDITION_NAMES[record["condition"]]()
            shown["source"] = M.SOURCE_NAMES[record["source"]]()
            writer.writerow([neutralise(shown[k]) for k in EXPORT_COLUMNS])
        payload = ("\ufeff" + buffer.getvalue()).encode("utf-8")
    atomic_write_bytes(path, payload, private=False)
    return len(records)
