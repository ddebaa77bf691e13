"""Rebuild the bundled demo data from the project's shared data folder.

    python graph_loader/bundled/make_bundle.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data beside the repository. Writes:

* oncotree/oncotree_2025_10_03.json: the OncoTree 2025-10-03 release, verbatim (CC BY 4.0);
* civic/: the CIViC 2025-07-01 monthly release's evidence, variant, molecular profile and
  assertion TSVs, verbatim (CC0);
* moalmanac/: MOAlmanac's referenced JSON cut to the statements about a few well-known biomarkers
  (graph_loader.moalmanac_subset), with its GPL-2.0 licence beside it;
* hgnc/hgnc_cancer_genes.tsv: the HGNC complete-set rows (all columns) of the genes that the
  CIViC 2025-07-01 and 2024-08-01 releases name (as gene features or fusion partners), matched by
  Entrez id, then symbol (CC0).
"""

from __future__ import annotations

import csv
import gzip
import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def civic_gene_keys(civic: Path) -> tuple[set[str], set[str]]:
    entrez: set[str] = set()
    symbols: set[str] = set()
    feature = civic / "2025-07-01" / "01-Jul-2025-FeatureSummaries.tsv"
    with feature.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if row["feature_type"] == "Gene":
                entrez.add(row["entrez_id"])
                symbols.add(row["name"])
            for side in ("five_prime", "three_prime"):
                if row.get(f"{side}_gene_entrez_id"):
                    entrez.add(row[f"{side}_gene_entrez_id"])
                if row.get(f"{side}_gene_name"):
                    symbols.add(row[f"{side}_gene_name"])
    gene = civic / "2024-08-01" / "01-Aug-2024-GeneSummaries.tsv"
    with gene.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            entrez.add(row.get("entrez_id", ""))
            symbols.add(row.get("name", ""))
    return entrez - {""}, symbols - {""}


def main(shared: Path) -> None:
    src = shared / "oncotree" / "oncotree_2025_10_03.json"
    shutil.copyfile(src, HERE / "oncotree" / src.name)
    shutil.copyfile(shared / "oncotree" / "LICENSE.md", HERE / "oncotree" / "LICENSE.md")

    release = shared / "civic" / "2025-07-01"
    for name in (
        "ClinicalEvidenceSummaries",
        "VariantSummaries",
        "MolecularProfileSummaries",
        "AssertionSummaries",
    ):
        src_file = release / f"01-Jul-2025-{name}.tsv"
        shutil.copyfile(src_file, HERE / "civic" / src_file.name)

    sys.path.insert(0, str(HERE.parents[1]))
    from graph_loader.moalmanac_subset import cut

    n = cut(shared / "moalmanac" / "referenced", HERE / "moalmanac")
    shutil.copyfile(shared / "moalmanac" / "LICENSE", HERE / "moalmanac" / "LICENSE")
    print(f"moalmanac: {n} statements")

    entrez, symbols = civic_gene_keys(shared / "civic")
    out = HERE / "hgnc" / "hgnc_cancer_genes.tsv"
    kept = 0
    with gzip.open(shared / "hgnc" / "hgnc_complete_set_2019.txt.gz", "rt", encoding="utf-8") as fh:
        lines = iter(fh)
        header = next(lines)
        cols = header.rstrip("\n").split("\t")
        i_symbol, i_entrez, i_status = (cols.index(c) for c in ("symbol", "entrez_id", "status"))
        with out.open("w", encoding="utf-8", newline="") as dst:
            dst.write(header)
            for line in lines:
                f = line.rstrip("\n").split("\t")
                if f[i_status] != "Approved":
                    continue
                if f[i_entrez] in entrez or f[i_symbol] in symbols:
                    dst.write(line)
                    kept += 1
    print(f"wrote {out} ({kept} genes of {len(entrez)} CIViC Entrez ids)")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE.parents[2] / ".." / "shared" / "data")
