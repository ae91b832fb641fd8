"""The PostgreSQL backend itself: its tables, ``lou db copy``, the writers' lock.

The whole command-line suite also runs on PostgreSQL (``backend`` in conftest.py); these
are the things only a server has. They need LOU_TEST_PG (``.ci/run`` starts a server).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from enum import StrEnum
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lou_library import pgrepo, schema
from lou_library.errors import StoreError
from lou_library.pgrepo import PgRepository
from lou_library.pgstore import PgStore
from lou_library.store import read_backup
from tests.conftest import BASE_ENV, Lou, pg_schema, round_reported
from tests.pg_tables import before_box_triggers, before_round_rows

# (table, column) -> the vocabulary its check constraint holds
VOCABULARIES: dict[tuple[str, str], type[StrEnum]] = {
    ("sites", "kind"): schema.SiteKind,
    ("sites", "status"): schema.Status,
    ("boxes", "status"): schema.BoxStatus,
    ("book_rounds", "status"): schema.BookStatus,
    ("volunteers", "status"): schema.Status,
    ("rounds", "status"): schema.RoundStatus,
    ("tasks", "status"): schema.TaskStatus,
}


def _checked_words(table: str, column: str) -> list[str]:
    ddl = "\n".join(pgrepo.MIGRATIONS[v] for v in sorted(pgrepo.MIGRATIONS))
    body = ddl[ddl.index(f"CREATE TABLE {table} (") :]
    body = body[: body.index(";")]
    found = re.search(rf"\b{column} text CHECK \({column} IN \(([^)]*)\)\)", body)
    assert found, (table, column)
    return [word.strip(" '\n") for word in found.group(1).split(",")]


@pytest.mark.parametrize(("table", "column"), sorted(VOCABULARIES))
def test_the_tables_check_the_vocabularies_of_today(table: str, column: str) -> None:
    """A word added to a vocabulary needs a migration of the tables too."""
    assert _checked_words(table, column) == [m.value for m in VOCABULARIES[(table, column)]]


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A schema of its own on the test server; the backups of its network go to the
    test's folder (the per-user data folder of a server's network)."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    with pg_schema() as found:
        yield found


def _lived(lou: Lou) -> None:
    """A network with a round applied and reported, a donation, service hours."""
    round_reported(lou)
    lou.ok("donate", "--box", "SHY-01", "--title", "平凡的世界", "--author", "路遥")
    lou.ok("volunteer", "service", "V002", "--date", "2026-11-20", "--hours", "2", "--what", "整理")
    lou.ok("book", "withdraw", "B00010")


READS = [
    ["rotate", "plan"],
    ["rotate", "status"],
    ["task", "list", "--all"],
    ["task", "show", "1"],
    ["book", "list", "--limit", "5000"],
    ["book", "find", "红"],
    ["book", "show", "B00001"],
    ["book", "history", "B00010"],
    ["box", "list"],
    ["box", "show", "SHY-01"],
    ["site", "list"],
    ["site", "show", "SHY"],
    ["volunteer", "list"],
    ["volunteer", "show", "V002"],
    ["report", "inventory"],
    ["report", "missing"],
    ["report", "hours"],
    ["report", "donations"],
    ["rotate", "simulate", "--rounds", "3", "--loss", "0.02"],
]


def test_a_copy_to_the_server_answers_every_read_as_the_file_did(url: str, tmp_path: Path) -> None:
    on_file = Lou(tmp_path / "lou.json")
    _lived(on_file)
    copied = on_file.json("db", "copy", str(on_file.db), url)
    assert copied == {
        "source": str(on_file.db),
        "dest": url,
        "books": 3110,
        "boxes": 101,
        "rounds": 1,
        "backed_up": None,
    }
    on_server = Lou(url, "postgresql", tmp_path)
    for args in READS:
        assert on_server.json(*args) == on_file.json(*args), args
        assert on_server.ok(*args).stdout == on_file.ok(*args).stdout, args

    # the same next round applied on both, and the same after it
    later = {"LOU_NOW": "2026-12-01T09:30:00"}
    assert on_server.json("rotate", "apply", env=later) == on_file.json(
        "rotate", "apply", env=later
    )
    assert on_server.json("task", "list", "--all") == on_file.json("task", "list", "--all")

    # back to a file: the bytes the file itself holds
    back = tmp_path / "back.json"
    run = on_server.ok("db", "copy", url, str(back))
    assert run.stdout + run.stderr == (
        f"✓ Copied {url} to {back}: 3110 books, 101 boxes, 2 rounds.\n"
    )
    assert back.read_bytes() == on_file.path.read_bytes()


def test_a_backup_on_the_server_is_the_document_the_file_holds(url: str, tmp_path: Path) -> None:
    """The server's backups are read with a cursor and written as they come: their content
    is still byte for byte the file's (a title with quotes, a backslash, a line break and
    a character beyond the BMP included); the automatic one before a round too."""
    on_file = Lou(tmp_path / "lou.json")
    _lived(on_file)
    on_file.ok("donate", "--box", "SHY-01", "--title", 'A "quoted" \\ title\n𝄞 诗', "--author", "é")
    on_file.ok("db", "copy", str(on_file.db), url)
    on_server = Lou(url, "postgresql", tmp_path)
    on_server.ok("db", "backup")
    (manual,) = PgStore(url).backups()
    assert read_backup(manual.path) == on_file.path.read_bytes()

    later = {"LOU_NOW": "2026-12-01T09:30:00"}
    before = on_file.path.read_bytes()
    on_server.ok("rotate", "apply", env=later)
    automatic = PgStore(url).backups()[-1].path
    assert automatic.name.endswith(".apply.json.gz")
    assert read_backup(automatic) == before
    # restored on a file, it answers as the server did before the round
    restored = Lou(tmp_path / "restored.json")
    restored.path.write_bytes(read_backup(automatic))
    on_file.load(before)
    for args in READS[:6]:
        assert restored.json(*args) == on_file.json(*args), args


def test_a_copy_over_a_network_needs_force_and_backs_it_up_first(url: str, tmp_path: Path) -> None:
    on_server = Lou(url, "postgresql", tmp_path)
    on_server.ok("init", "--demo")
    on_server.ok("book", "withdraw", "B00001")
    empty = Lou(tmp_path / "empty.json")
    empty.ok("init")
    before = on_server.snapshot()
    run = on_server("db", "copy", str(empty.db), url)
    assert run.exit_code == 1
    assert run.stderr.startswith(f"✗ The database {url} already exists. Add --force")
    assert on_server.snapshot() == before
    result = on_server.json("db", "copy", str(empty.db), url, "--force")
    assert result["books"] == 0
    assert result["backed_up"].endswith(".before-init.json.gz")
    assert on_server.json("info")["books"]["total"] == 0
    # the way back: the backup the copy took
    on_server.ok("db", "restore", result["backed_up"])
    assert on_server.json("book", "show", "B00001")["status"] == "withdrawn"
    assert on_server.snapshot() == before


def test_a_writer_waits_for_the_lock_and_then_says_who_holds_it(url: str, tmp_path: Path) -> None:
    import psycopg

    from lou_library.pgstore import LOCK_ARGS, LOCK_KEY

    lou = Lou(url, "postgresql", tmp_path)
    lou.ok("init", "--demo")
    before = lou.snapshot()
    with psycopg.connect(url, application_name="lou rotate apply") as holder:
        holder.execute(f"SELECT pg_advisory_xact_lock({LOCK_ARGS})", (LOCK_KEY,))
        pid = holder.info.backend_pid
        run = lou("book", "add", "--title", "新书", env={"LOU_LOCK_TIMEOUT": "0.3"})
        assert (run.exit_code, run.stdout) == (1, "")
        assert run.stderr == (
            f"✗ The database {url} is in use by another command (pid {pid}, `lou rotate apply`);"
            " waited 0.3 s. Try again shortly; nothing was changed.\n"
        )
        # readers do not wait: they read the last committed state
        assert lou.json("book", "show", "B00001")["code"] == "B00001"
        run = lou("book", "add", "--title", "新书", env={"LOU_LOCK_TIMEOUT": "0"})
        assert run.exit_code == 1
        # a network in another schema of the same database has a lock of its own
        with pg_schema() as other_url:
            other = Lou(other_url, "postgresql", tmp_path)
            other.ok("init", env={"LOU_LOCK_TIMEOUT": "0.3"})
            other.ok("book", "add", "--title", "新书", env={"LOU_LOCK_TIMEOUT": "0.3"})
    assert lou.snapshot() == before


def test_writers_at_once_lose_no_update(url: str, tmp_path: Path) -> None:
    """Six processes add five books each at the same time: thirty new books, thirty
    codes, each added once, every history entry there."""
    lou = Lou(url, "postgresql", tmp_path)
    lou.ok("init")
    env = {**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": url, "LOU_LOCK_TIMEOUT": "60"}
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    script = "; ".join(
        [
            "import sys",
            "from lou_library.__main__ import main",
            "sys.argv = ['lou', 'book', 'add', '--title', sys.argv[1], '--copies', '5']",
            "main()",
        ]
    )
    workers = [
        subprocess.Popen(
            [sys.executable, "-c", script, f"书{n}"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for n in range(6)
    ]
    for worker in workers:
        _out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0, err.decode()
    books = lou.json("book", "list", "--limit", "100")["books"]
    assert sorted(b["code"] for b in books) == [f"B{i:05d}" for i in range(1, 31)]
    titles = sorted(b["title"] for b in books)
    assert titles == sorted(f"书{n}" for n in range(6) for _ in range(5))
    history = lou.snapshot()
    assert len(orjson.loads(history)["events"]) == 30


def test_a_server_that_cannot_be_reached_gets_one_clear_line(tmp_path: Path) -> None:
    url = f"postgresql://lou@/nothing?host={tmp_path}"
    lou = Lou(url, "postgresql", tmp_path)
    run = lou("info")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.startswith(f"✗ Could not connect to the PostgreSQL database {url}: ")
    assert run.stderr.endswith(
        "Check the address, the user and that the server is running; nothing was changed.\n"
    )
    assert "Traceback" not in run.stderr


def test_a_database_without_a_network_sends_the_user_to_init(url: str, tmp_path: Path) -> None:
    lou = Lou(url, "postgresql", tmp_path)
    run = lou("info")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ No database at {url}. Start with `lou init` (or `lou init --demo` for the demo"
        " network).\n",
    )


@pytest.fixture(scope="module")
def demo_both(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, str]]:
    """The demo network with a round applied, as a file and as its copy on the server."""
    folder = tmp_path_factory.mktemp("both")
    on_file = Lou(folder / "lou.json")
    on_file.ok("init", "--demo")
    on_file.ok("book", "add", "--title", "ΑΒΓ Страна Ärger", "--author", "Ｆｕｌｌ Ｗｉｄｔｈ")
    with pg_schema() as url:
        on_file.ok("db", "copy", str(on_file.db), url, env={"XDG_DATA_HOME": str(folder)})
        yield on_file.path, url


def _titles() -> list[str]:
    from lou_library.demo import build_demo

    books = build_demo()["books"].values()
    return sorted({b["title"] for b in books} | {b.get("author", "") for b in books} - {""})


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_a_search_finds_on_the_server_exactly_what_it_finds_in_the_file(
    demo_both: tuple[Path, str], data: st.DataObject
) -> None:
    """The server's search column is a sieve: what passes is filtered as on the file, so
    every query finds the same books, whatever its case, width, spaces or script."""
    from lou_library.catalogue import list_books
    from lou_library.pgstore import PgStore
    from lou_library.store import Store

    source = data.draw(st.sampled_from([*_titles(), "ΑΒΓ Страна Ärger", "Ｆｕｌｌ Ｗｉｄｔｈ"]))
    start = data.draw(st.integers(0, max(0, len(source) - 1)))
    piece = source[start : start + data.draw(st.integers(1, 4))]
    query = data.draw(
        st.sampled_from(
            [piece, piece.upper(), piece.lower(), f" {piece} ", "hlm", "B00012", "9787", "ärg"]
        )
    )
    path, url = demo_both
    with Store(path).read() as on_file, PgStore(url).read() as on_server:
        expected = list_books(on_file, text=query, limit=5000, by_pinyin=True)
        found = list_books(on_server, text=query, limit=5000, by_pinyin=True)
    assert found == expected


def test_an_older_network_on_the_server_is_migrated_as_the_file_is(
    url: str, tmp_path: Path
) -> None:
    """Three rounds played by schema 2, put on the server as they were: commands ask for
    ``lou db migrate``, which backs up and migrates; then the server answers as the file
    migrated the same way does."""
    from lou_library.pgstore import PgStore
    from tests.test_long_run import AFTER_ROUND_3, SCHEMA2

    payload = (SCHEMA2 / "three-rounds.json").read_bytes()
    PgStore(url).create(orjson.loads(payload), force=False, command="test")
    on_server = Lou(url, "postgresql", tmp_path)
    on_server.env.update(AFTER_ROUND_3)
    run = on_server("info")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ The database {url} has schema version 2; this program needs 4. "
        "Run `lou db migrate` (it takes a backup first).\n",
    )
    on_file = Lou(tmp_path / "lou.json")
    on_file.env.update(AFTER_ROUND_3)
    on_file.path.write_bytes(payload)
    for lou in (on_file, on_server):
        run = lou.ok("db", "migrate")
        assert run.stderr.endswith("✓ Migrated the database from schema version 2 to 4.\n")
    for args in (["rotate", "history"], ["task", "list", "--all"], ["book", "history", "B00001"]):
        assert on_server.json(*args) == on_file.json(*args), args
    assert on_server.ok("db", "migrate").stderr.startswith("✓ The database is already at")
    on_server.ok("rotate", "undo")  # the last migrated round can still be taken back


def _as_first_tables(url: str) -> None:
    """Put a network's tables back as version 1 had them: each book's search text in a
    column of its own (code, title, author, ISBN and pinyin keys, folded), no search
    table."""
    import psycopg

    from lou_library.text import fold

    with psycopg.connect(url) as conn:
        before_round_rows(conn)
        rows = conn.execute("SELECT code, doc FROM books").fetchall()
        conn.execute("ALTER TABLE books ADD COLUMN search text")
        fields = ("code", "title", "author", "isbn", "py", "pyi")
        with conn.cursor() as cursor:
            cursor.executemany(
                "UPDATE books SET search = %s WHERE code = %s",
                [
                    (fold("|".join(str(doc.get(f) or "") for f in fields)), code)
                    for code, doc in rows
                ],
            )
        conn.execute("DROP TABLE book_search")
        conn.execute(  # and without version 3's planning columns
            "ALTER TABLE books DROP COLUMN condition, DROP COLUMN since, "
            "DROP COLUMN missing_since, DROP COLUMN last_box"
        )
        conn.execute("DELETE FROM lou_schema WHERE version > 1")


def test_the_first_tables_on_the_server_are_migrated_and_then_searched(
    url: str, tmp_path: Path
) -> None:
    """Version 2 of the tables keeps each title's search text once: a network with the
    first tables is asked to migrate, keeps every record, and finds what the file finds."""
    on_file = Lou(tmp_path / "lou.json")
    _lived(on_file)
    on_file.ok("book", "add", "--title", "ΑΒΓ Страна Ärger", "--author", "Ｆｕｌｌ Ｗｉｄｔｈ")
    on_file.ok("db", "copy", str(on_file.db), url)
    on_server = Lou(url, "postgresql", tmp_path)
    before = on_server.snapshot()
    _as_first_tables(url)
    run = on_server("book", "find", "红楼")
    assert (run.exit_code, run.stdout, run.stderr) == (
        1,
        "",
        f"✗ The database {url} has schema version 1; this program needs {pgrepo.SCHEMA}. "
        "Run `lou db migrate` (it takes a backup first).\n",
    )
    run = on_server.ok("db", "migrate")
    assert run.stderr.endswith(
        f"✓ Migrated the database from schema version 1 to {pgrepo.SCHEMA}.\n"
    )
    assert on_server.snapshot() == before
    for query in ("红楼", "hlm", "HONGLOU", "B00012", "b00012", "9787", "ärg", "ｆｕｌｌ", "平凡"):
        args = ["book", "find", query, "--limit", "5000"]
        assert on_server.json(*args) == on_file.json(*args), query
    assert on_server.ok("db", "migrate").stderr.startswith("✓ The database is already at")


def test_a_repair_of_both_kinds_on_the_server(url: str, tmp_path: Path) -> None:
    """A control character in a title and undo data nested the schema-2 way, repaired in
    one ``db check --repair`` (two loads in one transaction)."""
    from lou_library.pgstore import PgStore
    from lou_library.repository import BOOKS, ROUNDS

    lou = Lou(url, "postgresql", tmp_path)
    lou.ok("init", "--demo")
    lou.ok("rotate", "apply")
    with PgStore(url).write("test") as repo:
        repo.update(BOOKS, {"B00001": {"title": "红楼梦\u0007"}})
        record = repo.get(ROUNDS, 1)
        assert record is not None
        repo.replace(ROUNDS, {1: {**record, "undo": {**record["undo"], "rounds": []}}})
    assert lou("db", "check").exit_code == 1
    run = lou("db", "check", "--repair", "--json")
    assert run.exit_code == 0, run.stderr
    assert run.json()["ok"] is True
    lou.ok("db", "check")
    assert lou.json("book", "show", "B00001")["title"] == "红楼梦"


def test_a_copy_onto_the_same_database_named_otherwise_does_not_wait_for_itself(
    url: str, tmp_path: Path
) -> None:
    lou = Lou(url, "postgresql", tmp_path)
    lou.ok("init", "--demo")
    before = lou.snapshot()
    same = f"{url}&application_name=elsewhere"
    run = lou("db", "copy", url, same, "--force", env={"LOU_LOCK_TIMEOUT": "2"})
    assert run.exit_code == 0, run.stderr
    assert lou.snapshot() == before


def test_a_record_the_server_refuses_is_one_line_and_changes_nothing(
    url: str, tmp_path: Path
) -> None:
    """A file whose book sits in a box that does not exist (``db check`` names it), copied
    to the server: the foreign key refuses it at commit."""
    on_file = Lou(tmp_path / "lou.json")
    on_file.ok("init", "--demo")
    data = orjson.loads(on_file.path.read_bytes())
    next(iter(data["books"].values()))["box"] = "NOPE-01"
    on_file.path.write_bytes(orjson.dumps(data))
    on_server = Lou(url, "postgresql", tmp_path)
    on_server.ok("init")
    before = on_server.snapshot()
    run = on_server("db", "copy", str(on_file.path), url, "--force")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr.startswith(f"✗ The PostgreSQL database {url} refused the command: ")
    assert run.stderr.endswith(". Nothing was changed.\n")
    assert "NOPE-01" in run.stderr
    assert on_server.snapshot() == before


def test_a_rounds_statements_take_their_settings_and_give_them_back(
    url: str, tmp_path: Path
) -> None:
    """A round's UPDATE runs with its hash tables in memory and no JIT; the transaction's
    own settings are back after it (and after the grouped read), and the books moved."""
    on_server = Lou(url, "postgresql", tmp_path)
    on_server.ok("init", "--demo")
    settings_now = "SELECT current_setting('work_mem'), current_setting('jit')"
    with PgStore(url).write("test") as repo:
        conn = repo._conn
        conn.execute("SET LOCAL work_mem = '1234kB'")
        before = conn.execute(settings_now).fetchone()
        groups = repo.grouped("books", ("status", "box"), ["B00001", "B00002"])
        assert conn.execute(settings_now).fetchone() == before == ("1234kB", "on")
        seen: list[Any] = []
        real = conn.execute

        def watched(query: Any, *args: Any, **kwargs: Any) -> Any:
            text = query if isinstance(query, str) else query.as_string(conn)
            if text.startswith("UPDATE book_rounds"):
                seen.append(real(settings_now).fetchone())
            return real(query, *args, **kwargs)

        conn.execute = watched  # type: ignore[method-assign]
        repo.update_groups("books", [({"status": "lost"}, [k for _, ks in groups for k in ks])])
        conn.execute = real  # type: ignore[method-assign]
        assert seen == [("256MB", "off")]
        assert conn.execute(settings_now).fetchone() == before
        assert [(repo.get("books", k) or {})["status"] for k in ("B00001", "B00002")] == [
            "lost"
        ] * 2


def test_a_read_given_up_by_a_command_that_failed_stops_reading_ahead(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """values() fetches its next batch in a thread: a command that fails while it goes
    through them (the reader left unclosed, held by the error) stops that thread."""
    import threading

    Lou(url, "postgresql", tmp_path).ok("init", "--demo")
    monkeypatch.setattr(pgrepo, "VALUES_BATCH", 2)  # (a thread waiting to hand a batch on)
    kept: list[Any] = []
    with pytest.raises(RuntimeError), PgStore(url).read() as repo:
        rows = iter(repo.values("books", "code"))
        kept.append(rows)
        next(rows)
        raise RuntimeError("the command fails")
    assert not [t for t in threading.enumerate() if t.name == "lou-read-ahead"]
    kept.clear()


def test_changes_still_running_when_the_command_ends_are_waited_for_before_it_commits(
    url: str, tmp_path: Path
) -> None:
    """A round's moves are carried out by a thread while the command goes on: a command
    that ends meanwhile commits only once they are done, and if they failed, it fails
    and nothing it did is kept."""
    on_server = Lou(url, "postgresql", tmp_path)
    on_server.ok("init", "--demo")
    before = on_server.snapshot()
    with pytest.raises(KeyError), PgStore(url).write("test") as repo:
        repo.update("books", {"B00001": {"status": "lost"}})
        repo.update_groups("books", [({"status": "lost"}, ["B00002", "B09999"])], wait=False)
    assert on_server.snapshot() == before
    with PgStore(url).write("test") as repo:
        repo.update_groups("books", [({"status": "lost"}, ["B00002", "B00003"])], wait=False)
    with PgStore(url).read() as repo:
        assert [(repo.get("books", k) or {})["status"] for k in ("B00002", "B00003")] == [
            "lost"
        ] * 2


def test_tables_of_version_4_are_migrated_to_version_5(url: str, tmp_path: Path) -> None:
    """Version 5 leaves the books in a box or in the library room out of the status index
    (a round's new row versions add no entry to it), and keeps a round field's JSON null
    in its column (read in groups, no book needs its document): a network with the tables
    of version 4 is asked to migrate, and answers as before, its rare statuses found by
    the index."""
    import psycopg

    on_server = Lou(url, "postgresql", tmp_path)
    _lived(on_server)
    on_server.ok("book", "withdraw", "B00011")
    expected = [on_server.json(*args) for args in READS[:8]]
    index = "SELECT indexdef FROM pg_indexes WHERE indexname = 'book_rounds_status' "
    index += "AND schemaname = current_schema()"
    # the books whose round fields, read in groups, need their documents
    needs_documents = "SELECT count(*) FROM book_records WHERE " + " OR ".join(
        f"({name} IS NULL AND present & ~fresh & {1 << i} <> 0)"
        for i, name in enumerate(pgrepo.ROUND_FIELDS)
    )
    with psycopg.connect(url) as conn:
        (made,) = conn.execute(index).fetchone() or ("",)
        assert made.endswith("WHERE (status <> ALL (ARRAY['in_box'::text, 'in_depot'::text]))")
        assert conn.execute(needs_documents).fetchone() == (0,)
        conn.execute("DROP INDEX book_rounds_status")
        conn.execute("CREATE INDEX book_rounds_status ON book_rounds (status)")
        # version 4 kept a round field's JSON null in the document alone
        conn.execute(
            "UPDATE book_rounds AS r SET fresh = r.fresh "
            + "".join(
                f"& ~(CASE WHEN r.{name} IS NULL AND json_typeof(b.doc->'{name}') = 'null' "
                f"THEN {1 << i} ELSE 0 END) "
                for i, name in enumerate(pgrepo.ROUND_FIELDS)
            )
            + "FROM books AS b WHERE b.seq = r.seq"
        )
        assert (conn.execute(needs_documents).fetchone() or (0,))[0] > 0
        before_box_triggers(conn)  # (version 7's)
        conn.execute("ALTER TABLE book_rounds DROP COLUMN code")  # (version 6's)
        conn.execute("DELETE FROM lou_schema WHERE version >= 5")
    run = on_server("book", "list")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ The database {url} has schema version 4; this program needs {pgrepo.SCHEMA}. "
        "Run `lou db migrate` (it takes a backup first).\n",
    )
    assert on_server.ok("db", "migrate").stderr.endswith(
        f"✓ Migrated the database from schema version 4 to {pgrepo.SCHEMA}.\n"
    )
    with psycopg.connect(url) as conn:
        assert (conn.execute(index).fetchone() or ("",))[0] == made
        assert conn.execute(needs_documents).fetchone() == (0,)
        conn.execute("SET enable_seqscan = off")
        plan = conn.execute(
            "EXPLAIN SELECT seq FROM book_rounds WHERE status = 'withdrawn'"
        ).fetchall()
        assert "book_rounds_status" in " ".join(row[0] for row in plan)
    assert [on_server.json(*args) for args in READS[:8]] == expected


def test_tables_of_version_5_are_migrated_to_version_6_and_rounds_find_rows_by_code(
    url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Version 6 gives each narrow row its book's code (a county's round joins its keys to
    the rows by it): a network with the tables of version 5 is asked to migrate, then
    every row holds its book's code, and rounds found by code (as a county's are) move,
    and undo, the books as the file does."""
    import psycopg

    monkeypatch.setattr(pgrepo, "BY_CODE", 0)  # every group change finds its rows by code
    on_file = Lou(tmp_path / "lou.json")
    _lived(on_file)
    on_file.ok("db", "copy", str(on_file.db), url)
    on_server = Lou(url, "postgresql", tmp_path)
    codes = "SELECT count(*), count(*) FILTER (WHERE r.code = b.code) FROM book_rounds AS r "
    codes += "JOIN books AS b ON b.seq = r.seq"
    with psycopg.connect(url) as conn:
        books = (conn.execute("SELECT count(*) FROM books").fetchone() or (0,))[0]
        assert conn.execute(codes).fetchone() == (books, books)
        before_box_triggers(conn)  # (version 7's)
        conn.execute("ALTER TABLE book_rounds DROP COLUMN code")
        conn.execute("DELETE FROM lou_schema WHERE version >= 6")
    run = on_server("rotate", "plan")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ The database {url} has schema version 5; this program needs {pgrepo.SCHEMA}. "
        "Run `lou db migrate` (it takes a backup first).\n",
    )
    on_server.ok("db", "migrate")
    with psycopg.connect(url) as conn:
        assert conn.execute(codes).fetchone() == (books, books)
        with pytest.raises(psycopg.errors.ForeignKeyViolation):  # (version 7's check)
            conn.execute("UPDATE book_rounds SET box = 'NO-SUCH' WHERE code = 'B00001'")
    found: list[tuple[int, int]] = []  # (books, rows found by code) of each change
    by_code = pgrepo.PgRepository._update_rounds

    def counted(repo: pgrepo.PgRepository, keys: int) -> int:
        found.append((keys, by_code(repo, keys)))
        return found[-1][1]

    monkeypatch.setattr(pgrepo.PgRepository, "_update_rounds", counted)
    later = {"LOU_NOW": "2026-12-01T09:30:00"}
    assert on_server.json("rotate", "apply", env=later) == on_file.json(
        "rotate", "apply", env=later
    )
    assert found and all(keys == rows > 0 for keys, rows in found), found
    assert on_server.snapshot() == on_file.snapshot()
    on_server.ok("rotate", "undo", env=later)
    on_file.ok("rotate", "undo", env=later)
    assert on_server.snapshot() == on_file.snapshot()


def test_a_books_box_is_checked_by_its_statement_for_all_its_rows(url: str, tmp_path: Path) -> None:
    """A book's box is a box (version 7: two triggers, not a foreign key): a statement
    that puts books in a box that is not there is refused at once, whether it moves many
    books, one, or adds one, naming the box; a box that still holds a book cannot be
    removed or renamed, an empty one can; the write changes nothing it was refused."""
    import psycopg

    lou = Lou(url, "postgresql", tmp_path)
    lou.ok("init", "--demo")
    before = lou.snapshot()
    many = [f"B{n:05d}" for n in range(1, 101)]
    with PgStore(url).write("test") as repo:
        book = dict(repo.get("books", "B00001") or {})
        held = str(book["box"])
    moves: list[Any] = [
        lambda repo: repo.update_groups("books", [({"box": "NO-SUCH"}, many)]),
        lambda repo: repo.update("books", {"B00002": {"box": "NO-SUCH"}}),
        lambda repo: repo.add("books", [{**book, "code": "NEW-1", "box": "NO-SUCH"}]),
        lambda repo: repo.remove("boxes", [held]),
    ]
    for move in moves:
        with pytest.raises(StoreError) as refused, PgStore(url).write("test") as repo:
            move(repo)
            pytest.fail("the statement was not refused")  # pragma: no cover
        named = "NO-SUCH" if move is not moves[-1] else held
        assert "violates foreign key" in str(refused.value) and named in str(refused.value)
    with psycopg.connect(url) as conn, pytest.raises(psycopg.errors.ForeignKeyViolation):
        conn.execute("UPDATE boxes SET code = 'ELSEWHERE' WHERE code = %s", (held,))
    with psycopg.connect(url) as conn:  # (any box, only in READ COMMITTED)
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with pytest.raises(psycopg.errors.FeatureNotSupported, match="READ COMMITTED"):
            conn.execute("DELETE FROM boxes WHERE code = %s", (held,))
        conn.rollback()
        conn.execute("DELETE FROM boxes WHERE code = 'NO-SUCH'")  # (nothing removed)
    assert lou.snapshot() == before
    with PgStore(url).write("test") as repo:  # an empty box goes; so does one emptied first
        empty = [c for c in repo.keys("boxes") if not repo.where("books", "box", c)]
        codes = [str(doc["code"]) for doc in repo.where("books", "box", held)]
        repo.update_groups("books", [({"box": None, "status": "in_depot"}, codes)])
        repo.remove("boxes", [held, *empty[:1]])
        assert repo.get("boxes", held) is None


def test_a_file_whose_books_came_before_its_boxes_is_copied_to_the_server(
    url: str, tmp_path: Path
) -> None:
    """A network that catalogued its books before it had a box holds its tables in that
    order; copied to the server (whose trigger checks a book's box when its statement
    ends), every book's row is added once the boxes are there."""
    on_file = Lou(tmp_path / "lou.json")
    on_file.ok("init")
    on_file.ok("book", "add", "--title", "T1", "--category", "history")
    on_file.ok("site", "add", "S1", "--kind", "compound")
    on_file.ok("box", "add", "--site", "S", "--building", "B1", "--unit", "U1")
    on_file.ok("book", "edit", "B00001", "--box", "S-01")
    tables = list(orjson.loads(on_file.path.read_bytes()))
    assert tables.index("books") < tables.index("boxes")
    on_file.ok("db", "copy", str(on_file.path), url)
    on_server = Lou(url, "postgresql", tmp_path)
    assert on_server.json("book", "show", "B00001") == on_file.json("book", "show", "B00001")


def test_a_writer_reads_committed_whatever_the_servers_default(url: str, tmp_path: Path) -> None:
    """A role or database whose transactions default to REPEATABLE READ: lou's writers
    still run in READ COMMITTED (their statements see what was committed before them,
    as the check of a box removed needs), so a whole network is put in place as
    anywhere else; its readers keep their one snapshot."""
    import psycopg

    Lou(url, "postgresql", tmp_path).ok("init", "--demo")
    strict = f"{url}%20-cdefault_transaction_isolation%3Drepeatable%5C%20read"
    with psycopg.connect(strict) as conn:
        assert conn.execute("SHOW transaction_isolation").fetchone() == ("repeatable read",)
    lou = Lou(strict, "postgresql", tmp_path)
    lou.ok("init", "--demo", "--force")
    lou.ok("db", "restore", "--latest")
    with PgStore(strict).write("test") as repo:
        seen = repo._conn.execute("SHOW transaction_isolation").fetchone()
    assert seen == ("read committed",)


def test_boxes_are_not_truncated_from_under_their_books(url: str, tmp_path: Path) -> None:
    """TRUNCATE fires no trigger of a removal: one of its own refuses to empty the boxes
    while a book is in one (as the foreign key refused it); with the books' rows, they go."""
    import psycopg

    Lou(url, "postgresql", tmp_path).ok("init", "--demo")
    with psycopg.connect(url) as conn:
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="truncate"):
            conn.execute("TRUNCATE boxes CASCADE")
        conn.rollback()
        conn.execute("TRUNCATE boxes, book_rounds CASCADE")
        assert conn.execute("SELECT count(*) FROM boxes").fetchone() == (0,)
        conn.rollback()


def _waiting(url: str, pid: int) -> None:
    """Until the server's backend ``pid`` waits for a lock (ten seconds at most)."""
    import time

    import psycopg

    with psycopg.connect(url, autocommit=True) as watcher:
        for _ in range(200):
            query = "SELECT wait_event_type FROM pg_stat_activity WHERE pid = %s"
            if (watcher.execute(query, (pid,)).fetchone() or ("",))[0] == "Lock":
                return
            time.sleep(0.05)
    pytest.fail(f"backend {pid} never waited for a lock")  # pragma: no cover


@pytest.mark.parametrize("first", ["box removed", "book moved"])
def test_a_box_removed_while_a_book_is_moved_into_it_fails_one_of_them(
    url: str, tmp_path: Path, first: str
) -> None:
    """Two transactions at once (as the foreign key guarded them): one removes an empty
    box, the other moves a book into it. Whichever comes second waits for the first
    (the moved book holds its box FOR KEY SHARE), and is refused once it has committed:
    the box is never gone with a book in it."""
    import threading

    import psycopg

    lou = Lou(url, "postgresql", tmp_path)
    lou.ok("init", "--demo")
    box = "EMPTY-01"
    with psycopg.connect(url) as conn:
        conn.execute(
            "INSERT INTO boxes (code, doc, site, status) "
            "SELECT %s, doc, site, status FROM boxes ORDER BY code LIMIT 1",
            (box,),
        )
        moved = "SELECT box FROM book_rounds WHERE code = 'B00001'"
        (was,) = conn.execute(moved).fetchone() or ("",)
    statements = {
        "box removed": ("DELETE FROM boxes WHERE code = %s", (box,)),
        "book moved": ("UPDATE book_rounds SET box = %s WHERE code = 'B00001'", (box,)),
    }
    second = next(name for name in statements if name != first)
    failed: list[BaseException] = []
    with psycopg.connect(url) as one, psycopg.connect(url) as other:
        one.execute(*statements[first])

        def then() -> None:
            try:
                other.execute(*statements[second])
                other.commit()
            except psycopg.Error as exc:
                failed.append(exc)
                other.rollback()

        waiting = threading.Thread(target=then)
        waiting.start()
        _waiting(url, other.info.backend_pid)
        one.commit()
        waiting.join()
        assert len(failed) == 1 and isinstance(failed[0], psycopg.errors.ForeignKeyViolation)
        assert box in str(failed[0])
        there = "SELECT count(*) FROM boxes WHERE code = %s"
        after = (one.execute(moved).fetchone(), one.execute(there, (box,)).fetchone())
        assert after == (((box,), (1,)) if first == "book moved" else ((was,), (0,)))


def test_a_check_asked_for_while_a_change_runs_fails_the_write_after_it(
    url: str, tmp_path: Path
) -> None:
    """check(wait=False) comes after the change still running, in a thread of its own:
    a box moved to a site that is not there (a foreign key checked at the commit) is
    refused there, before the commit, and the next call says so; the write changes
    nothing."""
    import psycopg

    class Stop(Exception):
        """The test's own end of the write (rolled back)."""

    lou = Lou(url, "postgresql", tmp_path)
    lou.ok("init", "--demo")
    before = lou.snapshot()
    with pytest.raises(Stop), PgStore(url).write("test") as repo:
        boxes = [str(code) for code in sorted(repo.keys("boxes"))[:2]]
        repo.update_groups("boxes", [({"site": "NO-SUCH"}, boxes)], wait=False)
        repo.check(wait=False)
        with pytest.raises(psycopg.errors.ForeignKeyViolation, match="NO-SUCH"):
            repo.count("books")
        raise Stop
    assert lou.snapshot() == before


def test_a_backup_no_longer_wanted_stops_between_pieces(url: str, tmp_path: Path) -> None:
    """The backup process asks between pieces whether its command is still there (its
    parent gone: killed, nothing commits): it stops at once, and takes nothing further."""
    import psycopg

    from lou_library import pgstore

    Lou(url, "postgresql", tmp_path).ok("init", "--demo")
    asked: list[bool] = []

    def wanted() -> bool:
        asked.append(len(asked) < 2)
        return asked[-1]

    target = tmp_path / "backup.json.gz"
    with psycopg.connect(url) as owner, psycopg.connect(url) as reader:
        snapshot = PgRepository(owner).export_snapshot()
        with pytest.raises(pgstore._Orphaned):
            pgstore._dump(reader, snapshot, target, wanted)
    assert asked == [True, True, False]
    assert target.stat().st_size < 1000  # (two pieces of the demo network: its opening)


def test_a_killed_rounds_backup_is_cleared_once_abandoned(url: str, tmp_path: Path) -> None:
    """A `rotate apply` killed on a server leaves the backup it was writing as a temp file
    (its round rolled back); the next backup clears the ones not written to for an hour,
    and keeps one being written and a user's file that looks alike."""
    on_file = Lou(tmp_path / "lou.json")
    on_file.ok("init", "--demo")
    on_file.ok("db", "copy", str(on_file.db), url)
    folder = PgStore(url).backup_dir
    folder.mkdir(parents=True, exist_ok=True)
    abandoned = folder / ".apply.json.gz.k2j4h1x9.lou-tmp"
    live = folder / ".apply.json.gz.a8b7c6d5.lou-tmp"
    alike = folder / ".apply.json.gz.notes.lou-tmp.txt"
    for path in (abandoned, live, alike):
        path.write_bytes(b"\x1f\x8b")
    hours_ago = abandoned.stat().st_mtime - 2 * 3600
    os.utime(abandoned, (hours_ago, hours_ago))
    os.utime(alike, (hours_ago, hours_ago))
    Lou(url, "postgresql", tmp_path).ok("rotate", "apply")
    assert not abandoned.exists()
    assert live.exists() and alike.exists()
