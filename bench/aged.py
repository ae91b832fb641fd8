"""A network that has lived: rounds played on a DB file as a programme plays them.

Every round goes through the code the commands run, each step as its own unit of work
on the file (``Store.write``: lock, read, change, one atomic write), with the clock set
to the round's date:

1. ``lou rotate apply``: ``plan_round`` and ``apply_round``, after the automatic backup;
2. ``lou task done`` for every task: ``complete_task``, each book missing with
   probability ``loss`` (the volunteers' reports of one round are written in one unit of
   work, which gives the same document as one command per task, and saves minutes at
   100,000 books);
3. ``lou book found``: each book not seen comes back with probability ``returns``;
4. ``lou donate``: ``donations`` books a round, into random boxes.

So the file, its undo data, its history and its backups folder grow exactly as a real
programme's would, and a benchmark can time every command on it next to the fresh
network. Nothing here is timed; ``run.py`` caches the result.
"""

from __future__ import annotations

import os
import random
from dataclasses import dataclass
from pathlib import Path

from lou_library import rotation
from lou_library.catalogue import donate, found_book
from lou_library.records import BOOKS, BOXES
from lou_library.store import Store


@dataclass(frozen=True)
class Aging:
    rounds: int
    loss: float = 0.02
    returns: float = 0.3
    donations: int = 2
    seed: int = 2020


@dataclass
class Aged:
    rounds: int
    file_bytes: int
    backups_bytes: int
    books: int


def _at(day: str, hour: str) -> None:
    os.environ["LOU_NOW"] = f"{day}T{hour}"


def age(path: Path, how: Aging) -> Aged:
    """Play ``how.rounds`` rounds on the DB at ``path`` (changed in place, backups beside
    it). The caller restores ``LOU_NOW`` if it matters."""
    rng = random.Random(how.seed)
    store = Store(path)
    for _ in range(how.rounds):
        with store.read() as db:
            day = rotation.next_round(db).date.isoformat()
        _at(day, "09:00:00")
        with store.write("rotate apply") as db:
            plan = rotation.plan_round(db)
            store.backup("apply")
            rotation.apply_round(db, plan)
        _at(day, "18:00:00")
        with store.write("task done") as db:
            for task in rotation.list_tasks(db, round_number=plan.number):
                books = sorted(rotation.task_books(task))
                missing = [b for b in books if rng.random() < how.loss]
                rotation.complete_task(db, task["id"], missing=missing, listed=task)
        with store.write("book found") as db:
            for code in [b["code"] for b in db.all(BOOKS) if b["status"] == "not_seen"]:
                if rng.random() < how.returns:
                    found_book(db, code, None)
        with store.write("donate") as db:
            boxes = [b["code"] for b in db.all(BOXES) if b["status"] == "active"]
            for n in range(how.donations):
                donate(db, box=rng.choice(boxes), title=f"捐赠图书 {plan.number}-{n + 1}")
    with store.read() as db:
        copies = len(list(db.all(BOOKS)))
    backups = sum(b.size for b in store.backups())
    return Aged(how.rounds, store.size(), backups, copies)
