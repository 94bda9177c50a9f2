"""What one command costs: ``semsearch search`` and ``semsearch index``, before and after.

Runs the command line as a user does (a new process per command, bundled model, CPU) in
two fresh data folders: one with the code of a baseline commit (default: the commit before
the deferred model loading landed, taken with ``git archive``), one with this tree. In each,
a Markdown file of N paragraphs is indexed, then a saved base is searched R times:

* **query not cached**: a new question each time (this tree: the NumPy engine encodes it,
  no torch; code before it: torch, transformers and the model load);
* **query cached**: the same question again (the page or an earlier run asked it): with
  the disk cache (code since the deferred model) its vector is read and no model loads;

and the same file is indexed again into a new base after an earlier run (or the page)
encoded it (code with the shared disk cache: every vector from it; older code: all encoded).
Both trees are measured the same way. Each figure
is the median over R runs of the wall time and of the CPU time (user + system) of the
child process; the machine is shared, so the CPU time is the steadier of the two. Prints a
table, then one line of JSON.

    python bench/cli.py --repeat 3 --paragraphs 60
    python bench/cli.py --baseline 072c2a5   # main before the NumPy engine
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from baseline import checkout

ROOT = Path(__file__).resolve().parent.parent
QUERY = "how do I reset the router?"


def default_baseline() -> str:
    """The commit before ``semsearch/encoding/deferred.py`` was added (today's old path)."""
    added = subprocess.run(
        ["git", "-C", str(ROOT), "log", "--diff-filter=A", "--format=%H", "--",
         "semsearch/encoding/deferred.py"],
        capture_output=True, text=True, check=True,
    ).stdout.split()  # fmt: skip
    return f"{added[-1]}^" if added else "HEAD"


def run(code_root: Path, data: Path, *argv: str) -> tuple[float, float, str]:
    """(wall s, child CPU s, stderr) of ``python -m semsearch ARGV`` with ``code_root``'s code."""
    env = {**os.environ, "PYTHONPATH": str(code_root), "SEMSEARCH_DATA_DIR": str(data)}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "semsearch", *argv], capture_output=True, text=True, env=env,
        cwd=data, check=False,
    )  # fmt: skip
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"semsearch {' '.join(argv)} failed:\n{done.stderr}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, done.stderr


def markdown(paragraphs: int) -> str:
    """A manual of ``paragraphs`` short paragraphs under a few headings."""
    parts = []
    for n in range(paragraphs):
        if n % 10 == 0:
            parts.append(f"# Chapter {n // 10 + 1}")
        parts.append(
            f"Step {n}: hold button {n % 7} for {n % 13 + 2} seconds until light {n % 5} "
            f"blinks, then wait {n % 11 + 1} minutes before you plug in cable {n % 3}."
        )
    return "\n\n".join(parts) + "\n"


def median(rows: list[tuple[float, float, str]]) -> tuple[float, float]:
    """Median wall and CPU seconds of ``rows``."""
    return statistics.median(r[0] for r in rows), statistics.median(r[1] for r in rows)


def measure(code_root: Path, data: Path, manual: Path, repeat: int) -> dict:
    """Index; search R new questions, then R times one asked before; index again."""
    figures: dict[str, tuple[float, float]] = {}
    base = ["--model", "bundled"]
    figures["index"] = median([run(code_root, data, "index", str(manual), "--name", "m", *base)])
    search = ["search", "--name", "m", "--query"]
    fresh = [run(code_root, data, *search, f"{QUERY} ({n})") for n in range(repeat)]
    figures["search"] = median(fresh)
    run(code_root, data, *search, QUERY)  # the page (or anyone) asks it once
    figures["search, cached query"] = median(
        [run(code_root, data, *search, QUERY) for _ in range(repeat)]
    )
    again = run(code_root, data, "index", str(manual), "--name", "again", *base)
    if (code_root / "semsearch" / "encoding" / "disk_cache.py").is_file():  # shares the cache
        assert "the model encoded 0" in again[2], again[2]
    figures["index again"] = median([again])
    return figures


def main() -> None:
    """Measure the baseline and this tree side by side; print the table and JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--baseline", help="commit of the old code (default: before deferral)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--paragraphs", type=int, default=60)
    args = parser.parse_args()
    baseline = args.baseline or default_baseline()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        manual = folder / "manual.md"
        manual.write_text(markdown(args.paragraphs), "utf-8")
        old_code = checkout(baseline, folder / "old")
        (folder / "old-data").mkdir()
        (folder / "new-data").mkdir()
        start_load = os.getloadavg()[0]
        old = measure(old_code, folder / "old-data", manual, args.repeat)
        new = measure(ROOT, folder / "new-data", manual, args.repeat)
    load = (start_load, os.getloadavg()[0])
    print(f"baseline {baseline}; median of {args.repeat}; load average {load[0]:.1f} at the "
          f"start, {load[1]:.1f} at the end")  # fmt: skip
    print(f"{'command':<28}{'baseline wall':>14}{'cpu':>8}{'new wall':>10}{'cpu':>8}")
    for key in ("index", "search", "search, cached query", "index again"):
        was = old.get(key)
        shown = f"{was[0]:>13.2f}s{was[1]:>7.2f}s" if was else f"{'-':>14}{'-':>8}"
        now = new[key]
        print(f"{key:<28}{shown}{now[0]:>9.2f}s{now[1]:>7.2f}s")
    print(json.dumps({"baseline": baseline, "repeat": args.repeat, "load": load,
                      "old": old, "new": new}))  # fmt: skip


if __name__ == "__main__":
    main()
