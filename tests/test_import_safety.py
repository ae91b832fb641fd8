"""Imports that are safe to repeat and to round-trip, and odd files that are refused.

Issue 14 ("Imports are idempotent, and an export comes back as the same books") and
issue 21 ("Imports that go wrong silently"): each case runs the real command.
"""

from __future__ import annotations

import csv
import io
import time
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lou_library import transfer
from lou_library.importing import clean_cell
from tests.conftest import Lou

# ------------------------------------------------------------------------- helpers


def _csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def _read_export(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def _refused(lou: Lou, db_path: Path, *args: str) -> str:
    """The command exits 1 with a one-line reason (or a list) and the DB is unchanged."""
    before = db_path.read_bytes()
    run = lou(*args)
    assert run.exit_code == 1, (run.stdout, run.stderr)
    assert run.stderr.startswith("✗ "), run.stderr
    assert "Traceback" not in run.stderr
    assert db_path.read_bytes() == before
    return run.stderr


def _books(lou: Lou) -> list[dict[str, object]]:
    books: list[dict[str, object]] = lou.json(
        "book", "list", "--limit", "100000", "--show-contact"
    )["books"]
    return books


def _xlsx(path: Path, cells: dict[tuple[int, int], object], **formats: str) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for (r, c), value in cells.items():
        sheet.cell(row=r, column=c, value=value)
    for coordinate, number_format in formats.items():
        sheet[coordinate].number_format = number_format
    workbook.save(path)
    return path


# ====================================================== issue 14: the same file twice


def test_the_same_file_again_is_refused_naming_the_earlier_import(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = _csv(tmp_path / "新书.csv", [["书名", "数量"], ["活着", "2"], ["三体", "1"]])
    small.ok("book", "import", str(path), env={"LOU_NOW": "2026-11-20T10:00:00"})
    assert small.json("info")["books"]["total"] == 7

    # the same content, saved again as GBK with other line ends and a blank row
    resaved = tmp_path / "新书（另存）.csv"
    resaved.write_bytes("书名,数量\n\n活着,2\n三体,1\n".encode("gbk"))
    expected = (
        "✗ The same content as 新书（另存）.csv was already imported on 2026-11-20 (2 rows: "
        "3 new books, 0 updated); importing it again would do all that twice (new books "
        "added again). If you really mean it, add --again.\n"
    )
    assert _refused(small, db_path, "book", "import", str(resaved)) == expected
    assert _refused(small, db_path, "book", "import", str(resaved), "--dry-run") == expected
    assert not [b for b in small.json("db", "restore")["backups"] if b["reason"] != "import"]
    zh = _refused(small, db_path, "--lang", "zh", "book", "import", str(path))
    assert zh.startswith(
        "✗ 新书.csv 的这份内容已在 2026-11-20 导入过（2 行：新增 3 册，更新 0 册）"
    )

    dry = small.ok("book", "import", str(path), "--dry-run", "--again")
    assert "Dry run: 3 new books (2 rows)" in dry.stderr
    small.ok("book", "import", str(path), "--again")
    assert small.json("info")["books"]["total"] == 10


def test_the_import_record_is_small(small: Lou, db_path: Path, tmp_path: Path) -> None:
    path = _csv(tmp_path / "a.csv", [["title"], ["一"]])
    small.ok("book", "import", str(path))
    records = list(orjson.loads(db_path.read_bytes())["imports"].values())
    assert records == [
        {
            "sha256": records[0]["sha256"],
            "on": "2026-11-24",
            "file": "a.csv",
            "rows": 1,
            "books": 1,
            "updated": 0,
        }
    ]
    assert len(records[0]["sha256"]) == 32
    assert len(orjson.dumps(records[0])) < 150


def test_import_records_are_bounded(
    small: Lou, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "IMPORT_RECORDS_KEPT", 2)
    for n in range(4):
        small.ok("book", "import", str(_csv(tmp_path / f"{n}.csv", [["title"], [f"书{n}"]])))
    records = orjson.loads(db_path.read_bytes())["imports"]
    assert [r["file"] for r in records.values()] == ["2.csv", "3.csv"]


# ================================================ issue 14: an export comes back the same


def _varied(lou: Lou, tmp_path: Path) -> None:
    """Books of every kind: donations with donors, odd titles, every status."""
    lou.ok("donate", "--box", "SHY-01", "--title", "=SUM(A1)", "--donor", "张三")
    lou.ok("book", "add", "--title", "旧书", "--condition", "damaged", "--note", "封面,破")
    lou.ok("book", "add", "--title", "绘本", "--category", "儿童读物", "--box", "GDJ-01")
    lou.ok("book", "withdraw", "B00003", "--reason", "破损")
    lou.ok("rotate", "apply")
    lou.ok("task", "done", "1", "--missing", "B00001")


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_export_then_import_changes_nothing(
    small: Lou, db_path: Path, tmp_path: Path, lang: str
) -> None:
    _varied(small, tmp_path)
    before = db_path.read_bytes()
    books = _books(small)
    exported = tmp_path / "all.csv"
    small.ok("--lang", lang, "book", "export", str(exported))
    run = small.ok("--lang", lang, "book", "import", str(exported))
    assert (
        run.stderr
        == {
            "en": "Nothing to change: all 7 rows match the catalogue; the database is unchanged.\n",
            "zh": "没有要改的：文件的 7 行与目录完全一致，数据库未改动。\n",
        }[lang]
    )
    assert db_path.read_bytes() == before  # not even a record or a backup
    assert _books(small) == books
    small.ok("db", "check")


def test_a_round_trip_updates_the_copies_by_code(small: Lou, db_path: Path, tmp_path: Path) -> None:
    small.ok("donate", "--box", "SHY-01", "--title", "平凡的世界", "--donor", "张三")
    exported = tmp_path / "all.csv"
    small.ok("book", "export", str(exported))
    rows = _read_export(exported)
    assert rows[0] == ["Code", "Title", "Author", "ISBN", "Category", "Status", "Box", "Site",
                       "Last box", "Audience", "Condition", "Source", "Donor", "Added",
                       "Note"]  # fmt: skip
    rows[1][1] = "十万个为什么（少儿版）"  # a title fix
    rows[2][4], rows[2][9], rows[2][10] = "儿童读物", "儿童", "较旧"
    rows[4][14] = "缺封底"
    assert rows[5][12] == "***"  # the export masks the donor: kept as it is
    rows.append(["", "新来的书", "", "", "", "", "", "", "", "", "", "", "", "", ""])
    edited = _csv(tmp_path / "edited.csv", rows)
    before = _books(small)

    dry = small.ok("book", "import", str(edited), "--dry-run")
    assert dry.stderr == (
        "Dry run: 1 new book (1 row), 3 updated, 2 unchanged. Nothing was written; drop "
        "--dry-run to import.\n"
    )
    assert [line.rstrip() for line in dry.stdout.splitlines()] == [
        "Import of edited.csv",
        "┏━━━━━━━━━━┳━━━━━━━┓",
        "┃ Category ┃ Books ┃",
        "┡━━━━━━━━━━╇━━━━━━━┩",
        "│ Other    │     1 │",
        "└──────────┴───────┘",
        "                           Books updated",
        "┏━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ Code   ┃ Title                  ┃ Changes                       ┃",
        "┡━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ B00001 │ 十万个为什么（少儿版） │ Title                         │",
        "│ B00002 │ 十万个为什么           │ Audience, Category, Condition │",
        "│ B00004 │ 杜甫诗选               │ Note                          │",
        "└────────┴────────────────────────┴───────────────────────────────┘",
    ]
    zh = small.ok("--lang", "zh", "book", "import", str(edited), "--dry-run")
    assert "试运行：新增 1 册（1 行），更新 3 册，未变 2 册。" in zh.stderr

    run = small.ok("book", "import", str(edited), "--json")
    assert run.json()["updated_codes"] == ["B00001", "B00002", "B00004"]
    assert (run.json()["books"], run.json()["unchanged"]) == (1, 2)
    after = _books(small)
    assert after[0] == {**before[0], "title": "十万个为什么（少儿版）"}
    assert after[1] == {**before[1], "category": "children", "audience": "children",
                        "condition": "worn"}  # fmt: skip
    assert after[2] == before[2]
    assert after[3] == {**before[3], "note": "缺封底"}
    assert after[4] == before[4]  # the donor's name is still there
    assert after[4]["donor"] == "张三"
    assert [b["title"] for b in after[5:]] == ["新来的书"]
    assert small.json("book", "find", "shaoerban")["total"] == 1  # pinyin follows the new title
    events = small.json("book", "history", "B00002")["events"]
    assert events[-1]["action"] == "edited"
    assert events[-1]["command"] == "book import"
    assert events[-1]["note"] == "audience, category, condition"
    small.ok("db", "check")


def test_an_export_resaved_by_excel_still_round_trips(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    small.ok("book", "add", "--title", "活着", "--isbn", "978-7-5063-6543-7")
    exported = tmp_path / "all.csv"
    small.ok("--lang", "zh", "book", "export", str(exported))
    rows = _read_export(exported)
    assert rows[5][3] == "9787506365437"
    # what "Save as CSV" in Excel on Chinese Windows writes: GBK, its own date format, and
    # a 13-digit number in scientific notation
    for row in rows[1:]:
        row[13] = row[13].replace("-", "/")
    rows[5][3] = "9.78751E+12"
    rows[5][1] = "活着（精装）"
    resaved = _csv(tmp_path / "resaved.csv", rows, encoding="gbk")
    run = small.ok("book", "import", str(resaved), "--json")
    assert (run.json()["updated_codes"], run.json()["unchanged"]) == (["B00005"], 4)
    assert small.json("book", "show", "B00005")["isbn"] == "9787506365437"
    rows[5][3] = "9.78752E+12"  # not this book's ISBN: the digits are lost, say so
    other = _csv(tmp_path / "other.csv", rows, encoding="gbk")
    assert _refused(small, db_path, "book", "import", str(other)).splitlines()[1] == (
        "  row 6: the ISBN '9.78752E+12' was turned into scientific notation by Excel and lost "
        "its last digits. Format the ISBN column as Text and type them again (or import the "
        "file as lou exported it)."
    )


def test_a_long_list_of_updates_is_cut_short_on_screen(
    small: Lou, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from lou_library.cli import cmd_book

    monkeypatch.setattr(cmd_book, "UPDATES_SHOWN", 2)
    exported = tmp_path / "all.csv"
    small.ok("book", "export", str(exported))
    rows = _read_export(exported)
    for row in rows[1:]:
        row[14] = "查过"
    run = small.ok("book", "import", str(_csv(tmp_path / "notes.csv", rows)), "--dry-run")
    lines = [line.rstrip() for line in run.stdout.splitlines()]
    assert [line.split()[1] for line in lines if line.startswith("│ B")] == ["B00001", "B00002"]
    bottom = max(i for i, line in enumerate(lines) if line.startswith("└"))
    caption = " ".join(" ".join(lines[bottom + 1 :]).split())  # wrapped to the table's width
    assert caption == "The first 2 shown; 2 more (--json lists every code)"


def test_codes_that_do_not_fit_are_errors_naming_the_row(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "codes.csv",
        [
            ["编号", "书名", "数量"],
            ["B00001", "十万个为什么", ""],
            ["B09999", "不存在", ""],
            ["b00001", "十万个为什么", ""],
            ["B00002", "十万个为什么", "2"],
        ],
    )
    assert _refused(small, db_path, "book", "import", str(path)) == (
        "✗ Nothing was imported: problems found: 3; the database is unchanged. Fix them and "
        "import again:\n"
        "  row 3: no book B09999 in this catalogue. The Code column updates books already in "
        "lou (as `lou book export` writes them); for new books leave it empty or delete the "
        "column.\n"
        "  row 4: B00001 is also in row 2: one row per copy.\n"
        "  row 5: a row with a code is one copy: the copies cell must be empty or 1 (it says 2).\n"
    )


def test_columns_an_import_cannot_set_are_refused_when_changed(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    small.ok("book", "withdraw", "B00004")
    small.ok("book", "add", "--title", "五")
    exported = tmp_path / "all.csv"
    small.ok("book", "export", str(exported))
    rows = _read_export(exported)
    rows[1][5] = "withdrawn"  # status of B00001
    rows[2][6] = "GDJ-01"  # box of B00002
    rows[3][7] = "SHY"  # site of B00003 (in GDJ-01)
    rows[4][5] = "在图书室"  # withdrawn B00004 back on the shelf
    rows[5][11] = "donation"  # source of B00005
    rows[1][13] = "2026/11/24"  # Excel re-saved the date: the same day, accepted
    rows[2][13] = "2025-01-01"
    path = _csv(tmp_path / "edited.csv", rows)
    assert _refused(small, db_path, "book", "import", str(path)) == (
        "✗ Nothing was imported: problems found: 5; the database is unchanged. Fix them and "
        "import again:\n"
        "  row 2: B00001 is in a box, the file says withdrawn: an import does not change a "
        "status; use `lou book withdraw B00001`.\n"
        "  row 3: B00002 is at SHY-01, the file says GDJ-01: an import does not move books. "
        "Use `lou book edit B00002 --box BOX` (or --to-depot).\n"
        "  row 4: B00003 is at GDJ, the file says SHY: an import does not move books. Use "
        "`lou book edit B00003 --box BOX` (or --to-depot).\n"
        "  row 5: B00004 is withdrawn, the file says 在图书室: an import does not change a "
        "status; use `lou book found B00004`.\n"
        "  row 6: B00005 has Source 'library stock', the file says 'donation': it is kept as "
        "recorded and cannot be changed.\n"
    )
    rows[2][13] = rows[3][13]
    for row, column, value in ((1, 5, "in a box"), (2, 6, "SHY-01"), (3, 7, "GDJ"),
                               (4, 5, "withdrawn"), (5, 11, "馆藏")):  # fmt: skip
        rows[row][column] = value
    fixed = _csv(tmp_path / "fixed.csv", rows)
    assert "Nothing to change: all 5 rows" in small.ok("book", "import", str(fixed)).stderr


def test_new_rows_cannot_arrive_off_the_shelf(small: Lou, db_path: Path, tmp_path: Path) -> None:
    path = _csv(
        tmp_path / "new.csv",
        [
            ["书名", "状态", "图书箱", "片区"],
            ["一", "已下架", "", ""],
            ["二", "在箱", "SHY-01", "GDJ"],
            ["三", "", "", "SHY"],
            ["四", "在箱", "SHY-01", "SHY"],
        ],
    )
    assert _refused(small, db_path, "book", "import", str(path)).splitlines()[1:] == [
        "  row 2: a new book goes into a box or the depot; its status cannot be '已下架'. "
        "Clear the Status cell or leave the row out.",
        "  row 3: the site 'GDJ' does not match SHY-01, which is in SHY: the site follows the box.",
        "  row 4: the site 'SHY' does not match depot, which is in DEPOT: the site follows the box.",
    ]


def test_a_masked_donor_is_never_stored_as_a_name(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "donated.csv",
        [["书名", "捐赠人"], ["一", "***"], ["二", "王**"], ["三", "＊＊＊"], ["四", "李四"]],
    )
    small.ok("book", "import", str(path))
    added = _books(small)[4:]
    assert [(b["title"], b["donor"], b["source"]) for b in added] == [
        ("一", "", "donation"),
        ("二", "", "donation"),
        ("三", "", "donation"),
        ("四", "李四", "donation"),
    ]
    assert "*" not in db_path.read_text(encoding="utf-8")


def test_help_lists_the_columns_in_both_languages(small: Lou) -> None:
    en = small.ok("book", "import", "--help").stdout
    zh = small.ok("--lang", "zh", "book", "import", "--help").stdout
    for word in ("Title", "Author", "ISBN", "Category", "Copies", "Box", "Audience",
                 "Condition", "Donor", "Note", "Code", "Status", "Site", "Added", "--again",
                 "--large", "name", "书籍"):  # fmt: skip
        assert word in en, word
    for word in ("书名", "作者", "ISBN", "分类", "数量", "图书箱", "读者对象", "品相", "捐赠人",
                 "备注", "编号", "状态", "片区", "入藏日期", "--again", "--large"):  # fmt: skip
        assert word in zh, word


@pytest.mark.parametrize("header", ["name", "书籍", "图书名称", "Book name"])
def test_title_headers_real_lists_use(small: Lou, tmp_path: Path, header: str) -> None:
    path = _csv(tmp_path / "list.csv", [[header, "作者"], ["围城", "钱锺书"]])
    small.ok("book", "import", str(path))
    assert [b["title"] for b in _books(small)[4:]] == ["围城"]


# =========================================================== issue 21: absurd counts


def test_an_absurd_count_is_refused_before_any_work(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = _csv(
        tmp_path / "huge.csv", [["书名", "数量"]] + [[f"书{n}", "1000"] for n in range(300)]
    )
    assert path.stat().st_size < 4000
    assert _refused(small, db_path, "book", "import", str(path), "--large") == (
        "✗ This file would add 300,000 books, over the limit of 200,000 per import. Split it "
        "into several files.\n"
    )
    path = _csv(tmp_path / "big.csv", [["书名", "数量"]] + [[f"书{n}", "1000"] for n in range(11)])
    assert _refused(small, db_path, "book", "import", str(path)) == (
        "✗ This file would add 11,000 books, more than 10,000 at once: check its copies "
        "column. If it is right, add --large.\n"
    )
    assert _refused(small, db_path, "book", "import", str(path), "--dry-run").startswith(
        "✗ This file would add 11,000 books"
    )


def test_large_lets_a_big_import_through(
    small: Lou, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(transfer, "LARGE_IMPORT", 5)
    path = _csv(tmp_path / "six.csv", [["书名", "数量"], ["一", "6"]])
    assert small("book", "import", str(path)).exit_code == 1
    small.ok("book", "import", str(path), "--large")
    assert small.json("info")["books"]["total"] == 10


# ============================================ issue 14 and 21: the rows a person sees


def test_errors_name_the_spreadsheet_row_not_the_text_line(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        '书名,备注,图书箱\n三体,"第一行\n第二行\n第三行",SHY-01\n活着,,SHY-99\n', encoding="utf-8"
    )
    stderr = _refused(small, db_path, "book", "import", str(path))
    assert stderr.splitlines()[1] == "  row 3: No box SHY-99. Did you mean SHY-01, SHY-02?"


def test_a_box_cell_merged_over_three_rows_places_all_three(small: Lou, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = _xlsx(
        tmp_path / "merged.xlsx",
        {(1, 1): "书名", (1, 2): "图书箱", (2, 1): "一", (2, 2): "SHY-01", (3, 1): "二",
         (4, 1): "三", (5, 1): "四"},
    )  # fmt: skip
    workbook = load_workbook(path)
    assert workbook.active is not None
    workbook.active.merge_cells("B2:B4")
    workbook.save(path)
    small.ok("book", "import", str(path))
    assert [(b["title"], b["box"]) for b in _books(small)[4:]] == [
        ("一", "SHY-01"), ("二", "SHY-01"), ("三", "SHY-01"), ("四", None),
    ]  # fmt: skip


def test_the_active_sheet_is_read(small: Lou, tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    notes = workbook.active
    assert notes is not None
    notes.title = "说明"
    notes["A1"] = "书名"
    notes["A2"] = "请在第二张表填写"
    data = workbook.create_sheet("书目")
    data.append(["书名", "作者"])
    data.append(["活着", "余华"])
    workbook.active = data
    path = tmp_path / "two-sheets.xlsx"
    workbook.save(path)
    run = small.ok("book", "import", str(path))
    assert "Read the sheet '书目', the one the workbook opens on (it has 2)" in run.stderr
    assert [b["title"] for b in _books(small)[4:]] == ["活着"]


def test_a_gbk_file_with_a_utf8_row_is_refused_naming_the_row(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "mixed.csv"
    path.write_bytes(
        "书名,作者\n平凡的世界,路遥\n".encode("gbk")
        + "活着,余华\n".encode()
        + "围城,钱锺书\n".encode("gbk")
    )
    assert _refused(small, db_path, "book", "import", str(path)) == (
        f"✗ Row 3 of {path} is in UTF-8 while the rest of the file is GBK (two files pasted "
        "together?). Save it again in one encoding (“CSV UTF-8” in Excel/WPS) and import that.\n"
    )
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf" + "书名\n平凡的世界\n活着\n".encode() + "围城\n".encode("gbk"))
    assert "Row 4 of" in _refused(small, db_path, "book", "import", str(bom))
    plain = tmp_path / "plain.csv"
    # in GBK, 飘 and 路遥 happen to be valid UTF-8 bytes too (for Latin letters)
    plain.write_bytes("书名\n飘\n路遥\n活着\n".encode("gbk"))
    small.ok("book", "import", str(plain))
    assert [b["title"] for b in _books(small)[4:]] == ["飘", "路遥", "活着"]


def test_a_header_repeated_mid_file(small: Lou, db_path: Path, tmp_path: Path) -> None:
    same = _csv(
        tmp_path / "pasted.csv",
        [["书名", "作者"], ["活着", "余华"], ["Title", "Author"], ["围城", "钱锺书"]],
    )
    run = small.ok("book", "import", str(same))
    assert run.stderr.startswith(
        "! Skipped row 3: it repeats the header (two lists pasted together?)\n"
    )
    assert [b["title"] for b in _books(small)[4:]] == ["活着", "围城"]
    other = _csv(
        tmp_path / "other.csv",
        [["书名", "作者"], ["三体", "刘慈欣"], ["作者", "书名"], ["钱锺书", "围城"]],
    )
    assert _refused(small, db_path, "book", "import", str(other)) == (
        f"✗ Row 3 of {other} is a second header ('作者') with other columns than the header in "
        "row 1: two lists pasted together? Split them into two files.\n"
    )
    named = _csv(tmp_path / "named.csv", [["Title", "Author"], ["Name", "Someone"]])
    small.ok("book", "import", str(named))  # a book called "Name" is not a header
    assert _books(small)[-1]["title"] == "Name"


def test_a_book_whose_cells_all_read_as_title_headers_is_a_book(small: Lou, tmp_path: Path) -> None:
    # found by Hypothesis: a title "BOOK" with "BOOK" in its note was taken for a second
    # header, as if two cells naming a title were two columns
    named = _csv(tmp_path / "book.csv", [["书名", "备注"], ["BOOK", "BOOK"]])
    small.ok("book", "import", str(named))
    assert (_books(small)[-1]["title"], _books(small)[-1]["note"]) == ("BOOK", "BOOK")


def test_an_unmatched_quote_that_swallows_rows_is_refused(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "quote.csv"
    path.write_text(
        '书名,作者,备注\n活着,余华,"好书\n围城,钱锺书,\n三体,刘慈欣,\n平凡的世界,路遥,\n',
        encoding="utf-8",
    )
    assert _refused(small, db_path, "book", "import", str(path)) == (
        f"✗ Row 2 of {path} has a cell running over 5 lines that takes in the rows below it: "
        'a quote mark (") there is probably not closed. Fix it in Excel/WPS or a text '
        "editor.\n"
    )
    fine = tmp_path / "fine.csv"
    fine.write_text('书名,作者,备注\n活着,余华,"好书,\n值得一读"\n', encoding="utf-8")
    small.ok("book", "import", str(fine))  # a note over two lines is fine


def test_a_date_formatted_title_cell_is_refused(small: Lou, db_path: Path, tmp_path: Path) -> None:
    path = _xlsx(
        tmp_path / "dates.xlsx",
        {(1, 1): "书名", (1, 2): "备注", (2, 1): "活着", (3, 1): 30841, (3, 2): "第三行"},
        A3="yyyy-mm-dd",
    )
    assert _refused(small, db_path, "book", "import", str(path)) == (
        f"✗ Row 3 of {path}, column '书名', holds a date (1984-06-08) where text was expected: "
        "Excel took what was typed for a date. Format the column as Text and type it again.\n"
    )


def test_a_200000_column_header_is_refused_at_once(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = tmp_path / "wide.csv"
    path.write_text(
        "书名," + ",".join(f"列{n}" for n in range(200_000)) + "\n活着\n", encoding="utf-8"
    )
    started = time.perf_counter()
    assert _refused(small, db_path, "book", "import", str(path)) == (
        f"✗ The header of {path} (row 1) has 200,001 columns, which is not a book list (at "
        "most 1,000).\n"
    )
    assert time.perf_counter() - started < 20  # 446 s before: a quadratic list


# =================================================== property: export, import, the same


@st.composite
def _catalogues(draw: st.DrawFn) -> list[list[str]]:
    text = st.text(
        st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), min_size=0, max_size=10
    )
    rows = [["书名", "作者", "ISBN", "分类", "图书箱", "读者对象", "品相", "捐赠人", "备注"]]
    for _ in range(draw(st.integers(1, 8))):
        title = draw(text.filter(lambda t: clean_cell(t) != "" and not t.strip().startswith("'")))
        rows.append(
            [
                title,
                draw(text),
                draw(st.sampled_from(["", "9787506365437", "7-5063-6543-X"])),
                draw(st.sampled_from(["", "历史", "fiction", "儿童读物", "其他"])),
                draw(st.sampled_from(["", "SHY-01", "GDJ-01"])),
                draw(st.sampled_from(["", "children", "一般"])),
                draw(st.sampled_from(["", "worn", "破损"])),
                draw(st.sampled_from(["", "王秀兰"])),
                draw(text),
            ]
        )
    return rows


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(catalogue=_catalogues(), lang=st.sampled_from(["zh", "en"]), withdraw=st.booleans())
def test_any_catalogue_exported_and_imported_stays_the_same(
    small: Lou, db_path: Path, tmp_path: Path, catalogue: list[list[str]], lang: str,
    withdraw: bool,
) -> None:  # fmt: skip
    start = db_path.read_bytes()
    source = _csv(tmp_path / "source.csv", catalogue)
    run = small("book", "import", str(source), "--again")
    assert run.exit_code == 0, run.stderr
    if withdraw:
        small.ok("book", "withdraw", "B00005")
    books = _books(small)
    before = db_path.read_bytes()
    exported = tmp_path / "export.csv"
    small.ok("--lang", lang, "book", "export", str(exported), "--show-contact")
    again = small.ok("--lang", lang, "book", "import", str(exported))
    assert "Dry run" not in again.stderr
    assert db_path.read_bytes() == before, again.stderr
    assert _books(small) == books
    db_path.write_bytes(start)  # the same start for the next example


def test_a_row_pasted_twice_is_said(small: Lou, tmp_path: Path) -> None:
    """The same line twice in one file doubles its books (it may be meant: two donations
    of a title), so the import says so, in the preview first (a newcomer's trial)."""
    sheet = tmp_path / "twice.csv"
    sheet.write_text(
        "书名,作者,分类,数量\n活着,余华,文学,1\n十万个为什么,叶永烈,科普,3\n"
        "十万个为什么,叶永烈,科普,3\n",
        encoding="utf-8",
    )
    warning = (
        "! Row 4 is the same as row 3, and both count (a line pasted twice? extra books can "
        "be withdrawn with lou book withdraw)\n"
    )
    preview = small("book", "import", str(sheet), "--dry-run", "--json", env={"COLUMNS": "200"})
    assert (preview.exit_code, preview.stderr) == (0, warning)
    assert orjson.loads(preview.stdout)["books"] == 7
    zh = small("--lang", "zh", "book", "import", str(sheet), "--dry-run", env={"COLUMNS": "200"})
    assert "! 第 4 行与第 3 行完全相同，两行都算" in zh.stderr
