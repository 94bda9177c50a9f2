"""A closed tab stops a long paste before its first batch; shared locks are let go between chunks.

Streamlit stops a run only inside one of its own calls; :mod:`semsearch.checkpoints` gives
the page that call between the pieces of work that come before any batch (tokenising,
hashing the cache keys, reading the disk cache). The hook here raises what Streamlit would.
"""

from __future__ import annotations

import threading
import time

import pytest

from semsearch.checkpoints import checkpoint, stoppable
from semsearch.encoding import in_flight
from semsearch.encoding.disk_cache import DiskVectorCache
from semsearch.encoding.embedder import Embedder
from semsearch.encoding.engines.local import TransformerRuntime
from semsearch.encoding.engines.tokens import TOKENIZE_CHUNK, TokenEngine
from semsearch.encoding.vector_cache import VectorCache, text_key


class Stopped(BaseException):
    """What Streamlit raises inside its own call once a closed tab asked the run to stop."""


class CountingRuntime(TransformerRuntime):
    """The real runtime, its forward passes counted."""

    forwards = 0

    def _forward(self, batch):
        self.forwards += 1
        return super()._forward(batch)


@pytest.fixture(scope="module")
def tiny(tiny_qwen3):
    from semsearch.encoding.loading import load_embedder

    runtime = CountingRuntime.load(tiny_qwen3, device="cpu", dtype="fp32")
    prompting = load_embedder(str(tiny_qwen3), device="cpu", dtype="fp32").prompting
    return runtime, Embedder(TokenEngine(runtime, name="tiny"), name="tiny", prompting=prompting)


def test_a_checkpoint_calls_its_threads_hook_at_most_every_so_often():
    calls: list[str] = []
    checkpoint()  # no hook: nothing happens
    with stoppable(lambda: calls.append("often"), every=0.0):
        for _ in range(3):
            checkpoint()
        other = threading.Thread(target=checkpoint)  # another session's thread: not its hook
        other.start()
        other.join()
        with stoppable(lambda: calls.append("rarely"), every=3600):
            checkpoint()
        checkpoint()
    checkpoint()
    assert calls == ["often"] * 4


def test_a_stopped_paste_never_reaches_the_model_and_leaves_nothing_claimed(tiny, tmp_path):
    runtime, embedder = tiny
    lines = [f"pasted line number {i}" for i in range(3 * TOKENIZE_CHUNK)]
    ticks: list[int] = []

    def tab_closed() -> None:
        ticks.append(1)
        if len(ticks) == 3:  # a second and a half in: the tab is gone
            raise Stopped

    before = runtime.forwards
    cache = VectorCache(disk=DiskVectorCache(tmp_path / "cache"))
    with pytest.raises(Stopped), stoppable(tab_closed, every=0.0):
        cache.embed(embedder, lines)
    assert runtime.forwards == before
    assert len(in_flight.PROCESS) == 0
    # Nothing half-done stays in the way: the same lines encode in full afterwards.
    assert cache.embed(embedder, lines[:10]).encoded == 10


def test_tokenising_a_paste_passes_a_checkpoint_per_chunk(tiny):
    _, embedder = tiny
    ticks: list[int] = []
    with stoppable(lambda: ticks.append(1), every=0.0):
        list(embedder.engine.encode(["a line"] * (2 * TOKENIZE_CHUNK + 1), max_length=16))
    assert len(ticks) == 3


def test_a_long_disk_lookup_lets_another_session_read_between_its_chunks(tiny, tmp_path):
    _, embedder = tiny
    disk = DiskVectorCache(tmp_path / "cache")
    VectorCache(disk=disk).embed(embedder, ["the teacher's line"])
    theirs = [text_key(embedder, "the teacher's line", "document", None)]
    mine = [f"{n:064x}" for n in range(5_000)]  # ten chunks of keys nobody has stored
    read: list[int] = []

    def between_chunks() -> None:
        # Runs in the long lookup's thread, between two of its queries: another session
        # reading now must not wait for the whole lookup (it would wait forever here).
        other = threading.Thread(target=lambda: read.append(len(disk.get_many(embedder, theirs))))
        other.start()
        other.join(timeout=10)
        assert not other.is_alive(), "the disk cache stayed locked between chunks"

    with stoppable(between_chunks, every=0.0):
        assert disk.get_many(embedder, mine) == {}
    assert read
    assert set(read) == {1}


def test_one_claim_of_many_keys_makes_one_event_and_wakes_its_waiters():
    registry = in_flight.InFlight()
    keys = [f"key {n}" for n in range(10_000)]
    claim = registry.claim(keys)
    assert claim.mine == keys
    # One event for the whole claim: one per key held the registry's lock for seconds.
    waiting = registry.claim(["key 5", "key 9999", "new"])
    assert waiting.mine == ["new"]
    assert len(waiting.theirs) == 1
    registry.release(claim.mine)
    assert waiting.theirs[0].is_set()
    registry.release(waiting.mine)
    assert len(registry) == 0


def test_waiting_for_lines_another_session_encodes_can_be_stopped(tiny, tmp_path):
    """A class pastes one sample: the second tab waits for the first's encode of its lines.
    Closing the second tab (or clicking in it) must not wait for the first tab's paste."""
    _, embedder = tiny
    lines = ["a line the other tab is encoding"]
    owner = in_flight.PROCESS.claim([text_key(embedder, lines[0], "document", None)])
    outcome: list[BaseException] = []

    def second_tab() -> None:
        started = time.monotonic()

        def tab_closed() -> None:  # closed one second in: by then it waits on the owner
            if time.monotonic() - started > 1.0:
                raise Stopped

        try:
            with stoppable(tab_closed, every=0.0):
                VectorCache(disk=DiskVectorCache(tmp_path / "cache")).embed(embedder, lines)
        except Stopped as stopped:
            outcome.append(stopped)

    waiter = threading.Thread(target=second_tab)
    try:
        waiter.start()
        waiter.join(timeout=10)
        assert not waiter.is_alive(), "the stopped tab still waits for the other tab's encode"
        assert len(outcome) == 1
    finally:
        in_flight.PROCESS.release(owner.mine)
        waiter.join()
    assert len(in_flight.PROCESS) == 0
