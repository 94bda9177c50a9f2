"""Random-weight twins of Qwen3-Embedding models, built locally: no download, real code path.

A twin has the exact architecture of a published model (or a tiny one for tests), random
weights, a byte-level BPE tokenizer trained on a few texts that appends ``<|endoftext|>``
and pads on the left like Qwen3's, and the same sentence-transformers files as the real
model folder (last-token pooling, normalisation, the query prompt). Its vectors mean
nothing; its speed and its code path are those of the real model. Used by the tests and
the benchmarks.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from semsearch.encoding.prompts import DEFAULT_TASK

EOS = "<|endoftext|>"
_CHAT_SPECIALS = ["<|im_start|>", "<|im_end|>", "<think>", "</think>"]
_CHAT_TEMPLATE = (
    "{% for m in messages %}<|im_start|>{{ m['role'] }}\n{{ m['content'] }}<|im_end|>\n{% endfor %}"
    "{% if add_generation_prompt %}<|im_start|>assistant\n{% endif %}"
)

# Published architectures (FACTS.md); "tiny" is for tests: 2 layers of width 64.
ARCHITECTURES: dict[str, dict[str, Any]] = {
    "tiny": {"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
             "num_attention_heads": 4, "num_key_value_heads": 2, "head_dim": 16,
             "max_position_embeddings": 256, "vocab_size": None},
    "0.6b": {"hidden_size": 1024, "intermediate_size": 3072, "num_hidden_layers": 28,
             "num_attention_heads": 16, "num_key_value_heads": 8, "head_dim": 128,
             "max_position_embeddings": 32768, "vocab_size": 151669},
    "4b": {"hidden_size": 2560, "intermediate_size": 9728, "num_hidden_layers": 36,
           "num_attention_heads": 32, "num_key_value_heads": 8, "head_dim": 128,
           "max_position_embeddings": 40960, "vocab_size": 151665},
}  # fmt: skip

_TOKENIZER_TEXTS = [
    "Instruct: Given a web search query, retrieve relevant passages that answer the query",
    "Query:which fruit has vitamin C?",
    "Oranges contain plenty of vitamin C. Bananas are rich in potassium.",
    "the quick brown fox jumps over the lazy dog",
    "苹果是一种很好吃的水果,香蕉富含钾元素",
    "import numpy as np; print('hello world')",
]


def train_tokenizer(
    texts: Sequence[str] = _TOKENIZER_TEXTS,
    vocab_size: int = 500,
    *,
    eos_in_template: bool = True,
    chat: bool = False,
) -> Any:
    """A Qwen-style fast tokenizer (byte-level BPE, EOS appended, left padding) fit on ``texts``.

    ``eos_in_template=False`` gives an older-style tokenizer that does not append EOS;
    ``chat=True`` adds Qwen's chat markers, "yes"/"no" as whole tokens and a chat template.
    """
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.BPE())
    tokenizer.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    tokenizer.decoder = decoders.ByteLevel()
    specials = [EOS, *(_CHAT_SPECIALS if chat else [])]
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size,
        special_tokens=specials,
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
        show_progress=False,
    )
    tokenizer.train_from_iterator(list(texts) * 5, trainer)
    eos_id = tokenizer.token_to_id(EOS)
    if eos_in_template:
        tokenizer.post_processor = processors.TemplateProcessing(
            single=f"$A {EOS}", pair=f"$A {EOS} $B:1 {EOS}:1", special_tokens=[(EOS, eos_id)]
        )
    if chat:
        tokenizer.add_tokens(["yes", "no"])
    fast = PreTrainedTokenizerFast(
        tokenizer_object=tokenizer, eos_token=EOS, pad_token=EOS, padding_side="left"
    )
    if chat:
        fast.chat_template = _CHAT_TEMPLATE
    return fast


def write_sentence_transformers_files(folder: Path, dim: int) -> None:
    """The module, pooling and prompt files of the real Qwen3-Embedding folders."""
    kinds = [("", "Transformer"), ("1_Pooling", "Pooling"), ("2_Normalize", "Normalize")]
    modules = [
        {"idx": i, "name": str(i), "path": path, "type": f"sentence_transformers.models.{kind}"}
        for i, (path, kind) in enumerate(kinds)
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


def _qwen3_config(
    size: str, tokenizer: Any, *, tie_embeddings: bool, layers: int | None = None
) -> Any:
    """A Qwen3 config of ``size`` whose special ids are the tokenizer's EOS, as in Qwen3."""
    from transformers import Qwen3Config

    eos_id = tokenizer.eos_token_id
    shape = dict(ARCHITECTURES[size])
    if layers is not None:  # set before the config derives its per-layer lists from it
        shape["num_hidden_layers"] = layers
    shape["vocab_size"] = shape["vocab_size"] or len(tokenizer)
    return Qwen3Config(
        **shape,
        rms_norm_eps=1e-6,
        rope_parameters={"rope_type": "default", "rope_theta": 1_000_000.0},
        eos_token_id=eos_id,
        pad_token_id=eos_id,
        bos_token_id=eos_id,
        tie_word_embeddings=tie_embeddings,
    )


def build_qwen3_twin(
    folder: Path,
    size: str = "tiny",
    *,
    tokenizer_texts: Sequence[str] = _TOKENIZER_TEXTS,
    vocab_size: int = 500,
    eos_in_template: bool = True,
    st_files: bool = True,
    dtype: str = "fp32",
    device: str = "cpu",
    seed: int = 0,
    head_dim: int | None = None,
    layers: int | None = None,
) -> Path:
    """Write a random-weight Qwen3 embedding model of ``size`` (``tiny``, ``0.6b``, ``4b``).

    The weights are created on ``device`` in ``dtype`` (a 4B twin in bf16 on a GPU takes
    seconds; 8 GB on disk). The tokenizer learns up to ``vocab_size`` tokens from
    ``tokenizer_texts``: a few thousand keep words whole, as Qwen's 151k-token vocabulary does.
    ``head_dim`` overrides the size's attention head width (vLLM on CPU needs at least 32);
    ``layers`` its depth (a few layers of the 4B shape test the real kernels in seconds).
    """
    import torch
    from transformers import Qwen3Model

    from semsearch.encoding.engines import DTYPES

    tokenizer = train_tokenizer(tokenizer_texts, vocab_size, eos_in_template=eos_in_template)
    config = _qwen3_config(size, tokenizer, tie_embeddings=size != "4b", layers=layers)
    if head_dim is not None:
        config.head_dim = head_dim
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    with torch.device(device):
        model: Any = Qwen3Model(config)
    model = model.to(DTYPES[dtype])
    model.save_pretrained(folder)
    if st_files:
        write_sentence_transformers_files(folder, dim=config.hidden_size)
    return folder


def build_chat_twin(folder: Path, *, seed: int = 0) -> Path:
    """A tiny random Qwen3 chat model (``Qwen3ForCausalLM``): for the generator and reranker.

    Its tokenizer knows Qwen's chat markers, has "yes" and "no" as tokens and a chat
    template; its answers are random tokens.
    """
    import torch
    from transformers import Qwen3ForCausalLM

    texts = [*_TOKENIZER_TEXTS, "yes", "no", "Judge whether the Document meets the requirements"]
    tokenizer = train_tokenizer(texts, eos_in_template=False, chat=True)
    config = _qwen3_config("tiny", tokenizer, tie_embeddings=True)
    folder.mkdir(parents=True, exist_ok=True)
    tokenizer.save_pretrained(folder)
    torch.manual_seed(seed)
    Qwen3ForCausalLM(config).save_pretrained(folder)
    return folder
