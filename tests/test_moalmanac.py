"""MOAlmanac loader: statements as evidence on the same alteration nodes as CIViC's."""

from __future__ import annotations

import json
import shutil

import pytest

from graph_loader import bundled_path, load_file, moalmanac
from ontology.errors import InputFileError
from ontology.vocab import AlterationKind as K
from queries.evidence import evidence_for
from tests.conftest import FIXTURES, snapshot

SUBSET = bundled_path("moalmanac")


def _raw(name):
    return json.loads((SUBSET / f"{name}.json").read_text("utf-8"))


def test_every_statement_becomes_evidence_with_its_biomarkers(references):
    report = load_file(references, "moalmanac", SUBSET)
    assert report.source_id == "moalmanac@2026-05-07" and report.rows_rejected == 0
    statements = _raw("statements")
    got = references.run(
        "MATCH (e:Evidence) WHERE e.source = 'moalmanac' "
        "RETURN e.source_record_id AS id, e.level AS level, e.significance AS sig"
    )
    assert {r["id"] for r in got} == {str(s["id"]) for s in statements}
    assert {(r["level"], r["sig"]) for r in got} == {("Approval", "sensitivity/response")}
    # independent: statements whose only biomarker is BRAF p.V600E
    bio = {b["id"]: b["name"] for b in _raw("biomarkers")}
    props = {p["id"]: p for p in _raw("propositions")}
    want = {
        str(s["id"])
        for s in statements
        if [bio[b] for b in props[s["proposition_id"]]["biomarkers"]] == ["BRAF p.V600E"]
    }
    rows = references.run(
        "MATCH (e:Evidence)-[:ABOUT]->(a:Alteration {name: 'BRAF V600E'}) "
        "WHERE e.source = 'moalmanac' RETURN e.source_record_id AS id"
    )
    assert {r["id"] for r in rows} == want and want


def test_civic_and_moalmanac_meet_on_one_alteration(references):
    load_file(references, "civic", FIXTURES / "civic" / "2025-07-01")
    load_file(references, "moalmanac", SUBSET)
    rows = references.run(
        "MATCH (a:Alteration {name: 'BRAF V600E'})-[:FROM_SOURCE]->(s:Source) "
        "RETURN s.name AS source"
    )
    assert {r["source"] for r in rows} == {"civic", "moalmanac"}
    answer = evidence_for(references, "BRAF", "V600E", "MEL")
    vem = next(g for g in answer.by_therapy if g.therapy == "vemurafenib")
    assert {e.source for e in vem.evidence} == {"civic", "moalmanac"}
    assert {e.framework for e in vem.evidence} == {"civic", "moalmanac"}


def test_a_truncated_statements_file_changes_nothing(references, tmp_path):
    load_file(references, "moalmanac", SUBSET)
    before = snapshot(references)
    broken = tmp_path / "referenced"
    shutil.copytree(SUBSET, broken)
    text = (SUBSET / "statements.json").read_text("utf-8")
    (broken / "statements.json").write_text(text[: len(text) // 3], "utf-8")
    with pytest.raises(InputFileError) as err:
        load_file(references, "moalmanac", broken)
    assert "statements.json, line" in str(err.value) and "not valid JSON" in str(err.value)
    assert snapshot(references) == before


@pytest.mark.parametrize(
    "name, ext, kind, concept_name",
    [
        (
            "BRAF p.V600E",
            {"biomarker_type": "Somatic Variant", "protein_change": "p.V600E"},
            K.PROTEIN_CHANGE,
            "BRAF V600E",
        ),
        (
            "EGFR Exon 19 (Deletion)",
            {"biomarker_type": "Somatic Variant", "exon": 19, "variant_annotation": "Deletion"},
            K.EXON,
            "EGFR exon 19 deletion",
        ),
        ("v::ALK", {"biomarker_type": "Rearrangement"}, K.GENE_FUSION, "ALK fusion"),
        ("BCR::ABL1", {"biomarker_type": "Rearrangement"}, K.FUSION, "BCR::ABL1"),
        (
            "ERBB2 amplification",
            {"biomarker_type": "Copy Number", "direction": "Amplification"},
            K.COPY_NUMBER,
            "ERBB2 amplification",
        ),
        (
            "HER2-positive",
            {
                "biomarker_type": "Protein expression",
                "value": "Positive",
                "marker": "Human epidermal growth factor receptor 2 (HER2)",
            },
            K.EXPRESSION,
            "HER2 positive",
        ),
        ("Wild type KRAS", {"biomarker_type": "Wild type"}, K.GENE_CLASS, "KRAS wildtype"),
        (
            "17p deletion",
            {"biomarker_type": "Copy Number (arm level)"},
            K.COPY_NUMBER,
            "17p deletion",
        ),
        ("MSI-H", {"biomarker_type": "Microsatellite Stability"}, K.SIGNATURE, "MSI-H"),
    ],
)
def test_biomarkers_map_to_the_shared_alteration_concepts(name, ext, kind, concept_name):
    item = {"name": name, "extensions": [{"name": k, "value": v} for k, v in ext.items()]}
    c = moalmanac.biomarker_concept(item)
    assert (c.kind, c.name, c.normalised) == (kind, concept_name, True)
