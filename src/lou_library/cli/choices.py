"""Choices typed as words: ``--kind 楼院`` is ``--kind yard``.

An Enum option names its topic in :data:`messages.CHOICE_WORDS` with :func:`typed_words`;
:class:`lou_library.cli.typer_compat.PlainCoercion` turns what was typed into a member.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from enum import Enum
from typing import TypeVar

from lou_library import i18n
from lou_library import messages as M

E = TypeVar("E", bound=type[Enum])

_CHOICE_TOPIC: dict[type[Enum], str] = {}


def typed_words(topic: str) -> Callable[[E], E]:
    """Lets a choice be typed as one of its words in :data:`messages.CHOICE_WORDS`.

    ``--kind 楼院`` is ``--kind yard``; the English values keep working, in any case.
    """

    def register(enum: E) -> E:
        _CHOICE_TOPIC[enum] = topic
        return enum

    return register


def choice_member(kind: type[Enum], value: str) -> Enum | None:
    """The member of ``kind`` that ``value`` names by its value or one of its words."""
    typed = unicodedata.normalize("NFKC", value).strip().casefold()
    for member in kind:
        if typed == str(member.value).casefold():
            return member
    topic = _CHOICE_TOPIC.get(kind, "")
    words = M.CHOICE_WORDS.get(topic, {})
    for member in kind:
        if typed in (w.casefold() for w in words.get(str(member.value), ())):
            return member
    if topic == "lang":  # --lang zh_CN.UTF-8, as LOU_LANG and the locale take it
        lang = i18n.parse_lang(typed)
        return kind(lang) if lang else None
    return None


def choices_text(kind: type[Enum], typed: str = "") -> str:
    """The values of ``kind`` with their first word: ``'yard' (楼院), 'compound' (小区)``.
    In English, Chinese words only for someone who typed one (``typed``); else only words
    in Latin letters (``'xlsx' (excel)``)."""
    words = M.CHOICE_WORDS.get(_CHOICE_TOPIC.get(kind, ""), {})
    english = i18n.current() != "zh" and typed.isascii()
    shown = []
    for member in kind:
        value = str(member.value)
        own = [w for w in words.get(value, ()) if not english or w.isascii()]
        shown.append(f"{value!r} ({own[0]})" if own else repr(value))
    return ", ".join(shown)
