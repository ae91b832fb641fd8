"""Reading the spreadsheets admins really have: encodings, headers, xlsx, limits, errors."""

from __future__ import annotations

import csv
import functools
import io
import re
import string
import tempfile
import zipfile
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from lou_library import importing
from lou_library import messages as M
from lou_library.errors import Invalid, LouError, NotFound
from lou_library.i18n import LANGS, Msg
from lou_library.importing import (
    FIELDS,
    ParsedTable,
    SourceRow,
    cell_text,
    clean_cell,
    header_key,
    match_header,
    parse_csv_bytes,
    parse_xlsx,
    read_table,
)

# ------------------------------------------------------------------------- helpers


def write(tmp_path: Path, name: str, payload: bytes | str, encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(payload if isinstance(payload, bytes) else payload.encode(encoding))
    return path


def fails(kind: type[LouError], msg: Msg, call: Callable[[], object], name: str | Path) -> LouError:
    """``call()`` raises exactly ``kind`` with ``msg``; both languages render and name the file."""
    with pytest.raises(LouError) as info:
        call()
    err = info.value
    assert type(err) is kind
    assert err.msg is msg
    for lang in LANGS:
        text = err.msg.text(lang).format(**err.fields)
        assert str(name) in text, (lang, text)
    assert str(name) in str(err)
    return err


def row(line: int, **values: str) -> SourceRow:
    return SourceRow(row=line, values=values)


def xlsx(path: Path, cells: dict[tuple[int, int], object]) -> Path:
    """A one-sheet workbook with ``cells[(row, column)] = value``, written by openpyxl."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    for (r, c), value in cells.items():
        sheet.cell(row=r, column=c, value=value)
    workbook.save(path)
    return path


# ------------------------------------------------------------------------ encodings


def test_utf8_with_mixed_headers_units_and_unknown_columns(tmp_path: Path) -> None:
    text = (
        " 书 名 ,AUTHOR,Isbn号,数量（册）,图书箱,  Remarks ,扫描日期,,Price (元)\n"
        "三体,刘慈欣,9787536692930,2,SHY-01,送给三楼,2024-03-01,,23\n"
    )
    path = write(tmp_path, "books.csv", text)
    assert read_table(path) == ParsedTable(
        rows=[
            row(
                2,
                title="三体",
                author="刘慈欣",
                isbn="9787536692930",
                copies="2",
                box="SHY-01",
                note="送给三楼",
            )
        ],
        columns={
            "title": "书 名",
            "author": "AUTHOR",
            "isbn": "Isbn号",
            "copies": "数量（册）",
            "box": "图书箱",
            "note": "Remarks",
        },
        unknown_columns=["扫描日期", "Price (元)"],
        encoding="utf-8",
    )


def test_utf8_bom_and_crlf_as_excel_writes_them(tmp_path: Path) -> None:
    text = "Title,Category,Condition,Donor\r\n红楼梦,文学,良好,王秀兰\r\n西游记,文学,,\r\n"
    path = write(tmp_path, "excel.csv", text, "utf-8-sig")
    assert read_table(path) == ParsedTable(
        rows=[
            row(2, title="红楼梦", category="文学", condition="良好", donor="王秀兰"),
            row(3, title="西游记", category="文学", condition="", donor=""),
        ],
        columns={
            "title": "Title",
            "category": "Category",
            "condition": "Condition",
            "donor": "Donor",
        },
        unknown_columns=[],
        encoding="utf-8-sig",
    )


def test_gbk_as_chinese_windows_saves_it(tmp_path: Path) -> None:
    text = "题名,著者,分类,读者对象,备注\r\n上下五千年,林汉达,历史,小学生,“经典”版，有插图\r\n"
    path = write(tmp_path, "wps.csv", text, "gbk")
    assert read_table(path) == ParsedTable(
        rows=[
            row(
                2,
                title="上下五千年",
                author="林汉达",
                category="历史",
                audience="小学生",
                note="“经典”版，有插图",
            )
        ],
        columns={
            "title": "题名",
            "author": "著者",
            "category": "分类",
            "audience": "读者对象",
            "note": "备注",
        },
        unknown_columns=[],
        encoding="gb18030",
    )


def test_gb18030_only_characters(tmp_path: Path) -> None:
    rare = "刘䶮传𠀾"  # U+4DAE (CJK Ext. A) and U+2003E (Ext. B): not in GBK
    with pytest.raises(UnicodeEncodeError):
        rare.encode("gbk")
    path = write(tmp_path, "rare.csv", f"书名,作者\n{rare},佚名\n", "gb18030")
    assert read_table(path) == ParsedTable(
        rows=[row(2, title=rare, author="佚名")],
        columns={"title": "书名", "author": "作者"},
        unknown_columns=[],
        encoding="gb18030",
    )


def test_undecodable_bytes(tmp_path: Path) -> None:
    path = write(tmp_path, "junk.csv", b"title\n\xff\xfe\xff\x80")
    # starts with "title", so it is not mistaken for UTF-16
    fails(Invalid, M.IMPORT_BAD_ENCODING, lambda: read_table(path), path)
    bom_then_gbk = b"\xef\xbb\xbf" + "书名\n三体\n".encode("gbk")
    fails(Invalid, M.IMPORT_BAD_ENCODING, lambda: parse_csv_bytes(bom_then_gbk), "<CSV>")


def test_utf16_excel_unicode_text_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, "unicode.txt", "书名\t作者\n三体\t刘慈欣\n".encode("utf-16"))
    fails(Invalid, M.IMPORT_UTF16, lambda: read_table(path), path)


def test_workbook_saved_with_csv_name(tmp_path: Path) -> None:
    real = xlsx(tmp_path / "real.xlsx", {(1, 1): "书名", (2, 1): "三体"})
    renamed = write(tmp_path, "renamed.csv", real.read_bytes())
    fails(Invalid, M.IMPORT_LOOKS_LIKE_XLSX, lambda: read_table(renamed), renamed)
    old = write(tmp_path, "old.csv", importing._OLE2_MAGIC + bytes(100))
    fails(Invalid, M.IMPORT_OLD_EXCEL, lambda: read_table(old), old)


# -------------------------------------------------------------------------- headers


def test_headers_with_spaces_full_width_spaces_case_and_marks(tmp_path: Path) -> None:
    header = (
        "\u3000图书\u3000名称\u3000,*作/译者,ＩＳＢＮ,复本数（本）,"
        "箱号 ,适读人群,品 相,捐书人,NOTES"
    )
    path = write(tmp_path, "marks.csv", header + "\n朝花夕拾,鲁迅,,1,A-1,初中,新,老李,\n")
    table = read_table(path)
    assert table == ParsedTable(
        rows=[
            row(
                2,
                title="朝花夕拾",
                author="鲁迅",
                isbn="",
                copies="1",
                box="A-1",
                audience="初中",
                condition="新",
                donor="老李",
                note="",
            )
        ],
        columns={
            "title": "图书 名称",
            "author": "*作/译者",
            "isbn": "ＩＳＢＮ",
            "copies": "复本数（本）",
            "box": "箱号",
            "audience": "适读人群",
            "condition": "品 相",
            "donor": "捐书人",
            "note": "NOTES",
        },
        unknown_columns=[],
        encoding="utf-8",
    )


def test_every_spelling_matches_its_field() -> None:
    for field_name, spellings in FIELDS.items():
        for spelling in (field_name, *spellings):
            assert match_header(spelling) == field_name
            assert match_header(f" {spelling.upper()}\u3000(单位) ") == field_name
            assert match_header(f"{spelling}（说明）") == field_name


def test_no_spelling_is_claimed_by_two_fields() -> None:
    owners: dict[str, str] = {}
    for field_name, spellings in FIELDS.items():
        for spelling in (field_name, *spellings):
            key = header_key(spelling)
            assert owners.setdefault(key, field_name) == field_name, spelling


def test_every_column_our_export_writes_is_read_as_its_field() -> None:
    for key, msg in M.COLUMN_NAMES.items():
        for lang in LANGS:
            assert match_header(msg.text(lang)) == key, (key, lang)


def test_title_headers_real_lists_use() -> None:
    for header in ("name", "Name", "书籍", "书名", "图书名称", "题名", "title", "Book name"):
        assert match_header(header) == "title", header


def test_header_key() -> None:
    assert header_key("  数量 （册） ") == "数量"
    assert header_key("ISBN (13 digits)") == "isbn"
    assert header_key("（备注）") == "(备注)"  # a bare note is kept rather than emptied
    assert header_key("*书名*") == "书名"


def test_missing_title_column(tmp_path: Path) -> None:
    path = write(tmp_path, "no-title.csv", "\n作者,ISBN\n刘慈欣,9787536692930\n")
    err = fails(Invalid, M.IMPORT_NO_TITLE, lambda: read_table(path), path)
    assert err.fields["row"] == 2
    assert err.fields["found"] == "作者 / ISBN"
    for spelling in FIELDS["title"]:
        assert spelling in str(err)


def test_a_title_line_above_the_header_is_not_guessed_past(tmp_path: Path) -> None:
    path = write(tmp_path, "titled.csv", "2024年楼道图书角书目,,\n书名,作者,\n三体,刘慈欣,\n")
    err = fails(Invalid, M.IMPORT_NO_TITLE, lambda: read_table(path), path)
    assert err.fields["row"] == 1
    assert err.fields["found"] == "2024年楼道图书角书目"


def test_duplicate_columns(tmp_path: Path) -> None:
    path = write(tmp_path, "dup.csv", "书名,作者,Title\n三体,刘慈欣,Three Body\n")
    err = fails(Invalid, M.IMPORT_DUPLICATE_COLUMN, lambda: read_table(path), path)
    assert err.fields == {"path": str(path), "first": "书名", "second": "Title", "field": "title"}
    other = write(tmp_path, "dup2.csv", "书名,备注,notes\n")
    fails(Invalid, M.IMPORT_DUPLICATE_COLUMN, lambda: read_table(other), other)


def test_repeated_unknown_headers_are_reported_once(tmp_path: Path) -> None:
    path = write(tmp_path, "unknown.csv", "书名,价格,价格,, 价格 \n三体,23,24,,25\n")
    assert read_table(path) == ParsedTable(
        rows=[row(2, title="三体")],
        columns={"title": "书名"},
        unknown_columns=["价格"],
        encoding="utf-8",
    )


# ---------------------------------------------------------------------- CSV records


def test_quoted_commas_multiline_field_and_line_numbers(tmp_path: Path) -> None:
    text = (
        "书名,作者,备注\r\n"  # row 1
        '"红楼梦（上, 下）",曹雪芹,"有函套,九成新"\r\n'  # row 2
        '西游记,吴承恩,"第一行\r\n'  # row 3, over three text lines
        "第二行\n"
        '第三行"\r\n'
        ",坏行没有书名,\r\n"  # row 4
        "\r\n"  # row 5, blank
        ",, \u3000\r\n"  # row 6, blank cells only
        '"","",""\r\n'  # row 7, blank quoted cells
        "水浒传,施耐庵,\r\n"  # row 8
    )
    path = write(tmp_path, "quoted.csv", text)
    assert read_table(path) == ParsedTable(
        rows=[
            row(2, title="红楼梦（上, 下）", author="曹雪芹", note="有函套,九成新"),
            row(3, title="西游记", author="吴承恩", note="第一行 第二行 第三行"),
            row(4, title="", author="坏行没有书名", note=""),
            row(8, title="水浒传", author="施耐庵", note=""),
        ],
        columns={"title": "书名", "author": "作者", "note": "备注"},
        unknown_columns=[],
        encoding="utf-8",
    )


def test_blank_lines_before_header_and_ragged_rows(tmp_path: Path) -> None:
    text = "\n\n , \n书名,作者,分类\n三体\n球状闪电,刘慈欣,科幻,多余,也多余\n\n"
    path = write(tmp_path, "ragged.csv", text)
    assert read_table(path) == ParsedTable(
        rows=[
            row(5, title="三体", author="", category=""),
            row(6, title="球状闪电", author="刘慈欣", category="科幻"),
        ],
        columns={"title": "书名", "author": "作者", "category": "分类"},
        unknown_columns=[],
        encoding="utf-8",
    )


def test_cells_are_cleaned_but_chinese_punctuation_is_kept(tmp_path: Path) -> None:
    text = (
        "书名,作者,备注\n"
        "\u3000 三体\u3000\u3000Ⅱ ,刘\x00慈欣\x07, 「黑暗森林」：第二部！\t\u00a0（全新） \n"
    )
    path = write(tmp_path, "spaces.csv", text)
    assert read_table(path) == ParsedTable(
        rows=[row(2, title="三体 Ⅱ", author="刘慈欣", note="「黑暗森林」：第二部！ （全新）")],
        columns={"title": "书名", "author": "作者", "note": "备注"},
        unknown_columns=[],
        encoding="utf-8",
    )


@pytest.mark.parametrize(
    ("name", "delimiter"), [("tabs.tsv", "\t"), ("tabs.txt", "\t"), ("semi.csv", ";")]
)
def test_tab_and_semicolon_separated(tmp_path: Path, name: str, delimiter: str) -> None:
    lines = [["书名", "作者", "备注"], ["三体, 第一部", "刘慈欣", "a;b\tc"]]
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter).writerows(lines)
    path = write(tmp_path, name, buffer.getvalue(), "gbk")
    assert read_table(path) == ParsedTable(
        rows=[row(2, title="三体, 第一部", author="刘慈欣", note="a;b c")],
        columns={"title": "书名", "author": "作者", "note": "备注"},
        unknown_columns=[],
        encoding="gb18030",
    )


def test_comma_wins_a_tie(tmp_path: Path) -> None:
    path = write(tmp_path, "one.csv", "书名\n三体;刘慈欣,科幻\n")
    assert read_table(path) == ParsedTable(
        rows=[row(2, title="三体;刘慈欣")],
        columns={"title": "书名"},
        unknown_columns=[],
        encoding="utf-8",
    )


@pytest.mark.parametrize("payload", [b"", b"\xef\xbb\xbf", b"\r\n\n  \n", b",,,\n\t\n"])
def test_empty_file(tmp_path: Path, payload: bytes) -> None:
    path = write(tmp_path, "empty.csv", payload)
    fails(Invalid, M.IMPORT_EMPTY_FILE, lambda: read_table(path), path)


def test_only_a_header(tmp_path: Path) -> None:
    path = write(tmp_path, "header.csv", "书名,作者,价格\r\n\r\n", "utf-8-sig")
    assert read_table(path) == ParsedTable(
        rows=[],
        columns={"title": "书名", "author": "作者"},
        unknown_columns=["价格"],
        encoding="utf-8-sig",
    )


# ---------------------------------------------------------------------------- files


@pytest.mark.parametrize("name", ["books.xls", "books.et", "books.docx", "books", "books.json"])
def test_wrong_suffix(tmp_path: Path, name: str) -> None:
    path = write(tmp_path, name, "书名\n三体\n")
    fails(Invalid, M.IMPORT_BAD_SUFFIX, lambda: read_table(path), path)


def test_suffix_is_case_insensitive(tmp_path: Path) -> None:
    path = write(tmp_path, "BOOKS.CSV", "书名\n三体\n")
    assert read_table(path).rows == [row(2, title="三体")]


@pytest.mark.parametrize("name", ["missing.csv", "missing.xlsx"])
def test_missing_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    fails(NotFound, M.IMPORT_FILE_MISSING, lambda: read_table(path), path)


def test_folder_instead_of_file(tmp_path: Path) -> None:
    path = tmp_path / "folder.csv"
    path.mkdir()
    fails(Invalid, M.IMPORT_NOT_A_FILE, lambda: read_table(path), path)


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path, "locked.csv", "书名\n三体\n")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    err = fails(Invalid, M.IMPORT_UNREADABLE, lambda: read_table(path), path)
    assert "Permission denied" in str(err)


# ----------------------------------------------------------------------------- xlsx


def test_xlsx_numbers_dates_and_row_numbers(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "books.xlsx",
        {
            (2, 1): "\u3000书名 ",
            (2, 2): "ISBN",
            (2, 3): "数量",
            (2, 4): "备注",
            (2, 5): "单价（元）",
            (3, 1): "红楼梦",
            (3, 2): 9787020002207,
            (3, 3): 3.0,
            (3, 4): date(2024, 3, 1),
            (3, 5): 59.7,
            (5, 1): "三体\u3000\u3000全集",
            (5, 2): 9787536692930.0,
            (5, 3): 2,
            (5, 4): datetime(2024, 3, 1, 14, 30),
            (5, 5): 1e-05,
            (6, 1): "   ",
            (7, 1): "活着",
            (7, 4): True,
            (7, 6): "多出的一格",
        },
    )
    assert read_table(path) == ParsedTable(
        rows=[
            row(3, title="红楼梦", isbn="9787020002207", copies="3", note="2024-03-01"),
            row(5, title="三体 全集", isbn="9787536692930", copies="2", note="2024-03-01 14:30:00"),
            row(7, title="活着", isbn="", copies="", note="TRUE"),
        ],
        columns={"title": "书名", "isbn": "ISBN", "copies": "数量", "note": "备注"},
        unknown_columns=["单价（元）"],
        encoding="xlsx",
        sheet="Sheet",
        sheets=1,
    )


def test_xlsx_only_a_header_and_empty_sheet(tmp_path: Path) -> None:
    header = xlsx(tmp_path / "header.xlsx", {(1, 1): "Title", (1, 2): "Author"})
    assert parse_xlsx(header) == ParsedTable(
        rows=[],
        columns={"title": "Title", "author": "Author"},
        unknown_columns=[],
        encoding="xlsx",
        sheet="Sheet",
        sheets=1,
    )
    empty = xlsx(tmp_path / "empty.xlsx", {})
    fails(Invalid, M.IMPORT_EMPTY_FILE, lambda: read_table(empty), empty)


def test_xlsx_without_title(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "no-title.xlsx", {(1, 1): "作者", (1, 2): 2024})
    err = fails(Invalid, M.IMPORT_NO_TITLE, lambda: read_table(path), path)
    assert err.fields["found"] == "作者 / 2024"


def test_corrupt_xlsx(tmp_path: Path) -> None:
    noise = write(tmp_path, "noise.xlsx", bytes(range(256)) * 40)
    fails(Invalid, M.IMPORT_BAD_XLSX, lambda: read_table(noise), noise)
    empty = write(tmp_path, "empty.xlsx", b"")
    fails(Invalid, M.IMPORT_BAD_XLSX, lambda: read_table(empty), empty)
    text = write(tmp_path, "text.xlsx", "书名\n三体\n")
    fails(Invalid, M.IMPORT_BAD_XLSX, lambda: read_table(text), text)
    other_zip = tmp_path / "other.xlsx"
    with zipfile.ZipFile(other_zip, "w") as archive:
        archive.writestr("hello.txt", "not a workbook")
    fails(Invalid, M.IMPORT_BAD_XLSX, lambda: read_table(other_zip), other_zip)
    password = write(tmp_path, "password.xlsx", importing._OLE2_MAGIC + bytes(600))
    fails(Invalid, M.IMPORT_OLD_EXCEL, lambda: read_table(password), password)


def test_xlsx_with_a_damaged_sheet(tmp_path: Path) -> None:
    good = xlsx(tmp_path / "good.xlsx", {(1, 1): "书名", (2, 1): "三体"})
    bad = tmp_path / "bad.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]  # cut the XML off mid-way
            target.writestr(info, data)
    fails(Invalid, M.IMPORT_BAD_XLSX, lambda: read_table(bad), bad)


def test_xlsx_with_a_wrong_recorded_size_is_read_in_full(tmp_path: Path) -> None:
    good = xlsx(tmp_path / "good.xlsx", {(1, 1): "书名", (2, 1): "三体", (3, 1): "活着"})
    fibbing = tmp_path / "fibbing.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(fibbing, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A2"', data)
                assert n == 1
            target.writestr(info, data)
    assert read_table(fibbing) == ParsedTable(
        rows=[row(2, title="三体"), row(3, title="活着")],
        columns={"title": "书名"},
        unknown_columns=[],
        encoding="xlsx",
        sheet="Sheet",
        sheets=1,
    )


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (None, ""),
        ("  as is ", "  as is "),
        (9787020002207, "9787020002207"),
        (9787020002207.0, "9787020002207"),
        (3.0, "3"),
        (-0.0, "0"),
        (1e20, "100000000000000000000"),
        (12.5, "12.5"),
        (1e-05, "0.00001"),
        (True, "TRUE"),
        (False, "FALSE"),
        (datetime(2024, 3, 1), "2024-03-01"),
        (datetime(2024, 3, 1, 8, 5, 9), "2024-03-01 08:05:09"),
        (date(2024, 3, 1), "2024-03-01"),
        (time(8, 30), "08:30:00"),
        (timedelta(hours=1, minutes=30), "1:30:00"),
        (float("nan"), "nan"),
    ],
)
def test_cell_text(value: object, text: str) -> None:
    assert cell_text(value) == text


# --------------------------------------------------------------------------- limits


def test_file_over_50_mb(tmp_path: Path) -> None:
    for name in ("big.csv", "big.xlsx"):
        big = tmp_path / name
        with big.open("wb") as handle:
            handle.truncate(importing.MAX_BYTES + 1)  # sparse: nothing is written
        err = fails(Invalid, M.IMPORT_TOO_BIG, functools.partial(read_table, big), big)
        assert err.fields["limit"] == 50
        assert "50 MB" in str(err)
    payload = b"title\n" + b"x" * importing.MAX_BYTES
    fails(Invalid, M.IMPORT_TOO_BIG, lambda: parse_csv_bytes(payload), "<CSV>")


def test_more_than_200000_rows(tmp_path: Path) -> None:
    assert importing.MAX_ROWS == 200_000
    body = "".join(f"书{n}\n" for n in range(200_000))
    path = write(tmp_path, "many.csv", "书名\n" + body)
    table = read_table(path)
    assert len(table.rows) == 200_000
    assert table.rows[-1] == row(200_001, title="书199999")
    path = write(tmp_path, "too-many.csv", "书名\n" + body + "\n\n最后一本\n")
    err = fails(Invalid, M.IMPORT_TOO_MANY_ROWS, lambda: read_table(path), path)
    assert "200,000" in str(err)


def test_row_limit_counts_data_rows_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importing, "MAX_ROWS", 2)
    path = write(tmp_path, "three.csv", "\n书名\n\n一\n\n二\n\n")
    assert [r.row for r in read_table(path).rows] == [4, 6]
    path = write(tmp_path, "three.csv", "书名\n一\n二\n三\n")
    fails(Invalid, M.IMPORT_TOO_MANY_ROWS, lambda: read_table(path), path)
    book = xlsx(tmp_path / "three.xlsx", {(1, 1): "书名", (2, 1): "一", (3, 1): "二", (4, 1): "三"})
    fails(Invalid, M.IMPORT_TOO_MANY_ROWS, lambda: read_table(book), book)


def test_field_of_10000_characters(tmp_path: Path) -> None:
    fine = write(tmp_path, "fine.csv", "书名,备注\n三体," + "注" * 10_000 + "\n")
    assert read_table(fine).rows[0].values["note"] == "注" * 10_000
    long = write(tmp_path, "long.csv", "书名,备注\n三体,ok\n活着," + "注" * 10_001 + "\n")
    err = fails(Invalid, M.IMPORT_FIELD_TOO_LONG, lambda: read_table(long), long)
    assert err.fields["row"] == 3
    assert "10000" in str(err)


def test_field_beyond_the_csv_modules_own_limit(tmp_path: Path) -> None:
    before = csv.field_size_limit()
    path = write(tmp_path, "huge.csv", 'title,note\nA,ok\nB,"' + "长" * 200_000 + '"\n')
    err = fails(Invalid, M.IMPORT_FIELD_TOO_LONG, lambda: read_table(path), path)
    assert err.fields["row"] == 3
    assert csv.field_size_limit() == before
    # an unmatched quote swallows the rest of the file into one huge field
    path = write(tmp_path, "quote.csv", 'title,note\nA,"oops\n' + "B,b\n" * 60_000)
    err = fails(Invalid, M.IMPORT_UNCLOSED_QUOTE, lambda: read_table(path), path)
    assert err.fields["row"] == 2
    assert csv.field_size_limit() == before


def test_long_field_in_xlsx(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "long.xlsx", {(1, 1): "书名", (2, 1): "三", (3, 1): "长" * 10_001})
    err = fails(Invalid, M.IMPORT_FIELD_TOO_LONG, lambda: read_table(path), path)
    assert err.fields["row"] == 3


# ------------------------------------------------------------------------- messages


def _placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_messages_have_both_languages_with_the_same_fields() -> None:
    used = set(re.findall(r"M\.(IMPORT_[A-Z0-9_]+)", Path(importing.__file__).read_text("utf-8")))
    assert len(used) >= 15
    for key in sorted(used):
        msg = getattr(M, key)
        assert isinstance(msg, Msg), key
        assert msg.zh and msg.en and msg.zh != msg.en, key
        assert _placeholders(msg.zh) == _placeholders(msg.en), key
        assert "path" in _placeholders(msg.en), key  # every reading error names the file


# ----------------------------------------------------------------------- properties

_CELL_CHARS = st.one_of(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Cf")),
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),
    st.sampled_from(list(",;\"'\n\r\t \u3000，。；“”「」")),
)
_CELL = st.text(_CELL_CHARS, max_size=12)


@st.composite
def _tables(draw: st.DrawFn) -> tuple[list[str], list[str], list[list[str]]]:
    others = draw(st.lists(st.sampled_from(sorted(set(FIELDS) - {"title"})), unique=True))
    fields = draw(st.permutations(["title", *others]))
    header = [draw(st.sampled_from(FIELDS[f])) for f in fields]
    rows = draw(st.lists(st.lists(_CELL, min_size=len(fields), max_size=len(fields)), max_size=8))
    return fields, header, rows


@settings(max_examples=300, deadline=None)
@given(_tables(), st.sampled_from(["utf-8", "utf-8-sig", "gb18030"]))
def test_written_csv_reads_back_cleaned(
    table: tuple[list[str], list[str], list[list[str]]], encoding: str
) -> None:
    fields, header, rows = table
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    expected_rows: list[SourceRow] = []
    assume(not any(importing._swallowed(cells, ",", len(fields)) for cells in rows))
    for line, cells in enumerate(rows, 2):  # one spreadsheet row per record
        writer.writerow(cells)
        cleaned = [" ".join(cell.split()) for cell in cells]
        if any(cleaned):
            expected_rows.append(
                SourceRow(row=line, values=dict(zip(fields, cleaned, strict=True)))
            )
    text = buffer.getvalue()
    payload = text.encode(encoding)
    expected_encoding = encoding
    if encoding == "gb18030":
        assume(payload.decode("gb18030") == text)
        try:
            as_utf8 = payload.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:  # pure ASCII: GB18030 and UTF-8 bytes are the same
            assume(as_utf8 == text)
            expected_encoding = "utf-8"
    assert parse_csv_bytes(payload) == ParsedTable(
        rows=expected_rows,
        columns=dict(zip(fields, header, strict=True)),
        unknown_columns=[],
        encoding=expected_encoding,
    )


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.binary(max_size=400), st.binary(max_size=400).map(lambda b: b"title,x\n" + b)))
def test_random_bytes_raise_only_lou_errors(payload: bytes) -> None:
    try:
        table = parse_csv_bytes(payload)
    except LouError as err:
        assert "<CSV>" in str(err)
    else:
        assert "title" in table.columns
        assert all(set(r.values) == set(table.columns) for r in table.rows)


@settings(max_examples=60, deadline=None)
@given(st.binary(max_size=600), st.sampled_from(["x.xlsx", "x.csv", "x.tsv"]))
def test_random_files_raise_only_lou_errors(payload: bytes, name: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / name
        path.write_bytes(payload)
        try:
            read_table(path)
        except LouError as err:
            assert str(path) in str(err)


@given(st.text())
def test_clean_cell_is_tidy_and_idempotent(value: str) -> None:
    cleaned = clean_cell(value)
    assert clean_cell(cleaned) == cleaned
    assert cleaned == cleaned.strip()
    assert "  " not in cleaned
    assert not any(ch.isspace() and ch != " " for ch in cleaned)
    assert not any(ord(ch) < 32 or 0x7F <= ord(ch) <= 0x9F for ch in cleaned)


# ------------------------------------------------- files that went wrong silently


def test_header_width_is_bounded_and_unknown_headers_are_linear(tmp_path: Path) -> None:
    widest = ["书名", *(f"列{n}" for n in range(importing.MAX_COLUMNS - 1))]
    path = write(tmp_path, "wide.csv", ",".join(widest) + "\n三体\n")
    table = read_table(path)
    assert len(table.unknown_columns) == importing.MAX_COLUMNS - 1
    assert table.rows == [row(2, title="三体")]
    path = write(tmp_path, "wider.csv", ",".join([*widest, "多一列"]) + "\n三体\n")
    err = fails(Invalid, M.IMPORT_TOO_MANY_COLUMNS, lambda: read_table(path), path)
    assert err.fields["n"] == "1,001"
    # trailing empty cells (Excel writes them for formatted columns) do not count
    path = write(tmp_path, "commas.csv", "书名" + "," * 5000 + "\n三体\n")
    assert read_table(path).rows == [row(2, title="三体")]


def test_xlsx_cells_far_right_of_the_header_are_not_read(tmp_path: Path) -> None:
    path = xlsx(tmp_path / "stray.xlsx", {(1, 1): "书名", (2, 1): "三体", (3, 16000): "x"})
    assert read_table(path).rows == [row(2, title="三体")]


def test_xlsx_merges_fill_down_only(tmp_path: Path) -> None:
    from openpyxl import load_workbook

    path = xlsx(
        tmp_path / "merges.xlsx",
        {(1, 1): "书名", (1, 2): "作者", (1, 3): "备注", (2, 1): "三体", (2, 2): "刘慈欣",
         (3, 1): "球状闪电", (4, 1): "活着", (4, 3): "余华签名本"},
    )  # fmt: skip
    workbook = load_workbook(path)
    sheet = workbook.active
    assert sheet is not None
    sheet.merge_cells("B2:B3")  # one author for two rows
    sheet.merge_cells("A4:B4")  # a title across two columns: not an author
    workbook.save(path)
    assert read_table(path).rows == [
        row(2, title="三体", author="刘慈欣", note=""),
        row(3, title="球状闪电", author="刘慈欣", note=""),
        row(4, title="活着", author="", note="余华签名本"),
    ]


def test_a_repeated_header_is_skipped_in_xlsx_too(tmp_path: Path) -> None:
    path = xlsx(
        tmp_path / "twice.xlsx",
        {(1, 1): "书名", (1, 2): "作者", (2, 1): "三体", (3, 1): "Title", (3, 2): "Author",
         (4, 1): "活着"},
    )  # fmt: skip
    table = read_table(path)
    assert table.rows == [row(2, title="三体", author=""), row(4, title="活着", author="")]
    assert table.repeated_headers == [3]


def test_a_cell_over_many_lines_is_taken_for_an_open_quote(tmp_path: Path) -> None:
    note = "\n".join(f"第{n}行" for n in range(importing.MAX_CELL_LINES))
    fine = write(tmp_path, "fine.csv", f'书名,备注\n三体,"{note}"\n')
    assert read_table(fine).rows[0].values["note"] == note.replace("\n", " ")
    path = write(tmp_path, "open.csv", f'书名,备注\n三体,"{note}\n多一行"\n')
    err = fails(Invalid, M.IMPORT_UNCLOSED_QUOTE, lambda: read_table(path), path)
    assert err.fields == {"path": str(path), "row": 2, "lines": importing.MAX_CELL_LINES + 1}
