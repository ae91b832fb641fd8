"""The seam between the rules and where the records live.

The rules (catalogue, network, rotation, reports, ...) see a network only through
:class:`Repository`: records found by their key, a few bulk queries, changes named by
key, numbered logs. They never see a storage engine, its row ids or its document. The
embedded default is :class:`lou_library.tinyrepo.TinyRepository` (a TinyDB file); a
PostgreSQL implementation fills in the same protocol for a county network.

A repository is one **unit of work**: the store opens it for one command and commits it
(or throws it away, if the command fails) as a whole. Within it:

- a record returned by :meth:`~Repository.get`, :meth:`~Repository.all`,
  :meth:`~Repository.scan`, :meth:`~Repository.where` or any other query (and a value
  :meth:`~Repository.values` gives) is read-only: it may be the stored record itself
  (TinyDB) or a fresh copy (a database server). Every change goes through
  :meth:`~Repository.update`, :meth:`~Repository.replace`, :meth:`~Repository.add` or
  :meth:`~Repository.remove`, so an implementation that writes changes out sees all of them;
- a command's changes are batched: many calls, one write at commit; changes shared by
  many records (a round's moves) are named once for all of them
  (:meth:`~Repository.update_groups`), and read back in groups
  (:meth:`~Repository.grouped`), so that a server need not send every record both ways;
- records of a keyed table come back in the order they were added;
- a key is unique in its table and never changes: adding a record whose key is taken,
  or changing a key, is a programming error (``ValueError``), as a server's primary key
  would refuse it; changing a record that is not there is one too (``KeyError``).

Tables and keys: :data:`KEYS` names each keyed table's key field (a book's ``code``, a
task's ``id``, a round's ``number``). :data:`LOGS` are append-only and numbered by the
repository (a book's history: each entry's number orders it, and a round remembers the
last number before it). The meta record (settings and counters) is one record of its own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, Protocol

Doc = dict[str, Any]
Key = str | int
# Records named by key: codes (str) or numbers (int). (Mapping is invariant in its key, so
# a dict[str, ...] is not a Mapping[str | int, ...].)
Changes = Mapping[str, Mapping[str, Any]] | Mapping[int, Mapping[str, Any]] | Mapping[Key, Any]
# Records that share some fields' values, or a change: (the fields, the records' keys).
Group = tuple[Mapping[str, Any], Sequence[Key]]

SITES = "sites"
BOXES = "boxes"
BOOKS = "books"
VOLUNTEERS = "volunteers"
CATEGORIES = "categories"
TASKS = "tasks"
ROUNDS = "rounds"
MOVES = "moves"  # one record per applied round: its legs (schema 4)
EVENTS = "events"
IMPORTS = "imports"
SERVICES = "services"  # volunteer service outside the rotation (lou volunteer service)
CERTIFICATES = "certificates"  # certificates of service issued, by number
STOCKTAKES = "stocktakes"  # what volunteers found in boxes (lou stocktake, task done --scan)
META = "_meta"

# Keyed table -> its key field. Keys are unique within a table and never change.
KEYS: dict[str, str] = {
    SITES: "code",
    BOXES: "code",
    BOOKS: "code",
    VOLUNTEERS: "code",
    CATEGORIES: "key",
    TASKS: "id",
    ROUNDS: "number",
    MOVES: "round",
    SERVICES: "id",
    CERTIFICATES: "number",
    STOCKTAKES: "id",
}
# Append-only tables, their entries numbered 1, 2, 3, ... in the order they were added.
LOGS = frozenset({EVENTS, IMPORTS})


class Repository(Protocol):
    """What the rules may ask of a network's records (see the module's docstring)."""

    # -- keyed tables -------------------------------------------------------------

    def all(self, table: str) -> Iterable[Doc]:
        """Every record of a table, in the order they were added."""
        ...

    def scan(self, table: str) -> Iterator[Doc]:
        """Every record of a table, in the order they were added, as :meth:`all` gives
        them but read a batch at a time (a server's cursor): for one pass over a large
        table that keeps little of it (a report's counts, an export). Records added while
        it runs are not seen."""
        ...

    def get(self, table: str, key: Key) -> Doc | None:
        """The record with this key, or None."""
        ...

    def get_many(self, table: str, keys: Iterable[Key]) -> dict[Key, Doc]:
        """The records with these keys (the ones that exist), in one query."""
        ...

    def where(self, table: str, field: str, value: Any) -> list[Doc]:
        """The records whose ``field`` equals ``value`` (a box's books, a round's tasks)."""
        ...

    def first_of(self, table: str, field: str, values: Collection[Any]) -> dict[Any, Doc]:
        """For each of these values, the first record (in the order they were added) whose
        ``field`` equals it, by value (a copy of each of some titles; values none has are
        left out)."""
        ...

    def search(self, table: str, text: str) -> list[Doc]:
        """The books that may hold ``text`` (already folded: see
        :func:`lou_library.text.fold`) in their code, title, author, ISBN or pinyin keys:
        every one that does, maybe more; the caller filters exactly. An implementation with
        a search index answers from it; one without returns every record."""
        ...

    def values(
        self, table: str, *fields: str, lacking: Sequence[str] = ()
    ) -> Iterable[tuple[Any, ...]]:
        """Each record's values of these fields (None: the record has no such field), a
        tuple a record, in the order they were added: what a command that goes over a
        whole table needs of it, not the whole records (``rotate plan``: the books'
        planning fields). Read as the caller goes through them (a server sends them in
        batches), so no record is kept once it is gone through.

        ``lacking`` (some of ``fields``): each tuple ends with one number more, which
        tells a field the record lacks from one it holds as ``None`` (``rotate apply``
        keeps the moving books' fields as they were, to put back on undo): bit ``i`` is
        set where the record lacks ``lacking[i]``, bit ``len(lacking) + i`` where the
        value given may not be the one stored (a server's column could not hold it;
        :meth:`grouped` reads it exactly)."""
        ...

    def tally(self, table: str, *fields: str) -> Counter[tuple[Any, ...]]:
        """How many records hold each combination of these fields' values (a server's
        ``GROUP BY``): the books per status, the books per status and box."""
        ...

    def keys(self, table: str) -> list[Key]:
        """Every key of a table (for "did you mean" suggestions)."""
        ...

    def count(self, table: str) -> int: ...

    def add(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        """Add records after the last ones (a log numbers them)."""
        ...

    def update(self, table: str, changes: Changes) -> None:
        """Set some fields of the records named by key; other fields stay as they are."""
        ...

    def replace(self, table: str, records: Changes) -> None:
        """Put whole records in place of the ones named (fields not given go away)."""
        ...

    def remove(self, table: str, keys: Iterable[Key]) -> None: ...

    def grouped(
        self, table: str, fields: Sequence[str], keys: Iterable[Key] | None = None
    ) -> list[Group]:
        """The records named by ``keys`` (every record: None) grouped by their values of
        ``fields``, as ``(values, keys)``: a group's values hold the fields its records
        have (a field they lack is left out), and its keys come in the order given (or
        added); groups come in the order of their first record. A key that names no
        record is left out. What a round changes is read this way: a few thousand groups,
        not a million records."""
        ...

    def update_groups(
        self,
        table: str,
        groups: Iterable[Group],
        remove: Collection[str] = (),
        *,
        wait: bool = True,
    ) -> None:
        """:meth:`update` for records that share their changes: each group's fields are set
        on each of its records (a field it has keeps its place; a new one comes last);
        then the fields named in ``remove`` that the group does not set are taken off
        them. A record is in one group at most. A round moves a million books with it.

        ``wait=False``: the change may still be under way when the call returns (a
        server carries it out while the caller works out the rest); the next call that
        reaches the server waits for it and raises what it raised (a call answered from
        what the repository holds need not), and so does the unit of work before it
        commits. The groups are not to be changed meanwhile."""
        ...

    def check(self, *, wait: bool = True) -> None:
        """Make now the checks the unit of work would make before it commits (a server's
        deferred foreign keys); ``wait=False``: they may still run when the call returns,
        as :meth:`update_groups`'s change may. A check that fails fails the unit of work,
        as it would have at the commit."""
        ...

    # -- logs ---------------------------------------------------------------------

    def entries(self, table: str, after: int = 0) -> Iterable[tuple[int, Doc]]:
        """A log's entries numbered above ``after``, oldest first, with their numbers."""
        ...

    def entries_where(
        self, table: str, field: str, values: Collection[Any]
    ) -> list[tuple[int, Doc]]:
        """A log's entries whose ``field`` is one of ``values`` (a few books' history, the
        donations), oldest first, with their numbers."""
        ...

    def last_number(self, table: str) -> int:
        """The number of a log's newest entry (0: none), without reading the log."""
        ...

    def truncate(self, table: str, after: int) -> None:
        """Remove a log's entries numbered above ``after`` (a round taken back)."""
        ...

    # -- the meta record and the whole ----------------------------------------------

    def meta(self) -> Doc:
        """The meta record: schema version, settings, counters. Read-only."""
        ...

    def reserve(self, counter: str, n: int = 1, start: int = 1) -> int:
        """Take the next ``n`` numbers of a counter (book codes, task ids, certificates)
        and return the first; a number is never given twice, even to commands running at
        once on a server. A counter never used starts at ``start``."""
        ...

    def set_meta(self, record: Mapping[str, Any]) -> None:
        """Put a whole meta record in place of the current one."""
        ...

    def tables(self) -> set[str]:
        """The names of the tables the network has (empty ones included)."""
        ...

    def drop(self, table: str) -> None:
        """Remove a table that holds nothing (a round taken back removes what it made)."""
        ...

    def document(self) -> dict[str, Any]:
        """The whole network as the file holds it: backups, copies, ``lou db check``."""
        ...

    def rows(self, table: str) -> Iterator[tuple[str, Doc]]:
        """One table of :meth:`document`, as its (row id, record) pairs, read a batch at a
        time (``lou db check`` of the books and their history)."""
        ...

    def load(self, document: Mapping[str, Any]) -> None:
        """Put a whole network in place of this one (``lou db check --repair``)."""
        ...


def merged(record: Mapping[str, Any], fields: Mapping[str, Any], remove: Collection[str]) -> Doc:
    """A record with a group's change made (see :meth:`Repository.update_groups`)."""
    result = dict(record)
    result.update(fields)
    for name in remove:
        if name not in fields:
            result.pop(name, None)
    return result


def reserved(meta: Mapping[str, Any], counter: str, n: int, start: int) -> tuple[int, Doc]:
    """The first of the next ``n`` numbers of a counter, and the meta record that has
    them taken (what :meth:`Repository.reserve` does, for every implementation)."""
    counters = dict(meta.get("counters", {}))
    first = int(counters.get(counter, start))
    counters[counter] = first + n
    return first, {**meta, "counters": counters}
