"""The knowledge base: samples and typed lines (app.py's kb_ui).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "kb_header": ("Knowledge base", "知识库"),
    "sample": ("Sample", "示例"),
    "load_sample": ("Load sample", "载入示例"),
    "kb_text": ("One text per line", "每行一条文本"),
    "kb_help": (
        "Blank lines are ignored. Each line is encoded once and cached.",
        "空行会被忽略。每行只编码一次并缓存。",
    ),
    "kb_count": ("{count:# line|# lines}", "共 {count} 行"),
    "kb_total": (
        "{total:# passage|# passages}: {typed} typed, {files} from files",
        "共 {total} 段:手动输入 {typed} 段,来自文件 {files} 段",
    ),
}
