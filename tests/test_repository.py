"""The repository protocol's contract, checked on the embedded implementation.

Every implementation of :class:`lou_library.repository.Repository` must pass these (the
PostgreSQL one will be added to ``REPOSITORIES``): keyed look-ups, changes named by key,
numbered logs, the meta record, and that what it holds is exactly the sequence of changes
made, checked against a plain model with Hypothesis.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lou_library.demo import empty_document
from lou_library.repository import BOOKS, EVENTS, ROUNDS, Repository, merged
from lou_library.store import Store, encode
from lou_library.tinyrepo import TinyRepository
from tests.conftest import PG_URL


def _memory() -> Iterator[Repository]:
    yield TinyRepository.in_memory(empty_document())


def _file(tmp: Path) -> Iterator[Repository]:
    """A repository as a command gets it: the store's unit of work over a real file."""
    path = tmp / "lou.json"
    path.write_bytes(encode(empty_document()))
    with Store(path).write("test") as repo:
        yield repo


def _postgresql(_tmp: Path) -> Generator[Repository, None, None]:
    """A repository as a command gets it from a server: one transaction, in a schema of
    its own (never committed: thrown away with the schema). The contract's records need
    not name each other: its foreign keys are never checked (they wait for the commit),
    nor is a book's box (checked by its statement: test_pg.py has its tests)."""
    if not PG_URL:
        pytest.skip("PostgreSQL: no server (set LOU_TEST_PG, see .ci/run)")
    import uuid

    import psycopg

    from lou_library import pgrepo

    schema = f"r_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    try:
        with psycopg.connect(PG_URL) as conn:
            conn.execute(f"SET search_path TO {schema}")
            for version in sorted(pgrepo.MIGRATIONS):
                conn.execute(pgrepo.MIGRATIONS[version].encode())
            conn.execute("ALTER TABLE book_rounds DISABLE TRIGGER USER")
            conn.execute("ALTER TABLE boxes DISABLE TRIGGER USER")
            repo = pgrepo.PgRepository(conn)
            repo.load(empty_document())
            yield repo
            repo.settle()  # (changes still running raise here, as the store does)
            conn.rollback()
    finally:
        with psycopg.connect(PG_URL, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA {schema} CASCADE")


REPOSITORIES: dict[str, Callable[[Path], Iterator[Repository]]] = {
    "tinydb-memory": lambda _tmp: _memory(),
    "tinydb-file": _file,
    "postgresql": _postgresql,
}


@pytest.fixture(params=sorted(REPOSITORIES))
def repo(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Repository]:
    yield from REPOSITORIES[request.param](tmp_path)


def _book(code: str, **fields: Any) -> dict[str, Any]:
    return {"code": code, "title": f"书{code}", "category": "other", "status": "in_depot", **fields}


def test_keyed_records_are_found_changed_and_removed_by_key(repo: Repository) -> None:
    repo.add(BOOKS, [_book("B00001"), _book("B00002", box="A-01", status="in_box")])
    assert repo.get(BOOKS, "B00002") == _book("B00002", box="A-01", status="in_box")
    assert repo.get(BOOKS, "B00003") is None
    assert repo.get_many(BOOKS, ["B00002", "B00003"]) == {"B00002": repo.get(BOOKS, "B00002")}
    assert repo.keys(BOOKS) == ["B00001", "B00002"]
    assert repo.count(BOOKS) == 2

    repo.update(BOOKS, {"B00001": {"status": "in_box", "box": "A-02"}})
    assert repo.get(BOOKS, "B00001") == _book("B00001", status="in_box", box="A-02")
    assert [b["code"] for b in repo.where(BOOKS, "status", "in_box")] == ["B00001", "B00002"]

    assert repo.tally(BOOKS, "status") == {("in_box",): 2}
    assert repo.tally(BOOKS, "status", "box") == {("in_box", "A-02"): 1, ("in_box", "A-01"): 1}
    repo.replace(BOOKS, {"B00002": _book("B00002")})  # the box field goes
    assert repo.get(BOOKS, "B00002") == _book("B00002")

    repo.remove(BOOKS, ["B00001"])
    assert [b["code"] for b in repo.all(BOOKS)] == ["B00002"]
    assert repo.get(BOOKS, "B00001") is None
    repo.add(BOOKS, [_book("B00003")])
    assert repo.get(BOOKS, "B00003") == _book("B00003")
    assert repo.keys(BOOKS) == ["B00002", "B00003"]


def test_values_are_some_fields_of_every_record_in_order(repo: Repository) -> None:
    """What a command that goes over a whole table reads of it (``rotate plan``: the
    books' planning fields): None where a record has no such field, fields with a column
    on a server and fields only in the document alike."""
    repo.add(BOOKS, [_book("B00002", since=3, condition="damaged", tags=["旧", 1])])
    repo.add(BOOKS, [_book("B00001", status="in_box", box="A-01", missing_since=2, since=0)])
    repo.update(BOOKS, {"B00002": {"since": 4}})
    fields = ("code", "box", "since", "condition", "missing_since", "tags", "title")
    assert list(repo.values(BOOKS, *fields)) == [
        ("B00002", None, 4, "damaged", None, ["旧", 1], "书B00002"),
        ("B00001", "A-01", 0, None, 2, None, "书B00001"),
    ]
    assert list(repo.values(BOOKS, "status")) == [("in_depot",), ("in_box",)]
    repo.add(ROUNDS, [{"number": 1, "date": "2026-03-02", "status": "applied"}])
    assert list(repo.values(ROUNDS, "number", "date")) == [(1, "2026-03-02")]
    # other look-ups while they are gone through
    assert [
        (code, repo.get(BOOKS, code) is not None) for (code,) in repo.values(BOOKS, "code")
    ] == [
        ("B00002", True),
        ("B00001", True),
    ]
    with pytest.raises(ValueError):
        repo.values(EVENTS, "book")  # a log has no fields to go over this way


def test_a_change_to_a_record_that_is_not_there_is_a_programming_error(repo: Repository) -> None:
    with pytest.raises(KeyError):
        repo.update(BOOKS, {"B09999": {"status": "lost"}})
    with pytest.raises(KeyError):
        repo.remove(BOOKS, ["B09999"])


def test_a_group_change_to_a_record_that_is_not_there_is_a_programming_error(
    repo: Repository,
) -> None:
    """Left to go on (``wait=False``): named by the call, or (a server's thread carries
    the change out) by the next one."""
    repo.add(BOOKS, [_book("B00001")])
    with pytest.raises(KeyError):
        repo.update_groups(BOOKS, [({"status": "lost"}, ["B00001", "B09999"])], wait=False)
        repo.count(BOOKS)


def test_keys_any_text_format_would_escape_are_changed_as_the_others(repo: Repository) -> None:
    """A group change sends a server its keys as COPY's text, at once; keys with a tab, a
    new line, a carriage return or a backslash go one by one, escaped."""
    odd = ["B\t1", "B\n2", "B\\3", "B\r4", "B\\.5"]
    repo.add(BOOKS, [_book(code) for code in [*odd, "B00006"]])
    repo.update_groups(BOOKS, [({"box": "A-01"}, odd), ({"box": "A-02"}, ["B00006"])])
    assert [(b["code"], b.get("box")) for b in repo.all(BOOKS)] == [
        *((code, "A-01") for code in odd),
        ("B00006", "A-02"),
    ]


def test_the_books_a_plan_holds_are_what_a_grouped_read_gives(repo: Repository) -> None:
    """rotate apply keeps the moving books' fields for undo from the plan's read of the
    books: the same groups as a second, grouped read (a field a book lacks left out, a
    JSON null kept); where a server cannot vouch for a value, none (read again)."""
    from collections import defaultdict

    from lou_library import rotation

    repo.add(
        BOOKS,
        [
            _book("B00001", status="in_box", box="A-01", last_box="A-01", since=1),
            _book("B00002", status="in_box", box="A-01"),  # no last box, no since
            _book("B00003", box=None, last_box=None),
            _book("B00004", status="in_box", box="A-01", last_box="A-01", since=1),
            _book("B00005", box=None, since=2),
        ],
    )
    repo.update_groups(BOOKS, [({"box": "A-02", "since": 3}, ["B00004"])], remove=["last_box"])
    held: defaultdict[tuple[Any, ...], list[Any]] = defaultdict(list)
    rotation.planning_books(repo, 4, 2, held)
    fields = rotation.BOOK_FIELDS
    assert rotation._held(held) == [(dict(f), list(k)) for f, k in repo.grouped(BOOKS, fields)]
    repo.update(BOOKS, {"B00005": {"since": 2.5}})  # no column holds it
    held.clear()
    rotation.planning_books(repo, 4, 2, held)
    found = rotation._held(held)
    if type(repo).__name__ == "PgRepository":  # its since column cannot hold 2.5
        assert found is None
    else:  # a file holds what it holds
        assert found == [(dict(f), list(k)) for f, k in repo.grouped(BOOKS, fields)]


def _searched(repo: Repository, query: str) -> set[str]:
    from lou_library.text import fold

    return {doc["code"] for doc in repo.search(BOOKS, fold(query))}


def test_a_search_lets_through_every_book_it_finds_whatever_wrote_it(repo: Repository) -> None:
    """The sieve of book find (a server answers from its search table): a book is found
    by its title, author, ISBN, pinyin keys or code after it is added, edited, replaced
    or loaded with a whole network, a code in lower case or with other scripts too."""
    red = _book("B00001", author="曹雪芹", isbn="9787020002207", py="hongloumeng|caoxueqin")
    repo.add(BOOKS, [red, _book("b-x1", title="书"), _book("ＣＤ-２"), _book("B00002")])
    assert {"B00001"} <= _searched(repo, "曹雪") & _searched(repo, "978-7020")
    assert {"B00001"} <= _searched(repo, "LOUMENG") & _searched(repo, "b00001")
    assert {"b-x1"} <= _searched(repo, "B-X1") & _searched(repo, "书")
    assert {"ＣＤ-２"} <= _searched(repo, "cd-2")

    repo.update(BOOKS, {"B00001": {"title": "石头记", "py": "shitouji|caoxueqin"}})
    repo.update(BOOKS, {"B00002": {"status": "lost"}})  # no searched field: nothing to add
    repo.replace(BOOKS, {"B00002": _book("B00002", title="水浒传", author="施耐庵")})
    assert {"B00001"} <= _searched(repo, "石头") & _searched(repo, "shitou")
    assert {"B00002"} <= _searched(repo, "水浒") & _searched(repo, "施耐")

    document = repo.document()
    repo.load(document)
    assert {"B00001"} <= _searched(repo, "石头") & _searched(repo, "曹雪")
    assert {"b-x1"} <= _searched(repo, "b-x1")
    assert {"B00002"} <= _searched(repo, "水浒传")


def test_the_first_record_of_each_value_is_found_by_that_value(repo: Repository) -> None:
    repo.add(BOOKS, [_book("B00001", title="甲", author="乙"), _book("B00002", title="丙")])
    repo.add(BOOKS, [_book("B00003", title="甲", author="丁"), _book("B00004", author="乙")])
    assert repo.first_of(BOOKS, "title", ["丙", "无", "甲"]) == {
        "丙": repo.get(BOOKS, "B00002"),
        "甲": repo.get(BOOKS, "B00001"),
    }
    assert repo.first_of(BOOKS, "author", {"乙"}) == {"乙": repo.get(BOOKS, "B00001")}
    assert repo.first_of(BOOKS, "author", []) == {}
    repo.update(BOOKS, {"B00001": {"title": "戊"}})
    assert repo.first_of(BOOKS, "title", ["甲", "戊"]) == {
        "甲": repo.get(BOOKS, "B00003"),
        "戊": repo.get(BOOKS, "B00001"),
    }


def test_records_are_read_in_groups_of_the_same_values(repo: Repository) -> None:
    repo.add(
        BOOKS,
        [
            _book("B00001", box="A-01", status="in_box", since=1),
            _book("B00002"),
            _book("B00003", box="A-01", status="in_box", since=1.0),  # as 1 in Python
            _book("B00004", box=None),  # a null is a value; a field not there is none
            _book("B00005", box="A-01", status="in_box", since=2),
        ],
    )
    fields = ("box", "status", "since")
    assert repo.grouped(BOOKS, fields) == [
        ({"box": "A-01", "status": "in_box", "since": 1}, ["B00001", "B00003"]),
        ({"status": "in_depot"}, ["B00002"]),
        ({"box": None, "status": "in_depot"}, ["B00004"]),
        ({"box": "A-01", "status": "in_box", "since": 2}, ["B00005"]),
    ]
    # the keys given, in their order; one that names no record is left out
    assert repo.grouped(BOOKS, fields, ["B00005", "B00003", "B09999", "B00002", "B00001"]) == [
        ({"box": "A-01", "status": "in_box", "since": 2}, ["B00005"]),
        ({"box": "A-01", "status": "in_box", "since": 1.0}, ["B00003", "B00001"]),
        ({"status": "in_depot"}, ["B00002"]),
    ]
    assert repo.grouped(BOOKS, ("status",), []) == []
    assert repo.grouped(ROUNDS, ("status",)) == []
    # a value its column cannot hold (a server keeps it in the document alone), a null
    repo.add(BOOKS, [_book("B00006", box=7), _book("B00007", box=None, since=None)])
    repo.update(BOOKS, {"B00005": {"box": None}})
    assert repo.grouped(BOOKS, fields, ["B00006", "B00007", "B00005", "B00004"]) == [
        ({"box": 7, "status": "in_depot"}, ["B00006"]),
        ({"box": None, "status": "in_depot", "since": None}, ["B00007"]),
        ({"box": None, "status": "in_box", "since": 2}, ["B00005"]),
        ({"box": None, "status": "in_depot"}, ["B00004"]),
    ]


def test_records_that_share_a_change_are_changed_together(repo: Repository) -> None:
    repo.add(
        BOOKS,
        [
            _book("B00001", box="A-01", status="in_box", last_box="A-01"),
            _book("B00002", title="红岩"),
            _book("B00003", box="A-02", status="in_box"),
        ],
    )
    repo.update_groups(
        BOOKS,
        [
            ({"box": None, "status": "in_depot", "since": 3}, ["B00001", "B00003"]),
            ({"status": "in_box", "box": "A-01"}, ["B00002"]),
        ],
    )
    first = repo.get(BOOKS, "B00001")
    assert first is not None  # fields it has keep their place, new ones come last
    assert list(first.items()) == [
        *_book("B00001", box=None, status="in_depot", last_box="A-01").items(),
        ("since", 3),
    ]
    assert repo.get(BOOKS, "B00002") == _book("B00002", title="红岩", status="in_box", box="A-01")
    assert [b["code"] for b in repo.where(BOOKS, "status", "in_depot")] == ["B00001", "B00003"]
    assert [b["code"] for b in repo.where(BOOKS, "box", "A-01")] == ["B00002"]
    assert [b["code"] for b in repo.search(BOOKS, "红岩")] in (
        ["B00002"],
        ["B00001", "B00002", "B00003"],
    )

    # put back as they were: the fields named in remove that a group does not set go
    repo.update_groups(
        BOOKS,
        [
            ({"box": "A-01", "status": "in_box", "last_box": "A-01"}, ["B00001"]),
            ({"status": "in_depot"}, ["B00002"]),
            ({"box": "A-02", "status": "in_box"}, ["B00003"]),
        ],
        remove=("box", "last_box", "status", "since"),
    )
    assert [list(b.items()) for b in repo.all(BOOKS)] == [
        list(_book("B00001", box="A-01", status="in_box", last_box="A-01").items()),
        list(_book("B00002", title="红岩").items()),
        list(_book("B00003", box="A-02", status="in_box").items()),
    ]
    assert [b["code"] for b in repo.where(BOOKS, "box", "A-01")] == ["B00001"]
    repo.update_groups(BOOKS, [({"title": "青春之歌"}, ["B00003"])])  # its search text too
    assert "B00003" in [b["code"] for b in repo.search(BOOKS, "青春之歌")]
    with pytest.raises(KeyError):
        repo.update_groups(BOOKS, [({"status": "lost"}, ["B00001", "B09999"])])
    with pytest.raises(ValueError):
        repo.update_groups(BOOKS, [({"code": "B00009"}, ["B00001"])])


def test_the_server_reads_and_changes_a_batch_at_a_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """PostgreSQL reads the records of update_groups and of a backup a batch at a time
    (5,000 rows): here two, so that every batch boundary is crossed."""
    from lou_library import pgrepo

    monkeypatch.setattr(pgrepo, "BATCH", 2)
    repositories = _postgresql(tmp_path)
    server = next(repositories)
    memory = next(_memory())
    try:
        for repo in (server, memory):
            repo.add(BOOKS, [_book(f"B{i:05d}", box="A-01", status="in_box") for i in range(1, 8)])
            repo.add(EVENTS, [{"book": f"B{i:05d}", "action": "added"} for i in range(1, 6)])
            repo.update_groups(
                BOOKS,
                [
                    (
                        {"box": None, "status": "in_depot", "since": 2},
                        ["B00002", "B00005", "B00007"],
                    ),
                    ({"box": "A-02"}, ["B00006", "B00001", "B00003"]),
                ],
                remove=("since",),
            )
        assert [list(b.items()) for b in server.all(BOOKS)] == [
            list(b.items()) for b in memory.all(BOOKS)
        ]
        assert b"".join(server.document_parts()) == encode(server.document())  # type: ignore[attr-defined]
        assert b"".join(server.document_parts()) == encode(memory.document())  # type: ignore[attr-defined]
    finally:
        repositories.close()


def _same(server: Repository, memory: Repository) -> None:
    """Every way of reading the books gives the same records, field order and all."""
    fields = ("status", "box", "last_box", "since")
    codes = list(memory.keys(BOOKS))
    for found in (
        lambda r: [list(b.items()) for b in r.all(BOOKS)],
        lambda r: [list(b.items()) for b in r.scan(BOOKS)],
        lambda r: [list((r.get(BOOKS, c) or {}).items()) for c in codes],
        lambda r: {c: list(b.items()) for c, b in r.get_many(BOOKS, codes).items()},
        lambda r: [b["code"] for b in r.where(BOOKS, "box", "A-02")],
        lambda r: [list(b.items()) for b in r.where(BOOKS, "status", "in_box")],
        lambda r: r.tally(BOOKS, "status", "box"),
        lambda r: r.grouped(BOOKS, fields),
        lambda r: r.grouped(BOOKS, fields, codes[::-1]),
        lambda r: {t: list(b.items()) for t, b in r.first_of(BOOKS, "title", ["甲", "乙"]).items()},
        lambda r: [list(b.items()) for b in r.search(BOOKS, "甲") if b["title"] == "甲"],
        lambda r: [list(b.items()) for b in r.document()[BOOKS].values()],
    ):
        assert found(server) == found(memory)
    # a backup as the document (which numbers the records 1, 2, ... after a removal)
    assert b"".join(server.document_parts()) == encode(server.document())  # type: ignore[attr-defined]
    # a column's field of another type (since: True) is None, as values() says
    typed = [
        (*row[:-1], row[-1] if type(row[-1]) is int else None)
        for row in memory.values(BOOKS, "code", *fields)
    ]
    assert list(server.values(BOOKS, "code", *fields)) == typed
    _lacking_told(server, memory, fields)


def _lacking_told(server: Repository, memory: Repository, fields: tuple[str, ...]) -> None:
    """values(..., lacking=fields) tells a field a record lacks from one it holds as None,
    on both; a server also tells each value it gives that may not be the stored one (a
    column could not hold it), and gives every other exactly."""
    n = len(fields)
    stored = list(memory.document()[BOOKS].values())
    mine = list(memory.values(BOOKS, "code", *fields, lacking=fields))
    told = list(server.values(BOOKS, "code", *fields, lacking=fields))
    assert [row[:-1] for row in mine] == [(b["code"], *(b.get(f) for f in fields)) for b in stored]
    for book, row, theirs in zip(stored, mine, told, strict=True):
        lacks = sum(1 << i for i, f in enumerate(fields) if f not in book)
        assert row[-1] == lacks  # a file holds what it holds: nothing is unsure
        assert theirs[-1] & ((1 << n) - 1) == lacks
        for i, f in enumerate(fields):
            given = theirs[1 + i]
            exact = f not in book or (book[f] == given and type(book[f]) is type(given))
            assert exact or theirs[-1] >> (n + i) & 1, (book, f, theirs)


def test_a_rounds_fields_are_changed_alone_and_read_back_in_place(tmp_path: Path) -> None:
    """A server changes a round's fields (status, box, last box, since) of books whose
    documents have them in their narrow rows only; every read gives the document as if
    it had been rewritten, and any later change starts from it. Books without those
    fields, with values no column holds, or losing a field are rewritten whole."""
    repositories = _postgresql(tmp_path)
    server = next(repositories)
    memory = next(_memory())
    moved = {"box": "A-02", "last_box": "A-02", "status": "in_box", "since": 2}
    try:
        for repo in (server, memory):
            repo.add(
                BOOKS,
                [
                    _book(
                        "B00001", title="甲", status="in_box", box="A-01", last_box="A-01", since=1
                    ),
                    _book("B00002", title="甲"),  # no box, last box or since
                    _book("B00003", title="乙", box=None, last_box="A-01", since=1.5),
                    _book("B00004", title="乙", box=7, last_box="A-01", since=1, note="x"),
                    _book("B00005", title="丙", box=None, last_box="A-01", since=1),
                    _book("B00007", title="丙"),
                    _book("B00008", title="丙"),
                ],
            )
            repo.update_groups(
                BOOKS,
                [
                    (moved, ["B00001", "B00002", "B00003", "B00004"]),
                    ({"status": "lost"}, ["B00005"]),
                    ({"since": True, "box": "A-02"}, ["B00005"]),
                    ({"box": "A-01", "since": 1}, ["B00007", "B00008"]),  # added at the end
                ],
            )
        _same(server, memory)
        narrow = "SELECT code FROM book_records WHERE fresh <> 0 ORDER BY code"
        rows = server._conn.execute(narrow).fetchall()  # type: ignore[attr-defined]
        assert [code for (code,) in rows] == [
            *("B00001", "B00002", "B00003", "B00004", "B00007", "B00008")
        ]  # B00005 whole: True is no number
        for repo in (server, memory):
            repo.update_groups(
                BOOKS,
                [
                    ({"last_box": "A-01", "box": "A-03"}, ["B00007"]),  # one more: whole
                    ({"since": 2, "box": "A-03"}, ["B00008"]),
                ],
            )
        _same(server, memory)
        rows = server._conn.execute(narrow).fetchall()  # type: ignore[attr-defined]
        assert "B00007" not in [code for (code,) in rows]
        assert "B00008" in [code for (code,) in rows]
        for repo in (server, memory):  # what a round added taken away (undo): no document
            repo.update_groups(BOOKS, [({"box": "A-01"}, ["B00008"])], remove=("since", "last_box"))
        _same(server, memory)
        rows = server._conn.execute(narrow).fetchall()  # type: ignore[attr-defined]
        assert "B00008" in [code for (code,) in rows]
        for repo in (server, memory):
            repo.update(BOOKS, {"B00001": {"note": "修补"}})  # whole, from the read one
            repo.update_groups(
                BOOKS,
                [
                    ({"box": None, "status": "in_depot"}, ["B00004", "B00005"]),
                    ({"box": "A-03", "last_box": "A-03", "status": "in_box"}, ["B00002"]),
                    ({"title": "乙"}, ["B00003"]),
                ],
                remove=("since", "last_box"),
            )
            repo.update_groups(BOOKS, [({"since": 3, "box": "A-01"}, ["B00001", "B00004"])])
            repo.replace(BOOKS, {"B00003": _book("B00003", title="甲", box="A-01", since=4)})
            repo.remove(BOOKS, ["B00002"])
            repo.add(BOOKS, [_book("B00006", title="甲", status="in_box", box="A-02")])
        _same(server, memory)
        server.load(memory.document())
        _same(server, memory)
    finally:
        repositories.close()


def test_tables_keyed_by_numbers(repo: Repository) -> None:
    repo.add(ROUNDS, [{"number": 1, "date": "2026-03-02", "status": "applied"}])
    assert repo.get(ROUNDS, 1) == {"number": 1, "date": "2026-03-02", "status": "applied"}
    assert repo.get(ROUNDS, "1") is None  # keys keep their type


def test_logs_are_numbered_in_order_and_can_be_cut_back(repo: Repository) -> None:
    assert repo.last_number(EVENTS) == 0
    repo.add(EVENTS, [{"book": "B00001", "action": "added"}, {"book": "B00002", "action": "added"}])
    repo.add(EVENTS, [{"book": "B00001", "action": "moved"}])
    assert repo.last_number(EVENTS) == 3
    assert [(n, e["action"]) for n, e in repo.entries(EVENTS, after=1)] == [
        (2, "added"),
        (3, "moved"),
    ]
    assert repo.entries_where(EVENTS, "book", {"B00001"}) == [
        (1, {"book": "B00001", "action": "added"}),
        (3, {"book": "B00001", "action": "moved"}),
    ]
    assert repo.entries_where(EVENTS, "action", ["moved", "lost"]) == [
        (3, {"book": "B00001", "action": "moved"})
    ]
    repo.truncate(EVENTS, after=1)
    assert repo.last_number(EVENTS) == 1
    repo.add(EVENTS, [{"book": "B00003", "action": "added"}])
    assert [n for n, _ in repo.entries(EVENTS)] == [1, 2]


def test_the_meta_record_is_replaced_whole(repo: Repository) -> None:
    meta = dict(repo.meta())
    meta["counters"] = {"book": 7}
    repo.set_meta(meta)
    assert repo.meta()["counters"] == {"book": 7}
    assert repo.meta()["schema_version"] == empty_document()["_meta"]["1"]["schema_version"]


def test_counters_hand_out_each_number_once(repo: Repository) -> None:
    assert repo.reserve("book") == 1
    assert repo.reserve("book", 3) == 2  # 2, 3 and 4
    assert repo.reserve("book") == 5
    assert repo.reserve("certificate", 1, start=10) == 10
    assert repo.meta()["counters"] == {"book": 6, "certificate": 11}


def test_an_empty_table_can_be_dropped_a_full_one_cannot(repo: Repository) -> None:
    repo.add(ROUNDS, [{"number": 1, "date": "2026-03-02", "status": "applied"}])
    with pytest.raises(ValueError):
        repo.drop(ROUNDS)
    repo.remove(ROUNDS, [1])
    repo.drop(ROUNDS)
    assert ROUNDS not in repo.tables()


def test_a_file_repository_writes_its_changes_once_at_commit(tmp_path: Path) -> None:
    path = tmp_path / "lou.json"
    path.write_bytes(encode(empty_document()))
    store = Store(path)
    with store.write("test") as repo:
        repo.add(BOOKS, [_book("B00001")])
        repo.update(BOOKS, {"B00001": {"status": "in_box", "box": "A-01"}})
        assert store.committed is False
    assert store.committed is True
    with store.read() as repo:
        assert repo.get(BOOKS, "B00001") == _book("B00001", status="in_box", box="A-01")


# --------------------------------------------------------------- against a plain model

CODES = [f"B{i:05d}" for i in range(1, 7)]
operations = st.lists(
    st.one_of(
        st.tuples(st.just("add"), st.sampled_from(CODES), st.sampled_from(["in_box", "lost"])),
        st.tuples(st.just("update"), st.sampled_from(CODES), st.sampled_from(["A", "B", None])),
        st.tuples(st.just("replace"), st.sampled_from(CODES), st.just("")),
        st.tuples(st.just("remove"), st.sampled_from(CODES), st.just("")),
        st.tuples(st.just("log"), st.sampled_from(CODES), st.just("")),
        st.tuples(st.just("truncate"), st.sampled_from(CODES), st.integers(0, 4).map(str)),
        st.tuples(st.just("groups"), st.sampled_from(CODES), st.sampled_from(["A", "B", None])),
    ),
    max_size=30,
)


def _apply(repo: Repository, model: dict[str, Any], step: tuple[str, str, Any]) -> None:
    """One operation, on the repository and on the model (keys absent are skipped: the
    rules change only records they have found)."""
    kind, code, value = step
    books: dict[str, dict[str, Any]] = model["books"]
    if kind == "add" and code not in books:
        repo.add(BOOKS, [_book(code, status=value)])
        books[code] = _book(code, status=value)
    elif kind == "update" and code in books:
        repo.update(BOOKS, {code: {"box": value}})
        books[code] = {**books[code], "box": value}
    elif kind == "replace" and code in books:
        repo.replace(BOOKS, {code: _book(code)})
        books[code] = _book(code)
    elif kind == "remove" and code in books:
        repo.remove(BOOKS, [code])
        del books[code]
    elif kind == "log":
        repo.add(EVENTS, [{"book": code, "action": "added"}])
        model["events"].append({"book": code, "action": "added"})
    elif kind == "truncate":
        repo.truncate(EVENTS, int(value))
        del model["events"][int(value) :]
    elif kind == "groups":  # the books up to this code to box ``value``, the others out
        present = sorted(books)
        into = ({"status": "in_box", "box": value}, [c for c in present if c <= code])
        out = ({"last_box": value, "since": 2}, [c for c in present if c > code])
        repo.update_groups(BOOKS, [into, out], remove=("box",))
        for fields, codes in (into, out):
            for c in codes:
                books[c] = merged(books[c], fields, ["box"] if "box" not in fields else [])


def _holds_exactly(repo: Repository, steps: list[tuple[str, str, Any]]) -> None:
    model: dict[str, Any] = {"books": {}, "events": []}
    for step in steps:
        _apply(repo, model, step)
        for code in CODES:  # keyed look-ups agree with the model after every step
            assert repo.get(BOOKS, code) == model["books"].get(code)
    assert {b["code"]: b for b in repo.all(BOOKS)} == model["books"]
    fields = ("code", "status", "box", "title", "category")
    assert list(repo.values(BOOKS, *fields)) == [
        tuple(b.get(f) for f in fields) for b in repo.all(BOOKS)
    ]
    assert [list(b.items()) for b in repo.all(BOOKS)] == [
        list(b.items()) for b in model["books"].values()
    ]  # (the model's dict keeps the order they were added, as the table)
    groups: dict[tuple[Any, ...], list[str]] = {}
    for code, book in model["books"].items():
        groups.setdefault((book.get("box", "-"), book["status"]), []).append(code)
    assert [
        (fields.get("box", "-"), fields["status"], codes)
        for fields, codes in repo.grouped(BOOKS, ("box", "status"))
    ] == [(*values, codes) for values, codes in groups.items()]
    assert [e for _, e in repo.entries(EVENTS)] == model["events"]
    assert repo.last_number(EVENTS) == len(model["events"])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations)
def test_the_repository_holds_exactly_what_the_changes_made(
    steps: list[tuple[str, str, Any]],
) -> None:
    _holds_exactly(TinyRepository.in_memory(empty_document()), steps)


def test_the_server_repository_holds_exactly_what_the_changes_made(tmp_path: Path) -> None:
    """The same property on PostgreSQL: each example in a savepoint, rolled back after."""
    repositories = _postgresql(tmp_path)
    repo = next(repositories)
    conn = repo._conn  # type: ignore[attr-defined]

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(operations)
    def holds(steps: list[tuple[str, str, Any]]) -> None:
        conn.execute("SAVEPOINT example")
        try:
            _holds_exactly(repo, steps)
        finally:
            conn.execute("ROLLBACK TO SAVEPOINT example")

    try:
        holds()
    finally:
        repositories.close()


def test_keys_are_unique_and_never_change(repo: Repository) -> None:
    repo.add(BOOKS, [_book("B00001")])
    repo.get(BOOKS, "B00001")  # the table is loaded: a second B00001 is refused
    with pytest.raises(ValueError):
        repo.add(BOOKS, [_book("B00001")])
    with pytest.raises(ValueError):
        repo.add(BOOKS, [_book("B00002"), _book("B00002")])
    with pytest.raises(ValueError):
        repo.update(BOOKS, {"B00001": {"code": "B00009"}})
    with pytest.raises(ValueError):
        repo.replace(BOOKS, {"B00001": _book("B00009")})
    assert repo.keys(BOOKS) == ["B00001"]


def test_a_record_put_back_as_it_was_given_stays_whole(repo: Repository) -> None:
    repo.add(BOOKS, [_book("B00001", box="A-01")])
    given = repo.get(BOOKS, "B00001")
    assert given is not None
    repo.replace(BOOKS, {"B00001": given})
    assert repo.get(BOOKS, "B00001") == _book("B00001", box="A-01")


def test_a_table_may_grow_while_its_records_are_read(repo: Repository) -> None:
    repo.add(BOOKS, [_book("B00001"), _book("B00002")])
    for record in repo.all(BOOKS):
        repo.add(BOOKS, [_book(str(record["code"]).replace("B", "C"))])
    assert repo.count(BOOKS) == 4


def test_a_scan_reads_every_record_in_order_a_batch_at_a_time(
    repo: Repository, monkeypatch: pytest.MonkeyPatch
) -> None:
    """What ``all`` gives, in batches on a server (a report's pass over 1,000,000 books);
    records added during the scan are not seen, and scans may run inside each other."""
    from lou_library import pgrepo

    monkeypatch.setattr(pgrepo, "SCAN_BATCH", 2)
    repo.add(BOOKS, [_book(f"B{n:05d}") for n in (3, 1, 2, 5, 4)])
    repo.update(BOOKS, {"B00001": {"status": "lost"}})
    assert list(repo.scan(BOOKS)) == list(repo.all(BOOKS))
    pairs = []
    for record in repo.scan(BOOKS):
        repo.add(BOOKS, [_book(str(record["code"]).replace("B", "C"))])
        pairs.append((record["code"], next(iter(repo.scan(BOOKS)))["code"]))
    assert pairs == [(f"B{n:05d}", "B00003") for n in (3, 1, 2, 5, 4)]
    assert [r["code"] for r in repo.scan(BOOKS)][5:] == [
        "C00003",
        "C00001",
        "C00002",
        "C00005",
        "C00004",
    ]
    assert list(repo.scan(ROUNDS)) == []
