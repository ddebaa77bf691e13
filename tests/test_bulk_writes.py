"""Bulk writes (issue #15): what goes in by the engine's bulk path (LadybugDB's COPY FROM a
temporary CSV file, from 1,000 new rows on) reads back exactly as what goes in row by row, on
both backends: quotes, commas, line breaks, empty strings, non-ASCII text, list items with CSV
or list syntax in them, dates, numbers and booleans; relationships between new nodes are created
once however many batches state them, a relationship to a missing node is counted and not
written, and a second load of the same rows changes nothing."""

from __future__ import annotations

import datetime as dt

from graph_loader.backends.ladybug_store import COPY_MIN
from graph_loader.framework import TransformResult, load
from ontology.models import Rel, SourceInfo, Trial, TrialArm
from ontology.vocab import Label, RelType

SOURCE = SourceInfo(name="bulk_test", version="1", licence="CC0 1.0")
AWKWARD = ['quote " inside', "comma, inside", "line\nbreak", "", "  padded  ", "æøå Ærlig",
           "back\\slash", "it's", "[brackets]", "{braces}", "null", "NULL", "tab\tin"]  # fmt: skip
ITEMS = [[], ["plain"], ["a,b", "c"], ["it's"], ['q"q'], ["[x]"], ["a b", "ÆØÅ"], ["null"],
         [" lead"], ["x\\y"]]  # fmt: skip


def _arms(n: int, offset: int = 0) -> list[TrialArm]:
    out = []
    for i in range(offset, offset + n):
        text = AWKWARD[i % len(AWKWARD)]
        out.append(TrialArm(
            id=f"BULK/{i:05d}", trial_id="BULK", cohort_id=f"{i:05d}", name=f"arm {i} {text}",
            description=text or None, biomarker_text=text, stage=i % 3 or None,
            planned_size=i, tissue_agnostic=bool(i % 2), synthetic=True,
            excluded_alterations=ITEMS[i % len(ITEMS)],
            valid_from=dt.date(2020, 1, 1) + dt.timedelta(days=i),
        ))  # fmt: skip
    return out


def _result(n: int) -> TransformResult:
    arms = _arms(n)
    trial = Trial(id="BULK", nct_id="NCT00000000", title='A "bulk", test\ntrial')
    rels = [Rel(type=RelType.HAS_ARM, from_label=Label.TRIAL, from_id="BULK",
                to_label=Label.TRIAL_ARM, to_id=a.id) for a in arms]  # fmt: skip
    # the same relationships stated again (a later batch of the same chunk), and one to a
    # trial arm that does not exist
    rels += rels[: n // 3]
    rels.append(Rel(type=RelType.HAS_ARM, from_label=Label.TRIAL, from_id="BULK",
                    to_label=Label.TRIAL_ARM, to_id="BULK/missing"))  # fmt: skip
    return TransformResult(source=SOURCE, nodes=[trial, *arms], rels=rels, rows_read=n)


def _read_arms(store) -> dict[str, dict]:
    rows = store.read(
        "MATCH (a:TrialArm) WHERE a.trial_id = 'BULK' RETURN a.id AS id, a.name AS name, "
        "a.description AS description, a.biomarker_text AS biomarker_text, a.stage AS stage, "
        "a.planned_size AS planned_size, a.tissue_agnostic AS tissue_agnostic, "
        "a.excluded_alterations AS excluded, a.valid_from AS valid_from, a.source AS source"
    )
    return {r["id"]: r for r in rows}


def _expected(arm: TrialArm) -> dict:
    return {
        "id": arm.id, "name": arm.name, "description": arm.description,
        "biomarker_text": arm.biomarker_text, "stage": arm.stage,
        "planned_size": arm.planned_size, "tissue_agnostic": arm.tissue_agnostic,
        "excluded": arm.excluded_alterations, "valid_from": arm.valid_from,
        "source": "bulk_test",
    }  # fmt: skip


def test_bulk_and_row_by_row_writes_read_back_the_same(store, monkeypatch):
    n = COPY_MIN + 500  # the bulk path on LadybugDB
    copies: list[str] = []
    if store.backend == "ladybug":  # see that the bulk path is the one taken
        execute = store._execute

        def recording(cypher, params, timeout=None):
            if cypher.startswith("COPY "):
                copies.append(cypher.split()[1])
            return execute(cypher, params, timeout)

        monkeypatch.setattr(store, "_execute", recording)
    report = load(store, _result(n), batch_size=COPY_MIN + 200)  # two batches of one chunk
    if store.backend == "ladybug":
        assert [c for c in copies if c.startswith("TrialArm(")] and "HAS_ARM" in copies
    assert report.nodes_written == {"Trial": 1, "TrialArm": n}
    assert report.rels_written == {"HAS_ARM": n}  # the repeated ones once, the missing one not
    assert report.missing_endpoints == {"HAS_ARM": 1}
    got = _read_arms(store)
    assert got == {a.id: _expected(a) for a in _arms(n)}
    title = store.read("MATCH (t:Trial {id: 'BULK'}) RETURN t.title AS title")[0]["title"]
    assert title == 'A "bulk", test\ntrial'
    edges = "MATCH (:Trial {id: 'BULK'})-[r:HAS_ARM]->(:TrialArm) RETURN count(r) AS n"
    assert store.read(edges)[0]["n"] == n
    # a second load of the same rows: every node known, every relationship merged; no change
    again = load(store, _result(n), batch_size=COPY_MIN + 200)
    assert again.rels_written == {"HAS_ARM": n} and not again.removed_nodes
    assert _read_arms(store) == got and store.read(edges)[0]["n"] == n


def test_a_small_batch_goes_row_by_row_and_reads_back_the_same(store):
    n = 40  # below COPY_MIN: CREATE statements
    load(store, _result(n))
    assert _read_arms(store) == {a.id: _expected(a) for a in _arms(n)}
