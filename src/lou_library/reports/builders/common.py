"""What every report's builder shares: the options, the network read once, where a book
counts, periods, the status columns and totals, and what "books carried" means."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from lou_library import report_messages as R
from lou_library.catalogue import categories
from lou_library.i18n import Msg
from lou_library.network import DEPOT
from lou_library.records import BOXES, SITES, Doc
from lou_library.reports.model import Column, Section, Value
from lou_library.repository import Repository
from lou_library.rotation import task_books, with_stops

HELD = ("in_box", "in_depot", "not_seen", "lost")  # books the programme still holds


@dataclass(frozen=True)
class Options:
    """What a report is narrowed to: a site, a period, a volunteer (the hours), contacts
    shown or masked."""

    site: str | None = None
    start: date | None = None
    end: date | None = None
    show_contact: bool = False
    volunteer: str | None = None  # a volunteer's code


@dataclass
class Network:
    """The sites and boxes, read once per report."""

    sites: dict[str, Doc]  # code -> site, in the order they were created (depot first)
    boxes: dict[str, Doc]
    box_site: dict[str, str]

    def order(self, site: str) -> tuple[int, str]:
        keys = list(self.sites)
        return (keys.index(site) if site in self.sites else len(keys), site)

    def name(self, site: str) -> str:
        found = self.sites.get(site)
        return str(found["name"]) if found else site


def read_network(db: Repository) -> Network:
    sites = {s["code"]: s for s in db.all(SITES)}
    boxes = {b["code"]: b for b in db.all(BOXES)}
    return Network(sites, boxes, {code: b["site"] for code, b in boxes.items()})


def book_site(book: Doc, box_site: Mapping[str, str]) -> str:
    """The site a book counts for (see :mod:`lou_library.reports`)."""
    if book["status"] == "in_depot":
        return DEPOT
    box = book.get("box") if book["status"] == "in_box" else book.get("last_box")
    return box_site.get(box or "", DEPOT)


def category_labels(db: Repository) -> dict[str, Msg]:
    return {key: Msg(zh, en) for key, (zh, en) in categories(db).items()}


def status_columns() -> list[Column]:
    return [
        *(Column(s, R.FIGURE_NAMES[s], "int") for s in HELD),
        Column("total", R.COL_TOTAL_HELD, "int"),
        Column("withdrawn", R.FIGURE_NAMES["withdrawn"], "int"),
    ]


def status_counts(counts: Counter[str]) -> list[Value]:
    return [*(counts[s] for s in HELD), sum(counts[s] for s in HELD), counts["withdrawn"]]


def sum_columns(section: Section, keys: Iterable[str]) -> dict[str, Value]:
    index = {c.key: i for i, c in enumerate(section.columns)}
    return {k: sum(int(row[index[k]] or 0) for row in section.rows) for k in keys}


def books_carried(db: Repository, tasks: Iterable[Doc]) -> dict[int, int]:
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
