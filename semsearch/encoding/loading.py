"""Load an embedder by name: ``auto``, ``bundled``, a Hugging Face id or a local folder.

Only ``auto`` falls back: when its Qwen3 model cannot be loaded (offline, not cached, too
little memory) the bundled all-MiniLM-L6-v2 is loaded instead and the report says why and
how to get Qwen3. A model named explicitly either loads or raises :class:`ModelLoadError`.

Which engine runs the model is :func:`~semsearch.encoding.engines.open_engine`'s table; this
module chooses the model and builds the :class:`Embedder` and its :class:`LoadReport`.
"""

from __future__ import annotations

from dataclasses import replace

from semsearch.encoding.embedder import Embedder
from semsearch.encoding.engines import (
    EngineRequest,
    OpenedEngine,
    check_device,
    open_engine,
)
from semsearch.encoding.load_report import LoadReport
from semsearch.encoding.model_source import AUTO, BUNDLED, auto_model
from semsearch.errors import ModelLoadError
from semsearch.settings import RemoteSettings, Settings, parse_device, parse_dtype, parse_embed_url

_BUNDLED_DIM = 384


def _embedder(
    opened: OpenedEngine,
    *,
    requested: str,
    dim: int | None,
    max_length: int,
    fallback_reason: str | None = None,
    fallback_from: str | None = None,
    fallback_code: str | None = None,
) -> Embedder:
    """The embedder over an opened engine, with the report of how it came to be."""
    report = LoadReport(
        requested=requested,
        name=opened.name,
        folder=opened.folder,
        how=opened.how,
        seconds=opened.seconds,
        fallback_reason=fallback_reason,
        fallback_from=fallback_from,
        fallback_code=fallback_code,
    )
    return Embedder(
        opened.engine,
        name=opened.name,
        prompting=opened.prompting,
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
    server's affair, and the remote engine runs it (as :func:`load_remote_embedder`).

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
    length = max_length or env.max_length
    url = embed_url or env.embed.url
    if url:
        remote = open_engine(EngineRequest(model, url=parse_embed_url(url), remote=env.embed))
        return _embedder(remote, requested=model, dim=dim, max_length=length)

    from semsearch.encoding.engines import default_device

    device = parse_device(device) if device else env.device or default_device()
    check_device(device, model)
    # None: the runtime picks the model's reference precision once it has read its files.
    request = EngineRequest(model, device=device, dtype=parse_dtype(dtype) if dtype else env.dtype)
    if model != AUTO:
        return _embedder(open_engine(request), requested=model, dim=dim, max_length=length)
    preferred = auto_model(device)
    try:
        opened = open_engine(replace(request, model=preferred))
        return _embedder(opened, requested=AUTO, dim=dim, max_length=length)
    except ModelLoadError as error:
        reason, code = f"{preferred} could not be loaded: {error.cause}", error.reason
    except (RuntimeError, MemoryError) as error:  # e.g. out of memory while moving weights
        reason = f"{preferred} could not be loaded: {type(error).__name__}: {error}"
        memory = isinstance(error, MemoryError) or "out of memory" in str(error).lower()
        code = "memory" if memory else "error"
    # The fallback keeps a requested dimension only where the small model has it.
    fallback_dim = dim if dim is not None and dim <= _BUNDLED_DIM else None
    return _embedder(
        open_engine(replace(request, model=BUNDLED)),
        requested=AUTO,
        dim=fallback_dim,
        max_length=length,
        fallback_reason=reason,
        fallback_from=preferred,
        fallback_code=code,
    )


def load_remote_embedder(
    url: str,
    model: str,
    *,
    api_key: str | None = None,
    dim: int | None = None,
    max_length: int | None = None,
    settings: RemoteSettings | None = None,
    expected_dim: int | None = None,
) -> Embedder:
    """An :class:`Embedder` whose vectors come from the server at ``url`` serving ``model``.

    The server computes vectors; this side still writes the texts (the query instruction:
    see :func:`~semsearch.encoding.engines.opening.remote_prompting`).

    Args:
        url: OpenAI-compatible base URL ending in ``/v1``.
        model: the served model's name; ``auto``: the server's only model.
        api_key: Bearer token; ``None``: ``SEMSEARCH_EMBED_API_KEY``, if set.
        dim: output dimension (the server is asked for it; see the remote engine).
        max_length: token cap per text; ``None``: ``SEMSEARCH_MAX_LENGTH`` or 512, and never
            above the server's own cap.
        settings: batching, concurrency, timeout and instruction choice; ``None``: the
            ``SEMSEARCH_EMBED_*`` variables.
        expected_dim: the native size the model must have (a saved base's); ``None``: any.

    Raises:
        EmbeddingServerError: a subclass naming the cause (unreachable, unknown model,
            refused key, malformed answers, another dimension than ``expected_dim``).
        SettingsError: an argument or environment variable holds an unusable value.
    """
    env = Settings.from_env()
    request = EngineRequest(
        model,
        url=parse_embed_url(url),
        api_key=api_key,
        remote=settings or env.embed,
        expected_dim=expected_dim,
    )
    opened = open_engine(request)
    return _embedder(opened, requested=model, dim=dim, max_length=max_length or env.max_length)
