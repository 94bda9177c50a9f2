"""The page's words in English and Chinese.

Every string the page shows lives here under one key per language; ``{name}`` fields are
filled by :func:`t`. Both languages must have the same keys (a test checks it). The query
instruction stays English in both: Qwen3-Embedding was trained with English instructions.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "zh": "中文"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "page_title": "Semantic search with Qwen3-Embedding",
        "page_caption": (
            "Type a knowledge base on the left, ask a question in your own words on the right, "
            "and see which lines mean the same thing: texts become vectors, and the closest "
            "vectors win."
        ),
        "language": "Language",
        "model_header": "Model",
        "model_choice": "Embedding model",
        "model_auto": "auto: Qwen3-Embedding-4B on a GPU, 0.6B on CPU",
        "model_bundled": "bundled: all-MiniLM-L6-v2 (offline, English only)",
        "model_custom": "other: a Hugging Face id or a local folder",
        "custom_model": "Model id or folder",
        "loading_model": "Loading {model}… the first time may download it.",
        "model_failed": "The model {model} could not be loaded: {cause}",
        "model_failed_hint": (
            "Pick another model in the sidebar. Your knowledge base and query are kept."
        ),
        "ready": "Vector space ready",
        "info_model": "Model",
        "info_device": "Device",
        "info_dtype": "Precision",
        "info_dim": "Dimensions",
        "info_load": "Load time",
        "info_max_length": "Token cap",
        "fallback": (
            "Using the bundled **all-MiniLM-L6-v2** (English only, 384 dimensions), because "
            "{reason}. To use Qwen3-Embedding, connect to the internet once (the model is "
            "downloaded into the Hugging Face cache) or set `SEMSEARCH_MODEL` to a downloaded "
            "model folder, then restart."
        ),
        "engine_notice": "Note: {notice}",
        "settings_header": "Encoding settings",
        "dim": "Output dimension",
        "dim_help": (
            "Matryoshka (MRL): keep the first d values of each vector and re-normalise. "
            "Qwen3-Embedding was trained for this; MiniLM was not, so it loses more."
        ),
        "max_length": "Token cap per text",
        "max_length_help": "Longer texts are cut to this many tokens; the page says which.",
        "instruction": "Query instruction (task)",
        "instruction_help": (
            "Queries are encoded as 'Instruct: {{task}}\\nQuery:{{query}}'; documents carry "
            "no instruction. Write it in English. Empty means no instruction."
        ),
        "instruction_reset": "Reset instruction",
        "instruction_unused": "This model takes no instruction: queries are encoded as typed.",
        "kb_header": "Knowledge base",
        "sample": "Sample",
        "load_sample": "Load sample",
        "kb_text": "One text per line",
        "kb_help": "Blank lines are ignored. Each line is encoded once and cached.",
        "kb_count": "{count} lines",
        "query_header": "Query",
        "query": "Your question",
        "query_placeholder": "Ask in your own words",
        "search": "Search",
        "threshold": "Similarity threshold",
        "threshold_help": "Only results scoring at least this are shown.",
        "top_k": "Top-k",
        "top_k_help": "Show at most this many results.",
        "need_kb": "Add at least one line to the knowledge base first.",
        "need_query": "Type a question first.",
        "encoding": "Encoding {done}/{total} lines…",
        "search_failed": "The search failed: {cause}",
        "results_header": "Results",
        "results_for": "Results for: {query}",
        "search_stats": "{encoded} lines encoded, {reused} from the cache · {seconds:.2f} s",
        "rank": "#{rank}",
        "tier_strong": "strong match",
        "tier_related": "related",
        "tier_weak": "weak",
        "score_line": "{score} · {tier}",
        "none_pass": (
            "No line reaches the threshold {threshold:.2f}. The best score is {best:.4f}, for:"
        ),
        "stale": (
            "The knowledge base, query or model changed since these results. "
            "Press Search to update them."
        ),
        "truncated": (
            "{count} line(s) are longer than {cap} tokens; the model read only their start:"
        ),
        "truncated_line": "line {index}: {tokens} tokens",
        "query_truncated": "The query has {tokens} tokens; only the first {cap} were read.",
        "hint_start": "Press Search to rank the knowledge base against your question.",
        "behind": "Behind the scenes: the vectors",
        "behind_empty": "Run a search to see the query's vector.",
        "vector_dim": "The query became a vector of **{dim}** numbers (the model's output size).",
        "model_input": "Exactly what the model read for the query:",
        "first_values": "Its first {count} values:",
        "chart_head": "First {count} values",
        "chart_hist": "All {dim} values: how they are spread",
        "vector_norm": (
            "Length (L2 norm): {norm:.4f} · smallest {minimum:.4f} · largest {maximum:.4f}"
        ),
        "kb_matrix": "Knowledge-base matrix: {rows} × {dim}. Score = dot product = cosine.",
        "dimension": "dimension",
        "value": "value",
        "count": "count",
    },
    "zh": {
        "page_title": "Qwen3-Embedding 语义搜索",
        "page_caption": (
            "左侧输入知识库,右侧用自己的话提问,看看哪些句子意思相同:"
            "文本被编码成向量,距离最近的向量胜出。"
        ),
        "language": "语言",
        "model_header": "模型",
        "model_choice": "嵌入模型",
        "model_auto": "auto:有 GPU 用 Qwen3-Embedding-4B,CPU 用 0.6B",
        "model_bundled": "bundled:all-MiniLM-L6-v2(离线,仅英文)",
        "model_custom": "其他:Hugging Face 模型 id 或本地文件夹",
        "custom_model": "模型 id 或文件夹",
        "loading_model": "正在加载 {model}… 首次使用可能需要下载。",
        "model_failed": "无法加载模型 {model}:{cause}",
        "model_failed_hint": "请在侧边栏选择其他模型。知识库和查询内容都会保留。",
        "ready": "向量空间已就绪",
        "info_model": "模型",
        "info_device": "设备",
        "info_dtype": "精度",
        "info_dim": "维度",
        "info_load": "加载耗时",
        "info_max_length": "长度上限",
        "fallback": (
            "正在使用内置的 **all-MiniLM-L6-v2**(仅英文,384 维),原因:{reason}。"
            "要使用 Qwen3-Embedding,请联网一次(模型会下载到 Hugging Face 缓存),"
            "或把 `SEMSEARCH_MODEL` 设为已下载的模型文件夹,然后重启。"
        ),
        "engine_notice": "提示:{notice}",
        "settings_header": "编码设置",
        "dim": "输出维度",
        "dim_help": (
            "Matryoshka(MRL):保留每个向量的前 d 个值并重新归一化。"
            "Qwen3-Embedding 为此训练过;MiniLM 没有,损失更大。"
        ),
        "max_length": "每条文本的 token 上限",
        "max_length_help": "更长的文本会被截断到这个长度,页面会提示是哪几行。",
        "instruction": "查询指令(任务)",
        "instruction_help": (
            "查询按 'Instruct: {{task}}\\nQuery:{{query}}' 编码,文档不加指令。"
            "指令请用英文书写。留空表示不加指令。"
        ),
        "instruction_reset": "恢复默认指令",
        "instruction_unused": "该模型不使用指令:查询按原文编码。",
        "kb_header": "知识库",
        "sample": "示例",
        "load_sample": "载入示例",
        "kb_text": "每行一条文本",
        "kb_help": "空行会被忽略。每行只编码一次并缓存。",
        "kb_count": "共 {count} 行",
        "query_header": "查询",
        "query": "你的问题",
        "query_placeholder": "用自己的话提问",
        "search": "开始搜索",
        "threshold": "相似度阈值",
        "threshold_help": "只显示得分不低于该值的结果。",
        "top_k": "Top-k",
        "top_k_help": "最多显示的结果条数。",
        "need_kb": "请先在知识库中至少输入一行。",
        "need_query": "请先输入问题。",
        "encoding": "正在编码 {done}/{total} 行…",
        "search_failed": "搜索失败:{cause}",
        "results_header": "匹配结果",
        "results_for": "查询:{query}",
        "search_stats": "新编码 {encoded} 行,缓存命中 {reused} 行 · {seconds:.2f} 秒",
        "rank": "第 {rank} 名",
        "tier_strong": "高度相关",
        "tier_related": "相关",
        "tier_weak": "弱相关",
        "score_line": "{score} · {tier}",
        "none_pass": "没有结果达到阈值 {threshold:.2f}。最高分为 {best:.4f},对应:",
        "stale": "知识库、查询或模型在本次结果之后有改动。点击“开始搜索”更新结果。",
        "truncated": "{count} 行超过 {cap} 个 token,模型只读取了开头部分:",
        "truncated_line": "第 {index} 行:{tokens} 个 token",
        "query_truncated": "查询有 {tokens} 个 token,只读取了前 {cap} 个。",
        "hint_start": "点击“开始搜索”,用你的问题检索知识库。",
        "behind": "幕后数据:向量",
        "behind_empty": "先搜索一次,才能看到查询向量。",
        "vector_dim": "查询被编码成 **{dim}** 个数字组成的向量(模型的输出维度)。",
        "model_input": "模型实际读取的查询文本:",
        "first_values": "前 {count} 个值:",
        "chart_head": "前 {count} 维的数值",
        "chart_hist": "全部 {dim} 个值的分布",
        "vector_norm": "长度(L2 范数):{norm:.4f} · 最小 {minimum:.4f} · 最大 {maximum:.4f}",
        "kb_matrix": "知识库矩阵:{rows} × {dim}。得分 = 点积 = 余弦相似度。",
        "dimension": "维度",
        "value": "数值",
        "count": "个数",
    },
}


def t(language: str, key: str, **values: object) -> str:
    """The string ``key`` in ``language`` (English when unknown), with ``values`` filled in."""
    table = STRINGS.get(language, STRINGS["en"])
    return table[key].format(**values)
