"""The layers hold: the rules reach the records only through the repository protocol.

``store.py`` and ``tinyrepo.py`` are the embedded (TinyDB) backend; nothing else may
import TinyDB, reach into its storage or tables, or name the backend's class: the rules
take a :class:`lou_library.repository.Repository`, so the PostgreSQL backend can stand
in for the file. (Typer and Rich are kept out of the rules by ruff's banned-api check.)
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import lou_library

PACKAGE = Path(lou_library.__file__).parent
BACKEND = {"store.py", "tinyrepo.py"}
SERVER_BACKEND = {"pgrepo.py", "pgstore.py"}  # the only modules that may import psycopg
# TinyDB's ways into its document and tables; a rule that uses one bypasses the seam.
TINYDB_ATTRIBUTES = {"storage", "drop_table", "drop_tables", "insert_multiple", "doc_ids"}


def _modules() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name not in BACKEND or p.parent != PACKAGE)


def _offences(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
            )
            found += [
                f"{node.lineno}: imports {name}"
                for name in names
                if name.split(".")[0] == "tinydb" or name == "lou_library.tinyrepo"
            ]
        if isinstance(node, ast.Attribute) and node.attr in TINYDB_ATTRIBUTES:
            found.append(f"{node.lineno}: .{node.attr}")
        if (  # db.table("books"): TinyDB's table object (output.table renders, it is fine)
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "table"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "db"
        ):
            found.append(f"{node.lineno}: db.table(...)")
    return found


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_backend_knows_tinydb(path: Path) -> None:
    assert _offences(path) == []


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(PACKAGE)))
def test_only_the_server_backend_knows_psycopg(path: Path) -> None:
    if path.name in SERVER_BACKEND and path.parent == PACKAGE:
        return
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imported = [
        alias.name if isinstance(node, ast.Import) else (node.module or "")
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    ]
    assert not [name for name in imported if name.split(".")[0] == "psycopg"]


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from tinydb import TinyDB\n"
        "import lou_library.tinyrepo\n"
        "data = db.storage.read()\n"
        "db.table('books').all()\n"
        "output.table(['a'], [])\n",
        encoding="utf-8",
    )
    assert _offences(sample) == [
        "1: imports tinydb",
        "2: imports lou_library.tinyrepo",
        "3: .storage",
        "4: db.table(...)",
    ]
