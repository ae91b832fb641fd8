"""Shell completion: the scripts, their installation, and the candidates a shell gets."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from lou_library.cli import completion, main, typer_compat
from lou_library.cli.base import prepare
from tests.conftest import BASE_ENV, Lou


def _candidates(lou: Lou, shell: str, line: str, lang: str = "en") -> str:
    """What lou answers a completion script that asks about ``line`` (cursor at its end)."""
    words = line.split(" ")
    env = {"_LOU_COMPLETE": f"complete_{shell}", "LOU_LANG": lang}
    if shell == "bash":
        env |= {"COMP_WORDS": line, "COMP_CWORD": str(len(words) - 1)}
    else:
        env |= {"_TYPER_COMPLETE_ARGS": line, "_TYPER_COMPLETE_FISH_ACTION": "get-args"}
    run = lou(env=env)
    assert run.exit_code == 0, run.stderr
    return run.stdout


def test_bash_gets_command_names_options_and_choices(lou: Lou) -> None:
    assert _candidates(lou, "bash", "lou bo") == "box\nbook\n"
    assert (
        _candidates(lou, "bash", "lou rotate ")
        == "plan\napply\nundo\nredate\nstatus\nhistory\nsimulate\nsettings\n"
    )
    assert _candidates(lou, "bash", "lou book add --ti") == "--title\n"
    assert _candidates(lou, "bash", "lou site add --kind ") == "compound\nyard\n"
    assert _candidates(lou, "bash", "lou --lang ") == "zh\nen\n"
    assert _candidates(lou, "bash", "lou --sh") == "--show-completion\n"


def test_zsh_and_fish_get_each_candidate_with_its_help_in_the_language(lou: Lou) -> None:
    assert _candidates(lou, "fish", "lou bo") == (
        "box\tBoxes: the book boxes in the stairwells.\n"
        "book\tBooks: one record per copy, each with its...\n"
    )
    assert _candidates(lou, "zsh", "lou site add --k", lang="zh") == (
        '_arguments \'*: :(("--kind":"类型：小区（compound）或 楼院（yard），中英文均可。"))\'\n'
    )


FISH = (
    'complete --command lou --no-files --arguments "(env _LOU_COMPLETE=complete_fish '
    '_TYPER_COMPLETE_FISH_ACTION=get-args _TYPER_COMPLETE_ARGS=(commandline -cp) lou)" '
    '--condition "env _LOU_COMPLETE=complete_fish _TYPER_COMPLETE_FISH_ACTION=is-args '
    '_TYPER_COMPLETE_ARGS=(commandline -cp) lou"'
)


@pytest.mark.parametrize(
    ("shell", "first", "last"),
    [
        ("bash", "_lou_completion() {", "complete -o default -F _lou_completion lou"),
        ("zsh", "#compdef lou", "compdef _lou_completion lou"),
        ("fish", FISH, FISH),
        ("powershell", "Import-Module PSReadLine",
         "Register-ArgumentCompleter -Native -CommandName lou -ScriptBlock $scriptblock"),
    ],
)  # fmt: skip
def test_show_completion_prints_the_script_of_the_named_shell(
    lou: Lou, shell: str, first: str, last: str
) -> None:
    script = lou.ok("--show-completion", shell).stdout
    lines = script.splitlines()
    assert (lines[0], lines[-1]) == (first, last), script
    assert f"_LOU_COMPLETE=complete_{shell}" in script or shell == "powershell", script


def _lou_on_path(tmp_path: Path) -> dict[str, str]:
    """A ``lou`` program on PATH that runs this checkout's lou with this Python."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    program = bin_dir / "lou"
    program.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m lou_library "$@"\n')
    program.chmod(program.stat().st_mode | stat.S_IXUSR)
    return {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}


def test_bash_completes_through_the_installed_script(tmp_path: Path) -> None:
    """What a user gets: install, start bash with the rc file, press Tab after ``lou bo``."""
    env = {**os.environ, **BASE_ENV, **_lou_on_path(tmp_path), "HOME": str(tmp_path)}
    env["LOU_LIBRARY_DB"] = str(tmp_path / "lou.json")
    done = subprocess.run(
        ["lou", "--install-completion", "bash"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    script = tmp_path / ".bash_completions" / "lou.sh"
    assert done.stderr == (
        f"✓ Installed bash completion in {script}. It works in terminals opened from now on.\n"
    )
    shown = subprocess.run(
        ["lou", "--show-completion", "bash"], env=env, capture_output=True, text=True, check=False
    )
    assert script.read_text().strip() == shown.stdout.strip() != ""
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    pressed = (
        "source ~/.bashrc\n"
        'for line in "lou bo" "lou book add --ti" "lou site add --kind "; do\n'
        '  read -ra COMP_WORDS <<< "$line"; [[ $line == *" " ]] && COMP_WORDS+=("")\n'
        "  COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _lou_completion lou\n"
        '  echo "${COMPREPLY[*]}"\n'
        "done\n"
    )
    tab = subprocess.run(
        ["bash", "--norc", "-c", pressed], env=env, capture_output=True, text=True, check=True
    )
    assert tab.stdout == "box book\n--title\ncompound yard\n", tab.stderr


def test_install_completion_writes_zsh_and_fish_files(lou: Lou, tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path)}
    zsh = lou.ok("--lang", "zh", "--install-completion", "zsh", env=env)
    assert zsh.stderr == (
        f"✓ 已为 zsh 安装命令补全：{tmp_path / '.zfunc' / '_lou'}。新开的终端里生效。\n"
    )
    assert (tmp_path / ".zfunc" / "_lou").read_text().startswith("#compdef lou")
    assert "compinit" in (tmp_path / ".zshrc").read_text()
    lou.ok("--install-completion", "fish", env=env)
    fish = tmp_path / ".config" / "fish" / "completions" / "lou.fish"
    assert fish.read_text() == lou.ok("--show-completion", "fish").stdout


def test_an_unknown_shell_is_a_usage_error_in_both_languages(lou: Lou, tmp_path: Path) -> None:
    english = lou("--show-completion", "tcsh")
    assert english.exit_code == 2
    assert "lou has no completion for tcsh; choose one of bash, zsh, fish, powershell, pwsh" in (
        " ".join(english.stderr.replace("│", " ").split())
    )
    chinese = lou("--lang", "zh", "--install-completion", "tcsh", env={"HOME": str(tmp_path)})
    assert chinese.exit_code == 2
    assert "lou 不支持为 tcsh 补全命令" in chinese.stderr
    assert list(tmp_path.iterdir()) == []


def test_without_a_shell_the_current_one_is_used(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(typer_compat, "detect_shell", lambda: "fish")
    with pytest.raises(SystemExit) as done:
        main(["--show-completion"])
    assert done.value.code == 0
    assert capsys.readouterr().out == typer_compat.completion_script("lou", "fish") + "\n"
    monkeypatch.setattr(typer_compat, "detect_shell", lambda: None)
    with pytest.raises(SystemExit) as done:
        main(["--lang", "en", "--show-completion", "--db", "x.json"])
    assert done.value.code == 1
    assert capsys.readouterr().err == (
        "✗ Cannot tell which shell this is; name it, for example --show-completion bash.\n"
    )
    monkeypatch.setattr(typer_compat, "detect_shell", lambda: "tcsh")
    with pytest.raises(SystemExit) as done:
        main(["--lang", "zh", "--install-completion"])
    assert done.value.code == 1
    assert capsys.readouterr().err == (
        "✗ lou 不支持为 tcsh 补全命令；可选：bash, zsh, fish, powershell, pwsh。\n"
    )
    prepare([])  # main() chose Chinese for this process


def test_an_option_left_without_a_shell_gets_an_empty_one() -> None:
    fill = completion.optional_shell
    assert fill(["--install-completion"]) == ["--install-completion="]
    assert fill(["--show-completion", "--lang", "zh"]) == ["--show-completion=", "--lang", "zh"]
    assert fill(["--show-completion", "zsh"]) == ["--show-completion", "zsh"]
    assert fill(["--show-completion", "--install-completion"]) == [
        "--show-completion=", "--install-completion=",
    ]  # fmt: skip
    assert fill(["--db", "--x.json", "--show-completion"]) == [
        "--db", "--x.json", "--show-completion=",
    ]  # fmt: skip
    for args in (
        ["task", "done", "--", "--show-completion"],
        ["book", "add", "--title", "--show-completion"],  # a title, not lou's option
        ["--", "--show-completion"],
    ):
        assert fill(args) == args
