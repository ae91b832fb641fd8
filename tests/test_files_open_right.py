"""Files that open right (issue 19): an extension that says what is in the file, CSV that
Excel reads when redirected, ISBN-13 in exports, calendars stamped in real UTC."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest
from icalendar import Calendar

from tests.conftest import BASE_ENV, Lou


def _refused(lou: Lou, db_path: Path, *args: str) -> str:
    before = db_path.read_bytes()
    run = lou(*args)
    assert run.exit_code == 1, (args, run.stdout, run.stderr)
    assert db_path.read_bytes() == before
    return run.stderr


def test_a_format_that_disagrees_with_the_extension_is_refused(
    ring: Lou, db_path: Path, tmp_path: Path
) -> None:
    ring.ok("rotate", "apply")
    out = tmp_path / "out"
    out.mkdir()
    xlsx, pdf, txt = out / "inv.xlsx", out / "labels.pdf", out / "cal.txt"
    assert _refused(ring, db_path, "report", "inventory", "--format", "csv", "-o", str(xlsx)) == (
        f"✗ Will not write {xlsx}: --format csv writes CSV files, which end in .csv. "
        "Name it inv.csv, or choose --format xlsx for this extension.\n"
    )
    assert _refused(
        ring, db_path, "--lang", "zh", "report", "missing", "--format", "csv", "-o", str(xlsx)
    ) == (
        f"✗ 不写入 {xlsx}：--format csv 写出的是CSV 表格，扩展名应是 .csv。"
        "请改名为 inv.csv，或按扩展名选 --format xlsx。\n"
    )
    assert _refused(ring, db_path, "report", "missing", "--json", "-o", str(pdf)) == (
        f"✗ Will not write {pdf}: JSON data files end in .json. Name it labels.json.\n"
    )
    assert _refused(ring, db_path, "labels", "books", "-o", str(pdf)) == (
        f"✗ Will not write {pdf}: printable web page files end in .html. Name it labels.html.\n"
    )
    assert _refused(ring, db_path, "task", "list", "--output", str(pdf)) == (
        f"✗ Will not write {pdf}: printable web page files end in .html. Name it labels.html.\n"
    )
    assert _refused(ring, db_path, "schedule", "ics", str(txt)) == (
        f"✗ Will not write {txt}: calendar (iCalendar) files end in .ics. Name it cal.ics.\n"
    )
    assert _refused(ring, db_path, "--lang", "zh", "schedule", "ics", str(out / "cal")) == (
        f"✗ 不写入 {out / 'cal'}：日历（iCalendar）文件的扩展名应是 .ics，请改名为 cal.ics。\n"
    )
    assert list(out.iterdir()) == []
    # the extension still chooses the format, and a matching --format is fine
    ring.ok("report", "inventory", "--format", "xlsx", "-o", str(xlsx))
    ring.ok("labels", "books", "-o", str(out / "labels.HTM"))
    ring.ok("schedule", "ics", str(out / "cal.ICS"))


def _report_to(stdout: int, db_path: Path) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "lou_library", "report", "inventory", "--format", "csv"],
        stdout=stdout,
        stderr=subprocess.PIPE,
        env={**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db_path)},
        check=True,
    )


def test_csv_redirected_to_a_file_gets_the_bom_a_pipe_does_not(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    target = tmp_path / "inv.csv"
    with target.open("wb") as handle:  # lou report inventory --format csv > inv.csv
        _report_to(handle.fileno(), db_path)
    written = target.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf")
    piped = _report_to(subprocess.PIPE, db_path).stdout  # ... | python script.py
    assert not piped.startswith(b"\xef\xbb\xbf")
    assert written == b"\xef\xbb\xbf" + piped
    assert "尚和园" in written.decode("utf-8-sig")


def test_exports_write_isbn_13_and_imports_recover_an_eaten_zero(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    small.ok("book", "edit", "B00001", "--isbn", "0-306-40615-2")
    small.ok("book", "edit", "B00002", "--isbn", "7-5063-6543-X")
    small.ok("book", "edit", "B00003", "--isbn", "978-7-5063-6543-7")
    exported = tmp_path / "books.csv"
    small.ok("book", "export", str(exported))
    rows = list(csv.DictReader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    assert [r["ISBN"] for r in rows[:4]] == [
        "9780306406157",
        "9787506365437",
        "9787506365437",
        "",
    ]
    as_json = tmp_path / "books.json"
    small.ok("book", "export", str(as_json))
    books = orjson.loads(as_json.read_bytes())["books"]
    assert [b["isbn"] for b in books[:2]] == ["9780306406157", "9787506365437"]
    # our own export imports back unchanged: the ISBN-10 on record is the same book
    run = small.ok("book", "import", str(exported))
    assert run.stderr == (
        "Nothing to change: all 4 rows match the catalogue; the database is unchanged.\n"
    )
    assert small.json("book", "show", "B00001")["isbn"] == "0306406152"
    # a spreadsheet ate the leading zero: 306406152 is 0306406152 by its check digit
    sheet = tmp_path / "new.csv"
    sheet.write_text("书名,ISBN\n甲,306406152\n", encoding="utf-8")
    small.ok("book", "import", str(sheet))
    added = small.json("book", "list", "--text", "甲")["books"]
    assert [b["isbn"] for b in added] == ["0306406152"]
    bad = tmp_path / "bad.csv"
    bad.write_text("书名,ISBN\n乙,306406153\n", encoding="utf-8")
    run = small("book", "import", str(bad))
    assert run.exit_code == 1
    assert "'306406153' is not a valid ISBN-10 or ISBN-13" in run.stderr


@pytest.fixture
def shanghai(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "Asia/Shanghai")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_calendar_stamps_are_real_utc(ring: Lou, tmp_path: Path, shanghai: None) -> None:
    ring.ok("rotate", "apply")
    target = tmp_path / "r.ics"
    ring.ok("schedule", "ics", str(target))  # the clock says 09:30 in Shanghai
    text = target.read_bytes().decode("utf-8")
    assert text.count("DTSTAMP:20261124T013000Z") == 2
    events = Calendar.from_ical(target.read_bytes()).walk("VEVENT")
    assert {e.decoded("dtstamp").isoformat() for e in events} == {"2026-11-24T01:30:00+00:00"}


def test_a_calendar_with_no_events_is_refused(ring: Lou, db_path: Path, tmp_path: Path) -> None:
    target = tmp_path / "r.ics"
    assert _refused(ring, db_path, "schedule", "ics", str(target)) == (
        "✗ No open tasks to put in a calendar: no file written.\n"
    )
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1")
    assert _refused(
        ring, db_path, "--lang", "zh", "schedule", "ics", str(target), "--volunteer", "王秀兰"
    ) == ("✗ 没有要放进日历的任务（王秀兰）：没有写入文件。\n")
    assert not target.exists()
