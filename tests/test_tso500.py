"""Illumina TSO500 CombinedVariantOutput.tsv as a patient file (graph_loader/tso500.py): every
section of the Local App v2.2, DRAGEN 2.1 and DRAGEN 2.6 shapes read to the expected alterations
with their lines, the rows skipped with why, TMB and MSI at and beside their thresholds, the
gene-pair spellings, the same patient as a list, the dispatch of read_patient_file, each malformed
file refused with its file, line and reason, and the NSCLC file through the tumour board."""

from __future__ import annotations

import gzip
import time
from pathlib import Path

import pytest

from graph_loader.files import RawFile, read_file
from graph_loader.patient import parse_list_file, read_patient_file, read_patient_inputs
from graph_loader.tso500 import (
    MSI_HIGH,
    MSI_MIN_USABLE_SITES,
    TMB_HIGH,
    Tso500Sample,
    looks_like_tso500,
    read_tso500,
)
from ontology.errors import InputFileError
from ontology.normalise import normalise_alteration
from tests.conftest import FIXTURES

TSO = FIXTURES / "patient" / "tso500"
NSCLC = TSO / "NSCLC-01_CombinedVariantOutput.tsv"  # Local App v2.2 (ruo-2.2.0.12), padded
CRC = TSO / "CRC-02_CombinedVariantOutput.tsv"  # DRAGEN TSO500 v2.6.2, unpadded
PAIR = TSO / "PAIR-03_CombinedVariantOutput.tsv"  # DRAGEN TSO500 2.1.1 shape, padded


def read(path: Path) -> Tso500Sample:
    return read_tso500(read_file(path))


def table(sample: Tso500Sample) -> list[tuple[str | None, str, str, str]]:
    return [(o.gene, o.text, o.concept.name, o.origin) for o in sample.observed]


def edited(tmp_path: Path, source: Path, old: str, new: str, name: str | None = None) -> Path:
    """The fixture with one piece of text replaced (it must occur exactly once)."""
    text = source.read_text("utf-8")
    assert text.count(old) == 1, old
    path = tmp_path / (name or source.name)
    path.write_text(text.replace(old, new), "utf-8")
    return path


# -- the three shapes, every section --------------------------------------------------------------


def test_a_local_app_file_is_read_section_by_section():
    sample = read(NSCLC)
    n = "NSCLC-01_CombinedVariantOutput.tsv"
    assert sample.sample == "NSCLC-01"  # Pair ID
    assert sample.software == "TruSight Oncology 500 - Combined Variant Output (ruo-2.2.0.12)"
    assert table(sample) == [
        (None, "TMB-H", "TMB-H", f"{n}:26 (TMB)"),
        ("ERBB2", "amplification", "ERBB2 amplification", f"{n}:37 (Gene Amplifications)"),
        ("MET", "exon 14 skipping", "MET exon 14 skipping", f"{n}:41 (Splice Variants)"),
        (None, "EML4-ALK", "EML4::ALK", f"{n}:45 (Fusions)"),
        (None, "PPARG/AC016683.6;PAX8", "PPARG::PAX8", f"{n}:46 (Fusions)"),
        ("EGFR", "p.Leu858Arg", "EGFR L858R", f"{n}:50 (Small Variants)"),
        ("TP53", "p.Arg273His", "TP53 R273H", f"{n}:52 (Small Variants)"),
        ("KEAP1", "p.Gly333AlafsTer12", "KEAP1 G333fs", f"{n}:56 (Small Variants)"),
    ]
    assert {o.sample for o in sample.observed} == {"NSCLC-01"}
    assert sample.measurements == [
        "TMB 12.4 mut/Mb (TSO500, >= 10 is TMB-H)",
        "MSI 2.68 % unstable of 112 usable sites (TSO500, >= 20 % is MSI-H)",
        "ERBB2 amplification: fold change 3.517 (TSO500 [Gene Amplifications])",
    ]
    assert sample.skipped == [
        "line 51 (Small Variants): EGFR NM_005228.3:c.2361G>A(p.(Gln787=)): synonymous_variant "
        "does not change the protein",
        "line 53 (Small Variants): STK11 NM_000455.4:c.465-1G>T: no protein change given "
        "(P-Dot Notation empty)",
        "line 54 (Small Variants): ALK NM_004304.4:c.3173-53G>A: intron_variant does not change "
        "the protein",
        "line 55 (Small Variants): chr9:19072413: no gene (outside the genes TSO500 reports)",
    ]


def test_a_dragen_2_6_file_is_read_section_by_section():
    sample = read(CRC)
    n = "CRC-02_CombinedVariantOutput.tsv"
    assert sample.sample == "CRC-02"
    assert sample.software.endswith("v2.6.2 Analysis Software - Combined Variant Output (2.6.2.4)")
    assert table(sample) == [
        (None, "TMB-H", "TMB-H", f"{n}:24 (TMB)"),
        (None, "MSI-H", "MSI-H", f"{n}:31 (MSI)"),
        ("MYC", "amplification", "MYC amplification", f"{n}:35 (Copy Number Variants)"),
        ("CDKN2A", "deletion", "CDKN2A deletion", f"{n}:36 (Copy Number Variants)"),
        ("BRAF", "p.Val600Glu", "BRAF V600E", f"{n}:49 (Small Variants)"),
        ("KRAS", "p.Gly13Asp", "KRAS G13D", f"{n}:50 (Small Variants)"),
        ("APC", "p.Arg1450Ter", "APC R1450*", f"{n}:51 (Small Variants)"),
        ("RNF43", "p.Gly659ValfsTer41", "RNF43 G659fs", f"{n}:52 (Small Variants)"),
    ]
    assert sample.measurements == [
        "TMB 38.6 mut/Mb (TSO500, >= 10 is TMB-H)",
        "MSI 44.07 % unstable of 118 usable sites (TSO500, >= 20 % is MSI-H)",
        "MYC amplification: fold change 2.61 (<DUP>) (TSO500 [Copy Number Variants])",
        "CDKN2A deletion: fold change 0.38 (<DEL>) (TSO500 [Copy Number Variants])",
    ]
    # the header-only [Splice Variants], [Fusions] and [Large Rearrangements] add nothing
    assert sample.skipped == [
        "line 53 (Small Variants): PIK3CA NP_006209.2:p.(Thr1025=): synonymous_variant does not "
        "change the protein",
        "line 54 (Small Variants): SMAD4 NP_005350.1:p.?: protein change unknown (p.?)",
    ]


def test_a_dragen_2_1_file_gives_splice_events_pair_spellings_and_unevaluable_msi():
    sample = read(PAIR)
    n = "PAIR-03_CombinedVariantOutput.tsv"
    assert sample.sample == "PAIR-03"
    assert table(sample) == [
        ("EGFR", "vIII (exons 2-7 skipped)", "EGFR VIII", f"{n}:31 (Splice Variants)"),
        ("AR", "AR-V7 (exon 3 to cryptic exon 3)", "AR AR-V7", f"{n}:32 (Splice Variants)"),
        ("EGFR", "exon 14-15 skipping", "EGFR exon 14-15 skipping", f"{n}:33 (Splice Variants)"),
        (None, "PPARG/AC016683.6-PAX8", "PPARG::PAX8", f"{n}:37 (Fusions)"),
        (None, "CD74-ROS1;GOPC", "CD74::ROS1", f"{n}:38 (Fusions)"),
        (None, "KIF5B-RET", "KIF5B::RET", f"{n}:39 (Fusions)"),
    ]
    # EGFRvIII and AR-V7 are the concepts CIViC's variants "EGFR VIII" and "AR AR-V7" become
    by_text = {o.text: o.concept for o in sample.observed}
    assert by_text["vIII (exons 2-7 skipped)"].id == normalise_alteration("EGFR", "VIII").id
    assert by_text["AR-V7 (exon 3 to cryptic exon 3)"].id == normalise_alteration("AR", "AR-V7").id
    assert by_text["exon 14-15 skipping"].normalised
    fusion = sample.observed[4].concept
    assert (fusion.five_prime, fusion.three_prime) == ("CD74", "ROS1")
    # TMB 9.9 is below TMB-H; 31 usable MSI sites are too few for a score; NA sections are empty
    assert sample.measurements == [
        "TMB 9.9 mut/Mb (TSO500, >= 10 is TMB-H)",
        "MSI not evaluable: 31 usable MSI sites, fewer than the 40 a valid score needs "
        "(29.03 % unstable)",
    ]
    assert sample.skipped == []


def test_the_thresholds_are_the_documented_ones():
    assert (TMB_HIGH, MSI_HIGH, MSI_MIN_USABLE_SITES) == (10.0, 20.0, 40)


# -- thresholds at and beside the boundary --------------------------------------------------------


def _signatures(sample: Tso500Sample) -> set[str]:
    return {o.text for o in sample.observed if o.gene is None and o.text in ("TMB-H", "MSI-H")}


@pytest.mark.parametrize(
    ("tmb", "high", "measured"),
    [
        ("10", True, "TMB 10 mut/Mb (TSO500, >= 10 is TMB-H)"),
        ("10.0", True, "TMB 10.0 mut/Mb (TSO500, >= 10 is TMB-H)"),
        ("9.99", False, "TMB 9.99 mut/Mb (TSO500, >= 10 is TMB-H)"),
        ("0", False, "TMB 0 mut/Mb (TSO500, >= 10 is TMB-H)"),
        ("NA", False, "TMB not evaluable (Total TMB NA)"),
    ],
)
def test_tmb_h_is_at_ten_mutations_per_megabase(tmp_path, tmb, high, measured):
    sample = read(edited(tmp_path, NSCLC, "Total TMB\t12.4", f"Total TMB\t{tmb}"))
    assert ("TMB-H" in _signatures(sample)) is high
    assert sample.measurements[0] == measured


@pytest.mark.parametrize(
    ("percent", "usable", "high", "measured"),
    [
        ("20", "112", True, "MSI 20 % unstable of 112 usable sites (TSO500, >= 20 % is MSI-H)"),
        ("20.00", "40", True, "MSI 20.00 % unstable of 40 usable sites (TSO500, >= 20 % is MSI-H)"),
        ("19.99", "112", False, "MSI 19.99 % unstable of 112 usable sites (TSO500, >= 20 % is "
         "MSI-H)"),
        ("64.8", "39", False, "MSI not evaluable: 39 usable MSI sites, fewer than the 40 a valid "
         "score needs (64.8 % unstable)"),
        ("NA", "NA", False, "MSI not evaluable (Percent Unstable MSI Sites NA)"),
    ],
)  # fmt: skip
def test_msi_h_is_at_twenty_percent_of_enough_usable_sites(tmp_path, percent, usable, high,
                                                            measured):  # fmt: skip
    path = edited(tmp_path, NSCLC, "Usable MSI Sites\t112", f"Usable MSI Sites\t{usable}")
    path = edited(tmp_path, path, "Percent Unstable MSI Sites\t2.68",
                  f"Percent Unstable MSI Sites\t{percent}")  # fmt: skip
    sample = read(path)
    assert ("MSI-H" in _signatures(sample)) is high
    assert sample.measurements[1] == measured
    msi = [o for o in sample.observed if o.text == "MSI-H"]
    assert [o.origin for o in msi] == (["NSCLC-01_CombinedVariantOutput.tsv:33 (MSI)"] if high
                                       else [])  # fmt: skip


@pytest.mark.parametrize(
    ("fold", "call"),
    [("3.517", "amplification"), ("1.01", "amplification"), ("0.99", "deletion"),
     ("0", "deletion"), ("1.0", None), ("NA", None)],
)  # fmt: skip
def test_a_listed_gene_is_amplified_above_fold_change_one_and_deleted_below(tmp_path, fold, call):
    sample = read(edited(tmp_path, NSCLC, "ERBB2\t3.517", f"ERBB2\t{fold}"))
    calls = [o.text for o in sample.observed if o.gene == "ERBB2"]
    assert calls == ([call] if call else [])
    if call is None:
        why = "no copy change" if fold == "1.0" else "no fold change and no call"
        assert [s for s in sample.skipped if s.startswith("line 37 (Gene Amplifications)")] == [
            f"line 37 (Gene Amplifications): ERBB2 {fold}: {why}"
        ]


def test_an_explicit_copy_number_call_wins_over_the_fold_change(tmp_path):
    sample = read(edited(tmp_path, CRC, "MYC\t2.61\t<DUP>", "MYC\tNA\t<DUP>"))
    assert [o.text for o in sample.observed if o.gene == "MYC"] == ["amplification"]
    assert "MYC amplification: no fold change (<DUP>) (TSO500 [Copy Number Variants])" in (
        sample.measurements
    )
    neutral = read(edited(tmp_path, CRC, "CDKN2A\t0.38\t<DEL>", "CDKN2A\t1.0\tREF", "b.tsv"))
    assert [o for o in neutral.observed if o.gene == "CDKN2A"] == []


# -- small variants: what is an alteration --------------------------------------------------------

LEU858 = "NP_005219.2:p.(Leu858Arg)\tNM_005228.3:c.2573T>G\tmissense_variant"


@pytest.mark.parametrize(
    ("pdot", "consequence", "why"),
    [
        ("NP_005219.2:p.?", "missense_variant", "protein change unknown (p.?)"),
        ("NP_005219.2:p.(=)", "missense_variant", "synonymous (no protein change)"),
        ("NP_005219.2:p.(Leu858Leu)", "missense_variant", "synonymous (no protein change)"),
        ("NP_005219.2:p.(Leu858=)", "missense_variant", "synonymous (no protein change)"),
        ("NA", "missense_variant", "no protein change given (P-Dot Notation empty)"),
        ("", "missense_variant", "no protein change given (P-Dot Notation empty)"),
        ("NP_005219.2:p.(Leu858Arg)", "synonymous_variant",
         "synonymous_variant does not change the protein"),
        ("NP_005219.2:p.(Leu858Arg)", "3_prime_UTR_variant",
         "3_prime_UTR_variant does not change the protein"),
    ],
)  # fmt: skip
def test_a_variant_that_changes_no_protein_is_skipped_with_why(tmp_path, pdot, consequence, why):
    sample = read(edited(tmp_path, NSCLC, LEU858, f"{pdot}\tNM_005228.3:c.2573T>G\t{consequence}"))
    assert "EGFR" not in {o.gene for o in sample.observed}
    line50 = [s for s in sample.skipped if s.startswith("line 50 (Small Variants): EGFR")]
    assert len(line50) == 1 and line50[0].endswith(why), sample.skipped


def test_an_in_frame_deletion_and_a_row_without_consequence_are_read(tmp_path):
    deletion = "NP_005219.2:p.(Glu746_Ala750del)\tNM_005228.3:c.2235_2249del\t"
    sample = read(edited(tmp_path, NSCLC, LEU858, deletion))
    egfr = [(o.text, o.concept.name, o.concept) for o in sample.observed if o.gene == "EGFR"]
    assert [e[:2] for e in egfr] == [("p.Glu746_Ala750del", "EGFR E746_A750del")]
    assert "EGFR exon 19 deletion" in {b.name for b in egfr[0][2].broader}


# -- gene pairs -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pair", "name"),
    [
        ("EML4::ALK", "EML4::ALK"),
        ("EML4 -- ALK", "EML4::ALK"),
        ("KMT2A;MLLT3", "KMT2A::MLLT3"),  # no '-': direction as written
        ("NKX2-1-ALK", "NKX2-1::ALK"),  # a hyphenated gene: the only split into two genes
        ("RP11-458D21.5;NOTCH2NL-NOTCH2", "RP11-458D21.5::NOTCH2"),
        ("ALK", "ALK fusion"),  # one partner: that gene's fusions
    ],
)
def test_gene_pairs_of_every_spelling(tmp_path, pair, name):
    sample = read(edited(tmp_path, NSCLC, "EML4-ALK\t", f"{pair}\t"))
    fusion = next(o for o in sample.observed if o.origin.endswith(":45 (Fusions)"))
    assert (fusion.text, fusion.concept.name) == (pair, name)


@pytest.mark.parametrize(
    ("pair", "why"),
    [("HLA-A-ROS1", "ambiguous gene pair"), ("NA", "no gene pair"),
     ("=HYPERLINK(x)-ALK", "not read as two gene symbols")],
)  # fmt: skip
def test_a_pair_that_is_not_two_genes_is_skipped_with_why(tmp_path, pair, why):
    sample = read(edited(tmp_path, NSCLC, "EML4-ALK\t", f"{pair}\t"))
    assert not [o for o in sample.observed if o.origin.endswith(":45 (Fusions)")]
    assert any(s.startswith("line 45 (Fusions)") and why in s for s in sample.skipped)


# -- the sample's name ----------------------------------------------------------------------------


def test_the_sample_is_the_pair_id_else_a_sample_id_else_the_file_name(tmp_path):
    no_pair = edited(tmp_path, CRC, "Pair ID\tCRC-02\n", "")
    assert read(no_pair).sample == "CRC-02-D"  # DNA Sample ID
    ctdna = edited(tmp_path, no_pair, "DNA Sample ID\tCRC-02-D\n", "Sample ID\tCT-9\n")
    assert read(ctdna).sample == "CT-9"  # DRAGEN ctDNA: Sample ID
    text = CRC.read_text("utf-8").split("[TMB]", 1)[1]
    named = tmp_path / "LAB-77_CombinedVariantOutput.tsv"
    named.write_text("[TMB]" + text, "utf-8")
    assert read(named).sample == "LAB-77"


# -- the same patient as a list, and read_patient_file --------------------------------------------


def test_the_same_patient_as_a_list_and_as_a_tso500_file_gives_the_same_concepts():
    listed = parse_list_file(read_file(TSO / "NSCLC-01_list.txt"))
    tso = read(NSCLC).observed
    assert sorted(o.concept.id for o in listed) == sorted(o.concept.id for o in tso)
    assert sorted(o.concept.name for o in tso) == sorted(o.concept.name for o in listed)


def test_read_patient_file_reads_a_tso500_file_by_name_or_by_its_sections(tmp_path):
    by_name = read_patient_file(NSCLC)
    assert list(by_name) == ["NSCLC-01"]
    assert [o.concept.id for o in by_name["NSCLC-01"]] == [
        o.concept.id for o in read(NSCLC).observed
    ]
    renamed = tmp_path / "export.txt"  # no telling name: known by [TMB], [Small Variants] ...
    renamed.write_bytes(CRC.read_bytes())
    assert [o.concept.name for o in read_patient_file(renamed)["CRC-02"]][:2] == ["TMB-H", "MSI-H"]
    packed = tmp_path / NSCLC.name.replace(".tsv", ".tsv.gz")
    packed.write_bytes(gzip.compress(NSCLC.read_bytes()))
    unpacked = read_patient_file(packed)  # gzipped: by its name without .gz
    assert [o.concept.id for o in unpacked["NSCLC-01"]] == [
        o.concept.id for o in by_name["NSCLC-01"]
    ]
    upload = RawFile("upload.tsv", CRC.read_bytes())  # a web upload, never on disk
    assert list(read_patient_file(upload)) == ["CRC-02"]
    given = read_patient_inputs(NSCLC)
    assert given.sample == "NSCLC-01" and len(given.observed) == 8
    assert given.measurements == read_tso500(read_file(NSCLC)).measurements
    assert given.measurements[0].startswith("TMB 12.4 mut/Mb")
    # the other shapes are not taken for TSO500
    for other in ("patient.maf", "patient_list.txt", "patient_vep.vcf", "fusions.txt"):
        assert not looks_like_tso500(read_file(FIXTURES / "patient" / other)), other
    assert list(read_patient_file(FIXTURES / "patient" / "patient_list.txt")) == ["patient"]


def test_an_empty_sample_keeps_its_name(tmp_path):
    text = PAIR.read_text("utf-8")
    keep = text.split("[Splice Variants]", 1)[0]  # TMB below TMB-H, MSI not evaluable
    path = tmp_path / PAIR.name
    path.write_text(keep, "utf-8")
    assert read_patient_file(path) == {"PAIR-03": []}


# -- malformed files ------------------------------------------------------------------------------


def _refused(path: Path) -> InputFileError:
    with pytest.raises(InputFileError) as caught:
        read(path)
    exc = caught.value
    assert exc.path == str(path) and str(exc).startswith(str(path))
    return exc


def test_a_table_section_without_its_column_header_row_is_refused():
    exc = _refused(TSO / "bad-missing-header_CombinedVariantOutput.tsv")
    assert exc.line == 49
    assert exc.reason.startswith("[Small Variants] (line 48) has no column header row: expected "
                                 "one with Gene, P-Dot Notation, got 'EGFR")  # fmt: skip


def test_a_row_of_the_wrong_width_is_refused_saying_expected_and_got():
    exc = _refused(TSO / "bad-row-width_CombinedVariantOutput.tsv")
    assert (exc.line, exc.reason) == (
        50, "10 columns, expected 11 as the [Small Variants] header on line 48")  # fmt: skip


@pytest.mark.parametrize(
    ("source", "old", "new", "line", "reason"),
    [
        (NSCLC, "Total TMB\t12.4", "Total TMB\t12,4", 26, "Total TMB '12,4' is not a number"),
        (NSCLC, "Percent Unstable MSI Sites\t2.68", "Percent Unstable MSI Sites\thigh", 33,
         "Percent Unstable MSI Sites 'high' is not a number"),
        (NSCLC, "Usable MSI Sites\t112", "Usable MSI Sites\t1e400", 31,
         "Usable MSI Sites '1e400' is not a finite number"),
        (NSCLC, "ERBB2\t3.517", "ERBB2\t3,5", 37, "fold change '3,5' is not a number"),
        (CRC, "MYC\t2.61", "MYC\t-2.61", 35,
         "fold change '-2.61' is out of range: expected a number of at least 0"),
        (CRC, "Percent Unstable MSI Sites\t44.07", "Percent Unstable MSI Sites\t144.07", 31,
         "Percent Unstable MSI Sites '144.07' is out of range: expected a number from 0 to 100"),
        (CRC, "Total TMB\t38.6", "Total TMB\t-1", 24, "Total TMB '-1' is out of range"),
        (CRC, "Gene Pair\tBreakpoint 1", "Gene Pair\tGene Pair", 42,
         "[Fusions] header names the column 'Gene Pair' twice"),
        (CRC, "Total TMB\t38.6\n", "Total TMB\t38.6\nTotal TMB\t3.9\n", 25,
         "[TMB] gives 'Total TMB' twice (first on line 24)"),
        (CRC, "Total TMB\t38.6", "Total TMB\t38.6\tmut/Mb", 24,
         "3 columns in [TMB], expected 2 (key, value)"),
        (CRC, "BRAF\tchr7", "\nBRAF\tchr7", 50,
         "a line outside any section (the blank line 49 ended [Small Variants])"),
        (CRC, "[Fusions]\nGene Pair\tBreakpoint 1\tBreakpoint 2\tFusion Supporting Reads\tGene 1 "
         "Reference Reads\tGene 2 Reference Reads\n", "[Fusions]\n", 41,
         "[Fusions] has no column header row: expected one with Gene Pair"),
    ],
)  # fmt: skip
def test_each_malformed_file_is_refused_with_its_line_and_why(tmp_path, source, old, new, line,
                                                              reason):  # fmt: skip
    exc = _refused(edited(tmp_path, source, old, new))
    assert exc.line == line
    assert exc.reason.startswith(reason), exc.reason


def test_a_file_with_no_tso500_section_is_refused_whole(tmp_path):
    path = tmp_path / "X_CombinedVariantOutput.tsv"
    path.write_text("Gene\tFold Change\nERBB2\t3.1\n", "utf-8")
    exc = _refused(path)
    assert exc.line is None and exc.reason.startswith("no TruSight Oncology 500 section")
    with pytest.raises(InputFileError, match="not a CombinedVariantOutput"):
        read_patient_file(path)  # by its name, read as TSO500, and refused


def test_broken_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / NSCLC.name
    path.write_bytes(NSCLC.read_bytes().replace(b"Leu858Arg", b"Leu858\xe9rg"))
    exc = _refused(path)
    assert exc.line == 50 and "not valid UTF-8" in exc.reason


def test_long_hostile_cells_are_read_in_linear_time(tmp_path):
    text = NSCLC.read_text("utf-8")
    hostile = {
        "EML4-ALK\t": "A-" * 100_000 + "\t",
        "NP_005219.2:p.(Leu858Arg)": "p.(" + "1" * 200_000,
        "chr7:116411708": "(c." * 60_000,
        "missense_variant\t21/28": "missense_" * 20_000 + "\t21/28",
    }
    for old, new in hostile.items():
        text = text.replace(old, new, 1)
    path = tmp_path / NSCLC.name
    path.write_text(text, "utf-8")
    start = time.perf_counter()
    sample = read(path)
    assert time.perf_counter() - start < 2.0
    assert "MET" in {o.gene for o in sample.observed}  # the splice row, breakpoints left out
    assert any("not a gene pair (over 200 characters)" in s for s in sample.skipped)


# -- through the tumour board ---------------------------------------------------------------------


def test_the_nsclc_file_through_the_tumour_board(demo_store_dir):
    from graph_loader.backends.ladybug_store import LadybugStore
    from queries.board import board_report

    sample = read(NSCLC)
    with LadybugStore(demo_store_dir, read_only=True) as store:
        report = board_report(store, sample.observed, "NSCLC", sample.sample)
    by_name = {a.name: a for a in report.alterations}
    egfr = by_name["EGFR L858R"]
    assert egfr.origin == "NSCLC-01_CombinedVariantOutput.tsv:50 (Small Variants)"
    assert any(o.tier == "I-A" for o in egfr.options)
    assert egfr.options[0].therapy == "osimertinib" and egfr.options[0].tier == "I-A"
    met = by_name["MET exon 14 skipping"]
    assert {"capmatinib", "tepotinib"} <= {o.therapy for o in met.options if o.tier == "I-A"}
    assert "alectinib" in {o.therapy for o in by_name["EML4::ALK"].options if o.tier == "I-A"}
    assert report.sample == "NSCLC-01" and len(report.alterations) == 8
