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
import json
import os
import re
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from semsearch.errors import ModelLoadError, SemsearchError

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


class GeneratorError(SemsearchError):
    """The answer could not be generated: no model, an unreachable endpoint (page, CLI)."""


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
    """Any OpenAI-compatible ``/chat/completions`` endpoint (vLLM, Ollama, TGI...), streamed."""

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        api_key: str | None = None,
        timeout: float = 120,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.api_key = api_key
        self.timeout = timeout
        self.name = model or self._first_model()

    def _request(self, path: str, body: dict[str, Any] | None = None) -> Any:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"{self.base_url}{path}", data=data, headers=headers)
        try:
            return urllib.request.urlopen(request, timeout=self.timeout)  # the user's own endpoint
        except urllib.error.HTTPError as error:
            detail = error.read(500).decode("utf-8", "replace").strip()
            raise GeneratorError(
                f"{self.base_url}{path} answered HTTP {error.code}: {detail or error.reason}"
            ) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise GeneratorError(f"Cannot reach {self.base_url}: {reason}") from None

    def _first_model(self) -> str:
        with self._request("/models") as response:
            models = json.load(response).get("data") or []
        if not models:
            raise GeneratorError(f"{self.base_url}/models lists no model; set SEMSEARCH_LLM.")
        return str(models[0]["id"])

    def stream(self, messages: Messages, max_new_tokens: int) -> Iterator[str]:
        """Server-sent events of ``chat.completion.chunk``; the text of each delta."""
        body = {
            "model": self.name,
            "messages": messages,
            "stream": True,
            "max_tokens": max_new_tokens,
            "temperature": 0,
        }
        with self._request("/chat/completions", body) as response:
            for raw in response:
                line = raw.decode("utf-8").strip()
                if not line.startswith("data:"):
                    continue
                payload = line[5:].strip()
                if payload == "[DONE]":
                    break
                try:
                    chunk = json.loads(payload)
                except ValueError:
                    raise GeneratorError(
                        f"{self.base_url} sent an unreadable event: {payload[:200]}"
                    ) from None
                for choice in chunk.get("choices", []):
                    piece = (choice.get("delta") or {}).get("content")
                    if piece:
                        yield piece


def default_llm(device: str) -> str:
    """The instruct model used when ``SEMSEARCH_LLM`` is unset."""
    return DEFAULT_LLM_GPU if device.startswith("cuda") else DEFAULT_LLM_CPU


def generator_from_env(device: str, dtype: str) -> Generator:
    """The generator the environment asks for: an endpoint, else a local model.

    ``SEMSEARCH_LLM_BASE_URL`` (with ``SEMSEARCH_LLM`` as the model name, else the endpoint's
    first model, and ``SEMSEARCH_LLM_API_KEY``), else ``SEMSEARCH_LLM`` or the default model.

    Raises:
        GeneratorError: the endpoint cannot be used.
        ModelLoadError: the local model cannot be loaded.
    """
    base_url = os.environ.get("SEMSEARCH_LLM_BASE_URL", "").strip()
    model = os.environ.get("SEMSEARCH_LLM", "").strip() or None
    if base_url:
        return OpenAIChatGenerator(base_url, model, os.environ.get("SEMSEARCH_LLM_API_KEY") or None)
    return TransformersGenerator.load(model or default_llm(device), device=device, dtype=dtype)
