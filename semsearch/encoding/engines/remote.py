"""A remote engine: a model served behind an OpenAI-compatible ``POST /v1/embeddings``.

Works with vLLM (``--runner pooling``), text-embeddings-inference and Ollama. It takes the
exact strings the model must read (the embedder has added the Qwen3 query instruction: the
servers do not), sends them in batches of :attr:`RemoteOptions.batch_size` texts with up to
:attr:`RemoteOptions.concurrency` requests in flight, and yields each batch's unit vectors
as its answer arrives. What it does not do: tokenise (a remote engine does not implement
:class:`~semsearch.encoding.engine.Tokenizing`; per-text token counts are
:data:`~semsearch.encoding.engine.UNKNOWN_TOKENS`), cache, or choose prompts.

Each request sends ``encoding_format: "float"`` and ``truncate_prompt_tokens`` (vLLM's cap;
without it vLLM answers HTTP 400 to a text over the model's length). text-embeddings-inference
and Ollama ignore fields they do not know: TEI cuts long texts only when started with
``--auto-truncate`` (else it refuses them), Ollama cuts them at its context length. A server
that refuses the field by name gets requests without it, and a notice says so.

A smaller output than the model's (``dim``) is asked for with ``dimensions``; a server
without Matryoshka enabled (vLLM needs ``--hf-overrides '{"is_matryoshka": true}'``)
answers 400, after which full vectors are cut and re-normalised here, said once in
:attr:`RemoteEngine.notices`. Every vector received is re-normalised: servers differ.

Failures a user can meet each raise one :class:`~semsearch.errors.EmbeddingServerError`
subclass naming the URL and the fix. The HTTP itself is :mod:`semsearch.openai_http`'s, shared
with the answer generator: 429, 5xx, timeouts and dropped connections retried with
exponential backoff and full jitter, honouring ``Retry-After``; responses read streaming and
abandoned past a byte cap sized from the expected answer, so a broken server cannot exhaust
memory; one connection pool shared by the worker threads.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from typing import Any

import numpy as np

from semsearch.encoding.engine import UNKNOWN_TOKENS, EncodedBatch, EngineKind
from semsearch.encoding.vectors import normalise
from semsearch.errors import (
    BadServerResponseError,
    DimensionMismatchError,
    EmbeddingServerError,
    InvalidArgumentError,
    ServerAuthError,
    ServerUnreachableError,
    UnknownServedModelError,
)
from semsearch.openai_http import (
    SMALL_BODY,
    OpenAIClient,
    Reply,
    Retries,
    check_base_url,
    error_message,
)

AUTO = "auto"
"""The model name meaning "the server's only model"."""

UNSTATED_MAX_LENGTH = 512
"""Token cap assumed when the server does not state its model's (Ollama): the default cap."""

_BYTES_PER_VALUE = 40  # "-0.012345678901234567, " with room to spare
_SMALL_BODY = SMALL_BODY  # model listings and error bodies
_UNPROBED_WIDTH = 16384  # the probe's cap, before the size is known: above any Qwen3's
_PROBE_TEXT = "semsearch probe"
_START_HINT = (
    "Start one, e.g. `vllm serve Qwen/Qwen3-Embedding-0.6B --runner pooling --port 8000` and "
    "set SEMSEARCH_EMBED_URL=http://localhost:8000/v1, or unset SEMSEARCH_EMBED_URL to run "
    "the model in this process."
)


@dataclass(frozen=True)
class RemoteOptions:
    """How the remote engine talks to its server."""

    batch_size: int = 64
    """Texts per request."""
    concurrency: int = 4
    """Requests in flight at once."""
    timeout: float = 60.0
    """Seconds a request may wait for each step (connect, each read) before it is retried."""
    tries: int = 4
    """Attempts per request (the first included) on 429, 5xx, timeouts and resets."""
    backoff: float = 0.5
    """Upper bound of the first retry's random wait, in seconds; doubles with each try."""
    max_wait: float = 30.0
    """Longest single wait between tries, ``Retry-After`` included."""
    max_response_bytes: int | None = None
    """Cap on one response's body; ``None``: sized from the vectors expected (40 bytes each)."""

    def __post_init__(self) -> None:
        checks = {
            "batch_size": self.batch_size >= 1,
            "concurrency": self.concurrency >= 1,
            "timeout": self.timeout > 0,
            "tries": self.tries >= 1,
            "backoff": self.backoff >= 0,
            "max_wait": self.max_wait >= 0,
            "max_response_bytes": self.max_response_bytes is None or self.max_response_bytes > 0,
        }
        wrong = [name for name, ok in checks.items() if not ok]
        if wrong:
            values = ", ".join(f"{name}={getattr(self, name)!r}" for name in wrong)
            raise InvalidArgumentError(
                f"Remote engine options out of range: {values}. Batch size, concurrency and "
                "tries must be at least 1, the timeout positive, the waits not negative."
            )


@dataclass(frozen=True)
class ServedModel:
    """One entry of the server's model listing."""

    id: str
    max_model_len: int | None
    """The server's token cap for the model (vLLM and TEI state it; Ollama does not)."""


def base_url(url: str) -> str:
    """``url`` without trailing slashes, checked to be an http(s) base ending in ``/v1``.

    Raises:
        InvalidArgumentError: any other URL, with an example of a good one.
    """
    cleaned = check_base_url(url, v1=True)
    if cleaned is None:
        raise InvalidArgumentError(
            f"Embedding server URL {url!r} must be an http(s) base URL ending in /v1 "
            "(the OpenAI-compatible root), e.g. http://localhost:8000/v1 for vLLM or "
            "http://localhost:11434/v1 for Ollama."
        )
    return cleaned


class RemoteEngine:
    """An embedding model served over HTTP; thread-safe, one connection pool per engine.

    Build it with :meth:`connect`, which checks the server and the model before anything is
    encoded.
    """

    kind: EngineKind = "remote"
    dtype = "server"

    def __init__(
        self,
        url: str,
        model: str,
        *,
        native_dim: int,
        model_max_length: int,
        api_key: str | None = None,
        options: RemoteOptions | None = None,
    ) -> None:
        self.url = base_url(url)
        self.device = self.url
        self.name = model
        self.native_dim = native_dim
        self.model_max_length = model_max_length
        self.options = options or RemoteOptions()
        self.notices: list[str] = []
        self._api_key = api_key
        self._lock = threading.Lock()
        self._dimensions = True
        """Whether to ask the server for ``dimensions`` (off after it refused them)."""
        self._truncate = True
        """Whether to send ``truncate_prompt_tokens`` (off after the server refused it)."""
        self._http = OpenAIClient(
            self.url,
            _EmbeddingFaults(self),
            api_key=api_key,
            timeout=self.options.timeout,
            retries=Retries(self.options.tries, self.options.backoff, self.options.max_wait),
            connections=self.options.concurrency,
        )

    @classmethod
    def connect(
        cls,
        url: str,
        model: str,
        *,
        api_key: str | None = None,
        options: RemoteOptions | None = None,
        expected_dim: int | None = None,
    ) -> RemoteEngine:
        """Check that ``url`` serves ``model``, probe its dimension, and return the engine.

        The model's token cap is the one the server states (vLLM's ``max_model_len`` in
        ``GET /v1/models``, TEI's ``max_input_length`` in ``GET /info``); where it states
        none, :data:`UNSTATED_MAX_LENGTH` and a notice. The native dimension is that of one
        probe request's vector.

        Args:
            url: the server's base URL, ending in ``/v1``.
            model: the name the server serves the model under; ``auto``: the only model
                of a server that lists exactly one.
            api_key: sent as ``Authorization: Bearer``; ``None``: no header.
            options: batching, concurrency, timeouts and retries.
            expected_dim: the native size the vectors must have (a saved base's); ``None``:
                any.

        Raises:
            ServerUnreachableError: nothing answers at ``url``.
            ServerAuthError: the server wants another API key.
            UnknownServedModelError: the server does not serve ``model`` (the message lists
                what it serves).
            BadServerResponseError: the server's answers are not the OpenAI format.
            DimensionMismatchError: the probe's size differs from ``expected_dim``.
        """
        engine = cls(
            url,
            model,
            native_dim=0,
            model_max_length=UNSTATED_MAX_LENGTH,
            api_key=api_key,
            options=options,
        )
        try:
            served = engine._find_model()
            if served is not None and served.max_model_len:
                engine.model_max_length = served.max_model_len
            else:
                engine.notices.append(
                    f"The server at {engine.url} does not state {model}'s token limit: "
                    f"texts are cut at {UNSTATED_MAX_LENGTH} tokens, or by the server."
                )
            probe = engine._embed([_PROBE_TEXT], max_length=16, dim=None, width=None)
            engine.native_dim = int(probe.shape[1])
            engine._http.fail_fast = False  # it answered: from now on wait out a restart
        except BaseException:
            engine.close()
            raise
        if expected_dim is not None:
            engine.check_dim(expected_dim, "the saved base")
        return engine

    def close(self) -> None:
        """Close the connection pool (the engine cannot be used afterwards)."""
        self._http.close()

    def check_dim(self, expected: int, source: str) -> None:
        """Raise :class:`DimensionMismatchError` unless the model's size is ``expected``.

        ``source`` names where ``expected`` comes from, for the message ("the saved base 'x'").
        """
        if expected != self.native_dim:
            raise DimensionMismatchError(
                self.url,
                f"{self.name} at {self.url} gives {self.native_dim}-dimensional vectors, but "
                f"{source} holds {expected}-dimensional ones: they come from another model. "
                f"Serve the model that made them, or encode the base again with {self.name}.",
            )

    # -- encoding ---------------------------------------------------------------------------

    def encode(
        self, texts: Sequence[str], *, max_length: int, dim: int | None = None
    ) -> Iterator[EncodedBatch]:
        """Unit vectors for ``texts`` (already prompted), batch by batch as answers arrive.

        Batches are runs of :attr:`RemoteOptions.batch_size` consecutive texts; up to
        :attr:`RemoteOptions.concurrency` are in flight, and a batch is yielded when its
        answer comes, so order between batches is not input order (``indices`` say where
        each row belongs). Closing the generator early cancels the batches not yet sent.

        Raises:
            EmbeddingServerError: a subclass naming the cause (see :meth:`connect`), or the
                base class when a request still fails after every try.
        """
        width = self.native_dim if dim is None else dim
        if not 1 <= width <= self.native_dim:
            raise InvalidArgumentError(
                f"Output dimension {dim} is out of range for {self.name}: "
                f"choose 1..{self.native_dim}."
            )
        cap = min(max_length, self.model_max_length)
        size = self.options.batch_size
        starts = range(0, len(texts), size)
        batches = [list(range(start, min(start + size, len(texts)))) for start in starts]

        def run(batch: list[int]) -> np.ndarray:
            return self._embed([texts[i] for i in batch], max_length=cap, dim=dim, width=width)

        if len(batches) <= 1 or self.options.concurrency == 1:
            for batch in batches:
                yield _encoded(batch, run(batch))
            return
        yield from self._concurrently(batches, run)

    def _concurrently(self, batches: list[list[int]], run: Any) -> Iterator[EncodedBatch]:
        # A sliding window: at most `concurrency` requests in flight, the next one sent as
        # soon as one returns (before the caller handles it), so the server never idles on us.
        workers = min(self.options.concurrency, len(batches))
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="semsearch-remote")
        waiting = iter(batches)
        running: dict[Future[np.ndarray], list[int]] = {}
        try:
            for batch in waiting:
                running[pool.submit(run, batch)] = batch
                if len(running) == workers:
                    break
            while running:
                done, _ = wait(running, return_when=FIRST_COMPLETED)
                for future in done:
                    batch = running.pop(future)
                    vectors = future.result()
                    following = next(waiting, None)
                    if following is not None:
                        running[pool.submit(run, following)] = following
                    yield _encoded(batch, vectors)
        finally:
            for future in running:
                future.cancel()
            pool.shutdown(wait=False, cancel_futures=True)

    def _embed(
        self, texts: list[str], *, max_length: int, dim: int | None, width: int | None
    ) -> np.ndarray:
        """One request's unit vectors [len(texts), width or native] (retried, fallbacks)."""
        native = self.native_dim or None
        ask_dim = dim is not None and native is not None and dim < native
        while True:
            payload: dict[str, Any] = {
                "model": self.name,
                "input": texts,
                "encoding_format": "float",
            }
            if self._truncate:
                payload["truncate_prompt_tokens"] = max_length
            asked = ask_dim and self._dimensions
            if asked:
                payload["dimensions"] = dim
            expected = (dim if asked else native) or None
            cap = self.options.max_response_bytes or (
                len(texts) * (expected or _UNPROBED_WIDTH) * _BYTES_PER_VALUE + _SMALL_BODY
            )
            reply = self._http.request("POST", "/embeddings", payload, cap, what="embeddings")
            if reply.status < 400:
                break
            message = error_message(reply.body)
            if reply.status in (400, 422) and self._refused_field(payload, message):
                continue
            self._raise_for(reply, message)
        vectors = self._vectors(reply.body, len(texts), expected)
        return normalise(vectors, None if asked else dim)

    def _refused_field(self, payload: dict[str, Any], message: str) -> bool:
        """Turn off an optional field the server refused; True when a retry makes sense."""
        lowered = message.lower()
        if "dimensions" in payload and ("dimension" in lowered or "matryoshka" in lowered):
            with self._lock:
                if self._dimensions:
                    self._dimensions = False
                    self.notices.append(
                        f"The server does not shorten {self.name}'s vectors ({message}): full "
                        "vectors are cut and re-normalised here instead, with the same result. "
                        "For vLLM, start it with --hf-overrides '{\"is_matryoshka\": true}' "
                        "to send less over the network."
                    )
            return True
        unknown = ("unrecognized", "unknown", "extra", "not permitted", "unexpected")
        refused = any(word in lowered for word in unknown)
        if "truncate_prompt_tokens" in payload and "truncate_prompt_tokens" in lowered and refused:
            with self._lock:
                if self._truncate:
                    self._truncate = False
                    self.notices.append(
                        "The server does not take truncate_prompt_tokens: texts over its "
                        "length limit are cut or refused by the server itself."
                    )
            return True
        return False

    def _vectors(self, body: bytes, count: int, width: int | None) -> np.ndarray:
        """float32 [count, width] out of an embeddings response, every fault named."""

        def bad(problem: str) -> BadServerResponseError:
            return BadServerResponseError(
                self.url,
                f"The embedding server at {self.url} sent an unusable answer for {self.name}: "
                f"{problem}. Is it an OpenAI-compatible /v1/embeddings server, and is the "
                "model an embedding model (vLLM: --runner pooling)?",
            )

        try:
            data = json.loads(body)["data"]
            rows = sorted(data, key=lambda item: int(item["index"]))
            indices = [int(item["index"]) for item in rows]
            values = [item["embedding"] for item in rows]
        except (ValueError, TypeError, KeyError, AttributeError):
            start = body[:80].decode("utf-8", "replace")
            raise bad(f"not the JSON of an embeddings response (it starts {start!r})") from None
        if indices != list(range(count)):
            raise bad(f"{len(indices)} vectors with indices {indices[:8]} for {count} texts")
        try:
            vectors = np.asarray(values, dtype=np.float32)
        except (ValueError, TypeError):
            raise bad("vectors of different lengths, or values that are not numbers") from None
        if vectors.ndim != 2 or vectors.shape[1] == 0:
            raise bad(f"an array of shape {vectors.shape} instead of one vector per text")
        if not bool(np.isfinite(vectors).all()):
            rows_bad = sorted({int(i) for i in np.argwhere(~np.isfinite(vectors))[:, 0]})
            raise bad(f"NaN or infinite values in the vectors of texts {rows_bad[:8]}")
        if width is not None and vectors.shape[1] != width:
            raise DimensionMismatchError(
                self.url,
                f"The embedding server at {self.url} sent {vectors.shape[1]}-dimensional "
                f"vectors for {self.name}; {width} were expected (its size when semsearch "
                "connected, or the size asked for). Was the server restarted with another "
                "model? Reconnect (reload the page, run the command again).",
            )
        return vectors

    # -- the model listing ------------------------------------------------------------------

    def _find_model(self) -> ServedModel | None:
        """The server's entry for the model; None when the server keeps no listing (TEI)."""
        reply = self._http.request("GET", "/models", None, _SMALL_BODY, what="the model list")
        if reply.status == 404:
            info = self._tei_info()
            if info is not None and self.name == AUTO:
                self.name = info.id
            return info
        if reply.status >= 400:
            self._raise_for(reply, error_message(reply.body))
        try:
            listing = json.loads(reply.body)["data"]
            served = [
                ServedModel(str(item["id"]), _positive_int(item.get("max_model_len")))
                for item in listing
            ]
        except (ValueError, TypeError, KeyError, AttributeError):
            start = reply.body[:80].decode("utf-8", "replace")
            raise BadServerResponseError(
                self.url,
                f"GET {self.url}/models did not answer an OpenAI model list (it starts "
                f"{start!r}). Is {self.url} the OpenAI-compatible base URL of an embedding "
                "server?",
            ) from None
        if self.name == AUTO and len(served) == 1:
            self.name = served[0].id
            return served[0]
        for entry in served:
            # Ollama lists "name:latest" and serves it as "name" too.
            if entry.id in (self.name, f"{self.name}:latest"):
                return entry
        names = ", ".join(repr(entry.id) for entry in served) or "none"
        raise UnknownServedModelError(
            self.url,
            f"The embedding server at {self.url} does not serve {self.name!r}; it serves: "
            f"{names}. Set SEMSEARCH_MODEL (or --model) to one of these, or start the server "
            "with this model (vLLM: --served-model-name).",
        )

    def _tei_info(self) -> ServedModel | None:
        # text-embeddings-inference has no /v1/models; its /info (at the root) states the cap.
        root = self.url.removesuffix("/v1")
        try:
            reply = self._http.request("GET", f"{root}/info", None, _SMALL_BODY, what="/info")
            info = json.loads(reply.body) if reply.status == 200 else None
        except (EmbeddingServerError, ValueError):
            return None
        if not isinstance(info, dict):
            return None
        return ServedModel(
            str(info.get("model_id", self.name)), _positive_int(info.get("max_input_length"))
        )

    def _raise_for(self, reply: Reply, message: str) -> None:
        if reply.status in (401, 403):
            sent = "the API key sent was refused" if self._api_key else "no API key was sent"
            raise ServerAuthError(
                self.url,
                f"The embedding server at {self.url} refused the request (HTTP "
                f"{reply.status}: {message}): {sent}. Set SEMSEARCH_EMBED_API_KEY to the "
                "server's key (vLLM: the --api-key it was started with).",
            )
        if reply.status == 404 and ("model" in message.lower()):
            raise UnknownServedModelError(
                self.url,
                f"The embedding server at {self.url} does not serve {self.name!r} ({message}). "
                "Set SEMSEARCH_MODEL (or --model) to the name the server serves.",
            )
        raise EmbeddingServerError(
            self.url,
            f"The embedding server at {self.url} refused the request for {self.name} (HTTP "
            f"{reply.status}: {message}).",
        )


class _EmbeddingFaults:
    """The embedding server's failures as :class:`EmbeddingServerError` subclasses."""

    def __init__(self, engine: RemoteEngine) -> None:
        self.engine = engine

    def unreachable(self, cause: str) -> EmbeddingServerError:
        url = self.engine.url
        return ServerUnreachableError(
            url, f"No embedding server answers at {url} ({cause}). {_START_HINT}"
        )

    def gave_up(self, what: str, last: str, tries: int, connect: bool) -> EmbeddingServerError:
        url = self.engine.url
        if connect:
            return ServerUnreachableError(
                url,
                f"The embedding server at {url} stopped answering ({last}; {tries} tries). "
                f"{_START_HINT}",
            )
        return EmbeddingServerError(
            url,
            f"The embedding server at {url} failed {what} {tries} times; last: {last}. Check "
            "the server's log; if it is overloaded, lower SEMSEARCH_EMBED_CONCURRENCY or "
            "SEMSEARCH_EMBED_BATCH, or raise SEMSEARCH_EMBED_TIMEOUT.",
        )

    def too_big(self, url: str, detail: str, cap: int) -> EmbeddingServerError:
        return BadServerResponseError(
            self.engine.url,
            f"The answer of {url} is too large ({detail}; the cap is {cap:,} bytes, sized "
            f"from the {self.engine.native_dim or 'probed'}-dimensional vectors expected). Is "
            "the URL an embedding server? If vectors are really this large, lower "
            "SEMSEARCH_EMBED_BATCH.",
        )

    def broken(self, url: str, cause: str, timed_out: bool) -> EmbeddingServerError:
        # Not met: the engine reads whole bodies (retried), never an open stream.
        return EmbeddingServerError(self.engine.url, f"The answer of {url} broke off: {cause}.")


def _positive_int(value: object) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return int(value) if value > 0 else None


def _encoded(batch: list[int], vectors: np.ndarray) -> EncodedBatch:
    return EncodedBatch(batch, vectors, [UNKNOWN_TOKENS] * len(batch))
