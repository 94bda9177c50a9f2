"""``semsearch serve``'s app on a loopback port, in a thread of the test process (uvicorn)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx2


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def running(app: Any, *, ready: bool = True, graceful: float = 10.0) -> Iterator[Any]:
    """Serve ``app`` on 127.0.0.1; yields the uvicorn server with ``.url`` set.

    ``ready``: wait until ``/health`` answers 200 (the model loaded).
    """
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                            timeout_graceful_shutdown=int(graceful))  # fmt: skip
    server = uvicorn.Server(config)
    server.url = f"http://127.0.0.1:{port}"  # type: ignore[attr-defined]
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive(), "the server did not start"
        assert time.monotonic() < deadline, "the server did not start in time"
        time.sleep(0.02)
    if ready:
        while httpx2.get(f"{server.url}/health").status_code != 200:  # type: ignore[attr-defined]
            assert time.monotonic() < deadline, "the model did not load"
            time.sleep(0.05)
    try:
        yield server
    finally:
        server.should_exit = True
        thread.join(60)
