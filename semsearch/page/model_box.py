"""What the page's model boxes may load: one answer for anything that is not a model.

The sidebar's and the comparison view's "model id or folder" boxes are typed by whoever
opens the page, on a server that may not be theirs. Loading what they type as it is would
make the box a probe of the server's file system ("no such folder" vs "the folder has no
config.json" tells whether ``/home/x/.ssh`` exists) and, on a networked server, a way to
start a download of any hub repository. So here:

* a folder that is not a loadable model, whether it exists or not, gets one message;
* ``~`` is never expanded (``~user`` would name another user's home);
* with ``SEMSEARCH_CLASSROOM=1`` only the listed models load: the picker's entries, the
  server's ``SEMSEARCH_MODEL`` and the embedding models already on the server
  (:func:`~semsearch.encoding.model_source.local_models`); no path, no other hub id.

What it does not do: load (the page's cached loader does) or apply to the CLI and the
Python API, whose users choose models on their own machine and get the detailed reasons.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from semsearch.encoding.model_source import _looks_like_path, local_models
from semsearch.errors import ModelLoadError
from semsearch.page.state import CUSTOM, MODEL_CHOICES
from semsearch.settings import Settings

NOT_A_MODEL = (
    "it is not a model this server can load (no such model folder or model id here); "
    "check the spelling, or pick a model from the list"
)
NOT_LISTED = (
    "this classroom server loads only the models in its list; pick one of them "
    "(the server's owner can add models to its Hugging Face cache)"
)

Loaded = TypeVar("Loaded")


def listed_models(settings: Settings) -> set[str]:
    """What a classroom server's boxes accept: the picker's models, its own, those it has."""
    listed = {choice for choice in MODEL_CHOICES if choice != CUSTOM} | {settings.model}
    if settings.embed.url is None:
        listed |= {model.spec for model in local_models()}
    return listed


def _names_a_path(spec: str) -> bool:
    try:
        return _looks_like_path(spec) or Path(spec).exists()
    except (OSError, ValueError):  # a NUL, a name too long: no folder either way
        return True


def load_from_box(spec: str, load: Callable[[str], Loaded], settings: Settings) -> Loaded:
    """``load(spec)`` for a model typed or picked on the page, under the rules above.

    Raises:
        ModelLoadError: with :data:`NOT_A_MODEL` for any folder (or ``~`` name) that is not
            a loadable model, with :data:`NOT_LISTED` for an unlisted model in a classroom,
            else as ``load`` raised it (a hub id that is not cached, a download that failed).
    """
    if settings.classroom and spec not in listed_models(settings):
        raise ModelLoadError(spec, NOT_LISTED, reason="missing")
    if spec.startswith("~") and settings.embed.url is None:
        raise ModelLoadError(spec, NOT_A_MODEL, reason="missing")
    try:
        return load(spec)
    except ModelLoadError:
        if settings.embed.url is None and _names_a_path(spec) and spec != settings.model:
            raise ModelLoadError(spec, NOT_A_MODEL, reason="missing") from None
        raise
