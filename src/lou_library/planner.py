"""Where each book goes in a rotation round: steps 2 to 5 of the guide in
:mod:`lou_library.rotation` (what leaves each box, the walks, the exchange, the top-ups).

``rotation.plan_round`` reads the route and the books, calls :func:`walk`, and gives each
of the routes it returns to a volunteer. The planner itself never reads or writes the
database: it works on the records it is given and returns every route's moves in the
order they are walked, so the same plan serves whatever store holds the records.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median

from lou_library.network import DEPOT
from lou_library.records import Doc
from lou_library.schema import BookStatus, Condition, TaskKind

Move = tuple[str, str, str]  # (book, from, to)
OFFER = 1000  # the longest-waiting library books a walk chooses from
Carried = tuple[str, str]  # a book in hand, with the box (or DEPOT) it comes from


@dataclass(frozen=True)
class Limits:
    """What one person carries and how much of a box changes (the ``rotation.*`` settings)."""

    leg: int = 30  # books carried between two stops
    depot: int = 60  # books a task takes from the library room (and as many back)
    change: float = 1.0  # the share of a box's target that changes each round
    title_window: int = 12  # rounds a box remembers the titles it showed
    max_boxes: int = 7  # boxes in one walk
    top_up_min: int = 6  # a walk's boxes short by fewer books wait for their exchange


@dataclass
class Shelves:
    """The books a round can move, as the catalogue has them before the round."""

    in_boxes: dict[str, list[Doc]]  # box -> the books in it
    depot: list[Doc]  # undamaged books in the depot, longest waiting first
    newly_lost: list[str]  # not seen for ``lost_after`` rounds: the round marks them lost


def shelves(books: Iterable[Doc], number: int, lost_after: int) -> Shelves:
    """Sort the catalogue for round ``number``; books not seen, lost or withdrawn stay put."""
    in_boxes: dict[str, list[Doc]] = defaultdict(list)
    depot: list[Doc] = []
    newly_lost: list[str] = []
    for book in books:
        status = book["status"]
        if status == BookStatus.in_box:
            in_boxes[book["box"]].append(book)
        elif status == BookStatus.in_depot and book.get("condition") != Condition.damaged:
            depot.append(book)
        elif (
            status == BookStatus.not_seen
            and number - int(book.get("missing_since", number)) >= lost_after
        ):
            newly_lost.append(book["code"])
    depot.sort(key=lambda b: (int(b.get("since", 0)), len(b["code"]), b["code"]))
    return Shelves(in_boxes, depot, newly_lost)


# ------------------------------------------------------------------- step 2: the walks


def split(codes: list[str], limit: int) -> list[list[str]]:
    """Codes in runs of at most ``limit``, as even as can be."""
    parts = max(1, math.ceil(len(codes) / limit))
    size = math.ceil(len(codes) / parts)
    return [codes[i : i + size] for i in range(0, len(codes), size)]


def walks_of(ring: list[Doc], max_boxes: int) -> list[tuple[str, list[str]]]:
    """The round's walks: each site's boxes in route order, in runs of ``max_boxes``."""
    by_site: dict[str, list[str]] = defaultdict(list)
    for box in ring:
        by_site[box["site"]].append(box["code"])
    return [(site, part) for site, codes in by_site.items() for part in split(codes, max_boxes)]


@dataclass
class Leaving:
    """What each box sends out this round, and what it should hold after it."""

    damaged: dict[str, list[str]]  # box -> damaged books (they go back to the library room)
    out: dict[str, list[str]]  # box -> the books it sends out, oldest arrivals first
    kept: dict[str, list[str]]  # box -> the books that stay
    fill: dict[str, int] = field(default_factory=dict)  # box -> books it should hold after
    capacity: dict[str, int] = field(default_factory=dict)  # box -> its places

    def keep(self, box: str) -> int:
        return len(self.kept[box])


def batch_size(targets: dict[str, int]) -> int:
    """The most books a box sends out in a round: what the network's usual box holds."""
    return max(1, int(median(targets.values()))) if targets else 1


def what_leaves(
    ring: list[Doc], in_boxes: dict[str, list[Doc]], targets: dict[str, int], limits: Limits
) -> Leaving:
    """Each box sends out the share ``change`` of its target (at most a usual box's worth,
    oldest arrivals first; all of them if it has fewer), plus whatever it holds over its
    target, up to what one person carries; damaged books go back to the library room."""
    batch = batch_size(targets)
    leaving = Leaving({}, {}, {})
    for box in ring:
        code = box["code"]
        inside = sorted(in_boxes.get(code, []), key=lambda b: (int(b.get("since", 0)), b["code"]))
        damaged = [b["code"] for b in inside if b.get("condition") == Condition.damaged]
        rest = [b["code"] for b in inside if b.get("condition") != Condition.damaged]
        send = min(len(rest), batch, math.ceil(targets[code] * limits.change))
        send = min(max(send, len(rest) - targets[code]), limits.leg)
        leaving.damaged[code] = damaged
        leaving.out[code] = rest[:send]
        leaving.kept[code] = rest[send:]
        leaving.capacity[code] = int(box["capacity"])
    return leaving


# ----------------------------------------------------------------- freshness and choice


class Memory:
    """What the boxes had lately: each box's books in the copy window (book -> the round it
    came) and the titles it showed in the title window (those in it now included). Made
    when the planner first asks, for a few boxes at a time: all boxes' memories at once
    held 2 million codes after a year at 100,000 books."""

    CACHED = 64

    def __init__(
        self,
        recent: Mapping[str, dict[str, int]],
        title_of: Mapping[str, str],
        number: int,
        title_window: int,
        held: Mapping[str, list[str]],
    ) -> None:
        self.recent, self.title_of, self.held = recent, title_of, held
        self.since = number - title_window
        self._titles: dict[str, set[str]] = {}
        self._copies: dict[str, dict[str, int]] = {}

    def copies(self, box: str) -> dict[str, int]:
        found = self._copies.get(box)
        if found is None:
            if len(self._copies) >= self.CACHED:
                self._copies.clear()
            found = self._copies[box] = self.recent[box]
        return found

    def titles(self, box: str) -> set[str]:
        found = self._titles.get(box)
        if found is None:
            title_of = self.title_of
            found = {
                title_of.get(code, code)
                for code, number in self.copies(box).items()
                if number >= self.since
            }
            found.update(title_of.get(code, code) for code in self.held.get(box, ()))
            self._titles[box] = found
        return found

    def staleness(self, box: str, code: str) -> int:
        """0: new to the box, copy and title; 1: the box showed its title lately (or it is
        there now); 2: the box had this very copy in the copy window."""
        if code in self.copies(box):
            return 2
        return 1 if self.title_of.get(code, code) in self.titles(box) else 0

    def add(self, box: str, codes: Iterable[str]) -> None:
        """Books that go into ``box`` this round (so later choices see their titles)."""
        titles = self.titles(box)
        titles.update(self.title_of.get(code, code) for code in codes)


def choose(
    candidates: list[Carried],
    wanted: int,
    box: str,
    memory: Memory,
    ahead: list[str] = (),  # type: ignore[assignment]
) -> list[Carried]:
    """``wanted`` books for ``box`` from ``candidates`` (in the order they are offered):
    books new to the box, copy and title, first; among those, books that are also new to
    the boxes ``ahead`` (where they will go in the rounds to come); then books whose title
    the box showed lately (a second copy of one title counts so); then those it had
    longest ago; among equals, the first offered."""
    if wanted <= 0 or not candidates:
        return []
    seen: set[str] = set()
    ranked = []
    copies = memory.copies(box)
    title_of = memory.title_of
    for position, (code, _) in enumerate(candidates):
        title = title_of.get(code, code)
        stale = memory.staleness(box, code)
        if stale == 0 and title in seen:
            stale = 1
        ahead_stale = sum(memory.staleness(other, code) for other in ahead) if stale == 0 else 0
        ranked.append((stale, ahead_stale, copies.get(code, -1), position, title))
    ranked.sort()
    picked: list[int] = []
    for stale, _ahead, _last, position, title in ranked:
        if len(picked) == wanted:
            break
        if stale == 0 and title in seen:  # two copies of one title offered: the first only
            continue
        seen.add(title)
        picked.append(position)
    if len(picked) < wanted:
        rest = [r[3] for r in ranked if r[3] not in set(picked)]
        picked += rest[: wanted - len(picked)]
    return [candidates[p] for p in sorted(picked)]


# ------------------------------------------------------------------------------ routes


@dataclass
class Route:
    """One task: the stops of a walk in order and the books it carries."""

    kind: TaskKind
    site: str
    stops: list[str]  # boxes in walking order; a loop's first box comes again at the end
    moves: list[Move] = field(default_factory=list)
    heaviest: int = 0  # the most books in hand between two stops
    from_depot: int = 0
    to_depot: int = 0

    @property
    def books(self) -> int:
        """Books handled: each move is one book out and one in, the library's side aside."""
        return 2 * len(self.moves) - self.from_depot - self.to_depot


@dataclass
class Walk:
    """The routes of a round in the order they are made, and what they add up to."""

    routes: list[Route] = field(default_factory=list)
    arrivals: int = 0
    fresh: int = 0  # arrivals the box did not have within the copy window
    fresh_titles: int = 0  # arrivals whose title the box did not show in the title window
    short: dict[str, int] = field(default_factory=dict)  # box -> books missing to its target
    final_counts: dict[str, int] = field(default_factory=dict)  # box -> books after the round
    fill_share: float = 1.0  # the share of every target this round fills (1 unless stock is low)

    @property
    def moves(self) -> list[Move]:
        return [move for route in self.routes for move in route.moves]


class Depot:
    """The library room's books, longest waiting first; a book leaves it once a round."""

    def __init__(self, books: list[Doc]) -> None:
        self.books = [b["code"] for b in books]
        self.taken: set[str] = set()

    def __len__(self) -> int:
        return len(self.books) - len(self.taken)

    def offer(self, count: int) -> list[Carried]:
        """The ``count`` longest-waiting books still here (not yet taken)."""
        found: list[Carried] = []
        for code in self.books:
            if len(found) == count:
                break
            if code not in self.taken:
                found.append((code, DEPOT))
        return found


@dataclass
class Round:
    """Everything the steps share while a round is planned."""

    leaving: Leaving
    memory: Memory
    depot: Depot
    limits: Limits
    walk: Walk


def place(route: Route, box: str, placed: list[Carried], state: Round) -> None:
    """Books go into ``box``: counted (fresh or not), remembered, taken from the depot."""
    memory, walk = state.memory, state.walk
    for code, source in placed:
        stale = memory.staleness(box, code)
        walk.arrivals += 1
        walk.fresh += stale < 2
        walk.fresh_titles += stale == 0
        route.moves.append((code, source, box))
        if source == DEPOT:
            route.from_depot += 1
            state.depot.taken.add(code)
    memory.add(box, (code for code, _ in placed))


def fills(
    ring: list[Doc], leaving: Leaving, targets: dict[str, int], supply: int
) -> tuple[dict[str, int], float]:
    """What each box should hold after the round: its target, or, when the library room
    cannot bring every box up to it this round (a cold start, a new reading room), the
    same share of every target, so no box is filled while others stay empty."""
    codes = [b["code"] for b in ring]
    held = {c: leaving.keep(c) + len(leaving.out[c]) for c in codes}

    def wanted(share: float) -> int:
        return sum(max(0, math.floor(targets[c] * share) - held[c]) for c in codes)

    share = 1.0
    if wanted(1.0) > supply:
        low, high = 0.0, 1.0
        for _ in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if wanted(middle) <= supply else (low, middle)
        share = low
    found = {c: max(math.floor(targets[c] * share), min(held[c], targets[c])) for c in codes}
    return found, share


def even(amount: int, gaps: dict[str, int]) -> dict[str, int]:
    """``amount`` books shared among boxes in proportion to their gaps, none over its gap."""
    total = sum(gaps.values())
    if total <= 0 or amount <= 0:
        return dict.fromkeys(gaps, 0)
    amount = min(amount, total)
    share = {box: gap * amount // total for box, gap in gaps.items()}
    left = amount - sum(share.values())
    for box in sorted(gaps, key=lambda b: (share[b] - gaps[b], b)):
        if left <= 0:
            break
        if share[box] < gaps[box]:
            share[box] += 1
            left -= 1
    return share


# ----------------------------------------------------------------------- step 3: the loops


def in_step(line: list[str], leaving: Leaving) -> None:
    """Make every box of the line take all of the batch before it without going over its
    capacity: a batch too big for the next box sends fewer books (the oldest go; the rest
    stay a round more). So a batch moves one box a round, whole, and no book gets ahead."""
    for i in range(len(line) - 1, 0, -1):
        box, source = line[i], line[i - 1]
        room = max(0, leaving.capacity[box] - leaving.keep(box))
        if len(leaving.out[source]) > room:
            leaving.kept[source] = leaving.out[source][room:] + leaving.kept[source]
            leaving.out[source] = leaving.out[source][:room]


def line_walk(site: str, line: list[str], state: Round) -> None:
    """One walk: from the library room along the line of boxes and back.

    At the first box the volunteer takes its batch out and puts in books from the library
    room; at each next box takes its batch out and puts in the batch of the box before;
    the last box's batch, and any damaged books, go back to the library room. So a book
    that comes into a walk goes through its boxes one a round, each once, and leaves it
    to the library room, where the next walk to choose it is one whose boxes have not had
    it, nor its title, lately (:func:`choose`). A box the batch before cannot fill (books
    went missing, it is bigger) gets a top-up from the library room in the same walk, as
    far as the hands allow (``leg`` books between two stops)."""
    leaving, limits, memory = state.leaving, state.limits, state.memory
    in_step(line, leaving)
    first = line[0]
    opening = max(0, leaving.fill[first] - leaving.keep(first))
    lacking = {
        box: max(0, leaving.fill[box] - leaving.keep(box) - len(leaving.out[line[i - 1]]))
        for i, box in enumerate(line)
        if i
    }
    # what the hands can take on top of the batches, leg by leg, and the library's limit
    damaged = [code for box in line for code in leaving.damaged[box]]
    spare = limits.leg - opening
    carried = 0
    for box in line:
        carried += len(leaving.damaged[box])
        spare = min(spare, limits.leg - len(leaving.out[box]) - carried)
    spare = max(0, min(spare, limits.depot - opening, len(state.depot) - opening))
    top_up = even(spare, lacking)
    route = Route(TaskKind.walk, site, list(line))
    offer = state.depot.offer(OFFER)
    placed = choose(offer, opening, first, memory, line[1:])
    place(route, first, placed, state)
    heaviest = len(placed) + sum(top_up.values())
    for i, box in enumerate(line[1:], start=1):
        source = line[i - 1]
        batch = [(code, source) for code in leaving.out[source]]
        place(route, box, batch, state)
        if top_up.get(box):
            offer = [item for item in offer if item[0] not in state.depot.taken]
            place(route, box, choose(offer, top_up[box], box, memory, line[i + 1 :]), state)
        heaviest = max(heaviest, len(batch) + sum(top_up[b] for b in line[i:]))
    last = line[-1]
    route.moves.extend((code, last, DEPOT) for code in leaving.out[last])
    route.moves.extend((code, box, DEPOT) for box in line for code in leaving.damaged[box])
    back = len(leaving.out[last]) + len(damaged)
    route.to_depot += back
    route.heaviest = max(heaviest, back)
    if route.moves:
        state.walk.routes.append(route)


# ------------------------------------------------------------------------------ the walk


def walk(
    ring: list[Doc],
    books: Shelves,
    targets: dict[str, int],
    recent: Mapping[str, dict[str, int]],
    title_of: Mapping[str, str],
    number: int,
    limits: Limits,
) -> Walk:
    """Plan a round (steps 1 to 4 of the guide) and return its walks.

    ``ring`` holds the active boxes in route order, ``targets`` each box's target,
    ``recent`` each box's memory (book -> the last round it had the book; read a few boxes
    at a time, so it may be computed when asked), ``title_of`` each book's title."""
    walks = walks_of(ring, limits.max_boxes)
    leaving = what_leaves(ring, books.in_boxes, targets, limits)
    depot = Depot(books.depot)
    supply = min(len(depot), len(walks) * min(limits.depot, limits.leg))
    leaving.fill, share = fills(ring, leaving, targets, supply)
    held = {code: [b["code"] for b in found] for code, found in books.in_boxes.items()}
    memory = Memory(recent, title_of, number, limits.title_window, held)
    state = Round(leaving, memory, depot, limits, Walk(fill_share=share))
    for site, line in walks:
        line_walk(site, line, state)
    counts = {b["code"]: len(books.in_boxes.get(b["code"], [])) for b in ring}
    for _, source, target in state.walk.moves:
        if source in counts:
            counts[source] -= 1
        if target in counts:
            counts[target] += 1
    for code, count in counts.items():
        state.walk.final_counts[code] = count
        if count < targets[code]:
            state.walk.short[code] = targets[code] - count
    return state.walk
