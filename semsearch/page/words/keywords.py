"""The keyword view: BM25 against the model (app_views/keywords.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "kw_intro": (
        "BM25 ranks lines by shared words (English by their stems, so charge finds charging; "
        "Chinese cut into words by jieba; no synonyms); the model ranks them by meaning. Lines "
        "only one of them finds are marked.",
        "BM25 按共同的词排序(英文按词干,charge 能找到 charging;中文用 jieba 分词;没有同义词);"
        "模型按意思排序。只被其中一种方法找到的行会被标出。",
    ),
    "kw_meaning": ("By meaning (the model)", "按语义(模型)"),
    "kw_keywords": ("By keywords (BM25)", "按关键词(BM25)"),
    "kw_hybrid": ("Hybrid: reciprocal rank fusion of both", "混合:两者的倒数排名融合(RRF)"),
    "kw_show_hybrid": ("Show a hybrid ranking", "显示混合排序"),
    "kw_only_meaning": ("only meaning", "仅语义"),
    "kw_only_keywords": ("only keywords", "仅关键词"),
    "kw_both": ("both", "两者"),
    "kw_neither": ("neither (outside both top lists)", "都没有(不在两个列表中)"),
    "kw_none": ("No line shares a word with the query.", "没有任何一行与查询有相同的词。"),
    "kw_lesson": (
        "{count:# line|# lines} found by meaning {count:shares|share} no word with the query: "
        "keyword search would miss {count:it|them}.",
        "语义找到的结果中有 {count} 行与查询没有任何相同的词:关键词搜索会漏掉它们。",
    ),
    "kw_chart": (
        "Each line: keyword score (BM25) against meaning score (cosine)",
        "每一行:关键词得分(BM25)与语义得分(余弦)",
    ),
    "kw_indexing": (
        "Indexing {count:# line|# lines} for keyword search…",
        "正在为 {count} 行建立关键词索引…",
    ),
    "col_found": ("found by", "找到方式"),
    "col_terms": ("shared words", "相同的词"),
    "kw_unread": (
        "The model cannot read these lines or the query: what it finds here is no evidence that "
        "meaning beats keywords.",
        "模型读不懂这些行或查询:它在这里找到的结果不能说明语义胜过关键词。",
    ),
}
