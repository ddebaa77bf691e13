"""Hardening (issue #13), through the CLI: the shrink guard stops a truncated file from emptying
a source, and an interrupted load shows as interrupted."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from cli import cli
from graph_loader import bundled_path
from tests.conftest import FIXTURES

SAMPLE = bundled_path("nyemetoder")


@pytest.fixture
def oncograph(tmp_path, monkeypatch):
    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)
    store = str(tmp_path / "store")

    def run(*args: str):
        return CliRunner().invoke(cli, ["--store", store, *args], catch_exceptions=False)

    return run


def _decisions(oncograph) -> set[str]:
    out = oncograph("cypher", "MATCH (h:HtaDecision) RETURN h.id AS id", "--format", "csv")
    return set(out.output.splitlines()[1:])


def test_a_truncated_workbook_does_not_empty_the_source(oncograph, tmp_path):
    assert oncograph("init").exit_code == 0
    assert oncograph("load", "nyemetoder", str(SAMPLE)).exit_code == 0
    before = _decisions(oncograph)
    assert len(before) == 11
    lines = SAMPLE.read_text("utf-8").splitlines()
    truncated = tmp_path / "beslutninger.csv"
    truncated.write_text("\n".join(lines[:2]) + "\n", encoding="utf-8")  # the header and one row
    refused = oncograph("load", "nyemetoder", str(truncated))
    assert refused.exit_code == 7
    assert "would remove 10 of the 11 facts of nyemetoder" in refused.stderr
    assert "--allow-shrink" in refused.stderr
    assert _decisions(oncograph) == before  # nothing written, nothing removed
    allowed = oncograph("load", "nyemetoder", str(truncated), "--allow-shrink")
    assert allowed.exit_code == 0, allowed.output
    assert len(_decisions(oncograph)) == 1


def test_a_small_change_of_a_release_passes_the_guard(oncograph, tmp_path):
    assert oncograph("load", "nyemetoder", str(SAMPLE)).exit_code == 0
    lines = SAMPLE.read_text("utf-8").splitlines()
    fewer = tmp_path / "beslutninger.csv"
    fewer.write_text("\n".join(lines[:-1]) + "\n", encoding="utf-8")  # one decision of 11 gone
    result = oncograph("load", "nyemetoder", str(fewer))
    assert result.exit_code == 0, result.output
    assert len(_decisions(oncograph)) == 10


def test_a_fresh_store_works_for_the_newcomer(oncograph, tmp_path):
    # a load into a store nothing was done to creates the schema itself
    trial = bundled_path("clinicaltrials") / "NCT02679963.xml"
    first = oncograph("load", "clinicaltrials", str(trial))
    assert first.exit_code == 0, first.output
    # init loads the references the other sources normalise against
    init = oncograph("init")
    assert init.exit_code == 0 and "load oncotree@" in init.output and "load hgnc@" in init.output
    again = oncograph("init")  # safe to repeat: the references are not loaded twice
    assert again.exit_code == 0 and "load hgnc@" not in again.output
    civic = oncograph("load", "civic", str(FIXTURES / "civic" / "2025-07-01"))
    assert civic.exit_code == 0 and not civic.output.startswith("warning")
    answer = oncograph("evidence", "BRAF", "V600E")
    assert answer.exit_code == 0, answer.output
    assert answer.output.startswith("BRAF V600E")


def test_a_load_without_the_genes_it_needs_says_so_first(oncograph):
    assert oncograph("init", "--empty").exit_code == 0
    civic = oncograph("load", "civic", str(FIXTURES / "civic" / "2025-07-01"))
    assert civic.exit_code == 0
    first = civic.output.splitlines()[0]
    assert first.startswith("warning: the store holds no HGNC genes")
    assert "oncograph init" in first


def test_a_read_on_a_store_without_schema_names_the_command_to_run(oncograph):
    result = oncograph("schema")
    assert result.exit_code != 0
    assert "oncograph init" in result.stderr


KILL_DURING_LOAD = """
import os, signal, sys
from pathlib import Path
from graph_loader import bundled_path, load_file
from graph_loader.backends import StoreConfig, open_store

def progress(step, done, total):
    if done > 0:  # the first batch is written: die as a kill -9 would
        os.kill(os.getpid(), signal.SIGKILL)

with open_store(StoreConfig(store_dir=Path(sys.argv[1])), read_only=False) as store:
    load_file(store, "nyemetoder", bundled_path("nyemetoder"), batch_size=2, progress=progress)
"""


def test_a_load_killed_midway_shows_as_interrupted_with_the_command_to_rerun(oncograph, tmp_path):
    import json
    import subprocess
    import sys

    assert oncograph("init", "--empty").exit_code == 0
    store = tmp_path / "store"
    killed = subprocess.run([sys.executable, "-c", KILL_DURING_LOAD, str(store)],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert killed.returncode == -9, killed.stderr
    shown = oncograph("cypher", "MATCH (s:Source) RETURN s.last_run_status AS status")
    assert "running" in shown.output  # what is stored: the run never finished
    listed = oncograph("sources")
    assert listed.exit_code == 0, listed.output
    line = next(x for x in listed.output.splitlines() if x.startswith("nyemetoder@"))
    assert "interrupted" in line and "oncograph load nyemetoder nye_metoder_sample.csv" in line
    rerun = oncograph("load", "nyemetoder", str(SAMPLE))
    assert rerun.exit_code == 0, rerun.output
    rows = json.loads(oncograph("cypher", "MATCH (s:Source) RETURN s.last_run_status AS status",
                                "--format", "json").output)  # fmt: skip
    assert rows == [{"status": "complete"}]
    assert len(_decisions(oncograph)) == 11
