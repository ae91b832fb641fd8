"""Printed labels keep their text inside the label, in both languages.

A title of 20 Chinese characters used to run over the author and the footer in print
(the screen clamped it, Chromium's print-to-PDF did not), and English details were cut
("holds 30 bo..."). The first test checks the rule the page relies on; the second prints
real label sheets with headless Chromium and reads where every line of text landed
(``pdftotext -bbox-layout``). It needs Chromium and poppler (Debian's ``chromium`` and
``poppler-utils``) and is skipped without them.
"""

from __future__ import annotations

import re
import subprocess
import xml.etree.ElementTree as ET
from itertools import pairwise
from pathlib import Path

import pytest

from lou_library.labels import LAYOUTS
from tests.browser import needs_print, print_to_pdf
from tests.conftest import Lou

LONG_ZH = "中华人民共和国社区图书角建设与管理实务手册（修订第三版）"
LONG_EN = "The Complete Illustrated History of Corridor Reading Rooms in Gongyi"
MM = 72 / 25.4  # PDF points per millimetre


def _page(lou: Lou, tmp_path: Path, lang: str, kind: str) -> Path:
    page = tmp_path / f"{kind}-{lang}.html"
    lou.ok("--lang", lang, "labels", kind, "--output", str(page))
    return page


@pytest.fixture
def long_titles(lou: Lou) -> Lou:
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("box", "add", "--site", "SHY", "--building", "12号楼", "--unit", "3单元")
    lou.ok("book", "add", "--title", LONG_ZH, "--author", "社区图书角编写组", "--box", "SHY-01")
    lou.ok("book", "add", "--title", LONG_EN, "--author", "A Very Long Author Name and Others",
           "--box", "SHY-01")  # fmt: skip
    lou.ok("book", "add", "--title", "活着", "--author", "余华", "--box", "SHY-01")
    return lou


def test_titles_and_details_are_clamped_to_two_lines_in_print_too(
    long_titles: Lou, tmp_path: Path
) -> None:
    css = _page(long_titles, tmp_path, "zh", "books").read_text(encoding="utf-8")
    for selector in (".heading", ".detail"):
        rules = " ".join(re.findall(rf"{re.escape(selector)}[^{{]*\{{([^}}]*)\}}", css))
        assert "-webkit-line-clamp: 2" in rules, (selector, rules)
        assert "white-space: nowrap" not in rules  # a detail folds, it is not cut


def _lines(pdf: Path) -> list[tuple[float, float, float, float, str]]:
    """Every line of text on the first page: (x0, y0, x1, y1) in points, and its words."""
    out = subprocess.run(
        ["pdftotext", "-bbox-layout", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout  # fmt: skip
    found = []
    for line in ET.fromstring(out).iter("{http://www.w3.org/1999/xhtml}line"):
        words = " ".join(w.text or "" for w in line.iter("{http://www.w3.org/1999/xhtml}word"))
        x0, y0, x1, y1 = (float(line.get(k, "0")) for k in ("xMin", "yMin", "xMax", "yMax"))
        found.append((x0, y0, x1, y1, words))
    return found


@needs_print
@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("kind", ["books", "boxes"])
def test_printed_label_text_stays_in_its_label(
    long_titles: Lou, tmp_path: Path, lang: str, kind: str
) -> None:
    page = _page(long_titles, tmp_path, lang, kind)
    pdf = tmp_path / f"{kind}-{lang}.pdf"
    print_to_pdf(page, pdf, tmp_path / "profile")
    layout = LAYOUTS["3x8"]
    cells: dict[tuple[int, int], list[tuple[float, float, float, float, str]]] = {}
    for x0, y0, x1, y1, words in _lines(pdf):
        column = int((x0 / MM - layout.left) // layout.width)
        row = int((y0 / MM - layout.top) // layout.height)
        left, top = layout.left + column * layout.width, layout.top + row * layout.height
        # every line inside its label (a hair's tolerance for font metrics)
        assert x1 / MM <= left + layout.width + 0.3, words
        assert y1 / MM <= top + layout.height + 0.3, words
        cells.setdefault((row, column), []).append((x0, y0, x1, y1, words))
    assert cells
    text = " ".join(line[4] for lines in cells.values() for line in lines)
    if kind == "boxes":  # the detail folds onto a second line rather than being cut
        holds = "可放 30 册" if lang == "zh" else "holds 30 books"
        assert holds in text.replace("  ", " "), text
    for lines in cells.values():  # and no line drawn over another: a font's boxes overlap
        lines.sort(key=lambda line: line[1])  # (CJK ascents), so compare where lines start;
        for upper, lower in pairwise(lines):  # the closest two real lines are 8 pt apart
            assert lower[1] - upper[1] >= 4, (upper[4], lower[4])
