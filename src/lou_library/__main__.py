"""``python -m lou_library`` and the ``lou`` script: the command line, Ctrl-C included.

Importing the command line (Typer, Rich) takes a moment; a Ctrl-C in that moment would
print a Python traceback, so the import happens here, inside the handler.
"""

from __future__ import annotations

import sys
from typing import Any


def _quiet_interrupts(unraisable: Any) -> None:
    """A Ctrl-C that lands in a callback Python cannot raise from (the import system's
    locks) is lost anyway; do not print its traceback either."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def main() -> None:
    sys.unraisablehook = _quiet_interrupts
    try:
        from lou_library.cli import main as run

        run()
    except KeyboardInterrupt:  # before any command ran (later ones are the CLI's)
        from lou_library import i18n
        from lou_library import messages as M

        sys.stderr.write(f"✗ {M.INTERRUPTED.text(i18n.detect(sys.argv[1:]))}\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
