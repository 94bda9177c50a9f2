"""Answers with citations and the reranker, on a tiny random chat model and a loopback endpoint."""

import numpy as np
import pytest
import torch
from transformers import AutoModelForCausalLM, AutoTokenizer

from semsearch.answers.generation import (
    NO_EVIDENCE,
    SYSTEM_PROMPT,
    Citation,
    GeneratorError,
    OpenAIChatGenerator,
    TransformersGenerator,
    answer_stream,
    build_messages,
    cited_numbers,
    generator_from_env,
)
from semsearch.answers.reranker import PREFIX, SUFFIX, Reranker, pair_text
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.encoding.twins import build_chat_twin
from semsearch.errors import ModelLoadError

from .helpers import ChatServer

CITATIONS = [
    Citation(1, 4, "Dust in the charging port causes a poor connection.", 0.47, "support.md · ¶ 1"),
    Citation(2, 9, "A worn-out battery drains much faster.", 0.21, ""),
]


@pytest.fixture(scope="module")
def chat_twin(tmp_path_factory):
    return build_chat_twin(tmp_path_factory.mktemp("chat"))


def test_messages_number_the_passages():
    messages = build_messages("My phone won't charge", CITATIONS)
    assert messages[0] == {"role": "system", "content": SYSTEM_PROMPT}
    assert messages[1]["content"] == (
        "Passages:\n[1] Dust in the charging port causes a poor connection.\n\n"
        "[2] A worn-out battery drains much faster.\n\nQuestion: My phone won't charge"
    )


@pytest.mark.parametrize(
    ("answer", "cited"),
    [
        ("Dust [1]. Also [2][1].", [1, 2]),
        ("See [2, 1] and [7].", [2, 1]),
        ("No citation.", []),
        ("[0] [3]", []),
    ],
)
def test_cited_numbers(answer, cited):
    assert cited_numbers(answer, available=2) == cited


def test_no_evidence_means_no_generator():
    def never():
        raise AssertionError("the generator must not be created without evidence")

    assert "".join(answer_stream("q", [], never)) == NO_EVIDENCE


def test_local_model_streams_its_greedy_answer(chat_twin):
    generator = TransformersGenerator.load(str(chat_twin), device="cpu", dtype="fp32")
    messages = build_messages("My phone won't charge", CITATIONS)
    pieces = list(generator.stream(messages, max_new_tokens=12))
    tokenizer = AutoTokenizer.from_pretrained(chat_twin)
    model = AutoModelForCausalLM.from_pretrained(chat_twin)
    inputs = tokenizer.apply_chat_template(
        messages, add_generation_prompt=True, return_tensors="pt", return_dict=True
    )
    with torch.no_grad():
        out = model.generate(**inputs, max_new_tokens=12, do_sample=False)
    expected = tokenizer.decode(out[0, inputs["input_ids"].shape[1] :], skip_special_tokens=True)
    assert "".join(pieces) == expected


def test_a_model_without_chat_template_is_refused(tiny_qwen3):
    with pytest.raises(ModelLoadError, match="no chat template"):
        TransformersGenerator.load(str(tiny_qwen3), device="cpu", dtype="fp32")


def test_endpoint_streams_and_is_sent_the_passages():
    with ChatServer(reply="Dust in the port [1].") as server:
        generator = OpenAIChatGenerator(server.url)
        assert generator.name == "test-llm"  # the endpoint's first model
        pieces = list(
            answer_stream("My phone won't charge", CITATIONS, lambda: generator, max_new_tokens=64)
        )
    assert pieces == ["Dust", " in", " the", " port", " [1]."]
    sent = server.requests[0]
    assert (sent["model"], sent["stream"], sent["max_tokens"], sent["temperature"]) == (
        "test-llm",
        True,
        64,
        0,
    )
    assert sent["messages"] == build_messages("My phone won't charge", CITATIONS)


def test_endpoint_errors_are_messages():
    with ChatServer() as server:
        server.status = 503
        generator = OpenAIChatGenerator(server.url, model="m")
        with pytest.raises(GeneratorError, match=r"answered HTTP 503: .*overloaded"):
            list(generator.stream(build_messages("q", CITATIONS), 8))
        port_url = server.url
    with pytest.raises(GeneratorError, match=r"Cannot reach http://127\.0\.0\.1"):
        OpenAIChatGenerator(port_url)  # the server is gone now


def test_environment_picks_the_endpoint(monkeypatch):
    with ChatServer() as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        monkeypatch.setenv("SEMSEARCH_LLM", "chosen-model")
        generator = generator_from_env("cpu", "fp32")
    assert isinstance(generator, OpenAIChatGenerator)
    assert generator.name == "chosen-model"


def test_environment_model_that_is_missing_is_a_load_error(monkeypatch):
    monkeypatch.delenv("SEMSEARCH_LLM_BASE_URL", raising=False)
    monkeypatch.setenv("SEMSEARCH_LLM", "./no-such-llm")
    with pytest.raises(ModelLoadError, match="no such folder"):
        generator_from_env("cpu", "fp32")


def reference_yes(folder, query, document):
    """P(yes) by hand: the card's prompt, one sequence, the last position's yes/no logits."""
    tokenizer = AutoTokenizer.from_pretrained(folder)
    model = AutoModelForCausalLM.from_pretrained(folder)
    ids = (
        tokenizer(PREFIX, add_special_tokens=False)["input_ids"]
        + tokenizer(pair_text(query, document), add_special_tokens=False)["input_ids"]
        + tokenizer(SUFFIX, add_special_tokens=False)["input_ids"]
    )
    with torch.no_grad():
        logits = model(input_ids=torch.tensor([ids])).logits[0, -1]
    pair = torch.stack(
        [
            logits[tokenizer.convert_tokens_to_ids("no")],
            logits[tokenizer.convert_tokens_to_ids("yes")],
        ]
    )
    return float(torch.softmax(pair, dim=0)[1])


def test_reranker_scores_are_the_cards_yes_probability(chat_twin):
    reranker = Reranker.load(str(chat_twin), device="cpu", dtype="fp32")
    documents = [
        "Dust in the charging port.",
        "x",
        "A worn-out battery drains much faster than a new one, really.",
    ]
    scores = reranker.score("My phone won't charge", documents, batch_size=2)
    expected = [reference_yes(chat_twin, "My phone won't charge", d) for d in documents]
    np.testing.assert_allclose(scores, expected, atol=1e-5)
    assert np.all((scores > 0) & (scores < 1))
    assert "<Instruct>: " + DEFAULT_TASK in pair_text("q", "d")


def test_reranker_keeps_the_answer_position_when_cutting(chat_twin):
    reranker = Reranker.load(str(chat_twin), device="cpu", dtype="fp32")
    reranker.max_length = len(reranker.prefix_ids) + len(reranker.suffix_ids) + 5
    ids = reranker._ids("q", "a very long document " * 50, DEFAULT_TASK)
    assert len(ids) == reranker.max_length
    assert ids[-len(reranker.suffix_ids) :] == reranker.suffix_ids


def test_reranker_needs_yes_and_no_tokens(tiny_qwen3):
    with pytest.raises(ModelLoadError, match='no single "yes" and "no" tokens'):
        Reranker.load(str(tiny_qwen3), device="cpu", dtype="fp32")
