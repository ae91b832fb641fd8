"""What a report is: a few :class:`Section` tables, headline :class:`Figure` numbers and
:class:`Chart` data; and how its values read in the interface language.

The builders (:mod:`lou_library.reports.builders`) fill this structure; every format
(:mod:`~lou_library.reports.formats`, :mod:`~lou_library.reports.xlsx`,
:mod:`~lou_library.reports.html`) and the screen table only read it.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.i18n import Msg
from lou_library.text import hours_text

Value = str | int | float | bool | None
Kind = Literal["text", "int", "percent", "hours", "date", "bool", "label"]


# ------------------------------------------------------------------ the structure


@dataclass(frozen=True)
class Column:
    """One column: its JSON key, its header, how its values read (``kind``).

    ``label`` columns hold codes (a status, a category key) and show ``labels[code]``;
    ``percent`` columns hold fractions from 0 to 1; ``hours`` columns hours (1.5).
    """

    key: str
    header: Msg
    kind: Kind = "text"
    labels: Mapping[str, Msg] = field(default_factory=dict)

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "percent", "hours")


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
    if column.kind == "hours" and isinstance(value, int | float):
        return hours_text(value)
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


def display_width(text: str) -> int:
    """Columns a text takes in Excel: Chinese characters count twice."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
