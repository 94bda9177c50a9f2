"""A misbehaving OpenAI-compatible embedding server on a loopback port, for the fault tests.

``EmbeddingServer`` answers ``GET /v1/models`` and ``POST /v1/embeddings`` like vLLM, with
deterministic vectors (:func:`raw_vector`: not of unit length, so re-normalisation shows),
and plays a script of faults, one per embeddings request: an HTTP status, a delay, a broken
body, a dropped connection. It records every request, when it came, and the most requests
it held at once.
"""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import numpy as np


def raw_vector(text: str, dim: int) -> np.ndarray:
    """The server's vector for ``text``: seeded by its hash, length about 3, never unit."""
    seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
    return np.random.default_rng(seed).normal(size=dim).astype(np.float32) * 3


class EmbeddingServer:
    """An embeddings endpoint on 127.0.0.1 whose next answers ``script`` decides.

    Script entries (consumed one per ``POST /v1/embeddings``; an empty script answers well):
    ``"ok"``, an int status (``429``, ``500``...), ``"sleep:S"`` (wait S seconds, then answer),
    ``"reset"`` (close without answering), ``"nonjson"``, ``"noshape"``, ``"ragged"``,
    ``"wrongdim"``, ``"nan"``, ``"few"``, ``"huge"`` (an endless body), ``"huge-declared"``
    (a Content-Length of 10 GB).
    """

    def __init__(
        self,
        *,
        model: str = "test-embed",
        dim: int = 8,
        max_model_len: int | None = 128,
        matryoshka: bool = True,
        api_key: str | None = None,
        listing: bool = True,
        listed: list[str] | None = None,
        delay: float = 0.0,
        retry_after: str | None = None,
        reverse: bool = True,
    ) -> None:
        self.model = model
        self.dim = dim
        self.max_model_len = max_model_len
        self.matryoshka = matryoshka
        self.api_key = api_key
        self.listing = listing
        self.listed = listed if listed is not None else [model]
        self.delay = delay
        self.retry_after = retry_after
        self.reverse = reverse
        self.script: deque[str | int] = deque()
        self.requests: list[dict[str, Any]] = []
        self.times: list[float] = []
        self.headers: list[dict[str, str]] = []
        self.active = 0
        self.peak = 0
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.owner = self  # type: ignore[attr-defined]
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def __enter__(self) -> EmbeddingServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def embed_requests(self) -> list[dict[str, Any]]:
        """Bodies of the embeddings requests, the connect-time probe included."""
        return [r for r in self.requests if "input" in r]

    def vectors(self, texts: list[str], dim: int | None = None) -> np.ndarray:
        """What a correct client returns for ``texts``: first ``dim`` values, unit length."""
        rows = np.stack([raw_vector(t, self.dim)[: dim or self.dim] for t in texts])
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)

    def _answer(self, payload: dict[str, Any], fault: str | int) -> tuple[int, Any]:
        texts = payload["input"] if isinstance(payload["input"], list) else [payload["input"]]
        if payload.get("model") != self.model:
            return 404, {
                "error": {"message": f"The model `{payload.get('model')}` does not exist."}
            }
        width = self.dim
        if payload.get("dimensions") is not None:
            if not self.matryoshka:
                message = (
                    f"Model '{self.model}' does not support Matryoshka embeddings; dimensions "
                    f"must be unset (received dimensions={payload['dimensions']})."
                )
                return 400, {"error": {"message": message, "type": "BadRequestError"}}
            width = int(payload["dimensions"])
        rows = [raw_vector(t, self.dim)[:width].tolist() for t in texts]
        if fault == "wrongdim":
            rows = [[*row, 1.0] for row in rows]
        if fault == "nan":
            rows[-1][0] = float("nan")
        data = [{"object": "embedding", "index": i, "embedding": row} for i, row in enumerate(rows)]
        if fault == "few":
            data = data[:1]
        if self.reverse:
            data.reverse()
        if fault == "noshape":
            return 200, {"object": "list", "vectors": rows}
        if fault == "ragged":
            data[0]["embedding"] = data[0]["embedding"][:-1]
        return 200, {"object": "list", "data": data, "model": self.model,
                     "usage": {"prompt_tokens": 3 * len(texts), "total_tokens": 3 * len(texts)}}  # fmt: skip

    def play(self, handler: _Handler, payload: dict[str, Any], fault: str | int) -> None:
        """Answer one embeddings request as ``fault`` says."""
        if self.delay:
            time.sleep(self.delay)
        if isinstance(fault, str) and fault.startswith("sleep:"):
            time.sleep(float(fault.split(":")[1]))
            fault = "ok"
        if isinstance(fault, int):
            extra = {"Retry-After": self.retry_after} if self.retry_after else {}
            handler.send(fault, {"error": {"message": f"scripted status {fault}"}}, extra)
        elif fault == "reset":
            handler.close_connection = True
            handler.connection.close()
        elif fault == "nonjson":
            handler.send(200, b"<html>Bad Gateway</html>")
        elif fault == "huge":
            handler.send_response(200)
            handler.send_header("Content-Type", "application/json")
            handler.end_headers()
            chunk = b"[" + b"0.1234567," * 100_000
            for _ in range(2_000):  # 2 GB if nobody stops reading
                handler.wfile.write(chunk)
        elif fault == "huge-declared":
            handler.send_response(200)
            handler.send_header("Content-Length", str(10 * 1024**3))
            handler.end_headers()
            handler.wfile.write(b'{"data": [')
        else:
            handler.send(*self._answer(payload, fault))


class _Handler(BaseHTTPRequestHandler):
    """Answers for the :class:`EmbeddingServer` that owns the HTTP server."""

    @property
    def owner(self) -> EmbeddingServer:
        return self.server.owner  # type: ignore[attr-defined]

    def log_message(self, *args: object) -> None:  # keep the test output clean
        pass

    def send(self, code: int, payload: Any, extra: dict[str, str] | None = None) -> None:
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(body)

    def authorised(self) -> bool:
        key = self.owner.api_key
        if key is None or self.headers.get("Authorization") == f"Bearer {key}":
            return True
        self.send(401, {"error": {"message": "Unauthorized"}})
        return False

    def do_GET(self) -> None:
        owner = self.owner
        if not self.authorised():
            return
        if self.path == "/v1/models" and owner.listing:
            entries = [{"id": name, "object": "model", "max_model_len": owner.max_model_len}
                       for name in owner.listed]  # fmt: skip
            self.send(200, {"object": "list", "data": entries})
        else:
            self.send(404, {"detail": "Not Found"})

    def do_POST(self) -> None:
        owner = self.owner
        length = int(self.headers.get("Content-Length", 0))
        payload = json.loads(self.rfile.read(length))
        with owner.lock:
            owner.requests.append(payload)
            owner.times.append(time.monotonic())
            owner.headers.append(dict(self.headers))
            fault = owner.script.popleft() if owner.script else "ok"
            owner.active += 1
            owner.peak = max(owner.peak, owner.active)
        try:
            if self.authorised():
                owner.play(self, payload, fault)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client hung up: what the "huge" fault expects
        finally:
            with owner.lock:
                owner.active -= 1
