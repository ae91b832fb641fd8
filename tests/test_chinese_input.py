"""Input the way Chinese users write it (issue 19): Chinese words for choices, lists with
、 and ，, dates such as 2026年12月5日, sites by name or pinyin, LOU_LANG=cn, full-width text."""

from __future__ import annotations

import unicodedata
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lou_library.catalogue import isbn13, normalise_isbn, same_isbn, zero_restored
from lou_library.schedule import parse_date
from lou_library.text import split_list
from tests.conftest import Lou
from tests.test_labels import labels


def test_chinese_words_for_every_choice(small: Lou) -> None:
    site = small.json("site", "add", "东风里", "--kind", "楼院")
    assert site["kind"] == "yard"
    assert small.json("site", "edit", site["code"], "--kind", "小区")["kind"] == "compound"
    person = small.json("volunteer", "add", "赵六", "--role", "管理员", "--site", "SHY")
    assert person["role"] == "administrator"
    assert small.json("volunteer", "edit", person["code"], "--role", "成员")["role"] == "member"
    small.ok("box", "edit", "SHY-02", "--status", "维修中")
    repairs = small.json("box", "list", "--status", "维修中")
    assert [b["code"] for b in repairs["boxes"]] == ["SHY-02"]
    in_boxes = small.json("book", "list", "--status", "在箱")
    assert {b["code"] for b in in_boxes["books"]} == {"B00001", "B00002", "B00003"}
    # English values still work, in any case, and full-width letters too
    assert small.json("site", "add", "西风里", "--kind", "ＹＡＲＤ")["kind"] == "yard"


def test_a_wrong_choice_names_the_chinese_words_too(small: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    run = small("site", "add", "东风里", "--kind", "大院", env={"COLUMNS": "200"})
    assert run.exit_code == 2
    assert "'大院' is not one of 'compound' (小区), 'yard' (楼院)." in run.stderr
    run = small("--lang", "zh", "site", "add", "东风里", "--kind", "大院", env={"COLUMNS": "200"})
    assert "'大院' 不是 'compound' (小区), 'yard' (楼院) 之一。" in run.stderr
    assert db_path.read_bytes() == before
    # Someone typing English in the English interface is shown no Chinese words
    wide = {"COLUMNS": "200"}
    run = small("report", "inventory", "--format", "excl", env=wide)
    assert (
        "'excl' is not one of 'table', 'csv', 'json', 'xlsx' (excel), 'md' (markdown), 'html'."
        in run.stderr
    )
    assert "'bx' is not one of 'compound', 'yard'." in small("site", "add", "X", "--kind", "bx",
                                                             env=wide).stderr  # fmt: skip
    zh = small("--lang", "zh", "report", "inventory", "--format", "excl", env=wide).stderr
    assert "'table' (屏幕)" in zh


def test_the_help_names_both_words(lou: Lou) -> None:
    wide = {"COLUMNS": "300"}
    assert "compound (小区) or yard (楼院)" in lou.ok("site", "add", "--help", env=wide).stdout
    zh = lou.ok("--lang", "zh", "volunteer", "add", "--help", env=wide).stdout
    assert "管理员（administrator，文化管理员）或 成员（member）" in zh
    en = lou.ok("book", "list", "--help", env=wide).stdout
    assert "lost (遗失)" in en


def test_lou_lang_takes_what_people_write(lou: Lou) -> None:
    lou.ok("init")
    for value in ("cn", "中文", "zh_CN", "zh_CN.UTF-8", "CN", "chinese"):
        run = lou.ok("site", "list", env={"LOU_LANG": value})
        assert "编号" in run.stdout, value
        assert run.stderr == ""
    for value in ("中文", "cn", "zh_CN.UTF-8"):
        assert "编号" in lou.ok("--lang", value, "site", "list").stdout, value
    assert "Code" in lou.ok("--lang", "英文", "site", "list", env={"LOU_LANG": "zh"}).stdout
    run = lou.ok("site", "list", env={"LOU_LANG": "klingon"})
    assert "Code" in run.stdout
    assert run.stderr == (
        "! LOU_LANG=klingon is not a language lou has (use zh, 中文, cn or en); "
        "following the locale.\n"
    )


def test_lists_take_every_separator_people_type(ring: Lou, tmp_path: Path) -> None:
    ring.ok("rotate", "apply")
    run = ring.ok("task", "done", "1", "--missing", "B00005、B00006")
    assert run.stderr == "✓ Task 1 done, thank you! Not seen: 2.\n"
    assert ring.json("task", "show", "1")["missing"] == ["B00005", "B00006"]
    target = tmp_path / "labels.html"
    ring.ok("labels", "books", "-o", str(target), "--only", "B00001、B00002；B00003;B00004 B00005")
    assert labels(target) == ["B00001", "B00002", "B00003", "B00004", "B00005"]
    person = ring.json("volunteer", "add", "赵六", "--site", "SHY,GDJ")
    assert person["sites"] == ["SHY", "GDJ"]
    for typed in ("SHY、GDJ", "SHY，GDJ", "SHY；GDJ", "SHY GDJ", "尚和园、供电局家属院"):
        assert ring.json("volunteer", "edit", person["code"], "--site", typed)["sites"] == [
            "SHY",
            "GDJ",
        ], typed


def test_sites_by_name_and_pinyin_everywhere(ring: Lou, db_path: Path) -> None:
    boxes = ring.json("box", "list", "--site", "尚和园")["boxes"]
    assert [b["code"] for b in boxes] == ["SHY-01", "SHY-02"]
    for typed in ("shy", "尚和园", "shangheyuan", "gdjjsy", "供电局家属院", "ＳＨＹ"):
        assert ring.json("box", "list", "--site", typed)["total"] >= 1, typed
    box = ring.json("box", "add", "--site", "供电局家属院", "--building", "2栋", "--unit", "1单元")
    assert box["code"] == "GDJ-02"
    assert ring.json("site", "show", "尚和园")["code"] == "SHY"
    books = ring.json("book", "list", "--site", "shy")["books"]
    assert {b["box"] for b in books} == {"SHY-01", "SHY-02"}
    people = ring.json("volunteer", "list", "--site", "尚和园")["volunteers"]
    assert [p["name"] for p in people] == ["王秀兰"]
    assert (
        ring.ok("report", "missing", "--site", "尚和园").stdout
        == ring.ok("report", "missing", "--site", "SHY").stdout
    )
    before = db_path.read_bytes()
    run = ring("box", "add", "--site", "尚和", "--building", "2栋", "--unit", "1单元")
    assert (run.exit_code, run.stderr) == (1, "✗ No site 尚和. Did you mean 尚和园?\n")
    run = ring("--lang", "zh", "box", "list", "--site", "shg")
    assert (run.exit_code, run.stderr) == (1, "✗ 没有片区 shg。您是不是要找 SHY？\n")
    assert db_path.read_bytes() == before


DEC_5 = ("2026/12/5", "2026-12-5", "2026年12月5日", "12月5日", "２０２６－１２－０５", "１２月５号")


@pytest.mark.parametrize("typed", DEC_5)
def test_dates_as_people_write_them_mean_one_day(ring: Lou, typed: str) -> None:
    plan = ring.json("rotate", "plan", "--date", typed)
    assert plan["date"] == "2026-12-05"
    run = ring.ok("volunteer", "away", "王秀兰", "--from", typed, "--to", "２０２６年１２月１９日")
    assert run.stderr == "✓ Noted: 王秀兰 is away from 2026-12-05 to 2026-12-19.\n"


def test_a_month_and_day_already_past_is_next_year(ring: Lou) -> None:
    # the clock says 2026-11-24: 11月24日 is today, 11月23日 is next year's
    assert ring.json("rotate", "plan", "--date", "11月24日")["date"] == "2026-11-24"
    run = ring.ok("volunteer", "away", "王秀兰", "--from", "11月23日", "--to", "2027/12/1")
    assert run.stderr == "✓ Noted: 王秀兰 is away from 2027-11-23 to 2027-12-01.\n"


def test_dates_that_are_not_dates_are_refused(ring: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    run = ring("volunteer", "away", "王秀兰", "--from", "2026年2月30日", "--to", "2026-3-5")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ --from: '2026年2月30日' is not a date; "
        "write it as 2026-12-05, 2026/12/5, 2026年12月5日 or 12月5日.\n",
    )
    run = ring("--lang", "zh", "rotate", "plan", "--date", "1999/12/5")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ --date 的日期 1999/12/5 超出范围：只接受 2000 年到 2200 年之间的日期。\n",
    )
    assert db_path.read_bytes() == before


def test_full_width_names_are_stored_folded(ring: Lou) -> None:
    box = ring.json("box", "add", "--site", "SHY", "--building", "７号楼", "--unit", "１单元")
    assert (box["building"], box["unit"]) == ("7号楼", "1单元")
    site = ring.json("site", "add", "Ａ区　花园（东）", "--kind", "小区")
    assert site["name"] == "A区 花园（东）"  # full-width brackets of Chinese text stay
    person = ring.json("volunteer", "add", "Ｌｉｓａ 王", "--site", "SHY")
    assert person["name"] == "Lisa 王"
    book = ring.json("book", "add", "--title", "１９８４", "--author", "奥威尔")
    assert book["books"][0]["title"] == "1984"


@settings(max_examples=200, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2200, 12, 31)))
def test_every_written_form_of_a_date_reads_back_as_that_date(day: date) -> None:
    y, m, d = day.year, day.month, day.day
    forms = [f"{y}-{m}-{d}", f"{y}/{m}/{d}", f"{y}.{m:02}.{d}", f"{y}年{m}月{d}日", day.isoformat()]
    for form in forms + [unicodedata.normalize("NFKC", f).translate(_WIDE) for f in forms]:
        assert parse_date(form) == day, form


_WIDE = {code: code + 0xFEE0 for code in range(0x21, 0x7F)}  # ASCII -> full-width forms


@given(
    st.lists(st.from_regex(r"B[0-9]{5}", fullmatch=True), min_size=1, max_size=6),
    st.lists(st.sampled_from([",", "，", "、", ";", "；", " ", " 、 ", "\u3000"]), min_size=6),
)
def test_any_separators_split_a_list_into_its_items(codes: list[str], seps: list[str]) -> None:
    typed = "".join(code + sep for code, sep in zip(codes, seps, strict=False))
    assert split_list([typed]) == codes


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_an_eaten_zero_comes_back_only_when_the_check_digit_says_so(digits: str) -> None:
    body = "0" + digits[:8]
    check = sum((10 - i) * int(ch) for i, ch in enumerate(body)) * 10 % 11  # makes total % 11 == 0
    if check == 10:
        return  # the check "digit" would be X; covered by the X case in the CLI test
    isbn10 = body + str(check)
    assert zero_restored(isbn10[1:]) == isbn10
    assert normalise_isbn(isbn13(isbn10)) == isbn13(isbn10) and same_isbn(isbn10, isbn13(isbn10))
    wrong = isbn10[1:-1] + str((check + 1) % 10)
    assert zero_restored(wrong) == wrong


def test_an_import_takes_the_site_by_its_name(small: Lou, tmp_path: Path) -> None:
    exported = tmp_path / "books.csv"
    small.ok("book", "export", str(exported))
    text = exported.read_text(encoding="utf-8-sig")
    assert ",SHY," in text and ",GDJ," in text
    named = tmp_path / "named.csv"
    named.write_text(text.replace(",SHY,", ",尚和园,").replace(",GDJ,", ",供电局家属院,"), "utf-8")
    run = small.ok("book", "import", str(named))
    assert run.stderr == (
        "Nothing to change: all 4 rows match the catalogue; the database is unchanged.\n"
    )


def test_a_pinyin_that_fits_two_sites_asks_for_the_code(ring: Lou, db_path: Path) -> None:
    ring.ok("site", "add", "上河园", "--kind", "小区", "--code", "SHE")
    before = db_path.read_bytes()
    run = ring("box", "list", "--site", "shangheyuan")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ 'shangheyuan' matches more than one site: SHY 尚和园, SHE 上河园. Use the code instead.\n",
    )
    run = ring("--lang", "zh", "box", "list", "--site", "shangheyuan")
    assert run.stderr == "✗ “shangheyuan”对应不止一个片区：SHY 尚和园, SHE 上河园。请改用编号。\n"
    assert ring.json("box", "list", "--site", "上河园")["total"] == 0  # the name is exact
    assert db_path.read_bytes() == before


def test_the_unsafe_characters_are_the_controls_but_tab_and_newline_and_the_bidi_ones() -> None:
    """What ``clean`` drops and ``db check`` reports, checked against Unicode's own
    categories for every code point (the rule is one regular expression)."""
    import sys
    import unicodedata

    from lou_library.text import BIDI_CONTROLS, unsafe_chars

    def unsafe(ch: str) -> bool:
        return ch in BIDI_CONTROLS or (ch not in "\t\n" and unicodedata.category(ch) == "Cc")

    everything = "".join(map(chr, range(sys.maxunicode + 1)))
    assert unsafe_chars(everything) == "".join(filter(unsafe, everything))
    assert unsafe_chars("红楼梦\t第\n一回\u202e\x00") == "\u202e\x00"


def test_full_width_digits_in_an_imported_copies_column(small: Lou, tmp_path: Path) -> None:
    """A Chinese keyboard types ３ as readily as 3: an import's copies read both, as
    --copies ２ does (found by a newcomer's trial: the row was refused, '３' looking right)."""
    sheet = tmp_path / "books.csv"
    sheet.write_text("书名,数量\n活着,３\n围城,１２\n", encoding="utf-8")
    preview = small.json("book", "import", str(sheet), "--dry-run")
    assert preview["books"] == 15
