"""A manager applies a round while 5 volunteers report their tasks and 3 admins export:
no lost update, no crash, every reader sees a whole catalogue."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import orjson
import pytest

from lou_library.store import Store
from tests.conftest import BASE_ENV, pg_schema


@pytest.fixture(params=["file", "postgresql"])
def network(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where the network lives: a file, or a schema on the test server."""
    if request.param == "file":
        yield str(tmp_path / "lou.json")
        return
    with pg_schema() as url:
        yield url


def test_manager_volunteers_and_admins_at_once(
    network: str, tmp_path: Path, tally: Counter[str]
) -> None:
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": network, "LOU_LOCK_TIMEOUT": "120"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    lou = [sys.executable, "-m", "lou_library"]

    def run(*args: str, when: str = BASE_ENV["LOU_NOW"]) -> str:
        done = subprocess.run([*lou, *args], env={**env, "LOU_NOW": when},
                              capture_output=True, text=True, check=True)  # fmt: skip
        return done.stdout

    run("init", "--demo")
    first = orjson.loads(run("rotate", "apply", "--json"))
    task_ids = [t["id"] for t in first["tasks"]]
    books = orjson.loads(run("info", "--json"))["books"]["total"]
    later = {**env, "LOU_NOW": "2026-12-01T09:00:00"}

    script = (
        "import sys\nfrom lou_library.cli import main\n"
        "for args in sys.argv[1:]:\n"
        "    try:\n        main(args.split())\n"
        "    except SystemExit as e:\n        assert not e.code, (args, e.code)\n"
    )
    clients = [subprocess.Popen([*lou, "rotate", "apply"], env=later,
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)]  # fmt: skip
    for v in range(5):
        mine = task_ids[v::5]
        clients.append(subprocess.Popen(
            [sys.executable, "-c", script, *(f"task done {t}" for t in mine)],
            env=later, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        ))  # fmt: skip
    exports = []
    for a in range(3):
        files = [tmp_path / f"admin{a}-{k}.csv" for k in range(3)]
        exports.extend(files)
        clients.append(subprocess.Popen(
            [sys.executable, "-c", script, *(f"book export {f}" for f in files)],
            env=later, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        ))  # fmt: skip
    for client in clients:
        _, err = client.communicate(timeout=300)
        assert client.returncode == 0, err
    tally["concurrent clients"] += len(clients)

    status = orjson.loads(run("rotate", "history", "--json", when="2026-12-01T09:00:00"))
    rounds = {r["round"]: r for r in status["rounds"]}
    assert set(rounds) == {1, 2}  # the manager's round landed
    assert rounds[1]["done"] == len(task_ids)  # and so did every volunteer's report
    for path in exports:  # every reader saw a whole catalogue
        rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))
        assert len(rows) == books + 1
    tally["concurrent updates lost"] += 0
    subprocess.run([*lou, "db", "check"], env=later, check=True, capture_output=True)


# -- issue 21: the lock serves waiters in turn ------------------------------------------


def _tickets(db: Path) -> list[str]:
    queue = db.with_name(db.name + ".lock-queue")
    return sorted(p.name for p in queue.iterdir() if p.name[:1].isdigit()) if queue.exists() else []


def _wait_for(predicate: Callable[[], bool], seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def test_waiters_are_served_in_the_order_they_came(tmp_path: Path, tally: Counter[str]) -> None:
    db = tmp_path / "lou.json"
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db), "LOU_LOCK_TIMEOUT": "120"}
    lou = [sys.executable, "-m", "lou_library"]
    subprocess.run([*lou, "init"], env=env, check=True, capture_output=True)
    waiters = []
    with Store(db).lock("test"):  # the test holds the lock; five writers queue behind it
        for i in range(5):
            waiters.append(subprocess.Popen([*lou, "book", "add", "--title", f"第{i}位"], env=env,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))  # fmt: skip
            queued = i + 2  # the test's ticket and one per writer so far

            def in_queue(n: int = queued) -> bool:
                return len(_tickets(db)) == n

            _wait_for(in_queue)  # its ticket is in the queue before the next one starts
    for waiter in waiters:
        assert waiter.wait(timeout=120) == 0
    books = subprocess.run([*lou, "book", "list", "--json"], env=env, check=True,
                           capture_output=True).stdout  # fmt: skip
    titles = [b["title"] for b in sorted(orjson.loads(books)["books"], key=lambda b: b["code"])]
    assert titles == [f"第{i}位" for i in range(5)]  # first come, first served
    assert _tickets(db) == []
    tally["queued writers served in order"] += 5


def test_a_killed_waiter_leaves_no_hole_in_the_queue(tmp_path: Path, tally: Counter[str]) -> None:
    db = tmp_path / "lou.json"
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db), "LOU_LOCK_TIMEOUT": "120"}
    lou = [sys.executable, "-m", "lou_library"]
    subprocess.run([*lou, "init"], env=env, check=True, capture_output=True)
    with Store(db).lock("test"):
        doomed = subprocess.Popen([*lou, "book", "add", "--title", "x"], env=env)
        _wait_for(lambda: len(_tickets(db)) == 2)
        doomed.kill()
        doomed.wait()
    assert len(_tickets(db)) == 1  # its ticket is left behind, its flock gone with it
    started = time.monotonic()
    subprocess.run([*lou, "book", "add", "--title", "y"], env={**env, "LOU_LOCK_TIMEOUT": "5"},
                   check=True, capture_output=True)  # fmt: skip
    assert time.monotonic() - started < 5
    assert _tickets(db) == []  # and the next writer cleared it
    tally["killed waiters skipped"] += 1


LOOP = (
    "import sys, time\nfrom pathlib import Path\nfrom lou_library.cli import main\n"
    "stop = Path(sys.argv[1])\nwhile not stop.exists():\n"
    "    try:\n        main(['donate', '--box', 'SHY-01', '--title', '捐赠', '--author', 'x'])\n"
    "    except SystemExit as e:\n        assert not e.code, e.code\n"
)


def test_a_volunteer_is_not_starved_by_a_loop_of_donations(
    tmp_path: Path, tally: Counter[str]
) -> None:
    """Eight processes donate as fast as they can; a volunteer reports five tasks. With
    filelock's polling alone one `task done` waited 47.5 s; in turn, it waits for at most
    the writers that came before it."""
    db = tmp_path / "lou.json"
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db), "LOU_LOCK_TIMEOUT": "120"}
    lou = [sys.executable, "-m", "lou_library"]
    subprocess.run([*lou, "init", "--demo"], env=env, check=True, capture_output=True)
    applied = subprocess.run([*lou, "rotate", "apply", "--json"], env=env, check=True,
                             capture_output=True).stdout  # fmt: skip
    tasks = [t["id"] for t in orjson.loads(applied)["tasks"]][:5]
    stop = tmp_path / "stop"
    loops = [subprocess.Popen([sys.executable, "-c", LOOP, str(stop)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
             for _ in range(8)]  # fmt: skip
    waits = []
    try:
        time.sleep(3)  # the loops are up and contending
        for task in tasks:
            started = time.monotonic()
            subprocess.run([*lou, "task", "done", str(task)], env=env, check=True,
                           capture_output=True)  # fmt: skip
            waits.append(time.monotonic() - started)
    finally:
        stop.touch()
        for loop in loops:
            _, err = loop.communicate(timeout=120)
            assert loop.returncode == 0, err
    tally["donation loops against task done"] += len(loops)
    tally["longest task done among them (ms)"] = max(
        tally["longest task done among them (ms)"], round(max(waits) * 1000)
    )
    assert max(waits) < 30, waits
    subprocess.run([*lou, "db", "check"], env=env, check=True, capture_output=True)


def test_a_stopped_waiter_does_not_hold_the_queue_past_half_the_wait(
    tmp_path: Path, tally: Counter[str]
) -> None:
    import signal

    db = tmp_path / "lou.json"
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db), "LOU_LOCK_TIMEOUT": "120"}
    lou = [sys.executable, "-m", "lou_library"]
    subprocess.run([*lou, "init"], env=env, check=True, capture_output=True)
    with Store(db).lock("test"):
        stuck = subprocess.Popen([*lou, "book", "add", "--title", "x"], env=env)
        _wait_for(lambda: len(_tickets(db)) == 2)
        stuck.send_signal(signal.SIGSTOP)  # Ctrl-Z while queued: its ticket stays alive
    try:
        started = time.monotonic()
        subprocess.run([*lou, "book", "add", "--title", "y"],
                       env={**env, "LOU_LOCK_TIMEOUT": "4"}, check=True, capture_output=True)  # fmt: skip
        assert time.monotonic() - started < 4
    finally:
        stuck.send_signal(signal.SIGCONT)
        assert stuck.wait(timeout=120) == 0
    tally["stopped waiters passed"] += 1
