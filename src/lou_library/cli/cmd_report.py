"""``lou report inventory | missing | donations | rotation | volunteers | hours``.

The rules package :mod:`lou_library.reports` computes a report once; this module picks the
format, draws the screen table, or writes the bytes to stdout or to ``--output``.
"""

from __future__ import annotations

import os
import stat
import sys
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.text import Text

if TYPE_CHECKING:
    from lou_library.reports import Report, Section

from lou_library import report_messages as R
from lou_library.cli import output
from lou_library.cli.base import command, group, state, typed_words
from lou_library.cli.common import Json, ShowContact

app = group("@report")


@typed_words("format")
class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    xlsx = "xlsx"
    md = "md"
    html = "html"


Site = Annotated[str | None, typer.Option("--site", help="@opt.report_site", metavar="SITE")]
From = Annotated[str | None, typer.Option("--from", help="@opt.report_from", metavar="YYYY-MM-DD")]
To = Annotated[str | None, typer.Option("--to", help="@opt.report_to", metavar="YYYY-MM-DD")]
FormatOption = Annotated[Format | None, typer.Option("--format", help="@opt.report_format")]
Output = Annotated[
    str | None, typer.Option("--output", "-o", help="@opt.report_output", metavar="FILE")
]


def _day(text: str | None, what: str) -> date | None:
    from lou_library.schedule import parse_date

    return parse_date(text, what) if text else None


def stdout_is_a_file() -> bool:
    """Standard output is a regular file (``> out.csv``), not a terminal or a pipe."""
    try:
        return stat.S_ISREG(os.fstat(sys.stdout.fileno()).st_mode)
    except (OSError, ValueError):  # no file descriptor (a test's captured stream)
        return False


def write_file(file: Path, payload: bytes, *, private: bool) -> None:
    """Write atomically; a failure names the user's file, not the temporary one."""
    from lou_library.store import atomic_write_bytes

    try:
        atomic_write_bytes(file, payload, private=private)
    except OSError as exc:
        raise OSError(exc.errno, exc.strerror, str(file)) from exc


# Columns a narrow screen leaves out of a report's sections, the least useful first (the
# first column, which labels the total row, stays); a section not named here loses its
# columns from the right, keeping the first two.
NARROW_DROP: dict[str, tuple[str, ...]] = {
    "inventory.sites": ("kind", "withdrawn", "in_depot", "not_seen", "lost", "name"),
    "inventory.categories": ("withdrawn", "in_depot", "not_seen", "lost"),
    "inventory.boxes": ("site", "status", "capacity", "free", "unit", "use"),
    "missing.books": ("category", "author", "site", "rounds_since", "status", "last_box"),
    "missing.sites": ("name",),
    "donations.summary": ("name", "titles", "site"),
    "donations.months": ("sites", "donors", "titles"),
    "donations.books": ("category", "site", "donor", "status", "author", "box"),
    "rotation.rounds": (
        "stay_in_site", "inside_site", "freshness", "from_depot", "to_depot", "books", "tasks",
        "moves", "done",
    ),
    "rotation.sites": ("name", "volunteers", "books", "tasks", "done"),
    "volunteers.volunteers": (
        "party_member", "role", "phone", "sites", "rounds_served", "tasks_open",
        "books_carried", "tasks_done",
    ),
    "volunteers.party": ("rounds_served", "books_carried"),
}  # fmt: skip


def narrow_drop(report: str, section: Section) -> list[int]:
    keys = [c.key for c in section.columns]
    order = NARROW_DROP.get(f"{report}.{section.key}")
    if order is None:
        return list(range(len(keys) - 1, 1, -1))
    return [keys.index(k) for k in order if k in keys]


def render_table(report: Report) -> None:
    from lou_library import reports

    console = output.stdout()
    console.print(
        output.key_values(
            [(R.FIGURE_NAMES[f.key](), reports.figure_text(f)) for f in report.figures],
            title=report.title(),
        )
    )
    for section in report.sections:
        if not section.rows:  # a sentence, not an empty table
            console.print(Text.assemble((section.title(), "bold"), " ", R.REPORT_NO_ROWS()))
            continue
        table = output.table(
            [c.header() for c in section.columns],
            [reports.row_texts(section, row) for row in section.rows],
            title=section.title(),
            right=[i for i, c in enumerate(section.columns) if c.numeric],
            drop=narrow_drop(report.name, section),
        )
        if section.has_total_row:
            table.add_section()
            table.add_row(*(output.safe(t) for t in reports.total_texts(section)), style="bold")
        console.print(table)
    for line in reports.meta_lines(report)[1:]:  # the site and period, when narrowed
        output.note(line)


def run(
    ctx: typer.Context,
    name: str,
    *,
    site: str | None,
    start: str | None,
    end: str | None,
    fmt: Format | None,
    target: str | None,
    show_contact: bool,
    json: bool,
    volunteer: str | None = None,
) -> None:
    file = Path(target) if target and target != "-" else None  # (-: standard output)
    from lou_library import reports

    if json and fmt not in (None, Format.json):
        from lou_library import messages as M
        from lou_library.errors import Invalid

        raise Invalid(M.JSON_AND_FORMAT, fmt=fmt.value)

    chosen = reports.choose_format("json" if json else (fmt.value if fmt else None), file)
    first, last = _day(start, "--from"), _day(end, "--to")
    store = state(ctx).store
    if file is not None:
        store.guard_output(file)
    with (
        output.Progress(R.PROGRESS_REPORT(), json=chosen == "json") as progress,
        store.read() as db,
    ):
        report = reports.build_report(
            db,
            name,
            site=site,
            start=first,
            end=last,
            show_contact=show_contact,
            volunteer=volunteer,
        )
        if chosen != "table":
            progress.stage(R.PROGRESS_REPORT_FORMAT(format=R.FORMAT_NAMES[chosen]()))
            # `> m.csv` makes a file as surely as --output does: Excel on a Chinese
            # Windows needs the BOM to read it as UTF-8; a terminal or a pipe gets none.
            redirected = file is None and stdout_is_a_file()
            payload = reports.render(report, chosen, for_file=file is not None or redirected)
    if chosen == "table":
        render_table(report)
        return
    if file is None:
        if redirected:  # bytes as they are, whatever the console's encoding
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
            return
        sys.stdout.write(payload.decode("utf-8"))
        sys.stdout.flush()
        return
    # contact details stay readable by their owner only, like the DB
    write_file(file, payload, private=show_contact)
    output.done(R.REPORT_WRITTEN(path=file, format=R.FORMAT_NAMES[chosen]()))


def _report_command(name: str) -> Callable[..., None]:
    """One ``lou report NAME`` command; the five reports take the same options."""

    def report_command(
        ctx: typer.Context,
        site: Site = None,
        start: From = None,
        end: To = None,
        fmt: FormatOption = None,
        target: Output = None,
        show_contact: ShowContact = False,
        json: Json = False,
    ) -> None:
        run(
            ctx,
            name,
            site=site,
            start=start,
            end=end,
            fmt=fmt,
            target=target,
            show_contact=show_contact,
            json=json,
        )

    return report_command


for _name in ("inventory", "missing", "donations", "rotation", "volunteers"):
    command(app, _name, f"@report.{_name}")(_report_command(_name))


Volunteer = Annotated[
    str | None, typer.Option("--volunteer", help="@opt.hours_volunteer", metavar="NAME")
]
Summary = Annotated[bool, typer.Option("--summary", help="@opt.hours_summary")]


@command(app, "hours", "@report.hours")
def hours(
    ctx: typer.Context,
    site: Site = None,
    start: From = None,
    end: To = None,
    volunteer: Volunteer = None,
    summary: Summary = False,
    fmt: FormatOption = None,
    target: Output = None,
    show_contact: ShowContact = False,
    json: Json = False,
) -> None:
    """Service hours; ``--summary`` gives the office's half-year sentence instead."""
    if not summary:
        run(
            ctx,
            "hours",
            site=site,
            start=start,
            end=end,
            fmt=fmt,
            target=target,
            show_contact=show_contact,
            json=json,
            volunteer=volunteer,
        )
        return
    from lou_library import reports
    from lou_library.reports.builders.hours import summary as summarise

    if target not in (None, "-") or fmt not in (None, Format.table, Format.json):
        from lou_library import messages as M
        from lou_library.errors import Invalid

        raise Invalid(M.HOURS_SUMMARY_ALONE)  # (it is one sentence, or --json)
    first, last = _day(start, "--from"), _day(end, "--to")
    with state(ctx).store.read() as db:
        report = reports.build_report(
            db, "hours", site=site, start=first, end=last, volunteer=volunteer
        )
    output.show(summarise(report), json or fmt == Format.json, _say_summary)


def _say_summary(found: dict[str, Any]) -> None:
    from lou_library import service_messages as S
    from lou_library.text import hours_text

    period = (
        S.PERIOD(
            start=found["from"] or R.REPORT_OPEN_START(), end=found["to"] or R.REPORT_OPEN_END()
        )
        if found["from"] or found["to"]
        else S.PERIOD_ALL()
    )
    output.stdout().print(
        output.safe(
            S.SUMMARY(
                period=period,
                people=found["volunteers"],
                hours=hours_text(float(found["hours"] or 0)),
                one=int(float(found["hours"] or 0) == 1),
                rounds=found["rounds"],
                books=found["books_carried"],
            )
        )
    )
