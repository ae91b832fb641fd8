"""The certificate of volunteer service (志愿服务记录证明) as a printable A4 page.

One self-contained HTML file (no script, no web font, no picture): it opens in any
browser and prints on one A4 sheet for a few dozen services (a long list continues on a
second sheet, its header repeated). It carries what the Ministry of Civil Affairs' rules
ask for: the volunteer's name and identity number (masked unless asked), the service and
its hours, the period, the issuing body with its person in charge, handler and contact,
the certificate's number and the date of issue, and places for the seal and signatures.
"""

from __future__ import annotations

import html
from collections.abc import Mapping, Sequence
from typing import Any

from lou_library import i18n
from lou_library import service_messages as S
from lou_library.service import mask_id_number
from lou_library.text import hours_text

_CSS = """
@page { size: A4; margin: 18mm 20mm; }
* { box-sizing: border-box; }
body { font-family: "Songti SC", "SimSun", "Noto Serif CJK SC", serif; color: #111;
       margin: 0; font-size: 11pt; line-height: 1.6; }
main { max-width: 170mm; margin: 0 auto; }
h1 { text-align: center; font-size: 22pt; margin: 4mm 0 2mm; }
h1:lang(zh-CN) { letter-spacing: 0.3em; }
.number { text-align: right; font-size: 10pt; margin-bottom: 6mm; }
.intro { text-indent: 2em; margin: 0 0 4mm; }
table { width: 100%; border-collapse: collapse; }
th, td { border: 1px solid #333; padding: 1.5mm 2.5mm; vertical-align: top; }
th { background: #f2f2f2; font-weight: normal; text-align: left; white-space: nowrap; }
table.facts th { width: 30mm; }
table.detail { margin-top: 5mm; font-size: 10pt; }
table.detail thead { display: table-header-group; }
table.detail td.hours, table.detail th.hours { text-align: right; white-space: nowrap; }
table.detail td:first-child, table.detail td:nth-child(3) { white-space: nowrap; }
table.detail tr { break-inside: avoid; }
.issuer { margin-top: 8mm; display: flex; justify-content: space-between; gap: 8mm;
          break-inside: avoid; }
.issuer dl { margin: 0; display: grid; grid-template-columns: auto 1fr; gap: 1mm 3mm; }
.issuer dt { color: #444; }
.issuer dd { margin: 0; }
.seal { width: 45mm; height: 45mm; border: 1px dashed #999; border-radius: 50%;
        display: flex; align-items: center; justify-content: center; color: #888; }
.signatures { margin-top: 6mm; display: flex; gap: 20mm; break-inside: avoid; }
.signatures span { display: inline-block; min-width: 35mm; border-bottom: 1px solid #333; }
.note { margin-top: 6mm; font-size: 9pt; color: #444; }
"""


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)


def _row(label: str, value: str) -> str:
    return f"<tr><th>{_e(label)}</th><td>{_e(value)}</td></tr>"


def _signature(who: str) -> str:
    label = S.CERT_LABEL(label=S.CERT_SIGNED_BY(who=who))
    return f"<label>{_e(label)}<span></span></label>"


def _what(entry: Mapping[str, Any]) -> str:
    if entry["kind"] == "service":
        return str(entry["what"])
    return S.TASK_WHAT(round=entry["round"], boxes=" ".join(entry["boxes"]))


def _detail(entries: Sequence[Mapping[str, Any]], sites: Mapping[str, str]) -> str:
    head = (
        f"<thead><tr><th>{_e(S.CERT_DATE())}</th><th>{_e(S.CERT_CONTENT())}</th>"
        f"<th>{_e(S.CERT_PLACE())}</th><th class=hours>{_e(S.COL_HOURS())}</th></tr></thead>"
    )
    rows = "".join(
        f"<tr><td>{_e(e['date'][:10])}</td><td>{_e(_what(e))}</td>"
        f"<td>{_e(sites.get(e['site'] or '', e['site'] or ''))}</td>"
        f"<td class=hours>{_e(hours_text(float(e['hours'])))}</td></tr>"
        for e in entries
    )
    return f"<table class=detail>{head}<tbody>{rows}</tbody></table>"


def render(certificate: Mapping[str, Any], sites: Mapping[str, str], show_id: bool) -> str:
    """The certificate (:func:`lou_library.service.issue_certificate`) as an HTML page in
    the current language; ``sites``: code -> name; the ID number in full only if
    ``show_id``."""
    org = certificate["organisation"]
    number = certificate.get("id_number") or ""
    shown_id = number if show_id else mask_id_number(number)
    period = f"{certificate['from']} — {certificate['to']}"
    served = float(certificate["hours"])
    hours = S.CERT_HOURS(hours=hours_text(served), one=int(served == 1))
    facts = "".join(
        [
            _row(S.CERT_NAME(), certificate["name"]),
            _row(S.CERT_ID(), shown_id or "—"),
            _row(S.CERT_CONTENT(), S.CERT_CONTENT_TEXT()),
            _row(S.CERT_PERIOD(), period),
            _row(S.CERT_TOTAL(), hours),
        ]
    )
    issuer = "".join(
        f"<dt>{_e(label)}</dt><dd>{_e(value or '—')}</dd>"
        for label, value in (
            (S.CERT_BODY(), org["name"]),
            (S.CERT_HEAD(), org["head"]),
            (S.CERT_HANDLER(), org["handler"]),
            (S.CERT_CONTACT(), org["contact"]),
            (S.CERT_ISSUED(), certificate["issued_on"]),
        )
    )
    lang = "zh-CN" if i18n.current() == "zh" else "en"
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        f"<title>{_e(S.CERT_TITLE())} {_e(certificate['number'])}</title>"
        f"<style>{_CSS}</style></head><body><main>"
        f"<h1>{_e(S.CERT_TITLE())}</h1>"
        f"<p class=number>{_e(S.CERT_LABEL(label=S.CERT_NUMBER()))}"
        f"{_e(certificate['number'])}</p>"
        f"<p class=intro>{_e(S.CERT_INTRO())}</p>"
        f"<table class=facts>{facts}</table>"
        f"<h2 style='font-size:12pt;margin:6mm 0 0'>{_e(S.CERT_DETAIL())}</h2>"
        f"{_detail(certificate['entries'], sites)}"
        f"<section class=issuer><dl>{issuer}</dl>"
        f"<div class=seal>{_e(S.CERT_SEAL())}</div></section>"
        f"<p class=signatures>{_signature(S.CERT_HEAD())}{_signature(S.CERT_HANDLER())}</p>"
        f"<p class=note>{_e(S.CERT_NOTE())}</p>"
        "</main></body></html>\n"
    )
