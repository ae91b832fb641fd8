"""Donations: donated books by month, site and donor."""

from __future__ import annotations

from collections import defaultdict

from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.catalogue import code_order
from lou_library.clock import in_period
from lou_library.network import DEPOT
from lou_library.records import BOOKS, EVENTS, Doc
from lou_library.reports.builders.common import Options, category_labels, read_network
from lou_library.reports.model import Chart, Column, Figure, Report, Section, Value
from lou_library.repository import Repository


def donations(db: Repository, options: Options) -> Report:
    """Donated books by month, site and donor; donors masked unless ``show_contact``."""
    net = read_network(db)
    labels = category_labels(db)
    donated_into = {
        str(e["book"]): str(e["to"])
        for _, e in db.entries_where(EVENTS, "action", ["donated"])
        if e.get("to")
    }
    groups: dict[tuple[str, str, str], list[Doc]] = defaultdict(list)
    months: dict[str, list[Doc]] = defaultdict(list)
    listed: list[list[Value]] = []
    chosen: list[Doc] = []
    donated = (  # (not a record withdrawn as entered by mistake: no book was given)
        book
        for book in db.scan(BOOKS)
        if book.get("source") == "donation" and not book.get("entered_in_error")
    )
    for book in sorted(donated, key=lambda b: code_order(b["code"])):
        day = str(book.get("added_on") or "")
        if not in_period(day, options.start, options.end):
            continue
        box = donated_into.get(book["code"]) or book.get("last_box") or book.get("box")
        where = net.box_site.get(box or "", DEPOT)
        if options.site and where != options.site:
            continue
        donor = str(book.get("donor") or "")
        shown = donor if options.show_contact else ("***" if donor else "")
        month = day[:7]
        groups[(month, where, shown)].append(book)
        months[month].append(book)
        chosen.append(book)
        listed.append(
            [
                book["code"],
                book["title"],
                book.get("author", ""),
                book["category"],
                day or None,
                where,
                box,
                shown or None,
                book["status"],
            ]
        )
    summary = Section(
        "summary",
        R.SECTION_TITLES["donations.summary"],
        [
            Column("month", R.COL_MONTH),
            Column("site", M.COL_SITE),
            Column("name", R.COL_SITE_NAME),
            Column("donor", M.COL_DONOR),
            Column("books", M.COL_BOOKS, "int"),
            Column("titles", R.COL_TITLES, "int"),
        ],
        [
            [
                month,
                site,
                net.name(site),
                donor or None,
                len(books),
                len({b["title"] for b in books}),
            ]
            for (month, site, donor), books in sorted(
                groups.items(), key=lambda item: (item[0][0], net.order(item[0][1]), item[0][2])
            )
        ],
    )
    titles = len({b["title"] for b in chosen})
    donors = len({b["donor"] for b in chosen if b.get("donor")})
    summary.totals = {"books": len(chosen), "titles": titles}
    by_month = Section(
        "months",
        R.SECTION_TITLES["donations.months"],
        [
            Column("month", R.COL_MONTH),
            Column("books", M.COL_BOOKS, "int"),
            Column("titles", R.COL_TITLES, "int"),
            Column("donors", R.COL_DONORS, "int"),
            Column("sites", R.COL_SITES_COUNT, "int"),
        ],
        [
            [
                month,
                len(books),
                len({b["title"] for b in books}),
                len({b["donor"] for b in books if b.get("donor")}),
                len({key[1] for key in groups if key[0] == month}),
            ]
            for month, books in sorted(months.items())
        ],
    )
    by_month.totals = {
        "books": len(chosen),
        "titles": titles,
        "donors": donors,
        "sites": len({key[1] for key in groups}),
    }
    book_list = Section(
        "books",
        R.SECTION_TITLES["donations.books"],
        [
            Column("code", M.COL_CODE),
            Column("title", M.COL_TITLE),
            Column("author", M.COL_AUTHOR),
            Column("category", M.COL_CATEGORY, "label", labels),
            Column("added_on", M.COL_ADDED, "date"),
            Column("site", M.COL_SITE),
            Column("box", R.COL_DONATED_TO),
            Column("donor", M.COL_DONOR),
            Column("status", M.COL_STATUS, "label", M.STATUS_NAMES),
        ],
        listed,
        counted=True,
    )
    figures = [
        Figure("donated", len(chosen)),
        Figure("titles", titles),
        Figure("donors", donors),
        Figure("months", len(months)),
    ]
    charts = [
        Chart(
            "by_month",
            R.CHART_DONATIONS,
            "bar",
            [(month, float(len(books))) for month, books in sorted(months.items())],
        )
    ]
    return Report("donations", "", [summary, by_month, book_list], figures, charts)
