"""The page's frame: title, page switch, lesson caption, what a score means, errors (app.py).

Each entry is ``key: (English, 中文)``; see :mod:`semsearch.page.words`.
"""

WORDS: dict[str, tuple[str, str]] = {
    "page_title": ("Semantic search", "语义搜索"),
    "page_switch": ("Page", "页面"),
    "page_lesson": ("📖 Lesson", "📖 课堂"),
    "page_workbench": ("🛠️ Workbench", "🛠️ 工作台"),
    "lesson_model_failed": (
        "The model {model} could not be loaded: {cause}. Pick another one on the workbench.",
        "模型 {model} 无法加载:{cause}。请在工作台上选择另一个模型。",
    ),
    "hint_start": (
        "Press Search to rank the knowledge base against your question.",
        "点击“开始搜索”,用你的问题检索知识库。",
    ),
    "page_failed": (
        "Something went wrong on this page; what you typed is kept. Try again, or reload the "
        "page. (The details are in the server's log.)",
        "页面出了问题;你输入的内容都还在。请再试一次,或重新加载页面。(详细信息在服务器日志中。)",
    ),
}
