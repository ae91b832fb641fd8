"""I/O failure injected at every write, fsync and replace of six commands, once and for
good: the DB is byte-identical afterwards, `db check` passes, the user got exit 1."""

from __future__ import annotations

import errno
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from lou_library import store as store_module
from tests.conftest import Lou

REAL_FSYNC = os.fsync
REAL_REPLACE = os.replace
REAL_FDOPEN = os.fdopen


class Injector:
    """Counts calls to os.fsync, os.replace and file writes; fails the n-th (and, in
    "forever" mode, every later) call of one kind with ENOSPC."""

    def __init__(self, kind: str | None = None, at: int = 0, forever: bool = False) -> None:
        self.kind, self.at, self.forever = kind, at, forever
        self.calls: Counter[str] = Counter()

    def _hit(self, kind: str) -> None:
        self.calls[kind] += 1
        n = self.calls[kind]
        if kind == self.kind and (n == self.at or (self.forever and n > self.at)):
            raise OSError(errno.ENOSPC, "No space left on device")

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        injector = self

        def fsync(fd: int) -> None:
            injector._hit("fsync")
            REAL_FSYNC(fd)

        def replace(src: Any, dst: Any) -> None:
            injector._hit("replace")
            REAL_REPLACE(src, dst)

        class Handle:
            def __init__(self, fd: int, mode: str) -> None:
                self.inner = REAL_FDOPEN(fd, mode)

            def write(self, payload: bytes) -> int:
                injector._hit("write")
                return int(self.inner.write(payload))

            def writelines(self, parts: Iterable[bytes]) -> None:  # a document in pieces
                for part in parts:
                    self.write(part)

            def __getattr__(self, name: str) -> Any:
                return getattr(self.inner, name)

            def __enter__(self) -> Handle:
                return self

            def __exit__(self, *exc: object) -> None:
                self.inner.close()

        monkeypatch.setattr(os, "fsync", fsync)
        monkeypatch.setattr(os, "replace", replace)
        monkeypatch.setattr(os, "fdopen", Handle)


def _setup_import(lou: Lou, tmp_path: Path) -> list[str]:
    path = tmp_path / "new.csv"
    path.write_text("书名,作者,数量,图书箱\n活着,余华,1,SHY-01\n三体,刘慈欣,1,\n", encoding="utf-8")
    return ["book", "import", str(path)]


def _setup_apply(lou: Lou, tmp_path: Path) -> list[str]:
    return ["rotate", "apply"]


def _setup_done(lou: Lou, tmp_path: Path) -> list[str]:
    lou.ok("rotate", "apply")
    return ["task", "done", "1", "--missing", "B00001"]


def _setup_undo(lou: Lou, tmp_path: Path) -> list[str]:
    lou.ok("rotate", "apply")
    return ["rotate", "undo"]


def _setup_restore(lou: Lou, tmp_path: Path) -> list[str]:
    lou.ok("db", "backup")
    lou.ok("book", "add", "--title", "备份之后")
    return ["db", "restore", "--latest"]


def _setup_migrate(lou: Lou, tmp_path: Path) -> list[str]:
    return ["db", "migrate"]


SETUPS: dict[str, Callable[[Lou, Path], list[str]]] = {
    "book import": _setup_import,
    "rotate apply": _setup_apply,
    "task done": _setup_done,
    "rotate undo": _setup_undo,
    "db restore": _setup_restore,
    "db migrate": _setup_migrate,
}


@pytest.mark.parametrize("name", sorted(SETUPS))
def test_every_write_step_can_fail_without_harm(
    name: str, ring: Lou, db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
    tally: Counter[str],
) -> None:  # fmt: skip
    if name == "db migrate":  # pretend this program is one schema ahead
        version = store_module.SCHEMA_VERSION
        monkeypatch.setattr(store_module, "SCHEMA_VERSION", version + 1)
        monkeypatch.setitem(store_module.MIGRATIONS, version, lambda data: None)
        data = db_path.read_bytes().replace(
            f'"schema_version":{version + 1}'.encode(), f'"schema_version":{version}'.encode()
        )
        db_path.write_bytes(data)
    args = SETUPS[name](ring, tmp_path)
    before = db_path.read_bytes()
    backups = db_path.parent / "lou.json.backups"
    saved_backups = {p.name: p.read_bytes() for p in backups.glob("*")} if backups.exists() else {}

    def reset() -> None:
        db_path.write_bytes(before)
        for extra in backups.glob("*"):
            if extra.name not in saved_backups:
                extra.unlink()

    counting = Injector()
    with monkeypatch.context() as patch:
        counting.install(patch)
        assert ring(*args).exit_code == 0
    success = db_path.read_bytes()
    reset()
    assert success != before
    for kind in ("write", "fsync", "replace"):
        assert counting.calls[kind] >= 1, (name, kind)

    for kind, count in sorted(counting.calls.items()):
        for at in range(1, count + 1):
            for forever in (False, True):
                reset()
                injector = Injector(kind, at, forever)
                with monkeypatch.context() as patch:
                    injector.install(patch)
                    run = ring(*args)
                state = db_path.read_bytes()
                tally["faults injected"] += 1
                if run.exit_code == 0:  # only a folder fsync may fail harmlessly
                    assert state == success, (name, kind, at, forever)
                else:
                    assert run.exit_code == 1, (name, kind, at, run.stderr)
                    assert run.stderr.startswith("✗ "), run.stderr
                    assert "Traceback" not in run.stderr
                    assert state == before, (name, kind, at, forever)
                    tally["faults refused cleanly"] += 1
                if state not in (before, success):
                    tally["states lost or corrupted"] += 1
                assert not list(db_path.parent.glob(".lou.json.*tmp"))
                if name != "db migrate":
                    ring.ok("db", "check")
    tally["states lost or corrupted"] += 0
