"""``lou db check``: is the DB file whole and do its records agree with each other?

Every problem comes with a sentence a manager can act on. ``--repair`` fixes, after a
backup, only what has one safe answer: a book recorded in a box that no longer exists (or
is retired) goes back to the depot, a box named on a book that is not in a box is
cleared, a site that does not exist is taken off a volunteer's list. Duplicated codes,
unknown statuses and records missing fields need a person to decide, so they are only
reported.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Any

from tinydb import TinyDB

from lou_library import clock, schema
from lou_library import messages as M
from lou_library.network import DEPOT
from lou_library.records import BOOKS, BOXES, EVENTS, SITES, VOLUNTEERS, Doc, event, log, rows

REPAIRABLE = {"orphan_book", "retired_box", "stray_box", "orphan_site"}


@dataclass(frozen=True)
class Problem:
    kind: str
    record: str
    message: str

    @property
    def repairable(self) -> bool:
        return self.kind in REPAIRABLE


def check(db: TinyDB) -> list[Problem]:
    """Every inconsistency found: first each record that does not fit its spec (table,
    record, field, what was expected), then how the well-formed records relate."""
    problems: list[Problem] = []

    def add(kind: str, record: object, message: str) -> None:
        problems.append(Problem(kind, str(record), message))

    data = db.storage.read() or {}
    misfits = schema.problems(data)
    for misfit in misfits:
        add("bad_field", f"{misfit.table} {misfit.record}", misfit.message())
    skipped = schema.bad_records(misfits)

    def docs(db: TinyDB, table: str) -> list[Doc]:  # the well-formed records only
        bad = skipped.get(table, set())
        return [doc for doc_id, doc in rows(db, table).items() if doc_id not in bad]

    for table in (SITES, BOXES, BOOKS, VOLUNTEERS):
        counts = Counter(doc.get("code") for doc in docs(db, table) if doc.get("code"))
        for code, n in sorted(counts.items(), key=lambda kv: str(kv[0])):
            if n > 1:
                add("duplicate_code", code, M.CHECK_DUPLICATE(code=code, n=n))

    def everything(table: str, key: str = "code") -> dict[Any, Doc]:
        """Every record by its key, well-formed or not: what others may point to."""
        return {
            doc.get(key): doc
            for doc in rows(db, table).values()
            if type(doc.get(key)) in (str, int)
        }

    sites = everything(SITES)
    if sites.get(DEPOT, {}).get("kind") != "depot":
        add("no_depot", DEPOT, M.CHECK_NO_DEPOT())
    boxes = everything(BOXES)
    for record in sorted(docs(db, BOXES), key=lambda doc: str(doc["code"])):
        if record["site"] not in sites:
            code = record["code"]
            add("orphan_box", code, M.CHECK_BOX_SITE(code=code, site=record["site"]))
    for book in docs(db, BOOKS):
        code, status, box = book.get("code"), book.get("status"), book.get("box")
        if status == "in_box":
            if box not in boxes:
                add("orphan_book", code, M.CHECK_BOOK_BOX(code=code, box=box))
            elif boxes[box].get("status") == "retired":
                add("retired_box", code, M.CHECK_BOOK_RETIRED(code=code, box=box))
        elif box is not None:  # in the depot, not seen, lost or withdrawn
            add("stray_box", code, M.CHECK_BOOK_STRAY(code=code, box=box))
    for person in docs(db, VOLUNTEERS):
        for site in person.get("sites", []):
            if site not in sites:
                add(
                    "orphan_site",
                    person.get("code"),
                    M.CHECK_VOLUNTEER_SITE(code=person.get("code"), site=site),
                )
    people = everything(VOLUNTEERS)
    rounds = everything("rounds", "number")
    for task in docs(db, "tasks"):
        where = [b for b in task.get("boxes", []) if b not in boxes]
        if task.get("volunteer") and task["volunteer"] not in people:
            add(
                "task_volunteer",
                task.get("id"),
                M.CHECK_TASK_VOLUNTEER(id=task.get("id"), code=task["volunteer"]),
            )
        if where or task.get("round") not in rounds:
            add(
                "task_nowhere",
                task.get("id"),
                M.CHECK_TASK_NOWHERE(
                    id=task.get("id"),
                    round=task.get("round"),
                    boxes=", ".join(map(str, where)) or "—",
                ),
            )
    codes = everything(BOOKS)
    unknown = Counter(e.get("book") for e in docs(db, EVENTS) if e.get("book") not in codes)
    for code, n in sorted(unknown.items(), key=lambda kv: str(kv[0])):
        add("orphan_event", code, M.CHECK_EVENT_BOOK(code=code, n=n))
    return problems


def repair(db: TinyDB, problems: list[Problem]) -> int:
    """Fix the repairable problems; return how many were fixed."""
    books = {p.record for p in problems if p.kind in ("orphan_book", "retired_box")}
    strays = {p.record for p in problems if p.kind == "stray_box"}
    stamp = clock.stamp()
    book_ids = [int(i) for i, b in rows(db, BOOKS).items() if b.get("code") in books | strays]
    events = []

    def fix_book(doc: Any) -> None:
        if doc.get("code") in books:
            events.append(
                event(
                    "to_depot",
                    doc["code"],
                    "db check --repair",
                    source=doc.get("box"),
                    target=DEPOT,
                    at=stamp,
                )
            )
            doc["last_box"] = doc.get("box")
            doc["status"] = "in_depot"
        doc["box"] = None

    if book_ids:
        db.table(BOOKS).update(fix_book, doc_ids=book_ids)
    log(db, events)
    site_codes = {s.get("code") for s in rows(db, SITES).values()}
    people = {p.record for p in problems if p.kind == "orphan_site"}
    person_ids = [int(i) for i, v in rows(db, VOLUNTEERS).items() if v.get("code") in people]

    def fix_person(doc: Any) -> None:
        doc["sites"] = [s for s in doc.get("sites", []) if s in site_codes]

    if person_ids:
        db.table(VOLUNTEERS).update(fix_person, doc_ids=person_ids)
    return len(book_ids) + len(person_ids)
