"""Peak memory and time of loading a large patient-outcome file (issue #13: bounded memory).

A synthetic outcome CSV of N rows (the bundled synthetic registry's cohorts, pseudonyms
SYN-BENCH-000001 ...) is loaded into a fresh embedded store after the bundled references and the
registry. Each size runs in its own process, so the peak resident memory it reports (the
operating system's ru_maxrss of that child) is the load's own.

    .venv/bin/python benchmarks/bench_outcomes.py --rows 100000 1000000

Prints one line per size (rows, seconds of the outcome load, peak MiB of the whole process).
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESPONSES = ("CR", "PR", "SD", "PD", "NE")

CHILD = """
import sys, time, json
from pathlib import Path
from graph_loader import bundled_path, load_file
from graph_loader.backends.ladybug_store import LadybugStore
store_dir, outcomes = sys.argv[1], sys.argv[2]
with LadybugStore(store_dir, read_only=False) as store:
    store.apply_schema()
    for name in ("oncotree", "hgnc"):
        load_file(store, name, bundled_path(name))
    load_file(store, "cohorts", bundled_path("cohorts"))
    started = time.perf_counter()
    report = load_file(store, "outcomes", Path(outcomes))  # the CLI default batch size
    seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "status": report.status, "rows": report.rows_read,
                  "rejected": report.rows_rejected}))
"""


def cohorts() -> list[tuple[str, str, str, str]]:
    path = ROOT / "graph_loader" / "bundled" / "synthetic" / "impress_cohorts_SYNTHETIC.csv"
    lines = [line for line in path.read_text("utf-8").splitlines() if not line.startswith("#")]
    rows = list(csv.DictReader(lines))
    return [(r["trial_id"], r["cohort_id"], r["tumour"], r["alterations"]) for r in rows]


def write_outcomes(path: Path, n: int, seed: int = 13) -> None:
    rng = random.Random(seed)
    arms = cohorts()
    with path.open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle)
        out.writerow(["pseudonym", "trial_id", "cohort_id", "tumour", "alterations",
                      "treatment_start", "best_response", "evaluable", "benefit_week16",
                      "pfs_months", "pfs_event", "os_months", "os_event", "synthetic"])  # fmt: skip
        for i in range(1, n + 1):
            trial, cohort, tumour, alterations = arms[i % len(arms)]
            response = rng.choice(RESPONSES)
            out.writerow([
                f"SYN-BENCH-{i:07d}", trial, cohort, tumour, alterations,
                f"20{rng.randint(15, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                response, "true", str(response in ("CR", "PR", "SD")).lower(),
                f"{rng.uniform(0.5, 30):.1f}", "true", f"{rng.uniform(1, 60):.1f}", "false", "true",
            ])  # fmt: skip


def run(n: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        outcomes = Path(tmp) / f"outcomes_{n}.csv"
        write_outcomes(outcomes, n)
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, str(Path(tmp) / "store"), str(outcomes)],
            cwd=ROOT, capture_output=True, text=True, check=False,
        )  # fmt: skip
        peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        if proc.returncode != 0:
            raise SystemExit(f"load of {n:,} rows failed:\n{proc.stderr[-2000:]}")
        import json

        result = json.loads(proc.stdout.strip().splitlines()[-1])
        # ru_maxrss of the children is the largest child so far: sizes run in increasing order
        result["peak_mib"] = max(peak_kib, before) / 1024
        result["file_mib"] = outcomes.stat().st_size / 2**20
        return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    args = parser.parse_args()
    print(f"# {time.strftime('%Y-%m-%d')} python {sys.version.split()[0]}")
    print("rows,file_mib,load_seconds,peak_mib,status,rejected")
    for n in sorted(args.rows):
        r = run(n)
        print(f"{n},{r['file_mib']:.1f},{r['seconds']:.1f},{r['peak_mib']:.0f},{r['status']},"
              f"{r['rejected']}", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
