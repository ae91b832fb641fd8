"""Sites, boxes, books and volunteers, as a manager keeps them week to week."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lou_library import records
from lou_library.catalogue import normalise_isbn
from lou_library.errors import Invalid
from lou_library.tinyrepo import TinyRepository
from tests.conftest import Lou


def test_book_list_table_in_english(small: Lou) -> None:
    assert small.ok("book", "list").stdout == (
        "┏━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━━━━━┓\n"
        "┃ Code   ┃ Title        ┃ Author ┃ Category        ┃ Place  ┃ Status       ┃\n"
        "┡━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━━━━━┩\n"
        "│ B00001 │ 十万个为什么 │ 韩启德 │ Popular science │ SHY-01 │ in a box     │\n"
        "│ B00002 │ 十万个为什么 │ 韩启德 │ Popular science │ SHY-01 │ in a box     │\n"
        "│ B00003 │ 上下五千年   │ 林汉达 │ History         │ GDJ-01 │ in a box     │\n"
        "│ B00004 │ 杜甫诗选     │ 杜甫   │ Other           │ depot  │ in the depot │\n"
        "└────────┴──────────────┴────────┴─────────────────┴────────┴──────────────┘\n"
        "                                  1–4 of 4                                  \n"
    )


def test_book_list_table_in_chinese(small: Lou) -> None:
    assert small.ok("--lang", "zh", "book", "list", "--site", "SHY").stdout == (
        "┏━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━┳━━━━━━┳━━━━━━━━┳━━━━━━┓\n"
        "┃ 编号   ┃ 书名         ┃ 作者   ┃ 分类 ┃ 位置   ┃ 状态 ┃\n"
        "┡━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━╇━━━━━━╇━━━━━━━━╇━━━━━━┩\n"
        "│ B00001 │ 十万个为什么 │ 韩启德 │ 科普 │ SHY-01 │ 在箱 │\n"
        "│ B00002 │ 十万个为什么 │ 韩启德 │ 科普 │ SHY-01 │ 在箱 │\n"
        "└────────┴──────────────┴────────┴──────┴────────┴──────┘\n"
        "                   第 1–2 条，共 2 条                    \n"
    )


def test_site_list_json(small: Lou) -> None:
    assert small.json("site", "list") == {
        "sites": [
            {"code": "DEPOT", "name": "社区图书室", "kind": "depot", "status": "active",
             "note": "", "boxes": 0, "books": 1, "volunteers": 0},
            {"code": "SHY", "name": "尚和园", "kind": "compound", "status": "active",
             "note": "", "boxes": 2, "books": 2, "volunteers": 2},
            {"code": "GDJ", "name": "供电局家属院", "kind": "yard", "status": "active",
             "note": "", "boxes": 1, "books": 1, "volunteers": 1},
        ],
        "total": 3,
    }  # fmt: skip


def test_box_list_json_and_capacity(small: Lou) -> None:
    boxes = small.json("box", "list", "--site", "shy")["boxes"]
    assert boxes == [
        {"code": "SHY-01", "site": "SHY", "building": "3号楼", "unit": "1单元",
         "capacity": 30, "status": "active", "books": 2, "note": ""},
        {"code": "SHY-02", "site": "SHY", "building": "3号楼", "unit": "2单元",
         "capacity": 5, "status": "active", "books": 0, "note": ""},
    ]  # fmt: skip


def test_volunteer_phone_is_masked_unless_asked(small: Lou) -> None:
    masked = small.json("volunteer", "show", "王秀兰")
    assert masked == {
        "code": "V001", "name": "王秀兰", "role": "member", "party_member": True,
        "phone": "138****5678", "sites": ["SHY"], "status": "active", "away": [],
    }  # fmt: skip
    assert small.json("volunteer", "show", "wxl", "--show-contact")["phone"] == "13812345678"
    table = small.ok("volunteer", "list").stdout
    assert "138****5678" in table and "13812345678" not in table


def test_book_json_record_has_the_documented_keys(small: Lou) -> None:
    book = small.json("book", "show", "b00003")
    assert book == {
        "code": "B00003", "title": "上下五千年", "author": "林汉达", "isbn": "",
        "category": "history", "status": "in_box", "box": "GDJ-01", "site": "GDJ",
        "last_box": "GDJ-01", "audience": "general", "condition": "good", "source": "stock",
        "donor": "", "added_on": "2026-11-24", "note": "",
    }  # fmt: skip


def test_find_by_pinyin_initials_full_pinyin_and_characters(small: Lou) -> None:
    for query in ("swgwsm", "shiwange", "十万", "SWG", "hanqide"):
        found = small.json("book", "find", query)
        assert [b["code"] for b in found["books"]] == ["B00001", "B00002"], query
    assert small.json("book", "find", "dfsx")["books"][0]["title"] == "杜甫诗选"


def test_find_sorts_by_pinyin(small: Lou) -> None:
    small.ok("book", "add", "--title", "安徒生童话")
    small.ok("book", "add", "--title", "白鹿原", "--author", "陈忠实")
    titles = [b["title"] for b in small.json("book", "find", "a", "--limit", "100")["books"]]
    # every title with an 'a' in its pinyin, in pinyin order: an, bai, du, shang, shi
    assert titles == [
        "安徒生童话",
        "白鹿原",
        "杜甫诗选",
        "上下五千年",
        "十万个为什么",
        "十万个为什么",
    ]


def test_a_search_reads_each_book_it_lists_once(
    small: Lou, monkeypatch: pytest.MonkeyPatch
) -> None:
    """book find (and a box's listing) shows the records its search read: the page's
    books are not fetched again by key (at 1,000,000 books, 3,960 matches for 红楼)."""
    small.ok("book", "add", "--title", "多册", "--copies", "60", "--box", "SHY-01", "--force")
    expected = [
        small.json("book", "find", "duoce", "--offset", "10", "--limit", "20"),
        small.json("book", "list", "--box", "SHY-01"),
    ]
    fetched: list[str] = []

    def counting(method: Any) -> Any:
        def get_many(self: Any, table: str, keys: Any) -> Any:
            fetched.append(table)
            return method(self, table, keys)

        return get_many

    monkeypatch.setattr(TinyRepository, "get_many", counting(TinyRepository.get_many))
    if small.backend == "postgresql":
        from lou_library.pgrepo import PgRepository

        monkeypatch.setattr(PgRepository, "get_many", counting(PgRepository.get_many))
    assert [
        small.json("book", "find", "duoce", "--offset", "10", "--limit", "20"),
        small.json("book", "list", "--box", "SHY-01"),
    ] == expected
    assert "books" not in fetched
    assert [b["code"] for b in expected[0]["books"]] == [f"B{n:05d}" for n in range(15, 35)]


def test_list_pages(small: Lou) -> None:
    small.ok("book", "add", "--title", "多册", "--copies", "60")
    page = small.json("book", "list")
    assert (len(page["books"]), page["total"], page["limit"]) == (50, 64, 50)
    second = small.json("book", "list", "--offset", "50")
    assert [b["code"] for b in second["books"]][:2] == ["B00051", "B00052"]
    run = small.ok("book", "list")
    assert run.stderr == "More: add --offset 50 for the next page.\n"


def test_unknown_box_suggests_the_nearest(small: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    run = small("book", "add", "--title", "x", "--box", "SHY-10")
    assert (run.exit_code, run.stderr) == (1, "✗ No box SHY-10. Did you mean SHY-01, SHY-02?\n")
    run = small("--lang", "zh", "box", "show", "GDJ-1")
    assert (run.exit_code, run.stderr) == (1, "✗ 没有图书箱 GDJ-1。您是不是要找 GDJ-01？\n")
    assert db_path.read_bytes() == before


def test_a_big_catalogue_suggests_the_codes_one_keystroke_away(
    small: Lou, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past SCANNED records, "did you mean" looks up the codes one keystroke away by key
    instead of weighing every code (a county's 1,000,000 books took 5 s and 230 MB)."""
    run = small("book", "show", "B0003")
    assert run.stderr == "✗ No book B0003. Did you mean B00003, B00001, B00002?\n"
    monkeypatch.setattr(records, "SCANNED", 0)
    for typed, hint in [
        ("B0003", " Did you mean B00003?"),  # a character left out
        ("B000033", " Did you mean B00003?"),  # one too many
        ("B00030", " Did you mean B00003?"),  # two swapped
        ("B00009", " Did you mean B00001, B00002, B00003?"),  # one wrong (the best three)
        ("B09999", ""),
    ]:
        run = small("book", "show", typed)
        assert (run.exit_code, run.stderr) == (1, f"✗ No book {typed}.{hint}\n")
    run = small("--lang", "zh", "box", "show", "GDJ-1")
    assert (run.exit_code, run.stderr) == (1, "✗ 没有图书箱 GDJ-1。您是不是要找 GDJ-01？\n")


def test_duplicates_are_refused(small: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    cases = [
        (("site", "add", "尚和园", "--kind", "yard"), "✗ There is already a site named '尚和园'.\n"),
        (("site", "add", "新区", "--kind", "yard", "--code", "gdj"),
         "✗ The code GDJ is already taken.\n"),
        (("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "1单元"),
         "✗ 3号楼 1单元 already has box SHY-01.\n"),
        (("box", "add", "--site", "SHY", "--building", "5号楼", "--unit", "1单元", "--code", "shy-01"),
         "✗ The code SHY-01 is already taken.\n"),
    ]  # fmt: skip
    for args, message in cases:
        run = small(*args)
        assert (run.exit_code, run.stderr) == (1, message), args
    assert db_path.read_bytes() == before


def test_ambiguous_volunteer_name_asks_for_the_code(small: Lou, db_path: Path) -> None:
    small.ok("volunteer", "add", "王秀兰", "--site", "GDJ")
    before = db_path.read_bytes()
    run = small("volunteer", "edit", "王秀兰", "--phone", "13900000000")
    assert run.exit_code == 1
    assert run.stderr == (
        "✗ '王秀兰' matches more than one volunteer: V001 王秀兰, V003 王秀兰. Use the code instead.\n"
    )
    assert db_path.read_bytes() == before
    assert (
        small.json("volunteer", "edit", "V003", "--phone", "13900000000")["phone"] == "139****0000"
    )


def test_capacity_is_respected_unless_forced(small: Lou) -> None:
    run = small("book", "add", "--title", "x", "--box", "SHY-02", "--copies", "6")
    assert run.exit_code == 1
    assert run.stderr == (
        "✗ Not enough room in the box:\n"
        "  SHY-02: holds 0, adding 6 would exceed its capacity of 5 (use the depot, or --force)\n"
    )
    small.ok("book", "add", "--title", "x", "--box", "SHY-02", "--copies", "6", "--force")
    assert small.json("box", "show", "SHY-02")["books"] == 6


def test_withdraw_found_and_history(small: Lou) -> None:
    small.ok("book", "withdraw", "B00001", "--reason", "破损")
    run = small("book", "found", "B00002")
    assert run.exit_code == 1
    assert run.stderr == "✗ B00002 is 'in a box', not reported missing, lost or withdrawn.\n"
    small.ok("book", "edit", "B00004", "--box", "SHY-02")
    small.ok("book", "edit", "B00004", "--to-depot")
    history = small.json("book", "history", "B00004")["events"]
    assert [(e["action"], e.get("from"), e.get("to")) for e in history] == [
        ("added", None, "DEPOT"),
        ("moved", "DEPOT", "SHY-02"),
        ("moved", "SHY-02", "DEPOT"),
    ]
    withdrawn = small.json("book", "show", "B00001")
    assert (withdrawn["status"], withdrawn["box"], withdrawn["last_box"]) == (
        "withdrawn",
        None,
        "SHY-01",
    )


def test_retiring_a_box_returns_its_books_to_the_depot(small: Lou) -> None:
    result = small.json("box", "retire", "SHY-01")
    assert result["moved_to_depot"] == ["B00001", "B00002"]
    assert small.json("book", "show", "B00001")["status"] == "in_depot"
    run = small("site", "retire", "SHY")
    assert run.stderr == "✗ Site SHY still has boxes in use (SHY-02); retire them first.\n"
    small.ok("box", "retire", "SHY-02")
    assert small.json("site", "retire", "SHY")["status"] == "retired"
    small.ok("db", "check")


def test_donation_goes_into_the_box_even_when_full(small: Lou) -> None:
    small.ok("book", "add", "--title", "x", "--box", "SHY-02", "--copies", "5")
    run = small.ok("donate", "--box", "SHY-02", "--title", "平凡的世界", "--author", "路遥",
                   "--donor", "张大爷")  # fmt: skip
    assert run.stderr == (
        "✓ Thank you! Registered 1 × '平凡的世界' (B00010) in box SHY-02.\n"
        "! Box SHY-02 is now over capacity; the next rotation takes the surplus back to the depot.\n"
    )
    book = small.json("book", "show", "B00010")
    assert (book["source"], book["donor"], book["status"]) == ("donation", "***", "in_box")
    assert small.json("book", "show", "B00010", "--show-contact")["donor"] == "张大爷"


def test_categories_resolve_in_both_languages_and_grow(small: Lou) -> None:
    for typed, key in (
        ("历史", "history"),
        ("小说类", "fiction"),
        ("Children's books", "children"),
    ):
        assert (
            small.json("book", "add", "--title", typed, "--category", typed)["books"][0]["category"]
            == key
        )
    run = small("book", "add", "--title", "x", "--category", "乡土")
    assert run.exit_code == 1 and run.stderr.startswith(
        "✗ No category '乡土'; choose one of: history"
    )
    small.ok("book", "category", "add", "local", "--zh", "乡土", "--en", "Local history")
    assert (
        small.json("book", "add", "--title", "x", "--category", "乡土")["books"][0]["category"]
        == "local"
    )


def test_isbn_is_checked(small: Lou) -> None:
    ok = small.json("book", "add", "--title", "活着", "--isbn", "978-7-5063-6543-7")
    assert ok["books"][0]["isbn"] == "9787506365437"
    run = small("book", "add", "--title", "活着", "--isbn", "978-7-5063-6543-8")
    assert run.exit_code == 1
    assert (
        run.stderr
        == "✗ '978-7-5063-6543-8' is not a valid ISBN-10 or ISBN-13 (check digit or length).\n"
    )


def _isbn13(body: str) -> str:
    total = sum((1 if i % 2 == 0 else 3) * int(ch) for i, ch in enumerate(body))
    return body + str((10 - total % 10) % 10)


def _isbn10(body: str) -> str:
    check = (11 - sum((10 - i) * int(ch) for i, ch in enumerate(body)) % 11) % 11
    return body + ("X" if check == 10 else str(check))


@settings(max_examples=300)
@given(st.from_regex(r"97[89][0-9]{9}", fullmatch=True), st.integers(0, 12), st.integers(1, 9))
def test_isbn13_accepts_exactly_the_right_check_digit(body: str, pos: int, delta: int) -> None:
    good = _isbn13(body)
    assert normalise_isbn(f"{good[:3]}-{good[3:]}") == good
    digits = list(good)
    digits[pos] = str((int(digits[pos]) + delta) % 10)
    with pytest.raises(Invalid):  # one changed digit always breaks the check sum
        normalise_isbn("".join(digits))


@settings(max_examples=300)
@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_isbn10_with_x(body: str) -> None:
    good = _isbn10(body)
    assert normalise_isbn(good.lower()) == good


def test_a_new_copy_of_a_known_title_takes_its_category(small: Lou) -> None:
    small.ok("book", "add", "--title", "平凡的世界", "--author", "路遥", "--category", "小说")
    donated = small.json("donate", "--box", "SHY-01", "--title", "平凡的世界")["books"]
    added = small.json("book", "add", "--title", "平凡的世界")["books"]
    chosen = small.json("book", "add", "--title", "平凡的世界", "--category", "history")["books"]
    unknown = small.json("book", "add", "--title", "没见过的书")["books"]
    assert [b["category"] for b in donated + added + chosen + unknown] == [
        "fiction", "fiction", "history", "other",
    ]  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(
    st.text("ABZ09-", min_size=1, max_size=8),
    st.integers(0, 8),
    st.sampled_from("ABZ09-"),
    st.sampled_from(["leave out", "add", "change", "swap"]),
)
def test_every_code_one_keystroke_away_is_suggested(
    code: str, at: int, typed: str, slip: str
) -> None:
    """Whatever one slip of the hand makes of a code, the code is among the ones "did you
    mean" looks up for it (and the slip among the ones looked up for the code)."""
    i = at % len(code)
    slipped = {
        "leave out": code[:i] + code[i + 1 :],
        "add": code[:i] + typed + code[i:],
        "change": code[:i] + typed + code[i + 1 :],
        "swap": code[:i] + code[i + 1 : i + 2] + code[i : i + 1] + code[i + 2 :],
    }[slip]
    if slipped and slipped != code:
        assert code in records.one_keystroke_away(slipped)
        assert slipped in records.one_keystroke_away(code)
