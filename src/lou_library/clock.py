"""The time of day, in one place.

``LOU_NOW`` (an ISO date or datetime) pins the clock, so scripts and tests that compare
whole outputs see the same dates every run.
"""

from __future__ import annotations

import os
from datetime import date, datetime


def now() -> datetime:
    pinned = os.environ.get("LOU_NOW")
    if pinned:
        try:
            return datetime.fromisoformat(pinned).replace(microsecond=0)
        except ValueError:
            from lou_library import messages as M
            from lou_library.errors import Invalid

            raise Invalid(M.BAD_ENV, name="LOU_NOW", value=pinned) from None
    return datetime.now().replace(microsecond=0)


def today() -> date:
    return now().date()


def stamp() -> str:
    """An event time as stored in the DB: local time to the second, ISO 8601."""
    return now().isoformat(timespec="seconds")
