"""Draw the pictures in docs/img/ from the real commands, so they can be redrawn.

Usage::

    python docs/screens.py

Each terminal picture runs one ``lou`` command on the demo network (Chinese, 100
columns, colours on), reads its ANSI output back with Rich and saves it with Rich's
``Console.export_svg``. The printable HTML report is photographed with a headless
Chromium when one is installed; without it that picture is left as it is (and the
script says so). So is a label sheet: printed to PDF by Chromium and turned into a PNG
by pdftoppm (poppler-utils), to show that the labels' text stays in its box on paper.
The clock is pinned as in the guides, so the pictures change only when the output does.
"""

from __future__ import annotations

import html
import io
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.cells import cell_len
from rich.console import Console
from rich.text import Text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import doctool

IMG = doctool.DOCS / "img"
# (file, window title, command line as in the guides, lines kept)
TERMINAL = [
    ("demo.svg", "lou demo", "lou demo", 60),
    ("plan.svg", "lou rotate plan", "lou rotate plan", 40),
    ("tasks.svg", "lou task list --volunteer 王秀兰", "lou task list --volunteer 王秀兰", 34),
    ("inventory.svg", "lou report inventory", "lou report inventory", 60),
]
# `lou demo` works in a fresh temporary file; its random name is drawn as ******** .
DEMO_TMP = re.compile(r"(lou-demo-)\w{8}")
# Rich 15 sizes each <text> by len(text), not by terminal cells, so a Chinese run is
# squeezed into half its width, and a line mixing Chinese and Latin drifts. Each text is
# cut into runs of wide and of narrow characters, each placed at its own cell.
SVG_TEXT = re.compile(
    r'<text ([^>]*?)x="([0-9.]+)"([^>]*?)textLength="[0-9.]+"([^>]*)>([^<]*)</text>'
)
CHAR_WIDTH = 20 * 0.61  # Rich's default font size times its font aspect ratio


def _fit_cjk(svg: str) -> str:
    def fit(match: re.Match[str]) -> str:
        before, x, between, after, content = match.groups()
        cell = round(float(x) / CHAR_WIDTH)
        runs = [run for run in re.split(r"([^\x00-\u10ff]+)", html.unescape(content)) if run]
        tags = []
        for run in runs:
            cells = cell_len(run)
            tags.append(
                f'<text {before}x="{round(cell * CHAR_WIDTH, 1)}"{between}'
                f'textLength="{round(cells * CHAR_WIDTH, 1)}"{after}>'
                f"{html.escape(run, quote=False).replace(' ', '&#160;')}</text>"
            )
            cell += cells
        return "".join(tags)

    return SVG_TEXT.sub(fit, svg)


def terminal_svg(session: doctool.Session, title: str, line: str, keep: int) -> str:
    command = doctool.parse(line)
    command.env.update(FORCE_COLOR="1", NO_COLOR="", TERM="xterm-256color")
    output = session.run(command)
    output = DEMO_TMP.sub(lambda m: m.group(1) + "*" * 8, output)
    lines = output.split("\n")[:keep]
    console = Console(record=True, width=doctool.COLUMNS, file=io.StringIO())
    console.print(Text.from_ansi("\n".join(lines)))  # long lines wrap, as in a terminal
    return _fit_cjk(console.export_svg(title=title))


def html_png(session: doctool.Session, target: Path) -> str:
    names = ("chromium", "chromium-browser", "google-chrome")
    browser = next((shutil.which(b) for b in names if shutil.which(b)), None)
    if browser is None:
        return f"skipped {target.name}: no Chromium found; the old picture is kept"
    page = session.home / "盘点.html"
    session.run(doctool.parse(f"lou report inventory --format html --output {page.name}"))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--user-data-dir={profile}", "--window-size=1000,1300",
                f"--screenshot={target}", page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )  # fmt: skip
    return f"wrote {target.relative_to(doctool.ROOT)}"


CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip


def labels_png(session: doctool.Session, target: Path) -> str:
    """The top of a printed sheet of book labels: a long title, a short one, box labels."""
    names = ("chromium", "chromium-browser", "google-chrome")
    browser = next((shutil.which(b) for b in names if shutil.which(b)), None)
    if browser is None or shutil.which("pdftoppm") is None:
        return f"skipped {target.name}: needs Chromium and pdftoppm; the old picture is kept"
    title = "中华人民共和国社区图书角建设与管理实务手册（修订第三版）"
    session.run(doctool.parse(f"lou book add --title {title} --author 社区图书角编写组"))
    page = session.home / "标签.html"
    session.run(doctool.parse(f"lou labels books --only B00001,B00002,B03110 -o {page.name}"))
    with tempfile.TemporaryDirectory() as profile:
        pdf = Path(profile) / "labels.pdf"
        subprocess.run(
            [browser, *CHROMIUM_FLAGS, f"--user-data-dir={profile}/p", "--no-pdf-header-footer",
             f"--print-to-pdf={pdf}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        subprocess.run(  # the first row of labels, at 200 dpi
            ["pdftoppm", "-png", "-singlefile", "-r", "200", "-f", "1", "-l", "1", "-x", "0",
             "-y", "0", "-W", "1654", "-H", "320", str(pdf), str(target.with_suffix(""))],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return f"wrote {target.relative_to(doctool.ROOT)}"


def certificate_png(session: doctool.Session, target: Path) -> str:
    """A certificate of service as the browser shows it (A4, the top of the page)."""
    names = ("chromium", "chromium-browser", "google-chrome")
    browser = next((shutil.which(b) for b in names if shutil.which(b)), None)
    if browser is None:
        return f"skipped {target.name}: no Chromium found; the old picture is kept"
    for line in (
        "lou task done 5 --hours 2.5",
        "lou volunteer service 王秀兰 --date 2026-04-23 --hours 3 --what 世界读书日活动 --site SHY",
        "lou volunteer edit 王秀兰 --id-number 11010519491231002X",
        "lou settings set org.name 紫荆路街道综合文化站",
        "lou settings set org.head 张主任",
        "lou settings set org.handler 郭晓燕",
        "lou settings set org.contact 0371-12345678",
    ):
        session.run(doctool.parse(line))
    page = session.home / "证明.html"
    session.run(doctool.parse(f"lou volunteer certificate 王秀兰 --output {page.name}"))
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [browser, *CHROMIUM_FLAGS, "--hide-scrollbars", f"--user-data-dir={profile}",
             "--window-size=860,1000", f"--screenshot={target}", page.as_uri()],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
    return f"wrote {target.relative_to(doctool.ROOT)}"


def terminal_pictures(session: doctool.Session) -> dict[str, str]:
    """Every terminal picture as SVG, drawn in one demo session."""
    session.run(doctool.parse("lou init --demo"))
    pictures = {}
    for name, title, line, keep in TERMINAL:
        if name == "tasks.svg":  # a volunteer's tasks exist once a round is applied
            session.run(doctool.parse("lou rotate apply"))
        pictures[name] = terminal_svg(session, title, line, keep)
    return pictures


def main() -> int:
    IMG.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lou-screens-") as tmp:
        session = doctool.Session(Path(tmp), "zh")
        for name, svg in terminal_pictures(session).items():
            (IMG / name).write_text(svg, encoding="utf-8")
            print(f"wrote {(IMG / name).relative_to(doctool.ROOT)}")
        print(html_png(session, IMG / "report-html.png"))
        print(labels_png(session, IMG / "labels-print.png"))
        print(certificate_png(session, IMG / "certificate.png"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
