"""``lou task list | show | done``: the volunteers' side of a round."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lou_library import clock, rotation
from lou_library import messages as M
from lou_library.cli import output
from lou_library.cli.base import command, group, state
from lou_library.cli.common import Json, route_text

app = group("@task")

TaskId = Annotated[str, typer.Argument(help="@arg.task", show_default=False)]


def _codes(values: list[str] | None) -> list[str]:
    """``--missing B1 --missing B2`` or ``--missing B1,B2`` or ``--missing "B1 B2"``."""
    found: list[str] = []
    for value in values or []:
        found.extend(part for part in value.replace("，", ",").replace(",", " ").split() if part)
    return found


def task_row(task: dict[str, Any], names: dict[str, str], people: dict[str, str]) -> dict[str, Any]:
    state_ = rotation.task_state(task, clock.today())
    return {
        "id": task["id"],
        "round": task["round"],
        "date": task["date"],
        "volunteer": task.get("volunteer"),
        "volunteer_name": people.get(task.get("volunteer") or "", ""),
        "site": task["site"],
        "site_name": names.get(task["site"], task["site"]),
        "boxes": task["boxes"],
        "books": task["books"],
        "status": state_,
        "missing": task.get("missing", []),
        "extra": task.get("extra", []),
        "stops": task["stops"],
    }


def _lookups(db: Any) -> tuple[dict[str, str], dict[str, str]]:
    from lou_library.records import SITES, VOLUNTEERS, docs

    return (
        {s["code"]: s["name"] for s in docs(db, SITES)},
        {v["code"]: v["name"] for v in docs(db, VOLUNTEERS)},
    )


@command(app, "list", "@task.list")
def list_(
    ctx: typer.Context,
    volunteer: Annotated[
        str | None, typer.Option("--volunteer", help="@opt.task_volunteer")
    ] = None,
    round_: Annotated[int | None, typer.Option("--round", help="@opt.task_round")] = None,
    all_: Annotated[bool, typer.Option("--all", help="@opt.task_all")] = False,
    json: Json = False,
) -> None:
    with state(ctx).store.read() as db:
        tasks = rotation.list_tasks(db, volunteer, round_, open_only=not all_ and round_ is None)
        names, people = _lookups(db)
    rows = [task_row(t, names, people) for t in tasks]
    if json:
        output.emit_json({"tasks": rows, "total": len(rows)})
        return
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
        )
    )


@command(app, "show", "@task.show")
def show(ctx: typer.Context, task_id: TaskId, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        _, task = rotation.get_task(db, task_id)
        names, people = _lookups(db)
    row = task_row(task, names, people)
    if json:
        output.emit_json(row)
        return
    output.print_table(
        output.table(
            [M.COL_BOXES(), M.COL_OUT(), M.COL_IN()],
            [
                (
                    stop["box"],
                    "\n".join(f"{book} → {to}" for book, to in stop["take_out"]),
                    "\n".join(f"{book} ← {source}" for book, source in stop["put_in"]),
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


@command(app, "done", "@task.done")
def done(
    ctx: typer.Context,
    task_id: TaskId,
    missing: Annotated[list[str] | None, typer.Option("--missing", help="@opt.missing")] = None,
    extra: Annotated[list[str] | None, typer.Option("--extra", help="@opt.extra")] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.write("task done") as db:
        task = rotation.complete_task(db, task_id, _codes(missing), _codes(extra))
    if json:
        output.emit_json(
            {
                "id": task["id"],
                "status": task["status"],
                "missing": task["missing"],
                "extra": task["extra"],
            }
        )
    else:
        output.done(
            M.TASK_DONE(id=task["id"], missing=len(task["missing"]), extra=len(task["extra"]))
        )
