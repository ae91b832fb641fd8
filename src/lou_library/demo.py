"""The demo network of ``data/``: 11 sites, about 100 boxes, 3,000+ books, 41 volunteers.

The CSV files are the source of truth; loading them is deterministic. Copies are dealt
to boxes like cards, in title order, so every box gets a mix of categories and fills to
about four fifths of its capacity; the rest stays in the depot, as in the real library
room. There is no randomness, so every ``lou init --demo`` gives the same DB.
"""

from __future__ import annotations

import csv
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

from lou_library import messages as M
from lou_library.catalogue import BookSpec, categories, check_spec, create_books
from lou_library.errors import Invalid
from lou_library.network import add_box, add_site, add_volunteer, depot_record
from lou_library.records import SITES
from lou_library.repository import Repository
from lou_library.schema import BoxStatus
from lou_library.store import RawData, in_memory, new_document

FILL = 0.8


def data_dir() -> Path:
    """``lou_library/data`` inside an installed wheel, else ``data/`` of the checkout."""
    packaged = Path(__file__).with_name("data")
    if (packaged / "sites.csv").is_file():
        return packaged
    return Path(__file__).resolve().parents[2] / "data"


def _read(name: str) -> list[dict[str, str]]:
    path = data_dir() / name
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            return list(csv.DictReader(handle))
    except OSError as exc:
        raise Invalid(M.DEMO_MISSING, path=path) from exc


def empty_document() -> RawData:
    """A new DB with its one permanent site, the depot."""
    db = in_memory(new_document())
    db.add(SITES, [depot_record()])
    return db.document()


def build_demo() -> RawData:
    """The whole demo DB, built in memory through the same rules as the commands."""
    db = in_memory(empty_document())
    for row in _read("sites.csv"):
        add_site(db, row["name"], row["kind"], code=row["code"], note=row.get("note"))
    capacity: dict[str, int] = {}
    for row in _read("boxes.csv"):
        box = add_box(
            db,
            row["site"],
            row["building"],
            row["unit"],
            capacity=int(row["capacity"]),
            note=row.get("note"),
            code=row["code"],
        )
        capacity[box["code"]] = box["capacity"]
    for row in _read("volunteers.csv"):
        record = add_volunteer(
            db,
            row["name"],
            phone=row.get("phone"),
            party_member=row["party_member"].strip().lower() in ("yes", "true", "1", "是"),
            sites=[s for s in row.get("sites", "").split(";") if s.strip()],
            role=row["role"],
        )
        if record["code"] != row["code"]:
            raise Invalid(M.DEMO_MISSING, path=data_dir() / "volunteers.csv")
    _place_books(db, capacity)
    return db.document()


def _stride(count: int) -> int:
    """How far apart two copies of a title are dealt: about 0.38 of the boxes (the golden
    section), so a title's copies land in different walks and sites, as books given to a
    new programme would, not in neighbouring boxes; coprime with ``count`` so the deal
    still visits every box."""
    stride = max(1, round(count * 0.382))
    while math.gcd(stride, count) != 1:
        stride += 1
    return stride


def _place_books(db: Repository, capacity: dict[str, int]) -> None:
    room = {code: int(cap * FILL) for code, cap in capacity.items()}
    order = sorted(room)
    known = categories(db)
    boxes = {
        code: {"code": code, "status": BoxStatus.active, "capacity": cap}
        for code, cap in capacity.items()
    }
    # (title row, box) -> copies, so each title's copies in one box share one spec
    placed: dict[tuple[int, str | None], int] = defaultdict(int)
    titles = _read("titles.csv")
    stride = _stride(len(order))
    turn = 0
    for index, row in enumerate(titles):
        for _ in range(int(row["copies"])):
            target = None
            for step in range(len(order)):
                candidate = order[(turn + step * stride) % len(order)]
                if room[candidate] > 0:
                    target = candidate
                    room[candidate] -= 1
                    turn = (turn + (step + 1) * stride) % len(order)
                    break
            placed[(index, target)] += 1
    specs: list[BookSpec] = []
    for (index, box), copies in placed.items():
        row = titles[index]
        specs.append(
            check_spec(
                known,
                boxes,
                title=row["title"],
                author=row.get("author"),
                category=row["category"],
                audience=row.get("audience"),
                box=box,
                copies=copies,
            )
        )
    create_books(db, specs, "init --demo")


def demo_summary(data: RawData) -> dict[str, Any]:
    return {name: len(table) for name, table in data.items()}
