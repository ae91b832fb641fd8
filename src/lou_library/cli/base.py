"""What every command group shares: bilingual help, errors at the edge, the DB in context.

Help strings in the command modules are keys such as ``"@book.add"``; :class:`LouGroup`
and :class:`LouCommand` replace them from :data:`lou_library.messages.HELP` when Typer
builds the Click objects, which happens after the language is known. So ``lou --lang zh
--help`` is Chinese throughout, while command modules stay plain module-level Typer code.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn, TypeVar

import typer
from typer.core import TyperCommand, TyperGroup

from lou_library import i18n
from lou_library import messages as M
from lou_library.cli.choices import choice_member, typed_words
from lou_library.cli.typer_compat import (
    ClickException,
    bare_help_types,
    localise_typer,
    plain_coercion,
    plain_help_option,
)
from lou_library.errors import LouError, os_reason
from lou_library.store import AnyStore, open_store

EXIT_SAVED_BUT_FAILED = 3  # the change was saved, then the command failed: do not repeat it
EXIT_INTERRUPTED = 130  # Ctrl-C, as shells report it (128 + SIGINT)

__all__ = ["choice_member", "typed_words"]  # where the command modules have them from


def translate(text: str | None) -> str | None:
    """``@key`` -> the help text in the current language; anything else unchanged."""
    if text and text.startswith("@"):
        msg = M.HELP.get(text[1:])
        if msg is None:  # the report, label and service texts join HELP when loaded
            from lou_library import report_messages, service_messages  # noqa: F401

            msg = M.HELP.get(text[1:])
        if msg is None:  # a missing key is a bug that tests/test_cli.py catches
            return text
        return msg()
    return text


def _translate_params(command: Any) -> None:
    for param in command.params:
        if getattr(param, "help", None):
            param.help = translate(param.help)
        bare_help_types(param)


def _translate_command(command: Any) -> None:
    command.help = translate(command.help)
    command.short_help = translate(command.short_help)
    command.epilog = translate(command.epilog)
    _translate_params(command)


def _help_option(option: Any) -> Any:
    """Click makes the --help option lazily: translate it and give it the plain coercer."""
    if option is not None:
        option.help = M.HELP_OPTION()
        bare_help_types(option)
        plain_help_option(option)
    return option


class _Localised:
    """Typer's own words are set just before Typer prints help or a usage error.

    ``typer.rich_utils`` is imported only then (see :func:`typer_compat.localise_typer`).
    """

    def get_help_option(self, ctx: Any) -> Any:
        return _help_option(super().get_help_option(ctx))  # type: ignore[misc]

    def format_help(self, ctx: Any, formatter: Any) -> None:
        localise_typer()
        super().format_help(ctx, formatter)  # type: ignore[misc]

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().make_context(*args, **kwargs)  # type: ignore[misc]
        except ClickException as exc:
            localise_usage_error(exc)
            raise

    def get_usage(self, ctx: Any) -> str:
        usage: str = super().get_usage(ctx)  # type: ignore[misc]
        if i18n.current() == "zh" and usage.startswith("Usage:"):
            usage = "用法:" + usage[len("Usage:") :]
        return usage


# Options that name a thing (a site, a box, a volunteer, a category, a book): given empty
# (``--site "$SITE"`` with the variable unset) they would filter nothing, or report nothing
# missing, so they are refused rather than read as "all" or "none".
NAMING_OPTIONS = frozenset(("--site", "--box", "--volunteer", "--category", "--missing", "--extra"))


class LouCommand(_Localised, TyperCommand):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translate_command(self)
        plain_coercion(self)

    def invoke(self, ctx: Any) -> Any:
        for param in self.params:
            named = NAMING_OPTIONS.intersection(getattr(param, "opts", ()))
            value = ctx.params.get(param.name or "")
            values = value if isinstance(value, list | tuple) else [value]
            if named and any(isinstance(v, str) and not v.strip() for v in values):
                from lou_library.errors import Invalid

                option = min(named)
                books = option in ("--missing", "--extra")
                raise Invalid(M.OPTION_EMPTY_BOOK if books else M.OPTION_EMPTY, option=option)
        return super().invoke(ctx)


class LouGroup(_Localised, TyperGroup):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _translate_command(self)
        plain_coercion(self)

    def invoke(self, ctx: Any) -> Any:
        """Expected problems become one line on stderr and exit 1, never a traceback.

        Exit 1 promises that nothing changed. Once the command has saved the DB (its
        store says ``committed``), any later failure, expected or not, says that the
        change *was* saved and exits :data:`EXIT_SAVED_BUT_FAILED` instead, so nobody
        repeats a donation that went through.
        """
        try:
            return super().invoke(ctx)
        except ClickException as exc:
            localise_usage_error(exc)
            raise
        except (typer.Exit, typer.Abort):
            raise
        except KeyboardInterrupt:
            _interrupted(ctx)
        except Exception as exc:
            if _from_ctrl_c(exc):  # Python wrapped it (a class being made: RuntimeError)
                _interrupted(ctx)
            saved = _saved(ctx)
            if saved:
                if os.environ.get("LOU_DEBUG") and not isinstance(exc, LouError | OSError):
                    raise
                from lou_library.cli import output

                detail = str(exc) if isinstance(exc, LouError) else f"{type(exc).__name__}: {exc}"
                output.error(M.SAVED_BUT_FAILED(path=saved, detail=detail))
                if isinstance(exc, BrokenPipeError):
                    _quiet_stdout()
                raise typer.Exit(EXIT_SAVED_BUT_FAILED) from None
            _fail(ctx, exc)
            raise


def _interrupted(ctx: Any) -> NoReturn:
    """Ctrl-C: say whether the change was saved, and exit 130."""
    from lou_library.cli import output

    if not _saved(ctx):
        output.error(M.INTERRUPTED())
    else:
        output.error(M.SAVED_THEN_INTERRUPTED(path=_saved(ctx)))
    raise typer.Exit(EXIT_INTERRUPTED) from None


def _from_ctrl_c(exc: BaseException) -> bool:
    """Whether ``exc`` is a Ctrl-C that Python wrapped: a KeyboardInterrupt raised while a
    class was being made (a module imported lazily) comes out as a RuntimeError."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        if isinstance(cause, KeyboardInterrupt):
            return True
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__
    return False


def _saved(ctx: Any) -> str:
    """The DB path if this command already saved it, else ''."""
    obj = ctx.find_root().obj
    store = getattr(obj, "_store", None)
    return str(store.path) if store is not None and store.committed else ""


# What a record the rules did not expect raises (an OverflowError: a date near 9999).
UNEXPECTED_DATA = (KeyError, TypeError, ValueError, AttributeError, IndexError, OverflowError)


def _quiet_stdout() -> None:
    """After a closed pipe, so that the exit's own flush of stdout finds no pipe."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _fail(ctx: Any, exc: Exception) -> None:
    """Turn an expected problem into one line on stderr and exit 1 (nothing was saved)."""
    from lou_library.cli import output

    if isinstance(exc, LouError):
        output.error(str(exc), exc.details)
        raise typer.Exit(1) from None
    if isinstance(exc, BrokenPipeError):  # `lou book list --json | head`: the reader stopped
        # Quietly, with exit 1, as Rich does when its own write meets a closed pipe.
        _quiet_stdout()
        raise typer.Exit(1) from None
    if isinstance(exc, OSError):  # a file the user named: unreadable, unwritable, missing
        if exc.filename:
            output.error(M.FILE_ERROR(path=exc.filename, reason=os_reason(exc)))
        else:
            output.error(M.FILE_ERROR_UNNAMED(reason=os_reason(exc)))
        raise typer.Exit(1) from None
    if isinstance(exc, UNEXPECTED_DATA):
        # Nothing was written: a unit of work writes only when its body succeeds. A
        # record that does not fit its spec (a large table's optional field, which the
        # quick check on read leaves to this) is named; anything else is a bug.
        misfit = _misfit(ctx)
        if misfit is not None:
            output.error(misfit)
            raise typer.Exit(1) from None
        if os.environ.get("LOU_DEBUG"):
            return
        output.error(M.UNEXPECTED(kind=type(exc).__name__, detail=exc))
        raise typer.Exit(1) from None


def _misfit(ctx: Any) -> str | None:
    """The first record of the DB that does not fit its spec, as a message, or None."""
    from lou_library import schema

    store = state(ctx).store
    try:
        with store.read(validate=False) as db:
            found = schema.problems(db.document())
    except (LouError, OSError):
        return None
    if not found:
        return None
    return M.STORE_BAD_RECORD(path=store.path, problem=found[0].message())


def group(help_key: str) -> typer.Typer:
    """A command group whose help comes from the catalogue."""
    return typer.Typer(
        cls=LouGroup,
        help=help_key,
        no_args_is_help=True,
        pretty_exceptions_show_locals=False,
        add_completion=False,
    )


CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])


def command(
    app: typer.Typer, name: str, help_key: str
) -> Callable[[CommandFunction], CommandFunction]:
    decorator: Callable[[CommandFunction], CommandFunction] = app.command(
        name, cls=LouCommand, help=help_key
    )
    return decorator


@dataclass
class AppState:
    """What the root callback learned, handed to every command through ``ctx.obj``."""

    db_option: str | None = None
    _store: AnyStore | None = field(default=None, repr=False)

    @property
    def store(self) -> AnyStore:
        if self._store is None:
            self._store = open_store(self.db_option, notify=_warn)
        return self._store


def _warn(message: str) -> None:
    from lou_library.cli import output

    output.warn(message)


def state(ctx: typer.Context) -> AppState:
    obj = ctx.find_root().obj
    if not isinstance(obj, AppState):  # invoked without the root callback (tests of one group)
        obj = AppState()
        ctx.find_root().obj = obj
    return obj


def localise_usage_error(exc: ClickException) -> None:
    localise_typer()
    if i18n.current() == "zh" and not getattr(exc, "_lou_localised", False):
        from lou_library.cli.click_zh import localise_error

        localise_error(exc)
        exc._lou_localised = True  # type: ignore[attr-defined]


def prepare(argv: list[str]) -> None:
    """Fix the language for this run before Typer builds help text."""
    i18n.set_language(i18n.detect(argv))
    if "typer.rich_utils" in sys.modules:  # already imported (tests run many commands)
        localise_typer()


def main_args() -> list[str]:
    return sys.argv[1:]
