"""What the rules share on top of the repository: codes typed by people (normalised, with
"did you mean" suggestions), counters and settings in the meta record, history entries,
and a round's moves as stored (legs).

The rules reach the records only through :class:`lou_library.repository.Repository`.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from lou_library import clock
from lou_library.errors import NotFound
from lou_library.i18n import Msg
from lou_library.repository import (
    BOOKS,
    BOXES,
    CATEGORIES,
    EVENTS,
    IMPORTS,
    META,
    MOVES,
    ROUNDS,
    SITES,
    TASKS,
    VOLUNTEERS,
    Doc,
    Key,
    Repository,
)
from lou_library.schema import EventKind

if TYPE_CHECKING:
    from lou_library.schema import Event

# The rules' names for the tables, kept where they have always been imported from.
__all__ = [
    "BOOKS",
    "BOXES",
    "CATEGORIES",
    "EVENTS",
    "IMPORTS",
    "META",
    "MOVES",
    "ROUNDS",
    "SITES",
    "TASKS",
    "VOLUNTEERS",
    "Doc",
]


def normalise_code(text: str) -> str:
    """Codes are typed in many ways: ``zj-a03``, full-width ``ＺＪ－Ａ03``, with spaces."""
    return unicodedata.normalize("NFKC", text).strip().upper().replace(" ", "")


def find(db: Repository, table: str, code: str, missing: Msg) -> Doc:
    """The record with this code as a person typed it, or NotFound with the closest
    codes as suggestions."""
    wanted = normalise_code(code)
    found = db.get(table, wanted)
    if found is None:
        raise NotFound(missing, code=code, hint=code_hint(db, table, wanted))
    return found


def code_hint(db: Repository, table: str, wanted: str) -> str:
    """ "Did you mean" with the table's codes closest to ``wanted`` (normalised)."""
    if db.count(table) <= SCANNED:
        keys: Iterable[str] = (str(key) for key in db.keys(table))
    elif len(wanted) <= LONGEST_CODE + 1:  # a county's: the codes one keystroke away, by key
        keys = map(str, db.get_many(table, one_keystroke_away(wanted)))
    else:  # (a title pasted for a code: no code is one keystroke from it)
        return ""
    return suggest(wanted, keys)


SCANNED = 20_000  # records up to which every code is weighed for "did you mean"
LONGEST_CODE = 12  # characters (lou_library.network checks every code it is given)
_TYPED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-"  # what a code is made of, as normalised


def one_keystroke_away(code: str) -> list[str]:
    """Every code one keystroke from ``code``: a character left out, one too many, one
    wrong, two neighbours swapped (the typing slips a "did you mean" is for)."""
    found = {code[:i] + code[i + 1 :] for i in range(len(code))}
    found |= {code[:i] + code[i + 1] + code[i] + code[i + 2 :] for i in range(len(code) - 1)}
    for i in range(len(code) + 1):
        found.update(code[:i] + c + code[i:] for c in _TYPED)
        if i < len(code):
            found.update(code[:i] + c + code[i + 1 :] for c in _TYPED)
    found.discard(code)
    return sorted(found)


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


def next_number(db: Repository, counter: str, start: int = 1) -> int:
    """Reserve the next number of a counter kept in the meta record (codes are never reused)."""
    return db.reserve(counter, 1, start)


def settings(db: Repository) -> dict[str, Any]:
    return dict(db.meta().get("settings", {}))


def set_settings(db: Repository, settings: Mapping[str, Any]) -> None:
    """Put the whole settings record in place (the rules build it from :func:`settings`)."""
    meta = dict(db.meta())
    meta["settings"] = dict(settings)
    db.set_meta(meta)


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


def last_event(db: Repository) -> int:
    """The number of the newest history entry (0: none)."""
    return db.last_number(EVENTS)


def log(db: Repository, events: Sequence[Event]) -> None:
    """Append history entries, numbered after the last one."""
    db.add(EVENTS, events)


Move = tuple[str, str, str]  # (book, from, to); DEPOT for the library room


def legs_of(moves: Iterable[Sequence[str]]) -> list[Doc]:
    """A round's moves as stored: legs, runs of books carried from one place to another.

    Consecutive moves with the same ends share a leg, so the plan's order is kept exactly
    and a ring round of 2,400 moves takes about 200 legs. A leg's books are one string of
    codes: 7 bytes a book instead of 24 as one string per move, and one object to parse
    instead of one per book (after four years a round's moves were most of the file's
    objects; parsing it took twice as long with a list per leg: bench/README.md).
    """
    return [  # (the runs found by groupby, a C loop: a round's 2,400 moves in 200 legs)
        {"from": source, "to": target, "books": " ".join(map(MOVE_BOOK, run))}
        for (source, target), run in groupby(moves, key=MOVE_ENDS)
    ]


MOVE_BOOK, MOVE_ENDS = itemgetter(0), itemgetter(1, 2)  # a move's book, and its two ends


def leg_books(leg: Mapping[str, Any]) -> list[str]:
    return str(leg["books"]).split()


def moves_of(legs: Iterable[Mapping[str, Any]]) -> Iterable[Move]:
    """Every move of a round's legs, in the plan's order."""
    for leg in legs:
        for book in leg_books(leg):
            yield book, leg["from"], leg["to"]


def round_legs(db: Repository, numbers: Iterable[int] | None = None) -> dict[int, list[Doc]]:
    """Round number -> its legs, for the rounds named (all when None).

    The legs are the bulk of a programme's history (0.8 MB a round at 100,000 books), so
    they have a table of their own that only the commands showing moves read: a command
    that plans, applies or lists never parses them (see :class:`lou_library.store.Document`).
    """
    if numbers is None:
        return {int(r["round"]): r["legs"] for r in db.all(MOVES)}
    found = {}
    for number in sorted(set(numbers)):
        record = db.get(MOVES, number)
        if record is not None:
            found[number] = record["legs"]
    return found


def applied_rounds(db: Repository) -> list[int]:
    """The numbers of the rounds applied. (Two fields of each round: the last one holds
    the undo data of every book it moved, 800,000 on a county's network.)"""
    return [int(n) for n, status in db.values(ROUNDS, "number", "status") if status == "applied"]


def remember(db: Repository, arrivals: Mapping[str, Iterable[str]]) -> None:
    """Books that came into boxes between rounds (found there, donated into it, put there
    by hand): each box's memory gets them under the last round applied ("0" before the
    first), so the planner does not bring the same copy, or its title, back too soon."""
    if not arrivals:  # (a walk's report with no book found elsewhere: every one but a few)
        return
    key = str(max(applied_rounds(db), default=0))
    changes: dict[Key, Doc] = {}
    for box, codes in arrivals.items():
        doc = db.get(BOXES, box)
        if doc is None:
            continue
        recent = dict(doc.get("recent") or {})
        had = recent.get(key, "").split()
        new = [code for code in codes if code not in had]
        if new:
            recent[key] = " ".join([*had, *new])
            changes[box] = {"recent": recent}
    if changes:
        db.update(BOXES, changes)
