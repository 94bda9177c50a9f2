"""semsearch: see, teach and prototype semantic search with Qwen3-Embedding.

import semsearch
embedder = semsearch.load_embedder("bundled")
matrix = embedder.encode_documents(["Oranges are rich in vitamin C.", "Apple makes phones."])
query = embedder.encode_queries(["Which fruit has vitamin C?"])[0]
semsearch.rank(query, matrix, top_k=1)  # [Hit(index=0, score=0.7...)]
"""

from .embedder import Embedder, Embedding
from .errors import InvalidArgumentError, KnowledgeBaseError, ModelLoadError, SemsearchError
from .loading import LoadReport, load_embedder
from .prompts import DEFAULT_TASK, format_query
from .ranking import Hit, cosine_scores, rank
from .vector_cache import VectorCache

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
    "cosine_scores",
    "format_query",
    "load_embedder",
    "rank",
]
