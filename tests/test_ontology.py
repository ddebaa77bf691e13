"""The ontology: models, metagraph and identifiers agree with each other and with domain.md."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ontology import (
    LABEL_DEFINITIONS,
    NODE_MODELS,
    PATTERNS,
    REL_DEFINITIONS,
    GraphType,
    Label,
    RelType,
    mint_id,
    node_properties,
    rel_properties,
    therapy_id,
)
from ontology.models import Gene, Rel, TumourType
from ontology.vocab import NyeMetoderStatus, ProfileOperator

DOMAIN_PATTERNS = {  # domain.md's relationship list, read left to right
    ("Alteration", "IN_GENE", "Gene"),
    ("Alteration", "IS_A", "Alteration"),
    ("Alteration", "PART_OF", "MolecularProfile"),
    ("TumourType", "IS_A", "TumourType"),
    ("Therapy", "INCLUDES", "Drug"),
    ("Drug", "TARGETS", "Gene"),
    ("Evidence", "ABOUT", "Alteration"),
    ("Evidence", "ABOUT", "MolecularProfile"),
    ("Evidence", "FOR_TUMOUR", "TumourType"),
    ("Evidence", "FOR_THERAPY", "Therapy"),
    ("Evidence", "CITES", "Publication"),
    ("Approval", "APPROVES", "Therapy"),
    ("Approval", "FOR_TUMOUR", "TumourType"),
    ("Approval", "REQUIRES", "Alteration"),
    ("HtaDecision", "ASSESSES", "Approval"),
    ("HtaDecision", "FOR_THERAPY", "Therapy"),
    ("HtaDecision", "COVERS", "TrialArm"),
    ("Trial", "HAS_ARM", "TrialArm"),
    ("TrialArm", "GIVES", "Therapy"),
    ("TrialArm", "FOR_TUMOUR", "TumourType"),
    ("TrialArm", "REQUIRES", "Alteration"),
    ("Patient", "ENROLLED_IN", "TrialArm"),
    ("Patient", "HAS_ALTERATION", "Alteration"),
    ("Patient", "HAS_OUTCOME", "Outcome"),
    ("Outcome", "IN_ARM", "TrialArm"),
}


def test_every_label_has_a_model_and_a_definition():
    assert set(NODE_MODELS) == set(Label)
    assert set(LABEL_DEFINITIONS) == set(Label)
    for label, definition in LABEL_DEFINITIONS.items():
        assert definition.meaning and definition.origin, label
        assert NODE_MODELS[label].label is label


def test_every_relationship_type_has_patterns_and_a_definition():
    assert set(PATTERNS) == set(RelType)
    assert set(REL_DEFINITIONS) == set(RelType)
    assert all(PATTERNS[t] for t in RelType)


def test_metagraph_holds_every_pattern_of_the_domain_model():
    have = {(a.value, t.value, b.value) for t, pairs in PATTERNS.items() for a, b in pairs}
    assert have >= DOMAIN_PATTERNS


def test_every_fact_label_can_point_to_its_source():
    assert {a for a, _ in PATTERNS[RelType.FROM_SOURCE]} == set(Label) - {Label.SOURCE}


def test_properties_are_flat_storable_types_with_id_first():
    for label in Label:
        specs = node_properties(label)
        assert specs[0].name == "id" and specs[0].required
        assert {s.type for s in specs} <= set(GraphType)
        names = [s.name for s in specs]
        assert len(names) == len(set(names)), label
        for stamped in ("source", "source_version", "licence", "run_id"):
            assert next(s for s in specs if s.name == stamped).required
    assert {s.name for s in rel_properties(RelType.PART_OF)} >= {"source", "run_id", "operator"}


def test_property_types_follow_the_annotations():
    types = {s.name: s.type for s in node_properties(Label.TUMOUR_TYPE)}
    assert types["level"] is GraphType.INT64
    assert types["lookup_keys"] is GraphType.STRING_LIST
    assert types["solid_tumour"] is GraphType.BOOLEAN
    assert {s.name: s.type for s in node_properties(Label.APPROVAL)}["valid_from"] is GraphType.DATE


def test_models_refuse_unknown_fields_and_empty_ids():
    with pytest.raises(ValidationError):
        Gene(id="HGNC:1097", symbol="BRAF", colour="red")
    with pytest.raises(ValidationError):
        TumourType(id="", code="X", name="x")
    with pytest.raises(ValidationError):
        TumourType(id=" LUAD", code="LUAD", name="x")
    with pytest.raises(ValidationError):
        Rel(type="NOT_A_TYPE", from_label="Gene", from_id="a", to_label="Gene", to_id="b")


def test_minted_ids_are_deterministic_and_identify_by_their_parts():
    a = mint_id(Label.EVIDENCE, "civic", "1409")
    assert a == mint_id(Label.EVIDENCE, "civic", "1409")
    assert a.startswith("ev:") and len(a) == len("ev:") + 20
    assert a != mint_id(Label.EVIDENCE, "civic", "1410")
    assert mint_id(Label.EVIDENCE, "ab", "c") != mint_id(Label.EVIDENCE, "a", "bc")
    assert mint_id(Label.EVIDENCE, "BRAF  V600E") == mint_id(Label.EVIDENCE, "BRAF V600E")
    with pytest.raises(ValueError):
        mint_id(Label.EVIDENCE)


def test_therapy_id_ignores_drug_order_but_not_how_they_are_given():
    combo = therapy_id(["drug:trametinib", "drug:dabrafenib"], "combination")
    assert combo == therapy_id(["drug:dabrafenib", "drug:trametinib"], "combination")
    assert combo != therapy_id(["drug:dabrafenib", "drug:trametinib"], "sequential")
    with pytest.raises(ValueError):
        therapy_id([], "single")


def test_vocabularies_keep_the_owners_wording():
    assert NyeMetoderStatus.INNFORT_MED_VILKAR.value == "Er innført med vilkår"
    assert [o.value for o in ProfileOperator] == ["AND", "OR", "NOT"]


def test_the_data_model_doc_is_generated_from_the_ontology():
    from pathlib import Path

    from ontology.describe import data_model_markdown

    doc = Path(__file__).parents[1] / "docs" / "data-model.md"
    assert doc.read_text(encoding="utf-8") == data_model_markdown(), (
        "docs/data-model.md is stale: python -m ontology.describe > docs/data-model.md"
    )
