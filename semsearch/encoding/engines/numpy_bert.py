"""A BERT encoder run in NumPy: the bundled model's query in milliseconds, without torch.

Why a forward pass written here: ``semsearch search`` needs one vector per call, the
query's, and importing torch alone costs about 3.4 s of CPU on this machine, transformers
1.6 s more (bench/RESULTS.md, "Command line"), against a target of 2.5 s for the whole
command. No kept library runs a BERT from its safetensors without torch: sentence-
transformers and transformers are torch; ONNX Runtime and CTranslate2 need a converted
model (an export step, run with torch, and a second copy of the weights to keep in step);
model2vec distils a different, static model. A BERT encoder is small (embeddings, then per
layer: attention, a GELU feed-forward, two LayerNorms), so it is written out here in NumPy,
from the weights and the tokenizer the model folder already holds (``model.safetensors``
mapped into memory, :func:`map_safetensors`; ``tokenizer.json`` read by the ``tokenizers``
library: the same files transformers reads). Imports: NumPy, tokenizers, threadpoolctl.

Exact, not approximate: fp32 throughout as transformers' ``BertModel`` on the CPU, the same
operations in the same order (word + token-type + position embeddings, LayerNorm with the
config's epsilon, scaled dot-product attention with padded keys masked out, GELU in its erf
form, :mod:`semsearch.encoding.engines.erf`), pooled as the folder's sentence-transformers
files say (mean or CLS). Its vectors equal the torch engine's to a cosine above 0.999999
and give the same scores to 4 decimals (``tests/test_numpy_bert.py``); only the order of
floating-point sums differs.

What it does not do: other architectures (RoPE, relative positions, other activations are
refused with a :class:`~semsearch.errors.ModelLoadError`), GPUs, precisions other than fp32,
sharded weights. Bulk encoding is faster with torch's kernels once torch is loaded: the
deferred embedder of the command line uses this engine for small requests only
(:mod:`semsearch.encoding.deferred`).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from semsearch.encoding.engines.model_files import ModelFiles, read_model_files
from semsearch.encoding.engines.tokens import Tokenized
from semsearch.encoding.vectors import normalise
from semsearch.errors import ModelLoadError

WEIGHTS = "model.safetensors"
TOKENIZER = "tokenizer.json"


@dataclass(frozen=True)
class BertShape:
    """What ``config.json`` says of a BERT's size."""

    layers: int
    hidden: int
    heads: int
    max_positions: int
    layer_norm_eps: float


def read_bert_shape(folder: Path) -> BertShape:
    """The shape of the BERT in ``folder``, from ``config.json``.

    Raises:
        ModelLoadError: the folder holds no BERT this engine runs (module doc).
    """
    try:
        config = json.loads((folder / "config.json").read_text("utf-8"))
    except (OSError, ValueError) as error:
        raise ModelLoadError(str(folder), f"config.json cannot be read ({error})") from None
    checks = {
        "model_type": (config.get("model_type"), "bert"),
        "hidden_act": (config.get("hidden_act"), "gelu"),
        "position_embedding_type": (config.get("position_embedding_type", "absolute"), "absolute"),
    }
    for key, (found, wanted) in checks.items():
        if found != wanted:
            raise ModelLoadError(
                str(folder),
                f"the NumPy engine runs BERT encoders with {key} {wanted!r}, this one has "
                f"{found!r}; use the local (torch) engine",
            )
    return BertShape(
        layers=int(config["num_hidden_layers"]),
        hidden=int(config["hidden_size"]),
        heads=int(config["num_attention_heads"]),
        max_positions=int(config["max_position_embeddings"]),
        layer_norm_eps=float(config.get("layer_norm_eps", 1e-12)),
    )


def _tokenizer_disagreement(folder: Path) -> str | None:
    """How transformers would tokenize otherwise than ``tokenizer.json`` read alone, if so.

    transformers' BERT tokenizer takes its WordPiece vocabulary from ``tokenizer.json`` but
    sets lower-casing, accent stripping and CJK splitting from ``tokenizer_config.json``
    (``do_lower_case`` defaults to true); where the two files disagree the token ids would
    differ, so such a folder is left to the torch engine.
    """
    try:
        spec = json.loads((folder / TOKENIZER).read_text("utf-8"))
        config = json.loads((folder / "tokenizer_config.json").read_text("utf-8"))
    except (OSError, ValueError):
        return f"{TOKENIZER} or tokenizer_config.json cannot be read"
    normalizer = spec.get("normalizer") or {}
    wanted = {
        "type": "BertNormalizer",
        "lowercase": config.get("do_lower_case", True),
        "strip_accents": config.get("strip_accents"),
        "handle_chinese_chars": config.get("tokenize_chinese_chars", True),
    }
    found = {key: normalizer.get(key) for key in wanted}
    if found != wanted or (spec.get("model") or {}).get("type") != "WordPiece":
        return f"{TOKENIZER} normalises {found}, tokenizer_config.json asks for {wanted}"
    return None


def numpy_engine_runs(folder: Path) -> bool:
    """Whether this engine can run the model in ``folder`` (its files say so; nothing loads)."""
    if not ((folder / WEIGHTS).is_file() and (folder / TOKENIZER).is_file()):
        return False
    try:
        read_bert_shape(folder)
        pooling = read_model_files(folder).pooling
    except (ModelLoadError, KeyError, TypeError, ValueError):
        return False
    return pooling in ("mean", "cls") and _tokenizer_disagreement(folder) is None


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray, eps: float) -> np.ndarray:
    mean = x.mean(axis=-1, keepdims=True)
    centred = x - mean
    variance = np.mean(centred * centred, axis=-1, keepdims=True)
    return centred / np.sqrt(variance + np.float32(eps)) * weight + bias


def _softmax(x: np.ndarray) -> np.ndarray:
    shifted = np.exp(x - x.max(axis=-1, keepdims=True))
    return shifted / shifted.sum(axis=-1, keepdims=True)


_SAFETENSORS_DTYPES = {"F32": np.float32, "F16": np.float16, "BF16": np.uint16, "I64": np.int64}


def map_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Every tensor of a ``.safetensors`` file as a read-only array over a memory map.

    The format (safetensors' spec): 8 bytes little-endian, the length of a JSON header
    naming each tensor's dtype, shape and byte range in the data that follows. Read here
    rather than by ``safetensors.numpy.load_file``, which copies every tensor: 0.35 s for
    this model's 90 MB, half of it the word-embedding table of which a query reads a dozen
    rows; a map reads only the pages used. bf16 comes back as float32 (its upper half);
    dtypes other than F32, F16, BF16 and I64 are left out. ``tests/test_numpy_bert.py``
    checks every tensor against the library's own reading.

    Raises:
        ValueError: the file is not safetensors (a header out of bounds, a bad range).
        OSError: it cannot be read.
    """
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if data.size < 8:
        raise ValueError(f"{path.name} is {data.size} bytes long, too short for safetensors")
    size = int(data[:8].view("<u8")[0])
    if not 0 < size <= data.size - 8:
        raise ValueError(f"{path.name} announces a header of {size} bytes")
    header = json.loads(bytes(data[8 : 8 + size]))
    tensors: dict[str, np.ndarray] = {}
    for name, entry in header.items():
        dtype = _SAFETENSORS_DTYPES.get(entry.get("dtype")) if name != "__metadata__" else None
        if dtype is None:
            continue
        start, end = (8 + size + int(offset) for offset in entry["data_offsets"])
        if not 8 + size <= start <= end <= data.size:
            raise ValueError(f"{path.name}: tensor {name!r} lies outside the file")
        array = data[start:end].view(np.dtype(dtype).newbyteorder("<")).reshape(entry["shape"])
        if entry["dtype"] == "BF16":  # bf16 is the upper half of a float32
            array = (array.astype(np.uint32) << 16).view(np.float32)
        tensors[name] = array
    return tensors


class BertWeights:
    """A BERT encoder's fp32 weights, and its forward pass over padded batches of ids."""

    def __init__(self, tensors: dict[str, np.ndarray], shape: BertShape) -> None:
        self.shape = shape
        # Checkpoints of BertFor... models prefix the encoder's names with "bert.".
        self._w = {
            name.removeprefix("bert."): np.ascontiguousarray(array, dtype=np.float32)
            for name, array in tensors.items()
            if array.dtype.kind == "f"
        }
        missing = [name for name in self._names() if name not in self._w]
        if missing:
            raise ModelLoadError(
                "weights", f"{len(missing)} BERT tensors are missing, e.g. {missing[0]!r}"
            )

    def _names(self) -> list[str]:
        names = [
            f"embeddings.{part}.weight"
            for part in ("word_embeddings", "position_embeddings", "token_type_embeddings")
        ] + ["embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias"]
        per_layer = [
            "attention.self.query", "attention.self.key", "attention.self.value",
            "attention.output.dense", "attention.output.LayerNorm", "intermediate.dense",
            "output.dense", "output.LayerNorm",
        ]  # fmt: skip
        for layer in range(self.shape.layers):
            for part in per_layer:
                names += [f"encoder.layer.{layer}.{part}.{kind}" for kind in ("weight", "bias")]
        return names

    @classmethod
    def load(cls, folder: Path, shape: BertShape) -> BertWeights:
        """The weights of ``folder/model.safetensors``, mapped (fp16 and bf16 widened to fp32).

        Raises:
            ModelLoadError: the file cannot be read or lacks a tensor.
        """
        try:
            tensors = map_safetensors(folder / WEIGHTS)
        except (OSError, ValueError, KeyError, TypeError) as error:
            raise ModelLoadError(str(folder), f"{WEIGHTS} cannot be read ({error})") from None
        return cls(tensors, shape)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self._w[f"{name}.weight"].T + self._w[f"{name}.bias"]

    def _norm(self, x: np.ndarray, name: str) -> np.ndarray:
        return _layer_norm(
            x, self._w[f"{name}.weight"], self._w[f"{name}.bias"], self.shape.layer_norm_eps
        )

    def forward(self, ids: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """Last hidden states [batch, tokens, hidden] for right-padded ``ids`` and ``mask``.

        As transformers' ``BertModel`` without token-type ids (all zero): padded keys get
        the most negative float32 added to their attention scores, so they weigh nothing.
        """
        # Here, not at the top: building erf's tables costs ~0.1 s, which asking
        # numpy_engine_runs (every command line search, cached or not) need not pay.
        from semsearch.encoding.engines.erf import gelu

        batch, tokens = ids.shape
        w = self._w
        # The order of transformers' sums: (word + token type 0) + position.
        x = (
            w["embeddings.word_embeddings.weight"][ids]
            + w["embeddings.token_type_embeddings.weight"][0]
        )
        x = x + w["embeddings.position_embeddings.weight"][:tokens]
        x = self._norm(x, "embeddings.LayerNorm")
        heads = self.shape.heads
        size = self.shape.hidden // heads
        scaling = np.float32(size**-0.5)
        blocked = np.where(mask[:, None, None, :] > 0, 0.0, np.finfo(np.float32).min)
        blocked = blocked.astype(np.float32)

        def split(y: np.ndarray) -> np.ndarray:  # [b, t, h*d] -> [b, h, t, d]
            return np.ascontiguousarray(y.reshape(batch, tokens, heads, size).transpose(0, 2, 1, 3))

        for layer in range(self.shape.layers):
            prefix = f"encoder.layer.{layer}."
            # Contiguous heads: NumPy hands stacked matmuls to BLAS only when they are.
            query = split(self._linear(x, prefix + "attention.self.query"))
            key = split(self._linear(x, prefix + "attention.self.key")).transpose(0, 1, 3, 2)
            value = split(self._linear(x, prefix + "attention.self.value"))
            scores = (query @ np.ascontiguousarray(key)) * scaling + blocked
            context = _softmax(scores) @ value
            context = context.transpose(0, 2, 1, 3).reshape(batch, tokens, heads * size)
            attended = self._linear(context, prefix + "attention.output.dense")
            x = self._norm(attended + x, prefix + "attention.output.LayerNorm")
            inner = gelu(self._linear(x, prefix + "intermediate.dense"))
            out = self._linear(inner, prefix + "output.dense")
            x = self._norm(out + x, prefix + "output.LayerNorm")
        return x


def pool(hidden: np.ndarray, mask: np.ndarray, mode: str) -> np.ndarray:
    """Mean of the real tokens' states, or the first token's (CLS), per row."""
    if mode == "cls":
        return hidden[:, 0]
    weights = mask[:, :, None].astype(np.float32)
    return (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)


def _model_max_length(folder: Path, files: ModelFiles, shape: BertShape) -> int:
    """The smallest of the caps the folder states, as the torch runtime reads them."""
    limits: list[int] = [shape.max_positions]
    if files.max_seq_length:
        limits.append(files.max_seq_length)
    try:
        config = json.loads((folder / "tokenizer_config.json").read_text("utf-8"))
    except (OSError, ValueError):
        config = {}
    stated = config.get("model_max_length")
    if isinstance(stated, int | float) and 0 < stated < 10**9:  # "no limit" is a huge number
        limits.append(int(stated))
    return min(limits)


class NumpyBertRuntime:
    """A BERT in NumPy as a :class:`~semsearch.encoding.engines.tokens.TokenRuntime`.

    Safe to share between threads: forward passes run one at a time, on one BLAS thread
    (:meth:`encode_batch`), and the tokenizer's truncation setting (state in the
    ``tokenizers`` object) changes under a lock.
    """

    device = "cpu"
    dtype = "fp32"
    packs = False

    def __init__(
        self, weights: BertWeights, tokenizer: Any, files: ModelFiles, max_length: int
    ) -> None:
        self.weights = weights
        self.tokenizer = tokenizer
        self.files = files
        self.native_dim = weights.shape.hidden
        self.model_max_length = max_length
        self.notices: list[str] = []
        self.token_budget = 4096
        """Most tokens in one batch, padding included (attention is [heads, t, t] per text)."""
        self.max_batch = 64
        self._tokenizer_lock = threading.Lock()
        from threadpoolctl import ThreadpoolController  # 40 ms: only once a model loads

        self._threads = ThreadpoolController()
        # BLAS thread limits are process-wide: one at a time, so each restores what it found.
        self._threads_lock = threading.Lock()

    @classmethod
    def load(cls, folder: Path) -> NumpyBertRuntime:
        """The model in ``folder``: weights, tokenizer and how its files say to pool.

        Raises:
            ModelLoadError: not a BERT this engine runs, or a file is missing or unreadable.
        """
        from tokenizers import Tokenizer

        shape = read_bert_shape(folder)
        files = read_model_files(folder)
        if files.pooling not in ("mean", "cls"):
            raise ModelLoadError(
                str(folder), f"the NumPy engine pools by mean or CLS, not {files.pooling!r}"
            )
        disagreement = _tokenizer_disagreement(folder)
        if disagreement is not None:
            raise ModelLoadError(str(folder), f"{disagreement}; use the local (torch) engine")
        try:
            tokenizer = Tokenizer.from_file(str(folder / TOKENIZER))
        except Exception as error:  # noqa: BLE001 - the Rust side raises plain Exceptions
            raise ModelLoadError(str(folder), f"{TOKENIZER}: {error}") from None
        # tokenizer.json may carry a fixed padding and a truncation of its own (this
        # model's: 128 tokens); transformers overrides both per call, and so does this.
        tokenizer.no_padding()
        tokenizer.no_truncation()
        weights = BertWeights.load(folder, shape)
        return cls(weights, tokenizer, files, _model_max_length(folder, files, shape))

    def _ids(self, texts: Sequence[str], max_length: int | None) -> list[list[int]]:
        with self._tokenizer_lock:
            if max_length is None:
                self.tokenizer.no_truncation()
            else:
                self.tokenizer.enable_truncation(max_length)
            try:
                encoded = self.tokenizer.encode_batch(list(texts), add_special_tokens=True)
            finally:
                self.tokenizer.no_truncation()
        return [list(item.ids) for item in encoded]

    def tokenize(self, texts: Sequence[str], max_length: int) -> Tokenized:
        """Token ids of each text, cut to ``max_length`` with [CLS] and [SEP] kept."""
        texts = list(texts)
        if not texts:
            return Tokenized([], [])
        full = self._ids(texts, None)
        lengths = [len(ids) for ids in full]
        long = [i for i, length in enumerate(lengths) if length > max_length]
        if long:
            cut = self._ids([texts[i] for i in long], max_length)
            for i, ids in zip(long, cut, strict=True):
                full[i] = ids
        return Tokenized(full, lengths)

    def token_strings(self, text: str, max_length: int) -> list[str]:
        """The tokens the model reads for ``text``, each decoded on its own (for display)."""
        ids = self.tokenize([text], max_length).ids[0]
        return [str(self.tokenizer.decode([token], skip_special_tokens=False)) for token in ids]

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text``, special tokens left out."""
        with self._tokenizer_lock:
            encoded = self.tokenizer.encode(text, add_special_tokens=False)
        return [(int(start), int(end)) for start, end in encoded.offsets]

    @property
    def special_tokens(self) -> int:
        """Tokens added to every text ([CLS] and [SEP]: 2)."""
        with self._tokenizer_lock:
            bare = len(self.tokenizer.encode("probe", add_special_tokens=False).ids)
        return len(self.tokenize(["probe"], 64).ids[0]) - bare

    def encode_batch(self, batch: Sequence[Sequence[int]]) -> np.ndarray:
        """Pooled, L2-normalised float32 vectors [len(batch), hidden] for token-id rows."""
        if not batch:
            return np.zeros((0, self.native_dim), dtype=np.float32)
        width = max(len(row) for row in batch)
        ids = np.zeros((len(batch), width), dtype=np.int64)
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, tokens in enumerate(batch):
            ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        # One BLAS thread: OpenBLAS's threads spin waiting for each other, and on a busy
        # machine every product then waits for a free core. At load average 8 on 2 cores a
        # query took 1 s with two threads and 0.12 s with one; 9 texts of 256 tokens 36 s
        # and 10.7 s.
        with self._threads_lock, self._threads.limit(limits=1, user_api="blas"):
            hidden = self.weights.forward(ids, mask)
        return normalise(pool(hidden, mask, self.files.pooling))
