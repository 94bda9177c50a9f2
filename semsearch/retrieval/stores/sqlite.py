"""Saved knowledge bases: passages, their vectors and how they were made, in one SQLite file.

The store lives in a data folder (``SEMSEARCH_DATA_DIR``, else the user data directory that
``platformdirs`` names) as ``knowledge-bases.sqlite3``. SQLite is embedded, needs no
server, and makes each save one transaction: a crash halfway through a save leaves the
previous version of that base, and every other base, exactly as they were.

Vectors are stored at the model's full size (float32), with the output dimension chosen at
save time; a base remembers its model and length cap, so that it is never searched with
vectors from another model (see :func:`semsearch.retrieval.library.open_base`).
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from semsearch.documents.chunking import Passage
from semsearch.errors import SemsearchError

FILE_NAME = "knowledge-bases.sqlite3"
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
    updated TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS passages (
    base TEXT NOT NULL REFERENCES knowledge_bases(name) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    text TEXT NOT NULL,
    source TEXT NOT NULL,
    place TEXT NOT NULL,
    tokens INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (base, position)
);
"""


class StoreError(SemsearchError):
    """A saved knowledge base is missing, already exists, or the store cannot be used."""


def data_dir() -> Path:
    """``SEMSEARCH_DATA_DIR``, else the platform's user data folder for semsearch."""
    configured = os.environ.get("SEMSEARCH_DATA_DIR", "").strip()
    if configured:
        return Path(configured).expanduser()
    from platformdirs import user_data_dir

    return Path(user_data_dir("semsearch", appauthor=False))


@dataclass(frozen=True)
class BaseInfo:
    """What a saved base holds and how its vectors were made."""

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
    passages: int
    created: str
    updated: str
    settings: dict[str, Any] = field(default_factory=dict)
    """How the passages were made (chunking) and the query instruction."""


@dataclass(frozen=True)
class SavedBase:
    """A saved base, read back."""

    info: BaseInfo
    passages: list[Passage]
    vectors: np.ndarray
    """float32 [passages, native_dim], unit rows."""
    token_counts: np.ndarray


class KnowledgeBaseStore:
    """The saved knowledge bases in one folder. Safe to use from several threads/processes."""

    def __init__(self, folder: str | Path | None = None) -> None:
        self.folder = Path(folder).expanduser() if folder is not None else data_dir()
        self.path = self.folder / FILE_NAME

    def _connect(self) -> sqlite3.Connection:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(self.path, timeout=30, isolation_level=None)
            connection.execute("PRAGMA foreign_keys = ON")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(_SCHEMA)
        except (OSError, sqlite3.Error) as error:
            raise StoreError(
                f"Cannot use the knowledge-base store at {self.path}: {error}. "
                "Set SEMSEARCH_DATA_DIR to a writable folder."
            ) from None
        return connection

    def save(
        self,
        name: str,
        *,
        passages: Sequence[Passage],
        vectors: np.ndarray,
        token_counts: Sequence[int],
        model: str,
        model_spec: str,
        dim: int,
        max_length: int,
        dtype: str,
        settings: dict[str, Any] | None = None,
        replace: bool = False,
    ) -> BaseInfo:
        """Save a base in one transaction; with ``replace``, over a base of the same name.

        Raises:
            StoreError: an empty or over-long name, mismatched sizes, or the name is taken
                and ``replace`` is False.
        """
        name = name.strip()
        if not name or len(name) > 120:
            raise StoreError("A knowledge base needs a name of 1 to 120 characters.")
        rows = np.ascontiguousarray(vectors, dtype=np.float32)
        if rows.ndim != 2 or rows.shape[0] != len(passages) or len(token_counts) != len(passages):
            raise StoreError(
                f"{len(passages)} passages, {len(token_counts)} token counts and vectors of "
                f"shape {rows.shape} do not match."
            )
        if not passages:
            raise StoreError(f"Nothing to save in {name!r}: the knowledge base is empty.")
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            old = connection.execute(
                "SELECT passages, model, created FROM knowledge_bases WHERE name = ?", (name,)
            ).fetchone()
            if old is not None and not replace:
                raise StoreError(
                    f"A knowledge base named {name!r} already exists ({old[0]} passages, "
                    f"{old[1]}); replace it or choose another name."
                )
            created = old[2] if old is not None else now
            connection.execute("DELETE FROM knowledge_bases WHERE name = ?", (name,))
            connection.execute(
                "INSERT INTO knowledge_bases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (name, model, model_spec, rows.shape[1], dim, max_length, dtype,
                 json.dumps(settings or {}, ensure_ascii=False), len(passages), created, now),
            )  # fmt: skip
            connection.executemany(
                "INSERT INTO passages VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    (name, i, p.text, p.source, p.place, int(token_counts[i]), rows[i].tobytes())
                    for i, p in enumerate(passages)
                ),
            )
            connection.execute("COMMIT")
        except BaseException:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            raise
        finally:
            connection.close()
        return self.info(name)

    def list(self) -> list[BaseInfo]:
        """Every saved base, by name (none before the first save: nothing is created here)."""
        if not self.path.exists():
            return []
        connection = self._connect()
        try:
            rows = connection.execute("SELECT * FROM knowledge_bases ORDER BY name").fetchall()
        finally:
            connection.close()
        return [_info(row) for row in rows]

    def info(self, name: str) -> BaseInfo:
        """What the base ``name`` holds. Raises StoreError when there is none."""
        if not self.path.exists():
            raise StoreError(self._missing(name))
        connection = self._connect()
        try:
            row = connection.execute(
                "SELECT * FROM knowledge_bases WHERE name = ?", (name,)
            ).fetchone()
        finally:
            connection.close()
        if row is None:
            raise StoreError(self._missing(name))
        return _info(row)

    def load(self, name: str) -> SavedBase:
        """The base ``name`` with its passages and vectors. Raises StoreError when there is none."""
        info = self.info(name)
        connection = self._connect()
        try:
            rows = connection.execute(
                "SELECT text, source, place, tokens, vector FROM passages "
                "WHERE base = ? ORDER BY position",
                (name,),
            ).fetchall()
        finally:
            connection.close()
        vectors = np.frombuffer(b"".join(row[4] for row in rows), dtype=np.float32)
        return SavedBase(
            info=info,
            passages=[Passage(row[0], row[1], row[2]) for row in rows],
            vectors=vectors.reshape(len(rows), info.native_dim).copy(),
            token_counts=np.array([row[3] for row in rows], dtype=np.int64),
        )

    def delete(self, name: str) -> None:
        """Delete the base ``name``. Raises StoreError when there is none."""
        if not self.path.exists():
            raise StoreError(self._missing(name))
        connection = self._connect()
        try:
            deleted = connection.execute(
                "DELETE FROM knowledge_bases WHERE name = ?", (name,)
            ).rowcount
        finally:
            connection.close()
        if not deleted:
            raise StoreError(self._missing(name))

    def _missing(self, name: str) -> str:
        names = [info.name for info in self.list()]
        known = f"saved: {', '.join(names)}" if names else "none is saved yet"
        return f"No knowledge base named {name!r} in {self.folder} ({known})."


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
