"""Index files into a saved base as a stream: files -> passages -> batches -> engine -> store.

Memory is bounded by one file's passages and one batch's vectors, never the corpus: each
batch is encoded and appended to the store (:meth:`VectorStore.add`, durable on return)
before the next is read. That also makes indexing resumable: run it again after an
interruption and passages already stored are skipped (by
:func:`~semsearch.retrieval.library.content_hash`), so only the rest is encoded. A
remote engine gets each batch as concurrent requests (its own setting).

A run holds the base's writer lock from start to end
(:meth:`~semsearch.retrieval.stores.base.VectorStore.writing`): a second run of the same
name, or a page replacing it, waits and is then refused with a message naming this run,
instead of interleaving with it.

What it does not do: read files it cannot (those are reported and skipped), or mix models:
a base is bound to the model that started it, and resuming with another is refused.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np

from semsearch.documents.chunking import ChunkSettings, Passage, chunk_documents
from semsearch.documents.readers import (
    TYPES,
    DocumentError,
    is_readable_name,
    read_document,
    read_file,
)
from semsearch.encoding.embedder import Embedder
from semsearch.encoding.model_source import AUTO
from semsearch.encoding.vector_cache import VectorCache
from semsearch.errors import InvalidArgumentError
from semsearch.retrieval.library import base_spec, content_hash, mismatch
from semsearch.retrieval.stores.base import BaseInfo, BaseSpec, StoreError, VectorStore

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
    """Passages handled that were already in the base (an earlier run, a repeat)."""
    seconds: float
    failed: list[tuple[str, str]] = field(default_factory=list)
    """Files that could not be read: (path, reason)."""
    read: list[FileRead] = field(default_factory=list)
    """Files read, with their encoding and what reading them could not take as it was."""
    from_cache: int = 0
    """Of the passages stored (``encoded``), those whose vectors came from the vector cache
    (the page, or an earlier run, had encoded them): the model ran for the rest."""
    added: int = 0
    """Passages this run stored: the base grew by this many (the store keeps a passage once)."""


@dataclass(frozen=True)
class FileRead:
    """One file read: its path, the text encoding found (``""`` for PDF/Word), notes."""

    path: str
    encoding: str
    notes: tuple[str, ...] = ()


@dataclass
class _Stream:
    """Passages of the files one file at a time, counting bytes and failures on the way."""

    paths: list[Path]
    settings: ChunkSettings
    embedder: Embedder
    csv_column: str | Sequence[str] | None
    labels: bool = False
    done_bytes: float = 0.0
    files: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    read: list[FileRead] = field(default_factory=list)

    def __iter__(self) -> Iterator[Passage]:
        before = 0
        for path in self.paths:
            size = _size(path)
            try:
                document = read_document(
                    path.name, read_file(path), csv_column=self.csv_column, labels=self.labels
                )
                passages = chunk_documents(
                    [document], self.settings, self.embedder.token_spans,
                    self.embedder.passage_tokens,
                )  # fmt: skip
            except OSError as error:
                self.failed.append((str(path), error.strerror or str(error)))
            except DocumentError as error:
                self.failed.append((str(path), str(error)))
            except (RecursionError, ValueError, KeyError, IndexError, TypeError) as error:
                # A parser's own failure on a hostile file: that file is skipped, the run goes
                # on (a bug of ours is not hidden: the type and message are printed).
                self.failed.append((str(path), f"it could not be read ({type(error).__name__}: "
                                               f"{str(error)[:200]})"))  # fmt: skip
            else:
                self.files += 1
                self.read.append(FileRead(str(path), document.encoding, document.notes))
                for n, passage in enumerate(passages, 1):
                    self.done_bytes = before + size * n / len(passages)
                    yield passage
            before += size
            self.done_bytes = before


@dataclass(frozen=True)
class FoundFiles:
    """The files to read, and every file of the folders given that is not read, with why."""

    files: list[Path]
    skipped: list[tuple[Path, str]]
    """(path, reason): a type not read, a hidden file, a hidden folder (once, with how many
    files it holds), something that is not a regular file."""


def _hidden_folder(folder: Path) -> str:
    count = sum(len(names) for _, _, names in os.walk(folder))
    return f"a hidden folder ({count} file(s) in it not read)"


def _why_not(path: Path) -> str | None:
    """Why a file found in a folder is not read, or None when it is."""
    if path.name.startswith("."):
        return "a hidden file"
    if not path.is_file():
        return "not a regular file"
    if not is_readable_name(path.name):
        return (
            f"files of type {path.suffix.lower()} are not read (semsearch reads "
            f"{', '.join(TYPES)}, text without an extension, and .gz of these)"
        )
    return None


def find_files(paths: Iterable[str | Path]) -> FoundFiles:
    """Files as given; for a folder, every readable file in it, recursively, by name.

    Readable: of a type :func:`~semsearch.documents.readers.is_readable_name` accepts
    (a text file without an extension included: reading it says whether it is text).
    Hidden files and folders are left out. Everything in a folder that is not read is
    listed in :attr:`FoundFiles.skipped` with why, so that nothing is left out unsaid.
    """
    files: list[Path] = []
    skipped: list[tuple[Path, str]] = []
    for path in map(Path, paths):
        if not path.is_dir():
            files.append(path)
            continue
        inside: list[Path] = []
        left: list[tuple[Path, str]] = []
        for root, folders, names in os.walk(path):
            here = Path(root)
            left.extend((here / f, _hidden_folder(here / f)) for f in folders if f.startswith("."))
            folders[:] = [f for f in folders if not f.startswith(".")]
            for name in names:
                why = _why_not(here / name)
                if why is None:
                    inside.append(here / name)
                else:
                    left.append((here / name, why))
        files.extend(sorted(inside))
        skipped.extend(sorted(left))
    return FoundFiles(files, skipped)


def expand_paths(paths: Iterable[str | Path]) -> list[Path]:
    """The files :func:`find_files` reads (without what it skips)."""
    return find_files(paths).files


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _batches(items: Iterable[Passage], size: int) -> Iterator[list[Passage]]:
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


def chunking(settings: ChunkSettings) -> dict[str, Any]:
    """How a base's passages were cut, as its settings record it."""
    return {"chunk": settings.mode, "window": settings.window, "overlap": settings.overlap}


def _check_chunking(info: BaseInfo, asked: dict[str, Any]) -> None:
    made = {key: info.settings.get(key) for key in asked}
    if made != asked:
        raise StoreError(
            f"{info.name!r} was cut into passages with {made}, not {asked}: "
            "resume it with its own settings, or pass --replace to start it over."
        )


def check_resume(
    store: VectorStore,
    name: str,
    settings: ChunkSettings,
    *,
    model: str | None = None,
    max_length: int | None = None,
    replace: bool = False,
) -> None:
    """Refuse, before any model loads, to resume ``name`` with settings it was not made with.

    Checks what is known without the model: the chunking, the token cap when one is given,
    and the model when ``model`` names one (``bundled`` or a hub id; ``auto`` and folders
    resolve only on loading, and :func:`index_files` checks the loaded model again). A new
    base, or ``replace``, has nothing to check.

    Raises:
        StoreError: the base exists and something differs, naming it and ``--replace``.
    """
    name = name.strip()
    if replace or name not in {info.name for info in store.list()}:
        return
    info = store.info(name)
    _check_chunking(info, chunking(settings))
    asked = (model or "").strip()
    if (asked and asked != AUTO and asked not in (info.model_spec, info.model)
            and not Path(asked).expanduser().exists()):  # fmt: skip
        raise StoreError(
            f"{name!r} was encoded by {info.model} (--model {info.model_spec}), not {asked}: "
            f"resume it with --model {info.model_spec}, or pass --replace to start it over."
        )
    if max_length is not None and max_length != info.max_length:
        raise StoreError(
            f"{name!r} was encoded with a {info.max_length}-token cap, not {max_length}: resume "
            f"it with --max-length {info.max_length}, or pass --replace to start it over."
        )


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
        _check_chunking(info, spec.settings)
        return store.hashes(spec.name)
    store.create(spec, replace=replace)
    return set()


def _encode_cached(
    cache: VectorCache | None, embedder: Embedder, texts: list[str]
) -> tuple[np.ndarray, list[int], int]:
    """Vectors and token counts of ``texts``, and how many came from ``cache``."""
    if cache is None:
        return (*_encode(embedder, texts), 0)
    found = cache.embed(embedder, texts)
    vectors = found.embedding
    return vectors.vectors, vectors.token_counts.tolist(), len(texts) - found.encoded


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
    csv_column: str | Sequence[str] | None = None,
    labels: bool = False,
    replace: bool = False,
    batch: int = DEFAULT_BATCH,
    progress: Callable[[IndexProgress], None] | None = None,
    cache: VectorCache | None = None,
) -> IndexReport:
    """Index ``paths`` into the base ``name``, resuming it if it exists (see module doc).

    ``csv_column``: the CSV/TSV column(s) or JSON Lines field(s) the model reads, title
    first (the others become metadata); ``labels``: several as ``column: value`` lines.
    Files that cannot be read are skipped and listed in the report's ``failed``.
    ``cache``: a vector cache to take vectors from and keep them in; with the page's disk
    cache, nothing the page encoded is encoded again, and the page finds what this encodes.

    Raises:
        StoreError: the base exists with another model (without ``replace``).
        InvalidArgumentError: no file could be read, or bad chunk settings.
    """
    settings.check()
    started = time.perf_counter()
    full = embedder.with_options(dim=embedder.native_dim)
    spec = base_spec(name.strip(), embedder, chunking(settings))
    files = [Path(p) for p in paths]
    known: set[str] | None = None  # opened with the first batch: no empty base when none reads
    stream = _Stream(files, settings, embedder, csv_column, labels)
    total_bytes = sum(_size(path) for path in files)
    handled = encoded = added = from_cache = 0
    with store.writing(spec.name):  # the whole run: no other writer comes between its adds
        for chunk in _batches(stream, batch):
            if known is None:
                known = _open_or_create(store, spec, embedder, replace=replace)
            hashes = [content_hash(p) for p in chunk]
            fresh = [i for i, h in enumerate(hashes) if h not in known]
            known.update(hashes)  # a passage repeated within the run is stored once
            if fresh:
                texts = [chunk[i].text for i in fresh]
                vectors, counts, cached = _encode_cached(cache, full, texts)
                from_cache += cached
                ids = store.add(spec.name, [chunk[i] for i in fresh], vectors, counts,
                                [hashes[i] for i in fresh])  # fmt: skip
                encoded += len(fresh)
                added += len(ids)
            handled += len(chunk)
            if progress is not None:
                elapsed = time.perf_counter() - started
                progress(IndexProgress(stream.done_bytes, total_bytes, handled, encoded,
                                       handled - added, elapsed))  # fmt: skip
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
        skipped=handled - added,
        seconds=time.perf_counter() - started,
        failed=stream.failed,
        read=stream.read,
        from_cache=from_cache,
        added=added,
    )
