"""When rounds fall: every 14 days from a start date, optionally off Chinese holidays.

The start date and options live in the DB's settings (``rotation``): ``start`` (ISO date
of round 1), ``interval_days`` (14) and ``skip_holidays`` (false). Without a start date,
round 1 falls on the first Saturday on or after the day the first plan is made.

With ``skip_holidays``, a round that lands on a public holiday or on a make-up working day
(调休上班, a weekend that is a working day) moves to the nearest free day, earlier first
on a tie, and says why. The ``holidays`` package knows both, imported only when needed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from lou_library import clock, i18n
from lou_library import messages as M
from lou_library.errors import Invalid

INTERVAL_DAYS = 14
DEFAULT_WEEKDAY = 5  # Saturday
_SUBSTITUTED = re.compile(r"substituted from (\d{2})/(\d{2})/(\d{4})")


Day = date  # a field of RoundDate is called "date"


@dataclass(frozen=True)
class RoundDate:
    number: int
    planned: date  # the regular date, every 14 days
    date: date  # the date the round really falls on
    reason: str = ""  # why it moved (a holiday's English name), empty if it did not
    due: Day | None = None  # a late round: the date it was due (``date`` is then today)


# Dates as people write them: 2026-12-5, 2026/12/5, 2026.12.5, 2026年12月5日 (or 号),
# and 12月5日 without a year; full-width digits and marks are folded (NFKC) first.
_YEAR_MONTH_DAY = re.compile(
    r"(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})[日号]?)"
)
_MONTH_DAY = re.compile(r"(\d{1,2})月(\d{1,2})[日号]?")


def parse_date(text: str, what: str = "--date") -> date:
    """A date from the command line, in the years :mod:`lou_library.clock` allows.

    ``12月5日`` is the next 5 December: this year's, or next year's once it has passed.
    """
    typed = unicodedata.normalize("NFKC", text).strip().replace(" ", "")
    try:
        day = _read_date(typed)
    except ValueError:
        raise Invalid(M.BAD_DATE, what=what, value=text) from None
    clock.check_year(day, what, text)
    return day


def _read_date(typed: str) -> date:
    full = _YEAR_MONTH_DAY.fullmatch(typed)
    if full:
        year, *rest = full.groups()
        month, day = (rest[0], rest[1]) if rest[0] is not None else (rest[2], rest[3])
        return date(int(year), int(month), int(day))
    short = _MONTH_DAY.fullmatch(typed)
    if short:
        today = clock.today()
        month, day = int(short.group(1)), int(short.group(2))
        try:
            this_year = date(today.year, month, day)
        except ValueError:  # 2月29日 outside a leap year: the next year that has one
            this_year = today.replace(month=1, day=1) - timedelta(days=1)
        if this_year >= today:
            return this_year
        for year in range(today.year + 1, today.year + 9):
            try:
                return date(year, month, day)
            except ValueError:
                continue
        raise ValueError(typed)
    return date.fromisoformat(typed)


def first_saturday(on_or_after: date) -> date:
    return on_or_after + timedelta(days=(DEFAULT_WEEKDAY - on_or_after.weekday()) % 7)


@lru_cache(maxsize=16)
def _closed_days(year: int, lang: str) -> dict[date, str]:
    """Public holidays and make-up working days of one year, named in ``lang``."""
    import holidays

    closed: dict[date, str] = {}
    calendar = holidays.country_holidays("CN", years=year, language="en_US")
    names = holidays.country_holidays(
        "CN", years=year, language="zh_CN" if lang == "zh" else "en_US"
    )
    for day in calendar:
        closed[day] = names.get(day) or calendar[day]
    # A weekend day next to a holiday belongs to the holiday block (the package lists
    # only the days off that fall on weekdays, e.g. not Sunday 4 October).
    for day in sorted(calendar):
        for step in (-1, 1, -2, 2):
            neighbour = day + timedelta(days=step)
            between = day + timedelta(days=step // 2) if abs(step) == 2 else neighbour
            if neighbour.weekday() >= 5 and (between == neighbour or between in closed):
                closed.setdefault(neighbour, closed[day])
    for name in calendar.values():
        match = _SUBSTITUTED.search(name)
        if match:
            month, dom, y = (int(g) for g in match.groups())
            closed[date(y, month, dom)] = M.MAKEUP_WORKDAY.text(lang)  # type: ignore[arg-type]
    return closed


def closed_reason(day: date, lang: i18n.Lang = "en") -> str:
    """Why a day is no day for a round, or '' if it is free.

    The rules keep the English name (data, the same in every language's ``--json``); the
    CLI asks again in the interface language to show it.
    """
    for year in (day.year, day.year - 1, day.year + 1):
        reason = _closed_days(year, lang).get(day)
        if reason:
            return reason
    return ""


def move_off_holidays(day: date) -> tuple[date, str]:
    reason = closed_reason(day)
    if not reason:
        return day, ""
    for step in range(1, 15):
        for candidate in (day - timedelta(days=step), day + timedelta(days=step)):
            if not closed_reason(candidate):
                return candidate, reason
    return day, reason  # pragma: no cover - no two weeks in China are all holidays


def rotation_settings(settings: dict[str, Any]) -> dict[str, Any]:
    found = dict(settings.get("rotation", {}))
    found.setdefault("interval_days", INTERVAL_DAYS)
    found.setdefault("skip_holidays", False)
    return found


def round_date(settings: dict[str, Any], number: int, start_hint: date | None = None) -> RoundDate:
    """The date of round ``number`` (1-based)."""
    rotation = rotation_settings(settings)
    start = (
        date.fromisoformat(rotation["start"])
        if rotation.get("start")
        else first_saturday(start_hint or clock.today())
    )
    planned = start + timedelta(days=int(rotation["interval_days"]) * (number - 1))
    if rotation["skip_holidays"]:
        moved, reason = move_off_holidays(planned)
        return RoundDate(number, planned, moved, reason)
    return RoundDate(number, planned, planned)


def upcoming(settings: dict[str, Any], next_number: int, count: int) -> list[RoundDate]:
    if not 1 <= count <= 500:
        raise Invalid(M.BAD_ROUNDS, value=count, limit=500)
    return [round_date(settings, n) for n in range(next_number, next_number + count)]
