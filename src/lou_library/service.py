"""Volunteer service: hours per walk and per other service, and certificates of service.

China's Ministry of Civil Affairs rules on volunteer service records and certificates
(志愿服务记录与证明出具办法（试行）, in force 2021-02-01) ask the organising body to record
each volunteer's service (what, when, where, how many hours) and to issue, on request, a
certificate carrying the volunteer's identity, the service and its hours, the issuing body
(name, person in charge, handler, contact), a certificate number and the date of issue.

Where the hours come from:

- **a walk** (a rotation task) has an estimate, in minutes, made when the round is
  planned: ``walk_minutes`` for going out and back, plus ``minutes_per_box`` for each box
  and ``minutes_per_book`` for each book it handles (settings ``service.*``; 20, 10 and
  0.25 by default), rounded up to five minutes. A task stored before there were
  estimates gets one from the current settings. When the volunteer reports the walk
  done they may say what it really took (``lou task done ID --hours 1.5``, corrected
  with ``--amend --hours``); otherwise the estimate counts. Only walks reported done
  count, for the volunteer they were given to, on the round's day (or the day reported,
  if earlier).
- **other service** (sorting the library room, a World Book Day event) is recorded on
  its own (``lou volunteer service``), numbered, and can be removed again if it was
  recorded by mistake.

A certificate covers one volunteer's service in a period. Its number is kept: issuing
the same period for the same volunteer again, with the same hours, gives the same number,
so a lost paper can be printed again and a number always names one person, one period and
one total. Once more service is recorded in the period the hours differ, and the new
paper gets a new number that says which one it replaces (the old stays on record).
"""

from __future__ import annotations

import contextlib
import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from lou_library import clock
from lou_library import report_messages as R
from lou_library import service_messages as S
from lou_library.errors import Invalid, NotFound
from lou_library.records import SITES, TASKS, Doc, next_number, set_settings, settings
from lou_library.repository import CERTIFICATES, SERVICES, Repository
from lou_library.schema import TaskStatus
from lou_library.text import clean

MOST_HOURS = 24.0  # one entry is one day's service at most
DEFAULTS: dict[str, float] = {"walk_minutes": 20, "minutes_per_box": 10, "minutes_per_book": 0.25}
ORG_KEYS = ("name", "head", "handler", "contact")
# Setting -> the largest value that still makes sense (a number), or None (text).
SETTINGS: dict[str, float | None] = {
    "org.name": None,
    "org.head": None,
    "org.handler": None,
    "org.contact": None,
    "service.walk_minutes": 240,
    "service.minutes_per_box": 120,
    "service.minutes_per_book": 30,
}


# ------------------------------------------------------------------------ settings


def service_settings(db: Repository) -> dict[str, float]:
    stored = settings(db).get("service", {})
    return {key: stored.get(key, value) for key, value in DEFAULTS.items()}


def organisation(db: Repository) -> dict[str, str]:
    stored = settings(db).get("org", {})
    return {key: str(stored.get(key, "")) for key in ORG_KEYS}


def current_settings(db: Repository) -> dict[str, Any]:
    """Every service and organisation setting with its value (defaults included)."""
    found: dict[str, Any] = {f"org.{k}": v for k, v in organisation(db).items()}
    found.update({f"service.{k}": v for k, v in service_settings(db).items()})
    return found


def set_setting(db: Repository, key: str, value: str) -> dict[str, Any]:
    """Set ``org.*`` (text) or ``service.*`` (a number of minutes)."""
    wanted = key.strip().lower()
    if wanted not in SETTINGS:
        raise Invalid(S.SETTING_UNKNOWN, key=key, keys=", ".join(SETTINGS))
    group, name = wanted.split(".")
    most = SETTINGS[wanted]
    stored: Any
    if most is None:
        stored = clean(value)
        if not stored:
            raise Invalid(S.SETTING_EMPTY, key=wanted)
    else:
        try:
            stored = float(value.strip())
        except ValueError:
            stored = math.nan
        if not 0 <= stored <= most:  # NaN fails too
            raise Invalid(S.SETTING_BAD_NUMBER, key=wanted, value=value, most=f"{most:g}")
        stored = int(stored) if stored.is_integer() else stored
    everything = settings(db)
    everything[group] = {**everything.get(group, {}), name: stored}
    set_settings(db, everything)
    return {"key": wanted, "value": stored}


# --------------------------------------------------------------------------- hours


def estimate_minutes(boxes: int, books: int, config: Mapping[str, float]) -> int:
    """A walk's duration: out and back, each box, each book; up to the next 5 minutes."""
    minutes = (
        config["walk_minutes"]
        + boxes * config["minutes_per_box"]
        + books * config["minutes_per_book"]
    )
    return max(5, math.ceil(minutes / 5) * 5)


def task_minutes(task: Mapping[str, Any], config: Mapping[str, float]) -> int:
    """The walk's estimate as planned, or (planned before estimates) from the settings."""
    if "minutes" in task:
        return int(task["minutes"])
    return estimate_minutes(len(task.get("boxes", [])), int(task.get("books", 0)), config)


def task_hours(task: Mapping[str, Any], config: Mapping[str, float]) -> float:
    """What a walk reported done counts: the hours reported, else the estimate."""
    if task.get("hours") is not None:
        return float(task["hours"])
    return round(task_minutes(task, config) / 60, 2)


_HOURS = re.compile(r"\d+(?:\.\d*)?|\.\d+")  # 1, 1.5, .5: no sign, exponent or "1_5"


def check_hours(value: float | str) -> float:
    """Hours as a person typed them: more than 0 and at most a day, to 0.01 h (a value
    that rounds to 0 is refused: stored, it was a task the file's check refuses)."""
    typed = unicodedata.normalize("NFKC", str(value)).strip().replace("，", ".").replace(",", ".")
    hours = float(typed) if _HOURS.fullmatch(typed) else math.nan
    if not 0 < hours <= MOST_HOURS:  # NaN and infinity fail too
        raise Invalid(S.HOURS_OUT_OF_RANGE, hours=value, most=f"{MOST_HOURS:g}")
    if round(hours, 2) == 0:
        raise Invalid(S.HOURS_TOO_FEW, hours=value)
    return round(hours, 2)


# ---------------------------------------------------------------- other service


def add_service(
    db: Repository,
    person: Mapping[str, Any],
    day: date,
    hours: float | str,
    what: str,
    site: str | None = None,
) -> Doc:
    """Record service outside the rotation for a volunteer (found by the caller)."""
    amount = check_hours(hours)
    text = clean(what)
    if not text:
        raise Invalid(S.SERVICE_WHAT_EMPTY)
    if day > clock.today():
        raise Invalid(S.SERVICE_DATE_FUTURE, date=day.isoformat())
    record: Doc = {
        "id": next_number(db, "service"),
        "volunteer": person["code"],
        "date": day.isoformat(),
        "hours": amount,
        "what": text,
        "recorded_at": clock.stamp(),
    }
    if site:
        record["site"] = site
    db.add(SERVICES, [record])
    return {**record, "name": person["name"]}


# -------------------------------------------------------------------- the record


@dataclass(frozen=True)
class Entry:
    """One piece of service: a walk reported done, or another service."""

    volunteer: str
    date: str
    kind: str  # "task" or "service"
    ref: int  # the task's or the service's number
    hours: float
    site: str | None
    what: str | None  # another service's description (a walk is described by its data)
    round: int | None = None
    boxes: tuple[str, ...] = ()
    books: int = 0

    def as_dict(self) -> Doc:
        return {
            "volunteer": self.volunteer,
            "date": self.date,
            "kind": self.kind,
            "id": self.ref,
            "hours": self.hours,
            "site": self.site,
            "what": self.what,
            "round": self.round,
            "boxes": list(self.boxes),
            "books": self.books,
        }


def in_period(day: str, start: date | None, end: date | None) -> bool:
    text = day[:10]
    return (start is None or text >= start.isoformat()) and (end is None or text <= end.isoformat())


def entries(
    db: Repository,
    start: date | None = None,
    end: date | None = None,
    volunteer: str | None = None,
    carried: Mapping[int, int] | None = None,
) -> list[Entry]:
    """Every piece of service in the period (by date, then volunteer), for one volunteer
    (a code) or all. ``carried``: books each walk carried (reports count them)."""
    config = service_settings(db)
    found = [
        Entry(
            task["volunteer"],
            task_day(task),
            "task",
            int(task["id"]),
            task_hours(task, config),
            task.get("site"),
            None,
            int(task["round"]),
            tuple(task.get("boxes", [])),
            (carried or {}).get(int(task["id"]), int(task.get("books", 0))),
        )
        for task in _done_tasks(db, volunteer)
        if clock.in_period(task_day(task), start, end)
    ]
    found += [
        Entry(
            record["volunteer"],
            record["date"],
            "service",
            int(record["id"]),
            float(record["hours"]),
            record.get("site"),
            record["what"],
        )
        for record in db.all(SERVICES)
        if volunteer in (None, record["volunteer"]) and clock.in_period(record["date"], start, end)
    ]
    return sorted(found, key=lambda e: (e.date, e.volunteer, e.kind, e.ref))


def task_day(task: Mapping[str, Any]) -> str:
    """The day a walk was made: its round's day, or the day it was reported done if that
    came first (a walk made early)."""
    done = str(task.get("done_at") or "")[:10]
    return min(str(task["date"]), done) if done else str(task["date"])


def _done_tasks(db: Repository, volunteer: str | None) -> Iterable[Doc]:
    tasks = db.where(TASKS, "volunteer", volunteer) if volunteer else db.all(TASKS)
    return (t for t in tasks if t["status"] == TaskStatus.done and t.get("volunteer"))


def total_hours(found: Iterable[Entry]) -> float:
    return round(sum(e.hours for e in found), 2)


def half_year(day: str) -> str:
    """``2026-H1``: the half year a day falls in (the office reports by half years)."""
    return f"{day[:4]}-H{1 if int(day[5:7]) <= 6 else 2}"


# ------------------------------------------------------------------ identity numbers


def check_id_number(text: str) -> str:
    """An 18-character resident ID number (GB 11643): its length, digits, check digit and
    date of birth checked (``python-stdnum``); returned upper-case, without spaces. The
    region code is not: the library's list of districts may lag behind new ones."""
    from stdnum import exceptions
    from stdnum.cn import ric

    number = clean(text).replace(" ", "").upper()
    try:
        return str(ric.validate(number))
    except exceptions.InvalidLength:
        reason = S.ID_BAD_LENGTH()
    except exceptions.InvalidFormat:
        reason = S.ID_BAD_FORMAT()
    except exceptions.InvalidChecksum:
        reason = S.ID_BAD_CHECK()
    except exceptions.InvalidComponent:  # the date of birth, or a region it does not know
        try:
            ric.get_birth_date(number)
        except exceptions.ValidationError:
            reason = S.ID_BAD_DATE()
        else:
            return number
    raise Invalid(S.ID_NUMBER_BAD, number=text, reason=reason)


def mask_id_number(number: str | None) -> str:
    """``110101199003071234`` -> ``110***********1234``: region and birth date hidden."""
    if not number:
        return ""
    return number[:3] + "*" * (len(number) - 7) + number[-4:] if len(number) > 7 else "*" * 4


# ---------------------------------------------------------------------- certificates


def certificate_number(
    db: Repository, volunteer: str, period: tuple[str, str], hours: float, today: date
) -> tuple[str, bool, str | None]:
    """The certificate's number for this volunteer, period and total: the one given
    before, or a new one (``ZYFW-2026-0001``: year of first issue, then a running number).
    (number, new?, the number of the last one issued for the period with other hours)"""
    replaces = None
    for record in db.where(CERTIFICATES, "volunteer", volunteer):
        if (record["from"], record["to"]) == period:
            if record["hours"] == hours:
                return str(record["number"]), False, None
            replaces = str(record["number"])
    serial = next_number(db, "certificate")
    return f"ZYFW-{today.year}-{serial:04d}", True, replaces


def issue_certificate(
    db: Repository,
    person: Mapping[str, Any],
    start: date | None = None,
    end: date | None = None,
) -> Doc:
    """A certificate of service for a volunteer (found by the caller) and a period: its
    number (kept), the issuing body, the services and their total. Without ``start`` or
    ``end`` the period runs from the first to the last service recorded."""
    if not organisation(db)["name"]:
        raise Invalid(S.ORG_MISSING)
    found = entries(db, start, end, volunteer=person["code"])
    if not found:
        raise Invalid(S.NO_SERVICE_IN_PERIOD, name=person["name"], code=person["code"])
    first = start.isoformat() if start else found[0].date[:10]
    last = end.isoformat() if end else found[-1].date[:10]
    today = clock.today()
    hours = total_hours(found)
    number, new, replaces = certificate_number(db, person["code"], (first, last), hours, today)
    record: Doc = {
        "number": number,
        "volunteer": person["code"],
        "from": first,
        "to": last,
        "hours": hours,
        "issued_on": today.isoformat(),
    }
    if new:
        record["first_issued_on"] = today.isoformat()
        if replaces:
            record["replaces"] = replaces
        db.add(CERTIFICATES, [record])
    else:
        db.update(CERTIFICATES, {number: {"issued_on": today.isoformat()}})
    return {
        **record,
        "name": person["name"],
        "id_number": person.get("id_number"),
        "party_member": bool(person.get("party_member")),
        "organisation": organisation(db),
        "entries": [e.as_dict() for e in found],
        "reissued": not new,
        "replaces": replaces,
    }


# -------------------------------------------------------------- the commands' use cases


def past_day(text: str, what: str = "--date") -> date:
    """A day service was given: ``11月20日`` is the last 20 November (never a future one,
    as it would be for a round)."""
    from lou_library.schedule import parse_date

    day = parse_date(text, what)
    if day > clock.today() and not re.search(r"\d{4}", text):
        with contextlib.suppress(ValueError):  # 29 February
            day = day.replace(year=day.year - 1)
    return day


def record_service(
    db: Repository,
    who: str,
    day: str | None,
    hours: str | float,
    what: str,
    site: str | None = None,
) -> Doc:
    """``lou volunteer service NAME --date D --hours H --what TEXT [--site S]``."""
    from lou_library.network import find_volunteer, get_site

    person = find_volunteer(db, who)
    when = past_day(day) if day else clock.today()
    place = get_site(db, site)["code"] if site else None
    return add_service(db, person, when, hours, what, place)


def remove_service_of(db: Repository, who: str, number: str) -> Doc:
    """``lou volunteer service NAME --remove ID``: the record must be that volunteer's (a
    mistyped number never removes someone else's service)."""
    from lou_library.network import find_volunteer

    person = find_volunteer(db, who)
    try:
        wanted = int(str(number).strip().lstrip("#"))
    except ValueError:
        raise NotFound(S.SERVICE_NOT_FOUND, code=number) from None
    record = db.get(SERVICES, wanted)
    if record is None or record["volunteer"] != person["code"]:
        raise NotFound(S.SERVICE_NOT_FOUND, code=number)
    db.remove(SERVICES, [wanted])
    return {**record, "name": person["name"]}


def certificate(
    db: Repository, who: str, start: str | None, end: str | None
) -> tuple[Doc, dict[str, str]]:
    """``lou volunteer certificate``: the certificate, and the sites' names for the page."""
    from lou_library.network import find_volunteer
    from lou_library.schedule import parse_date

    first = parse_date(start, "--from") if start else None
    last = parse_date(end, "--to") if end else None
    if first and last and first > last:
        raise Invalid(R.REPORT_BAD_PERIOD, start=first, end=last)
    person = find_volunteer(db, who)  # a retired volunteer: by code
    issued = issue_certificate(db, person, first, last)
    sites = {s["code"]: s["name"] for s in db.all(SITES)}
    return issued, sites
