"""Errors as the API gives them: JSON ``{"error": {"code", "message", "field", ...}}`` with a
stable ``code`` (clients branch on it; the message may change) and the HTTP status that fits.

| code | status | when |
|---|---|---|
| ``invalid_request`` | 422 | a parameter, field or body missing or malformed (``field`` names it) |
| ``unknown_concept`` | 422 | a gene, alteration or tumour type not in the graph (``suggestions``) |
| ``not_found`` | 404 | a path that names nothing (a method id, a page) |
| ``bad_file`` | 422 | an uploaded file that cannot be read (``file``, ``line``, ``reason``) |
| ``too_large`` | 413 | an upload or body over the size limit |
| ``too_many_rows`` | 413 | a MAF with more rows than the limit |
| ``time_limit`` | 408 | a statement ran past the request time limit |
| ``refused`` | 403 | a Cypher statement the read-only guard refuses |
| ``cypher_disabled`` | 403 | ``/api/v1/cypher`` without ``--allow-cypher`` |
| ``bad_query`` | 400 | a Cypher statement the engine rejects |
| ``unauthorized`` | 401 | no or a wrong token where one is required |
| ``unavailable`` | 503 | the store cannot be reached |
| ``method_not_allowed`` | 405 | a path asked with the wrong method |
| ``internal`` | 500 | a bug (logged without the request's content) |
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from ontology.errors import (
    ConfigError,
    InputFileError,
    OncographError,
    QueryError,
    QueryTimeoutError,
    ReadOnlyError,
    StoreError,
    UnknownConceptError,
)


class ErrorBody(BaseModel):
    code: str
    message: str
    field: str | None = None
    suggestions: list[str] | None = None
    file: str | None = None
    line: int | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody


class ApiError(Exception):
    """An error the API answers with ``status`` and a JSON body."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.body = ErrorBody(code=code, message=message, **extra)


def from_oncograph(exc: OncographError, field: str | None = None) -> ApiError:
    """The project's own errors as API errors (``field``: the parameter the value came from)."""
    if isinstance(exc, UnknownConceptError):
        return ApiError(422, "unknown_concept", str(exc), field=field,
                        suggestions=list(exc.suggestions))  # fmt: skip
    if isinstance(exc, InputFileError):
        return ApiError(422, "bad_file", str(exc), field=field, file=exc.path, line=exc.line)
    if isinstance(exc, QueryTimeoutError):
        return ApiError(408, "time_limit", str(exc))
    if isinstance(exc, ReadOnlyError):
        return ApiError(403, "refused", str(exc), field=field)
    if isinstance(exc, QueryError):
        return ApiError(400, "bad_query", str(exc), field=field)
    if isinstance(exc, ConfigError):
        return ApiError(422, "invalid_request", str(exc), field=field)
    if isinstance(exc, StoreError):
        return ApiError(503, "unavailable", str(exc))
    return ApiError(422, "invalid_request", str(exc), field=field)


# the responses every endpoint may give, for the OpenAPI document
COMMON = {
    401: {"model": ErrorResponse, "description": "no or a wrong token (code unauthorized)"},
    408: {"model": ErrorResponse, "description": "past the time limit (code time_limit)"},
    422: {"model": ErrorResponse, "description": "invalid_request or unknown_concept"},
    503: {"model": ErrorResponse, "description": "the store cannot be reached (unavailable)"},
}
