"""How the embedder in use came to be: what was asked for, what loaded, from where, how long.

Its own module because everything that loads an embedder fills one in (the local and the
remote engine, ``auto``'s fallback) and the page and the command line read it; it holds
data only, so none of them has to import the others to name it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LoadReport:
    """How the embedder in use came to be: shown in the sidebar and by the CLI."""

    requested: str
    """What was asked for: ``auto``, ``bundled``, an id or a folder."""
    name: str
    folder: str
    how: str
    """``bundled``, ``local folder``, ``hub cache``, ``downloaded`` or ``remote`` (then
    :attr:`folder` is the server's base URL)."""
    seconds: float
    fallback_reason: str | None = None
    """Set when ``auto`` fell back to the bundled model: the Qwen3 error, for the notice."""
    fallback_from: str | None = None
    """The model ``auto`` meant when it fell back (e.g. ``Qwen/Qwen3-Embedding-0.6B``)."""
    fallback_code: str | None = None
    """Why it fell back, as :attr:`semsearch.errors.ModelLoadError.reason` says it."""
