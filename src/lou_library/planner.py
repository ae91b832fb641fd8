"""Where each book goes in a rotation round: steps 2 to 4 of the guide in
:mod:`lou_library.rotation` (what leaves each box, the bag, the depot).

``rotation.plan_round`` reads the route and the books, calls :func:`walk`, and turns its
moves into tasks (step 5). The planner itself never reads or writes the database: it works
on the records it is given and returns the moves in the order they happen, so the same
walk serves whatever store holds the records.
"""

from __future__ import annotations

import math
from collections import defaultdict, deque
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from statistics import median

from lou_library.network import DEPOT
from lou_library.records import Doc
from lou_library.schema import BookStatus, Condition

Move = tuple[str, str, str]  # (book, from, to)
Carried = tuple[str, str]  # a book in the bag, with the box (or DEPOT) it comes from


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


# ------------------------------------------------------------- step 2: what leaves each box


@dataclass
class Leaving:
    """What each box sends out this round and how many of its books it keeps."""

    damaged: list[Move]  # damaged books, back to the depot
    outgoing: dict[str, list[str]]  # box -> the books it sends out, oldest arrivals first
    keep: dict[str, int]  # box -> how many of its books stay


def batch_size(targets: dict[str, int]) -> int:
    """How many books a box sends out each round: what the network's usual box holds."""
    return max(1, int(median(targets.values())))


def what_leaves(
    ring: list[Doc], in_boxes: dict[str, list[Doc]], targets: dict[str, int], batch: int
) -> Leaving:
    """Each box sends out a batch of its books, oldest arrivals first (all of them if it
    has fewer), plus whatever it holds over its target; damaged books go to the depot."""
    leaving = Leaving([], {}, {})
    for box in ring:
        code = box["code"]
        inside = sorted(in_boxes.get(code, []), key=lambda b: (int(b.get("since", 0)), b["code"]))
        for book in inside:
            if book.get("condition") == Condition.damaged:
                leaving.damaged.append((book["code"], code, DEPOT))
        rest = [b["code"] for b in inside if b.get("condition") != Condition.damaged]
        send = min(len(rest), batch)
        keep = max(0, min(len(rest), targets[code]) - send)
        leaving.outgoing[code] = rest[: len(rest) - keep]
        leaving.keep[code] = keep
    return leaving


# ------------------------------------------------------------------------ step 4: the depot


class Depot:
    """The library room's books, longest waiting first; a book leaves it once a round."""

    def __init__(self, books: list[Doc]) -> None:
        self.books = [b["code"] for b in books]
        self.taken: set[str] = set()

    def take(self, wanted: int, recent: Collection[str]) -> list[str]:
        """Up to ``wanted`` books that are fresh for a box that had ``recent`` lately."""
        chosen: list[str] = []
        for code in self.books:
            if len(chosen) == wanted:
                break
            if code not in self.taken and code not in recent:
                self.taken.add(code)
                chosen.append(code)
        return chosen


def exchanges(
    ring: list[Doc], targets: dict[str, int], share: float
) -> tuple[dict[str, int], dict[str, int]]:
    """The books each site swaps with the depot (``share`` of its books, rounded down):
    how many come in at the site's first box, and how many go back from its last box."""
    site_boxes: dict[str, list[str]] = defaultdict(list)
    for box in ring:
        site_boxes[box["site"]].append(box["code"])
    swap_in: dict[str, int] = {}
    swap_out: dict[str, int] = {}
    for codes in site_boxes.values():
        swap = math.floor(sum(targets[c] for c in codes) * share)
        swap_in[codes[0]] = swap
        swap_out[codes[-1]] = swap
    return swap_in, swap_out


# ------------------------------------------------------------------------- step 3: the bag


def take_from_bag(
    bag: deque[Carried], wanted: int, recent: Collection[str]
) -> tuple[list[Carried], deque[Carried]]:
    """Up to ``wanted`` books from the bag, first in first out, skipping the books the box
    had lately; those stay in the bag, in their order, for the next box. (taken, new bag)"""
    taken: list[Carried] = []
    skipped: deque[Carried] = deque()
    while len(taken) < wanted and bag:
        item = bag.popleft()
        if item[0] in recent:
            skipped.append(item)
        else:
            taken.append(item)
    skipped.extend(bag)
    return taken, skipped


def oldest_memories(
    bag: deque[Carried], wanted: int, recent: dict[str, int]
) -> tuple[list[Carried], deque[Carried]]:
    """When nothing fresh is left anywhere: rather a book the box had long ago than an empty
    box. The books it had longest ago (or never) first. (taken, new bag)"""
    stale = sorted(bag, key=lambda item: (recent.get(item[0], -1), item[0]))
    chosen = stale[:wanted]
    return chosen, deque(item for item in bag if item not in chosen)


def fill(
    need: int, swap_in: int, bag: deque[Carried], depot: Depot, recent: dict[str, int]
) -> tuple[list[Carried], deque[Carried]]:
    """What one box receives: the site's exchange from the depot (at its first box), then
    the bag, then the depot's fresh books, then, if still short, old acquaintances from the
    bag. (the books placed with where each comes from, the bag that goes on)"""
    placed: list[Carried] = []
    if swap_in:
        placed.extend((b, DEPOT) for b in depot.take(min(swap_in, need), recent))
    taken, bag = take_from_bag(bag, need - len(placed), recent)
    placed.extend(taken)
    if len(placed) < need:
        placed.extend((b, DEPOT) for b in depot.take(need - len(placed), recent))
    if len(placed) < need and bag:
        stale, bag = oldest_memories(bag, need - len(placed), recent)
        placed.extend(stale)
    return placed, bag


# -------------------------------------------------------------------------------- the walk


@dataclass
class Walk:
    """The moves of a round in the order they happen, and what they add up to."""

    moves: list[Move] = field(default_factory=list)
    arrivals: int = 0
    fresh: int = 0  # arrivals the box did not have within the window
    short: dict[str, int] = field(default_factory=dict)  # box -> books missing to its target
    final_counts: dict[str, int] = field(default_factory=dict)  # box -> books after the round

    def arrive(
        self, box: str, placed: list[Carried], need: int, kept: int, recent: Collection[str]
    ) -> None:
        if len(placed) < need:
            self.short[box] = need - len(placed)
        for book, source in placed:
            self.moves.append((book, source, box))
            self.arrivals += 1
            self.fresh += book not in recent
        self.final_counts[box] = kept + len(placed)

    def to_depot(self, bag: Iterable[Carried]) -> None:
        self.moves.extend((book, source, DEPOT) for book, source in bag)


def walk(
    ring: list[Doc],
    books: Shelves,
    targets: dict[str, int],
    recent: Mapping[str, dict[str, int]],
    exchange: float,
) -> Walk:
    """Walk the ring once (steps 2 to 4 of the guide) and return the round's moves.

    ``ring`` holds the active boxes in route order, ``targets`` each box's target and
    ``recent`` each box's memory (book -> the last round it had the book), read once per
    box in ring order, so it may be computed as the walk reaches each box."""
    leaving = what_leaves(ring, books.in_boxes, targets, batch_size(targets))
    swap_in, swap_out = exchanges(ring, targets, exchange)
    depot = Depot(books.depot)
    result = Walk(moves=list(leaving.damaged))
    last = ring[-1]["code"]
    bag: deque[Carried] = deque((b, last) for b in leaving.outgoing[last])
    for index, box in enumerate(ring):
        code = box["code"]
        kept = leaving.keep[code]
        need = targets[code] - kept
        memory = recent[code]
        placed, bag = fill(need, swap_in.get(code, 0), bag, depot, memory)
        result.arrive(code, placed, need, kept, memory)
        if index < len(ring) - 1:
            bag.extend((b, code) for b in leaving.outgoing[code])
        home = min(swap_out.get(code, 0), len(bag))  # the longest-travelled books go home
        result.to_depot([bag.popleft() for _ in range(home)])
    result.to_depot(bag)  # whatever is left at the end of the ring
    return result
