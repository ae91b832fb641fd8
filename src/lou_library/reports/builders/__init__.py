"""One builder per report (:data:`REPORTS`), each in its own module, and
:func:`build_report`, the one way in: it checks the options, runs the builder on one read
of the DB and stamps the result."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from lou_library import clock
from lou_library import report_messages as R
from lou_library.errors import Invalid
from lou_library.network import find_volunteer, get_site
from lou_library.reports.builders.common import Options
from lou_library.reports.builders.donations import donations
from lou_library.reports.builders.hours import hours
from lou_library.reports.builders.inventory import inventory
from lou_library.reports.builders.missing import missing
from lou_library.reports.builders.rotation import rotation
from lou_library.reports.builders.volunteers import volunteers
from lou_library.reports.model import Report
from lou_library.repository import Repository

REPORTS = ("inventory", "missing", "donations", "rotation", "volunteers", "hours")

Builder = Callable[[Repository, Options], Report]


def build_report(
    db: Repository,
    name: str,
    *,
    site: str | None = None,
    start: date | None = None,
    end: date | None = None,
    show_contact: bool = False,
    volunteer: str | None = None,
) -> Report:
    """Compute report ``name`` (one of :data:`REPORTS`) from one read of the DB;
    ``volunteer`` (a code or a name) narrows the hours report to one person."""
    if start and end and start > end:
        raise Invalid(R.REPORT_BAD_PERIOD, start=start, end=end)
    site_doc = get_site(db, site) if site else None
    person = find_volunteer(db, volunteer) if volunteer else None
    options = Options(
        site_doc["code"] if site_doc else None,
        start,
        end,
        show_contact,
        person["code"] if person else None,
    )
    report = BUILDERS[name](db, options)
    report.generated = clock.stamp()
    report.site = options.site
    report.site_name = site_doc["name"] if site_doc else None
    report.start, report.end, report.show_contact = start, end, show_contact
    return report


BUILDERS: dict[str, Builder] = {
    "inventory": inventory,
    "missing": missing,
    "donations": donations,
    "rotation": rotation,
    "volunteers": volunteers,
    "hours": hours,
}
