"""The record specs (lou_library.schema): what lou writes fits them, and any field given a
value of the wrong kind is named, with its table and record."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lou_library import schema
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
    data: dict[str, Any] = orjson.loads(ring.db.read_bytes())
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
