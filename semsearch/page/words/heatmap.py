"""The heatmap view: similarity of every pair (app_views/heatmap.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "heat_intro": (
        "Cosine similarity between the query and each line, and between lines.",
        "查询与每一行、以及行与行之间的余弦相似度。",
    ),
    "heat_limited": (
        "Showing the {shown} best-scoring of {total} lines.",
        "显示 {total} 行中得分最高的 {shown} 行。",
    ),
    "heat_query": ("Query x knowledge base", "查询 × 知识库"),
    "heat_kb": ("Knowledge base x knowledge base", "知识库 × 知识库"),
    "heat_text_column": ("text (column)", "文本(列)"),
    "heat_text_row": ("text (row)", "文本(行)"),
}
