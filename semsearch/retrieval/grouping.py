"""One result per document: passages grouped by what they were cut from, ranked by the best.

A *document* here is what a person would call one result: a record (a CSV/TSV row, a JSON
Lines object) or a paragraph of a file. A record or paragraph longer than the model's cap
is cut into windows (``place`` ends in ``tokens a–b``); its windows are one document, and
a document ranks by its best window (MaxP, the rule BEIR and the passage-ranking
literature use for split documents): a ranking of passages becomes a ranking of
documents by each document's first appearance in it. Typed lines are documents of one
passage each.

What it does not do: score a document by anything but its best passage (no sum or mean
over windows), or merge passages of different files or different records.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from semsearch.documents.chunking import Passage

RULE = (
    "per document: a record or paragraph cut into several passages ranks by its best one "
    "(MaxP, as BEIR scores split documents)"
)
"""How results and evaluation count, said in the command line's and the page's words."""
PASSAGE_RULE = "per passage: every window of a record or paragraph ranks on its own"

_WINDOW = re.compile(r"(?:^| · )tokens \d+–\d+$")
"""The window part that :func:`semsearch.documents.chunking.chunk_text` adds to a place."""

CANDIDATES_PER_RESULT = 10
"""Passages ranked per result asked for, to find that many documents (at least 50)."""

T = TypeVar("T")


def candidate_depth(top_k: int) -> int:
    """How many passages to rank to find ``top_k`` documents (``semsearch search --name``)."""
    return max(50, top_k * CANDIDATES_PER_RESULT)


def document_key(passage: Passage) -> tuple[str, str]:
    """(source, place without its window part): equal for the windows of one document."""
    return passage.source, _WINDOW.sub("", passage.place)


def group_key(passage: Passage, own: object) -> object:
    """What groups ``passage`` with the other windows of its document.

    Its :func:`document_key` when it is a window, else ``own`` (its id: a document alone).
    """
    if _WINDOW.search(passage.place) is None:
        return ("passage", own)
    return document_key(passage)


def document_of(passages: Sequence[Passage]) -> list[int]:
    """For each passage, the position of its document's first passage (its representative).

    Only windows (a place ending in ``tokens a–b``) share a document; any other passage is
    a document of its own, so two passages that merely look alike (two files of one name)
    are never merged unless both were cut from an over-long text at the same place.
    """
    first: list[int] = []
    seen: dict[tuple[str, str], int] = {}
    for i, passage in enumerate(passages):
        if _WINDOW.search(passage.place) is None:
            first.append(i)
        else:
            first.append(seen.setdefault(document_key(passage), i))
    return first


def best_per_document(ranking: Sequence[int], documents: Sequence[int]) -> list[int]:
    """``ranking`` (passage positions, best first) as documents (MaxP).

    Each document once, as its representative, at the place of its best passage.
    """
    seen: set[int] = set()
    found: list[int] = []
    for index in ranking:
        document = documents[index]
        if document not in seen:
            seen.add(document)
            found.append(document)
    return found


@dataclass(frozen=True)
class DocumentHit(Generic[T]):
    """One document in a result list: its best passage's hit and the others found."""

    best: T
    """The hit of its best-scoring passage (shown)."""
    more: tuple[T, ...] = ()
    """Its other passages among the ranked candidates, best first ("n more passages")."""


def group_hits(hits: Sequence[T], keys: Sequence[object]) -> list[DocumentHit[T]]:
    """``hits`` (best first) as one :class:`DocumentHit` per document key, best first."""
    order: list[object] = []
    grouped: dict[object, list[T]] = {}
    for hit, key in zip(hits, keys, strict=True):
        if key not in grouped:
            order.append(key)
            grouped[key] = []
        grouped[key].append(hit)
    return [DocumentHit(grouped[key][0], tuple(grouped[key][1:])) for key in order]
