"""Chinese for the usage errors of the Click that Typer vendors, which has no catalogue.

Only the messages a user meets in practice are covered; anything else stays in English.
"""

from __future__ import annotations

import re
from typing import Any

_RULES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(p), r)
    for p, r in [
        (r"^Missing option '(.+?)'\.", r"缺少选项 '\1'。"),
        (r"^Missing argument '(.+?)'\.", r"缺少参数 '\1'。"),
        (r"^Missing parameter: (.+)$", r"缺少参数：\1"),
        (r"^No such option: (\S+)", r"没有选项 \1。"),
        (r"^No such command '(.+?)'\.", r"没有命令 '\1'。"),
        (r"^Missing command\.", "缺少命令。"),
        (r"^Invalid value for (.+?): ", r"\1 的值无效："),
        (r"^Got unexpected extra arguments? \((.*)\)", r"多余的参数：\1"),
        (r"^Option '(.+?)' requires an argument\.", r"选项 '\1' 需要一个值。"),
        (r"^Option '(.+?)' does not take a value\.", r"选项 '\1' 不接受值。"),
        (r"(.+?) is not one of (.+)\.$", r"\1 不是 \2 之一。"),
        (r"'(.*?)' is not a valid integer\.", r"'\1' 不是整数。"),
        (r"'(.*?)' is not a valid float\.", r"'\1' 不是数字。"),
        (r"(.+?) is not in the range (.+)\.$", r"\1 不在范围 \2 内。"),
        (r"Did you mean (.+?)\?", r"您是不是要用 \1？"),
        (r"\(Possible options: (.+)\)", r"（可能的选项：\1）"),
        (r"Value error, ", ""),
        (r"Input should be greater than or equal to (\S+)", r"应不小于 \1"),
        (r"Input should be less than or equal to (\S+)", r"应不大于 \1"),
        (r"Input should be a valid integer[^。]*", "应是整数"),
        (r"Input should be a valid number[^。]*", "应是数字"),
        (r"。 ", "。"),
    ]
]


def translate(message: str) -> str:
    for pattern, replacement in _RULES:
        message = pattern.sub(replacement, message)
    return message


def localise_error(exc: Any) -> None:
    """Make ``exc.format_message()`` answer in Chinese (set on the instance)."""
    original = exc.format_message
    exc.format_message = lambda: translate(original())
