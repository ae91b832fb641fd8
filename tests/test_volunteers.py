"""The volunteers' side: my tasks, time away, swaps, the group-chat notice, calendars,
printable pick lists."""

from __future__ import annotations

from pathlib import Path

from icalendar import Calendar

from tests.conftest import Lou


def test_a_volunteer_sees_a_checklist_of_their_task(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    run = ring.ok("task", "list", "--volunteer", "李建国")
    assert run.stdout == (
        "╭─────────────────────────────────────────────────────────╮\n"
        "│ Task 2 · round 1 · Sat 2026-11-28 · 供电局家属院 · open │\n"
        "╰─────────────────────────────────────────────────────────╯\n"
        "             1. depot              \n"
        "┏━━━┳━━━━━━━━━━━━━━━━━━━━━┳━━━━━━━┓\n"
        "┃   ┃ Code                ┃ Title ┃\n"
        "┡━━━╇━━━━━━━━━━━━━━━━━━━━━╇━━━━━━━┩\n"
        "│   │ Take out 4 → GDJ-01 │       │\n"
        "│ ☐ │ B00014              │ 库存  │\n"
        "│ ☐ │ B00018              │ 呐喊  │\n"
        "│ ☐ │ B00019              │ 围城  │\n"
        "│ ☐ │ B00020              │ 家    │\n"
        "└───┴─────────────────────┴───────┘\n"
        "        2. GDJ-01 · 1栋 1单元        \n"
        "┏━━━┳━━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┓\n"
        "┃   ┃ Code               ┃ Title    ┃\n"
        "┡━━━╇━━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━┩\n"
        "│   │ Take out 4 → depot │          │\n"
        "│ ☐ │ B00009             │ 书GDJ-01 │\n"
        "│ ☐ │ B00010             │ 书GDJ-01 │\n"
        "│ ☐ │ B00011             │ 书GDJ-01 │\n"
        "│ ☐ │ B00012             │ 书GDJ-01 │\n"
        "│   │ Put in 4 ← depot   │          │\n"
        "│ ☐ │ B00014             │ 库存     │\n"
        "│ ☐ │ B00018             │ 呐喊     │\n"
        "│ ☐ │ B00019             │ 围城     │\n"
        "│ ☐ │ B00020             │ 家       │\n"
        "└───┴────────────────────┴──────────┘\n"
        "              3. depot              \n"
        "┏━━━┳━━━━━━━━━━━━━━━━━━━┳━━━━━━━━━━┓\n"
        "┃   ┃ Code              ┃ Title    ┃\n"
        "┡━━━╇━━━━━━━━━━━━━━━━━━━╇━━━━━━━━━━┩\n"
        "│   │ Put in 4 ← GDJ-01 │          │\n"
        "│ ☐ │ B00009            │ 书GDJ-01 │\n"
        "│ ☐ │ B00010            │ 书GDJ-01 │\n"
        "│ ☐ │ B00011            │ 书GDJ-01 │\n"
        "│ ☐ │ B00012            │ 书GDJ-01 │\n"
        "└───┴───────────────────┴──────────┘\n"
    )


def test_lou_volunteer_sets_the_default_and_overdue_stands_out(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    later = {"LOU_VOLUNTEER": "wxl", "LOU_NOW": "2026-12-01T09:00:00"}
    run = ring.ok("task", "list", env=later)
    assert "Task 1 · round 1 · Sat 2026-11-28 · 尚和园 · overdue  ⚠ OVERDUE" in run.stdout


def test_every_volunteer_with_a_task_sees_it_and_nobody_works_while_away(lou: Lou) -> None:
    lou.ok("init", "--demo")
    lou.ok(
        "volunteer",
        "away",
        "V002",
        "--from",
        "2026-11-27",
        "--to",
        "2026-11-29",
        "--reason",
        "探亲",
    )
    lou.ok("volunteer", "away", "V003", "--from", "2026-11-01", "--to", "2026-12-31")
    tasks = lou.json("rotate", "apply")["tasks"]
    assert {t["volunteer"] for t in tasks}.isdisjoint({"V002", "V003"})
    for task in tasks:
        mine = lou.json("task", "list", "--volunteer", task["volunteer"])["tasks"]
        assert [t["id"] for t in mine] == [task["id"]]
    shown = lou.ok("volunteer", "show", "V002").stdout
    assert "2026-11-27 – 2026-11-29  探亲" in shown


def test_away_backwards_is_refused_and_clashes_are_named(ring: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    run = ring("volunteer", "away", "王秀兰", "--from", "2026-12-10", "--to", "2026-12-01")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ The end date 2026-12-01 is before the start date 2026-12-10.\n",
    )
    assert db_path.read_bytes() == before
    ring.ok("rotate", "apply")
    run = ring.ok("volunteer", "away", "王秀兰", "--from", "2026-11-28", "--to", "2026-11-28")
    assert run.stderr.endswith(
        "! 王秀兰 has task 1 in that time; hand it over with `lou task swap ID --to NAME`.\n"
    )
    ring.ok("volunteer", "away", "王秀兰", "--from", "2026-11-28", "--cancel")
    assert ring.json("volunteer", "show", "王秀兰")["away"] == []


def test_a_time_away_given_twice_stands_once(ring: Lou) -> None:
    """The same time away entered twice was stored twice (a newcomer's trial); one that
    begins the same day replaces it, as --cancel names it by that day."""
    for _ in range(2):
        ring.ok("volunteer", "away", "王秀兰", "--from", "2026-12-05", "--to", "2026-12-06")
    ring.ok("volunteer", "away", "王秀兰", "--from", "2026-12-05", "--to", "2026-12-08",
            "--reason", "探亲")  # fmt: skip
    ring.ok("volunteer", "away", "王秀兰", "--from", "2026-12-20", "--to", "2026-12-21")
    assert ring.json("volunteer", "show", "王秀兰")["away"] == [
        {"from": "2026-12-05", "to": "2026-12-08", "reason": "探亲"},
        {"from": "2026-12-20", "to": "2026-12-21", "reason": ""},
    ]


def test_a_name_from_lou_volunteer_that_is_not_found_says_where_it_came_from(
    ring: Lou, tmp_path: Path
) -> None:
    """A retiree who typed only `lou task list` did not know the name came from
    LOU_VOLUNTEER, set once on their machine (a newcomer's trial)."""
    env = {"LOU_VOLUNTEER": "王秀岚"}
    hint = (
        "  (The name came from the environment variable LOU_VOLUNTEER=王秀岚: correct it, "
        "or give --volunteer.)\n"
    )
    for args in (["task", "list"], ["schedule", "ics", str(tmp_path / "mine.ics")]):
        run = ring(*args, env={**env, "COLUMNS": "200"})
        assert (run.exit_code, run.stderr) == (
            1,
            "✗ No volunteer 王秀岚. Did you mean 王秀兰?\n" + hint,
        )
    typed = ring("task", "list", "--volunteer", "王秀岚", env=env)
    assert typed.stderr == "✗ No volunteer 王秀岚. Did you mean 王秀兰?\n"  # (typed: no hint)


def test_swaps(ring: Lou, db_path: Path) -> None:
    ring.ok("volunteer", "add", "赵春梅", "--site", "SHY")
    ring.ok("rotate", "apply")
    before = db_path.read_bytes()
    run = ring("task", "swap", "1", "--to", "李建国")
    assert run.stderr == (
        "✗ 李建国 does not serve site SHY; add --force to hand it to someone from another site.\n"
    )
    ring.ok(
        "volunteer",
        "away",
        "赵春梅",
        "--from",
        "2026-11-20",
        "--to",
        "2026-11-30",
        "--reason",
        "住院",
    )
    run = ring("task", "swap", "1", "--to", "赵春梅")
    assert run.stderr == (
        "✗ Cannot hand it to 赵春梅: 赵春梅 is away on 2026-11-28 (2026-11-20 to 2026-11-30, 住院).\n"
    )
    ring.ok("volunteer", "away", "赵春梅", "--from", "2026-11-20", "--cancel")
    ring.ok("volunteer", "away", "赵春梅", "--from", "2026-11-27", "--to", "2026-11-29")
    assert ring("task", "swap", "1", "--to", "赵春梅").stderr == (  # no reason: no bare "—"
        "✗ Cannot hand it to 赵春梅: 赵春梅 is away on 2026-11-28 (2026-11-27 to 2026-11-29).\n"
    )
    ring.ok("volunteer", "away", "赵春梅", "--from", "2026-11-27", "--cancel")
    assert db_path.read_bytes() != before
    swapped = ring.json("task", "swap", "1", "--to", "赵春梅")
    assert swapped["volunteer"] == "V003"
    forced = ring.json("task", "swap", "1", "--to", "李建国", "--force")
    assert forced["volunteer"] == "V002"
    assert [t["id"] for t in ring.json("task", "list", "--volunteer", "李建国")["tasks"]] == [1, 2]


def test_the_notice_names_every_task_of_the_round(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    assert ring.ok("--lang", "zh", "notice").stdout == (
        "【楼道图书角】第 1 轮图书轮换\n"
        "时间：11月28日（周六）\n"
        "请各位志愿者按以下安排轮换图书：\n"
        "任务 1｜王秀兰：尚和园 SHY-01→02（取出 8 册，放入 8 册）；社区图书室：取 4 册，送回 4 册\n"
        "任务 2｜李建国：供电局家属院 GDJ-01（取出 4 册，放入 4 册）；社区图书室：取 4 册，送回 4 册\n"
        "完成后请运行 lou task done 任务号（没见到的书用 --missing 写上），或告诉管理员。谢谢大家！\n"
    )
    assert ring("notice", "--round", "7").stderr == "✗ There is no round 7.\n"


def test_calendar_has_one_event_per_task_with_stable_ids(ring: Lou, tmp_path: Path) -> None:
    ring.ok("rotate", "apply")
    first, second = tmp_path / "a.ics", tmp_path / "b.ics"
    ring.ok("schedule", "ics", str(first))
    ring.ok("schedule", "ics", str(second), env={"LOU_NOW": "2026-11-25T10:00:00"})
    events = list(Calendar.from_ical(first.read_bytes()).walk("VEVENT"))
    assert [str(e["summary"]) for e in events] == [
        "Book rotation round 1: 尚和园 (王秀兰)",
        "Book rotation round 1: 供电局家属院 (李建国)",
    ]
    assert all(e.decoded("dtstart").isoformat() == "2026-11-28" for e in events)
    assert all(len(e.walk("VALARM")) == 1 for e in events)
    again = [str(c["uid"]) for c in Calendar.from_ical(second.read_bytes()).walk("VEVENT")]
    assert again == [str(e["uid"]) for e in events]
    mine = tmp_path / "mine.ics"
    ring.ok("schedule", "ics", str(mine), "--volunteer", "V002")
    assert len(Calendar.from_ical(mine.read_bytes()).walk("VEVENT")) == 1
    # the library room by its name, not its code with an empty place (a newcomer's trial)
    zh = tmp_path / "zh.ics"
    ring.ok("--lang", "zh", "schedule", "ics", str(zh), "--volunteer", "V002")
    (event,) = Calendar.from_ical(zh.read_bytes()).walk("VEVENT")
    assert str(event["description"]) == (
        "社区图书室：取出 4 册，放入 0 册\nGDJ-01（1栋 1单元）：取出 4 册，放入 4 册\n"
        "社区图书室：取出 0 册，放入 4 册\n完成后：lou task done 2"
    )


def test_printable_pick_lists(ring: Lou, tmp_path: Path) -> None:
    ring.ok("book", "edit", "B00001", "--title", "<script>alert(1)</script>")
    ring.ok("rotate", "apply")
    page = tmp_path / "pick.html"
    run = ring.ok("task", "list", "--output", str(page))
    assert run.stderr == f"✓ Wrote {page}: pick lists: 2 (open in a browser and print on A4).\n"
    text = page.read_text(encoding="utf-8")
    assert text.count('<section class="person">') == 2
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text
    assert "http://" not in text and "https://" not in text
    assert "@page { size: A4" in text


def test_the_load_stays_even_with_a_tenth_of_the_volunteers_away(lou: Lou) -> None:
    lou.ok("init", "--demo")
    args = ("--rounds", "26", "--loss", "0.02", "--donations", "15", "--away", "0.1")
    totals = lou.json("rotate", "simulate", *args)["totals"]
    assert totals["max_min_load"] <= 1.5
    assert totals["freshness"] >= 0.99


def test_a_mistyped_volunteer_code_suggests_codes_not_names(small: Lou) -> None:
    """A code (V0001 for V001) is weighed against the codes; the names are not searched
    (their pinyin took 1.3 s at 1,319 volunteers on a county's network)."""
    run = small("volunteer", "show", "V0001")
    assert (run.exit_code, run.stderr) == (1, "✗ No volunteer V0001. Did you mean V001, V002?\n")
    run = small("--lang", "zh", "task", "list", "--volunteer", "v9")
    assert (run.exit_code, run.stderr) == (1, "✗ 没有志愿者 v9。\n")
    assert small.json("volunteer", "show", "wxl")["code"] == "V001"  # pinyin initials: a name
    small.ok("volunteer", "add", "王芳2", "--site", "SHY")  # a namesake numbered by hand
    assert small.json("volunteer", "show", "wf2")["code"] == "V003"
