"""Office files for the people who work in them: the tumour-board report as a PowerPoint deck and
query rows (the HTA gap lists, the coverage matrix) as an Excel workbook.

* :func:`board_pptx`: Norway's national molecular tumour board gets its cases as slides filled
  into a template (InPreD's PRONTO), so the report is a 16:9 deck with the same content as
  :func:`queries.report.render_html`: a summary slide, one slide per actionable alteration and a
  last slide for the alterations with no actionable option, so nothing the patient had
  disappears silently. A slide cannot grow, so every text is fitted to its box (fixed font
  sizes, long cells cut with an ellipsis, rows cut with "+N more in the HTML report"); the
  evidence ids go to the speaker notes. The bytes depend only on the report (generated_at
  included), so a test or a cache can compare them.
* :func:`sheets_xlsx`: rows as a workbook, one sheet per list, with real dates and numbers; every
  string cell goes through :func:`queries.output.spreadsheet_safe` and is stored as text, so a
  hostile value from a loaded file never runs as a formula (the CSV/TSV writers do the same).
* :func:`gaps_sheets`: the HTA gap answers and the coverage matrix as those sheets, so the CLI
  and the web app export the same workbook.

python-pptx and openpyxl are imported where they are used: the CLI starts without them.
"""

from __future__ import annotations

import datetime as dt
import enum
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from queries.board import TIERS, AlterationResult, BoardReport, Option
from queries.hta import CoverageRow, GapAnswer
from queries.output import columns_of, spreadsheet_safe

# ---------------------------------------------------------------------------------------------
# Fitting text into a box
# ---------------------------------------------------------------------------------------------

ELLIPSIS = "…"
# an average glyph of the theme font (Calibri) is about half an em wide; 0.55 leaves room for
# capitals and digits (gene names, ids), so an estimate errs on the short side
GLYPH_EM = 0.55
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _clean(text: str) -> str:
    """Text without the control characters XML (and so PPTX and XLSX) cannot hold."""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def _wrap(paragraph: str, per_line: int) -> list[tuple[int, int]]:
    """Where a paragraph (single spaces) wraps at ``per_line`` characters, as (start, end) of
    each line: at the last space that fits, as a slide breaks it, or inside a word longer than a
    line."""
    lines = []
    start = 0
    while len(paragraph) - start > per_line:
        cut = paragraph.rfind(" ", start, start + per_line + 1)
        if cut <= start:
            lines.append((start, start + per_line))
            start += per_line
        else:
            lines.append((start, cut))
            start = cut + 1
    lines.append((start, len(paragraph)))
    return lines


def _per_line(width_in: float, pt: float) -> int:
    return max(4, int(width_in * 72 / (pt * GLYPH_EM)))


def fit(text: str, width_in: float, pt: float, max_lines: int) -> str:
    """``text`` cut to what ``max_lines`` lines of a ``width_in`` inch box hold at ``pt`` points,
    ending with an ellipsis when cut; line breaks in ``text`` are kept, runs of spaces are not."""
    per_line = _per_line(width_in, pt)
    kept: list[str] = []
    last = 0  # the length of the last line kept
    used = 0
    for paragraph in _clean(text).split("\n"):
        paragraph = " ".join(paragraph.split())
        lines = _wrap(paragraph, per_line)
        if used + len(lines) <= max_lines:
            kept.append(paragraph)
            used += len(lines)
            last = lines[-1][1] - lines[-1][0]
            continue
        room = max_lines - used
        if room > 0:
            start, end = lines[room - 1]
            kept.append(paragraph[: min(end, start + per_line - 1)].rstrip() + ELLIPSIS)
        elif kept:
            kept[-1] = (kept[-1] if last < per_line else kept[-1][:-1].rstrip()) + ELLIPSIS
        break
    return "\n".join(kept)


def fit_list(items: Sequence[str], width_in: float, pt: float, max_lines: int,
             none: str = "-") -> str:  # fmt: skip
    """Items one a line (wrapping as :func:`fit` does), as many whole items as ``max_lines``
    hold, then "+N more"; an item too long even alone is cut."""
    if not items:
        return none
    per_line = _per_line(width_in, pt)
    shown: list[str] = []
    used = 0
    for i, item in enumerate(items):
        need = len(_wrap(" ".join(_clean(item).split()), per_line))
        if used + need + (1 if i < len(items) - 1 else 0) > max_lines:
            break
        shown.append(item)
        used += need
    if not shown:
        room = max_lines - (1 if len(items) > 1 else 0)
        shown = [fit(items[0], width_in, pt, max(1, room))]
    more = len(items) - len(shown)
    return fit("\n".join(shown) + (f"\n+{more} more" if more else ""), width_in, pt, max_lines)


# ---------------------------------------------------------------------------------------------
# The tumour-board deck
# ---------------------------------------------------------------------------------------------

SLIDE_W, SLIDE_H = 13.333, 7.5  # inches, 16:9
MARGIN = 0.4
CONTENT_W = SLIDE_W - 2 * MARGIN
CELL_PAD = 0.05  # inches either side of a table cell's text
TABLE_PT, HEADER_PT = 10, 9
SUMMARY_ROWS = 10  # summary rows a slide holds (two lines each; three when 7 or fewer)
HTML_OPTIONS = 12  # options per alteration the HTML report shows (render_html's max_options)
OPTION_ROWS = 7  # options an alteration slide holds (three lines each)
PLAIN_ROWS = 10  # alterations the last slide holds
NOTE_EVIDENCE = 60  # evidence ids per option in the speaker notes
ACTIONABLE_SUMMARY = "II-B"  # the summary's threshold (BoardReport.summary)
NOT_ACTIONABLE = {"VUS", "X"}
TIER_COLOURS = {"I": "0B6E3A", "II": "22577A", "III": "8A5A00", "IV": "777777", "X": "777777",
                "VUS": "777777"}  # fmt: skip
ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip stores: the same bytes on every run

DISCLAIMER = (
    "Beslutningsstøtte fra grafens kilder, ikke en behandlingsanbefaling / Decision support from "
    "the graph's sources, not a treatment recommendation. Nivå ESCAT-lignende, avledet av "
    "evidensen / Tiers ESCAT-like, derived from the evidence; off-label evidence ranks III-A."
)
NYE_METODER = "Nye Metoder (refusjon / reimbursement)"
APPROVALS = "Godkjenning / Approval (EMA/FDA)"
OPEN_ARMS = "Åpne studiearmer / Open trial arms"
NO_DECISION = "ingen beslutning / no decision"
CONFLICT = "motstridende evidens / conflicting evidence"

SUMMARY_COLUMNS = (  # (header, key in BoardReport.summary(), width in inches)
    ("Genforandring / Alteration", "alteration", 1.5),
    ("Behandling / Therapy", "therapy", 2.2),
    ("Nivå / Tier", "tier", 0.7),
    ("Begrunnelse / Why this tier", "why", 2.75),
    (APPROVALS, "approvals", 1.6),
    (NYE_METODER, "nye_metoder", 2.1),
    (OPEN_ARMS, "open_arms", 1.68),
)
OPTION_COLUMNS = (  # (header, width in inches)
    ("Behandling / Therapy", 2.0),
    ("Nivå / Tier", 0.75),
    ("Begrunnelse / Why this tier", 2.35),
    (APPROVALS, 1.9),
    (NYE_METODER, 2.0),
    (OPEN_ARMS, 1.65),
    ("Tidligere utfall / Earlier outcomes", 1.88),
)
PLAIN_COLUMNS = (
    ("Genforandring / Alteration", 2.4),
    ("Oppgitt som / Given as", 3.0),
    ("Hvorfor ingen behandlingsmulighet / Why no actionable option", 7.13),
)


def _in_cell(items: Sequence[str], width_in: float, lines: int, none: str = "-") -> str:
    """Items for a table cell ``width_in`` wide: whole items while they fit, then "+N more"."""
    return fit_list(items, width_in - 2 * CELL_PAD, TABLE_PT, lines, none)


def actionable(alteration: AlterationResult) -> bool:
    """An alteration with at least one option the board can act on (a tier, not VUS or X)."""
    return any(o.tier not in NOT_ACTIONABLE for o in alteration.options)


def board_pptx(report: BoardReport) -> bytes:
    """The tumour-board report as a 16:9 PowerPoint deck: a summary slide, one slide per
    actionable alteration (in the report's order, options in tier order) and a last slide with
    the alterations that have no actionable option."""
    from pptx import Presentation
    from pptx.util import Emu

    prs = Presentation()
    prs.slide_width, prs.slide_height = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in
    layout = next(x for x in prs.slide_layouts if x.name == "Title Only")
    acting = [a for a in report.alterations if actionable(a)]
    total = len(acting) + 2
    deck = _Deck(prs, layout, report, total)
    deck.summary()
    for number, alteration in enumerate(acting, 2):
        deck.alteration(alteration, number)
    deck.not_actionable([a for a in report.alterations if not actionable(a)], total)
    props = prs.core_properties
    props.title = _clean(_title(report))[:250]
    props.subject = "oncograph tumour board report"
    props.author = props.last_modified_by = "oncograph"
    props.revision = 1
    when = _generated(report.generated_at)
    if when:
        props.created = props.modified = when
    buf = io.BytesIO()
    prs.save(buf)
    return _stable_zip(buf.getvalue())


def _title(report: BoardReport) -> str:
    return f"{report.sample}: {report.tumour} ({report.tumour_code})"


def _generated(text: str) -> dt.datetime | None:
    """The report's generation time ("2026-01-31 14:05 UTC"), for the file's own dates."""
    try:
        return dt.datetime.strptime(text.strip(), "%Y-%m-%d %H:%M UTC")
    except ValueError:
        return None


def _stable_zip(data: bytes) -> bytes:
    """The package re-zipped with fixed entry times: python-pptx stamps each entry with the
    current time, which would make two runs on the same report differ."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for item in src.infolist():
            entry = zipfile.ZipInfo(item.filename, date_time=ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 0
            entry.external_attr = 0
            dst.writestr(entry, src.read(item.filename))
    return out.getvalue()


def _tier_colour(tier: str) -> str:
    return TIER_COLOURS.get(tier.split("-")[0], "1D1D1F")


def _approval_line(o: Option) -> list[str]:
    lines = []
    for a in o.approvals:
        kind = "" if a.approval_type in (None, "", "unknown") else f" {a.approval_type}"
        agnostic = " (tissue-agnostic)" if a.tissue_agnostic else ""
        lines.append(f"{a.agency} {a.date or 'undated'}{kind}{agnostic}")
    return lines


def _arm_line(o: Option) -> list[str]:
    return [f"{a.arm_id} ({a.status}{', synthetic' if a.synthetic else ''})" for a in o.arms]


def _evidence_notes(o: Option) -> list[str]:
    """An option's evidence ids with their sources, levels and how they matched (the slide has
    room for the tier and its reason only)."""
    by_source: dict[str, list[str]] = {}
    for e in o.evidence[:NOTE_EVIDENCE]:
        where = e.tumour_match + (f" {e.tumour_code}" if e.tumour_code else "")
        flag = "; flagged, not tiered" if e.flag else ""
        by_source.setdefault(e.source, []).append(
            f"{e.evidence_id} ({e.level or '-'}; {where}; {e.alteration_match}{flag})"
        )
    lines = [f"   Evidence [{source}]: " + ", ".join(ids) for source, ids in by_source.items()]
    if len(o.evidence) > NOTE_EVIDENCE:
        lines.append(f"   +{len(o.evidence) - NOTE_EVIDENCE} more evidence items (JSON report)")
    if not o.evidence:
        lines.append("   Evidence: none (approval or trial arm only)")
    for a in o.approvals:
        lines.append(f"   Approval: {a.agency} {a.id} {a.date or 'undated'} [{a.source}]")
    for text in o.nye_metoder:
        lines.append(f"   Nye Metoder: {text}")
    for a in o.arms:
        lines.append(f"   Trial arm: {a.arm_id} ({a.alteration_match}; {a.tumour_match})")
    return lines


def _why_not(a: AlterationResult) -> str:
    """Why an alteration has no actionable option, in the board's words."""
    parts = []
    if not a.normalised:
        parts.append("ikke normalisert / not normalised: matched as written, check the notation")
    if not a.options:
        parts.append("ingen evidens / no evidence, approval or open trial arm in the graph")
    vus = [o for o in a.options if o.tier == "VUS"]
    if vus:
        parts.append(f"VUS / variant of unknown significance: {len(vus)} gene-level option(s), "
                     "shown in the HTML report, not tiered")  # fmt: skip
    resistance = [o.therapy for o in a.options if o.tier == "X"]
    if resistance:
        parts.append("only evidence of resistance or no benefit, or evidence the source "
                     f"contradicts: {', '.join(resistance)}")  # fmt: skip
    parts.append(f"gene-level evidence: {a.variant_rule}")
    return "; ".join(parts)


class _Deck:
    """The slides of one report; one method per kind of slide."""

    def __init__(self, prs: Any, layout: Any, report: BoardReport, total: int) -> None:
        self.prs, self.layout, self.report, self.total = prs, layout, report, total

    # -- building blocks ----------------------------------------------------------------------

    def _slide(self, title: str) -> Any:
        from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
        from pptx.util import Inches, Pt

        slide = self.prs.slides.add_slide(self.layout)
        shape = slide.shapes.title
        shape.left, shape.top = Inches(MARGIN), Inches(0.25)
        shape.width, shape.height = Inches(CONTENT_W), Inches(0.65)
        tf = shape.text_frame
        tf.word_wrap, tf.auto_size, tf.vertical_anchor = True, MSO_AUTO_SIZE.NONE, MSO_ANCHOR.TOP
        title = " ".join(title.split())
        # one line: 24 pt, or 20 pt for a long name, cut if even that does not hold it
        pt = 24 if fit(title, CONTENT_W - 0.2, 24, 1) == title else 20
        tf.text = fit(title, CONTENT_W - 0.2, pt, 1)
        for p in tf.paragraphs:
            p.alignment = PP_ALIGN.LEFT
            for run in p.runs:
                run.font.size, run.font.bold = Pt(pt), True
        return slide

    def _text(self, slide: Any, name: str, text: str, top: float, height: float, pt: float,
              lines: int, italic: bool = False, colour: str = "1D1D1F") -> Any:  # fmt: skip
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_AUTO_SIZE
        from pptx.util import Inches, Pt

        box = slide.shapes.add_textbox(Inches(MARGIN), Inches(top), Inches(CONTENT_W),
                                       Inches(height))  # fmt: skip
        box.name = name
        tf = box.text_frame
        tf.word_wrap, tf.auto_size = True, MSO_AUTO_SIZE.NONE
        tf.text = fit(text, CONTENT_W - 0.2, pt, lines)
        for p in tf.paragraphs:
            for run in p.runs:
                run.font.size, run.font.italic = Pt(pt), italic
                run.font.color.rgb = RGBColor.from_string(colour)
        return box

    def _table(self, slide: Any, name: str, headers: Sequence[tuple[str, float]],
               rows: list[list[str]], top: float, lines: int,
               colours: dict[tuple[int, int], str] | None = None) -> Any:  # fmt: skip
        """A table whose every cell is cut to ``lines`` lines of its column (headers to 3)."""
        from pptx.dml.color import RGBColor
        from pptx.enum.text import MSO_ANCHOR
        from pptx.util import Inches, Pt

        row_h = 0.1 + lines * TABLE_PT * 1.2 / 72
        height = 0.55 + len(rows) * row_h
        shape = slide.shapes.add_table(len(rows) + 1, len(headers), Inches(MARGIN), Inches(top),
                                       Inches(CONTENT_W), Inches(height))  # fmt: skip
        shape.name = name
        table = shape.table
        table.first_row = True
        for i, (_, width) in enumerate(headers):
            table.columns[i].width = Inches(width)
        table.rows[0].height = Inches(0.55)
        for r in range(1, len(rows) + 1):
            table.rows[r].height = Inches(row_h)
        grid = [[h for h, _ in headers], *rows]
        for r, values in enumerate(grid):
            for c, value in enumerate(values):
                pt = HEADER_PT if r == 0 else TABLE_PT
                cell = table.cell(r, c)
                cell.margin_left = cell.margin_right = Inches(CELL_PAD)
                cell.margin_top = cell.margin_bottom = Inches(0.03)
                cell.vertical_anchor = MSO_ANCHOR.TOP
                tf = cell.text_frame
                tf.word_wrap = True
                tf.text = fit(value, headers[c][1] - 2 * CELL_PAD, pt, 3 if r == 0 else lines)
                colour = (colours or {}).get((r, c))
                for p in tf.paragraphs:
                    for run in p.runs:
                        run.font.size, run.font.bold = Pt(pt), r == 0 or colour is not None
                        if colour:
                            run.font.color.rgb = RGBColor.from_string(colour)
        return shape

    def _more(self, slide: Any, n: int, top: float) -> None:
        """The line under a table cut short."""
        self._text(slide, "more", f"+{n} more in the HTML report", top, 0.3, 10, 1, italic=True)

    def _footer(self, slide: Any, number: int) -> None:
        r = self.report
        text = (f"{r.sample} · {r.tumour_code} · generert / generated {r.generated_at} · "
                f"oncograph · {number}/{self.total}")  # fmt: skip
        self._text(slide, "footer", text, 7.05, 0.3, 8, 1, colour="555555")

    def _notes(self, slide: Any, lines: Iterable[str]) -> None:
        slide.notes_slide.notes_text_frame.text = _clean("\n".join(lines))

    # -- slides -------------------------------------------------------------------------------

    def summary(self) -> None:
        r = self.report
        slide = self._slide(_title(r))
        acting = sum(1 for a in r.alterations if actionable(a))
        meta = (
            f"Molekylær tumorboard / Molecular tumour board · OncoTree "
            f"{' > '.join(r.tumour_path)} · {len(r.alterations)} genforandring(er) / "
            f"alteration(s), {acting} med behandlingsmulighet / actionable"
        )
        if r.measurements:  # TMB and MSI as the sequencing report states them
            meta += "\nMålt / measured: " + "; ".join(r.measurements)
        meta += f"\n{DISCLAIMER}"
        # five lines of 9 pt fill the same 0.7 in as four of 10 pt: the table starts below
        self._text(slide, "meta", meta, 0.95, 0.7, 9 if r.measurements else 10,
                   5 if r.measurements else 4)  # fmt: skip
        rows = r.summary()
        shown = rows[:SUMMARY_ROWS]
        if shown:
            cells, colours = [], {}
            lines = 3 if len(shown) <= 7 else 2
            for i, row in enumerate(shown, 1):
                values = []
                for _, key, width in SUMMARY_COLUMNS:
                    value = str(row.get(key) or "-")
                    if key == "therapy" and row.get("conflict"):
                        value += f"\n({CONFLICT})"
                    if key == "nye_metoder":
                        decisions = [] if value == "no decision" else value.split("; ")
                        value = _in_cell(decisions, width, lines, NO_DECISION)
                    values.append(value)
                colours[(i, 2)] = _tier_colour(row["tier"])
                cells.append(values)
            headers = [(h, w) for h, _, w in SUMMARY_COLUMNS]
            self._table(slide, "summary table", headers, cells, 1.7, lines, colours)
            if len(rows) > len(shown):
                self._more(slide, len(rows) - len(shown), 6.58)
        else:
            self._text(slide, "no options", "Ingen behandlingsmulighet med nivå II-B eller "
                       "bedre. / No option of tier II-B or better for this patient; the last "
                       "slide lists every alteration without an actionable option.",
                       1.9, 0.9, 16, 3)  # fmt: skip
        sources = ", ".join(f"{s.get('name', '?')} {s.get('version', '?')}" for s in r.sources)
        footer = (
            f"Generert / Generated {r.generated_at} · oncograph · Kilder og versjoner / "
            f"Sources and versions: {sources or 'none recorded'} · 1/{self.total}"
        )
        self._text(slide, "footer", footer, 6.9, 0.5, 8, 3, colour="555555")
        notes = [DISCLAIMER, "", f"Summary rows: {len(rows)} (options of tier "
                 f"{ACTIONABLE_SUMMARY} or better, at most 5 per alteration).", "",
                 "Sources and data versions:"]  # fmt: skip
        for s in r.sources:
            notes.append(f"- {s.get('name')} {s.get('version')}: licence {s.get('licence')}; "
                         f"file {s.get('file_name')}; last load {s.get('last_run_status')} "
                         f"{s.get('last_run_finished_at') or ''}".rstrip())  # fmt: skip
        self._notes(slide, notes)

    def alteration(self, a: AlterationResult, number: int) -> None:
        slide = self._slide(f"{a.name} ({a.origin})")
        acting = [o for o in a.options if o.tier not in NOT_ACTIONABLE]
        flag = "" if a.normalised else " · ikke normalisert / not normalised: matched as written"
        meta = (f"Oppgitt som / Given as: {a.observed}{flag}\n"
                f"Matchet som / Matched as: {'; '.join(a.granularities)} · gene-level evidence: "
                f"{a.variant_rule}\n{len(a.options)} alternativ(er) / option(s), {len(acting)} "
                "med nivå IV-A eller bedre / of tier IV-A or better")  # fmt: skip
        self._text(slide, "meta", meta, 0.95, 0.7, 11, 3)
        options = sorted(a.options, key=lambda o: TIERS.index(o.tier))  # stable: report order
        shown = options[:OPTION_ROWS]
        cells, colours = [], {}
        widths = [w for _, w in OPTION_COLUMNS]
        for i, o in enumerate(shown, 1):
            therapy = o.therapy + (f"\n({CONFLICT})" if o.conflict else "")
            cells.append([
                therapy, o.tier, o.tier_reason, _in_cell(_approval_line(o), widths[3], 3),
                _in_cell(o.nye_metoder, widths[4], 3, NO_DECISION),
                _in_cell(_arm_line(o), widths[5], 3), _in_cell(o.arm_outcomes, widths[6], 3),
            ])  # fmt: skip
            colours[(i, 1)] = _tier_colour(o.tier)
        self._table(slide, "options table", OPTION_COLUMNS, cells, 1.75, 3, colours)
        if len(options) > len(shown):
            rest = options[len(shown) :]
            tiers = rest[0].tier if rest[0].tier == rest[-1].tier else \
                f"{rest[0].tier} to {rest[-1].tier}"  # fmt: skip
            in_json = (f"; after the first {HTML_OPTIONS}, in the JSON report"
                       if len(options) > HTML_OPTIONS else "")  # fmt: skip
            more = f"+{len(rest)} more in the HTML report (tier {tiers}{in_json})"
            self._text(slide, "more", more, 6.6, 0.3, 10, 1, italic=True)
        self._footer(slide, number)
        notes = [f"{a.name} ({a.origin}); given as {a.observed}; matched as "
                 f"{'; '.join(a.granularities)}; gene-level evidence: {a.variant_rule}.", "",
                 "Evidence per option (ids and sources):"]  # fmt: skip
        for i, o in enumerate(options, 1):
            conflict = "; conflicting evidence" if o.conflict else ""
            notes.append(f"{i}. {o.therapy} [{o.tier}] {o.tier_reason}{conflict}")
            notes += _evidence_notes(o)
        self._notes(slide, notes)

    def not_actionable(self, plain: list[AlterationResult], number: int) -> None:
        slide = self._slide("Uten behandlingsmulighet / No actionable option")
        if plain:
            intro = (f"{len(plain)} genforandring(er) uten alternativ med nivå IV-A eller bedre "
                     f"/ alteration(s) with no option of tier IV-A or better")  # fmt: skip
            self._text(slide, "meta", intro, 0.95, 0.4, 12, 1)
            shown = plain[:PLAIN_ROWS]
            cells = [[a.name, f"{a.observed} ({a.origin})", _why_not(a)] for a in shown]
            self._table(slide, "not actionable table", PLAIN_COLUMNS, cells, 1.5, 2)
            if len(plain) > len(shown):
                self._more(slide, len(plain) - len(shown), 6.6)
        else:
            self._text(slide, "meta", "Alle genforandringer har minst ett alternativ med nivå "
                       "IV-A eller bedre. / Every alteration has at least one option of tier "
                       "IV-A or better.", 0.95, 0.8, 14, 2)  # fmt: skip
        self._footer(slide, number)
        notes = ["Alterations with no actionable option:"]
        notes += [f"- {a.name} (given as {a.observed}, {a.origin}): {_why_not(a)}" for a in plain]
        self._notes(slide, notes if plain else ["Every alteration has an actionable option."])


# ---------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------

SHEET_NAME_MAX = 31  # Excel's limit
CELL_MAX = 32767  # characters Excel holds in a cell
ABOUT = "About"
XLSX_NOTE = (
    "Cells that a spreadsheet would run as a formula (starting with =, +, -, @, a tab or a "
    "carriage return) are stored as text with a leading apostrophe; lists are joined with a "
    "semicolon; an empty cell is a missing value."
)
_BAD_SHEET = re.compile(r"[\[\]:*?/\\]")
_SPACE = re.compile(r"\s+")
# a number Excel keeps exactly (15 significant digits); a longer id is written as text
EXACT = 10**15
WIDTH_MIN, WIDTH_MAX = 6, 60


def sheet_names(names: Iterable[str], reserved: Iterable[str] = ()) -> list[str]:
    """Names Excel accepts for ``names``, in order: at most 31 characters, none of ``[]:*?/\\``,
    no leading or trailing apostrophe, not "History" (Excel's own), and unique without regard
    to case (also against ``reserved``); a clash gets " (2)", " (3)" ..."""
    used = {r.casefold() for r in reserved}
    out = []
    for name in names:
        base = _SPACE.sub(" ", _BAD_SHEET.sub("_", _clean(str(name)))).strip().strip("'").strip()
        if not base:
            base = "Sheet"
        if base.casefold() == "history":
            base += "_"
        base = base[:SHEET_NAME_MAX].rstrip("'")
        candidate, n = base, 2
        while candidate.casefold() in used:
            suffix = f" ({n})"
            candidate = base[: SHEET_NAME_MAX - len(suffix)].rstrip("'") + suffix
            n += 1
        used.add(candidate.casefold())
        out.append(candidate)
    return out


def _text_of(value: Any) -> str:
    """A value inside a list or map, as text."""
    if isinstance(value, enum.Enum):
        return _text_of(value.value)
    if isinstance(value, dt.date | dt.datetime | dt.time):
        return value.isoformat()
    if value is None:
        return ""
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json")
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    if isinstance(value, list | tuple | set | frozenset):
        return _joined(value)
    return str(value)


def _joined(items: Iterable[Any]) -> str:
    values = [_text_of(v) for v in items]
    if isinstance(items, set | frozenset):
        values.sort()
    return "; ".join(values)


def xlsx_value(value: Any) -> Any:
    """A value as a workbook cell holds it: dates as dates, numbers as numbers, booleans as
    booleans, None and "" as empty, anything else as text made safe (``spreadsheet_safe``) and
    cut to Excel's 32,767 characters."""
    if isinstance(value, enum.Enum):
        value = value.value
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal):  # LadybugDB's sum() of integers
        value = int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, int):
        return value if abs(value) < EXACT else spreadsheet_safe(str(value))
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dt.datetime):  # Excel has no time zones: aware times in UTC
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, dt.date):
        return value
    if isinstance(value, dt.time):
        return value.replace(tzinfo=None)
    text = _text_of(value)  # a list: its items joined with "; "
    text = spreadsheet_safe(_CONTROL.sub("", text))
    if not text:
        return None
    return text if len(text) <= CELL_MAX else text[: CELL_MAX - 1] + ELLIPSIS


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.datetime):
        return 19
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).split("\n")), default=0)


def sheets_xlsx(sheets: dict[str, list[dict[str, Any]]], title: str | None = None,
                *, note: str | None = None) -> bytes:  # fmt: skip
    """Rows as an .xlsx workbook, one sheet per entry (names made valid: :func:`sheet_names`),
    each with a bold, frozen header row and columns as wide as their content. Every string cell
    is stored as text after :func:`queries.output.spreadsheet_safe`, never as a formula. With
    ``title``, a first "About" sheet holds it, ``note`` (what the rows are) and each sheet's row
    count. A sheet with no rows says so in its first cell."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    wb = Workbook(write_only=True)
    bold = Font(bold=True)
    reserved = [ABOUT] if title is not None else []
    names = sheet_names(sheets, reserved)

    def cell(ws: Any, value: Any, strong: bool = False) -> Any:
        c = WriteOnlyCell(ws, value=value)
        if isinstance(value, str):
            c.data_type = "s"  # text, whatever it starts with
        if strong:
            c.font = bold
        return c

    if title is not None:
        ws = wb.create_sheet(ABOUT)
        ws.column_dimensions["A"].width = 40
        ws.column_dimensions["B"].width = 12
        ws.append([cell(ws, xlsx_value(title) or "", strong=True)])
        if note:
            ws.append([cell(ws, xlsx_value(note))])
        ws.append([cell(ws, XLSX_NOTE)])
        ws.append([])
        ws.append([cell(ws, "Sheet", True), cell(ws, "Rows", True)])
        for name, rows in zip(names, sheets.values(), strict=True):
            ws.append([cell(ws, name), cell(ws, len(rows))])
    for name, rows in zip(names, sheets.values(), strict=True):
        ws = wb.create_sheet(name)
        columns = columns_of(rows)
        if not columns:
            ws.append([cell(ws, "(no rows)")])
            continue
        header = [xlsx_value(str(c)) or "" for c in columns]
        body = [[xlsx_value(row.get(c)) for c in columns] for row in rows]
        for i, head in enumerate(header):
            widest = max([_width(head), *(_width(r[i]) for r in body)])
            ws.column_dimensions[get_column_letter(i + 1)].width = min(
                WIDTH_MAX, max(WIDTH_MIN, widest + 2)
            )
        ws.freeze_panes = "A2"
        ws.append([cell(ws, h, strong=True) for h in header])
        for values in body:
            ws.append([cell(ws, v) for v in values])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------------------------------------
# The HTA gap lists as sheets
# ---------------------------------------------------------------------------------------------

GAP_INDEX = "gap lists"
COVERAGE = "coverage"
COVERAGE_TITLE = (
    "coverage matrix: alteration x therapy x tumour type against evidence, EMA, FDA, Nye Metoder, "
    "trial arms and outcomes"
)


def _day(text: str) -> dt.date | str | None:
    """An ISO date as a date (the coverage matrix keeps dates as text), else the text."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return text or None


def gaps_sheets(
    answers: list[GapAnswer], coverage_rows: list[CoverageRow] | None = None
) -> dict[str, list[dict[str, Any]]]:
    """The gap answers (:func:`queries.hta.gap`) and the coverage matrix
    (:func:`queries.hta.coverage`) as sheets for :func:`sheets_xlsx`: first an index ("gap
    lists": each sheet's question, date, row count and the undated facts left out, which the
    rows alone do not say), then one sheet per answer (named by its gap; the same gap twice,
    e.g. at two dates, gets " (2)") and one for coverage."""
    names = sheet_names([a.gap for a in answers] + ([COVERAGE] if coverage_rows is not None
                                                    else []), [GAP_INDEX])  # fmt: skip
    index: list[dict[str, Any]] = []
    out: dict[str, list[dict[str, Any]]] = {GAP_INDEX: index}
    for name, answer in zip(names, answers, strict=False):
        out[name] = [r.model_dump(exclude={"gap"}) for r in answer.rows]
        index.append({"sheet": name, "question": answer.title, "as_of": answer.as_of,
                      "rows": len(answer.rows),
                      "undated_left_out": answer.undated_left_out})  # fmt: skip
    if coverage_rows is not None:
        name = names[-1]
        rows = []
        for r in coverage_rows:
            row = r.model_dump()
            row["ema"], row["fda"] = _day(r.ema), _day(r.fda)
            rows.append(row)
        out[name] = rows
        index.append({"sheet": name, "question": COVERAGE_TITLE, "as_of": None,
                      "rows": len(rows), "undated_left_out": None})  # fmt: skip
    return out
