"""Nye Metoder decisions: the workbook's shape (.csv and .xlsx with Excel dates), Norwegian INN
spellings on the English drug nodes, malformed workbooks rejected without losing anything."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from graph_loader import bundled_path, load_file, nyemetoder
from graph_loader.files import RawFile, read_file
from graph_loader.tables import parse_date
from ontology.errors import InputFileError
from tests.conftest import FIXTURES, snapshot

SAMPLE = bundled_path("nyemetoder")


def _raw_rows():
    with SAMPLE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture
def with_evidence(references):
    """Drugs under their English INN first (from the CIViC cut), as in the demo's load order."""
    load_file(references, "civic", FIXTURES / "civic" / "2025-07-01")
    return references


def decisions(store):
    rows = store.run(
        "MATCH (h:HtaDecision)-[:FOR_THERAPY]->(t:Therapy) "
        "RETURN h.id AS id, h.status AS status, h.decision_date AS date, t.name AS therapy"
    )
    return {r["id"]: (r["status"], r["date"], r["therapy"]) for r in rows}


def test_the_sample_loads_every_method_with_its_status_and_date(with_evidence):
    report = load_file(with_evidence, "nyemetoder", SAMPLE)
    assert report.rows_rejected == 0
    got = decisions(with_evidence)
    raw = _raw_rows()
    assert set(got) == {r["ID-nr"] for r in raw}
    for r in raw:  # independent: status and date as the file states them
        status, date, _ = got[r["ID-nr"]]
        assert (status or "") == r["Gjeldende beslutning Kortversjon"]
        assert (date.isoformat() if date else "") == r["Dato siste beslutning"]
    assert got["ID2017_090"] == ("Er ikke innført", dt.date(2018, 4, 23), "crizotinib")
    # one drug, several method ids (one per indication), all on one therapy node
    laro = {got[k][2] for k in ("ID2018_114", "ID2019_029", "ID2020_115")}
    assert len(laro) == 1
    assert {k for k, v in got.items() if v[2] in laro} == {"ID2018_114", "ID2019_029", "ID2020_115"}
    # not in the CIViC cut: kept under the Norwegian spelling, reported
    assert "larotrektinib" in report.unmatched_examples["drug (no English INN in the graph)"]


def test_norwegian_spellings_join_the_english_drug_nodes(with_evidence):
    load_file(with_evidence, "nyemetoder", SAMPLE)
    rows = with_evidence.run(
        "MATCH (h:HtaDecision {id: 'ID2017_041'})-[:FOR_THERAPY]->(:Therapy)-[:INCLUDES]->"
        "(d:Drug) RETURN DISTINCT d.name AS name"
    )
    assert rows == [{"name": "crizotinib"}]  # the workbook says "krizotinib"
    # the same drug node carries CIViC's crizotinib evidence
    evidence = with_evidence.run(
        "MATCH (e:Evidence)-[:FOR_THERAPY]->(:Therapy)-[:INCLUDES]->(d:Drug {name: 'crizotinib'})"
        " RETURN count(e) AS n"
    )
    assert evidence[0]["n"] > 0


def _xlsx(path, rows, header_offset=0):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    for _ in range(header_offset):
        sheet.append(["Nye Metoder - beslutninger"])  # a title row above the header
    for row in rows:
        sheet.append(row)
    book.save(path)
    return path


def test_an_xlsx_workbook_with_excel_serial_dates(tmp_path):
    raw = _raw_rows()
    header = list(raw[0].keys())
    rows = [header]
    for r in raw:
        values = [r[c] for c in header]
        if r["Dato siste beslutning"]:
            date = dt.date.fromisoformat(r["Dato siste beslutning"])
            values[header.index("Dato siste beslutning")] = (date - dt.date(1899, 12, 30)).days
        rows.append(values)
    path = _xlsx(tmp_path / "beslutninger.xlsx", rows, header_offset=2)
    result = nyemetoder.transform(read_file(path))
    got = {n.id: n.decision_date for n in result.nodes if n.label == "HtaDecision"}
    assert got["ID2020_106"] == dt.date(2022, 8, 29) and got["ID2021_147"] is None
    assert len(got) == len(raw) and result.rejections == []


@pytest.mark.parametrize(
    "change, reason, column",
    [
        (("ID-nr", "2021-147"), "malformed method id", "ID-nr"),
        (("Dato siste beslutning", "29 august 2022"), "unparseable date", "Dato siste beslutning"),
    ],
)
def test_bad_rows_are_rejected_with_their_row(tmp_path, change, reason, column):
    text = SAMPLE.read_text("utf-8").splitlines()
    fields = next(csv.reader([text[2]]))
    header = next(csv.reader([text[0]]))
    fields[header.index(change[0])] = change[1]
    buf = tmp_path / "bad.csv"
    with buf.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerow(fields)
    result = nyemetoder.transform(read_file(buf))
    assert [(r.line, r.reason, r.column) for r in result.rejections] == [(2, reason, column)]


def test_a_workbook_missing_a_column_changes_nothing(with_evidence, tmp_path):
    load_file(with_evidence, "nyemetoder", SAMPLE)
    before = snapshot(with_evidence)
    raw = _raw_rows()
    header = [c for c in raw[0] if c != "Gjeldende beslutning Kortversjon"]
    path = _xlsx(tmp_path / "beslutninger.xlsx", [header] + [[r[c] for c in header] for r in raw])
    with pytest.raises(InputFileError, match="missing column.*Gjeldende beslutning Kortversjon"):
        load_file(with_evidence, "nyemetoder", path)
    assert snapshot(with_evidence) == before


def test_unknown_status_phrasing_is_kept_verbatim_and_flagged():
    text = SAMPLE.read_text("utf-8").replace(",Er innført,", ",Innført (nasjonalt),", 1)
    result = nyemetoder.transform(RawFile("beslutninger.csv", text.encode()))
    flagged = [n for n in result.nodes if n.label == "HtaDecision" and not n.normalised]
    assert [(n.id, n.status) for n in flagged] == [("ID2020_106", "Innført (nasjonalt)")]
    assert result.unmatched["decision status"] == ["ID2020_106: 'Innført (nasjonalt)'"]


@pytest.mark.parametrize(
    "value, date",
    [
        ("2022-08-29", dt.date(2022, 8, 29)),
        ("29.08.2022", dt.date(2022, 8, 29)),
        (44802, dt.date(2022, 8, 29)),
        ("44802", dt.date(2022, 8, 29)),
        ("", None),
        (None, None),
    ],
)
def test_dates_in_every_shape_the_workbook_uses(value, date):
    assert parse_date(value) == date
