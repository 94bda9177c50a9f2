"""Opening the SQLite files semsearch keeps in its data folder, one way for all of them.

The disk vector cache (:mod:`semsearch.encoding.disk_cache`), the page memory
(:mod:`semsearch.page.memory`) and the embedded store
(:mod:`semsearch.retrieval.stores.sqlite`) each keep one SQLite file, and several
processes open each at once (two page servers on one folder, a CLI beside the page).
:func:`open_sqlite` opens any of them the same way:

* **WAL**: readers never wait for a writer, and a writer waits its turn (``busy_timeout``).
* **Retried while locked**: two processes opening a *new* file race to switch it to WAL,
  and that switch fails at once with "database is locked" instead of waiting. That is a
  lock, never damage: the whole opening is tried again (with a growing pause) until the
  busy timeout has passed.
* **Read-only fallback**: a file in a folder this process may not write is opened
  read-only, and as immutable when its WAL index cannot be made either.
* **Damage**: a file that is not a database, or a malformed one, is either moved aside
  (``<name>.damaged-<time>``, with its ``-wal``/``-shm``) and a new one started, or left
  where it is, as the caller chooses.

What it does not do: word messages. It says what happened (:class:`Opened`), and each
caller says it in its own terms (a notice on the page, a :class:`StoreError`).
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

Status = Literal["on", "read-only", "off"]
"""``on``: read and write; ``read-only``: read what is there; ``off``: no connection."""
Trouble = Literal["no-folder", "read-only-folder", "busy", "damaged", "unusable"]
"""Why a file is not simply ``on`` (``damaged`` with ``on``: moved aside, a new one made)."""
OnDamage = Literal["move-aside", "keep"]

_LOCKED = frozenset({"SQLITE_BUSY", "SQLITE_LOCKED"})
_FIRST_PAUSE_S = 0.02
_LONGEST_PAUSE_S = 0.25


@dataclass(frozen=True)
class Opened:
    """What :func:`open_sqlite` made of a file: a connection (or none) and why."""

    path: Path
    connection: sqlite3.Connection | None
    status: Status
    trouble: Trouble | None = None
    """``None`` when the file opened for reading and writing without anything to say."""
    error: str = ""
    """The SQLite or operating-system error behind ``trouble``, as it said it."""
    moved_to: Path | None = None
    """Where a damaged file went (``trouble == "damaged"`` and ``status == "on"``)."""


def open_sqlite(
    path: Path,
    *,
    prepare: Callable[[sqlite3.Connection], None],
    probe: str,
    timeout: float = 10.0,
    on_damage: OnDamage = "keep",
) -> Opened:
    """Open ``path`` (its folder made if missing): for writing, else read-only, else not.

    Args:
        path: the SQLite file (``<data folder>/<name>.sqlite3``).
        prepare: run on a new writable connection after the switch to WAL (pragmas,
            ``CREATE TABLE IF NOT EXISTS``, upgrades); must be safe to run again, since a
            locked opening is retried whole.
        probe: a query that reads the file's main table (``SELECT 1 FROM t LIMIT 1``), run
            last on every connection: a file SQLite opens but cannot read fails here.
        timeout: the busy timeout of the connection, and how long a locked opening is
            retried.
        on_damage: ``move-aside`` starts a new file in place of a damaged one (caches,
            whose content can be made again); ``keep`` leaves it for a person to look at.

    Never raises for the file; an :class:`Opened` with ``status == "off"`` says why.
    """
    folder = path.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return Opened(path, None, "off", "no-folder", error.strerror or str(error))
    writable = os.access(folder, os.W_OK) and (not path.exists() or os.access(path, os.W_OK))
    if not writable:
        return _open_read_only(path, probe, timeout)
    try:
        return Opened(path, _connect_retrying(path, prepare, probe, timeout), "on")
    except sqlite3.OperationalError as error:  # locked still, cannot open, I/O: not damage
        trouble: Trouble = "busy" if _locked(error) else "unusable"
        return Opened(path, None, "off", trouble, str(error))
    except sqlite3.DatabaseError as error:  # not a database, malformed
        if on_damage == "keep":
            return Opened(path, None, "off", "damaged", str(error))
        damage = str(error)
    except (OSError, sqlite3.Error) as error:
        return Opened(path, None, "off", "unusable", str(error))
    try:
        moved = move_aside(path)
        connection = _connect_retrying(path, prepare, probe, timeout)
    except (OSError, sqlite3.Error) as again:
        return Opened(path, None, "off", "unusable", str(again))
    return Opened(path, connection, "on", "damaged", damage, moved)


def move_aside(path: Path) -> Path:
    """Rename a damaged ``path`` to ``<name>.damaged-<time>`` and drop its WAL files."""
    target = path.with_name(f"{path.name}.damaged-{time.strftime('%Y%m%d-%H%M%S')}")
    os.replace(path, target)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return target


def _locked(error: sqlite3.Error) -> bool:
    name = getattr(error, "sqlite_errorname", "")
    return name in _LOCKED or "locked" in str(error)


def _connect_retrying(
    path: Path,
    prepare: Callable[[sqlite3.Connection], None],
    probe: str,
    timeout: float,
) -> sqlite3.Connection:
    """:func:`_connect_writable`, again while another process holds a lock."""
    deadline = time.monotonic() + timeout
    pause = _FIRST_PAUSE_S
    while True:
        try:
            return _connect_writable(path, prepare, probe, timeout)
        except sqlite3.OperationalError as error:
            if not _locked(error) or time.monotonic() + pause > deadline:
                raise
        # Jitter: processes that collided once should not collide again in step.
        time.sleep(pause * (0.5 + random.random()))
        pause = min(pause * 2, _LONGEST_PAUSE_S)


def _connect_writable(
    path: Path,
    prepare: Callable[[sqlite3.Connection], None],
    probe: str,
    timeout: float,
) -> sqlite3.Connection:
    connection = sqlite3.connect(
        path, timeout=timeout, isolation_level=None, check_same_thread=False
    )
    try:
        connection.execute("PRAGMA journal_mode = WAL")
        prepare(connection)
        connection.execute(probe).fetchall()
    except BaseException:
        connection.close()
        raise
    return connection


def _open_read_only(path: Path, probe: str, timeout: float) -> Opened:
    if not path.exists():
        return Opened(path, None, "off", "read-only-folder")
    # Without write access the WAL index cannot be made: then read the file as it is.
    error: sqlite3.Error | None = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        try:
            connection = sqlite3.connect(
                f"{path.resolve().as_uri()}?{flags}",
                uri=True,
                timeout=timeout,
                check_same_thread=False,
            )
        except sqlite3.Error as failed:
            error = failed
            continue
        try:
            connection.execute(probe).fetchall()
        except sqlite3.Error as failed:
            connection.close()
            error = failed
            continue
        return Opened(path, connection, "read-only", "read-only-folder")
    return Opened(path, None, "off", "unusable", str(error))
