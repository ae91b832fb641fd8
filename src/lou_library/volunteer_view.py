"""What a volunteer needs for a round: pick lists, a group-chat notice, calendar events.

Everything is computed once into :class:`PickList` records; the terminal checklist, the
printable A4 page, the notice and the ``.ics`` file all render those, so they agree.
"""

from __future__ import annotations

import hashlib
import html
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, timedelta

from lou_library import clock, i18n
from lou_library import messages as M
from lou_library.network import DEPOT
from lou_library.records import BOOKS, BOXES, SITES, VOLUNTEERS, Doc
from lou_library.repository import Repository
from lou_library.rotation import ROUNDS, TASKS, last_applied, task_state, with_stops
from lou_library.schema import BookStatus


@dataclass
class PickItem:
    book: str
    title: str
    other: str  # where it goes (take out) or comes from (put in): a box code or DEPOT


@dataclass
class PickStop:
    box: str
    place: str  # building and unit
    take_out: list[PickItem] = field(default_factory=list)
    put_in: list[PickItem] = field(default_factory=list)


@dataclass
class PickList:
    task: int
    round: int
    date: date
    state: str  # open, overdue or done
    site: str
    site_name: str
    volunteer: str | None
    volunteer_name: str
    stops: list[PickStop]
    # boxes of the round's other walks: box -> (task, volunteer's name). Books going to
    # or coming from one of them change hands between two volunteers.
    others: dict[str, tuple[int, str]] = field(default_factory=dict)

    def handover(self, box: str, outgoing: bool) -> str:
        """With whom a batch going to or coming from ``box`` changes hands ("" if nobody)."""
        owner = self.others.get(box)
        if owner is None:
            return ""
        task, name = owner
        handover = M.PICK_HAND_TO if outgoing else M.PICK_HAND_FROM
        return handover(task=task, name=name or M.TASK_NO_VOLUNTEER())

    def other_text(self, box: str, outgoing: bool) -> str:
        """Where a batch goes or comes from, and with whom it changes hands."""
        note = self.handover(box, outgoing)
        return where(box) + (M.IN_PARENS(text=note) if note else "")

    @property
    def books(self) -> int:
        return sum(len(s.take_out) + len(s.put_in) for s in self.stops)


def weekday(day: date) -> str:
    return M.WEEKDAYS().split()[day.weekday()]


def where(code: str) -> str:
    return M.DEPOT_NAME() if code == DEPOT else code


def stop_title(stop: PickStop) -> str:
    """A stop as a volunteer reads it: the box and where it stands, or the library room."""
    return where(stop.box) if stop.box == DEPOT else f"{stop.box} · {stop.place}"


def pick_lists(db: Repository, tasks: list[dict[str, object]]) -> list[PickList]:
    rounds = {int(task["round"]) for task in tasks}  # type: ignore[call-overload]
    others = [t for number in sorted(rounds) for t in db.where(TASKS, "round", number)]
    books = _records(db, BOOKS, _books_of(tasks))
    titles = {b["code"]: b["title"] for b in books}
    # a book withdrawn since the round was applied: not to be looked for on an open walk
    gone = {
        b["code"]: b["title"] + M.PICK_WITHDRAWN()
        for b in books
        if b["status"] == BookStatus.withdrawn
    }
    places = {
        b["code"]: f"{b['building']} {b['unit']}"
        for b in _records(db, BOXES, (s["box"] for t in tasks for s in t["stops"]))  # type: ignore[attr-defined]
    }
    sites = _names(db, SITES, (t["site"] for t in tasks), "name")
    people = _names(db, VOLUNTEERS, (t.get("volunteer") for t in [*tasks, *others]), "name")
    walks: dict[int, dict[str, tuple[int, str]]] = defaultdict(dict)
    for other in others:
        name = people.get(other.get("volunteer") or "", "")
        for box in other["boxes"]:
            walks[other["round"]][box] = (int(other["id"]), name)
    today = clock.today()
    found = []
    for task in tasks:
        state = task_state(task, today)
        named = titles if state == "done" else {**titles, **gone}
        stops = _with_library_room(
            [
                PickStop(
                    box=str(stop["box"]),
                    place=places.get(stop["box"], ""),
                    take_out=[PickItem(b, named.get(b, ""), to) for b, to in stop["take_out"]],
                    put_in=[PickItem(b, named.get(b, ""), src) for b, src in stop["put_in"]],
                )
                for stop in task["stops"]  # type: ignore[attr-defined]
            ]
        )
        volunteer = task.get("volunteer")
        found.append(
            PickList(
                task=int(task["id"]),  # type: ignore[call-overload]
                round=int(task["round"]),  # type: ignore[call-overload]
                date=date.fromisoformat(str(task["date"])),
                state=state,
                site=str(task["site"]),
                site_name=sites.get(str(task["site"]), str(task["site"])),
                volunteer=str(volunteer) if volunteer else None,
                volunteer_name=people.get(str(volunteer), "") if volunteer else "",
                stops=stops,
                others={
                    box: owner
                    for box, owner in walks[int(task["round"])].items()  # type: ignore[call-overload]
                    if owner[0] != int(task["id"])  # type: ignore[call-overload]
                },
            )
        )
    found.sort(key=lambda p: (p.date, p.task))
    return found


def _with_library_room(stops: list[PickStop]) -> list[PickStop]:
    """A walk's stops with the library room where it starts (the books to pick up there,
    for the boxes they go to) and where it ends (the books to bring back)."""
    pick_up = [
        PickItem(i.book, i.title, s.box) for s in stops for i in s.put_in if i.other == DEPOT
    ]
    bring = [
        PickItem(i.book, i.title, s.box) for s in stops for i in s.take_out if i.other == DEPOT
    ]
    first = [PickStop(DEPOT, "", take_out=pick_up)] if pick_up else []
    last = [PickStop(DEPOT, "", put_in=bring)] if bring else []
    return [*first, *stops, *last]


def _records(db: Repository, table: str, codes: Iterable[object]) -> list[Doc]:
    """The records of these codes, each once (codes of no record left out)."""
    wanted = [code for code in dict.fromkeys(codes) if isinstance(code, str)]
    return list(db.get_many(table, wanted).values())  # one query, in the codes' order


def _names(db: Repository, table: str, codes: Iterable[object], field: str) -> dict[str, str]:
    return {r["code"]: r[field] for r in _records(db, table, codes)}


def _books_of(tasks: list[dict[str, object]]) -> Iterable[str]:
    """Every book the tasks' stops take out or put in."""
    for task in tasks:
        for stop in task["stops"]:  # type: ignore[attr-defined]
            for book, _ in [*stop["take_out"], *stop["put_in"]]:
                yield book


def grouped(items: list[PickItem]) -> dict[str, list[PickItem]]:
    """Items by the box they go to or come from, in first-seen order."""
    groups: dict[str, list[PickItem]] = defaultdict(list)
    for item in items:
        groups[item.other].append(item)
    return dict(groups)


# --------------------------------------------------------------------- the notice


def _round(db: Repository, number: int) -> Doc | None:
    """Round ``number``'s number and date (not its undo data: 800,000 books' on a county's
    network), or None."""
    found = [(n, day) for n, day in db.values(ROUNDS, "number", "date") if n == number]
    return {"number": found[0][0], "date": found[0][1]} if found else None


def notice(db: Repository, round_number: int | None = None) -> str:
    """Plain text for the volunteers' group chat: the round's date, then one line each."""
    from lou_library.errors import NotFound

    record = _round(db, round_number) if round_number is not None else last_applied(db)
    if record is None and round_number is None:
        raise NotFound(M.NO_ROUNDS)
    if record is None:
        raise NotFound(M.NO_ROUND, number=round_number)
    tasks = with_stops(db, db.where(TASKS, "round", record["number"]))
    lists = pick_lists(db, tasks)
    day = date.fromisoformat(record["date"])
    lines = [
        M.NOTICE_HEAD(number=record["number"]),
        M.NOTICE_DATE(date=_day_text(day), weekday=weekday(day)),
        M.NOTICE_INTRO(),
    ]
    for plan in sorted(lists, key=lambda p: p.task):  # numbered by task, never 1., 2., ...
        boxes = [s for s in plan.stops if s.box != DEPOT]
        out = sum(len(s.take_out) for s in boxes)
        into = sum(len(s.put_in) for s in boxes)
        line = M.NOTICE_LINE(
            name=plan.volunteer_name or M.TASK_NO_VOLUNTEER(),
            site=plan.site_name,
            route=_route(plan),
            out=out,
            into=into,
            task=plan.task,
        )
        fetch = sum(len(s.take_out) for s in plan.stops if s.box == DEPOT)
        back = sum(len(s.put_in) for s in plan.stops if s.box == DEPOT)
        if fetch or back:
            line += M.NOTICE_DEPOT(fetch=fetch, back=back)
        lines.append(line)
    # one line per pair of walks: who hands how many books to whom, for which boxes
    passing: dict[tuple[int, int], list[str]] = {}
    names: dict[int, str] = {}
    for plan in lists:
        names[plan.task] = plan.volunteer_name or M.TASK_NO_VOLUNTEER()
        for stop in plan.stops:
            for item in stop.take_out:
                if item.other in plan.others:
                    passing.setdefault((plan.task, plan.others[item.other][0]), []).append(
                        item.other
                    )
    handovers = [
        M.NOTICE_HANDOVER(
            giver=names[giver],
            task=giver,
            n=len(targets),
            taker=names.get(taker) or M.TASK_NO_VOLUNTEER(),
            other_task=taker,
            boxes=M.LIST_SEPARATOR().join(dict.fromkeys(targets)),
        )
        for (giver, taker), targets in passing.items()
    ]
    if handovers:
        lines.append(M.NOTICE_HANDOVER_HEAD())
        lines.extend(handovers)
    lines.append(M.NOTICE_FOOT())
    return "\n".join(lines) + "\n"


def _day_text(day: date) -> str:
    return f"{day.month}月{day.day}日" if i18n.current() == "zh" else day.isoformat()


def _route(plan: PickList) -> str:
    codes = [s.box for s in plan.stops if s.box != DEPOT]
    prefix = codes[0].rsplit("-", 1)[0] + "-" if codes else ""
    if codes and all(c.startswith(prefix) for c in codes):
        return "→".join([codes[0], *(c[len(prefix) :] for c in codes[1:])])
    return "→".join(codes)


# ---------------------------------------------------------------------- calendar


def calendar(db: Repository, lists: list[PickList]) -> bytes:
    """An iCalendar file with one all-day event per task and a reminder the evening
    before (18:00). Event UIDs are stable, so importing again updates, not duplicates."""
    from icalendar import Alarm, Calendar, Event

    meta = db.meta()
    identity = hashlib.sha1(str(meta.get("created_at", "")).encode()).hexdigest()[:10]
    cal = Calendar()
    cal.add("prodid", "-//lou-library//楼道图书角//ZH")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", M.CALENDAR_NAME())
    # DTSTAMP is UTC by the standard (RFC 5545): the local clock, converted, not relabelled
    stamp = clock.now().astimezone(UTC)
    for plan in lists:
        event = Event()
        event.add("uid", f"lou-task-{plan.task}-{identity}@lou-library")
        event.add("dtstamp", stamp)
        event.add("dtstart", plan.date)
        event.add("dtend", plan.date + timedelta(days=1))
        event.add(
            "summary",
            M.CALENDAR_SUMMARY(number=plan.round, site=plan.site_name, name=plan.volunteer_name),
        )
        event.add("location", plan.site_name)
        event.add(
            "description",
            "\n".join(
                M.CALENDAR_STOP_DEPOT(name=where(s.box), out=len(s.take_out), into=len(s.put_in))
                if s.box == DEPOT
                else M.CALENDAR_STOP(
                    box=s.box, place=s.place, out=len(s.take_out), into=len(s.put_in)
                )
                for s in plan.stops
            )
            + "\n"
            + M.CALENDAR_DONE(task=plan.task),
        )
        alarm = Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", M.CALENDAR_REMINDER(site=plan.site_name))
        alarm.add("trigger", timedelta(hours=-6))  # all-day event: 18:00 the day before
        event.add_component(alarm)
        cal.add_component(event)
    payload: bytes = cal.to_ical()
    return payload


# ------------------------------------------------------------ printable pick lists

_PAGE_CSS = """
@page { size: A4; margin: 14mm 12mm; }
body { font-family: "Noto Sans CJK SC", "Microsoft YaHei", "PingFang SC", "WenQuanYi Micro Hei",
       sans-serif;
       font-size: 12pt; color: #111; margin: 0; }
section.person { page-break-after: always; break-after: page; padding: 0 0 8mm; }
section.person:last-child { page-break-after: auto; break-after: auto; }
h1 { font-size: 20pt; margin: 0 0 2mm; }
h2 { font-size: 15pt; margin: 6mm 0 2mm; border-bottom: 2px solid #333; }
p.meta { font-size: 13pt; margin: 0 0 4mm; }
.overdue { color: #b00; font-weight: bold; }
table { width: 100%; border-collapse: collapse; margin: 1mm 0 3mm; table-layout: fixed; }
col.tick { width: 10mm; } col.code { width: 48mm; }
th, td { text-align: left; padding: 1.2mm 2mm; border-bottom: 1px solid #bbb;
         vertical-align: top; }
th { background: #eee; }
td.tick { width: 8mm; font-size: 15pt; }
.box { width: 4.5mm; height: 4.5mm; border: 1.5px solid #000; display: inline-block; }
@media screen { body { max-width: 190mm; margin: 10mm auto; } }
"""


def pick_lists_html(lists: list[PickList]) -> str:
    """A self-contained page (no network resources), one volunteer per printed page."""
    e = html.escape
    by_person: dict[str, list[PickList]] = defaultdict(list)
    for plan in lists:
        by_person[plan.volunteer_name or M.TASK_NO_VOLUNTEER()].append(plan)
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if i18n.current() == "zh" else "en"}"><head><meta charset="utf-8">',
        f"<title>{e(M.PICK_TITLE())}</title><style>{_PAGE_CSS}</style></head><body>",
    ]
    for person, plans in by_person.items():
        parts.append(f'<section class="person"><h1>{e(person)}</h1>')
        for plan in plans:
            state = M.TASK_STATES[plan.state]()
            css = ' class="overdue"' if plan.state == "overdue" else ""
            parts.append(
                f'<p class="meta"{css}>{e(M.PICK_META(task=plan.task, round=plan.round, date=plan.date.isoformat(), weekday=weekday(plan.date), site=plan.site_name, state=state))}</p>'  # noqa: E501
            )
            for n, stop in enumerate(plan.stops, start=1):
                parts.append(f"<h2>{n}. {e(stop_title(stop))}</h2>")
                for label, items, out in (
                    (M.PICK_OUT, stop.take_out, True),
                    (M.PICK_IN, stop.put_in, False),
                ):
                    for other, batch in grouped(items).items():
                        heading = label(n=len(batch), other=plan.other_text(other, out))
                        parts.append(
                            '<table><col class="tick"><col class="code"><col>'
                            f"<tr><th></th><th>{e(heading)}</th><th>{e(M.COL_TITLE())}</th></tr>"
                        )
                        for item in batch:
                            parts.append(
                                f'<tr><td class="tick"><span class="box"></span></td>'
                                f"<td>{e(item.book)}</td><td>{e(item.title)}</td></tr>"
                            )
                        parts.append("</table>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


@dataclass
class TaskListing:
    """``lou task list``: the tasks as rows (``--json``), and for one volunteer (or a
    printed page) their pick lists and name."""

    rows: list[Doc]
    lists: list[PickList]
    name: str

    def document(self) -> Doc:
        return {"tasks": self.rows, "total": len(self.rows)}


def task_listing(
    db: Repository,
    volunteer: str | None = None,
    round_number: int | None = None,
    *,
    everything: bool = False,
    pick_lists_wanted: bool = False,
) -> TaskListing:
    """The open tasks (all of them with ``everything``, or a round's), a volunteer's own."""
    from lou_library.network import find_volunteer
    from lou_library.rotation import list_tasks, task_rows

    tasks = list_tasks(
        db, volunteer, round_number, open_only=not everything and round_number is None
    )
    wanted = bool(volunteer) or pick_lists_wanted
    return TaskListing(
        task_rows(db, tasks),
        pick_lists(db, tasks) if wanted else [],
        find_volunteer(db, volunteer)["name"] if volunteer else "",
    )


def volunteer_calendar(db: Repository, volunteer: str | None = None) -> tuple[bytes, int]:
    """``lou schedule ics``: a calendar of the open walks (a volunteer's, or everyone's)
    and how many it holds; none is a clear refusal, naming the volunteer."""
    from lou_library.errors import Invalid
    from lou_library.network import find_volunteer
    from lou_library.rotation import list_tasks

    lists = pick_lists(db, list_tasks(db, volunteer, open_only=True))
    if not lists:
        name = find_volunteer(db, volunteer)["name"] if volunteer else None
        raise Invalid(M.CALENDAR_EMPTY, who=M.CALENDAR_EMPTY_WHO(name=name) if name else "")
    return calendar(db, lists), len(lists)
