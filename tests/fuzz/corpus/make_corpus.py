"""Rebuild the fuzzing seed corpus from the test fixtures, the bundled data and the shared data.

    python tests/fuzz/corpus/make_corpus.py [SHARED_DATA_DIR]     (default ../shared/data)

Every seed is a small, well-formed cut of a real file (or of a fixture that is one); README.md
beside this script says where each came from and under which licence. The regression seeds in
``regressions/`` are written by hand (one per bug the fuzzer found) and are not rebuilt here.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import shutil
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
FIXTURES = ROOT / "tests" / "fixtures"
BUNDLED = ROOT / "graph_loader" / "bundled"


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def _lines(path: Path) -> list[str]:
    return path.read_text("utf-8").splitlines(keepends=True)


def _gzip(src: Path, dst: Path) -> None:
    dst.write_bytes(gzip.compress(src.read_bytes(), mtime=0))


def civic() -> None:
    """Six accepted evidence items of the 2025-07-01 fixture release (one a fusion), with the
    molecular profiles and variants they name and the assertions on those profiles."""
    src = FIXTURES / "civic" / "2025-07-01"
    dst = HERE / "civic" / "2025-07-01"

    def table(name: str) -> tuple[list[str], list[dict[str, str]], list[str]]:
        lines = _lines(src / f"01-Jul-2025-{name}.tsv")
        header = lines[0].rstrip("\r\n").split("\t")
        rows = [dict(zip(header, ln.rstrip("\r\n").split("\t"), strict=True)) for ln in lines[1:]]
        return header, rows, lines

    _, evidence, ev_lines = table("ClinicalEvidenceSummaries")
    _, profiles, mp_lines = table("MolecularProfileSummaries")
    _, variants, var_lines = table("VariantSummaries")
    _, assertions, as_lines = table("AssertionSummaries")
    fusion_mps = {p["molecular_profile_id"] for p in profiles if "::" in p["name"]}
    accepted = [i for i, e in enumerate(evidence) if e["evidence_status"] == "accepted"]
    picked = [i for i in accepted if evidence[i]["molecular_profile_id"] in fusion_mps][:1]
    picked += [i for i in accepted if i not in picked][:5]
    picked.sort()
    mps = {evidence[i]["molecular_profile_id"] for i in picked}
    vids = {v for p in profiles if p["molecular_profile_id"] in mps
            for v in p["variant_ids"].split(",") if v.strip()}  # fmt: skip
    out = {
        "ClinicalEvidenceSummaries": [ev_lines[0]] + [ev_lines[i + 1] for i in picked],
        "MolecularProfileSummaries": [mp_lines[0]]
        + [mp_lines[i + 1] for i, p in enumerate(profiles) if p["molecular_profile_id"] in mps],
        "VariantSummaries": [var_lines[0]]
        + [var_lines[i + 1] for i, v in enumerate(variants) if v["variant_id"] in vids],
        "AssertionSummaries": [as_lines[0]]
        + [as_lines[i + 1] for i, a in enumerate(assertions) if a["molecular_profile_id"] in mps][
            :2
        ],
    }
    for name, lines in out.items():
        _write(dst / f"01-Jul-2025-{name}.tsv", "".join(lines))
    shutil.copyfile(BUNDLED / "civic" / "LICENSE.md", HERE / "civic" / "LICENSE.md")


def moalmanac() -> None:
    """The MOAlmanac fixture cut down to the statements of two regulatory documents."""
    from graph_loader.moalmanac_subset import cut

    dst = HERE / "moalmanac"
    if dst.exists():
        shutil.rmtree(dst)
    cut(FIXTURES / "hta" / "moalmanac", dst,
        documents={"doc:fda.tabrecta", "doc:ema.lumykras"})  # fmt: skip
    shutil.copyfile(FIXTURES / "hta" / "moalmanac" / "LICENSE", dst / "LICENSE")


def trials(shared: Path) -> None:
    dst = HERE / "trials"
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shared / "clinicaltrials_gov/aact_legacy_xml/NCT01339988.xml",
                    dst / "NCT01339988.xml")  # fmt: skip
    # NCI-MATCH cut to its first three subprotocols (arms with biomarker criteria), their
    # interventions, six of its conditions and its short elements; what is kept is unchanged
    tree = ET.parse(shared / "clinicaltrials_gov/aact_legacy_xml/NCT02465060.xml")
    root = tree.getroot()
    arms = root.findall("arm_group")[:3]
    labels = {a.findtext("arm_group_label") for a in arms}
    for child in list(root):
        drop = child.tag in (
            "arm_group",
            "intervention",
            "location",
            "eligibility",
            "detailed_description",
            "reference",
            "results_reference",
            "keyword",
            "condition_browse",
            "intervention_browse",
            "clinical_results",
            "overall_official",
            "responsible_party",
        )
        if child.tag == "arm_group" and child in arms:
            drop = False
        if child.tag == "intervention" and {x.text for x in child.findall("arm_group_label")} \
                & labels:  # fmt: skip
            for x in child.findall("arm_group_label"):
                if x.text not in labels:
                    child.remove(x)
            drop = False
        if drop:
            root.remove(child)
    for condition in root.findall("condition")[6:]:
        root.remove(condition)
    tree.write(dst / "NCT02465060_cut.xml", encoding="utf-8", xml_declaration=True)
    shutil.copyfile(shared / "clinicaltrials_gov/aact_json_v2/NCT00973089.json",
                    dst / "NCT00973089.json")  # fmt: skip
    shutil.copyfile(BUNDLED / "trials" / "LICENCE.md", dst / "LICENCE.md")


def nyemetoder() -> None:
    dst = HERE / "nyemetoder"
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUNDLED / "nyemetoder" / "nye_metoder_sample.csv", dst / "nye_metoder.csv")
    shutil.copyfile(FIXTURES / "nyemetoder_workbook" / "beslutninger_1900.xlsx",
                    dst / "beslutninger_1900.xlsx")  # fmt: skip


EMA_PRODUCTS = ("EMEA/H/C/004804", "EMEA/H/C/002489", "EMEA/H/C/000774")  # Piqray, Xalkori,
# Copalia (a medicine for hypertension: skipped as not a cancer medicine)


def ema(shared: Path) -> None:
    """Three medicines of EMA's export, as the TSV rows and as the workbook (title rows, header on
    row 9, the export's own cell values)."""
    import openpyxl

    dst = HERE / "ema"
    dst.mkdir(parents=True, exist_ok=True)
    lines = _lines(shared / "ema" / "ema_epar_medicines_2025-02-12.tsv")
    keep = [ln for ln in lines[1:] if ln.split("\t")[2] in EMA_PRODUCTS]
    _write(dst / "ema_epar_medicines_2025-02-12.tsv", lines[0] + "".join(keep))
    book = openpyxl.load_workbook(
        shared / "ema" / "Medicines_output_european_public_assessment_reports.xlsx",
        read_only=True,
    )
    out = openpyxl.Workbook()
    sheet = out.active
    for number, row in enumerate(book.worksheets[0].iter_rows(values_only=True), 1):
        if number <= 9 or row[2] in EMA_PRODUCTS:
            sheet.append(list(row[:39]))
    out.save(dst / "ema_medicines_output_2025-02-12.xlsx")
    shutil.copyfile(BUNDLED / "ema" / "LICENCE.md", dst / "LICENCE.md")


def fda() -> None:
    dst = HERE / "fda"
    dst.mkdir(parents=True, exist_ok=True)
    src = BUNDLED / "fda" / "compilation_cder_nme_and_new_biologic_approvals_1985-2024.csv"
    rows = list(csv.reader(io.StringIO(src.read_text("utf-8"), newline="")))
    cancer = [r for r in rows[1:] if "cancer" in " ".join(r).lower()][:4]
    other = [r for r in rows[1:] if "cancer" not in " ".join(r).lower()][:1]
    buf = io.StringIO(newline="")
    csv.writer(buf, lineterminator="\n").writerows([rows[0], *cancer, *other])
    _write(dst / "compilation_cder_nme_and_new_biologic_approvals_1985-2024.csv", buf.getvalue())
    shutil.copyfile(BUNDLED / "fda" / "LICENCE.md", dst / "LICENCE.md")


def hgnc() -> None:
    dst = HERE / "hgnc"
    dst.mkdir(parents=True, exist_ok=True)
    lines = _lines(FIXTURES / "hgnc_small.tsv")
    withdrawn = [ln for ln in lines[1:] if "Entry Withdrawn" in ln][:1]
    genes = [ln for ln in lines[1:] if "Entry Withdrawn" not in ln][:5]
    _write(dst / "hgnc_small.tsv", lines[0] + "".join(genes + withdrawn))
    _gzip(dst / "hgnc_small.tsv", dst / "hgnc_small.tsv.gz")
    shutil.copyfile(BUNDLED / "hgnc" / "LICENSE.md", dst / "LICENSE.md")


ONCOTREE_KEEP = ("LUAD", "LUSC", "MEL", "CLLSLL")


def oncotree() -> None:
    """Four tumour types and their ancestors of the OncoTree fixture, as the nested tree, as the
    API's flat list and as the flat TSV."""
    dst = HERE / "oncotree"
    dst.mkdir(parents=True, exist_ok=True)
    tree = json.loads((FIXTURES / "oncotree_2025_10_03_small.json").read_text("utf-8"))

    def prune(node: dict) -> dict | None:
        children = {c: p for c, ch in node.get("children", {}).items() if (p := prune(ch))}
        if children or node["code"] in ONCOTREE_KEEP:
            return node | {"children": children}
        return None

    small = {k: p for k, v in tree.items() if (p := prune(v))}
    _write(dst / "oncotree_2025_10_03_small.json", json.dumps(small, indent=1) + "\n")
    flat = []
    stack = [(v, None) for v in small.values()]
    while stack:
        node, parent = stack.pop()
        flat.append({k: v for k, v in node.items() if k != "children"} | {"parent": parent})
        stack.extend((c, node["code"]) for c in node["children"].values())
    _write(dst / "oncotree_2025_10_03_list.json", json.dumps(flat, indent=1) + "\n")
    codes = {r["code"] for r in flat}
    lines = _lines(FIXTURES / "oncotree_2025_10_03_small.tsv")
    _write(dst / "oncotree_2025_10_03_small.tsv",
           lines[0] + "".join(ln for ln in lines[1:] if ln.split("\t")[0] in codes))  # fmt: skip
    shutil.copyfile(FIXTURES / "LICENSE-OncoTree.md", dst / "LICENSE-OncoTree.md")


def patient() -> None:
    dst = HERE / "patient"
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("patient.maf", "patient_vep.vcf", "patient_snpeff.vcf", "fusions.txt",
                 "copy_number.txt", "patient_list.txt"):  # fmt: skip
        shutil.copyfile(FIXTURES / "patient" / name, dst / name)
    for sample in ("NSCLC-01", "CRC-02", "PAIR-03"):  # the TSO500 CombinedVariantOutput files
        name = f"{sample}_CombinedVariantOutput.tsv"
        shutil.copyfile(FIXTURES / "patient" / "tso500" / name, dst / name)
    _gzip(dst / "patient.maf", dst / "patient.maf.gz")


def registry() -> None:
    """The synthetic cohort registry, and the outcomes of its first 24 patients."""
    dst = HERE / "registry"
    dst.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(BUNDLED / "synthetic" / "impress_cohorts_SYNTHETIC.csv",
                    dst / "impress_cohorts_SYNTHETIC.csv")  # fmt: skip
    lines = _lines(BUNDLED / "synthetic" / "impress_outcomes_SYNTHETIC.csv")
    head = [ln for ln in lines if ln.startswith("#")]
    body = [ln for ln in lines if not ln.startswith("#")]
    _write(dst / "impress_outcomes_SYNTHETIC.csv", "".join(head + body[:25]))


def cbioportal(shared: Path) -> None:
    """Twelve patients of the tmb_mskcc_2018 clinical export; a TCGA LUAD study directory with
    the clinical rows and treatment timeline of eight patients."""
    dst = HERE / "cbioportal"
    src = shared / "patient_outcomes"
    lines = _lines(src / "cbioportal_tmb_mskcc_2018" / "tmb_mskcc_2018_clinical_data.tsv")
    _write(dst / "tmb_mskcc_2018_clinical_data.tsv", "".join(lines[:13]))
    timeline = _lines(src / "tcga_luad_cbioportal" / "data_timeline_treatment.txt")
    patients: list[str] = []
    for ln in timeline[1:]:
        pid = ln.split("\t")[0]
        if pid not in patients:
            patients.append(pid)
    patients = patients[:8]
    clinical = _lines(src / "tcga_luad_cbioportal" / "data_clinical.txt")
    study = dst / "tcga_luad_cbioportal"
    _write(
        study / "data_timeline_treatment.txt",
        timeline[0] + "".join(ln for ln in timeline[1:] if ln.split("\t")[0] in patients),
    )
    _write(
        study / "data_clinical.txt",
        clinical[0] + "".join(ln for ln in clinical[1:] if ln.split("\t")[1] in patients),
    )


def main() -> None:
    shared = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT.parent / "shared" / "data")
    sys.path.insert(0, str(ROOT))
    civic()
    moalmanac()
    trials(shared)
    nyemetoder()
    ema(shared)
    fda()
    hgnc()
    oncotree()
    patient()
    registry()
    cbioportal(shared)
    print(f"wrote the seed corpus to {HERE}")


if __name__ == "__main__":
    main()
