"""Long work on the page that a closed tab can stop: a tick every half second.

Streamlit stops a session's run when its tab closes, but only inside one of its own calls
(a progress bar's update, any element drawn): pure Python work such as splitting a large
upload would run on to its end for nobody. :func:`ticking` wraps the tokenizer a split
calls again and again, so that the page is touched (``tick``, e.g. emptying a placeholder)
at most every ``every`` seconds, which is where the stop lands.

What it does not do: stop work inside one call (a batch on the model, a UMAP projection);
that ends first, then the next tick stops the run. Nothing here imports streamlit.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from semsearch.documents.chunking import Spans


def ticking(spans: Spans, tick: Callable[[], object], every: float = 0.5) -> Spans:
    """``spans`` that calls ``tick`` first whenever ``every`` seconds have passed since."""
    last = [time.monotonic()]

    def counted(text: str) -> list[tuple[int, int]]:
        now = time.monotonic()
        if now - last[0] >= every:
            last[0] = now
            tick()
        return spans(text)

    return counted
