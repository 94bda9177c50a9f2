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
``SEMSEARCH_DATA_DIR``   the data folder (cache, page memory, saved bases); default: the
                         platform's user data folder (:mod:`semsearch.data_folder`)
``SEMSEARCH_RERANKER``   the reranker model (an id or a folder); default: Qwen3-Reranker-0.6B
``SEMSEARCH_LOCK_WAIT``  seconds a write of a saved base waits for another writer of it
                         (the page, ``index``, ``serve``) before it is refused; default 5
``SEMSEARCH_TRASH_DAYS`` days a deleted base is kept for ``semsearch restore``; default 7,
                         ``0``: deleting is for good

Answers with citations (:mod:`semsearch.answers.generation`):

``SEMSEARCH_LLM``          the instruct model: an id or folder loaded here, or the model name
                           an endpoint serves; default: Qwen2.5-1.5B-Instruct on a GPU,
                           Qwen2.5-0.5B-Instruct on a CPU
``SEMSEARCH_LLM_BASE_URL`` an OpenAI-compatible chat endpoint instead of a model in this process
``SEMSEARCH_LLM_API_KEY``  sent to that endpoint as a Bearer token, if it wants one

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

Explicit arguments (the API's, the CLI's flags, the page's widgets) win over these. Only this
module reads the environment (a test checks that nothing else in the package or the page does).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any, Literal, TypeVar

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


T = TypeVar("T")


def variable(name: str, parse: Callable[[str, str], T], default: T) -> T:
    """A settings field read from the environment variable ``name``.

    ``parse(text, name)`` gets the variable's value without surrounding blanks (never
    empty: a blank or unset variable leaves ``default``) and returns the field's value, or
    raises a SettingsError naming ``name``, the value and the fix.
    """
    made: T = field(default=default, metadata={"variable": name, "parse": parse})
    return made


def _text(value: str, _name: str) -> str:
    return value


def _from_env(cls: type[T], environ: Mapping[str, str] | None) -> T:
    """``cls`` with each :func:`variable` field read and checked, in field order."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    for item in fields(cls):  # type: ignore[arg-type]
        if "group" in item.metadata:  # settings of their own (SEMSEARCH_EMBED_*, _MAX_*)
            read = item.metadata.get("read")
            group = item.metadata["group"]
            # ``values``: the fields read before this one (a group's defaults may follow them)
            values[item.name] = read(env, values) if read else group.from_env(env)
            continue
        name = item.metadata["variable"]
        text = env.get(name, "").strip()
        if text:
            values[item.name] = item.metadata["parse"](text, name)
    return cls(**values)


def _count(default: int) -> Callable[[str, str], int]:
    def parse(text: str, name: str) -> int:
        if not text.isdigit() or int(text) < 1:
            raise SettingsError(
                f"{name}={text!r} must be a whole number, at least 1 (default {default})."
            )
        return int(text)

    return parse


def _seconds(default: float) -> Callable[[str, str], float]:
    def parse(text: str, name: str) -> float:
        try:
            seconds = float(text)
        except ValueError:
            seconds = 0.0
        if not seconds > 0 or seconds == float("inf"):
            raise SettingsError(
                f"{name}={text!r} must be a number of seconds above 0 (default {default:g})."
            )
        return seconds

    return parse


def _seconds_from_zero(default: float) -> Callable[[str, str], float]:
    def parse(text: str, name: str) -> float:
        try:
            seconds = float(text)
        except ValueError:
            seconds = -1.0
        if not 0 <= seconds < float("inf"):
            raise SettingsError(
                f"{name}={text!r} must be a number of seconds, 0 or more (default {default:g})."
            )
        return seconds

    return parse


def _days(default: int) -> Callable[[str, str], int]:
    def parse(text: str, name: str) -> int:
        if not text.isdigit():
            raise SettingsError(
                f"{name}={text!r} must be a whole number of days, 0 or more (default {default})."
            )
        return int(text)

    return parse


def _instruct(text: str, name: str) -> Instruct:
    value = text.lower()
    if value not in ("auto", "on", "off"):
        raise SettingsError(
            f"{name}={value!r} must be auto, on or off: whether "
            "queries carry the Qwen3 instruction (auto: from the model's files or name)."
        )
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class RemoteSettings:
    """How to reach an embedding server (``SEMSEARCH_EMBED_*``); ``url=None``: none is used."""

    # A lambda: parse_embed_url is defined further down.
    url: str | None = variable("SEMSEARCH_EMBED_URL", lambda t, n: parse_embed_url(t, n), None)
    api_key: str | None = variable("SEMSEARCH_EMBED_API_KEY", _text, None)
    batch_size: int = variable("SEMSEARCH_EMBED_BATCH", _count(64), 64)
    concurrency: int = variable("SEMSEARCH_EMBED_CONCURRENCY", _count(4), 4)
    timeout: float = variable("SEMSEARCH_EMBED_TIMEOUT", _seconds(60.0), 60.0)
    instruct: Instruct = variable("SEMSEARCH_EMBED_INSTRUCT", _instruct, "auto")

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> RemoteSettings:
        """Read and check the ``SEMSEARCH_EMBED_*`` variables (see the module docstring)."""
        return _from_env(cls, environ)


def _switch(text: str, name: str) -> bool:
    value = text.lower()
    if value in ("0", "off", "no", "false"):
        return False
    if value in ("1", "on", "yes", "true"):
        return True
    raise SettingsError(f"{name}={value!r} must be 1 (on) or 0 (off).")


def _origins(text: str, _name: str) -> tuple[str, ...]:
    return tuple(origin.strip() for origin in text.split(",") if origin.strip())


@dataclass(frozen=True)
class PageLimits:
    """What one page session may ask of the shared server; each refusal keeps the text.

    The defaults let one person work with a book-sized knowledge base; a classroom's
    (``SEMSEARCH_CLASSROOM=1``) keep thirty people on one server responsive. The CLI and
    the Python API have no such limits: they run for their own user.
    """

    max_passages: int = variable("SEMSEARCH_MAX_PASSAGES", _count(50_000), 50_000)
    max_characters: int = variable("SEMSEARCH_MAX_CHARACTERS", _count(20_000_000), 20_000_000)
    max_token_cap: int = variable("SEMSEARCH_MAX_TOKEN_CAP", _count(8192), 8192)
    max_projected: int = variable("SEMSEARCH_MAX_PROJECTED", _count(50_000), 50_000)

    @classmethod
    def classroom_defaults(cls) -> PageLimits:
        """The defaults under ``SEMSEARCH_CLASSROOM=1``."""
        return cls(max_passages=5_000, max_characters=2_000_000, max_token_cap=1024,
                   max_projected=5_000)  # fmt: skip

    @classmethod
    def from_env(
        cls, environ: Mapping[str, str] | None = None, *, classroom: bool = False
    ) -> PageLimits:
        """Read ``SEMSEARCH_MAX_*`` (see the module docstring) over the mode's defaults."""
        env = os.environ if environ is None else environ
        base = cls.classroom_defaults() if classroom else cls()
        values: dict[str, int] = {}
        for item in fields(cls):
            name, default = item.metadata["variable"], getattr(base, item.name)
            text = env.get(name, "").strip()
            values[item.name] = _count(default)(text, name) if text else default
        values["max_token_cap"] = max(8, values["max_token_cap"])
        return cls(**values)


def _max_length(value: str, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 8:
        raise SettingsError(f"{name}={value!r} must be a whole number of tokens, at least 8.")
    return number


def _store(value: str, name: str) -> str:
    parse_store(value, name)
    return value


@dataclass(frozen=True)
class Settings:
    """Every ``SEMSEARCH_*`` variable, read and checked in one place; ``None``: the default.

    ``Settings.from_env()`` reads them all (a wrong value is a SettingsError naming the
    variable, at start-up rather than mid-search); code takes what it needs from the
    result, and nothing else in the package, ``app.py`` or ``app_views/`` reads the
    environment (``tests/test_settings_env.py`` checks that, and that every
    ``SEMSEARCH_*`` name in the code is a field here).

    **Adding a variable** is one field here::

        limit: int = variable("SEMSEARCH_<NAME>", parse_limit, 10)

    where ``parse_limit(text, name)`` gets the value without blanks (never empty: unset
    or blank keeps the default) and returns the field's value or raises a SettingsError
    with ``name``, the value and the fix. Add its line to this module's docstring (and to
    the README's settings table). A group of its own (as ``SEMSEARCH_EMBED_*``) is a
    frozen dataclass of :func:`variable` fields whose ``from_env`` returns
    ``_from_env(cls, environ)``, held here by a field with ``metadata={"group": Group}``.
    """

    model: str = variable("SEMSEARCH_MODEL", _text, "auto")
    device: str | None = variable("SEMSEARCH_DEVICE", parse_device, None)
    dtype: str | None = variable("SEMSEARCH_DTYPE", parse_dtype, None)
    max_length: int = variable("SEMSEARCH_MAX_LENGTH", _max_length, 512)
    store: str = variable("SEMSEARCH_STORE", _store, "sqlite")
    """Where saved bases live (:func:`semsearch.retrieval.stores.open_store`)."""
    store_token: str | None = variable("SEMSEARCH_STORE_TOKEN", _text, None)
    data_dir: Path | None = variable("SEMSEARCH_DATA_DIR", expand_folder, None)
    """The data folder; ``None``: the platform's (:func:`semsearch.data_folder.data_dir`)."""
    lock_wait: float = variable("SEMSEARCH_LOCK_WAIT", _seconds_from_zero(5.0), 5.0)
    """Seconds a write of a base waits for another writer of it (see ``stores/locks.py``)."""
    trash_days: int = variable("SEMSEARCH_TRASH_DAYS", _days(7), 7)
    """Days a deleted base stays restorable (:mod:`semsearch.retrieval.trash`); 0: none."""
    embed: RemoteSettings = field(
        default_factory=lambda: RemoteSettings(), metadata={"group": RemoteSettings}
    )
    """Where an embedding server is, if one is used (``embed.url``)."""
    cache_max: int = variable("SEMSEARCH_CACHE_MAX", parse_size, DEFAULT_CACHE_MAX)
    """Bytes the vector cache may take on disk; 0: no disk cache."""
    reranker: str | None = variable("SEMSEARCH_RERANKER", _text, None)
    """The reranker to load; ``None``: :data:`semsearch.answers.reranker.DEFAULT_RERANKER`."""
    llm: str | None = variable("SEMSEARCH_LLM", _text, None)
    """The answering model (loaded here, or named to the endpoint); ``None``: the default."""
    llm_base_url: str | None = variable("SEMSEARCH_LLM_BASE_URL", _text, None)
    llm_api_key: str | None = variable("SEMSEARCH_LLM_API_KEY", _text, None)
    classroom: bool = variable("SEMSEARCH_CLASSROOM", _switch, False)
    """``SEMSEARCH_CLASSROOM=1``: the page protects what the class shares (module doc)."""
    limits: PageLimits = field(
        default_factory=lambda: PageLimits(),
        metadata={
            "group": PageLimits,  # read after ``classroom``: its defaults depend on it
            "read": lambda env, values: PageLimits.from_env(
                env, classroom=values.get("classroom", False)
            ),
        },
    )
    """What one page session may ask of the server."""
    api_key: str | None = variable("SEMSEARCH_API_KEY", _text, None)
    """The bearer key of ``semsearch serve`` (asked by the server, sent by ``--server``)."""
    # A lambda: parse_server_url is defined further down.
    server: str | None = variable("SEMSEARCH_SERVER", lambda t, n: parse_server_url(t, n), None)
    """A running ``semsearch serve``'s root URL, for ``--server``; ``None``: work locally."""
    cors_origins: tuple[str, ...] = variable("SEMSEARCH_CORS_ORIGINS", _origins, ())
    """Web origins ``semsearch serve`` allows cross-origin calls from; empty: CORS off."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Read and check every ``SEMSEARCH_*`` variable (see the module docstring)."""
        return _from_env(cls, environ)

    @classmethod
    def one(cls, name: str, environ: Mapping[str, str] | None = None) -> Any:
        """The field ``name`` alone, read and checked (the other variables are not read).

        For code deep under a command that must not fail on a variable it does not use (a
        store's write reads ``lock_wait`` only).
        """
        item = next(f for f in fields(cls) if f.name == name and "variable" in f.metadata)
        text = (os.environ if environ is None else environ).get(item.metadata["variable"], "")
        return (
            item.metadata["parse"](text.strip(), item.metadata["variable"])
            if text.strip()
            else item.default
        )


def parse_server_url(value: str, source: str = "--server") -> str:
    """A ``semsearch serve`` root URL without trailing slashes (or ``/v1``), or a SettingsError."""
    cleaned = value.strip().rstrip("/").removesuffix("/v1")
    if not cleaned.startswith(("http://", "https://")) or cleaned in ("http:", "https:"):
        raise SettingsError(
            f"{source}={value!r} must be the http(s) URL of a running `semsearch serve`, "
            "e.g. http://127.0.0.1:8000."
        )
    return cleaned


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
