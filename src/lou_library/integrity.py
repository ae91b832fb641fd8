"""``lou db check``: is the DB file whole and do its records agree with each other?"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from tinydb import TinyDB

from lou_library import messages as M
from lou_library.network import DEPOT
from lou_library.records import BOOKS, BOXES, EVENTS, SITES, VOLUNTEERS, docs


@dataclass(frozen=True)
class Problem:
    kind: str
    record: str
    message: str


def check(db: TinyDB) -> list[Problem]:
    """Every inconsistency found, each with a sentence a manager can act on."""
    problems: list[Problem] = []
    for table in (SITES, BOXES, BOOKS, VOLUNTEERS):
        counts = Counter(doc.get("code") for doc in docs(db, table))
        for code, n in sorted(counts.items(), key=lambda kv: str(kv[0])):
            if code is None:
                problems.append(Problem("missing_code", table, M.CHECK_NO_CODE(table=table)))
            elif n > 1:
                problems.append(
                    Problem("duplicate_code", str(code), M.CHECK_DUPLICATE(code=code, n=n))
                )
    sites = {doc.get("code"): doc for doc in docs(db, SITES)}
    if sites.get(DEPOT, {}).get("kind") != "depot":
        problems.append(Problem("no_depot", DEPOT, M.CHECK_NO_DEPOT()))
    boxes = {doc.get("code"): doc for doc in docs(db, BOXES)}
    for code, record in sorted(boxes.items(), key=lambda kv: str(kv[0])):
        if record.get("site") not in sites:
            problems.append(
                Problem(
                    "orphan_box", str(code), M.CHECK_BOX_SITE(code=code, site=record.get("site"))
                )
            )
    for book in docs(db, BOOKS):
        code, status, box = book.get("code"), book.get("status"), book.get("box")
        if status == "in_box":
            if box not in boxes:
                problems.append(
                    Problem("orphan_book", str(code), M.CHECK_BOOK_BOX(code=code, box=box))
                )
            elif boxes[box].get("status") == "retired":
                problems.append(
                    Problem("retired_box", str(code), M.CHECK_BOOK_RETIRED(code=code, box=box))
                )
        elif status in ("in_depot", "not_seen", "lost", "withdrawn"):
            if box is not None:
                problems.append(
                    Problem("stray_box", str(code), M.CHECK_BOOK_STRAY(code=code, box=box))
                )
        else:
            problems.append(
                Problem("bad_status", str(code), M.CHECK_BOOK_STATUS(code=code, status=status))
            )
    for person in docs(db, VOLUNTEERS):
        for site in person.get("sites", []):
            if site not in sites:
                problems.append(
                    Problem(
                        "orphan_site",
                        str(person.get("code")),
                        M.CHECK_VOLUNTEER_SITE(code=person.get("code"), site=site),
                    )
                )
    codes = {book.get("code") for book in docs(db, BOOKS)}
    unknown = Counter(e.get("book") for e in docs(db, EVENTS) if e.get("book") not in codes)
    for code, n in sorted(unknown.items(), key=lambda kv: str(kv[0])):
        problems.append(Problem("orphan_event", str(code), M.CHECK_EVENT_BOOK(code=code, n=n)))
    return problems
