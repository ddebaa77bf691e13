"""Cut MOAlmanac's referenced JSON down to the statements about a set of biomarkers, keeping every
record they reference (used to build the shipped demo subset and the test fixture)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

DEMO_BIOMARKERS = {
    "BRAF p.V600E", "BRAF p.V600K", "EGFR p.L858R", "EGFR Exon 19 (Deletion)", "EGFR p.T790M",
    "v::ALK", "KRAS p.G12C", "v::NTRK1", "v::NTRK2", "v::NTRK3", "ERBB2 amplification",
    "HER2-positive", "MSI-H", "dMMR", "v::ROS1", "v::RET", "MET Exon 14 (Splice Site)",
}  # fmt: skip


def cut(
    src: Path, dst: Path, names: set[str] = DEMO_BIOMARKERS, documents: set[str] | None = None
) -> int:
    """Write the cut; ``documents`` (e.g. ``{"doc:fda.xalkori"}``) keeps only the statements of
    the indications those regulatory documents state. Returns the number of statements."""

    def load(name: str):
        return json.loads((src / f"{name}.json").read_text("utf-8"))

    biomarkers = load("biomarkers")
    wanted = {b["id"] for b in biomarkers if b["name"] in names}
    props = [p for p in load("propositions") if set(p["biomarkers"]) & wanted]
    prop_ids = {p["id"] for p in props}
    statements = [s for s in load("statements") if s["proposition_id"] in prop_ids]
    if documents is not None:
        of_docs = {i["id"] for i in load("indications") if i["document_id"] in documents}
        statements = [s for s in statements if s.get("indication_id") in of_docs]
        props = [p for p in props if p["id"] in {s["proposition_id"] for s in statements}]
    bio_ids = {b for p in props for b in p["biomarkers"]}
    groups = [g for g in load("therapy_groups")
              if g["id"] in {p["therapy_group_id"] for p in props}]  # fmt: skip
    therapy_ids = {p["therapy_id"] for p in props} | {t for g in groups for t in g["therapies"]}
    indication_ids = {s["indication_id"] for s in statements if s.get("indication_id")}
    indications = [i for i in load("indications") if i["id"] in indication_ids]
    doc_ids = {d for s in statements for d in s.get("reportedIn") or []}
    doc_ids |= {i["document_id"] for i in indications}
    out = {
        "statements": statements,
        "propositions": props,
        "biomarkers": [b for b in biomarkers if b["id"] in bio_ids],
        "diseases": [d for d in load("diseases")
                     if d["id"] in {p["conditionQualifier_id"] for p in props}],
        "therapies": [t for t in load("therapies") if t["id"] in therapy_ids],
        "therapy_groups": groups,
        "documents": [d for d in load("documents") if d["id"] in doc_ids],
        "indications": indications,
    }  # fmt: skip
    dst.mkdir(parents=True, exist_ok=True)
    for name, items in out.items():
        (dst / f"{name}.json").write_text(json.dumps(items, indent=1) + "\n", encoding="utf-8")
    shutil.copyfile(src / "about.json", dst / "about.json")
    return len(statements)
