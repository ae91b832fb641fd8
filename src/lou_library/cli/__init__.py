"""The ``lou`` command line: argument parsing and rendering, nothing else.

One module per command group (``cmd_*.py``), joined here. Commands open one unit of
work on the store, call the rules, and hand the result to :mod:`.output`.
"""

# (No postponed annotations here: Typer reads each command's annotations when it builds
# the group, and as strings each one was compiled and evaluated (160 to run
# `lou rotate simulate`, the root group and this one): about 1.5 ms a group, every run.)

import importlib
import sys
from enum import StrEnum
from typing import Annotated, Any

import typer

from lou_library import __version__, i18n
from lou_library.cli import cmd_book, cmd_setup, cmd_stocktake, completion
from lou_library.cli.base import AppState, LouGroup, prepare, typed_words
from lou_library.cli.typer_compat import CompletionReady
from lou_library.store import ENV_DB

# The command groups (each the ``app`` of its module), in the order help lists them
# with the root's own commands. Typer turns each function signature into Click
# parameters when it builds a group, about 1 ms a command; importing and building only
# the group a command line names saves ~60 ms of every run (see bench/README.md).
SUBGROUPS = {
    name: f"lou_library.cli.cmd_{name}"
    for name in ("site", "box", "book", "volunteer", "rotate", "task", "schedule", "report",
                 "labels", "settings", "db")
}  # fmt: skip
ORDER = [
    "demo", "init", "info", "site", "box", "book", "volunteer", "donate", "stocktake", "rotate",
    "task", "schedule", "notice", "report", "labels", "settings", "db",
]  # fmt: skip


class RootGroup(CompletionReady, LouGroup):
    """The ``lou`` group: its sub-groups are built the first time they are asked for.

    It also answers a completion script's request for candidates (see
    :class:`~lou_library.cli.typer_compat.CompletionReady`).
    """

    listing = False

    def format_help(self, ctx: Any, formatter: Any) -> None:
        """``lou --help`` lists the groups by their one-line help: no need to build them."""
        self.listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self.listing = False

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        command = super().get_command(ctx, cmd_name)
        if command is None and cmd_name in SUBGROUPS and self.listing:
            return LouGroup(name=cmd_name, help=f"@{cmd_name}")  # its help key is its name
        if command is None and cmd_name in SUBGROUPS:
            command = typer.main.get_group(importlib.import_module(SUBGROUPS[cmd_name]).app)
            command.name = cmd_name
            self.add_command(command, cmd_name)
        return command

    def list_commands(self, ctx: Any) -> list[str]:
        names = [name for name in ORDER if name in self.commands or name in SUBGROUPS]
        return names + [name for name in super().list_commands(ctx) if name not in names]

    def resolve_command(self, ctx: Any, args: list[str]) -> Any:
        if args and args[0] not in self.commands and args[0] not in SUBGROUPS:
            for name in SUBGROUPS:  # an unknown name: suggestions need every group
                self.get_command(ctx, name)
        return super().resolve_command(ctx, args)


@typed_words("lang")
class LangChoice(StrEnum):
    zh = "zh"
    en = "en"


app = typer.Typer(
    cls=RootGroup,
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
    install_completion: Annotated[
        str | None,
        typer.Option(
            "--install-completion",
            help="@opt.install_completion",
            metavar="[SHELL]",
            is_eager=True,
            expose_value=False,
            callback=completion.install,
        ),
    ] = None,
    show_completion: Annotated[
        str | None,
        typer.Option(
            "--show-completion",
            help="@opt.show_completion",
            metavar="[SHELL]",
            is_eager=True,
            expose_value=False,
            callback=completion.show,
        ),
    ] = None,
) -> None:
    ctx.obj = AppState(db_option=db)
    if lang is not None:
        i18n.set_language(lang.value)
    else:
        unknown = i18n.unknown_lang()
        if unknown is not None:
            from lou_library import messages as M
            from lou_library.cli import output

            output.warn(M.UNKNOWN_LANG(value=unknown))


cmd_setup.register(app)
cmd_book.register_donate(app)
cmd_stocktake.register(app)
cmd_setup.register_notice(app)


def hoist_lang(args: list[str]) -> list[str]:
    """``--lang`` is an option of ``lou`` itself; people also type it after the command
    (``lou task done --help --lang zh``), so it is moved to the front (up to ``--``)."""
    rest: list[str] = []
    found: list[str] = []
    i = 0
    while i < len(args):
        arg = args[i]
        if arg == "--":
            rest.extend(args[i:])
            break
        if arg == "--lang" and i + 1 < len(args):
            found += args[i : i + 2]
            i += 2
            continue
        if arg.startswith("--lang="):
            found.append(arg)
        else:
            rest.append(arg)
        i += 1
    return found + rest


def main(argv: list[str] | None = None) -> None:
    from lou_library.cli import output

    output.adapt_streams()
    args = completion.optional_shell(hoist_lang(sys.argv[1:] if argv is None else list(argv)))
    prepare(args)
    try:
        app(args=args, prog_name="lou")
    finally:
        output.say_escaped()
