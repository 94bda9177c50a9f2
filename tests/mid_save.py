"""Hold a child process inside a store's save, so that a kill -9 surely lands mid-write.

``PausedPassages`` is the list of passages handed to ``save``. Stores read their passages
more than once (checking them, then writing them); each time passage ``at`` is read the list
asks ``writing()`` whether the write is under way, as seen from outside the store (SQLite: a
second connection cannot take the write lock; Milvus: the new, unaliased collection exists).
The first time it is, the child prints ``writing``, flushes, and waits to be killed. The
parent reads that line and kills: no sleep, no race with a busy machine, and a save that
never reaches its write prints ``saved`` instead, so the test fails rather than passing
without interrupting anything.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, SupportsIndex

from semsearch.documents.chunking import Passage

WRITING = "writing"
"""The line the child prints when it stops inside the write."""


class PausedPassages(list[Passage]):
    """Passages that stop the reading thread for good once ``writing()`` holds at ``at``."""

    def __init__(self, passages: list[Passage], at: int, writing: Callable[[], bool]) -> None:
        super().__init__(passages)
        self.at = at
        self.writing = writing

    def _reached(self, index: int) -> None:
        if index == self.at and self.writing():
            print(WRITING, flush=True)
            threading.Event().wait()  # until the kill: the write never finishes

    def __iter__(self) -> Iterator[Passage]:
        for index, passage in enumerate(super().__iter__()):
            self._reached(index)
            yield passage

    def __getitem__(self, index: SupportsIndex | slice) -> Any:
        if not isinstance(index, slice):
            self._reached(int(index))
        return super().__getitem__(index)


def sqlite_writing(database: Path) -> Callable[[], bool]:
    """Whether some connection holds the write lock of ``database`` (a transaction is open)."""

    def writing() -> bool:
        if not database.exists():
            return False
        connection = sqlite3.connect(database, timeout=0, isolation_level=None)
        try:
            connection.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            return "locked" in str(error)
        finally:
            connection.close()  # closing rolls back the transaction this connection began
        return False

    return writing


def milvus_writing(store: Any) -> Callable[[], bool]:
    """Whether ``store`` (a MilvusStore) has a collection that no alias names yet: a save's
    new version being filled. Asks the store's own client: Milvus Lite takes no second one."""
    before = set(store._client.list_collections())

    def writing() -> bool:
        return bool(set(store._client.list_collections()) - before)

    return writing
