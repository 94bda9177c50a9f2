"""One session's paste cannot evict the vectors the class shares in the disk cache."""

from __future__ import annotations

from semsearch.encoding.disk_cache import DiskVectorCache
from semsearch.encoding.vector_cache import DISK_SHARE, VectorCache, text_key

from .fakes import fake_embedder

CAP = 400_000


def test_a_huge_paste_keeps_to_its_share_and_the_class_keeps_its_vectors(tmp_path):
    disk = DiskVectorCache(tmp_path, max_bytes=CAP)
    embedder = fake_embedder()
    teacher = [f"lesson line {i}" for i in range(50)]
    VectorCache(disk=disk).embed(embedder, teacher)
    keys = [text_key(embedder, text, "document", None) for text in teacher]
    assert disk.count_present(embedder, keys) == 50

    student = VectorCache(disk=disk)
    paste = [f"pasted line number {i}" for i in range(6_000)]  # ~1.5 MB of rows: 4x the cap
    result = student.embed(embedder, paste)
    assert result.encoded == 6_000  # every vector is there for the student...
    assert student.disk_written <= DISK_SHARE * CAP  # ...but only a share went to disk
    assert disk.count_present(embedder, keys) == 50  # the lesson's vectors were not evicted
    assert disk.used_bytes() <= CAP


def test_without_a_share_the_same_paste_evicts_the_lesson(tmp_path):
    # The control: what the share prevents (a cache allowed the whole cap).
    disk = DiskVectorCache(tmp_path, max_bytes=CAP)
    embedder = fake_embedder()
    teacher = [f"lesson line {i}" for i in range(50)]
    VectorCache(disk=disk).embed(embedder, teacher)
    keys = [text_key(embedder, text, "document", None) for text in teacher]
    paste = [f"pasted line number {i}" for i in range(6_000)]
    VectorCache(disk=disk, disk_share=10.0).embed(embedder, paste)
    assert disk.count_present(embedder, keys) == 0
