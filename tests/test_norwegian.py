"""The Norwegian indication reader (graph_loader/norwegian.py): the corpus of real phrasings
(tests/fixtures/norwegian_corpus) held to its measured precision and recall, and the readings
the issue names one by one."""

from __future__ import annotations

import pytest

from graph_loader import bundled_path, oncotree
from graph_loader.files import read_file
from graph_loader.norwegian import TUMOURS, read_norwegian
from tests.norwegian_corpus import rows, score


def test_the_corpus_holds_at_least_200_real_phrasings():
    data = rows()
    assert len(data) >= 200 and len({r["text"] for r in data}) == len(data)
    assert all(r["source"] for r in data)


def test_the_reader_meets_its_measured_precision_and_recall_on_the_corpus():
    """Figures in docs/norwegian.md (python -m tests.norwegian_corpus); a drop fails."""
    result = score()
    assert result.inverted == []  # an exclusion is never read as a requirement, nor back
    assert result.required.precision >= 0.95 and result.required.recall >= 0.92
    assert result.excluded.precision >= 0.98 and result.excluded.recall >= 0.95
    assert result.tumours.precision >= 0.98 and result.tumours.recall >= 0.97


def test_the_tumour_words_name_real_oncotree_codes():
    release = oncotree.transform(read_file(bundled_path("oncotree")))
    codes = {n.id for n in release.nodes}
    assert {code for _, code in TUMOURS} <= codes


def names(concepts):
    return {c.name for c in concepts}


@pytest.mark.parametrize(
    ("text", "required", "excluded", "tumours", "agnostic"),
    [
        # the sample's phrasings
        ("adjuvant behandling etter operasjon av EGFR-mutert lungekreft; kun ekson 19-delesjon og "
         "L858R", {"EGFR exon 19 deletion", "EGFR L858R"}, set(), ("LUNG",), False),
        ("ikke-småcellet lungekreft (NSCLC) med KRAS G12C-mutasjon", {"KRAS G12C"}, set(),
         ("NSCLC",), False),
        ("anaplastisk lymfomkinase (ALK) positiv avansert NSCLC", {"ALK fusion"}, set(),
         ("NSCLC",), False),
        ("NTRK-fusjonspositive solide tumorer hos pasienter under 18 år",
         {"NTRK1 fusion", "NTRK2 fusion", "NTRK3 fusion"}, set(), (), True),
        ("mCRPC med BRCA1/2-mutasjon", {"BRCA1 mutation", "BRCA2 mutation"}, set(), ("PRAD",),
         False),
        ("EGFR-mutert ikke-småcellet lungekreft", {"EGFR mutation"}, set(), ("NSCLC",), False),
        ("metastatisk melanom", set(), set(), ("MEL",), False),
        # HER2 in breast cancer: expression states of their own, negation as exclusion
        ("HER2-positiv metastatisk brystkreft", {"HER2-positive"}, set(), ("BREAST",), False),
        ("inoperabel eller metastatisk HER2-lav brystkreft", {"HER2-low"}, set(), ("BREAST",),
         False),
        ("HR-positiv, HER2\u2011negativ lokalavansert brystkreft", {"HR-positive"},
         {"HER2-positive"}, ("BREAST",), False),
        ("trippel-negativ brystkreft", {"triple-negative"}, set(), ("BREAST",), False),
        # genforandring, exon 20 insertion, -mutert, everyday tumour names
        ("ikke-småcellet lungekreft med ROS1-genforandringer", {"ROS1 fusion"}, set(),
         ("NSCLC",), False),
        ("NSCLC med aktiverende EGFR ekson 20-innsettingsmutasjoner", {"EGFR exon 20 insertion"},
         set(), ("NSCLC",), False),
        ("BRAF-mutert føflekkreft", {"BRAF mutation"}, set(), ("MEL",), False),
        ("tykktarmskreft med spredning", set(), set(), ("COAD",), False),
        ("tykk- og endetarmskreft med BRAF V600E-mutasjon", {"BRAF V600E"}, set(), ("COADREAD",),
         False),
        # exclusions with "uten" and "som ikke har", lists sharing their word
        ("uten EGFR- eller ALK-genforandringer", set(), {"EGFR mutation", "ALK fusion"}, (),
         False),
        ("pasienter som ikke har EGFR-, ALK- eller ROS1-positive mutasjoner", set(),
         {"EGFR mutation", "ALK fusion", "ROS1 fusion"}, (), False),
        ("ikke operabelt melanom med BRAF V600-mutasjon", {"BRAF V600"}, set(), ("MEL",), False),
        ("BRCA-negativ høygradig serøs eggstokkreft", set(), {"BRCA1 mutation", "BRCA2 mutation"},
         ("HGSOC",), False),
        # sample-level biomarkers, PD-L1 with threshold and scoring
        ("NSCLC med PD-L1-ekspresjon\u00a0≥\u00a050\u00a0%", {"PD-L1 TPS>=50%"}, set(),
         ("NSCLC",), False),
        ("tumor som uttrykker PD-L1 med CPS ≥ 10", {"PD-L1 CPS>=10"}, set(), (), False),
        ("MSI-H eller dMMR solide tumorer", {"MSI-H", "dMMR"}, set(), (), True),
        ("homolog rekombinasjonsdefekt (HRD)-positiv eggstokkreft", {"HRD"}, set(), ("OVARY",),
         False),
        # a drug class is not a biomarker; a test is not a requirement
        ("etter behandling med EGFR-hemmer", set(), set(), (), False),
        ("testing for EGFR-mutasjon hos alle med ikke-småcellet lungekreft", set(), set(),
         ("NSCLC",), False),
        # nynorsk
        ("pasientar med ikkje-småcella lungekreft", set(), set(), ("NSCLC",), False),
    ],
)  # fmt: skip
def test_readings(text, required, excluded, tumours, agnostic):
    read = read_norwegian(text)
    assert names(read.alterations) == required
    assert names(read.excluded) == excluded
    assert (read.tumours, read.tissue_agnostic) == (tumours, agnostic)


def test_her2_states_are_not_erbb2_amplification():
    read = read_norwegian("HER2-lav eller HER2-positiv brystkreft")
    assert "ERBB2 amplification" not in names(read.alterations)
    assert all(c.kind == "expression" for c in read.alterations)
