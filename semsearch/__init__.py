"""semsearch: see, teach and prototype semantic search with Qwen3-Embedding.

import semsearch
embedder = semsearch.load_embedder("bundled")
matrix = embedder.encode_documents(["Oranges are rich in vitamin C.", "Apple makes phones."])
query = embedder.encode_queries(["Which fruit has vitamin C?"])[0]
semsearch.rank(query, matrix, top_k=1)  # [Hit(index=0, score=0.7...)]
"""

from .calibration import threshold_sweep
from .embedder import Embedder, Embedding
from .errors import InvalidArgumentError, KnowledgeBaseError, ModelLoadError, SemsearchError
from .keywords import bm25_rank
from .loading import LoadReport, load_embedder
from .projection import project_2d
from .prompts import DEFAULT_TASK, format_query
from .ranking import Hit, cosine_scores, rank, reciprocal_rank_fusion
from .vector_cache import VectorCache
from .vector_index import VectorIndex

__all__ = [
    "DEFAULT_TASK",
    "Embedder",
    "Embedding",
    "Hit",
    "InvalidArgumentError",
    "KnowledgeBaseError",
    "LoadReport",
    "ModelLoadError",
    "SemsearchError",
    "VectorCache",
    "VectorIndex",
    "bm25_rank",
    "cosine_scores",
    "format_query",
    "load_embedder",
    "project_2d",
    "rank",
    "reciprocal_rank_fusion",
    "threshold_sweep",
]
