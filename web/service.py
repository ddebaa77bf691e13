"""What the API and the pages share: the served snapshot for a request, the project's errors as
API errors, and the answers both show (so a page and its JSON never disagree)."""

from __future__ import annotations

import datetime as dt
import re
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel

from graph_loader.files import RawFile
from ontology.errors import ConfigError, OncographError, UnknownConceptError
from ontology.observed import Observed
from queries.board import BoardReport
from queries.dossier import Dossier, IndexRow
from queries.hta import CoverageRow, GapAnswer
from queries.snapshot import Snapshot
from web.errors import ApiError, from_oncograph
from web.state import GraphHolder, Served

T = TypeVar("T")
TOKEN_COOKIE = "oncograph_token"  # a browser's token after /login
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def holder(request: Request) -> GraphHolder:
    return request.app.state.holder


@contextmanager
def served(request: Request) -> Iterator[Served]:
    with holder(request).use() as state:
        yield state


@contextmanager
def graph(request: Request) -> Iterator[Snapshot]:
    with holder(request).use() as state:
        yield state.snapshot


# which request field an unknown concept came from
_FIELD = (("tumour type", "tumour"), ("alteration", "alteration"), ("gene", "gene"),
          ("drug", "drug"), ("Nye Metoder", "method_id"))  # fmt: skip


def answer(compute: Callable[[], T], **given: Any) -> T:
    """``compute()``, the project's errors turned into API errors naming the field."""
    try:
        return compute()
    except UnknownConceptError as exc:
        field = next((f for k, f in _FIELD if exc.kind.startswith(k) and f in given), None)
        raise from_oncograph(exc, field) from None
    except OncographError as exc:
        raise from_oncograph(exc) from None


ANSWER_CACHE_SIZE = 4096


def cached(snap: Snapshot, key: tuple, compute: Callable[[], T]) -> T:
    """An answer computed once per snapshot and key (the snapshot is one state of the graph, so
    the answer cannot change under it); at most ANSWER_CACHE_SIZE."""
    return snap.keep("web answers", key, compute, ANSWER_CACHE_SIZE)


def json_response(model: BaseModel) -> Response:
    """A pydantic answer as JSON, serialised once (FastAPI would dump it, validate the dump
    against the response model and dump it again: 2 ms of a 130 kB report)."""
    return Response(model.model_dump_json(), media_type="application/json")


def filters(tumour: str | None, drug: str | None, method_id: str | None) -> dict[str, str | None]:
    return {"tumour": tumour or None, "drug": drug or None, "method_id": method_id or None}


def gaps(
    snap: Snapshot,
    kinds: list[str],
    tumour: str | None,
    drug: str | None,
    method_id: str | None,
    as_of: dt.date | None,
    limit: int = 0,
) -> list[GapAnswer]:
    """The gap lists, filtered; whole lists are computed once per snapshot (current state)."""
    from queries.hta import GAPS, filter_rows, gap

    out = []
    for name in dict.fromkeys(kinds):
        if name not in GAPS:
            raise ApiError(422, "invalid_request", f"kind: unknown gap kind {name!r}; one of "
                           + ", ".join(GAPS), field="kind")  # fmt: skip
        whole = (snap.memo(f"gap:{name}", lambda n=name: gap(snap, n)) if as_of is None
                 else gap(snap, name, as_of))  # fmt: skip
        rows = filter_rows(snap, whole.rows, tumour or None, drug or None, method_id or None)
        out.append(whole.model_copy(update={"rows": rows[:limit] if limit else rows}))
    return out


def coverage(snap: Snapshot, tumour: str | None, drug: str | None, method_id: str | None,
             as_of: dt.date | None) -> list[CoverageRow]:  # fmt: skip
    from queries.hta import coverage as matrix
    from queries.hta import filter_rows

    whole = snap.memo("coverage", lambda: matrix(snap)) if as_of is None else matrix(snap, as_of)
    return filter_rows(snap, whole, tumour or None, drug or None, method_id or None)


def board(snap: Snapshot, observed: list[Observed], tumour: str, sample: str,
          measurements: list[str] | None = None,
          skipped: list[str] | None = None) -> BoardReport:  # fmt: skip
    from queries.board import board_report

    return board_report(snap, observed, tumour, sample=sample, measurements=measurements,
                        skipped=skipped)  # fmt: skip


def report_from_inputs(request: Request, raw: RawFile | None, alterations: str | None,
                       tumour: str, sample: str | None) -> BoardReport:  # fmt: skip
    """A report from an upload and/or typed alterations (the page's form and the API's)."""
    from graph_loader.patient import read_patient_inputs

    if raw is not None and not raw.data.strip():
        raise ApiError(422, "bad_file", f"{raw.name}: the file is empty", field="file",
                       file=raw.name)  # fmt: skip
    if raw is None and not (alterations or "").strip():
        raise ApiError(422, "invalid_request", "file: give a patient file or type the "
                       "alterations", field="file")  # fmt: skip
    try:
        given = read_patient_inputs(raw, alterations or None, sample=sample)
    except ConfigError as exc:
        field = "sample" if "sample" in str(exc) else "file"
        raise from_oncograph(exc, field) from None
    except OncographError as exc:
        raise from_oncograph(exc, "file" if raw is not None else "alterations") from None
    cap = request.app.state.limits.alterations
    if len(given.observed) > cap:
        raise ApiError(413, "too_many_rows", f"file: {len(given.observed):,} alterations, over the "
                       f"limit of {cap:,} for one patient (use /api/v1/annotate for a cohort)",
                       field="file")  # fmt: skip
    with graph(request) as snap:
        return answer(lambda: board(snap, given.observed, tumour, given.sample,
                                    given.measurements, given.skipped), tumour=tumour)  # fmt: skip


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text)[:60].strip("_") or "patient"


def report_response(result: BoardReport, fmt: str, download: bool = False) -> Response:
    """The report as JSON (an attachment if ``download``), a self-contained HTML page or a
    PowerPoint deck (attachments)."""
    name = f"oncograph_{_slug(result.sample)}_{_slug(result.tumour_code)}"
    if fmt == "html":
        from queries.report import render_html

        return HTMLResponse(render_html(result), headers=_attachment(f"{name}.html"))
    if fmt == "pptx":
        from queries.office import board_pptx

        return Response(board_pptx(result), media_type=PPTX, headers=_attachment(f"{name}.pptx"))
    response = json_response(result)
    if download:
        response.headers.update(_attachment(f"{name}.json"))
    return response


def _attachment(filename: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{filename}"'}


def annotate_rows(request: Request, raw: RawFile, tumour: str | None,
                  tumour_column: str) -> Iterator[list[str]]:  # fmt: skip
    """The annotated rows of a MAF, the whole file read (and refused if malformed or over the
    row limit) before the first row is sent; the served state is held until the last one."""
    from graph_loader.patient import maf_records
    from queries import find_tumour_type
    from queries.batch import BatchStats, annotate_maf

    cap = request.app.state.limits.maf_rows
    use = holder(request).use()
    state = use.__enter__()
    done: list[bool] = []

    def release() -> None:  # once, whichever comes first: the last row, an error, or collection
        if not done:
            done.append(True)
            use.__exit__(None, None, None)

    try:
        snap = state.snapshot
        code = (answer(lambda: find_tumour_type(snap, tumour), tumour=tumour).tumour_type.code
                if tumour else None)  # fmt: skip
        records = []
        try:
            for rec in maf_records(raw, None if code else tumour_column):
                records.append(rec)
                if len(records) > cap:
                    raise ApiError(413, "too_many_rows", f"body: more than {cap:,} MAF rows; "
                                   "split the file", field="body")  # fmt: skip
        except OncographError as exc:
            raise from_oncograph(exc, "body") from None
    except BaseException:
        release()
        raise

    def rows() -> Iterator[list[str]]:
        try:
            yield from annotate_maf(snap, records, code, BatchStats(), raw.base_name)
        finally:
            release()

    stream = rows()
    # a client gone before the first row: the generator never starts, so its finally never runs
    weakref.finalize(stream, release)
    return stream


def version() -> str:
    """oncograph's own version (service-info, the OpenAPI document)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed

    try:
        return installed("oncograph")
    except PackageNotFoundError:
        return "0+unknown"


# -- the cohort dossier ------------------------------------------------------------------------
# Only the dossier for sharing (small counts suppressed, no patient-level rows): the web is for
# sharing, so nothing here asks queries.dossier for the exact one.


def dossier_rows(snap: Snapshot) -> list[IndexRow]:
    """Every cohort with its decision and gap (positive cohorts without a Nye Metoder decision
    first), once per snapshot."""
    from queries.dossier import dossier_index

    return cached(snap, ("dossier index",), lambda: dossier_index(snap))


def shared_dossier(snap: Snapshot, arm: str) -> Dossier:
    """The shared dossier of cohort ``arm`` (``TRIAL/COHORT``, any case), once per snapshot,
    cohort and day (it carries the day it was made); an unknown cohort is 422 unknown_concept
    naming ``arm``, with suggestions."""
    from queries.dossier import dossier as build
    from queries.dossier import find_arm

    try:
        arm_id = find_arm(snap, arm).id  # the cached answers are keyed by the cohort's own id
    except UnknownConceptError as exc:
        raise from_oncograph(exc, "arm") from None
    today = dt.date.today()
    return answer(
        lambda: cached(
            snap, ("dossier", arm_id, today), lambda: build(snap, arm_id, exact=False, today=today)
        )
    )
