"""``lou --show-completion [SHELL]`` and ``lou --install-completion [SHELL]``.

The scripts, the installer and the answers to the shell's requests are Typer's (see
:mod:`lou_library.cli.typer_compat`); what lou adds is that a named shell is honoured
(Typer's own flags take no value and always detect the shell) and its messages in both
languages.
"""

from __future__ import annotations

from typing import Any

import typer

from lou_library import messages as M
from lou_library.cli import typer_compat
from lou_library.cli.typer_compat import BadParameter
from lou_library.errors import os_reason

OPTIONS = ("--install-completion", "--show-completion")
ROOT_OPTIONS_WITH_VALUE = ("--db", "--lang", *OPTIONS)


def optional_shell(args: list[str]) -> list[str]:
    """``lou --install-completion`` alone means "for the shell I am in".

    The Click that Typer vendors has no options with an optional value, so an option of
    ``lou`` itself left without one (at the end, or before another option) gets an empty
    one here: ``--install-completion=``, which :func:`_shell` reads as "detect". Only the
    options before the command are looked at: what follows it is the command's.
    """
    filled = list(args)
    i = 0
    while i < len(filled) and filled[i].startswith("-") and filled[i] != "--":
        arg = filled[i]
        following = filled[i + 1] if i + 1 < len(filled) else "-"
        if arg in OPTIONS and following.startswith("-"):
            filled[i] = f"{arg}="
            i += 1
        else:
            i += 2 if arg in ROOT_OPTIONS_WITH_VALUE else 1
    return filled


def _shell(value: str, param: Any, ctx: Any) -> str:
    """The shell named by ``value``, or the one lou runs under when ``value`` is empty."""
    from lou_library.cli import output

    shells = ", ".join(typer_compat.SHELLS)
    name = value.strip().casefold()
    if not name:
        detected = typer_compat.detect_shell()
        if detected is None:
            output.error(M.COMPLETION_NO_SHELL(option=param.opts[0]))
            raise typer.Exit(1)
        if detected not in typer_compat.SHELLS:  # lou runs under tcsh, say
            output.error(M.COMPLETION_UNKNOWN_SHELL(shell=detected, shells=shells))
            raise typer.Exit(1)
        return detected
    if name not in typer_compat.SHELLS:
        raise BadParameter(M.COMPLETION_UNKNOWN_SHELL(shell=value, shells=shells), ctx, param)
    return name


def show(ctx: typer.Context, param: Any, value: str | None) -> None:
    """Print the completion script for the shell and stop."""
    if value is None or ctx.resilient_parsing:
        return
    shell = _shell(value, param, ctx)
    prog_name = ctx.find_root().info_name or "lou"
    typer.echo(typer_compat.completion_script(prog_name, shell))
    raise typer.Exit()


def install(ctx: typer.Context, param: Any, value: str | None) -> None:
    """Add the completion script to the shell's start-up files and stop."""
    if value is None or ctx.resilient_parsing:
        return
    from lou_library.cli import output

    shell = _shell(value, param, ctx)
    prog_name = ctx.find_root().info_name or "lou"
    try:
        path = typer_compat.install_completion(prog_name, shell)
    except OSError as exc:  # a start-up file lou may not write
        reason = os_reason(exc)
        if exc.filename:
            output.error(M.FILE_ERROR(path=exc.filename, reason=reason))
        else:
            output.error(M.FILE_ERROR_UNNAMED(reason=reason))
        raise typer.Exit(1) from None
    output.done(M.COMPLETION_INSTALLED(shell=shell, path=path))
    raise typer.Exit()
