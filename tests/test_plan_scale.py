"""The planner's read path and bookkeeping at a county's size (issue 20): what makes
``rotate plan`` fast on 1,000,000 books must give the very same plan."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from lou_library import planner
from lou_library.network import DEPOT


def _naive_offer(books: list[str], taken: set[str], count: int) -> list[tuple[str, str]]:
    return [(code, DEPOT) for code in books if code not in taken][:count]


@given(
    size=st.integers(0, 40),
    takes=st.lists(st.tuples(st.lists(st.integers(0, 40), max_size=6), st.integers(0, 50))),
)
def test_the_library_room_offers_its_longest_waiting_books_not_taken(
    size: int, takes: list[tuple[list[int], int]]
) -> None:
    books = [f"B{i:03d}" for i in range(size)]
    depot = planner.Depot([{"code": code} for code in books])
    taken: set[str] = set()
    for positions, count in takes:
        codes = [f"B{p:03d}" for p in positions if p < size]  # the room's books only
        depot.taken.update(codes)
        taken.update(codes)
        assert depot.offer(count) == _naive_offer(books, taken, count)
        assert len(depot) == len(books) - len(taken)
        assert all((code in depot.taken) == (code in taken) for code in [*books, "B999"])
