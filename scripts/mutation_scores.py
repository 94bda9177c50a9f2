"""Mutation score per module from mutmut's results, and whether each meets the bar.

    mutmut run && python scripts/mutation_scores.py        # what `make mutation` runs

Reads ``mutmut results --all true`` (one line per mutant: ``module.x_function__mutmut_N:
status``), counts killed (and timed-out: the mutant hung, which a test run notices) over
every mutant of the module, and prints one row per module, the surviving mutants under it.
Exits 1 when a module scores under :data:`BAR`. A surviving mutant is either killed by a new
test or shown to be equivalent and listed in a comment in its module (docs/mutation.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

BAR = 0.9
"""The lowest score a module may have (issue 19: 90%)."""
KILLED = {"killed", "timeout"}
LINE = re.compile(r"^\s*(?P<module>[\w.]+)\.x_\w+?__mutmut_\d+: (?P<status>.+?)\s*$")


def scores(results: str) -> dict[str, tuple[int, int, list[str]]]:
    """Module -> (killed, mutants, names of the mutants not killed), from mutmut's listing."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    alive: dict[str, list[str]] = defaultdict(list)
    for line in results.splitlines():
        found = LINE.match(line)
        if found is None:
            continue
        module, status = found["module"], found["status"]
        counts[module][1] += 1
        if status in KILLED:
            counts[module][0] += 1
        else:
            alive[module].append(line.strip())
    return {m: (k, n, alive[m]) for m, (k, n) in sorted(counts.items())}


def main() -> int:
    """Print the table; 1 when a module is under the bar or there are no results."""
    mutmut = Path(sys.executable).with_name("mutmut")
    listing = subprocess.run(
        [str(mutmut), "results", "--all", "true"], capture_output=True, text=True, check=True
    ).stdout
    table = scores(listing)
    if not table:
        print("No mutmut results: run `mutmut run` first.")
        return 1
    print(f"{'module':40} {'killed':>7} {'mutants':>8} {'score':>7}")
    failed = False
    for module, (killed, total, alive) in table.items():
        print(f"{module:40} {killed:7} {total:8} {killed / total:7.1%}")
        for name in alive:
            print(f"    {name}")
        failed |= killed / total < BAR
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
