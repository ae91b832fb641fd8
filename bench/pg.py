"""The county network on PostgreSQL, side by side with the file (issue 20's scale targets).

    python bench/pg.py --url postgresql://lou@/lou_bench?host=/tmp/pg [--sizes 100000 1000000]

Needs a PostgreSQL server where the URL's user may create schemas (``.ci/run`` shows how
to start a throwaway one). For each size it builds the network once and keeps it (the
file in ``--cache``, the server's copy in a schema ``bench_<size>``): 100,000 books are
bench/run.py's generated network; 1,000,000 are ten of them side by side, every code
renamed (sites ``SHY`` -> ``SHYB1``..., books numbered on), so a county of 1,000,000
copies, 32,490 boxes, 3,541 sites and 13,190 volunteers.

Then it times each command as a fresh process (wall time and peak memory, as bench/run.py
does), on the server and on the file (the server's tables vacuumed first, as autovacuum
leaves them between two rounds; each read three times, its median kept; each change
once), and prints one table with the targets:
``book show``/``find`` <= 0.3 s, ``rotate plan`` <= 10 s, ``rotate apply`` <= 20 s, an
import of 100,000 rows <= 60 s, every command <= 1 GB. ``--clients 20`` adds the
concurrency run: for ``--seconds`` (60), a manager applying the next round and watching
it, volunteers reporting their walks, admins exporting the inventory and residents'
donations being registered, all at once on the server; it counts the commands, the
lock-timeout refusals, the failures, and checks afterwards that no update was lost
(every walk reported is done, every donation registered is there).
It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import run as bench  # noqa: E402  (bench/run.py: the generator and the process timer)

TARGETS = {  # command -> (seconds, what the issue asks)
    "book show": 0.3,
    "book find": 0.3,
    "rotate plan": 10.0,
    "rotate apply": 20.0,
    "book import": 60.0,
}
MEMORY_TARGET_MB = 1024
READS = 3  # runs of each read, the median kept (one run of a read moved by 0.05-0.1 s)


def scaled(document: dict[str, Any], times: int) -> dict[str, Any]:
    """``times`` copies of a network side by side, every code renamed."""
    from lou_library.store import meta, migrate_document

    data = {name: dict(table) for name, table in document.items()}
    migrate_document("bench", data, meta(data)["schema_version"])  # the cache may be older
    if times == 1:
        return data
    books = len(data["books"])
    people = len(data["volunteers"])
    out: dict[str, Any] = {"_meta": data["_meta"]}
    out["sites"] = {}
    out["boxes"], out["volunteers"], out["books"], out["events"] = {}, {}, {}, {}

    def site(code: str, k: int) -> str:
        return code if k == 0 or code == "DEPOT" else f"{code}B{k}"

    def box(code: str | None, k: int) -> str | None:
        if not code or k == 0:
            return code
        prefix, number = code.rsplit("-", 1)
        return f"{site(prefix, k)}-{number}"

    for k in range(times):
        for record in data["sites"].values():
            if k and record["code"] == "DEPOT":
                continue
            copy = {**record, "code": site(record["code"], k)}
            out["sites"][str(len(out["sites"]) + 1)] = copy
        for record in data["boxes"].values():
            copy = {**record, "code": box(record["code"], k), "site": site(record["site"], k)}
            out["boxes"][str(len(out["boxes"]) + 1)] = copy
        for record in data["volunteers"].values():
            number = int(record["code"][1:]) + k * people
            copy = {**record, "code": f"V{number:03d}"}
            copy["sites"] = [site(s, k) for s in record.get("sites", [])]
            out["volunteers"][str(len(out["volunteers"]) + 1)] = copy
        for record in data["books"].values():
            code = f"B{int(record['code'][1:]) + k * books:05d}"
            copy = {**record, "code": code, "box": box(record.get("box"), k)}
            if "last_box" in record:
                copy["last_box"] = box(record["last_box"], k)
            out["books"][str(len(out["books"]) + 1)] = copy
        for record in (data.get("events") or {}).values():
            code = f"B{int(record['book'][1:]) + k * books:05d}"
            out["events"][str(len(out["events"]) + 1)] = {**record, "book": code}
    for name, table in data.items():
        out.setdefault(name, table)
    counters = dict(meta(out).get("counters", {}))
    counters["book"] = books * times + 1
    meta(out)["counters"] = counters
    return out


@dataclass
class Network:
    size: int
    file: Path
    url: str
    batch: Path  # an import CSV of 100,000 rows


def _schema_url(url: str, schema: str) -> str:
    joiner = "&" if "?" in url else "?"
    return f"{url}{joiner}options=-csearch_path%3D{schema}"


def prepare(size: int, url: str, cache: Path) -> Network:
    import orjson
    import psycopg

    from lou_library import pgrepo
    from lou_library.pgstore import PgStore
    from lou_library.store import atomic_write_bytes, encode

    base = bench.generate(100_000, cache)
    folder = cache / f"pg-{size}-{bench.cache_key()}"
    folder.mkdir(parents=True, exist_ok=True)
    file, batch = folder / "lou.json", folder / "import.csv"
    # (the tables' version in the name: a copy made by older tables is made again)
    schema = f"bench_{size}_{bench.cache_key()}_t{pgrepo.SCHEMA}"
    server = _schema_url(url, schema)
    if not batch.is_file():
        bench.write_import_csv(batch, 100_000)
    if not file.is_file():
        bench.log(f"building the {size:,}-book network")
        document = scaled(orjson.loads(base.db.read_bytes()), size // 100_000)
        atomic_write_bytes(file, encode(document))
    with psycopg.connect(url, autocommit=True) as conn:
        made = conn.execute(
            "SELECT 1 FROM information_schema.tables WHERE table_schema = %s "
            "AND table_name = '_meta'",
            (schema,),
        ).fetchone()
        if made is not None:  # tables of an older version: built again (as fast as
            # lou db migrate, which backs the network up first)
            row = conn.execute(f"SELECT max(version) FROM {schema}.lou_schema").fetchone()
            made = None if row is None or (row[0] or 0) < pgrepo.SCHEMA else made
        if made is None:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")
            conn.execute(f"CREATE SCHEMA {schema}")
    if made is None:
        bench.log(f"copying the {size:,}-book network to the server")
        start = time.perf_counter()
        PgStore(server).create(orjson.loads(file.read_bytes()), force=False, command="bench")
        bench.log(f"  {time.perf_counter() - start:.0f} s")
    return Network(size, file, server, batch)


def time_command(argv: list[str], env: dict[str, str], cwd: Path) -> bench.Sample:
    return bench.run_child([sys.executable, "-m", "lou_library", *argv], env, cwd)


def measure(network: Network, env: dict[str, str], work: Path) -> list[tuple[str, str, Any]]:
    """(command, backend, sample) for each command, on the file and on the server."""
    box = "SHY-01"
    reads = [
        ("book show", ["book", "show", "B00001"]),
        ("book find", ["book", "find", "红楼"]),
        ("box show", ["box", "show", box]),
        ("rotate plan", ["rotate", "plan"]),
    ]
    found: list[tuple[str, str, Any]] = []
    vacuumed(network.url)
    for backend, location in (("postgresql", network.url), ("file", str(network.file))):
        for name, args in reads:
            runs = [time_command(["--db", location, *args], env, work) for _ in range(READS)]
            runs.sort(key=lambda sample: sample.seconds)
            sample = runs[len(runs) // 2]
            found.append((name, backend, sample))
            each = ", ".join(f"{run.seconds:.2f}" for run in runs)
            bench.log(
                f"  {backend:10} {name:14} {sample.seconds:7.2f} s {sample.peak_mb:6.0f} MB"
                f"  ({each})"
            )
    return found


def vacuumed(url: str) -> None:
    """The network's tables as a server keeps them between two rounds: ``VACUUM ANALYZE``d
    (what autovacuum does within a minute of a round, two weeks before the next). Just
    loaded (``lou db copy``, or the restore that takes the bench's import back), their
    rows have no hint bits nor visibility map yet (the first ``book find`` after the
    copy of 1,000,000 books: 0.31-0.43 s, against 0.23-0.27 s after), and a round
    applied minutes after another, or after an undo, finds 950,000 dead row versions
    that autovacuum has not reached: `rotate apply` at 1,000,000 copies took 18.3-18.9
    s by hand vacuumed, and 19.0-20.7 s back to back (tables version 6)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        tables = conn.execute(
            "SELECT quote_ident(tablename) FROM pg_tables WHERE schemaname = current_schema()"
        ).fetchall()
        for (table,) in tables:
            conn.execute(f"VACUUM ANALYZE {table}")


def measure_changes(
    network: Network, env: dict[str, str], work: Path
) -> list[tuple[str, str, Any]]:
    """rotate apply, task list --volunteer, the import: each once, then taken back."""
    found: list[tuple[str, str, Any]] = []
    vacuumed(network.url)
    for backend, location in (("postgresql", network.url), ("file", str(network.file))):
        steps = [
            ("rotate apply", ["rotate", "apply"]),
            ("task list --volunteer", ["task", "list", "--volunteer", "V002"]),
            ("rotate undo", ["rotate", "undo"]),
            ("book import", ["book", "import", str(network.batch), "--large"]),
        ]
        for name, args in steps:
            sample = time_command(["--db", location, *args], env, work)
            found.append((name, backend, sample))
            note = f" (exit {sample.code}: {sample.stderr.strip()[:120]})" if sample.code else ""
            bench.log(
                f"  {backend:10} {name:22} {sample.seconds:7.2f} s {sample.peak_mb:6.0f} MB{note}"
            )
        if found[-1][2].code == 0:  # the import is taken back by restoring the backup it took
            time_command(["--db", location, "db", "restore", "--latest"], env, work)
    return found


# --------------------------------------------------------------------- concurrency


@dataclass
class Tally:
    commands: Counter[str]
    busy: Counter[str]
    failed: list[str]
    reported: list[int]
    donated: list[str]


class Clients:
    """The concurrency run (see the module's docstring)."""

    BUSY = "is in use by another command"

    def __init__(self, network: Network, env: dict[str, str], work: Path) -> None:
        self.tally = Tally(Counter(), Counter(), [], [], [])
        self.lock = threading.Lock()
        self.env = {**env, "LOU_LIBRARY_DB": network.url, "LOU_LOCK_TIMEOUT": "30"}
        self.work = work
        self.open_ids: list[int] = []
        self.stop = 0.0

    def lou(self, role: str, *args: str) -> Any:
        import subprocess

        done = subprocess.run(
            [sys.executable, "-m", "lou_library", *args],
            env=self.env, cwd=self.work, capture_output=True, text=True, check=False,
        )  # fmt: skip
        with self.lock:
            self.tally.commands[role] += 1
            if done.returncode and self.BUSY in done.stderr:
                self.tally.busy[role] += 1
            elif done.returncode:
                self.tally.failed.append(f"{role} {' '.join(args)}: {done.stderr.strip()[:200]}")
        return done

    def act(self, index: int, role: str, count: int, mine: list[int]) -> None:
        if role == "manager":
            self.lou(role, "rotate", "status")
        elif role == "volunteer" and mine:
            task = mine.pop()
            if self.lou(role, "task", "done", str(task)).returncode == 0:
                with self.lock:
                    self.tally.reported.append(task)
        elif role == "volunteer":
            self.lou(role, "task", "list", "--volunteer", "V002")
        elif role == "admin":
            out = self.work / f"inventory-{index}-{count}.csv"
            self.lou(role, "report", "inventory", "--format", "csv", "--output", str(out))
            out.unlink(missing_ok=True)
        else:
            title = f"捐赠{index}-{count}-{random.Random(count).randrange(10**6)}"
            if self.lou(role, "donate", "--box", "SHY-01", "--title", title).returncode == 0:
                with self.lock:
                    self.tally.donated.append(title)

    def run(self, n: int, seconds: float) -> Tally:
        import orjson

        applied = self.lou("manager", "rotate", "apply", "--allow-unassigned")
        if applied.returncode:
            raise SystemExit(f"rotate apply failed: {applied.stderr}")
        listed = self.lou("manager", "task", "list", "--all", "--json").stdout
        tasks = orjson.loads(listed)["tasks"]
        self.open_ids = [t["id"] for t in tasks if t["status"] == "open"]
        self.stop = time.monotonic() + seconds
        roles = ["manager"] + ["volunteer"] * (n // 2 - 1) + ["admin"] * (n // 4)
        roles += ["donor"] * (n - len(roles))
        volunteers = [i for i, r in enumerate(roles) if r == "volunteer"]

        def worker(index: int, role: str) -> None:
            mine = []
            if role == "volunteer":
                mine = self.open_ids[volunteers.index(index) :: len(volunteers)]
            count = 0
            while time.monotonic() < self.stop:
                count += 1
                self.act(index, role, count, mine)

        threads = [threading.Thread(target=worker, args=(i, r)) for i, r in enumerate(roles)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        return self.tally


def lost_updates(network: Network, tally: Tally) -> int:
    """Reported walks not done, and registered donations not there, after the run."""
    from lou_library.pgstore import PgStore
    from lou_library.repository import BOOKS, TASKS

    with PgStore(network.url).read() as repo:
        tasks = repo.get_many(TASKS, tally.reported)
        lost = sum(1 for t in tally.reported if tasks.get(t, {}).get("status") != "done")
        titles = Counter(b["title"] for b in repo.where(BOOKS, "box", "SHY-01"))
    lost += sum(1 for title in tally.donated if titles[title] < 1)
    return lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default=os.environ.get("LOU_TEST_PG", ""))
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--cache", type=Path, default=Path(tempfile.gettempdir()) / "lou-bench")
    args = parser.parse_args(argv)
    if not args.url:
        parser.error("give --url (or LOU_TEST_PG): a PostgreSQL database to build in")
    work = Path(tempfile.mkdtemp(prefix="lou-bench-pg-"))
    env = bench.child_env(args.cache / "pycache")
    env["XDG_DATA_HOME"] = str(work / "data")
    rows = []
    for size in args.sizes:
        network = prepare(size, args.url, args.cache)
        bench.log(f"{size:,} books")
        time_command(["--db", network.url, "info"], env, work)  # warm the bytecode
        for name, backend, sample in measure(network, env, work) + measure_changes(
            network, env, work
        ):
            rows.append((size, name, backend, sample))
        if args.clients:
            bench.log(f"  {args.clients} clients for {args.seconds:.0f} s")
            tally = Clients(network, env, work).run(args.clients, args.seconds)
            lost = lost_updates(network, tally)
            time_command(["--db", network.url, "db", "restore", "--latest"], env, work)
            print(
                f"\n{size:,} books, {args.clients} clients, {args.seconds:.0f} s: "
                f"{sum(tally.commands.values())} commands "
                f"({', '.join(f'{r} {c}' for r, c in sorted(tally.commands.items()))}); "
                f"{len(tally.reported)} walks reported, {len(tally.donated)} donations; "
                f"lock-timeout refusals {sum(tally.busy.values())}; "
                f"other failures {len(tally.failed)}; lost updates {lost}"
            )
            for line in tally.failed[:5]:
                print("  failed:", line)
    print()
    print("| books | command | backend | seconds | peak MB | target | met |")
    print("|---:|---|---|---:|---:|---|---|")
    for size, name, backend, sample in rows:
        target = TARGETS.get(name)
        met = "-"
        if backend == "postgresql":
            ok = sample.code == 0 and sample.peak_mb <= MEMORY_TARGET_MB
            ok = ok and (target is None or sample.seconds <= target)
            met = "yes" if ok else "no"
        wanted = f"<= {target:g} s, <= 1 GB" if target else "<= 1 GB"
        failed = f" (exit {sample.code})" if sample.code else ""
        print(
            f"| {size:,} | `{name}` | {backend} | {sample.seconds:.2f}{failed} "
            f"| {sample.peak_mb:.0f} | {wanted if backend == 'postgresql' else '-'} | {met} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
