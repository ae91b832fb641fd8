"""The ring walk on plain records (``planner.walk``): steps 2 to 4 of the rotation guide."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from lou_library import planner
from lou_library.network import DEPOT
from lou_library.records import Doc


def _box(code: str, site: str) -> Doc:
    return {"code": code, "site": site}


def _book(code: str, since: int = 0, *, box: str | None = None, damaged: bool = False) -> Doc:
    book: Doc = {"code": code, "status": "in_box" if box else "in_depot", "box": box}
    book["since"] = since
    if damaged:
        book["condition"] = "damaged"
    return book


def test_the_bag_skips_what_a_box_had_and_the_depot_tops_up() -> None:
    ring = [_box("A-1", "A"), _box("A-2", "A"), _box("B-1", "B")]
    books = planner.shelves(
        [
            _book("a1", 1, box="A-1"),
            _book("a2", 2, box="A-1"),
            _book("b1", 1, box="A-2"),
            _book("b2", 2, box="A-2"),
            _book("c1", 1, box="B-1"),
            _book("c2", 2, box="B-1", damaged=True),
            _book("d1", 5),
            _book("d0", 3),
            _book("dx", 1, damaged=True),  # stays in the depot
            {"code": "gone", "status": "not_seen", "box": None, "missing_since": 2},
        ],
        number=5,
        lost_after=3,
    )
    assert [b["code"] for b in books.depot] == ["d0", "d1"]  # longest waiting first
    assert books.newly_lost == ["gone"]
    targets = {"A-1": 2, "A-2": 2, "B-1": 2}
    recent = {"A-1": {"c1": 3}, "A-2": {}, "B-1": {"d0": 4}}
    walk = planner.walk(ring, books, targets, recent, exchange=0.0)
    assert walk.moves == [
        ("c2", "B-1", DEPOT),  # damaged: back to the library room
        ("d0", DEPOT, "A-1"),  # c1 was in A-1 lately: skipped, the depot tops up,
        ("d1", DEPOT, "A-1"),  # longest waiting first
        ("c1", "B-1", "A-2"),  # the skipped book goes on to the next box, first in the bag
        ("a1", "A-1", "A-2"),
        ("a2", "A-1", "B-1"),
        ("b1", "A-2", "B-1"),
        ("b2", "A-2", DEPOT),  # left in the bag at the end of the ring
    ]
    assert (walk.arrivals, walk.fresh, walk.short) == (6, 6, {})
    assert walk.final_counts == {"A-1": 2, "A-2": 2, "B-1": 2}


def test_a_box_takes_an_old_acquaintance_rather_than_stay_short() -> None:
    ring = [_box("A-1", "A"), _box("A-2", "A")]
    books = planner.shelves([_book("x", box="A-1"), _book("y", box="A-2")], number=3, lost_after=3)
    recent = {"A-1": {"y": 2}, "A-2": {"x": 1}}
    walk = planner.walk(ring, books, {"A-1": 1, "A-2": 1}, recent, exchange=0.0)
    assert walk.moves == [("y", "A-2", "A-1"), ("x", "A-1", "A-2")]
    assert (walk.arrivals, walk.fresh, walk.short) == (2, 0, {})


def test_each_site_swaps_its_share_with_the_depot() -> None:
    ring = [_box("A-1", "A"), _box("A-2", "A")]
    books = planner.shelves(
        [
            *(_book(f"a{n}", n, box="A-1") for n in range(5)),
            *(_book(f"b{n}", n, box="A-2") for n in range(5)),
            _book("d1", 1),
            _book("d2", 2),
        ],
        number=1,
        lost_after=3,
    )
    walk = planner.walk(ring, books, {"A-1": 5, "A-2": 5}, {"A-1": {}, "A-2": {}}, 0.2)
    assert [m for m in walk.moves if DEPOT in m[1:]] == [
        ("d1", DEPOT, "A-1"),  # 20 % of 10 books: two come in at the site's first box
        ("d2", DEPOT, "A-1"),
        ("a3", "A-1", DEPOT),  # and two go home from its last box, longest travelled first
        ("a4", "A-1", DEPOT),
    ]


@dataclass
class Network:
    ring: list[Doc]
    books: list[Doc]
    targets: dict[str, int]
    recent: dict[str, dict[str, int]]
    exchange: float


@st.composite
def networks(draw: st.DrawFn) -> Network:
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=3))
    ring = [_box(f"S{s}-{n}", f"S{s}") for s, size in enumerate(sizes) for n in range(size)]
    books: list[Doc] = []
    targets: dict[str, int] = {}
    for box in ring:
        targets[box["code"]] = draw(st.integers(1, 8))
        for n in range(draw(st.integers(0, 10))):
            code = f"{box['code']}.{n}"
            books.append(
                _book(code, draw(st.integers(0, 4)), box=box["code"], damaged=draw(st.booleans()))
            )
    books += [_book(f"D.{n}", draw(st.integers(0, 4))) for n in range(draw(st.integers(0, 8)))]
    codes = sorted(b["code"] for b in books)
    recent = {  # a box remembers the books it holds, and some others
        box["code"]: dict.fromkeys(
            [
                *(b["code"] for b in books if b["box"] == box["code"]),
                *(draw(st.lists(st.sampled_from(codes))) if codes else []),
            ],
            1,
        )
        for box in ring
    }
    return Network(ring, books, targets, recent, draw(st.sampled_from([0.0, 0.1, 0.5])))


@settings(max_examples=150, deadline=None)
@given(networks())
def test_the_walk_moves_each_book_once_from_where_it_is_and_fills_to_the_target(
    net: Network,
) -> None:
    walk = planner.walk(
        net.ring, planner.shelves(net.books, 5, 3), net.targets, net.recent, net.exchange
    )
    where = {b["code"]: b["box"] or DEPOT for b in net.books}
    moved = Counter(book for book, _, _ in walk.moves)
    assert all(n == 1 for n in moved.values())  # a book moves once a round
    for book, source, target in walk.moves:
        assert source == where[book]  # from where it is
        if target == source:  # its own book back, only when nothing fresh is left
            assert book in net.recent[target]
    damaged = {b["code"] for b in net.books if b.get("condition") == "damaged"}
    for book in damaged:  # damaged books in boxes go home; those in the depot stay
        assert [t for b, _, t in walk.moves if b == book] == (
            [DEPOT] if where[book] != DEPOT else []
        )
    after = Counter(where[b] for b in where if b not in moved)
    after.update(t for _, _, t in walk.moves)
    for box in net.ring:
        code = box["code"]
        assert after[code] == walk.final_counts[code]
        assert walk.final_counts[code] + walk.short.get(code, 0) == net.targets[code]
    arriving = [(b, t) for b, _, t in walk.moves if t != DEPOT]
    assert walk.arrivals == len(arriving)
    assert walk.fresh == sum(1 for b, t in arriving if b not in net.recent[t])
