"""Correcting a task reported done: ``lou task done ID --amend --missing ... --extra ...``.

A volunteer forgets a book they did not see, or one they found in a box; the manager adds
it afterwards. The records follow as if it had been reported at the time: a book not seen
becomes "not seen" (from the box the task's list had it in), a registered book found in a
box is recorded there. Each change is a history event of the command ``task done
--amend``, and the task keeps every amendment.

A book the programme has seen since the task (found, moved by hand, or walked by a later
task that did not report it missing) keeps its record: only the task's report lists it
as not seen, and the command says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lou_library import clock
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid
from lou_library.network import DEPOT
from lou_library.records import (
    BOOKS,
    BOXES,
    EVENTS,
    VOLUNTEERS,
    Doc,
    applied_rounds,
    event,
    log,
    moves_of,
    normalise_code,
    round_legs,
)
from lou_library.repository import STOCKTAKES, Key, Repository
from lou_library.rotation import (
    ROUNDS,
    TASKS,
    _parse_extra,
    get_task,
    record_report,
    task_books,
)
from lou_library.schema import BookStatus, BoxStatus, EventKind, Status, TaskAmendment, TaskStatus
from lou_library.service import check_hours, service_settings, task_hours
from lou_library.text import hours_text

COMMAND = "task done --amend"
# someone had the book in hand
SEEN_ACTIONS = frozenset({EventKind.found, EventKind.restored, EventKind.moved})


@dataclass
class Amendment:
    task: Doc
    missing: list[str]  # newly reported not seen
    extra: list[str]  # newly reported found, as CODE@BOX
    seen_since: list[str]  # not seen by this task, but seen after it: their records stay


def _seen_since(db: Repository, task: Doc, codes: set[str]) -> set[str]:
    """Which of ``codes`` the programme saw after ``task`` was done."""
    done_at = str(task.get("done_at") or "")
    after = task.get("reported_at_event")  # (a report made before it was kept: the time)
    seen = {
        e["book"]
        for n, e in db.entries_where(EVENTS, "book", codes)
        if e["action"] in SEEN_ACTIONS and (n > after if after is not None else e["at"] > done_at)
    }
    later = {n for (n,) in db.values(ROUNDS, "number") if n > task["round"]}
    if not later:
        return seen
    legs = round_legs(db, later)
    done = [
        other
        for number in sorted(later)
        for other in db.where(TASKS, "round", number)
        if other["status"] == TaskStatus.done
    ]
    for other in done:
        boxes = set(other["boxes"])
        reported = set(other.get("missing", []))
        for book, source, target in moves_of(legs.get(other["round"], ())):
            if book in codes and book not in reported and (source in boxes or target in boxes):
                seen.add(book)
    return seen


def amend_task(
    db: Repository,
    task_id: str | int,
    missing: Iterable[str] = (),
    extra: Iterable[str] = (),
    hours: float | str | None = None,
) -> Amendment:
    """Add forgotten books to a done task's report, or correct the hours it took; the
    records follow."""
    task = get_task(db, task_id)
    if task["status"] != TaskStatus.done:
        raise Conflict(M.AMEND_NOT_DONE, id=task["id"])
    handled = task_books(task)
    wanted = list(dict.fromkeys(normalise_code(c) for c in missing))
    unknown = [c for c in wanted if c not in handled]
    if unknown:
        raise Invalid(M.MISSING_NOT_IN_TASK, codes=", ".join(unknown), id=task["id"])
    already_missing = set(task.get("missing", []))
    new_missing = [c for c in wanted if c not in already_missing]
    already_extra = {e.partition("@")[0] for e in task.get("extra", [])}
    new_extra = [
        (code, box) for code, box in (_parse_extra(db, task, e) for e in extra)
        if code not in already_extra
    ]  # fmt: skip
    clash = sorted(set(new_missing) & {code for code, _ in new_extra})
    if clash:
        raise Invalid(M.AMEND_BOTH, codes=", ".join(clash))
    new_hours = None if hours is None else check_hours(hours)
    if not new_missing and not new_extra and new_hours in (None, task.get("hours")):
        if new_hours is not None and not missing and not extra:  # the hours it has already
            raise Invalid(M.AMEND_SAME_HOURS, id=task["id"], hours=hours_text(new_hours))
        if not missing and not extra:
            raise Invalid(M.AMEND_NOTHING_GIVEN, id=task["id"])
        raise Invalid(M.AMEND_NOTHING_NEW, id=task["id"])

    stamp = clock.stamp()
    seen = _seen_since(db, task, set(new_missing))
    record_report(db, task, new_missing, new_extra, COMMAND, stamp, skip=seen)
    extra_texts = [f"{c}@{b}" for c, b in new_extra]
    amendment: TaskAmendment = {"at": stamp, "missing": new_missing, "extra": extra_texts}
    changes: Doc = {
        "missing": [*task.get("missing", []), *new_missing],
        "extra": [*task.get("extra", []), *extra_texts],
    }
    if new_hours is not None:
        amendment["hours"] = new_hours
        amendment["hours_before"] = task.get("hours")
        changes["hours"] = new_hours
    changes["amended"] = [*task.get("amended", []), amendment]
    db.update(TASKS, {task["id"]: changes})
    return Amendment({**task, **changes}, new_missing, extra_texts, sorted(seen))


def amend(
    db: Repository,
    task_id: str | int,
    missing: Iterable[str] = (),
    extra: Iterable[str] = (),
    hours: float | str | None = None,
) -> Doc:
    """``lou task done --amend``: the task's report now, and what this amendment added."""
    found = amend_task(db, task_id, missing, extra, hours)
    task = found.task
    return {
        "id": task["id"],
        "status": task["status"],
        "missing": task["missing"],
        "extra": task["extra"],
        "hours": task_hours(task, service_settings(db)),
        "added_missing": found.missing,
        "added_extra": found.extra,
        "seen_since": found.seen_since,
    }


# ------------------------------------------------------------- a task reported by mistake

REOPEN_COMMAND = "task reopen"


def reopen_task(db: Repository, task_id: str | int) -> Doc:
    """``lou task reopen``: take back a report given for the wrong task (``lou task done
    7`` for 6). The task is open again, as it was made; each book the report marked not
    seen is back where the task's list had it going, as the round left it, with a history
    event saying so (a book the report named but did not change, already not seen, stays
    as it is). Refused, changing nothing, when the report cannot be taken back as it
    stands: the task is not done, a later round has been applied, the report found books
    in boxes, was amended or came from scanning (each corrected by itself), a book it
    marked has changed since, a box it would go back to is no longer in use, or the task's
    volunteer has retired."""
    task = get_task(db, task_id)
    _check_reopen(db, task)
    handled = task_books(task)
    marked = _marked_by(db, task)
    records = db.get_many(BOOKS, marked)
    changed = sorted(
        code
        for code in marked
        if (book := records.get(code)) is None
        or book["status"] != BookStatus.not_seen
        or book.get("missing_since") != task["round"]
    )
    changed += sorted(_seen_since(db, task, set(marked) - set(changed)))
    if changed:
        raise Conflict(M.REOPEN_BOOKS_CHANGED, id=task["id"], codes=", ".join(changed))
    targets = {handled[code][1] for code in marked} - {DEPOT}
    boxes = db.get_many(BOXES, sorted(targets))
    gone = sorted(b for b in targets if boxes.get(b, {}).get("status") != BoxStatus.active)
    if gone:
        raise Conflict(M.REOPEN_BOX_GONE, id=task["id"], boxes=", ".join(gone))
    stamp = clock.stamp()
    updates: dict[Key, Doc] = {}
    events = []
    for code in marked:
        source, target = handled[code]
        back: Doc = {**records[code], "status": BookStatus.in_box, "box": target}
        back["last_box"] = target  # (as the round left it: rotation._moved)
        if target == DEPOT:
            back.update(status=BookStatus.in_depot, box=None, last_box=source)
        back.pop("missing_since", None)
        updates[code] = back
        events.append(
            event(EventKind.found, code, REOPEN_COMMAND, target=target,
                  note=f"task {task['id']}", at=stamp)
        )  # fmt: skip
    db.replace(BOOKS, updates)
    log(db, events)
    stored = db.get(TASKS, task["id"]) or {}
    reopened = {  # (set only once reported)
        k: v for k, v in stored.items() if k not in ("hours", "reported_at_event")
    }
    reopened.update(status=TaskStatus.open, done_at=None, missing=[], extra=[])  # (as made)
    db.replace(TASKS, {task["id"]: reopened})
    return {"id": task["id"], "status": TaskStatus.open, "back": marked}


def _check_reopen(db: Repository, task: Doc) -> None:
    """Refuse a reopen that the task's state alone rules out (see :func:`reopen_task`)."""
    if task["status"] != TaskStatus.done:
        raise Conflict(M.REOPEN_NOT_DONE, id=task["id"])
    if any(n > task["round"] for n in applied_rounds(db)):
        raise Conflict(M.REOPEN_LATER_ROUND, id=task["id"], round=task["round"])
    scanned = any("undone_at" not in s for s in db.where(STOCKTAKES, "task", task["id"]))
    if task.get("extra") or task.get("amended") or scanned:
        raise Conflict(M.REOPEN_NOT_PLAIN, id=task["id"])
    person = db.get(VOLUNTEERS, task["volunteer"]) if task.get("volunteer") else None
    if person is not None and person["status"] != Status.active:
        raise Conflict(M.REOPEN_VOLUNTEER_GONE, id=task["id"], name=person["name"])


def _marked_by(db: Repository, task: Doc) -> list[str]:
    """The books the task's report marked not seen: those it names whose last event is
    that report's (one already not seen, by a stocktake say, was left as it was)."""
    named = list(task.get("missing", []))
    last: dict[str, Doc] = {}
    for _, logged in db.entries_where(EVENTS, "book", named):
        last[logged["book"]] = logged  # (in the order they were logged)
    note = f"task {task['id']}"
    return [
        code
        for code in named
        if (found := last.get(code)) is not None
        and found["action"] == EventKind.not_seen
        and found.get("note") == note
    ]
