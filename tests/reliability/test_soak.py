"""Years of rounds through the real commands: the file stays sound, flat and linear.

Each round is played as the programme plays it, one command at a time through the command
line: ``rotate apply`` on the round's day, ``task done`` for every walk with about 2 % of
its books reported missing, ``book found`` for a share of the books not seen, and a
resident's ``donate``. After every round the document must parse, ``db check`` must pass,
no book may be created or lost, only the last round may keep undo data, and the nesting
depth must stay within the schema's (schema 2 grew it by three levels a round and stopped
at round 84, when orjson refused to write the file).

The CI runs 30 rounds of a network of 600 books (20 boxes); ``pytest -m slow
tests/reliability`` runs 104 rounds (four years) of the demo network (3,109 books).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path

import orjson
import pytest

from lou_library import integrity
from tests.conftest import Lou
from tests.reliability.network import build_network

ON_SHELF = ("in_box", "in_depot")


def _play(lou: Lou, db_path: Path, rounds: int, tally: Counter[str]) -> list[int]:
    rng = random.Random(84)
    sizes = []
    for _ in range(rounds):
        before = {b["code"]: b for b in lou.json("book", "list", "--limit", "100000")["books"]}
        day = lou.json("rotate", "status")["next_date"]
        plan = lou.json("rotate", "apply", env={"LOU_NOW": f"{day}T09:00:00"})
        evening = {"LOU_NOW": f"{day}T18:00:00"}
        missing: set[str] = set()
        for task in plan["tasks"]:
            books = sorted(
                {b for stop in task["stops"] for b, _ in stop["take_out"] + stop["put_in"]}
            )
            gone = [b for b in books if rng.random() < 0.02]
            report = ["--missing", ",".join(gone)] if gone else []
            lou.ok("task", "done", str(task["id"]), *report, env=evening)
            missing.update(gone)
        not_seen = [
            b["code"]
            for b in lou.json("book", "list", "--status", "not_seen", "--limit", "100000")["books"]
            if rng.random() < 0.3
        ]
        for code in not_seen:
            lou.ok("book", "found", code, env=evening)
        donated = lou.json(
            "donate", "--box", rng.choice(sorted({b["box"] for b in before.values() if b["box"]})),
            "--title", f"第{plan['round']}轮捐赠", env=evening,
        )  # fmt: skip
        after = {b["code"]: b for b in lou.json("book", "list", "--limit", "100000")["books"]}
        new = {b["code"] for b in donated["books"]}
        assert set(after) == set(before) | new, plan["round"]  # none created, none lost
        for code, book in before.items():
            if book["status"] in ON_SHELF and code not in missing:
                assert after[code]["status"] in ON_SHELF, (plan["round"], code)
        document = orjson.loads(db_path.read_bytes())
        assert integrity.depth(document) <= integrity.MAX_DEPTH, plan["round"]
        undo = [r["number"] for r in document["rounds"].values() if "undo" in r]
        assert undo == [plan["round"]]
        lou.ok("db", "check")
        sizes.append(db_path.stat().st_size)
        tally["soak rounds played"] += 1
    return sizes


def _linear(sizes: list[int]) -> None:
    """The last third of the rounds adds no more than the first third, give or take."""
    third = len(sizes) // 3
    early = sizes[third] - sizes[0]
    late = sizes[-1] - sizes[-1 - third]
    assert 0 < late < early * 1.3, sizes


def test_thirty_rounds_through_the_commands(lou: Lou, db_path: Path, tally: Counter[str]) -> None:
    build_network(db_path, 600)
    _linear(_play(lou, db_path, 30, tally))


@pytest.mark.slow
def test_four_years_of_rounds_through_the_commands(
    lou: Lou, db_path: Path, tally: Counter[str]
) -> None:
    lou.ok("init", "--demo")
    sizes = _play(lou, db_path, 104, tally)
    _linear(sizes)
    assert sizes[-1] <= 15_000_000
