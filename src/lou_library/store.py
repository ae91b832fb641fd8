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

The file is compact JSON, one line per table (see :func:`encode`): a programme that has
lived four years (104 rounds, 3,000 books) keeps a file of a few MB, and every command
reads it whole. Backups belong to one DB file (``lou.json`` -> ``lou.json.backups/``), are
gzip-compressed (about 13 times smaller) and numbered in the order they were made, so a
clock that is wrong never decides which ones are pruned.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import os
import re
import stat
import tempfile
import time
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias, cast

import orjson
from tinydb import TinyDB
from tinydb.middlewares import Middleware
from tinydb.storages import Storage

from lou_library import __version__, clock
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid, NotFound, StoreError, os_reason

if TYPE_CHECKING:
    from lou_library.pgstore import PgStore
    from lou_library.repository import Repository
    from lou_library.tinyrepo import TinyRepository

SCHEMA_VERSION = 4
META_TABLE = "_meta"
ENV_DB = "LOU_LIBRARY_DB"
ENV_LOCK_TIMEOUT = "LOU_LOCK_TIMEOUT"
DEFAULT_LOCK_TIMEOUT = 10.0
MAX_LOCK_TIMEOUT = 3600.0
BACKUPS_KEPT = 20
# A backup's temp file not written to for this long is a killed writer's (a server's network
# has no lock file to clear them under, and a live one is written to as its pieces come)
ABANDONED_AFTER = 3600.0  # seconds
BACKUP_SUFFIX = ".backups"
TEMP_SUFFIX = ".lou-tmp"  # temp files of an atomic write: .<name>.<random>.lou-tmp

RawData = dict[str, dict[str, dict[str, Any]]]
Migration = Callable[[RawData], None]


def _tasks_without_stops(data: RawData) -> None:
    """1 -> 2: a task no longer keeps a copy of its pick list; the round's moves have it."""
    rounds = {r.get("number") for r in data.get("rounds", {}).values()}
    for task in data.get("tasks", {}).values():
        if task.get("round") in rounds:
            task.pop("stops", None)


def _flat_rounds(data: RawData) -> None:
    """2 -> 3: rounds no longer nest; moves are kept as legs.

    Schema 2 kept, in the undo data of the last round, the whole record of the round
    before it, undo data included, and so on back to round 1: the document grew three
    JSON levels and the size of every earlier round with each round. Only the last
    applied round can be undone, so only its own undo data is kept, without any earlier
    round; the earlier rounds themselves (their moves, tasks and figures, which
    ``book history`` and the reports read) stay in the ``rounds`` table as they were.
    Each round's moves, one string per book (``"B00001 SHY-01 SHY-02"``), become legs:
    runs of books carried from one place to another, in the plan's order. A last round
    applied before undo recorded the state after the apply (schema 1, early schema 2)
    loses its undo data too: nothing could tell whether work was done since, which an
    undo would wipe out.
    """
    from lou_library.records import legs_of

    rounds = data.get("rounds", {})
    applied = [r for r in rounds.values() if r.get("status") == "applied"]
    last = max((int(r["number"]) for r in applied), default=None)
    for record in rounds.values():
        moves = record.get("moves", [])
        if moves and isinstance(moves[0], str):
            record["moves"] = legs_of(map(_schema2_move, moves))
        undo = record.get("undo")
        if undo is None:
            continue
        if record.get("number") != last or record.get("status") != "applied":
            del record["undo"]
            continue
        if "after" not in undo:  # applied before undo checked for later work: an undo
            del record["undo"]  # could wipe that work out, and nothing can tell
            continue
        undo.pop("rounds", None)
        for saved in (undo.get("meta"), (undo.get("after") or {}).get("meta")):
            if isinstance(saved, dict) and "schema_version" in saved:
                saved["schema_version"] = 3  # what undo puts back must match the file


def _schema2_move(text: str) -> tuple[str, str, str]:
    """A move as schema 2 wrote it, ``"B00001 SHY-01 SHY-02"``: a string of any other shape
    is refused (a ValueError), not read with a word dropped (legs_of takes the first three
    of whatever it is given)."""
    book, source, target = text.split(" ")
    return book, source, target


def _moves_apart(data: RawData) -> None:
    """3 -> 4: each round's legs move to a ``moves`` table of their own, and the last
    round's undo data keeps its books' fields grouped.

    After a year at 100,000 books the rounds were 28 MB of the file and 100 MB in memory
    for every command that looked at a round (``info``, ``rotate plan``, ``task list``):
    the legs of 26 rounds, and the saved fields of 100,000 moved books as 100,000 small
    records. The legs are now read only by the commands that show moves (``book
    history``, pick lists, corrections), and the saved fields are grouped by value.
    """
    from lou_library.rotation import _grouped

    moves = data.setdefault("moves", {})
    for record in data.get("rounds", {}).values():
        legs = record.pop("moves", None)
        if legs:
            moves[str(len(moves) + 1)] = {"round": record["number"], "legs": legs}
        undo = record.get("undo")
        if not isinstance(undo, dict):
            continue
        fields = undo.pop("book_fields", None)
        if isinstance(fields, dict):
            undo["book_groups"] = _grouped({**f, "code": c} for c, f in sorted(fields.items()))
        for saved in (undo.get("meta"), (undo.get("after") or {}).get("meta")):
            if isinstance(saved, dict) and "schema_version" in saved:
                saved["schema_version"] = 4  # what undo puts back must match the file
    if not moves:
        del data["moves"]


# version N -> the function that turns a version-N document into version N+1, in place.
MIGRATIONS: dict[int, Migration] = {1: _tasks_without_stops, 2: _flat_rounds, 3: _moves_apart}


def default_db_path() -> Path:
    from platformdirs import user_data_path

    return user_data_path("lou-library", appauthor=False) / "lou.json"


def lock_timeout() -> float:
    """``LOU_LOCK_TIMEOUT``: how long a writer waits for the lock, 0 to an hour."""
    import math

    raw = os.environ.get(ENV_LOCK_TIMEOUT, "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = math.nan
    if not 0 <= seconds <= MAX_LOCK_TIMEOUT:  # also refuses nan and inf
        raise Invalid(
            M.BAD_LOCK_TIMEOUT, name=ENV_LOCK_TIMEOUT, value=raw, limit=f"{MAX_LOCK_TIMEOUT:g}"
        )
    return seconds


SERVER_SCHEMES = ("postgresql://", "postgres://")


def is_server_url(location: str) -> bool:
    """Is this ``--db`` a PostgreSQL server's URL rather than a file?"""
    return location.startswith(SERVER_SCHEMES)


def open_store(
    option: str | os.PathLike[str] | None, notify: Callable[[str], None] | None = None
) -> AnyStore:
    """The network that ``--db`` (else ``LOU_LIBRARY_DB``, else the per-user file) names:
    a file, or a PostgreSQL database given by its URL (needs the ``postgres`` extra)."""
    location = os.fspath(option) if option is not None else os.environ.get(ENV_DB, "")
    if not is_server_url(location):
        return Store(resolve_db_path(option), notify=notify)
    try:
        from lou_library.pgstore import PgStore
    except ImportError:  # psycopg is an optional extra
        raise StoreError(M.PG_NOT_INSTALLED, path=location) from None
    return PgStore(location, notify=notify)


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


def follow_link(path: Path) -> Path:
    """The file a symbolic link points to, if the link can be trusted; else refuse it.

    As Linux's ``protected_symlinks`` does for sticky folders, and here for any folder
    others may write (a shared office folder, /tmp): a link is followed only if it is the
    user's own or its folder's owner's, or if nobody else could have put it there.
    """
    if not path.is_symlink():
        return path
    link = path.lstat()
    folder = path.absolute().parent.stat()
    others_write = folder.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    if link.st_uid not in (os.geteuid(), folder.st_uid) and others_write:
        raise Conflict(M.FILE_FOREIGN_LINK, path=path)
    return Path(os.path.realpath(path))


def refuse_unwritable(path: Path) -> None:
    """Refuse to replace what the user could not overwrite in place: a read-only file (even
    for root, who may write anything: 0444 says "leave me"), another user's file in a
    shared folder, a FIFO or a device."""
    try:
        found = path.stat()
    except FileNotFoundError:
        return
    if stat.S_ISDIR(found.st_mode):
        raise Conflict(M.FILE_IS_FOLDER, path=path)
    if not stat.S_ISREG(found.st_mode):
        raise Conflict(M.FILE_NOT_REGULAR, path=path)
    if not found.st_mode & 0o222 or not os.access(path, os.W_OK):
        raise Conflict(M.FILE_READ_ONLY, path=path)


def atomic_write_bytes(
    path: Path, payload: bytes | Iterable[bytes | memoryview], *, private: bool = True
) -> None:
    """Replace ``path`` by ``payload`` so that a crash leaves the old file or the new one.

    The temp file is created owner-only by ``mkstemp`` and gets the old file's mode (a new
    DB or backup stays owner-only; ``private=False`` gives an export the usual mode); on
    any failure it is removed and the original is untouched. A symbolic link is followed,
    so the file it points to is the one replaced, unless another user may have planted it
    (:func:`follow_link`). A file the user could not write in place, or that is not a
    regular file, is refused: the rename alone would only ask the folder.
    """
    path = follow_link(path)
    refuse_unwritable(path)
    folder = path.parent
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=TEMP_SUFFIX, dir=folder)
    except OSError as exc:
        raise _naming(exc, path) from exc
    tmp = Path(tmp_name)
    try:
        tmp.chmod(_mode_for(path, private))
        with os.fdopen(fd, "wb") as handle:
            if isinstance(payload, bytes):
                handle.write(payload)
            else:  # pieces (maybe as they are made): a 100 MB document is never joined
                handle.writelines(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)  # noqa: PTH105 - os.replace is what fault tests patch
    except BaseException as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        if isinstance(exc, OSError):
            raise _naming(exc, path) from exc
        raise
    _fsync_dir(folder)


def _naming(exc: OSError, path: Path) -> OSError:
    """The same error, naming the file the user asked for, not the temp file (a full disk
    used to say "Cannot use the file : No space left on device")."""
    return OSError(exc.errno, exc.strerror or os_reason(exc), str(path))


def encode(data: RawData) -> bytes:
    """The DB document as bytes: compact JSON, each table on a line of its own.

    Chosen by measurement (``python bench/encoding.py``, in bench/README.md): indented
    JSON is 1.4 times larger than compact, and was four times larger with schema 2's
    nested undo data; one record per line is as small as compact but takes 2.7 times as
    long to write (0.11 s more per write at 100,000 books, 0.23 s after a year). So the
    file is compact, and a person who wants to read it runs
    ``python3 -m json.tool --no-ensure-ascii lou.json`` (the README says so).
    """
    return b"".join(encode_parts(data))  # one join: a single copy of the payload


def encode_parts(data: RawData) -> list[bytes | memoryview]:
    """:func:`encode`'s bytes in pieces, for writing without joining them: a table no
    rule has parsed is written back as the text it was read as (see :class:`Document`)."""
    if not data:
        return [b"{}\n"]
    parts: list[bytes | memoryview] = [b"{\n"]
    for name, table in dict.items(data):
        parts.append(orjson.dumps(name) + b":")
        if isinstance(table, _RawTable):
            parts += table.parts()
        else:
            parts.append(orjson.dumps(table))
        parts.append(b",\n")
    parts[-1] = b"\n}\n"
    return parts


def _not_json(exc: orjson.JSONDecodeError, table: str | None = None) -> str:
    """Why a file is not JSON, in the user's language (the parser's own words are
    English): where, or the table whose text would not parse (a table is parsed when
    first asked)."""
    if table is not None:
        return M.STORE_TABLE_NOT_JSON(table=table)
    if exc.doc[:1] == "\ufeff":
        return M.STORE_BOM()
    return M.STORE_NOT_JSON(line=exc.lineno, column=exc.colno)


def decode(path: Path, payload: bytes) -> RawData:
    """Parse and shape-check a DB document; anything else is a corrupt file."""
    try:
        data = orjson.loads(payload)
    except orjson.JSONDecodeError as exc:
        reason = _not_json(exc) if payload.strip() else M.STORE_EMPTY()
        raise StoreError(M.STORE_CORRUPT, path=path, reason=reason) from exc
    if not isinstance(data, dict) or not all(
        isinstance(table, dict) and all(isinstance(doc, dict) for doc in table.values())
        for table in data.values()
    ):
        raise StoreError(M.STORE_CORRUPT, path=path, reason=M.STORE_NOT_TABLES())
    return data


class _RawTable:
    """A table of the file that no rule has asked for yet: where its JSON lies in the
    file's bytes, and the records added to it since (see :class:`Document`)."""

    __slots__ = ("added", "payload", "start", "stop")

    def __init__(self, payload: bytes, start: int, stop: int) -> None:
        # ``payload`` is the table's own line of the file, so the memory of a table's
        # text is freed once it is parsed
        self.payload = payload
        self.start = start
        self.stop = stop
        self.added: dict[str, Any] = {}

    def parse(self) -> Any:
        return orjson.loads(memoryview(self.payload)[self.start : self.stop])

    def last_id(self) -> int | None:
        """The last record's id, read from the end of the text without parsing the
        table; None when that cannot be told for sure (then the caller parses it)."""
        if self.added:
            return int(next(reversed(self.added)))
        if self.stop - self.start == 2:  # "{}"
            return 0
        payload, position = self.payload, self.stop
        for _attempt in range(8):  # "}," inside a text value: rare; give up after a few
            position = payload.rfind(b'},"', self.start, position)
            if position < 0:
                break
            with contextlib.suppress(orjson.JSONDecodeError):
                tail = orjson.loads(b"{" + payload[position + 2 : self.stop])
                if isinstance(tail, dict) and len(tail) == 1:
                    key = next(iter(tail))
                    if key.isdigit() and not self._has(str(int(key) + 1)):
                        return int(key)  # the ids run in order, as appends keep them
                return None
        return None

    def _has(self, doc_id: str) -> bool:
        key = b'"' + doc_id.encode() + b'":{'
        text = self.payload
        return text.find(b"," + key, self.start, self.stop) >= 0 or text.startswith(
            b"{" + key, self.start
        )

    def parts(self) -> list[bytes | memoryview]:
        text = memoryview(self.payload)[self.start : self.stop]
        if not self.added:
            return [text]
        more = b",".join(orjson.dumps(k) + b":" + orjson.dumps(v) for k, v in self.added.items())
        return [text[:-1], b"," if len(text) > 2 else b"", more, b"}"]


_TABLE_LINE = re.compile(rb'"([A-Za-z0-9_]{1,64})":\{')


class Document(dict[str, Any]):
    """The DB document read from its file, each table parsed when a rule first uses it.

    A file written by :func:`encode` holds a table a line. Parsing all of it is most of a
    command's memory: after a year at 100,000 books, 840 MB for a 109 MB file, most of it
    history (the volunteers' reports, each round's moves) that few commands read. So the
    file's bytes are kept, each table is parsed on first use (and its records checked
    against :mod:`lou_library.schema` then), records added to a table nobody read are
    kept aside (:func:`append_records`), and :func:`encode` writes an unread table back
    as the bytes it was read as. Whatever reads the document as a whole (``items``,
    ``values``, equality, a copy) parses every table first. A file of another shape (a
    hand edit that indented it) is parsed whole when it is read, as before.
    """

    path: Path
    validate: bool

    def __init__(self, path: Path, tables: dict[str, Any], *, validate: bool = False) -> None:
        super().__init__(tables)
        self.path = path
        self.validate = validate

    def __getitem__(self, name: str) -> Any:
        table = dict.__getitem__(self, name)
        if isinstance(table, _RawTable):
            table = self._parse(name, table)
        return table

    def get(self, name: str, default: Any = None) -> Any:
        return self[name] if name in self else default  # noqa: SIM401 - that would recurse

    def setdefault(self, name: str, default: Any = None) -> Any:
        if name not in self:
            dict.__setitem__(self, name, default)
        return self[name]

    def items(self) -> Any:
        self.parse_all()
        return dict.items(self)

    def values(self) -> Any:
        self.parse_all()
        return dict.values(self)

    def __eq__(self, other: object) -> bool:
        self.parse_all()
        if isinstance(other, Document):
            other.parse_all()
        return dict.__eq__(self, other)

    __hash__ = None

    def copy(self) -> dict[str, Any]:
        self.parse_all()
        return dict(dict.items(self))

    def parse_all(self) -> None:
        for name in list(dict.keys(self)):
            self[name]

    def parsed(self, name: str) -> bool:
        return name in self and not isinstance(dict.__getitem__(self, name), _RawTable)

    def raw(self, name: str) -> _RawTable | None:
        table = dict.get(self, name)
        return table if isinstance(table, _RawTable) else None

    def _parse(self, name: str, raw: _RawTable) -> dict[str, Any]:
        try:
            table = raw.parse()
        except orjson.JSONDecodeError as exc:
            reason = _not_json(exc, name)
            raise StoreError(M.STORE_CORRUPT, path=self.path, reason=reason) from exc
        if not isinstance(table, dict) or not all(isinstance(d, dict) for d in table.values()):
            raise StoreError(M.STORE_CORRUPT, path=self.path, reason=M.STORE_NOT_TABLES())
        table.update(raw.added)
        dict.__setitem__(self, name, table)
        if self.validate:
            check_records(self.path, {name: table})
        return table


def _table_of(line: bytes, last: bool) -> tuple[str, _RawTable] | None:
    """A line of a file written by :func:`encode`: ``"books":{...},``; None if not."""
    stop = len(line) - (1 if last else 2)  # the newline, and the comma between tables
    match = _TABLE_LINE.match(line, 0, stop)
    if not match or line[stop - 1 : stop] != b"}" or (not last and line[stop] != 44):
        return None
    return match[1].decode(), _RawTable(line, match.end() - 1, stop)


def read_document(path: Path) -> Document:
    """The DB document, read a table (a line) at a time, each parsed on first use. A file
    of another shape is read and parsed whole (:func:`decode`)."""
    with path.open("rb") as handle:
        lines = [handle.readline()]
        if lines[0] == b"{\n":
            lines = list(handle)  # a line per table: each its own bytes
            tables: dict[str, _RawTable] | None = {}
            if len(lines) < 2 or lines[-1] != b"}\n":
                tables = None
            for index, line in enumerate(lines[:-1]):
                found = _table_of(line, last=index == len(lines) - 2)
                if tables is None or found is None or found[0] in tables:
                    tables = None
                    break
                tables[found[0]] = found[1]
            if tables is not None:
                return Document(path, dict(tables))
            lines = [b"{\n", *lines]
        payload = b"".join([*lines, handle.read()])
    del lines
    return Document(path, decode(path, payload))


def last_id(data: RawData, table: str) -> int:
    """The largest doc id of a table (0: empty). Records are added in order, so it is the
    last key, unless a hand edit shuffled them: then the largest."""
    if isinstance(data, Document):
        raw = data.raw(table)
        found = raw.last_id() if raw is not None else None
        if found is not None:
            return found
    records = data.get(table) or {}
    if not records:
        return 0
    last = int(next(reversed(records)))
    if str(last + 1) in records:
        last = max(int(i) for i in records)
    return last


def append_records(data: RawData, table: str, records: Sequence[Mapping[str, Any]]) -> None:
    """Add records after the last one, without parsing a table nobody has read."""
    first = last_id(data, table) + 1
    raw = data.raw(table) if isinstance(data, Document) else None
    target = raw.added if raw is not None else data.setdefault(table, {})
    for number, record in enumerate(records, start=first):
        target[str(number)] = dict(record)


class AtomicJSONStorage(Storage):
    """TinyDB storage: orjson, UTF-8 (``ensure_ascii=False``), atomic fsynced writes."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)

    def read(self) -> RawData | None:
        try:
            return read_document(self.path)
        except FileNotFoundError:
            return None

    def write(self, data: RawData) -> None:
        atomic_write_bytes(self.path, encode_parts(data))

    def close(self) -> None:
        pass


def in_memory(document: RawData) -> Repository:
    """A repository over a document held in memory only (the demo, the benchmarks'
    networks): the embedded implementation, as a file would hold it."""
    from lou_library.tinyrepo import TinyRepository

    return TinyRepository.in_memory(document)


class MemoryFile:
    """A DB kept as the bytes its file would hold, for ``rotate simulate``.

    Each :meth:`write` lets the body change the document and then encodes it as the
    store's own :func:`encode` does, as a command's unit of work does: what would break
    the real file (nesting orjson cannot write, values JSON cannot hold, a document that
    grows without bound) breaks the simulation too, and ``size`` is what the file would
    weigh. Only what changed is encoded again: a table the write did not change keeps
    its bytes, and a table it only added records to (the history, the rounds' moves)
    gets the new records' bytes added (compact JSON of a table is the JSON of its records
    one after the other), so the bytes are the ones :func:`encode` gives, at a fraction
    of the cost on a network that has lived for years. Decoding every round as well cost
    more than the rounds themselves, so the document stays in memory and :meth:`verify`
    checks once, at the end, that it is exactly what its bytes decode to (a tuple where
    JSON gives a list would be a difference; so would a record changed behind the
    repository's back, whose table kept its old bytes).
    """

    NAME = Path("<simulation>")

    def __init__(self, data: RawData) -> None:
        payload = encode(data)
        self.data = decode(self.NAME, payload)
        # the file's bytes in pieces (joined when asked for: a round needs only their size)
        self._parts: list[bytes | memoryview] = [payload]
        self.size = len(payload)
        # table -> its bytes as of the last write, in pieces, and how many records it had
        self._tables: dict[str, tuple[list[bytes | memoryview], int]] = {}
        self._repository: TinyRepository | None = None

    @property
    def payload(self) -> bytes:
        """The bytes the file would hold."""
        if len(self._parts) != 1 or not isinstance(self._parts[0], bytes):
            self._parts = [b"".join(self._parts)]
        return cast(bytes, self._parts[0])

    @contextlib.contextmanager
    def write(self) -> Iterator[TinyRepository]:
        from lou_library.tinyrepo import TinyRepository

        if self._repository is None:  # one for every write: its indexes stay built
            self._repository = TinyRepository.in_memory(self.data)
        repo = self._repository
        yield repo
        self.data = repo.document()
        self._parts = self._encode(repo.changes())
        self.size = sum(map(len, self._parts))

    def _encode(self, changes: dict[str, bool] | None) -> list[bytes | memoryview]:
        """:func:`encode` of the document, given what changed since the last write (see
        :meth:`TinyRepository.changes`)."""
        tables: dict[str, tuple[list[bytes | memoryview], int]] = {}
        parts: list[bytes | memoryview] = [b"{\n"]
        for name, table in dict.items(self.data):
            kept = self._tables.get(name)
            # (True: only added to; False: changed; None: a table the write did not touch)
            added_only = changes.get(name) if changes is not None else False
            if kept is None or added_only is False:
                kept = ([orjson.dumps(table)], len(table))
            elif added_only:
                kept = _grown(kept, table)
            tables[name] = kept
            parts.append(orjson.dumps(name) + b":")
            parts += kept[0]
            parts.append(b",\n")
        self._tables = tables
        if len(parts) == 1:
            return [b"{}\n"]
        parts[-1] = b"\n}\n"
        return parts

    def verify(self) -> None:
        """The document in memory is the one its bytes hold (a programming error if not)."""
        if decode(self.NAME, self.payload) != self.data:
            raise RuntimeError("the simulated document differs from what its file would hold")


def _grown(
    kept: tuple[list[bytes | memoryview], int], table: dict[str, Any]
) -> tuple[list[bytes | memoryview], int]:
    """A table's bytes (in pieces) and size after records were added after its last ones."""
    pieces, count = kept
    if count == len(table):
        return kept
    if count == 0 or count > len(table):
        return [orjson.dumps(table)], len(table)
    newest = itertools.islice(reversed(dict.items(table)), len(table) - count)  # from the end
    added = orjson.dumps(dict(reversed(list(newest))))
    last = pieces[-1]  # ends with the table's "}"
    return [*pieces[:-1], memoryview(last)[:-1], b",", memoryview(added)[1:]], len(table)


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
    number: int = 0  # the order backups of this DB were made in; 0: not one of ours

    @property
    def legacy(self) -> bool:
        """Made by lou before schema 3, in a folder other DBs may have shared."""
        return self.number == 0 and self.reason != "file"


# 000042.20261129-093000.before-apply.json.gz: number, local time, reason.
_BACKUP_RE = re.compile(
    r"^(?P<number>\d{6,})\.(?P<when>\d{8}-\d{6})\.(?P<reason>[a-z0-9-]+)\.json\.gz$"
)
# Schema 1 and 2 named backups <stem>.<when>[-n].<reason>.json in <stem>.backups/.
_LEGACY_RE = re.compile(
    r"^(?P<stem>.+)\.(?P<when>\d{8}-\d{6})(?:-\d+)?\.(?P<reason>[a-z0-9-]+)\.json$"
)


def gzipped(pieces: Iterable[bytes]) -> Iterator[bytes]:
    """``gzip.compress(b"".join(pieces), compresslevel=1, mtime=0)``'s content, compressed
    as the pieces come (the header's flags may differ; ``gzip.decompress`` reads both).
    Each piece is compressed in a thread of its own while the next one is made (zlib lets
    go of the interpreter while it works): a server's backup of 1,000,000 books takes the
    time of reading it, not that plus the compression's."""
    from concurrent.futures import Future, ThreadPoolExecutor

    compressor = zlib.compressobj(1, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    with ThreadPoolExecutor(1, thread_name_prefix="lou-gzip") as worker:  # one at a time
        pending: Future[bytes] | None = None
        for piece in pieces:
            ahead = worker.submit(compressor.compress, piece)
            if pending is not None and (out := pending.result()):
                yield out
            pending = ahead
        if pending is not None and (out := pending.result()):
            yield out
    yield compressor.flush()


def _created(when: str) -> str:
    return f"{when[0:4]}-{when[4:6]}-{when[6:8]} {when[9:11]}:{when[11:13]}:{when[13:15]}"


def read_backup(path: Path) -> bytes:
    """A backup's bytes as the DB had them (backups are gzip files; older ones plain)."""
    payload = path.read_bytes()
    if payload[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(payload)
        except (OSError, EOFError) as exc:  # a truncated or damaged .gz
            raise StoreError(M.STORE_CORRUPT, path=path, reason=M.GZIP_DAMAGED()) from exc
    return payload


class BackupFolder:
    """A DB's numbered, gzip-compressed backups in one folder (the file's and the
    PostgreSQL store's alike): making, listing, pruning and finding them."""

    is_file: bool  # a DB file (else a database on a server)
    backup_dir: Path
    legacy_backup_dir: Path
    stem: str  # the DB's name, as schema 1 and 2 began their backups' names with it
    notify: Callable[[str], None]
    where: object  # the DB as messages name it

    def _save_backup(self, payload: Callable[[], bytes | Iterator[bytes]], reason: str) -> Path:
        """Save the DB's bytes (``payload`` gives them, whole or in pieces as they are
        read: a server's network is never held whole), gzip-compressed, into its backup
        folder (fsynced); then prune old automatic backups. The caller holds the lock.

        Backups are numbered in the order they are made; the newest :data:`BACKUPS_KEPT`
        automatic ones are kept, manual ones (``lou db backup``) until the user deletes
        them. The time in the name is only shown: a clock set wrong never makes the new
        backup look old (it is never pruned), but the user is told.
        """
        try:
            data = payload()
            target, existing, when = self._next_backup(reason)
            if isinstance(data, bytes):
                atomic_write_bytes(target, gzip.compress(data, compresslevel=1, mtime=0))
            else:
                atomic_write_bytes(target, gzipped(data))
        except OSError as exc:
            raise StoreError(M.STORE_BACKUP_FAILED, path=self.where, reason=os_reason(exc)) from exc
        self._after_backup(target, existing, when)
        return target

    def _keep_backup(self, written: Path, reason: str) -> Path:
        """Make ``written`` (a complete, fsynced backup in the backup folder, under a
        temp file's name) the next backup, as :meth:`_save_backup` would have saved it."""
        try:
            target, existing, when = self._next_backup(reason)
            os.replace(written, target)  # noqa: PTH105 - as atomic_write_bytes
        except OSError as exc:
            raise StoreError(M.STORE_BACKUP_FAILED, path=self.where, reason=os_reason(exc)) from exc
        self._after_backup(target, existing, when)
        return target

    def _next_backup(self, reason: str) -> tuple[Path, list[BackupInfo], str]:
        """The next backup's path, the backups there are, and the time in its name."""
        self.backup_dir.mkdir(parents=True, exist_ok=True)
        existing = self.backups()
        number = max((b.number for b in existing), default=0) + 1
        moment = clock.now()
        when = (
            f"{moment.year:04d}{moment.month:02d}{moment.day:02d}"
            f"-{moment.hour:02d}{moment.minute:02d}{moment.second:02d}"
        )
        return self.backup_dir / f"{number:06d}.{when}.{reason}.json.gz", existing, when

    def _after_backup(self, target: Path, existing: list[BackupInfo], when: str) -> None:
        newest = max((b for b in existing if b.number), key=lambda b: b.number, default=None)
        if newest is not None and _created(when) < newest.created:
            self.notify(M.CLOCK_BEHIND_BACKUPS(now=_created(when), newest=newest.created))
        self._prune(keep=target)
        self._remove_abandoned_temps()

    def _remove_abandoned_temps(self) -> None:
        """Temp files of backups whose writer was killed (``rotate apply`` on a server
        writes its backup while the round's books move): those not written to for
        :data:`ABANDONED_AFTER`; one being written stays."""
        now = time.time()
        for entry in self.backup_dir.iterdir():
            if _is_temp_of(entry.name, None):
                with contextlib.suppress(OSError):
                    if now - entry.stat().st_mtime > ABANDONED_AFTER:
                        entry.unlink()

    def backups(self) -> list[BackupInfo]:
        """Backups of this DB, oldest first: those of earlier versions, then by number."""
        found = []
        for info in self._scan(self.backup_dir, _BACKUP_RE):
            found.append(info)
        for info in self._scan(self.legacy_backup_dir, _LEGACY_RE):
            found.append(info)
        found.sort(key=lambda b: (b.number, b.created, b.path.name))
        return found

    def _scan(self, folder: Path, pattern: re.Pattern[str]) -> Iterator[BackupInfo]:
        if not folder.is_dir():
            return
        for entry in folder.iterdir():
            match = pattern.match(entry.name)
            if not match or match.groupdict().get("stem", self.stem) != self.stem:
                continue
            number = int(match["number"]) if "number" in match.groupdict() else 0
            with contextlib.suppress(OSError):  # vanished meanwhile: not a backup any more
                size = entry.stat().st_size
                yield BackupInfo(entry, _created(match["when"]), match["reason"], size, number)

    def _prune(self, keep: Path) -> None:
        automatic = [b for b in self.backups() if b.number and b.reason != "manual"]
        for old in automatic[: max(0, len(automatic) - BACKUPS_KEPT)]:
            if old.path != keep:
                with contextlib.suppress(OSError):
                    old.path.unlink()

    def latest_backup(self) -> BackupInfo | None:
        """The newest backup that :meth:`restore` accepts and that surely is this DB's
        (a backup of an earlier version may come from another DB with the same stem)."""
        for info in reversed(self.backups()):
            if not info.legacy and self.readable_backup(info.path):
                return info
        return None

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
            data = decode(source, read_backup(source))
        except (OSError, StoreError):
            return None
        return len(data.get("books", {}))

    def readable_backup(self, source: Path) -> bool:
        """Would :meth:`restore` accept this backup? (A ``before-restore`` copy of a corrupt
        DB would not.)"""
        try:
            check_schema(source, decode(source, read_backup(source)), allow_older=True)
        except (OSError, StoreError):
            return False
        return True


AnyStore: TypeAlias = "Store | PgStore"  # what --db names: a file, or a server's database


class Store(BackupFolder):
    """A DB file and its companions: ``<db>.lock`` and the ``<db>.backups/`` folder.

    ``notify`` receives warnings the user should see although the command goes on (a
    clock behind the newest backup); the CLI prints them on stderr.
    """

    def __init__(self, path: Path, notify: Callable[[str], None] | None = None) -> None:
        try:  # the lock and the backups belong beside the real file
            path = follow_link(path)
        except Conflict:
            raise StoreError(M.STORE_FOREIGN_LINK, path=path) from None
        if not path.name or path.is_dir():
            raise StoreError(M.STORE_NOT_A_FILE, path=path)
        if path.exists() and not path.is_file():  # a FIFO would hang the first read
            raise StoreError(M.STORE_NOT_REGULAR, path=path)
        if path.parent.exists() and not path.parent.is_dir():
            raise StoreError(M.STORE_PARENT_NOT_FOLDER, path=path, parent=path.parent)
        self.path = path
        self.lock_path = path.with_name(path.name + ".lock")
        self.owner_path = path.with_name(path.name + ".lock-owner")
        self.queue_dir = path.with_name(path.name + ".lock-queue")
        # True once this process has replaced the DB file: from then on, a failure must
        # not be reported as "nothing changed" (see cli/base.py).
        self.committed = False
        self.backup_dir = path.with_name(path.name + BACKUP_SUFFIX)
        self.legacy_backup_dir = path.with_name(path.stem + BACKUP_SUFFIX)
        self.stem = path.stem
        self.where = path
        self.is_file = True
        self.notify = notify or (lambda _message: None)

    # -- reading ------------------------------------------------------------------

    def size(self) -> int:
        """The DB file's size in bytes (0 if it is not there)."""
        try:
            return self.path.stat().st_size
        except OSError:
            return 0

    def _require_file(self) -> None:
        if not self.path.exists():
            found = self.backups()  # (gone, and its backups beside it: restore, not init)
            if found and self.latest_backup() is not None:  # (one that restore would take)
                raise StoreError(M.STORE_MISSING_BACKED_UP, path=self.path, n=len(found))
            raise StoreError(M.STORE_MISSING, path=self.path)

    def _open(self, validate: bool = True) -> tuple[TinyRepository, UnitOfWork]:
        from lou_library.tinyrepo import TinyRepository

        self._require_file()
        db = TinyDB(self.path, storage=UnitOfWork(AtomicJSONStorage))
        unit = cast(UnitOfWork, db.storage)
        try:
            data = unit.read()
        except PermissionError as exc:
            raise StoreError(M.STORE_NO_PERMISSION, path=self.path, reason=os_reason(exc)) from exc
        except OSError as exc:
            raise StoreError(M.STORE_CORRUPT, path=self.path, reason=os_reason(exc)) from exc
        assert data is not None  # the file exists; an empty one raised above
        check_schema(self.path, data)
        if validate:  # the tables parsed already now, the others when first used
            assert isinstance(data, Document)
            check_records(self.path, {n: data[n] for n in data if data.parsed(n)})
            data.validate = True
        return TinyRepository(db), unit

    @contextlib.contextmanager
    def read(self, *, validate: bool = True) -> Iterator[TinyRepository]:
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
    ) -> Iterator[TinyRepository]:
        """One read-modify-write under the exclusive lock, written once at the end.

        If the body raises, nothing is written. ``backup`` names an automatic backup
        taken (under the lock) before the body runs.
        """
        with self.lock(command):
            self._require_writable()
            self._remove_stale_temp_files()
            db, unit = self._open(validate)
            if backup:
                self.backup(backup)
            yield db
            self._commit(unit)

    def _replace(self, payload: bytes) -> None:
        """Write the whole DB file atomically; a failure is a StoreError naming it."""
        with self._saving():
            try:
                atomic_write_bytes(self.path, payload)
            except OSError as exc:
                raise StoreError(
                    M.STORE_WRITE_FAILED, path=self.path, reason=os_reason(exc)
                ) from exc
            self.committed = True

    def _commit(self, unit: UnitOfWork) -> None:
        with self._saving():
            try:
                unit.commit()
            except OSError as exc:
                raise StoreError(
                    M.STORE_WRITE_FAILED, path=self.path, reason=os_reason(exc)
                ) from exc
            self.committed = self.committed or unit.writes_to_disk > 0

    @contextlib.contextmanager
    def _saving(self) -> Iterator[None]:
        """Ctrl-C waits until the file is replaced and :attr:`committed` says so, so what
        the CLI then tells the user (saved, or nothing changed) is true."""
        import signal

        if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - Windows
            yield
            return
        blocked = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, blocked)

    # -- the lock -----------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, command: str) -> Iterator[None]:
        """The exclusive lock, waiters served in turn (see :mod:`lou_library.fairlock`)."""
        from filelock import Timeout  # only writers need it

        from lou_library.fairlock import FairLock

        timeout = lock_timeout()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            lock = FairLock(self.lock_path, self.queue_dir, timeout)
            lock.acquire()
        except Timeout:
            raise StoreError(
                M.STORE_BUSY, path=self.path, seconds=f"{timeout:g}", owner=self._owner()
            ) from None
        except OSError as exc:
            raise StoreError(M.STORE_WRITE_FAILED, path=self.path, reason=os_reason(exc)) from exc
        try:
            self._refuse_linked()
            with contextlib.suppress(OSError):
                self.owner_path.write_text(
                    f"pid {os.getpid()}, `lou {command}`, {clock.stamp()}", encoding="utf-8"
                )
            yield
        finally:
            with contextlib.suppress(OSError):
                self.owner_path.unlink()
            lock.release()

    def _require_writable(self) -> None:
        """Checked before any work: a DB its owner made read-only stays as it is."""
        try:
            refuse_unwritable(self.path)
        except Conflict as err:
            if err.msg is not M.FILE_READ_ONLY:
                raise
            raise StoreError(M.STORE_READ_ONLY, path=self.path) from None

    def _refuse_linked(self) -> None:
        """A DB with two names (hard links) would get two locks, one per name, and the
        first atomic replace would split it into two files: refuse it."""
        try:
            links = self.path.stat().st_nlink
        except OSError:
            return
        if links > 1:
            raise StoreError(M.STORE_HARD_LINKED, path=self.path, n=links)

    def _remove_stale_temp_files(self) -> None:
        """Temp files of writers that were killed mid-write, beside the DB and among its
        backups; only called under the lock, so no writer is using them. Only names that
        an atomic write of this DB makes are touched, never a file that merely looks alike.
        """
        for folder, names in ((self.path.parent, {self.path.name}), (self.backup_dir, None)):
            if not folder.is_dir():
                continue
            for entry in folder.iterdir():
                if _is_temp_of(entry.name, names) and entry.is_file():
                    with contextlib.suppress(OSError):
                        entry.unlink()

    def _owner(self) -> str:
        try:
            return self.owner_path.read_text(encoding="utf-8").strip() or "?"
        except OSError:
            return "?"

    def owns(self, other: Path) -> bool:
        """Is ``other`` this DB, one of its companions, or inside its backup folder?"""
        target = Path(os.path.realpath(other))
        own = {Path(os.path.realpath(p)) for p in (self.path, self.lock_path, self.owner_path)}
        folders = {
            Path(os.path.realpath(f))
            for f in (self.backup_dir, self.legacy_backup_dir, self.queue_dir)
        }
        return target in own or any(f == target or f in target.parents for f in folders)

    def guard_output(self, other: Path) -> None:
        """Refuse to write a report or an export over the DB or its backups."""
        if self.owns(other):
            raise Conflict(M.OUTPUT_IS_DB, path=other)

    # -- creating -----------------------------------------------------------------

    def create(self, data: RawData, *, force: bool, command: str = "init") -> Path | None:
        """Write a brand-new DB; an existing one is refused unless ``force`` (then backed up)."""
        with self.lock(command):
            self._require_writable()
            saved = None
            if self.path.exists():
                if not force:
                    raise Conflict(M.STORE_EXISTS, path=self.path)
                saved = self.backup("before-init")
            self._replace(encode(data))
            return saved

    # -- backups ------------------------------------------------------------------

    def backup(self, reason: str) -> Path:
        """Copy the DB's bytes, as they are, into its backup folder (see
        :meth:`BackupFolder._save_backup`). The caller holds the lock."""
        return self._save_backup(self.path.read_bytes, reason)

    def backup_ahead(self, reason: str) -> Callable[[], Path]:
        """The backup a write takes once it knows it goes ahead (see
        :meth:`lou_library.pgstore.PgStore.backup_ahead`): a file's is taken then."""
        return lambda: self.backup(reason)

    def restore(self, source: Path) -> Path | None:
        """Put a backup in place of the DB, after checking it and backing up the current file.

        The current file is copied as raw bytes, so even a corrupt DB can be restored over
        and nothing is lost.
        """
        try:
            payload = read_backup(source)
            data = decode(source, payload)
        except OSError as exc:
            raise NotFound(M.BACKUP_NOT_FOUND, name=source, folder=self.backup_dir) from exc
        except StoreError as exc:  # (not "restore a backup": this is the backup)
            reason = exc.fields.get("reason", "")
            raise StoreError(M.BACKUP_CORRUPT, name=source.name, reason=reason) from exc
        check_schema(source, data, allow_older=True)
        with self.lock("db restore"):
            self._require_writable()
            saved = self.backup("before-restore") if self.path.exists() else None
            self._replace(payload)
            return saved

    # -- migrations ---------------------------------------------------------------

    def migrate(self) -> tuple[int, int, Path | None]:
        """Bring an older DB to :data:`SCHEMA_VERSION`, after an fsynced backup."""
        with self.lock("db migrate"):
            self._require_file()
            self._require_writable()
            data = decode(self.path, self.path.read_bytes())
            found = check_schema(self.path, data, allow_older=True)
            if found == SCHEMA_VERSION:
                return found, found, None
            saved = self.backup(f"before-migrate-v{found}")
            migrate_document(self.path, data, found)
            self._replace(encode(data))
            return found, SCHEMA_VERSION, saved


_TEMP_RE = re.compile(r"^\.(?P<name>.+)\.[a-z0-9_]{8}(?:\.lou-tmp|\.tmp)$")


def _is_temp_of(entry: str, names: set[str] | None) -> bool:
    """Is ``entry`` the temp file of an atomic write of one of ``names`` (any name when
    None)? ``.lou.json.k2j4h1x9.lou-tmp``; ``.tmp`` is what schema 2 used."""
    match = _TEMP_RE.match(entry)
    return bool(match) and (names is None or match["name"] in names)  # type: ignore[index]


def migrate_document(path: object, data: RawData, found: int) -> None:
    """Bring a version-``found`` document to :data:`SCHEMA_VERSION`, in place, one
    migration after the other (the file's and the server's ``lou db migrate``)."""
    for version in range(found, SCHEMA_VERSION):
        step = MIGRATIONS.get(version)
        if step is None:
            raise StoreError(M.STORE_NO_MIGRATION, path=path, found=version)
        step(data)
        meta(data)["schema_version"] = version + 1


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
