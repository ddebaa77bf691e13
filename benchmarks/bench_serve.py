"""Load test of ``oncograph serve`` (run on demand, not a test): ``make bench-serve`` or

    python benchmarks/bench_serve.py [--backend ladybug|neo4j|both] [--clients 20]
                                     [--seconds 40] [--workers 1] [--no-load]

The server runs as its own process (``oncograph serve`` on 127.0.0.1, a free port) over the demo
data; an asyncio client (httpx) keeps ``--clients`` requests in flight for ``--seconds``, each
client picking at random (seed 7) among the tumour board's and HTA staff's calls:

* chain: ``GET /api/v1/chain`` for one of eight alteration x tumour pairs;
* report: ``POST /api/v1/report`` with a patient of three to five alterations;
* gaps: ``GET /api/v1/gaps`` with a tumour type, drug or kind filter.

A third of the way in, a load of a source starts in another process (CIViC's 2024-08-01 cut over
the demo's 2025-07-01 release) and completes while the clients run: the server must pick it up
without a restart (its served versions change) and without a failed request. Per endpoint the
medians and 95th percentiles are printed and written as JSON to benchmarks/results/. The
client shares the machine's cores with the server, so figures are upper bounds of what the
server alone would show.

Neo4j comes from NEO4J_URI (``make bench-serve`` starts one from Maven artifacts when none is
set); the benchmark refuses a database holding data it did not put there.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

import httpx

ROOT = Path(__file__).resolve().parents[1]
OLD_CIVIC = ROOT / "tests" / "fixtures" / "civic" / "2024-08-01"
GUARD = "OncographBenchGuard"
# taken out of the environment, so that the embedded runs' commands cannot pick Neo4j up from it
NEO4J_URI = os.environ.pop("NEO4J_URI", None)

CHAINS = [("BRAF", "V600E", "MEL"), ("EGFR", "L858R", "NSCLC"), ("ALK", "fusion", "NSCLC"),
          ("KRAS", "G12C", "NSCLC"), ("EGFR", "exon 19 deletion", "LUAD"),
          ("BRAF", "V600E", "COAD"), ("ERBB2", "amplification", "BRCA"),
          ("MET", "exon 14 skipping", "NSCLC")]  # fmt: skip
PATIENT = ["BRAF V600E", "KRAS G12C", "TP53 R175H", "PIK3CA E545K", "EGFR L858R", "EML4::ALK",
           "ERBB2 amplification", "MSI-H", "NRAS Q61K", "IDH1 R132H"]  # fmt: skip
TUMOURS = ["NSCLC", "COAD", "MEL", "BRCA", "LUAD"]
GAPS = [{"tumour": "NSCLC"}, {"drug": "osimertinib"}, {"kind": "fda-without-ema"},
        {"kind": "evidence-without-decision", "tumour": "MEL"}, {}]  # fmt: skip


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oncograph(store_args: list[str], *args: str) -> list[str]:
    return [sys.executable, "-c", "from cli import main; main()", *store_args, *args]


def prepare(backend: str, tmp: Path) -> list[str]:
    """The demo in a fresh embedded store, or in the Neo4j of NEO4J_URI; the store options."""
    if backend == "ladybug":
        store = ["--store", str(tmp / "store")]
    else:
        uri = NEO4J_URI
        if not uri:
            raise SystemExit("neo4j: set NEO4J_URI (make bench-serve starts a server)")
        store = ["--neo4j-uri", uri]
        claim = (f"MATCH (n) WHERE NOT n:{GUARD} WITH count(n) AS others "
                 f"OPTIONAL MATCH (g:{GUARD}) RETURN others, count(g) AS guard")  # fmt: skip
        out = subprocess.run(oncograph(store, "cypher", "--format", "json", claim),
                             capture_output=True, text=True, cwd=ROOT, check=True)  # fmt: skip
        row = json.loads(out.stdout)[0]
        if row["others"] and not row["guard"]:
            raise SystemExit(f"refusing to use {uri}: it holds data this benchmark did not load")
        subprocess.run(oncograph(store, "cypher", "--write", "MATCH (n) DETACH DELETE n"),
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
        subprocess.run(oncograph(store, "cypher", "--write", f"CREATE (:{GUARD})"),
                       cwd=ROOT, check=True, capture_output=True)  # fmt: skip
    subprocess.run(oncograph(store, "demo"), cwd=ROOT, check=True, capture_output=True)
    return store


class Connection:
    """One keep-alive HTTP/1.1 connection on asyncio streams: a client that costs little CPU, so
    that the server, not the client, is what is measured (httpx's async client took about as
    much CPU per request as the server on this 2-core machine)."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, body: bytes | None = None) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        head = f"{method} {path} HTTP/1.1\r\nHost: {self.host}\r\n"
        if body is not None:
            head += f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        self.writer.write(head.encode() + b"\r\n" + (body or b""))
        status_line = await self.reader.readline()
        status = int(status_line.split()[1])
        length, chunked = 0, False
        while (line := await self.reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode().partition(":")
            if name.lower() == "content-length":
                length = int(value)
            elif name.lower() == "transfer-encoding" and "chunked" in value:
                chunked = True
        if not chunked:
            return status, await self.reader.readexactly(length)
        data = b""
        while size := int((await self.reader.readline()).strip(), 16):
            data += await self.reader.readexactly(size + 2)
        await self.reader.readline()
        return status, data

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


# --cold: requests the server has not answered before (its caches do not help): a chain as of a
# random day (the day is part of the answer's key), a report in one of many tumour types with
# alterations from a longer list
COLD_TUMOURS = ["NSCLC", "COAD", "MEL", "BRCA", "LUAD", "LUSC", "READ", "PAAD", "STAD", "HGSOC",
                "PRAD", "BLCA", "GB", "THPA", "CHOL", "ESCA", "HNSC", "UCEC", "SKCM", "GIST",
                "CCRCC", "HCC", "SCLC", "MPN", "AML", "CLLSLL", "LUAS", "IDC", "ILC",
                "COADREAD"]  # fmt: skip
COLD_PATIENT = PATIENT + ["BRAF V600K", "KRAS G12D", "KRAS G12V", "NRAS Q61R", "PIK3CA H1047R",
                          "EGFR T790M", "EGFR exon 19 deletion", "ERBB2 V777L", "MET amplification",
                          "ROS1 fusion", "RET fusion", "NTRK1 fusion", "FGFR2 fusion", "IDH2 R140Q",
                          "KIT D816V", "PDGFRA D842V", "BRCA1 mutation", "BRCA2 mutation",
                          "ESR1 D538G", "AKT1 E17K"]  # fmt: skip


async def client(conn: Connection, rng: random.Random, until: float,
                 out: list[tuple[str, float, float, int]], cold: bool = False) -> None:  # fmt: skip
    while time.monotonic() < until:
        kind = rng.choice(("chain", "chain", "report", "gaps"))
        started = time.perf_counter()
        if kind == "chain":
            gene, alteration, tumour = rng.choice(CHAINS)
            query = {"gene": gene, "alteration": alteration, "tumour": tumour}
            if cold:
                day = dt.date(2010, 1, 1) + dt.timedelta(days=rng.randrange(6000))
                query["as_of"] = day.isoformat()
            status, _ = await conn.request("GET", "/api/v1/chain?" + urlencode(query))
        elif kind == "report":
            tumours, patient = (COLD_TUMOURS, COLD_PATIENT) if cold else (TUMOURS, PATIENT)
            body = {"tumour": rng.choice(tumours),
                    "alterations": rng.sample(patient, rng.randint(3, 5))}  # fmt: skip
            status, _ = await conn.request("POST", "/api/v1/report", json.dumps(body).encode())
        else:
            path = "/api/v1/gaps?" + urlencode(rng.choice(GAPS) | {"limit": 50})
            status, _ = await conn.request("GET", path)
        out.append((kind, time.monotonic(), time.perf_counter() - started, status))


def percentiles(times: list[float]) -> dict:
    times = sorted(times)
    if len(times) < 2:
        return {"requests": len(times)}
    q = statistics.quantiles(times, n=100, method="inclusive")
    return {"requests": len(times), "p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1),
            "p99_ms": round(q[98], 1), "max_ms": round(times[-1], 1)}  # fmt: skip


async def drive(base: str, clients: int, seconds: float, load: list[str] | None,
                cold: bool = False) -> dict:  # fmt: skip
    results: list[tuple[str, float, float, int]] = []
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        before = (await http.get("/api/v1/service-info")).json()["data_releases"]
        for gene, alteration, tumour in CHAINS:  # warm-up: not counted
            await http.get("/api/v1/chain", params={"gene": gene, "alteration": alteration,
                                                     "tumour": tumour})  # fmt: skip
    host, port = base.removeprefix("http://").split(":")
    conns = [Connection(host, int(port)) for _ in range(clients)]
    start = time.monotonic()
    until = start + seconds
    tasks = [asyncio.create_task(client(conns[i], random.Random(7 + i), until, results, cold))
             for i in range(clients)]  # fmt: skip
    load_info: dict = {}
    window = (until, until)
    if load:
        await asyncio.sleep(seconds / 3)
        t0 = time.monotonic()
        proc = await asyncio.create_subprocess_exec(*load, cwd=ROOT,
                                                    stdout=asyncio.subprocess.DEVNULL,
                                                    stderr=asyncio.subprocess.PIPE)  # fmt: skip
        _, err = await proc.communicate()
        t1 = time.monotonic()
        window = (t0, t1 + 3.0)  # the load, and the server's refresh after it
        load_info = {"started_s": round(t0 - start, 1), "took_s": round(t1 - t0, 1),
                     "exit": proc.returncode,
                     "error": err.decode()[-400:] if proc.returncode else None}  # fmt: skip
    await asyncio.gather(*tasks)
    elapsed = time.monotonic() - start
    for conn in conns:
        conn.close()
    await asyncio.sleep(2.5)  # the server checks for a new state about every second
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        after = (await http.get("/api/v1/service-info")).json()["data_releases"]
    failed = [(k, s) for k, _, _, s in results if s != 200]
    phases: dict[str, dict[str, list[float]]] = {"all": {}, "steady": {}, "during load": {}}
    for kind, at, taken, _status in results:
        phase = "during load" if window[0] <= at <= window[1] else "steady"
        for name in ("all", phase):
            phases[name].setdefault(kind, []).append(taken * 1000)
    summary = {name: {kind: percentiles(times) for kind, times in sorted(kinds.items())}
               for name, kinds in phases.items() if kinds}  # fmt: skip
    return {
        "requests": len(results), "failed": len(failed), "failures": failed[:10],
        "throughput_rps": round(len(results) / elapsed, 1), "endpoints": summary,
        "load": load_info,
        "versions_before": sorted(f"{d['name']}@{d['version']}" for d in before),
        "versions_after": sorted(f"{d['name']}@{d['version']}" for d in after),
    }  # fmt: skip


def run(backend: str, args: argparse.Namespace) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="bench-serve-"))
    try:
        store = prepare(backend, tmp)
        port = free_port()
        server = subprocess.Popen(
            oncograph(store, "serve", "--port", str(port), "--workers", str(args.workers)),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit(f"{backend}: the server did not start")
                time.sleep(0.2)
            load = None if args.no_load else oncograph(store, "load", "civic", str(OLD_CIVIC),
                                                       "--allow-shrink")  # fmt: skip
            result = asyncio.run(drive(base, args.clients, args.seconds, load, args.cold))
        finally:
            server.terminate()
            server.wait(timeout=30)
        return {"backend": backend, "clients": args.clients, "seconds": args.seconds,
                "workers": args.workers, "cold": args.cold, **result}  # fmt: skip
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["ladybug", "neo4j", "both"], default="both")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=40)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-load", action="store_true", help="No source load during the run.")
    parser.add_argument(
        "--cold",
        action="store_true",
        help="Requests the server's caches have not seen (see COLD_* above).",
    )
    args = parser.parse_args()
    backends = ["ladybug", "neo4j"] if args.backend == "both" else [args.backend]
    if args.backend == "both" and not NEO4J_URI:
        print("no NEO4J_URI: the embedded store only", file=sys.stderr)
        backends = ["ladybug"]
    machine = {"python": platform.python_version(), "cpus": os.cpu_count(),
               "platform": platform.platform()}  # fmt: skip
    runs = []
    for backend in backends:
        r = run(backend, args)
        runs.append(r)
        label = f"{backend}{' (cold)' if args.cold else ''}"
        print(f"\n{label}: {r['requests']:,} requests in {r['seconds']:g} s "
              f"({r['throughput_rps']} req/s), {r['failed']} failed; load {r['load']}")  # fmt: skip
        print(f"  {'phase':<12} {'endpoint':<8} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} "
              f"{'p99 ms':>8} {'max ms':>8}")  # fmt: skip
        for phase, kinds in r["endpoints"].items():
            for kind, s in kinds.items():
                print(f"  {phase:<12} {kind:<8} {s['requests']:>8} {s.get('p50_ms', '-'):>8} "
                      f"{s.get('p95_ms', '-'):>8} {s.get('p99_ms', '-'):>8} "
                      f"{s.get('max_ms', '-'):>8}")  # fmt: skip
        changed = sorted(set(r["versions_after"]) - set(r["versions_before"]))
        print(f"  served after the run, new: {', '.join(changed) or 'nothing'}")
    out = ROOT / "benchmarks" / "results" / f"serve-{dt.datetime.now():%Y%m%dT%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps({"machine": machine, "runs": runs}, indent=2) + "\n", "utf-8")
    print(f"\nwrote {out}")
    if any(r["failed"] or (r["load"] and r["load"].get("exit")) for r in runs):
        sys.exit(1)


if __name__ == "__main__":
    main()
