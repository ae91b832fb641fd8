"""``lou settings show | set KEY VALUE``: the issuing body of certificates and how long
a walk is estimated to take."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from lou_library import service
from lou_library import service_messages as S
from lou_library.cli import output
from lou_library.cli.base import command, group, state
from lou_library.cli.common import Json

app = group("@settings")


def _render(found: dict[str, Any]) -> None:
    rows = [(key, "" if value is None else str(value)) for key, value in found.items()]
    output.print_table(output.table([S.COL_SETTING(), S.COL_VALUE()], rows))


@command(app, "show", "@settings.show")
def show(ctx: typer.Context, json: Json = False) -> None:
    with state(ctx).store.read() as db:
        found = service.current_settings(db)
    output.show(found, json, _render)


@command(app, "set", "@settings.set")
def set_(
    ctx: typer.Context,
    key: Annotated[str, typer.Argument(help="@arg.setting_key", show_default=False)],
    value: Annotated[str, typer.Argument(help="@arg.setting_value", show_default=False)],
    json: Json = False,
) -> None:
    with state(ctx).store.write("settings set") as db:
        result = service.set_setting(db, key, value)
    output.show(result, json, lambda r: output.done(S.SETTING_SET(**r)))
