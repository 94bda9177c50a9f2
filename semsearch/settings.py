"""Settings read from the environment, validated once, with messages that name the variable.

``SEMSEARCH_MODEL``      a Hugging Face id, a local folder, ``bundled`` or ``auto`` (default)
``SEMSEARCH_DEVICE``     ``cpu``, ``cuda``, ``cuda:1``...; default: CUDA when available
``SEMSEARCH_DTYPE``      ``bf16``, ``fp16`` or ``fp32``; default: the model's reference precision,
                         fp32 on a CPU (sentence-transformers' scores exactly), bf16 on CUDA
                         for a model saved in bf16 (Qwen3); bf16 on a CPU is faster, inexact
``SEMSEARCH_MAX_LENGTH`` token cap per text, default 512
``SEMSEARCH_STORE``      where saved bases live: ``sqlite`` (default: the data folder),
                         ``sqlite:/folder``, ``milvus:PATH.db`` (Milvus Lite) or
                         ``milvus:http://HOST:19530`` (a Milvus server or cluster)
``SEMSEARCH_STORE_TOKEN`` the Milvus server's token (``user:password`` or an API key), if any
``SEMSEARCH_CACHE_MAX``  most disk the vector cache may use in the data folder: ``2GB``
                         (default), ``500MB``, a number of bytes, or ``0``/``off`` for none
``SEMSEARCH_API_KEY``    the key ``semsearch serve`` asks of every request (``Authorization:
                         Bearer KEY``); unset: none asked, and ``--server`` sends it if set
``SEMSEARCH_SERVER``     a running ``semsearch serve`` (``http://host:8000``) that ``search``,
                         ``ask`` and ``eval`` send their work to instead of loading a model
``SEMSEARCH_CORS_ORIGINS`` comma-separated web origins ``semsearch serve`` lets browsers call
                         it from (``https://app.example.com``); unset: none (CORS off)

An embedding server instead of a model in this process (see :class:`RemoteSettings`):

``SEMSEARCH_EMBED_URL``          OpenAI-compatible base URL ending in ``/v1``; unset: local
``SEMSEARCH_EMBED_API_KEY``      sent as a Bearer token, if the server wants one
``SEMSEARCH_EMBED_BATCH``        texts per request, default 64
``SEMSEARCH_EMBED_CONCURRENCY``  requests in flight at once, default 4
``SEMSEARCH_EMBED_TIMEOUT``      seconds per request step before a retry, default 60
``SEMSEARCH_EMBED_INSTRUCT``     ``auto`` (default), ``on`` or ``off``: whether queries carry
                                 the Qwen3 instruction (``auto``: from the model's files or name)

A page serving a class (see :class:`PageLimits`):

``SEMSEARCH_CLASSROOM``      ``1``: saved bases are read-only from the page, the vector cache
                             cannot be cleared there, the model box takes only the listed
                             models, and the limits below default to a classroom's
``SEMSEARCH_MAX_PASSAGES``   passages one page session may search at once
``SEMSEARCH_MAX_CHARACTERS`` characters of text (typed and uploaded) one session may search
``SEMSEARCH_MAX_TOKEN_CAP``  the highest token cap the page's box offers
``SEMSEARCH_MAX_PROJECTED``  points the map views project at most

Explicit arguments (the API's, the CLI's flags, the page's widgets) win over these.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from semsearch.errors import SettingsError

DTYPE_NAMES = {"bf16": "bf16", "bfloat16": "bf16", "fp16": "fp16", "float16": "fp16",
               "fp32": "fp32", "float32": "fp32"}  # fmt: skip


def parse_dtype(value: str, source: str = "dtype") -> str:
    """Canonical dtype name (``bf16``/``fp16``/``fp32``) for ``value``, or a SettingsError."""
    name = DTYPE_NAMES.get(value.strip().lower())
    if name is None:
        raise SettingsError(f"{source}={value!r} is not a dtype: use bf16, fp16 or fp32.")
    return name


def expand_folder(value: str | Path, source: str = "folder") -> Path:
    """``value`` with ``~`` expanded, or a SettingsError naming ``source`` when it cannot be.

    ``~nosuchuser/x`` (no such user) and a NUL in the name raise deep in ``pathlib``; here
    they become a message with the value and the fix. Whether the folder exists or can be
    written is left to its user (a read-only folder is a valid choice).
    """
    try:
        if "\x00" in str(value):
            raise ValueError("embedded null character")
        path = Path(value).expanduser()
        path.exists()  # raises for a name too long for this system
    except (RuntimeError, ValueError, OSError) as error:
        raise SettingsError(
            f"{source}={str(value)!r} is not a usable folder ({error}): give an existing "
            "user's home (~/x) or a full path."
        ) from None
    return path


_DEVICE = re.compile(r"(cpu|mps|(cuda|xpu)(:\d{1,2})?)")


def parse_device(value: str, source: str = "device") -> str:
    """``value`` lower-cased when it is a device a model can compute on, else a SettingsError.

    ``cpu``, ``cuda``, ``cuda:1``, ``mps``, ``xpu``. Not ``meta`` (PyTorch's shape-only
    device: it "loads" and then fails on the first score) nor ``disk`` or typos.
    """
    name = value.strip().lower()
    if not _DEVICE.fullmatch(name):
        raise SettingsError(
            f"{source}={value!r} is not a device: use cpu, cuda, cuda:1 (a GPU's number) or mps."
        )
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
    embed: RemoteSettings = field(default_factory=lambda: RemoteSettings())
    """Where an embedding server is, if one is used (``embed.url``)."""
    cache_max: int = 2 * 1024**3
    """Bytes the vector cache may take on disk; 0: no disk cache."""
    classroom: bool = False
    """``SEMSEARCH_CLASSROOM=1``: the page protects what the class shares (module doc)."""
    limits: PageLimits = field(default_factory=lambda: PageLimits())
    """What one page session may ask of the server."""
    api_key: str | None = None
    """The bearer key of ``semsearch serve`` (asked by the server, sent by ``--server``)."""
    server: str | None = None
    """A running ``semsearch serve``'s root URL, for ``--server``; ``None``: work locally."""
    cors_origins: tuple[str, ...] = ()
    """Web origins ``semsearch serve`` allows cross-origin calls from; empty: CORS off."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check the ``SEMSEARCH_*`` variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        model = env.get("SEMSEARCH_MODEL", "").strip() or "auto"
        device_text = env.get("SEMSEARCH_DEVICE", "").strip()
        device = parse_device(device_text, "SEMSEARCH_DEVICE") if device_text else None
        dtype_text = env.get("SEMSEARCH_DTYPE", "").strip()
        dtype = parse_dtype(dtype_text, "SEMSEARCH_DTYPE") if dtype_text else None
        length_text = env.get("SEMSEARCH_MAX_LENGTH", "").strip()
        max_length = _parse_max_length(length_text) if length_text else 512
        store = env.get("SEMSEARCH_STORE", "").strip() or "sqlite"
        parse_store(store, "SEMSEARCH_STORE")
        token = env.get("SEMSEARCH_STORE_TOKEN", "").strip() or None
        data_text = env.get("SEMSEARCH_DATA_DIR", "").strip()
        if data_text:  # checked here so that the page says so at start-up, not mid-save
            expand_folder(data_text, "SEMSEARCH_DATA_DIR")
        classroom = _parse_switch(env, "SEMSEARCH_CLASSROOM")
        return cls(
            model=model,
            device=device,
            dtype=dtype,
            max_length=max_length,
            store=store,
            store_token=token,
            embed=RemoteSettings.from_env(env),
            cache_max=parse_size(env.get("SEMSEARCH_CACHE_MAX", ""), "SEMSEARCH_CACHE_MAX"),
            classroom=classroom,
            limits=PageLimits.from_env(env, classroom=classroom),
            api_key=env.get("SEMSEARCH_API_KEY", "").strip() or None,
            server=_optional_server(env.get("SEMSEARCH_SERVER", "")),
            cors_origins=tuple(
                o.strip() for o in env.get("SEMSEARCH_CORS_ORIGINS", "").split(",") if o.strip()
            ),
        )


def _parse_switch(env: Mapping[str, str], name: str) -> bool:
    text = env.get(name, "").strip().lower()
    if text in ("", "0", "off", "no", "false"):
        return False
    if text in ("1", "on", "yes", "true"):
        return True
    raise SettingsError(f"{name}={text!r} must be 1 (on) or 0 (off).")


@dataclass(frozen=True)
class PageLimits:
    """What one page session may ask of the shared server; each refusal keeps the text.

    The defaults let one person work with a book-sized knowledge base; a classroom's
    (``SEMSEARCH_CLASSROOM=1``) keep thirty people on one server responsive. The CLI and
    the Python API have no such limits: they run for their own user.
    """

    max_passages: int = 50_000
    max_characters: int = 20_000_000
    max_token_cap: int = 8192
    max_projected: int = 20_000

    @classmethod
    def classroom_defaults(cls) -> PageLimits:
        """The defaults under ``SEMSEARCH_CLASSROOM=1``."""
        return cls(max_passages=5_000, max_characters=2_000_000, max_token_cap=1024,
                   max_projected=5_000)  # fmt: skip

    @classmethod
    def from_env(cls, env: Mapping[str, str], *, classroom: bool = False) -> PageLimits:
        """Read ``SEMSEARCH_MAX_*`` (see the module docstring) over the mode's defaults."""
        base = cls.classroom_defaults() if classroom else cls()
        return cls(
            max_passages=_parse_count(env, "SEMSEARCH_MAX_PASSAGES", base.max_passages),
            max_characters=_parse_count(env, "SEMSEARCH_MAX_CHARACTERS", base.max_characters),
            max_token_cap=max(8, _parse_count(env, "SEMSEARCH_MAX_TOKEN_CAP", base.max_token_cap)),
            max_projected=_parse_count(env, "SEMSEARCH_MAX_PROJECTED", base.max_projected),
        )


def _optional_server(value: str) -> str | None:
    text = value.strip()
    return parse_server_url(text, "SEMSEARCH_SERVER") if text else None


def parse_server_url(value: str, source: str = "--server") -> str:
    """A ``semsearch serve`` root URL without trailing slashes (or ``/v1``), or a SettingsError."""
    cleaned = value.strip().rstrip("/").removesuffix("/v1")
    if not cleaned.startswith(("http://", "https://")) or cleaned in ("http:", "https:"):
        raise SettingsError(
            f"{source}={value!r} must be the http(s) URL of a running `semsearch serve`, "
            "e.g. http://127.0.0.1:8000."
        )
    return cleaned


_SIZE_UNITS = {"": 1, "b": 1, "kb": 1024, "k": 1024, "mb": 1024**2, "m": 1024**2,
               "gb": 1024**3, "g": 1024**3, "tb": 1024**4, "t": 1024**4}  # fmt: skip
DEFAULT_CACHE_MAX = 2 * 1024**3


def parse_size(value: str, source: str = "size") -> int:
    """Bytes for ``2GB``, ``500 MB``, ``1.5g``, ``1048576``; ``0``/``off``: 0; blank: the default.

    Units are binary (1 GB = 1024³ bytes), as file managers that say "GiB" count.
    """
    text = value.strip().lower().replace(" ", "")
    if not text:
        return DEFAULT_CACHE_MAX
    if text in ("off", "none", "no"):
        return 0
    number = text.rstrip("kmgtb")
    unit = text[len(number) :]
    try:
        size = float(number)
    except ValueError:
        size = -1.0
    if unit not in _SIZE_UNITS or not 0 <= size < float("inf"):
        raise SettingsError(f"{source}={value!r} is not a size: write e.g. 2GB, 500MB or 0 (off).")
    return int(size * _SIZE_UNITS[unit])


Instruct = Literal["auto", "on", "off"]


def _parse_count(env: Mapping[str, str], name: str, default: int) -> int:
    text = env.get(name, "").strip()
    if not text:
        return default
    if not text.isdigit() or int(text) < 1:
        raise SettingsError(
            f"{name}={text!r} must be a whole number, at least 1 (default {default})."
        )
    return int(text)


def _parse_seconds(env: Mapping[str, str], name: str, default: float) -> float:
    text = env.get(name, "").strip()
    if not text:
        return default
    try:
        seconds = float(text)
    except ValueError:
        seconds = 0.0
    if not seconds > 0 or seconds == float("inf"):
        raise SettingsError(
            f"{name}={text!r} must be a number of seconds above 0 (default {default:g})."
        )
    return seconds


@dataclass(frozen=True)
class RemoteSettings:
    """How to reach an embedding server (``SEMSEARCH_EMBED_*``); ``url=None``: none is used."""

    url: str | None = None
    api_key: str | None = None
    batch_size: int = 64
    concurrency: int = 4
    timeout: float = 60.0
    instruct: Instruct = "auto"

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RemoteSettings:
        """Read and check the ``SEMSEARCH_EMBED_*`` variables (see the module docstring)."""
        env = os.environ if environ is None else environ
        url = env.get("SEMSEARCH_EMBED_URL", "").strip() or None
        if url is not None:
            url = parse_embed_url(url, "SEMSEARCH_EMBED_URL")
        instruct = env.get("SEMSEARCH_EMBED_INSTRUCT", "").strip().lower() or "auto"
        if instruct not in ("auto", "on", "off"):
            raise SettingsError(
                f"SEMSEARCH_EMBED_INSTRUCT={instruct!r} must be auto, on or off: whether "
                "queries carry the Qwen3 instruction (auto: from the model's files or name)."
            )
        return cls(
            url=url,
            api_key=env.get("SEMSEARCH_EMBED_API_KEY", "").strip() or None,
            batch_size=_parse_count(env, "SEMSEARCH_EMBED_BATCH", 64),
            concurrency=_parse_count(env, "SEMSEARCH_EMBED_CONCURRENCY", 4),
            timeout=_parse_seconds(env, "SEMSEARCH_EMBED_TIMEOUT", 60.0),
            instruct=instruct,  # type: ignore[arg-type]
        )


def parse_embed_url(value: str, source: str = "embed_url") -> str:
    """``value`` as an embedding server's base URL (no trailing slash), or a SettingsError."""
    from semsearch.encoding.engines import base_url
    from semsearch.errors import InvalidArgumentError

    try:
        return base_url(value)
    except InvalidArgumentError:
        raise SettingsError(
            f"{source}={value!r} must be an http(s) base URL ending in /v1 (the OpenAI-"
            "compatible root), e.g. http://localhost:8000/v1 for vLLM or "
            "http://localhost:11434/v1 for Ollama."
        ) from None


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
