"""Issue 14: every ordinary mistake has a way back, and nothing drifts silently.

Each test runs the real commands on a network built here, and ends with `lou db check`.
"""

from __future__ import annotations

from pathlib import Path

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Lou

DAY_AFTER_ROUND_2 = {"LOU_NOW": "2026-12-13T09:00:00"}  # round 2 was due on 2026-12-12


# ------------------------------------------------------------- rounds are never skipped


def test_a_round_applied_late_is_not_skipped(ring: Lou) -> None:
    ring.ok("schedule", "set", "--start", "2026-11-28")
    ring.ok("rotate", "apply", env={"LOU_NOW": "2026-11-28T09:00:00"})
    ring.ok("task", "done", "1", env={"LOU_NOW": "2026-11-28T10:00:00"})
    ring.ok("task", "done", "2", env={"LOU_NOW": "2026-11-28T10:00:00"})
    plan = ring("rotate", "plan", env=DAY_AFTER_ROUND_2)
    assert plan.exit_code == 0
    assert plan.stdout.splitlines()[0].strip() == "Round 2 · Sun 2026-12-13"
    assert (
        "! Round 2 was due on 2026-12-12 (late by 1 d); it is not skipped: it is planned for "
        "today (2026-12-13)." in plan.stderr.splitlines()
    )
    document = ring.json("rotate", "plan", env=DAY_AFTER_ROUND_2)
    assert (document["round"], document["date"], document["due"]) == (2, "2026-12-13", "2026-12-12")
    assert ring.json("rotate", "plan", env={"LOU_NOW": "2026-12-12T09:00:00"})["due"] is None
    ring.ok("rotate", "apply", env=DAY_AFTER_ROUND_2)
    rounds = ring.json("rotate", "history")["rounds"]
    assert [(r["round"], r["date"]) for r in rounds] == [(1, "2026-11-28"), (2, "2026-12-13")]
    # The next one keeps the schedule: round 3 on 2026-12-26.
    status = ring.json("rotate", "status", env={"LOU_NOW": "2026-12-20T09:00:00"})
    assert (status["next_round"], status["next_date"]) == (3, "2026-12-26")
    ring.ok("db", "check")


def test_schedule_set_in_the_past_warns_and_names_round_1s_real_date(ring: Lou) -> None:
    run = ring("schedule", "set", "--start", "2026-10-03", "--skip-holidays")
    assert run.exit_code == 0
    assert run.stderr == (
        "✓ Schedule set: round 1 falls on 2026-09-30 (moved from 2026-10-03: National Day), "
        "every 14 days, moved off public holidays and make-up working days.\n"
        "! Round 1's date, 2026-09-30, is in the past: the round is late already; it will be "
        "planned for the day it is applied (never skipped).\n"
    )
    shown = ring.ok("schedule", "show", "--rounds", "2").stdout
    cells = [
        [cell.strip() for cell in line.strip("│ ").split("│")]
        for line in shown.splitlines()
        if "2026-" in line
    ]
    assert cells == [
        ["1", "2026-09-30", "Wed", "Moved from 2026-10-03 to 2026-09-30: National Day. late: "
         "not applied yet (never skipped)"],
        ["2", "2026-10-17", "Sat", "late: not applied yet (never skipped)"],
    ]  # fmt: skip
    ahead = ring("schedule", "set", "--start", "2026-12-05")
    assert ahead.stderr == (
        "✓ Schedule set: round 1 on 2026-12-05, every 14 days, moved off public holidays and "
        "make-up working days.\n"
    )
    assert ring.json("rotate", "plan")["round"] == 1
    ring.ok("db", "check")


def test_a_round_applied_with_the_wrong_date_is_redated_after_a_report(ring: Lou) -> None:
    """``apply --date`` given wrong, and a task reported before anyone noticed: undo is
    refused, and the date stayed wrong in the notice, calendars, overdue status and hours."""
    ring.ok("schedule", "set", "--start", "2026-12-05")
    ring.ok("rotate", "apply", "--date", "2026-12-18")  # meant the schedule's 12-05
    ring.ok("task", "done", "1", "--hours", "1.5", env={"LOU_NOW": "2026-12-05T11:00:00"})
    before = ring.snapshot()
    for day, message in [
        ("2026-12-19", "✗ 2026-12-19 cannot be this round's date: round 2 is on 2026-12-19 in "
         "the schedule, and this one must come before it (to move the whole schedule, use lou "
         "schedule set).\n"),
        ("2026-12-18", "✗ Round 1 is on 2026-12-18 already; nothing changed.\n"),
        ("12/05", "✗ DATE: '12/05' is not a date; write it as 2026-12-05, 2026/12/5, "
         "2026年12月5日 or 12月5日.\n"),
    ]:  # fmt: skip
        run = ring("rotate", "redate", day)
        assert (run.exit_code, run.stderr) == (1, message), day
    assert ring.snapshot() == before
    ring.ok("volunteer", "away", "李建国", "--from", "2026-12-05", "--to", "2026-12-06")
    run = ring.ok("rotate", "redate", "2026-12-05")
    assert run.stderr == (
        "✓ Round 1 moved from 2026-12-18 to 2026-12-05 (2 tasks with it). The notice, calendars "
        "and service hours follow the new date; send the notice again if it went out (lou "
        "notice).\n"
        "! The volunteer of task 2 is away on 2026-12-05: hand it over (lou task swap 2 --to "
        "NAME).\n"
    )
    assert [(t["id"], t["date"]) for t in ring.json("task", "list", "--all")["tasks"]] == [
        (1, "2026-12-05"), (2, "2026-12-05"),
    ]  # fmt: skip
    assert ring.json("rotate", "history")["rounds"][0]["date"] == "2026-12-05"
    hours = ring.json("report", "hours", "--from", "2026-12-01", "--to", "2026-12-31")
    assert [e["date"] for e in hours["sections"]["entries"]["rows"]] == ["2026-12-05"]
    assert ring.json("rotate", "plan")["round"] == 2  # the schedule keeps its dates
    ring.ok("db", "check")


# ------------------------------------------------------------------------ corrections


def _refused(lou: Lou, *args: str) -> str:
    """The command fails with exit 1, changes nothing, and says why in one line."""
    before = lou.snapshot()
    run = lou(*args)
    assert run.exit_code == 1, (args, run.stdout, run.stderr)
    assert lou.snapshot() == before
    return run.stderr


def test_a_copy_withdrawn_by_mistake_comes_back_with_book_found(ring: Lou) -> None:
    ring.ok("book", "withdraw", "B00001", "--reason", "damaged")
    run = ring.ok("book", "found", "B00001", "--box", "SHY-01")
    assert run.stderr == "✓ B00001 '书SHY-01' is back, at SHY-01\n"
    book = ring.json("book", "show", "B00001")
    assert (book["status"], book["box"]) == ("in_box", "SHY-01")
    last = ring.json("book", "history", "B00001")["events"][-1]
    assert (last["action"], last["command"], last.get("from"), last["to"]) == (
        "restored", "book found", None, "SHY-01",
    )  # fmt: skip
    history = ring.ok("book", "history", "B00001").stdout
    assert "withdrawal undone" in history
    ring.ok("book", "withdraw", "B00002")
    ring.ok("book", "found", "B00002")  # no box: back in the depot
    assert ring.json("book", "show", "B00002")["status"] == "in_depot"
    # withdrawn from the library room: shown there, not in the box it was in before
    ring.ok("book", "edit", "B00003", "--to-depot")
    ring.ok("book", "withdraw", "B00003")
    assert ring.json("book", "show", "B00003")["last_box"] == "DEPOT"
    shown = ring.ok("book", "show", "B00003").stdout
    assert [line.split(None, 1)[1].strip() for line in shown.splitlines()
            if line.startswith("Place")] == ["(depot)"]  # fmt: skip
    ring.ok("db", "check")


def test_a_donation_entered_twice_leaves_the_donations_report_when_withdrawn(ring: Lou) -> None:
    ring.ok("donate", "--box", "SHY-01", "--title", "城南旧事")  # B00023
    ring.ok("donate", "--box", "SHY-01", "--title", "城南旧事")  # the same, again
    assert ring.json("report", "donations")["totals"]["donated"] == 2
    run = ring.ok("book", "withdraw", "B00024", "--mistake")
    assert run.stderr == (
        "✓ B00024 '城南旧事' withdrawn as entered by mistake: the donations report leaves it "
        "out (lou book found takes it back if that was wrong)\n"
    )
    report = ring.json("report", "donations")
    assert report["totals"]["donated"] == 1
    assert [row["code"] for row in report["sections"]["books"]["rows"]] == ["B00023"]
    shown = ring.json("book", "show", "B00024")
    assert (shown["status"], shown["entered_in_error"]) == ("withdrawn", True)
    assert "withdrawn (entered by mistake)" in ring.ok("book", "show", "B00024").stdout
    # A plain withdrawal still counts as donated: the book was given
    ring.ok("book", "withdraw", "B00023", "--reason", "damaged")
    assert ring.json("report", "donations")["totals"]["donated"] == 1
    assert "entered_in_error" not in ring.json("book", "show", "B00023")
    # The mark was wrong: book found takes the book back, and it counts again
    ring.ok("book", "found", "B00024", "--box", "SHY-01", "--force")
    assert ring.json("report", "donations")["totals"]["donated"] == 2
    assert "entered_in_error" not in ring.json("book", "show", "B00024")
    ring.ok("db", "check")


def test_withdrawing_a_book_on_an_open_task_says_which_task(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    carried = ring.json("task", "show", "1")["stops"][0]["take_out"][0][0]
    run = ring.ok("book", "withdraw", carried)
    assert run.stderr.splitlines()[1] == (
        f"! {carried} is on the list of task 1 (2026-11-28), not reported done yet: tell the "
        "volunteer it has been withdrawn and need not be looked for"
    )
    volunteer = ring.json("task", "show", "1")["volunteer"]
    title = ring.json("book", "show", carried)["title"]
    listed = ring.ok("task", "list", "--volunteer", volunteer, env={"COLUMNS": "200"}).stdout
    rows = [line.split("│")[2:4] for line in listed.splitlines() if f" {carried} " in line]
    assert [[cell.strip() for cell in row] for row in rows] == [
        [carried, f"{title} (withdrawn: do not look for it)"]
    ] * 2  # taken out of one box, put into the next
    ring.ok("task", "done", "1")
    assert ring.json("book", "show", carried)["status"] == "withdrawn"
    done = ring.ok("task", "list", "--all", "--volunteer", volunteer, env={"COLUMNS": "200"})
    assert "withdrawn: do not look" not in done.stdout  # (a done walk's list is as it was)
    ring.ok("book", "found", carried)
    again = ring.ok("book", "withdraw", carried)  # task 1 is done: nothing to tell
    assert len(again.stderr.splitlines()) == 1
    ring.ok("db", "check")


def test_a_done_task_can_be_amended_and_the_records_follow(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1", "--missing", "B00005")
    run = ring.ok("task", "done", "1", "--amend", "--missing", "B00006", "--extra", "B00013@SHY-01")
    assert run.stderr == "✓ Task 1's report corrected: Not seen: 1. Found in the boxes: 1.\n"
    task = ring.json("task", "show", "1")
    assert (task["missing"], task["extra"]) == (["B00005", "B00006"], ["B00013@SHY-01"])
    lost = ring.json("book", "show", "B00006")
    assert (lost["status"], lost["box"], lost["last_box"]) == ("not_seen", None, "SHY-02")
    found = ring.json("book", "show", "B00013")
    assert (found["status"], found["box"]) == ("in_box", "SHY-01")
    event = ring.json("book", "history", "B00006")["events"][-1]
    assert (event["action"], event["command"], event["from"], event["note"]) == (
        "not_seen", "task done --amend", "SHY-02", "task 1",
    )  # fmt: skip
    missing = ring.json("report", "missing")["sections"]["books"]["rows"]
    assert [(r["code"], r["last_box"]) for r in missing] == [
        ("B00005", "SHY-02"), ("B00006", "SHY-02"),
    ]  # fmt: skip
    assert _refused(ring, "task", "done", "1", "--amend", "--missing", "B00006") == (
        "✗ Task 1's report already lists these books; nothing to add.\n"
    )
    assert _refused(ring, "task", "done", "1", "--missing", "B00007") == (
        "✗ Task 1 was reported done at 2026-11-24 09:30:00; to add a forgotten book, "
        "`lou task done 1 --amend --missing CODE`.\n"
    )
    # the hours: the refusals say how to correct them, and that nothing was given
    assert _refused(ring, "task", "done", "1", "--hours", "2") == (
        "✗ Task 1 was reported done at 2026-11-24 09:30:00; to correct the hours it took, "
        "`lou task done 1 --amend --hours 2`.\n"
    )
    ring.ok("task", "done", "1", "--amend", "--hours", "2")
    assert _refused(ring, "task", "done", "1", "--amend", "--hours", "2.0") == (
        "✗ Task 1 has 2 h recorded already; nothing to change.\n"
    )
    assert _refused(ring, "task", "done", "1", "--amend") == (
        "✗ What is to be added? Give --missing CODE, --extra CODE@BOX or --hours H; nothing "
        "was changed.\n"
    )
    assert _refused(ring, "task", "done", "2", "--amend", "--missing", "B00009") == (
        "✗ Task 2 is not reported done yet, so there is nothing to amend: `lou task done 2`.\n"
    )
    ring.ok("db", "check")


def test_a_report_given_for_the_wrong_task_is_taken_back(ring: Lou) -> None:
    """`lou task done 1` meant for task 2: lou task reopen 1 puts the task and every book
    it marked not seen back as the round left them (a newcomer's trial found no way back
    but db restore); the history keeps both steps."""
    ring.ok("rotate", "apply")
    codes = ("B00001", "B00005")  # going into a box, going back to the library room

    def stored() -> tuple[object, ...]:
        return (*(ring.json("book", "show", c) for c in codes), ring.json("task", "show", "1"))

    before = stored()
    ring.ok("task", "done", "1", "--missing", ",".join(codes), "--hours", "2")
    run = ring.ok("task", "reopen", "1")
    assert run.stderr == (
        "✓ Task 1's report is taken back: it is open again. The 2 books it reported not "
        "seen are back where the list had them.\n"
    )
    assert stored() == before
    events = ring.json("book", "history", "B00001")["events"][-2:]
    assert [(e["action"], e["command"], e["note"], e.get("volunteer")) for e in events] == [
        ("not_seen", "task done", "task 1", "V001"), ("found", "task reopen", "task 1", None),
    ]  # fmt: skip
    ring.ok("task", "done", "2")  # the task it was meant for
    ring.ok("db", "check")
    assert _refused(ring, "task", "reopen", "1") == (
        "✗ Task 1 has not been reported done: nothing to take back.\n"
    )
    # a book found since the report keeps what was found: only the task opens again
    ring.ok("task", "done", "1", "--missing", "B00005")
    ring.ok("book", "found", "B00005", "--box", "SHY-01")
    ring.ok("task", "reopen", "1")
    assert ring.json("book", "show", "B00005")["box"] == "SHY-01"
    ring.ok("db", "check")


def test_a_report_is_not_taken_back_where_it_could_not_be_whole(ring: Lou) -> None:
    """Refused, changing nothing: a box a book would go back to is retired, the task's
    volunteer retired, the report also found books or was amended, a later round."""
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1", "--missing", "B00001")  # on its way into SHY-02
    ring.ok("box", "retire", "SHY-02")
    assert _refused(ring, "task", "reopen", "1") == (
        "✗ Box SHY-02, where books of task 1 would go back, is no longer in use: the report "
        "cannot be taken back. Correct the books one by one (lou book found).\n"
    )
    ring.ok("box", "reactivate", "SHY-02")
    ring.ok("task", "done", "2", "--extra", "B00013@GDJ-01")
    assert "cannot be taken back whole" in _refused(ring, "task", "reopen", "2")
    ring.ok("volunteer", "retire", "王秀兰")
    assert _refused(ring, "task", "reopen", "1") == (
        "✗ 王秀兰, the volunteer of task 1, has retired: taking the report back would leave "
        "an open task nobody can walk. Correct what is wrong one by one.\n"
    )


def test_amending_leaves_a_book_seen_since_as_it_is(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1")
    later = {"LOU_NOW": "2026-11-29T10:00:00"}
    ring.ok("book", "edit", "B00006", "--box", "SHY-01", env=later)  # someone had it in hand
    amend = {"LOU_NOW": "2026-11-30T10:00:00"}
    run = ring.ok("task", "done", "1", "--amend", "--missing", "B00006", env=amend)
    assert run.stderr == (
        "✓ Task 1's report corrected: Not seen: 1.\n"
        "! B00006 was seen after this task (found, moved, or walked by a later task): its "
        "record stays as it is; only the task's report lists it as not seen.\n"
    )
    book = ring.json("book", "show", "B00006")
    assert (book["status"], book["box"]) == ("in_box", "SHY-01")
    assert ring.json("task", "show", "1")["missing"] == ["B00006"]
    ring.ok("db", "check")


def test_a_book_seen_in_the_same_second_as_the_report_counts_as_seen_since(ring: Lou) -> None:
    """Order by the history's own numbering, not by timestamps to the second: a move
    scripted right after the report was taken for an older one and overwritten."""
    ring.ok("rotate", "apply")
    ring.ok("task", "done", "1")  # the clock is pinned: everything in the same second
    ring.ok("book", "edit", "B00006", "--box", "SHY-01")
    run = ring.ok("task", "done", "1", "--amend", "--missing", "B00006")
    assert "! B00006 was seen after this task" in run.stderr
    book = ring.json("book", "show", "B00006")
    assert (book["status"], book["box"]) == ("in_box", "SHY-01")
    # and a book moved before the report, in that same second, is not
    carried = ring.json("task", "show", "2")["stops"][0]["take_out"][0][0]
    ring.ok("book", "edit", carried, "--to-depot")
    ring.ok("task", "done", "2")
    amended = ring.ok("task", "done", "2", "--amend", "--missing", carried)
    assert "was seen after this task" not in amended.stderr
    assert ring.json("book", "show", carried)["status"] == "not_seen"
    ring.ok("db", "check")


def test_a_late_report_still_sees_later_moves_after_the_next_round_is_undone(
    ring: Lou,
) -> None:
    """Round 1's task reported after round 2 was applied, then round 2 undone: the undo
    cut the history back, the report's history mark pointed past its end, and a book moved
    afterwards was taken for older and overwritten by ``--amend`` (a review's finding)."""
    ring.ok("schedule", "set", "--start", "2026-11-28")
    ring.ok("rotate", "apply", env={"LOU_NOW": "2026-11-28T09:00:00"})
    ring.ok("rotate", "settings", "lost_after", "1")  # round 2 records a loss in the history
    lost = ring.json("task", "show", "2")["stops"][0]["take_out"][0][0]
    ring.ok("task", "done", "2", "--missing", lost, env={"LOU_NOW": "2026-11-28T10:00:00"})
    ring.ok("rotate", "apply", env={"LOU_NOW": "2026-12-12T09:00:00"})  # task 1 still open
    carried = ring.json("task", "show", "1")["stops"][0]["take_out"][0][0]
    ring.ok("task", "done", "1", env={"LOU_NOW": "2026-12-12T10:00:00"})
    ring.ok("rotate", "undo", env={"LOU_NOW": "2026-12-12T11:00:00"})
    ring.ok("book", "edit", carried, "--box", "GDJ-01", "--force",
            env={"LOU_NOW": "2026-12-12T12:00:00"})  # fmt: skip
    run = ring.ok("task", "done", "1", "--amend", "--missing", carried,
                  env={"LOU_NOW": "2026-12-12T13:00:00"})  # fmt: skip
    assert f"! {carried} was seen after this task" in run.stderr
    assert ring.json("book", "show", carried)["box"] == "GDJ-01"
    ring.ok("db", "check")


def test_a_retired_volunteer_is_found_by_code_only_and_can_come_back(ring: Lou) -> None:
    ring.ok("volunteer", "retire", "王秀兰")
    added = ring.ok("volunteer", "add", "王秀兰", "--site", "SHY")
    assert added.stderr == "✓ Added volunteer V003 (王秀兰)\n"  # the other one is retired
    assert ring.json("volunteer", "show", "王秀兰")["code"] == "V003"
    assert ring.json("volunteer", "show", "V001")["status"] == "retired"
    assert _refused(ring, "volunteer", "show", "李建") == (
        "✗ No volunteer 李建. Did you mean 李建国?\n"
    )
    back = ring.ok("volunteer", "reactivate", "王秀兰")  # among the retired: V001
    assert back.stderr == (
        "✓ Volunteer V001 (王秀兰) is active again\n"
        "! Note: an active volunteer of the same name already exists: V003 王秀兰; use codes "
        "to tell them apart.\n"
    )
    assert _refused(ring, "volunteer", "show", "王秀兰") == (
        "✗ '王秀兰' matches more than one volunteer: V001 王秀兰, V003 王秀兰. Use the code "
        "instead.\n"
    )
    ring.ok("volunteer", "edit", "V003", "--name", "王秀兰（二）")
    assert ring.json("volunteer", "show", "王秀兰")["code"] == "V001"
    third = ring.ok("volunteer", "add", "王秀兰")
    assert third.stderr == (
        "✓ Added volunteer V004 (王秀兰)\n"
        "! Note: an active volunteer of the same name already exists: V001 王秀兰; use codes "
        "to tell them apart.\n"
    )
    assert _refused(ring, "volunteer", "reactivate", "V002") == (
        "✗ V002 is not retired; it is in use.\n"
    )
    ring.ok("db", "check")


def test_a_retired_name_is_pointed_to_by_code(ring: Lou) -> None:
    ring.ok("volunteer", "retire", "李建国")
    assert _refused(ring, "volunteer", "show", "李建国") == (
        "✗ No volunteer 李建国. A retired volunteer has this name: V002; use the code to mean "
        "them.\n"
    )
    assert ring.json("volunteer", "show", "V002")["name"] == "李建国"


def test_retired_boxes_and_sites_come_back_and_can_be_renamed(ring: Lou) -> None:
    ring.ok("box", "retire", "GDJ-01")
    ring.ok("site", "retire", "GDJ")
    assert _refused(ring, "box", "reactivate", "GDJ-01") == (
        "✗ Box GDJ-01 belongs to site GDJ, which is retired: `lou site reactivate GDJ` first.\n"
    )
    assert ring.ok("site", "reactivate", "GDJ").stderr == (
        "✓ Site GDJ (供电局家属院) is in use again\n"
    )
    ring.ok("site", "edit", "GDJ", "--name", "供电局小区")
    assert ring.ok("box", "reactivate", "GDJ-01").stderr == (
        "✓ Box GDJ-01 is in use again (1栋 1单元, empty for now)\n"
    )
    ring.ok("box", "edit", "GDJ-01", "--building", "2栋")
    box = ring.json("box", "show", "GDJ-01")
    assert (box["status"], box["building"], box["books"]) == ("active", "2栋", 0)
    assert ring.json("site", "show", "GDJ")["name"] == "供电局小区"
    assert _refused(ring, "site", "reactivate", "GDJ") == "✗ GDJ is not retired; it is in use.\n"
    ring.ok("db", "check")


def test_what_an_open_walk_holds_cannot_be_retired(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    assert _refused(ring, "box", "retire", "SHY-02") == (
        "✗ Box SHY-02 is on task 1 of round 1 (2026-11-28), not reported done yet. Finish it "
        "first (`lou task done 1`) or take the round back (`lou rotate undo`); nothing was "
        "changed.\n"
    )
    assert _refused(ring, "box", "edit", "SHY-02", "--status", "repair") == (
        "✗ Box SHY-02 is on task 1 of round 1 (2026-11-28), not reported done yet. Finish it "
        "first (`lou task done 1`) or take the round back (`lou rotate undo`); nothing was "
        "changed.\n"
    )
    assert _refused(ring, "volunteer", "retire", "王秀兰") == (
        "✗ 王秀兰 (V001) still has task 1 of round 1 (2026-11-28), not reported done. Hand it "
        "to someone else (`lou task swap 1 --to NAME`), report it done (`lou task done 1`), "
        "or take the round back (`lou rotate undo`); nothing was changed.\n"
    )
    ring.ok("task", "done", "1")
    ring.ok("box", "edit", "SHY-02", "--status", "repair")
    ring.ok("volunteer", "retire", "王秀兰")
    ring.ok("db", "check")


# -------------------------------------------------------------------- figures agree


def test_info_parts_add_up_to_the_total(ring: Lou) -> None:
    ring.ok("book", "withdraw", "B00001")
    info = ring.json("info")
    books = info["books"]
    assert books["total"] == sum(books[s] for s in ("in_box", "in_depot", "not_seen", "lost"))
    assert (books["total"], info["withdrawn"]) == (21, 1)
    inventory = ring.ok("report", "inventory", "--format", "json").json()["totals"]
    assert (inventory["books"], inventory["withdrawn"]) == (21, 1)
    line = next(x for x in ring.ok("info").stdout.splitlines() if x.startswith("Books"))
    assert line.split(maxsplit=1)[1].rstrip() == (
        "21 (in a box 11, in the depot 10, not seen 0, lost 0); withdrawn 1, not counted"
    )
    ring.ok("db", "check")


def test_books_carried_is_the_same_figure_in_both_reports(ring: Lou) -> None:
    ring.ok("rotate", "apply")
    # Task 1 walks the library room → SHY-01 → SHY-02 → the library room: 12 distinct books
    # (four from the library room, B00001-04 from box to box, B00005-08 back); one was not
    # there.
    ring.ok("task", "done", "1", "--missing", "B00001")
    rotation = ring.ok("report", "rotation", "--format", "json").json()
    people = ring.ok("report", "volunteers", "--format", "json").json()
    assert rotation["sections"]["rounds"]["rows"][0]["books"] == 11
    assert rotation["totals"]["books_carried"] == 11
    assert people["totals"]["books_carried"] == 11
    carried = {r["code"]: r["books_carried"] for r in people["sections"]["volunteers"]["rows"]}
    assert carried == {"V001": 11, "V002": 0}  # task 2 is not reported done yet
    ring.ok("task", "done", "2")
    rotation = ring.ok("report", "rotation", "--format", "json").json()
    people = ring.ok("report", "volunteers", "--format", "json").json()
    assert rotation["totals"]["books_carried"] == people["totals"]["books_carried"] == 11 + 8
    ring.ok("db", "check")


def test_a_not_seen_copy_has_one_last_place_everywhere(ring: Lou, tmp_path: Path) -> None:
    ring.ok(
        "box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "1单元", "--capacity", "5"
    )
    ring.ok("rotate", "apply")  # GDJ-01 gets B00014 from the library room
    ring.ok("task", "done", "2", "--missing", "B00014,B00009")
    missing = ring.ok("report", "missing", "--format", "json").json()["sections"]["books"]
    places = {r["code"]: (r["last_box"], r["site"]) for r in missing["rows"]}
    history = {
        code: ring.json("book", "history", code)["events"][-1]["from"]
        for code in ("B00009", "B00014")
    }
    export = tmp_path / "books.json"
    ring.ok("book", "export", str(export))
    exported = {b["code"]: b["last_box"] for b in orjson.loads(export.read_bytes())["books"]}
    assert places == {"B00009": ("GDJ-01", "GDJ"), "B00014": ("DEPOT", "DEPOT")}
    assert history == {"B00009": "GDJ-01", "B00014": "DEPOT"}
    assert {c: exported[c] for c in ("B00009", "B00014")} == history
    ring.ok("db", "check")


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    reports=st.lists(st.tuples(st.booleans(), st.integers(0, 3)), min_size=4, max_size=4),
    withdraw=st.integers(0, 3),
)
def test_the_figures_agree_whatever_is_reported(
    ring: Lou, reports: list[tuple[bool, int]], withdraw: int
) -> None:
    """Two rounds; each walk reported done or not, with some books not seen, some copies
    withdrawn: info's parts add up, both reports count the same books carried."""
    original = ring.snapshot()
    days = ("2026-11-28T09:00:00", "2026-12-12T09:00:00")
    for number, day in enumerate(days):
        ring.ok("rotate", "apply", env={"LOU_NOW": day})
        tasks = ring.json("task", "list", "--round", str(number + 1))["tasks"]
        for task, (done, n_missing) in zip(tasks, reports[2 * number :], strict=False):
            if done:
                books = sorted({b for s in task["stops"] for b, _ in s["take_out"]})
                missing = ",".join(books[:n_missing])
                args = ("--missing", missing) if missing else ()
                ring.ok("task", "done", str(task["id"]), *args, env={"LOU_NOW": day})
    for code in ("B00001", "B00002", "B00003")[:withdraw]:
        ring.ok("book", "withdraw", code)
    info = ring.json("info")
    held = ("in_box", "in_depot", "not_seen", "lost")
    assert info["books"]["total"] == sum(info["books"][s] for s in held)
    assert info["books"]["total"] + info["withdrawn"] == 22
    rotation = ring.ok("report", "rotation", "--format", "json").json()
    people = ring.ok("report", "volunteers", "--format", "json").json()
    assert rotation["totals"]["books_carried"] == people["totals"]["books_carried"]
    ring.ok("db", "check")
    ring.load(original)
