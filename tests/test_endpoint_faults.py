"""The answer endpoint misbehaving: each fault is one GeneratorError, never a traceback or a hang.

A real server on loopback (tests/chat_faults.py) plays each fault; the generator must turn
it into a message naming the URL, within the time limits it was given.
"""

import time

import pytest
from streamlit.testing.v1 import AppTest

from semsearch.answers.generation import (
    GeneratorError,
    OpenAIChatGenerator,
    build_messages,
    generator_from_env,
)
from semsearch.cli import main

from .chat_faults import FaultyChatServer, event
from .helpers import workbench

MESSAGES = build_messages("q", [])


@pytest.mark.parametrize(
    "value", ["not a url", "localhost:8000/v1", "ftp://host/v1", "http://", "http://[::1/v1", "/v1"]
)
def test_a_base_url_that_is_not_a_url_is_a_message(monkeypatch, value):
    monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", value)
    with pytest.raises(GeneratorError) as caught:
        generator_from_env("cpu", "fp32")
    assert str(caught.value).startswith(f"SEMSEARCH_LLM_BASE_URL={value!r} is not an http(s) URL")


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html>Welcome</html>", "did not answer JSON (it sent '<html>Welcome</html>')"),
        (b'{"data": [{"id": "\xff\xfe"}]}', "did not answer JSON"),
        (b"", "did not answer JSON"),
        (b"[]", 'does not list models as {"data": [{"id": "..."}]}'),
        (b"null", "does not list models"),
        (b'"text"', "does not list models"),
        (b'{"data": {"id": "m"}}', "does not list models"),
        (b'{"data": [1, 2]}', "does not list models"),
        (b'{"data": [{"id": 3}]}', "does not list models"),
        (b'{"data": [{"name": "m"}]}', "does not list models"),
        (b'{"data": []}', "lists no model; set SEMSEARCH_LLM."),
        (b'{"data": [{"id": "  "}]}', "lists no model; set SEMSEARCH_LLM."),
        (b"{" + b" " * (2 << 20) + b"}", "sent more than 1,048,576 bytes"),
    ],
)
def test_odd_model_listings_are_messages(body, expected):
    with FaultyChatServer(models=body) as server, pytest.raises(GeneratorError) as caught:
        OpenAIChatGenerator(server.url)
    assert str(caught.value).startswith(f"{server.url}/models ")
    assert expected in str(caught.value)


@pytest.mark.parametrize(
    ("stream", "expected"),
    [
        (b"data: [1, 2]\n\n", "sent an event that is not a chat.completion.chunk: '[1, 2]'"),
        (b'data: "text"\n\n', "not a chat.completion.chunk"),
        (b'data: {"choices": "abc"}\n\n', "not a chat.completion.chunk"),
        (b'data: {"choices": [1]}\n\n', "not a chat.completion.chunk"),
        (b'data: {"choices": [{"delta": [1]}]}\n\n', "not a chat.completion.chunk"),
        (event(5), "not a chat.completion.chunk"),
        (event({"text": "x"}), "not a chat.completion.chunk"),
        (b"data: Hello there\n\n", "sent an unreadable event: 'Hello there'"),
        (event("ok") + b'data: {"choices": [{"delta": {"content": "\xff"}}]}\n\n', "not UTF-8"),
        (b'data: {"error": {"message": "out of memory"}}\n\n', "failed while answering: out of"),
    ],
)
def test_odd_streams_are_messages(stream, expected):
    with FaultyChatServer(stream=stream) as server:
        generator = OpenAIChatGenerator(server.url)
        with pytest.raises(GeneratorError) as caught:
            list(generator.stream(MESSAGES, 8))
    assert str(caught.value).startswith(f"{server.url}/chat/completions ")
    assert expected in str(caught.value)


def test_a_well_formed_stream_with_comments_and_empty_deltas_is_read():
    stream = b": hello\n\nevent: x\n" + event("A") + event(None) + event("B") + b"data: [DONE]\n\n"
    with FaultyChatServer(stream=stream) as server:
        assert list(OpenAIChatGenerator(server.url).stream(MESSAGES, 8)) == ["A", "B"]


def timed_failure(
    stream: str, timeout: float = 120, max_seconds: float = 900
) -> tuple[str, float, FaultyChatServer]:
    with FaultyChatServer(stream=stream) as server:
        generator = OpenAIChatGenerator(server.url, timeout=timeout, max_seconds=max_seconds)
        start = time.monotonic()
        with pytest.raises(GeneratorError) as caught:
            list(generator.stream(MESSAGES, 8))
        return str(caught.value), time.monotonic() - start, server


def test_keep_alive_lines_forever_hit_the_idle_limit():
    message, took, _ = timed_failure("keepalive", timeout=0.5)
    assert message.endswith(
        "sent no text for 0.5 s (only keep-alive lines); is the endpoint overloaded?"
    )
    assert 0.5 <= took < 5


def test_an_endless_answer_hits_the_total_cap():
    message, took, _ = timed_failure("pieces", timeout=5, max_seconds=1)
    assert "was still answering after 1 s; the answer is cut there" in message
    assert 1 <= took < 5


def test_a_silent_endpoint_hits_the_read_timeout():
    message, took, _ = timed_failure("silent", timeout=0.5)
    assert message.endswith("sent nothing for 0.5 s; is the endpoint overloaded?")
    assert took < 5


def test_a_300_mb_line_is_refused_after_a_megabyte():
    message, _, server = timed_failure("longline")
    assert "sent a line of more than 1,048,576 bytes" in message
    assert server.sent < 50_000_000  # the client stopped reading: it never held the line whole


@pytest.fixture
def saved_base(tmp_path, capsys):
    (tmp_path / "notes.md").write_text("To reset the router, hold the button.\n", encoding="utf-8")
    assert main(["index", str(tmp_path / "notes.md"), "--name", "docs", "--model", "bundled"]) == 0
    capsys.readouterr()


@pytest.mark.parametrize("stream", [b"data: [1, 2]\n\n", "keepalive"])
def test_cli_ask_prints_one_line_and_exits_1(saved_base, capsys, monkeypatch, stream):
    with FaultyChatServer(stream=stream) as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        monkeypatch.setattr(OpenAIChatGenerator, "__init__", limited_init(timeout=0.5))
        code = main(["ask", "--name", "docs", "--query", "reset the router", "--threshold", "0"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith(f"semsearch: error: {server.url}/chat/completions ")
    assert err.count("\n") == 1


def test_cli_ask_with_a_base_url_that_is_not_one(saved_base, capsys, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", "localhost:8000")
    code = main(["ask", "--name", "docs", "--query", "reset the router", "--threshold", "0"])
    _, err = capsys.readouterr()
    assert (code, err.count("\n")) == (1, 1)
    assert err.startswith("semsearch: error: SEMSEARCH_LLM_BASE_URL='localhost:8000' is not")


def test_page_shows_an_endpoint_fault_as_a_message(monkeypatch):
    with FaultyChatServer(stream=b"data: [1, 2]\n\n") as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
        at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
        at.text_area(key="kb_text").input("To reset the router, hold the button.").run()
        at.text_input(key="query").set_value("reset the router")
        at = at.button(key="search").click().run()
        at = at.slider(key="threshold").set_value(0.0).run()
        at = at.button(key="answer").click().run()
    assert not at.exception
    errors = [e.value for e in at.main.error]
    assert len(errors) == 1
    assert errors[0].startswith(f"No answer: `{server.url}/chat/completions sent an event that")
    assert at.text_input(key="query").value == "reset the router"  # the question stays


def limited_init(**limits: float):
    """``OpenAIChatGenerator.__init__`` with test-sized time limits (the CLI has no option)."""
    original = OpenAIChatGenerator.__init__

    def init(self, *args, **kwargs):
        original(self, *args, **{**kwargs, **limits})

    return init
