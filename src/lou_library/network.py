"""Sites, boxes and volunteers: the network the books travel through.

A *site* (片区) is a compound (小区) or a building yard (楼院); one extra site of kind
``depot`` is the community library room (社区图书室), where books live when not in a box.
A *box* (图书箱) sits in one unit's stairwell of one building of a site. A *volunteer*
(志愿者) serves one or more sites.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lou_library import clock, schema
from lou_library import messages as M
from lou_library.errors import Conflict, Invalid, NotFound
from lou_library.records import (
    BOOKS,
    BOXES,
    LONGEST_CODE,
    SITES,
    TASKS,
    VOLUNTEERS,
    Doc,
    applied_rounds,
    code_hint,
    event,
    find,
    log,
    normalise_code,
    suggest,
)
from lou_library.repository import Repository
from lou_library.schema import (
    Away,
    BookStatus,
    Box,
    BoxStatus,
    EventKind,
    Role,
    Site,
    SiteKind,
    Status,
    TaskStatus,
    Volunteer,
)
from lou_library.text import (
    clean,
    fold,
    initials_code,
    mask_phone,
    pinyin_keys,
    require,
    split_list,
)

DEPOT = "DEPOT"
DEPOT_NAME = "社区图书室"
# The vocabularies live in lou_library.schema; a site added by hand is never the depot.
SITE_KINDS = (SiteKind.compound.value, SiteKind.yard.value)
BOX_STATUSES = schema.vocabulary_of(schema.BoxStatus)
ROLES = schema.vocabulary_of(schema.Role)
DEFAULT_CAPACITY = 30
MAX_CAPACITY = 1000

_CODE = re.compile(rf"^[A-Z0-9][A-Z0-9-]{{0,{LONGEST_CODE - 1}}}$")
_PHONE = re.compile(r"^\+?[0-9]{5,15}$")


def depot_record() -> Site:
    return {
        "code": DEPOT,
        "name": DEPOT_NAME,
        "kind": SiteKind.depot,
        "status": Status.active,
        "note": "",
        "created_at": clock.stamp(),
    }


def check_code(code: str, what: str) -> str:
    wanted = normalise_code(code)
    if not _CODE.match(wanted):
        raise Invalid(M.BAD_CODE, what=what, code=code)
    return wanted


# ---------------------------------------------------------------------------- sites


def site_row(
    db: Repository, doc: Mapping[str, Any], counts: dict[str, Counter[str]] | None = None
) -> Doc:
    counts = counts if counts is not None else network_counts(db)
    return {
        "code": doc["code"],
        "name": doc["name"],
        "kind": doc["kind"],
        "status": doc.get("status", Status.active),
        "note": doc.get("note", ""),
        "boxes": counts["boxes"][doc["code"]],
        "books": counts["books"][doc["code"]],
        "volunteers": counts["volunteers"][doc["code"]],
    }


def network_counts(db: Repository) -> dict[str, Counter[str]]:
    """Active boxes, books on the shelf and active volunteers, per site code."""
    box_site = {}
    boxes: Counter[str] = Counter()
    for box in db.all(BOXES):
        box_site[box["code"]] = box["site"]
        if box["status"] != BoxStatus.retired:
            boxes[box["site"]] += 1
    books: Counter[str] = Counter()
    for (status, box), n in db.tally(BOOKS, "status", "box").items():
        if status == BookStatus.in_box:
            books[box_site.get(box, "?")] += n
        elif status == BookStatus.in_depot:
            books[DEPOT] += n
    volunteers: Counter[str] = Counter()
    for person in db.all(VOLUNTEERS):
        if person["status"] == Status.active:
            for site in person.get("sites", []):
                volunteers[site] += 1
    return {"boxes": boxes, "books": books, "volunteers": volunteers}


def get_site(db: Repository, code: str) -> Doc:
    """By code (``SHY``, ``shy``), else by name (``尚和园``), else by the pinyin of the
    name (``shy``, ``shangheyuan``) when that names exactly one site."""
    wanted = normalise_code(code)
    found = db.get(SITES, wanted)
    if found is not None:
        return found
    table = list(db.all(SITES))
    typed = fold(clean(code))
    named = [d for d in table if fold(d.get("name", "")) == typed]
    if not named and typed.isascii() and typed.isalnum():
        named = [d for d in table if typed in pinyin_keys(d.get("name", ""))]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        choices = ", ".join(f"{d['code']} {d['name']}" for d in named)
        raise Conflict(M.AMBIGUOUS_SITE, name=code, choices=choices)
    candidates = [d["code"] for d in table] + [d["name"] for d in table]
    hint = suggest(wanted if code.isascii() else typed, candidates)
    raise NotFound(M.NO_SITE, code=code, hint=hint)


def add_site(
    db: Repository, name: str, kind: str, code: str | None = None, note: str | None = None
) -> Doc:
    name = require(name, M.FIELD_NAME())
    if kind not in SITE_KINDS:
        raise Invalid(M.BAD_CHOICE, what="--kind", value=kind, choices=", ".join(SITE_KINDS))
    existing = set(db.keys(SITES))
    if any(doc["name"] == name for doc in db.all(SITES)):
        raise Conflict(M.DUPLICATE_SITE_NAME, name=name)
    if code:
        code = check_code(code, M.WHAT_SITE())
        if code in existing:
            raise Conflict(M.DUPLICATE_CODE, code=code)
    else:
        base = initials_code(name)
        code, n = base, 1
        while code in existing:
            n += 1
            code = f"{base}{n}"
    record: Site = {
        "code": code,
        "name": name,
        "kind": SiteKind(kind),
        "status": Status.active,
        "note": clean(note),
        "created_at": clock.stamp(),
    }
    db.add(SITES, [record])
    nothing: Counter[str] = Counter()  # a new site has no boxes, books or volunteers yet
    return site_row(db, record, {"boxes": nothing, "books": nothing, "volunteers": nothing})


def list_sites(db: Repository, include_retired: bool = False) -> list[Doc]:
    counts = network_counts(db)
    order = {SiteKind.depot: 0, SiteKind.compound: 1, SiteKind.yard: 2}
    found = [
        site_row(db, doc, counts)
        for doc in db.all(SITES)
        if include_retired or doc.get("status", Status.active) == Status.active
    ]
    found.sort(key=lambda s: (order[s["kind"]], s["code"]))
    return found


def edit_site(
    db: Repository,
    code: str,
    name: str | None = None,
    kind: str | None = None,
    note: str | None = None,
) -> Doc:
    doc = get_site(db, code)
    changes: dict[str, Any] = {}
    if name is not None:
        changes["name"] = require(name, M.FIELD_NAME())
        if any(d["name"] == changes["name"] and d["code"] != doc["code"] for d in db.all(SITES)):
            raise Conflict(M.DUPLICATE_SITE_NAME, name=changes["name"])
    if kind is not None:
        if doc["kind"] == SiteKind.depot or kind not in SITE_KINDS:
            raise Invalid(M.BAD_CHOICE, what="--kind", value=kind, choices=", ".join(SITE_KINDS))
        changes["kind"] = kind
    if note is not None:
        changes["note"] = clean(note)
    if not changes:
        raise Invalid(M.NOTHING_TO_CHANGE)
    db.update(SITES, {doc["code"]: changes})
    return site_row(db, {**doc, **changes})


def retire_site(db: Repository, code: str) -> Doc:
    doc = get_site(db, code)
    if doc["kind"] == SiteKind.depot:
        raise Conflict(M.DEPOT_IS_PERMANENT)
    if doc.get("status") == Status.retired:
        raise Conflict(M.ALREADY_RETIRED, code=doc["code"])
    active = sorted(
        b["code"] for b in db.where(BOXES, "site", doc["code"]) if b["status"] != BoxStatus.retired
    )
    if active:
        raise Conflict(M.SITE_HAS_BOXES, code=doc["code"], boxes=", ".join(active))
    db.update(SITES, {doc["code"]: {"status": Status.retired}})
    return site_row(db, {**doc, "status": Status.retired})


def reactivate_site(db: Repository, code: str) -> Doc:
    """Bring a retired site back into use (its boxes stay retired until reactivated)."""
    doc = get_site(db, code)
    if doc.get("status", Status.active) != Status.retired:
        raise Conflict(M.NOT_RETIRED, code=doc["code"])
    db.update(SITES, {doc["code"]: {"status": Status.active}})
    return site_row(db, {**doc, "status": Status.active})


def open_tasks_of_current_round(db: Repository) -> list[Doc]:
    """The tasks of the last applied round not reported done yet, by id."""
    applied = applied_rounds(db)
    if not applied:
        return []
    current = max(applied)
    found = [t for t in db.where(TASKS, "round", current) if t["status"] == TaskStatus.open]
    return sorted(found, key=lambda t: t["id"])


def _refuse_if_box_walked(db: Repository, code: str) -> None:
    """A box on an open walk of the current round keeps its state until the walk is done."""
    for task in open_tasks_of_current_round(db):
        if code in task["boxes"]:
            from lou_library.rotation import can_undo

            message = M.BOX_ON_OPEN_TASK if can_undo(db) else M.BOX_ON_OPEN_TASK_NO_UNDO
            raise Conflict(
                message, code=code, id=task["id"], round=task["round"], date=task["date"]
            )


# ---------------------------------------------------------------------------- boxes


def box_counts(db: Repository) -> Counter[str]:
    """Books in each box, by box code (every box: a listing), counted by the repository
    (a server's ``GROUP BY``: no book is read)."""
    counts: Counter[str] = Counter()
    for (status, box), n in db.tally(BOOKS, "status", "box").items():
        if status == BookStatus.in_box:
            counts[box] += n
    return counts


def box_count(db: Repository, code: str) -> Counter[str]:
    """Books in one box, as :func:`box_counts` gives them (one box: its books only)."""
    found = sum(1 for b in db.where(BOOKS, "box", code) if b["status"] == BookStatus.in_box)
    return Counter({code: found})


def box_row(doc: Mapping[str, Any], counts: Counter[str]) -> Doc:
    return {
        "code": doc["code"],
        "site": doc["site"],
        "building": doc["building"],
        "unit": doc["unit"],
        "capacity": doc["capacity"],
        "status": doc["status"],
        "books": counts[doc["code"]],
        "note": doc.get("note", ""),
    }


def get_box(db: Repository, code: str) -> Doc:
    return find(db, BOXES, code, M.NO_BOX)


def check_capacity(value: int) -> int:
    if not 1 <= value <= MAX_CAPACITY:
        raise Invalid(M.BAD_CAPACITY, value=value, limit=MAX_CAPACITY)
    return value


def add_box(
    db: Repository,
    site: str,
    building: str,
    unit: str,
    capacity: int = DEFAULT_CAPACITY,
    note: str | None = None,
    code: str | None = None,
) -> Doc:
    site_doc = get_site(db, site)
    if site_doc["kind"] == SiteKind.depot:
        raise Invalid(M.NO_BOX_IN_DEPOT)
    if site_doc.get("status") == Status.retired:
        raise Conflict(M.SITE_RETIRED, code=site_doc["code"])
    building = require(building, M.FIELD_BUILDING())
    unit = require(unit, M.FIELD_UNIT())
    check_capacity(capacity)
    existing = set(db.keys(BOXES))
    if code:
        code = check_code(code, M.WHAT_BOX())
        if code in existing:
            raise Conflict(M.DUPLICATE_CODE, code=code)
    else:
        n = 1
        while f"{site_doc['code']}-{n:02d}" in existing:
            n += 1
        code = f"{site_doc['code']}-{n:02d}"
    _refuse_taken_place(db, site_doc["code"], building, unit)
    record: Box = {
        "code": code,
        "site": site_doc["code"],
        "building": building,
        "unit": unit,
        "capacity": capacity,
        "status": BoxStatus.active,
        "note": clean(note),
        "created_at": clock.stamp(),
    }
    db.add(BOXES, [record])
    return box_row(record, Counter())


def list_boxes(db: Repository, site: str | None = None, status: str | None = None) -> list[Doc]:
    site_code = get_site(db, site)["code"] if site else None
    if status is not None and status not in BOX_STATUSES:
        raise Invalid(M.BAD_CHOICE, what="--status", value=status, choices=", ".join(BOX_STATUSES))
    counts = box_counts(db)
    found = [
        box_row(doc, counts)
        for doc in db.all(BOXES)
        if (site_code is None or doc["site"] == site_code)
        and (doc["status"] == status if status else doc["status"] != BoxStatus.retired)
    ]
    found.sort(key=lambda b: b["code"])
    return found


def _refuse_taken_place(
    db: Repository, site: str, building: str, unit: str, besides: str | None = None
) -> None:
    """One box in use per stairwell: refuse a place another box of the site holds."""
    for other in db.where(BOXES, "site", site):
        if (
            other["code"] != besides
            and other["status"] != BoxStatus.retired
            and fold(other["building"]) == fold(building)
            and fold(other["unit"]) == fold(unit)
        ):
            raise Conflict(M.DUPLICATE_PLACE, code=other["code"], building=building, unit=unit)


def edit_box(
    db: Repository,
    code: str,
    building: str | None = None,
    unit: str | None = None,
    capacity: int | None = None,
    note: str | None = None,
    status: str | None = None,
) -> Doc:
    doc = get_box(db, code)
    if doc["status"] == BoxStatus.retired:
        raise Conflict(M.BOX_RETIRED, code=doc["code"])
    changes: dict[str, Any] = {}
    if building is not None:
        changes["building"] = require(building, M.FIELD_BUILDING())
    if unit is not None:
        changes["unit"] = require(unit, M.FIELD_UNIT())
    if capacity is not None:
        changes["capacity"] = check_capacity(capacity)
        holds = box_count(db, doc["code"])[doc["code"]]
        if capacity < holds:
            raise Conflict(M.CAPACITY_BELOW_CONTENTS, code=doc["code"], n=holds, value=capacity)
    if "building" in changes or "unit" in changes:
        building_ = str(changes.get("building", doc["building"]))
        unit_ = str(changes.get("unit", doc["unit"]))
        _refuse_taken_place(db, doc["site"], building_, unit_, besides=doc["code"])
    if note is not None:
        changes["note"] = clean(note)
    if status is not None:
        if status not in (BoxStatus.active, BoxStatus.repair):
            raise Invalid(M.BAD_CHOICE, what="--status", value=status, choices="active, repair")
        if status == BoxStatus.repair and doc["status"] != BoxStatus.repair:
            _refuse_if_box_walked(db, doc["code"])
        changes["status"] = status
    if not changes:
        raise Invalid(M.NOTHING_TO_CHANGE)
    db.update(BOXES, {doc["code"]: changes})
    return box_row({**doc, **changes}, box_count(db, doc["code"]))


def retire_box(db: Repository, code: str) -> Doc:
    """Retire a box; its books go back to the depot (``moved_to_depot`` names them)."""
    doc = get_box(db, code)
    if doc["status"] == BoxStatus.retired:
        raise Conflict(M.ALREADY_RETIRED, code=doc["code"])
    _refuse_if_box_walked(db, doc["code"])
    moved = [
        book["code"]
        for book in db.where(BOOKS, "box", doc["code"])
        if book["status"] == BookStatus.in_box
    ]
    stamp = clock.stamp()
    back = {"box": None, "status": BookStatus.in_depot, "last_box": doc["code"]}
    db.update(BOOKS, dict.fromkeys(moved, back))
    log(
        db,
        [
            event(
                EventKind.to_depot, book, "box retire", source=doc["code"], target=DEPOT, at=stamp
            )
            for book in moved
        ],
    )
    db.update(BOXES, {doc["code"]: {"status": BoxStatus.retired}})
    return {**box_row({**doc, "status": BoxStatus.retired}, Counter()), "moved_to_depot": moved}


def reactivate_box(db: Repository, code: str) -> Doc:
    """Bring a retired box back into use, empty, at its place (which must still be free)."""
    doc = get_box(db, code)
    if doc["status"] != BoxStatus.retired:
        raise Conflict(M.NOT_RETIRED, code=doc["code"])
    site_doc = get_site(db, doc["site"])
    if site_doc.get("status") == Status.retired:
        raise Conflict(M.BOX_SITE_RETIRED, code=doc["code"], site=site_doc["code"])
    _refuse_taken_place(db, doc["site"], doc["building"], doc["unit"], besides=doc["code"])
    db.update(BOXES, {doc["code"]: {"status": BoxStatus.active}})
    return box_row({**doc, "status": BoxStatus.active}, box_count(db, doc["code"]))


# ----------------------------------------------------------------------- volunteers


def volunteer_row(doc: Mapping[str, Any], show_contact: bool = False) -> Doc:
    """A volunteer as shown: phone and resident ID number masked unless ``show_contact``
    (the ID number only when one is recorded)."""
    row = {
        "code": doc["code"],
        "name": doc["name"],
        "role": doc["role"],
        "party_member": doc["party_member"],
        "phone": doc.get("phone", "") if show_contact else mask_phone(doc.get("phone")),
        "sites": list(doc.get("sites", [])),
        "status": doc["status"],
        "away": list(doc.get("away", [])),
    }
    if doc.get("id_number"):
        from lou_library.service import mask_id_number

        number = str(doc["id_number"])
        row["id_number"] = number if show_contact else mask_id_number(number)
    return row


def check_phone(phone: str | None) -> str:
    cleaned = unicodedata.normalize("NFKC", clean(phone)).replace(" ", "").replace("-", "")
    if cleaned and not _PHONE.match(cleaned):
        raise Invalid(M.BAD_PHONE, value=phone)
    return cleaned


def _named_sites(db: Repository, sites: list[str]) -> list[Doc]:
    """Each value names a site, or several separated by ``,`` ``，`` ``、`` ``;`` or spaces
    (``SHY、ZHQH``); a whole value that names a site is never split."""
    found = []
    for value in sites:
        try:
            found.append(get_site(db, value))
        except NotFound:
            parts = split_list([value])
            if len(parts) < 2:
                raise
            found.extend(get_site(db, part) for part in parts)
    return found


def check_sites(db: Repository, sites: list[str]) -> list[str]:
    codes = []
    for doc in _named_sites(db, sites):
        if doc["kind"] == SiteKind.depot:
            codes.append(doc["code"])
        elif doc.get("status") == Status.retired:
            raise Conflict(M.SITE_RETIRED, code=doc["code"])
        else:
            codes.append(doc["code"])
    return sorted(set(codes), key=codes.index)


def _by_name(table: Iterable[Doc], wanted: str, status: str) -> list[Doc]:
    """Volunteers of this status with this exact name, else with these pinyin initials."""
    pool = [d for d in table if d["status"] == status]
    named = [d for d in pool if d["name"] == wanted]
    if not named and wanted.isascii():
        key = wanted.lower().replace(" ", "")
        named = [d for d in pool if key in pinyin_keys(d["name"])]
    return named


# A volunteer's code as lou makes them (V007). (Not any letters and digits: "王芳2" is
# found as "wf2", and a Latin name may end in a digit.)
_PERSON_CODE = re.compile(r"V[0-9]+")


def find_volunteer(db: Repository, who: str, status: str = Status.active) -> Doc:
    """By code (``V007``, whatever their status), or by exact name or pinyin initials among
    the volunteers of ``status`` (the active ones: a retired 王秀兰 never makes the active
    王秀兰 ambiguous; ``volunteer reactivate`` looks among the retired ones)."""
    wanted = clean(who)
    found = db.get(VOLUNTEERS, normalise_code(wanted))
    if found is not None:
        return found
    if _PERSON_CODE.fullmatch(normalise_code(wanted)):  # a code mistyped: no name is like it
        hint = code_hint(db, VOLUNTEERS, normalise_code(wanted))
        raise NotFound(M.NO_VOLUNTEER, code=who, hint=hint)
    table = list(db.all(VOLUNTEERS))
    named = _by_name(table, wanted, status)
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        choices = ", ".join(f"{d['code']} {d['name']}" for d in named)
        raise Conflict(M.AMBIGUOUS_VOLUNTEER, name=who, choices=choices)
    others = _by_name(table, wanted, Status.retired if status == Status.active else Status.active)
    if others:
        codes = ", ".join(d["code"] for d in others)
        hint = M.VOLUNTEER_OTHER_STATUS[status](codes=codes)
        raise NotFound(M.NO_VOLUNTEER, code=who, hint=hint)
    names = [d["name"] for d in table if d["status"] == status]
    raise NotFound(M.NO_VOLUNTEER, code=who, hint=suggest(wanted, names))


def namesakes(db: Repository, person: Mapping[str, Any]) -> list[Doc]:
    """Other active volunteers with the same name (adding one warns, naming them)."""
    return sorted(
        (
            d
            for d in db.all(VOLUNTEERS)
            if d["name"] == person["name"]
            and d["code"] != person["code"]
            and d["status"] == Status.active
        ),
        key=lambda d: d["code"],
    )


def add_volunteer(
    db: Repository,
    name: str,
    phone: str | None = None,
    party_member: bool = False,
    sites: list[str] | None = None,
    role: str = Role.member,
) -> Volunteer:
    name = require(name, M.FIELD_NAME())
    if role not in ROLES:
        raise Invalid(M.BAD_CHOICE, what="--role", value=role, choices=", ".join(ROLES))
    existing = set(db.keys(VOLUNTEERS))
    n = len(existing) + 1
    while f"V{n:03d}" in existing:
        n += 1
    record: Volunteer = {
        "code": f"V{n:03d}",
        "name": name,
        "role": Role(role),
        "party_member": party_member,
        "phone": check_phone(phone),
        "sites": check_sites(db, sites or []),
        "status": Status.active,
        "created_at": clock.stamp(),
    }
    db.add(VOLUNTEERS, [record])
    return record


def list_volunteers(
    db: Repository, site: str | None = None, include_retired: bool = False
) -> list[Doc]:
    site_code = get_site(db, site)["code"] if site else None
    found = [
        doc
        for doc in db.all(VOLUNTEERS)
        if (include_retired or doc["status"] == Status.active)
        and (site_code is None or site_code in doc.get("sites", []))
    ]
    found.sort(key=lambda d: d["code"])
    return found


def edit_volunteer(
    db: Repository,
    who: str,
    name: str | None = None,
    phone: str | None = None,
    party_member: bool | None = None,
    sites: list[str] | None = None,
    role: str | None = None,
    id_number: str | None = None,
) -> Doc:
    doc = find_volunteer(db, who)
    if doc["status"] == Status.retired:
        raise Conflict(M.VOLUNTEER_RETIRED, code=doc["code"])
    changes: dict[str, Any] = {}
    if id_number is not None:  # an empty one clears it
        from lou_library.service import check_id_number

        changes["id_number"] = check_id_number(id_number) if id_number.strip() else ""
    if name is not None:
        changes["name"] = require(name, M.FIELD_NAME())
    if phone is not None:
        changes["phone"] = check_phone(phone)
    if party_member is not None:
        changes["party_member"] = party_member
    if sites:
        changes["sites"] = check_sites(db, sites)
    if role is not None:
        if role not in ROLES:
            raise Invalid(M.BAD_CHOICE, what="--role", value=role, choices=", ".join(ROLES))
        changes["role"] = role
    if not changes:
        raise Invalid(M.NOTHING_TO_CHANGE)
    db.update(VOLUNTEERS, {doc["code"]: changes})
    return {**doc, **changes}


def add_away(
    db: Repository, who: str, start: date, end: date, reason: str | None = None
) -> tuple[Doc, list[str]]:
    """Record that a volunteer is away from ``start`` to ``end`` (both included). A time
    away is named by its first day (``--cancel`` takes that day): one that begins the same
    day replaces it (given twice, or its end corrected), rather than standing twice.

    Returns the volunteer and the ids of their open tasks that fall in the period, which
    the manager should hand to someone else (``lou task swap``).
    """
    doc = find_volunteer(db, who)
    if end < start:
        raise Invalid(M.AWAY_BACKWARDS, start=start, end=end)
    period: Away = {"from": start.isoformat(), "to": end.isoformat(), "reason": clean(reason)}
    others = [p for p in doc.get("away", []) if p["from"] != period["from"]]
    periods = sorted([*others, period], key=lambda p: (p["from"], p["to"]))
    db.update(VOLUNTEERS, {doc["code"]: {"away": periods}})
    clashes = sorted(
        str(t["id"])
        for t in db.where(TASKS, "volunteer", doc["code"])
        if t["status"] == TaskStatus.open and period["from"] <= t["date"] <= period["to"]
    )
    return {**doc, "away": periods}, clashes


def cancel_away(db: Repository, who: str, start: date) -> Doc:
    doc = find_volunteer(db, who)
    periods = [p for p in doc.get("away", []) if p["from"] != start.isoformat()]
    if len(periods) == len(doc.get("away", [])):
        raise NotFound(M.AWAY_NOT_FOUND, name=doc["name"], start=start)
    db.update(VOLUNTEERS, {doc["code"]: {"away": periods}})
    return {**doc, "away": periods}


def retire_volunteer(db: Repository, who: str) -> Doc:
    """Retire a volunteer; refused while a walk of the current round is still theirs."""
    doc = find_volunteer(db, who)
    if doc["status"] == Status.retired:
        raise Conflict(M.ALREADY_RETIRED, code=doc["code"])
    for task in open_tasks_of_current_round(db):
        if task.get("volunteer") == doc["code"]:
            from lou_library.rotation import can_undo

            raise Conflict(
                M.VOLUNTEER_ON_OPEN_TASK if can_undo(db) else M.VOLUNTEER_ON_OPEN_TASK_NO_UNDO,
                name=doc["name"],
                code=doc["code"],
                id=task["id"],
                round=task["round"],
                date=task["date"],
            )
    db.update(VOLUNTEERS, {doc["code"]: {"status": Status.retired}})
    return {**doc, "status": Status.retired}


def reactivate_volunteer(db: Repository, who: str) -> Doc:
    """Bring a retired volunteer back (by code, or by name among the retired ones)."""
    doc = find_volunteer(db, who, status=Status.retired)
    if doc["status"] != Status.retired:
        raise Conflict(M.NOT_RETIRED, code=doc["code"])
    db.update(VOLUNTEERS, {doc["code"]: {"status": Status.active}})
    return {**doc, "status": Status.active}


# ----------------------------------------------------------- what the commands show


def site_list(db: Repository, include_retired: bool = False) -> Doc:
    """``lou site list``: the sites with their counts."""
    sites = list_sites(db, include_retired=include_retired)
    return {"sites": sites, "total": len(sites)}


def site_show(db: Repository, code: str) -> Doc:
    """``lou site show``: one site with its counts."""
    return site_row(db, get_site(db, code))


def box_list(db: Repository, site: str | None = None, status: str | None = None) -> Doc:
    """``lou box list``: the boxes with how many books each holds."""
    boxes = list_boxes(db, site=site, status=status)
    return {"boxes": boxes, "total": len(boxes)}


@dataclass(frozen=True)
class VolunteerChange:
    """What a volunteer command shows: the volunteer's row (``--json`` prints it), and the
    other active volunteers of the same name, to warn of (on stderr, also with ``--json``)."""

    row: Doc
    namesakes: list[Doc] = field(default_factory=list)


def volunteer_list(
    db: Repository,
    site: str | None = None,
    include_retired: bool = False,
    show_contact: bool = False,
) -> Doc:
    """``lou volunteer list``: the volunteers' rows (phones masked unless ``show_contact``)."""
    people = [
        volunteer_row(p, show_contact)
        for p in list_volunteers(db, site=site, include_retired=include_retired)
    ]
    return {"volunteers": people, "total": len(people)}


def volunteer_show(db: Repository, who: str, show_contact: bool = False) -> Doc:
    return volunteer_row(find_volunteer(db, who), show_contact)


def volunteer_add(
    db: Repository,
    name: str,
    *,
    phone: str | None = None,
    party_member: bool = False,
    sites: list[str] | None = None,
    role: str = Role.member,
    show_contact: bool = False,
) -> VolunteerChange:
    """``lou volunteer add``. The row is built before the change is saved, so a record that
    cannot be shown stops the command while nothing has changed yet."""
    person = add_volunteer(db, name, phone=phone, party_member=party_member, sites=sites, role=role)
    return VolunteerChange(volunteer_row(person, show_contact), namesakes(db, person))


def volunteer_edit(
    db: Repository,
    who: str,
    *,
    name: str | None = None,
    phone: str | None = None,
    party_member: bool | None = None,
    sites: list[str] | None = None,
    role: str | None = None,
    id_number: str | None = None,
    show_contact: bool = False,
) -> VolunteerChange:
    """``lou volunteer edit``; a new name may have namesakes."""
    person = edit_volunteer(
        db,
        who,
        name=name,
        phone=phone,
        party_member=party_member,
        sites=sites,
        role=role,
        id_number=id_number,
    )
    others = namesakes(db, person) if name is not None else []
    return VolunteerChange(volunteer_row(person, show_contact), others)


def volunteer_retire(db: Repository, who: str) -> VolunteerChange:
    return VolunteerChange(volunteer_row(retire_volunteer(db, who)))


def volunteer_reactivate(db: Repository, who: str) -> VolunteerChange:
    person = reactivate_volunteer(db, who)
    return VolunteerChange(volunteer_row(person), namesakes(db, person))


def volunteer_away(
    db: Repository,
    who: str,
    start: date,
    end: date | None,
    reason: str | None = None,
    *,
    cancel: bool = False,
) -> Doc:
    """``lou volunteer away``: a period away added (``end`` needed) or, with ``cancel``, the
    one starting on ``start`` taken back; ``tasks_to_hand_over`` names the open tasks that
    fall in a new period."""
    clashes: list[str] = []
    if cancel:
        person = cancel_away(db, who, start)
    else:
        if end is None:
            raise Invalid(M.AWAY_NEEDS_END)
        person, clashes = add_away(db, who, start, end, reason)
    return {**volunteer_row(person), "tasks_to_hand_over": clashes}
