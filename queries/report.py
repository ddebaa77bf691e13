"""The tumour-board report as one self-contained HTML page (no scripts, no external files; inline
CSS and SVG), printable on A4, and the same content as JSON.

Layout: the summary table first (per alteration its options of tier II-B or better), then per
alteration how it matched, the evidence chain of its leading options drawn as a diagram
(alteration -> evidence -> therapy -> approval -> reimbursement -> trial arm) and the table of every
option, and at the bottom the sources with their versions.
"""

from __future__ import annotations

from html import escape

from queries.board import AlterationResult, BoardReport, Option

CSS = """
@page { size: A4; margin: 14mm 12mm; }
* { box-sizing: border-box; }
body { font: 10.5pt/1.35 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d1d1f;
       margin: 0 auto; max-width: 190mm; padding: 8mm 0; }
h1 { font-size: 17pt; margin: 0 0 2mm; } h2 { font-size: 13pt; margin: 7mm 0 2mm;
     border-bottom: 1.5pt solid #22577a; padding-bottom: 1mm; }
h3 { font-size: 11pt; margin: 4mm 0 1mm; }
.meta { color: #444; margin-bottom: 3mm; } .note { color: #7a4b00; font-size: 9pt; }
table { border-collapse: collapse; width: 100%; font-size: 8.8pt; margin: 1mm 0 3mm; }
th, td { border: 0.5pt solid #b8c2cc; padding: 1.2mm 1.6mm; text-align: left;
         vertical-align: top; }
th { background: #e8eef4; } tr { break-inside: avoid; }
.tier { font-weight: bold; white-space: nowrap; }
.t-I-A, .t-I-B, .t-I-C { color: #0b6e3a; } .t-II-A, .t-II-B { color: #22577a; }
.t-III-A, .t-III-B { color: #8a5a00; } .t-IV-A, .t-X { color: #777; }
.conflict { color: #b00020; font-weight: bold; }
section.alteration { break-inside: avoid-page; }
svg.chain { width: 100%; height: auto; border: 0.5pt solid #d0d7de; background: #fbfcfd; }
footer { margin-top: 8mm; font-size: 8.5pt; color: #444; }
@media print { body { padding: 0; } a { color: inherit; text-decoration: none; } }
"""

COLUMNS = ("Alteration", "Evidence", "Therapy", "Approval", "Reimbursement (NO)", "Trial arm")


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1] + "…"


def chain_svg(alteration: AlterationResult, options: list[Option]) -> str:
    """The evidence chain of up to three options as boxes in six columns joined by arrows."""
    width, col_w, box_h, gap = 1000, 152, 52, 14
    xs = [10 + i * 166 for i in range(6)]
    rows = max(1, len(options))
    height = 40 + rows * (box_h + gap) + 10
    parts = [f'<svg class="chain" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="evidence chain for {_e(alteration.name)}" '
             'xmlns="http://www.w3.org/2000/svg">',
             '<defs><marker id="arrow" markerWidth="8" markerHeight="8" refX="7" refY="4" '
             'orient="auto"><path d="M0,0 L8,4 L0,8 z" fill="#5b6b7a"/></marker>'
             '</defs>']  # fmt: skip
    for x, title in zip(xs, COLUMNS, strict=True):
        parts.append(f'<text x="{x + col_w / 2}" y="20" text-anchor="middle" font-size="14" '
                     f'font-weight="bold" fill="#22577a">{_e(title)}</text>')  # fmt: skip

    def box(x: float, y: float, lines: list[str], fill: str) -> None:
        parts.append(f'<rect x="{x}" y="{y}" width="{col_w}" height="{box_h}" rx="6" '
                     f'fill="{fill}" stroke="#5b6b7a" stroke-width="1"/>')  # fmt: skip
        for i, line in enumerate(lines[:2]):
            parts.append(f'<text x="{x + 6}" y="{y + 21 + i * 19}" font-size="14" '
                         f'fill="#1d1d1f">{_e(_short(line, 19))}</text>')  # fmt: skip

    for row, o in enumerate(options or []):
        y = 34 + row * (box_h + gap)
        levels = sorted({e.level or "-" for e in o.evidence if e.tumour_match != "off-label"})
        approvals = sorted({a.agency for a in o.approvals})
        cells = [
            ([alteration.name, alteration.granularities[0]], "#dbe9f6"),
            ([f"{len(o.evidence)} items", "levels " + (", ".join(levels) or "-")], "#eef6ea"),
            ([o.therapy, f"tier {o.tier}"], "#fff4d6"),
            ([", ".join(approvals) or "none", (o.approvals[0].date.isoformat()
              if o.approvals and o.approvals[0].date else "")], "#f3eaf7"),  # fmt: skip
            ([o.nye_metoder[0].split(" ", 1)[0] if o.nye_metoder else "no decision",
              o.nye_metoder[0].split(" ", 1)[1] if o.nye_metoder else ""], "#fde8e8"),
            ([o.arms[0].arm_id if o.arms else "no open arm",
              o.arm_outcomes[0].split(": ", 1)[1] if o.arm_outcomes else ""], "#e9f3f3"),
        ]  # fmt: skip
        for i, (lines, fill) in enumerate(cells):
            box(xs[i], y, lines, fill)
            if i:
                parts.append(f'<line x1="{xs[i - 1] + col_w}" y1="{y + box_h / 2}" x2="{xs[i] - 2}"'
                             f' y2="{y + box_h / 2}" stroke="#5b6b7a" stroke-width="1.4" '
                             'marker-end="url(#arrow)"/>')  # fmt: skip
    if not options:
        parts.append('<text x="20" y="60" font-size="13">no option found in the graph</text>')
    parts.append("</svg>")
    return "".join(parts)


def _option_rows(options: list[Option]) -> str:
    rows = []
    for o in options:
        by_source: dict[str, int] = {}
        for e in o.evidence:
            key = f"{e.source.split('@')[0]} {e.level or '-'}"
            if e.tumour_match == "off-label":
                key += " (off-label)"
            if e.flag:
                key += " (flagged, not tiered)"
            by_source[key] = by_source.get(key, 0) + 1
        evidence = "; ".join(f"{k} ×{v}" for k, v in sorted(by_source.items())) or "-"
        approvals = "<br>".join(f"{_e(a.agency)} {_e(a.date or 'undated')} {_e(a.approval_type)}"
                                f"{' (tissue-agnostic)' if a.tissue_agnostic else ''}"
                                for a in o.approvals) or "-"  # fmt: skip
        arms = "<br>".join(f"{_e(a.arm_id)}: {_e(a.alteration_match)}; {_e(a.tumour_match)}"
                           for a in o.arms) or "-"  # fmt: skip
        outcomes = "<br>".join(_e(x) for x in o.arm_outcomes)
        conflict = '<br><span class="conflict">conflicting evidence</span>' if o.conflict else ""
        rows.append(
            f"<tr><td class='tier t-{_e(o.tier)}'>{_e(o.tier)}</td><td>{_e(o.therapy)}{conflict}"
            f"</td><td>{_e(o.tier_reason)}</td><td>{_e(evidence)}</td><td>{approvals}</td>"
            f"<td>{'<br>'.join(_e(x) for x in o.nye_metoder) or 'no decision'}</td>"
            f"<td>{arms}{'<br>' + outcomes if outcomes else ''}</td></tr>"
        )
    return "".join(rows)


def render_html(report: BoardReport, max_options: int = 12) -> str:
    """The whole report as one self-contained page."""
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        f"<title>oncograph report: {_e(report.sample)} ({_e(report.tumour_code)})</title>"
        f"<style>{CSS}</style></head><body>{report_body(report, max_options)}</body></html>"
    )


def report_body(report: BoardReport, max_options: int = 12) -> str:
    """The report's content without the page around it (the web app shows it in its own page,
    the same markup as the downloaded file)."""
    summary = report.summary()
    head = ("<tr><th>Alteration</th><th>Therapy</th><th>Tier</th><th>Why</th><th>EMA/FDA</th>"
            "<th>Nye Metoder</th><th>Open arms</th></tr>")  # fmt: skip
    summary_rows = (
        "".join(
            f"<tr><td>{_e(r['alteration'])}</td><td>{_e(r['therapy'])}"
            f"{' <span class=conflict>(conflict)</span>' if r['conflict'] else ''}</td>"
            f"<td class='tier t-{_e(r['tier'])}'>{_e(r['tier'])}</td><td>{_e(r['why'])}</td>"
            f"<td>{_e(r['approvals'])}</td><td>{_e(r['nye_metoder'])}</td><td>{_e(r['open_arms'])}"
            "</td></tr>"
            for r in summary
        )
        or "<tr><td colspan=7>no option of tier II-B or better</td></tr>"
    )
    sections = []
    for a in report.alterations:
        shown = a.options[:max_options]
        more = (f"<p class=note>{len(a.options) - len(shown)} more options (tier "
                f"{shown[-1].tier} and lower) are in the JSON report.</p>"
                if len(a.options) > len(shown) else "")  # fmt: skip
        flag = (
            "" if a.normalised else " <span class=note>(not normalised: matched as written)</span>"
        )
        sections.append(
            f"<section class='alteration'><h2>{_e(a.name)}{flag}</h2>"
            f"<p class=meta>Given as <b>{_e(a.observed)}</b> ({_e(a.origin)}); matched as "
            f"{_e('; '.join(a.granularities))}; gene-level evidence: {_e(a.variant_rule)}.</p>"
            f"{chain_svg(a, a.options[:3])}"
            "<table><tr><th>Tier</th><th>Therapy</th><th>Why this tier</th><th>Evidence</th>"
            "<th>Approvals</th><th>Nye Metoder</th><th>Trial arms and outcomes</th></tr>"
            f"{_option_rows(shown)}</table>{more}</section>"
        )
    measured = (f"<p class=meta>Measured: {_e('; '.join(report.measurements))}</p>"
                if report.measurements else "")  # fmt: skip
    if report.skipped:
        shown = "; ".join(report.skipped[:8])
        more = f" … and {len(report.skipped) - 8} more" if len(report.skipped) > 8 else ""
        measured += (f"<p class=note>Read and not used ({len(report.skipped)}): "
                     f"{_e(shown)}{_e(more)}</p>")  # fmt: skip
    if not report.alterations:
        measured += "<p class=meta><b>No alteration in the input.</b></p>"
    sources = "".join(
        f"<tr><td>{_e(s.get('name'))}</td><td>{_e(s.get('version'))}</td>"
        f"<td>{_e(s.get('licence'))}</td><td>{_e(s.get('last_run_status'))}</td></tr>"
        for s in report.sources
    )
    return (
        "<div class='board-report'>"
        f"<h1>Tumour board evidence report</h1><p class=meta>Patient <b>{_e(report.sample)}</b>; "
        f"tumour type <b>{_e(report.tumour_code)}</b> ({_e(report.tumour)}; OncoTree path "
        f"{_e(' > '.join(report.tumour_path))}); generated {_e(report.generated_at)}.</p>"
        f"{measured}<p class=note>Decision support from the graph's sources, not a treatment "
        "recommendation. Tiers are ESCAT-like, derived from the evidence, each with its reason; "
        "off-label evidence is marked. Synthetic demo cohorts are marked (synthetic).</p>"
        f"<h2>Summary</h2><table>{head}{summary_rows}</table>{''.join(sections)}"
        "<footer><h3>Sources and data versions</h3><table><tr><th>Source</th><th>Version</th>"
        f"<th>Licence</th><th>Last load</th></tr>{sources}</table></footer></div>"
    )
