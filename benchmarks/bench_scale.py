"""How oncograph's loads and answers scale with a national-scale patient registry (run on demand,
not a test): ``make bench-scale`` or

    python benchmarks/bench_scale.py [--sizes 10000 100000 400000] [--backend ladybug|neo4j|both]
        [--repeats 50] [--cold-repeats 10] [--cli-runs 7] [--budget 60] [--skip-cli]
        [--out-json PATH] [--plot PATH] [--keep-stores DIR] [--force]

For the demo (the bundled data only: 8 cohorts, 120 patients) and for each size N, a SYNTHETIC
registry of N patients is generated, in the 8 bundled cohorts and max(8, N // 1000) more
(benchmarks/scale_registry.py: seeded; real biomarkers, therapies and OncoTree codes; nothing
downloaded). Then, per backend (embedded always; Neo4j when NEO4J_URI is set):

1. A fresh store: a new directory (embedded), or the database emptied in batches (Neo4j; the
   benchmark refuses a database that holds data before it starts, unless --force).
2. Three loads, each with ``graph_loader.load_file`` in a child process of its own, so that its
   peak memory (the child's own ru_maxrss) and its time are the load's: the bundled demo sources
   (without its registry), the registry (source "cohorts"), the outcomes (source "outcomes").
   For the demo size the registry and outcomes are the bundled files.
3. Answers in-process, over one read-only store handle. Inputs hit the registry: biomarkers and
   tumour types of open cohorts (so arm options and outcome summaries are part of the answers),
   varied call to call (20 of each, cycled; seed 7):
   * chain: ``queries.hta.chain(snap, gene, alteration, tumour)``;
   * report: ``queries.board.board_report(snap, observed, tumour)``, a patient of 2-5 alterations
     (a cohort's biomarker and 1-4 others), as ``oncograph report`` builds it;
   * cohorts: ``queries.cohorts.arm_summaries(snap)`` (every arm's outcome summary);
   * arms: ``queries.cohorts.arm_options(snap, gene, alteration, tumour)``;
   * gaps: ``queries.hta.gap(snap, name, as_of)`` for the four gaps, as of one of five days.
   Each is timed three ways (median and 95th percentile, ms):
   * warm: one ``Snapshot(store, cache_reads=True).warm()``, as ``oncograph serve`` keeps it; every
     input answered once before timing, so repeats hit the snapshot's caches (``Snapshot.keep``:
     the board's matches per alteration and tumour type, and the fixed reads; ``Snapshot.memo``:
     the arm outcome summaries the board shows);
   * uncached: the same warm snapshot with those caches emptied before every call (its parts,
     the indexes and facts read by ``warm``, stay): the work of an answer not seen before;
   * cold: a new ``Snapshot(store)`` per call (parts fetched as the call needs them), as one CLI
     command does, without the process start-up.
   A (mode, answer) pair stops after --budget seconds once it has 5 calls.
4. Whole CLI calls (``oncograph --store DIR ...`` or ``--neo4j-uri``; NEO4J_* taken out of an
   embedded call's environment): ``chain``, ``report``, ``cohorts``, ``arms``, ``gaps``, over the
   same inputs, --cli-runs each.

Results: JSON in benchmarks/results/scale_<date>.json (machine, versions, settings, every
figure), markdown tables on stdout, a plot (docs/bench_scale.png): median answer time against
registered patients per answer and backend, in-process (uncached) and CLI, and the outcome load's
seconds against rows. Neo4j's own memory is not measured (it is another process), only the
loading client's.

Reproduce: ``make bench-scale`` (starts Neo4j from Maven artifacts when NEO4J_URI is unset), or
``python benchmarks/bench_scale.py --sizes 1000 3000 --backend ladybug --repeats 5 --cli-runs 2``
for a quick run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from scale_registry import (  # noqa: E402
    BUNDLED_COHORTS,
    BUNDLED_OUTCOMES,
    CO_ALTERATIONS,
    TARGETS,
    Cohort,
    bundled_cohorts,
    bundled_patients,
    write_registry,
)

from graph_loader import BUNDLED, StoreConfig, bundled_path, open_store  # noqa: E402
from graph_loader.concepts import alterations_from_text  # noqa: E402
from graph_loader.patient import read_patient_inputs  # noqa: E402
from graph_loader.regulatory import split_substances  # noqa: E402
from ontology.errors import OncographError  # noqa: E402
from ontology.normalise import drug_match_key  # noqa: E402
from queries.board import board_report  # noqa: E402
from queries.cohorts import OPEN, arm_options, arm_summaries  # noqa: E402
from queries.evidence import split_gene_alteration  # noqa: E402
from queries.hta import GAPS, chain, gap  # noqa: E402
from queries.snapshot import Snapshot  # noqa: E402

KINDS = ("chain", "report", "cohorts", "arms", "gaps")
MODES = ("warm", "uncached", "cold")
MIN_CALLS = 5
GAP_DAYS = (None, dt.date(2019, 1, 1), dt.date(2021, 6, 30), dt.date(2023, 1, 1),
            dt.date(2025, 1, 1))  # fmt: skip
ONCOGRAPH = Path(sys.executable).with_name("oncograph")

# One load in a child process: argv = store directory ("" for Neo4j: NEO4J_URI of the
# environment), then a JSON list of [source, path]. Prints one JSON line.
LOAD_CHILD = """
import json, resource, sys, time
from pathlib import Path
from graph_loader import StoreConfig, load_file, open_store
store_dir, loads = sys.argv[1], json.loads(sys.argv[2])
config = StoreConfig.from_env(Path(store_dir) if store_dir else None)
reports = []
started = time.perf_counter()
with open_store(config, read_only=False, timeout=None) as store:
    for name, path in loads:
        r = load_file(store, name, Path(path))
        reports.append({"source": name, "status": r.status, "rows_read": r.rows_read,
                        "rows_rejected": r.rows_rejected, "load_file_s": round(r.seconds, 3),
                        "nodes_written": sum(r.nodes_written.values()),
                        "rels_written": sum(r.rels_written.values())})
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "reports": reports,
                  "maxrss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


# -- where the data goes -------------------------------------------------------------------------
@dataclass(frozen=True)
class Target:
    """One backend's store for one size: a directory (embedded) or the Neo4j of NEO4J_URI."""

    backend: str
    store: Path

    def env(self) -> dict[str, str]:
        """The children's environment: Neo4j's settings only for a Neo4j run."""
        keep = self.backend == "neo4j"
        return {k: v for k, v in os.environ.items() if keep or not k.startswith("NEO4J_")}

    def config(self) -> StoreConfig:
        return (
            StoreConfig.from_env() if self.backend == "neo4j" else StoreConfig(store_dir=self.store)
        )

    def cli_args(self) -> list[str]:
        if self.backend == "neo4j":
            return ["--neo4j-uri", os.environ["NEO4J_URI"]]
        return ["--store", str(self.store)]


def empty_neo4j(refuse_data: bool) -> None:
    """Delete everything in the Neo4j of NEO4J_URI, in batches; with ``refuse_data``, stop if it
    holds anything (data this benchmark did not put there)."""
    with open_store(StoreConfig.from_env(), read_only=False, timeout=None) as store:
        held = store.run("MATCH (n) WHERE NOT n:OncographPublication RETURN count(n) AS n")[0]["n"]
        if refuse_data and held:
            raise SystemExit(f"refusing to benchmark on a Neo4j holding {held:,} nodes "
                             "(--force empties it)")  # fmt: skip
        # relationships first: a hub node (a tumour type of 100,000 patients) detached in one
        # transaction exceeds the memory pool of a 2 GiB heap (measured)
        store.run("MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 20000 ROWS")
        store.run("MATCH (n) CALL (n) { DELETE n } IN TRANSACTIONS OF 20000 ROWS")


def load_child(target: Target, loads: list[tuple[str, Path]]) -> dict[str, Any]:
    """Run the loads in a child process; its own seconds, peak memory and load reports."""
    store = "" if target.backend == "neo4j" else str(target.store)
    argv = [sys.executable, "-c", LOAD_CHILD, store, json.dumps([[n, str(p)] for n, p in loads])]
    started = time.perf_counter()
    proc = subprocess.run(argv, cwd=ROOT, env=target.env(), capture_output=True, text=True)
    wall = time.perf_counter() - started
    if proc.returncode != 0:
        raise SystemExit(f"{target.backend}: load of {[n for n, _ in loads]} failed:\n"
                         f"{proc.stderr[-3000:]}")  # fmt: skip
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    rows = sum(r["rows_read"] for r in out["reports"])
    return {
        "seconds": round(out["seconds"], 2),
        "process_s": round(wall, 2),
        "rows_read": rows,
        "rows_per_s": round(rows / out["seconds"]) if out["seconds"] else None,
        "peak_mib": round(out["maxrss_kib"] / 1024),
        "status": sorted({r["status"] for r in out["reports"]}),
        "reports": out["reports"],
    }


def unresolved_targets(snap: Snapshot) -> list[str]:
    """The registry's (biomarker, therapy, tumour) targets the demo data does not know: an
    alteration that does not normalise or has no predictive evidence for the therapy, a drug not
    in the graph, a tumour code not in OncoTree."""
    out = []
    for alteration, therapy, codes in TARGETS:
        concept = alterations_from_text(alteration, snap.genes)[0]
        keys = {drug_match_key(d) for d in split_substances(therapy)}
        evidence = [
            r
            for r in snap.predictive.get(concept.id, ())
            if {drug_match_key(d) for d in (r.therapy or "").split(" + ")} == keys
        ]
        problems = [] if concept.normalised else ["not normalised"]
        problems += [] if evidence else ["no predictive evidence for the therapy"]
        problems += [f"drug {k!r} unknown" for k in sorted(keys) if k not in snap.drugs]
        problems += [f"tumour {c} unknown" for c in codes if not snap.tumours.resolve(c)]
        if problems:
            out.append(f"{alteration} + {therapy}: {'; '.join(problems)}")
    return out


# -- inputs --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Inputs:
    """The varied inputs of each answer, from the registry's open cohorts."""

    chain: list[tuple[str, str, str]]  # gene, alteration, tumour
    report: list[tuple[str, str]]  # "A; B; C", tumour
    arms: list[tuple[str, str]]  # "GENE ALTERATION", tumour
    gaps: list[dt.date | None]

    @classmethod
    def of(cls, cohorts: list[Cohort], n: int = 20, seed: int = 7) -> Inputs:
        rng = random.Random(seed)
        open_ = [c for c in cohorts if c.status in OPEN]
        picks = [open_[i * len(open_) // n] for i in range(n)]  # spread over the registry
        reports = []
        for c in picks:
            others = [a for a in CO_ALTERATIONS if a != c.biomarker]
            reports.append(("; ".join([c.biomarker, *rng.sample(others, rng.randint(1, 4))]),
                            c.tumour))  # fmt: skip
        return cls(
            chain=[(*split_gene_alteration(c.biomarker), c.tumour) for c in picks],
            report=reports,
            arms=[(c.biomarker, c.tumour) for c in picks],
            gaps=list(GAP_DAYS),
        )

    def in_process(self) -> dict[str, tuple[Callable[[Snapshot, Any], object], list[Any]]]:
        """Per answer: the call over a snapshot, and its inputs."""
        reports = [(read_patient_inputs(alterations=a).observed, t) for a, t in self.report]
        return {
            "chain": (lambda snap, x: chain(snap, *x), self.chain),
            "report": (lambda snap, x: board_report(snap, *x), reports),
            "cohorts": (lambda snap, _: arm_summaries(snap), [None]),
            "arms": (
                lambda snap, x: arm_options(snap, *split_gene_alteration(x[0]), x[1]),
                self.arms,
            ),  # fmt: skip
            "gaps": (lambda snap, day: [gap(snap, name, day) for name in GAPS], self.gaps),
        }

    def cli(self) -> dict[str, list[list[str]]]:
        """Per answer: the oncograph command lines."""
        return {
            "chain": [["chain", g, a, "--tumour", t] for g, a, t in self.chain],
            "report": [["report", "--alterations", a, "--tumour", t] for a, t in self.report],
            "cohorts": [["cohorts"]],
            "arms": [["arms", "--alteration", a, "--tumour", t] for a, t in self.arms],
            "gaps": [["gaps", *(["--as-of", d.isoformat()] if d else [])] for d in self.gaps],
        }


# -- timing --------------------------------------------------------------------------------------
def summary(times_ms: list[float]) -> dict[str, Any]:
    ordered = sorted(times_ms)
    p95 = ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]
    return {"calls": len(ordered), "p50_ms": round(statistics.median(ordered), 2),
            "p95_ms": round(p95, 2), "max_ms": round(ordered[-1], 2)}  # fmt: skip


def timed(
    call: Callable[[Any], object],
    inputs: list[Any],
    calls: int,
    budget: float,
    before: Callable[[], None] | None = None,
) -> dict[str, Any]:
    """``calls`` timed calls over the inputs in turn (``before`` untimed before each), stopping
    after ``budget`` seconds once MIN_CALLS are done; an error ends them and is recorded."""
    times: list[float] = []
    started = time.perf_counter()
    for i in range(calls):
        if before is not None:
            before()
        t0 = time.perf_counter()
        try:
            call(inputs[i % len(inputs)])
        except OncographError as exc:
            return {"error": f"{type(exc).__name__}: {exc}", "calls": len(times)}
        times.append((time.perf_counter() - t0) * 1000)
        if len(times) >= MIN_CALLS and time.perf_counter() - started > budget:
            break
    return summary(times)


def forget_answers(snap: Snapshot) -> None:
    """Empty the snapshot's answer caches (``keep``: board matches, fixed reads; ``memo``: arm
    outcome summaries); its parts (indexes and facts, cached properties) stay warm."""
    snap._kept.clear()
    snap._memo.clear()


def in_process(target: Target, inputs: Inputs, args: argparse.Namespace) -> dict[str, Any]:
    out: dict[str, Any] = {mode: {} for mode in MODES}
    with open_store(target.config(), read_only=True) as store:
        started = time.perf_counter()
        snap = Snapshot(store, cache_reads=True).warm()
        out["snapshot_warm_s"] = round(time.perf_counter() - started, 3)
        for kind, (fn, xs) in inputs.in_process().items():
            try:
                for x in xs:  # every answer once: the timed repeats hit the caches
                    fn(snap, x)
            except OncographError as exc:
                for mode in MODES:
                    out[mode][kind] = {"error": f"{type(exc).__name__}: {exc}", "calls": 0}
                continue

            def warm(x: Any, fn: Callable[[Snapshot, Any], object] = fn) -> object:
                return fn(snap, x)

            def cold(x: Any, fn: Callable[[Snapshot, Any], object] = fn) -> object:
                return fn(Snapshot(store), x)

            out["warm"][kind] = timed(warm, xs, args.repeats, args.budget)
            out["uncached"][kind] = timed(warm, xs, args.repeats, args.budget,
                                          before=lambda: forget_answers(snap))  # fmt: skip
            out["cold"][kind] = timed(cold, xs, args.cold_repeats, args.budget)
            print(f"    {kind:<8} " + "  ".join(f"{m} {_cell(out[m][kind])} ms" for m in MODES),
                  flush=True)  # fmt: skip
    return out


def cli_calls(target: Target, inputs: Inputs, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    base = [str(ONCOGRAPH), *target.cli_args()]
    for kind, commands in inputs.cli().items():
        times: list[float] = []
        for i in range(runs):
            argv = base + commands[i % len(commands)]
            started = time.perf_counter()
            proc = subprocess.run(argv, cwd=ROOT, env=target.env(), capture_output=True,
                                  text=True)  # fmt: skip
            if proc.returncode != 0:
                out[kind] = {"error": (proc.stderr.strip() or proc.stdout.strip())[-500:],
                             "command": argv[1:], "calls": len(times)}  # fmt: skip
                break
            times.append((time.perf_counter() - started) * 1000)
        else:
            out[kind] = summary(times)
        print(f"    cli {kind:<8} {_cell(out[kind])} ms", flush=True)
    return out


# -- one backend at one size ---------------------------------------------------------------------
@dataclass(frozen=True)
class Size:
    label: str  # "demo" or the number of patients
    patients: int
    cohorts: list[Cohort]
    registry: Path
    outcomes: Path


def run_one(target: Target, size: Size, args: argparse.Namespace) -> dict[str, Any]:
    print(f"-- {target.backend}, {size.label}: {size.patients:,} patients, "
          f"{len(size.cohorts):,} cohorts", flush=True)  # fmt: skip
    if target.backend == "neo4j":
        empty_neo4j(refuse_data=False)
    demo = [(n, bundled_path(n)) for n in BUNDLED if n not in ("cohorts", "outcomes")]
    loads = {"demo": load_child(target, demo)}
    check: list[str] = []
    if size.label == "demo":
        with open_store(target.config(), read_only=True) as store:
            check = unresolved_targets(Snapshot(store))
        for problem in check:
            print(f"  warning: {problem}", flush=True)
    loads["cohorts"] = load_child(target, [("cohorts", size.registry)])
    loads["outcomes"] = load_child(target, [("outcomes", size.outcomes)])
    for name, load in loads.items():
        print(f"  load {name:<8} {load['rows_read']:>9,} rows  {load['seconds']:8.1f} s  "
              f"{load['rows_per_s'] or 0:>7,} rows/s  peak {load['peak_mib']:,} MiB  "
              f"{'/'.join(load['status'])}", flush=True)  # fmt: skip
    run: dict[str, Any] = {
        "backend": target.backend,
        "size": size.label,
        "patients": size.patients,
        "cohorts": len(size.cohorts),
        "loads": loads,
    }
    if check:
        run["unresolved_targets"] = check
    with open_store(target.config(), read_only=True) as store:
        run["server"] = store.info().server_version
    if target.backend == "ladybug":
        run["store_mib"] = round(sum(f.stat().st_size for f in target.store.rglob("*")
                                     if f.is_file()) / 2**20, 1)  # fmt: skip
    inputs = Inputs.of(size.cohorts)
    run["inputs"] = {"chain": inputs.chain, "report": inputs.report, "arms": inputs.arms,
                     "gaps": [d.isoformat() if d else None for d in inputs.gaps]}  # fmt: skip
    run["in_process"] = in_process(target, inputs, args)
    if not args.skip_cli:
        run["cli"] = cli_calls(target, inputs, args.cli_runs)
    return run


# -- output --------------------------------------------------------------------------------------
def _ms(value: float) -> str:
    return f"{value:.2f}" if value < 10 else f"{value:.1f}" if value < 100 else f"{value:,.0f}"


def _cell(result: dict[str, Any] | None) -> str:
    if not result:
        return "-"
    if "error" in result:
        return "error"
    return f"{_ms(result['p50_ms'])} / {_ms(result['p95_ms'])}"


def _answers(run: dict[str, Any], mode: str) -> dict[str, Any]:
    """A run's answer timings of one mode ("warm", "uncached", "cold" or "cli")."""
    return run.get("cli", {}) if mode == "cli" else run["in_process"][mode]


def tables(runs: list[dict[str, Any]]) -> str:
    answers = " | ".join(f"{k} p50 / p95 ms" for k in KINDS)
    head = ("| backend | patients | cohorts | outcome load s | rows/s | peak MiB | registry load s "
            f"| snapshot warm s | {answers} |")  # fmt: skip
    out = ["In-process answers on a warm snapshot, answer caches emptied before each call "
           "(uncached)", "", head, "|" + "---|" * (head.count("|") - 1)]  # fmt: skip
    for r in runs:
        o = r["loads"]["outcomes"]
        cells = " | ".join(_cell(r["in_process"]["uncached"].get(k)) for k in KINDS)
        out.append(f"| {r['backend']} | {r['patients']:,} | {r['cohorts']:,} | {o['seconds']:.1f} "
                   f"| {o['rows_per_s'] or 0:,} | {o['peak_mib']:,} "
                   f"| {r['loads']['cohorts']['seconds']:.1f} "
                   f"| {r['in_process']['snapshot_warm_s']:.2f} | {cells} |")  # fmt: skip
    sections = [("warm", "In-process, warm snapshot, answers repeated (cached)"),
                ("cold", "In-process, a new snapshot per call (cold)"),
                ("cli", "Whole CLI calls (process start-up included)")]  # fmt: skip
    for mode, title in sections:
        if mode == "cli" and not any("cli" in r for r in runs):
            continue
        head = f"| backend | patients | {answers} |"
        out += ["", title, "", head, "|" + "---|" * (head.count("|") - 1)]
        for r in runs:
            cells = " | ".join(_cell(_answers(r, mode).get(k)) for k in KINDS)
            out.append(f"| {r['backend']} | {r['patients']:,} | {cells} |")
    return "\n".join(out)


def _log_axes(ax: Any, xs: list[int]) -> None:
    """Log scales, ticks at the measured sizes and at 1-2-5 steps of the y axis."""
    from matplotlib.ticker import FuncFormatter, LogLocator, NullFormatter

    ax.set(xscale="log", yscale="log")
    ax.set_xticks(sorted(set(xs)))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
    ax.yaxis.set_major_locator(LogLocator(subs=(1.0, 2.0, 5.0)))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(NullFormatter())
    ax.grid(True, which="major", alpha=0.3)


def plot(runs: list[dict[str, Any]], path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = dict(zip(KINDS, plt.get_cmap("tab10").colors, strict=False))
    styles = {"ladybug": ("-", "o"), "neo4j": ("--", "s")}
    fig, axes = plt.subplots(1, 3, figsize=(18, 5.8))
    panels = [(axes[0], "uncached", "in-process (warm snapshot, answers not cached)"),
              (axes[1], "cli", "whole CLI call")]  # fmt: skip
    backends = sorted({r["backend"] for r in runs})
    for ax, mode, label in panels:
        for backend in backends:
            mine = sorted((r for r in runs if r["backend"] == backend), key=lambda r: r["patients"])
            line, marker = styles[backend]
            for kind in KINDS:
                answers = [(r["patients"], _answers(r, mode).get(kind) or {}) for r in mine]
                points = [(n, a["p50_ms"]) for n, a in answers if "p50_ms" in a]
                if points:
                    xs, ys = zip(*points, strict=True)
                    ax.plot(xs, ys, line, marker=marker, color=colours[kind],
                            label=f"{kind} ({backend})")  # fmt: skip
        _log_axes(ax, [r["patients"] for r in runs])
        ax.set(xlabel="registered patients", ylabel="median answer time (ms)", title=label)
        if ax.lines:
            ax.legend(fontsize=7, ncol=2)
    ax = axes[2]
    for backend in backends:
        mine = sorted((r for r in runs if r["backend"] == backend), key=lambda r: r["patients"])
        line, marker = styles[backend]
        ax.plot([r["loads"]["outcomes"]["rows_read"] for r in mine],
                [r["loads"]["outcomes"]["seconds"] for r in mine], line, marker=marker,
                color="black", label=f"outcome load ({backend})")  # fmt: skip
    _log_axes(ax, [r["loads"]["outcomes"]["rows_read"] for r in runs])
    ax.set(xlabel="outcome rows loaded", ylabel="seconds", title="outcome load (child process)")
    ax.legend(fontsize=8)
    fig.suptitle(title)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text()
                .splitlines() if line.startswith("model name")), platform.processor())  # fmt: skip
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "ladybug": version("ladybug"),
        "neo4j_driver": version("neo4j"),
    }


# -- main ----------------------------------------------------------------------------------------
def sizes(patients: list[int], work: Path) -> Iterator[Size]:
    """The demo, then each size's generated registry (written as it is reached)."""
    yield Size("demo", bundled_patients(), bundled_cohorts(), BUNDLED_COHORTS, BUNDLED_OUTCOMES)
    for n in sorted(set(patients)):
        started = time.perf_counter()
        reg = write_registry(n, work / "registry")
        print(f"registry of {n:,} patients, {len(reg.cohorts):,} cohorts written in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        yield Size(str(n), n, reg.cohorts, reg.cohorts_csv, reg.outcomes_csv)


def main() -> None:
    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)
    parser = argparse.ArgumentParser(
        description="How loads and answers scale with a national-scale patient registry."
    )
    parser.add_argument(
        "--sizes",
        type=int,
        nargs="+",
        default=[10_000, 100_000, 400_000],
        help="registered patients per registry (each more than the demo's 120)",
    )
    parser.add_argument("--backend", choices=["ladybug", "neo4j", "both"], default="both")
    parser.add_argument(
        "--repeats", type=int, default=50, help="timed calls per answer, warm and uncached"
    )
    parser.add_argument(
        "--cold-repeats",
        type=int,
        default=10,
        help="timed calls per answer with a new snapshot each",
    )
    parser.add_argument("--cli-runs", type=int, default=7, help="CLI calls per answer")
    parser.add_argument(
        "--budget",
        type=float,
        default=60.0,
        help=f"seconds per answer and mode after which timing stops (once {MIN_CALLS} calls)",
    )
    parser.add_argument("--skip-cli", action="store_true", help="no whole CLI calls")
    parser.add_argument("--out-json", type=Path, help="default benchmarks/results/scale_DATE.json")
    parser.add_argument(
        "--plot", type=Path, default=ROOT / "docs" / "bench_scale.png", help="the PNG to write"
    )
    parser.add_argument(
        "--keep-stores",
        type=Path,
        metavar="DIR",
        help="write the registries and embedded stores here and keep them (and Neo4j's data)",
    )
    parser.add_argument("--force", action="store_true", help="empty a Neo4j that holds data")
    args = parser.parse_args()
    if min(args.sizes) <= bundled_patients():
        parser.error(f"--sizes: each more than the demo's {bundled_patients()} patients")
    if not args.skip_cli and not ONCOGRAPH.exists():
        raise SystemExit(f"{ONCOGRAPH} not found: install the project (make setup) or --skip-cli")
    backends = ["ladybug", "neo4j"] if args.backend == "both" else [args.backend]
    if not os.environ.get("NEO4J_URI"):
        if args.backend == "neo4j":
            raise SystemExit("neo4j: set NEO4J_URI (make bench-scale starts a server)")
        if "neo4j" in backends:
            print("NEO4J_URI not set: embedded backend only", flush=True)
            backends = ["ladybug"]
    if "neo4j" in backends:
        empty_neo4j(refuse_data=not args.force)
    today = dt.date.today().isoformat()
    out_json = args.out_json or ROOT / "benchmarks" / "results" / f"scale_{today}.json"
    results: dict[str, Any] = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
        "settings": {k: str(v) if isinstance(v, Path) else v for k, v in vars(args).items()}
        | {"backends": backends},
        "runs": [],
    }
    with tempfile.TemporaryDirectory(prefix="oncograph-scale-") as tmp:
        work = args.keep_stores or Path(tmp)
        for size in sizes(args.sizes, work):
            for backend in backends:
                target = Target(backend, work / f"{backend}-{size.label}" / "store")
                results["runs"].append(run_one(target, size, args))
                if backend == "ladybug" and not args.keep_stores:
                    shutil.rmtree(target.store.parent)
                out_json.parent.mkdir(parents=True, exist_ok=True)  # written as runs complete
                out_json.write_text(json.dumps(results, indent=2, default=str) + "\n")
        if "neo4j" in backends and not args.keep_stores:
            empty_neo4j(refuse_data=False)
    servers = {r["backend"]: r["server"] for r in results["runs"]}
    results["machine"] |= {f"{b}_server": v for b, v in servers.items()}
    out_json.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print("\n" + tables(results["runs"]) + "\n")
    m = results["machine"]
    versions = ", ".join(f"{b} {v}" for b, v in servers.items())
    title = f"oncograph at registry scale, {today} ({m['cores']} cores, {m['memory_gib']} GiB; "
    plot(results["runs"], args.plot, title + versions + ")")
    print(f"written {out_json} and {args.plot}")


if __name__ == "__main__":
    main()
