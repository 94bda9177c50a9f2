"""One loaded model serves every session of a page: its state must survive sessions at once.

Each test runs real threads against one shared engine, runtime or generator, as a page's
sessions do (``st.cache_resource`` hands the same object to all of them): the token budget
after concurrent out-of-memory errors, the precision after an fp16 overflow, the
tokenizer's truncation setting under concurrent cuts, and the model lock when a streamed
answer is abandoned by a rerun.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence

import numpy as np
import pytest
import torch

from semsearch.answers.generation import TransformersGenerator
from semsearch.encoding.embedder import Embedder, Prompting
from semsearch.encoding.engines.local import OVERFLOW_NOTICE, TransformerRuntime
from semsearch.encoding.engines.tokens import TokenEngine
from semsearch.encoding.twins import build_chat_twin

from .fakes import WordRuntime

SESSIONS = 8


def at_once(work: Callable[[int], object], sessions: int = SESSIONS) -> list[object]:
    """Run ``work(session)`` in ``sessions`` threads started together; results in order."""
    start = threading.Barrier(sessions)
    results: list[object] = [None] * sessions
    errors: list[BaseException] = []

    def run(session: int) -> None:
        start.wait()
        try:
            results[session] = work(session)
        except BaseException as error:  # noqa: BLE001 - reported by the assert below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(s,)) for s in range(sessions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return results


class MeetingRuntime(WordRuntime):
    """Every session's first batch waits for the others, so all of them fail on one plan."""

    def __init__(self, sessions: int, memory: int) -> None:
        super().__init__(memory=memory)
        self.meeting = threading.Barrier(sessions)
        self.met: set[int] = set()

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        if threading.get_ident() not in self.met:
            self.met.add(threading.get_ident())
            self.meeting.wait(timeout=30)
        return super().encode_batch(batch)


def test_sessions_running_out_of_memory_at_once_halve_the_budget_as_one_would():
    # 64 texts of 20 tokens: 64 x 20 = 1280 padded tokens over a memory of 1000. Alone, the
    # budget goes 4096 -> 2048 (still 64 rows) -> 1024 (51 rows, 1020) -> 512 (25 rows, 500).
    texts = [" ".join(f"w{i}x{j}" for j in range(19)) for i in range(64)]
    alone = TokenEngine(WordRuntime(memory=1000), name="alone")
    expected = [list(alone.encode(texts, max_length=64))]
    assert alone.runtime.token_budget == 512

    runtime = MeetingRuntime(SESSIONS, memory=1000)
    engine = TokenEngine(runtime, name="shared")
    results = at_once(lambda _: list(engine.encode(texts, max_length=64)))
    assert runtime.token_budget == 512  # halved per plan, not per session (8 times: 16)
    assert len(runtime.failed) >= SESSIONS
    for batches in results:
        assert isinstance(batches, list)
        got = np.zeros((64, 48), dtype=np.float32)
        for batch in batches:
            got[batch.indices] = batch.vectors
        want = np.zeros((64, 48), dtype=np.float32)
        for batch in expected[0]:
            want[batch.indices] = batch.vectors
        np.testing.assert_array_equal(got, want)


TEXTS = [
    "Oranges contain plenty of vitamin C.",
    "fox",
    "the quick brown fox jumps over the lazy dog " * 3,
    "import numpy as np",
]


def overflowing(folder) -> TransformerRuntime:
    """An fp16 runtime whose final-norm gain (near fp16's 65504) overflows every text."""
    runtime = TransformerRuntime.load(folder, device="cpu", dtype="fp16")
    with torch.no_grad():
        runtime.model.norm.weight.fill_(6e4)
    return runtime


def test_fp16_overflow_leaves_the_shared_model_and_every_sessions_keys_as_they_were(tiny_qwen3):
    runtime = overflowing(tiny_qwen3)
    engine = TokenEngine(runtime, name="tiny-fp16")
    sessions = [Embedder(engine, name="tiny-fp16", prompting=Prompting()) for _ in range(4)]
    keys = [session.fingerprint for session in sessions]
    assert all(key.startswith("tiny-fp16|fp16|") for key in keys)
    alone = [sessions[0].encode_documents([text])[0] for text in TEXTS]

    results = at_once(lambda s: sessions[s].encode_documents(TEXTS), sessions=4)

    assert [session.fingerprint for session in sessions] == keys
    assert runtime.dtype == "fp16"
    assert {p.dtype for p in runtime.model.parameters()} == {torch.float16}
    assert runtime.notices == [OVERFLOW_NOTICE]
    reference = overflowing(tiny_qwen3).tokenize(TEXTS, 512).ids
    bf16 = TransformerRuntime.load(tiny_qwen3, device="cpu", dtype="bf16")
    with torch.no_grad():
        bf16.model.norm.weight.fill_(6e4)
    expected = bf16.encode_batch(reference)
    for vectors in results:
        assert isinstance(vectors, np.ndarray)
        assert np.isfinite(vectors).all()
        # each text's vector is its own, whatever its batch-mates: as encoded alone
        np.testing.assert_allclose(vectors, np.stack(alone), atol=1e-2)
        assert float(np.min(np.sum(vectors * expected, axis=1))) >= 0.99


def test_tokenizing_in_many_sessions_at_once_cuts_each_text_as_asked(tiny_qwen3):
    # A fast tokenizer keeps its truncation setting as state: unguarded, one session's cut
    # length lands on another's texts (measured: 1750 of 2400 calls wrong on 8 threads).
    runtime = TransformerRuntime.load(tiny_qwen3, device="cpu", dtype="fp32")
    long = "the quick brown fox jumps over the lazy dog " * 40
    texts = [long, "fox", long + "again", "Oranges contain plenty of vitamin C."]
    caps = range(16, 80)
    expected = {cap: runtime.tokenize(texts, cap) for cap in caps}
    spans = runtime.token_spans(long)
    assert all(len(expected[cap].ids[0]) == cap for cap in caps)

    def work(session: int) -> int:
        wrong = 0
        for i in range(120):
            cap = caps[(session * 7 + i) % len(caps)]
            wrong += runtime.tokenize(texts, cap) != expected[cap]
            wrong += runtime.token_spans(long) != spans
        return wrong

    assert at_once(work) == [0] * SESSIONS


@pytest.fixture(scope="module")
def chat_twin(tmp_path_factory):
    return build_chat_twin(tmp_path_factory.mktemp("chat"))


def new_threads(before: set[threading.Thread]) -> set[threading.Thread]:
    """Threads alive now that were not before (a generation's worker)."""
    return {t for t in threading.enumerate() if t not in before and t.is_alive()}


def test_an_abandoned_answer_stops_its_worker_and_frees_the_model(chat_twin):
    generator = TransformersGenerator.load(str(chat_twin), device="cpu", dtype="fp32")
    messages = [{"role": "user", "content": "Which fruit has vitamin C?"}]
    before = set(threading.enumerate())
    stream = generator.stream(messages, max_new_tokens=100_000)
    first = next(stream)
    assert isinstance(first, str)
    assert len(new_threads(before)) == 1
    assert generator._lock.locked()
    started = time.monotonic()
    stream.close()  # what a rerun does to the page's loop (or dropping the last reference)
    assert new_threads(before) == set()
    assert not generator._lock.locked()
    assert time.monotonic() - started < 10  # one more token, not 100,000

    # the next session gets the model at once and its full answer
    again = "".join(generator.stream(messages, max_new_tokens=8))
    full = "".join(generator.stream(messages, max_new_tokens=8))
    assert again == full
    assert new_threads(before) == set()


def test_an_answer_dropped_without_close_frees_the_model_too(chat_twin):
    generator = TransformersGenerator.load(str(chat_twin), device="cpu", dtype="fp32")
    messages = [{"role": "user", "content": "Which fruit has vitamin C?"}]
    before = set(threading.enumerate())
    stream = generator.stream(messages, max_new_tokens=100_000)
    next(stream)
    assert len(new_threads(before)) == 1
    del stream  # CPython closes a generator when its last reference goes
    assert new_threads(before) == set()
    assert not generator._lock.locked()


class SlowWordRuntime(WordRuntime):
    """Takes a moment per batch, as a real model does, so sessions overlap."""

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        time.sleep(0.01)
        return super().encode_batch(batch)


def test_sessions_asking_for_the_same_lines_at_once_encode_each_line_once(tmp_path):
    # A classroom on one sample: every session's own cache reads through one disk cache,
    # and all look on disk before any has written. Measured before: 8 x 200 rows encoded.
    from semsearch.encoding.disk_cache import DiskVectorCache
    from semsearch.encoding.vector_cache import VectorCache

    runtime = SlowWordRuntime()
    runtime.max_batch = 16
    engine = TokenEngine(runtime, name="fake-words")
    embedder = Embedder(engine, name="fake-words", prompting=Prompting())
    disk = DiskVectorCache(tmp_path / "cache")
    lines = [f"line {i} about topic {i % 7}" for i in range(200)]
    sessions = [VectorCache(disk=disk) for _ in range(SESSIONS)]
    results = at_once(lambda s: sessions[s].embed(embedder, lines))
    assert runtime.encoded_rows == 200
    expected = embedder.encode_documents(lines)
    assert sum(r.encoded for r in results) == 200
    for result in results:
        np.testing.assert_array_equal(result.embedding.vectors, expected)
        assert result.encoded + result.reused == 200


def test_a_session_that_fails_mid_encoding_leaves_its_lines_to_the_others(tmp_path):
    from semsearch.encoding import in_flight
    from semsearch.encoding.disk_cache import DiskVectorCache
    from semsearch.encoding.vector_cache import VectorCache

    embedder = Embedder(TokenEngine(WordRuntime(), name="w"), name="w", prompting=Prompting())
    disk = DiskVectorCache(tmp_path / "cache")
    lines = [f"line {i}" for i in range(100)]

    def interrupt(done: int, total: int) -> None:
        raise RuntimeError("rerun")

    with pytest.raises(RuntimeError):
        VectorCache(disk=disk).embed(embedder, lines, progress=interrupt)
    assert len(in_flight.PROCESS) == 0  # released: nobody waits for a session gone
    result = VectorCache(disk=disk).embed(embedder, lines)
    np.testing.assert_array_equal(result.embedding.vectors, embedder.encode_documents(lines))
