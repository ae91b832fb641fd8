"""Reports for admins: one computed report, the same numbers in every format."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lou_library import i18n
from lou_library import messages as M
from lou_library import report_messages as R
from tests.conftest import Lou

REPORTS = ["inventory", "missing", "donations", "rotation", "volunteers", "hours"]
FORMATS = ["table", "csv", "json", "xlsx", "md", "html"]
LATER = {"LOU_NOW": "2026-12-16T09:00:00"}


def task_handling(lou: Lou, code: str) -> int:
    """The open task whose pick list moves book ``code``."""
    for task in lou.json("task", "list")["tasks"]:
        shown = lou.json("task", "show", str(task["id"]))
        for stop in shown["stops"]:
            if code in {item[0] for item in (*stop["take_out"], *stop["put_in"])}:
                return int(task["id"])
    raise AssertionError(f"no task moves {code}")


def build_scene(lou: Lou) -> None:
    """The small network, two donations (one titled like a formula, one like a script), a
    library room of thirteen books, a round in which the formula book goes missing, a
    withdrawn book, a second round."""
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("site", "add", "供电局家属院", "--kind", "yard", "--code", "GDJ")
    lou.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "1单元")
    lou.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "2单元",
           "--capacity", "5")  # fmt: skip
    lou.ok("box", "add", "--site", "GDJ", "--building", "1栋", "--unit", "1单元")
    lou.ok("book", "add", "--title", "十万个为什么", "--author", "韩启德", "--category", "科普",
           "--box", "SHY-01", "--copies", "2")  # fmt: skip
    lou.ok("book", "add", "--title", "上下五千年", "--author", "林汉达", "--category", "history",
           "--box", "GDJ-01")  # fmt: skip
    lou.ok("book", "add", "--title", "杜甫诗选", "--author", "杜甫", "--category", "其他")
    lou.ok("volunteer", "add", "王秀兰", "--phone", "13812345678", "--party-member",
           "--site", "SHY")  # fmt: skip
    lou.ok("volunteer", "add", "李建国", "--site", "GDJ", "--site", "SHY")
    lou.ok("donate", "--box", "SHY-01", "--title", "=SUM(A1:A9)", "--donor", "张大爷")
    lou.ok("donate", "--box", "GDJ-01", "--title", "<script>alert(1)</script>",
           "--donor", "李阿姨")  # fmt: skip
    for title in ("红岩", "青春之歌", "林海雪原", "山乡巨变", "创业史", "保卫延安", "暴风骤雨",
                  "铁道游击队", "野火春风斗古城", "小兵张嘎", "闪闪的红星", "苦菜花"):  # fmt: skip
        lou.ok("book", "add", "--title", title, "--category", "fiction")
    lou.ok("rotate", "settings", "fill", "0.2")  # small targets: the library room fills them
    lou.ok("rotate", "apply")
    lou.ok("task", "done", str(task_handling(lou, "B00005")), "--missing", "B00005")
    lou.ok("book", "withdraw", "B00004", "--reason", "破损")
    lou.ok("rotate", "apply", env=LATER)


@pytest.fixture(scope="module")
def scene_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("scene") / "lou.json"
    with pytest.MonkeyPatch.context() as mp:
        for name in ("LOU_LANG", "LC_ALL", "LC_MESSAGES"):
            mp.delenv(name, raising=False)
        build_scene(Lou(path))
    return path


@pytest.fixture
def scene(scene_db: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Lou]:
    """The scene's DB, read-only: reports never write to it."""
    for name in ("LOU_LANG", "LC_ALL", "LC_MESSAGES"):
        monkeypatch.delenv(name, raising=False)
    before = scene_db.read_bytes()
    yield Lou(scene_db)
    assert scene_db.read_bytes() == before


def report_json(lou: Lou, name: str, *args: str, env: dict[str, str] | None = None) -> Any:
    return lou.ok("report", name, "--format", "json", *args, env=env).json()


def rows(document: Any, section: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = document["sections"][section]["rows"]
    return found


# ---------------------------------------------------------------- every format


_DOCUMENTS: dict[str, Any] = {}  # each report's JSON, read once for the format matrix


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", REPORTS)
def test_every_report_in_every_format(scene: Lou, tmp_path: Path, name: str, fmt: str) -> None:
    if name not in _DOCUMENTS:
        _DOCUMENTS[name] = report_json(scene, name)
    document = _DOCUMENTS[name]
    sections = list(document["sections"])
    if fmt == "xlsx":
        from openpyxl import load_workbook

        target = tmp_path / "report.xlsx"
        run = scene.ok("report", name, "--format", "xlsx", "--output", str(target))
        assert run.stdout == ""
        assert run.stderr == f"✓ Report written to {target} (Excel workbook).\n"
        assert len(load_workbook(target).sheetnames) == len(sections)
        return
    run = scene.ok("report", name, "--format", fmt)
    assert run.stderr == ""
    text = run.stdout
    main = document["sections"][sections[0]]
    if fmt == "table":
        assert text.splitlines()[0].strip() == R.REPORT_TITLES[name].en
        assert "Total" in text
    elif fmt == "csv":
        table = list(csv.reader(io.StringIO(text)))
        assert not text.startswith("\ufeff")  # the BOM is for files only
        assert len(table) == 1 + main["count"] + (1 if main["count"] else 0)
    elif fmt == "json":
        assert run.json()["report"] == name
    elif fmt == "md":
        assert text.startswith(f"# {R.REPORT_TITLES[name].en}\n")
        assert text.count("\n## ") == len(sections)
    else:
        assert text.startswith("<!DOCTYPE html>")
        assert text.count("<section ") == len(sections)
    # the same file written with --output holds the same bytes (plus a BOM for CSV)
    target = tmp_path / f"report.{fmt}"
    if fmt != "table":
        scene.ok("report", name, "--output", str(target))
        payload = target.read_text(encoding="utf-8")
        assert payload == ("\ufeff" if fmt == "csv" else "") + text


def test_json_sections_and_totals(scene: Lou) -> None:
    document = report_json(scene, "inventory")
    assert document["report"] == "inventory"
    assert document["generated"] == "2026-11-24T09:30:00"
    assert document["filters"] == {"site": None, "from": None, "to": None, "show_contact": False}
    assert list(document["sections"]) == ["sites", "categories", "boxes"]
    assert document["sections"]["sites"]["columns"] == [
        "site", "name", "kind", "boxes", "in_box", "in_depot", "not_seen", "lost", "total",
        "withdrawn",
    ]  # fmt: skip
    assert document["totals"] == {
        "books": 17, "in_box": 14, "in_depot": 2, "not_seen": 1, "lost": 0, "withdrawn": 1,
        "boxes": 3, "capacity": 65, "use": 0.2154,
    }  # fmt: skip


# ------------------------------------------------------------------- inventory


def test_inventory_totals_equal_the_catalogue_by_status(scene: Lou) -> None:
    info = scene.json("info")
    books = {**info["books"], "withdrawn": info["withdrawn"]}
    assert books["total"] == sum(books[s] for s in ("in_box", "in_depot", "not_seen", "lost"))
    document = report_json(scene, "inventory")
    totals = document["totals"]
    assert totals["books"] == books["total"]
    for status in ("in_box", "in_depot", "not_seen", "lost", "withdrawn"):
        assert totals[status] == books[status], status
        for section in ("sites", "categories"):
            assert document["sections"][section]["totals"][status] == books[status]
    assert document["sections"]["boxes"]["totals"]["books"] == books["in_box"]


def test_inventory_csv_whole_output(scene: Lou) -> None:
    # the withdrawn book had been carried from the library room into SHY-01 by round 1
    assert scene.ok("report", "inventory", "--format", "csv").stdout == (
        "Site,Site name,Kind,Boxes,In boxes,In the depot,Not seen,Lost,Total held,Withdrawn\n"
        "DEPOT,社区图书室,depot,0,0,2,0,0,2,0\n"
        "SHY,尚和园,compound,2,8,0,1,0,9,1\n"
        "GDJ,供电局家属院,yard,1,6,0,0,0,6,0\n"
        "Total,,,3,14,2,1,0,17,1\n"
    )  # CliRunner reads "\r\n" as "\n"


def test_inventory_for_one_site_in_chinese(scene: Lou) -> None:
    out = scene.ok("--lang", "zh", "report", "inventory", "--site", "shy", "--format", "md")
    assert out.stdout.splitlines()[:5] == [
        "# 藏书盘点",
        "",
        "生成时间：2026-11-24 09:30:00 · 片区：尚和园 (SHY)",
        "",
        "**在册图书** 9 · **在箱** 8 · **在图书室** 0 · **未见** 1 · **遗失** 0 · **已下架** 1 · "
        "**图书箱** 2 · **总容量** 35 · **容量使用率** 22.9%",
    ]
    assert out.stdout.splitlines()[-2:] == [
        "| SHY-02 | SHY | 3号楼 | 2单元 | 在用 | 5 | 2 | 40.0% | 3 |",
        "| **合计** |  |  |  |  | **35** | **8** | **22.9%** | **27** |",
    ]


def test_inventory_has_no_period(scene: Lou) -> None:
    run = scene("report", "inventory", "--from", "2026-01-01")
    assert run.exit_code == 1
    assert "has no period" in run.stderr


# --------------------------------------------------------------------- missing


def test_missing_books_with_last_box_last_seen_and_rounds_since(scene: Lou) -> None:
    document = report_json(scene, "missing")
    assert rows(document, "books") == [
        {"code": "B00005", "title": "=SUM(A1:A9)", "author": "", "category": "other",
         "status": "not_seen", "last_box": "SHY-01", "site": "SHY", "last_seen": "2026-11-24",
         "rounds_since": 1},
    ]  # fmt: skip
    assert rows(document, "sites") == [
        {"site": "SHY", "name": "尚和园", "not_seen": 1, "lost": 0, "total": 1}
    ]
    assert document["totals"] == {"missing": 1, "not_seen": 1, "lost": 0}
    assert rows(report_json(scene, "missing", "--site", "GDJ"), "books") == []
    assert rows(report_json(scene, "missing", "--from", "2026-11-25"), "books") == []


def test_missing_markdown_whole_output(scene: Lou) -> None:
    assert scene.ok("report", "missing", "--format", "md").stdout == (
        "# Missing books\n"
        "\n"
        "Generated 2026-11-24 09:30:00\n"
        "\n"
        "**Missing** 1 · **Not seen** 1 · **Lost** 0\n"
        "\n"
        "## Books not seen or lost\n"
        "\n"
        "| Code | Title | Author | Category | Status | Last box | Site | Missing since | Rounds since |\n"
        "| --- | --- | --- | --- | --- | --- | --- | --- | ---: |\n"
        "| B00005 | =SUM(A1:A9) |  | Other | not seen | SHY-01 | SHY | 2026-11-24 | 1 |\n"
        "| **Total: 1** |  |  |  |  |  |  |  |  |\n"
        "\n"
        "## Missing books by site\n"
        "\n"
        "| Site | Site name | Not seen | Lost | Total |\n"
        "| --- | --- | ---: | ---: | ---: |\n"
        "| SHY | 尚和园 | 1 | 0 | 1 |\n"
        "| **Total** |  | **1** | **0** | **1** |\n"
    )


def test_formula_title_stays_text_in_csv_and_xlsx(scene: Lou, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "missing.csv"
    scene.ok("report", "missing", "--output", str(target))
    payload = target.read_bytes()
    assert payload.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(payload.decode("utf-8-sig"))))
    assert table[1][:2] == ["B00005", "'=SUM(A1:A9)"]

    book = tmp_path / "missing.xlsx"
    scene.ok("report", "missing", "--output", str(book))
    cell = load_workbook(book)["Books not seen or lost"]["B2"]
    assert cell.value == "=SUM(A1:A9)"
    assert cell.data_type == "s"  # a string, not a formula
    assert cell.quotePrefix


# ------------------------------------------------------------------- donations


def test_donors_are_masked_unless_asked(scene: Lou) -> None:
    masked = report_json(scene, "donations")
    assert rows(masked, "summary") == [
        {"month": "2026-11", "site": "SHY", "name": "尚和园", "donor": "***", "books": 1,
         "titles": 1},
        {"month": "2026-11", "site": "GDJ", "name": "供电局家属院", "donor": "***", "books": 1,
         "titles": 1},
    ]  # fmt: skip
    assert [r["donor"] for r in rows(masked, "books")] == ["***", "***"]
    assert masked["totals"] == {"donated": 2, "titles": 2, "donors": 2, "months": 1}
    for fmt in ("table", "csv", "md", "html", "json"):
        text = scene.ok("report", "donations", "--format", fmt).stdout
        assert "张大爷" not in text and "李阿姨" not in text, fmt
    shown = report_json(scene, "donations", "--show-contact")
    assert [r["donor"] for r in rows(shown, "books")] == ["张大爷", "李阿姨"]
    assert shown["filters"]["show_contact"] is True


def test_donations_by_period_and_site(scene: Lou) -> None:
    assert report_json(scene, "donations", "--from", "2026-12-01")["totals"]["donated"] == 0
    one = report_json(scene, "donations", "--site", "GDJ", "--to", "2026-11-30")
    assert [r["title"] for r in rows(one, "books")] == ["<script>alert(1)</script>"]
    run = scene("report", "donations", "--from", "2026-12-01", "--to", "2026-11-01")
    assert run.exit_code == 1
    assert run.stderr == (
        "✗ --from 2026-12-01 is after --to 2026-11-01: the period must start before it ends.\n"
    )


# -------------------------------------------------------------------- rotation


def test_rotation_rounds_tasks_and_overdue(scene: Lou) -> None:
    document = report_json(scene, "rotation")
    first, second = rows(document, "rounds")
    assert (first["round"], first["date"], first["done"], first["overdue"]) == (
        1, "2026-11-28", 1, 0,
    )  # fmt: skip
    assert 0 <= first["freshness"] <= 1 and 0 <= first["inside_site"] <= 1
    # of the books changing box, the share staying in their site: each round's, and the
    # rounds' together weighed by how many books changed box
    history = scene.json("rotate", "history")["rounds"]
    assert [r["stay_in_site"] for r in (first, second)] == [r["stay_in_site"] for r in history]
    stayed = sum(round(r["stay_in_site"] * r["changed_box"]) for r in history)
    changed = sum(r["changed_box"] for r in history)
    totals = document["sections"]["rounds"]["totals"]
    assert totals["stay_in_site"] == round(stayed / changed, 4)
    # applied on 16 December, after round 2's date: round 2 is not skipped, it is late
    assert (second["round"], second["date"]) == (2, "2026-12-16")
    assert document["totals"]["rounds"] == 2
    later = report_json(scene, "rotation", env={"LOU_NOW": "2026-12-30T09:00:00"})
    states = rows(later, "rounds")
    assert states[0]["open"] == 0 and states[0]["overdue"] == first["open"]
    assert later["totals"]["overdue"] == first["open"] + second["open"]
    sites = rows(report_json(scene, "rotation", "--site", "GDJ"), "sites")
    assert [s["site"] for s in sites] == ["GDJ"]


# ------------------------------------------------------------------ volunteers


def test_volunteers_served_and_phones_masked(scene: Lou) -> None:
    document = report_json(scene, "volunteers")
    people = rows(document, "volunteers")
    assert [(p["code"], p["party_member"], p["phone"]) for p in people] == [
        ("V001", True, "138****5678"),
        ("V002", False, None),
    ]
    assert sum(p["tasks_done"] for p in people) == 1
    assert document["totals"]["party_members"] == 1
    assert rows(document, "party")[0] == {
        "group": "party", "people": 1, **{k: rows(document, "party")[0][k]
                                          for k in ("rounds_served", "tasks_done",
                                                    "books_carried")},
    }  # fmt: skip
    wide = {"COLUMNS": "200"}  # so that the screen table does not fold the phone number
    for fmt in ("table", "csv", "md", "html", "json"):
        text = scene.ok("report", "volunteers", "--format", fmt, env=wide).stdout
        text = text.replace("\\*", "*")  # Markdown escapes the stars
        assert "13812345678" not in text and "138****5678" in text, fmt
    shown = report_json(scene, "volunteers", "--show-contact")
    assert rows(shown, "volunteers")[0]["phone"] == "13812345678"


# --------------------------------------------------------------------- xlsx


def test_xlsx_sheets_have_chinese_headers_and_numbers(scene: Lou, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "盘点.xlsx"
    run = scene.ok("--lang", "zh", "report", "inventory", "--output", str(target))
    assert run.stderr == f"✓ 报表已写入 {target}（Excel 工作簿）。\n"
    book = load_workbook(target)
    assert book.sheetnames == ["各片区图书（按状态）", "各分类图书（按状态）", "各图书箱存书与容量"]
    sheet = book["各片区图书（按状态）"]
    assert [c.value for c in sheet[1]] == [
        "片区", "片区名称", "类型", "图书箱", "在箱", "在图书室", "未见", "遗失", "在册合计",
        "已下架",
    ]  # fmt: skip
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[3]] == ["SHY", "尚和园", "小区", 2, 8, 0, 1, 0, 9, 1]
    assert sheet["A5"].value == "合计"
    assert sheet.column_dimensions["B"].width >= 12
    boxes = book["各图书箱存书与容量"]
    assert [c.value for c in boxes[3]] == ["SHY-02", "SHY", "3号楼", "2单元", "在用", 5, 2, 0.4, 3]
    assert boxes["H3"].number_format == "0.0%"


def test_xlsx_needs_an_output_file(scene: Lou) -> None:
    run = scene("report", "rotation", "--format", "xlsx")
    assert run.exit_code == 1
    assert run.stderr == (
        "✗ xlsx is a binary file and cannot be shown here: add --output FILE.xlsx.\n"
    )


# ---------------------------------------------------------------------- html


def test_html_is_self_contained_and_escapes_user_text(scene: Lou, tmp_path: Path) -> None:
    for name in REPORTS:
        page = scene.ok("report", name, "--format", "html").stdout
        assert "http://" not in page and "https://" not in page, name
        assert not re.search(r"<(link|script|img|iframe)\b|@import|url\(", page), name
        assert "@media print" in page and "@page" in page
    donations = scene.ok("report", "donations", "--format", "html").stdout
    assert "<script>alert" not in donations
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in donations
    inventory = scene.ok("report", "inventory", "--format", "html").stdout
    assert inventory.count("<svg ") == 2  # books by category and by site
    rotation = scene.ok("report", "rotation", "--format", "html").stdout
    assert rotation.count("<svg ") == 1 and "<polyline" in rotation  # freshness per round


# -------------------------------------------------------------------- errors


def test_the_database_is_never_a_report_target(scene: Lou) -> None:
    run = scene("report", "inventory", "--output", str(scene.db), "--format", "json")
    assert run.exit_code == 1
    assert "it is the database" in run.stderr


def test_format_comes_from_the_file_name_or_is_asked_for(scene: Lou, tmp_path: Path) -> None:
    run = scene("report", "inventory", "--output", str(tmp_path / "report.txt"))
    assert run.exit_code == 1
    assert "--format" in run.stderr
    run = scene("report", "inventory", "--format", "table", "--output", str(tmp_path / "x.txt"))
    assert run.exit_code == 1
    assert scene("report", "inventory", "--format", "pdf").exit_code == 2
    nowhere = tmp_path / "no such folder" / "report.csv"
    run = scene("report", "inventory", "--output", str(nowhere))
    assert run.exit_code == 1
    assert run.stderr == f"✗ Cannot use the file {nowhere}: No such file or directory.\n"
    unknown = scene("report", "missing", "--site", "SHX")
    assert unknown.exit_code == 1 and "SHY" in unknown.stderr


def test_json_flag_is_the_json_format(scene: Lou) -> None:
    assert scene.json("report", "missing") == report_json(scene, "missing")
    assert scene.json("report", "missing", "--format", "json") == report_json(scene, "missing")
    run = scene("report", "missing", "--json", "--format", "csv")  # (it printed JSON)
    assert (run.exit_code, run.stdout, run.stderr) == (
        1,
        "",
        "✗ --json is --format json, so it cannot go with --format csv: choose one.\n",
    )


def test_output_dash_is_standard_output(scene: Lou, tmp_path: Path, monkeypatch: Any) -> None:
    """-o - prints, as - means in every Unix tool; it wrote a file named '-'."""
    monkeypatch.chdir(tmp_path)
    printed = scene.ok("report", "missing", "--format", "csv").stdout
    assert scene.ok("report", "missing", "--format", "csv", "-o", "-").stdout == printed
    assert not (tmp_path / "-").exists()


# -------------------------------------------------------------- the demo network


def test_demo_network_totals_and_party_members(lou: Lou) -> None:
    lou.ok("init", "--demo")
    info = lou.json("info")
    totals = report_json(lou, "inventory")["totals"]
    assert {k: totals[k] for k in ("in_box", "in_depot", "not_seen", "lost", "withdrawn")} == {
        **{k: info["books"][k] for k in ("in_box", "in_depot", "not_seen", "lost")},
        "withdrawn": info["withdrawn"],
    }
    assert totals["books"] == info["books"]["total"] == 3109
    people = report_json(lou, "volunteers")["totals"]
    assert people["volunteers"] == info["volunteers"]["total"] == 41
    assert people["party_members"] == info["volunteers"]["party_members"] == 34


# ------------------------------------------------------------------ messages


def test_report_messages_exist_in_both_languages_with_the_same_fields() -> None:
    found: list[tuple[str, i18n.Msg]] = []
    for name, value in vars(R).items():
        if isinstance(value, i18n.Msg):
            found.append((name, value))
        elif isinstance(value, dict):
            found.extend((f"{name}[{k}]", v) for k, v in value.items() if isinstance(v, i18n.Msg))
    assert len(found) > 100
    for name, msg in found:
        assert msg.zh.strip() and msg.en.strip(), name
        zh_fields = sorted(re.findall(r"\{(\w*)\}", msg.zh))
        en_fields = sorted(re.findall(r"\{(\w*)\}", msg.en))
        if msg.plural:  # plural forms, {n:# label|# labels}, are English only
            plural = [match[0] for match in i18n.PLURAL_FIELD.findall(msg.en)]
            assert set(en_fields) <= set(zh_fields) <= set(en_fields) | set(plural), name
        else:
            assert zh_fields == en_fields, name
    for key in R.HELP:
        assert M.HELP[key] is R.HELP[key]
        assert R.HELP[key].zh != R.HELP[key].en, key


@settings(max_examples=200)
@given(st.text(alphabet=st.sampled_from("ab 党员:[]"), max_size=60))
def test_a_sheet_name_is_short_valid_and_cut_between_words(title: str) -> None:
    """Excel's 31 characters: a long title loses its last words, not half of one (the
    English hours report's sheet read 'Hours of Party members and othe')."""
    from lou_library.reports.xlsx import sheet_title

    name = sheet_title(title, set())
    assert 1 <= len(name) <= 31 and not set(name) & set("[]:*?/\\")
    clean = " ".join(re.sub(r"[\[\]:*?/\\]", " ", title).split()).strip("'")
    if len(clean) > 31 and " " in clean[:32]:
        assert clean.startswith(name) and clean[len(name)] == " "
    assert sheet_title("Hours of Party members and others", set()) == "Hours of Party members and"
    assert sheet_title("Hours: Party members and others", set()) == "Hours Party members and others"
