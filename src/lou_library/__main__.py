"""``python -m lou_library`` and the ``lou`` script: the command line, Ctrl-C included.

Importing the command line (Typer, Rich, orjson) takes a moment. A Ctrl-C in that moment
is only noted, and answered once the import is done: raised inside the start of a C
extension, a KeyboardInterrupt can crash the interpreter (orjson's did, with a
segmentation fault, about one Ctrl-C in fifty during start-up); raised anywhere else it
would print a Python traceback.
"""

from __future__ import annotations

import sys
from typing import Any


def _quiet_interrupts(unraisable: Any) -> None:
    """A Ctrl-C that lands in a callback Python cannot raise from (the import system's
    locks) is lost anyway; do not print its traceback either."""
    if not isinstance(unraisable.exc_value, KeyboardInterrupt):
        sys.__unraisablehook__(unraisable)


def _interrupted() -> None:
    from lou_library import i18n
    from lou_library import messages as M

    sys.stderr.write(f"✗ {M.INTERRUPTED.text(i18n.detect(sys.argv[1:]))}\n")
    sys.exit(130)


def main() -> None:
    import signal

    sys.unraisablehook = _quiet_interrupts
    pressed: list[int] = []
    previous = signal.signal(signal.SIGINT, lambda number, _frame: pressed.append(number))
    try:
        from lou_library.cli import main as run
    finally:
        signal.signal(signal.SIGINT, previous)
    if pressed:  # Ctrl-C while the command line was being imported: nothing ran yet
        _interrupted()
    try:
        run()
    except KeyboardInterrupt:  # before any command ran (later ones are the CLI's)
        _interrupted()


if __name__ == "__main__":
    main()
