"""Real semantics from the bundled all-MiniLM-L6-v2: the right lines for real questions."""

import numpy as np
import pytest

from semsearch import load_embedder, rank
from semsearch.documents.knowledge_base import parse_lines
from semsearch.page.samples import sample

FRUIT = parse_lines(sample("en_fruit").text)
SUPPORT = parse_lines(sample("en_support").text)


@pytest.mark.parametrize(
    ("kb", "query", "expected"),
    [
        (FRUIT, "Which fruit has a lot of vitamin C?", "Oranges contain plenty of vitamin C."),
        (FRUIT, "What should I eat to keep my blood pressure in check?", FRUIT[1]),
        (FRUIT, "something refreshing for a hot day", FRUIT[3]),
        (FRUIT, "Which fruit can you make wine from?", "Grapes can be fermented into wine."),
        (FRUIT, "When did the first iPhone come out?", "Apple released the first iPhone in 2007."),
        (SUPPORT, "My phone won't charge", SUPPORT[0]),
        (
            SUPPORT,
            "When will I get my money back?",
            "Refunds reach your account within 5 working days.",
        ),
        (SUPPORT, "Where is my package?", SUPPORT[4]),
        (SUPPORT, "I dropped my phone and the glass broke", SUPPORT[10]),
        (SUPPORT, "internet keeps disconnecting", SUPPORT[2]),
    ],
)
def test_the_meaning_wins(bundled, kb, query, expected):
    matrix = bundled.encode_documents(kb)
    hits = rank(bundled.encode_queries([query])[0], matrix, top_k=3)
    assert kb[hits[0].index] == expected


def test_phone_charging_is_found_without_a_shared_keyword(bundled):
    # The seeds' lesson: "won't charge" shares no word with "dust in the charging port"
    # except a stem, and it still ranks first, above every unrelated line by a margin.
    matrix = bundled.encode_documents(SUPPORT)
    hits = rank(bundled.encode_queries(["phone not charging"])[0], matrix, top_k=None)
    assert SUPPORT[hits[0].index] == SUPPORT[0]
    assert hits[0].score - hits[2].score > 0.1


def test_unrelated_query_scores_low(bundled):
    matrix = bundled.encode_documents(FRUIT)
    scores = matrix @ bundled.encode_queries(["quantum chromodynamics lecture notes"])[0]
    assert scores.max() < 0.4


@pytest.fixture(scope="module")
def sentence_transformers_vectors(bundled):
    from sentence_transformers import SentenceTransformer

    reference = SentenceTransformer(bundled.report.folder, device="cpu")
    return reference.encode(FRUIT + SUPPORT, normalize_embeddings=True, batch_size=32)


def test_fp32_gives_the_vectors_of_sentence_transformers(sentence_transformers_vectors):
    ours = load_embedder("bundled", device="cpu", dtype="fp32").encode_documents(FRUIT + SUPPORT)
    assert float(np.min(np.sum(ours * sentence_transformers_vectors, axis=1))) >= 0.9999


def test_default_precision_keeps_vectors_and_rankings(bundled, sentence_transformers_vectors):
    ours = bundled.encode_documents(FRUIT + SUPPORT)
    assert float(np.min(np.sum(ours * sentence_transformers_vectors, axis=1))) >= 0.999
    queries = bundled.encode_queries(
        ["vitamin C", "phone not charging", "refund", "wine", "router"]
    )
    for query in queries:
        theirs = rank(query, sentence_transformers_vectors, top_k=5)
        assert [h.index for h in rank(query, ours, top_k=5)] == [h.index for h in theirs]
