"""The clinical matching rules (ontology/matching.py) as truth tables, and the architecture they
stand in: one direction of imports, one home per rule."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest

from graph_loader.files import RawFile
from graph_loader.patient import maf_records, parse_maf
from ontology.errors import InputFileError
from ontology.matching import (
    EMPTY_AGREES,
    ON_LABEL,
    Hierarchy,
    Relation,
    TumourMatch,
    alteration_applies,
    alterations_agree,
    best_level,
    decision_alterations_agree,
    in_force,
    is_solid,
    level_rank,
    published_by,
    tumour_match,
    tumours_agree,
)

ROOT = Path(__file__).resolve().parents[1]

# OncoTree: LUAD and LUSC under NSCLC under LUNG under TISSUE; MEL under SKIN under TISSUE
TUMOURS = Hierarchy.from_edges([
    ("LUAD", "NSCLC"), ("LUSC", "NSCLC"), ("NSCLC", "LUNG"), ("LUNG", "TISSUE"),
    ("MEL", "SKIN"), ("SKIN", "TISSUE"),
])  # fmt: skip
# EGFR: exon 19 deletion and T790M are siblings under EGFR mutation; E746_A750del under exon 19
ALTERATIONS = Hierarchy.from_edges([
    ("egfr_e746", "egfr_ex19del"), ("egfr_ex19del", "egfr_mut"), ("egfr_t790m", "egfr_mut"),
])  # fmt: skip


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("LUAD", "LUAD", Relation.SAME),
        ("LUAD", "NSCLC", Relation.NARROWER),
        ("NSCLC", "LUAD", Relation.BROADER),
        ("LUAD", "TISSUE", Relation.NARROWER),  # transitive
        ("LUAD", "LUSC", Relation.UNRELATED),  # siblings
        ("LUAD", "MEL", Relation.UNRELATED),
        ("UNKNOWN", "LUAD", Relation.UNRELATED),
    ],
)
def test_tumour_relations(a, b, relation):
    assert TUMOURS.relation(a, b) is relation
    assert TUMOURS.related(a, b) == (relation is not Relation.UNRELATED)


@pytest.mark.parametrize(
    ("a", "b", "relation"),
    [
        ("egfr_t790m", "egfr_ex19del", Relation.UNRELATED),  # siblings do not agree
        ("egfr_ex19del", "egfr_t790m", Relation.UNRELATED),
        ("egfr_e746", "egfr_mut", Relation.NARROWER),  # two steps up
        ("egfr_mut", "egfr_e746", Relation.BROADER),
        ("egfr_ex19del", "egfr_ex19del", Relation.SAME),
    ],
)
def test_alteration_relations(a, b, relation):
    assert ALTERATIONS.relation(a, b) is relation


def test_closure_is_transitive_both_ways_and_survives_a_cycle():
    assert TUMOURS.broader("LUAD") == {"NSCLC", "LUNG", "TISSUE"}
    assert TUMOURS.narrower("LUNG") == {"NSCLC", "LUAD", "LUSC"}
    cyclic = Hierarchy.from_edges([("A", "B"), ("B", "A"), ("C", "A")])
    assert cyclic.broader("C") == {"A", "B"} and "A" not in cyclic.broader("A")


def test_set_agreement_and_what_an_empty_side_means():
    assert alterations_agree(ALTERATIONS, {"egfr_e746"}, {"egfr_mut"})
    assert not alterations_agree(ALTERATIONS, {"egfr_t790m"}, {"egfr_ex19del"})
    # an empty side: the rule table says, once
    assert alterations_agree(ALTERATIONS, set(), {"egfr_mut"}) is EMPTY_AGREES["alterations"]
    assert EMPTY_AGREES["alterations"] is False
    assert tumours_agree(TUMOURS, set(), {"LUAD"}) is True  # a fact naming none agrees with any
    assert tumours_agree(TUMOURS, {"NSCLC"}, {"LUAD"}) and tumours_agree(
        TUMOURS, {"LUAD"}, {"NSCLC"}
    )
    assert not tumours_agree(TUMOURS, {"MEL"}, {"LUAD"})
    # a decision whose biomarker is not stated never agrees by silence
    assert decision_alterations_agree(ALTERATIONS, set(), {"egfr_t790m"}) is False
    assert not decision_alterations_agree(ALTERATIONS, {"egfr_ex19del"}, {"egfr_t790m"})


def test_an_approval_applies_to_the_patient_only_from_the_same_or_a_broader_class():
    patient = {"egfr_e746", "egfr_ex19del", "egfr_mut"}  # the alteration and its broader ones
    assert alteration_applies({"egfr_ex19del"}, patient)
    assert not alteration_applies({"egfr_ex19del"}, {"egfr_mut"})  # report says "EGFR mutation"
    assert not alteration_applies({"egfr_t790m"}, patient)


@pytest.mark.parametrize(
    ("fact", "patient", "agnostic", "solid", "expected"),
    [
        ("NSCLC", "LUAD", False, True, TumourMatch.ANCESTOR),  # NSCLC evidence applies to LUAD
        ("LUAD", "NSCLC", False, True, TumourMatch.SUBTYPE),  # LUAD evidence, NSCLC patient
        ("LUAD", "LUAD", False, True, TumourMatch.SAME),
        ("MEL", "LUAD", False, True, TumourMatch.OFF_LABEL),
        ("LUSC", "LUAD", False, True, TumourMatch.OFF_LABEL),  # a sibling type is off-label
        (None, "LUAD", False, True, TumourMatch.ANY),
        ("LUAD", None, False, True, TumourMatch.ANY),  # no tumour asked
        ("ncit:C132146", "LUAD", True, True, TumourMatch.TISSUE_AGNOSTIC),
        ("ncit:C132146", "AML", True, False, TumourMatch.OFF_LABEL),  # not a solid tumour
    ],
)
def test_tumour_match_vocabulary(fact, patient, agnostic, solid, expected):
    got = tumour_match(TUMOURS, fact, patient, tissue_agnostic=agnostic, solid=solid)
    assert got is expected
    assert (got in ON_LABEL) == (expected is not TumourMatch.OFF_LABEL)


def test_solid_unless_marked_lymphoid_or_myeloid():
    assert is_solid(True) and is_solid(None) and not is_solid(False)


def test_level_ranks_one_scale_across_frameworks():
    assert level_rank("A") == level_rank("Approval") < level_rank("B") == level_rank("positive")
    assert level_rank("B") < level_rank("C") < level_rank("D") < level_rank("E")
    assert level_rank("E") < level_rank("Guideline") == level_rank(None)
    assert best_level(["C", "B", None, "E"]) == "B"
    assert best_level(["Guideline", None]) == "-"


def test_in_force_on_a_date():
    jan, jun, dec = dt.date(2020, 1, 1), dt.date(2020, 6, 1), dt.date(2020, 12, 1)
    assert in_force(jan, None, jun) is True
    assert in_force(jan, jun, jun) is False  # valid_to is exclusive
    assert in_force(jun, None, jan) is False
    assert in_force(None, None, jun) is None  # undated: cannot be placed in time
    assert in_force(None, jun, None, today=dec) is False  # ended before today
    assert in_force(None, dec, None, today=jun) is True
    assert in_force(None, None, None, current=False) is False  # a superseded decision
    assert published_by([2015, 2019], dt.date(2016, 1, 1)) is True
    assert published_by([2019], dt.date(2016, 1, 1)) is False
    assert published_by([], dt.date(2016, 1, 1)) is None


# -- one MAF reader, with the file's own line numbers ------------------------------------------

MAF = (
    "#version 2.4\n"
    "#filedate 20240101\n"
    "Hugo_Symbol\tHGVSp_Short\tVariant_Classification\tTumor_Sample_Barcode\n"
    "BRAF\tp.V600E\tMissense_Mutation\tS1\n"
    "#a comment between rows\n"
    "KRAS\tp.G12C\tMissense_Mutation\tS1\n"
    "TP53\tp.R175H\n"
)


def test_a_maf_with_version_lines_names_the_right_line_of_a_malformed_row():
    with pytest.raises(InputFileError) as err:
        list(maf_records(RawFile("p.maf", MAF.encode())))
    assert err.value.line == 7  # the TP53 row, counted in the file (2 '#version' lines before)
    assert "2 fields, expected 4" in str(err.value)


def test_maf_records_and_origins_keep_the_file_line():
    good = MAF.rsplit("TP53", 1)[0]
    records = list(maf_records(RawFile("p.maf", good.encode())))
    assert [(r.line, r.gene, r.protein) for r in records] == [
        (4, "BRAF", "p.V600E"),
        (6, "KRAS", "p.G12C"),
    ]
    assert [o.origin for o in parse_maf(RawFile("p.maf", good.encode()))] == ["p.maf:4", "p.maf:6"]


# -- the structure ----------------------------------------------------------------------------


def _imports(folder: str) -> set[tuple[str, str]]:
    found = set()
    for path in (ROOT / folder).rglob("*.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module:
                found.add((str(path.relative_to(ROOT)), node.module.split(".")[0]))
            elif isinstance(node, ast.Import):
                found |= {(str(path.relative_to(ROOT)), a.name.split(".")[0]) for a in node.names}
    return found


def test_dependencies_point_one_way():
    """cli.py -> web/ -> graph_loader/ -> queries/ -> ontology/ (docs/decisions.md 0), including
    imports inside functions."""
    ours = {"cli", "web", "graph_loader", "queries", "ontology"}
    allowed = {
        "ontology": {"ontology"},
        "queries": {"queries", "ontology"},
        "graph_loader": {"graph_loader", "queries", "ontology"},
        "web": {"web", "graph_loader", "queries", "ontology"},
    }
    wrong = [
        (f, m) for folder, ok in allowed.items() for f, m in _imports(folder)
        if m in ours and m not in ok
    ]  # fmt: skip
    assert not wrong


def test_the_hierarchy_closure_and_level_ranks_are_defined_once():
    """No module but ontology/matching.py computes a transitive closure or keeps level ranks."""
    for folder in ("queries", "graph_loader", "ontology"):
        for path in (ROOT / folder).rglob("*.py"):
            if path.name == "matching.py":
                continue
            text = path.read_text("utf-8")
            assert "def _closure" not in text, path
            assert '"A": 0' not in text and "LEVEL_ORDER" not in text, path
