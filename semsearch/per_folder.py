"""One object per data folder and process, shared by every session of a server.

The disk vector cache and the page memory each keep one open SQLite connection per data
folder; every session of the page must get the same object so that they share it. What it
does not do: close anything. A folder pushed out of the registry is dropped, not closed: a
session may still hold its object (the last holder's reference closes it).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Generic, TypeVar

from semsearch.data_folder import data_dir
from semsearch.settings import expand_folder

T = TypeVar("T")

FOLDERS = 8
"""Folders with an object at once; a server uses one (tests use one per test)."""


class PerFolder(Generic[T]):
    """``make(folder)`` once per folder, the most recently used :data:`FOLDERS` kept."""

    def __init__(self, make: Callable[[Path], T], size: int = FOLDERS) -> None:
        self._make = make
        self._size = size
        self._objects: dict[Path, T] = {}
        self._lock = threading.Lock()

    def get(self, folder: str | Path | None = None) -> T:
        """The object for ``folder`` (default: the data folder), made on first use."""
        path = expand_folder(folder) if folder is not None else data_dir()
        with self._lock:
            made = self._objects.pop(path, None)
            if made is None:
                made = self._make(path)
            self._objects[path] = made  # last: the most recently used
            while len(self._objects) > self._size:
                del self._objects[next(iter(self._objects))]
            return made

    def drop_all(self) -> list[T]:
        """Forget every object and return them (to close them, as a restart would)."""
        with self._lock:
            objects = list(self._objects.values())
            self._objects.clear()
            return objects
