"""Open an engine by kind: one table, as stores have :func:`~semsearch.retrieval.stores.open_store`.

:data:`ENGINES` maps a kind to the function that opens it: ``local`` (a transformers model
in this process, from the bundled package, a folder or the Hugging Face hub), ``numpy``
(a BERT encoder such as the bundled model, run in NumPy without torch: the command line's
quick path) and ``remote`` (a server behind an OpenAI-compatible ``/v1/embeddings``).
:func:`open_engine` picks the kind an :class:`EngineRequest` names (else ``remote`` when it
names a server's URL, else ``local``) and returns the engine with what the embedder needs
besides it: the model's name, how its inputs are written
(:class:`~semsearch.encoding.embedder.Prompting`) and where it came from. A new engine is one
function and one line in :data:`ENGINES`; the contract suite
(``tests/test_engine_contract.py``) proves it.

What it does not do: choose a model (``auto`` and its fallback are
:func:`semsearch.encoding.loading.load_embedder`'s) or read the environment. Heavy
libraries (torch, transformers, httpx2) are imported by the opener that needs them.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from semsearch.encoding.embedder import Prompting
from semsearch.encoding.engine import Engine
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.errors import InvalidArgumentError, ModelLoadError
from semsearch.settings import Instruct, RemoteSettings

if TYPE_CHECKING:  # imported by the openers that need them: torch is heavy
    from semsearch.encoding.engines.local import TransformerRuntime
    from semsearch.encoding.engines.numpy_bert import NumpyBertRuntime
    from semsearch.encoding.model_source import ModelLocation

_INSTRUCTION_NAMES = ("qwen3-embedding",)
"""Served-name fragments of models trained with the query instruction (lower case)."""


@dataclass(frozen=True)
class EngineRequest:
    """Which model to open, and where it runs; each opener reads the fields it needs."""

    model: str
    """``bundled``, a Hugging Face id or a folder (local); the served name or ``auto``
    (remote: the server's only model)."""
    url: str | None = None
    """An embedding server's base URL ending in ``/v1``; ``None``: the model runs here."""
    kind: str | None = None
    """A key of :data:`ENGINES` (``local``, ``numpy``, ``remote``); ``None``: ``remote``
    with a :attr:`url`, else ``local``."""
    device: str = "cpu"
    """Local: ``cpu``, ``cuda``, ``cuda:1``..."""
    dtype: str | None = None
    """Local: ``bf16``, ``fp16``, ``fp32``; ``None``: the model's reference precision."""
    api_key: str | None = None
    """Remote: sent as a Bearer token; ``None``: :attr:`remote`'s, if any."""
    remote: RemoteSettings | None = None
    """Remote: batching, concurrency, timeout, instruction choice; ``None``: the defaults."""
    expected_dim: int | None = None
    """Remote: the native size the served model must have (a saved base's); ``None``: any."""


@dataclass(frozen=True)
class OpenedEngine:
    """An engine ready to encode, and what the embedder built on it needs to know."""

    engine: Engine
    name: str
    """The model's name (hub id, folder name, or the name the server serves)."""
    prompting: Prompting
    """How the model wants queries and documents written."""
    folder: str
    """Where the model came from: its folder, or the server's base URL."""
    how: str
    """``bundled``, ``local folder``, ``hub cache``, ``downloaded`` or ``remote``."""
    seconds: float
    """How long opening took."""


Opener = Callable[[EngineRequest], OpenedEngine]


def check_device(device: str, model: str) -> None:
    """A ModelLoadError for ``model`` when ``device`` is a GPU that PyTorch does not see."""
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise ModelLoadError(model, f"device {device!r} asked for, but PyTorch sees no GPU")


def open_local(request: EngineRequest) -> OpenedEngine:
    """A transformers model in this process (:class:`~.tokens.TokenEngine` over the runtime).

    Raises:
        ModelLoadError: the model cannot be found or loaded, or ``cuda`` is asked for and
            PyTorch sees no GPU.
    """
    from semsearch.encoding.engines.local import TransformerRuntime
    from semsearch.encoding.model_source import locate

    started = time.perf_counter()
    check_device(request.device, request.model)
    location = locate(request.model)
    runtime = TransformerRuntime.load(location.folder, device=request.device, dtype=request.dtype)
    return _in_process(runtime, location, started)


def open_numpy(request: EngineRequest) -> OpenedEngine:
    """A BERT encoder run in NumPy on the CPU in fp32, without torch (:mod:`.numpy_bert`).

    Raises:
        ModelLoadError: the model cannot be found, is not a BERT this engine runs, or the
            request asks for a GPU or a precision other than fp32.
    """
    from semsearch.encoding.engines.numpy_bert import NumpyBertRuntime
    from semsearch.encoding.model_source import locate

    started = time.perf_counter()
    if request.device != "cpu" or request.dtype not in (None, "fp32", "float32"):
        raise ModelLoadError(
            request.model,
            f"the NumPy engine runs on the CPU in fp32, not on {request.device} in "
            f"{request.dtype}; use the local engine",
        )
    location = locate(request.model)
    return _in_process(NumpyBertRuntime.load(location.folder), location, started)


def _in_process(
    runtime: NumpyBertRuntime | TransformerRuntime, location: ModelLocation, started: float
) -> OpenedEngine:
    """A runtime loaded in this process as an opened engine, its prompts from its files."""
    from semsearch.encoding.engines.tokens import TokenEngine

    files = runtime.files
    return OpenedEngine(
        engine=TokenEngine(runtime, name=location.name),
        name=location.name,
        prompting=Prompting(files.default_task, files.query_prefix, files.document_prefix),
        folder=str(location.folder),
        how=location.how,
        seconds=time.perf_counter() - started,
    )


def open_remote(request: EngineRequest) -> OpenedEngine:
    """A model served at :attr:`EngineRequest.url`, checked and probed before it is returned.

    Raises:
        EmbeddingServerError: a subclass naming the cause (unreachable, unknown model,
            refused key, malformed answers, another dimension than ``expected_dim``).
        InvalidArgumentError: no URL, or one that is not an http(s) base ending in ``/v1``.
    """
    from semsearch.encoding.engines.remote import RemoteEngine, RemoteOptions

    if not request.url:
        raise InvalidArgumentError(
            f"The remote engine needs the embedding server's URL to serve {request.model!r}, "
            "e.g. http://localhost:8000/v1 (SEMSEARCH_EMBED_URL or embed_url=)."
        )
    remote = request.remote or RemoteSettings()
    started = time.perf_counter()
    engine = RemoteEngine.connect(
        request.url,
        request.model,
        api_key=request.api_key or remote.api_key,
        options=RemoteOptions(
            batch_size=remote.batch_size, concurrency=remote.concurrency, timeout=remote.timeout
        ),
        expected_dim=request.expected_dim,
    )
    return OpenedEngine(
        engine=engine,
        name=engine.name,
        prompting=remote_prompting(engine.name, remote.instruct),
        folder=engine.url,
        how="remote",
        seconds=time.perf_counter() - started,
    )


ENGINES: dict[str, Opener] = {"local": open_local, "numpy": open_numpy, "remote": open_remote}
"""Every kind of engine :func:`open_engine` can open, by the name a request gives."""


def engine_kind(request: EngineRequest) -> str:
    """The key of :data:`ENGINES` that opens ``request``."""
    if request.kind is not None:
        return request.kind
    return "remote" if request.url else "local"


def open_engine(request: EngineRequest) -> OpenedEngine:
    """Open the engine ``request`` names (:func:`engine_kind`) with its :data:`ENGINES` entry.

    Raises:
        InvalidArgumentError: a kind that is not in :data:`ENGINES`.
        ModelLoadError: a local model cannot be loaded.
        EmbeddingServerError: a server cannot serve the model (a subclass says why).
    """
    kind = engine_kind(request)
    opener = ENGINES.get(kind)
    if opener is None:
        raise InvalidArgumentError(
            f"No engine of kind {kind!r}; the kinds are {', '.join(sorted(ENGINES))}."
        )
    return opener(request)


# -- how a remote model's inputs are written ------------------------------------------------


def _local_files(model: str) -> Path | None:
    """The model's folder when ``model`` is one, or is in the hub cache; never downloads."""
    path = Path(model).expanduser()
    if path.is_dir():
        return path
    if model.count("/") != 1 or model.startswith((".", "/", "~")):
        return None
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        return Path(snapshot_download(model, allow_patterns=["*.json"], local_files_only=True))
    except (LocalEntryNotFoundError, ValueError, OSError):
        return None


def remote_prompting(model: str, instruct: Instruct = "auto") -> Prompting:
    """How queries and documents for the served ``model`` must be written.

    The server computes vectors; this side still decides how texts are written, because
    the OpenAI ``/v1/embeddings`` route takes bare strings and no server adds Qwen3's
    query instruction by itself.

    ``on``: the Qwen3 instruction with the default task (or the task its files state);
    ``off``: bare texts. ``auto``: what the model's files say when ``model`` is a local folder
    or a cached hub id (the prompts in ``config_sentence_transformers.json``; nothing is
    downloaded), else the instruction when the name contains ``qwen3-embedding`` (as
    ``Qwen/Qwen3-Embedding-4B`` and Ollama's ``qwen3-embedding`` do), else bare texts.
    """
    if instruct == "off":
        return Prompting()
    folder = _local_files(model)
    if folder is not None and (folder / "config.json").is_file():
        from semsearch.encoding.engines.model_files import read_model_files

        files = read_model_files(folder)
        task = files.default_task or (DEFAULT_TASK if instruct == "on" else None)
        prefix = "" if task is not None else files.query_prefix
        return Prompting(task, prefix, files.document_prefix)
    named = any(fragment in model.lower() for fragment in _INSTRUCTION_NAMES)
    return Prompting(DEFAULT_TASK) if instruct == "on" or named else Prompting()
