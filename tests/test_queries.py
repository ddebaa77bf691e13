"""The query catalog: typed lookups on each backend, and the same answers on both."""

from __future__ import annotations

import pytest

from graph_loader import bundled_path, load_file
from ontology.errors import MissingParameterError, QueryError, UnknownConceptError
from ontology.vocab import Label, RelType
from queries import (
    catalog,
    find_gene,
    find_tumour_type,
    graph_stats,
    list_sources,
    run_catalog_query,
    tumour_type_descendants,
)
from queries.catalog import parse_params
from queries.cohorts import arm_options, arm_summaries
from queries.evidence import conflicts, evidence_for
from queries.hta import GAPS, chain, coverage, gap
from queries.snapshot import Snapshot
from tests.conftest import FIXTURES

# Columns whose values name a run (a fresh id each load) and so differ between two loads.
RUN_COLUMNS = {"last_run_finished_at", "last_complete_run_id"}


@pytest.fixture
def loaded(store):
    load_file(store, "oncotree", bundled_path("oncotree"))
    load_file(store, "hgnc", FIXTURES / "hgnc_small.tsv")
    return store


CIVIC_CUT = FIXTURES / "civic" / "2025-07-01"
EMPTY_ON_DEMO = {"study_outcomes"}  # no de-identified study (cBioPortal) is bundled


def load_approvals(store):
    """The bundled MOAlmanac subset, EMA and FDA lists, the Nye Metoder sample, NCI-MATCH and the
    synthetic cohorts with their outcomes."""
    for name in ("moalmanac", "ema", "fda", "nyemetoder", "clinicaltrials", "cohorts", "outcomes"):
        load_file(store, name, bundled_path(name))


def test_every_catalog_file_has_a_header_and_runs_on_the_loaded_graph(loaded):
    load_file(loaded, "civic", CIVIC_CUT)
    load_approvals(loaded)
    assert len(catalog()) >= 9
    for name, query in catalog().items():
        assert query.description, name
        if query.placeholders:
            continue
        params = query.example if query.example is not None else {}
        if query.example is None:
            assert "$" not in query.text, f"{name} takes parameters but has no example"
        rows = run_catalog_query(loaded, name, params)
        if name in EMPTY_ON_DEMO:
            assert rows == [], name  # it runs; tests/test_trials.py loads a study for it
            continue
        assert rows, f"{name} returned nothing on the demo data"


def test_stats_count_what_was_loaded(loaded):
    stats = graph_stats(loaded)
    nodes = {r.name: r.count for r in stats.nodes}
    rels = {r.name: r.count for r in stats.relationships}
    assert nodes["TumourType"] == 898 and nodes["Gene"] == 20 and nodes["Source"] == 2
    assert nodes["Evidence"] == 0
    assert rels["IS_A"] == 897 and rels["FROM_SOURCE"] == 0  # only shared concepts have one
    assert {r.name for r in stats.nodes} == {label.value for label in Label}
    assert {r.name for r in stats.relationships} == {t.value for t in RelType}


@pytest.mark.parametrize(
    "query, code, matched_by",
    [
        ("LUAD", "LUAD", "code"),
        ("luad", "LUAD", "code"),
        ("Lung Adenocarcinoma", "LUAD", "name or previous code"),
        ("  lung   adenocarcinoma ", "LUAD", "name or previous code"),
        ("MM", "PCM", "name or previous code"),  # an OncoTree code retired into PCM
        ("HCL-V", "HCL-V", "code"),
    ],
)
def test_tumour_types_are_found_by_code_name_or_previous_code(loaded, query, code, matched_by):
    match = find_tumour_type(loaded, query)
    assert (match.tumour_type.code, match.matched_by) == (code, matched_by)


def test_tumour_type_ancestors_walk_to_the_root(loaded):
    match = find_tumour_type(loaded, "LUAD")
    assert [a.code for a in match.ancestors] == ["NSCLC", "LUNG", "TISSUE"]
    below = {d.code for d in tumour_type_descendants(loaded, "NSCLC")}
    assert {"LUAD", "LUSC", "LCLC"} <= below and "SCLC" not in below and "NSCLC" not in below


def test_unknown_tumour_type_is_an_error_with_the_nearest_codes(loaded):
    with pytest.raises(UnknownConceptError) as err:
        find_tumour_type(loaded, "LAUD")
    assert err.value.suggestions[0].startswith("LUAD")
    with pytest.raises(UnknownConceptError) as err:
        find_tumour_type(loaded, "melanom")
    assert err.value.suggestions[0] == "MEL (Melanoma)"


def test_genes_are_found_by_symbol_alias_or_previous_symbol(loaded):
    assert [(g.symbol, g.current) for g in find_gene(loaded, "braf")] == [("BRAF", True)]
    assert [(g.symbol, g.current) for g in find_gene(loaded, "HER2")] == [("ERBB2", False)]
    assert [g.symbol for g in find_gene(loaded, "NGL")] == ["ERBB2"]
    with pytest.raises(UnknownConceptError) as err:
        find_gene(loaded, "BRAFF")
    assert "BRAF" in err.value.suggestions


def test_sources_list_each_release_with_its_licence_and_checksum(loaded):
    rows = {r.id: r for r in list_sources(loaded)}
    assert set(rows) == {"oncotree@2025-10-03", "hgnc@2018-11-02"}
    assert rows["oncotree@2025-10-03"].licence == "CC BY 4.0"
    assert len(rows["hgnc@2018-11-02"].checksum_sha256 or "") == 64
    assert {r.last_run_status for r in rows.values()} == {"complete"}


def test_missing_parameters_are_refused_before_running(store):
    with pytest.raises(MissingParameterError, match=r"\$code"):
        store.run("MATCH (t:TumourType {id: $code}) RETURN t.name AS n")
    # $ inside strings and comments is not a parameter
    assert store.run("RETURN '$notaparam' AS x // $neither") == [{"x": "$notaparam"}]


def test_unknown_catalog_query_names_the_nearest(store):
    with pytest.raises(QueryError, match="did you mean tumour_type_lookup"):
        run_catalog_query(store, "tumour_type_lokup")


def test_param_values_parse_as_json_where_they_can():
    assert parse_params(["a=1", "b=x", "c=[1,2]", "d=true", "e=", "f=a=b"]) == {
        "a": 1,
        "b": "x",
        "c": [1, 2],
        "d": True,
        "e": "",
        "f": "a=b",
    }
    with pytest.raises(QueryError):
        parse_params(["novalue"])


@pytest.mark.neo4j
def test_every_catalog_query_gives_the_same_answer_on_both_backends(ladybug_store, neo4j_store):
    answers = {}
    for name, store in (("ladybug", ladybug_store), ("neo4j", neo4j_store)):
        load_file(store, "oncotree", bundled_path("oncotree"))
        load_file(store, "hgnc", bundled_path("hgnc"))
        load_file(store, "civic", CIVIC_CUT)
        load_approvals(store)
        got = {}
        for qname, query in catalog().items():
            if query.placeholders:
                continue
            rows = run_catalog_query(store, qname, query.example or {})
            # collect() order is not defined in Cypher and differs between the engines: compare
            # collected lists as sorted lists (the typed functions sort them too)
            got[qname] = [
                {
                    k: sorted(v) if isinstance(v, list) else v
                    for k, v in r.items()
                    if k not in RUN_COLUMNS
                }
                for r in rows
            ]
        got["stats"] = graph_stats(store).model_dump()
        got["luad"] = find_tumour_type(store, "lung adenocarcinoma").model_dump()
        got["her2"] = [g.model_dump() for g in find_gene(store, "her2")]
        got["evidence"] = evidence_for(store, "EGFR", "L858R", "LUAD").model_dump()
        got["conflicts"] = [c.model_dump() for c in conflicts(store)]
        got["chain"] = chain(store, "EGFR", "exon 19 deletion", "NSCLC").model_dump()
        facts = Snapshot(store)
        got["gaps"] = [gap(facts, name).model_dump() for name in GAPS]
        got["coverage"] = [r.model_dump() for r in coverage(facts)]
        got["cohorts"] = [a.model_dump() for a in arm_summaries(store)]
        got["arms"] = [o.model_dump() for o in arm_options(store, "BRAF", "V600E", "COAD")]
        answers[name] = got
    assert answers["ladybug"].keys() == answers["neo4j"].keys()
    for key in answers["ladybug"]:
        assert answers["ladybug"][key] == answers["neo4j"][key], key


def test_the_catalog_doc_is_generated_from_the_cypher_files():
    from pathlib import Path

    from queries.describe import catalog_markdown

    doc = Path(__file__).parents[1] / "docs" / "queries.md"
    assert doc.read_text(encoding="utf-8") == catalog_markdown(), (
        "docs/queries.md is stale: python -m queries.describe > docs/queries.md"
    )
