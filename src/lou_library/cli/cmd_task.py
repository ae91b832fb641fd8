"""``lou task list | show | done``: the volunteers' side of a round."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lou_library import i18n, rotation
from lou_library import messages as M
from lou_library.cli import output
from lou_library.cli.base import command, group, state
from lou_library.cli.common import Json, named_by_lou_volunteer, route_text
from lou_library.network import DEPOT
from lou_library.text import split_list

app = group("@task")

TaskId = Annotated[str, typer.Argument(help="@arg.task", show_default=False)]


def _codes(values: list[str] | None) -> list[str]:
    """``--missing B1 --missing B2`` or ``--missing B1,B2``, ``B1、B2``, ``"B1 B2"``..."""
    return split_list(values)


def render_checklist(lists: list[Any]) -> None:
    """A volunteer's tasks, soonest first, as tick lists, one table per box."""
    from rich.panel import Panel
    from rich.text import Text

    from lou_library.volunteer_view import grouped, stop_title, weekday, where

    console = output.stdout()
    for plan in lists:
        state_ = M.TASK_STATES[plan.state]()
        header = Text(
            M.PICK_META(
                task=plan.task,
                round=plan.round,
                date=plan.date.isoformat(),
                weekday=weekday(plan.date),
                site=plan.site_name,
                state=state_,
            ),
            style="bold red" if plan.state == "overdue" else "bold",
        )
        if plan.state == "overdue":
            header.append("  ⚠ " + M.PICK_OVERDUE(), style="bold red reverse")
        console.print(Panel(header, expand=False))
        for n, stop in enumerate(plan.stops, start=1):
            rows = []
            for label, items, out in (
                (M.PICK_OUT, stop.take_out, True),
                (M.PICK_IN, stop.put_in, False),
            ):
                for other, batch in grouped(items).items():
                    heading = label(n=len(batch), other=where(other))
                    rows.append(("", heading, plan.handover(other, out)))
                    rows.extend(("☐", item.book, item.title) for item in batch)
            output.print_table(
                output.table(["", M.COL_CODE(), M.COL_TITLE()], rows,
                             title=f"{n}. {stop_title(stop)}")
            )  # fmt: skip


@command(app, "list", "@task.list")
def list_(
    ctx: typer.Context,
    volunteer: Annotated[
        str | None, typer.Option("--volunteer", help="@opt.task_volunteer", envvar="LOU_VOLUNTEER")
    ] = None,
    round_: Annotated[int | None, typer.Option("--round", help="@opt.task_round")] = None,
    all_: Annotated[bool, typer.Option("--all", help="@opt.task_all")] = False,
    target: Annotated[
        str | None, typer.Option("--output", help="@opt.pick_output", metavar="FILE.html")
    ] = None,
    json: Json = False,
) -> None:
    from pathlib import Path

    from lou_library import volunteer_view

    store = state(ctx).store
    with store.read() as db, named_by_lou_volunteer(ctx, volunteer):
        found = volunteer_view.task_listing(
            db, volunteer, round_, everything=all_, pick_lists_wanted=target is not None
        )
    lists = found.lists
    if target:
        path = Path(target)
        store.guard_output(path)
        from lou_library import report_messages as R
        from lou_library.filetypes import HTML, require_suffix
        from lou_library.store import atomic_write_bytes

        require_suffix(path, HTML, R.FORMAT_NAMES["html"])

        atomic_write_bytes(path, volunteer_view.pick_lists_html(lists).encode(), private=False)
        output.done(M.PICK_WRITTEN(n=len(lists), path=path))
        return

    def human(document: dict[str, Any]) -> None:
        if volunteer:
            if not lists:
                output.note(M.PICK_NONE(name=found.name))
            render_checklist(lists)
        else:
            _render_tasks(document["tasks"], round_, all_)

    output.show(found.document(), json, human)


def _render_tasks(rows: list[dict[str, Any]], round_: int | None, all_: bool) -> None:
    output.print_table(
        output.table(
            [
                M.COL_ID(),
                M.COL_DATE(),
                M.COL_VOLUNTEER(),
                M.COL_SITE(),
                M.COL_ROUTE(),
                M.COL_BOOKS(),
                M.COL_STATUS(),
            ],
            [
                (
                    r["id"],
                    r["date"],
                    r["volunteer_name"] or M.TASK_NO_VOLUNTEER(),
                    r["site_name"],
                    route_text(r["boxes"]),
                    r["books"],
                    M.TASK_STATES[r["status"]](),
                )
                for r in rows
            ],
            title=M.TASKS_TITLE(),
            right=[0, 5],
            empty=M.NO_TASKS_IN_ROUND(round=round_)
            if round_ is not None
            else (M.NO_TASKS() if all_ else M.NO_OPEN_TASKS()),
            drop=[3, 5, 1],  # the site (the route names it), books, date
        )
    )


def _where(box: str) -> str:
    return M.DEPOT_NAME() if box == DEPOT else box


@command(app, "show", "@task.show")
def show(ctx: typer.Context, task_id: TaskId, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        row = rotation.show_task(db, task_id)
    output.show(row, json, _render_task)


def _render_task(row: dict[str, Any]) -> None:
    output.print_table(
        output.table(
            [M.COL_BOXES(), M.COL_OUT(), M.COL_IN()],
            [
                (
                    stop["box"],
                    "\n".join(f"{book} → {_where(to)}" for book, to in stop["take_out"]),
                    "\n".join(f"{book} ← {_where(src)}" for book, src in stop["put_in"]),
                )
                for stop in row["stops"]
            ],
            title=M.TASK_TITLE(
                id=row["id"],
                round=row["round"],
                date=row["date"],
                site=row["site_name"],
                volunteer=row["volunteer_name"] or M.TASK_NO_VOLUNTEER(),
            ),
        )
    )


@command(app, "swap", "@task.swap")
def swap(
    ctx: typer.Context,
    task_id: TaskId,
    to: Annotated[str, typer.Option("--to", help="@opt.swap_to")],
    force: Annotated[bool, typer.Option("--force", help="@opt.swap_force")] = False,
    json: Json = False,
) -> None:
    with state(ctx).store.write("task swap") as db:
        row = rotation.swap(db, task_id, to, force=force)
    output.show(row, json, lambda r: output.done(M.SWAPPED(id=r["id"], name=r["volunteer_name"])))


@command(app, "done", "@task.done")
def done(
    ctx: typer.Context,
    task_id: TaskId,
    missing: Annotated[list[str] | None, typer.Option("--missing", help="@opt.missing")] = None,
    extra: Annotated[list[str] | None, typer.Option("--extra", help="@opt.extra")] = None,
    amend: Annotated[bool, typer.Option("--amend", help="@opt.amend")] = False,
    hours: Annotated[
        str | None, typer.Option("--hours", help="@opt.task_hours", metavar="H")
    ] = None,
    scan: Annotated[bool, typer.Option("--scan", help="@opt.task_scan")] = False,
    json: Json = False,
) -> None:
    if scan:  # issue 17: the logic is in lou_library.stocktake
        from lou_library.cli.cmd_stocktake import task_scan

        task_scan(ctx, task_id, hours, json, alone=not (missing or extra or amend))
        return
    if amend:
        _amend(ctx, task_id, _codes(missing), _codes(extra), hours, json)
        return
    with state(ctx).store.write("task done") as db:
        found = rotation.report_done(db, task_id, _codes(missing), _codes(extra), hours)
    output.show(found, json, lambda task: _render_done(task, said_hours=hours is not None))


@command(app, "reopen", "@task.reopen")
def reopen(ctx: typer.Context, task_id: TaskId, json: Json = False) -> None:
    from lou_library.corrections import reopen_task

    with state(ctx).store.write("task reopen") as db:
        found = reopen_task(db, task_id)

    def said(result: dict[str, Any]) -> None:
        n = len(result["back"])
        books = M.TASK_REOPENED_BOOKS(n=n) if n else ""
        output.done(M.TASK_REOPENED(id=result["id"], books=books))

    output.show(found, json, said)


def _render_done(task: dict[str, Any], *, said_hours: bool) -> None:
    from lou_library import service_messages as S
    from lou_library.text import hours_text

    parts = [M.TASK_DONE(id=task["id"])]
    if task["missing"]:
        parts.append(M.TASK_DONE_MISSING(n=len(task["missing"])))
    if task["extra"]:
        parts.append(M.TASK_DONE_EXTRA(n=len(task["extra"])))
    if said_hours:  # (otherwise the estimate counts: lou task show says how long)
        parts.append(S.TASK_HOURS(hours=hours_text(task["hours"])))
    output.done(("" if i18n.current() == "zh" else " ").join(parts))


def _amend(
    ctx: typer.Context,
    task_id: str,
    missing: list[str],
    extra: list[str],
    hours: str | None,
    json: bool,
) -> None:
    from lou_library.corrections import amend

    with state(ctx).store.write("task done --amend") as db:
        found = amend(db, task_id, missing, extra, hours)
    output.show(found, json, lambda f: _render_amended(f, said_hours=hours is not None))


def _render_amended(found: dict[str, Any], *, said_hours: bool) -> None:
    from lou_library import service_messages as S
    from lou_library.text import hours_text

    parts = [M.TASK_AMENDED(id=found["id"])]
    if found["added_missing"]:
        parts.append(M.TASK_DONE_MISSING(n=len(found["added_missing"])))
    if found["added_extra"]:
        parts.append(M.TASK_DONE_EXTRA(n=len(found["added_extra"])))
    if said_hours:
        parts.append(S.TASK_HOURS(hours=hours_text(found["hours"])))
    output.done(("" if i18n.current() == "zh" else " ").join(parts))
    if found["seen_since"]:
        output.warn(M.AMEND_SEEN_SINCE(codes=", ".join(found["seen_since"])))
