"""The loader framework on both backends: idempotent, failure-safe, converging, reporting."""

from __future__ import annotations

import json

import pytest

from graph_loader import bundled_path, load, load_file, transform_file
from graph_loader.backends.base import GraphStore
from graph_loader.files import RawFile
from ontology.errors import InputFileError, LoadError, RejectedRowsError
from ontology.models import Rel
from ontology.vocab import Label, RelType
from tests.conftest import FIXTURES, reader_for, snapshot

SMALL_JSON = FIXTURES / "oncotree_2025_10_03_small.json"
RUN_SPECIFIC = (
    "run_id",
    "last_run_id",
    "last_run_started_at",
    "last_run_finished_at",
    "last_complete_run_id",
)


def _tumour_ids(store: GraphStore) -> set[str]:
    return {r["id"] for r in store.run("MATCH (t:TumourType) RETURN t.id AS id")}


def _isa(store: GraphStore) -> set[tuple[str, str]]:
    rows = store.run("MATCH (a:TumourType)-[:IS_A]->(b:TumourType) RETURN a.id AS a, b.id AS b")
    return {(r["a"], r["b"]) for r in rows}


def test_oncotree_loads_completely_and_reports(store):
    report = load_file(store, "oncotree", bundled_path("oncotree"))
    assert report.status == "complete"
    assert report.nodes_written == {"TumourType": 898}
    # a source's own facts carry their provenance (no FROM_SOURCE edge into the one Source node)
    assert report.rels_written == {"IS_A": 897}
    assert report.rows_rejected == 0 and report.missing_endpoints == {}
    assert len(_tumour_ids(store)) == 898
    assert ("LUAD", "NSCLC") in _isa(store) and ("NSCLC", "LUNG") in _isa(store)
    row = store.run(
        "MATCH (t:TumourType {id: 'LUAD'}) "
        "MATCH (s:Source {name: t.source, version: t.source_version}) "
        "RETURN t.source AS source, t.source_version AS version, t.licence AS licence, "
        "t.run_id AS run_id, s.id AS sid, s.last_run_status AS status, "
        "s.last_complete_run_id AS complete"
    )[0]
    assert row["source"] == "oncotree" and row["version"] == "2025-10-03"
    assert row["licence"] == "CC BY 4.0" and row["sid"] == "oncotree@2025-10-03"
    assert row["status"] == "complete" and row["run_id"] == row["complete"] == report.run_id


def test_loading_twice_leaves_identical_counts_and_properties(store):
    load_file(store, "oncotree", bundled_path("oncotree"))
    load_file(store, "hgnc", FIXTURES / "hgnc_small.tsv")
    first = snapshot(store, ignore=RUN_SPECIFIC)
    second_report = load_file(store, "oncotree", bundled_path("oncotree"))
    load_file(store, "hgnc", FIXTURES / "hgnc_small.tsv")
    assert snapshot(store, ignore=RUN_SPECIFIC) == first
    assert second_report.removed_nodes == {} and second_report.removed_rels == {}
    # Every fact now carries the second run's id: nothing was left from the first run.
    assert {r["r"] for r in store.run("MATCH (t:TumourType) RETURN DISTINCT t.run_id AS r")} == {
        second_report.run_id
    }


@pytest.mark.parametrize(
    "fixture",
    [
        "oncotree_2025_10_03_truncated.json",
        "oncotree_2025_10_03_cycle.tsv",
        "oncotree_2025_10_03_broken_utf8.tsv",
    ],
)
def test_a_malformed_file_is_rejected_and_the_graph_is_unchanged(store, fixture):
    load_file(store, "oncotree", SMALL_JSON)
    before = snapshot(store)  # run ids included: not one fact may be touched
    with pytest.raises(InputFileError) as err:
        load_file(store, "oncotree", FIXTURES / fixture)
    assert fixture in str(err.value)
    assert snapshot(store) == before


def test_rejected_rows_are_reported_and_strict_mode_writes_nothing(store):
    load_file(store, "oncotree", SMALL_JSON)
    before = snapshot(store)
    with pytest.raises(RejectedRowsError, match="4 row"):
        load_file(store, "oncotree", FIXTURES / "oncotree_2025_10_03_bad_rows.tsv", strict=True)
    assert snapshot(store) == before
    report = load_file(store, "oncotree", FIXTURES / "oncotree_2025_10_03_bad_rows.tsv")
    assert report.rejected == {
        "malformed row": 1,
        "missing code": 1,
        "unknown parent": 1,
        "duplicate code": 1,
    }
    assert any(":14: unknown parent (ZZORPHAN -> NOPARENT)" in e for e in report.rejected_examples)
    assert _tumour_ids(store) == {n.id for n in transform_file("oncotree", SMALL_JSON).nodes}


class FailingStore:
    """Delegates to a real store, failing the n-th relationship batch (a crash mid-load)."""

    def __init__(self, inner: GraphStore, fail_at: int) -> None:
        self._inner, self._fail_at, self._count = inner, fail_at, 0

    def write_rels(self, *args, **kwargs):
        self._count += 1
        if self._count == self._fail_at:
            raise RuntimeError("connection lost")
        return self._inner.write_rels(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._inner, name)


def test_a_failed_load_keeps_every_fact_and_a_rerun_converges(store, tmp_path):
    # Reference: what an uninterrupted load of the newer file gives on its own.
    old = json.loads(SMALL_JSON.read_text("utf-8"))
    new = json.loads(SMALL_JSON.read_text("utf-8"))
    lung = new["TISSUE"]["children"]["LUNG"]
    lung["name"] = "Lung (renamed in this release)"
    del lung["children"]["NSCLC"]["children"]["LUSC"]
    new_raw = RawFile("oncotree_2025_10_03.json", json.dumps(new).encode())
    old_raw = RawFile("oncotree_2025_10_03.json", json.dumps(old).encode())

    load(store, transform_file("oncotree", new_raw))
    clean = snapshot(store, ignore=RUN_SPECIFIC)
    store.wipe()

    load(store, transform_file("oncotree", old_raw))
    before_ids, before_edges = _tumour_ids(store), _isa(store)
    with pytest.raises(LoadError, match="connection lost.*re-run"):
        load(FailingStore(store, fail_at=2), transform_file("oncotree", new_raw), batch_size=10)
    # Nothing that was there is gone (LUSC included), and the source says the run failed.
    assert _tumour_ids(store) == before_ids and _isa(store) == before_edges
    status = store.run(
        "MATCH (s:Source {id: 'oncotree@2025-10-03'}) RETURN s.last_run_status AS s"
    )[0]["s"]
    assert status == "failed"

    report = load(store, transform_file("oncotree", new_raw))
    assert report.removed_nodes == {"TumourType": 1}
    assert snapshot(store, ignore=RUN_SPECIFIC) == clean
    assert "LUSC" not in _tumour_ids(store)


def test_a_newer_release_replaces_the_older_ones_facts(store):
    load_file(store, "oncotree", SMALL_JSON)
    assert "LUSC" in _tumour_ids(store)
    smaller = json.loads(SMALL_JSON.read_text("utf-8"))
    del smaller["TISSUE"]["children"]["LUNG"]["children"]["NSCLC"]["children"]["LUSC"]
    raw = RawFile("oncotree_2026_05_21.json", json.dumps(smaller).encode())
    report = load(store, transform_file("oncotree", raw))
    assert report.removed_nodes == {"TumourType": 1}
    assert "LUSC" not in _tumour_ids(store) and ("LUSC", "NSCLC") not in _isa(store)
    versions = store.run("MATCH (t:TumourType) RETURN DISTINCT t.source_version AS v")
    assert [r["v"] for r in versions] == ["2026-05-21"]
    # The older release's Source node stays as history.
    assert (
        store.run("MATCH (s:Source {id: 'oncotree@2025-10-03'}) RETURN count(s) AS n")[0]["n"] == 1
    )


def test_a_reload_removes_the_fact_links_of_stores_written_before_issue_15(store):
    """Stores written before facts carried their own provenance have a FROM_SOURCE edge from
    every fact; the next load of the source removes them as stale (its run writes none)."""
    load_file(store, "oncotree", SMALL_JSON)
    store.run(
        "MATCH (t:TumourType {id: 'LUAD'}), (s:Source {id: 'oncotree@2025-10-03'}) "
        "CREATE (t)-[:FROM_SOURCE {source: 'oncotree', run_id: 'old-run'}]->(s)"
    )
    report = load_file(store, "oncotree", SMALL_JSON)
    assert report.removed_rels == {"FROM_SOURCE": 1}
    count = "MATCH (:TumourType)-[r:FROM_SOURCE]->(:Source) RETURN count(r) AS n"
    assert store.run(count)[0]["n"] == 0


def test_relationships_to_missing_nodes_are_counted_not_stub_created(store):
    result = transform_file("oncotree", SMALL_JSON)
    result.rels.append(
        Rel(
            type=RelType.IS_A,
            from_label=Label.TUMOUR_TYPE,
            from_id="LUAD",
            to_label=Label.TUMOUR_TYPE,
            to_id="NOT_THERE",
        )
    )
    report = load(store, result)
    assert report.missing_endpoints == {"IS_A": 1}
    assert "no TumourType 'NOT_THERE'" in report.missing_endpoint_examples[0]
    assert "NOT_THERE" not in _tumour_ids(store)


def test_duplicate_ids_in_one_batch_keep_the_last_row(store):
    store.write_nodes(
        Label.GENE,
        [
            _gene_row("HGNC:1", "FIRST"),
            _gene_row("HGNC:1", "LAST"),
            _gene_row("HGNC:2", "OTHER"),
        ],
    )
    rows = store.run("MATCH (g:Gene) RETURN g.id AS id, g.symbol AS s ORDER BY id")
    assert [(r["id"], r["s"]) for r in rows] == [("HGNC:1", "LAST"), ("HGNC:2", "OTHER")]


def test_values_round_trip_with_their_types(store):
    load_file(store, "hgnc", FIXTURES / "hgnc_small.tsv")
    import datetime as dt

    row = store.run(
        "MATCH (g:Gene {id: 'HGNC:3430'}) RETURN g.symbol AS s, g.aliases AS a, "
        "g.date_modified AS d, g.normalised AS n"
    )[0]
    assert row["s"] == "ERBB2" and isinstance(row["a"], list) and "HER2" in row["a"]
    assert isinstance(row["d"], dt.date) and row["n"] is True


def test_schema_is_applied_idempotently_and_present(store):
    assert store.missing_schema() == []
    assert store.apply_schema() == []


def test_a_read_only_handle_cannot_load(store):
    with reader_for(store) as reader, pytest.raises(Exception, match="read-only"):
        load_file(reader, "oncotree", SMALL_JSON)


def _gene_row(gid: str, symbol: str) -> dict:
    from ontology.metagraph import node_properties

    row = {s.name: None for s in node_properties(Label.GENE)}
    row.update(
        id=gid,
        symbol=symbol,
        source="t",
        source_version="1",
        licence="x",
        run_id="r",
        aliases=[],
        previous_symbols=[],
        uniprot_ids=[],
        lookup_keys=[],
        normalised=True,
    )
    return row


def _alteration_result(source_name: str, gene_text: list[tuple[str, str]]):
    """A minimal transform result stating exact alterations (as an evidence source would)."""
    import dataclasses

    from graph_loader.concepts import ConceptCollector
    from graph_loader.framework import TransformResult
    from ontology.models import SourceInfo
    from ontology.normalise import normalise_alteration

    source = SourceInfo(name=source_name, version="1", licence="CC0 1.0")
    result = TransformResult(source=source, rows_read=len(gene_text))
    collect = ConceptCollector(result)
    for gene, text in gene_text:
        # the exact alteration only (no broader ones), so the test sees just what it stated
        collect.alteration(dataclasses.replace(normalise_alteration(gene, text), broader=()))
    return result


def test_a_concept_stated_by_two_sources_stays_until_neither_states_it(store):
    def stated() -> dict[str, set[str]]:
        rows = store.run(
            "MATCH (a:Alteration) OPTIONAL MATCH (a)-[:FROM_SOURCE]->(s:Source) "
            "RETURN a.name AS name, s.name AS source"
        )
        out: dict[str, set[str]] = {}
        for r in rows:
            out.setdefault(r["name"], set()).add(r["source"])
        return out

    load(store, _alteration_result("alpha", [("BRAF", "V600E"), ("KRAS", "G12C")]))
    load(store, _alteration_result("beta", [("BRAF", "p.Val600Glu")]))
    assert stated() == {"BRAF V600E": {"alpha", "beta"}, "KRAS G12C": {"alpha"}}
    row = store.run("MATCH (a:Alteration {name: 'BRAF V600E'}) RETURN a.source AS s")[0]
    assert row["s"] == "oncograph"  # owned by no source

    report = load(store, _alteration_result("alpha", []))  # alpha no longer states anything
    assert stated() == {"BRAF V600E": {"beta"}}  # KRAS G12C went; BRAF V600E stays for beta
    assert report.removed_nodes == {"Alteration": 1}

    load(store, _alteration_result("beta", []))
    assert stated() == {}
