"""Split documents into passages: by line, by paragraph, or by a sliding window of tokens.

Every passage keeps where it came from (file and place), so a result can be traced back.
No passage is ever longer than the model reads: a line or paragraph over the cap is split
into overlapping windows rather than cut, so nothing is silently lost. Windows are cut at
token boundaries of the embedder's own tokenizer and hold the original characters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

from semsearch.documents.knowledge_base import is_blank
from semsearch.documents.readers import Document
from semsearch.errors import InvalidArgumentError

ChunkMode = Literal["line", "paragraph", "window"]
MODES: tuple[ChunkMode, ...] = ("line", "paragraph", "window")
Spans = Callable[[str], list[tuple[int, int]]]
"""Character spans of a text's tokens: ``embedder.token_spans``."""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n")


@dataclass(frozen=True)
class Passage:
    """One searchable text and where it came from."""

    text: str
    source: str = ""
    """The file's name; empty for text typed on the page."""
    place: str = ""
    """Where in the source: ``"line 3"``, ``"page 2 · ¶ 1"``, ``"tokens 192–448"``."""

    @property
    def origin(self) -> str:
        """``source · place`` for display (either may be empty)."""
        return " · ".join(part for part in (self.source, self.place) if part)


@dataclass(frozen=True)
class ChunkSettings:
    """How to split: ``mode``, and for windows their size and overlap in tokens."""

    mode: ChunkMode = "paragraph"
    window: int = 256
    overlap: int = 64

    def check(self) -> None:
        """Raise InvalidArgumentError for an unknown mode or impossible window."""
        if self.mode not in MODES:
            raise InvalidArgumentError(
                f"Unknown chunking {self.mode!r}: use line, paragraph or window."
            )
        if self.window < 8 or not 0 <= self.overlap < self.window:
            raise InvalidArgumentError(
                f"A window of {self.window} tokens with {self.overlap} overlap is impossible: "
                "use at least 8 tokens and an overlap smaller than the window."
            )


def windows(text: str, spans: Spans, size: int, overlap: int) -> list[tuple[str, int, int]]:
    """``text`` as windows of at most ``size`` tokens overlapping by ``overlap``.

    Returns (window text, first token, end token) triples; a text within ``size`` tokens is
    one window. Each window is the original text between its first and last token.
    """
    tokens = spans(text)
    if len(tokens) <= size:
        return [(text.strip(), 0, len(tokens))]
    step = max(1, size - overlap)
    found = []
    for first in range(0, len(tokens), step):
        end = min(first + size, len(tokens))
        piece = text[tokens[first][0] : tokens[end - 1][1]].strip()
        if piece:
            found.append((piece, first, end))
        if end == len(tokens):
            break
    return found


def _pieces(text: str, mode: ChunkMode) -> list[tuple[str, str]]:
    """(piece, place) for line and paragraph modes, blank pieces skipped."""
    if mode == "line":
        lines = text.splitlines()
        return [
            (line.strip(), f"line {n}") for n, line in enumerate(lines, 1) if not is_blank(line)
        ]
    paragraphs = _PARAGRAPH_BREAK.split(text)
    kept = [p.strip() for p in paragraphs if not is_blank(p)]
    return [(p, f"¶ {n}") for n, p in enumerate(kept, 1)]


def chunk_text(
    text: str, settings: ChunkSettings, spans: Spans, cap: int, *, source: str = "", place: str = ""
) -> list[Passage]:
    """Split one text into passages of at most ``cap`` tokens each (see the module doc)."""
    settings.check()

    def where(*parts: str) -> str:
        return " · ".join(p for p in (place, *parts) if p)

    if settings.mode == "window":
        size = min(settings.window, cap)
        overlap = min(settings.overlap, size - 1)
        return [
            Passage(piece, source, where(f"tokens {first}–{end}"))
            for piece, first, end in windows(text, spans, size, overlap)
        ]
    passages = []
    for piece, piece_place in _pieces(text, settings.mode):
        parts = windows(piece, spans, cap, min(settings.overlap, cap // 4))
        if len(parts) == 1:
            passages.append(Passage(piece, source, where(piece_place)))
        else:  # over the cap: windows, never a silent cut
            passages.extend(
                Passage(part, source, where(piece_place, f"tokens {first}–{end}"))
                for part, first, end in parts
            )
    return passages


def chunk_documents(
    documents: Sequence[Document], settings: ChunkSettings, spans: Spans, cap: int
) -> list[Passage]:
    """Passages of every section of every document, in order."""
    return [
        passage
        for document in documents
        for section in document.sections
        for passage in chunk_text(
            section.text, settings, spans, cap, source=document.name, place=section.place
        )
    ]
