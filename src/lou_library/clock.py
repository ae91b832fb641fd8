"""The time of day, in one place.

``LOU_NOW`` (an ISO date or datetime) pins the clock, so scripts and tests that compare
whole outputs see the same dates every run.
"""

from __future__ import annotations

import os
from datetime import date, datetime

# Dates the programme can mean. A year like 9999 is accepted by Python but leaves no room
# for "14 days later" (rounds, schedules, backup names overflow), so dates are bounded
# where they enter: options, LOU_NOW.
FIRST_YEAR = 2000
LAST_YEAR = 2200


def in_period(day: str | None, start: date | None, end: date | None) -> bool:
    """``day`` (a date or a timestamp) falls in the period; with no period, any day does."""
    if start is None and end is None:
        return True
    if not day:
        return False
    day = day[:10]
    return (start is None or day >= start.isoformat()) and (end is None or day <= end.isoformat())


def check_year(day: date, what: str, value: str) -> None:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        from lou_library import messages as M
        from lou_library.errors import Invalid

        raise Invalid(M.BAD_DATE_RANGE, what=what, value=value, low=FIRST_YEAR, high=LAST_YEAR)


def now() -> datetime:
    pinned = os.environ.get("LOU_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned).replace(microsecond=0)
        except ValueError:
            from lou_library import messages as M
            from lou_library.errors import Invalid

            raise Invalid(M.BAD_ENV, name="LOU_NOW", value=pinned) from None
        check_year(moment.date(), "LOU_NOW", pinned)
        return moment
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return now().date()


def stamp() -> str:
    """An event time as stored in the DB: local time to the second, ISO 8601."""
    return now().isoformat(timespec="seconds")
