"""The one module that owns the TinyDB file.

Crash safety, in three parts:

* :class:`AtomicJSONStorage` is a TinyDB ``Storage`` that never rewrites the file in
  place: it writes the whole document (UTF-8, orjson, Chinese kept readable) to a temp
  file in the same folder, flushes and fsyncs it, ``os.replace``\\ s it over the DB and
  fsyncs the folder. A reader or a crash sees the old file or the new one, never a mix.
* :class:`UnitOfWork` is a TinyDB middleware that reads the file once and buffers every
  write in memory; :meth:`UnitOfWork.commit` writes at most once, at the end.
* :meth:`Store.write` holds an exclusive lock on ``<db>.lock`` (filelock) around the
  whole read-modify-write. Readers take no lock: thanks to the atomic replace they
  always parse a complete file.

A DB that does not parse is never overwritten or reset: the user is sent to
``lou db restore``. Destructive commands take an automatic backup first.
"""

from __future__ import annotations

import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import orjson
from tinydb import TinyDB
from tinydb.middlewares import Middleware
from tinydb.storages import Storage

from lou_library import __version__, clock
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid, NotFound, StoreError, os_reason

SCHEMA_VERSION = 2
META_TABLE = "_meta"
ENV_DB = "LOU_LIBRARY_DB"
ENV_LOCK_TIMEOUT = "LOU_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
BACKUPS_KEPT = 20

RawData = dict[str, dict[str, dict[str, Any]]]
Migration = Callable[[RawData], None]


def _tasks_without_stops(data: RawData) -> None:
    """1 -> 2: a task no longer keeps a copy of its pick list; the round's moves have it."""
    rounds = {r.get("number") for r in data.get("rounds", {}).values()}
    for task in data.get("tasks", {}).values():
        if task.get("round") in rounds:
            task.pop("stops", None)


# version N -> the function that turns a version-N document into version N+1, in place.
MIGRATIONS: dict[int, Migration] = {1: _tasks_without_stops}


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("lou-library", appauthor=False) / "lou.json"


def resolve_db_path(option: str | os.PathLike[str] | None) -> Path:
    """``--db``, else ``LOU_LIBRARY_DB``, else the per-user data folder."""
    if option is not None:
        return Path(option).expanduser()
    env = os.environ.get(ENV_DB)
    if env:
        return Path(env).expanduser()
    return default_db_path()


# --------------------------------------------------------------------------- file I/O


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms that cannot open folders (Windows)
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


def _mode_for(path: Path, private: bool) -> int:
    """Keep an existing file's mode; new files are owner-only when ``private``."""
    try:
        return path.stat().st_mode & 0o777
    except FileNotFoundError:
        if private:
            return 0o600
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write_bytes(path: Path, payload: bytes, *, private: bool = True) -> None:
    """Replace ``path`` by ``payload`` so that a crash leaves the old file or the new one.

    The temp file is created owner-only by ``mkstemp`` and gets the old file's mode (a new
    DB or backup stays owner-only; ``private=False`` gives an export the usual mode); on
    any failure it is removed and the original is untouched. A symbolic link is followed,
    so the file it points to is the one replaced.
    """
    path = Path(os.path.realpath(path)) if path.is_symlink() else path
    folder = path.parent
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    tmp = Path(tmp_name)
    try:
        tmp.chmod(_mode_for(path, private))
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)  # noqa: PTH105 - os.replace is what fault tests patch
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(folder)


def encode(data: RawData) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def decode(path: Path, payload: bytes) -> RawData:
    """Parse and shape-check a DB document; anything else is a corrupt file."""
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        reason = (
            M.STORE_NOT_JSON(detail=str(exc).split(":")[0]) if payload.strip() else M.STORE_EMPTY()
        )
        raise StoreError(M.STORE_CORRUPT, path=path, reason=reason) from exc
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise StoreError(M.STORE_CORRUPT, path=path, reason=M.STORE_NOT_TABLES())
    return data


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, UTF-8 (``ensure_ascii=False``), atomic fsynced writes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> RawData | None:
        try:
            payload = self.path.read_bytes()
        except FileNotFoundError:
            return None
        return decode(self.path, payload)

    def write(self, data: RawData) -> None:
        atomic_write_bytes(self.path, encode(data))

    def close(self) -> None:
        pass


class UnitOfWork(Middleware):
    """Reads the file once, keeps every change in memory, writes once on :meth:`commit`.

    TinyDB calls ``read`` on every table access and ``write`` after every change; here
    both touch only memory, so a command may insert and update as often as it likes and
    still cost one file write (or none, if nothing changed).
    """

    def __init__(self, storage_cls: type[Storage] = AtomicJSONStorage) -> None:
        super().__init__(storage_cls)
        self.data: RawData | None = None
        self.dirty = False
        self.writes_to_disk = 0

    def read(self) -> RawData | None:
        if self.data is None:
            self.data = self.storage.read()
        return self.data

    def write(self, data: RawData) -> None:
        self.data = data
        self.dirty = True

    def commit(self) -> None:
        if self.dirty and self.data is not None:
            self.storage.write(self.data)
            self.writes_to_disk += 1
            self.dirty = False

    def close(self) -> None:
        self.storage.close()


# ------------------------------------------------------------------------- the store


@dataclass(frozen=True)
class BackupInfo:
    path: Path
    created: str
    reason: str
    size: int


_BACKUP_RE = re.compile(
    r"^(?P<stem>.+)\.(?P<when>\d{8}-\d{6})(?:-\d+)?\.(?P<reason>[a-z0-9-]+)\.json$"
)


class Store:
    """A DB file and its companions: ``<db>.lock`` and the ``<stem>.backups/`` folder."""

    def __init__(self, path: Path) -> None:
        if path.is_symlink():  # the lock and the backups belong beside the real file
            path = Path(os.path.realpath(path))
        if not path.name or path.is_dir():
            raise StoreError(M.STORE_NOT_A_FILE, path=path)
        if path.parent.exists() and not path.parent.is_dir():
            raise StoreError(M.STORE_PARENT_NOT_FOLDER, path=path, parent=path.parent)
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.owner_path = path.with_name(path.name + ".lock-owner")
        self.backup_dir = path.with_name(path.stem + ".backups")

    # -- reading ------------------------------------------------------------------

    def _require_file(self) -> None:
        if not self.path.exists():
            raise StoreError(M.STORE_MISSING, path=self.path)

    def _open(self, validate: bool = True) -> tuple[TinyDB, UnitOfWork]:
        self._require_file()
        db = TinyDB(self.path, storage=UnitOfWork(AtomicJSONStorage))
        unit = cast(UnitOfWork, db.storage)
        try:
            data = unit.read()
        except OSError as exc:
            raise StoreError(M.STORE_CORRUPT, path=self.path, reason=exc.strerror or exc) from exc
        assert data is not None  # the file exists; an empty one raised above
        check_schema(self.path, data)
        if validate:
            check_records(self.path, data)
        return db, unit

    @contextlib.contextmanager
    def read(self, *, validate: bool = True) -> Iterator[TinyDB]:
        """A read-only view: no lock, one parse, any write is a programming error.

        Every record is checked against :mod:`lou_library.schema` first; only ``lou db
        check`` reads without (``validate=False``), to list what does not fit.
        """
        db, unit = self._open(validate)
        yield db
        if unit.dirty:  # pragma: no cover - guards against a rule writing in a read unit
            raise RuntimeError("a read-only unit of work changed the database")

    @contextlib.contextmanager
    def write(
        self, command: str, backup: str | None = None, *, validate: bool = True
    ) -> Iterator[TinyDB]:
        """One read-modify-write under the exclusive lock, written once at the end.

        If the body raises, nothing is written. ``backup`` names an automatic backup
        taken (under the lock) before the body runs.
        """
        with self.lock(command):
            self._remove_stale_temp_files()
            db, unit = self._open(validate)
            if backup:
                self.backup(backup)
            yield db
            self._commit(unit)

    def _replace(self, payload: bytes) -> None:
        """Write the whole DB file atomically; a failure is a StoreError naming it."""
        try:
            atomic_write_bytes(self.path, payload)
        except OSError as exc:
            raise StoreError(M.STORE_WRITE_FAILED, path=self.path, reason=os_reason(exc)) from exc

    def _commit(self, unit: UnitOfWork) -> None:
        try:
            unit.commit()
        except OSError as exc:
            raise StoreError(M.STORE_WRITE_FAILED, path=self.path, reason=os_reason(exc)) from exc

    # -- the lock -----------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, command: str) -> Iterator[None]:
        from filelock import FileLock, Timeout  # only writers need it

        raw = os.environ.get(ENV_LOCK_TIMEOUT, str(DEFAULT_LOCK_TIMEOUT))
        try:
            timeout = float(raw)
        except ValueError:
            raise Invalid(M.BAD_ENV, name=ENV_LOCK_TIMEOUT, value=raw) from None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FileLock(self.lock_path, timeout=timeout)
            lock.acquire()
        except Timeout:
            raise StoreError(
                M.STORE_BUSY, path=self.path, seconds=f"{timeout:g}", owner=self._owner()
            ) from None
        except OSError as exc:
            raise StoreError(M.STORE_WRITE_FAILED, path=self.path, reason=os_reason(exc)) from exc
        try:
            with contextlib.suppress(OSError):
                self.owner_path.write_text(
                    f"pid {os.getpid()}, `lou {command}`, {clock.stamp()}", encoding="utf-8"
                )
            yield
        finally:
            with contextlib.suppress(OSError):
                self.owner_path.unlink()
            lock.release()

    def _remove_stale_temp_files(self) -> None:
        """Temp files of writers that were killed mid-write; only called under the lock."""
        for stale in self.path.parent.glob(f".{self.path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()

    def _owner(self) -> str:
        try:
            return self.owner_path.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    def owns(self, other: Path) -> bool:
        """Is ``other`` this DB, one of its companions, or inside its backup folder?"""
        target = Path(os.path.realpath(other))
        own = {Path(os.path.realpath(p)) for p in (self.path, self.lock_path, self.owner_path)}
        backups = Path(os.path.realpath(self.backup_dir))
        return target in own or target == backups or backups in target.parents

    def guard_output(self, other: Path) -> None:
        """Refuse to write a report or an export over the DB or its backups."""
        if self.owns(other):
            raise Conflict(M.OUTPUT_IS_DB, path=other)

    # -- creating -----------------------------------------------------------------

    def create(self, data: RawData, *, force: bool, command: str = "init") -> Path | None:
        """Write a brand-new DB; an existing one is refused unless ``force`` (then backed up)."""
        with self.lock(command):
            saved = None
            if self.path.exists():
                if not force:
                    raise Conflict(M.STORE_EXISTS, path=self.path)
                saved = self.backup("before-init")
            self._replace(encode(data))
            return saved

    # -- backups ------------------------------------------------------------------

    def backup(self, reason: str) -> Path:
        """Copy the DB's bytes, as they are, into the backup folder (fsynced); prune old ones.

        The caller holds the lock. Automatic backups beyond the newest
        :data:`BACKUPS_KEPT` are deleted; manual ones (``lou db backup``) are kept.
        """
        try:
            payload = self.path.read_bytes()
            self.backup_dir.mkdir(parents=True, exist_ok=True)
            when = clock.now().strftime("%Y%m%d-%H%M%S")
            target = self.backup_dir / f"{self.path.stem}.{when}.{reason}.json"
            n = 1
            while target.exists():
                n += 1
                target = self.backup_dir / f"{self.path.stem}.{when}-{n}.{reason}.json"
            atomic_write_bytes(target, payload)
        except OSError as exc:
            raise StoreError(M.STORE_BACKUP_FAILED, path=self.path, reason=os_reason(exc)) from exc
        self._prune()
        return target

    def backups(self) -> list[BackupInfo]:
        """Backups of this DB, oldest first."""
        if not self.backup_dir.is_dir():
            return []
        found = []
        for entry in self.backup_dir.iterdir():
            match = _BACKUP_RE.match(entry.name)
            if not match or match["stem"] != self.path.stem:
                continue
            when = match["when"]
            created = (
                f"{when[0:4]}-{when[4:6]}-{when[6:8]} {when[9:11]}:{when[11:13]}:{when[13:15]}"
            )
            found.append(BackupInfo(entry, created, match["reason"], entry.stat().st_size))
        found.sort(key=lambda b: (b.created, b.path.stat().st_mtime_ns, b.path.name))
        return found

    def _prune(self) -> None:
        automatic = [b for b in self.backups() if b.reason != "manual"]
        for old in automatic[: max(0, len(automatic) - BACKUPS_KEPT)]:
            with contextlib.suppress(OSError):
                old.path.unlink()

    def find_backup(self, name: str) -> BackupInfo:
        backups = self.backups()
        for info in backups:
            if name in (info.path.name, str(info.path)):
                return info
        candidate = Path(name).expanduser()
        if candidate.is_file():
            return BackupInfo(candidate, "", "file", candidate.stat().st_size)
        raise NotFound(M.BACKUP_NOT_FOUND, name=name, folder=self.backup_dir)

    def backup_books(self, source: Path) -> int | None:
        """How many books a backup holds, or None if it does not read."""
        try:
            data = decode(source, source.read_bytes())
        except (OSError, StoreError):
            return None
        return len(data.get("books", {}))

    def readable_backup(self, source: Path) -> bool:
        """Would :meth:`restore` accept this backup? (A ``before-restore`` copy of a corrupt
        DB would not.)"""
        try:
            check_schema(source, decode(source, source.read_bytes()), allow_older=True)
        except (OSError, StoreError):
            return False
        return True

    def restore(self, source: Path) -> Path | None:
        """Put a backup in place of the DB, after checking it and backing up the current file.

        The current file is copied as raw bytes, so even a corrupt DB can be restored over
        and nothing is lost.
        """
        try:
            payload = source.read_bytes()
        except OSError as exc:
            raise NotFound(M.BACKUP_NOT_FOUND, name=source, folder=self.backup_dir) from exc
        data = decode(source, payload)
        check_schema(source, data, allow_older=True)
        with self.lock("db restore"):
            saved = self.backup("before-restore") if self.path.exists() else None
            self._replace(payload)
            return saved

    # -- migrations ---------------------------------------------------------------

    def migrate(self) -> tuple[int, int, Path | None]:
        """Bring an older DB to :data:`SCHEMA_VERSION`, after an fsynced backup."""
        with self.lock("db migrate"):
            self._require_file()
            data = decode(self.path, self.path.read_bytes())
            found = check_schema(self.path, data, allow_older=True)
            if found == SCHEMA_VERSION:
                return found, found, None
            saved = self.backup(f"before-migrate-v{found}")
            for version in range(found, SCHEMA_VERSION):
                step = MIGRATIONS.get(version)
                if step is None:
                    raise StoreError(M.STORE_NO_MIGRATION, path=self.path, found=version)
                step(data)
                meta(data)["schema_version"] = version + 1
            self._replace(encode(data))
            return found, SCHEMA_VERSION, saved


def meta(data: RawData) -> dict[str, Any]:
    table = data.get(META_TABLE) or {}
    return table.get("1", {})


def check_schema(path: Path, data: RawData, *, allow_older: bool = False) -> int:
    """The file's schema version; refuse newer ones, and older ones unless migrating."""
    version = meta(data).get("schema_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise StoreError(M.STORE_CORRUPT, path=path, reason=M.STORE_NO_SCHEMA())
    if version > SCHEMA_VERSION:
        raise StoreError(M.STORE_NEWER, path=path, found=version, supported=SCHEMA_VERSION)
    if version < SCHEMA_VERSION and not allow_older:
        raise StoreError(M.STORE_OLDER, path=path, found=version, supported=SCHEMA_VERSION)
    return version


def check_records(path: Path, data: RawData) -> None:
    """Refuse a file with a record the rules cannot use, naming it (see lou_library.schema)."""
    from lou_library import schema

    problem = schema.first_problem(data)
    if problem is not None:
        raise StoreError(M.STORE_BAD_RECORD, path=path, problem=problem.message())


def new_document(settings: dict[str, Any] | None = None) -> RawData:
    """An empty DB: just the meta record."""
    record = {
        "schema_version": SCHEMA_VERSION,
        "created_at": clock.stamp(),
        "created_by": f"lou-library {__version__}",
        "settings": settings or {},
        "counters": {},
    }
    return {META_TABLE: {"1": record}}
