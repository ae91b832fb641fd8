"""Printable labels for books and boxes: an A4 page of a common label sheet, with QR codes.

A label carries the code as text and as a QR code (so a phone's scanner reads it, and
``lou book show`` takes what it reads), plus the title (books) or the site, building and
unit (boxes). The page is one self-contained HTML file: inline CSS, the QR codes as
inline SVG made by ``segno`` (pure Python, imported only here), nothing fetched. Each A4
sheet is laid out in millimetres to match a sheet of pre-cut labels (:data:`LAYOUTS`);
print it at actual size with no margins.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from lou_library import i18n
from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.catalogue import code_order
from lou_library.errors import Invalid
from lou_library.i18n import Msg
from lou_library.records import BOOKS, BOXES, SITES, Doc, find
from lou_library.repository import Repository
from lou_library.schema import BookStatus, BoxStatus
from lou_library.text import split_list

PAGE_WIDTH = 210.0  # A4, millimetres
PAGE_HEIGHT = 297.0


@dataclass(frozen=True)
class Layout:
    """A sheet of pre-cut labels: ``columns`` × ``rows`` labels of ``width`` × ``height`` mm."""

    key: str
    columns: int
    rows: int
    width: float
    height: float

    @property
    def per_sheet(self) -> int:
        return self.columns * self.rows

    @property
    def top(self) -> float:  # sheets centre the grid; what is left over is the top margin
        return max(0.0, (PAGE_HEIGHT - self.rows * self.height) / 2)

    @property
    def left(self) -> float:
        return max(0.0, (PAGE_WIDTH - self.columns * self.width) / 2)


LAYOUTS = {
    "3x8": Layout("3x8", 3, 8, 70, 37),  # the usual 24-up sheet (Avery 3474, Herma 4453)
    "3x7": Layout("3x7", 3, 7, 70, 42.3),  # 21-up (Avery 3652)
    "2x8": Layout("2x8", 2, 8, 105, 37),  # 16-up (Avery 3484)
}


@dataclass(frozen=True)
class Label:
    code: str
    heading: str  # the title, or the site's name
    detail: str  # the author, or building and unit
    footer: str


def _codes(only: Iterable[str]) -> list[str]:
    """``--only`` values: repeated, or separated by commas, 、, semicolons or spaces."""
    return split_list(only)


def _pick(
    db: Repository, table: str, missing: Msg, only: Sequence[str], default: Iterable[Doc]
) -> list[Doc]:
    """The records named by ``--only`` (each must exist), else ``default``."""
    codes = _codes(only)
    if not codes:
        return list(default)
    picked: dict[str, Doc] = {}
    for code in codes:
        doc = find(db, table, code, missing)
        picked[doc["code"]] = doc
    return list(picked.values())


def book_labels(
    db: Repository, only: Sequence[str] = (), since: date | None = None, new: bool = False
) -> list[Label]:
    """Labels for books: all but withdrawn ones, or those in ``only``; added on or after
    ``since``; only those whose label was never printed if ``new``; in code order."""
    chosen = _pick(
        db,
        BOOKS,
        M.NO_BOOK,
        only,
        (b for b in db.scan(BOOKS) if b["status"] != BookStatus.withdrawn),
    )
    if since is not None:
        chosen = [b for b in chosen if str(b.get("added_on") or "") >= since.isoformat()]
    if new:
        chosen = [b for b in chosen if not b.get("label_on")]
    chosen.sort(key=lambda b: code_order(b["code"]))
    footer = R.LABEL_BOOK_FOOTER()
    return [Label(b["code"], b["title"], b.get("author") or "", footer) for b in chosen]


def box_labels(db: Repository, only: Sequence[str] = (), since: date | None = None) -> list[Label]:
    """Labels for boxes: all but retired ones, or those in ``only``; set up on or after
    ``since``; in code order."""
    chosen = _pick(
        db, BOXES, M.NO_BOX, only, (b for b in db.all(BOXES) if b["status"] != BoxStatus.retired)
    )
    if since is not None:
        chosen = [b for b in chosen if str(b.get("created_at") or "")[:10] >= since.isoformat()]
    chosen.sort(key=lambda b: b["code"])  # site by site: a box's code starts with its site's
    names: dict[str, str] = {s["code"]: s["name"] for s in db.all(SITES)}
    footer = R.LABEL_BOX_FOOTER()
    return [
        Label(
            b["code"],
            names.get(b["site"]) or str(b["site"]),
            f"{b['building']} {b['unit']} · {R.LABEL_CAPACITY(n=b['capacity'])}",
            footer,
        )
        for b in chosen
    ]


def sheets_needed(count: int, layout: Layout, skip: int = 0) -> int:
    return max(1, math.ceil((skip + count) / layout.per_sheet))


def check_skip(skip: int, layout: Layout) -> None:
    if not 0 <= skip < layout.per_sheet:
        raise Invalid(
            R.LABELS_BAD_SKIP, value=skip, limit=layout.per_sheet, last=layout.per_sheet - 1
        )


def qr_svg(code: str) -> str:
    """The code as a QR code (never a Micro QR, which phones rarely read), inline SVG."""
    import segno

    qr = segno.make_qr(code, error="m")
    svg: str = qr.svg_inline(scale=1, border=2, omitsize=True, svgclass="qr", dark="#000")
    return svg


def _mm(value: float) -> str:
    return f"{value:g}mm"


def _css(layout: Layout) -> str:
    """The sheet's style. A title or a detail takes at most two lines, cut by line-clamp:
    in Chromium's print-to-PDF a box's ``max-height`` with ``overflow: hidden`` alone let
    a long Chinese title's third line run over the author and the footer, and a detail on
    one line cut "holds 30 books" short."""
    pad = 2.5
    qr = min(layout.height - 2 * pad, 27.0)
    return f"""
@page {{ size: A4; margin: 0; }}
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; }}
body {{ background: #e8e8e8; color: #000;
  font-family: "Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei",
    "WenQuanYi Micro Hei", Arial, sans-serif; }}
.hint {{ width: 210mm; margin: 8mm auto 0; padding: 3mm 4mm; background: #fff8db;
  border: 1px solid #e0c96b; font-size: 13px; line-height: 1.5; }}
.sheet {{ width: 210mm; height: 296.8mm; margin: 6mm auto; background: #fff;
  padding: {_mm(layout.top)} {_mm(layout.left)} 0; overflow: hidden;
  display: grid; grid-template-columns: repeat({layout.columns}, {_mm(layout.width)});
  grid-auto-rows: {_mm(layout.height)}; box-shadow: 0 1px 5px rgba(0, 0, 0, .3);
  break-after: page; }}
.sheet:last-of-type {{ break-after: auto; }}
.label {{ width: {_mm(layout.width)}; height: {_mm(layout.height)}; padding: {_mm(pad)};
  display: flex; align-items: center; gap: 2mm; overflow: hidden;
  outline: 1px dashed #c4c4c4; outline-offset: -1px; }}
.label svg.qr {{ width: {_mm(qr)}; height: {_mm(qr)}; flex: none; }}
.text {{ flex: 1; min-width: 0; display: flex; flex-direction: column; justify-content: center; }}
.code {{ font: 700 13pt/1.15 "DejaVu Sans Mono", Consolas, "Courier New", monospace;
  letter-spacing: .3px; }}
.heading, .detail {{ display: -webkit-box; -webkit-box-orient: vertical; overflow: hidden;
  overflow-wrap: anywhere; flex: none; }}
.heading {{ margin-top: 1mm; font-size: 10pt; font-weight: 700; line-height: 1.25;
  max-height: 2.5em; -webkit-line-clamp: 2; line-clamp: 2; }}
.detail {{ margin-top: .6mm; font-size: 7.5pt; line-height: 1.3; color: #222;
  max-height: 2.6em; -webkit-line-clamp: 2; line-clamp: 2; }}
.foot {{ margin-top: 1mm; font-size: 6pt; color: #555; white-space: nowrap; overflow: hidden;
  text-overflow: ellipsis; }}
@media print {{
  body {{ background: none; }}
  .hint {{ display: none; }}
  .sheet {{ margin: 0; box-shadow: none; }}
  .label {{ outline: none; }}
}}
"""


def labels_html(
    kind: str,
    labels: Sequence[Label],
    layout: Layout,
    skip: int = 0,
    done: Callable[[], None] | None = None,
) -> str:
    """The page: one ``.sheet`` per A4 sheet, ``skip`` blank places at the start;
    ``done()`` is called after each label (the QR codes take the time)."""
    e = html.escape
    check_skip(skip, layout)
    title = R.LABELS_TITLE[kind]()
    sheets = sheets_needed(len(labels), layout, skip)
    cells: list[str] = ['<div class="label blank"></div>'] * skip
    for label in labels:
        detail = f'<div class="detail">{e(label.detail)}</div>' if label.detail else ""
        cells.append(
            f'<div class="label">{qr_svg(label.code)}<div class="text">'
            f'<div class="code">{e(label.code)}</div>'
            f'<div class="heading">{e(label.heading)}</div>{detail}'
            f'<div class="foot">{e(label.footer)}</div></div></div>'
        )
        if done is not None:
            done()
    hint = R.LABELS_PRINT_HINT(
        n=len(labels),
        sheets=sheets,
        columns=layout.columns,
        rows=layout.rows,
        width=f"{layout.width:g}",
        height=f"{layout.height:g}",
    )
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if i18n.current() == "zh" else "en"}"><head>'
        f'<meta charset="utf-8"><title>{e(title)}</title>'
        f"<style>{_css(layout)}</style></head><body>",
        f'<p class="hint">{e(hint)}</p>',
    ]
    cells += ['<div class="label blank"></div>'] * (sheets * layout.per_sheet - len(cells))
    for start in range(0, sheets * layout.per_sheet, layout.per_sheet):
        parts.append('<div class="sheet">')
        parts.extend(cells[start : start + layout.per_sheet])
        parts.append("</div>")
    parts.append("</body></html>\n")
    return "\n".join(parts)


# ----------------------------------------------------------- what the command does


def chosen_labels(
    db: Repository,
    kind: str,
    only: Sequence[str] = (),
    since: date | None = None,
    new: bool = False,
) -> list[Label]:
    """``lou labels books|boxes``: the labels to print (refused when there are none)."""
    found = book_labels(db, only, since, new) if kind == "books" else box_labels(db, only, since)
    if not found and new:
        raise Invalid(M.LABELS_NEW_NONE)
    if not found:
        raise Invalid(R.LABELS_NONE, what=R.LABELS_WHAT[kind]())
    return found


def record_printed(db: Repository, labels: Sequence[Label]) -> None:
    """Books whose labels were just printed: ``labels books --new`` leaves them out."""
    from lou_library import clock

    today = clock.stamp()[:10]
    db.update(BOOKS, {label.code: {"label_on": today} for label in labels})


@dataclass(frozen=True)
class LabelPage:
    html: str
    labels: int
    sheets: int


def label_page(
    kind: str,
    found: Sequence[Label],
    layout: Layout,
    skip: int = 0,
    done: Callable[[], None] | None = None,
) -> LabelPage:
    """The page of ``found`` labels, and how many labels and sheets it takes."""
    page = labels_html(kind, found, layout, skip, done=done)
    return LabelPage(page, len(found), sheets_needed(len(found), layout, skip))
