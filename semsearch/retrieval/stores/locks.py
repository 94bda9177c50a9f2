"""One writer at a time per saved base, across processes: a lock file per base.

The page, ``semsearch index`` and ``semsearch serve`` may write the same base at once (a
"save with replace" during an index, two index runs of one name). Every write of a base
(create, save, add, delete, and a whole indexing run) holds that base's lock, an
operating-system lock (``flock``, through the ``filelock`` library) on
``<lock folder>/<digest>.lock``: the kernel frees it when its process ends, however it ends,
so a crash never leaves a base locked. The holder writes who it is into the file (process,
command line, since when), and a writer that waited :attr:`Settings.lock_wait` seconds in
vain is refused with a :class:`~semsearch.errors.BaseBusyError` that names the base and its
holder. Within one process the lock is per thread (two page sessions are two writers) and
re-entrant in a thread (an indexing run's adds do not wait for the run itself).

What it does not do: lock readers (they read committed data), or lock across machines
(a Milvus server shared by several machines: one writer per base is still the rule).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from filelock import FileLock, Timeout

from semsearch.errors import BaseBusyError, StoreError

LOCK_FOLDER = "locks"
"""The folder of a store's lock files, in its data folder (the embedded store's folder)."""


def lock_path(folder: Path, uri: str, name: str) -> Path:
    """The lock file of the base ``name`` of the store ``uri`` (any name: a digest names it)."""
    digest = hashlib.sha256(f"{uri}\x1f{name}".encode()).hexdigest()[:32]
    return folder / f"{digest}.lock"


def _command() -> str:
    """The command line of this process, as typed (``semsearch index docs --name faq``)."""
    argv = list(sys.argv) or ["python"]
    first = Path(argv[0])
    program = first.parent.name if first.name == "__main__.py" else first.name
    line = " ".join([program or "python", *argv[1:]])
    return line if len(line) <= 160 else f"{line[:157]}..."


def _write_holder(fd: int) -> None:
    """Called by filelock right after this process takes the lock: say who holds it."""
    since = datetime.now(timezone.utc).isoformat(timespec="seconds")
    record = {"pid": os.getpid(), "command": _command(), "since": since}
    data = json.dumps(record, ensure_ascii=False).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, data, 0)


def holder(path: Path) -> str:
    """Who holds the lock ``path``, in words (as its holder wrote it)."""
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
        pid, command, since = int(record["pid"]), str(record["command"]), str(record["since"])
    except (OSError, ValueError, KeyError, TypeError):
        return "another writer (it has not said who)"
    where = "this process: another page session or thread" if pid == os.getpid() else "process"
    return f"`{command}` ({where} {pid}, writing since {since})"


@contextmanager
def holding(folder: Path, uri: str, name: str, *, wait: float) -> Iterator[None]:
    """Hold the writer lock of ``name`` in the store ``uri``; wait at most ``wait`` seconds.

    Raises:
        BaseBusyError: another writer held it all that time (the message names it).
        StoreError: the lock folder cannot be made (a read-only data folder).
    """
    path = lock_path(folder, uri, name)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise StoreError(
            f"Cannot write {name!r}: its lock folder {folder} cannot be made ({error}). "
            "Set SEMSEARCH_DATA_DIR to a writable folder."
        ) from None
    # One instance per path in this process (is_singleton), holds kept per thread
    # (thread_local): a second thread waits as a second process would.
    lock = FileLock(path, timeout=wait, is_singleton=True, on_acquired=_write_holder)
    try:
        lock.acquire()
    except Timeout:
        raise BaseBusyError(
            f"The knowledge base {name!r} is being written by {holder(path)}; nothing was "
            f"changed here (waited {wait:g} s). Try again when it has finished, or set "
            "SEMSEARCH_LOCK_WAIT to wait longer."
        ) from None
    except OSError as error:
        raise StoreError(
            f"Cannot lock {name!r} for writing at {path}: {error}. "
            "Set SEMSEARCH_DATA_DIR to a writable folder."
        ) from None
    try:
        yield
    finally:
        lock.release()
