"""Readers beside a load (issue #13), on both backends.

Readers run in a loop, each read one statement, for the whole of a CIViC load (the bundled
2025-07-01 release over the 2024-08-01 cut): no read fails, and every read sees the graph before
the load or after it, never a mixture. On the embedded store the readers are other processes (as
a web server or a second terminal would be); on Neo4j, threads with their own read sessions.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from graph_loader import bundled_path, load_file
from graph_loader.backends.ladybug_store import LadybugStore
from graph_loader.backends.neo4j_store import Neo4jStore
from tests.conftest import FIXTURES

OLD = FIXTURES / "civic" / "2024-08-01"
# One statement, so one consistent read: the load's facts and the run they came from.
FINGERPRINT = (
    "MATCH (e:Evidence) WHERE e.source = 'civic' "
    "WITH count(e) AS evidence, collect(DISTINCT e.source_version) AS versions "
    "OPTIONAL MATCH (a)-[r]->(b) WHERE r.source = 'civic' "
    "RETURN evidence, versions, count(r) AS relationships"
)

READER = """
import json, sys, time
from pathlib import Path
from graph_loader.backends.ladybug_store import LadybugStore
store, stop, out, query = sys.argv[1:5]
reads = []
while not Path(stop).exists():
    started = time.time()
    try:
        with LadybugStore(store, read_only=True) as s:
            row = s.read(query)[0]
        reads.append({"started": started, "ended": time.time(), "row": [
            row["evidence"], sorted(row["versions"]), row["relationships"]]})
    except Exception as exc:  # every failure is a finding: record it, go on
        reads.append({"started": started, "ended": time.time(), "error": repr(exc)})
Path(out).write_text(json.dumps(reads))
"""


def _state(row: dict) -> list:
    return [row["evidence"], sorted(row["versions"]), row["relationships"]]


def _check(reads: list[dict], before: list, after: list, load_start: float, load_end: float):
    assert before != after
    errors = [r["error"] for r in reads if "error" in r]
    assert errors == [], errors[:3]
    seen = [r["row"] for r in reads]
    mixtures = [row for row in seen if row not in (before, after)]
    assert mixtures == [], mixtures[:3]
    during = [r for r in reads if r["started"] >= load_start and r["ended"] <= load_end]
    assert len(during) >= 3, f"only {len(during)} reads ran inside the load"  # not vacuous
    return during


def _loaded_with_the_old_release(store) -> None:
    for name in ("oncotree", "hgnc"):
        load_file(store, name, bundled_path(name))
    load_file(store, "civic", OLD)


def _embedded_with_the_old_release(tmp_path: Path) -> Path:
    store_dir = tmp_path / "store"
    with LadybugStore(store_dir, read_only=False) as store:
        store.apply_schema()
        _loaded_with_the_old_release(store)
    return store_dir


def test_embedded_readers_see_the_old_or_the_new_graph(tmp_path):
    store_dir = _embedded_with_the_old_release(tmp_path)
    with LadybugStore(store_dir, read_only=True) as reader:
        before = _state(reader.read(FINGERPRINT)[0])
    stop = tmp_path / "stop"
    outs = [tmp_path / f"reads{i}.json" for i in range(2)]
    root = Path(__file__).resolve().parent.parent
    readers = [
        subprocess.Popen(
            [sys.executable, "-c", READER, str(store_dir), str(stop), str(out), FINGERPRINT],
            cwd=root,
        )
        for out in outs
    ]
    try:
        time.sleep(1.0)  # the readers are reading the old graph
        load_start = time.time()
        with LadybugStore(store_dir, read_only=False) as store:
            report = load_file(store, "civic", bundled_path("civic"))
        load_end = time.time()
        assert report.status == "complete"
        time.sleep(1.0)  # and now the new one
    finally:
        stop.touch()
        for proc in readers:
            proc.wait(timeout=60)
    with LadybugStore(store_dir, read_only=True) as reader:
        after = _state(reader.read(FINGERPRINT)[0])
    reads = [r for out in outs for r in json.loads(out.read_text())]
    _check(reads, before, after, load_start, load_end)
    assert {json.dumps(r["row"]) for r in reads} == {json.dumps(before), json.dumps(after)}


def test_embedded_failed_load_leaves_what_readers_saw(tmp_path, monkeypatch):
    """A load that fails half-way: readers keep the graph of before (the copy is dropped), and
    the run is recorded as failed."""
    from graph_loader import framework

    store_dir = _embedded_with_the_old_release(tmp_path)
    with LadybugStore(store_dir, read_only=True) as reader:
        before = _state(reader.read(FINGERPRINT)[0])
    calls = {"n": 0}
    real = LadybugStore.write_rels

    def failing(self, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise RuntimeError("disk full (simulated)")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(LadybugStore, "write_rels", failing)
    with (
        LadybugStore(store_dir, read_only=False) as store,
        pytest.raises(framework.LoadError, match="Readers never saw any of it"),
    ):
        load_file(store, "civic", bundled_path("civic"))
    with LadybugStore(store_dir, read_only=True) as reader:
        assert _state(reader.read(FINGERPRINT)[0]) == before
        runs = reader.read(
            "MATCH (s:Source {name: 'civic'}) RETURN s.version AS v, s.last_run_status AS s "
            "ORDER BY v"
        )
    assert runs == [{"v": "2024-08-01", "s": "complete"}, {"v": "2025-07-01", "s": "failed"}]
    assert sorted(p.name for p in store_dir.iterdir()) == ["graph.lbdb", "write.lock"]


def test_a_second_writer_is_told_who_holds_the_store(tmp_path):
    from ontology.errors import StoreError

    with LadybugStore(tmp_path / "store", read_only=False) as first:
        first.apply_schema()
        with pytest.raises(StoreError, match=r"open for writing by pid \d+"):
            LadybugStore(tmp_path / "store", read_only=False)


@pytest.mark.neo4j
def test_neo4j_readers_see_the_old_or_the_new_graph(neo4j_store):
    store = neo4j_store
    _loaded_with_the_old_release(store)
    before = _state(store.read(FINGERPRINT)[0])
    stop = threading.Event()
    reads: list[dict] = []

    def reader() -> None:
        with Neo4jStore(store.settings, read_only=True) as handle:
            while not stop.is_set():
                started = time.time()
                try:
                    row = _state(handle.read(FINGERPRINT)[0])
                    reads.append({"started": started, "ended": time.time(), "row": row})
                except Exception as exc:
                    reads.append({"started": started, "ended": time.time(), "error": repr(exc)})

    threads = [threading.Thread(target=reader) for _ in range(2)]
    for t in threads:
        t.start()
    try:
        time.sleep(1.0)
        load_start = time.time()
        report = load_file(store, "civic", bundled_path("civic"))
        load_end = time.time()
        assert report.status == "complete"
        time.sleep(1.0)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=60)
    after = _state(store.read(FINGERPRINT)[0])
    _check(reads, before, after, load_start, load_end)


@pytest.mark.neo4j
def test_neo4j_a_warmed_snapshot_is_of_one_state(neo4j_store):
    """A snapshot is read by many statements. A whole load published between its first
    statement and the rest (here made to happen there) makes the warm-up read it all again, so
    the snapshot is wholly of the graph after, not sources of before with evidence of after."""
    from queries.snapshot import Snapshot

    store = neo4j_store
    _loaded_with_the_old_release(store)

    def signature(snap: Snapshot) -> tuple:
        civic = sorted((r.version, r.last_run_status) for r in snap.sources if r.name == "civic")
        return (len(snap.evidence), sum(map(len, snap.predictive.values())), tuple(civic))

    class Handle:
        """A read-only handle that counts its statements and, if asked, lets a whole load
        complete right after its first one."""

        def __init__(self, reader: Neo4jStore, load: bool) -> None:
            self.reader, self.load, self.reads = reader, load, 0
            self.publication = reader.publication

        def read(self, cypher: str, params: dict | None = None) -> list[dict]:
            self.reads += 1
            rows = self.reader.read(cypher, params)
            if self.load and self.reads == 1:
                assert load_file(store, "civic", bundled_path("civic")).status == "complete"
            return rows

    with Neo4jStore(store.settings, read_only=True) as reader:
        quiet = Handle(reader, load=False)
        before = signature(Snapshot(quiet).warm())
        racing = Handle(reader, load=True)
        warmed = signature(Snapshot(racing).warm())
        after = signature(Snapshot(reader).warm())
    assert before != after
    assert warmed == after  # without the counter: sources of before, evidence of after
    assert racing.reads >= 2 * quiet.reads  # it did read everything again
