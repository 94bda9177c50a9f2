"""Settings read from the environment, validated once, with messages that name the variable.

``SEMSEARCH_MODEL``      a Hugging Face id, a local folder, ``bundled`` or ``auto`` (default)
``SEMSEARCH_DEVICE``     ``cpu``, ``cuda``, ``cuda:1``...; default: CUDA when available
``SEMSEARCH_DTYPE``      ``bf16``, ``fp16`` or ``fp32``; default: bf16 on CUDA and on CPUs with
                         bf16 instructions, fp32 on other CPUs
``SEMSEARCH_MAX_LENGTH`` token cap per text, default 512
``SEMSEARCH_STORE``      where saved bases live: ``sqlite`` (default: the data folder),
                         ``sqlite:/folder``, ``milvus:PATH.db`` (Milvus Lite) or
                         ``milvus:http://HOST:19530`` (a Milvus server or cluster)
``SEMSEARCH_STORE_TOKEN`` the Milvus server's token (``user:password`` or an API key), if any

Explicit arguments (the API's, the CLI's flags, the page's widgets) win over these.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from semsearch.errors import SettingsError

DTYPE_NAMES = {"bf16": "bf16", "bfloat16": "bf16", "fp16": "fp16", "float16": "fp16",
               "fp32": "fp32", "float32": "fp32"}  # fmt: skip


def parse_dtype(value: str, source: str = "dtype") -> str:
    """Canonical dtype name (``bf16``/``fp16``/``fp32``) for ``value``, or a SettingsError."""
    name = DTYPE_NAMES.get(value.strip().lower())
    if name is None:
        raise SettingsError(f"{source}={value!r} is not a dtype: use bf16, fp16 or fp32.")
    return name


def _parse_max_length(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 8:
        raise SettingsError(
            f"SEMSEARCH_MAX_LENGTH={value!r} must be a whole number of tokens, at least 8."
        )
    return number


@dataclass(frozen=True)
class Settings:
    """The environment's choices; ``None`` means "decide from the hardware"."""

    model: str = "auto"
    device: str | None = None
    dtype: str | None = None
    max_length: int = 512
    store: str = "sqlite"
    store_token: str | None = None

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check the ``SEMSEARCH_*`` variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        model = env.get("SEMSEARCH_MODEL", "").strip() or "auto"
        device = env.get("SEMSEARCH_DEVICE", "").strip() or None
        dtype_text = env.get("SEMSEARCH_DTYPE", "").strip()
        dtype = parse_dtype(dtype_text, "SEMSEARCH_DTYPE") if dtype_text else None
        length_text = env.get("SEMSEARCH_MAX_LENGTH", "").strip()
        max_length = _parse_max_length(length_text) if length_text else 512
        store = env.get("SEMSEARCH_STORE", "").strip() or "sqlite"
        parse_store(store, "SEMSEARCH_STORE")
        token = env.get("SEMSEARCH_STORE_TOKEN", "").strip() or None
        return cls(model=model, device=device, dtype=dtype, max_length=max_length,
                   store=store, store_token=token)  # fmt: skip


STORE_KINDS = ("sqlite", "milvus")


def parse_store(value: str, source: str = "--store") -> tuple[str, str]:
    """``(kind, target)`` of a store URI, or a SettingsError naming the forms allowed.

    ``("sqlite", "")``, ``("sqlite", folder)``, ``("milvus", "path.db")`` or
    ``("milvus", "http://host:19530")``.
    """
    kind, _, target = value.strip().partition(":")
    kind, target = kind.strip().lower(), target.strip()
    if kind == "sqlite":
        return kind, target
    if kind == "milvus" and target:
        remote = target.startswith(("http://", "https://", "tcp://", "grpc://"))
        if remote or target.endswith(".db"):
            return kind, target
    raise SettingsError(
        f"{source}={value!r} is not a store: use sqlite (the data folder), sqlite:/folder, "
        "milvus:/path/to/file.db (Milvus Lite) or milvus:http://host:19530 (a Milvus server)."
    )
