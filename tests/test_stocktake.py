"""Stocktake in the field (issue 17): what is really in a box, from a barcode scanner on
standard input, a file, or a phone photo of our QR labels and books' ISBN barcodes."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lou_library.stocktake import groups_from_lines, reconcile
from tests.conftest import Lou

# The ring fixture: SHY-01 holds B00001-B00004, SHY-02 B00005-B00008, GDJ-01
# B00009-B00012 (capacity 5 each), the depot B00013-B00014.
ISBN = "9787020024759"  # 平凡的世界 (人民文学出版社)
ISBN10 = "7020024750"  # the same book's ISBN-10


def qr_tile(code: str) -> Any:
    """A label's QR code as lou prints it (labels.qr_svg: segno, error level M), as an
    image a phone would take."""
    import segno
    from PIL import Image

    buffer = io.BytesIO()
    segno.make_qr(code, error="m").save(buffer, kind="png", scale=6, border=4)
    buffer.seek(0)
    return Image.open(buffer).convert("L")


def ean_tile(isbn: str) -> Any:
    """A book's EAN-13 ISBN barcode, as printed on its back cover."""
    import zxingcpp
    from PIL import Image

    barcode = zxingcpp.create_barcode(isbn, zxingcpp.BarcodeFormat.EAN13)
    image: Any = zxingcpp.write_barcode_to_image(barcode, scale=3)  # a buffer of bytes
    view = memoryview(image)
    height, width = image.shape
    return Image.frombytes("L", (width, height), view.tobytes())


def photo(path: Path, codes: list[str], isbns: tuple[str, ...] = ()) -> Path:
    """A PNG of labels side by side, four to a row, with white space between them."""
    from PIL import Image

    tiles = [qr_tile(c) for c in codes] + [ean_tile(i) for i in isbns]
    cell = max(max(t.size) for t in tiles) + 40
    rows = (len(tiles) + 3) // 4
    canvas = Image.new("L", (cell * 4, cell * rows), 255)
    for n, tile in enumerate(tiles):
        canvas.paste(tile, ((n % 4) * cell + 20, (n // 4) * cell + 20))
    canvas.save(path)
    return path


def book(lou: Lou, code: str) -> dict[str, Any]:
    found: dict[str, Any] = lou.json("book", "show", code)
    return found


def where(lou: Lou, code: str) -> tuple[str, str | None]:
    row = book(lou, code)
    return row["status"], row["box"]


# -------------------------------------------------------------- the "done when"


@pytest.mark.parametrize("source", ["photo", "stdin", "file"])
def test_a_box_stocktaken_present_not_seen_and_found_here(
    ring: Lou, tmp_path: Path, source: str
) -> None:
    """Two of SHY-01's books and one of SHY-02's are in SHY-01: two present, two not
    seen, one found here; the records and the history follow."""
    codes = ["B00001", "B00002", "B00005"]
    if source == "photo":
        args = ("--photo", str(photo(tmp_path / "box.png", codes)))
        found = ring.json("stocktake", "SHY-01", *args)
    elif source == "stdin":
        found = ring.json("stocktake", "SHY-01", input="B00001\nb00002\nB00001\nB00005\n\n")
    else:
        listing = tmp_path / "codes.csv"
        listing.write_text("code,title\nB00001,x\nB00002,y\nB00005,z\n", encoding="utf-8")
        found = ring.json("stocktake", "SHY-01", "--from", str(listing))
    assert {k: found[k] for k in ("present", "not_seen", "found_here", "unknown", "isbn_only")} == {
        "present": ["B00001", "B00002"],
        "not_seen": ["B00003", "B00004"],
        "found_here": ["B00005"],
        "unknown": [],
        "isbn_only": [],
    }
    assert found["stocktake"] == 1 and found["dry_run"] is False
    assert [(b["code"], b["result"], b["was"]) for b in found["books"]] == [
        ("B00001", "present", None),
        ("B00002", "present", None),
        ("B00003", "not_seen", None),
        ("B00004", "not_seen", None),
        ("B00005", "found_here", "SHY-02"),
    ]
    assert where(ring, "B00003") == ("not_seen", None)
    assert book(ring, "B00003")["last_box"] == "SHY-01"
    assert where(ring, "B00005") == ("in_box", "SHY-01")
    assert where(ring, "B00001") == ("in_box", "SHY-01")
    history = ring.json("book", "history", "B00005")["events"][-1]
    assert {k: history.get(k) for k in ("action", "from", "to", "command", "note")} == {
        "action": "found",
        "from": "SHY-02",
        "to": "SHY-01",
        "command": "stocktake",
        "note": "stocktake 1",
    }
    seen = ring.json("book", "history", "B00001")["events"]
    assert [(e["action"], e.get("to"), e.get("note")) for e in seen] == [
        ("added", "SHY-01", None),
        ("seen", "SHY-01", "stocktake 1"),
    ]


def test_the_table_and_what_it_says(ring: Lou) -> None:
    run = ring.ok("stocktake", "SHY-01", input="B00001\nB00002\nB00005\nXX-999\nSHY-02\n")
    assert run.stdout == (
        "                          Stocktake of box SHY-01                           \n"
        "┏━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓\n"
        "┃ Code   ┃ Title    ┃ Result       ┃ Note                                  ┃\n"
        "┡━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩\n"
        "│ B00001 │ 书SHY-01 │ present      │                                       │\n"
        "│ B00002 │ 书SHY-01 │ present      │                                       │\n"
        "│ B00003 │ 书SHY-01 │ not seen     │                                       │\n"
        "│ B00004 │ 书SHY-01 │ not seen     │                                       │\n"
        "│ B00005 │ 书SHY-02 │ found here   │ recorded: SHY-02                      │\n"
        "│ XX-999 │          │ unknown code │ not one of our codes; nothing changed │\n"
        "└────────┴──────────┴──────────────┴───────────────────────────────────────┘\n"
    )
    assert run.stderr == (
        "! SHY-02 is a box's code, not a book's: skipped; scan the labels on the books.\n"
        "SHY-01: 2 present, 2 not seen, 1 found here, 0 withdrawn, 1 unknown, 0 ISBN only.\n"
        "✓ Saved as stocktake 1. A mistake? lou stocktake SHY-01 --undo\n"
    )
    assert where(ring, "B00005") == ("in_box", "SHY-01")


def test_a_photo_with_an_isbn_barcode_offers_a_new_copy(ring: Lou, tmp_path: Path) -> None:
    ring.ok("book", "add", "--title", "平凡的世界", "--author", "路遥", "--isbn", ISBN10)
    other = "9787544253994"  # no copy in the catalogue
    image = photo(tmp_path / "shelf.png", ["B00001", "B00002", "B00003", "B00004"], (ISBN, other))
    found = ring.json("stocktake", "SHY-01", "--photo", str(image))
    assert found["present"] == ["B00001", "B00002", "B00003", "B00004"]
    assert found["isbn_only"] == [ISBN, other]
    assert found["offers"] == [
        {"isbn": ISBN, "title": "平凡的世界", "author": "路遥"},
        {"isbn": other, "title": None, "author": None},
    ]
    assert ring.json("book", "list", "--box", "SHY-01")["total"] == 4  # nothing registered


def test_the_counts_add_up_to_the_rows_a_withdrawn_copy_included(ring: Lou) -> None:
    ring.ok("book", "withdraw", "B00005")
    run = ring.ok(
        "stocktake", "SHY-01", "--dry-run", input="B00001\nB00002\nB00003\nB00004\nB00005\n"
    )
    assert run.stderr.splitlines()[0] == (
        "SHY-01: 4 present, 0 not seen, 0 found here, 1 withdrawn, 0 unknown, 0 ISBN only."
    )


def test_an_isbn_read_stands_for_the_unlabelled_copy_recorded_in_the_box(ring: Lou) -> None:
    """A donated copy whose label is not printed yet, read by its ISBN: it was marked not
    seen, and the note offered to register it again (a second record for one book)."""
    ring.ok("donate", "--box", "SHY-01", "--isbn", "9787544253994", "--title", "百年孤独")
    found = ring.json("stocktake", "SHY-01", "--dry-run",
                      input="B00001\nB00002\nB00003\nB00004\n978-7-5442-5399-4\n")  # fmt: skip
    assert (found["present"], found["not_seen"], found["isbn_only"], found["offers"]) == (
        ["B00001", "B00002", "B00003", "B00004", "B00023"], [], [], [],
    )  # fmt: skip
    # ISBNs alone, one of them that copy's: still the scanner set to the wrong barcodes
    before = ring.snapshot()
    run = ring("stocktake", "SHY-01", input="9787544253994\n9787020002207\n")
    assert (run.exit_code, run.stderr.startswith("✗ No book code of ours was read")) == (1, True)
    assert ring.snapshot() == before
    # a second copy read by the same ISBN is a book the records do not have here
    other = ring.json("stocktake", "SHY-02", "--dry-run", input="B00005\n9787544253994\n")
    assert other["isbn_only"] == ["9787544253994"]


def test_dry_run_changes_nothing(ring: Lou) -> None:
    before = ring.snapshot()
    found = ring.json("stocktake", "SHY-01", "--dry-run", input="B00001\nB00005\n")
    assert (found["stocktake"], found["dry_run"]) == (None, True)
    assert found["not_seen"] == ["B00002", "B00003", "B00004"]
    assert ring.snapshot() == before


def test_codes_from_a_pipe_are_read_to_the_end_past_an_empty_line(ring: Lou) -> None:
    """At a terminal an empty line ends the scanning; from a file (a double Enter in a
    scanner app's export) it dropped every code after it, and those books were marked
    not seen."""
    found = ring.json("stocktake", "SHY-01", input="B00001\nB00002\n\n\nB00003\nB00004\n")
    assert (found["present"], found["not_seen"]) == (["B00001", "B00002", "B00003", "B00004"], [])


def test_a_box_on_a_walk_not_reported_yet_is_not_counted(ring: Lou) -> None:
    """After ``rotate apply`` the records show the books the walk will bring; counting the
    box before the walk marked them not seen, and the books still there found."""
    ring.ok("rotate", "apply")
    task = ring.json("task", "show", "1")
    box = task["boxes"][0]
    before = ring.snapshot()
    for dry in ([], ["--dry-run"]):
        run = ring("stocktake", box, *dry, input="B00001\n")
        assert (run.exit_code, run.stderr) == (
            1,
            f"✗ {box} is on the walk of task 1 ({task['date']}), not reported done yet: its "
            "records already show the books after that walk, so a stocktake now would mark "
            "books not yet brought as not seen. Scan it on the walk (`lou task done 1 --scan`) "
            "or once the task is reported; nothing was changed.\n",
        )
    assert ring.snapshot() == before
    ring.ok("task", "done", "1")
    contents = [b["code"] for b in ring.json("box", "show", box)["contents"]]
    counted = ring.json("stocktake", box, input="\n".join(contents) + "\n")
    assert (counted["present"], counted["not_seen"]) == (contents, [])


def test_undo_goes_alone(ring: Lou) -> None:
    """``--undo --dry-run`` took the stocktake back for real."""
    ring.ok("stocktake", "SHY-01", input="B00001\n")
    before = ring.snapshot()
    for extra in (["--dry-run"], ["--from", "codes.txt"], ["--photo", "p.png"]):
        run = ring("stocktake", "SHY-01", "--undo", *extra)
        assert (run.exit_code, run.stderr) == (
            1,
            "✗ --undo cannot go with --dry-run, --from or --photo: it only takes back the box's "
            "last stocktake; nothing was changed.\n",
        )
    assert ring.snapshot() == before
    zh = ring("--lang", "zh", "stocktake", "SHY-01", "--undo", "--dry-run")
    assert zh.stderr == (
        "✗ --undo 不能和 --dry-run、--from 或 --photo 一起用：它只撤销这个箱最近一次盘点；未做任何更改。\n"
    )
    ring.ok("stocktake", "SHY-01", "--undo")


# ------------------------------------------------------------------ the way back


def test_undo_puts_the_books_back_and_the_history_says_so(ring: Lou) -> None:
    before = {c: book(ring, c) for c in ("B00003", "B00005", "B00013")}
    ring.ok("stocktake", "SHY-01", input="B00001\nB00002\nB00004\nB00005\nB00013\n")
    assert where(ring, "B00013") == ("in_box", "SHY-01")
    run = ring.ok("stocktake", "SHY-01", "--undo")
    assert run.stderr == "✓ Stocktake 1 (SHY-01) taken back: 3 books are as recorded before it.\n"
    assert {c: book(ring, c) for c in before} == before
    last = ring.json("book", "history", "B00013")["events"][-1]
    assert (last["action"], last["from"], last["to"], last["note"]) == (
        "undone",
        "SHY-01",
        "DEPOT",
        "stocktake 1",
    )
    again = ring("stocktake", "SHY-01", "--undo")
    assert (again.exit_code, again.stderr) == (
        1,
        "✗ There is no stocktake of SHY-01 to take back.\n",
    )
    # a taken-back stocktake is left out of the missing report and of the history
    assert "stocktakes" not in ring.json("report", "missing")["sections"]
    actions = [e["action"] for e in ring.json("book", "history", "B00001")["events"]]
    assert actions == ["added"]


def test_undo_is_refused_once_a_book_changed_after_it(ring: Lou) -> None:
    ring.ok("stocktake", "SHY-01", input="B00001\nB00002\nB00004\n")
    ring.ok("book", "found", "B00003", "--box", "SHY-01")
    before = ring.snapshot()
    run = ring("stocktake", "SHY-01", "--undo")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Stocktake 1 cannot be taken back: these books changed after it: B00003. "
        "Nothing changed.\n",
    )
    assert ring.snapshot() == before


def test_stocktakes_appear_in_the_missing_report(ring: Lou) -> None:
    ring.ok("stocktake", "SHY-01", input="B00001\nB00002\nB00005\nNOPE\n")
    document = ring.json("report", "missing")
    assert document["sections"]["stocktakes"]["rows"] == [
        {
            "stocktake": 1,
            "date": "2026-11-24",
            "box": "SHY-01",
            "site": "SHY",
            "present": 2,
            "not_seen": 2,
            "found_here": 1,
            "unknown": 1,
            "isbn_only": 0,
            "task": None,
        }
    ]
    assert [r["code"] for r in document["sections"]["books"]["rows"]] == ["B00003", "B00004"]


# ------------------------------------------------------------------- bad input


def test_a_file_that_is_no_image_is_refused(ring: Lou, tmp_path: Path) -> None:
    fake = tmp_path / "photo.png"
    fake.write_text("not a picture", encoding="utf-8")
    before = ring.snapshot()
    run = ring("stocktake", "SHY-01", "--photo", str(fake))
    assert (run.exit_code, run.stdout) == (1, "")
    assert run.stderr == (
        f"✗ {fake} is not an image lou can open: use a JPEG or PNG photo; nothing changed.\n"
    )
    zh = ring("--lang", "zh", "stocktake", "SHY-01", "--photo", str(fake))
    assert zh.stderr == f"✗ {fake} 不是能打开的图片：请用手机拍的 JPEG 或 PNG 照片，什么都没改。\n"
    gone = ring("stocktake", "SHY-01", "--photo", str(tmp_path / "gone.jpg"))
    assert (gone.exit_code, gone.stderr) == (
        1,
        f"✗ No photo {tmp_path / 'gone.jpg'}: nothing changed.\n",
    )
    assert ring.snapshot() == before


def test_a_photo_with_no_code_is_refused(ring: Lou, tmp_path: Path) -> None:
    from PIL import Image

    blank = tmp_path / "blank.jpg"
    Image.new("RGB", (640, 480), (200, 180, 150)).save(blank)
    before = ring.snapshot()
    run = ring("stocktake", "SHY-01", "--photo", str(blank))
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ No QR code or barcode could be read in {blank}: take it again closer, with the "
        "labels in focus; nothing changed.\n",
    )
    assert ring.snapshot() == before


def test_codes_from_another_programme_only_change_nothing(ring: Lou, tmp_path: Path) -> None:
    before = ring.snapshot()
    image = photo(tmp_path / "other.png", ["http://example.org/item/17", "LIB-0042"])
    for args, stdin in (
        (("--photo", str(image)), None),
        ((), "LIB-0042\nLIB-0043\n"),
    ):
        run = ring("stocktake", "SHY-01", *args, input=stdin)
        assert (run.exit_code, run.stdout) == (1, "")
        assert run.stderr == (
            "✗ No book code of ours was read (2 unknown, 0 ISBN), so SHY-01 is left as it "
            "was: scan the labels we put on the books (an ISBN names a title, not a copy).\n"
        )
    empty = ring("stocktake", "SHY-01", input="\n")
    assert empty.exit_code == 1 and "(0 unknown, 0 ISBN)" in empty.stderr
    # the books' ISBN barcodes instead of our labels: which copies are there is not known
    isbns = ring("stocktake", "SHY-01", input=f"{ISBN}\n9787544291170\n")
    assert isbns.exit_code == 1 and "(0 unknown, 2 ISBN)" in isbns.stderr
    listed = ring.json("stocktake", "SHY-01", "--dry-run", "--photo", str(image), "--photo",
                       str(photo(tmp_path / "ours.png", ["B00001"])))  # fmt: skip
    assert listed["unknown"] == ["http://example.org/item/17", "LIB-0042"]
    assert ring.snapshot() == before
    # a box the records have empty, with books no label of ours: listed for intake
    ring.ok("box", "add", "--site", "SHY", "--building", "9号楼", "--unit", "1单元")
    found = ring.json("stocktake", "SHY-03", input=f"{ISBN}\n")
    assert (found["isbn_only"], found["not_seen"], found["stocktake"]) == ([ISBN], [], 1)


def test_a_box_code_where_a_book_code_was_expected(ring: Lou, tmp_path: Path) -> None:
    """The box's own label or a neighbour's, read among the books: a line, and skipped."""
    image = photo(tmp_path / "box.png", ["SHY-01", "B00001", "B00002", "B00003", "B00004"])
    run = ring("stocktake", "SHY-01", "--photo", str(image), "--json")
    assert run.exit_code == 0
    assert run.json()["box_codes"] == ["SHY-01"] and run.json()["found_here"] == []
    assert run.stderr == (
        "! SHY-01 is a box's code, not a book's: skipped; scan the labels on the books.\n"
    )
    only_boxes = ring("stocktake", "SHY-02", input="SHY-01\nGDJ-01\n")
    assert only_boxes.exit_code == 1
    assert where(ring, "B00005") == ("in_box", "SHY-02")


def test_a_box_that_does_not_exist_and_a_file_that_is_not_text(ring: Lou, tmp_path: Path) -> None:
    run = ring("stocktake", "SHY-09", input="B00001\n")
    assert (run.exit_code, run.stderr) == (1, "✗ No box SHY-09. Did you mean SHY-01, SHY-02?\n")
    binary = tmp_path / "codes.txt"
    binary.write_bytes(b"\x00\x01\x02PK")
    run = ring("stocktake", "SHY-01", "--from", str(binary))
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ {binary} is not a text or CSV file: give a file with one code a line; "
        "nothing changed.\n",
    )


# --------------------------------------------------------------- a walk, box by box


def test_task_done_scan_walks_the_boxes_and_reports_missing_and_extra(ring: Lou) -> None:
    ring.ok("schedule", "set", "--start", "2026-11-28")
    ring.ok("rotate", "apply")
    tasks = ring.json("task", "list")["tasks"]
    task = next(t for t in tasks if len(t["boxes"]) > 1)
    shown = ring.json("task", "show", str(task["id"]))
    first, second = task["boxes"][:2]
    contents = {
        b: [r["code"] for r in ring.json("box", "show", b)["contents"]] for b in task["boxes"]
    }
    handled_in = {book for book, _ in shown["stops"][0]["put_in"]}
    gone = next(c for c in contents[first] if c in handled_in)  # brought in, not there
    elsewhere = next(b for b in ("SHY-01", "SHY-02", "GDJ-01") if b not in task["boxes"])
    stranger = ring.json("box", "show", elsewhere)["contents"][0]["code"]  # walked off
    runs = [[c for c in contents[first] if c != gone] + [stranger]]
    runs += [contents[b] for b in task["boxes"][1:]]
    typed = "".join("\n".join(run) + "\n\n" for run in runs)
    found = ring.json("task", "done", str(task["id"]), "--scan", input=typed)
    assert (found["missing"], found["extra"]) == ([gone], [f"{stranger}@{first}"])
    assert [b["box"] for b in found["boxes"]] == task["boxes"]
    assert found["boxes"][1]["not_seen"] == [] and found["boxes"][1]["box"] == second
    assert where(ring, gone)[0] == "not_seen" and where(ring, stranger) == ("in_box", first)
    listed = ring.json("task", "list", "--all")["tasks"]
    assert next(t for t in listed if t["id"] == task["id"])["status"] == "done"
    event = ring.json("book", "history", gone)["events"][-1]
    assert (event["command"], event["note"]) == ("task done --scan", "stocktake 1")
    # the walk's report was made: a second report is refused before any scanning
    again = ring("task", "done", str(task["id"]), "--scan", input="")
    assert (again.exit_code, again.stderr) == (
        1,
        f"✗ Task {task['id']} was reported done at 2026-11-24 09:30:00; to add a forgotten "
        f"book, `lou task done {task['id']} --amend --missing CODE`.\n",
    )
    # the way back: the first box's stocktake taken back, the task no longer reports it
    ring.ok("stocktake", first, "--undo")
    after = next(t for t in ring.json("task", "list", "--all")["tasks"] if t["id"] == task["id"])
    assert (after["missing"], after["extra"], after["status"]) == ([], [], "done")
    assert where(ring, gone) == ("in_box", first) and where(ring, stranger) == ("in_box", elsewhere)


def test_task_done_scan_needs_every_box(ring: Lou) -> None:
    ring.ok("schedule", "set", "--start", "2026-11-28")
    ring.ok("rotate", "apply")
    task = next(t for t in ring.json("task", "list")["tasks"] if len(t["boxes"]) > 1)
    before = ring.snapshot()
    run = ring("task", "done", str(task["id"]), "--scan", input="B00001\n")
    assert (run.exit_code, run.stderr) == (
        1,
        f"✗ Task {task['id']} walks {len(task['boxes'])} boxes and only 1 was scanned; "
        "nothing changed: end each box with an empty line, an empty box too.\n",
    )
    # an empty line too many: codes are left after the last box's run (one box came empty)
    runs = "\n\n".join(["B00001"] * (len(task["boxes"]) + 1)) + "\n"
    extra = ring("task", "done", str(task["id"]), "--scan", input=runs.replace("\n\n", "\n\n\n", 1))
    assert (extra.exit_code, extra.stderr) == (
        1,
        "✗ There are codes after the run of the walk's last box (B00001): was Enter pressed "
        "twice, leaving a box empty? Check the input (an empty line after each box's codes); "
        "nothing was changed.\n",
    )
    both = ring("task", "done", str(task["id"]), "--scan", "--missing", "B00001")
    assert both.exit_code == 1 and "--scan goes without" in both.stderr
    assert ring.snapshot() == before


# ---------------------------------------------------------------------- invariants


@given(
    recorded=st.lists(st.sampled_from([f"B{n:05d}" for n in range(12)]), unique=True),
    scanned=st.lists(st.sampled_from([f"B{n:05d}" for n in range(20)])),
    withdrawn=st.sets(st.sampled_from([f"B{n:05d}" for n in range(12, 20)])),
)
def test_reconciliation_partitions_the_codes_recorded_and_read(
    recorded: list[str], scanned: list[str], withdrawn: set[str]
) -> None:
    """Every code recorded or read lands in exactly one list; present and not seen are
    the recorded ones, found here and withdrawn the others read."""
    part = reconcile(recorded, scanned, withdrawn)
    lists = [part.present, part.not_seen, part.found_here, part.withdrawn]
    every = [c for found in lists for c in found]
    assert len(every) == len(set(every))
    assert set(every) == set(recorded) | set(scanned)
    assert set(part.present) | set(part.not_seen) == set(recorded)
    assert set(part.present) == set(recorded) & set(scanned)
    assert set(part.withdrawn) <= withdrawn


@given(runs=st.lists(st.lists(st.sampled_from(["B00001", "B00002", "X"]), max_size=4), max_size=5))
def test_runs_of_codes_come_back_box_by_box(runs: list[list[str]]) -> None:
    typed = [line for run in runs for line in [*run, ""]]
    assert groups_from_lines(typed, len(runs)) == runs


def test_at_a_terminal_each_code_is_echoed_with_its_title(
    ring: Lou, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A volunteer at the scanner sees each code's title as it is read (a terminal is
    stood in for: CliRunner's input is no terminal)."""
    from lou_library.cli import cmd_stocktake

    monkeypatch.setattr(cmd_stocktake, "_interactive", lambda: True)
    typed = f"B00001\nb00001\nB00005\nGDJ-01\n{ISBN}\nWHAT\n\nB00002\n"
    run = ring.ok("stocktake", "SHY-01", "--dry-run", input=typed)
    assert run.stderr.splitlines()[:7] == [
        "Scan every book in SHY-01 (scanner or keyboard, one code a line); an empty line to "
        "finish:",
        "✓ B00001 '书SHY-01'",
        "  B00001 read already",
        "✓ B00005 '书SHY-02'",
        "GDJ-01 is a box's code, not a book's: skipped; scan the labels on the books.",
        f"+ ISBN {ISBN}: a book without our label",
        "? WHAT: not in the catalogue",
    ]


def test_several_photos_as_the_shell_gives_them(ring: Lou, tmp_path: Path) -> None:
    """``--photo *.jpg``: the first photo after the option, the others as arguments; a
    label seen in two photos counts once."""
    one = photo(tmp_path / "1.png", ["B00001", "B00002"])
    two = photo(tmp_path / "2.png", ["B00002", "B00003", "B00004"])
    found = ring.json("stocktake", "SHY-01", "--dry-run", "--photo", str(one), str(two))
    assert (found["present"], found["not_seen"]) == (["B00001", "B00002", "B00003", "B00004"], [])
    stray = ring("stocktake", "SHY-01", str(one))
    assert (stray.exit_code, stray.stderr) == (
        1,
        f"✗ Unexpected argument '{one}': only photos come several at once (--photo 1.jpg 2.jpg).\n",
    )


def test_a_retired_box_is_not_stocktaken(ring: Lou) -> None:
    ring.ok("box", "add", "--site", "SHY", "--building", "9号楼", "--unit", "1单元")
    ring.ok("box", "retire", "SHY-03")
    before = ring.snapshot()
    run = ring("stocktake", "SHY-03", input="B00001\n")
    assert (run.exit_code, run.stderr) == (
        1,
        "✗ Box SHY-03 is retired and cannot be stocktaken: if books are there, lou box "
        "reactivate SHY-03 first.\n",
    )
    assert ring.snapshot() == before


def test_task_done_scan_says_what_was_not_as_recorded(ring: Lou) -> None:
    """Round 1 on the ring: task 1 walks SHY-01 (now B00013, B00015-B00017, from the
    library room) and SHY-02 (now B00001-B00004). B00013 is not in SHY-01; B00005, now
    recorded in the library room, is."""
    ring.ok("schedule", "set", "--start", "2026-11-28")
    ring.ok("rotate", "apply")
    typed = "B00015\nB00016\nB00017\nB00005\n\nB00001\nB00002\nB00003\nB00004\n\n"
    run = ring.ok("task", "done", "1", "--scan", "--hours", "1.5", input=typed)
    assert run.stdout == (
        "          Task 1's stocktake: books not as recorded          \n"
        "┏━━━━━━━━┳━━━━━━━━┳━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━┓\n"
        "┃ Box    ┃ Code   ┃ Title    ┃ Result     ┃ Note            ┃\n"
        "┡━━━━━━━━╇━━━━━━━━╇━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━┩\n"
        "│ SHY-01 │ B00013 │ 库存     │ not seen   │                 │\n"
        "│ SHY-01 │ B00005 │ 书SHY-02 │ found here │ recorded: depot │\n"
        "└────────┴────────┴──────────┴────────────┴─────────────────┘\n"
    )
    assert run.stderr == (
        "SHY-01: 3 present, 1 not seen, 1 found here\n"
        "SHY-02: 4 present, 0 not seen, 0 found here\n"
        "✓ Task 1 done, thank you! Not seen: 1. Found in the boxes: 1. Hours counted: 1.5.\n"
    )


def test_books_found_here_may_fill_a_box_over_its_capacity(ring: Lou) -> None:
    """They are in the box already: recorded there, with a warning (as a donation is)."""
    run = ring.ok("stocktake", "SHY-01", input="B00001\nB00002\nB00003\nB00004\nB00005\nB00006\n")
    assert run.stderr.splitlines()[-1] == (
        "! Box SHY-01 is now over capacity; the next rotation takes the surplus back to the depot."
    )
    assert ring.json("box", "show", "SHY-01")["books"] == 6
