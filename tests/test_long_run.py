"""A programme lives for years: the file stays small and flat, old files are flattened,
and the backups stay bounded and belong to one database."""

from __future__ import annotations

import gzip
import math
import shutil
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson
import pytest

from lou_library import clock, integrity
from lou_library.store import BACKUPS_KEPT, Store, read_backup
from tests.conftest import Lou

SCHEMA2 = Path(__file__).parent / "data" / "schema2"
AFTER_ROUND_3 = {"LOU_NOW": "2026-12-27T09:00:00"}


def _document(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = orjson.loads(path.read_bytes())
    return data


def _expected(name: str) -> Any:
    return orjson.loads((SCHEMA2 / name).read_bytes())


def _without_books(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            k: _without_books(v) for k, v in value.items() if k not in ("books", "books_carried")
        }
    if isinstance(value, list):
        return [_without_books(v) for v in value if v not in ("books", "books_carried")]
    return value


# ------------------------------------------------------------------ the migration


@pytest.fixture
def schema2(lou: Lou, db_path: Path) -> Lou:
    """Three rounds played by lou-library schema 2 (tests/data/schema2/made-by.sh)."""
    shutil.copyfile(SCHEMA2 / "three-rounds.json", db_path)
    lou.env.update(AFTER_ROUND_3)
    return lou


def test_a_schema_2_file_asks_for_migrate(schema2: Lou, db_path: Path) -> None:
    run = schema2("info")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ The database {db_path} has schema version 2; this program needs 4. "
        "Run `lou db migrate` (it takes a backup first).\n",
    )


def test_migrate_flattens_the_rounds_and_keeps_every_history(schema2: Lou, db_path: Path) -> None:
    before = _document(db_path)
    assert integrity.depth(before) > integrity.MAX_DEPTH - 1  # round 3 nests rounds 2 and 1
    schema2.ok("db", "migrate")
    after = _document(db_path)
    assert integrity.depth(after) <= integrity.MAX_DEPTH
    assert [("undo" in r) for r in after["rounds"].values()] == [False, False, True]
    assert "rounds" not in after["rounds"]["3"]["undo"]
    # every move is still there, in the plan's order, now as legs in a table of their own
    legs = {m["round"]: m["legs"] for m in after["moves"].values()}
    assert all("moves" not in r for r in after["rounds"].values())
    for record in before["rounds"].values():
        moves = [
            f"{book} {leg['from']} {leg['to']}"
            for leg in legs[record["number"]]
            for book in leg["books"].split()
        ]
        assert moves == record["moves"]
    # the last round's undo data keeps its books' fields grouped by value
    groups = after["rounds"]["3"]["undo"]["book_groups"]
    saved = before["rounds"]["3"]["undo"]["book_fields"]
    assert sorted(code for _, codes in groups for code in codes.split()) == sorted(saved)
    # the memory of what each box held is the same
    assert [b.get("recent") for b in after["boxes"].values()] == [
        b.get("recent") for b in before["boxes"].values()
    ]
    # what the commands show is what schema 2 showed
    assert schema2.json("book", "history", "B00005") == _expected("h5.json")
    assert schema2.json("book", "history", "B00001") == _expected("h1.json")
    assert schema2.json("rotate", "history") == _expected("rh.json")
    # the table too: its rounds predate the share of new titles and of books staying in
    # their site, shown as "-"
    table = schema2.ok("--lang", "en", "rotate", "history", env={"COLUMNS": "120"}).stdout
    shares = [line.split("│")[5:8] for line in table.splitlines() if line.startswith("│")]
    assert [[cell.strip() for cell in row] for row in shares] == [["-", "60.0%", "-"]] * 3
    for number in (5, 6):  # added since: the walk's estimate, and the hours once done (issue 18)
        task = schema2.json("task", "show", str(number))
        minutes = 20 + 10 * len(task["boxes"]) + 0.25 * task["books"]  # its estimate
        assert (task.pop("minutes"), task.pop("hours")) == (math.ceil(minutes / 5) * 5, None)
        assert task == _expected(f"t{number}.json")
    plan = schema2.json("rotate", "plan")
    assert plan.pop("due") is None  # a key added since (a late round says when it was due)
    # added since: the warnings as codes and data, the same in every language (issue 15)
    assert plan.pop("notes") == [{"code": "unreported", "number": 3, "n": 2, "tasks": [5, 6]}]
    # the planner was rewritten since (issue 16: walks from and back to the library room),
    # so the next round is planned anew on the migrated file: the same round on the same
    # day, its walks standing alone (a library room of two books for two walks: the rest of
    # each first box comes from its walk's last box)
    old = _expected("plan.json")
    assert (plan["round"], plan["date"]) == (old["round"], old["date"])
    figures = plan["figures"]
    assert (figures["handovers"], figures["over_capacity"], figures["short"]) == (0, 0, 0)
    assert (figures["from_depot"], figures["to_depot"]) == (2, 2)
    report = schema2.ok("report", "rotation", "--format", "json").json()
    # added since: of the books changing box, the share that stay in their site (issue 16);
    # rounds applied before it was kept have none
    rounds = report["sections"]["rounds"]
    assert [row.pop("stay_in_site") for row in rounds["rows"]] == [None, None, None]
    assert rounds["totals"].pop("stay_in_site") is None
    rounds["columns"].remove("stay_in_site")
    # "books carried" was redefined since schema 2 (issue 14: each book once, minus those
    # not seen): every other figure is the same
    assert _without_books(report) == _without_books(_expected("rot.json"))
    schema2.ok("db", "check")


@pytest.mark.parametrize(
    ("written", "reason"),
    [
        ("B00017 XY-02 DY-01 DY-02", "too many values to unpack (expected 3)"),
        ("B00017 XY-02", "not enough values to unpack (expected 3, got 2)"),
    ],
)
def test_migrate_refuses_a_move_that_is_not_book_from_to(
    schema2: Lou, db_path: Path, written: str, reason: str
) -> None:
    """A schema-2 move is three words: a string of any other shape is refused (not read as
    a move with a word dropped), and the file stays as it was."""
    document = _document(db_path)
    document["rounds"]["1"]["moves"][0] = written
    db_path.write_bytes(orjson.dumps(document))
    before = db_path.read_bytes()
    run = schema2("db", "migrate", env={"LOU_DEBUG": ""})
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ Unexpected data (ValueError: {reason}); the database is unchanged. "
        "Run `lou db check`; if it persists, please report it.\n",
    )
    assert db_path.read_bytes() == before


def test_the_last_round_of_a_migrated_file_can_still_be_undone(schema2: Lou, db_path: Path) -> None:
    schema2.ok("db", "migrate")
    migrated = _document(db_path)
    schema2.ok("rotate", "undo")
    after = _document(db_path)
    assert sorted(after["rounds"]) == ["1", "2"]
    assert after["_meta"]["1"]["schema_version"] == 4
    assert [m["round"] for m in after["moves"].values()] == [1, 2]
    for box in after["boxes"].values():  # round 3's arrivals are forgotten again
        assert "3" not in box.get("recent", {})
    (legs,) = [m["legs"] for m in migrated["moves"].values() if m["round"] == 3]
    moved_back = {leg["from"] for leg in legs if leg["from"] != "DEPOT"}
    assert moved_back <= {b["box"] for b in after["books"].values() if b["box"]}
    schema2.ok("db", "check")


def test_a_round_applied_before_undo_checked_for_later_work_is_not_undone(
    schema2: Lou, db_path: Path
) -> None:
    """Found in review: a file from before undo recorded the state after the apply (schema
    1, early schema 2) was undone over later work after migrating, and book codes were
    handed out again. Its last round now loses its undo data in the migration."""
    data = _document(db_path)
    del data["rounds"]["3"]["undo"]["after"]
    db_path.write_bytes(orjson.dumps(data))
    schema2.ok("db", "migrate")
    assert all("undo" not in r for r in _document(db_path)["rounds"].values())
    run = schema2("rotate", "undo")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Round 3 can no longer be undone: lou keeps undo data for the last round applied "
        "only, and this round's is gone (a later round was applied, or the file comes from an "
        "older version).\n",
    )
    schema2.ok("db", "check")


# ------------------------------------------------------------ the file's own shape


def test_db_check_reports_and_repairs_what_makes_a_file_grow(ring: Lou, db_path: Path) -> None:
    ring.ok("rotate", "apply")
    ring.ok("rotate", "apply", env={"LOU_NOW": "2026-12-10T09:00:00"})
    data = _document(db_path)
    clean_rounds = orjson.loads(orjson.dumps(data["rounds"]))
    data["rounds"]["1"]["undo"] = {"meta": {}}  # undo data an older round should not keep
    data["rounds"]["2"]["undo"]["rounds"] = {"1": clean_rounds["1"]}  # schema 2's nesting
    payload = orjson.dumps(data, option=orjson.OPT_INDENT_2) + b" " * 200_000  # and padded
    db_path.write_bytes(payload)
    run = ring("db", "check", "--json")
    assert run.exit_code == 1
    problems = [(p["kind"], p["record"]) for p in run.json()["problems"]]
    assert problems == [("stale_undo", "1"), ("stale_undo", "2"), ("padded_file", "—")]
    assert db_path.read_bytes() == payload  # a check changes nothing
    repaired = ring.json("db", "check", "--repair")
    assert (repaired["ok"], repaired["repaired"]) == (True, 3)
    assert _document(db_path)["rounds"] == {
        "1": {k: v for k, v in clean_rounds["1"].items() if k != "undo"},
        "2": clean_rounds["2"],
    }
    assert len(db_path.read_bytes()) < len(payload) / 1.25
    assert [b.reason for b in Store(db_path).backups()][-1] == "repair"
    assert read_backup(Store(db_path).backups()[-1].path) == payload
    ring.ok("rotate", "undo", env={"LOU_NOW": "2026-12-10T09:00:00"})  # still undoable


def test_db_check_reports_nesting_deeper_than_the_schema(ring: Lou, db_path: Path) -> None:
    data = _document(db_path)
    deep: dict[str, Any] = {}
    for _ in range(12):
        deep = {"x": deep}
    data["sites"]["2"]["note_data"] = deep
    db_path.write_bytes(orjson.dumps(data))
    run = ring("db", "check", "--json")
    assert run.exit_code == 1
    assert [p["kind"] for p in run.json()["problems"]] == ["too_deep"]
    assert run.json()["problems"][0]["message"] == (
        f"the file nests 16 levels deep; the schema has at most {integrity.MAX_DEPTH}"
    )


def test_simulate_writes_the_file_every_round_and_it_grows_linearly(ring: Lou) -> None:
    result = ring.json("rotate", "simulate", "--rounds", "30", "--loss", "0.05")
    sizes = [r["file_bytes"] for r in result["rounds"]]
    assert result["totals"]["file_bytes"] == sizes[-1]
    first_half = sizes[15] - sizes[0]
    second_half = sizes[29] - sizes[14]
    assert 0 < second_half < first_half * 1.3  # schema 2 grew quadratically


# ------------------------------------------------------------------------- backups


def test_backups_are_compressed_numbered_and_restore_the_exact_file(
    ring: Lou, db_path: Path
) -> None:
    before = db_path.read_bytes()
    ring.ok("rotate", "apply")
    (backup,) = Store(db_path).backups()
    assert backup.path.parent == db_path.parent / "lou.json.backups"
    assert backup.path.name == "000001.20261124-093000.apply.json.gz"
    assert gzip.decompress(backup.path.read_bytes()) == before
    assert backup.size < len(before) / 3
    ring.ok("db", "restore", "--latest")
    assert db_path.read_bytes() == before


def test_a_clock_behind_the_backups_never_deletes_the_new_backup(
    ring: Lou, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOU_NOW", ring.env["LOU_NOW"])
    store = Store(db_path)
    with store.lock("test"):
        for _ in range(BACKUPS_KEPT):
            store.backup("import")
    ring.ok("book", "add", "--title", "时钟回拨之后", "--box", "SHY-01")
    wanted = db_path.read_bytes()
    run = ring.ok("rotate", "apply", env={"LOU_NOW": "2020-01-01T08:00:00"})
    assert run.stderr.splitlines(keepends=True)[0] == (
        "! Note: the clock (2020-01-01 08:00:00) is behind the newest backup "
        "(2026-11-24 09:30:00); check the date and time zone. Backups are kept by the order "
        "they were made, so the new one is safe.\n"
    )
    backups = Store(db_path).backups()
    assert len(backups) == BACKUPS_KEPT
    assert backups[-1].path.name == f"{BACKUPS_KEPT + 1:06d}.20200101-080000.apply.json.gz"
    assert read_backup(backups[-1].path) == wanted
    ring.ok("db", "restore", "--latest")
    assert db_path.read_bytes() == wanted


def test_two_databases_with_one_stem_keep_their_own_backups(lou: Lou, tmp_path: Path) -> None:
    real = Lou(tmp_path / "lou.json")
    test = Lou(tmp_path / "lou.test")
    real.ok("init", "--demo")
    test.ok("init")
    real.ok("db", "backup")
    test.ok("db", "backup")
    books = real.json("info")["books"]["total"]
    real.ok("book", "add", "--title", "之后")
    real.ok("db", "restore", "--latest")
    assert real.json("info")["books"]["total"] == books
    assert [b["name"] for b in test.json("db", "restore")["backups"]] == [
        "000001.20261124-093000.manual.json.gz"
    ]
    assert sorted(p.name for p in tmp_path.glob("*.backups")) == [
        "lou.json.backups",
        "lou.test.backups",
    ]


def test_backups_of_an_earlier_version_are_listed_but_never_taken_as_latest(
    ring: Lou, db_path: Path
) -> None:
    legacy = db_path.parent / "lou.backups"  # schema 2 shared <stem>.backups/
    legacy.mkdir()
    old = legacy / "lou.20261201-093000.manual.json"
    old.write_bytes(db_path.read_bytes())
    listing = ring.json("db", "restore")["backups"]
    assert [(b["name"], b["legacy"]) for b in listing] == [(old.name, True)]
    run = ring("db", "restore", "--latest")
    assert run.exit_code == 1
    ring.ok("db", "restore", old.name)  # by its name it still comes back


def test_a_killed_writers_temp_files_are_removed_and_nothing_else(ring: Lou, db_path: Path) -> None:
    ring.ok("db", "backup")
    folder = db_path.parent / "lou.json.backups"
    stale = [
        db_path.parent / ".lou.json.k2j4h1x9.lou-tmp",
        db_path.parent / ".lou.json.a1b2c3d4.tmp",  # as schema 2 named them
        folder / ".000002.20261124-093000.apply.json.gz.q9w8e7r6.lou-tmp",
    ]
    kept = [
        db_path.parent / ".lou.json.my notes.tmp",
        db_path.parent / ".lou.json.backup-from-usb.tmp",
        folder / "notes.txt",
    ]
    for path in stale + kept:
        path.write_bytes(b"x" * 100)
    ring.ok("book", "add", "--title", "新书")
    assert [p.exists() for p in stale] == [False, False, False]
    assert [p.exists() for p in kept] == [True, True, True]


@pytest.mark.parametrize("year", [999, 1, 9999])
def test_backups_made_in_any_year_are_seen_by_restore(
    ring: Lou, db_path: Path, monkeypatch: pytest.MonkeyPatch, year: int
) -> None:
    monkeypatch.setattr(clock, "now", lambda: datetime(year, 3, 4, 5, 6, 7))
    store = Store(db_path)
    with store.lock("test"):
        saved = store.backup("manual")
    assert saved.name == f"000001.{year:04d}0304-050607.manual.json.gz"
    (found,) = Store(db_path).backups()
    assert (found.path, found.created) == (saved, f"{year:04d}-03-04 05:06:07")


def test_a_simulated_document_that_differs_from_its_bytes_is_a_bug() -> None:
    from lou_library.store import MemoryFile, new_document

    document = MemoryFile(new_document())
    with document.write() as db:
        db.set_meta({**db.meta(), "route": ("SHY", "GDJ")})  # JSON gives a list back
    with pytest.raises(RuntimeError, match="differs from what its file would hold"):
        document.verify()
    with document.write() as db:
        db.set_meta({**db.meta(), "route": ["SHY", "GDJ"]})
    document.verify()
    assert document.size == len(document.payload)
