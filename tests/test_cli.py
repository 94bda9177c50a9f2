"""The command line, in-process through ``main`` and end to end in a fresh interpreter."""

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from semsearch.cli import main

pytestmark = pytest.mark.slow  # a minute or more: run first (tests/conftest.py)

KB = (
    "Apples are a delicious fruit.\n\n   Oranges contain plenty of vitamin C.  \n"
    "\u200b\nApple released the first iPhone in 2007.\n"
)


@pytest.fixture
def kb_file(tmp_path):
    path = tmp_path / "kb.txt"
    path.write_text(KB, encoding="utf-8")
    return path


def run_main(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_search_json_lists_rank_index_text_score(capsys, kb_file):
    code, out, err = run_main(
        capsys,
        "search",
        "--kb",
        str(kb_file),
        "--query",
        "Which fruit has vitamin C?",
        "--model",
        "bundled",
        "--json",
    )
    rows = json.loads(out)
    assert code == 0
    assert err == ""
    assert [set(row) for row in rows] == [{"rank", "index", "text", "score"}] * len(rows)
    assert rows[0] == {
        "rank": 1,
        "index": 1,
        "text": "Oranges contain plenty of vitamin C.",
        "score": rows[0]["score"],
    }
    assert [row["rank"] for row in rows] == list(range(1, len(rows) + 1))
    assert all(row["score"] >= 0.4 for row in rows)
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)


def test_search_respects_top_k_and_threshold(capsys, kb_file):
    common = ["search", "--kb", str(kb_file), "--query", "fruit", "--model", "bundled", "--json"]
    _, out, _ = run_main(capsys, *common, "--top-k", "1", "--threshold", "-1")
    assert len(json.loads(out)) == 1
    _, out, _ = run_main(capsys, *common, "--top-k", "10", "--threshold", "-1")
    assert sorted(row["index"] for row in json.loads(out)) == [0, 1, 2]


def test_nothing_above_threshold_prints_an_empty_list(capsys, kb_file):
    code, out, _ = run_main(
        capsys,
        "search",
        "--kb",
        str(kb_file),
        "--query",
        "quantum chromodynamics",
        "--model",
        "bundled",
        "--json",
    )
    assert (code, json.loads(out)) == (0, [])


def test_plain_output_without_json(capsys, kb_file):
    code, out, _ = run_main(
        capsys, "search", "--kb", str(kb_file), "--query", "vitamin C", "--model", "bundled"
    )
    assert code == 0
    assert out.splitlines()[0].endswith("[1] Oranges contain plenty of vitamin C.")
    _, out, _ = run_main(
        capsys,
        "search",
        "--kb",
        str(kb_file),
        "--query",
        "quantum chromodynamics",
        "--model",
        "bundled",
    )
    assert out.startswith("No line reaches the threshold 0.40; the best score is ")


def test_auto_notes_its_fallback_on_stderr(capsys, kb_file):
    code, out, err = run_main(
        capsys, "search", "--kb", str(kb_file), "--query", "vitamin C", "--json"
    )
    assert code == 0
    assert json.loads(out)[0]["index"] == 1
    assert err.startswith(
        "semsearch: note: using the bundled sentence-transformers/all-MiniLM-L6-v2 because"
    )
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("kb_text", "argv", "message"),
    [
        (None, ["--query", "x"], "semsearch: error: Knowledge-base file not found"),
        (" \n\u200b\n", ["--query", "x"], "semsearch: error: The knowledge base"),
        ("a\n", ["--query", "  "], "semsearch: error: --query is empty"),
        (
            "a\n",
            ["--query", "x", "--top-k", "0"],
            "semsearch: error: --top-k must be at least 1, got 0.",
        ),
        (
            "a\n",
            ["--query", "x", "--model", "./missing-model"],
            "semsearch: error: Could not load the model './missing-model': no such folder",
        ),
        (
            "a\n",
            ["--query", "x", "--model", "bundled", "--dim", "4096"],
            "semsearch: error: Output dimension 4096 is out of range",
        ),
        (
            "a\n",
            ["--query", "x", "--model", "bundled", "--dtype", "int8"],
            "semsearch: error: dtype='int8' is not a dtype",
        ),
    ],
)
def test_user_errors_are_one_line_and_exit_1(capsys, tmp_path, kb_text, argv, message):
    path = tmp_path / "kb.txt"
    if kb_text is not None:
        path.write_text(kb_text, encoding="utf-8")
    code, out, err = run_main(capsys, "search", "--kb", str(path), *argv)
    assert code == 1
    assert out == ""
    assert err.startswith(message)
    assert len(err.strip().splitlines()) == 1


def test_embed_writes_float32_unit_vectors(capsys, kb_file, tmp_path):
    out_file = tmp_path / "vectors.npy"
    code, _, err = run_main(
        capsys,
        "embed",
        "--kb",
        str(kb_file),
        "--out",
        str(out_file),
        "--model",
        "bundled",
        "--dim",
        "128",
    )
    vectors = np.load(out_file)
    assert code == 0
    assert vectors.shape == (3, 128)
    assert vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert err == f"wrote 3 x 128 float32 vectors to {out_file}\n"


def test_embed_refuses_a_bad_output_path(capsys, kb_file, tmp_path):
    code, _, err = run_main(
        capsys,
        "embed",
        "--kb",
        str(kb_file),
        "--out",
        str(tmp_path / "v.txt"),
        "--model",
        "bundled",
    )
    assert code == 1
    assert "--out must end in .npy" in err


def run_module(*argv, cwd):
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    return subprocess.run(
        [sys.executable, "-m", "semsearch", *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=cwd,
        timeout=120,
    )


def test_python_m_semsearch_end_to_end(kb_file, tmp_path):
    done = run_module(
        "search",
        "--kb",
        str(kb_file),
        "--query",
        "Which fruit has vitamin C?",
        "--model",
        "bundled",
        "--json",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)[0]["text"] == "Oranges contain plenty of vitamin C."
    assert done.stderr == ""  # no progress bars or library chatter


def test_python_m_semsearch_missing_file_has_no_traceback(tmp_path):
    done = run_module("search", "--kb", "nope.txt", "--query", "x", cwd=tmp_path)
    assert done.returncode == 1
    assert done.stdout == ""
    assert done.stderr == "semsearch: error: Knowledge-base file not found: 'nope.txt'.\n"


def test_usage_errors_exit_2(tmp_path):
    done = run_module("search", "--query", "x", cwd=tmp_path)
    assert done.returncode == 2
    assert "one of the arguments --kb --name is required" in done.stderr
    assert "Traceback" not in done.stderr
