"""Remember the vector of every text already encoded, keyed by its content.

A key is the SHA-256 of the text as the model reads it (instruction included) together
with everything else that changes its vector: the model, its precision and the length cap.
Vectors are stored at the model's full dimension and cut to the embedder's output dimension
on the way out (Matryoshka truncation is exact slicing plus re-normalisation), so changing
the dimension re-encodes nothing and never mixes vectors of different sizes. Editing one
line of a knowledge base re-encodes that line only; duplicate lines are encoded once.

The cache holds NumPy arrays on the CPU (safe to keep in ``st.session_state``). One lock
per cache means two overlapping calls (a second click while the first is still encoding)
never encode the same text twice: the second waits, then finds the vectors cached.

Given a :class:`~semsearch.encoding.disk_cache.DiskVectorCache`, the cache reads through
it: a text missing here is looked up on disk before it is encoded, and every batch encoded
is written there too, so a new session or a new process encodes nothing already seen.
Sessions of one process asking for the same texts at once (a classroom on one sample)
encode each text once: one claims it, the others wait and read it from disk
(:mod:`semsearch.encoding.in_flight`).
Vectors handed to :meth:`VectorCache.store` (a saved base's) are not copied to disk: their
store keeps them already. One cache (one page session) writes at most :data:`DISK_SHARE` of
the disk cache's cap: past it, its new vectors stay in its memory only, so that one huge
paste cannot evict the vectors the whole class shares.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from semsearch.checkpoints import checkpoint
from semsearch.encoding import in_flight
from semsearch.encoding.disk_cache import DiskVectorCache
from semsearch.encoding.embedder import Embedder, Embedding, Kind, Progress
from semsearch.encoding.vectors import normalise


@dataclass(frozen=True)
class CachedEmbedding:
    """Vectors for a list of texts and how many had to be encoded for it."""

    embedding: Embedding
    encoded: int
    """Distinct texts run through the model in this call."""
    reused: int
    """Texts answered from the cache (duplicates within the call included)."""
    restored: int = 0
    """Distinct texts of ``reused`` read from the disk cache in this call."""


def text_key(embedder: Embedder, text: str, kind: Kind, instruction: str | None) -> str:
    """Cache key for ``text`` as ``embedder`` would encode it, whatever its output dimension."""
    model_text = embedder.model_input(text, kind=kind, instruction=instruction)
    payload = "\x1f".join((embedder.model_fingerprint, kind, model_text))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _keys(
    embedder: Embedder, texts: Sequence[str], kind: Kind, instruction: str | None
) -> list[str]:
    """:func:`text_key` of each text, with a checkpoint every 4,096 (a 200,000-line paste)."""
    keys: list[str] = []
    for start in range(0, len(texts), 4096):
        checkpoint()
        part = texts[start : start + 4096]
        keys.extend(text_key(embedder, text, kind, instruction) for text in part)
    return keys


DISK_SHARE = 0.25
"""The share of the disk cache's cap one :class:`VectorCache` may fill with its writes."""
_ROW_OVERHEAD = 64  # bytes of a disk row besides its vector: key, model, count, time
_WAIT_POLL = 0.25  # seconds between checkpoints while another session encodes our lines


class VectorCache:
    """Vectors and token counts by content hash, bounded to ``max_entries`` (oldest go first).

    ``disk``: a disk cache to read through and write to (``None``: memory only); this cache
    writes at most ``disk_share`` of its cap (module doc).
    """

    def __init__(
        self,
        max_entries: int = 500_000,
        disk: DiskVectorCache | None = None,
        disk_share: float = DISK_SHARE,
    ) -> None:
        self.max_entries = max_entries
        self.disk = disk
        self.disk_share = disk_share
        self.disk_written = 0
        """Bytes (estimated) this cache has written to the disk cache."""
        self._entries: OrderedDict[str, tuple[np.ndarray, int]] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def embed(
        self,
        embedder: Embedder,
        texts: Sequence[str],
        *,
        kind: Kind = "document",
        instruction: str | None = None,
        progress: Progress | None = None,
    ) -> CachedEmbedding:
        """Vectors for ``texts`` in order, encoding only texts not seen before.

        ``progress(done, total)`` counts the texts that need encoding, batch by batch; the
        batches finished before an exception (raised by ``progress`` or the model) stay cached.
        """
        keys = _keys(embedder, texts, kind, instruction)
        full = embedder.with_options(dim=embedder.native_dim)
        with self._lock:
            missing: dict[str, str] = {}
            for key, text in zip(keys, texts, strict=True):
                if key not in self._entries and key not in missing:
                    missing[key] = text
            restored = 0
            if missing and self.disk is not None:
                for key, entry in self.disk.get_many(embedder, list(missing)).items():
                    self._entries[key] = entry
                    del missing[key]
                    restored += 1
            encoded = 0
            if missing and self.disk is None:
                encoded = self._encode(full, missing, kind, instruction, progress)
            elif missing:
                encoded, shared = self._encode_shared(full, missing, kind, instruction, progress)
                restored += shared
            vectors = np.zeros((len(texts), embedder.native_dim), dtype=np.float32)
            counts = np.zeros(len(texts), dtype=np.int64)
            for row, key in enumerate(keys):
                vector, count = self._entries[key]
                self._entries.move_to_end(key)
                vectors[row] = vector
                counts[row] = count
            while len(self._entries) > max(self.max_entries, len(keys)):
                self._entries.popitem(last=False)
        if embedder.dim != embedder.native_dim:
            vectors = normalise(vectors, embedder.dim)
        return CachedEmbedding(Embedding(vectors, counts), encoded, len(texts) - encoded, restored)

    def _encode(
        self,
        full: Embedder,
        missing: dict[str, str],
        kind: Kind,
        instruction: str | None,
        progress: Progress | None,
    ) -> int:
        """Encode ``missing`` (key: text) at full size, keeping (and writing) batch by batch."""
        pending = list(missing)
        done = 0
        for batch in full.embed_batches(list(missing.values()), kind=kind, instruction=instruction):
            # Kept batch by batch, before progress is reported: when a progress callback
            # interrupts the call (a rerun of the page), the finished batches stay cached.
            for i, vector, count in zip(
                batch.indices, batch.vectors, batch.token_counts, strict=True
            ):
                self._entries[pending[i]] = (vector, count)
            if self.disk is not None and self._may_write(len(batch.indices), full.native_dim):
                batch_keys = [pending[i] for i in batch.indices]
                self.disk.put_many(full, batch_keys, batch.vectors, batch.token_counts)
            done += len(batch.indices)
            if progress is not None:
                progress(done, len(pending))
        return len(pending)

    def _may_write(self, rows: int, width: int) -> bool:
        """Whether ``rows`` more vectors stay within this cache's share of the disk cache."""
        assert self.disk is not None
        size = rows * (width * 4 + _ROW_OVERHEAD)
        if self.disk_written + size > self.disk_share * self.disk.max_bytes:
            return False
        self.disk_written += size
        return True

    def _encode_shared(
        self,
        full: Embedder,
        missing: dict[str, str],
        kind: Kind,
        instruction: str | None,
        progress: Progress | None,
    ) -> tuple[int, int]:
        """Encode the texts no other session is encoding; read the others' from disk after.

        Returns (texts encoded here, texts read from the disk cache once their owner was
        done). A text whose owner failed is claimed and encoded here on the next round.
        """
        encoded = restored = 0
        while missing:
            claim = in_flight.PROCESS.claim(list(missing))
            try:
                mine = {key: missing.pop(key) for key in claim.mine}
                if mine:
                    encoded += self._encode(full, mine, kind, instruction, progress)
            finally:
                in_flight.PROCESS.release(claim.mine)
            for event in claim.theirs:
                # Another session's paste may take minutes: this one can still be stopped.
                while not event.wait(_WAIT_POLL):
                    checkpoint()
            if missing:
                for key, entry in self._disk_entries(full, list(missing)).items():
                    self._entries[key] = entry
                    del missing[key]
                    restored += 1
        return encoded, restored

    def _disk_entries(
        self, embedder: Embedder, keys: list[str]
    ) -> dict[str, tuple[np.ndarray, int]]:
        """Entries of ``keys`` on the disk cache (none without one)."""
        return {} if self.disk is None else self.disk.get_many(embedder, keys)

    def store(
        self,
        embedder: Embedder,
        texts: Sequence[str],
        vectors: np.ndarray,
        token_counts: Sequence[int],
        *,
        kind: Kind = "document",
    ) -> None:
        """Remember full-size ``vectors`` [len(texts), native_dim] as ``embedder``'s for ``texts``.

        For vectors made earlier by the same model and length cap (a saved knowledge base):
        the caller checks that; the shapes are checked here.
        """
        rows = np.asarray(vectors, dtype=np.float32)
        if rows.shape != (len(texts), embedder.native_dim) or len(token_counts) != len(texts):
            raise ValueError(
                f"{len(texts)} texts need vectors of shape ({len(texts)}, {embedder.native_dim}) "
                f"and as many token counts; got {rows.shape} and {len(token_counts)}."
            )
        with self._lock:
            for text, vector, count in zip(texts, rows, token_counts, strict=True):
                self._entries[text_key(embedder, text, kind, None)] = (vector, int(count))

    def missing(
        self,
        embedder: Embedder,
        texts: Sequence[str],
        *,
        kind: Kind = "document",
        instruction: str | None = None,
    ) -> int:
        """How many distinct texts :meth:`embed` would have to encode now."""
        keys = {text_key(embedder, text, kind, instruction) for text in texts}
        with self._lock:
            absent = [key for key in keys if key not in self._entries]
        if absent and self.disk is not None:
            return len(absent) - self.disk.count_present(embedder, absent)
        return len(absent)
