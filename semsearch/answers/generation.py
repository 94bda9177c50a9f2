"""Answers from the retrieved passages, with numbered citations (retrieval-augmented generation).

The passages that pass the threshold (at most top-k) are numbered [1]..[k] in rank order
and given to a generator with the question; the generator is asked to answer only from
them and to cite them by number. With no passage there is no evidence: the answer says so
and no generator is created, let alone loaded.

Two generators: a local transformers instruct model (``SEMSEARCH_LLM``: a Hugging Face id
or a folder; by default a small Qwen2.5 instruct model), loaded only when first asked, or
any OpenAI-compatible chat endpoint (``SEMSEARCH_LLM_BASE_URL``, e.g. vLLM or Ollama).
Both stream the answer piece by piece.
"""

from __future__ import annotations

import collections.abc
import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import httpx2

from semsearch.errors import GeneratorError, ModelLoadError
from semsearch.openai_http import SMALL_BODY, OpenAIClient, Retries, check_base_url
from semsearch.settings import Settings

DEFAULT_LLM_GPU = "Qwen/Qwen2.5-1.5B-Instruct"
DEFAULT_LLM_CPU = "Qwen/Qwen2.5-0.5B-Instruct"
NO_EVIDENCE = (
    "No passage in the knowledge base reaches the threshold, so there is no evidence to "
    "answer from. Lower the threshold, rephrase the question or add documents."
)
SYSTEM_PROMPT = (
    "You answer questions using only the numbered passages you are given. Cite the passage "
    "behind every statement by its number in square brackets, like [1] or [2][3]. If the "
    "passages do not contain the answer, say that they do not. Answer in the language of "
    "the question, briefly."
)
Messages = list[dict[str, str]]


@dataclass(frozen=True)
class Citation:
    """A passage given to the generator, as [number] in the answer."""

    number: int
    index: int
    """Position of the passage in the knowledge base."""
    text: str
    score: float
    source: str


class Generator(Protocol):
    """Streams a chat completion."""

    name: str

    def stream(self, messages: Messages, max_new_tokens: int) -> Iterator[str]:
        """The answer, piece by piece."""
        ...


def build_messages(question: str, citations: Sequence[Citation]) -> Messages:
    """The chat messages for ``question`` over the numbered passages."""
    passages = "\n\n".join(f"[{c.number}] {c.text}" for c in citations)
    user = f"Passages:\n{passages}\n\nQuestion: {question}"
    return [{"role": "system", "content": SYSTEM_PROMPT}, {"role": "user", "content": user}]


def cited_numbers(answer: str, available: int) -> list[int]:
    """The passage numbers an answer cites, in order of first citation, within 1..available."""
    seen: list[int] = []
    for match in re.finditer(r"\[(\d+(?:\s*[,;]\s*\d+)*)\]", answer):
        for number in re.split(r"\s*[,;]\s*", match.group(1)):
            n = int(number)
            if 1 <= n <= available and n not in seen:
                seen.append(n)
    return seen


def answer_stream(
    question: str,
    citations: Sequence[Citation],
    generator: Callable[[], Generator],
    max_new_tokens: int = 512,
) -> collections.abc.Generator[str, None, None]:
    """Stream an answer; ``generator`` is called (and a model loaded) only with evidence.

    Close it (``contextlib.closing``) when it is left before its end, so that the
    generation stops and the model is free for the next one.
    """
    if not citations:
        yield NO_EVIDENCE
        return
    yield from generator().stream(build_messages(question, citations), max_new_tokens)


class TransformersGenerator:
    """A local chat model run by transformers; one generation at a time."""

    def __init__(self, model: Any, tokenizer: Any, name: str) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.name = name
        self._lock = threading.Lock()

    @classmethod
    def load(cls, spec: str, *, device: str, dtype: str) -> TransformersGenerator:
        """Load an instruct model (hub id or folder) onto ``device``.

        Raises:
            ModelLoadError: it cannot be found, downloaded or loaded.
        """
        from semsearch.answers.causal_lm import load_causal_lm

        model, tokenizer, name = load_causal_lm(spec, device=device, dtype=dtype)
        if tokenizer.chat_template is None:
            raise ModelLoadError(spec, "it has no chat template; use an instruct (chat) model")
        return cls(model, tokenizer, name)

    def stream(self, messages: Messages, max_new_tokens: int) -> Iterator[str]:
        """Greedy decoding, streamed as text (special tokens left out).

        The model is held from the first piece until the worker thread that generates has
        ended. A stream closed before its end (a page rerun drops it: ``close()``, or its
        last reference goes) asks the worker to stop after its current token and waits for
        it, so no abandoned generation keeps running while the next one holds the model.
        """
        import torch
        from transformers import StoppingCriteriaList, TextIteratorStreamer

        inputs = self.tokenizer.apply_chat_template(
            messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
        ).to(self.model.device)
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        abandoned = threading.Event()
        options = {
            **inputs,
            "max_new_tokens": max_new_tokens,
            "do_sample": False,
            "streamer": streamer,
            "stopping_criteria": StoppingCriteriaList([_StopWhenSet(abandoned)]),
        }
        failure: list[BaseException] = []

        def generate() -> None:
            try:
                with torch.inference_mode():
                    self.model.generate(**options)
            except BaseException as error:  # noqa: BLE001 - handed to the reading thread
                failure.append(error)
                streamer.end()

        with self._lock:
            worker = threading.Thread(target=generate, daemon=True, name="semsearch-answer")
            worker.start()
            try:
                yield from streamer
            finally:  # also on GeneratorExit: stop the worker before the model is free
                abandoned.set()
                worker.join()
        if failure:
            raise GeneratorError(f"{self.name} failed: {type(failure[0]).__name__}: {failure[0]}")


class _StopWhenSet:
    """A stopping criterion for ``generate``: stop every sequence once ``event`` is set."""

    def __init__(self, event: threading.Event) -> None:
        self.event = event

    def __call__(self, input_ids: Any, scores: Any, **kwargs: Any) -> Any:
        import torch

        return torch.full((input_ids.shape[0],), self.event.is_set(), dtype=torch.bool)


class OpenAIChatGenerator:
    """Any OpenAI-compatible ``/chat/completions`` endpoint (vLLM, Ollama, TGI...), streamed.

    Whatever the endpoint sends is read bounded (:mod:`semsearch.openai_http`, shared with
    the remote embedding engine): the model listing and error bodies up to 1 MiB, each
    server-sent event line up to 1 MiB, no more than ``timeout`` seconds without a piece of
    text (keep-alive lines do not count) and no more than ``max_seconds`` in all. A 429 or
    5xx before the answer starts is tried again (``Retry-After`` honoured), 3 tries in all.
    Anything else (not a URL, not JSON, not UTF-8, an unexpected shape) is a
    :class:`GeneratorError` naming the URL and the fix, never a traceback or an endless wait.
    """

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120,
        max_seconds: float = 900,
        retries: Retries | None = None,
    ) -> None:
        self.base_url = _checked_base_url(base_url)
        self.api_key = api_key
        self.timeout = timeout
        self.max_seconds = max_seconds
        self._http = OpenAIClient(
            self.base_url,
            _ChatFaults(self.base_url),
            api_key=api_key,
            timeout=timeout,
            retries=retries or Retries(tries=3),
        )
        self.name = model or self._first_model()

    @contextlib.contextmanager
    def _open(self, path: str, body: dict[str, Any] | None = None) -> Iterator[httpx2.Response]:
        """The response to a GET (no ``body``) or a POST, its status checked, body unread."""
        url = self._http.url(path)
        method = "GET" if body is None else "POST"
        with self._http.open(method, path, body, what=url) as response:
            if response.status_code != 200:
                detail = self._http.read(response, _ERROR_BODY, cut=True)
                text = detail.decode("utf-8", "replace").strip()
                raise GeneratorError(
                    f"{url} answered HTTP {response.status_code}: {text or response.reason_phrase}"
                )
            yield response

    def _first_model(self) -> str:
        url = f"{self.base_url}/models"
        with self._open("/models") as response:
            clock = _Clock(url, self.timeout, self.timeout)
            raw = self._http.read(response, SMALL_BODY, check=clock.check)
        try:
            listing = json.loads(raw)
        except ValueError:  # also bytes that are not UTF-8
            raise GeneratorError(
                f"{url} did not answer JSON (it sent {_preview(raw)}). Set "
                "SEMSEARCH_LLM_BASE_URL to an OpenAI-compatible base URL (ending in /v1)."
            ) from None
        models = listing.get("data") if isinstance(listing, dict) else None
        if not isinstance(models, list) or not all(
            isinstance(m, dict) and isinstance(m.get("id"), str) for m in models
        ):
            raise GeneratorError(
                f'{url} does not list models as {{"data": [{{"id": "..."}}]}} (it sent '
                f"{_preview(raw)}); set SEMSEARCH_LLM to the model's name."
            )
        ids = [m["id"] for m in models if m["id"].strip()]
        if not ids:
            raise GeneratorError(f"{url} lists no model; set SEMSEARCH_LLM.")
        return str(ids[0])

    def stream(self, messages: Messages, max_new_tokens: int) -> Iterator[str]:
        """Server-sent events of ``chat.completion.chunk``; the text of each delta."""
        body = {
            "model": self.name,
            "messages": messages,
            "stream": True,
            "max_tokens": max_new_tokens,
            "temperature": 0,
        }
        url = f"{self.base_url}/chat/completions"
        clock = _Clock(url, self.timeout, self.max_seconds)
        with self._open("/chat/completions", body) as response:
            for raw in self._http.lines(response, check=clock.check):
                try:
                    line = raw.decode("utf-8").strip()
                except UnicodeDecodeError:
                    raise GeneratorError(
                        f"{url} sent bytes that are not UTF-8 ({_preview(raw)})."
                    ) from None
                if not line.startswith("data:"):
                    continue  # comments (": keep-alive"), event names, blank separators
                payload = line[5:].strip()
                if payload == "[DONE]":
                    return
                for piece in _pieces(payload, url):
                    clock.piece()
                    yield piece


_ERROR_BODY = 500  # the part of an error body worth showing
_NOT_AN_ENDPOINT = "is SEMSEARCH_LLM_BASE_URL an OpenAI-compatible endpoint?"


class _ChatFaults:
    """The chat endpoint's failures as :class:`GeneratorError` (see :mod:`..openai_http`)."""

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url

    def unreachable(self, cause: str) -> GeneratorError:
        return GeneratorError(f"Cannot reach {self.base_url}: {cause}")

    def gave_up(self, what: str, last: str, tries: int, connect: bool) -> GeneratorError:
        if connect:
            return GeneratorError(f"Cannot reach {self.base_url} any more: {last}")
        said = f"answered {last}" if last.startswith("HTTP ") else f"failed: {last}"
        return GeneratorError(
            f"{what} {said} ({tries} tries); is the endpoint overloaded? Try again later."
        )

    def too_big(self, url: str, detail: str, cap: int) -> GeneratorError:
        return GeneratorError(f"{url} {detail}; {_NOT_AN_ENDPOINT}")

    def broken(self, url: str, cause: str, timed_out: bool) -> GeneratorError:
        if timed_out:
            return GeneratorError(f"{url} {cause}; is the endpoint overloaded?")
        return GeneratorError(f"The connection to {url} broke off: {cause}")


def _checked_base_url(base_url: str) -> str:
    """``base_url`` without its trailing slash, if it is an http(s) URL with a host."""
    checked = check_base_url(base_url)
    if checked is None:
        raise GeneratorError(
            f"SEMSEARCH_LLM_BASE_URL={base_url!r} is not an http(s) URL. Set it to the "
            "endpoint's base URL, e.g. http://localhost:8000/v1 (vLLM) or "
            "http://localhost:11434/v1 (Ollama), or unset it to run a local model."
        )
    return checked


def _preview(raw: bytes, size: int = 120) -> str:
    """The start of a body, printable: for messages."""
    return repr(raw[:size].decode("utf-8", "replace")) + ("..." if len(raw) > size else "")


class _Clock:
    """The time limits of one answer: since the last piece of text, and in all."""

    def __init__(self, url: str, idle: float, total: float) -> None:
        self.url, self.idle, self.total = url, idle, total
        self.started = self.last = time.monotonic()

    def piece(self) -> None:
        self.last = time.monotonic()

    def check(self) -> None:
        now = time.monotonic()
        if now - self.started > self.total:
            raise GeneratorError(
                f"{self.url} was still answering after {self.total:g} s; the answer is cut "
                "there. Ask for a shorter answer (max new tokens)."
            )
        if now - self.last > self.idle:
            raise GeneratorError(
                f"{self.url} sent no text for {self.idle:g} s (only keep-alive lines); is "
                "the endpoint overloaded?"
            )


def _pieces(payload: str, url: str) -> Iterator[str]:
    """The text pieces of one ``chat.completion.chunk`` event."""
    try:
        chunk = json.loads(payload)
    except ValueError:
        raise GeneratorError(f"{url} sent an unreadable event: {payload[:200]!r}") from None
    if isinstance(chunk, dict) and "error" in chunk:  # vLLM reports a failure mid-stream so
        error = chunk["error"]
        message = error.get("message") if isinstance(error, dict) else error
        raise GeneratorError(f"{url} failed while answering: {str(message)[:500]}")
    choices = chunk.get("choices", []) if isinstance(chunk, dict) else None
    if not isinstance(choices, list) or not all(isinstance(c, dict) for c in choices):
        raise _not_a_chunk(url, payload)
    for choice in choices:
        delta = choice.get("delta") or {}
        if not isinstance(delta, dict) or not isinstance(delta.get("content"), str | None):
            raise _not_a_chunk(url, payload)
        if delta.get("content"):
            yield delta["content"]


def _not_a_chunk(url: str, payload: str) -> GeneratorError:
    return GeneratorError(
        f"{url} sent an event that is not a chat.completion.chunk: {payload[:200]!r}. Is "
        "SEMSEARCH_LLM_BASE_URL an OpenAI-compatible endpoint?"
    )


def default_llm(device: str) -> str:
    """The instruct model used when ``SEMSEARCH_LLM`` is unset."""
    return DEFAULT_LLM_GPU if device.startswith("cuda") else DEFAULT_LLM_CPU


def generator_from_env(device: str, dtype: str, settings: Settings | None = None) -> Generator:
    """The generator the settings ask for: an endpoint, else a local model.

    ``SEMSEARCH_LLM_BASE_URL`` (with ``SEMSEARCH_LLM`` as the model name, else the endpoint's
    first model, and ``SEMSEARCH_LLM_API_KEY``), else ``SEMSEARCH_LLM`` or the default model;
    read from ``settings``, else the environment (:meth:`Settings.from_env`).

    Raises:
        GeneratorError: the endpoint cannot be used.
        ModelLoadError: the local model cannot be loaded.
    """
    chosen = settings if settings is not None else Settings.from_env()
    if chosen.llm_base_url:
        return OpenAIChatGenerator(chosen.llm_base_url, chosen.llm, chosen.llm_api_key)
    return TransformersGenerator.load(chosen.llm or default_llm(device), device=device, dtype=dtype)
