"""The words of "Behind the scenes": the vectors themselves (app_views/behind.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "behind": ("Behind the scenes: the vectors", "幕后数据:向量"),
    "behind_empty": ("Run a search to see the query's vector.", "先搜索一次,才能看到查询向量。"),
    "vector_dim": (
        "The query became a vector of **{dim}** numbers (the model's output size).",
        "查询被编码成 **{dim}** 个数字组成的向量(模型的输出维度)。",
    ),
    "model_input": ("Exactly what the model read for the query:", "模型实际读取的查询文本:"),
    "first_values": ("Its first {count} values:", "前 {count} 个值:"),
    "chart_head": ("First {count} values", "前 {count} 维的数值"),
    "chart_hist": ("All {dim} values: how they are spread", "全部 {dim} 个值的分布"),
    "vector_norm": (
        "Length (L2 norm): {norm:.4f} · smallest {minimum:.4f} · largest {maximum:.4f}",
        "长度(L2 范数):{norm:.4f} · 最小 {minimum:.4f} · 最大 {maximum:.4f}",
    ),
    "kb_matrix": (
        "Knowledge-base matrix: {rows} × {dim}. Score = dot product = cosine.",
        "知识库矩阵:{rows} × {dim}。得分 = 点积 = 余弦相似度。",
    ),
    "dimension": ("dimension", "维度"),
    "value": ("value", "数值"),
    "count": ("count", "个数"),
}
