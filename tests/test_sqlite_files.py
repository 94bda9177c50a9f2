"""The one SQLite opener: WAL, retried while locked, read-only fallback, damage.

The race: six processes open a fresh data folder at once (two page servers and a CLI
started together), round after round; each of the three files opened through
:func:`semsearch.sqlite_files.open_sqlite` (disk cache, page memory, store) must open every
time. Before the shared opener the page memory failed 7-11 of 120 opens ("database is
locked") and creating the first base in a new store failed the same way.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from semsearch.sqlite_files import open_sqlite
from tests.test_disk_cache import read_only

pytestmark = pytest.mark.slow  # a minute or more: run first (tests/conftest.py)

PROCESSES = 6
ROUNDS = 20  # x 6 processes = 120 opens of each file
USERS = ("disk cache", "page memory", "store")


def _race(root: str, rounds: int, number: int, barrier: object, results: object) -> None:
    """One process: open each file of a fresh folder per round, with the others at once."""
    from semsearch.documents.chunking import Passage
    from semsearch.encoding.disk_cache import DiskVectorCache
    from semsearch.page.memory import PageMemory
    from semsearch.retrieval.stores.base import BaseSpec, StoreError
    from semsearch.retrieval.stores.sqlite import SQLiteStore

    failures: dict[str, list[str]] = {user: [] for user in USERS}
    for round_ in range(rounds):
        folder = Path(root) / f"round-{round_}"
        barrier.wait(timeout=120)  # type: ignore[attr-defined]
        cache = DiskVectorCache(folder)
        if cache.status != "on" or cache.notice is not None:
            failures["disk cache"].append(f"{cache.status}: {cache.notice}")
        cache.close()
        barrier.wait(timeout=120)  # type: ignore[attr-defined]
        memory = PageMemory(folder)
        if memory.status != "on" or memory.notice is not None:
            failures["page memory"].append(f"{memory.status}: {memory.notice}")
        memory.close()
        barrier.wait(timeout=120)  # type: ignore[attr-defined]
        spec = BaseSpec(f"p{number}", "m", "m", 4, 4, 16, "fp32")
        try:
            SQLiteStore(folder).save(
                spec, [Passage(f"text {number}")], np.eye(1, 4, dtype=np.float32), [2], ["h"]
            )
        except StoreError as error:
            failures["store"].append(str(error))
    results.put(failures)  # type: ignore[attr-defined]


def test_six_processes_opening_a_fresh_data_folder_at_once_never_fail(tmp_path):
    context = multiprocessing.get_context("spawn")  # no inherited threads or connections
    barrier, results = context.Barrier(PROCESSES), context.Queue()
    processes = [
        context.Process(target=_race, args=(str(tmp_path), ROUNDS, n, barrier, results))
        for n in range(PROCESSES)
    ]
    for process in processes:
        process.start()
    reports = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    assert [process.exitcode for process in processes] == [0] * PROCESSES
    failed = {user: [f for report in reports for f in report[user]] for user in USERS}
    assert failed == {user: [] for user in USERS}
    from semsearch.retrieval.stores.sqlite import SQLiteStore

    names = [
        [info.name for info in SQLiteStore(tmp_path / f"round-{r}").list()] for r in range(ROUNDS)
    ]
    assert names == [[f"p{n}" for n in range(PROCESSES)]] * ROUNDS


# --- the opener's cases, one by one ------------------------------------------------------


def _prepare(connection: sqlite3.Connection) -> None:
    connection.execute("CREATE TABLE IF NOT EXISTS t (x INTEGER)")


PROBE = "SELECT 1 FROM t LIMIT 1"


def test_a_new_file_opens_for_writing_in_wal_mode(tmp_path):
    opened = open_sqlite(tmp_path / "new" / "f.sqlite3", prepare=_prepare, probe=PROBE)
    assert (opened.status, opened.trouble, opened.error, opened.moved_to) == ("on", None, "", None)
    assert opened.connection is not None
    assert opened.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    opened.connection.close()


def _hold_a_write_lock(path: Path, seconds: float) -> None:
    """Another connection writing ``path`` in rollback mode for ``seconds``.

    A switch to WAL meanwhile fails at once with "database is locked", without waiting
    for the busy timeout: what two processes creating a file at once run into.
    """
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE held (x INTEGER)")

    def release() -> None:
        holder.execute("COMMIT")
        holder.close()

    threading.Timer(seconds, release).start()


def test_a_write_lock_that_refuses_the_wal_switch_is_retried(tmp_path):
    path = tmp_path / "f.sqlite3"
    _hold_a_write_lock(path, 0.5)
    opened = open_sqlite(path, prepare=_prepare, probe=PROBE, timeout=10)
    assert (opened.status, opened.trouble) == ("on", None)
    assert opened.connection is not None
    assert opened.connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    opened.connection.close()


def _open_cache(folder: Path) -> str | None:
    from semsearch.encoding.disk_cache import DiskVectorCache

    cache = DiskVectorCache(folder)
    cache.close()
    return cache.notice


def _open_memory(folder: Path) -> str | None:
    from semsearch.page.memory import PageMemory

    memory = PageMemory(folder)
    memory.close()
    return memory.notice


def _save_in_store(folder: Path) -> str | None:
    from semsearch.documents.chunking import Passage
    from semsearch.retrieval.stores.base import BaseSpec
    from semsearch.retrieval.stores.sqlite import SQLiteStore

    spec = BaseSpec("kb", "m", "m", 4, 4, 16, "fp32")
    info = SQLiteStore(folder).save(
        spec, [Passage("text")], np.eye(1, 4, dtype=np.float32), [1], ["h"]
    )
    return None if info.passages == 1 else f"{info.passages} passages"


@pytest.mark.parametrize(
    ("file_name", "use"),
    [("vector-cache.sqlite3", _open_cache), ("page-memory.sqlite3", _open_memory),
     ("knowledge-bases.sqlite3", _save_in_store)],
    ids=USERS,
)  # fmt: skip
def test_every_file_opened_while_another_process_creates_it_opens(tmp_path, file_name, use):
    # Before the shared opener: the page memory was off and the store raised StoreError
    # ("database is locked. Set SEMSEARCH_DATA_DIR ...") here; the disk cache had a retry.
    _hold_a_write_lock(tmp_path / file_name, 0.5)
    assert use(tmp_path) is None


def test_a_lock_held_past_the_timeout_is_busy_not_damage(tmp_path):
    path = tmp_path / "f.sqlite3"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("CREATE TABLE t (x INTEGER)")
    opened = open_sqlite(path, prepare=_prepare, probe=PROBE, timeout=0.3, on_damage="move-aside")
    holder.close()
    assert (opened.connection, opened.status, opened.trouble) == (None, "off", "busy")
    assert "database is locked" in opened.error
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.sqlite3"]  # nothing moved


@pytest.mark.parametrize("on_damage", ["keep", "move-aside"])
def test_a_damaged_file_is_kept_or_moved_aside_as_asked(tmp_path, on_damage):
    path = tmp_path / "f.sqlite3"
    path.write_bytes(b"not a database" * 100)
    opened = open_sqlite(path, prepare=_prepare, probe=PROBE, on_damage=on_damage)
    assert (opened.trouble, opened.error) == ("damaged", "file is not a database")
    if on_damage == "keep":
        assert (opened.connection, opened.status, opened.moved_to) == (None, "off", None)
        assert path.read_bytes() == b"not a database" * 100
        return
    assert opened.status == "on"
    assert opened.moved_to is not None
    assert opened.moved_to.name.startswith("f.sqlite3.damaged-")
    assert opened.moved_to.read_bytes() == b"not a database" * 100
    assert opened.connection is not None
    assert opened.connection.execute("SELECT count(*) FROM t").fetchone() == (0,)
    opened.connection.close()


def test_a_read_only_folder_reads_the_file_or_is_off_without_one(tmp_path, monkeypatch):
    path = tmp_path / "f.sqlite3"
    made = open_sqlite(path, prepare=_prepare, probe=PROBE)
    assert made.connection is not None
    made.connection.execute("INSERT INTO t VALUES (7)")
    made.connection.close()
    read_only(monkeypatch, tmp_path)
    try:
        opened = open_sqlite(path, prepare=_prepare, probe=PROBE)
        assert (opened.status, opened.trouble) == ("read-only", "read-only-folder")
        assert opened.connection is not None
        assert opened.connection.execute("SELECT x FROM t").fetchall() == [(7,)]
        opened.connection.close()
        missing = open_sqlite(tmp_path / "g.sqlite3", prepare=_prepare, probe=PROBE)
        assert (missing.connection, missing.status, missing.trouble) == (
            None,
            "off",
            "read-only-folder",
        )
    finally:
        tmp_path.chmod(0o755)


def test_a_folder_that_cannot_be_made_is_off(tmp_path):
    (tmp_path / "file").write_text("x")
    opened = open_sqlite(tmp_path / "file" / "f.sqlite3", prepare=_prepare, probe=PROBE)
    assert (opened.connection, opened.status, opened.trouble) == (None, "off", "no-folder")
    assert opened.error == "File exists"
