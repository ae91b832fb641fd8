"""Where each book goes in a rotation round: steps 1 to 4 of the guide in
:mod:`lou_library.rotation` (the walks, what leaves each box, the walk, the library room).

``rotation.plan_round`` reads the route and the books, calls :func:`walk`, and gives each
of the routes it returns to a volunteer. The planner itself never reads or writes the
database: it works on the records it is given and returns every route's moves in the
order they are walked, so the same plan serves whatever store holds the records.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from operator import itemgetter
from statistics import median
from typing import Any, overload

from lou_library.network import DEPOT
from lou_library.records import Doc
from lou_library.schema import BookStatus, Condition

Move = tuple[str, str, str]  # (book, from, to)
WEIGHED = 2_000_000  # walks x library books up to which every walk weighs every book
OFFER_MIN = 200  # beyond that, the longest-waiting books a walk chooses among, at least
STALE_FLOOR = 0.75  # a box takes a title it showed lately only to be this full
BROADLY_SHORT = 0.25  # the share of empty places from which boxes are filled in proportion
Carried = tuple[str, str]  # a book in hand, with the box (or DEPOT) it comes from


@dataclass(frozen=True)
class Limits:
    """What one person carries and how much of a box changes (the ``rotation.*`` settings)."""

    leg: int = 30  # books carried between two stops
    depot: int = 60  # books a task takes from the library room (and as many back)
    change: float = 1.0  # the share of a box's target that changes each round
    title_window: int = 12  # rounds a box remembers the titles it showed
    max_boxes: int = 7  # boxes in one walk


# a book in a box: the round it came, its code, damaged?, its title's key (codes are unique:
# the flag and the title are never compared when the books are sorted)
Shelved = tuple[int, str, bool, str]
# A book as a round reads it: code, status, box, since, condition, missing_since, title,
# last_box (None: the record has no such field), as
# :meth:`lou_library.repository.Repository.values` gives them (:data:`PLANNING_FIELDS`)
PlanningBook = tuple[str, str, Any, Any, Any, Any, Any, Any]
PLANNING_FIELDS = (
    "code", "status", "box", "since", "condition", "missing_since", "title", "last_box"
)  # fmt: skip


@dataclass
class Shelves:
    """The books a round can move, as the catalogue has them before the round."""

    in_boxes: dict[str, list[Shelved]]  # box -> the books in it
    depot: list[str]  # undamaged books in the depot, longest waiting first
    newly_lost: list[str]  # not seen for ``lost_after`` rounds: the round marks them lost
    title_of: dict[str, str] = field(default_factory=dict)  # every book -> its title's key
    # a book in the depot -> the box it last stood in (None: it never stood in one)
    came_from: dict[str, str | None] = field(default_factory=dict)


def shelves(books: Iterable[Doc], number: int, lost_after: int) -> Shelves:
    """Sort the catalogue for round ``number``; books not seen, lost or withdrawn stay put."""
    fields = (
        (
            b["code"],
            b["status"],
            b.get("box"),
            b.get("since"),
            b.get("condition"),
            b.get("missing_since"),
            b.get("title"),
            b.get("last_box"),
        )
        for b in books
    )
    return shelves_of(fields, number, lost_after)


def shelves_of(
    books: Iterable[PlanningBook],
    number: int,
    lost_after: int,
    title_key: Callable[[str], str] | None = None,
) -> Shelves:
    """:func:`shelves` of the books' planning fields only (a county's catalogue holds
    1,000,000 books: a few fields each, not whole records), with each book's title key
    (``title_key`` of its title, worked out once a title, by default the title without
    spaces, as :func:`lou_library.rotation.title_key` makes it; an empty key: its code)."""
    title_key = title_key or _spaceless
    in_boxes: dict[str, list[Shelved]] = defaultdict(list)
    depot: list[tuple[int, int, str]] = []
    newly_lost: list[str] = []
    title_of: dict[str, str] = {}
    keys: dict[str, str] = {}
    broken, in_box, in_depot, not_seen = (  # (plain strings: compared a million times)
        Condition.damaged.value,
        BookStatus.in_box.value,
        BookStatus.in_depot.value,
        BookStatus.not_seen.value,
    )
    came_from: dict[str, str | None] = {}
    for code, status, box, since, condition, missing_since, title, last_box in books:
        key = keys.get(title)
        if key is None:
            key = keys[title] = title_key("" if title is None else title)
        key = title_of[code] = key or code
        if status == in_box:
            in_boxes[box].append(
                (0 if since is None else int(since), code, condition == broken, key)
            )
        elif status == in_depot and condition != broken:
            depot.append((0 if since is None else int(since), len(code), code))
            came_from[code] = last_box
        elif (
            status == not_seen
            and number - (number if missing_since is None else int(missing_since)) >= lost_after
        ):
            newly_lost.append(code)
    depot.sort()
    return Shelves(in_boxes, [code for _, _, code in depot], newly_lost, title_of, came_from)


def _spaceless(title: str) -> str:
    return "".join(str(title).split())


# ------------------------------------------------------- steps 1 and 2: the walks, what leaves


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
    broken: set[str] = field(default_factory=set)  # damaged books (they never go on)

    def keep(self, box: str) -> int:
        return len(self.kept[box])


def batch_size(targets: dict[str, int]) -> int:
    """The most books a box sends out in a round: what the network's usual box holds."""
    return max(1, int(median(targets.values()))) if targets else 1


def what_leaves(
    ring: list[Doc],
    in_boxes: dict[str, list[Shelved]],
    targets: dict[str, int],
    limits: Limits,
    title_of: Mapping[str, str],
) -> Leaving:
    """Each box sends out the share ``change`` of its target (at most a usual box's worth,
    oldest arrivals first; all of them if it has fewer), plus whatever it holds over its
    target, up to what one person carries; damaged books go back to the library room. A
    box that keeps some of its books sends one copy of a title and keeps the others, as
    far as it has other titles to send: two copies in one batch would travel on together."""
    batch = batch_size(targets)
    leaving = Leaving({}, {}, {})
    for box in ring:
        code = box["code"]
        inside = sorted(in_boxes.get(code, ()))  # oldest arrivals first
        damaged = [book for _, book, is_damaged, _ in inside if is_damaged]
        rest = [book for _, book, is_damaged, _ in inside if not is_damaged]
        send = min(len(rest), batch, math.ceil(targets[code] * limits.change))
        send = min(max(send, len(rest) - targets[code]), limits.leg)
        leaving.damaged[code] = damaged
        leaving.broken.update(damaged)
        leaving.out[code], leaving.kept[code] = _one_copy_each(rest, send, title_of)
        leaving.capacity[code] = int(box["capacity"])
    return leaving


def _one_copy_each(
    books: list[str], send: int, title_of: Mapping[str, str]
) -> tuple[list[str], list[str]]:
    """(the ``send`` books that go, those that stay): the oldest, a title's first copy
    before any second one."""
    if send >= len(books):
        return books, []
    seen: set[str] = set()
    firsts: list[str] = []
    again: list[str] = []
    for book in books:
        title = title_of.get(book, book)
        (again if title in seen else firsts).append(book)
        seen.add(title)
    going = set((firsts + again)[:send])
    return [b for b in books if b in going], [b for b in books if b not in going]


# ----------------------------------------------------------------- freshness and choice


Remembered = Sequence[tuple[int, Sequence[str]]]  # a box's memory, oldest round first


def by_round(last: Mapping[str, int]) -> list[tuple[int, list[str]]]:
    """A box's memory given as book -> the last round the box had it, as :data:`Remembered`:
    each round (oldest first) with the books the box had from it."""
    rounds: dict[int, list[str]] = defaultdict(list)
    for code, number in last.items():
        rounds[number].append(code)
    return sorted(rounds.items())


@dataclass(frozen=True)
class Ahead:
    """What a box further along a walk will have shown when a book chosen now gets there."""

    titles: set[str]
    copies: AbstractSet[str]


def copies_of(remembered: Remembered) -> dict[str, int]:
    """Book -> the last round the box had it."""
    # (a later round wins; a comprehension, twice as quick as dict.update(dict.fromkeys()))
    return {code: number for number, codes in remembered for code in codes}


def _dropped(old: Remembered, new: Remembered) -> int | None:
    """How many of its oldest rounds a memory lost, when the rounds it kept (the very same
    lists of books) begin the new one; None when it changed otherwise."""
    for dropped in range(len(old)):
        kept = old[dropped:]
        if len(kept) <= len(new) and all(
            a[0] == b[0] and a[1] is b[1] for a, b in zip(kept, new, strict=False)
        ):
            return dropped
    return None


class Recollection:
    """What the plans of one process share when it plans round after round (``rotate
    simulate``): a box's memory gains a round and loses its oldest from one plan to the
    next, and the rounds in between stay as they were, so their books are read and their
    titles made once, not once a plan, and the box's books (:func:`copies_of`) follow the
    rounds it gained and lost. What a plan did not use is dropped before the next; at most
    :attr:`KEPT` books are kept (a bigger network's memories are worked out each plan, as
    without it); a plan whose titles differ for a book it knows starts afresh."""

    KEPT = 300_000

    def __init__(self) -> None:
        self.title_of: Mapping[str, str] = {}
        self._books: dict[str, list[str]] = {}  # a round's books as stored -> as a list
        self._kept: dict[int, list[str]] = {}  # id -> each list kept in _books
        self._titles: dict[int, set[str]] = {}  # id of a kept list -> its books' titles
        self._read: set[str] = set()
        self._size = 0  # books kept
        self._boxes: dict[str, tuple[Remembered, dict[str, int]]] = {}  # box -> its books
        self._asked: set[str] = set()
        self._copied = 0  # books in _boxes

    def begin(self, title_of: Mapping[str, str]) -> None:
        """A new plan, with these titles."""
        self._books = {s: self._books[s] for s in self._read if s in self._books}
        self._kept = {id(books): books for books in self._books.values()}
        self._size = sum(map(len, self._books.values()))
        same = self.title_of.items() <= title_of.items()
        self._titles = {i: t for i, t in self._titles.items() if i in self._kept} if same else {}
        self._read = set()
        self.title_of = title_of
        self._boxes = {box: self._boxes[box] for box in self._asked if box in self._boxes}
        self._copied = sum(len(copies) for _, copies in self._boxes.values())
        self._asked = set()

    def copies(self, box: str, remembered: Remembered) -> dict[str, int]:
        """:func:`copies_of` the box's memory: from what it was last plan, when the memory
        only lost its oldest rounds and gained new ones since."""
        self._asked.add(box)
        last = self._boxes.get(box)
        dropped = None if last is None else _dropped(last[0], remembered)
        if last is None or dropped is None:
            copies = copies_of(remembered)
        else:
            copies = dict(last[1])
            for number, codes in last[0][:dropped]:  # books last had in a round it forgot
                for code in codes:
                    if copies.get(code) == number:
                        del copies[code]
            for number, codes in remembered[len(last[0]) - dropped :]:
                copies.update(dict.fromkeys(codes, number))
        if last is not None:
            self._copied -= len(last[1])
            del self._boxes[box]
        if self._size + self._copied < self.KEPT:
            self._boxes[box] = (list(remembered), copies)
            self._copied += len(copies)
        return copies

    def books(self, stored: str) -> list[str]:
        """A round's books as a box's memory stores them (codes separated by spaces)."""
        self._read.add(stored)
        found = self._books.get(stored)
        if found is None:
            found = stored.split()
            if self._size < self.KEPT:
                self._books[stored] = found
                self._kept[id(found)] = found
                self._size += len(found)
        return found

    def titles(self, books: Sequence[str]) -> set[str]:
        """The titles of one round's books."""
        found = self._titles.get(id(books))
        if found is None:
            title_of = self.title_of
            found = set(map(title_of.get, books, books))
            kept = self._kept.get(id(books)) is books  # the same list comes next plan
            if kept and all(map(title_of.__contains__, books)):
                self._titles[id(books)] = found
        return found


class Recall:
    """One box's memory, worked out once: the books it had and, when first asked, the
    last round it had each and the titles of each round's books."""

    def __init__(
        self,
        box: str,
        remembered: Remembered,
        title_of: Mapping[str, str],
        recollection: Recollection | None,
    ) -> None:
        self.rounds = [number for number, _ in remembered]
        self.books = [codes for _, codes in remembered]
        # (alone, a set of the rounds' books: 6 times quicker to make than book -> its last
        # round, which only a book the box had, offered again, asks for: :meth:`last_had`)
        self._last: Mapping[str, int] | None = None
        if recollection is None:
            self.copies: AbstractSet[str] = set().union(*self.books)
        else:
            self._last = recollection.copies(box, remembered)
            self.copies = self._last.keys()
        self.title_of, self.recollection = title_of, recollection
        self._titles: dict[int, set[str]] = {}  # position in rounds -> its books' titles

    def last_had(self, code: str) -> int:
        """The last round the box had this book (one of :attr:`copies`)."""
        last = self._last
        if last is None:
            last = self._last = copies_of(list(zip(self.rounds, self.books, strict=True)))
        return last[code]

    def sets_since(self, since: int) -> list[set[str]]:
        """The titles of the books it had from each round from ``since`` on."""
        first = bisect_left(self.rounds, since)
        found, recollection = self._titles, self.recollection
        for i in range(first, len(self.rounds)):
            if i not in found:
                codes = self.books[i]
                found[i] = (
                    recollection.titles(codes)
                    if recollection is not None
                    else set(map(self.title_of.get, codes, codes))
                )
        return [found[i] for i in range(first, len(self.rounds))]

    def shown(self, since: int, *more: set[str]) -> set[str]:
        """The titles of the books it had from round ``since`` on, and ``more`` (a new set)."""
        return set().union(*self.sets_since(since), *more)


class Memory:
    """What the boxes had lately: each box's books in the copy window (book -> the round it
    came) and the titles it showed in the title window (those in it now included). Made
    when the planner first asks, for a few boxes at a time: all boxes' memories at once
    held 2 million codes after a year at 100,000 books. ``held``: the books in each box as
    the round begins, with their titles (:data:`Shelved`)."""

    CACHED = 64  # boxes whose titles (as this round changes them) are kept
    RECALLED = 128  # boxes whose memory is kept as read (a walk's ahead and its own)

    def __init__(
        self,
        recent: Mapping[str, Remembered],
        title_of: Mapping[str, str],
        number: int,
        title_window: int,
        held: Mapping[str, list[Shelved]],
        recollection: Recollection | None = None,
    ) -> None:
        self.recent, self.title_of, self.held = recent, title_of, held
        self.recollection = recollection
        self.number, self.window = number, title_window
        self.since = number - title_window
        self._titles: dict[str, set[str]] = {}
        self._recalled: dict[str, Recall] = {}
        self._held_titles: dict[str, set[str]] = {}

    def recall(self, box: str) -> Recall:
        """The box's memory, worked out when first asked."""
        found = self._recalled.get(box)
        if found is None:
            if len(self._recalled) >= self.RECALLED:  # the oldest first: a walk's boxes stay
                del self._recalled[next(iter(self._recalled))]
            found = self._recalled[box] = Recall(
                box, self.recent[box], self.title_of, self.recollection
            )
        return found

    def copies(self, box: str) -> AbstractSet[str]:
        return self.recall(box).copies

    def titles(self, box: str) -> set[str]:
        found = self._titles.get(box)
        if found is None:
            if len(self._titles) >= self.CACHED:  # the oldest first: a walk's boxes stay
                del self._titles[next(iter(self._titles))]
            found = self.recall(box).shown(self.since, self.held_titles(box))
            self._titles[box] = found
        return found

    def staleness(self, box: str, code: str) -> int:
        """0: new to the box, copy and title; 1: the box showed its title lately (or it is
        there now); 2: the box had this very copy in the copy window."""
        if code in self.copies(box):
            return 2
        return 1 if self.title_of.get(code, code) in self.titles(box) else 0

    def ahead(self, line: list[str], start: int) -> list[Ahead]:
        """For a book put into ``line[start]`` now, what each box after it will have shown
        when the book gets there, one box a round later each: the titles it showed from
        the title window before that round up to now, those of the books now in it and in
        the boxes before it (they pass it first), and the copies it had."""
        passing = set(self.held_titles(line[start]))
        found = []
        for distance, box in enumerate(line[start + 1 :], start=1):
            passing |= self.held_titles(box)
            recall = self.recall(box)
            shown = recall.shown(self.number + distance - self.window, passing)
            found.append(Ahead(shown, recall.copies))
        return found

    def along(self, line: list[str]) -> tuple[set[str], set[str]]:
        """What a book put into ``line[0]`` now would meet along the walk: the copies its
        boxes had, and every title the first box shows or a box ahead will have shown
        (:meth:`ahead`), all in one."""
        box, since = line[0], self.number - self.window
        recalls = [self.recall(b) for b in line[1:]]
        copies = set(self.copies(box)).union(*(r.copies for r in recalls))
        shown = self.titles(box).union(
            *(s for d, r in enumerate(recalls, start=1) for s in r.sets_since(since + d)),
            *(self.held_titles(b) for b in line[1:]),
        )
        return copies, shown

    def held_titles(self, box: str) -> set[str]:
        """The titles of the books in the box as the round begins (not to be changed)."""
        found = self._held_titles.get(box)
        if found is None:
            found = self._held_titles[box] = {book[3] for book in self.held.get(box, ())}
        return found

    def titles_of(self, codes: Iterable[str]) -> set[str]:
        """The titles of these books."""
        listed = codes if isinstance(codes, list | tuple) else list(codes)
        return set(map(self.title_of.get, listed, listed))


def choose(
    candidates: Sequence[Carried],
    wanted: int,
    box: str,
    memory: Memory,
    ahead: Sequence[Ahead] = (),
    beside: Iterable[str] = (),
) -> list[Carried]:
    """``wanted`` books for ``box`` from ``candidates`` (in the order they are offered):
    books new to the box, copy and title, first; among those, books that are also new to
    the boxes ``ahead`` (where they will go in the rounds to come); then books whose title
    the box showed lately; then those it had longest ago; among equals, the first offered.
    Never two copies of one title: the box rather gets one book less. ``beside``: titles
    going into the box with these books.

    The candidates are weighed in the order offered, and the weighing stops as soon as
    ``wanted`` books new to the box and to the boxes ahead, of as many titles, are found:
    nothing offered after them could come first (a county's walk is offered hundreds of
    books for a few places, most of them new to it)."""
    if wanted <= 0 or not candidates:
        return []
    seen: set[str] = set(beside)
    ranked = []
    recall = memory.recall(box)
    copies, last_had = recall.copies, recall.last_had
    title_of = memory.title_of
    shown: set[str] | None = None  # the box's titles (:meth:`Memory.staleness`), when asked
    best: list[int] = []  # new to the box and to the boxes ahead, one copy a title
    best_titles: set[str] = set()
    later: list[tuple[int, str, str]] = []  # new to the box; ranked after the best
    # (the last box ahead first: the titles passing it are those of every box before it)
    backwards = [(there.copies, there.titles) for there in reversed(ahead)]
    for position, (code, _) in enumerate(candidates):
        title = title_of.get(code, code)
        if code in copies:
            ranked.append((2, 0, last_had(code), position, title))
            continue
        if shown is None:
            shown = memory.titles(box)
        if title in shown or title in seen:
            ranked.append((1, 0, -1, position, title))
            continue
        if title in best_titles or not _new_ahead(code, title, backwards):
            later.append((position, code, title))
            continue
        best.append(position)
        best_titles.add(title)
        if len(best) == wanted:  # (nothing after them can come first)
            return [candidates[p] for p in best]
    ranked += [(0, _staleness_ahead(c, t, ahead), -1, p, t) for p, c, t in later]
    picked = list(best)
    seen |= best_titles
    ranked.sort()
    for _stale, _ahead, _last, position, title in ranked:
        if len(picked) == wanted:
            break
        if title in seen:  # never two copies of one title into one box: rather one book less
            continue
        seen.add(title)
        picked.append(position)
    return [candidates[p] for p in sorted(picked)]


def _new_ahead(code: str, title: str, backwards: list[tuple[AbstractSet[str], set[str]]]) -> bool:
    """Is the book new to every box ahead (given as (copies, titles), the last box first),
    copy and title? (A loop, not ``all()`` of a generator: asked for every book offered.)"""
    for had, showed in backwards:  # noqa: SIM110
        if code in had or title in showed:
            return False
    return True


def _staleness_ahead(code: str, title: str, ahead: Sequence[Ahead]) -> int:
    """How stale a book will be in the boxes ahead, added up: for each box, 2 if it had
    the copy, else 1 if it showed the title."""
    stale = 0
    for box in ahead:
        if code in box.copies:
            stale += 2
        elif title in box.titles:
            stale += 1
    return stale


# ------------------------------------------------------------------------------ routes


@dataclass
class Route:
    """One task: the stops of a walk in order and the books it carries."""

    site: str
    stops: list[str]  # boxes in walking order
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


class Taken:
    """The library room's books taken this round (a set of codes), which also keeps, for
    the room's list, where the next book still there is: offering the longest-waiting
    books skips the taken ones at once, not one by one (a county's room holds 200,000
    books, and thousands of walks each take a few from all along the list)."""

    def __init__(self, books: list[str]) -> None:
        self._codes: set[str] = set()
        self._position = {code: i for i, code in enumerate(books)}
        # position -> a position at or before the next free one (itself: it is free)
        self.following = list(range(len(books) + 1))

    def __contains__(self, code: object) -> bool:
        return code in self._codes

    def __len__(self) -> int:
        return len(self._codes)

    def update(self, codes: Iterable[str]) -> None:
        """These books leave the room (a code not in its list is no book of the room)."""
        position, following = self._position, self.following
        for code in codes:
            i = position.get(code)
            if i is not None:
                self._codes.add(code)
                following[i] = i + 1

    def free(self, start: int) -> int:
        """The first position from ``start`` on whose book is not taken (the list's
        length: none), the way there shortened for the next time."""
        following = self.following
        found = start
        while following[found] != found:
            found = following[found]
        while following[start] != found:
            following[start], start = found, following[start]
        return found


class Depot:
    """The library room's books, longest waiting first; a book leaves it once a round.
    ``home``: the site of the box each book last stood in (None: it never stood in one)."""

    def __init__(self, books: list[str], home: Mapping[str, str | None] | None = None) -> None:
        self.books = books
        self.taken = Taken(books)
        self.home = dict(home or {})

    def __len__(self) -> int:
        return len(self.books) - len(self.taken)

    def offer(self, count: int) -> list[Carried]:
        """The ``count`` longest-waiting books still here (not yet taken)."""
        return list(Offer(self, count))


class Offer(Sequence[Carried]):
    """The ``count`` longest-waiting books still in the library room, each found when
    first asked for (:func:`choose` stops at the first few when they are what a walk
    wants); taken books are skipped at once (:class:`Taken`). Nothing may be taken from
    the library room while it is read."""

    def __init__(self, depot: Depot, count: int) -> None:
        self._depot = depot
        self._count = max(0, min(count, len(depot)))
        self._found: list[Carried] = []
        self._next = depot.taken.free(0)  # the position in the depot's list of the next one
        self._taken = len(depot.taken)  # (a take while it is read is a bug: see _find)

    def __len__(self) -> int:
        return self._count

    @overload
    def __getitem__(self, index: int) -> Carried: ...
    @overload
    def __getitem__(self, index: slice) -> list[Carried]: ...
    def __getitem__(self, index: int | slice) -> Carried | list[Carried]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(self._count))]
        if index < 0:  # (as a list: from the end)
            index += self._count
        if not 0 <= index < self._count:
            raise IndexError(index)
        if index >= len(self._found):
            self._find(index + 1)
        return self._found[index]

    def __iter__(self) -> Iterator[Carried]:
        found = self._found
        for i in range(self._count):
            if i == len(found):
                self._find(min(self._count, 2 * i + 16))  # (a few at a time: most stop early)
            yield found[i]

    def _find(self, count: int) -> None:
        """Find the books up to ``count`` of them."""
        if len(self._depot.taken) != self._taken:
            raise RuntimeError("a book was taken from the library room while it was offered")
        books, following, found = self._depot.books, self._depot.taken.following, self._found
        free, i = self._depot.taken.free, self._next
        while len(found) < count:
            found.append((books[i], DEPOT))
            i += 1
            if following[i] != i:  # (the next one is taken: skip the taken ones at once)
                i = free(i)
        self._next = i


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
    copies, shown, title_of = memory.copies(box), memory.titles(box), memory.title_of
    titles: set[str] = set()  # a second copy of a title in the same batch counts as shown
    fresh = fresh_titles = 0
    for code, _ in placed:
        title = title_of.get(code, code)
        if code not in copies:  # (a copy the box had lately is neither fresh nor a new title)
            fresh += 1
            if title not in shown and title not in titles:
                fresh_titles += 1
        titles.add(title)
    walk.fresh += fresh
    walk.fresh_titles += fresh_titles
    route.moves += [(code, source, box) for code, source in placed]
    from_depot = [code for code, source in placed if source == DEPOT]
    route.from_depot += len(from_depot)
    state.depot.taken.update(from_depot)
    walk.arrivals += len(placed)
    shown.update(titles)


def fills(
    walks: list[tuple[str, list[str]]],
    leaving: Leaving,
    targets: dict[str, int],
    depot: int,
    carry: int,
) -> tuple[dict[str, int], float]:
    """What each box should hold after the round: its target, as far as each walk can
    bring what its boxes lack (``carry`` at most from the library room a round, so a new
    reading room fills over several rounds). When the network is broadly short (more than
    :data:`BROADLY_SHORT` of its places empty: a cold start) and the library room or the
    hands cannot fill every box, every box is filled to the same share of its target, so
    no box is filled while others stay empty; a box never gives up books it holds."""
    held = {c: leaving.keep(c) + len(leaving.out[c]) for _, line in walks for c in line}

    def fill(c: str, share: float) -> int:
        return max(math.floor(targets[c] * share), min(held[c], targets[c]))

    def wanted(line: list[str], share: float) -> int:
        """What the walk's boxes lack, to be brought from the library room."""
        return sum(max(0, fill(c, share) - held[c]) for c in line)

    def fits(share: float) -> bool:
        needs = [wanted(line, share) for _, line in walks]
        return sum(needs) <= depot and all(need <= carry for need in needs)

    empty = sum(max(0, targets[c] - held[c]) for c in held)
    share = 1.0
    places = sum(targets.values())
    if empty > BROADLY_SHORT * places and not fits(1.0):
        # never below the network's mean fill: the books in it are shared out, not sent away
        low, high = min(1.0, sum(held.values()) / max(1, places)), 1.0
        for _ in range(30):
            middle = (low + high) / 2
            low, high = (middle, high) if fits(middle) else (low, middle)
        share = low
    return {c: fill(c, share) for c in held}, share


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


# ------------------------------------------------- steps 3 and 4: the walk, the library room


def in_step(line: list[str], leaving: Leaving, title_of: Mapping[str, str]) -> None:
    """Make every box of the line take all of the batch before it without going over its
    capacity: a batch too big for the next box sends fewer books, and the rest stay a
    round more: the newest, but first the titles the next box keeps and not a title the
    batch coming into the box brings (two copies of a title would share a box, and
    travel on together). So a batch moves one box a round, whole, and no book gets ahead."""
    for i in range(len(line) - 1, 0, -1):
        box, source = line[i], line[i - 1]
        room = max(0, leaving.capacity[box] - leaving.keep(box))
        out = leaving.out[source]
        if len(out) > room:
            coming = {title_of.get(c, c) for c in leaving.out[line[i - 2]]} if i > 1 else set()
            there = {title_of.get(c, c) for c in leaving.kept[box]}
            titles = [title_of.get(c, c) for c in out]
            order = sorted(
                range(len(out)), key=lambda k: (titles[k] in coming, titles[k] not in there, -k)
            )
            stay = set(order[: len(out) - room])
            leaving.kept[source] = [out[k] for k in sorted(stay)] + leaving.kept[source]
            leaving.out[source] = [code for k, code in enumerate(out) if k not in stay]


@dataclass
class Opening:
    """A walk before its books are chosen: how many the first box takes from the library
    room, and the top-ups further on. (What the boxes ahead will have shown is worked out
    when its books are chosen, walk by walk: kept for all walks at once it held millions of
    titles on a big network.)"""

    site: str
    line: list[str]
    opening: int
    top_up: dict[str, int]
    least: int = 0  # the first box takes a title it showed lately only to reach this
    unfilled: int = 0  # places of the first box the library room has no book for
    quota: int = -1  # the most it may take from the library room (its opening, or less)
    picked: list[Carried] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.quota < 0:
            self.quota = self.opening


def prepare(site: str, line: list[str], state: Round) -> Opening:
    """Step 3 for one walk: the batches in step, what the first box needs from the library
    room, and the top-ups the hands can carry on top of the batches (``leg`` books between
    two stops, ``depot`` books from the library room)."""
    leaving, limits = state.leaving, state.limits
    carried = 0  # damaged books go back to the library room as far as the hands allow
    for i, box in enumerate(line):
        room = limits.leg - max(len(leaving.out[b]) for b in line[i:]) - carried
        taking = leaving.damaged[box][: max(0, room)]
        leaving.kept[box] += leaving.damaged[box][len(taking) :]  # the rest waits a round
        leaving.damaged[box] = taking
        carried += len(taking)
    in_step(line, leaving, state.memory.title_of)
    first = line[0]
    carry = min(limits.leg, limits.depot)
    opening = min(carry, max(0, leaving.fill[first] - leaving.keep(first)))
    lacking = {
        box: max(0, leaving.fill[box] - leaving.keep(box) - len(leaving.out[line[i - 1]]))
        for i, box in enumerate(line)
        if i
    }
    spare = limits.leg - opening
    carried = 0
    for box in line:
        carried += len(leaving.damaged[box])
        spare = min(spare, limits.leg - len(leaving.out[box]) - carried)
    spare = max(0, min(spare, limits.depot - opening))
    least = min(opening, max(0, math.ceil(leaving.fill[first] * STALE_FLOOR) - leaving.keep(first)))
    top_up = even(spare, lacking)
    return Opening(site, line, opening, top_up, least)


def allocate(openings: list[Opening], state: Round) -> None:
    """Share the library room's books among the walks' first boxes (step 4).

    A book is *fresh* for a walk when neither its first box nor the boxes ahead will have
    had the copy, or shown the title, by the time it gets there. When the library room has
    fewer books than the first boxes take, each walk gets its share of them (and its last
    box's batch makes up the rest, :func:`line_walk`). On a network the size of a
    community's, every walk weighs every book (:func:`_share_out`); on a bigger one each
    walk chooses, in turn, among the longest-waiting books still there."""
    depot = state.depot
    wanted = {str(i): walk.opening for i, walk in enumerate(openings)}
    if sum(wanted.values()) > len(depot):  # too few for all: each its share of what there is
        for key, share in even(len(depot), wanted).items():
            openings[int(key)].quota = share
    if len(openings) * len(depot) <= WEIGHED:
        _share_out(openings, state, depot.offer(len(depot)))
    else:
        for walk in openings:
            offer = Offer(depot, max(OFFER_MIN, 4 * walk.quota))
            walk.picked = _second_choice(walk, offer, set(), state) if walk.quota else []
            if not walk.quota:
                walk.unfilled = walk.opening
            depot.taken.update(code for code, _ in walk.picked)


def _share_out(openings: list[Opening], state: Round, offer: list[Carried]) -> None:
    """Every walk weighs every book: the walks with the fewest fresh books choose first.
    Each takes first the fresh books that come back from its own site (a book that has
    been through one walk of a site goes on through another of the same site before it
    leaves it: most books stay near home), then those that no walk of their own site
    could use, and among equals those that fewest other walks could use (so one walk does
    not take what another needs); what a walk still lacks is then chosen as
    :func:`choose` ranks it."""
    memory, depot = state.memory, state.depot
    title_of = memory.title_of
    codes = [code for code, _ in offer]
    offered = list(zip(codes, map(title_of.get, codes, codes), strict=True))
    homes = [depot.home.get(code) for code in codes]
    fresh: list[list[int]] = []
    users: Counter[int] = Counter()
    wanted_home: set[int] = set()  # fresh for a walk of the site they come back from
    for walk in openings:
        copies, shown = memory.along(walk.line)
        mine = [
            i
            for i, (code, title) in enumerate(offered)
            if code not in copies and title not in shown
        ]
        fresh.append(mine)
        users.update(mine)
        wanted_home.update(i for i in mine if homes[i] == walk.site)

    def rank(site: str) -> Callable[[int], tuple[bool, bool, int]]:
        def key(i: int) -> tuple[bool, bool, int]:
            away = homes[i] != site
            return away, away and i in wanted_home, users[i]

        return key

    taken: set[int] = set()
    for index in sorted(range(len(openings)), key=lambda i: (len(fresh[i]), i)):
        walk = openings[index]
        titles: set[str] = set()
        chosen: list[int] = []
        for i in sorted(fresh[index], key=rank(walk.site)):  # (stable: ties by position)
            title = offered[i][1]
            if len(chosen) == walk.quota:
                break
            if i not in taken and title not in titles:
                chosen.append(i)
                titles.add(title)
        taken.update(chosen)
        walk.picked = [offer[i] for i in chosen]
        if len(chosen) < walk.quota:
            rest = [item for i, item in enumerate(offer) if i not in taken]
            more = _second_choice(walk, rest, titles, state)
            walk.picked += more
            given = set(more)
            taken.update(i for i, item in enumerate(offer) if item in given)
        elif walk.quota < walk.opening:  # its share of a short library room is all it gets
            walk.unfilled = walk.opening - len(walk.picked)
    depot.taken.update(code for walk in openings for code, _ in walk.picked)


def _second_choice(
    walk: Opening, rest: Sequence[Carried], titles: set[str], state: Round
) -> list[Carried]:
    """What a first box takes beyond the books new to it and its walk: titles new to the
    box; then, only to be :data:`STALE_FLOOR` full, titles it showed lately or a second
    copy of one. Places the library room has no book for at all are ``unfilled``."""
    memory, box = state.memory, walk.line[0]
    wanted = walk.quota - len(walk.picked)
    # a walk short of library books changes less (:func:`_change_less`) rather than take
    # titles its boxes showed lately
    floor = 0 if walk.quota < walk.opening else max(0, walk.least - len(walk.picked))
    staying = memory.titles_of(state.leaving.kept[box])
    more = choose(rest, wanted, box, memory, memory.ahead(walk.line, 0), titles | staying)
    new_here = [item for item in more if memory.staleness(box, item[0]) == 0]
    stale = [item for item in more if memory.staleness(box, item[0]) != 0]
    more = new_here + stale[: max(0, floor - len(new_here))]
    if len(more) < floor:  # rather a second copy of a title than a box this empty
        given = set(more)
        left = [item for item in rest if item not in given]
        more += left[: floor - len(more)]
    if len(more) == len(rest) or walk.quota < walk.opening:  # nothing more for it here
        walk.unfilled = walk.opening - len(walk.picked) - len(more)
    else:
        walk.unfilled = max(0, floor - len(more))
    return more


def _change_less(walk: Opening, leaving: Leaving, memory: Memory) -> None:
    """The library room has fewer books for this walk than its first box sends out: every
    box of the walk keeps that many more of its books this round (the last one sends that
    many fewer back), so each stays full and no box gets a book it had. Which books a box
    keeps is chosen from the last box back: a box keeps first the titles the next box
    keeps (they would meet there), then titles it does not keep already (the first box:
    nor gets from the library room), its newest first; so no box ends up with two copies
    of one title while it could keep another book."""
    title_of, line = memory.title_of, walk.line
    counts, extra = [], walk.unfilled
    for box in line:  # never more than the box before kept back: it would overflow
        extra = min(extra, len(leaving.out[box]))
        counts.append(extra)
    picked = {title_of.get(code, code) for code, _ in walk.picked}
    after: set[str] = set()  # the titles the next box keeps
    for i in range(len(line) - 1, -1, -1):
        box, out = line[i], leaving.out[line[i]]
        if counts[i]:
            own = memory.titles_of(leaving.kept[box]) | (picked if i == 0 else set())
            titles = [title_of.get(code, code) for code in out]
            order = sorted(
                range(len(out)), key=lambda k: (titles[k] not in after, titles[k] in own, -k)
            )
            keep = set(order[: counts[i]])
            leaving.kept[box] = [out[k] for k in sorted(keep)] + leaving.kept[box]
            leaving.out[box] = [code for k, code in enumerate(out) if k not in keep]
        after = memory.titles_of(leaving.kept[box])
    walk.unfilled = 0


def _top_up(
    offer: list[Carried],
    wanted: int,
    at: tuple[list[str], int],
    beside: set[str],
    arriving: int,
    state: Round,
) -> list[Carried]:
    """Books from the library room for the box ``line[i]`` (``at``) that the batch before
    it (``arriving`` books) cannot fill: books new to it, and among those new to the boxes
    ahead, which they will pass; a title it showed lately only to be :data:`STALE_FLOOR`
    full, as for a first box (:func:`_second_choice`)."""
    memory, leaving = state.memory, state.leaving
    line, i = at
    box = line[i]
    chosen = choose(offer, wanted, box, memory, memory.ahead(line, i), beside)
    stale = [item for item in chosen if memory.staleness(box, item[0])]
    floor = math.ceil(leaving.fill[box] * STALE_FLOOR) - leaving.keep(box) - arriving
    allowed = max(0, floor - (len(chosen) - len(stale)))
    dropped = set(stale[allowed:])
    return [item for item in chosen if item not in dropped]


def _apart(line: list[str], leaving: Leaving, title_of: Mapping[str, str]) -> None:
    """No box keeps a title the batch coming into it brings, as far as it can help it:
    such a kept book changes places with one of the box's own batch whose title neither
    comes in nor goes on already. Every box keeps and sends as many books as before."""
    get = title_of.get
    for i in range(1, len(line)):
        box = line[i]
        before = leaving.out[line[i - 1]]
        coming = set(map(get, before, before))
        kept, out = leaving.kept[box], leaving.out[box]
        clashes = [k for k, title in enumerate(map(get, kept, kept)) if title in coming]
        if not clashes:  # (most boxes: their own batch need not be counted)
            continue
        sending = Counter(map(get, out, out))
        for k in clashes:
            code = kept[k]
            title = get(code, code)
            if sending[title] or code in leaving.broken:
                continue
            for j in range(len(out) - 1, -1, -1):  # the newest stays, as it would have
                other = out[j]
                if title_of.get(other, other) not in coming:
                    kept[k], out[j] = other, code
                    sending[title_of.get(other, other)] -= 1
                    sending[title] += 1
                    break


def line_walk(walk: Opening, state: Round) -> None:
    """One walk: from the library room along the line of boxes and back.

    At the first box the volunteer takes its batch out and puts in the books chosen for it
    in the library room; at each next box takes its batch out and puts in the batch of the
    box before (and any top-up); the last box's batch, and damaged books, go back to the
    library room. So a book that comes into a walk goes through its boxes one a round,
    each once, and leaves it for the library room, where a walk whose boxes have not had
    it, nor its title, lately will choose it (:func:`allocate`). When the library room has
    too few books for the first box, the walk's boxes change fewer books this round
    (:func:`_change_less`); when it has none at all for it, the last box's batch goes back
    to the first box instead (the walk ends where it began): a box rather gets books it
    had a few rounds ago than no change at all."""
    leaving, memory, line, top_up = state.leaving, state.memory, walk.line, walk.top_up
    if walk.unfilled and (walk.picked or len(line) == 1):
        _change_less(walk, leaving, memory)
    _apart(line, leaving, memory.title_of)
    route = Route(walk.site, list(line))
    place(route, line[0], walk.picked, state)
    hand = len(walk.picked) + sum(top_up.values())  # on the way to the first box
    heaviest = hand
    hand += len(leaving.out[line[0]]) + len(leaving.damaged[line[0]]) - len(walk.picked)
    offer = None  # the library room's offer as the walk begins, made when first needed
    for i, box in enumerate(line[1:], start=1):
        heaviest = max(heaviest, hand)
        source = line[i - 1]
        batch = [(code, source) for code in leaving.out[source]]
        place(route, box, batch, state)
        if top_up.get(box):
            # (nothing leaves the library room before the first top-up: the same offer)
            offer = offer if offer is not None else state.depot.offer(OFFER_MIN)
            offer = [item for item in offer if item[0] not in state.depot.taken]
            beside = memory.titles_of(c for c, _ in batch) | memory.titles_of(leaving.kept[box])
            chosen = _top_up(offer, top_up[box], (line, i), beside, len(batch), state)
            place(route, box, chosen, state)
        hand += len(leaving.out[box]) + len(leaving.damaged[box]) - len(batch) - top_up.get(box, 0)
    heaviest = max(heaviest, hand)  # from the last box on
    last = line[-1]
    lacking = walk.unfilled
    if lacking > 0:  # nothing in the library room for it: the last box's books go to the first
        batch = [(code, last) for code in leaving.out[last]]
        picked = (code for code, _ in walk.picked)
        beside = memory.titles_of(picked) | memory.titles_of(leaving.kept[line[0]])
        back = choose(batch, lacking, line[0], memory, (), beside)
        if len(back) < lacking:  # rather a second copy than an empty place
            given = set(back)
            back += [item for item in batch if item not in given][: lacking - len(back)]
        if back:
            route.stops.append(line[0])
            place(route, line[0], back, state)
            leaving.out[last] = [c for c in leaving.out[last] if (c, last) not in back]
    damaged = [(code, box) for box in line for code in leaving.damaged[box]]
    route.moves.extend((code, last, DEPOT) for code in leaving.out[last])
    route.moves.extend((code, box, DEPOT) for code, box in damaged)
    route.to_depot += len(leaving.out[last]) + len(damaged)
    route.heaviest = heaviest
    if route.moves:
        state.walk.routes.append(route)


# ------------------------------------------------------------------------------ the walk


def walk(
    ring: list[Doc],
    books: Shelves,
    targets: dict[str, int],
    recent: Mapping[str, Remembered],
    title_of: Mapping[str, str],
    number: int,
    limits: Limits,
    recollection: Recollection | None = None,
) -> Walk:
    """Plan a round (steps 1 to 4 of the guide) and return its walks.

    ``ring`` holds the active boxes in route order, ``books`` the catalogue as the round
    finds it, ``targets`` each box's target, ``recent`` each box's memory (the rounds of
    the copy window, oldest first, each with the books the box had from it:
    :data:`Remembered`; read a few boxes at a time, so it may be computed when asked),
    ``title_of`` each book's title, at least those of ``books.title_of`` (the books in the
    boxes carry theirs: :data:`Shelved`), and of books the memories name that are no
    longer in the catalogue; ``recollection`` what an earlier plan of the same process
    worked out of the memories (:class:`Recollection`, begun with ``title_of``)."""
    walks = walks_of(ring, limits.max_boxes)
    leaving = what_leaves(ring, books.in_boxes, targets, limits, title_of)
    site_of = {b["code"]: b["site"] for b in ring}
    depot = Depot(books.depot, {c: site_of.get(b or "") for c, b in books.came_from.items()})
    carry = min(limits.depot, limits.leg)
    leaving.fill, share = fills(walks, leaving, targets, len(depot), carry)
    memory = Memory(recent, title_of, number, limits.title_window, books.in_boxes, recollection)
    state = Round(leaving, memory, depot, limits, Walk(fill_share=share))
    openings = [prepare(site, line, state) for site, line in walks]
    allocate(openings, state)
    for opening in openings:
        line_walk(opening, state)
    moves = state.walk.moves
    gone, coming = Counter(map(itemgetter(1), moves)), Counter(map(itemgetter(2), moves))
    counts = {
        b["code"]: len(books.in_boxes.get(b["code"], ())) - gone[b["code"]] + coming[b["code"]]
        for b in ring
    }
    for code, count in counts.items():
        state.walk.final_counts[code] = count
        if count < targets[code]:
            state.walk.short[code] = targets[code] - count
    return state.walk
