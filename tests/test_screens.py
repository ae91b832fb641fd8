"""Screens and terminals (issue 19): narrow windows, empty results, consoles that are not
UTF-8, progress on stderr."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from lou_library.cli import output
from tests.conftest import Lou

# Numbers, codes and dates: runs of ASCII holding a digit (640, 2026-11-28, DFXD-01, 24/30)
ATOM = re.compile(r"[0-9A-Za-z/.:%*+-]*[0-9][0-9A-Za-z/.:%*+-]*")

# Read-only commands that print tables of records.
TABLES = [
    ("book", "list", "--limit", "12"),
    ("book", "history", "B00001"),
    ("box", "list"),
    ("box", "show", "DFXD-01"),
    ("site", "list"),
    ("volunteer", "list"),
    ("task", "list"),
    ("task", "show", "2"),
    ("task", "list", "--volunteer", "王秀兰"),
    ("rotate", "plan"),
    ("rotate", "history"),
    ("rotate", "simulate", "--rounds", "3"),
    ("schedule", "show"),
    ("report", "inventory"),
    ("report", "missing"),
    ("report", "donations"),
    ("report", "rotation"),
    ("report", "volunteers"),
]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Lou:
    """The demo network after one round, two of its books not seen."""
    lou = Lou(tmp_path_factory.mktemp("screens") / "lou.json")
    lou.ok("init", "--demo")
    lou.ok("rotate", "apply")
    first = lou.json("task", "show", "1")["stops"][1]["put_in"]  # carried from the first box
    lou.ok("task", "done", "1", "--missing", f"{first[0][0]},{first[1][0]}")
    return lou


def screen(lou: Lou, width: int, lang: str, *args: str) -> str:
    return lou.ok("--lang", lang, *args, env={"COLUMNS": str(width)}).stdout


def atoms(text: str) -> set[str]:
    return set(ATOM.findall(text))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("args", TABLES, ids=" ".join)
def test_numbers_codes_and_dates_never_break(demo: Lou, args: tuple[str, ...], lang: str) -> None:
    """At 40, 60 and 80 columns every number, code and date printed is one printed whole
    on a wide screen (a broken "640" would print "64" and "0"), and no line is wider
    than the screen."""
    wide = atoms(screen(demo, 250, lang, *args))
    for width in (40, 60, 80):
        narrow = screen(demo, width, lang, *args)
        broken = atoms(narrow) - wide
        assert not broken, (width, broken, narrow)
        too_wide = [line for line in narrow.splitlines() if cell_len(line) > width]
        assert not too_wide, (width, narrow)


def headers(text: str) -> list[str]:
    """The column headers of the first table in ``text``, lines of a header joined."""
    lines = text.splitlines()
    top = next(i for i, line in enumerate(lines) if line.lstrip().startswith("┏"))
    bottom = next(i for i in range(top, len(lines)) if lines[i].lstrip().startswith("┡"))
    columns: list[str] = []
    for line in lines[top + 1 : bottom]:
        cells = line.strip().strip("┃").split("┃")
        if not columns:
            columns = [""] * len(cells)
        for i, cell in enumerate(cells):
            columns[i] = (columns[i] + " " + cell.strip()).strip()
    return columns


@pytest.mark.parametrize(
    "args",
    [("report", "volunteers"), ("report", "rotation"), ("report", "missing"), ("task", "list")],
    ids=" ".join,
)
def test_chinese_headers_stay_readable_at_40_columns(demo: Lou, args: tuple[str, ...]) -> None:
    for width in (40, 60, 80):
        shown = headers(screen(demo, width, "zh", *args))
        assert len(shown) >= 3
        for header in shown:  # whole characters, two lines at most
            assert re.fullmatch(r"[\u4e00-\u9fff（）]+( [\u4e00-\u9fff（）]+)?", header), shown


def test_a_narrow_screen_leaves_out_the_least_useful_columns_and_says_which(demo: Lou) -> None:
    assert screen(demo, 40, "en", "box", "list", "--site", "DYJ") == (
        "              Boxes (7)              \n"
        "┏━━━━━━━━┳━━━━━━━━━━┳━━━━━━━┳━━━━━━━┓\n"
        "┃ Code   ┃ Building ┃ Unit  ┃ Books ┃\n"
        "┡━━━━━━━━╇━━━━━━━━━━╇━━━━━━━╇━━━━━━━┩\n"
        "│ DYJ-01 │ 1号楼    │ 1单元 │ 24/30 │\n"
        "│ DYJ-02 │ 1号楼    │ 2单元 │ 24/30 │\n"
        "│ DYJ-03 │ 1号楼    │ 3单元 │ 24/30 │\n"
        "│ DYJ-04 │ 2号楼    │ 1单元 │ 24/30 │\n"
        "│ DYJ-05 │ 2号楼    │ 2单元 │ 24/30 │\n"
        "│ DYJ-06 │ 3号楼    │ 1单元 │ 24/30 │\n"
        "│ DYJ-07 │ 3号楼    │ 2单元 │ 24/30 │\n"
        "└────────┴──────────┴───────┴───────┘\n"
        "  Too narrow to show: Site, Status,  \n"
        "Note (widen the window or use --json)\n"
    )
    # the same at 120 columns: every column, no note
    wide = screen(demo, 120, "en", "box", "list", "--site", "DYJ")
    assert headers(wide) == ["Code", "Site", "Building", "Unit", "Books", "Status", "Note"]
    assert "Too narrow" not in wide


# ------------------------------------------------------------------- empty results


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("task", "list", "--round", "2"), "第 2 轮没有任务。", "No tasks in round 2."),
        (("task", "list"), "没有待办的任务。", "No open tasks."),
        (("task", "list", "--all"), "还没有任务。", "No tasks yet."),
        (("box", "list", "--site", "GDJ"), "没有图书箱。", "No boxes."),
        (("volunteer", "list"), "没有志愿者。", "No volunteers."),
        (("rotate", "history"), "还没有执行过轮换。", "No round has been applied yet."),
        (("book", "list"), "没有找到符合条件的记录", "Nothing matches"),
        (("book", "find", "hlm"), "没有找到“hlm”。", "Nothing matches “hlm”."),
    ],
    ids=lambda v: " ".join(v) if isinstance(v, tuple) else "",
)
def test_an_empty_list_is_a_sentence_not_an_empty_table(
    lou: Lou, args: tuple[str, ...], zh: str, en: str
) -> None:
    lou.ok("init")
    if args[:2] == ("box", "list"):
        lou.ok("site", "add", "供电局家属院", "--kind", "yard", "--code", "GDJ")
    for lang, sentence in (("zh", zh), ("en", en)):
        run = lou.ok("--lang", lang, *args)
        assert (run.stdout, run.stderr) == (sentence + "\n", "")


def test_a_notice_before_any_round_says_so(lou: Lou) -> None:
    lou.ok("init")
    run = lou("notice")
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", "✗ No round has been applied yet.\n")


def test_an_empty_report_section_is_a_sentence(lou: Lou) -> None:
    lou.ok("init", "--demo")
    assert lou.ok("report", "missing").stdout == (
        "Missing books\n"
        "Missing   0  \n"
        "Not seen  0  \n"
        "Lost      0  \n"
        "Books not seen or lost (nothing to report)\n"
        "Missing books by site (nothing to report)\n"
    )


# ------------------------------------------------------- consoles that are not UTF-8


def run_in_console(lou: Lou, encoding: str, *args: str) -> subprocess.CompletedProcess[bytes]:
    """``lou ARGS`` in a real process whose console speaks ``encoding``."""
    env = {**os.environ, **lou.env, "PYTHONIOENCODING": encoding, "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "lou_library", *args], env=env, capture_output=True, check=False
    )


ESCAPED_EN = (
    "This console's encoding (latin-1) cannot show some characters; they are written as "
    "\\uXXXX. Use a UTF-8 terminal, or set PYTHONIOENCODING=utf-8.\n"
)


def test_a_latin1_console_gets_escapes_and_one_note_not_a_failure(small: Lou) -> None:
    run = run_in_console(small, "latin-1", "--lang", "zh", "site", "list")
    assert run.returncode == 0, run.stderr
    out = run.stdout.decode("latin-1")
    assert "\\u5c1a\\u548c\\u56ed" in out  # 尚和园, escaped
    assert "| SHY   |" in out  # what the console can show is shown
    assert run.stderr.decode("latin-1") == ESCAPED_EN  # once, in words it can show
    # an error still says what is wrong, with a mark the console has
    run = run_in_console(small, "latin-1", "--lang", "en", "task", "done", "99")
    assert run.returncode == 1
    assert run.stderr.decode("latin-1").startswith("× No task 99.")
    assert "Unexpected" not in run.stderr.decode("latin-1")


def test_json_in_a_latin1_console_is_the_same_document(small: Lou) -> None:
    run = run_in_console(small, "latin-1", "site", "list", "--json")
    assert (run.returncode, run.stderr) == (0, b"")
    assert orjson.loads(run.stdout) == small.json("site", "list")
    assert max(run.stdout) < 0x80


def test_a_gbk_console_shows_chinese_and_its_own_check_marks(small: Lou) -> None:
    run = run_in_console(small, "gbk", "--lang", "zh", "book", "withdraw", "B00001")
    assert run.returncode == 0, run.stderr
    assert run.stderr.decode("gbk").startswith("√ ")
    run = run_in_console(small, "gbk", "--lang", "zh", "box", "show", "GDJ-01")
    assert "\\u" not in run.stdout.decode("gbk") + run.stderr.decode("gbk")
    run = run_in_console(small, "gbk", "--lang", "zh", "task", "done", "99")
    assert (run.returncode, run.stderr.decode("gbk")[:2]) == (1, "× ")


# ----------------------------------------------------------- progress on stderr

QUIET = {"LOU_PROGRESS": ""}  # as when stderr is a pipe or a file (CliRunner's is)
FORCED = {"LOU_PROGRESS": "1"}  # as when stderr is a terminal


def long_work(tmp_path: Path) -> list[tuple[tuple[str, ...], str]]:
    """Commands that take long on a big network, and what their progress says."""
    books = tmp_path / "books.csv"
    books.write_text("书名,作者\n呐喊,鲁迅\n边城,沈从文\n围城,钱锺书\n", encoding="utf-8")
    return [
        (("labels", "books", "--output", str(tmp_path / "labels.html")), "Making labels"),
        (("rotate", "simulate", "--rounds", "2"), "Simulating rounds"),
        (("book", "import", str(books)), "Reading books.csv"),
        (
            ("report", "inventory", "--format", "csv", "--output", str(tmp_path / "i.csv")),
            "Preparing the report",
        ),
    ]


def test_long_work_shows_progress_on_a_terminal(small: Lou, tmp_path: Path) -> None:
    assert "4/4" in small.ok("labels", "books", "-o", str(tmp_path / "l.html"), env=FORCED).stderr
    for args, words in long_work(tmp_path):
        run = small.ok(*args, env=FORCED)
        assert words in run.stderr, args
        # it goes away at the end: the command's own message is what stays
        assert "\x1b[1A\x1b[2K" in run.stderr, run.stderr  # the bar is erased
        after = run.stderr.split("\x1b[1A\x1b[2K")[-1]
        assert "\x1b" not in after and after.startswith(("✓ ", "Walks: ")), run.stderr


def test_no_progress_when_piped_or_with_json(small: Lou, tmp_path: Path) -> None:
    for args, words in long_work(tmp_path):
        run = small.ok(*args, env=QUIET)
        assert words not in run.stderr
        assert "\x1b" not in run.stderr
        assert run.stderr.startswith(("✓ ", "Walks: ")), run.stderr
    books = tmp_path / "more.csv"
    books.write_text("书名\n朝花夕拾\n", encoding="utf-8")
    for args in (("rotate", "simulate", "--rounds", "2"), ("book", "import", str(books))):
        run = small.ok(*args, "--json", env=FORCED)
        assert run.stderr == ""
        run.json()


# ------------------------------------------------------- the layout, any table

CELL = st.one_of(
    st.from_regex(r"[A-Z]{2,4}-[0-9]{2}", fullmatch=True),  # box codes
    st.from_regex(r"B[0-9]{5}", fullmatch=True),  # book codes
    st.integers(0, 100_000).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.text("东方现代城尚和园红楼梦曹雪芹、高鹗 ", min_size=0, max_size=20),
    st.from_regex(r"[a-z]{1,9}( [a-z]{1,9}){0,4}", fullmatch=True),
)
HEADER = st.sampled_from(
    ["编号", "书名", "已过轮次", "Missing since", "Books", "上次所在图书箱", "Note"]
)


@settings(max_examples=150, deadline=None)
@given(
    columns=st.integers(1, 9).flatmap(
        lambda n: st.tuples(
            st.lists(HEADER, min_size=n, max_size=n),
            st.lists(st.lists(CELL, min_size=n, max_size=n), min_size=1, max_size=6),
            st.sets(st.integers(0, n - 1)),
        )
    ),
    width=st.integers(30, 140),
)
def test_any_table_keeps_its_numbers_codes_and_dates_whole(
    columns: tuple[list[str], list[list[str]], set[int]], width: int
) -> None:
    heads, rows, right = columns
    drop = list(range(len(heads) - 1, 0, -1))
    table = output.table(heads, rows, right=right, drop=drop)
    console = Console(width=width, file=io.StringIO(), legacy_windows=False)
    console.print(table)
    printed = console.file.getvalue()  # type: ignore[attr-defined]
    whole = {atom for row in rows for cell in row for atom in ATOM.findall(cell)}
    assert atoms(printed) <= whole, printed
    assert all(cell_len(line) <= width for line in printed.splitlines()), printed
