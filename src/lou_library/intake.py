"""Intake by ISBN: ``lou donate --box BOX --isbn ISBN`` and its batch, ``--scan``.

A donated book with an ISBN that copies in the catalogue already carry is registered as a
new copy of that title: title, author and category come from those copies (the catalogue
keeps no publisher). An ISBN the catalogue does not know needs its title (``--title``).
ISBN-10 and ISBN-13 are checked and compared with python-stdnum (an ISBN-10 and its
ISBN-13 are one book). The batch reads ISBNs as a scanner types them and shows what it
would register before anything is saved.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from typing import Any

from lou_library import messages as M
from lou_library.errors import Invalid
from lou_library.records import BOOKS, Doc
from lou_library.repository import Repository
from lou_library.schema import Source
from lou_library.text import clean, fold


def copies_by_isbn(db: Repository, isbns: Collection[str]) -> dict[str, Doc]:
    """ISBN-13 -> the first copy in the catalogue with that ISBN (either form). One ISBN
    (``donate --isbn``): the books a search for the digits both forms share may hold;
    several: one pass over the catalogue, a batch at a time."""
    from lou_library.catalogue import isbn13

    wanted = {isbn13(i) for i in isbns}
    if len(wanted) == 1:
        (key,) = wanted
        books: Iterable[Doc] = db.search(BOOKS, fold(key[3:12] if len(key) == 13 else key))
    else:
        books = db.scan(BOOKS)
    found: dict[str, Doc] = {}
    for book in books:
        isbn = book.get("isbn")
        if isbn and (key := isbn13(isbn)) in wanted and key not in found:
            found[key] = book
    return found


def from_isbn(
    db: Repository,
    isbn: str,
    title: str | None,
    author: str | None,
    category: str | None,
) -> tuple[str, str | None, str | None]:
    """Title, author and category for a donated copy: what was given, the rest from the
    copies with the same ISBN. An unknown ISBN without a title is refused."""
    from lou_library.catalogue import isbn13, normalise_isbn

    key = isbn13(normalise_isbn(isbn))
    known = copies_by_isbn(db, [key]).get(key)
    if known is None:
        if not clean(title):
            raise Invalid(M.DONATE_UNKNOWN_ISBN, isbn=key)
        return str(title), author, category
    return (
        clean(title) or known["title"],
        author if author is not None else known.get("author", ""),
        category or known["category"],
    )


def _isbns(texts: Iterable[str]) -> tuple[list[str], list[str]]:
    """The ISBN-13s read (a copy each, repeats included) and the texts that are none."""
    from lou_library.catalogue import isbn13, normalise_isbn
    from lou_library.errors import LouError

    good: list[str] = []
    bad: list[str] = []
    for text in texts:
        try:
            value = normalise_isbn(text)
        except LouError:
            bad.append(text)
            continue
        if value:
            good.append(isbn13(value))
    return good, bad


def review(db: Repository, box: str, texts: Iterable[str]) -> Doc:
    """What a batch would register: one row per ISBN with its copies, the title the
    catalogue has for it (or none: not registered), and the texts that are no ISBN."""
    from lou_library.network import get_box

    code = get_box(db, box)["code"]
    good, bad = _isbns(texts)
    known = copies_by_isbn(db, good)
    rows: list[dict[str, Any]] = []
    for isbn, n in Counter(good).items():
        copy = known.get(isbn)
        rows.append(
            {
                "isbn": isbn,
                "copies": n,
                "title": copy["title"] if copy else None,
                "author": copy.get("author", "") if copy else None,
                "category": copy["category"] if copy else None,
            }
        )
    return {
        "box": code,
        "rows": rows,
        "not_isbn": bad,
        "unknown": [r["isbn"] for r in rows if r["title"] is None],
        "copies": sum(r["copies"] for r in rows if r["title"] is not None),
    }


def register(db: Repository, planned: Doc, donor: str | None = None) -> Doc:
    """Register the reviewed batch's known ISBNs as donated copies in its box (one batch,
    one ``donated`` event each); the unknown ones are left for one-by-one intake."""
    from lou_library.catalogue import (
        all_boxes,
        categories,
        check_spec,
        create_books,
    )

    rows = [r for r in planned["rows"] if r["title"] is not None]
    if not rows:
        raise Invalid(M.INTAKE_NOTHING)
    boxes = all_boxes(db)
    known = categories(db)
    specs = [
        check_spec(
            known,
            boxes,
            title=r["title"],
            author=r["author"],
            isbn=r["isbn"],
            category=r["category"],
            box=planned["box"],
            copies=r["copies"],
            source=Source.donation,
            donor=donor,
        )
        for r in rows
    ]
    created = create_books(db, specs, "donate --scan")
    return {
        **planned,
        "books": [b["code"] for b in created],
        "total": len(created),
    }
