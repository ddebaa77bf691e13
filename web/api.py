"""The HTTP API under ``/api/v1`` (OpenAPI 3 at ``/api/v1/openapi.json``): the same answers as
the CLI, from the served snapshot, as JSON (docs/api.md).

Every answer comes from :mod:`queries` (the web layer adds no rule of its own); every error is
JSON with a stable code (:mod:`web.errors`); every input is bounded (text lengths, list sizes,
upload size, MAF rows, rows per answer) and every statement by the request time limit.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import JSONResponse, StreamingResponse
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from ontology.errors import InputFileError, OncographError, UnknownConceptError
from queries import SourceRow, list_sources
from queries.board import BoardReport
from queries.dossier import Dossier, IndexRow
from queries.evidence import EvidenceAnswer
from queries.hta import (
    GAPS,
    ChainAnswer,
    CoverageRow,
    DecisionAnswer,
    DecisionMatch,
    GapAnswer,
)
from queries.search import KINDS, Suggestion
from web import service
from web.errors import COMMON, ApiError, ErrorResponse, from_oncograph
from web.uploads import raw_file, read_upload

router = APIRouter(prefix="/api/v1", responses=COMMON)

Text = Annotated[str, Query(min_length=1, max_length=200)]
OptText = Annotated[str | None, Query(max_length=200)]
AsOf = Annotated[dt.date | None, Query(description="What was in force on this date (YYYY-MM-DD)")]


def limits(request: Request) -> Any:
    return request.app.state.limits


# -- service-info (GA4GH) ------------------------------------------------------------------------


class Organization(BaseModel):
    name: str
    url: str


class ServiceType(BaseModel):
    group: str
    artifact: str
    version: str


class DataRelease(BaseModel):
    source: str
    name: str
    version: str
    licence: str | None = None
    last_load: str | None = None


class ServiceInfo(BaseModel):
    """GA4GH service-info (v1.0.0): who runs what, plus the data releases served."""

    id: str
    name: str
    type: ServiceType
    description: str
    organization: Organization
    version: str
    environment: str | None = None
    backend: str
    data_releases: list[DataRelease]
    snapshot_loaded_at: str
    cypher_enabled: bool


@router.get("/service-info", response_model=ServiceInfo, tags=["service"])
def service_info(request: Request) -> ServiceInfo:
    status = service.holder(request).status()
    with service.graph(request) as snap:
        releases = [
            DataRelease(
                source=s.id,
                name=s.name,
                version=s.version,
                licence=s.licence,
                last_load=s.last_run_status,
            )
            for s in list_sources(snap)
        ]
    return ServiceInfo(
        id="no.connect.oncograph", name="oncograph",
        type=ServiceType(group="no.connect", artifact="oncograph", version="1.0.0"),
        description="Cancer biomarkers, targeted drugs, approvals, Norwegian reimbursement "
        "(Nye Metoder), trial arms and outcomes as one graph",
        organization=Organization(name=request.app.state.organization,
                                  url=str(request.base_url)),
        version=service.version(), environment=request.app.state.environment,
        backend=status["backend"], data_releases=releases, snapshot_loaded_at=status["loaded_at"],
        cypher_enabled=bool(request.app.state.allow_cypher),
    )  # fmt: skip


@router.get("/sources", response_model=list[SourceRow], tags=["service"])
def sources(request: Request) -> list[SourceRow]:
    """The sources and versions loaded, with licences and the state of their last load."""
    with service.graph(request) as snap:
        return list_sources(snap)


# -- evidence and chain --------------------------------------------------------------------------


@router.get("/suggest", response_model=list[Suggestion], tags=["search"])
def suggest(
    request: Request,
    q: Annotated[str, Query(max_length=100, description="What the user has typed")],
    kind: Annotated[list[Literal[KINDS]] | None, Query()] = None,  # type: ignore[valid-type]
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[Suggestion]:
    """Suggestions from the graph: alterations, genes, tumour types, drugs, method ids."""
    from queries.search import suggest as find

    with service.graph(request) as snap:
        return find(snap, q, limit, tuple(kind) if kind else KINDS)


@router.get("/evidence", response_model=EvidenceAnswer, tags=["evidence"])
def evidence(request: Request, gene: Text, alteration: Text, tumour: OptText = None) -> Any:
    """The evidence for an alteration (any spelling: V600E, p.Val600Glu), grouped by therapy,
    with how each item matched the alteration and the tumour type."""
    from queries.evidence import evidence_for

    key = ("evidence", gene, alteration, tumour)
    with service.graph(request) as snap:
        return service.json_response(service.answer(lambda: service.cached(
            snap, key, lambda: evidence_for(snap, gene, alteration, tumour or None)),
            gene=gene, alteration=alteration, tumour=tumour))  # fmt: skip


@router.get("/chain", response_model=ChainAnswer, tags=["evidence"])
def chain(
    request: Request, gene: Text, alteration: Text, tumour: OptText = None, as_of: AsOf = None
) -> Any:
    """The evidence chain: alteration -> evidence -> therapy -> EMA/FDA approvals with dates ->
    the Nye Metoder decision, each item with its source."""
    from queries.hta import chain as build

    key = ("chain", gene, alteration, tumour, as_of)
    with service.graph(request) as snap:
        return service.json_response(service.answer(lambda: service.cached(
            snap, key, lambda: build(snap, gene, alteration, tumour or None, as_of)),
            gene=gene, alteration=alteration, tumour=tumour))  # fmt: skip


# -- HTA -----------------------------------------------------------------------------------------

GapKind = Literal[tuple(GAPS)]  # type: ignore[valid-type]


class GapsAnswer(BaseModel):
    as_of: dt.date | None
    filters: dict[str, str | None]
    gaps: list[GapAnswer]


class CoverageAnswer(BaseModel):
    as_of: dt.date | None
    filters: dict[str, str | None]
    total: int
    offset: int
    rows: list[CoverageRow]


@router.get("/gaps", response_model=GapsAnswer, tags=["hta"])
def gaps(
    request: Request,
    kind: Annotated[list[GapKind] | None, Query(description="Gap kinds (default: all)")] = None,
    tumour: OptText = None,
    drug: OptText = None,
    method_id: OptText = None,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=0, le=10_000, description="Rows per gap (0: all)")] = 0,
) -> Any:
    """Documentation gaps for HTA staff (e.g. clinical evidence without a Nye Metoder decision),
    filtered by tumour type (and its subtypes), drug and method id."""
    with service.graph(request) as snap:
        answers = service.answer(
            lambda: service.gaps(snap, kind or list(GAPS), tumour, drug, method_id, as_of, limit),
            tumour=tumour,
        )
    return GapsAnswer(as_of=as_of, filters=service.filters(tumour, drug, method_id), gaps=answers)


@router.get("/coverage", response_model=CoverageAnswer, tags=["hta"])
def coverage(
    request: Request,
    tumour: OptText = None,
    drug: OptText = None,
    method_id: OptText = None,
    as_of: AsOf = None,
    limit: Annotated[int, Query(ge=1, le=10_000)] = 1000,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> Any:
    """The coverage matrix: alteration x therapy x tumour type against evidence, EMA, FDA,
    Nye Metoder, trial arms and outcomes."""
    with service.graph(request) as snap:
        rows = service.answer(lambda: service.coverage(snap, tumour, drug, method_id, as_of),
                              tumour=tumour)  # fmt: skip
    return CoverageAnswer(as_of=as_of, filters=service.filters(tumour, drug, method_id),
                          total=len(rows), offset=offset,
                          rows=rows[offset:offset + limit])  # fmt: skip


@router.get("/decisions", response_model=list[DecisionMatch], tags=["hta"])
def decisions(request: Request) -> Any:
    """Every Nye Metoder decision loaded, with what it was matched to and why."""
    from queries.hta import decisions_list

    with service.graph(request) as snap:
        return decisions_list(snap)


@router.get(
    "/decisions/{method_id}",
    response_model=DecisionAnswer,
    tags=["hta"],
    responses={404: {"model": ErrorResponse, "description": "no such method (not_found)"}},
)
def decision(
    request: Request, method_id: Annotated[str, Field(min_length=1, max_length=60)]
) -> Any:
    """One Nye Metoder method's decisions (``ID2019_123``) and what each was matched to."""
    from queries.hta import decision as find

    with service.graph(request) as snap:
        try:
            return find(snap, method_id)
        except UnknownConceptError as exc:
            raise ApiError(404, "not_found", str(exc), field="method_id",
                           suggestions=exc.suggestions) from None  # fmt: skip


# -- the cohort dossier --------------------------------------------------------------------------
# Only the dossier for sharing (small counts suppressed, no patient-level rows): the web is for
# sharing, so nothing here asks queries.dossier for the exact one.


@router.get("/dossiers", response_model=list[IndexRow], tags=["hta"])
def dossiers(request: Request) -> Any:
    """Every trial cohort with outcomes or a registry entry, its two-stage decision, the Nye
    Metoder decision for its indication and its gap in one sentence; positive cohorts without a
    Nye Metoder decision first."""
    with service.graph(request) as snap:
        return service.dossier_rows(snap)


@router.get("/dossier", response_model=Dossier, tags=["hta"])
def dossier(
    request: Request,
    arm: Annotated[str, Query(min_length=1, max_length=200,
                              description="The cohort, TRIAL/COHORT (IMPRESS-SYNTHETIC/C05)")],
) -> Any:  # fmt: skip
    """The evidence dossier of one cohort for Nye Metoder, for sharing: the cohort and its
    two-stage decision, outcomes with exact intervals and Kaplan-Meier estimates, the same
    combination elsewhere (evidence, EMA/FDA labels, other cohorts, Nye Metoder decisions), the
    gap, pay-for-performance weeks and the sources. Counts of 1-4 are "<5", rates that would give
    one away are left out, curves stop where fewer than 5 remain at risk."""
    with service.graph(request) as snap:
        return service.json_response(service.shared_dossier(snap, arm))


# -- the tumour-board report ---------------------------------------------------------------------


class ReportRequest(BaseModel):
    tumour: str = Field(min_length=1, max_length=200, description="OncoTree code or name")
    alterations: list[Annotated[str, Field(min_length=1, max_length=200)]] = Field(
        min_length=1, max_length=500,
        description='"BRAF V600E", "EML4::ALK", "ERBB2 amplification", "MSI-H"',
    )  # fmt: skip
    sample: str | None = Field(default=None, max_length=100)


@router.post(
    "/report",
    response_model=BoardReport,
    tags=["report"],
    responses={413: {"model": ErrorResponse, "description": "over the alteration limit"}},
)
def report(request: Request, body: ReportRequest) -> Any:
    """The tumour-board report for a patient's alterations in a tumour type: each alteration
    matched at every granularity, options tiered with reasons, approvals, the Nye Metoder status,
    open trial arms and earlier patients' outcomes (small counts suppressed)."""
    from ontology.observed import parse_list

    observed = []
    for i, text in enumerate(body.alterations):
        try:
            observed += parse_list(text, f"alterations[{i}]")
        except InputFileError as exc:  # typed text, not a file: an invalid field
            raise ApiError(422, "invalid_request", f"alterations[{i}]: {exc.reason}",
                           field=f"alterations[{i}]") from None  # fmt: skip
    cap = limits(request).alterations
    if len(observed) > cap:  # each item may hold several ("BRAF V600E; KRAS G12C")
        raise ApiError(413, "too_many_rows", f"alterations: {len(observed):,} alterations, over "
                       f"the limit of {cap:,} for one patient", field="alterations")  # fmt: skip
    with service.graph(request) as snap:
        return service.json_response(service.answer(
            lambda: service.board(snap, observed, body.tumour, body.sample or "patient"),
            tumour=body.tumour))  # fmt: skip


ReportFormat = Literal["json", "html", "pptx"]


@router.post(
    "/report/upload",
    tags=["report"],
    response_model=BoardReport,
    responses={
        200: {"content": {"text/html": {}, "application/vnd.openxmlformats-officedocument"
                          ".presentationml.presentation": {}}},
        413: {"model": ErrorResponse, "description": "the file is over the limit (too_large)"},
    },
)  # fmt: skip
async def report_upload(
    request: Request,
    tumour: Annotated[str, Form(min_length=1, max_length=200)],
    file: Annotated[
        UploadFile | None, File(description="list, MAF, VCF or TSO500 CombinedVariantOutput.tsv")
    ] = None,  # fmt: skip
    alterations: Annotated[str | None, Form(max_length=10_000)] = None,
    sample: Annotated[str | None, Form(max_length=100)] = None,
    format: Annotated[ReportFormat, Query()] = "json",
) -> Any:
    """A report from an uploaded patient file (read in memory, never stored or logged) and/or
    alterations typed in, as JSON, a self-contained HTML page or PowerPoint slides."""
    raw = await read_upload(file, limits(request).upload_bytes) if file and file.filename else None
    result = await run_in_threadpool(service.report_from_inputs, request, raw, alterations,
                                     tumour, sample or None)  # fmt: skip
    return service.report_response(result, format)


@router.post(
    "/annotate",
    tags=["report"],
    responses={
        200: {"content": {"text/tab-separated-values": {}, "application/json": {}},
              "description": "the annotated rows, streamed"},
        413: {"model": ErrorResponse, "description": "too_large or too_many_rows"},
    },
    openapi_extra={"requestBody": {"required": True, "content": {
        "text/tab-separated-values": {"schema": {"type": "string", "format": "binary"}},
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}},
)  # fmt: skip
async def annotate(
    request: Request,
    tumour: OptText = None,
    tumour_column: Annotated[str, Query(min_length=1, max_length=100)] = "ONCOTREE_CODE",
    format: Annotated[Literal["tsv", "json"], Query()] = "tsv",
) -> Any:
    """Batch annotation of a cohort MAF (the request body; gzip accepted): per protein-changing
    row its alteration, best tier and options, approvals, Nye Metoder status and open arms;
    streamed as TSV or a JSON array. The tumour type is ``tumour`` for every row, else each
    row's ``tumour_column``."""
    cap = limits(request).upload_bytes
    chunks, size = [], 0
    async for block in request.stream():
        size += len(block)
        if size > cap:
            raise ApiError(413, "too_large", f"body: the MAF is over the limit of "
                           f"{cap / 1_000_000:g} MB", field="body")  # fmt: skip
        chunks.append(block)
    raw = raw_file("upload.maf", b"".join(chunks), cap, "body")
    rows = await run_in_threadpool(service.annotate_rows, request, raw, tumour, tumour_column)
    return StreamingResponse(_stream(rows, format), media_type="application/json"
                             if format == "json" else "text/tab-separated-values")  # fmt: skip


def _stream(rows: Iterator[list[str]], fmt: str) -> Iterator[bytes]:
    from queries.batch import COLUMNS, write_tsv

    if fmt == "json":
        yield b"["
        for i, row in enumerate(rows):
            yield (b"," if i else b"") + json.dumps(dict(zip(COLUMNS, row, strict=True))).encode()
        yield b"]\n"
        return
    buffer = io.StringIO()
    write_tsv(iter(()), buffer)  # the header
    yield buffer.getvalue().encode()
    for row in rows:
        buffer = io.StringIO()
        n = write_tsv(iter([row]), buffer)
        assert n == 1
        yield buffer.getvalue().split("\n", 1)[1].encode()


# -- Cypher (only with --allow-cypher) -----------------------------------------------------------


class CypherRequest(BaseModel):
    query: str = Field(min_length=1, max_length=20_000)
    params: dict[str, Any] = Field(default_factory=dict)


class CypherAnswer(BaseModel):
    rows: list[dict[str, Any]]
    truncated: bool


@router.post(
    "/cypher",
    response_model=CypherAnswer,
    tags=["research"],
    responses={403: {"model": ErrorResponse, "description": "cypher_disabled or refused"},
               400: {"model": ErrorResponse, "description": "bad_query"}},
)  # fmt: skip
def cypher(request: Request, body: CypherRequest) -> Any:
    """A read-only Cypher statement (only when the server runs with ``--allow-cypher``): planned
    and refused unless every operator reads (the read-only guard), within the time limit."""
    if not request.app.state.allow_cypher:
        raise ApiError(403, "cypher_disabled", "the Cypher endpoint is off; the server was "
                       "started without --allow-cypher")  # fmt: skip
    from queries.output import _jsonable

    cap = limits(request).rows
    with service.served(request) as served:
        try:
            rows = served.runner.run(body.query, body.params)
        except OncographError as exc:
            raise from_oncograph(exc, "query") from None
    shown = json.loads(json.dumps(_jsonable(rows[:cap]), default=str))  # temporal, spatial: text
    return JSONResponse({"rows": shown, "truncated": len(rows) > cap})
