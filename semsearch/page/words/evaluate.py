"""The evaluation view: recall, MRR and nDCG on the labels (app_views/evaluate.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "eval_caption": (
        "Your relevance labels (the Calibrate tab: label results, or load a query,text,relevant "
        "CSV) as judgements: for each labelled query, every method ranks all {passages} passages. "
        "recall@{k}: share of the relevant passages in the top {k}; MRR@10: 1 / rank of the first "
        "relevant one; nDCG@10: the top 10's order against the best possible. Computed by "
        "pytrec_eval (TREC's trec_eval).",
        "以你的相关性标注(“校准阈值”页:标注结果,或载入 query,text,relevant CSV)作为评测依据:"
        "对每个已标注的查询,每种方法都对全部 {passages} 段排序。recall@{k}:相关段落出现在前 {k} "
        "中的比例;MRR@10:第一个相关段落排名的倒数;nDCG@10:前 10 的顺序与最佳顺序之比。由 "
        "pytrec_eval(TREC 的 trec_eval)计算。",
    ),
    "eval_none": (
        "No labelled query yet. Label results as relevant in the Calibrate tab (or load a labels "
        "CSV there), then come back: the model, BM25 and the hybrid are compared on them.",
        "还没有已标注的查询。请在“校准阈值”页把结果标为相关(或在那里载入标注 CSV),然后回到这里:"
        "模型、BM25 与混合检索会在这些标注上比较。",
    ),
    "eval_scope": (
        "This base is searched in its store: the evaluation ranks only the {count} passages this "
        "search holds, not the whole base (the command line's semsearch eval --name ranks all of "
        "it).",
        "该知识库在存储中搜索:评测只对本次搜索持有的 {count} 段排序,而非整个知识库(命令行 "
        "semsearch eval --name 会对全部段落排序)。",
    ),
    "eval_unmatched": (
        "{count} labels name texts not among these passages; they are left out.",
        "{count} 条标注的文本不在这些段落中,已忽略。",
    ),
    "eval_method": ("Method", "方法"),
    "eval_model": ("Embedding model", "向量模型"),
    "eval_bm25": ("BM25 (keywords)", "BM25(关键词)"),
    "eval_hybrid": ("Hybrid (RRF)", "混合检索(RRF)"),
    "eval_reranker": ("Reranker", "重排序模型"),
    "eval_queries": ("{count:# labelled query|# labelled queries}", "{count} 个已标注查询"),
    "eval_misses": ("Missed in the top {k}", "未进入前 {k} 的相关段落"),
    "eval_no_misses": (
        "Every method found every relevant passage in its top {k}.",
        "每种方法都在前 {k} 中找到了所有相关段落。",
    ),
    "eval_rank": ("Rank", "排名"),
    "eval_not_ranked": ("not ranked", "未排入"),
    "eval_query": ("Query", "查询"),
}
