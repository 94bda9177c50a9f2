"""The benchmarks keep working: each runs on a small input and ends with its JSON line.

These check that the scripts run and report sane numbers, not how fast anything is:
speed is measured by running the scripts themselves (bench/RESULTS.md).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow  # a minute or more: run first (tests/conftest.py)

ROOT = Path(__file__).resolve().parent.parent


def run_bench(*argv: str) -> dict:
    done = subprocess.run(
        [sys.executable, *argv],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_encode_tiny_preset_compares_with_sentence_transformers():
    result = run_bench("bench/encode.py", "--preset", "tiny", "--lines", "100", "--repeats", "3")
    assert (result["preset"], result["lines"], result["device"]) == ("tiny", 100, "cpu")
    assert result["ours_tokens_per_s"] > 0
    assert result["baseline_tokens_per_s"] > 0
    assert result["ratio"] == pytest.approx(
        result["ours_tokens_per_s"] / result["baseline_tokens_per_s"]
    )
    assert result["min_cosine"] > 0.999
    assert 0.8 <= result["top5_overlap"] <= 1.0
    # Precision side by side: fp32 (the default) gives the baseline's scores, bf16 does not.
    fp32, bf16 = result["precisions"]
    assert (fp32["dtype"], bf16["dtype"]) == ("fp32", "bf16")
    assert fp32["max_score_diff"] < 1e-5
    assert fp32["scores_equal_4dp"] >= 0.99
    assert bf16["max_score_diff"] > fp32["max_score_diff"]
    assert all(row["tokens_per_s"] > 0 for row in result["precisions"])


def test_rank_compares_with_semantic_search_and_checks_answers():
    result = run_bench("bench/rank.py", "--sizes", "500,3000", "--dims", "64", "--queries", "3")
    assert [(row["n"], row["dim"]) for row in result["rows"]] == [(500, 64), (3000, 64)]
    assert all(row["exact_answers"] == "3/3" for row in result["rows"])
    assert all(row["ours_p50_ms"] > 0 and row["baseline_p50_ms"] > 0 for row in result["rows"])


def test_app_rerank_times_the_page_without_encoding():
    result = run_bench("bench/app_rerank.py", "--lines", "300", "--moves", "4")
    assert result["lines"] == 300
    assert 0 < result["rerank_p50_ms"] <= result["rerank_max_ms"]


def test_reload_bench_reads_every_vector_from_disk():
    result = run_bench("bench/reload.py", "--passages", "8")
    assert result["passages"] == 8
    assert result["first_search_s"] > 0
    assert result["reload_s"] > 0
    assert result["api_disk_read_s"] > 0
    assert result["cache_file_bytes"] > 9 * 384 * 4  # 8 passages and the query


def test_filters_bench_times_every_filter_in_both_stores():
    rows = run_bench("bench/filters.py", "--size", "300", "--repeat", "1")
    assert [(r["store"], r["size"]) for r in rows] == [("sqlite", 300)] * 4 + [("milvus", 300)] * 4
    assert all(r["ms"] > 0 for r in rows)


def test_scale_measures_both_stores_and_the_page_on_a_small_base():
    result = run_bench(
        "bench/scale.py",
        "--rows",
        "3000",
        "--queries",
        "5",
        "--milvus-queries",
        "3",
        "--skip-engines",
    )
    phases = {(r["phase"], r["store"]): r for r in result["results"]}
    assert sorted(phases) == [
        ("index", "milvus"),
        ("index", "sqlite"),
        ("page", "milvus"),
        ("page", "sqlite"),
        ("page-old", "sqlite"),
        ("query", "milvus"),
        ("query", "sqlite"),
    ]
    assert phases["index", "sqlite"]["rows"] == phases["index", "milvus"]["rows"] == 3000
    assert phases["index", "milvus"]["index"] == "FLAT"  # exact below EXACT_BELOW
    # both stores search exactly here: every top 10 and every row above the threshold
    for store in ("sqlite", "milvus"):
        query = phases["query", store]
        assert (query["recall_at_10"], query["threshold_recall"]) == (1.0, 1.0)
        assert 0 < query["threshold_rows_median"] <= 1000
        assert 0 < query["top10_p50_ms"] <= query["top10_p99_ms"]
    assert phases["query", "sqlite"]["threshold"] == phases["query", "milvus"]["threshold"]
    for store in ("sqlite", "milvus"):
        page = phases["page", store]
        assert (page["candidates"], page["sampled"]) == (2000, 500)
        assert page["session_vectors_mb"] == round(2500 * 384 * 4 / 2**20, 1)
    assert phases["page-old", "sqlite"]["encoded"] == 0  # opened without re-encoding
    assert phases["page-old", "sqlite"]["session_vectors_mb"] == round(3000 * 384 * 4 / 2**20, 1)


def test_classroom_bench_serves_every_session_its_own_results():
    result = run_bench("bench/classroom.py", "--sessions", "3", "--lines", "20")
    assert result["tracebacks"] == 0
    assert [r["scenario"] for r in result["results"]] == ["same", "own"]
    for scenario in result["results"]:
        assert scenario["errors"] == 0, scenario["error_examples"]
        assert scenario["cross_talk"] == 0, scenario["cross_talk_examples"]
        assert 0 < scenario["p50_s"] <= scenario["max_s"]
        assert scenario["rss_after_mb"] > 0


def test_classroom_adversary_times_bystanders_and_the_server_stops_when_the_tab_closes():
    result = run_bench(
        "bench/classroom.py", "--adversarial", "--configs", "after", "--attacks", "paste",
        "--sessions", "1", "--paste-lines", "20000", "--duration", "5", "--timeout", "240",
    )  # fmt: skip
    (paste,) = result["adversarial"]
    assert (paste["config"], paste["scenario"], paste["attack_lines"]) == ("after", "paste", 20000)
    assert paste["errors"] == 0, paste["error_examples"]
    assert paste["tracebacks"] == 0
    assert paste["n"] >= 1
    assert 0 < paste["p50_s"] <= paste["max_s"]
    assert paste["rss_peak_mb"] >= paste["rss_before_mb"] > 0
    # The paste is still being encoded when its tab closes: the server is idle soon after.
    assert paste["attacker"] == "stopped during paste"
    assert paste["idle_after_close_s"] < 15


def test_upload_memory_measures_the_baseline_and_this_tree_apart():
    result = run_bench(
        "bench/upload_memory.py", "--heading-kb", "2", "--paragraphs", "200",
        "--sections", "20", "--log-mb", "0.02", "--lines", "2000",
    )  # fmt: skip
    rows = {(r["case"], r["code"]): r for r in result["rows"]}
    cases = ("heading", "sections", "log", "paste")
    assert set(rows) == {(c, k) for c in cases for k in ("baseline", "new")}
    for row in rows.values():
        assert "error" not in row, row
        assert row["passages"] > 0
        assert row["peak_per_input_mb"] >= 0
    # The baseline really is the old code: it copied the heading into every passage kept.
    old, new = rows["heading", "baseline"], rows["heading", "new"]
    assert old["memory_json_mb"] > 5 * new["memory_json_mb"]
