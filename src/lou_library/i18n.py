"""Two interface languages, Chinese and English, chosen once per process.

Every user-facing string is a :class:`Msg` holding both texts, so a message can't exist
in one language only (a test walks the catalogue). English counts take plural forms,
``{n:# book|# books}``. We chose a typed catalogue module over gettext ``.po``/``.mo``
files: there are only two languages, both written by the developers, several messages hold
more than one count, no build step is needed, mypy sees every use, and it starts no slower
(docs/messages.md has the figures).

The language comes from ``--lang``, else ``LOU_LANG``, else the locale (``zh_*`` gives
Chinese), else English.
"""

from __future__ import annotations

import os
import re
import string
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, Literal, get_args

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = get_args(Lang)

_current: Lang = "en"


def current() -> Lang:
    return _current


def set_language(lang: Lang) -> None:
    global _current  # noqa: PLW0603 - one language per process, set once
    _current = lang


@contextmanager
def speaking(lang: Lang) -> Iterator[None]:
    """Messages rendered inside come in ``lang``: for text that ``--json`` carries, which
    is English whatever the interface language, like the keys."""
    global _current  # noqa: PLW0603 - restored on the way out
    saved, _current = _current, lang
    try:
        yield
    finally:
        _current = saved


def parse_lang(value: str | None) -> Lang | None:
    """``zh``, ``zh_CN.UTF-8``, ``zh-Hans``, ``cn``, ``中文`` give Chinese; ``en``, ``C``,
    ``POSIX``, ``英文`` English."""
    if not value:
        return None
    low = unicodedata.normalize("NFKC", value).strip().lower()
    if low.startswith(("zh", "cn")) or low in _CHINESE:
        return "zh"
    if low.startswith("en") or low in _ENGLISH or low.startswith("c."):
        return "en"
    return None


# What people type for the language besides a locale name: LOU_LANG=cn, --lang 中文.
_CHINESE = {"chinese", "中文", "汉语", "简体中文", "简体", "chs", "sc"}
_ENGLISH = {"c", "posix", "english", "英文", "英语"}


def unknown_lang(environ: Mapping[str, str] | None = None) -> str | None:
    """``LOU_LANG`` when it is set but names no language we have, to warn about once."""
    env = os.environ if environ is None else environ
    value = env.get("LOU_LANG")
    if value and value.strip() and parse_lang(value) is None:
        return value
    return None


def detect(argv: Sequence[str], environ: Mapping[str, str] | None = None) -> Lang:
    """The language for this run, looking at the command line before Typer parses it.

    Help text is built before parsing, so ``--lang`` must be known this early.
    """
    env = os.environ if environ is None else environ
    for i, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == "--lang" and i + 1 < len(argv):
            lang = parse_lang(argv[i + 1])
            if lang:
                return lang
        elif arg.startswith("--lang="):
            lang = parse_lang(arg.split("=", 1)[1])
            if lang:
                return lang
    explicit = parse_lang(env.get("LOU_LANG"))
    if explicit:
        return explicit
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = env.get(var)
        if value:
            # LANGUAGE may be a list such as "zh_CN:en"
            return parse_lang(value.split(":")[0]) or "en"
    return "en"


class _PluralFormatter(string.Formatter):
    """``str.format`` plus plural forms: ``{n:# book|# books}`` picks the first form when
    ``n`` is 1 and the second otherwise, with ``#`` standing for the number.

    English needs them ("1 book", "2 books"); Chinese has no plural, so its templates just
    say ``{n}``. A form may leave the number out: ``{n:is|are}``.
    """

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" not in format_spec:
            return format(value, format_spec)
        one, other = format_spec.split("|")
        if isinstance(value, bool) or not isinstance(value, int):
            # a count is an int: anything else is a programming error
            raise TypeError(f"a plural form needs an int count, not {value!r}")
        return (one if value == 1 else other).replace("#", str(value))


_PLURALS = _PluralFormatter()
# A field with plural forms, as written in a template: {name:one|other}.
PLURAL_FIELD = re.compile(r"\{(\w+):([^{}|]*)\|([^{}|]*)\}")


class Msg:
    """One message in both languages; ``msg(**fields)`` renders it in the current one.

    A count takes plural forms in the template (see :class:`_PluralFormatter`):
    ``Msg("导入 {n} 册", "Imported {n:# book|# books}")``.
    """

    __slots__ = ("en", "zh")

    def __init__(self, zh: str, en: str) -> None:
        self.zh = zh  # nothing else here: ~800 are built at every start-up
        self.en = en

    @property
    def plural(self) -> bool:
        """Whether a template has plural forms."""
        return any(PLURAL_FIELD.search(template) for template in (self.en, self.zh))

    def text(self, lang: Lang | None = None) -> str:
        """The template, fields unfilled."""
        return self.zh if (lang or _current) == "zh" else self.en

    def render(self, lang: Lang | None = None, /, **fields: object) -> str:
        """The message in ``lang`` (default: the current language), fields filled in."""
        template = self.text(lang)
        if not fields:
            return template
        if "|" in template:  # maybe plural forms: the (slower) formatter that knows them
            return _PLURALS.vformat(template, (), fields)
        return template.format(**fields)

    def __call__(self, **fields: object) -> str:
        return self.render(None, **fields)

    def __repr__(self) -> str:
        return f"Msg({self.zh!r}, {self.en!r})"
