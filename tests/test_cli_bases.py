"""The command line with saved knowledge bases: index, list, search --name, ask, delete."""

import json

import pytest

from semsearch.answers.generation import NO_EVIDENCE
from semsearch.cli import main

from .helpers import ChatServer, make_pdf

MANUAL = [["To reset the router, hold the reset button for ten seconds.", "The light turns green."],
          ["The warranty lasts two years from the date of purchase."]]  # fmt: skip
NOTES = "# Notes\n\nDust in the charging port causes a poor connection.\n\nRefunds take five working days.\n"


@pytest.fixture
def files(tmp_path):
    (tmp_path / "manual.pdf").write_bytes(make_pdf(MANUAL))
    (tmp_path / "notes.md").write_text(NOTES, encoding="utf-8")
    (tmp_path / "photo.png").write_bytes(b"\x89PNG\r\n")
    return tmp_path


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def index(capsys, files, *extra):
    return run(capsys, "index", str(files / "manual.pdf"), str(files / "notes.md"), str(files / "photo.png"),
               "--name", "docs", "--model", "bundled", *extra)  # fmt: skip


def test_index_then_search_by_name(capsys, files):
    code, _, err = index(capsys, files)
    assert code == 0
    assert "semsearch: skipped" in err
    assert "photo.png: files of type .png are not supported" in err
    assert (
        "indexed 4 passages from 2 file(s) into 'docs' (4 passages; sentence-transformers/all-MiniLM-L6-v2, 384 dimensions, fp32)"
        in err
    )
    code, out, _ = run(capsys, "list", "--json")
    assert json.loads(out) == [
        {
            "name": "docs",
            "model": "sentence-transformers/all-MiniLM-L6-v2",
            "dim": 384,
            "passages": 4,
            "updated": json.loads(out)[0]["updated"],
        }
    ]
    code, out, _ = run(
        capsys, "search", "--name", "docs", "--query", "how do I reset the router?", "--json"
    )
    rows = json.loads(out)
    assert (
        rows[0]["text"]
        == "To reset the router, hold the reset button for ten seconds. The light turns green."
    )
    assert rows[0]["source"] == "manual.pdf · page 1 · ¶ 1"
    assert set(rows[0]) == {"rank", "index", "text", "score", "source"}


def test_index_again_resumes_and_replace_starts_over(capsys, files):
    index(capsys, files)
    code, _, err = index(capsys, files)
    assert code == 0
    assert "indexed 0 passages, 4 already stored from 2 file(s) into 'docs' (4 passages" in err
    code, _, err = index(capsys, files, "--chunk", "line")
    assert code == 1
    assert "pass --replace to start it over" in err
    code, _, err = index(capsys, files, "--replace", "--chunk", "line")
    assert code == 0
    assert "indexed 4 passages" in err  # by line: a PDF's lines are joined into paragraphs


def test_ask_without_evidence_loads_no_generator(capsys, files, monkeypatch):
    index(capsys, files)
    monkeypatch.setenv("SEMSEARCH_LLM", "./no-such-model")  # would fail if anything were loaded
    code, out, err = run(
        capsys, "ask", "--name", "docs", "--query", "quantum chromodynamics", "--json"
    )
    assert code == 0, err
    assert json.loads(out) == {"answer": NO_EVIDENCE, "citations": []}


def test_ask_answers_from_the_passages_through_an_endpoint(capsys, files, monkeypatch):
    index(capsys, files)
    with ChatServer(reply="Hold the reset button for ten seconds [1].") as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        code, out, err = run(
            capsys, "ask", "--name", "docs", "--query", "how do I reset the router?", "--json"
        )
    assert code == 0, err
    answer = json.loads(out)
    assert answer["answer"] == "Hold the reset button for ten seconds [1]."
    first = answer["citations"][0]
    assert first["text"].startswith("To reset the router")
    assert first["source"] == "manual.pdf · page 1 · ¶ 1"
    assert set(first) == {"index", "text", "score", "source"}
    prompt = server.requests[0]["messages"][1]["content"]
    assert prompt.startswith("Passages:\n[1] To reset the router")
    assert prompt.endswith("Question: how do I reset the router?")


def test_ask_prints_the_answer_and_marks_cited_sources(capsys, files, monkeypatch):
    index(capsys, files)
    with ChatServer(reply="Hold the button [1].") as server:
        monkeypatch.setenv("SEMSEARCH_LLM_BASE_URL", server.url)
        code, out, _ = run(
            capsys,
            "ask",
            "--name",
            "docs",
            "--query",
            "how do I reset the router?",
            "--threshold",
            "0.1",
        )
    lines = out.splitlines()
    assert code == 0
    assert lines[0] == "Hold the button [1]."
    assert lines[1].startswith("*[1] ")
    assert all(line.startswith(" [") for line in lines[2:])


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["search", "--name", "nope", "--query", "x"], "No knowledge base named 'nope'"),
        (["search", "--name", "docs", "--query", "x", "--model", "bundled"], "leave out --model"),
        (["ask", "--name", "nope", "--query", "x"], "No knowledge base named 'nope'"),
        (["delete", "--name", "nope"], "No knowledge base named 'nope'"),
        (["index", "missing.txt", "--name", "x"], "None of the files could be read"),
        (
            ["index", "missing.txt", "--name", "x", "--chunk", "window", "--window", "4"],
            "A window of 4 tokens",
        ),
    ],
)
def test_errors_are_one_line(capsys, files, argv, message):
    index(capsys, files)
    code, _, err = run(capsys, *argv)
    assert code == 1
    assert message in err
    assert err.splitlines()[-1].startswith("semsearch: error:")


def test_delete(capsys, files):
    index(capsys, files)
    assert run(capsys, "delete", "--name", "docs")[0] == 0
    _, out, _ = run(capsys, "list")
    assert out.startswith("No knowledge base is saved in")
