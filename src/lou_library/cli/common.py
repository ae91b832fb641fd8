"""Options and small renderers shared by several command modules."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer

from lou_library import messages as M

Json = Annotated[bool, typer.Option("--json", help="@opt.json")]
ShowContact = Annotated[bool, typer.Option("--show-contact", help="@opt.show_contact")]


def status_name(status: str) -> str:
    msg = M.STATUS_NAMES.get(status)
    return msg() if msg else status


def kind_name(kind: str) -> str:
    msg = M.KIND_NAMES.get(kind)
    return msg() if msg else kind


def route_text(boxes: list[str]) -> str:
    """``SHY-01 → 02 → 03``: a walk through one site's boxes, the site said once."""
    if not boxes:
        return ""
    prefix = boxes[0].rsplit("-", 1)[0] + "-"
    if all(b.startswith(prefix) for b in boxes):
        return " → ".join([boxes[0], *(b[len(prefix) :] for b in boxes[1:])])
    return " → ".join(boxes)


def yes_no(value: bool) -> str:
    return M.YES() if value else M.NO()


@contextmanager
def named_by_lou_volunteer(ctx: typer.Context, name: str | None) -> Iterator[None]:
    """A volunteer that is not found, when LOU_VOLUNTEER named them (``--volunteer`` was
    not typed): the refusal says where the name came from."""
    from lou_library.errors import NotFound

    try:
        yield
    except NotFound as exc:
        source = ctx.get_parameter_source("volunteer")  # (Click's ParameterSource, by name)
        if name and source is not None and source.name == "ENVIRONMENT":
            exc.details.append(M.VOLUNTEER_FROM_ENV(name=name))
        raise
