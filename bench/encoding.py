#!/usr/bin/env python3
"""How to write the DB file: the encodings weighed for ``store.encode``, measured.

    python bench/encoding.py [DB ...]     # default: the bench's cached networks

For each DB file it prints the size and the time (best of 5) to encode the document
as indented JSON (schema 2's choice), compact JSON (one line per table: schema 3's
``store.encode``), one record per line, and the gzip level 1 of the compact form (what a
backup holds), and the time to parse each. Run ``python bench/run.py`` first: it caches
the fresh and aged networks under ``<tmp>/lou-bench/``.
"""

from __future__ import annotations

import gzip
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson

from lou_library.store import encode


def indented(data: dict[str, Any]) -> bytes:
    return orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def per_record(data: dict[str, Any]) -> bytes:
    tables = []
    for name, table in data.items():
        records = [orjson.dumps(key) + b":" + orjson.dumps(doc) for key, doc in table.items()]
        tables.append(orjson.dumps(name) + b":{\n" + b",\n".join(records) + b"\n}")
    return b"{\n" + b",\n".join(tables) + b"\n}\n"


def best(action: Callable[[], object], runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)


def measure(path: Path) -> list[list[str]]:
    data = orjson.loads(path.read_bytes())
    compact = encode(data)
    ways: dict[str, Callable[[], bytes]] = {
        "indented (schema 2)": lambda: indented(data),
        "compact, a line per table (schema 3)": lambda: encode(data),
        "a line per record": lambda: per_record(data),
        "gzip -1 of compact (a backup)": lambda: gzip.compress(compact, 1, mtime=0),
    }
    rows = []
    for name, way in ways.items():
        payload = way()
        parse = "-"
        if not name.startswith("gzip"):
            parse = f"{best(lambda: orjson.loads(payload)):.3f}"  # noqa: B023 - called at once
        label = f"{path.parent.name}/{path.name}"
        rows.append([label, name, f"{len(payload) / 1e6:.1f}", f"{best(way):.3f}", parse])
    return rows


def main(paths: list[Path]) -> int:
    if not paths:
        paths = sorted(Path(tempfile.gettempdir(), "lou-bench").glob("*/*.json"))
        paths = [p for p in paths if not p.name.endswith(".meta.json") and p.name != "meta.json"]
    if not paths:
        print("no DB files: run `python bench/run.py` first, or name a DB file")
        return 1
    print("| file | encoding | MB | encode s | parse s |")
    print("|---|---|---:|---:|---:|")
    for path in paths:
        for row in measure(path):
            print("| " + " | ".join(row) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main([Path(a) for a in sys.argv[1:]]))
