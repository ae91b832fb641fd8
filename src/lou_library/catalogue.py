"""Books: one record per physical copy, its place, its status and its history.

A book is ``in_box`` (``box`` names it), ``in_depot`` (the community library room),
``not_seen`` (a volunteer did not find it; residents take books home, so it may come
back), ``lost`` or ``withdrawn``. Every change of place or status is an event.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any, Generic, TypeVar

from lou_library import clock
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid
from lou_library.i18n import Msg
from lou_library.network import DEPOT, MAX_CAPACITY, box_count, box_row, get_box
from lou_library.records import (
    BOOKS,
    BOXES,
    CATEGORIES,
    EVENTS,
    ROUNDS,
    VOLUNTEERS,
    Doc,
    event,
    find,
    leg_books,
    log,
    remember,
    round_legs,
)
from lou_library.repository import Key, Repository
from lou_library.schema import (
    Audience,
    Book,
    BookStatus,
    BoxStatus,
    Category,
    Condition,
    Event,
    EventKind,
    Source,
    vocabulary_of,
)
from lou_library.text import clean, fold, pinyin_keys, require

STATUSES = vocabulary_of(BookStatus)  # the vocabularies live in lou_library.schema
ON_SHELF = (BookStatus.in_box.value, BookStatus.in_depot.value)
AUDIENCES = vocabulary_of(Audience)
CONDITIONS = vocabulary_of(Condition)
MAX_COPIES = 1000
R = TypeVar("R")

BUILTIN_CATEGORIES: dict[str, tuple[str, str]] = {
    "history": ("历史", "History"),
    "politics": ("政治", "Politics"),
    "fiction": ("小说", "Fiction"),
    "children": ("儿童读物", "Children's books"),
    "science": ("科普", "Popular science"),
    "other": ("其他", "Other"),
}
_CATEGORY_ALIASES = {
    "儿童": "children",
    "少儿": "children",
    "童书": "children",
    "绘本": "children",
    "kids": "children",
    "children's": "children",
    "childrens": "children",
    "popularscience": "science",
    "科学": "science",
    "科普读物": "science",
    "文学": "fiction",
    "novel": "fiction",
    "novels": "fiction",
    "历史类": "history",
    "党建": "politics",
    "时政": "politics",
}
_CATEGORY_KEY = re.compile(r"^[a-z][a-z0-9_-]{1,23}$")


def book_code(number: int) -> str:
    return f"B{number:05d}"


def code_order(code: str) -> tuple[int, str]:
    """Natural order for codes: B99999 before B100000."""
    return len(code), code


# ----------------------------------------------------------------------- categories


def categories(db: Repository) -> dict[str, tuple[str, str]]:
    """Every category key with its Chinese and English names, built-in ones first."""
    found = dict(BUILTIN_CATEGORIES)
    for doc in db.all(CATEGORIES):
        found[doc["key"]] = (doc["zh"], doc["en"])
    return found


def resolve_category(known: dict[str, tuple[str, str]], text: str | None) -> str:
    """A key from what people type: ``history``, ``历史``, ``历史类``, ``History``."""
    raw = clean(text)
    if not raw:
        return "other"
    wanted = fold(raw)
    for key, (zh, en) in known.items():
        if wanted in (key, fold(zh), fold(en), fold(zh) + "类"):
            return key
    alias = _CATEGORY_ALIASES.get(wanted) or _CATEGORY_ALIASES.get(wanted.removesuffix("类"))
    if alias:
        return alias
    raise Invalid(
        M.BAD_CATEGORY,
        value=raw,
        choices=", ".join(f"{k} ({zh})" for k, (zh, _) in known.items()),
    )


def add_category(db: Repository, key: str, zh: str, en: str | None) -> Category:
    key = clean(key).lower()
    if not _CATEGORY_KEY.match(key):
        raise Invalid(M.BAD_CATEGORY_KEY, value=key)
    zh = require(zh, "--zh")
    en_name = clean(en) or key
    known = categories(db)
    if key in known:
        raise Conflict(M.DUPLICATE_CODE, code=key)
    for other, (other_zh, other_en) in known.items():
        if fold(zh) == fold(other_zh) or fold(en_name) == fold(other_en):
            raise Conflict(M.DUPLICATE_CATEGORY_NAME, name=zh, key=other)
    record: Category = {"key": key, "zh": zh, "en": en_name}
    db.add(CATEGORIES, [record])
    return record


# ----------------------------------------------------------------------------- ISBN


def _isbn_digits(text: str) -> str:
    """An ISBN as typed, without hyphens, dashes, spaces (also full-width) or ``ISBN:``."""
    value = re.sub(r"[\s\-‐‑–—]", "", unicodedata.normalize("NFKC", text)).upper()
    return value.removeprefix("ISBN").lstrip(":：")


def normalise_isbn(text: str | None) -> str:
    """Digits (and a final X) of a valid ISBN-10 or ISBN-13, or '' when none was given.

    Hyphens and spaces (also full-width ones) are accepted; a wrong check digit is not,
    nor an EAN-13 that is no book's (python-stdnum checks the ``978``/``979`` prefix).
    """
    from stdnum import isbn

    raw = clean(text)
    if not raw:
        return ""
    value = _isbn_digits(raw)
    if not isbn.is_valid(value):
        raise Invalid(M.BAD_ISBN, value=raw)
    return value


def isbn13(isbn: str) -> str:
    """The ISBN-13 of a normalised ISBN: an ISBN-10 gains ``978`` and a new check digit.

    Exports write this form: it never starts with 0, so a spreadsheet that reads the cell
    as a number cannot drop a leading zero.
    """
    from stdnum.isbn import to_isbn13

    return isbn if len(isbn) != 10 else str(to_isbn13(isbn))


def zero_restored(cell: str) -> str:
    """An ISBN-10 whose leading 0 a spreadsheet ate: ``306406152`` gives ``0306406152``
    when that is a valid ISBN-10 (its check digit says so), else the cell unchanged."""
    from stdnum import isbn

    value = re.sub(r"[\s\-]", "", unicodedata.normalize("NFKC", cell)).upper()
    if len(value) == 9 and isbn.is_valid("0" + value):
        return "0" + value
    return cell


def same_isbn(a: str, b: str) -> bool:
    """Two normalised ISBNs of one book (an ISBN-10 and its ISBN-13)."""
    return isbn13(a) == isbn13(b)


# ---------------------------------------------------------------------------- books


@dataclass
class BookSpec:
    """A book to be created, already validated (see :func:`check_spec`)."""

    title: str
    author: str = ""
    isbn: str = ""
    category: str = "other"
    audience: Audience = Audience.general
    condition: Condition = Condition.good
    box: str | None = None
    source: Source = Source.stock
    donor: str = ""
    note: str = ""
    copies: int = 1


def check_choice(value: str | None, choices: Sequence[str], what: str, default: str) -> str:
    cleaned = clean(value).lower()
    if not cleaned:
        return default
    aliases = {
        "儿童": Audience.children,
        "少儿": Audience.children,
        "一般": Audience.general,
        "大众": Audience.general,
        "成人": Audience.general,
        "好": Condition.good,
        "良好": Condition.good,
        "完好": Condition.good,
        "旧": Condition.worn,
        "较旧": Condition.worn,
        "破损": Condition.damaged,
        "损坏": Condition.damaged,
    }
    cleaned = aliases.get(cleaned, cleaned)
    if cleaned not in choices:
        raise Invalid(M.BAD_CHOICE, what=what, value=value, choices=", ".join(choices))
    return cleaned


def check_spec(
    known_categories: dict[str, tuple[str, str]],
    boxes: dict[str, Doc],
    *,
    title: str | None,
    author: str | None = None,
    isbn: str | None = None,
    category: str | None = None,
    audience: str | None = None,
    condition: str | None = None,
    box: str | None = None,
    copies: int = 1,
    source: str = Source.stock,
    donor: str | None = None,
    note: str | None = None,
) -> BookSpec:
    """Every rule a new book must pass, without touching the DB (imports check all rows)."""
    from lou_library.records import normalise_code, suggest

    box_code = None
    if box is not None and clean(box):
        box_code = normalise_code(box)
        if box_code in (DEPOT, "社区图书室"):
            box_code = None
        elif box_code not in boxes:
            raise Invalid(M.NO_BOX, code=box, hint=suggest(box_code, boxes))
        elif boxes[box_code]["status"] != BoxStatus.active:
            raise Conflict(
                M.BOX_NOT_ACTIVE, code=box_code, status=M.STATUS_NAMES[boxes[box_code]["status"]]()
            )
    if not 1 <= copies <= MAX_COPIES:
        raise Invalid(M.BAD_COPIES, value=copies, limit=MAX_COPIES)
    resolved = resolve_category(known_categories, category)
    return BookSpec(
        title=require(title, M.FIELD_TITLE()),
        author=clean(author),
        isbn=normalise_isbn(isbn),
        category=resolved,
        audience=Audience(
            check_choice(
                audience,
                AUDIENCES,
                M.COL_AUDIENCE(),
                Audience.children if resolved == "children" else Audience.general,
            )
        ),
        condition=Condition(check_choice(condition, CONDITIONS, M.COL_CONDITION(), Condition.good)),
        box=box_code,
        source=Source(source),
        donor=clean(donor),
        note=clean(note),
        copies=copies,
    )


def check_room(
    boxes: dict[str, Doc],
    counts: Counter[str],
    specs: Iterable[BookSpec],
    line: Msg = M.BOX_OVER_CAPACITY_LINE,
) -> None:
    """Refuse books that would overfill a box (all boxes are checked at once)."""
    wanted: Counter[str] = Counter()
    for spec in specs:
        if spec.box:
            wanted[spec.box] += spec.copies
    over = [
        line(code=code, now=counts[code], adding=n, capacity=boxes[code]["capacity"])
        for code, n in sorted(wanted.items())
        if counts[code] + n > boxes[code]["capacity"]
    ]
    if over:
        raise Conflict(M.BOX_OVER_CAPACITY, details=over)


def create_books(db: Repository, specs: Sequence[BookSpec], command: str) -> list[Book]:
    """Insert every copy of every spec in one batch, with an ``added`` event each."""
    first = db.reserve("book", sum(spec.copies for spec in specs))
    known = _known_keys(db, specs)
    stamp = clock.stamp()
    today = stamp[:10]
    created: list[Book] = []
    events: list[Event] = []
    number = first
    for spec in specs:
        title_py, title_in = known.get(("title", spec.title)) or pinyin_keys(spec.title)
        author_py, author_in = (
            (known.get(("author", spec.author)) or pinyin_keys(spec.author))
            if spec.author
            else ("", "")
        )
        for _ in range(spec.copies):
            code = book_code(number)
            number += 1
            record: Book = {
                "code": code,
                "title": spec.title,
                "author": spec.author,
                "isbn": spec.isbn,
                "category": spec.category,
                "audience": spec.audience,
                "condition": spec.condition,
                "source": spec.source,
                "donor": spec.donor,
                "added_on": today,
                "status": BookStatus.in_box if spec.box else BookStatus.in_depot,
                "box": spec.box,
                "last_box": spec.box,
                "note": spec.note,
                "py": f"{title_py}|{author_py}",
                "pyi": f"{title_in}|{author_in}",
            }
            created.append(record)
            events.append(
                event(
                    EventKind.donated if spec.source == Source.donation else EventKind.added,
                    code,
                    command,
                    target=spec.box or DEPOT,
                    at=stamp,
                )
            )
    taken = db.get_many(BOOKS, [book["code"] for book in created])  # (a counter set back)
    if taken:
        raise Conflict(M.BOOK_CODE_TAKEN, code=next(iter(taken)))
    db.add(BOOKS, created)
    log(db, events)
    return created


def _known_keys(
    db: Repository, specs: Sequence[BookSpec]
) -> dict[tuple[str, str], tuple[str, str]]:
    """Pinyin keys of titles already in the catalogue and of their authors, so a new copy
    of a known book does not need pypinyin (whose dictionaries take 0.2 s to load). One
    copy of each title is read, by the title (a server's index), not the catalogue."""
    authors = {s.author for s in specs if s.author}
    known: dict[tuple[str, str], tuple[str, str]] = {}
    for doc in db.first_of(BOOKS, "title", {s.title for s in specs}).values():
        full, initials = doc.get("py", "|").split("|"), doc.get("pyi", "|").split("|")
        if len(full) == 2 and len(initials) == 2:
            known.setdefault(("title", doc["title"]), (full[0], initials[0]))
            if doc.get("author") in authors:
                known.setdefault(("author", doc["author"]), (full[1], initials[1]))
    return known


def all_boxes(db: Repository) -> dict[str, Doc]:
    """Every box by code (checking a new book's box, with suggestions; listing books)."""
    return {doc["code"]: doc for doc in db.all(BOXES)}


def boxes_of(db: Repository, books: Iterable[Mapping[str, Any]]) -> dict[str, Doc]:
    """The boxes some books are in, by code (one keyed query), for :func:`book_row`."""
    codes = list(dict.fromkeys(code for book in books if (code := book.get("box"))))
    return {str(code): box for code, box in db.get_many(BOXES, codes).items()}


def known_category(db: Repository, title: str | None) -> str | None:
    """The category of a copy of the same title already in the catalogue, if any: a
    second copy of 平凡的世界 is fiction too, without the manager saying so."""
    wanted = clean(title)
    if not wanted:
        return None
    for doc in db.where(BOOKS, "title", wanted):
        category: str = doc["category"]
        return category
    return None


def add_book(
    db: Repository, *, force: bool = False, command: str = "book add", **fields: Any
) -> list[Book]:
    boxes = all_boxes(db)
    if not fields.get("category"):
        fields["category"] = known_category(db, fields.get("title"))
    spec = check_spec(categories(db), boxes, **fields)
    if not force:
        check_room(boxes, box_count(db, spec.box) if spec.box else Counter(), [spec])
    return create_books(db, [spec], command)


def site_of(boxes: dict[str, Doc], box: str | None) -> str | None:
    if box is None:
        return None
    found = boxes.get(box)
    return found["site"] if found else None


def book_row(doc: Mapping[str, Any], boxes: dict[str, Doc], show_contact: bool = False) -> Doc:
    box = doc.get("box")
    return {
        "code": doc["code"],
        "title": doc["title"],
        "author": doc.get("author", ""),
        "isbn": doc.get("isbn", ""),
        "category": doc["category"],
        "status": doc["status"],
        "box": box,
        "site": site_of(boxes, box) or (DEPOT if doc["status"] == BookStatus.in_depot else None),
        "last_box": doc.get("last_box"),
        "audience": doc.get("audience", Audience.general),
        "condition": doc.get("condition", Condition.good),
        "source": doc.get("source", Source.stock),
        "donor": doc.get("donor", "") if show_contact else ("***" if doc.get("donor") else ""),
        "added_on": doc.get("added_on", ""),
        "note": doc.get("note", ""),
        **({"entered_in_error": True} if doc.get("entered_in_error") else {}),
    }


@dataclass
class BookPage:
    items: list[Doc]
    total: int
    offset: int
    limit: int
    counts: dict[str, int] = field(default_factory=dict)


def _matches(doc: Doc, query: str) -> bool:
    """Title or author contain the query, or their pinyin (full or initials) does, or it
    is the book's code or part of its ISBN."""
    q = fold(query)
    if not q:
        return True
    if q in fold(doc["title"]) or q in fold(doc.get("author", "")):
        return True
    if not q.isascii():
        return False
    if q == doc["code"].lower() or (
        len(q) >= 4 and q.replace("-", "") in doc.get("isbn", "").lower()
    ):
        return True
    return any(
        q in part for part in (*doc.get("py", "").split("|"), *doc.get("pyi", "").split("|"))
    )


_LISTED = ("code", "status", "box", "category", "py")  # what a listing filters and sorts by


def _candidates(db: Repository, box: str | None, text: str | None) -> Iterable[tuple[Any, ...]]:
    """The books a listing filters further, as their :data:`_LISTED` fields and the
    record a search matches against (else None): a box's, else those a search may find,
    else all (one pass, a batch at a time: a listing keeps only the codes it sorts and
    the page's records; the status is filtered as the books go by). All of them are read
    as five fields each, not whole records: a county's catalogue holds 1,000,000."""
    if box or (text and fold(text)):
        docs = db.where(BOOKS, "box", box) if box else db.search(BOOKS, fold(text or ""))
        return ((*(d.get(f) for f in _LISTED), d) for d in docs)
    return ((*fields, None) for fields in db.values(BOOKS, *_LISTED))


def list_books(
    db: Repository,
    *,
    site: str | None = None,
    box: str | None = None,
    category: str | None = None,
    status: str | None = None,
    text: str | None = None,
    limit: int = 50,
    offset: int = 0,
    by_pinyin: bool = False,
    show_contact: bool = False,
) -> BookPage:
    """Filter, sort (by code, or by pinyin of the title for searches), then page."""
    from lou_library.network import get_site

    site_code = get_site(db, site)["code"] if site else None
    # a site's boxes tell which books are there; else only the listed page's boxes are read
    boxes = {b["code"]: b for b in db.where(BOXES, "site", site_code)} if site_code else {}
    box_code = get_box(db, box)["code"] if box else None
    category_key = resolve_category(categories(db), category) if category else None
    if status is not None and status not in STATUSES:
        raise Invalid(M.BAD_CHOICE, what="--status", value=status, choices=", ".join(STATUSES))
    if limit < 1 or offset < 0:
        raise Invalid(M.BAD_PAGE)
    # each book found as its sort key and status: the page's records are read at the end
    # (those a search or a box has read already are kept: not fetched a second time)
    found: list[tuple[Any, str]] = []
    read: dict[Any, Doc] = {}
    for code, book_status, in_box, kind, py, doc in _candidates(db, box_code, text):
        if site_code:
            place = DEPOT if book_status == BookStatus.in_depot else site_of(boxes, in_box)
            if place != site_code:
                continue
        if category_key and kind != category_key:
            continue
        if status and book_status != status:
            continue
        if doc is not None and not _matches(doc, text or ""):
            continue
        order = code_order(code)
        found.append(((py or "", order) if by_pinyin else order, book_status))
        if doc is not None:
            read[code] = doc
    found.sort(key=itemgetter(0))
    codes = [key[1][1] if by_pinyin else key[1] for key, _ in found[offset : offset + limit]]
    records = read if read else db.get_many(BOOKS, codes)
    page = [records[code] for code in codes]
    if not site_code:
        boxes = boxes_of(db, page)
    return BookPage(
        items=[book_row(d, boxes, show_contact) for d in page],
        total=len(found),
        offset=offset,
        limit=limit,
        counts=dict(Counter(status for _, status in found)),
    )


def get_book(db: Repository, code: str) -> Doc:
    return find(db, BOOKS, code, M.NO_BOOK)


def show_book(db: Repository, code: str, show_contact: bool = False) -> Doc:
    doc = get_book(db, code)
    return book_row(doc, boxes_of(db, [doc]), show_contact)


def history(db: Repository, code: str) -> tuple[Doc, list[Doc]]:
    """A book's journey: its events, and the rotation moves of every applied round.

    A round keeps its moves once, as legs in the ``moves`` table, rather than an event per
    book; they are read back here as ``rotated`` events, in time order.
    """
    doc = get_book(db, code)
    book = doc["code"]
    found = [{**e, "_order": (n, 0)} for n, e in db.entries_where(EVENTS, "book", [book])]
    legs_of_round = round_legs(db)
    # (four fields of each round, not the last round's undo data)
    rounds = db.values(ROUNDS, "number", "events_before", "applied_at", "date")
    for number, events_before, applied_at, day in rounds:
        # records from before events_before existed go last within their moment, by number
        order = (float("inf") if events_before is None else events_before) + 0.5, number
        for leg in legs_of_round.get(number, ()):
            if book in leg_books(leg):
                source, target = leg["from"], leg["to"]
                found.append(
                    {
                        "at": day if applied_at is None else applied_at,
                        "action": EventKind.rotated,
                        "book": book,
                        "command": "rotate apply",
                        "from": source,
                        "to": target,
                        "note": f"round {number}",
                        "_order": order,
                    }
                )
    found += _seen_in_stocktakes(db, book)
    # In time order; within one moment (a pinned clock), in the order things happened.
    found.sort(key=lambda e: (e["at"], e["_order"]))
    return book_row(doc, boxes_of(db, [doc])), [
        {k: v for k, v in e.items() if k != "_order"} for e in found
    ]


def _seen_in_stocktakes(db: Repository, book: str) -> list[Doc]:
    """``seen`` entries: the stocktakes that found the book where it was recorded. They
    change nothing, so they are read back from the stocktakes rather than stored as an
    event per book (issue 17)."""
    from lou_library.repository import STOCKTAKES

    found = []
    for record in db.all(STOCKTAKES):
        if book not in record["present"] or "undone_at" in record:
            continue
        entry = {
            "at": record["at"],
            "action": EventKind.seen,
            "book": book,
            "command": record["command"],
            "to": record["box"],
            "note": f"stocktake {record['id']}",
            "_order": (record.get("events_before", float("inf")) + 0.5, record["id"]),
        }
        if record.get("volunteer"):
            entry["volunteer"] = record["volunteer"]
        found.append(entry)
    return found


def _move(
    db: Repository,
    doc: Doc,
    changes: Doc,
    action: EventKind,
    command: str,
    note: str = "",
) -> Doc:
    source = doc.get("box") or (DEPOT if doc["status"] == BookStatus.in_depot else None)
    target = changes.get("box", doc.get("box")) or (
        DEPOT if changes.get("status", doc["status"]) == BookStatus.in_depot else None
    )
    db.update(BOOKS, {doc["code"]: changes})
    log(db, [event(action, doc["code"], command, source=source, target=target, note=note or None)])
    if target and target not in (DEPOT, source):
        remember(db, {target: [doc["code"]]})
    return {**doc, **changes}


def place_book(db: Repository, code: str, box: str | None, *, force: bool, command: str) -> Doc:
    """Put a book on the shelf: into ``box``, or into the depot when ``box`` is None."""
    doc = get_book(db, code)
    if doc["status"] not in ON_SHELF:  # missing, lost or withdrawn: `book found` brings it back
        raise Conflict(
            M.BOOK_NOT_ON_SHELF, code=doc["code"], status=M.STATUS_NAMES[doc["status"]]()
        )
    if box is None:
        changes: Doc = {"box": None, "status": BookStatus.in_depot}
        if doc.get("box"):
            changes["last_box"] = doc["box"]
    else:
        box_doc = get_box(db, box)
        if box_doc["status"] != BoxStatus.active:
            raise Conflict(
                M.BOX_NOT_ACTIVE, code=box_doc["code"], status=M.STATUS_NAMES[box_doc["status"]]()
            )
        if doc.get("box") == box_doc["code"] and doc["status"] == BookStatus.in_box:
            raise Conflict(M.BOOK_ALREADY_THERE, code=doc["code"], box=box_doc["code"])
        if not force:
            check_room(
                {box_doc["code"]: box_doc},
                box_count(db, box_doc["code"]),
                [BookSpec("", box=box_doc["code"])],
            )
        changes = {"box": box_doc["code"], "status": BookStatus.in_box, "last_box": box_doc["code"]}
    moved = _move(db, doc, changes, EventKind.moved, command)
    return book_row(moved, boxes_of(db, [moved]))


def edit_book(db: Repository, code: str, **fields: str | None) -> Doc:
    doc = get_book(db, code)
    changes: Doc = {}
    if fields.get("title") is not None:
        changes["title"] = require(fields["title"], M.FIELD_TITLE())
    if fields.get("author") is not None:
        changes["author"] = clean(fields["author"])
    if fields.get("isbn") is not None:
        changes["isbn"] = normalise_isbn(fields["isbn"])
    if fields.get("category") is not None:
        changes["category"] = resolve_category(categories(db), fields["category"])
    if fields.get("audience") is not None:
        changes["audience"] = check_choice(
            fields["audience"], AUDIENCES, "--audience", Audience.general
        )
    if fields.get("condition") is not None:
        changes["condition"] = check_choice(
            fields["condition"], CONDITIONS, "--condition", Condition.good
        )
    if fields.get("note") is not None:
        changes["note"] = clean(fields["note"])
    if not changes:
        raise Invalid(M.NOTHING_TO_CHANGE)
    changes.update(search_keys(doc, changes))
    db.update(BOOKS, {doc["code"]: changes})
    described = ", ".join(sorted(k for k in changes if k not in ("py", "pyi")))
    log(db, [event(EventKind.edited, doc["code"], "book edit", note=described)])
    edited = {**doc, **changes}
    return book_row(edited, boxes_of(db, [edited]))


def search_keys(doc: Doc, changes: Doc) -> Doc:
    """The pinyin search keys (``py``, ``pyi``) again when a change touches the title or
    the author, else nothing."""
    if "title" not in changes and "author" not in changes:
        return {}
    title_py, title_in = pinyin_keys(changes.get("title", doc["title"]))
    author = changes.get("author", doc.get("author", ""))
    author_py, author_in = pinyin_keys(author) if author else ("", "")
    return {"py": f"{title_py}|{author_py}", "pyi": f"{title_in}|{author_in}"}


def update_books(db: Repository, changes: Mapping[str, Doc], command: str) -> None:
    """Apply validated field changes (``book code -> {field: value}``) in one pass, with an
    ``edited`` event per copy naming the fields, as ``book edit`` logs them."""
    if not changes:
        return
    full: dict[Key, Doc] = {}
    events: list[Event] = []
    stamp = clock.stamp()
    docs = db.get_many(BOOKS, changes)  # one query for the batch
    for code, fields in changes.items():
        doc = docs.get(code)
        if doc is None:  # the import found these books a moment ago
            raise KeyError(f"{BOOKS} has no record {code!r}")
        full[code] = {**fields, **search_keys(doc, fields)}
        note = ", ".join(sorted(fields))
        events.append(event(EventKind.edited, code, command, note=note, at=stamp))
    db.update(BOOKS, full)
    log(db, events)


def withdraw_book(db: Repository, code: str, reason: str | None, *, mistake: bool = False) -> Doc:
    """Take a book out of the catalogue's stock. ``mistake``: the record was never a real
    book (a donation or a line entered twice): the donations report leaves it out."""
    doc = get_book(db, code)
    if doc["status"] == BookStatus.withdrawn:
        raise Conflict(M.BOOK_ALREADY_WITHDRAWN, code=doc["code"])
    in_depot = doc["status"] == BookStatus.in_depot  # (its last box is not where it was)
    changes: Doc = {
        "status": BookStatus.withdrawn,
        "box": None,
        "last_box": doc.get("box") or (DEPOT if in_depot else doc.get("last_box")),
    }
    if mistake:
        changes["entered_in_error"] = True
    moved = _move(db, doc, changes, EventKind.withdrawn, "book withdraw", clean(reason))
    return book_row(moved, boxes_of(db, [moved]))


def found_book(db: Repository, code: str, box: str | None, *, force: bool = False) -> Doc:
    """A book reported not seen or lost is back, or one withdrawn by mistake is taken back
    into the catalogue: in ``box`` if given, else in the depot. Its history says which."""
    doc = get_book(db, code)
    if doc["status"] not in (BookStatus.not_seen, BookStatus.lost, BookStatus.withdrawn):
        raise Conflict(M.BOOK_NOT_MISSING, code=doc["code"], status=M.STATUS_NAMES[doc["status"]]())
    changes: Doc
    if box is None:
        changes = {"status": BookStatus.in_depot, "box": None}
    else:
        box_doc = get_box(db, box)
        if box_doc["status"] != BoxStatus.active:
            raise Conflict(
                M.BOX_NOT_ACTIVE, code=box_doc["code"], status=M.STATUS_NAMES[box_doc["status"]]()
            )
        if not force:
            check_room(
                {box_doc["code"]: box_doc},
                box_count(db, box_doc["code"]),
                [BookSpec("", box=box_doc["code"])],
            )
        changes = {"status": BookStatus.in_box, "box": box_doc["code"], "last_box": box_doc["code"]}
    action = EventKind.restored if doc["status"] == BookStatus.withdrawn else EventKind.found
    if doc.get("entered_in_error"):  # a real book after all
        changes["entered_in_error"] = False
    moved = _move(db, doc, changes, action, "book found")
    return book_row(moved, boxes_of(db, [moved]))


def donate(
    db: Repository,
    *,
    box: str,
    title: str | None = None,
    author: str | None = None,
    isbn: str | None = None,
    category: str | None = None,
    donor: str | None = None,
    copies: int = 1,
) -> tuple[list[Book], bool]:
    """Register books a resident put into a box. They are there already, so a full box
    takes them anyway; the second value says it is now over capacity. With an ISBN the
    catalogue knows, what is not given comes from its copies (:mod:`lou_library.intake`)."""
    if clean(isbn):
        from lou_library.intake import from_isbn

        title, author, category = from_isbn(db, str(isbn), title, author, category)
    elif not clean(title):
        raise Invalid(M.DONATE_NEEDS_TITLE)
    boxes = all_boxes(db)
    spec = check_spec(
        categories(db),
        boxes,
        title=title,
        author=author,
        isbn=isbn,
        category=category or known_category(db, title),
        box=box,
        copies=copies,
        source=Source.donation,
        donor=donor,
    )
    if spec.box is None:
        raise Invalid(M.DONATE_NEEDS_BOX)
    created = create_books(db, [spec], "donate")
    remember(db, {spec.box: [book["code"] for book in created]})
    over = box_count(db, spec.box)[spec.box] > boxes[spec.box]["capacity"]
    return created, over


# ----------------------------------------------------------- what the commands show


def box_show(db: Repository, code: str) -> Doc:
    """``lou box show``: a box's row and the books in it (``contents``)."""
    doc = get_box(db, code)
    page = list_books(db, box=doc["code"], status=BookStatus.in_box, limit=MAX_CAPACITY)
    return {**box_row(doc, box_count(db, doc["code"])), "contents": page.items}


@dataclass(frozen=True)
class Answer(Generic[R]):
    """A command's result (what ``--json`` prints) and the names a person reads its codes
    by, for the table only: category key -> (Chinese, English), volunteer code -> name."""

    result: R
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)
    volunteers: dict[str, str] = field(default_factory=dict)


def page_result(page: BookPage) -> Doc:
    return {"books": page.items, "total": page.total, "offset": page.offset, "limit": page.limit}


def book_list(db: Repository, **filters: Any) -> Answer[Doc]:
    """``lou book list`` and ``lou book find``: a page of books (``filters`` as
    :func:`list_books` takes them)."""
    return Answer(page_result(list_books(db, **filters)), categories(db))


def book_show(db: Repository, code: str, show_contact: bool = False) -> Answer[Doc]:
    return Answer(show_book(db, code, show_contact), categories(db))


def _rows_of(db: Repository, created: Iterable[Mapping[str, Any]], show_contact: bool) -> Doc:
    boxes = boxes_of(db, created)
    rows = [book_row(doc, boxes, show_contact) for doc in created]
    return {"books": rows, "total": len(rows)}


def book_add(db: Repository, *, force: bool = False, **fields: Any) -> Doc:
    """``lou book add``: the new copies' rows, built before the change is saved (if that
    fails, nothing changed)."""
    return _rows_of(db, add_book(db, force=force, **fields), False)


def book_edit(
    db: Repository,
    code: str,
    edits: Mapping[str, str],
    *,
    box: str | None = None,
    to_depot: bool = False,
    force: bool = False,
) -> Doc:
    """``lou book edit``: change fields, and move the book into ``box`` or the depot."""
    if not edits and box is None and not to_depot:
        raise Invalid(M.NOTHING_TO_CHANGE)
    book = edit_book(db, code, **edits) if edits else show_book(db, code)
    if box is not None or to_depot:
        book = place_book(db, code, box, force=force, command="book edit")
    return book


def book_history(db: Repository, code: str) -> Answer[Doc]:
    """``lou book history``: the book, its events, and the names of the volunteers in them."""
    book, events = history(db, code)
    names = {}
    for code_ in sorted({e["volunteer"] for e in events if e.get("volunteer")}):
        person = db.get(VOLUNTEERS, code_)
        if person is not None:
            names[code_] = person["name"]
    return Answer({"book": book, "events": events, "total": len(events)}, volunteers=names)


def category_list(db: Repository) -> Doc:
    """``lou book category list``: every category with its books not withdrawn."""
    counts: Counter[str] = Counter()
    for (category, status), n in db.tally(BOOKS, "category", "status").items():
        if status != BookStatus.withdrawn:
            counts[category] += n
    found = [
        {"key": k, "zh": zh, "en": en, "books": counts[k]} for k, (zh, en) in categories(db).items()
    ]
    return {"categories": found, "total": len(found)}


def donate_books(db: Repository, *, show_contact: bool = False, **fields: Any) -> Doc:
    """``lou donate`` (``fields`` as :func:`donate` takes them): the new copies' rows and
    whether their box is now over capacity."""
    created, over = donate(db, **fields)
    return {**_rows_of(db, created, show_contact), "over_capacity": over}
