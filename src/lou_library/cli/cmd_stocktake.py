"""``lou stocktake BOX``, ``lou task done ID --scan`` and ``lou donate --scan``: codes read
in the field, from a barcode scanner on standard input, a file, or phone photos."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from lou_library import messages as M
from lou_library.cli import output
from lou_library.cli.base import command, state
from lou_library.cli.common import Json

if TYPE_CHECKING:
    from lou_library.repository import Repository
    from lou_library.store import AnyStore


def _lines() -> Iterator[str]:
    """Standard input line by line as it comes (a scanner types a code and Enter)."""
    return iter(sys.stdin.readline, "")


def _interactive() -> bool:
    return sys.stdin.isatty()


def echo_line(db: Repository, code: str, seen: set[str]) -> str:
    """What the volunteer sees after each code read: its title, or what it is instead."""
    from lou_library.records import BOOKS, BOXES, normalise_code
    from lou_library.stocktake import as_isbn

    wanted = normalise_code(code)
    if wanted in seen:
        return M.ST_ECHO_AGAIN(code=wanted)
    seen.add(wanted)
    book = db.get(BOOKS, wanted)
    if book is not None:
        return M.ST_ECHO_BOOK(code=wanted, title=book["title"])
    if db.get(BOXES, wanted) is not None:
        return M.ST_BOX_CODE(code=wanted)
    isbn = as_isbn(wanted)
    return M.ST_ECHO_ISBN(isbn=isbn) if isbn else M.ST_ECHO_UNKNOWN(code=wanted)


def _read_run(store: AnyStore, prompt: str, *, to_the_end: bool = False) -> list[str]:
    """One run of codes from standard input, up to an empty line or the end; at a
    terminal each code is echoed with its title as it is read. ``to_the_end``: from a
    file or a pipe, every code to the end (an empty line ends a run only at a terminal)."""
    from lou_library.stocktake import codes_from_lines, codes_to_the_end

    if not _interactive():
        return codes_to_the_end(_lines()) if to_the_end else list(codes_from_lines(_lines()))
    output.note(prompt)
    codes = []
    seen: set[str] = set()
    with store.read() as db:
        for code in codes_from_lines(_lines()):
            output.note(echo_line(db, code, seen))
            codes.append(code)
    return codes


# ------------------------------------------------------------------- lou stocktake


def _where(book: dict[str, Any]) -> str:
    code = book["was"]
    if code is None:
        status = M.STATUS_NAMES[book["was_status"]]()
        return M.ST_WAS_MISSING(status=status, box=book["last_box"] or "-")
    return M.ST_WAS(where=M.DEPOT_NAME() if code == "DEPOT" else code)


def _rows(result: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    box = result["box"]
    rows = []
    for book in result["books"]:
        note = ""
        if book["result"] == "found_here":
            note = _where(book)
        elif book["result"] == "withdrawn":
            note = M.ST_WITHDRAWN_HINT(code=book["code"], box=box)
        rows.append((book["code"], book["title"], M.ST_RESULTS[book["result"]](), note))
    rows += [(c, "", M.ST_RESULTS["unknown"](), M.ST_UNKNOWN_HINT()) for c in result["unknown"]]
    for offer in result["offers"]:
        isbn = offer["isbn"]
        note = (
            M.ST_OFFER(title=offer["title"], box=box, isbn=isbn)
            if offer["title"] is not None
            else M.ST_INTAKE(box=box, isbn=isbn)
        )
        rows.append((isbn, offer["title"] or "", M.ST_RESULTS["isbn_only"](), note))
    return rows


def render_count(result: dict[str, Any]) -> None:
    """One box's stocktake: a row per copy, then the counts."""
    output.print_table(
        output.table(
            [M.COL_CODE(), M.COL_TITLE(), M.COL_RESULT(), M.COL_NOTE()],
            _rows(result),
            title=M.ST_TITLE(box=result["box"]),
            drop=[3],
        )
    )
    output.note(
        M.ST_SUMMARY(
            box=result["box"],
            present=len(result["present"]),
            not_seen=len(result["not_seen"]),
            found=len(result["found_here"]),
            withdrawn=len(result["withdrawn"]),
            unknown=len(result["unknown"]),
            isbn=len(result["isbn_only"]),
        )
    )


def _warn_box_codes(result: dict[str, Any]) -> None:
    for code in result["box_codes"]:
        output.warn(M.ST_BOX_CODE(code=code))


def _render_stocktake(result: dict[str, Any]) -> None:
    render_count(result)
    if result["dry_run"]:
        output.note(M.ST_DRY_RUN())
    else:
        output.done(M.ST_SAVED(id=result["stocktake"], box=result["box"]))
    if result["over_capacity"]:
        output.warn(M.DONATE_OVER_CAPACITY(box=result["box"]))


def stocktake(
    ctx: typer.Context,
    box: Annotated[str, typer.Argument(help="@arg.stocktake_box", show_default=False)],
    more: Annotated[
        list[str] | None,
        typer.Argument(help="@arg.stocktake_more", show_default=False, metavar="[IMAGE]..."),
    ] = None,
    photo: Annotated[
        list[str] | None, typer.Option("--photo", help="@opt.stocktake_photo", metavar="IMAGE")
    ] = None,
    from_: Annotated[
        str | None, typer.Option("--from", help="@opt.stocktake_from", metavar="FILE")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="@opt.dry_run_stocktake")] = False,
    undo: Annotated[bool, typer.Option("--undo", help="@opt.stocktake_undo")] = False,
    json: Json = False,
) -> None:
    from lou_library import stocktake as rules

    store = state(ctx).store
    if undo:
        if dry_run or photo or more or from_ is not None:  # (not read, not previewed)
            from lou_library.errors import Invalid

            raise Invalid(M.ST_UNDO_ALONE)
        with store.write("stocktake --undo") as db:
            taken = rules.undo_stocktake(db, box)
        output.show(taken, json, lambda r: output.done(
            M.ST_UNDONE(id=r["stocktake"], box=r["box"], n=r["total"])))  # fmt: skip
        return
    if more and not photo:  # `--photo *.jpg`: the shell gives the other photos as arguments
        from lou_library.errors import Invalid

        raise Invalid(M.ST_PHOTOS_ONLY, value=more[0])
    photos = [Path(p) for p in (*(photo or []), *(more or []))]
    codes: list[str] = []
    if photos:
        codes += rules.codes_from_photos(photos)
    if from_ is not None:
        codes += rules.codes_from_file(Path(from_))
    if not photos and from_ is None:
        shown = box
        if _interactive():  # a wrong box is said before anything is scanned
            with store.read() as db:
                shown = rules.box_to_count(db, box)
        codes = _read_run(store, M.ST_PROMPT(box=shown), to_the_end=True)
    if dry_run:
        with store.read() as db:
            result = rules.stocktake(db, box, codes, dry_run=True)
    else:
        with store.write("stocktake") as db:
            result = rules.stocktake(db, box, codes)
    _warn_box_codes(result)
    output.show(result, json, _render_stocktake)


def register(root: typer.Typer) -> None:
    command(root, "stocktake", "@stocktake")(stocktake)


# ------------------------------------------------------------ lou task done --scan


def task_scan(
    ctx: typer.Context, task_id: str, hours: str | None, json: bool, *, alone: bool
) -> None:
    """``lou task done ID --scan``: the walk's boxes one after the other from standard
    input, then the report, in one unit of work."""
    from lou_library import stocktake as rules

    if not alone:
        from lou_library.errors import Invalid

        raise Invalid(M.ST_SCAN_ALONE)
    store = state(ctx).store
    with store.read() as db:
        walk = rules.task_boxes(db, task_id)
    boxes = walk["boxes"]
    if _interactive():
        groups = []
        for n, box in enumerate(boxes, start=1):
            groups.append(_read_run(store, M.ST_TASK_PROMPT(n=n, total=len(boxes), box=box)))
    else:
        groups = rules.groups_from_lines(_lines(), len(boxes))
    with store.write("task done --scan") as db:
        found = rules.scan_task(db, walk["id"], groups, hours)
    for box in found["boxes"]:
        _warn_box_codes(box)
    output.show(found, json, lambda f: _render_scanned(f, said_hours=hours is not None))


def _render_scanned(found: dict[str, Any], *, said_hours: bool) -> None:
    """A walk's stocktakes: what was not as recorded, box by box (the books present are
    only counted: seven boxes of 24 would be a long list), then the report."""
    from lou_library import report_messages as R
    from lou_library.cli.cmd_task import _render_done

    present = M.ST_RESULTS["present"]()
    rows = [(box["box"], *row) for box in found["boxes"] for row in _rows(box) if row[2] != present]
    output.print_table(
        output.table(
            [R.COL_BOX(), M.COL_CODE(), M.COL_TITLE(), M.COL_RESULT(), M.COL_NOTE()],
            rows,
            title=M.ST_TASK_TITLE(id=found["id"]),
            drop=[4],
            empty=M.ST_TASK_ALL_PRESENT(),
        )
    )
    for box in found["boxes"]:
        output.note(
            M.ST_TASK_BOX(
                box=box["box"],
                present=len(box["present"]),
                not_seen=len(box["not_seen"]),
                found=len(box["found_here"]),
            )
        )
    _render_done(found, said_hours=said_hours)


# ---------------------------------------------------------------- lou donate --scan


def _render_review(planned: dict[str, Any]) -> None:
    rows = [
        (
            r["isbn"],
            r["title"] if r["title"] is not None else "",
            r["author"] or "",
            r["copies"],
            "" if r["title"] is not None else M.INTAKE_NEW(),
        )
        for r in planned["rows"]
    ]
    output.print_table(
        output.table(
            [M.COL_ISBN(), M.COL_TITLE(), M.COL_AUTHOR(), M.COL_COPIES(), M.COL_NOTE()],
            rows,
            title=M.INTAKE_TITLE(box=planned["box"]),
            right=[3],
            drop=[2, 4],
        )
    )


def intake_batch(ctx: typer.Context, box: str, donor: str | None, yes: bool, json: bool) -> None:
    """``lou donate --box BOX --scan``: ISBNs from a scanner, a review, then one batch."""
    from lou_library import intake

    store = state(ctx).store
    texts = _read_run(store, M.INTAKE_PROMPT())
    with store.read() as db:
        planned = intake.review(db, box, texts)
    for text in planned["not_isbn"]:
        output.warn(M.INTAKE_BAD(value=text))
    if not json:
        _render_review(planned)
    if planned["copies"] == 0:
        from lou_library.errors import Invalid

        raise Invalid(M.INTAKE_NOTHING)
    if not yes:
        sys.stderr.write(M.INTAKE_CONFIRM(n=planned["copies"]))
        sys.stderr.flush()
        answer = sys.stdin.readline().strip().lower()
        if not _interactive():  # the answer came from a pipe: end the question's line
            sys.stderr.write("\n")
        if answer not in ("y", "yes", "是", "好"):
            from lou_library.errors import Invalid

            raise Invalid(M.INTAKE_NOT_CONFIRMED)
    with store.write("donate --scan") as db:
        found = intake.register(db, intake.review(db, box, texts), donor)
    output.show(found, json, _render_registered)


def _render_registered(found: dict[str, Any]) -> None:
    books = found["books"]
    codes = books[0] if len(books) == 1 else f"{books[0]}–{books[-1]}"
    output.done(M.INTAKE_DONE(n=found["total"], codes=codes, box=found["box"]))
    if found["unknown"]:
        output.warn(M.INTAKE_UNKNOWN_LEFT(box=found["box"], isbns=", ".join(found["unknown"])))
