"""Finding and loading models: bundled, folders, the hub offline, ``auto`` and its fallback."""

import hashlib
import json
import shutil
import time

import pytest

from semsearch import ModelLoadError, load_embedder
from semsearch.encoding.engines.local import default_dtype
from semsearch.encoding.engines.model_files import read_model_files
from semsearch.encoding.model_source import (
    BUNDLED_NAME,
    QWEN3_0_6B,
    QWEN3_4B,
    auto_model,
    bundled_folder,
    locate,
)
from semsearch.encoding.twins import write_sentence_transformers_files
from semsearch.errors import SettingsError

BUNDLED_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"


def test_bundled_model_is_the_official_minilm():
    folder = bundled_folder()
    digest = hashlib.sha256((folder / "model.safetensors").read_bytes()).hexdigest()
    assert digest == BUNDLED_SHA256
    files = read_model_files(folder)
    assert (files.model_type, files.hidden_size, files.pooling, files.max_seq_length) == (
        "bert",
        384,
        "mean",
        256,
    )
    assert files.default_task is None


def test_auto_means_4b_on_cuda_and_0_6b_elsewhere():
    assert auto_model("cuda") == QWEN3_4B
    assert auto_model("cuda:1") == QWEN3_4B
    assert auto_model("cpu") == QWEN3_0_6B


def test_locate_local_folder(tiny_qwen3):
    location = locate(str(tiny_qwen3))
    assert (location.folder, location.how) == (tiny_qwen3.resolve(), "local folder")


@pytest.mark.parametrize(
    "spec", ["./no-such-folder", "/tmp/semsearch/none", "models/qwen/none", "~/nothing-here"]
)
def test_missing_folder_is_a_clear_error(spec):
    with pytest.raises(ModelLoadError, match="no such folder"):
        locate(spec)


def test_uncached_hub_model_offline_fails_fast_with_the_reason():
    started = time.perf_counter()
    with pytest.raises(ModelLoadError) as caught:
        locate("Qwen/Qwen3-Embedding-0.6B")
    assert time.perf_counter() - started < 5
    assert caught.value.model == "Qwen/Qwen3-Embedding-0.6B"
    assert "not in the local Hugging Face cache" in caught.value.cause


def test_auto_falls_back_to_the_bundled_model_and_says_why():
    embedder = load_embedder("auto", device="cpu")
    report = embedder.report
    assert report is not None
    assert report.fallback_reason is not None
    assert embedder.name == BUNDLED_NAME
    assert (report.requested, report.how) == ("auto", "bundled")
    assert report.fallback_reason.startswith(
        f"{QWEN3_0_6B} could not be loaded: it is not in the local"
    )
    assert embedder.dim == 384


def test_auto_fallback_drops_a_dimension_the_small_model_lacks():
    assert load_embedder("auto", device="cpu", dim=1024).dim == 384
    assert load_embedder("auto", device="cpu", dim=128).dim == 128


def test_a_named_model_never_falls_back():
    with pytest.raises(ModelLoadError, match="Could not load the model 'Qwen/Qwen3-Embedding-4B'"):
        load_embedder(QWEN3_4B, device="cpu")


def test_bundled_loads_with_its_report(bundled):
    assert bundled.report.how == "bundled"
    assert bundled.report.seconds > 0
    expected = (384, 256, "cpu", default_dtype("cpu"))
    assert (bundled.dim, bundled.max_length, bundled.device, bundled.dtype) == expected
    assert not bundled.instruction_aware


def test_default_precision_is_the_reference_implementations():
    # On a CPU always fp32, bf16 instructions or not: sentence-transformers' scores exactly.
    assert default_dtype("cpu") == "fp32"
    assert default_dtype("cpu", "bf16") == "fp32"
    assert default_dtype("mps", "bf16") == "fp32"
    # On CUDA the precision the model was saved in: bf16 for Qwen3, fp32 for the bundled model.
    assert default_dtype("cuda", "bf16") == "bf16"
    assert default_dtype("cuda:1", "bf16") == "bf16"
    assert default_dtype("cuda", "fp16") == "bf16"  # fp16 can overflow; bf16 has its range
    assert default_dtype("cuda", "fp32") == "fp32"
    assert default_dtype("cuda", None) == "fp32"


def test_the_saved_precision_is_read_from_config(tmp_path, tiny_qwen3):
    assert read_model_files(bundled_folder()).saved_dtype is None  # MiniLM's config is silent
    for key, value, expected in [("dtype", "bfloat16", "bf16"), ("torch_dtype", "float32", "fp32")]:
        folder = tmp_path / key
        shutil.copytree(tiny_qwen3, folder)
        config = json.loads((folder / "config.json").read_text())
        config.pop("dtype", None)
        config.pop("torch_dtype", None)
        (folder / "config.json").write_text(json.dumps({**config, key: value}))
        assert read_model_files(folder).saved_dtype == expected
    # A model saved in bf16 still runs in fp32 on a CPU when nothing else is asked for.
    assert load_embedder(str(tmp_path / "dtype"), device="cpu").dtype == "fp32"


def test_cuda_without_a_gpu_is_refused():
    import torch

    if torch.cuda.is_available():
        pytest.skip("this machine has a GPU")
    with pytest.raises(ModelLoadError, match="PyTorch sees no GPU"):
        load_embedder("bundled", device="cuda")


def test_environment_settings_apply_and_are_checked(monkeypatch, tiny_qwen3):
    monkeypatch.setenv("SEMSEARCH_MAX_LENGTH", "32")
    monkeypatch.setenv("SEMSEARCH_DTYPE", "bf16")
    embedder = load_embedder(str(tiny_qwen3), device="cpu")
    assert (embedder.max_length, embedder.dtype) == (32, "bf16")
    monkeypatch.setenv("SEMSEARCH_DTYPE", "fp8")
    with pytest.raises(SettingsError, match="SEMSEARCH_DTYPE='fp8'"):
        load_embedder(str(tiny_qwen3), device="cpu")


def test_folder_without_config_is_a_clear_error(tmp_path):
    with pytest.raises(ModelLoadError, match=r"has no config\.json"):
        load_embedder(str(tmp_path), device="cpu")


def test_unsupported_pooling_is_named(tmp_path):
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_size": 8}))
    write_sentence_transformers_files(tmp_path, dim=8)
    pooling = tmp_path / "1_Pooling" / "config.json"
    pooling.write_text(json.dumps({"pooling_mode_max_tokens": True}))
    with pytest.raises(
        ModelLoadError, match=r"pooling \['pooling_mode_max_tokens'\] is not supported"
    ):
        read_model_files(tmp_path)


def test_broken_weights_are_a_load_error(tmp_path, tiny_qwen3):
    import shutil

    broken = tmp_path / "broken"
    shutil.copytree(tiny_qwen3, broken)
    (broken / "model.safetensors").write_bytes(b"not a safetensors file")
    with pytest.raises(ModelLoadError, match="Could not load the model"):
        load_embedder(str(broken), device="cpu")
