"""The user's query instruction reaches the model on every path a query takes.

Dropping it costs Qwen3 1-5% retrieval quality and nobody would see it: the scores just get
a little worse. So each path is checked on what the model was given (the fake runtime
records every batch of token ids) or, on the real tiny Qwen3, against sentence-transformers
encoding the query with the same prompt.
"""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from semsearch.cli import main
from semsearch.documents.chunking import Passage
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.library import save_base, search_base
from semsearch.retrieval.search import run_base_search, run_search
from semsearch.retrieval.stores import open_store

from .fakes import fake_embedder
from .helpers import workbench

KB = ["apples are fruit", "oranges have vitamin c", "the stock market fell"]
TASK = "Find fruit facts"


def model_inputs(embedder) -> list[list[int]]:
    """Every row of token ids the fake model was asked to encode, in order."""
    return [row for batch in embedder.engine.runtime.batches for row in batch]


def ids_of(embedder, text: str) -> list[int]:
    return embedder.engine.runtime.tokenize([text], 64).ids[0]


def test_run_search_encodes_the_query_with_the_users_task():
    embedder = fake_embedder()
    run = run_search(embedder, VectorCache(), KB, "apples", instruction=TASK)
    assert model_inputs(embedder)[-1] == ids_of(embedder, f"Instruct: {TASK}\nQuery:apples")
    expected = embedder.encode_queries(["apples"], instruction=TASK)[0]
    np.testing.assert_array_equal(run.query_vector, expected)
    assert not np.array_equal(run.query_vector, embedder.encode_queries(["apples"])[0])


def test_the_default_task_and_no_task_reach_the_model_as_such():
    embedder, cache = fake_embedder(), VectorCache()
    run_search(embedder, cache, KB, "apples")
    assert model_inputs(embedder)[-1] == ids_of(embedder, f"Instruct: {DEFAULT_TASK}\nQuery:apples")
    run_search(embedder, cache, KB, "apples", instruction="")
    assert model_inputs(embedder)[-1] == ids_of(embedder, "apples")


def test_saved_base_searches_encode_the_query_with_the_users_task(tmp_path):
    embedder, cache = fake_embedder(), VectorCache()
    store = open_store(f"sqlite:{tmp_path}")
    save_base(store, "fruit", embedder, [Passage(text, "kb.txt", "") for text in KB], cache)
    expected = ids_of(embedder, f"Instruct: {TASK}\nQuery:apples")
    run = run_base_search(embedder, store, "fruit", "apples", instruction=TASK)
    assert model_inputs(embedder)[-1] == expected
    np.testing.assert_array_equal(
        run.query_vector, embedder.encode_queries(["apples"], instruction=TASK)[0]
    )
    search_base(store, "fruit", embedder, "apples", top_k=3, instruction=TASK)
    assert model_inputs(embedder)[-1] == expected


@pytest.fixture(scope="module")
def reference(tiny_qwen3):
    """sentence-transformers' vectors on the tiny Qwen3: documents bare, query with TASK."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(tiny_qwen3), device="cpu")
    documents = model.encode_document(KB, normalize_embeddings=True)
    query = model.encode("apples", prompt=f"Instruct: {TASK}\nQuery:", normalize_embeddings=True)
    return documents, query


def test_cli_search_encodes_the_query_with_the_instruction_given(tiny_qwen3, reference, tmp_path,
                                                                 capsys):  # fmt: skip
    kb = tmp_path / "kb.txt"
    kb.write_text("\n".join(KB), encoding="utf-8")
    argv = ["search", "--kb", str(kb), "--model", str(tiny_qwen3), "--query", "apples"]
    assert main([*argv, "--instruction", TASK, "--threshold", "-1", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    documents, query = reference
    expected = documents @ query
    assert {row["index"]: row["score"] for row in rows} == pytest.approx(
        dict(enumerate(expected.tolist())), abs=1e-5
    )


def test_page_encodes_the_query_with_the_instruction_typed(tiny_qwen3, reference, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", str(tiny_qwen3))
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    at.text_area(key="kb_text").input("\n".join(KB)).run()
    at.text_area(key="instruction").input(TASK).run()
    at.text_input(key="query").set_value("apples")
    at = at.button(key="search").click().run()
    assert not at.exception
    run = at.session_state["run"]
    assert run.query_input == f"Instruct: {TASK}\nQuery:apples"
    np.testing.assert_allclose(run.query_vector, reference[1], atol=1e-5, rtol=0)
