"""The store's promises: atomic writes, one writer at a time, untouched files on failure."""

from __future__ import annotations

import errno
import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from filelock import FileLock
from hypothesis import example, given, settings
from hypothesis import strategies as st

from lou_library import store as store_module
from lou_library.repository import Repository
from lou_library.store import (
    SCHEMA_VERSION,
    MemoryFile,
    Store,
    UnitOfWork,
    new_document,
    read_backup,
)
from tests.conftest import Lou

WRITER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lou_library.store import Store
    store = Store(Path(sys.argv[1]))
    pad = "楼" * 200_000  # a ~600 KB document, so a kill often lands mid-write
    while True:
        with store.write("test") as db:
            n = db.last_number("imports")  # a log no rule checks the shape of
            db.add("imports", [{"n": n, "pad": pad}])
        print(n + 1, flush=True)
    """
)


def _count(path: Path) -> int:
    data = orjson.loads(path.read_bytes())
    return len(data.get("imports", {}))


def test_sigkill_leaves_the_old_or_the_new_file(lou: Lou, db_path: Path) -> None:
    lou.ok("init")
    rng = random.Random(20201)
    kills = 0
    for _ in range(60):
        before = _count(db_path)
        proc = subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db_path)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        first = proc.stdout.readline()  # the first write has landed: the loop is running
        assert first.strip() == str(before + 1)
        time.sleep(rng.uniform(0.0, 0.05))
        proc.send_signal(signal.SIGKILL)
        reported = [first, *proc.stdout.read().split()]
        proc.wait()
        kills += 1
        last_committed = before + len([r for r in reported if r.strip()])
        after = _count(db_path)  # parses: never a half-written file
        assert after in (last_committed, last_committed + 1), (before, last_committed, after)
    assert kills >= 50
    lou.ok("db", "check")  # the next writer cleared the killed writers' temp files
    lou.ok("book", "add", "--title", "after the storm")
    assert not list(db_path.parent.glob(".lou.json.*tmp"))


CHANGER = textwrap.dedent(
    """
    import sys
    from lou_library.cli import main
    worker = sys.argv[1]
    for i in range(25):
        try:
            main(["book", "add", "--title", f"w{worker}-{i}"])
        except SystemExit as exit:
            if exit.code:
                raise
    """
)


def test_eight_processes_each_make_25_changes(lou: Lou, db_path: Path) -> None:
    lou.ok("init")
    env = {**os.environ, **lou.env, "LOU_LOCK_TIMEOUT": "60"}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", CHANGER, str(w)],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(8)
    ]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    titles = sorted(b["title"] for b in lou.json("book", "list", "--limit", "1000")["books"])
    assert titles == sorted(f"w{w}-{i}" for w in range(8) for i in range(25))
    codes = [b["code"] for b in lou.json("book", "list", "--limit", "1000")["books"]]
    assert len(set(codes)) == 200


def _fail(*args: Any, **kwargs: Any) -> Any:
    raise OSError(errno.ENOSPC, "No space left on device")


_REAL_FDOPEN = os.fdopen


class _FullDisk:
    """A file whose writes fail as on a full disk."""

    def __init__(self, fd: int, mode: str) -> None:
        self.handle = _REAL_FDOPEN(fd, mode)

    def write(self, payload: bytes) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")

    def writelines(self, parts: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    def __enter__(self) -> _FullDisk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


@pytest.mark.parametrize("failure", ["write", "fsync", "replace"])
def test_io_failure_leaves_the_file_byte_identical(
    small: Lou, db_path: Path, monkeypatch: pytest.MonkeyPatch, failure: str
) -> None:
    before = db_path.read_bytes()
    if failure == "write":
        monkeypatch.setattr(os, "fdopen", _FullDisk)
    else:
        monkeypatch.setattr(os, failure, _fail)
    run = small("book", "add", "--title", "新书")
    assert run.exit_code == 1
    assert run.stdout == ""
    assert run.stderr == (
        f"✗ Could not write the database {db_path}: No space left on device. It is unchanged.\n"
    )
    assert db_path.read_bytes() == before
    assert not list(db_path.parent.glob(".lou.json.*tmp"))


def test_a_corrupt_db_is_refused_and_left_alone(small: Lou, db_path: Path) -> None:
    db_path.write_bytes(db_path.read_bytes()[:-200])  # truncated, as by a bad copy
    before = db_path.read_bytes()
    for args in (("info",), ("book", "add", "--title", "x"), ("init",)):
        run = small(*args)
        assert run.exit_code == 1, args
        assert db_path.read_bytes() == before
    run = small("info")
    assert run.stderr.startswith(
        f"✗ The database file {db_path} cannot be read: it is not valid JSON"
    )
    assert "lou db restore" in run.stderr


def test_a_file_that_is_not_json_says_where_in_the_users_language(
    small: Lou, db_path: Path
) -> None:
    db_path.write_bytes(b'{"a":')
    assert small("--lang", "zh", "info").stderr == (
        f"✗ 数据库文件 {db_path} 无法读取：不是有效的 JSON（第 1 行第 6 列出错）。文件未做任何改动；"
        "可用 `lou db restore` 从备份恢复。\n"
    )
    assert small("info").stderr == (
        f"✗ The database file {db_path} cannot be read: it is not valid JSON (an error at line "
        "1, column 6). It was left untouched; `lou db restore` brings back a backup.\n"
    )


def test_a_table_that_is_not_json_is_named(small: Lou, db_path: Path) -> None:
    """A table is parsed when a command first asks for it: the one that breaks is named."""
    payload = db_path.read_bytes()
    start = payload.index(b'"volunteers":{') + len(b'"volunteers":{')
    db_path.write_bytes(payload[:start] + b"@" + payload[start:])
    run = small("--lang", "zh", "volunteer", "list")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ 数据库文件 {db_path} 无法读取：其中的数据表 volunteers 不是有效的 JSON。文件未做任何"
        "改动；可用 `lou db restore` 从备份恢复。\n",
    )
    assert small("volunteer", "list").stderr == (
        f"✗ The database file {db_path} cannot be read: its table volunteers is not valid "
        "JSON. It was left untouched; `lou db restore` brings back a backup.\n"
    )


def test_an_empty_db_file_is_corrupt_not_new(small: Lou, db_path: Path) -> None:
    db_path.write_bytes(b"")
    run = small("book", "list")
    assert run.exit_code == 1
    assert run.stderr == (
        f"✗ The database file {db_path} cannot be read: the file is empty. It was left "
        "untouched; `lou db restore` brings back a backup.\n"
    )
    assert db_path.read_bytes() == b""


def _set_schema(path: Path, version: int) -> bytes:
    data = orjson.loads(path.read_bytes())
    data["_meta"]["1"]["schema_version"] = version
    payload = orjson.dumps(data)
    path.write_bytes(payload)
    return payload


def test_a_newer_schema_is_refused(small: Lou, db_path: Path) -> None:
    before = _set_schema(db_path, SCHEMA_VERSION + 1)
    for args in (("info",), ("site", "add", "新区", "--kind", "yard"), ("db", "migrate")):
        run = small(*args)
        assert run.exit_code == 1
        assert f"schema version {SCHEMA_VERSION + 1}, newer than this program" in run.stderr
        assert db_path.read_bytes() == before


def test_an_older_schema_asks_for_migrate_and_migrate_backs_up_first(
    small: Lou, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Pretend this program is one schema ahead, with a migration that adds a field.
    def add_shelf(data: dict[str, Any]) -> None:
        for box in data.get("boxes", {}).values():
            box["shelf"] = "ground"

    monkeypatch.setattr(store_module, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    monkeypatch.setitem(store_module.MIGRATIONS, SCHEMA_VERSION, add_shelf)
    before = db_path.read_bytes()
    run = small("info")
    assert run.exit_code == 1
    assert "Run `lou db migrate`" in run.stderr
    assert db_path.read_bytes() == before

    run = small("db", "migrate")
    assert run.exit_code == 0, run.stderr
    assert run.stderr.endswith(
        f"✓ Migrated the database from schema version {SCHEMA_VERSION} to {SCHEMA_VERSION + 1}.\n"
    )
    backups = Store(db_path).backups()
    assert [b.reason for b in backups] == [f"before-migrate-v{SCHEMA_VERSION}"]
    assert read_backup(backups[0].path) == before
    data = orjson.loads(db_path.read_bytes())
    assert {box["shelf"] for box in data["boxes"].values()} == {"ground"}
    assert data["_meta"]["1"]["schema_version"] == SCHEMA_VERSION + 1
    assert small("db", "migrate").stderr.endswith("nothing to do.\n")


def test_restore_brings_back_a_corrupt_db(small: Lou, db_path: Path) -> None:
    small.ok("db", "backup")
    good = db_path.read_bytes()
    db_path.write_bytes(b'{"_meta": ')
    listing = small.json("db", "restore")
    assert listing["total"] == 1
    assert (listing["backups"][0]["reason"], listing["backups"][0]["books"]) == ("manual", 4)
    run = small("db", "restore", "--latest")
    assert run.exit_code == 0, run.stderr
    assert run.stderr.splitlines()[-1].endswith(": 4 books")
    assert db_path.read_bytes() == good
    reasons = sorted(b.reason for b in Store(db_path).backups())
    assert reasons == ["before-restore", "manual"]  # the corrupt file was kept too
    books = [(b["reason"], b["books"]) for b in small.json("db", "restore")["backups"]]
    assert books == [("before-restore", None), ("manual", 4)]  # (the corrupt file: unread)
    # (--latest passes over the corrupt copy)
    assert small.json("db", "restore", "--latest")["books"] == 4
    small.ok("db", "check")


def test_the_backup_a_copy_over_the_database_takes_says_so(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    """db copy --force over the database labelled its backup 'before init --force'."""
    other = Lou(tmp_path / "other.json")
    other.ok("init")
    small.ok("db", "copy", str(other.db), str(db_path), "--force")
    listed = small.ok("db", "restore", env={"COLUMNS": "200"}).stdout
    assert "before the database was replaced" in listed and "init --force" not in listed


def test_restore_takes_a_name_or_latest_not_both(small: Lou, db_path: Path) -> None:
    """``db restore NAME --latest`` restored NAME without a word."""
    small.ok("db", "backup")
    (backup,) = (db_path.parent / (db_path.name + ".backups")).iterdir()
    before = db_path.read_bytes()
    run = small("db", "restore", backup.name, "--latest")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ Choose one: the backup {backup.name} or --latest (the newest backup); nothing was "
        "changed.\n",
    )
    assert db_path.read_bytes() == before
    assert len(list(backup.parent.iterdir())) == 1  # (no backup before a restore either)


def test_restore_of_an_unknown_backup_says_how_to_list(small: Lou, db_path: Path) -> None:
    run = small("db", "restore", "nope.json")
    assert run.exit_code == 1
    assert run.stderr.startswith("✗ No backup nope.json. `lou db restore` without arguments lists")


def test_automatic_backups_are_pruned_manual_ones_kept(small: Lou, db_path: Path) -> None:
    store = Store(db_path)
    small.ok("db", "backup")
    with store.lock("test"):
        for _ in range(store_module.BACKUPS_KEPT + 5):
            store.backup("import")
    reasons = [b.reason for b in store.backups()]
    assert reasons.count("import") == store_module.BACKUPS_KEPT
    assert reasons.count("manual") == 1


def test_a_command_before_init_says_how_to_start(lou: Lou, db_path: Path) -> None:
    run = lou("book", "list")
    assert run.exit_code == 1
    assert run.stderr == (
        f"✗ No database at {db_path}. Start with `lou init` (or `lou init --demo` for the demo "
        "network).\n"
    )
    assert not db_path.exists()


def test_a_database_gone_with_its_backups_beside_it_says_restore(small: Lou, db_path: Path) -> None:
    """The file deleted by mistake, its backups still there: the message sends the user to
    db restore, not to init (which starts an empty database); restore brings it back."""
    small.ok("db", "backup")
    before = small.json("book", "list")
    db_path.unlink()
    run = small("book", "list")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ No database at {db_path}, but 1 backup of it lies beside it: `lou db restore "
        "--latest` brings back the newest (`lou db restore` lists them). Not `lou init`: that "
        "starts an empty database.\n",
    )
    assert not db_path.exists()
    small.ok("db", "restore", "--latest")
    assert small.json("book", "list") == before
    # none of them would restore: the plain message (restore would refuse, a review)
    for backup in (db_path.parent / (db_path.name + ".backups")).iterdir():
        backup.write_bytes(b"not a backup")
    db_path.unlink()
    assert small("book", "list").stderr.startswith(f"✗ No database at {db_path}. Start with")


def test_db_copy_onto_a_link_to_the_source_is_the_same_database(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    """A symbolic or hard link to the source names the same file: refused as the same
    name is (it copied the file onto itself, with a needless 'before-init' backup)."""
    before = db_path.read_bytes()
    soft, hard = tmp_path / "soft.json", tmp_path / "hard.json"
    soft.symlink_to(db_path)
    os.link(db_path, hard)
    for other in (soft, hard):
        run = small("db", "copy", str(db_path), str(other), "--force")
        assert (run.exit_code, run.stderr) == (
            1,
            f"✗ The source and the destination are the same database ({db_path}); nothing "
            "was changed.\n",
        )
    assert db_path.read_bytes() == before
    assert not (tmp_path / "soft.json.backups").exists()
    assert not (tmp_path / "hard.json.backups").exists()


def test_restore_latest_with_only_unreadable_backups_says_so(small: Lou, db_path: Path) -> None:
    """Backups listed but none that would restore: --latest said there were no backups."""
    small.ok("db", "backup")
    (backup,) = (db_path.parent / (db_path.name + ".backups")).iterdir()
    backup.write_bytes(backup.read_bytes()[:40])  # cut short: no longer reads
    before = db_path.read_bytes()
    run = small("db", "restore", "--latest")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ No backup in {backup.parent} can be restored: {backup.name} cannot be read "
        "(damaged, from a newer lou, or an old backup that may be another database's). `lou "
        "db restore NAME` says why for each.\n",
    )
    assert db_path.read_bytes() == before
    named = small("db", "restore", backup.name)  # says why, and not "restore a backup"
    assert (named.exit_code, named.stderr) == (
        1,
        f"✗ The backup {backup.name} cannot be read: the compressed file is cut short or "
        "damaged. The database was left untouched; choose another backup (`lou db restore` "
        "lists them).\n",
    )
    zh = small("--lang", "zh", "db", "restore", backup.name)
    assert zh.stderr == (
        f"✗ 备份 {backup.name} 无法读取：压缩文件不完整或已损坏。数据库未做任何改动；请换一个备份"
        "（`lou db restore` 列出全部）。\n"
    )
    assert db_path.read_bytes() == before


def test_init_refuses_to_overwrite_without_force(small: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    run = small("init")
    assert run.exit_code == 1
    assert "already exists. Add --force" in run.stderr
    assert db_path.read_bytes() == before
    small.ok("init", "--force")
    assert small.json("info")["books"]["total"] == 0
    assert [read_backup(b.path) for b in Store(db_path).backups()] == [before]


def test_a_held_lock_times_out_naming_the_holder(small: Lou, db_path: Path) -> None:
    store = Store(db_path)
    before = db_path.read_bytes()
    with FileLock(store.lock_path):
        store.owner_path.write_text("pid 4242, `lou rotate apply`, 2026-11-24T09:00:00")
        run = small("book", "add", "--title", "x", env={"LOU_LOCK_TIMEOUT": "0.2"})
        reading = small("book", "list")  # readers need no lock
    assert run.exit_code == 1
    assert run.stderr == (
        f"✗ The database {db_path} is in use by another command (pid 4242, `lou rotate apply`, "
        "2026-11-24T09:00:00); waited 0.2 s. Try again shortly; nothing was changed.\n"
    )
    assert reading.exit_code == 0
    assert db_path.read_bytes() == before


@pytest.mark.file_only("counts the writes of the file's unit of work")
def test_a_command_writes_the_file_at_most_once(
    small: Lou, monkeypatch: pytest.MonkeyPatch
) -> None:
    writes: list[int] = []
    original = UnitOfWork.commit

    def counting(self: UnitOfWork) -> None:
        original(self)
        writes.append(self.writes_to_disk)

    monkeypatch.setattr(UnitOfWork, "commit", counting)
    small.ok("book", "add", "--title", "多册", "--copies", "40")
    small.ok("book", "list")
    small("book", "add", "--title", "")  # refused: nothing written
    assert writes == [1]


def test_the_file_is_utf8_readable_and_owner_only(small: Lou, db_path: Path) -> None:
    text = db_path.read_text(encoding="utf-8")
    assert "十万个为什么" in text  # not \\u escapes
    assert (db_path.stat().st_mode & 0o777) == 0o600


# What a write of a simulated file does: (operation, how many), in one unit of work.
_OPERATIONS = [
    "add", "update", "remove", "log", "truncate", "meta", "load", "replace", "groups",
    "drop", "new table",
]  # fmt: skip
_WRITES = st.lists(
    st.lists(st.tuples(st.sampled_from(_OPERATIONS), st.integers(0, 4)), max_size=5),
    min_size=1,
    max_size=6,
)


def _each_write_after_an_add(test: Callable[..., None]) -> Callable[..., None]:
    """Every kind of write, in a unit of work after one that added books and moves (so a
    write taken for an addition shows), as an example the property always runs."""
    for operation in _OPERATIONS:
        first = [("add", 3), ("new table", 0)]
        test = example(writes=[first, [(operation, 1)], [("log", 1)]])(test)
    # records gone and more added in one unit of work: the table grew, but not only by adding
    test = example(writes=[[("add", 3)], [("remove", 1), ("add", 2)]])(test)
    return example(writes=[[("log", 3)], [("truncate", 1), ("log", 2)]])(test)


@settings(max_examples=60, deadline=None)
@given(writes=_WRITES)
@_each_write_after_an_add
def test_a_simulated_file_holds_the_bytes_a_real_write_would(
    writes: list[list[tuple[str, int]]],
) -> None:
    """MemoryFile encodes again only the tables a write changed, and only the records
    added to a table that was only added to: the bytes stay those of store.encode."""
    document = MemoryFile(new_document())
    made = 0
    for operations in writes:
        with document.write() as db:
            for operation, n in operations:
                made = _write(db, operation, n, made)
        assert document.payload == store_module.encode(document.data)
    document.verify()


def _write(db: Repository, operation: str, n: int, made: int) -> int:
    """One write of the property above; the books made so far (each gets a new code)."""
    if operation == "add":
        db.add("books", [{"code": f"B{made + i:05d}", "n": i} for i in range(n)])
        return made + n
    codes = [str(code) for code in db.keys("books")]
    moves = db.keys("moves") if "moves" in db.tables() else []
    if (operation in ("update", "replace") and not codes) or (operation == "drop" and not moves):
        return made
    one = codes[n % len(codes)] if codes else ""

    def drop() -> None:
        db.remove("moves", moves)
        db.drop("moves")

    writes: dict[str, Callable[[], object]] = {
        "update": lambda: db.update("books", {one: {"n": n, "box": "SHY-01"}}),
        "remove": lambda: db.remove("books", codes[:n]),
        "log": lambda: db.add("events", [{"book": f"B{i:05d}", "kind": "x"} for i in range(n)]),
        "truncate": lambda: db.truncate("events", max(0, db.last_number("events") - n)),
        "meta": lambda: db.reserve("book", n),
        "load": lambda: db.load({name: dict(table) for name, table in db.document().items()}),
        "replace": lambda: db.replace("books", {one: {"code": one}}),
        "groups": lambda: db.update_groups(
            "books", [({"box": f"SHY-0{n}", "n": -n}, codes[:n]), ({"n": n}, codes[n:])], ["box"]
        ),
        "new table": lambda: db.add("moves", [{"round": len(moves) + 1, "legs": [n]}]),
        "drop": drop,
    }
    writes[operation]()
    return made
