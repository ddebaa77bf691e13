"""The cohort dossier as one self-contained, printable HTML page (inline CSS, Kaplan-Meier plots as
inline SVG drawn with matplotlib, no script) and as an XLSX workbook of the same tables.

The plots are vector SVG with their text kept as text (``svg.fonttype = none``): they print sharp,
need no font file, and the numbers at risk under each curve can be read (and checked) in the page.
The bytes are deterministic (fixed hash salt, no date in the metadata).
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from queries.dossier import Dossier, IndexRow, Rate, Survival

#: the page around a dossier when it stands alone (the web app's site has its own)
PAGE_CSS = """
@page { size: A4; margin: 14mm 12mm 16mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 190mm; padding: 8mm 0 14mm; }
@media print { body { padding: 0 0 10mm; } a { color: inherit; text-decoration: none; } }
"""
#: the dossier itself, every rule under ``.dossier`` so that a site embedding it keeps its own
DOSSIER_CSS = """
.dossier { font: 10.5pt/1.38 "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #1d1d1f; }
.dossier h1 { font-size: 16pt; margin: 0 0 2mm; }
.dossier h2 { font-size: 12.5pt; margin: 7mm 0 2mm; border-bottom: 1.5pt solid #22577a;
              padding-bottom: 1mm; break-after: avoid; }
.dossier h3 { font-size: 10.5pt; margin: 4mm 0 1mm; break-after: avoid; }
.dossier .meta { color: #444; margin-bottom: 3mm; }
.dossier .gap { border: 1.2pt solid #22577a; background: #eef4f9; padding: 2.5mm 3mm;
                font-size: 11.5pt; font-weight: bold; margin: 3mm 0; }
.dossier .note { color: #7a4b00; font-size: 9pt; }
.dossier .synthetic { background: #fff1c2; border: 1pt solid #b58900; color: #5c4400;
                      font-weight: bold; padding: 1.5mm 3mm; text-align: center; }
.dossier .stamp { display: none; }
.dossier table { border-collapse: collapse; width: 100%; font-size: 8.8pt; margin: 1mm 0 3mm; }
.dossier th, .dossier td { border: 0.5pt solid #b8c2cc; padding: 1.1mm 1.5mm; text-align: left;
                           vertical-align: top; }
.dossier th { background: #e8eef4; } .dossier tr { break-inside: avoid; }
.dossier td.num { text-align: right; white-space: nowrap; }
.dossier figure { margin: 2mm 0 4mm; break-inside: avoid; }
.dossier figure svg { width: 100%; height: auto; }
.dossier figcaption { font-size: 8.8pt; color: #333; }
.dossier footer { margin-top: 8mm; font-size: 8.5pt; color: #444; }
@media print {
  .dossier .stamp { display: block; position: fixed; bottom: 0; left: 0; right: 0;
                    text-align: center; font-size: 8pt; color: #5c4400; } }
"""
CSS = PAGE_CSS + DOSSIER_CSS


def _e(value: object) -> str:
    return escape("" if value is None else str(value))


def _table(headers: list[str], rows: list[list[Any]], numeric: set[int] | None = None) -> str:
    numeric = numeric or set()
    head = "".join(f"<th>{_e(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="num">{_e(c)}</td>' if i in numeric else f"<td>{_e(c)}</td>"
            for i, c in enumerate(r)
        )
        + "</tr>"
        for r in rows
    )
    if not rows:
        body = f'<tr><td colspan="{len(headers)}">none</td></tr>'
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{x:.1f}"


def _months(x: float | None) -> str:
    return "-" if x is None else f"{x:g}"


def rate_text(r: Rate) -> str:
    """``5/24 (20.8%, 95% CI 7.1-42.2)`` or the suppressed form."""
    if r.percent is None:
        return f"{r.k}/{r.n}" + (f" ({r.note})" if r.note else "")
    return f"{r.k}/{r.n} ({r.percent:.1f}%, 95% CI {r.low:.1f}-{r.high:.1f})"


def median_text(s: Survival) -> str:
    if not s.shown:
        return f"not shown ({s.note})" if s.note else "not shown"
    if not s.reached:
        return "not reached"
    if s.median is None:
        return "not shown (it lies where fewer than 5 are at risk)"
    low = _months(s.median_low) if s.median_low is not None else "-"
    high = (
        _months(s.median_high)
        if s.median_high is not None
        else ("not reached" if not s.note else "not shown")
    )
    return f"{s.median:g} months (95% CI {low} to {high})"


# ---------------------------------------------------------------------------------------------
# Plots
# ---------------------------------------------------------------------------------------------


def km_svg(s: Survival, synthetic: bool) -> str:
    """A Kaplan-Meier curve with its 95% band, censoring marks and the numbers at risk under the
    axis, as an inline SVG element."""
    import matplotlib
    from matplotlib.figure import Figure

    fig = Figure(figsize=(7.2, 3.5))
    ax = fig.add_axes((0.1, 0.33, 0.86, 0.58))
    times = [p[0] for p in s.curve]
    surv = [p[1] for p in s.curve]
    ax.fill_between(
        times,
        [p[2] for p in s.curve],
        [p[3] for p in s.curve],
        step="post",
        color="#22577a",
        alpha=0.18,
        linewidth=0,
        label="95% band",
    )
    ax.step(times, surv, where="post", color="#22577a", linewidth=1.8, label="Kaplan-Meier")
    if s.censored:
        ax.plot(
            [c[0] for c in s.censored],
            [c[1] for c in s.censored],
            "|",
            color="#22577a",
            markersize=8,
            label="censored",
        )
    if s.median is not None and times and s.median <= times[-1]:
        ax.axhline(0.5, color="#888", linewidth=0.6, linestyle=":")
    ax.set_ylim(0, 1.03)
    xmax = max([t for t, _ in s.at_risk] + times + [1.0])
    ax.set_xlim(0, xmax)
    ax.set_xticks([t for t, _ in s.at_risk])
    ax.set_ylabel("Survival probability")
    ax.set_xlabel("Months from treatment start")
    title = s.endpoint + (" (SYNTHETIC DATA)" if synthetic else "")
    ax.set_title(title, fontsize=10, loc="left")
    ax.grid(alpha=0.25)
    ax.legend(loc="upper right", fontsize=7, frameon=False)
    ax.text(-0.11, -0.42, "At risk", transform=ax.transAxes, fontsize=8, ha="left")
    for t, n in s.at_risk:
        ax.text(t / xmax, -0.42, str(n), transform=ax.transAxes, fontsize=8, ha="center")
    buf = io.StringIO()
    # read when the file is written: set for this figure only, not for the whole process
    with matplotlib.rc_context({"svg.hashsalt": "oncograph", "svg.fonttype": "none"}):
        fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None})
    text = buf.getvalue()
    return text[text.index("<svg") :]


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def render_dossier_html(d: Dossier) -> str:
    """The dossier as one self-contained page."""
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_e(d.title)}'
        f'</title><style>{CSS}</style></head><body><div class="dossier">{dossier_body(d)}'
        "</div></body></html>"
    )


def dossier_body(d: Dossier) -> str:
    out: list[str] = []
    if d.synthetic:
        out.append(
            '<div class="synthetic" data-synthetic="true">SYNTHETIC DATA: not real '
            "patients, cohorts or outcomes</div>"
            '<div class="stamp">SYNTHETIC DATA - oncograph cohort dossier</div>'
        )
    out.append(f"<h1>{_e(d.title)}</h1>")
    out.append(
        f'<div class="meta">{_e(d.alteration)} · {_e(d.therapy)} · '
        f"{_e(d.tumour)} · generated {_e(d.generated)} · "
        f"{'for sharing' if d.sharing else 'INTERNAL: exact counts'}</div>"
    )
    out.append(f'<div class="gap" id="gap">{_e(d.gap)}</div>')
    for note in d.notes:
        out.append(f'<p class="note">{_e(note)}</p>')
    c = d.cohort
    if c is not None:
        out.append('<h2 id="cohort">1. The cohort (kohorten)</h2>')
        out.append(
            _table(
                ["Field", "Value"],
                [
                    ["Trial", f"{c.trial_id.removeprefix('registry:')} - {c.trial_title or ''}"],
                    ["Cohort", f"{c.arm_id} ({c.name})"],
                    ["Protocol", c.protocol or "not stated"],
                    ["Tumour type", ", ".join(c.tumours)],
                    ["Biomarker", "; ".join(c.biomarkers)],
                    ["Therapy", c.therapy],
                    ["Status", c.status],
                    ["Stage", c.stage or "-"],
                    ["Planned size", c.planned_size or "-"],
                    ["Opened", c.opened or "-"],
                    ["Closed", c.closed or "-"],
                    ["Expands", c.expansion_of or "-"],
                    [
                        "Payment",
                        f"{c.payment_model or 'not stated'}"
                        + (
                            f" (company pays the first {c.company_paid_weeks} weeks)"
                            if c.company_paid_weeks
                            else ""
                        ),
                    ],
                ],
            )
        )
        out.append(f'<h3>Decision: <span id="decision">{_e(d.decision)}</span></h3>')
        out.append(
            _table(
                ["Date", "Step", "Detail"],
                [[m.day or "date unknown", m.event, m.detail] for m in d.history]
                or [
                    [
                        "-",
                        "the two-stage rule does not apply to an expansion cohort"
                        if d.decision and d.decision.startswith("expansion")
                        else "fewer than 8 evaluable patients so far",
                        "",
                    ]
                ],
            )
        )
    if d.outcomes is not None:
        o = d.outcomes
        out.append('<h2 id="outcomes">2. Outcomes (resultater)</h2>')
        out.append(f'<p class="note">{_e(o.benefit_rule)}</p>')
        out.append(
            _table(
                ["Patients", "Number"],
                [
                    ["Treated", o.treated],
                    ["Evaluable", o.evaluable],
                    ["Not evaluable", o.not_evaluable],
                ],
                {1},
            )
        )
        out.append(
            '<table id="rates"><thead><tr><th>Outcome</th><th>Count</th><th>Of</th>'
            "<th>%</th><th>95% CI (exact)</th></tr></thead><tbody>"
            + "".join(
                f'<tr><td>{_e(r.name)}</td><td class="num">{_e(r.k)}</td>'
                f'<td class="num">{_e(r.n)}</td><td class="num">{_pct(r.percent)}'
                f'</td><td class="num">'
                + (f"{r.low:.1f}-{r.high:.1f}" if r.low is not None else _e(r.note or "-"))
                + "</td></tr>"
                for r in o.rates
            )
            + "</tbody></table>"
        )
        out.append(
            _table(
                ["Best response (RECIST 1.1)", *o.best_response],
                [["Patients", *o.best_response.values()]],
                set(range(1, len(o.best_response) + 1)),
            )
        )
        for s in (o.pfs, o.os):
            if s is None:
                continue
            out.append(f"<h3>{_e(s.endpoint)}: median {_e(median_text(s))}</h3>")
            out.append(f"<p>Patients {_e(s.patients)}, events {_e(s.events)}.</p>")
            if s.shown and s.curve:
                out.append(
                    f'<figure class="km">{km_svg(s, d.synthetic)}<figcaption>'
                    f"{_e(s.endpoint)}: Kaplan-Meier estimate with its 95% band "
                    "(Greenwood, log-log); numbers at risk under the axis."
                    + (f" {_e(s.note)}." if s.note else "")
                    + "</figcaption></figure>"
                )
    out.append(
        '<h2 id="elsewhere">3. The same combination elsewhere (samme kombinasjon andre steder)</h2>'
    )
    out.append("<h3>Regulatory labels (EMA, FDA)</h3>")
    out.append(
        _table(
            ["Agency", "This use", "On-label", "Since"],
            [
                [s.agency, s.summary, "yes" if s.on_label else "no", s.since or "-"]
                for s in d.label_status
            ],
        )
    )
    out.append(
        _table(
            ["Agency", "Indication", "Drugs", "Date", "Biomarker", "Tumour type", "Source"],
            [
                [
                    x.agency,
                    (x.text or x.id)[:160],
                    ", ".join(x.drugs),
                    x.date or "undated",
                    "agrees" if x.biomarker_agrees else "other",
                    "agrees" if x.tumour_agrees else "other",
                    x.source,
                ]
                for x in d.labels
            ],
        )
    )
    out.append("<h3>Knowledge-base evidence</h3>")
    out.append(
        _table(
            ["Evidence", "Level", "Therapy", "Alteration", "Tumour", "Label", "Significance"],
            [
                [
                    e.evidence_id,
                    e.level or "-",
                    f"{e.therapy} ({e.therapy_match})",
                    e.alteration,
                    e.tumour or "-",
                    "off-label" if e.off_label else e.tumour_match,
                    f"{e.significance or ''} {e.direction or ''}".strip(),
                ]
                for e in d.evidence
            ],
        )
    )
    out.append("<h3>Other cohorts and trials with the biomarker and the drug</h3>")
    out.append(
        _table(
            ["Cohort", "Relation", "Tumour", "Therapy", "Status", "Decision", "Treated"],
            [
                [
                    o.arm_id + (" (synthetic)" if o.synthetic else ""),
                    o.relation,
                    ", ".join(o.tumours),
                    o.therapy,
                    o.status,
                    o.decision or "-",
                    o.treated,
                ]
                for o in d.other_cohorts
            ],
            {6},
        )
    )
    out.append("<h3>Nye Metoder decisions on the drug</h3>")
    out.append(
        _table(
            [
                "Method",
                "Status",
                "Date",
                "Indication",
                "Covers biomarker",
                "Covers tumour type",
                "Source",
            ],
            [
                [
                    x.method_id,
                    x.status or "not recorded",
                    x.decision_date or "-",
                    (x.text or "")[:160],
                    "yes" if x.covers_biomarker else "no",
                    "yes" if x.covers_tumour else "no",
                    x.source,
                ]
                for x in d.decisions
            ],
        )
    )
    if d.payment is not None:
        p = d.payment
        out.append('<h2 id="payment">4. Pay for performance (betaling etter effekt)</h2>')
        out.append(f"<p>{_e(p.rule)}</p>")
        if p.cutoff:
            out.append(f'<p class="note">Latest follow-up in the data: {_e(p.cutoff)}.</p>')
        out.append(
            _table(
                [
                    "Group",
                    "Patients",
                    "Ongoing",
                    "Weeks, company",
                    "Weeks, public",
                    "Weeks after without benefit",
                ],
                [
                    [
                        g.group,
                        g.patients,
                        g.ongoing,
                        _dash(g.weeks_company),
                        _dash(g.weeks_public),
                        _dash(g.weeks_after_without_benefit),
                    ]
                    for g in p.groups
                ],
                {1, 2, 3, 4, 5},
            )
        )
        out.append(
            _table(["Payer", "Treatment weeks"], [[k, _dash(v)] for k, v in p.totals.items()], {1})
        )
        if p.patients:
            out.append("<h3>Per patient (internal)</h3>")
            out.append(
                _table(
                    [
                        "Pseudonym",
                        "Start",
                        "Week 16",
                        "Benefit",
                        "End",
                        "Reason",
                        "Weeks",
                        "Company",
                        "Public",
                        "After, no benefit",
                    ],
                    [
                        [
                            x.pseudonym,
                            x.treatment_start,
                            x.week16_date or "-",
                            {True: "yes", False: "no", None: "-"}[x.benefit_week16],
                            x.treatment_end or "ongoing",
                            x.stop_reason or "-",
                            _dash(x.weeks_total),
                            _dash(x.weeks_company),
                            _dash(x.weeks_public),
                            _dash(x.weeks_after_without_benefit),
                        ]
                        for x in p.patients
                    ],
                    {6, 7, 8, 9},
                )
            )
        if p.note:
            out.append(f'<p class="note">{_e(p.note)}</p>')
    out.append('<footer><h2 id="sources">Sources and versions (kilder)</h2>')
    out.append(
        _table(
            ["Source", "Version", "Licence", "File"],
            [[s.name, s.version, s.licence or "-", s.file_name or "-"] for s in d.sources],
        )
    )
    out.append("</footer>")
    return "".join(out)


def render_dossier_text(d: Dossier) -> str:
    """The dossier's essentials as the CLI prints them (the HTML and XLSX hold every table)."""
    out = [d.title, f"  {d.gap}"]
    out += [f"  note: {n}" for n in d.notes]
    if d.cohort is not None:
        c = d.cohort
        out.append(
            f"\nCohort {c.arm_id}: {', '.join(c.tumours)} x {'; '.join(c.biomarkers)} x "
            f"{c.therapy}; {c.status}; protocol {c.protocol or 'not stated'}"
        )
        out.append(f"  decision: {d.decision}")
        out += [f"  {m.day or 'date unknown'}  {m.event}: {m.detail}" for m in d.history]
    if d.outcomes is not None:
        o = d.outcomes
        out.append(f"\nOutcomes: treated {o.treated}, evaluable {o.evaluable}")
        out += [f"  {r.name}: {rate_text(r)}" for r in o.rates]
        out += [f"  {s.endpoint}: median {median_text(s)}" for s in (o.pfs, o.os) if s]
    out.append("\nLabels:")
    out += [f"  {s.agency}: {s.summary}" for s in d.label_status]
    out.append(
        f"Knowledge-base evidence: {len(d.evidence)} items"
        + (f", best {d.evidence[0].evidence_id} ({d.evidence[0].level})" if d.evidence else "")
    )
    out.append(
        "Other cohorts: "
        + (", ".join(f"{o.arm_id} ({o.decision})" for o in d.other_cohorts) or "none")
    )
    out.append(
        "Nye Metoder: "
        + (
            "; ".join(
                f"{x.method_id} {x.status or 'status not recorded'}"
                + (" (covers this indication)" if x.covers_cohort else "")
                for x in d.decisions
            )
            or "no decision on the drug"
        )
    )
    if d.payment is not None:
        out.append(
            "Pay for performance, treatment weeks: "
            + ", ".join(f"{k} {_dash(v)}" for k, v in d.payment.totals.items())
        )
    out.append("\nFull dossier: --output dossier.html (HTML and XLSX).")
    return "\n".join(out)


def _dash(x: Any) -> Any:
    if isinstance(x, float):
        return f"{x:.1f}"
    return "not shown" if x is None else x


def render_index_html(rows: list[IndexRow]) -> str:
    body = _table(
        ["Cohort", "Tumour", "Biomarker", "Therapy", "Decision", "Nye Metoder", "Gap"],
        [
            [
                r.arm_id + (" (synthetic)" if r.synthetic else ""),
                r.tumour,
                r.biomarker,
                r.therapy,
                r.decision,
                r.nye_metoder,
                r.gap,
            ]
            for r in rows
        ],
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Cohort '
        f'dossiers</title><style>{CSS}</style></head><body><div class="dossier">'
        f"<h1>Cohort dossiers</h1>{body}</div></body></html>"
    )


# ---------------------------------------------------------------------------------------------
# XLSX
# ---------------------------------------------------------------------------------------------


def dossier_sheets(d: Dossier) -> dict[str, list[dict[str, Any]]]:
    """The dossier's tables, one list of rows per sheet (the HTML's tables, same values)."""
    sheets: dict[str, list[dict[str, Any]]] = {}
    mark = {"data": "SYNTHETIC DATA"} if d.synthetic else {}
    sheets["Summary"] = [
        mark | {"item": k, "value": v}
        for k, v in (
            ("title", d.title),
            ("gap", d.gap),
            ("decision", d.decision or "-"),
            ("alteration", d.alteration),
            ("tumour", d.tumour),
            ("therapy", d.therapy),
            ("generated", d.generated),
            ("for sharing", "yes" if d.sharing else "NO: internal"),
            *(("note", n) for n in d.notes),
        )
    ]
    if d.cohort is not None:
        sheets["Cohort"] = [
            mark | {"field": k, "value": v} for k, v in d.cohort.model_dump(mode="json").items()
        ]
        sheets["Decision history"] = [mark | m.model_dump(mode="json") for m in d.history]
    if d.outcomes is not None:
        o = d.outcomes
        sheets["Outcomes"] = [
            mark | {"outcome": "treated", "count": o.treated},
            mark | {"outcome": "evaluable", "count": o.evaluable},
            mark | {"outcome": "not evaluable", "count": o.not_evaluable},
        ] + [
            mark | {"outcome": f"best response {k}", "count": v} for k, v in o.best_response.items()
        ]
        sheets["Rates"] = [
            mark
            | {
                "outcome": r.name,
                "count": r.k,
                "of": r.n,
                "percent": r.percent,
                "ci_low": r.low,
                "ci_high": r.high,
                "note": r.note,
            }
            for r in o.rates
        ]
        surv = []
        for s in (o.pfs, o.os):
            if s is not None:
                surv.append(
                    mark
                    | {
                        "endpoint": s.endpoint,
                        "patients": s.patients,
                        "events": s.events,
                        "median_months": s.median,
                        "median_ci_low": s.median_low,
                        "median_ci_high": s.median_high,
                        "shown": s.shown,
                        "note": s.note,
                    }
                )
        sheets["Survival"] = surv
        sheets["At risk"] = [
            mark | {"endpoint": s.endpoint, "months": t, "at_risk": n}
            for s in (o.pfs, o.os)
            if s is not None
            for t, n in s.at_risk
        ]
        sheets["KM curve"] = [
            mark
            | {"endpoint": s.endpoint, "months": t, "survival": v, "band_low": lo, "band_high": hi}
            for s in (o.pfs, o.os)
            if s is not None
            for t, v, lo, hi in s.curve
        ]
    sheets["Label status"] = [mark | x.model_dump(mode="json") for x in d.label_status]
    sheets["Labels"] = [mark | x.model_dump(mode="json") for x in d.labels]
    sheets["Evidence"] = [mark | e.model_dump(mode="json") for e in d.evidence]
    sheets["Other cohorts"] = [mark | o.model_dump(mode="json") for o in d.other_cohorts]
    sheets["Nye Metoder"] = [mark | x.model_dump(mode="json") for x in d.decisions]
    if d.payment is not None:
        p = d.payment
        sheets["Payment"] = [mark | g.model_dump(mode="json") for g in p.groups]
        sheets["Payment totals"] = [
            mark | {"payer": k, "treatment_weeks": v} for k, v in p.totals.items()
        ]
        if p.patients:
            sheets["Payment per patient"] = [mark | x.model_dump(mode="json") for x in p.patients]
    sheets["Sources"] = [mark | s.model_dump(mode="json") for s in d.sources]
    return sheets


def dossier_xlsx(d: Dossier) -> bytes:
    from queries.office import sheets_xlsx

    return sheets_xlsx(dossier_sheets(d), d.title, note=" ".join(d.notes))
