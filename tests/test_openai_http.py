"""The one OpenAI-compatible HTTP client, against real servers on loopback.

Its own behaviour (retries, ``Retry-After``, bounded reads, which fault is raised) with a
recording :class:`Faults`, then the same behaviour seen through both of its users: the
answer generator (``tests/helpers.py``' chat server) and the remote embedding engine
(``tests/embedding_server.py``; its own suite is ``test_remote_engine.py``).
"""

from __future__ import annotations

import socket
import time

import pytest

from semsearch.answers.generation import GeneratorError, OpenAIChatGenerator, build_messages
from semsearch.errors import SemsearchError
from semsearch.openai_http import (
    SMALL_BODY,
    OpenAIClient,
    Reply,
    Retries,
    check_base_url,
    error_message,
)
from tests.embedding_server import EmbeddingServer

from .helpers import ChatServer

EMBED = {"model": "test-embed", "input": ["a"], "encoding_format": "float"}


class RecordedError(SemsearchError):
    """What a recording Faults raises: the kind of fault and its arguments."""

    def __init__(self, kind: str, *args: object) -> None:
        self.kind, self.args_ = kind, args
        super().__init__(f"{kind}: {args}")


class RecordingFaults:
    def unreachable(self, cause):
        return RecordedError("unreachable", cause)

    def gave_up(self, what, last, tries, connect):
        return RecordedError("gave_up", what, last, tries, connect)

    def too_big(self, url, detail, cap):
        return RecordedError("too_big", url, detail, cap)

    def broken(self, url, cause, timed_out):
        return RecordedError("broken", url, cause, timed_out)


def client(server, **options) -> OpenAIClient:
    options.setdefault("retries", Retries(tries=3, backoff=0.01))
    return OpenAIClient(server.url, RecordingFaults(), **options)


def free_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


def test_a_final_status_comes_back_at_once_with_its_body():
    with EmbeddingServer() as server:
        reply = client(server).request(
            "POST", "/embeddings", {**EMBED, "model": "x"}, SMALL_BODY, what="e"
        )
    assert reply == Reply(404, b'{"error": {"message": "The model `x` does not exist."}}')
    assert len(server.embed_requests) == 1  # a 404 is not retried
    assert error_message(reply.body) == "The model `x` does not exist."


def test_retry_after_is_waited_out_even_when_the_backoff_is_shorter():
    with EmbeddingServer(retry_after="1") as server:
        server.script.extend([503])
        reply = client(server).request("POST", "/embeddings", EMBED, SMALL_BODY, what="e")
    assert reply.status == 200
    assert len(server.times) == 2
    assert server.times[1] - server.times[0] >= 1.0


def test_every_try_failing_is_one_fault_with_the_last_failure():
    with EmbeddingServer() as server:
        server.script.extend([500, 502, 429])
        with pytest.raises(RecordedError) as caught:
            client(server).request("POST", "/embeddings", EMBED, SMALL_BODY, what="embeddings")
    assert (caught.value.kind, caught.value.args_) == (
        "gave_up",
        ("embeddings", "HTTP 429: scripted status 429", 3, False),
    )
    assert len(server.embed_requests) == 3


def test_nothing_listening_fails_at_once_or_after_every_try():
    url = free_port_url()
    fast = OpenAIClient(url, RecordingFaults(), retries=Retries(tries=3, backoff=0.01))
    started = time.monotonic()
    with pytest.raises(RecordedError) as caught:
        fast.request("GET", "/models", None, SMALL_BODY, what="the model list")
    assert caught.value.kind == "unreachable"
    assert time.monotonic() - started < 1
    fast.fail_fast = False  # e.g. the server answered before and is restarting
    with pytest.raises(RecordedError) as caught:
        fast.request("GET", "/models", None, SMALL_BODY, what="the model list")
    kind, (what, last, tries, connect) = caught.value.kind, caught.value.args_
    assert (kind, what, tries, connect) == ("gave_up", "the model list", 3, True)
    assert last.startswith("cannot connect (")


@pytest.mark.parametrize(
    ("fault", "detail"),
    [
        ("huge-declared", f"sent more than {SMALL_BODY:,} bytes (it announced 10,737,418,240)"),
        ("huge", f"sent more than {SMALL_BODY:,} bytes"),
    ],
)
def test_a_body_over_the_cap_is_abandoned(fault, detail):
    with EmbeddingServer() as server:
        server.script.append(fault)
        with pytest.raises(RecordedError) as caught:
            client(server).request("POST", "/embeddings", EMBED, SMALL_BODY, what="e")
    assert caught.value.args_ == (f"{server.url}/embeddings", detail, SMALL_BODY)


def test_a_timeout_before_the_answer_is_tried_again():
    with EmbeddingServer() as server:
        server.script.append("sleep:2")
        reply = client(server, timeout=0.5).request(
            "POST", "/embeddings", EMBED, SMALL_BODY, what="e"
        )
    assert reply.status == 200
    assert len(server.embed_requests) == 2


def test_a_stream_that_goes_silent_after_it_started_is_broken_not_retried():
    from tests.chat_faults import FaultyChatServer

    with FaultyChatServer(stream="silent") as server:
        http = OpenAIClient(server.url, RecordingFaults(), timeout=0.5)
        with (
            pytest.raises(RecordedError) as caught,
            http.open("POST", "/chat/completions", {}, what="chat") as response,
        ):
            http.read(response, SMALL_BODY)
    assert (caught.value.kind, caught.value.args_) == (
        "broken",
        (f"{server.url}/chat/completions", "sent nothing for 0.5 s", True),
    )


@pytest.mark.parametrize(
    ("url", "v1", "expected"),
    [
        ("http://localhost:8000/v1/", True, "http://localhost:8000/v1"),
        (" https://host/v1 ", True, "https://host/v1"),
        ("http://localhost:8000", True, None),
        ("http://localhost:8000", False, "http://localhost:8000"),
        ("ftp://host/v1", False, None),
        ("http://", False, None),
        ("http://[::1/v1", False, None),
        ("localhost:8000/v1", False, None),
    ],
)
def test_base_urls(url, v1, expected):
    assert check_base_url(url, v1=v1) == expected


def test_the_wait_grows_is_capped_and_yields_to_retry_after():
    retries = Retries(tries=5, backoff=1.0, max_wait=3.0)
    assert all(0 <= retries.wait(0, None) <= 1.0 for _ in range(50))
    assert all(0 <= retries.wait(4, None) <= 3.0 for _ in range(50))
    assert retries.wait(0, 2.5) == 2.5
    assert retries.wait(0, 60) == 3.0


# -- through the answer generator -----------------------------------------------------------


def test_the_generator_waits_out_a_429_then_streams_the_answer():
    with ChatServer(reply="Dust [1].") as server:
        server.script, server.retry_after = [429], "1"
        generator = OpenAIChatGenerator(server.url, model="m")
        started = time.monotonic()
        pieces = list(generator.stream(build_messages("q", []), 8))
    assert pieces == ["Dust", " [1]."]
    assert len(server.requests) == 2
    assert time.monotonic() - started >= 1.0


def test_the_generator_gives_up_after_three_tries_naming_the_last_answer():
    with ChatServer() as server:
        server.status = 503
        generator = OpenAIChatGenerator(server.url, model="m", retries=Retries(3, 0.01))
        with pytest.raises(GeneratorError) as caught:
            list(generator.stream(build_messages("q", []), 8))
    assert str(caught.value) == (
        f"{server.url}/chat/completions answered HTTP 503: the model is overloaded (3 tries); "
        "is the endpoint overloaded? Try again later."
    )
    assert len(server.requests) == 3
