"""Writers of one base in separate processes never interleave, never store a passage twice.

Issue 20's reproductions: a page "save with replace" during a CLI ``index`` of the same
name lost passages and broke the resume; two ``index`` runs of one name stored every
passage twice. Each writer here is a real process (``tests/writer_process.py``, the CLI),
synchronised on what it prints (``paused after 10``: it holds the base), never on time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from semsearch.documents.chunking import Passage
from semsearch.errors import BaseBusyError
from semsearch.retrieval.stores import BaseSpec
from semsearch.retrieval.stores.sqlite import SQLiteStore

ROOT = Path(__file__).resolve().parent.parent
LINES = [f"line {n} about topic {n % 7} and word{n}" for n in range(30)]


def environment(**extra: str) -> dict[str, str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), **extra}
    return env


def writer(folder: Path, name: str, *files: Path, pause: bool = False, wait: str = "60"):
    command = [sys.executable, "-m", "tests.writer_process", str(folder), name, *map(str, files)]
    return subprocess.Popen(
        [*command, *(["--pause"] if pause else [])],
        cwd=ROOT, env=environment(SEMSEARCH_LOCK_WAIT=wait), text=True,
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip


def finish(process: subprocess.Popen[str]) -> tuple[int, str]:
    out, err = process.communicate("\n", timeout=600)
    assert "Traceback" not in err, err
    return process.returncode, out.strip().splitlines()[-1]


@pytest.fixture
def paused(tmp_path):
    """An indexing run of 'faq' (30 lines) holding the base after its first 10 passages."""
    source = tmp_path / "faq.txt"
    source.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    folder = tmp_path / "store"
    process = writer(folder, "faq", source, pause=True)
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    assert line == "paused after 10", process.stderr.read() if process.stderr else ""
    yield folder, source, process
    if process.poll() is None:
        process.kill()
        process.wait(timeout=60)


def test_a_replace_during_an_index_is_refused_and_the_index_ends_whole(paused, monkeypatch):
    folder, _source, process = paused
    store = SQLiteStore(folder)
    assert store.count("faq") == 10
    monkeypatch.setenv("SEMSEARCH_LOCK_WAIT", "0")
    spec = BaseSpec("faq", "fake-words", "fake-words", 3, 3, 512, "fp32")
    with pytest.raises(BaseBusyError) as refused:  # what the page's "save with replace" calls
        store.save(spec, [Passage("new")], np.eye(1, 3, dtype=np.float32), [1], ["h"],
                   replace=True)  # fmt: skip
    message = str(refused.value)
    assert message.startswith("The knowledge base 'faq' is being written by `writer_process.py ")
    assert f"(process {process.pid}, writing since " in message
    assert "nothing was changed here (waited 0 s)" in message
    # The command line is refused the same way, in one line, without a traceback.
    deleted = subprocess.run(
        [sys.executable, "-m", "semsearch", "delete", "--name", "faq", "--store", f"sqlite:{folder}"],
        cwd=ROOT, env=environment(SEMSEARCH_LOCK_WAIT="0"), capture_output=True, text=True,
        timeout=600,
    )  # fmt: skip
    assert deleted.returncode == 1
    assert deleted.stderr.startswith(
        "semsearch: error: The knowledge base 'faq' is being written by `writer_process.py "
    )
    assert f"(process {process.pid}, " in deleted.stderr
    assert "Traceback" not in deleted.stderr
    assert store.count("faq") == 10
    assert finish(process) == (0, json.dumps({"added": 30, "skipped": 0, "passages": 30}))
    assert [p.text for p in store.passages("faq", range(30))] == LINES
    assert len(store.hashes("faq")) == 30


def test_two_index_runs_of_one_name_store_each_passage_once(paused):
    folder, source, first = paused
    refused = writer(folder, "faq", source, wait="0")
    code, line = finish(refused)
    assert code == 1
    assert line.startswith(
        "error: The knowledge base 'faq' is being written by `writer_process.py "
    )
    assert f"(process {first.pid}, " in line
    # A second run that waits is served after the first: it finds every passage stored.
    second = writer(folder, "faq", source, wait="600")
    assert finish(first) == (0, json.dumps({"added": 30, "skipped": 0, "passages": 30}))
    assert finish(second) == (0, json.dumps({"added": 0, "skipped": 30, "passages": 30}))
    # The file grown by two lines: a third run adds just those.
    source.write_text("\n".join([*LINES, "a new line", "another new line"]), encoding="utf-8")
    third = writer(folder, "faq", source)
    assert finish(third) == (0, json.dumps({"added": 2, "skipped": 30, "passages": 32}))
    store = SQLiteStore(folder)
    texts = [p.text for p in store.passages("faq", range(32))]
    assert texts == [*LINES, "a new line", "another new line"]
