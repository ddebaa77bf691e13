"""CIViC loader: both layouts, checked against independent reading of the raw TSVs, on both
backends; malformed rows rejected with file and line; evidence answers and conflicts."""

from __future__ import annotations

import csv
import re
import shutil

import pytest

from graph_loader import bundled_path, civic, load_file
from ontology.errors import InputFileError, UnknownConceptError
from queries.evidence import conflicts, evidence_for
from tests.conftest import FIXTURES, snapshot

CUT_2025 = FIXTURES / "civic" / "2025-07-01"
CUT_2024 = FIXTURES / "civic" / "2024-08-01"


def raw_evidence(directory):
    path = next(directory.glob("*ClinicalEvidenceSummaries.tsv"))
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return {r["evidence_id"]: r for r in rows if r["evidence_status"] == "accepted"}


def graph_evidence(store):
    rows = store.run(
        "MATCH (e:Evidence) WHERE e.evidence_kind = 'evidence item' "
        "OPTIONAL MATCH (e)-[:FOR_THERAPY]->(t:Therapy)-[:INCLUDES]->(d:Drug) "
        "RETURN e.source_record_id AS id, e.level AS level, e.significance AS sig, "
        "e.direction AS dir, d.name AS drug"
    )
    out: dict[str, tuple] = {}
    for r in rows:
        level, sig, direction, drugs = out.get(r["id"], (r["level"], r["sig"], r["dir"], set()))
        if r["drug"]:
            drugs.add(re.sub(r"[^a-z0-9]", "", r["drug"]))
        out[r["id"]] = (level, sig, direction, drugs)
    return out


SALT_WORDS = {
    "hydrochloride",
    "mesylate",
    "sulfate",
    "maleate",
    "tosylate",
    "s-malate",
    "malate",
    "dihydrochloride",
    "citrate",
    "phosphate",
    "besylate",
    "acetate",
}


def inn(name: str) -> str:
    """Independent of the code under test: lower case, trailing salt words dropped, punctuation
    and spaces ignored (CIViC writes one compound as PI-103 and PI103: one drug node); FDA's
    four-letter biologic suffix is not part of the INN (Zenocutuzumab-ZBCO is zenocutuzumab)."""
    name = re.sub(r"(?i)(mab|cept)-[a-z]{4}$", r"\1", name.strip())
    words = name.strip().lower().split()
    while len(words) > 1 and words[-1] in SALT_WORDS:
        words.pop()
    return re.sub(r"[^a-z0-9]", "", " ".join(words))


def expected(raw_rows):
    return {
        eid: (
            r["evidence_level"],
            r["significance"].lower(),
            r["evidence_direction"].lower(),
            {inn(t) for t in r["therapies"].split(",") if t.strip()},
        )
        for eid, r in raw_rows.items()
    }


@pytest.mark.parametrize("cut", [CUT_2025, CUT_2024], ids=["2025 layout", "2024 layout"])
def test_both_layouts_load_every_accepted_item_exactly(references, cut):
    report = load_file(references, "civic", cut)
    assert report.rows_rejected == 0 and report.status == "complete"
    assert graph_evidence(references) == expected(raw_evidence(cut))


def test_the_full_bundled_release_loads_exactly(references):
    raw = raw_evidence(bundled_path("civic"))
    report = load_file(references, "civic", bundled_path("civic"))
    assert report.source_id == "civic@2025-07-01" and report.rows_rejected == 0
    got = graph_evidence(references)
    assert len(got) == len(raw) == 4568
    want = expected(raw)
    for eid in ("1409", "6178", "38", "125", "7287", "1", "4568"):  # a sample, checked exactly
        if eid in want:
            assert got[eid] == want[eid], eid
    assert got == want
    assertions = references.run(
        "MATCH (a:Evidence {evidence_kind: 'assertion'}) RETURN count(a) AS n"
    )[0]["n"]
    assert assertions == 90


def test_reloading_a_release_changes_nothing_but_run_ids(references):
    load_file(references, "civic", CUT_2025)
    ignore = (
        "run_id",
        "last_run_id",
        "last_run_started_at",
        "last_run_finished_at",
        "last_complete_run_id",
    )
    before = snapshot(references, ignore=ignore)
    load_file(references, "civic", CUT_2025)
    assert snapshot(references, ignore=ignore) == before


def test_malformed_rows_are_rejected_with_file_and_line(references):
    load_file(references, "civic", CUT_2025)
    report = load_file(references, "civic", FIXTURES / "civic_bad" / "2025-07-01")
    got = {
        (r.split(":")[1].split(" ")[0], r.split(": ")[1].split(" (")[0])
        for r in report.rejected_examples
    }
    assert got == {
        ("2", "malformed row"),
        ("3", "unknown evidence level"),
        ("4", "empty evidence_id"),
        ("5", "unknown evidence type"),
    }
    assert report.rejected == {
        "malformed row": 1,
        "unknown evidence level": 1,
        "empty evidence_id": 1,
        "unknown evidence type": 1,
    }
    # A rejected row may be the only statement of a fact already loaded: nothing is removed
    # (the four items stay as the first load wrote them), and the report says so.
    assert report.stale_kept
    assert graph_evidence(references) == expected(raw_evidence(CUT_2025))


def test_broken_utf8_rejects_the_release_and_keeps_the_graph(references):
    load_file(references, "civic", CUT_2025)
    before = snapshot(references)
    with pytest.raises(InputFileError) as err:
        load_file(references, "civic", FIXTURES / "civic_broken_utf8" / "2025-07-01")
    assert "ClinicalEvidenceSummaries.tsv, line" in str(err.value) and "UTF-8" in str(err.value)
    assert snapshot(references) == before


def test_2026_accepted_file_names_are_found(tmp_path):
    for f in CUT_2025.iterdir():
        shutil.copyfile(f, tmp_path / f.name.replace("01-Jul-2025-", "01-Oct-2026-Accepted"))
    files = civic.find_release_files(tmp_path)
    assert files["evidence"].name == "01-Oct-2026-AcceptedClinicalEvidenceSummaries.tsv"
    result = civic.transform(civic.read_release(tmp_path))
    assert result.source.version == "2026-10-01"
    with pytest.raises(InputFileError, match="no .*VariantSummaries"):
        (tmp_path / "01-Oct-2026-AcceptedVariantSummaries.tsv").unlink()
        civic.find_release_files(tmp_path)


def test_evidence_for_braf_v600e_in_melanoma(references):
    load_file(references, "civic", bundled_path("civic"))
    answer = evidence_for(references, "BRAF", "V600E", "MEL")
    therapies = {g.therapy for g in answer.by_therapy}
    assert {"vemurafenib", "dabrafenib", "dabrafenib + trametinib"} <= therapies
    levels = {g.therapy: g.best_level for g in answer.by_therapy}
    assert levels["vemurafenib"] == "A" and levels["dabrafenib + trametinib"] == "A"
    vem = next(g for g in answer.by_therapy if g.therapy == "vemurafenib")
    assert any(
        e.evidence_id == "civic.eid:1409" and e.tumour_match == "subtype" for e in vem.evidence
    )
    assert answer.broader == ["BRAF V600", "BRAF mutation"]
    assert answer.off_label_count > 0  # colorectal, thyroid ... are counted, not shown
    same = evidence_for(references, "braf", "p.Val600Glu", "melanoma")
    assert same.model_dump(exclude={"query"}) == answer.model_dump(exclude={"query"})


def test_nsclc_evidence_applies_to_luad(references):
    load_file(references, "civic", CUT_2025)
    answer = evidence_for(references, "EGFR", "L858R", "LUAD")
    matches = {e.tumour_match for g in answer.by_therapy for e in g.evidence}
    assert "ancestor" in matches  # stated for NSCLC, applies to LUAD
    assert answer.tumour_ancestors[:2] == ["NSCLC", "LUNG"]


def test_unknown_gene_or_alteration_suggests_the_nearest(references):
    load_file(references, "civic", CUT_2025)
    with pytest.raises(UnknownConceptError) as err:
        evidence_for(references, "BRAFF", "V600E")
    assert err.value.suggestions == ["BRAF"]
    with pytest.raises(UnknownConceptError) as err:
        evidence_for(references, "BRAF", "V601E")
    assert "BRAF V600E" in err.value.suggestions
    with pytest.raises(UnknownConceptError):
        evidence_for(references, "BRAF", "V600E", "MELANOMX")


def test_conflicts_are_real_sensitivity_and_resistance_pairs(references):
    load_file(references, "civic", bundled_path("civic"))
    rows = {(c.alteration, c.therapy, c.tumour_code): c for c in conflicts(references)}
    alk = rows[("ALK F1174L", "crizotinib", "NBL")]
    raw = raw_evidence(bundled_path("civic"))
    for eid in alk.sensitivity:
        r = raw[eid.split(":")[1]]
        assert (r["significance"], r["evidence_direction"]) == ("Sensitivity/Response", "Supports")
    for eid in alk.resistance:
        r = raw[eid.split(":")[1]]
        assert r["significance"] in ("Resistance", "Reduced Sensitivity")
        assert r["evidence_direction"] == "Supports"
        assert r["molecular_profile"] == "ALK F1174L" and "Crizotinib" in r["therapies"]


SHARED_2024 = FIXTURES.parents[2] / "shared" / "data" / "civic" / "2024-08-01"


@pytest.mark.skipif(not SHARED_2024.is_dir(), reason="the project's shared data is not beside it")
def test_the_full_2024_release_loads_exactly(references):
    """The older, gene-based layout, whole (from the shared data beside the repository)."""
    raw = raw_evidence(SHARED_2024)
    report = load_file(references, "civic", SHARED_2024)
    assert report.source_id == "civic@2024-08-01" and report.rows_rejected == 0
    assert len(raw) == 4375
    assert graph_evidence(references) == expected(raw)


def test_the_alterations_and_tumours_a_drug_has_evidence_for(references):
    from queries.evidence import evidence_for_drug

    load_file(references, "civic", CUT_2025)
    rows = evidence_for_drug(references, "Vemurafenib")
    assert {r.drug for r in rows} == {"vemurafenib"}
    assert ("BRAF V600E", "SKCM") in {(r.alteration, r.tumour_code) for r in rows}
    # independent: the cut's raw rows naming vemurafenib for BRAF V600E in skin melanoma
    raw = raw_evidence(CUT_2025)
    want = sum(
        1
        for r in raw.values()
        if r["molecular_profile"] == "BRAF V600E"
        and r["disease"] == "Skin Melanoma"
        and "Vemurafenib" in r["therapies"].split(",")
        and r["therapy_interaction_type"] != "Combination"
        and (r["therapies"] == "Vemurafenib" or r["therapy_interaction_type"] == "Substitutes")
    )
    got = sum(
        r.items
        for r in rows
        if (r.alteration, r.tumour_code, r.therapy) == ("BRAF V600E", "SKCM", "vemurafenib")
    )
    assert got == want and want > 0
    assert evidence_for_drug(references, "krizotinib") == evidence_for_drug(
        references, "crizotinib"
    )
    with pytest.raises(UnknownConceptError) as err:
        evidence_for_drug(references, "vemurafenip")
    assert err.value.suggestions[0] == "vemurafenib"
