"""Texts to vectors: the embedder, its engines, prompts, batching and the vector cache.

Public names, imported on first use (importing this package loads neither torch nor an
HTTP client). Engines have their own surface: :mod:`semsearch.encoding.engines`.
"""

from typing import TYPE_CHECKING

from semsearch._lazy import lazy_exports

if TYPE_CHECKING:
    from semsearch.encoding.disk_cache import DiskVectorCache as DiskVectorCache
    from semsearch.encoding.embedder import Embedder as Embedder
    from semsearch.encoding.embedder import Embedding as Embedding
    from semsearch.encoding.embedder import Prompting as Prompting
    from semsearch.encoding.embedder import mrl_dims as mrl_dims
    from semsearch.encoding.load_report import LoadReport as LoadReport
    from semsearch.encoding.loading import load_embedder as load_embedder
    from semsearch.encoding.loading import load_remote_embedder as load_remote_embedder
    from semsearch.encoding.model_source import AUTO as AUTO
    from semsearch.encoding.model_source import BUNDLED as BUNDLED
    from semsearch.encoding.model_source import auto_model as auto_model
    from semsearch.encoding.precision import describe_precision as describe_precision
    from semsearch.encoding.prompts import DEFAULT_TASK as DEFAULT_TASK
    from semsearch.encoding.prompts import format_query as format_query
    from semsearch.encoding.vector_cache import VectorCache as VectorCache
    from semsearch.encoding.vectors import normalise as normalise

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".disk_cache": ("DiskVectorCache",),
        ".embedder": ("Embedder", "Embedding", "Prompting", "mrl_dims"),
        ".load_report": ("LoadReport",),
        ".loading": ("load_embedder", "load_remote_embedder"),
        ".model_source": ("AUTO", "BUNDLED", "auto_model"),
        ".precision": ("describe_precision",),
        ".prompts": ("DEFAULT_TASK", "format_query"),
        ".vector_cache": ("VectorCache",),
        ".vectors": ("normalise",),
    },
)
