"""The record specs (lou_library.schema): what lou writes fits them, and any field given a
value of the wrong kind is named, with its table and record."""

from __future__ import annotations

import copy
from enum import StrEnum
from pathlib import Path
from types import UnionType
from typing import Any, get_args, get_origin, get_type_hints, is_typeddict

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lou_library import schema, store
from tests.conftest import Lou

WRONG = [None, True, 0, -3, 2.5, "", "x", "2026-13-40", [], [1], ["B1"], {}, {"a": 1}, {"1": 2}]
FIELDS = [(table, spec) for table, specs in schema.SPECS.items() for spec in specs]


@pytest.fixture
def lived(ring: Lou) -> dict[str, Any]:
    """A network after a round, a report with a missing book, a swap, an amendment."""
    ring.ok("schedule", "set", "--start", "2026-11-28")
    ring.ok("volunteer", "away", "王秀兰", "--from", "2026-12-20", "--to", "2026-12-24")
    ring.ok("book", "category", "add", "local", "--zh", "地方志")
    ring.ok("rotate", "apply")
    ring.ok("task", "swap", "1", "--to", "李建国", "--force")
    ring.ok("task", "done", "1", "--missing", "B00005")
    ring.ok("task", "done", "1", "--amend", "--extra", "B00013@SHY-01")
    ring.ok("book", "withdraw", "B00002")
    ring.ok("volunteer", "service", "王秀兰", "--hours", "2", "--what", "整理图书室")
    ring.ok("volunteer", "edit", "王秀兰", "--id-number", "11010519491231002X")
    ring.ok("settings", "set", "org.name", "文化站")
    ring.ok("volunteer", "certificate", "王秀兰", "--output", str(ring.beside("c.html")))
    ring.ok("task", "done", "2")  # (a box is counted once its walk is reported)
    ring.ok("stocktake", "GDJ-01", input="B00009\nB00001\nNOT-OURS\n9787020024759\n\n")
    ring.ok("stocktake", "GDJ-01", "--undo")
    ring.ok("stocktake", "GDJ-01", input="B00009\n")
    ring.ok("labels", "books", "--only", "B00001", "--output", str(ring.beside("l.html")))
    data: dict[str, Any] = orjson.loads(ring.snapshot())
    return data


def test_what_lou_writes_fits_the_specs(lived: dict[str, Any]) -> None:
    assert {t for t in schema.SPECS if lived.get(t)} == set(schema.SPECS)  # every table seen
    assert schema.problems(lived) == []
    assert schema.first_problem(lived) is None


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(which=st.sampled_from(FIELDS), value=st.sampled_from(WRONG), data=st.data())
def test_a_wrong_value_is_named(
    lived: dict[str, Any], which: tuple[str, schema.Field], value: Any, data: st.DataObject
) -> None:
    table, spec = which
    if spec.kind.test(value):
        return  # not wrong for this field
    edited = copy.deepcopy(lived)
    doc_id = data.draw(st.sampled_from(sorted(edited[table])))
    edited[table][doc_id][spec.name] = value
    found = schema.problems(edited)
    assert [(p.table, p.doc_id, p.field) for p in found] == [(table, doc_id, spec.name)]
    assert found[0].expected == spec.kind.expected()
    quick = schema.first_problem(edited)
    if spec.required or table not in schema.LARGE:  # the large tables' quick check on read
        assert quick == found[0]
    if spec.required:
        del edited[table][doc_id][spec.name]
        missing = schema.problems(edited)
        assert [(p.field, p.found) for p in missing] == [
            (spec.name, "nothing (the field is missing)")
        ]


def test_an_empty_code_in_a_large_table_is_caught_on_read(lou: Lou, db_path: Path) -> None:
    """Found by Hypothesis: the quick check of the books looked at types only."""
    lou.ok("init", "--demo")
    data = orjson.loads(db_path.read_bytes())
    data["books"]["7"]["code"] = ""
    db_path.write_bytes(orjson.dumps(data))
    run = lou("info")
    assert run.exit_code == 1
    assert "record #7 in books, field code" in run.stderr


# ------------------------------------------------------------------ one schema, typed

VOCABULARIES = [
    v
    for v in vars(schema).values()
    if isinstance(v, type) and issubclass(v, StrEnum) and v is not StrEnum
]


def test_the_typed_records_and_the_specs_agree() -> None:
    """A TypedDict per table: its required keys are the spec's required fields, and it
    names every field the spec checks, with the spec's vocabulary."""
    assert set(schema.SPECS) <= set(schema.RECORDS)
    for table, specs in schema.SPECS.items():
        record = schema.RECORDS[table]
        hints = get_type_hints(record)
        assert record.__required_keys__ == {s.name for s in specs if s.required}, table
        assert {s.name for s in specs} <= set(hints), table
        for spec in specs:
            if spec.kind.members is not None:
                assert spec.kind.members in (*get_args(hints[spec.name]), hints[spec.name])


def _fits(value: Any, hint: Any) -> bool:
    """Does a value read from the file fit a TypedDict's type hint? (The hints used there:
    plain types, unions with None, list[...], dict[str, ...], TypedDicts, StrEnums.)"""
    if hint is Any:
        return True
    if hint is None or hint is type(None):
        return value is None
    if isinstance(hint, UnionType):
        return any(_fits(value, option) for option in get_args(hint))
    if is_typeddict(hint):
        hints = get_type_hints(hint)
        return (
            type(value) is dict
            and hint.__required_keys__ <= set(value) <= set(hints)
            and all(_fits(v, hints[k]) for k, v in value.items())
        )
    return _fits_plain(value, hint)


def _fits_plain(value: Any, hint: Any) -> bool:
    """:func:`_fits` for lists, mappings, vocabularies and plain types."""
    origin, args = get_origin(hint), get_args(hint)
    if origin is list:
        return type(value) is list and all(_fits(v, args[0]) for v in value)
    if origin is dict:
        return type(value) is dict and all(
            type(k) is str and _fits(v, args[1]) for k, v in value.items()
        )
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return value in set(hint)
    if hint is float:
        return type(value) in (int, float)
    return type(value) is hint


def test_what_lou_writes_fits_its_typed_record(lived: dict[str, Any]) -> None:
    """Every record lou writes has the keys its TypedDict declares (every required one, no
    other), each value of the declared type, each vocabulary value one of its enum's."""
    for table, records in lived.items():
        typed = schema.RECORDS[table]
        for record in records.values():
            assert _fits(record, typed), (table, record)
    assert not _fits({**lived["books"]["1"], "status": "borrowed"}, schema.Book)
    assert not _fits({**lived["tasks"]["1"], "boxes": "SHY-01"}, schema.Task)
    assert not _fits({**lived["sites"]["1"], "colour": "red"}, schema.Site)


def test_every_vocabulary_member_is_named_as_its_value() -> None:
    """Enum hashes a member by its name: a member equal to its string must hash like it
    too, or a set of stored strings would not find it."""
    assert {v.__name__ for v in VOCABULARIES} >= {
        "BookStatus", "BoxStatus", "Status", "SiteKind", "Role", "TaskStatus",
        "RoundStatus", "EventKind", "Audience", "Condition", "Source",
    }  # fmt: skip
    for vocabulary in VOCABULARIES:
        for member in vocabulary:
            assert member.name == member.value
            assert member == member.value and hash(member) == hash(member.value)
            assert member.value in {member} and member in {member.value}


def _as_members(data: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """The document with every vocabulary value replaced by its enum member."""
    changed = copy.deepcopy(data)
    swapped = 0
    for table, specs in schema.SPECS.items():
        for spec in specs:
            members = spec.kind.members
            if members is None:
                continue
            for record in changed.get(table, {}).values():
                if spec.name in record:
                    record[spec.name] = members(record[spec.name])
                    swapped += 1
    return changed, swapped


def test_members_are_stored_as_their_strings(lived: dict[str, Any]) -> None:
    """orjson writes a StrEnum member as its value: a record built with members gives the
    same file bytes, which read back as plain strings; the validator accepts records
    holding members (what the rules build in memory) as it accepts the strings."""
    with_members, swapped = _as_members(lived)
    assert swapped > 20
    assert type(with_members["books"]["1"]["status"]) is schema.BookStatus
    assert store.encode(with_members) == store.encode(lived)
    back = store.decode(Path("x.json"), store.encode(with_members))
    assert back == lived
    assert type(back["books"]["1"]["status"]) is str
    assert type(back["events"]["1"]["action"]) is str
    assert schema.problems(with_members) == []
    assert schema.first_problem(with_members) is None


@pytest.mark.file_only("hand-edits the DB file (PostgreSQL's check constraints refuse it)")
def test_an_unknown_history_action_or_round_status_is_named(ring: Lou) -> None:
    """History actions and round statuses are vocabularies too, checked on read."""
    ring.ok("rotate", "apply")
    data = orjson.loads(ring.snapshot())
    data["events"]["3"]["action"] = "borrowed"
    ring.path.write_bytes(orjson.dumps(data))
    run = ring("info")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        f"✗ The database {ring.db} has a record that does not fit: record B00003 in events,"
        " field action: expected one of: added, donated, moved, rotated, to_depot, edited,"
        " withdrawn, found, restored, not_seen, lost, undone, seen; found 'borrowed'. Nothing was changed;"
        " `lou db check` lists every such record.\n"
    )
    data["events"]["3"]["action"] = "added"
    data["rounds"]["1"]["status"] = "planned"
    ring.path.write_bytes(orjson.dumps(data))
    run = ring("info")
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        f"✗ The database {ring.db} has a record that does not fit: record 1 in rounds,"
        " field status: expected one of: applied; found 'planned'. Nothing was changed;"
        " `lou db check` lists every such record.\n"
    )


def test_the_command_line_choices_are_the_schema_vocabularies() -> None:
    """The options' choices (with their Chinese words) are the stored values, or a part
    of them: a value added to a vocabulary cannot be forgotten on one side."""
    from lou_library.cli import cmd_book, cmd_box, cmd_site, cmd_volunteer

    def values(vocabulary: type[StrEnum]) -> list[str]:
        return [member.value for member in vocabulary]

    assert values(cmd_book.Status) == values(schema.BookStatus)
    assert values(cmd_box.ListStatus) == values(schema.BoxStatus)
    retired, depot = schema.BoxStatus.retired, schema.SiteKind.depot
    # retiring is a command of its own; the depot comes with the DB
    assert values(cmd_box.EditableStatus) == [v for v in values(schema.BoxStatus) if v != retired]
    assert values(cmd_site.Kind) == [v for v in values(schema.SiteKind) if v != depot]

    assert values(cmd_volunteer.Role) == values(schema.Role)


def test_a_command_writing_members_leaves_the_bytes_plain_strings_would(ring: Lou) -> None:
    """``book withdraw`` and ``box retire`` put members into the records (BookStatus,
    BoxStatus, EventKind); the file holds the same bytes the strings would give."""

    ring.ok("book", "withdraw", "B00002")
    ring.ok("box", "retire", "GDJ-01")
    payload = ring.snapshot()
    data = orjson.loads(payload)
    assert store.encode(data) == payload  # what the plain strings give
    book = next(b for b in data["books"].values() if b["code"] == "B00002")
    box = next(b for b in data["boxes"].values() if b["code"] == "GDJ-01")
    actions = [e["action"] for e in data["events"].values()]
    assert (book["status"], box["status"], actions[-5:]) == (
        "withdrawn",
        "retired",
        ["withdrawn", "to_depot", "to_depot", "to_depot", "to_depot"],
    )
    assert b'"status":"withdrawn"' in payload and b'"action":"to_depot"' in payload
