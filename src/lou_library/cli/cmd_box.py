"""``lou box``: the book boxes in the stairwells."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from lou_library import messages as M
from lou_library import network
from lou_library.cli import output
from lou_library.cli.base import command, group, state, typed_words
from lou_library.cli.common import Json, status_name

app = group("@box")

Code = Annotated[str, typer.Argument(help="@arg.box", show_default=False)]


@typed_words("box_status")
class EditableStatus(StrEnum):
    active = "active"
    repair = "repair"


@typed_words("box_status")
class ListStatus(StrEnum):
    active = "active"
    repair = "repair"
    retired = "retired"


def render_boxes(boxes: list[dict[str, Any]], title: str) -> None:
    output.print_table(
        output.table(
            [
                M.COL_CODE(),
                M.COL_SITE(),
                M.COL_BUILDING(),
                M.COL_UNIT(),
                M.COL_BOOKS(),
                M.COL_STATUS(),
                M.COL_NOTE(),
            ],
            [
                (
                    b["code"],
                    b["site"],
                    b["building"],
                    b["unit"],
                    f"{b['books']}/{b['capacity']}",
                    status_name(b["status"]),
                    b["note"],
                )
                for b in boxes
            ],
            title=title,
            right=[4],
            empty=M.NO_BOXES(),
            drop=[1, 6, 5],  # the site (its code begins the box's), the note, the status
        )
    )


@command(app, "list", "@box.list")
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="@opt.filter_site")] = None,
    status: Annotated[ListStatus | None, typer.Option("--status", help="@opt.box_status")] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.read() as db:
        result = network.box_list(db, site=site, status=status.value if status else None)
    output.show(result, json, lambda r: render_boxes(r["boxes"], M.BOXES_TITLE(n=r["total"])))


@command(app, "add", "@box.add")
def add(
    ctx: typer.Context,
    site: Annotated[str, typer.Option("--site", help="@opt.site")],
    building: Annotated[str, typer.Option("--building", help="@opt.building")],
    unit: Annotated[str, typer.Option("--unit", help="@opt.unit")],
    capacity: Annotated[
        int, typer.Option("--capacity", help="@opt.capacity")
    ] = network.DEFAULT_CAPACITY,
    code: Annotated[str | None, typer.Option("--code", help="@opt.box_code")] = None,
    note: Annotated[str | None, typer.Option("--note", help="@opt.note")] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.write("box add") as db:
        box = network.add_box(db, site, building, unit, capacity=capacity, note=note, code=code)
    output.show(box, json, _added)


def _added(box: dict[str, Any]) -> None:
    output.done(
        M.BOX_ADDED(code=box["code"], site=box["site"], building=box["building"], unit=box["unit"])
    )


@command(app, "show", "@box.show")
def show(ctx: typer.Context, code: Code, json: Json = False) -> None:
    from lou_library.catalogue import box_show

    with state(ctx).store.read() as db:
        box = box_show(db, code)
    output.show(box, json, _render_box)


def _render_box(box: dict[str, Any]) -> None:
    output.stdout().print(
        output.key_values(
            [
                (M.COL_CODE(), box["code"]),
                (M.COL_SITE(), box["site"]),
                (M.COL_PLACE(), f"{box['building']} {box['unit']}"),
                (M.COL_BOOKS(), f"{box['books']}/{box['capacity']}"),
                (M.COL_STATUS(), status_name(box["status"])),
                (M.COL_NOTE(), box["note"]),
            ]
        )
    )
    if box["contents"]:
        output.print_table(
            output.table(
                [M.COL_CODE(), M.COL_TITLE(), M.COL_AUTHOR()],
                [(b["code"], b["title"], b["author"]) for b in box["contents"]],
                drop=[2],  # the author
            )
        )


@command(app, "edit", "@box.edit")
def edit(
    ctx: typer.Context,
    code: Code,
    building: Annotated[str | None, typer.Option("--building", help="@opt.building")] = None,
    unit: Annotated[str | None, typer.Option("--unit", help="@opt.unit")] = None,
    capacity: Annotated[int | None, typer.Option("--capacity", help="@opt.capacity")] = None,
    note: Annotated[str | None, typer.Option("--note", help="@opt.note")] = None,
    status: Annotated[
        EditableStatus | None, typer.Option("--status", help="@opt.box_edit_status")
    ] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.write("box edit") as db:
        box = network.edit_box(
            db,
            code,
            building=building,
            unit=unit,
            capacity=capacity,
            note=note,
            status=status.value if status else None,
        )
    output.show(box, json, lambda b: output.done(M.BOX_EDITED(code=b["code"])))


@command(app, "retire", "@box.retire")
def retire(ctx: typer.Context, code: Code, json: Json = False) -> None:
    with state(ctx).store.write("box retire") as db:
        box = network.retire_box(db, code)
    output.show(
        box,
        json,
        lambda b: output.done(M.BOX_RETIRED_DONE(code=b["code"], n=len(b["moved_to_depot"]))),
    )


@command(app, "reactivate", "@box.reactivate")
def reactivate(ctx: typer.Context, code: Code, json: Json = False) -> None:
    with state(ctx).store.write("box reactivate") as db:
        box = network.reactivate_box(db, code)
    output.show(box, json, _reactivated)


def _reactivated(box: dict[str, Any]) -> None:
    output.done(M.BOX_REACTIVATED(code=box["code"], building=box["building"], unit=box["unit"]))
