"""The tumour board: sentinel patients get the expected first-line options on both backends; the
same patient as a list, MAF or VCF gives the same matches; the HTML report renders in a real
headless browser; a cohort MAF is annotated in one run."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from graph_loader import BUNDLED, bundled_path, load_file
from graph_loader.files import read_file
from graph_loader.patient import (
    maf_records,
    parse_copy_number,
    parse_fusions,
    parse_list,
    read_patient_file,
)
from ontology.errors import UnknownConceptError
from ontology.normalise import normalise_alteration
from queries.batch import BatchStats, annotate_maf, write_tsv
from queries.board import board_report
from queries.report import render_html
from queries.snapshot import Snapshot
from tests.conftest import FIXTURES

PATIENT = FIXTURES / "patient"
ARTEFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"


def load_all(store):
    for name in BUNDLED:
        load_file(store, name, bundled_path(name))
    return store


def options(store, index, alterations, tumour):
    report = board_report(index, parse_list(alterations), tumour)
    return report.alterations[0].options


def by_tier(opts, tier):
    return {o.therapy for o in opts if o.tier == tier}


def test_sentinel_patients_get_the_expected_first_line_options(store):
    load_all(store)
    index = Snapshot(store)

    mel = options(store, index, "BRAF V600E", "MEL")
    assert {"dabrafenib + trametinib", "vemurafenib", "binimetinib + encorafenib",
            "cobimetinib + vemurafenib"} <= by_tier(mel[:6], "I-A")  # fmt: skip
    assert mel[0].tier_reason.startswith("approved for this alteration in this tumour type")

    egfr = options(store, index, "EGFR E746_A750del", "NSCLC")  # an exon 19 deletion allele
    assert egfr[0].therapy == "osimertinib" and egfr[0].tier == "I-A"
    assert egfr[0].nye_metoder == ["ID2020_106 Er innført 2022-08-29"]
    assert any(e.alteration_match == "exon class: EGFR exon 19 deletion" for e in egfr[0].evidence)

    alk = options(store, index, "EML4::ALK", "NSCLC")
    assert {"alectinib", "brigatinib", "lorlatinib", "crizotinib"} <= by_tier(alk[:6], "I-A")
    crizotinib = next(o for o in alk if o.therapy == "crizotinib")
    assert "ID2017_041 Er innført 2018-04-23" in crizotinib.nye_metoder
    assert any(a.arm_id == "NCT02465060:F" for a in crizotinib.arms)

    kras = options(store, index, "KRAS G12C", "NSCLC")
    assert {o.therapy for o in kras[:2]} == {"sotorasib", "adagrasib"}
    assert all(o.tier == "I-A" for o in kras[:2])

    crc = options(store, index, "BRAF V600E", "COAD")
    assert crc[0].therapy == "cetuximab + encorafenib" and crc[0].tier == "I-A"
    assert any(a.arm_id == "IMPRESS-SYNTHETIC/C01" for a in crc[0].arms)
    melanoma_only = next(o for o in crc if o.therapy == "cobimetinib + vemurafenib")
    assert melanoma_only.tier == "III-A" and "off-label" in melanoma_only.tier_reason
    assert "MEL" in melanoma_only.tier_reason and not melanoma_only.approvals

    ntrk = options(store, index, "ETV6::NTRK3", "SACA")  # salivary carcinoma: rare
    larotrectinib = next(o for o in ntrk if o.therapy == "larotrectinib")
    assert larotrectinib.tier == "I-C" and larotrectinib.tier_reason.startswith(
        "tissue-agnostic approval")  # fmt: skip
    assert all(a.tissue_agnostic for a in larotrectinib.approvals)
    assert TIERS_ORDERED(ntrk)


def TIERS_ORDERED(opts) -> bool:  # noqa: N802
    from queries.board import TIERS

    ranks = [TIERS.index(o.tier) for o in opts]
    return ranks == sorted(ranks)


@pytest.fixture
def shipped(ladybug_store):
    return load_all(ladybug_store)


def _signature(report):
    return [(a.name, a.granularities, [(o.therapy, o.tier) for o in a.options])
            for a in report.alterations]  # fmt: skip


def test_the_same_patient_as_list_maf_and_vcf_gives_the_same_matches(shipped):
    index = Snapshot(shipped)
    reports = {}
    for name in ("patient_list.txt", "patient.maf", "patient_vep.vcf", "patient_snpeff.vcf"):
        ((sample, observed),) = read_patient_file(PATIENT / name).items()
        reports[name] = board_report(index, observed, "LUAD", sample)
    first = _signature(reports["patient_list.txt"])
    assert [a[0] for a in first] == ["BRAF V600E", "PIK3CA E545K", "EGFR E746_A750del"]
    for name, report in reports.items():
        assert _signature(report) == first, name
    # fusions and copy-number lists add their alterations
    extra = parse_fusions(read_file(PATIENT / "fusions.txt"))
    extra += parse_copy_number(read_file(PATIENT / "copy_number.txt"))
    report = board_report(index, extra, "NSCLC")
    assert [a.name for a in report.alterations] == ["EML4::ALK", "ERBB2 amplification"]
    with pytest.raises(UnknownConceptError, match="LUAD"):
        board_report(index, extra, "LAUD")


def _chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def test_the_html_report_renders_in_a_headless_browser(shipped, tmp_path):
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI=true but no chromium: .ci/run installs Debian's chromium")
        pytest.skip("no chromium (apt-get install chromium) for the headless-browser test")
    ((sample, observed),) = read_patient_file(PATIENT / "patient.maf").items()
    observed += parse_fusions(read_file(PATIENT / "fusions.txt"))
    report = board_report(shipped, observed, "LUAD", sample)
    html = render_html(report)
    assert html.count('<svg class="chain"') == len(report.alterations) == 4
    page = tmp_path / "report.html"
    page.write_text(html, "utf-8")
    ARTEFACTS.mkdir(exist_ok=True)
    shot = ARTEFACTS / "tumour-board-report.png"
    shot.unlink(missing_ok=True)
    flags = [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--window-size=1240,1754"]  # fmt: skip
    subprocess.run([*flags, f"--screenshot={shot}", page.as_uri()], check=True,
                   capture_output=True, timeout=120)  # fmt: skip
    assert shot.exists() and shot.stat().st_size > 40_000  # a real page, not a blank one
    # the diagram is laid out and visible: the browser measures it (a probe script added to a
    # copy of the page writes the SVG's rendered size into the DOM)
    probe = tmp_path / "probe.html"
    probe.write_text(html.replace("</body>", "<script>const r=document.querySelector("
                                  "'svg.chain').getBoundingClientRect();document.body.dataset."
                                  "svg=JSON.stringify([r.width,r.height,r.top]);</script></body>"),
                     "utf-8")  # fmt: skip
    dom = subprocess.run([*flags, "--dump-dom", probe.as_uri()], check=True, capture_output=True,
                         text=True, timeout=120).stdout  # fmt: skip
    width, height, top = json.loads(dom.split('data-svg="')[1].split('"')[0].replace("&quot;", '"'))
    assert width > 500 and height > 100 and 0 < top < 6000
    assert "Tumour board evidence report" in dom and "Sources and data versions" in dom


def test_a_cohort_maf_is_annotated_in_one_run(shipped):
    index = Snapshot(shipped)
    text = (PATIENT / "patient.maf").read_text("utf-8").splitlines()
    header, rows = text[1], text[2:]
    many = [header.replace("\tTumor_Sample_Barcode", "\tTumor_Sample_Barcode\tONCOTREE_CODE")]
    for i in range(50):  # 50 patients with the same variants, half LUAD, half MEL
        for row in rows:
            many.append(f"{row.replace('PATIENT-1', f'P{i:03d}')}\t{'LUAD' if i % 2 else 'MEL'}")
    raw = type(read_file(PATIENT / "patient.maf"))("cohort.maf", "\n".join(many).encode())
    stats = BatchStats()
    out = io.StringIO()
    n = write_tsv(annotate_maf(index, maf_records(raw, "ONCOTREE_CODE"), stats=stats), out)
    assert n == stats.annotated == 150 and stats.skipped == 100 and stats.distinct_matches == 6
    lines = [line.split("\t") for line in out.getvalue().splitlines()]
    single = board_report(index, parse_list("BRAF V600E"), "MEL")
    best = single.alterations[0].options[0]
    mel_braf = [x for x in lines[1:] if x[1] == "BRAF" and x[3] == "MEL"]
    assert len(mel_braf) == 25 and all(x[6] == best.tier for x in mel_braf)
    assert all(best.therapy in x[7] for x in mel_braf)


def test_a_source_that_contradicts_its_own_text_is_flagged_and_not_tiered(shipped):
    """MOAlmanac links Enhertu's EMA NSCLC indication ("an activating HER2 (ERBB2) mutation") to
    ERBB2 amplification (statement 687): the load report lists it, the indication does not
    require ERBB2 amplification, and a LUAD patient with ERBB2 amplification does not get
    trastuzumab deruxtecan at I-A; the statement is shown with its flag."""
    from graph_loader import transform_file

    result = transform_file("moalmanac", bundled_path("moalmanac"))
    assert "ind:ema.enhertu:2: ERBB2 amplification structured; the text says ERBB2 mutation" in (
        result.disagreements
    )
    approval = next(n for n in result.nodes if n.id == "moalmanac:ind:ema.enhertu:2")
    assert "ERBB2 amplification" in approval.biomarker_disagreement
    amp = normalise_alteration("ERBB2", "amplification").id
    assert not [r for r in result.rels if r.from_id == approval.id and r.to_id == amp]
    report = board_report(Snapshot(shipped), parse_list("ERBB2 amplification"), "LUAD")
    (tdxd,) = [o for o in report.alterations[0].options if o.therapy == "trastuzumab deruxtecan"]
    assert tdxd.tier != "I-A" and not [a for a in tdxd.approvals if "enhertu:2" in a.id]
    flagged = [e for e in tdxd.evidence if e.flag]
    assert [e.evidence_id for e in flagged] == ["moalmanac.statement:687"]


def test_a_text_silent_or_generic_about_the_gene_does_not_disagree():
    from graph_loader.moalmanac import disagreement

    amp = normalise_alteration("ERBB2", "amplification")
    assert disagreement([amp], "patients with HER2-positive metastatic breast cancer") is None
    assert disagreement([amp], "tumours with one or more ERBB2 alterations") is None
    assert disagreement([amp], "an activating HER2 (ERBB2) mutation") is not None
    l858r = normalise_alteration("EGFR", "L858R")
    assert disagreement([l858r], "EGFR exon 19 deletions or exon 21 L858R mutations") is None
    wildtype = normalise_alteration("EGFR", "wildtype")
    assert disagreement([wildtype], "whose tumours have no EGFR mutation") is None


# variant rule and tier per row of the annotator's example (tests/fixtures/annotator_example)
EXAMPLE = FIXTURES / "annotator_example" / "example.maf"
VUS_ROWS = {("CUL1", "p.Y466S"), ("AKT3", "p.E182*"), ("FGFR3", "p.V271M"), ("EGFR", "p.H304Y"),
            ("FGFR2", "p.Q212K"), ("ATM", "p.L2890R"), ("STK11", "p.H168R"),
            ("MYD88", "p.M232T")}  # fmt: skip


def test_variants_of_unknown_significance_get_no_tier_from_gene_level_evidence(shipped):
    """On the public annotator's example: a variant the graph's evidence does not know (allele,
    codon, exon class) and that is not truncating in a tumour suppressor is a VUS: its
    gene-level evidence is shown but never tiered I to III and never flags resistance, while
    KRAS G12C in LUAD stays I-A. The rule applied is in each row."""
    out = io.StringIO()
    write_tsv(annotate_maf(Snapshot(shipped), maf_records(read_file(EXAMPLE), "ONCOTREE_CODE")),
              out)  # fmt: skip
    header, *rows = [line.split("\t") for line in out.getvalue().splitlines()]
    by = {(r[1], r[2]): dict(zip(header, r, strict=True)) for r in rows}
    assert len(by) == 14
    vus = {k for k, r in by.items() if r["variant_rule"] == "variant of unknown significance"}
    assert vus == VUS_ROWS
    for key in vus:
        assert by[key]["best_tier"] in ("", "VUS"), key  # never I-A..IV-A, never X
    assert by[("EGFR", "p.H304Y")]["best_tier"] == "VUS"  # "EGFR mutation" evidence: shown only
    assert "gefitinib" in by[("EGFR", "p.H304Y")]["best_options"]
    assert by[("STK11", "p.H168R")]["best_tier"] != "X"  # no resistance flag by gene-level only
    assert by[("KRAS", "p.G12C")]["best_tier"] == "I-A"
    assert by[("KRAS", "p.G12C")]["variant_rule"] == "known allele"
    assert by[("RB1", "p.Q702*")]["variant_rule"] == "truncating in a tumour suppressor"


def test_a_comment_line_in_a_list_is_a_comment_whole(tmp_path):
    """A ``#`` line's commas and semicolons separate nothing (they made alterations of the
    comment's words)."""
    text = "# made-up patient, seen 2026-11-30; KRAS G12C ruled out\nBRAF V600E; EGFR L858R\n"
    assert [o.concept.name for o in parse_list(text)] == ["BRAF V600E", "EGFR L858R"]
    path = tmp_path / "list.txt"
    path.write_text(text, encoding="utf-8")
    observed = read_patient_file(path)["patient"]
    assert [(o.concept.name, o.origin) for o in observed] == [
        ("BRAF V600E", "list.txt:2"), ("EGFR L858R", "list.txt:2")]  # fmt: skip
