"""Load an embedder whose model runs on an embedding server (``SEMSEARCH_EMBED_URL``).

The server computes vectors; this side still decides how texts are written, because the
OpenAI ``/v1/embeddings`` route takes bare strings and no server adds Qwen3's query
instruction by itself. :func:`remote_prompting` decides it from the model's own files when
the served name is a local folder or already in the Hugging Face cache (nothing is
downloaded), else from the name, unless ``SEMSEARCH_EMBED_INSTRUCT`` says ``on`` or ``off``.
"""

from __future__ import annotations

import time
from pathlib import Path

from semsearch.encoding.embedder import Embedder, Prompting
from semsearch.encoding.prompts import DEFAULT_TASK
from semsearch.settings import Instruct, RemoteSettings, parse_embed_url

_INSTRUCTION_NAMES = ("qwen3-embedding",)
"""Served-name fragments of models trained with the query instruction (lower case)."""


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

    ``on``: the Qwen3 instruction with the default task (or the task its files state);
    ``off``: bare texts. ``auto``: what the model's files say when ``model`` is a local folder
    or a cached hub id (the prompts in ``config_sentence_transformers.json``), else the
    instruction when the name contains ``qwen3-embedding`` (as ``Qwen/Qwen3-Embedding-4B``
    and Ollama's ``qwen3-embedding`` do), else bare texts.
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
    from semsearch.encoding.engines.remote import RemoteEngine, RemoteOptions
    from semsearch.encoding.loading import LoadReport
    from semsearch.settings import Settings

    env = Settings.from_env()
    remote = settings or env.embed
    started = time.perf_counter()
    engine = RemoteEngine.connect(
        parse_embed_url(url),
        model,
        api_key=api_key or remote.api_key,
        options=RemoteOptions(
            batch_size=remote.batch_size, concurrency=remote.concurrency, timeout=remote.timeout
        ),
        expected_dim=expected_dim,
    )
    report = LoadReport(
        requested=model,
        name=engine.name,
        folder=engine.url,
        how="remote",
        seconds=time.perf_counter() - started,
    )
    return Embedder(
        engine,
        name=engine.name,
        prompting=remote_prompting(engine.name, remote.instruct),
        dim=dim,
        max_length=max_length or env.max_length,
        report=report,
    )
