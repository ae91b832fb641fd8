"""The ``lou`` command line: argument parsing and rendering, nothing else.

One module per command group (``cmd_*.py``), joined here. Commands open one unit of
work on the store, call the rules, and hand the result to :mod:`.output`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from typing import Annotated

import typer

from lou_library import __version__, i18n
from lou_library.cli import (
    cmd_book,
    cmd_box,
    cmd_db,
    cmd_labels,
    cmd_report,
    cmd_rotate,
    cmd_schedule,
    cmd_setup,
    cmd_site,
    cmd_task,
    cmd_volunteer,
)
from lou_library.cli.base import AppState, LouGroup, prepare
from lou_library.store import ENV_DB


class LangChoice(StrEnum):
    zh = "zh"
    en = "en"


app = typer.Typer(
    cls=LouGroup,
    help="@lou",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        sys.stdout.write(f"lou-library {__version__}\n")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    db: Annotated[
        str | None,
        typer.Option("--db", envvar=ENV_DB, help="@opt.db", show_envvar=False, metavar="PATH"),
    ] = None,
    lang: Annotated[LangChoice | None, typer.Option("--lang", help="@opt.lang")] = None,
    version: Annotated[
        bool, typer.Option("--version", help="@opt.version", is_eager=True, callback=_version)
    ] = False,
) -> None:
    ctx.obj = AppState(db_option=db)
    if lang is not None:
        i18n.set_language(lang.value)


cmd_setup.register(app)
app.add_typer(cmd_site.app, name="site")
app.add_typer(cmd_box.app, name="box")
app.add_typer(cmd_book.app, name="book")
app.add_typer(cmd_volunteer.app, name="volunteer")
cmd_book.register_donate(app)
app.add_typer(cmd_rotate.app, name="rotate")
app.add_typer(cmd_task.app, name="task")
app.add_typer(cmd_schedule.app, name="schedule")
cmd_setup.register_notice(app)
app.add_typer(cmd_report.app, name="report")
app.add_typer(cmd_labels.app, name="labels")
app.add_typer(cmd_db.app, name="db")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else list(argv)
    prepare(args)
    app(args=args, prog_name="lou")
