"""What one page session may ask of a shared server, checked before the work starts.

The limits are :class:`~semsearch.settings.PageLimits` (``SEMSEARCH_MAX_*``, smaller under
``SEMSEARCH_CLASSROOM=1``). A search over more passages or more characters than they allow
is refused with a message that says the numbers and the fix; nothing the user typed or
uploaded is dropped, so cutting the knowledge base and searching again works at once.

What it does not do: limit the CLI or the Python API (their user owns the machine), or
meter work already started (the model's turns keep that fair: :mod:`semsearch.encoding.turns`).
"""

from __future__ import annotations

from collections.abc import Sequence

from semsearch.documents.chunking import Passage
from semsearch.errors import LimitError
from semsearch.settings import PageLimits


def check_search(passages: Sequence[Passage], limits: PageLimits) -> None:
    """Refuse a search over more passages or characters than ``limits`` allow.

    Raises:
        LimitError: with the counts, the limit and the fix.
    """
    if len(passages) > limits.max_passages:
        raise LimitError(
            f"The knowledge base has {len(passages):,} passages; this server searches at most "
            f"{limits.max_passages:,} per page. Nothing was removed: shorten it, filter it, or "
            "index it with `semsearch index` and search it from the command line."
        )
    characters = 0
    for passage in passages:
        characters += passage.characters
        if characters > limits.max_characters:
            total = sum(p.characters for p in passages)
            raise LimitError(
                f"The knowledge base holds {total:,} characters; this server searches at most "
                f"{limits.max_characters:,} per page. Nothing was removed: shorten it, filter "
                "it, or index it with `semsearch index` and search it from the command line."
            )


def check_file(name: str, characters: int, limits: PageLimits, *, at_least: bool = False) -> None:
    """Refuse to split a file of more characters than one search here may hold.

    Called before the file is split (and, with ``at_least``, before it is even read, from
    its size in bytes: UTF-8 takes at most four bytes a character), so a file too large
    to search costs no splitting or memory first. The upload itself stays on the page.

    Raises:
        LimitError: with the file's name, its size, the limit and the fix.
    """
    if characters <= limits.max_characters:
        return
    size = f"at least {characters:,}" if at_least else f"{characters:,}"
    raise LimitError(
        f"{name} holds {size} characters; this server searches at most "
        f"{limits.max_characters:,} per page, so it was not split into passages. Cut it into "
        "smaller files, or index it with `semsearch index` and search it from the command line."
    )


def token_cap_limit(model_limit: int, limits: PageLimits) -> int:
    """The highest token cap the page offers: the model's, at most the server's maximum."""
    return max(8, min(model_limit, limits.max_token_cap))


def projected(method_limit: int, limits: PageLimits) -> int:
    """The most points a map projects: the method's limit, at most the server's."""
    return max(1, min(method_limit, limits.max_projected))
