"""Load-throughput benchmark (run on demand, not a test): ``make bench`` or

    python benchmarks/bench_load.py [--nodes 100000] [--rels 1000000] [--backend ladybug|neo4j|both]

A synthetic graph of TumourType nodes and IS_A relationships (random distinct pairs, seed 42) is
loaded through the real loader path (:func:`graph_loader.framework.load`: batched writes,
provenance stamping, the engine's bulk path where the store has one, stale-fact check), timed
per phase, next to:

* a one-row-per-transaction baseline (the same write statements, one row per call, on a sample);
* on Neo4j, Neo4j's own ``LOAD CSV`` of the same rows (``CALL { } IN TRANSACTIONS``), the
  near-limit anchor, served over HTTP on 127.0.0.1 from a temporary directory.

Neo4j comes from NEO4J_URI (``make bench`` starts one from Maven artifacts when none is set).
Results are printed and written as JSON to benchmarks/results/.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import functools
import http.server
import json
import os
import platform
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph_loader.backends import StoreConfig, open_store  # noqa: E402
from graph_loader.backends.base import GraphStore  # noqa: E402
from graph_loader.framework import TransformResult, load, node_row, rel_row  # noqa: E402
from ontology.models import Rel, SourceInfo, TumourType  # noqa: E402
from ontology.vocab import Label, RelType  # noqa: E402

SOURCE = SourceInfo(name="benchmark", version="synthetic-1", licence="CC0 1.0")


def synthetic(n_nodes: int, n_rels: int, seed: int = 42) -> TransformResult:
    rng = random.Random(seed)
    nodes = [
        TumourType(
            id=f"T{i:07d}",
            code=f"T{i:07d}",
            name=f"Tumour type {i}",
            level=i % 7,
            tissue=f"Tissue {i % 40}",
            lookup_keys=[f"t{i:07d}"],
        )
        for i in range(n_nodes)
    ]
    pairs: set[tuple[int, int]] = set()
    while len(pairs) < n_rels:
        a, b = rng.randrange(n_nodes), rng.randrange(n_nodes)
        if a != b:
            pairs.add((a, b))
    rels = [
        Rel(
            type=RelType.IS_A,
            from_label=Label.TUMOUR_TYPE,
            from_id=f"T{a:07d}",
            to_label=Label.TUMOUR_TYPE,
            to_id=f"T{b:07d}",
        )
        for a, b in sorted(pairs)
    ]
    return TransformResult(source=SOURCE, nodes=nodes, rels=rels, rows_read=n_nodes)


class PhaseTimer:
    """Progress callback recording when each write phase ends."""

    def __init__(self) -> None:
        self.start = time.perf_counter()
        self.phases: dict[str, list[float]] = {}

    def __call__(self, step: str, done: int, total: int) -> None:
        now = time.perf_counter()
        first, _ = self.phases.get(step, [now, now])
        self.phases[step] = [first, now]


def one_row_baseline(store: GraphStore, result: TransformResult, n_nodes: int, n_rels: int) -> dict:
    run_id = "baseline"
    node_rows = [node_row(n, SOURCE, run_id) for n in result.nodes[:n_nodes]]
    t0 = time.perf_counter()
    for row in node_rows:
        store.write_nodes(Label.TUMOUR_TYPE, [row])
    node_rate = len(node_rows) / (time.perf_counter() - t0)
    sampled = {row["id"] for row in node_rows}
    rel_rows = [
        rel_row(r, SOURCE, run_id)
        for r in result.rels
        if r.from_id in sampled and r.to_id in sampled
    ][:n_rels]
    if len(rel_rows) < n_rels:  # the sample's own edges are few: add a chain among its nodes
        ids = [row["id"] for row in node_rows]
        extra = [
            {
                "from_id": ids[i],
                "to_id": ids[(i + 1) % len(ids)],
                "source": SOURCE.name,
                "source_version": SOURCE.version,
                "source_record_id": None,
                "run_id": run_id,
                "operator": None,
                "match_level": None,
            }
            for i in range(n_rels - len(rel_rows))
        ]
        rel_rows += extra
    t0 = time.perf_counter()
    for row in rel_rows:
        store.write_rels(RelType.IS_A, Label.TUMOUR_TYPE, Label.TUMOUR_TYPE, [row])
    rel_rate = len(rel_rows) / (time.perf_counter() - t0)
    return {
        "nodes_sampled": len(node_rows),
        "node_rows_per_s": round(node_rate),
        "rels_sampled": len(rel_rows),
        "rel_rows_per_s": round(rel_rate),
    }


def _csv_cell(value: object) -> str:
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def _load_csv_set(var: str, sample: dict, skip: tuple[str, ...] = ()) -> str:
    """``SET`` of every property the loader writes, each cast back from its CSV text."""
    sets = []
    for name, value in sample.items():
        if name in skip:
            continue
        cell = f"row.{name}"
        if isinstance(value, list):
            expr = f"CASE WHEN {cell} IS NULL THEN [] ELSE split({cell}, '|') END"
        elif isinstance(value, bool):
            expr = f"toBoolean({cell})"
        elif isinstance(value, int):
            expr = f"toInteger({cell})"
        else:
            expr = cell
        sets.append(f"{var}.{name} = {expr}")
    return ", ".join(sets)


def neo4j_load_csv(store: GraphStore, result: TransformResult) -> dict:
    """Neo4j's LOAD CSV of the same rows, over HTTP on loopback: the nodes with exactly the
    properties the loader writes for them (and, for reference, with the 9 columns of the
    benchmark's first version), and the relationships with the loader's properties."""
    nodes = [node_row(n, SOURCE, "csv") for n in result.nodes]
    rels = [{k: v for k, v in rel_row(r, SOURCE, "csv").items() if v is not None}
            for r in result.rels]  # fmt: skip
    node_cols, rel_cols = list(nodes[0]), list(rels[0])
    with tempfile.TemporaryDirectory() as tmp:
        for name, cols, rows in (("nodes.csv", node_cols, nodes), ("rels.csv", rel_cols, rels)):
            with Path(tmp, name).open("w", newline="") as fh:
                out = csv.writer(fh)
                out.writerow(cols)
                out.writerows([_csv_cell(row.get(c)) for c in cols] for row in rows)
        with Path(tmp, "nodes9.csv").open("w") as fh:
            fh.write("id,code,name,level,tissue\n")
            for n in result.nodes:
                fh.write(f"{n.id},{n.code},{n.name},{n.level},{n.tissue}\n")
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=tmp)
        handler.log_message = lambda *a, **k: None  # type: ignore[method-assign]
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        base = f"http://127.0.0.1:{server.server_address[1]}"
        statements = {
            "node": "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
            f"MERGE (n:TumourType {{id: row.id}}) SET {_load_csv_set('n', nodes[0], ('id',))} "
            "} IN TRANSACTIONS OF 10000 ROWS",
            "node9": "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
            "MERGE (n:TumourType {id: row.id}) SET n.code = row.code, n.name = row.name, "
            "n.level = toInteger(row.level), n.tissue = row.tissue, n.source = 'csv', "
            "n.source_version = '1', n.licence = 'CC0 1.0', n.run_id = 'csv' "
            "} IN TRANSACTIONS OF 10000 ROWS",
            "rel": "LOAD CSV WITH HEADERS FROM $url AS row CALL (row) { "
            "MATCH (a:TumourType {id: row.from_id}) MATCH (b:TumourType {id: row.to_id}) "
            "MERGE (a)-[r:IS_A {source: row.source}]->(b) "
            f"SET {_load_csv_set('r', rels[0], ('from_id', 'to_id', 'source'))} "
            "} IN TRANSACTIONS OF 10000 ROWS",
        }
        files = {"node": "nodes.csv", "node9": "nodes9.csv", "rel": "rels.csv"}
        seconds = {}
        try:
            for kind in ("node", "node9", "rel"):
                if kind == "node9":
                    store.wipe()
                t0 = time.perf_counter()
                store.run(statements[kind], {"url": f"{base}/{files[kind]}"})
                seconds[kind] = time.perf_counter() - t0
                if kind == "node9":  # the relationships need the nodes of the first kind
                    store.wipe()
                    store.run(statements["node"], {"url": f"{base}/nodes.csv"})
        finally:
            server.shutdown()
    return {
        "node_properties": len(node_cols),
        "node_s": round(seconds["node"], 2),
        "node_rows_per_s": round(len(nodes) / seconds["node"]),
        "node9_rows_per_s": round(len(nodes) / seconds["node9"]),
        "rel_properties": len(rel_cols) - 2,
        "rel_s": round(seconds["rel"], 2),
        "rel_rows_per_s": round(len(rels) / seconds["rel"]),
    }


def bench(backend: str, result: TransformResult, batch_size: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="oncograph-bench-") as tmp:
        return _bench(backend, result, batch_size, Path(tmp))


def _bench(backend: str, result: TransformResult, batch_size: int, tmp: Path) -> dict:
    if backend == "neo4j":
        config = StoreConfig.from_env()
        if config.neo4j is None:
            raise SystemExit("NEO4J_URI is not set: run `make bench`, or point it at a server")
    else:
        config = StoreConfig(store_dir=tmp / "batched")
    out: dict = {"backend": backend}
    with open_store(config, read_only=False, timeout=None) as store:  # LOAD CSV runs minutes
        if backend == "neo4j":
            held = "MATCH (n) WHERE NOT n:OncographPublication RETURN count(n) AS n"
            count = store.run(held)[0]["n"]
            if count:
                raise SystemExit(f"refusing to benchmark on a Neo4j holding {count} nodes")
        store.apply_schema()
        out["server"] = store.info().server_version
        timer = PhaseTimer()
        t0 = time.perf_counter()
        report = load(store, result, batch_size=batch_size, progress=timer)
        total_s = time.perf_counter() - t0
        rows = sum(report.nodes_written.values()) + sum(report.rels_written.values())
        out["batched"] = {
            "batch_size": batch_size,
            "total_s": round(total_s, 2),
            "rows_written": rows,
            "rows_per_s": round(rows / total_s),
            "phases_s": {k: round(v[1] - v[0], 2) for k, v in timer.phases.items()},
            "nodes_written": report.nodes_written,
            "rels_written": report.rels_written,
        }
        n_nodes = report.nodes_written.get("TumourType", 0)
        n_rels = report.rels_written.get("IS_A", 0)
        phase = timer.phases
        if "IS_A relationships" in phase:  # until the store's deferred bulk copies are done
            end = phase.get("written", phase["IS_A relationships"])[1]
            span = end - phase["TumourType nodes"][1]
            out["batched"]["is_a_rows_per_s"] = round(n_rels / span)
        if "TumourType nodes" in phase:  # from the first write (the file read and validated)
            out["batched"]["node_rows_per_s"] = round(
                n_nodes / (phase["TumourType nodes"][1] - phase["writing"][0])
            )
            out["batched"]["validate_s"] = round(phase["writing"][0] - timer.start, 2)
        if backend == "neo4j":
            store.wipe()
            out["one_row_per_transaction"] = one_row_baseline(store, result, 2000, 2000)
            store.wipe()
        else:  # a fresh store: right after a mass delete, small LadybugDB writes are slower
            fresh = StoreConfig(store_dir=tmp / "one-row")
            with open_store(fresh, read_only=False) as other:
                other.apply_schema()
                out["one_row_per_transaction"] = one_row_baseline(other, result, 2000, 2000)
        if backend == "neo4j":
            out["neo4j_load_csv"] = neo4j_load_csv(store, result)
            store.wipe()
    return out


def main() -> None:
    import logging

    logging.getLogger("neo4j.notifications").setLevel(logging.ERROR)  # plain-HTTP LOAD CSV notice
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--rels", type=int, default=1_000_000)
    parser.add_argument("--batch-size", type=int, default=10_000)
    parser.add_argument("--backend", choices=["ladybug", "neo4j", "both"], default="both")
    args = parser.parse_args()
    t0 = time.perf_counter()
    result = synthetic(args.nodes, args.rels)
    print(
        f"synthetic graph: {args.nodes:,} nodes, {args.rels:,} relationships "
        f"(built in {time.perf_counter() - t0:.1f} s)",
        flush=True,
    )
    backends = ["ladybug", "neo4j"] if args.backend == "both" else [args.backend]
    if args.backend == "both" and not os.environ.get("NEO4J_URI"):
        print("NEO4J_URI not set: embedded backend only", flush=True)
        backends = ["ladybug"]
    results = {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}",
        "nodes": args.nodes,
        "rels": args.rels,
        "runs": [],
    }
    for backend in backends:
        print(f"-- {backend}", flush=True)
        run = bench(backend, result, args.batch_size)
        print(json.dumps(run, indent=2), flush=True)
        results["runs"].append(run)
    out_dir = Path(__file__).parent / "results"
    out_dir.mkdir(exist_ok=True)
    out = out_dir / f"load_{dt.date.today().isoformat()}.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"written {out}")


if __name__ == "__main__":
    main()
