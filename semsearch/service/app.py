"""The app factory: routes, the bearer key, body and time limits, CORS, JSON errors.

``create_app(ServiceConfig(...))`` returns a FastAPI app whose start opens the store and
loads the model in the background (``GET /health`` answers 503 ``loading`` until it is
ready); uvicorn serves it (:mod:`semsearch.service.run`). The limits are plain ASGI
middleware around everything: a body over :attr:`ServiceConfig.max_body_bytes` is refused
with 413 before it is read whole, and a request whose answer has not started within
:attr:`ServiceConfig.request_timeout` gets 504 (a streamed answer, once started, runs on).
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from semsearch.encoding.embedder import Embedder
from semsearch.retrieval.stores.base import VectorStore
from semsearch.service.config import ServiceConfig
from semsearch.service.errors import ApiError, error_body, install
from semsearch.service.routes import router
from semsearch.service.service import Service

PUBLIC_PATHS = frozenset({"/health", "/docs", "/redoc", "/openapi.json", "/docs/oauth2-redirect"})
"""Paths answered without the key: liveness, and the API's description (no data)."""

DOCS_ASSETS = "/docs-assets"
"""Where ``/docs`` and ``/redoc`` load Swagger UI's and ReDoc's files from: this server, not a
CDN (fastapi-offline ships them), so the pages work on a machine without internet. Static
files, no data: a mount, outside the key check."""


def create_app(
    config: ServiceConfig | None = None,
    *,
    loader: Callable[[], Embedder] | None = None,
    store: VectorStore | None = None,
) -> FastAPI:
    """The HTTP API over ``config``'s model and store.

    ``loader`` returns the embedder to serve (default: load ``config``'s model, as the
    other commands do); ``store`` is an open store to serve (default: open ``config``'s).
    Passing them lets one process share a model already loaded.
    """
    config = config or ServiceConfig()
    service = Service(config, loader=loader, store=store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        yield
        await service.stop()

    # FastAPI's own /docs loads Swagger UI from a CDN and is blank offline; FastAPIOffline is
    # FastAPI's documented self-hosting recipe, packaged with the files (Swagger UI 5: OpenAPI 3.1).
    app = FastAPIOffline(
        static_url=DOCS_ASSETS,
        title="semsearch",
        summary="Semantic search over saved knowledge bases; OpenAI-compatible embeddings.",
        lifespan=lifespan,
        dependencies=[Depends(_key_check(config.api_key))],
    )
    app.state.service = service
    install(app)
    app.include_router(router)

    @app.get("/health", tags=["Server"])
    async def health() -> JSONResponse:
        """200 ``ok`` once the model is loaded; 503 ``loading`` before, ``failed`` on error."""
        if service.failure is not None:
            return JSONResponse({"status": "failed", "error": service.failure}, 503)
        if service.embedder is None or service.batcher is None:
            return JSONResponse({"status": "loading"}, 503, headers={"Retry-After": "2"})
        stats = service.batcher.stats
        return JSONResponse({
            "status": "ok", "model": service.embedder.name, "device": service.embedder.device,
            "dimensions": service.embedder.dim, "store": service.store.uri,
            "batching": {"enabled": config.batching, "window_s": config.batch_window,
                         "requests": stats.requests, "calls": stats.calls,
                         "texts": stats.texts, "largest": stats.largest,
                         "waiting": service.batcher.waiting, "busy": service.batcher.busy},
        })  # fmt: skip

    if config.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(
            CORSMiddleware, allow_origins=list(config.cors_origins),
            allow_methods=["GET", "POST", "DELETE"],
            allow_headers=["Authorization", "Content-Type"],
        )  # fmt: skip
    app.add_middleware(TimeLimit, seconds=config.request_timeout)
    app.add_middleware(BodyLimit, most=config.max_body_bytes)
    return app


def _key_check(key: str | None) -> Callable[[Request], None]:
    def check(request: Request) -> None:
        if key is None or request.url.path in PUBLIC_PATHS:
            return
        sent = request.headers.get("authorization", "")
        scheme, _, token = sent.partition(" ")
        # compare_digest: the time taken does not tell how much of a guessed key was right.
        if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(),
                                                                 key.encode()):  # fmt: skip
            why = "a wrong key was sent" if sent else "no key was sent"
            raise ApiError(401, f"This server asks for an API key ({why}): send "
                           "'Authorization: Bearer <SEMSEARCH_API_KEY>'.",
                           code="invalid_api_key",
                           headers={"WWW-Authenticate": "Bearer"})  # fmt: skip

    return check


async def _send_error(send: Send, status: int, message: str, param: str | None = None) -> None:
    body = json.dumps(error_body(status, message, param=param)).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})  # fmt: skip
    await send({"type": "http.response.body", "body": body})


class _TooLargeError(Exception):
    pass


class BodyLimit:
    """413 for a body over ``most`` bytes: by its Content-Length, or counted as it arrives."""

    def __init__(self, app: ASGIApp, most: int) -> None:
        self.app = app
        self.most = most

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = (f"The request body is larger than this server takes ({self.most:,} bytes); "
                   "send fewer or shorter texts per request.")  # fmt: skip
        declared = dict(scope["headers"]).get(b"content-length", b"")
        if declared.isdigit() and int(declared) > self.most:
            await _send_error(send, 413, message, "body")
            return
        seen = 0
        over = False

        async def counted() -> Message:
            nonlocal seen, over
            received = await receive()
            seen += len(received.get("body", b""))
            if seen > self.most:
                over = True
                raise _TooLargeError
            return received

        async def watched(reply: Message) -> None:
            if not over:  # once over, the app's own answer (a parse error) is replaced
                await send(reply)

        with contextlib.suppress(_TooLargeError):
            await self.app(scope, counted, watched)
        if over:
            await _send_error(send, 413, message, "body")


class TimeLimit:
    """504 for a request whose answer has not started within ``seconds``."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = seconds

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Handle one ASGI connection."""
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = asyncio.Event()

        async def watched(reply: Message) -> None:
            if reply["type"] == "http.response.start":
                started.set()
            await send(reply)

        task: asyncio.Task[Any] = asyncio.ensure_future(self.app(scope, receive, watched))
        waiter = asyncio.ensure_future(started.wait())
        done, _ = await asyncio.wait({task, waiter}, timeout=self.seconds,
                                     return_when=asyncio.FIRST_COMPLETED)  # fmt: skip
        if task in done or waiter in done:
            waiter.cancel()
            await task  # finishes the answer (a stream runs on), or raises as it would
            return
        task.cancel()
        waiter.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task  # a worker thread may finish its part; its result is dropped
        await _send_error(send, 504, f"No answer within {self.seconds:g} s; the server is "
                          "busy. Retry, or send fewer texts per request.")  # fmt: skip
