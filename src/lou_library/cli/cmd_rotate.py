"""``lou rotate plan | apply | undo | status | history | simulate | settings``."""

# (No postponed annotations in a command module: see lou_library.cli.)

from datetime import date
from typing import Annotated, Any

import typer

from lou_library import clock, collector, i18n, rotation, schedule
from lou_library import messages as M
from lou_library import service_messages as S
from lou_library.cli import output
from lou_library.cli.base import command, group, state
from lou_library.cli.common import Json, route_text
from lou_library.errors import Invalid

app = group("@rotate")

DateOption = Annotated[
    str | None, typer.Option("--date", help="@opt.round_date", metavar="YYYY-MM-DD")
]


def weekday(day: date) -> str:
    return M.WEEKDAYS().split()[day.weekday()]


def percent(value: float) -> str:
    return f"{value * 100:.1f}%"


def _date(text: str | None) -> date | None:
    from lou_library.schedule import parse_date

    return parse_date(text) if text else None


def render_plan(plan: dict[str, Any], names: dict[str, str]) -> None:
    figures = plan["figures"]
    day = date.fromisoformat(plan["date"])
    title = M.PLAN_TITLE(number=plan["round"], date=plan["date"], weekday=weekday(day))
    rows = []
    for number, task in enumerate(plan["tasks"], start=1):
        who = task["volunteer_name"] or M.TASK_NO_VOLUNTEER()
        if task["borrowed_from"]:
            who += f" ({task['borrowed_from']})"
        out = sum(len(s["take_out"]) for s in task["stops"])
        into = sum(len(s["put_in"]) for s in task["stops"])
        rows.append(
            (
                task.get("id", number),
                names.get(task["site"], task["site"]),
                who,
                route_text(task["boxes"]),
                out,
                into,
            )
        )
    output.print_table(
        output.table(
            [M.COL_ID(), M.COL_SITE(), M.COL_VOLUNTEER(), M.COL_ROUTE(), M.COL_OUT(), M.COL_IN()],
            rows,
            title=title,
            right=[0, 4, 5],
            drop=[1, 5, 4],  # the site (the route names it), books in, books out
        )
    )
    if plan["moved_because"]:
        planned = date.fromisoformat(plan["planned_date"])
        reason = schedule.closed_reason(planned, i18n.current()) or plan["moved_because"]
        output.note(M.PLAN_MOVED(planned=planned, date=plan["date"], reason=reason))
    output.note(
        M.PLAN_SUMMARY(
            moves=figures["moves"],
            inside=percent(figures["inside_site"]),
            stay=_stay_in_site(figures),
            from_depot=figures["from_depot"],
            to_depot=figures["to_depot"],
            fresh=percent(figures["freshness"]),
            titles=percent(figures["title_freshness"]),
            leg=figures["heaviest_leg"],
        )
    )
    _forecast_note(plan.get("forecast") or {})
    if plan["short"]:
        books = sum(plan["short"].values())
        output.warn(M.PLAN_SHORT(n=len(plan["short"]), books=books))
    if plan["newly_lost"]:
        output.warn(M.PLAN_LOST(n=len(plan["newly_lost"])))
    for note in plan["notes"]:
        output.warn(rotation.note_text(note, i18n.current()))


def _forecast_note(forecast: dict[str, Any]) -> None:
    """When the library room runs out and the books a half year that keep up (once a
    loss has been seen)."""
    if forecast.get("depot_empty_round"):
        output.note(
            M.PLAN_FORECAST(
                rounds=forecast["rounds_seen"],
                rate=forecast["lost_per_round"],
                empty=forecast["depot_empty_round"],
                need=forecast["books_per_half_year"],
            )
        )


def site_names(db: Any) -> dict[str, str]:
    return rotation.site_names(db)


@command(app, "plan", "@rotate.plan")
@collector.paused()  # (a county's plan: a million moves and a table of 7,000 walks)
def plan(ctx: typer.Context, on: DateOption = None, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        document = rotation.preview_round(db, on=_date(on))
        names = rotation.site_names(db)
        ahead = rotation.last_applied(db)

    def human(document: dict[str, Any]) -> None:
        render_plan(document, names)
        if ahead and date.fromisoformat(ahead["date"]) >= clock.today():
            output.note(M.ROUND_AHEAD_NOTE(number=ahead["number"], date=ahead["date"]))
        if document["moves"] or document["newly_lost"]:  # (as apply decides)
            output.note(M.PLAN_PREVIEW())
        else:
            output.warn(M.PLAN_NOTHING_TO_MOVE())

    output.show(document, json, human)


AllowUnassigned = Annotated[
    bool, typer.Option("--allow-unassigned", help="@opt.allow_unassigned", show_default=False)
]


@command(app, "apply", "@rotate.apply")
@collector.paused()  # (see rotate plan)
def apply(
    ctx: typer.Context,
    on: DateOption = None,
    allow_unassigned: AllowUnassigned = False,
    json: Json = False,
) -> None:
    store = state(ctx).store
    with store.write("rotate apply") as db:
        names = rotation.site_names(db)
        document = rotation.apply_next(
            db,
            on=_date(on),
            before=store.backup_ahead("apply"),
            allow_unassigned=allow_unassigned,
            moves=json,
        )

    def human(document: dict[str, Any]) -> None:
        render_plan(document, names)
        output.done(
            M.ROUND_APPLIED(
                number=document["round"],
                date=document["date"],
                moves=document["figures"]["moves"],
                tasks=len(document["tasks"]),
            )
        )

    output.show(document, json, human)


@command(app, "undo", "@rotate.undo")
@collector.paused()
def undo(ctx: typer.Context, json: Json = False) -> None:
    store = state(ctx).store
    with store.write("rotate undo") as db:
        found = rotation.undo_round(db, before=store.backup_ahead("undo"))
    output.show(
        found, json, lambda r: output.done(M.ROUND_UNDONE(number=r["round"], date=r["date"]))
    )


@command(app, "redate", "@rotate.redate")
def redate(
    ctx: typer.Context,
    on: Annotated[str, typer.Argument(help="@arg.redate", metavar="DATE")],
    json: Json = False,
) -> None:
    from lou_library.schedule import parse_date

    when = parse_date(on, "DATE")
    with state(ctx).store.write("rotate redate") as db:
        found = rotation.redate_last(db, when)

    def human(r: dict[str, Any]) -> None:
        output.done(M.ROUND_REDATED(number=r["round"], was=r["was"], date=r["date"],
                                    n=len(r["tasks"])))  # fmt: skip
        if r["away"]:
            ids = M.LIST_SEPARATOR().join(map(str, r["away"]))
            away = r["away"]
            output.warn(M.REDATE_AWAY(tasks=ids, date=r["date"], first=away[0], n=len(away)))

    output.show(found, json, human)


@command(app, "status", "@rotate.status")
def status(ctx: typer.Context, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        found = rotation.round_status(db)
    output.show(found, json, _render_status)


def _render_status(found: dict[str, Any]) -> None:
    if found["round"] is None:
        output.note(M.STATUS_NONE(number=found["next_round"], date=found["next_date"]))
        return
    output.stdout().print(
        output.key_values(
            [
                (M.COL_ROUND(), found["round"]),
                (M.COL_DATE(), found["date"]),
                (M.COL_TASKS(), found["tasks"]),
                (M.COL_DONE(), found["done"]),
                (M.COL_OPEN(), found["open"]),
                (M.COL_OVERDUE(), found["overdue"]),
                (M.COL_FRESH(), percent(found["figures"]["freshness"])),
                (M.COL_INSIDE(), percent(found["figures"]["inside_site"])),
                (
                    M.INFO_NEXT_ROUND(),
                    M.INFO_NEXT_ROUND_VALUE(number=found["next_round"], date=found["next_date"]),
                ),
            ],
            title=M.STATUS_TITLE(),
        )
    )


@command(app, "history", "@rotate.history")
def history(ctx: typer.Context, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        found = rotation.history_document(db)
    output.show(found, json, _render_history)


def _share(figures: dict[str, Any], name: str) -> str:
    """A share as a percentage, "-" for a round that has not the figure."""
    return "-" if figures.get(name) is None else percent(figures[name])


def _render_history(found: dict[str, Any]) -> None:
    output.print_table(
        output.table(
            [
                M.COL_ROUND(),
                M.COL_DATE(),
                M.COL_MOVES(),
                M.COL_FRESH(),
                M.COL_TITLES_FRESH(),
                M.COL_INSIDE(),
                M.COL_STAY_IN_SITE(),
                M.COL_TASKS(),
                M.COL_DONE(),
                M.COL_OPEN(),
                M.COL_OVERDUE(),
            ],
            [
                (
                    r["round"],
                    r["date"],
                    r["moves"],
                    percent(r["freshness"]),
                    # (a round applied before a figure was kept has none)
                    _share(r, "title_freshness"),
                    _share(r, "inside_site"),
                    _share(r, "stay_in_site") if r.get("changed_box") else "-",
                    r["tasks"],
                    r["done"],
                    r["open"],
                    r["overdue"],
                )
                for r in found["rounds"]
            ],
            title=M.HISTORY_ROUNDS_TITLE(),
            empty=M.NO_ROUNDS(),
            right=[0, 2, 3, 4, 5, 6, 7, 8, 9, 10],
            drop=[6, 4, 3, 5, 7, 8, 2],  # keep the round, its date and what is overdue
        )
    )


@command(app, "simulate", "@rotate.simulate")
def simulate(
    ctx: typer.Context,
    rounds: Annotated[int, typer.Option("--rounds", help="@opt.sim_rounds")] = 26,
    loss: Annotated[float, typer.Option("--loss", help="@opt.sim_loss")] = 0.0,
    returns: Annotated[float, typer.Option("--returns", help="@opt.sim_returns")] = 0.3,
    donations: Annotated[int, typer.Option("--donations", help="@opt.sim_donations")] = 0,
    away: Annotated[float, typer.Option("--away", help="@opt.sim_away")] = 0.0,
    seed: Annotated[int, typer.Option("--seed", help="@opt.sim_seed")] = 2020,
    change: Annotated[
        float | None, typer.Option("--change", help="@opt.sim_change", show_default=False)
    ] = None,
    json: Json = False,
) -> None:
    from lou_library import simulate as sim
    from lou_library.errors import Invalid

    if not 1 <= rounds <= 500:
        raise Invalid(M.BAD_ROUNDS, value=rounds, limit=500)
    for name, value in (("--loss", loss), ("--returns", returns), ("--away", away)):
        if not 0.0 <= value <= 1.0:
            raise Invalid(M.BAD_SHARE, what=name, value=value)
    if change is not None and not 0.0 < change <= 1.0:
        raise Invalid(M.BAD_SHARE, what="--change", value=change)
    if not 0 <= donations <= 1000:
        raise Invalid(M.BAD_COPIES, value=donations, limit=1000)
    store = state(ctx).store
    with store.read() as db:
        data = db.document()
    with output.Progress(M.PROGRESS_SIMULATE(), rounds, json=json) as progress:
        found = sim.simulate(
            data,
            rounds,
            loss=loss,
            returns=returns,
            donations=donations,
            away=away,
            seed=seed,
            change=change,
            done=progress.advance,
        ).document()
    output.show(found, json, _render_simulation)


def _render_simulation(found: dict[str, Any]) -> None:
    totals = found["totals"]
    output.print_table(
        output.table(
            [
                M.COL_ROUND(),
                M.COL_DATE(),
                M.COL_MOVES(),
                M.COL_FRESH(),
                M.COL_TITLES_FRESH(),
                M.COL_INSIDE(),
                M.COL_FROM_DEPOT(),
                M.COL_TO_DEPOT(),
                M.COL_MISSING(),
                M.COL_RETURNED(),
                M.COL_VIOLATIONS(),
            ],
            [
                (
                    r["round"],
                    r["date"],
                    r["moves"],
                    percent(r["freshness"]),
                    percent(r["title_freshness"]),
                    percent(r["inside_site"]),
                    r["from_depot"],
                    r["to_depot"],
                    r["reported_missing"],
                    r["returned"],
                    r["capacity_violations"],
                )
                for r in found["rounds"]
            ],
            title=M.SIM_TITLE(rounds=len(found["rounds"])),
            right=list(range(11)),
            drop=[9, 8, 7, 6, 5, 2],  # keep the round, date, freshness and violations
        )
    )
    ratio = totals["max_min_load"]
    output.note(
        M.SIM_WALKS(
            handovers=totals["handovers_per_round"],
            leg=totals["heaviest_leg"],
            depot=totals["most_from_depot"],
            unassigned=totals["unassigned"],
            doubles=totals["double_titles"],
        )
    )
    output.note(
        M.SIM_TOTALS(
            freshness=percent(totals["freshness"]),
            titles=percent(totals["title_freshness"]),
            inside=percent(totals["inside_site"]),
            stay=_stay_in_site(totals),
            ratio="—" if ratio is None else f"{ratio:.2f}",
            violations=totals["capacity_violations"],
            created=totals["books_created"],
            lost=totals["books_lost_by_software"],
        )
    )
    _forecast_note(totals["forecast"])


def _stay_in_site(figures: dict[str, Any]) -> str:
    """The bracket on the books changing box that stay in their site, when some did."""
    if not figures["changed_box"]:
        return ""
    return M.STAY_IN_SITE(stay=percent(figures["stay_in_site"]))


@command(app, "settings", "@rotate.settings")
def settings(
    ctx: typer.Context,
    key: Annotated[str | None, typer.Argument(help="@arg.rotation_key", show_default=False)] = None,
    value: Annotated[
        str | None, typer.Argument(help="@arg.rotation_value", show_default=False)
    ] = None,
    json: Json = False,
) -> None:
    from lou_library import rotation_settings

    store = state(ctx).store
    if key is None:
        with store.read() as db:
            found = rotation_settings.describe(db)
        output.show(found, json, _render_settings)
        return
    if value is None:
        raise Invalid(M.ROTATION_SETTING_BAD, key=key, value="", shown="KEY VALUE")
    with store.write("rotate settings") as db:
        result = rotation_settings.set_rotation_setting(db, key, value)
    output.show(result, json, lambda r: output.done(M.ROTATION_SETTING_SET(**r)))


def _setting_text(value: Any) -> str:
    """A setting's value as the table shows it: a yes/no in the user's language."""
    if isinstance(value, bool):
        return (M.YES if value else M.NO)()
    if isinstance(value, list):
        return ", ".join(value)
    return "" if value is None else str(value)


def _render_settings(found: dict[str, Any]) -> None:
    rows = []
    for row in found["settings"]:
        text = _setting_text(row["value"]) or "—"
        text += "" if row["set"] else M.DEFAULT_MARK()
        meaning = M.ROTATION_SETTING_MEANINGS[row["key"]]()
        via = M.SETTING_FIXED() if row["via"] is None else f"lou {row['via']}"
        rows.append((row["key"], text, meaning, via))
    columns = [S.COL_SETTING(), S.COL_VALUE(), M.COL_MEANING(), M.COL_CHANGED_BY()]
    output.print_table(output.table(columns, rows))
