"""``lou db check | backup | restore | migrate``: looking after the file itself."""

from __future__ import annotations

import os
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lou_library import i18n
from lou_library import messages as M
from lou_library.cli import output
from lou_library.cli.base import EXIT_SAVED_BUT_FAILED, command, group, state
from lou_library.cli.common import Json
from lou_library.errors import Invalid

if TYPE_CHECKING:
    from lou_library.integrity import Checked
    from lou_library.store import AnyStore, BackupInfo

app = group("@db")


def _check(store: AnyStore, repair: bool) -> Checked:
    """The file's problems (those left after the repairs, if asked), how many records were
    repaired, and the backup taken first."""
    from lou_library import integrity

    # (a database on a server has no file that could be padded or hand-edited)
    size = store.size() if store.is_file else 0
    if repair:
        with store.write("db check --repair", validate=False) as db:
            return integrity.check_and_repair(db, size, lambda: store.backup("repair"))
    with store.read(validate=False) as db:
        return integrity.check_file(db, size)


@command(app, "check", "@db.check")
def check(
    ctx: typer.Context,
    repair: Annotated[bool, typer.Option("--repair", help="@opt.repair")] = False,
    json: Json = False,
) -> None:
    store = state(ctx).store
    # The problems' messages go into --json in English, whatever the interface language.
    with i18n.speaking("en") if json else nullcontext():
        checked = _check(store, repair)
    problems, saved = checked.problems, checked.backup

    def human(_: object) -> None:
        if saved is not None:
            output.done(M.CHECK_REPAIRED(n=checked.repaired, path=saved))
        elif repair and problems:
            output.note(M.CHECK_NOTHING_TO_REPAIR())
        if problems:
            output.print_table(
                output.table(
                    [M.COL_PROBLEM(), M.COL_RECORD(), M.COL_DETAIL()],
                    [(p.kind, p.record, p.message) for p in problems],
                    title=M.CHECK_TITLE(path=store.path),
                )
            )

    output.show(checked.document(store.path), json, human)
    # Exit codes: 0 the file is sound (after the repairs, if any were saved); 1 problems
    # and nothing changed; 3 repairs were saved but problems are left for a person.
    if problems and saved is not None:
        output.error(M.CHECK_LEFT(n=len(problems)))
        raise typer.Exit(EXIT_SAVED_BUT_FAILED)
    if problems:
        raise Invalid(M.CHECK_FAILED, n=len(problems))
    if not json:
        output.done(M.CHECK_OK(path=store.path))


@command(app, "backup", "@db.backup")
def backup(ctx: typer.Context) -> None:
    store = state(ctx).store
    with store.lock("db backup"):
        with store.read(validate=False):
            pass  # refuse to back up a file that is missing, corrupt or from the future
        saved = store.backup("manual")
    output.done(M.BACKED_UP(path=saved))


def _books_text(n: int | None) -> str:
    """A backup's book count; "?" only for one that does not read (0 is a count)."""
    return "?" if n is None else str(n)


def _reason(reason: str) -> str:
    """Why a backup was taken, in the user's language ("before-migrate-v1" too)."""
    key = "before-migrate" if reason.startswith("before-migrate") else reason
    return M.BACKUP_REASONS[key]() if key in M.BACKUP_REASONS else reason


def _backup_list(backups: list[BackupInfo], books: dict[Path, int | None]) -> dict[str, Any]:
    """The backups, newest first, as ``--json`` prints them (``books``: how many each
    holds, None for one that does not read)."""
    return {
        "backups": [
            {
                "name": b.path.name,
                "created": b.created,
                "reason": b.reason,
                "size": b.size,
                "number": b.number,
                "legacy": b.legacy,
                "books": books[b.path],
            }
            for b in reversed(backups)
        ],
        "total": len(backups),
    }


@command(app, "restore", "@db.restore")
def restore(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="@arg.backup", show_default=False)] = None,
    latest: Annotated[bool, typer.Option("--latest", help="@opt.latest")] = False,
    json: Json = False,
) -> None:
    if name is not None and latest:
        raise Invalid(M.RESTORE_NAME_OR_LATEST, name=name)
    store = state(ctx).store
    backups = store.backups()
    if name is None and not latest:
        books = {b.path: store.backup_books(b.path) for b in backups}

        def listing(_: object) -> None:
            if not backups:
                output.note(M.NO_BACKUPS(folder=store.backup_dir))
                return
            output.print_table(
                output.table(
                    [
                        M.COL_BACKUP(),
                        M.COL_CREATED(),
                        M.COL_REASON(),
                        M.COL_BOOKS_IN_BACKUP(),
                        M.COL_SIZE(),
                    ],
                    [
                        (
                            b.path.name,
                            b.created,
                            _reason(b.reason) + (M.BACKUP_LEGACY() if b.legacy else ""),
                            _books_text(books[b.path]),
                            output.size_text(b.size),
                        )
                        for b in reversed(backups)
                    ],
                    title=M.BACKUPS_TITLE(folder=store.backup_dir),
                    right=[3, 4],
                    keep=[0, 1, 4],
                    drop=[3, 2, 4],  # books, reason, size
                )
            )
            output.note(M.RESTORE_HOW())

        output.show(_backup_list(backups, books), json, listing)
        return
    if name is None:
        latest_one = store.latest_backup()
        if latest_one is None and backups:  # there are some, and none would restore
            names = ", ".join(b.path.name for b in reversed(backups))
            raise Invalid(M.NO_READABLE_BACKUP, folder=store.backup_dir, names=names)
        if latest_one is None:
            raise Invalid(M.NO_BACKUPS, folder=store.backup_dir)
        chosen = latest_one
    else:
        chosen = store.find_backup(name)
    saved = store.restore(chosen.path)
    from lou_library.repository import BOOKS

    with store.read() as db:
        count = db.count(BOOKS)

    def restored(_: object) -> None:
        if saved:
            output.note(M.BACKED_UP(path=saved))
        output.done(M.RESTORED(name=chosen.path.name, path=store.path, books=count))

    result = {
        "restored": chosen.path.name,
        "db": str(store.path),
        "backed_up": saved.name if saved else None,
        "books": count,
    }
    output.show(result, json, restored)


@command(app, "migrate", "@db.migrate")
def migrate(ctx: typer.Context) -> None:
    store = state(ctx).store
    found, now, saved = store.migrate()
    if saved is None:
        output.done(M.MIGRATE_NOTHING(version=now))
    else:
        output.note(M.BACKED_UP(path=saved))
        output.done(M.MIGRATED(old=found, new=now))


def _same_file(one: object, other: object) -> bool:
    """Two stores' paths name one database: the same URL, or one file by any name (a
    symbolic or hard link to it)."""
    if str(one) == str(other):
        return True
    if not isinstance(one, Path) or not isinstance(other, Path):
        return False
    if os.path.realpath(one) == os.path.realpath(other):
        return True
    try:
        return one.samefile(other)
    except OSError:  # (one of them is not there yet)
        return False


@command(app, "copy", "@db.copy")
def copy(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="@arg.copy_source", show_default=False)],
    dest: Annotated[str, typer.Argument(help="@arg.copy_dest", show_default=False)],
    force: Annotated[bool, typer.Option("--force", help="@opt.copy_force")] = False,
    json: Json = False,
) -> None:
    """The whole network, as the file holds it, read in one snapshot and written in one
    unit of work; the destination's old network, if ``--force``, is backed up first."""
    from lou_library.repository import BOOKS, BOXES, ROUNDS
    from lou_library.store import open_store

    del ctx
    origin = open_store(source, notify=output.warn)
    target = open_store(dest, notify=output.warn)
    if _same_file(origin.path, target.path):
        raise Invalid(M.COPY_SAME, path=origin.path)
    with origin.read() as db:
        document = db.document()
        counts = {table: db.count(table) for table in (BOOKS, BOXES, ROUNDS)}
    # (after the source's snapshot is closed: the same database named another way must
    # not wait for itself)
    saved = target.create(document, force=force, command="db copy")

    def copied(_: object) -> None:
        if saved:
            output.note(M.BACKED_UP(path=saved))
        output.done(
            M.COPIED(
                source=origin.path,
                dest=target.path,
                books=counts[BOOKS],
                boxes=counts[BOXES],
                rounds=counts[ROUNDS],
            )
        )

    result = {
        "source": str(origin.path),
        "dest": str(target.path),
        "books": counts[BOOKS],
        "boxes": counts[BOXES],
        "rounds": counts[ROUNDS],
        "backed_up": saved.name if saved else None,
    }
    output.show(result, json, copied)
