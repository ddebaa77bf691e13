"""The official Nye Metoder workbook's real shape (tests/fixtures/nyemetoder_workbook): method ids
without the ID prefix and with a letter after a space, repeated ids with another indication, a
repeated id and indication, devices and procedures, Excel serials in both date systems and 0 for
no date. Expected values are read from the sample CSV the workbooks were made from, independently
of the loader."""

from __future__ import annotations

import csv
import datetime as dt
import re

import pytest

from graph_loader import load_file, nyemetoder
from graph_loader.files import RawFile, read_file
from tests.conftest import FIXTURES

WORKBOOKS = FIXTURES / "nyemetoder_workbook"
SHAPES = ["beslutninger_1900.xlsx", "beslutninger_1904.xlsx", "beslutninger.csv"]
SAMPLE = FIXTURES.parents[1] / "graph_loader" / "bundled" / "nyemetoder" / "nye_metoder_sample.csv"


def _sample() -> dict[str, tuple[str, dt.date | None]]:
    with SAMPLE.open(encoding="utf-8") as fh:
        return {r["ID-nr"]: (r["Gjeldende beslutning Kortversjon"] or None,
                             dt.date.fromisoformat(r["Dato siste beslutning"])
                             if r["Dato siste beslutning"] else None)
                for r in csv.DictReader(fh)}  # fmt: skip


def _decisions(result):
    return [n for n in result.nodes if n.label == "HtaDecision"]


@pytest.mark.parametrize("name", SHAPES)
def test_every_row_of_the_real_shape_loads_with_none_rejected(name):
    result = nyemetoder.transform(read_file(WORKBOOKS / name))
    assert result.rejections == []
    nodes = _decisions(result)
    by_method: dict[str, list] = {}
    for n in nodes:
        by_method.setdefault(n.method_id, []).append(n)
    # every sample decision, under the website's id form, with its status and date
    for method_id, (status, date) in _sample().items():
        found = [n for n in by_method[method_id] if "(del A)" not in (n.indication_text or "")]
        first = found[0] if method_id != "ID2020_008" else next(
            n for n in found if "prostata" in n.indication_text)  # fmt: skip
        assert (first.status, first.decision_date) == (status, date), method_id
    # "2020_106 A" -> ID2020_106A, its own decision
    assert [n.id for n in by_method["ID2020_106A"]] == ["ID2020_106A"]
    # olaparib's id with two indications: two decisions, one method id, ids that differ
    olaparib = by_method["ID2020_008"]
    assert len(olaparib) == 2 and len({n.id for n in olaparib}) == 2
    assert all(re.fullmatch(r"ID2020_008:[0-9a-f]{8}", n.id) for n in olaparib)
    # the repeated id and indication: one decision with both texts
    (crizotinib,) = by_method["ID2017_041"]
    assert "Tilleggstekst til samme beslutning." in crizotinib.decision_full
    assert crizotinib.decision_full.count("\n---\n") == 1
    assert result.skipped[nyemetoder.MERGED] == 1
    # 0 is no date; devices and procedures are decisions without a therapy
    assert by_method["ID2099_901"][0].decision_date is None
    assert by_method["ID2099_902"][0].decision_date == dt.date(2099, 1, 2)
    assert {n.method_type for n in by_method["ID2099_901"] + by_method["ID2099_902"]} == {
        "Medisinsk utstyr, diagnostikk og tester",
        "Prosedyrer og organisatoriske tiltak",
    }
    non_drug = {"ID2099_901", "ID2099_902"}
    therapies = {r.from_id for r in result.rels if r.type == "FOR_THERAPY"}
    assert not therapies & non_drug and {"ID2017_041", "ID2020_106"} <= therapies
    assert sum(v for k, v in result.skipped.items() if k.startswith("not a drug")) == 2
    assert len(nodes) == len(_sample()) + 4  # + 2020_106 A, olaparib's second, two non-drug


def test_both_date_systems_and_the_csv_give_the_same_decisions():
    def key(name):
        nodes = _decisions(nyemetoder.transform(read_file(WORKBOOKS / name)))
        return sorted((n.id, n.method_id, n.status, n.decision_date, n.indication_text)
                      for n in nodes)  # fmt: skip

    assert key(SHAPES[0]) == key(SHAPES[1]) == key(SHAPES[2])


@pytest.mark.parametrize(
    ("given", "normalised"),
    [("2021_147", "ID2021_147"), ("ID2021_147", "ID2021_147"), ("2013_036 A", "ID2013_036A"),
     (" 2013_036A ", "ID2013_036A"), ("id2019_119", "ID2019_119"), ("2021-147", None),
     ("ID21_147", None), ("", None)],
)  # fmt: skip
def test_method_ids_in_both_forms(given, normalised):
    assert nyemetoder.normalise_method_id(given) == normalised


def test_the_real_shape_loads_into_the_graph_and_a_reload_changes_nothing(references):
    path = WORKBOOKS / "beslutninger_1904.xlsx"
    report = load_file(references, "nyemetoder", path)
    assert report.rows_rejected == 0 and report.status == "complete"
    rows = references.run(
        "MATCH (h:HtaDecision) RETURN h.id AS id, h.method_id AS method, h.decision_date AS d"
    )
    got = {(r["id"], r["method"], r["d"]) for r in rows}
    assert ("ID2020_106", "ID2020_106", dt.date(2022, 8, 29)) in got
    assert len({r["id"] for r in rows}) == len(_sample()) + 4
    assert sum(1 for _, m, _ in got if m == "ID2020_008") == 2
    load_file(references, "nyemetoder", path)
    again = references.run(
        "MATCH (h:HtaDecision) RETURN h.id AS id, h.method_id AS method, h.decision_date AS d"
    )
    assert {(r["id"], r["method"], r["d"]) for r in again} == got


def test_history_keys_on_the_method_and_its_indication():
    text = (WORKBOOKS / "beslutninger.csv").read_text("utf-8")
    older = RawFile("2020_beslutninger.csv", text.encode())
    # a year later the ovarian indication of 2020_008 is decided otherwise; its prostate
    # indication is unchanged
    lines = text.splitlines(keepends=True)
    changed = "".join(
        line.replace(",Er innført,", ",Er ikke innført,") if "eggstokkreft" in line else line
        for line in lines
    )
    newer = RawFile("2021_beslutninger.csv", changed.encode())
    nodes = _decisions(nyemetoder.transform([older, newer]))
    olaparib = {n.id: n for n in nodes if n.method_id == "ID2020_008"}
    history = [n for n in olaparib.values() if not n.current]
    assert len(history) == 1 and "eggstokkreft" in history[0].indication_text
    assert history[0].status == "Er innført"
    current = [n for n in olaparib.values() if n.current]
    assert {n.status for n in current if "eggstokkreft" in n.indication_text} == {"Er ikke innført"}
    assert len(current) == 2  # the prostate decision has no history: it did not change


def _capmatinib_row(indication: str) -> str:
    header = ",".join(nyemetoder.COLUMNS)
    row = (
        f'2021_147,kapmatinib,Tabrecta,"{indication}",Legemidler,Kreftsykdommer,0,Er ikke innført,'
    )
    return f"{header}\n{row}\n"


@pytest.fixture
def moalmanac_fixture(references):
    load_file(references, "moalmanac", FIXTURES / "hta" / "moalmanac")
    return references


def test_an_unstated_biomarker_is_inferred_from_the_one_ema_indication(moalmanac_fixture):
    """The text names the tumour type and no biomarker; the decision matches Tabrecta's one EMA
    NSCLC indication, whose biomarker (MET exon 14 skipping) it inherits, marked inferred."""
    indication = ("Som monoterapi til behandling av voksne med avansert ikke-småcellet lungekreft "
                  "(NSCLC) etter tidligere behandling med immunterapi")  # fmt: skip
    text = _capmatinib_row(indication)
    load_file(moalmanac_fixture, "nyemetoder", RawFile("b.csv", text.encode()))
    (row,) = moalmanac_fixture.run(
        "MATCH (h:HtaDecision {id: 'ID2021_147'})-[r:REQUIRES]->(a:Alteration) "
        "RETURN a.name AS alt, r.match_level AS how, h.biomarker_basis AS basis"
    )
    assert row["alt"] == "MET exon 14 skipping"
    assert row["how"].startswith("inferred from the EMA indication moalmanac:ind:ema.tabrecta")
    assert row["basis"] == row["how"]


def test_a_decision_whose_biomarker_is_not_stated_covers_no_alteration(moalmanac_fixture):
    """No biomarker and no tumour type in the text: nothing to match or inherit. The decision
    does not cover capmatinib's MET exon 14 evidence (the gap stays, saying why), and the chain
    shows it as "biomarker not stated" rather than as the decision for MET exon 14 skipping."""
    from queries.hta import chain, gap
    from queries.snapshot import Snapshot

    text = _capmatinib_row("Som monoterapi til behandling av voksne")
    load_file(moalmanac_fixture, "nyemetoder", RawFile("b.csv", text.encode()))
    snap = Snapshot(moalmanac_fixture)
    (decision,) = [d for d in snap.decisions.values() if d.method_id == "ID2021_147"]
    assert decision.biomarker_basis == "biomarker not stated" and not decision.alterations
    rows = [r for r in gap(snap, "evidence-without-decision").rows
            if r.therapy == "capmatinib" and r.alteration == "MET exon 14 skipping"]  # fmt: skip
    assert rows and all("not stated in ID2021_147" in r.why for r in rows)
    answer = chain(snap, "MET", "exon 14 skipping", "NSCLC")
    (capmatinib,) = [t for t in answer.therapies if t.therapy == "capmatinib"]
    got = [(d.id, d.basis) for d in capmatinib.decisions]
    assert got == [("ID2021_147", "biomarker not stated")]
    assert "biomarker not stated" in answer.render_text()
