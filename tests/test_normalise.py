"""Normalisers: one concept whatever the spelling, flagged (not dropped) when unknown."""

from __future__ import annotations

import pytest

from ontology.normalise import (
    GeneIndex,
    drug_match_key,
    normalise_alteration,
    normalise_drug_name,
    parse_protein_change,
    with_broader,
)
from ontology.vocab import AlterationKind as K


@pytest.mark.parametrize(
    "text", ["V600E", "p.V600E", "p.Val600Glu", "Val600Glu", "(p.V600E)", "p.val600glu", " V600E "]
)
def test_protein_change_spellings_are_one_notation(text):
    change = parse_protein_change(text)
    assert change is not None and (change.notation, change.kind, change.codon) == (
        "V600E",
        K.PROTEIN_CHANGE,
        "V600",
    )


@pytest.mark.parametrize(
    "text, notation, kind",
    [
        ("Q61*", "Q61*", K.PROTEIN_CHANGE),
        ("Gln61Ter", "Q61*", K.PROTEIN_CHANGE),
        ("Q61X", "Q61*", K.PROTEIN_CHANGE),
        ("G12", "G12", K.CODON),
        ("p.Gly12", "G12", K.CODON),
        ("E1309fs", "E1309fs", K.PROTEIN_CHANGE),
        ("p.Glu1309AspfsTer4", "E1309fs", K.PROTEIN_CHANGE),
        ("E746_A750del", "E746_A750del", K.PROTEIN_CHANGE),
        ("p.Glu746_Ala750del", "E746_A750del", K.PROTEIN_CHANGE),
    ],
)
def test_other_protein_changes(text, notation, kind):
    change = parse_protein_change(text)
    assert change is not None and (change.notation, change.kind) == (notation, kind)


@pytest.mark.parametrize(
    "text", ["", "Amplification", "V600E K", "exon 19 deletion", "rs113488022"]
)
def test_non_protein_text_is_not_a_protein_change(text):
    assert parse_protein_change(text) is None


def test_same_alteration_from_different_spellings_has_one_id():
    ids = {normalise_alteration("BRAF", t).id for t in ("V600E", "p.Val600Glu", "BRAF V600E")}
    assert len(ids) == 1
    assert normalise_alteration("braf", "V600E").id in ids  # gene case folded
    assert normalise_alteration("BRAF", "V600K").id not in ids
    assert normalise_alteration("NRAS", "V600E").id not in ids


def test_exact_alleles_are_a_codon_are_a_gene_mutation():
    v600e = normalise_alteration("BRAF", "V600E")
    chain = with_broader([v600e])
    assert {c.name for c in chain.values()} == {"BRAF V600E", "BRAF V600", "BRAF mutation"}
    assert [b.name for b in v600e.broader] == ["BRAF V600"]
    assert normalise_alteration("BRAF", "V600").id == v600e.broader[0].id


@pytest.mark.parametrize(
    "gene, text, kind, notation, name",
    [
        ("EGFR", "Exon 19 Deletion", K.EXON, "exon 19 deletion", "EGFR exon 19 deletion"),
        ("EGFR", "EXON 20 INSERTION", K.EXON, "exon 20 insertion", "EGFR exon 20 insertion"),
        ("MET", "Exon 14 Skipping", K.EXON, "exon 14 skipping", "MET exon 14 skipping"),
        ("EGFR", "L858R (c.2573T>G)", K.PROTEIN_CHANGE, "L858R", "EGFR L858R"),
        ("ERBB2", "Amplification", K.COPY_NUMBER, "amplification", "ERBB2 amplification"),
        ("CDKN2A", "Deletion", K.COPY_NUMBER, "deletion", "CDKN2A deletion"),
        ("ERBB2", "OVEREXPRESSION", K.EXPRESSION, "overexpression", "ERBB2 overexpression"),
        ("TP53", "Loss-of-function", K.GENE_CLASS, "loss-of-function", "TP53 loss-of-function"),
        ("KRAS", "Mutation", K.GENE_CLASS, "mutation", "KRAS mutation"),
        (None, "MSI-H", K.SIGNATURE, "MSI-H", "MSI-H"),
        (None, "Microsatellite instability-high", K.SIGNATURE, "MSI-H", "MSI-H"),
        (None, "TMB-high", K.SIGNATURE, "TMB-H", "TMB-H"),
    ],
)
def test_classes_of_alteration(gene, text, kind, notation, name):
    c = normalise_alteration(gene, text)
    assert (c.kind, c.notation, c.name, c.normalised) == (kind, notation, name, True)
    assert c.source_notation == text


def test_fusions_two_partners_equal_and_broader_than_any_partner_fusion():
    a, b = normalise_alteration(None, "EML4::ALK"), normalise_alteration(None, "EML4-ALK")
    assert a.id == b.id and a.kind is K.FUSION and a.name == "EML4::ALK"
    assert (a.five_prime, a.three_prime) == ("EML4", "ALK")
    any_alk = normalise_alteration("ALK", "Fusion")
    assert any_alk.kind is K.GENE_FUSION and any_alk.name == "ALK fusion"
    assert normalise_alteration(None, "ALK fusion").id == any_alk.id
    assert any_alk.id in {x.id for x in a.broader}
    assert any_alk.id != a.id  # "ALK fusion" is broader, not equal


def test_unknown_text_is_kept_and_flagged():
    c = normalise_alteration("BRAF", "V600E/K")
    assert c.kind is K.OTHER and c.normalised is False and c.name == "BRAF V600E/K"
    assert normalise_alteration(None, "Fusion").normalised is False


@pytest.mark.parametrize(
    "name, inn",
    [
        ("Imatinib Mesylate", "imatinib"),
        ("Dabrafenib (Tafinlar®)", "dabrafenib"),
        ("  Trametinib  ", "trametinib"),
        ("Cabozantinib S-malate", "cabozantinib"),
        ("Sodium", "sodium"),  # nothing left after the salt: kept
        ("Notch1 Antibody (PF-06293622)", "notch1 antibody (pf-06293622)"),
    ],
)
def test_drug_names_become_lower_case_inn(name, inn):
    assert normalise_drug_name(name) == inn


def test_norwegian_and_english_inn_spellings_meet():
    for en, no in [
        ("capmatinib", "kapmatinib"),
        ("larotrectinib", "larotrektinib"),
        ("crizotinib", "krizotinib"),
        ("encorafenib", "enkorafenib"),
    ]:
        assert drug_match_key(en) == drug_match_key(no)
    assert drug_match_key("osimertinib") != drug_match_key("olaparib")


def test_gene_index_prefers_symbol_then_previous_then_alias():
    index = GeneIndex()
    index.add("HGNC:3430", "ERBB2", aliases=["HER2", "NEU"], previous=["NGL"], entrez_id="2064")
    index.add("HGNC:1097", "BRAF", aliases=["BRAF1"], entrez_id="673")
    index.add("HGNC:9999", "NEU1", aliases=["NEU"])  # NEU is ambiguous
    assert index.resolve("erbb2").matched_by == "symbol"
    assert index.resolve("NGL").symbol == "ERBB2"
    assert index.resolve("HER2").matched_by == "alias"
    assert index.resolve(entrez_id="673").symbol == "BRAF"
    assert index.resolve("NEU") is None and index.candidates("NEU") == ["ERBB2", "NEU1"]
    assert index.resolve("NOTAGENE") is None


@pytest.mark.parametrize(
    "gene, text, name",
    [
        ("FLT3", "ITD", "FLT3 internal tandem duplication"),
        ("KIT", "Internal Duplication", "KIT internal tandem duplication"),
        ("MET", "Exon 14 Skipping Mutation", "MET exon 14 skipping"),
        ("KRAS", "RS61764370", "KRAS rs61764370"),
        ("PTCH1", "LOH", "PTCH1 loss of heterozygosity"),
    ],
)
def test_civic_spellings_seen_in_the_2025_release(gene, text, name):
    c = normalise_alteration(gene, text)
    assert c.name == name and c.normalised


@pytest.mark.parametrize("gene, text", [("KRAS", "G12/G13"), ("BRAF", "NON-V600")])
def test_protein_pairs_are_not_fusions(gene, text):
    c = normalise_alteration(gene, text)
    assert c.kind is not K.FUSION and c.gene == gene
