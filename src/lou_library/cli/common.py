"""Options and small renderers shared by several command modules."""

from __future__ import annotations

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
