"""oncograph serve (issue #14): every API endpoint with a real answer on the demo data, on both
backends; errors with stable codes naming the field; limits as clear 4xx; the token; logs that
carry nothing of a patient; pages that render the same answers; and a load that completes while
the app serves (on a real socket), picked up without a restart and without a failed request."""

from __future__ import annotations

import gzip
import html
import io
import json
import logging
import re
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import openpyxl
import pytest
from fastapi.testclient import TestClient
from pptx import Presentation

from graph_loader import bundled_path, load_bundled, load_file
from graph_loader.backends import StoreConfig
from graph_loader.backends.ladybug_store import LadybugStore
from graph_loader.backends.neo4j_store import Neo4jSettings, Neo4jStore
from tests.conftest import FIXTURES, wipe_for_tests
from tests.webserver import running
from web.app import Limits, ServeSettings, create_app

PATIENT = FIXTURES / "patient"
OLD_CIVIC = FIXTURES / "civic" / "2024-08-01"


# -- the demo graph on each backend, once per module ---------------------------------------------


@pytest.fixture(scope="module")
def embedded_demo(demo_store_dir: Path) -> Path:
    return demo_store_dir  # read-only here; the load test copies it


@pytest.fixture(scope="module")
def neo4j_demo(neo4j_settings: Neo4jSettings) -> Neo4jSettings:
    with Neo4jStore(neo4j_settings, read_only=False) as store:
        wipe_for_tests(store)
        load_bundled(store)
    return neo4j_settings


def _config(request: pytest.FixtureRequest, backend: str) -> StoreConfig:
    if backend == "neo4j":
        return StoreConfig(neo4j=request.getfixturevalue("neo4j_demo"))
    return StoreConfig(store_dir=request.getfixturevalue("embedded_demo"))


@pytest.fixture(scope="module", params=["ladybug", pytest.param("neo4j", marks=pytest.mark.neo4j)])
def client(request: pytest.FixtureRequest) -> Iterator[TestClient]:
    app = create_app(ServeSettings(store=_config(request, request.param)))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def embedded_client(embedded_demo: Path) -> Iterator[TestClient]:
    with TestClient(create_app(ServeSettings(store=StoreConfig(store_dir=embedded_demo)))) as c:
        yield c


def error(response: httpx.Response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()["error"]
    assert body["code"] == code, body
    if field is not None:
        assert body.get("field") == field, body
    assert body["message"]
    return body


# -- service -------------------------------------------------------------------------------------


def test_service_info_names_the_data_releases(client):
    info = client.get("/api/v1/service-info").json()
    assert info["name"] == "oncograph" and info["type"]["artifact"] == "oncograph"
    releases = {r["name"]: r["version"] for r in info["data_releases"]}
    assert releases["civic"] == "2025-07-01" and releases["oncotree"] == "2025-10-03"
    assert releases["nyemetoder"] == "2022-08-29"
    assert info["backend"] == client.app.state.holder.status()["backend"]
    assert client.get("/service-info").json()["data_releases"] == info["data_releases"]
    assert info["cypher_enabled"] is False


def test_sources_list_licences(client):
    rows = {r["name"]: r for r in client.get("/api/v1/sources").json()}
    assert rows["civic"]["licence"] == "CC0 1.0" and rows["moalmanac"]["licence"] == "GPL-2.0"
    assert all(r["last_run_status"] == "complete" for r in rows.values())
    page = client.get("/sources").text
    assert "CC0 1.0" in page and "GPL-2.0" in page and "2025-07-01" in page


def test_suggestions_come_from_the_graph(client):
    found = client.get("/api/v1/suggest", params={"q": "braf v600"}).json()
    assert found[0] == {"kind": "alteration", "value": "BRAF V600", "label": "BRAF V600"} or (
        found[0]["value"] == "BRAF V600E"
    )
    assert {"BRAF V600E", "BRAF V600"} <= {s["value"] for s in found}
    tumours = client.get("/api/v1/suggest", params={"q": "melanoma", "kind": "tumour"}).json()
    assert tumours and all(s["kind"] == "tumour" for s in tumours)
    assert "MEL" in {s["value"] for s in tumours}
    methods = client.get("/api/v1/suggest", params={"q": "ID2020_1"}).json()
    assert "ID2020_106" in {s["value"] for s in methods if s["kind"] == "method"}
    drugs = client.get("/api/v1/suggest", params={"q": "osimer", "kind": "drug"}).json()
    assert [s["value"] for s in drugs] == ["osimertinib"]
    assert client.get("/api/v1/suggest", params={"q": ""}).json() == []
    error(client.get("/api/v1/suggest", params={"q": "x", "limit": 0}), 422, "invalid_request",
          "limit")  # fmt: skip


# -- evidence and the chain ----------------------------------------------------------------------


def test_evidence_for_an_alteration_in_any_spelling(client):
    a = client.get("/api/v1/evidence", params={"gene": "BRAF", "alteration": "V600E",
                                                "tumour": "MEL"}).json()  # fmt: skip
    b = client.get("/api/v1/evidence", params={"gene": "braf", "alteration": "p.Val600Glu",
                                                "tumour": "melanoma"}).json()  # fmt: skip
    assert a["alteration"] == b["alteration"] == "BRAF V600E" and a["tumour_code"] == "MEL"
    assert a["by_therapy"] == b["by_therapy"]
    therapies = {g["therapy"] for g in a["by_therapy"]}
    assert {"dabrafenib + trametinib", "vemurafenib"} <= therapies
    levels = {e["level"] for g in a["by_therapy"] for e in g["evidence"]}
    assert "A" in levels


def test_chain_has_dated_approvals_and_the_norwegian_decision(client):
    j = client.get("/api/v1/chain", params={"gene": "EGFR", "alteration": "L858R",
                                             "tumour": "NSCLC"}).json()  # fmt: skip
    osimertinib = next(t for t in j["therapies"] if t["therapy"] == "osimertinib")
    assert ("EMA", "2016-02-01") in {(a["by"], a["date"]) for a in osimertinib["approvals"]}
    assert [(d["id"], d["status"]) for d in osimertinib["decisions"]] == [
        ("ID2020_106", "Er innført")
    ]
    assert osimertinib["decisions"][0]["basis"] == "read from the indication text"
    # as of a date before the decision: the decision is not yet in force
    before = client.get(
        "/api/v1/chain",
        params={"gene": "EGFR", "alteration": "L858R", "tumour": "NSCLC", "as_of": "2019-01-01"},
    )
    earlier = next(t for t in before.json()["therapies"] if t["therapy"] == "osimertinib")
    assert not [d for d in earlier["decisions"] if d["id"] == "ID2020_106"]


def test_unknown_concepts_are_422_naming_the_field_with_suggestions(client):
    body = error(client.get("/api/v1/chain", params={"gene": "BRAF", "alteration": "V600E",
                                                      "tumour": "MELX"}), 422, "unknown_concept",
                 "tumour")  # fmt: skip
    assert any(s.startswith("MEL") for s in body["suggestions"])
    error(client.get("/api/v1/chain", params={"gene": "BRAFF", "alteration": "V600E"}), 422,
          "unknown_concept", "gene")  # fmt: skip
    error(client.get("/api/v1/evidence", params={"gene": "BRAF", "alteration": "V999Q"}), 422,
          "unknown_concept", "alteration")  # fmt: skip
    error(client.get("/api/v1/chain", params={"gene": "BRAF"}), 422, "invalid_request",
          "alteration")  # fmt: skip
    error(client.get("/api/v1/chain", params={"gene": "BRAF", "alteration": "V600E",
                                               "as_of": "2020-13-45"}), 422, "invalid_request",
          "as_of")  # fmt: skip
    error(client.get("/api/v1/chain", params={"gene": "B" * 201, "alteration": "V600E"}), 422,
          "invalid_request", "gene")  # fmt: skip
    error(client.get("/api/v1/nothing-here"), 404, "not_found")


# -- HTA -----------------------------------------------------------------------------------------


def test_gaps_filtered_by_tumour_drug_method_and_date(client):
    everything = client.get("/api/v1/gaps").json()["gaps"]
    counts = {g["gap"]: len(g["rows"]) for g in everything}
    assert set(counts) == {"evidence-without-decision", "ema-without-nyemetoder",
                           "not-introduced-newer", "fda-without-ema"}  # fmt: skip
    assert counts["evidence-without-decision"] > 100
    lung = client.get("/api/v1/gaps", params={"kind": "evidence-without-decision",
                                               "tumour": "NSCLC"}).json()  # fmt: skip
    rows = lung["gaps"][0]["rows"]
    assert rows and len(rows) < counts["evidence-without-decision"]
    nsclc = {"NSCLC", "LUAD", "LUSC", "LCLC", "LUACC", "LUAS", "LUPC", "LUSCC"}
    codes = {r["tumour_code"] for r in rows}
    assert "NSCLC" in codes and "MEL" not in codes and codes & nsclc == codes - (codes - nsclc)
    drug = client.get("/api/v1/gaps", params={"drug": "Osimertinib"}).json()["gaps"]
    assert all("osimertinib" in r["therapy"] for g in drug for r in g["rows"])
    assert sum(len(g["rows"]) for g in drug) > 0
    newer = client.get("/api/v1/gaps", params={"kind": "not-introduced-newer"}).json()["gaps"][0]
    method = newer["rows"][0]["items"][0].split()[0]
    by_method = client.get(
        "/api/v1/gaps", params={"kind": "not-introduced-newer", "method_id": method.lower()}
    ).json()
    assert by_method["gaps"][0]["rows"] == [r for r in newer["rows"]
                                            if any(method in i for i in r["items"])]  # fmt: skip
    early = client.get("/api/v1/gaps", params={"kind": "ema-without-nyemetoder",
                                                "as_of": "2015-01-01"}).json()  # fmt: skip
    assert early["as_of"] == "2015-01-01"
    assert len(early["gaps"][0]["rows"]) < counts["ema-without-nyemetoder"]
    limited = client.get("/api/v1/gaps", params={"limit": 3}).json()["gaps"]
    assert all(len(g["rows"]) <= 3 for g in limited)
    error(client.get("/api/v1/gaps", params={"kind": "nope"}), 422, "invalid_request", "kind.0")
    error(client.get("/api/v1/gaps", params={"tumour": "Lungg"}), 422, "unknown_concept",
          "tumour")  # fmt: skip


def test_coverage_pages_and_filters(client):
    whole = client.get("/api/v1/coverage", params={"limit": 10_000}).json()
    assert whole["total"] == len(whole["rows"]) > 100
    page = client.get("/api/v1/coverage", params={"limit": 5, "offset": 5}).json()
    assert page["rows"] == whole["rows"][5:10] and page["total"] == whole["total"]
    crizotinib = client.get("/api/v1/coverage", params={"drug": "crizotinib",
                                                         "tumour": "NSCLC"}).json()  # fmt: skip
    alk = [r for r in crizotinib["rows"] if r["alteration"] == "ALK fusion"]
    assert alk and "ID2017_041 Er innført" in alk[0]["nye_metoder"]
    error(client.get("/api/v1/coverage", params={"limit": 10_001}), 422, "invalid_request",
          "limit")  # fmt: skip


def test_decisions_and_one_decision_with_what_it_matched(client):
    listed = client.get("/api/v1/decisions").json()
    assert {"ID2017_041", "ID2020_106", "ID2021_147"} <= {d["method_id"] for d in listed}
    one = client.get("/api/v1/decisions/id2020_106").json()
    assert one["method_id"] == "ID2020_106"
    d = one["decisions"][0]
    assert d["status"] == "Er innført" and d["therapy"] == "osimertinib"
    assert {"EGFR L858R", "EGFR exon 19 deletion"} <= set(d["alterations"])
    assert d["biomarker_basis"] == "read from the indication text"
    body = error(client.get("/api/v1/decisions/ID2020_10"), 404, "not_found", "method_id")
    assert "ID2020_106" in " ".join(body["suggestions"])
    page = client.get("/decisions/ID2020_106")
    assert page.status_code == 200 and "Er innført" in page.text and "EGFR L858R" in page.text


# -- the board report ----------------------------------------------------------------------------


def test_report_json_in_json_out(client):
    r = client.post(
        "/api/v1/report",
        json={"tumour": "NSCLC", "sample": "P-42", "alterations": ["EGFR L858R", "EML4::ALK"]},
    )
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["sample"] == "P-42" and report["tumour_code"] == "NSCLC"
    names = [a["name"] for a in report["alterations"]]
    assert names == ["EGFR L858R", "EML4::ALK"]
    egfr = report["alterations"][0]["options"]
    osimertinib = next(o for o in egfr if o["therapy"] == "osimertinib")
    assert osimertinib["tier"] == "I-A"
    assert any(n.startswith("ID2020_106 Er innført") for n in osimertinib["nye_metoder"])
    error(client.post("/api/v1/report", json={"tumour": "NSCLC", "alterations": []}), 422,
          "invalid_request", "alterations")  # fmt: skip
    error(client.post("/api/v1/report", json={"tumour": "Lungz", "alterations": ["EGFR L858R"]}),
          422, "unknown_concept", "tumour")  # fmt: skip
    error(client.post("/api/v1/report", json={"tumour": "NSCLC", "alterations": ["EGFR"]}), 422,
          "invalid_request", "alterations[0]")  # fmt: skip
    error(client.post("/api/v1/report", content=b"{not json", headers={
        "content-type": "application/json"}), 422, "invalid_request")  # fmt: skip


@pytest.mark.parametrize(
    "name",
    ["patient_list.txt", "patient.maf", "patient_vep.vcf", "patient_snpeff.vcf"],
)
def test_report_from_an_uploaded_file_matches_the_typed_list(embedded_client, name):
    typed = embedded_client.post(
        "/api/v1/report",
        json={"tumour": "COAD", "alterations": ["BRAF V600E", "PIK3CA E545K", "EGFR E746_A750del"]},
    )
    upload = embedded_client.post("/api/v1/report/upload", data={"tumour": "COAD"}, files={
        "file": (name, (PATIENT / name).read_bytes())})  # fmt: skip
    assert upload.status_code == 200, upload.text
    got = {a["name"]: [(o["therapy"], o["tier"]) for o in a["options"]]
           for a in upload.json()["alterations"]}  # fmt: skip
    want = {a["name"]: [(o["therapy"], o["tier"]) for o in a["options"]]
            for a in typed.json()["alterations"]}  # fmt: skip
    assert got["BRAF V600E"] == want["BRAF V600E"] and got["BRAF V600E"]


def test_report_downloads_as_pptx_and_html(client):
    files = {"file": ("patient.maf.gz", gzip.compress((PATIENT / "patient.maf").read_bytes()))}
    pptx = client.post("/api/v1/report/upload", params={"format": "pptx"},
                       data={"tumour": "COAD"}, files=files)  # fmt: skip
    assert pptx.status_code == 200, pptx.text
    assert pptx.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.presentationml"
    )
    assert "attachment" in pptx.headers["content-disposition"]
    deck = Presentation(io.BytesIO(pptx.content))
    first = " ".join(s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame)
    assert "COAD" in first and "PATIENT-1" in first
    html = client.post("/api/v1/report/upload", params={"format": "html"},
                       data={"tumour": "COAD"}, files=files)  # fmt: skip
    assert html.text.startswith("<!DOCTYPE html>") and "BRAF V600E" in html.text
    assert "<script" not in html.text


def test_uploads_over_the_limit_and_broken_files_are_clear_4xx(embedded_demo):
    small = Limits(upload_bytes=3_000, alterations=3, maf_rows=2)
    app = create_app(ServeSettings(store=StoreConfig(store_dir=embedded_demo), limits=small))
    with TestClient(app) as c:
        big = b"BRAF V600E\n" * 500
        error(c.post("/api/v1/report/upload", data={"tumour": "COAD"},
                     files={"file": ("big.txt", big)}), 413, "too_large", "file")  # fmt: skip
        bomb = gzip.compress(b"BRAF V600E\n" * 100_000)  # 1.1 MB unpacked from 1 kB
        assert len(bomb) < 3_000
        error(c.post("/api/v1/report/upload", data={"tumour": "COAD"},
                     files={"file": ("bomb.txt.gz", bomb)}), 413, "too_large", "file")  # fmt: skip
        cut = gzip.compress(b"BRAF V600E\n")[:-6]
        error(c.post("/api/v1/report/upload", data={"tumour": "COAD"},
                     files={"file": ("cut.txt.gz", cut)}), 422, "bad_file", "file")  # fmt: skip
        many = b"BRAF V600E\nKRAS G12C\nEGFR L858R\nALK fusion\n"
        error(c.post("/api/v1/report/upload", data={"tumour": "COAD"},
                     files={"file": ("many.txt", many)}), 413, "too_many_rows", "file")  # fmt: skip
        maf = (PATIENT / "patient.maf").read_bytes()
        error(c.post("/api/v1/annotate", params={"tumour": "COAD"}, content=maf), 413,
              "too_many_rows", "body")  # fmt: skip
        error(c.post("/api/v1/annotate", params={"tumour": "COAD"}, content=b"x" * 4_000), 413,
              "too_large", "body")  # fmt: skip
    with TestClient(create_app(ServeSettings(store=StoreConfig(store_dir=embedded_demo)))) as c:
        bad = b"Hugo_Symbol\tHGVSp_Short\nBRAF\tp.V600E\textra\tcolumns\n"
        body = error(c.post("/api/v1/report/upload", data={"tumour": "COAD"},
                            files={"file": ("bad.maf", bad)}), 422, "bad_file", "file")  # fmt: skip
        assert body["file"] == "bad.maf" and body["line"] == 2
        error(c.post("/api/v1/report/upload", data={"tumour": "COAD"},
                     files={"file": ("empty.txt", b"")}), 422, "bad_file")  # fmt: skip
        error(c.post("/api/v1/report/upload", data={"tumour": "COAD"},
                     files={"file": ("latin1.txt", "BRAF V600E \xe9".encode("latin-1"))}), 422,
              "bad_file", "file")  # fmt: skip
        error(c.post("/api/v1/report/upload", data={}), 422, "invalid_request", "tumour")


# -- batch annotation ----------------------------------------------------------------------------


def test_annotate_streams_tsv_and_json(client):
    maf = (PATIENT / "patient.maf").read_bytes()
    tsv = client.post("/api/v1/annotate", params={"tumour": "COAD"}, content=maf)
    assert tsv.status_code == 200 and tsv.headers["content-type"].startswith(
        "text/tab-separated-values"
    )
    lines = tsv.text.splitlines()
    header = lines[0].split("\t")
    assert header[:3] == ["sample", "gene", "protein_change"]
    rows = [dict(zip(header, line.split("\t"), strict=True)) for line in lines[1:]]
    braf = next(r for r in rows if r["gene"] == "BRAF")
    assert braf["alteration"] == "BRAF V600E" and braf["tumour_code"] == "COAD"
    assert "TP53" not in {r["gene"] for r in rows}  # the silent change is skipped
    as_json = client.post("/api/v1/annotate", params={"tumour": "COAD", "format": "json"},
                          content=gzip.compress(maf)).json()  # fmt: skip
    assert [r["alteration"] for r in as_json] == [r["alteration"] for r in rows]
    body = error(client.post("/api/v1/annotate", content=maf), 422, "bad_file", "body")
    assert "ONCOTREE_CODE" in body["message"]
    error(client.post("/api/v1/annotate", params={"tumour": "nope"}, content=maf), 422,
          "unknown_concept", "tumour")  # fmt: skip


# -- Cypher, read-only and only when enabled -----------------------------------------------------


def test_cypher_is_off_unless_enabled_and_then_read_only(request, client):
    error(client.post("/api/v1/cypher", json={"query": "MATCH (n) RETURN count(n) AS n"}), 403,
          "cypher_disabled")  # fmt: skip
    backend = client.app.state.holder.status()["backend"]
    config = _config(request, "neo4j" if backend == "neo4j" else "ladybug")
    with TestClient(create_app(ServeSettings(store=config, allow_cypher=True))) as c:
        r = c.post(
            "/api/v1/cypher",
            json={
                "query": "MATCH (t:TumourType {id: $code}) RETURN t.name AS name",
                "params": {"code": "MEL"},
            },
        )
        assert r.json() == {"rows": [{"name": "Melanoma"}], "truncated": False}
        for statement in ("MATCH (n:TumourType) DETACH DELETE n",
                          "CREATE (:TumourType {id: 'X'})"):  # fmt: skip
            error(c.post("/api/v1/cypher", json={"query": statement}), 403, "refused", "query")
        assert c.get("/api/v1/suggest", params={"q": "MEL", "kind": "tumour"}).json()
        error(c.post("/api/v1/cypher", json={"query": "MATCH (n RETURN n"}), 400, "bad_query")


def test_cypher_time_limit_is_a_408(embedded_demo):
    settings = ServeSettings(store=StoreConfig(store_dir=embedded_demo), allow_cypher=True,
                             timeout=0.2)  # fmt: skip
    slow = "UNWIND range(1, 100000000) AS x RETURN sum(x) AS n"
    with TestClient(create_app(settings)) as c:
        error(c.post("/api/v1/cypher", json={"query": slow}), 408, "time_limit")


# -- access and logs -----------------------------------------------------------------------------


def test_a_token_guards_api_and_pages(embedded_demo):
    app = create_app(ServeSettings(store=StoreConfig(store_dir=embedded_demo), token="s3cret"))
    with TestClient(app) as c:
        error(c.get("/api/v1/decisions"), 401, "unauthorized")
        error(c.get("/api/v1/decisions", headers={"Authorization": "Bearer wrong"}), 401,
              "unauthorized")  # fmt: skip
        ok = c.get("/api/v1/decisions", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200 and ok.json()
        page = c.get("/hta", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert c.get("/healthz").status_code == 200
        assert c.post("/login", data={"token": "nope"}).status_code == 401
        signed = c.post("/login", data={"token": "s3cret", "next": "/hta"},
                        follow_redirects=False)  # fmt: skip
        assert signed.status_code == 303 and signed.headers["location"] == "/hta"
        assert "httponly" in signed.headers["set-cookie"].lower()
        assert c.get("/hta").status_code == 200  # the cookie now
        offsite = c.post("/login", data={"token": "s3cret", "next": "//evil.example"},
                         follow_redirects=False)  # fmt: skip
        assert offsite.headers["location"] == "/"


def test_logs_and_headers_carry_nothing_of_the_patient(embedded_client, caplog):
    caplog.set_level(logging.DEBUG)
    marker = "PATIENT-NAME-XYZ-17"
    r = embedded_client.post("/api/v1/report/upload", data={"tumour": "COAD", "sample": marker},
                             files={"file": (f"{marker}.txt", b"BRAF V600E\n")})  # fmt: skip
    assert r.status_code == 200 and r.json()["sample"] == marker
    embedded_client.get("/api/v1/chain", params={"gene": "BRAF", "alteration": "V600E",
                                                  "tumour": marker})  # fmt: skip
    # the server's records (the test client's own httpx lines name the URLs it asked for)
    logged = "\n".join(rec.getMessage() for rec in caplog.records if rec.name != "httpx")
    assert "POST /api/v1/report/upload 200" in logged
    assert marker not in logged and "V600E" not in logged
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


def test_serve_refuses_a_wide_bind_without_a_token(tmp_path):
    from click.testing import CliRunner

    from cli import cli

    result = CliRunner().invoke(cli, ["--store", str(tmp_path), "serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert "give --token" in result.output and "--behind-proxy" in result.output


# -- the cohort dossier (for sharing) -----------------------------------------------------------

C05 = "IMPRESS-SYNTHETIC/C05"


def test_the_dossier_index_lists_positive_cohorts_without_a_decision_first(client):
    rows = client.get("/api/v1/dossiers").json()
    ids = [r["arm_id"] for r in rows]
    assert set(ids[:2]) == {C05, "IMPRESS-SYNTHETIC/C06"} and len(ids) > 2
    for r in rows[:2]:
        assert r["decision"] == "positive" and r["nye_metoder"] == "none for this indication"
        assert r["synthetic"] is True and r["gap"].startswith("Positive cohort")
    assert not [r for r in rows[2:] if r["decision"] == "positive"
                and r["nye_metoder"] == "none for this indication"]  # fmt: skip
    page = client.get("/dossiers")
    assert page.status_code == 200 and '<a href="/dossiers">Dossier' in page.text  # the nav
    links = re.findall(r'<a href="/dossier\?arm=([^"]+)">', page.text)
    assert links == ids  # the same cohorts, in the same order, each linked to its dossier
    for r in rows:
        assert html.escape(r["gap"]) in page.text and html.escape(r["nye_metoder"]) in page.text


def test_a_dossier_page_shows_the_gap_and_the_survival_plots(client):
    answer = client.get("/api/v1/dossier", params={"arm": C05}).json()
    assert answer["decision"] == "positive" and answer["cohort"]["arm_id"] == C05
    assert answer["sharing"] is True and answer["synthetic"] is True
    assert answer["gap"].startswith("Positive cohort") and "Nye Metoder" in answer["gap"]
    assert answer["outcomes"]["pfs"]["shown"] and answer["outcomes"]["pfs"]["curve"]
    # the web is for sharing: no parameter asks for the exact dossier
    asked = client.get("/api/v1/dossier", params={"arm": C05.lower(), "exact": "true"}).json()
    assert asked["sharing"] is True and asked["cohort"]["arm_id"] == C05
    assert asked["payment"] is None or asked["payment"]["patients"] == []
    page = client.get("/dossier", params={"arm": C05})
    assert page.status_code == 200, page.text[:300]
    text = page.text
    assert html.escape(answer["gap"]) in text and "SYNTHETIC DATA" in text
    main = text.split("<main>")[1].split("</main>")[0]
    assert main.count('<figure class="km"><svg') == 2 and "<script" not in main
    assert '<header class="top">' in text and 'class="dossier"' in text  # in the site's layout
    assert "/dossier/download?arm=IMPRESS-SYNTHETIC/C05&amp;format=html" in text
    assert "/dossier/download?arm=IMPRESS-SYNTHETIC/C05&amp;format=xlsx" in text
    assert client.get("/dossier", follow_redirects=False).headers["location"] == "/dossiers"


def _shared_counts(d: dict) -> Iterator[object]:
    """Every count of a dossier's JSON (a number, or "<5" where suppressed)."""
    o = d["outcomes"] or {}
    yield from (o.get("treated"), o.get("evaluable"), o.get("not_evaluable"))
    yield from (o.get("best_response") or {}).values()
    for r in o.get("rates") or []:
        yield from (r["k"], r["n"])
    for s in (o.get("pfs"), o.get("os")):
        if s:
            yield from (s["patients"], s["events"], *(n for _, n in s["at_risk"]))
    yield from (c["treated"] for c in d["other_cohorts"])
    if d["payment"]:
        yield d["payment"]["unknown"]
        for g in d["payment"]["groups"]:
            yield from (g["patients"], g["ongoing"])


def test_no_count_of_1_to_4_in_a_shared_dossier(client):
    for row in client.get("/api/v1/dossiers").json():
        arm = row["arm_id"]
        page = client.get("/dossier", params={"arm": arm})
        assert page.status_code == 200, (arm, page.text[:300])
        cells = [html.unescape(c).strip() for c in re.findall(r'<td class="num">([^<]*)</td>',
                                                              page.text)]  # fmt: skip
        assert cells, arm
        assert not {"1", "2", "3", "4"} & set(cells), (arm, cells)
        answer = client.get("/api/v1/dossier", params={"arm": arm}).json()
        small = [n for n in _shared_counts(answer) if isinstance(n, int) and 0 < n < 5]
        assert small == [], (arm, small)
        assert answer["payment"] is None or answer["payment"]["patients"] == []


def test_the_dossier_downloads_as_a_whole_page_and_a_workbook(client):
    gap = client.get("/api/v1/dossier", params={"arm": C05}).json()["gap"]
    page = client.get("/dossier/download", params={"arm": C05, "format": "html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    disposition = page.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="oncograph_dossier_IMPRESS-SYNTHETIC_C05')
    assert disposition.endswith('.html"')
    text = page.text
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "<style>" in text and text.count("<svg") >= 2 and html.escape(gap) in text
    assert "SYNTHETIC DATA" in text
    assert "<script" not in text and "/static/" not in text  # self-contained, nothing to fetch
    xlsx = client.get("/dossier/download", params={"arm": C05, "format": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["content-type"]
    assert xlsx.headers["content-disposition"].endswith('.xlsx"')
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert "Rates" in book.sheetnames
    rates = list(book["Rates"].iter_rows(values_only=True))
    header = list(rates[0])
    control = next(r for r in rates[1:] if str(r[header.index("outcome")]).startswith("Disease"))
    assert (control[header.index("count")], control[header.index("of")]) == (5, 24)
    assert not [c for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]  # fmt: skip
    bad = client.get("/dossier/download", params={"arm": C05, "format": "pdf"})
    assert bad.status_code == 422 and "<html" in bad.text


def test_an_unknown_cohort_is_an_error_with_suggestions(client):
    body = error(client.get("/api/v1/dossier", params={"arm": "IMPRESS-SYNTHETIC/C5"}), 422,
                 "unknown_concept", "arm")  # fmt: skip
    assert any(s.startswith(C05) for s in body["suggestions"]), body
    error(client.get("/api/v1/dossier"), 422, "invalid_request", "arm")
    error(client.get("/api/v1/dossier", params={"arm": "C" * 201}), 422, "invalid_request", "arm")
    page = client.get("/dossier", params={"arm": "IMPRESS-SYNTHETIC/C5"})
    assert page.status_code == 422 and "unknown_concept" in page.text and C05 in page.text
    assert '<ul class="suggestions">' in page.text
    download = client.get("/dossier/download", params={"arm": "nope", "format": "xlsx"})
    assert download.status_code == 422 and "<html" in download.text


# -- pages ---------------------------------------------------------------------------------------


def test_pages_show_the_same_answers(client):
    chain = client.get("/chain", params={"alteration": "EGFR L858R", "tumour": "NSCLC"})
    assert chain.status_code == 200
    assert "ID2020_106" in chain.text and "Er innført" in chain.text
    assert '<svg class="chain"' in chain.text and "osimertinib" in chain.text
    assert client.get("/chain", params={"alteration": "EGFR L858R", "tumour": "Lungz"}
                      ).status_code == 422  # fmt: skip
    report = client.post("/report", data={"tumour": "NSCLC", "alterations": "EGFR L858R"})
    assert report.status_code == 200 and "Tumour board evidence report" in report.text
    assert 'name="report"' in report.text and "download-pptx" in report.text
    hta = client.get("/hta", params={"tumour": "NSCLC", "kind": "evidence-without-decision"})
    assert hta.status_code == 200 and 'id="gap-evidence-without-decision"' in hta.text
    assert "gap-fda-without-ema" not in hta.text
    search = client.get("/search", params={"q": "ID2020_106"}, follow_redirects=False)
    assert search.status_code == 303 and search.headers["location"] == "/decisions/ID2020_106"
    assert "osimertinib" in client.get("/search", params={"q": "osimert"}).text
    missing = client.get("/nope")
    assert missing.status_code == 404 and "<html" in missing.text


def test_the_downloaded_report_is_the_one_on_screen(embedded_client):
    shown = embedded_client.post(
        "/api/v1/report", json={"tumour": "NSCLC", "alterations": ["EGFR L858R"]}
    )
    for fmt, kind in (("json", "application/json"), ("html", "text/html"),
                      ("pptx", "application/vnd.openxmlformats")):  # fmt: skip
        r = embedded_client.post("/report/download", data={"report": shown.text, "format": fmt})
        assert r.status_code == 200 and r.headers["content-type"].startswith(kind)
        assert "attachment" in r.headers["content-disposition"]
    again = embedded_client.post("/report/download", data={"report": shown.text,
                                                            "format": "json"}).json()  # fmt: skip
    assert again == shown.json()
    bad = embedded_client.post("/report/download", data={"report": "{}", "format": "pptx"})
    assert bad.status_code == 422


def test_hta_downloads_xlsx_and_csv_with_the_filters(client):
    api = client.get("/api/v1/gaps", params={"tumour": "NSCLC"}).json()["gaps"]
    xlsx = client.get("/hta/download", params={"tumour": "NSCLC", "format": "xlsx"})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["content-type"]
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    for g in api:
        sheet = next(ws for ws in book.worksheets if ws.title.startswith(g["gap"][:25]))
        assert sheet.max_row - 1 == len(g["rows"]), g["gap"]
    formulas = [c.coordinate for ws in book.worksheets for row in ws.iter_rows() for c in row
                if c.data_type == "f"]  # fmt: skip
    assert formulas == []
    csv = client.get("/hta/download", params={"kind": "coverage", "drug": "crizotinib",
                                               "format": "csv"})  # fmt: skip
    lines = csv.text.strip().splitlines()
    assert lines[0].startswith("alteration,therapy")
    api_cov = client.get("/api/v1/coverage", params={"drug": "crizotinib"}).json()
    assert len(lines) - 1 == api_cov["total"]


# -- a load completing while the app serves ------------------------------------------------------


def _hammer(base: str, stop: threading.Event, out: list) -> None:
    with httpx.Client(base_url=base, timeout=30) as c:
        while not stop.is_set():
            for url in (
                "/api/v1/chain?gene=BRAF&alteration=V600E&tumour=MEL",
                "/api/v1/service-info",
                "/api/v1/gaps?kind=fda-without-ema&limit=5",
            ):
                r = c.get(url)
                civic = None
                if url.endswith("service-info") and r.status_code == 200:
                    civic = frozenset(d["version"] for d in r.json()["data_releases"]
                                      if d["name"] == "civic")  # fmt: skip
                out.append((time.monotonic(), r.status_code, civic))


def _load_while_serving(config: StoreConfig, load) -> list:  # type: ignore[no-untyped-def]
    app = create_app(ServeSettings(store=config, refresh_interval=0.1))
    seen: list = []
    stop = threading.Event()
    with running(app) as base:
        threads = [threading.Thread(target=_hammer, args=(base, stop, seen)) for _ in range(3)]
        for t in threads:
            t.start()
        time.sleep(0.5)
        load()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and "civic@2024-08-01" not in {
            s["id"] for s in httpx.get(f"{base}/api/v1/sources").json()
        }:
            time.sleep(0.1)
        time.sleep(0.5)
        stop.set()
        for t in threads:
            t.join()
        assert app.state.holder.refreshes >= 1
    return seen


def _check(seen: list) -> None:
    assert len(seen) > 30
    assert [s for s in seen if s[1] != 200] == []  # no failed request, during or after
    # the releases served, in order: the demo's, then with the new load (its Source node beside
    # the old release's), and once the new one was served, never the old state again
    served = [v for _, _, v in sorted(seen) if v]
    assert served[0] == {"2025-07-01"} and served[-1] == {"2025-07-01", "2024-08-01"}
    first_new = served.index(served[-1])
    assert all(v == served[-1] for v in served[first_new:])


def test_a_load_completing_while_serving_is_picked_up_embedded(embedded_demo, tmp_path):
    store = tmp_path / "store"
    shutil.copytree(embedded_demo, store)

    def load() -> None:
        with LadybugStore(store, read_only=False) as writer:
            report = load_file(writer, "civic", OLD_CIVIC, allow_shrink=True)
        assert report.status == "complete"

    _check(_load_while_serving(StoreConfig(store_dir=store), load))


@pytest.mark.neo4j
def test_a_load_completing_while_serving_is_picked_up_neo4j(neo4j_demo):
    def load() -> None:
        with Neo4jStore(neo4j_demo, read_only=False) as writer:
            report = load_file(writer, "civic", OLD_CIVIC, allow_shrink=True)
        assert report.status == "complete"

    try:
        _check(_load_while_serving(StoreConfig(neo4j=neo4j_demo), load))
    finally:  # the module's other tests expect the demo release
        with Neo4jStore(neo4j_demo, read_only=False) as writer:
            load_file(writer, "civic", bundled_path("civic"))


def test_the_cli_writes_the_same_gap_workbook(embedded_demo, embedded_client, tmp_path):
    from click.testing import CliRunner

    from cli import cli

    out = tmp_path / "gaps.xlsx"
    result = CliRunner().invoke(cli, ["--store", str(embedded_demo), "gaps", "--format", "xlsx",
                                      "--output", str(out)])  # fmt: skip
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    for g in embedded_client.get("/api/v1/gaps").json()["gaps"]:
        assert book[g["gap"]].max_row - 1 == len(g["rows"])
    refused = CliRunner().invoke(cli, ["--store", str(embedded_demo), "gaps", "--format", "xlsx"])
    assert refused.exit_code == 2 and "--output" in refused.output


def test_a_tso500_upload_gives_the_report_with_its_measurements(client):
    tso = PATIENT / "tso500" / "NSCLC-01_CombinedVariantOutput.tsv"
    files = {"file": (tso.name, tso.read_bytes())}
    r = client.post("/api/v1/report/upload", data={"tumour": "NSCLC"}, files=files)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["sample"] == "NSCLC-01"
    assert report["measurements"][0] == "TMB 12.4 mut/Mb (TSO500, >= 10 is TMB-H)"
    assert any("synonymous_variant" in s for s in report["skipped"])
    by_name = {a["name"]: a for a in report["alterations"]}
    assert by_name["EGFR L858R"]["origin"].endswith(":50 (Small Variants)")
    assert ("osimertinib", "I-A") in {(o["therapy"], o["tier"])
                                      for o in by_name["EGFR L858R"]["options"]}  # fmt: skip
    assert "MET exon 14 skipping" in by_name and "EML4::ALK" in by_name
    deck = client.post("/api/v1/report/upload", params={"format": "pptx"},
                       data={"tumour": "NSCLC"}, files=files)  # fmt: skip
    first = " ".join(s.text_frame.text for s in Presentation(io.BytesIO(deck.content)).slides[0]
                     .shapes if s.has_text_frame)  # fmt: skip
    assert "TMB 12.4 mut/Mb" in first and "NSCLC-01" in first
    html = client.post("/api/v1/report/upload", params={"format": "html"},
                       data={"tumour": "NSCLC"}, files=files).text  # fmt: skip
    assert "Measured: TMB 12.4 mut/Mb" in html and "Read and not used" in html
    broken = PATIENT / "tso500" / "bad-row-width_CombinedVariantOutput.tsv"
    body = error(client.post("/api/v1/report/upload", data={"tumour": "NSCLC"},
                             files={"file": (broken.name, broken.read_bytes())}), 422,
                 "bad_file", "file")  # fmt: skip
    assert body["line"] and body["file"] == broken.name


def test_the_same_alteration_in_two_reports_keeps_each_reports_own_origin(embedded_client):
    """The board keeps an alteration's options per snapshot; each report still says where its
    own alteration came from and how it was written."""
    one = {"tumour": "COAD", "alterations": ["BRAF V600E"]}
    a = embedded_client.post("/api/v1/report", json=one).json()
    b = embedded_client.post("/api/v1/report", json={"tumour": "COAD", "alterations": [
        "KRAS G12C", "BRAF p.Val600Glu"]}).json()  # fmt: skip
    first, second = a["alterations"][0], b["alterations"][1]
    assert first["observed"] == "BRAF V600E" and second["observed"] == "BRAF p.Val600Glu"
    assert (
        first["origin"] == "alterations[0] item 1" and second["origin"] == "alterations[1] item 1"
    )
    assert first["options"] == second["options"] and first["options"]


# -- what a review of the web code found (each failed before its fix) ---------------------------


def test_a_bgzip_upload_is_read_whole(embedded_client):
    """bgzip (which writes .vcf.gz and .maf.gz) makes many gzip members: every one is read."""
    lines = (PATIENT / "patient.maf").read_bytes().splitlines(keepends=True)
    packed = b"".join(gzip.compress(b"".join(lines[i : i + 2])) for i in range(0, len(lines), 2))
    assert packed.count(b"\x1f\x8b") > 2
    r = embedded_client.post("/api/v1/report/upload", data={"tumour": "COAD"},
                             files={"file": ("patient.maf.gz", packed)})  # fmt: skip
    whole = embedded_client.post("/api/v1/report/upload", data={"tumour": "COAD"},
                                 files={"file": ("patient.maf", b"".join(lines))})  # fmt: skip
    assert r.status_code == 200, r.text
    names = [a["name"] for a in r.json()["alterations"]]
    assert names == [a["name"] for a in whole.json()["alterations"]] and len(names) >= 3


def test_a_chunked_body_over_the_limit_is_a_413(embedded_demo):
    app = create_app(ServeSettings(store=StoreConfig(store_dir=embedded_demo),
                                   limits=Limits(upload_bytes=3_000)))  # fmt: skip

    def chunks():  # no Content-Length: sent chunked
        for _ in range(30):
            yield b"BRAF V600E\n" * 10_000

    with TestClient(app) as c:
        error(c.post("/api/v1/report", content=chunks(), headers={
            "content-type": "application/json"}), 413, "too_large", "body")  # fmt: skip
        head = (
            b'--b\r\nContent-Disposition: form-data; name="tumour"\r\n\r\nCOAD\r\n--b\r\n'
            b'Content-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\n'
        )

        def upload():
            yield head
            yield from chunks()

        error(
            c.post(
                "/api/v1/report/upload",
                content=upload(),
                headers={"content-type": "multipart/form-data; boundary=b"},
            ),
            413,
            "too_large",
            "body",
        )
        assert c.get("/healthz").json()["status"] == "ok"  # and the server goes on


def test_the_alteration_limit_counts_what_the_items_hold(embedded_demo):
    app = create_app(ServeSettings(store=StoreConfig(store_dir=embedded_demo),
                                   limits=Limits(alterations=3)))  # fmt: skip
    with TestClient(app) as c:
        error(c.post("/api/v1/report", json={"tumour": "COAD", "alterations": [
            "BRAF V600E; KRAS G12C; EGFR L858R; TP53 R175H"]}), 413, "too_many_rows",
            "alterations")  # fmt: skip
        ok = c.post("/api/v1/report", json={"tumour": "COAD", "alterations": ["BRAF V600E"]})
        assert ok.status_code == 200


def test_a_method_id_filter_matches_the_whole_id(client):
    cited = client.get("/api/v1/coverage", params={"method_id": "ID2020_106"}).json()
    assert cited["total"] > 0
    assert client.get("/api/v1/coverage", params={"method_id": "ID2020_10"}).json()["total"] == 0
    assert client.get("/api/v1/coverage", params={"method_id": "ID2020_1"}).json()["total"] == 0


def test_a_large_report_downloads(embedded_client):
    """The download posts the report's JSON back: more than Starlette's 1 MiB per form field."""
    many = ["BRAF V600E", "KRAS G12C", "EGFR L858R", "EML4::ALK", "ERBB2 amplification",
            "PIK3CA E545K", "NRAS Q61K", "MET exon 14 skipping", "BRCA2 mutation", "MSI-H",
            "IDH1 R132H", "EGFR exon 19 deletion", "ROS1 fusion", "RET fusion", "NTRK1 fusion",
            "BRAF V600K", "KRAS G12D", "PIK3CA H1047R", "ESR1 D538G", "AKT1 E17K"]  # fmt: skip
    report = embedded_client.post("/api/v1/report", json={"tumour": "NSCLC",
                                                           "alterations": many}).json()  # fmt: skip
    report["alterations"] *= 4  # the report of a patient with about 80 alterations
    text = json.dumps(report)
    assert len(text) > 1_200_000, len(text)
    r = embedded_client.post("/report/download", data={"report": text, "format": "json"})
    assert r.status_code == 200, r.text[:300]
    assert r.json() == report


def test_healthz_tells_no_error_text(embedded_client):
    assert set(embedded_client.get("/healthz").json()) == {
        "status", "backend", "loaded_at", "refreshes", "degraded"}  # fmt: skip


@pytest.mark.neo4j
def test_a_load_committing_batch_by_batch_still_publishes_a_new_state(neo4j_demo):
    """A load over the atomic limit commits batch by batch: afterwards the counter has moved
    (and is even), so a server refreshes."""
    with Neo4jStore(neo4j_demo, read_only=False) as store:
        before = store.publication()
        with store.publishing(atomic=False):
            assert store.publication() == before  # nothing claimed while batches commit
        after = store.publication()
    assert after == before + 2 and after % 2 == 0
