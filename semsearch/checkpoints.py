"""Places in long work where its caller may stop it: a closed tab ends a paste's encode.

Streamlit stops a session's run when its tab closes, but only inside one of its own calls
(a progress bar's update, any element drawn). Work that runs long without one would run on
to its end for nobody: splitting a large upload, or tokenising a 200,000-line paste,
hashing its cache keys and looking them up on disk before the first batch reaches the model,
or waiting for another session's encode of the same lines. With one run at a time per
session (``runner.fastReruns = false``) the same places are where a click's rerun starts.
Such loops call :func:`checkpoint` between pieces. A caller that can be stopped installs a
hook for its own thread with :func:`stoppable` (the page: touch the progress bar);
``checkpoint`` calls it at most every ``every`` seconds, and what the hook raises
(Streamlit's stop) ends the work there. The hook is per thread (a context variable), so one
session's hook never runs in another's work on the shared model.

What it does not do: stop work inside one call (a batch on the model, a UMAP projection):
that ends first, then the next checkpoint stops the work. Without a hook, a checkpoint costs
one context-variable lookup. Nothing here imports streamlit.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass
class _Hook:
    tick: Callable[[], object]
    every: float
    last: float = field(default_factory=time.monotonic)


_HOOK: ContextVar[_Hook | None] = ContextVar("semsearch_checkpoint_hook", default=None)


def checkpoint() -> None:
    """Call this thread's hook if ``every`` seconds have passed since it last ran.

    Raises whatever the hook raises (on the page: Streamlit's stop, when the tab is gone).
    """
    hook = _HOOK.get()
    if hook is None:
        return
    now = time.monotonic()
    if now - hook.last >= hook.every:
        hook.last = now
        hook.tick()


@contextmanager
def stoppable(tick: Callable[[], object], every: float = 0.5) -> Iterator[None]:
    """Within the block, this thread's checkpoints call ``tick`` at most every ``every`` s."""
    token = _HOOK.set(_Hook(tick, every))
    try:
        yield
    finally:
        _HOOK.reset(token)
