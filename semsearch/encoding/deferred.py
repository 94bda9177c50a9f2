"""An embedder whose model loads on the first text it must encode, not before.

Searching a saved base from the command line needs the model for one thing only: the
query's vector. When the disk cache (:mod:`semsearch.encoding.disk_cache`) holds it (the
page or an earlier run asked the same question), no model is needed at all, and torch and
transformers are never imported: the slow part of a command that runs once.

Everything a cache key needs is known without the model: its name, prompts and the
precision loading would choose come from the model's folder (JSON files only), its size
and length cap from the base that records them, its revision from its weight files'
sizes and times. The precision is :func:`~semsearch.encoding.precision.default_dtype` for
the device, as loading chooses it; the device is the CPU without importing torch only when
the installed torch is a CPU-only build (its ``version.py`` names no CUDA, ROCm or XPU),
otherwise torch is asked, as loading would ask it.

A cache miss needs the model, but not torch: when the model is a BERT the NumPy engine runs
(:mod:`semsearch.encoding.engines.numpy_bert`, the bundled model among them) and the device
and precision are the CPU and fp32, a small request (at most :data:`QUICK_TOKENS` tokens:
a query, a few passages) is encoded by that engine, which loads in a fraction of a second
and gives the torch engine's vectors (cosine above 0.999999, scores equal to 4 decimals). A
larger request loads the torch engine, which encodes in bulk 1.5-1.8x faster once loaded,
and every later request goes to it too. Both read the same tokenizer file, so token counts and
spans agree whichever answers.

What it does not do: encode without any model (a cache miss loads one, once), or serve a
remote engine (a server is reached when asked, and costs no import).
"""

from __future__ import annotations

import importlib.util
import re
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from semsearch.encoding.embedder import Embedder, Prompting
from semsearch.encoding.engine import EncodedBatch, Engine, EngineKind, Tokenizing
from semsearch.encoding.load_report import LoadReport
from semsearch.encoding.precision import default_dtype
from semsearch.errors import ModelLoadError
from semsearch.settings import Settings, parse_device

QUICK_TOKENS = 2048
"""Most tokens a request may have for the NumPy engine to answer it rather than torch's.

Importing torch and transformers and loading the model costs about 5-6 s of CPU here; the
NumPy engine encodes 1.5-1.8x slower than torch's (64 short passages: 5.8 s against 3.3 s
on one thread each, on this busy machine), so up to a few thousand tokens it finishes first.
Counted without a tokenizer, from above: a WordPiece token covers at least one character,
and [CLS]/[SEP] are two more.
"""


def torch_is_cpu_only() -> bool:
    """Whether the installed torch is built for CPUs only, read from its version file.

    Such a build never sees a GPU, so the device is the CPU without importing torch (about
    3 s of CPU time here). ``False`` when torch is missing or the file does not say.
    """
    spec = importlib.util.find_spec("torch")
    if spec is None or spec.origin is None:
        return False
    try:
        text = (Path(spec.origin).parent / "version.py").read_text("utf-8")
    except OSError:
        return False
    accelerators = ("cuda", "hip", "xpu")
    found = {
        name: re.search(rf"^{name}\s*(?::[^=]*)?=\s*(\S+)", text, re.MULTILINE)
        for name in accelerators
    }
    return all(match is not None and match.group(1) == "None" for match in found.values())


def default_device() -> str:
    """What loading picks (``cuda`` when torch sees a GPU), without torch on a CPU build."""
    if torch_is_cpu_only():
        return "cpu"
    from semsearch.encoding.engines import default_device as torch_default_device

    return torch_default_device()


class DeferredEngine:
    """An engine that opens the real one on the first call needing the model.

    Says what it will be (name, size, length cap, device, precision) before it is opened;
    once opened, checks that the model matches that promise. With a ``quick`` opener (the
    NumPy engine, module doc), small requests go to it for as long as the full engine is
    not loaded.
    """

    def __init__(
        self,
        open_engine: Callable[[], Engine],
        *,
        name: str,
        native_dim: int,
        model_max_length: int,
        device: str,
        dtype: str,
        quick: Callable[[], Engine] | None = None,
    ) -> None:
        self._open = open_engine
        self._open_quick = quick
        self._engine: Engine | None = None
        self._quick: Engine | None = None
        self._lock = threading.Lock()
        self._name = name
        self._native_dim = native_dim
        self._model_max_length = model_max_length
        self._device = device
        self._dtype = dtype

    @property
    def loaded(self) -> bool:
        """Whether the full (torch) model has been loaded."""
        return self._engine is not None

    def _checked(self, engine: Engine) -> Engine:
        if (engine.native_dim, engine.dtype) != (self._native_dim, self._dtype):
            raise ModelLoadError(
                self._name,
                f"it loaded with {engine.native_dim} dimensions in {engine.dtype}, "
                f"not the {self._native_dim} in {self._dtype} its base records",
            )
        return engine

    def engine(self) -> Engine:
        """The full engine, opened now if it is not yet.

        Raises:
            ModelLoadError: it cannot be loaded, or it is not the model promised.
        """
        with self._lock:
            if self._engine is None:
                self._engine = self._checked(self._open())
            return self._engine

    def _small(self, texts: Sequence[str], max_length: int) -> bool:
        """Whether ``texts`` surely have at most :data:`QUICK_TOKENS` tokens (module doc)."""
        most = 0
        for text in texts:
            most += min(len(text) + 2, max_length)
            if most > QUICK_TOKENS:
                return False
        return True

    def _engine_for(self, texts: Sequence[str] | None, max_length: int = 0) -> Engine:
        """The quick engine while it may answer, else the full one.

        ``texts``: the request to encode; ``None`` for tokenizing, which either engine does
        alike.
        """
        if self._open_quick is None or self._engine is not None:
            return self.engine()
        if texts is not None and not self._small(texts, max_length):
            return self.engine()
        with self._lock:
            if self._quick is None:
                self._quick = self._checked(self._open_quick())
            return self._quick

    @property
    def kind(self) -> EngineKind:
        """Always ``local``: a server needs no deferring."""
        return "local"

    @property
    def name(self) -> str:
        """The model's name."""
        return self._name

    @property
    def native_dim(self) -> int:
        """The model's own vector size (the base's record)."""
        return self._native_dim

    @property
    def model_max_length(self) -> int:
        """The length cap the base was made with (its model takes at least that)."""
        return self._model_max_length

    @property
    def device(self) -> str:
        """Where the model will run."""
        return self._device

    @property
    def dtype(self) -> str:
        """The precision loading chooses."""
        return self._dtype

    @property
    def notices(self) -> list[str]:
        """The loaded engines' notices; none before one loads."""
        return [n for e in (self._quick, self._engine) if e is not None for n in e.notices]

    def encode(
        self, texts: Sequence[str], *, max_length: int, dim: int | None = None
    ) -> Iterator[EncodedBatch]:
        """The quick or the full engine's :meth:`~semsearch.encoding.engine.Engine.encode`.

        Opens the one it picks (module doc) if it is not open yet.
        """
        engine = self._engine_for(texts, max_length)
        return engine.encode(texts, max_length=max_length, dim=dim)

    def _tokenizing(self) -> Tokenizing:
        engine = self._engine_for(None)
        if not isinstance(engine, Tokenizing):  # pragma: no cover - local engines tokenize
            raise ModelLoadError(self._name, "its engine offers no tokenizer")
        return engine

    @property
    def special_tokens(self) -> int:
        """Tokens the tokenizer adds to every text (loads the model)."""
        return self._tokenizing().special_tokens

    def count_tokens(self, texts: Sequence[str], max_length: int) -> list[int]:
        """Tokens of each text before the cap (loads the model)."""
        return self._tokenizing().count_tokens(texts, max_length)

    def token_strings(self, text: str, max_length: int) -> list[str]:
        """The tokens the model reads for ``text`` (loads the model)."""
        return self._tokenizing().token_strings(text, max_length)

    def token_spans(self, text: str) -> list[tuple[int, int]]:
        """Character span of each token of ``text`` (loads the model)."""
        return self._tokenizing().token_spans(text)


def deferred_embedder(
    spec: str,
    *,
    native_dim: int,
    dim: int,
    max_length: int,
    device: str | None = None,
    on_load: Callable[[], None] | None = None,
) -> Embedder:
    """The embedder of the local model ``spec`` as a base records it, loaded when first used.

    ``spec``: ``bundled``, a hub id or a folder. The model loads only when a text must be
    encoded, small requests of a BERT on the CPU in fp32 by the NumPy engine (module doc).

    ``on_load`` runs just before the torch model loads (the command line quiets libraries).

    Raises:
        ModelLoadError: the model's folder cannot be found.
        SettingsError: a setting holds an unusable value.
    """
    from semsearch.encoding.engines import (
        EngineRequest,
        numpy_engine_runs,
        open_engine,
        read_model_files,
    )
    from semsearch.encoding.model_source import locate

    env = Settings.from_env()
    location = locate(spec)
    files = read_model_files(location.folder)
    device = parse_device(device) if device else env.device or default_device()
    dtype = env.dtype or default_dtype(device, files.saved_dtype)

    def open_now() -> Engine:
        if on_load is not None:
            on_load()
        return open_engine(EngineRequest(spec, device=device, dtype=dtype)).engine

    def open_quick() -> Engine:
        return open_engine(EngineRequest(spec, kind="numpy", device=device, dtype=dtype)).engine

    quick = (device, dtype) == ("cpu", "fp32") and numpy_engine_runs(location.folder)
    engine = DeferredEngine(
        open_now, name=location.name, native_dim=native_dim, model_max_length=max_length,
        device=device, dtype=dtype, quick=open_quick if quick else None,
    )  # fmt: skip
    report = LoadReport(spec, location.name, str(location.folder), location.how, 0.0)
    prompting = Prompting(files.default_task, files.query_prefix, files.document_prefix)
    return Embedder(
        engine, name=location.name, prompting=prompting, dim=dim, max_length=max_length,
        report=report,
    )  # fmt: skip
