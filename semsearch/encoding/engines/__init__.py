"""Engines: what turns texts into unit vectors (transformers or NumPy in-process, a server).

The public surface of engines: the contract (:class:`Engine`, :class:`Tokenizing`,
:class:`EncodedBatch`), the table that opens one (:func:`open_engine`, :data:`ENGINES`), the
engines and the few helpers other modules need (:data:`DTYPES`, :func:`default_device`,
:func:`base_url`). Import from here, not from the modules below: they are internals. Names
are imported on first use, so ``import semsearch.encoding.engines`` loads neither torch nor
httpx2 (and the NumPy engine, :mod:`.numpy_bert`, never needs torch at all).
"""

from typing import TYPE_CHECKING

from semsearch._lazy import lazy_exports

if TYPE_CHECKING:
    from semsearch.encoding.engine import UNKNOWN_TOKENS as UNKNOWN_TOKENS
    from semsearch.encoding.engine import EncodedBatch as EncodedBatch
    from semsearch.encoding.engine import Engine as Engine
    from semsearch.encoding.engine import EngineKind as EngineKind
    from semsearch.encoding.engine import Tokenizing as Tokenizing
    from semsearch.encoding.engines.local import DTYPES as DTYPES
    from semsearch.encoding.engines.local import TransformerRuntime as TransformerRuntime
    from semsearch.encoding.engines.local import default_device as default_device
    from semsearch.encoding.engines.local import default_dtype as default_dtype
    from semsearch.encoding.engines.model_files import ModelFiles as ModelFiles
    from semsearch.encoding.engines.model_files import read_model_files as read_model_files
    from semsearch.encoding.engines.numpy_bert import NumpyBertRuntime as NumpyBertRuntime
    from semsearch.encoding.engines.numpy_bert import numpy_engine_runs as numpy_engine_runs
    from semsearch.encoding.engines.opening import ENGINES as ENGINES
    from semsearch.encoding.engines.opening import EngineRequest as EngineRequest
    from semsearch.encoding.engines.opening import OpenedEngine as OpenedEngine
    from semsearch.encoding.engines.opening import check_device as check_device
    from semsearch.encoding.engines.opening import engine_kind as engine_kind
    from semsearch.encoding.engines.opening import open_engine as open_engine
    from semsearch.encoding.engines.opening import remote_prompting as remote_prompting
    from semsearch.encoding.engines.remote import RemoteEngine as RemoteEngine
    from semsearch.encoding.engines.remote import RemoteOptions as RemoteOptions
    from semsearch.encoding.engines.remote import base_url as base_url
    from semsearch.encoding.engines.tokens import DeviceOutOfMemory as DeviceOutOfMemory
    from semsearch.encoding.engines.tokens import TokenEngine as TokenEngine
    from semsearch.encoding.engines.tokens import Tokenized as Tokenized
    from semsearch.encoding.engines.tokens import TokenRuntime as TokenRuntime

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "semsearch.encoding.engine": (
            "UNKNOWN_TOKENS", "EncodedBatch", "Engine", "EngineKind", "Tokenizing",
        ),
        ".local": ("DTYPES", "TransformerRuntime", "default_device", "default_dtype"),
        ".model_files": ("ModelFiles", "read_model_files"),
        ".numpy_bert": ("NumpyBertRuntime", "numpy_engine_runs"),
        ".opening": (
            "ENGINES", "EngineRequest", "OpenedEngine", "check_device", "engine_kind",
            "open_engine", "remote_prompting",
        ),
        ".remote": ("RemoteEngine", "RemoteOptions", "base_url"),
        ".tokens": ("DeviceOutOfMemory", "TokenEngine", "TokenRuntime", "Tokenized"),
    },
)  # fmt: skip
