"""Rotation: per round and per site, moves, freshness and the walks' tasks."""

from __future__ import annotations

from collections import Counter, defaultdict

from lou_library import clock
from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.clock import in_period
from lou_library.records import Doc
from lou_library.reports.builders.common import (
    Options,
    books_carried,
    read_network,
    sum_columns,
)
from lou_library.reports.model import Chart, Column, Figure, Report, Section, Value
from lou_library.repository import Repository
from lou_library.rotation import ROUNDS, TASKS, task_state


def rotation(db: Repository, options: Options) -> Report:
    """Per round: moves, freshness, tasks done/open/overdue (``--site`` narrows the tasks)."""
    net = read_network(db)
    today = clock.today()
    fields = ("number", "status", "date", "figures")  # (not the last round's undo data)
    rounds = sorted(
        (
            dict(zip(fields, r, strict=True))
            for r in db.values(ROUNDS, *fields)
            if (r[1] or "applied") == "applied" and in_period(r[2], options.start, options.end)
        ),
        key=lambda r: int(r["number"]),
    )
    numbers = {int(r["number"]) for r in rounds}
    tasks = [
        t for t in db.all(TASKS) if t["round"] in numbers and options.site in (None, t.get("site"))
    ]
    by_round: dict[int, list[Doc]] = defaultdict(list)
    by_site: dict[str, list[Doc]] = defaultdict(list)
    for task in tasks:
        by_round[int(task["round"])].append(task)
        by_site[str(task.get("site"))].append(task)

    def states(found: list[Doc]) -> Counter[str]:
        return Counter(task_state(t, today) for t in found)

    carried = books_carried(db, tasks)

    round_rows: list[list[Value]] = []
    arrivals = fresh = moves = inside = changed = stayed = 0
    for record in rounds:
        figures = record["figures"] or {}
        mine = by_round[int(record["number"])]
        count = states(mine)
        moved = int(figures.get("moves", 0))
        arrivals += int(figures.get("arrivals", 0))
        fresh += int(figures.get("fresh", 0))
        moves += moved
        inside += round(float(figures.get("inside_site", 1.0)) * moved)
        if figures.get("changed_box"):  # (none: no book changed box, or applied before it was kept)
            changed += int(figures["changed_box"])
            stayed += round(float(figures["stay_in_site"]) * int(figures["changed_box"]))
        round_rows.append(
            [
                int(record["number"]),
                record["date"],
                moved,
                figures.get("freshness"),
                figures.get("inside_site"),
                figures.get("stay_in_site") if figures.get("changed_box") else None,
                figures.get("from_depot"),
                figures.get("to_depot"),
                len(mine),
                count["done"],
                count["open"],
                count["overdue"],
                sum(carried.get(int(t["id"]), 0) for t in mine),
            ]
        )
    round_section = Section(
        "rounds",
        R.SECTION_TITLES["rotation.rounds"],
        [
            Column("round", M.COL_ROUND, "int"),
            Column("date", M.COL_DATE, "date"),
            Column("moves", M.COL_MOVES, "int"),
            Column("freshness", M.COL_FRESH, "percent"),
            Column("inside_site", M.COL_INSIDE, "percent"),
            Column("stay_in_site", M.COL_STAY_IN_SITE, "percent"),
            Column("from_depot", M.COL_FROM_DEPOT, "int"),
            Column("to_depot", M.COL_TO_DEPOT, "int"),
            Column("tasks", M.COL_TASKS, "int"),
            Column("done", M.COL_DONE, "int"),
            Column("open", M.COL_OPEN, "int"),
            Column("overdue", M.COL_OVERDUE, "int"),
            Column("books", R.COL_BOOKS_CARRIED, "int"),
        ],
        round_rows,
    )
    round_section.totals = sum_columns(
        round_section,
        ["moves", "from_depot", "to_depot", "tasks", "done", "open", "overdue", "books"],
    )
    freshness = round(fresh / arrivals, 4) if arrivals else None
    round_section.totals["freshness"] = freshness
    round_section.totals["inside_site"] = round(inside / moves, 4) if moves else None
    round_section.totals["stay_in_site"] = round(stayed / changed, 4) if changed else None

    site_section = Section(
        "sites",
        R.SECTION_TITLES["rotation.sites"],
        [
            Column("site", M.COL_SITE),
            Column("name", R.COL_SITE_NAME),
            Column("tasks", M.COL_TASKS, "int"),
            Column("done", M.COL_DONE, "int"),
            Column("open", M.COL_OPEN, "int"),
            Column("overdue", M.COL_OVERDUE, "int"),
            Column("books", R.COL_BOOKS_CARRIED, "int"),
            Column("volunteers", R.COL_PEOPLE, "int"),
        ],
        [
            [
                site,
                net.name(site),
                len(found),
                count["done"],
                count["open"],
                count["overdue"],
                sum(carried.get(int(t["id"]), 0) for t in found),
                len({t["volunteer"] for t in found if t.get("volunteer")}),
            ]
            for site, found in sorted(by_site.items(), key=lambda item: net.order(item[0]))
            for count in (states(found),)
        ],
    )
    site_section.totals = sum_columns(site_section, ["tasks", "done", "open", "overdue", "books"])
    site_section.totals["volunteers"] = len({t["volunteer"] for t in tasks if t.get("volunteer")})
    totals = round_section.totals
    figures = [
        Figure("rounds", len(rounds)),
        Figure("moves", totals["moves"]),
        Figure("freshness", freshness, "percent"),
        *(Figure(k, totals[k]) for k in ("tasks", "done", "open", "overdue")),
        Figure("books_carried", totals["books"]),
    ]
    charts = [
        Chart(
            "freshness",
            R.CHART_FRESHNESS,
            "line",
            [
                (str(r["number"]), float(r["figures"].get("freshness") or 0.0))
                for r in rounds
                if r.get("figures")
            ],
            percent=True,
        )
    ]
    return Report("rotation", "", [round_section, site_section], figures, charts)
