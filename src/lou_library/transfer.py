"""Catalogue files in and out: import is all or nothing, export comes back as the same books.

Reading a file (encodings, headers, xlsx) is :mod:`lou_library.importing`'s job; here each
row is checked against the catalogue's rules and the DB (boxes, capacity). One bad row
stops the whole import, and the error lists every bad row with its spreadsheet row number.

An export is a real round trip: a row whose Code names a copy updates that copy (title,
author, ISBN, category, audience, condition, donor, note); a row without a code is a new
copy; a code the catalogue does not have is an error. Status, Box, Site, Source and Added
are set by other commands (``book withdraw``, ``book found``, ``book edit --box``...), so an
import only checks them: unchanged they are read past, changed they are refused with the
command to use. Last box is history and is read past. Importing an unchanged export changes
nothing and writes nothing.

Every import that writes keeps a small record (a content hash, the date, the file name and
the counts) so that the same content imported again is refused unless ``--again``: an
import of new books run twice would otherwise double them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NoReturn

import orjson

from lou_library import clock, i18n
from lou_library import messages as M
from lou_library.catalogue import (
    AUDIENCES,
    CONDITIONS,
    ON_SHELF,
    STATUSES,
    BookSpec,
    all_boxes,
    book_row,
    categories,
    check_choice,
    check_room,
    check_spec,
    code_order,
    create_books,
    isbn13,
    normalise_isbn,
    resolve_category,
    same_isbn,
    site_of,
    update_books,
    zero_restored,
)
from lou_library.errors import Conflict, Invalid, LouError
from lou_library.i18n import Msg
from lou_library.importing import ParsedTable, clean_cell
from lou_library.network import DEPOT, DEPOT_NAME, box_counts
from lou_library.records import BOOKS, SITES, Doc, normalise_code
from lou_library.repository import Key, Repository
from lou_library.schema import Audience, Book, BookStatus, Condition, Source, vocabulary_of
from lou_library.text import clean, fold, require

MAX_DETAILS = 50
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

LARGE_IMPORT = 10_000
"""New books one import may add without ``--large`` (the demo network has 3,109)."""
MAX_IMPORT_BOOKS = 200_000
"""New books one import may add at all."""
SOURCES = vocabulary_of(Source)
IMPORTS = "imports"
"""The table of import records."""
IMPORT_RECORDS_KEPT = 1_000
"""Import records kept (about 150 bytes each); the oldest go first."""


@dataclass
class BookUpdate:
    code: str
    title: str
    changes: Doc
    row: int


@dataclass
class ImportPlan:
    specs: list[BookSpec]
    books: int
    by_box: Counter[str] = field(default_factory=Counter)
    by_category: Counter[str] = field(default_factory=Counter)
    ignored_columns: list[str] = field(default_factory=list)
    encoding: str = ""
    updates: list[BookUpdate] = field(default_factory=list)
    unchanged: int = 0
    rows: int = 0
    new_rows: int = 0
    digest: str = ""

    @property
    def changes_nothing(self) -> bool:
        return not self.specs and not self.updates


def unneutralise(value: str) -> str:
    """Undo the apostrophe our export puts before a formula-like cell."""
    if len(value) > 1 and value[0] == "'" and value[1] in "=+-@":
        return value[1:]
    return value


def masked(donor: str) -> bool:
    """``***``, ``王**``: a name hidden by an export or a report, never a name to store."""
    return "*" in donor or "＊" in donor


# ----------------------------------------------------------------- repeats and size


def content_digest(table: ParsedTable) -> str:
    """What "the same file" means: the same fields and the same rows, whatever the
    encoding, the column order, blank rows or the format (CSV or xlsx)."""
    fields = sorted(table.columns)
    payload = orjson.dumps([fields, [[r.values[f] for f in fields] for r in table.rows]])
    return hashlib.sha256(payload).hexdigest()[:32]


def earlier_import(db: Repository, digest: str) -> Doc | None:
    for _, record in db.entries(IMPORTS):
        if record.get("sha256") == digest:
            return record
    return None


def refuse_repeat(db: Repository, plan: ImportPlan, file: str) -> None:
    """The same content was imported before: refuse, naming when (unless ``--again``)."""
    record = earlier_import(db, plan.digest)
    if record is not None:
        raise Conflict(
            M.IMPORT_ALREADY,
            file=file,
            date=record.get("on", "?"),
            rows=record.get("rows", "?"),
            books=record.get("books", "?"),
            updated=record.get("updated", "?"),
        )


def remember_import(db: Repository, plan: ImportPlan, file: str) -> None:
    """Keep a compact record of an import that wrote something; the oldest go beyond
    :data:`IMPORT_RECORDS_KEPT`."""
    record = {
        "sha256": plan.digest,
        "on": clock.stamp()[:10],
        "file": clean_cell(file)[-100:],
        "rows": plan.rows,
        "books": plan.books,
        "updated": len(plan.updates),
    }
    db.add(IMPORTS, [record])
    if db.count(IMPORTS) > IMPORT_RECORDS_KEPT:
        # the repository cannot drop a log's oldest entries: keep the newest, renumbered
        kept = [dict(e) for _, e in db.entries(IMPORTS)][-IMPORT_RECORDS_KEPT:]
        db.truncate(IMPORTS, 0)
        db.add(IMPORTS, kept)


def _copies(text: str) -> int:
    """A copies cell: digits (full-width ones too, as a Chinese keyboard types them)."""
    copies_text = unicodedata.normalize("NFKC", text).strip()
    if copies_text and not re.fullmatch(r"[0-9]{1,6}(\.0*)?", copies_text):
        raise Invalid(M.BAD_COPIES, value=copies_text, limit=1000)
    return int(float(copies_text)) if copies_text else 1


def check_size(table: ParsedTable, large: bool) -> None:
    """Refuse an absurd number of new books before any work (and before the lock): more
    than :data:`LARGE_IMPORT` needs ``--large``, more than :data:`MAX_IMPORT_BOOKS` never."""
    total = 0
    for row in table.rows:
        if row.values.get("code"):
            continue
        try:
            total += _copies(row.values.get("copies", ""))
        except LouError:
            continue  # reported with its row by the plan
    if total > MAX_IMPORT_BOOKS:
        raise Invalid(M.IMPORT_TOO_LARGE, n=f"{total:,}", limit=f"{MAX_IMPORT_BOOKS:,}")
    if total > LARGE_IMPORT and not large:
        raise Invalid(M.IMPORT_LARGE, n=f"{total:,}", limit=f"{LARGE_IMPORT:,}")


# -------------------------------------------------------------------- the columns


def _choice_key(value: str, names: dict[str, Msg], keys: tuple[str, ...], column: str) -> str:
    """A status or source as written: its key, or its name in either language."""
    wanted = fold(value)
    for key in keys:
        msg = names[key]
        if wanted in (key, fold(key.replace("_", " ")), fold(msg.zh), fold(msg.en)):
            return key
    raise Invalid(
        M.IMPORT_BAD_VALUE,
        column=column,
        value=value,
        choices=", ".join(f"{names[k].zh} / {names[k].en}" for k in keys),
    )


_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T].*)?$")


def _same_date(written: str, recorded: str) -> bool:
    """Excel re-saves 2026-11-24 as 2026/11/24 (or 2026年11月24日): the same date."""
    if written == recorded:
        return True
    match = _DATE.match(written)
    if not match:
        return False
    try:
        return date(*map(int, match.groups())).isoformat() == recorded
    except ValueError:
        return False


_SCIENTIFIC = re.compile(r"^([0-9])(?:\.([0-9]+))?E\+?([0-9]{1,2})$", re.IGNORECASE)


def _excel_shortened(value: str, recorded: str) -> bool | None:
    """An ISBN Excel saved as ``9.78751E+12``: None if the cell is not in that form, else
    whether it is the recorded ISBN as Excel shows it (then the row leaves it unchanged)."""
    match = _SCIENTIFIC.match(value.strip())
    if not match:
        return None
    if not recorded.isdigit():
        return False
    digits = len(match[1]) + len(match[2] or "")
    return f"{int(recorded):.{digits - 1}e}" == f"{float(value):.{digits - 1}e}"


_DEPOT_WORDS = frozenset({"", DEPOT, DEPOT_NAME, normalise_code(M.DEPOT_NAME.en)})


def _box_cell(value: str) -> str | None:
    """A box as written, or None for the depot (empty, DEPOT, 社区图书室)."""
    code = normalise_code(value)
    return None if code in _DEPOT_WORDS else code


def _place_name(box: str | None) -> str:
    return box or M.DEPOT_NAME()


@dataclass
class _Context:
    known: dict[str, tuple[str, str]]
    boxes: dict[str, Doc]
    columns: dict[str, str]
    site_names: dict[str, str] = field(default_factory=dict)  # folded name -> code
    seen: dict[tuple[str, str], str] = field(default_factory=dict)
    """Values already resolved (a catalogue repeats a handful of categories 100,000 times)."""

    def resolve(self, kind: str, value: str, how: Callable[[str], str]) -> str:
        found = self.seen.get((kind, value))
        if found is None:
            found = self.seen[kind, value] = how(value)  # an error is raised every time
        return found

    def status(self, value: str) -> str:
        column = self.columns["status"]
        return self.resolve(
            "status", value, lambda v: _choice_key(v, M.STATUS_NAMES, STATUSES, column)
        )

    def source(self, value: str) -> str:
        column = self.columns["source"]
        return self.resolve(
            "source", value, lambda v: _choice_key(v, M.SOURCE_NAMES, SOURCES, column)
        )


def _status_command(code: str, now: str, wanted: str) -> str:
    """The command that makes the change a file asks for."""
    if wanted == BookStatus.withdrawn:
        return f"lou book withdraw {code}"
    if wanted in ON_SHELF and now not in ON_SHELF:
        return f"lou book found {code}" + (" --box BOX" if wanted == BookStatus.in_box else "")
    if wanted == BookStatus.in_box:
        return f"lou book edit {code} --box BOX"
    if wanted == BookStatus.in_depot:
        return f"lou book edit {code} --to-depot"
    return "lou task done TASK --missing " + code  # not seen or lost: reported by a volunteer


def _check_fixed(values: dict[str, str], doc: Doc, ctx: _Context) -> None:
    """Status, box, site, source and added of an existing copy: unchanged, or refused."""
    code = doc["code"]
    status = values.get("status", "")
    if status:
        key = ctx.status(status)
        if key != doc["status"]:
            now = M.STATUS_NAMES[doc["status"]]()
            raise Conflict(
                M.IMPORT_STATUS_CHANGE,
                code=code,
                now=now,
                value=status,
                command=_status_command(code, doc["status"], key),
            )
    if "box" in values:
        wanted = _box_cell(values["box"])
        current = doc.get("box")
        # a copy off the shelf has no box: an export may show its last place instead
        if wanted != current and not (current is None and doc["status"] not in ON_SHELF):
            raise Conflict(
                M.IMPORT_PLACE_CHANGE,
                code=code,
                now=_place_name(current),
                value=_place_name(wanted),
            )
    site = values.get("site", "")
    if site:
        expected = site_of(ctx.boxes, doc.get("box")) or (
            DEPOT if doc["status"] == BookStatus.in_depot else None
        )
        wanted_site = DEPOT if _box_cell(site) is None else normalise_code(site)
        wanted_site = ctx.site_names.get(fold(site), wanted_site)  # 尚和园 is SHY
        if expected is not None and wanted_site != expected:
            raise Conflict(M.IMPORT_PLACE_CHANGE, code=code, now=expected, value=site)
    source = values.get("source", "")
    if source:
        key = ctx.source(source)
        if key != doc.get("source", Source.stock):
            now = M.SOURCE_NAMES[doc.get("source", Source.stock)]()
            column = ctx.columns["source"]
            raise Conflict(M.IMPORT_FIXED_CHANGE, code=code, column=column, now=now, value=source)
    added = values.get("added_on", "")
    if added and not _same_date(added, doc.get("added_on", "")):
        raise Conflict(
            M.IMPORT_FIXED_CHANGE,
            code=code,
            column=ctx.columns["added_on"],
            now=doc.get("added_on", ""),
            value=added,
        )


def _isbn_of(cell: str, recorded: str) -> str | None:
    """The ISBN a row gives a copy on record, or None when the cell is the recorded one as
    Excel shows it (``9.78751E+12``); a number Excel shortened from another is refused."""
    shortened = _excel_shortened(cell, isbn13(recorded))
    if shortened is False:
        raise Invalid(M.IMPORT_ISBN_MANGLED, value=cell)
    if shortened:
        return None
    isbn = normalise_isbn(zero_restored(cell))
    # the export writes ISBN-13: the ISBN-10 on record is the same book
    return recorded if isbn and same_isbn(isbn, recorded) else isbn


def _update_of(values: dict[str, str], doc: Doc, ctx: _Context) -> Doc:
    """The fields of an existing copy that the row changes (validated)."""
    copies = values.get("copies", "").strip()
    if copies and _copies(copies) != 1:
        raise Invalid(M.IMPORT_CODE_COPIES, value=copies)
    _check_fixed(values, doc, ctx)
    wanted: Doc = {}
    if "title" in values:
        wanted["title"] = require(values["title"], M.FIELD_TITLE())
    if "author" in values:
        wanted["author"] = values["author"]  # cells arrive cleaned (importing.clean_cell)
    if "isbn" in values:
        isbn = _isbn_of(values["isbn"], doc.get("isbn", ""))
        if isbn is not None:
            wanted["isbn"] = isbn
    choices: tuple[tuple[str, Callable[[str], str]], ...] = (
        ("category", lambda v: resolve_category(ctx.known, v)),
        ("audience", lambda v: check_choice(v, AUDIENCES, M.COL_AUDIENCE(), "")),
        ("condition", lambda v: check_choice(v, CONDITIONS, M.COL_CONDITION(), "")),
    )
    for key, how in choices:
        if values.get(key):
            wanted[key] = ctx.resolve(key, values[key], how)
    if "donor" in values and not masked(values["donor"]):
        wanted["donor"] = values["donor"]
    if "note" in values:
        wanted["note"] = values["note"]
    defaults = {"audience": Audience.general, "condition": Condition.good}
    changes: Doc = {}
    for key, value in wanted.items():
        recorded = doc.get(key, defaults.get(key, ""))
        # a cell is read with its control characters dropped and spaces folded
        if value != recorded and value != clean_cell(str(recorded)):
            changes[key] = value
    return changes


def _new_copy(values: dict[str, str], ctx: _Context) -> BookSpec:
    """A row without a code: a new copy, checked as ``book add`` checks one."""
    if _excel_shortened(values.get("isbn", ""), "") is not None:
        raise Invalid(M.IMPORT_ISBN_MANGLED, value=values["isbn"])
    donor = values.get("donor", "")
    hidden = masked(donor)
    spec = check_spec(
        ctx.known,
        ctx.boxes,
        title=values.get("title"),
        author=values.get("author"),
        isbn=zero_restored(values.get("isbn", "")),
        category=values.get("category"),
        audience=values.get("audience"),
        condition=values.get("condition"),
        box=values.get("box"),
        copies=_copies(values.get("copies", "")),
        source=Source.donation if clean(donor) else Source.stock,
        donor=None if hidden else donor,
        note=values.get("note"),
    )
    source = values.get("source", "")
    if source:
        spec.source = Source(ctx.source(source))
    status = values.get("status", "")
    if status:
        key = ctx.status(status)
        if key not in ON_SHELF:
            raise Invalid(M.IMPORT_NEW_STATUS, value=status)
    site = values.get("site", "")
    if site:
        expected = ctx.boxes[spec.box]["site"] if spec.box else DEPOT
        wanted_site = DEPOT if _box_cell(site) is None else normalise_code(site)
        if wanted_site != expected:
            raise Invalid(M.IMPORT_NEW_SITE, value=site, box=_place_name(spec.box), site=expected)
    return spec


# ------------------------------------------------------------------------- the plan


def _update_row(
    values: dict[str, str],
    row: int,
    books: Mapping[Key, Doc],
    seen: dict[str, int],
    ctx: _Context,
) -> BookUpdate | None:
    """A row with a code: what it changes in that copy on record (None: nothing)."""
    code = normalise_code(values["code"])
    if code not in books:
        raise Invalid(M.IMPORT_UNKNOWN_CODE, code=values["code"])
    if code in seen:
        raise Invalid(M.IMPORT_CODE_TWICE, code=code, other=seen[code])
    seen[code] = row
    doc = books[code]
    changes = _update_of(values, doc, ctx)
    return BookUpdate(code, doc["title"], changes, row) if changes else None


def _reject(problems: list[str]) -> NoReturn:
    """One error listing the bad rows (the first ``MAX_DETAILS`` of them)."""
    shown = problems[:MAX_DETAILS]
    if len(problems) > MAX_DETAILS:
        shown.append(M.AND_MORE(n=len(problems) - MAX_DETAILS))
    raise Invalid(M.IMPORT_REJECTED, details=shown, n=len(problems))


def plan_import(db: Repository, table: ParsedTable) -> ImportPlan:
    """Check every row; raise one error listing all bad rows, or return what would change."""
    site_names = {fold(d["name"]): d["code"] for d in db.all(SITES) if d.get("name")}
    ctx = _Context(categories(db), all_boxes(db), table.columns, site_names)
    named = (r.values.get("code", "") for r in table.rows)
    books = db.get_many(BOOKS, {normalise_code(unneutralise(c)) for c in named if c})
    specs: list[BookSpec] = []
    updates: list[BookUpdate] = []
    unchanged = 0
    seen: dict[str, int] = {}
    problems: list[str] = []
    for row in table.rows:
        values = {k: unneutralise(v) for k, v in row.values.items()}
        try:
            if not values.get("code", ""):
                specs.append(_new_copy(values, ctx))
            elif update := _update_row(values, row.row, books, seen, ctx):
                updates.append(update)
            else:
                unchanged += 1
        except LouError as err:
            problems.append(M.IMPORT_ROW_PROBLEM(row=row.row, reason=str(err)))
    try:  # capacity is checked on the good rows too, so one run lists every problem
        check_room(ctx.boxes, box_counts(db), specs, line=M.IMPORT_OVER_CAPACITY_LINE)
    except LouError as err:
        problems.extend(err.details)
    if not table.rows and not problems:
        raise Invalid(M.IMPORT_EMPTY)
    if problems:
        _reject(problems)
    plan = ImportPlan(
        specs=specs,
        books=sum(s.copies for s in specs),
        encoding=table.encoding,
        updates=updates,
        unchanged=unchanged,
        rows=len(table.rows),
        new_rows=len(specs),
        digest=content_digest(table),
    )
    for spec in specs:
        plan.by_box[spec.box or "DEPOT"] += spec.copies
        plan.by_category[spec.category] += spec.copies
    plan.ignored_columns = list(table.unknown_columns)
    return plan


def apply_import(db: Repository, plan: ImportPlan, file: str) -> list[Book]:
    """Update the copies the file changes, create the new ones, remember the import."""
    update_books(db, {u.code: u.changes for u in plan.updates}, "book import")
    created = create_books(db, plan.specs, "book import") if plan.specs else []
    remember_import(db, plan, file)
    return created


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


def export_books(db: Repository, path: Path, show_contact: bool = False) -> int:
    """Write every book to ``path`` (.csv as UTF-8 with BOM, or .json); return the count.
    The books are read in code order a batch at a time and written as pieces (a county's
    1,000,000 copies are never all in memory)."""
    from lou_library.store import atomic_write_bytes

    suffix = path.suffix.lower()
    if suffix not in (".csv", ".json"):
        raise Invalid(M.EXPORT_KIND, path=path)
    boxes = all_boxes(db)
    added = [str(code) for code in db.keys(BOOKS)]
    codes = sorted(added, key=code_order)
    batches = (
        [book_row(doc, boxes, show_contact) for doc in batch]
        for batch in (_scanned(db) if codes == added else _in_order(db, codes))
    )
    if suffix == ".json":
        pieces = _json_pieces(batches, len(codes))
    else:
        pieces = _csv_pieces(batches, categories(db))
    # donors' names stay readable by their owner only, like reports with contacts
    atomic_write_bytes(path, pieces, private=show_contact)
    return len(codes)


EXPORT_BATCH = 5000  # books an export reads at a time


def _scanned(db: Repository) -> Iterator[list[Doc]]:
    """Every book in the order they were added (their codes' order too), in batches."""
    batch: list[Doc] = []
    for doc in db.scan(BOOKS):
        batch.append(doc)
        if len(batch) == EXPORT_BATCH:
            yield batch
            batch = []
    yield batch


def _in_order(db: Repository, codes: list[str]) -> Iterator[list[Doc]]:
    """The books with these codes, in this order, a batch at a time (keyed queries)."""
    for start in range(0, len(codes), EXPORT_BATCH):
        batch = codes[start : start + EXPORT_BATCH]
        found = db.get_many(BOOKS, batch)
        yield [found[code] for code in batch]


def _json_pieces(batches: Iterable[list[Doc]], total: int) -> Iterator[bytes]:
    """``{"books": [...], "total": N}`` as ``orjson.OPT_INDENT_2`` writes it, in pieces
    made as the file is written."""
    records = (
        b"    " + orjson.dumps(record, option=orjson.OPT_INDENT_2).replace(b"\n", b"\n    ")
        for batch in batches
        for record in (
            {k: isbn13(r[k]) if k == "isbn" else r[k] for k in EXPORT_COLUMNS} for r in batch
        )
    )
    yield b'{\n  "books": ['
    for n, record in enumerate(records):
        yield (b"\n" if n == 0 else b",\n") + record
    yield b"\n  ]" if total else b"]"
    yield b',\n  "total": ' + str(total).encode() + b"\n}"


def _csv_pieces(batches: Iterable[list[Doc]], names: dict[str, tuple[str, str]]) -> Iterator[bytes]:
    """The CSV export (UTF-8 with BOM, Excel's line ends), a piece per batch of books, made
    as the file is written."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow([M.COLUMN_NAMES[k]() for k in EXPORT_COLUMNS])
    for batch in batches:
        for record in batch:
            shown = dict(record)
            zh, en = names.get(record["category"], (record["category"], record["category"]))
            shown["category"] = zh if i18n.current() == "zh" else en
            shown["status"] = M.STATUS_NAMES[record["status"]]()
            shown["audience"] = M.AUDIENCE_NAMES[record["audience"]]()
            shown["condition"] = M.CONDITION_NAMES[record["condition"]]()
            shown["source"] = M.SOURCE_NAMES[record["source"]]()
            shown["isbn"] = isbn13(record["isbn"])
            writer.writerow([neutralise(shown[k]) for k in EXPORT_COLUMNS])
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()
    yield buffer.getvalue().encode("utf-8")
