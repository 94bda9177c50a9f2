"""Loading an embedder that runs on a server: settings, prompting, and what reaches the wire."""

from __future__ import annotations

import json

import numpy as np
import pytest

from semsearch import load_embedder
from semsearch.encoding.embedder import NoTokenizerError, Prompting
from semsearch.encoding.engines import remote_prompting
from semsearch.encoding.loading import load_remote_embedder
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.errors import SettingsError
from semsearch.settings import RemoteSettings, Settings
from tests.embedding_server import EmbeddingServer

QWEN_QUERY = f"Instruct: {DEFAULT_TASK}\nQuery:which fruit?"


@pytest.fixture
def clean_env(monkeypatch):
    for name in ("URL", "API_KEY", "BATCH", "CONCURRENCY", "TIMEOUT", "INSTRUCT"):
        monkeypatch.delenv(f"SEMSEARCH_EMBED_{name}", raising=False)
    return monkeypatch


def test_load_embedder_with_an_embed_url_runs_on_the_server(clean_env):
    with EmbeddingServer(dim=64) as server:
        embedder = load_embedder("test-embed", embed_url=server.url + "/", dim=32, max_length=64)
        documents = embedder.encode_documents(["a", "b"])
        embedder.encode_queries(["which fruit?"])
    assert (embedder.engine.kind, embedder.device, embedder.dtype) == (
        "remote",
        server.url,
        "server",
    )
    assert (embedder.name, embedder.native_dim, embedder.dim, embedder.max_length) == (
        "test-embed",
        64,
        32,
        64,
    )
    assert embedder.report is not None
    assert (embedder.report.how, embedder.report.folder) == ("remote", server.url)
    np.testing.assert_allclose(documents, server.vectors(["a", "b"], dim=32), atol=1e-6)
    assert server.embed_requests[-1]["input"] == ["which fruit?"]  # not a Qwen3 model: bare
    assert server.embed_requests[-1]["dimensions"] == 32


def test_a_qwen3_embedding_name_gets_the_instruction_on_queries_only(clean_env):
    with EmbeddingServer(model="qwen3-embedding", listed=["qwen3-embedding:latest"]) as server:
        clean_env.setenv("SEMSEARCH_EMBED_URL", server.url)
        embedder = load_embedder("qwen3-embedding")
        embedder.encode_queries(["which fruit?"])
        embedder.encode_documents(["Oranges."])
    assert server.embed_requests[-2]["input"] == [QWEN_QUERY]
    assert server.embed_requests[-1]["input"] == ["Oranges."]


def test_instruct_off_sends_bare_queries_and_auto_takes_the_only_model(clean_env):
    with EmbeddingServer(model="Qwen/Qwen3-Embedding-4B") as server:
        clean_env.setenv("SEMSEARCH_EMBED_INSTRUCT", "off")
        clean_env.setenv("SEMSEARCH_EMBED_BATCH", "2")
        embedder = load_remote_embedder(server.url, "auto")
        embedder.encode_queries(["which fruit?", "b", "c"])
    assert embedder.name == "Qwen/Qwen3-Embedding-4B"
    assert [r["input"] for r in server.embed_requests[1:]] in (
        [["which fruit?", "b"], ["c"]],
        [["c"], ["which fruit?", "b"]],
    )


def test_a_remote_embedder_has_no_tokenizer(clean_env):
    with EmbeddingServer() as server:
        embedder = load_remote_embedder(server.url, "test-embed")
    assert embedder.tokenizer is None
    with pytest.raises(NoTokenizerError, match="leave SEMSEARCH_EMBED_URL unset"):
        embedder.count_tokens(["a"])


def test_prompting_comes_from_the_model_folder_when_there_is_one(tiny_qwen3, bundled):
    assert remote_prompting(str(tiny_qwen3)) == Prompting(DEFAULT_TASK)
    assert remote_prompting(str(tiny_qwen3), "off") == Prompting()
    assert remote_prompting(bundled.report.folder) == Prompting()
    assert remote_prompting(bundled.report.folder, "on") == Prompting(DEFAULT_TASK)


@pytest.mark.parametrize(
    ("name", "instruct", "task"),
    [("Qwen/Qwen3-Embedding-0.6B", "auto", DEFAULT_TASK), ("qwen3-embedding:8b", "auto", DEFAULT_TASK),
     ("BAAI/bge-m3", "auto", None), ("my-model", "on", DEFAULT_TASK),
     ("Qwen/Qwen3-Embedding-4B", "off", None)],
)  # fmt: skip
def test_prompting_from_the_name_without_files(name, instruct, task):
    assert remote_prompting(name, instruct) == Prompting(task)


def test_remote_settings_defaults_and_values():
    assert Settings.from_env({}).embed == RemoteSettings(None, None, 64, 4, 60.0, "auto")
    env = {
        "SEMSEARCH_EMBED_URL": " http://gpu-box:8000/v1/ ",
        "SEMSEARCH_EMBED_API_KEY": "k",
        "SEMSEARCH_EMBED_BATCH": "128",
        "SEMSEARCH_EMBED_CONCURRENCY": "8",
        "SEMSEARCH_EMBED_TIMEOUT": "2.5",
        "SEMSEARCH_EMBED_INSTRUCT": "ON",
    }
    assert RemoteSettings.from_env(env) == RemoteSettings(
        "http://gpu-box:8000/v1", "k", 128, 8, 2.5, "on"
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [({"SEMSEARCH_EMBED_URL": "http://gpu-box:8000"}, "SEMSEARCH_EMBED_URL='http://gpu-box:8000' must be an http(s) base URL ending in /v1"),
     ({"SEMSEARCH_EMBED_BATCH": "0"}, "SEMSEARCH_EMBED_BATCH='0' must be a whole number, at least 1 (default 64)"),
     ({"SEMSEARCH_EMBED_CONCURRENCY": "many"}, "SEMSEARCH_EMBED_CONCURRENCY='many' must be a whole number"),
     ({"SEMSEARCH_EMBED_TIMEOUT": "-1"}, "SEMSEARCH_EMBED_TIMEOUT='-1' must be a number of seconds above 0"),
     ({"SEMSEARCH_EMBED_INSTRUCT": "yes"}, "SEMSEARCH_EMBED_INSTRUCT='yes' must be auto, on or off")],
)  # fmt: skip
def test_bad_remote_settings_name_the_variable(env, message):
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert message in str(caught.value)


def test_cli_embed_and_index_then_search_a_base_through_the_server(clean_env, tmp_path, capsys):
    from semsearch.cli import main

    kb = tmp_path / "kb.txt"
    kb.write_text("Oranges contain vitamin C.\nBananas are rich in potassium.\n", encoding="utf-8")
    with EmbeddingServer(dim=64) as server:
        common = ["--embed-url", server.url, "--model", "test-embed"]
        assert main(["embed", "--kb", str(kb), "--out", str(tmp_path / "v.npy"), *common]) == 0
        assert main(["index", str(kb), "--name", "fruit", "--chunk", "line", *common]) == 0
        capsys.readouterr()
        code = main(["search", "--name", "fruit", "--query", "Oranges contain vitamin C.",
                     "--json", "--embed-url", server.url])  # fmt: skip
        out, err = capsys.readouterr()
    texts = ["Oranges contain vitamin C.", "Bananas are rich in potassium."]
    np.testing.assert_allclose(np.load(tmp_path / "v.npy"), server.vectors(texts), atol=1e-6)
    assert code == 0, err
    assert json.loads(out)[0]["text"] == texts[0]
    assert json.loads(out)[0]["score"] == pytest.approx(1.0, abs=1e-5)


def test_cli_names_an_unreachable_server_in_one_line(clean_env, tmp_path, capsys):
    from semsearch.cli import main

    kb = tmp_path / "kb.txt"
    kb.write_text("a\n", encoding="utf-8")
    out = str(tmp_path / "x.npy")
    code = main(["embed", "--kb", str(kb), "--out", out, "--embed-url", "http://127.0.0.1:9/v1"])
    _, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("semsearch: error: No embedding server answers at http://127.0.0.1:9/v1")
    assert "Traceback" not in err
