"""The walks on plain records (``planner.walk``): steps 1 to 4 of the rotation guide."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from statistics import mean

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lou_library import planner
from lou_library.network import DEPOT
from lou_library.records import Doc

LIMITS = planner.Limits()


def _box(code: str, site: str, capacity: int = 30) -> Doc:
    return {"code": code, "site": site, "capacity": capacity}


def _book(code: str, since: int = 0, *, box: str | None = None, damaged: bool = False) -> Doc:
    book: Doc = {"code": code, "status": "in_box" if box else "in_depot", "box": box}
    book["since"] = since
    if damaged:
        book["condition"] = "damaged"
    return book


def _walk(
    ring: list[Doc],
    books: list[Doc],
    targets: dict[str, int],
    recent: dict[str, dict[str, int]] | None = None,
    titles: dict[str, str] | None = None,
    limits: planner.Limits = LIMITS,
) -> planner.Walk:
    """``titles``: each book's title (a book not named is its own title), which the books
    carry (as the catalogue's do: the planner reads the boxes' books' titles from them)
    and which the walk is given (``rotation.plan_round`` gives it the books' titles)."""
    memory = {b["code"]: planner.by_round((recent or {}).get(b["code"], {})) for b in ring}
    titles = titles or {}
    titled = [{**b, "title": titles[b["code"]]} if b["code"] in titles else b for b in books]
    return planner.walk(ring, planner.shelves(titled, 5, 3), targets, memory, titles, 5, limits)


def test_a_walk_goes_from_the_library_room_along_its_boxes_and_back() -> None:
    ring = [_box("A-01", "A"), _box("A-02", "A"), _box("A-03", "A")]
    books = [
        _book("a1", 1, box="A-01"),
        _book("a2", 2, box="A-01"),
        _book("b1", 1, box="A-02"),
        _book("b2", 2, box="A-02"),
        _book("c1", 1, box="A-03"),
        _book("c2", 2, box="A-03", damaged=True),
        _book("d1", 5),
        _book("d0", 3),
        _book("dx", 1, damaged=True),  # stays in the library room
    ]
    walk = _walk(ring, books, {"A-01": 2, "A-02": 2, "A-03": 2})
    assert [(r.site, r.stops) for r in walk.routes] == [("A", ["A-01", "A-02", "A-03"])]
    assert walk.moves == [
        ("d0", DEPOT, "A-01"),  # the library room's longest waiting, into the first box
        ("d1", DEPOT, "A-01"),
        ("a1", "A-01", "A-02"),  # each box's batch one box on
        ("a2", "A-01", "A-02"),
        ("b1", "A-02", "A-03"),
        ("b2", "A-02", "A-03"),
        ("c1", "A-03", DEPOT),  # the last box's batch back to the library room
        ("c2", "A-03", DEPOT),  # and the damaged book
    ]
    route = walk.routes[0]
    assert (route.from_depot, route.to_depot, route.heaviest, route.books) == (2, 2, 2, 12)
    assert (walk.arrivals, walk.fresh, walk.fresh_titles, walk.short) == (6, 6, 6, {})
    assert walk.final_counts == {"A-01": 2, "A-02": 2, "A-03": 2}


def test_each_site_walks_alone_in_runs_of_at_most_seven_boxes() -> None:
    ring = [_box(f"A-{n:02}", "A") for n in range(1, 10)] + [_box("B-01", "B")]
    books = [_book(f"{b['code']}.{n}", box=b["code"]) for b in ring for n in range(2)]
    books += [_book(f"D{n}") for n in range(10)]
    walk = _walk(ring, books, {b["code"]: 2 for b in ring})
    assert [r.stops for r in walk.routes] == [
        ["A-01", "A-02", "A-03", "A-04", "A-05"],
        ["A-06", "A-07", "A-08", "A-09"],
        ["B-01"],
    ]
    owner = {box: i for i, r in enumerate(walk.routes) for box in r.stops}
    for i, route in enumerate(walk.routes):  # no book passes from one walk to another
        assert all(owner.get(s, i) == i and owner.get(t, i) == i for _, s, t in route.moves)


def test_a_box_too_small_for_the_batch_before_it_makes_that_box_send_fewer() -> None:
    ring = [_box("A-01", "A", capacity=30), _box("A-02", "A", capacity=4)]
    books = [_book(f"a{n}", n, box="A-01") for n in range(6)]
    books += [_book(f"b{n}", n, box="A-02") for n in range(3)]
    books += [_book(f"d{n}", n) for n in range(10)]
    walk = _walk(ring, books, {"A-01": 6, "A-02": 3})
    into_second = [b for b, s, t in walk.moves if t == "A-02"]
    assert into_second == ["a0", "a1", "a2", "a3"]  # four fit; the newest two stay a round
    assert walk.final_counts == {"A-01": 6, "A-02": 4}


def test_the_library_room_gives_titles_the_walk_has_not_shown_and_never_two_copies() -> None:
    ring = [_box("A-01", "A"), _box("A-02", "A")]
    titles = {"d1": "红楼梦", "d2": "红楼梦", "d3": "西游记", "d4": "水浒传", "d5": "三国演义"}
    titles |= {"a1": "水浒传", "b1": "朝花夕拾"}
    books = [_book("a1", box="A-01"), _book("b1", box="A-02")]
    books += [_book(code, n) for n, code in enumerate(["d1", "d2", "d3", "d4", "d5"])]
    recent = {"A-01": {"a1": 4}, "A-02": {"b1": 4, "x9": 2}}
    titles["x9"] = "西游记"  # A-02 showed it two rounds ago: the first box's book goes there next
    walk = _walk(ring, books, {"A-01": 3, "A-02": 1}, recent, titles)
    into_first = [b for b, s, t in walk.moves if t == "A-01"]
    # new to both boxes: d1 (longest waiting) and d5; d2 would be a second 红楼梦; then d3
    # (new to A-01, though A-02 showed it lately) rather than d4 (A-01 shows 水浒传 now)
    assert into_first == ["d1", "d5", "d3"]


def test_a_box_with_no_memory_gets_no_title_it_holds_now() -> None:
    """A-01 has never been rotated (no memory): it sends a1 and keeps a2 (红岩); the library
    room's longest-waiting book, d1, is 红岩 too, so A-01 gets d2 instead."""
    ring = [_box("A-01", "A")]
    books = [_book("a1", 1, box="A-01"), _book("a2", 1, box="A-01")]
    books += [_book("d1", 1), _book("d2", 2)]
    titles = {"a2": "红岩", "d1": "红岩", "d2": "家"}
    limits = planner.Limits(change=0.5)
    walk = _walk(ring, books, {"A-01": 2}, titles=titles, limits=limits)
    assert walk.moves == [("d2", DEPOT, "A-01"), ("a1", "A-01", DEPOT)]


def test_a_book_back_from_a_site_goes_on_through_another_walk_of_that_site() -> None:
    """r1 went through the walk A-01 -> A-02; the walk of B (which chooses first) and the
    second walk of A could both use it. B takes a book that no walk of its own site
    wanted rather than r1 (which needs only one other walk than n2 does), so r1 goes on
    in its own site and n4 to the walk only it suits."""
    ring = [_box("B-01", "B"), _box("B-02", "B")]
    ring += [_box(f"A-0{n}", "A") for n in range(1, 5)]
    books = [_book(f"in-{b['code']}", box=b["code"]) for b in ring]
    books += [{**_book("r1", 1), "last_box": "A-02"}, _book("n2", 2), _book("n4", 3)]
    recent = {"A-02": {"r1": 4}, "B-01": {"n4": 3}, "A-03": {"n4": 3}}
    limits = planner.Limits(max_boxes=2)
    walk = _walk(ring, books, {b["code"]: 1 for b in ring}, recent, limits=limits)
    from_depot = {t: b for b, s, t in walk.moves if s == DEPOT}
    assert from_depot == {"B-01": "n2", "A-01": "n4", "A-03": "r1"}


def test_a_top_up_takes_a_title_the_box_showed_lately_only_to_be_three_quarters_full() -> None:
    """A-02 (target 4) gets one book from A-01: the library room tops it up with f2 (new to
    it), then with titles it showed lately only up to 3 books (as a first box would)."""
    ring = [_box("A-01", "A"), _box("A-02", "A")]
    books = [_book("a1", box="A-01"), _book("a2", box="A-02")]
    books += [_book("f1", 1), _book("f2", 2)] + [_book(f"d{n}", 3) for n in range(3)]
    titles = {f"d{n}": f"旧书{n}" for n in range(3)} | {f"x{n}": f"旧书{n}" for n in range(3)}
    recent = {"A-02": {f"x{n}": 4 for n in range(3)}}  # A-02 showed the d's titles lately
    walk = _walk(ring, books, {"A-01": 1, "A-02": 4}, recent, titles)
    assert [(b, s) for b, s, t in walk.moves if t == "A-02"] == [
        ("a1", "A-01"),  # the batch before it
        ("f2", DEPOT),
        ("d0", DEPOT),  # 3 = three quarters of 4: one title it showed lately, not three
    ]
    assert walk.short == {"A-02": 1}


def test_a_box_that_keeps_books_sends_one_copy_of_a_title_and_keeps_the_other() -> None:
    """A-01 changes half its books: the two oldest are two copies of one title, so it
    sends the first of them and the next oldest title, and keeps the second copy."""
    ring = [_box("A-01", "A"), _box("A-02", "A")]
    titles = {"x1": "三体", "x2": "三体", "y": "活着", "z": "围城"}
    books = [_book(code, n, box="A-01") for n, code in enumerate(["x1", "x2", "y", "z"])]
    books += [_book(f"b{n}", n, box="A-02") for n in range(4)]
    books += [_book(f"d{n}", n) for n in range(4)]
    limits = planner.Limits(change=0.5)
    walk = _walk(ring, books, {"A-01": 4, "A-02": 4}, titles=titles, limits=limits)
    assert [b for b, s, t in walk.moves if s == "A-01"] == ["x1", "y"]


def test_a_box_does_not_keep_a_title_the_batch_before_it_brings() -> None:
    """A-02 keeps one of its books (it holds more than a usual batch); its newest, q1, is
    the title p brings from A-01: q1 goes on instead of an older book, which stays, so
    the two copies neither share A-02 nor travel on together."""
    ring = [_box("A-01", "A"), _box("A-02", "A"), _box("A-03", "A")]
    titles = {"p": "红岩", "q1": "红岩", "q2": "家", "q3": "春"}
    books = [_book("p", 1, box="A-01")]
    books += [_book(code, n, box="A-02") for n, code in enumerate(["q2", "q3", "q1"], 1)]
    books += [_book("r1", 1, box="A-03"), _book("r2", 2, box="A-03"), _book("d1", 1)]
    walk = _walk(ring, books, {"A-01": 1, "A-02": 3, "A-03": 2}, titles=titles)
    held: dict[str, list[str]] = {"A-01": ["p"], "A-02": ["q2", "q3", "q1"], "A-03": ["r1", "r2"]}
    for code, source, target in walk.moves:
        if source != DEPOT:
            held[source].remove(code)
        if target != DEPOT:
            held.setdefault(target, []).append(code)
    assert sorted(held["A-02"]) == ["p", "q3"]
    assert all(len({titles.get(c, c) for c in box}) == len(box) for box in held.values())


def test_changed_box_counts_books_from_box_to_box_through_the_library_room_too() -> None:
    from lou_library.rotation import changed_box

    box_site = {"A-01": "A", "A-02": "A", "B-01": "B"}
    moves = [
        ("a", "A-01", "A-02"),  # straight, inside A
        ("b", "A-02", DEPOT),  # to the library room: not a change of box yet
        ("c", DEPOT, "A-01"),  # last stood in A-02: inside A
        ("d", DEPOT, "B-01"),  # last stood in A-01: from A to B
        ("e", DEPOT, "B-01"),  # never stood in a box: not counted
        ("f", "B-01", "A-01"),
    ]
    came_from = {"c": "A-02", "d": "A-01", "e": None}
    assert changed_box(moves, came_from, box_site) == (4, 2)


def test_a_cold_start_fills_every_box_in_proportion() -> None:
    """Empty boxes and a full library room: no box is filled while others stay empty,
    and no walk carries more than one person can."""
    ring = [_box(f"S{s}-{n:02}", f"S{s}") for s in range(4) for n in range(6)]
    ring.append(_box("S4-01", "S4", capacity=200))  # a new reading room
    targets = {b["code"]: int(b["capacity"] * 0.8) for b in ring}
    books = [_book(f"D{n:04}", n) for n in range(700)]
    walk = _walk(ring, books, targets)
    fills = [walk.final_counts[b["code"]] / targets[b["code"]] for b in ring]
    average = mean(fills)
    assert average > 0.1
    assert all(abs(f - average) <= 0.25 * average for f in fills), fills
    assert max(r.heaviest for r in walk.routes) <= LIMITS.leg
    assert max(r.from_depot for r in walk.routes) <= LIMITS.depot


@dataclass
class Network:
    ring: list[Doc]
    books: list[Doc]
    targets: dict[str, int]
    recent: dict[str, dict[str, int]]
    titles: dict[str, str]
    limits: planner.Limits


@st.composite
def networks(draw: st.DrawFn) -> Network:
    sizes = draw(st.lists(st.integers(1, 9), min_size=1, max_size=3))
    ring = [
        _box(f"S{s}-{n}", f"S{s}", draw(st.integers(1, 40)))
        for s, size in enumerate(sizes)
        for n in range(size)
    ]
    books: list[Doc] = []
    targets: dict[str, int] = {}
    for box in ring:
        targets[box["code"]] = draw(st.integers(1, int(box["capacity"])))
        for n in range(draw(st.integers(0, int(box["capacity"])))):
            code = f"{box['code']}.{n}"
            books.append(
                _book(code, draw(st.integers(0, 4)), box=box["code"], damaged=draw(st.booleans()))
            )
    books += [_book(f"D.{n}", draw(st.integers(0, 4))) for n in range(draw(st.integers(0, 80)))]
    codes = sorted(b["code"] for b in books)
    titles = {code: f"T{draw(st.integers(0, 30))}" for code in codes}
    recent = {  # a box remembers the books it holds, and some others
        box["code"]: dict.fromkeys(
            [
                *(b["code"] for b in books if b["box"] == box["code"]),
                *(draw(st.lists(st.sampled_from(codes), max_size=20)) if codes else []),
            ],
            draw(st.integers(0, 4)),
        )
        for box in ring
    }
    limits = planner.Limits(
        leg=draw(st.integers(5, 40)),
        depot=draw(st.integers(5, 80)),
        change=draw(st.sampled_from([1.0, 0.5, 0.2])),
        max_boxes=draw(st.integers(1, 7)),
    )
    return Network(ring, books, targets, recent, titles, limits)


@settings(max_examples=150, deadline=None)
@given(networks())
def test_every_walk_stands_alone_within_what_hands_carry_and_boxes_hold(net: Network) -> None:
    walk = _walk(net.ring, net.books, net.targets, net.recent, net.titles, net.limits)
    where = {b["code"]: b["box"] or DEPOT for b in net.books}
    moved = Counter(book for book, _, _ in walk.moves)
    assert all(n == 1 for n in moved.values())  # a book moves once a round
    owner: dict[str, int] = {}
    for i, route in enumerate(walk.routes):
        assert len(set(route.stops)) <= net.limits.max_boxes
        assert {net.ring[0]["site"]} <= {b["site"] for b in net.ring}
        assert len({box.split("-")[0] for box in route.stops}) == 1  # one site a walk
        for box in route.stops:
            assert owner.setdefault(box, i) == i  # each box in one walk: nobody hands over
        assert route.heaviest <= net.limits.leg
        assert route.from_depot <= net.limits.depot
    for book, source, target in walk.moves:
        assert source == where[book]  # from where it is
        assert source != target
    damaged = {b["code"] for b in net.books if b.get("condition") == "damaged"}
    for book in damaged:  # damaged books in boxes go home (when the hands allow), no further
        assert [t for b, _, t in walk.moves if b == book] in (
            ([DEPOT], []) if where[book] != DEPOT else ([],)
        )
    after = Counter(where[b] for b in where if b not in moved)
    after.update(t for _, _, t in walk.moves)
    capacity = {b["code"]: int(b["capacity"]) for b in net.ring}
    for code, places in capacity.items():
        assert after[code] == walk.final_counts[code]
        assert after[code] <= max(places, Counter(where.values())[code])
        assert walk.final_counts[code] + walk.short.get(code, 0) >= net.targets[code]
    arriving = [(b, t) for b, _, t in walk.moves if t != DEPOT]
    assert walk.arrivals == len(arriving)
    assert walk.fresh == sum(1 for b, t in arriving if b not in net.recent[t])
    from_depot: dict[str, list[str]] = {}
    for b, s, t in walk.moves:
        if s == DEPOT:
            from_depot.setdefault(t, []).append(net.titles[b])
    unused = {net.titles[b] for b in where if where[b] == DEPOT and b not in moved}
    unused -= {net.titles[b["code"]] for b in net.books if b.get("condition") == "damaged"}
    for box, found in from_depot.items():  # two copies of a title from the library room
        if len(found) != len(set(found)):  # only when it had no other title for the box
            assert unused <= set(found), box


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.sampled_from("abcdefgh"), max_size=4), min_size=1, max_size=10),
    st.integers(1, 4),
    st.sets(st.integers(1, 10)),
)
def test_a_recollection_follows_a_memory_that_gains_and_forgets_rounds(
    rounds: list[list[str]], window: int, donated: set[int]
) -> None:
    """What a box had (book -> its last round), carried from plan to plan, is what its
    memory gives when worked out afresh: as rounds come and the oldest are forgotten, and
    when a book is donated into the box between two rounds (its last round changes)."""
    recollection = planner.Recollection()
    stored: dict[int, str] = {}
    for number, books in enumerate(rounds, start=1):
        if number in donated:  # a donation goes under the last round applied
            stored[number - 1] = f"{stored.get(number - 1, '')} z{number}".strip()
        stored[number] = " ".join(books)
        stored = {n: codes for n, codes in stored.items() if n > number - window}
        recollection.begin({})
        remembered = [(n, recollection.books(codes)) for n, codes in sorted(stored.items())]
        assert recollection.copies("A-01", remembered) == planner.copies_of(remembered)


def _reference_choose(
    candidates: list[planner.Carried],
    wanted: int,
    box: str,
    memory: planner.Memory,
    ahead: list[planner.Ahead],
    beside: set[str],
) -> list[planner.Carried]:
    """:func:`planner.choose` as its docstring says it, every candidate weighed and ranked:
    (new to the box, stale ahead, last had, position); the first ``wanted`` of as many titles."""
    if wanted <= 0 or not candidates:
        return []
    recall, seen = memory.recall(box), set(beside)
    ranked = []
    for position, (code, _) in enumerate(candidates):
        title = memory.title_of.get(code, code)
        if code in recall.copies:
            ranked.append((2, 0, recall.last_had(code), position, title))
        elif title in memory.titles(box) or title in seen:
            ranked.append((1, 0, -1, position, title))
        else:
            stale = sum(2 if code in a.copies else int(title in a.titles) for a in ahead)
            ranked.append((0, stale, -1, position, title))
    picked: list[int] = []
    for *_, position, title in sorted(ranked):
        if len(picked) < wanted and title not in seen:
            seen.add(title)
            picked.append(position)
    return [candidates[p] for p in sorted(picked)]


_CODES = [f"b{i}" for i in range(8)]
_TITLES = ["w", "x", "y", "z", *_CODES[:4]]  # (a book with no title is its own title)


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_CODES), max_size=10),
    st.integers(0, 5),
    st.dictionaries(st.sampled_from(_CODES), st.sampled_from("wxyz")),
    st.lists(st.lists(st.sampled_from(_CODES), max_size=3), max_size=2),
    st.lists(st.sampled_from(_CODES), max_size=2),
    st.lists(
        st.tuples(
            st.sets(st.sampled_from(_TITLES), max_size=3),
            st.sets(st.sampled_from(_CODES), max_size=2),
        ),
        max_size=3,
    ),
    st.sets(st.sampled_from(_TITLES), max_size=1),
)
@example(["b0", "b1"], 1, {"b0": "w"}, [], [], [({"w"}, set())], set())  # b0: a title ahead
@example(["b0", "b1"], 1, {}, [], [], [(set(), {"b0"})], set())  # b0: a copy ahead
def test_choose_stops_early_with_what_weighing_every_candidate_chooses(
    offered: list[str],
    wanted: int,
    titles: dict[str, str],
    rounds: list[list[str]],
    held: list[str],
    ahead: list[tuple[set[str], set[str]]],
    beside: set[str],
) -> None:
    """The weighing stops once it has the books it wants that are new to the box and to
    the boxes ahead: what it chooses is what ranking every candidate chooses (a code may
    be offered twice; titles may be shared; a book may be in the box's memory)."""
    recent = {"A-01": [(n, books) for n, books in enumerate(rounds, start=3)]}
    shelved = {"A-01": [(0, code, False, titles.get(code, code)) for code in held]}

    def memory() -> planner.Memory:
        return planner.Memory(recent, titles, 6, 3, shelved)

    candidates = [(code, DEPOT) for code in offered]
    boxes = [planner.Ahead(shown, copies) for shown, copies in ahead]
    expected = _reference_choose(candidates, wanted, "A-01", memory(), boxes, beside)
    assert planner.choose(candidates, wanted, "A-01", memory(), boxes, beside) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.integers(0, 30),
    st.sets(st.integers(0, 29)),
    st.integers(0, 40),
    st.lists(st.integers(0, 45), max_size=5),
)
def test_an_offer_read_as_weighed_is_the_library_rooms_offer(
    size: int, taken: set[int], count: int, asked: list[int]
) -> None:
    """The longest-waiting books still in the library room (the first ``count`` not
    taken), read one by one, by index in any order, or as :meth:`planner.Depot.offer`."""
    books = [f"d{i}" for i in range(size)]
    depot = planner.Depot(books)
    depot.taken.update(f"d{i}" for i in taken if i < size)
    expected = [(code, DEPOT) for code in books if code not in depot.taken][:count]
    assert depot.offer(count) == expected
    offer = planner.Offer(depot, count)
    assert len(offer) == len(expected)
    for i in asked:
        if i < len(expected):
            assert offer[i] == expected[i]
    assert list(offer) == expected
    assert offer[1:3] == expected[1:3]
    if expected:
        assert offer[-1] == expected[-1]


def test_an_offer_read_after_a_book_left_the_room_is_a_bug_not_a_wrong_offer() -> None:
    depot = planner.Depot(["d0", "d1", "d2", "d3"])
    offer = planner.Offer(depot, 3)
    assert offer[0] == ("d0", DEPOT)
    depot.taken.update(["d1"])
    with pytest.raises(RuntimeError, match="taken from the library room"):
        list(offer)


def test_a_code_the_library_room_does_not_hold_is_not_taken_from_it() -> None:
    """Taking a book that is not in the room's list (it stood in a box) leaves the room's
    count as it was, so an offer of all that is left lists every book still there (the
    offer's length is the room's count)."""
    depot = planner.Depot(["d0", "d1", "d2"])
    depot.taken.update(["a1", "d1"])
    assert (len(depot), "a1" in depot.taken, "d1" in depot.taken) == (2, False, True)
    assert list(planner.Offer(depot, 5)) == [("d0", DEPOT), ("d2", DEPOT)]
    assert depot.offer(5) == [("d0", DEPOT), ("d2", DEPOT)]
