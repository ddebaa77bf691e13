"""Annotate a 330,000-row synthetic MAF in one run, on each backend (run on demand):

    python benchmarks/bench_maf.py [--rows 330000] [--backend ladybug|neo4j|both]

The anchor: VICC MetaKB users report about 3.5 hours for one 330,000-variant VCF at 25 API calls
a second. The MAF is synthetic: gene symbols and protein changes sampled from the bundled CIViC
release's variants (70%) plus noise (random missense changes in random HGNC genes, 30%), one row
in ten silent, 3,300 samples, tumour types drawn from 20 OncoTree codes. The bundled demo data is
loaded first (untimed); the timed part is what `oncograph annotate` does: read the MAF, fetch the
graph index, normalise and match every row, write the TSV.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph_loader import BUNDLED, bundled_path, load_file  # noqa: E402
from graph_loader.backends import StoreConfig, open_store  # noqa: E402
from graph_loader.files import RawFile  # noqa: E402
from graph_loader.patient import maf_records  # noqa: E402
from ontology.normalise import parse_protein_change  # noqa: E402
from queries.batch import BatchStats, annotate_maf, write_tsv  # noqa: E402
from queries.snapshot import Snapshot  # noqa: E402

#: nodes other than the publication counter (a Neo4j holding data refuses the benchmark)
HELD = "MATCH (n) WHERE NOT n:OncographPublication RETURN count(n) AS n"

CODES = ["LUAD", "LUSC", "NSCLC", "MEL", "COAD", "READ", "COADREAD", "PAAD", "BRCA", "IDC",
         "PRAD", "GBM", "THPA", "STAD", "BLCA", "HGSOC", "SACA", "GIST", "CHOL",
         "UCEC"]  # fmt: skip
AA = "ACDEFGHIKLMNPQRSTVWY"


def synthetic_maf(rows: int, seed: int = 330) -> bytes:
    rng = random.Random(seed)
    civic = []
    with (bundled_path("civic") / "01-Jul-2025-VariantSummaries.tsv").open(encoding="utf-8") as fh:
        for r in csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE):
            if r.get("gene") and parse_protein_change(r["variant"]):
                civic.append((r["gene"], "p." + r["variant"].split()[0]))
    with bundled_path("hgnc").open(encoding="utf-8") as fh:
        genes = [r["symbol"] for r in csv.DictReader(fh, delimiter="\t")]
    out = io.StringIO()
    out.write("Hugo_Symbol\tVariant_Classification\tHGVSp_Short\tTumor_Sample_Barcode\t"
              "ONCOTREE_CODE\n")  # fmt: skip
    for i in range(rows):
        sample = f"SYN-{i // 100:05d}"
        code = CODES[(i // 100) % len(CODES)]
        if rng.random() < 0.7:
            gene, protein = rng.choice(civic)
        else:
            gene = rng.choice(genes)
            protein = f"p.{rng.choice(AA)}{rng.randint(1, 1500)}{rng.choice(AA)}"
        kind = "Silent" if rng.random() < 0.1 else "Missense_Mutation"
        out.write(f"{gene}\t{kind}\t{protein}\t{sample}\t{code}\n")
    return out.getvalue().encode("utf-8")


def run(backend: str, maf: bytes) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        config = StoreConfig.from_env() if backend == "neo4j" else StoreConfig(store_dir=Path(tmp))
        with open_store(config, read_only=False) as store:
            if backend == "neo4j" and store.run(HELD)[0]["n"]:
                raise SystemExit("the Neo4j database is not empty; the benchmark refuses to run")
            try:
                for name in BUNDLED:
                    load_file(store, name, bundled_path(name))
                started = time.perf_counter()
                index = Snapshot(store).warm()
                fetched = time.perf_counter() - started
                stats = BatchStats()
                sink = io.StringIO()
                records = maf_records(RawFile("synthetic.maf", maf), "ONCOTREE_CODE")
                n = write_tsv(annotate_maf(index, records, None, stats), sink)
                seconds = time.perf_counter() - started
            finally:
                if backend == "neo4j":
                    store.wipe()
    return {
        "backend": backend, "rows": stats.rows, "annotated": n, "skipped": stats.skipped,
        "distinct_alterations": stats.distinct_alterations,
        "distinct_matches": stats.distinct_matches, "index_fetch_s": round(fetched, 2),
        "total_s": round(seconds, 1), "rows_per_s": round(stats.rows / seconds),
    }  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=330_000)
    parser.add_argument("--backend", choices=["ladybug", "neo4j", "both"], default="both")
    args = parser.parse_args()
    maf = synthetic_maf(args.rows)
    backends = ["ladybug", "neo4j"] if args.backend == "both" else [args.backend]
    if "neo4j" in backends and not os.environ.get("NEO4J_URI"):
        backends.remove("neo4j")
        print("no NEO4J_URI: skipping Neo4j (make bench-maf starts one)", file=sys.stderr)
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, Python "
               f"{platform.python_version()}", "maf_bytes": len(maf), "runs": []}  # fmt: skip
    for backend in backends:
        result = run(backend, maf)
        print(json.dumps(result))
        results["runs"].append(result)
    out = Path(__file__).parent / "results" / f"maf_{time.strftime('%Y-%m-%d')}.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
