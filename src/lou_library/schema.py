"""The shape of every record, in one place: which fields each table's records carry,
of which type, and the vocabularies (statuses, kinds, roles, history actions) as enums.

Two views of the same shape: a ``TypedDict`` per table (:data:`RECORDS`), for mypy to
check the code that builds records, and :data:`SPECS`, which the store checks at run
time; tests/test_schema.py keeps them in step.

The store checks every record against these specs when it reads the file
(:func:`first_problem`), so a hand-edited record that the rules cannot use stops the
command with a sentence naming the table, the record, the field and what was expected,
instead of surfacing later as a ``KeyError`` deep in a rule. ``lou db check`` lists every
such record (:func:`problems`) and never crashes on them.

Only what the rules rely on is checked: required fields and their types, the
vocabularies, and optional fields' types when present. Fields the rules do not know are
left alone. Relations between records (a book's box exists, a code is unique) are
``lou db check``'s business (:mod:`lou_library.integrity`): the rules tolerate them.
"""

# No ``from __future__ import annotations``: the TypedDicts need NotRequired evaluated.
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from functools import cached_property
from itertools import chain
from operator import itemgetter, methodcaller
from typing import Any, NotRequired, TypedDict

from lou_library import messages as M

# The vocabularies. Each member's name is its stored value: a member is equal to the
# string, hashes like it (Enum hashes the name), and orjson writes it as the string, so
# the rules may put members into records and compare what they read with members. The
# file, and what a command reads from it, hold plain strings.


class BookStatus(StrEnum):
    in_box = "in_box"
    in_depot = "in_depot"
    not_seen = "not_seen"
    lost = "lost"
    withdrawn = "withdrawn"


class BoxStatus(StrEnum):
    active = "active"
    repair = "repair"
    retired = "retired"


class Status(StrEnum):
    """Sites and volunteers."""

    active = "active"
    retired = "retired"


class SiteKind(StrEnum):
    depot = "depot"
    compound = "compound"
    yard = "yard"


class Role(StrEnum):
    administrator = "administrator"
    member = "member"


class TaskStatus(StrEnum):
    open = "open"
    done = "done"


class RoundStatus(StrEnum):
    """Only applied rounds are stored (an undone round is removed)."""

    applied = "applied"


class EventKind(StrEnum):
    """The ``action`` of a history entry: what happened to the book."""

    added = "added"  # registered (book add, book import, init --demo)
    donated = "donated"  # registered as a donation (donate, book import)
    moved = "moved"  # placed by hand (book move)
    rotated = "rotated"  # carried by a round (not stored: book history derives it)
    to_depot = "to_depot"  # its box was retired (box retire, db check --repair)
    edited = "edited"  # its details changed (book edit, book import)
    withdrawn = "withdrawn"  # book withdraw
    found = "found"  # seen again (book found, a task's report)
    restored = "restored"  # a withdrawal taken back (book found)
    not_seen = "not_seen"  # a task's report
    lost = "lost"  # not seen for ``lost_after`` rounds (rotate apply)
    undone = "undone"  # a stocktake's change taken back (stocktake --undo)
    seen = "seen"  # read where recorded by a stocktake (not stored: history derives it)


class Audience(StrEnum):
    general = "general"
    children = "children"


class Condition(StrEnum):
    good = "good"
    worn = "worn"
    damaged = "damaged"


class Source(StrEnum):
    stock = "stock"
    donation = "donation"


# ----------------------------------------------------------------------------- records
# One TypedDict per table: the keys a record may have and their types, for mypy to check
# the code that builds records. Required keys are exactly the required fields of SPECS
# below (tests/test_schema.py checks it); the rest are NotRequired, because records
# written by earlier versions, or edited by hand, may lack them. Keys with a name Python
# reserves (``from``) need the functional form.


class RotationSettings(TypedDict, total=False):
    """``lou schedule set`` and ``lou rotate settings``; absent keys take the defaults."""

    start: str | None  # the date of round 1, YYYY-MM-DD
    interval_days: int
    skip_holidays: bool
    fill: float
    exchange: float  # the ring's exchange with the library room (before 0.2; unused)
    window: int
    lost_after: int
    max_boxes_per_task: int
    route: list[str]
    change: float
    title_window: int
    leg_limit: int
    depot_limit: int
    help_margin: float


class ServiceSettings(TypedDict, total=False):
    """How long a walk is estimated to take (lou_library.service), in minutes."""

    walk_minutes: float
    minutes_per_box: float
    minutes_per_book: float


class Organisation(TypedDict, total=False):
    """The body that issues certificates of service."""

    name: str
    head: str  # the person in charge
    handler: str
    contact: str


class Settings(TypedDict, total=False):
    rotation: RotationSettings
    service: ServiceSettings
    org: Organisation


class Meta(TypedDict):
    """The one record of ``_meta``."""

    schema_version: int
    created_at: NotRequired[str]
    created_by: NotRequired[str]
    settings: NotRequired[Settings]
    counters: NotRequired[dict[str, int]]  # "book", "task": the next number to give


class Site(TypedDict):
    code: str
    name: str
    kind: SiteKind
    status: NotRequired[Status]
    note: NotRequired[str]
    created_at: NotRequired[str]


class Box(TypedDict):
    code: str
    site: str
    building: str
    unit: str
    capacity: int
    status: BoxStatus
    note: NotRequired[str]
    created_at: NotRequired[str]
    # round number (as text; "0": what it held before its first round) -> the codes of
    # the books it received then, space-separated
    recent: NotRequired[dict[str, str]]


class Book(TypedDict):
    code: str
    title: str
    category: str  # a key of the categories table (an open vocabulary: book category add)
    status: BookStatus
    box: NotRequired[str | None]  # where it is, when in a box
    last_box: NotRequired[str | None]
    author: NotRequired[str]
    isbn: NotRequired[str]
    audience: NotRequired[Audience]
    condition: NotRequired[Condition]
    source: NotRequired[Source]
    donor: NotRequired[str]
    added_on: NotRequired[str]
    note: NotRequired[str]
    py: NotRequired[str]  # search keys: full pinyin of title|author
    pyi: NotRequired[str]  # and their initials
    since: NotRequired[int]  # the round that brought it where it is
    missing_since: NotRequired[int]  # the round its task reported it not seen
    label_on: NotRequired[str]  # the day its label was last printed (lou labels books)
    entered_in_error: NotRequired[bool]  # withdrawn as never a real book (book withdraw --mistake)


Away = TypedDict("Away", {"from": str, "to": str, "reason": NotRequired[str]})


class Volunteer(TypedDict):
    code: str
    name: str
    role: Role
    party_member: bool
    status: Status
    phone: NotRequired[str]
    sites: NotRequired[list[str]]
    away: NotRequired[list[Away]]
    created_at: NotRequired[str]
    id_number: NotRequired[str]  # resident ID, for certificates; masked wherever shown


class Category(TypedDict):
    key: str
    zh: str
    en: str


Handover = TypedDict("Handover", {"at": str, "from": str | None, "to": str})


class TaskAmendment(TypedDict):
    """What one ``task done --amend`` added to a done task's report."""

    at: str
    missing: list[str]
    extra: list[str]  # CODE@BOX
    hours: NotRequired[float]  # the hours corrected (task done --amend --hours)
    hours_before: NotRequired[float | None]


class Task(TypedDict):
    id: int
    round: int
    date: str
    site: str
    boxes: list[str]
    books: int
    status: TaskStatus
    volunteer: NotRequired[str | None]
    borrowed_from: NotRequired[str | None]  # the site the volunteer was lent from
    done_at: NotRequired[str | None]
    missing: NotRequired[list[str]]
    extra: NotRequired[list[str]]  # CODE@BOX
    handovers: NotRequired[list[Handover]]
    amended: NotRequired[list[TaskAmendment]]
    minutes: NotRequired[int]  # the walk's estimate, made when it was planned
    hours: NotRequired[float]  # what the volunteer reported it took (task done --hours)
    reported_at_event: NotRequired[int]  # the last history entry when it was reported done


# A run of books carried from one place (a box code, or DEPOT) to another; ``books`` are
# their codes, space-separated (records.legs_of).
Leg = TypedDict("Leg", {"from": str, "to": str, "books": str})


class Round(TypedDict):
    number: int
    date: str
    status: RoundStatus
    planned_date: NotRequired[str]
    applied_at: NotRequired[str]
    events_before: NotRequired[int]  # the number of the last history entry before it
    tasks: NotRequired[list[int]]
    figures: NotRequired[dict[str, int | float]]
    undo: NotRequired[dict[str, Any]]  # the last round only (rotation.apply_round)


class Moves(TypedDict):
    """``moves``: an applied round's legs, in the plan's order (schema 4)."""

    round: int
    legs: list[Leg]


Event = TypedDict(
    "Event",
    {
        "at": str,
        "book": str,
        "action": EventKind,
        "command": NotRequired[str],
        "from": NotRequired[str | None],
        "to": NotRequired[str | None],
        "volunteer": NotRequired[str],
        "note": NotRequired[str],
    },
)


class Import(TypedDict):
    """``imports``: what ``book import`` remembers of a file, to refuse it twice. Not in
    SPECS: no rule depends on its shape."""

    sha256: str
    on: str
    file: str
    rows: int
    books: int
    updated: int


class Service(TypedDict):
    """``services``: volunteer service outside the rotation (lou volunteer service)."""

    id: int
    volunteer: str
    date: str
    hours: float
    what: str
    site: NotRequired[str]
    recorded_at: NotRequired[str]


Certificate = TypedDict(
    "Certificate",
    {
        "number": str,
        "volunteer": str,
        "from": str,
        "to": str,
        "hours": float,
        "issued_on": str,
        "first_issued_on": NotRequired[str],
        "replaces": NotRequired[str],  # the number issued for the period with other hours
    },
)


class Stocktake(TypedDict):
    """``stocktakes``: what a volunteer found in a box (lou stocktake, task done --scan).

    ``undo`` holds, for each book the stocktake changed, its fields before: status, box,
    last box, round missing since (None where it had none); it is what ``stocktake
    --undo`` puts back, and it covers this stocktake only."""

    id: int
    box: str
    at: str
    command: str
    present: list[str]
    not_seen: list[str]
    found_here: list[str]
    unknown: list[str]
    isbn_only: list[str]
    task: NotRequired[int]
    volunteer: NotRequired[str]
    undo: NotRequired[dict[str, list[Any]]]
    undone_at: NotRequired[str]
    events_before: NotRequired[int]  # the history's last entry before it (orders book history)


# Table -> the TypedDict of its records.
RECORDS: dict[str, type[Any]] = {
    "_meta": Meta,
    "sites": Site,
    "boxes": Box,
    "books": Book,
    "volunteers": Volunteer,
    "categories": Category,
    "tasks": Task,
    "rounds": Round,
    "moves": Moves,
    "events": Event,
    "imports": Import,
    "services": Service,
    "certificates": Certificate,
    "stocktakes": Stocktake,
}


# ------------------------------------------------------------------------ value checks


@dataclass(frozen=True)
class Kind:
    """What a field may hold, and what it expects, said to a person.

    ``types`` are the value's allowed Python types; ``values``, if given, the allowed
    values (a vocabulary); ``deep``, if given, a further test of each value (the items of
    a list, a date's format). The store checks a whole column at once with ``types`` and
    ``values``, in C-level loops; only ``deep`` runs Python code per record, and the kinds
    that have one are used by the small tables. ``members``, for a vocabulary, is its
    enum: a record the rules built in memory may hold its members (``lou db check
    --repair`` checks what it repaired), the file holds their strings.
    """

    types: frozenset[type]
    expected: Callable[[], str]
    values: frozenset[str] | None = None
    deep: Callable[[Any], bool] | None = None
    members: type[StrEnum] | None = None

    @cached_property
    def accepted(self) -> frozenset[type]:
        """The types a value may have: ``types``, and the vocabulary's enum."""
        return self.types if self.members is None else self.types | {self.members}

    def test(self, value: Any) -> bool:
        if type(value) not in self.accepted:
            return False
        if self.values is not None and value not in self.values:
            return False
        return self.deep is None or self.deep(value)


def kind(
    types: Iterable[type],
    expected: Callable[[], str],
    *,
    values: Iterable[str] | None = None,
    deep: Callable[[Any], bool] | None = None,
    members: type[StrEnum] | None = None,
) -> Kind:
    return Kind(frozenset(types), expected, frozenset(values) if values else None, deep, members)


def _is_date(value: Any) -> bool:
    if type(value) is not str:
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _is_texts(value: Any) -> bool:
    return type(value) is list and all(type(v) is str for v in value)


def _is_legs(value: Any) -> bool:
    """A round's moves: legs of books carried from one place to another (records.legs_of)."""
    return type(value) is list and all(
        type(leg) is dict
        and type(leg.get("from")) is str
        and type(leg.get("to")) is str
        and type(leg.get("books")) is str
        for leg in value
    )


def _is_counters(value: Any) -> bool:
    return type(value) is dict and all(type(v) is int for v in value.values())


def _is_recent(value: Any) -> bool:
    """A box's memory: round number (as text) -> the codes it received, space-separated."""
    return type(value) is dict and all(
        type(v) is str and k.isascii() and k.isdigit() for k, v in value.items()
    )


def _is_away(value: Any) -> bool:
    return type(value) is list and all(
        type(p) is dict and _is_date(p.get("from")) and _is_date(p.get("to")) for p in value
    )


def _is_number(value: Any) -> bool:
    return type(value) in (int, float)


def _is_rotation(value: Any) -> bool:
    """The schedule and planning settings (``lou schedule set``, ``lou rotate settings``)."""
    if type(value) is not dict:
        return False
    checks: dict[str, Callable[[Any], bool]] = {
        "start": lambda v: v is None or _is_date(v),
        "interval_days": lambda v: type(v) is int and 1 <= v <= 366,
        "skip_holidays": lambda v: type(v) is bool,
        "fill": _is_number,
        "exchange": _is_number,
        "window": lambda v: type(v) is int and v >= 1,
        "lost_after": lambda v: type(v) is int and v >= 1,
        "max_boxes_per_task": lambda v: type(v) is int and v >= 1,
        "route": _is_texts,
        "change": _is_number,
        "title_window": lambda v: type(v) is int and v >= 1,
        "leg_limit": lambda v: type(v) is int and v >= 1,
        "depot_limit": lambda v: type(v) is int and v >= 1,
        "help_margin": lambda v: _is_number(v) and v >= 0,
    }
    return all(check(value[key]) for key, check in checks.items() if key in value)


def _is_service(value: Any) -> bool:
    """Minutes a walk is estimated to take (``lou settings set service.*``)."""
    return type(value) is dict and all(
        _is_number(v) and v >= 0 for k, v in value.items() if k in _SERVICE_KEYS
    )


_SERVICE_KEYS = ("walk_minutes", "minutes_per_box", "minutes_per_book")


def _is_org(value: Any) -> bool:
    return type(value) is dict and all(type(v) is str for v in value.values())


def _is_settings(value: Any) -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "rotation": _is_rotation,
        "service": _is_service,
        "org": _is_org,
    }
    return type(value) is dict and all(
        check(value[key]) for key, check in checks.items() if key in value
    )


def _choice(vocabulary: type[StrEnum]) -> Kind:
    listed = ", ".join(member.value for member in vocabulary)
    return kind(
        (str,),
        lambda: M.EXPECT_ONE_OF(values=listed),
        values=vocabulary_of(vocabulary),
        members=vocabulary,
    )


def vocabulary_of(vocabulary: type[StrEnum]) -> tuple[str, ...]:
    return tuple(member.value for member in vocabulary)


TEXT = kind((str,), M.EXPECT_TEXT)
CODE = kind((str,), M.EXPECT_CODE, deep=bool)  # not empty
TEXT_OR_NONE = kind((str, type(None)), M.EXPECT_TEXT_OR_NONE)
WHOLE = kind((int,), M.EXPECT_WHOLE)
POSITIVE = kind((int,), M.EXPECT_POSITIVE, deep=lambda v: v >= 1)
NATURAL = kind((int,), M.EXPECT_NATURAL, deep=lambda v: v >= 0)
FLAG = kind((bool,), M.EXPECT_FLAG)
DATE = kind((str,), M.EXPECT_DATE, deep=_is_date)
TEXTS = kind((list,), M.EXPECT_TEXTS, deep=_is_texts)
LIST = kind((list,), M.EXPECT_LIST)
MAPPING = kind((dict,), M.EXPECT_MAPPING)
COUNTERS = kind((dict,), M.EXPECT_COUNTERS, deep=_is_counters)
SETTINGS = kind((dict,), M.EXPECT_SETTINGS, deep=_is_settings)
RECENT = kind((dict,), M.EXPECT_RECENT, deep=_is_recent)
LEGS = kind((list,), M.EXPECT_LEGS, deep=_is_legs)
AWAY = kind((list,), M.EXPECT_AWAY, deep=_is_away)
HOURS = kind((int, float), M.EXPECT_HOURS, deep=lambda v: 0 < v <= 24)
NUMBER = kind((int, float), M.EXPECT_NUMBER)


@dataclass(frozen=True)
class Field:
    name: str
    kind: Kind
    required: bool = True


def optional(name: str, kind: Kind) -> Field:
    return Field(name, kind, required=False)


# Table -> its records' fields. The key field (how a record is named in a message) first.
SPECS: dict[str, tuple[Field, ...]] = {
    "_meta": (
        optional("settings", SETTINGS),
        optional("counters", COUNTERS),
        Field("schema_version", POSITIVE),  # last: the record is named by its number
    ),
    "sites": (
        Field("code", CODE),
        Field("name", TEXT),
        Field("kind", _choice(SiteKind)),
        optional("status", _choice(Status)),
        optional("note", TEXT),
    ),
    "boxes": (
        Field("code", CODE),
        Field("site", TEXT),
        Field("building", TEXT),
        Field("unit", TEXT),
        Field("capacity", POSITIVE),
        Field("status", _choice(BoxStatus)),
        optional("note", TEXT),
        optional("recent", RECENT),
    ),
    "books": (
        Field("code", CODE),
        Field("title", TEXT),
        Field("category", TEXT),
        Field("status", _choice(BookStatus)),
        optional("box", TEXT_OR_NONE),
        optional("last_box", TEXT_OR_NONE),
        optional("author", TEXT),
        optional("isbn", TEXT),
        optional("audience", _choice(Audience)),
        optional("condition", _choice(Condition)),
        optional("source", _choice(Source)),
        optional("donor", TEXT),
        optional("added_on", TEXT),
        optional("note", TEXT),
        optional("py", TEXT),
        optional("pyi", TEXT),
        optional("since", WHOLE),
        optional("missing_since", WHOLE),
        optional("label_on", TEXT),
        optional("entered_in_error", FLAG),
    ),
    "volunteers": (
        Field("code", CODE),
        Field("name", TEXT),
        Field("role", _choice(Role)),
        Field("party_member", FLAG),
        Field("status", _choice(Status)),
        optional("phone", TEXT),
        optional("sites", TEXTS),
        optional("away", AWAY),
        optional("id_number", TEXT),
    ),
    "categories": (
        Field("key", CODE),
        Field("zh", TEXT),
        Field("en", TEXT),
    ),
    "tasks": (
        Field("id", WHOLE),
        Field("round", WHOLE),
        Field("date", DATE),
        Field("site", TEXT),
        optional("volunteer", TEXT_OR_NONE),
        Field("boxes", TEXTS),
        Field("books", NATURAL),
        Field("status", _choice(TaskStatus)),
        optional("missing", TEXTS),
        optional("extra", TEXTS),
        optional("done_at", TEXT_OR_NONE),
        optional("borrowed_from", TEXT_OR_NONE),
        optional("handovers", LIST),
        optional("amended", LIST),
        optional("minutes", NATURAL),
        optional("hours", HOURS),
        optional("reported_at_event", NATURAL),
    ),
    "rounds": (
        Field("number", WHOLE),
        Field("date", DATE),
        Field("status", _choice(RoundStatus)),
        optional("tasks", LIST),
        optional("figures", MAPPING),
    ),
    "moves": (
        Field("round", WHOLE),
        Field("legs", LEGS),
    ),
    "events": (
        Field("book", TEXT),
        Field("action", _choice(EventKind)),
        Field("at", TEXT),
        optional("command", TEXT),
        optional("from", TEXT_OR_NONE),
        optional("to", TEXT_OR_NONE),
        optional("volunteer", TEXT),
        optional("note", TEXT),
    ),
    "services": (
        Field("id", WHOLE),
        Field("volunteer", TEXT),
        Field("date", DATE),
        Field("hours", HOURS),
        Field("what", TEXT),
        optional("site", TEXT),
        optional("recorded_at", TEXT),
    ),
    "certificates": (
        Field("number", CODE),
        Field("volunteer", TEXT),
        Field("from", DATE),
        Field("to", DATE),
        Field("hours", NUMBER),
        Field("issued_on", DATE),
        optional("first_issued_on", DATE),
        optional("replaces", CODE),
    ),
    "stocktakes": (
        Field("id", WHOLE),
        Field("box", CODE),
        Field("at", TEXT),
        Field("command", TEXT),
        Field("present", TEXTS),
        Field("not_seen", TEXTS),
        Field("found_here", TEXTS),
        Field("unknown", TEXTS),
        Field("isbn_only", TEXTS),
        optional("task", WHOLE),
        optional("volunteer", TEXT),
        optional("undo", MAPPING),
        optional("undone_at", TEXT),
        optional("events_before", WHOLE),
    ),
}


@dataclass(frozen=True)
class RecordProblem:
    """One field of one record that does not fit its spec."""

    table: str
    record: str  # the record's code (or id, number), else its position in the table
    doc_id: str
    field: str
    expected: str
    found: str

    def message(self) -> str:
        return M.CHECK_BAD_FIELD(
            table=self.table,
            record=self.record,
            field=self.field,
            expected=self.expected,
            found=self.found,
        )


def _name(table: str, doc_id: str, doc: Mapping[str, Any]) -> str:
    specs = SPECS.get(table)
    key = specs[0].name if specs and specs[0].required else None
    value = doc.get(key) if key else None
    return str(value) if type(value) in (str, int) and value != "" else f"#{doc_id}"


def _shown(value: Any) -> str:
    if value is _ABSENT:
        return M.FOUND_NOTHING()
    text = repr(value)
    return text if len(text) <= 40 else text[:39] + "…"


class _Absent:
    """Stands for a field a record does not have."""


_ABSENT = _Absent()


def _column_fits(records: Mapping[str, Any], spec: Field) -> bool:
    """Does every record's value of this field fit? One C-level pass over the column."""
    getter = methodcaller("get", spec.name, _ABSENT)
    allowed = spec.kind.accepted if spec.required else spec.kind.accepted | {_Absent}
    if not set(map(type, map(getter, records.values()))) <= allowed:
        return False
    present: Iterable[Any] = map(getter, records.values())
    if not spec.required:
        present = (v for v in present if v is not _ABSENT)
    if spec.kind.values is not None and not set(present) <= spec.kind.values:
        return False
    if spec.kind.deep is not None:
        present = map(getter, records.values())
        if not spec.required:
            present = (v for v in present if v is not _ABSENT)
        return all(map(spec.kind.deep, present))
    return True


# Tables that grow with the years (100,000 books, 250,000 history entries): on every
# read they get the quick check; ``lou db check`` checks them in full.
LARGE = frozenset({"books", "events"})


def _quick_fits(records: Mapping[str, Any], specs: tuple[Field, ...]) -> bool:
    """The required fields (present, of their type) in one C-level pass, then their
    vocabularies and their own tests (a code is not empty): what a large table gets on
    every read."""
    required = [s for s in specs if s.required]
    json_types = frozenset().union(*(s.kind.types for s in required))
    if any(s.kind.types != json_types for s in required):  # mixed types: field by field
        return all(_column_fits(records, s) for s in required)
    # (a vocabulary's members are let through in any field here: the file read holds
    # strings; what the rules build in memory gets the full check of problems())
    allowed = frozenset().union(*(s.kind.accepted for s in required))
    values = records.values()
    try:
        if len(required) == 1:
            found = set(map(type, map(itemgetter(required[0].name), values)))
        else:
            getter = itemgetter(*(s.name for s in required))
            found = set(map(type, chain.from_iterable(map(getter, values))))
    except KeyError:
        return False
    if not found <= allowed:
        return False
    if not all(
        set(map(itemgetter(spec.name), values)) <= spec.kind.values
        for spec in required
        if spec.kind.values is not None
    ):
        return False
    # and what a required field's type alone does not say (a code must not be empty)
    return all(
        all(map(spec.kind.deep, map(itemgetter(spec.name), values)))
        for spec in required
        if spec.kind.deep is not None
    )


def _scan(data: Mapping[str, Any], stop_at_first: bool) -> list[RecordProblem]:
    found: list[RecordProblem] = []
    for table, all_specs in SPECS.items():
        records = data.get(table)
        if not records:
            continue
        specs = all_specs
        if stop_at_first and table in LARGE:
            if _quick_fits(records, specs):
                continue
            specs = tuple(s for s in specs if s.required)  # name what the quick check saw
        for spec in specs:
            if _column_fits(records, spec):
                continue
            name, test = spec.name, spec.kind.test
            if spec.required:
                bad = [i for i, d in records.items() if not test(d.get(name, _ABSENT))]
            else:
                bad = [i for i, d in records.items() if name in d and not test(d[name])]
            for doc_id in bad:
                doc = records[doc_id]
                found.append(
                    RecordProblem(
                        table,
                        _name(table, doc_id, doc),
                        doc_id,
                        name,
                        spec.kind.expected(),
                        _shown(doc.get(name, _ABSENT)),
                    )
                )
                if stop_at_first:
                    return found
    return found


def first_problem(data: Mapping[str, Any]) -> RecordProblem | None:
    """The first record that does not fit, or None: what the store checks on every read.

    The large tables get the quick check (:func:`_quick_fits`); their optional fields are
    checked in full by :func:`problems`, which the CLI also runs when a command meets a
    record it cannot use (``cli/base.py``), so that too is named, never hidden."""
    found = _scan(data, stop_at_first=True)
    return found[0] if found else None


def problems(data: Mapping[str, Any]) -> list[RecordProblem]:
    """Every field of every record that does not fit, table by table."""
    return _scan(data, stop_at_first=False)


def bad_records(found: Iterable[RecordProblem]) -> dict[str, set[str]]:
    """Table -> the ids of its records with a problem (the relational checks skip them)."""
    tables: dict[str, set[str]] = {}
    for problem in found:
        tables.setdefault(problem.table, set()).add(problem.doc_id)
    return tables
