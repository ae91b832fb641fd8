"""Write the files the volunteers' guide stocktakes from: what a barcode scanner typed in
box SHY-02 (``docs/examples/scanner-SHY-02.txt``) and a photo of the labels in box SHY-04
(``docs/examples/SHY-04.png``).

Usage::

    python docs/stocktake_examples.py && python docs/doctool.py

The guide's session is replayed up to its stocktake section (the English guide; the
Chinese one runs the same commands), so the files hold the codes the boxes hold at that
point of the session. Run it again when the demo network or the planner changes what a
box holds after the first round, then rewrite the guides' outputs with doctool.

The scanner file: every book recorded in SHY-02 but two (not seen), the book reported
not seen in section 8 (found here: it moved), another programme's label and the ISBN of
a book without our label. The photo: the QR labels of every book in SHY-04 but one, and
one book recorded in SHY-05 (found here), as ``lou labels`` prints them.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from doctool import EXAMPLES, FENCE, Session, parse

GUIDE = Path(__file__).resolve().parent / "volunteers.en.md"
OTHER_LABEL = "TSG-2019-0457"  # another library's barcode label
NO_LABEL_ISBN = "9787506365437"  # a resident's book, no label of ours


def replay(session: Session) -> None:
    """The guide's commands, in order, up to its first stocktake."""
    for match in FENCE.finditer(GUIDE.read_text(encoding="utf-8")):
        for line in match.group(2).split("\n"):
            if not line.startswith("$ "):
                continue
            if " stocktake " in line:
                return
            session.run(parse(line[2:]))


def contents(session: Session, box: str) -> list[str]:
    shown = json.loads(session.run(parse(f"lou box show {box} --json")))
    return [book["code"] for book in shown["contents"]]


def qr_photo(codes: list[str], target: Path) -> None:
    """The labels' QR codes (segno, error level M, as labels.qr_svg makes them) in a grid
    of six columns, as a phone photographs a row of spines from above."""
    import segno
    from PIL import Image

    tiles = []
    for code in codes:
        buffer = io.BytesIO()
        segno.make_qr(code, error="m").save(buffer, kind="png", scale=5, border=4)
        buffer.seek(0)
        tiles.append(Image.open(buffer).convert("L"))
    cell = max(tile.size[0] for tile in tiles) + 24
    rows = (len(tiles) + 5) // 6
    canvas = Image.new("L", (cell * 6, cell * rows), 255)
    for n, tile in enumerate(tiles):
        canvas.paste(tile, ((n % 6) * cell + 12, (n // 6) * cell + 12))
    canvas.save(target, optimize=True)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="lou-stocktake-") as tmp:
        session = Session(Path(tmp), "en")
        replay(session)
        missing = json.loads(session.run(parse("lou book list --status not_seen --json")))
        moved = missing["books"][0]["code"]
        scanned = [*contents(session, "SHY-02")[2:], moved, OTHER_LABEL, NO_LABEL_ISBN]
        (EXAMPLES / "scanner-SHY-02.txt").write_text("\n".join(scanned) + "\n", "utf-8")
        shelf = [*contents(session, "SHY-04")[:-1], *contents(session, "SHY-05")[:1]]
        qr_photo(shelf, EXAMPLES / "SHY-04.png")
    print("wrote docs/examples/scanner-SHY-02.txt and docs/examples/SHY-04.png", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
