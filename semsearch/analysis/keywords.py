"""Keyword search with BM25, the baseline that semantic search is measured against.

BM25 as published (bm25s' own pipeline, which reproduces Lucene's and the BEIR
baselines): English (and other space-separated text) is cut into lower-cased words of two
letters or more (bm25s' pattern ``\\b\\w\\w+\\b``), bm25s' English stop words are dropped
and every word is stemmed by the Snowball English stemmer (PyStemmer, as bm25s
recommends), so "charging" finds "charge"; Chinese runs are cut into words by jieba's
search mode (which also emits the shorter words inside long ones, e.g. 手机号 -> 手机,
手机号), minus a short list of function words. Scores are BM25 as Lucene computes it
(k1 = 1.5, b = 0.75), by ``bm25s``; a text that shares no term with the query scores
exactly 0. :data:`DESCRIPTION` says this in one line for the page and the command line.
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

DESCRIPTION = (
    "BM25 (bm25s, Lucene's formula, k1=1.5, b=0.75): English lower-cased, bm25s' English "
    "stop words dropped, Snowball-stemmed (PyStemmer); Chinese cut into words by jieba"
)
"""What keyword search uses, in words (shown by ``semsearch eval`` and the page)."""


@cache
def _english_stop_words() -> frozenset[str]:
    from bm25s.stopwords import STOPWORDS_EN

    return frozenset(STOPWORDS_EN)


@cache
def _stemmer() -> Any:
    import Stemmer

    return Stemmer.Stemmer("english")


@cache
def _jieba() -> Any:
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it announces its dictionary on every first use
    return jieba


def keyword_words(text: str) -> list[tuple[str, str]]:
    """(word as written, the term indexed for it) for each word of ``text``, in order.

    English words are lower-cased and stemmed; stop words are left out.
    """
    found: list[tuple[str, str]] = []
    stop = _english_stop_words()
    for i, part in enumerate(_CJK.split(text)):
        if i % 2:  # a run of Chinese characters
            words = _jieba().lcut_for_search(part)
            found.extend((w, w) for w in words if w.strip() and w not in _CHINESE_STOP_WORDS)
        else:
            words = [w for w in _WORD.findall(part) if w.lower() not in stop]
            stems = _stemmer().stemWords([w.lower() for w in words])
            found.extend(zip(words, stems, strict=True))
    return found


def keyword_terms(text: str) -> list[str]:
    """The terms a keyword engine indexes for ``text``, in order (repeats kept)."""
    return [term for _, term in keyword_words(text)]


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
        """The query's words (lower-cased) whose terms text ``index`` contains, in order.

        "charging" is shown for a text that says "charge": one stem.
        """
        seen: list[str] = []
        terms = set(keyword_terms(self._texts[index]))
        for word, term in keyword_words(query):
            if term in terms and word.lower() not in seen:
                seen.append(word.lower())
        return seen


def bm25_rank(query: str, texts: Sequence[str], top_k: int | None = 5) -> list[Hit]:
    """Rank ``texts`` for ``query`` by BM25: at most ``top_k`` hits, best first.

    A text that shares no term with the query scores 0; such texts fill the list only when
    fewer than ``top_k`` texts match (like :func:`semsearch.rank` without a threshold).
    """
    return KeywordIndex(texts).search(query, top_k=top_k)
