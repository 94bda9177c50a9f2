"""The page's "Why these results?" views: one module per view, laid out as tabs.

Like ``app.py``, these modules only place widgets and charts; every number comes from the
``semsearch`` package (BM25, projections, threshold sweeps, rank agreement). Each view reads
the current search's vectors; nothing but the Compare view encodes the knowledge base.
"""

from .context import ViewContext
from .layout import why_these_results

__all__ = ["ViewContext", "why_these_results"]
