"""Odd files and permissions (issue 21): what lou refuses to read or replace, and why.

The atomic rename only asks the folder, so a read-only file, another user's file, a
symbolic link planted in a shared folder, a hard link or a FIFO used to be replaced,
split or hung on. Each case below is refused with a message and nothing changes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import Lou


def _refused(lou: Lou, db: Path, *args: str, env: dict[str, str] | None = None) -> str:
    before = db.read_bytes()
    run = lou(*args, env=env)
    assert run.exit_code == 1, (args, run.stdout, run.stderr)
    assert db.read_bytes() == before
    assert "Traceback" not in run.stderr
    return run.stderr


def test_a_read_only_database_is_not_rewritten(small: Lou, db_path: Path) -> None:
    db_path.chmod(0o444)  # refused even for root, who could write it anyway
    stderr = _refused(small, db_path, "donate", "--box", "SHY-01", "--title", "活着")
    assert stderr == (
        f"✗ The database {db_path} is read-only (or another user's), so lou will not rewrite "
        "it; nothing was changed. Make it writable (chmod u+w) if you mean to change it.\n"
    )
    assert db_path.stat().st_mode & 0o777 == 0o444
    for args in (("init", "--force"), ("db", "restore", "--latest")):
        _refused(small, db_path, *args)
    assert small.json("info")["books"]["total"] == 4  # reading still works
    small.ok("db", "backup")  # and so does a backup, which leaves the file alone


def test_another_users_file_in_a_shared_folder_is_not_replaced(
    small: Lou, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their 0644 file: the folder lets us rename over it, the file does not let us write.
    (The suite may run as root, who may write anything, so the answer of ``access`` is
    the other user's.)"""
    shared = tmp_path / "shared"
    shared.mkdir(mode=0o777)
    theirs = shared / "inventory.csv"
    theirs.write_text("their work\n", encoding="utf-8")
    real_access = os.access

    def access(path: object, mode: int, **kwargs: object) -> bool:
        if Path(str(path)) == theirs and mode == os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)
    for args in (
        ("book", "export", str(theirs)),
        ("report", "inventory", "--format", "csv", "--output", str(theirs)),
    ):
        run = small(*args)
        assert run.exit_code == 1, run.stdout
        assert run.stderr == (
            f"✗ Will not replace {theirs}: it is read-only or another user's, and you could "
            "not write it in place. Choose another name.\n"
        )
    assert theirs.read_text(encoding="utf-8") == "their work\n"


def test_a_hard_linked_database_is_refused_not_split(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    other = tmp_path / "other-name.json"
    os.link(db_path, other)
    for name in (db_path, other):
        stderr = _refused(small, db_path, "--db", str(name), "book", "add", "--title", "x")
        assert stderr == (
            f"✗ The database {name} has 2 names (hard links). lou locks a file by its name, so "
            "two names would get two locks and a write would split it in two; nothing was "
            "changed. Keep one name (remove the other link, or copy the file instead).\n"
        )
    assert db_path.stat().st_ino == other.stat().st_ino  # still one file
    other.unlink()
    small.ok("book", "add", "--title", "x")


def test_a_fifo_as_the_database_is_refused_not_waited_on(lou: Lou, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    for args in (("info",), ("book", "add", "--title", "x"), ("init",)):
        run = lou("--db", str(fifo), *args)
        assert run.exit_code == 1
        assert run.stderr == (
            f"✗ The database path {fifo} is not a regular file (a pipe, a device or a "
            "socket); lou will not open it.\n"
        )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_an_output_that_is_a_fifo_or_device_is_refused(small: Lou, tmp_path: Path) -> None:
    fifo = tmp_path / "out.csv"
    os.mkfifo(fifo)
    run = small("book", "export", str(fifo))
    assert run.exit_code == 1
    assert run.stderr == (
        f"✗ Will not write {fifo}: it is not a regular file (a pipe, a device or a socket). "
        "Choose another name.\n"
    )
    assert stat.S_ISFIFO(fifo.lstat().st_mode)


def test_an_output_that_is_a_folder_is_called_a_folder(small: Lou, tmp_path: Path) -> None:
    """A folder given as the output file was called 'a pipe, a device or a socket'."""
    folder = tmp_path / "reports.csv"  # (named as a CSV, so the name itself is fine)
    folder.mkdir()
    for args in (["book", "export", str(folder)], ["report", "inventory", "-o", str(folder)]):
        run = small(*args)
        assert (run.exit_code, run.stderr) == (
            1,
            f"✗ Will not write {folder}: it is a folder. Give a file name, such as "
            f"{folder}/report.xlsx.\n",
        )
    assert list(folder.iterdir()) == []


def test_a_symlink_another_user_planted_in_a_shared_folder_is_not_followed(
    small: Lou, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a link to another user needs root")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)  # like /tmp
    victim = tmp_path / "my-notes.txt"
    victim.write_text("mine\n", encoding="utf-8")
    planted = shared / "report.csv"
    planted.symlink_to(victim)
    os.lchown(planted, 65534, 65534)  # nobody's link
    page = shared / "labels.html"  # labels are a web page: a .csv name is refused anyway
    page.symlink_to(victim)
    os.lchown(page, 65534, 65534)
    for args in (
        ("book", "export", str(planted)),
        ("report", "inventory", "--output", str(planted)),
        ("labels", "boxes", "--output", str(page)),
    ):
        run = small(*args)
        assert run.exit_code == 1, (args, run.stdout)
        assert run.stderr == (
            f"✗ Will not write through {args[-1]}: it is a symbolic link another user put in a "
            "shared folder, and it may point at one of your files. Choose another name.\n"
        )
    assert victim.read_text(encoding="utf-8") == "mine\n"
    mine = shared / "mine.csv"  # the user's own link there is still followed
    mine.symlink_to(tmp_path / "target.csv")
    small.ok("book", "export", str(mine))
    assert (tmp_path / "target.csv").read_text(encoding="utf-8-sig").startswith("Code,")


def test_an_export_with_contacts_is_owner_only(small: Lou, tmp_path: Path) -> None:
    small.ok("donate", "--box", "SHY-01", "--title", "活着", "--donor", "张阿姨")
    for name in ("books.csv", "books.json"):
        target = tmp_path / name
        small.ok("book", "export", str(target), "--show-contact")
        assert target.stat().st_mode & 0o777 == 0o600, name
        assert "张阿姨" in target.read_text(encoding="utf-8-sig")
    plain = tmp_path / "plain.csv"
    small.ok("book", "export", str(plain))
    assert "张阿姨" not in plain.read_text(encoding="utf-8-sig")
    assert plain.stat().st_mode & 0o077  # without contacts: the usual mode


@pytest.mark.parametrize("value", ["nan", "-1", "1e309", "inf", "3601", "abc", "10s"])
def test_a_lock_timeout_must_be_a_bounded_number(small: Lou, db_path: Path, value: str) -> None:
    stderr = _refused(
        small, db_path, "book", "add", "--title", "x", env={"LOU_LOCK_TIMEOUT": value}
    )
    assert stderr == (
        f"✗ The environment variable LOU_LOCK_TIMEOUT has an invalid value '{value}': give a "
        "number of seconds from 0 to 3600.\n"
    )


def test_a_database_the_user_may_not_read_says_permissions_not_restore(
    small: Lou, db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_open = Path.open

    def open_(self: Path, *args: Any, **kwargs: Any) -> Any:
        if self == db_path:  # as for a user who is not the file's owner (root reads all)
            raise PermissionError(errno.EACCES, "Permission denied", str(self))
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(Path, "open", open_)
    run = small("info")
    assert run.exit_code == 1
    assert run.stderr == (
        f"✗ No permission to read the database {db_path} (Permission denied). It was left "
        "untouched; check the file's owner and permissions (ls -l), or use the account that "
        "owns it.\n"
    )
    assert "restore" not in run.stderr


def test_a_full_disk_names_the_file(
    small: Lou, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    small.ok("rotate", "apply")  # a calendar with no events is refused before any writing
    real_fdopen = os.fdopen

    class Full:
        def __init__(self, fd: int, mode: str) -> None:
            self.inner = real_fdopen(fd, mode)

        def write(self, payload: bytes) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def writelines(self, pieces: object) -> None:  # an export is written in pieces
            raise OSError(errno.ENOSPC, "No space left on device")

        def __enter__(self) -> Full:
            return self

        def __exit__(self, *exc: object) -> None:
            self.inner.close()

    monkeypatch.setattr(os, "fdopen", Full)
    target = tmp_path / "books.csv"
    for args in (("book", "export", str(target)), ("schedule", "ics", str(tmp_path / "r.ics"))):
        run = small(*args)
        assert run.exit_code == 1
        named = args[-1]
        assert run.stderr == f"✗ Cannot use the file {named}: No space left on device.\n"
    assert not target.exists()
    assert not list(tmp_path.glob(".*.tmp"))


def test_a_database_link_another_user_planted_is_not_used(
    small: Lou, db_path: Path, tmp_path: Path
) -> None:
    if os.geteuid() != 0:
        pytest.skip("giving a link to another user needs root")
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o1777)
    planted = shared / "lou.json"
    planted.symlink_to(db_path)
    os.lchown(planted, 65534, 65534)
    before = db_path.read_bytes()
    for args in (("info",), ("book", "add", "--title", "x")):
        run = small("--db", str(planted), *args)
        assert run.exit_code == 1
        assert run.stderr == (
            f"✗ Will not use {planted}: it is a symbolic link another user put in a shared "
            "folder, and it may lead to someone else's data. Give the database file's own "
            "path.\n"
        )
    assert db_path.read_bytes() == before
