"""One HTTP client for OpenAI-compatible servers: bounded reads, retries, errors that say why.

Used by everything here that speaks the protocol: the remote embedding engine
(:mod:`semsearch.encoding.engines.remote`, ``/v1/embeddings``) and the answer generator
(:mod:`semsearch.answers.generation`, ``/v1/chat/completions``), and meant for anything
later that does (a remote reranker). Each caller keeps its own routes, payloads and
wording; what they share is here, written once:

* Retries: HTTP 408, 425, 429 and 5xx, timeouts and dropped connections are tried again,
  :attr:`Retries.tries` times in all, after a random wait up to a bound that doubles each
  try (full jitter, so that clients refused together do not return together), or after the
  server's ``Retry-After`` (seconds or an HTTP date) when it asks for longer, never longer
  than :attr:`Retries.max_wait`. Other statuses are final and handed back to the caller.
* Bounded reads: a body is read in chunks and abandoned past a cap (error bodies are cut
  instead), a declared ``Content-Length`` above the cap is refused before reading, and
  streamed answers are read line by line with a cap per line. ``Accept-Encoding:
  identity`` asks for no compression; the cap counts decoded bytes either way.
* Errors: every failure becomes the :class:`~semsearch.errors.SemsearchError` its caller's
  :class:`Faults` names (an embedding server's errors, the generator's), never an httpx2
  exception or a traceback.

Why httpx2 (the maintained continuation of httpx, already installed as huggingface_hub's
HTTP client): one connection pool shared by threads, timeouts per phase, and streaming
bodies for the bounded reads, with no event loop. What it does not do: parse the answers
(each caller knows its own JSON) or decide which error a 4xx is.
"""

from __future__ import annotations

import contextlib
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any, Protocol, TypeVar

import httpx2

from semsearch.errors import SemsearchError

RETRYABLE = frozenset({408, 425, 429, 500, 502, 503, 504})
"""Statuses a later try may fix: timeouts, too many requests, server errors."""
SMALL_BODY = 1 << 20
"""Cap on a model listing or an error body (1 MiB)."""
LINE_CAP = 1 << 20
"""Cap on one line of a streamed answer (a server-sent event is a few hundred bytes)."""

T = TypeVar("T")


class Faults(Protocol):
    """How a caller words and types each failure of its server (one method per kind)."""

    def unreachable(self, cause: str) -> SemsearchError:
        """Nothing answers at the base URL (connection refused, no such host)."""
        ...

    def gave_up(self, what: str, last: str, tries: int, connect: bool) -> SemsearchError:
        """``what`` failed on every try (``last``: how the last one failed).

        ``connect``: the last try found no server (it went away after answering).
        """
        ...

    def too_big(self, url: str, detail: str, cap: int) -> SemsearchError:
        """The answer of ``url`` is over ``cap`` bytes (``detail``: "sent more than ...")."""
        ...

    def broken(self, url: str, cause: str, timed_out: bool) -> SemsearchError:
        """A streamed answer broke off, or (``timed_out``) went silent, after it started.

        Not retried: part of it has been read.
        """
        ...


@dataclass(frozen=True)
class Retries:
    """How often and how patiently a request is tried."""

    tries: int = 4
    """Attempts per request (the first included)."""
    backoff: float = 0.5
    """Upper bound of the first retry's random wait, in seconds; doubles with each try."""
    max_wait: float = 30.0
    """Longest single wait between tries, ``Retry-After`` included."""

    def wait(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait after failed try number ``attempt`` (0-based)."""
        jittered = random.uniform(0, self.backoff * 2**attempt)
        return min(self.max_wait, max(jittered, retry_after or 0.0))


@dataclass(frozen=True)
class Reply:
    """A final answer: its status (below 400, or a 4xx no retry can fix) and its body."""

    status: int
    body: bytes


class _TryAgain(Exception):  # noqa: N818 - a signal inside the retry loop, never raised out
    def __init__(self, last: str, retry_after: float | None = None) -> None:
        self.last = last
        self.retry_after = retry_after


def check_base_url(url: str, *, v1: bool = False) -> str | None:
    """``url`` without trailing slashes when it is an http(s) URL with a host, else None.

    ``v1``: it must also end in ``/v1`` (the OpenAI-compatible root an embedding server's
    URL names). Each caller words its own message for a None.
    """
    cleaned = url.strip().rstrip("/")
    try:
        parsed = httpx2.URL(cleaned)
        valid = parsed.scheme in ("http", "https") and bool(parsed.host)
    except (httpx2.InvalidURL, ValueError, TypeError):
        valid = False
    if not valid or (v1 and not cleaned.endswith("/v1")):
        return None
    return cleaned


def error_message(body: bytes) -> str:
    """The server's own error text out of an error body (OpenAI, vLLM, TEI shapes), cut short."""
    text = body.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        return text[:300] or "(empty body)"
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict):
            error = error.get("message", error)
        if isinstance(data.get("message"), str) and not isinstance(error, str):
            error = data["message"]
        return str(error)[:300]
    return text[:300]


def retry_after(response: httpx2.Response) -> float | None:
    """Seconds the server asked to wait (``Retry-After``: seconds or an HTTP date), or None."""
    value = response.headers.get("retry-after", "").strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class OpenAIClient:
    """One connection pool to one OpenAI-compatible server; safe to share between threads.

    Args:
        base_url: the server's base URL (checked by the caller: :func:`check_base_url`).
        faults: the caller's errors.
        api_key: sent as ``Authorization: Bearer``; ``None``: no header.
        timeout: seconds each step (connect, each read) may wait before it counts as failed.
        retries: how often to try.
        connections: most connections kept open at once (``None``: httpx2's default).
    """

    def __init__(
        self,
        base_url: str,
        faults: Faults,
        *,
        api_key: str | None = None,
        timeout: float = 60.0,
        retries: Retries | None = None,
        connections: int | None = None,
    ) -> None:
        self.base_url = base_url
        self.faults = faults
        self.timeout = timeout
        self.retries = retries or Retries()
        self.fail_fast = True
        """A refused connection raises at once (nothing is there: a wrong URL should fail
        fast); set False once the server has answered, so a restart is waited out."""
        headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
        if api_key:
            headers["Authorization"] = f"Bearer {api_key}"
        limits = (
            httpx2.Limits(max_connections=4 * connections, max_keepalive_connections=connections)
            if connections
            else httpx2.Limits()
        )
        self._client = httpx2.Client(
            headers=headers,
            # Waiting for a free pooled connection is not the server's slowness: no limit.
            timeout=httpx2.Timeout(timeout, connect=min(timeout, 10.0), pool=None),
            limits=limits,
        )

    def close(self) -> None:
        """Close the connection pool (the client cannot be used afterwards)."""
        self._client.close()

    def url(self, path: str) -> str:
        """The full URL of ``path`` (``/embeddings``) under the base URL; a full URL as is."""
        return path if path.startswith(("http://", "https://")) else self.base_url + path

    def request(
        self, method: str, path: str, payload: dict[str, Any] | None, cap: int, *, what: str
    ) -> Reply:
        """Send one request and read its whole body (at most ``cap`` bytes), with retries.

        Raises:
            SemsearchError: the caller's :class:`Faults` error (unreachable, every try
                failed, a body over ``cap``).
        """

        def once() -> Reply:
            response = self._send(method, path, payload)
            try:
                return Reply(response.status_code, self.read(response, cap))
            finally:
                response.close()

        return self._retrying(once, what)

    @contextlib.contextmanager
    def open(
        self, method: str, path: str, payload: dict[str, Any] | None = None, *, what: str
    ) -> Iterator[httpx2.Response]:
        """The response to a request, its status final, its body unread (for streams).

        Getting a final status is retried as :meth:`request` is; once the response is
        handed over nothing is retried (part of a stream has been read): a timeout or a
        dropped connection while reading it raises :meth:`Faults.broken`.
        """
        response = self._retrying(lambda: self._send(method, path, payload), what)
        try:
            yield response
        except httpx2.TimeoutException:
            cause = f"sent nothing for {self.timeout:g} s"
            raise self.faults.broken(self.url(path), cause, True) from None
        except httpx2.HTTPError as error:
            cause = str(error) or type(error).__name__
            raise self.faults.broken(self.url(path), cause, False) from None
        finally:
            response.close()

    def _send(self, method: str, path: str, payload: dict[str, Any] | None) -> httpx2.Response:
        request = self._client.build_request(method, self.url(path), json=payload)
        response = self._client.send(request, stream=True)
        if response.status_code in RETRYABLE:
            try:
                wait_for = retry_after(response)
                body = self.read(response, SMALL_BODY, cut=True)
            finally:
                response.close()
            raise _TryAgain(f"HTTP {response.status_code}: {error_message(body)}", wait_for)
        return response

    def _retrying(self, once: Callable[[], T], what: str) -> T:
        last, connect = "", False
        for attempt in range(self.retries.tries):
            wait_for: float | None = None
            try:
                return once()
            except _TryAgain as signal:
                last, wait_for, connect = signal.last, signal.retry_after, False
            except httpx2.ConnectError as error:
                if self.fail_fast:
                    raise self.faults.unreachable(str(error)) from None
                last, connect = f"cannot connect ({error})", True
            except httpx2.TimeoutException:
                last, connect = f"no answer within {self.timeout:g} s", False
            except httpx2.TransportError as error:
                last, connect = f"the connection broke ({type(error).__name__}: {error})", False
            if attempt + 1 < self.retries.tries:
                time.sleep(self.retries.wait(attempt, wait_for))
        raise self.faults.gave_up(what, last, self.retries.tries, connect)

    def read(
        self,
        response: httpx2.Response,
        cap: int,
        *,
        cut: bool = False,
        check: Callable[[], None] | None = None,
    ) -> bytes:
        """The body, read in chunks: refused past ``cap`` bytes, or (``cut``) cut there.

        ``check`` is called before each chunk (a caller's clock, to give up on a slow body).
        """
        url = str(response.url)
        declared = response.headers.get("content-length", "")
        if not cut and declared.isdigit() and int(declared) > cap:
            detail = f"sent more than {cap:,} bytes (it announced {int(declared):,})"
            raise self.faults.too_big(url, detail, cap)
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_bytes():
            if check is not None:
                check()
            size += len(chunk)
            if size > cap:
                if cut:
                    chunks.append(chunk[: cap - (size - len(chunk))])
                    break
                raise self.faults.too_big(url, f"sent more than {cap:,} bytes", cap)
            chunks.append(chunk)
        return b"".join(chunks)

    def lines(
        self, response: httpx2.Response, *, check: Callable[[], None] | None = None
    ) -> Iterator[bytes]:
        """The body's lines (without their end), none longer than :data:`LINE_CAP` kept.

        Why not httpx2's ``iter_lines``: it holds a line in memory whole however long it
        grows.
        """
        pending = b""
        for chunk in response.iter_bytes():
            if check is not None:
                check()
            pending += chunk
            *complete, pending = pending.split(b"\n")
            yield from complete
            if len(pending) > LINE_CAP:
                detail = f"sent a line of more than {LINE_CAP:,} bytes"
                raise self.faults.too_big(str(response.url), detail, LINE_CAP)
        if pending:
            yield pending
