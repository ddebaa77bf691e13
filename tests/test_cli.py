"""Every CLI command through click's CliRunner, on the embedded store and on Neo4j."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from cli import cli
from tests.conftest import FIXTURES


@pytest.fixture
def run(tmp_path, monkeypatch):
    """Invoke the CLI against a fresh embedded store (and no Neo4j from the environment)."""
    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("ONCOGRAPH_STORE", str(tmp_path / "store"))

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture
def run_neo4j(neo4j_store, monkeypatch):
    settings = neo4j_store.settings
    monkeypatch.setenv("NEO4J_URI", settings.uri)
    monkeypatch.setenv("NEO4J_USERNAME", settings.username or "neo4j")
    monkeypatch.setenv("NEO4J_PASSWORD", "s3cret-pw-never-shown")
    monkeypatch.delenv("NEO4J_DATABASE", raising=False)

    def invoke(*args: str):
        return CliRunner().invoke(cli, list(args), catch_exceptions=False)

    return invoke


@pytest.fixture(params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def run_any(request):
    return request.getfixturevalue("run_neo4j" if request.param == "neo4j" else "run")


def test_help_lists_every_command(run):
    result = run("--help")
    assert result.exit_code == 0
    for command in (
        "init",
        "load",
        "cypher",
        "stats",
        "doctor",
        "demo",
        "tumour",
        "gene",
        "sources",
        "chain",
        "gaps",
        "cohorts",
        "arms",
    ):
        assert command in result.output


def test_the_load_command_offers_every_loader():
    from cli import SOURCE_NAMES
    from graph_loader.sources import SOURCES

    assert set(SOURCE_NAMES) == set(SOURCES)


def test_demo_loads_the_bundled_data_and_answers(run_any):
    result = run_any("demo")
    assert result.exit_code == 0, result.output
    assert "load oncotree@2025-10-03" in result.output and "TumourType 898" in result.output
    assert "Gene 817" in result.output
    assert "load civic@2025-07-01" in result.output and "Evidence 4,658" in result.output
    assert "load moalmanac@2026-05-07" in result.output and "Approval 254" in result.output
    assert "load ema@2025-02-12" in result.output and "load fda@2024-12-18" in result.output
    assert "load nyemetoder@2022-08-29" in result.output and "HtaDecision 11" in result.output
    # the printed answer is the HTA gap list, each gap with real rows
    assert "HTA gap list" in result.output
    for name in ("evidence-without-decision", "ema-without-nyemetoder", "not-introduced-newer",
                 "fda-without-ema"):  # fmt: skip
        assert f"\n{name}: " in result.output
    assert "ALK fusion + ensartinib in NSCLC: FDA regular approval 2024-12-18" in result.output
    reversed_ = "ALK fusion + crizotinib in NSCLC: ID2017_090 Er ikke innført 2018-04-23"
    assert reversed_ in result.output
    assert "load clinicaltrials@" in result.output and "TrialArm 32" in result.output
    assert "load outcomes@" in result.output and "Patient 120" in result.output
    positive = "ERBB2 amplification + pertuzumab + trastuzumab in COADREAD: IMPRESS-SYNTHETIC/C05"
    assert positive in result.output  # a positive synthetic cohort, no Nye Metoder decision
    again = run_any("demo")  # idempotent
    assert again.exit_code == 0 and "rejected 0" in again.output


def test_init_load_and_stats(run_any):
    assert run_any("init", "--empty").exit_code == 0  # the schema only, no bundled references
    assert "nothing to create" in run_any("init", "--empty").output
    result = run_any("load", "oncotree", str(FIXTURES / "oncotree_2025_10_03_small.json"))
    assert result.exit_code == 0, result.output
    assert "complete" in result.output
    stats = run_any("stats", "--format", "json")
    counts = {(r["kind"], r["name"]): r["count"] for r in json.loads(stats.output)}
    types = len((FIXTURES / "oncotree_2025_10_03_small.tsv").read_text().splitlines()) - 1
    assert counts[("node", "TumourType")] == types and counts[("relationship", "IS_A")] == types - 1


def test_cypher_is_read_only_without_write(run_any):
    run_any("init", "--empty")
    refused = run_any("cypher", "CREATE (n:Gene {id: 'x', symbol: 'X'})")
    assert refused.exit_code == 5
    assert "read-only" in refused.output and "--write" in refused.output
    schema = run_any("cypher", "CREATE (n:X)")
    assert schema.exit_code != 0
    assert (
        run_any("cypher", "MATCH (g:Gene) RETURN count(g) AS n", "--format", "json")
        .output.strip()
        .endswith("]")
    )
    assert json.loads(
        run_any("cypher", "MATCH (g:Gene) RETURN count(g) AS n", "--format", "json").output
    ) == [{"n": 0}]
    written = run_any(
        "cypher", "--write", "CREATE (n:Gene {id: 'x', symbol: 'X'}) RETURN n.id AS id"
    )
    assert written.exit_code == 0, written.output
    assert json.loads(
        run_any("cypher", "MATCH (g:Gene) RETURN g.symbol AS s", "--format", "json").output
    ) == [{"s": "X"}]


def test_create_of_an_unknown_label_is_refused_without_write(run_any):
    run_any("init", "--empty")
    result = run_any("cypher", "CREATE (n:X)")
    assert result.exit_code == 5, result.output
    assert "read-only" in result.output


def test_cypher_parameters_and_formats(run):
    run("load", "oncotree", str(FIXTURES / "oncotree_2025_10_03_small.json"))
    q = "MATCH (t:TumourType {id: $code}) RETURN t.name AS name, t.level AS level"
    as_json = run("cypher", q, "--param", "code=LUAD", "--format", "json")
    assert json.loads(as_json.output) == [{"name": "Lung Adenocarcinoma", "level": 3}]
    as_csv = run("cypher", q, "-p", "code=LUAD", "--format", "csv")
    assert as_csv.output.splitlines() == ["name,level", "Lung Adenocarcinoma,3"]
    table = run("cypher", q, "-p", "code=LUAD")
    assert "Lung Adenocarcinoma" in table.output and "(1 row)" in table.output
    missing = run("cypher", q)
    assert missing.exit_code == 6 and "$code" in missing.output
    bad = run("cypher", "MATCH (t:TumourType RETURN t")
    assert bad.exit_code == 6 and bad.output.startswith("error: ")
    assert len(bad.output.strip().splitlines()) == 1


def test_tumour_and_gene_lookups(run):
    run("demo")
    ok = run("tumour", "lung adenocarcinoma")
    assert ok.exit_code == 0
    assert (
        "LUAD  Lung Adenocarcinoma" in ok.output
        and "NSCLC (Non-Small Cell Lung Cancer)" in ok.output
    )
    unknown = run("tumour", "LAUD")
    assert unknown.exit_code == 8 and "did you mean LUAD" in unknown.output
    gene = run("gene", "her2")
    assert gene.exit_code == 0 and gene.output.startswith("ERBB2  HGNC:3430")


def test_evidence_and_conflicts_commands(run):
    from graph_loader import bundled_path

    run("load", "oncotree", str(bundled_path("oncotree")))
    assert run("load", "hgnc", str(FIXTURES / "hgnc_small.tsv")).exit_code == 0
    loaded = run("load", "civic", str(FIXTURES / "civic" / "2025-07-01"))
    assert loaded.exit_code == 0 and "load civic@2025-07-01" in loaded.output
    result = run("evidence", "BRAF", "p.Val600Glu", "--tumour", "MEL")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("BRAF V600E in MEL:")
    assert "\nvemurafenib  (best level A)" in result.output
    assert "dabrafenib + trametinib" in result.output and "civic@2025-07-01:" in result.output
    as_json = json.loads(run("evidence", "BRAF", "V600E", "--format", "json").output)
    assert as_json["alteration"] == "BRAF V600E" and as_json["by_therapy"]
    unknown = run("evidence", "BRAFF", "V600E")
    assert unknown.exit_code == 8 and "did you mean BRAF?" in unknown.output
    drug = json.loads(run("drug", "Vemurafenib", "--format", "json").output)
    assert {"drug": "vemurafenib", "alteration": "BRAF V600E"}.items() <= drug[-1].items() or any(
        r["alteration"] == "BRAF V600E" for r in drug
    )
    assert run("drug", "vemurafenip").exit_code == 8
    table = run("conflicts", "--format", "json")
    rows = json.loads(table.output)
    assert {"alteration": "ALK F1174L", "therapy": "crizotinib"}.items() <= rows[0].items()


def test_sources_lists_loaded_releases(run):
    run("demo")
    result = run("sources")
    assert "oncotree@2025-10-03" in result.output and "CC BY 4.0" in result.output
    assert "complete" in result.output


def test_load_errors_are_one_line_with_file_and_line(run):
    result = run("load", "oncotree", str(FIXTURES / "oncotree_2025_10_03_truncated.json"))
    assert result.exit_code == 3
    line = result.output.strip()
    assert "\n" not in line and "oncotree_2025_10_03_truncated.json, line" in line
    strict = run("load", "oncotree", str(FIXTURES / "oncotree_2025_10_03_bad_rows.tsv"), "--strict")
    assert strict.exit_code == 3 and "--strict: 4 row(s) rejected" in strict.output


def test_load_writes_a_json_report(run, tmp_path):
    out = tmp_path / "report.json"
    result = run("load", "hgnc", str(FIXTURES / "hgnc_bad_rows.tsv"), "--report-json", str(out))
    assert result.exit_code == 0
    report = json.loads(out.read_text())
    assert report["rejected"] == {"malformed hgnc_id": 1, "malformed row": 1, "malformed symbol": 1}
    assert report["status"] == "complete" and report["nodes_written"]["Gene"] == 17


def test_debug_shows_the_traceback(run):
    quiet = CliRunner().invoke(cli, ["tumour", "LUAD"])
    assert "Traceback" not in quiet.output and quiet.exit_code != 0
    loud = CliRunner().invoke(cli, ["--debug", "tumour", "LUAD"])
    assert "Traceback" in loud.output


def test_doctor_on_a_missing_and_a_ready_store(run):
    missing = run("doctor")
    assert missing.exit_code != 0 and "reachable: no" in missing.output
    run("init", "--empty")
    ready = run("doctor")
    assert ready.exit_code == 0, ready.output
    assert "backend: ladybug" in ready.output and "schema: present" in ready.output
    assert "server: 0.22.0" in ready.output


@pytest.mark.neo4j
def test_doctor_on_neo4j_never_shows_the_password(run_neo4j):
    run_neo4j("init", "--empty")
    result = run_neo4j("doctor")
    assert result.exit_code == 0, result.output
    assert "backend: neo4j" in result.output and "server: 5." in result.output
    assert "schema: present" in result.output
    for args in (("doctor",), ("stats",), ("cypher", "RETURN 1 AS x"), ("--debug", "tumour", "X")):
        assert "s3cret-pw-never-shown" not in run_neo4j(*args).output


def test_a_password_inside_the_uri_is_refused(run, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://neo4j:hunter2@localhost:7687")
    result = run("stats")
    assert result.exit_code == 2 and "NEO4J_PASSWORD" in result.output
    assert "hunter2" not in result.output


def test_unreachable_neo4j_is_one_clear_line(run, monkeypatch):
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")
    result = run("stats")
    assert result.exit_code == 4 and "cannot reach Neo4j at bolt://127.0.0.1:9" in result.output


def test_chain_and_gaps_on_the_demo_data(run, tmp_path):
    assert run("demo").exit_code == 0
    result = run("chain", "EGFR", "exon 19 deletion", "--tumour", "NSCLC")
    assert result.exit_code == 0, result.output
    out = result.output
    assert out.startswith("EGFR exon 19 deletion in NSCLC (Non-Small Cell Lung Cancer), current")
    assert "\nosimertinib  (best evidence level" in out
    assert "approval   EMA           2021-05-21" in out and "[moalmanac@2026-05-07]" in out
    assert "Norway     ID2020_106 Er innført 2022-08-29 [nyemetoder@2022-08-29]" in out
    before = run("chain", "EGFR", "exon 19 deletion", "--tumour", "NSCLC", "--as-of", "2020-01-01")
    assert "as of 2020-01-01" in before.output and "ID2020_106" not in before.output
    assert "2021-05-21" not in before.output
    bad = run("chain", "EGFR", "exon 19 deletion", "--as-of", "2020-13-01")
    assert bad.exit_code == 2 and "'2020-13-01' does not match the format" in bad.output
    matrix = tmp_path / "coverage.csv"
    result = run("gaps", "coverage", "--format", "csv", "--output", str(matrix))
    assert result.exit_code == 0 and f"wrote {matrix}" in result.output
    lines = matrix.read_text("utf-8").splitlines()
    assert lines[0] == ("alteration,therapy,tumour_code,tumour,evidence,ema,fda,nye_metoder,"
                        "trial_arm,outcomes")  # fmt: skip
    osimertinib = [x for x in lines if x.startswith("EGFR exon 19 deletion,osimertinib,NSCLC,")]
    assert len(osimertinib) == 1 and "ID2020_106 Er innført" in osimertinib[0]
    rows = json.loads(run("gaps", "fda-without-ema", "--format", "json").output)
    assert rows and {r["gap"] for r in rows} == {"fda-without-ema"}
    assert all(r["items"] and r["why"].startswith("FDA ") for r in rows)


def test_cohorts_and_arms_commands(run):
    assert run("demo").exit_code == 0
    result = run("cohorts")
    assert result.exit_code == 0, result.output
    assert "IMPRESS-SYNTHETIC/C05 (synthetic)" in result.output and "positive" in result.output
    assert "counts of 1-4 are shown as <5" in result.output and "<5" in result.output
    exact = run("cohorts", "--exact", "--format", "json")
    rows = json.loads(exact.output)
    c03 = next(r for r in rows if r["arm_id"].endswith("/C03"))
    assert (c03["benefit_week16"], c03["decision"]) == (1, "expand to stage 2")
    arms = run("arms", "--alteration", "BRAF V600E", "--tumour", "COAD")
    assert arms.exit_code == 0
    assert "via COADREAD (ancestor of COAD)" in arms.output and "NCT02465060:H" in arms.output
    none = run("arms", "--alteration", "KRAS G12C", "--tumour", "PAAD")
    assert "no open arm accepts KRAS G12C in PAAD" in none.output
    bad = run("arms", "--alteration", "BRAF", "--tumour", "COAD")
    assert bad.exit_code == 2 and "give the gene and the alteration" in bad.output


def test_report_and_annotate_commands(run, tmp_path):
    assert run("demo").exit_code == 0
    page = tmp_path / "board.html"
    result = run("report", "--alterations", "BRAF V600E", "--tumour", "COAD", "--output",
                 str(page))  # fmt: skip
    assert result.exit_code == 0, result.output
    assert f"wrote {page}" in result.output and "cetuximab + encorafenib" in result.output
    html = page.read_text("utf-8")
    assert html.startswith("<!DOCTYPE html>") and '<svg class="chain"' in html
    assert "<script" not in html and "http://" not in html.replace(
        "http://www.w3.org/2000/svg", ""
    )  # self-contained: no scripts, no fetched files
    data = json.loads(page.with_suffix(".json").read_text("utf-8"))
    assert data["tumour_code"] == "COAD" and data["alterations"][0]["name"] == "BRAF V600E"
    from_maf = run("report", "--patient", str(FIXTURES / "patient" / "patient.maf"),
                   "--fusions", str(FIXTURES / "patient" / "fusions.txt"), "--tumour", "LUAD",
                   "--format", "json")  # fmt: skip
    names = [a["name"] for a in json.loads(from_maf.output)["alterations"]]
    assert names == ["BRAF V600E", "PIK3CA E545K", "EGFR E746_A750del", "EML4::ALK"]
    unknown = run("report", "--alterations", "BRAF V600E", "--tumour", "LAUD")
    assert unknown.exit_code == 8 and "LUAD" in unknown.output
    out = tmp_path / "annotated.tsv"
    done = run("annotate", str(FIXTURES / "patient" / "patient.maf"), "--tumour", "LUAD",
               "--output", str(out))  # fmt: skip
    assert done.exit_code == 0 and "annotated 3 of 5 rows (2 not protein-changing)" in done.output
    rows = out.read_text("utf-8").splitlines()
    assert rows[0].startswith("sample\tgene\tprotein_change") and len(rows) == 4


def test_store_on_the_command_line_wins_over_neo4j_uri_from_the_environment(tmp_path, monkeypatch):
    """A NEO4J_URI left exported in a shell must not turn `--store DIR` into a Neo4j command
    (a benchmark's embedded run served Neo4j that way); an explicit --neo4j-uri still wins."""
    monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:9")  # nothing listens there
    store = tmp_path / "store"
    init = CliRunner().invoke(cli, ["--store", str(store), "init", "--empty"])
    assert init.exit_code == 0, init.output
    doctor = CliRunner().invoke(cli, ["--store", str(store), "doctor"])
    assert f"backend: ladybug ({store})" in doctor.output and doctor.exit_code == 0
    explicit = CliRunner().invoke(cli, ["--store", str(store), "--neo4j-uri",
                                        "bolt://127.0.0.1:9", "doctor"])  # fmt: skip
    assert "backend: neo4j" in explicit.output and explicit.exit_code != 0
    from_env = CliRunner().invoke(cli, ["doctor"])  # no --store: the environment's Neo4j
    assert "backend: neo4j" in from_env.output
