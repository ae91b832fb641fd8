"""Volunteers: rounds served, tasks done and books carried per person."""

from __future__ import annotations

from collections import defaultdict

from lou_library import clock
from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.catalogue import code_order
from lou_library.clock import in_period
from lou_library.records import VOLUNTEERS, Doc
from lou_library.reports.builders.common import Options, books_carried, sum_columns
from lou_library.reports.model import Column, Figure, Report, Section, Value
from lou_library.repository import Repository
from lou_library.rotation import TASKS, task_state
from lou_library.text import mask_phone


def volunteers(db: Repository, options: Options) -> Report:
    """Per volunteer: rounds served, tasks done, books carried; Party members counted."""
    today = clock.today()
    tasks = [
        t
        for t in db.all(TASKS)
        if in_period(t.get("date"), options.start, options.end)
        and options.site in (None, t.get("site"))
    ]
    carried = books_carried(db, tasks)
    per_person: dict[str, list[Doc]] = defaultdict(list)
    for task in tasks:
        if task.get("volunteer"):
            per_person[task["volunteer"]].append(task)
    people_rows: list[list[Value]] = []
    groups: dict[str, list[tuple[Doc, list[Doc]]]] = {"party": [], "others": []}
    for person in sorted(db.all(VOLUNTEERS), key=lambda v: code_order(v["code"])):
        mine = per_person.get(person["code"], [])
        done = [t for t in mine if t["status"] == "done"]
        serves = options.site is None or options.site in person.get("sites", [])
        if not (serves or mine) or (person.get("status") != "active" and not done):
            continue
        phone = person.get("phone", "")
        groups["party" if person.get("party_member") else "others"].append((person, done))
        people_rows.append(
            [
                person["code"],
                person["name"],
                person.get("role"),
                bool(person.get("party_member")),
                (phone if options.show_contact else mask_phone(phone)) or None,
                " ".join(person.get("sites", [])) or None,
                len({t["round"] for t in done}),
                len(done),
                sum(1 for t in mine if task_state(t, today) != "done"),
                sum(carried[int(t["id"])] for t in done),
                max((str(t["date"]) for t in done), default=None),
            ]
        )
    people = Section(
        "volunteers",
        R.SECTION_TITLES["volunteers.people"],
        [
            Column("code", M.COL_CODE),
            Column("name", M.COL_PERSON),
            Column("role", M.COL_ROLE, "label", M.ROLE_NAMES),
            Column("party_member", M.COL_PARTY, "bool"),
            Column("phone", M.COL_PHONE),
            Column("sites", M.COL_SITES),
            Column("rounds_served", R.COL_ROUNDS_SERVED, "int"),
            Column("tasks_done", R.COL_TASKS_DONE, "int"),
            Column("tasks_open", R.COL_TASKS_OPEN, "int"),
            Column("books_carried", R.COL_BOOKS_CARRIED, "int"),
            Column("last_served", R.COL_LAST_SERVED, "date"),
        ],
        people_rows,
        counted=True,
    )
    people.totals = sum_columns(people, ["tasks_done", "tasks_open", "books_carried"])
    party_count = len(groups["party"])
    people.totals["party_member"] = party_count
    group_rows: list[list[Value]] = []
    for key, members in groups.items():
        done_tasks = [t for _, found in members for t in found]
        group_rows.append(
            [
                key,
                len(members),
                len({t["round"] for t in done_tasks}),
                len(done_tasks),
                sum(carried[int(t["id"])] for t in done_tasks),
            ]
        )
    party = Section(
        "party",
        R.SECTION_TITLES["volunteers.party"],
        [
            Column("group", R.COL_GROUP, "label", R.GROUP_NAMES),
            Column("people", R.COL_PEOPLE, "int"),
            Column("rounds_served", R.COL_ROUNDS_SERVED, "int"),
            Column("tasks_done", R.COL_TASKS_DONE, "int"),
            Column("books_carried", R.COL_BOOKS_CARRIED, "int"),
        ],
        group_rows if people_rows else [],
    )
    party.totals = sum_columns(party, ["people", "tasks_done", "books_carried"])
    figures = [
        Figure("volunteers", len(people_rows)),
        Figure("party_members", party_count),
        Figure("tasks_done", people.totals["tasks_done"]),
        Figure("books_carried", people.totals["books_carried"]),
    ]
    return Report("volunteers", "", [people, party], figures)
