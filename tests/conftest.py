"""Shared fixtures: a DB path per test and a runner for the real command line."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
import pytest
import typer
from hypothesis import settings
from typer.testing import CliRunner

from lou_library.cli import app
from lou_library.cli.base import prepare

# Speed is measured in bench/, never asserted in tests: no property test fails because
# an example took longer than Hypothesis's 200 ms (a first run after an install compiles
# the bytecode of every module an example imports)
settings.register_profile("lou", deadline=None)
settings.load_profile("lou")

NOW = "2026-11-24T09:30:00"
# LOU_DEBUG=1: a programming error (KeyError, TypeError...) raises instead of becoming the
# clean "Unexpected data" exit 1, so it fails the test that met it.
BASE_ENV = {
    "LOU_NOW": NOW,
    "COLUMNS": "120",
    "NO_COLOR": "1",
    "LANG": "en_US.UTF-8",
    "LOU_DEBUG": "1",
}


@pytest.fixture(autouse=True, scope="session")
def _debug_switch() -> Iterator[None]:
    """The debug switch for the whole session, subprocesses included (they inherit it)."""
    saved = os.environ.get("LOU_DEBUG")
    os.environ["LOU_DEBUG"] = "1"
    yield
    if saved is None:
        os.environ.pop("LOU_DEBUG", None)
    else:
        os.environ["LOU_DEBUG"] = saved


@pytest.fixture(autouse=True, scope="session")
def _copying_repository() -> Iterator[None]:
    """With ``LOU_TEST_COPIES=1`` the embedded repository hands out copies of its records,
    as a database server does: a rule that changes a record it was given, instead of
    saying so through ``update``/``replace``, then loses the change and a test fails.
    ``.ci/run`` runs the rules' tests this way too."""
    if os.environ.get("LOU_TEST_COPIES") != "1":
        yield
        return
    import copy

    from lou_library.tinyrepo import TinyRepository as T

    saved = {
        name: getattr(T, name) for name in ("get", "all", "where", "values", "meta", "entries")
    }

    def copying(method: Any) -> Any:
        def handed_out(self: T, *args: Any) -> Any:
            return copy.deepcopy(method(self, *args))

        return handed_out

    for name, method in saved.items():
        setattr(T, name, copying(method))
    yield
    for name, method in saved.items():
        setattr(T, name, method)


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return orjson.loads(self.stdout)


class Lou:
    """Runs ``lou ARGS`` in-process through Typer's CliRunner against one network: a DB
    file, or a PostgreSQL database given by its URL (``backend``)."""

    def __init__(self, db: Path | str, backend: str = "file", folder: Path | None = None) -> None:
        self.db = db
        self.backend = backend
        self.folder = folder or (db.parent if isinstance(db, Path) else Path.cwd())
        self.env = {**BASE_ENV, "LOU_LIBRARY_DB": str(db)}

    @property
    def path(self) -> Path:
        """The DB file (a test of the file backend only)."""
        assert isinstance(self.db, Path), "a file-only test ran on a server's database"
        return self.db

    def snapshot(self) -> bytes:
        """The network as its file holds it; on PostgreSQL, as its backup would (so a test
        can tell that a command changed nothing)."""
        if isinstance(self.db, Path):
            return self.db.read_bytes()
        from lou_library.pgstore import PgStore
        from lou_library.store import encode

        with PgStore(self.db).read() as repo:
            return encode(repo.document())

    def load(self, payload: bytes) -> None:
        """Put a network, as its file would hold it, in place of this one."""
        if isinstance(self.db, Path):
            self.db.write_bytes(payload)
            return
        from lou_library.pgstore import PgStore
        from lou_library.store import decode

        with PgStore(self.db).write("test") as repo:
            repo.load(decode(Path("test"), payload))

    def beside(self, name: str) -> Path:
        """A file in the test's folder (an output, an export)."""
        return self.folder / name

    def __call__(
        self, *args: str, env: dict[str, str] | None = None, input: str | None = None
    ) -> Run:
        argv = list(args)
        full_env = {**self.env, **(env or {})}
        saved = {k: os.environ.get(k) for k in full_env}
        os.environ.update(full_env)
        try:
            prepare(argv)
            result = CliRunner().invoke(
                app, argv, input=input, env=full_env, catch_exceptions=False, prog_name="lou"
            )
        finally:
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value
        return Run(result.exit_code, result.stdout, result.stderr)

    def ok(self, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> Run:
        run = self(*args, env=env, input=input)
        assert run.exit_code == 0, (args, run.stdout, run.stderr)
        return run

    def json(self, *args: str, env: dict[str, str] | None = None, input: str | None = None) -> Any:
        return self.ok(*args, "--json", env=env, input=input).json()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    """The DB file. A test that asks for it handles the file itself, so it runs on the
    file backend only (see ``pytest_collection_modifyitems``)."""
    return tmp_path / "lou.json"


# The backends every test of the command line runs on, as TinyDB's own tests run on each
# storage. PostgreSQL needs LOU_TEST_PG, the URL of a server where the tests may create
# schemas (``.ci/run`` starts a throwaway one); without it those tests are skipped.
BACKENDS = ("file", "postgresql")
PG_URL = os.environ.get("LOU_TEST_PG", "")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    handles_the_file = pytest.mark.skip(reason="handles the DB file itself (file backend only)")
    no_server = pytest.mark.skip(reason="PostgreSQL: no server (set LOU_TEST_PG, see .ci/run)")
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None or callspec.params.get("backend") != "postgresql":
            continue
        file_only = item.get_closest_marker("file_only")
        if file_only is not None:
            reason = file_only.args[0] if file_only.args else "file backend only"
            item.add_marker(pytest.mark.skip(reason=reason))
        elif "db_path" in getattr(item, "fixturenames", ()) and "db_path" in _asked(item):
            item.add_marker(handles_the_file)
        elif not PG_URL:
            item.add_marker(no_server)


def _asked(item: pytest.Item) -> set[str]:
    """The fixtures the test function names itself (not through other fixtures)."""
    import inspect

    function = getattr(item, "function", None)
    return set(inspect.signature(function).parameters) if function else set()


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


def round_reported(lou: Lou) -> dict[str, Any]:
    """The demo network with round 1 applied and task 1 reported with the first book it
    takes out not found; that task's first stop."""
    lou.ok("init", "--demo")
    lou.ok("rotate", "apply")
    stop: dict[str, Any] = lou.json("task", "show", "1")["stops"][0]
    lou.ok("task", "done", "1", "--missing", stop["take_out"][0][0])
    return stop


@contextlib.contextmanager
def pg_schema() -> Iterator[str]:
    """The URL of a fresh schema on the test server, dropped afterwards."""
    import uuid

    import psycopg

    if not PG_URL:
        pytest.skip("PostgreSQL: no server (set LOU_TEST_PG, see .ci/run)")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    joiner = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{joiner}options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


@pytest.fixture
def db_location(backend: str, db_path: Path) -> Iterator[Path | str]:
    """Where this test's network lives: its DB file, or a schema of its own on the
    PostgreSQL server (dropped afterwards)."""
    if backend == "file":
        yield db_path
        return
    with pg_schema() as url:
        yield url


@pytest.fixture
def lou(
    db_location: Path | str, backend: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[Lou]:
    monkeypatch.delenv("LOU_LANG", raising=False)
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    if backend != "file":  # the server's backups go to the per-user data folder
        monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    yield Lou(db_location, backend, tmp_path)


@pytest.fixture
def small(lou: Lou) -> Lou:
    """A network of two sites, three boxes and a few books and volunteers."""
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("site", "add", "供电局家属院", "--kind", "yard", "--code", "GDJ")
    lou.ok("box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "1单元")
    lou.ok(
        "box", "add", "--site", "SHY", "--building", "3号楼", "--unit", "2单元", "--capacity", "5"
    )
    lou.ok("box", "add", "--site", "GDJ", "--building", "1栋", "--unit", "1单元")
    lou.ok(
        "book",
        "add",
        "--title",
        "十万个为什么",
        "--author",
        "韩启德",
        "--category",
        "科普",
        "--box",
        "SHY-01",
        "--copies",
        "2",
    )
    lou.ok(
        "book",
        "add",
        "--title",
        "上下五千年",
        "--author",
        "林汉达",
        "--category",
        "history",
        "--box",
        "GDJ-01",
    )
    lou.ok("book", "add", "--title", "杜甫诗选", "--author", "杜甫", "--category", "其他")
    lou.ok(
        "volunteer", "add", "王秀兰", "--phone", "13812345678", "--party-member", "--site", "SHY"
    )
    lou.ok("volunteer", "add", "李建国", "--site", "GDJ", "--site", "SHY")
    return lou


@pytest.fixture
def ring(lou: Lou) -> Lou:
    """Two boxes in a compound, one in a yard, four books each (one title a box); ten in the
    library room: two copies of 库存 and eight titles of one copy."""
    lou.ok("init")
    lou.ok("site", "add", "尚和园", "--kind", "compound")
    lou.ok("site", "add", "供电局家属院", "--kind", "yard", "--code", "GDJ")
    for site, building, unit in (
        ("SHY", "1号楼", "1单元"),
        ("SHY", "2号楼", "1单元"),
        ("GDJ", "1栋", "1单元"),
    ):
        lou.ok(
            "box", "add", "--site", site, "--building", building, "--unit", unit, "--capacity", "5"
        )
    for box in ("SHY-01", "SHY-02", "GDJ-01"):
        lou.ok("book", "add", "--title", f"书{box}", "--box", box, "--copies", "4")
    lou.ok("book", "add", "--title", "库存", "--copies", "2")
    for title in ("朝花夕拾", "骆驼祥子", "边城", "呐喊", "围城", "家", "茶馆", "雷雨"):
        lou.ok("book", "add", "--title", title)  # the library room's books, B00015-B00022
    lou.ok("volunteer", "add", "王秀兰", "--site", "SHY")
    lou.ok("volunteer", "add", "李建国", "--site", "GDJ")
    return lou


def command_tree(
    command: Any = None, path: tuple[str, ...] = ()
) -> list[tuple[tuple[str, ...], Any]]:
    """Every command under ``command`` (the whole ``lou`` when None) with its path, asking
    each group as Click does (groups build lazily)."""
    if command is None:
        prepare(["--help"])
        command = typer.main.get_command(app)
    found = [(path, command)]
    if hasattr(command, "list_commands"):
        ctx = typer.Context(command)
        for name in command.list_commands(ctx):
            found.extend(command_tree(command.get_command(ctx, name), (*path, name)))
    return found
