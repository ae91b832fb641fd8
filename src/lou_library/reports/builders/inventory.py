"""Inventory: books by site, category and status; books and capacity per box."""

from __future__ import annotations

from collections import Counter, defaultdict

from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.errors import Invalid
from lou_library.records import BOOKS
from lou_library.reports.builders.common import (
    HELD,
    Options,
    book_site,
    category_labels,
    read_network,
    status_columns,
    status_counts,
    sum_columns,
)
from lou_library.reports.model import Chart, Column, Figure, Report, Section, Value
from lou_library.repository import Repository


def inventory(db: Repository, options: Options) -> Report:
    """Books by site, category and status; books and capacity per box."""
    if options.start or options.end:
        raise Invalid(R.REPORT_NO_PERIOD)
    net = read_network(db)
    by_site: dict[str, Counter[str]] = defaultdict(Counter)
    by_category: dict[str, Counter[str]] = defaultdict(Counter)
    in_box: Counter[str] = Counter()
    for book in db.scan(BOOKS):
        where = book_site(book, net.box_site)
        if options.site and where != options.site:
            continue
        by_site[where][book["status"]] += 1
        by_category[book["category"]][book["status"]] += 1
        if book["status"] == "in_box":
            in_box[book["box"]] += 1
    boxes = sorted(
        (
            b
            for b in net.boxes.values()
            if b["status"] != "retired" and options.site in (None, b["site"])
        ),
        key=lambda b: (net.order(b["site"]), b["code"]),
    )
    boxes_per_site = Counter(b["site"] for b in boxes)

    site_codes = [
        code
        for code, s in net.sites.items()
        if options.site in (None, code) and (s.get("status") != "retired" or by_site[code])
    ]
    site_codes += sorted(set(by_site) - set(site_codes), key=net.order)
    sites = Section(
        "sites",
        R.SECTION_TITLES["inventory.sites"],
        [
            Column("site", M.COL_SITE),
            Column("name", R.COL_SITE_NAME),
            Column("kind", M.COL_KIND, "label", M.KIND_NAMES),
            Column("boxes", M.COL_BOXES, "int"),
            *status_columns(),
        ],
        [
            [
                code,
                net.name(code),
                net.sites.get(code, {}).get("kind"),
                boxes_per_site[code],
                *status_counts(by_site[code]),
            ]
            for code in site_codes
        ],
    )
    status_keys = [*HELD, "total", "withdrawn"]
    sites.totals = sum_columns(sites, ["boxes", *status_keys])

    labels = category_labels(db)
    category_keys = [k for k in labels if by_category.get(k)]
    category_keys += sorted(set(by_category) - set(category_keys))
    category_section = Section(
        "categories",
        R.SECTION_TITLES["inventory.categories"],
        [Column("category", M.COL_CATEGORY, "label", labels), *status_columns()],
        [[key, *status_counts(by_category[key])] for key in category_keys],
    )
    category_section.totals = sum_columns(category_section, status_keys)

    box_rows: list[list[Value]] = []
    for box in boxes:
        capacity = int(box["capacity"])
        held = in_box[box["code"]]
        box_rows.append(
            [
                box["code"],
                box["site"],
                box["building"],
                box["unit"],
                box["status"],
                capacity,
                held,
                round(held / capacity, 4) if capacity else None,
                max(0, capacity - held),
            ]
        )
    box_section = Section(
        "boxes",
        R.SECTION_TITLES["inventory.boxes"],
        [
            Column("box", R.COL_BOX),
            Column("site", M.COL_SITE),
            Column("building", M.COL_BUILDING),
            Column("unit", M.COL_UNIT),
            Column("status", M.COL_STATUS, "label", M.STATUS_NAMES),
            Column("capacity", R.COL_CAPACITY, "int"),
            Column("books", M.COL_BOOKS, "int"),
            Column("use", R.COL_USE, "percent"),
            Column("free", R.COL_FREE, "int"),
        ],
        box_rows,
    )
    box_section.totals = sum_columns(box_section, ["capacity", "books", "free"])
    capacity_total = int(box_section.totals["capacity"] or 0)
    use = (
        round(int(box_section.totals["books"] or 0) / capacity_total, 4) if capacity_total else None
    )
    box_section.totals["use"] = use

    totals = sites.totals
    figures = [
        Figure("books", totals["total"]),
        *(Figure(s, totals[s]) for s in (*HELD, "withdrawn")),
        Figure("boxes", len(boxes)),
        Figure("capacity", capacity_total),
        Figure("use", use, "percent"),
    ]
    charts = [
        Chart(
            "by_category",
            R.CHART_BY_CATEGORY,
            "bar",
            [
                (labels.get(k) or k, float(sum(by_category[k][s] for s in HELD)))
                for k in category_keys
            ],
        ),
        Chart(
            "by_site",
            R.CHART_BY_SITE,
            "bar",
            [(net.name(c), float(sum(by_site[c][s] for s in HELD))) for c in site_codes],
        ),
    ]
    return Report("inventory", "", [sites, category_section, box_section], figures, charts)
