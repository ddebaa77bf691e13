"""The per-cohort evidence dossier (queries/dossier.py): every synthetic cohort's dossier is made,
opened in a real browser, and its numbers checked against an independent computation from the
outcome CSV (counts by hand; Clopper-Pearson from the beta distribution; Kaplan-Meier from
statsmodels, a second implementation). Suppression, the XLSX, the index order, the two-stage
history, the pay-for-performance weeks and the new outcome columns are tested too."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re

import numpy as np
import pytest
from scipy.stats import beta
from statsmodels.duration.survfunc import SurvfuncRight

from graph_loader import bundled_path
from graph_loader.backends.ladybug_store import LadybugStore
from graph_loader.files import RawFile
from ontology import two_stage as rules
from ontology.errors import UnknownConceptError
from queries.dossier import dossier, dossier_index, patient_weeks, rate, survival
from queries.dossier_render import dossier_sheets, dossier_xlsx, render_dossier_html
from queries.snapshot import Snapshot

OUTCOMES = bundled_path("outcomes")
REGISTRY = bundled_path("cohorts")
COHORTS = [f"IMPRESS-SYNTHETIC/C0{i}" for i in range(1, 9)]


def _csv(path) -> list[dict[str, str]]:
    return list(
        csv.DictReader(x for x in path.read_text("utf-8").splitlines() if not x.startswith("#"))
    )


def _rows(cohort: str) -> list[dict[str, str]]:
    return [r for r in _csv(OUTCOMES) if r["cohort_id"] == cohort.split("/")[1]]


@pytest.fixture(scope="module")
def snap(demo_store_dir):
    with LadybugStore(demo_store_dir, read_only=True) as store:
        yield Snapshot(store)


# -- independent computations ----------------------------------------------------------------


def clopper_pearson(k: int, n: int) -> tuple[float, float]:
    low = 0.0 if k == 0 else beta.ppf(0.025, k, n - k + 1)
    high = 1.0 if k == n else beta.ppf(0.975, k + 1, n - k)
    return 100 * low, 100 * high


def km_median(times: list[float], events: list[bool]) -> float | None:
    """statsmodels' product-limit estimate, its median under R's / SAS's convention (the first
    time below 0.5; on an exact-0.5 plateau the plateau's midpoint)."""
    sf = SurvfuncRight(np.array(times, float), np.array(events, int))
    at = [t for t, s in zip(sf.surv_times, sf.surv_prob, strict=True) if s <= 0.5 + 1e-9]
    below = [t for t, s in zip(sf.surv_times, sf.surv_prob, strict=True) if s < 0.5 - 1e-9]
    return (at[0] + below[0]) / 2 if at and below else None


def _flag(x: str) -> bool:
    return x.strip().lower() == "true"


# -- every synthetic cohort ------------------------------------------------------------------


@pytest.mark.parametrize("arm", COHORTS)
def test_each_cohort_dossier_equals_an_independent_computation(snap, arm):
    rows = _rows(arm)
    d = dossier(snap, arm, exact=True)
    o = d.outcomes
    evaluable = [r for r in rows if _flag(r["evaluable"])]
    benefit = sum(_flag(r["benefit_week16"]) for r in evaluable)
    objective = sum(r["best_response"] in ("CR", "PR") for r in evaluable)
    assert (o.treated, o.evaluable, o.not_evaluable) == (
        len(rows),
        len(evaluable),
        len(rows) - len(evaluable),
    )
    control, response = o.rates
    assert (control.k, control.n, response.k) == (benefit, len(evaluable), objective)
    for r, k in ((control, benefit), (response, objective)):
        low, high = clopper_pearson(k, len(evaluable))
        assert r.low == pytest.approx(low, abs=1e-6) and r.high == pytest.approx(high, abs=1e-6)
        assert r.percent == pytest.approx(100 * k / len(evaluable))
    for s, t, e in ((o.pfs, "pfs_months", "pfs_event"), (o.os, "os_months", "os_event")):
        have = [r for r in rows if r[t]]
        times, events = [float(r[t]) for r in have], [_flag(r[e]) for r in have]
        want = km_median(times, events)
        assert s.median == (pytest.approx(want) if want is not None else None), s.endpoint
        assert (s.patients, s.events) == (len(times), sum(events))
        # the curve at each event time equals statsmodels' estimate
        sf = SurvfuncRight(np.array(times, float), np.array(events, int))
        curve = (
            {round(p[0], 6): p[1] for p in d.outcomes.pfs.curve}
            if t == "pfs_months"
            else {round(p[0], 6): p[1] for p in d.outcomes.os.curve}
        )
        for x, p in zip(sf.surv_times, sf.surv_prob, strict=True):
            assert curve[round(float(x), 6)] == pytest.approx(float(p))
    assert d.synthetic and "SYNTHETIC DATA" in d.notes[0]


def test_the_decisions_and_the_gap_of_the_positive_cohorts(snap):
    c05 = dossier(snap, "IMPRESS-SYNTHETIC/C05")
    assert c05.decision == rules.POSITIVE
    # trastuzumab + pertuzumab: EMA labels for HER2-positive breast cancer, none for colorectal
    assert c05.gap == (
        "Positive cohort, EMA label for another tumour type, no Nye Metoder method for the drug."
    )
    ema = next(x for x in c05.label_status if x.agency == "EMA")
    assert not ema.on_label and any(x.biomarker_agrees and not x.tumour_agrees for x in c05.labels)
    c06 = dossier(snap, "IMPRESS-SYNTHETIC/C06")  # dabrafenib + trametinib, BRAF V600E NSCLC
    ema = next(x for x in c06.label_status if x.agency == "EMA")
    assert ema.on_label and ema.since == dt.date(2017, 3, 27)  # Mekinist with dabrafenib
    assert c06.gap.startswith("Positive cohort, EMA label for this indication")
    c04 = dossier(snap, "IMPRESS-SYNTHETIC/C04")  # olaparib: Nye Metoder ID2020_008, prostate
    hit = next(x for x in c04.decisions if x.method_id == "ID2020_008")
    assert hit.covers_cohort and "ID2020_008 for this indication" in c04.gap
    # the expansion names the cohort it expands, and the other way round
    c08 = dossier(snap, "IMPRESS-SYNTHETIC/C08")
    assert c08.decision.startswith("expansion cohort") and c08.history == []
    assert any(
        o.arm_id == "IMPRESS-SYNTHETIC/C05" and "this one expands" in o.relation
        for o in c08.other_cohorts
    )
    assert any(
        o.arm_id == "IMPRESS-SYNTHETIC/C08" and "expansion of this" in o.relation
        for o in c05.other_cohorts
    )


def test_the_two_stage_history_dates(snap):
    rows = sorted(
        (r for r in _rows("IMPRESS-SYNTHETIC/C05") if _flag(r["evaluable"])),
        key=lambda r: (r["treatment_start"], r["pseudonym"]),
    )
    day = [dt.date.fromisoformat(r["week16_date"]) for r in rows]
    hits = [d for d, r in zip(day, rows, strict=True) if _flag(r["benefit_week16"])]
    d = dossier(snap, "IMPRESS-SYNTHETIC/C05")
    events = {m.event: m.day for m in d.history}
    assert events["stage 1 completed"] == max(day[:8]) == events["expanded to stage 2"]
    assert events["positive"] == max(sorted(hits[:5])[4], max(day[:8]))
    # the rule on its own: 0 of 8 closes at the last assessment of stage 1
    start = dt.date(2024, 1, 1)
    pts = [(start + dt.timedelta(days=10 * i), None, False) for i in range(8)]
    got = rules.history(pts)
    assert [m.event for m in got] == ["stage 1 completed", rules.CLOSED_STAGE1]
    assert got[0].day == start + dt.timedelta(days=70) + rules.WEEK16
    assert rules.history(pts[:7]) == []


@pytest.mark.parametrize("arm", COHORTS)
def test_each_dossier_opens_in_a_browser_with_its_plots(snap, arm, browser, tmp_path):
    d = dossier(snap, arm)
    path = tmp_path / "dossier.html"
    path.write_text(render_dossier_html(d), encoding="utf-8")
    page = browser.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(path.as_uri())
    assert page.locator("#gap").inner_text() == d.gap
    assert page.locator(".synthetic").first.is_visible()
    plots = page.locator("figure.km svg")
    shown = [s for s in (d.outcomes.pfs, d.outcomes.os) if s.shown and s.curve]
    assert plots.count() == len(shown)
    for i in range(plots.count()):
        box = plots.nth(i).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100
        assert "At risk" in plots.nth(i).inner_html()
    if arm.endswith(("C04", "C05", "C06")):  # 24 patients each: both curves are shared
        assert plots.count() == 2
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and not errors
    os.makedirs("test-artifacts/dossier", exist_ok=True)
    page.screenshot(path=f"test-artifacts/dossier/{arm.split('/')[1]}.png", full_page=True)
    page.close()


# -- suppression -------------------------------------------------------------------------------


SMALL_NUMBER = re.compile(r"^[1-4]$")


def _counts(value, path=""):
    """Every count-like field of a dossier (ints named as counts, at-risk numbers)."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _counts(v, f"{path}.{k}")
    elif isinstance(value, list | tuple):
        if path.endswith("at_risk"):
            for t, n in value:
                yield f"{path}@{t}", n
        else:
            for i, v in enumerate(value):
                yield from _counts(v, f"{path}[{i}]")
    elif isinstance(value, int) and not isinstance(value, bool):
        yield path, value


COUNT_FIELDS = (
    "treated",
    "evaluable",
    "not_evaluable",
    ".k",
    ".n",
    "patients",
    "events",
    "ongoing",
    "unknown",
    "best_response",
    "at_risk",
)


@pytest.mark.parametrize("arm", COHORTS)
def test_a_shared_dossier_holds_no_count_of_1_to_4(snap, arm):
    d = dossier(snap, arm)
    assert d.sharing
    for path, n in _counts(d.model_dump()):
        if any(f in path for f in COUNT_FIELDS):
            assert not 1 <= n <= 4, f"{arm}: {path} = {n}"
    html = render_dossier_html(d)
    cells = re.findall(r'<td class="num">([^<]*)</td>', html)
    assert cells and not [c for c in cells if SMALL_NUMBER.match(c.strip())]
    at_risk = re.findall(r"<!-- (\S+) -->", html)  # matplotlib writes no comments for text
    assert at_risk == []
    for s in (d.outcomes.pfs, d.outcomes.os):
        if not s.shown:
            assert s.median is None and s.curve == []
        else:
            assert all(not (isinstance(n, int) and 1 <= n <= 4) for _, n in s.at_risk)
            # no curve point, and no median, where fewer than 5 remain at risk
            rows = _rows(arm)
            col = "pfs_months" if s.endpoint.startswith("Progression") else "os_months"
            times = [float(r[col]) for r in rows if r[col]]
            for t, *_ in s.curve:
                assert sum(x >= t for x in times) >= 5
            if s.median is not None:
                assert sum(x >= s.median for x in times) >= 5
    # no pseudonym in a shared dossier
    assert not re.search(r"SYN-\d{4}", html) and d.payment is None or not d.payment.patients


def test_suppression_rules_on_small_groups():
    rows = [{"pfs_months": t, "pfs_event": True} for t in (1.0, 2.0, 3.0, 4.0)]
    s = survival("Progression-free survival", rows, "pfs_months", "pfs_event", exact=False)
    assert not s.shown and s.median is None and s.curve == [] and s.patients == "<5"
    exact = survival("Progression-free survival", rows, "pfs_months", "pfs_event", exact=True)
    assert exact.shown and exact.median == 2.5 and exact.patients == 4
    # a rate whose count or complement is 1-4 gives no percentage (it would give the count away)
    assert rate("x", 3, 24, False).percent is None and rate("x", 3, 24, False).k == "<5"
    hidden = rate("x", 21, 24, False)
    assert hidden.percent is None and hidden.k == ">19"  # 3 without: not shown
    assert rate("x", 5, 24, False).percent == pytest.approx(100 * 5 / 24)
    assert rate("x", 0, 8, False).percent == 0 and rate("x", 0, 8, False).high > 30
    assert rate("x", 2, 3, True).k == 2 and rate("x", 2, 3, True).percent is not None


def test_an_unknown_cohort_gets_suggestions(snap):
    with pytest.raises(UnknownConceptError) as err:
        dossier(snap, "IMPRESS-SYNTHETIC/C5")
    assert "IMPRESS-SYNTHETIC/C05" in str(err.value)


def test_a_combination_without_a_cohort(snap):
    d = dossier(snap, alteration=("BRAF", "V600E"), tumour="MEL", therapy="dabrafenib + trametinib")
    # no IMPRESS cohort: the NCI-MATCH arm for BRAF V600 mutations in melanoma and others
    assert d.cohort is not None and d.cohort.arm_id == "NCT02465060:H"
    assert d.decision == "no outcomes recorded" and d.outcomes is None
    none = dossier(
        snap, alteration=("ERBB2", "amplification"), tumour="BRCA", therapy="trastuzumab"
    )
    assert none.cohort is None and none.gap.startswith("No cohort, EMA label for this indication")


# -- pay for performance -----------------------------------------------------------------------


def test_pay_for_performance_weeks_of_the_expansion_cohort(snap):
    rows = _rows("IMPRESS-SYNTHETIC/C08")
    d = dossier(snap, "IMPRESS-SYNTHETIC/C08", exact=True)
    p = d.payment
    assert p is not None and p.company_paid_weeks == 16 and len(p.patients) == len(rows)
    company = public = other = 0.0
    for r in rows:
        start = dt.date.fromisoformat(r["treatment_start"])
        stop = dt.date.fromisoformat(r["treatment_end"] or r["last_followup"])
        weeks = (stop - start).days / 7
        company += min(weeks, 16)
        if _flag(r["benefit_week16"]):
            public += max(0.0, weeks - 16)
        else:
            other += max(0.0, weeks - 16)
    assert p.totals["company (first weeks)"] == pytest.approx(company, abs=0.05)
    assert p.totals["public (after, with benefit)"] == pytest.approx(public, abs=0.05)
    assert p.totals["after, without benefit (not publicly paid)"] == pytest.approx(other, abs=0.05)
    assert other > 0  # SYN-0116 stopped 3 days after its week-16 scan without benefit
    shared = dossier(snap, "IMPRESS-SYNTHETIC/C08").payment
    assert shared.patients == [] and shared.groups[0].patients == 7
    # 5 without benefit: their totals are shown; the group "not assessed" is empty
    assert shared.groups[1].patients == 5 and shared.groups[2].patients == 0
    one = patient_weeks(
        {
            "treatment_start": dt.date(2026, 1, 1),
            "treatment_end": None,
            "last_followup": None,
            "benefit": True,
            "pseudonym": "P",
            "outcome_id": "o",
            "week16_date": None,
            "stop_reason": None,
        },
        16,
    )
    assert one.ongoing and one.weeks_total is None  # no end and no follow-up: not counted


# -- outputs -----------------------------------------------------------------------------------


def test_the_xlsx_holds_the_same_tables(snap):
    from openpyxl import load_workbook

    d = dossier(snap, "IMPRESS-SYNTHETIC/C08")
    wb = load_workbook(io.BytesIO(dossier_xlsx(d)))
    sheets = dossier_sheets(d)
    for name, rows in sheets.items():
        ws = wb[name[:31]]
        got = list(ws.iter_rows(values_only=True))
        assert len(got) == max(1, len(rows)) + (1 if rows else 0), name
        if rows:
            assert list(got[0]) == list(rows[0])  # the header
    rates = list(wb["Rates"].iter_rows(values_only=True))
    header = rates[0]
    first = dict(zip(header, rates[1], strict=True))
    control = d.outcomes.rates[0]
    assert first["count"] == control.k and first["ci_low"] == pytest.approx(control.low)
    assert first["data"] == "SYNTHETIC DATA"
    assert "Payment totals" in wb.sheetnames and "Payment per patient" not in wb.sheetnames


def test_the_index_lists_positive_cohorts_without_a_decision_first(snap):
    rows = dossier_index(snap)
    registry = {f"{r['trial_id']}/{r['cohort_id']}" for r in _csv(REGISTRY)}
    assert registry <= {r.arm_id for r in rows}
    first = [
        r
        for r in rows
        if r.decision == rules.POSITIVE and r.nye_metoder == "none for this indication"
    ]
    assert [r.arm_id for r in rows[: len(first)]] == [r.arm_id for r in first]
    assert {r.arm_id for r in first} == {"IMPRESS-SYNTHETIC/C05", "IMPRESS-SYNTHETIC/C06"}
    assert all(r.gap.endswith(".") for r in rows)


# -- the outcome file's new columns ------------------------------------------------------------


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("treatment_end", "2020-01-01", "treatment_end 2020-01-01 is before treatment_start"),
        ("stop_reason", "bored", "stop_reason 'bored'; expected one of progression"),
        ("week16_date", "31.02.2024", "31.02.2024"),
        ("pfs_months", "-1", "pfs_months -1.0 is negative"),
        ("last_followup", "2020-01-01", "last_followup 2020-01-01 is before"),
    ],
)
def test_bad_values_in_the_new_columns_are_rejected_with_the_line(column, value, why):
    from graph_loader.outcomes import transform

    text = OUTCOMES.read_text("utf-8").splitlines()
    header = next(i for i, x in enumerate(text) if not x.startswith("#"))
    names = text[header].split(",")
    fields = next(csv.reader([text[header + 3]]))
    fields[names.index(column)] = value
    text[header + 3] = ",".join(f'"{f}"' if "," in f else f for f in fields)
    result = transform(RawFile("outcomes.csv", "\n".join(text).encode()))
    assert len(result.rejections) == 1
    rejection = result.rejections[0]
    assert rejection.line == header + 4 and why in rejection.detail, rejection
