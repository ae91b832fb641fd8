"""``lou rotate settings``: the settings that shape a rotation round, shown with what
they mean and set with validation.

The values live in the ``rotation`` part of the settings (``lou schedule set`` keeps the
date ones there too); a key that was never set has its default, from
:func:`lou_library.rotation.rotation_settings`. The rules return codes and values only;
the meanings are put into words by the CLI (messages.ROTATION_SETTING_MEANINGS)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from lou_library import messages as M
from lou_library.errors import Invalid
from lou_library.records import SITES, set_settings, settings
from lou_library.repository import Repository
from lou_library.rotation import rotation_settings
from lou_library.schema import SiteKind


@dataclass(frozen=True)
class Setting:
    """A setting: how a typed value becomes a stored one (or None when it is wrong)."""

    parse: Callable[[str], Any]
    shown: str  # what values it takes, for the message when a value is wrong


def _number(low: float, high: float) -> Callable[[str], float | None]:
    def parse(text: str) -> float | None:
        try:
            value = float(text.strip().rstrip("%")) / (100 if text.strip().endswith("%") else 1)
        except ValueError:
            return None
        return value if math.isfinite(value) and low <= value <= high else None

    return parse


def _whole(low: int, high: int) -> Callable[[str], int | None]:
    def parse(text: str) -> int | None:
        try:
            value = int(text.strip())
        except ValueError:
            return None
        return value if low <= value <= high else None

    return parse


def _codes(text: str) -> list[str]:
    return [c for c in (part.strip().upper() for part in text.replace("，", ",").split(",")) if c]


# key -> how to read it; the schedule's own keys are set with ``lou schedule set``
SETTINGS: dict[str, Setting] = {
    "fill": Setting(_number(0.1, 1.0), "0.1–1"),
    "change": Setting(_number(0.05, 1.0), "0.05–1"),
    "window": Setting(_whole(1, 104), "1–104"),
    "title_window": Setting(_whole(1, 52), "1–52"),
    "leg_limit": Setting(_whole(5, 100), "5–100"),
    "depot_limit": Setting(_whole(5, 500), "5–500"),
    "max_boxes_per_task": Setting(_whole(1, 30), "1–30"),
    "help_margin": Setting(_number(0.0, 100.0), "0–100"),
    "lost_after": Setting(_whole(1, 26), "1–26"),
    "route": Setting(_codes, "SITE,SITE,…"),
}
SCHEDULE_KEYS = ("interval_days", "skip_holidays", "start")
FIXED_KEYS = ("interval_days",)  # the programme rotates every half month: no command sets it


def describe(db: Repository) -> dict[str, Any]:
    """Every rotation setting: its value now, whether it was set, and how it is changed
    (``via``: the command; None: no command, it is fixed)."""
    current = rotation_settings(db)
    stored = settings(db).get("rotation", {})
    rows = [
        {"key": key, "value": current.get(key, []), "set": key in stored, "via": "rotate settings"}
        for key in SETTINGS
    ]
    rows += [
        {
            "key": key,
            "value": current.get(key),
            "set": key in stored,
            "via": None if key in FIXED_KEYS else "schedule set",
        }
        for key in SCHEDULE_KEYS
    ]
    return {"settings": rows}


def set_rotation_setting(db: Repository, key: str, value: str) -> dict[str, Any]:
    """Set one rotation setting after checking it; nothing is written when it is wrong."""
    wanted = key.strip().lower().removeprefix("rotation.")
    if wanted in FIXED_KEYS:
        raise Invalid(M.ROTATION_SETTING_FIXED, key=wanted)
    if wanted in SCHEDULE_KEYS:
        raise Invalid(M.ROTATION_SETTING_SCHEDULE, key=wanted)
    setting = SETTINGS.get(wanted)
    if setting is None:
        raise Invalid(M.ROTATION_SETTING_UNKNOWN, key=key, keys=", ".join(SETTINGS))
    parsed = setting.parse(value)
    if wanted == "route":
        sites = {s["code"] for s in db.all(SITES) if s["kind"] != SiteKind.depot}
        unknown = [code for code in parsed if code not in sites]
        if unknown or len(set(parsed)) != len(parsed):
            raise Invalid(
                M.ROTATION_ROUTE_BAD,
                codes=", ".join(unknown or parsed),
                sites=", ".join(sorted(sites)),
            )
    elif parsed is None:
        raise Invalid(M.ROTATION_SETTING_BAD, key=wanted, value=value, shown=setting.shown)
    everything = settings(db)
    everything["rotation"] = {**everything.get("rotation", {}), wanted: parsed}
    set_settings(db, everything)
    return {"key": wanted, "value": parsed}
