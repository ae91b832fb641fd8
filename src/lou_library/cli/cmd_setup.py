"""``lou init``, ``lou info`` and ``lou demo``."""

# (No postponed annotations in a command module: see lou_library.cli.)

import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from lou_library import messages as M
from lou_library.cli import output
from lou_library.cli.base import command, state
from lou_library.cli.common import Json, status_name
from lou_library.store import SCHEMA_VERSION, AnyStore, Store


def register(app: typer.Typer) -> None:
    command(app, "demo", "@demo")(demo)
    command(app, "init", "@init")(init)
    command(app, "info", "@info")(info)


def notice(
    ctx: typer.Context,
    round_: Annotated[int | None, typer.Option("--round", help="@opt.notice_round")] = None,
) -> None:
    """Plain text for the group chat: no colour, no table borders."""
    import sys

    from lou_library import volunteer_view

    with state(ctx).store.read() as db:
        text = volunteer_view.notice(db, round_)
    sys.stdout.write(text)


def register_notice(app: typer.Typer) -> None:
    command(app, "notice", "@notice")(notice)


def _build(demo_network: bool) -> Any:
    from lou_library import demo as demo_module

    return demo_module.build_demo() if demo_network else demo_module.empty_document()


def init(
    ctx: typer.Context,
    demo: Annotated[bool, typer.Option("--demo", help="@opt.init_demo")] = False,
    force: Annotated[bool, typer.Option("--force", help="@opt.init_force")] = False,
) -> None:
    store = state(ctx).store
    data = _build(demo)
    saved = store.create(data, force=force)
    if saved:
        output.note(M.BACKED_UP(path=saved))
    summary = summarise(store)
    output.done(
        M.INIT_DONE_DEMO(path=store.path, **_counts(summary))
        if demo
        else M.INIT_DONE(path=store.path)
    )


def _counts(summary: dict[str, Any]) -> dict[str, Any]:
    return {
        "sites": summary["sites"]["total"],
        "boxes": summary["boxes"]["total"],
        "books": summary["books"]["total"],
        "volunteers": summary["volunteers"]["total"],
    }


def summarise(store: AnyStore) -> dict[str, Any]:
    """What ``lou info`` shows: where the DB is and what it holds."""
    from lou_library import overview

    with store.read() as db:
        found = overview.counts(db)
    return {
        "db": str(store.path),
        "size": store.size(),
        "schema_version": SCHEMA_VERSION,
        "sites": found["sites"],
        "boxes": found["boxes"],
        "books": found["books"],
        "withdrawn": found["withdrawn"],
        "volunteers": found["volunteers"],
        "backups": len(store.backups()),
        "next_round": found["next_round"],
    }


def render_info(summary: dict[str, Any]) -> None:
    from lou_library.overview import HELD

    books = summary["books"]
    book_parts = M.LIST_SEPARATOR().join(f"{status_name(s)} {books[s]}" for s in HELD)
    people = summary["volunteers"]
    output.stdout().print(
        output.key_values(
            [
                (M.INFO_DB(), summary["db"]),
                (M.INFO_SIZE(), output.size_text(summary["size"])),
                (M.INFO_SCHEMA(), summary["schema_version"]),
                (
                    M.INFO_SITES(),
                    M.INFO_SITES_VALUE(
                        total=summary["sites"]["total"],
                        compound=summary["sites"]["compound"],
                        yard=summary["sites"]["yard"],
                    ),
                ),
                (M.INFO_BOXES(), summary["boxes"]["total"]),
                (
                    M.INFO_BOOKS(),
                    M.INFO_BOOKS_VALUE(
                        total=books["total"], parts=book_parts, withdrawn=summary["withdrawn"]
                    ),
                ),
                (
                    M.INFO_VOLUNTEERS(),
                    M.INFO_VOLUNTEERS_VALUE(total=people["total"], party=people["party_members"]),
                ),
                (M.INFO_BACKUPS(), summary["backups"]),
                (
                    M.INFO_NEXT_ROUND(),
                    M.INFO_NEXT_ROUND_VALUE(
                        number=summary["next_round"]["round"], date=summary["next_round"]["date"]
                    ),
                ),
            ],
            title=M.INFO_TITLE(),
        )
    )


def info(ctx: typer.Context, json: Json = False) -> None:
    output.show(summarise(state(ctx).store), json, render_info)


def _clear_old_demos(keep_hours: float = 1.0) -> None:
    """Remove the temporary folders of earlier ``lou demo`` runs (an hour old or more)."""
    import shutil
    import time

    cutoff = time.time() - keep_hours * 3600
    for folder in Path(tempfile.gettempdir()).glob("lou-demo-*"):
        try:
            if folder.is_dir() and folder.stat().st_mtime < cutoff:
                shutil.rmtree(folder)
        except OSError:
            continue


def demo(ctx: typer.Context, json: Json = False) -> None:
    """A fresh demo network in a temporary folder and its next round; the user's own DB
    is never opened."""
    from lou_library import rotation
    from lou_library.cli.cmd_rotate import render_plan, site_names
    from lou_library.cli.cmd_site import render_sites
    from lou_library.network import list_sites

    _clear_old_demos()
    folder = Path(tempfile.mkdtemp(prefix="lou-demo-"))
    store = Store(folder / "lou.json")
    store.create(_build(True), force=False, command="demo")
    summary = summarise(store)
    with store.read() as db:
        sites = list_sites(db)
        plan = rotation.plan_document(rotation.plan_round(db))
        names = site_names(db)

    def human(result: dict[str, Any]) -> None:
        output.note(M.DEMO_INTRO(path=store.path))
        render_info(result["info"])
        render_sites(result["sites"])
        render_plan(result["plan"], names)
        output.note(M.DEMO_NEXT(path=store.path))

    output.show({"info": summary, "sites": sites, "plan": plan}, json, human)
