"""The fortnightly rotation: plan a round, apply it, take it back, report what was found.

How a round is planned (a newcomer's guide)
==========================================

1. **The route.** All active boxes form one ring, site by site (in the order of the
   ``rotation.route`` setting, else compounds then yards by code) and, inside a site, by
   box code. Boxes under repair are left out; their books stay where they are.

2. **What leaves each box.** Every box has a *target*: 80 % of its capacity (the
   ``rotation.fill`` setting), so there is room for donations. Each round a box sends out
   a *batch* of its books, oldest arrivals first: as many as the network's usual box
   holds (the median target; 24 for boxes of 30), or all of them if fewer. A big corridor
   reading room (capacity 120) therefore keeps most of its books and changes a fifth of
   them each round. A box over its target sends the surplus out too. Damaged books go back
   to the depot (社区图书室).

3. **The bag.** Walking the ring, the books a box sends out go into a bag that is carried
   to the next box. There, the box takes from the bag, first in first out, as many books
   as it needs to reach its target, skipping any book that was in this box within the
   last 26 rounds (a year). Skipped books stay in the bag for the next box. So, when boxes
   are of equal size, the whole content of each box moves one step along the ring every
   round: a book comes back to a box only after it has been through every other box,
   which on the demo network is 101 rounds, four years. Most steps stay inside one site;
   only the step from a site's last box to the next site's first box crosses to a
   neighbouring site. (Only when neither the bag nor the depot holds a fresh book does a
   box take the one it had longest ago, rather than stay empty.)

4. **The depot.** A box that the bag cannot fill (books were reported missing, a smaller
   box came before it) is topped up from the depot with books that have waited there the
   longest and are fresh for that box. To keep the library room's books in circulation,
   each site also swaps a few books with the depot every round (``rotation.exchange``, 1 %
   of its books): the volunteer brings that many fresh books from the depot to the site's
   first box and takes as many of the longest-travelled books back from its last box.
   Whatever is left in the bag at the end of the ring goes to the depot.

5. **Tasks.** A *task* is one volunteer's work in one round: a walk through up to seven
   boxes of one site (bigger sites are split), with, for each box, what to take out and
   where it goes, and what to put in and where it comes from. Each task goes to the
   volunteer who has carried the fewest books over the last 26 rounds (then: who served
   longest ago), one task per person where possible, never to someone away that day. The
   site's own volunteers come first; a neighbouring site's volunteer takes it only when
   that evens the load out by more than one task's worth, or when nobody of the site is
   available, which the plan then says.

Books that are not seen, lost or withdrawn are never touched. Applying a round writes the
moves, the round and its tasks in one write; undoing it restores every record it changed.
"""

from __future__ import annotations

import copy
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from lou_library import clock, i18n, planner, schedule
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid, NotFound
from lou_library.network import DEPOT, find_volunteer
from lou_library.records import (
    BOOKS,
    BOXES,
    EVENTS,
    MOVES,
    SITES,
    VOLUNTEERS,
    Doc,
    event,
    last_event,
    legs_of,
    log,
    moves_of,
    round_legs,
    set_settings,
    settings,
)
from lou_library.repository import Key, Repository
from lou_library.schema import (
    BookStatus,
    BoxStatus,
    EventKind,
    Handover,
    RoundStatus,
    SiteKind,
    Status,
    TaskStatus,
)

Day = date  # a field of Plan is called "date"

ROUNDS = "rounds"
TASKS = "tasks"
WINDOW = 26  # rounds a box remembers the books it had
FILL = 0.8
EXCHANGE = 0.01
MAX_BOXES_PER_TASK = 7
LOST_AFTER = 3  # rounds not seen before a book counts as lost

# Something a plan tells the manager: {"code": one of messages.PLAN_NOTES, **its fields}.
# Plain data, so that --json is the same in every language; the CLI puts it into words.
PlanNote = dict[str, Any]


# --------------------------------------------------------------------------- settings


def rotation_settings(db: Repository) -> dict[str, Any]:
    found = schedule.rotation_settings(settings(db))
    found.setdefault("fill", FILL)
    found.setdefault("exchange", EXCHANGE)
    found.setdefault("window", WINDOW)
    found.setdefault("lost_after", LOST_AFTER)
    found.setdefault("max_boxes_per_task", MAX_BOXES_PER_TASK)
    return found


def target_of(box: Doc, fill: float) -> int:
    return max(1, min(int(box["capacity"]), math.floor(int(box["capacity"]) * fill)))


# ------------------------------------------------------------------------------ plan


@dataclass
class Stop:
    box: str
    take_out: list[tuple[str, str]] = field(default_factory=list)  # (book, to)
    put_in: list[tuple[str, str]] = field(default_factory=list)  # (book, from)


@dataclass
class TaskPlan:
    site: str
    boxes: list[str]
    stops: list[Stop]
    volunteer: str | None = None
    volunteer_name: str = ""
    borrowed_from: str | None = None  # the volunteer's own site, when borrowed

    @property
    def books(self) -> int:
        return sum(len(s.take_out) + len(s.put_in) for s in self.stops)


@dataclass
class Plan:
    number: int
    date: Day
    planned_date: Day
    moved_because: str
    moves: list[tuple[str, str, str]]  # (book, from, to)
    tasks: list[TaskPlan]
    arrivals: int
    fresh: int
    inside_site: int
    from_depot: int
    to_depot: int
    short: dict[str, int]  # box -> books missing to reach its target
    over_capacity: list[str]
    newly_lost: list[str]
    warnings: list[PlanNote]  # what the manager should know, as codes and data
    box_site: dict[str, str]
    final_counts: dict[str, int] = field(default_factory=dict)
    due: Day | None = None  # a late round: the date it was due (it is planned for today)

    @property
    def freshness(self) -> float:
        return self.fresh / self.arrivals if self.arrivals else 1.0

    @property
    def inside_share(self) -> float:
        return self.inside_site / len(self.moves) if self.moves else 1.0


def route(db: Repository) -> list[Doc]:
    """Active boxes in ring order: site by site, then by code."""
    site_docs = {s["code"]: s for s in db.all(SITES) if s["kind"] != SiteKind.depot}
    configured = [c for c in rotation_settings(db).get("route", []) if c in site_docs]
    kind_order = {SiteKind.compound: 0, SiteKind.yard: 1}
    rest = sorted(
        (c for c in site_docs if c not in configured),
        key=lambda c: (kind_order.get(site_docs[c]["kind"], 2), c),
    )
    order = {code: i for i, code in enumerate([*configured, *rest])}
    active = [b for b in db.where(BOXES, "status", BoxStatus.active) if b["site"] in order]
    active.sort(key=lambda b: (order[b["site"]], len(b["code"]), b["code"]))
    return active


def recent_books(box: Doc, current: int, window: int) -> dict[str, int]:
    """Books this box held in the last ``window`` rounds, with the last round it had each."""
    found: dict[str, int] = {}
    for number, codes in sorted(box.get("recent", {}).items(), key=lambda kv: int(kv[0])):
        if int(number) > current - window:
            found.update(dict.fromkeys(codes.split(), int(number)))
    return found


class _Memories(Mapping[str, dict[str, int]]):
    """Each box's memory (:func:`recent_books`), made when the walk reaches the box: all of
    them at once held 2 million codes after a year at 100,000 books (140 MB)."""

    def __init__(self, boxes: dict[str, Doc], current: int, window: int) -> None:
        self.boxes, self.current, self.window = boxes, current, window

    def __getitem__(self, code: str) -> dict[str, int]:
        return recent_books(self.boxes[code], self.current, self.window)

    def __iter__(self) -> Iterator[str]:
        return iter(self.boxes)

    def __len__(self) -> int:
        return len(self.boxes)


def last_round(db: Repository) -> Doc | None:
    applied = db.where(ROUNDS, "status", RoundStatus.applied)
    return max(applied, key=lambda r: r["number"]) if applied else None


def next_round(db: Repository, on: date | None = None) -> schedule.RoundDate:
    """The round to plan: the first one not applied, never skipped.

    A round whose date has passed is planned for today, with ``due`` saying when it was
    due: a season applied a day late each time still reads rounds 1, 2, 3, 4, ...
    """
    current = settings(db)
    previous = last_round(db)
    number = previous["number"] + 1 if previous else 1
    if on is not None:
        if previous and on <= date.fromisoformat(previous["date"]):
            raise Conflict(
                M.ROUND_DATE_TOO_EARLY,
                date=on,
                number=previous["number"],
                previous=previous["date"],
            )
        return schedule.RoundDate(number, on, on)
    today = clock.today()
    found = schedule.round_date(current, number)
    if found.date < today:
        return schedule.RoundDate(number, found.planned, today, found.reason, due=found.date)
    return found


def plan_round(db: Repository, on: date | None = None) -> Plan:
    """Compute the next round without writing anything (see the module's guide).

    The route (step 1) and the tasks (step 5) are made here; which book goes where (steps
    2 to 4: what leaves each box, the bag, the depot) is :func:`lou_library.planner.walk`.
    """
    config = rotation_settings(db)
    when = next_round(db, on)
    number = when.number
    ring = route(db)
    box_site = {b["code"]: b["site"] for b in db.all(BOXES)}
    box_site[DEPOT] = DEPOT
    warnings = _plan_warnings(db, when)
    books = planner.shelves(db.all(BOOKS), number, int(config["lost_after"]))
    if not ring:
        raise Conflict(M.ROTATE_NO_BOXES)
    fill, window = float(config["fill"]), int(config["window"])
    targets = {b["code"]: target_of(b, fill) for b in ring}
    recent = _Memories({b["code"]: b for b in ring}, number, window)
    walk = planner.walk(ring, books, targets, recent, float(config["exchange"]))
    moves = walk.moves
    over = [b["code"] for b in ring if walk.final_counts.get(b["code"], 0) > int(b["capacity"])]
    inside_site = sum(
        1 for _, s, t in moves if DEPOT not in (s, t) and box_site.get(s) == box_site.get(t)
    )
    tasks = _make_tasks(db, ring, moves, box_site, config, when.date, warnings)
    return Plan(
        number=number,
        date=when.date,
        planned_date=when.planned,
        moved_because=when.reason,
        moves=moves,
        tasks=tasks,
        arrivals=walk.arrivals,
        fresh=walk.fresh,
        inside_site=inside_site,
        from_depot=sum(1 for _, s, _ in moves if s == DEPOT),
        to_depot=sum(1 for _, _, t in moves if t == DEPOT),
        short=walk.short,
        over_capacity=over,
        newly_lost=sorted(books.newly_lost),
        warnings=warnings,
        box_site=box_site,
        final_counts=walk.final_counts,
        due=when.due,
    )


def _plan_warnings(db: Repository, when: schedule.RoundDate) -> list[PlanNote]:
    """What the plan must say before its tasks, as codes and data: the round is late; the
    last round's walks were not all reported (the plan assumes they happened as listed)."""
    warnings: list[PlanNote] = []
    if when.due is not None:
        warnings.append(
            {
                "code": "late",
                "number": when.number,
                "due": when.due.isoformat(),
                "days": (when.date - when.due).days,
                "date": when.date.isoformat(),
            }
        )
    previous = last_round(db)
    if previous is not None and date.fromisoformat(previous["date"]) < clock.today():
        unreported = sorted(
            t["id"]
            for t in db.where(TASKS, "round", previous["number"])
            if t["status"] != TaskStatus.done
        )
        if unreported:
            warnings.append(
                {
                    "code": "unreported",
                    "number": previous["number"],
                    "n": len(unreported),
                    "tasks": unreported,
                }
            )
    return warnings


# ------------------------------------------------------------------------ volunteers


def volunteer_loads(
    db: Repository, current: int, window: int = WINDOW
) -> dict[str, tuple[int, int]]:
    """Per volunteer: (books handled in the last ``window`` rounds, last round served)."""
    loads: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for task in db.all(TASKS):
        if task["round"] > current - window and task.get("volunteer"):
            entry = loads[task["volunteer"]]
            entry[0] += int(task.get("books", 0))
            entry[1] = max(entry[1], int(task["round"]))
    return {code: (v[0], v[1]) for code, v in loads.items()}


def is_away(person: Doc, day: date) -> bool:
    iso = day.isoformat()
    return any(p["from"] <= iso <= p["to"] for p in person.get("away", []))


def _split(codes: list[str], limit: int) -> list[list[str]]:
    parts = max(1, math.ceil(len(codes) / limit))
    size = math.ceil(len(codes) / parts)
    return [codes[i : i + size] for i in range(0, len(codes), size)]


def _make_tasks(
    db: Repository,
    ring: list[Doc],
    moves: list[tuple[str, str, str]],
    box_site: dict[str, str],
    config: dict[str, Any],
    day: date,
    warnings: list[PlanNote],
) -> list[TaskPlan]:
    stops = {b["code"]: Stop(b["code"]) for b in ring}
    for book, source, target in moves:
        if source in stops:
            stops[source].take_out.append((book, target))
        if target in stops:
            stops[target].put_in.append((book, source))
    site_order: list[str] = []
    by_site: dict[str, list[str]] = defaultdict(list)
    for box in ring:
        if box["site"] not in by_site:
            site_order.append(box["site"])
        by_site[box["site"]].append(box["code"])
    tasks: list[TaskPlan] = []
    for site in site_order:
        for part in _split(by_site[site], int(config["max_boxes_per_task"])):
            task_stops = [stops[c] for c in part if stops[c].take_out or stops[c].put_in]
            if task_stops:
                tasks.append(TaskPlan(site, [s.box for s in task_stops], task_stops))
    _assign(db, tasks, site_order, day, warnings)
    return tasks


def _assign(
    db: Repository,
    tasks: list[TaskPlan],
    site_order: list[str],
    day: date,
    warnings: list[PlanNote],
) -> None:
    """Give each task to the volunteer who has carried the fewest books lately.

    Candidates are the task's own site's volunteers and, at a cost of one average task's
    books, those of the neighbouring sites on the route: a neighbour helps out only when
    the site's own people carry clearly more than they do. Everyone gets at most one task
    a round while someone free is left. When nobody of the site or its neighbours is
    available, the nearest site with someone free lends a volunteer, with a warning.
    """
    people = [p for p in db.where(VOLUNTEERS, "status", Status.active) if p.get("sites")]
    previous = last_round(db)
    current = (previous["number"] if previous else 0) + 1
    recent_loads = volunteer_loads(db, current)
    loads = {code: v[0] for code, v in recent_loads.items()}
    last_served = {code: v[1] for code, v in recent_loads.items()}
    busy: Counter[str] = Counter()
    penalty = sum(t.books for t in tasks) / len(tasks) if tasks else 0.0
    position = {site: i for i, site in enumerate(site_order)}

    by_site: dict[str, list[Doc]] = defaultdict(list)
    for person in people:
        if not is_away(person, day):
            for site in person["sites"]:
                by_site[site].append(person)

    def available(site: str) -> list[Doc]:
        return by_site.get(site, [])

    def cost(person: Doc, site: str) -> tuple[float, ...]:
        borrowed = site not in person["sites"]
        return (
            busy[person["code"]],
            loads.get(person["code"], 0) + (penalty if borrowed else 0.0),
            last_served.get(person["code"], 0),
            borrowed,
        )

    for task in sorted(tasks, key=lambda t: (-t.books, position[t.site], t.boxes[0])):
        i = position[task.site]
        neighbours = [site_order[j] for j in (i - 1, i + 1) if 0 <= j < len(site_order)]
        own = available(task.site)
        pool = own + [p for s in neighbours for p in available(s) if p not in own]
        if not own:
            for distance in range(2, len(site_order)):
                if pool:
                    break
                for j in (i - distance, i + distance):
                    if 0 <= j < len(site_order):
                        pool += [p for p in available(site_order[j]) if p not in pool]
        if not pool:
            warnings.append({"code": "nobody", "site": task.site})
            continue
        chosen = min(pool, key=lambda p: (*cost(p, task.site), p["code"]))
        if task.site not in chosen["sites"]:
            task.borrowed_from = next(s for s in site_order if s in chosen["sites"])
            if not own:
                warnings.append(
                    {
                        "code": "borrowed",
                        "site": task.site,
                        "name": chosen["name"],
                        "other": task.borrowed_from,
                    }
                )
        task.volunteer = chosen["code"]
        task.volunteer_name = chosen["name"]
        busy[chosen["code"]] += 1
        loads[chosen["code"]] = loads.get(chosen["code"], 0) + task.books


# ----------------------------------------------------------------------------- apply


def apply_round(db: Repository, plan: Plan, command: str = "rotate apply") -> Doc:
    """Carry a plan out: move the books, store the round and its tasks; one write."""
    existing = db.get(ROUNDS, plan.number)
    if existing is not None and existing["status"] == RoundStatus.applied:
        raise Conflict(M.ROUND_ALREADY_APPLIED, number=plan.number)
    config = rotation_settings(db)
    stamp = clock.stamp()
    books = {doc["code"]: doc for doc in db.all(BOOKS)}
    changed_books = sorted({book for book, _, _ in plan.moves} | set(plan.newly_lost))
    before = _box_contents(books.values())  # read before any book moves

    # Only the last round can be undone, so the round before loses its undo data, and
    # this round's keeps nothing of it: the undo data is the size of one round's work.
    previous = {
        record["number"]: _without_undo(record) for record in db.all(ROUNDS) if "undo" in record
    }
    undo: Doc = {  # only the fields apply changes: undo puts them back, or removes them
        "book_groups": _grouped(books[c] for c in changed_books),
        "memory": {},  # box -> what this round changes in its memory (below)
        "meta": copy.deepcopy(db.meta()),
        "events_after": last_event(db),
        "tables": sorted(db.tables()),  # tables that existed before
    }
    db.replace(ROUNDS, previous)
    destination = {book: target for book, _, target in plan.moves}
    db.update(BOOKS, {c: _moved(books[c], destination, plan.number) for c in changed_books})
    undo["memory"] = _remember(db, plan, before, int(config["window"]))
    task_docs = _task_records(db, plan)
    db.add(TASKS, task_docs)
    log(
        db,
        [
            event(EventKind.lost, code, command, note=f"round {plan.number}", at=stamp)
            for code in plan.newly_lost
        ],
    )
    record = {
        "number": plan.number,
        "date": plan.date.isoformat(),
        "planned_date": plan.planned_date.isoformat(),
        "status": RoundStatus.applied,
        "applied_at": stamp,
        "events_before": undo["events_after"],  # where the moves fall among the events
        "tasks": [t["id"] for t in task_docs],
        "figures": plan_figures(plan),
        "undo": undo,
    }
    if not config.get("start"):  # round 1's date is fixed once a round is applied
        start = plan.planned_date - timedelta(days=int(config["interval_days"]) * (plan.number - 1))
        current = settings(db)
        current["rotation"] = {**current.get("rotation", {}), "start": start.isoformat()}
        set_settings(db, current)
    undo["after"] = _fingerprint(db)  # undo is refused once anything else has changed
    db.add(ROUNDS, [record])
    db.add(MOVES, [{"round": plan.number, "legs": legs_of(plan.moves)}])
    return record


def _box_contents(books: Iterable[Doc]) -> dict[str, list[str]]:
    """Box -> the codes of the books in it."""
    contents: dict[str, list[str]] = defaultdict(list)
    for doc in books:
        if doc["status"] == BookStatus.in_box:
            contents[doc["box"]].append(doc["code"])
    return contents


def _moved(doc: Doc, destination: dict[str, str], number: int) -> Doc:
    """The fields of a book that round ``number`` changes (BOOK_FIELDS), as they become."""
    target = destination.get(doc["code"])
    if target is None:  # not moved: lost after too many rounds not seen
        return {"status": BookStatus.lost}
    if target == DEPOT:
        return {
            "last_box": doc.get("box") or doc.get("last_box"),
            "box": None,
            "status": BookStatus.in_depot,
            "since": number,
        }
    return {"last_box": target, "box": target, "status": BookStatus.in_box, "since": number}


def _remember(db: Repository, plan: Plan, before: dict[str, list[str]], window: int) -> Doc:
    """Each box's memory after the round: the books it received in the last ``window``
    rounds. Returns what undo needs, per box: only what this round forgets or rewrites
    (entries that fell out of the window; "0" is written again when the window empties),
    whether the box had a memory at all, and which entries it adds."""
    arrivals: dict[str, list[str]] = defaultdict(list)
    for book, _, target in plan.moves:
        if target != DEPOT:
            arrivals[target].append(book)
    memory: dict[str, Doc] = {}
    changes: dict[Key, Doc] = {}
    for code in plan.final_counts:
        doc = db.get(BOXES, code)
        if doc is None:
            continue
        had = doc.get("recent") or {}
        recent = {n: codes for n, codes in had.items() if int(n) > plan.number - window}
        if not recent and before.get(code):  # what it held before its first round
            recent["0"] = " ".join(sorted(before[code]))
        if arrivals.get(code):
            recent[str(plan.number)] = " ".join(arrivals[code])
        memory[code] = {
            "had": doc.get("recent") is not None,
            "forgot": {n: codes for n, codes in had.items() if recent.get(n) != codes},
            "added": [n for n in recent if n not in had],
        }
        changes[code] = {"recent": recent}
    db.update(BOXES, changes)
    return dict(sorted(memory.items()))


def _task_records(db: Repository, plan: Plan) -> list[Doc]:
    """The round's tasks as stored, numbered by the task counter (one counter write),
    each with the estimate of its duration (lou_library.service)."""
    from lou_library.service import estimate_minutes, service_settings

    config = service_settings(db)
    first = db.reserve("task", len(plan.tasks)) if plan.tasks else 0
    return [
        {
            "id": number,
            "round": plan.number,
            "date": plan.date.isoformat(),
            "site": task.site,
            "volunteer": task.volunteer,
            "borrowed_from": task.borrowed_from,
            "boxes": task.boxes,
            "books": task.books,
            "status": TaskStatus.open,
            "done_at": None,
            "missing": [],
            "extra": [],
            "minutes": estimate_minutes(len(task.boxes), task.books, config),
        }
        for number, task in enumerate(plan.tasks, start=first)
    ]


def _fingerprint(db: Repository) -> Doc:
    """What the commands after a round would change and an undo would wipe out: the
    last event, and the counters and settings."""
    return {
        "events": last_event(db),
        "meta": copy.deepcopy(db.meta()),
    }


BOOK_FIELDS = ("box", "last_box", "status", "since")
BOX_FIELDS = ("recent",)  # what schema 2 kept whole for undo; see _restore_memory


_ABSENT = object()  # a field a book does not have


def _grouped(books: Iterable[Doc]) -> list[list[Any]]:
    """Books' saved fields (:data:`BOOK_FIELDS`, those it has), grouped: ``[[fields,
    "B00001 B00002 ..."], ...]``. The books of one box share them, so a round of 100,000
    moves keeps a few thousand groups, not 100,000 small records (70 MB in memory for
    every command that read the rounds). The fields are strings and numbers: no deep copy
    is needed (it cost a third of an apply's time)."""
    box, last_box, status, since = BOOK_FIELDS
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    for doc in books:
        get = doc.get
        key = (get(box, _ABSENT), get(last_box, _ABSENT), get(status, _ABSENT), get(since, _ABSENT))
        groups[key].append(doc["code"])
    return [
        [{n: v for n, v in zip(BOOK_FIELDS, key, strict=True) if v is not _ABSENT}, " ".join(c)]
        for key, c in groups.items()
    ]


def _ungrouped(groups: list[list[Any]]) -> dict[str, Doc]:
    return {code: fields for fields, codes in groups for code in str(codes).split()}


def _put_fields_back(
    db: Repository, table: str, saved: dict[str, Doc], names: tuple[str, ...]
) -> None:
    """Give each document its saved fields again; a field it did not have goes away, so
    the document (and its key order) is exactly as before."""
    records: dict[Key, Doc] = {}
    for code, fields in saved.items():
        doc = db.get(table, code)
        if doc is None:
            continue
        record = dict(doc)
        for name in names:
            if name in fields:
                record[name] = fields[name]
            else:
                record.pop(name, None)
        records[code] = record
    db.replace(table, records)


def _without_undo(record: Doc) -> Doc:
    return {name: value for name, value in record.items() if name != "undo"}


def plan_figures(plan: Plan) -> dict[str, Any]:
    return {
        "moves": len(plan.moves),
        "arrivals": plan.arrivals,
        "fresh": plan.fresh,
        "freshness": round(plan.freshness, 4),
        "inside_site": round(plan.inside_share, 4),
        "from_depot": plan.from_depot,
        "to_depot": plan.to_depot,
        "tasks": len(plan.tasks),
        "short": sum(plan.short.values()),
        "over_capacity": len(plan.over_capacity),
        "newly_lost": len(plan.newly_lost),
    }


def plan_document(plan: Plan) -> dict[str, Any]:
    """The plan as plain data, for ``--json`` and the table renderer."""
    return {
        "round": plan.number,
        "date": plan.date.isoformat(),
        "planned_date": plan.planned_date.isoformat(),
        "moved_because": plan.moved_because,
        "due": plan.due.isoformat() if plan.due else None,
        "figures": plan_figures(plan),
        "tasks": [
            {
                "site": t.site,
                "volunteer": t.volunteer,
                "volunteer_name": t.volunteer_name,
                "borrowed_from": t.borrowed_from,
                "boxes": t.boxes,
                "books": t.books,
                "stops": [
                    {
                        "box": s.box,
                        "take_out": [list(x) for x in s.take_out],
                        "put_in": [list(x) for x in s.put_in],
                    }
                    for s in t.stops
                ],
            }
            for t in plan.tasks
        ],
        "moves": [{"book": b, "from": s, "to": t} for b, s, t in plan.moves],
        "short": plan.short,
        "over_capacity": plan.over_capacity,
        "newly_lost": plan.newly_lost,
        # The notes as codes and data; "warnings" words them in English, like the keys.
        "warnings": [note_text(note, "en") for note in plan.warnings],
        "notes": plan.warnings,
    }


def note_text(note: PlanNote, lang: i18n.Lang) -> str:
    """A plan's note in words: its catalogue entry, lists joined the language's way."""
    fields = {
        key: M.LIST_SEPARATOR.text(lang).join(map(str, value)) if isinstance(value, list) else value
        for key, value in note.items()
        if key != "code"
    }
    return M.PLAN_NOTES[note["code"]].render(lang, **fields)


# ------------------------------------------------------------------------------ undo


def undoable(db: Repository) -> Doc:
    """The last applied round, if it can still be taken back; else why not."""
    record = last_round(db)
    if record is None:
        raise Conflict(M.UNDO_NOTHING)
    if "undo" not in record:
        raise Conflict(M.UNDO_TOO_OLD, number=record["number"])
    done = sorted(
        t["id"]
        for t in db.where(TASKS, "round", record["number"])
        if t["status"] == TaskStatus.done
    )
    if done:
        raise Conflict(
            M.UNDO_TASKS_DONE,
            number=record["number"],
            tasks=M.LIST_SEPARATOR().join(map(str, done)),
        )
    after = record["undo"].get("after")
    if after is None:  # nothing tells whether work was done since (the migration drops these)
        raise Conflict(M.UNDO_TOO_OLD, number=record["number"])
    if _fingerprint(db) != after:
        raise Conflict(M.UNDO_CHANGED_SINCE, number=record["number"])
    return record


def undo_last(db: Repository) -> Doc:
    """Take back the last applied round while none of its tasks is done."""
    record = undoable(db)
    number = record["number"]
    task_ids = [t["id"] for t in db.where(TASKS, "round", number)]
    undo = record["undo"]
    if "book_groups" in undo or "book_fields" in undo:
        saved = _ungrouped(undo["book_groups"]) if "book_groups" in undo else undo["book_fields"]
        _put_fields_back(db, BOOKS, saved, BOOK_FIELDS)
        if "memory" in undo:
            _restore_memory(db, undo["memory"])
        else:  # a round applied by schema 2, which kept every box's whole memory
            _put_fields_back(db, BOXES, undo["box_fields"], BOX_FIELDS)
    else:  # a round applied by schema 1, which kept whole documents
        _replace_docs(db, BOOKS, undo["books"])
        _replace_docs(db, BOXES, undo["boxes"])
    db.truncate(EVENTS, int(undo["events_after"]))
    db.remove(TASKS, task_ids)
    db.remove(ROUNDS, [number])
    if db.get(MOVES, number) is not None:
        db.remove(MOVES, [number])
    # counters, and the start date pinned by apply; a migration since keeps its version
    version = db.meta().get("schema_version")
    db.set_meta({**copy.deepcopy(undo["meta"]), "schema_version": version})
    for table in sorted(db.tables()):
        if table not in undo["tables"] and not db.count(table):  # created empty by this round
            db.drop(table)
    return record


def _restore_memory(db: Repository, memory: dict[str, Doc]) -> None:
    """Each box's memory as before the round: its added entries go, forgotten ones come
    back, in round order (the order ``remember`` keeps)."""
    records: dict[Key, Doc] = {}
    for code, change in memory.items():
        doc = db.get(BOXES, code)
        if doc is None:
            continue
        record = {name: value for name, value in doc.items() if name != "recent"}
        if change["had"]:
            kept = {n: c for n, c in doc.get("recent", {}).items() if n not in change["added"]}
            merged = {**kept, **change["forgot"]}
            record = {**doc, "recent": dict(sorted(merged.items(), key=lambda i: int(i[0])))}
        records[code] = record
    db.replace(BOXES, records)


def _replace_docs(db: Repository, table: str, saved: dict[str, Doc], key: str = "code") -> None:
    """Put whole documents back as they were, keys in their original order (one pass)."""
    db.replace(table, {doc[key]: copy.deepcopy(doc) for doc in saved.values()})


# ---------------------------------------------------------------------- tasks report


def with_stops(db: Repository, tasks: list[Doc]) -> list[Doc]:
    """Tasks with their pick lists (``stops``), derived from their round's moves.

    A task stores only its boxes; what to take out of each and put into each is in the
    round's ``moves``, in the order the plan made them, so it is not stored twice.
    """
    wanted = {t["round"] for t in tasks if "stops" not in t}
    sources: dict[int, dict[str, list[list[str]]]] = {}
    targets: dict[int, dict[str, list[list[str]]]] = {}
    for number, legs in round_legs(db, wanted).items() if wanted else ():
        out: dict[str, list[list[str]]] = defaultdict(list)
        into: dict[str, list[list[str]]] = defaultdict(list)
        for book, source, target in moves_of(legs):
            out[source].append([book, target])
            into[target].append([book, source])
        sources[number], targets[number] = out, into
    found = []
    for task in tasks:
        if "stops" in task:  # stored by schema 1
            found.append(task)
            continue
        out = sources.get(task["round"], {})
        into = targets.get(task["round"], {})
        stops = [
            {"box": box, "take_out": out.get(box, []), "put_in": into.get(box, [])}
            for box in task["boxes"]
        ]
        found.append({**task, "stops": stops})
    return found


def get_task(db: Repository, task_id: str | int, stops: bool = True) -> Doc:
    """A task (with its stops, unless ``stops`` is false) by number."""
    try:
        wanted = int(str(task_id).strip().lstrip("#"))
    except ValueError:
        raise Invalid(M.BAD_TASK_ID, value=task_id) from None
    task = db.get(TASKS, wanted)
    if task is None:
        raise NotFound(M.NO_TASK, id=task_id)
    return with_stops(db, [task])[0] if stops else task


def task_books(task: Doc) -> dict[str, tuple[str, str]]:
    """Every book a task handles: code -> (from, to)."""
    found: dict[str, tuple[str, str]] = {}
    for stop in task["stops"]:
        for book, target in stop["take_out"]:
            found[book] = (stop["box"], target)
        for book, source in stop["put_in"]:
            found[book] = (source, stop["box"])
    return found


def complete_task(
    db: Repository,
    task_id: str | int,
    missing: Iterable[str] = (),
    extra: Iterable[str] = (),
    listed: Doc | None = None,
    hours: float | str | None = None,
) -> Doc:
    """A volunteer reports back (with the hours the walk took, if they say). Books not
    found become "not seen" (residents take books home and bring them back); registered
    books found where they should not be are put back on the record in the box they were
    found in.

    ``listed`` is the task as :func:`list_tasks` gave it, stops included, so a caller
    reporting a whole round (the simulator) does not rebuild every task's pick list."""
    from lou_library.records import normalise_code

    task = get_task(db, task_id, stops=listed is None)
    if listed is not None:
        task = {**task, "stops": listed["stops"]}
    if task["status"] == TaskStatus.done:
        at = task["done_at"].replace("T", " ")
        raise Conflict(M.TASK_ALREADY_DONE_AMEND, id=task["id"], at=at)
    from lou_library.service import check_hours

    taken = None if hours is None else check_hours(hours)
    handled = task_books(task)
    missing_codes = list(dict.fromkeys(normalise_code(c) for c in missing))  # once each
    unknown = [c for c in missing_codes if c not in handled]
    if unknown:
        raise Invalid(M.MISSING_NOT_IN_TASK, codes=", ".join(unknown), id=task["id"])
    extra_pairs = [_parse_extra(db, task, e) for e in extra]
    stamp = clock.stamp()
    record_report(db, task, missing_codes, extra_pairs, "task done", stamp)
    changes: Doc = {
        "status": TaskStatus.done,
        "done_at": stamp,
        "missing": missing_codes,
        "extra": [f"{c}@{b}" for c, b in extra_pairs],
    }
    if taken is not None:
        changes["hours"] = taken
    db.update(TASKS, {task["id"]: changes})
    return {**task, **changes}


def record_report(
    db: Repository,
    task: Doc,
    missing: Iterable[str],
    extra: Iterable[tuple[str, str]],
    command: str,
    stamp: str,
    skip: Collection[str] = (),
) -> None:
    """What a walk's report changes in the catalogue, for ``task done`` and its
    ``--amend``: books not found (on the shelf, and not in ``skip``) become "not seen",
    last seen where the walk should have found them; books found elsewhere (``extra``:
    code and box) are back on the record in that box. Each gets its history event; the
    records are changed in place, in one pass."""
    handled = task_books(task)
    missing = [code for code in missing if code not in skip]
    extra = list(extra)
    found = {}
    for code in dict.fromkeys([*missing, *(code for code, _ in extra)]):
        book = db.get(BOOKS, code)
        if book is not None:
            found[code] = book
    events = []
    updates: dict[Key, Doc] = {}
    for code in missing:
        if code not in found or found[code]["status"] not in (
            BookStatus.in_box,
            BookStatus.in_depot,
        ):
            continue
        source = handled[code][0]  # a box, or DEPOT for a book to come from the library room
        updates[code] = {
            "status": BookStatus.not_seen,
            "box": None,
            "missing_since": task["round"],
            "last_box": source,
        }
        events.append(
            event(
                EventKind.not_seen,
                code,
                command,
                source=source,
                volunteer=task.get("volunteer"),
                note=f"task {task['id']}",
                at=stamp,
            )
        )
    for code, box in extra:
        before = found[code]
        recorded = before.get("box") or (DEPOT if before["status"] == BookStatus.in_depot else None)
        updates[code] = {
            **updates.get(code, {}),
            "status": BookStatus.in_box,
            "box": box,
        }
        updates[code]["last_box"] = box
        events.append(
            event(
                EventKind.found,
                code,
                command,
                source=recorded,
                target=box,
                volunteer=task.get("volunteer"),
                note=f"task {task['id']}",
                at=stamp,
            )
        )
    db.update(BOOKS, updates)
    log(db, events)


def _parse_extra(db: Repository, task: Doc, text: str) -> tuple[str, str]:
    """``B00123@SHY-03``: a registered book found in a box of this task (box optional when
    the task has one box)."""
    from lou_library.records import normalise_code

    code, _, box = text.partition("@")
    code = normalise_code(code)
    box = normalise_code(box) if box else (task["boxes"][0] if len(task["boxes"]) == 1 else "")
    if box not in task["boxes"]:
        raise Invalid(M.EXTRA_NEEDS_BOX, value=text, boxes=", ".join(task["boxes"]))
    doc = db.get(BOOKS, code)
    if doc is None:
        raise NotFound(M.EXTRA_UNKNOWN, code=code)
    if doc["status"] == BookStatus.withdrawn:
        raise Conflict(M.BOOK_ALREADY_WITHDRAWN, code=code)
    return code, box


def swap_task(db: Repository, task_id: str | int, to: str, *, force: bool = False) -> Doc:
    """Hand an open task to another volunteer: of the same site, unless ``force``; never to
    someone away that day. The hand-over is kept in the task's history."""
    task = get_task(db, task_id)
    if task["status"] != TaskStatus.open:
        raise Conflict(M.TASK_ALREADY_DONE, id=task["id"], at=task["done_at"].replace("T", " "))
    person = find_volunteer(db, to)
    if person["status"] != Status.active:
        raise Conflict(M.VOLUNTEER_RETIRED, code=person["code"])
    if person["code"] == task.get("volunteer"):
        raise Conflict(M.SWAP_SAME, name=person["name"], id=task["id"])
    if task["site"] not in person.get("sites", []) and not force:
        raise Conflict(M.SWAP_OTHER_SITE, name=person["name"], site=task["site"])
    day = date.fromisoformat(task["date"])
    if is_away(person, day):
        period = next(p for p in person["away"] if p["from"] <= task["date"] <= p["to"])
        raise Conflict(
            M.SWAP_AWAY,
            name=person["name"],
            date=task["date"],
            start=period["from"],
            end=period["to"],
            reason=period.get("reason") or "—",
        )
    handover: Handover = {"at": clock.stamp(), "from": task.get("volunteer"), "to": person["code"]}
    handovers = [*task.get("handovers", []), handover]
    changes = {"volunteer": person["code"], "handovers": handovers}
    db.update(TASKS, {task["id"]: changes})
    return {**task, **changes}


def list_tasks(
    db: Repository,
    volunteer: str | None = None,
    round_number: int | None = None,
    open_only: bool = False,
) -> list[Doc]:
    who = find_volunteer(db, volunteer)["code"] if volunteer else None
    if who is not None:
        candidates: Iterable[Doc] = db.where(TASKS, "volunteer", who)
    elif round_number is not None:
        candidates = db.where(TASKS, "round", round_number)
    else:
        candidates = db.all(TASKS)
    found = [
        t
        for t in candidates
        if (round_number is None or t["round"] == round_number)
        and (not open_only or t["status"] == TaskStatus.open)
    ]
    found.sort(key=lambda t: (t["date"], t["id"]))
    return with_stops(db, found)


def task_state(task: Doc, today: date) -> str:
    if task["status"] == TaskStatus.done:
        return "done"
    return "overdue" if date.fromisoformat(task["date"]) < today else "open"


def round_status(db: Repository) -> dict[str, Any]:
    today = clock.today()
    record = last_round(db)
    if record is None:
        first = next_round(db)
        return {"round": None, "next_round": first.number, "next_date": first.date.isoformat()}
    tasks = db.where(TASKS, "round", record["number"])
    states = Counter(task_state(t, today) for t in tasks)
    upcoming = next_round(db) if date.fromisoformat(record["date"]) < today else None
    return {
        "round": record["number"],
        "date": record["date"],
        "tasks": len(tasks),
        "done": states["done"],
        "open": states["open"],
        "overdue": states["overdue"],
        "figures": record["figures"],
        "can_undo": "undo" in record and not states["done"],
        "next_round": upcoming.number if upcoming else record["number"] + 1,
        "next_date": (
            upcoming.date.isoformat()
            if upcoming
            else schedule.round_date(settings(db), record["number"] + 1).date.isoformat()
        ),
    }


def round_history(db: Repository) -> list[Doc]:
    today = clock.today()
    by_round: dict[int, Counter[str]] = defaultdict(Counter)
    for task in db.all(TASKS):
        by_round[task["round"]][task_state(task, today)] += 1
    found = []
    for record in sorted(db.all(ROUNDS), key=lambda r: r["number"]):
        states = by_round[record["number"]]
        found.append(
            {
                "round": record["number"],
                "date": record["date"],
                "applied_at": record["applied_at"],
                **record["figures"],
                "done": states["done"],
                "open": states["open"],
                "overdue": states["overdue"],
            }
        )
    return found


# ------------------------------------------------------------- the commands' results
# One function per command of ``lou rotate``, ``lou task`` and ``lou schedule``: plain
# arguments in, codes and data out (what ``--json`` prints); the CLI only renders them.


def check_can_apply(db: Repository) -> None:
    """A round is applied on or after its date: the last one must be behind us."""
    previous = last_round(db)
    if previous and date.fromisoformat(previous["date"]) >= clock.today():
        raise Conflict(M.ROUND_NOT_YET_DUE, number=previous["number"], date=previous["date"])


def preview_round(db: Repository, on: date | None = None) -> dict[str, Any]:
    """``lou rotate plan``: the next round as plain data, nothing written."""
    return plan_document(plan_round(db, on))


def apply_next(
    db: Repository,
    on: date | None = None,
    before: Callable[[], object] | None = None,
    *,
    allow_unassigned: bool = False,
) -> dict[str, Any]:
    """``lou rotate apply``: plan the next round and carry it out; ``before()`` runs once the
    plan stands and before anything is written (the backup). The plan as plain data, each
    task with the id it was stored under. A round with walks nobody can take is refused
    (naming their sites) unless ``allow_unassigned``: its boxes would simply not change."""
    check_can_apply(db)
    plan = plan_round(db, on)
    unassigned = [t for t in plan.tasks if t.volunteer is None]
    if unassigned and not allow_unassigned:
        names = site_names(db)
        sites = list(dict.fromkeys(names.get(t.site, t.site) for t in unassigned))
        raise Conflict(
            M.ROUND_UNASSIGNED,
            number=plan.number,
            n=len(unassigned),
            sites=M.LIST_SEPARATOR().join(sites),
        )
    if before is not None:
        before()
    record = apply_round(db, plan)
    document = plan_document(plan)
    for task, task_id in zip(document["tasks"], record["tasks"], strict=True):
        task["id"] = task_id
    return document


def undo_round(db: Repository, before: Callable[[], object] | None = None) -> dict[str, Any]:
    """``lou rotate undo``: take back the last round; ``before()`` runs once it is known
    that it can be, before anything is written (the backup)."""
    undoable(db)
    if before is not None:
        before()
    record = undo_last(db)
    return {"round": record["number"], "date": record["date"], "undone": True}


def history_document(db: Repository) -> dict[str, Any]:
    """``lou rotate history``: every round's figures."""
    found = round_history(db)
    return {"rounds": found, "total": len(found)}


def site_names(db: Repository) -> dict[str, str]:
    """Site code -> its name, for the tables."""
    return {s["code"]: s["name"] for s in db.all(SITES)}


def task_rows(db: Repository, tasks: Iterable[Doc]) -> list[Doc]:
    """Tasks (with their stops) as the task commands show them: with the walk's estimate
    in minutes, and the hours it counts once done (lou_library.service)."""
    from lou_library.service import service_settings, task_hours, task_minutes

    config = service_settings(db)
    names = site_names(db)
    people = {v["code"]: v["name"] for v in db.all(VOLUNTEERS)}
    today = clock.today()
    return [
        {
            "id": task["id"],
            "round": task["round"],
            "date": task["date"],
            "volunteer": task.get("volunteer"),
            "volunteer_name": people.get(task.get("volunteer") or "", ""),
            "site": task["site"],
            "site_name": names.get(task["site"], task["site"]),
            "boxes": task["boxes"],
            "books": task["books"],
            "minutes": task_minutes(task, config),
            "hours": task_hours(task, config) if task["status"] == TaskStatus.done else None,
            "status": task_state(task, today),
            "missing": task.get("missing", []),
            "extra": task.get("extra", []),
            "stops": task["stops"],
        }
        for task in tasks
    ]


def show_task(db: Repository, task_id: str | int) -> Doc:
    """``lou task show``."""
    return task_rows(db, [get_task(db, task_id)])[0]


def swap(db: Repository, task_id: str | int, to: str, *, force: bool = False) -> Doc:
    """``lou task swap``: the task as shown, with its new volunteer."""
    return task_rows(db, [swap_task(db, task_id, to, force=force)])[0]


def report_done(
    db: Repository,
    task_id: str | int,
    missing: Iterable[str] = (),
    extra: Iterable[str] = (),
    hours: float | str | None = None,
) -> Doc:
    """``lou task done``: what the task's report now says, and the hours it counts (those
    reported, else the estimate)."""
    from lou_library.service import service_settings, task_hours

    task = complete_task(db, task_id, missing, extra, hours=hours)
    return {
        "id": task["id"],
        "status": task["status"],
        "missing": task["missing"],
        "extra": task["extra"],
        "hours": task_hours(task, service_settings(db)),
    }


def upcoming_rounds(db: Repository, rounds: int) -> dict[str, Any]:
    """``lou schedule show``: the next ``rounds`` rounds' dates."""
    first = next_round(db)
    found = schedule.upcoming(settings(db), first.number, rounds)
    records = [
        {
            "round": r.number,
            "date": r.date.isoformat(),
            "planned_date": r.planned.isoformat(),
            "moved_because": r.reason,
        }
        for r in found
    ]
    return {"rounds": records, "total": len(records)}


def set_schedule(
    db: Repository, start: str | None = None, skip_holidays: bool | None = None
) -> dict[str, Any]:
    """``lou schedule set``: round 1's date (only while no round is applied) and whether
    rounds move off public holidays. The rotation settings as they are now, round 1's
    date (off a holiday too) and whether it has passed without a round applied."""
    current = settings(db)
    config = dict(current.get("rotation", {}))
    applied = last_round(db) is not None
    if start is not None:
        if applied:
            raise Conflict(M.SCHEDULE_LOCKED)
        config["start"] = schedule.parse_date(start, "--start").isoformat()
    if skip_holidays is not None:
        config["skip_holidays"] = skip_holidays
    if "start" not in config:
        config["start"] = next_round(db).date.isoformat()
    set_settings(db, {**current, "rotation": config})
    first = schedule.round_date({"rotation": config}, 1)
    late = not applied and first.date < clock.today()
    found = schedule.rotation_settings({"rotation": config})
    return {**found, "round_1": first.date.isoformat(), "late": late}
