"""Small text rules shared by the catalogue: names, pinyin keys, phone masks."""

from __future__ import annotations

import os
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from lou_library import messages as M
from lou_library.errors import Invalid

_SPACES = re.compile(r"\s+")


# Unicode's Bidi_Control characters: an override (U+202E) stored in a name makes every
# table that shows it read backwards from there ("<U+202E>ABC-01" shows as "10-CBA").
BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


# Those characters and Unicode's controls (category Cc: U+0000-U+001F, U+007F-U+009F)
# but tab and newline, as one character class (a C-level search, not a loop per character)
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")


def unsafe_chars(value: str) -> str:
    """The characters :func:`clean` would drop (controls but tab and newline, bidi
    controls), in order."""
    return "".join(_UNSAFE.findall(value))


def strip_unsafe(value: str) -> str:
    """``value`` without those characters, nothing else changed (``db check --repair``)."""
    bad = set(unsafe_chars(value))
    return "".join(ch for ch in value if ch not in bad) if bad else value


# Full-width digits and Latin letters (``７号楼``, ``Ａ座``) typed by a Chinese input method
# fold to ASCII, as NFKC would. Only these: NFKC would also turn the full-width （ ） ， ：
# of Chinese titles into ASCII punctuation, and ① or ½ into other text.
_FULL_WIDTH_ALNUM = {
    code: code - 0xFEE0
    for first, last in ((0xFF10, 0xFF19), (0xFF21, 0xFF3A), (0xFF41, 0xFF5A))
    for code in range(first, last + 1)
}


def clean(value: str | None) -> str:
    """Trim, fold full-width spaces, digits and letters and repeated spaces, drop control
    and bidi characters."""
    if not value:
        return ""
    if any("\ud800" <= ch <= "\udfff" for ch in value):  # bytes that were not UTF-8
        raise Invalid(M.BAD_TEXT, value=value.encode("utf-8", "backslashreplace").decode())
    value = strip_unsafe(value).translate(_FULL_WIDTH_ALNUM)
    return _SPACES.sub(" ", value.replace("\u3000", " ")).strip()


# What separates the items of a list as people type it: commas (half- and full-width),
# the enumeration comma 、, semicolons (half- and full-width) and any spaces.
_LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")


def split_list(values: Iterable[str] | None) -> list[str]:
    """``["B1、B2", "B3；B4", "B5 B6"]`` -> the six items, in order, none empty."""
    found: list[str] = []
    for value in values or ():
        found.extend(part for part in _LIST_SEPARATORS.split(value.replace("\u3000", " ")) if part)
    return found


def require(value: str | None, what: str) -> str:
    cleaned = clean(value)
    if not cleaned:
        raise Invalid(M.EMPTY_FIELD, what=what)
    if len(cleaned) > 500:
        raise Invalid(M.FIELD_TOO_LONG, what=what, limit=500)
    return cleaned


@lru_cache(maxsize=65536)
def pinyin_keys(text: str) -> tuple[str, str]:
    """(full pinyin, initials) of a text, lower case, letters and digits only.

    ``十万个为什么`` gives ``("shiwangeweishenme", "swgwsm")``. Latin words keep their
    letters in the full form and their first letter in the initials.
    """
    if text.isascii():  # no Chinese: no need to load pypinyin's dictionaries
        chunks = [text]
    else:
        # We never change pypinyin's dictionaries, so it need not copy them (~0.05 s).
        os.environ.setdefault("PYPINYIN_NO_DICT_COPY", "true")
        from pypinyin import lazy_pinyin

        chunks = lazy_pinyin(text, errors="default")
    full: list[str] = []
    initials: list[str] = []
    for chunk in chunks:
        words = re.findall(r"[0-9a-zA-Z]+", chunk)
        for word in words:
            full.append(word.lower())
            initials.append(word if word.isdigit() else word[0].lower())
    return "".join(full), "".join(initials)


def fold(text: str) -> str:
    """What a search compares: NFKC, lower case, no spaces."""
    return unicodedata.normalize("NFKC", text).lower().replace(" ", "")


def mask_phone(phone: str | None) -> str:
    """``13812345678`` -> ``138****5678``; shorter numbers keep their last two digits."""
    if not phone:
        return ""
    digits = phone.strip()
    if len(digits) >= 11:
        return digits[:3] + "****" + digits[-4:]
    if len(digits) > 4:
        return "*" * (len(digits) - 2) + digits[-2:]
    return "*" * len(digits)


def initials_code(name: str, limit: int = 4) -> str:
    """Upper-case pinyin initials, for suggesting a short code: 尚和园 -> SHY."""
    _, initials = pinyin_keys(name)
    letters = "".join(ch for ch in initials.upper() if ch.isascii() and ch.isalnum())
    return letters[:limit] or "S"


def hours_text(hours: float) -> str:
    """``1.5``, ``2``, ``0.25``: hours as people write them."""
    return f"{hours:.2f}".rstrip("0").rstrip(".")
