"""``lou schedule show | set``: when the rounds fall."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from lou_library import clock, i18n, rotation, schedule
from lou_library import messages as M
from lou_library.cli import output
from lou_library.cli.base import command, group, state
from lou_library.cli.cmd_rotate import weekday
from lou_library.cli.common import Json, named_by_lou_volunteer

app = group("@schedule")


def _reason(when: schedule.RoundDate) -> str:
    """Why a round moved, in the interface language (the rules keep the English name)."""
    return schedule.closed_reason(when.planned, i18n.current()) or when.reason


@command(app, "show", "@schedule.show")
def show(
    ctx: typer.Context,
    rounds: Annotated[int, typer.Option("--rounds", help="@opt.schedule_rounds")] = 6,
    json: Json = False,
) -> None:
    with state(ctx).store.read() as db:
        found = rotation.upcoming_rounds(db, rounds)
    output.show(found, json, _render_upcoming)


def _render_upcoming(document: dict[str, Any]) -> None:
    found = [
        schedule.RoundDate(
            r["round"],
            date.fromisoformat(r["planned_date"]),
            date.fromisoformat(r["date"]),
            r["moved_because"],
        )
        for r in document["rounds"]
    ]
    today = clock.today()  # a round still to apply whose date has passed is late, not skipped
    output.print_table(
        output.table(
            [M.COL_ROUND(), M.COL_DATE(), M.COL_WEEKDAY(), M.COL_NOTE_MOVED()],
            [
                (
                    r.number,
                    r.date.isoformat(),
                    weekday(r.date),
                    " ".join(
                        note
                        for note in (
                            M.PLAN_MOVED(planned=r.planned, date=r.date, reason=_reason(r))
                            if r.reason
                            else "",
                            M.SCHEDULE_LATE_NOTE() if r.date < today else "",
                        )
                        if note
                    ),
                )
                for r in found
            ],
            title=M.SCHEDULE_TITLE(),
            right=[0],
            drop=[2],  # the weekday
        )
    )


@command(app, "ics", "@schedule.ics")
def ics(
    ctx: typer.Context,
    target: Annotated[str, typer.Argument(help="@arg.ics_file", show_default=False)],
    volunteer: Annotated[
        str | None, typer.Option("--volunteer", help="@opt.task_volunteer", envvar="LOU_VOLUNTEER")
    ] = None,
) -> None:
    from pathlib import Path

    from lou_library import volunteer_view
    from lou_library.filetypes import ICS, require_suffix
    from lou_library.store import atomic_write_bytes

    path = Path(target)
    store = state(ctx).store
    store.guard_output(path)
    require_suffix(path, ICS, M.CALENDAR_FORMAT)
    with store.read() as db, named_by_lou_volunteer(ctx, volunteer):
        payload, walks = volunteer_view.volunteer_calendar(db, volunteer)
    atomic_write_bytes(path, payload, private=False)
    output.done(M.CALENDAR_WRITTEN(n=walks, path=path))


@command(app, "set", "@schedule.set")
def set_(
    ctx: typer.Context,
    start: Annotated[
        str | None, typer.Option("--start", help="@opt.schedule_start", metavar="YYYY-MM-DD")
    ] = None,
    skip_holidays: Annotated[
        bool | None, typer.Option("--skip-holidays/--keep-holidays", help="@opt.skip_holidays")
    ] = None,
    json: Json = False,
) -> None:
    with state(ctx).store.write("schedule set") as db:
        found = rotation.set_schedule(db, start, skip_holidays)
    output.show(found, json, _render_set)


def _render_set(final: dict[str, Any]) -> None:
    settings = {k: v for k, v in final.items() if k not in ("round_1", "late")}
    first = schedule.round_date({"rotation": settings}, 1)  # off a holiday too
    holidays = M.SCHEDULE_HOLIDAYS_ON if final["skip_holidays"] else M.SCHEDULE_HOLIDAYS_OFF
    if first.reason:
        output.done(
            M.SCHEDULE_SET_MOVED(
                start=final["start"],
                date=first.date,
                reason=_reason(first),
                interval=final["interval_days"],
                holidays=holidays(),
            )
        )
    else:
        output.done(
            M.SCHEDULE_SET(
                start=final["start"], interval=final["interval_days"], holidays=holidays()
            )
        )
    if final["late"]:
        output.warn(M.SCHEDULE_START_PAST(date=first.date))
