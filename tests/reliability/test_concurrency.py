"""A manager applies a round while 5 volunteers report their tasks and 3 admins export:
no lost update, no crash, every reader sees a whole catalogue."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import orjson

from tests.conftest import BASE_ENV


def test_manager_volunteers_and_admins_at_once(tmp_path: Path, tally: Counter[str]) -> None:
    db = tmp_path / "lou.json"
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db), "LOU_LOCK_TIMEOUT": "120"}
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
