"""The command line as a new user meets it: refusals before any model loads, quick commands
that import no PyTorch, and the README's commands exactly as written."""

import re
import shlex
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from semsearch.cli import build_parser, main

ROOT = Path(__file__).resolve().parent.parent


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def base(tmp_path, capsys):
    kb = tmp_path / "faq.txt"
    kb.write_text("Oranges are rich in vitamin C.\n\nThe router resets in ten seconds.\n")
    assert main(["index", str(kb), "--name", "faq", "--model", "bundled"]) == 0
    capsys.readouterr()
    return kb


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--chunk", "line"], "'faq' was cut into passages with {'chunk': 'paragraph', "
         "'window': 256, 'overlap': 64}, not {'chunk': 'line', 'window': 256, 'overlap': 64}: "
         "resume it with its own settings, or pass --replace to start it over."),
        (["--model", "Qwen/Qwen3-Embedding-0.6B"], "'faq' was encoded by "
         "sentence-transformers/all-MiniLM-L6-v2 (--model bundled), not "
         "Qwen/Qwen3-Embedding-0.6B: resume it with --model bundled, or pass --replace to "
         "start it over."),
        (["--model", "bundled", "--max-length", "128"], "'faq' was encoded with a 256-token "
         "cap, not 128: resume it with --max-length 256, or pass --replace to start it over."),
    ],
)  # fmt: skip
def test_a_resume_with_other_settings_is_refused_before_any_model_loads(
    base, capsys, monkeypatch, extra, message
):
    import semsearch.encoding.loading as loading

    def no_loading(*args, **kwargs):
        raise AssertionError("a model was loaded before the refusal")

    monkeypatch.setattr(loading, "load_embedder", no_loading)
    code, _, err = run(capsys, "index", str(base), "--name", "faq", *extra)
    assert (code, err) == (1, f"semsearch: error: {message}\n")


def test_the_same_settings_resume_and_replace_starts_over(base, capsys):
    code, _, err = run(capsys, "index", str(base), "--name", "faq", "--model", "bundled")
    assert code == 0
    assert "indexed 0 passages, 2 already stored" in err
    code, _, err = run(capsys, "index", str(base), "--name", "faq", "--chunk", "line",
                       "--model", "bundled", "--replace")  # fmt: skip
    assert code == 0
    assert "indexed 2 passages from 1 file(s) into 'faq'" in err


def test_copy_onto_a_taken_name_names_replace(base, capsys, tmp_path):
    target = f"sqlite:{tmp_path}/other"
    assert run(capsys, "copy", "faq", "--to", target)[0] == 0
    code, _, err = run(capsys, "copy", "faq", "--to", target)
    assert code == 1
    assert f"{target} already holds a base named 'faq'; pass --replace to overwrite it" in err
    assert run(capsys, "copy", "faq", "--to", target, "--replace")[0] == 0


QUICK = textwrap.dedent(
    """
    import sys
    from semsearch.cli import main
    argv = sys.argv[1:]
    try:
        code = main(argv)
    except SystemExit as done:
        code = done.code
    heavy = sorted(m for m in ("torch", "transformers", "sentence_transformers") if m in sys.modules)
    print("heavy:", heavy, "code:", code)
    """
)


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["list"], ["list", "--json"], ["delete", "--name", "faq"], ["eval", "--help"],
     ["index", "--help"], ["search", "--help"]],
)  # fmt: skip
def test_quick_commands_import_no_torch(argv, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", QUICK, *argv], capture_output=True, text=True, cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "SEMSEARCH_DATA_DIR": str(tmp_path / "data"),
             "PYTHONPATH": str(ROOT)},
        timeout=120,
    )  # fmt: skip
    assert "heavy: [] code:" in done.stdout, done.stdout + done.stderr


def readme_commands():
    """Every ``semsearch`` command in the README's bash blocks, as (line, arguments)."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```bash\n(.*?)```", text, flags=re.S):
        # A line ending in a backslash goes on on the next one, as the shell reads it.
        for line in block.replace("\\\n", " ").splitlines():
            words = shlex.split(line, comments=True)
            at = [i for i, w in enumerate(words) if w.split("/")[-1] == "semsearch"]
            if at:
                found.append((line.strip(), words, at[0]))
    return found


def test_the_readme_runs_the_command_line_from_the_virtualenv_with_valid_arguments():
    commands = readme_commands()
    assert len(commands) >= 15
    for line, words, at in commands:
        # After `make run` only .venv has semsearch: `python -m` or a bare name fails there.
        assert words[at] == ".venv/bin/semsearch", line
        try:
            build_parser().parse_args(words[at + 1 :])
        except SystemExit as error:  # pragma: no cover - the message is the point
            raise AssertionError(f"the README's command does not parse: {line}") from error


def test_make_run_installs_the_command_it_names():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    assert "pip install -q --no-deps -e ." in makefile  # puts .venv/bin/semsearch in place
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert 'semsearch = "semsearch.cli:main"' in pyproject
