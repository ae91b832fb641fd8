"""Reports for the community and subdistrict admins, computed once, rendered many ways.

Each report (:data:`REPORTS`) is built by one function into a :class:`Report`: a few
:class:`Section` tables (column keys, header messages, rows of plain values, totals), the
headline :class:`Figure` numbers and, for the web page, :class:`Chart` data. Every format
renders that one structure, so a CSV, a workbook and a printed page can never disagree:

* ``json`` - :func:`to_json`: stable English keys, codes rather than names, fractions
  for shares (0 to 1);
* ``csv`` - :func:`to_csv`: the *main* section only (the first one, named in each
  command's help) with its total row, formula-like cells neutralised; UTF-8 with a BOM
  when written to a file, so Excel and WPS read the Chinese;
* ``xlsx`` - :func:`to_xlsx`: one sheet per section, headers in the interface language,
  numbers as numbers, the header row frozen;
* ``md`` - :func:`to_markdown`: Markdown tables to paste into a document;
* ``html`` - :func:`to_html`: one self-contained printable page (inline CSS, inline SVG
  charts, no network resources, user text escaped).

The screen table is drawn by ``cli/cmd_report.py`` from the same structure.

Where a book counts: a book in a box counts for the box's site, a book in the depot for
the depot; a book not seen, lost or withdrawn counts for the site of its last box.
"""

from __future__ import annotations

import csv
import html
import io
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Literal

import orjson
from tinydb import TinyDB

from lou_library import clock, i18n
from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.catalogue import categories, code_order
from lou_library.errors import Invalid
from lou_library.i18n import Msg
from lou_library.network import DEPOT, get_site
from lou_library.records import BOOKS, BOXES, EVENTS, SITES, VOLUNTEERS, Doc, docs
from lou_library.rotation import ROUNDS, TASKS, task_books, task_state, with_stops
from lou_library.text import mask_phone
from lou_library.transfer import neutralise

REPORTS = ("inventory", "missing", "donations", "rotation", "volunteers")
FORMATS = ("table", "csv", "json", "xlsx", "md", "html")
SUFFIXES = {
    ".csv": "csv",
    ".json": "json",
    ".xlsx": "xlsx",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
}
HELD = ("in_box", "in_depot", "not_seen", "lost")  # books the programme still holds

Value = str | int | float | bool | None
Kind = Literal["text", "int", "percent", "date", "bool", "label"]


# ------------------------------------------------------------------ the structure


@dataclass(frozen=True)
class Column:
    """One column: its JSON key, its header, how its values read (``kind``).

    ``label`` columns hold codes (a status, a category key) and show ``labels[code]``;
    ``percent`` columns hold fractions from 0 to 1.
    """

    key: str
    header: Msg
    kind: Kind = "text"
    labels: Mapping[str, Msg] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "percent")


@dataclass
class Section:
    key: str
    title: Msg
    columns: list[Column]
    rows: list[list[Value]]
    totals: dict[str, Value] = field(default_factory=dict)  # column key -> total
    counted: bool = False  # a list: the total row says how many rows there are

    @property
    def has_total_row(self) -> bool:
        return bool(self.rows) and (bool(self.totals) or self.counted)


@dataclass(frozen=True)
class Figure:
    """A headline number of the whole report (``totals`` in JSON)."""

    key: str
    value: Value
    kind: Kind = "int"


@dataclass(frozen=True)
class Chart:
    key: str
    title: Msg
    style: Literal["bar", "line"]
    points: list[tuple[Msg | str, float]]
    percent: bool = False


@dataclass
class Report:
    name: str
    generated: str
    sections: list[Section]
    figures: list[Figure]
    charts: list[Chart] = field(default_factory=list)
    site: str | None = None
    site_name: str | None = None
    start: date | None = None
    end: date | None = None
    show_contact: bool = False

    @property
    def title(self) -> Msg:
        return R.REPORT_TITLES[self.name]

    @property
    def main(self) -> Section:
        return self.sections[0]


# ---------------------------------------------------------------------- showing


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def cell_text(column: Column, value: Value) -> str:
    """A value as people read it, in the interface language."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return M.YES() if value else M.NO()
    if column.kind == "percent" and isinstance(value, int | float):
        return percent(value)
    if column.kind == "label":
        msg = column.labels.get(str(value))
        return msg() if msg else str(value)
    return str(value)


def row_texts(section: Section, row: Sequence[Value]) -> list[str]:
    return [cell_text(c, v) for c, v in zip(section.columns, row, strict=True)]


def total_values(section: Section) -> list[Value]:
    """The total row: its label in the first cell, then the totals under their columns."""
    label = R.REPORT_TOTAL_ROWS(n=len(section.rows)) if section.counted else R.REPORT_TOTAL()
    return [label, *(section.totals.get(c.key) for c in section.columns[1:])]


def total_texts(section: Section) -> list[str]:
    values = total_values(section)
    return [
        str(values[0]),
        *(cell_text(c, v) for c, v in zip(section.columns[1:], values[1:], strict=True)),
    ]


def figure_text(figure: Figure) -> str:
    return cell_text(Column(figure.key, R.REPORT_TOTAL, figure.kind), figure.value)


def meta_lines(report: Report) -> list[str]:
    """Generated when, for which site and period: the line under a report's title."""
    lines = [R.REPORT_GENERATED(stamp=report.generated.replace("T", " "))]
    if report.site:
        lines.append(R.REPORT_FILTER_SITE(site=f"{report.site_name} ({report.site})"))
    if report.start or report.end:
        lines.append(
            R.REPORT_FILTER_PERIOD(
                start=report.start.isoformat() if report.start else R.REPORT_OPEN_START(),
                end=report.end.isoformat() if report.end else R.REPORT_OPEN_END(),
            )
        )
    if report.show_contact:
        lines.append(R.REPORT_FILTER_CONTACT())
    return lines


def choose_format(wanted: str | None, output: Path | None) -> str:
    """``--format``, else the output file's extension, else the screen table."""
    if wanted is None:
        if output is None:
            return "table"
        found = SUFFIXES.get(output.suffix.lower())
        if found is None:
            raise Invalid(R.REPORT_UNKNOWN_SUFFIX, path=output)
        wanted = found
    if wanted == "xlsx" and output is None:
        raise Invalid(R.REPORT_XLSX_NEEDS_OUTPUT)
    if wanted == "table" and output is not None:
        raise Invalid(R.REPORT_TABLE_NOT_A_FILE)
    if output is not None:
        _check_suffix(wanted, output)
    return wanted


# Extensions that promise some other kind of file: CSV text named .xls or .pdf is broken.
_OTHER_SUFFIXES = (".xls", ".ods", ".pdf", ".doc", ".docx", ".odt", ".ics", ".png", ".jpg")


def _check_suffix(wanted: str, output: Path) -> None:
    """``--format csv --output inv.xlsx`` is refused: the extension says another format."""
    from lou_library import messages as M
    from lou_library.filetypes import fixed_name

    suffix = output.suffix.lower()
    found = SUFFIXES.get(suffix)
    if (found is None or found == wanted) and suffix not in _OTHER_SUFFIXES:
        return  # no extension, or one that says nothing else (.txt, .tsv...)
    own = [s for s, fmt in SUFFIXES.items() if fmt == wanted]
    name, suffix = R.FORMAT_NAMES[wanted](), own[0]
    fixed = fixed_name(output, suffix)
    if found is None:
        raise Invalid(M.WRONG_SUFFIX, path=output, format=name, suffix=suffix, fixed=fixed)
    raise Invalid(
        M.FORMAT_SUFFIX_MISMATCH,
        path=output,
        format=name,
        suffix=suffix,
        fixed=fixed,
        fmt=wanted,
        other=found,
    )


# ----------------------------------------------------------------- shared reading


@dataclass
class _Network:
    sites: dict[str, Doc]  # code -> site, in the order they were created (depot first)
    boxes: dict[str, Doc]
    box_site: dict[str, str]

    def order(self, site: str) -> tuple[int, str]:
        keys = list(self.sites)
        return (keys.index(site) if site in self.sites else len(keys), site)

    def name(self, site: str) -> str:
        found = self.sites.get(site)
        return str(found["name"]) if found else site


def _network(db: TinyDB) -> _Network:
    sites = {s["code"]: s for s in docs(db, SITES)}
    boxes = {b["code"]: b for b in docs(db, BOXES)}
    return _Network(sites, boxes, {code: b["site"] for code, b in boxes.items()})


def book_site(book: Doc, box_site: Mapping[str, str]) -> str:
    """The site a book counts for (see the module's docstring)."""
    if book["status"] == "in_depot":
        return DEPOT
    box = book.get("box") if book["status"] == "in_box" else book.get("last_box")
    return box_site.get(box or "", DEPOT)


def _in_period(day: str | None, start: date | None, end: date | None) -> bool:
    if start is None and end is None:
        return True
    if not day:
        return False
    day = day[:10]
    return (start is None or day >= start.isoformat()) and (end is None or day <= end.isoformat())


def _category_labels(db: TinyDB) -> dict[str, Msg]:
    return {key: Msg(zh, en) for key, (zh, en) in categories(db).items()}


# ---------------------------------------------------------------------- building


Builder = Callable[[TinyDB, "Options"], Report]


@dataclass(frozen=True)
class Options:
    site: str | None = None
    start: date | None = None
    end: date | None = None
    show_contact: bool = False


def build_report(
    db: TinyDB,
    name: str,
    *,
    site: str | None = None,
    start: date | None = None,
    end: date | None = None,
    show_contact: bool = False,
) -> Report:
    """Compute report ``name`` (one of :data:`REPORTS`) from one read of the DB."""
    if start and end and start > end:
        raise Invalid(R.REPORT_BAD_PERIOD, start=start, end=end)
    site_doc = get_site(db, site)[1] if site else None
    options = Options(site_doc["code"] if site_doc else None, start, end, show_contact)
    report = BUILDERS[name](db, options)
    report.generated = clock.stamp()
    report.site = options.site
    report.site_name = site_doc["name"] if site_doc else None
    report.start, report.end, report.show_contact = start, end, show_contact
    return report


def _status_columns() -> list[Column]:
    return [
        *(Column(s, R.FIGURE_NAMES[s], "int") for s in HELD),
        Column("total", R.COL_TOTAL_HELD, "int"),
        Column("withdrawn", R.FIGURE_NAMES["withdrawn"], "int"),
    ]


def _status_counts(counts: Counter[str]) -> list[Value]:
    return [*(counts[s] for s in HELD), sum(counts[s] for s in HELD), counts["withdrawn"]]


def _sum_columns(section: Section, keys: Iterable[str]) -> dict[str, Value]:
    index = {c.key: i for i, c in enumerate(section.columns)}
    return {k: sum(int(row[index[k]] or 0) for row in section.rows) for k in keys}


def inventory(db: TinyDB, options: Options) -> Report:
    """Books by site, category and status; books and capacity per box."""
    if options.start or options.end:
        raise Invalid(R.REPORT_NO_PERIOD)
    net = _network(db)
    by_site: dict[str, Counter[str]] = defaultdict(Counter)
    by_category: dict[str, Counter[str]] = defaultdict(Counter)
    in_box: Counter[str] = Counter()
    for book in docs(db, BOOKS):
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
            *_status_columns(),
        ],
        [
            [
                code,
                net.name(code),
                net.sites.get(code, {}).get("kind"),
                boxes_per_site[code],
                *_status_counts(by_site[code]),
            ]
            for code in site_codes
        ],
    )
    status_keys = [*HELD, "total", "withdrawn"]
    sites.totals = _sum_columns(sites, ["boxes", *status_keys])

    labels = _category_labels(db)
    category_keys = [k for k in labels if by_category.get(k)]
    category_keys += sorted(set(by_category) - set(category_keys))
    category_section = Section(
        "categories",
        R.SECTION_TITLES["inventory.categories"],
        [Column("category", M.COL_CATEGORY, "label", labels), *_status_columns()],
        [[key, *_status_counts(by_category[key])] for key in category_keys],
    )
    category_section.totals = _sum_columns(category_section, status_keys)

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
    box_section.totals = _sum_columns(box_section, ["capacity", "books", "free"])
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


def _last_seen(db: TinyDB) -> dict[str, str]:
    """Book code -> day of its latest ``not_seen`` event."""
    found: dict[str, str] = {}
    for record in docs(db, EVENTS):
        if record.get("action") == "not_seen":
            day = str(record["at"])[:10]
            if day > found.get(record["book"], ""):
                found[record["book"]] = day
    return found


def missing(db: TinyDB, options: Options) -> Report:
    """Books not seen or lost: where they were last, since when, how many rounds ago."""
    net = _network(db)
    labels = _category_labels(db)
    seen_events = _last_seen(db)
    round_dates = {int(r["number"]): str(r["date"]) for r in docs(db, ROUNDS)}
    found: list[list[Value]] = []
    per_site: dict[str, Counter[str]] = defaultdict(Counter)
    for book in docs(db, BOOKS):
        if book["status"] not in ("not_seen", "lost"):
            continue
        where = book_site(book, net.box_site)
        if options.site and where != options.site:
            continue
        since = book.get("missing_since")
        seen = seen_events.get(book["code"]) or (
            round_dates.get(since) if isinstance(since, int) else None
        )
        if not _in_period(seen, options.start, options.end):
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
            Column("last_box", M.COLUMN_NAMES["last_box"]),
            Column("site", M.COL_SITE),
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
            Column("site", M.COL_SITE),
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
    sites.totals = _sum_columns(sites, ["not_seen", "lost", "total"])
    figures = [
        Figure("missing", len(found)),
        Figure("not_seen", sites.totals["not_seen"]),
        Figure("lost", sites.totals["lost"]),
    ]
    return Report("missing", "", [books, sites], figures)


def donations(db: TinyDB, options: Options) -> Report:
    """Donated books by month, site and donor; donors masked unless ``show_contact``."""
    net = _network(db)
    labels = _category_labels(db)
    donated_into = {
        str(e["book"]): str(e["to"])
        for e in docs(db, EVENTS)
        if e.get("action") == "donated" and e.get("to")
    }
    groups: dict[tuple[str, str, str], list[Doc]] = defaultdict(list)
    months: dict[str, list[Doc]] = defaultdict(list)
    listed: list[list[Value]] = []
    chosen: list[Doc] = []
    for book in sorted(docs(db, BOOKS), key=lambda b: code_order(b["code"])):
        if book.get("source") != "donation":
            continue
        day = str(book.get("added_on") or "")
        if not _in_period(day, options.start, options.end):
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


def rotation(db: TinyDB, options: Options) -> Report:
    """Per round: moves, freshness, tasks done/open/overdue (``--site`` narrows the tasks)."""
    net = _network(db)
    today = clock.today()
    rounds = sorted(
        (
            r
            for r in docs(db, ROUNDS)
            if r.get("status", "applied") == "applied"
            and _in_period(r["date"], options.start, options.end)
        ),
        key=lambda r: int(r["number"]),
    )
    numbers = {int(r["number"]) for r in rounds}
    tasks = [
        t
        for t in docs(db, TASKS)
        if t["round"] in numbers and options.site in (None, t.get("site"))
    ]
    by_round: dict[int, list[Doc]] = defaultdict(list)
    by_site: dict[str, list[Doc]] = defaultdict(list)
    for task in tasks:
        by_round[int(task["round"])].append(task)
        by_site[str(task.get("site"))].append(task)

    def states(found: list[Doc]) -> Counter[str]:
        return Counter(task_state(t, today) for t in found)

    carried = books_carried(db, tasks)

    round_rows: list[list[Value]] = []
    arrivals = fresh = moves = inside = 0
    for record in rounds:
        figures = record.get("figures", {})
        mine = by_round[int(record["number"])]
        count = states(mine)
        moved = int(figures.get("moves", 0))
        arrivals += int(figures.get("arrivals", 0))
        fresh += int(figures.get("fresh", 0))
        moves += moved
        inside += round(float(figures.get("inside_site", 1.0)) * moved)
        round_rows.append(
            [
                int(record["number"]),
                record["date"],
                moved,
                figures.get("freshness"),
                figures.get("inside_site"),
                figures.get("from_depot"),
                figures.get("to_depot"),
                len(mine),
                count["done"],
                count["open"],
                count["overdue"],
                sum(carried.get(int(t["id"]), 0) for t in mine),
            ]
        )
    round_section = Section(
        "rounds",
        R.SECTION_TITLES["rotation.rounds"],
        [
            Column("round", M.COL_ROUND, "int"),
            Column("date", M.COL_DATE, "date"),
            Column("moves", M.COL_MOVES, "int"),
            Column("freshness", M.COL_FRESH, "percent"),
            Column("inside_site", M.COL_INSIDE, "percent"),
            Column("from_depot", M.COL_FROM_DEPOT, "int"),
            Column("to_depot", M.COL_TO_DEPOT, "int"),
            Column("tasks", M.COL_TASKS, "int"),
            Column("done", M.COL_DONE, "int"),
            Column("open", M.COL_OPEN, "int"),
            Column("overdue", M.COL_OVERDUE, "int"),
            Column("books", R.COL_BOOKS_CARRIED, "int"),
        ],
        round_rows,
    )
    round_section.totals = _sum_columns(
        round_section,
        ["moves", "from_depot", "to_depot", "tasks", "done", "open", "overdue", "books"],
    )
    freshness = round(fresh / arrivals, 4) if arrivals else None
    round_section.totals["freshness"] = freshness
    round_section.totals["inside_site"] = round(inside / moves, 4) if moves else None

    site_section = Section(
        "sites",
        R.SECTION_TITLES["rotation.sites"],
        [
            Column("site", M.COL_SITE),
            Column("name", R.COL_SITE_NAME),
            Column("tasks", M.COL_TASKS, "int"),
            Column("done", M.COL_DONE, "int"),
            Column("open", M.COL_OPEN, "int"),
            Column("overdue", M.COL_OVERDUE, "int"),
            Column("books", R.COL_BOOKS_CARRIED, "int"),
            Column("volunteers", R.COL_PEOPLE, "int"),
        ],
        [
            [
                site,
                net.name(site),
                len(found),
                count["done"],
                count["open"],
                count["overdue"],
                sum(carried.get(int(t["id"]), 0) for t in found),
                len({t["volunteer"] for t in found if t.get("volunteer")}),
            ]
            for site, found in sorted(by_site.items(), key=lambda item: net.order(item[0]))
            for count in (states(found),)
        ],
    )
    site_section.totals = _sum_columns(site_section, ["tasks", "done", "open", "overdue", "books"])
    site_section.totals["volunteers"] = len({t["volunteer"] for t in tasks if t.get("volunteer")})
    totals = round_section.totals
    figures = [
        Figure("rounds", len(rounds)),
        Figure("moves", totals["moves"]),
        Figure("freshness", freshness, "percent"),
        *(Figure(k, totals[k]) for k in ("tasks", "done", "open", "overdue")),
        Figure("books_carried", totals["books"]),
    ]
    charts = [
        Chart(
            "freshness",
            R.CHART_FRESHNESS,
            "line",
            [
                (str(r["number"]), float(r["figures"].get("freshness") or 0.0))
                for r in rounds
                if r.get("figures")
            ],
            percent=True,
        )
    ]
    return Report("rotation", "", [round_section, site_section], figures, charts)


def books_carried(db: TinyDB, tasks: Iterable[Doc]) -> dict[int, int]:
    """What "books carried" means in every report: per walk reported done, the distinct
    books its pick list moves, each counted once (a book taken out of one box and put into
    another on the same walk counts once), less the books it reported not seen. A book
    handed from one walk to another counts for each walk that carried it. Walks not
    reported done have carried nothing yet."""
    done = [t for t in tasks if t["status"] == "done"]
    return {
        int(task["id"]): len(set(task_books(task)) - set(task.get("missing", [])))
        for task in with_stops(db, done)
    }


def volunteers(db: TinyDB, options: Options) -> Report:
    """Per volunteer: rounds served, tasks done, books carried; Party members counted."""
    today = clock.today()
    tasks = [
        t
        for t in docs(db, TASKS)
        if _in_period(t.get("date"), options.start, options.end)
        and options.site in (None, t.get("site"))
    ]
    carried = books_carried(db, tasks)
    per_person: dict[str, list[Doc]] = defaultdict(list)
    for task in tasks:
        if task.get("volunteer"):
            per_person[task["volunteer"]].append(task)
    people_rows: list[list[Value]] = []
    groups: dict[str, list[tuple[Doc, list[Doc]]]] = {"party": [], "others": []}
    for person in sorted(docs(db, VOLUNTEERS), key=lambda v: code_order(v["code"])):
        mine = per_person.get(person["code"], [])
        done = [t for t in mine if t["status"] == "done"]
        serves = options.site is None or options.site in person.get("sites", [])
        if not (serves or mine) or (person.get("status") != "active" and not done):
            continue
        phone = person.get("phone", "")
        groups["party" if person.get("party_member") else "others"].append((person, done))
        people_rows.append(
            [
                person["code"],
                person["name"],
                person.get("role"),
                bool(person.get("party_member")),
                (phone if options.show_contact else mask_phone(phone)) or None,
                " ".join(person.get("sites", [])) or None,
                len({t["round"] for t in done}),
                len(done),
                sum(1 for t in mine if task_state(t, today) != "done"),
                sum(carried[int(t["id"])] for t in done),
                max((str(t["date"]) for t in done), default=None),
            ]
        )
    people = Section(
        "volunteers",
        R.SECTION_TITLES["volunteers.people"],
        [
            Column("code", M.COL_CODE),
            Column("name", M.COL_PERSON),
            Column("role", M.COL_ROLE, "label", M.ROLE_NAMES),
            Column("party_member", M.COL_PARTY, "bool"),
            Column("phone", M.COL_PHONE),
            Column("sites", M.COL_SITES),
            Column("rounds_served", R.COL_ROUNDS_SERVED, "int"),
            Column("tasks_done", R.COL_TASKS_DONE, "int"),
            Column("tasks_open", R.COL_TASKS_OPEN, "int"),
            Column("books_carried", R.COL_BOOKS_CARRIED, "int"),
            Column("last_served", R.COL_LAST_SERVED, "date"),
        ],
        people_rows,
        counted=True,
    )
    people.totals = _sum_columns(people, ["tasks_done", "tasks_open", "books_carried"])
    party_count = len(groups["party"])
    people.totals["party_member"] = party_count
    group_rows: list[list[Value]] = []
    for key, members in groups.items():
        done_tasks = [t for _, found in members for t in found]
        group_rows.append(
            [
                key,
                len(members),
                len({t["round"] for t in done_tasks}),
                len(done_tasks),
                sum(carried[int(t["id"])] for t in done_tasks),
            ]
        )
    party = Section(
        "party",
        R.SECTION_TITLES["volunteers.party"],
        [
            Column("group", R.COL_GROUP, "label", R.GROUP_NAMES),
            Column("people", R.COL_PEOPLE, "int"),
            Column("rounds_served", R.COL_ROUNDS_SERVED, "int"),
            Column("tasks_done", R.COL_TASKS_DONE, "int"),
            Column("books_carried", R.COL_BOOKS_CARRIED, "int"),
        ],
        group_rows if people_rows else [],
    )
    party.totals = _sum_columns(party, ["people", "tasks_done", "books_carried"])
    figures = [
        Figure("volunteers", len(people_rows)),
        Figure("party_members", party_count),
        Figure("tasks_done", people.totals["tasks_done"]),
        Figure("books_carried", people.totals["books_carried"]),
    ]
    return Report("volunteers", "", [people, party], figures)


BUILDERS: dict[str, Builder] = {
    "inventory": inventory,
    "missing": missing,
    "donations": donations,
    "rotation": rotation,
    "volunteers": volunteers,
}


# ------------------------------------------------------------------------ JSON


def to_json(report: Report) -> dict[str, Any]:
    """Stable English keys; codes, not names; shares as fractions from 0 to 1."""
    return {
        "report": report.name,
        "generated": report.generated,
        "filters": {
            "site": report.site,
            "from": report.start.isoformat() if report.start else None,
            "to": report.end.isoformat() if report.end else None,
            "show_contact": report.show_contact,
        },
        "sections": {
            s.key: {
                "columns": [c.key for c in s.columns],
                "rows": [{c.key: v for c, v in zip(s.columns, row, strict=True)} for row in s.rows],
                "count": len(s.rows),
                "totals": s.totals,
            }
            for s in report.sections
        },
        "totals": {f.key: f.value for f in report.figures},
    }


def json_bytes(report: Report) -> bytes:
    return orjson.dumps(to_json(report), option=orjson.OPT_INDENT_2) + b"\n"


# ------------------------------------------------------------------------- CSV


def to_csv(report: Report) -> str:
    """The main section (the first) with its total row; every cell neutralised."""
    section = report.main
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(c.header()) for c in section.columns])
    for row in section.rows:
        writer.writerow([neutralise(text) for text in row_texts(section, row)])
    if section.has_total_row:
        writer.writerow([neutralise(text) for text in total_texts(section)])
    return buffer.getvalue()


def csv_bytes(report: Report, *, bom: bool) -> bytes:
    """UTF-8; with a byte-order mark for files, so Excel and WPS see Chinese correctly."""
    return (("\ufeff" if bom else "") + to_csv(report)).encode("utf-8")


# -------------------------------------------------------------------- Markdown

_MD_SPECIAL = str.maketrans({ch: "\\" + ch for ch in "\\|*_`[]<>"})


def _md(text: str) -> str:
    return " ".join(text.translate(_MD_SPECIAL).split())


def to_markdown(report: Report) -> str:
    lines = [f"# {_md(report.title())}", "", _md(" · ".join(meta_lines(report))), ""]
    lines.append(
        " · ".join(
            f"**{_md(R.FIGURE_NAMES[f.key]())}** {_md(figure_text(f))}" for f in report.figures
        )
    )
    for section in report.sections:
        lines += ["", f"## {_md(section.title())}", ""]
        if not section.rows:
            lines.append(_md(R.REPORT_NO_ROWS()))
            continue
        lines.append("| " + " | ".join(_md(c.header()) for c in section.columns) + " |")
        lines.append(
            "| " + " | ".join("---:" if c.numeric else "---" for c in section.columns) + " |"
        )
        for row in section.rows:
            lines.append("| " + " | ".join(_md(t) for t in row_texts(section, row)) + " |")
        if section.has_total_row:
            cells = [f"**{_md(t)}**" if t else "" for t in total_texts(section)]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------------ xlsx

_SHEET_FORBIDDEN = str.maketrans(dict.fromkeys("[]:*?/\\", " "))


def display_width(text: str) -> int:
    """Columns a text takes in Excel: Chinese characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_title(title: str, used: set[str]) -> str:
    """A valid, unique sheet name (at most 31 characters, none of ``[]:*?/\\``)."""
    base = title.translate(_SHEET_FORBIDDEN).strip().strip("'")[:31] or "Sheet"
    name, n = base, 1
    while name.lower() in used:
        n += 1
        suffix = f" ({n})"
        name = base[: 31 - len(suffix)] + suffix
    used.add(name.lower())
    return name


_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    """Text an .xlsx (XML 1.0) can hold: a control character a hand-edited or old record
    may carry becomes U+FFFD, as on the terminal, instead of crashing the whole report."""
    return _XML_ILLEGAL.sub("\ufffd", text)


# split by Helper C (issue 15): the noqa goes when the split lands
def _xlsx_value(column: Column, value: Value) -> tuple[Any, str | None]:  # noqa: PLR0911
    """(cell value, number format): numbers stay numbers, dates become dates."""
    if value is None:
        return None, None
    if isinstance(value, bool):
        return cell_text(column, value), None
    if column.kind == "percent" and isinstance(value, int | float):
        return float(value), "0.0%"
    if column.kind == "int" and isinstance(value, int | float):
        return value, "0"
    if column.kind == "date" and isinstance(value, str):
        try:
            return date.fromisoformat(value[:10]), "yyyy-mm-dd"
        except ValueError:
            return value, None
    if isinstance(value, int | float):
        return value, None
    return cell_text(column, value), None


def to_xlsx(report: Report) -> bytes:
    """One sheet per section; header row bold and frozen; text never becomes a formula."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    book.remove(book.active)
    book.properties.title = xml_safe(report.title())
    book.properties.creator = "lou-library"
    bold = Font(bold=True)
    header_fill = PatternFill("solid", fgColor="F3ECE4")
    used: set[str] = set()

    def put(sheet: Any, row: int, col: int, value: Any, number_format: str | None) -> Any:
        cell = sheet.cell(row=row, column=col)
        if isinstance(value, str):
            value = xml_safe(value)
        cell.value = value if value != "" else None
        if isinstance(value, str):
            cell.data_type = "s"  # "=..." stays text: a string cell is never evaluated
            if value[:1] in ("=", "+", "-", "@"):
                cell.quotePrefix = True  # and Excel keeps it text when the cell is edited
        if number_format:
            cell.number_format = number_format
        return cell

    for section in report.sections:
        sheet = book.create_sheet(sheet_title(xml_safe(section.title()), used))
        widths = [display_width(c.header()) for c in section.columns]
        for col, column in enumerate(section.columns, start=1):
            cell = put(sheet, 1, col, column.header(), None)
            cell.font = bold
            cell.fill = header_fill
        for r, row in enumerate(section.rows, start=2):
            for col, (column, value) in enumerate(zip(section.columns, row, strict=True), start=1):
                put(sheet, r, col, *_xlsx_value(column, value))
                widths[col - 1] = max(widths[col - 1], display_width(cell_text(column, value)))
        if section.has_total_row:
            r = len(section.rows) + 2
            for col, (column, value) in enumerate(
                zip(section.columns, total_values(section), strict=True), start=1
            ):
                shown = _xlsx_value(column, value) if col > 1 else (value, None)
                put(sheet, r, col, *shown).font = bold
        for col, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 3, 8), 60)
        sheet.freeze_panes = "A2"
        if section.rows:
            last = get_column_letter(len(section.columns))
            sheet.auto_filter.ref = f"A1:{last}{len(section.rows) + 1}"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ------------------------------------------------------------------------ HTML

_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)
_ACCENT = "#a8322d"
_BAR = "#3d7ea6"

_HTML_CSS = f"""
:root {{ --ink: #1f2328; --muted: #5b6470; --accent: {_ACCENT}; --line: #d0d7de;
  --paper: #f6efe6; --zebra: #fafbfc; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {_FONTS}; color: var(--ink); background: #fff;
  font-size: 14px; line-height: 1.5; }}
main {{ max-width: 1040px; margin: 0 auto; padding: 28px 32px 40px; }}
h1 {{ margin: 0 0 4px; font-size: 26px; color: var(--accent); letter-spacing: .5px; }}
.meta {{ margin: 0; color: var(--muted); }}
.figures {{ display: flex; flex-wrap: wrap; gap: 10px; margin: 18px 0 22px; padding: 0;
  list-style: none; }}
.figures li {{ border: 1px solid var(--line); border-left: 4px solid var(--accent);
  border-radius: 6px; padding: 6px 14px 8px; min-width: 118px; }}
.figures .v {{ display: block; font-size: 22px; font-weight: 700;
  font-variant-numeric: tabular-nums; }}
.figures .k {{ color: var(--muted); font-size: 12px; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr));
  gap: 16px; margin: 0 0 8px; align-items: start; }}
figure {{ margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px;
  break-inside: avoid; }}
figcaption {{ font-weight: 600; margin-bottom: 6px; }}
svg {{ display: block; width: 100%; height: auto; }}
svg text {{ font-family: {_FONTS}; font-size: 13px; fill: var(--ink); }}
svg .axis {{ fill: var(--muted); font-size: 12px; }}
h2 {{ font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--accent); }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; }}
th, td {{ border: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }}
thead th {{ background: var(--paper); }}
tbody tr:nth-child(even) {{ background: var(--zebra); }}
.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
tfoot td {{ font-weight: 700; background: var(--paper); }}
.empty {{ color: var(--muted); font-style: italic; }}
footer {{ margin-top: 32px; padding-top: 8px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 12px; }}
@page {{ size: A4; margin: 14mm 12mm; }}
@media print {{
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  body {{ font-size: 10pt; }}
  main {{ max-width: none; padding: 0; }}
  .charts {{ grid-template-columns: 1fr 1fr; }}
  table {{ font-size: 8.5pt; }}
  th, td {{ padding: 2px 5px; }}
  thead {{ display: table-header-group; }}
  tfoot {{ display: table-row-group; }}
  tr, figure, .figures {{ break-inside: avoid; }}
  h2 {{ break-after: avoid; }}
}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _chart_label(label: Msg | str) -> str:
    return label() if isinstance(label, Msg) else label


def _short(text: str, limit: int) -> str:
    """Cut a label to ``limit`` display columns, with an ellipsis."""
    if display_width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def _number(value: float, as_percent: bool) -> str:
    if as_percent:
        return percent(value)
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart_svg(chart: Chart) -> str:
    """Horizontal bars, one per point, labels on the left and values at the bar's end."""
    width, label_w, value_w, bar_h, gap, pad = 520, 132, 64, 18, 7, 6
    plot_w = width - label_w - value_w
    top = max((v for _, v in chart.points), default=0.0) or 1.0
    height = pad * 2 + len(chart.points) * (bar_h + gap) - gap
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_e(chart.title())}">']
    for i, (label, value) in enumerate(chart.points):
        text = _chart_label(label)
        y = pad + i * (bar_h + gap)
        mid = y + bar_h / 2
        length = max(1.0, plot_w * value / top) if value else 0.0
        parts.append(
            f'<text x="{label_w - 8}" y="{mid:.1f}" text-anchor="end" '
            f'dominant-baseline="central"><title>{_e(text)}</title>{_e(_short(text, 18))}</text>'
        )
        if length:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" rx="2" '
                f'fill="{_BAR}"/>'
            )
        parts.append(
            f'<text x="{label_w + length + 6:.1f}" y="{mid:.1f}" dominant-baseline="central">'
            f"{_e(_number(value, chart.percent))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(chart: Chart) -> str:
    """Values joined by a line over their labels (rounds); shares on a 0-100 % axis."""
    width, height, left, right, top, bottom = 520, 230, 52, 30, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, v in chart.points]
    ceiling = 1.0 if chart.percent else (max(values, default=0.0) or 1.0)
    n = len(chart.points)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - min(max(v / ceiling, 0.0), 1.0))

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_e(chart.title())}">']
    for step in range(5):
        v = ceiling * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e3e6ea"/>'
            f'<text class="axis" x="{left - 6}" y="{y(v):.1f}" text-anchor="end" '
            f'dominant-baseline="central">{_e(_number(v, chart.percent))}</text>'
        )
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    if n > 1:
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{_BAR}" stroke-width="2.5"/>'
        )
    every = max(1, (n + 11) // 12)  # at most about a dozen labels along the bottom
    for i, (label, value) in enumerate(chart.points):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="{_ACCENT}"/>')
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text class="axis" x="{x(i):.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{_e(_chart_label(label))}</text>'
            )
            if n <= 12:
                parts.append(
                    f'<text x="{x(i):.1f}" y="{y(value) - 9:.1f}" text-anchor="middle">'
                    f"{_e(_number(value, chart.percent))}</text>"
                )
    parts.append(
        f'<text class="axis" x="{left + plot_w / 2:.1f}" y="{height - 4}" '
        f'text-anchor="middle">{_e(M.COL_ROUND())}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _html_table(section: Section) -> str:
    if not section.rows:
        return f'<p class="empty">{_e(R.REPORT_NO_ROWS())}</p>'

    def cells(tag: str, texts: Sequence[str]) -> str:
        return "".join(
            f'<{tag} class="n">{_e(t)}</{tag}>' if c.numeric else f"<{tag}>{_e(t)}</{tag}>"
            for c, t in zip(section.columns, texts, strict=True)
        )

    parts = ["<table>", "<thead><tr>", cells("th", [c.header() for c in section.columns])]
    parts.append("</tr></thead><tbody>")
    parts.extend(f"<tr>{cells('td', row_texts(section, row))}</tr>" for row in section.rows)
    parts.append("</tbody>")
    if section.has_total_row:
        parts.append(f"<tfoot><tr>{cells('td', total_texts(section))}</tr></tfoot>")
    parts.append("</table>")
    return "".join(parts)


def to_html(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, nothing fetched, user text escaped."""
    lang = "zh-CN" if i18n.current() == "zh" else "en"
    title = report.title()
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_HTML_CSS}</style></head><body><main>",
        f"<header><h1>{_e(title)}</h1>",
        "".join(f'<p class="meta">{_e(line)}</p>' for line in meta_lines(report)),
        "</header>",
        '<ul class="figures">',
        "".join(
            f'<li><span class="v">{_e(figure_text(f))}</span>'
            f'<span class="k">{_e(R.FIGURE_NAMES[f.key]())}</span></li>'
            for f in report.figures
        ),
        "</ul>",
    ]
    charts = [c for c in report.charts if c.points]
    if charts:
        parts.append('<div class="charts">')
        for chart in charts:
            svg = bar_chart_svg(chart) if chart.style == "bar" else line_chart_svg(chart)
            parts.append(f"<figure><figcaption>{_e(chart.title())}</figcaption>{svg}</figure>")
        parts.append("</div>")
    for section in report.sections:
        parts.append(
            f'<section id="{_e(section.key)}"><h2>{_e(section.title())}</h2>'
            f"{_html_table(section)}</section>"
        )
    parts.append(f"<footer>{_e(R.REPORT_FOOTER())}</footer></main></body></html>\n")
    return "\n".join(parts)


# ----------------------------------------------------------------- one entry point


def render(report: Report, fmt: str, *, for_file: bool) -> bytes:
    """The report as the bytes of a file (or of stdout) in format ``fmt``."""
    if fmt == "json":
        return json_bytes(report)
    if fmt == "csv":
        return csv_bytes(report, bom=for_file)
    if fmt == "xlsx":
        return to_xlsx(report)
    if fmt == "md":
        return to_markdown(report).encode("utf-8")
    if fmt == "html":
        return to_html(report).encode("utf-8")
    raise ValueError(fmt)  # pragma: no cover - the CLI offers only FORMATS
