"""``lou rotate settings``: every rotation setting with its meaning, set with validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import Lou


def test_the_settings_are_listed_with_their_defaults(ring: Lou) -> None:
    found = ring.json("rotate", "settings")["settings"]
    assert [(r["key"], r["value"], r["set"], r["via"]) for r in found] == [
        ("fill", 0.8, False, "rotate settings"),
        ("change", 1.0, False, "rotate settings"),
        ("window", 26, False, "rotate settings"),
        ("title_window", 12, False, "rotate settings"),
        ("leg_limit", 30, False, "rotate settings"),
        ("depot_limit", 60, False, "rotate settings"),
        ("max_boxes_per_task", 7, False, "rotate settings"),
        ("help_margin", 0.3, False, "rotate settings"),
        ("lost_after", 3, False, "rotate settings"),
        ("route", [], False, "rotate settings"),
        ("interval_days", 14, False, None),
        ("skip_holidays", False, False, "schedule set"),
        ("start", None, False, "schedule set"),
    ]
    assert ring.json("--lang", "zh", "rotate", "settings")["settings"] == found
    table = ring.ok("--lang", "zh", "rotate", "settings").stdout
    assert "书箱的目标" in table and "0.8（默认）" in table
    assert "不能改（每半月一轮）" in table  # (no command sets the interval: none is named)
    assert _value_shown(table, "skip_holidays") == "否（默认）"  # yes or no, in the user's language
    ring.ok("schedule", "set", "--skip-holidays")
    assert _value_shown(ring.ok("rotate", "settings").stdout, "skip_holidays") == "yes"


def _value_shown(table: str, key: str) -> str:
    """The value column of the settings table's row for ``key``."""
    cells = next(line.split("│") for line in table.splitlines() if f"│ {key} " in line)
    return cells[2].strip()


def test_a_setting_is_set_and_shapes_the_next_plan(ring: Lou) -> None:
    assert ring.json("rotate", "plan")["figures"]["short"] == 0
    assert ring.ok("rotate", "settings", "fill", "100%").stderr == (
        "✓ Set rotation.fill = 1.0; it applies from the next round.\n"
    )
    shown = {r["key"]: r for r in ring.json("rotate", "settings")["settings"]}
    assert (shown["fill"]["value"], shown["fill"]["set"]) == (1.0, True)
    # targets are now the whole capacity: 15 places, 12 books in boxes and 2 in the depot
    assert ring.json("rotate", "plan")["figures"]["short"] == 1
    assert ring.json("rotate", "settings", "route", "gdj, shy")["value"] == ["GDJ", "SHY"]
    boxes = [b for t in ring.json("rotate", "plan")["tasks"] for b in t["boxes"]]
    assert boxes[0] == "GDJ-01"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("fill", "2"), "✗ fill must be 0.1–1, not “2”.\n"),
        (("fill", "nan"), "✗ fill must be 0.1–1, not “nan”.\n"),
        (("window", "1.5"), "✗ window must be 1–104, not “1.5”.\n"),
        (("lost_after", "0"), "✗ lost_after must be 1–26, not “0”.\n"),
        (("change", "0"), "✗ change must be 0.05–1, not “0”.\n"),
        (("leg_limit", "200"), "✗ leg_limit must be 5–100, not “200”.\n"),
        (("help_margin", "101"), "✗ help_margin must be 0–100, not “101”.\n"),
        (
            ("colour", "red"),
            "✗ There is no rotation setting colour. Settings: fill, change, window, "
            "title_window, leg_limit, depot_limit, max_boxes_per_task, help_margin, lost_after, "
            "route.\n",
        ),
        (
            ("interval_days", "7"),
            "✗ interval_days cannot be changed: the books rotate every half month (14 days "
            "between rounds); lou schedule set changes round 1's date.\n",
        ),
        (
            ("route", "SHY,XX"),
            "✗ The route names unknown or repeated sites: XX. Sites: GDJ, SHY.\n",
        ),
        (
            ("route", "SHY,SHY"),
            "✗ The route names unknown or repeated sites: SHY, SHY. Sites: GDJ, SHY.\n",
        ),
    ],
)
def test_a_wrong_value_is_refused_and_changes_nothing(
    ring: Lou, db_path: Path, args: tuple[str, str], message: str
) -> None:
    before = db_path.read_bytes()
    run = ring("rotate", "settings", *args)
    assert (run.exit_code, run.stderr) == (1, message)
    assert db_path.read_bytes() == before


def test_help_margin_decides_when_a_free_neighbour_walks_a_sites_walk(ring: Lou) -> None:
    """GDJ has two volunteers for its one walk. After round 1 王秀兰 (SHY) has carried a
    walk and GDJ's spare volunteer nothing: by default the spare one walks SHY's walk;
    with a margin of 100 the site's own free volunteer always walks it."""
    ring.ok("volunteer", "add", "张桂英", "--site", "GDJ")
    ring.ok("rotate", "apply")

    def walkers() -> dict[str, tuple[str, str | None]]:
        tasks = ring.json("rotate", "plan")["tasks"]
        return {t["site"]: (t["volunteer_name"], t["borrowed_from"]) for t in tasks}

    first = {t["site"]: t["volunteer_name"] for t in ring.json("task", "list")["tasks"]}
    spare = ({"李建国", "张桂英"} - {first["GDJ"]}).pop()
    assert walkers()["SHY"] == (spare, "GDJ")
    ring.ok("rotate", "settings", "help_margin", "100")
    assert walkers()["SHY"] == ("王秀兰", None)
