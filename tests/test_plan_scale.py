"""The planner's read path and bookkeeping at a county's size (issue 20): what makes
``rotate plan`` fast on 1,000,000 books must give the very same plan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lou_library import planner
from lou_library.network import DEPOT
from tests.conftest import Lou, pg_schema, round_reported
from tests.pg_tables import before_round_rows


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
    depot = planner.Depot(list(books))
    taken: set[str] = set()
    for positions, count in takes:
        codes = [f"B{p:03d}" for p in positions if p < size]  # the room's books only
        depot.taken.update(codes)
        taken.update(codes)
        assert depot.offer(count) == _naive_offer(books, taken, count)
        assert len(depot) == len(books) - len(taken)
        assert all((code in depot.taken) == (code in taken) for code in [*books, "B999"])


# ----------------------------------------------------- the planning columns on a server


def _downgraded(url: str) -> None:
    """The tables as version 2 made them: no planning columns."""
    import psycopg

    with psycopg.connect(url) as conn:
        before_round_rows(conn)
        conn.execute("ALTER TABLE books DROP COLUMN condition, DROP COLUMN since")
        conn.execute("ALTER TABLE books DROP COLUMN missing_since, DROP COLUMN last_box")
        conn.execute("DELETE FROM lou_schema WHERE version = 3")


def _planning_columns_differ(conn: Any) -> int:
    """Books whose planning columns do not hold their document's fields (``conn``: a
    connection to the network's schema; from version 4 on, a round's fields are in
    ``book_rounds``, and the document is the one a read gives)."""
    import orjson

    from lou_library import pgrepo

    found = conn.execute("SELECT to_regclass('book_records')").fetchone()
    source, fresh = ("book_records", "fresh, tail") if found[0] is not None else ("books", "0, ''")
    rows = conn.execute(
        f"SELECT doc::text, {fresh}, status, box, last_box, since, condition, "
        f"missing_since FROM {source}"
    ).fetchall()
    names = {"last_box": 5, "since": 6, "condition": 7, "missing_since": 8}
    differ, counts = 0, dict.fromkeys(names, 0)
    damaged = 0
    for row in rows:
        doc = pgrepo._book((orjson.loads(row[0]), *row[1:7]))
        numbered = {"since", "missing_since"}
        if any(row[i] != pgrepo._column(doc.get(n), n in numbered) for n, i in names.items()):
            differ += 1
        for name, i in names.items():
            counts[name] += row[i] is not None
        damaged += row[7] == "damaged"
    assert counts["since"] > 0 and counts["missing_since"] > 0 and counts["last_box"] > 0
    assert damaged > 0  # books of each kind
    return differ


def _lived(lou: Lou) -> None:
    """A round applied and reported with books not seen, a damaged book in a box."""
    stop = round_reported(lou)
    lou.ok("book", "edit", stop["put_in"][1][0], "--condition", "damaged")


def test_the_server_keeps_the_planning_fields_as_columns_and_migrates_to_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every write fills the books' planning columns; tables made before them are refused
    until ``lou db migrate``, which fills them; the plan is the file's all along."""
    import psycopg

    from lou_library import pgrepo

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    later = {"LOU_NOW": "2026-12-01T09:30:00"}
    with pg_schema() as url:
        on_server = Lou(url, "postgresql", tmp_path)
        _lived(on_server)
        with psycopg.connect(url) as conn:
            assert _planning_columns_differ(conn) == 0
        on_file = Lou(tmp_path / "lou.json")
        on_server.ok("db", "copy", url, str(on_file.db))
        expected = on_file.json("rotate", "plan", env=later)
        assert on_server.json("rotate", "plan", env=later) == expected

        _downgraded(url)
        run = on_server("rotate", "plan")
        assert (run.exit_code, run.stderr) == (
            1,
            f"✗ The database {url} has schema version 2; this program needs {pgrepo.SCHEMA}. "
            "Run `lou db migrate` (it takes a backup first).\n",
        )
        with psycopg.connect(url) as conn:  # the migration's own statements fill them
            conn.execute(pgrepo.MIGRATIONS[3].encode())
            assert _planning_columns_differ(conn) == 0
            conn.rollback()
        on_server.ok("db", "migrate")
        with psycopg.connect(url) as conn:
            assert _planning_columns_differ(conn) == 0
        assert on_server.json("rotate", "plan", env=later) == expected
        assert (
            on_server.ok("rotate", "plan", env=later).stdout
            == on_file.ok("rotate", "plan", env=later).stdout
        )
