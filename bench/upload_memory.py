"""Memory and CPU of one upload or paste on the page, per MB of input, old code beside new.

What the page does with an upload before anything is encoded: read the file, split it into
passages (bundled model's tokenizer, paragraph mode, its 256-token cap), make the texts
column the search reads, and write the passages to the page memory (JSON). Each case runs
in a fresh process with the model already loaded; a thread samples the process's RSS every
10 ms, and the figure is the peak during the upload minus the RSS just before it, divided
by the input's size (target: at most 20x the input, the model aside). The same cases run
with the code of ``--baseline`` (the commit before this work, via ``git archive``) and with
this tree, in one run. Cases:

* ``heading``: Markdown with one heading of ``--heading-kb`` KB of words over
  ``--paragraphs`` short paragraphs (the issue's reproduction: 100 KB over 10,000);
* ``sections``: Markdown as people write it: ``--sections`` sections, each a short heading
  over five paragraphs of 60 words;
* ``log``: a text file that is one paragraph of ``--log-mb`` MB (a log without blank lines);
* ``paste``: ``--lines`` typed lines (the text box).

Prints a table, then one line of JSON. CPU seconds are the child's user + system time
(the machine is shared: steadier than wall time).

    python bench/upload_memory.py
    python bench/upload_memory.py --heading-kb 100 --log-mb 4
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import checkout

ROOT = Path(__file__).resolve().parent.parent
BASELINE = "972a2a6"
"""main before heading paths were held once and long paragraphs split by stretches."""

CHILD = r"""
import json, os, sys, threading, time
import psutil
from semsearch.encoding.loading import load_embedder

case, path = sys.argv[1], sys.argv[2]
data = open(path, "rb").read()
embedder = load_embedder("bundled")
embedder.token_spans("warm up the tokenizer")
process = psutil.Process()
before = process.memory_info().rss
peak = [before]
done = threading.Event()

def sample():
    while not done.wait(0.01):
        peak[0] = max(peak[0], process.memory_info().rss)

# A daemon: a failing case must end the process (with its traceback), not wait on the sampler.
sampler = threading.Thread(target=sample, daemon=True)
sampler.start()
cpu = time.process_time()
if case == "paste":
    from semsearch.documents.knowledge_base import parse_lines
    from semsearch.retrieval.library import passages_from_lines
    passages = passages_from_lines(parse_lines(data.decode()))
else:
    from semsearch.documents.chunking import ChunkSettings, chunk_documents
    from semsearch.documents.readers import read_document
    name = "app.txt" if case == "log" else "notes.md"  # a log saved as text
    passages = chunk_documents([read_document(name, data)], ChunkSettings("paragraph"),
                               embedder.token_spans, embedder.passage_tokens)
texts = tuple(p.text for p in passages)
from semsearch.page import memory
kept = memory._passages_json(passages)
cpu = time.process_time() - cpu
done.set()
sampler.join()
print(json.dumps({"passages": len(passages), "peak_mb": (peak[0] - before) / 2**20,
                  "cpu_s": cpu, "memory_json_mb": len(kept.encode()) / 2**20}))
"""


def inputs(args: argparse.Namespace) -> dict[str, bytes]:
    """The cases' inputs (see the module docstring)."""
    words: list[str] = []
    size = 0
    while size < args.heading_kb * 1024:
        words.append(f"part{len(words)}")
        size += len(words[-1]) + 1
    heading = "# " + " ".join(words) + "\n\n"
    paragraphs = "".join(f"Paragraph {i} has a short sentence.\n\n" for i in range(args.paragraphs))
    events: list[str] = []
    log, total = 0, int(args.log_mb * 2**20)
    while log < total:
        events.append(f"2026-01-01T00:00:{len(events) % 60:02d} event {len(events)} handled ok.")
        log += len(events[-1]) + 1
    lines = "\n".join(f"pasted line {i}: something to find" for i in range(args.lines))
    vocabulary = [
        "the",
        "a",
        "model",
        "search",
        "vector",
        "line",
        "query",
        "meaning",
        "answer",
        "student",
        "class",
        "text",
    ]
    sections = "".join(
        f"## Section {n} about {vocabulary[n % 12]}\n\n"
        + "".join(
            " ".join(vocabulary[(n * 7 + p * 3 + w) % 12] for w in range(60)) + ".\n\n"
            for p in range(5)
        )
        for n in range(args.sections)
    )
    return {
        "heading": (heading + paragraphs).encode(),
        "sections": sections.encode(),
        "log": " ".join(events).encode(),
        "paste": lines.encode(),
    }


def measure(code: Path, case: str, path: Path) -> dict:
    """One case in a fresh process with ``code``'s package."""
    env = {"PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1", "PATH": "/usr/bin:/bin"}
    # cwd=code: ``python -c`` puts the working folder first on the path, so from this tree's
    # root the baseline's run would import this tree's package instead of its own.
    done = subprocess.run(
        [sys.executable, "-c", CHILD, case, str(path)],
        capture_output=True, text=True, env=env, check=False, cwd=code,
    )  # fmt: skip
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1:]}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    """Measure every case with the baseline's code and this tree's; print a table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", default=BASELINE)
    parser.add_argument("--cases", default="heading,sections,log,paste")
    parser.add_argument("--heading-kb", type=float, default=20.0)
    parser.add_argument("--paragraphs", type=int, default=10_000)
    parser.add_argument("--sections", type=int, default=600)
    parser.add_argument("--log-mb", type=float, default=1.0)
    parser.add_argument("--lines", type=int, default=200_000)
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory(prefix="upload-memory-") as work:
        old = checkout(args.baseline, Path(work) / "old")
        made = inputs(args)
        for case in args.cases.split(","):
            path = Path(work) / case
            path.write_bytes(made[case])
            mb = len(made[case]) / 2**20
            for label, code in (("baseline", old), ("new", ROOT)):
                found = measure(code, case, path)
                row = {"case": case, "code": label, "input_mb": mb, **found}
                if "peak_mb" in found:
                    row["peak_per_input_mb"] = found["peak_mb"] / mb
                    row["cpu_s_per_input_mb"] = found["cpu_s"] / mb
                rows.append(row)
                print(row, file=sys.stderr, flush=True)
    load = [round(x, 2) for x in __import__("os").getloadavg()]
    print(f"{'case':<9}{'code':<10}{'input MB':>9}{'passages':>10}{'peak MB':>10}"
          f"{'peak/MB':>9}{'CPU s':>8}{'CPU s/MB':>10}{'memory JSON MB':>16}")  # fmt: skip
    for r in rows:
        if "error" in r:
            print(f"{r['case']:<9}{r['code']:<10} failed: {r['error']}")
            continue
        print(f"{r['case']:<9}{r['code']:<10}{r['input_mb']:>9.2f}{r['passages']:>10}"
              f"{r['peak_mb']:>10.1f}{r['peak_per_input_mb']:>9.1f}{r['cpu_s']:>8.1f}"
              f"{r['cpu_s_per_input_mb']:>10.1f}{r['memory_json_mb']:>16.2f}")  # fmt: skip
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"load average {load}; children's CPU {usage.ru_utime + usage.ru_stime:.0f} s")
    print(json.dumps({"load": load, "rows": rows}))


if __name__ == "__main__":
    main()
