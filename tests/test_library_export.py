"""Saving and reopening bases with their model, and exporting results and vectors."""

import io
import json
import zipfile

import numpy as np
import pytest

from semsearch import load_embedder
from semsearch.documents.chunking import Passage
from semsearch.encoding.vector_cache import VectorCache
from semsearch.retrieval.export import (
    ResultRow,
    results_csv,
    results_json,
    vectors_npz,
    vectors_parquet,
)
from semsearch.retrieval.library import embedder_for, mismatch, model_spec, open_base, save_base
from semsearch.retrieval.search import run_search
from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore, StoreError

PASSAGES = [
    Passage("Hold the reset button for ten seconds.", "manual.pdf", "page 2 · ¶ 1"),
    Passage(
        "Pricing › Warranty\nThe warranty lasts two years.", "faq.md", "§ 3", "Pricing › Warranty"
    ),
    Passage("Oranges contain plenty of vitamin C.", "fruit.csv", "row 1", "", (("price", "2€"),)),
]


def test_a_reopened_base_is_searched_without_encoding(tmp_path, bundled):
    store = KnowledgeBaseStore(tmp_path)
    info = save_base(
        store,
        "kb",
        bundled.with_options(dim=128),
        PASSAGES,
        VectorCache(),
        settings={"chunk": "paragraph"},
    )
    assert (info.model_spec, info.dim, info.native_dim, info.passages) == ("bundled", 128, 384, 3)
    fresh = VectorCache()  # another day, another process: nothing cached
    saved = open_base(store, "kb", bundled, fresh)
    assert saved.passages == PASSAGES
    run = run_search(
        bundled.with_options(dim=128), fresh, [p.text for p in PASSAGES], "how do I reset it?"
    )
    assert run.encoded == 0
    assert run.texts[int(np.argmax(run.kb_embeddings @ run.query_vector))] == PASSAGES[0].text


def test_vectors_of_another_model_are_never_mixed_in(tmp_path, bundled, tiny_qwen3):
    store = KnowledgeBaseStore(tmp_path)
    save_base(store, "kb", bundled, PASSAGES, VectorCache())
    other = load_embedder(str(tiny_qwen3), device="cpu")
    cache = VectorCache()
    with pytest.raises(
        StoreError,
        match=r"'kb' was encoded by sentence-transformers/all-MiniLM-L6-v2 \(384 dimensions, 256-token cap\)",
    ):
        open_base(store, "kb", other, cache)
    assert len(cache) == 0
    assert (
        mismatch(store.info("kb"), bundled.with_options(max_length=64)) is not None
    )  # another cap
    assert (
        mismatch(store.info("kb"), bundled.with_options(dim=64)) is None
    )  # a smaller output is fine


def test_embedder_for_loads_the_model_that_made_the_base(tmp_path, bundled):
    store = KnowledgeBaseStore(tmp_path)
    save_base(store, "kb", bundled.with_options(dim=256), PASSAGES, VectorCache())
    again = embedder_for(store.info("kb"), device="cpu")
    assert (again.name, again.dim, again.max_length) == (bundled.name, 256, 256)
    assert model_spec(bundled) == "bundled"


ROWS = [
    ResultRow(1, 2, 'Oranges, 橙子 "juicy"', 0.7443, "", "line 1"),
    ResultRow(2, 0, "Reset", 0.41, "manual.pdf", "page 2"),
    ResultRow(3, 5, "名称: 路由器", 0.4, "prices.csv", "row 2", "", (("价格", "299元"),)),
]


def test_results_csv_and_json():
    text = results_csv(ROWS).decode("utf-8")
    assert text.startswith("\ufeffrank,index,text,score,source,place,heading,metadata\r\n")
    assert '1,2,"Oranges, 橙子 ""juicy""",0.7443,,line 1,,{}' in text
    assert '3,5,名称: 路由器,0.4,prices.csv,row 2,,"{""价格"": ""299元""}"' in text
    payload = json.loads(results_json(ROWS, query="fruit?", model="m"))
    assert payload["query"] == "fruit?"
    assert payload["results"][1] == {
        "rank": 2,
        "index": 0,
        "text": "Reset",
        "score": 0.41,
        "source": "manual.pdf",
        "place": "page 2",
        "heading": "",
        "metadata": {},
    }
    assert payload["results"][2]["metadata"] == {"价格": "299元"}


def test_vectors_travel_with_their_texts():
    vectors = np.random.default_rng(0).normal(size=(3, 4)).astype(np.float32)
    with zipfile.ZipFile(io.BytesIO(vectors_npz(PASSAGES, vectors))) as bundle:
        np.testing.assert_array_equal(np.load(io.BytesIO(bundle.read("vectors.npy"))), vectors)
        lines = [json.loads(line) for line in bundle.read("passages.jsonl").decode().splitlines()]
    assert [(row["index"], row["text"], row["source"]) for row in lines] == [
        (i, p.text, p.source) for i, p in enumerate(PASSAGES)
    ]

    import pyarrow.parquet as pq

    table = pq.read_table(io.BytesIO(vectors_parquet(PASSAGES, vectors)))
    assert table.column("text").to_pylist() == [p.text for p in PASSAGES]
    assert table.column("place").to_pylist() == [p.place for p in PASSAGES]
    assert table.column("heading").to_pylist() == [p.heading for p in PASSAGES]
    assert [json.loads(m) for m in table.column("metadata").to_pylist()] == [
        p.fields for p in PASSAGES
    ]
    assert [(row["heading"], row["metadata"]) for row in lines] == [
        (p.heading, p.fields) for p in PASSAGES
    ]
    np.testing.assert_array_equal(
        np.array(table.column("vector").to_pylist(), dtype=np.float32), vectors
    )
    with pytest.raises(ValueError, match="3 passages but vectors of shape"):
        vectors_npz(PASSAGES, vectors[:2])


def test_exported_results_keep_each_passages_origin():
    from semsearch.retrieval.export import result_rows
    from semsearch.retrieval.ranking import Hit

    passages = [
        Passage("typed line", "", "line 1"),
        Passage(
            "Pricing\nStudents pay half.",
            "faq.md",
            "§ 2 · ¶ 1",
            heading="Pricing",
            metadata=(("lang", "en"),),
        ),
        Passage("Hold reset for ten seconds.", "manual.pdf", "page 3 · ¶ 2"),
    ]
    texts = [p.text for p in passages]
    rows = result_rows([Hit(2, 0.8), Hit(1, 0.6), Hit(0, 0.5)], texts, passages)
    assert [(r.rank, r.index, r.source, r.place, r.heading, r.metadata) for r in rows] == [
        (1, 2, "manual.pdf", "page 3 · ¶ 2", "", ()),
        (2, 1, "faq.md", "§ 2 · ¶ 1", "Pricing", (("lang", "en"),)),
        (3, 0, "", "line 1", "", ()),
    ]
    data = results_csv(rows).decode("utf-8-sig").splitlines()
    assert data[1].startswith("1,2,Hold reset for ten seconds.,0.8,manual.pdf,page 3 · ¶ 2")
    # Passages that do not belong to these texts never lend their origin to a result.
    assert result_rows([Hit(0, 0.5)], ["another text"], passages)[0].source == ""
