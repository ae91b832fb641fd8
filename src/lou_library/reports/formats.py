"""Choosing a report's format, the text formats (JSON, CSV, Markdown) and :func:`render`,
the one entry point that turns a :class:`~lou_library.reports.model.Report` into the bytes
of a file or of stdout. The workbook (:mod:`~lou_library.reports.xlsx`) and the printable
page (:mod:`~lou_library.reports.html`) are imported only when asked for."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import orjson

from lou_library import report_messages as R
from lou_library.errors import Invalid
from lou_library.reports.model import Report, figure_text, meta_lines, row_texts, total_texts
from lou_library.transfer import neutralise

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


# ----------------------------------------------------------------- one entry point


def render(report: Report, fmt: str, *, for_file: bool) -> bytes:
    """The report as the bytes of a file (or of stdout) in format ``fmt``."""
    if fmt == "json":
        return json_bytes(report)
    if fmt == "csv":
        return csv_bytes(report, bom=for_file)
    if fmt == "xlsx":
        from lou_library.reports.xlsx import to_xlsx

        return to_xlsx(report)
    if fmt == "md":
        return to_markdown(report).encode("utf-8")
    if fmt == "html":
        from lou_library.reports.html import to_html

        return to_html(report).encode("utf-8")
    raise ValueError(fmt)  # pragma: no cover - the CLI offers only FORMATS
