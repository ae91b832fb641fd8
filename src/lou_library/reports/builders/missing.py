"""Missing books: not seen or lost, where they were last, since when."""

from __future__ import annotations

from collections import Counter, defaultdict

from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.catalogue import code_order
from lou_library.clock import in_period
from lou_library.network import DEPOT
from lou_library.records import BOOKS, EVENTS
from lou_library.reports.builders.common import (
    Options,
    book_site,
    category_labels,
    read_network,
    sum_columns,
)
from lou_library.reports.model import Column, Figure, Report, Section, Value
from lou_library.repository import STOCKTAKES, Repository
from lou_library.rotation import ROUNDS

# the library room's code where a box or site would be (a book last seen there): its name
PLACES = {DEPOT: M.DEPOT_NAME}


def _last_seen(db: Repository) -> dict[str, str]:
    """Book code -> day of its latest ``not_seen`` event."""
    found: dict[str, str] = {}
    for _, record in db.entries_where(EVENTS, "action", ["not_seen"]):
        day = str(record["at"])[:10]
        if day > found.get(record["book"], ""):
            found[record["book"]] = day
    return found


def missing(db: Repository, options: Options) -> Report:
    """Books not seen or lost: where they were last, since when, how many rounds ago."""
    net = read_network(db)
    labels = category_labels(db)
    seen_events = _last_seen(db)
    round_dates = {int(n): str(day) for n, day in db.values(ROUNDS, "number", "date")}
    found: list[list[Value]] = []
    per_site: dict[str, Counter[str]] = defaultdict(Counter)
    for book in db.scan(BOOKS):
        if book["status"] not in ("not_seen", "lost"):
            continue
        where = book_site(book, net.box_site)
        if options.site and where != options.site:
            continue
        since = book.get("missing_since")
        seen = seen_events.get(book["code"]) or (
            round_dates.get(since) if isinstance(since, int) else None
        )
        if not in_period(seen, options.start, options.end):
            continue
        if isinstance(since, int):  # rounds applied since (numbers skip missed dates)
            rounds_since: int | None = sum(1 for n in round_dates if n > since)
        elif seen:
            rounds_since = sum(1 for day in round_dates.values() if day > seen)
        else:
            rounds_since = None
        per_site[where][book["status"]] += 1
        found.append(
            [
                book["code"],
                book["title"],
                book.get("author", ""),
                book["category"],
                book["status"],
                book.get("last_box"),
                where,
                seen,
                rounds_since,
            ]
        )
    found.sort(key=lambda r: (str(r[7] or ""), code_order(str(r[0]))))
    books = Section(
        "books",
        R.SECTION_TITLES["missing.books"],
        [
            Column("code", M.COL_CODE),
            Column("title", M.COL_TITLE),
            Column("author", M.COL_AUTHOR),
            Column("category", M.COL_CATEGORY, "label", labels),
            Column("status", M.COL_STATUS, "label", M.STATUS_NAMES),
            Column("last_box", M.COLUMN_NAMES["last_box"], "label", PLACES),
            Column("site", M.COL_SITE, "label", PLACES),
            Column("last_seen", R.COL_LAST_SEEN, "date"),
            Column("rounds_since", R.COL_ROUNDS_SINCE, "int"),
        ],
        found,
        counted=True,
    )
    sites = Section(
        "sites",
        R.SECTION_TITLES["missing.sites"],
        [
            Column("site", M.COL_SITE, "label", PLACES),
            Column("name", R.COL_SITE_NAME),
            Column("not_seen", R.FIGURE_NAMES["not_seen"], "int"),
            Column("lost", R.FIGURE_NAMES["lost"], "int"),
            Column("total", R.REPORT_TOTAL, "int"),
        ],
        [
            [code, net.name(code), c["not_seen"], c["lost"], c["not_seen"] + c["lost"]]
            for code, c in sorted(per_site.items(), key=lambda item: net.order(item[0]))
        ],
    )
    sites.totals = sum_columns(sites, ["not_seen", "lost", "total"])
    sections = [books, sites]
    counted = _stocktakes(db, options, net.box_site)
    if counted.rows:  # issue 17: what volunteers found when they looked
        sections.append(counted)
    figures = [
        Figure("missing", len(found)),
        Figure("not_seen", sites.totals["not_seen"]),
        Figure("lost", sites.totals["lost"]),
    ]
    return Report("missing", "", sections, figures)


def _stocktakes(db: Repository, options: Options, box_site: dict[str, str]) -> Section:
    """The stocktakes of the period (those taken back left out): a box, its counts."""
    rows: list[list[Value]] = []
    for record in db.all(STOCKTAKES):
        site = box_site.get(record["box"], "")
        day = str(record["at"])[:10]
        if "undone_at" in record or (options.site and site != options.site):
            continue
        if not in_period(day, options.start, options.end):
            continue
        rows.append(
            [record["id"], day, record["box"], site, len(record["present"]),
             len(record["not_seen"]), len(record["found_here"]), len(record["unknown"]),
             len(record["isbn_only"]), record.get("task")]
        )  # fmt: skip
    columns = [Column("stocktake", M.COL_ST_ID, "int"), Column("date", M.COL_DATE, "date"),
               Column("box", R.COL_BOX), Column("site", M.COL_SITE)]  # fmt: skip
    columns += [Column(key, M.ST_RESULTS[key], "int") for key in RESULT_KEYS]
    columns.append(Column("task", M.COL_ST_TASK, "int"))
    section = Section("stocktakes", M.ST_SECTION, columns, rows)
    section.totals = sum_columns(section, list(RESULT_KEYS))
    return section


RESULT_KEYS = ("present", "not_seen", "found_here", "unknown", "isbn_only")
