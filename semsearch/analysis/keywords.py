"""Keyword search with BM25, the baseline that semantic search is measured against.

A text is cut into terms the way keyword engines do: English (and other space-separated
text) into lower-cased words of two letters or more, minus a short list of English stop
words; Chinese runs into words by jieba's search mode (which also emits the shorter words
inside long ones, e.g. 手机号 -> 手机, 手机号). Scores are BM25 as Lucene computes it, by
``bm25s``; a text that shares no term with the query scores exactly 0. No stemming: a
keyword engine that sees "charge" does not find "charging", which is the point of the
comparison with meaning.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from semsearch.retrieval.ranking import Hit, top_hits

_CJK = re.compile(r"([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+)")
_WORD = re.compile(r"(?u)\b\w\w+\b")
# Function words that say nothing about the topic; jieba emits them as words of their own.
_CHINESE_STOP_WORDS = frozenset("的了是在和与或及着吗呢吧啊也都就而之其这那")


@cache
def _english_stop_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary on every first use
    return jieba


def keyword_terms(text: str) -> list[str]:
    """The terms a keyword engine indexes for ``text``, in order (repeats kept)."""
    terms: list[str] = []
    stop = _english_stop_words()
    for i, part in enumerate(_CJK.split(text)):
        if i % 2:  # a run of Chinese characters
            words = _jieba().lcut_for_search(part)
            terms.extend(w for w in words if w.strip() and w not in _CHINESE_STOP_WORDS)
        else:
            terms.extend(w for w in _WORD.findall(part.lower()) if w not in stop)
    return terms


class KeywordIndex:
    """BM25 over a list of texts, built once and queried many times."""

    def __init__(self, texts: Sequence[str]) -> None:
        import bm25s

        self.size = len(texts)
        # Texts, not term sets: 100k sets would be 100k more objects for the cycle collector.
        self._texts = tuple(texts)
        terms = [keyword_terms(text) for text in texts]
        self._bm25 = bm25s.BM25()
        # bm25s cannot index a vocabulary of no terms (emoji lines, single letters): then
        # every score is 0, which is what BM25 would say.
        self._indexed = any(terms)
        if self._indexed:
            self._bm25.index(terms, show_progress=False)

    def scores(self, query: str) -> np.ndarray:
        """float32 [size] BM25 score of every text; 0 where the text shares no query term."""
        terms = keyword_terms(query)
        if not terms or not self._indexed:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._bm25.get_scores(terms), dtype=np.float32)

    def search(self, query: str, top_k: int | None = 5) -> list[Hit]:
        """The ``top_k`` best texts by BM25, best first, ties in text order (0 scores too)."""
        return top_hits(self.scores(query), top_k=top_k)

    def shared_terms(self, query: str, index: int) -> list[str]:
        """The query's terms that text ``index`` contains, in query order."""
        seen: list[str] = []
        terms = set(keyword_terms(self._texts[index]))
        for term in keyword_terms(query):
            if term in terms and term not in seen:
                seen.append(term)
        return seen


def bm25_rank(query: str, texts: Sequence[str], top_k: int | None = 5) -> list[Hit]:
    """Rank ``texts`` for ``query`` by BM25: at most ``top_k`` hits, best first.

    A text that shares no term with the query scores 0; such texts fill the list only when
    fewer than ``top_k`` texts match (like :func:`semsearch.rank` without a threshold).
    """
    return KeywordIndex(texts).search(query, top_k=top_k)
