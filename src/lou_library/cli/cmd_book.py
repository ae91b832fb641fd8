"""``lou book`` and ``lou donate``: the catalogue, one record per physical copy."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lou_library import catalogue, i18n
from lou_library import messages as M
from lou_library.cli import output
from lou_library.cli.base import command, group, state, typed_words
from lou_library.cli.common import Json, ShowContact, status_name
from lou_library.schema import BookStatus

if TYPE_CHECKING:  # imported when an import runs (start-up time)
    from lou_library.book_import import ImportAnswer
    from lou_library.transfer import ImportPlan

app = group("@book")
categories_app = group("@category")
app.add_typer(categories_app, name="category")

Code = Annotated[str, typer.Argument(help="@arg.book", show_default=False)]
Title = Annotated[str | None, typer.Option("--title", help="@opt.title")]
Author = Annotated[str | None, typer.Option("--author", help="@opt.author")]
Isbn = Annotated[str | None, typer.Option("--isbn", help="@opt.isbn")]
Category = Annotated[str | None, typer.Option("--category", help="@opt.category")]
Audience = Annotated[str | None, typer.Option("--audience", help="@opt.audience")]
Condition = Annotated[str | None, typer.Option("--condition", help="@opt.condition")]
Note = Annotated[str | None, typer.Option("--note", help="@opt.note")]
Force = Annotated[bool, typer.Option("--force", help="@opt.force_capacity")]


@typed_words("book_status")
class Status(StrEnum):
    in_box = "in_box"
    in_depot = "in_depot"
    not_seen = "not_seen"
    lost = "lost"
    withdrawn = "withdrawn"


def category_name(names: dict[str, tuple[str, str]], key: str) -> str:
    zh, en = names.get(key, (key, key))
    return zh if i18n.current() == "zh" else en


def place(book: dict[str, Any]) -> str:
    if book["box"]:
        return str(book["box"])
    if book["status"] == BookStatus.in_depot:
        return M.DEPOT_NAME()
    return f"({_where(book['last_box'])})" if book.get("last_box") else ""


def _note(note: str) -> str:
    kind, _, number = note.partition(" ")
    if kind in M.HISTORY_NOTES and number.isdigit():
        return M.HISTORY_NOTES[kind](n=number)
    return note


def _where(code: str | None) -> str:
    return M.DEPOT_NAME() if code == "DEPOT" else (code or "")


def render_books(
    page: dict[str, Any],
    names: dict[str, tuple[str, str]],
    title: str | None = None,
    nothing: str | None = None,
) -> None:
    rows = [
        (
            b["code"],
            b["title"],
            b["author"],
            category_name(names, b["category"]),
            place(b),
            status_name(b["status"]),
        )
        for b in page["books"]
    ]
    shown_to = page["offset"] + len(page["books"])
    if page["books"]:
        caption = M.PAGE_CAPTION(first=page["offset"] + 1, last=shown_to, total=page["total"])
    elif page["total"]:
        caption = M.PAGE_PAST_END(offset=page["offset"], total=page["total"])
    else:
        caption = nothing or M.NOTHING_FOUND()
    output.print_table(
        output.table(
            [
                M.COL_CODE(),
                M.COL_TITLE(),
                M.COL_AUTHOR(),
                M.COL_CATEGORY(),
                M.COL_PLACE(),
                M.COL_STATUS(),
            ],
            rows,
            title=title,
            caption=caption,
            drop=[3, 2, 5],  # category, author, status
            empty=caption,
        )
    )
    if shown_to < page["total"]:
        output.note(M.PAGE_MORE(offset=shown_to))


def _render_one(book: dict[str, Any], names: dict[str, tuple[str, str]]) -> None:
    output.stdout().print(
        output.key_values(
            [
                (M.COL_CODE(), book["code"]),
                (M.COL_TITLE(), book["title"]),
                (M.COL_AUTHOR(), book["author"]),
                ("ISBN", book["isbn"]),
                (M.COL_CATEGORY(), category_name(names, book["category"])),
                (M.COL_AUDIENCE(), M.AUDIENCE_NAMES[book["audience"]]()),
                (M.COL_CONDITION(), M.CONDITION_NAMES[book["condition"]]()),
                (
                    M.COL_STATUS(),
                    M.WITHDRAWN_MISTAKE()
                    if book.get("entered_in_error")
                    else status_name(book["status"]),
                ),
                (M.COL_PLACE(), place(book)),
                (M.COL_SITE(), book["site"] or ""),
                (M.COL_SOURCE(), M.SOURCE_NAMES[book["source"]]()),
                (M.COL_DONOR(), book["donor"]),
                (M.COL_ADDED(), book["added_on"]),
                (M.COL_NOTE(), book["note"]),
            ]
        )
    )


@command(app, "list", "@book.list")
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="@opt.filter_site")] = None,
    box: Annotated[str | None, typer.Option("--box", help="@opt.filter_box")] = None,
    category: Category = None,
    status: Annotated[Status | None, typer.Option("--status", help="@opt.book_status")] = None,
    text: Annotated[str | None, typer.Option("--text", help="@opt.text")] = None,
    limit: Annotated[int, typer.Option("--limit", help="@opt.limit", min=1, max=100_000)] = 50,
    offset: Annotated[int, typer.Option("--offset", help="@opt.offset", min=0, max=10**9)] = 0,
    show_contact: ShowContact = False,
    json: Json = False,
) -> None:
    with state(ctx).store.read() as db:
        answer = catalogue.book_list(
            db,
            site=site,
            box=box,
            category=category,
            status=status.value if status else None,
            text=text,
            limit=limit,
            offset=offset,
            show_contact=show_contact,
        )
    output.show(answer.result, json, lambda page: render_books(page, answer.categories))


@command(app, "find", "@book.find")
def find(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="@arg.query", show_default=False)],
    limit: Annotated[int, typer.Option("--limit", help="@opt.limit", min=1, max=100_000)] = 50,
    offset: Annotated[int, typer.Option("--offset", help="@opt.offset", min=0, max=10**9)] = 0,
    json: Json = False,
) -> None:
    from lou_library.errors import Invalid

    if not query.strip():
        raise Invalid(M.EMPTY_QUERY)
    with state(ctx).store.read() as db:
        answer = catalogue.book_list(db, text=query, limit=limit, offset=offset, by_pinyin=True)
    output.show(
        answer.result,
        json,
        lambda page: render_books(
            page,
            answer.categories,
            title=M.FIND_TITLE(query=query),
            nothing=M.FIND_NOTHING(query=query),
        ),
    )


@command(app, "add", "@book.add")
def add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="@opt.title")],
    author: Author = None,
    isbn: Isbn = None,
    category: Category = None,
    box: Annotated[str | None, typer.Option("--box", help="@opt.book_box")] = None,
    audience: Audience = None,
    condition: Condition = None,
    copies: Annotated[int, typer.Option("--copies", help="@opt.copies")] = 1,
    note: Note = None,
    force: Force = False,
    json: Json = False,
) -> None:
    with state(ctx).store.write("book add") as db:
        result = catalogue.book_add(
            db,
            force=force,
            title=title,
            author=author,
            isbn=isbn,
            category=category,
            box=box,
            audience=audience,
            condition=condition,
            copies=copies,
            note=note,
        )
    output.show(result, json, _added)


def _added(result: dict[str, Any]) -> None:
    rows = result["books"]
    where = rows[0]["box"] or M.DEPOT_NAME()
    codes = rows[0]["code"] if len(rows) == 1 else f"{rows[0]['code']}–{rows[-1]['code']}"
    output.done(M.BOOK_ADDED(n=len(rows), codes=codes, title=rows[0]["title"], place=where))


@command(app, "show", "@book.show")
def show(
    ctx: typer.Context, code: Code, show_contact: ShowContact = False, json: Json = False
) -> None:
    with state(ctx).store.read() as db:
        answer = catalogue.book_show(db, code, show_contact)
    output.show(answer.result, json, lambda book: _render_one(book, answer.categories))


@command(app, "edit", "@book.edit")
def edit(
    ctx: typer.Context,
    code: Code,
    title: Title = None,
    author: Author = None,
    isbn: Isbn = None,
    category: Category = None,
    audience: Audience = None,
    condition: Condition = None,
    note: Note = None,
    box: Annotated[str | None, typer.Option("--box", help="@opt.move_box")] = None,
    to_depot: Annotated[bool, typer.Option("--to-depot", help="@opt.to_depot")] = False,
    force: Force = False,
    json: Json = False,
) -> None:
    from lou_library.errors import Invalid

    fields = {
        "title": title,
        "author": author,
        "isbn": isbn,
        "category": category,
        "audience": audience,
        "condition": condition,
        "note": note,
    }
    edits = {k: v for k, v in fields.items() if v is not None}
    if box is not None and to_depot:
        raise Invalid(M.BOX_OR_DEPOT)
    with state(ctx).store.write("book edit") as db:
        book = catalogue.book_edit(db, code, edits, box=box, to_depot=to_depot, force=force)
    output.show(
        book,
        json,
        lambda b: output.done(M.BOOK_EDITED(code=b["code"], title=b["title"], place=place(b))),
    )


@command(app, "history", "@book.history")
def history(ctx: typer.Context, code: Code, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        answer = catalogue.book_history(db, code)
    output.show(answer.result, json, lambda result: _render_history(result, answer.volunteers))


def _render_history(result: dict[str, Any], names: dict[str, str]) -> None:
    book, events = result["book"], result["events"]
    output.print_table(
        output.table(
            [M.COL_WHEN(), M.COL_ACTION(), M.COL_FROM(), M.COL_TO(), M.COL_BY(), M.COL_NOTE()],
            [
                (
                    e["at"].replace("T", " "),
                    M.ACTION_NAMES[e["action"]]() if e["action"] in M.ACTION_NAMES else e["action"],
                    _where(e.get("from")),
                    _where(e.get("to")),
                    names.get(e.get("volunteer") or "", e.get("volunteer"))
                    or f"lou {e['command']}",
                    _note(e.get("note") or ""),
                )
                for e in events
            ],
            title=M.HISTORY_TITLE(code=book["code"], title=book["title"]),
            drop=[4, 2, 5],  # by whom, from where, the note
        )
    )


@command(app, "withdraw", "@book.withdraw")
def withdraw(
    ctx: typer.Context,
    code: Code,
    reason: Annotated[str | None, typer.Option("--reason", help="@opt.reason")] = None,
    mistake: Annotated[bool, typer.Option("--mistake", help="@opt.mistake")] = False,
    json: Json = False,
) -> None:
    from lou_library.rotation import open_tasks_handling

    with state(ctx).store.write("book withdraw") as db:
        book = catalogue.withdraw_book(db, code, reason, mistake=mistake)
        tasks = open_tasks_handling(db, book["code"])
    done = M.BOOK_WITHDRAWN_MISTAKE if mistake else M.BOOK_WITHDRAWN
    output.show(book, json, lambda b: output.done(done(code=b["code"], title=b["title"])))
    for task in tasks:
        output.warn(M.BOOK_ON_OPEN_TASK(code=book["code"], id=task["id"], date=task["date"]))


@command(app, "found", "@book.found")
def found(
    ctx: typer.Context,
    code: Code,
    box: Annotated[str | None, typer.Option("--box", help="@opt.found_box")] = None,
    force: Force = False,
    json: Json = False,
) -> None:
    with state(ctx).store.write("book found") as db:
        book = catalogue.found_book(db, code, box, force=force)
    output.show(
        book,
        json,
        lambda b: output.done(M.BOOK_FOUND(code=b["code"], title=b["title"], place=place(b))),
    )


UPDATES_SHOWN = 100
"""Rows of the table of updated books an import prints (``--json`` lists every code)."""


@command(app, "import", "@book.import")
def import_(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="@arg.import_file", show_default=False)],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="@opt.dry_run")] = False,
    again: Annotated[bool, typer.Option("--again", help="@opt.again")] = False,
    large: Annotated[bool, typer.Option("--large", help="@opt.large")] = False,
    json: Json = False,
) -> None:
    from lou_library import importing, transfer
    from lou_library.book_import import import_books

    file = Path(source)
    with output.Progress(M.PROGRESS_IMPORT_READ(file=file.name), json=json) as progress:
        table = importing.read_table(file)  # read and parsed before the DB is locked
        transfer.check_size(table, large)  # an absurd size is refused before any work
        store = state(ctx).store

        def before_saving(plan: ImportPlan) -> None:
            progress.stage(M.PROGRESS_IMPORT_SAVE(books=plan.books))
            store.backup("import")  # only once the import is known to go through

        progress.stage(M.PROGRESS_IMPORT_CHECK(rows=len(table.rows)))
        with store.read() if dry_run else store.write("book import") as db:
            answer = import_books(
                db, table, file.name, dry_run=dry_run, again=again, before_saving=before_saving
            )
    plan = answer.plan
    for column in plan.ignored_columns:
        output.warn(M.IMPORT_IGNORED_COLUMN(column=column))
    for row in table.repeated_headers:
        output.warn(M.IMPORT_REPEATED_HEADER(row=row))
    for row, first in table.repeated_rows():
        output.warn(M.IMPORT_REPEATED_ROW(row=row, first=first))
    if table.sheets > 1:
        output.note(M.IMPORT_SHEET(sheet=table.sheet, n=table.sheets))
    output.show(answer.result, json, lambda result: _imported(result, answer, file))


def _imported(result: dict[str, Any], answer: ImportAnswer, file: Path) -> None:
    plan = answer.plan
    _show_import_tables(plan, answer.categories, file)
    counts = {"updated": result["updated"], "unchanged": result["unchanged"]}
    first, last = result["first"], result["last"]
    if plan.changes_nothing:
        output.note(M.IMPORT_NOTHING_TO_DO(n=result["rows"]))
    elif result["dry_run"]:
        output.note(M.IMPORT_DRY_RUN(new=result["books"], rows=result["new_rows"], **counts))
    elif first is not None:
        output.done(
            M.IMPORT_DONE(
                new=result["books"],
                rows=result["new_rows"],
                codes=first if first == last else f"{first}–{last}",
                **counts,
            )
        )
    else:
        output.done(M.IMPORT_DONE_UPDATES(**counts))


def _show_import_tables(plan: ImportPlan, names: dict[str, tuple[str, str]], file: Path) -> None:
    """The new books by category, and the first ``UPDATES_SHOWN`` copies the file updates."""
    if plan.specs:
        output.print_table(
            output.table(
                [M.COL_CATEGORY(), M.COL_BOOKS()],
                [(category_name(names, k), n) for k, n in sorted(plan.by_category.items())],
                title=M.IMPORT_TITLE(file=file.name),
                right=[1],
            )
        )
    if plan.updates:
        fields = {
            "title": M.COL_TITLE, "author": M.COL_AUTHOR, "isbn": M.COLUMN_NAMES["isbn"],
            "category": M.COL_CATEGORY, "audience": M.COL_AUDIENCE,
            "condition": M.COL_CONDITION, "donor": M.COL_DONOR, "note": M.COL_NOTE,
        }  # fmt: skip
        output.print_table(
            output.table(
                [M.COL_CODE(), M.COL_TITLE(), M.COL_CHANGES()],
                [
                    (
                        u.code,
                        u.changes.get("title", u.title),
                        ", ".join(fields[k]() for k in sorted(u.changes)),
                    )
                    for u in plan.updates[:UPDATES_SHOWN]
                ],
                title=M.IMPORT_UPDATED_TITLE(),
                drop=[1],  # the title
                caption=M.IMPORT_UPDATED_MORE(
                    shown=UPDATES_SHOWN, n=len(plan.updates) - UPDATES_SHOWN
                )
                if len(plan.updates) > UPDATES_SHOWN
                else None,
            )
        )


@command(app, "export", "@book.export")
def export(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="@arg.export_file", show_default=False)],
    show_contact: ShowContact = False,
) -> None:
    from lou_library import transfer

    file = Path(target)
    store = state(ctx).store
    store.guard_output(file)
    with store.read() as db:
        n = transfer.export_books(db, file, show_contact)
    output.done(M.EXPORT_DONE(n=n, path=file))


@command(categories_app, "list", "@category.list")
def category_list(ctx: typer.Context, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        result = catalogue.category_list(db)
    output.show(result, json, _render_categories)


def _render_categories(result: dict[str, Any]) -> None:
    output.print_table(
        output.table(
            [M.COL_CODE(), "中文", "English", M.COL_BOOKS()],
            [(r["key"], r["zh"], r["en"], r["books"]) for r in result["categories"]],
            right=[3],
            drop=[2],  # the English name
        )
    )


@command(categories_app, "add", "@category.add")
def category_add(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="@arg.category_key", show_default=False)],
    zh: Annotated[str, typer.Option("--zh", help="@opt.category_zh")],
    en: Annotated[str | None, typer.Option("--en", help="@opt.category_en")] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.write("book category add") as db:
        record = catalogue.add_category(db, key, zh, en)
    output.show(
        record,
        json,
        lambda c: output.done(M.CATEGORY_ADDED(key=c["key"], zh=c["zh"], en=c["en"])),
    )


def donate(
    ctx: typer.Context,
    box: Annotated[str, typer.Option("--box", help="@opt.donate_box")],
    title: Annotated[str | None, typer.Option("--title", help="@opt.donate_title")] = None,
    author: Author = None,
    isbn: Annotated[str | None, typer.Option("--isbn", help="@opt.donate_isbn")] = None,
    category: Category = None,
    donor: Annotated[str | None, typer.Option("--donor", help="@opt.donor")] = None,
    copies: Annotated[int, typer.Option("--copies", help="@opt.copies")] = 1,
    scan: Annotated[bool, typer.Option("--scan", help="@opt.donate_scan")] = False,
    yes: Annotated[bool, typer.Option("--yes", "-y", help="@opt.yes")] = False,
    show_contact: ShowContact = False,
    json: Json = False,
) -> None:
    if scan:  # issue 17: ISBNs from a scanner, reviewed, then registered at once
        from lou_library.cli.cmd_stocktake import intake_batch

        intake_batch(ctx, box, donor, yes, json)
        return
    with state(ctx).store.write("donate") as db:
        result = catalogue.donate_books(
            db,
            show_contact=show_contact,
            box=box,
            title=title,
            author=author,
            isbn=isbn,
            category=category,
            donor=donor,
            copies=copies,
        )
    output.show(result, json, _donated)


def _donated(result: dict[str, Any]) -> None:
    rows = result["books"]
    codes = rows[0]["code"] if len(rows) == 1 else f"{rows[0]['code']}–{rows[-1]['code']}"
    output.done(M.DONATED(n=len(rows), codes=codes, title=rows[0]["title"], box=rows[0]["box"]))
    if result["over_capacity"]:
        output.warn(M.DONATE_OVER_CAPACITY(box=rows[0]["box"]))


def register_donate(root: typer.Typer) -> None:
    command(root, "donate", "@donate")(donate)
