"""The embedded default repository: a TinyDB unit of work over one JSON file.

TinyDB keeps a document ``{table: {row id: record}}`` behind its storage; the store's
:class:`~lou_library.store.UnitOfWork` holds it in memory for the length of a command and
writes it once at commit. This class answers :class:`~lou_library.repository.Repository`
from that document directly: TinyDB's own ``Table.update`` and ``insert`` rebuild the
whole table on every call (at 100,000 books, 30 ms a book), and its queries scan. Here a
keyed look-up goes through an index built when a table is first asked by key (one pass)
and kept up to date by every change made through this class; a change touches only the
records it names and marks the unit of work for writing.

Row ids stay inside this module: the rules name records by their keys, and the log
tables' row ids are the log's entry numbers.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from itertools import compress, repeat
from operator import eq, itemgetter, not_
from typing import Any

from tinydb import TinyDB
from tinydb.storages import MemoryStorage

from lou_library import store
from lou_library.repository import KEYS, LOGS, META, Changes, Doc, Group, Key, reserved

_ABSENT = object()  # a field a record does not have


class TinyRepository:
    """:class:`~lou_library.repository.Repository` over a TinyDB database."""

    def __init__(self, db: TinyDB) -> None:
        self._db = db
        # table -> (key -> row id, how many rows the table had when it was built)
        self._index: dict[str, tuple[dict[Key, str], int]] = {}
        # what changed since changes() was last asked (a simulation's file encodes only
        # that): table -> True if records were only added to it, False if it changed
        # otherwise; None when the whole document was put in place
        self._touched: dict[str, bool] | None = {}

    @classmethod
    def in_memory(cls, document: Mapping[str, Any]) -> TinyRepository:
        """A repository over a document held in memory only (the demo, simulations)."""
        db = TinyDB(storage=MemoryStorage)
        db.storage.write(_as_dict(document))
        return cls(db)

    # -- the document -------------------------------------------------------------

    def _data(self) -> dict[str, Any]:
        data = self._db.storage.read()
        if data is None:  # a new MemoryStorage
            data = {}
            self._db.storage.write(data)
        return data

    def _rows(self, table: str) -> dict[str, Doc]:
        return self._data().get(table) or {}

    def _changed(self, table: str, added: bool = False) -> None:
        if self._touched is not None:
            self._touched[table] = added and self._touched.get(table, True)
        self._db.storage.write(self._data())

    def changes(self) -> dict[str, bool] | None:
        """The tables changed since the last call (and forget them): table -> True if
        records were only added to it, False if records in it changed or went away; None
        when the whole document was replaced (:meth:`load`). Changes made to the document
        by other means than this class are not seen (the records are read-only)."""
        touched, self._touched = self._touched, {}
        return touched

    def _key_field(self, table: str) -> str:
        try:
            return KEYS[table]
        except KeyError:
            raise ValueError(f"{table!r} is not a keyed table") from None

    def _indexed(self, table: str, rebuild: bool = False) -> tuple[dict[str, Doc], dict[Key, str]]:
        """The table's rows and its index (key -> row id), built on first use or when the
        table's size says it is out of date."""
        rows = self._rows(table)
        built = self._index.get(table)
        if rebuild or built is None or built[1] != len(rows):
            field = self._key_field(table)
            index: dict[Key, str] = {}
            for row_id, record in rows.items():
                key = record.get(field)
                if isinstance(key, str | int):  # a hand-edited row may lack it (db check)
                    index[key] = row_id
            built = (index, len(rows))
            self._index[table] = built
        return rows, built[0]

    def _row_id(self, table: str, key: Key) -> str | None:
        rows, index = self._indexed(table)
        row_id = index.get(key)
        if row_id is not None:
            record = rows.get(row_id)
            if record is not None and record.get(KEYS[table]) == key:
                return row_id
            rows, index = self._indexed(table, rebuild=True)  # (keys never change: a bug)
            row_id = index.get(key)
        return row_id

    # -- keyed tables -------------------------------------------------------------

    def all(self, table: str) -> Iterable[Doc]:
        return list(self._rows(table).values())  # a list: the caller may add while it loops

    def scan(self, table: str) -> Iterator[Doc]:
        return iter(self.all(table))

    def get(self, table: str, key: Key) -> Doc | None:
        return self.get_many(table, (key,)).get(key)

    def get_many(self, table: str, keys: Iterable[Key]) -> dict[Key, Doc]:
        rows, index = self._indexed(table)  # once for all the keys
        field = KEYS[table]
        found = {}
        for key in keys:
            row_id = index.get(key)
            if row_id is None:  # (the index is kept up to date: see _indexed)
                continue
            record = rows.get(row_id)
            if record is None or record.get(field) != key:  # (a bug) it moved: rebuilt
                row_id = self._row_id(table, key)
                if row_id is None:
                    continue
                rows = self._rows(table)
                record = rows[row_id]
                index = self._indexed(table)[1]
            found[key] = record
        return found

    def where(self, table: str, field: str, value: Any) -> list[Doc]:
        records = list(self._rows(table).values())  # compared in C loops
        return list(compress(records, map(eq, _column(records, field), repeat(value))))

    def first_of(self, table: str, field: str, values: Collection[Any]) -> dict[Any, Doc]:
        wanted = dict.fromkeys(values)
        found: dict[Any, Doc] = {}
        for record in self._rows(table).values():
            value = record.get(field)
            if value in wanted and value not in found:
                found[value] = record
        return {value: found[value] for value in wanted if value in found}

    def search(self, table: str, text: str) -> list[Doc]:
        del text  # every record may match: the caller filters (see Repository.search)
        return list(self._rows(table).values())

    def values(
        self, table: str, *fields: str, lacking: Sequence[str] = ()
    ) -> Iterable[tuple[Any, ...]]:
        self._key_field(table)
        records = list(self._rows(table).values())  # a field at a time, in C loops
        columns: list[Iterable[Any]] = [_column(records, f) for f in fields]
        if lacking:  # (a document holds what it holds: only the first bits are ever set)
            columns.append(_lacking(records, lacking))
        if not columns:
            return [() for _ in records]
        return list(zip(*columns, strict=True))

    def tally(self, table: str, *fields: str) -> Counter[tuple[Any, ...]]:
        records = list(self._rows(table).values())  # a column at a time, in C loops
        if len(fields) == 1:
            counted = Counter(_column(records, fields[0]))
            return Counter({(value,): n for value, n in counted.items()})
        return Counter(zip(*(_column(records, f) for f in fields), strict=True))

    def keys(self, table: str) -> list[Key]:
        field = self._key_field(table)
        return [record[field] for record in self._rows(table).values()]

    def count(self, table: str) -> int:
        return len(self._rows(table))

    def add(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        if not records:
            return
        built = self._index.get(table)
        if built is not None:  # keys are unique (a server's primary key refuses a second
            # one); checked where the table is loaded: an unread one (a round's moves) is
            # appended to without parsing it, and the rules look a key up before adding it
            index = self._indexed(table)[1]
            field = KEYS[table]
            taken = [r[field] for r in records if r[field] in index]
            if taken or len({r[field] for r in records}) < len(records):
                raise ValueError(f"{table}: a record with key {taken or '(twice)'} exists")
        data = self._data()
        first = store.last_id(data, table) + 1
        store.append_records(data, table, records)
        built = self._index.get(table)
        if built is not None:
            index, size = built
            field = KEYS[table]
            for number, record in enumerate(records, start=first):
                index[record[field]] = str(number)
            self._index[table] = (index, size + len(records))
        self._changed(table, added=True)

    def update(self, table: str, changes: Changes) -> None:
        if not changes:
            return
        rows, index = self._indexed(table)
        field = KEYS[table]
        for key, fields in changes.items():
            record = rows.get(index.get(key, ""))  # one look-up a record (a round: 2,400)
            if record is None or record.get(field) != key:
                record = rows[self._require(table, key)]
            if fields.get(field, key) != key:
                raise ValueError(f"{table}: the key of {key!r} cannot change")
            record.update(fields)
        self._changed(table)

    def replace(self, table: str, records: Changes) -> None:
        if not records:
            return
        rows = self._rows(table)
        field = KEYS[table]
        for key, record in records.items():
            if record.get(field) != key:
                raise ValueError(f"{table}: the record put in place of {key!r} has another key")
            row = rows[self._require(table, key)]
            new = dict(record)  # (it may be the stored record itself)
            row.clear()
            row.update(new)
        self._changed(table)

    def remove(self, table: str, keys: Iterable[Key]) -> None:
        row_ids = [self._require(table, key) for key in keys]
        if not row_ids:
            return
        rows = self._rows(table)
        for row_id in row_ids:
            del rows[row_id]
        self._index.pop(table, None)
        self._changed(table)

    def grouped(
        self, table: str, fields: Sequence[str], keys: Iterable[Key] | None = None
    ) -> list[Group]:
        if keys is None:
            records = list(self._rows(table).values())
        else:
            records = list(self.get_many(table, keys).values())
        field = self._key_field(table)
        groups: dict[tuple[Any, ...], list[Key]] = defaultdict(list)
        columns = [_column(records, f, _ABSENT) for f in fields]  # in C loops
        shared = zip(*columns, strict=True) if fields else [()] * len(records)
        for values, key in zip(shared, map(itemgetter(field), records), strict=True):
            groups[values].append(key)
        return [  # (a network that has lived for years: a group for every two books)
            (
                dict(zip(fields, values, strict=True))
                if _ABSENT not in values
                else {n: v for n, v in zip(fields, values, strict=True) if v is not _ABSENT},
                found,
            )
            for values, found in groups.items()
        ]

    def update_groups(
        self,
        table: str,
        groups: Iterable[Group],
        remove: Collection[str] = (),
        *,
        wait: bool = True,
    ) -> None:
        del wait  # (done here and now: nothing to go on with)
        rows, index = self._indexed(table)
        field = KEYS[table]
        changed = False
        for fields, keys in groups:
            dropped = [name for name in remove if name not in fields]
            moved = (
                [key for key in keys if fields.get(field, key) != key] if field in fields else []
            )
            if moved:
                raise ValueError(f"{table}: the key of {moved[0]!r} cannot change")
            for key in keys:
                changed = True
                record = rows.get(index.get(key, ""))  # (a round: 2,800 books)
                if record is None or record.get(field) != key:
                    record = rows[self._require(table, key)]
                record.update(fields)
                if dropped:
                    for name in dropped:
                        record.pop(name, None)
        if changed:
            self._changed(table)

    def _require(self, table: str, key: Key) -> str:
        row_id = self._row_id(table, key)
        if row_id is None:  # the rules change only records they have found
            raise KeyError(f"{table} has no record {key!r}")
        return row_id

    def check(self, *, wait: bool = True) -> None:
        del wait  # (the store checks the whole network when it writes the file)

    # -- logs ---------------------------------------------------------------------

    def entries(self, table: str, after: int = 0) -> Iterable[tuple[int, Doc]]:
        self._log(table)
        return [(int(i), record) for i, record in self._rows(table).items() if int(i) > after]

    def entries_where(
        self, table: str, field: str, values: Collection[Any]
    ) -> list[tuple[int, Doc]]:
        self._log(table)
        wanted = set(values)
        return [(int(i), r) for i, r in self._rows(table).items() if r.get(field) in wanted]

    def last_number(self, table: str) -> int:
        self._log(table)
        return store.last_id(self._data(), table)

    def truncate(self, table: str, after: int) -> None:
        self._log(table)
        rows = self._rows(table)
        newer = [row_id for row_id in rows if int(row_id) > after]
        for row_id in newer:
            del rows[row_id]
        if newer:
            self._changed(table)

    @staticmethod
    def _log(table: str) -> None:
        if table not in LOGS:
            raise ValueError(f"{table!r} is not a log")

    # -- the meta record and the whole --------------------------------------------

    def meta(self) -> Doc:
        record: Doc = self._rows(META)["1"]
        return record

    def reserve(self, counter: str, n: int = 1, start: int = 1) -> int:
        first, meta = reserved(self.meta(), counter, n, start)
        self.set_meta(meta)
        return first

    def set_meta(self, record: Mapping[str, Any]) -> None:
        self._data()[META] = {"1": dict(record)}
        self._changed(META)

    def tables(self) -> set[str]:
        return set(self._data())

    def drop(self, table: str) -> None:
        data = self._data()
        if data.get(table):
            raise ValueError(f"{table!r} is not empty")
        data.pop(table, None)
        self._index.pop(table, None)
        self._changed(table)

    def document(self) -> dict[str, Any]:
        return self._data()

    def rows(self, table: str) -> Iterator[tuple[str, Doc]]:
        return iter(list(self._rows(table).items()))

    def load(self, document: Mapping[str, Any]) -> None:
        self._index.clear()
        self._touched = None
        self._db.storage.write(_as_dict(document))


def _column(records: list[Doc], field: str, absent: Any = None) -> Iterator[Any]:
    """Each record's value of a field (``absent``: it has none), in a C loop: three times
    as fast as ``methodcaller("get", field)``, which goes through a method look-up a
    record."""
    return map(dict.get, records, repeat(field), repeat(absent))


def _lacking(records: list[Doc], fields: Sequence[str]) -> list[int]:
    """Each record's bits of the fields it lacks (bit ``i``: ``fields[i]``), in C loops
    where no record lacks one."""
    found = [0] * len(records)
    for bit, name in enumerate(fields):
        holds = map(dict.__contains__, records, repeat(name))
        for at in compress(range(len(records)), map(not_, holds)):
            found[at] |= 1 << bit
    return found


def _as_dict(document: Mapping[str, Any]) -> dict[str, Any]:
    # not dict(): copying a store.Document that way would copy its unread tables' text
    return document if isinstance(document, dict) else {k: document[k] for k in document}
