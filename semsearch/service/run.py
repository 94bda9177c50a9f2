"""Run the API with uvicorn: bound to loopback unless told otherwise, stopping gracefully.

On SIGINT/SIGTERM uvicorn stops accepting connections, lets the requests in flight finish
(up to the request timeout), then the app stops its batcher and closes the store.
"""

from __future__ import annotations

import logging

from semsearch.service.config import ServiceConfig


def serve(config: ServiceConfig, *, host: str = "127.0.0.1", port: int = 8000,
          log_level: str = "info") -> None:  # fmt: skip
    """Serve ``config`` on ``host:port`` until interrupted (blocks)."""
    import uvicorn

    from semsearch.service.app import create_app

    # Our own messages at the level asked; libraries' chatter (bm25s, jieba) only when it matters.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s: %(name)s: %(message)s")
    logging.getLogger("semsearch").setLevel(log_level.upper())
    uvicorn.run(
        create_app(config),
        host=host,
        port=port,
        log_level=log_level,
        timeout_graceful_shutdown=int(config.request_timeout) + 1,
        # The server's name and version are nobody's business (no Server header).
        server_header=False,
    )
