"""Service hours: per volunteer, per Party member group, per site, per half year, and
every piece of service (see :mod:`lou_library.service` for where the hours come from)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable

from lou_library import messages as M
from lou_library import report_messages as R
from lou_library import service_messages as S
from lou_library.catalogue import code_order
from lou_library.records import TASKS, VOLUNTEERS, Doc
from lou_library.reports.builders.common import Network, Options, books_carried, read_network
from lou_library.reports.model import Column, Figure, Report, Section, Value
from lou_library.repository import Repository
from lou_library.schema import TaskStatus
from lou_library.service import Entry, entries, half_year, total_hours
from lou_library.text import mask_phone


def hours(db: Repository, options: Options) -> Report:
    """Who served how many hours, by person, group, site and half year."""
    network = read_network(db)
    done = [t for t in db.all(TASKS) if t["status"] == TaskStatus.done]
    carried = books_carried(db, done)
    people = {v["code"]: v for v in db.all(VOLUNTEERS)}
    found = [
        e
        for e in entries(db, options.start, options.end, options.volunteer, carried)
        if options.site in (None, e.site)
    ]
    sections = [
        _people(found, people, options.show_contact),
        _groups(found, people),
        _by(found, "sites", lambda e: e.site or "", network),
        _by(found, "half_years", lambda e: half_year(e.date), None),
        _entries(found, people),
    ]
    figures = [
        Figure("volunteers", len({e.volunteer for e in found})),
        Figure("hours", total_hours(found), "hours"),
        Figure("rounds", len({e.round for e in found if e.round is not None})),
        Figure("books_carried", sum(e.books for e in found)),
        Figure("services", sum(1 for e in found if e.kind == "service")),
    ]
    return Report("hours", "", sections, figures)


def _per_person(found: Iterable[Entry]) -> dict[str, list[Entry]]:
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in found:
        grouped[entry.volunteer].append(entry)
    return grouped


def _people(found: list[Entry], people: dict[str, Doc], show_contact: bool) -> Section:
    rows: list[list[Value]] = []
    for code, mine in sorted(_per_person(found).items(), key=lambda item: code_order(item[0])):
        person = people.get(code, {})
        phone = str(person.get("phone", ""))
        rows.append(
            [
                code,
                person.get("name", code),
                bool(person.get("party_member")),
                (phone if show_contact else mask_phone(phone)) or None,
                " ".join(person.get("sites", [])) or None,
                sum(1 for e in mine if e.kind == "task"),
                sum(1 for e in mine if e.kind == "service"),
                total_hours(mine),
            ]
        )
    section = Section(
        "people",
        R.SECTION_TITLES["hours.people"],
        [
            Column("code", M.COL_CODE),
            Column("name", M.COL_PERSON),
            Column("party_member", M.COL_PARTY, "bool"),
            Column("phone", M.COL_PHONE),
            Column("sites", M.COL_SITES),
            Column("tasks_done", R.COL_TASKS_DONE, "int"),
            Column("services", S.COL_SERVICES, "int"),
            Column("hours", S.COL_HOURS, "hours"),
        ],
        rows,
        counted=True,
    )
    section.totals = {
        "party_member": sum(1 for row in rows if row[2]),
        "tasks_done": sum(int(row[5] or 0) for row in rows),
        "services": sum(int(row[6] or 0) for row in rows),
        "hours": total_hours(found),
    }
    return section


def _groups(found: list[Entry], people: dict[str, Doc]) -> Section:
    members: dict[str, list[Entry]] = {"party": [], "others": []}
    for entry in found:
        party = people.get(entry.volunteer, {}).get("party_member")
        members["party" if party else "others"].append(entry)
    rows: list[list[Value]] = [
        [key, len({e.volunteer for e in mine}), total_hours(mine)] for key, mine in members.items()
    ]
    section = Section(
        "groups",
        R.SECTION_TITLES["hours.groups"],
        [
            Column("group", R.COL_GROUP, "label", R.GROUP_NAMES),
            Column("people", R.COL_PEOPLE, "int"),
            Column("hours", S.COL_HOURS, "hours"),
        ],
        rows if found else [],
    )
    section.totals = {"people": len({e.volunteer for e in found}), "hours": total_hours(found)}
    return section


def _by(
    found: list[Entry], key: str, of: Callable[[Entry], str], network: Network | None
) -> Section:
    """Hours per site (a site's name beside its code) or per half year."""
    grouped: dict[str, list[Entry]] = defaultdict(list)
    for entry in found:
        grouped[of(entry)].append(entry)
    order = sorted(grouped, key=network.order if network else str)
    first = (
        [Column("site", M.COL_SITE), Column("site_name", R.COL_SITE_NAME)]
        if network
        else [Column("half_year", S.COL_HALF_YEAR)]
    )
    rows: list[list[Value]] = [
        [
            name or None,
            *([network.name(name) if name else None] if network else []),
            len({e.volunteer for e in grouped[name]}),
            total_hours(grouped[name]),
        ]
        for name in order
    ]
    section = Section(
        key,
        R.SECTION_TITLES[f"hours.{key}"],
        [*first, Column("people", R.COL_PEOPLE, "int"), Column("hours", S.COL_HOURS, "hours")],
        rows,
    )
    section.totals = {"hours": total_hours(found)}
    return section


def _entries(found: list[Entry], people: dict[str, Doc]) -> Section:
    rows: list[list[Value]] = [
        [
            e.date[:10],
            e.volunteer,
            people.get(e.volunteer, {}).get("name", e.volunteer),
            e.kind,
            e.ref,
            e.what if e.kind == "service" else " ".join(e.boxes),
            e.round,
            e.site,
            e.hours,
        ]
        for e in found
    ]
    section = Section(
        "entries",
        R.SECTION_TITLES["hours.entries"],
        [
            Column("date", M.COL_DATE, "date"),
            Column("volunteer", M.COL_CODE),
            Column("name", M.COL_PERSON),
            Column("kind", S.COL_KIND, "label", S.KIND_NAMES),
            Column("id", S.COL_REF, "int"),
            Column("what", S.COL_WHAT),
            Column("round", M.COL_ROUND, "int"),
            Column("site", M.COL_SITE),
            Column("hours", S.COL_HOURS, "hours"),
        ],
        rows,
        counted=True,
    )
    section.totals = {"hours": total_hours(found)}
    return section


def summary(report: Report) -> dict[str, Value]:
    """The half-year summary the office writes, as data (``--summary --json``)."""
    figures = {f.key: f.value for f in report.figures}
    return {
        "from": report.start.isoformat() if report.start else None,
        "to": report.end.isoformat() if report.end else None,
        "volunteers": figures["volunteers"],
        "hours": figures["hours"],
        "rounds": figures["rounds"],
        "books_carried": figures["books_carried"],
        "services": figures["services"],
    }
