"""Which index ranks the page's search, and where it is kept.

A search's vectors are ranked on the device of the model that made them. On a CPU the
index is plain NumPy over the search's own array, kept in the session with its search
(it remembers the last query's scores, which the views ask for again). On a GPU the vectors
must not live in the session (a tensor there is never freed): the page keeps that copy in a
process-wide cache (``st.cache_resource``) and passes its factory in, since this package
never imports streamlit. What it does not do: rank, or encode.
"""

from __future__ import annotations

from collections.abc import Callable

from semsearch.page.state import Kept, PageState
from semsearch.retrieval.search import SearchRun
from semsearch.retrieval.vector_index import VectorIndex

GpuIndex = Callable[[SearchRun, str], VectorIndex]
"""Makes (or finds in the page's cache) ``run``'s index on the CUDA device given."""


def ranking_index(
    state: PageState, run: SearchRun, device: str, gpu_index: GpuIndex
) -> VectorIndex:
    """The index to rank ``run`` with: ``gpu_index``'s on CUDA, else the session's CPU one."""
    if device.startswith("cuda"):
        return gpu_index(run, device)
    return state.remembered(
        Kept.CPU_INDEX, run.key, lambda: VectorIndex(run.kb_embeddings, normalised=True)
    )
