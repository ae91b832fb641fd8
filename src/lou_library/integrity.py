"""``lou db check``: is the DB file whole and do its records agree with each other?

Every problem comes with a sentence a manager can act on. ``--repair`` fixes, after a
backup, only what has one safe answer: a book recorded in a box that no longer exists (or
is retired) goes back to the depot, a box named on a book that is not in a box is
cleared, a site that does not exist is taken off a volunteer's list, control and bidi
characters (which an .xlsx cannot hold or which make a table lie) are taken out of a
name. A missing box or site code that looks like an existing one (a typo made by hand),
or a site that boxes still name, is only reported: dropping it would lose where books or
people are. Duplicated codes, unknown statuses and records missing fields need a person
to decide, so they are only reported too.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lou_library import clock, schema
from lou_library import messages as M
from lou_library.network import DEPOT
from lou_library.records import (
    BOOKS,
    BOXES,
    CATEGORIES,
    EVENTS,
    ROUNDS,
    SITES,
    TASKS,
    VOLUNTEERS,
    Doc,
    event,
    log,
)
from lou_library.repository import META, SERVICES, STOCKTAKES, Repository
from lou_library.schema import BookStatus, BoxStatus, EventKind, RoundStatus, SiteKind
from lou_library.text import strip_unsafe, unsafe_chars

if TYPE_CHECKING:
    from lou_library.schema import Event

REPAIRABLE = {
    "orphan_book", "retired_box", "stray_box", "orphan_site", "bad_text", "counter_behind"
}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    kind: str
    record: str
    message: str
    safe: bool = True  # False: a kind we repair, but here the answer is not clear

    @property
    def repairable(self) -> bool:
        return self.kind in REPAIRABLE and self.safe


def _mistyped(missing: object, candidates: Iterable[str]) -> list[str]:
    """Existing codes that ``missing`` looks like a one-key slip of (SHX for SHY)."""
    import difflib

    if not isinstance(missing, str) or not missing:
        return []
    return sorted(difflib.get_close_matches(missing, list(candidates), n=3, cutoff=0.6))


def _site_doubt(site: object, box_sites: set[Any], site_codes: list[str]) -> str:
    """Why dropping a missing site from a volunteer is not safe, or '' if it is."""
    if site in box_sites:
        return M.CHECK_SITE_STILL_USED(site=site)
    like = _mistyped(site, site_codes)
    return M.CHECK_MAYBE_TYPO(codes=", ".join(like)) if like else ""


@dataclass(frozen=True)
class Checked:
    """What ``lou db check`` found: the problems left (after the repairs, if any were
    made), how many records were repaired, and the backup taken first."""

    problems: list[Problem]
    repaired: int = 0
    backup: Path | None = None

    def document(self, db_path: object) -> dict[str, Any]:
        """The result as ``--json`` prints it."""
        return {
            "db": str(db_path),
            "ok": not self.problems,
            "repaired": self.repaired,
            "problems": [
                {
                    "kind": p.kind,
                    "record": p.record,
                    "message": p.message,
                    "repairable": p.repairable,
                }
                for p in self.problems
            ],
        }


def check_file(db: Repository, file_size: int) -> Checked:
    """Every problem of the records and of the file's shape (``file_size``: the file's
    size on disk, to tell a padded file). The small tables are read once for both."""
    data, large = _small_tables(db), _large_tables(db)
    return Checked(check(db, data, large) + check_shape(db, file_size, data, large))


# The tables that grow with the years (a county's 1,000,000 books and their history):
# the check reads them a batch at a time, twice at most, and keeps their codes only.
LARGE = schema.LARGE
CHUNK = 50_000  # records of a large table checked against their specs at a time


def _small_tables(db: Repository) -> dict[str, Any]:
    """The document without its large tables (see :func:`_large_tables`)."""
    return {table: dict(db.rows(table)) for table in db.tables() if table not in LARGE}


def _large_tables(db: Repository) -> dict[str, _Pass]:
    """What the checks use of each large table, each read once (see :class:`_Pass`)."""
    return {table: _read_large(db, table) for table in sorted(LARGE & db.tables())}


# What the relational checks use of a large table's well-formed records (see _Findings)
KEPT: dict[str, tuple[str, ...]] = {
    BOOKS: ("code", "status", "box", "category"),
    EVENTS: ("book",),
}
TEXT_CHECKED = (SITES, BOXES, BOOKS, VOLUNTEERS)  # the tables _check_text looks at


@dataclass
class _Pass:
    """One read of a large table: its problems against the specs (in the order
    :func:`schema.problems` gives them), its text problems, the keys of all its records,
    the few fields of its well-formed ones that the relational checks use, its depth."""

    misfits: list[schema.RecordProblem]
    texts: list[tuple[Any, str, str]]  # (code, field, characters)
    keys: set[Any]
    kept: list[tuple[Any, ...]]
    deepest: int


def _read_large(db: Repository, table: str) -> _Pass:
    """A large table read once, a chunk of records at a time."""
    by_field: dict[str, list[schema.RecordProblem]] = {s.name: [] for s in schema.SPECS[table]}
    found = _Pass([], [], set(), [], 0)
    fields = KEPT.get(table, ("code",))
    chunk: dict[str, Doc] = {}

    def checked() -> None:
        misfits = schema.problems({table: chunk})
        for problem in misfits:
            by_field[problem.field].append(problem)
        bad = {problem.doc_id for problem in misfits}
        for row_id, doc in chunk.items():
            found.deepest = max(found.deepest, 2 + depth(doc))
            if type(doc.get("code")) in (str, int):
                found.keys.add(doc["code"])
            if row_id in bad:
                continue
            if table in TEXT_CHECKED:
                found.texts.extend(_unsafe_texts(doc))
            found.kept.append(tuple(doc.get(f) for f in fields))

    for row_id, record in db.rows(table):
        chunk[row_id] = record
        if len(chunk) == CHUNK:
            checked()
            chunk = {}
    checked()
    found.misfits = [problem for field in by_field.values() for problem in field]
    return found


def check_and_repair(db: Repository, file_size: int, backup: Callable[[], Path]) -> Checked:
    """Check, and when something can be repaired, call ``backup`` and repair it; the
    problems returned are those left once the repair's compact write is done."""
    problems = check_file(db, file_size).problems
    if not any(p.repairable for p in problems):
        return Checked(check_file(db, 0).problems)
    saved = backup()
    repaired = repair(db, problems) + repair_shape(db, problems)
    return Checked(check_file(db, 0).problems, repaired, saved)


def check(
    db: Repository, data: dict[str, Any] | None = None, large: dict[str, _Pass] | None = None
) -> list[Problem]:
    """Every inconsistency found: first each record that does not fit its spec (table,
    record, field, what was expected), then text a terminal or an .xlsx cannot show
    truly, then how the well-formed records relate (``data`` and ``large``: the tables,
    if read already)."""
    found = _Findings(
        _small_tables(db) if data is None else data, _large_tables(db) if large is None else large
    )
    for table in (SITES, BOXES, BOOKS, VOLUNTEERS):
        _check_text(found, table)
        _check_codes(found, table)
    sites, boxes = found.everything(SITES), found.everything(BOXES)
    _check_boxes(found, sites, boxes)
    _check_books(found, boxes)
    _check_volunteers(found, sites, boxes)
    _check_tasks(found, boxes)
    _check_events(found)
    _check_counters(found)
    return found.problems


class _Findings:
    """The problems found so far, and the records the relational checks look at."""

    def __init__(self, data: dict[str, Any], large: dict[str, _Pass]) -> None:
        # the check looks at the whole network as the file holds it, records that do not
        # fit their spec included (the repository's keyed look-ups assume they do): the
        # small tables in ``data``, what it needs of the large ones in ``large``
        self.data = data
        self.large = large
        self.problems: list[Problem] = []
        misfits: list[schema.RecordProblem] = []
        for table in schema.SPECS:  # in the order schema.problems() gives them
            if table in self.large:
                misfits += self.large[table].misfits
            elif table in data:
                misfits += schema.problems({table: data[table]})
        for misfit in misfits:
            self.add("bad_field", f"{misfit.table} {misfit.record}", misfit.message())
        self.skipped = schema.bad_records(misfits)

    def add(self, kind: str, record: object, message: str, doubt: str = "") -> None:
        if doubt:
            message = f"{message}; {doubt}"
        self.problems.append(Problem(kind, str(record), message, safe=not doubt))

    def well_formed(self, table: str) -> Iterator[Doc]:
        """The well-formed records only (of a large table: the fields :data:`KEPT`)."""
        if table in self.large:
            fields = KEPT.get(table, ("code",))
            return (dict(zip(fields, values, strict=True)) for values in self.large[table].kept)
        bad = self.skipped.get(table, set())
        records: dict[str, Doc] = self.data.get(table) or {}
        return (doc for doc_id, doc in records.items() if doc_id not in bad)

    def everything(self, table: str, key: str = "code") -> dict[Any, Doc]:
        """Every record of a small table by its key, well-formed or not: what others may
        point to."""
        records: dict[str, Doc] = self.data.get(table) or {}
        return {doc.get(key): doc for doc in records.values() if type(doc.get(key)) in (str, int)}

    def keys(self, table: str) -> set[Any]:
        """The codes of every record, well-formed or not."""
        if table in self.large:
            return self.large[table].keys
        return set(self.everything(table))


def _unsafe_texts(doc: Doc) -> list[tuple[Any, str, str]]:
    """(code, field, characters) of each text field a terminal or an .xlsx cannot show
    truly."""
    found = []
    for name, value in doc.items():
        bad = unsafe_chars(value) if isinstance(value, str) else ""
        if bad:
            chars = ", ".join(dict.fromkeys(f"U+{ord(ch):04X}" for ch in bad))
            found.append((doc.get("code", "?"), name, chars))
    return found


def _check_text(found: _Findings, table: str) -> None:
    """Text a terminal or an .xlsx cannot show truly."""
    if table in found.large:
        texts = found.large[table].texts
    else:
        texts = [text for doc in found.well_formed(table) for text in _unsafe_texts(doc)]
    for code, name, chars in texts:
        message = M.CHECK_BAD_TEXT(table=table, code=code, field=name, chars=chars)
        found.add("bad_text", code, message)


def _check_codes(found: _Findings, table: str) -> None:
    counts = Counter(doc.get("code") for doc in found.well_formed(table) if doc.get("code"))
    for code, n in sorted(counts.items(), key=lambda kv: str(kv[0])):
        if n > 1:
            found.add("duplicate_code", code, M.CHECK_DUPLICATE(code=code, n=n))


def _check_boxes(found: _Findings, sites: dict[Any, Doc], boxes: dict[Any, Doc]) -> None:
    if sites.get(DEPOT, {}).get("kind") != SiteKind.depot:
        found.add("no_depot", DEPOT, M.CHECK_NO_DEPOT())
    for record in sorted(found.well_formed(BOXES), key=lambda doc: str(doc["code"])):
        if record["site"] not in sites:
            code = record["code"]
            found.add("orphan_box", code, M.CHECK_BOX_SITE(code=code, site=record["site"]))


def _check_books(found: _Findings, boxes: dict[Any, Doc]) -> None:
    """Books in a box that is gone or retired, books out of a box that still name one.

    A box or site code changed by hand leaves its books (or volunteers) pointing at the
    old code: moving them to the depot (or dropping the site) would lose where they are.
    So a missing code that looks like an existing one is reported, never repaired."""
    filled = {
        b.get("box") for b in found.well_formed(BOOKS) if b.get("status") == BookStatus.in_box
    }
    empty_boxes = [c for c in boxes if isinstance(c, str) and c not in filled]

    def box_doubt(box: object) -> str:
        like = _mistyped(box, empty_boxes)
        return M.CHECK_MAYBE_TYPO(codes=", ".join(like)) if like else ""

    from lou_library.catalogue import BUILTIN_CATEGORIES

    known = {*BUILTIN_CATEGORIES, *found.everything(CATEGORIES, "key")}
    for book in found.well_formed(BOOKS):
        code, status, box = book.get("code"), book.get("status"), book.get("box")
        if book.get("category") not in known:  # (reports would show a stray row for it)
            found.add(
                "unknown_category", code, M.CHECK_BOOK_CATEGORY(code=code, key=book.get("category"))
            )
        if status == BookStatus.in_box:
            if box not in boxes:
                found.add("orphan_book", code, M.CHECK_BOOK_BOX(code=code, box=box), box_doubt(box))
            elif boxes[box].get("status") == BoxStatus.retired:
                found.add("retired_box", code, M.CHECK_BOOK_RETIRED(code=code, box=box))
        elif box is not None:  # in the depot, not seen, lost or withdrawn
            found.add("stray_box", code, M.CHECK_BOOK_STRAY(code=code, box=box))


def _check_volunteers(found: _Findings, sites: dict[Any, Doc], boxes: dict[Any, Doc]) -> None:
    """Volunteers of a site that does not exist (kept when boxes name it or it looks like
    a typo: see :func:`_check_books`)."""
    box_sites = {b.get("site") for b in boxes.values()}
    site_codes = [c for c in sites if isinstance(c, str)]
    for person in found.well_formed(VOLUNTEERS):
        for site in person.get("sites", []):
            if site not in sites:
                found.add(
                    "orphan_site",
                    person.get("code"),
                    M.CHECK_VOLUNTEER_SITE(code=person.get("code"), site=site),
                    _site_doubt(site, box_sites, site_codes),
                )


def _check_tasks(found: _Findings, boxes: dict[Any, Doc]) -> None:
    people = found.everything(VOLUNTEERS)
    rounds = found.everything(ROUNDS, "number")
    for task in found.well_formed(TASKS):
        where = [b for b in task.get("boxes", []) if b not in boxes]
        if task.get("volunteer") and task["volunteer"] not in people:
            found.add(
                "task_volunteer",
                task.get("id"),
                M.CHECK_TASK_VOLUNTEER(id=task.get("id"), code=task["volunteer"]),
            )
        if where or task.get("round") not in rounds:
            found.add(
                "task_nowhere",
                task.get("id"),
                M.CHECK_TASK_NOWHERE(
                    id=task.get("id"),
                    round=task.get("round"),
                    boxes=", ".join(map(str, where)) or "—",
                ),
            )


def _check_events(found: _Findings) -> None:
    codes = found.keys(BOOKS)
    unknown = Counter(
        e.get("book") for e in found.well_formed(EVENTS) if e.get("book") not in codes
    )
    for code, n in sorted(unknown.items(), key=lambda kv: str(kv[0])):
        found.add("orphan_event", code, M.CHECK_EVENT_BOOK(code=code, n=n))


# A counter (in the meta record) -> the table whose keys it numbers, and the key field
COUNTED = {"book": (BOOKS, "code"), "task": (TASKS, "id"), "stocktake": (STOCKTAKES, "id"),
           "service": (SERVICES, "id")}  # fmt: skip


def _highest(keys: Iterable[Any]) -> int:
    """The highest number among a counter's keys: task numbers, or book codes (B00012)."""
    numbers = [
        int(k) if isinstance(k, int) else int(k[1:])
        for k in keys
        if isinstance(k, int) or (isinstance(k, str) and k[:1] == "B" and k[1:].isdigit())
    ]
    return max(numbers, default=0)


def _counters(data: dict[str, Any]) -> dict[str, Any]:
    meta: object = next(iter((data.get(META) or {}).values()), {})
    counters = meta.get("counters") if isinstance(meta, dict) else None
    return counters if isinstance(counters, dict) else {}


def _check_counters(found: _Findings) -> None:
    """A counter behind the numbers in use (a file edited or put together by hand): the
    next book added would take the code of one there already."""
    counters = _counters(found.data)
    for counter, (table, key) in COUNTED.items():
        keys = found.keys(table) if key == "code" else found.everything(table, key)
        highest, following = _highest(keys), counters.get(counter, 1)
        if isinstance(following, int) and highest >= following:
            message = M.CHECK_COUNTER_BEHIND(counter=counter, next=following, highest=highest)
            found.add("counter_behind", counter, message)


def _repair_counters(document: dict[str, Any], problems: list[Problem]) -> int:
    """Each counter behind moves on past the highest number in use."""
    behind = [p.record for p in problems if p.kind == "counter_behind"]
    if not behind:
        return 0
    meta_id, meta = next(iter(document[META].items()))
    counters = dict(meta.get("counters", {}))
    for counter in behind:
        table, key = COUNTED[counter]
        counters[counter] = _highest(d.get(key) for d in (document.get(table) or {}).values()) + 1
    document[META] = {meta_id: {**meta, "counters": counters}}
    return len(behind)


def repair(db: Repository, problems: list[Problem]) -> int:
    """Fix the repairable problems (only those with one safe answer); return how many.

    A repair works on the file's rows as they are (:meth:`Repository.document`), not by
    key: the records it fixes may share a code, or lack one, which is why they need it."""
    problems = [p for p in problems if p.repairable]
    if not problems:
        return 0
    document = db.document()
    books, events = _repair_books(document, problems)
    texts = _repair_texts(document, {p.record for p in problems if p.kind == "bad_text"})
    people = _repair_people(document, {p.record for p in problems if p.kind == "orphan_site"})
    counters = _repair_counters(document, problems)
    db.load(document)
    log(db, events)
    return books + people + texts + counters


def _rows(document: dict[str, Any], table: str, codes: set[str]) -> list[Doc]:
    """Every row of ``table`` whose code is one of ``codes`` (all of them, if two share one)."""
    return [r for r in (document.get(table) or {}).values() if r.get("code") in codes]


def _repair_books(document: dict[str, Any], problems: list[Problem]) -> tuple[int, list[Event]]:
    """Books in a box that is gone or retired go to the depot; books out of a box forget
    it. Returns how many books changed and their history entries."""
    books = {p.record for p in problems if p.kind in ("orphan_book", "retired_box")}
    strays = {p.record for p in problems if p.kind == "stray_box"}
    stamp = clock.stamp()
    events: list[Event] = []
    found = sorted(_rows(document, BOOKS, books | strays), key=lambda doc: str(doc["code"]))
    for doc in found:
        if doc["code"] in books:
            events.append(
                event(
                    EventKind.to_depot,
                    doc["code"],
                    "db check --repair",
                    source=doc.get("box"),
                    target=DEPOT,
                    at=stamp,
                )
            )
            doc.update({"last_box": doc.get("box"), "status": BookStatus.in_depot})
        doc["box"] = None
    return len(found), events


def _repair_texts(document: dict[str, Any], codes: set[str]) -> int:
    """Control and bidi characters taken out of every text field of these records."""
    fixed = 0
    for table in (SITES, BOXES, BOOKS, VOLUNTEERS):
        for doc in _rows(document, table, codes):
            doc.update({k: strip_unsafe(v) for k, v in doc.items() if isinstance(v, str)})
            fixed += 1
    return fixed


def _repair_people(document: dict[str, Any], codes: set[str]) -> int:
    """Sites that do not exist taken off these volunteers' lists; a doubtful site (boxes
    still name it, or it looks like a typo) stays to be decided."""
    sites = (document.get(SITES) or {}).values()
    site_codes = [c for c in (s.get("code") for s in sites) if isinstance(c, str)]
    box_sites = {b.get("site") for b in (document.get(BOXES) or {}).values()}
    found = _rows(document, VOLUNTEERS, codes)
    for doc in found:
        doc["sites"] = [
            s
            for s in doc.get("sites", [])
            if s in site_codes or _site_doubt(s, box_sites, site_codes)
        ]
    return len(found)


# ------------------------------------------------------------------- the file's shape

# The deepest a record nests: rounds -> N -> undo -> after -> meta -> settings -> rotation
# -> route (a list), with the document itself as level 1: 9. Schema 2 nested every
# earlier round inside the last one's undo data, three levels a round; orjson cannot
# write past 255 levels, which stopped `rotate apply` at round 84.
MAX_DEPTH = 10
# A file this much larger than its records encoded is padded (an indented or hand-edited
# file); a command's next write makes it compact again, and so does --repair.
PADDING_RATIO = 1.25
PADDING_SLACK = 64 * 1024
STRUCTURE_KINDS = {"too_deep", "stale_undo", "padded_file"}
# Nesting that is not undo data (a hand edit) needs a person: it is only reported.
REPAIRABLE.update({"stale_undo", "padded_file"})


def depth(value: object) -> int:
    """How many levels of objects and lists ``value`` nests (a scalar: 0)."""
    deepest = 0
    stack: list[tuple[object, int]] = [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            children: Any = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, dict | list))
    return deepest


def _depth(small: dict[str, Any], large: dict[str, _Pass]) -> int:
    """:func:`depth` of the whole document: the small tables as read, and each record of
    a large table two levels down (the document, its table), as its read found it."""
    deepest = depth({**small, **{table: {} for table in large}})
    return max([deepest, *(found.deepest for found in large.values())])


def _undo_to_drop(rounds: Iterable[Doc]) -> list[Any]:
    """The numbers of the rounds whose undo data is not needed: every round but the last
    applied one."""
    records = list(rounds)
    applied = [r.get("number") for r in records if r.get("status") == RoundStatus.applied]
    last = max((n for n in applied if isinstance(n, int)), default=None)
    return [
        record.get("number")
        for record in records
        if "undo" in record
        and (record.get("number") != last or record.get("status") != RoundStatus.applied)
    ]


def _nested_undo(record: Doc) -> bool:
    """Earlier rounds nested in a round's undo data (schema 2)."""
    undo = record.get("undo")
    return isinstance(undo, dict) and "rounds" in undo


def check_shape(
    db: Repository,
    file_size: int,
    data: dict[str, Any] | None = None,
    large: dict[str, _Pass] | None = None,
) -> list[Problem]:
    """What is wrong with the document's shape rather than its records: undo data of
    more than the last round, nesting deeper than the schema has, a padded file (none
    without a file: ``file_size`` 0). ``data`` and ``large``: the tables, if read
    already."""
    from lou_library.store import encode

    if data is None:
        data = _small_tables(db)
    if large is None:
        large = _large_tables(db)
    rounds = list((data.get(ROUNDS) or {}).values())
    problems: list[Problem] = []
    stale = _undo_to_drop(rounds)
    for number in stale:
        problems.append(Problem("stale_undo", str(number), M.CHECK_STALE_UNDO(number=number)))
    for record in rounds:
        number = record.get("number")
        if _nested_undo(record) and number not in stale:
            problems.append(Problem("stale_undo", str(number), M.CHECK_NESTED_UNDO(number=number)))
    found = _depth(data, large)  # the shape of the whole file is the point
    if found > MAX_DEPTH:
        problems.append(Problem("too_deep", "—", M.CHECK_TOO_DEEP(depth=found, limit=MAX_DEPTH)))
    if file_size <= PADDING_SLACK:  # no file (a server), or too small to be padded
        return problems
    encoded_size = len(encode(db.document()))
    if file_size > encoded_size * PADDING_RATIO + PADDING_SLACK:
        problems.append(
            Problem(
                "padded_file",
                "—",
                M.CHECK_PADDED(size=_mb(file_size), needed=_mb(encoded_size)),
            )
        )
    return problems


def repair_shape(db: Repository, problems: list[Problem]) -> int:
    """Drop undo data no command can use (older rounds', and earlier rounds nested in the
    last one's). Nothing any command shows is lost: the rounds themselves stay. A padded
    file needs no change of its own: the repair's write is compact. Returns how many
    problems were fixed. Works on the file's rows, like :func:`repair`."""
    if not any(p.kind in STRUCTURE_KINDS for p in problems):
        return 0
    changed = sum(1 for p in problems if p.kind == "padded_file")
    document = db.document()
    rounds = list((document.get(ROUNDS) or {}).values())
    stale = set(_undo_to_drop(rounds))
    for record in rounds:
        if record.get("number") in stale:
            record.pop("undo", None)
            changed += 1
        elif _nested_undo(record):
            changed += record["undo"].pop("rounds") is not None
    db.load(document)  # written compact, whatever changed
    return changed


def _mb(size: int) -> str:
    return f"{size / 1e6:.1f} MB"
