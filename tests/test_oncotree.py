"""OncoTree transform: checked against an independent reading of the raw files."""

from __future__ import annotations

import csv
import json

import pytest

from graph_loader import bundled_path, oncotree
from graph_loader.files import RawFile, read_file
from ontology.errors import InputFileError
from tests.conftest import FIXTURES


def _walk(node, out):
    out.append(node)
    for child in node.get("children", {}).values():
        _walk(child, out)
    return out


def test_bundled_release_matches_an_independent_walk_of_the_json():
    path = bundled_path("oncotree")
    raw_nodes = _walk(json.loads(path.read_text("utf-8"))["TISSUE"], [])
    result = oncotree.transform(read_file(path))
    assert result.source.version == "2025-10-03"
    assert result.rejections == []
    assert result.rows_read == len(raw_nodes) == 898
    assert {(n.code, n.name, n.parent_code, n.level) for n in result.nodes} == {
        (r["code"], r["name"], r["parent"], r["level"]) for r in raw_nodes
    }
    assert {(e.from_id, e.to_id) for e in result.rels} == {
        (r["code"], r["parent"]) for r in raw_nodes if r["parent"]
    }
    assert all(e.type == "IS_A" for e in result.rels)


def test_known_tumour_types_carry_their_attributes():
    result = oncotree.transform(read_file(bundled_path("oncotree")))
    by_code = {n.code: n for n in result.nodes}
    luad = by_code["LUAD"]
    assert (luad.name, luad.parent_code, luad.tissue, luad.level) == (
        "Lung Adenocarcinoma",
        "NSCLC",
        "Lung",
        3,
    )
    assert luad.solid_tumour is True and by_code["CLLSLL"].solid_tumour is False
    assert by_code["TISSUE"].solid_tumour is None
    assert "luad" in luad.lookup_keys and "lung adenocarcinoma" in luad.lookup_keys
    assert set(by_code["CLLSLL"].previous_codes) == {"CLL", "SLL"}  # precursors
    assert by_code["PCM"].previous_codes == ["MM"]  # history
    assert by_code["LUAD"].xrefs == ["UMLS:C0152013", "NCIT:C3512"]


def test_flat_tsv_and_tree_json_give_the_same_graph():
    from_json = oncotree.transform(read_file(FIXTURES / "oncotree_2025_10_03_small.json"))
    from_tsv = oncotree.transform(read_file(FIXTURES / "oncotree_2025_10_03_small.tsv"))
    key = lambda n: (n.code, n.name, n.parent_code, n.level, n.tissue, tuple(n.xrefs))  # noqa: E731
    assert {key(n) for n in from_json.nodes} == {key(n) for n in from_tsv.nodes}
    assert {(e.from_id, e.to_id) for e in from_json.rels} == {
        (e.from_id, e.to_id) for e in from_tsv.rels
    }
    with (FIXTURES / "oncotree_2025_10_03_small.tsv").open(encoding="utf-8") as fh:
        assert len(from_tsv.nodes) == sum(1 for _ in csv.DictReader(fh, delimiter="\t"))


def test_api_list_json_is_read_too():
    tree = oncotree.transform(read_file(FIXTURES / "oncotree_2025_10_03_small.json"))
    flat = [
        {
            "code": n.code,
            "name": n.name,
            "parent": n.parent_code,
            "tissue": n.tissue,
            "level": n.level,
            "mainType": n.main_type,
        }
        for n in tree.nodes
    ]
    result = oncotree.transform(RawFile("tumorTypes.json", json.dumps(flat).encode()), version="x")
    assert {(n.code, n.parent_code) for n in result.nodes} == {
        (n.code, n.parent_code) for n in tree.nodes
    }


def test_truncated_json_names_file_line_and_column():
    path = FIXTURES / "oncotree_2025_10_03_truncated.json"
    with pytest.raises(InputFileError) as err:
        oncotree.transform(read_file(path))
    text = path.read_text("utf-8")
    assert err.value.line == text.count("\n") + 1  # the error is at the cut
    assert err.value.column is not None
    assert "not valid JSON" in str(err.value) and path.name in str(err.value)


def test_bad_rows_are_rejected_with_line_and_reason_and_the_rest_kept():
    path = FIXTURES / "oncotree_2025_10_03_bad_rows.tsv"
    result = oncotree.transform(read_file(path))
    got = {(r.line, r.reason) for r in result.rejections}
    assert got == {
        (7, "malformed row"),
        (11, "missing code"),
        (14, "unknown parent"),
        (len(path.read_text("utf-8").splitlines()), "duplicate code"),
    }
    clean = oncotree.transform(read_file(FIXTURES / "oncotree_2025_10_03_small.tsv"))
    assert {n.code for n in result.nodes} == {n.code for n in clean.nodes}


def test_a_cycle_in_the_hierarchy_is_a_file_error():
    with pytest.raises(InputFileError, match="cycle: .*LUNG"):
        oncotree.transform(read_file(FIXTURES / "oncotree_2025_10_03_cycle.tsv"))


def test_release_comes_from_the_file_name_or_must_be_given():
    assert oncotree.version_from_name("oncotree_2025_10_03.json") == "2025-10-03"
    assert (
        oncotree.version_from_name("oncotree_development_2026-03-05.json")
        == "development-2026-03-05"
    )
    data = (FIXTURES / "oncotree_2025_10_03_small.json").read_bytes()
    with pytest.raises(InputFileError, match="--source-version"):
        oncotree.transform(RawFile("tree.json", data))
    assert oncotree.transform(RawFile("tree.json", data), version="v9").source.version == "v9"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"", "empty"),
        (b"{}", "empty JSON object"),
        (b'"just a string"', "expected a JSON object"),
        (b'{"TISSUE": {"code": "TISSUE", "name": "Tissue", "children": []}}', "children of"),
    ],
)
def test_wrong_shapes_are_file_errors(content, message):
    with pytest.raises(InputFileError, match=message):
        oncotree.transform(RawFile("oncotree_2025_10_03.json", content))
