"""Table access shared by the rules: raw reads, code look-ups with suggestions, events.

Reads go straight to the unit of work's in-memory document (``db.storage.read()``),
which is cheap. Records are changed and added in place (:func:`patch`, :func:`append`,
:func:`log`): TinyDB's own ``update`` and ``insert`` rebuild the whole table on every
call. Either way a command's changes reach the disk in one write, at commit.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, MutableMapping, Sequence
from typing import TYPE_CHECKING, Any

from tinydb import TinyDB

from lou_library import clock, store
from lou_library.errors import NotFound
from lou_library.i18n import Msg
from lou_library.schema import EventKind

if TYPE_CHECKING:
    from lou_library.schema import Event

SITES = "sites"
BOXES = "boxes"
BOOKS = "books"
VOLUNTEERS = "volunteers"
EVENTS = "events"
MOVES = "moves"  # one record per applied round: its legs (schema 4)
CATEGORIES = "categories"
META = "_meta"

Doc = dict[str, Any]


def rows(db: TinyDB, table: str) -> Mapping[str, Doc]:
    """``doc_id -> document`` for a table, without copying. Treat it as read-only."""
    data = db.storage.read() or {}
    return data.get(table, {})


def docs(db: TinyDB, table: str) -> Iterable[Doc]:
    return rows(db, table).values()


def normalise_code(text: str) -> str:
    """Codes are typed in many ways: ``zj-a03``, full-width ``ＺＪ－Ａ03``, with spaces."""
    return unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")


def by_code(db: TinyDB, table: str) -> dict[str, tuple[int, Doc]]:
    return {doc["code"]: (int(doc_id), doc) for doc_id, doc in rows(db, table).items()}


def find_code(db: TinyDB, table: str, code: str, missing: Msg) -> tuple[int, Doc]:
    """The record with this code, or NotFound with the closest codes as suggestions."""
    wanted = normalise_code(code)
    for doc_id, doc in rows(db, table).items():
        if doc.get("code") == wanted:
            return int(doc_id), doc
    raise NotFound(missing, code=code, hint=suggest(wanted, (d["code"] for d in docs(db, table))))


def suggest(wanted: str, candidates: Iterable[str]) -> str:
    """`` Did you mean ZJ-A09?`` in the current language, or an empty string."""
    from lou_library import messages as M

    scored = []
    for candidate in set(candidates):
        matcher = difflib.SequenceMatcher(None, wanted, candidate)
        if matcher.real_quick_ratio() >= 0.6 and matcher.quick_ratio() >= 0.6:
            ratio = matcher.ratio()
            if ratio >= 0.6:
                scored.append((-ratio, candidate))
    close = [candidate for _, candidate in sorted(scored)[:3]]  # best first, ties in code order
    return M.DID_YOU_MEAN(codes=", ".join(close)) if close else ""


def next_number(db: TinyDB, counter: str, start: int = 1) -> int:
    """Reserve the next number of a counter kept in the meta record (codes are never reused)."""
    meta = rows(db, META)["1"]
    value = int(meta.get("counters", {}).get(counter, start))
    set_counter(db, counter, value + 1)
    return value


def peek_number(db: TinyDB, counter: str, start: int = 1) -> int:
    return int(rows(db, META)["1"].get("counters", {}).get(counter, start))


def set_counter(db: TinyDB, counter: str, value: int) -> None:
    def bump(doc: MutableMapping[str, Any]) -> None:
        doc.setdefault("counters", {})[counter] = value

    db.table(META).update(bump, doc_ids=[1])


def settings(db: TinyDB) -> dict[str, Any]:
    return dict(rows(db, META)["1"].get("settings", {}))


def event(
    action: EventKind,
    book: str,
    command: str,
    *,
    source: str | None = None,
    target: str | None = None,
    volunteer: str | None = None,
    note: str | None = None,
    at: str | None = None,
) -> Event:
    """One entry of a book's history: where it came from, where it went, and why."""
    record: Event = {
        "at": at or clock.stamp(),
        "book": book,
        "action": action,
        "command": command,
    }
    if source is not None:
        record["from"] = source
    if target is not None:
        record["to"] = target
    if volunteer:
        record["volunteer"] = volunteer
    if note:
        record["note"] = note
    return record


Changes = Mapping[str, Mapping[str, Any]] | Mapping[int, Mapping[str, Any]]


def patch(db: TinyDB, table: str, changes: Changes) -> None:
    """Change some fields of some records (by doc id), in place in the unit of work.

    TinyDB's ``update`` rebuilds the whole table for every call, so a command changing
    one book at a time paid for the whole catalogue each time (100,000 books: about
    30 ms a book); this touches only the records named. Nothing here uses TinyDB's query
    cache, the one thing an in-place change could leave stale.
    """
    if not changes:
        return
    data = db.storage.read() or {}
    records = data[table]
    for doc_id, fields in changes.items():
        records[str(doc_id)].update(fields)
    db.storage.write(data)


def last_id(db: TinyDB, table: str) -> int:
    """The largest doc id of a table (0: empty); see :func:`lou_library.store.last_id`."""
    return store.last_id(db.storage.read() or {}, table)


def last_event(db: TinyDB) -> int:
    """The number of the newest history entry (0: none)."""
    return last_id(db, EVENTS)


def append(db: TinyDB, table: str, records: Sequence[Mapping[str, Any]]) -> None:
    """Add records after the last one, in place in the unit of work (TinyDB's insert
    rebuilds the whole table: 0.06 s per `book add` at 100,000 books), without parsing a
    table no rule has read (the history, at 100,000 books after a year, is 24 MB of
    text and 190 MB in memory). Only this function adds books and history entries, so
    TinyDB's own id counter for them never goes stale."""
    if not records:
        return
    data = db.storage.read() or {}
    store.append_records(data, table, records)
    db.storage.write(data)


def log(db: TinyDB, events: Sequence[Event]) -> None:
    """Append history entries, numbered after the last one."""
    append(db, EVENTS, events)


Move = tuple[str, str, str]  # (book, from, to); DEPOT for the library room


def legs_of(moves: Iterable[Iterable[str]]) -> list[Doc]:
    """A round's moves as stored: legs, runs of books carried from one place to another.

    Consecutive moves with the same ends share a leg, so the plan's order is kept exactly
    and a ring round of 2,400 moves takes about 200 legs. A leg's books are one string of
    codes: 7 bytes a book instead of 24 as one string per move, and one object to parse
    instead of one per book (after four years a round's moves were most of the file's
    objects; parsing it took twice as long with a list per leg: bench/README.md).
    """
    legs: list[Doc] = []
    books: list[list[str]] = []
    for book, source, target in moves:
        if legs and legs[-1]["from"] == source and legs[-1]["to"] == target:
            books[-1].append(book)
        else:
            legs.append({"from": source, "to": target})
            books.append([book])
    for leg, codes in zip(legs, books, strict=True):
        leg["books"] = " ".join(codes)
    return legs


def leg_books(leg: Mapping[str, Any]) -> list[str]:
    return str(leg["books"]).split()


def moves_of(legs: Iterable[Mapping[str, Any]]) -> Iterable[Move]:
    """Every move of a round's legs, in the plan's order."""
    for leg in legs:
        for book in leg_books(leg):
            yield book, leg["from"], leg["to"]


def round_legs(db: TinyDB, numbers: Iterable[int] | None = None) -> dict[int, list[Doc]]:
    """Round number -> its legs, for the rounds named (all when None).

    The legs are the bulk of a programme's history (0.8 MB a round at 100,000 books), so
    they have a table of their own that only the commands showing moves read: a command
    that plans, applies or lists never parses them (see :class:`lou_library.store.Document`).
    """
    wanted = None if numbers is None else set(numbers)
    return {
        int(r["round"]): r["legs"]
        for r in docs(db, MOVES)
        if wanted is None or r["round"] in wanted
    }
