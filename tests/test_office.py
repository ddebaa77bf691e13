"""The Office writers on the bundled demo graph: the tumour-board deck holds the report's summary,
one slide per actionable alteration with its evidence ids in the notes and a last slide for the
rest, fitted to its boxes and the same bytes for the same report; the workbook keeps dates and
numbers typed, never stores a formula, makes sheet names valid, and the HTA gap sheets hold every
row of their answers."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from pptx import Presentation

from graph_loader.backends.ladybug_store import LadybugStore
from graph_loader.patient import parse_list
from queries import hta
from queries.board import TIERS, BoardReport, board_report
from queries.office import (
    ELLIPSIS,
    HTML_OPTIONS,
    NOTE_EVIDENCE,
    OPTION_ROWS,
    SUMMARY_ROWS,
    actionable,
    board_pptx,
    fit,
    gaps_sheets,
    sheet_names,
    sheets_xlsx,
)
from queries.snapshot import Snapshot

PATIENT = "BRAF V600E; KRAS G12C; TP53 R175H; ERBB2 amplification"
NOTHING_ACTIONABLE = "BRAF D211G; FOO1 BAR; XYZZY1 Q12*"  # a VUS, not normalised, no evidence
HOSTILE = ["=1+1", "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)", "\t=x", '=HYPERLINK("http://x","y")']


@pytest.fixture(scope="module")
def snap(demo_store_dir: Path) -> Iterator[Snapshot]:
    with LadybugStore(demo_store_dir, read_only=True) as store:
        yield Snapshot(store)


@pytest.fixture(scope="module")
def report(snap: Snapshot) -> BoardReport:
    return board_report(snap, parse_list(PATIENT), "COAD", sample="P-001")


def deck(report: BoardReport):
    return Presentation(io.BytesIO(board_pptx(report)))


def shape(slide, name: str):
    found = [s for s in slide.shapes if s.name == name]
    assert len(found) == 1, [s.name for s in slide.shapes]
    return found[0]


def names(slide) -> set[str]:
    return {s.name for s in slide.shapes}


def table_rows(slide, name: str) -> list[list[str]]:
    return [[c.text for c in row.cells] for row in shape(slide, name).table.rows]


def notes(slide) -> str:
    return slide.notes_slide.notes_text_frame.text


# ---------------------------------------------------------------------------------------------
# The tumour-board deck
# ---------------------------------------------------------------------------------------------


def test_the_deck_has_a_summary_a_slide_per_actionable_alteration_and_the_rest(report):
    acting = [a for a in report.alterations if actionable(a)]
    assert len(acting) == 4  # every alteration of the demo patient has a tiered option
    prs = deck(report)
    assert (prs.slide_width, prs.slide_height) == (12192000, 6858000)  # 16:9, 13.33 x 7.5 in
    slides = list(prs.slides)
    assert len(slides) == 1 + len(acting) + 1
    assert slides[0].shapes.title.text == "P-001: Colon Adenocarcinoma (COAD)"
    assert [s.shapes.title.text for s in slides[1:-1]] == [
        "BRAF V600E (list item 1)", "KRAS G12C (list item 2)", "TP53 R175H (list item 3)",
        "ERBB2 amplification (list item 4)",
    ]  # fmt: skip
    assert slides[-1].shapes.title.text == "Uten behandlingsmulighet / No actionable option"
    assert "Every alteration has at least one option" in shape(slides[-1], "meta").text_frame.text
    footers = [shape(s, "footer").text_frame.text for s in slides]
    assert all(f.endswith(f"{i}/{len(slides)}") for i, f in enumerate(footers, 1))


def test_the_summary_slide_is_the_reports_summary(report):
    summary = report.summary()
    assert 0 < len(summary) <= SUMMARY_ROWS  # all on the slide, no "+N more"
    slide = deck(report).slides[0]
    rows = table_rows(slide, "summary table")
    header, body = rows[0], rows[1:]
    assert header[0] == "Genforandring / Alteration"
    assert "Nye Metoder (refusjon / reimbursement)" in header
    assert [(r[0], r[1].split("\n")[0], r[2]) for r in body] == [
        (s["alteration"], s["therapy"], s["tier"]) for s in summary
    ]
    assert body[0][:3] == ["BRAF V600E", "cetuximab + encorafenib", "I-A"]
    assert body[0][-1] == "IMPRESS-SYNTHETIC/C01"  # its open arm
    assert "more" not in names(slide)
    footer = shape(slide, "footer").text_frame.text
    assert report.generated_at in footer
    for source in report.sources:  # every source with its version
        assert f"{source['name']} {source['version']}" in footer
    text = notes(slide)
    assert all(
        f"{s['name']} {s['version']}: licence {s['licence']}" in text for s in report.sources
    )


def test_each_alteration_slide_shows_how_it_matched_its_options_and_the_evidence_ids(report):
    slides = list(deck(report).slides)[1:-1]
    for alteration, slide in zip(report.alterations, slides, strict=True):
        meta = shape(slide, "meta").text_frame.text
        assert "; ".join(alteration.granularities) in meta
        assert alteration.variant_rule in meta
        rows = table_rows(slide, "options table")
        options = alteration.options
        shown = options[:OPTION_ROWS]
        assert [TIERS.index(o.tier) for o in options] == sorted(TIERS.index(o.tier)
                                                                for o in options)  # fmt: skip
        assert [(r[0].split("\n")[0], r[1]) for r in rows[1:]] == [
            (o.therapy, o.tier) for o in shown
        ]
        if len(options) > OPTION_ROWS:
            more = shape(slide, "more").text_frame.text
            assert more.startswith(f"+{len(options) - OPTION_ROWS} more in the HTML report")
            assert ("JSON report" in more) == (len(options) > HTML_OPTIONS)
        else:
            assert "more" not in names(slide)
        text = notes(slide)
        for o in options:  # every option, not only those on the slide
            assert f"{o.therapy} [{o.tier}]" in text
            for e in o.evidence[:NOTE_EVIDENCE]:
                assert e.evidence_id in text and f"[{e.source}]" in text
    braf = table_rows(slides[0], "options table")[1]
    assert braf[:2] == ["cetuximab + encorafenib", "I-A"]
    assert braf[3].startswith("EMA 2020-06-02\nFDA 2020-04-08")  # approvals with dates
    assert braf[5] == "IMPRESS-SYNTHETIC/C01 (recruiting, synthetic)"
    assert braf[6].startswith("IMPRESS-SYNTHETIC/C01: ")  # the arm's earlier outcomes
    assert "civic.eid:9851" in notes(slides[0])


def test_a_nye_metoder_decision_is_on_the_slides(snap):
    report = board_report(snap, parse_list("EGFR L858R"), "NSCLC")
    osimertinib = report.alterations[0].options[0]
    assert osimertinib.therapy == "osimertinib"
    assert osimertinib.nye_metoder == ["ID2020_106 Er innført 2022-08-29"]
    slides = list(deck(report).slides)
    assert len(slides) == 3
    summary = table_rows(slides[0], "summary table")
    assert summary[1][1:3] == ["osimertinib", "I-A"]
    assert summary[1][5] == "ID2020_106 Er innført 2022-08-29"
    options = table_rows(slides[1], "options table")
    assert options[1][0] == "osimertinib" and options[1][4] == "ID2020_106 Er innført 2022-08-29"
    assert "Nye Metoder: ID2020_106 Er innført 2022-08-29" in notes(slides[1])
    # an option without a decision says so in both languages
    assert any(r[4] == "ingen beslutning / no decision" for r in options[1:])


def test_a_patient_with_nothing_actionable_gets_the_summary_and_the_last_slide(snap):
    report = board_report(snap, parse_list(NOTHING_ACTIONABLE), "COAD")
    assert report.summary() == [] and not any(actionable(a) for a in report.alterations)
    slides = list(deck(report).slides)
    assert len(slides) == 2
    assert "summary table" not in names(slides[0])
    assert "No option of tier II-B or better" in shape(slides[0], "no options").text_frame.text
    rows = table_rows(slides[1], "not actionable table")[1:]
    assert [r[0] for r in rows] == ["BRAF D211G", "FOO1 BAR", "XYZZY1 Q12*"]
    why = {r[0]: r[2] for r in rows}
    assert "variant of unknown significance" in why["BRAF D211G"]
    assert "not normalised" in why["FOO1 BAR"]
    assert "no evidence" in why["XYZZY1 Q12*"]
    assert "FOO1 BAR (given as FOO1 BAR, list item 2)" in notes(slides[1])


def test_a_vus_next_to_an_actionable_alteration_is_not_dropped(snap):
    report = board_report(snap, parse_list("BRAF V600E; BRAF D211G"), "COAD")
    slides = list(deck(report).slides)
    assert [s.shapes.title.text for s in slides[1:]] == [
        "BRAF V600E (list item 1)", "Uten behandlingsmulighet / No actionable option"]  # fmt: skip
    assert [r[0] for r in table_rows(slides[-1], "not actionable table")[1:]] == ["BRAF D211G"]


def test_long_text_is_cut_with_an_ellipsis(report):
    long_name = "sotorasib " * 40
    alteration = report.alterations[0]
    first = alteration.options[0].model_copy(update={
        "therapy": long_name.strip(), "tier_reason": "because " * 80,
        "nye_metoder": [f"ID2099_{i:03} Er innført 2099-01-01" for i in range(9)],
    })  # fmt: skip
    long = report.model_copy(update={
        "sample": "S" * 300 + "\x01",  # a control character XML cannot hold
        "alterations": [alteration.model_copy(update={"options": [first, *alteration.options]})],
    })  # fmt: skip
    slides = list(deck(long).slides)
    title = slides[0].shapes.title.text
    assert title.endswith(ELLIPSIS) and len(title) < 120 and "\n" not in title
    row = table_rows(slides[1], "options table")[1]
    therapy, reason, decisions = row[0], row[2], row[4]
    assert therapy.endswith(ELLIPSIS) and len(therapy) < len(long_name) / 2
    assert reason.endswith(ELLIPSIS) and len(reason) < 200
    assert decisions == f"{first.nye_metoder[0]}\n+8 more"  # whole decisions, then a count
    summary = table_rows(slides[0], "summary table")[1]
    assert summary[1].endswith(ELLIPSIS)


def test_fit_keeps_what_fits_and_cuts_the_rest():
    assert fit("BRAF V600E", 2.0, 10, 1) == "BRAF V600E"
    assert fit("a\nb\nc", 2.0, 10, 2) == "a\nb" + ELLIPSIS
    cut = fit("word " * 100, 1.0, 10, 2)  # 13 characters a line
    assert cut.endswith(ELLIPSIS) and len(cut) <= 26
    assert fit("IMPRESS-SYNTHETIC/C01 (recruiting)", 1.0, 10, 3) == (
        "IMPRESS-SYNTHETIC/C01 (recruiting)"  # a long word wraps, never gains a space
    )
    assert fit("x" * 40, 1.0, 10, 1) == "x" * 12 + ELLIPSIS


def test_the_same_report_gives_the_same_bytes(report):
    first = board_pptx(report)
    assert board_pptx(report.model_copy(deep=True)) == first
    later = report.model_copy(update={"generated_at": "2031-05-17 08:30 UTC"})
    assert board_pptx(later) != first
    prs = Presentation(io.BytesIO(board_pptx(later)))
    assert prs.core_properties.modified == dt.datetime(2031, 5, 17, 8, 30)
    assert prs.core_properties.title == "P-001: Colon Adenocarcinoma (COAD)"


# ---------------------------------------------------------------------------------------------
# Workbooks
# ---------------------------------------------------------------------------------------------


def workbook(data: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(data))


def test_a_workbook_keeps_types_and_never_stores_a_formula():
    rows = [
        {"name": text, "n": -5, "x": -1.5, "day": dt.date(2022, 8, 29),
         "when": dt.datetime(2026, 1, 31, 14, 5), "items": ["a", "=b", 3], "none": None,
         "flag": True, "sum": Decimal(7), "minus": "-1.5", "dash": "-"}
        for text in HOSTILE
    ]  # fmt: skip
    data = sheets_xlsx({"rows": rows}, title="=HTA export")
    wb = workbook(data)
    assert wb.sheetnames == ["About", "rows"]
    ws = wb["rows"]
    header = [c.value for c in ws[1]]
    assert header == list(rows[0])
    assert all(c.font.bold for c in ws[1]) and ws.freeze_panes == "A2"
    assert ws.max_row == 1 + len(rows)
    for text, line in zip(HOSTILE, ws.iter_rows(min_row=2), strict=True):
        cells = {h: c for h, c in zip(header, line, strict=True)}
        name = cells["name"]
        assert name.data_type == "s" and name.value == "'" + text
        assert cells["n"].data_type == "n" and cells["n"].value == -5
        assert cells["x"].value == -1.5 and cells["sum"].value == 7
        assert cells["day"].is_date and cells["day"].value == dt.datetime(2022, 8, 29)
        assert cells["when"].is_date and cells["when"].value == dt.datetime(2026, 1, 31, 14, 5)
        assert cells["items"].value == "a; =b; 3"  # a list is joined, not a formula
        assert cells["none"].value is None
        assert cells["flag"].value is True
        assert cells["minus"].data_type == "s" and cells["minus"].value == "-1.5"
        assert cells["dash"].value == "-"
    for line in wb["About"].iter_rows():  # the title too is text
        for c in line:
            assert c.data_type != "f"
    assert wb["About"]["A1"].value == "'=HTA export"
    about = [[c.value for c in r] for r in wb["About"].iter_rows()]
    assert ["rows", len(rows)] in about
    widths = ws.column_dimensions
    assert widths["A"].width > widths["B"].width  # the long formulas against "-5"


def test_a_hostile_list_item_is_inert_too():
    wb = workbook(sheets_xlsx({"s": [{"v": ["=cmd", "x"]}, {"v": "\r=1"}, {"v": "\x01=2"}]}))
    values = [c.value for c in wb["s"]["A"][1:]]
    assert values == ["'=cmd; x", "'\r=1", "'=2"]  # the control character dropped, then made safe
    assert all(c.data_type == "s" for c in wb["s"]["A"][1:])


def test_sheet_names_are_made_valid_and_unique():
    long = "evidence-without-decision-as-of-2024-01-01"
    got = sheet_names([long, long + " (again)", "a[b]:c*d?e/f\\g", "About", "history", "", "'q'",
                       "A" * 40, "a" * 40], reserved=["About"])  # fmt: skip
    assert got == [
        long[:31], long[:27] + " (2)", "a_b__c_d_e_f_g", "About (2)", "history_", "Sheet", "q",
        "A" * 31, "a" * 27 + " (2)",
    ]  # fmt: skip
    sheets = {name: [{"k": i}] for i, name in enumerate(["x" * 40, "X" * 40 + "!", "a/b", "About"])}
    wb = workbook(sheets_xlsx(sheets, title="t"))
    assert wb.sheetnames == ["About", "x" * 31, "X" * 27 + " (2)", "a_b", "About (2)"]
    assert [wb[n]["A2"].value for n in wb.sheetnames[1:]] == [0, 1, 2, 3]


def test_an_empty_sheet_says_so():
    wb = workbook(sheets_xlsx({"none": []}))
    assert wb.sheetnames == ["none"] and wb["none"]["A1"].value == "(no rows)"


def test_the_gap_sheets_hold_every_row_of_their_answers(snap):
    answers = [hta.gap(snap, name) for name in hta.GAPS]
    coverage = hta.coverage(snap)
    sheets = gaps_sheets(answers, coverage)
    assert list(sheets) == ["gap lists", *hta.GAPS, "coverage"]
    wb = workbook(sheets_xlsx(sheets, "oncograph HTA gap lists"))
    assert wb.sheetnames == ["About", "gap lists", *hta.GAPS, "coverage"]
    for answer in answers:
        assert answer.rows  # the demo data has rows for every gap
        ws = wb[answer.gap]
        assert ws.max_row - 1 == len(answer.rows)
        header = [c.value for c in ws[1]]
        assert header == ["alteration", "therapy", "tumour_code", "tumour", "why", "items"]
        first = [c.value for c in ws[2]]
        assert first[:2] == [answer.rows[0].alteration, answer.rows[0].therapy]
        assert first[-1] == "; ".join(answer.rows[0].items)
    index = [[c.value for c in r] for r in wb["gap lists"].iter_rows(min_row=2)]
    assert [(r[0], r[1], r[3]) for r in index] == [
        *((a.gap, a.title, len(a.rows)) for a in answers),
        ("coverage", index[-1][1], len(coverage)),
    ]
    cov = wb["coverage"]
    assert cov.max_row - 1 == len(coverage)
    header = [c.value for c in cov[1]]
    ema = header.index("ema")
    dated = [r for r in coverage if r.ema and r.ema != "undated"]
    assert dated
    cells = {(r[0].value, r[1].value, r[2].value): r[ema] for r in cov.iter_rows(min_row=2)}
    for r in dated[:20]:
        cell = cells[(r.alteration, r.therapy, r.tumour_code)]
        assert cell.is_date and cell.value.date() == dt.date.fromisoformat(r.ema)


def test_gap_sheets_at_two_dates_and_a_hostile_row(snap):
    now = hta.gap(snap, "not-introduced-newer")
    then = hta.gap(snap, "not-introduced-newer", as_of=dt.date(2019, 1, 1))
    row = hta.GapRow(gap="fda-without-ema", alteration="BRAF V600E", therapy=HOSTILE[-1],
                     why="@SUM(A1)", items=["=1+1"])  # fmt: skip
    hostile = hta.GapAnswer(gap="fda-without-ema", title="t", rows=[row])
    sheets = gaps_sheets([now, then, hostile], None)
    assert list(sheets) == ["gap lists", "not-introduced-newer", "not-introduced-newer (2)",
                            "fda-without-ema"]  # fmt: skip
    assert sheets["gap lists"][1]["as_of"] == dt.date(2019, 1, 1)
    wb = workbook(sheets_xlsx(sheets))
    assert wb["gap lists"]["C3"].is_date
    line = {c.column_letter: c for c in wb["fda-without-ema"][2]}
    texts = [c for c in line.values() if c.value is not None]
    assert all(c.data_type == "s" for c in texts)
    assert {c.value for c in texts} >= {"'" + HOSTILE[-1], "'@SUM(A1)", "'=1+1"}
