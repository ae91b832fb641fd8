"""Fuzzing what users control: DB files cut short or edited by hand, and odd arguments.
Never a traceback; every failure is exit 1 (or 2 for a wrong command line) and changes
nothing."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import orjson
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import Lou

FIXTURES = [HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
COMMANDS = [
    ("info",), ("book", "list"), ("box", "list"), ("site", "list"), ("volunteer", "list"),
    ("rotate", "plan"), ("task", "list", "--all"), ("book", "add", "--title", "新书"),
    ("book", "find", "swg"), ("rotate", "apply"), ("db", "check"),
]  # fmt: skip


@settings(max_examples=40, deadline=None, suppress_health_check=FIXTURES)
@given(cut=st.floats(0.0, 0.999))
def test_a_truncated_db_is_refused_and_kept(
    ring: Lou, db_path: Path, cut: float, tally: Counter[str]
) -> None:
    whole = db_path.read_bytes() if db_path.exists() else b""
    if not whole:
        return
    payload = whole[: int(len(whole) * cut)]
    db_path.write_bytes(payload)
    for args in (("info",), ("book", "add", "--title", "x"), ("rotate", "apply")):
        run = ring(*args)
        assert run.exit_code == 1, (cut, args, run.stderr)
        assert db_path.read_bytes() == payload
        tally["fuzz cases: truncated DB"] += 1
    db_path.write_bytes(whole)


JSON_VALUES = st.one_of(
    st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.text(max_size=12),
    st.lists(st.text(max_size=4), max_size=3),
    st.dictionaries(st.text(max_size=4), st.integers(-(2**63), 2**63 - 1), max_size=2),
)  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=FIXTURES)
@given(
    table=st.sampled_from(["books", "boxes", "sites", "volunteers", "_meta"]),
    field=st.sampled_from(["code", "status", "box", "site", "capacity", "title", "sites",
                           "kind", "recent", "since", "counters", "settings", "name"]),
    value=JSON_VALUES,
    command=st.sampled_from(COMMANDS),
)  # fmt: skip
def test_hand_edited_records_never_cause_a_traceback(
    ring: Lou, db_path: Path, table: str, field: str, value: Any, command: tuple[str, ...],
    tally: Counter[str],
) -> None:  # fmt: skip
    original = db_path.read_bytes()
    data = orjson.loads(original)
    record = next(iter(data[table].values()))
    record[field] = value
    edited = orjson.dumps(data)
    db_path.write_bytes(edited)
    run = ring(*command)  # catch_exceptions=False: a traceback fails the test
    assert run.exit_code in (0, 1), run.stderr
    if run.exit_code == 1:
        assert db_path.read_bytes() == edited
        assert run.stderr.startswith("✗ ")
    tally["fuzz cases: hand-edited DB"] += 1
    db_path.write_bytes(original)


ARGS = st.text(st.characters(exclude_categories=["Cs"]), max_size=20)


@settings(max_examples=80, deadline=None, suppress_health_check=FIXTURES)
@given(text=ARGS, which=st.integers(0, 8))
def test_odd_arguments(
    ring: Lou, db_path: Path, text: str, which: int, tally: Counter[str]
) -> None:
    if which == 5:
        ring("rotate", "apply")
    commands = [
        ("book", "show", text), ("box", "show", text), ("volunteer", "show", text),
        ("book", "find", text), ("schedule", "set", "--start", text),
        ("task", "done", "1", "--missing", text), ("book", "add", "--title", text, "--box", "SHY-02"),
        ("volunteer", "away", "V001", "--from", text, "--to", "2026-12-01"),
        ("donate", "--box", text, "--title", text),
    ]  # fmt: skip
    before = db_path.read_bytes()
    run = ring(*commands[which])
    assert run.exit_code in (0, 1, 2), run.stderr
    if run.exit_code:
        assert db_path.read_bytes() == before
    tally["fuzz cases: arguments"] += 1
