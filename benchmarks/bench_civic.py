"""Load a whole CIViC release (and MOAlmanac) on each backend, timed (run on demand):

    python benchmarks/bench_civic.py [RELEASE_DIR] [--backend ladybug|neo4j|both]

OncoTree and the bundled HGNC genes are loaded first (untimed) so that diseases and genes
normalise; the CIViC load is timed end to end (reading, normalising, writing, stale check) and its
load report printed, with the concepts that failed normalisation by kind.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph_loader import bundled_path, load_file  # noqa: E402
from graph_loader.backends import StoreConfig, open_store  # noqa: E402

#: nodes other than the publication counter (a Neo4j holding data refuses the benchmark)
HELD = "MATCH (n) WHERE NOT n:OncographPublication RETURN count(n) AS n"


def run(backend: str, release: Path, moalmanac: Path | None) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        config = StoreConfig.from_env() if backend == "neo4j" else StoreConfig(store_dir=Path(tmp))
        with open_store(config, read_only=False) as store:
            if backend == "neo4j" and store.run(HELD)[0]["n"]:
                raise SystemExit("refusing to benchmark on a Neo4j database that holds data")
            store.apply_schema()
            load_file(store, "oncotree", bundled_path("oncotree"))
            load_file(store, "hgnc", bundled_path("hgnc"))
            out = {"backend": backend}
            for name, path in (("civic", release), ("moalmanac", moalmanac)):
                if path is None:
                    continue
                t0 = time.perf_counter()
                report = load_file(store, name, path)
                seconds = time.perf_counter() - t0
                written = sum(report.nodes_written.values()) + sum(report.rels_written.values())
                print(report.render(), flush=True)
                out[name] = {
                    "source": report.source_id, "seconds": round(seconds, 2),
                    "rows_read": report.rows_read, "rows_written": written,
                    "rows_written_per_s": round(written / seconds),
                    "rejected": report.rejected, "unmatched": report.unmatched,
                    "unnormalised_nodes": report.unnormalised,
                }  # fmt: skip
            if backend == "neo4j":
                store.wipe()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("release", nargs="?", type=Path, default=bundled_path("civic"))
    parser.add_argument("--moalmanac", type=Path, default=None)
    parser.add_argument("--backend", choices=["ladybug", "neo4j", "both"], default="both")
    args = parser.parse_args()
    backends = ["ladybug", "neo4j"] if args.backend == "both" else [args.backend]
    if "neo4j" in backends and not os.environ.get("NEO4J_URI"):
        backends.remove("neo4j")
    results = [run(b, args.release, args.moalmanac) for b in backends]
    print(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
