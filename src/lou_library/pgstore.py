"""A network on a PostgreSQL server: ``lou --db postgresql://USER@HOST/DBNAME``.

The same commands as on the file, through the same seam: :class:`PgStore` opens one
transaction a command and hands the rules a :class:`~lou_library.pgrepo.PgRepository`.

**Concurrency: one writer at a time, readers never wait.** A command that changes the
network first takes a transaction-level advisory lock (``pg_advisory_xact_lock``), the
server's counterpart of the file's lock, and runs in ``READ COMMITTED``: every statement
after the lock sees everything committed before it, and no other writer runs until this
one commits or rolls back, so no update is lost. A read-only command runs in a
``REPEATABLE READ READ ONLY`` transaction: one snapshot, so it never sees half of a round
being applied, and it takes no lock at all. Why one lock, not row locks or serializable
transactions with retries: a round touches a large share of the books and every box,
and a writer reads before it decides what to change; row locks would be taken in a
different order by different commands (deadlocks), and retrying a serializable ``rotate
apply`` would redo seconds of work. Writers are short, except ``rotate apply``; a
writer waits for the lock at most ``LOU_LOCK_TIMEOUT`` seconds (``lock_timeout``), then
gets the file's "in use" message naming the command that holds it.

**Schema.** Two versions, as on the file: the tables (:data:`lou_library.pgrepo.SCHEMA`,
kept in ``lou_schema``) and the document's ``schema_version`` in the meta record. ``lou
init`` makes the tables in an empty database; ``lou db migrate`` brings both up to date.

**Backups** are the file's JSON document, gzip-compressed, in a folder of the per-user
data folder named after the server and database (``lou db backup`` and the automatic
ones before destructive commands); ``lou db restore`` loads one back. A server's own
backups (``pg_dump``) are its administrators' business and work as usual (a data-only
dump is restored with ``--disable-triggers``: it holds the books' rows before the boxes,
which the trigger that checks a book's box refuses; a whole dump makes the triggers
after the rows). The one before a round (``rotate apply``, ``rotate undo``) is taken
while the round is worked out: the write's transaction exports its snapshot
(``pg_export_snapshot``) before it changes anything, and a process of its own, at a
lower priority, reads that snapshot on a second connection and writes the backup; the
write does not commit before that backup is complete and fsynced, and fails as a backup
that fails always did, having changed nothing (see :meth:`PgStore.backup_ahead`).
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict
from psycopg.types.json import set_json_loads

from lou_library import messages as M
from lou_library import pgrepo
from lou_library.errors import Conflict, NotFound, StoreError, os_reason
from lou_library.pgrepo import PgRepository
from lou_library.store import (
    BACKUP_SUFFIX,
    SCHEMA_VERSION,
    TEMP_SUFFIX,
    BackupFolder,
    RawData,
    check_schema,
    decode,
    gzipped,
    lock_timeout,
    migrate_document,
    read_backup,
)

LOCK_KEY = 0x6C6F75  # "lou": the advisory lock every writer of a network takes, with
# its schema as the second key (two networks in two schemas of one database never wait
# for each other)
LOCK_ARGS = "%s, hashtext(current_schema()) & 2147483647"


def _shown(url: str) -> str:
    """The URL without its password, as messages show it."""
    return re.sub(r"(://[^:/@]*):[^@/]*@", r"\1@", url)


def _slug(url: str) -> str:
    """A folder name for this database's backups: server, port, database, schema."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError:
        parts = {}
    host = str(parts.get("host") or "local").replace("/", "_").strip("_") or "local"
    fields = [host, str(parts.get("port") or "5432"), str(parts.get("dbname") or "db")]
    options = str(parts.get("options") or "")
    found = re.search(r"search_path\s*=\s*([\w,]+)", options)
    if found:
        fields.append(found.group(1))
    return re.sub(r"[^\w.-]", "_", "_".join(fields))


class PgStore(BackupFolder):
    """A network in a PostgreSQL database (see the module's docstring)."""

    def __init__(self, url: str, notify: Callable[[str], None] | None = None) -> None:
        self.url = url
        self.path = _shown(url)  # what messages call the DB
        self.where = self.path
        self.is_file = False
        self.stem = _slug(url)
        self.notify = notify or (lambda _message: None)
        self.committed = False
        self._active: PgRepository | None = None  # the open write transaction
        self._ahead: _AheadBackup | None = None  # its backup, being taken (backup_ahead)

    # The backup folder is found when a backup is made or read: platformdirs takes ~20 ms
    # to import, a tenth of a command that reads one book on the server.
    @functools.cached_property
    def backup_dir(self) -> Path:  # type: ignore[override]  # (a file knows it at once)
        return self._data_folder / (self.stem + BACKUP_SUFFIX)

    @functools.cached_property
    def legacy_backup_dir(self) -> Path:  # type: ignore[override]
        return self._data_folder / "(none)"  # schema 1 and 2 knew only files

    @functools.cached_property
    def _data_folder(self) -> Path:
        from platformdirs import user_data_path

        return user_data_path("lou-library", appauthor=False) / "postgresql"

    # -- connections --------------------------------------------------------------

    def _connect(self, command: str) -> psycopg.Connection[Any]:
        try:
            conn = psycopg.connect(self.url, application_name=f"lou {command}"[:63])
        except psycopg.Error as exc:
            raise StoreError(M.PG_CONNECT_FAILED, path=self.path, reason=_reason(exc)) from None
        set_json_loads(orjson.loads, conn)
        # whatever the server's or the role's default: a writer's statements each see what
        # was committed before them (the check of a box removed needs it; see version 7 of
        # pgrepo.MIGRATIONS), and its first snapshot is taken under the writers' lock
        conn.isolation_level = psycopg.IsolationLevel.READ_COMMITTED
        return conn

    @contextlib.contextmanager
    def _session(self, command: str) -> Iterator[psycopg.Connection[Any]]:
        """A connection for one command, rolled back unless committed, closed after; an
        error of the server (a permission, a lock wait cut short, a record it refuses, the
        connection lost) becomes one line for the user, and nothing was changed."""
        conn = self._connect(command)
        try:
            with conn:
                yield conn
        except (psycopg.errors.LockNotAvailable, psycopg.errors.QueryCanceled):
            seconds = f"{lock_timeout():g}"
            raise StoreError(M.STORE_BUSY, path=self.path, seconds=seconds, owner="?") from None
        except psycopg.Error as exc:
            raise StoreError(M.PG_FAILED, path=self.path, reason=_reason(exc)) from None

    def _versions(self, conn: psycopg.Connection[Any]) -> tuple[int, RawData] | None:
        """The tables' version and the meta record, or None for a database without them."""
        found = conn.execute("SELECT to_regclass('lou_schema'), to_regclass('_meta')").fetchone()
        if found is None or found[0] is None or found[1] is None:
            return None
        row = conn.execute("SELECT max(version) FROM lou_schema").fetchone()
        tables = int(row[0]) if row and row[0] is not None else 0
        record = conn.execute("SELECT doc FROM _meta WHERE id = 1").fetchone()
        if record is None:
            return None
        return tables, {"_meta": {"1": record[0]}}

    def _check(self, conn: psycopg.Connection[Any]) -> None:
        versions = self._versions(conn)
        if versions is None:
            raise StoreError(M.STORE_MISSING, path=self.path)
        tables, document = versions
        if tables > pgrepo.SCHEMA:
            raise StoreError(M.STORE_NEWER, path=self.path, found=tables, supported=pgrepo.SCHEMA)
        if tables < pgrepo.SCHEMA:
            raise StoreError(M.STORE_OLDER, path=self.path, found=tables, supported=pgrepo.SCHEMA)
        check_schema(self.path, document)  # type: ignore[arg-type]

    def size(self) -> int:
        """The bytes the network's tables take on the server."""
        with self._session("size") as conn:
            row = conn.execute(
                "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c "
                "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
            ).fetchone()
        return int(row[0]) if row else 0

    # -- units of work ------------------------------------------------------------

    @contextlib.contextmanager
    def read(self, *, validate: bool = True) -> Iterator[PgRepository]:
        """One snapshot, read-only, no lock (``validate``: the server's constraints have
        checked every record already; ``lou db check`` looks further)."""
        del validate
        with self._session("read") as conn:
            conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            conn.read_only = True
            self._check(conn)
            repo = PgRepository(conn)
            try:
                yield repo
            finally:
                repo.settle(cancel=True)  # (reads given up unclosed: stopped)
            conn.rollback()

    @contextlib.contextmanager
    def write(
        self, command: str, backup: str | None = None, *, validate: bool = True
    ) -> Iterator[PgRepository]:
        """One transaction under the writers' lock; committed if the body returns."""
        del validate
        with self._session(command) as conn:
            self._lock(conn, command)
            self._check(conn)
            repo = PgRepository(conn)
            self._active = repo
            try:
                if backup:
                    self.backup(backup)
                yield repo
                if self._ahead is not None and self._ahead.kept:
                    repo.check(wait=False)  # (while the backup is finished)
                    self._ahead.finish()  # complete and fsynced before the commit
                repo.settle()  # changes still running on the server (a round's moves)
            finally:
                try:
                    repo.settle(cancel=True)  # (done already, unless the command failed)
                finally:
                    self._active = None
                    if self._ahead is not None:
                        self._ahead.cancel()  # (nothing left to do if it finished)
                        self._ahead = None
            conn.commit()
            self.committed = True

    def _lock(self, conn: psycopg.Connection[Any], command: str) -> None:
        timeout = lock_timeout()
        if timeout > 0:
            conn.execute("SELECT set_config('lock_timeout', %s, true)", (f"{timeout * 1000:.0f}",))
            try:
                conn.execute(f"SELECT pg_advisory_xact_lock({LOCK_ARGS})", (LOCK_KEY,))
                return
            except psycopg.errors.LockNotAvailable:
                conn.rollback()
        else:
            row = conn.execute(
                f"SELECT pg_try_advisory_xact_lock({LOCK_ARGS})", (LOCK_KEY,)
            ).fetchone()
            if row and row[0]:
                return
            conn.rollback()
        holder = conn.execute(
            "SELECT a.application_name, a.pid FROM pg_locks l "
            "JOIN pg_stat_activity a ON a.pid = l.pid WHERE l.locktype = 'advisory' "
            "AND l.granted AND l.classid = %s AND l.objsubid = 2 "
            "AND l.objid = (hashtext(current_schema()) & 2147483647)::oid AND l.database = "
            "(SELECT oid FROM pg_database WHERE datname = current_database())",
            (LOCK_KEY,),
        ).fetchone()
        owner = f"pid {holder[1]}, `{holder[0]}`" if holder else "?"
        raise StoreError(M.STORE_BUSY, path=self.path, seconds=f"{timeout:g}", owner=owner)

    @contextlib.contextmanager
    def lock(self, command: str) -> Iterator[None]:
        """The writers' lock, held on a connection of its own (``lou db backup``)."""
        with self._session(command) as conn:
            self._lock(conn, command)
            yield
            conn.rollback()

    # -- creating and migrating ---------------------------------------------------

    def _make_tables(self, conn: psycopg.Connection[Any]) -> None:
        """Create or update the tables to :data:`pgrepo.SCHEMA` (inside the transaction)."""
        conn.execute("CREATE TABLE IF NOT EXISTS lou_schema (version int PRIMARY KEY)")
        row = conn.execute("SELECT coalesce(max(version), 0) FROM lou_schema").fetchone()
        found = int(row[0]) if row else 0
        if found > pgrepo.SCHEMA:
            raise StoreError(M.STORE_NEWER, path=self.path, found=found, supported=pgrepo.SCHEMA)
        for version in range(found + 1, pgrepo.SCHEMA + 1):
            conn.execute(pgrepo.MIGRATIONS[version].encode())
            conn.execute("INSERT INTO lou_schema (version) VALUES (%s)", (version,))

    def create(self, data: RawData, *, force: bool, command: str = "init") -> Path | None:
        """Make the tables and put a brand-new network in them; a database that holds one
        is refused unless ``force`` (then backed up first)."""
        with self._session(command) as conn:
            self._lock(conn, command)
            saved = None
            if self._versions(conn) is not None:
                if not force:
                    raise Conflict(M.STORE_EXISTS, path=self.path)
                # whatever its version, as the file's
                saved = self._backup_in(PgRepository(conn), "before-init")
            self._make_tables(conn)
            PgRepository(conn).load(data)
            conn.commit()
            self.committed = True
            return saved

    def migrate(self) -> tuple[int, int, Path | None]:
        """Bring the tables and the document up to date, after a backup."""
        with self._session("db migrate") as conn:
            self._lock(conn, "db migrate")
            versions = self._versions(conn)
            if versions is None:
                raise StoreError(M.STORE_MISSING, path=self.path)
            tables, document = versions
            found = check_schema(self.path, document, allow_older=True)  # type: ignore[arg-type]
            if found == SCHEMA_VERSION and tables == pgrepo.SCHEMA:
                return found, found, None
            self._make_tables(conn)
            repo = PgRepository(conn)
            saved = self._backup_in(repo, f"before-migrate-v{found}")
            if found == SCHEMA_VERSION:  # only the tables were older: the rows stay
                conn.commit()
                self.committed = True
                return tables, pgrepo.SCHEMA, saved
            data = repo.document()
            migrate_document(self.path, data, found)
            repo.load(data)
            conn.commit()
            self.committed = True
            return found, SCHEMA_VERSION, saved

    # -- backups ------------------------------------------------------------------

    def backup(self, reason: str) -> Path:
        """The network as the file would hold it, saved into the backup folder (inside a
        write, what the write's transaction sees; else one snapshot)."""
        if self._active is not None:
            return self._backup_in(self._active, reason)
        with self.read() as repo:
            return self._backup_in(repo, reason)

    def _backup_in(self, repo: PgRepository, reason: str) -> Path:
        """A backup of what this transaction sees (before it changes anything)."""
        return self._save_backup(repo.document_parts, reason)

    def backup_ahead(self, reason: str) -> Callable[[], object]:
        """Take, inside a write and before it changes anything, the snapshot of the
        backup it takes before it goes ahead (``reason``: the backup's name); returns
        what to call once the command knows it goes ahead. Then the backup is read from
        that snapshot by a process of its own while the command works (the server moves
        a round's books: seconds at 1,000,000 books, as is the backup; begun with the
        planning, it took a core from the planner), the write waits for it before it
        commits, the server checking what the commit would meanwhile (a backup that
        fails fails the write, which changes nothing), and it becomes the next backup, as
        :meth:`backup` would have named it. If the command stops before, no backup is
        left."""
        if self._active is None or self._ahead is not None:
            raise RuntimeError("backup_ahead is for one backup in a write")
        self._ahead = _AheadBackup(self, reason, self._active.export_snapshot())
        return self._ahead.keep

    def restore(self, source: Path) -> Path | None:
        """Put a backup in place of the network, after backing up the current one."""
        try:
            payload = read_backup(source)
        except OSError as exc:
            raise NotFound(M.BACKUP_NOT_FOUND, name=source, folder=self.backup_dir) from exc
        data = decode(source, payload)
        check_schema(source, data, allow_older=True)
        with self._session("db restore") as conn:
            self._lock(conn, "db restore")
            saved = None
            repo = PgRepository(conn)
            if self._versions(conn) is not None:
                saved = self._backup_in(repo, "before-restore")
            self._make_tables(conn)
            repo.load(data)
            conn.commit()
            self.committed = True
            return saved

    def owns(self, other: Path) -> bool:
        """Is ``other`` inside this database's backup folder?"""
        target = Path(other).resolve()
        folder = self.backup_dir.resolve()
        return target == folder or folder in target.parents

    def guard_output(self, other: Path) -> None:
        """Refuse to write a report or an export over the database's backups."""
        if self.owns(other):
            raise Conflict(M.OUTPUT_IS_DB, path=other)


class _AheadBackup:
    """A backup that a process of its own takes from a write's snapshot, on a connection
    of its own, into a temp file of the backup folder (see :meth:`PgStore.backup_ahead`).

    A process at a lower priority (``nice`` :data:`BACKUP_NICENESS`; ``python -P``: no
    module of the working folder taken for one of its own), not a thread: at
    1,000,000 books the backup's 5 s of Python in a thread took the interpreter from
    ``rotate apply``'s own work half of the time (19.0-20.2 s against 17.1-17.9 s with
    the process, in process, by hand); a process of the same priority took a core from
    the server's ``UPDATE`` (and once, started with the planning, from the planner:
    35 s with a thread, 38-49 s). The process starts with the write (its interpreter
    ready while the plan is made: a demo network's apply took 0.1 s longer when it
    started after), and begins the backup once the plan stands, to work on what the
    two cores leave: while the server moves the books, and while it checks them. Its
    standard input tells it to begin (a line), or to stop (closed: the command stopped
    before, or died); once begun, it stops when its parent is gone (killed: nothing
    commits, nobody wants the backup)."""

    def __init__(self, store: PgStore, reason: str, snapshot: str) -> None:
        self.store = store
        self.reason = reason
        self.kept = False
        self.error: BaseException | None = None  # what stopped the backup
        self.temp: Path | None = None
        self.process: subprocess.Popen[bytes] | None = None
        try:
            store.backup_dir.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(
                prefix=f".{reason}.json.gz.", suffix=TEMP_SUFFIX, dir=store.backup_dir
            )
            os.close(fd)
        except OSError as exc:
            self.error = exc  # raised if the backup is kept, as a backup's failure is
            return
        self.temp = Path(name)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-P", "-c", _BACKUP_PROCESS, snapshot, str(self.temp)],
                env={**os.environ, _BACKUP_URL: store.url},
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
        except OSError as exc:
            self.error = exc

    def keep(self) -> None:
        """The command goes ahead: the backup begins (from the snapshot taken before)."""
        self.kept = True
        if self.process is not None and self.process.stdin is not None:
            with contextlib.suppress(OSError):  # (a process that died: said at finish)
                self.process.stdin.write(b"begin\n")
                self.process.stdin.flush()  # (closed by communicate(), at the end)

    def finish(self) -> Path:
        """Wait for the backup; make it the next one, or raise why it failed (as
        :meth:`PgStore.backup` would have)."""
        if self.process is not None:
            out, err = self.process.communicate()
            if self.process.returncode != 0:
                self.error = _backup_failure(self.store, out, err, self.process.returncode)
        error = self.error
        if isinstance(error, OSError):
            reason = os_reason(error)
            raise StoreError(M.STORE_BACKUP_FAILED, path=self.store.where, reason=reason)
        if error is not None:
            raise error
        assert self.temp is not None
        saved = self.store._keep_backup(self.temp, self.reason)
        self.temp = None
        return saved

    def cancel(self) -> None:
        """Stop the backup if it still runs and remove what it wrote."""
        if self.process is not None and self.process.returncode is None:
            if self.kept:
                self.process.kill()
            self.process.communicate()  # (not begun: it stops as its input closes)
        if self.temp is not None:
            with contextlib.suppress(OSError):
                self.temp.unlink()
            self.temp = None


BACKUP_NICENESS = 10  # the backup process's priority below the command's (see _AheadBackup)
_BACKUP_URL = "LOU_BACKUP_URL"  # (the URL, which may hold a password, not in its arguments)
_BACKUP_PROCESS = "from lou_library.pgstore import backup_process; backup_process()"


def backup_process() -> None:
    """The process of :class:`_AheadBackup`, ``python -P -c _BACKUP_PROCESS SNAPSHOT TARGET``:
    waits for a line on its standard input, then writes the backup of the snapshot into
    TARGET (none if the input closes first); if it cannot, it says why on its
    standard output, as ``[kind, errno, reason]`` (kind ``os``: a file's error;
    ``connect``: no connection to the server; ``server``: what the server said), and exits
    with 1."""
    snapshot, target = sys.argv[1:3]
    if hasattr(os, "nice"):  # (not on Windows)
        with contextlib.suppress(OSError):
            os.nice(BACKUP_NICENESS)
    parent = os.getppid()
    if sys.stdin.readline() != "begin\n":
        return  # (the command stopped before it went ahead)
    store = PgStore(os.environ[_BACKUP_URL])
    failure: list[Any] | None = None
    try:
        conn = store._connect("backup")
        with conn:
            _dump(conn, snapshot, Path(target), lambda: os.getppid() == parent)
    except _Orphaned:
        return  # (the command died: nobody wants the backup; its temp file is cleared later)
    except OSError as exc:
        failure = ["os", exc.errno, exc.strerror or str(exc)]
    except psycopg.Error as exc:
        failure = ["server", None, _reason(exc)]
    except StoreError as exc:  # (no connection: _connect's own words)
        failure = ["connect", None, exc.fields.get("reason", "")]
    if failure is not None:
        sys.stdout.buffer.write(orjson.dumps(failure))
        sys.exit(1)


def _backup_failure(store: PgStore, out: bytes, err: bytes, code: int) -> BaseException:
    """What :func:`backup_process` said went wrong, as the error to raise (anything else
    it did is a programming error: its traceback)."""
    if code < 0:  # (a signal: the system's out-of-memory killer, an administrator)
        reason = M.BACKUP_PROCESS_STOPPED(signal=-code)
        return StoreError(M.STORE_BACKUP_FAILED, path=store.where, reason=reason)
    try:
        kind, number, reason = orjson.loads(out)
    except (orjson.JSONDecodeError, ValueError, TypeError):
        text = err.decode(errors="replace").strip()
        return RuntimeError(f"the backup's process failed (exit code {code}): {text}")
    if kind == "os":
        return OSError(number, reason)
    found = M.PG_CONNECT_FAILED if kind == "connect" else M.PG_FAILED
    return StoreError(found, path=store.path, reason=reason)


class _Orphaned(Exception):
    """The command that wanted the backup is gone."""


def _dump(
    conn: psycopg.Connection[Any], snapshot: str, target: Path, wanted: Callable[[], bool]
) -> None:
    """The network as ``snapshot`` (another transaction's) holds it, gzip-compressed into
    ``target``, fsynced; stopped (:class:`_Orphaned`) as soon as it is no longer
    ``wanted()`` (asked between pieces: a few thousand records)."""
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    conn.execute(sql.SQL("SET TRANSACTION SNAPSHOT {}").format(sql.Literal(snapshot)))

    def pieces() -> Iterator[bytes]:
        for piece in PgRepository(conn).document_parts():
            if not wanted():
                raise _Orphaned
            yield piece

    with target.open("wb") as handle:
        handle.writelines(gzipped(pieces()))
        handle.flush()
        os.fsync(handle.fileno())
    conn.rollback()


def _reason(exc: psycopg.Error) -> str:
    """The server's or libpq's words on why: its message and its detail (which names the
    record), without the connection details or the statement."""
    diag = getattr(exc, "diag", None)
    primary = diag.message_primary if diag is not None else None
    if primary:
        detail = diag.message_detail if diag is not None else None
        return f"{primary} ({detail})" if detail else primary
    lines = [line.strip() for line in str(exc).strip().splitlines() if line.strip()]
    return lines[-1] if lines else type(exc).__name__
