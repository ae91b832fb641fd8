"""The fortnightly rotation, end to end: plan, apply, report back, undo, simulate."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lou_library import planner, rotation
from lou_library.catalogue import add_book, edit_book
from lou_library.demo import build_demo, empty_document
from lou_library.network import DEPOT, add_box, add_site, add_volunteer
from lou_library.records import BOOKS
from lou_library.store import encode, open_store, read_backup
from lou_library.tinyrepo import TinyRepository
from tests.conftest import Lou


def _places(lou: Lou) -> dict[str, str | None]:
    return {b["code"]: b["box"] for b in lou.json("book", "list", "--limit", "500")["books"]}


def test_each_walk_goes_from_the_library_room_along_its_boxes_and_back(
    ring: Lou, db_path: Path
) -> None:
    before = db_path.read_bytes()
    plan = ring.json("rotate", "plan")
    assert db_path.read_bytes() == before  # a preview writes nothing
    assert (plan["round"], plan["date"]) == (1, "2026-11-28")
    moves = [(m["book"], m["from"], m["to"]) for m in plan["moves"]]
    assert moves == [
        # 尚和园's walk: library room -> SHY-01 -> SHY-02 -> library room. The first box
        # gets four books, one copy of a title each (库存 once, not twice)
        *((code, DEPOT, "SHY-01") for code in ("B00013", "B00015", "B00016", "B00017")),
        *((f"B0000{n}", "SHY-01", "SHY-02") for n in range(1, 5)),  # its batch one box on
        *((f"B0000{n}", "SHY-02", DEPOT) for n in range(5, 9)),  # the last box's, home
        # 供电局家属院's walk: one box
        *((code, DEPOT, "GDJ-01") for code in ("B00014", "B00018", "B00019", "B00020")),
        *((f"B000{n:02d}", "GDJ-01", DEPOT) for n in range(9, 13)),
    ]
    assert plan["figures"] == {
        "moves": 20, "arrivals": 12, "fresh": 12, "freshness": 1.0, "inside_site": 0.2,
        "from_depot": 8, "to_depot": 8, "tasks": 2, "short": 0, "over_capacity": 0,
        "newly_lost": 0, "title_freshness": 0.75, "handovers": 0, "heaviest_leg": 4,
        "most_from_depot": 4, "unassigned": 0, "fill_share": 1.0,
        "changed_box": 4, "stay_in_site": 1.0,
    }  # fmt: skip
    # SHY-02 gets four copies of one title: three of them count as titles it shows already
    tasks = [
        (t["site"], t["volunteer"], t["boxes"], t["books"], t["heaviest_leg"])
        for t in plan["tasks"]
    ]
    assert tasks == [
        ("SHY", "V001", ["SHY-01", "SHY-02"], 16, 4),
        ("GDJ", "V002", ["GDJ-01"], 8, 4),
    ]
    first = plan["tasks"][0]["stops"][0]
    assert first == {
        "box": "SHY-01",
        "take_out": [[f"B0000{n}", "SHY-02"] for n in range(1, 5)],
        "put_in": [[code, DEPOT] for code in ("B00013", "B00015", "B00016", "B00017")],
    }


def test_plan_table(ring: Lou) -> None:
    run = ring.ok("rotate", "plan")
    assert run.stdout == (
        "                      Round 1 · Sat 2026-11-28                       \n"
        "┏━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━┓\n"
        "┃ ID ┃ Site         ┃ Volunteer ┃ Route (boxes) ┃ Take out ┃ Put in ┃\n"
        "┡━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━╇━━━━━━━━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━┩\n"
        "│  1 │ 尚和园       │ 王秀兰    │ SHY-01 → 02   │        8 │      8 │\n"
        "│  2 │ 供电局家属院 │ 李建国    │ GDJ-01        │        4 │      4 │\n"
        "└────┴──────────────┴───────────┴───────────────┴──────────┴────────┘\n"
    )
    assert run.stderr == (
        "20 books move, 20.0% inside their site (100.0% of the books changing box stay in their "
        "site); 8 come from the depot and 8 go back to it; "
        "freshness 100.0% (titles 75.0%); at most 4 books in hand.\n"
        "This is a preview; nothing was written. Run `lou rotate apply` to carry it out.\n"
    )


def test_a_library_room_with_nothing_for_a_box_sends_the_last_box_back_to_it(
    ring: Lou,
) -> None:
    """No book in the library room: 尚和园's walk ends where it began (SHY-02's books go to
    SHY-01); 供电局家属院's one box keeps its books."""
    for n in range(13, 23):
        ring.ok("book", "withdraw", f"B000{n}")
    plan = ring.json("rotate", "plan")
    moves = [(m["book"], m["from"], m["to"]) for m in plan["moves"]]
    assert moves == [
        *((f"B0000{n}", "SHY-01", "SHY-02") for n in range(1, 5)),
        *((f"B0000{n}", "SHY-02", "SHY-01") for n in range(5, 9)),
    ]
    [walk] = plan["tasks"]
    assert walk["boxes"] == ["SHY-01", "SHY-02", "SHY-01"]
    assert [(s["box"], len(s["take_out"]), len(s["put_in"])) for s in walk["stops"]] == [
        ("SHY-01", 4, 0),  # take its books out; nothing to put in yet
        ("SHY-02", 4, 4),
        ("SHY-01", 0, 4),  # back at the first box with the last box's books
    ]
    assert ring.ok("rotate", "plan").stdout.count("SHY-01 → 02 → 01") == 1


def test_apply_moves_books_stores_tasks_and_refuses_twice(ring: Lou, db_path: Path) -> None:
    applied = ring.json("rotate", "apply")
    assert [t["id"] for t in applied["tasks"]] == [1, 2]
    places = _places(ring)
    assert [places[f"B0000{n}"] for n in (1, 5)] == ["SHY-02", None]
    assert places["B00013"] == "SHY-01"
    assert [b["reason"] for b in ring.json("db", "restore")["backups"]] == ["apply"]
    ring.ok("db", "check")
    before = db_path.read_bytes()
    run = ring("rotate", "apply")
    assert run.exit_code == 1
    assert run.stderr == (
        "✗ Round 1 (2026-11-28) is already applied and still ahead; apply the next one after it. "
        "To redo it, `lou rotate undo` first.\n"
    )
    assert db_path.read_bytes() == before


def test_task_list_and_show(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    tasks = ring.json("task", "list", "--volunteer", "王秀兰")["tasks"]
    assert [(t["id"], t["date"], t["boxes"], t["status"]) for t in tasks] == [
        (1, "2026-11-28", ["SHY-01", "SHY-02"], "open")
    ]
    shown = ring.ok("task", "show", "2").stdout
    assert "B00014 ← depot" in shown and "B00009 → depot" in shown, shown


def test_undo_restores_the_file_byte_for_byte(ring: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    ring.ok("rotate", "apply")
    assert ring.ok("rotate", "undo").stderr == (
        "✓ Round 1 (2026-11-28) undone; the catalogue is back as it was.\n"
    )
    assert db_path.read_bytes() == before


def test_undo_of_a_second_round_restores_the_first_round_without_its_undo_data(
    ring: Lou, db_path: Path
) -> None:
    """A round keeps what undoing that one round needs and nothing of earlier rounds, so
    once round 2 is applied round 1 can no longer be undone, even after undoing round 2."""
    ring.ok("rotate", "apply")
    after_first = orjson.loads(db_path.read_bytes())
    later = {"LOU_NOW": "2026-12-01T09:00:00"}
    ring.ok("rotate", "apply", env=later)
    assert all("rounds" not in r.get("undo", {}) for r in ring_rounds(db_path))
    assert [("undo" in r) for r in ring_rounds(db_path)] == [False, True]
    ring.ok("rotate", "undo", env=later)
    for record in after_first["rounds"].values():
        del record["undo"]
    assert orjson.loads(db_path.read_bytes()) == after_first
    run = ring("rotate", "undo", env=later)
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Round 1 can no longer be undone: lou keeps undo data for the last round applied "
        "only, and this round's is gone (a later round was applied, or the file comes from an "
        "older version).\n",
    )


def ring_rounds(db_path: Path) -> list[dict[str, Any]]:
    rounds = orjson.loads(db_path.read_bytes())["rounds"].values()
    return sorted(rounds, key=lambda r: int(r["number"]))


def test_undo_is_refused_once_a_task_is_done(ring: Lou, db_path: Path) -> None:
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1")
    before = db_path.read_bytes()
    run = ring("rotate", "undo")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Round 1 cannot be undone: books have moved (tasks done: 1). If only its date is "
        "wrong, lou rotate redate DATE corrects it.\n",
    )
    assert db_path.read_bytes() == before


def test_reported_missing_books_are_not_seen_then_lost_then_found(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    done = ring.json("task", "done", "2", "--missing", "B00009,b00010")
    assert done["missing"] == ["B00009", "B00010"]
    book = ring.json("book", "show", "B00009")
    assert (book["status"], book["box"], book["last_box"]) == ("not_seen", None, "GDJ-01")
    run = ring("task", "done", "1", "--missing", "B00009")
    assert run.exit_code == 1
    assert run.stderr == "✗ B00009 is not on the list of task 1.\n"
    ring.ok("book", "found", "B00010", "--box", "SHY-01")
    days = ["2026-12-02", "2026-12-16", "2026-12-30"]
    for day in days:
        plan = ring.json("rotate", "apply", env={"LOU_NOW": f"{day}T09:00:00"})
        assert all(m["book"] != "B00009" for m in plan["moves"])  # missing books stay put
    assert plan["newly_lost"] == ["B00009"]
    assert ring.json("book", "show", "B00009")["status"] == "lost"
    events = ring.json("book", "history", "B00009")["events"]
    assert [(e["action"], e.get("from"), e.get("note")) for e in events] == [
        ("added", None, None),
        ("rotated", "GDJ-01", "round 1"),  # the round's move, read back from its record
        ("not_seen", "GDJ-01", "task 2"),  # ... which the volunteer did not find
        ("lost", None, "round 4"),
    ]


def test_task_done_twice_is_refused(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "2")
    run = ring("task", "done", "2")
    assert run.stderr == (
        "✗ Task 2 was reported done at 2026-11-24 09:30:00; to add a forgotten book, "
        "`lou task done 2 --amend --missing CODE`.\n"
    )


def test_status_and_history(ring: Lou) -> None:
    assert ring.json("rotate", "status") == {
        "round": None,
        "next_round": 1,
        "next_date": "2026-11-28",
    }
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1")
    status = ring.json("rotate", "status")
    assert (status["round"], status["done"], status["open"], status["overdue"]) == (1, 1, 1, 0)
    late = ring.json("rotate", "status", env={"LOU_NOW": "2026-12-01T09:00:00"})
    assert (late["overdue"], late["next_round"], late["next_date"]) == (1, 2, "2026-12-12")
    rounds = ring.json("rotate", "history")["rounds"]
    assert [(r["round"], r["moves"], r["done"], r["open"]) for r in rounds] == [(1, 20, 1, 1)]


def test_schedule_skips_holidays_when_asked(ring: Lou) -> None:
    ring.ok("schedule", "set", "--start", "2026-09-19", "--skip-holidays")
    found = ring.json("schedule", "show", "--rounds", "2", env={"LOU_NOW": "2026-09-01T09:00:00"})
    assert found["rounds"] == [
        {"round": 1, "date": "2026-09-19", "planned_date": "2026-09-19", "moved_because": ""},
        {
            "round": 2,
            "date": "2026-09-30",
            "planned_date": "2026-10-03",
            "moved_because": "National Day",
        },
    ]
    chinese = ring.ok("--lang", "zh", "schedule", "show", "--rounds", "2",
                      env={"LOU_NOW": "2026-09-01T09:00:00"}).stdout  # fmt: skip
    assert "原定 2026-10-03，因“国庆节”改到 2026-09-30。" in chinese


def test_a_site_without_volunteers_borrows_a_neighbour_and_says_so(ring: Lou) -> None:
    ring.ok("volunteer", "retire", "李建国")
    run = ring.ok("rotate", "plan")
    assert (
        "No volunteer of site GDJ is available that day; 王秀兰 of the neighbouring site SHY is proposed."
        in run.stderr
    )
    assert "王秀兰 (SHY)" in run.stdout


def _meets_the_goals(result: dict[str, Any]) -> None:
    """The planner's measured goals (issue 16), as `simulate --json` reports them."""
    # two copies of a title in one box: only the demo's reading room (TXHF-07), dealt
    # sets of 十万个为什么 at the start; it sends one copy of a title a round and keeps the
    # others, so no round puts two copies into any box
    assert max(r["double_titles"] for r in result["rounds"]) <= 1
    totals = result["totals"]
    assert totals["double_titles"] == 0
    assert totals["freshness"] >= 0.99  # copies new to the box within a year
    assert totals["title_freshness"] >= 0.90  # titles new to the box within half a year
    assert totals["handovers_per_round"] == 0  # every walk stands alone
    assert totals["heaviest_leg"] <= 30 and totals["most_from_depot"] <= 60
    assert totals["unassigned"] == 0
    # of the books that change box (straight, or through the library room), those whose
    # new box is in the site of their last; counted by the carry (to and from the library
    # room too) a walk's books leave it through the library room, so fewer stay inside
    assert totals["stay_in_site"] >= 0.85
    assert totals["inside_site"] >= 0.65
    assert totals["max_min_load"] <= 1.5
    assert totals["capacity_violations"] == 0
    assert totals["books_created"] == 0
    assert totals["books_lost_by_software"] == 0


def test_simulate_on_the_demo_meets_the_targets(lou: Lou, db_path: Path) -> None:
    """A year of rounds on the demo network with 2 % of the books a walk handles missing:
    without any intake; with 10 % of the volunteers away; and with the 15 books a round the
    forecast says the programme must take in to keep up."""
    lou.ok("init", "--demo")
    before = db_path.read_bytes()
    args = ("rotate", "simulate", "--rounds", "26", "--loss", "0.02")
    result = lou.json(*args)
    assert len(result["rounds"]) == 26
    _meets_the_goals(result)
    assert 150 <= result["totals"]["forecast"]["books_per_half_year"] <= 250
    _meets_the_goals(lou.json(*args, "--away", "0.1"))
    _meets_the_goals(lou.json(*args, "--donations", "15"))
    assert db_path.read_bytes() == before


# ----------------------------------------------------------------------- properties


@st.composite
def networks(draw: st.DrawFn) -> dict[str, Any]:
    sites = draw(st.integers(1, 3))
    boxes = [draw(st.lists(st.integers(2, 9), min_size=1, max_size=4)) for _ in range(sites)]
    fills = [[draw(st.integers(0, cap)) for cap in site] for site in boxes]
    return {
        "boxes": boxes,
        "fills": fills,
        "depot": draw(st.integers(0, 8)),
        "volunteers": [draw(st.integers(0, 2)) for _ in range(sites)],
        "missing": draw(st.lists(st.floats(0, 0.3), min_size=3, max_size=3)),
        "repair": draw(st.booleans()),
        # a short memory, so that rounds also forget (and undo must bring it back)
        "window": draw(st.sampled_from([1, 2, 26])),
    }


def _build(spec: dict[str, Any]) -> TinyRepository:
    document = empty_document()
    document["_meta"]["1"]["settings"] = {"rotation": {"window": spec.get("window", 26)}}
    db = TinyRepository.in_memory(document)
    for s, (caps, fills) in enumerate(zip(spec["boxes"], spec["fills"], strict=True)):
        site = add_site(db, f"片区{s}", "compound" if s % 2 == 0 else "yard", code=f"S{s}")
        for b, (cap, fill) in enumerate(zip(caps, fills, strict=True)):
            box = add_box(db, site["code"], f"{b}号楼", "1单元", capacity=cap)
            if fill:
                add_book(db, title=f"书{s}-{b}", box=box["code"], copies=fill)
        for v in range(spec["volunteers"][s]):
            add_volunteer(db, f"志愿者{s}-{v}", sites=[site["code"]])
    if spec["depot"]:
        add_book(db, title="库存", copies=spec["depot"])
    if spec["repair"]:
        from lou_library.network import edit_box

        edit_box(db, "S0-01", status="repair")
    return db


def _snapshot(db: TinyRepository) -> bytes:
    """The document as undo must give it back: an apply drops the undo data of the round
    before it (only the last round can be undone), and an undo does not bring it back."""
    data = orjson.loads(orjson.dumps(db.document()))
    for record in data.get("rounds", {}).values():
        record.pop("undo", None)
    return encode(data)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.randoms(use_true_random=False))
def test_rounds_never_create_duplicate_or_lose_a_book_and_undo_is_exact(
    spec: dict[str, Any], rng: Any
) -> None:
    from datetime import date, timedelta

    db = _build(spec)
    day = date(2026, 12, 5)
    capacity = {b["code"]: b["capacity"] for b in db.all("boxes")}
    for share in spec["missing"]:
        before_books = {b["code"]: dict(b) for b in db.all(BOOKS)}
        try:
            plan = rotation.plan_round(db, on=day)
        except Exception as exc:  # only a network with no box in use may refuse
            assert "no boxes in use" in str(exc)
            return
        snapshot = _snapshot(db)
        rotation.apply_round(db, plan)
        after = {b["code"]: b for b in db.all(BOOKS)}
        assert set(after) == set(before_books)  # nothing created, nothing lost
        moved = [m[0] for m in plan.moves]
        assert len(moved) == len(set(moved))  # no book moves twice in a round
        for code, old in before_books.items():
            if old["status"] in ("not_seen", "lost", "withdrawn"):
                assert code not in moved
            if old["status"] in ("in_box", "in_depot"):
                assert after[code]["status"] in ("in_box", "in_depot")
        counts: dict[str, int] = {}
        for book in after.values():
            if book["status"] == "in_box":
                counts[book["box"]] = counts.get(book["box"], 0) + 1
        for code, n in counts.items():
            assert n <= capacity[code], (code, n)
        # undo is exact, then apply again to go on
        rotation.undo_last(db)
        assert _snapshot(db) == snapshot
        rotation.apply_round(db, plan)
        for task in rotation.list_tasks(db, round_number=plan.number):
            books = sorted(rotation.task_books(task))
            rotation.complete_task(
                db, task["id"], missing=[b for b in books if rng.random() < share]
            )
        day += timedelta(days=14)


def test_plans_sharing_a_recollection_are_the_plans_made_without_one() -> None:
    """`rotate simulate` plans round after round with one planner.Recollection: each plan
    is exactly the one made from scratch, while the boxes forget their oldest rounds (a
    memory of 3 rounds here), when a donation changes a box's memory, after a book changes
    its title, and when it may keep only a few rounds' books."""
    from datetime import date, timedelta

    from lou_library.catalogue import donate
    from lou_library.records import set_settings
    from lou_library.records import settings as read_settings

    db = TinyRepository.in_memory(build_demo())
    current = read_settings(db)
    current["rotation"] = {**current.get("rotation", {}), "window": 3}
    set_settings(db, current)
    shared, small = planner.Recollection(), planner.Recollection()
    small.KEPT = 300
    day = date(2026, 3, 2)
    for number in range(1, 8):
        if number == 5:  # a book in a box's memory takes another book's title
            moved = next(b for b in db.all(BOOKS) if b["status"] == "in_box")
            other = next(b for b in db.all(BOOKS) if b["title"] != moved["title"])
            edit_book(db, moved["code"], title=other["title"])
        plan = rotation.plan_round(db, on=day)
        for recollection in (shared, small):
            again = rotation.plan_round(db, day, recollection)
            assert again.number == number
            assert again.moves == plan.moves
            assert rotation.plan_figures(again) == rotation.plan_figures(plan)
        rotation.apply_round(db, plan)
        box = sorted(plan.final_counts)[number]
        donate(db, box=box, title=f"捐赠图书 {number}")
        day += timedelta(days=14)


def test_an_empty_library_room_closes_each_walk_into_a_loop() -> None:
    """No library room books: each walk's last box's books go back to its first box. A
    walk of five boxes then stays fresh for four rounds, one of four for three; then the
    boxes get books they had rather than stay empty."""
    from datetime import date, timedelta

    spec = {"boxes": [[6] * 5, [6] * 4], "fills": [[4] * 5, [4] * 4], "depot": 0,
            "volunteers": [1, 1], "missing": [], "repair": False}  # fmt: skip
    db = _build(spec)
    day = date(2026, 12, 5)
    fresh = []
    for _ in range(5):
        plan = rotation.plan_round(db, on=day)
        assert [t.boxes[0] == t.boxes[-1] for t in plan.tasks] == [True, True]
        assert plan.arrivals == 36 and set(plan.final_counts.values()) == {4}
        fresh.append(plan.fresh)
        rotation.apply_round(db, plan)
        day += timedelta(days=14)
    assert fresh == [36, 36, 36, 20, 0]


def test_migration_1_to_2_drops_the_stored_pick_lists(ring: Lou, db_path: Path) -> None:
    ring.ok("rotate", "apply")
    native = db_path.read_bytes()
    data = orjson.loads(native)
    shown = {t["id"]: t for t in ring.json("task", "list", "--round", "1")["tasks"]}
    for task in data["tasks"].values():  # the way schema 1 stored a task
        stored: dict[str, Any] = {}
        for key, value in task.items():
            stored[key] = value
            if key == "boxes":
                stored["stops"] = shown[task["id"]]["stops"]
        task.clear()
        task.update(stored)
    data["_meta"]["1"]["schema_version"] = 1
    db_path.write_bytes(encode(data))
    assert ring("task", "list").exit_code == 1  # an older schema asks for migrate
    ring.ok("db", "migrate")
    assert db_path.read_bytes() == native
    assert ring.json("task", "show", "1")["stops"] == shown[1]["stops"]


def test_the_next_round_warns_about_walks_not_reported(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1")
    assert "not reported done" not in ring.ok("rotate", "plan").stderr  # the walks are ahead
    run = ring.ok("rotate", "plan", env={"LOU_NOW": "2027-01-20T09:00:00"})  # rounds later
    assert "Round 1 has walks not reported done yet: 1 (task 2)." in run.stderr
    run = ring.ok("rotate", "plan", env={"LOU_NOW": "2026-12-02T09:00:00"})
    assert run.stderr.splitlines()[-2] == (
        "! Round 1 has walks not reported done yet: 1 (task 2). This round assumes they "
        "were walked as listed; ask, and report them with `lou task done`."
    )
    ring.ok("task", "done", "2")
    run = ring.ok("rotate", "plan", env={"LOU_NOW": "2026-12-02T09:00:00"})
    assert "not reported done" not in run.stderr


def test_task_done_says_only_what_happened(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    assert ring.ok("task", "done", "2").stderr == "✓ Task 2 done, thank you!\n"
    run = ring.ok("--lang", "zh", "task", "done", "1", "--missing", "B00001")
    assert run.stderr == "✓ 任务 1 已完成，谢谢！1 册未见。\n"


def test_undo_is_refused_once_anything_else_changed(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    ring.ok("donate", "--box", "SHY-01", "--title", "新捐的书")
    before = ring.snapshot()
    run = ring("rotate", "undo")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Round 1 cannot be undone: other changes were made after it (donations, new books, "
        "edits, the schedule) and an undo would erase them. Correct the books one by one, or "
        "bring back the backup taken before it with `lou db restore` (later changes are lost).\n",
    )
    assert ring.snapshot() == before
    ring.ok("donate", "--box", "SHY-02", "--title", "又一本")
    codes = [b["code"] for b in ring.json("book", "list", "--limit", "100")["books"]]
    assert len(codes) == len(set(codes))  # no code given twice
    ring.ok("db", "check")


def test_a_schedule_change_after_a_round_also_blocks_its_undo(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    ring.ok("schedule", "set", "--skip-holidays")
    assert ring("rotate", "undo").exit_code == 1


def test_a_book_reported_missing_twice_counts_once(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    done = ring.json("task", "done", "1", "--missing", "B00001,b00001", "--missing", "B00001")
    assert done["missing"] == ["B00001"]


def test_simulate_follows_the_schedule_and_its_holidays(ring: Lou) -> None:
    early = {"LOU_NOW": "2026-09-01T09:00:00"}
    ring.ok("schedule", "set", "--start", "2026-09-19", "--skip-holidays", env=early)
    shown = ring.json("schedule", "show", "--rounds", "3", env=early)
    simulated = ring.json("rotate", "simulate", "--rounds", "3", env=early)
    assert [r["date"] for r in simulated["rounds"]] == [r["date"] for r in shown["rounds"]] == [
        "2026-09-19", "2026-09-30", "2026-10-17",
    ]  # fmt: skip


def test_a_round_nobody_can_walk_is_refused_unless_allowed(ring: Lou, db_path: Path) -> None:
    """Every volunteer away on the round's day: the round is not applied (exit 1, the sites
    named, the file unchanged) until the manager says to apply it anyway."""
    day = ring.json("rotate", "plan")["date"]
    for name in ("王秀兰", "李建国"):
        ring.ok("volunteer", "away", name, "--from", day, "--to", day)
    before = db_path.read_bytes()
    run = ring("rotate", "apply")
    assert run.exit_code == 1
    assert run.stderr == (
        "✗ Round 1 has 2 walks nobody can take (尚和园, 供电局家属院): nothing was applied. "
        "Find volunteers first (lou volunteer away --cancel, lou volunteer add), or add "
        "--allow-unassigned to apply it anyway.\n"
    )
    assert db_path.read_bytes() == before
    zh = ring("--lang", "zh", "rotate", "apply")
    assert zh.exit_code == 1
    assert "没有人负责（尚和园，供电局家属院）" in zh.stderr
    applied = ring.json("rotate", "apply", "--allow-unassigned")
    assert [t["volunteer"] for t in applied["tasks"]] == [None, None]
    assert ring.json("rotate", "status")["round"] == 1


def test_a_hand_over_is_counted_when_one_walk_puts_in_what_another_took_out() -> None:
    """The figure `simulate` and `rotate plan` report (0 for the walks lou plans)."""
    from datetime import date

    def task(site: str, boxes: list[str], moves: list[tuple[str, str, str]]) -> Any:
        return rotation.TaskPlan(site, boxes, moves)

    walks = [
        task("A", ["A-1", "A-2"], [("b1", "A-1", "A-2"), ("b2", "A-2", "B-1")]),  # into B's box
        task("B", ["B-1"], [("b3", "B-1", DEPOT), ("b4", DEPOT, "B-1")]),
    ]
    day = date(2026, 12, 5)
    plan = rotation.Plan(1, day, day, "", [m for t in walks for m in t.moves], walks,
                         4, 4, 4, 1, 1, 1, {}, [], [], [], {})  # fmt: skip
    assert plan.handovers == 1
    walks[0].moves[1] = ("b2", "A-2", DEPOT)
    assert plan.handovers == 0


def test_simulate_leaves_the_cycle_collector_as_it_was() -> None:
    """The simulation turns Python's cycle collector off while it plays (for speed) and
    gives it back as it found it, on or off."""
    import gc

    from lou_library.simulate import simulate

    data = build_demo()
    assert gc.isenabled()
    assert simulate(data, 1).rounds[0].round == 1
    assert gc.isenabled()
    gc.disable()
    try:
        simulate(data, 1)
        assert not gc.isenabled()
    finally:
        gc.enable()


def _apply_then(change: Any) -> Any:
    """rotation.apply_round, then ``change(db)``: a bug in the software, as the simulation
    must see it."""

    def applied(db: Any, plan: Any, command: str = "rotate apply") -> Any:
        record = _APPLY_ROUND(db, plan, command=command)
        change(db)
        return record

    return applied


_APPLY_ROUND = rotation.apply_round


def test_simulate_counts_the_books_the_software_creates_or_loses(
    ring: Lou, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A book an apply takes off the shelf, one it drops (off the shelf too, so twice)
    and one it makes up are counted, whether the apply changed the records in place or
    put others in their place."""
    args = ("rotate", "simulate", "--rounds", "1")
    assert ring.json(*args)["totals"]["books_lost_by_software"] == 0

    def off_the_shelf(db: Any) -> None:  # the records themselves changed
        db.update(BOOKS, {"B00001": {"status": "withdrawn", "box": None}})

    monkeypatch.setattr(rotation, "apply_round", _apply_then(off_the_shelf))
    totals = ring.json(*args)["totals"]
    assert (totals["books_lost_by_software"], totals["books_created"]) == (1, 0)

    def dropped_and_made_up(db: Any) -> None:  # the table's records are others
        db.remove(BOOKS, ["B00002"])
        db.add(BOOKS, [{**db.get(BOOKS, "B00003"), "code": "B09999"}])

    monkeypatch.setattr(rotation, "apply_round", _apply_then(dropped_and_made_up))
    totals = ring.json(*args)["totals"]
    assert (totals["books_lost_by_software"], totals["books_created"]) == (2, 1)


def test_the_simulated_reports_handle_each_task_s_books_as_its_pick_list_lists_them() -> None:
    """`rotate simulate` takes a task's books from the round's moves (simulate.task_books),
    not from the pick list `task list` shows (rotation.task_books): the two agree, round
    after round, with books missing, coming back and donated."""
    from datetime import date, timedelta

    from lou_library import simulate
    from lou_library.catalogue import donate, found_book

    db = TinyRepository.in_memory(build_demo())
    day = date(2026, 3, 2)
    for number in range(1, 7):
        plan = rotation.plan_round(db, on=day)
        rotation.apply_round(db, plan)
        books_of = simulate.task_books(plan.moves)
        tasks = rotation.list_tasks(db, round_number=plan.number)
        assert tasks
        for task in tasks:
            expected = rotation.task_books(task)
            assert books_of(task) == expected, task["id"]
            missing = sorted(expected)[:: 7 + number]
            rotation.complete_task(db, task["id"], missing=missing)
        for code in sorted(b["code"] for b in db.where(BOOKS, "status", "not_seen"))[::2]:
            found_book(db, code, None)
        donate(db, box="SHY-01", title=f"捐赠{number}")
        day += timedelta(days=14)


def _backup_folder(lou: Lou) -> Path:
    return open_store(str(lou.db)).backup_dir


def test_a_round_whose_backup_fails_changes_nothing_and_leaves_no_backup(ring: Lou) -> None:
    """The backup before a round is taken while the round is worked out (on a server, from
    the write's snapshot): if it cannot be saved, the round is not applied (nor undone)."""
    where = open_store(str(ring.db)).where
    failed = (
        f"✗ Could not back up the database {where}: File exists. To be safe, nothing was changed.\n"
    )
    folder = _backup_folder(ring)
    folder.parent.mkdir(parents=True, exist_ok=True)
    folder.write_text("not a folder")  # where the backups go, a file: mkdir fails
    before = ring.snapshot()
    run = ring("rotate", "apply")
    assert (run.exit_code, run.stderr) == (1, failed)
    assert ring.snapshot() == before
    folder.unlink()

    applied = ring.snapshot()
    ring.ok("rotate", "apply")
    assert [b["reason"] for b in ring.json("db", "restore")["backups"]] == ["apply"]
    refused = ring("rotate", "apply")  # refused once planned: no backup is made, none is left
    assert refused.exit_code == 1
    assert sorted(p.name for p in folder.iterdir()) == [
        b["name"] for b in ring.json("db", "restore")["backups"]
    ]
    (saved,) = folder.iterdir()
    assert read_backup(saved) == applied

    after = ring.snapshot()
    folder.rename(folder.with_name("elsewhere"))
    folder.write_text("not a folder")
    run = ring("rotate", "undo")
    assert (run.exit_code, run.stderr) == (1, failed)
    assert ring.snapshot() == after


def _backup_process_hook(monkeypatch: pytest.MonkeyPatch, folder: Path, dump: str) -> None:
    """The server's backup process, when it begins, runs ``dump`` (Python, after ``import
    errno, os, signal``) instead of writing the backup: a ``sitecustomize`` of its own."""
    folder.mkdir()
    (folder / "sitecustomize.py").write_text(
        "import errno, os, signal\n"
        "from lou_library import pgstore\n\n"
        f"def dump(*_args):\n    {dump}\n\n"
        "pgstore._dump = dump\n"
    )
    monkeypatch.setenv(
        "PYTHONPATH", os.pathsep.join([str(folder), os.environ.get("PYTHONPATH", "")])
    )


@pytest.mark.parametrize(
    ("dump", "reason"),
    [
        ("raise OSError(errno.ENOSPC, 'No space left on device')", "No space left on device"),
        (
            "os.kill(os.getpid(), signal.SIGKILL)",
            "its process was stopped by signal 9 (as the system does when memory runs out)",
        ),
    ],
    ids=["disk full", "killed"],
)
def test_a_backup_that_fails_while_it_is_written_changes_nothing(
    ring: Lou, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, dump: str, reason: str
) -> None:
    """On a server the backup is written by a process of its own: a failure there (the
    disk full, the process killed) fails the round as one in the command's own process
    did: one line, no table, nothing changed, and no file left."""
    if ring.backend != "postgresql":
        pytest.skip("the server's backup before a round is written by a process of its own")
    _backup_process_hook(monkeypatch, tmp_path / "hook", dump)
    before = ring.snapshot()
    run = ring("rotate", "apply")
    assert (run.exit_code, run.stdout, run.stderr) == (
        1,
        "",
        f"✗ Could not back up the database {ring.db}: {reason}. To be safe, nothing was changed.\n",
    )
    assert ring.snapshot() == before
    assert list(_backup_folder(ring).iterdir()) == []


def test_a_round_that_would_move_no_book_is_refused(lou: Lou, db_path: Path) -> None:
    """A box and a volunteer but no book anywhere: applying the round would store a round
    that changes nothing, which undo refuses once anything else changes (a book imported)
    and apply refuses until its date. It is refused, the file unchanged."""
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("box", "add", "--site", "SHY", "--building", "1号楼", "--unit", "1单元")
    lou.ok("volunteer", "add", "王秀兰", "--site", "SHY")
    before = db_path.read_bytes()
    plan = lou.ok("rotate", "plan")  # the preview says so, rather than "run apply"
    assert plan.stderr.splitlines()[-1] == (
        "! This is a preview; nothing was written. This round would move no book, so `lou "
        "rotate apply` will not apply it: add books (lou book add or import) or more boxes first."
    )
    assert "Run `lou rotate apply`" not in plan.stderr
    run = lou("rotate", "apply")
    assert (run.exit_code, run.stdout, run.stderr) == (
        1,
        "",
        "✗ Round 1 would move no book (no books yet, or none to exchange with another box or "
        "the library room): nothing was applied.\n",
    )
    assert db_path.read_bytes() == before
    zh = lou("--lang", "zh", "rotate", "apply")
    assert zh.stderr == (
        "✗ 第 1 轮没有一册书要换（还没有书，或没有别的书箱、图书室的书可以交换）：没有执行。\n"
    )
    lou.ok("book", "add", "--title", "围城", "--copies", "5")
    assert lou.ok("rotate", "plan").stderr.splitlines()[-1] == (
        "This is a preview; nothing was written. Run `lou rotate apply` to carry it out."
    )
    assert lou.json("rotate", "apply")["round"] == 1  # with books, the round goes ahead


def test_a_book_found_is_named_with_a_full_width_at_sign_too(ring: Lou) -> None:
    """A Chinese keyboard types ＠; full-width letters and digits were already taken."""
    plan = ring.json("rotate", "apply")
    task = next(t for t in plan["tasks"] if "SHY-01" in t["boxes"])
    stranger = next(
        m["book"] for m in plan["moves"] if m["to"] not in task["boxes"] and m["to"] != "DEPOT"
    )
    done = ring.json("task", "done", str(task["id"]), "--extra", f"{stranger}＠ＳＨＹ－０１")
    assert done["extra"] == [f"{stranger}@SHY-01"]


def test_a_report_that_says_a_book_is_both_missing_and_found_is_refused(
    ring: Lou, db_path: Path
) -> None:
    """task done --missing B --extra B@BOX stored the book as both, with a history of a
    box it never stood in; refused now, as the same amendment is, and nothing changes."""
    plan = ring.json("rotate", "apply")
    task = plan["tasks"][0]
    book = next(m["book"] for m in plan["moves"] if m["to"] in task["boxes"])
    before = db_path.read_bytes()
    run = ring("task", "done", str(task["id"]), "--missing", book, "--extra", f"{book}@SHY-01")
    assert (run.exit_code, run.stderr) == (1, f"✗ {book} cannot be both not seen and found.\n")
    assert db_path.read_bytes() == before
    zh = ring("--lang", "zh", "task", "done", str(task["id"]), "--missing", book,
              "--extra", f"{book}@SHY-01")  # fmt: skip
    assert (zh.exit_code, zh.stderr) == (1, f"✗ {book} 不能既是未见又是找到。\n")


def test_a_book_missed_in_the_library_room_is_shown_there_by_name(ring: Lou) -> None:
    """A book the walk should have taken from the library room, reported not there: its
    last place is the library room, shown by its name, not as the code DEPOT (a
    newcomer's trial), in book show and in report missing; --json keeps the code."""
    plan = ring.json("rotate", "apply")
    move = next(m for m in plan["moves"] if m["from"] == DEPOT)
    task = next(t for t in plan["tasks"] if move["to"] in t["boxes"])
    ring.ok("task", "done", str(task["id"]), "--missing", move["book"])
    shown = ring.ok("--lang", "zh", "book", "show", move["book"]).stdout
    assert "(社区图书室)" in shown and "DEPOT" not in shown
    sheet = ring.ok("--lang", "zh", "report", "missing", "--format", "csv").stdout
    assert sheet.splitlines()[1].split(",")[5:7] == ["社区图书室", "社区图书室"]
    rows = ring.json("report", "missing")["sections"]["books"]["rows"]
    assert (rows[0]["last_box"], rows[0]["site"]) == (DEPOT, DEPOT)


def test_a_round_1_given_another_date_leaves_the_schedule_as_it_was(ring: Lou) -> None:
    """--date moves that round only, as its help says: round 1 applied on a Tuesday moved
    the whole schedule to Tuesdays, and schedule set --start could not put it back (a
    newcomer's trial). The plan says when the day given has passed."""
    before = [r["date"] for r in ring.json("schedule", "show", "--rounds", "3")["rounds"]]
    assert before == ["2026-11-28", "2026-12-12", "2026-12-26"]
    past = ring.json("rotate", "plan", "--date", "2026-11-20")
    assert {"code": "past", "number": 1, "date": "2026-11-20"} in past["notes"]
    applied = ring.json("rotate", "apply", "--date", "2026-12-01")
    assert (applied["date"], applied["planned_date"]) == ("2026-12-01", "2026-11-28")
    assert all(n["code"] != "past" for n in applied["notes"])
    after = [r["date"] for r in ring.json("schedule", "show", "--rounds", "2")["rounds"]]
    assert after == before[1:]


def test_a_refusal_offers_rotate_undo_only_when_undo_would_work(ring: Lou) -> None:
    """Refusals that named `lou rotate undo` as a way out when undo would be refused too
    (a task already reported, or anything changed since the round: a newcomer's trial)."""
    ring.ok("rotate", "apply")
    run = ring("rotate", "apply")
    assert run.exit_code == 1 and "`lou rotate undo` first" in run.stderr  # (undo works)
    assert ring.json("rotate", "status")["can_undo"] is True
    ring.ok("book", "add", "--title", "新书")  # undo is refused from now on
    assert ring.json("rotate", "status")["can_undo"] is False  # (it said True: a review)
    run = ring("rotate", "apply")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Round 1 (2026-11-28) is already applied and still ahead; apply the next one after it.\n",
    )
    box = ring("box", "retire", "GDJ-01")
    assert box.exit_code == 1 and "rotate undo" not in box.stderr
    person = ring("volunteer", "retire", "李建国")
    assert (person.exit_code, person.stderr) == (
        1,
        "✗ 李建国 (V002) still has task 2 of round 1 (2026-11-28), not reported done. Hand it "
        "to someone else (`lou task swap 2 --to NAME`) or report it done (`lou task done 2`); "
        "nothing was changed.\n",
    )


def test_a_round_s_date_cannot_pass_the_next_round_s(ring: Lou) -> None:
    """--date moves one round only, so it must stay before the next round of the schedule
    (12-20 for round 1 left round 2 on 12-12, before it: a reviewer's finding)."""
    run = ring("rotate", "apply", "--date", "2026-12-12")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ 2026-12-12 cannot be this round's date: round 2 is on 2026-12-12 in the schedule, "
        "and this one must come before it (to move the whole schedule, use lou schedule set).\n",
    )
    assert ring.json("rotate", "apply", "--date", "2026-12-11")["date"] == "2026-12-11"
