"""SIGKILL in the middle of `rotate apply` and `book import`: the DB is always the state
before or the state after, never between, and `db check` passes."""

from __future__ import annotations

import random
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import Lou, pg_schema
from tests.reliability.network import build_network
from tests.reliability.processes import lou_env, run_lou


def _kill_loop(db: Path, args: list[str], kills: int, tally: Counter[str], seed: int) -> None:
    _kills(FileNetwork(db), args, kills, tally, seed)
    assert not list(db.parent.glob(f".{db.name}.*tmp"))  # the next writer cleaned up


class FileNetwork:
    def __init__(self, db: Path) -> None:
        self.db = db
        self.location = str(db)

    def state(self) -> bytes:
        return self.db.read_bytes()

    def put(self, payload: bytes) -> None:
        self.db.write_bytes(payload)
        shutil.rmtree(self.db.parent / f"{self.db.name}.backups", ignore_errors=True)


class ServerNetwork:
    """A network in a schema of the test server (as a file would hold it, for comparing)."""

    def __init__(self, url: str, folder: Path) -> None:
        self.location = url
        self.lou = Lou(url, "postgresql", folder)

    def state(self) -> bytes:
        return self.lou.snapshot()

    def put(self, payload: bytes) -> None:
        self.lou.load(payload)


def _kills(
    net: FileNetwork | ServerNetwork, args: list[str], kills: int, tally: Counter[str], seed: int
) -> None:
    db = Path(net.location) if isinstance(net, FileNetwork) else net.location
    before = net.state()
    started = time.perf_counter()
    done = run_lou(db, *args)
    duration = time.perf_counter() - started
    assert done.returncode == 0, done.stderr
    after = net.state()
    assert after != before
    rng = random.Random(seed)
    seen: Counter[str] = Counter()
    for n in range(kills):
        net.put(before)
        proc = subprocess.Popen(
            [sys.executable, "-m", "lou_library", *args], env=lou_env(db),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        time.sleep(rng.uniform(0.0, duration * 1.1))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        state = net.state()
        tally["kills"] += 1
        if state == before:
            seen["before"] += 1
        elif state == after:
            seen["after"] += 1
        else:
            tally["states lost or corrupted"] += 1
            pytest.fail(f"kill {n}: the DB is neither the state before nor after")
        if n % 10 == 0:
            assert run_lou(db, "db", "check").returncode == 0
    tally["kills survived"] += kills
    tally["kills that landed after the write"] += seen["after"]
    assert run_lou(db, "book", "add", "--title", "after the kills").returncode == 0


def _import_file(folder: Path, rows: int) -> Path:
    path = folder / "batch.csv"
    lines = ["title,author,copies"] + [f"新书{i},作者{i % 97},1" for i in range(rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["rotate apply", "book import"])
def test_kills_on_the_demo_network(command: str, tmp_path: Path, tally: Counter[str]) -> None:
    db = tmp_path / "lou.json"
    assert run_lou(db, "init", "--demo").returncode == 0
    args = command.split()
    if command == "book import":
        args.append(str(_import_file(tmp_path, 300)))
    _kill_loop(db, args, kills=15, tally=tally, seed=len(command))


@pytest.mark.parametrize("command", ["rotate apply", "book import"])
def test_kills_on_the_server(
    command: str, tmp_path: Path, tally: Counter[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same on PostgreSQL: a killed client's transaction is rolled back whole."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with pg_schema() as url:
        assert run_lou(url, "init", "--demo").returncode == 0
        args = command.split()
        if command == "book import":
            args.append(str(_import_file(tmp_path, 300)))
        before = tally["kills"]
        _kills(ServerNetwork(url, tmp_path), args, kills=15, tally=tally, seed=len(command))
        tally["kills on PostgreSQL"] += tally["kills"] - before


@pytest.mark.slow
@pytest.mark.parametrize("command", ["rotate apply", "book import"])
def test_kills_on_100000_books(command: str, tmp_path: Path, tally: Counter[str]) -> None:
    db = tmp_path / "lou.json"
    build_network(db, 100_000)
    args = command.split()
    if command == "book import":
        args.append(str(_import_file(tmp_path, 10_000)))
    _kill_loop(db, args, kills=100, tally=tally, seed=len(command))
