"""Issue 14: every ordinary mistake has a way back, and nothing drifts silently.

Each test runs the real commands on a network built here, and ends with `lou db check`.
"""

from __future__ import annotations

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
    assert (document["round"], document["date"]) == (2, "2026-12-13")
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
    ahead = ring("schedule", "set", "--start", "2026-12-05")
    assert ahead.stderr == (
        "✓ Schedule set: round 1 on 2026-12-05, every 14 days, moved off public holidays and "
        "make-up working days.\n"
    )
    assert ring.json("rotate", "plan")["round"] == 1
    ring.ok("db", "check")
