#!/usr/bin/env python3
"""What ``rotate simulate --rounds 26`` could cost at least (issue 15), against its target.

Run from a checkout, with the interpreter that has ``lou_library`` installed::

    python bench/simulate_floor.py            # 7 runs: medians of the commands, best in process
    python bench/simulate_floor.py --runs 3
    python bench/simulate_floor.py --aged 104 # on the demo after four years of rounds
    python bench/simulate_floor.py --json     # the same figures as one JSON document

Issue 15 asks that ``lou rotate simulate --rounds 26 --loss 0.02`` on the demo take at
most 5 times the read floor (``bench/run.py``'s: start Python, import Typer, Rich, TinyDB
and orjson, decode the file). This script measures how that budget divides:

* **the command**, as a subprocess, with 26 rounds and with 1, interleaved with the read
  floor so machine noise hits all three. What 1 round costs (start-up, reading, checking
  the simulated file, printing) is what 26 rounds cost besides their other 25, so the
  budget a round has is ``(5 x floor - 1 round) / 25``.
* **the rounds in process** (``lou_library.simulate.simulate``, no start-up), and the
  planner's walk (``planner.walk``) within them: the best of the runs, as for the data
  work below (the least disturbed by the machine; the commands are medians).
* **a round's unavoidable data work**: the same rounds' moves (taken from the real run)
  replayed on the same document with the plainest Python there is: one pass over the
  books to know where each is, each moved book's four fields set, each box's memory given
  the round, the round's legs stored, and the three tables the round changes encoded as
  the file holds them. No choosing, no tasks, no reports, no undo data, no history, no
  checks: a lower bound for any round that keeps this file. What the budget leaves after
  it is what choosing every book may cost, per move.

``--aged N`` first plays N rounds on the demo through the real apply and report paths
(``bench/aged.py``, about 0.4 s a round, not timed), so the figures are those of a
network that has lived.
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import FLOOR_CODE, READ_FLOOR  # (the floor bench/run.py uses)

LOU_NOW = "2026-11-24T09:30:00"
ROUNDS = 26
LOSS = "0.02"
TARGET = 5.0  # x the read floor


def run(argv: list[str]) -> float:
    """Wall time of a child process, which must succeed."""
    env = {**os.environ, "LOU_NOW": LOU_NOW, "LOU_LANG": "en", "NO_COLOR": "1"}
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, env=env, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed: {done.stderr.decode()}")
    return elapsed


def in_process(data: dict[str, Any]) -> tuple[float, float, list[list[tuple[str, str, str]]]]:
    """(seconds for the 26 rounds, seconds of them in the planner's walk, each round's
    moves), ``simulate`` run in this process as the command runs it."""
    from lou_library import planner, rotation
    from lou_library import simulate as sim

    moves: list[list[tuple[str, str, str]]] = []
    walked = [0.0]
    real_walk, real_apply = planner.walk, rotation.apply_round

    def walk(*args: Any, **kwargs: Any) -> Any:
        start = time.perf_counter()
        try:
            return real_walk(*args, **kwargs)
        finally:
            walked[0] += time.perf_counter() - start

    def apply_round(db: Any, plan: Any, **kwargs: Any) -> Any:
        moves.append(list(plan.moves))
        return real_apply(db, plan, **kwargs)

    planner.walk, rotation.apply_round = walk, apply_round  # type: ignore[assignment]
    try:
        start = time.perf_counter()
        sim.simulate(data, ROUNDS, loss=float(LOSS))
        elapsed = time.perf_counter() - start
    finally:
        planner.walk, rotation.apply_round = real_walk, real_apply
    return elapsed, walked[0], moves


def data_work(data: dict[str, Any], rounds: list[list[tuple[str, str, str]]]) -> float:
    """Seconds to replay ``rounds`` on a copy of ``data`` doing only what no round can
    skip (the module's docstring)."""
    import orjson

    from lou_library.network import DEPOT

    doc = copy.deepcopy(data)
    start = time.perf_counter()
    books, boxes = doc["books"], doc["boxes"]
    book_of = {b["code"]: b for b in books.values()}
    box_of = {b["code"]: b for b in boxes.values()}
    stored = doc.setdefault("moves", {})
    for number, moves in enumerate(rounds, start=1):
        where: dict[str, list[str]] = defaultdict(list)  # where every book is
        for book in books.values():
            where[book["box"] if book["status"] == "in_box" else book["status"]].append(
                book["code"]
            )
        arrivals: dict[str, list[str]] = defaultdict(list)
        for code, source, target in moves:
            book = book_of[code]
            if target == DEPOT:
                book["status"], book["box"] = "in_depot", None
            else:
                book["status"], book["box"] = "in_box", target
                arrivals[target].append(code)
            book["last_box"], book["since"] = source, number
        for box, codes in arrivals.items():
            box_of[box].setdefault("recent", {})[str(number)] = " ".join(codes)
        stored[str(number)] = {"round": number, "legs": [list(move) for move in moves]}
        orjson.dumps(books), orjson.dumps(boxes), orjson.dumps(stored[str(number)])
    return time.perf_counter() - start


def best(runs: int, work: Callable[[], float]) -> float:
    return min(work() for _ in range(runs))


def measure(runs: int = 7, aged: int = 0) -> dict[str, Any]:
    """Every figure, on a demo network in a temporary folder, after ``aged`` rounds."""
    import orjson

    with tempfile.TemporaryDirectory(prefix="lou-bench-simulate-") as tmp:
        db = Path(tmp) / "demo.json"
        lou = [sys.executable, "-m", "lou_library", "--db", str(db)]
        run([*lou, "init", "--demo"])
        if aged:
            from aged import Aging, age

            was = os.environ.get("LOU_NOW")
            age(db, Aging(aged))
            os.environ.pop("LOU_NOW") if was is None else os.environ.update(LOU_NOW=was)
        simulate = [*lou, "rotate", "simulate", "--loss", LOSS, "--rounds"]
        floor = [sys.executable, "-c", FLOOR_CODE[READ_FLOOR], str(db)]
        run([*simulate, str(ROUNDS)]), run([*simulate, "1"]), run(floor)  # warm-up
        whole, one, floors = [], [], []
        for _ in range(runs):
            whole.append(run([*simulate, str(ROUNDS)]))
            one.append(run([*simulate, "1"]))
            floors.append(run(floor))
        data = orjson.loads(db.read_bytes())
    timed = [in_process(data) for _ in range(runs)]  # (the best of them: the least noise)
    rounds_s, walk_s, moves = min(timed, key=lambda t: t[0])
    skeleton_s = best(runs, lambda: data_work(data, moves))
    whole_s, one_s, floor_s = (statistics.median(x) for x in (whole, one, floors))
    per_round = (whole_s - one_s) / (ROUNDS - 1)
    allowed = (TARGET * floor_s - one_s) / (ROUNDS - 1)
    skeleton = skeleton_s / ROUNDS
    mean_moves = sum(map(len, moves)) / ROUNDS
    return {
        "runs": runs,
        "aged_rounds": aged,
        "read_floor_s": round(floor_s, 4),
        "simulate_26_s": round(whole_s, 4),
        "x_floor": round(whole_s / floor_s, 2),
        "target_x_floor": TARGET,
        "met": whole_s <= TARGET * floor_s,
        "simulate_1_s": round(one_s, 4),
        "round_now_ms": round(per_round * 1000, 2),
        "round_allowed_ms": round(allowed * 1000, 2),
        "in_process_26_s": round(rounds_s, 4),
        "walk_round_ms": round(walk_s / ROUNDS * 1000, 2),
        "data_work_round_ms": round(skeleton * 1000, 2),
        "moves_a_round": round(mean_moves),
        "choosing_allowed_us_a_move": round((allowed - skeleton) / mean_moves * 1e6, 2),
        "walk_now_us_a_move": round(walk_s / ROUNDS / mean_moves * 1e6, 2),
    }


def table(found: dict[str, Any]) -> str:
    allowed, in_process = found["round_allowed_ms"], found["in_process_26_s"]
    walk, choosing, now = (
        found[k] for k in ("walk_round_ms", "choosing_allowed_us_a_move", "walk_now_us_a_move")
    )
    rows = [
        ("the demo network after", f"{found['aged_rounds']} rounds"),
        ("read floor", f"{found['read_floor_s']:.3f} s"),
        (
            f"lou rotate simulate --rounds {ROUNDS} --loss {LOSS}",
            f"{found['simulate_26_s']:.3f} s = {found['x_floor']:.2f} x floor"
            f" (target {TARGET:g} x: {'met' if found['met'] else 'not met'})",
        ),
        ("the same, --rounds 1 (start-up, read, check, print)", f"{found['simulate_1_s']:.3f} s"),
        ("a round now ((26 rounds - 1 round) / 25)", f"{found['round_now_ms']:.1f} ms"),
        (f"a round at {TARGET:g} x floor ((target - 1 round) / 25)", f"{allowed:.1f} ms"),
        ("26 rounds in process / the walk a round", f"{in_process:.3f} s / {walk:.1f} ms"),
        ("a round's unavoidable data work (lower bound)", f"{found['data_work_round_ms']:.2f} ms"),
        ("moves a round", f"{found['moves_a_round']}"),
        ("choosing a book, at the target / the walk now", f"{choosing:.2f} / {now:.2f} µs a move"),
    ]
    width = max(len(name) for name, _ in rows)
    return "\n".join(f"{name:<{width}}  {value}" for name, value in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (median)")
    parser.add_argument("--aged", type=int, default=0, help="rounds played first (not timed)")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    found = measure(max(1, args.runs), max(0, args.aged))
    print(json.dumps(found, indent=2) if args.json else table(found))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
