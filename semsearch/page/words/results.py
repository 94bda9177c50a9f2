"""The words of query, search and results: tiers, scores, precision, export, columns.

From app.py, app_views/context.py and app_views/rerank.py.

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "score_means": (
        "What the number means: the cosine similarity of the question's and this line's vectors "
        "(both of length 1): 1 = same direction, 0 = unrelated. ≥ {strong} strong match · "
        "{related}–{strong} related · < {related} weak.",
        "这个数字的含义:问题与这一行的向量(长度都为 1)的余弦相似度:1 = 方向相同,0 = 毫不相关。≥ "
        "{strong} 高度相关 · {related}–{strong} 相关 · < {related} 弱相关。",
    ),
    "score_means_unread": (
        "What the number means: the cosine similarity of the question's and this line's vectors "
        "(both of length 1): 1 = same direction, 0 = unrelated. Here it means little: the model "
        "cannot read this text, so no tier word is given.",
        "这个数字的含义:问题与这一行的向量(长度都为 1)的余弦相似度:1 = 方向相同,0 = 毫不相关。"
        "但这里它说明不了什么:模型读不懂这些文字,所以不给相关程度。",
    ),
    "query_header": ("Query", "查询"),
    "query": ("Your question", "你的问题"),
    "query_placeholder": ("Ask in your own words", "用自己的话提问"),
    "search": ("Search", "开始搜索"),
    "threshold": ("Similarity threshold", "相似度阈值"),
    "threshold_help": (
        "Only results scoring at least this are shown.",
        "只显示得分不低于该值的结果。",
    ),
    "top_k": ("Top-k", "最多显示"),
    "top_k_help": ("Show at most this many results.", "最多显示的结果条数。"),
    "per_document": ("One result per document", "每个文档一条结果"),
    "per_document_help": (
        "On: a record or paragraph cut into several passages is one result, ranked by its best "
        "passage (MaxP, as semsearch search does). Off: every passage ranks on its own (as "
        "semsearch search --passages).",
        "开:被切成多段的记录或段落算作一条结果,按其最佳片段排序(MaxP,与 semsearch search 相同)。"
        "关:每个片段各自排序(与 semsearch search --passages 相同)。",
    ),
    "more_passages": (
        "+ {count:# more passage|# more passages} of this document found (best {best}); switch "
        "off “One result per document” to list {count:it|them}.",
        "+ 该文档另有 {count} 个片段被找到(最高 {best});关闭“每个文档一条结果”即可逐条列出。",
    ),
    "more_passages_lesson": (
        "+ {count:# more passage|# more passages} of this document found (best {best}).",
        "+ 该文档另有 {count} 个片段被找到(最高 {best})。",
    ),
    "need_kb": (
        "Add at least one line to the knowledge base first.",
        "请先在知识库中至少输入一行。",
    ),
    "need_query": ("Type a question first.", "请先输入问题。"),
    "encoding": ("Encoding {done}/{total:# line|# lines}…", "正在编码 {done}/{total} 行…"),
    "preparing": ("Reading {total:# line|# lines}…", "正在读取 {total} 行…"),
    "search_failed": ("The search failed: {cause}", "搜索失败:{cause}"),
    "results_header": ("Results", "匹配结果"),
    "results_for": ("Results for: {query}", "查询:{query}"),
    "search_stats": (
        "{encoded:# line|# lines} encoded, {reused} from the cache · {seconds:.2f} s",
        "新编码 {encoded} 行,缓存命中 {reused} 行 · {seconds:.2f} 秒",
    ),
    "rank": ("#{rank}", "第 {rank} 名"),
    "tier_strong": ("strong match", "高度相关"),
    "tier_related": ("related", "相关"),
    "tier_weak": ("weak", "弱相关"),
    "none_pass": (
        "No line reaches the threshold {threshold:.2f}. The best score is {best:.4f}, for:",
        "没有结果达到阈值 {threshold:.2f}。最高分为 {best:.4f},对应:",
    ),
    "stale": (
        "The knowledge base, query or model changed since these results. Press Search to update "
        "them.",
        "知识库、查询或模型在本次结果之后有改动。点击“开始搜索”更新结果。",
    ),
    "stale_no_kb": (
        "These results are from the last search; the knowledge base is empty now. Add lines, then "
        "press Search.",
        "这些是上一次搜索的结果;知识库现在是空的。请先输入几行,再点击“开始搜索”。",
    ),
    "stale_no_query": (
        "These results are from the last search; the question is empty now. Type one, then press "
        "Search.",
        "这些是上一次搜索的结果;问题现在是空的。请先输入问题,再点击“开始搜索”。",
    ),
    "truncated": (
        "{count:# line is|# lines are} longer than {cap} tokens; the model read only "
        "{count:its|their} start:",
        "{count} 行超过 {cap} 个 token,模型只读取了开头部分:",
    ),
    "truncated_line": ("line {index}: {tokens} tokens", "第 {index} 行:{tokens} 个 token"),
    "query_truncated": (
        "The query has {tokens} tokens; only the first {cap} were read.",
        "查询有 {tokens} 个 token,只读取了前 {cap} 个。",
    ),
    "col_line": ("line", "行"),
    "col_text": ("text", "文本"),
    "col_score": ("score", "得分"),
    "col_bm25": ("BM25", "BM25"),
    "col_cosine": ("cosine", "余弦"),
    "base_scope": (
        "Searched all {total} passages of '{base}'. The results are exact; the views below work "
        "on its {candidates} best passages for this query and {sampled} more drawn at random.",
        "已检索 “{base}” 的全部 {total} 段,结果精确;下方的分析视图只使用与本次查询最相关的 "
        "{candidates} 段,另加随机抽取的 {sampled} 段。",
    ),
    "export_header": ("Export", "导出"),
    "export_results_csv": ("Results as CSV", "结果(CSV)"),
    "export_results_json": ("Results as JSON", "结果(JSON)"),
    "rerank_loading": ("Loading the reranker…", "正在加载重排序模型…"),
    "rerank_failed": ("Reranking is off: {cause}", "重排序已关闭:{cause}"),
    "rerank_score": ("reranker {score}", "重排序 {score}"),
    "origin": ("from {origin}", "来自 {origin}"),
    "precision_exact": (
        "Scores computed in fp32: the scores sentence-transformers prints, to 4 decimals.",
        "分数以 fp32 计算:与 sentence-transformers 输出的分数一致(精确到小数点后 4 位)。",
    ),
    "precision_half_gpu": (
        "Scores computed in {dtype} on {device}: Qwen3-Embedding's own precision (it was trained "
        "in bf16); sentence-transformers in fp32 may differ by up to ~0.005.",
        "分数在 {device} 上以 {dtype} 计算:这是 Qwen3-Embedding 自身的精度(以 bf16 训练);与 "
        "sentence-transformers 的 fp32 分数最多相差约 0.005。",
    ),
    "precision_half_cpu": (
        "Scores computed in {dtype}, as asked (SEMSEARCH_DTYPE): faster, but up to ~0.005 from "
        "sentence-transformers' fp32 scores. Unset it for exact scores.",
        "分数按设置(SEMSEARCH_DTYPE)以 {dtype} 计算:更快,但与 sentence-transformers 的 fp32 "
        "分数最多相差约 0.005。取消该设置即可得到精确分数。",
    ),
    "precision_server": (
        "Scores computed by the embedding server, in its own precision.",
        "分数由嵌入服务器计算,精度由服务器决定。",
    ),
    "search_reranked": (
        "Ranked again from the vectors of the last search: nothing was encoded.",
        "用上次搜索的向量重新排序:没有重新编码。",
    ),
}
