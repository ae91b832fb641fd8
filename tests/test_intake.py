"""Intake in the field (issue 17): donations by ISBN, one or a scanned batch, and labels
for the copies that have none yet."""

from __future__ import annotations

import re
from pathlib import Path

import orjson
import pytest

from tests.conftest import Lou

ISBN = "9787020024759"
ISBN10 = "7020024750"  # the same book
UNKNOWN = "9787544291170"


@pytest.fixture
def shelf(small: Lou) -> Lou:
    """The small network, its 《十万个为什么》 copies with an ISBN."""
    small.ok("book", "edit", "B00001", "--isbn", "978-7-02-002475-9")
    return small


def test_donate_by_isbn_copies_title_author_and_category(shelf: Lou) -> None:
    found = shelf.json("donate", "--box", "SHY-02", "--isbn", ISBN10, "--donor", "张大爷")
    row = found["books"][0]
    assert {k: row[k] for k in ("code", "title", "author", "category", "isbn", "box")} == {
        "code": "B00005",
        "title": "十万个为什么",
        "author": "韩启德",
        "category": "science",
        "isbn": ISBN10,
        "box": "SHY-02",
    }
    # what is given wins over the catalogue's
    own = shelf.json("donate", "--box", "SHY-02", "--isbn", ISBN, "--author", "编委会")
    assert (own["books"][0]["title"], own["books"][0]["author"]) == ("十万个为什么", "编委会")


def test_an_unknown_isbn_needs_a_title(shelf: Lou) -> None:
    before = shelf.snapshot()
    run = shelf("donate", "--box", "SHY-02", "--isbn", UNKNOWN)
    assert (run.exit_code, run.stdout, run.stderr) == (
        1,
        "",
        f"✗ No book with ISBN {UNKNOWN} in the catalogue: give its title with --title; "
        "nothing changed.\n",
    )
    zh = shelf("--lang", "zh", "donate", "--box", "SHY-02", "--isbn", UNKNOWN)
    assert zh.stderr == f"✗ 目录里没有 ISBN {UNKNOWN} 的书：请用 --title 写上书名，什么都没改。\n"
    bad = shelf("donate", "--box", "SHY-02", "--isbn", "9787020024758")
    assert (bad.exit_code, bad.stderr) == (
        1,
        "✗ '9787020024758' is not a valid ISBN-10 or ISBN-13 (check digit or length).\n",
    )
    neither = shelf("donate", "--box", "SHY-02")
    assert (neither.exit_code, neither.stderr) == (
        1,
        "✗ Give the title (--title) or the ISBN (--isbn).\n",
    )
    assert shelf.snapshot() == before
    titled = shelf.json("donate", "--box", "SHY-02", "--isbn", UNKNOWN, "--title", "活着")
    assert (titled["books"][0]["title"], titled["books"][0]["isbn"]) == ("活着", UNKNOWN)


def test_a_scanned_batch_is_reviewed_then_registered(shelf: Lou) -> None:
    typed = f"{ISBN}\n{ISBN10}\n12345\n{UNKNOWN}\n\ny\n"
    run = shelf.ok("donate", "--box", "SHY-02", "--scan", input=typed)
    assert run.stdout == (
        "                           Donations to register (box SHY-02)                            \n"
        "┏━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ ISBN          ┃ Title        ┃ Author ┃ Copies ┃ Note                                 ┃\n"
        "┡━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ 9787020024759 │ 十万个为什么 │ 韩启德 │      2 │                                      │\n"
        "│ 9787544291170 │              │        │      1 │ not in the catalogue; not registered │\n"
        "└───────────────┴──────────────┴────────┴────────┴──────────────────────────────────────┘\n"
    )
    assert run.stderr == (
        "! 12345 is not a valid ISBN: skipped.\n"
        "Register these 2 books? [y/N] \n"
        "✓ Thank you! Registered 2 books (B00005–B00006) in box SHY-02.\n"
        "! These ISBNs are not in the catalogue and were not registered (one at a time: lou "
        "donate --box SHY-02 --isbn ISBN --title TITLE): 9787544291170\n"
    )
    codes = [b["code"] for b in shelf.json("book", "list", "--box", "SHY-02")["books"]]
    assert codes == ["B00005", "B00006"]
    history = shelf.json("book", "history", "B00006")["events"]
    assert [(e["action"], e["command"], e["to"]) for e in history] == [
        ("donated", "donate --scan", "SHY-02")
    ]


def test_a_batch_not_confirmed_registers_nothing(shelf: Lou) -> None:
    before = shelf.snapshot()
    for typed in (f"{ISBN}\n\nn\n", f"{ISBN}\n"):
        run = shelf("donate", "--box", "SHY-02", "--scan", input=typed)
        assert run.exit_code == 1
        assert run.stderr.endswith(
            "✗ Not confirmed: nothing was registered (answer y, or add --yes).\n"
        )
    nothing = shelf("donate", "--box", "SHY-02", "--scan", "--yes", input=f"{UNKNOWN}\n")
    assert (nothing.exit_code, nothing.stderr) == (
        1,
        "✗ Nothing to register (no ISBN the catalogue knows was read); nothing changed.\n",
    )
    assert shelf.snapshot() == before
    found = shelf.json("donate", "--box", "SHY-02", "--scan", "--yes", input=f"{ISBN}\n")
    assert (found["books"], found["copies"], found["unknown"]) == (["B00005"], 1, [])


def labels_on(path: Path) -> list[str]:
    return re.findall(r'<div class="code">([^<]*)</div>', path.read_text(encoding="utf-8"))


def test_labels_for_new_copies_only(shelf: Lou, tmp_path: Path) -> None:
    page = tmp_path / "labels.html"
    shelf.ok("labels", "books", "--new", "--output", str(page))
    assert labels_on(page) == ["B00001", "B00002", "B00003", "B00004"]
    stored = orjson.loads(shelf.snapshot())["books"].values()
    assert {b["code"]: b.get("label_on") for b in stored} == dict.fromkeys(
        ["B00001", "B00002", "B00003", "B00004"], "2026-11-24"
    )
    run = shelf("labels", "books", "--new", "--output", str(page))
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Every book has had its label printed already.\n",
    )
    shelf.ok("donate", "--box", "SHY-02", "--isbn", ISBN, "--copies", "2")
    shelf.ok("labels", "books", "--new", "--skip", "5", "--output", str(page))
    assert labels_on(page) == ["B00005", "B00006"]
    assert page.read_text(encoding="utf-8").count('<div class="label blank">') == 24 - 2
