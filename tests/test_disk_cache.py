"""The disk tier of the vector cache: what one session or process encoded, the next reads."""

import os
import sqlite3
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pytest

from semsearch.encoding.disk_cache import FILE_NAME, DiskVectorCache, shared_disk_cache
from semsearch.encoding.load_report import LoadReport
from semsearch.encoding.vector_cache import VectorCache, text_key
from semsearch.errors import CacheError, SettingsError
from semsearch.settings import DEFAULT_CACHE_MAX, Settings, parse_size

from .fakes import fake_embedder

KB = ["apples are fruit", "oranges have vitamin c", "the stock market fell", "apples are fruit"]
ROOT = Path(__file__).resolve().parent.parent


def keys_of(embedder, texts):
    return [text_key(embedder, text, "document", None) for text in texts]


def rows(n, dim=48, seed=0):
    return np.random.default_rng(seed).standard_normal((n, dim)).astype(np.float32)


def read_only(monkeypatch, folder: Path) -> None:
    """Make ``folder`` read-only, as it is for a user who may not write it.

    Tests often run as root, whom permission bits do not stop: ``os.access`` is made to
    answer as it would for anyone else, and SQLite is then only ever asked to read.
    """
    folder.chmod(0o555)
    real = os.access

    def access(path, mode, *args, **kwargs):
        inside = Path(path).resolve().is_relative_to(folder.resolve())
        return False if inside and mode & os.W_OK else real(path, mode, *args, **kwargs)

    monkeypatch.setattr(os, "access", access)


def test_a_new_session_reads_vectors_from_disk_and_encodes_nothing(tmp_path):
    disk = DiskVectorCache(tmp_path)
    embedder = fake_embedder()
    first = VectorCache(disk=disk).embed(embedder, KB)
    assert (first.encoded, first.reused, first.restored) == (3, 1, 0)
    assert disk.info().vectors == 3

    again = fake_embedder()  # a reload: new model object, new session cache, same disk
    second = VectorCache(disk=disk).embed(again, KB)
    assert (second.encoded, second.reused, second.restored) == (0, 4, 3)
    assert again.engine.runtime.encoded_rows == 0
    np.testing.assert_array_equal(second.embedding.vectors, first.embedding.vectors)
    np.testing.assert_array_equal(second.embedding.token_counts, first.embedding.token_counts)


def test_a_new_process_finds_the_file_written_by_the_last(tmp_path):
    VectorCache(disk=DiskVectorCache(tmp_path)).embed(fake_embedder(), KB)
    restarted = VectorCache(disk=DiskVectorCache(tmp_path))
    assert restarted.missing(fake_embedder(), KB) == 0
    assert restarted.embed(fake_embedder(), KB).encoded == 0


def test_only_missing_texts_are_encoded_and_dimensions_are_cut_from_disk(tmp_path):
    disk = DiskVectorCache(tmp_path)
    VectorCache(disk=disk).embed(fake_embedder(), KB[:2])
    small = fake_embedder(dim=32)
    result = VectorCache(disk=disk).embed(small, KB)
    assert (result.encoded, result.restored) == (1, 2)
    assert small.engine.runtime.batches == [[small.engine.runtime.tokenize([KB[2]], 64).ids[0]]]
    np.testing.assert_allclose(
        result.embedding.vectors, fake_embedder(dim=32).encode_documents(KB), rtol=1e-6
    )


def test_another_model_cap_kind_or_weights_never_reuses_vectors(tmp_path):
    disk = DiskVectorCache(tmp_path)
    weights = tmp_path / "model" / "model.safetensors"
    weights.parent.mkdir()
    weights.write_bytes(b"first weights")
    embedder = fake_embedder()
    embedder.report = LoadReport("m", "fake-words", str(weights.parent), "local folder", 0.1)
    VectorCache(disk=disk).embed(embedder, KB)
    assert VectorCache(disk=disk).embed(embedder.with_options(max_length=16), KB).encoded == 3
    assert VectorCache(disk=disk).embed(embedder, KB[:1], kind="query").encoded == 1
    other = fake_embedder()
    other.name = "another-model"
    assert VectorCache(disk=disk).embed(other, KB).encoded == 3

    weights.write_bytes(b"weights trained again")  # same folder, same name, new model
    retrained = fake_embedder()
    retrained.report = embedder.report
    assert VectorCache(disk=disk).embed(retrained, KB).encoded == 3


def test_size_is_bounded_and_the_least_recently_used_go_first(tmp_path):
    cap = 96 * 1024
    disk = DiskVectorCache(tmp_path, max_bytes=cap)
    embedder = fake_embedder()
    old = [f"old {i}" for i in range(100)]
    disk.put_many(embedder, old, rows(100), [3] * 100)
    middle = [f"middle {i}" for i in range(100)]
    disk.put_many(embedder, middle, rows(100, seed=1), [3] * 100)
    assert disk.info().vectors == 200  # ~200 x 240 bytes: under the cap so far
    with sqlite3.connect(tmp_path / FILE_NAME) as connection:  # written two hours ago
        connection.execute("UPDATE vectors SET used = used - 7200")
    assert set(disk.get_many(embedder, old[:10])) == set(old[:10])  # used again: recent now

    for n in range(10):
        more = [f"new {n} {i}" for i in range(100)]
        disk.put_many(embedder, more, rows(100, seed=2 + n), [3] * 100)
    info = disk.info()
    assert info.bytes <= cap
    assert 0 < info.vectors < 1200
    assert set(disk.get_many(embedder, more)) == set(more)  # the newest stay
    assert disk.get_many(embedder, middle) == {}  # untouched since written: gone first
    assert len(disk.get_many(embedder, old[:10])) >= len(disk.get_many(embedder, old[10:]))


def test_a_read_marks_a_row_as_used_only_when_its_mark_is_an_hour_old(tmp_path):
    disk, embedder = DiskVectorCache(tmp_path), fake_embedder()
    disk.put_many(embedder, ["a", "b"], rows(2), [1, 1])
    with sqlite3.connect(tmp_path / FILE_NAME) as connection:
        connection.execute("UPDATE vectors SET used = 1000 WHERE rowid = 1")
        connection.execute("UPDATE vectors SET used = ? WHERE rowid = 2", (time.time() - 60,))
        before = dict(connection.execute("SELECT rowid, used FROM vectors"))
    assert len(disk.get_many(embedder, ["a", "b"])) == 2
    with sqlite3.connect(tmp_path / FILE_NAME) as connection:
        after = dict(connection.execute("SELECT rowid, used FROM vectors"))
    assert after[1] > time.time() - 60  # an old mark: renewed
    assert after[2] == before[2]  # a recent one: no write


def test_clear_removes_everything_and_gives_the_space_back(tmp_path):
    disk = DiskVectorCache(tmp_path)
    embedder = fake_embedder()
    disk.put_many(embedder, [f"t{i}" for i in range(2000)], rows(2000), [1] * 2000)

    def on_disk():
        return sum(p.stat().st_size for p in tmp_path.iterdir() if p.name.startswith(FILE_NAME))

    before = on_disk()
    assert before > 2000 * 48 * 4
    assert disk.clear() == 2000
    info = disk.info()
    assert (info.vectors, info.models) == (0, ())
    assert on_disk() < before / 10
    assert VectorCache(disk=disk).embed(fake_embedder(), KB).encoded == 3


def test_info_counts_vectors_per_model(tmp_path):
    disk = DiskVectorCache(tmp_path, max_bytes=10**9)
    VectorCache(disk=disk).embed(fake_embedder(), KB)
    VectorCache(disk=disk).embed(fake_embedder(max_length=16), KB[:1])
    info = disk.info()
    assert info.models == (("fake-words|fp32|max=64", 3), ("fake-words|fp32|max=16", 1))
    assert (info.vectors, info.status, info.max_bytes, info.notice) == (4, "on", 10**9, None)
    assert info.path == tmp_path / FILE_NAME


WRITER = textwrap.dedent(
    """
    import sys
    import numpy as np
    sys.path.insert(0, sys.argv[1])
    from semsearch.encoding.disk_cache import DiskVectorCache
    from tests.fakes import fake_embedder
    disk, embedder = DiskVectorCache(sys.argv[2]), fake_embedder()
    for n in range(20):
        keys = [f"{sys.argv[3]} {n} {i}" for i in range(50)]
        disk.put_many(embedder, keys, np.full((50, 48), n, np.float32), [n] * 50)
    assert disk.notice is None, disk.notice
    """
)


def test_two_processes_write_at_once_and_see_each_others_vectors(tmp_path):
    def writer(name):
        return subprocess.Popen(
            [sys.executable, "-c", WRITER, str(ROOT), str(tmp_path), name],
            stderr=subprocess.PIPE,
            text=True,
        )

    first, second = writer("first"), writer("second")
    assert [(p.wait(timeout=120), p.stderr.read()) for p in (first, second)] == [(0, ""), (0, "")]
    disk, embedder = DiskVectorCache(tmp_path), fake_embedder()
    assert disk.info().vectors == 2 * 20 * 50
    found = disk.get_many(embedder, ["first 7 3", "second 19 49"])
    assert (found["first 7 3"][1], found["second 19 49"][1]) == (7, 19)
    np.testing.assert_array_equal(found["second 19 49"][0], np.full(48, 19, np.float32))


def test_threads_of_one_process_share_one_cache(tmp_path):
    disk = shared_disk_cache(tmp_path)
    assert shared_disk_cache(tmp_path) is disk
    embedder = fake_embedder()

    def work(n):
        VectorCache(disk=disk).embed(embedder, [f"text {n} {i}" for i in range(30)] + KB)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert (disk.info().vectors, disk.notice) == (6 * 30 + 3, None)


def test_a_damaged_file_is_moved_aside_and_a_new_one_started(tmp_path):
    (tmp_path / FILE_NAME).write_bytes(b"this is not a database" * 100)
    disk = DiskVectorCache(tmp_path)
    assert disk.status == "on"
    assert "was damaged" in disk.notice
    aside = [p.name for p in tmp_path.iterdir() if ".damaged-" in p.name]
    assert len(aside) == 1
    assert (tmp_path / aside[0]).read_bytes() == b"this is not a database" * 100
    assert VectorCache(disk=disk).embed(fake_embedder(), KB).encoded == 3
    assert DiskVectorCache(tmp_path).info().vectors == 3


def test_a_read_only_folder_reads_old_vectors_and_keeps_new_ones_in_memory(tmp_path, monkeypatch):
    VectorCache(disk=DiskVectorCache(tmp_path)).embed(fake_embedder(), KB[:2])
    read_only(monkeypatch, tmp_path)
    disk = DiskVectorCache(tmp_path)
    assert disk.status == "read-only"
    assert "is read-only" in disk.notice
    cache = VectorCache(disk=disk)
    result = cache.embed(fake_embedder(), KB)
    assert (result.encoded, result.restored) == (1, 2)
    assert cache.embed(fake_embedder(), KB).encoded == 0  # in memory for this visit
    assert disk.info().vectors == 2
    with pytest.raises(CacheError, match="cannot be cleared: it is read-only"):
        disk.clear()


def test_a_read_only_folder_without_a_cache_turns_it_off(tmp_path, monkeypatch):
    read_only(monkeypatch, tmp_path)
    disk = DiskVectorCache(tmp_path)
    assert disk.status == "off"
    assert "Set SEMSEARCH_DATA_DIR to a writable folder" in disk.notice
    assert not (tmp_path / FILE_NAME).exists()
    assert VectorCache(disk=disk).embed(fake_embedder(), KB).encoded == 3


def test_a_cap_of_zero_turns_the_disk_cache_off(tmp_path, monkeypatch):
    monkeypatch.setenv("SEMSEARCH_CACHE_MAX", "0")
    disk = DiskVectorCache(tmp_path)
    assert (disk.status, disk.notice) == ("off", "The disk cache is off (SEMSEARCH_CACHE_MAX=0).")
    assert not (tmp_path / FILE_NAME).exists()


def test_a_row_of_another_size_is_a_miss_not_a_wrong_vector(tmp_path):
    disk = DiskVectorCache(tmp_path)
    embedder = fake_embedder()
    key = keys_of(embedder, KB[:1])
    disk.put_many(embedder, key, rows(1), [4])
    with sqlite3.connect(tmp_path / FILE_NAME) as connection:
        connection.execute("UPDATE vectors SET vector = zeroblob(20)")
    assert disk.get_many(embedder, key) == {}


@pytest.mark.parametrize(
    ("text", "size"),
    [("", DEFAULT_CACHE_MAX), ("2GB", 2 * 1024**3), ("500 MB", 500 * 1024**2),
     ("1.5g", int(1.5 * 1024**3)), ("1048576", 1048576), ("0", 0), ("off", 0)],
)  # fmt: skip
def test_cache_sizes_read_from_the_environment(text, size):
    assert parse_size(text) == size
    assert Settings.from_env({"SEMSEARCH_CACHE_MAX": text}).cache_max == size


@pytest.mark.parametrize("text", ["lots", "-1GB", "2 parsecs", "inf"])
def test_a_size_that_is_not_one_names_the_variable(text):
    with pytest.raises(SettingsError, match=r"SEMSEARCH_CACHE_MAX=.* is not a size: write e.g."):
        Settings.from_env({"SEMSEARCH_CACHE_MAX": text})
