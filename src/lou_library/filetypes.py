"""A file's extension must say what is written in it.

Excel opens ``inv.xlsx`` as a workbook and a browser opens ``labels.pdf`` as a PDF: CSV
text or a web page under those names is a broken file. Each writer names the extensions
its content may have; anything else is refused before the file is touched, naming the
right one.
"""

from __future__ import annotations

from pathlib import Path

from lou_library import messages as M
from lou_library.errors import Invalid
from lou_library.i18n import Msg

HTML = (".html", ".htm")
ICS = (".ics",)


def fixed_name(path: Path, suffix: str) -> str:
    """``inv.xlsx`` -> ``inv.csv``; ``cal`` -> ``cal.ics``."""
    return (path.with_suffix(suffix) if path.suffix else path.with_name(path.name + suffix)).name


def require_suffix(path: Path, allowed: tuple[str, ...], what: Msg) -> None:
    """Refuse ``path`` unless it ends in one of ``allowed`` (any case)."""
    if path.suffix.lower() not in allowed:
        raise Invalid(
            M.WRONG_SUFFIX,
            path=path,
            format=what(),
            suffix=allowed[0],
            fixed=fixed_name(path, allowed[0]),
        )
