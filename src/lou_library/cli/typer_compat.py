"""Every place where ``lou`` reaches into Typer's or Click's internals, with its reason.

Typer is used as it comes everywhere else: the command groups subclass Typer's
``TyperGroup``/``TyperCommand`` and override only Click's public methods
(``get_help_option``, ``format_help``, ``make_context``, ``get_usage``, ``invoke``,
``get_command``, ``list_commands``). What is here relies on names that Typer or the Click
it vendors (``typer._click``) do not promise to keep. Each patch states why it stays: a
start-up time it saves, measured, or a behaviour a test asserts. Timings are of ``lou info``
on the demo DB (3,109 books), the patch on and off, runs interleaved: the median wall time
of 7 runs on the 2-core machine at load 1, confirmed by the median CPU time of 11 runs at
load 4 to 7 (others were working); read them as differences, not as absolute figures.

:data:`PATCHES` lists, per patch, the internals it relies on;
``tests/test_typer_compat.py`` checks that they still exist with the parameters used, and
that each patch still has its effect, naming the patch when a Typer upgrade breaks it.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from enum import Enum
from typing import Any

# Click's exception classes. Typer exports BadParameter but not ClickException, the base
# that every usage error derives from (LouGroup catches it to translate the message).
from typer._click.exceptions import BadParameter, ClickException

from lou_library import i18n
from lou_library.cli.choices import choice_member, choices_text

__all__ = ["BadParameter", "ClickException"]


@dataclass(frozen=True)
class Needs:
    """One internal a patch relies on: ``module:Qualified.name`` and what it must accept.

    ``params`` are parameter names the callable must take; ``attrs`` are attributes (or
    class annotations, for what Typer sets per instance) it must have.
    """

    where: str
    params: tuple[str, ...] = ()
    attrs: tuple[str, ...] = ()


@dataclass(frozen=True)
class Patch:
    name: str
    reason: str
    needs: tuple[Needs, ...]


# ----------------------------------------------------------------- plain coercion


class PlainCoercion:
    """Turns a command-line value into str, int, float, bool, an Enum, or a list of str.

    Typer 0.29 coerces every parameter, defaults included, through a pydantic
    TypeAdapter, and importing pydantic costs every command 0.07 to 0.09 s: ``lou info``
    takes 0.121 s with this coercer and 0.191 s without it. Our parameters are all of
    these plain types, so they get this coercer instead (set as the parameter's lazily
    built ``_runtime_param``); anything else keeps Typer's. The messages are Click's, so
    cli/click_zh.py translates them.
    """

    SIMPLE = (str, int, float, bool)

    def __init__(self, annotation: Any, minimum: Any, maximum: Any) -> None:
        self.annotation, self.minimum, self.maximum = annotation, minimum, maximum

    @classmethod
    def fits(cls, annotation: Any) -> bool:
        return (
            annotation in cls.SIMPLE
            or (isinstance(annotation, type) and issubclass(annotation, Enum))
            or annotation == list[str]
        )

    def coerce(self, value: Any, param: Any, ctx: Any) -> Any:
        multiple = param.multiple or param.nargs == -1
        if value is None:
            return () if multiple else None
        if multiple:
            return [str(v) for v in value]
        kind = self.annotation
        if isinstance(kind, type) and issubclass(kind, Enum):
            if isinstance(value, kind):
                return value
            member = choice_member(kind, str(value))
            if member is None:
                choices = choices_text(kind, str(value))
                raise BadParameter(f"{value!r} is not one of {choices}.", ctx, param)
            return member
        if kind in (int, float) and not isinstance(value, bool):
            return self._number(kind, value, param, ctx)
        return value

    def _number(self, kind: type, value: Any, param: Any, ctx: Any) -> Any:
        try:
            number = kind(value)
        except (TypeError, ValueError):
            name = "integer" if kind is int else "float"
            raise BadParameter(f"{value!r} is not a valid {name}.", ctx, param) from None
        low, high = self.minimum, self.maximum
        if (low is not None and number < low) or (high is not None and number > high):
            bounds = (
                f"{low}<=x<={high}"
                if low is not None and high is not None
                else (f"x>={low}" if low is not None else f"x<={high}")
            )
            raise BadParameter(f"{number} is not in the range {bounds}.", ctx, param)
        return number


def plain_coercion(command: Any) -> None:
    """Give each plain parameter of ``command`` the :class:`PlainCoercion`."""
    for param in command.params:
        described = getattr(param, "type_descriptor", None)
        if described is not None and PlainCoercion.fits(described.annotation):
            info = described.parameter_info
            param._runtime_param = PlainCoercion(described.annotation, info.min, info.max)


def plain_help_option(option: Any) -> None:
    """Click builds ``--help`` lazily, so :func:`plain_coercion` never sees it; its value
    is coerced on every run, which alone imports pydantic (``lou info`` 0.190 s, not
    0.121 s)."""
    if getattr(option, "_runtime_param", None) is None:
        option._runtime_param = PlainCoercion(bool, None, None)


# ------------------------------------------------------------- help as Click shows it


def _no_type(ctx: Any) -> None:
    return None


_METAVARS = {str: None, int: "N", float: "X", list[str]: None}


def bare_help_types(option: Any) -> None:
    """Typer 0.29's rich help shows Python types: ``--json <bool>``, ``--site <str>``,
    ``{target}``. A flag takes no value; other values get a name, as Click gives them.

    No time is at stake: this is how help reads (tests/test_typer_compat.py asserts it).
    """
    if getattr(option, "is_flag", False):
        option.display_type_rich = _no_type
        return
    described = getattr(option, "type_descriptor", None)
    if option.metavar is not None or described is None or option.name is None:
        return
    annotation = described.annotation
    if annotation in _METAVARS:
        option.metavar = _METAVARS[annotation] or option.name.upper()
        if option.param_type_name == "argument":  # its name says it: no "<str>" after it
            option.display_type_rich = _no_type


def localise_typer() -> None:
    """Typer's own words (panel titles, [default: ...]) in the chosen language.

    They are module constants of ``typer.rich_utils``, which is imported only when help or
    a usage error is printed: setting them on every run would cost ``lou info`` 0.03 to
    0.04 s (0.152 s instead of 0.121 s), so this runs just before Typer prints.

    Also, Rich tables cut a cell's word that is wider than its column with "…", and a
    Chinese sentence is one long word (no spaces): Typer's ``_make_rich_text`` is wrapped
    to fold such text instead (tests/test_typer_compat.py asserts nothing is cut).
    """
    from typer import rich_utils

    zh = i18n.current() == "zh"
    rich_utils.ARGUMENTS_PANEL_TITLE = "参数" if zh else "Arguments"
    rich_utils.OPTIONS_PANEL_TITLE = "选项" if zh else "Options"
    rich_utils.COMMANDS_PANEL_TITLE = "命令" if zh else "Commands"
    rich_utils.ERRORS_PANEL_TITLE = "错误" if zh else "Error"
    rich_utils.DEFAULT_STRING = "[默认: {}]" if zh else "[default: {}]"
    rich_utils.ENVVAR_STRING = "[环境变量: {}]" if zh else "[env var: {}]"
    rich_utils.REQUIRED_LONG_STRING = "[必填]" if zh else "[required]"
    rich_utils.RICH_HELP = (
        "运行 [blue]'{command_path} {help_option}'[/] 查看帮助。"
        if zh
        else "Try [blue]'{command_path} {help_option}'[/] for help."
    )
    if not getattr(rich_utils, "_lou_folds", False):
        from rich.text import Text

        make_text = rich_utils._make_rich_text

        @functools.wraps(make_text)  # its signature stays readable (tests check it)
        def folding_text(**kwargs: Any) -> Any:
            made = make_text(**kwargs)
            if isinstance(made, Text) and made.overflow is None:
                made.overflow = "fold"
            return made

        rich_utils._make_rich_text = folding_text
        setattr(rich_utils, "_lou_folds", True)  # noqa: B010 (not a typed attribute)


# ------------------------------------------------------------------ shell completion

SHELLS = ("bash", "zsh", "fish", "powershell", "pwsh")


def completion_var(prog_name: str) -> str:
    """The variable a completion script sets to ask for candidates: ``_LOU_COMPLETE``."""
    return "_{}_COMPLETE".format(prog_name.replace("-", "_").upper())


def completion_script(prog_name: str, shell: str) -> str:
    """Typer's completion script for ``shell`` (one of :data:`SHELLS`)."""
    from typer._completion_shared import get_completion_script

    return get_completion_script(
        prog_name=prog_name, complete_var=completion_var(prog_name), shell=shell
    )


def install_completion(prog_name: str, shell: str) -> str:
    """Typer's installer: the script into the shell's start-up files; returns the path."""
    from typer._completion_shared import install

    _, path = install(shell=shell, prog_name=prog_name, complete_var=completion_var(prog_name))
    return str(path)


def detect_shell() -> str | None:
    """The name of the shell lou runs under (Typer asks shellingham), or None."""
    from typer._completion_shared import _get_shell_name

    return _get_shell_name()


class CompletionReady:
    """Answers the completion scripts' requests with Typer's completion classes.

    Typer registers its classes (plain candidates for bash, candidates with their help for
    zsh and fish) only when it adds its own ``--install-completion``/``--show-completion``
    flags, whose ``bool`` values it coerces through pydantic on every run (``lou info``
    0.08 to 0.09 s more CPU time) and which ignore a shell named after them. ``lou``
    declares its own two options (cli/completion.py) and registers Typer's classes here,
    only when a completion script asks (``_LOU_COMPLETE`` is set). With them, ``lou info``
    and ``lou --help`` take the time they took before completion was on (CPU time medians
    0.130/0.129 s and 0.145/0.147 s, 15 runs each).
    """

    def _main_shell_completion(
        self, ctx_args: Any, prog_name: str, complete_var: str | None = None
    ) -> None:
        if os.environ.get(complete_var or completion_var(prog_name)):
            from typer._completion_classes import completion_init

            completion_init()
        super()._main_shell_completion(ctx_args, prog_name, complete_var)  # type: ignore[misc]


PATCHES: tuple[Patch, ...] = (
    Patch(
        "plain coercion",
        "lou info 0.121 s with it, 0.191 s without (pydantic's import)",
        (
            Needs("typer.core:_TyperParameter", attrs=("_runtime_param", "type_descriptor")),
            Needs("typer.core:_TyperParameter.get_runtime_param", params=("self",)),
            Needs("typer._coercion:RuntimeParam.coerce", params=("value", "param", "ctx")),
            Needs("typer._coercion:TypeDescriptor", attrs=("annotation", "parameter_info")),
            Needs("typer.models:ParameterInfo.__init__", params=("min", "max")),
            Needs("typer._click.exceptions:BadParameter", params=("message", "ctx", "param")),
        ),
    ),
    Patch(
        "plain help option",
        "lou info 0.121 s with it, 0.190 s without: --help alone imports pydantic",
        (
            Needs("typer._click.core:Command.get_help_option", params=("ctx",)),
            Needs("typer.core:_TyperParameter", attrs=("_runtime_param",)),
        ),
    ),
    Patch(
        "bare help types",
        "help shows --json, not --json <bool>; --site SITE, not --site <str>",
        (
            Needs("typer.core:_TyperParameter.display_type_rich", params=("ctx",)),
            Needs("typer.core:_TyperParameter", attrs=("type_descriptor",)),
        ),
    ),
    Patch(
        "localised help words",
        "panel titles and [default: ...] in Chinese; set lazily: 0.03 s of lou info if eager",
        (
            Needs(
                "typer.rich_utils",
                attrs=(
                    "ARGUMENTS_PANEL_TITLE",
                    "OPTIONS_PANEL_TITLE",
                    "COMMANDS_PANEL_TITLE",
                    "ERRORS_PANEL_TITLE",
                    "DEFAULT_STRING",
                    "ENVVAR_STRING",
                    "REQUIRED_LONG_STRING",
                    "RICH_HELP",
                ),
            ),
        ),
    ),
    Patch(
        "folded help text",
        "a Chinese help sentence wider than its column is folded, not cut with an ellipsis",
        (Needs("typer.rich_utils:_make_rich_text", params=("text", "style", "markup_mode")),),
    ),
    Patch(
        "click exceptions",
        "LouGroup translates every usage error: it catches Click's ClickException",
        (
            Needs("typer._click.exceptions:ClickException", attrs=("format_message",)),
            Needs("typer._click.exceptions:UsageError"),
        ),
    ),
    Patch(
        "shell completion",
        "lou's own --show-completion SHELL and --install-completion SHELL, without pydantic",
        (
            Needs("typer._completion_classes:completion_init"),
            Needs(
                "typer._completion_shared:get_completion_script",
                params=("prog_name", "complete_var", "shell"),
            ),
            Needs(
                "typer._completion_shared:install", params=("shell", "prog_name", "complete_var")
            ),
            Needs("typer._completion_shared:_get_shell_name"),
            Needs(
                "typer.core:TyperGroup._main_shell_completion",
                params=("ctx_args", "prog_name", "complete_var"),
            ),
        ),
    ),
)
