"""The report as one self-contained printable page: inline CSS, inline SVG charts, no
network resources, user text escaped."""

from __future__ import annotations

import html
from collections.abc import Sequence

from lou_library import i18n
from lou_library import messages as M
from lou_library import report_messages as R
from lou_library.i18n import Msg
from lou_library.reports.model import (
    Chart,
    Report,
    Section,
    display_width,
    figure_text,
    meta_lines,
    percent,
    row_texts,
    total_texts,
)

_FONTS = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", '
    '"WenQuanYi Micro Hei", "Helvetica Neue", Arial, sans-serif'
)
_ACCENT = "#a8322d"
_BAR = "#3d7ea6"

_HTML_CSS = f"""
:root {{ --ink: #1f2328; --muted: #5b6470; --accent: {_ACCENT}; --line: #d0d7de;
  --paper: #f6efe6; --zebra: #fafbfc; }}
* {{ box-sizing: border-box; }}
body {{ margin: 0; font-family: {_FONTS}; color: var(--ink); background: #fff;
  font-size: 14px; line-height: 1.5; }}
main {{ max-width: 1040px; margin: 0 auto; padding: 28px 32px 40px; }}
h1 {{ margin: 0 0 4px; font-size: 26px; color: var(--accent); letter-spacing: .5px; }}
.meta {{ margin: 0; color: var(--muted); }}
.figures {{ display: flex; flex-wrap: wrap; gap: 10px; margin: 18px 0 22px; padding: 0;
  list-style: none; }}
.figures li {{ border: 1px solid var(--line); border-left: 4px solid var(--accent);
  border-radius: 6px; padding: 6px 14px 8px; min-width: 118px; }}
.figures .v {{ display: block; font-size: 22px; font-weight: 700;
  font-variant-numeric: tabular-nums; }}
.figures .k {{ color: var(--muted); font-size: 12px; }}
.charts {{ display: grid; grid-template-columns: repeat(auto-fill, minmax(420px, 1fr));
  gap: 16px; margin: 0 0 8px; align-items: start; }}
figure {{ margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px;
  break-inside: avoid; }}
figcaption {{ font-weight: 600; margin-bottom: 6px; }}
svg {{ display: block; width: 100%; height: auto; }}
svg text {{ font-family: {_FONTS}; font-size: 13px; fill: var(--ink); }}
svg .axis {{ fill: var(--muted); font-size: 12px; }}
h2 {{ font-size: 18px; margin: 28px 0 8px; padding-bottom: 4px;
  border-bottom: 2px solid var(--accent); }}
table {{ border-collapse: collapse; width: 100%; font-size: 13px; }}
th, td {{ border: 1px solid var(--line); padding: 4px 8px; text-align: left;
  vertical-align: top; }}
thead th {{ background: var(--paper); }}
tbody tr:nth-child(even) {{ background: var(--zebra); }}
.n {{ text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }}
tfoot td {{ font-weight: 700; background: var(--paper); }}
.empty {{ color: var(--muted); font-style: italic; }}
footer {{ margin-top: 32px; padding-top: 8px; border-top: 1px solid var(--line);
  color: var(--muted); font-size: 12px; }}
@page {{ size: A4; margin: 14mm 12mm; }}
@media print {{
  * {{ -webkit-print-color-adjust: exact; print-color-adjust: exact; }}
  body {{ font-size: 10pt; }}
  main {{ max-width: none; padding: 0; }}
  .charts {{ grid-template-columns: 1fr 1fr; }}
  table {{ font-size: 8.5pt; }}
  th, td {{ padding: 2px 5px; }}
  thead {{ display: table-header-group; }}
  tfoot {{ display: table-row-group; }}
  tr, figure, .figures {{ break-inside: avoid; }}
  h2 {{ break-after: avoid; }}
}}
"""


def _e(text: object) -> str:
    return html.escape(str(text), quote=True)


def _chart_label(label: Msg | str) -> str:
    return label() if isinstance(label, Msg) else label


def _short(text: str, limit: int) -> str:
    """Cut a label to ``limit`` display columns, with an ellipsis."""
    if display_width(text) <= limit:
        return text
    out = ""
    for ch in text:
        if display_width(out + ch) > limit - 1:
            break
        out += ch
    return out + "…"


def _number(value: float, as_percent: bool) -> str:
    if as_percent:
        return percent(value)
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def bar_chart_svg(chart: Chart) -> str:
    """Horizontal bars, one per point, labels on the left and values at the bar's end."""
    width, label_w, value_w, bar_h, gap, pad = 520, 132, 64, 18, 7, 6
    plot_w = width - label_w - value_w
    top = max((v for _, v in chart.points), default=0.0) or 1.0
    height = pad * 2 + len(chart.points) * (bar_h + gap) - gap
    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_e(chart.title())}">']
    for i, (label, value) in enumerate(chart.points):
        text = _chart_label(label)
        y = pad + i * (bar_h + gap)
        mid = y + bar_h / 2
        length = max(1.0, plot_w * value / top) if value else 0.0
        parts.append(
            f'<text x="{label_w - 8}" y="{mid:.1f}" text-anchor="end" '
            f'dominant-baseline="central"><title>{_e(text)}</title>{_e(_short(text, 18))}</text>'
        )
        if length:
            parts.append(
                f'<rect x="{label_w}" y="{y}" width="{length:.1f}" height="{bar_h}" rx="2" '
                f'fill="{_BAR}"/>'
            )
        parts.append(
            f'<text x="{label_w + length + 6:.1f}" y="{mid:.1f}" dominant-baseline="central">'
            f"{_e(_number(value, chart.percent))}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def line_chart_svg(chart: Chart) -> str:
    """Values joined by a line over their labels (rounds); shares on a 0-100 % axis."""
    width, height, left, right, top, bottom = 520, 230, 52, 30, 26, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [v for _, v in chart.points]
    ceiling = 1.0 if chart.percent else (max(values, default=0.0) or 1.0)
    n = len(chart.points)

    def x(i: int) -> float:
        return left + (plot_w / 2 if n == 1 else plot_w * i / (n - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - min(max(v / ceiling, 0.0), 1.0))

    parts = [f'<svg viewBox="0 0 {width} {height}" role="img" aria-label="{_e(chart.title())}">']
    for step in range(5):
        v = ceiling * step / 4
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(v):.1f}" y2="{y(v):.1f}" '
            f'stroke="#e3e6ea"/>'
            f'<text class="axis" x="{left - 6}" y="{y(v):.1f}" text-anchor="end" '
            f'dominant-baseline="central">{_e(_number(v, chart.percent))}</text>'
        )
    points = " ".join(f"{x(i):.1f},{y(v):.1f}" for i, v in enumerate(values))
    if n > 1:
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{_BAR}" stroke-width="2.5"/>'
        )
    every = max(1, (n + 11) // 12)  # at most about a dozen labels along the bottom
    for i, (label, value) in enumerate(chart.points):
        parts.append(f'<circle cx="{x(i):.1f}" cy="{y(value):.1f}" r="4" fill="{_ACCENT}"/>')
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text class="axis" x="{x(i):.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle">{_e(_chart_label(label))}</text>'
            )
            if n <= 12:
                parts.append(
                    f'<text x="{x(i):.1f}" y="{y(value) - 9:.1f}" text-anchor="middle">'
                    f"{_e(_number(value, chart.percent))}</text>"
                )
    parts.append(
        f'<text class="axis" x="{left + plot_w / 2:.1f}" y="{height - 4}" '
        f'text-anchor="middle">{_e(M.COL_ROUND())}</text>'
    )
    parts.append("</svg>")
    return "".join(parts)


def _html_table(section: Section) -> str:
    if not section.rows:
        return f'<p class="empty">{_e(R.REPORT_NO_ROWS())}</p>'

    def cells(tag: str, texts: Sequence[str]) -> str:
        return "".join(
            f'<{tag} class="n">{_e(t)}</{tag}>' if c.numeric else f"<{tag}>{_e(t)}</{tag}>"
            for c, t in zip(section.columns, texts, strict=True)
        )

    parts = ["<table>", "<thead><tr>", cells("th", [c.header() for c in section.columns])]
    parts.append("</tr></thead><tbody>")
    parts.extend(f"<tr>{cells('td', row_texts(section, row))}</tr>" for row in section.rows)
    parts.append("</tbody>")
    if section.has_total_row:
        parts.append(f"<tfoot><tr>{cells('td', total_texts(section))}</tr></tfoot>")
    parts.append("</table>")
    return "".join(parts)


def to_html(report: Report) -> str:
    """One self-contained page: inline CSS and SVG, nothing fetched, user text escaped."""
    lang = "zh-CN" if i18n.current() == "zh" else "en"
    title = report.title()
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{lang}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_e(title)}</title><style>{_HTML_CSS}</style></head><body><main>",
        f"<header><h1>{_e(title)}</h1>",
        "".join(f'<p class="meta">{_e(line)}</p>' for line in meta_lines(report)),
        "</header>",
        '<ul class="figures">',
        "".join(
            f'<li><span class="v">{_e(figure_text(f))}</span>'
            f'<span class="k">{_e(R.FIGURE_NAMES[f.key]())}</span></li>'
            for f in report.figures
        ),
        "</ul>",
    ]
    charts = [c for c in report.charts if c.points]
    if charts:
        parts.append('<div class="charts">')
        for chart in charts:
            svg = bar_chart_svg(chart) if chart.style == "bar" else line_chart_svg(chart)
            parts.append(f"<figure><figcaption>{_e(chart.title())}</figcaption>{svg}</figure>")
        parts.append("</div>")
    for section in report.sections:
        parts.append(
            f'<section id="{_e(section.key)}"><h2>{_e(section.title())}</h2>'
            f"{_html_table(section)}</section>"
        )
    parts.append(f"<footer>{_e(R.REPORT_FOOTER())}</footer></main></body></html>\n")
    return "\n".join(parts)
