"""On the default settings every score shown is sentence-transformers' own fp32 score.

The reference is ``SentenceTransformer(folder).encode(...)`` on the same folder, computed here
(and, for the bundled model, the published quickstart figures, FACTS.md). Each way a user
sees a score is checked: the API, the command line (``search --json``) and the page.
"""

import json

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from semsearch import load_embedder
from semsearch.cli import main
from semsearch.encoding.model_source import bundled_folder
from semsearch.encoding.precision import describe_precision, precision_note
from semsearch.page.words import t_in

from .helpers import workbench

WEATHER = "The weather is lovely today."
SUNNY = "It's so sunny outside!"
STADIUM = "He drove to the stadium."
SENTENCES = [WEATHER, SUNNY, STADIUM]
PUBLISHED = {(WEATHER, SUNNY): 0.6660, (WEATHER, STADIUM): 0.1046, (SUNNY, STADIUM): 0.1411}
"""sentence-transformers' quickstart: cosine similarities of the three sentences in fp32."""


@pytest.fixture(scope="module")
def reference() -> dict[tuple[str, str], float]:
    """sentence-transformers' own fp32 cosine of each pair, computed on the bundled folder."""
    from sentence_transformers import SentenceTransformer

    model = SentenceTransformer(str(bundled_folder()), device="cpu")
    vectors = model.encode(SENTENCES)
    similarity = np.asarray(model.similarity(vectors, vectors))
    return {
        (SENTENCES[i], SENTENCES[j]): float(similarity[i, j])
        for i in range(3)
        for j in range(i + 1, 3)
    }


def assert_exact(ours: dict[tuple[str, str], float], reference: dict) -> None:
    """Equal to 4 decimals as printed, and to float32 rounding underneath."""
    assert {pair: f"{score:.4f}" for pair, score in ours.items()} == {
        pair: f"{score:.4f}" for pair, score in reference.items()
    }
    assert all(abs(ours[pair] - reference[pair]) < 1e-6 for pair in reference)


def test_the_reference_is_the_published_one(reference):
    assert {pair: round(score, 4) for pair, score in reference.items()} == PUBLISHED


def test_api_scores_equal_sentence_transformers(reference):
    embedder = load_embedder("bundled", device="cpu")  # default precision
    assert embedder.dtype == "fp32"
    vectors = embedder.encode_documents(SENTENCES)
    queries = embedder.encode_queries(SENTENCES)
    ours = {(a, b): float(vectors[SENTENCES.index(b)] @ queries[SENTENCES.index(a)])
            for a, b in reference}  # fmt: skip
    assert_exact(ours, reference)


def test_cli_json_scores_equal_sentence_transformers(reference, tmp_path, capsys):
    ours = {}
    for query in (WEATHER, SUNNY):
        others = SENTENCES[SENTENCES.index(query) + 1 :]
        kb = tmp_path / "kb.txt"
        kb.write_text("\n".join(others), encoding="utf-8")
        argv = ["search", "--kb", str(kb), "--query", query, "--model", "bundled"]
        assert main([*argv, "--threshold", "-1", "--json"]) == 0
        for row in json.loads(capsys.readouterr().out):
            ours[(query, row["text"])] = row["score"]
    assert_exact(ours, reference)


def test_cli_names_the_precision_next_to_the_scores(tmp_path, capsys):
    kb = tmp_path / "kb.txt"
    kb.write_text(f"{SUNNY}\n{STADIUM}\n", encoding="utf-8")
    assert main(["search", "--kb", str(kb), "--query", WEATHER, "--model", "bundled"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"  1  0.6660  [0] {SUNNY}"
    assert lines[-1] == f"({describe_precision('fp32', 'cpu')})"
    assert "as sentence-transformers computes them" in lines[-1]


def test_page_shows_sentence_transformers_scores(reference, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    at = workbench(AppTest.from_file("../app.py", default_timeout=120)).run()
    at.text_area(key="kb_text").input(f"{SUNNY}\n{STADIUM}").run()
    at.slider(key="threshold").set_value(0.0).run()
    at.text_input(key="query").set_value(WEATHER)
    at = at.button(key="search").click().run()
    assert not at.exception
    headers = [m.value for m in at.main.markdown if m.value.startswith("#")]
    shown = [header.split("**")[1] for header in headers]
    expected = [reference[(WEATHER, SUNNY)], reference[(WEATHER, STADIUM)]]
    assert shown == [f"{score:.4f}" for score in expected] == ["0.6660", "0.1046"]
    assert t_in("en", "precision_exact") in [c.value for c in at.main.caption]


@pytest.mark.parametrize(
    ("dtype", "device", "note"),
    [("fp32", "cpu", "exact"), ("fp32", "cuda", "exact"), ("bf16", "cuda:0", "half_gpu"),
     ("bf16", "cpu", "half_cpu"), ("fp16", "cpu", "half_cpu"),
     ("server", "http://localhost:8000/v1", "server")],
)  # fmt: skip
def test_each_precision_is_named_in_both_languages(dtype, device, note):
    assert precision_note(dtype, device) == note
    for lang in ("en", "zh"):
        text = t_in(lang, f"precision_{note}", dtype=dtype, device=device)
        assert "{" not in text
        if note.startswith("half"):
            assert dtype in text
            assert "0.005" in text


def test_tiny_qwen3_equals_sentence_transformers_query_and_document(tiny_qwen3):
    from sentence_transformers import SentenceTransformer

    texts = ["Oranges contain plenty of vitamin C.", "香蕉富含钾元素", "x", WEATHER * 6]
    queries = ["which fruit has vitamin C?", "fox"]
    ours = load_embedder(str(tiny_qwen3), device="cpu")  # default precision
    assert ours.dtype == "fp32"
    model = SentenceTransformer(str(tiny_qwen3), device="cpu")
    theirs_docs = model.encode_document(texts, normalize_embeddings=True)
    theirs_queries = model.encode_query(queries, normalize_embeddings=True)
    docs, asked = ours.encode_documents(texts), ours.encode_queries(queries)
    np.testing.assert_allclose(docs, theirs_docs, atol=1e-5, rtol=0)
    np.testing.assert_allclose(asked, theirs_queries, atol=1e-5, rtol=0)
    np.testing.assert_allclose(asked @ docs.T, theirs_queries @ theirs_docs.T, atol=1e-5, rtol=0)
