"""Rebuild the bundled demo data from the project's shared data folder.

    python graph_loader/bundled/make_bundle.py [SHARED_DATA_DIR]

SHARED_DATA_DIR defaults to ../shared/data beside the repository. Writes:

* oncotree/oncotree_2025_10_03.json: the OncoTree 2025-10-03 release, verbatim (CC BY 4.0);
* civic/: the CIViC 2025-07-01 monthly release's evidence, variant, molecular profile and
  assertion TSVs, verbatim (CC0);
* moalmanac/: MOAlmanac's referenced JSON cut to the statements about a few well-known biomarkers
  (graph_loader.moalmanac_subset), with its GPL-2.0 licence beside it;
* ema/: the rows of EMA's medicines list (2025-02-12 TSV) and fda/: the rows of FDA's NME and new
  biologic approvals compilation (1985-2024) for the drugs the MOAlmanac subset and the Nye Metoder
  sample name (matched on the spelling-independent drug key), columns unchanged;
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


def demo_drug_keys(shared: Path) -> set[str]:
    """Match keys of the drugs the bundled MOAlmanac subset and the Nye Metoder sample name."""
    import json

    from graph_loader.regulatory import split_substances
    from ontology.normalise import drug_match_key

    therapies = json.loads((HERE / "moalmanac" / "therapies.json").read_text("utf-8"))
    keys = {drug_match_key(t["name"]) for t in therapies}
    sample = shared / "nyemetoder" / "nye_metoder_sample.csv"
    with sample.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            keys |= {drug_match_key(n) for n in split_substances(row["Virkestoff"])}
    return keys


def cut_rows(src: Path, dst: Path, delimiter: str, column: str, keys: set[str]) -> int:
    """Copy the header and the rows whose substance column names only known drugs, unchanged."""
    from graph_loader.regulatory import split_substances
    from ontology.normalise import drug_match_key

    dst.parent.mkdir(parents=True, exist_ok=True)
    with src.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh, delimiter=delimiter)
        header = next(reader)
        i = [h.strip() for h in header].index(column)
        rows = [r for r in reader if r and (names := split_substances(r[i]))
                and all(drug_match_key(n) in keys for n in names)]  # fmt: skip
    with dst.open("w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return len(rows)


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

    keys = demo_drug_keys(shared)
    n = cut_rows(shared / "ema" / "ema_epar_medicines_2025-02-12.tsv",
                 HERE / "ema" / "ema_epar_medicines_2025-02-12.tsv", "\t",
                 "International non-proprietary name (INN) / common name", keys)  # fmt: skip
    print(f"ema: {n} medicines")
    fda_dir = shared / "fda" / "cder_nme_biologic_approvals"
    n = cut_rows(fda_dir / "compilation_cder_nme_and_new_biologic_approvals_1985-2024.csv",
                 HERE / "fda" / "compilation_cder_nme_and_new_biologic_approvals_1985-2024.csv",
                 ",", "Active Ingredient/Moiety", keys)  # fmt: skip
    print(f"fda: {n} approvals")

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
