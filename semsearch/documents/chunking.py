"""Split documents into passages: by line, by paragraph, or by windows of whole sentences.

Every passage keeps where it came from (file and place), the headings above it and its
file's other fields (a CSV row's other columns), so a result can be traced back and,
later, filtered. A passage under headings starts with its heading path on a line of its
own: the model reads the context it sits in and the page shows it. The heading path is
held once per section, not copied into each passage (:class:`Passage`), and one over half
the cap is cut to its innermost part (:func:`clipped_heading`).

No passage is ever longer than the model reads: a piece over the cap is split rather than
cut, so nothing is silently lost. Splits fall on sentence boundaries (then clauses, then
words) by ``semantic-text-splitter`` counting the embedder's own tokens, so no passage
starts mid-sentence unless one sentence alone is over the cap; windows overlap by up to
``overlap`` tokens of whole sentences and hold the original characters. Sections of
structured files (Markdown, HTML, Word, CSV rows) keep their blocks whole: by paragraph,
each paragraph, list, code block or table is a passage; by window, whole blocks are packed
together up to the window; only a block over the cap alone is split.

The cost of splitting grows linearly with the input: a paragraph of megabytes (a log) is
split in one pass over stretches of :data:`STRETCH` characters (:func:`sentence_windows`).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from semsearch.checkpoints import checkpoint
from semsearch.documents.knowledge_base import is_blank
from semsearch.documents.readers import Document
from semsearch.documents.sections import Metadata
from semsearch.errors import InvalidArgumentError

ChunkMode = Literal["line", "paragraph", "window"]
MODES: tuple[ChunkMode, ...] = ("line", "paragraph", "window")
Spans = Callable[[str], list[tuple[int, int]]]
"""Character spans of a text's tokens: ``embedder.token_spans``."""

_PARAGRAPH_BREAK = re.compile(r"\n[ \t\u3000]*\n")
_MIN_BODY = 8
"""Fewest tokens left for a passage's own text after its heading line."""


@dataclass(frozen=True, init=False, slots=True)
class Passage:
    """One searchable text and where it came from.

    A passage under headings keeps its own text (:attr:`body`) and its heading path apart:
    the passages of one section share one heading string, so a long heading path is held
    once per section, not once per passage. :attr:`text`, what the model reads and the
    page shows, is composed when asked for (the heading on a line of its own, then the
    body). ``Passage(text, source, place, heading, metadata)`` takes the composed text, as
    a store keeps it; :meth:`under` builds one from its parts without composing anything.
    """

    body: str
    """The passage's own text: :attr:`text` without its heading line."""
    source: str = ""
    """The file's name; empty for text typed on the page."""
    place: str = ""
    """Where in the source: ``"line 3"``, ``"page 2 · ¶ 1"``, ``"§ 2"``, ``"tokens 192–448"``."""
    heading: str = ""
    """The headings above it, outermost first (``"Pricing › Student discounts"``); when
    :attr:`headed`, ``text`` starts with it on a line of its own."""
    metadata: Metadata = ()
    """The file's other fields for it, as (name, value) pairs: a CSV row's other columns."""
    headed: bool = False
    """Whether :attr:`text` is the heading line followed by :attr:`body`."""

    def __init__(
        self,
        text: str,
        source: str = "",
        place: str = "",
        heading: str = "",
        metadata: Metadata = (),
    ) -> None:
        # A text that starts with its heading line keeps only the rest: two passages with
        # the same text are equal however they were made (here or by :meth:`under`).
        headed = bool(heading) and text.startswith(heading + "\n")
        body = text[len(heading) + 1 :] if headed else text
        set_field = object.__setattr__  # frozen: the dataclass way of setting fields
        set_field(self, "body", body)
        set_field(self, "source", source)
        set_field(self, "place", place)
        set_field(self, "heading", heading)
        set_field(self, "metadata", metadata)
        set_field(self, "headed", headed)

    @classmethod
    def under(
        cls, heading: str, body: str, source: str = "", place: str = "", metadata: Metadata = ()
    ) -> Passage:
        """A passage whose text is ``heading`` on a line of its own, then ``body``.

        ``heading`` is kept as given (not copied): pass one string for a whole section.
        """
        passage = cls(body, source, place, "", metadata)
        if heading:
            object.__setattr__(passage, "heading", heading)
            object.__setattr__(passage, "headed", True)
        return passage

    @property
    def text(self) -> str:
        """What the model reads and the page shows: the heading line, then the body."""
        return f"{self.heading}\n{self.body}" if self.headed else self.body

    @property
    def characters(self) -> int:
        """``len(text)``, without composing it."""
        return len(self.body) + (len(self.heading) + 1 if self.headed else 0)

    @property
    def origin(self) -> str:
        """``source · place · field: value …`` for display (any part may be empty)."""
        fields = (f"{key}: {value}" for key, value in self.metadata)
        return " · ".join(part for part in (self.source, self.place, *fields) if part)

    @property
    def fields(self) -> dict[str, str]:
        """The metadata as a dict (a later field of the same name wins)."""
        return dict(self.metadata)


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


def sentence_windows(
    text: str, spans: Spans, size: int, overlap: int
) -> list[tuple[str, int, int]]:
    """``text`` as pieces of at most ``size`` tokens that end at sentence boundaries.

    Returns (piece, first token, end token) triples like :func:`windows`; consecutive
    pieces share up to ``overlap`` tokens of whole sentences. A text within ``size``
    tokens is one piece; a sentence over ``size`` alone is split at clauses, then words.

    A text over :data:`STRETCH` characters (or 16 characters a token of ``size``, if
    more: a log, a book without blank lines) is cut into stretches first (see
    :func:`stretches`) and each is split on its own, in one pass: only one stretch's
    tokens are held at a time and the splitter measures pieces of one stretch only, so
    time and memory grow with the text's length, not its square. Pieces do not overlap
    across a stretch's end; token numbers run on over the whole text.
    """
    found: list[tuple[str, int, int]] = []
    before = 0
    # A stretch holds several windows whatever their size (16 characters a token is ample).
    for stretch in stretches(text, max(STRETCH, 16 * size)):
        tokens = spans(stretch)
        found.extend(
            (piece, before + first, before + end)
            for piece, first, end in _sentence_pieces(stretch, tokens, spans, size, overlap)
        )
        before += len(tokens)
    return found


STRETCH = 16_384
"""Most characters :func:`sentence_windows` tokenises at once (see :func:`stretches`)."""
_CUTS = ("\n", "。", ". ", "! ", "? ", "！", "？", "; ", " ")
"""Where a stretch may end, best first: a line break, a sentence's end, a clause, a space."""


def stretches(text: str, limit: int | None = None) -> Iterator[str]:
    """``text`` in consecutive stretches of at most ``limit`` characters, nothing dropped.

    Each stretch ends at the last line break, else sentence end, else space in its second
    half (mid-word only where there is none); ``"".join(stretches(t)) == t``. A text
    within ``limit`` (default :data:`STRETCH`) is one stretch (the text itself).
    """
    limit = STRETCH if limit is None else limit
    start = 0
    while len(text) - start > limit:
        end, half = start + limit, start + limit // 2
        cut = end
        for mark in _CUTS:
            found = text.rfind(mark, half, end)
            if found >= 0:
                cut = found + len(mark)
                break
        yield text[start:cut]
        start = cut
    yield text[start:] if start else text


def _sentence_pieces(
    text: str, tokens: list[tuple[int, int]], spans: Spans, size: int, overlap: int
) -> list[tuple[str, int, int]]:
    """:func:`sentence_windows` of one stretch whose token spans are ``tokens``."""
    if len(tokens) <= size:
        return [(text.strip(), 0, len(tokens))]
    from semantic_text_splitter import TextSplitter

    splitter = TextSplitter.from_callback(lambda piece: len(spans(piece)), size, overlap)
    starts = [start for start, _ in tokens]
    ends = [end for _, end in tokens]
    return [
        (piece, bisect_right(ends, offset), bisect_left(starts, offset + len(piece)))
        for offset, piece in splitter.chunk_indices(text)
        if piece.strip()
    ]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARAGRAPH_BREAK.split(text) if not is_blank(p)]


def _pieces(text: str, mode: ChunkMode) -> list[tuple[str, str]]:
    """(piece, place) for line and paragraph modes, blank pieces skipped."""
    if mode == "line":
        lines = text.splitlines()
        return [
            (line.strip(), f"line {n}") for n, line in enumerate(lines, 1) if not is_blank(line)
        ]
    return [(p, f"¶ {n}") for n, p in enumerate(_paragraphs(text), 1)]


def _packed(blocks: Sequence[str], spans: Spans, cap: int) -> list[tuple[str, str]]:
    """Consecutive blocks joined up to ``cap`` tokens: (text, ``"¶ a–b"``).

    Sizes add up per block (each tokenised once); a block over the cap alone, or a group
    the sum misjudged by a token, is split by the caller, so nothing is lost either way.
    """
    found: list[tuple[str, str]] = []
    # A block longer than any cap could hold is over it: not tokenised whole here.
    sizes = [len(spans(block)) if len(block) <= STRETCH else cap + 1 for block in blocks]
    joint = len(spans("\n\n"))
    first, used = 0, 0
    for i, size in enumerate(sizes):
        if i > first and used + joint + size > cap:
            found.append(_group(blocks, first, i))
            first, used = i, 0
        used += size + (joint if i > first else 0)
    found.append(_group(blocks, first, len(blocks)))
    return found


def _group(blocks: Sequence[str], first: int, end: int) -> tuple[str, str]:
    where = f"¶ {first + 1}" + (f"–{end}" if end - first > 1 else "")
    return "\n\n".join(blocks[first:end]), where


HEADING_ELLIPSIS = "…"


def clipped_heading(heading: str, spans: Spans, limit: int) -> str:
    """``heading`` cut to its last ``limit`` tokens, after :data:`HEADING_ELLIPSIS`.

    A heading path over half the cap would leave a passage's own text no room in what the
    model reads (every passage under it would get the heading's vector); the innermost
    headings, the most specific, are kept. Shorter headings come back as they are.
    """
    if not heading:
        return heading
    # Tokens are rarely over 16 characters: the tail tokenised is bounded, not the heading.
    tail = heading[-16 * limit :] if len(heading) > 16 * limit else heading
    tokens = spans(tail)
    if len(tokens) <= limit and tail is heading:
        return heading
    keep = max(1, limit - 1)  # one token's room for the ellipsis
    start = tokens[-keep][0] if len(tokens) > keep else 0
    return HEADING_ELLIPSIS + tail[start:].lstrip()


def _at_checkpoints(spans: Spans) -> Spans:
    """``spans`` that passes a checkpoint before each measurement."""

    def measured(text: str) -> list[tuple[int, int]]:
        checkpoint()
        return spans(text)

    return measured


def chunk_text(
    text: str,
    settings: ChunkSettings,
    spans: Spans,
    cap: int,
    *,
    source: str = "",
    place: str = "",
    heading: str = "",
    metadata: Metadata = (),
    blocks: Sequence[str] = (),
) -> list[Passage]:
    """Split one text into passages of at most ``cap`` tokens each (see the module doc).

    ``blocks``: the parts of ``text`` to keep whole where they fit (structured files).
    Every measurement is a :func:`~semsearch.checkpoints.checkpoint`: a long split can be
    stopped between two (a closed tab).
    """
    settings.check()
    spans = _at_checkpoints(spans)
    heading = clipped_heading(heading, spans, cap // 2)
    budget = max(_MIN_BODY, cap - len(spans(f"{heading}\n"))) if heading else cap

    def passage(piece: str, *parts: str) -> Passage:
        where = " · ".join(p for p in (place, *parts) if p)
        return Passage.under(heading, piece, source, where, tuple(metadata))

    def split(piece: str, size: int, overlap: int, *parts: str) -> list[Passage]:
        """``piece`` as one passage, or sentence windows when it is over ``size``."""
        found = sentence_windows(piece, spans, size, overlap)
        if len(found) == 1:
            return [passage(found[0][0], *parts)]
        return [passage(part, *parts, f"tokens {first}–{end}") for part, first, end in found]

    overlap = min(settings.overlap, budget // 4)
    if blocks and settings.mode != "line":
        return _from_blocks(blocks, settings, spans, budget, split)
    if settings.mode == "window":
        size = min(settings.window, budget)
        return [
            passage(piece, f"tokens {first}–{end}")
            for piece, first, end in sentence_windows(
                text, spans, size, min(settings.overlap, size - 1)
            )
        ]
    passages = []
    for piece, piece_place in _pieces(text, settings.mode):
        passages.extend(split(piece, budget, overlap, piece_place))
    return passages


def _from_blocks(
    blocks: Sequence[str],
    settings: ChunkSettings,
    spans: Spans,
    budget: int,
    split: Callable[[str, int, int, str], list[Passage]],
) -> list[Passage]:
    """A structured section's passages: one per block, or blocks packed up to the window.

    Paragraph mode gives each block (paragraph, list, code block, table) its passage;
    window mode packs whole blocks up to the window. ``¶`` numbers them when there are
    several.
    """
    several = len(blocks) > 1
    if settings.mode == "paragraph":
        overlap = min(settings.overlap, budget // 4)
        return [
            passage
            for n, block in enumerate(blocks, 1)
            for passage in split(block, budget, overlap, f"¶ {n}" if several else "")
        ]
    size = min(settings.window, budget)
    overlap = min(settings.overlap, size - 1)
    return [
        passage
        for piece, where in _packed(blocks, spans, size)
        for passage in split(piece, size, overlap, where if several else "")
    ]


def chunk_documents(
    documents: Sequence[Document], settings: ChunkSettings, spans: Spans, cap: int
) -> list[Passage]:
    """Passages of every section of every document, in order."""
    return [
        passage
        for document in documents
        for section in document.sections
        for passage in chunk_text(
            section.text,
            settings,
            spans,
            cap,
            source=document.name,
            place=section.place,
            heading=section.heading,
            metadata=section.metadata,
            blocks=section.blocks,
        )
    ]
