"""The words of "Why these results?": the tabs' names and captions (app_views/layout.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "why_header": ("Why these results?", "为什么是这些结果?"),
    "why_caption_lesson": (
        "{count} ways to look inside the search; each reads the vectors already computed.",
        "{count} 种方式看清搜索的内部;每个视图都读取已算好的向量。",
    ),
    "why_caption": (
        "{count} ways to look inside the search. Each view reads the vectors already computed; "
        "only the Compare view encodes the knowledge base again, with the other model.",
        "{count} 种方式看清搜索的内部。每个视图都读取已算好的向量;"
        "只有“模型对比”会用另一个模型重新编码知识库。",
    ),
    "tab_keywords": ("Keyword vs meaning", "关键词 vs 语义"),
    "tab_map": ("Embedding map", "向量地图"),
    "tab_heatmap": ("Similarity heatmap", "相似度热力图"),
    "tab_tokens": ("Tokens", "分词"),
    "tab_calibrate": ("Calibrate the threshold", "校准阈值"),
    "tab_compare": ("Compare models", "模型对比"),
    "tab_eval": ("Does it work on my data?", "在我的数据上效果如何?"),
}
