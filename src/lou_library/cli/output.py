"""The only place that prints. Rich tables and messages for people, JSON for scripts.

Records reach the terminal as :class:`rich.text.Text`, never as markup, so a title such
as ``[bold]x`` prints literally; control characters are replaced too, so a title cannot
smuggle a terminal escape sequence. ``--json`` writes one document to stdout and nothing
else; messages always go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Sequence
from typing import Any

import orjson
from rich.console import Console
from rich.table import Table
from rich.text import Text

from lou_library.text import BIDI_CONTROLS

# C0 and C1 controls (U+009B is a one-byte CSI: an escape sequence without ESC) and the
# bidi controls that can make a table say something else than its data.
_CONTROL = dict.fromkeys(
    (*range(0, 9), 11, 12, *range(14, 32), *range(0x7F, 0xA0), *map(ord, BIDI_CONTROLS)), "�"
)


def stdout() -> Console:
    return Console(highlight=False, soft_wrap=False)


def stderr() -> Console:
    return Console(stderr=True, highlight=False, soft_wrap=True)


def safe(value: object) -> Text:
    """User text as plain Text: no markup, no control characters."""
    if isinstance(value, bool):
        return Text("✓" if value else "")
    return Text(plain(value))


def plain(value: object) -> str:
    """Text fit for a terminal: control characters replaced, undecodable bytes escaped."""
    if value is None:
        return ""
    text = str(value).translate(_CONTROL)
    if any("\ud800" <= ch <= "\udfff" for ch in text):  # bytes that were not UTF-8
        text = text.encode("utf-8", "backslashreplace").decode("utf-8")
    return text


def error(message: str, details: Sequence[str] = ()) -> None:
    console = stderr()
    console.print(Text.assemble(("✗ ", "bold red"), plain(message)))
    for line in details:
        console.print(Text("  " + plain(line)))


def warn(message: str) -> None:
    stderr().print(Text.assemble(("! ", "bold yellow"), plain(message)))


def done(message: str) -> None:
    stderr().print(Text.assemble(("✓ ", "bold green"), plain(message)))


def note(message: str) -> None:
    stderr().print(Text(plain(message), style="dim"))


def emit_json(document: Any) -> None:
    payload = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    sys.stdout.write(payload.decode("utf-8") + "\n")
    sys.stdout.flush()


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    caption: str | None = None,
    right: Iterable[int] = (),
    keep: Iterable[int] = (),
) -> Table:
    """A table of records; ``right`` lists the columns of numbers, ``keep`` those never
    folded (file names, dates): the other columns fold instead."""
    numbers = set(right)
    whole = set(keep)
    result = Table(
        title=safe(title) if title else None,
        caption=safe(caption) if caption else None,
        show_lines=False,
        header_style="bold",
    )
    for i, header in enumerate(headers):
        result.add_column(
            header,
            justify="right" if i in numbers else "left",
            overflow="fold",
            no_wrap=i in whole,
        )
    for row in rows:
        result.add_row(*(safe(cell) for cell in row))
    return result


def print_table(renderable: Table) -> None:
    stdout().print(renderable)


def key_values(pairs: Sequence[tuple[str, object]], title: str | None = None) -> Table:
    """A two-column table for one record (``show``, ``info``)."""
    result = Table(
        title=safe(title) if title else None, show_header=False, box=None, padding=(0, 2, 0, 0)
    )
    result.add_column(style="bold")
    result.add_column(overflow="fold")
    for key, value in pairs:
        result.add_row(Text(key), safe(value))
    return result


def size_text(n: int) -> str:
    """A file size as people read it: 1.9 MB, 12.5 KB."""
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n / 1024:.1f} KB"
