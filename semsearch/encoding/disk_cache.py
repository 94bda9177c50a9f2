"""Vectors kept on disk, so that a page reload or a new server process encodes nothing seen.

One SQLite file in the data folder (``vector-cache.sqlite3``, ``SEMSEARCH_DATA_DIR``) maps
a content key to a full-size float32 vector and its token count. The key is the in-memory
cache's :func:`~semsearch.encoding.vector_cache.text_key` (model, precision, length cap,
kind and the exact text the model reads) hashed with :func:`model_revision`, the identity
of the model's files: a model folder whose weights change on disk gets new keys, never its
old vectors. The in-memory :class:`~semsearch.encoding.vector_cache.VectorCache` reads
through it; this module only stores and finds rows.

* **Shared**: :func:`shared_disk_cache` gives one instance per folder and process, used
  by every page session; its connection is guarded by a lock. Other processes open the
  same file: SQLite's write-ahead log lets them read while one writes, and a writer waits
  its turn (``busy_timeout``).
* **Crash-safe**: each batch is written in one transaction; a crash loses at most the
  batch being written, never a row half-written.
* **Bounded**: the file's used pages stay under ``max_bytes`` (``SEMSEARCH_CACHE_MAX``,
  default 2 GB). Past it, the least recently used rows go first, down to 90% of the cap.
* **Never in the way**: a cache that cannot be written (a read-only data folder) is read
  only; one that cannot be read either is off; a damaged file is moved aside and a new one
  started. Each case sets :attr:`DiskVectorCache.notice`, and no search ever fails because
  of the cache: a failed read is a miss, a failed write is skipped.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import time
import weakref
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from semsearch.checkpoints import checkpoint
from semsearch.data_folder import data_dir
from semsearch.errors import CacheError
from semsearch.per_folder import PerFolder
from semsearch.settings import Settings, expand_folder
from semsearch.sqlite_files import Opened, Status, open_sqlite

if TYPE_CHECKING:
    from semsearch.encoding.embedder import Embedder

FILE_NAME = "vector-cache.sqlite3"
KEEP_AFTER_EVICTION = 0.9
"""Eviction goes down to this share of the cap, so that the next writes do not evict again."""
TOUCH_AFTER_S = 3600.0
"""A row read is marked as used again only if its mark is older: an hour is precise enough
for eviction, and a reload right after a search then writes nothing."""
_CHUNK = 500  # keys per IN (...) query: far under SQLite's variable limit
_WEIGHT_SUFFIXES = (".safetensors", ".bin", ".pt", ".pth", ".onnx", ".gguf")

_PROBE = "SELECT count(*) FROM vectors WHERE rowid = 1"
_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    key BLOB PRIMARY KEY,
    model TEXT NOT NULL,
    vector BLOB NOT NULL,
    tokens INTEGER NOT NULL,
    used REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS vectors_used ON vectors(used);
"""


@dataclass(frozen=True)
class CacheInfo:
    """What the disk cache holds, for the sidebar and ``semsearch cache info``."""

    path: Path
    status: Status
    vectors: int
    bytes: int
    """Bytes of the file in use (pages holding rows; free pages are reused by later writes)."""
    max_bytes: int
    models: tuple[tuple[str, int], ...]
    """(model fingerprint, vectors) for each model, most vectors first."""
    notice: str | None


def model_revision(embedder: Embedder) -> str:
    """What identifies the model's files: folder, and each weight file's size and mtime.

    A hub snapshot's folder already names its commit; a local folder trained again gets a
    new revision from its weights' size and modification time. A remote model is its
    server's URL (what the server loaded cannot be seen from here). Empty for an embedder
    built by hand (no load report).
    """
    report = embedder.report
    if report is None:
        return ""
    folder = Path(report.folder)
    parts = [report.folder]
    if folder.is_dir():
        for path in sorted(folder.rglob("*")):
            if path.suffix in _WEIGHT_SUFFIXES and path.is_file():
                stat = path.stat()
                parts.append(f"{path.relative_to(folder)}:{stat.st_size}:{stat.st_mtime_ns}")
    return "\x1f".join(parts)


def _prepare(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA synchronous = NORMAL")  # WAL: a crash loses no commit
    connection.executescript(_SCHEMA)


def _notice(opened: Opened) -> str | None:
    """What the sidebar says about how the cache file opened (``None``: nothing to say)."""
    path, folder, error = opened.path, opened.path.parent, opened.error
    if opened.trouble is None:
        return None
    if opened.trouble == "damaged" and opened.status == "on":
        return (
            f"The disk cache {path} was damaged ({error}); it was moved to "
            f"{opened.moved_to} and a new, empty one started."
        )
    if opened.trouble == "no-folder":
        return (
            f"The disk cache is off: the data folder {folder} cannot be made ({error}). "
            "Set SEMSEARCH_DATA_DIR to a writable folder."
        )
    if opened.trouble == "read-only-folder" and opened.status == "off":
        return (
            f"The disk cache is off: the data folder {folder} is read-only. Set "
            "SEMSEARCH_DATA_DIR to a writable folder to keep vectors between visits."
        )
    if opened.trouble == "read-only-folder":
        return (
            f"The disk cache {path} is read-only: vectors found there are used, new "
            "ones are kept for this visit only. Make the folder writable to keep them."
        )
    if opened.trouble == "busy":
        return f"The disk cache is off for now: {path} is busy ({error})."
    return f"The disk cache is off: {path} cannot be used ({error})."


def _disk_key(revision: str, key: str) -> bytes:
    return hashlib.sha256(f"{revision}\x1f{key}".encode()).digest()


def _chunks(items: Sequence[bytes]) -> Iterator[Sequence[bytes]]:
    for start in range(0, len(items), _CHUNK):
        checkpoint()  # looking up a 200,000-line paste can be stopped (a closed tab)
        yield items[start : start + _CHUNK]


class DiskVectorCache:
    """Full-size vectors and token counts by content key, in one SQLite file.

    Use :func:`shared_disk_cache` on the page; construct one directly for a given folder.
    """

    def __init__(self, folder: str | Path | None = None, max_bytes: int | None = None) -> None:
        self.folder = expand_folder(folder) if folder is not None else data_dir()
        self.path = self.folder / FILE_NAME
        self.max_bytes = Settings.from_env().cache_max if max_bytes is None else max_bytes
        self.status: Status = "off"
        self.notice: str | None = None
        """Why the cache is read-only or off, or what happened to a damaged file."""
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        # Weak: the page's model cache decides how long a model lives, not this cache.
        self._revisions_lock = threading.Lock()
        self._revisions: weakref.WeakKeyDictionary[object, str] = weakref.WeakKeyDictionary()
        self._open()

    # -- opening -------------------------------------------------------------------------

    def _open(self) -> None:
        if self.max_bytes <= 0:
            self.notice = "The disk cache is off (SEMSEARCH_CACHE_MAX=0)."
            return
        # A damaged cache is moved aside: its vectors can always be encoded again.
        opened = open_sqlite(
            self.path, prepare=_prepare, probe=_PROBE, timeout=10, on_damage="move-aside"
        )
        self._connection, self.status = opened.connection, opened.status
        self.notice = _notice(opened)

    # -- keys ----------------------------------------------------------------------------

    def _revision(self, embedder: Embedder) -> str:
        # Once per loaded model: copies made by with_options share its engine.
        engine = embedder.engine
        with self._revisions_lock:
            known = self._revisions.get(engine)
        if known is None:
            known = model_revision(embedder)
            with self._revisions_lock:
                self._revisions[engine] = known
        return known

    def _keys(self, embedder: Embedder, keys: Sequence[str]) -> list[bytes]:
        revision = self._revision(embedder)
        return [_disk_key(revision, key) for key in keys]

    # -- reading and writing -------------------------------------------------------------

    def get_many(
        self, embedder: Embedder, keys: Sequence[str]
    ) -> dict[str, tuple[np.ndarray, int]]:
        """The (vector, token count) of each key found; found rows count as just used."""
        if self._connection is None or not keys:
            return {}
        width = embedder.native_dim * 4
        by_disk = dict(zip(self._keys(embedder, keys), keys, strict=True))
        found: dict[str, tuple[np.ndarray, int]] = {}
        now = time.time()
        stale: list[tuple[float, bytes]] = []
        # The lock is taken chunk by chunk: one session looking up a 200,000-line paste
        # must not keep another's one-line query from the cache for seconds.
        for chunk in _chunks(list(by_disk)):
            rows = self._select(
                "SELECT key, vector, tokens, used FROM vectors WHERE key IN "
                f"({','.join('?' * len(chunk))})",
                chunk,
            )
            if rows is None:
                return {}
            for key, blob, tokens, used in rows:
                if len(blob) == width:  # another size: not this model's row
                    found[by_disk[key]] = (np.frombuffer(blob, np.float32), int(tokens))
                    if used < now - TOUCH_AFTER_S:
                        stale.append((now, key))
        if stale:
            with self._lock:
                if self._connection is not None and self.status == "on":
                    self._write("UPDATE vectors SET used = ? WHERE key = ?", stale)
        return found

    def _select(self, sql: str, parameters: Sequence[bytes]) -> list[tuple[Any, ...]] | None:
        """The rows of one query under the lock; ``None`` when closed or failed (noted)."""
        with self._lock:
            if self._connection is None:  # closed meanwhile
                return None
            try:
                return self._connection.execute(sql, parameters).fetchall()
            except sqlite3.Error as error:
                self._failed("read", error)
                return None

    def count_present(self, embedder: Embedder, keys: Sequence[str]) -> int:
        """How many of ``keys`` are on disk (read only: marks nothing as used)."""
        if self._connection is None or not keys:
            return 0
        present = 0
        for chunk in _chunks(self._keys(embedder, keys)):
            rows = self._select(
                f"SELECT count(*) FROM vectors WHERE key IN ({','.join('?' * len(chunk))})", chunk
            )
            if rows is None:
                return 0
            present += int(rows[0][0])
        return present

    def put_many(
        self,
        embedder: Embedder,
        keys: Sequence[str],
        vectors: np.ndarray,
        token_counts: Sequence[int],
    ) -> None:
        """Keep full-size ``vectors`` [len(keys), native_dim] under ``keys``, then evict.

        Does nothing when the cache is read-only or off; a failed write is skipped.
        """
        if self.status != "on" or not keys:
            return
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        now = time.time()
        model = embedder.model_fingerprint
        records = [
            (key, model, row.tobytes(), int(count), now)
            for key, row, count in zip(self._keys(embedder, keys), rows, token_counts, strict=True)
        ]
        with self._lock:
            if self.status != "on":
                return
            if self._write("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?, ?)", records):
                self._evict()

    def _write(self, sql: str, rows: Sequence[tuple[object, ...]]) -> bool:
        """Run ``sql`` for every row in one transaction; ``False`` when it failed (skipped)."""
        assert self._connection is not None
        try:
            self._connection.execute("BEGIN IMMEDIATE")
            try:
                self._connection.executemany(sql, rows)
            except BaseException:
                self._connection.execute("ROLLBACK")
                raise
            self._connection.execute("COMMIT")
        except sqlite3.Error as error:
            self._failed("write", error)
            return False
        return True

    def _failed(self, what: str, error: sqlite3.Error) -> None:
        self.notice = f"The disk cache {self.path} could not {what} ({error}); skipped."
        if isinstance(error, sqlite3.OperationalError) and "readonly" in str(error):
            self.status = "read-only"

    def used_bytes(self) -> int:
        """Bytes of the file that hold data (free pages left by deletions not counted)."""
        if self._connection is None:
            return 0
        pragma = self._connection.execute
        pages = (
            pragma("PRAGMA page_count").fetchone()[0]
            - pragma("PRAGMA freelist_count").fetchone()[0]
        )
        return int(pages) * int(pragma("PRAGMA page_size").fetchone()[0])

    def _evict(self) -> None:
        """Drop least recently used rows until the file's used pages fit the cap."""
        assert self._connection is not None
        for _ in range(8):  # each round removes an estimate of the excess; a few suffice
            used = self.used_bytes()
            if used <= self.max_bytes:
                return
            (count,) = self._connection.execute("SELECT count(*) FROM vectors").fetchone()
            if not count:
                return
            excess = used - KEEP_AFTER_EVICTION * self.max_bytes
            drop = max(1, min(count, int(excess / (used / count)) + 1))
            self._write(
                "DELETE FROM vectors WHERE rowid IN "
                "(SELECT rowid FROM vectors ORDER BY used LIMIT ?)",
                [(drop,)],
            )

    # -- whole cache ---------------------------------------------------------------------

    def info(self, *, per_model: bool = True) -> CacheInfo:
        """Rows, bytes and (``per_model``: a slower full scan) the models now on disk."""
        models: list[tuple[str, int]] = []
        used = total = 0
        if self._connection is not None:
            with self._lock:
                try:
                    if per_model:
                        models = [
                            (str(model), int(count))
                            for model, count in self._connection.execute(
                                "SELECT model, count(*) FROM vectors GROUP BY model "
                                "ORDER BY count(*) DESC, model"
                            )
                        ]
                        total = sum(count for _, count in models)
                    else:
                        query = "SELECT count(*) FROM vectors INDEXED BY vectors_used"
                        total = int(self._connection.execute(query).fetchone()[0])
                    used = self.used_bytes()
                except sqlite3.Error as error:
                    self._failed("read", error)
        return CacheInfo(
            self.path, self.status, total, used, self.max_bytes, tuple(models), self.notice
        )

    def clear(self) -> int:
        """Remove every vector and give the space back to the file system; returns how many.

        Raises:
            CacheError: the cache is read-only or off, or another process holds it.
        """
        if self.status != "on" or self._connection is None:
            raise CacheError(
                f"The disk cache {self.path} cannot be cleared: it is {self.status}. "
                f"{self.notice or ''}".strip()
            )
        with self._lock:
            (count,) = self._connection.execute("SELECT count(*) FROM vectors").fetchone()
            if not self._write("DELETE FROM vectors", [()]):
                raise CacheError(f"{self.notice} Close other semsearch processes, then retry.")
            try:
                self._connection.execute("VACUUM")
                self._connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.Error:  # another process is reading: the space is reused later
                pass
        return int(count)

    def close(self) -> None:
        """Close the connection (the cache is then off for this object)."""
        with self._lock:
            if self._connection is not None:
                self._connection.close()
            self._connection = None
            self.status = "off"


_SHARED = PerFolder(DiskVectorCache)
"""One object per data folder and process (see :mod:`semsearch.per_folder`)."""


def shared_disk_cache(folder: str | Path | None = None) -> DiskVectorCache:
    """The disk cache of this process for ``folder`` (default: the data folder), made once.

    Every page session of the server uses the same object, so they share its vectors and
    its connection. The cap is read from ``SEMSEARCH_CACHE_MAX`` when it is first made.
    """
    return _SHARED.get(folder)
