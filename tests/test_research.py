"""Researcher tools: the cookbook's answers on both backends, exports (GraphML, KGX, JSON
Lines), the release diff checked against the raw CIViC TSVs, and the query command."""

from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest

from graph_loader import BUNDLED, bundled_path, load_file
from graph_loader.backends import StoreConfig, open_store
from ontology.errors import ConfigError
from queries import graph_stats
from queries.cookbook import DOC, cookbook_markdown
from queries.diff import diff
from queries.export import (
    around,
    check_shareable,
    key,
    kgx_problems,
    to_networkx,
    write_graphml,
    write_jsonl,
    write_kgx,
)
from tests.conftest import FIXTURES
from tests.test_civic import raw_evidence

SHARED_CIVIC = Path(__file__).resolve().parents[2] / "shared" / "data" / "civic"


@pytest.fixture
def demo(store):
    for name in BUNDLED:
        load_file(store, name, bundled_path(name))
    return store


def test_every_cookbook_answer_matches_the_docs(demo):
    assert cookbook_markdown(demo) == DOC.read_text("utf-8"), (
        "docs/cookbook.md is stale or a backend answers differently: on the demo store, "
        "oncograph query --cookbook docs/cookbook.md"
    )


def test_graphml_and_kgx_exports_of_the_demo_graph(demo, tmp_path):
    g = to_networkx(demo)
    stats = graph_stats(demo)
    assert (g.number_of_nodes(), g.number_of_edges()) == (stats.total_nodes,
                                                          stats.total_relationships)  # fmt: skip
    with pytest.raises(ConfigError, match="cohorts, outcomes"):
        check_shareable(g)  # the synthetic registry and outcomes count as restricted sources
    path = tmp_path / "demo.graphml"
    write_graphml(g, path)
    back = nx.read_graphml(path, force_multigraph=True)
    expected = (stats.total_nodes, stats.total_relationships)
    assert (back.number_of_nodes(), back.number_of_edges()) == expected
    node = back.nodes[key("TumourType", "LUAD")]
    assert node["name"] == "Lung Adenocarcinoma" and node["source"] == "oncotree"
    assert node["licence"].startswith("CC BY")
    nodes, edges = write_kgx(g, tmp_path / "kgx")
    assert kgx_problems(nodes, edges) == []
    node_lines = nodes.read_text("utf-8").splitlines()
    assert len(node_lines) - 1 == stats.total_nodes
    assert "ONCOTREE:LUAD\tbiolink:Disease\tLung Adenocarcinoma" in "\n".join(node_lines)
    edge_text = edges.read_text("utf-8")
    assert "\tbiolink:is_sequence_variant_of\t" in edge_text
    assert "\toncograph:assesses\t" in edge_text  # reimbursement: no Biolink predicate fits
    # the validator is not a rubber stamp: a broken file is caught
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "nodes.tsv").write_text("id\tcategory\nLUAD\tDisease\n", "utf-8")
    (broken / "edges.tsv").write_text(
        "subject\tpredicate\tobject\tknowledge_level\tagent_type\n"
        "ONCOTREE:X\tBIOLINK:Treats\tLUAD\tguess\tnobody\n",
        "utf-8",
    )
    assert len(kgx_problems(broken / "nodes.tsv", broken / "edges.tsv")) >= 5
    # a subgraph around a drug has no patient data and may be shared
    sub = around(
        g,
        key(
            "Drug",
            next(n for n, d in g.nodes(data=True) if d.get("name") == "osimertinib").split(":", 1)[
                1
            ],
        ),
        2,
    )
    check_shareable(sub)
    out = io.StringIO()
    assert write_jsonl(sub, out) == sub.number_of_nodes() + sub.number_of_edges()
    first = json.loads(out.getvalue().splitlines()[0])
    assert first["kind"] == "node" and "licence" in first


@pytest.mark.skipif(not SHARED_CIVIC.exists(), reason="shared CIViC releases not present")
def test_diff_between_two_civic_releases_lists_the_real_changes(tmp_path):
    stores = {}
    for release in ("2024-08-01", "2025-07-01"):
        with open_store(StoreConfig(store_dir=tmp_path / release), read_only=False) as store:
            load_file(store, "oncotree", bundled_path("oncotree"))
            load_file(store, "hgnc", bundled_path("hgnc"))
            load_file(store, "civic", SHARED_CIVIC / release)
        stores[release] = tmp_path / release
    sentinels = [("BRAF V600E", "MEL"), ("EGFR L858R", "LUAD")]
    with (
        open_store(StoreConfig(store_dir=stores["2024-08-01"])) as before,
        open_store(StoreConfig(store_dir=stores["2025-07-01"])) as after,
    ):
        report = diff(before, after, "civic", sentinels)
    assert report.versions == [["2024-08-01"], ["2025-07-01"]]
    # independently, from the raw evidence TSVs of the two releases
    old = raw_evidence(SHARED_CIVIC / "2024-08-01")
    new = raw_evidence(SHARED_CIVIC / "2025-07-01")
    items = {c.id: c for c in report.changes if c.kind == "evidence"
             and c.id.startswith("civic.eid:")}  # fmt: skip
    added = {i.split(":")[1] for i, c in items.items() if c.change == "added"}
    removed = {i.split(":")[1] for i, c in items.items() if c.change == "removed"}
    assert added == set(new) - set(old) and removed == set(old) - set(new)
    level_changed = {i.split(":")[1]: c.fields["level"] for i, c in items.items()
                     if c.change == "changed" and "level" in c.fields}  # fmt: skip
    want = {i: [old[i]["evidence_level"], new[i]["evidence_level"]] for i in set(old) & set(new)
            if old[i]["evidence_level"] != new[i]["evidence_level"]}  # fmt: skip
    assert level_changed == want and want  # real changes, e.g. eid 1030 B -> A
    assert level_changed.get("1030") == ["B", "A"]
    assert [s.case for s in report.sentinels] == ["BRAF V600E in MEL", "EGFR L858R in LUAD"]
    assert all(s.before and s.after for s in report.sentinels)


def test_query_command_runs_catalog_and_own_queries(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from cli import cli

    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ONCOGRAPH_STORE", str(tmp_path / "store"))
    run = CliRunner().invoke
    assert run(cli, ["load", "oncotree", str(FIXTURES / "oncotree_2025_10_03_small.json")]
               ).exit_code == 0  # fmt: skip
    listed = run(cli, ["query", "--list"]).output
    assert "tumour_type_ancestors" in listed and "What are a tumour type's broader types" in listed
    out = run(cli, ["query", "tumour_type_ancestors", "--param", "code=LUAD", "--format", "csv"])
    assert out.exit_code == 0 and out.output.splitlines()[1].startswith("NSCLC,")
    own = tmp_path / "mine.cypher"
    own.write_text("MATCH (t:TumourType)-[r:IS_A]->(p:TumourType) WHERE t.id = $code "
                   "RETURN t, r, p", "utf-8")  # fmt: skip
    graphml = run(cli, ["query", "--file", str(own), "--param", "code=LUAD", "--format",
                        "graphml", "--output", str(tmp_path / "q.graphml")])  # fmt: skip
    assert graphml.exit_code == 0, graphml.output
    g = nx.read_graphml(tmp_path / "q.graphml")
    assert set(g.nodes) == {"TumourType:LUAD", "TumourType:NSCLC"} and g.number_of_edges() == 1
    schema = run(cli, ["schema"]).output
    assert schema.startswith("Gene (0): a gene, identified by its HGNC id")
    assert "TumourType (" in schema and "ASSESSES (0): the HTA decision decides" in schema
    bad = run(cli, ["query"])
    assert bad.exit_code == 2 and "give a catalog query NAME or --file" in bad.output
