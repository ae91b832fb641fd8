"""Networks on the test server put back as older versions of the tables had them (the
migration tests start from these)."""

from __future__ import annotations

from typing import Any

import orjson

from lou_library import pgrepo


def before_box_triggers(conn: Any) -> None:
    """Tables version 7 taken back to 6 (``conn``: as below): a book's box checked by a
    foreign key again, in place of the triggers."""
    conn.execute(
        "DROP FUNCTION lou_books_in_boxes(), lou_boxes_gone(), lou_boxes_emptied() CASCADE"
    )
    conn.execute(
        "ALTER TABLE book_rounds ADD FOREIGN KEY (box) REFERENCES boxes (code) "
        "DEFERRABLE INITIALLY DEFERRED"
    )
    conn.execute("DELETE FROM lou_schema WHERE version >= 7")


def before_round_rows(conn: Any) -> None:
    """Tables version 4 (to 7) taken back to 3 (``conn``: a connection to the network's
    schema, committed): each book's round fields in its document again
    (a round may have written only its narrow row) and in columns of ``books``, no
    ``book_rounds``."""
    before_box_triggers(conn)
    rows = conn.execute(
        "SELECT code, doc::text, fresh, tail, status, box, last_box, since FROM book_records "
        "WHERE fresh <> 0"
    ).fetchall()
    with conn.cursor() as cursor:
        cursor.executemany(
            "UPDATE books SET doc = %s::json WHERE code = %s",
            [
                (orjson.dumps(pgrepo._book((orjson.loads(text), *rest))).decode(), code)
                for code, text, *rest in rows
            ],
        )
    conn.execute("DROP VIEW book_records")
    conn.execute(
        "ALTER TABLE books ADD COLUMN status text CHECK (status IN "
        "('in_box', 'in_depot', 'not_seen', 'lost', 'withdrawn')), "
        "ADD COLUMN box text REFERENCES boxes (code) DEFERRABLE INITIALLY DEFERRED, "
        "ADD COLUMN last_box text, ADD COLUMN since bigint"
    )
    conn.execute("CREATE INDEX books_status ON books (status)")
    conn.execute("CREATE INDEX books_box ON books (box)")
    conn.execute(
        "UPDATE books AS b SET status = r.status, box = r.box, last_box = r.last_box, "
        "since = r.since FROM book_rounds AS r WHERE r.seq = b.seq"
    )
    conn.execute("DROP TABLE book_rounds")
    conn.execute("DELETE FROM lou_schema WHERE version >= 4")
    conn.commit()  # the foreign keys checked before the caller changes the tables further
