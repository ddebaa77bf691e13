"""Approvals and reimbursement: the regulators' loaders, Nye Metoder history, the evidence chain,
``as_of`` and the HTA gap queries, each checked against the raw files with independent code."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from graph_loader import bundled_path, load_file
from graph_loader.ema import transform as ema_transform
from graph_loader.fda import transform as fda_transform
from graph_loader.files import read_file
from graph_loader.moalmanac import read_release
from graph_loader.moalmanac import transform as moalmanac_transform
from ontology.errors import InputFileError
from queries.hta import chain, coverage, decisions_in_force, gap
from queries.snapshot import Snapshot
from tests.conftest import FIXTURES, snapshot

HTA = FIXTURES / "hta"
SHARED_EMA_XLSX = (
    Path(__file__).resolve().parents[2]
    / "shared/data/ema/Medicines_output_european_public_assessment_reports.xlsx"
)


def _json(path: Path):
    return json.loads(path.read_text("utf-8"))


# ---------------------------------------------------------------------------------------------
# The loaders, against the raw files
# ---------------------------------------------------------------------------------------------


def test_moalmanac_indications_become_approvals_and_hse_decisions():
    folder = bundled_path("moalmanac")
    raw = _json(folder / "indications.json")
    agent = {d["id"]: d["agent_id"] for d in _json(folder / "documents.json")}
    result = moalmanac_transform(read_release(folder))
    approvals = {n.id: n for n in result.nodes if n.label == "Approval"}
    decisions = {n.id: n for n in result.nodes if n.label == "HtaDecision"}
    agencies = {"fda": "FDA", "ema": "EMA", "hc": "Health Canada", "hpra": "HPRA"}
    for item in raw:
        node_id = f"moalmanac:{item['id']}"
        day = dt.date.fromisoformat(item["initial_approval_date"]) if item[
            "initial_approval_date"] else None  # fmt: skip
        if agent[item["document_id"]] == "hse":
            d = decisions[node_id]
            assert (d.body, d.status, d.decision_date) == ("HSE", "reimbursed", day)
            continue
        a = approvals[node_id]
        assert a.agency == agencies[agent[item["document_id"]]]
        assert a.first_approval_date == day == a.valid_from
        assert a.indication_text == " ".join(item["indication"].split())  # the agency's words
        assert a.scope == "indication"
    assert len(approvals) + len(decisions) == len(raw)
    # tissue-agnostic: larotrectinib's "solid tumours" indication, never Tagrisso's
    assert approvals["moalmanac:ind:fda.vitrakvi:0"].tissue_agnostic
    assert not approvals["moalmanac:ind:ema.tagrisso:0"].tissue_agnostic
    tagrisso = "moalmanac:ind:ema.tagrisso:0"
    requires = {r.to_id for r in result.rels
                if r.type == "REQUIRES" and r.from_id == tagrisso}  # fmt: skip
    names = {n.id: n.name for n in result.nodes if n.label == "Alteration"}
    assert {names[i] for i in requires} == {"EGFR exon 19 deletion", "EGFR L858R"}


def _ema_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _dmy(text: str) -> dt.date | None:
    return dt.datetime.strptime(text, "%d/%m/%Y").date() if text else None


def test_ema_medicines_list_gives_one_authorisation_per_cancer_medicine():
    path = bundled_path("ema")
    rows = _ema_rows(path)
    result = ema_transform(read_file(path))
    got = {n.id: n for n in result.nodes if n.label == "Approval"}
    authorised = [r for r in rows if r["Category"] == "Human" and r["Marketing authorisation date"]]
    antineoplastic = {f"ema:{r['EMA product number']}" for r in authorised
                      if r["ATC code (human)"].startswith(("L01", "L02"))}  # fmt: skip
    assert antineoplastic <= set(got)
    assert len(got) + sum(result.skipped.values()) == len(rows) == result.rows_read
    for r in authorised:
        a = got.get(f"ema:{r['EMA product number']}")
        if a is None:
            continue
        assert a.valid_from == _dmy(r["Marketing authorisation date"]) == a.first_approval_date
        end = r["Withdrawal / expiry / revocation / lapse of marketing authorisation date"]
        assert a.valid_to == _dmy(end)
        assert (a.approval_type == "conditional") == (r["Conditional approval"] == "Yes")
        assert a.orphan == (r["Orphan medicine"] == "Yes")
    tagrisso = got["ema:EMEA/H/C/004124"]
    assert (tagrisso.product, tagrisso.valid_from, tagrisso.atc_code, tagrisso.scope) == (
        "Tagrisso",
        dt.date(2016, 2, 1),
        "L01XE",
        "medicine",
    )
    assert any(a.valid_to for a in got.values()), "the cut holds withdrawn medicines"


@pytest.mark.skipif(not SHARED_EMA_XLSX.exists(), reason="shared EMA workbook not beside the repo")
def test_ema_workbook_with_its_header_on_row_9_reads_like_the_tsv():
    from_xlsx = ema_transform(read_file(SHARED_EMA_XLSX))
    from_tsv = ema_transform(
        read_file(SHARED_EMA_XLSX.with_name("ema_epar_medicines_2025-02-12.tsv"))
    )
    key = lambda r: {(n.id, n.valid_from, n.valid_to, n.approval_type)  # noqa: E731
                     for n in r.nodes if n.label == "Approval"}  # fmt: skip
    assert key(from_xlsx) == key(from_tsv) and len(key(from_tsv)) > 400


def test_fda_compilation_keeps_first_approval_dates_and_accelerated_flags():
    path = bundled_path("fda")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    result = fda_transform(read_file(path))
    got = {n.id: n for n in result.nodes if n.label == "Approval"}
    for r in rows:
        a = got.get(f"fda:{r['NDA/BLA'].strip()}{r[' Application Number(1)'].strip()}")
        if a is None:
            continue
        assert a.first_approval_date == dt.datetime.strptime(r["FDA Approval Date"],
                                                             "%m/%d/%Y").date()  # fmt: skip
        assert (a.approval_type == "accelerated") == r["Accelerated Approval"].startswith("Yes")
    tagrisso = got["fda:NDA208065"]
    assert (tagrisso.first_approval_date, tagrisso.approval_type) == (
        dt.date(2015, 11, 13),
        "accelerated",
    )
    assert result.source.version == "2024-12-18"  # the latest approval in the file dates it


def test_malformed_regulator_files_name_the_file_line_and_reason(references):
    load_file(references, "ema", bundled_path("ema"))
    before = snapshot(references)
    with pytest.raises(InputFileError, match="Marketing authorisation date") as err:
        load_file(references, "ema", HTA / "ema_missing_column.tsv")
    assert "ema_missing_column.tsv" in str(err.value)
    assert snapshot(references) == before
    # one bad date: that row is rejected with its line, the others load, nothing is lost
    bad_row = _ema_rows(HTA / "ema_bad_date.tsv")[2]
    report = load_file(references, "ema", HTA / "ema_bad_date.tsv")
    assert report.rejected == {"unparseable date": 1}
    assert "ema_bad_date.tsv:4" in report.rejected_examples[0]
    assert "'31/02/2019' is not a calendar date" in report.rejected_examples[0]
    assert report.stale_kept
    kept = references.run("MATCH (a:Approval {id: $id}) RETURN a.product AS product",
                          {"id": f"ema:{bad_row['EMA product number']}"})  # fmt: skip
    assert kept == [{"product": bad_row["Name of medicine"]}]
    fda = fda_transform(read_file(HTA / "fda_bad_number.csv"))
    assert [(r.line, r.reason, r.column) for r in fda.rejections] == [
        (3, "malformed application number", "Application Number(1)")
    ]


def test_a_rejected_workbook_row_does_not_remove_the_decision_already_loaded(references, tmp_path):
    load_file(references, "nyemetoder", HTA / "nye_metoder.csv")
    text = (HTA / "nye_metoder.csv").read_text("utf-8")
    broken = tmp_path / "nye_metoder.csv"
    broken.write_text(text.replace("ID2017_041,", "ID2017-041,"), "utf-8")
    report = load_file(references, "nyemetoder", broken)
    assert report.rejected == {"malformed method id": 1} and report.stale_kept
    rows = references.run("MATCH (h:HtaDecision {id: 'ID2017_041'}) RETURN h.status AS s")
    assert rows == [{"s": "Er innført"}]


# ---------------------------------------------------------------------------------------------
# History and as_of
# ---------------------------------------------------------------------------------------------


def test_as_of_follows_a_decision_that_was_reversed(references):
    load_file(references, "nyemetoder", FIXTURES / "nyemetoder_history")
    rows = references.run(
        "MATCH (h:HtaDecision) WHERE h.method_id = 'ID2019_000' RETURN h.id AS id, "
        "h.status AS status, h.current AS current, h.valid_from AS since, h.valid_to AS until "
        "ORDER BY since")  # fmt: skip
    assert rows == [
        {"id": "ID2019_000@2020-01-27", "status": "Er ikke innført", "current": False,
         "since": dt.date(2020, 1, 27), "until": dt.date(2021, 6, 21)},
        {"id": "ID2019_000", "status": "Er innført", "current": True,
         "since": dt.date(2021, 6, 21), "until": None},
    ]  # fmt: skip
    # an unchanged decision is not duplicated by the second snapshot
    assert references.run("MATCH (h:HtaDecision {method_id: 'ID2017_041'}) RETURN count(h) AS n"
                          ) == [{"n": 1}]  # fmt: skip
    assert references.run(
        "MATCH (:HtaDecision {id: 'ID2019_000'})-[:SUPERSEDES]->(o:HtaDecision) RETURN o.id AS id"
    ) == [{"id": "ID2019_000@2020-01-27"}]

    def lorlatinib(as_of):
        answer = chain(references, "ALK", "fusion", "NSCLC", as_of)
        by_therapy = {t.therapy: t for t in answer.therapies}
        if "lorlatinib" not in by_therapy:
            return None
        return [(d.id, d.status, d.date) for d in by_therapy["lorlatinib"].decisions]

    assert lorlatinib(dt.date(2019, 6, 1)) is None  # nothing decided yet
    assert lorlatinib(dt.date(2020, 6, 1)) == [("ID2019_000", "Er ikke innført",
                                                 dt.date(2020, 1, 27))]  # fmt: skip
    assert lorlatinib(dt.date(2021, 7, 1)) == [("ID2019_000", "Er innført", dt.date(2021, 6, 21))]
    assert lorlatinib(None) == lorlatinib(dt.date(2021, 7, 1))
    # the gap "not introduced" holds in 2020 and not after the reversal
    facts = Snapshot(references)
    decided = {d.method_id: d.status
               for d in decisions_in_force(facts, dt.date(2020, 6, 1))[0]}  # fmt: skip
    assert decided == {"ID2019_000": "Er ikke innført", "ID2017_041": "Er innført"}


# ---------------------------------------------------------------------------------------------
# The chain on the shipped data
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def shipped(references):
    for name in ("moalmanac", "ema", "fda", "nyemetoder"):
        load_file(references, name, bundled_path(name))
    return references


def test_chain_for_egfr_exon_19_deletion_in_nsclc_shows_osimertinib_approvals(shipped):
    folder = bundled_path("moalmanac")
    # independently: the EMA and FDA indications whose statements name exon 19 deletion in NSCLC
    bio = {b["id"]: b["name"] for b in _json(folder / "biomarkers.json")}
    dis = {d["id"]: d["name"] for d in _json(folder / "diseases.json")}
    props = {p["id"]: p for p in _json(folder / "propositions.json")}
    ther = {t["id"]: t["name"] for t in _json(folder / "therapies.json")}
    dates = {i["id"]: i["initial_approval_date"] for i in _json(folder / "indications.json")}
    want = set()
    for s in _json(folder / "statements.json"):
        p = props[s["proposition_id"]]
        if ("EGFR Exon 19 (Deletion)" in {bio[b] for b in p["biomarkers"]}
                and dis[p["conditionQualifier_id"]] == "Non-Small Cell Lung Cancer"
                and ther.get(p.get("therapy_id")) == "Osimertinib"):  # fmt: skip
            agency = s["indication_id"].split(":")[1].split(".")[0]
            if agency in ("ema", "fda"):
                want.add((agency.upper(), dates[s["indication_id"]]))
    answer = chain(shipped, "EGFR", "exon 19 deletion", "NSCLC")
    osimertinib = next(t for t in answer.therapies if t.therapy == "osimertinib")
    got = {(a.by, a.date.isoformat() if a.date else None) for a in osimertinib.approvals
           if a.by in ("EMA", "FDA")}  # fmt: skip
    assert got == want and ("EMA", "2021-05-21") in got and ("FDA", "2020-12-18") in got
    assert all(a.source == "moalmanac@2026-05-07" for a in osimertinib.approvals)
    assert {(m.by, m.date) for m in osimertinib.authorisations} == {
        ("EMA", dt.date(2016, 2, 1)),
        ("FDA", dt.date(2015, 11, 13)),
    }
    assert [(d.id, d.status, d.date, d.source) for d in osimertinib.decisions] == [
        ("ID2020_106", "Er innført", dt.date(2022, 8, 29), "nyemetoder@2022-08-29")
    ]
    # before EMA's adjuvant indication (2021-05-21) only the earlier ones were in force
    early = chain(shipped, "EGFR", "exon 19 deletion", "NSCLC", dt.date(2021, 1, 1))
    osi = next(t for t in early.therapies if t.therapy == "osimertinib")
    assert {(a.by, a.date.isoformat()) for a in osi.approvals if a.by in ("EMA", "FDA")} == {
        w for w in want if w[1] < "2021-01-01"
    }
    assert osi.decisions == []  # the Norwegian decision came in 2022


# ---------------------------------------------------------------------------------------------
# Gap queries against independent Python on the small fixture
# ---------------------------------------------------------------------------------------------

# Written by hand from the fixture's records (not computed by the code under test):
BIOMARKER = {"MET Exon 14 (Splice Site)": "MET exon 14 skipping", "KRAS p.G12C": "KRAS G12C",
             "v::ALK": "ALK fusion", "v::ROS1": "ROS1 fusion", "v::NTRK1": "NTRK1 fusion",
             "v::NTRK2": "NTRK2 fusion", "v::NTRK3": "NTRK3 fusion"}  # fmt: skip
DISEASE = {
    "Non-Small Cell Lung Cancer": "NSCLC",
    "Any solid tumor": "ncit:C132146",
    "Anaplastic Large Cell Lymphoma": "ALCL",
    "Inflammatory Myofibroblastic Tumor": "IMT",
}
# what each decision in hta/nye_metoder.csv concerns, as a reader of its Norwegian text sees it
DECISIONS = {
    "ID2021_147": ("capmatinib", {"MET exon 14 skipping"}, {"NSCLC"}),
    "ID2018_114": ("larotrectinib", {"NTRK1 fusion", "NTRK2 fusion", "NTRK3 fusion"}, set()),
    "ID2017_041": ("crizotinib", {"ALK fusion"}, {"NSCLC"}),
    "ID2017_090": ("crizotinib", {"ALK fusion"}, {"NSCLC"}),
}
ASSESSES = {"ID2021_147": "ind:ema.tabrecta:0", "ID2018_114": "ind:ema.vitrakvi:0",
            "ID2017_041": "ind:ema.xalkori:0", "ID2017_090": "ind:ema.xalkori:1"}  # fmt: skip


def raw_facts():
    """Statements and indications of the fixture as plain tuples, read straight from the JSON."""
    folder = HTA / "moalmanac"
    bio = {b["id"]: b for b in _json(folder / "biomarkers.json")}
    dis = {d["id"]: d["name"] for d in _json(folder / "diseases.json")}
    ther = {t["id"]: t["name"].lower() for t in _json(folder / "therapies.json")}
    groups = {g["id"]: g["therapies"] for g in _json(folder / "therapy_groups.json")}
    props = {p["id"]: p for p in _json(folder / "propositions.json")}
    docs = {d["id"]: d for d in _json(folder / "documents.json")}
    inds = {i["id"]: i for i in _json(folder / "indications.json")}
    statements, indications = [], defaultdict(lambda: {"alts": set(), "tumours": set()})
    for s in _json(folder / "statements.json"):
        p = props[s["proposition_id"]]
        drugs = ({ther[t] for t in groups[p["therapy_group_id"]]}
                 if p.get("therapy_group_id") is not None else {ther[p["therapy_id"]]})  # fmt: skip
        alts = {BIOMARKER[bio[b]["name"]] for b in p["biomarkers"]}
        tumour = DISEASE[dis[p["conditionQualifier_id"]]]
        years = [int(docs[d]["publication_date"][:4]) for d in s["reportedIn"]
                 if docs[d].get("publication_date")]  # fmt: skip
        assert p["predicate"] == "predictSensitivityTo" and s["direction"] == "supports"
        statements.append({"drugs": drugs, "alts": alts, "tumour": tumour,
                           "year": max(years) if years else None})  # fmt: skip
        ind = inds[s["indication_id"]]
        entry = indications[ind["id"]]
        entry.update(agency=ind["id"].split(":")[1].split(".")[0], drugs=drugs,
                     date=ind["initial_approval_date"])  # fmt: skip
        entry["alts"] |= alts
        entry["tumours"].add(tumour)
    return statements, dict(indications)


def decided(drugs, alts, tumours):
    return any(drug in drugs and alts & d_alts and (not d_tumours or tumours & d_tumours)
               for drug, d_alts, d_tumours in DECISIONS.values())  # fmt: skip


def expected_gaps():
    statements, indications = raw_facts()
    name = lambda drugs: " + ".join(sorted(drugs))  # noqa: E731
    out = {}
    out["evidence-without-decision"] = {
        (alt, name(s["drugs"]), s["tumour"]) for s in statements for alt in s["alts"]
        if not decided(s["drugs"], {alt}, {s["tumour"]})
    }  # fmt: skip
    assessed = set(ASSESSES.values())
    out["ema-without-nyemetoder"] = {
        (alt, name(i["drugs"]), t) for iid, i in indications.items()
        if i["agency"] == "ema" and iid not in assessed for alt in i["alts"] for t in i["tumours"]
    }  # fmt: skip
    # ID2017_090 (crizotinib, ALK, NSCLC) is the fixture's one "Er ikke innført" with a date
    newer = [
        i
        for i in indications.values()
        if "crizotinib" in i["drugs"]
        and "ALK fusion" in i["alts"]
        and "NSCLC" in i["tumours"]
        and i["date"]
        and i["date"] > "2018-04-23"
    ]
    newer += [s for s in statements if "crizotinib" in s["drugs"] and "ALK fusion" in s["alts"]
              and s["tumour"] == "NSCLC" and s["year"] and s["year"] > 2018]  # fmt: skip
    out["not-introduced-newer"] = {("ALK fusion", "crizotinib", "NSCLC")} if newer else set()
    agnostic = "ncit:C132146"
    ema = [i for i in indications.values() if i["agency"] == "ema"]
    out["fda-without-ema"] = {
        (alt, name(i["drugs"]), t) for i in indications.values() if i["agency"] == "fda"
        if not any(e["drugs"] & i["drugs"] and e["alts"] & i["alts"]
                   and ((agnostic in e["tumours"]) == (agnostic in i["tumours"]))
                   and (agnostic in i["tumours"] or e["tumours"] & i["tumours"]) for e in ema)
        for alt in i["alts"] for t in i["tumours"]
    }  # fmt: skip
    return out, len(newer)


@pytest.fixture
def hta_fixture(references):
    load_file(references, "moalmanac", HTA / "moalmanac")
    load_file(references, "nyemetoder", HTA / "nye_metoder.csv")
    return references


def test_each_gap_query_matches_independent_python(hta_fixture):
    want, newer = expected_gaps()
    facts = Snapshot(hta_fixture)
    for name, rows in want.items():
        answer = gap(facts, name)
        got = {(r.alteration, r.therapy, r.tumour_code) for r in answer.rows}
        assert got == rows, name
    # every gap is non-trivial on the fixture, so a broken query cannot pass by returning nothing
    assert all(want.values())
    (row,) = gap(facts, "not-introduced-newer").rows
    assert len(row.items) == newer and row.why.startswith("ID2017_090 Er ikke innført 2018-04-23")


def test_the_cypher_form_of_a_gap_gives_the_same_rows(hta_fixture):
    from queries import run_catalog_query

    rows = run_catalog_query(hta_fixture, "gap_ema_without_nyemetoder")
    python = gap(Snapshot(hta_fixture), "ema-without-nyemetoder").rows
    assert {(r["alteration"], r["therapy"], r["tumour_code"]) for r in rows} == {
        (r.alteration, r.therapy, r.tumour_code) for r in python} == expected_gaps()[0][
        "ema-without-nyemetoder"]  # fmt: skip


def test_decisions_are_matched_to_the_ema_indication_they_decide_on(hta_fixture):
    rows = hta_fixture.run(
        "MATCH (h:HtaDecision)-[r:ASSESSES]->(a:Approval) RETURN h.id AS hid, a.id AS aid"
    )
    assert {r["hid"]: r["aid"].removeprefix("moalmanac:") for r in rows} == ASSESSES
    assert len(rows) == len(ASSESSES)  # one indication each: first line and second line differ


def test_coverage_matrix_rows_agree_with_the_gaps(hta_fixture):
    facts = Snapshot(hta_fixture)
    rows = {(r.alteration, r.therapy, r.tumour_code): r for r in coverage(facts)}
    statements, indications = raw_facts()
    keys = {(a, " + ".join(sorted(s["drugs"])), s["tumour"]) for s in statements for a in s["alts"]}
    assert keys <= set(rows)
    crizotinib = rows[("ALK fusion", "crizotinib", "NSCLC")]
    assert crizotinib.evidence == "moalmanac Approval"
    assert crizotinib.nye_metoder == "ID2017_041 Er innført; ID2017_090 Er ikke innført"
    assert crizotinib.ema == min(
        i["date"]
        for i in indications.values()
        if i["agency"] == "ema" and "ALK fusion" in i["alts"] and "NSCLC" in i["tumours"]
    )
    ensartinib = rows[("ALK fusion", "ensartinib", "NSCLC")]
    assert (ensartinib.ema, ensartinib.nye_metoder) == ("", "") and ensartinib.fda
    for key in gap(facts, "evidence-without-decision").rows:
        assert rows[(key.alteration, key.therapy, key.tumour_code)].nye_metoder == ""


def test_fda_biologic_suffixes_are_not_part_of_the_inn():
    from ontology.normalise import normalise_drug_name

    assert normalise_drug_name("relatlimab-rmbw") == "relatlimab"
    assert normalise_drug_name("fam-trastuzumab deruxtecan-nxki") == "trastuzumab deruxtecan"
    assert normalise_drug_name("Imatinib Mesylate") == "imatinib"  # salts as before
    assert re.fullmatch(r"[a-z]+", normalise_drug_name("pembrolizumab"))
