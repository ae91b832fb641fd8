"""The reliability suite: faults, kills, concurrent clients, fuzzing, and their figures.

Each test adds what it tried to a shared tally; the run ends with a table of the figures
(faults injected, kills survived, fuzz cases, concurrent clients, and how many states were
lost or corrupted, which must be 0). ``docs/reliability.md`` quotes the last full run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

TALLY: Counter[str] = Counter()


@pytest.fixture
def tally() -> Iterator[Counter[str]]:
    yield TALLY


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TALLY:
        return
    terminalreporter.write_sep("-", "reliability figures")
    for key in sorted(TALLY):
        terminalreporter.write_line(f"{key:<40} {TALLY[key]:>8}")


def pytest_sessionfinish(session: Any) -> None:
    if TALLY:
        target = Path(session.config.rootpath) / ".reliability-figures.json"
        import orjson

        target.write_bytes(orjson.dumps(dict(sorted(TALLY.items())), option=orjson.OPT_INDENT_2))
