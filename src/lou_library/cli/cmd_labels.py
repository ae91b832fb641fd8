"""``lou labels books | boxes``: a printable A4 page of labels with QR codes."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from lou_library import report_messages as R
from lou_library.cli import output
from lou_library.cli.base import command, group, state

if TYPE_CHECKING:
    from lou_library.labels import Label, LabelPage, Layout

app = group("@labels")


class Sheet(StrEnum):
    three_by_eight = "3x8"
    three_by_seven = "3x7"
    two_by_eight = "2x8"


Output = Annotated[str, typer.Option("--output", "-o", help="@opt.labels_output", metavar="FILE")]
Only = Annotated[list[str] | None, typer.Option("--only", help="@opt.labels_only", metavar="CODE")]
Since = Annotated[
    str | None, typer.Option("--since", help="@opt.labels_since", metavar="YYYY-MM-DD")
]
SheetOption = Annotated[Sheet, typer.Option("--sheet", help="@opt.labels_sheet")]
Skip = Annotated[int, typer.Option("--skip", help="@opt.labels_skip", min=0)]
New = Annotated[bool, typer.Option("--new", help="@opt.labels_new")]


def run(
    ctx: typer.Context,
    kind: str,
    *,
    target: str,
    only: list[str] | None,
    since: str | None,
    sheet: Sheet,
    skip: int,
    new: bool = False,
) -> None:
    from lou_library import labels as labels_rules
    from lou_library.filetypes import HTML, require_suffix
    from lou_library.schedule import parse_date

    layout = labels_rules.LAYOUTS[sheet.value]
    labels_rules.check_skip(skip, layout)
    first = parse_date(since, "--since") if since else None
    file = Path(target)
    store = state(ctx).store
    store.guard_output(file)
    require_suffix(file, HTML, R.FORMAT_NAMES["html"])
    if kind == "boxes":
        with store.read() as db:
            found = labels_rules.chosen_labels(db, kind, only or (), first)
        page = _write_page(file, kind, found, layout, skip)
    else:  # printing books' labels is recorded, for labels books --new (issue 17)
        with store.write("labels books") as db:
            found = labels_rules.chosen_labels(db, kind, only or (), first, new)
            page = _write_page(file, kind, found, layout, skip)
            labels_rules.record_printed(db, found)
    output.done(R.LABELS_WRITTEN(n=page.labels, sheets=page.sheets, path=file))


def _write_page(file: Path, kind: str, found: list[Label], layout: Layout, skip: int) -> LabelPage:
    from lou_library import labels as labels_rules
    from lou_library.cli.cmd_report import write_file

    with output.Progress(R.PROGRESS_LABELS(), len(found)) as progress:
        page = labels_rules.label_page(kind, found, layout, skip, done=progress.advance)
    write_file(file, page.html.encode("utf-8"), private=False)
    return page


@command(app, "books", "@labels.books")
def books(
    ctx: typer.Context,
    target: Output,
    only: Only = None,
    since: Since = None,
    sheet: SheetOption = Sheet.three_by_eight,
    skip: Skip = 0,
    new: New = False,
) -> None:
    run(ctx, "books", target=target, only=only, since=since, sheet=sheet, skip=skip, new=new)


@command(app, "boxes", "@labels.boxes")
def boxes(
    ctx: typer.Context,
    target: Output,
    only: Only = None,
    since: Since = None,
    sheet: SheetOption = Sheet.three_by_eight,
    skip: Skip = 0,
) -> None:
    run(ctx, "boxes", target=target, only=only, since=since, sheet=sheet, skip=skip)
