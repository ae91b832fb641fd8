"""``lou book import`` as one use case: plan the file's rows, refuse a repeat, carry the
import out, and answer with the summary ``--json`` prints (codes and counts, no sentences).

Reading the file (before the DB is locked), the progress shown and the backup taken
before anything is saved stay with the command line; the last two reach here as the
``before_saving`` callback.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from lou_library.catalogue import categories
from lou_library.records import Doc
from lou_library.repository import Repository

if TYPE_CHECKING:
    from lou_library.importing import ParsedTable
    from lou_library.schema import Book
    from lou_library.transfer import ImportPlan


@dataclass(frozen=True)
class ImportAnswer:
    """The summary (what ``--json`` prints), and for the tables people read: the plan and
    the category names."""

    result: Doc
    plan: ImportPlan
    categories: dict[str, tuple[str, str]] = field(default_factory=dict)


def import_books(
    db: Repository,
    table: ParsedTable,
    file: str,
    *,
    dry_run: bool = False,
    again: bool = False,
    before_saving: Callable[[ImportPlan], None] | None = None,
) -> ImportAnswer:
    """Check every row (one error lists all bad rows), refuse content imported before
    unless ``again``, then, unless ``dry_run`` or nothing changes, call ``before_saving``
    and update and create the books."""
    from lou_library import transfer

    plan = transfer.plan_import(db, table)
    if not again:
        transfer.refuse_repeat(db, plan, file)
    names = categories(db)
    created: list[Book] = []
    if not dry_run and not plan.changes_nothing:
        if before_saving is not None:
            before_saving(plan)
        created = transfer.apply_import(db, plan, file)
    return ImportAnswer(summary(plan, table, created, dry_run), plan, names)


def summary(plan: ImportPlan, table: ParsedTable, created: list[Book], dry_run: bool) -> Doc:
    return {
        "dry_run": dry_run,
        "books": plan.books,
        "rows": plan.rows,
        "new_rows": plan.new_rows,
        "updated": len(plan.updates),
        "unchanged": plan.unchanged,
        "updated_codes": [u.code for u in plan.updates],
        "encoding": plan.encoding,
        "sheet": table.sheet or None,
        "repeated_headers": table.repeated_headers,
        "by_box": dict(sorted(plan.by_box.items())),
        "by_category": dict(sorted(plan.by_category.items())),
        "ignored_columns": plan.ignored_columns,
        "first": created[0]["code"] if created else None,
        "last": created[-1]["code"] if created else None,
    }
