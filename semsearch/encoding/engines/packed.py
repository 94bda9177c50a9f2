"""Padding-free forward passes: a batch of texts packed into one row, attention kept per text.

A padded batch makes every text as long as the longest one and spends work on the padding.
Packed, the texts sit end to end in a single row of ``T`` tokens; position ids restart at
each text (so rotary or absolute positions are exactly those of the text alone) and the
attention kernel is told where each text starts (``cu_seqlens``), so no token attends
across texts and no padding exists. All linear layers, most of the work, run on exactly
the real tokens.

The attention is registered with transformers as ``"semsearch_varlen"``. On CUDA in bf16 or
fp16 it calls PyTorch's variable-length flash kernel (``torch.nn.attention.varlen``);
elsewhere (the CPU, fp32 on CUDA) it runs
one SDPA call per text, which is slow but exact, so the packed path can be tested on a CPU
against the padded one. Whether a model may run packed is decided by the backend at
warm-up, by comparing both paths on the device itself.
"""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - the usual name

from semsearch.encoding.engines.model_files import Pooling

VARLEN = "semsearch_varlen"


@dataclass(frozen=True)
class Packed:
    """Token rows laid end to end, with where each starts."""

    input_ids: torch.Tensor
    """[1, T]"""
    position_ids: torch.Tensor
    """[1, T]: 0..len-1 for each text."""
    cu_seqlens: torch.Tensor
    """int32 [n + 1]: start of each text, then T."""
    max_length: int


def pack(rows: Sequence[Sequence[int]], device: str) -> Packed:
    """Pack token-id rows into one row on ``device``."""
    lengths = torch.tensor([len(row) for row in rows], dtype=torch.int32)
    cu = torch.zeros(len(rows) + 1, dtype=torch.int32)
    cu[1:] = torch.cumsum(lengths, dim=0)
    ids = torch.tensor([token for row in rows for token in row], dtype=torch.long)
    positions = torch.cat([torch.arange(int(n)) for n in lengths])
    on_gpu = device.startswith("cuda")
    if on_gpu:
        ids, positions, cu = (t.pin_memory() for t in (ids, positions, cu))
    return Packed(
        input_ids=ids.to(device, non_blocking=on_gpu).unsqueeze(0),
        position_ids=positions.to(device, non_blocking=on_gpu).unsqueeze(0),
        cu_seqlens=cu.to(device, non_blocking=on_gpu),
        max_length=int(lengths.max()),
    )


def pool_packed(hidden: torch.Tensor, cu_seqlens: torch.Tensor, mode: Pooling) -> torch.Tensor:
    """Pool packed hidden states [T, dim] into one vector per text [n, dim]."""
    starts, ends = cu_seqlens[:-1].long(), cu_seqlens[1:].long()
    if mode == "lasttoken":
        return hidden[ends - 1]
    if mode == "cls":
        return hidden[starts]
    lengths = ends - starts
    owner = torch.repeat_interleave(torch.arange(len(lengths), device=hidden.device), lengths)
    sums = torch.zeros(len(lengths), hidden.shape[1], dtype=torch.float32, device=hidden.device)
    sums.index_add_(0, owner, hidden.float())
    return sums / lengths.unsqueeze(1).to(sums.dtype)


def _repeat_heads(tensor: torch.Tensor, heads: int) -> torch.Tensor:
    # [T, kv_heads, d] -> [T, heads, d], each kv head serving heads/kv_heads query heads (GQA)
    return tensor.repeat_interleave(heads // tensor.shape[1], dim=1)


def _per_text_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    cu: torch.Tensor,
    causal: bool,
    scale: float | None,
) -> torch.Tensor:
    key, value = _repeat_heads(key, query.shape[1]), _repeat_heads(value, query.shape[1])
    out = torch.empty_like(query)
    bounds = cu.tolist()
    for start, end in itertools.pairwise(bounds):
        q, k, v = (t[start:end].transpose(0, 1) for t in (query, key, value))
        out[start:end] = F.scaled_dot_product_attention(
            q, k, v, is_causal=causal, scale=scale
        ).transpose(0, 1)
    return out


def _flash_varlen() -> Any:
    try:
        from torch.nn.attention.varlen import varlen_attn
    except ImportError:
        return None
    return varlen_attn


def _cuda_varlen_attention(
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    cu: torch.Tensor,
    max_length: int,
    causal: bool,
    scale: float | None,
) -> torch.Tensor:
    varlen_attn = _flash_varlen()
    if varlen_attn is None:
        raise RuntimeError("this PyTorch has no torch.nn.attention.varlen (PyTorch >= 2.10 has it)")
    parameters = inspect.signature(varlen_attn).parameters
    options: dict[str, Any] = {"scale": scale}
    # The API moved between releases: is_causal (2.10) became window_size (later).
    if "window_size" in parameters:
        options["window_size"] = (-1, 0) if causal else (-1, -1)
    elif "is_causal" in parameters:
        options["is_causal"] = causal
    elif causal:
        raise RuntimeError("torch.nn.attention.varlen.varlen_attn cannot be made causal here")
    if "enable_gqa" in parameters:
        options["enable_gqa"] = key.shape[1] != query.shape[1]
    else:
        key, value = _repeat_heads(key, query.shape[1]), _repeat_heads(value, query.shape[1])
    cu = cu.to(torch.int32)
    return varlen_attn(query, key, value, cu, cu, max_length, max_length, **options)


def varlen_attention(
    module: torch.nn.Module,
    query: torch.Tensor,
    key: torch.Tensor,
    value: torch.Tensor,
    attention_mask: torch.Tensor | None,
    dropout: float = 0.0,
    scaling: float | None = None,
    is_causal: bool | None = None,
    **kwargs: Any,
) -> tuple[torch.Tensor, None]:
    """Transformers attention function for packed rows (``cu_seq_lens_q`` in ``kwargs``).

    ``query`` is [1, heads, T, d], ``key``/``value`` [1, kv_heads, T, d]; returns [1, T, heads, d].
    """
    cu = kwargs["cu_seq_lens_q"]
    max_length = int(kwargs["max_length_q"])
    causal = is_causal if is_causal is not None else bool(getattr(module, "is_causal", True))
    q, k, v = (t[0].transpose(0, 1) for t in (query, key, value))  # [T, heads, d]
    # Flash kernels take half precision only; fp32 runs one exact SDPA call per text, whose
    # launches cost little next to fp32 matrix products on the real tokens.
    if q.is_cuda and q.dtype in (torch.float16, torch.bfloat16):
        out = _cuda_varlen_attention(q, k, v, cu, max_length, causal, scaling)
    else:
        out = _per_text_attention(q, k, v, cu, causal, scaling)
    return out.unsqueeze(0), None


def register() -> None:
    """Make ``"semsearch_varlen"`` a transformers attention implementation (idempotent)."""
    from transformers import AttentionInterface

    AttentionInterface.register(VARLEN, varlen_attention)


def forward_packed(
    model: Any, rows: Sequence[Sequence[int]], device: str, mode: Pooling
) -> torch.Tensor:
    """Run ``model`` (whose attention is ``"semsearch_varlen"``) on packed rows; pooled [n, dim]."""
    packed = pack(rows, device)
    options: dict[str, Any] = {}
    if getattr(model.config, "type_vocab_size", 0):  # BERT-style: segment ids, all zero
        options["token_type_ids"] = torch.zeros_like(packed.input_ids)
    hidden = model(
        input_ids=packed.input_ids,
        position_ids=packed.position_ids,
        cu_seq_lens_q=packed.cu_seqlens,
        cu_seq_lens_k=packed.cu_seqlens,
        max_length_q=packed.max_length,
        max_length_k=packed.max_length,
        **options,
    ).last_hidden_state[0]
    return pool_packed(hidden, packed.cu_seqlens, mode)
