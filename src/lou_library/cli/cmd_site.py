"""``lou site``: compounds (小区) and building yards (楼院)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from lou_library import messages as M
from lou_library import network
from lou_library.cli import output
from lou_library.cli.base import command, group, state, typed_words
from lou_library.cli.common import Json, kind_name, status_name
from lou_library.schema import Status

app = group("@site")


@typed_words("kind")
class Kind(StrEnum):
    compound = "compound"
    yard = "yard"


Code = Annotated[str, typer.Argument(help="@arg.site", show_default=False)]


def render_sites(sites: list[dict[str, Any]]) -> None:
    output.print_table(
        output.table(
            [
                M.COL_CODE(),
                M.COL_NAME(),
                M.COL_KIND(),
                M.COL_BOXES(),
                M.COL_BOOKS(),
                M.COL_VOLUNTEERS(),
            ],
            [
                (
                    s["code"],
                    s["name"],
                    kind_name(s["kind"])
                    + ("" if s["status"] == Status.active else f" ({status_name(s['status'])})"),
                    s["boxes"],
                    s["books"],
                    s["volunteers"],
                )
                for s in sites
            ],
            title=M.SITES_TITLE(),
            right=[3, 4, 5],
            drop=[2, 5, 3],  # kind, volunteers, boxes
        )
    )


def _render_site(site: dict[str, Any]) -> None:
    output.stdout().print(
        output.key_values(
            [
                (M.COL_CODE(), site["code"]),
                (M.COL_NAME(), site["name"]),
                (M.COL_KIND(), kind_name(site["kind"])),
                (M.COL_STATUS(), status_name(site["status"])),
                (M.COL_BOXES(), site["boxes"]),
                (M.COL_BOOKS(), site["books"]),
                (M.COL_VOLUNTEERS(), site["volunteers"]),
                (M.COL_NOTE(), site["note"]),
            ]
        )
    )


@command(app, "list", "@site.list")
def list_(
    ctx: typer.Context,
    all_: Annotated[bool, typer.Option("--all", help="@opt.all")] = False,
    json: Json = False,
) -> None:
    with state(ctx).store.read() as db:
        result = network.site_list(db, include_retired=all_)
    output.show(result, json, lambda r: render_sites(r["sites"]))


@command(app, "add", "@site.add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="@arg.site_name", show_default=False)],
    kind: Annotated[Kind, typer.Option("--kind", help="@opt.kind")],
    code: Annotated[str | None, typer.Option("--code", help="@opt.site_code")] = None,
    note: Annotated[str | None, typer.Option("--note", help="@opt.note")] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.write("site add") as db:
        site = network.add_site(db, name, kind.value, code=code, note=note)
    output.show(site, json, lambda s: output.done(M.SITE_ADDED(code=s["code"], name=s["name"])))


@command(app, "show", "@site.show")
def show(ctx: typer.Context, code: Code, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        site = network.site_show(db, code)
    output.show(site, json, _render_site)


@command(app, "edit", "@site.edit")
def edit(
    ctx: typer.Context,
    code: Code,
    name: Annotated[str | None, typer.Option("--name", help="@opt.name")] = None,
    kind: Annotated[Kind | None, typer.Option("--kind", help="@opt.kind")] = None,
    note: Annotated[str | None, typer.Option("--note", help="@opt.note")] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.write("site edit") as db:
        site = network.edit_site(db, code, name=name, kind=kind.value if kind else None, note=note)
    output.show(site, json, lambda s: output.done(M.SITE_EDITED(code=s["code"], name=s["name"])))


@command(app, "retire", "@site.retire")
def retire(ctx: typer.Context, code: Code, json: Json = False) -> None:
    with state(ctx).store.write("site retire") as db:
        site = network.retire_site(db, code)
    output.show(
        site, json, lambda s: output.done(M.SITE_RETIRED_DONE(code=s["code"], name=s["name"]))
    )


@command(app, "reactivate", "@site.reactivate")
def reactivate(ctx: typer.Context, code: Code, json: Json = False) -> None:
    with state(ctx).store.write("site reactivate") as db:
        site = network.reactivate_site(db, code)
    output.show(
        site, json, lambda s: output.done(M.SITE_REACTIVATED(code=s["code"], name=s["name"]))
    )
