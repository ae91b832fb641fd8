#!/usr/bin/env python3
"""Stocktake in the field, timed (issue 17): whole ``lou`` commands on the demo network.

Run from a checkout, with the interpreter that has ``lou_library`` installed::

    python bench/stocktake.py               # 7 runs of each, medians
    python bench/stocktake.py --runs 3
    python bench/stocktake.py --json        # the same figures as one JSON document

Two figures, each against its target:

* **scanner**: ``lou stocktake SHY-01`` with the box's 24 codes on standard input, as a
  USB scanner types them, against ``lou box show SHY-01`` on the same box, run
  interleaved (stocktake, show, stocktake, show, ...) so machine noise hits both; the
  stocktake writes, so each run gets a fresh copy of the demo file (not timed). Target:
  at most 1.5 times ``box show``.
* **photo**: ``lou stocktake SHY-01 --photo`` on a phone-sized picture (4032 x 3024, JPEG)
  of the 24 books' QR labels as ``lou labels`` prints them: decoded and reconciled,
  start-up included, in at most 2 s.

Each command is a subprocess (``python -m lou_library --db PATH ...``) after one
warm-up, with the clock pinned. :func:`measure` returns the figures for a caller such as
``bench/run.py``.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

BOX = "SHY-01"
LOU_NOW = "2026-11-24T09:30:00"
SCANNER_TARGET = 1.5  # x lou box show on the same box
PHOTO_TARGET = 2.0  # seconds
PHOTO_SIZE = (4032, 3024)  # a 12-megapixel phone photo, landscape


def lou(db: Path, *args: str, stdin: bytes = b"") -> tuple[float, bytes]:
    """Run ``lou`` on ``db``; the wall time and what it printed on stdout."""
    env = {**os.environ, "LOU_NOW": LOU_NOW, "LOU_LANG": "en", "NO_COLOR": "1"}
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "lou_library", "--db", str(db), *args],
        input=stdin,
        capture_output=True,
        env=env,
        check=False,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"lou {' '.join(args)} failed: {done.stderr.decode()}")
    return elapsed, done.stdout


def label_photo(codes: list[str], target: Path) -> None:
    """The books' QR labels (segno, error level M, as labels.qr_svg makes them) laid out
    six by four on a grey table, as a phone photographs them from above: a JPEG."""
    import segno
    from PIL import Image

    width, height = PHOTO_SIZE
    canvas = Image.new("L", (width, height), 200)
    cell_w, cell_h = width // 6, height // 4
    for n, code in enumerate(codes):
        buffer = io.BytesIO()
        segno.make_qr(code, error="m").save(buffer, kind="png", scale=12, border=4)
        buffer.seek(0)
        tile = Image.open(buffer).convert("L")
        x = (n % 6) * cell_w + (cell_w - tile.size[0]) // 2
        y = (n // 6) * cell_h + (cell_h - tile.size[1]) // 2
        canvas.paste(tile, (x, y))
    canvas.save(target, quality=85)


def measure(runs: int = 7) -> dict[str, Any]:
    """Both figures on a fresh demo network in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="lou-bench-stocktake-") as tmp:
        folder = Path(tmp)
        pristine = folder / "demo.json"
        lou(pristine, "init", "--demo")
        shown = json.loads(lou(pristine, "box", "show", BOX, "--json")[1])
        codes = [book["code"] for book in shown["contents"]]
        typed = ("\n".join(codes) + "\n\n").encode()
        photo = folder / "labels.jpg"
        label_photo(codes, photo)
        work = folder / "work.json"

        def stocktake(*args: str, stdin: bytes = b"") -> float:
            shutil.copyfile(pristine, work)
            backups = folder / "work.json.backups"
            if backups.exists():
                shutil.rmtree(backups)
            return lou(work, "stocktake", BOX, *args, stdin=stdin)[0]

        stocktake(stdin=typed)  # warm-up: caches, .pyc files
        lou(pristine, "box", "show", BOX)
        scanned, shows, photos = [], [], []
        for _ in range(runs):
            scanned.append(stocktake(stdin=typed))
            shows.append(lou(pristine, "box", "show", BOX)[0])
        stocktake("--photo", str(photo))
        for _ in range(runs):
            photos.append(stocktake("--photo", str(photo)))
        found = json.loads(lou(work, "stocktake", BOX, "--dry-run", "--json", "--photo",
                               str(photo))[1])  # fmt: skip
    scan_s, show_s, photo_s = (statistics.median(x) for x in (scanned, shows, photos))
    return {
        "box": BOX,
        "codes": len(codes),
        "runs": runs,
        "scanner": {
            "stocktake_s": round(scan_s, 4),
            "box_show_s": round(show_s, 4),
            "ratio": round(scan_s / show_s, 3),
            "target_ratio": SCANNER_TARGET,
            "met": scan_s / show_s <= SCANNER_TARGET,
        },
        "photo": {
            "size": list(PHOTO_SIZE),
            "labels": len(codes),
            "read": len(found["present"]),
            "stocktake_s": round(photo_s, 4),
            "target_s": PHOTO_TARGET,
            "met": photo_s <= PHOTO_TARGET and len(found["present"]) == len(codes),
        },
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs of each (median)")
    parser.add_argument("--json", action="store_true", help="one JSON document on stdout")
    args = parser.parse_args(argv)
    figures = measure(max(1, args.runs))
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    scan, photo = figures["scanner"], figures["photo"]
    print(f"stocktake {BOX}, {figures['codes']} codes on stdin: {scan['stocktake_s']:.3f} s; "
          f"box show {BOX}: {scan['box_show_s']:.3f} s; ratio {scan['ratio']:.2f} "
          f"(target <= {SCANNER_TARGET}): {'met' if scan['met'] else 'MISSED'}")  # fmt: skip
    print(f"stocktake {BOX} --photo ({photo['size'][0]} x {photo['size'][1]} JPEG, "
          f"{photo['labels']} labels, {photo['read']} read): {photo['stocktake_s']:.3f} s "
          f"(target <= {PHOTO_TARGET} s): {'met' if photo['met'] else 'MISSED'}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
