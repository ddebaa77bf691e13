"""The pages: server-rendered HTML (Jinja2, autoescaped) with a little script for search
suggestions; each works without the script, prints on A4 and reads on a meeting-room screen.
Labels are Norwegian and English where the users are (the board, HTA staff at the RHFs).

A report shown on screen carries its own JSON in the page, and the download buttons post that
back to be rendered as HTML, JSON or PowerPoint: the download is the report on the screen (not a
second run that a load in between could change), and the server keeps nothing of the patient.
"""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from queries.board import TIERS, BoardReport
from queries.dossier_render import DOSSIER_CSS
from web import service
from web.errors import ApiError, ErrorBody
from web.uploads import read_upload

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


def page(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(request, template, context, status_code=http_status)


def error_page(request: Request, status: int, body: ErrorBody) -> HTMLResponse:
    return page(request, "error.html", status, error=body)


def _date(text: str | None, field: str = "as_of") -> dt.date | None:
    if not text or not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ApiError(422, "invalid_request", f"{field}: {text!r} is not a date (YYYY-MM-DD)",
                       field=field) from None  # fmt: skip


# -- search and the chain ------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def index(request: Request) -> HTMLResponse:
    with service.graph(request) as snap:
        sources = snap.sources
    return page(request, "index.html", sources=sources)


@router.get("/search", response_class=HTMLResponse)
def search(request: Request, q: Annotated[str, Query(max_length=200)] = "") -> Response:
    """One box: a method id opens its decision, a tumour type or drug its list; anything else is
    listed as suggestions."""
    from queries.search import suggest

    with service.graph(request) as snap:
        found = suggest(snap, q, 30)
    exact = [s for s in found if s.value.lower() == q.strip().lower()]
    if len(exact) == 1 and exact[0].kind == "method":
        return RedirectResponse(f"/decisions/{exact[0].value}", status_code=303)
    return page(request, "search.html", q=q, found=found)


@router.get("/chain", response_class=HTMLResponse)
def chain_page(
    request: Request,
    alteration: Annotated[str, Query(max_length=200)] = "",
    tumour: Annotated[str, Query(max_length=200)] = "",
    as_of: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    """Alteration x tumour type: the evidence chain, the diagram, the Nye Metoder status, open
    arms and earlier outcomes, and how each match was made."""
    from ontology.observed import parse_list
    from queries.evidence import split_gene_alteration
    from queries.hta import chain
    from queries.report import chain_svg

    if not alteration.strip():
        return page(request, "index.html", sources=[], missing="alteration")
    day = _date(as_of)
    gene, rest = service.answer(lambda: split_gene_alteration(alteration, "alteration"))
    with service.graph(request) as snap:
        answer = service.answer(lambda: chain(snap, gene, rest, tumour or None, day),
                                gene=gene, alteration=alteration, tumour=tumour)  # fmt: skip
        board = None
        if tumour.strip():
            observed = service.answer(lambda: parse_list(alteration, "alteration"))
            board = service.answer(lambda: service.board(snap, observed, tumour, "query"),
                                   tumour=tumour)  # fmt: skip
    result = board.alterations[0] if board and board.alterations else None
    diagram = chain_svg(result, result.options[:3]) if result else ""
    return page(request, "chain.html", alteration=alteration, tumour=tumour, as_of=as_of,
                answer=answer, result=result, diagram=diagram, board=board)  # fmt: skip


# -- the patient report --------------------------------------------------------------------------


@router.get("/report", response_class=HTMLResponse)
def report_form(request: Request) -> HTMLResponse:
    return page(request, "report_form.html")


@router.post("/report", response_class=HTMLResponse)
async def report_page(
    request: Request,
    tumour: Annotated[str, Form(max_length=200)] = "",
    alterations: Annotated[str, Form(max_length=10_000)] = "",
    sample: Annotated[str, Form(max_length=100)] = "",
    file: Annotated[UploadFile | None, File()] = None,
) -> HTMLResponse:
    from queries.report import CSS, report_body

    if not tumour.strip():
        raise ApiError(422, "invalid_request", "tumour: choose the tumour type", field="tumour")
    limit = request.app.state.limits.upload_bytes
    raw = await read_upload(file, limit) if file is not None and file.filename else None
    result = await run_in_threadpool(service.report_from_inputs, request, raw,
                                     alterations or None, tumour, sample or None)  # fmt: skip
    # the report's own page style, kept to the report (it would narrow the site's header)
    css = CSS.replace("body {", ".board-report {").replace("@media print { body", "@media print "
                                                           "{ .board-report")  # fmt: skip
    return page(request, "report.html", report=result, body=report_body(result), css=css,
                report_json=result.model_dump_json(), tiers=TIERS)  # fmt: skip


@router.post("/report/download")
async def report_download(request: Request) -> Response:
    """The report on the screen, as a file (rendered from the report itself). The form is read
    here with a part limit of the body's (Starlette's default of 1 MiB per field would refuse the
    report of a patient with many alterations)."""
    limit = request.app.state.limits.upload_bytes
    form = await request.form(max_part_size=limit)
    report, fmt = form.get("report"), form.get("format") or "html"
    if not isinstance(report, str) or not report:
        raise ApiError(422, "invalid_request", "report: missing", field="report")
    if fmt not in ("html", "json", "pptx"):
        raise ApiError(422, "invalid_request", f"format: {fmt!r} is not html, json or pptx",
                       field="format")  # fmt: skip
    try:
        result = BoardReport.model_validate_json(report)
    except ValidationError as exc:
        raise ApiError(422, "invalid_request", f"report: not a report ({exc.error_count()} "
                       "errors)", field="report") from None  # fmt: skip
    return await run_in_threadpool(service.report_response, result, str(fmt), True)


# -- HTA -----------------------------------------------------------------------------------------


def _hta_answers(request: Request, kind: str, tumour: str, drug: str, method_id: str,
                 as_of: str) -> tuple[list[Any], list[Any] | None]:  # fmt: skip
    from queries.hta import GAPS

    day = _date(as_of)
    with service.graph(request) as snap:
        if kind == "coverage":
            rows = service.answer(lambda: service.coverage(snap, tumour, drug, method_id, day),
                                  tumour=tumour)  # fmt: skip
            return [], rows
        kinds = list(GAPS) if kind in ("", "all") else [kind]
        return service.answer(lambda: service.gaps(snap, kinds, tumour, drug, method_id, day),
                              tumour=tumour), None  # fmt: skip


Filter = Annotated[str, Query(max_length=200)]


@router.get("/hta", response_class=HTMLResponse)
def hta(request: Request, kind: Filter = "all", tumour: Filter = "", drug: Filter = "",
        method_id: Filter = "", as_of: Filter = "") -> HTMLResponse:  # fmt: skip
    from queries.hta import GAPS

    if kind not in ("all", "coverage", *GAPS):
        raise ApiError(422, "invalid_request", f"kind: unknown gap kind {kind!r}", field="kind")
    gaps, coverage = _hta_answers(request, kind, tumour, drug, method_id, as_of)
    query = request.url.query
    return page(request, "hta.html", kinds=GAPS, kind=kind, tumour=tumour, drug=drug,
                method_id=method_id, as_of=as_of, gaps=gaps, coverage=coverage,
                query=query, shown=200)  # fmt: skip


@router.get("/hta/download")
def hta_download(
    request: Request,
    kind: Filter = "all",
    tumour: Filter = "",
    drug: Filter = "",
    method_id: Filter = "",
    as_of: Filter = "",
    format: Annotated[str, Query(pattern="^(csv|xlsx)$")] = "xlsx",
) -> Response:
    """The filtered gap lists or coverage matrix as XLSX (a sheet each) or CSV."""
    from queries.hta import GAPS
    from queries.office import gaps_sheets, sheets_xlsx
    from queries.output import render

    if kind not in ("all", "coverage", *GAPS):
        raise ApiError(422, "invalid_request", f"kind: unknown gap kind {kind!r}", field="kind")
    gaps, coverage = _hta_answers(request, kind, tumour, drug, method_id, as_of)
    stamp = dt.date.today().isoformat()
    name = f"oncograph_{'coverage' if coverage is not None else 'gaps'}_{stamp}"
    if format == "xlsx":
        title = (
            f"oncograph HTA export {stamp}; filters: kind={kind} tumour={tumour or '-'} "
            f"drug={drug or '-'} method={method_id or '-'} as_of={as_of or 'current'}"
        )
        data = sheets_xlsx(gaps_sheets(gaps, coverage), title)
        return Response(
            data,
            media_type=service.XLSX,
            headers={"Content-Disposition": f'attachment; filename="{name}.xlsx"'},
        )
    if coverage is not None:
        text = render([r.model_dump() for r in coverage], "csv")
    else:
        text = render([r.model_dump() | {"title": g.title} for g in gaps for r in g.rows], "csv")
    return Response(
        text + "\n",
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@router.get("/decisions", response_class=HTMLResponse)
def decisions_page(request: Request) -> HTMLResponse:
    from queries.hta import decisions_list

    with service.graph(request) as snap:
        rows = decisions_list(snap)
    return page(request, "decisions.html", decisions=rows)


@router.get("/decisions/{method_id}", response_class=HTMLResponse)
def decision_page(request: Request, method_id: str) -> HTMLResponse:
    from ontology.errors import UnknownConceptError
    from queries.hta import decision

    with service.graph(request) as snap:
        try:
            answer = decision(snap, method_id[:60])
        except UnknownConceptError as exc:
            raise ApiError(404, "not_found", str(exc), field="method_id",
                           suggestions=exc.suggestions) from None  # fmt: skip
        gaps = service.gaps(snap, ["not-introduced-newer", "evidence-without-decision"], None,
                            None, answer.method_id, None)  # fmt: skip
    return page(request, "decision.html", answer=answer, gaps=gaps)


# -- the cohort dossier (for sharing only: the web never makes the exact one) --------------------


@router.get("/dossiers", response_class=HTMLResponse)
def dossiers_page(request: Request) -> HTMLResponse:
    """Every cohort with its decision and gap, positive cohorts without a Nye Metoder decision
    first; each links to its dossier."""
    with service.graph(request) as snap:
        rows = service.dossier_rows(snap)
    return page(request, "dossiers.html", rows=rows)


# matplotlib (the Kaplan-Meier plots) is not thread-safe: one dossier drawn at a time
_DRAWING = threading.Lock()


def _rendered(request: Request, arm: str, kind: str) -> tuple[Any, Any]:
    """The shared dossier of ``arm`` and its rendering ``kind`` (body, html, xlsx), each made
    once per snapshot, cohort and day."""
    from queries import dossier_render as render

    make = {"body": render.dossier_body, "html": render.render_dossier_html,
            "xlsx": render.dossier_xlsx}[kind]  # fmt: skip
    with service.graph(request) as snap:
        answer = service.shared_dossier(snap, arm)
        key = (f"dossier {kind}", answer.cohort.arm_id if answer.cohort else arm, answer.generated)
        with _DRAWING:
            return answer, service.cached(snap, key, lambda: make(answer))


Arm = Annotated[str, Query(max_length=200, description="The cohort, TRIAL/COHORT")]


@router.get("/dossier", response_class=HTMLResponse)
def dossier_page(request: Request, arm: Arm = "") -> Response:
    """One cohort's evidence dossier in the site, with its downloads (the self-contained page and
    the workbook); without a cohort, the list to choose one from."""
    if not arm.strip():
        return RedirectResponse("/dossiers", status_code=303)
    answer, body = _rendered(request, arm, "body")
    return page(request, "dossier.html", answer=answer, body=body, css=DOSSIER_CSS,
                arm=answer.cohort.arm_id if answer.cohort else arm)  # fmt: skip


@router.get("/dossier/download")
def dossier_download(
    request: Request,
    arm: Annotated[str, Query(min_length=1, max_length=200)],
    format: Annotated[str, Query(pattern="^(html|xlsx)$")] = "html",
) -> Response:
    """The dossier as a file: one self-contained HTML page (prints on A4) or an XLSX workbook of
    the same tables."""
    answer, data = _rendered(request, arm, format)
    cohort = answer.cohort.arm_id if answer.cohort else arm
    name = f"oncograph_dossier_{service._slug(cohort)}_{answer.generated}"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{format}"'}
    if format == "xlsx":
        return Response(data, media_type=service.XLSX, headers=headers)
    return HTMLResponse(data, headers=headers)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request) -> HTMLResponse:
    from queries import list_sources

    with service.graph(request) as snap:
        rows = list_sources(snap)
    status = service.holder(request).status()
    return page(request, "sources.html", sources=rows, status=status)


# -- a token for the browser ---------------------------------------------------------------------


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: Annotated[str, Query(max_length=500)] = "/") -> Response:
    return page(request, "login.html", next=next if next.startswith("/") else "/")


@router.post("/login")
def login(request: Request, token: Annotated[str, Form(max_length=500)],
          next: Annotated[str, Form(max_length=500)] = "/") -> Response:  # fmt: skip
    import hmac

    expected = request.app.state.token
    if not expected or not hmac.compare_digest(token.encode(), expected.encode()):
        return page(request, "login.html", 401, next=next, failed=True)
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(service.TOKEN_COOKIE, token, httponly=True, samesite="strict",
                        secure=request.url.scheme == "https")  # fmt: skip
    return response


__all__ = ["error_page", "router"]
