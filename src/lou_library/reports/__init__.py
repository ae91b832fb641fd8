"""Reports for the community and subdistrict admins, computed once, rendered many ways.

Each report (:data:`REPORTS`) is built by one function into a :class:`Report`: a few
:class:`Section` tables (column keys, header messages, rows of plain values, totals), the
headline :class:`Figure` numbers and, for the web page, :class:`Chart` data. Every format
renders that one structure, so a CSV, a workbook and a printed page can never disagree:

* ``json`` - :func:`~lou_library.reports.formats.to_json`: stable English keys, codes
  rather than names, fractions for shares (0 to 1);
* ``csv`` - :func:`~lou_library.reports.formats.to_csv`: the *main* section only (the first
  one, named in each command's help) with its total row, formula-like cells neutralised;
  UTF-8 with a BOM when written to a file, so Excel and WPS read the Chinese;
* ``xlsx`` - :func:`~lou_library.reports.xlsx.to_xlsx`: one sheet per section, headers in
  the interface language, numbers as numbers, the header row frozen;
* ``md`` - :func:`~lou_library.reports.formats.to_markdown`: Markdown tables to paste into
  a document;
* ``html`` - :func:`~lou_library.reports.html.to_html`: one self-contained printable page
  (inline CSS, inline SVG charts, no network resources, user text escaped).

The screen table is drawn by ``cli/cmd_report.py`` from the same structure.

The package, by meaning:

* :mod:`~lou_library.reports.model` - the structure, and how its values read;
* :mod:`~lou_library.reports.builders` - :func:`build_report` and one module per report
  (``inventory``, ``missing``, ``donations``, ``rotation``, ``volunteers``), with what
  they share in ``builders/common.py``;
* :mod:`~lou_library.reports.formats` - choosing the format, JSON, CSV, Markdown and
  :func:`render`, the one entry point to every format;
* :mod:`~lou_library.reports.xlsx` and :mod:`~lou_library.reports.html` - the workbook and
  the printable page, imported only when one is written.

The messages are in :mod:`lou_library.report_messages`, outside this package: ``lou
--help`` and ``lou labels`` need them without loading the reports.

Where a book counts: a book in a box counts for the box's site, a book in the depot for
the depot; a book not seen, lost or withdrawn counts for the site of its last box.
"""

from __future__ import annotations

from lou_library.reports.builders import BUILDERS, REPORTS, Builder, build_report
from lou_library.reports.builders.common import HELD, Options, book_site, books_carried
from lou_library.reports.formats import (
    FORMATS,
    SUFFIXES,
    choose_format,
    csv_bytes,
    json_bytes,
    render,
    to_csv,
    to_json,
    to_markdown,
)
from lou_library.reports.model import (
    Chart,
    Column,
    Figure,
    Kind,
    Report,
    Section,
    Value,
    cell_text,
    display_width,
    figure_text,
    meta_lines,
    percent,
    row_texts,
    total_texts,
    total_values,
)

__all__ = [
    "BUILDERS",
    "FORMATS",
    "HELD",
    "REPORTS",
    "SUFFIXES",
    "Builder",
    "Chart",
    "Column",
    "Figure",
    "Kind",
    "Options",
    "Report",
    "Section",
    "Value",
    "book_site",
    "books_carried",
    "build_report",
    "cell_text",
    "choose_format",
    "csv_bytes",
    "display_width",
    "figure_text",
    "json_bytes",
    "meta_lines",
    "percent",
    "render",
    "row_texts",
    "to_csv",
    "to_json",
    "to_markdown",
    "total_texts",
    "total_values",
]
