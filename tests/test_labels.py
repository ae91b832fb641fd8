"""Printable labels: one QR code per label, on A4 sheets of pre-cut labels."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest

from lou_library.labels import LAYOUTS, qr_svg
from tests.conftest import Lou

LATER = {"LOU_NOW": "2026-12-02T10:00:00"}


def labels(path: Path) -> list[str]:
    """The codes on a label page, in order."""
    return re.findall(r'<div class="code">([^<]*)</div>', path.read_text(encoding="utf-8"))


def build_network(lou: Lou) -> None:
    """Three boxes and six books on 24 November; a withdrawn one; 21 books and a box on
    2 December."""
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("site", "add", "供电局家属院", "--kind", "yard", "--code", "GDJ")
    lou.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "1单元")
    lou.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "2单元")
    lou.ok("box", "add", "--site", "GDJ", "--building", "1栋", "--unit", "1单元")
    lou.ok("book", "add", "--title", "十万个为什么", "--author", "韩启德", "--box", "SHY-01",
           "--copies", "2")  # fmt: skip
    lou.ok("book", "add", "--title", "上下五千年", "--author", "林汉达", "--box", "GDJ-01")
    lou.ok("book", "add", "--title", "杜甫诗选", "--author", "杜甫")
    lou.ok("book", "add", "--title", "<script>alert(1)</script>")
    lou.ok("book", "withdraw", "B00004")
    lou.ok("book", "add", "--title", "平凡的世界", "--author", "路遥", "--copies", "21",
           env=LATER)  # fmt: skip
    lou.ok("box", "add", "--site", "GDJ", "--building", "2栋", "--unit", "1单元", env=LATER)


@pytest.fixture(scope="module")
def network_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("labels") / "lou.json"
    with pytest.MonkeyPatch.context() as mp:
        for name in ("LOU_LANG", "LC_ALL", "LC_MESSAGES"):
            mp.delenv(name, raising=False)
        build_network(Lou(path))
    return path


def _without_label_days(payload: bytes) -> Any:
    document = orjson.loads(payload)
    for book in document["books"].values():
        book.pop("label_on", None)
    return document


@pytest.fixture
def net(network_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lou]:
    """The network's DB: labels change nothing in it but the day books' labels were
    printed (issue 17: ``labels books --new``); each test starts from the same file."""
    for name in ("LOU_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    before = network_db.read_bytes()
    yield Lou(network_db)
    assert _without_label_days(network_db.read_bytes()) == _without_label_days(before)
    network_db.write_bytes(before)


BOOKS = ["B00001", "B00002", "B00003", "B00005", *(f"B{n:05d}" for n in range(6, 27))]


def test_book_labels_have_one_qr_code_each(net: Lou, tmp_path: Path) -> None:
    target = tmp_path / "labels.html"
    run = net.ok("labels", "books", "--output", str(target))
    assert run.stderr == (
        f"✓ Wrote {target}: labels: 25, sheets: 2. Open it in a browser and print at actual size.\n"
    )
    page = target.read_text(encoding="utf-8")
    assert labels(target) == BOOKS  # all but the withdrawn B00004, in code order
    assert page.count("<svg") == 25 == page.count('class="qr"')
    assert qr_svg("B00003") in page  # the QR code says the book's code
    assert "十万个为什么" in page and "韩启德" in page
    assert page.count('<div class="sheet">') == 2
    assert page.count('<div class="label') == 48  # two full 3×8 sheets, the rest blank
    assert "http://" not in page and "https://" not in page
    assert "@page { size: A4; margin: 0; }" in page
    assert "grid-template-columns: repeat(3, 70mm)" in page and "grid-auto-rows: 37mm" in page


def test_only_picks_codes_and_unknown_codes_are_refused(net: Lou, tmp_path: Path) -> None:
    target = tmp_path / "labels.html"
    net.ok("labels", "books", "-o", str(target), "--only", "b00003,B00001", "--only", "B00001")
    assert labels(target) == ["B00001", "B00003"]
    net.ok("labels", "boxes", "-o", str(target), "--only", "gdj-01")
    assert labels(target) == ["GDJ-01"]
    page = target.read_text(encoding="utf-8")
    assert "供电局家属院" in page and "1栋 1单元" in page and page.count("<svg") == 1
    run = net("labels", "books", "-o", str(tmp_path / "x.html"), "--only", "B00099")
    assert run.exit_code == 1
    assert run.stderr.startswith("✗ No book B00099.")
    assert not (tmp_path / "x.html").exists()


def test_since_filters_books_by_added_on_and_boxes_by_created_at(net: Lou, tmp_path: Path) -> None:
    target = tmp_path / "new.html"
    net.ok("labels", "books", "-o", str(target), "--since", "2026-12-01")
    assert labels(target) == BOOKS[4:]
    net.ok("labels", "books", "-o", str(target), "--since", "2026-12-01", "--only", "B00001,B00006")
    assert labels(target) == ["B00006"]
    net.ok("labels", "boxes", "-o", str(target), "--since", "2026-12-01")
    assert labels(target) == ["GDJ-02"]
    net.ok("labels", "boxes", "-o", str(target))
    assert labels(target) == ["GDJ-01", "GDJ-02", "SHY-01", "SHY-02"]
    run = net("labels", "books", "-o", str(target), "--since", "2027-01-01")
    assert run.exit_code == 1
    assert run.stderr == "✗ No books match, so no labels were written.\n"
    assert net("labels", "books", "-o", str(target), "--since", "12/01").exit_code == 1


def test_titles_are_escaped_and_chinese_labels(net: Lou, tmp_path: Path) -> None:
    target = tmp_path / "labels.html"
    net.ok("--lang", "zh", "labels", "books", "-o", str(target), "--only", "B00005,B00001")
    page = target.read_text(encoding="utf-8")
    assert "<script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "楼道图书角 · 读完请放回" in page and 'lang="zh-CN"' in page


def test_sheet_layouts_and_skipped_places(net: Lou, tmp_path: Path) -> None:
    target = tmp_path / "labels.html"
    net.ok("labels", "books", "-o", str(target), "--sheet", "2x8", "--skip", "3")
    page = target.read_text(encoding="utf-8")
    assert LAYOUTS["2x8"].per_sheet == 16
    assert page.count('<div class="sheet">') == 2  # 3 blank + 25 labels = 28 places
    assert page.count("<svg") == 25
    assert page.index('<div class="label blank">') < page.index('<div class="label">')
    assert "grid-template-columns: repeat(2, 105mm)" in page
    run = net("labels", "books", "-o", str(target), "--skip", "24")
    assert run.exit_code == 1
    assert "skip 0 to 23" in run.stderr
    assert net("labels", "books", "-o", str(target), "--sheet", "4x10").exit_code == 2


def test_labels_refuse_to_overwrite_the_database(net: Lou) -> None:
    run = net("labels", "boxes", "--output", str(net.db))
    assert run.exit_code == 1
    assert "it is the database" in run.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_labels_and_report_help_in_both_languages(lou: Lou, lang: str) -> None:
    for group in ("labels", "report"):
        text = lou.ok("--lang", lang, group, "--help").stdout
        assert ("命令" in text) == (lang == "zh")
        assert "@" not in text
