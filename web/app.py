"""The ASGI application of ``oncograph serve``: server-rendered pages for tumour boards and HTA
staff, and the HTTP API under ``/api/v1`` (docs/decisions.md 10, docs/web.md).

Read-only by construction: the app opens the store read-only (the engine's own read-only mode
and the plan guard of decisions 2) and has no route that writes. Stateless: no session, no
per-user memory; what it keeps is the served snapshot (web/state.py), so several workers or
replicas can serve one Neo4j cluster behind a load balancer.
"""

from __future__ import annotations

import hmac
import logging
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from graph_loader.backends import StoreConfig
from ontology.errors import OncographError
from web import service
from web.errors import ApiError, ErrorBody, from_oncograph
from web.service import TOKEN_COOKIE

log = logging.getLogger("oncograph.web")
HERE = Path(__file__).parent
OPEN_PATHS = ("/healthz", "/static/", "/login")


@dataclass(frozen=True)
class Limits:
    upload_bytes: int = 50_000_000  # one upload or request body (packed and unpacked)
    maf_rows: int = 500_000  # rows of a MAF for /api/v1/annotate
    alterations: int = 2_000  # alterations of one patient's report
    rows: int = 10_000  # rows of a Cypher answer


@dataclass
class ServeSettings:
    store: StoreConfig
    timeout: float = 30.0  # per statement: the request time limit for graph work
    token: str | None = None
    allow_cypher: bool = False
    refresh_interval: float = 1.0
    limits: Limits = field(default_factory=Limits)
    organization: str = "oncograph"
    environment: str | None = None

    @classmethod
    def from_env(cls) -> ServeSettings:
        """The settings a worker process reads (``oncograph serve --workers N`` passes its options
        to the workers it starts through these variables)."""
        env = os.environ
        return cls(
            store=StoreConfig.from_env(
                Path(env["ONCOGRAPH_STORE"]) if env.get("ONCOGRAPH_STORE") else None
            ),  # fmt: skip
            timeout=float(env.get("ONCOGRAPH_TIMEOUT") or 30),
            token=env.get("ONCOGRAPH_TOKEN") or None,
            allow_cypher=env.get("ONCOGRAPH_ALLOW_CYPHER") == "1",
            refresh_interval=float(env.get("ONCOGRAPH_REFRESH_INTERVAL") or 1.0),
            environment=env.get("ONCOGRAPH_ENVIRONMENT") or None,
        )


def create_app(settings: ServeSettings | None = None) -> FastAPI:
    """The app over the configured store (opened and warmed now: a store that cannot be opened
    fails here, before the server accepts a connection)."""
    from web.state import GraphHolder

    settings = settings or ServeSettings.from_env()
    holder = GraphHolder(settings.store, settings.timeout, settings.refresh_interval)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        holder.close()

    app = FastAPI(
        lifespan=lifespan,
        # Starlette stops a body at the limit as it arrives, whatever its headers say (a chunked
        # upload has no Content-Length): 413, answered as too_large below
        max_body_size=settings.limits.upload_bytes + 1_000_000,
        title="oncograph",
        version=service.version(),
        summary="Cancer biomarkers, targeted drugs, approvals, Norwegian reimbursement "
        "(Nye Metoder), trial arms and outcomes, for tumour boards and HTA staff",
        openapi_url="/api/v1/openapi.json",
        # FastAPI's browsable docs load their script from a CDN: not inside a hospital network,
        # and not under this app's Content-Security-Policy; the document is the contract
        docs_url=None,
        redoc_url=None,
    )
    app.state.holder = holder
    app.state.limits = settings.limits
    app.state.allow_cypher = settings.allow_cypher
    app.state.organization = settings.organization
    app.state.environment = settings.environment
    app.state.token = settings.token

    from web import api, pages

    app.include_router(api.router)
    app.include_router(pages.router)
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")

    @app.get("/service-info", include_in_schema=False)
    def service_info_alias(request: Request) -> Any:
        return api.service_info(request)

    @app.get("/healthz", tags=["service"], summary="Liveness and the served state")
    def healthz(request: Request) -> dict[str, Any]:
        status = request.app.state.holder.status()
        # open to the load balancer: no error text (paths, URIs); /sources has it, signed in
        return {
            "status": "ok",
            "backend": status["backend"],
            "loaded_at": status["loaded_at"],
            "refreshes": status["refreshes"],
            "degraded": bool(status["last_error"]),
        }

    _middleware(app, settings)
    _handlers(app)
    # an upload stays in memory up to the limit (Starlette spools a file part over 1 MiB to a
    # temporary file otherwise: patient data on disk, if only for the request)
    from starlette.formparsers import MultiPartParser

    MultiPartParser.spool_max_size = max(MultiPartParser.spool_max_size,
                                         settings.limits.upload_bytes + 1)  # fmt: skip
    return app


def _is_api(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/service-info"))


def _middleware(app: FastAPI, settings: ServeSettings) -> None:
    token = settings.token

    @app.middleware("http")
    async def guard(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        path = request.url.path
        if token and not path.startswith(OPEN_PATHS) and not _authorised(request, token):
            if _is_api(request):
                response: Response = _error(401, ErrorBody(code="unauthorized", message=(
                    "a token is required: send 'Authorization: Bearer TOKEN'")))  # fmt: skip
                response.headers["WWW-Authenticate"] = "Bearer"
            else:
                from fastapi.responses import RedirectResponse

                response = RedirectResponse(f"/login?next={path}", status_code=303)
        else:  # (a body over the limit is stopped by FastAPI's max_body_size, below)
            response = await call_next(request)
        _secure(response)
        # no query string, no body, no client address: nothing that could identify a patient
        log.info("%s %s %d %.0f ms", request.method, path, response.status_code,
                 (time.perf_counter() - started) * 1000)  # fmt: skip
        return response


def _authorised(request: Request, token: str) -> bool:
    given = request.headers.get("authorization", "")
    if given.lower().startswith("bearer "):
        return hmac.compare_digest(given[7:].strip().encode(), token.encode())
    cookie = request.cookies.get(TOKEN_COOKIE)
    return bool(cookie) and hmac.compare_digest(cookie.encode(), token.encode())


def _secure(response: Response) -> None:
    h = response.headers
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "no-referrer")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Cache-Control", "no-store")  # a patient's report stays out of caches
    h.setdefault("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; "
                 "img-src 'self' data:; frame-ancestors 'none'; form-action 'self'")  # fmt: skip


def _error(status: int, body: ErrorBody) -> JSONResponse:
    return JSONResponse({"error": body.model_dump(exclude_none=True)}, status_code=status)


def _handlers(app: FastAPI) -> None:
    from web.pages import error_page

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> Response:
        if _is_api(request):
            return _error(exc.status, exc.body)
        return error_page(request, exc.status, exc.body)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("query", "body", "path", "form")]
        name = ".".join(loc) or None
        body = ErrorBody(code="invalid_request", field=name,
                         message=f"{name or 'request'}: {first.get('msg', 'invalid')}")  # fmt: skip
        return _error(422, body) if _is_api(request) else error_page(request, 422, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        status = exc.status_code
        if status == 413:  # the body limit (max_body_size), met while the body was read
            body = ErrorBody(code="too_large", field="body", message="body: the request body is "
                             "over the limit of "
                             f"{request.app.max_body_size / 1_000_000:g} MB")  # fmt: skip
            return _error(413, body) if _is_api(request) else error_page(request, 413, body)
        if status == 400:  # a body Starlette cannot parse (bad JSON bytes, broken multipart)
            status, code = 422, "invalid_request"
            body = ErrorBody(code=code, field="body", message=f"body: {exc.detail}")
        else:
            code = {404: "not_found", 405: "method_not_allowed"}.get(status, "http_error")
            body = ErrorBody(code=code, message=str(exc.detail))
        if _is_api(request):
            return _error(status, body)
        return error_page(request, status, body)

    @app.exception_handler(OncographError)
    async def project_error(request: Request, exc: OncographError) -> Response:
        # a store error or a time limit met outside an answer's own handling: 503, 408, ...
        error = from_oncograph(exc)
        if _is_api(request):
            return _error(error.status, error.body)
        return error_page(request, error.status, error.body)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> Response:
        # where it failed, not what it was given: the message can quote a patient file's cell
        import traceback

        frames = "".join(traceback.format_tb(exc.__traceback__))
        log.error("internal error %s on %s %s\n%s", type(exc).__name__, request.method,
                  request.url.path, frames)  # fmt: skip
        body = ErrorBody(code="internal", message=f"internal error ({type(exc).__name__}); "
                         "the server log has the traceback")  # fmt: skip
        return _error(500, body) if _is_api(request) else error_page(request, 500, body)
