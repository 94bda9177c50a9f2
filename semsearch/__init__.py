"""semsearch: see, teach and prototype semantic search with Qwen3-Embedding.

import semsearch
embedder = semsearch.load_embedder("bundled")
matrix = embedder.encode_documents(["Oranges are rich in vitamin C.", "Apple makes phones."])
query = embedder.encode_queries(["Which fruit has vitamin C?"])[0]
semsearch.rank(query, matrix, top_k=1)  # [Hit(index=0, score=0.7...)]
"""

from semsearch.analysis.calibration import threshold_sweep
from semsearch.analysis.keywords import bm25_rank
from semsearch.analysis.projection import project_2d
from semsearch.encoding.embedder import Embedder, Embedding
from semsearch.encoding.load_report import LoadReport
from semsearch.encoding.loading import load_embedder
from semsearch.encoding.prompts import DEFAULT_TASK, format_query
from semsearch.encoding.vector_cache import VectorCache
from semsearch.errors import (
    InvalidArgumentError,
    KnowledgeBaseError,
    ModelLoadError,
    SemsearchError,
)
from semsearch.retrieval.ranking import Hit, cosine_scores, rank, reciprocal_rank_fusion
from semsearch.retrieval.vector_index import VectorIndex

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
