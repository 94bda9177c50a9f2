"""Load an embedder by name: ``auto``, ``bundled``, a Hugging Face id or a local folder.

Only ``auto`` falls back: when its Qwen3 model cannot be loaded (offline, not cached, too
little memory) the bundled all-MiniLM-L6-v2 is loaded instead and the report says why and
how to get Qwen3. A model named explicitly either loads or raises :class:`ModelLoadError`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from semsearch.encoding.embedder import Embedder, Prompting
from semsearch.encoding.model_source import AUTO, BUNDLED, auto_model, locate
from semsearch.errors import ModelLoadError
from semsearch.settings import Settings, parse_device, parse_dtype

_BUNDLED_DIM = 384


@dataclass(frozen=True)
class LoadReport:
    """How the embedder in use came to be: shown in the sidebar and by the CLI."""

    requested: str
    """What was asked for: ``auto``, ``bundled``, an id or a folder."""
    name: str
    folder: str
    how: str
    """``bundled``, ``local folder``, ``hub cache``, ``downloaded`` or ``remote`` (then
    :attr:`folder` is the server's base URL)."""
    seconds: float
    fallback_reason: str | None = None
    """Set when ``auto`` fell back to the bundled model: the Qwen3 error, for the notice."""
    fallback_from: str | None = None
    """The model ``auto`` meant when it fell back (e.g. ``Qwen/Qwen3-Embedding-0.6B``)."""
    fallback_code: str | None = None
    """Why it fell back, as :attr:`semsearch.errors.ModelLoadError.reason` says it."""


def _load_exact(
    spec: str,
    *,
    requested: str,
    device: str,
    dtype: str | None,
    dim: int | None,
    max_length: int,
    fallback_reason: str | None = None,
    fallback_from: str | None = None,
    fallback_code: str | None = None,
) -> Embedder:
    from semsearch.encoding.engines.local import TransformerRuntime
    from semsearch.encoding.engines.tokens import TokenEngine

    started = time.perf_counter()
    location = locate(spec)
    runtime = TransformerRuntime.load(location.folder, device=device, dtype=dtype)
    engine = TokenEngine(runtime, name=location.name)
    report = LoadReport(
        requested=requested,
        name=location.name,
        folder=str(location.folder),
        how=location.how,
        seconds=time.perf_counter() - started,
        fallback_reason=fallback_reason,
        fallback_from=fallback_from,
        fallback_code=fallback_code,
    )
    files = runtime.files
    prompting = Prompting(files.default_task, files.query_prefix, files.document_prefix)
    return Embedder(
        engine,
        name=location.name,
        prompting=prompting,
        dim=dim,
        max_length=max_length,
        report=report,
    )


def load_embedder(
    model: str = AUTO,
    *,
    device: str | None = None,
    dtype: str | None = None,
    dim: int | None = None,
    max_length: int | None = None,
    embed_url: str | None = None,
) -> Embedder:
    """Load a model and return its :class:`Embedder` (``.report`` says what was loaded).

    With an embedding server (``embed_url`` or ``SEMSEARCH_EMBED_URL``) the model is the
    name the server serves (``auto``: its only model), ``device`` and ``dtype`` are the
    server's affair, and :func:`~semsearch.encoding.remote_loading.load_remote_embedder`
    does the loading.

    Args:
        model: ``auto`` (Qwen3-Embedding-4B with CUDA, 0.6B without, else the bundled
            model), ``bundled`` (all-MiniLM-L6-v2, offline), a Hugging Face id, or a folder.
        device: ``cpu``, ``cuda``...; ``None``: ``SEMSEARCH_DEVICE`` or CUDA when available.
        dtype: ``bf16``, ``fp16`` or ``fp32``; ``None``: ``SEMSEARCH_DTYPE``, else the
            precision of the model's reference scores: fp32 on a CPU (sentence-transformers'
            scores to 4 decimals), bf16 on CUDA for a model saved in bf16 such as Qwen3
            (see :func:`~semsearch.encoding.engines.local.default_dtype`).
        dim: output dimension (Matryoshka truncation); ``None``: the model's own. When
            ``auto`` falls back, a ``dim`` above the bundled model's 384 is dropped.
        max_length: token cap per text; ``None``: ``SEMSEARCH_MAX_LENGTH`` or 512.
        embed_url: an OpenAI-compatible base URL ending in ``/v1``; ``None``:
            ``SEMSEARCH_EMBED_URL``, and when that is unset too, the model runs here.

    Raises:
        ModelLoadError: the model (for ``auto``: even the bundled one) cannot be loaded.
        EmbeddingServerError: the embedding server cannot serve the model (a subclass says
            why).
        SettingsError: an argument or environment variable holds an unusable value.
    """
    env = Settings.from_env()
    url = embed_url or env.embed.url
    if url:
        from semsearch.encoding.remote_loading import load_remote_embedder

        return load_remote_embedder(url, model, dim=dim, max_length=max_length)

    from semsearch.encoding.engines.local import default_device

    device = parse_device(device) if device else env.device or default_device()
    if device.startswith("cuda"):
        import torch

        if not torch.cuda.is_available():
            raise ModelLoadError(
                str(model), f"device {device!r} asked for, but PyTorch sees no GPU"
            )
    # None: the runtime picks the model's reference precision once it has read its files.
    dtype = parse_dtype(dtype) if dtype else env.dtype
    length = max_length or env.max_length
    if model != AUTO:
        return _load_exact(
            model, requested=model, device=device, dtype=dtype, dim=dim, max_length=length
        )
    preferred = auto_model(device)
    try:
        return _load_exact(
            preferred, requested=AUTO, device=device, dtype=dtype, dim=dim, max_length=length
        )
    except ModelLoadError as error:
        reason, code = f"{preferred} could not be loaded: {error.cause}", error.reason
    except (RuntimeError, MemoryError) as error:  # e.g. out of memory while moving weights
        reason = f"{preferred} could not be loaded: {type(error).__name__}: {error}"
        memory = isinstance(error, MemoryError) or "out of memory" in str(error).lower()
        code = "memory" if memory else "error"
    # The fallback keeps a requested dimension only where the small model has it.
    fallback_dim = dim if dim is not None and dim <= _BUNDLED_DIM else None
    return _load_exact(
        BUNDLED,
        requested=AUTO,
        device=device,
        dtype=dtype,
        dim=fallback_dim,
        max_length=length,
        fallback_reason=reason,
        fallback_from=preferred,
        fallback_code=code,
    )
