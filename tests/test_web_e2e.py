"""The web app end to end in a real browser (Debian's chromium driven by Playwright, never a
downloaded one): ``oncograph serve``'s app over the demo store, served by uvicorn on a free local
port, and the user's steps: a search to the chain page, a patient file to the board report and
its downloads, the HTA gap list and its workbook, a decision page, a cohort's evidence dossier,
and printing.

Assertions are on what the user sees, checked against what the API answers for the same
question. Full-page screenshots go to test-artifacts/web/ (git-ignored).
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graph_loader import bundled_path
from graph_loader.backends import StoreConfig
from queries.board import BoardReport
from tests.webserver import running
from web.app import ServeSettings, create_app

pytest.importorskip("playwright.sync_api")
from playwright.sync_api import Browser, Page, expect  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
ARTEFACTS = ROOT / "test-artifacts" / "web"
PATIENT = Path(__file__).parent / "fixtures" / "patient"
TIMEOUT_MS = 15_000


# -- the server and the browser ------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(demo_store_dir: Path) -> Iterator[str]:
    """The app over the session's demo store, served by uvicorn in a thread on 127.0.0.1; its
    base URL."""
    with running(create_app(ServeSettings(store=StoreConfig(store_dir=demo_store_dir)))) as base:
        yield base


@pytest.fixture
def page(browser: Browser, server: str) -> Iterator[Page]:
    """A fresh browser context per test; a script error on any page fails the test."""
    context = browser.new_context(
        base_url=server, accept_downloads=True, viewport={"width": 1280, "height": 900}
    )
    context.set_default_timeout(TIMEOUT_MS)
    errors: list[str] = []
    tab = context.new_page()
    tab.on("pageerror", lambda exc: errors.append(str(exc)))
    yield tab
    context.close()
    assert not errors, f"script errors in the page: {errors}"


def _download(page: Page, selector: str, folder: Path, suffix: str) -> Path:
    """Click ``selector`` and keep the file the browser downloads (its suggested name)."""
    with page.expect_download() as download:
        page.click(selector)
    saved = folder / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.suffix == suffix, saved
    return saved


def _shot(page: Page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000  # a rendered page, not a blank one
    return path


def _api(page: Page, path: str, **params: Any) -> Any:
    response = page.request.get(path, params=params)
    assert response.ok, f"{path} {params}: {response.status} {response.text()[:300]}"
    return response.json()


# -- a. search: the form to the chain page --------------------------------------------------------


@pytest.mark.parametrize(
    ("alteration", "typed", "tumour"),
    [("BRAF V600E", "melan", "MEL"), ("EGFR exon 19 deletion", "non-small", "NSCLC")],
)
def test_search_leads_to_the_chain_with_the_nye_metoder_status(
    page: Page, alteration: str, typed: str, tumour: str
) -> None:
    page.goto("/")
    page.fill("#alteration", alteration)
    # typing fills the tumour datalist from /api/v1/suggest (web/static/app.js); the user picks
    # the suggestion (the native list cannot be clicked headless, so its value is filled in)
    page.locator("#tumour").press_sequentially(typed, delay=20)
    options = page.locator("#tumour-list option")
    expect(options.first).to_be_attached()
    values = options.evaluate_all("os => os.map(o => o.value)")
    assert tumour in values, f"typing {typed!r} suggested {values}"
    page.fill("#tumour", tumour)
    page.locator("form[role=search] button[type=submit]").click()
    page.wait_for_url("**/chain?*")
    assert f"tumour={tumour}" in page.url

    heading = page.locator("main h1")
    expect(heading).to_contain_text(alteration)
    expect(heading).to_contain_text(tumour)
    expect(page.locator("svg.chain").first).to_be_visible()
    box = page.locator("svg.chain").first.bounding_box()
    assert box and box["width"] > 300 and box["height"] > 80

    gene, rest = alteration.split(" ", 1)
    answer = _api(page, "/api/v1/chain", gene=gene, alteration=rest, tumour=tumour)
    expected = Counter(
        (t["therapy"], d["id"], d["status"] or "(ingen status)")
        for t in answer["therapies"]
        for d in t["decisions"]
    )
    section = page.locator("section#nye-metoder")
    expect(section).to_be_visible()
    rows = section.locator("tr.decision")
    shown = Counter(
        tuple(r.locator("td").nth(i).inner_text().strip() for i in range(3))
        for r in rows.all()
    )  # fmt: skip
    assert shown == expected
    if expected:
        statuses = {status for _, _, status in expected}
        texts = section.locator("td.status").all_inner_texts()
        assert statuses & {t.strip() for t in texts}, (statuses, texts)
    else:  # the demo's Nye Metoder sample has no decision for it: the page says so
        expect(section.locator("td.status")).to_contain_text("Ingen Nye Metoder-beslutning")
    _shot(page, f"chain-{gene}-{tumour}")


# -- b, c. a patient file to the report and its downloads ----------------------------------------


def _summary(page: Page) -> list[tuple[str, str, str]]:
    """The rows of the report's summary table as (alteration, therapy, tier)."""
    table = page.locator("div.board-report h2:text-is('Summary') + table")
    expect(table).to_be_visible()
    rows = table.locator("tr:has(td.tier)")
    out = []
    for row in rows.all():
        cells = [c.strip() for c in row.locator("td").all_inner_texts()]
        therapy = cells[1].removesuffix("(conflict)").strip()
        out.append((cells[0], therapy, cells[2]))
    return out


def _api_summary(page: Page, path: Path, tumour: str) -> tuple[list[tuple[str, str, str]], Any]:
    response = page.request.post(
        "/api/v1/report/upload?format=json",
        multipart={"tumour": tumour,
                   "file": {"name": path.name, "mimeType": "text/plain",
                            "buffer": path.read_bytes()}},
    )  # fmt: skip
    assert response.ok, response.text()[:500]
    report = BoardReport.model_validate(response.json())
    rows = [(r["alteration"], r["therapy"], r["tier"]) for r in report.summary()]
    return rows, report


def _upload(page: Page, path: Path, tumour: str) -> None:
    page.goto("/report")
    page.set_input_files("#file", str(path))
    page.fill("#tumour", tumour)
    page.locator("form.report button[type=submit]").click()
    expect(page.locator("div.board-report h1")).to_have_text("Tumour board evidence report")
    page.wait_for_load_state("load")  # the stylesheets too, not only the report's markup


def _tso500() -> Path | None:
    files = sorted((PATIENT / "tso500").glob("*CombinedVariantOutput.tsv"))
    good = [f for f in files if not f.name.startswith("bad")]  # bad-*: the reader's error cases
    return next((f for f in good if "NSCLC" in f.name), good[0] if good else None)


def test_a_tso500_file_gives_the_report_and_its_downloads(page: Page, tmp_path: Path) -> None:
    path = _tso500()
    if path is None:
        pytest.skip(
            "no TSO500 fixture yet (tests/fixtures/patient/tso500/*CombinedVariantOutput.tsv)"
        )
    _upload(page, path, "NSCLC")
    shown = _summary(page)
    expected, report = _api_summary(page, path, "NSCLC")
    assert shown == expected
    assert any(tier.startswith("I-") for _, _, tier in shown), shown
    expect(page.locator("div.board-report p.meta").first).to_contain_text("NSCLC")
    _shot(page, "report-tso500-NSCLC")

    deck_path = _download(page, "#download-pptx", tmp_path, ".pptx")
    from pptx import Presentation

    deck = Presentation(str(deck_path))
    assert len(deck.slides) >= 2
    first = " ".join(
        shape.text_frame.text for shape in deck.slides[0].shapes if shape.has_text_frame
    )
    assert "NSCLC" in first or report.tumour in first, first[:300]

    saved = _download(page, "#download-html", tmp_path, ".html")
    text = saved.read_text("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    for alteration, therapy, _ in expected:
        assert html.escape(alteration, quote=False) in text and html.escape(therapy) in text
    # the same summary rows, read the same way, from the downloaded page
    page.goto(saved.as_uri())
    assert _summary(page) == shown


def test_a_maf_gives_the_report_with_its_alterations(page: Page) -> None:
    maf = PATIENT / "patient.maf"
    # the file's protein-changing rows (a silent TP53 p.P72= and an intronic KRAS row are not)
    header, *rows = [
        line.split("\t") for line in maf.read_text("utf-8").splitlines()
        if line and not line.startswith("#")
    ]  # fmt: skip
    col = {name: i for i, name in enumerate(header)}
    braf = next(r for r in rows if r[col["Hugo_Symbol"]] == "BRAF")
    assert braf[col["HGVSp_Short"]] == "p.V600E"
    _upload(page, maf, "COAD")
    sections = page.locator("section.alteration h2").all_inner_texts()
    assert "BRAF V600E" in [s.strip() for s in sections], sections
    expect(page.locator("div.board-report p.meta").first).to_contain_text(
        braf[col["Tumor_Sample_Barcode"]]
    )
    shown = _summary(page)
    expected, report = _api_summary(page, maf, "COAD")
    assert shown == expected
    assert [a.name for a in report.alterations] == [s.strip() for s in sections]
    assert any(a == "BRAF V600E" for a, _, _ in shown), shown
    _shot(page, "report-maf-COAD")


# -- d. HTA: the gap list, filtered, and its workbook ---------------------------------------------


def _oncotree_subtree(code: str) -> set[str]:
    """``code`` and every OncoTree type below it, from the bundled OncoTree file itself (not
    from the app, which is what is being checked)."""
    tree = json.loads(bundled_path("oncotree").read_text("utf-8"))

    def find(nodes: dict[str, Any]) -> dict[str, Any] | None:
        for node in nodes.values():
            if node["code"] == code:
                return node
            hit = find(node.get("children") or {})
            if hit:
                return hit
        return None

    def below(node: dict[str, Any]) -> Iterator[str]:
        yield node["code"]
        for child in (node.get("children") or {}).values():
            yield from below(child)

    root = find(tree)
    assert root is not None, f"{code} is not in the bundled OncoTree"
    return set(below(root))


def test_the_hta_gap_list_filters_by_tumour_and_downloads_as_xlsx(
    page: Page, tmp_path: Path
) -> None:
    kind = "evidence-without-decision"
    page.goto("/hta")
    page.select_option("#kind", kind)
    page.fill("#f-tumour", "NSCLC")
    page.click("#apply")
    page.wait_for_url(f"**/hta?*kind={kind}*")
    section = page.locator(f"section#gap-{kind}")
    expect(section).to_be_visible()
    assert page.locator("section.gap").count() == 1  # only the kind asked for

    answer = _api(page, "/api/v1/gaps", tumour="NSCLC", kind=kind)
    (gap,) = answer["gaps"]
    api_rows = gap["rows"]
    assert api_rows, "the demo has NSCLC evidence without a decision"
    rows = section.locator("tbody tr")
    assert rows.count() == min(len(api_rows), 200)  # the page shows the first 200
    subtree = _oncotree_subtree("NSCLC")
    shown = []
    for cells in rows.evaluate_all(
        "rs => rs.map(r => [...r.cells].map(c => c.firstChild ? c.firstChild.textContent : ''))"
    ):
        alteration, therapy, code = (c.strip() for c in cells[:3])
        assert code in subtree, f"{alteration} / {therapy}: tumour {code!r} is not NSCLC or below"
        shown.append((alteration, therapy, code))
    assert Counter(shown) == Counter(
        (r["alteration"], r["therapy"], r["tumour_code"] or "-") for r in api_rows[:200]
    )
    expect(section.locator("h2 .count")).to_contain_text(f"({len(api_rows)} rader")
    _shot(page, "hta-NSCLC-evidence-without-decision")

    book_path = _download(page, "#download-xlsx", tmp_path, ".xlsx")
    from openpyxl import load_workbook

    book = load_workbook(book_path)  # not read-only: each cell's data_type as stored
    sheet = next(ws for ws in book.worksheets if ws.title.startswith(kind))
    data = [
        r for r in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in r)
    ]
    assert len(data) == len(api_rows), (sheet.title, len(data), len(api_rows))
    for ws in book.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}: {cell.value!r}"


# -- e. a decision page ---------------------------------------------------------------------------


def test_a_decision_page_shows_its_status_and_what_it_was_matched_to(page: Page) -> None:
    page.goto("/decisions")
    link = page.locator("main table tbody tr td a").first
    method_id = link.inner_text().strip()
    link.click()
    page.wait_for_url(f"**/decisions/{method_id}")
    expect(page.locator("main h1")).to_contain_text(method_id)

    answer = _api(page, f"/api/v1/decisions/{method_id}")
    sections = page.locator("section.decision")
    assert sections.count() == len(answer["decisions"]) >= 1
    for section, decision in zip(sections.all(), answer["decisions"], strict=True):
        expect(section.locator(".status")).to_have_text(decision["status"] or "(ingen status)")
        facts = dict(zip([t.strip() for t in section.locator("dt").all_inner_texts()],
                         [d.strip() for d in section.locator("dd").all_inner_texts()],
                         strict=True))  # fmt: skip
        matched = next(v for k, v in facts.items() if "Matched to biomarker" in k)
        assert matched == (", ".join(decision["alterations"]) or "ingen (ikke oppgitt)")
        why = next(v for k, v in facts.items() if k.startswith("Hvorfor"))
        assert why == (decision["biomarker_basis"] or "-")
    _shot(page, f"decision-{method_id}")


# -- e2. a cohort's evidence dossier --------------------------------------------------------------


def test_the_dossier_index_leads_to_a_cohorts_dossier_with_its_plots(
    page: Page, tmp_path: Path
) -> None:
    arm = "IMPRESS-SYNTHETIC/C05"
    page.goto("/")
    page.locator("header.top nav a[href='/dossiers']").click()
    page.wait_for_url("**/dossiers")
    rows = page.locator("table#dossiers tbody tr")
    index = _api(page, "/api/v1/dossiers")
    assert rows.count() == len(index)
    first = [rows.nth(i).get_attribute("data-arm") for i in range(2)]
    assert set(first) == {arm, "IMPRESS-SYNTHETIC/C06"}, first  # positive, no decision: first

    page.locator("table#dossiers a", has_text=arm).click()
    page.wait_for_url(lambda url: "/dossier?arm=" in url)  # (a glob * stops at the "/")
    answer = _api(page, "/api/v1/dossier", arm=arm)
    expect(page.locator(".dossier #gap")).to_have_text(answer["gap"])
    expect(page.locator(".dossier h1")).to_contain_text(arm)
    expect(page.locator(".dossier .synthetic").first).to_contain_text("SYNTHETIC DATA")
    plots = page.locator("figure.km svg")
    assert plots.count() >= 2
    for i in range(plots.count()):
        expect(plots.nth(i)).to_be_visible()
        box = plots.nth(i).bounding_box()
        assert box and box["width"] > 300 and box["height"] > 100, box
    # the site's header and footer keep their own style beside the dossier's
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") == "flex"
    expect(page.locator("footer.bottom")).to_be_visible()
    _shot(page, "dossier-IMPRESS-SYNTHETIC-C05")

    saved = _download(page, "#download-html", tmp_path, ".html")
    text = saved.read_text("utf-8")
    assert text.lstrip().lower().startswith("<!doctype html")
    page.goto(saved.as_uri())  # the downloaded page, on its own, shows the same
    expect(page.locator("#gap")).to_have_text(answer["gap"])
    assert page.locator("figure.km svg").count() >= 2
    book = _download_xlsx(page, arm, tmp_path)
    assert "Rates" in book.sheetnames


def _download_xlsx(page: Page, arm: str, folder: Path) -> Any:
    from openpyxl import load_workbook

    page.goto(f"/dossier?arm={arm}")
    return load_workbook(_download(page, "#download-xlsx", folder, ".xlsx"))


# -- f. printing ----------------------------------------------------------------------------------


def test_the_report_prints_without_the_site_around_it(page: Page) -> None:
    # window.print stubbed (a headless browser has no print dialog) to see the button call it,
    # and the page's Content-Security-Policy violations recorded
    page.add_init_script(
        "window.__printed = 0; window.print = () => { window.__printed += 1; };"
        "window.__csp = []; document.addEventListener('securitypolicyviolation',"
        " e => window.__csp.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')));"
    )
    page.goto("/report")
    page.fill("#alterations", "BRAF V600E; EML4::ALK")
    page.fill("#tumour", "NSCLC")
    page.locator("form.report button[type=submit]").click()
    expect(page.locator("div.board-report h1")).to_be_visible()
    page.wait_for_load_state("load")  # app.css with its print rules, not only the markup
    assert page.evaluate("getComputedStyle(document.querySelector('header.top')).display") == "flex"
    page.emulate_media(media="print")
    hidden = page.evaluate(
        "['header.top', 'footer.bottom', '.downloads']"
        ".map(s => getComputedStyle(document.querySelector(s)).display)"
    )
    assert hidden == ["none", "none", "none"], hidden
    expect(page.locator("header.top nav")).to_be_hidden()
    expect(page.locator("div.board-report h1")).to_be_visible()
    expect(page.locator("svg.chain").first).to_be_visible()
    _shot(page, "report-print")
    pdf = page.pdf(format="A4", print_background=True)
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    (ARTEFACTS / "report-print.pdf").write_bytes(pdf)

    # the page's own Print button (its handler comes from app.js: the Content-Security-Policy
    # forbids inline handlers, which made an onclick button do nothing)
    page.emulate_media(media="screen")
    page.locator(".downloads button:has-text('Skriv ut')").click()
    page.wait_for_timeout(200)
    assert page.evaluate("window.__printed") == 1, page.evaluate("window.__csp")
