"""Index files into a saved base as a stream: files -> passages -> batches -> engine -> store.

Memory is bounded by one file's passages and one batch's vectors, never the corpus: each
batch is encoded and appended to the store (:meth:`VectorStore.add`, durable on return)
before the next is read. That also makes indexing resumable: run it again after an
interruption and passages already stored are skipped (by
:func:`~semsearch.retrieval.library.content_hash`), so only the rest is encoded. A
remote engine gets each batch as concurrent requests (its own setting).

What it does not do: read files it cannot (those are reported and skipped), or mix models:
a base is bound to the model that started it, and resuming with another is refused.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import numpy as np

from semsearch.documents.chunking import ChunkSettings, Passage, chunk_documents
from semsearch.documents.readers import TYPES, DocumentError, read_document
from semsearch.encoding.embedder import Embedder
from semsearch.errors import InvalidArgumentError
from semsearch.retrieval.library import base_spec, content_hash, mismatch
from semsearch.retrieval.stores.base import BaseSpec, StoreError, VectorStore

DEFAULT_BATCH = 256


@dataclass(frozen=True)
class IndexProgress:
    """Where an indexing run stands, after each batch.

    Progress is measured in bytes of the input files, known before anything is read, so a
    run can show a rate and an ETA without holding or pre-counting the passages.
    """

    done_bytes: float
    total_bytes: int
    passages: int
    """Passages handled so far (encoded, or found already stored)."""
    encoded: int
    skipped: int
    """Passages already in the base (an earlier, interrupted run stored them)."""
    seconds: float

    @property
    def rate(self) -> float:
        """Passages handled per second so far."""
        return self.passages / self.seconds if self.seconds > 0 else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the pace so far; ``None`` before any progress."""
        if self.done_bytes <= 0 or self.seconds <= 0:
            return None
        return self.seconds * max(0.0, self.total_bytes - self.done_bytes) / self.done_bytes


@dataclass(frozen=True)
class IndexReport:
    """What an indexing run did."""

    name: str
    files: int
    """Files read."""
    passages: int
    """Passages in the base now."""
    encoded: int
    skipped: int
    seconds: float
    failed: list[tuple[str, str]] = field(default_factory=list)
    """Files that could not be read: (path, reason)."""


@dataclass
class _Stream:
    """Passages of the files one file at a time, counting bytes and failures on the way."""

    paths: list[Path]
    settings: ChunkSettings
    embedder: Embedder
    csv_column: str | None
    done_bytes: float = 0.0
    files: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)

    def __iter__(self) -> Iterator[Passage]:
        before = 0
        for path in self.paths:
            size = _size(path)
            try:
                document = read_document(path.name, path.read_bytes(), csv_column=self.csv_column)
            except OSError as error:
                self.failed.append((str(path), error.strerror or str(error)))
            except DocumentError as error:
                self.failed.append((str(path), str(error)))
            else:
                self.files += 1
                passages = chunk_documents(
                    [document], self.settings, self.embedder.token_spans,
                    self.embedder.passage_tokens,
                )  # fmt: skip
                for n, passage in enumerate(passages, 1):
                    self.done_bytes = before + size * n / len(passages)
                    yield passage
            before += size
            self.done_bytes = before


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """Files as given; for a folder, every readable file in it, recursively, by name.

    Readable: of a type in :data:`semsearch.documents.readers.TYPES`; hidden files and
    folders are left out.
    """
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            inside = sorted(
                found for found in path.rglob("*")
                if found.is_file() and found.suffix.lower() in TYPES
                and not any(part.startswith(".") for part in found.relative_to(path).parts)
            )  # fmt: skip
            files.extend(inside)
        else:
            files.append(path)
    return files


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _batches(items: Iterable[Passage], size: int) -> Iterator[list[Passage]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def _open_or_create(
    store: VectorStore, spec: BaseSpec, embedder: Embedder, *, replace: bool
) -> set[str]:
    """Create the base (or start it over) and return the hashes it already holds."""
    existing = {info.name for info in store.list()}
    if spec.name in existing and not replace:
        info = store.info(spec.name)
        reason = mismatch(info, embedder)
        if reason:
            raise StoreError(f"{reason} Or pass --replace to start the base over.")
        made = {key: info.settings.get(key) for key in spec.settings}
        if made != spec.settings:
            raise StoreError(
                f"{spec.name!r} was cut into passages with {made}, not {spec.settings}: "
                "resume it with its own settings, or pass --replace to start it over."
            )
        return store.hashes(spec.name)
    store.create(spec, replace=replace)
    return set()


def _encode(embedder: Embedder, texts: list[str]) -> tuple[np.ndarray, list[int]]:
    vectors = np.zeros((len(texts), embedder.native_dim), dtype=np.float32)
    counts = [0] * len(texts)
    for part in embedder.embed_batches(texts, kind="document"):
        vectors[part.indices] = part.vectors
        for i, count in zip(part.indices, part.token_counts, strict=True):
            counts[i] = count
    return vectors, counts


def index_files(
    store: VectorStore,
    name: str,
    embedder: Embedder,
    paths: Sequence[str | Path],
    settings: ChunkSettings,
    *,
    csv_column: str | None = None,
    replace: bool = False,
    batch: int = DEFAULT_BATCH,
    progress: Callable[[IndexProgress], None] | None = None,
) -> IndexReport:
    """Index ``paths`` into the base ``name``, resuming it if it exists (see module doc).

    Files that cannot be read are skipped and listed in the report's ``failed``.

    Raises:
        StoreError: the base exists with another model (without ``replace``).
        InvalidArgumentError: no file could be read, or bad chunk settings.
    """
    settings.check()
    started = time.perf_counter()
    full = embedder.with_options(dim=embedder.native_dim)
    chunking = {"chunk": settings.mode, "window": settings.window, "overlap": settings.overlap}
    spec = base_spec(name.strip(), embedder, chunking)
    files = [Path(p) for p in paths]
    known: set[str] | None = None  # opened with the first batch: no empty base when none reads
    stream = _Stream(files, settings, embedder, csv_column)
    total_bytes = sum(_size(path) for path in files)
    handled = encoded = skipped = 0
    for chunk in _batches(stream, batch):
        if known is None:
            known = _open_or_create(store, spec, embedder, replace=replace)
        hashes = [content_hash(p) for p in chunk]
        fresh = [i for i, h in enumerate(hashes) if h not in known]
        known.update(hashes)  # a passage repeated within the run is stored once
        skipped += len(chunk) - len(fresh)
        if fresh:
            vectors, counts = _encode(full, [chunk[i].text for i in fresh])
            store.add(spec.name, [chunk[i] for i in fresh], vectors, counts,
                      [hashes[i] for i in fresh])  # fmt: skip
            encoded += len(fresh)
        handled += len(chunk)
        if progress is not None:
            elapsed = time.perf_counter() - started
            progress(IndexProgress(stream.done_bytes, total_bytes, handled, encoded, skipped,
                                   elapsed))  # fmt: skip
    if not stream.files:
        raise InvalidArgumentError(
            "None of the files could be read; nothing was indexed: "
            + "; ".join(f"{path}: {why}" for path, why in stream.failed)
        )
    if known is None:
        raise InvalidArgumentError("The files hold no text to index; nothing was indexed.")
    return IndexReport(
        name=spec.name,
        files=stream.files,
        passages=store.count(spec.name),
        encoded=encoded,
        skipped=skipped,
        seconds=time.perf_counter() - started,
        failed=stream.failed,
    )
