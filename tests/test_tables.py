"""A table printed without colours is made line by line from its cells as Rich wraps
them (``FittedTable.plain_lines``): the same characters as Rich's own table, which takes
seconds for the 7,080 walks of a county's round."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from lou_library.cli import output
from tests.test_screens import CELL, HEADER

SPACED = st.text("东方 现代城 a b c 尚和园  ", min_size=0, max_size=30)  # spaces anywhere


def _rich(table: output.FittedTable, width: int) -> str:
    console = Console(width=width, file=io.StringIO(), legacy_windows=False)
    console.print(table)
    return console.file.getvalue()  # type: ignore[attr-defined,no-any-return]


@settings(max_examples=200, deadline=None)
@given(
    columns=st.integers(1, 7).flatmap(
        lambda n: st.tuples(
            st.lists(HEADER, min_size=n, max_size=n),
            st.lists(st.lists(st.one_of(CELL, SPACED), min_size=n, max_size=n), max_size=8),
            st.sets(st.integers(0, n - 1)),
            st.sets(st.integers(0, n - 1)),
        )
    ),
    width=st.integers(20, 140),
    title=st.sampled_from([None, "Round 1 · Sat 2026-12-05", "第 1 轮 · 2026-12-05（星期六）"]),
)
def test_a_table_made_line_by_line_is_the_one_rich_prints(
    columns: tuple[list[str], list[list[str]], set[int], set[int]],
    width: int,
    title: str | None,
) -> None:
    heads, rows, right, keep = columns
    drop = list(range(len(heads) - 1, 0, -1))
    table = output.table(heads, rows, right=right, keep=keep, drop=drop, title=title)
    console = Console(width=width, file=io.StringIO(), legacy_windows=False)
    lines = table.plain_lines(console)
    if lines is not None:
        assert "\n".join(lines) == _rich(table, width)


def test_a_rounds_walks_are_made_line_by_line() -> None:
    """The table of a plan's walks, with routes folded over several lines, takes the quick
    way (the test above would pass if it never did)."""
    rows = [
        (
            n,
            "东方现代城",
            "陈晓燕",
            " → ".join(f"DFXD-{b:02d}" for b in range(1, n % 7 + 2)),
            120,
            96,
        )
        for n in range(1, 40)
    ]
    heads = ["ID", "Site", "Volunteer", "Route (boxes)", "Take out", "Put in"]
    for width in (60, 80, 120):
        table = output.table(heads, rows, title="Round 1", right=[0, 4, 5], drop=[1, 5, 4])
        console = Console(width=width, file=io.StringIO(), legacy_windows=False)
        lines = table.plain_lines(console)
        assert lines is not None
        assert "\n".join(lines) == _rich(table, width)
        assert sum(1 for line in lines if line.startswith("│    ")) > 0  # folded routes
