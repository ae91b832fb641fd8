#!/usr/bin/env python3
"""Benchmarks and scale: whole ``lou`` commands against the floors they cannot beat.

Run from a checkout, with the interpreter that has ``lou_library`` installed::

    python bench/run.py                      # 3,000 and 100,000 books, 7 runs each
    python bench/run.py --sizes 3000 --runs 9
    python bench/run.py --quick              # 3,000 books, 3 runs: a smoke test
    python bench/run.py --json               # the same figures as one JSON document

For every size a synthetic network is generated deterministically through the project's
own rules (``add_site``, ``add_box``, ``add_volunteer``, ``check_spec``,
``create_books`` on an in-memory ``TinyRepository``, then ``atomic_write_bytes(path,
encode(data))``), exactly as ``lou_library.demo`` builds the demo network, and cached
under ``<tmp>/lou-bench/`` keyed by size and generator version.

Each command runs as a subprocess (``python -m lou_library --db PATH ...``), after one
warm-up, interleaved with its floor (command, floor, command, floor, ...) so machine
noise hits both; the median is reported. Write commands get a fresh copy of the
pristine DB before every run (not timed). Peak memory is the child's own ``ru_maxrss``,
as GNU ``/usr/bin/time -f %M`` reports it (see :func:`run_child`). See
``bench/README.md`` for the floors and the targets.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: the bench starts without the project
    from lou_library.tinyrepo import TinyRepository

# --------------------------------------------------------------------------- constants

GENERATOR_VERSION = 1  # bump when the generated network changes, to refresh the cache
LOU_NOW = "2026-03-02T09:00:00"
REAL = {"books": 3109, "boxes": 101, "sites": 11, "volunteers": 41}
BOX_CAPACITY = 30
FILL = 0.8
DEFAULT_SIZES = (3000, 100_000)
DEFAULT_RUNS = 7
QUICK_RUNS = 3
SMALL_LIMIT = 10_000  # sizes up to this are judged by the 3,000 targets, larger by 100,000's
SIMULATE_LIMIT = 10_000  # `rotate simulate --rounds 26` runs only at sizes up to this
AGED_ROUNDS_SMALL = 104  # four years of rounds, every 14 days
AGED_ROUNDS_LARGE = 26  # one year at 100,000 books
AGED_X_FRESH = 2.0  # an aged network's command takes at most this times the fresh one's
AGED_PEAK_MB = 200  # at 3,000 books
AGED_FILE_MB = 15  # 3,000 books after four years
BACKUPS_X_FILE = 5.0  # the backups folder after those years, against the DB file
FIND_QUERY = "swgwsm"  # 十万个为什么, by pinyin initials
TIMEOUT = 600.0  # seconds one child may take before it is killed and marked failed
ROOT = Path(__file__).resolve().parents[1]

READ_FLOOR = "read floor"
WRITE_FLOOR = "write floor"
TYPER_FLOOR = "python + import typer"
TINYDB_FLOOR = "stock TinyDB"

# The floors, as the code their child process runs (argv[1] is the DB file).
FLOOR_CODE: dict[str, str] = {
    READ_FLOOR: (
        "import sys\n"
        "import typer, rich, tinydb, orjson\n"
        "with open(sys.argv[1], 'rb') as f:\n"
        "    data = orjson.loads(f.read())\n"
    ),
    WRITE_FLOOR: (
        "import os, sys, tempfile\n"
        "import typer, rich, tinydb, orjson\n"
        "path = sys.argv[1]\n"
        "with open(path, 'rb') as f:\n"
        "    data = orjson.loads(f.read())\n"
        "payload = orjson.dumps(data) + b'\\n'\n"
        "folder = os.path.dirname(os.path.abspath(path))\n"
        "fd, tmp = tempfile.mkstemp(prefix='.floor.', suffix='.tmp', dir=folder)\n"
        "with os.fdopen(fd, 'wb') as h:\n"
        "    h.write(payload)\n"
        "    h.flush()\n"
        "    os.fsync(h.fileno())\n"
        "os.replace(tmp, path)\n"
        "dfd = os.open(folder, os.O_RDONLY)\n"
        "os.fsync(dfd)\n"
        "os.close(dfd)\n"
    ),
    TINYDB_FLOOR: (
        "import sys\nfrom tinydb import TinyDB\nbooks = TinyDB(sys.argv[1]).table('books').all()\n"
    ),
    TYPER_FLOOR: "import typer\n",
}

_DIGITS = "零一二三四五六七八九"
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程"
    "苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝"
)


def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def chinese_number(n: int) -> str:
    """1 -> 一, 12 -> 十二, 305 -> 三百零五 (up to 9,999)."""
    if not 0 < n < 10_000:
        raise ValueError(n)
    parts: list[str] = []
    zero = False
    for unit_value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit_value % 10
        if digit:
            if zero:
                parts.append("零")
            zero = False
            parts.append(("" if (unit == "十" and n < 20) else _DIGITS[digit]) + unit)
        elif parts:
            zero = True
    return "".join(parts)


# -------------------------------------------------------------------------- generation


@dataclass(frozen=True)
class Shape:
    books: int
    boxes: int
    sites: int
    volunteers: int


def shape_of(books: int) -> Shape:
    """Boxes, sites and volunteers in the real network's proportions."""

    def scaled(name: str) -> int:
        return max(1, round(books * REAL[name] / REAL["books"]))

    return Shape(books, scaled("boxes"), scaled("sites"), scaled("volunteers"))


def _read_csv(name: str) -> list[dict[str, str]]:
    with (ROOT / "data" / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def title_for(rows: list[dict[str, str]], index: int, edition: str = "卷") -> tuple[str, int]:
    """The index-th synthetic title: the demo's titles, then the same with 卷二, 卷三, ..."""
    row = index % len(rows)
    volume = index // len(rows)
    base = rows[row]["title"]
    if volume == 0 and edition == "卷":
        return base, row
    return f"{base}·{edition}{chinese_number(volume + 1)}", row


@dataclass
class Generated:
    size: int
    shape: Shape
    db: Path
    import_csv: Path
    import_rows: int
    seconds: float
    method: str
    file_mb: float
    cached: bool = False
    rounds: int = 0  # rounds the network has lived (0: fresh)
    now: str = LOU_NOW  # the clock its commands run at: the day its next round is due
    backups_mb: float | None = None  # its backups folder after those rounds

    @property
    def network(self) -> str:
        return f"{self.rounds} rounds" if self.rounds else "fresh"


@contextmanager
def pinned_clock() -> Iterator[None]:
    old = os.environ.get("LOU_NOW")
    os.environ["LOU_NOW"] = LOU_NOW
    try:
        yield
    finally:
        if old is None:
            del os.environ["LOU_NOW"]
        else:
            os.environ["LOU_NOW"] = old


def _add_volunteers(
    db: TinyRepository, shape: Shape, site_codes: list[str], given: list[str]
) -> None:
    """The administrator (no site), then members of one site each, every tenth also of
    the next site."""
    from lou_library.network import add_volunteer

    for v in range(shape.volunteers):
        name = _SURNAMES[v % len(_SURNAMES)] + given[(v // len(_SURNAMES)) % len(given)]
        if v == 0:
            sites: list[str] = []
        else:
            own = (v - 1) % shape.sites
            sites = [site_codes[own]]
            if v % 10 == 0 and shape.sites > 1:
                sites.append(site_codes[(own + 1) % shape.sites])
        add_volunteer(
            db,
            name,
            phone=f"139{v:08d}",
            party_member=v % 6 != 0,
            sites=sites,
            role="administrator" if v == 0 else "member",
        )


def build_document(shape: Shape) -> dict[str, Any]:
    """The network, built in memory through the same rules as the commands (like demo.py)."""
    from lou_library.catalogue import BookSpec, categories, check_spec, create_books
    from lou_library.demo import empty_document
    from lou_library.network import add_box, add_site
    from lou_library.tinyrepo import TinyRepository

    demo_sites = _read_csv("sites.csv")
    demo_people = _read_csv("volunteers.csv")
    titles = _read_csv("titles.csv")

    db = TinyRepository.in_memory(empty_document())

    site_codes: list[str] = []
    for i in range(shape.sites):
        base = demo_sites[i % len(demo_sites)]
        phase = i // len(demo_sites)
        name = base["name"] if phase == 0 else f"{base['name']}{chinese_number(phase + 1)}期"
        site_codes.append(add_site(db, name, base["kind"])["code"])

    per_site: dict[str, int] = {}
    boxes: dict[str, dict[str, Any]] = {}
    for b in range(shape.boxes):
        site = site_codes[b % shape.sites]
        k = per_site.get(site, 0)
        per_site[site] = k + 1
        record = add_box(db, site, f"{k // 2 + 1}号楼", f"{k % 2 + 1}单元", capacity=BOX_CAPACITY)
        boxes[record["code"]] = {"code": record["code"], "status": "active", "capacity": 30}

    _add_volunteers(db, shape, site_codes, [row["name"][1:] for row in demo_people])

    # Copies are dealt to the boxes like cards, in title order, 24 (80 %) per box; the
    # rest stays in the depot. (title index, box) -> copies, one spec each.
    order = sorted(boxes)
    room = int(BOX_CAPACITY * FILL)
    slots = len(order) * room
    placed: dict[tuple[int, str | None], int] = {}
    dealt = 0
    index = 0
    while dealt < shape.books:
        _, row = title_for(titles, index)
        for _ in range(min(int(titles[row]["copies"]), shape.books - dealt)):
            box = order[dealt % len(order)] if dealt < slots else None
            placed[(index, box)] = placed.get((index, box), 0) + 1
            dealt += 1
        index += 1
    known = categories(db)
    specs: list[BookSpec] = []
    for (index, box), copies in placed.items():
        title, row = title_for(titles, index)
        source = titles[row]
        specs.append(
            check_spec(
                known,
                boxes,
                title=title,
                author=source["author"],
                category=source["category"],
                audience=source["audience"],
                box=box,
                copies=copies,
            )
        )
    create_books(db, specs, "bench generate")
    return db.document()


def write_import_csv(path: Path, rows: int) -> None:
    """A batch of new titles (10 % of the network), one copy each, into the depot."""
    titles = _read_csv("titles.csv")
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "author", "category", "copies"])
        for i in range(rows):
            title, row = title_for(titles, i, edition="新编")
            writer.writerow([title, titles[row]["author"], titles[row]["category"], 1])


def cache_key() -> str:
    from lou_library import __version__
    from lou_library.store import SCHEMA_VERSION

    digest = hashlib.sha256()
    for part in (str(GENERATOR_VERSION), __version__, str(SCHEMA_VERSION), LOU_NOW):
        digest.update(part.encode())
    for name in ("sites.csv", "volunteers.csv", "titles.csv"):
        digest.update((ROOT / "data" / name).read_bytes())
    return digest.hexdigest()[:12]


def generate(size: int, cache_root: Path) -> Generated:
    """The pristine DB and import CSV for ``size`` books, from the cache or made now."""
    from lou_library.store import atomic_write_bytes, encode

    shape = shape_of(size)
    folder = cache_root / f"{size}-{cache_key()}"
    db, batch, meta_file = folder / "pristine.json", folder / "import.csv", folder / "meta.json"
    import_rows = max(1, size // 10)
    if meta_file.is_file() and db.is_file() and batch.is_file():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        return Generated(
            size, shape, db, batch, import_rows, meta["seconds"], meta["method"],
            db.stat().st_size / 1e6, cached=True,
        )  # fmt: skip
    folder.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    with pinned_clock():
        data = build_document(shape)
        atomic_write_bytes(db, encode(data))
    seconds = time.perf_counter() - start
    write_import_csv(batch, import_rows)
    meta_file.write_text(
        json.dumps({"seconds": seconds, "method": "rules", "shape": asdict(shape)}),
        encoding="utf-8",
    )
    return Generated(size, shape, db, batch, import_rows, seconds, "rules", db.stat().st_size / 1e6)


def aged_rounds(size: int) -> int:
    """Four years at the real network's size; one year at 100,000 books."""
    return AGED_ROUNDS_SMALL if size <= SMALL_LIMIT else AGED_ROUNDS_LARGE


def generate_aged(fresh: Generated, cache_root: Path) -> Generated:
    """The fresh network after :func:`aged_rounds` rounds played through the real apply
    and report-back paths (bench/aged.py), with its backups folder; cached beside it."""
    from aged import Aging, age

    from lou_library.rotation import next_round
    from lou_library.store import Store

    rounds = aged_rounds(fresh.size)
    folder = fresh.db.parent
    how = hashlib.sha256((ROOT / "bench" / "aged.py").read_bytes()).hexdigest()[:8]
    db, meta_file = folder / f"aged-{rounds}-{how}.json", folder / f"aged-{rounds}-{how}.meta.json"
    if meta_file.is_file() and db.is_file():
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        return Generated(
            fresh.size, fresh.shape, db, fresh.import_csv, fresh.import_rows, meta["seconds"],
            "rules + rounds", db.stat().st_size / 1e6, cached=True, rounds=rounds,
            now=meta["now"], backups_mb=meta["backups_mb"],
        )  # fmt: skip
    shutil.rmtree(db.with_name(db.name + ".backups"), ignore_errors=True)
    shutil.copyfile(fresh.db, db)
    start = time.perf_counter()
    with pinned_clock():
        log(f"{fresh.size:,} books: playing {rounds} rounds for the aged network ...")
        result = age(db, Aging(rounds=rounds))
        with Store(db).read() as state:
            now = f"{next_round(state).date.isoformat()}T09:00:00"
    seconds = time.perf_counter() - start
    meta = {"seconds": seconds, "now": now, "backups_mb": result.backups_bytes / 1e6}
    meta_file.write_text(json.dumps(meta), encoding="utf-8")
    return Generated(
        fresh.size, fresh.shape, db, fresh.import_csv, fresh.import_rows, seconds,
        "rules + rounds", result.file_bytes / 1e6, rounds=rounds, now=now,
        backups_mb=result.backups_bytes / 1e6,
    )  # fmt: skip


# ------------------------------------------------------------------------------ timing


@dataclass
class Sample:
    seconds: float
    peak_mb: float
    code: int
    stderr: str


def child_env(pycache: Path) -> dict[str, str]:
    """The children's environment: fixed language, width, clock; bytecode cached.

    ``PYTHONDONTWRITEBYTECODE`` would make every run recompile lou_library (an installed
    package has its .pyc files), so it is dropped; the .pyc files go to a folder of the
    bench (``PYTHONPYCACHEPREFIX``), never into the source tree, and the warm-up run
    writes them.
    """
    dropped = ("LOU_", "PYTHONPROFILE", "PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")
    env = {k: v for k, v in os.environ.items() if not k.startswith(dropped)}
    env.update(
        NO_COLOR="1",
        COLUMNS="100",
        LOU_LANG="en",
        LOU_NOW=LOU_NOW,
        PYTHONPYCACHEPREFIX=str(pycache),
    )
    return env


TIME = Path("/usr/bin/time")


def run_child(argv: Sequence[str], env: dict[str, str], cwd: Path) -> Sample:
    """Wall time and peak RSS of one process.

    Peak RSS is the child's ru_maxrss as GNU ``/usr/bin/time -f %M`` reports it. Linux
    carries the forking process's RSS high-water mark over ``fork``/``exec``, so a child
    forked straight from this (large) bench process would report at least the bench's
    own size; ``time`` is a small C process, so its child's figure is its own. Without
    ``/usr/bin/time`` the figure comes from ``os.wait4`` and is an upper bound.
    """
    use_time = TIME.is_file() and os.access(TIME, os.X_OK)
    with (
        tempfile.TemporaryFile() as out,
        tempfile.TemporaryFile() as err,
        tempfile.NamedTemporaryFile(prefix="lou-bench-rss-", suffix=".txt") as rss,
    ):
        full = [str(TIME), "-f", "%M", "-o", rss.name, *argv] if use_time else list(argv)
        start = time.perf_counter()
        proc = subprocess.Popen(
            full,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=env,
            cwd=cwd,
            start_new_session=True,  # so a timeout kills the command, not just `time`
        )
        timer = threading.Timer(TIMEOUT, os.killpg, (proc.pid, signal.SIGKILL))
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        proc.returncode = code  # reaped by wait4; tell Popen so it does not wait again
        peak_kb = float(usage.ru_maxrss)
        if use_time:
            lines = Path(rss.name).read_text(encoding="utf-8", errors="replace").split()
            if lines and lines[-1].isdigit():
                peak_kb = float(lines[-1])
        err.seek(0)
        stderr = err.read().decode("utf-8", "replace") if code else ""
    return Sample(seconds, peak_kb / 1024, code, stderr)


@dataclass
class Command:
    key: str  # short name used by the targets
    label: str  # as shown in the table
    args: list[str]  # after `python -m lou_library --db PATH`
    floor: str
    writes: bool = False
    vs_tinydb: bool = False
    cleanup: list[Path] = field(default_factory=list)  # removed before each run


@dataclass
class Row:
    key: str
    command: str
    size: int
    network: str
    median_s: float | None
    floor: str
    floor_median_s: float | None
    x_floor: float | None
    x_tinydb: float | None
    peak_mb: float | None
    growth: float | None
    target: str
    met: str
    runs: int
    error: str = ""
    x_fresh: float | None = None  # aged networks: median / the fresh network's median


@dataclass
class Target:
    text: str
    check: Callable[[Row], bool]


def targets_for(key: str, size: int, aged: bool = False) -> list[Target]:
    small = size <= SMALL_LIMIT
    ratio = 1.5 if small else 2.0
    found: list[Target] = []
    if aged and small:  # four years on: no slower than twice the fresh network
        return [
            Target(
                f"<={AGED_X_FRESH:g}x fresh",
                lambda r: r.x_fresh is not None and r.x_fresh <= AGED_X_FRESH,
            ),
            Target(
                f"<={AGED_PEAK_MB} MB",
                lambda r: r.peak_mb is not None and r.peak_mb <= AGED_PEAK_MB,
            ),
        ]

    def x_floor(limit: float, name: str) -> Target:
        return Target(
            f"<={limit:g}x {name}", lambda r: r.x_floor is not None and r.x_floor <= limit
        )

    def seconds(limit: float) -> Target:
        return Target(f"<={limit:g} s", lambda r: r.median_s is not None and r.median_s <= limit)

    if key == "help":
        found.append(x_floor(1.5, "typer"))
    elif key in ("info", "list", "find"):
        found.append(x_floor(ratio, "read floor"))
        found.append(Target("<=1x TinyDB", lambda r: r.x_tinydb is not None and r.x_tinydb <= 1.0))
    elif key == "add":
        found.append(x_floor(ratio, "write floor"))
    elif key == "plan":
        found.append(seconds(0.5 if small else 3.0))
    elif key == "apply":
        found.append(seconds(1.0 if small else 5.0))
    elif key == "import" and not small:
        found.append(seconds(5.0))
    if not small:
        found.append(Target("<=500 MB", lambda r: r.peak_mb is not None and r.peak_mb <= 500))
    return found


def commands_for(gen: Generated, work: Path, with_report: bool) -> list[Command]:
    title = "楼道里的新书"
    found = [
        Command("help", "lou --help", ["--help"], TYPER_FLOOR),
        Command("info", "lou info", ["info"], READ_FLOOR, vs_tinydb=True),
        Command(
            "list", "lou book list --limit 20", ["book", "list", "--limit", "20"], READ_FLOOR,
            vs_tinydb=True,
        ),
        Command(
            "find", f"lou book find {FIND_QUERY}", ["book", "find", FIND_QUERY], READ_FLOOR,
            vs_tinydb=True,
        ),
        Command(
            "add", "lou book add --title (1 book)", ["book", "add", "--title", title],
            WRITE_FLOOR, writes=True,
        ),
        Command(
            "import", f"lou book import ({gen.import_rows:,} rows)",
            ["book", "import", str(gen.import_csv)], WRITE_FLOOR, writes=True,
        ),
        Command("plan", "lou rotate plan", ["rotate", "plan"], READ_FLOOR),
        Command("apply", "lou rotate apply", ["rotate", "apply"], WRITE_FLOOR, writes=True),
    ]  # fmt: skip
    if gen.size <= SIMULATE_LIMIT:
        found.append(
            Command(
                "simulate", "lou rotate simulate --rounds 26",
                ["rotate", "simulate", "--rounds", "26"], READ_FLOOR,
            )
        )  # fmt: skip
    if with_report:
        report = work / "inventory.xlsx"
        found.append(
            Command(
                "report", "lou report inventory --format xlsx",
                ["report", "inventory", "--format", "xlsx", "--output", str(report)],
                READ_FLOOR, cleanup=[report],
            )
        )  # fmt: skip
    return found


def report_exists(env: dict[str, str], work: Path) -> bool:
    probe = run_child([sys.executable, "-m", "lou_library", "report", "--help"], env, work)
    return probe.code == 0


class Bench:
    def __init__(self, runs: int, work: Path, pycache: Path) -> None:
        self.runs = runs
        self.work = work
        self.env = child_env(pycache)
        self.floor_samples: dict[tuple[int, int, str], list[Sample]] = {}

    def restore(self, pristine: Path, copy: Path) -> None:
        """A fresh copy of the pristine DB, with no backups or temp files (not timed)."""
        shutil.rmtree(copy.with_name(copy.name + ".backups"), ignore_errors=True)
        for stale in copy.parent.glob(f".{copy.name}.*tmp"):
            stale.unlink()
        shutil.copyfile(pristine, copy)

    def floor(self, name: str, db: Path) -> Sample:
        sample = run_child([sys.executable, "-c", FLOOR_CODE[name], str(db)], self.env, self.work)
        if sample.code:
            raise RuntimeError(f"the {name} failed:\n{sample.stderr}")
        return sample

    def measure(
        self, gen: Generated, cmd: Command
    ) -> tuple[list[Sample], list[float], list[float]]:
        """Warm-up, then runs x (command, floor[, stock TinyDB]), interleaved."""
        db = self.work / f"lou-{gen.size}-{gen.rounds}.json"
        floor_db = self.work / f"floor-{gen.size}-{gen.rounds}.json"
        argv = [sys.executable, "-m", "lou_library", "--db", str(db), *cmd.args]
        env = {**self.env, "LOU_NOW": gen.now}
        samples: list[Sample] = []
        floors: list[float] = []
        tinydb: list[float] = []
        self.restore(gen.db, db)  # the previous command may have written to it
        for i in range(self.runs + 1):
            for stale in cmd.cleanup:
                stale.unlink(missing_ok=True)
            if cmd.writes and i:
                self.restore(gen.db, db)
            sample = run_child(argv, env, self.work)
            if sample.code:
                samples.append(sample)
                return samples, floors, tinydb
            if cmd.floor == WRITE_FLOOR or not floor_db.exists():
                self.restore(gen.db, floor_db)
            floor = self.floor(cmd.floor, floor_db)
            stock = self.floor(TINYDB_FLOOR, floor_db) if cmd.vs_tinydb else None
            if i == 0:
                continue  # the warm-up
            samples.append(sample)
            floors.append(floor.seconds)
            self.floor_samples.setdefault((gen.size, gen.rounds, cmd.floor), []).append(floor)
            if stock is not None:
                tinydb.append(stock.seconds)
                key = (gen.size, gen.rounds, TINYDB_FLOOR)
                self.floor_samples.setdefault(key, []).append(stock)
        return samples, floors, tinydb

    def row(self, gen: Generated, cmd: Command) -> Row:
        samples, floors, tinydb = self.measure(gen, cmd)
        targets = targets_for(cmd.key, gen.size, aged=bool(gen.rounds))
        target_text = ", ".join(t.text for t in targets) or "-"
        failed = [s for s in samples if s.code]
        if failed:
            bad = failed[0]
            log(f"  FAILED (exit {bad.code}): {cmd.label}\n{bad.stderr.rstrip()}")
            return Row(
                key=cmd.key, command=cmd.label, size=gen.size, network=gen.network,
                median_s=None, floor=cmd.floor, floor_median_s=None, x_floor=None,
                x_tinydb=None, peak_mb=None, growth=None, target=target_text, met="FAILED",
                runs=len(samples) - len(failed), error=bad.stderr.strip()[-2000:],
            )  # fmt: skip
        median = statistics.median(s.seconds for s in samples)
        floor = statistics.median(floors)
        stock = statistics.median(tinydb) if tinydb else None
        result = Row(
            key=cmd.key,
            command=cmd.label,
            size=gen.size,
            network=gen.network,
            median_s=median,
            floor=cmd.floor,
            floor_median_s=floor,
            x_floor=median / floor,
            x_tinydb=median / stock if stock else None,
            peak_mb=max(s.peak_mb for s in samples),
            growth=None,
            target=target_text,
            met="-",
            runs=len(samples),
        )
        log(
            f"  {cmd.label:<40} {median:7.3f} s  {result.x_floor:5.2f}x {cmd.floor}"
            f"  {result.peak_mb:6.0f} MB  ({gen.network})"
        )
        return result


def judge(rows: Sequence[Row]) -> None:
    """Each aged row's ratio to the fresh network's same command, then every target."""
    fresh = {(r.key, r.size): r.median_s for r in rows if r.network == "fresh"}
    for r in rows:
        base = fresh.get((r.key, r.size))
        if r.network != "fresh" and base and r.median_s is not None:
            r.x_fresh = r.median_s / base
        if r.met == "FAILED":
            continue
        targets = targets_for(r.key, r.size, aged=r.network != "fresh")
        if targets:
            missed = [t.text for t in targets if not t.check(r)]
            r.met = "no: " + ", ".join(missed) if missed else "yes"


# ----------------------------------------------------------------------------- output


def fmt(value: float | None, spec: str, suffix: str = "") -> str:
    return "-" if value is None else f"{value:{spec}}{suffix}"


def markdown(headers: Sequence[str], rows: Sequence[Sequence[str]], right: set[int]) -> str:
    if not rows:
        return "(nothing measured)"
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        padded = (
            c.rjust(widths[i]) if i in right else c.ljust(widths[i]) for i, c in enumerate(cells)
        )
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        "-" * (w + 1) + ":" if i in right else "-" * (w + 2) for i, w in enumerate(widths)
    ) + "|"  # fmt: skip
    return "\n".join([line(headers), rule, *(line(r) for r in rows)])


def results_table(rows: Sequence[Row]) -> str:
    headers = [
        "command", "books", "network", "median s", "x fresh", "floor", "x floor", "x TinyDB",
        "peak MB", "growth", "target", "met",
    ]  # fmt: skip
    ordered = sorted(rows, key=lambda r: (r.size, r.key, r.network != "fresh"))
    body = [
        [
            r.command,
            f"{r.size:,}",
            r.network,
            fmt(r.median_s, ".3f"),
            fmt(r.x_fresh, ".2f"),
            r.floor,
            fmt(r.x_floor, ".2f"),
            fmt(r.x_tinydb, ".2f"),
            fmt(r.peak_mb, ".0f"),
            fmt(r.growth, ".1f", "x"),
            r.target,
            r.met,
        ]
        for r in ordered
    ]
    return markdown(headers, body, {1, 3, 4, 6, 7, 8, 9})


def networks_table(generated: Sequence[Generated]) -> str:
    """Each network's file and backups, with the targets of the aged ones."""
    body = []
    for g in generated:
        ratio = g.backups_mb / g.file_mb if g.backups_mb is not None and g.file_mb else None
        targets: list[str] = []
        met = "-"
        if g.rounds and g.size <= SMALL_LIMIT and ratio is not None:
            targets = [f"file <={AGED_FILE_MB} MB", f"backups <={BACKUPS_X_FILE:g}x file"]
            ok = g.file_mb <= AGED_FILE_MB and ratio <= BACKUPS_X_FILE
            met = "yes" if ok else "no"
        body.append(
            [
                f"{g.size:,}",
                g.network,
                f"{g.file_mb:.1f}",
                fmt(g.backups_mb, ".1f"),
                fmt(ratio, ".2f", "x"),
                ", ".join(targets) or "-",
                met,
            ]
        )
    headers = ["books", "network", "file MB", "backups MB", "backups / file", "target", "met"]
    return markdown(headers, body, {0, 2, 3, 4})


def floors_table(floors: Sequence[dict[str, Any]]) -> str:
    body = [
        [
            f["floor"],
            f"{f['books']:,}",
            f"{f['rounds']} rounds" if f["rounds"] else "fresh",
            fmt(f["median_s"], ".3f"),
            fmt(f["peak_mb"], ".0f"),
            str(f["samples"]),
        ]
        for f in floors
    ]
    headers = ["floor", "books", "network", "median s", "peak MB", "samples"]
    return markdown(headers, body, {1, 3, 4, 5})


# -------------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--sizes", default=",".join(str(s) for s in DEFAULT_SIZES), help="books, comma-separated"
    )
    parser.add_argument("--runs", type=int, default=None, help="timed runs per command")
    parser.add_argument("--quick", action="store_true", help="3,000 books, 3 runs (smoke test)")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument(
        "--fresh-only", action="store_true", help="skip the aged networks (years of rounds)"
    )
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path(tempfile.gettempdir()) / "lou-bench",
        help="where generated DBs are kept (default: <tmp>/lou-bench)",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.runs = "3000", args.runs or QUICK_RUNS
    args.runs = args.runs or DEFAULT_RUNS
    try:
        args.size_list = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s})
    except ValueError:
        parser.error(f"--sizes: not a list of numbers: {args.sizes}")
    if not args.size_list or min(args.size_list) < 1 or args.runs < 1:
        parser.error("--sizes and --runs must be positive")
    return args


def print_summary(
    args: argparse.Namespace,
    rows: list[Row],
    generated: list[Generated],
    floors: list[dict[str, Any]],
    load: str,
    elapsed: float,
) -> None:
    """The run as text: the results, the networks, the floors and the targets met."""
    from lou_library import __version__ as version

    data_ratio = args.size_list[-1] / args.size_list[0] if len(args.size_list) > 1 else None
    print(
        f"lou-library {version}, Python {sys.version.split()[0]}, "
        f"median of {args.runs} runs after a warm-up; peak MB = max ru_maxrss (/usr/bin/time)"
    )
    if data_ratio:
        print(f"growth = median / median at {args.size_list[0]:,} books ({data_ratio:.1f}x data)")
    print()
    print(results_table(rows))
    print()
    print(networks_table(generated))
    print()
    print(floors_table(floors))
    print()
    met = sum(1 for r in rows if r.met == "yes")
    judged = sum(1 for r in rows if r.met != "-")
    print(
        f"targets met: {met} of {judged}; whole run {elapsed:.0f} s; {load} ({os.cpu_count()} CPUs)"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        import lou_library
    except ImportError:
        log(f"lou_library is not importable by {sys.executable}; install the project first")
        return 2
    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    work = Path(tempfile.mkdtemp(prefix="lou-bench-work-"))
    rows: list[Row] = []
    generated: list[Generated] = []
    bench = Bench(args.runs, work, args.cache / "pycache")
    try:
        with_report = report_exists(bench.env, work)
        if not (TIME.is_file() and os.access(TIME, os.X_OK)):
            log(f"note: no {TIME}; peak MB comes from os.wait4 and includes this bench's RSS")
        if not with_report:
            log("note: `lou report` does not exist yet; the inventory report is skipped")
        for size in args.size_list:
            fresh = generate(size, args.cache)
            networks = [fresh] if args.fresh_only else [fresh, generate_aged(fresh, args.cache)]
            for gen in networks:
                generated.append(gen)
                how = "cached" if gen.cached else "generated"
                log(
                    f"{size:,} books, {gen.network}: {gen.shape.boxes} boxes, "
                    f"{gen.shape.sites} sites, {gen.shape.volunteers} volunteers; "
                    f"{gen.file_mb:.1f} MB; {how}, built through the {gen.method} in "
                    f"{gen.seconds:.1f} s"
                )
                for cmd in commands_for(gen, work, with_report):
                    rows.append(bench.row(gen, cmd))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    smallest = {r.key: r.median_s for r in rows if r.size == args.size_list[0]}
    for r in rows:
        base = smallest.get(r.key)
        if r.network == "fresh" and r.size != args.size_list[0] and base and r.median_s:
            r.growth = r.median_s / base
    judge(rows)
    floors = [
        {
            "floor": name,
            "books": size,
            "rounds": rounds,
            "median_s": statistics.median(s.seconds for s in values),
            "peak_mb": max(s.peak_mb for s in values),
            "samples": len(values),
        }
        for (size, rounds, name), values in sorted(bench.floor_samples.items())
    ]
    elapsed = time.perf_counter() - started
    load = f"load average {load_before:.2f} at the start, {os.getloadavg()[0]:.2f} at the end"
    data_ratio = args.size_list[-1] / args.size_list[0] if len(args.size_list) > 1 else None
    if args.json:
        document = {
            "lou_library": lou_library.__version__,
            "python": sys.version.split()[0],
            "sizes": args.size_list,
            "runs": args.runs,
            "peak_memory": "ru_maxrss of the command, by /usr/bin/time -f %M, max over the runs",
            "generation": [
                {
                    "books": g.size,
                    **asdict(g.shape),
                    "method": g.method,
                    "seconds": round(g.seconds, 2),
                    "cached": g.cached,
                    "file_mb": round(g.file_mb, 1),
                    "rounds": g.rounds,
                    "backups_mb": None if g.backups_mb is None else round(g.backups_mb, 1),
                }
                for g in generated
            ],
            "results": [asdict(r) for r in rows],
            "floors": floors,
            "data_ratio": data_ratio,
            "elapsed_s": round(elapsed, 1),
            "load": load,
        }
        print(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        print_summary(args, rows, generated, floors, load, elapsed)
    return 1 if any(r.met == "FAILED" for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
