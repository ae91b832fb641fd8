"""``lou rotate simulate``: play rounds on an in-memory copy and measure their quality.

Every round goes through the same code as the real commands: ``plan_round``,
``apply_round`` and ``complete_task`` (``plan_round`` with a
:class:`lou_library.planner.Recollection`, so what one round's plan works out of the
boxes' memories serves the next: the same plan, made faster). Only the volunteers'
reports are made up (each book a task handles is missing with probability ``loss``); a
task's books are taken from the plan's moves, not from its stored pick list (what
``task list`` shows: the tests check that the two agree, not each simulated round),
missing books come back with probability ``returns`` each round, and residents donate
``donations`` books a round.
The real DB is never written: the simulation keeps the document as the bytes its file
would hold (:class:`lou_library.store.MemoryFile`), encoded at the end of each round as
the commands' writes encode it, so whatever would break the file breaks the simulation
too, each round reports the size the file would have, and at the end the document must
be exactly what those bytes decode to.

The software must never create or lose a book: after every apply, the set of book codes
is checked against the set before (plus donations), and every book that was on a shelf
(in a box or in the depot) must still be on one.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import compress, repeat
from operator import eq, is_, itemgetter
from typing import Any

from lou_library import clock, collector, planner, rotation
from lou_library.catalogue import donate, found_book
from lou_library.records import BOOKS, BOXES, TASKS, VOLUNTEERS, Doc, Move, set_settings, settings
from lou_library.repository import Repository
from lou_library.schema import BookStatus
from lou_library.store import MemoryFile, RawData


@dataclass
class RoundFigures:
    round: int
    date: str
    moves: int
    arrivals: int
    fresh: int
    freshness: float
    fresh_titles: int
    title_freshness: float
    inside_site: float  # moves (legs) inside a site
    changed_box: int  # books that came into a box from another box (:func:`rotation.changed_box`)
    stay_in_site: float  # the share of them whose new box is in the site of their last
    from_depot: int
    to_depot: int
    tasks: int
    capacity_violations: int
    reported_missing: int
    returned: int
    donated: int
    short: int
    handovers: int  # books one walk takes out and another puts in
    heaviest_leg: int  # the most books in one person's hands between two stops
    most_from_depot: int  # the most books one task takes from the library room
    unassigned: int  # tasks nobody could take
    double_titles: int  # boxes holding two copies of one title after the round
    depot_books: int  # books in the library room after the round
    file_bytes: int  # the size the DB file would have after the round's reports


@dataclass
class Simulation:
    rounds: list[RoundFigures] = field(default_factory=list)
    loads: dict[str, int] = field(default_factory=dict)
    books_created: int = 0
    books_lost_by_software: int = 0

    forecast: dict[str, Any] = field(default_factory=dict)

    def totals(self) -> dict[str, Any]:
        arrivals = sum(r.arrivals for r in self.rounds)
        moves = sum(r.moves for r in self.rounds)
        fresh = sum(r.fresh for r in self.rounds)
        fresh_titles = sum(r.fresh_titles for r in self.rounds)
        inside = sum(round(r.inside_site * r.moves) for r in self.rounds)
        changed = sum(r.changed_box for r in self.rounds)
        stayed = sum(round(r.stay_in_site * r.changed_box) for r in self.rounds)
        loads = list(self.loads.values())
        lightest = min(loads) if loads else 0
        return {
            "rounds": len(self.rounds),
            "moves": moves,
            "freshness": round(fresh / arrivals, 4) if arrivals else 1.0,
            "title_freshness": round(fresh_titles / arrivals, 4) if arrivals else 1.0,
            "handovers_per_round": max((r.handovers for r in self.rounds), default=0),
            "heaviest_leg": max((r.heaviest_leg for r in self.rounds), default=0),
            "most_from_depot": max((r.most_from_depot for r in self.rounds), default=0),
            "unassigned": sum(r.unassigned for r in self.rounds),
            "double_titles": self.rounds[-1].double_titles if self.rounds else 0,
            "inside_site": round(inside / moves, 4) if moves else 1.0,
            "changed_box": changed,
            "stay_in_site": round(stayed / changed, 4) if changed else 1.0,
            "max_load": max(loads) if loads else 0,
            "min_load": lightest,
            "max_min_load": round(max(loads) / lightest, 3) if lightest else None,
            "capacity_violations": sum(r.capacity_violations for r in self.rounds),
            "books_created": self.books_created,
            "books_lost_by_software": self.books_lost_by_software,
            "reported_missing": sum(r.reported_missing for r in self.rounds),
            "returned": sum(r.returned for r in self.rounds),
            "donated": sum(r.donated for r in self.rounds),
            "short": sum(r.short for r in self.rounds),
            "file_bytes": self.rounds[-1].file_bytes if self.rounds else None,
            "forecast": self.forecast,
        }

    def document(self) -> dict[str, Any]:
        """The simulation as plain data (``lou rotate simulate --json``)."""
        return {
            "rounds": [vars(r) for r in self.rounds],
            "totals": self.totals(),
            "loads": self.loads,
        }


@dataclass
class _Shelf:
    """The books at one moment: the repository's records (a simulation's are changed in
    place, so the same objects later hold the books as they are then) and each one's
    status at that moment."""

    books: list[Doc]
    statuses: list[str]

    @classmethod
    def of(cls, db: Repository) -> _Shelf:
        books = list(db.all(BOOKS))
        return cls(books, list(map(itemgetter("status"), books)))

    def in_boxes(self) -> list[Doc]:
        return list(compress(self.books, map(eq, self.statuses, repeat(BookStatus.in_box))))


_ON_SHELF = (BookStatus.in_box, BookStatus.in_depot)


def _software_losses(before: _Shelf, after: _Shelf) -> tuple[int, int]:
    """(books the software created, books it lost or took off the shelf) from ``before``
    to ``after``: a book gone, or on a shelf (in a box or in the depot) before and not
    after."""
    if len(before.books) == len(after.books) and all(map(is_, before.books, after.books)):
        # the same records in the same order: only their statuses can differ
        changed = Counter(zip(before.statuses, after.statuses, strict=True))
        fell_off = sum(n for (s, t), n in changed.items() if s in _ON_SHELF and t not in _ON_SHELF)
        return 0, fell_off
    was = dict(zip(map(itemgetter("code"), before.books), before.statuses, strict=True))
    now = dict(zip(map(itemgetter("code"), after.books), after.statuses, strict=True))
    lost = [c for c in was if c not in now]
    gone = [c for c, s in was.items() if s in _ON_SHELF and now.get(c) not in _ON_SHELF]
    return len(set(now) - set(was)), len(lost) + len(gone)


def _double_titles(books: list[Doc], copies: Counter[str], title_of: dict[str, str]) -> int:
    """Boxes that hold two copies of one title (``books``: the books in boxes; ``copies``:
    how many each box holds; ``title_of``: the plan's titles, book ->
    :func:`rotation.title_key`; a book it does not know is looked at)."""
    titles = list(map(title_of.get, map(itemgetter("code"), books)))
    if not all(titles):  # (a book the plan did not see)
        titles = [t or rotation.title_key(b) for b, t in zip(books, titles, strict=True)]
    held = set(zip(map(itemgetter("box"), books), titles, strict=True))  # (box, title)
    if len(held) == len(books):  # no box holds a title twice
        return 0
    titles_held = Counter(map(itemgetter(0), held))  # fewer titles than books: a double
    return sum(1 for box, n in copies.items() if titles_held[box] < n)


# Python's cycle collector is off while rounds are played: they make almost no reference
# cycles (84 objects in 52 rounds of the demo with donations), but each of its passes
# walked the whole document, about a tenth of the time.
@collector.paused()
def simulate(
    data: RawData,
    rounds: int,
    *,
    loss: float = 0.0,
    returns: float = 0.3,
    donations: int = 0,
    away: float = 0.0,
    seed: int = 2020,
    change: float | None = None,
    start: date | None = None,
    done: Callable[[], None] | None = None,
) -> Simulation:
    """Play ``rounds`` rounds on a copy of ``data``; ``done()`` after each round."""
    rng = random.Random(seed)
    document = MemoryFile(data)
    result = Simulation()
    with document.write() as db:
        if change is not None:  # try another share of each box a round, on the copy only
            current = settings(db)
            current["rotation"] = {**current.get("rotation", {}), "change": change}
            set_settings(db, current)
        previous = rotation.last_applied(db)
        eligible = [p["code"] for p in db.where(VOLUNTEERS, "status", "active") if p.get("sites")]
    day = (
        date.fromisoformat(previous["date"]) + timedelta(days=14)
        if previous
        else (start or clock.today())
    )
    handled: Counter[str] = Counter(dict.fromkeys(eligible, 0))
    recollection = planner.Recollection()  # what one round's plan leaves for the next
    for _ in range(rounds):
        with document.write() as db:  # `lou rotate apply`, then the volunteers' reports
            if start is None:  # the schedule's own dates, holidays avoided as it says
                day = rotation.next_round(db).date
            _mark_away(db, rng, away, day)
            plan = rotation.plan_round(db, None if start is None else day, recollection)
            before = _Shelf.of(db)
            record = rotation.apply_round(db, plan, command="rotate simulate")
            after = _Shelf.of(db)
            created, lost = _software_losses(before, after)
            in_boxes = after.in_boxes()
            counts = Counter(map(itemgetter("box"), in_boxes))
            doubles = _double_titles(in_boxes, counts, plan.title_of)
            violations = sum(1 for b in db.all(BOXES) if counts[b["code"]] > int(b["capacity"]))
            reported = _report_back(db, rng, plan, record["tasks"], (loss, returns), handled)
            missing_total, returned = reported
            if donations:
                boxes = [b["code"] for b in db.where(BOXES, "status", "active")]
                for n in range(donations):
                    donate(db, box=rng.choice(boxes), title=f"捐赠图书 {plan.number}-{n + 1}")
            depot_books = db.tally(BOOKS, "status")[("in_depot",)]
            result.forecast = plan.forecast
        result.books_created += created
        result.books_lost_by_software += lost
        result.rounds.append(
            RoundFigures(
                round=plan.number,
                date=plan.date.isoformat(),
                moves=len(plan.moves),
                arrivals=plan.arrivals,
                fresh=plan.fresh,
                freshness=round(plan.freshness, 4),
                fresh_titles=plan.fresh_titles,
                title_freshness=round(plan.title_freshness, 4),
                inside_site=round(plan.inside_share, 4),
                changed_box=plan.changed_box,
                stay_in_site=round(plan.stay_in_site, 4),
                from_depot=plan.from_depot,
                to_depot=plan.to_depot,
                tasks=len(plan.tasks),
                capacity_violations=violations,
                reported_missing=missing_total,
                returned=returned,
                donated=donations,
                short=sum(plan.short.values()),
                handovers=record["figures"]["handovers"],  # (the round's record has it)
                heaviest_leg=plan.heaviest,
                most_from_depot=max((t.from_depot for t in plan.tasks), default=0),
                unassigned=len(plan.unassigned),
                double_titles=doubles,
                depot_books=depot_books,
                file_bytes=document.size,
            )
        )
        day = plan.date + timedelta(days=14)
        if done is not None:
            done()
    document.verify()
    result.loads = {code: handled[code] for code in eligible}
    return result


def _report_back(
    db: Repository,
    rng: random.Random,
    plan: rotation.Plan,
    task_ids: list[int],
    chances: tuple[float, float],
    handled: Counter[str],
) -> tuple[int, int]:
    """Every task of the round (``task_ids``, as applied) reported done, a share ``loss``
    of its books missing; each book not seen comes back with probability ``returns``
    (``chances``: the two). (missing, returned)"""
    loss, returns = chances
    missing_total = 0
    books_of = task_books(plan.moves)
    tasks = list(db.get_many(TASKS, task_ids).values())
    tasks.sort(key=lambda t: (t["date"], t["id"]))  # as rotation.list_tasks lists them
    for task in tasks:
        books = books_of(task)
        missing = [b for b in sorted(books) if rng.random() < loss]
        missing_total += len(missing)
        rotation.complete_task(db, task["id"], missing=missing, handled=books)
        if task.get("volunteer"):
            handled[task["volunteer"]] += int(task["books"])
    returned = 0
    for book in [b["code"] for b in db.where(BOOKS, "status", "not_seen")]:
        if rng.random() < returns:
            found_book(db, book, None)
            returned += 1
    return missing_total, returned


def task_books(moves: list[Move]) -> Callable[[Doc], dict[str, tuple[str, str]]]:
    """:func:`rotation.task_books` of a task of the round, made from the round's moves
    (book, from, to), not from its pick list: each of its boxes' books."""
    by_box: dict[str, list[Move]] = defaultdict(list)
    for move in moves:
        by_box[move[1]].append(move)
        by_box[move[2]].append(move)

    def books(task: Doc) -> dict[str, tuple[str, str]]:
        return {
            code: (source, target) for box in task["boxes"] for code, source, target in by_box[box]
        }

    return books


def _mark_away(db: Repository, rng: random.Random, share: float, day: date) -> None:
    """Mark a random share of volunteers away on ``day`` (for the availability figures)."""
    if not share:
        return
    iso = day.isoformat()

    def away() -> list[dict[str, str]]:
        return [{"from": iso, "to": iso, "reason": "simulated"}] if rng.random() < share else []

    db.update(VOLUNTEERS, {p["code"]: {"away": away()} for p in db.all(VOLUNTEERS)})
