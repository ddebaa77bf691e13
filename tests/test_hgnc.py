"""HGNC transform: checked against an independent reading of the raw TSV."""

from __future__ import annotations

import csv

import pytest

from graph_loader import bundled_path, hgnc
from graph_loader.files import read_file
from ontology.errors import InputFileError
from tests.conftest import FIXTURES


def _raw_rows(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_bundled_genes_match_the_raw_file():
    path = bundled_path("hgnc")
    rows = _raw_rows(path)
    result = hgnc.transform(read_file(path))
    assert result.rejections == []
    assert {(g.id, g.symbol) for g in result.nodes} == {
        (r["hgnc_id"], r["symbol"]) for r in rows if r["status"] == "Approved"
    }
    assert result.source.version == max(r["date_modified"] for r in rows)


def test_aliases_and_previous_symbols_become_lookup_keys():
    genes = {g.symbol: g for g in hgnc.transform(read_file(FIXTURES / "hgnc_small.tsv")).nodes}
    braf = genes["BRAF"]
    assert braf.id == "HGNC:1097" and braf.aliases == ["BRAF1"]
    assert set(braf.lookup_keys) == {"BRAF", "BRAF1"}
    erbb2 = genes["ERBB2"]
    assert {"NEU", "HER-2", "HER2"} <= set(erbb2.lookup_keys)
    assert erbb2.previous_symbols == ["NGL"]


def test_withdrawn_entries_are_left_out_and_counted():
    result = hgnc.transform(read_file(FIXTURES / "hgnc_small.tsv"))
    assert result.skipped == {"withdrawn entry": 2}
    assert result.rows_read == len(result.nodes) + 2


def test_bad_rows_are_rejected_with_line_reason_and_column():
    result = hgnc.transform(read_file(FIXTURES / "hgnc_bad_rows.tsv"))
    got = {(r.line, r.reason, r.column) for r in result.rejections}
    assert got == {
        (2, "malformed hgnc_id", "hgnc_id"),
        (3, "malformed row", None),
        (4, "malformed symbol", "symbol"),
    }
    assert len(result.nodes) == len(_raw_rows(FIXTURES / "hgnc_bad_rows.tsv")) - 3


def test_a_missing_column_is_a_file_error():
    with pytest.raises(InputFileError) as err:
        hgnc.transform(read_file(FIXTURES / "hgnc_missing_column.tsv"))
    assert err.value.line == 1 and "prev_symbol" in str(err.value)
