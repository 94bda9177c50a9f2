"""How long the page takes to re-rank a large knowledge base when the threshold moves.

Drives the real page (Streamlit's AppTest, bundled model, CPU or ``--device cuda``): loads a
knowledge base of N short lines, searches once (encoding every line), then moves the
threshold slider and changes top-k, timing each full script run. Nothing is encoded after
the first search; the time is everything the page does on a rerun (parsing the text box,
checking the snapshot, scoring, selecting, drawing). Prints a table, then one line of JSON.

AppTest compiles the script afresh on every run (a new ``ScriptCache`` each time), which a
Streamlit server does once per script version; here the runs share one cache, as a
server's do, so that the time is the page's and not the harness's.

    python bench/app_rerank.py --lines 100000
    python bench/app_rerank.py --lines 100000 --device cuda
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from corpus import short_lines
from encode import device_name, percentile

APP = str(Path(__file__).resolve().parent.parent / "app.py")


def main() -> None:
    """Search once, then time threshold and top-k moves."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--moves", type=int, default=60)
    parser.add_argument("--device", default="cpu", help="where the page's model runs: cpu, cuda")
    args = parser.parse_args()
    os.environ.setdefault("SEMSEARCH_MODEL", "bundled")
    os.environ["SEMSEARCH_DEVICE"] = args.device
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import AppTest, local_script_runner

    shared = ScriptCache()
    setattr(local_script_runner, "ScriptCache", lambda: shared)  # noqa: B010 (a harness patch)

    at = AppTest.from_file(APP, default_timeout=3600).run()
    at.text_area(key="kb_text").input("\n".join(short_lines(args.lines))).run()
    at.text_input(key="query").set_value("fresh fruit rich in vitamins")
    started = time.perf_counter()
    at.button(key="search").click().run()
    search_s = time.perf_counter() - started
    run = at.session_state["run"]
    assert run.encoded == args.lines, "the first search encodes every line"

    samples = []
    values = [0.1, 0.15, 0.2, 0.25]
    for move in range(args.moves):
        started = time.perf_counter()
        if move % 2:
            at.number_input(key="top_k").set_value(5 + move % 7).run()
        else:
            at.slider(key="threshold").set_value(values[move // 2 % len(values)]).run()
        samples.append((time.perf_counter() - started) * 1000)
        assert at.session_state["run"] is run, "a re-rank must not encode"
    assert not at.exception
    result = {
        "lines": args.lines,
        "device": args.device,
        "device_name": device_name(args.device),
        "first_search_s": search_s,
        "rerank_p50_ms": percentile(samples, 50),
        "rerank_p99_ms": percentile(samples, 99),
        "rerank_max_ms": max(samples),
    }
    print(f"page re-rank, {args.lines} lines, bundled model on {result['device_name']}")
    print(f"first search (encodes every line): {search_s:.1f} s")
    p50, p99 = result["rerank_p50_ms"], result["rerank_p99_ms"]
    print(f"threshold / top-k moves: p50 {p50:.0f} ms, p99 {p99:.0f} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
