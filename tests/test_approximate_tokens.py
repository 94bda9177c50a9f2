"""Estimated token spans (for engines without a tokenizer) never count fewer than the model."""

import pytest

from semsearch.encoding.approximate_tokens import approximate_token_spans
from semsearch.page.samples import SAMPLES


def test_spans_cover_every_symbol_and_skip_whitespace():
    text = "Hi, wonderful 世界!  x_y"
    pieces = [text[start:end] for start, end in approximate_token_spans(text)]
    assert pieces == ["Hi", ",", "wond", "erfu", "l", "世", "界", "!", "x", "_", "y"]
    assert approximate_token_spans("") == []
    assert approximate_token_spans(" \n\t") == []


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda s: s.key)
def test_the_estimate_is_at_least_the_bundled_tokenizers_count(bundled, sample):
    for line in sample.text.splitlines():
        if line.strip():
            assert len(approximate_token_spans(line)) >= len(bundled.token_spans(line)), line


def test_an_embedder_without_a_tokenizer_cuts_windows_with_the_estimate(bundled):
    # The bundled model's count bounds the windows cut with the estimate from above.
    from semsearch.documents.chunking import ChunkSettings, chunk_text

    text = " ".join(["Semantic search finds passages that mean the same thing."] * 40)
    passages = chunk_text(text, ChunkSettings("window", 64, 8), approximate_token_spans, 64)
    assert len(passages) > 1
    assert max(bundled.count_tokens([p.text for p in passages])) <= 64 + 2
