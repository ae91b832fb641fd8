"""The docs tell the truth: every command they show runs and prints what they say.

In the spirit of sqlite-utils' ``test_docs.py``. ``python docs/doctool.py`` rewrites the
outputs after a deliberate change; this test fails on any drift, and on any command
that fails without the docs saying it should (``# exit 1``).
"""

from __future__ import annotations

import difflib
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _doctool() -> ModuleType:
    spec = importlib.util.spec_from_file_location("doctool", ROOT / "docs" / "doctool.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["doctool"] = module
    spec.loader.exec_module(module)
    return module


doctool = _doctool()
DOCUMENTS = doctool.documents()


def test_the_guides_exist_in_both_languages() -> None:
    names = {path.name for path in DOCUMENTS}
    for role in ("managers", "volunteers", "admins"):
        assert {f"{role}.zh.md", f"{role}.en.md"} <= names, role


@pytest.mark.parametrize("path", DOCUMENTS, ids=[p.name for p in DOCUMENTS])
def test_every_command_in_the_docs_prints_what_the_docs_show(path: Path) -> None:
    fresh = doctool.render(path)
    current = path.read_text(encoding="utf-8")
    diff = "\n".join(
        difflib.unified_diff(current.splitlines(), fresh.splitlines(), "docs", "now", lineterm="")
    )
    assert fresh == current, f"run `python docs/doctool.py {path.name}` if intended:\n{diff}"


def test_a_command_that_fails_unannounced_is_caught(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```console\n$ lou info\n```\n", encoding="utf-8")
    with pytest.raises(doctool.DocError, match="exited 1, expected 0"):
        doctool.render(page)
    page.write_text("```console\n$ lou info  # exit 1\n```\n", encoding="utf-8")
    assert doctool.render(page).startswith("```console\n$ lou info  # exit 1\n✗ ")


def test_the_pictures_show_what_the_commands_print_now(tmp_path: Path) -> None:
    spec = importlib.util.spec_from_file_location("screens", ROOT / "docs" / "screens.py")
    assert spec and spec.loader
    screens = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(screens)
    pictures = screens.terminal_pictures(doctool.Session(tmp_path, "zh"))
    assert sorted(pictures) == ["demo.svg", "inventory.svg", "plan.svg", "tasks.svg"]
    for name, svg in pictures.items():
        current = (ROOT / "docs" / "img" / name).read_text(encoding="utf-8")
        assert svg == current, f"{name} is out of date: run `python docs/screens.py`"
