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

What it does not do: encode without the model (a cache miss loads it, once), or serve a
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
    once opened, checks that the model matches that promise.
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
    ) -> None:
        self._open = open_engine
        self._engine: Engine | None = None
        self._lock = threading.Lock()
        self._name = name
        self._native_dim = native_dim
        self._model_max_length = model_max_length
        self._device = device
        self._dtype = dtype

    @property
    def loaded(self) -> bool:
        """Whether the model has been loaded."""
        return self._engine is not None

    def engine(self) -> Engine:
        """The real engine, opened now if it is not yet.

        Raises:
            ModelLoadError: it cannot be loaded, or it is not the model promised.
        """
        with self._lock:
            if self._engine is None:
                engine = self._open()
                if (engine.native_dim, engine.dtype) != (self._native_dim, self._dtype):
                    raise ModelLoadError(
                        self._name,
                        f"it loaded with {engine.native_dim} dimensions in {engine.dtype}, "
                        f"not the {self._native_dim} in {self._dtype} its base records",
                    )
                self._engine = engine
            return self._engine

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
        """The loaded engine's notices; none before it loads."""
        return [] if self._engine is None else self._engine.notices

    def encode(
        self, texts: Sequence[str], *, max_length: int, dim: int | None = None
    ) -> Iterator[EncodedBatch]:
        """The real engine's :meth:`~semsearch.encoding.engine.Engine.encode` (loads it)."""
        return self.engine().encode(texts, max_length=max_length, dim=dim)

    def _tokenizing(self) -> Tokenizing:
        engine = self.engine()
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
    encoded (module doc).

    ``on_load`` runs just before the model loads (the command line quiets libraries).

    Raises:
        ModelLoadError: the model's folder cannot be found.
        SettingsError: a setting holds an unusable value.
    """
    from semsearch.encoding.engines import EngineRequest, open_engine, read_model_files
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

    engine = DeferredEngine(
        open_now, name=location.name, native_dim=native_dim, model_max_length=max_length,
        device=device, dtype=dtype,
    )  # fmt: skip
    report = LoadReport(spec, location.name, str(location.folder), location.how, 0.0)
    prompting = Prompting(files.default_task, files.query_prefix, files.document_prefix)
    return Embedder(
        engine, name=location.name, prompting=prompting, dim=dim, max_length=max_length,
        report=report,
    )  # fmt: skip
