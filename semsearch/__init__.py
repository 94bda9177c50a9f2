"""semsearch: see, teach and prototype semantic search with Qwen3-Embedding.

The public API. A knowledge base on any store, in four calls::

    import semsearch

    embedder = semsearch.load_embedder("bundled")  # or "auto", a hub id, a folder
    base = semsearch.create_base("faq", embedder, store="sqlite:/tmp/bases")
    base.add(["Oranges are rich in vitamin C.", "Hold the reset button for ten seconds."])
    base.search("Which fruit has vitamin C?", top_k=1)  # [StoredHit(id=0, score=0.6...)]

and the pieces under it (:func:`load_embedder`, :func:`rank`, :class:`VectorCache`,
:func:`bm25_rank`...). Names are imported on first use, so ``import semsearch`` loads
neither torch nor a store. Each subpackage re-exports its own public names
(:mod:`semsearch.encoding`, :mod:`semsearch.retrieval`, :mod:`semsearch.documents`,
:mod:`semsearch.analysis`, :mod:`semsearch.answers`); every error is in
:mod:`semsearch.errors`.
"""

from importlib.metadata import PackageNotFoundError, version
from typing import TYPE_CHECKING

from semsearch._lazy import lazy_exports

if TYPE_CHECKING:
    from semsearch.analysis.calibration import threshold_sweep as threshold_sweep
    from semsearch.analysis.keywords import bm25_rank as bm25_rank
    from semsearch.analysis.projection import project_2d as project_2d
    from semsearch.documents.chunking import ChunkSettings as ChunkSettings
    from semsearch.documents.chunking import Passage as Passage
    from semsearch.documents.chunking import chunk_documents as chunk_documents
    from semsearch.documents.readers import read_document as read_document
    from semsearch.encoding.embedder import Embedder as Embedder
    from semsearch.encoding.embedder import Embedding as Embedding
    from semsearch.encoding.load_report import LoadReport as LoadReport
    from semsearch.encoding.loading import load_embedder as load_embedder
    from semsearch.encoding.prompts import DEFAULT_TASK as DEFAULT_TASK
    from semsearch.encoding.prompts import format_query as format_query
    from semsearch.encoding.vector_cache import VectorCache as VectorCache
    from semsearch.errors import CacheError as CacheError
    from semsearch.errors import DimensionMismatchError as DimensionMismatchError
    from semsearch.errors import DocumentError as DocumentError
    from semsearch.errors import EmbeddingServerError as EmbeddingServerError
    from semsearch.errors import GeneratorError as GeneratorError
    from semsearch.errors import InvalidArgumentError as InvalidArgumentError
    from semsearch.errors import KnowledgeBaseError as KnowledgeBaseError
    from semsearch.errors import ModelLoadError as ModelLoadError
    from semsearch.errors import NoTokenizerError as NoTokenizerError
    from semsearch.errors import SemsearchError as SemsearchError
    from semsearch.errors import SettingsError as SettingsError
    from semsearch.errors import StoreError as StoreError
    from semsearch.retrieval.knowledge_bases import KnowledgeBase as KnowledgeBase
    from semsearch.retrieval.knowledge_bases import create_base as create_base
    from semsearch.retrieval.knowledge_bases import open_base as open_base
    from semsearch.retrieval.ranking import Hit as Hit
    from semsearch.retrieval.ranking import cosine_scores as cosine_scores
    from semsearch.retrieval.ranking import rank as rank
    from semsearch.retrieval.ranking import reciprocal_rank_fusion as reciprocal_rank_fusion
    from semsearch.retrieval.stores import BaseInfo as BaseInfo
    from semsearch.retrieval.stores import StoredHit as StoredHit
    from semsearch.retrieval.stores import open_store as open_store
    from semsearch.retrieval.vector_index import VectorIndex as VectorIndex

try:
    __version__ = version("semsearch")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

_names, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        "semsearch.analysis.calibration": ("threshold_sweep",),
        "semsearch.analysis.keywords": ("bm25_rank",),
        "semsearch.analysis.projection": ("project_2d",),
        "semsearch.documents.chunking": ("ChunkSettings", "Passage", "chunk_documents"),
        "semsearch.documents.readers": ("read_document",),
        "semsearch.encoding.embedder": ("Embedder", "Embedding"),
        "semsearch.encoding.load_report": ("LoadReport",),
        "semsearch.encoding.loading": ("load_embedder",),
        "semsearch.encoding.prompts": ("DEFAULT_TASK", "format_query"),
        "semsearch.encoding.vector_cache": ("VectorCache",),
        "semsearch.errors": (
            "CacheError",
            "DimensionMismatchError",
            "DocumentError",
            "EmbeddingServerError",
            "GeneratorError",
            "InvalidArgumentError",
            "KnowledgeBaseError",
            "ModelLoadError",
            "NoTokenizerError",
            "SemsearchError",
            "SettingsError",
            "StoreError",
        ),
        "semsearch.retrieval.knowledge_bases": ("KnowledgeBase", "create_base", "open_base"),
        "semsearch.retrieval.ranking": ("Hit", "cosine_scores", "rank", "reciprocal_rank_fusion"),
        "semsearch.retrieval.stores": ("BaseInfo", "StoredHit", "open_store"),
        "semsearch.retrieval.vector_index": ("VectorIndex",),
    },
)
__all__ = ["__version__", *_names]
