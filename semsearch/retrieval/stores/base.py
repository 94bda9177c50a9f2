"""The vector-store contract: named knowledge bases of passages, vectors and metadata.

A store keeps saved knowledge bases, each bound to the model that made its vectors (name,
native dimension, length cap) and to how its passages were made. It adds passages with
their vectors, searches a query vector with top-k, a threshold and a metadata filter,
and hands back vectors by id for the views. The same calls work whatever is behind it:
the embedded SQLite + NumPy store (:mod:`semsearch.retrieval.stores.sqlite`, the default
and the fast path on one machine) or Milvus (:mod:`semsearch.retrieval.stores.milvus`, Lite
in one file or a server). :func:`semsearch.retrieval.stores.open_store` picks one from a
URI-like setting (``SEMSEARCH_STORE``).

What it does not do: encode. Vectors come in made (full size, unit rows) and the query
vector comes in made; :mod:`semsearch.retrieval.library` binds a store to an embedder.

Ids are positions: the n-th passage added to a base has id n - 1, in every store, so a
base copied between stores keeps its ids and its results. A passage is kept once per base:
adding or saving one whose content hash the base already holds stores nothing new.

Writers are safe together: every write of a base holds its lock across processes
(:meth:`VectorStore.writing`, :mod:`semsearch.retrieval.stores.locks`), so a replace and an
index of one base never interleave; the second waits, then is refused with a message.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.errors import StoreError
from semsearch.retrieval.filters import PASSAGE_FIELDS, Where
from semsearch.retrieval.filters import check_where as check_where

FILTER_FIELDS = PASSAGE_FIELDS
"""Passage columns a metadata filter may name; any other key names a metadata field."""
MAX_NAME = 120
"""Longest base name, in characters."""


@dataclass(frozen=True)
class BaseSpec:
    """What a new base is bound to: the model that makes its vectors, and how."""

    name: str
    model: str
    """The model's name as the embedder reports it."""
    model_spec: str
    """What :func:`semsearch.load_embedder` loads it with (``bundled``, an id, a folder)."""
    native_dim: int
    dim: int
    """The output dimension chosen when saving (vectors are kept at ``native_dim``)."""
    max_length: int
    dtype: str
    settings: dict[str, Any] = field(default_factory=dict)
    """How the passages were made (chunking) and the query instruction."""


@dataclass(frozen=True)
class BaseInfo:
    """What a saved base holds and how its vectors were made."""

    name: str
    model: str
    model_spec: str
    native_dim: int
    dim: int
    max_length: int
    dtype: str
    passages: int
    created: str
    """ISO 8601, UTC."""
    updated: str
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def spec(self) -> BaseSpec:
        """The binding this base was created with (to create its copy elsewhere)."""
        return BaseSpec(
            self.name, self.model, self.model_spec, self.native_dim, self.dim,
            self.max_length, self.dtype, dict(self.settings),
        )  # fmt: skip


@dataclass(frozen=True)
class StoredHit:
    """One search result: the passage's id, its score and the passage."""

    id: int
    score: float
    passage: Passage


@dataclass(frozen=True)
class StoredRows:
    """A run of a base's rows, for copying and for the views."""

    ids: list[int]
    passages: list[Passage]
    vectors: np.ndarray
    """float32 [len(ids), native_dim], unit rows."""
    token_counts: list[int]
    hashes: list[str]


@dataclass(frozen=True)
class SavedBase:
    """A saved base read back whole (for bases small enough to hold in memory)."""

    info: BaseInfo
    passages: list[Passage]
    vectors: np.ndarray
    """float32 [passages, native_dim], unit rows (may be a read-only shared mapping)."""
    token_counts: np.ndarray


@runtime_checkable
class VectorStore(Protocol):
    """Saved knowledge bases behind one URI; safe to use from several threads."""

    uri: str
    """How to reach it again (``sqlite:/folder``, ``milvus:/path.db``, ``milvus:http://...``)."""

    def create(self, spec: BaseSpec, *, replace: bool = False) -> BaseInfo:
        """Start an empty base bound to ``spec``; with ``replace``, drop one of that name first.

        Raises:
            StoreError: the name is empty, over 120 characters, or taken without ``replace``.
        """
        ...

    def add(
        self,
        name: str,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
    ) -> list[int]:
        """Append the passages ``name`` lacks; returns the ids of the rows added. Durable.

        ``hashes`` identify each passage's content (:meth:`hashes`): a passage whose hash
        the base already holds, or that comes twice in this call, is not stored again
        (``""`` is no hash: such passages are always stored). So ``len(ids)`` passages
        were added and the rest were already there. Holds the base's lock while writing.

        Raises:
            StoreError: mismatched sizes or a wrong dimension.
            BaseBusyError: another writer held the base all the wait.
        """
        ...

    def save(
        self,
        spec: BaseSpec,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
        *,
        replace: bool = False,
    ) -> BaseInfo:
        """A whole base in one step: after a crash the previous version is there intact.

        Passages repeating a hash of an earlier one are left out (kept once).

        Raises:
            StoreError: as :meth:`create` and :meth:`add`, or nothing to save.
        """
        ...

    def info(self, name: str) -> BaseInfo:
        """What the base ``name`` holds. Raises StoreError when there is none."""
        ...

    def writing(self, name: str) -> AbstractContextManager[None]:
        """Hold ``name``'s writer lock (across processes) for a run of writes.

        Every write takes it by itself; a caller holds it around several (an indexing
        run) so that no other writer comes between them. Re-entrant in one thread.

        Raises:
            BaseBusyError: another writer held it for ``SEMSEARCH_LOCK_WAIT`` seconds.
        """
        ...

    def delete(self, name: str) -> None:
        """Delete the base ``name``. Raises StoreError when there is none."""
        ...

    def count(self, name: str) -> int:
        """Passages in ``name``."""
        ...

    def hashes(self, name: str) -> set[str]:
        """The content hashes of every passage stored in ``name``."""
        ...

    def search(
        self,
        name: str,
        query: np.ndarray,
        *,
        top_k: int,
        threshold: float | None = None,
        where: Where | None = None,
    ) -> list[StoredHit]:
        """The ``top_k`` best passages for a unit ``query`` vector, best first.

        ``query`` may be shorter than the base's native size (Matryoshka): stored vectors
        are then cut to its length and re-normalised before scoring. Only passages scoring
        at least ``threshold`` and matching ``where`` are returned: each field named
        (``source``, ``place``, ``heading`` or a metadata key) must hold one of its values
        (:mod:`semsearch.retrieval.filters`). Ties keep the lower id first.

        Raises:
            InvalidArgumentError: a field that cannot be filtered (``text``, an empty name).
        """
        ...

    def passages(self, name: str, ids: Sequence[int]) -> list[Passage]:
        """The passages with these ids, in that order."""
        ...

    def vectors(self, name: str, ids: Sequence[int]) -> np.ndarray:
        """float32 [len(ids), native_dim]: the stored vectors with these ids, in that order."""
        ...

    def rows(self, name: str, *, batch: int = 10_000) -> Iterator[StoredRows]:
        """Every row of ``name`` in id order, ``batch`` at a time (memory bounded by it)."""
        ...

    def load(self, name: str) -> SavedBase:
        """The base ``name`` whole: passages, vectors, token counts (held in memory).

        Raises StoreError when there is none.
        """
        ...

    # Last in the class: a method named ``list`` would shadow the builtin in the
    # annotations of the methods after it.
    def list(self) -> list[BaseInfo]:
        """Every saved base, by name."""
        ...


def _unicode(text: str, what: str) -> None:
    """A StoreError for text no database can store (a lone surrogate)."""
    from semsearch.errors import InvalidArgumentError, check_unicode

    try:
        check_unicode(text, what)
    except InvalidArgumentError as error:
        raise StoreError(str(error)) from None


def check_name(name: str) -> str:
    """``name`` without surrounding blanks, or a StoreError when it is empty or too long."""
    name = name.strip()
    _unicode(name, "The knowledge base's name")
    if not name or len(name) > MAX_NAME:
        raise StoreError(
            f"A knowledge base needs a name of 1 to {MAX_NAME} characters, got {len(name)}."
        )
    return name


def check_rows(
    passages: Sequence[Passage],
    vectors: np.ndarray,
    token_counts: Sequence[int],
    hashes: Sequence[str],
    native_dim: int | None = None,
) -> np.ndarray:
    """``vectors`` as C-contiguous float32 after checking that every size fits.

    Raises:
        StoreError: the four inputs differ in length, or the vectors are not
            ``native_dim`` wide.
    """
    for n, passage in enumerate(passages):
        for value in (passage.text, passage.source, passage.place, passage.heading,
                      *(part for pair in passage.metadata for part in pair)):  # fmt: skip
            _unicode(value, f"Passage {n + 1}")
    rows = np.ascontiguousarray(vectors, dtype=np.float32)
    sizes = {len(passages), len(token_counts), len(hashes)}
    if rows.ndim != 2 or sizes != {rows.shape[0]}:
        raise StoreError(
            f"{len(passages)} passages, {len(token_counts)} token counts, {len(hashes)} hashes "
            f"and vectors of shape {rows.shape} do not match."
        )
    if native_dim is not None and rows.shape[1] != native_dim:
        raise StoreError(
            f"The vectors have {rows.shape[1]} dimensions but the base holds {native_dim}; "
            "add vectors of the model that made the base, at its full size."
        )
    return rows


def check_query(query: np.ndarray, native_dim: int) -> np.ndarray:
    """A float32 unit query of at most ``native_dim`` values, or a StoreError."""
    vector = np.asarray(query, dtype=np.float32)
    if vector.ndim != 1 or not 1 <= vector.shape[0] <= native_dim:
        raise StoreError(
            f"The query vector has shape {vector.shape}; this base needs one of 1 to "
            f"{native_dim} values (its model's size, or fewer for Matryoshka)."
        )
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def check_top_k(top_k: int) -> None:
    """StoreError unless ``top_k`` is at least 1."""
    if top_k < 1:
        raise StoreError(f"top_k must be at least 1, got {top_k}.")


def check_spec(spec: BaseSpec) -> str:
    """``spec``'s name without surrounding blanks, once the binding is one a base can keep.

    A base is bound to a model (its name), its native size (at least 1), the output size
    chosen when saving (1 to the native size: Matryoshka cuts, never pads), its length cap
    and precision, and how its passages were made (a JSON object).

    Raises:
        StoreError: a bad name (see :func:`check_name`) or a binding out of those bounds.
    """
    name = check_name(spec.name)
    if not spec.model.strip():
        raise StoreError(f"{name!r} needs the name of the model that makes its vectors.")
    if spec.native_dim < 1:
        raise StoreError(
            f"{name!r}: the model's native size must be at least 1, got {spec.native_dim}."
        )
    if not 1 <= spec.dim <= spec.native_dim:
        raise StoreError(
            f"{name!r}: the output size must be 1 to {spec.native_dim} (the model's native "
            f"size), got {spec.dim}."
        )
    if spec.max_length < 1:
        raise StoreError(f"{name!r}: the length cap must be at least 1, got {spec.max_length}.")
    if not isinstance(spec.settings, dict):
        raise StoreError(f"{name!r}: its settings must be a mapping, got {spec.settings!r}.")
    try:
        json.dumps(spec.settings, ensure_ascii=False)
    except (TypeError, ValueError) as error:
        raise StoreError(
            f"{name!r}: its settings must be plain JSON (text, numbers, lists): {error}."
        ) from None
    return name


def check_width(name: str, spec: BaseSpec, rows: np.ndarray) -> None:
    """StoreError unless ``rows`` are ``spec.native_dim`` wide (full-size vectors)."""
    if rows.shape[1] != spec.native_dim:
        raise StoreError(
            f"{name!r} is bound to {spec.native_dim}-dimensional vectors but got "
            f"{rows.shape[1]}; save the model's full-size vectors."
        )


class StoreBase:
    """What every store shares: the binding checks and whole-base reading from ``rows``.

    A store subclasses it and implements :class:`VectorStore`'s other methods; it calls
    :meth:`check_spec` before it keeps a binding (``create``, ``save``), so that every
    store accepts and refuses the same bases with the same message. ``load`` reads
    ``rows`` batch by batch; a store that can hand its vectors more cheaply (the embedded
    store's shared memory map) overrides it.
    """

    check_spec = staticmethod(check_spec)
    uri: str
    lock_folder: Path
    """Where this store's lock files are (:mod:`semsearch.retrieval.stores.locks`)."""

    def writing(self, name: str) -> AbstractContextManager[None]:
        """Hold ``name``'s writer lock (see ``VectorStore.writing``)."""
        from semsearch.retrieval.stores.locks import holding
        from semsearch.settings import Settings

        wait = float(Settings.one("lock_wait"))  # only it: a write needs no other variable
        return holding(self.lock_folder, self.uri, name.strip(), wait=wait)

    def load(self, name: str) -> SavedBase:
        """The base ``name`` whole, read from :meth:`rows` (see ``VectorStore.load``)."""
        store: VectorStore = self  # type: ignore[assignment]
        info = store.info(name)
        passages: list[Passage] = []
        vectors: list[np.ndarray] = []
        counts: list[int] = []
        for rows in store.rows(name):
            passages.extend(rows.passages)
            vectors.append(rows.vectors)
            counts.extend(rows.token_counts)
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, info.native_dim), np.float32)
        return SavedBase(info, passages, matrix, np.array(counts, dtype=np.int64))


def unique_rows(hashes: Sequence[str], known: set[str] | None = None) -> list[int]:
    """Indices of the rows to store: each hash once, none already ``known``; ``""`` always."""
    seen = set(known or ())
    kept = []
    for i, digest in enumerate(hashes):
        if not digest:
            kept.append(i)
        elif digest not in seen:
            seen.add(digest)
            kept.append(i)
    return kept
