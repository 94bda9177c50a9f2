"""Naming the model in use, what ``auto`` resolved to and why, and the models that run offline."""

import shutil

import pytest

from semsearch import load_embedder
from semsearch.encoding.load_report import LoadReport
from semsearch.encoding.loading import load_remote_embedder
from semsearch.encoding.model_source import (
    BUNDLED,
    BUNDLED_NAME,
    QWEN3_0_6B,
    LocalModel,
    cached_folder,
    download_command,
    local_models,
)
from semsearch.page.naming import auto_label, fallback_notice, in_use_line, short_name
from tests.embedding_server import EmbeddingServer


@pytest.fixture(scope="module")
def fallen_back():
    return load_embedder("auto", device="cpu")


def test_auto_offline_records_what_it_meant_and_why(fallen_back):
    report = fallen_back.report
    assert (report.fallback_from, report.fallback_code) == (QWEN3_0_6B, "offline")


def test_the_picker_says_what_auto_became_and_why(fallen_back):
    assert auto_label("en", fallen_back.report, "cpu") == (
        "auto → all-MiniLM-L6-v2 (Qwen3-Embedding-0.6B not cached: offline)"
    )
    assert auto_label("zh", fallen_back.report, "cpu") == (
        "auto → all-MiniLM-L6-v2(Qwen3-Embedding-0.6B 未缓存:离线)"
    )


def test_the_picker_says_what_auto_would_load_when_another_model_is_in_use(bundled):
    assert auto_label("en", bundled.report, "cpu") == (
        "auto: Qwen3-Embedding-0.6B here, else the bundled model"
    )
    assert auto_label("en", None, "cuda") == "auto: Qwen3-Embedding-4B here, else the bundled model"


def test_auto_that_loaded_its_model_says_why_that_one():
    report = LoadReport("auto", QWEN3_0_6B, "/cache/x", "hub cache", 1.0)
    assert (
        auto_label("en", report, "cpu") == "auto → Qwen3-Embedding-0.6B (no GPU: the small Qwen3)"
    )
    four_b = LoadReport("auto", "Qwen/Qwen3-Embedding-4B", "/x", "hub cache", 1.0)
    assert auto_label("en", four_b, "cuda:0") == "auto → Qwen3-Embedding-4B (a GPU is here)"


@pytest.mark.parametrize(
    ("code", "why", "fix"),
    [
        ("offline", "Qwen3-Embedding-0.6B not cached: offline",
         "To use it, run `hf download Qwen/Qwen3-Embedding-0.6B` once while online, then reload."),
        ("memory", "Qwen3-Embedding-0.6B did not fit in memory",
         "Free memory, or choose a smaller model in the sidebar."),
        ("error", "Qwen3-Embedding-0.6B failed to load", "The cause: broken config.json"),
        ("something new", "Qwen3-Embedding-0.6B failed to load", "The cause: broken config.json"),
    ],
)  # fmt: skip
def test_the_fallback_notice_says_why_and_how_to_fix_it(code, why, fix):
    report = LoadReport("auto", BUNDLED_NAME, "/b", "bundled", 0.1, "broken config.json",
                        QWEN3_0_6B, code)  # fmt: skip
    assert fallback_notice("en", report) == f"auto fell back to {BUNDLED_NAME} ({why}). {fix}"


def test_no_fallback_no_notice(bundled):
    assert fallback_notice("en", bundled.report) is None


def test_the_notice_escapes_names_but_not_the_command(fallen_back):
    notice = fallback_notice("zh", fallen_back.report, escape=lambda s: f"«{s}»")
    assert notice == (
        f"auto 回退到了 «{BUNDLED_NAME}»(«Qwen3-Embedding-0.6B» 未缓存:离线)。"
        "要使用它,请在联网时运行一次 `hf download Qwen/Qwen3-Embedding-0.6B`,然后刷新页面。"
    )


def test_the_line_under_the_title_names_the_model_and_its_origin(bundled, fallen_back, tiny_qwen3):
    assert in_use_line("en", bundled) == f"Model in use: {BUNDLED_NAME} (bundled with semsearch)"
    assert in_use_line("en", fallen_back) == (
        f"Model in use: {BUNDLED_NAME} (bundled with semsearch; auto fell back to it)"
    )
    assert in_use_line("zh", bundled) == f"当前模型:{BUNDLED_NAME}(semsearch 内置)"
    folder = load_embedder(str(tiny_qwen3), device="cpu")
    assert in_use_line("en", folder) == f"Model in use: {tiny_qwen3} (from a local folder)"


def test_a_served_model_is_named_with_its_server(monkeypatch):
    monkeypatch.delenv("SEMSEARCH_EMBED_URL", raising=False)
    with EmbeddingServer(model="Qwen/Qwen3-Embedding-4B") as server:
        embedder = load_remote_embedder(server.url, "auto")
    assert in_use_line("en", embedder) == (
        f"Model in use: Qwen/Qwen3-Embedding-4B (served by {embedder.device})"
    )
    assert embedder.device.startswith("http://127.0.0.1:")
    assert auto_label("en", embedder.report, "cpu") == (
        f"auto → Qwen/Qwen3-Embedding-4B (served by {embedder.device})"
    )


def test_short_names_drop_the_owner_only():
    assert short_name(QWEN3_0_6B) == "Qwen3-Embedding-0.6B"
    assert short_name("/models/my/folder") == "/models/my/folder"
    assert download_command(QWEN3_0_6B) == "hf download Qwen/Qwen3-Embedding-0.6B"


def test_local_models_are_the_bundled_one_and_cached_embedding_models(hub_cache, tiny_qwen3):
    assert local_models() == [LocalModel(BUNDLED, BUNDLED_NAME, "bundled")]
    snapshot = hub_cache.put("test-org/tiny-qwen3", tiny_qwen3)
    no_modules = hub_cache.path.parent / "src"
    shutil.copytree(tiny_qwen3, no_modules)
    (no_modules / "modules.json").unlink()  # like a reranker or chat model: not an embedder
    hub_cache.put("test-org/a-reranker", no_modules)
    (hub_cache.path / "datasets--test-org--data").mkdir()  # a dataset is never offered
    assert local_models() == [
        LocalModel(BUNDLED, BUNDLED_NAME, "bundled"),
        LocalModel("test-org/tiny-qwen3", "test-org/tiny-qwen3", "hub cache"),
    ]
    assert cached_folder("test-org/tiny-qwen3") == snapshot
    assert cached_folder(QWEN3_0_6B) is None


def test_a_cached_model_loads_under_its_hub_id(hub_cache, tiny_qwen3):
    hub_cache.put("test-org/tiny-qwen3", tiny_qwen3)
    embedder = load_embedder("test-org/tiny-qwen3", device="cpu")
    assert (embedder.name, embedder.report.how) == ("test-org/tiny-qwen3", "hub cache")
    assert in_use_line("en", embedder) == (
        "Model in use: test-org/tiny-qwen3 (from the Hugging Face cache)"
    )
