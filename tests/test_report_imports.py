"""The reports package loads only what a command needs: start-up time is a feature.

Each case runs ``lou`` in a fresh Python process (this one has imported everything long
ago) and lists the modules of interest it loaded by the time the command ended.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import BASE_ENV, Lou

_PROBE = """
import sys
from lou_library.__main__ import main
sys.argv = ["lou", *sys.argv[1:]]
code = None
try:
    main()
except SystemExit as exc:
    code = exc.code
watched = ("lou_library.reports", "openpyxl")
loaded = sorted({m.split(".")[0] if m.startswith("openpyxl") else m for m in sys.modules
                 if m.startswith(watched)})
sys.stderr.write("\\nLOADED " + " ".join(loaded) + "\\n")
sys.exit(code)
"""

WORKBOOK = {"lou_library.reports.xlsx", "openpyxl"}
PAGE = {"lou_library.reports.html"}


def loaded_by(db: Path | str, *args: str) -> list[str]:
    """The watched modules a fresh ``lou ARGS`` process imported (it must succeed)."""
    done = subprocess.run(
        [sys.executable, "-c", _PROBE, *args],
        capture_output=True,
        text=True,
        env={**os.environ, **BASE_ENV, "LOU_LIBRARY_DB": str(db)},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    last = done.stderr.rstrip("\n").rsplit("\n", 1)[-1]
    assert last.startswith("LOADED"), done.stderr
    return last.split()[1:]


def test_help_does_not_load_the_reports(small: Lou) -> None:
    assert loaded_by(small.db, "--help") == []
    assert loaded_by(small.db, "report", "--help") == []


@pytest.mark.parametrize("fmt", ["table", "csv", "json", "md"])
def test_a_report_on_screen_loads_neither_the_workbook_nor_the_page(small: Lou, fmt: str) -> None:
    loaded = set(loaded_by(small.db, "report", "inventory", "--format", fmt))
    assert {"lou_library.reports", "lou_library.reports.builders.inventory"} <= loaded
    assert not loaded & (WORKBOOK | PAGE)


def test_the_workbook_and_the_page_load_when_written(small: Lou, tmp_path: Path) -> None:
    loaded = set(loaded_by(small.db, "report", "missing", "--output", str(tmp_path / "m.xlsx")))
    assert loaded >= WORKBOOK
    assert not loaded & PAGE
    loaded = set(loaded_by(small.db, "report", "rotation", "--output", str(tmp_path / "r.html")))
    assert loaded >= PAGE
    assert not loaded & WORKBOOK
