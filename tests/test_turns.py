"""Sessions sharing one model take turns: a short query waits behind one batch, not all."""

from __future__ import annotations

import threading
import time

from semsearch.encoding.engines.local import TransformerRuntime
from semsearch.encoding.engines.tokens import TokenEngine
from semsearch.encoding.turns import FairLock


class SlowRuntime(TransformerRuntime):
    """The real runtime, each forward pass recorded; batch ``start_at`` starts ``query``."""

    start_at = 5
    query: threading.Thread
    rows: list[int]

    def _forward(self, batch):
        if len(self.rows) == self.start_at:
            self.query.start()
            time.sleep(0.3)  # the query is waiting for its turn by now
        self.rows.append(len(batch))
        return super()._forward(batch)


def test_a_query_during_a_bulk_encode_runs_right_after_the_batch_in_progress(tiny_qwen3):
    runtime = SlowRuntime.load(tiny_qwen3, device="cpu", dtype="fp32")
    runtime.max_batch, runtime.rows = 4, []
    engine = TokenEngine(runtime, name="tiny")
    bulk = [f"bulk line number {i}" for i in range(200)]  # 50 batches of 4
    done: list[int] = []

    def query() -> None:
        done.extend(len(batch.indices) for batch in engine.encode(["the query"], max_length=16))

    runtime.query = threading.Thread(target=query)
    encoded = sum(len(batch.indices) for batch in engine.encode(bulk, max_length=16))
    runtime.query.join()
    assert encoded == 200
    # Batch 5 (the sixth) was running when the query asked; the query's batch is next.
    assert runtime.rows[6] == 1
    assert runtime.rows.count(1) == 1
    assert done == [1]


def test_the_fair_lock_grants_in_the_order_asked():
    lock = FairLock()
    order: list[int] = []

    def take(n: int) -> None:
        with lock:
            order.append(n)

    lock.acquire()
    threads = [threading.Thread(target=take, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
        time.sleep(0.05)  # each asks after the one before
    lock.release()
    for thread in threads:
        thread.join()
    assert order == [0, 1, 2, 3, 4]


def test_a_long_list_is_tokenised_in_chunks_with_the_same_result(tiny_qwen3):
    runtime = TransformerRuntime.load(tiny_qwen3, device="cpu", dtype="fp32")
    engine = TokenEngine(runtime, name="tiny")
    texts = [f"line {i} " * (i % 7 + 1) for i in range(2500)]
    assert engine.count_tokens(texts, 64) == runtime.tokenize(texts, 64).full_lengths
