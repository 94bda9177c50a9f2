"""Finding passages: ranking, the vector index, searches and saved knowledge bases.

Public names, imported on first use (importing this package loads no store). The store
contract and :func:`open_store` are in :mod:`semsearch.retrieval.stores`, re-exported here.
"""

from typing import TYPE_CHECKING

from semsearch._lazy import lazy_exports

if TYPE_CHECKING:
    from semsearch.errors import StoreError as StoreError
    from semsearch.retrieval.export import result_rows as result_rows
    from semsearch.retrieval.export import results_csv as results_csv
    from semsearch.retrieval.export import results_json as results_json
    from semsearch.retrieval.export import vectors_npz as vectors_npz
    from semsearch.retrieval.export import vectors_parquet as vectors_parquet
    from semsearch.retrieval.filters import check_where as check_where
    from semsearch.retrieval.filters import facets as facets
    from semsearch.retrieval.filters import matching as matching
    from semsearch.retrieval.filters import parse_where as parse_where
    from semsearch.retrieval.indexing import IndexReport as IndexReport
    from semsearch.retrieval.indexing import index_files as index_files
    from semsearch.retrieval.knowledge_bases import METHODS as METHODS
    from semsearch.retrieval.knowledge_bases import KnowledgeBase as KnowledgeBase
    from semsearch.retrieval.knowledge_bases import create_base as create_base
    from semsearch.retrieval.knowledge_bases import open_base as open_base
    from semsearch.retrieval.library import embedder_for as embedder_for
    from semsearch.retrieval.library import read_base as read_base
    from semsearch.retrieval.library import save_base as save_base
    from semsearch.retrieval.library import search_base as search_base
    from semsearch.retrieval.ranking import Hit as Hit
    from semsearch.retrieval.ranking import cosine_scores as cosine_scores
    from semsearch.retrieval.ranking import rank as rank
    from semsearch.retrieval.ranking import reciprocal_rank_fusion as reciprocal_rank_fusion
    from semsearch.retrieval.ranking import top_hits as top_hits
    from semsearch.retrieval.search import SearchRun as SearchRun
    from semsearch.retrieval.search import run_base_search as run_base_search
    from semsearch.retrieval.search import run_search as run_search
    from semsearch.retrieval.stores import BaseInfo as BaseInfo
    from semsearch.retrieval.stores import BaseSpec as BaseSpec
    from semsearch.retrieval.stores import StoredHit as StoredHit
    from semsearch.retrieval.stores import VectorStore as VectorStore
    from semsearch.retrieval.stores import copy_base as copy_base
    from semsearch.retrieval.stores import open_store as open_store
    from semsearch.retrieval.vector_index import VectorIndex as VectorIndex

__all__, __getattr__, __dir__ = lazy_exports(
    __name__,
    {
        ".export": ("result_rows", "results_csv", "results_json", "vectors_npz", "vectors_parquet"),
        ".filters": ("check_where", "facets", "matching", "parse_where"),
        ".indexing": ("IndexReport", "index_files"),
        ".knowledge_bases": ("METHODS", "KnowledgeBase", "create_base", "open_base"),
        ".library": ("embedder_for", "read_base", "save_base", "search_base"),
        ".ranking": ("Hit", "cosine_scores", "rank", "reciprocal_rank_fusion", "top_hits"),
        ".search": ("SearchRun", "run_base_search", "run_search"),
        ".stores": ("BaseInfo", "BaseSpec", "StoredHit", "VectorStore", "copy_base", "open_store"),
        ".vector_index": ("VectorIndex",),
        "semsearch.errors": ("StoreError",),
    },
)
