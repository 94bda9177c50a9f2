"""Run a Hugging Face encoder: texts to token ids, token ids to pooled, normalised vectors.

This is the one place that touches torch and transformers for embeddings. It loads a model
folder as its files say (see :mod:`semsearch.encoding.engines.model_files`), keeps the
model on one device, and serialises forward passes behind a lock so that sessions sharing
one loaded model cannot interleave on the GPU. Prompts, caching and output dimensions are
built on top of it in :mod:`semsearch.encoding.embedder`.

Speed, by device (measured in ``bench/``, see bench/RESULTS.md):

* CUDA: bf16; batches packed end to end with no padding
  (:mod:`semsearch.encoding.engines.packed`) when a warm-up on the device shows the packed
  path agrees with padded SDPA; padded SDPA otherwise; pinned host memory and non-blocking
  copies; out of memory is reported as :class:`DeviceOutOfMemory` so the caller can halve
  its batches and retry.
* CPU: fp32, so that every score equals sentence-transformers' own (fp32) to 4 decimals.
  bf16 is about 1.8x faster where the processor has bf16 dot-product instructions
  (AVX512-BF16, AMX) but moves scores in the third decimal; it is opt-in (``dtype="bf16"``)
  for bulk work.

Precision by default (:func:`default_dtype`): what the scores of the model's reference
implementation are computed in. A user who asks for another precision gets it.
"""

from __future__ import annotations

import importlib.util
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch

from semsearch.encoding.engines.model_files import ModelFiles, read_model_files
from semsearch.encoding.engines.packed import VARLEN, forward_packed, register
from semsearch.encoding.engines.pooling import pool
from semsearch.encoding.engines.tokens import DeviceOutOfMemory, Tokenized
from semsearch.encoding.precision import default_dtype
from semsearch.encoding.turns import FairLock
from semsearch.encoding.vectors import normalise
from semsearch.errors import ModelLoadError

DTYPES = {
    "bf16": torch.bfloat16,
    "bfloat16": torch.bfloat16,
    "fp16": torch.float16,
    "float16": torch.float16,
    "fp32": torch.float32,
    "float32": torch.float32,
}


def default_device() -> str:
    """``"cuda"`` when PyTorch sees a GPU, else ``"cpu"``."""
    return "cuda" if torch.cuda.is_available() else "cpu"


def cpu_has_native_bf16() -> bool:
    """Whether this CPU multiplies bf16 in hardware (AVX512-BF16 or AMX), as oneDNN uses."""
    try:
        return bool(torch.cpu._is_avx512_bf16_supported() or torch.cpu._is_amx_tile_supported())
    except AttributeError:  # a PyTorch without these probes: assume no
        return False


def attention_backend(device: str) -> str:
    """flash_attention_2 on CUDA when flash-attn imports, else PyTorch's SDPA."""
    if device.startswith("cuda") and importlib.util.find_spec("flash_attn") is not None:
        try:
            import flash_attn  # noqa: F401
        except ImportError:  # installed but built for another torch/CUDA
            return "sdpa"
        return "flash_attention_2"
    return "sdpa"


def _load_model(folder: Path, device: str, dtype: torch.dtype, attention: str) -> Any:
    from transformers import AutoModel

    options: dict[str, Any] = {"dtype": dtype}
    if device.startswith("cuda") and importlib.util.find_spec("accelerate") is not None:
        options["device_map"] = device  # straight to the GPU, without a copy in host memory
    try:
        model = AutoModel.from_pretrained(folder, attn_implementation=attention, **options)
    except (ValueError, ImportError):
        # Some architectures have no SDPA/flash kernel in this transformers version.
        model = AutoModel.from_pretrained(folder, attn_implementation="eager", **options)
    return model.to(device).eval()


class TransformerRuntime:
    """A loaded encoder: tokenises texts and turns batches of token ids into vectors.

    Safe to share between threads (one loaded model serves every session of a page):
    forward passes run one at a time under the model's lock, tokenisation under the
    tokenizer's own lock (a fast tokenizer keeps its truncation setting as state, so two
    threads cutting to different lengths would cut each other's texts), and the precision
    never changes after loading, so every session's cache keys stay what they were. Only
    :meth:`use_packing` and :meth:`warm_up` change settings; they run at load, before
    sharing. It knows nothing of prompts or output dimensions.
    """

    def __init__(
        self, model: Any, tokenizer: Any, files: ModelFiles, device: str, dtype: str
    ) -> None:
        self.model = model
        self.tokenizer = tokenizer
        self.files = files
        self.device = device
        self.dtype = dtype
        self.notices: list[str] = []
        # Fair: sessions take turns batch by batch (a query waits for one batch of a bulk
        # encode, not for all of it); a plain Lock lets the bulk encode take it back at once.
        self._lock = FairLock()
        self._tokenizer_lock = threading.RLock()
        self.native_dim = int(model.config.hidden_size)
        self.pad_id = int(
            tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
        )
        self.eos_id = tokenizer.eos_token_id
        self.left_padding = files.pooling == "lasttoken"
        tokenizer.padding_side = "left" if self.left_padding else "right"
        # Last-token pooling reads the EOS the tokenizer appends; an older tokenizer that
        # does not append it gets it appended here instead.
        probe = tokenizer("probe", add_special_tokens=True)["input_ids"]
        self.append_eos = (
            files.pooling == "lasttoken" and self.eos_id is not None and probe[-1] != self.eos_id
        )
        self.model_max_length = self._model_max_length()
        on_gpu = device.startswith("cuda")
        self.token_budget = 16384 if on_gpu else 4096
        """Most tokens in one batch (padding included); halved on out-of-memory."""
        self.max_batch = 256 if on_gpu else 64
        self.packs = False
        """Whether batches run packed, without padding (see :meth:`use_packing`)."""
        self._padded_attention = str(model.config._attn_implementation)

    @classmethod
    def load(
        cls, folder: Path, *, device: str, dtype: str | None = None, packing: str = "auto"
    ) -> TransformerRuntime:
        """Load tokenizer and model from a local folder onto ``device`` in ``dtype``.

        ``dtype``: ``bf16``, ``fp16`` or ``fp32``; ``None``: :func:`default_dtype` for this
        device and the precision the folder's weights were saved in.

        ``packing``: ``"auto"`` packs batches on CUDA when the warm-up shows it agrees with
        the padded path, ``"on"`` always packs (exact but slow on CPU: for tests), ``"off"``
        never does.

        Raises:
            ModelLoadError: the folder lacks files, holds an unknown architecture, or the
                device cannot take the model.
        """
        from transformers import AutoTokenizer

        files = read_model_files(folder)
        dtype = dtype or default_dtype(device, files.saved_dtype)
        if dtype not in DTYPES:
            raise ModelLoadError(str(folder), f"unknown dtype {dtype!r}; use bf16, fp16 or fp32")
        try:
            tokenizer = AutoTokenizer.from_pretrained(folder)
            model = _load_model(folder, device, DTYPES[dtype], attention_backend(device))
        except Exception as error:  # noqa: BLE001 - libraries fail in many ways (safetensors, OOM...)
            raise ModelLoadError(
                str(folder), f"{type(error).__name__}: {_first_line(error)}"
            ) from None
        runtime = cls(model, tokenizer, files, device, dtype)
        if packing == "on":
            runtime.use_packing(True)
        elif packing == "auto" and device.startswith("cuda"):
            runtime.warm_up()
        return runtime

    def use_packing(self, on: bool) -> None:
        """Switch between packed (padding-free) and padded batches."""
        if on:
            register()
            # flash-attn's own kernels read the packed layout natively; else PyTorch's varlen.
            name = "flash_attention_2" if self._padded_attention == "flash_attention_2" else VARLEN
            self.model.set_attn_implementation(name)
            self.max_batch = 4096  # with no padding, only the token budget bounds a batch
        else:
            self.model.set_attn_implementation(self._padded_attention)
            self.max_batch = 256 if self.device.startswith("cuda") else 64
        self.packs = on

    def warm_up(self) -> None:
        """Run the kernels once and keep packing only if it matches the padded path here.

        The padded SDPA forward is the reference; packed vectors must agree to a cosine of
        0.999 (bf16/fp16) or 0.9999 (fp32), else packing stays off and a notice says why.
        """
        probe = self.tokenize(_WARM_UP_TEXTS, 512).ids
        reference = self.encode_batch(probe)
        try:
            self.use_packing(True)
            packed = self.encode_batch(probe)
        except Exception as error:  # noqa: BLE001 - any failure means "stay padded"
            self.use_packing(False)
            self.notices.append(f"Padding-free batches are off: {type(error).__name__}: {error}")
            return
        agreement = float(np.min(np.sum(reference * packed, axis=1)))
        needed = 0.9999 if self.dtype == "fp32" else 0.999
        if not agreement >= needed:
            self.use_packing(False)
            self.notices.append(
                f"Padding-free batches are off: they agree with padded ones only to cosine "
                f"{agreement:.5f} on this device (needed {needed})."
            )

    def _model_max_length(self) -> int:
        limits = [
            self.files.max_seq_length,
            getattr(self.model.config, "max_position_embeddings", None),
        ]
        tokenizer_limit = getattr(self.tokenizer, "model_max_length", None)
        if tokenizer_limit and tokenizer_limit < 10**9:  # "no limit" is stored as a huge int
            limits.append(tokenizer_limit)
        known = [int(limit) for limit in limits if limit]
        return min(known) if known else 512

    def tokenize(self, texts: Sequence[str], max_length: int) -> Tokenized:
        """Token ids of each text, cut to ``max_length`` tokens (special tokens included).

        A cut keeps the special tokens (the final EOS of Qwen3, [CLS]/[SEP] of BERT).
        """
        texts = list(texts)
        if not texts:
            return Tokenized([], [])
        extra = 1 if self.append_eos else 0
        with self._tokenizer_lock:
            full = self.tokenizer(texts, add_special_tokens=True, verbose=False)["input_ids"]
            full_lengths = [len(ids) + extra for ids in full]
            long = [i for i, length in enumerate(full_lengths) if length > max_length]
            if long:
                cut = self.tokenizer(
                    [texts[i] for i in long],
                    add_special_tokens=True,
                    truncation=True,
                    max_length=max_length - extra,
                    verbose=False,
                )["input_ids"]
                for i, ids in zip(long, cut, strict=True):
                    full[i] = ids
        ids = [[*row, self.eos_id] if self.append_eos else list(row) for row in full]
        return Tokenized(ids, full_lengths)

    def token_strings(self, text: str, max_length: int) -> list[str]:
        """The tokens the model reads for ``text``, each decoded on its own (for display).

        Special tokens show as themselves (``<|endoftext|>``, ``[CLS]``); a piece of a
        character split across byte-level tokens shows as U+FFFD.
        """
        ids = self.tokenize([text], max_length).ids[0]
        with self._tokenizer_lock:
            return [str(self.tokenizer.decode([token])) for token in ids]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text``, special tokens left out."""
        with self._tokenizer_lock:
            encoded = self.tokenizer(
                text, add_special_tokens=False, return_offsets_mapping=True, verbose=False
            )
        return [(int(start), int(end)) for start, end in encoded["offset_mapping"]]

    @property
    def special_tokens(self) -> int:
        """Tokens added to every text: the difference a tokenisation with them makes."""
        with self._tokenizer_lock:
            bare = len(self.tokenizer("probe", add_special_tokens=False)["input_ids"])
        return len(self.tokenize(["probe"], 64).ids[0]) - bare

    def _pad(self, batch: Sequence[Sequence[int]]) -> tuple[torch.Tensor, torch.Tensor]:
        width = max(len(row) for row in batch)
        ids = np.full((len(batch), width), self.pad_id, dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            if self.left_padding:
                ids[row, width - len(tokens) :] = tokens
                mask[row, width - len(tokens) :] = 1
            else:
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
        on_gpu = self.device.startswith("cuda")
        tensors = [torch.from_numpy(array) for array in (ids, mask)]
        if on_gpu:  # pinned host memory lets the copy overlap with work already queued
            tensors = [tensor.pin_memory() for tensor in tensors]
        input_ids, attention = (t.to(self.device, non_blocking=on_gpu) for t in tensors)
        return input_ids, attention

    def _forward(self, batch: Sequence[Sequence[int]]) -> torch.Tensor:
        if self.packs:
            return forward_packed(self.model, batch, self.device, self.files.pooling).float()
        input_ids, mask = self._pad(batch)
        hidden = self.model(input_ids=input_ids, attention_mask=mask).last_hidden_state
        return pool(hidden, mask, self.files.pooling).float()

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """Pooled, L2-normalised float32 vectors [len(batch), native_dim] for token-id rows.

        In fp16 a row that overflows (NaN/inf) is never returned: those rows alone are
        computed again under bf16 autocast (bf16 has fp32's range) and a notice is recorded
        in :attr:`notices`. The model itself stays in fp16: switching the shared model would
        change the precision, and so the cache keys, of every session mid-use; recomputing
        only the rows that overflow keeps each text's vector independent of its batch-mates.
        """
        if not batch:
            return np.zeros((0, self.native_dim), dtype=np.float32)
        with self._lock, torch.inference_mode():
            try:
                vectors = self._forward(batch)
                if self.dtype == "fp16":
                    vectors = self._redo_overflow(batch, vectors)
            except torch.OutOfMemoryError:
                if self.device.startswith("cuda"):
                    torch.cuda.empty_cache()
                tokens = sum(len(row) for row in batch)
                raise DeviceOutOfMemory(
                    f"{self.device} ran out of memory on a batch of {len(batch)} texts "
                    f"({tokens} tokens)."
                ) from None
            return normalise(vectors.cpu().numpy())

    def _redo_overflow(self, batch: Sequence[Sequence[int]], vectors: torch.Tensor) -> torch.Tensor:
        """Rows of an fp16 forward that overflowed, computed again under bf16 autocast."""
        finite = torch.isfinite(vectors).all(dim=1)
        if bool(finite.all()):
            return vectors
        rows = [i for i, ok in enumerate(finite.tolist()) if not ok]
        device_type = "cuda" if self.device.startswith("cuda") else "cpu"
        with torch.autocast(device_type, dtype=torch.bfloat16):
            redone = self._forward([batch[i] for i in rows])
        vectors[rows] = redone.to(vectors.dtype)
        if OVERFLOW_NOTICE not in self.notices:
            self.notices.append(OVERFLOW_NOTICE)
        return vectors


OVERFLOW_NOTICE = (
    "fp16 overflowed (NaN) on some texts; those texts were encoded in bf16, the precision "
    "the model was trained in (the model stays in fp16). Load it in bf16 to avoid this."
)

_WARM_UP_TEXTS = [
    "Oranges contain plenty of vitamin C.",
    "Instruct: Given a web search query, retrieve relevant passages that answer the query\n"
    "Query:which fruit has vitamin C?",
    "香蕉富含钾元素,有助于维持血压稳定",
    "x",
    " ".join(["The quick brown fox jumps over the lazy dog."] * 20),
]


def _first_line(error: BaseException) -> str:
    text = str(error).strip() or type(error).__name__
    return text.splitlines()[0]
