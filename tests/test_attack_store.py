"""Faults injected into saves: kill -9, a file-size limit, a read-only folder, many writers.

Each fault runs in a child process (the same code a user runs), against bases saved before
it; afterwards every earlier base must read back byte-identical and SQLite's
``PRAGMA integrity_check`` must say ``ok``. Tests run as root, who writes anywhere: the
read-only child drops to ``nobody`` so the folder is truly read-only for it.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from semsearch.retrieval.stores import VectorStore, open_store
from semsearch.retrieval.stores.sqlite import FILE_NAME

ROOT = Path(__file__).resolve().parents[1]
DIM = 8

PRELUDE = """
import numpy as np, sys
from semsearch.documents.chunking import Passage
from semsearch.retrieval.stores import BaseSpec, StoreError, open_store


def content(name, n, seed):
    rng = np.random.default_rng(seed)
    vectors = rng.normal(size=(n, DIM)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    passages = [Passage(f"{name} passage {i} · ünïcode", "f.txt", f"line {i}") for i in range(n)]
    return passages, vectors


def save(store, name, n, seed, replace=False):
    passages, vectors = content(name, n, seed)
    spec = BaseSpec(name, "m", "bundled", DIM, DIM, 256, "fp32", {"chunk": "line"})
    return store.save(spec, passages, vectors, [3] * n, [f"{name}{seed}-{i}" for i in range(n)],
                      replace=replace)
"""
namespace: dict[str, object] = {"DIM": DIM}
exec(PRELUDE, namespace)  # the parent builds the very same bases as its children
content: Callable[..., tuple[list, np.ndarray]] = namespace["content"]  # type: ignore[assignment]
save: Callable[..., object] = namespace["save"]  # type: ignore[assignment]


def child(
    uri: str, body: str, *, nobody: bool = False, new_session: bool = False
) -> subprocess.Popen[str]:
    """Run ``body`` against ``store`` in a child; ``nobody``: as that user once imports are done
    (the interpreter itself lies under /root, which nobody cannot enter)."""
    drop = (
        "import json, mmap, zlib, numpy.random, semsearch.retrieval.stores.sqlite\n"
        "os.setgid(65534)\nos.setuid(65534)\n"
    )
    script = (PRELUDE + f"\nimport os\nDIM = {DIM}\n" + (drop if nobody else "")
              + f"store = open_store({uri!r})\n" + textwrap.dedent(body))  # fmt: skip
    return subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True, start_new_session=new_session,
    )  # fmt: skip


def run(uri: str, body: str, *, nobody: bool = False) -> tuple[str, str]:
    process = child(uri, body, nobody=nobody)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err[-3000:]
    return out, err


EARLIER = {"kept": (5, 1), "faq": (17, 2), "名字 base": (3, 3)}
"""The bases saved before each fault: name -> (passages, seed)."""


def save_earlier(store: VectorStore) -> None:
    for name, (n, seed) in EARLIER.items():
        save(store, name, n, seed)


def assert_earlier_intact(uri: str, folder: Path | None = None) -> None:
    store = open_store(uri)
    try:
        names = [b.name for b in store.list()]
        for name, (n, seed) in EARLIER.items():
            assert name in names
            passages, vectors = content(name, n, seed)
            [rows] = store.rows(name)
            assert rows.passages == passages
            assert rows.vectors.tobytes() == vectors.tobytes()
    finally:
        close = getattr(store, "close", None)
        if close is not None:
            close()
    if folder is not None:
        connection = sqlite3.connect(folder / FILE_NAME)
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        connection.close()


@pytest.fixture
def sqlite_store(tmp_path: Path) -> tuple[str, Path]:
    uri = f"sqlite:{tmp_path}"
    save_earlier(open_store(uri))
    return uri, tmp_path


BIG = """
from tests.mid_save import PausedPassages, milvus_writing, sqlite_writing
passages, vectors = content({name!r}, 5_000, 9)
writing = (sqlite_writing(store.folder / {file!r}) if store.uri.startswith("sqlite:")
           else milvus_writing(store))
spec = BaseSpec({name!r}, "m", "bundled", DIM, DIM, 256, "fp32", {{"chunk": "line"}})
store.save(spec, PausedPassages(passages, 4_500, writing), vectors, [3] * 5_000,
           [f"h{{i}}" for i in range(5_000)], replace=True)
print("saved", flush=True)
"""


@pytest.mark.parametrize("name", ["faq", "new"])
@pytest.mark.parametrize("kind", ["sqlite", "milvus"])
def test_kill_9_mid_save_leaves_every_earlier_base_intact(tmp_path, kind, name):
    """Replacing an existing base or saving a new one, killed (with Milvus Lite's server)
    while the child is held inside the write (tests/mid_save.py: passage 4,500 of 5,000, past
    two of Milvus' insert batches), never after a sleep that a busy machine could outlast."""
    uri = f"sqlite:{tmp_path}" if kind == "sqlite" else f"milvus:{tmp_path}/bases.db"
    # Milvus Lite opens a file from one process at a time: the earlier bases come from a child.
    run(uri, "".join(f"save(store, {n!r}, {s[0]}, {s[1]})\n" for n, s in EARLIER.items()))
    process = child(uri, BIG.format(name=name, file=FILE_NAME), new_session=True)
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "writing", "the save ended before its write"
    os.killpg(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert process.returncode == -signal.SIGKILL
    assert_earlier_intact(uri, tmp_path if kind == "sqlite" else None)


FILLS = """
import resource, signal
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))
try:
    save(store, {name!r}, 20_000, 9, replace=True)
    print("saved")
except Exception as error:
    print(type(error).__name__, "|", error)
"""


@pytest.mark.parametrize("name", ["faq", "new"])
def test_a_full_disk_mid_save_leaves_every_earlier_base_intact(sqlite_store, name):
    uri, folder = sqlite_store
    limit = max(path.stat().st_size for path in folder.iterdir()) + 64 * 1024
    out, _ = run(uri, FILLS.format(limit=limit, name=name))
    assert not out.startswith("saved"), "the save fitted under the limit: make it bigger"
    assert_earlier_intact(uri, folder)


def test_a_full_disk_is_a_store_error_that_says_so(sqlite_store):
    uri, folder = sqlite_store
    limit = max(path.stat().st_size for path in folder.iterdir()) + 64 * 1024
    out, _ = run(uri, FILLS.format(limit=limit, name="new"))
    kind, _, message = out.partition(" | ")
    assert kind == "StoreError"
    assert "disk" in message.lower() or "space" in message.lower()


READ_ONLY = """
print(sorted(b.name for b in store.list()))
print(store.search("faq", content("faq", 17, 2)[1][4], top_k=1)[0].id)
try:
    save(store, "new", 2, 5)
    print("saved")
except StoreError as error:
    print("refused |", error)
"""


def test_a_read_only_folder_lists_searches_and_refuses_saves():
    with tempfile.TemporaryDirectory(dir="/tmp") as name:
        folder = Path(name)
        folder.chmod(0o755)  # readable, not writable, by nobody
        uri = f"sqlite:{folder}"
        save_earlier(open_store(uri))
        for path in folder.rglob("*"):
            path.chmod(0o755 if path.is_dir() else 0o644)
        out, _ = run(uri, READ_ONLY, nobody=True)
        listed, found, saved = out.splitlines()
        assert listed == repr(sorted(EARLIER))
        assert found == "4"
        assert saved.startswith("refused | ")
        assert_earlier_intact(uri, folder)


WRITER = """
for round in range(4):
    save(store, f"writer {seed} round {round}", 50, seed * 10 + round)
    save(store, "shared", 40, seed, replace=True)
print("done")
"""


def test_concurrent_writers_lose_nothing_and_mix_nothing(sqlite_store):
    uri, folder = sqlite_store
    writers = [child(uri, f"seed = {seed}\n" + WRITER) for seed in range(1, 5)]
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert (writer.returncode, out.strip()) == (0, "done"), err[-3000:]
    assert_earlier_intact(uri, folder)
    store = open_store(uri)
    for seed in range(1, 5):
        for round in range(4):
            name = f"writer {seed} round {round}"
            [rows] = store.rows(name)
            assert rows.vectors.tobytes() == content(name, 50, seed * 10 + round)[1].tobytes()
    [shared] = store.rows("shared")
    versions = [content("shared", 40, seed) for seed in range(1, 5)]
    assert (shared.passages, shared.vectors.tobytes()) in [
        (passages, vectors.tobytes()) for passages, vectors in versions
    ]
