"""Trials, cohorts, outcomes and privacy: NCI-MATCH against its XML, the two-stage rule on the
synthetic cohorts, fødselsnummer refusal, the cBioPortal study, and a patient's arm options."""

from __future__ import annotations

import csv
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from graph_loader import bundled_path, load_file
from graph_loader.files import RawFile, read_file
from graph_loader.trials import parse_record
from ontology import two_stage as rules
from ontology.errors import InputFileError
from ontology.privacy import is_national_id, suppress
from queries.cohorts import arm_options, arm_summaries, study_summaries
from queries.hta import gap
from queries.snapshot import Snapshot
from tests.conftest import snapshot

SHARED = Path(__file__).resolve().parents[2] / "shared" / "data"
MATCH_XML = bundled_path("clinicaltrials") / "NCT02465060.xml"
REGISTRY = bundled_path("cohorts")
OUTCOMES = bundled_path("outcomes")
CBIOPORTAL = SHARED / "patient_outcomes/cbioportal_tmb_mskcc_2018/tmb_mskcc_2018_clinical_data.tsv"


# ---------------------------------------------------------------------------------------------
# ClinicalTrials.gov
# ---------------------------------------------------------------------------------------------


def _raw_arm_drugs() -> dict[str, set[str]]:
    """Independently: subprotocol letter -> lower-case names of the drug/biological
    interventions the XML assigns to it."""
    root = ET.parse(MATCH_XML).getroot()
    out: dict[str, set[str]] = defaultdict(set)
    for arm in root.findall("arm_group"):
        out[arm.findtext("arm_group_label").split()[1]]  # every arm, even one without a drug
    for i in root.findall("intervention"):
        if i.findtext("intervention_type") not in ("Drug", "Biological"):
            continue
        name = i.findtext("intervention_name").lower().removesuffix(" malate")
        for label in i.findall("arm_group_label"):
            out[label.text.split()[1]].add(name)
    return out


# what a reader of NCI-MATCH's arm labels takes each of these subprotocols to require
EXPECTED_BIOMARKERS = {
    "A": {"EGFR mutation"},
    "C1": {"MET amplification"},
    "F": {"ALK fusion"},
    "H": {"BRAF V600E", "BRAF V600R", "BRAF V600K", "BRAF V600D"},
    "V": {"KIT exon 9 mutation", "KIT exon 11 mutation", "KIT exon 13 mutation",
          "KIT exon 14 mutation"},
    "X": {"DDR2 S768R", "DDR2 I638F", "DDR2 L239R"},
    "Z1B": {"CCND1 amplification", "CCND2 amplification", "CCND3 amplification"},
    "Z1E": {"NTRK1 fusion", "NTRK2 fusion", "NTRK3 fusion"},
    "M": {"TSC1 mutation", "TSC2 mutation"},
}  # fmt: skip


def test_nci_match_loads_all_30_arms_with_therapy_and_biomarker(references):
    report = load_file(references, "clinicaltrials", MATCH_XML)
    assert report.rows_rejected == 0
    rows = references.run(
        "MATCH (:Trial {id: 'NCT02465060'})-[:HAS_ARM]->(arm:TrialArm) "
        "OPTIONAL MATCH (arm)-[:GIVES]->(:Therapy)-[:INCLUDES]->(d:Drug) "
        "RETURN arm.cohort_id AS cohort, arm.status AS status, arm.normalised AS read, "
        "d.name AS drug")  # fmt: skip
    drugs: dict[str, set[str]] = defaultdict(set)
    for r in rows:
        if r["drug"]:
            drugs[r["cohort"]].add(r["drug"])
        assert r["status"] == "recruiting"
    raw = _raw_arm_drugs()
    assert len(raw) == 30 and {r["cohort"] for r in rows} == set(raw)
    for cohort, names in raw.items():  # every arm gives its drugs, and only those
        assert drugs[cohort] == names, cohort
    biomarkers: dict[str, set[str]] = defaultdict(set)
    for r in references.run(
        "MATCH (arm:TrialArm {trial_id: 'NCT02465060'})-[:REQUIRES]->(a:Alteration) "
        "RETURN arm.cohort_id AS cohort, a.name AS name"
    ):
        biomarkers[r["cohort"]].add(r["name"])
    for cohort, names in EXPECTED_BIOMARKERS.items():
        assert biomarkers[cohort] == names, cohort
    # "FGFR pathway aberrations" names no alteration it could be read as: kept, flagged, listed
    flagged = {r["cohort"] for r in rows if r["read"] is False}
    assert flagged == {"W"} and not biomarkers["W"]
    assert "NCT02465060:W: FGFR pathway aberrations" in report.unmatched_examples[
        "arm biomarker (not read; kept, flagged)"]  # fmt: skip
    trial = references.run("MATCH (t:Trial {id: 'NCT02465060'}) RETURN t.phase AS phase, "
                           "t.sponsor AS sponsor, t.other_ids AS ids")[0]  # fmt: skip
    assert trial["phase"] == "Phase 2" and trial["sponsor"] == "National Cancer Institute (NCI)"
    assert "EAY131" in trial["ids"]


@pytest.mark.skipif(not SHARED.exists(), reason="shared data not beside the repository")
def test_api_v2_json_records_read_like_the_raw_json():
    folder = SHARED / "clinicaltrials_gov" / "aact_json_v2"
    for path in sorted(folder.glob("*.json")):
        doc = json.loads(path.read_text("utf-8"))["protocolSection"]
        record = parse_record(read_file(path))
        assert record["nct_id"] == doc["identificationModule"]["nctId"]
        assert record["status"] == doc["statusModule"]["overallStatus"]
        assert len(record["arms"]) == len(doc.get("armsInterventionsModule", {})
                                          .get("armGroups", []))  # fmt: skip


def test_a_truncated_trial_record_is_refused_and_changes_nothing(references, tmp_path):
    load_file(references, "clinicaltrials", MATCH_XML)
    before = snapshot(references)
    broken = tmp_path / "NCT02465060.xml"
    broken.write_bytes(MATCH_XML.read_bytes()[:20000])
    with pytest.raises(InputFileError, match="not well-formed XML") as err:
        load_file(references, "clinicaltrials", broken)
    assert "NCT02465060.xml, line" in str(err.value)
    assert snapshot(references) == before


# ---------------------------------------------------------------------------------------------
# The two-stage rule and the synthetic cohorts
# ---------------------------------------------------------------------------------------------


def _pattern(n: int, benefit_at: set[int]) -> list[bool]:
    return [i in benefit_at for i in range(n)]


@pytest.mark.parametrize(
    "n, benefit_at, decision",
    [
        (5, {0}, rules.STAGE1_ONGOING),
        (8, set(), rules.CLOSED_STAGE1),  # 0/8
        (8, {7}, rules.EXPAND),  # 1/8
        (12, {0}, rules.STAGE2_ONGOING),
        (24, {0, 9, 10, 23}, rules.CLOSED_STAGE2),  # 4/24
        (24, {0, 9, 10, 11, 23}, rules.POSITIVE),  # 5/24
        (10, {0, 1, 2, 3, 4}, rules.POSITIVE),  # 5 reached before 24: cannot become negative
        (24, {8, 9, 10, 11, 12, 13}, rules.CLOSED_STAGE1),  # no benefit among the first 8
        (30, {0, 25, 26, 27, 28}, rules.CLOSED_STAGE2),  # benefits after the 24th do not count
    ],
)
def test_two_stage_decisions_at_their_boundaries(n, benefit_at, decision):
    assert rules.two_stage(_pattern(n, benefit_at)).decision == decision


def test_kaplan_meier_median():
    from queries.survival import median

    # S = 0.5 exactly from 2 to 3: the midpoint (R survival, SAS LIFETEST)
    assert median([1, 2, 3, 4], [True, True, True, True]) == 2.5
    assert median([1, 2, 3, 4, 5], [True, True, True, True, True]) == 3  # S: 0.8 0.6 0.4
    # censored at 1 and 2; at 3, one of the two at risk dies: S = 0.5 to the end: not reached
    assert median([1, 2, 3, 4], [False, False, True, False]) is None
    assert median([1, 2, 3, 4], [True, False, False, False]) is None  # S = 0.75
    assert median([], []) is None
    # 0.5000000000000001 in floating point (lifelines' own median says 5.5): still the plateau
    assert median([1.1, 2.2, 3.3, 4.4, 5.5, 6.6], [True, True, True, False, True, True]) == 4.4


def _raw_outcomes() -> list[dict[str, str]]:
    lines = [x for x in OUTCOMES.read_text("utf-8").splitlines() if not x.startswith("#")]
    return list(csv.DictReader(lines))


def expected_decisions() -> dict[str, str]:
    """Independently of ontology.two_stage: the rule as the protocol states it."""
    by_cohort: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
    for r in _raw_outcomes():
        if r["evaluable"] == "true":
            by_cohort[r["cohort_id"]].append((r["treatment_start"], r["pseudonym"],
                                              r["benefit_week16"] == "true"))  # fmt: skip
    registry = [x for x in REGISTRY.read_text("utf-8").splitlines() if not x.startswith("#")]
    expansions = {r["cohort_id"] for r in csv.DictReader(registry) if r.get("expansion_of")}
    out = {}
    for cohort, rows in by_cohort.items():
        b = [x[2] for x in sorted(rows)]
        if cohort in expansions:
            out[cohort] = "expansion cohort (the two-stage rule does not apply)"
        elif len(b) < 8:
            out[cohort] = "stage 1 ongoing"
        elif sum(b[:8]) == 0:
            out[cohort] = "closed: no benefit in stage 1"
        elif sum(b[:24]) >= 5:
            out[cohort] = "positive"
        elif len(b) == 8:
            out[cohort] = "expand to stage 2"
        elif len(b) < 24:
            out[cohort] = "stage 2 ongoing"
        else:
            out[cohort] = "closed: too little benefit in stage 2"
    return out


@pytest.fixture
def cohorts_loaded(references):
    load_file(references, "cohorts", REGISTRY)
    load_file(references, "outcomes", OUTCOMES)
    return references


def test_the_synthetic_cohorts_reach_every_two_stage_outcome(cohorts_loaded):
    want = expected_decisions()
    assert set(want.values()) - {"expansion cohort (the two-stage rule does not apply)"} == {
        rules.STAGE1_ONGOING,
        rules.CLOSED_STAGE1,
        rules.EXPAND,
        rules.STAGE2_ONGOING,
        rules.CLOSED_STAGE2,
        rules.POSITIVE,
    }
    summaries = {s.arm_id.split("/")[1]: s for s in arm_summaries(cohorts_loaded, exact=True)}
    assert {c: s.decision for c, s in summaries.items()} == want
    raw = _raw_outcomes()
    for cohort, s in summaries.items():
        rows = [r for r in raw if r["cohort_id"] == cohort]
        evaluable = [r for r in rows if r["evaluable"] == "true"]
        assert s.treated == len(rows) and s.evaluable == len(evaluable)
        assert s.benefit_week16 == sum(r["benefit_week16"] == "true" for r in evaluable)
        assert s.objective_responses == sum(r["best_response"] in ("CR", "PR") for r in rows)
        assert s.synthetic
    # the boundary cohorts, by their counts
    assert (summaries["C02"].benefit_week16, summaries["C02"].evaluable) == (0, 8)
    assert (summaries["C03"].benefit_week16, summaries["C03"].evaluable) == (1, 8)
    assert (summaries["C04"].benefit_week16, summaries["C04"].evaluable) == (4, 24)
    assert (summaries["C05"].benefit_week16, summaries["C05"].evaluable) == (5, 24)


def test_shared_summaries_suppress_small_counts(cohorts_loaded):
    for s in arm_summaries(cohorts_loaded):
        for value in (s.treated, s.evaluable, s.benefit_week16, s.objective_responses):
            assert value == "<5" or value == 0 or value >= 5
    c03 = next(s for s in arm_summaries(cohorts_loaded) if s.arm_id.endswith("/C03"))
    assert c03.benefit_week16 == "<5" and c03.decision == rules.EXPAND
    assert [suppress(n) for n in (0, 1, 4, 5, None)] == [0, "<5", "<5", 5, None]


def test_a_positive_cohort_becomes_evidence_and_shows_in_the_gaps(cohorts_loaded):
    rows = cohorts_loaded.run(
        "MATCH (e:Evidence)-[:RESULT_OF]->(arm:TrialArm) OPTIONAL MATCH (e)-[:ABOUT]->"
        "(a:Alteration) RETURN arm.cohort_id AS cohort, e.level AS level, "
        "e.level_framework AS framework, a.name AS alteration ORDER BY cohort")  # fmt: skip
    positive = sorted(c for c, d in expected_decisions().items() if d == "positive")
    assert [r["cohort"] for r in rows] == positive == ["C05", "C06"]
    assert {(r["level"], r["framework"]) for r in rows} == {("positive", "basket_trial")}
    gaps = gap(Snapshot(cohorts_loaded), "evidence-without-decision").rows
    assert {(g.alteration, g.therapy, g.tumour_code) for g in gaps if any(
        "arm-result:" in i for i in g.items)} == {
        ("ERBB2 amplification", "pertuzumab + trastuzumab", "COADREAD"),
        ("BRAF V600E", "dabrafenib + trametinib", "NSCLC")}  # fmt: skip


# ---------------------------------------------------------------------------------------------
# Privacy
# ---------------------------------------------------------------------------------------------


def _with_check_digits(first9: str) -> str | None:
    """Independently: the two mod-11 check digits of a Norwegian identity number."""
    d = [int(c) for c in first9]
    k1 = 11 - sum(x * w for x, w in zip(d, (3, 7, 6, 1, 8, 9, 4, 5, 2), strict=True)) % 11
    k1 = 0 if k1 == 11 else k1
    d.append(k1)
    k2 = 11 - sum(x * w for x, w in zip(d, (5, 4, 3, 2, 7, 6, 5, 4, 3, 2), strict=True)) % 11
    k2 = 0 if k2 == 11 else k2
    if 10 in (k1, k2):
        return None
    return first9 + f"{k1}{k2}"


def _valid_number(date_part: str) -> str:
    for individual in range(100, 1000):
        number = _with_check_digits(f"{date_part}{individual}")
        if number:
            return number
    raise AssertionError("no valid number")


def test_check_digits_are_checked():
    fnr = _valid_number("150385")  # 15 March 1985
    d_number = _valid_number("550385")  # the same date as a D-number (day + 40)
    assert is_national_id(fnr) and is_national_id(d_number)
    assert is_national_id(f"{fnr[:6]} {fnr[6:]}")  # written with a space
    wrong = fnr[:10] + str((int(fnr[10]) + 1) % 10)
    assert not is_national_id(wrong)  # 11 digits, wrong check digit
    assert not is_national_id(_valid_number("150385")[:-1])  # 10 digits
    assert not is_national_id(_with_check_digits("991385123") or "99138512300")  # no such date


def _outcomes_with(tmp_path, column: str, value: str, row: int = 3) -> Path:
    text = OUTCOMES.read_text("utf-8").splitlines()
    header_at = next(i for i, x in enumerate(text) if not x.startswith("#"))
    header = text[header_at].split(",")
    fields = text[header_at + row].split(",")
    fields[header.index(column)] = value
    text[header_at + row] = ",".join(fields)
    path = tmp_path / "outcomes.csv"
    path.write_text("\n".join(text) + "\n", "utf-8")
    return path


def test_a_file_with_a_valid_fodselsnummer_is_refused_whole(references, tmp_path):
    load_file(references, "cohorts", REGISTRY)
    before = snapshot(references)
    fnr = _valid_number("150385")
    path = _outcomes_with(tmp_path, "pseudonym", fnr)
    with pytest.raises(InputFileError) as err:
        load_file(references, "outcomes", path)
    message = str(err.value)
    assert "outcomes.csv, line 5" in message and "'pseudonym'" in message
    assert "national identity number" in message and fnr not in message  # never echoed
    assert snapshot(references) == before  # nothing from the file was loaded
    # an 11-digit value with a wrong check digit is not an identity number: the file loads
    wrong = fnr[:10] + str((int(fnr[10]) + 1) % 10)
    report = load_file(references, "outcomes", _outcomes_with(tmp_path, "pseudonym", wrong))
    assert report.rows_rejected == 0 and report.nodes_written["Patient"] == 120


@pytest.mark.parametrize("column", ["navn", "Fødselsdato", "date_of_birth", "first_name"])
def test_name_and_birth_date_columns_are_refused(tmp_path, column):
    from graph_loader.outcomes import transform as transform_outcomes

    lines = [x for x in OUTCOMES.read_text("utf-8").splitlines() if not x.startswith("#")]
    lines = [f"{lines[0]},{column}"] + [f"{x}," for x in lines[1:]]
    with pytest.raises(InputFileError, match=re.escape(repr(column))):
        transform_outcomes(RawFile("x.csv", "\n".join(lines).encode()))


# ---------------------------------------------------------------------------------------------
# cBioPortal study
# ---------------------------------------------------------------------------------------------


@pytest.mark.skipif(not CBIOPORTAL.exists(), reason="shared cBioPortal study not present")
def test_the_cbioportal_study_loads_and_is_summarised_with_suppression(references):
    report = load_file(references, "cbioportal", CBIOPORTAL)
    assert report.source_id == "cbioportal@tmb_mskcc_2018" and report.rows_rejected == 0
    with CBIOPORTAL.open(encoding="utf-8") as fh:
        raw = list(csv.DictReader(fh, delimiter="\t"))
    patients = {r["Patient ID"]: r for r in raw}
    assert report.nodes_written["Patient"] == len(patients) == 1661
    exact = study_summaries(references, exact=True)
    by_class = Counter()
    for s in exact:
        by_class[s.treatment_class] += s.patients
    assert dict(by_class) == dict(Counter(r["Drug Type"] for r in patients.values()))
    deaths = sum(s.deaths for s in exact)
    assert deaths == sum(r["Overall Survival Status"].startswith("1") for r in patients.values())
    shared = study_summaries(references)
    assert any(s.patients == "<5" for s in shared)
    for s in shared:
        assert s.patients == "<5" or s.patients >= 5
        if s.patients == "<5":
            assert s.median_os_months is None


# ---------------------------------------------------------------------------------------------
# A patient's arm options
# ---------------------------------------------------------------------------------------------


def test_arm_options_say_how_they_match(cohorts_loaded):
    load_file(cohorts_loaded, "clinicaltrials", MATCH_XML)
    options = {o.arm_id: o for o in arm_options(cohorts_loaded, "BRAF", "V600E", "COAD")}
    assert set(options) == {"IMPRESS-SYNTHETIC/C01", "NCT02465060:H"}
    assert options["IMPRESS-SYNTHETIC/C01"].tumour_match == "via COADREAD (ancestor of COAD)"
    assert options["NCT02465060:H"].tumour_match == "tissue-agnostic (any solid tumour)"
    assert all(o.alteration_match == "exact: BRAF V600E" for o in options.values())
    # subprotocol R takes BRAF fusions and non-V600 mutations: not V600E, but a G469A
    assert "NCT02465060:R" not in options
    other = {o.arm_id: o for o in arm_options(cohorts_loaded, "BRAF", "G469A", "COAD")}
    assert other["NCT02465060:R"].alteration_match.startswith("via BRAF mutation")
    # closed cohorts only when asked
    assert not arm_options(cohorts_loaded, "KRAS", "G12C", "PAAD")
    closed = arm_options(cohorts_loaded, "KRAS", "G12C", "PAAD", include_closed=True)
    assert [o.arm_id for o in closed] == ["IMPRESS-SYNTHETIC/C02"]


TCGA_LUAD = SHARED / "patient_outcomes" / "tcga_luad_cbioportal"


@pytest.mark.skipif(not TCGA_LUAD.exists(), reason="shared TCGA LUAD study not present")
def test_a_study_directory_reads_the_treatment_timeline(references):
    report = load_file(references, "cbioportal", TCGA_LUAD)
    with (TCGA_LUAD / "data_clinical.txt").open(encoding="utf-8") as fh:
        clinical = list(csv.DictReader(fh, delimiter="\t"))
    bad = [r for r in clinical if not re.fullmatch(r"NA|[\d.]+", r["OS_MONTHS"])]
    assert report.rejected == {"bad value": len(bad)} and len(bad) > 0  # '#VALUE!' cells
    assert report.source_id == "cbioportal@tcga_luad_cbioportal"
    with (TCGA_LUAD / "data_timeline_treatment.txt").open(encoding="utf-8") as fh:
        timeline = list(csv.DictReader(fh, delimiter="\t"))
    chemo = {r["PATIENT_ID"] for r in timeline if r["SUBTYPE"] == "chemotherapy"}
    loaded = {r["pid"] for r in references.run(
        "MATCH (p:Patient)-[:HAS_OUTCOME]->(o:Outcome) WHERE o.treatment_class CONTAINS "
        "'chemotherapy' RETURN p.source_record_id AS pid")}  # fmt: skip
    patients = {r["PATIENT_ID"] for r in clinical} - {r["PATIENT_ID"] for r in bad}
    assert loaded == chemo & patients and loaded


# -- bounded memory: outcome files are validated, then written, chunk by chunk -----------------
def test_outcomes_in_chunks_load_the_same_graph_as_in_one(references, monkeypatch):
    from graph_loader import outcomes

    load_file(references, "cohorts", REGISTRY)
    whole = load_file(references, "outcomes", OUTCOMES)
    in_one = snapshot(references, ignore=("run_id", "last_run_id", "last_complete_run_id",
                                          "last_run_started_at", "last_run_finished_at",
                                          "retrieved_at", "last_run_pid"))  # fmt: skip
    monkeypatch.setattr(outcomes, "CHUNK_ROWS", 7)  # 120 rows: 17 chunks of 7 and the rest
    parts = list(outcomes.chunks(read_file(OUTCOMES), arms=None))
    assert len(parts) == 18 and sum(p.rows_read for p in parts) == whole.rows_read
    chunked = load_file(references, "outcomes", OUTCOMES)
    assert chunked.status == "complete" and chunked.nodes_written == whole.nodes_written
    assert chunked.rels_written == whole.rels_written and chunked.removed_nodes == {}
    again = snapshot(references, ignore=("run_id", "last_run_id", "last_complete_run_id",
                                         "last_run_started_at", "last_run_finished_at",
                                         "retrieved_at", "last_run_pid"))  # fmt: skip
    assert again == in_one


def test_an_identity_number_in_the_last_chunk_refuses_the_whole_file(
    references, tmp_path, monkeypatch
):
    """The first pass reads every chunk before anything is written."""
    from graph_loader import outcomes

    load_file(references, "cohorts", REGISTRY)
    before = snapshot(references)
    monkeypatch.setattr(outcomes, "CHUNK_ROWS", 10)
    path = _outcomes_with(tmp_path, "pseudonym", _valid_number("150385"), row=105)
    with pytest.raises(InputFileError, match="national identity number"):
        load_file(references, "outcomes", path)
    assert snapshot(references) == before
