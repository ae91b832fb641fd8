"""Run the commands shown in the docs and keep what they print in the docs.

Usage::

    python docs/doctool.py            # rewrite the outputs in README.md and docs/*.md
    python docs/doctool.py --check    # exit 1 (with a diff) if a command fails or prints
                                      # something else than the docs say

Every Markdown file is one session: a fresh home folder (the database lives at its
default place, ``~/.local/share/lou-library/lou.json``), the files of ``docs/examples/``
copied into it, the clock pinned, and the language from the file name (``*.zh.md`` is
Chinese, anything else English). The fenced blocks are run in order:

* a ``console`` block holds ``$ lou ...`` lines, each followed by what it prints
  (stdout and stderr, as a terminal shows them). The tool writes the output; a person
  writes only the ``$`` lines. ``$ lou ... | head -n N`` keeps the first N lines.
  A command that should fail ends with ``# exit 1``; any other failure is an error.
  ``$ lou ... < FILE`` gives the command FILE (of the session's folder) as its standard
  input, as a barcode scanner would type it; otherwise standard input is empty.
* an ``sh`` block is a list of commands whose output is not shown: its ``lou`` lines
  are run and must succeed; other lines (pip, python) are skipped.

``VAR=value lou ...`` sets an environment variable for one command, as a shell does.
"""

from __future__ import annotations

import argparse
import difflib
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
EXAMPLES = DOCS / "examples"
NOW = "2026-11-24T09:30:00"
COLUMNS = 100
FENCE = re.compile(r"^```(console|sh)[ \t]*\n(.*?)^```[ \t]*$", re.M | re.S)
HEAD = re.compile(r"\|\s*head\s+-n\s*(\d+)\s*$")
STDIN = re.compile(r"<\s*(\S+)\s*$")
EXIT = re.compile(r"#\s*exit\s+(\d+)\s*$")


def shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


def documents() -> list[Path]:
    """The files whose commands are run: the README and every guide in docs/."""
    return [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]


class DocError(Exception):
    """A command in the docs did not do what the docs say."""


@dataclass
class Command:
    line: str  # as written after "$ "
    argv: list[str]
    env: dict[str, str]
    head: int | None
    exit_code: int
    stdin: str | None = None  # a file of the session's folder


def parse(line: str) -> Command:
    text = line
    expected = 0
    if match := EXIT.search(text):
        expected = int(match.group(1))
        text = text[: match.start()]
    head = None
    if match := HEAD.search(text):
        head = int(match.group(1))
        text = text[: match.start()]
    stdin = None
    if match := STDIN.search(text):
        stdin = match.group(1)
        text = text[: match.start()]
    words = shlex.split(text)
    env = {}
    while words and re.fullmatch(r"[A-Z_][A-Z0-9_]*=.*", words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    if not words or words[0] != "lou":
        raise DocError(f"not a lou command: {line!r}")
    return Command(line, words[1:], env, head, expected, stdin)


class Session:
    """One document's commands, run in order against one home folder."""

    def __init__(self, home: Path, lang: str) -> None:
        self.home = home
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("LOU_", "XDG_", "FORCE_COLOR", "COLUMNS", "LC_", "LANG"))
        }
        self.env.update(
            HOME=str(home),
            LOU_LANG=lang,
            LOU_NOW=NOW,
            COLUMNS=str(COLUMNS),
            NO_COLOR="1",
            LANG="C.UTF-8",
            PYTHONIOENCODING="utf-8",
            TERM="dumb",
        )
        if EXAMPLES.is_dir():
            for item in EXAMPLES.iterdir():
                shutil.copy2(item, home / item.name)

    def run(self, command: Command) -> str:
        typed = (self.home / command.stdin).read_bytes() if command.stdin else b""
        done = subprocess.run(
            [sys.executable, "-m", "lou_library", *command.argv],
            input=typed,
            cwd=self.home,
            env={**self.env, **command.env},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            timeout=300,
            check=False,
        )
        text = done.stdout.decode("utf-8")
        if done.returncode != command.exit_code:
            raise DocError(
                f"`{command.line}` exited {done.returncode}, expected {command.exit_code}:\n" + text
            )
        text = text.replace(str(self.home), "~")
        lines = [line.rstrip() for line in text.rstrip("\n").split("\n")]
        if command.head is not None:
            lines = lines[: command.head]
        return "\n".join(lines)


def _console(session: Session, body: str) -> str:
    out: list[str] = []
    for line in body.split("\n"):
        if line.startswith("$ "):
            command = parse(line[2:])
            out.append(line)
            printed = session.run(command)
            if printed:
                out.append(printed)
    return "\n".join(out) + "\n"


LOU_LINE = re.compile(r"^(?:[A-Z_][A-Z0-9_]*=\S*\s+)*lou(?:\s|$)")


def _sh(session: Session, body: str) -> None:
    for raw in body.split("\n"):
        line = raw.split("  #")[0].strip()  # a trailing comment after two spaces
        if LOU_LINE.match(line):  # `lou ...`, or `VAR=value lou ...`
            session.run(parse(line))


def render(path: Path) -> str:
    """The document with every console block's output as the commands print it now."""
    source = path.read_text(encoding="utf-8")
    lang = "zh" if path.name.endswith(".zh.md") else "en"
    with tempfile.TemporaryDirectory(prefix="lou-docs-") as tmp:
        session = Session(Path(tmp), lang)
        pieces: list[str] = []
        last = 0
        for match in FENCE.finditer(source):
            kind, body = match.group(1), match.group(2)
            pieces.append(source[last : match.start(2)])
            try:
                if kind == "console":
                    pieces.append(_console(session, body))
                else:
                    _sh(session, body)
                    pieces.append(body)
            except DocError as err:
                raise DocError(f"{shown(path)}: {err}") from None
            last = match.end(2)
        pieces.append(source[last:])
    return "".join(pieces)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 on drift")
    parser.add_argument("files", nargs="*", type=Path, help="default: README.md and docs/*.md")
    args = parser.parse_args(argv)
    status = 0
    for path in [p.resolve() for p in args.files] or documents():
        try:
            fresh = render(path)
        except DocError as err:
            print(err, file=sys.stderr)
            status = 1
            continue
        current = path.read_text(encoding="utf-8")
        if fresh == current:
            continue
        if args.check:
            name = shown(path)
            diff = difflib.unified_diff(
                current.splitlines(), fresh.splitlines(), name, name + " (now)", lineterm=""
            )
            print("\n".join(diff), file=sys.stderr)
            status = 1
        else:
            path.write_text(fresh, encoding="utf-8")
            print(f"updated {shown(path)}", file=sys.stderr)
    return status


if __name__ == "__main__":
    sys.exit(main())
