"""The fortnightly rotation: plan a round, apply it, take it back, report what was found.

How a round is planned (a newcomer's guide)
==========================================

1. **The walks.** Each site's active boxes, in route order (the ``rotation.route``
   setting, else compounds then yards by code; inside a site by box code), are cut into
   *walks* of at most seven boxes (``rotation.max_boxes_per_task``), as even as can be.
   Boxes under repair are left out; their books stay where they are. One volunteer does
   one walk, alone: no book passes from one volunteer to another, so nobody waits for
   anybody and a late walk leaves no other box empty or overfull.

2. **What leaves each box.** Every box has a *target*: 80 % of its capacity
   (``rotation.fill``), so there is room for donations. Each round a box sends out the
   books that came longest ago: the share ``rotation.change`` of its target (all of them
   by default; a reading room whose readers want to finish books can choose less), never
   more than the network's usual box holds (24 for boxes of 30), so a corridor reading
   room for 120 changes a fifth of its books a round. A box over its target sends the
   surplus out too; damaged books go back to the library room. A box that keeps some of
   its books sends one copy of a title and keeps the others, and keeps no title the
   batch coming into it brings (a kept copy goes on instead of another book), so two
   copies of a title never share a box or travel on together while another book can.

3. **The walk.** The volunteer starts at the library room (社区图书室) with the books
   chosen for the first box, takes that box's batch out and puts the new books in, carries
   the batch to the second box, takes its batch out and puts the first box's in, and so
   on; the last box's batch goes back to the library room. So a batch moves one box a
   round, whole, and a book that comes into a walk goes through each of its boxes once
   and leaves it. No leg carries more than 30 books (``rotation.leg_limit``), no walk
   more than 60 from the library room (``rotation.depot_limit``): a box too small for the
   batch before it makes that box send fewer, and a box the batch cannot fill (books went
   missing, a bigger box) gets a top-up from the library room as far as the hands allow
   (titles it showed lately only to be three quarters full, as in step 4).

4. **The library room.** The library room is where books change walks and sites. Its
   books are shared among the walks' first boxes each round: a book goes to a walk only
   if neither the first box nor the boxes ahead will have had the copy within a year (26
   rounds, ``rotation.window``) or shown its title within half a year (12 rounds,
   ``rotation.title_window``) by the time it gets there, the walks with the fewest such
   books choosing first. A walk takes first the books that come back from its own site,
   so a book that has been through one walk of a site goes on through another of it
   before it leaves the site; a walk of another site leaves such books to it. A box
   takes a title it showed lately, or a second copy of one, only to be three quarters
   full; else it rather gets a book less. When the library
   room has fewer books than the first boxes need, each walk gets its share and its boxes
   change that many fewer books this round; with none at all, the last box's books go
   back to the first. An empty network is filled in proportion, every box to the same
   share of its target; a new reading room over several rounds.

5. **Who walks.** Each walk goes to a volunteer of its own site who has no walk yet
   this round: the one who has carried the fewest books over the last 26 rounds (then:
   who served longest ago). A free volunteer of a neighbouring site takes it instead only
   when the site's own has carried clearly more (by 30 % of a walk); when nobody of the
   site is free, the nearest site with someone free lends a volunteer, and the plan says
   so. A walk nobody can take is named, and ``rotate apply`` refuses the round until
   someone is found (or ``--allow-unassigned``).

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
from itertools import groupby
from operator import itemgetter
from typing import Any

from lou_library import clock, i18n, planner, schedule
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid, NotFound
from lou_library.network import DEPOT, find_volunteer
from lou_library.records import (
    BOOKS,
    BOXES,
    EVENTS,
    MOVE_BOOK,
    MOVE_ENDS,
    MOVES,
    SITES,
    VOLUNTEERS,
    Doc,
    event,
    last_event,
    leg_books,
    legs_of,
    log,
    remember,
    round_legs,
    set_settings,
    settings,
)
from lou_library.repository import Group, Key, Repository
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
MAX_BOXES_PER_TASK = 7
LOST_AFTER = 3  # rounds not seen before a book counts as lost
# A free neighbour takes a site's walk when, with 30 % of the walk's books, they still
# carried less than the site's own free volunteer (``rotation.help_margin``): the site's
# own people come first, yet a site with few volunteers for many boxes is helped (on the
# demo busiest/quietest 1.3; 2.4 when a free volunteer of the site always walks)
HELP_MARGIN = 0.3

# Something a plan tells the manager: {"code": one of messages.PLAN_NOTES, **its fields}.
# Plain data, so that --json is the same in every language; the CLI puts it into words.
PlanNote = dict[str, Any]


# --------------------------------------------------------------------------- settings


def rotation_settings(db: Repository) -> dict[str, Any]:
    found = schedule.rotation_settings(settings(db))
    found.setdefault("fill", FILL)
    found.setdefault("window", WINDOW)
    found.setdefault("lost_after", LOST_AFTER)
    found.setdefault("max_boxes_per_task", MAX_BOXES_PER_TASK)
    defaults = planner.Limits()
    found.setdefault("title_window", defaults.title_window)
    found.setdefault("change", defaults.change)
    found.setdefault("leg_limit", defaults.leg)
    found.setdefault("depot_limit", defaults.depot)
    found.setdefault("help_margin", HELP_MARGIN)
    return found


def limits_of(config: Mapping[str, Any]) -> planner.Limits:
    return planner.Limits(
        leg=int(config["leg_limit"]),
        depot=int(config["depot_limit"]),
        change=float(config["change"]),
        title_window=int(config["title_window"]),
        max_boxes=int(config["max_boxes_per_task"]),
    )


def target_of(box: Doc, fill: float) -> int:
    return max(1, min(int(box["capacity"]), math.floor(int(box["capacity"]) * fill)))


# ------------------------------------------------------------------------------ plan


@dataclass
class TaskPlan:
    """One volunteer's work in a round: a walk from the library room and back."""

    site: str
    boxes: list[str]  # in walking order
    moves: list[tuple[str, str, str]]
    heaviest: int = 0  # the most books in hand between two stops
    from_depot: int = 0
    to_depot: int = 0
    volunteer: str | None = None
    volunteer_name: str = ""
    borrowed_from: str | None = None  # the volunteer's own site, when borrowed

    @property
    def books(self) -> int:
        """Books handled: each is taken out of one place and put into another."""
        return 2 * len(self.moves) - self.from_depot - self.to_depot


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
    fresh_titles: int
    inside_site: int  # moves (legs, to and from the library room too) inside one site
    from_depot: int
    to_depot: int
    short: dict[str, int]  # box -> books missing to reach its target
    over_capacity: list[str]
    newly_lost: list[str]
    warnings: list[PlanNote]  # what the manager should know, as codes and data
    box_site: dict[str, str]
    final_counts: dict[str, int] = field(default_factory=dict)
    due: Day | None = None  # a late round: the date it was due (it is planned for today)
    fill_share: float = 1.0
    forecast: dict[str, Any] = field(default_factory=dict)
    title_of: dict[str, str] = field(default_factory=dict, repr=False)  # book -> title_key
    # books that come into a box from another one (straight, or through the library room:
    # the box it last stood in), and how many of them stay in that box's site
    changed_box: int = 0
    changed_in_site: int = 0
    # every book's BOOK_FIELDS as the plan read them, as db.grouped(BOOKS, BOOK_FIELDS)
    # gives them (plan_round(..., hold=True)): apply keeps the moving books' for undo
    # without reading them again. None: apply reads them.
    held: list[Group] | None = field(default=None, repr=False)
    # the route's boxes as the plan read them, by code (plan_round(..., hold=True), in
    # the unit of work that applies it: apply reads them no more)
    boxes: dict[str, Doc] = field(default_factory=dict, repr=False)

    @property
    def freshness(self) -> float:
        return self.fresh / self.arrivals if self.arrivals else 1.0

    @property
    def title_freshness(self) -> float:
        return self.fresh_titles / self.arrivals if self.arrivals else 1.0

    @property
    def inside_share(self) -> float:
        return self.inside_site / len(self.moves) if self.moves else 1.0

    @property
    def stay_in_site(self) -> float:
        """The share of books changing box whose new box is in the site of their last."""
        return self.changed_in_site / self.changed_box if self.changed_box else 1.0

    @property
    def heaviest(self) -> int:
        return max((t.heaviest for t in self.tasks), default=0)

    @property
    def unassigned(self) -> list[TaskPlan]:
        """The walks nobody could take."""
        return [t for t in self.tasks if t.volunteer is None]

    @property
    def handovers(self) -> int:
        """Hand-overs between walks: pairs of walks where one takes books out of its box
        and another puts them into its own (they must meet). The library room is no one's."""
        owner = {box: i for i, task in enumerate(self.tasks) for box in task.boxes}
        pairs = {
            (owner[source], owner[target])
            for task in self.tasks
            for (source, target), _ in groupby(task.moves, key=MOVE_ENDS)  # a leg at a time
            if source in owner and target in owner and owner[source] != owner[target]
        }
        return len(pairs)


def route(db: Repository) -> list[Doc]:
    """Active boxes in route order: site by site, then by code."""
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


def recent_books(
    box: Doc, current: int, window: int, read: Callable[[str], list[str]] = str.split
) -> list[tuple[int, list[str]]]:
    """Books this box held in the last ``window`` rounds before round ``current`` (what it
    was given by a round, found in it or donated into it): each round, oldest first, with
    its books (:data:`lou_library.planner.Remembered`); ``read`` makes a round's stored
    codes a list."""
    since = current - window
    found = [(int(number), codes) for number, codes in box.get("recent", {}).items()]
    return [
        (number, read(codes))
        for number, codes in sorted(found, key=itemgetter(0))
        if number >= since
    ]


class _Memories(Mapping[str, list[tuple[int, list[str]]]]):
    """Each box's memory (:func:`recent_books`), made when the planner asks for it."""

    def __init__(
        self,
        boxes: dict[str, Doc],
        current: int,
        window: int,
        recollection: planner.Recollection | None,
    ) -> None:
        self.boxes, self.current, self.window = boxes, current, window
        self.read = str.split if recollection is None else recollection.books

    def __getitem__(self, code: str) -> list[tuple[int, list[str]]]:
        return recent_books(self.boxes[code], self.current, self.window, self.read)

    def __iter__(self) -> Iterator[str]:
        return iter(self.boxes)

    def __len__(self) -> int:
        return len(self.boxes)


def last_round(db: Repository) -> Doc | None:
    """The last round applied, its whole record (its undo data too)."""
    found = last_applied(db)
    return None if found is None else db.get(ROUNDS, found["number"])


def last_applied(db: Repository) -> Doc | None:
    """The last round applied: its number and date only (a county's last round holds the
    undo data of 800,000 books, which a plan does not read)."""
    applied = [
        {"number": number, "date": day}
        for number, day, status in db.values(ROUNDS, "number", "date", "status")
        if status == RoundStatus.applied
    ]
    return max(applied, key=lambda r: r["number"]) if applied else None


def next_round(db: Repository, on: date | None = None) -> schedule.RoundDate:
    """The round to plan: the first one not applied, never skipped.

    A round whose date has passed is planned for today, with ``due`` saying when it was
    due: a season applied a day late each time still reads rounds 1, 2, 3, 4, ...
    """
    current = settings(db)
    previous = last_applied(db)
    number = previous["number"] + 1 if previous else 1
    if on is not None:
        if previous and on <= date.fromisoformat(previous["date"]):
            raise Conflict(
                M.ROUND_DATE_TOO_EARLY,
                date=on,
                number=previous["number"],
                previous=previous["date"],
            )
        # --date moves this round only: the schedule keeps its dates (round 1's too, which
        # becomes the schedule's start once applied), so it must stay before the next one
        following = schedule.round_date(current, number + 1).date
        if on >= following:
            raise Conflict(M.ROUND_DATE_TOO_LATE, date=on, number=number + 1, next=following)
        return schedule.RoundDate(number, schedule.round_date(current, number).planned, on)
    today = clock.today()
    found = schedule.round_date(current, number)
    if found.date < today:
        return schedule.RoundDate(number, found.planned, today, found.reason, due=found.date)
    return found


def title_key(book: Mapping[str, Any]) -> str:
    """What makes two copies "the same title" for a reader: the title, without spaces."""
    return "".join(str(book.get("title", "")).split()) or str(book["code"])


def planning_books(
    db: Repository,
    number: int,
    lost_after: int,
    held: defaultdict[tuple[Any, ...], list[Key]] | None = None,
) -> planner.Shelves:
    """The books as round ``number`` plans with them (:func:`lou_library.planner.shelves`,
    with each book's :func:`title_key`), from the books' planning fields only: at
    1,000,000 books, whole records took 2 GB. ``held``: each book's BOOK_FIELDS are noted
    there too (see :func:`_held`)."""
    if held is None:
        fields: Iterable[planner.PlanningBook] = db.values(BOOKS, *planner.PLANNING_FIELDS)
    else:
        rows = db.values(BOOKS, *planner.PLANNING_FIELDS, lacking=BOOK_FIELDS)
        fields = _holding(rows, held)
    return planner.shelves_of(fields, number, lost_after)


def _holding(
    rows: Iterable[tuple[Any, ...]], held: defaultdict[tuple[Any, ...], list[Key]]
) -> Iterator[planner.PlanningBook]:
    """The planning fields of ``rows``, which end with the bits of the BOOK_FIELDS each
    book lacks (:meth:`~lou_library.repository.Repository.values`); the books' codes
    noted in ``held`` by those fields' values and bits."""
    for row in rows:
        code, status, box, since, _, _, _, last_box, lacks = row
        held[box, last_box, status, since, lacks].append(code)
        yield row[:8]


def _held(held: Mapping[tuple[Any, ...], list[Key]]) -> list[Group] | None:
    """The books :func:`_holding` noted as ``db.grouped(BOOKS, BOOK_FIELDS)`` gives them
    (a field a book lacks left out; groups in the order of their first book, as read);
    None if a value read may not be the one stored (read again, exactly, then)."""
    unsure = 1 << len(BOOK_FIELDS)
    groups: list[Group] = []
    for (*values, lacks), codes in held.items():
        if lacks >= unsure:
            return None
        fields = {
            name: value
            for bit, (name, value) in enumerate(zip(BOOK_FIELDS, values, strict=True))
            if not lacks >> bit & 1
        }
        groups.append((fields, codes))
    return groups


def plan_round(
    db: Repository,
    on: date | None = None,
    recollection: planner.Recollection | None = None,
    *,
    hold: bool = False,
) -> Plan:
    """Compute the next round without writing anything (see the module's guide).

    The walks and their books (steps 1 to 4) are :func:`lou_library.planner.walk`; who
    walks (step 5) is made here. ``recollection``: what the plan before, in the same
    process, worked out of the boxes' memories (``rotate simulate``). ``hold``: the plan
    keeps what :func:`apply_round` would read again (:attr:`Plan.held`).
    """
    config = rotation_settings(db)
    when = next_round(db, on)
    number = when.number
    ring = route(db)
    box_site: dict[str, str] = dict(db.values(BOXES, "code", "site"))
    box_site[DEPOT] = DEPOT
    warnings = _plan_warnings(db, when)
    held: defaultdict[tuple[Any, ...], list[Key]] | None = defaultdict(list) if hold else None
    books = planning_books(db, number, int(config["lost_after"]), held)
    title_of = books.title_of
    if not ring:
        raise Conflict(M.ROTATE_NO_BOXES)
    targets = {b["code"]: target_of(b, float(config["fill"])) for b in ring}
    if recollection is not None:
        recollection.begin(title_of)
    recent = _Memories({b["code"]: b for b in ring}, number, int(config["window"]), recollection)
    limits = limits_of(config)
    walk = planner.walk(ring, books, targets, recent, title_of, number, limits, recollection)
    moves = walk.moves
    over = [b["code"] for b in ring if walk.final_counts.get(b["code"], 0) > int(b["capacity"])]
    inside_site, changed, changed_in_site = move_figures(moves, books.came_from, box_site)
    tasks = [
        TaskPlan(
            r.site,
            r.stops,
            r.moves,
            r.heaviest,
            r.from_depot,
            r.to_depot,
        )
        for r in walk.routes
    ]
    margin = float(config["help_margin"])
    _assign(db, tasks, [b["site"] for b in ring], when.date, warnings, margin)
    if walk.fill_share < 0.99:  # a cold start: every box filled to the same share
        warnings.append({"code": "low_stock", "share": round(walk.fill_share, 3)})
    plan = Plan(
        number=number,
        date=when.date,
        planned_date=when.planned,
        moved_because=when.reason,
        moves=moves,
        tasks=tasks,
        arrivals=walk.arrivals,
        fresh=walk.fresh,
        fresh_titles=walk.fresh_titles,
        inside_site=inside_site,
        from_depot=sum(r.from_depot for r in walk.routes),
        to_depot=sum(r.to_depot for r in walk.routes),
        short=walk.short,
        over_capacity=over,
        newly_lost=sorted(books.newly_lost),
        warnings=warnings,
        box_site=box_site,
        final_counts=walk.final_counts,
        due=when.due,
        fill_share=walk.fill_share,
        title_of=title_of,
        held=None if held is None else _held(held),
        boxes={b["code"]: b for b in ring} if hold else {},
    )
    plan.forecast = forecast(db, number, len(books.depot), sum(targets.values()))
    plan.changed_box, plan.changed_in_site = changed, changed_in_site
    return plan


def changed_box(
    moves: Iterable[tuple[str, str, str]],
    came_from: Mapping[str, str | None],
    box_site: Mapping[str, str],
) -> tuple[int, int]:
    """(books that come into a box from another box, those of them staying in its site).
    A book from the library room comes from the box it last stood in (``came_from``); one
    that never stood in a box (new, donated to the library room) is not counted."""
    return move_figures(moves, came_from, box_site)[1:]


def move_figures(
    moves: Iterable[tuple[str, str, str]],
    came_from: Mapping[str, str | None],
    box_site: Mapping[str, str],
) -> tuple[int, int, int]:
    """(moves from a box to a box of the same site, then :func:`changed_box`), in one pass
    over a round's moves (a county's round has 1,000,000), a leg at a time."""
    inside = changed = same = 0
    site = box_site.get
    for (source, target), run in groupby(moves, key=MOVE_ENDS):  # (the runs are found in C)
        if target == DEPOT:
            continue
        there = site(target)
        if source == DEPOT:  # each book comes from the box it last stood in
            for origin in map(came_from.get, map(MOVE_BOOK, run)):
                if origin is not None:
                    changed += 1
                    same += site(origin) == there
            continue
        books = len(list(run))
        changed += books
        if site(source) == there:
            inside += books
            same += books
    return inside, changed, same


def _plan_warnings(db: Repository, when: schedule.RoundDate) -> list[PlanNote]:
    """What the plan must say before its tasks, as codes and data: the round is late, or
    given a day already past (--date); the last round's walks were not all reported (the
    plan assumes they happened as listed)."""
    warnings: list[PlanNote] = []
    if when.due is None and when.date < clock.today():  # (its tasks are overdue at once)
        warnings.append({"code": "past", "number": when.number, "date": when.date.isoformat()})
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
    previous = last_applied(db)
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


# ----------------------------------------------------------------------- the forecast


def forecast(db: Repository, number: int, depot: int, places: int) -> dict[str, Any]:
    """When the library room runs out at the loss rate seen so far, and how many books a
    half year the programme must take in to keep every box at its target.

    The loss rate is the books that became "lost" per round over the last 26 rounds
    (none seen yet: no forecast); a half year is 13 rounds (every 14 days)."""
    since = number - WINDOW
    lost = 0
    rounds = 0
    # (three fields of each round: the last one's undo data holds every book it moved)
    for found, status, figures in db.values(ROUNDS, "number", "status", "figures"):
        if status == RoundStatus.applied and found >= since:
            rounds += 1
            lost += int((figures or {}).get("newly_lost", 0))
    rate = lost / rounds if rounds else 0.0
    runs_out = None if rate <= 0 else number + math.floor(depot / rate)
    return {
        "rounds_seen": rounds,
        "lost_per_round": round(rate, 2),
        "depot_books": depot,
        "box_places": places,
        "depot_empty_round": runs_out,
        "books_per_half_year": math.ceil(rate * 13),
    }


# ------------------------------------------------------------------------ volunteers


def volunteer_loads(
    db: Repository, current: int, window: int = WINDOW
) -> dict[str, tuple[int, int]]:
    """Per volunteer: (books handled in the last ``window`` rounds, last round served)."""
    loads: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    # (three fields of each task, not whole tasks: a county makes 7,000 a round)
    for number, volunteer, books in db.values(TASKS, "round", "volunteer", "books"):
        if number > current - window and volunteer:
            entry = loads[volunteer]
            entry[0] += int(0 if books is None else books)
            entry[1] = max(entry[1], int(number))
    return {code: (v[0], v[1]) for code, v in loads.items()}


def is_away(person: Doc, day: date) -> bool:
    iso = day.isoformat()
    return any(p["from"] <= iso <= p["to"] for p in person.get("away", []))


class _Crew:
    """Who can walk on the round's day, what each carried lately, who has a walk already."""

    def __init__(self, db: Repository, site_order: list[str], day: date, margin: float) -> None:
        self.margin = margin  # rotation.help_margin
        previous = last_applied(db)
        recent = volunteer_loads(db, (previous["number"] if previous else 0) + 1)
        self.loads = {code: v[0] for code, v in recent.items()}
        self.last_served = {code: v[1] for code, v in recent.items()}
        self.busy: Counter[str] = Counter()
        self.walks_left: Counter[str] = Counter()  # site -> its walks not given yet
        self.order = list(dict.fromkeys(site_order))
        self.position = {site: i for i, site in enumerate(self.order)}
        self.by_site: dict[str, list[Doc]] = defaultdict(list)
        for person in db.where(VOLUNTEERS, "status", Status.active):
            if person.get("sites") and not is_away(person, day):
                for site in person["sites"]:
                    self.by_site[site].append(person)

    def best(self, pool: Iterable[Doc]) -> Doc | None:
        """The one who carried the fewest books lately, then who served longest ago."""
        loads, served = self.loads, self.last_served
        return min(
            pool,
            key=lambda p: (loads.get(p["code"], 0), served.get(p["code"], 0), p["code"]),
            default=None,
        )

    def free(self, site: str) -> list[Doc]:
        return [p for p in self.by_site[site] if not self.busy[p["code"]]]

    def nearby(self, site: str, reach: int) -> Iterator[str]:
        """Sites along the route, nearest first, up to ``reach`` away."""
        i = self.position.get(site, 0)
        for distance in range(1, reach + 1):
            for j in (i - distance, i + distance):
                if 0 <= j < len(self.order):
                    yield self.order[j]

    def helper(self, site: str, own: Doc, books: int) -> Doc | None:
        """A free neighbour who, with ``help_margin`` of the walk (:data:`HELP_MARGIN`),
        still carried less, of a site that has more free volunteers than walks left."""
        pool = [
            p
            for s in self.nearby(site, 1)
            if len(self.free(s)) > self.walks_left[s]
            for p in self.free(s)
            if site not in p["sites"]
        ]
        found = self.best(pool)
        mine = self.loads.get(own["code"], 0)
        if found is not None and self.loads.get(found["code"], 0) + books * self.margin < mine:
            return found
        return None

    def lender(self, site: str) -> Doc | None:
        """The free volunteer of the nearest site that has one to spare, else the nearest
        volunteer at all (a second walk for them)."""
        for other in self.nearby(site, len(self.order)):
            if len(self.free(other)) > self.walks_left[other]:
                return self.best(self.free(other))
        for other in self.nearby(site, len(self.order)):
            found = self.best(self.by_site[other])
            if found is not None:
                return found
        return None

    def home(self, person: Doc) -> str:
        return next((s for s in self.order if s in person["sites"]), person["sites"][0])

    def take(self, task: TaskPlan, person: Doc) -> None:
        self.walks_left[task.site] -= 1
        task.volunteer, task.volunteer_name = person["code"], person["name"]
        self.busy[person["code"]] += 1
        self.loads[person["code"]] = self.loads.get(person["code"], 0) + task.books


def _assign(
    db: Repository,
    tasks: list[TaskPlan],
    site_order: list[str],
    day: date,
    warnings: list[PlanNote],
    margin: float = HELP_MARGIN,
) -> None:
    """Give each walk to a volunteer, the heaviest walks first (step 5 of the guide).

    Candidates, in this order: volunteers of the walk's site who have no walk yet this
    round (a free neighbour instead when they carried clearly less, see :data:`HELP_MARGIN`
    and ``rotation.help_margin``);
    then those of the nearest site along the route with someone free (with a warning
    naming both sites); then anyone of the site, a second walk. Among candidates, the one
    who carried the fewest books over the last 26 rounds, then who served longest ago. A
    walk nobody can take is named in the warnings.
    """
    crew = _Crew(db, site_order, day, margin)
    crew.walks_left.update(task.site for task in tasks)
    for task in sorted(tasks, key=lambda t: (-t.books, crew.position.get(t.site, 0), t.boxes)):
        chosen = crew.best(crew.free(task.site))
        if chosen is not None:
            chosen = crew.helper(task.site, chosen, task.books) or chosen
        elif crew.by_site[task.site]:  # everyone of the site has a walk: a second one
            chosen = min(
                crew.by_site[task.site],
                key=lambda p: (crew.busy[p["code"]], crew.loads.get(p["code"], 0), p["code"]),
            )
        else:
            chosen = crew.lender(task.site)
            if chosen is not None:
                note = {"code": "borrowed", "site": task.site, "name": chosen["name"]}
                warnings.append({**note, "other": crew.home(chosen)})
        if chosen is None:
            warnings.append({"code": "nobody", "site": task.site})
            continue
        if task.site not in chosen["sites"]:
            task.borrowed_from = crew.home(chosen)
        crew.take(task, chosen)


# ----------------------------------------------------------------------------- apply


def apply_round(
    db: Repository,
    plan: Plan,
    command: str = "rotate apply",
    meanwhile: Callable[[], object] | None = None,
) -> Doc:
    """Carry a plan out: move the books, store the round and its tasks; one write. What
    is read comes first, then the books move (a server carries that out while the rest
    is worked out here, and ``meanwhile()`` runs), then the rest is written."""
    existing = db.get(ROUNDS, plan.number)
    if existing is not None and existing["status"] == RoundStatus.applied:
        raise Conflict(M.ROUND_ALREADY_APPLIED, number=plan.number)
    config = rotation_settings(db)
    stamp = clock.stamp()
    # the fields the round changes, as they are, in groups (not a million documents);
    # read for every book at once, which is cheaper than naming the books that move
    everyone = db.grouped(BOOKS, BOOK_FIELDS) if plan.held is None else plan.held
    plan.held = None  # (a million books' fields: not kept past here)
    # the boxes the plan read (any other in one query, not one a box)
    boxes: dict[Key, Doc] = {c: plan.boxes[c] for c in plan.final_counts if c in plan.boxes}
    boxes.update(db.get_many(BOXES, [c for c in plan.final_counts if c not in plan.boxes]))
    # Only the last round can be undone, so the round before loses its undo data, and
    # this round's keeps nothing of it: the undo data is the size of one round's work.
    previous = {
        record["number"]: _without_undo(record) for record in db.all(ROUNDS) if "undo" in record
    }
    undo: Doc = {  # only the fields apply changes: undo puts them back, or removes them
        "book_groups": [],  # (below)
        "memory": {},  # box -> what this round changes in its memory (below)
        "meta": copy.deepcopy(db.meta()),
        "events_after": last_event(db),
        "tables": sorted(db.tables()),  # tables that existed before
    }
    db.update_groups(BOOKS, _moved_groups(plan), wait=False)

    saved = _of_books(everyone, set(map(itemgetter(0), plan.moves)).union(plan.newly_lost))
    undo["book_groups"] = [[fields, " ".join(map(str, codes))] for fields, codes in saved]
    # what boxes in their first round held before it
    first = any(_never_rotated(boxes.get(code)) for code in plan.final_counts)
    before = _box_contents(everyone) if first else {}
    del everyone, saved
    legs = legs_of(plan.moves)
    undo["memory"], memories = _remember(plan, legs, before, int(config["window"]), boxes)
    if meanwhile is not None:
        meanwhile()

    # the boxes as read, with their memories: none is read again (at 1,000,000 books, the
    # 30,000 boxes' documents, each with the books it received, took 0.2 s to read back);
    # first, so that a server's rows for them are made while it still moves the books
    db.replace(BOXES, {code: {**boxes[code], **change} for code, change in memories.items()})
    db.replace(ROUNDS, previous)
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
    db.add(MOVES, [{"round": plan.number, "legs": legs}])
    db.check(wait=False)  # (a server checks what its commit would while the caller goes on)
    return record


def _of_books(groups: list[Group], codes: set[str]) -> list[Group]:
    """``db.grouped(BOOKS, fields, sorted(codes))`` out of ``db.grouped(BOOKS, fields)``:
    the groups' books among ``codes``, in code order, groups in the order of their first."""
    found: list[Group] = []
    for fields, members in groups:
        mine = [str(code) for code in members if code in codes]
        if mine:  # (after years, a group for every two books: no generator for each)
            mine.sort()
            found.append((fields, mine))
    found.sort(key=lambda group: str(group[1][0]))
    return found


def _box_contents(groups: list[Group]) -> dict[str, list[str]]:
    """Box -> the codes of the books in it (``groups``: every book's BOOK_FIELDS)."""
    contents: dict[str, list[str]] = defaultdict(list)
    for fields, codes in groups:
        if fields.get("status") == BookStatus.in_box:
            contents[fields["box"]] += map(str, codes)
    return contents


def _moved_groups(plan: Plan) -> list[Group]:
    """The fields of the books that the round changes (BOOK_FIELDS), as they become, in
    groups that share them: the books going into one box, those going back to the depot
    from one box (the box they stand in: each move's source), the books lost. Made from
    the round's legs (a county's round: 65,000 legs, 950,000 moves)."""
    groups: dict[tuple[str, Any], list[Key]] = defaultdict(list)
    for (source, target), run in groupby(plan.moves, key=MOVE_ENDS):
        groups[(DEPOT, source) if target == DEPOT else ("box", target)] += map(MOVE_BOOK, run)
    if plan.newly_lost:  # not seen for too many rounds
        groups[("lost", None)] += plan.newly_lost
    return [(_moved(key, plan.number), codes) for key, codes in groups.items()]


def _moved(group: tuple[str, Any], number: int) -> Doc:
    """The fields of the books of one group of :func:`_moved_groups` as they become."""
    kind, where = group
    if kind == "lost":
        return {"status": BookStatus.lost}
    if kind == DEPOT:
        return {"last_box": where, "box": None, "status": BookStatus.in_depot, "since": number}
    return {"last_box": where, "box": where, "status": BookStatus.in_box, "since": number}


def _never_rotated(box: Doc | None) -> bool:
    """The box has no round in its memory yet (its first round is coming)."""
    return box is not None and not any(int(n) >= 1 for n in box.get("recent") or {})


def _remember(
    plan: Plan,
    legs: list[Doc],
    before: dict[str, list[str]],
    window: int,
    boxes: dict[Key, Doc],
) -> tuple[Doc, dict[Key, Doc]]:
    """Each box's memory after the round: the books it received in the last ``window``
    rounds (``legs``: the plan's moves, :func:`legs_of`), as the change of the boxes to
    write, after what undo needs, per box: only what this round forgets or rewrites
    (entries that fell out of the window; "0" is written again when the window empties),
    whether the box had a memory at all, and which entries it adds."""
    arrivals: dict[str, list[str]] = defaultdict(list)  # box -> its legs' books, in order
    for leg in legs:
        if leg["to"] != DEPOT:
            arrivals[leg["to"]].append(leg["books"])
    memory: dict[str, Doc] = {}
    changes: dict[Key, Doc] = {}
    for code in plan.final_counts:
        doc = boxes.get(code)
        if doc is None:
            continue
        had = doc.get("recent") or {}
        recent = {n: codes for n, codes in had.items() if int(n) > plan.number - window}
        if before.get(code) and _never_rotated(doc):
            # what it held before its first round (with any book found or donated there)
            held = {*recent.get("0", "").split(), *before[code]}
            recent["0"] = " ".join(sorted(held))
        if arrivals.get(code):
            recent[str(plan.number)] = " ".join(arrivals[code])
        memory[code] = {
            "had": doc.get("recent") is not None,
            "forgot": {n: codes for n, codes in had.items() if recent.get(n) != codes},
            "added": [n for n in recent if n not in had],
        }
        changes[code] = {"recent": recent}
    return dict(sorted(memory.items())), changes


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
            "minutes": estimate_minutes(len(set(task.boxes)), task.books, config),
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
    groups: dict[tuple[Any, ...], list[str]] = defaultdict(list)
    absent = (_ABSENT,) * len(BOOK_FIELDS)
    for doc in books:
        groups[tuple(map(doc.get, BOOK_FIELDS, absent))].append(doc["code"])
    return [
        [{n: v for n, v in zip(BOOK_FIELDS, key, strict=True) if v is not _ABSENT}, " ".join(c)]
        for key, c in groups.items()
    ]


def _put_fields_back(
    db: Repository, table: str, saved: dict[str, Doc], names: tuple[str, ...]
) -> None:
    """Give each document its saved fields again; a field it did not have goes away, so
    the document (and its key order) is exactly as before."""
    records: dict[Key, Doc] = {}
    found = db.get_many(table, saved)  # one query, not one a book (a server's round trip)
    for code, fields in saved.items():
        doc = found.get(code)
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
        "title_freshness": round(plan.title_freshness, 4),
        "handovers": plan.handovers,
        "heaviest_leg": plan.heaviest,
        "most_from_depot": max((t.from_depot for t in plan.tasks), default=0),
        "unassigned": len(plan.unassigned),
        "fill_share": round(plan.fill_share, 3),
        "changed_box": plan.changed_box,
        "stay_in_site": round(plan.stay_in_site, 4),
    }


def plan_document(plan: Plan, *, moves: bool = True) -> dict[str, Any]:
    """The plan as plain data, for ``--json`` and the table renderer (``moves``: with
    every move, which a table does not show: 950,000 of them in a county's round)."""
    document = {
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
                "heaviest_leg": t.heaviest,
                "stops": stops_of(t.boxes, t.moves),
            }
            for t in plan.tasks
        ],
        "forecast": plan.forecast,
        "moves": [{"book": b, "from": s, "to": t} for b, s, t in plan.moves] if moves else None,
        "short": plan.short,
        "over_capacity": plan.over_capacity,
        "newly_lost": plan.newly_lost,
        # The notes as codes and data; "warnings" words them in English, like the keys.
        "warnings": [note_text(note, "en") for note in plan.warnings],
        "notes": plan.warnings,
    }
    if not moves:
        del document["moves"]
    return document


def note_text(note: PlanNote, lang: i18n.Lang) -> str:
    """A plan's note in words: its catalogue entry, lists joined the language's way."""
    fields = {
        key: M.LIST_SEPARATOR.text(lang).join(map(str, value)) if isinstance(value, list) else value
        for key, value in note.items()
        if key != "code"
    }
    return M.PLAN_NOTES[note["code"]].render(lang, **fields)


# ------------------------------------------------------------------------------ undo


def can_undo(db: Repository) -> bool:
    """Would ``lou rotate undo`` take the last round back now? (A refusal that offers it
    as a way out offers it only then.)"""
    try:
        undoable(db)
    except Conflict:
        return False
    return True


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


def redate_last(db: Repository, on: date) -> Doc:
    """``lou rotate redate DATE``: the last applied round (``apply --date`` given wrong)
    falls on ``on``, its tasks too, whatever has been reported since: the notice, the
    calendar, what is overdue and the service hours all follow the tasks' date. The
    schedule keeps its dates, so ``on`` must fall after the round before and before the
    next one. The tasks whose volunteer is away that day are named (``away``)."""
    last = last_applied(db)
    if last is None:
        raise Conflict(M.NO_ROUNDS)
    number, was = last["number"], date.fromisoformat(last["date"])
    if on == was:
        raise Conflict(M.REDATE_SAME, number=number, date=on)
    before = [d for n, d in db.values(ROUNDS, "number", "date") if n == number - 1]
    if before and on <= date.fromisoformat(before[0]):
        raise Conflict(M.REDATE_TOO_EARLY, date=on, number=number - 1, previous=before[0])
    following = schedule.round_date(settings(db), number + 1).date
    if on >= following:
        raise Conflict(M.ROUND_DATE_TOO_LATE, date=on, number=number + 1, next=following)
    tasks = sorted(db.where(TASKS, "round", number), key=itemgetter("id"))
    db.update(ROUNDS, {number: {"date": on.isoformat()}})
    db.update(TASKS, {t["id"]: {"date": on.isoformat()} for t in tasks})
    people = db.get_many(VOLUNTEERS, sorted({t["volunteer"] for t in tasks if t.get("volunteer")}))
    away = [
        t["id"]
        for t in tasks
        if t["status"] == TaskStatus.open and is_away(people.get(t.get("volunteer") or "", {}), on)
    ]
    return {
        "round": number,
        "date": on.isoformat(),
        "was": was.isoformat(),
        "tasks": [t["id"] for t in tasks],
        "away": away,
    }


def undo_last(db: Repository) -> Doc:
    """Take back the last applied round while none of its tasks is done."""
    record = undoable(db)
    number = record["number"]
    task_ids = [t["id"] for t in db.where(TASKS, "round", number)]
    undo = record["undo"]
    if "book_groups" in undo or "book_fields" in undo:
        if "book_groups" in undo:  # the books as they were, in groups (every one is still
            # there: nothing has changed since the round, see undoable())
            groups = [
                ({n: fields[n] for n in BOOK_FIELDS if n in fields}, str(codes).split())
                for fields, codes in undo["book_groups"]
            ]
            db.update_groups(BOOKS, groups, remove=BOOK_FIELDS)
        else:
            _put_fields_back(db, BOOKS, undo["book_fields"], BOOK_FIELDS)
        if "memory" in undo:
            _restore_memory(db, undo["memory"])
        else:  # a round applied by schema 2, which kept every box's whole memory
            _put_fields_back(db, BOXES, undo["box_fields"], BOX_FIELDS)
    else:  # a round applied by schema 1, which kept whole documents
        _replace_docs(db, BOOKS, undo["books"])
        _replace_docs(db, BOXES, undo["boxes"])
    cut = int(undo["events_after"])
    db.truncate(EVENTS, cut)
    # a task of an earlier round reported since would point past the history cut back
    # (its next numbers are given again): it falls back to its report's time
    late = [i for i, n in db.values(TASKS, "id", "reported_at_event") if n is not None and n > cut]
    if late:
        found = db.get_many(TASKS, late)
        db.replace(TASKS, {i: {k: v for k, v in found[i].items() if k != "reported_at_event"}
                           for i in late})  # fmt: skip
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
    boxes = db.get_many(BOXES, memory)
    for code, change in memory.items():
        doc = boxes.get(code)
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


def stops_of(boxes: list[str], moves: Iterable[tuple[str, str, str]]) -> list[Doc]:
    """A walk's pick list: for each box, what to take out (book, where to) and what to put
    in (book, where from)."""
    return _stops(boxes, *_by_box(moves))


def _by_box(
    moves: Iterable[tuple[str, str, str]],
) -> tuple[dict[str, list[list[str]]], dict[str, list[list[str]]]]:
    """Per box: the books taken out of it (and where to), put into it (and where from)."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    into: dict[str, list[list[str]]] = defaultdict(list)
    for (source, target), run in groupby(moves, key=MOVE_ENDS):  # a leg at a time
        books = list(map(MOVE_BOOK, run))
        out[source] += [[book, target] for book in books]
        into[target] += [[book, source] for book in books]
    return out, into


def _legs_by_box(
    legs: Iterable[Mapping[str, Any]], boxes: Collection[str]
) -> tuple[dict[str, list[list[str]]], dict[str, list[list[str]]]]:
    """:func:`_by_box` of a round's stored legs (a leg at a time: one source and target),
    for these boxes only (one volunteer's walk need not unpack a county's 800,000 moves)."""
    out: dict[str, list[list[str]]] = defaultdict(list)
    into: dict[str, list[list[str]]] = defaultdict(list)
    for leg in legs:
        source, target = leg["from"], leg["to"]
        if source in boxes:
            out[source] += [[book, target] for book in leg_books(leg)]
        if target in boxes:
            into[target] += [[book, source] for book in leg_books(leg)]
    return out, into


def _stops(
    boxes: list[str], out: dict[str, list[list[str]]], into: dict[str, list[list[str]]]
) -> list[Doc]:
    """The stops in walking order. A box the walk comes back to (the first box, when the
    last box's books go back to it) has its books taken out at the first visit, and the
    books from boxes the walk only reaches later put in at the last visit."""
    stops: list[Doc] = []
    for i, box in enumerate(boxes):
        first = boxes.index(box) == i
        later = set(boxes[i + 1 :])
        if box in later:  # it comes again: only what is in hand by now
            put_in = [item for item in into.get(box, []) if item[1] not in later]
        elif first:
            put_in = into.get(box, [])
        else:  # the last visit: the rest
            earlier = {item[0] for stop in stops if stop["box"] == box for item in stop["put_in"]}
            put_in = [item for item in into.get(box, []) if item[0] not in earlier]
        stops.append({"box": box, "take_out": out.get(box, []) if first else [], "put_in": put_in})
    return stops


def with_stops(db: Repository, tasks: list[Doc]) -> list[Doc]:
    """Tasks with their pick lists (``stops``), derived from their round's moves.

    A task stores only its boxes; what to take out of each and put into each is in the
    round's ``moves``, so it is not stored twice. (No two tasks of a round share a box.)
    """
    boxes: dict[int, set[str]] = defaultdict(set)  # round -> the boxes its tasks stop at
    for task in tasks:
        if "stops" not in task:
            boxes[task["round"]].update(task["boxes"])
    legs = round_legs(db, boxes) if boxes else {}
    rounds = {number: _legs_by_box(found, boxes[number]) for number, found in legs.items()}
    found = []
    for task in tasks:
        if "stops" in task:  # stored by schema 1
            found.append(task)
            continue
        out, into = rounds.get(task["round"], ({}, {}))
        found.append({**task, "stops": _stops(task["boxes"], out, into)})
    return found


def open_tasks_handling(db: Repository, code: str) -> list[Doc]:
    """The tasks not reported done yet whose pick lists hold this book, by id."""
    tasks = db.where(TASKS, "status", TaskStatus.open)
    return sorted((t for t in with_stops(db, tasks) if code in task_books(t)), key=itemgetter("id"))


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
    handled: dict[str, tuple[str, str]] | None = None,
) -> Doc:
    """A volunteer reports back (with the hours the walk took, if they say). Books not
    found become "not seen" (residents take books home and bring them back); registered
    books found where they should not be are put back on the record in the box they were
    found in.

    ``listed`` is the task as :func:`list_tasks` gave it, stops included, so a caller
    reporting a whole round does not rebuild every task's pick list; ``handled``, its
    :func:`task_books`, if the caller has them (the simulator works them out of the
    plan's moves): the pick list is then not made at all, and the task returned has
    none."""
    from lou_library.records import normalise_code

    task = get_task(db, task_id, stops=listed is None and handled is None)
    if listed is not None:
        task = {**task, "stops": listed["stops"]}
    if task["status"] == TaskStatus.done:
        at = task["done_at"].replace("T", " ")
        if hours is not None and not missing and not extra:  # (the hours are what is new)
            raise Conflict(M.TASK_ALREADY_DONE_HOURS, id=task["id"], at=at, hours=hours)
        raise Conflict(M.TASK_ALREADY_DONE_AMEND, id=task["id"], at=at)
    from lou_library.service import check_hours

    taken = None if hours is None else check_hours(hours)
    handled = task_books(task) if handled is None else handled
    missing_codes = list(dict.fromkeys(normalise_code(c) for c in missing))  # once each
    unknown = [c for c in missing_codes if c not in handled]
    if unknown:
        raise Invalid(M.MISSING_NOT_IN_TASK, codes=", ".join(unknown), id=task["id"])
    extra_pairs = [_parse_extra(db, task, e) for e in extra]
    clash = sorted(set(missing_codes) & {code for code, _ in extra_pairs})
    if clash:  # (as an amendment is refused: the report would contradict itself)
        raise Invalid(M.AMEND_BOTH, codes=", ".join(clash))
    stamp = clock.stamp()
    record_report(db, task, missing_codes, extra_pairs, "task done", stamp, handled=handled)
    changes: Doc = {
        "status": TaskStatus.done,
        "done_at": stamp,
        "missing": missing_codes,
        "extra": [f"{c}@{b}" for c, b in extra_pairs],
        "reported_at_event": last_event(db),  # what came after the report, to the event
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
    handled: dict[str, tuple[str, str]] | None = None,
) -> None:
    """What a walk's report changes in the catalogue, for ``task done`` and its
    ``--amend``: books not found (on the shelf, and not in ``skip``) become "not seen",
    last seen where the walk should have found them; books found elsewhere (``extra``:
    code and box) are back on the record in that box. Each gets its history event; the
    records are changed in place, in one pass. ``handled``: :func:`task_books` of the
    task, when the caller has it."""
    handled = task_books(task) if handled is None else handled
    missing = [code for code in missing if code not in skip]
    extra = list(extra)
    found = db.get_many(BOOKS, dict.fromkeys([*missing, *(code for code, _ in extra)]))
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
    found_in: dict[str, list[str]] = defaultdict(list)
    for code, box in extra:
        found_in[box].append(code)
    remember(db, found_in)


def _parse_extra(db: Repository, task: Doc, text: str) -> tuple[str, str]:
    """``B00123@SHY-03``: a registered book found in a box of this task (box optional when
    the task has one box)."""
    from lou_library.records import normalise_code

    code, _, box = text.replace("＠", "@").partition("@")  # (a Chinese keyboard's ＠ too)
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
        reason = period.get("reason")
        raise Conflict(
            M.SWAP_AWAY if reason else M.SWAP_AWAY_NO_REASON,
            name=person["name"],
            date=task["date"],
            start=period["from"],
            end=period["to"],
            reason=reason,
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
        # (as undoable() decides: nothing done, and nothing changed since the round)
        "can_undo": not states["done"]
        and "undo" in record
        and record["undo"].get("after") is not None
        and record["undo"]["after"] == _fingerprint(db),
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
    # (four fields of each round, not the last round's undo data)
    rounds = sorted(db.values(ROUNDS, "number", "date", "applied_at", "figures"))
    for number, day, applied_at, figures in rounds:
        states = by_round[number]
        found.append(
            {
                "round": number,
                "date": day,
                "applied_at": applied_at,
                **figures,
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
    previous = last_applied(db)
    if previous and date.fromisoformat(previous["date"]) >= clock.today():
        message = M.ROUND_NOT_YET_DUE if can_undo(db) else M.ROUND_NOT_YET_DUE_NO_UNDO
        raise Conflict(message, number=previous["number"], date=previous["date"])


def preview_round(db: Repository, on: date | None = None) -> dict[str, Any]:
    """``lou rotate plan``: the next round as plain data, nothing written."""
    return plan_document(plan_round(db, on))


def apply_next(
    db: Repository,
    on: date | None = None,
    before: Callable[[], object] | None = None,
    *,
    allow_unassigned: bool = False,
    moves: bool = True,
) -> dict[str, Any]:
    """``lou rotate apply``: plan the next round and carry it out; ``before()`` runs once the
    plan stands and before anything is written (the backup). The plan as plain data, each
    task with the id it was stored under. A round with walks nobody can take is refused
    (naming their sites) unless ``allow_unassigned``: those walks are then stored with
    nobody, to be handed to someone (``lou task swap``). A round that would move no book
    is refused: it would change nothing, and could not be undone once anything else did.
    ``moves``: the plan with every move (``--json``; a table shows the tasks)."""
    check_can_apply(db)
    plan = plan_round(db, on, hold=True)
    unassigned = plan.unassigned
    if unassigned and not allow_unassigned:
        names = site_names(db)
        sites = list(dict.fromkeys(names.get(t.site, t.site) for t in unassigned))
        raise Conflict(
            M.ROUND_UNASSIGNED,
            number=plan.number,
            n=len(unassigned),
            sites=M.LIST_SEPARATOR().join(sites),
        )
    if not plan.moves and not plan.newly_lost:  # (it would change nothing, and could not
        raise Conflict(M.ROUND_NOTHING_TO_MOVE, number=plan.number)  # be undone once anything is)
    if before is not None:
        before()
    plan.title_of = {}  # (what the walk needed: a county's million books)
    document: dict[str, Any] = {}

    def make_document() -> None:
        document.update(plan_document(plan, moves=moves))

    # Without the moves, the document is made while a server moves the books; with them
    # (950,000 in a county's round), once the round's own data is let go: at 1,000,000
    # copies, made meanwhile, they took `rotate apply --json` to 1,039 MB.
    record = apply_round(db, plan, meanwhile=None if moves else make_document)
    if moves:
        make_document()
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
    applied = last_applied(db) is not None
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
