"""The repository on PostgreSQL: the same protocol as the file, on real tables.

A keyed table holds one row a record: its key as the primary key, the record itself as a
``json`` document, an ``seq`` identity that keeps the order records were added in, and
*columns* for the fields the commands look records up by (a book's ``status`` and
``box``, a task's ``round``...), which this class fills from the record on every write
(the server then parses no JSON when it checks or indexes a row, which made a round's
update of 100,000 books twice as slow). Those columns carry the indexes, the foreign keys
(a box's site is a site, checked at commit, so a command may add a site and its boxes in
either order; a book's box is a box, checked by triggers when each statement ends, for
all its rows at once, so a box is added before the books put in it: see version 7 of
:data:`MIGRATIONS`) and the check constraints of the vocabularies (a book's status is one
of :class:`~lou_library.schema.BookStatus`). The logs (a book's history, the imports) are
numbered rows. See :data:`MIGRATIONS` for the tables.

``book find`` looks in ``book_search``, a small table of what a search compares: one row
for each title and the folded text of its copies' title, author, ISBN and pinyin keys
(18,000 rows for 1,000,000 copies), kept up to date whenever books are written with any of
those fields. A search scans it, then reads the copies of the titles it found through the
books' title index (see :meth:`PgRepository.search`); a row whose title no copy has any
more only makes the sieve let through nothing, so rows are added, never removed, until a
whole network is loaded.

The document is ``json``, not ``jsonb``, on purpose: ``json`` keeps a record's fields in
the order the rules wrote them, as the file does, so every ``--json`` output is the same
byte for byte on both backends. A change to some fields is merged here, in Python, as
``dict.update`` does it, and written back in one statement for all the records named.

One :class:`PgRepository` is one transaction (see :mod:`lou_library.pgstore`, which opens
and commits it): every method runs its statements at once, on the transaction's
connection; nothing is buffered, and nothing is visible to other commands before the
commit. Keyed look-ups and the bulk queries use the indexes; only :meth:`all`,
:meth:`scan`, :meth:`values`, :meth:`document`, :meth:`tally` and :meth:`grouped` (without
keys) read a whole table, and of these only :meth:`all` and :meth:`document` hold it whole
in memory (:meth:`scan` and :meth:`values` read it through a server-side cursor, a batch at
a time).

A round of a county network changes a million books. Their round fields (status, box,
last box, since: :data:`ROUND_FIELDS`) have a narrow table of their own, ``book_rounds``
(tables version 4; 5 leaves the two common statuses out of its status index; 6 gives
each row its book's code; 7 checks the rows' boxes a statement at a time), with the
status's check: a round's :meth:`update_groups` sends the books' keys and one row a
group, and changes those narrow rows alone in one ``UPDATE`` (no document is read or
written; rewriting a million JSON documents with their six indexes took three times as
long), and every read of a book puts them back into its document, in place (see
:data:`ROUND_FIELDS`). Any other change of a group reads the records back through a
server-side cursor a batch at a time and writes them with one ``UPDATE ... FROM``, so the
client never holds them all; a backup (:meth:`document_parts`) is read and written out
the same way. (The server could merge the documents itself, with ``json_each``: measured
on 1,000,000 books, that doubles the ``UPDATE``'s time, more than the reading and sending
here cost.) Nothing but this class writes ``book_rounds``: it adds and removes a book's
row with the book (a foreign key from it to ``books`` would cost a check a row at every
load of a million books).
"""

from __future__ import annotations

import contextlib
import copy
import functools
import itertools
import queue
import threading
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar, cast

import orjson
from psycopg import Connection, sql
from psycopg.types.json import Json

from lou_library.repository import (
    BOOKS,
    BOXES,
    CATEGORIES,
    CERTIFICATES,
    EVENTS,
    IMPORTS,
    KEYS,
    LOGS,
    META,
    MOVES,
    ROUNDS,
    SERVICES,
    SITES,
    STOCKTAKES,
    TASKS,
    VOLUNTEERS,
    Changes,
    Doc,
    Group,
    Key,
    merged,
    reserved,
)
from lou_library.text import fold

# Keyed tables whose key is a number (the others are codes).
NUMBERED = frozenset({TASKS, ROUNDS, MOVES, SERVICES, STOCKTAKES})
# The columns beside the document: table -> field -> is it a number. A look-up by one of
# these fields uses its column (and index); by any other field, the document.
COLUMNS: dict[str, dict[str, bool]] = {
    SITES: {"kind": False, "status": False},
    BOXES: {"site": False, "status": False},
    BOOKS: {
        "status": False,
        "box": False,
        "title": False,
        "isbn": False,
        # what a round plans by (version 3): values() gives them without parsing documents
        "condition": False,
        "since": True,
        "missing_since": True,
        "last_box": False,
    },
    VOLUNTEERS: {"status": False},
    TASKS: {"round": True, "volunteer": False, "status": False},
    ROUNDS: {"status": False},
    SERVICES: {"volunteer": False},
    CERTIFICATES: {"volunteer": False},
    STOCKTAKES: {"box": False},
    EVENTS: {"book": False, "action": False},
}
TABLES: tuple[str, ...] = (SITES, BOXES, BOOKS, VOLUNTEERS, CATEGORIES, TASKS, ROUNDS, MOVES)
TABLES += (SERVICES, CERTIFICATES, STOCKTAKES, EVENTS, IMPORTS)


def _vocabulary(*words: str) -> str:
    return ", ".join(f"'{w}'" for w in words)


# Version N: the statements that make a version-N schema from version N-1. The
# vocabularies are written out, not taken from schema.py: a migration must not change once
# it has run somewhere (tests/test_pg.py checks they match the enums of today).
MIGRATIONS: dict[int, str] = {
    1: f"""
CREATE TABLE lou_tables (seq bigint GENERATED ALWAYS AS IDENTITY, name text PRIMARY KEY);
CREATE TABLE _meta (id int PRIMARY KEY CHECK (id = 1), doc json NOT NULL);
CREATE TABLE sites (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, code text PRIMARY KEY, doc json NOT NULL,
    kind text CHECK (kind IN ({_vocabulary("depot", "compound", "yard")})),
    status text CHECK (status IN ({_vocabulary("active", "retired")})));
CREATE TABLE boxes (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, code text PRIMARY KEY, doc json NOT NULL,
    site text REFERENCES sites (code) DEFERRABLE INITIALLY DEFERRED,
    status text CHECK (status IN ({_vocabulary("active", "repair", "retired")})));
CREATE INDEX boxes_site ON boxes (site);
CREATE TABLE books (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, code text PRIMARY KEY, doc json NOT NULL,
    status text CHECK (status IN ({
        _vocabulary("in_box", "in_depot", "not_seen", "lost", "withdrawn")
    })),
    box text REFERENCES boxes (code) DEFERRABLE INITIALLY DEFERRED,
    title text,
    isbn text,
    search text);
CREATE INDEX books_status ON books (status);
CREATE INDEX books_box ON books (box);
CREATE INDEX books_title ON books (title);
CREATE INDEX books_isbn ON books (isbn);
CREATE TABLE volunteers (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, code text PRIMARY KEY, doc json NOT NULL,
    status text CHECK (status IN ({_vocabulary("active", "retired")})));
CREATE TABLE categories (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, key text PRIMARY KEY, doc json NOT NULL);
CREATE TABLE rounds (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, number bigint PRIMARY KEY,
    doc json NOT NULL,
    status text CHECK (status IN ({_vocabulary("applied")})));
CREATE TABLE tasks (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, id bigint PRIMARY KEY, doc json NOT NULL,
    round bigint,
    volunteer text,
    status text CHECK (status IN ({_vocabulary("open", "done")})));
CREATE INDEX tasks_round ON tasks (round);
CREATE INDEX tasks_volunteer ON tasks (volunteer);
CREATE TABLE moves (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, round bigint PRIMARY KEY,
    doc json NOT NULL);
CREATE TABLE services (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, id bigint PRIMARY KEY, doc json NOT NULL,
    volunteer text);
CREATE INDEX services_volunteer ON services (volunteer);
CREATE TABLE certificates (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, number text PRIMARY KEY,
    doc json NOT NULL,
    volunteer text);
CREATE INDEX certificates_volunteer ON certificates (volunteer);
CREATE TABLE stocktakes (
    seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE, id bigint PRIMARY KEY, doc json NOT NULL,
    box text);
CREATE INDEX stocktakes_box ON stocktakes (box);
CREATE TABLE events (n bigint PRIMARY KEY, doc json NOT NULL, book text, action text);
CREATE INDEX events_book ON events (book);
CREATE INDEX events_action ON events (action);
CREATE TABLE imports (n bigint PRIMARY KEY, doc json NOT NULL);
""",
    # book find without a scan of every book: the search text of each title, once (a
    # plain code, upper-case ASCII, is found by the books' key instead, so the text leaves
    # it out; any other code stays in, as search_entry() writes it)
    2: """
CREATE TABLE book_search (
    search text NOT NULL, title text NOT NULL, PRIMARY KEY (search, title));
INSERT INTO book_search (search, title)
SELECT DISTINCT CASE
        WHEN code ~ '^[!-~]*$' AND code = upper(code) THEN substr(search, length(code) + 2)
        ELSE search
    END, title
FROM books WHERE title IS NOT NULL AND search IS NOT NULL;
ALTER TABLE books DROP COLUMN search;
""",
    # what a round plans by, as columns: ``rotate plan`` reads them for 1,000,000 books
    # in a second, where taking them out of each document took five
    3: """
ALTER TABLE books ADD COLUMN condition text, ADD COLUMN since bigint,
    ADD COLUMN missing_since bigint, ADD COLUMN last_box text;
UPDATE books SET
    condition = CASE WHEN json_typeof(doc->'condition') = 'string'
        THEN doc->>'condition' END,
    last_box = CASE WHEN json_typeof(doc->'last_box') = 'string' THEN doc->>'last_box' END,
    since = CASE WHEN json_typeof(doc->'since') = 'number' AND doc->>'since' ~ '^-?[0-9]+$'
        THEN (doc->>'since')::bigint END,
    missing_since = CASE WHEN json_typeof(doc->'missing_since') = 'number'
        AND doc->>'missing_since' ~ '^-?[0-9]+$' THEN (doc->>'missing_since')::bigint END;
""",
    # a round's fields of each book in a narrow table of their own: a round rewrites
    # 800,000 of these small rows instead of 800,000 documents with six indexes (see
    # ROUND_FIELDS); ``book_records`` is a book as the commands read it. A row is its
    # book's by ``seq``: the books are read in that order, and joined by it the server
    # reads both tables in it (by code it sorts a million rows); half of each page is
    # left free, so that a round's new versions of the rows stay on their pages, in order
    4: f"""
CREATE TABLE book_rounds (
    seq bigint PRIMARY KEY,
    status text CHECK (status IN ({
        _vocabulary("in_box", "in_depot", "not_seen", "lost", "withdrawn")
    })),
    box text,
    last_box text,
    since bigint,
    present smallint NOT NULL,
    fresh smallint NOT NULL DEFAULT 0,
    tail text NOT NULL DEFAULT '')
WITH (fillfactor = 50);
CREATE INDEX book_rounds_status ON book_rounds (status);
CREATE INDEX book_rounds_box ON book_rounds (box);
INSERT INTO book_rounds (seq, status, box, last_box, since, present)
SELECT seq, status, box, last_box, since,
    (CASE WHEN doc->'status' IS NULL THEN 0 ELSE 1 END)
    | (CASE WHEN doc->'box' IS NULL THEN 0 ELSE 2 END)
    | (CASE WHEN doc->'last_box' IS NULL THEN 0 ELSE 4 END)
    | (CASE WHEN doc->'since' IS NULL THEN 0 ELSE 8 END)
FROM books;
ALTER TABLE book_rounds ADD FOREIGN KEY (box) REFERENCES boxes (code)
    DEFERRABLE INITIALLY DEFERRED;
ALTER TABLE books DROP COLUMN status, DROP COLUMN box, DROP COLUMN last_box,
    DROP COLUMN since;
CREATE VIEW book_records AS
SELECT b.seq, b.code, b.doc, b.title, b.isbn, b.condition, b.missing_since,
    r.status, r.box, r.last_box, r.since, r.present, r.fresh, r.tail
FROM books AS b JOIN book_rounds AS r ON r.seq = b.seq;
""",
    # a round moves books between 'in_box' and 'in_depot', the statuses of nearly every
    # book: the status index leaves them out (a listing of them reads the table anyway),
    # so a round's new versions of 950,000 narrow rows add no entry to it (its UPDATE
    # 7.2-7.5 s -> 5.7-5.8 s at 1,000,000 books); the rare statuses are still found by it.
    # And a round field that holds a JSON null is fresh: its column holds it (NULL), so
    # that a read of every book's round fields in groups needs no document (_round_row)
    5: """
DROP INDEX book_rounds_status;
CREATE INDEX book_rounds_status ON book_rounds (status)
    WHERE status NOT IN ('in_box', 'in_depot');
UPDATE book_rounds AS r SET fresh = r.fresh
    | (CASE WHEN r.status IS NULL AND json_typeof(b.doc->'status') = 'null' THEN 1 ELSE 0 END)
    | (CASE WHEN r.box IS NULL AND json_typeof(b.doc->'box') = 'null' THEN 2 ELSE 0 END)
    | (CASE WHEN r.last_box IS NULL AND json_typeof(b.doc->'last_box') = 'null' THEN 4 ELSE 0 END)
    | (CASE WHEN r.since IS NULL AND json_typeof(b.doc->'since') = 'null' THEN 8 ELSE 0 END)
FROM books AS b
WHERE b.seq = r.seq AND r.present & ~r.fresh <> 0 AND (
    (r.status IS NULL AND r.present & ~r.fresh & 1 <> 0 AND json_typeof(b.doc->'status') = 'null')
    OR (r.box IS NULL AND r.present & ~r.fresh & 2 <> 0 AND json_typeof(b.doc->'box') = 'null')
    OR (r.last_box IS NULL AND r.present & ~r.fresh & 4 <> 0
        AND json_typeof(b.doc->'last_box') = 'null')
    OR (r.since IS NULL AND r.present & ~r.fresh & 8 <> 0
        AND json_typeof(b.doc->'since') = 'null'));
""",
    # a narrow row carries its book's code too: a round's UPDATE joins its 950,000 keys
    # to the rows directly, where through the books (a million codes hashed, one more
    # join) it took 1 s longer at 1,000,000 books (7.1-7.8 s -> 6.1-6.8 s). The code of
    # a book never changes, and nothing but PgRepository writes these rows. (A table with
    # checks left for the commit cannot be altered: they are made before each ALTER;
    # rows added in the same transaction, by version 4, are checked at every UPDATE.)
    6: """
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
ALTER TABLE book_rounds ADD COLUMN code text;
UPDATE book_rounds AS r SET code = b.code FROM books AS b WHERE b.seq = r.seq;
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
ALTER TABLE book_rounds ALTER COLUMN code SET NOT NULL;
""",
    # a book's box is checked once a statement, for all the rows it wrote, not once a row:
    # the foreign key's check of each of a round's 950,000 moved books (one probe of boxes
    # each, 2.7-3.1 s at 1,000,000 copies) becomes one join of the statement's new rows
    # (their boxes, each held FOR KEY SHARE as the foreign key would hold it) with the
    # boxes; a box taken away, or given another code, while a book is in it is refused as
    # the foreign key refused it (so is a TRUNCATE of the boxes alone, which the foreign
    # key refused too). The checks run when their statement ends, no longer at the
    # commit: a box is added before the books put in it (see PgRepository.load).
    # Each trigger finds the tables in its own table's schema, whatever the search path.
    # A box goes only in READ COMMITTED (lou's writers ask for it), where each of the
    # check's statements sees what other transactions committed: the foreign key looked
    # with a snapshot of its own for that, which PL/pgSQL cannot take, and a transaction's
    # older snapshot would miss a book another moved in meanwhile.
    7: """
SET CONSTRAINTS ALL IMMEDIATE;
SET CONSTRAINTS ALL DEFERRED;
ALTER TABLE book_rounds DROP CONSTRAINT book_rounds_box_fkey;
CREATE FUNCTION lou_books_in_boxes() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    wanted bigint;
    held bigint;
    missing text;
BEGIN
    EXECUTE format(
        'WITH wanted AS (SELECT DISTINCT box FROM lou_new WHERE box IS NOT NULL), '
        'held AS (SELECT 1 FROM %I.boxes WHERE code IN (SELECT box FROM wanted) FOR KEY SHARE) '
        'SELECT (SELECT count(*) FROM wanted), (SELECT count(*) FROM held)', TG_TABLE_SCHEMA)
        INTO wanted, held;
    IF held < wanted THEN
        EXECUTE format(
            'SELECT min(n.box) FROM lou_new AS n WHERE n.box IS NOT NULL '
            'AND NOT EXISTS (SELECT 1 FROM %I.boxes AS b WHERE b.code = n.box)', TG_TABLE_SCHEMA)
            INTO missing;
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'insert or update on table "book_rounds" '
                'violates foreign key "book_rounds_box"',
            DETAIL = format('Key (box)=(%s) is not present in table "boxes".', missing),
            SCHEMA = TG_TABLE_SCHEMA, TABLE = 'book_rounds', CONSTRAINT = 'book_rounds_box';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER book_rounds_box_added AFTER INSERT ON book_rounds
    REFERENCING NEW TABLE AS lou_new FOR EACH STATEMENT EXECUTE FUNCTION lou_books_in_boxes();
CREATE TRIGGER book_rounds_box_changed AFTER UPDATE ON book_rounds
    REFERENCING NEW TABLE AS lou_new FOR EACH STATEMENT EXECUTE FUNCTION lou_books_in_boxes();
CREATE FUNCTION lou_boxes_gone() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held text;
    gone boolean := TG_LEVEL = 'ROW';
BEGIN
    IF NOT gone THEN
        gone := EXISTS (SELECT 1 FROM lou_old);
    END IF;
    IF gone AND current_setting('transaction_isolation') NOT IN ('read committed',
        'read uncommitted') THEN
        RAISE EXCEPTION USING ERRCODE = 'feature_not_supported',
            MESSAGE = 'a box is removed, or its code changed, in a READ COMMITTED '
                'transaction only (where the check sees the books others have moved in)';
    END IF;
    IF TG_LEVEL = 'ROW' THEN
        EXECUTE format('SELECT min(box) FROM %I.book_rounds WHERE box = $1', TG_TABLE_SCHEMA)
            INTO held USING OLD.code;
    ELSE
        EXECUTE format(
            'SELECT min(r.box) FROM %1$I.book_rounds AS r '
            'WHERE r.box IN (SELECT code FROM lou_old) '
            'AND NOT EXISTS (SELECT 1 FROM %1$I.boxes AS b WHERE b.code = r.box)', TG_TABLE_SCHEMA)
            INTO held;
    END IF;
    IF held IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'update or delete on table "boxes" violates foreign key '
                '"book_rounds_box" on table "book_rounds"',
            DETAIL = format('Key (code)=(%s) is still referenced from table "book_rounds".', held),
            SCHEMA = TG_TABLE_SCHEMA, TABLE = 'boxes', CONSTRAINT = 'book_rounds_box';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER boxes_removed AFTER DELETE ON boxes
    REFERENCING OLD TABLE AS lou_old FOR EACH STATEMENT EXECUTE FUNCTION lou_boxes_gone();
CREATE TRIGGER boxes_renamed AFTER UPDATE OF code ON boxes
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION lou_boxes_gone();
CREATE FUNCTION lou_boxes_emptied() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    held text;
BEGIN
    EXECUTE format('SELECT min(box) FROM %I.book_rounds', TG_TABLE_SCHEMA) INTO held;
    IF held IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'foreign_key_violation',
            MESSAGE = 'cannot truncate table "boxes": a book is in one of its boxes',
            DETAIL = format('Key (code)=(%s) is still referenced from table "book_rounds".', held),
            SCHEMA = TG_TABLE_SCHEMA, TABLE = 'boxes', CONSTRAINT = 'book_rounds_box';
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER boxes_emptied AFTER TRUNCATE ON boxes
    FOR EACH STATEMENT EXECUTE FUNCTION lou_boxes_emptied();
""",
}
SCHEMA = max(MIGRATIONS)  # the newest version of the tables
SCAN_BATCH = 2000  # records a scan fetches at a time
_SCANS = itertools.count(1)  # the scans' cursors' numbers (a name is one a connection)
BATCH = 5000  # rows a server-side cursor fetches at a time (a backup, a round's books)
FEW = 50  # up to this many records are updated one statement each, more through COPY
VALUES_BATCH = 20_000  # rows values() fetches at a time
BY_CODE = 20_000  # from this many books on, a group change finds their narrow rows by code
Row = TypeVar("Row")
# What a statement that goes over every book may take (see PgRepository._bulk): no JIT
# compiling (0.3-0.9 s of a 2.5-4 s query, for one run); and, for a round's UPDATE, its
# hash tables in memory (a million rows' need about 100 MB; with the server's usual 4 MB
# they spill to disk in batches).
NO_JIT = {"jit": "off"}
BULK_SETTINGS = {**NO_JIT, "work_mem": "256MB"}


def _dumps(value: Any) -> str:
    return orjson.dumps(value).decode()


def _json(value: Any) -> Json:
    return Json(value, dumps=_dumps)


def _column(value: Any, numbered: bool) -> Any:
    """A field's value as its column holds it (a value of another type: NULL)."""
    if numbered:
        return value if isinstance(value, int) and not isinstance(value, bool) else None
    return str(value) if isinstance(value, str) else None


# A book's fields a search compares (besides its code), and the fields that change its
# book_search row.
SEARCHED = ("title", "author", "isbn", "py", "pyi")
SEARCH_FIELDS = frozenset({"code", *SEARCHED})


def plain_code(code: str) -> bool:
    """Is this code printable ASCII without lower-case letters or spaces (``B00012``)?
    Then ``fold(query) == code.lower()`` holds exactly when ``query.upper() == code``, so
    a search finds it by the books' key."""
    return code.isascii() and code.isprintable() and " " not in code and code == code.upper()


def search_entry(record: Mapping[str, Any]) -> tuple[str, str | None]:
    """A book's ``book_search`` row: its title, and the text a search compares, folded by
    :func:`lou_library.text.fold` as the query is (its code too, unless a plain one)."""
    text = fold("|".join(str(record.get(f) or "") for f in SEARCHED))
    code = str(record.get("code") or "")
    if not plain_code(code):
        text = fold(code) + "|" + text
    return text, _column(record.get("title"), False)


_ABSENT = object()  # a field a record does not have

# A book's fields a round rewrites, kept in ``book_rounds`` (tables version 4), bit i of
# its ``present`` and ``fresh`` for field i: ``present``, the stored document has the
# field; ``fresh``, the column holds the field's value and the document an older one or
# none (a round wrote only the narrow row), or the same JSON null (tables version 5);
# ``tail``, the fresh fields the document did
# not have, in the order a round added them (after its other fields, as ``dict.update``
# adds them). A read puts the fresh values into the document, in place, the tail's at
# its end: the document is the same, field order and all, as if it had been rewritten.
ROUND_FIELDS = ("status", "box", "last_box", "since")
ROUNDS_TABLE = sql.Identifier("book_rounds")
BOOK_RECORDS = sql.Identifier("book_records")  # a view: books joined to book_rounds
_ROUND_COLUMNS = sql.SQL("fresh, tail, status, box, last_box, since")


def _bits(names: Iterable[str]) -> int:
    return sum(1 << ROUND_FIELDS.index(n) for n in set(names) if n in ROUND_FIELDS)


def _present(record: Mapping[str, Any]) -> int:
    return _bits(n for n in ROUND_FIELDS if n in record)


_ROUND_AT = 4  # where the round's fields begin in a backup's row of a book (see _parts)


def _overlaid(doc: Doc, fresh: int, tail: str, values: Sequence[Any]) -> Doc:
    """A book's document with the round's fields its narrow row holds newer (``tail``:
    those it adds, in order)."""
    if fresh:
        for name, at in _overlay(fresh, tail):
            doc[name] = values[at - _ROUND_AT]
    return doc


@functools.cache
def _overlay(fresh: int, tail: str) -> tuple[tuple[str, int], ...]:
    """How a narrow row's newer fields go into a book's document (``tail``: those it adds,
    in order; then the fresh ones), as steps: each field, and where it is in a backup's
    row (a number, ``doc, fresh, tail, status, box, last_box, since``). Worked out once
    for each kind of narrow row, not once a book (a backup of 1,000,000 books)."""
    where = {name: _ROUND_AT + i for i, name in enumerate(ROUND_FIELDS)}
    added = [(name, where[name]) for name in tail.split()]
    return (*added, *((name, where[name]) for i, name in enumerate(ROUND_FIELDS) if fresh >> i & 1))


def _book(row: Sequence[Any]) -> Doc:
    """A book's document from a row that ends with ``doc, fresh, tail, status, box,
    last_box, since``."""
    return _overlaid(row[-7], row[-6], row[-5], row[-4:])


def _round_row(key: Key, record: Mapping[str, Any]) -> tuple[Any, ...]:
    """A book's ``book_rounds`` row: its key, the round's fields' columns, ``present``,
    ``fresh`` (the fields whose value is a JSON null: the column holds it, NULL, so that
    reading them in groups needs no document; see :func:`_grouped_value`)."""
    values = (_column(record.get(n), n == "since") for n in ROUND_FIELDS)
    nulls = _bits(n for n in ROUND_FIELDS if n in record and record[n] is None)
    return (key, *values, _present(record), nulls)


def _columns(table: str) -> list[str]:
    """The columns a row has besides its key and document (a book's round fields have
    theirs in ``book_rounds``)."""
    found = list(COLUMNS.get(table, {}))
    return [c for c in found if c not in ROUND_FIELDS] if table == BOOKS else found


def _row(
    table: str, key: Any, record: Mapping[str, Any], columns: Sequence[str] | None = None
) -> tuple[Any, ...]:
    """A record as its row: key, document, columns (all of them, or these)."""
    numbered = COLUMNS.get(table, {})
    wanted = _columns(table) if columns is None else columns
    values = [_column(record.get(c), numbered[c]) for c in wanted]
    return (key, _dumps(dict(record)), *values)


class _SearchEntries:
    """The ``book_search`` rows of books being written, each worked out once (a round
    writes 800,000 copies of 18,000 titles)."""

    def __init__(self) -> None:
        self.found: set[tuple[str, str]] = set()
        self._seen: dict[tuple[Any, ...], None] = {}

    def note(self, record: Mapping[str, Any]) -> Mapping[str, Any]:
        code = record.get("code")
        plain = isinstance(code, str) and plain_code(code)
        fields = (None if plain else code, *(record.get(f) for f in SEARCHED))
        try:
            if fields in self._seen:
                return record
            self._seen[fields] = None
        except TypeError:  # a field of a type no book has: worked out every time
            pass
        text, title = search_entry(record)
        if title is not None:
            self.found.add((text, title))
        return record


def _row_maker(
    table: str,
    fields: Mapping[str, Any],
    dropped: Sequence[str],
    columns: Sequence[str],
    entries: _SearchEntries | None = None,
) -> Callable[[Key, str], tuple[Any, ...]]:
    """A group's rows for :meth:`PgRepository.update_groups`, from each record's stored
    text: ``_row(table, key, merged(record, fields, dropped), columns)``, with the columns
    the group sets or removes worked out once for all its records (``entries``: the
    ``book_search`` rows the changed books need, when the group changes what is searched)."""
    numbered = COLUMNS.get(table, {})
    fixed: dict[str, Any] = {
        c: _column(fields.get(c), numbered[c]) for c in columns if c in fields or c in dropped
    }
    if len(fixed) < len(columns) or entries is not None:  # something follows each record

        def row(key: Key, text: str) -> tuple[Any, ...]:
            record = merged(orjson.loads(text), fields, dropped)
            if entries is not None:
                entries.note(record)
            return _row(table, key, record, columns)

        return row
    values = tuple(fixed[c] for c in columns)

    def fixed_row(key: Key, text: str) -> tuple[Any, ...]:
        record = orjson.loads(text)
        record.update(fields)
        for name in dropped:
            record.pop(name, None)
        return (key, orjson.dumps(record).decode(), *values)

    return fixed_row


def _narrow(row: str) -> sql.Composable:
    """Which books of a group of round fields (``lou_group_fields`` g) change in their
    narrow rows (``book_rounds`` as ``row``) alone: those whose stored documents have
    none of the fields the group removes (a field a round added is only in the tail),
    and to which the group adds no field when a round before added some (their order
    would be two orders). Still true of them once changed, so the same condition leaves
    them out of the books rewritten afterwards."""
    return sql.SQL(
        "({0}.present & g.drops = 0 AND ({0}.tail = '' OR g.sets & ~({0}.present | {0}.fresh) = 0))"
    ).format(sql.Identifier(row))


def _exact(value: Any, numbered: bool) -> bool:
    """Does a column hold exactly this value (NULL: ``None``)?"""
    if value is None:
        return True
    if numbered:
        return isinstance(value, int) and not isinstance(value, bool) and -(2**63) <= value < 2**63
    return isinstance(value, str)


def _narrow_group(
    grp: int, fields: Mapping[str, Any], gone: Sequence[str]
) -> tuple[Any, ...] | None:
    """A group of :meth:`PgRepository.update_groups` on books as a ``lou_group_fields``
    row, if it changes only round fields to values their columns hold exactly: its
    number, the values (NULL where it sets none), the bits of the fields it sets and of
    those it removes; else None."""
    if not set(fields) <= set(ROUND_FIELDS) or not set(gone) <= set(ROUND_FIELDS):
        return None
    values = [fields.get(name) for name in ROUND_FIELDS]
    if not all(_exact(v, n == "since") for v, n in zip(values, ROUND_FIELDS, strict=True)):
        return None
    order = [*fields, None, None, None, None][: len(ROUND_FIELDS)]
    return (grp, *values, _bits(fields), _bits(gone), *order)


def _joined(parts: list[list[Key]], order: Callable[[], list[Key]]) -> list[Key]:
    """The keys of groups the server told apart and Python does not (see grouped()), in
    ``order`` (every key, in the records' order)."""
    if len(parts) == 1:
        return parts[0]
    members = {key for part in parts for key in part}
    return [key for key in order() if key in members]


def _grouped_value(table: str, field: str) -> sql.Composable:
    """A field's JSON text in :meth:`PgRepository.grouped` (NULL: the record lacks it)."""
    literal = sql.Literal(field)
    if field not in COLUMNS.get(table, {}):
        return sql.SQL("(t.doc->{})::text").format(literal)
    column = sql.Identifier(field)
    # a column holds a string or a number, else NULL: then the document
    value = sql.SQL(
        "CASE WHEN t.{0} IS NOT NULL THEN to_json(t.{0})::text ELSE (t.doc->{1})::text END"
    ).format(column, literal)
    if table == BOOKS and field in ROUND_FIELDS:
        # a fresh column holds the field (a JSON null too); the document only a value of
        # a type the column cannot hold: read then, and only then, by a sub-query (the
        # books' documents are not joined: 3.0 -> 1.4 s for 1,000,000 books by hand)
        bit = sql.Literal(_bits([field]))
        return sql.SQL(
            "CASE WHEN t.fresh & {0} <> 0 THEN coalesce(to_json(t.{1})::text, 'null') "
            "WHEN t.{1} IS NOT NULL THEN to_json(t.{1})::text "
            "WHEN t.present & {0} = 0 THEN NULL "
            "ELSE (SELECT (d.doc->{2})::text FROM books AS d WHERE d.seq = t.seq) END"
        ).format(bit, column, literal)
    return value


def _read_ahead(fetch: Callable[[], list[Row]], reading: list[Callable[[], None]]) -> Iterator[Row]:
    """The rows of ``fetch()``'s batches, up to an empty one; each batch is fetched in a
    thread while the one before is gone through (psycopg lets go of the interpreter while
    the server sends: 1,000,000 books' planning fields 2.5 -> 1.9 s). Closed early, the
    reader waits for the batch being fetched (the connection's own lock keeps any other
    statement until then); given up unclosed (a reader that raised), the thread is
    stopped by what it puts in ``reading``, which the repository calls when the command
    fails (:meth:`PgRepository.settle`)."""
    batches: queue.Queue[list[Row] | BaseException] = queue.Queue(maxsize=1)
    stop = threading.Event()

    def run() -> None:
        try:
            while not stop.is_set():
                rows = fetch()
                batches.put(rows)
                if not rows:
                    return
        except BaseException as exc:  # raised again in the reader's thread
            batches.put(exc)

    def halt() -> None:
        stop.set()
        while worker.is_alive():  # let it put what it has, and see the stop
            with contextlib.suppress(queue.Empty):
                batches.get(timeout=0.01)
        worker.join()

    worker = threading.Thread(target=run, name="lou-read-ahead", daemon=True)
    worker.start()
    reading.append(halt)
    try:
        while True:
            got = batches.get()
            if isinstance(got, BaseException):
                raise got
            if not got:
                return
            yield from got
    finally:
        halt()
        with contextlib.suppress(ValueError):
            reading.remove(halt)


_COPY_ESCAPED = frozenset("\\\t\n\r")  # what COPY's text format writes escaped


def _copy_lines(keys: Sequence[Key], end: str) -> str | None:
    """The keys as lines of COPY's text format, each ending with ``end``, at once (a
    round's 950,000 keys: 1.0 -> 0.2 s); None if one needs escaping."""
    try:
        texts = (
            cast(Sequence[str], keys) if isinstance(keys[0], str) else [str(int(k)) for k in keys]
        )
        if not _COPY_ESCAPED.isdisjoint("".join(texts)):
            return None
    except (IndexError, TypeError):  # none, or of two kinds (written one by one)
        return None
    return "".join((end.join(texts), end))


class _Running:
    """Changes a thread of their own carries out on the server (see
    :meth:`PgRepository.settle`), after those of ``earlier`` (which fail them too)."""

    def __init__(self, work: Callable[[], None], earlier: _Running | None = None) -> None:
        self._error: BaseException | None = None
        self._earlier = earlier
        self._thread = threading.Thread(
            target=self._run, args=(work,), name="lou-server-changes", daemon=True
        )
        self._thread.start()

    def _run(self, work: Callable[[], None]) -> None:
        try:
            if self._earlier is not None:
                self._earlier.wait()
                self._earlier = None  # (done: let go)
            work()
        except BaseException as exc:  # raised again in the thread that waits for it
            self._error = exc

    def here(self) -> bool:
        """Is this a thread carrying them out (theirs, or one of the earlier changes')?"""
        earlier = self._earlier
        return threading.current_thread() is self._thread or (
            earlier is not None and earlier.here()
        )

    def alive(self) -> bool:
        return self._thread.is_alive()

    def wait(self) -> None:
        self._thread.join()
        if self._error is not None:
            raise self._error

    def cancel(self, conn: Connection[Any]) -> None:
        """Cancel the statement running until the thread ends (a cancel that falls
        between two statements finds none); what it raised is let go."""
        while self._thread.is_alive():
            with contextlib.suppress(Exception):  # (a connection already lost)
                conn.cancel_safe(timeout=2)
            self._thread.join(0.5)


def _lacking(table: str, field: str, lacks: int, unsure: int) -> sql.Composable:
    """``lacks`` where a record lacks the field, ``unsure`` where :meth:`PgRepository.values`
    gives ``None`` for a value its column cannot hold (the document has it), else 0."""
    if field == KEYS.get(table):
        return sql.SQL("0")
    name, literal = sql.Identifier(field), sql.Literal(field)
    if table == BOOKS and field in ROUND_FIELDS:  # see _grouped_value
        bit = sql.Literal(_bits([field]))
        return sql.SQL(
            "CASE WHEN (t.present | t.fresh) & {bit} = 0 THEN {lacks} "
            "WHEN t.fresh & {bit} = 0 AND t.{name} IS NULL THEN {unsure} ELSE 0 END"
        ).format(bit=bit, name=name, lacks=lacks, unsure=unsure)
    if field in COLUMNS.get(table, {}):
        return sql.SQL(
            "CASE WHEN t.doc->{literal} IS NULL THEN {lacks} WHEN t.{name} IS NULL "
            "AND json_typeof(t.doc->{literal}) <> 'null' THEN {unsure} ELSE 0 END"
        ).format(literal=literal, name=name, lacks=lacks, unsure=unsure)
    return sql.SQL("CASE WHEN t.doc->{} IS NULL THEN {} ELSE 0 END").format(literal, lacks)


class PgRepository:
    """:class:`~lou_library.repository.Repository` on one PostgreSQL transaction."""

    def __init__(self, conn: Connection[Any]) -> None:
        self._connection = conn
        self._running: _Running | None = None  # changes the server is carrying out
        self._reading: list[Callable[[], None]] = []  # stops the reads running ahead
        self._meta: Doc | None = None
        self._cursors = 0  # server-side cursors opened (each gets a name of its own)

    @property
    def _conn(self) -> Connection[Any]:
        """The transaction's connection, once the changes left running are done (see
        :meth:`settle`; the thread carrying them out uses it meanwhile)."""
        running = self._running
        if running is not None and not running.here():
            self.settle()
        return self._connection

    def settle(self, *, cancel: bool = False) -> None:
        """Wait for the changes :meth:`update_groups` left running on the server, and
        raise what they raised. Every call that uses the connection, and the store before
        it commits, does this first. ``cancel`` (the command failed: the transaction is
        thrown away): stop them, and the reads running ahead, and raise nothing."""
        running = self._running
        try:
            if running is not None and cancel:
                running.cancel(self._connection)
            elif running is not None:
                running.wait()
        finally:  # (a Ctrl-C while waiting: still there for the store to cancel)
            if running is not None and not running.alive():
                self._running = None
        if cancel:
            for halt in self._reading:
                halt()
            self._reading.clear()

    def check(self, *, wait: bool = True) -> None:
        """Check now what the foreign keys would check at the commit (a box's site; a
        book's box is checked by its statement: see version 7 of :data:`MIGRATIONS`;
        later statements are checked at the commit again); ``wait=False``: in a thread,
        as :meth:`update_groups`, after the changes still running. What fails fails the
        write, as at the commit."""

        def check() -> None:
            self._conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
            self._conn.execute("SET CONSTRAINTS ALL DEFERRED")

        if wait:
            check()
        else:
            self._running = _Running(check, self._running)

    # -- helpers ------------------------------------------------------------------

    def _rows(
        self, query: sql.Composed | sql.SQL, params: Sequence[Any] = ()
    ) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._conn.execute(query, params).fetchall()
        return rows

    @contextlib.contextmanager
    def _bulk(self, settings: Mapping[str, str] = BULK_SETTINGS) -> Iterator[None]:
        """These settings for the statements run inside, the transaction's own again
        after: a round's ``UPDATE`` of 950,000 narrow rows at 1,000,000 books took 15-18
        s with 4 MB of ``work_mem`` (its hash joins in 8 and 16 batches on disk), 7-9 s
        with them in memory; the grouped read of every book's round fields 2.7 s with JIT,
        2.45 s without (the wider hash in memory made it slower: not set there)."""
        names = list(settings)
        row = self._conn.execute(
            sql.SQL("SELECT {}").format(
                sql.SQL(", ").join(
                    sql.SQL("current_setting({}), set_config({}, {}, true)").format(
                        sql.Literal(n), sql.Literal(n), sql.Literal(settings[n])
                    )
                    for n in names
                )
            )
        ).fetchone()
        before = list(row[::2]) if row else []
        yield  # (a statement that fails ends the transaction: nothing to set back)
        again = (
            sql.SQL("set_config({}, {}, true)").format(sql.Literal(n), sql.Literal(v))
            for n, v in zip(names, before, strict=True)
        )
        self._conn.execute(sql.SQL("SELECT {}").format(sql.SQL(", ").join(again)))

    @staticmethod
    def _table(table: str) -> sql.Identifier:
        if table not in KEYS and table not in LOGS:
            raise ValueError(f"{table!r} is not a table")
        return sql.Identifier(table)

    @staticmethod
    def _source(table: str) -> sql.Identifier:
        """Where a table's records are read from (a book: with its round's fields)."""
        return BOOK_RECORDS if table == BOOKS else PgRepository._table(table)

    @staticmethod
    def _docs(table: str) -> sql.Composable:
        """What a query selects for a record's document (last, see :meth:`_doc`)."""
        return sql.SQL("doc, {}").format(_ROUND_COLUMNS) if table == BOOKS else sql.SQL("doc")

    @staticmethod
    def _doc(table: str, row: Sequence[Any]) -> Doc:
        """The document of a row that ends with what :meth:`_docs` selects."""
        return _book(row) if table == BOOKS else row[-1]

    @staticmethod
    def _key(table: str) -> sql.Identifier:
        try:
            return sql.Identifier(KEYS[table])
        except KeyError:
            raise ValueError(f"{table!r} is not a keyed table") from None

    def _present(self, table: str) -> None:
        self._conn.execute(
            "INSERT INTO lou_tables (name) VALUES (%s) ON CONFLICT DO NOTHING", (table,)
        )

    def _condition(self, table: str, field: str, value: Any) -> tuple[sql.Composable, list[Any]]:
        """``WHERE`` text that holds where ``record.get(field) == value``."""
        if field in COLUMNS.get(table, {}):
            column = sql.Identifier(field)
            if value is None:
                return sql.SQL("{} IS NULL").format(column), []
            return sql.SQL("{} = %s").format(column), [value]
        if value is None:
            return sql.SQL("coalesce((doc->%s)::jsonb, 'null') = 'null'"), [field]
        return sql.SQL("(doc->%s)::jsonb = %s::jsonb"), [field, _json(value)]

    # -- keyed tables -------------------------------------------------------------

    def all(self, table: str) -> Iterable[Doc]:
        self._key(table)
        query = sql.SQL("SELECT {} FROM {} ORDER BY seq").format(
            self._docs(table), self._source(table)
        )
        return [self._doc(table, row) for row in self._rows(query)]

    def scan(self, table: str) -> Iterator[Doc]:
        self._key(table)
        # a cursor of its own: scans may run inside each other
        query = sql.SQL("SELECT {} FROM {} ORDER BY seq").format(
            self._docs(table), self._source(table)
        )
        with self._conn.cursor(name=f"lou_scan_{next(_SCANS)}") as cursor:
            cursor.itersize = SCAN_BATCH
            cursor.execute(query)
            for row in cursor:
                yield self._doc(table, row)

    def _fits(self, table: str, key: Key) -> bool:
        """Is this key of the table's kind? (Keys keep their type: round "1" is no round.)"""
        numbered = table in NUMBERED
        return (
            isinstance(key, int) and not isinstance(key, bool) if numbered else isinstance(key, str)
        )

    def get(self, table: str, key: Key) -> Doc | None:
        if not self._fits(table, key):
            return None
        query = sql.SQL("SELECT {} FROM {} WHERE {} = %s").format(
            self._docs(table), self._source(table), self._key(table)
        )
        row = self._conn.execute(query, (key,)).fetchone()
        return None if row is None else self._doc(table, row)

    def get_many(self, table: str, keys: Iterable[Key]) -> dict[Key, Doc]:
        wanted = [key for key in dict.fromkeys(keys) if self._fits(table, key)]
        if not wanted:
            return {}
        query = sql.SQL("SELECT {key}, {docs} FROM {table} WHERE {key} = ANY(%s)").format(
            docs=self._docs(table), table=self._source(table), key=self._key(table)
        )
        found = {row[0]: self._doc(table, row) for row in self._rows(query, (wanted,))}
        return {key: found[key] for key in wanted if key in found}

    def where(self, table: str, field: str, value: Any) -> list[Doc]:
        self._key(table)
        condition, params = self._condition(table, field, value)
        query = sql.SQL("SELECT {} FROM {} WHERE {} ORDER BY seq").format(
            self._docs(table), self._source(table), condition
        )
        return [self._doc(table, row) for row in self._rows(query, params)]

    def first_of(self, table: str, field: str, values: Collection[Any]) -> dict[Any, Doc]:
        self._key(table)
        wanted = list(dict.fromkeys(values))
        if not wanted:
            return {}
        if field in COLUMNS.get(table, {}):
            value: sql.Composable = sql.Identifier(field)
            condition: sql.Composable = sql.SQL("{} = ANY(%s)").format(value)
            params: list[Any] = [wanted]
        else:
            value = sql.SQL("(doc->{})::jsonb").format(sql.Literal(field))
            condition = sql.SQL("{} IN (SELECT jsonb_array_elements(%s::jsonb))").format(value)
            params = [_json(wanted)]
        query = sql.SQL(
            "SELECT DISTINCT ON ({value}) {docs} FROM {table} WHERE {condition} "
            "ORDER BY {value}, seq"
        ).format(
            value=value, docs=self._docs(table), table=self._source(table), condition=condition
        )
        docs = (self._doc(table, row) for row in self._rows(query, params))
        found = {doc.get(field): doc for doc in docs}
        return {v: found[v] for v in wanted if v in found}

    def search(self, table: str, text: str) -> list[Doc]:
        """The books whose code, title, author, ISBN or pinyin keys hold ``text``: the
        copies of every title whose ``book_search`` text holds it (that text is each copy's
        fields folded by :func:`lou_library.text.fold` when it is written), and the copy
        whose plain code it is, so this sieve lets through every book the exact match
        would find (see the module's docstring)."""
        if table != BOOKS or not text:
            return list(self.all(table))
        query = sql.SQL(
            "SELECT {} FROM book_records WHERE title = ANY(ARRAY("
            "SELECT DISTINCT title FROM book_search "
            "WHERE strpos(search, %s) > 0 OR strpos(search, %s) > 0)) "
            "OR code = %s ORDER BY seq"
        ).format(self._docs(table))
        params = (text, text.replace("-", ""), text.upper())
        return [_book(row) for row in self._rows(query, params)]

    def _index(self, table: str, records: Iterable[Mapping[str, Any]]) -> None:
        """Add the ``book_search`` rows of these books that are not there yet."""
        if table != BOOKS:
            return
        entries = _SearchEntries()
        for record in records:
            entries.note(record)
        self._add_entries(entries)

    def _add_entries(self, entries: _SearchEntries) -> None:
        if not entries.found:
            return
        texts, titles = zip(*sorted(entries.found), strict=True)
        self._conn.execute(
            "INSERT INTO book_search (search, title) "
            "SELECT * FROM unnest(%s::text[], %s::text[]) ON CONFLICT DO NOTHING",
            (list(texts), list(titles)),
        )

    def values(
        self, table: str, *fields: str, lacking: Sequence[str] = ()
    ) -> Iterable[tuple[Any, ...]]:
        """A field with a column is read from it (a column holds the field's value: the
        schema's types are the columns'), any other from the document; through a cursor
        on the server, :data:`VALUES_BATCH` rows at a time. Whether a book lacks a round's
        field is in its narrow row (no document is read for it)."""
        key, columns = KEYS.get(table), COLUMNS.get(table, {})
        parts = [
            sql.Identifier(f) if f == key or f in columns else sql.SQL("doc->{}").format(f)
            for f in fields
        ]
        if lacking:
            parts.append(
                sql.SQL(" + ").join(
                    _lacking(table, name, 1 << i, 1 << (len(lacking) + i))
                    for i, name in enumerate(lacking)
                )
            )
        query = sql.SQL("SELECT {} FROM {} AS t ORDER BY seq").format(
            sql.SQL(", ").join(parts), self._source(table)
        )
        self._key(table)
        return self._stream(query)

    def _stream(self, query: sql.Composed) -> Iterator[tuple[Any, ...]]:
        self._cursors += 1
        with self._conn.cursor(name=f"lou_values_{id(self):x}_{self._cursors}") as cursor:
            cursor.execute(query)
            yield from _read_ahead(lambda: cursor.fetchmany(VALUES_BATCH), self._reading)

    def tally(self, table: str, *fields: str) -> Counter[tuple[Any, ...]]:
        columns = COLUMNS.get(table, {})
        parts = [
            sql.Identifier(f) if f in columns else sql.SQL("(doc->{})::jsonb").format(f)
            for f in fields
        ]
        groups = sql.SQL(", ").join(sql.Literal(i) for i in range(1, len(fields) + 1))
        source = self._source(table)
        if table == BOOKS and set(fields) <= set(ROUND_FIELDS):  # the narrow rows suffice
            source = ROUNDS_TABLE
        query = sql.SQL("SELECT {}, count(*) FROM {} GROUP BY {}").format(
            sql.SQL(", ").join(parts), source, groups
        )
        counted: Counter[tuple[Any, ...]] = Counter()
        for row in self._rows(query):  # a JSON null and a missing field both give None
            counted[tuple(row[:-1])] += row[-1]
        return counted

    def keys(self, table: str) -> list[Key]:
        query = sql.SQL("SELECT {} FROM {} ORDER BY seq").format(
            self._key(table), self._table(table)
        )
        return [row[0] for row in self._rows(query)]

    def count(self, table: str) -> int:
        row = self._conn.execute(
            sql.SQL("SELECT count(*) FROM {}").format(self._table(table))
        ).fetchone()
        return int(row[0]) if row else 0

    def add(self, table: str, records: Sequence[Mapping[str, Any]]) -> None:
        if not records:
            return
        self._present(table)
        if table in LOGS:
            first = self.last_number(table) + 1
            rows = [_row(table, first + i, r) for i, r in enumerate(records)]
        else:
            field = KEYS[table]
            keys = [r[field] for r in records]
            taken_query = sql.SQL("SELECT {key} FROM {table} WHERE {key} = ANY(%s)").format(
                table=self._table(table), key=self._key(table)
            )
            taken = [row[0] for row in self._rows(taken_query, (keys,))]
            if taken or len(set(keys)) < len(keys):  # as the primary key would refuse it
                raise ValueError(f"{table}: a record with key {taken or '(twice)'} exists")
            rows = [_row(table, r[field], r) for r in records]
        self._copy(table, sql.Identifier(table), rows)
        if table == BOOKS:
            self._add_rounds([_round_row(r["code"], r) for r in records])
        self._index(table, records)

    def _copy(
        self,
        table: str,
        target: sql.Identifier,
        rows: Iterable[tuple[Any, ...]],
        columns: Sequence[str] | None = None,
    ) -> None:
        """Rows (key, document, columns: all of them, or these) into a table, in one COPY."""
        key = "n" if table in LOGS else KEYS[table]
        wanted = _columns(table) if columns is None else columns
        names = sql.SQL(", ").join(sql.Identifier(n) for n in (key, "doc", *wanted))
        query = sql.SQL("COPY {} ({}) FROM STDIN").format(target, names)
        with self._conn.cursor() as cursor, cursor.copy(query) as out:
            for row in rows:
                out.write_row(row)

    def _rounds_table(self, name: str) -> None:
        """A temporary table for books' ``book_rounds`` rows, by code."""
        self._conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE {} (code text, status text, box text, last_box text, "
                "since bigint, present smallint, fresh smallint) ON COMMIT DROP"
            ).format(sql.Identifier(name))
        )

    def _copy_rounds(self, target: str, rows: Iterable[tuple[Any, ...]]) -> None:
        """Books' ``book_rounds`` rows (:func:`_round_row`) into a temporary table
        (:meth:`_rounds_table`), in one COPY."""
        query = sql.SQL(
            "COPY {} (code, status, box, last_box, since, present, fresh) FROM STDIN"
        ).format(sql.Identifier(target))
        with self._conn.cursor() as cursor, cursor.copy(query) as out:
            for row in rows:
                out.write_row(row)

    def _add_rounds(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """The ``book_rounds`` rows of books just added (:func:`_round_row`)."""
        self._rounds_table("lou_new_rounds")
        self._copy_rounds("lou_new_rounds", rows)
        self._conn.execute(
            "INSERT INTO book_rounds (seq, code, status, box, last_box, since, present, fresh) "
            "SELECT b.seq, n.code, n.status, n.box, n.last_box, n.since, n.present, n.fresh "
            "FROM lou_new_rounds AS n JOIN books AS b ON b.code = n.code"
        )
        self._conn.execute("DROP TABLE lou_new_rounds")

    def _write_rounds(self, rows: Sequence[tuple[Any, ...]]) -> None:
        """Put books' round fields in place, as their documents now hold them (not
        fresh any more, but for their nulls): a few in one statement each, many through
        a temporary table."""
        if not rows:
            return
        if len(rows) <= FEW:
            with self._conn.cursor() as cursor:
                cursor.executemany(
                    "UPDATE book_rounds SET status = %s, box = %s, last_box = %s, "
                    "since = %s, present = %s, fresh = %s, tail = '' "
                    "WHERE seq = (SELECT seq FROM books WHERE code = %s)",
                    [(*row[1:], row[0]) for row in rows],
                )
            return
        self._rounds_table("lou_changed_rounds")
        self._copy_rounds("lou_changed_rounds", rows)
        self._update_rounds_from()

    def _update_rounds_from(self) -> None:
        """Put the temporary table's rows in place (as the documents hold them), drop it."""
        self._conn.execute(
            "UPDATE book_rounds AS t SET status = c.status, box = c.box, "
            "last_box = c.last_box, since = c.since, present = c.present, fresh = c.fresh, "
            "tail = '' "
            "FROM lou_changed_rounds AS c JOIN books AS b ON b.code = c.code "
            "WHERE t.seq = b.seq"
        )
        self._conn.execute("DROP TABLE lou_changed_rounds")

    def update(self, table: str, changes: Changes) -> None:
        if not changes:
            return
        field = KEYS[table]
        current = self._require(table, list(changes))
        records = {}
        for key, fields in changes.items():
            if fields.get(field, key) != key:
                raise ValueError(f"{table}: the key of {key!r} cannot change")
            record = dict(current[key])
            record.update(fields)
            records[key] = record
        self._write(table, records)
        if any(SEARCH_FIELDS.intersection(fields) for fields in changes.values()):
            self._index(table, records.values())

    def replace(self, table: str, records: Changes) -> None:
        if not records:
            return
        field = KEYS[table]
        for key, record in records.items():
            if record.get(field) != key:
                raise ValueError(f"{table}: the record put in place of {key!r} has another key")
        whole = {key: dict(record) for key, record in records.items()}
        rows = [_row(table, k, r) for k, r in whole.items()]  # (while changes may still run)
        self._require_keys(table, list(records))
        self._write(table, whole, rows)
        self._index(table, records.values())

    def _write(
        self, table: str, records: Mapping[Key, Doc], rows: list[tuple[Any, ...]] | None = None
    ) -> None:
        """Put these whole records in place (``rows``: their rows, made already): a few in
        one statement each, many through a temporary table filled by one COPY and one
        ``UPDATE ... FROM``."""
        key = self._key(table)
        columns = ["doc", *_columns(table)]
        if rows is None:
            rows = [_row(table, k, r) for k, r in records.items()]
        if len(rows) <= FEW:
            query = sql.SQL("UPDATE {table} SET {sets} WHERE {key} = %s").format(
                table=self._table(table),
                sets=sql.SQL(", ").join(
                    sql.SQL("{} = %s").format(sql.Identifier(c)) for c in columns
                ),
                key=key,
            )
            with self._conn.cursor() as cursor:
                cursor.executemany(query, [(*row[1:], row[0]) for row in rows])
        else:
            changed = self._changes_table(table, columns[1:])
            self._copy(table, changed, rows)
            self._update_from(table, changed, columns[1:])
        if table == BOOKS:
            self._write_rounds([_round_row(k, r) for k, r in records.items()])

    def _changes_table(self, table: str, columns: Sequence[str]) -> sql.Identifier:
        """A temporary table for new versions of some records: key, document, columns."""
        changed = sql.Identifier(f"lou_changed_{table}")
        self._conn.execute(
            sql.SQL(
                "CREATE TEMP TABLE {changed} ON COMMIT DROP AS "
                "SELECT {key}, {columns} FROM {table} WITH NO DATA"
            ).format(
                changed=changed,
                key=self._key(table),
                columns=sql.SQL(", ").join(sql.Identifier(c) for c in ("doc", *columns)),
                table=self._table(table),
            )
        )
        return changed

    def _update_from(self, table: str, changed: sql.Identifier, columns: Sequence[str]) -> None:
        """Put the temporary table's records in place, and drop it."""
        key = self._key(table)
        assignments = sql.SQL(", ").join(
            sql.SQL("{0} = c.{0}").format(sql.Identifier(c)) for c in ("doc", *columns)
        )
        self._conn.execute(
            sql.SQL(
                "UPDATE {table} AS t SET {sets} FROM {changed} AS c WHERE t.{key} = c.{key}"
            ).format(table=self._table(table), sets=assignments, changed=changed, key=key)
        )
        self._conn.execute(sql.SQL("DROP TABLE {}").format(changed))

    def grouped(
        self, table: str, fields: Sequence[str], keys: Iterable[Key] | None = None
    ) -> list[Group]:
        """The server groups the records by their fields' JSON text (a field they lack:
        NULL), taken from the field's column where it has one (no JSON to parse); groups
        whose values Python holds equal (``1`` and ``1.0``, ``"é"`` and ``"\\u00e9"``) are
        then joined, as :class:`~lou_library.tinyrepo.TinyRepository` groups them."""
        key = self._key(table)
        values = sql.SQL(", ").join(_grouped_value(table, f) for f in fields)
        groups = sql.SQL(", ").join(sql.Literal(i) for i in range(1, len(fields) + 1))
        if keys is None:
            template = sql.SQL(
                "SELECT {values}{comma} array_agg(t.{key} ORDER BY t.seq), min(t.seq) "
                "FROM {table} AS t {group} ORDER BY min(t.seq)"
            )
            params: list[Any] = []
        else:
            template = sql.SQL(
                "SELECT {values}{comma} array_agg(t.{key} ORDER BY k.i), min(k.i) "
                "FROM unnest(%s::{kind}[]) WITH ORDINALITY AS k(key, i) "
                "JOIN {table} AS t ON t.{key} = k.key {group} ORDER BY min(k.i)"
            )
            params = [[k for k in dict.fromkeys(keys) if self._fits(table, k)]]
        query = template.format(
            values=values,
            comma=sql.SQL(",") if fields else sql.SQL(""),
            key=key,
            table=self._source(table),
            kind=sql.SQL("bigint" if table in NUMBERED else "text"),
            group=sql.SQL("GROUP BY {}").format(groups) if fields else sql.SQL(""),
        )
        with self._bulk(NO_JIT):
            rows = self._rows(query, params)
        found: dict[tuple[Any, ...], tuple[Doc, list[list[Key]]]] = {}
        for row in rows:
            texts, members = row[: len(fields)], row[-2]
            if members is None:  # no record at all (an aggregate without GROUP BY)
                continue
            parsed = [_ABSENT if t is None else orjson.loads(t) for t in texts]
            entry = found.setdefault(
                tuple(parsed),
                ({f: v for f, v in zip(fields, parsed, strict=True) if v is not _ABSENT}, []),
            )
            entry[1].append(members)
        order = (lambda: self.keys(table)) if keys is None else (lambda: params[0])
        return [(values, _joined(parts, order)) for values, parts in found.values()]

    def update_groups(
        self,
        table: str,
        groups: Iterable[Group],
        remove: Collection[str] = (),
        *,
        wait: bool = True,
    ) -> None:
        """The records' keys go to the server first (one COPY), each with its group.
        A group that only sets a book's round fields (:data:`ROUND_FIELDS`), on books
        whose documents have them, is one ``UPDATE`` of their ``book_rounds`` rows (a
        round's moves: no document is read or written). Any other record is read back
        with a server-side cursor, a batch at a time, changed here as :meth:`update`
        changes it and copied into a temporary table; one ``UPDATE ... FROM`` writes them
        all. Memory holds one batch, and only the columns the changes touch are written
        again.

        ``wait=False``: once the keys are copied, a thread carries the change out while
        the caller goes on (a round's 950,000 moves keep the server busy for 7 s): the
        next call that reaches the server waits for it, and raises what it raised (a
        record that is not there: ``KeyError``); so does the store before it commits. The
        groups' keys are not to be changed meanwhile."""
        changes = [(dict(fields), keys) for fields, keys in groups if keys]
        if not changes:
            return
        field = KEYS[table]
        if any(field in fields for fields, _ in changes):
            raise ValueError(f"{table}: the key of a record cannot change")
        self.settle()
        carry_out = self._stage_groups(table, changes, remove)
        if wait:
            carry_out()
        else:
            self._running = _Running(carry_out)

    def _stage_groups(
        self,
        table: str,
        changes: list[tuple[dict[str, Any], Sequence[Key]]],
        remove: Collection[str],
    ) -> Callable[[], None]:
        """The groups' keys, and the fields of the groups :meth:`_update_rounds` changes,
        into temporary tables (COPY, by the caller's thread: in the thread that changes
        the records, beside the caller's work, a round's keys took 1.0 s instead of 0.3 s,
        which its ``UPDATE`` waited for); returns what changes the records."""
        wanted = self._group_keys(table, changes)
        dropped = [[name for name in remove if name not in fields] for fields, _ in changes]
        narrow = [
            row
            for grp, ((fields, _), gone) in enumerate(zip(changes, dropped, strict=True))
            if table == BOOKS and (row := _narrow_group(grp, fields, gone)) is not None
        ]
        if narrow:
            self._narrow_fields(narrow)

        def carry_out() -> None:
            with self._bulk():
                found = self._update_rounds(wanted) if narrow else 0
                if found < wanted:
                    found += self._rewrite_groups(table, changes, dropped, skip=bool(narrow))
                if found < wanted:
                    self._missing(table)
                self._conn.execute("DROP TABLE lou_group_keys")
                if narrow:
                    self._conn.execute("DROP TABLE lou_group_fields")

        return carry_out

    def _narrow_fields(self, narrow: list[tuple[Any, ...]]) -> None:
        """The fields of the groups :meth:`_update_rounds` changes (:func:`_narrow_group`)
        into a temporary table."""
        self._conn.execute(
            "CREATE TEMP TABLE lou_group_fields (grp int, status text, box text, "
            "last_box text, since bigint, sets smallint, drops smallint, "
            "n1 text, n2 text, n3 text, n4 text) ON COMMIT DROP"
        )
        with (
            self._conn.cursor() as cursor,
            cursor.copy(
                "COPY lou_group_fields (grp, status, box, last_box, since, sets, drops, "
                "n1, n2, n3, n4) FROM STDIN"
            ) as out,
        ):
            for row in narrow:
                out.write_row(row)

    def _update_rounds(self, keys: int) -> int:
        """The round's fields of the books of the groups in ``lou_group_fields`` (``keys``
        books in all), in one ``UPDATE`` of their narrow rows, where the documents have
        every field the group sets and none it removes; how many books. Many books are
        found by their rows' codes (the table read once); a few through the books' index
        of codes (their rows by ``seq``)."""
        self._conn.execute("ANALYZE lou_group_keys, lou_group_fields")  # a plan for their sizes
        rows = sql.SQL("WHERE r.code = k.key AND {}").format(_narrow("r"))
        if keys < BY_CODE:
            rows = sql.SQL("JOIN books AS b ON b.code = k.key WHERE r.seq = b.seq AND {}").format(
                _narrow("r")
            )
        sets = sql.SQL(", ").join(
            sql.SQL(
                "{0} = CASE WHEN g.sets & {1} <> 0 THEN g.{0} "
                "WHEN g.drops & {1} <> 0 THEN NULL ELSE r.{0} END"
            ).format(sql.Identifier(name), sql.Literal(1 << i))
            for i, name in enumerate(ROUND_FIELDS)
        )
        # the fields the group sets that the document lacks, in the group's order
        bits = sql.SQL(" ").join(
            sql.SQL("WHEN {} THEN {}").format(sql.Literal(name), sql.Literal(1 << j))
            for j, name in enumerate(ROUND_FIELDS)
        )
        added = sql.SQL(", ").join(
            sql.SQL("CASE WHEN r.present & (CASE g.{0} {1} END) = 0 THEN g.{0} END").format(
                sql.Identifier(f"n{i}"), bits
            )
            for i in range(1, len(ROUND_FIELDS) + 1)
        )
        # the tail without the fields the group removes (the document never had them)
        kept: sql.Composable = sql.SQL("string_to_array(r.tail, ' ')")
        for j, name in enumerate(ROUND_FIELDS):
            kept = sql.SQL("array_remove({}, CASE WHEN g.drops & {} <> 0 THEN {} END)").format(
                kept, sql.Literal(1 << j), sql.Literal(name)
            )
        cursor = self._conn.execute(
            sql.SQL(
                "UPDATE book_rounds AS r SET {sets}, "
                "tail = CASE WHEN r.tail = '' THEN concat_ws(' ', {added}) "
                "ELSE array_to_string({kept}, ' ') END, "
                "fresh = (r.fresh | g.sets) & ~g.drops "
                "FROM lou_group_keys AS k JOIN lou_group_fields AS g ON g.grp = k.grp {rows}"
            ).format(sets=sets, added=added, kept=kept, rows=rows)
        )
        return max(cursor.rowcount, 0)

    def _rewrite_groups(
        self,
        table: str,
        changes: list[tuple[dict[str, Any], Sequence[Key]]],
        dropped: list[list[str]],
        *,
        skip: bool,
    ) -> int:
        """The records of :meth:`update_groups` read, changed and written whole (``skip``:
        but those :meth:`_update_rounds` has changed); how many."""
        touched = {name for fields, _ in changes for name in fields}
        touched |= {name for gone in dropped for name in gone}
        columns = [c for c in _columns(table) if c in touched]
        entries = _SearchEntries() if table == BOOKS and touched & SEARCH_FIELDS else None
        changed = self._changes_table(table, columns)
        docs = sql.SQL("t.doc::text")
        if table == BOOKS:
            docs = sql.SQL("t.doc::text, t.fresh, t.tail, t.status, t.box, t.last_box, t.since")
            self._rounds_table("lou_changed_rounds")
        rest = sql.SQL(
            "LEFT JOIN lou_group_fields AS g ON g.grp = k.grp WHERE g.grp IS NULL OR NOT {}"
        ).format(_narrow("t"))
        query = sql.SQL(
            "SELECT k.grp, t.{key}, {docs} FROM lou_group_keys AS k "
            "JOIN {table} AS t ON t.{key} = k.key {rest}"
        ).format(
            key=self._key(table),
            docs=docs,
            table=self._source(table),
            rest=rest if skip else sql.SQL(""),
        )
        makers = [
            _row_maker(table, fields, gone, columns, entries)
            for (fields, _), gone in zip(changes, dropped, strict=True)
        ]
        found = 0
        with self._conn.cursor(name="lou_group_records") as cursor:
            cursor.execute(query)
            while batch := cursor.fetchmany(BATCH):
                found += len(batch)
                if table == BOOKS:
                    self._copy_books(changed, columns, batch, makers)
                else:
                    rows = [makers[grp](key, doc) for grp, key, doc in batch]
                    self._copy(table, changed, rows, columns)
        if entries is not None:
            self._add_entries(entries)
        self._update_from(table, changed, columns)
        if table == BOOKS:
            self._update_rounds_from()
        return found

    def _copy_books(
        self,
        changed: sql.Identifier,
        columns: Sequence[str],
        batch: list[tuple[Any, ...]],
        makers: list[Callable[[Key, str], tuple[Any, ...]]],
    ) -> None:
        """A batch of :meth:`_rewrite_groups`'s books into the temporary tables: each
        document with its fresh round fields put in first, then changed."""
        rows, rounds = [], []
        for grp, key, text, fresh, tail, *values in batch:
            doc = _overlaid(orjson.loads(text), fresh, tail, values) if fresh else None
            row = makers[grp](key, text if doc is None else _dumps(doc))
            rows.append(row)
            rounds.append(_round_row(key, orjson.loads(row[1])))
        self._copy(BOOKS, changed, rows, columns)
        self._copy_rounds("lou_changed_rounds", rounds)

    def _group_keys(self, table: str, changes: list[tuple[dict[str, Any], Sequence[Key]]]) -> int:
        """The keys of :meth:`update_groups`'s records into a temporary table, each with its
        group's number; how many."""
        kind = sql.SQL("bigint" if table in NUMBERED else "text")
        self._conn.execute(
            sql.SQL("CREATE TEMP TABLE lou_group_keys (key {}, grp int) ON COMMIT DROP").format(
                kind
            )
        )
        count = 0
        with (
            self._conn.cursor() as cursor,
            cursor.copy("COPY lou_group_keys (key, grp) FROM STDIN") as out,
        ):
            for grp, (_, keys) in enumerate(changes):
                for key in keys:
                    if not self._fits(table, key):
                        raise KeyError(f"{table} has no record {key!r}")
                lines = _copy_lines(keys, f"\t{grp}\n")
                if lines is None:
                    for key in keys:
                        out.write_row((key, grp))
                else:
                    out.write(lines)
                count += len(keys)
        return count

    def _missing(self, table: str) -> None:
        """Name a key of :meth:`update_groups` that no record has (the rules change only
        records they have found)."""
        row = self._conn.execute(
            sql.SQL(
                "SELECT k.key FROM lou_group_keys AS k LEFT JOIN {table} AS t "
                "ON t.{key} = k.key WHERE t.{key} IS NULL LIMIT 1"
            ).format(key=self._key(table), table=self._table(table))
        ).fetchone()
        raise KeyError(f"{table} has no record {row[0] if row else '?'!r}")

    def remove(self, table: str, keys: Iterable[Key]) -> None:
        wanted = list(keys)
        if not wanted:
            return
        self._require(table, wanted)
        if table == BOOKS:
            self._conn.execute(
                "DELETE FROM book_rounds WHERE seq IN (SELECT seq FROM books WHERE code = ANY(%s))",
                (wanted,),
            )
        query = sql.SQL("DELETE FROM {} WHERE {} = ANY(%s)").format(
            self._table(table), self._key(table)
        )
        self._conn.execute(query, (wanted,))

    def _require_keys(self, table: str, keys: list[Key]) -> None:
        """:meth:`_require` by the keys alone (a round's 30,000 boxes: their documents,
        with the books each received, are not read back to be replaced)."""
        query = sql.SQL("SELECT {key} FROM {table} WHERE {key} = ANY(%s)").format(
            table=self._table(table), key=self._key(table)
        )
        wanted = [key for key in keys if self._fits(table, key)]
        found = {row[0] for row in self._rows(query, (wanted,))} if wanted else set()
        missing = [key for key in keys if key not in found]
        if missing:  # the rules change only records they have found
            raise KeyError(f"{table} has no record {missing[0]!r}")

    def _require(self, table: str, keys: list[Key]) -> dict[Key, Doc]:
        found = self.get_many(table, keys)
        missing = [key for key in keys if key not in found]
        if missing:  # the rules change only records they have found
            raise KeyError(f"{table} has no record {missing[0]!r}")
        return found

    # -- logs ---------------------------------------------------------------------

    def entries(self, table: str, after: int = 0) -> Iterable[tuple[int, Doc]]:
        query = sql.SQL("SELECT n, doc FROM {} WHERE n > %s ORDER BY n").format(self._log(table))
        return [(int(n), doc) for n, doc in self._rows(query, (after,))]

    def entries_where(
        self, table: str, field: str, values: Collection[Any]
    ) -> list[tuple[int, Doc]]:
        wanted = list(values)
        if not wanted:
            return []
        log = self._log(table)
        if field in COLUMNS.get(table, {}):
            condition: sql.Composable = sql.SQL("{} = ANY(%s)").format(sql.Identifier(field))
            params: list[Any] = [wanted]
        else:
            condition = sql.SQL("(doc->%s)::jsonb IN (SELECT jsonb_array_elements(%s::jsonb))")
            params = [field, _json(wanted)]
        query = sql.SQL("SELECT n, doc FROM {} WHERE {} ORDER BY n").format(log, condition)
        return [(int(n), doc) for n, doc in self._rows(query, params)]

    def last_number(self, table: str) -> int:
        query = sql.SQL("SELECT max(n) FROM {}").format(self._log(table))
        row = self._conn.execute(query).fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    def truncate(self, table: str, after: int) -> None:
        query = sql.SQL("DELETE FROM {} WHERE n > %s").format(self._log(table))
        self._conn.execute(query, (after,))

    @staticmethod
    def _log(table: str) -> sql.Identifier:
        if table not in LOGS:
            raise ValueError(f"{table!r} is not a log")
        return sql.Identifier(table)

    # -- the meta record and the whole --------------------------------------------

    def meta(self) -> Doc:
        if self._meta is None:
            row = self._conn.execute("SELECT doc FROM _meta WHERE id = 1").fetchone()
            self._meta = row[0] if row else {}
        return copy.deepcopy(self._meta)

    def reserve(self, counter: str, n: int = 1, start: int = 1) -> int:
        first, meta = reserved(self.meta(), counter, n, start)
        self.set_meta(meta)
        return first

    def set_meta(self, record: Mapping[str, Any]) -> None:
        self._meta = copy.deepcopy(dict(record))
        self._conn.execute(
            "INSERT INTO _meta (id, doc) VALUES (1, %s) "
            "ON CONFLICT (id) DO UPDATE SET doc = excluded.doc",
            (_json(self._meta),),
        )

    def tables(self) -> set[str]:
        return set(self._names()) | {META}

    def _names(self) -> list[str]:
        """The tables the network has, in the order they were made (as the file's)."""
        return [row[0] for row in self._rows(sql.SQL("SELECT name FROM lou_tables ORDER BY seq"))]

    def drop(self, table: str) -> None:
        if self.count(table):
            raise ValueError(f"{table!r} is not empty")
        self._conn.execute("DELETE FROM lou_tables WHERE name = %s", (table,))

    def document(self) -> dict[str, Any]:
        """The whole network as the file holds it (a keyed table's rows numbered 1, 2, ...
        in the order they were added; a log's by their entry numbers)."""
        names = self._names()
        document: dict[str, Any] = {} if META in names else {META: {"1": self.meta()}}
        for table in names:
            if table == META:
                document[META] = {"1": self.meta()}
            elif table in LOGS:
                document[table] = {str(n): doc for n, doc in self.entries(table)}
            else:
                document[table] = {str(i): doc for i, doc in enumerate(self.all(table), 1)}
        return document

    def rows(self, table: str) -> Iterator[tuple[str, Doc]]:
        if table == META:
            yield "1", self.meta()
        elif table in LOGS:
            query = sql.SQL("SELECT n, doc FROM {} ORDER BY n").format(self._log(table))
            with self._conn.cursor(name=f"lou_scan_{next(_SCANS)}") as cursor:
                cursor.itersize = SCAN_BATCH
                cursor.execute(query)
                for n, doc in cursor:
                    yield str(n), doc
        else:
            for n, doc in enumerate(self.scan(table), 1):
                yield str(n), doc

    def export_snapshot(self) -> str:
        """This transaction's snapshot, for another to read the same (it stays valid until
        this transaction ends; :meth:`lou_library.pgstore.PgStore.backup_ahead`)."""
        row = self._conn.execute("SELECT pg_export_snapshot()").fetchone()
        return str(row[0]) if row else ""

    def document_parts(self) -> Iterator[bytes]:
        """:meth:`document` as :func:`lou_library.store.encode` writes it, in pieces, read
        with a server-side cursor: a backup of 1,000,000 books never holds the network in
        memory. Each record is parsed and written again as ``encode`` would (a record
        the server holds in another spelling still comes out the same)."""
        names = self._names()
        tables = names if META in names else [META, *names]
        yield b"{\n"
        for i, table in enumerate(tables):
            yield orjson.dumps(table) + b":"
            if table == META:
                yield orjson.dumps({"1": self.meta()})
            else:
                yield from self._table_parts(table)
            yield b"\n}\n" if i == len(tables) - 1 else b",\n"

    def _table_parts(self, table: str) -> Iterator[bytes]:
        """One table of :meth:`document_parts`: ``{"1":{...},"2":{...}}``."""
        if table in LOGS:
            query = sql.SQL("SELECT n, doc::text FROM {} ORDER BY n").format(self._log(table))
        elif table == BOOKS:
            return self._book_parts()
        else:
            query = sql.SQL("SELECT NULL, doc::text FROM {} ORDER BY seq").format(
                self._table(table)
            )
        return self._parts(table, query)

    def _book_parts(self) -> Iterator[bytes]:
        """The books of :meth:`document_parts`, each with its round's fields."""
        query = sql.SQL("SELECT NULL, doc::text, {} FROM book_records ORDER BY seq").format(
            _ROUND_COLUMNS
        )
        return self._parts(BOOKS, query)

    def _parts(self, table: str, query: sql.Composed) -> Iterator[bytes]:
        count = 0
        with self._conn.cursor(name=f"lou_dump_{table}") as cursor:
            cursor.execute(query)
            while rows := cursor.fetchmany(BATCH):
                pieces: list[bytes] = []
                append, loads, dumps = pieces.append, orjson.loads, orjson.dumps
                for row in rows:
                    count += 1
                    doc = loads(row[1])
                    if len(row) > 2 and row[2]:  # a book whose narrow row holds newer fields
                        for name, at in _overlay(row[2], row[3]):
                            doc[name] = row[at]
                    key = count if row[0] is None else row[0]
                    append(b'%s"%d":%s' % (b"," if count > 1 else b"{", key, dumps(doc)))
                yield b"".join(pieces)
        yield b"}" if count else b"{}"

    def load(self, document: Mapping[str, Any]) -> None:
        """Put a whole network in place of this one (tables this backend does not know are
        a programming error: the file's schema check refuses them first)."""
        unknown = set(document) - set(TABLES) - {META}
        if unknown:
            raise ValueError(f"tables this backend does not hold: {sorted(unknown)}")
        # DELETE, not TRUNCATE: readers that began before keep seeing their snapshot
        # (TRUNCATE would show them empty tables and wait for every reader's lock), and
        # the foreign keys still pending from an earlier load in this transaction allow
        # it; the books' boxes first (a box goes only once no book is in it)
        for table in ("book_rounds", *TABLES, "lou_tables", "book_search"):
            self._conn.execute(sql.SQL("DELETE FROM {}").format(sql.Identifier(table)))
        entries = _SearchEntries()
        rounds: list[tuple[Any, ...]] = []  # the books' boxes, once every box is there
        for table in document:  # in the document's order, which document() gives back
            self._present(table)
            if table == META:
                continue
            rows = document[table] or {}
            if not rows:
                continue
            rows_in_order: Iterator[tuple[Any, Doc]]
            if table in LOGS:
                rows_in_order = ((int(n), doc) for n, doc in sorted(rows.items(), key=_number))
            else:
                field = KEYS[table]
                rows_in_order = ((doc[field], doc) for _, doc in sorted(rows.items(), key=_number))
            if table == BOOKS:
                rows_in_order = _noted(rows_in_order, entries, rounds)
            self._copy(table, sql.Identifier(table), (_row(table, k, d) for k, d in rows_in_order))
        if rounds:
            self._add_rounds(rounds)
        self._add_entries(entries)
        self.set_meta(document.get(META, {}).get("1", {}))


def _noted(
    books: Iterable[tuple[Key, Doc]], entries: _SearchEntries, rounds: list[tuple[Any, ...]]
) -> Iterator[tuple[Key, Doc]]:
    """Books as they are loaded, each noted for ``book_search`` and its round's row kept."""
    for key, doc in books:
        entries.note(doc)
        rounds.append(_round_row(key, doc))
        yield key, doc


def _number(item: tuple[str, Any]) -> int:
    return int(item[0])
