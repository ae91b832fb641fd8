"""Issue 18: volunteer service hours and certificates (志愿服务记录与证明).

Hours add up the same way in every place they are shown (the report's sections, its
summary, the certificate); a certificate's number is kept; resident ID numbers are never
shown in full without ``--show-contact``; bad input is refused and changes nothing.
"""

from __future__ import annotations

import math
import re
import subprocess
from datetime import date
from itertools import pairwise
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.browser import needs_print, print_to_pdf
from tests.conftest import Lou

ID = "11010519491231002X"  # a valid resident ID number (GB 11643 check digit)
MASKED = "110***********002X"
AFTER_ROUND_1 = {"LOU_NOW": "2026-11-28T18:00:00"}


def _estimate(boxes: int, books: int) -> int:
    """The documented estimate: 20 min out and back, 10 a box, 0.25 a book, up to 5 min."""
    return max(5, math.ceil((20 + 10 * boxes + 0.25 * books) / 5) * 5)


@pytest.fixture
def served(ring: Lou) -> Lou:
    """Round 1 applied and reported (task 1 with its hours, task 2 by the estimate), two
    other services, the issuing body set."""
    ring.ok("schedule", "set", "--start", "2026-11-28")
    ring.ok("rotate", "apply", env={"LOU_NOW": "2026-11-28T09:00:00"})
    ring.ok("task", "done", "1", "--hours", "1.5", env=AFTER_ROUND_1)
    ring.ok("task", "done", "2", env=AFTER_ROUND_1)
    ring.ok("volunteer", "service", "王秀兰", "--date", "2026-04-23", "--hours", "3",
            "--what", "世界读书日活动", "--site", "SHY")  # fmt: skip
    ring.ok("volunteer", "service", "李建国", "--date", "2026-11-20", "--hours", "2.5",
            "--what", "整理社区图书室")  # fmt: skip
    ring.ok("settings", "set", "org.name", "某某街道综合文化站")
    ring.ok("settings", "set", "org.head", "张主任")
    ring.ok("settings", "set", "org.handler", "刘干事")
    ring.ok("settings", "set", "org.contact", "0371-12345678")
    return ring


def _report(lou: Lou, *args: str) -> dict[str, Any]:
    document: dict[str, Any] = lou.ok("report", "hours", "--format", "json", *args).json()
    return document


def _column(document: dict[str, Any], section: str, key: str) -> list[Any]:
    return [row[key] for row in document["sections"][section]["rows"]]


def test_every_walk_gets_an_estimate_when_it_is_planned(served: Lou) -> None:
    tasks = served.json("task", "list", "--all")["tasks"]
    assert len(tasks) == 2
    for task in tasks:
        assert task["minutes"] == _estimate(len(task["boxes"]), task["books"])
    done = served.json("task", "show", "2")
    assert done["minutes"] == tasks[1]["minutes"]


def test_hours_add_up_across_tasks_services_reports_and_certificates(served: Lou) -> None:
    tasks = {t["id"]: t for t in served.json("task", "list", "--all")["tasks"]}
    by_estimate = round(tasks[2]["minutes"] / 60, 2)
    document = _report(served)
    entries = document["sections"]["entries"]["rows"]
    assert [(e["date"], e["volunteer"], e["kind"], e["id"], e["hours"]) for e in entries] == [
        ("2026-04-23", "V001", "service", 1, 3),
        ("2026-11-20", "V002", "service", 2, 2.5),
        ("2026-11-28", tasks[1]["volunteer"], "task", 1, 1.5),
        ("2026-11-28", tasks[2]["volunteer"], "task", 2, by_estimate),
    ]
    total = round(3 + 2.5 + 1.5 + by_estimate, 2)
    figures = document["totals"]
    assert figures["hours"] == total
    for section in ("people", "groups", "sites", "half_years", "entries"):
        assert round(sum(_column(document, section, "hours")), 2) == total, section
        assert document["sections"][section]["totals"]["hours"] == total, section
    people = {row["code"]: row["hours"] for row in document["sections"]["people"]["rows"]}
    assert people == {
        "V001": round(3 + sum(e["hours"] for e in entries[2:] if e["volunteer"] == "V001"), 2),
        "V002": round(2.5 + sum(e["hours"] for e in entries[2:] if e["volunteer"] == "V002"), 2),
    }
    assert _column(document, "half_years", "half_year") == ["2026-H1", "2026-H2"]
    summary = served.json("report", "hours", "--summary")
    assert summary == {
        "from": None,
        "to": None,
        "volunteers": 2,
        "hours": total,
        "rounds": 1,
        "books_carried": figures["books_carried"],
        "services": 2,
    }
    # a certificate sums the same services for its person and period
    for code, hours in people.items():
        page = served.beside(f"{code}.html")
        issued = served.json("volunteer", "certificate", code, "--output", str(page))
        assert issued["hours"] == hours
        assert sum(e["hours"] for e in issued["entries"]) == pytest.approx(hours)
    first_half = _report(served, "--to", "2026-06-30")
    assert first_half["totals"]["hours"] == 3
    one = _report(served, "--volunteer", "王秀兰")
    assert one["totals"]["hours"] == people["V001"]
    assert {e["volunteer"] for e in one["sections"]["entries"]["rows"]} == {"V001"}
    in_shy = _report(served, "--site", "SHY")
    assert {e["site"] for e in in_shy["sections"]["entries"]["rows"]} == {"SHY"}


def test_a_certificate_number_is_kept_and_the_page_says_what_the_rules_ask(
    served: Lou, tmp_path: Path
) -> None:
    page = tmp_path / "证明.html"
    first = served.json("volunteer", "certificate", "王秀兰", "--output", str(page))
    assert first["number"] == "ZYFW-2026-0001" and first["reissued"] is False
    again = served.json("volunteer", "certificate", "V001", "--output", str(page))
    assert (again["number"], again["reissued"]) == ("ZYFW-2026-0001", True)
    other = served.json(
        "volunteer", "certificate", "王秀兰", "--from", "2026-01-01", "--to", "2026-06-30",
        "--output", str(page),
    )  # fmt: skip
    assert other["number"] == "ZYFW-2026-0002"
    assert (other["from"], other["to"], other["hours"]) == ("2026-01-01", "2026-06-30", 3)
    run = served.ok("--lang", "zh", "volunteer", "certificate", "王秀兰", "--from",
                    "2026-01-01", "--to", "2026-06-30", "--output", str(page))  # fmt: skip
    assert run.stderr == f"✓ 已生成志愿服务记录证明 ZYFW-2026-0002（王秀兰，3 小时）：{page}\n"
    html = page.read_text(encoding="utf-8")
    for text in (
        "志愿服务记录证明", "ZYFW-2026-0002", "王秀兰", "2026-01-01 — 2026-06-30", "3 小时",
        "世界读书日活动", "尚和园", "某某街道综合文化站", "张主任", "刘干事", "0371-12345678",
        "（盖章）", "签字", "出具日期", "2026-11-24",
    ):  # fmt: skip
        assert text in html, text
    assert '<html lang="zh-CN">' in html


def test_a_certificate_number_names_one_total(served: Lou, tmp_path: Path) -> None:
    """More service recorded in a period already certified: the new paper gets a new
    number and says which it replaces (it was reissued under the same number with the new
    hours: two papers, one number); printed again with the same hours, it keeps it."""
    page = tmp_path / "c.html"
    period = ("--from", "2026-01-01", "--to", "2026-06-30", "--output", str(page))
    first = served.json("volunteer", "certificate", "王秀兰", *period)
    served.ok("volunteer", "service", "王秀兰", "--date", "2026-05-01", "--hours", "2",
              "--what", "整理图书室")  # fmt: skip
    run = served.ok("volunteer", "certificate", "王秀兰", *period, env={"COLUMNS": "300"})
    second = served.json("volunteer", "certificate", "王秀兰", *period)
    assert second["number"] != first["number"]
    assert (second["hours"], second["reissued"], second["replaces"]) == (
        first["hours"] + 2,
        True,
        None,
    )
    assert run.stderr == (
        f"✓ Wrote certificate of service {second['number']} (王秀兰, 5 h): {page}\n"
        f"The hours of this period have changed, so it has a new number: {second['number']} "
        f"replaces {first['number']} (the old one stays on record).\n"
    )
    served.ok("db", "check")


def test_identity_numbers_are_masked_unless_asked_for(served: Lou, tmp_path: Path) -> None:
    run = served.ok("volunteer", "edit", "王秀兰", "--id-number", ID.lower())
    assert ID not in run.stdout + run.stderr
    assert served.json("volunteer", "show", "王秀兰")["id_number"] == MASKED
    assert served.json("volunteer", "show", "王秀兰", "--show-contact")["id_number"] == ID
    listed = served.json("volunteer", "list")["volunteers"]
    assert [p.get("id_number") for p in listed] == [MASKED, None]
    assert MASKED in served.ok("volunteer", "show", "王秀兰").stdout
    page = tmp_path / "c.html"
    issued = served.json("volunteer", "certificate", "王秀兰", "--output", str(page))
    assert "id_number" not in issued
    assert ID not in page.read_text(encoding="utf-8")
    assert MASKED in page.read_text(encoding="utf-8")
    shown = served.json(
        "volunteer", "certificate", "王秀兰", "--output", str(page), "--show-contact"
    )
    assert shown["id_number"] == ID and ID in page.read_text(encoding="utf-8")
    for name in ("hours", "volunteers"):
        for fmt in ("json", "csv", "md", "html"):
            assert ID not in served.ok("report", name, "--format", fmt).stdout, (name, fmt)
    # a district the checker's list may not know yet is not refused (only the date is)
    served.ok("volunteer", "edit", "李建国", "--id-number", "990105194912310023")
    served.ok("volunteer", "edit", "王秀兰", "--id-number", "")
    assert "id_number" not in served.json("volunteer", "show", "王秀兰", "--show-contact")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["task", "done", "1", "--amend", "--hours", "0"], "✗ The hours “0” are not right: more than 0 and at most 24 (for example 1.5).\n"),
        (["task", "done", "1", "--amend", "--hours", "-1"], "✗ The hours “-1” are not right: more than 0 and at most 24 (for example 1.5).\n"),
        (["task", "done", "1", "--amend", "--hours", "25"], "✗ The hours “25” are not right: more than 0 and at most 24 (for example 1.5).\n"),
        (["task", "done", "1", "--amend", "--hours", "nan"], "✗ The hours “nan” are not right: more than 0 and at most 24 (for example 1.5).\n"),
        (["volunteer", "service", "王秀兰", "--hours", "1e9", "--what", "x"], "✗ The hours “1e9” are not right: more than 0 and at most 24 (for example 1.5).\n"),
        (["task", "done", "1", "--amend", "--hours", "0.004"], "✗ The hours “0.004” are too few to record: at least 0.01 (for example 0.25 for a quarter of an hour).\n"),
        (["volunteer", "service", "王秀兰", "--hours", "0.001", "--what", "x"], "✗ The hours “0.001” are too few to record: at least 0.01 (for example 0.25 for a quarter of an hour).\n"),
        (["volunteer", "service", "王秀兰", "--hours", "1_5", "--what", "x"], "✗ The hours “1_5” are not right: more than 0 and at most 24 (for example 1.5).\n"),
        (["volunteer", "service", "王秀兰", "--hours", "1e1", "--what", "x"], "✗ The hours “1e1” are not right: more than 0 and at most 24 (for example 1.5).\n"),
        (["volunteer", "service", "王秀兰", "--hours", "2", "--what", " "], "✗ Say what the service was (--what, for example “sorting the library room”).\n"),
        (["volunteer", "service", "王秀兰", "--date", "2027-01-05", "--hours", "2", "--what", "x"], "✗ The date 2027-01-05 is still to come: only service already given can be recorded.\n"),
        (["volunteer", "service", "王秀兰", "--remove", "9"], "✗ There is no service record number 9.\n"),
        (["volunteer", "edit", "王秀兰", "--id-number", "110105194912310021"], "✗ The resident ID number “110105194912310021” is not right: the check digit does not match (a digit mistyped?).\n"),
        (["volunteer", "edit", "王秀兰", "--id-number", "1101051949123100"], "✗ The resident ID number “1101051949123100” is not right: it must have 18 characters.\n"),
        (["volunteer", "edit", "王秀兰", "--id-number", "110105194902300020"], "✗ The resident ID number “110105194902300020” is not right: the date of birth in it does not exist.\n"),
        (["volunteer", "certificate", "王秀兰", "--from", "2026-07-01", "--to", "2026-06-30", "--output", "c.html"], "✗ --from 2026-07-01 is after --to 2026-06-30: the period must start before it ends.\n"),
        (["volunteer", "certificate", "王秀兰", "--from", "2025-01-01", "--to", "2025-06-30", "--output", "c.html"], "✗ 王秀兰 (V001) has no service recorded in that period: there is nothing to certify.\n"),
        (["report", "hours", "--from", "2026-07-01", "--to", "2026-06-30"], "✗ --from 2026-07-01 is after --to 2026-06-30: the period must start before it ends.\n"),
        (["settings", "set", "org.seal", "x"], "✗ There is no setting org.seal. Settings: org.name, org.head, org.handler, org.contact, service.walk_minutes, service.minutes_per_box, service.minutes_per_book.\n"),
        (["settings", "set", "service.minutes_per_box", "999"], "✗ service.minutes_per_box must be a number from 0 to 120, not “999”.\n"),
        (["settings", "set", "org.name", "  "], "✗ org.name must not be empty.\n"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_changes_nothing(
    served: Lou, args: list[str], message: str
) -> None:
    before = served.snapshot()
    run = served(*args)
    assert (run.exit_code, run.stdout, run.stderr) == (1, "", message)
    assert served.snapshot() == before


def test_an_open_walk_reported_with_absurd_hours_stays_open(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    before = ring.snapshot()
    run = ring("task", "done", "1", "--hours", "48")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ The hours “48” are not right: more than 0 and at most 24 (for example 1.5).\n",
    )
    assert ring.snapshot() == before
    assert ring.json("task", "done", "1", "--hours", "0.75")["hours"] == 0.75


def test_a_certificate_needs_the_issuing_body(ring: Lou) -> None:
    ring.ok("volunteer", "service", "王秀兰", "--date", "2026-04-23", "--hours", "3",
            "--what", "世界读书日活动")  # fmt: skip
    before = ring.snapshot()
    run = ring("volunteer", "certificate", "王秀兰", "--output", "c.html")
    assert run.exit_code == 1
    assert run.stderr.startswith("✗ The issuing body is not set: run lou settings set org.name")
    assert ring.snapshot() == before


def test_mistakes_have_a_way_back(served: Lou) -> None:
    """A service recorded by mistake is removed (only by its own volunteer's name); hours
    reported wrong are corrected with --amend."""
    run = served("volunteer", "service", "李建国", "--remove", "1")  # 王秀兰's record
    assert (run.exit_code, run.stderr) == (1, "✗ There is no service record number 1.\n")
    removed = served.json("volunteer", "service", "王秀兰", "--remove", "1")
    assert (removed["id"], removed["hours"], removed["what"]) == (1, 3, "世界读书日活动")
    assert [e["id"] for e in _report(served)["sections"]["entries"]["rows"]] == [2, 1, 2]
    amended = served.json("task", "done", "1", "--amend", "--hours", "2")
    assert amended["hours"] == 2
    entries = _report(served)["sections"]["entries"]["rows"]
    assert [(e["kind"], e["id"], e["hours"]) for e in entries][1] == ("task", 1, 2)
    run = served("task", "done", "1", "--amend", "--hours", "2")
    assert run.exit_code == 1  # nothing new
    assert served.ok("db", "check").exit_code == 0


def test_the_summary_in_both_languages(served: Lou) -> None:
    zh = served.ok("--lang", "zh", "report", "hours", "--summary", "--from", "2026-07-01")
    en = served.ok("--lang", "en", "report", "hours", "--summary", "--from", "2026-07-01")
    hours = served.json("report", "hours", "--summary", "--from", "2026-07-01")["hours"]
    text = f"{hours:.2f}".rstrip("0").rstrip(".")
    assert zh.stdout.replace("\n", "") == (
        f"2026-07-01至今天，2 名志愿者累计服务 {text} 小时，完成 1 轮图书轮换，流转图书 "
        f"{served.json('report', 'hours', '--summary')['books_carried']} 册。"
    )
    assert re.fullmatch(
        rf"From 2026-07-01 to today, 2 volunteers served {re.escape(text)} hours over 1 round "
        r"and moved \d+ books\.",
        en.stdout.replace("\n", " ").strip(),
    )


def test_one_hour_is_one_hour(ring: Lou, tmp_path: Path) -> None:
    """'served 1 hours' in the summary, '1 hours' on the English certificate."""
    ring.ok("volunteer", "service", "王秀兰", "--date", "2026-11-20", "--hours", "1", "--what", "x")
    ring.ok("settings", "set", "org.name", "文化站")
    summary = ring.ok("report", "hours", "--summary", env={"COLUMNS": "200"}).stdout
    assert summary.strip() == ("So far, 1 volunteer served 1 hour over 0 rounds and moved 0 books.")
    paper = tmp_path / "c.html"
    ring.ok("volunteer", "certificate", "王秀兰", "--output", str(paper))
    assert ">1 hour<" in paper.read_text(encoding="utf-8")


def test_the_entries_name_each_column_once(served: Lou) -> None:
    """The Chinese entries table had two columns headed 编号 (the volunteer's code and
    the task's or service's number)."""
    for lang in ("zh", "en"):
        markdown = served.ok("--lang", lang, "report", "hours", "--format", "md").stdout
        lines = markdown.splitlines()
        headers = [a for a, b in pairwise(lines) if b.startswith("| ---")]
        assert len(headers) >= 3, lang
        for header in headers:
            cells = [c.strip() for c in header.strip("|").split("|")]
            assert len(cells) == len(set(cells)), (lang, cells)


def test_the_summary_writes_no_file_and_says_so(served: Lou, tmp_path: Path) -> None:
    """--summary is one sentence: with --output or a file format it used to print the
    sentence, write nothing and exit 0; now it says what to do instead (exit 1)."""
    target = tmp_path / "summary.xlsx"
    for extra in (["--output", str(target)], ["--format", "csv"]):
        run = served("report", "hours", "--summary", *extra)
        assert (run.exit_code, run.stdout, run.stderr) == (
            1,
            "",
            "✗ --summary prints one sentence (or --json) and writes no file: leave out "
            "--output and --format, or leave out --summary to export the whole hours report.\n",
        )
    assert not target.exists()
    assert served.ok("report", "hours", "--summary", "--format", "table").stdout
    as_json = served.json("report", "hours", "--summary")  # --format json is --json
    assert orjson.loads(served.ok("report", "hours", "--summary", "--format", "json").stdout) == (
        as_json
    )
    assert served.ok("report", "hours", "--summary", "-o", "-").stdout  # (- is the screen)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["王秀兰", "李建国"]),
            st.dates(min_value=date(2025, 1, 1), max_value=date(2026, 11, 24)),
            st.integers(1, 96).map(lambda quarters: quarters / 4),
        ),
        max_size=8,
    )
)  # fmt: skip
def test_hours_add_up_whatever_services_are_recorded(
    ring: Lou, services: list[tuple[str, Any, float]]
) -> None:
    before = _report(ring)["totals"]["hours"]
    recorded = []
    for who, day, hours in services:
        record = ring.json("volunteer", "service", who, "--date", day.isoformat(),
                           "--hours", str(hours), "--what", "整理")  # fmt: skip
        recorded.append((who, record["id"], hours))
    document = _report(ring)
    total = before + sum(hours for _, _, hours in recorded)
    assert document["totals"]["hours"] == pytest.approx(total)
    for section in ("people", "groups", "sites", "half_years", "entries"):
        assert sum(_column(document, section, "hours")) == pytest.approx(total), section
    for who, number, _ in recorded:  # and removing them all takes them back
        ring.ok("volunteer", "service", who, "--remove", str(number))
    assert _report(ring)["totals"]["hours"] == pytest.approx(before)


@needs_print
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_certificate_prints_on_one_a4_page(served: Lou, tmp_path: Path, lang: str) -> None:
    page = tmp_path / f"c-{lang}.html"
    served.ok("--lang", lang, "volunteer", "certificate", "王秀兰", "--output", str(page))
    pdf = tmp_path / f"c-{lang}.pdf"
    print_to_pdf(page, pdf, tmp_path / "profile")
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True)
    assert re.search(r"Pages:\s+1\n", info.stdout), info.stdout
    assert re.search(r"Page size:\s+59[45]\.\d+ x 841\.\d+ pts \(A4\)", info.stdout), info.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    title = "志愿服务记录证明" if lang == "zh" else "Certificate of Volunteer Service"
    assert title in text.replace(" ", "") or title in text
    assert "ZYFW-2026-0001" in text and MASKED not in text  # no ID number recorded here
