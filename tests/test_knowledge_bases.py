"""The prototype path's public API on every store: create, add, search (filters, methods), open.

The deterministic fake embedder (tests/fakes.py) makes every score predictable: results are
checked against brute force over the same vectors, BM25 against the keyword index, and the
hybrid against reciprocal rank fusion of the two.
"""

from __future__ import annotations

import numpy as np
import pytest

import semsearch
from semsearch import InvalidArgumentError, Passage, StoreError, create_base, open_base
from semsearch.analysis.keywords import KeywordIndex
from semsearch.retrieval.knowledge_bases import FUSION_DEPTH
from tests.fakes import fake_embedder

STORES = [
    pytest.param("sqlite:{tmp}/sqlite", id="sqlite"),
    pytest.param("milvus:{tmp}/bases.db", id="milvus"),
]
TEXTS = [
    "apple banana cherry",
    "cherry date elderberry",
    "fig grape apple apple",
    "kiwi lemon mango",
    "apple kiwi",
]
DOCS: list[str | Passage] = [
    *TEXTS[:3],
    Passage(TEXTS[3], "b.md", "§ 1", metadata=(("lang", "en"),)),
    Passage(TEXTS[4], "a.md", "§ 2", metadata=(("lang", "zh"),)),
]


@pytest.fixture(params=STORES)
def base(request, tmp_path):
    embedder = fake_embedder()
    made = create_base("fruit", embedder, store=request.param.format(tmp=tmp_path))
    assert made.add(DOCS) == [0, 1, 2, 3, 4]
    return made


def brute_force(embedder, query, ids=None):
    texts = TEXTS if ids is None else [TEXTS[i] for i in ids]
    ids = list(range(len(TEXTS))) if ids is None else ids
    scores = embedder.encode_documents(texts) @ embedder.encode_queries([query], instruction="")[0]
    order = sorted(range(len(ids)), key=lambda i: (-scores[i], ids[i]))
    return [(ids[i], pytest.approx(float(scores[i]), abs=1e-6)) for i in order]


def found(hits):
    return [(hit.id, hit.score) for hit in hits]


def test_the_api_is_on_the_package_with_a_version():
    from importlib.metadata import version

    assert semsearch.__version__ == version("semsearch")
    for name in ("create_base", "open_base", "KnowledgeBase", "load_embedder", "__version__"):
        assert name in semsearch.__all__


def test_added_documents_keep_their_order_source_and_fields(base):
    assert len(base) == 5
    info = base.info
    assert (info.name, info.model, info.passages) == ("fruit", "fake-words", 5)
    rows = [p for chunk in base.store.rows("fruit") for p in chunk.passages]
    assert rows[:2] == [Passage(TEXTS[0], "", "line 1"), Passage(TEXTS[1], "", "line 2")]
    assert rows[3:] == DOCS[3:]


def test_model_search_is_brute_force_over_the_same_vectors(base):
    hits = base.search("apple kiwi", top_k=3, instruction="")
    assert found(hits) == brute_force(base.embedder, "apple kiwi")[:3]
    assert [hit.passage.text for hit in hits] == [TEXTS[i] for i, _ in found(hits)]


def test_a_threshold_and_a_filter_narrow_the_model_search(base):
    everything = brute_force(base.embedder, "apple kiwi")
    cut = float(everything[1][1].expected)
    kept = base.search("apple kiwi", top_k=5, threshold=cut, instruction="")
    assert found(kept) == everything[:2]
    filtered = base.search("apple kiwi", top_k=5, where={"lang": ["en", "zh"]}, instruction="")
    assert found(filtered) == brute_force(base.embedder, "apple kiwi", ids=[3, 4])
    assert found(base.search("apple", where={"source": "b.md"}, instruction="")) == [
        (3, pytest.approx(0.0, abs=1e-6))
    ]


def test_bm25_ranks_only_passages_sharing_a_term(base):
    hits = base.search("apple", top_k=5, method="bm25")
    expected = [h for h in KeywordIndex(TEXTS).search("apple", top_k=None) if h.score > 0]
    assert [(h.id, h.score) for h in hits] == [(h.index, h.score) for h in expected]
    assert {h.id for h in hits} == {0, 2, 4}
    assert base.search("zebra", method="bm25") == []
    only_a = base.search("apple", method="bm25", where={"source": "a.md"})
    assert [h.id for h in only_a] == [4]


def test_hybrid_is_the_fusion_of_both_rankings(base):
    model = [h.id for h in base.search("apple kiwi", top_k=FUSION_DEPTH, instruction="")]
    bm25 = [h.id for h in base.search("apple kiwi", top_k=FUSION_DEPTH, method="bm25")]
    fused = semsearch.reciprocal_rank_fusion([model, bm25], top_k=3)
    hits = base.search("apple kiwi", top_k=3, method="hybrid", instruction="")
    assert [(h.id, h.score) for h in hits] == [(f.index, f.score) for f in fused]
    assert hits[0].id == 4  # first in both rankings
    assert hits[0].score == pytest.approx(2 / 61)


def test_reopened_it_searches_alike_with_the_same_model_only(base):
    again = open_base("fruit", fake_embedder(), store=base.store)
    assert len(again) == 5
    assert found(again.search("fig", instruction="")) == found(base.search("fig", instruction=""))
    other = fake_embedder()
    other.name = "another-model"
    with pytest.raises(StoreError, match=r"'fruit' was encoded by fake-words"):
        open_base("fruit", other, store=base.store)
    with pytest.raises(StoreError):
        open_base("no such base", fake_embedder(), store=base.store)


def test_adding_known_texts_encodes_nothing_again(base):
    runtime = base.embedder.engine.runtime
    before = runtime.encoded_rows
    assert base.add([TEXTS[0], "brand new words"]) == [5, 6]
    assert runtime.encoded_rows == before + 1
    assert base.add([]) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (
            lambda b: b.search("q", method="semantic"),
            "Unknown search method 'semantic'; use model, bm25, hybrid.",
        ),
        (lambda b: b.search("q", top_k=0), "top_k must be at least 1, got 0."),
        (lambda b: b.add(["fine", "  "]), "Document 2 is empty; give it some text."),
        (lambda b: b.search("q", where={"text": "x"}), "Cannot filter on 'text'"),
    ],
)
def test_bad_calls_are_messages(base, call, message):
    with pytest.raises(InvalidArgumentError) as caught:
        call(base)
    assert str(caught.value).startswith(message)


def test_a_taken_name_needs_replace(tmp_path):
    uri = f"sqlite:{tmp_path}/s"
    create_base("kb", fake_embedder(), store=uri).add(["one"])
    with pytest.raises(StoreError):
        create_base("kb", fake_embedder(), store=uri)
    assert len(create_base("kb", fake_embedder(), store=uri, replace=True)) == 0


def test_opening_without_an_embedder_loads_the_model_that_made_it(tmp_path, bundled):
    uri = f"sqlite:{tmp_path}/s"
    create_base("faq", bundled, store=uri).add(["Oranges are rich in vitamin C."])
    reopened = open_base("faq", store=uri, device="cpu")
    assert (reopened.embedder.name, reopened.embedder.dim) == (bundled.name, 384)
    hit = reopened.search("Which fruit has vitamin C?")[0]
    expected = (
        bundled.encode_queries(["Which fruit has vitamin C?"])[0]
        @ bundled.encode_documents(["Oranges are rich in vitamin C."])[0]
    )
    assert hit.score == pytest.approx(float(np.float32(expected)), abs=1e-5)
