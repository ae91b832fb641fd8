"""The command line as a whole: help in two languages, exit codes, output channels."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer
from rich.cells import cell_len

from lou_library import __version__, i18n
from lou_library import messages as M
from lou_library.cli import app, hoist_lang
from lou_library.cli.base import prepare
from tests.conftest import BASE_ENV, Lou, command_tree

GROUPS = [
    "demo", "init", "info", "donate", "site", "box", "book", "volunteer", "rotate", "task",
    "schedule", "notice", "report", "labels", "db",
]  # fmt: skip


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_command_and_option_has_help_in_both_languages(lang: i18n.Lang) -> None:
    prepare(["--lang", lang])
    tree = command_tree(typer.main.get_command(app))
    assert len(tree) > 40
    example = "例：lou " if lang == "zh" else "Example: lou "
    for path, command in tree:
        assert command.help and not command.help.startswith("@"), path
        summary, _, rest = command.help.partition("\n\n")
        assert summary.strip() and "\n" not in summary.strip(), path  # a one-line summary
        assert (re.search(r"[\u4e00-\u9fff]", summary) is not None) == (lang == "zh"), path
        assert example in rest, path  # and an example
        if path:  # listed in its group's help: Typer cuts, not wraps, a run without spaces
            assert max(cell_len(word) for word in summary.split()) <= 60, path
        for param in command.params:
            if param.param_type_name == "option" or getattr(param, "help", None):
                assert param.help and not param.help.startswith("@"), (path, param.name)
    prepare([])


def test_help_keys_all_exist_and_differ_between_languages() -> None:
    for key, msg in M.HELP.items():
        assert msg.zh.strip() and msg.en.strip(), key
        assert msg.zh != msg.en, key


def _messages() -> list[tuple[str, i18n.Msg]]:
    found = []
    for name, value in vars(M).items():
        if isinstance(value, i18n.Msg):
            found.append((name, value))
        elif isinstance(value, dict):
            found.extend((f"{name}[{k}]", v) for k, v in value.items() if isinstance(v, i18n.Msg))
    return found


def test_every_catalogue_message_has_both_languages_with_the_same_fields() -> None:
    messages = _messages()
    assert len(messages) > 300
    for name, msg in messages:
        assert msg.zh.strip() and msg.en.strip(), name
        zh_fields = sorted(re.findall(r"\{(\w*)\}", msg.zh))
        en_fields = sorted(re.findall(r"\{(\w*)\}", msg.en))
        if msg.plural:  # a count may appear as the number, in a plural form, or only there
            plural = set(_plural_fields(msg.en))
            assert set(en_fields) <= set(zh_fields) <= set(en_fields) | plural, name
        else:
            assert zh_fields == en_fields, name


def _plural_fields(template: str) -> list[str]:
    return [match[0] for match in i18n.PLURAL_FIELD.findall(template)]


def test_plural_forms_are_well_formed_and_english_only() -> None:
    """``{n:one|other}``: two forms, a field name, only in English (Chinese has none)."""
    plural = [(name, msg) for name, msg in _messages() if msg.plural]
    assert len(plural) >= 20
    for name, msg in plural:
        assert not i18n.PLURAL_FIELD.search(msg.zh), name
        specs = re.findall(r"\{(\w*):([^{}]*)\}", msg.en)
        assert all(spec.count("|") == 1 and field for field, spec in specs), name
        assert len(_plural_fields(msg.en)) == sum("|" in spec for _, spec in specs) > 0, name


def test_top_level_help_lists_every_group(lou: Lou) -> None:
    english = lou.ok("--help").stdout
    chinese = lou.ok("--lang", "zh", "--help").stdout
    for name in GROUPS:
        assert f" {name} " in english
        assert f" {name} " in chinese
    assert "Corridor book corners" in english
    assert "楼道图书角" in chinese and "命令" in chinese and "Commands" not in chinese


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_a_fresh_process_lists_every_group_with_its_text(lang: str) -> None:
    """The groups load lazily: the root help must not need their modules for its text."""
    done = subprocess.run(
        [sys.executable, "-m", "lou_library", "--lang", lang, "--help"],
        capture_output=True,
        text=True,
        env={**os.environ, **BASE_ENV},
        check=True,
    )
    listed = re.findall(r"^│ (\w+) +(\S.*?) *│$", done.stdout, flags=re.M)
    names = [name for name, _ in listed if not name.startswith("-")]
    assert sorted(set(names) & set(GROUPS)) == sorted(GROUPS)
    assert "@" not in done.stdout


def test_language_follows_lou_lang_and_the_locale(lou: Lou) -> None:
    assert "楼道图书角" in lou.ok("--help", env={"LOU_LANG": "zh"}).stdout
    assert "楼道图书角" in lou.ok("--help", env={"LANG": "zh_CN.UTF-8"}).stdout
    assert "Corridor" in lou.ok("--help", env={"LANG": "zh_CN.UTF-8", "LOU_LANG": "en"}).stdout


def test_errors_come_in_the_chosen_language(lou: Lou) -> None:
    run = lou("--lang", "zh", "info")
    assert run.exit_code == 1
    assert run.stderr.startswith("✗ 找不到数据库")


def test_version(lou: Lou) -> None:
    assert lou.ok("--version").stdout == f"lou-library {__version__}\n"


def test_usage_errors_exit_2(lou: Lou) -> None:
    assert lou("book", "add").exit_code == 2
    assert lou("--lang", "fr", "info").exit_code == 2
    assert lou("nonsense").exit_code == 2


def test_python_dash_m_and_the_alias_run_the_same_program(tmp_path: Any) -> None:
    env = {**BASE_ENV, "LOU_LIBRARY_DB": str(tmp_path / "x.json"), "PATH": ""}
    result = subprocess.run(
        [sys.executable, "-m", "lou_library", "--version"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 0
    assert result.stdout == f"lou-library {__version__}\n"
    result = subprocess.run(
        [sys.executable, "-m", "lou_library", "info"],
        check=False,
        capture_output=True,
        text=True,
        env=env,
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("✗ No database at")


def test_user_text_is_never_markup_or_escape_codes(small: Lou) -> None:
    small.ok("book", "add", "--title", "[bold red]x[/] \x1b[31mred")
    listing = small.ok("book", "list", "--text", "x").stdout
    assert "[bold red]x[/]" in listing
    assert "\x1b" not in listing


def test_json_output_is_the_only_thing_on_stdout(small: Lou) -> None:
    run = small.ok("book", "add", "--title", "新书", "--json")
    data = run.json()
    assert data["total"] == 1
    assert run.stderr == ""


def test_lang_may_come_after_the_command() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "lou_library", "task", "done", "--help", "--lang", "zh"],
        capture_output=True,
        text=True,
        env={**os.environ, **BASE_ENV},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].strip() == "用法: lou task done [OPTIONS] {TASK_ID}"
    assert hoist_lang(["book", "find", "x", "--lang=en", "--lang", "zh", "--", "--lang", "y"]) == [
        "--lang=en", "--lang", "zh", "book", "find", "x", "--", "--lang", "y",
    ]  # fmt: skip


def test_a_reader_that_stops_early_gets_no_error_message(tmp_path: Path) -> None:
    """`lou book list | head`: the pipe closes mid-output; lou stops quietly (exit 1, as
    Rich and Python's own advice have it), with no "Cannot use the file" message."""
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(tmp_path / "lou.json")}
    subprocess.run([sys.executable, "-m", "lou_library", "init", "--demo"], env=env, check=True,
                   capture_output=True)  # fmt: skip
    for args in (["book", "list", "--limit", "3000"], ["book", "list", "--limit", "3000", "--json"],
                 ["book", "--help"]):  # fmt: skip
        with subprocess.Popen(
            [sys.executable, "-m", "lou_library", *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as child:
            assert child.stdout is not None and child.stderr is not None
            child.stdout.close()  # before a line is read
            errors = child.stderr.read().decode()
            assert child.wait() == 1, args
        assert errors in ("", "More: add --offset 3000 for the next page.\n"), (args, errors)
