"""Domain errors: anything the user must fix or know about.

Rules raise these with a catalogue message; the CLI prints the one-line reason (plus any
detail lines, such as every bad row of an import) to stderr and exits 1. Nothing else
about them is the CLI's business.
"""

from __future__ import annotations

from collections.abc import Sequence

from lou_library.i18n import Msg


class LouError(Exception):
    """Base of every expected problem; ``str(err)`` is the message in the current language."""

    def __init__(self, msg: Msg, details: Sequence[str] = (), **fields: object) -> None:
        self.msg = msg
        self.fields = fields
        self.details = list(details)
        super().__init__(msg.render("en", **fields))

    def __str__(self) -> str:
        return self.msg(**self.fields)


class NotFound(LouError):
    """A code, name or file that does not exist."""


class Invalid(LouError):
    """Input that breaks a rule: a bad ISBN, a date in the past, a malformed file."""


class Conflict(LouError):
    """A request that clashes with the current state: a duplicate code, a round applied twice."""


class StoreError(LouError):
    """The database file itself: missing, unreadable, newer, busy, or not writable."""


def os_reason(exc: OSError) -> str:
    """An operating-system error in the user's language where we know it."""
    from lou_library import messages as M

    known = M.OS_ERRORS.get(exc.errno or 0)
    return known() if known else (exc.strerror or exc.__class__.__name__)
