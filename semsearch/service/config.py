"""What a ``semsearch serve`` process serves and how it protects itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from semsearch.errors import InvalidArgumentError


@dataclass(frozen=True)
class ServiceConfig:
    """The server's choices: the model and store (as the other commands take them) and limits.

    ``None`` for the model fields means what the environment says (``SEMSEARCH_*``), as for
    every other command.
    """

    model: str | None = None
    """``auto``, ``bundled``, a hub id or a folder; with ``embed_url`` the served name."""
    embed_url: str | None = None
    device: str | None = None
    dtype: str | None = None
    dim: int | None = None
    max_length: int | None = None
    store: str | None = None
    """``sqlite``, ``sqlite:/folder``, ``milvus:PATH.db``... (``SEMSEARCH_STORE``)."""
    data_dir: str | Path | None = None
    api_key: str | None = None
    """Every request must send ``Authorization: Bearer <api_key>``; ``None``: no key asked."""
    cors_origins: tuple[str, ...] = ()
    """Browsers may call the API from these origins; empty: no CORS headers at all."""
    batch_window: float = 0.005
    """Seconds the first request of a batch waits for others to join it (0: no wait)."""
    max_batch: int = 256
    """Most texts encoded in one model call (several requests' texts together)."""
    max_queue: int = 256
    """Most requests waiting to be encoded; one more gets HTTP 429."""
    batching: bool = True
    """False: every request is encoded on its own, one after the other (the baseline)."""
    max_inputs: int = 2048
    """Most texts one request may send (as OpenAI's embeddings API allows)."""
    max_body_bytes: int = 8 * 1024**2
    """Largest request body; a larger one gets HTTP 413."""
    request_timeout: float = 60.0
    """Seconds a request may take before its answer starts; past it, HTTP 504."""
    extra: dict[str, str] = field(default_factory=dict)
    """Free-form notes shown by ``/health`` (e.g. how the server was started)."""

    def __post_init__(self) -> None:
        checks = {
            "batch_window": 0 <= self.batch_window <= 1,
            "max_batch": self.max_batch >= 1,
            "max_queue": self.max_queue >= 1,
            "max_inputs": self.max_inputs >= 1,
            "max_body_bytes": self.max_body_bytes >= 1024,
            "request_timeout": self.request_timeout > 0,
        }
        wrong = [name for name, ok in checks.items() if not ok]
        if wrong:
            values = ", ".join(f"{name}={getattr(self, name)!r}" for name in wrong)
            raise InvalidArgumentError(
                f"Server limits out of range: {values}. The batching window is 0 to 1 s; "
                "batch, queue and input counts at least 1; the body cap at least 1024 bytes; "
                "the timeout positive."
            )
