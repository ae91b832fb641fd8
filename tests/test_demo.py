"""The demo network of data/: the numbers of the source document, the same every time."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import Lou


def test_init_demo_matches_the_source_document(lou: Lou) -> None:
    run = lou.ok("init", "--demo")
    assert run.stderr.startswith("✓ Created the demo database")
    info = lou.json("info")
    assert info["sites"] == {"total": 11, "compound": 5, "yard": 6}
    assert info["books"]["total"] >= 3000
    assert info["volunteers"] == {"total": 41, "party_members": 34, "administrators": 1}
    assert 96 <= info["boxes"]["total"] <= 104
    lou.ok("db", "check")


def test_the_demo_has_the_books_the_report_names(lou: Lou) -> None:
    lou.ok("init", "--demo")
    for query in ("上下五千年", "十万个为什么", "杜甫", "六国史书"):
        assert lou.json("book", "find", query)["total"] > 0, query
    categories = {c["key"]: c["books"] for c in lou.json("book", "category", "list")["categories"]}
    assert all(
        categories[key] > 100 for key in ("history", "politics", "fiction", "children", "science")
    )


def test_every_box_has_books_and_room_left(lou: Lou) -> None:
    lou.ok("init", "--demo")
    for box in lou.json("box", "list")["boxes"]:
        assert 0 < box["books"] < box["capacity"], box


def test_init_demo_is_deterministic(lou: Lou, tmp_path: Path) -> None:
    lou.ok("init", "--demo")
    other = Lou(tmp_path / "again.json")
    other.ok("init", "--demo")
    assert lou.snapshot() == other.snapshot()


def test_lou_demo_never_touches_the_users_db(small: Lou, db_path: Path) -> None:
    before = db_path.read_bytes()
    data = small.json("demo")
    assert data["info"]["sites"]["total"] == 11
    assert data["info"]["db"] != str(db_path)
    assert db_path.read_bytes() == before
    assert not Path(data["info"]["db"]).is_relative_to(db_path.parent)
