"""A misbehaving OpenAI-compatible chat endpoint on a loopback port, for the fault tests.

``FaultyChatServer`` answers ``GET /v1/models`` with the bytes it is given and
``POST /v1/chat/completions`` by playing one of its scripted streams: raw bytes, a stream
that never ends (keep-alive lines or text pieces), a silent one, or one endless line. It
counts the bytes it managed to send, so a test can show the client stopped reading early.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

MODELS_OK = json.dumps({"object": "list", "data": [{"id": "test-llm"}]}).encode()


def event(content: object) -> bytes:
    """One server-sent event carrying ``content`` as a delta."""
    chunk = {"object": "chat.completion.chunk", "choices": [{"delta": {"content": content}}]}
    return f"data: {json.dumps(chunk)}\n\n".encode()


class FaultyChatServer:
    """A chat endpoint on 127.0.0.1 whose ``/models`` body and stream the test chooses.

    ``stream``: bytes (sent, then the connection closes), ``"keepalive"`` (``: keep-alive``
    every 50 ms, forever), ``"pieces"`` (a word every 50 ms, forever), ``"silent"`` (headers,
    then nothing for 30 s), ``"longline"`` (``data: xxx...`` in 64 KiB writes, up to 300 MB).
    """

    def __init__(self, models: bytes = MODELS_OK, stream: bytes | str = b"") -> None:
        self.models = models
        self.stream = stream
        self.sent = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep the test output clean
                pass

            def do_GET(self) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(server.models)))
                self.end_headers()
                self.wfile.write(server.models)

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length", 0)))
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                with contextlib.suppress(OSError):  # the client hung up: what the tests want
                    server._play(self.wfile)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def _send(self, wfile: object, data: bytes) -> None:
        wfile.write(data)  # type: ignore[attr-defined]
        wfile.flush()  # type: ignore[attr-defined]
        self.sent += len(data)

    def _play(self, wfile: object) -> None:
        end = time.monotonic() + 30  # a cap for the test server itself
        if isinstance(self.stream, bytes):
            self._send(wfile, self.stream)
        elif self.stream == "longline":
            self._send(wfile, b"data: ")
            block = b"x" * 65536
            while self.sent < 300_000_000 and time.monotonic() < end:
                self._send(wfile, block)
        elif self.stream == "silent":
            time.sleep(30)
        else:
            line = b": keep-alive\n\n" if self.stream == "keepalive" else event("word ")
            while time.monotonic() < end:
                self._send(wfile, line)
                time.sleep(0.05)

    def __enter__(self) -> FaultyChatServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
