"""The embedded store: passages in one SQLite file, vectors in memory-mapped float32 files.

The store lives in a data folder (:func:`semsearch.data_folder.data_dir`: ``SEMSEARCH_DATA_DIR``,
else the user data directory that ``platformdirs`` names): ``knowledge-bases.sqlite3`` holds
each base's binding, passages, token counts and content hashes; ``vectors/<random>.f32``
holds its vectors, row after row, float32 at the model's full size. SQLite is embedded,
needs no server, and every change is one transaction; the vector file a base uses is named
in that transaction, so

* ``save`` writes a *new* vector file, fsyncs it, then swaps it in with the passages in one
  commit: a crash halfway leaves the previous version of the base, and every other base,
  exactly as they were (the half-written file is an orphan, removed later);
* ``add`` appends rows past the committed end of the base's file, fsyncs, then commits the
  passages and the new count: rows past the count are never read and the next ``add``
  writes over them.

Searching maps a base's file read-only (``np.memmap``), once per process: every thread and
page session shares that mapping, and the operating system's page cache holds the bytes, so
opening a 1M x 384 base copies nothing into a session. Ranking is one matrix-vector product
over the mapping (the memory-bandwidth floor), then ``argpartition`` for the top k.

What it does not do: encode, or check the model; see :mod:`semsearch.retrieval.library`.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from semsearch.data_folder import data_dir
from semsearch.documents.chunking import Passage
from semsearch.retrieval.filters import PASSAGE_FIELDS, Filter, Where
from semsearch.retrieval.ranking import top_hits
from semsearch.retrieval.stores.base import (
    BaseInfo,
    BaseSpec,
    SavedBase,
    StoreBase,
    StoredHit,
    StoredRows,
    StoreError,
    check_query,
    check_rows,
    check_top_k,
    check_where,
    check_width,
    unique_rows,
)
from semsearch.retrieval.stores.locks import LOCK_FOLDER
from semsearch.settings import expand_folder
from semsearch.sqlite_files import Opened, open_sqlite

__all__ = ["FILE_NAME", "BaseInfo", "KnowledgeBaseStore", "SQLiteStore", "SavedBase", "StoreError"]

FILE_NAME = "knowledge-bases.sqlite3"
VECTOR_FOLDER = "vectors"
ORPHAN_AGE_S = 3600.0
"""A vector file no base names is removed once this old: younger, it may be a save under way."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS knowledge_bases (
    name TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    model_spec TEXT NOT NULL,
    native_dim INTEGER NOT NULL,
    dim INTEGER NOT NULL,
    max_length INTEGER NOT NULL,
    dtype TEXT NOT NULL,
    settings TEXT NOT NULL,
    passages INTEGER NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    vectors TEXT
);
CREATE TABLE IF NOT EXISTS passages (
    base TEXT NOT NULL REFERENCES knowledge_bases(name) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    place TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    vector BLOB NOT NULL DEFAULT x'',
    hash TEXT NOT NULL DEFAULT '',
    heading TEXT NOT NULL DEFAULT '',
    metadata TEXT NOT NULL DEFAULT '{}',
    PRIMARY KEY (base, position)
);
"""
# ``metadata`` is a JSON object (field -> value) so that SQLite's json_extract can filter it.
# ``vector`` holds the vectors of bases saved before vector files existed; they move to a
# file the first time such a base is used (see ``_migrate``), leaving the column empty.
_PASSAGE = "text, source, place, heading, metadata"
"""The columns :func:`_passage` makes a Passage of, in its order."""
_INFO_COLUMNS = (
    "name, model, model_spec, native_dim, dim, max_length, dtype, settings, passages, "
    "created, updated"
)


class _Mapped:
    """One vector file mapped read-only, and its row norms at each Matryoshka size asked."""

    def __init__(self, path: Path, rows: int, dim: int) -> None:
        self.path = path
        self.rows = rows
        self.matrix: np.ndarray = (
            np.memmap(path, dtype=np.float32, mode="r", shape=(rows, dim))
            if rows
            else np.zeros((0, dim), dtype=np.float32)
        )
        self._norms: dict[int, np.ndarray] = {}
        self._lock = threading.Lock()

    def norms(self, dim: int) -> np.ndarray:
        """Length of every row cut to ``dim`` values, computed once per size."""
        with self._lock:
            if dim not in self._norms:
                cut = self.matrix[:, :dim]
                norms = np.empty(self.rows, dtype=np.float32)
                for start in range(0, self.rows, 65_536):  # bounded scratch memory
                    block = np.asarray(cut[start : start + 65_536])
                    norms[start : start + len(block)] = np.linalg.norm(block, axis=1)
                self._norms[dim] = np.maximum(norms, 1e-12)
            return self._norms[dim]


class _Mappings:
    """At most one mapping per vector file in this process, shared by every thread."""

    def __init__(self, size: int = 16) -> None:
        self.size = size
        self._entries: OrderedDict[str, _Mapped] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, path: Path, rows: int, dim: int) -> _Mapped:
        key = os.fspath(path)
        with self._lock:
            mapped = self._entries.get(key)
            if mapped is None or mapped.rows != rows:  # new file, or rows added since
                try:
                    mapped = _Mapped(path, rows, dim)
                except (OSError, ValueError) as error:
                    raise StoreError(
                        f"The vector file {path} of a saved base cannot be read: {error}. "
                        "Save the base again."
                    ) from None
                self._entries[key] = mapped
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
            return mapped


_MAPPINGS = _Mappings()


class _IdSets:
    """The ids matching a filter, per vector file, row count and filter, found by SQL once.

    A base's rows never change in place: a save writes a new file, an add raises the count;
    either makes a new key, so an entry is never stale. The newest ``size`` are kept.
    """

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._entries: OrderedDict[object, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: object, make: Callable[[], np.ndarray]) -> np.ndarray:
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        found = make()  # outside the lock: SQL may take a while on a large base
        with self._lock:
            self._entries[key] = found
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)
        return found


_ID_SETS = _IdSets()


_NO_SPACE = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


@contextmanager
def _writing(action: str, folder: Path) -> Iterator[None]:
    """Turn a failed write (a full disk, a file-size limit, an I/O error) into a StoreError.

    SQLite rolls its transaction back and a vector file is only named by a commit, so what
    was saved before stays as it was: the message says so, and how to make room.
    """
    try:
        yield
    except (OSError, sqlite3.Error) as error:
        code = getattr(error, "sqlite_errorname", "")
        full = code == "SQLITE_FULL" or getattr(error, "errno", None) in _NO_SPACE
        if full or code.startswith("SQLITE_IOERR"):
            why = f"the disk is full or cannot be written ({error})"
            fix = "free some space or set SEMSEARCH_DATA_DIR to a folder on another disk"
        else:
            why, fix = str(error), "check that the folder is writable and try again"
        raise StoreError(
            f"Cannot {action} in {folder}: {why}; {fix}. The bases saved before are unchanged."
        ) from None


class KnowledgeBaseStore(StoreBase):
    """The saved knowledge bases in one folder. Safe to use from several threads/processes."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = expand_folder(folder) if folder is not None else data_dir()
        self.path = self.folder / FILE_NAME
        self.vector_folder = self.folder / VECTOR_FOLDER
        self.lock_folder = self.folder / LOCK_FOLDER
        self.uri = f"sqlite:{self.folder}"

    # -- connections ---------------------------------------------------------------------

    def _connect(self) -> sqlite3.Connection:
        """A connection that may write (the folder and the schema are made here)."""
        self._make_vector_folder()
        opened = self._open()
        if opened.status != "on" or opened.connection is None:
            if opened.connection is not None:  # read-only: of no use for writing
                opened.connection.close()
            raise StoreError(self._unusable(opened))
        return opened.connection

    def _open(self) -> Opened:
        # A damaged store is never moved aside: the bases in it are someone's work.
        return open_sqlite(self.path, prepare=_prepare, probe=_PROBE, timeout=30)

    def _make_vector_folder(self) -> None:
        try:
            self.vector_folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StoreError(
                f"Cannot use the knowledge-base store at {self.path}: {error}. "
                "Set SEMSEARCH_DATA_DIR to a writable folder."
            ) from None

    def _unusable(self, opened: Opened) -> str:
        if opened.trouble == "damaged":
            return (
                f"The knowledge-base store at {self.path} is damaged ({opened.error}). "
                "Move the file aside (sqlite3's .recover may rescue its bases) or set "
                "SEMSEARCH_DATA_DIR to another folder."
            )
        if opened.status == "read-only" or opened.trouble == "read-only-folder":
            return (
                f"Cannot use the knowledge-base store at {self.path}: the folder is "
                "read-only. Set SEMSEARCH_DATA_DIR to a writable folder."
            )
        return (
            f"Cannot use the knowledge-base store at {self.path}: {opened.error}. "
            "Set SEMSEARCH_DATA_DIR to a writable folder."
        )

    def _read(self) -> sqlite3.Connection | None:
        """A connection for reading, None before the first save (reading creates nothing).

        A folder this process may not write (a shared, read-only data folder) is opened
        read-only; one whose WAL files are missing too is opened as immutable.
        """
        if not self.path.exists():
            return None
        opened = self._open()
        if opened.connection is None:
            raise StoreError(self._unusable(opened))
        if opened.status == "on":  # a writable store may move old vectors into a file
            try:
                self._make_vector_folder()
            except StoreError:
                opened.connection.close()
                raise
        return opened.connection

    def _base(self, connection: sqlite3.Connection, name: str) -> tuple[int, int, Path]:
        """(passages, native_dim, vector file) of ``name``, moving old blobs to a file."""
        row = connection.execute(
            "SELECT passages, native_dim, vectors FROM knowledge_bases WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise StoreError(self._missing(name))
        count, native_dim, vectors = row
        if vectors is None:
            vectors = self._migrate(connection, name, count, native_dim)
        return count, native_dim, self.vector_folder / vectors

    # -- writing -------------------------------------------------------------------------

    def create(self, spec: BaseSpec, *, replace: bool = False) -> BaseInfo:
        """Start an empty base bound to ``spec`` (see ``VectorStore.create``)."""
        self.check_spec(spec)
        with _writing(f"create {spec.name!r}", self.folder):
            return self._write_base(spec, np.zeros((0, spec.native_dim), np.float32), [], [],
                                    [], replace=replace, allow_empty=True)  # fmt: skip

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
        """Save a whole base in one commit; with ``replace``, over a base of the same name.

        Raises:
            StoreError: an empty or over-long name, mismatched sizes, nothing to save, or
                the name is taken and ``replace`` is False.
        """
        rows = check_rows(passages, vectors, token_counts, hashes)
        kept = unique_rows(hashes)
        if len(kept) < len(passages):  # a passage given twice is kept once
            passages = [passages[i] for i in kept]
            token_counts = [token_counts[i] for i in kept]
            hashes = [hashes[i] for i in kept]
            rows = rows[kept]
        with _writing(f"save {spec.name!r}", self.folder):
            return self._write_base(spec, rows, passages, token_counts, hashes, replace=replace)

    def _write_base(
        self,
        spec: BaseSpec,
        rows: np.ndarray,
        passages: Sequence[Passage],
        token_counts: Sequence[int],
        hashes: Sequence[str],
        *,
        replace: bool,
        allow_empty: bool = False,
    ) -> BaseInfo:
        name = self.check_spec(spec)
        if not allow_empty and not len(passages):
            raise StoreError(f"Nothing to save in {name!r}: the knowledge base is empty.")
        check_width(name, spec, rows)
        with self.writing(name):
            old = self._swap_in(name, spec, rows, passages, token_counts, hashes, replace)
        if old:
            _unlink(self.vector_folder / old)
        self.remove_orphans()
        return self.info(name)

    def _swap_in(
        self,
        name: str,
        spec: BaseSpec,
        rows: np.ndarray,
        passages: Sequence[Passage],
        token_counts: Sequence[int],
        hashes: Sequence[str],
        replace: bool,
    ) -> str | None:
        """Write the base's new vector file and commit it with its rows; the old file's name."""
        connection = self._connect()
        file_name = f"{uuid.uuid4().hex}.f32"
        committed = False
        try:
            _write_file(self.vector_folder / file_name, rows)  # before the commit names it
            now = _now()
            connection.execute("BEGIN IMMEDIATE")
            old = connection.execute(
                "SELECT passages, model, created, vectors FROM knowledge_bases WHERE name = ?",
                (name,),
            ).fetchone()
            if old is not None and not replace:
                raise StoreError(
                    f"A knowledge base named {name!r} already exists ({old[0]} passages, "
                    f"{old[1]}); replace it or choose another name."
                )
            created = old[2] if old is not None else now
            connection.execute("DELETE FROM knowledge_bases WHERE name = ?", (name,))
            connection.execute(
                f"INSERT INTO knowledge_bases ({_INFO_COLUMNS}, vectors) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, spec.model, spec.model_spec, spec.native_dim, spec.dim, spec.max_length,
                 spec.dtype, json.dumps(spec.settings, ensure_ascii=False), len(passages),
                 created, now, file_name),
            )  # fmt: skip
            _insert_passages(connection, name, 0, passages, token_counts, hashes)
            connection.execute("COMMIT")
            committed = True
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
            if not committed:
                _unlink(self.vector_folder / file_name)
        return old[3] if old is not None else None

    def add(
        self,
        name: str,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
    ) -> list[int]:
        """Append passages to ``name``; durable when this returns (see the module docstring)."""
        rows = check_rows(passages, vectors, token_counts, hashes)
        with self.writing(name), _writing(f"add to {name!r}", self.folder):
            return self._append(name, passages, rows, token_counts, hashes)

    def _append(
        self,
        name: str,
        passages: Sequence[Passage],
        rows: np.ndarray,
        token_counts: Sequence[int],
        hashes: Sequence[str],
    ) -> list[int]:
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")  # one writer: the file's end is ours
            count, native_dim, path = self._base(connection, name)
            check_rows(passages, rows, token_counts, hashes, native_dim)
            kept = unique_rows(hashes, _held(connection, name, hashes))
            if len(kept) < len(passages):
                passages = [passages[i] for i in kept]
                token_counts = [token_counts[i] for i in kept]
                hashes = [hashes[i] for i in kept]
                rows = rows[kept]
            if not passages:
                return []
            with path.open("r+b") as file:
                file.seek(count * native_dim * 4)
                file.write(rows.tobytes())
                file.truncate()
                file.flush()
                os.fsync(file.fileno())
            _insert_passages(connection, name, count, passages, token_counts, hashes)
            connection.execute(
                "UPDATE knowledge_bases SET passages = ?, updated = ? WHERE name = ?",
                (count + len(passages), _now(), name),
            )
            connection.execute("COMMIT")
        finally:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            connection.close()
        return list(range(count, count + len(passages)))

    def delete(self, name: str) -> None:
        """Delete the base ``name`` and its vector file. Raises StoreError when there is none."""
        if not self.path.exists():
            raise StoreError(self._missing(name))
        with self.writing(name):
            connection = self._connect()
            try:
                with _writing(f"delete {name!r}", self.folder):
                    row = connection.execute(
                        "SELECT vectors FROM knowledge_bases WHERE name = ?", (name,)
                    ).fetchone()
                    connection.execute("DELETE FROM knowledge_bases WHERE name = ?", (name,))
            finally:
                connection.close()
        if row is None:
            raise StoreError(self._missing(name))
        if row[0]:
            _unlink(self.vector_folder / row[0])

    def remove_orphans(self, min_age_s: float = ORPHAN_AGE_S) -> list[str]:
        """Delete vector files no base names and untouched for ``min_age_s``; their names.

        A younger unnamed file may be a save in progress in another process, so it stays.
        """
        if not self.vector_folder.is_dir():
            return []
        connection = self._connect()
        try:
            named = {row[0] for row in connection.execute("SELECT vectors FROM knowledge_bases")}
        finally:
            connection.close()
        removed = []
        cutoff = time.time() - min_age_s
        for path in self.vector_folder.glob("*.f32"):
            try:
                if path.name not in named and path.stat().st_mtime <= cutoff:
                    path.unlink()
                    removed.append(path.name)
            except FileNotFoundError:
                continue
        return removed

    def _migrate(
        self, connection: sqlite3.Connection, name: str, count: int, native_dim: int
    ) -> str:
        """Move the vectors of a base saved before vector files into one; its file name.

        Runs inside the caller's write transaction when there is one (``add``), else in
        its own; a read-only store cannot do it and says so.
        """
        file_name = f"{uuid.uuid4().hex}.f32"
        own = not connection.in_transaction
        try:
            blobs = connection.execute(
                "SELECT vector FROM passages WHERE base = ? ORDER BY position", (name,)
            ).fetchall()
            rows = np.frombuffer(b"".join(b[0] for b in blobs), dtype=np.float32)
            _write_file(self.vector_folder / file_name, rows.reshape(count, native_dim))
            if own:
                connection.execute("BEGIN IMMEDIATE")
            connection.execute(
                "UPDATE knowledge_bases SET vectors = ? WHERE name = ?", (file_name, name)
            )
            connection.execute("UPDATE passages SET vector = x'' WHERE base = ?", (name,))
            if own:
                connection.execute("COMMIT")
        except (OSError, sqlite3.Error, ValueError) as error:
            if own and connection.in_transaction:
                connection.execute("ROLLBACK")
            _unlink(self.vector_folder / file_name)
            raise StoreError(
                f"{name!r} was saved by an older semsearch and its vectors must move to "
                f"{self.vector_folder} once, which failed: {error}. Open it once with a "
                "writable data folder."
            ) from None
        return file_name

    # -- reading -------------------------------------------------------------------------

    def info(self, name: str) -> BaseInfo:
        """What the base ``name`` holds. Raises StoreError when there is none."""
        connection = self._read()
        if connection is None:
            raise StoreError(self._missing(name))
        try:
            row = connection.execute(
                f"SELECT {_INFO_COLUMNS} FROM knowledge_bases WHERE name = ?", (name,)
            ).fetchone()
        finally:
            connection.close()
        if row is None:
            raise StoreError(self._missing(name))
        return _info(row)

    def count(self, name: str) -> int:
        """Passages in ``name``."""
        return self.info(name).passages

    def hashes(self, name: str) -> set[str]:
        """The content hashes of every passage in ``name`` (bases from before hashes: none)."""
        with self._reading(name) as (connection, _):
            found = connection.execute("SELECT hash FROM passages WHERE base = ?", (name,))
            return {row[0] for row in found if row[0]}

    def _reading(self, name: str) -> _Reading:
        connection = self._read()
        if connection is None:
            raise StoreError(self._missing(name))
        return _Reading(self, connection, name)

    def matrix(self, name: str) -> np.ndarray:
        """float32 [passages, native_dim]: the base's vectors, the process-wide read-only map."""
        with self._reading(name) as (_, mapped):
            return mapped.matrix

    def search(
        self,
        name: str,
        query: np.ndarray,
        *,
        top_k: int,
        threshold: float | None = None,
        where: Where | None = None,
    ) -> list[StoredHit]:
        """Exact top-k by cosine over the mapped vectors (see ``VectorStore.search``).

        A filter is a set of ids found by SQL first (and kept for the next search with the
        same filter); only those rows are scored.
        """
        check_top_k(top_k)
        fields = check_where(where)
        with self._reading(name) as (connection, mapped):
            vector = check_query(query, mapped.matrix.shape[1])
            ids: np.ndarray | None = None
            if fields:
                clause, values = _where_sql(fields)
                key = (os.fspath(mapped.path), mapped.rows, tuple(fields.items()))
                ids = _ID_SETS.get(key, lambda: np.array(
                    [row[0] for row in connection.execute(
                        f"SELECT position FROM passages WHERE base = ? AND {clause} "
                        "AND position < ? ORDER BY position", (name, *values, mapped.rows))],
                    dtype=np.int64,
                ))  # fmt: skip
            scores = _scores(mapped, vector, ids)
            hits = top_hits(scores, top_k=top_k, threshold=threshold)
            chosen = [int(ids[h.index]) if ids is not None else h.index for h in hits]
            found = _passages(connection, name, chosen)
        return [StoredHit(i, h.score, p) for i, h, p in zip(chosen, hits, found, strict=True)]

    def passages(self, name: str, ids: Sequence[int]) -> list[Passage]:
        """The passages with these ids, in that order."""
        with self._reading(name) as (connection, _):
            return _passages(connection, name, [int(i) for i in ids])

    def vectors(self, name: str, ids: Sequence[int]) -> np.ndarray:
        """float32 [len(ids), native_dim]: the stored vectors with these ids, in that order."""
        with self._reading(name) as (_, mapped):
            chosen = np.asarray(ids, dtype=np.int64).reshape(-1)
            if chosen.size and (chosen.min() < 0 or chosen.max() >= mapped.rows):
                raise StoreError(
                    f"{name!r} has ids 0 to {mapped.rows - 1}; asked for "
                    f"{sorted(set(chosen.tolist()) - set(range(mapped.rows)))[:5]}."
                )
            return np.array(mapped.matrix[chosen], dtype=np.float32)

    def rows(self, name: str, *, batch: int = 10_000) -> Iterator[StoredRows]:
        """Every row of ``name`` in id order, ``batch`` at a time."""
        with self._reading(name) as (connection, mapped):
            for start in range(0, mapped.rows, max(1, batch)):
                found = connection.execute(
                    f"SELECT position, tokens, hash, {_PASSAGE} FROM passages "
                    "WHERE base = ? AND position >= ? AND position < ? ORDER BY position",
                    (name, start, start + batch),
                ).fetchall()
                ids = [row[0] for row in found]
                yield StoredRows(
                    ids=ids,
                    passages=[_passage(row[3:]) for row in found],
                    vectors=np.array(mapped.matrix[start : start + len(ids)]),
                    token_counts=[row[1] for row in found],
                    hashes=[row[2] for row in found],
                )

    def load(self, name: str) -> SavedBase:
        """The base ``name`` whole: passages, the shared vector mapping, token counts.

        Overrides :meth:`StoreBase.load`: the vectors are the process-wide read-only
        mapping, not a copy.
        """
        info = self.info(name)
        with self._reading(name) as (connection, mapped):
            found = connection.execute(
                f"SELECT tokens, {_PASSAGE} FROM passages WHERE base = ? ORDER BY position",
                (name,),
            ).fetchall()
        return SavedBase(
            info=info,
            passages=[_passage(row[1:]) for row in found],
            vectors=mapped.matrix,
            token_counts=np.array([row[0] for row in found], dtype=np.int64),
        )

    def _missing(self, name: str) -> str:
        names = [info.name for info in self.list()]
        known = f"saved: {', '.join(names)}" if names else "none is saved yet"
        return f"No knowledge base named {name!r} in {self.folder} ({known})."

    # Last in the class: a method named ``list`` would shadow the builtin in the
    # annotations of the methods after it.
    def list(self) -> list[BaseInfo]:
        """Every saved base, by name (none before the first save: nothing is created here)."""
        connection = self._read()
        if connection is None:
            return []
        try:
            rows = connection.execute(
                f"SELECT {_INFO_COLUMNS} FROM knowledge_bases ORDER BY name"
            ).fetchall()
        finally:
            connection.close()
        return [_info(row) for row in rows]


SQLiteStore = KnowledgeBaseStore
"""The embedded store under the name of what it is (``KnowledgeBaseStore`` is its old name)."""


class _Reading:
    """``with store._reading(name) as (connection, mapping)``: closes the connection."""

    def __init__(
        self, store: KnowledgeBaseStore, connection: sqlite3.Connection, name: str
    ) -> None:
        self.store, self.connection, self.name = store, connection, name

    def __enter__(self) -> tuple[sqlite3.Connection, _Mapped]:
        try:
            count, native_dim, path = self.store._base(self.connection, self.name)
            return self.connection, _MAPPINGS.get(path, count, native_dim)
        except BaseException:
            self.connection.close()
            raise

    def __exit__(self, *exc: object) -> None:
        self.connection.close()


def _scores(mapped: _Mapped, query: np.ndarray, ids: np.ndarray | None) -> np.ndarray:
    """Cosine of ``query`` with every row (or the rows ``ids``), cut to the query's size."""
    dim = query.shape[0]
    full = dim == mapped.matrix.shape[1]
    rows = mapped.matrix if ids is None else mapped.matrix[ids]
    # A strided [:, :dim] view goes to BLAS as is (row stride = native size): no copy.
    scores = np.asarray(rows[:, :dim] @ query, dtype=np.float32)
    if not full:
        norms = mapped.norms(dim)
        scores /= norms if ids is None else norms[ids]
    return scores


def _where_sql(fields: Filter) -> tuple[str, list[str]]:
    """A SQL condition on ``passages`` for a checked filter, and its parameters.

    Metadata keys go through ``json_each`` rather than a ``json_extract`` path, so that any
    key (quotes, dots, CJK) is a bound parameter, never spliced into SQL.
    """
    clauses: list[str] = []
    values: list[str] = []
    for field, allowed in fields.items():
        marks = ", ".join("?" * len(allowed))
        if field in PASSAGE_FIELDS:  # a fixed column name, never user text
            clauses.append(f"{field} IN ({marks})")
        else:
            clauses.append(
                "EXISTS (SELECT 1 FROM json_each(passages.metadata) AS item "
                f"WHERE item.key = ? AND item.value IN ({marks}))"
            )
            values.append(field)
        values.extend(allowed)
    return " AND ".join(clauses), values


def _passage(row: Sequence[Any]) -> Passage:
    """A Passage from the columns :data:`_PASSAGE` names."""
    text, source, place, heading, metadata = row
    fields = json.loads(metadata or "{}")
    return Passage(text, source, place, heading, tuple((k, str(v)) for k, v in fields.items()))


def _passages(connection: sqlite3.Connection, name: str, ids: Sequence[int]) -> list[Passage]:
    found: dict[int, Passage] = {}
    unique = sorted(set(ids))
    for start in range(0, len(unique), 500):
        chunk = unique[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        for row in connection.execute(
            f"SELECT position, {_PASSAGE} FROM passages WHERE base = ? AND position IN ({marks})",
            (name, *chunk),
        ):
            found[row[0]] = _passage(row[1:])
    missing = [i for i in unique if i not in found]
    if missing:
        raise StoreError(f"{name!r} has no passages with ids {missing[:5]}.")
    return [found[i] for i in ids]


def _held(connection: sqlite3.Connection, name: str, hashes: Sequence[str]) -> set[str]:
    """Which of ``hashes`` the base ``name`` already holds (found by the hash index)."""
    wanted = sorted({h for h in hashes if h})
    held: set[str] = set()
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ", ".join("?" * len(chunk))
        found = connection.execute(
            f"SELECT hash FROM passages WHERE base = ? AND hash IN ({marks})", (name, *chunk)
        )
        held.update(row[0] for row in found)
    return held


def _insert_passages(
    connection: sqlite3.Connection,
    name: str,
    first: int,
    passages: Sequence[Passage],
    token_counts: Sequence[int],
    hashes: Sequence[str],
) -> None:
    rows = [
        (name, first + i, p.text, p.source, p.place, int(token_counts[i]), hashes[i], p.heading,
         json.dumps(dict(p.metadata), ensure_ascii=False))
        for i, p in enumerate(passages)
    ]  # fmt: skip
    connection.executemany(
        "INSERT INTO passages (base, position, text, source, place, tokens, vector, hash, "
        "heading, metadata) VALUES (?, ?, ?, ?, ?, ?, x'', ?, ?, ?)",
        rows,
    )


def _write_file(path: Path, rows: np.ndarray) -> None:
    """Write ``rows`` as raw float32 and make them durable before anything names the file."""
    with path.open("wb") as file:
        for start in range(0, rows.shape[0], 65_536):  # no second copy of a large base
            file.write(np.ascontiguousarray(rows[start : start + 65_536], np.float32).tobytes())
        file.flush()
        os.fsync(file.fileno())


def _unlink(path: Path) -> None:
    # A mapping of it (this or another process) stays valid: POSIX frees the bytes on unmap.
    path.unlink(missing_ok=True)


_PROBE = "SELECT 1 FROM knowledge_bases LIMIT 1"


def _prepare(connection: sqlite3.Connection) -> None:
    connection.execute("PRAGMA foreign_keys = ON")
    connection.executescript(_SCHEMA)
    _upgrade(connection)


def _upgrade(connection: sqlite3.Connection) -> None:
    """Add the columns a store made before them lacks (vector files, hashes, metadata).

    Passages saved before headings and metadata get none: ``''`` and ``{}``.
    """
    bases = {row[1] for row in connection.execute("PRAGMA table_info(knowledge_bases)")}
    if "vectors" not in bases:
        connection.execute("ALTER TABLE knowledge_bases ADD COLUMN vectors TEXT")
    passages = {row[1] for row in connection.execute("PRAGMA table_info(passages)")}
    if "hash" not in passages:
        connection.execute("ALTER TABLE passages ADD COLUMN hash TEXT NOT NULL DEFAULT ''")
    if "heading" not in passages:
        connection.execute("ALTER TABLE passages ADD COLUMN heading TEXT NOT NULL DEFAULT ''")
    if "metadata" not in passages:
        connection.execute("ALTER TABLE passages ADD COLUMN metadata TEXT NOT NULL DEFAULT '{}'")
    # A passage is kept once per base: adding looks its hash up (made once, then kept).
    connection.execute("CREATE INDEX IF NOT EXISTS passages_by_hash ON passages (base, hash)")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _info(row: tuple[Any, ...]) -> BaseInfo:
    name, model, spec, native, dim, length, dtype, settings, count, created, updated = row
    return BaseInfo(
        name=name,
        model=model,
        model_spec=spec,
        native_dim=native,
        dim=dim,
        max_length=length,
        dtype=dtype,
        passages=count,
        created=created,
        updated=updated,
        settings=json.loads(settings),
    )
