"""English counts take plural forms ("1 book", "2 books"); Chinese has none.

Each test runs the real command on a network with one and then two of the thing counted,
and compares whole lines.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lou_library.i18n import Msg
from tests.conftest import Lou


def _network(lou: Lou, volunteers: int = 1, party: int = 1) -> None:
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "1单元")
    lou.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "2单元")
    for n in range(volunteers):
        extra = ["--party-member"] if n < party else []
        lou.ok("volunteer", "add", f"志愿者{n + 1}", "--site", "SHY", *extra)


def _lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@pytest.mark.parametrize(
    ("rows", "dry", "done", "exported"),
    [
        (
            1,
            "Dry run: 1 new book (1 row), 0 updated, 0 unchanged. Nothing was written; "
            "drop --dry-run to import.",
            "✓ Imported: 1 new book (1 row, codes B00001), 0 updated, 0 unchanged",
            "✓ Exported 1 book to {path}",
        ),
        (
            2,
            "Dry run: 2 new books (2 rows), 0 updated, 0 unchanged. Nothing was written; "
            "drop --dry-run to import.",
            "✓ Imported: 2 new books (2 rows, codes B00001–B00002), 0 updated, 0 unchanged",
            "✓ Exported 2 books to {path}",
        ),
    ],
)
def test_import_and_export_count_books_and_rows(
    lou: Lou, tmp_path: Path, rows: int, dry: str, done: str, exported: str
) -> None:
    _network(lou)
    source = tmp_path / "books.csv"
    source.write_text(
        "title,copies\n" + "".join(f"书{n},1\n" for n in range(rows)), encoding="utf-8"
    )
    assert dry in _lines(lou.ok("book", "import", str(source), "--dry-run").stderr)
    assert done in _lines(lou.ok("book", "import", str(source)).stderr)
    target = tmp_path / "out.csv"
    assert _lines(lou.ok("book", "export", str(target)).stderr) == [exported.format(path=target)]
    again = lou.ok("book", "import", str(tmp_path / "out.csv")).stderr
    nothing = (
        "the 1 row matches" if rows == 1 else "all 2 rows match"
    )  # the export read back changes nothing
    assert f"Nothing to change: {nothing} the catalogue; the database is unchanged." in _lines(
        again
    )


@pytest.mark.parametrize(
    ("books", "summary", "applied"),
    [
        (
            1,
            "1 book moves, 100.0% inside its site (100.0% of the books changing box "
            "stay in their site); 0 come from the depot and 0 go back to it; "
            "freshness 100.0% (titles 100.0%); at most 1 book in hand.",
            "✓ Round 1 (2026-11-28) applied: 1 book moves, 1 task assigned. See `lou task list`.",
        ),
        (
            2,
            "2 books move, 100.0% inside their site (100.0% of the books changing box "
            "stay in their site); 0 come from the depot and 0 go back to it; "
            "freshness 100.0% (titles 100.0%); at most 2 books in hand.",
            "✓ Round 1 (2026-11-28) applied: 2 books move, 1 task assigned. See `lou task list`.",
        ),
    ],
)
def test_a_round_counts_its_books_and_tasks(
    lou: Lou, books: int, summary: str, applied: str
) -> None:
    _network(lou)
    for n in range(books):
        lou.ok("book", "add", "--title", f"书{n}", "--box", "SHY-01")
    short = 48 - books  # two boxes of 30 filled to 80 %: 24 each
    # an empty library room: no box can be brought above 1/24 of its target, the share of
    # the emptiest; every box is filled to that share (it keeps what it holds)
    assert _lines(lou.ok("rotate", "plan").stderr) == [
        summary,
        f"! 2 boxes stay below their target ({short} books short): the library room has no "
        "fitting books, or one person cannot carry more.",
        "! The library room has too few books to bring every box to its target: this round "
        "fills every box to 4% of it.",
        "This is a preview; nothing was written. Run `lou rotate apply` to carry it out.",
    ]
    assert applied in _lines(lou.ok("rotate", "apply").stderr)


def test_a_round_short_of_one_book_says_so(lou: Lou) -> None:
    _network(lou)
    lou.ok("box", "edit", "SHY-02", "--capacity", "1")
    lou.ok("box", "edit", "SHY-01", "--capacity", "1")
    lou.ok("book", "add", "--title", "红岩", "--box", "SHY-01")
    assert (
        "! 1 box stays below its target (1 book short): the library room has no fitting "
        "books, or one person cannot carry more." in _lines(lou.ok("rotate", "plan").stderr)
    )


@pytest.mark.parametrize(
    ("count", "sites", "volunteers", "title"),
    [
        (1, "2 (1 compound, 1 yard)", "1 (1 Party member)", "Volunteers (1, 1 Party member)"),
        (2, "4 (2 compounds, 2 yards)", "2 (2 Party members)", "Volunteers (2, 2 Party members)"),
    ],
)
def test_info_and_the_volunteer_list_count_sites_and_party_members(
    lou: Lou, count: int, sites: str, volunteers: str, title: str
) -> None:
    _network(lou, volunteers=count, party=count)
    for n in range(count):
        lou.ok("site", "add", f"家属院{n}", "--kind", "yard", "--code", f"Y{n}")
        if n:
            lou.ok("site", "add", f"小区{n}", "--kind", "compound", "--code", f"C{n}")
    info = _lines(lou.ok("info").stdout)
    assert f"Sites           {sites}" in info
    assert f"Volunteers      {volunteers}" in info
    assert _lines(lou.ok("volunteer", "list").stdout)[0].strip() == title


@pytest.mark.parametrize("books", [1, 2])
def test_retiring_a_box_counts_its_books(lou: Lou, books: int) -> None:
    _network(lou)
    for n in range(books):
        lou.ok("book", "add", "--title", f"书{n}", "--box", "SHY-02")
    said = "1 book is" if books == 1 else "2 books are"
    assert _lines(lou.ok("box", "retire", "SHY-02").stderr) == [
        f"✓ Retired box SHY-02; its {said} now recorded in the depot."
    ]


def test_chinese_has_no_plural_forms(lou: Lou, tmp_path: Path) -> None:
    _network(lou)
    source = tmp_path / "books.csv"
    source.write_text("title,copies\n书,1\n", encoding="utf-8")
    assert _lines(lou.ok("--lang", "zh", "book", "import", str(source)).stderr)[-1] == (
        "✓ 已导入：新增 1 册（1 行，编号 B00001），更新 0 册，未变 0 册"
    )


def test_a_plural_form_takes_a_whole_number() -> None:
    msg = Msg("{n} 册", "{n:# book|# books}, {n:is|are}")
    assert [msg.render("en", n=n) for n in (0, 1, 2)] == [
        "0 books, are",
        "1 book, is",
        "2 books, are",
    ]
    assert msg.render("zh", n=1) == "1 册"
    with pytest.raises(TypeError, match="a plural form needs an int count"):
        msg.render("en", n="1")  # a count passed as text is a programming error


@pytest.mark.parametrize(
    ("sites", "said"),
    [
        (["SHY"], "! 志愿者1 has task 1 in that time; hand it over with"),
        (["SHY", "GDJ"], "! 志愿者1 has tasks 1, 2 in that time; hand them over with"),
    ],
)
def test_time_away_names_the_tasks_it_clashes_with(lou: Lou, sites: list[str], said: str) -> None:
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("site", "add", "供电局家属院", "--kind", "yard", "--code", "GDJ")
    for site in sites:
        for unit in ("1单元", "2单元"):
            lou.ok("box", "add", "--site", site, "--building", "1号楼", "--unit", unit)
        lou.ok("book", "add", "--title", f"书{site}", "--box", f"{site}-01")
    lou.ok("volunteer", "add", "志愿者1", "--site", ",".join(sites))
    lou.ok("rotate", "apply")
    away = lou.ok("volunteer", "away", "志愿者1", "--from", "2026-11-27", "--to", "2026-11-29")
    assert _lines(away.stderr) == [
        "✓ Noted: 志愿者1 is away from 2026-11-27 to 2026-11-29.",
        f"{said} `lou task swap ID --to NAME`.",
    ]
