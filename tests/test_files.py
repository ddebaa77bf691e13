"""Reading raw files: UTF-8 errors located, gzip transparent, TSV shape checked."""

from __future__ import annotations

import gzip

import pytest

from graph_loader.files import BadRow, RawFile, TsvRow, read_file, read_tsv
from ontology.errors import InputFileError
from tests.conftest import FIXTURES


def test_broken_utf8_names_file_line_and_column():
    raw = read_file(FIXTURES / "oncotree_2025_10_03_broken_utf8.tsv")
    with pytest.raises(InputFileError) as err:
        raw.text()
    lines = (FIXTURES / "oncotree_2025_10_03_broken_utf8.tsv").read_bytes().split(b"\n")
    bad_line = next(i for i, ln in enumerate(lines, 1) if b"\xe9" in ln)
    assert err.value.line == bad_line
    assert err.value.column == lines[bad_line - 1].index(b"\xe9") + 1
    assert "oncotree_2025_10_03_broken_utf8.tsv" in str(err.value)
    assert "UTF-8" in str(err.value)


def test_gzip_is_read_transparently(tmp_path):
    plain = (FIXTURES / "hgnc_small.tsv").read_bytes()
    packed = tmp_path / "hgnc_small.tsv.gz"
    packed.write_bytes(gzip.compress(plain))
    assert read_file(packed).data == plain


def test_broken_gzip_and_missing_files_are_input_errors(tmp_path):
    bad = tmp_path / "x.tsv.gz"
    bad.write_bytes(gzip.compress(b"a\tb\n")[:-6])
    with pytest.raises(InputFileError, match="gzip"):
        read_file(bad)
    with pytest.raises(InputFileError, match="no such file"):
        read_file(tmp_path / "nope.tsv")


def test_tsv_rows_with_the_wrong_field_count_are_reported_not_raised():
    raw = RawFile("t.tsv", b"a\tb\n1\t2\n3\n4\t5\t6\n\n7\t8\n")
    header, rows = read_tsv(raw, required=("a", "b"))
    got = list(rows)
    assert header == ["a", "b"]
    assert [r.values for r in got if isinstance(r, TsvRow)] == [
        {"a": "1", "b": "2"},
        {"a": "7", "b": "8"},
    ]
    assert [r for r in got if not isinstance(r, TsvRow)] == [
        BadRow(3, "1 fields, expected 2 (as in the header)"),
        BadRow(4, "3 fields, expected 2 (as in the header)"),
    ]


def test_tsv_missing_required_column_is_a_file_error():
    with pytest.raises(InputFileError) as err:
        read_tsv(RawFile("t.tsv", b"a\tc\n1\t2\n"), required=("a", "b"))
    assert err.value.line == 1 and "missing column(s) b" in str(err.value)
    with pytest.raises(InputFileError, match="empty"):
        read_tsv(RawFile("t.tsv", b""), required=("a",))
