"""The patches of Typer's internals (cli/typer_compat.py): each still there and still working.

A Typer upgrade that renames or reshapes what a patch relies on fails here, with the name of
the patch and its reason in the message, instead of somewhere in a command's output.
"""

from __future__ import annotations

import importlib
import inspect
import os
import subprocess
import sys
from typing import Any

import pytest
import typer

from lou_library import messages as M
from lou_library.cli import app
from lou_library.cli.base import prepare
from lou_library.cli.typer_compat import PATCHES, Needs, Patch, PlainCoercion
from tests.conftest import Lou, command_tree


def _broken(patch: Patch, problem: str) -> str:
    return (
        f"Typer {typer.__version__} broke the patch {patch.name!r} in "
        f"cli/typer_compat.py ({patch.reason}): {problem}"
    )


def _resolve(where: str) -> Any:
    module_name, _, qualname = where.partition(":")
    found: Any = importlib.import_module(module_name)
    for part in qualname.split(".") if qualname else ():
        found = getattr(found, part)
    return found


def _problems(needs: Needs) -> list[str]:
    try:
        found = _resolve(needs.where)
    except (ImportError, AttributeError) as exc:
        return [f"{needs.where} is gone ({exc})"]
    problems = []
    if needs.params:
        accepted = inspect.signature(found).parameters
        missing = [name for name in needs.params if name not in accepted]
        if missing:
            problems.append(f"{needs.where} no longer takes {', '.join(missing)}")
    declared = inspect.get_annotations(found) if isinstance(found, type) else {}
    for attr in needs.attrs:
        if not hasattr(found, attr) and attr not in declared:
            problems.append(f"{needs.where} has no {attr}")
    return problems


@pytest.mark.parametrize("patch", PATCHES, ids=[patch.name for patch in PATCHES])
def test_what_each_patch_relies_on_is_still_there(patch: Patch) -> None:
    problems = [problem for needs in patch.needs for problem in _problems(needs)]
    assert not problems, _broken(patch, "; ".join(problems))


def test_a_missing_internal_is_reported_with_the_patch_name() -> None:
    patch = Patch("example", "a reason", (Needs("typer.core:NoSuchClass"),))
    problems = [problem for needs in patch.needs for problem in _problems(needs)]
    assert problems == [
        "typer.core:NoSuchClass is gone (module 'typer.core' has no attribute 'NoSuchClass')"
    ]
    assert "'example'" in _broken(patch, problems[0])
    changed = Needs("typer._completion_shared:install", params=("shell", "dry_run"))
    assert _problems(changed) == ["typer._completion_shared:install no longer takes dry_run"]


def _patch(name: str) -> Patch:
    return next(patch for patch in PATCHES if patch.name == name)


def test_every_parameter_and_help_option_has_the_plain_coercer() -> None:
    prepare([])
    tree = command_tree(typer.main.get_command(app))
    assert len(tree) > 40
    for path, command in tree:
        for param in command.params:
            coercer = getattr(param, "_runtime_param", None)
            assert isinstance(coercer, PlainCoercion), _broken(
                _patch("plain coercion"), f"{' '.join(path)} {param.name} has {coercer!r}"
            )
        coercer = command.get_help_option(typer.Context(command))._runtime_param
        assert isinstance(coercer, PlainCoercion), _broken(
            _patch("plain help option"), f"{' '.join(path)} --help has {coercer!r}"
        )


_IMPORTED = """
import sys
from lou_library.cli import main
try:
    main(sys.argv[1:])
except SystemExit:
    pass
print(sorted(name for name in sys.modules
             if name.split(".")[0] == "pydantic" or name == "typer.rich_utils"))
"""


def _imported_by(lou: Lou, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", _IMPORTED, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **lou.env},
        check=True,
    )
    return done.stdout.splitlines()[-1]


def test_a_command_imports_neither_pydantic_nor_typers_help(small: Lou) -> None:
    """The measured reasons of three patches: pydantic (0.07 s) and typer.rich_utils (0.03 s)
    stay out of a command that prints no help, whatever its options' types."""
    imported = _imported_by(small, "book", "list", "--limit", "3", "--status", "in_box")
    assert "pydantic" not in imported, _broken(_patch("plain coercion"), imported)
    assert "typer.rich_utils" not in imported, _broken(_patch("localised help words"), imported)
    assert _imported_by(small, "info") == "[]"


def test_help_shows_value_names_not_python_types(lou: Lou) -> None:
    shown = lou.ok("book", "list", "--help", env={"COLUMNS": "200"}).stdout
    for python_type in ("<bool>", "<str>", "<int>", "<float>"):
        assert python_type not in shown, _broken(_patch("bare help types"), shown)
    rows = {line.split()[1]: line.split()[2:4] for line in shown.splitlines() if "│ --" in line}
    assert rows["--site"][0] == "SITE" and rows["--text"][0] == "TEXT", shown
    assert rows["--limit"][0] == "N" and rows["--json"] == ["Print", "JSON"], shown


def _help_column(shown: str, help_option_text: str) -> str:
    """The help texts of the options panel, read down their column, without spaces."""
    lines = shown.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("╭─ 选项"))
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("╰"))
    panel = lines[start + 1 : end]
    column = next(line.index(help_option_text[:4]) for line in panel if "--help" in line)
    return "".join(line[column:].rstrip(" │") for line in panel).replace(" ", "")


@pytest.mark.parametrize("args", [("book", "add"), ("report", "inventory"), ("site", "add")])
def test_chinese_help_is_folded_not_cut(lou: Lou, args: tuple[str, ...]) -> None:
    """A Chinese sentence has no space to wrap at: Rich would cut it with "…"."""
    shown = lou.ok("--lang", "zh", *args, "--help", env={"COLUMNS": "60"}).stdout
    assert "…" not in shown, _broken(_patch("folded help text"), shown)
    prepare(["--lang", "zh"])
    column = _help_column(shown, M.HELP_OPTION())
    command: Any = typer.main.get_command(app)
    for name in args:
        command = command.get_command(typer.Context(command), name)
    options: list[Any] = [param for param in command.params if param.param_type_name == "option"]
    prepare([])
    assert len(options) > 2
    for option in options:
        assert option.help.replace(" ", "") in column, (option.name, shown)


def test_typers_own_words_follow_the_language(lou: Lou) -> None:
    chinese = lou.ok("--lang", "zh", "book", "list", "--help").stdout
    english = lou.ok("--lang", "en", "book", "list", "--help").stdout
    for zh, en in (("选项", "Options"), ("[默认: ", "[default: ")):
        assert zh in chinese and en not in chinese, _broken(_patch("localised help words"), zh)
        assert en in english and zh not in english, english


def test_usage_errors_are_caught_and_translated(lou: Lou) -> None:
    run = lou("--lang", "zh", "book", "list", "--limit", "many")
    assert run.exit_code == 2
    assert "'many' 不是整数。" in run.stderr, _broken(_patch("click exceptions"), run.stderr)
