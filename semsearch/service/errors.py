"""Errors as JSON with their HTTP status, in OpenAI's shape, never with a traceback.

Every answer that is not a success is ``{"error": {"message", "type", "param", "code"}}``
(what the ``openai`` client and semsearch's remote engine read), with the status a client
can act on: 400 bad input (``param`` names the field), 401 no or wrong key, 404 no such
base, model or route, 409 a base made by another model, 413 too large, 429 queue full,
503 still loading, 504 too slow. Anything unexpected is logged here and answered 500
with a short message: the details stay in the server's log.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from semsearch.errors import (
    BaseBusyError,
    EmbeddingServerError,
    InvalidArgumentError,
    ModelLoadError,
    SemsearchError,
)

log = logging.getLogger("semsearch.service")

_TYPES = {400: "invalid_request_error", 401: "authentication_error", 404: "not_found_error",
          405: "invalid_request_error", 409: "conflict_error", 413: "request_too_large",
          429: "rate_limit_error", 500: "server_error", 502: "upstream_error",
          503: "service_unavailable", 504: "timeout"}  # fmt: skip


class ApiError(Exception):
    """An error answered as JSON with ``status`` (raised by the routes and the service)."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers


def error_body(status: int, message: str, *, param: str | None = None,
               code: str | None = None) -> dict[str, Any]:  # fmt: skip
    """The JSON body of an error answer."""
    kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def error_response(error: ApiError) -> JSONResponse:
    """``error`` as its JSON answer."""
    body = error_body(error.status, error.message, param=error.param, code=error.code)
    return JSONResponse(body, status_code=error.status, headers=error.headers)


def from_semsearch(error: SemsearchError) -> ApiError:
    """The HTTP status for one of semsearch's own errors (their messages are for users)."""
    from semsearch.answers.generation import GeneratorError

    if isinstance(error, InvalidArgumentError):
        return ApiError(400, str(error))
    if isinstance(error, BaseBusyError):  # another writer has the base: try again later
        return ApiError(409, str(error), code="base_busy")
    if isinstance(error, EmbeddingServerError | GeneratorError):
        return ApiError(502, str(error), code="upstream")
    if isinstance(error, ModelLoadError):
        return ApiError(503, str(error), code="model_unavailable")
    return ApiError(400, str(error))


def _field(location: tuple[Any, ...]) -> str:
    """``("body", "input", 0)`` as ``input[0]``: the field a client must fix."""
    parts = [p for p in location if p not in ("body", "query", "path")]
    text = ""
    for part in parts:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "body"


def validation_error(error: RequestValidationError) -> ApiError:
    """FastAPI's 422 as a 400 naming the first wrong field, in one sentence."""
    problems = error.errors()
    first = problems[0] if problems else {"loc": (), "msg": "the body is not valid JSON"}
    field = _field(tuple(first.get("loc", ())))
    message = str(first.get("msg", "invalid")).removeprefix("Value error, ")
    if first.get("type") == "json_invalid":
        return ApiError(400, "The body is not valid JSON.", param="body")
    more = f" ({len(problems) - 1} more problem(s))" if len(problems) > 1 else ""
    return ApiError(400, f"{field}: {message}{more}", param=field)


def install(app: FastAPI) -> None:
    """Answer every error of ``app`` as JSON (see the module docstring)."""

    @app.exception_handler(ApiError)
    async def _api(request: Request, error: ApiError) -> JSONResponse:
        return error_response(error)

    @app.exception_handler(SemsearchError)
    async def _semsearch(request: Request, error: SemsearchError) -> JSONResponse:
        return error_response(from_semsearch(error))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, error: RequestValidationError) -> JSONResponse:
        return error_response(validation_error(error))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, error: StarletteHTTPException) -> JSONResponse:
        message = error.detail if isinstance(error.detail, str) else "HTTP error"
        if error.status_code == 404 and message == "Not Found":
            message = f"No such route: {request.method} {request.url.path}; see /docs."
        return error_response(
            ApiError(error.status_code, message, headers=dict(error.headers or {}))
        )

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, error: Exception) -> JSONResponse:
        log.exception("%s %s failed", request.method, request.url.path)
        return error_response(ApiError(500, "The server failed on this request; its log says why."))
