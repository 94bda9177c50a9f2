"""One error boundary: hostile or careless input becomes a SemsearchError with the value and the fix.

Each test reproduces one failure found by the issue-12 attack (a traceback, a silent acceptance, an
unbounded read, an aborted batch) and pins the message that replaced it.
"""

from __future__ import annotations

import json

import pytest

from semsearch.cli import main
from semsearch.encoding.model_source import locate
from semsearch.errors import ModelLoadError


@pytest.mark.parametrize("spec", ["my model", "foo bar", "a" * 300, "owner/na me"])
def test_a_model_id_the_hub_refuses_is_a_model_load_error_naming_it(spec):
    with pytest.raises(ModelLoadError) as caught:
        locate(spec)
    assert caught.value.reason == "missing"
    assert "not a model folder nor a valid Hugging Face id" in str(caught.value)
    assert spec[:50] in str(caught.value)
    assert len(str(caught.value)) < 600  # a 300-character id is cut, not repeated whole


def test_the_cli_reports_a_bad_model_id_in_one_line(capsys, tmp_path):
    kb = tmp_path / "kb.txt"
    kb.write_text("one\n\ntwo\n", encoding="utf-8")
    code = main(["search", "--kb", str(kb), "--query", "x", "--model", "my model"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.count("\n") == 1
    assert err.startswith("semsearch: error: Could not load the model 'my model': not a model")


@pytest.mark.parametrize(
    "text", ["=1+1", "+1", "-2", "@SUM(A1)", "\t=1", "\r=1", '=HYPERLINK("x")']
)
def test_results_csv_neutralises_formula_cells_with_a_quote(text):
    import csv
    import io

    from semsearch.retrieval.export import ResultRow, results_csv

    rows = [ResultRow(1, 0, text, -0.5, source=text, heading="plain")]
    read = list(csv.DictReader(io.StringIO(results_csv(rows).decode("utf-8-sig"))))
    assert read[0]["text"] == "'" + text
    assert read[0]["source"] == "'" + text
    assert read[0]["heading"] == "plain"
    assert read[0]["score"] == "-0.5"  # a number stays a number


@pytest.mark.parametrize("folder", ["~nosuchuser-semsearch/x", "bad\x00name"])
def test_an_unusable_data_dir_is_a_settings_error_naming_it(monkeypatch, folder):
    from semsearch.data_folder import data_dir
    from semsearch.errors import SettingsError
    from semsearch.settings import Settings

    with pytest.raises(SettingsError, match=r"SEMSEARCH_DATA_DIR=.* is not a usable folder"):
        Settings.from_env({"SEMSEARCH_DATA_DIR": folder})
    monkeypatch.setenv("SEMSEARCH_DATA_DIR", "~nosuchuser-semsearch/x")
    with pytest.raises(SettingsError, match="SEMSEARCH_DATA_DIR='~nosuchuser-semsearch/x'"):
        data_dir()


def test_the_cli_reports_an_unusable_data_dir_in_one_line(capsys):
    code = main(["list", "--data-dir", "~nosuchuser-semsearch/x"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err == (
        "semsearch: error: folder='~nosuchuser-semsearch/x' is not a usable folder "
        "(Could not determine home directory.): give an existing user's home (~/x) or a full path.\n"
    )


@pytest.mark.parametrize("device", ["meta", "disk", "cuda:x", "gpu"])
def test_a_device_no_model_can_compute_on_is_refused(device):
    from semsearch.errors import SettingsError
    from semsearch.settings import Settings

    with pytest.raises(SettingsError) as caught:
        Settings.from_env({"SEMSEARCH_DEVICE": device})
    assert str(caught.value) == (
        f"SEMSEARCH_DEVICE={device!r} is not a device: use cpu, cuda, cuda:1 (a GPU's number) or mps."
    )


def test_the_cli_refuses_device_meta_in_one_line(capsys, tmp_path):
    kb = tmp_path / "kb.txt"
    kb.write_text("one\n\ntwo\n", encoding="utf-8")
    code = main(
        ["search", "--kb", str(kb), "--query", "x", "--model", "bundled", "--device", "meta"]
    )
    _out, err = capsys.readouterr()
    assert code == 1
    assert err == (
        "semsearch: error: device='meta' is not a device: use cpu, cuda, cuda:1 (a GPU's number) "
        "or mps.\n"
    )


def _bomb_pdf() -> bytes:
    """A one-page PDF whose 80 MB content stream is ~80 KB on disk (over pypdf's 75 MB limit)."""
    import zlib

    from tests.helpers import pdf_from_objects
    from tests.sample_files import _stream

    content = zlib.compress(b" " * 80_000_000, 9)
    return pdf_from_objects(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
            _stream(content, "/Filter /FlateDecode "),
        ]
    )


def test_a_csv_field_over_the_csv_limit_is_a_document_error():
    from semsearch.documents.readers import DocumentError, read_document

    data = b"text,label\n" + b"x" * 131_073 + b",a\n"
    with pytest.raises(DocumentError) as caught:
        read_document("huge.csv", data)
    assert str(caught.value).startswith("huge.csv is not a readable CSV (field larger than field")
    assert "split cells longer than 131,072 characters" in str(caught.value)


def test_a_pdf_bomb_is_a_document_error():
    from semsearch.documents.readers import DocumentError, read_document

    with pytest.raises(DocumentError) as caught:
        read_document("bomb.pdf", _bomb_pdf())
    assert str(caught.value).startswith(
        "bomb.pdf holds a compressed part that expands past pypdf's safety limit"
    )


def test_cli_index_skips_the_bad_files_and_stores_the_rest(capsys, tmp_path):
    (tmp_path / "good.txt").write_text("Apples are red.\n\nThe sky is blue.\n", encoding="utf-8")
    (tmp_path / "huge.csv").write_bytes(b"text\n" + b"x" * 131_073 + b"\n")
    (tmp_path / "bomb.pdf").write_bytes(_bomb_pdf())
    files = [str(tmp_path / n) for n in ("huge.csv", "bomb.pdf", "good.txt")]
    data = str(tmp_path / "data")
    code = main(["index", *files, "--name", "kb", "--model", "bundled", "--data-dir", data])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "huge.csv is not a readable CSV" in err
    assert "bomb.pdf holds a compressed part" in err
    assert "Traceback" not in err
    code = main(["list", "--data-dir", data, "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert [(base["name"], base["passages"]) for base in json.loads(out)] == [("kb", 2)]


def test_threshold_nan_is_refused_in_one_line(capsys, tmp_path):
    kb = tmp_path / "kb.txt"
    kb.write_text("one\n\ntwo\n", encoding="utf-8")
    code = main(
        ["search", "--kb", str(kb), "--query", "x", "--model", "bundled", "--threshold", "nan"]
    )
    _out, err = capsys.readouterr()
    assert code == 1
    assert err == (
        "semsearch: error: threshold must be a score, a number such as 0.5 (-1 keeps all), "
        "got nan.\n"
    )


def test_top_hits_refuses_a_nan_threshold():
    import numpy as np

    from semsearch.errors import InvalidArgumentError
    from semsearch.retrieval.ranking import top_hits

    with pytest.raises(InvalidArgumentError, match="got nan"):
        top_hits(np.array([0.5, 0.2]), threshold=float("nan"))


def test_a_query_of_non_utf8_bytes_is_refused_in_one_line(tmp_path):
    """Through a real interpreter: argv bytes reach Python as they would from a terminal."""
    import os
    import subprocess
    import sys

    kb = tmp_path / "kb.txt"
    kb.write_text("one\n\ntwo\n", encoding="utf-8")
    argv = [sys.executable, "-m", "semsearch.cli", "search", "--kb", str(kb), "--model", "bundled"]
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"}
    done = subprocess.run([*map(os.fsencode, argv), b"--query", b"caf\xe9"],
                          capture_output=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 1
    assert done.stderr == (
        b"semsearch: error: --query 'caf\\\\xe9' is not UTF-8 text; set the terminal to UTF-8 "
        b"(e.g. LANG=C.UTF-8) or retype it.\n"
    )


def test_a_knowledge_base_that_never_ends_is_refused(capsys):
    code = main(["search", "--kb", "/dev/zero", "--query", "x", "--model", "bundled"])
    _out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("semsearch: error: '/dev/zero' holds more than 200 MB (or never ends")


def test_read_lines_reads_no_more_than_its_cap(tmp_path):
    from semsearch.documents.knowledge_base import read_lines
    from semsearch.errors import KnowledgeBaseError

    kb = tmp_path / "kb.txt"
    kb.write_text("a\n" * 10, encoding="utf-8")
    assert read_lines(kb, max_bytes=20) == ["a"] * 10
    with pytest.raises(KnowledgeBaseError, match="holds more than"):
        read_lines(kb, max_bytes=19)


_FULL_DISK = """
import resource, signal, sys
import numpy as np
from semsearch.documents.chunking import Passage
from semsearch.retrieval.stores.base import BaseSpec
from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore
from semsearch.errors import SemsearchError

store = KnowledgeBaseStore(sys.argv[1])
spec = lambda name: BaseSpec(name=name, model="m", model_spec="m", native_dim=4, dim=4,
                             max_length=8, dtype="fp32", settings={{}})
def rows(n, size):
    vectors = np.eye(4, dtype=np.float32)[np.arange(n) % 4]
    return ([Passage("x" * size + str(i)) for i in range(n)], vectors, [1] * n,
            [f"h{{i}}" for i in range(n)])
store.save(spec("small"), *rows(3, 10))
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (2_000_000, 2_000_000))
try:
    {action}
except SemsearchError as error:
    print(type(error).__name__, error)
"""


@pytest.mark.parametrize(
    "action",
    [
        'store.save(spec("big"), *rows(40, 100_000))',  # the database outgrows the limit
        'store.add("small", *rows(40, 100_000))',
        "store.save(spec('wide'), *rows(140_000, 1))",  # the vector file does
    ],
    ids=["save", "add", "vectors"],
)
def test_a_full_disk_during_a_save_is_a_store_error_and_earlier_bases_stay(tmp_path, action):
    import os
    import sqlite3
    import subprocess
    import sys

    script = _FULL_DISK.format(action=action)
    done = subprocess.run([sys.executable, "-c", script, str(tmp_path)], capture_output=True,
                          text=True, timeout=120, env=os.environ)  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("StoreError Cannot "), done.stdout
    assert "the disk is full" in done.stdout
    from semsearch.retrieval.stores.sqlite import KnowledgeBaseStore

    store = KnowledgeBaseStore(tmp_path)
    assert [info.name for info in store.list()] == ["small"]
    assert store.info("small").passages == 3
    with sqlite3.connect(tmp_path / "knowledge-bases.sqlite3") as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone() == ("ok",)


@pytest.fixture
def page(monkeypatch):
    from streamlit.testing.v1 import AppTest

    from .helpers import workbench

    monkeypatch.setenv("SEMSEARCH_MODEL", "bundled")
    return workbench(AppTest.from_file("../app.py", default_timeout=120)).run()


def test_the_page_shows_a_bad_model_id_as_a_message_and_keeps_the_text(page):
    page.text_area(key="kb_text").input("alpha\nbeta\n").run()
    page.text_input(key="query").input("my question").run()
    page.selectbox(key="model_choice").set_value("custom").run()
    at = page.text_input(key="custom_model").input("my model").run()
    assert not at.exception
    assert any("not a model folder nor a valid Hugging Face id" in e.value for e in at.error)
    assert at.text_area(key="kb_text").value == "alpha\nbeta\n"
    assert at.text_input(key="query").value == "my question"


def test_an_unexpected_failure_is_a_short_message_a_log_entry_and_no_lost_text(page, caplog):
    from semsearch.page.words import t_in

    page.text_input(key="query").input("my question").run()
    page.session_state["run"] = "not a search run"  # a broken state no view expects
    with caplog.at_level("ERROR", logger="semsearch.page"):
        at = page.run()
    assert not at.exception  # nothing reaches the browser as a traceback
    assert [e.value for e in at.error] == [t_in("en", "page_failed")]
    assert [r.getMessage() for r in caplog.records if r.name == "semsearch.page"] == [
        "The page failed"
    ]
    at.session_state["run"] = None
    assert at.run().text_input(key="query").value == "my question"


def streamlit_config() -> dict:
    """The page's Streamlit settings, ``.streamlit/config.toml``."""
    from pathlib import Path

    import tomllib

    return tomllib.loads((Path(__file__).parents[1] / ".streamlit/config.toml").read_text())


def test_tracebacks_are_never_sent_to_the_browser():
    config = streamlit_config()
    assert config["client"]["showErrorDetails"] == "none"


def test_a_session_runs_the_page_once_at_a_time():
    """Streamlit's fast reruns start a second run beside the one a click interrupts; both
    then change the session's widget states at once (a lost click in tests/test_browser.py,
    "dictionary changed size during iteration" in the server's log), and a student clicking
    fast runs several copies of the page. Reruns wait for the run's next interrupt point."""
    config = streamlit_config()
    assert config["runner"]["fastReruns"] is False


def test_read_file_reads_no_more_than_its_cap(tmp_path):
    from pathlib import Path

    from semsearch.documents.readers import DocumentError, read_file

    path = tmp_path / "notes.txt"
    path.write_bytes(b"x" * 100)
    assert read_file(path, max_bytes=100) == b"x" * 100
    with pytest.raises(DocumentError, match=r"^notes.txt holds more than"):
        read_file(path, max_bytes=99)
    with pytest.raises(DocumentError, match=r"^zero holds more than 1 MB \(or never ends"):
        read_file(Path("/dev/zero"), max_bytes=2**20)


def test_judgement_and_label_csvs_with_a_huge_field_are_messages(tmp_path):
    from semsearch.analysis.calibration import read_labels_csv
    from semsearch.analysis.evaluation import read_judgements
    from semsearch.errors import InvalidArgumentError

    huge = 'query,text,relevant\nq,"' + "x" * 200_000 + "\n"  # the quote never closes
    with pytest.raises(InvalidArgumentError, match="not a readable CSV"):
        read_labels_csv(huge.encode())
    path = tmp_path / "judgements.csv"
    path.write_text(huge, encoding="utf-8")
    with pytest.raises(InvalidArgumentError, match="not a readable CSV"):
        read_judgements(path, ["a passage"])
