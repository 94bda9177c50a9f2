"""A writer in a process of its own, for tests/test_writers.py: index files into a base.

``python -m tests.writer_process FOLDER NAME FILE... [--pause]`` indexes FILEs into NAME in
the embedded store at FOLDER with the word-vector fake encoder, ten passages a batch. With
``--pause`` it prints ``paused after N`` once the first batch is stored, then waits for a
line on stdin: the test acts while this run holds the base, at a point it can see. Prints
the report as JSON, or ``error: ...`` (exit 1) when the store refuses.
"""

from __future__ import annotations

import json
import sys

from semsearch.documents.chunking import ChunkSettings
from semsearch.errors import SemsearchError
from semsearch.retrieval.indexing import IndexProgress, index_files
from semsearch.retrieval.stores.sqlite import SQLiteStore
from tests.fakes import fake_embedder


def main(argv: list[str]) -> int:
    pause = "--pause" in argv
    folder, name, *files = [a for a in argv if a != "--pause"]
    paused = False

    def progress(step: IndexProgress) -> None:
        nonlocal paused
        if pause and not paused:
            paused = True
            print(f"paused after {step.passages}", flush=True)
            sys.stdin.readline()

    try:
        report = index_files(SQLiteStore(folder), name, fake_embedder(), files,
                             ChunkSettings("line"), batch=10, progress=progress)  # fmt: skip
    except SemsearchError as error:
        print(f"error: {error}", flush=True)
        return 1
    print(json.dumps({"added": report.added, "skipped": report.skipped,
                      "passages": report.passages}), flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
