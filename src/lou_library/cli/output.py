"""The only place that prints. Rich tables and messages for people, JSON for scripts.

Records reach the terminal as :class:`rich.text.Text`, never as markup, so a title such
as ``[bold]x`` prints literally; control characters are replaced too, so a title cannot
smuggle a terminal escape sequence. ``--json`` writes one document to stdout and nothing
else; messages always go to stderr.
"""

from __future__ import annotations

import codecs
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

import orjson
from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.table import Table
from rich.text import Text

from lou_library.text import BIDI_CONTROLS

# C0 and C1 controls (U+009B is a one-byte CSI: an escape sequence without ESC) and the
# bidi controls that can make a table say something else than its data.
_CONTROL = dict.fromkeys(
    (*range(0, 9), 11, 12, *range(14, 32), *range(0x7F, 0xA0), *map(ord, BIDI_CONTROLS)), "�"
)

R = TypeVar("R")


# ------------------------------------------------- consoles that are not UTF-8

# Characters a console's encoding may lack, and stand-ins tried in turn (GBK has √ and ×).
STAND_INS = {
    "✓": ("√", "v"),
    "✗": ("×", "x"),
    "☐": ("□", "[ ]"),
    "⚠": ("※", "!"),
    "→": ("->",),
    "←": ("<-",),
    "…": ("...",),
    "·": ("-",),
}
_escaped: set[str] = set()  # the encodings that could not show some characters


def _stand_in(exc: UnicodeError) -> tuple[str, int]:
    """Encode-error handler: a stand-in the encoding has, else a ``\\uXXXX`` escape."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = []
    for ch in exc.object[exc.start : exc.end]:
        for candidate in STAND_INS.get(ch, ()):
            try:
                candidate.encode(exc.encoding)
            except UnicodeEncodeError:
                continue
            out.append(candidate)
            break
        else:
            _escaped.add(exc.encoding)
            out.append(ch.encode("ascii", "backslashreplace").decode("ascii"))
    return "".join(out), exc.end


codecs.register_error("lou.stand_in", _stand_in)


def adapt_streams() -> None:
    """On a console that is not UTF-8 (``PYTHONIOENCODING=latin-1``, a GBK Windows
    console), print what it can show instead of failing on the first Chinese character:
    stand-ins for a few symbols, ``\\uXXXX`` for the rest (see :func:`say_escaped`)."""
    for stream in (sys.stdout, sys.stderr):
        encoding = getattr(stream, "encoding", None)
        reconfigure = getattr(stream, "reconfigure", None)
        if not encoding or reconfigure is None:
            continue
        try:
            utf = codecs.lookup(encoding).name.startswith("utf")
        except LookupError:
            utf = False
        if not utf:
            reconfigure(errors="lou.stand_in")


def say_escaped() -> None:
    """Once per run: some characters were written as escapes, and what to do about it."""
    if not _escaped:
        return
    from lou_library import messages as M

    encoding = ", ".join(sorted(_escaped))
    _escaped.clear()
    text = M.CONSOLE_ESCAPED(encoding=encoding)
    try:
        text.encode(getattr(sys.stderr, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = M.CONSOLE_ESCAPED.render("en", encoding=encoding)
    note(text)
    _escaped.clear()  # the note itself escapes nothing worth a second note


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


# ---------------------------------------------------------------- progress

PROGRESS_ENV = "LOU_PROGRESS"
"""``LOU_PROGRESS=1`` shows progress even when stderr is not a terminal (tests, a
terminal that is not detected), ``0`` never shows it; unset: when stderr is a terminal."""


class Progress:
    """Progress of long work on stderr, only when stderr is a terminal and never with
    ``--json``; it disappears when the work ends, so what stays is the command's output.

    ``advance()`` once an item is done (a label, a round), ``stage()`` for work done in
    steps without a count (reading a file, saving).
    """

    def __init__(self, description: str, total: int | None = None, *, json: bool = False):
        self.description = description
        self.total = total
        self.shown = progress_wanted(json)
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        if self.shown:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )
            from rich.progress import Progress as Bar

            forced = os.environ.get(PROGRESS_ENV) == "1"
            console = Console(stderr=True, highlight=False, force_terminal=forced or None)
            columns: list[Any] = [SpinnerColumn(), TextColumn("{task.description}")]
            if self.total is not None:
                columns += [BarColumn(), MofNCompleteColumn()]
            self._bar = Bar(*columns, TimeElapsedColumn(), console=console, transient=True)
            self._bar.start()
            self._task = self._bar.add_task(plain(self.description), total=self.total)
        return self

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.advance(self._task, n)

    def stage(self, description: str) -> None:
        if self._bar is not None:
            self._bar.update(self._task, description=plain(description))

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None


def progress_wanted(json: bool = False) -> bool:
    if json:
        return False
    forced = os.environ.get(PROGRESS_ENV, "").strip()
    if forced in ("0", "1"):
        return forced == "1"
    isatty = getattr(sys.stderr, "isatty", None)
    return bool(isatty and isatty())


def show(result: R, json: bool, human: Callable[[R], object]) -> None:
    """The one way a command shows its result: ``--json`` prints the result itself (the
    same bytes whatever the language), otherwise ``human`` renders it for people (a table,
    a line saying what was done). The result is what the rule returned: codes and data,
    never sentences."""
    if json:
        emit_json(result)
    else:
        human(result)


def emit_json(document: Any) -> None:
    payload = orjson.dumps(document, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
    binary = getattr(sys.stdout, "buffer", None)
    if binary is not None and os.linesep == "\n" and _writes_utf8(sys.stdout):
        # the very bytes the text would be, without making it (a county's plan is 200 MB
        # of JSON: as text, with its copies, it took 1 GB)
        sys.stdout.flush()
        binary.write(payload)
        binary.write(b"\n")
        binary.flush()
        return
    text = payload.decode("utf-8")
    if not _can_encode(sys.stdout, text):  # JSON's own escapes: the same document
        text = _NON_ASCII.sub(_json_escape, text)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


# Columns narrower than this fold; wider ones keep their width.
FOLD_WIDTH = 8
# An ASCII run longer than this (a URL, a pasted note) may fold; codes, dates and numbers
# are far shorter and never do.
LONGEST_TOKEN = 24
_TOKEN = re.compile(r"[!-~]+")  # printable ASCII without spaces: codes, dates, numbers


class FittedTable:
    """A table of records that fits the screen it is printed on.

    Numbers, codes and dates (any run of ASCII without spaces) never break over two lines;
    text folds instead. When even that is too wide, the columns named in ``drop`` are
    left out, the least useful first, and the caption says which ones (``--json`` and the
    file formats always have every column). The layout is made when the table is printed,
    for the width of that console.
    """

    def __init__(
        self,
        headers: Sequence[str],
        *,
        title: str | None,
        caption: str | None,
        right: Iterable[int],
        keep: Iterable[int],
        drop: Sequence[int],
        empty: str | None = None,
    ) -> None:
        self.headers = list(headers)
        self.empty = empty
        self.title = title
        self.caption = caption
        self.right = set(right)
        self.keep = set(keep)
        self.drop = list(drop)
        self.rows: list[tuple[list[Text], str | None, bool]] = []  # cells, style, new section

    def add_row(self, *cells: Text, style: str | None = None) -> None:
        self.rows.append((list(cells), style, False))

    def add_section(self) -> None:
        if self.rows:
            cells, style, _ = self.rows[-1]
            self.rows[-1] = (cells, style, True)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        shown, widths = self.layout(console, options.max_width)
        yield self._table(shown, widths, self.rows)

    def _table(
        self,
        shown: list[int],
        widths: dict[int, int],
        rows: Sequence[tuple[list[Text], str | None, bool]],
    ) -> Table:
        """The Rich table of these rows, laid out (:meth:`layout`)."""
        hidden = [self.headers[i] for i in range(len(self.headers)) if i not in shown]
        caption = self.caption
        if hidden:
            from lou_library import messages as M

            note = M.COLUMNS_HIDDEN(columns=M.LIST_SEPARATOR().join(hidden))
            caption = f"{caption}\n{note}" if caption else note
        result = Table(
            title=safe(self.title) if self.title else None,
            caption=safe(caption) if caption else None,
            show_lines=False,
            header_style="bold",
        )
        for i in shown:
            result.add_column(
                self.headers[i],
                justify="right" if i in self.right else "left",
                overflow="fold",
                no_wrap=i in self.keep,
                width=widths[i],
            )
        for cells, style, section in rows:
            result.add_row(*(cells[i] for i in shown), style=style, end_section=section)
        return result

    def plain_lines(self, console: Console) -> list[str] | None:
        """The table as a console without colours prints it, made here from each cell's
        lines as Rich wraps them (a round of 7,080 walks: Rich's table takes seconds to
        draw them); None when a cell has a style or the row is one of a section, or when
        the lines Rich draws around an empty row and for the first row, and the first
        that takes several lines, are not these (then Rich prints it)."""
        shown, widths = self.layout(console, console.width)
        columns = [(widths[i], i in self.right, i in self.keep) for i in shown]
        rows = []
        for cells, _, section in self.rows:
            lines = self._plain_row(console, [cells[i] for i in shown], columns)
            if lines is None or section:
                return None
            rows.append(lines)
        blank = self._plain_row(console, [Text("") for _ in shown], columns)
        if not rows or blank is None:
            return None
        around = self._drawn(console, shown, widths, [Text("") for _ in self.headers])
        if around.count(blank[0]) != 1:
            return None
        at = around.index(blank[0])
        taller = next((n for n, lines in enumerate(rows) if len(lines) > 1), 0)
        for n in {0, taller}:
            drawn = self._drawn(console, shown, widths, self.rows[n][0])
            if drawn != [*around[:at], *rows[n], *around[at + 1 :]]:
                return None
        return [*around[:at], *(line for lines in rows for line in lines), *around[at + 1 :]]

    def _drawn(
        self, console: Console, shown: list[int], widths: dict[int, int], cells: list[Text]
    ) -> list[str]:
        """The lines Rich draws for the table with this one row."""
        with console.capture() as captured:
            console.print(self._table(shown, widths, [(cells, None, False)]))
        return captured.get().split("\n")

    @staticmethod
    def _plain_row(
        console: Console, cells: list[Text], columns: list[tuple[int, bool, bool]]
    ) -> list[str] | None:
        """One row's lines: each cell wrapped in its column as Rich wraps it (None: a cell
        with a style)."""
        wrapped = []
        for cell, (width, right, keep) in zip(cells, columns, strict=True):
            if cell.spans or cell.style or cell.justify or cell.overflow or cell.no_wrap:
                return None
            text = cell.plain
            size = cell_len(text)
            if size <= width and "\n" not in text and "\t" not in text:  # as Rich: no break
                stripped = text.rstrip() if right else text
                size = cell_len(stripped)
                texts = [" " * (width - size) + stripped if right else text]
            else:
                lines = cell.wrap(
                    console,
                    width,
                    justify="right" if right else "left",
                    overflow="fold",
                    tab_size=console.tab_size or 8,
                    no_wrap=keep,
                )
                texts = [line.plain for line in lines]
            if any(cell_len(text) > width for text in texts):
                return None
            wrapped.append([text + " " * (width - cell_len(text)) for text in texts])
        height = max(len(lines) for lines in wrapped)
        blank = [" " * width for width, _, _ in columns]
        return [
            "│ "
            + " │ ".join(
                lines[k] if k < len(lines) else blank[j] for j, lines in enumerate(wrapped)
            )
            + " │"
            for k in range(height)
        ]

    def layout(self, console: Console, width: int) -> tuple[list[int], dict[int, int]]:
        """The columns shown and their widths (without padding) for a screen ``width``."""
        count = len(self.headers)
        heads = [_header_width(h) for h in self.headers]
        widest = [0] * count  # the widest cell
        token = [0] * count  # the widest code, date or number
        for cells, _, _ in self.rows:
            for i, cell in enumerate(cells):
                widest[i] = max(widest[i], _width(cell))
                token[i] = max(token[i], _token_width(cell))
        natural = [max(_width(Text(h)), w) for h, w in zip(self.headers, widest, strict=True)]
        least = [
            max(heads[i], widest[i])
            if self._unbroken(i)
            else max(heads[i], token[i], min(widest[i], FOLD_WIDTH))
            for i in range(count)
        ]
        shown = self._columns_shown(least, heads, widest, token, width)
        widths = _level(shown, natural, least, _room(width, shown))
        for i in shown:  # a folded header over numbers: lines as even as they go
            if widths[i] < natural[i] and self._unbroken(i):
                widths[i] = _even(self.headers[i], widths[i], max(widest[i], heads[i]))
        return shown, widths

    def _unbroken(self, i: int) -> bool:
        """Column ``i`` never folds its cells (numbers, or a column kept whole)."""
        return i in self.keep or i in self.right

    def _columns_shown(
        self, least: list[int], heads: list[int], widest: list[int], token: list[int], width: int
    ) -> list[int]:
        """The columns that fit ``width``: the ``drop`` columns go first, then text folds
        further (``least`` narrows in place), then the last columns go."""
        shown = list(range(len(self.headers)))

        def fits() -> bool:
            return sum(least[j] for j in shown) <= _room(width, shown)

        for i in self.drop:
            if fits():
                break
            if i in shown and len(shown) > 1:
                shown.remove(i)
        if not fits():  # still too wide: text folds further,
            for i in shown:  # then headers fold to a character a line
                if not self._unbroken(i):
                    least[i] = min(least[i], max(heads[i], token[i]))
        if not fits():
            for i in shown:
                chars = max((cell_len(ch) for ch in self.headers[i]), default=1)
                least[i] = max(chars, widest[i] if self._unbroken(i) else token[i])
        for i in reversed(shown[1:]):  # a last resort: a number never breaks
            if fits():
                break
            shown.remove(i)
        return shown


def _room(width: int, shown: Sequence[int]) -> int:
    """Width for the cells: borders and padding take 3 a column, plus 1."""
    return width - 3 * len(shown) - 1


def _level(
    shown: Sequence[int], natural: Sequence[int], least: Sequence[int], room: int
) -> dict[int, int]:
    """Level the widest columns down until the table fits (Rich's own way), never below a
    column's least width; then hand out what is left, left to right."""
    widths = {i: natural[i] for i in shown}
    level = max(widths.values(), default=0)
    while sum(widths.values()) > room and level > 0:
        level -= 1
        widths = {i: max(least[i], min(natural[i], level)) for i in shown}
        if all(widths[i] == least[i] for i in shown):
            break
    spare = room - sum(widths.values())
    for i in shown:  # the integer remainder, left to right
        if spare <= 0:
            break
        grow = min(spare, natural[i] - widths[i])
        widths[i] += grow
        spare -= grow
    return widths


def _width(text: Text) -> int:
    return max((cell_len(line) for line in text.plain.split("\n")), default=0)


def _token_width(text: Text) -> int:
    return min(max((cell_len(t) for t in _TOKEN.findall(text.plain)), default=0), LONGEST_TOKEN)


def _header_width(header: str) -> int:
    """The narrowest a header may be: two lines at most, its English words whole, and
    never narrower than one of its characters (a Chinese character is two cells wide)."""
    full = cell_len(header)
    least = max((cell_len(ch) for ch in header), default=1)
    least = max(least, _token_width(Text(header)))  # English words stay whole
    for candidate in range(least, full + 1):
        if len(Text(header).wrap(_MEASURE, candidate, overflow="fold")) <= 2:
            return candidate
    return full


_MEASURE = Console(width=1000, file=io.StringIO())


def _lines(header: str, width: int) -> int:
    return len(Text(header).wrap(_MEASURE, width, overflow="fold"))


def _even(header: str, width: int, least: int) -> int:
    """The narrowest width from ``least`` up to ``width`` at which ``header`` takes no more
    lines than at ``width`` ("已过/轮次" rather than "已过轮/次")."""
    lines = _lines(header, width)
    return next((w for w in range(max(least, 1), width) if _lines(header, w) <= lines), width)


_NON_ASCII = re.compile(r"[^\x00-\x7f]")


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x10000:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def _writes_utf8(stream: Any) -> bool:
    try:
        return codecs.lookup(getattr(stream, "encoding", None) or "utf-8").name == "utf-8"
    except LookupError:
        return False


def _can_encode(stream: Any, text: str) -> bool:
    try:
        text.encode(getattr(stream, "encoding", None) or "utf-8")
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def table(
    headers: Sequence[str],
    rows: Iterable[Sequence[object]],
    *,
    title: str | None = None,
    caption: str | None = None,
    right: Iterable[int] = (),
    keep: Iterable[int] = (),
    drop: Sequence[int] = (),
    empty: str | None = None,
) -> FittedTable:
    """A table of records; ``right`` lists the columns of numbers (never folded), ``keep``
    other columns never folded, ``drop`` the columns a narrow screen may leave out, the
    least useful first. Numbers, codes and dates inside any column never break. A table
    without rows prints the sentence ``empty`` instead (by default: nothing matches)."""
    result = FittedTable(
        headers, title=title, caption=caption, right=right, keep=keep, drop=drop, empty=empty
    )
    for row in rows:
        result.add_row(*(safe(cell) for cell in row))
    return result


def print_table(renderable: FittedTable) -> None:
    """The table, or when it has no rows a sentence saying so in its place (on stdout,
    like the table): never an empty table."""
    if renderable.rows:
        console = stdout()
        lines = None if console.color_system else renderable.plain_lines(console)
        if lines is None:
            console.print(renderable)
        else:
            console.file.write("\n".join(lines))
    else:
        from lou_library import messages as M

        stdout().print(safe(renderable.empty or M.NOTHING_FOUND()))


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
