"""``lou book import`` and ``lou book export`` with the files admins really have."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lou_library.catalogue import isbn13
from lou_library.importing import clean_cell
from lou_library.store import read_backup
from tests.conftest import Lou

HEADER_ZH = "书名,作者,ISBN,分类,数量,图书箱\n"


def _write(path: Path, text: str, encoding: str) -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def _titles(lou: Lou) -> list[tuple[str, str, str | None]]:
    books = lou.json("book", "list", "--limit", "1000")["books"]
    return [(b["title"], b["category"], b["box"]) for b in books]


def test_gbk_csv_from_excel_with_chinese_headers(small: Lou, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "书目.csv",
        HEADER_ZH + "活着,余华,978-7-5063-6543-7,小说,2,SHY-01\r\n平凡的世界,路遥,,小说类,1,\r\n",
        "gbk",
    )
    run = small.ok("book", "import", str(path))
    assert run.stderr == (
        "✓ Imported: 3 new books (2 rows, codes B00005–B00007), 0 updated, 0 unchanged\n"
    )
    assert _titles(small)[4:] == [
        ("活着", "fiction", "SHY-01"),
        ("活着", "fiction", "SHY-01"),
        ("平凡的世界", "fiction", None),
    ]


def test_utf8_bom_english_headers_any_case_and_spaces(small: Lou, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "books.csv",
        " Title ,AUTHOR,Category,\u3000Box\u3000,Shelf colour\n三体,刘慈欣,fiction,gdj-01,red\n",
        "utf-8-sig",
    )
    run = small.ok("book", "import", str(path), "--json")
    assert run.json() == {
        "dry_run": False, "books": 1, "rows": 1, "new_rows": 1, "updated": 0, "unchanged": 0,
        "updated_codes": [], "encoding": "utf-8-sig", "sheet": None, "repeated_headers": [],
        "by_box": {"GDJ-01": 1}, "by_category": {"fiction": 1},
        "ignored_columns": ["Shelf colour"], "first": "B00005", "last": "B00005",
    }  # fmt: skip
    assert run.stderr == "! Ignored the unknown column 'Shelf colour'\n"


def test_xlsx_with_numbers_as_numbers(small: Lou, tmp_path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["书名", "作者", "ISBN", "册数"])
    sheet.append(["活着", "余华", 9787506365437, 2.0])
    path = tmp_path / "书目.xlsx"
    book.save(path)
    small.ok("book", "import", str(path))
    added = small.json("book", "list", "--text", "活着")["books"]
    assert [(b["isbn"], b["status"]) for b in added] == [("9787506365437", "in_depot")] * 2


def test_quoted_commas_and_line_breaks_inside_fields(small: Lou, tmp_path: Path) -> None:
    path = _write(
        tmp_path / "notes.csv",
        'title,author,note\n"红楼梦（上、下）","曹雪芹, 高鹗","第一行\n第二行"\n\n西游记,吴承恩,\n',
        "utf-8",
    )
    small.ok("book", "import", str(path))
    books = small.json("book", "find", "曹雪芹")["books"]
    assert [(b["title"], b["author"], b["note"]) for b in books] == [
        ("红楼梦（上、下）", "曹雪芹, 高鹗", "第一行 第二行")
    ]


def test_one_bad_row_stops_everything_and_every_bad_row_is_listed(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    path = _write(
        tmp_path / "bad.csv",
        'title,isbn,box,copies\n好书,,SHY-01,1\n"多行\n书名",9787506365438,,1\n,,,1\n坏箱,,SHY-99,1\n多,,,abc\n',
        "utf-8",
    )
    before = db_path.read_bytes()
    run = small("book", "import", str(path))
    assert run.exit_code == 1
    assert run.stderr == (
        "✗ Nothing was imported: problems found: 4; the database is unchanged. Fix them and "
        "import again:\n"
        "  row 3: '9787506365438' is not a valid ISBN-10 or ISBN-13 (check digit or length).\n"
        "  row 4: The title cannot be empty.\n"
        "  row 5: No box SHY-99. Did you mean SHY-01, SHY-02?\n"
        "  row 6: 'abc' copies is not possible: a whole number from 1 to 1000.\n"
    )
    assert db_path.read_bytes() == before


def test_an_overfull_box_stops_the_import(small: Lou, db_path: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "full.csv", "title,box,copies\n一,SHY-02,3\n二,SHY-02,3\n", "utf-8")
    before = db_path.read_bytes()
    run = small("book", "import", str(path))
    assert run.exit_code == 1
    assert "SHY-02: holds 0, adding 6 would exceed its capacity of 5" in run.stderr
    assert db_path.read_bytes() == before


def test_dry_run_writes_nothing(small: Lou, db_path: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "title,copies\n一,3\n", "utf-8")
    before = db_path.read_bytes()
    run = small.ok("book", "import", str(path), "--dry-run")
    assert run.stderr == (
        "Dry run: 3 new books (1 row), 0 updated, 0 unchanged. Nothing was written; drop "
        "--dry-run to import.\n"
    )
    assert db_path.read_bytes() == before


def test_import_takes_a_backup_first(small: Lou, db_path: Path, tmp_path: Path) -> None:
    path = _write(tmp_path / "a.csv", "title\n一\n", "utf-8")
    before = db_path.read_bytes()
    small.ok("book", "import", str(path))
    backups = small.json("db", "restore")["backups"]
    assert [b["reason"] for b in backups] == ["import"]
    assert read_backup(db_path.parent / "lou.json.backups" / backups[0]["name"]) == before


def test_a_missing_file_is_a_clear_error(small: Lou, tmp_path: Path) -> None:
    run = small("book", "import", str(tmp_path / "nope.csv"))
    assert run.exit_code == 1
    assert run.stderr.startswith("✗ No such file:")


def test_export_csv_opens_in_excel_and_neutralises_formulas(small: Lou, tmp_path: Path) -> None:
    small.ok("book", "add", "--title", '=HYPERLINK("http://x")', "--author", "@me")
    target = tmp_path / "out.csv"
    run = small.ok("--lang", "zh", "book", "export", str(target))
    assert run.stderr == f"✓ 已导出 5 册到 {target}\n"
    payload = target.read_bytes()
    assert payload.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert rows[0][:6] == ["编号", "书名", "作者", "ISBN", "分类", "状态"]
    assert rows[1][:8] == ["B00001", "十万个为什么", "韩启德", "", "科普", "在箱", "SHY-01", "SHY"]
    assert rows[5][1:3] == ['\'=HYPERLINK("http://x")', "'@me"]


def test_export_json(small: Lou, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    small.ok("book", "export", str(target))
    data = orjson.loads(target.read_bytes())
    assert data["total"] == 4
    assert data["books"][2]["title"] == "上下五千年"


@pytest.mark.parametrize("shuffled", [False, True])
def test_an_export_lists_the_books_in_code_order_a_batch_at_a_time(
    small: Lou, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shuffled: bool
) -> None:
    """Books read a few at a time, as they were added or (codes added out of their
    order, as a hand-edited file may hold them) by code: the file is the same."""
    from lou_library import transfer
    from lou_library.store import decode, encode

    small.ok("book", "add", "--title", "平凡的世界", "--copies", "3")
    if shuffled:
        document = decode(Path("test"), small.snapshot())
        books = list(document["books"].values())
        books.insert(0, books.pop(3))  # B00004 first
        document["books"] = {str(n): book for n, book in enumerate(books, 1)}
        small.load(encode(document))
    monkeypatch.setattr(transfer, "EXPORT_BATCH", 2)
    codes = [f"B{n:05d}" for n in range(1, 8)]
    target = tmp_path / "out.json"
    small.ok("book", "export", str(target))
    data = orjson.loads(target.read_bytes())
    assert ([b["code"] for b in data["books"]], data["total"]) == (codes, 7)
    assert target.read_bytes() == orjson.dumps(data, option=orjson.OPT_INDENT_2)
    target = tmp_path / "out.csv"
    small.ok("book", "export", str(target))
    rows = list(csv.reader(io.StringIO(target.read_bytes().decode("utf-8-sig"))))
    assert [row[0] for row in rows[1:]] == codes


def test_an_export_copies_a_catalogue_into_another_db_once_its_codes_are_cleared(
    small: Lou, tmp_path: Path, db_path: Path
) -> None:
    small.ok(
        "book", "add", "--title", "-减号开头", "--isbn", "7-5063-6543-x", "--condition", "worn"
    )
    exported = tmp_path / "catalogue.csv"
    small.ok("--lang", "zh", "book", "export", str(exported))
    original = small.json("book", "list")["books"]

    other = Lou(tmp_path / "other.json")
    other.ok("init")
    other.ok("site", "add", "尚和园", "--kind", "compound")
    other.ok("site", "add", "供电局家属院", "--kind", "yard", "--code", "GDJ")
    other.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "1单元")
    other.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "2单元")
    other.ok("box", "add", "--site", "GDJ", "--building", "1栋", "--unit", "1单元")
    refused = other("book", "import", str(exported))  # these codes are another DB's
    assert refused.exit_code == 1
    assert refused.stderr.splitlines()[1] == (
        "  row 2: no book B00001 in this catalogue. The Code column updates books already in "
        "lou (as `lou book export` writes them); for new books leave it empty or delete the "
        "column."
    )
    rows = list(csv.reader(io.StringIO(exported.read_text(encoding="utf-8-sig"))))
    cleared = tmp_path / "no-codes.csv"
    with cleared.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([rows[0]] + [["", *r[1:]] for r in rows[1:]])
    run = other.ok("book", "import", str(cleared))
    assert "Ignored" not in run.stderr  # our own export columns are understood
    copied = other.json("book", "list")["books"]
    keys = ("code", "title", "author", "isbn", "category", "status", "box", "audience", "condition")
    # the export writes ISBN-13 (issue 19), so an ISBN-10 arrives as its ISBN-13
    expected = [{k: isbn13(b[k]) if k == "isbn" else b[k] for k in keys} for b in original]
    assert [{k: b[k] for k in keys} for b in copied] == expected


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    rows=st.lists(
        st.tuples(
            st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cs")), max_size=8),
            st.sampled_from(["", "SHY-01", "GDJ-01", "NOPE-1", "DEPOT"]),
            st.sampled_from(["", "1", "2", "0", "x"]),
        ),
        min_size=1,
        max_size=6,
    )
)
def test_import_is_all_or_nothing(
    small: Lou, db_path: Path, tmp_path: Path, rows: list[tuple[str, str, str]]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["title", "box", "copies"])
    writer.writerows(rows)
    path = tmp_path / "random.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    before = db_path.read_bytes()
    count_before = small.json("info")["books"]["total"]
    run = small("book", "import", str(path))
    if run.exit_code == 0:
        added = small.json("info")["books"]["total"] - count_before
        kept = [r for r in rows if any(clean_cell(cell) for cell in r)]  # blank rows are skipped
        assert added == sum(int(copies or 1) for _, _, copies in kept)
        small.ok("db", "check")
        db_path.write_bytes(before)  # back to the same start for the next example
    else:
        assert run.exit_code == 1
        assert "Traceback" not in run.stderr
        assert db_path.read_bytes() == before
