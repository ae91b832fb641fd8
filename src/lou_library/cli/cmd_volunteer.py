"""``lou volunteer``: the management group (管理小组) and its culture administrator."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer

from lou_library import messages as M
from lou_library import network
from lou_library import service_messages as S
from lou_library.cli import output
from lou_library.cli.base import command, group, state, typed_words
from lou_library.cli.common import Json, ShowContact, yes_no
from lou_library.i18n import Msg

app = group("@volunteer")

Who = Annotated[str, typer.Argument(help="@arg.volunteer", show_default=False)]


@typed_words("role")
class Role(StrEnum):
    administrator = "administrator"
    member = "member"


def role_name(role: str) -> str:
    return M.ROLE_NAMES[role]() if role in M.ROLE_NAMES else role


def render_volunteers(people: list[dict[str, Any]]) -> None:
    output.print_table(
        output.table(
            [
                M.COL_CODE(),
                M.COL_PERSON(),
                M.COL_ROLE(),
                M.COL_PARTY(),
                M.COL_PHONE(),
                M.COL_SITES(),
                M.COL_STATUS(),
            ],
            [
                (
                    p["code"],
                    p["name"],
                    role_name(p["role"]),
                    yes_no(p["party_member"]),
                    p["phone"],
                    ", ".join(p["sites"]),
                    M.VOLUNTEER_STATUS_NAMES[p["status"]](),
                )
                for p in people
            ],
            title=M.VOLUNTEERS_TITLE(
                n=len(people), party=sum(bool(p["party_member"]) for p in people)
            ),
            drop=[3, 2, 6, 5, 4],
            empty=M.NO_VOLUNTEERS(),  # party member, role, status, sites, phone
        )
    )


def _changed(change: network.VolunteerChange, json: bool, done: Msg) -> None:
    """Show a changed volunteer's row (built before the change was saved), then warn of
    their namesakes."""
    output.show(change.row, json, lambda row: output.done(done(code=row["code"], name=row["name"])))
    _warn_namesakes(change.namesakes)


def _render_volunteer(row: dict[str, Any]) -> None:
    output.stdout().print(
        output.key_values(
            [
                (M.COL_CODE(), row["code"]),
                (M.COL_PERSON(), row["name"]),
                (M.COL_ROLE(), role_name(row["role"])),
                (M.COL_PARTY(), yes_no(row["party_member"])),
                (M.COL_PHONE(), row["phone"]),
                *([(S.CERT_ID(), row["id_number"])] if row.get("id_number") else []),
                (M.COL_SITES(), ", ".join(row["sites"])),
                (M.COL_STATUS(), M.VOLUNTEER_STATUS_NAMES[row["status"]]()),
                (
                    M.COL_AWAY(),
                    "\n".join(
                        f"{p['from']} – {p['to']}" + (f"  {p['reason']}" if p["reason"] else "")
                        for p in row["away"]
                    ),
                ),
            ]
        )
    )


@command(app, "list", "@volunteer.list")
def list_(
    ctx: typer.Context,
    site: Annotated[str | None, typer.Option("--site", help="@opt.filter_site")] = None,
    all_: Annotated[bool, typer.Option("--all", help="@opt.all")] = False,
    show_contact: ShowContact = False,
    json: Json = False,
) -> None:
    with state(ctx).store.read() as db:
        result = network.volunteer_list(
            db, site=site, include_retired=all_, show_contact=show_contact
        )
    output.show(result, json, lambda r: render_volunteers(r["volunteers"]))


@command(app, "add", "@volunteer.add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="@arg.person_name", show_default=False)],
    phone: Annotated[str | None, typer.Option("--phone", help="@opt.phone")] = None,
    party_member: Annotated[bool, typer.Option("--party-member", help="@opt.party")] = False,
    site: Annotated[list[str] | None, typer.Option("--site", help="@opt.volunteer_site")] = None,
    role: Annotated[Role, typer.Option("--role", help="@opt.role")] = Role.member,
    show_contact: ShowContact = False,
    json: Json = False,
) -> None:
    with state(ctx).store.write("volunteer add") as db:
        change = network.volunteer_add(
            db,
            name,
            phone=phone,
            party_member=party_member,
            sites=site or [],
            role=role.value,
            show_contact=show_contact,
        )
    _changed(change, json, M.VOLUNTEER_ADDED)


def _warn_namesakes(others: list[dict[str, Any]]) -> None:
    if others:
        listed = M.LIST_SEPARATOR().join(f"{p['code']} {p['name']}" for p in others)
        output.warn(M.VOLUNTEER_NAMESAKE(others=listed))


@command(app, "show", "@volunteer.show")
def show(
    ctx: typer.Context, who: Who, show_contact: ShowContact = False, json: Json = False
) -> None:
    with state(ctx).store.read() as db:
        row = network.volunteer_show(db, who, show_contact)
    output.show(row, json, _render_volunteer)


@command(app, "edit", "@volunteer.edit")
def edit(
    ctx: typer.Context,
    who: Who,
    name: Annotated[str | None, typer.Option("--name", help="@opt.name")] = None,
    phone: Annotated[str | None, typer.Option("--phone", help="@opt.phone")] = None,
    party_member: Annotated[
        bool | None, typer.Option("--party-member/--not-party-member", help="@opt.party_edit")
    ] = None,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="@opt.volunteer_site_edit")
    ] = None,
    role: Annotated[Role | None, typer.Option("--role", help="@opt.role")] = None,
    id_number: Annotated[
        str | None, typer.Option("--id-number", help="@opt.id_number", metavar="ID")
    ] = None,
    show_contact: ShowContact = False,
    json: Json = False,
) -> None:
    with state(ctx).store.write("volunteer edit") as db:
        change = network.volunteer_edit(
            db,
            who,
            show_contact=show_contact,
            name=name,
            phone=phone,
            party_member=party_member,
            sites=site,
            role=role.value if role else None,
            id_number=id_number,
        )
    _changed(change, json, M.VOLUNTEER_EDITED)


@command(app, "away", "@volunteer.away")
def away(
    ctx: typer.Context,
    who: Who,
    start: Annotated[str, typer.Option("--from", help="@opt.away_from", metavar="YYYY-MM-DD")],
    end: Annotated[
        str | None, typer.Option("--to", help="@opt.away_to", metavar="YYYY-MM-DD")
    ] = None,
    reason: Annotated[str | None, typer.Option("--reason", help="@opt.reason")] = None,
    cancel: Annotated[bool, typer.Option("--cancel", help="@opt.away_cancel")] = False,
    json: Json = False,
) -> None:
    from lou_library.schedule import parse_date

    first = parse_date(start, "--from")
    last = parse_date(end, "--to") if end is not None and not cancel else None
    with state(ctx).store.write("volunteer away") as db:
        result = network.volunteer_away(db, who, first, last, reason, cancel=cancel)

    def human(row: dict[str, Any]) -> None:
        if cancel:
            output.done(M.AWAY_CANCELLED(name=row["name"], start=first))
            return
        output.done(M.AWAY_ADDED(name=row["name"], start=first, end=last))
        clashes = row["tasks_to_hand_over"]
        if clashes:
            output.warn(M.AWAY_CLASHES(name=row["name"], n=len(clashes), tasks=", ".join(clashes)))

    output.show(result, json, human)


@command(app, "retire", "@volunteer.retire")
def retire(ctx: typer.Context, who: Who, json: Json = False) -> None:
    with state(ctx).store.write("volunteer retire") as db:
        change = network.volunteer_retire(db, who)
    _changed(change, json, M.VOLUNTEER_RETIRED_DONE)


@command(app, "reactivate", "@volunteer.reactivate")
def reactivate(ctx: typer.Context, who: Who, json: Json = False) -> None:
    with state(ctx).store.write("volunteer reactivate") as db:
        change = network.volunteer_reactivate(db, who)
    _changed(change, json, M.VOLUNTEER_REACTIVATED)


@command(app, "service", "@volunteer.service")
def service_(
    ctx: typer.Context,
    who: Who,
    day: Annotated[
        str | None, typer.Option("--date", help="@opt.service_date", metavar="YYYY-MM-DD")
    ] = None,
    hours: Annotated[str | None, typer.Option("--hours", help="@opt.service_hours")] = None,
    what: Annotated[str | None, typer.Option("--what", help="@opt.service_what")] = None,
    site: Annotated[str | None, typer.Option("--site", help="@opt.service_site")] = None,
    remove: Annotated[
        str | None, typer.Option("--remove", help="@opt.service_remove", metavar="ID")
    ] = None,
    json: Json = False,
) -> None:
    from lou_library import service

    with state(ctx).store.write("volunteer service") as db:
        if remove is not None:
            record = service.remove_service_of(db, who, remove)
        else:
            record = service.record_service(db, who, day, hours or "", what or "", site)
    output.show(record, json, lambda r: _say_service(r, removed=remove is not None))


def _say_service(record: dict[str, Any], *, removed: bool) -> None:
    from lou_library.text import hours_text

    fields = {**record, "hours": hours_text(float(record["hours"]))}
    output.done((S.SERVICE_REMOVED if removed else S.SERVICE_RECORDED)(**fields))


@command(app, "certificate", "@volunteer.certificate")
def certificate(
    ctx: typer.Context,
    who: Who,
    target: Annotated[
        str, typer.Option("--output", "-o", help="@opt.certificate_output", metavar="FILE.html")
    ],
    start: Annotated[
        str | None, typer.Option("--from", help="@opt.certificate_from", metavar="YYYY-MM-DD")
    ] = None,
    end: Annotated[
        str | None, typer.Option("--to", help="@opt.certificate_to", metavar="YYYY-MM-DD")
    ] = None,
    show_contact: ShowContact = False,
    json: Json = False,
) -> None:
    from pathlib import Path

    from lou_library import certificate as page
    from lou_library import service
    from lou_library.filetypes import HTML, require_suffix
    from lou_library.store import atomic_write_bytes

    path = Path(target)
    store = state(ctx).store
    store.guard_output(path)
    require_suffix(path, HTML, S.CERTIFICATE_FORMAT)
    with store.write("volunteer certificate") as db:
        issued, sites = service.certificate(db, who, start, end)
        html = page.render(issued, sites, show_id=show_contact)
        atomic_write_bytes(path, html.encode("utf-8"), private=show_contact)
    shown = {**issued, "output": str(path)}
    if not show_contact:  # the resident ID number only when asked for
        shown.pop("id_number", None)
    output.show(shown, json, _say_certificate)


def _say_certificate(issued: dict[str, Any]) -> None:
    from lou_library.text import hours_text

    output.done(
        S.CERTIFICATE_WRITTEN(
            number=issued["number"],
            name=issued["name"],
            hours=hours_text(float(issued["hours"])),
            path=issued["output"],
        )
    )
    if issued.get("replaces"):
        output.note(S.CERTIFICATE_REPLACES(number=issued["number"], old=issued["replaces"]))
