"""What is really in a box: ``lou stocktake BOX`` and ``lou task done ID --scan``.

Residents borrow with no registration, so the programme learns what a box holds only when
a volunteer looks. The volunteer reads the codes of the copies in the box, with a USB
barcode scanner (it types a code and Enter), the keyboard, a file, or phone photos of the
labels (:func:`codes_from_photos` decodes our labels' QR codes and books' EAN-13 ISBN
barcodes with zxing-cpp, offline). :func:`reconcile` compares them with what the records
say the box holds, copy by copy:

- **present**: recorded here and read;
- **not seen**: recorded here, not read: it becomes "not seen", as ``task done --missing``
  makes it, and counts as lost after the set number of rounds;
- **found here**: read here, recorded elsewhere (another box, the depot, not seen, lost):
  it moved, it is not lost, so the record follows it here and its history says so;
- **unknown**: no code of ours (a typo, another programme's label): listed, nothing changes;
- **ISBN only**: a book without our label: offered as a new copy of a title the catalogue
  has (a donation, ``lou donate --isbn``), else listed for intake.

A withdrawn copy that turns up is listed too (``book found`` takes it back); a box's code
where a book's was expected is refused with a line of its own.

Each stocktake is kept (the ``stocktakes`` table) with what it changed, so ``lou stocktake
BOX --undo`` puts the books back as they were before it, as long as nothing has changed
them since; the history events it writes and takes back name it (``stocktake N``).
"""

from __future__ import annotations

import csv
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from lou_library import clock
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid, NotFound
from lou_library.network import DEPOT, box_count, get_box, open_tasks_of_current_round
from lou_library.records import BOOKS, BOXES, EVENTS, ROUNDS, event, log, normalise_code
from lou_library.repository import STOCKTAKES, TASKS, Doc, Key, Repository
from lou_library.schema import BookStatus, BoxStatus, EventKind, TaskStatus

COMMAND = "stocktake"
TASK_COMMAND = "task done --scan"
# The fields a stocktake changes on a book, as its undo data keeps them (in this order).
UNDO_FIELDS = ("status", "box", "last_box", "missing_since")
RESULTS = ("present", "not_seen", "found_here", "withdrawn", "unknown", "isbn_only")
# What a CSV file's header cell may say above the codes (skipped when found first).
HEADER_WORDS = frozenset({"CODE", "CODES", "BARCODE", "编号", "图书编号", "条码", "ISBN"})


# ------------------------------------------------------------------ reading the codes


def codes_from_lines(lines: Iterable[str]) -> Iterator[str]:
    """Codes as a scanner types them: one a line, up to an empty line or the end."""
    for line in lines:
        text = line.strip()
        if not text:
            return
        yield text


def codes_to_the_end(lines: Iterable[str]) -> list[str]:
    """Codes from a file or a pipe: every line with one, to the end (an empty line, as a
    double Enter leaves, ends nothing: at a terminal it ends the scanning)."""
    return [text for text in (line.strip() for line in lines) if text]


def groups_from_lines(lines: Iterable[str], count: int) -> list[list[str]]:
    """Up to ``count`` runs of codes, each ended by an empty line (the last one also by the
    end of the input): one run per box of a walk. An empty run is an empty box. Codes
    after the last box's run are refused (:data:`M.ST_SCAN_LEFT_OVER`), not dropped: an
    empty line too many would have made a box empty."""
    groups: list[list[str]] = []
    current: list[str] = []
    for line in lines:
        text = line.strip()
        if len(groups) == count:
            if text:
                raise Invalid(M.ST_SCAN_LEFT_OVER, code=text)
            continue
        if text:
            current.append(text)
            continue
        groups.append(current)
        current = []
    if current:
        groups.append(current)
    return groups


def _decode_text(payload: bytes) -> str:
    """A code file as UTF-8 (with or without BOM), else GB18030 (Excel/WPS on Chinese
    Windows)."""
    try:
        return payload.decode("utf-8-sig")
    except UnicodeDecodeError:
        return payload.decode("gb18030", errors="replace")


def codes_from_file(path: Path) -> list[str]:
    """The codes of a text or CSV file: the first cell of each row, a header row skipped."""
    try:
        payload = path.read_bytes()
    except FileNotFoundError:
        raise NotFound(M.ST_NO_FILE, path=path) from None
    except OSError as exc:
        from lou_library.errors import os_reason

        raise Invalid(M.ST_FILE_UNREADABLE, path=path, reason=os_reason(exc)) from None
    if b"\x00" in payload[:4096]:
        raise Invalid(M.ST_FILE_NOT_TEXT, path=path)
    text = _decode_text(payload).replace("\t", ",").replace(";", ",")
    found = []
    for row in csv.reader(text.splitlines()):
        cells = [cell.strip() for cell in row if cell.strip()]
        if cells:
            found.append(cells[0])
    if found and normalise_code(found[0]) in HEADER_WORDS:
        found = found[1:]
    return found


def codes_from_photos(paths: Sequence[Path]) -> list[str]:
    """Every QR code and EAN-13 barcode read in the photos, photo by photo, in reading
    order (top to bottom, left to right). A file that is not an image, or a photo where
    nothing can be read, stops the stocktake: a volunteer takes it again."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    formats = zxingcpp.barcode_formats_from_str("QRCode,EAN13")
    found: list[str] = []
    for path in paths:
        try:
            with Image.open(path) as image:
                image.load()
                barcodes = zxingcpp.read_barcodes(image.convert("L"), formats=formats)
        except FileNotFoundError:
            raise NotFound(M.ST_NO_PHOTO, path=path) from None
        except (UnidentifiedImageError, OSError, ValueError, Image.DecompressionBombError):
            raise Invalid(M.ST_PHOTO_UNREADABLE, path=path) from None
        if not barcodes:
            raise Invalid(M.ST_PHOTO_NO_CODE, path=path)
        placed = sorted(barcodes, key=lambda b: (b.position.top_left.y, b.position.top_left.x))
        found.extend(b.text for b in placed)
    return found


# ---------------------------------------------------------------- what was read


def as_isbn(code: str) -> str | None:
    """The ISBN-13 of a code that is a valid ISBN-10 or ISBN-13, else None."""
    from stdnum import isbn

    if not isbn.is_valid(code):
        return None
    return str(isbn.to_isbn13(isbn.compact(code)))


@dataclass
class Scans:
    """What the codes read are, each once, in the order first read."""

    books: dict[str, Doc] = field(default_factory=dict)  # our copies, by code
    boxes: list[str] = field(default_factory=list)  # box codes where a book's was expected
    isbns: list[str] = field(default_factory=list)  # ISBN-13s of books without our label
    by_isbn: list[str] = field(default_factory=list)  # copies of ``books`` read by ISBN
    unknown: list[str] = field(default_factory=list)  # anything else


def classify(db: Repository, texts: Iterable[str]) -> Scans:
    """Sort the codes read into our books, box codes, ISBNs and unknown codes (duplicates
    are ignored: a scanner beeps twice, a photo shows a label twice)."""
    read: dict[str, str] = {}  # code as we write it -> as it was read (the first time)
    for text in texts:
        if code := normalise_code(text):
            read.setdefault(code, text.strip())
    books = db.get_many(BOOKS, read)
    scans = Scans()
    for code, text in read.items():
        if code in books:
            scans.books[code] = books[code]
        elif db.get(BOXES, code) is not None:
            scans.boxes.append(code)
        elif (isbn13 := as_isbn(code)) is not None:
            if isbn13 not in scans.isbns:
                scans.isbns.append(isbn13)
        else:
            scans.unknown.append(text)  # another programme's label reads as it is
    return scans


@dataclass(frozen=True)
class Partition:
    """A box's recorded and read copies, each in exactly one list."""

    present: list[str]
    not_seen: list[str]
    found_here: list[str]
    withdrawn: list[str]


def reconcile(
    recorded: Sequence[str], scanned: Sequence[str], withdrawn: Collection[str] = ()
) -> Partition:
    """Recorded here and read: present; recorded, not read: not seen; read, recorded
    elsewhere: found here, unless withdrawn. Together they are every code of both, once."""
    read = set(scanned)
    here = set(recorded)
    return Partition(
        present=[c for c in recorded if c in read],
        not_seen=[c for c in recorded if c not in read],
        found_here=[c for c in dict.fromkeys(scanned) if c not in here and c not in withdrawn],
        withdrawn=[c for c in dict.fromkeys(scanned) if c not in here and c in withdrawn],
    )


def _recorded(db: Repository, box: str) -> list[Doc]:
    return [b for b in db.where(BOOKS, "box", box) if b["status"] == BookStatus.in_box]


def _place(book: Mapping[str, Any]) -> str | None:
    """Where the records had a book: its box, DEPOT, or None (not seen, lost, withdrawn)."""
    if book["status"] == BookStatus.in_box:
        return str(book["box"])
    return DEPOT if book["status"] == BookStatus.in_depot else None


def _offers(db: Repository, isbns: Sequence[str]) -> list[Doc]:
    """For each ISBN read, the title the catalogue has for it (a new copy to donate), or
    none (a book for intake)."""
    if not isbns:
        return []
    from lou_library.intake import copies_by_isbn

    known = copies_by_isbn(db, isbns)
    return [
        {
            "isbn": isbn,
            "title": known[isbn]["title"] if isbn in known else None,
            "author": known[isbn].get("author", "") if isbn in known else None,
        }
        for isbn in isbns
    ]


@dataclass
class Count:
    """One box's stocktake: the partition, and the records it looked at."""

    box: str
    partition: Partition
    scans: Scans
    before: dict[str, Doc]  # every book of the partition, as the records had it


def _by_isbn(scans: Scans, recorded: Sequence[Doc]) -> None:
    """An ISBN read in a box that the records say holds a copy of it, not read by its own
    code: that copy (its label not printed yet, or not scanned). Unlabelled copies first;
    each ISBN read stands for one copy."""
    unread = sorted(
        (b for b in recorded if b["code"] not in scans.books and b.get("isbn")),
        key=lambda b: bool(b.get("label_on")),
    )
    left = []
    for isbn in scans.isbns:
        copy = next((b for b in unread if as_isbn(str(b["isbn"])) == isbn), None)
        if copy is None:
            left.append(isbn)
            continue
        unread.remove(copy)
        scans.books[copy["code"]] = copy
        scans.by_isbn.append(copy["code"])
    scans.isbns[:] = left


def count_box(db: Repository, box: str, texts: Iterable[str]) -> Count:
    """Compare the codes read in ``box`` with what the records say it holds."""
    recorded = _recorded(db, box)
    scans = classify(db, texts)
    _by_isbn(scans, recorded)
    withdrawn = {c for c, b in scans.books.items() if b["status"] == BookStatus.withdrawn}
    partition = reconcile([b["code"] for b in recorded], list(scans.books), withdrawn)
    # copies: the records a repository hands out may be the stored ones, which the
    # stocktake then changes
    before = {b["code"]: dict(b) for b in recorded}
    before.update((code, dict(b)) for code, b in scans.books.items())
    return Count(box, partition, scans, before)


# ------------------------------------------------------------------- writing it down


def _current_round(db: Repository) -> int:
    return max((int(number) for (number,) in db.values(ROUNDS, "number")), default=0)


def record_count(
    db: Repository,
    count: Count,
    command: str,
    *,
    task: Doc | None = None,
    stamp: str | None = None,
) -> Doc:
    """Write one box's stocktake: books not seen and found here change, each with its
    history event, and the stocktake is kept with what it changed (its undo data)."""
    stamp = stamp or clock.stamp()
    number = db.reserve("stocktake")
    volunteer = (task or {}).get("volunteer")
    note = f"stocktake {number}"
    since = _current_round(db)
    part = count.partition
    updates: dict[Key, Doc] = {}
    undo: dict[str, list[Any]] = {}
    events = []
    for code in part.not_seen:
        updates[code] = {
            "status": BookStatus.not_seen,
            "box": None,
            "last_box": count.box,
            "missing_since": since,
        }
        events.append(
            event(EventKind.not_seen, code, command, source=count.box, volunteer=volunteer,
                  note=note, at=stamp)
        )  # fmt: skip
    for code in part.found_here:
        updates[code] = {"status": BookStatus.in_box, "box": count.box, "last_box": count.box}
        events.append(
            event(EventKind.found, code, command, source=_place(count.before[code]),
                  target=count.box, volunteer=volunteer, note=note, at=stamp)
        )  # fmt: skip
    for code in [*part.not_seen, *part.found_here]:
        book = count.before[code]
        undo[code] = [book.get(name) for name in UNDO_FIELDS]
    events_before = db.last_number(EVENTS)
    db.update(BOOKS, updates)
    log(db, events)
    record: Doc = {
        "id": number,
        "box": count.box,
        "at": stamp,
        "command": command,
        "present": part.present,
        "not_seen": part.not_seen,
        "found_here": part.found_here,
        "unknown": count.scans.unknown,
        "isbn_only": count.scans.isbns,
        "undo": undo,
        "events_before": events_before,
    }
    if task is not None:
        record["task"] = task["id"]
    if volunteer:
        record["volunteer"] = volunteer
    db.add(STOCKTAKES, [record])
    return record


def _row(code: str, book: Mapping[str, Any], result: str, was: str | None = None) -> Doc:
    """A copy as the table lists it; one found here says where it was recorded (``was``:
    a box, DEPOT, or None with its status and last box)."""
    row = {"code": code, "title": book["title"], "result": result, "was": was}
    if result == "found_here" and was is None:
        row["was_status"] = book["status"]
        row["last_box"] = book.get("last_box")
    return row


def count_document(db: Repository, count: Count, number: int | None) -> Doc:
    """What ``lou stocktake --json`` prints for one box (the table shows the same)."""
    part = count.partition
    before = count.before
    rows = [_row(c, before[c], "present") for c in part.present]
    rows += [_row(c, before[c], "not_seen") for c in part.not_seen]
    rows += [_row(c, before[c], "found_here", _place(before[c])) for c in part.found_here]
    rows += [_row(c, before[c], "withdrawn") for c in part.withdrawn]
    box = get_box(db, count.box)
    return {
        "box": count.box,
        "stocktake": number,
        "present": part.present,
        "not_seen": part.not_seen,
        "found_here": part.found_here,
        "withdrawn": part.withdrawn,
        "unknown": count.scans.unknown,
        "isbn_only": count.scans.isbns,
        "box_codes": count.scans.boxes,
        "books": rows,
        "offers": _offers(db, count.scans.isbns),
        "over_capacity": box_count(db, count.box)[count.box] > box["capacity"],
    }


def _check_read(count: Count) -> None:
    """A stocktake with no code of ours would report every book of the box not seen: a
    scanner set up wrong, another programme's labels, the wrong photo, the books' ISBN
    barcodes instead of our labels (an ISBN names a title, not a copy). Refused, unless
    the box holds no book on the records and ISBNs were read (books for intake)."""
    scans = count.scans
    isbns = len(scans.isbns) + len(scans.by_isbn)  # (an ISBN that stood for a copy too)
    if len(scans.books) > len(scans.by_isbn) or (isbns and not count.partition.not_seen):
        return
    raise Invalid(M.ST_NO_BOOK_CODES, box=count.box, unknown=len(scans.unknown), isbn=isbns)


def box_to_count(db: Repository, box: str) -> str:
    """The code of the box to stocktake (a retired one is refused: its books went back
    to the library room)."""
    found = get_box(db, box)
    if found["status"] == BoxStatus.retired:
        raise Conflict(M.ST_BOX_RETIRED, box=found["code"])
    return str(found["code"])


def stocktake(db: Repository, box: str, texts: Iterable[str], *, dry_run: bool = False) -> Doc:
    """``lou stocktake BOX``: reconcile the codes read with the records, and (unless
    ``dry_run``) write it down."""
    code = box_to_count(db, box)
    walking = [t for t in open_tasks_of_current_round(db) if code in t["boxes"]]
    if walking:  # its records show the books the walk will have brought, not those there now
        task = walking[0]
        raise Conflict(M.ST_BOX_ON_WALK, box=code, id=task["id"], date=task["date"])
    count = count_box(db, code, texts)
    _check_read(count)
    if dry_run:
        return {**count_document(db, count, None), "dry_run": True}
    record = record_count(db, count, COMMAND)
    return {**count_document(db, count, record["id"]), "dry_run": False}


# --------------------------------------------------------------------- the way back


def undo_stocktake(db: Repository, box: str) -> Doc:
    """``lou stocktake BOX --undo``: the box's last stocktake not yet taken back; its books
    go back to their records before it, as long as nothing has changed them since."""
    code = get_box(db, box)["code"]
    kept = [s for s in db.where(STOCKTAKES, "box", code) if "undone_at" not in s]
    if not kept:
        raise Conflict(M.ST_NOTHING_TO_UNDO, box=code)
    record = max(kept, key=lambda s: s["id"])
    undo: dict[str, list[Any]] = record.get("undo", {})
    books = db.get_many(BOOKS, list(undo))
    changed = [
        c for c in undo
        if c not in books or _stocktake_left(record, c) != _fields_of(books[c])
    ]  # fmt: skip
    if changed:
        raise Conflict(M.ST_UNDO_CHANGED, id=record["id"], codes=", ".join(changed))
    stamp = clock.stamp()
    note = f"stocktake {record['id']}"
    updates: dict[Key, Doc] = {}
    events = []
    for c, values in undo.items():
        restored = dict(zip(UNDO_FIELDS, values, strict=True))
        whole = {**books[c], **restored}
        if whole["missing_since"] is None:  # it had none: a round number or nothing
            del whole["missing_since"]
        updates[c] = whole
        events.append(
            event(EventKind.undone, c, f"{COMMAND} --undo", source=_place(books[c]),
                  target=_place(restored), note=note, at=stamp)
        )  # fmt: skip
    db.replace(BOOKS, updates)
    log(db, events)
    db.update(STOCKTAKES, {record["id"]: {"undone_at": stamp}})
    if "task" in record:
        _untell_task(db, record)
    return {"box": code, "stocktake": record["id"], "books": sorted(undo), "total": len(undo)}


def _fields_of(book: Mapping[str, Any]) -> tuple[Any, ...]:
    return tuple(book.get(name) for name in UNDO_FIELDS[:3])


def _stocktake_left(record: Mapping[str, Any], code: str) -> tuple[Any, ...]:
    """The status, box and last box the stocktake gave a book it changed."""
    if code in record["not_seen"]:
        return (BookStatus.not_seen, None, record["box"])
    return (BookStatus.in_box, record["box"], record["box"])


def _untell_task(db: Repository, record: Mapping[str, Any]) -> None:
    """A stocktake of a walk taken back: its task no longer reports those books."""
    task = db.get(TASKS, record["task"])
    if task is None:
        return
    taken = set(record["not_seen"])
    extra = {f"{c}@{record['box']}" for c in record["found_here"]}
    db.update(
        TASKS,
        {
            task["id"]: {
                "missing": [c for c in task.get("missing", []) if c not in taken],
                "extra": [e for e in task.get("extra", []) if e not in extra],
            }
        },
    )


# ------------------------------------------------------------- a walk, box by box


def task_boxes(db: Repository, task_id: str | int) -> Doc:
    """The boxes a task walks, in order, for ``task done --scan`` to ask for them."""
    from lou_library.rotation import get_task

    task = get_task(db, task_id, stops=False)
    if task["status"] == TaskStatus.done:  # said before the volunteer scans a whole walk
        at = str(task["done_at"]).replace("T", " ")
        raise Conflict(M.TASK_ALREADY_DONE_AMEND, id=task["id"], at=at)
    return {"id": task["id"], "boxes": list(task["boxes"]), "status": task["status"]}


def _walk_counts(
    db: Repository, boxes: Sequence[str], groups: Sequence[Sequence[str]]
) -> list[Count]:
    """Each box's count; a book read in one box of the walk is not "not seen" in the box
    the records had it in: it moved (it is found here where it was read)."""
    counts = [count_box(db, box, texts) for box, texts in zip(boxes, groups, strict=False)]
    read = {c for n in counts for c in n.scans.books}
    for n in counts:
        part = n.partition
        if any(c in read for c in part.not_seen):
            n.partition = Partition(
                part.present, [c for c in part.not_seen if c not in read],
                part.found_here, part.withdrawn,
            )  # fmt: skip
    return counts


def scan_task(
    db: Repository,
    task_id: str | int,
    groups: Sequence[Sequence[str]],
    hours: float | str | None = None,
) -> Doc:
    """``lou task done ID --scan``: one run of codes per box of the walk, in its order.

    Each box is stocktaken (``task done --scan`` in the history, the volunteer named);
    the task is reported done with the books it handled that were not seen as its
    missing ones and the books found in its boxes as its extra ones."""
    from lou_library.rotation import complete_task, get_task, task_books

    task = get_task(db, task_id)
    if len(groups) < len(task["boxes"]):
        raise Invalid(M.ST_TASK_SHORT, id=task["id"], boxes=len(task["boxes"]), scanned=len(groups))
    counts = _walk_counts(db, task["boxes"], groups)
    handled = task_books(task)
    missing = [c for n in counts for c in n.partition.not_seen if c in handled]
    stamp = clock.stamp()
    documents = []
    for count in counts:
        record = record_count(db, count, TASK_COMMAND, task=task, stamp=stamp)
        documents.append(count_document(db, count, record["id"]))
    # the report: its missing books are "not seen" already, so it only records them (a
    # task already done or bad hours refuse it here, and nothing above is saved)
    done = complete_task(db, task["id"], missing, (), hours=hours)
    extra = [f"{c}@{n.box}" for n in counts for c in n.partition.found_here]
    db.update(TASKS, {task["id"]: {"extra": extra}})
    from lou_library.service import service_settings, task_hours

    return {
        "id": task["id"],
        "status": done["status"],
        "missing": done["missing"],
        "extra": extra,
        "hours": task_hours({**done, "extra": extra}, service_settings(db)),
        "boxes": documents,
    }
