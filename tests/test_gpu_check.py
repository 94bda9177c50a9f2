"""bench/gpu_check.sh on a machine without CUDA: a clean failure, a report, no hang.

The GPU figures themselves need a lent GPU (README: GPU check); here the command must say
there is no CUDA device, show that the CUDA suite ran and skipped, and name what remains.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from gpu_check import Outcome, target_lines  # noqa: E402

pytestmark = pytest.mark.slow  # a minute or more: run first (tests/conftest.py)


@pytest.mark.skipif(
    __import__("torch").cuda.is_available(), reason="a CUDA device is here: the real check applies"
)
def test_without_cuda_the_check_fails_cleanly_with_a_report(tmp_path):
    out = tmp_path / "gpucheck"
    done = subprocess.run(
        [str(ROOT / "bench" / "gpu_check.sh"), str(out)],
        cwd=tmp_path,
        env={**os.environ, "PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    last = done.stdout.strip().splitlines()
    assert last[-2].startswith("gpu_check: NOT RUN: no CUDA device (torch ")
    assert "Ran: suite (not run: all 17 CUDA tests skipped: no CUDA device" in last[-2]
    assert last[-2].endswith("Not run: suite, peaks, encode, rank, page.")
    assert sorted(p.name for p in out.iterdir()) == [
        "cuda_tests.xml",
        "gpu_check.log",
        "report.md",
        "results.jsonl",
    ]
    steps = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert [(s["step"], s.get("status")) for s in steps] == [
        ("environment", None), ("suite", "not run"), ("peaks", "not run"),
        ("encode", "not run"), ("rank", "not run"), ("page", "not run"),
    ]  # fmt: skip
    assert steps[0]["cuda_available"] is False
    assert steps[1]["data"]["tests"] == steps[1]["data"]["skipped"] == 17
    report = (out / "report.md").read_text()
    assert "**Result: NOT RUN: no CUDA device**" in report
    assert "| peaks | not run | 0 | needs a CUDA device |" in report


def test_unknown_step_is_refused_with_the_choices(tmp_path):
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "gpu_check.py"), str(tmp_path), "--only", "warp"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "unknown steps ['warp']; choose from suite,peaks,encode,rank,page" in done.stderr


def test_targets_are_judged_from_the_measured_figures():
    encode = {"ours_mfu": 0.5, "ratio": 1.4, "ratio_best": 1.1, "ours_query_p50_ms": 9.0}
    rank = {
        "rows": [
            {"dim": 1024, "ours_p50_ms": 1.0},
            {"dim": 2560, "ours_p50_ms": 2.5, "p50_over_floor": 1.6},
        ]
    }
    outcomes = [Outcome("encode", "passed", data=encode), Outcome("rank", "passed", data=rank)]
    assert target_lines(outcomes) == [
        "| MFU at large batches | 50.0% | >= 45% | met |",
        "| vs s-t seeds' settings | 1.40x | >= 1.5x | missed |",
        "| vs s-t best settings | 1.10x | reported |  |",
        "| one short query p50 | 9.0 ms | <= 15 ms | met |",
        "| rank 1M x 2560 p50 | 2.50 ms | <= 5 ms | met |",
        "| rank 1M x 2560 vs floor | 1.60x | <= 1.5x | missed |",
    ]
